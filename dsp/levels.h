/* SPDX-License-Identifier: MIT */
/* Input levels of a level-check capture: peak, noise floor before the sound arrives, signal
 * level while it plays, and their ratio. */
#ifndef HP_LEVELS_H
#define HP_LEVELS_H
#include <stddef.h>
#include "hp_err.h"

/* A sample this close to full scale (-0.01 dBFS) counts as clipped. */
#define HP_CLIP_LEVEL 0.99885

typedef struct {
    double peak_dbfs;    /* -INFINITY for an all-zero channel */
    double noise_dbfs;   /* RMS over the noise part */
    double signal_dbfs;  /* RMS over the signal part */
    double snr_db;       /* signal_dbfs - noise_dbfs */
    size_t clipped;      /* samples at or above HP_CLIP_LEVEL */
} hp_levels;

/* x: one channel (element i at x[i * stride]) of n frames; noise over [0, noise_end), signal
 * over [sig_begin, sig_end), peak and clipping over everything. HP_EINVAL for empty or
 * out-of-range parts. */
hp_err hp_levels_measure(const float *x, size_t stride, size_t n, size_t noise_end,
                         size_t sig_begin, size_t sig_end, hp_levels *out) HP_WUR;

#endif
