/* SPDX-License-Identifier: MIT */
/* The magnitude response of an impulse response on any frequency grid (e.g. the log grid of
 * leak curves, which reaches below the 20 Hz of hpfr's frequency-response files). */
#ifndef HP_IRSPECTRUM_H
#define HP_IRSPECTRUM_H
#include <stddef.h>
#include "hp_err.h"

/* Lowest level reported, for bins where the response is exactly zero. */
#define HP_IRSPEC_FLOOR_DB (-300.0)

typedef struct hp_irspec hp_irspec;

/* Plans a transform for impulse responses of up to max_len samples: a real FFT zero-padded to
 * at least 4 max_len, so that linear interpolation between bins is within 0.01 dB of the
 * exact DTFT for responses that have decayed inside the window (tests/test_leakfit.c checks
 * this). Not thread-safe (FFTW planning). NULL with *err (optional) = HP_EINVAL (max_len < 2
 * or too large) or HP_ENOMEM. */
hp_irspec *hp_irspec_new(size_t max_len, hp_err *err) HP_WUR;
void hp_irspec_free(hp_irspec *s);
/* The max_len the object was planned for (0 for NULL). */
size_t hp_irspec_max_len(const hp_irspec *s);

/* 20 log10 |sum_k ir[k] e^{-j 2 pi f k / rate_hz}| for each f_hz[i], into out_db[nf] (at least
 * HP_IRSPEC_FLOOR_DB). n <= max_len; 0 < f_hz[i] < rate_hz / 2. The caller owns all buffers.
 * Errors: HP_EINVAL (NULL pointers, n == 0 or > max_len, bad rate or frequency, a non-finite
 * sample), HP_ENOMEM. One object is used by one thread at a time. */
hp_err hp_irspec_db(hp_irspec *s, const double *ir, size_t n, double rate_hz, const double *f_hz,
                    size_t nf, double *out_db) HP_WUR;

/* Noise energy in one frequency bin of the spectrum above, in dB (10 log10(sigma^2 n)), with
 * the noise's RMS sigma taken from ir[0.6 n .. 0.75 n). In the windows hpfr writes (500 ms
 * after the onset, the last quarter faded) that stretch holds only noise once a headphone's
 * response has decayed, which takes tens of ms; if the response lasts longer the estimate is
 * high and the weights built from it merely cautious. HP_EINVAL for NULL pointers or
 * n < 20. An all-zero stretch gives HP_IRSPEC_FLOOR_DB. */
hp_err hp_irspec_noise_db(const double *ir, size_t n, double *out_db) HP_WUR;

/* Standard deviation in dB of a level x_db read with noise of noise_db in the same bin: for
 * complex noise of power P on a value X, 20 log10|X + n| varies by (20/ln 10) sqrt(P/2)/|X|;
 * capped at 10 dB (at and below the noise floor the level says nothing). */
double hp_irspec_sigma_db(double x_db, double noise_db);

#endif
