/* SPDX-License-Identifier: MIT */
/* Regularized spectral division of a recording by the signal actually played (Mueller &
 * Massarani 2001) with Kirkeby regularization outside the sweep band. */
#ifndef HP_DECONV_H
#define HP_DECONV_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    double rate_hz;
    double f1_hz, f2_hz;   /* band of the sweep: division is exact inside it */
    size_t fft_frames;     /* transform size; must hold the whole recording (hp_fft_good_size) */
    double reg_db;         /* out-of-band regularization, dB below the band-edge power (default
                              HP_DECONV_REG_DB; 0 selects the default) */
} hp_deconv_cfg;

/* Deep enough that the zero-phase band-limiting it causes is far below a 140 dB peak-to-noise
 * ratio (a sweep keeps >= -50 dB of its edge power down to DC), yet it still bounds the inverse
 * where a foreign sweep file has true spectral holes. */
#define HP_DECONV_REG_DB 100.0

typedef struct hp_deconv hp_deconv;

/* Plans the transforms once for cfg->fft_frames (FFTW_ESTIMATE). NULL + *err on failure:
 * HP_EINVAL for a bad band or size, HP_ENOMEM. Not thread-safe (FFTW planning). */
hp_deconv *hp_deconv_new(const hp_deconv_cfg *cfg, hp_err *err) HP_WUR;
void hp_deconv_free(hp_deconv *d);
size_t hp_deconv_size(const hp_deconv *d);

/* Sets the reference (the played sweep channel, or a captured loopback channel) and computes
 * the regularized inverse X* / (|X|^2 + eps(f)). eps is zero inside [f1, f2] and rises with a
 * raised cosine in log frequency over the octave outside each band edge to reg_db below the
 * reference's own power at that edge, which bounds the out-of-band gain of the inverse.
 * x holds n <= fft_frames samples (zero-padded). HP_ENODATA if x carries no signal in band. */
hp_err hp_deconv_set_reference(hp_deconv *d, const double *x, size_t n) HP_WUR;

/* Deconvolves y (n <= fft_frames samples) into h (fft_frames samples, circular: time zero at
 * index 0, negative times, where the harmonic responses land, wrap to the end). */
hp_err hp_deconv_run(hp_deconv *d, const double *y, size_t n, double *h) HP_WUR;

#endif
