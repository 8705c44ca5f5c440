/* SPDX-License-Identifier: MIT */
/* The envelope of a signal from its analytic signal (x + j Hilbert{x}): what an energy-time
 * curve (ETC) plots in dB. */
#ifndef HP_ENVELOPE_H
#define HP_ENVELOPE_H
#include <stddef.h>
#include "hp_err.h"

/* env[k] = |x[k] + j H{x}[k]| for k < n, where H is the Hilbert transform computed by FFT on
 * x zero-padded to at least 2n (so the end does not wrap onto the start). For a carrier
 * modulated by a slow envelope a(k) whose spectrum does not reach the carrier frequency
 * (Bedrosian), the result is a(k).
 * Errors: HP_EINVAL (NULL pointers, n < 2, non-finite samples, env overlapping x),
 * HP_ENOMEM. Plans an FFT, so call it from one thread at a time (fft.h). */
hp_err hp_envelope(const double *x, size_t n, double *env) HP_WUR;

#endif
