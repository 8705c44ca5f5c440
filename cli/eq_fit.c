/* SPDX-License-Identifier: MIT */
/* hpfr eq, one measurement: target on the measurement's grid, level alignment, the decision
 * to fit left and right apart, the fit of each, the scores before and after, the exports and
 * summary.json. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "eq.h"
#include "eqcurve.h"
#include "eqexport.h"
#include "eqrobust.h"
#include "eqscore.h"
#include "eqtarget.h"
#include "json.h"
#include "outset.h"
#include "smooth.h"
#include "version.h"

/* Curves of one fitted channel, all on the common grid. */
typedef struct {
    double *raw, *smoothed, *error, *target, *equalization, *peq, *equalized;
    double *weight, *max_abs;
    hp_peq fit;
    hp_peqfit_report rep;
    double fit_ms;
    double rms_before, rms_after, max_after, loss_before, loss_after;
    hp_eq_pref pref_before, pref_after;
    hp_peq rate_peq[HP_EQX_MAX_RATES];   /* the fit re-tuned for each output rate */
    double rate_dev_db[HP_EQX_MAX_RATES]; /* and how far each stays from the fit's curve */
} chan;

typedef struct {
    size_t n;
    const double *f;
    unsigned nfit;          /* channels fitted: 1 or 2 */
    int separate;           /* 1 when left and right were fitted apart */
    double lr_diff_db;      /* largest |L - R| in the fit band (two-channel inputs) */
    double offset_db;       /* added to the target to meet the measurement's level */
    size_t nrates;          /* output rates with their own parameter set (0: none) */
    chan ch[2];
    double *buf;
} job;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int fail(char *why, size_t len, const char *fmt, const char *a, const char *b)
{
    snprintf(why, len, fmt, a, b);
    return 1;
}

/* Every channel must reach across the fit band (1% slack for grid rounding). */
static int check_cover(const hp_peqfit_cfg *c, const eq_input *in, char *why, size_t len)
{
    for (unsigned k = 0; k < in->nch; k++) {
        const hp_frcurve *m = &in->ch[k];
        if (m->f_hz[0] > c->fit_lo_hz * 1.01 || m->f_hz[m->n - 1] < c->fit_hi_hz * 0.99) {
            snprintf(why, len, "%s: data cover %g-%g Hz; the fit range needs %g-%g Hz "
                               "(--fit-range)", in->src[k], m->f_hz[0], m->f_hz[m->n - 1],
                     c->fit_lo_hz, c->fit_hi_hz);
            return 1;
        }
    }
    return 0;
}

static int alloc_job(job *j, size_t n)
{
    const size_t per = 9;
    j->buf = calloc(2 * per * n, sizeof *j->buf);
    if (!j->buf)
        return 1;
    for (int c = 0; c < 2; c++) {
        double *p = j->buf + (size_t)c * per * n;
        chan *h = &j->ch[c];
        h->raw = p, p += n;
        h->smoothed = p, p += n;
        h->error = p, p += n;
        h->target = p, p += n;
        h->equalization = p, p += n;
        h->peq = p, p += n;
        h->equalized = p, p += n;
        h->weight = p, p += n;
        h->max_abs = p;
    }
    return 0;
}

/* The measured channels on the common grid; one averaged channel unless they differ. */
static int prepare(const eq_opts *o, eq_input *in, job *j, double *tgt, char *why, size_t len)
{
    double *m1 = j->ch[1].raw;
    memcpy(j->ch[0].raw, in->ch[0].db, j->n * sizeof *m1);
    if (in->nch == 2) {
        if (hp_eqc_interp(in->ch[1].f_hz, in->ch[1].db, in->ch[1].n, j->f, j->n, m1) != HP_OK)
            return fail(why, len, "%s: %s", in->src[1], "cannot be resampled");
        j->lr_diff_db = 0;
        for (size_t i = 0; i < j->n; i++)
            if (j->f[i] >= o->cfg.fit_lo_hz && j->f[i] <= o->cfg.fit_hi_hz)
                j->lr_diff_db = fmax(j->lr_diff_db, fabs(j->ch[0].raw[i] - m1[i]));
        j->separate = o->per_channel || j->lr_diff_db > 0.5;
    }
    j->nfit = j->separate ? 2 : 1;
    if (in->nch == 2 && !j->separate)
        for (size_t i = 0; i < j->n; i++)
            j->ch[0].raw[i] = 0.5 * (j->ch[0].raw[i] + m1[i]);
    /* One level for both ears: the mean of their offsets, so a level difference between
     * left and right is corrected too. */
    double off = 0;
    for (unsigned c = 0; c < j->nfit; c++) {
        double oc;
        hp_err e = hp_target_offset(j->f, j->ch[c].raw, tgt, j->n, 100, 10000, o->align_hz, &oc);
        if (e != HP_OK)
            return fail(why, len, "%s: %s", in->src[0], "no data between 100 Hz and 10 kHz to align the "
                                                       "target's level (--align HZ)");
        off += oc / (double)j->nfit;
    }
    j->offset_db = off;
    for (unsigned c = 0; c < j->nfit; c++)
        for (size_t i = 0; i < j->n; i++)
            j->ch[c].target[i] = tgt[i] + off;
    /* Spread between placements: a per-channel weight and treble cap. */
    for (unsigned c = 0; c < j->nfit; c++) {
        const double *sd = in->sd[c];
        double *pooled = NULL;
        if (!sd)
            continue;
        if (in->nch == 2 && !j->separate && in->sd[1]) {
            pooled = malloc(j->n * sizeof *pooled);
            if (!pooled)
                return fail(why, len, "%s%s", "out of memory", "");
            for (size_t i = 0; i < j->n; i++)
                pooled[i] = sqrt(0.5 * (in->sd[0][i] * in->sd[0][i] + in->sd[1][i] * in->sd[1][i]));
            sd = pooled;
        }
        hp_robust_cfg rc = hp_robust_cfg_default();
        hp_err e = hp_robust_weights(j->f, sd, j->n, &rc, j->ch[c].weight, j->ch[c].max_abs);
        free(pooled);
        if (e != HP_OK)
            return fail(why, len, "%s: %s", o->robust, "bad placement spread");
    }
    return 0;
}

static int fit_channel(const eq_opts *o, const eq_input *in, job *j, unsigned c, char *why,
                       size_t len)
{
    chan *h = &j->ch[c];
    hp_peqfit_input fi = {j->n, j->f, h->raw, h->target, in->sd[c] ? h->weight : NULL,
                          in->sd[c] ? h->max_abs : NULL};
    double t0 = now_ms();
    hp_err e = hp_peqfit_run(&o->cfg, &fi, &h->fit, &h->rep);
    h->fit_ms = now_ms() - t0;
    if (e != HP_OK)
        return fail(why, len, "%s: the fit failed: %s", in->src[c < in->nch ? c : 0],
                    hp_strerror(e));
    /* Curves for the exports and the scores. */
    hp_peq nopre = h->fit;
    nopre.preamp_db = 0;
    double fmax_ok = 0.499 * o->cfg.rate_hz;
    for (size_t i = 0; i < j->n; i++) {
        double fe = fmin(j->f[i], fmax_ok);
        if (hp_peq_response_db(&nopre, o->cfg.rate_hz, &fe, 1, &h->peq[i]) != HP_OK)
            return fail(why, len, "%s%s", "the fitted filters cannot be evaluated", "");
        h->error[i] = h->raw[i] - h->target[i];
        h->equalized[i] = h->raw[i] + h->peq[i];
    }
    hp_smooth_cfg sc = hp_smooth_cfg_default();
    sc.domain = HP_SMOOTH_DB;
    e = hp_smooth_curve(j->f, h->raw, j->n, &sc, h->smoothed);
    if (e != HP_OK)
        return fail(why, len, "%s: smoothing failed: %s", in->src[c < in->nch ? c : 0],
                    hp_strerror(e));
    /* The intended correction (for FIRs and graphic EQs), as AutoEq makes its equalization
     * (measurement-science.md 8.2): target minus the 1/12-octave smoothed measurement,
     * boosts capped as the fit's are, then smoothed again at 1/5 octave (an average of
     * capped values stays under the cap). */
    for (size_t i = 0; i < j->n; i++)
        h->equalization[i] = fmin(h->target[i] - h->smoothed[i], o->cfg.max_boost_db);
    sc.fraction = 1.0 / 5;
    e = hp_smooth_curve(j->f, h->equalization, j->n, &sc, h->equalization);
    if (e != HP_OK)
        return fail(why, len, "the correction cannot be smoothed: %s%s", hp_strerror(e), "");
    double *err_after = malloc(j->n * sizeof *err_after);
    if (!err_after)
        return fail(why, len, "%s%s", "out of memory", "");
    for (size_t i = 0; i < j->n; i++)
        err_after[i] = h->equalized[i] - h->target[i] - h->rep.level_db;
    const hp_peqfit_cfg *k = &o->cfg;
    e = hp_eqs_rms(j->f, h->error, j->n, k->fit_lo_hz, k->fit_hi_hz, &h->rms_before, NULL);
    if (e == HP_OK)
        e = hp_eqs_rms(j->f, err_after, j->n, k->fit_lo_hz, k->fit_hi_hz, &h->rms_after,
                       &h->max_after);
    if (e == HP_OK)
        e = hp_eqs_autoeq_loss(j->f, h->error, j->n, &h->loss_before);
    if (e == HP_OK)
        e = hp_eqs_autoeq_loss(j->f, err_after, j->n, &h->loss_after);
    if (e == HP_OK)
        e = hp_eqs_preference(j->f, h->error, j->n, &h->pref_before);
    if (e == HP_OK)
        e = hp_eqs_preference(j->f, err_after, j->n, &h->pref_after);
    free(err_after);
    if (e != HP_OK)
        return fail(why, len, "%s: scoring failed: %s", in->src[0], hp_strerror(e));
    return 0;
}

/* The output rates EqualizerAPO and the like design at; each gets the fit re-tuned so its
 * curve stays within 0.05 dB of the fit's up to 16 kHz (0.04 dB aimed at, the rest is for
 * the written digits). */
static const double out_rates[HP_EQX_MAX_RATES] = {44100, 48000, 88200, 96000, 192000};
#define RETUNE_TOL_DB 0.04
#define RETUNE_MAX_ADDED 2

static int retune(const eq_opts *o, const eq_input *in, job *j, char *why, size_t len)
{
    for (unsigned c = 0; c < j->nfit; c++) {
        chan *h = &j->ch[c];
        for (size_t k = 0; k < HP_EQX_MAX_RATES; k++) {
            h->rate_peq[k] = h->fit;
            h->rate_dev_db[k] = 0;
            if (out_rates[k] == o->cfg.rate_hz)
                continue;
            hp_err e = hp_peq_redesign(&h->fit, o->cfg.rate_hz, out_rates[k], 16000,
                                       RETUNE_TOL_DB, RETUNE_MAX_ADDED, &h->rate_peq[k],
                                       &h->rate_dev_db[k]);
            if (e != HP_OK)
                return fail(why, len, "%s: re-tuning the filters for another rate failed: %s",
                            in->src[c < in->nch ? c : 0], hp_strerror(e));
        }
    }
    j->nrates = HP_EQX_MAX_RATES;
    return 0;
}

static const char *type_name(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "LSC" : t == HP_BQ_HIGHSHELF ? "HSC" : "PK";
}

static void json_pref(hp_json *js, const char *key, const hp_eq_pref *p)
{
    hp_json_obj_begin(js, key);
    hp_json_num(js, "score", p->score);
    hp_json_num(js, "sd_db", p->sd_db);
    hp_json_num(js, "slope_db_per_neper", p->slope_db);
    hp_json_obj_end(js);
}

static void json_channel(hp_json *js, const eq_opts *o, const job *j, unsigned c,
                         const eq_input *in)
{
    const chan *h = &j->ch[c];
    hp_json_obj_begin(js, NULL);
    hp_json_str(js, "channel", j->nfit == 2 ? (c ? "R" : "L") : in->nch == 2 ? "L+R" : "all");
    hp_json_num(js, "preamp_db", h->fit.preamp_db);
    hp_json_num(js, "max_boost_db", h->rep.max_boost_db);
    if (o->cfg.no_preamp)
        hp_json_num(js, "level_db", h->rep.level_db);
    hp_json_arr_begin(js, "filters");
    for (size_t k = 0; k < h->fit.n; k++) {
        const hp_peq_filter *f = &h->fit.f[k];
        hp_json_obj_begin(js, NULL);
        hp_json_str(js, "type", type_name(f->type));
        hp_json_num(js, "fc_hz", f->fc_hz);
        hp_json_num(js, "q", f->q);
        hp_json_num(js, "gain_db", f->gain_db);
        hp_json_obj_end(js);
    }
    hp_json_arr_end(js);
    if (j->nrates) {
        hp_json_arr_begin(js, "rates");
        for (size_t r = 0; r < j->nrates; r++) {
            const hp_peq *p = &h->rate_peq[r];
            hp_json_obj_begin(js, NULL);
            hp_json_num(js, "rate_hz", out_rates[r]);
            hp_json_num(js, "max_deviation_db", h->rate_dev_db[r]);
            hp_json_arr_begin(js, "filters");
            for (size_t k = 0; k < p->n; k++) {
                hp_json_obj_begin(js, NULL);
                hp_json_str(js, "type", type_name(p->f[k].type));
                hp_json_num(js, "fc_hz", p->f[k].fc_hz);
                hp_json_num(js, "q", p->f[k].q);
                hp_json_num(js, "gain_db", p->f[k].gain_db);
                hp_json_obj_end(js);
            }
            hp_json_arr_end(js);
            hp_json_obj_end(js);
        }
        hp_json_arr_end(js);
    }
    hp_json_num(js, "rms_error_before_db", h->rms_before);
    hp_json_num(js, "rms_error_after_db", h->rms_after);
    hp_json_num(js, "max_abs_error_after_db", h->max_after);
    hp_json_num(js, "autoeq_loss_before_db", h->loss_before);
    hp_json_num(js, "autoeq_loss_after_db", h->loss_after);
    json_pref(js, "preference_before", &h->pref_before);
    json_pref(js, "preference_after", &h->pref_after);
    hp_json_bool(js, "seal_aware", in->sd[c] != NULL);
    hp_json_num(js, "fit_ms", h->fit_ms);
    hp_json_int(js, "iterations", h->rep.iterations);
    hp_json_obj_end(js);
}

/* summary.json into the set that holds the exports. */
static int write_summary(const eq_opts *o, const job *j, const eq_input *in, int flat,
                         hp_outset *set, char *why, size_t len)
{
    const hp_peqfit_cfg *c = &o->cfg;
    const char *dir = hp_outset_dir(set);
    FILE *f = hp_outset_fopen(set, "summary.json");
    if (!f)
        return fail(why, len, "%s/summary.json: %s", dir, strerror(errno));
    hp_json js;
    hp_json_init(&js, f);
    hp_json_obj_begin(&js, NULL);
    hp_json_str(&js, "format", "hpfr-eq");
    hp_json_int(&js, "version", 1);
    hp_json_str(&js, "hpfr", HP_VERSION);
    hp_json_str(&js, "name", in->name);
    hp_json_arr_begin(&js, "inputs");
    for (unsigned k = 0; k < in->nch; k++)
        hp_json_str(&js, NULL, in->src[k]);
    hp_json_arr_end(&js);
    hp_json_obj_begin(&js, "target");
    hp_json_str(&js, "name", o->target);
    hp_json_bool(&js, "flat", flat);
    hp_json_num(&js, "bass_boost_db", o->bass_db);
    hp_json_num(&js, "tilt_db_per_octave", o->tilt_db_oct);
    hp_json_num(&js, "treble_db", o->treble_db);
    if (o->align_hz > 0)
        hp_json_num(&js, "aligned_at_hz", o->align_hz);
    else
        hp_json_str(&js, "aligned_by", "mean difference 100 Hz-10 kHz");
    hp_json_num(&js, "level_offset_db", j->offset_db);
    hp_json_obj_end(&js);
    hp_json_obj_begin(&js, "fit");
    hp_json_num(&js, "rate_hz", c->rate_hz);
    hp_json_int(&js, "peaking_filters", (long long)c->n_peak);
    hp_json_num(&js, "low_shelf_hz", c->ls_fc_hz);
    hp_json_num(&js, "high_shelf_hz", c->hs_fc_hz);
    hp_json_int(&js, "fixed_bands", (long long)c->n_fixed);
    hp_json_num(&js, "max_boost_db", c->max_boost_db);
    hp_json_num(&js, "fit_lo_hz", c->fit_lo_hz);
    hp_json_num(&js, "fit_hi_hz", c->fit_hi_hz);
    hp_json_bool(&js, "integer_gains", c->gain_step_db == 1);
    hp_json_bool(&js, "preamp", !c->no_preamp);
    hp_json_obj_end(&js);
    if (in->nch == 2)
        hp_json_num(&js, "left_right_max_difference_db", j->lr_diff_db);
    hp_json_bool(&js, "per_channel", j->separate);
    hp_json_arr_begin(&js, "channels");
    for (unsigned k = 0; k < j->nfit; k++)
        json_channel(&js, o, j, k, in);
    hp_json_arr_end(&js);
    hp_json_obj_end(&js);
    if (hp_json_finish(&js) != HP_OK)
        return fail(why, len, "%s/summary.json: %s", dir, strerror(errno));
    return 0;
}

int eq_run_one(const eq_opts *o, const hp_frcurve *target, int target_flat, eq_input *in,
               const char *out_dir, char *why, size_t len, char *report, size_t rlen)
{
    if (check_cover(&o->cfg, in, why, len))
        return 1;
    job j;
    memset(&j, 0, sizeof j);
    j.n = in->ch[0].n;
    j.f = in->ch[0].f_hz;
    double *tgt = malloc(j.n * sizeof *tgt);
    int rc = !tgt || alloc_job(&j, j.n);
    if (rc) {
        free(tgt);
        return fail(why, len, "%s%s", "out of memory", "");
    }
    hp_target_adj adj = hp_target_adj_default();
    adj.bass_db = o->bass_db;
    adj.tilt_db_oct = o->tilt_db_oct;
    adj.treble_db = o->treble_db;
    adj.rate_hz = o->cfg.rate_hz;
    if (hp_eqc_interp(target->f_hz, target->db, target->n, j.f, j.n, tgt) != HP_OK ||
        hp_target_adjust(j.f, tgt, j.n, &adj) != HP_OK)
        rc = fail(why, len, "%s: %s", o->target, "cannot be applied");
    if (!rc)
        rc = prepare(o, in, &j, tgt, why, len);
    for (unsigned c = 0; !rc && c < j.nfit; c++)
        rc = fit_channel(o, in, &j, c, why, len);
    /* Per-rate sets where filters are free (fixed-band devices keep their bands) and a
     * format takes them. */
    if (!rc && (o->formats & HP_EQX_APO_RATES) && o->cfg.n_fixed == 0 && o->cfg.gain_step_db <= 0)
        rc = retune(o, in, &j, why, len);
    /* The exports and summary.json in one set: all of them appear, or none. */
    hp_outset *set = NULL;
    if (!rc) {
        hp_err e;
        errno = 0;
        if (!(set = hp_outset_new(out_dir, &e)))
            rc = fail(why, len, "%s: %s", out_dir, errno ? strerror(errno) : hp_strerror(e));
    }
    if (!rc) {
        hp_eq_export e;
        memset(&e, 0, sizeof e);
        e.name = in->name;
        e.rate_hz = o->cfg.rate_hz;
        e.nch = j.nfit;
        e.n = j.n;
        e.freq = j.f;
        e.fir_taps = o->fir_taps;
        for (unsigned c = 0; c < j.nfit; c++) {
            const chan *h = &j.ch[c];
            e.peq[c] = h->fit;
            e.raw[c] = h->raw;
            e.smoothed[c] = h->smoothed;
            e.error[c] = h->error;
            e.target[c] = h->target;
            e.equalization[c] = h->equalization;
            e.parametric_eq[c] = h->peq;
            e.equalized_raw[c] = h->equalized;
            for (size_t k = 0; k < j.nrates; k++)
                e.rate_peq[c][k] = h->rate_peq[k];
        }
        e.nrates = j.nrates;
        for (size_t k = 0; k < j.nrates; k++)
            e.rates_hz[k] = out_rates[k];
        char w[512] = "";
        hp_err err = hp_eqx_write_into(set, &e, o->formats, w, sizeof w);
        if (err != HP_OK)
            rc = fail(why, len, "%s%s", w[0] ? w : "writing the exports failed: ", w[0] ? "" : hp_strerror(err));
    }
    if (!rc)
        rc = write_summary(o, &j, in, target_flat, set, why, len);
    if (!rc) {
        errno = 0;
        if (hp_outset_commit(set) != HP_OK) {
            const char *f = hp_outset_failed(set);
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", out_dir, f ? f : "");
            rc = fail(why, len, "%s: %s", path, errno ? strerror(errno) : "write failed");
        }
    }
    hp_outset_free(set);
    if (!rc && report) {
        size_t k = 0;
        report[0] = '\0';
        for (unsigned c = 0; c < j.nfit && k < rlen; c++) {
            const chan *h = &j.ch[c];
            k += (size_t)snprintf(report + k, rlen - k,
                                  "%s%s%zu filters, preamp %.1f dB: error %.2f -> %.2f dB RMS "
                                  "(%g-%g Hz), preference %.0f -> %.0f",
                                  c ? "\n" : "", j.nfit == 2 ? (c ? "R: " : "L: ") : "",
                                  h->fit.n, h->fit.preamp_db, h->rms_before, h->rms_after,
                                  o->cfg.fit_lo_hz, o->cfg.fit_hi_hz, h->pref_before.score,
                                  h->pref_after.score);
        }
    }
    free(tgt);
    free(j.buf);
    return rc;
}
