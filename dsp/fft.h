/* SPDX-License-Identifier: MIT */
/* Real FFTs of one size, planned once and reused (the only module that touches FFTW). */
#ifndef HP_FFT_H
#define HP_FFT_H
#include <complex.h>
#include <stddef.h>
#include "hp_err.h"

typedef struct hp_fft hp_fft;

/* Plans a forward (real to complex, n/2+1 bins) and an inverse transform of size n >= 2.
 * Planning uses FFTW_ESTIMATE (never MEASURE: see measurement-science.md C2), or wisdom
 * imported with hp_fft_import_wisdom. Not thread-safe: plan on one thread only.
 * Returns NULL and sets *err (if not NULL) on failure. */
hp_fft *hp_fft_new(size_t n, hp_err *err) HP_WUR;
void hp_fft_free(hp_fft *f);
size_t hp_fft_size(const hp_fft *f);

/* Forward transform: in[n] -> out[n/2+1]. in is not modified. Unnormalised. */
hp_err hp_fft_forward(hp_fft *f, const double *in, double complex *out) HP_WUR;
/* Inverse transform: in[n/2+1] -> out[n], scaled by 1/n so inverse(forward(x)) == x.
 * in is not modified (it is copied first, because FFTW's c2r destroys its input). The inverse
 * plan is made on first use, so the first call must not race with other planning. */
hp_err hp_fft_inverse(hp_fft *f, const double complex *in, double *out) HP_WUR;

/* Inverse transform that may overwrite `in` (saves a copy of n/2+1 bins); same scaling. */
hp_err hp_fft_inverse_destroy(hp_fft *f, double complex *in, double *out) HP_WUR;

/* Makes the inverse plan now (on this thread), so that later hp_fft_inverse calls from other
 * threads do no planning. */
hp_err hp_fft_plan_inverse(hp_fft *f) HP_WUR;

/* Buffers aligned for FFTW's SIMD paths; any buffer works, aligned ones skip a copy.
 * Return NULL on overflow or allocation failure; hp_fft_buf_free(NULL) does nothing. */
double *hp_fft_alloc_real(size_t n) HP_WUR;
double complex *hp_fft_alloc_complex(size_t n) HP_WUR;
void hp_fft_buf_free(void *p);

/* Smallest size >= n whose prime factors are 2, 3, 5 and 7 (fast FFTW sizes); 0 on overflow. */
size_t hp_fft_good_size(size_t n);

/* Loads FFTW wisdom from a string. Wisdom makes FFTW_ESTIMATE planning of a size seen before
 * about twice as fast; callers may cache it between runs (issue 2 allows cached wisdom, never
 * MEASURE planning on the interactive path). */
hp_err hp_fft_import_wisdom(const char *wisdom) HP_WUR;

/* All wisdom accumulated in this process as a string to cache, or NULL; release with
 * hp_fft_wisdom_free. */
char *hp_fft_export_wisdom(void) HP_WUR;
void hp_fft_wisdom_free(char *wisdom);

#endif
