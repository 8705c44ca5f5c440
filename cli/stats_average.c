/* SPDX-License-Identifier: MIT */
/* hpfr average's computation and outputs: per ear over the placements, power and dB
 * averages, mean and standard deviation, min and max per frequency, consistency per band,
 * bass-level outliers by robust z-score, and the left/right balance. */
#include "stats_average.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "csv.h"
#include "json.h"
#include "outset.h"
#include "version.h"

const double avg_bands[AVG_NBANDS][2] = {{20, 200}, {200, 5000}, {5000, 10000}};
static const char *const band_names[AVG_NBANDS] = {"20-200", "200-5000", "5000-10000"};

static long find_channel(const sess *s, const char *name)
{
    for (size_t c = 0; c < s->nch; c++)
        if (!strcmp(s->info.channels[c], name))
            return (long)c;
    return -1;
}

/* Band mean, NAN when the band holds no grid point. */
static double band_mean_or_nan(const double *f, const double *v, size_t nf, double lo, double hi)
{
    double m;
    return hp_band_mean(f, v, nf, lo, hi, &m) == HP_OK ? m : (double)NAN;
}

static int channel_stats(const char *cmd, const sess *s, size_t ch, avg_result *r)
{
    const double **curves = malloc(s->np * sizeof *curves);
    if (!curves)
        return hp_cli_fail(cmd, "out of memory");
    for (size_t p = 0; p < s->np; p++)
        curves[p] = sess_fr(s, ch, p);
    hp_err e = hp_pstats_compute(curves, s->np, s->nf, &r->st[ch]);
    free(curves);
    if (e != HP_OK)
        return hp_cli_fail(cmd, "%s: statistics failed: %s", s->dir, hp_strerror(e));
    for (int b = 0; b < AVG_NBANDS; b++) {
        double v;
        e = hp_band_consistency(s->f_hz, r->st[ch].std_db, s->nf, avg_bands[b][0], avg_bands[b][1], &v);
        r->consistency[ch][b] = e == HP_OK ? v : (double)NAN;
    }
    double *bass = r->bass + ch * s->np, mean;
    for (size_t p = 0; p < s->np; p++)
        if (hp_bass_level_db(s->f_hz, sess_fr(s, ch, p), s->nf, &r->cfg, &bass[p]) != HP_OK)
            return hp_cli_fail(cmd, "%s: the responses must cover %g-%g Hz and %g-%g Hz for the "
                                    "bass level",
                               s->dir, r->cfg.bass_lo_hz, r->cfg.bass_hi_hz, r->cfg.ref_lo_hz,
                               r->cfg.ref_hi_hz);
    if (hp_mean_std(bass, s->np, &mean, &r->bass_std[ch]) != HP_OK ||
        hp_robust_z(bass, s->np, r->cfg.outlier_min_db, r->z + ch * s->np, &r->bass_median[ch],
                    &r->bass_scale[ch]) != HP_OK)
        return hp_cli_fail(cmd, "out of memory");
    double lo = bass[0], hi = bass[0];
    for (size_t p = 0; p < s->np; p++) {
        lo = bass[p] < lo ? bass[p] : lo;
        hi = bass[p] > hi ? bass[p] : hi;
        r->outlier[ch * s->np + p] = fabs(r->z[ch * s->np + p]) > r->cfg.outlier_z;
    }
    r->bass_range[ch] = hi - lo;
    return 0;
}

static int balance(const char *cmd, const sess *s, avg_result *r)
{
    long l = find_channel(s, "L"), rr = find_channel(s, "R");
    if (l < 0 || rr < 0)
        return 0;
    r->balance = true;
    if (!(r->balance_db = malloc(s->nf * sizeof *r->balance_db)))
        return hp_cli_fail(cmd, "out of memory");
    double *abs_b = malloc(s->nf * sizeof *abs_b);
    if (!abs_b)
        return hp_cli_fail(cmd, "out of memory");
    for (size_t i = 0; i < s->nf; i++) {
        r->balance_db[i] = r->st[l].mean_db[i] - r->st[rr].mean_db[i];
        abs_b[i] = fabs(r->balance_db[i]);
    }
    double lo = s->f_hz[0], hi = s->f_hz[s->nf - 1] * 1.000001;
    r->balance_mean = band_mean_or_nan(s->f_hz, r->balance_db, s->nf, lo, hi);
    r->balance_mean_abs = band_mean_or_nan(s->f_hz, abs_b, s->nf, lo, hi);
    for (int b = 0; b < AVG_NBANDS; b++)
        r->balance_band[b] = band_mean_or_nan(s->f_hz, r->balance_db, s->nf, avg_bands[b][0],
                                              avg_bands[b][1]);
    free(abs_b);
    return 0;
}

int avg_compute(const char *cmd, const sess *s, const hp_seal_cfg *cfg, avg_result *r)
{
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    size_t n = s->nch * s->np;
    r->bass = calloc(n, sizeof *r->bass);
    r->z = calloc(n, sizeof *r->z);
    r->outlier = calloc(n, sizeof *r->outlier);
    if (!r->bass || !r->z || !r->outlier)
        return hp_cli_fail(cmd, "out of memory");
    for (size_t ch = 0; ch < s->nch; ch++) {
        if (channel_stats(cmd, s, ch, r))
            return HP_EXIT_BAD;
        if (ch == 0 || r->bass_std[ch] > r->spread) {
            r->spread = r->bass_std[ch];
            r->spread_ch = ch;
        }
    }
    r->sensitive = hp_seal_sensitive(r->spread, cfg);
    return balance(cmd, s, r);
}

void avg_release(avg_result *r)
{
    if (!r)
        return;
    for (size_t c = 0; c < HP_SESSINFO_MAX_CHANNELS; c++)
        hp_pstats_release(&r->st[c]);
    free(r->bass);
    free(r->z);
    free(r->outlier);
    free(r->balance_db);
    memset(r, 0, sizeof *r);
}

void avg_outlier_reason(const avg_result *r, const sess *s, size_t ch, size_t p, char *buf,
                        size_t size)
{
    double b = r->bass[ch * s->np + p], med = r->bass_median[ch];
    snprintf(buf, size, "bass level (%g-%g Hz re %g-%g Hz) %.1f dB %s the median of the "
                        "placements (robust z %+.1f)",
             r->cfg.bass_lo_hz, r->cfg.bass_hi_hz, r->cfg.ref_lo_hz, r->cfg.ref_hi_hz,
             fabs(b - med), b < med ? "below" : "above", r->z[ch * s->np + p]);
}

/* ---- files ---- */

static int write_table(const char *cmd, hp_outset *set, const char *name, const char *header,
                       const double *const *cols, size_t ncols, size_t nrows)
{
    static const int dec[] = {3, 4, 4, 4, 4, 4, 4};
    FILE *f = hp_outset_fopen(set, name);
    if (!f || hp_csv_write(f, header, cols, ncols, nrows, dec) != HP_OK)
        return hp_cli_fail(cmd, "%s/%s: write failed: %s", hp_outset_dir(set), name,
                           strerror(errno));
    return 0;
}

static void json_session(hp_json *j, const sess *s)
{
    hp_json_str(j, "session", s->dir);
    hp_json_str(j, "name", s->info.name);
    hp_json_arr_begin(j, "placements");
    for (size_t p = 0; p < s->np; p++)
        hp_json_int(j, NULL, s->pl[p]->index);
    hp_json_arr_end(j);
    hp_json_str(j, "column", s->smoothed ? "smoothed" : "raw");
    hp_json_obj_begin(j, "grid");
    hp_json_int(j, "points", (long long)s->nf);
    hp_json_num(j, "f_lo_hz", s->f_hz[0]);
    hp_json_num(j, "f_hi_hz", s->f_hz[s->nf - 1]);
    hp_json_obj_end(j);
}

static void json_band_pair(hp_json *j, const char *key, const double lo_hi[2])
{
    hp_json_arr_begin(j, key);
    hp_json_num(j, NULL, lo_hi[0]);
    hp_json_num(j, NULL, lo_hi[1]);
    hp_json_arr_end(j);
}

static void json_channel(hp_json *j, const sess *s, const avg_result *r, size_t ch)
{
    char fn[64], why[200];
    hp_json_obj_begin(j, NULL);
    hp_json_str(j, "channel", s->info.channels[ch]);
    snprintf(fn, sizeof fn, "average-%s.csv", s->info.channels[ch]);
    hp_json_str(j, "file", fn);
    hp_json_obj_begin(j, "consistency_db");
    for (int b = 0; b < AVG_NBANDS; b++)
        hp_json_num(j, band_names[b], r->consistency[ch][b]);
    hp_json_obj_end(j);
    hp_json_obj_begin(j, "bass_level_db");
    double bb[2] = {r->cfg.bass_lo_hz, r->cfg.bass_hi_hz}, rb[2] = {r->cfg.ref_lo_hz, r->cfg.ref_hi_hz};
    json_band_pair(j, "band_hz", bb);
    json_band_pair(j, "relative_to_hz", rb);
    hp_json_arr_begin(j, "per_placement");
    for (size_t p = 0; p < s->np; p++)
        hp_json_num(j, NULL, r->bass[ch * s->np + p]);
    hp_json_arr_end(j);
    hp_json_num(j, "median", r->bass_median[ch]);
    hp_json_num(j, "std", r->bass_std[ch]);
    hp_json_num(j, "range", r->bass_range[ch]);
    hp_json_obj_end(j);
    hp_json_arr_begin(j, "outliers");
    for (size_t p = 0; p < s->np; p++) {
        if (!r->outlier[ch * s->np + p])
            continue;
        avg_outlier_reason(r, s, ch, p, why, sizeof why);
        hp_json_obj_begin(j, NULL);
        hp_json_int(j, "placement", s->pl[p]->index);
        hp_json_num(j, "bass_level_db", r->bass[ch * s->np + p]);
        hp_json_num(j, "robust_z", r->z[ch * s->np + p]);
        hp_json_str(j, "reason", why);
        hp_json_obj_end(j);
    }
    hp_json_arr_end(j);
    hp_json_obj_end(j);
}

static int write_summary(const char *cmd, hp_outset *set, const sess *s, const avg_result *r)
{
    FILE *f = hp_outset_fopen(set, "summary.json");
    if (!f)
        return hp_cli_fail(cmd, "%s/summary.json: %s", hp_outset_dir(set), strerror(errno));
    hp_json j;
    hp_json_init(&j, f);
    hp_json_obj_begin(&j, NULL);
    hp_json_str(&j, "hpfr_version", HP_VERSION);
    json_session(&j, s);
    hp_json_str(&j, "consistency_definition",
                "RMS over the band's grid points of the standard deviation across placements (dB)");
    char rule[160];
    snprintf(rule, sizeof rule, "robust z-score of the bass level: (x - median) / max(1.4826 MAD, "
                                "%g dB), flagged beyond %g",
             r->cfg.outlier_min_db, r->cfg.outlier_z);
    hp_json_str(&j, "outlier_rule", rule);
    hp_json_arr_begin(&j, "channels");
    for (size_t ch = 0; ch < s->nch; ch++)
        json_channel(&j, s, r, ch);
    hp_json_arr_end(&j);
    hp_json_obj_begin(&j, "bass_spread");
    hp_json_num(&j, "db", r->spread);
    hp_json_str(&j, "channel", s->info.channels[r->spread_ch]);
    hp_json_obj_end(&j);
    if (r->balance) {
        hp_json_obj_begin(&j, "balance");
        hp_json_str(&j, "file", "balance.csv");
        hp_json_str(&j, "definition", "mean L minus mean R in dB (positive: left louder)");
        hp_json_num(&j, "mean_db", r->balance_mean);
        hp_json_num(&j, "mean_abs_db", r->balance_mean_abs);
        hp_json_obj_begin(&j, "bands_db");
        for (int b = 0; b < AVG_NBANDS; b++)
            hp_json_num(&j, band_names[b], r->balance_band[b]);
        hp_json_obj_end(&j);
        hp_json_obj_end(&j);
    } else {
        hp_json_null(&j, "balance");
    }
    hp_json_obj_end(&j);
    if (hp_json_finish(&j) != HP_OK)
        return hp_cli_fail(cmd, "%s/summary.json: write failed: %s", hp_outset_dir(set), strerror(errno ? errno : EIO));
    return 0;
}

int avg_write(const char *cmd, const sess *s, const avg_result *r, const char *out_dir)
{
    hp_err e;
    hp_outset *set = hp_outset_new(out_dir, &e);
    if (!set)
        return hp_cli_fail(cmd, "%s: cannot create the output directory: %s", out_dir,
                           strerror(errno));
    int rc = 0;
    char name[64];
    for (size_t ch = 0; !rc && ch < s->nch; ch++) {
        const hp_pstats *st = &r->st[ch];
        const double *cols[] = {s->f_hz, st->power_db, st->mean_db, st->std_db, st->min_db,
                                st->max_db};
        snprintf(name, sizeof name, "average-%s.csv", s->info.channels[ch]);
        rc = write_table(cmd, set, name, "frequency,power_db,mean_db,std_db,min_db,max_db", cols,
                         6, s->nf);
    }
    if (!rc && r->balance) {
        const double *cols[] = {s->f_hz, r->balance_db};
        rc = write_table(cmd, set, "balance.csv", "frequency,balance_db", cols, 2, s->nf);
    }
    if (!rc)
        rc = write_summary(cmd, set, s, r);
    if (!rc && hp_outset_commit(set) != HP_OK)
        rc = hp_cli_fail(cmd, "%s/%s: write failed: %s", out_dir,
                         hp_outset_failed(set) ? hp_outset_failed(set) : "", strerror(errno));
    hp_outset_free(set);
    return rc;
}

void avg_print(const sess *s, const avg_result *r, const char *out_dir)
{
    printf("%s%s%s%s: %zu placements (", s->dir, s->info.name ? " \"" : "",
           s->info.name ? s->info.name : "", s->info.name ? "\"" : "", s->np);
    for (size_t p = 0; p < s->np; p++)
        printf("%s%u", p ? " " : "", s->pl[p]->index);
    printf("), %s column, %zu points %g Hz-%g Hz\n", s->smoothed ? "smoothed" : "raw", s->nf,
           s->f_hz[0], s->f_hz[s->nf - 1]);
    printf("consistency (RMS of the standard deviation across placements, dB) and bass spread:\n");
    printf("  %-4s %10s %13s %10s %13s\n", "ch", "20-200 Hz", "200 Hz-5 kHz", "5-10 kHz",
           "bass std/range");
    for (size_t ch = 0; ch < s->nch; ch++)
        printf("  %-4s %10.2f %13.2f %10.2f %7.2f/%.2f\n", s->info.channels[ch],
               r->consistency[ch][0], r->consistency[ch][1], r->consistency[ch][2],
               r->bass_std[ch], r->bass_range[ch]);
    if (r->balance)
        printf("balance L-R: mean %+.2f dB (mean |L-R| %.2f dB); 20-200 Hz %+.2f, 200 Hz-5 kHz "
               "%+.2f, 5-10 kHz %+.2f\n",
               r->balance_mean, r->balance_mean_abs, r->balance_band[0], r->balance_band[1],
               r->balance_band[2]);
    int any = 0;
    char why[200];
    for (size_t ch = 0; ch < s->nch; ch++)
        for (size_t p = 0; p < s->np; p++)
            if (r->outlier[ch * s->np + p]) {
                avg_outlier_reason(r, s, ch, p, why, sizeof why);
                printf("outlier: placement %u (%s): %s\n", s->pl[p]->index, s->info.channels[ch], why);
                any = 1;
            }
    if (!any)
        printf("outliers: none\n");
    if (out_dir)
        printf("wrote %s/: average-*.csv%s summary.json\n", out_dir, r->balance ? " balance.csv" : "");
}
