/* SPDX-License-Identifier: MIT */
/* Curve helpers for plots. Interpolation is linear in log frequency because response grids
 * are log-spaced and responses are smooth in log f. */
#include "pcurve.h"
#include <complex.h>
#include <math.h>

/* Index i with f[i] <= fq <= f[i+1], or n when outside. */
static size_t bracket(const double *f, size_t n, double fq)
{
    if (n < 2 || !(fq >= f[0]) || !(fq <= f[n - 1]))
        return n;
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f[mid] <= fq)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double hp_pcurve_at(const double *f, const double *db, size_t n, double fq)
{
    if (!f || !db)
        return NAN;
    if (n == 1)
        return fq == f[0] ? db[0] : (double)NAN;
    size_t i = bracket(f, n, fq);
    if (i >= n || !isfinite(db[i]) || !isfinite(db[i + 1]))
        return NAN;
    double t = log(fq / f[i]) / log(f[i + 1] / f[i]);
    return db[i] + t * (db[i + 1] - db[i]);
}

double hp_pcurve_band_mean(const double *f, const double *db, size_t n, double lo, double hi)
{
    if (!f || !db || !(lo > 0) || !(hi > lo))
        return NAN;
    size_t a = bracket(f, n, lo), b = bracket(f, n, hi);
    if (a >= n || b >= n)
        return NAN;
    /* trapezoids in u = ln f: from lo to f[a+1], whole intervals, then f[b] to hi */
    double sum = 0, u0 = log(lo), y0 = hp_pcurve_at(f, db, n, lo);
    for (size_t i = a + 1; i <= b; i++) {
        double u1 = log(f[i]), y1 = db[i];
        sum += 0.5 * (y0 + y1) * (u1 - u0);
        u0 = u1;
        y0 = y1;
    }
    double yh = hp_pcurve_at(f, db, n, hi);
    sum += 0.5 * (y0 + yh) * (log(hi) - u0);
    double mean = sum / log(hi / lo);
    return isfinite(mean) ? mean : (double)NAN;
}

int hp_pcurve_same_grid(const double *a, size_t na, const double *b, size_t nb)
{
    if (na != nb || !a || !b)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!(fabs(a[i] - b[i]) <= 1e-6 * fabs(a[i])))
            return 0;
    return 1;
}

static double mag_db(double complex h)
{
    double m = cabs(h);
    return m > 0 ? 20 * log10(m) : -(double)INFINITY;
}

double hp_pcurve_leak2_db(double f0_hz, double q, double f_hz)
{
    if (!(f0_hz > 0) || !(q > 0) || !isfinite(f0_hz) || !isfinite(q) || !(f_hz >= 0))
        return NAN;
    double x = f_hz / f0_hz; /* s/w0 = j x */
    double complex d = CMPLX(1 - x * x, x / q);
    return mag_db(1 - 1 / d);
}

double hp_pcurve_leak1_db(double corner_hz, double f_hz)
{
    if (!(corner_hz > 0) || !isfinite(corner_hz) || !(f_hz >= 0))
        return NAN;
    double complex s = CMPLX(0, f_hz / corner_hz);
    return mag_db(s / (1 + s));
}
