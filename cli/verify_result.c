/* SPDX-License-Identifier: MIT */
/* hpfr verify: what the corrected headphone measured against what the fit promised. Per ear
 * (and, for one filter set fitted to the mean of both ears, for that mean): the target as the
 * fit aligned it, lowered by the level the correction plays at (its preamp, or the FIR's
 * level), so target, prediction and measurement share one level; the prediction is the
 * response the fit started from plus the correction exactly as it is played. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "csv.h"
#include "eqcurve.h"
#include "eqscore.h"
#include "frread.h"
#include "json.h"
#include "outset.h"
#include "verify.h"
#include "version.h"

#define CMD "verify"

/* Thresholds of the verdict, on the RMS of measured - predicted from 20 Hz to 16 kHz: within
 * 0.5 dB the correction does what the fit said; up to 1.5 dB the difference is of the size a
 * re-seat makes; beyond that something else changed. */
#define AS_PREDICTED_DB 0.5
#define CLOSE_DB 1.5
#define LEVEL_NOTE_DB 1.0

typedef struct {
    char name[8];                /* "L", "R" or "L+R" */
    char file[32];
    size_t n;
    double *f, *target, *predicted, *measured, *residual, *buf;
    double level_db;             /* the correction's level, added to the fit's target */
    double res10, res16, pred10, pred16, diff16, diffmax, level_diff;
} row;

static void row_free(row *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

static int row_alloc(row *r, size_t n)
{
    r->buf = calloc(5 * n, sizeof *r->buf);
    if (!r->buf)
        return hp_cli_fail(CMD, "out of memory");
    r->n = n;
    r->f = r->buf;
    r->target = r->f + n;
    r->predicted = r->target + n;
    r->measured = r->predicted + n;
    r->residual = r->measured + n;
    return 0;
}

/* The mean (in dB) of ear's raw response over the done placements, on the first's grid. */
static int mean_measured(const measure_ctx *m, unsigned ear, hp_frcurve *out)
{
    size_t k = 0;
    int rc = 0;
    double *v = NULL;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; !rc && i < m->session.count; i++) {
        const hp_placement *p = &m->session.placements[i];
        if (p->status != HP_PLACEMENT_DONE)
            continue;
        char path[VERIFY_PATH_MAX];
        snprintf(path, sizeof path, "%s/placement-%u/fr-%s.csv", m->opt.session_dir, p->index,
                 ear ? "R" : "L");
        hp_frcurve c;
        hp_diag d;
        hp_err e = hp_fr_read(path, &c, &d);
        if (e != HP_OK) {
            rc = hp_cli_fail(CMD, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
            break;
        }
        if (!k) {
            *out = c;
            v = malloc(c.n * sizeof *v);
            if (!v)
                rc = hp_cli_fail(CMD, "out of memory");
        } else {
            if (hp_eqc_interp(c.f_hz, c.db, c.n, out->f_hz, out->n, v) != HP_OK)
                rc = hp_cli_fail(CMD, "%s: cannot be resampled", path);
            for (size_t j = 0; !rc && j < out->n; j++)
                out->db[j] += (v[j] - out->db[j]) / (double)(k + 1);
            hp_frcurve_release(&c);
        }
        k++;
    }
    free(v);
    if (!rc && !k)
        rc = hp_cli_fail(CMD, "no placement was measured: nothing to verify");
    if (rc)
        hp_frcurve_release(out);
    return rc;
}

static double rms_or_nan(const double *f, const double *e, size_t n, double lo, double hi,
                         double *max_abs)
{
    double r, mx;
    if (hp_eqs_rms(f, e, n, lo, hi, &r, &mx) != HP_OK)
        r = mx = NAN;
    if (max_abs)
        *max_abs = mx;
    return r;
}

static void row_stats(row *r)
{
    size_t n = r->n;
    double *d = malloc(n * sizeof *d);
    if (!d) {
        r->res10 = r->res16 = r->pred10 = r->pred16 = r->diff16 = r->diffmax = NAN;
        return;
    }
    for (size_t i = 0; i < n; i++)
        r->residual[i] = r->measured[i] - r->target[i];
    r->res10 = rms_or_nan(r->f, r->residual, n, 20, 10000, NULL);
    r->res16 = rms_or_nan(r->f, r->residual, n, 20, 16000, NULL);
    for (size_t i = 0; i < n; i++)
        d[i] = r->predicted[i] - r->target[i];
    r->pred10 = rms_or_nan(r->f, d, n, 20, 10000, NULL);
    r->pred16 = rms_or_nan(r->f, d, n, 20, 16000, NULL);
    for (size_t i = 0; i < n; i++)
        d[i] = r->measured[i] - r->predicted[i];
    r->diff16 = rms_or_nan(r->f, d, n, 20, 16000, &r->diffmax);
    if (hp_eqc_band_mean(r->f, r->measured, r->predicted, n, 100, 10000, &r->level_diff) != HP_OK)
        r->level_diff = NAN;
    free(d);
}

/* The level the correction plays at: the PEQ's preamp (and a level the fit allowed), or how
 * far the FIR's response sits from the curve it was designed for (100 Hz-10 kHz mean). */
static int correction_level(const verify_eq *q, unsigned ear, const row *r, const double *corr,
                            double *level)
{
    if (q->mode == VERIFY_PEQ) {
        *level = q->apo.peq[ear].preamp_db + q->fit_level_db[q->ncsv == 2 ? ear : 0];
        return 0;
    }
    const hp_eqcsv *t = verify_eq_csv(q, ear);
    const double *want = hp_eqcsv_get(t, "equalization");
    if (!want)
        want = hp_eqcsv_get(t, "parametric_eq");
    if (!want) {
        *level = 0;
        return 0;
    }
    double *w = malloc(r->n * sizeof *w);
    int rc = !w || hp_eqc_interp(t->col[0], want, t->n, r->f, r->n, w) != HP_OK;
    if (!rc && hp_eqc_band_mean(r->f, corr, w, r->n, 100, 10000, level) != HP_OK)
        *level = 0;
    free(w);
    return rc ? hp_cli_fail(CMD, "out of memory") : 0;
}

/* One ear: the measured grid inside the fit's, with the fit's curves resampled onto it. */
static int ear_row(const verify_eq *q, unsigned ear, const hp_frcurve *meas, row *r)
{
    const hp_eqcsv *t = verify_eq_csv(q, ear);
    double lo = t->col[0][0] * (1 - 1e-9), hi = t->col[0][t->n - 1] * (1 + 1e-9);
    size_t a = 0, b = meas->n;
    while (a < b && meas->f_hz[a] < lo)
        a++;
    while (b > a && meas->f_hz[b - 1] > hi)
        b--;
    if (b - a < 2)
        return hp_cli_fail(CMD, "%s: its frequencies (%g-%g Hz) do not overlap the measurement's",
                           q->csv_path[q->ncsv == 2 ? ear : 0], t->col[0][0], t->col[0][t->n - 1]);
    if (row_alloc(r, b - a))
        return HP_EXIT_BAD;
    snprintf(r->name, sizeof r->name, "%s", ear ? "R" : "L");
    snprintf(r->file, sizeof r->file, "residual-%s.csv", ear ? "R" : "L");
    memcpy(r->f, meas->f_hz + a, r->n * sizeof *r->f);
    memcpy(r->measured, meas->db + a, r->n * sizeof *r->f);
    /* residual is free until row_stats fills it: it holds the fit's raw curve meanwhile. */
    double *raw = r->residual, *corr = malloc(r->n * sizeof *corr);
    if (!corr)
        return hp_cli_fail(CMD, "out of memory");
    int rc = hp_eqc_interp(t->col[0], hp_eqcsv_get(t, "raw"), t->n, r->f, r->n, raw) != HP_OK ||
             hp_eqc_interp(t->col[0], hp_eqcsv_get(t, "target"), t->n, r->f, r->n, r->target) !=
                 HP_OK
             ? hp_cli_fail(CMD, "%s: cannot be resampled", q->csv_path[q->ncsv == 2 ? ear : 0])
             : 0;
    if (!rc)
        rc = verify_eq_response(q, ear, r->f, r->n, corr);
    if (!rc)
        rc = correction_level(q, ear, r, corr, &r->level_db);
    for (size_t i = 0; !rc && i < r->n; i++) {
        r->predicted[i] = raw[i] + corr[i];
        r->target[i] += r->level_db;
    }
    free(corr);
    if (!rc)
        row_stats(r);
    return rc;
}

/* The mean of both ears: what a single filter set fitted to that mean predicted. */
static int mean_row(const row *l, const row *rr, row *r)
{
    if (row_alloc(r, l->n))
        return HP_EXIT_BAD;
    snprintf(r->name, sizeof r->name, "L+R");
    snprintf(r->file, sizeof r->file, "residual.csv");
    memcpy(r->f, l->f, l->n * sizeof *r->f);
    for (size_t i = 0; i < l->n; i++) {
        r->target[i] = 0.5 * (l->target[i] + rr->target[i]);
        r->predicted[i] = 0.5 * (l->predicted[i] + rr->predicted[i]);
        r->measured[i] = 0.5 * (l->measured[i] + rr->measured[i]);
    }
    r->level_db = 0.5 * (l->level_db + rr->level_db);
    row_stats(r);
    return 0;
}

typedef struct {
    const char *word;            /* "as predicted", "close to the prediction", "not as predicted" */
    char text[600];
    double worst;                /* largest RMS of measured - predicted over the rows judged */
} verdict;

static void judge(const row *rows, size_t nrow, const verify_eq *q, verdict *v)
{
    /* A filter set fitted to the mean of both ears is judged on that mean. */
    size_t from = nrow == 3 ? 2 : 0;
    double worst = 0, level = 0, res = 0, pred = 0;
    for (size_t k = from; k < nrow; k++) {
        if (!(rows[k].diff16 <= worst))
            worst = rows[k].diff16;
        if (fabs(rows[k].level_diff) > fabs(level))
            level = rows[k].level_diff;
        res = fmax(res, rows[k].res10);
        pred = fmax(pred, rows[k].pred10);
    }
    v->worst = worst;
    size_t k = 0;
    if (worst <= AS_PREDICTED_DB) {
        v->word = "as predicted";
        k = (size_t)snprintf(v->text, sizeof v->text, "as predicted: the corrected response is "
                             "within %.2f dB RMS of the fit's prediction (20 Hz-16 kHz); %.2f dB "
                             "RMS from the target (20 Hz-10 kHz; the fit predicted %.2f)", worst,
                             res, pred);
    } else if (worst <= CLOSE_DB) {
        v->word = "close to the prediction";
        k = (size_t)snprintf(v->text, sizeof v->text, "close to the prediction: %.2f dB RMS off "
                             "it (20 Hz-16 kHz), as much as re-seating the headphones changes; "
                             "%.2f dB RMS from the target (20 Hz-10 kHz; the fit predicted %.2f)"
                             "; re-seat, or measure more --placements", worst, res, pred);
    } else {
        v->word = "not as predicted";
        k = (size_t)snprintf(v->text, sizeof v->text, "not as predicted: %.2f dB RMS off the "
                             "prediction (20 Hz-16 kHz); check the seal, the volume and the "
                             "calibration options, and that %s was fitted to this headphone on "
                             "this rig", worst, q->dir);
    }
    if (fabs(level) > LEVEL_NOTE_DB && k < sizeof v->text)
        snprintf(v->text + k, sizeof v->text - k, "; the level is %+.1f dB off the prediction: "
                 "was the volume or the input gain changed since %s was measured?", level,
                 q->dir);
}

static int write_row(hp_outset *set, const row *r)
{
    FILE *f = hp_outset_fopen(set, r->file);
    const double *cols[] = {r->f, r->target, r->predicted, r->measured, r->residual};
    const int dec[] = {3, 3, 3, 3, 3};
    if (!f || hp_csv_write(f, "frequency,target,predicted,measured,residual", cols, 5, r->n,
                           dec) != HP_OK)
        return hp_cli_fail(CMD, "%s/%s: write failed: %s", hp_outset_dir(set), r->file,
                           strerror(errno));
    return 0;
}

static const char *mode_name(verify_mode mo)
{
    return mo == VERIFY_PEQ ? "peq" : mo == VERIFY_FIR_LINEAR ? "fir-linear" : "fir-minimum";
}

static int write_summary(hp_outset *set, const verify_eq *q, const row *rows, size_t nrow, size_t nplace, const verdict *v)
{
    FILE *f = hp_outset_fopen(set, "summary.json");
    if (!f)
        return hp_cli_fail(CMD, "%s/summary.json: %s", hp_outset_dir(set), strerror(errno));
    char played[2 * VERIFY_PATH_MAX];
    verify_eq_describe(q, played, sizeof played);
    hp_json js;
    hp_json_init(&js, f);
    hp_json_obj_begin(&js, NULL);
    hp_json_str(&js, "format", "hpfr-verify");
    hp_json_int(&js, "version", 1);
    hp_json_str(&js, "hpfr", HP_VERSION);
    hp_json_str(&js, "eq", q->dir);
    hp_json_str(&js, "mode", mode_name(q->mode));
    hp_json_str(&js, "played", played);
    hp_json_num(&js, "rate_hz", q->rate_hz);
    if (isfinite(q->fit_rate_hz))
        hp_json_num(&js, "fit_rate_hz", q->fit_rate_hz);
    hp_json_int(&js, "placements", (long long)nplace);
    hp_json_str(&js, "level_alignment", "the fit's target (eq.csv) plus the correction's level "
                "(its preamp, or the FIR's level)");
    hp_json_arr_begin(&js, "channels");
    for (size_t k = 0; k < nrow; k++) {
        const row *r = &rows[k];
        hp_json_obj_begin(&js, NULL);
        hp_json_str(&js, "channel", r->name);
        hp_json_str(&js, "file", r->file);
        hp_json_num(&js, "level_db", r->level_db);
        hp_json_num(&js, "residual_rms_db_20_10k", r->res10);
        hp_json_num(&js, "residual_rms_db_20_16k", r->res16);
        hp_json_num(&js, "predicted_residual_rms_db_20_10k", r->pred10);
        hp_json_num(&js, "predicted_residual_rms_db_20_16k", r->pred16);
        hp_json_num(&js, "measured_minus_predicted_rms_db_20_16k", r->diff16);
        hp_json_num(&js, "measured_minus_predicted_max_db_20_16k", r->diffmax);
        hp_json_num(&js, "level_difference_db", r->level_diff);
        hp_json_obj_end(&js);
    }
    hp_json_arr_end(&js);
    hp_json_str(&js, "judged_on", nrow == 3 ? "L+R" : "each ear");
    hp_json_str(&js, "verdict", v->word);
    hp_json_str(&js, "verdict_text", v->text);
    hp_json_obj_end(&js);
    if (hp_json_finish(&js) != HP_OK)
        return hp_cli_fail(CMD, "%s/summary.json: write failed: %s", hp_outset_dir(set),
                           strerror(errno));
    return 0;
}

static void print_summary(const verify_eq *q, const measure_ctx *m, const row *rows,
                          size_t nrow, size_t nplace, const verdict *v)
{
    char played[2 * VERIFY_PATH_MAX];
    verify_eq_describe(q, played, sizeof played);
    printf("verify: %s played at %g Hz, %zu placement%s measured into %s/\n", played, q->rate_hz,
           nplace, nplace == 1 ? "" : "s", m->opt.session_dir);
    if (q->mode == VERIFY_PEQ && isfinite(q->fit_rate_hz) && q->fit_rate_hz != q->rate_hz)
        printf("note: the filters were fitted at %g Hz; they are designed at %g Hz, the rate "
               "they play at\n", q->fit_rate_hz, q->rate_hz);
    printf("channel  residual vs target, RMS (fit predicted)   measured - predicted, 20 Hz-16 kHz\n"
           "         20 Hz-10 kHz      20 Hz-16 kHz            RMS       max       level\n");
    for (size_t k = 0; k < nrow; k++) {
        const row *r = &rows[k];
        printf("%-8s %5.2f (%5.2f) dB   %5.2f (%5.2f) dB       %5.2f dB  %5.2f dB  %+5.2f dB\n",
               r->name, r->res10, r->pred10, r->res16, r->pred16, r->diff16, r->diffmax,
               r->level_diff);
    }
    printf("verdict: %s\n", v->text);
    printf("wrote %s/", m->opt.session_dir);
    for (size_t k = 0; k < nrow; k++)
        printf("%s%s", k ? ", " : "", rows[k].file);
    printf(" and summary.json\n");
}

int verify_result(const verify_eq *q, const measure_ctx *m)
{
    row rows[3];
    memset(rows, 0, sizeof rows);
    size_t nrow = 0, nplace = 0;
    for (size_t i = 0; i < m->session.count; i++)
        nplace += m->session.placements[i].status == HP_PLACEMENT_DONE;
    int rc = 0;
    for (unsigned ear = 0; !rc && ear < 2; ear++) {
        if (m->opt.ears && m->opt.ears != ear + 1)
            continue;
        hp_frcurve meas;
        rc = mean_measured(m, ear, &meas);
        if (!rc)
            rc = ear_row(q, ear, &meas, &rows[nrow++]);
        hp_frcurve_release(&meas);
    }
    if (!rc && nrow == 2 && q->ncsv == 1 && q->fitted_mean)
        rc = mean_row(&rows[0], &rows[1], &rows[nrow++]);
    verdict v;
    if (!rc)
        judge(rows, nrow, q, &v);
    hp_err e;
    hp_outset *set = rc ? NULL : hp_outset_new(m->opt.session_dir, &e);
    if (!rc && !set)
        rc = hp_cli_fail(CMD, "%s: %s", m->opt.session_dir, strerror(errno));
    for (size_t k = 0; !rc && k < nrow; k++)
        rc = write_row(set, &rows[k]);
    if (!rc)
        rc = write_summary(set, q, rows, nrow, nplace, &v);
    if (!rc && hp_outset_commit(set) != HP_OK)
        rc = hp_cli_fail(CMD, "%s/%s: write failed: %s", m->opt.session_dir,
                         hp_outset_failed(set) ? hp_outset_failed(set) : "", strerror(errno));
    hp_outset_free(set);
    if (!rc)
        print_summary(q, m, rows, nrow, nplace, &v);
    for (size_t k = 0; k < 3; k++)
        row_free(&rows[k]);
    return rc;
}
