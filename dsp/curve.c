/* SPDX-License-Identifier: MIT */
/* Log-frequency interpolation of curves onto a grid (calibration and compensation files). */
#include "curve.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int overlaps(const void *a, size_t na, const void *b, size_t nb)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    return na && nb && pa < pb + nb && pb < pa + na;
}

static hp_err check(const double *f, const double *y, size_t n, const double *fq, size_t nq,
                    const double *out)
{
    if (!f || !y || n == 0 || (nq && (!fq || !out)))
        return HP_EINVAL;
    if (n > SIZE_MAX / sizeof(double) || nq > SIZE_MAX / sizeof(double))
        return HP_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(f[i]) || f[i] <= 0 || !isfinite(y[i]) || (i && !(f[i] > f[i - 1])))
            return HP_EINVAL;
    }
    for (size_t j = 0; j < nq; j++)
        if (!isfinite(fq[j]) || fq[j] <= 0)
            return HP_EINVAL;
    size_t bo = nq * sizeof *out;
    if (overlaps(out, bo, f, n * sizeof *f) || overlaps(out, bo, y, n * sizeof *y) ||
        overlaps(out, bo, fq, nq * sizeof *fq))
        return HP_EINVAL;
    return HP_OK;
}

/* Linear in log2 f between the bracketing points; ends held. f is validated. */
static void interp(const double *f, const double *y, size_t n, const double *fq, size_t nq,
                   double *out)
{
    for (size_t j = 0; j < nq; j++) {
        double q = fq[j];
        if (q <= f[0]) {
            out[j] = y[0];
            continue;
        }
        if (q >= f[n - 1]) {
            out[j] = y[n - 1];
            continue;
        }
        size_t lo = 0, hi = n - 1; /* f[lo] < q < f[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (f[mid] <= q)
                lo = mid;
            else
                hi = mid;
        }
        double t = log(q / f[lo]) / log(f[hi] / f[lo]);
        out[j] = y[lo] + t * (y[hi] - y[lo]);
    }
}

hp_err hp_curve_interp(const double *f_hz, const double *y, size_t n, const double *fq_hz,
                       size_t nq, double *out)
{
    hp_err e = check(f_hz, y, n, fq_hz, nq, out);
    if (e == HP_OK)
        interp(f_hz, y, n, fq_hz, nq, out);
    return e;
}

hp_err hp_curve_interp_phase(const double *f_hz, const double *phase_deg, size_t n,
                             const double *fq_hz, size_t nq, double *out)
{
    hp_err e = check(f_hz, phase_deg, n, fq_hz, nq, out);
    if (e != HP_OK)
        return e;
    double *u = malloc(n * sizeof *u);
    if (!u)
        return HP_ENOMEM;
    u[0] = phase_deg[0];
    for (size_t i = 1; i < n; i++) {
        double d = phase_deg[i] - phase_deg[i - 1];
        d -= 360.0 * round(d / 360.0); /* the smallest step that reaches the same angle */
        u[i] = u[i - 1] + d;
    }
    interp(f_hz, u, n, fq_hz, nq, out);
    free(u);
    return HP_OK;
}

double hp_phase_wrap_deg(double deg)
{
    if (!isfinite(deg))
        return deg;
    double w = fmod(deg, 360.0);
    if (w > 180.0)
        w -= 360.0;
    else if (w <= -180.0)
        w += 360.0;
    return w;
}
