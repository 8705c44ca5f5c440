/* SPDX-License-Identifier: MIT */
/* The seal-aware fit's inputs: from the spread of a response between re-seats, a weight per
 * frequency (inverse variance, so no narrow boost chases a notch that moves) and a cap on the
 * correction in the treble where the spread is large. */
#ifndef HP_EQROBUST_H
#define HP_EQROBUST_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    double floor_db;    /* spread assumed at least this (no infinite weights): 0.5 dB */
    double treble_hz;   /* the correction cap applies from here up: 3 kHz */
    double cap_db2;     /* cap = cap_db2 / spread: 6 dB at 1 dB spread, 2 dB at 3 dB */
    double cap_min_db;  /* never below this: 0.5 dB */
} hp_robust_cfg;

hp_robust_cfg hp_robust_cfg_default(void);

/* For the spread sd[i] (dB, sample standard deviation between placements) at f[i]:
 * weight[i] = 1 / (sd^2 + floor^2) scaled to a mean of 1, and max_abs[i] the largest
 * correction allowed there (HP_ROBUST_NO_CAP below treble_hz). HP_EINVAL for bad arguments
 * (negative or non-finite spread). */
#define HP_ROBUST_NO_CAP 1000.0
hp_err hp_robust_weights(const double *f, const double *sd, size_t n, const hp_robust_cfg *c,
                         double *weight, double *max_abs) HP_WUR;

#endif
