/* SPDX-License-Identifier: MIT */
/* Real FFTs of one size, planned once and reused (the only module that touches FFTW). Even
 * sizes are computed through a complex transform of half the size, which plans several
 * times faster; odd sizes work too, more slowly. */
#ifndef HP_FFT_H
#define HP_FFT_H
#include <complex.h>
#include <stddef.h>
#include "hp_err.h"

typedef struct hp_fft hp_fft;

/* Plans a forward (real to complex, n/2+1 bins) and an inverse transform of size n >= 2.
 * Planning uses FFTW_ESTIMATE (never MEASURE: see measurement-science.md C2), or wisdom
 * imported with hp_fft_import_wisdom. Not thread-safe: plan on one thread only. For odd n
 * the inverse is planned on first use (or by hp_fft_plan_inverse).
 * Returns NULL and sets *err (if not NULL) on failure. */
hp_fft *hp_fft_new(size_t n, hp_err *err) HP_WUR;
void hp_fft_free(hp_fft *f);
size_t hp_fft_size(const hp_fft *f);

/* Forward transform: in[n] -> out[n/2+1]. in is not modified (unless it is out). Unnormalised.
 * Uses scratch inside f: one thread at a time per f. */
hp_err hp_fft_forward(hp_fft *f, const double *in, double complex *out) HP_WUR;
/* Inverse transform: in[n/2+1] -> out[n], scaled by 1/n so inverse(forward(x)) == x.
 * in is not modified (unless it is out). For odd n the inverse plan is made on first use, so
 * the first call must not race with other planning. One thread at a time per f. */
hp_err hp_fft_inverse(hp_fft *f, const double complex *in, double *out) HP_WUR;

/* Inverse transform that may overwrite `in` (saves a copy of n/2+1 bins); same scaling. */
hp_err hp_fft_inverse_destroy(hp_fft *f, double complex *in, double *out) HP_WUR;

/* In-place transforms on buf[n + 2] (from hp_fft_alloc_real(n + 2)): forward turns n real
 * samples into n/2+1 interleaved complex bins (re, im), unnormalised; inverse turns the bins
 * back into n samples scaled by 1/n. With even n and aligned buf they use nothing of f but its
 * plans, so any number of threads may run them on one f at once, each on its own buf (other
 * cases work on a private copy). The inverse of an odd size needs hp_fft_plan_inverse first
 * (HP_EINVAL otherwise). HP_ENOMEM only for odd sizes or unaligned buffers. */
hp_err hp_fft_forward_inplace(const hp_fft *f, double *buf) HP_WUR;
hp_err hp_fft_inverse_inplace(const hp_fft *f, double *buf) HP_WUR;

/* Filtering in place, buf = x * h (circular convolution with the filter whose n/2 + 1
 * interleaved bins are h), in two steps so that x can be transformed before h is known: begin
 * leaves buf in a form that only end reads (for even n and aligned buf, the half-size complex
 * transform, which end then splits, multiplies and merges in one pass before the inverse);
 * end leaves n samples, scaled as hp_fft_inverse_inplace. Same threading rules and errors as
 * the in-place transforms. */
hp_err hp_fft_filter_begin_inplace(const hp_fft *f, double *buf) HP_WUR;
hp_err hp_fft_filter_end_inplace(const hp_fft *f, double *buf, const double *h) HP_WUR;

/* Makes the inverse plan now (on this thread), so that later hp_fft_inverse calls from other
 * threads do no planning. */
hp_err hp_fft_plan_inverse(hp_fft *f) HP_WUR;

/* Buffers aligned for FFTW's SIMD paths; any buffer works, aligned ones skip a copy.
 * Return NULL on overflow or allocation failure; hp_fft_buf_free(NULL) does nothing. */
double *hp_fft_alloc_real(size_t n) HP_WUR;
double complex *hp_fft_alloc_complex(size_t n) HP_WUR;
void hp_fft_buf_free(void *p);

/* Smallest even size >= n whose prime factors are 2, 3, 5 and 7 (fast sizes: even for the
 * half-size complex transform, small factors for FFTW); 0 on overflow. */
size_t hp_fft_good_size(size_t n);

/* Loads FFTW wisdom from a string. Wisdom makes FFTW_ESTIMATE planning of a size seen before
 * about twice as fast; callers may cache it between runs (issue 2 allows cached wisdom, never
 * MEASURE planning on the interactive path). */
hp_err hp_fft_import_wisdom(const char *wisdom) HP_WUR;

/* 1 once this process has planned a transform the imported wisdom did not cover: only then
 * does exporting the wisdom give a cache anything new. */
int hp_fft_learned_wisdom(void);

/* All wisdom accumulated in this process as a string to cache, or NULL; release with
 * hp_fft_wisdom_free. */
char *hp_fft_export_wisdom(void) HP_WUR;
void hp_fft_wisdom_free(char *wisdom);

#endif
