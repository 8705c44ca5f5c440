/* SPDX-License-Identifier: MIT */
/* Log-frequency interpolation and band means. */
#include "eqcurve.h"
#include <math.h>

size_t hp_eqc_check_grid(const double *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(f[i] > 0) || !isfinite(f[i]) || (i && !(f[i] > f[i - 1])))
            return i;
    return n;
}

/* Index of the last grid point <= x (0 when x is below the grid), by bisection. */
static size_t below(const double *fx, size_t n, double x)
{
    size_t lo = 0, hi = n - 1;
    if (x <= fx[0])
        return 0;
    if (x >= fx[hi])
        return hi;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (fx[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double interp_one(const double *fx, const double *y, size_t n, double x)
{
    if (x <= fx[0])
        return y[0];
    if (x >= fx[n - 1])
        return y[n - 1];
    size_t i = below(fx, n, x);
    double t = log(x / fx[i]) / log(fx[i + 1] / fx[i]);
    return y[i] + t * (y[i + 1] - y[i]);
}

hp_err hp_eqc_interp(const double *fx, const double *y, size_t n, const double *fq, size_t m,
                     double *out)
{
    if (!fx || !y || n == 0 || (m && (!fq || !out)) || hp_eqc_check_grid(fx, n) != n)
        return HP_EINVAL;
    for (size_t j = 0; j < m; j++) {
        if (!(fq[j] > 0) || !isfinite(fq[j]))
            return HP_EINVAL;
        out[j] = interp_one(fx, y, n, fq[j]);
    }
    return HP_OK;
}

hp_err hp_eqc_at(const double *fx, const double *y, size_t n, double f_hz, double *out)
{
    return hp_eqc_interp(fx, y, n, &f_hz, 1, out);
}

hp_err hp_eqc_band_mean(const double *f, const double *a, const double *b, size_t n,
                        double lo_hz, double hi_hz, double *out)
{
    if (!f || !a || !out || !(lo_hz <= hi_hz))
        return HP_EINVAL;
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i] >= lo_hz && f[i] <= hi_hz) {
            s += a[i] - (b ? b[i] : 0.0);
            k++;
        }
    if (!k)
        return HP_ENODATA;
    *out = s / (double)k;
    return HP_OK;
}
