/* SPDX-License-Identifier: MIT */
/* The frequency response of a finite impulse response at arbitrary frequencies, evaluated
 * exactly (no FFT bins, no interpolation): for plotting correction FIRs on a log grid. */
#ifndef HP_DTFT_H
#define HP_DTFT_H
#include <stddef.h>
#include "hp_err.h"

/* db[i] = 20 log10 |sum_k h[k] e^(-j 2 pi f_hz[i] k / rate_hz)| for i < nf, floored at -300 dB.
 * The phasor is advanced by multiplication and renormalised every 256 taps, so the error
 * stays near machine precision for any length. Cost n * nf complex multiplies.
 * Errors: HP_EINVAL for NULL pointers with nonzero counts, n == 0, rate not finite and > 0,
 * a frequency not finite or negative, or non-finite taps. db must not overlap the inputs.
 * Thread-safe. */
hp_err hp_dtft_mag_db(const double *h, size_t n, double rate_hz, const double *f_hz, size_t nf,
                      double *db) HP_WUR;

#endif
