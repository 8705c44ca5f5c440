/* SPDX-License-Identifier: MIT */
/* Sweep parameter estimation from zero crossings: for x(t) = sin(2 pi f1 L e^{t/L}) the
 * instantaneous frequency is f1 e^{t/L}, a straight line in ln f against t. */
#include "sweepest.h"
#include <math.h>
#include <stdlib.h>

/* The samples: doubles or floats, every stride-th (one channel of interleaved audio). */
typedef struct {
    const double *d;
    const float *f;
    size_t stride;
} samples;

static inline double at(const samples *x, size_t i)
{
    return x->f ? (double)x->f[i * x->stride] : x->d[i * x->stride];
}

/* First and last samples whose magnitude reaches 1% of the peak. */
static int active_span(const samples *x, size_t n, size_t *lo, size_t *hi)
{
    double peak = 0;
    for (size_t i = 0; i < n; i++) {
        double v = fabs(at(x, i));
        peak = v > peak ? v : peak;
    }
    if (!(peak > 0) || !isfinite(peak))
        return 0;
    size_t a = 0, b = n - 1;
    while (a < n && fabs(at(x, a)) < 0.01 * peak)
        a++;
    while (b > a && fabs(at(x, b)) < 0.01 * peak)
        b--;
    *lo = a;
    *hi = b;
    return b > a;
}

/* Least-squares line through (t, ln f) points from successive zero crossings. */
typedef struct {
    double st, sy, stt, sty, syy;
    size_t n;
} line_fit;

static void fit_add(line_fit *f, double t, double y)
{
    f->st += t;
    f->sy += y;
    f->stt += t * t;
    f->sty += t * y;
    f->syy += y * y;
    f->n++;
}

static hp_err estimate(const samples *x, size_t n, double rate_hz, hp_sweep_estimate_result *out)
{
    if (!out || n < 16 || !(rate_hz > 0))
        return HP_EINVAL;
    size_t lo, hi;
    if (!active_span(x, n, &lo, &hi))
        return HP_ENODATA;
    line_fit fit = {0};
    double prev = -1, xi = at(x, lo);
    for (size_t i = lo; i < hi; i++) {
        double xn = at(x, i + 1);
        if ((xi < 0) == (xn < 0) || xn == xi) {
            xi = xn;
            continue;
        }
        /* Sub-sample crossing time by linear interpolation. */
        double t = ((double)i + xi / (xi - xn)) / rate_hz;
        if (prev >= 0 && t > prev) {
            double f = 0.5 / (t - prev);
            if (f >= 50 && f <= rate_hz / 8)
                fit_add(&fit, 0.5 * (t + prev), log(f));
        }
        prev = t;
        xi = xn;
    }
    if (fit.n < 50)
        return HP_ENODATA;
    double nn = (double)fit.n, den = nn * fit.stt - fit.st * fit.st;
    if (!(den > 0))
        return HP_ENODATA;
    double slope = (nn * fit.sty - fit.st * fit.sy) / den;
    double icpt = (fit.sy - slope * fit.st) / nn;
    double resid = fit.syy - icpt * fit.sy - slope * fit.sty;
    /* An exponential sweep fits the line to well under 1% in frequency; music or noise does not. */
    if (!(slope > 0) || !(sqrt(fmax(resid, 0) / nn) < 0.02))
        return HP_ENODATA;
    double t_lo = (double)lo / rate_hz, t_hi = (double)hi / rate_hz;
    out->rate_const_s = 1.0 / slope;
    out->f1_hz = exp(icpt + slope * t_lo);
    out->f2_hz = fmin(exp(icpt + slope * t_hi), rate_hz / 2);
    out->start_frame = lo;
    out->frames = hi - lo + 1;
    return HP_OK;
}

hp_err hp_sweep_estimate(const double *x, size_t n, double rate_hz, hp_sweep_estimate_result *out)
{
    samples s = {x, NULL, 1};
    return x ? estimate(&s, n, rate_hz, out) : HP_EINVAL;
}

hp_err hp_sweep_estimate_f(const float *x, size_t n, size_t stride, double rate_hz,
                           hp_sweep_estimate_result *out)
{
    samples s = {NULL, x, stride};
    return x && stride > 0 ? estimate(&s, n, rate_hz, out) : HP_EINVAL;
}
