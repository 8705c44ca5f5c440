/* SPDX-License-Identifier: MIT */
/* `hpfr plot ir`: the impulse response around its onset and the energy-time curve (the
 * envelope of the analytic signal, in dB re the largest peak) over the whole analysis window,
 * with the window's start, the onset, the start of the fade-out and its end marked. The
 * window comes from summary.json beside the IR: analyze writes ir.wav starting
 * window_left_ms before the onset and lasting window_left_ms + window_right_ms, the last
 * quarter of the right part fading out (dsp/analysis.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis.h"
#include "audio.h"
#include "envelope.h"
#include "kindutil.h"
#include "pinput.h"

#define ETC_POINTS 4000  /* peak-hold decimation of the ETC: enough for any screen */

typedef struct {
    char label[128];
    size_t n;
    double rate_hz;
    double *t_ms, *x, *env;
} ir;

typedef struct {
    int known;                 /* summary.json was found */
    double left_ms, right_ms, taper;
} window;

static void ir_free(ir *r)
{
    free(r->t_ms);
    free(r->x);
    free(r->env);
}

static hp_err read_window(const char *path, window *w, char *why, size_t wl)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    char *p = hp_pin_join(dir, "summary.json");
    memset(w, 0, sizeof *w);
    hp_err e = HP_OK;
    if (p && hp_pin_is_file(p)) {
        hp_jval *root;
        if ((e = hp_pin_json(p, &root, why, wl)) == HP_OK) {
            w->left_ms = hp_json_as_num(hp_json_get(root, "window_left_ms"), NAN);
            w->right_ms = hp_json_as_num(hp_json_get(root, "window_right_ms"), NAN);
            w->taper = hp_json_as_num(hp_json_get(root, "window_right_taper"),
                                      hp_analysis_cfg_default().right_taper);
            w->known = isfinite(w->left_ms) && w->left_ms >= 0 && isfinite(w->right_ms) &&
                       w->right_ms > 0 && w->taper >= 0 && w->taper <= 1;
            hp_json_free(root);
        }
    }
    free(p);
    return e;
}

static hp_err load(const char *path, size_t ch, const hp_audio *a, const window *w, ir *r,
                   char *why, size_t wl)
{
    r->n = a->frames;
    r->rate_hz = a->rate_hz;
    r->t_ms = malloc(r->n * sizeof *r->t_ms);
    r->x = malloc(r->n * sizeof *r->x);
    r->env = malloc(r->n * sizeof *r->env);
    if (!r->t_ms || !r->x || !r->env || hp_audio_channel(a, (unsigned)ch, r->x) != HP_OK)
        return ku_fail(HP_ENOMEM, why, wl);
    /* time zero: the onset analyze put window_left_ms into the file; else the peak */
    size_t zero = 0;
    if (w->known) {
        zero = (size_t)llround(w->left_ms / 1000 * a->rate_hz);
    } else {
        for (size_t k = 1; k < r->n; k++)
            if (fabs(r->x[k]) > fabs(r->x[zero]))
                zero = k;
    }
    for (size_t k = 0; k < r->n; k++)
        r->t_ms[k] = 1000.0 * ((double)k - (double)zero) / a->rate_hz;
    hp_err e = r->n >= 2 ? hp_envelope(r->x, r->n, r->env) : HP_EINVAL;
    if (e != HP_OK) {
        ku_say(why, wl, "%s: %s", path, e == HP_ENOMEM ? "out of memory" : "too short for an impulse response");
        return e;
    }
    return HP_OK;
}

typedef struct {
    ir *r;
    size_t n;
    window w;
} irs;

static hp_err load_file(const char *path, irs *s, char *why, size_t wl)
{
    hp_audio a = {0};
    hp_diag d;
    hp_err e = hp_audio_read(path, &a, &d);
    if (e != HP_OK) {
        ku_say(why, wl, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
        return e;
    }
    window w;
    e = read_window(path, &w, why, wl);
    if (e == HP_OK && s->n == 0)
        s->w = w;
    for (unsigned c = 0; c < a.channels && e == HP_OK; c++) {
        ir *p = realloc(s->r, (s->n + 1) * sizeof *p);
        if (!p) {
            e = ku_fail(HP_ENOMEM, why, wl);
            break;
        }
        s->r = p;
        memset(&s->r[s->n], 0, sizeof *s->r);
        char stem[100];
        hp_pin_basename(path, ".wav", stem, sizeof stem);
        const char *lbl = !strncmp(stem, "ir-", 3) && stem[3] ? stem + 3 : stem;
        if (a.channels > 1)
            snprintf(s->r[s->n].label, sizeof s->r[0].label, "%.100s ch%u", lbl, c + 1);
        else
            snprintf(s->r[s->n].label, sizeof s->r[0].label, "%.100s", lbl);
        e = load(path, c, &a, &w, &s->r[s->n], why, wl);
        s->n++;
    }
    hp_audio_release(&a);
    return e;
}

/* Harmonic IRs (ir-h2-L.wav ...) share the prefix but are not what this plot shows. */
static int harmonic(const char *path)
{
    char stem[100];
    hp_pin_basename(path, ".wav", stem, sizeof stem);
    return !strncmp(stem, "ir-h", 4) && stem[4] >= '0' && stem[4] <= '9';
}

static double nice_up(double v)
{
    double p = pow(10, floor(log10(v)));
    const double m[] = {1, 2, 5, 10};
    for (size_t i = 0; i < 4; i++)
        if (m[i] * p >= v)
            return m[i] * p;
    return 10 * p;
}

static hp_err top_panel(hp_ppanel *p, const irs *s, double peak, double etc_peak)
{
    /* show until the ETC has stayed 30 dB under the peak, with some room */
    double last = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->r[i].n; k++)
            if (s->r[i].env[k] >= etc_peak * pow(10, -30.0 / 20) && s->r[i].t_ms[k] > last)
                last = s->r[i].t_ms[k];
    double tmin = s->r[0].t_ms[0], tmax = s->r[0].t_ms[s->r[0].n - 1];
    for (size_t i = 1; i < s->n; i++) {
        tmin = fmin(tmin, s->r[i].t_ms[0]);
        tmax = fmax(tmax, s->r[i].t_ms[s->r[i].n - 1]);
    }
    double end = fmin(nice_up(fmax(1.5 * last, 2)), tmax);
    hp_err e = hp_ppanel_setup(p, "Around the onset", HP_PX_LINEAR, "Time re onset (ms)",
                               HP_PY_LINEAR, "Amplitude (re largest peak)");
    /* a little of the time before the onset, in proportion to what follows it */
    p->xmin = fmax(tmin, -fmax(0.25 * end, 0.5));
    p->xmax = end > p->xmin ? end : p->xmin + 1;
    for (size_t i = 0; i < s->n && e == HP_OK; i++) {
        const ir *r = &s->r[i];
        size_t k1 = r->n;
        while (k1 > 1 && r->t_ms[k1 - 2] > p->xmax)
            k1--;
        double *y = malloc(k1 * sizeof *y);
        if (!y)
            return HP_ENOMEM;
        for (size_t k = 0; k < k1; k++)
            y[k] = r->x[k] / peak;
        e = hp_ppanel_line(p, r->label, r->t_ms, y, k1, (hp_pstyle){hp_pcolor_cycle(i), 1.6, 1, 1});
        free(y);
    }
    if (e == HP_OK)
        e = hp_ppanel_mark(p, 0, s->w.known ? "onset" : "peak");
    return e;
}

static hp_err etc_line(hp_ppanel *p, const ir *r, size_t idx, double etc_peak)
{
    size_t step = (r->n + ETC_POINTS - 1) / ETC_POINTS, m = (r->n + step - 1) / step;
    double *t = malloc(m * sizeof *t), *y = malloc(m * sizeof *y);
    hp_err e = t && y ? HP_OK : HP_ENOMEM;
    for (size_t b = 0; e == HP_OK && b < m; b++) {
        size_t best = b * step;
        for (size_t k = b * step; k < (b + 1) * step && k < r->n; k++)
            if (r->env[k] > r->env[best])
                best = k;
        t[b] = r->t_ms[best];
        y[b] = r->env[best] > 0 ? 20 * log10(r->env[best] / etc_peak) : -(double)INFINITY;
    }
    if (e == HP_OK)
        e = hp_ppanel_line(p, r->label, t, y, m, (hp_pstyle){hp_pcolor_cycle(idx), 1.4, 1, 1});
    free(t);
    free(y);
    return e;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static hp_err etc_panel(hp_ppanel *p, const irs *s, double etc_peak)
{
    hp_err e = hp_ppanel_setup(p, "Energy-time curve", HP_PX_LINEAR, "Time re onset (ms)",
                               HP_PY_DB, "Level re peak (dB)");
    double tmin = s->r[0].t_ms[0], tmax = s->r[0].t_ms[s->r[0].n - 1];
    for (size_t i = 1; i < s->n; i++) {
        tmin = fmin(tmin, s->r[i].t_ms[0]);
        tmax = fmax(tmax, s->r[i].t_ms[s->r[i].n - 1]);
    }
    double pad = 0.02 * (tmax - tmin);
    p->xmin = tmin - pad;
    p->xmax = tmax + pad;
    /* floor: 10 dB under the median level of the part before the fade-out, which is mostly
     * decay and noise; the deep nulls of a windowed end would only waste the axis */
    double lo = -100;
    if (s->r[0].n > 8) {
        const ir *r = &s->r[0];
        size_t a = (size_t)(0.3 * (double)r->n), b = (size_t)(0.7 * (double)r->n), m = b - a;
        double *v = malloc(m * sizeof *v);
        if (!v)
            return HP_ENOMEM;
        for (size_t k = 0; k < m; k++)
            v[k] = r->env[a + k];
        qsort(v, m, sizeof *v, cmp_double);
        double med = v[m / 2] > 0 ? 20 * log10(v[m / 2] / etc_peak) : -150;
        free(v);
        lo = 10 * floor((med - 10) / 10);
    }
    p->ymin = lo < -160 ? -160 : lo > -20 ? -20 : lo;
    p->ymax = 5;
    p->ystep = hp_pfig_db_step(p->ymax - p->ymin, 10) < 10 ? 10 : hp_pfig_db_step(p->ymax - p->ymin, 10);
    p->yfixed = 1;
    p->user_ylim = 0;
    for (size_t i = 0; i < s->n && e == HP_OK; i++)
        e = etc_line(p, &s->r[i], i, etc_peak);
    if (e == HP_OK)
        e = hp_ppanel_mark(p, 0, s->w.known ? "onset" : "peak");
    if (e == HP_OK && s->w.known) {
        if (s->w.left_ms > 0)
            e = hp_ppanel_mark(p, -s->w.left_ms, "window start");
        if (e == HP_OK && s->w.taper > 0)
            e = hp_ppanel_mark(p, s->w.right_ms * (1 - s->w.taper), "fade-out");
        if (e == HP_OK)
            e = hp_ppanel_mark(p, s->w.right_ms, "window end");
    }
    return e;
}

hp_err hp_plot_ir(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                  size_t wl)
{
    *fig = NULL;
    irs s = {0};
    hp_err e = HP_OK;
    for (size_t i = 0; i < n && e == HP_OK; i++) {
        ku_list files = {0};
        e = ku_files(in[i], "ir", ".wav", "ir", &files, why, wl);
        for (size_t k = 0; e == HP_OK && k < files.n; k++)
            if (!(hp_pin_is_dir(in[i]) && harmonic(files.s[k])))
                e = load_file(files.s[k], &s, why, wl);
        ku_list_free(&files);
    }
    double peak = 0, etc_peak = 0;
    for (size_t i = 0; e == HP_OK && i < s.n; i++)
        for (size_t k = 0; k < s.r[i].n; k++) {
            peak = fmax(peak, fabs(s.r[i].x[k]));
            etc_peak = fmax(etc_peak, s.r[i].env[k]);
        }
    if (e == HP_OK && !(peak > 0)) {
        ku_say(why, wl, "%s: the impulse response is all zeros", in[0]);
        e = HP_ENODATA;
    }
    hp_pfig *f = NULL;
    if (e == HP_OK && !(f = hp_pfig_new(2, 1, &e)))
        e = ku_fail(e, why, wl);
    if (e == HP_OK && (e = top_panel(hp_pfig_panel(f, 0), &s, peak, etc_peak)) != HP_OK)
        e = ku_fail(e, why, wl);
    if (e == HP_OK && (e = etc_panel(hp_pfig_panel(f, 1), &s, etc_peak)) != HP_OK)
        e = ku_fail(e, why, wl);
    if (e == HP_OK)
        e = ku_title(f, o, "Impulse response", in[0], why, wl);
    for (size_t i = 0; i < s.n; i++)
        ir_free(&s.r[i]);
    free(s.r);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
