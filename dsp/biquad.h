/* SPDX-License-Identifier: MIT */
/* Digital biquads: RBJ Audio EQ Cookbook designs, bilinear-transformed analog sections,
 * exact frequency responses and a streaming filter. */
#ifndef HP_BIQUAD_H
#define HP_BIQUAD_H
#include <complex.h>
#include <stddef.h>
#include "hp_err.h"

/* H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) */
typedef struct {
    double b0, b1, b2, a1, a2;
} hp_biquad;

typedef enum {
    HP_BQ_PEAK,       /* peaking EQ: gain_db at fc, bandwidth from q */
    HP_BQ_LOWSHELF,   /* shelf in the Q form (EqualizerAPO LSC) */
    HP_BQ_HIGHSHELF,  /* shelf in the Q form (EqualizerAPO HSC) */
    HP_BQ_LOWPASS,    /* second-order low-pass, gain ignored */
    HP_BQ_HIGHPASS,   /* second-order high-pass, gain ignored */
    HP_BQ_LEAK2,      /* inertive leak 1 - 1/(1 + s/(q w0) + s^2/w0^2), bilinear, prewarped at fc */
    HP_BQ_LEAK1,      /* resistive leak (s/wc)/(1 + s/wc): first-order high-pass, q ignored */
} hp_biquad_type;

/* Designs one section at rate_hz. fc_hz must lie in (0, rate_hz/2), q > 0 (except LEAK1),
 * |gain_db| <= 60. Returns HP_EINVAL otherwise. */
hp_err hp_biquad_design(hp_biquad_type type, double fc_hz, double q, double gain_db,
                        double rate_hz, hp_biquad *out) HP_WUR;

/* Identity section (b0 = 1). */
hp_biquad hp_biquad_identity(void);

/* Exact complex response of the section at f_hz (evaluated at z = e^{j 2 pi f / rate}). */
double complex hp_biquad_response(const hp_biquad *bq, double f_hz, double rate_hz);

/* Streaming state (transposed direct form II). Zero it to start from rest. */
typedef struct {
    double s1, s2;
} hp_biquad_state;

/* Filters n samples; in and out may be the same buffer (in place). */
void hp_biquad_run(const hp_biquad *bq, hp_biquad_state *st, const double *in, double *out,
                   size_t n);

/* One sample through the section. */
static inline double hp_biquad_tick(const hp_biquad *bq, hp_biquad_state *st, double x)
{
    double y = bq->b0 * x + st->s1;
    st->s1 = bq->b1 * x - bq->a1 * y + st->s2;
    st->s2 = bq->b2 * x - bq->a2 * y;
    return y;
}

#endif
