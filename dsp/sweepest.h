/* SPDX-License-Identifier: MIT */
/* Estimating an exponential sweep's parameters from its samples, for sweep files written by
 * other tools (REW, DRC's glsweep, Impulcifer) that carry no hpfr metadata. */
#ifndef HP_SWEEPEST_H
#define HP_SWEEPEST_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    double f1_hz, f2_hz;    /* frequency at the start and end of the audible sweep */
    double rate_const_s;    /* L, from the slope of ln f(t) */
    size_t start_frame, frames;  /* where the sweep is in the signal */
} hp_sweep_estimate_result;

/* Finds the sweep in x[n] (mono) by its envelope and fits ln f(t) = ln f1 + t/L to the
 * instantaneous frequency measured from zero-crossing intervals (between 50 Hz and rate/8,
 * where that measure is reliable). HP_ENODATA when x is silent or not an exponential sweep
 * (fit residual too large). */
hp_err hp_sweep_estimate(const double *x, size_t n, double rate_hz,
                         hp_sweep_estimate_result *out) HP_WUR;

/* The same for floats, reading x[0], x[stride], ... (one channel of interleaved audio). */
hp_err hp_sweep_estimate_f(const float *x, size_t n, size_t stride, double rate_hz,
                           hp_sweep_estimate_result *out) HP_WUR;

#endif
