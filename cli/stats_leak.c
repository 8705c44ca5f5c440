/* SPDX-License-Identifier: MIT */
/* hpfr leak's computation and outputs. Leak curves come from the impulse responses rather than
 * the fr-*.csv files because they must reach 10 Hz, below the 20 Hz where those start: each
 * ir-<ch>.wav is transformed onto the leak grid (dsp/irspectrum), and placement p's curve is
 * its magnitude over the reference's. The sealed response common to all placements cancels;
 * the leak fit (dsp/leakfit) then models every placement's own leak, the reference's too. */
#include "stats_leak.h"
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "thread.h"
#include "csv.h"
#include "grid.h"
#include "irspectrum.h"
#include "json.h"
#include "num.h"
#include "outset.h"
#include "version.h"

const double leak_loss_hz[LEAK_NLOSS] = {20, 50, 100};

#define GRID_LO_HZ 10.0
#define GRID_HI_HZ 1000.0
#define GRID_PPO 24.0 /* the curves of a 500 ms IR are smooth well beyond this resolution */
/* A placement "loses bass" in the verdict's evidence beyond this at 20 Hz. */
#define LOSS_NOTE_DB 3.0

/* Linear interpolation in log frequency. */
static double interp_log(const double *f, const double *v, size_t n, double x)
{
    if (x <= f[0])
        return v[0];
    for (size_t i = 1; i < n; i++)
        if (x <= f[i]) {
            double t = log(x / f[i - 1]) / log(f[i] / f[i - 1]);
            return v[i - 1] + t * (v[i] - v[i - 1]);
        }
    return v[n - 1];
}

/* One channel's work, which runs on a worker thread: the IRs' spectra, the reference, the fit,
 * the level-matched curves and the losses. Reports into err instead of printing, so that one
 * failing run prints one line. */
typedef struct {
    const sess *s;
    leak_result *r;
    const hp_audio *ir;        /* nch * np impulse responses */
    hp_irspec *sp;             /* this worker's transform (planned on the main thread) */
    size_t first, step;        /* channels first, first + step, ... */
    char err[512];
} chan_work;

static int fail_to(chan_work *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_to(chan_work *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    return HP_EXIT_BAD;
}

static int channel_spectra(chan_work *w, size_t ch)
{
    const sess *s = w->s;
    leak_result *r = w->r;
    for (size_t p = 0; p < s->np; p++) {
        size_t k = ch * s->np + p;
        if (hp_irspec_db(w->sp, w->ir[k].data, w->ir[k].frames, w->ir[k].rate_hz, r->f_hz, r->ng,
                         r->spec + k * r->ng) != HP_OK ||
            hp_irspec_noise_db(w->ir[k].data, w->ir[k].frames, &r->noise[k]) != HP_OK)
            return fail_to(w, "%s: channel %s, placement %u: impulse response spectrum failed",
                           s->dir, s->info.channels[ch], s->pl[p]->index);
    }
    return 0;
}

static int fit_channel(chan_work *w, size_t ch, const double **spec, const double **sg,
                       double *sig)
{
    const sess *s = w->s;
    leak_result *r = w->r;
    size_t np = s->np, ng = r->ng;
    hp_leakfit_cfg cfg = hp_leakfit_cfg_default();
    for (size_t p = 0; p < np; p++) {
        spec[p] = r->spec + (ch * np + p) * ng;
        sg[p] = sig + p * ng;
        for (size_t i = 0; i < ng; i++)
            sig[p * ng + i] = hp_irspec_sigma_db(spec[p][i], r->noise[ch * np + p]);
    }
    hp_err e = r->ref_given ? HP_OK : hp_leakfit_best_sealed(r->f_hz, ng, spec, np, &cfg, &r->ref[ch]);
    if (e != HP_OK)
        return fail_to(w, "%s: channel %s: no best-sealed placement: %s", s->dir,
                       s->info.channels[ch], hp_strerror(e));
    size_t ref = r->ref[ch];
    hp_leakfit_place *fit = r->fit + ch * np;
    e = hp_leakfit(r->f_hz, ng, spec, sg, np, ref, &cfg, fit);
    if (e == HP_ENODATA)
        return fail_to(w, "%s: channel %s: a leak curve has too few usable points between %g and "
                          "%g Hz (more than 30 dB down or unreadable)",
                       s->dir, s->info.channels[ch], GRID_LO_HZ, GRID_HI_HZ);
    if (e != HP_OK)
        return fail_to(w, "%s: channel %s: the leak fit failed: %s", s->dir,
                       s->info.channels[ch], hp_strerror(e));
    for (size_t p = 0; p < np; p++) {
        /* Relative to the reference and level-matched: a change of overall level between
         * seatings is not a leak. */
        double *out = r->curve + (ch * np + p) * ng;
        for (size_t i = 0; i < ng; i++)
            out[i] = p == ref ? 0.0 : spec[p][i] - spec[ref][i] - fit[p].level_db;
        for (int k = 0; k < LEAK_NLOSS; k++)
            r->loss[(ch * np + p) * LEAK_NLOSS + k] =
                p == ref ? 0.0 : -interp_log(r->f_hz, out, ng, leak_loss_hz[k]);
    }
    return 0;
}

static void *channel_worker(void *arg)
{
    chan_work *w = arg;
    size_t np = w->s->np, ng = w->r->ng;
    double *sig = malloc(np * ng * sizeof *sig);
    const double **spec = malloc(np * sizeof *spec), **sg = malloc(np * sizeof *sg);
    if (!sig || !spec || !sg)
        fail_to(w, "out of memory");
    for (size_t ch = w->first; !w->err[0] && ch < w->s->nch; ch += w->step)
        if (!channel_spectra(w, ch))
            fit_channel(w, ch, spec, sg, sig);
    free(sig);
    free(spec);
    free(sg);
    return NULL;
}

static int find_reference(const char *cmd, const sess *s, unsigned idx, size_t *out)
{
    for (size_t p = 0; p < s->np; p++)
        if (s->pl[p]->index == idx) {
            *out = p;
            return 0;
        }
    return hp_cli_fail(cmd, "--reference %u: %s has no measured placement %u", idx, s->dir, idx);
}

/* The channels on two threads, each with its own transform (FFTW plans are made here, on one
 * thread; executing them concurrently is safe). */
static int run_channels(const char *cmd, const sess *s, leak_result *r, const hp_audio *ir,
                        size_t max_len)
{
    size_t nw = s->nch > 1 ? 2 : 1;
    chan_work w[2];
    pthread_t tid;
    int started = 0, rc = 0;
    hp_err e = HP_OK;
    for (size_t k = 0; k < nw; k++) {
        w[k] = (chan_work){.s = s, .r = r, .ir = ir, .first = k, .step = nw};
        w[k].sp = hp_irspec_new(max_len, &e);
    }
    if (!w[0].sp || (nw > 1 && !w[1].sp))
        rc = hp_cli_fail(cmd, "cannot plan a transform of %zu samples: %s", max_len, hp_strerror(e));
    if (!rc && nw > 1)
        started = hp_thread_start(&tid, channel_worker, &w[1]) == 0;
    if (!rc) {
        channel_worker(&w[0]);
        if (nw > 1 && !started)
            channel_worker(&w[1]); /* no thread: the same work here */
    }
    if (started)
        pthread_join(tid, NULL);
    for (size_t k = 0; !rc && k < nw; k++)
        if (w[k].err[0])
            rc = hp_cli_fail(cmd, "%s", w[k].err);
    for (size_t k = 0; k < nw; k++)
        hp_irspec_free(w[k].sp);
    return rc;
}

int leak_compute(const char *cmd, const sess *s, unsigned ref_index, const hp_seal_cfg *cfg,
                 leak_result *r)
{
    memset(r, 0, sizeof *r);
    size_t given = 0, max_len = 0;
    if (ref_index && find_reference(cmd, s, ref_index, &given))
        return HP_EXIT_BAD;
    hp_grid g;
    if (hp_grid_log(GRID_LO_HZ, GRID_HI_HZ, GRID_PPO, &g) != HP_OK)
        return hp_cli_fail(cmd, "out of memory");
    r->ng = g.n;
    r->f_hz = g.f_hz; /* taken over from g */
    size_t n = s->nch * s->np;
    r->spec = malloc(n * r->ng * sizeof *r->spec);
    r->noise = malloc(n * sizeof *r->noise);
    r->curve = malloc(n * r->ng * sizeof *r->curve);
    r->fit = calloc(n, sizeof *r->fit);
    r->loss = calloc(n * LEAK_NLOSS, sizeof *r->loss);
    hp_audio *ir = calloc(n, sizeof *ir);
    int rc = 0;
    if (!r->spec || !r->noise || !r->curve || !r->fit || !r->loss || !ir)
        rc = hp_cli_fail(cmd, "out of memory");
    if (!rc)
        rc = sess_ir_load(cmd, s, ir, &max_len, &r->rate_hz);
    if (!rc && !(GRID_HI_HZ < r->rate_hz / 2))
        rc = hp_cli_fail(cmd, "%s: impulse responses at %g Hz cannot show %g Hz", s->dir,
                         r->rate_hz, GRID_HI_HZ);
    r->ref_given = ref_index != 0;
    for (size_t ch = 0; ch < s->nch; ch++)
        r->ref[ch] = given;
    if (!rc)
        rc = run_channels(cmd, s, r, ir, max_len);
    for (size_t k = 0; ir && k < n; k++)
        hp_audio_release(&ir[k]);
    free(ir);
    return rc ? rc : avg_compute(cmd, s, cfg, &r->avg);
}

void leak_release(leak_result *r)
{
    if (!r)
        return;
    free(r->f_hz);
    free(r->spec);
    free(r->noise);
    free(r->curve);
    free(r->fit);
    free(r->loss);
    avg_release(&r->avg);
    memset(r, 0, sizeof *r);
}

const char *leak_verdict(const leak_result *r)
{
    return r->avg.sensitive ? "seal-sensitive" : "seal-insensitive";
}

/* ---- the verdict's evidence, shared by the summary and the printout ---- */

static void evidence_spread(const sess *s, const leak_result *r, char *buf, size_t size)
{
    const avg_result *a = &r->avg;
    size_t ch = a->spread_ch;
    snprintf(buf, size, "bass level (%g-%g Hz re %g-%g Hz) varies by %.2f dB (standard deviation "
                        "over %zu placements, channel %s; range %.2f dB); the threshold is %.2f dB",
             a->cfg.bass_lo_hz, a->cfg.bass_hi_hz, a->cfg.ref_lo_hz, a->cfg.ref_hi_hz, a->spread,
             s->np, s->info.channels[ch], a->bass_range[ch], a->cfg.sensitive_db);
}

static void evidence_loss(const sess *s, const leak_result *r, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "placements losing more than %g dB at 20 Hz:",
                                   LOSS_NOTE_DB);
    int any = 0;
    for (size_t p = 0; p < s->np; p++)
        for (size_t ch = 0; ch < s->nch; ch++) {
            double l = r->loss[(ch * s->np + p) * LEAK_NLOSS];
            if (l > LOSS_NOTE_DB && used < size)
                used += (size_t)snprintf(buf + used, size - used, "%s %u (%s, %.1f dB, corner %.0f Hz)",
                                         any++ ? "," : "", s->pl[p]->index, s->info.channels[ch], l,
                                         r->fit[ch * s->np + p].corner_hz);
        }
    if (!any && used < size)
        snprintf(buf + used, size - used, " none");
}

static void evidence_corners(const sess *s, const leak_result *r, char *buf, size_t size)
{
    double lo = INFINITY, hi = 0;
    for (size_t k = 0; k < s->nch * s->np; k++) {
        double c = r->fit[k].corner_hz;
        lo = c < lo ? c : lo;
        hi = c > hi ? c : hi;
    }
    snprintf(buf, size, "fitted leak corners (-3 dB) range from %.1f to %.1f Hz", lo, hi);
}

typedef void (*evidence_fn)(const sess *, const leak_result *, char *, size_t);
static const evidence_fn evidence[] = {evidence_spread, evidence_loss, evidence_corners};
#define NEVIDENCE (sizeof evidence / sizeof evidence[0])

/* ---- files ---- */

static int put_num(FILE *f, double v, int dec, int last)
{
    char b[64];
    if (hp_num_fixed(b, sizeof b, v, dec) != HP_OK)
        return -1;
    return fprintf(f, "%s%c", b, last ? '\n' : ',') < 0 ? -1 : 0;
}

static int write_leak_csv(const char *cmd, hp_outset *set, const sess *s, const leak_result *r)
{
    FILE *f = hp_outset_fopen(set, "leak.csv");
    int bad = !f || fputs("placement,ear,model,corner_hz,f0_hz,q,loss20_db,loss50_db,loss100_db,"
                          "residual_db\n", f) < 0;
    for (size_t p = 0; !bad && p < s->np; p++)
        for (size_t ch = 0; !bad && ch < s->nch; ch++) {
            const hp_leakfit_place *ft = &r->fit[ch * s->np + p];
            const double *l = r->loss + (ch * s->np + p) * LEAK_NLOSS;
            bad = fprintf(f, "%u,%s,%s,", s->pl[p]->index, s->info.channels[ch],
                          hp_leak_order_name(ft->leak.order)) < 0 ||
                  put_num(f, ft->corner_hz, 3, 0) || put_num(f, ft->leak.f0_hz, 3, 0) ||
                  put_num(f, ft->leak.q, 4, 0) || put_num(f, l[0], 3, 0) ||
                  put_num(f, l[1], 3, 0) || put_num(f, l[2], 3, 0) ||
                  put_num(f, ft->rms_db, 4, 1);
        }
    if (bad)
        return hp_cli_fail(cmd, "%s/leak.csv: write failed: %s", hp_outset_dir(set), strerror(errno));
    return 0;
}

static int write_curves(const char *cmd, hp_outset *set, const sess *s, const leak_result *r)
{
    static const int dec[] = {3, 4};
    char name[80];
    for (size_t ch = 0; ch < s->nch; ch++)
        for (size_t p = 0; p < s->np; p++) {
            snprintf(name, sizeof name, "leak-%s-%u.csv", s->info.channels[ch], s->pl[p]->index);
            const double *cols[] = {r->f_hz, leak_curve(r, s, ch, p)};
            FILE *f = hp_outset_fopen(set, name);
            if (!f || hp_csv_write(f, "frequency,db", cols, 2, r->ng, dec) != HP_OK)
                return hp_cli_fail(cmd, "%s/%s: write failed: %s", hp_outset_dir(set), name,
                                   strerror(errno));
        }
    return 0;
}

static void json_fit(hp_json *j, const sess *s, const leak_result *r, size_t ch, size_t p)
{
    const hp_leakfit_place *ft = &r->fit[ch * s->np + p];
    const double *l = r->loss + (ch * s->np + p) * LEAK_NLOSS;
    hp_json_obj_begin(j, NULL);
    hp_json_int(j, "placement", s->pl[p]->index);
    hp_json_bool(j, "reference", p == r->ref[ch]);
    hp_json_str(j, "model", hp_leak_order_name(ft->leak.order));
    hp_json_num(j, "corner_hz", ft->corner_hz);
    hp_json_num(j, "corner_uncertainty", ft->corner_sd_rel);
    hp_json_num(j, "f0_hz", ft->leak.f0_hz);
    hp_json_num(j, "q", ft->leak.q);
    hp_json_num(j, "level_db", ft->level_db);
    hp_json_num(j, "loss20_db", l[0]);
    hp_json_num(j, "loss50_db", l[1]);
    hp_json_num(j, "loss100_db", l[2]);
    hp_json_num(j, "residual_db", ft->rms_db);
    hp_json_num(j, "residual_other_model_db", ft->rms_other_db);
    hp_json_int(j, "points", (long long)ft->npoints);
    if (ft->corner_hz < GRID_LO_HZ)
        hp_json_str(j, "note", "corner below the analysed band (10 Hz): extrapolated by the model");
    hp_json_obj_end(j);
}

static void json_channel(hp_json *j, const sess *s, const leak_result *r, size_t ch)
{
    hp_json_obj_begin(j, NULL);
    hp_json_str(j, "channel", s->info.channels[ch]);
    hp_json_int(j, "reference", s->pl[r->ref[ch]]->index);
    hp_json_str(j, "reference_chosen_by", r->ref_given ? "--reference" :
                "best seal: most level at 10-20 Hz relative to 300 Hz-1 kHz");
    hp_json_arr_begin(j, "placements");
    for (size_t p = 0; p < s->np; p++)
        json_fit(j, s, r, ch, p);
    hp_json_arr_end(j);
    hp_json_obj_end(j);
}

static void json_seal(hp_json *j, const sess *s, const leak_result *r)
{
    char buf[1024];
    hp_json_obj_begin(j, "seal");
    hp_json_str(j, "verdict", leak_verdict(r));
    hp_json_num(j, "bass_spread_db", r->avg.spread);
    hp_json_str(j, "channel", s->info.channels[r->avg.spread_ch]);
    hp_json_num(j, "threshold_db", r->avg.cfg.sensitive_db);
    hp_json_str(j, "definition", "standard deviation over placements of the bass level: mean of the "
                                 "fr-*.csv level over 20-50 Hz minus its mean over 500 Hz-2 kHz; "
                                 "the largest over the channels");
    hp_json_arr_begin(j, "evidence");
    for (size_t k = 0; k < NEVIDENCE; k++) {
        evidence[k](s, r, buf, sizeof buf);
        hp_json_str(j, NULL, buf);
    }
    hp_json_arr_end(j);
    hp_json_obj_end(j);
}

static int write_summary(const char *cmd, hp_outset *set, const sess *s, const leak_result *r)
{
    FILE *f = hp_outset_fopen(set, "summary.json");
    if (!f)
        return hp_cli_fail(cmd, "%s/summary.json: %s", hp_outset_dir(set), strerror(errno));
    hp_json j;
    hp_json_init(&j, f);
    hp_json_obj_begin(&j, NULL);
    hp_json_str(&j, "hpfr_version", HP_VERSION);
    hp_json_str(&j, "session", s->dir);
    hp_json_str(&j, "name", s->info.name);
    hp_json_obj_begin(&j, "grid");
    hp_json_num(&j, "f_lo_hz", r->f_hz[0]);
    hp_json_num(&j, "f_hi_hz", r->f_hz[r->ng - 1]);
    hp_json_num(&j, "points_per_octave", GRID_PPO);
    hp_json_int(&j, "points", (long long)r->ng);
    hp_json_str(&j, "source", "ir-<channel>.wav of each placement");
    hp_json_num(&j, "ir_rate_hz", r->rate_hz);
    hp_json_obj_end(&j);
    hp_json_str(&j, "models", "inertive: 1 - 1/(1 + s/(Q w0) + s^2/w0^2); resistive: "
                              "(s/wc)/(1 + s/wc); every placement's leak fitted jointly from its "
                              "response relative to the best-sealed placement b: "
                              "level_p + L_p - L_b, L_b fitted too");
    hp_json_str(&j, "loss_definition", "dB lost relative to the reference (negative: a gain)");
    json_seal(&j, s, r);
    hp_json_arr_begin(&j, "channels");
    for (size_t ch = 0; ch < s->nch; ch++)
        json_channel(&j, s, r, ch);
    hp_json_arr_end(&j);
    hp_json_obj_end(&j);
    if (hp_json_finish(&j) != HP_OK)
        return hp_cli_fail(cmd, "%s/summary.json: write failed: %s", hp_outset_dir(set), strerror(errno ? errno : EIO));
    return 0;
}

int leak_write(const char *cmd, const sess *s, const leak_result *r, const char *out_dir)
{
    hp_err e;
    hp_outset *set = hp_outset_new(out_dir, &e);
    if (!set)
        return hp_cli_fail(cmd, "%s: cannot create the output directory: %s", out_dir,
                           strerror(errno));
    int rc = write_leak_csv(cmd, set, s, r);
    if (!rc)
        rc = write_curves(cmd, set, s, r);
    if (!rc)
        rc = write_summary(cmd, set, s, r);
    if (!rc && hp_outset_commit(set) != HP_OK)
        rc = hp_cli_fail(cmd, "%s/%s: write failed: %s", out_dir,
                         hp_outset_failed(set) ? hp_outset_failed(set) : "", strerror(errno));
    hp_outset_free(set);
    return rc;
}

/* -0.001 printed with 2 decimals is "-0.00"; a loss that rounds to zero has no sign. */
static double no_minus_zero(double v)
{
    return fabs(v) < 0.005 ? 0.0 : v;
}

void leak_print(const sess *s, const leak_result *r, const char *out_dir)
{
    printf("%s%s%s%s: %zu placements, leak curves %g Hz-%g Hz from the impulse responses\n",
           s->dir, s->info.name ? " \"" : "", s->info.name ? s->info.name : "",
           s->info.name ? "\"" : "", s->np, r->f_hz[0], r->f_hz[r->ng - 1]);
    for (size_t ch = 0; ch < s->nch; ch++)
        printf("  %s: relative to placement %u (%s)\n", s->info.channels[ch],
               s->pl[r->ref[ch]]->index, r->ref_given ? "--reference" : "best sealed");
    printf("  %-9s %-3s %-9s %9s %8s %6s %7s %7s %7s %8s\n", "placement", "ch", "model",
           "corner Hz", "f0 Hz", "Q", "loss20", "loss50", "loss100", "resid dB");
    for (size_t p = 0; p < s->np; p++)
        for (size_t ch = 0; ch < s->nch; ch++) {
            const hp_leakfit_place *ft = &r->fit[ch * s->np + p];
            const double *l = r->loss + (ch * s->np + p) * LEAK_NLOSS;
            char q[16];
            if (ft->leak.order == HP_LEAK_INERTIVE)
                snprintf(q, sizeof q, "%.2f", ft->leak.q);
            else
                snprintf(q, sizeof q, "-");
            printf("  %-9u %-3s %-9s %9.1f %8.1f %6s %7.2f %7.2f %7.2f %8.3f%s\n",
                   s->pl[p]->index, s->info.channels[ch], hp_leak_order_name(ft->leak.order),
                   ft->corner_hz, ft->leak.f0_hz, q, no_minus_zero(l[0]), no_minus_zero(l[1]),
                   no_minus_zero(l[2]), ft->rms_db, p == r->ref[ch] ? "  (reference)" : "");
        }
    char buf[1024];
    printf("seal: %s\n", leak_verdict(r));
    for (size_t k = 0; k < NEVIDENCE; k++) {
        evidence[k](s, r, buf, sizeof buf);
        printf("  %s\n", buf);
    }
    if (out_dir)
        printf("wrote %s/: leak.csv, %zu leak-<ch>-<placement>.csv, summary.json\n", out_dir,
               s->nch * s->np);
}
