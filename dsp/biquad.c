/* SPDX-License-Identifier: MIT */
/* Biquad design after the Audio EQ Cookbook (RBJ, W3C Note 2021); the leak sections are the
 * lumped cavity-plus-leak model of measurement-science.md section 6, mapped to z by the
 * bilinear transform with prewarping so the corner lands exactly on fc. */
#include "biquad.h"
#include <math.h>

hp_biquad hp_biquad_identity(void)
{
    hp_biquad b = {1.0, 0.0, 0.0, 0.0, 0.0};
    return b;
}

static hp_biquad normalise(double b0, double b1, double b2, double a0, double a1, double a2)
{
    hp_biquad r = {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
    return r;
}

/* Bilinear transform of N(s)/D(s) with N = n2 s^2 + n1 s + n0 (likewise D), s = K (1-z^-1)/(1+z^-1). */
static hp_biquad bilinear(double n2, double n1, double n0, double d2, double d1, double d0,
                          double k)
{
    double k2 = k * k;
    return normalise(n2 * k2 + n1 * k + n0, 2.0 * (n0 - n2 * k2), n2 * k2 - n1 * k + n0,
                     d2 * k2 + d1 * k + d0, 2.0 * (d0 - d2 * k2), d2 * k2 - d1 * k + d0);
}

hp_err hp_biquad_design(hp_biquad_type type, double fc_hz, double q, double gain_db,
                        double rate_hz, hp_biquad *out)
{
    if (!out || !(rate_hz > 0) || !isfinite(rate_hz) || !(fc_hz > 0) || !(fc_hz < rate_hz / 2) ||
        !isfinite(gain_db) || fabs(gain_db) > 60)
        return HP_EINVAL;
    if (type != HP_BQ_LEAK1 && (!(q > 0) || !isfinite(q) || q > 1000))
        return HP_EINVAL;

    double w0 = 2.0 * M_PI * fc_hz / rate_hz;
    double c = cos(w0), s = sin(w0);
    double alpha = s / (2.0 * q);
    double A = pow(10.0, gain_db / 40.0);
    double sa = 2.0 * sqrt(A) * alpha;

    switch (type) {
    case HP_BQ_PEAK:
        *out = normalise(1 + alpha * A, -2 * c, 1 - alpha * A, 1 + alpha / A, -2 * c, 1 - alpha / A);
        return HP_OK;
    case HP_BQ_LOWSHELF:
        *out = normalise(A * ((A + 1) - (A - 1) * c + sa), 2 * A * ((A - 1) - (A + 1) * c),
                         A * ((A + 1) - (A - 1) * c - sa), (A + 1) + (A - 1) * c + sa,
                         -2 * ((A - 1) + (A + 1) * c), (A + 1) + (A - 1) * c - sa);
        return HP_OK;
    case HP_BQ_HIGHSHELF:
        *out = normalise(A * ((A + 1) + (A - 1) * c + sa), -2 * A * ((A - 1) + (A + 1) * c),
                         A * ((A + 1) + (A - 1) * c - sa), (A + 1) - (A - 1) * c + sa,
                         2 * ((A - 1) - (A + 1) * c), (A + 1) - (A - 1) * c - sa);
        return HP_OK;
    case HP_BQ_LOWPASS:
        *out = normalise((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
        return HP_OK;
    case HP_BQ_HIGHPASS:
        *out = normalise((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
        return HP_OK;
    case HP_BQ_LEAK2: {
        /* 1 - 1/D with D = 1 + s/(q w) + s^2/w^2, i.e. (s^2/w^2 + s/(q w)) / D. */
        double wa = 2.0 * M_PI * fc_hz, k = wa / tan(w0 / 2);
        *out = bilinear(1 / (wa * wa), 1 / (q * wa), 0, 1 / (wa * wa), 1 / (q * wa), 1, k);
        return HP_OK;
    }
    case HP_BQ_LEAK1: {
        /* First order kept first order: the generic path would leave a pole at z = -1
         * cancelled only to rounding. (s/wc)/(1 + s/wc) with s = k(1-z^-1)/(1+z^-1). */
        double r = 1.0 / tan(w0 / 2);
        *out = normalise(r, -r, 0, r + 1, 1 - r, 0);
        return HP_OK;
    }
    }
    return HP_EINVAL;
}

double complex hp_biquad_response(const hp_biquad *bq, double f_hz, double rate_hz)
{
    double w = 2.0 * M_PI * f_hz / rate_hz;
    double complex z1 = CMPLX(cos(w), -sin(w)), z2 = z1 * z1;
    return (bq->b0 + bq->b1 * z1 + bq->b2 * z2) / (1.0 + bq->a1 * z1 + bq->a2 * z2);
}

void hp_biquad_run(const hp_biquad *bq, hp_biquad_state *st, const double *in, double *out,
                   size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = hp_biquad_tick(bq, st, in[i]);
}
