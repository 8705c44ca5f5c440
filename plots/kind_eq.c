/* SPDX-License-Identifier: MIT */
/* `hpfr plot eq DIR`: the correction `hpfr eq` wrote, as a user's equalizer will apply it:
 * each filter of ParametricEQ.txt on its own, their sum, the sum with the preamp, and the
 * response of the correction FIRs (fir-<phase>-<rate>[-L|-R].wav) when present. Filters are
 * designed at the FIRs' rate (48 kHz when there are none or when 48 kHz is among them). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apo.h"
#include "audio.h"
#include "dtft.h"
#include "grid.h"
#include "kindutil.h"
#include "pinput.h"

#define DESIGN_RATE 48000.0

typedef struct {
    char label[100];  /* "minimum-48000-L" */
    char ch;          /* 'L', 'R' or 0 for both */
    double rate_hz;
    size_t n;
    double *h;
} fir;

typedef struct {
    fir *f;
    size_t n;
} firs;

static void firs_free(firs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->f[i].h);
    free(s->f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static hp_err load_fir(const char *path, const char *stem, firs *s, char *why, size_t wl)
{
    hp_audio a = {0};
    hp_diag d;
    hp_err e = hp_audio_read(path, &a, &d);
    if (e != HP_OK) {
        ku_say(why, wl, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
        return e;
    }
    size_t sl = strlen(stem);
    char ch = sl > 2 && stem[sl - 2] == '-' && (stem[sl - 1] == 'L' || stem[sl - 1] == 'R') ? stem[sl - 1] : 0;
    for (unsigned c = 0; c < a.channels && e == HP_OK; c++) {
        fir *p = realloc(s->f, (s->n + 1) * sizeof *p);
        if (!p) {
            e = ku_fail(HP_ENOMEM, why, wl);
            break;
        }
        s->f = p;
        fir *r = &s->f[s->n];
        memset(r, 0, sizeof *r);
        if (a.channels > 1)
            snprintf(r->label, sizeof r->label, "%.80s ch%u", stem + 4, c + 1);
        else
            snprintf(r->label, sizeof r->label, "%.80s", stem + 4);
        r->ch = a.channels == 2 ? (c == 0 ? 'L' : 'R') : ch;
        r->rate_hz = a.rate_hz;
        r->n = a.frames;
        if (!(r->h = malloc(a.frames * sizeof *r->h)) || hp_audio_channel(&a, c, r->h) != HP_OK) {
            free(r->h);
            e = ku_fail(HP_ENOMEM, why, wl);
            break;
        }
        s->n++;
    }
    hp_audio_release(&a);
    return e;
}

/* Every fir-*.wav of dir, then only those at the rate the plot uses. */
static hp_err load_firs(const char *dir, firs *s, double *rate, char *why, size_t wl)
{
    ku_list names = {0};
    DIR *d = opendir(dir);
    hp_err e = HP_OK;
    for (struct dirent *de; d && e == HP_OK && (de = readdir(d));) {
        size_t n = strlen(de->d_name);
        if (n > 8 && !strncmp(de->d_name, "fir-", 4) && !strcmp(de->d_name + n - 4, ".wav"))
            e = ku_list_add(&names, de->d_name) == HP_OK ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
    }
    if (d)
        closedir(d);
    if (e == HP_OK && names.n)
        qsort(names.s, names.n, sizeof *names.s, cmp_str);
    for (size_t i = 0; i < names.n && e == HP_OK; i++) {
        char *p = hp_pin_join(dir, names.s[i]), stem[100];
        hp_pin_basename(names.s[i], ".wav", stem, sizeof stem);
        e = p ? load_fir(p, stem, s, why, wl) : ku_fail(HP_ENOMEM, why, wl);
        free(p);
    }
    ku_list_free(&names);
    *rate = DESIGN_RATE;
    if (e != HP_OK || !s->n)
        return e;
    int has48 = 0;
    double lowest = s->f[0].rate_hz;
    for (size_t i = 0; i < s->n; i++) {
        has48 |= s->f[i].rate_hz == DESIGN_RATE;
        lowest = fmin(lowest, s->f[i].rate_hz);
    }
    *rate = has48 ? DESIGN_RATE : lowest;
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->f[i].rate_hz == *rate)
            s->f[k++] = s->f[i];
        else
            free(s->f[i].h);
    }
    s->n = k;
    return HP_OK;
}

static void filter_label(const hp_peq_filter *f, char *buf, size_t size)
{
    const char *t = f->type == HP_BQ_LOWSHELF ? "LSC" : f->type == HP_BQ_HIGHSHELF ? "HSC" : "PK";
    if (f->fc_hz >= 1000)
        snprintf(buf, size, "%s %.4g kHz, %+.1f dB, Q %.2f", t, f->fc_hz / 1000, f->gain_db, f->q);
    else
        snprintf(buf, size, "%s %.4g Hz, %+.1f dB, Q %.2f", t, f->fc_hz, f->gain_db, f->q);
}

static hp_err curve(hp_ppanel *p, const hp_peq *q, double rate, const hp_grid *g, double *y,
                    const char *title, hp_pstyle st)
{
    hp_err e = hp_peq_response_db(q, rate, g->f_hz, g->n, y);
    return e == HP_OK ? hp_ppanel_line(p, title, g->f_hz, y, g->n, st) : e;
}

static hp_err panel(hp_ppanel *p, const hp_peq *q, char ch, const firs *fs, double rate,
                    const hp_grid *g, double *y, char *why, size_t wl)
{
    hp_err e = HP_OK;
    for (size_t i = 0; i < q->n && e == HP_OK; i++) {
        hp_peq one = {0};
        one.n = 1;
        one.f[0] = q->f[i];
        char t[100];
        filter_label(&q->f[i], t, sizeof t);
        e = curve(p, &one, rate, g, y, t, (hp_pstyle){hp_pcolor_cycle(i), 1.2, 1, 0.85});
        if (e == HP_EINVAL) {
            ku_say(why, wl, "filter %zu (%s) cannot be designed at %g Hz", i + 1, t, rate);
            return e;
        }
    }
    hp_peq sum = *q;
    sum.preamp_db = 0;
    if (e == HP_OK)
        e = curve(p, &sum, rate, g, y, "sum of the filters", (hp_pstyle){HP_PC_BLACK, 3, 1, 1});
    if (e == HP_OK && q->preamp_db != 0) {
        char t[80];
        snprintf(t, sizeof t, "sum with preamp %+.1f dB", q->preamp_db);
        e = curve(p, q, rate, g, y, t, (hp_pstyle){HP_PC_BLACK, 1.8, 2, 1});
    }
    for (size_t i = 0; i < fs->n && e == HP_OK; i++) {
        const fir *r = &fs->f[i];
        if (ch && r->ch && r->ch != ch)
            continue;
        char t[140];
        snprintf(t, sizeof t, "FIR %s", r->label);
        e = hp_dtft_mag_db(r->h, r->n, r->rate_hz, g->f_hz, g->n, y);
        if (e == HP_OK)
            e = hp_ppanel_line(p, t, g->f_hz, y, g->n, (hp_pstyle){HP_PC_SKY, 2.4, 4, 0.9});
    }
    if (e != HP_OK && e != HP_EINVAL)
        e = ku_fail(e, why, wl);
    return e;
}

static hp_err load_apo(const char *path, hp_apo *a, char *why, size_t wl)
{
    char *buf;
    size_t len;
    hp_err e = hp_pin_slurp(path, &buf, &len, why, wl);
    if (e != HP_OK)
        return e;
    hp_diag d;
    e = hp_plot_apo_parse(buf, len, a, &d);
    free(buf);
    if (e != HP_OK) {
        if (d.line > 0)
            ku_say(why, wl, "%s:%ld: %s", path, d.line, d.reason);
        else
            ku_say(why, wl, "%s: %s", path, d.reason);
    }
    return e;
}

hp_err hp_plot_eq(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                  size_t wl)
{
    (void)n;
    *fig = NULL;
    int dir = hp_pin_is_dir(in[0]);
    char *apo_path = dir ? hp_pin_join(in[0], "ParametricEQ.txt") : strdup(in[0]);
    char dirname[4096];
    const char *slash = strrchr(in[0], '/');
    if (dir)
        snprintf(dirname, sizeof dirname, "%s", in[0]);
    else
        snprintf(dirname, sizeof dirname, "%.*s", slash ? (int)(slash - in[0]) : 1, slash ? in[0] : ".");
    hp_apo a;
    firs fs = {0};
    hp_grid g = {0};
    double rate = DESIGN_RATE, *y = NULL;
    hp_pfig *f = NULL;
    hp_err e = apo_path ? load_apo(apo_path, &a, why, wl) : ku_fail(HP_ENOMEM, why, wl);
    if (e == HP_OK)
        e = load_firs(dirname, &fs, &rate, why, wl);
    if (e == HP_OK && (hp_grid_log(20, 20000, 96, &g) != HP_OK || !(y = malloc(g.n * sizeof *y))))
        e = ku_fail(HP_ENOMEM, why, wl);
    if (e == HP_OK && !(f = hp_pfig_new((unsigned)a.nch, 1, &e)))
        e = ku_fail(e, why, wl);
    for (size_t c = 0; c < a.nch && e == HP_OK; c++) {
        hp_ppanel *p = hp_pfig_panel(f, (unsigned)c);
        p->min_span = 12;
        const char *title = a.nch == 1 ? NULL : c == 0 ? "Left (L)" : "Right (R)";
        e = hp_ppanel_setup(p, title, HP_PX_FREQ, NULL, HP_PY_DB, "Gain (dB)");
        if (e == HP_OK)
            e = panel(p, &a.peq[c], a.nch == 1 ? 0 : a.ch[c][0], &fs, rate, &g, y, why, wl);
        else
            e = ku_fail(e, why, wl);
    }
    if (e == HP_OK) {
        char what[80];
        snprintf(what, sizeof what, "Parametric EQ (designed at %g Hz)", rate);
        e = ku_title(f, o, what, in[0], why, wl);
    }
    free(apo_path);
    free(y);
    hp_grid_release(&g);
    firs_free(&fs);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
