/* SPDX-License-Identifier: MIT */
/* Placement statistics: plain per-frequency moments, band figures and robust scores. */
#include "placestats.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void hp_pstats_release(hp_pstats *s)
{
    if (!s)
        return;
    free(s->power_db);
    memset(s, 0, sizeof *s);
}

hp_err hp_pstats_compute(const double *const *db, size_t n, size_t nf, hp_pstats *out)
{
    if (!out)
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    if (!db || n < 2 || nf == 0 || nf > ((size_t)-1) / (5 * sizeof(double)))
        return HP_EINVAL;
    for (size_t p = 0; p < n; p++) {
        if (!db[p])
            return HP_EINVAL;
        for (size_t i = 0; i < nf; i++)
            if (!isfinite(db[p][i]))
                return HP_EINVAL;
    }
    double *m = malloc(5 * nf * sizeof *m); /* one block, five arrays */
    if (!m)
        return HP_ENOMEM;
    out->nf = nf;
    out->power_db = m;
    out->mean_db = m + nf;
    out->std_db = m + 2 * nf;
    out->min_db = m + 3 * nf;
    out->max_db = m + 4 * nf;
    for (size_t i = 0; i < nf; i++) {
        double sum = 0, pw = 0, lo = db[0][i], hi = db[0][i];
        for (size_t p = 0; p < n; p++) {
            double v = db[p][i];
            sum += v;
            pw += pow(10.0, v / 10.0);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        double mean = sum / (double)n, ss = 0;
        for (size_t p = 0; p < n; p++)
            ss += (db[p][i] - mean) * (db[p][i] - mean);
        out->mean_db[i] = mean;
        out->std_db[i] = sqrt(ss / (double)(n - 1));
        out->power_db[i] = 10.0 * log10(pw / (double)n);
        out->min_db[i] = lo;
        out->max_db[i] = hi;
    }
    return HP_OK;
}

static hp_err band_sum(const double *f, const double *v, size_t nf, double lo, double hi,
                       int squares, double *out)
{
    if (!f || !v || !out || !(lo < hi))
        return HP_EINVAL;
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < nf; i++)
        if (f[i] >= lo && f[i] < hi) {
            s += squares ? v[i] * v[i] : v[i];
            k++;
        }
    if (k == 0)
        return HP_ENODATA;
    *out = s / (double)k;
    return HP_OK;
}

hp_err hp_band_mean(const double *f_hz, const double *v, size_t nf, double lo_hz, double hi_hz,
                    double *out)
{
    return band_sum(f_hz, v, nf, lo_hz, hi_hz, 0, out);
}

hp_err hp_band_consistency(const double *f_hz, const double *std_db, size_t nf, double lo_hz,
                           double hi_hz, double *out)
{
    double ms;
    hp_err e = band_sum(f_hz, std_db, nf, lo_hz, hi_hz, 1, &ms);
    if (e == HP_OK)
        *out = sqrt(ms);
    return e;
}

hp_err hp_mean_std(const double *x, size_t n, double *mean, double *std)
{
    if (!x || n < 2 || !mean || !std)
        return HP_EINVAL;
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *std = sqrt(ss / (double)(n - 1));
    return HP_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_sorted(const double *s, size_t n)
{
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

hp_err hp_robust_z(const double *x, size_t n, double min_scale, double *z, double *median,
                   double *scale)
{
    if (!x || !z || n < 2 || !(min_scale > 0) || !isfinite(min_scale))
        return HP_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return HP_EINVAL;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return HP_ENOMEM;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double med = median_sorted(s, n);
    for (size_t i = 0; i < n; i++)
        s[i] = fabs(x[i] - med);
    qsort(s, n, sizeof *s, cmp_double);
    double sc = 1.4826 * median_sorted(s, n);
    free(s);
    if (!(sc >= min_scale))
        sc = min_scale;
    for (size_t i = 0; i < n; i++)
        z[i] = (x[i] - med) / sc;
    if (median)
        *median = med;
    if (scale)
        *scale = sc;
    return HP_OK;
}

hp_seal_cfg hp_seal_cfg_default(void)
{
    hp_seal_cfg c = {.bass_lo_hz = 20, .bass_hi_hz = 50, .ref_lo_hz = 500, .ref_hi_hz = 2000,
                     .sensitive_db = 1.0, .outlier_z = 3.5, .outlier_min_db = 0.5};
    return c;
}

hp_err hp_bass_level_db(const double *f_hz, const double *db, size_t nf, const hp_seal_cfg *cfg,
                        double *out)
{
    if (!cfg || !out)
        return HP_EINVAL;
    double bass, ref;
    hp_err e = hp_band_mean(f_hz, db, nf, cfg->bass_lo_hz, cfg->bass_hi_hz, &bass);
    if (e == HP_OK)
        e = hp_band_mean(f_hz, db, nf, cfg->ref_lo_hz, cfg->ref_hi_hz, &ref);
    if (e == HP_OK)
        *out = bass - ref;
    return e;
}

bool hp_seal_sensitive(double spread_db, const hp_seal_cfg *cfg)
{
    return cfg && spread_db >= cfg->sensitive_db;
}
