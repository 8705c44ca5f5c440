/* SPDX-License-Identifier: MIT */
/* Error measures of an equalized response. */
#include "eqscore.h"
#include <math.h>
#include "eqcurve.h"

hp_err hp_eqs_rms(const double *f, const double *err, size_t n, double lo_hz, double hi_hz,
                  double *rms, double *max_abs)
{
    if (!f || !err || !rms || !(lo_hz <= hi_hz))
        return HP_EINVAL;
    double s = 0, mx = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i] >= lo_hz && f[i] <= hi_hz) {
            if (!isfinite(err[i]))
                return HP_EINVAL;
            s += err[i] * err[i];
            mx = fmax(mx, fabs(err[i]));
            k++;
        }
    if (!k)
        return HP_ENODATA;
    *rms = sqrt(s / (double)k);
    if (max_abs)
        *max_abs = mx;
    return HP_OK;
}

hp_err hp_eqs_autoeq_loss(const double *f, const double *err, size_t n, double *loss)
{
    enum { NMAX = 400 };
    double g[NMAX], e[NMAX];
    size_t m = 0;
    if (!f || !err || !loss || n == 0)
        return HP_EINVAL;
    for (double x = 20.0; x < 20000.0 && m < NMAX; x *= 1.02)
        g[m++] = x;
    hp_err r = hp_eqc_interp(f, err, n, g, m, e);
    if (r != HP_OK)
        return r;
    double ts = 0, s = 0;
    size_t tk = 0;
    for (size_t i = 0; i < m; i++)
        if (g[i] > 10000.0) {
            ts += e[i];
            tk++;
        }
    for (size_t i = 0; i < m; i++) {
        double v = g[i] > 10000.0 ? ts / (double)tk : e[i];
        s += v * v;
    }
    *loss = sqrt(s / (double)m);
    return HP_OK;
}

/* The 1/12-octave preferred frequencies (ISO 266 R40 series) from 50 Hz to 10 kHz, the grid
 * AutoEq scores preference on. */
static const double pref_hz[] = {
    50, 53, 56, 60, 63, 67, 71, 75, 80, 85, 90, 95, 100, 106, 112, 118, 125, 132, 140, 150,
    160, 170, 180, 190, 200, 212, 224, 236, 250, 265, 280, 300, 315, 335, 355, 375, 400, 425,
    450, 475, 500, 530, 560, 600, 630, 670, 710, 750, 800, 850, 900, 950, 1000, 1060, 1120,
    1180, 1250, 1320, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2120, 2240, 2360, 2500, 2650,
    2800, 3000, 3150, 3350, 3550, 3750, 4000, 4250, 4500, 4750, 5000, 5300, 5600, 6000, 6300,
    6700, 7100, 7500, 8000, 8500, 9000, 9500, 10000};
#define NPREF (sizeof pref_hz / sizeof pref_hz[0])

hp_err hp_eqs_preference(const double *f, const double *err, size_t n, hp_eq_pref *out)
{
    double e[NPREF];
    if (!out)
        return HP_EINVAL;
    hp_err r = hp_eqc_interp(f, err, n, pref_hz, NPREF, e);
    if (r != HP_OK)
        return r;
    double mx = 0, me = 0;
    for (size_t i = 0; i < NPREF; i++) {
        mx += log(pref_hz[i]);
        me += e[i];
    }
    mx /= (double)NPREF;
    me /= (double)NPREF;
    double sxx = 0, sxy = 0, see = 0;
    for (size_t i = 0; i < NPREF; i++) {
        double dx = log(pref_hz[i]) - mx, de = e[i] - me;
        sxx += dx * dx;
        sxy += dx * de;
        see += de * de;
    }
    out->sd_db = sqrt(see / (double)(NPREF - 1));
    out->slope_db = sxy / sxx;
    out->score = 114.49 - 12.62 * out->sd_db - 15.52 * fabs(out->slope_db);
    return HP_OK;
}
