/* SPDX-License-Identifier: MIT */
/* A linear system made of biquad sections, a gain and an integer delay: the building block of
 * the simulated headphone, its analytic truth, and parametric EQ curves. */
#ifndef HP_CASCADE_H
#define HP_CASCADE_H
#include <complex.h>
#include <stddef.h>
#include "biquad.h"
#include "hp_err.h"

#define HP_CASCADE_MAX 32

typedef struct {
    double rate_hz;
    size_t nsec;
    hp_biquad sec[HP_CASCADE_MAX];
    double gain;          /* linear gain applied after the sections */
    size_t delay_frames;  /* pure delay, in frames */
} hp_cascade;

/* Empty cascade (unity, no delay) at rate_hz. */
hp_cascade hp_cascade_init(double rate_hz);

/* Appends a designed section; HP_EINVAL for bad parameters, HP_ERANGE when full. */
hp_err hp_cascade_add(hp_cascade *c, hp_biquad_type type, double fc_hz, double q, double gain_db)
    HP_WUR;

/* Exact complex response at f_hz, including gain and delay. */
double complex hp_cascade_response(const hp_cascade *c, double f_hz);

/* Magnitude in dB at f_hz (no delay term needed). */
double hp_cascade_db(const hp_cascade *c, double f_hz);

/* Filters n samples through the sections and gain, without the delay (callers own delay
 * lines). st must hold c->nsec zeroed states. in == out is allowed. */
void hp_cascade_run(const hp_cascade *c, hp_biquad_state *st, const double *in, double *out,
                    size_t n);

#endif
