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
    double reg_db;         /* regularization below f1, dB under the band-edge power (default
                              HP_DECONV_REG_DB; 0 selects the default) */
} hp_deconv_cfg;

/* Below f1 the regularization must be shallow in effect: the zero-phase band limit it causes
 * rings for a fraction of a second, a short left IR window cuts that ringing in half and the
 * error leaks up to 100 Hz (0.35 dB at 40 Hz with full-strength regularization). 100 dB under
 * the edge power keeps the division exact wherever a sweep has energy (sweeps keep >= -50 dB of
 * it down to DC) and still bounds the inverse at true spectral holes. Above f2 (when f2 is
 * below Nyquist) the band limit rings for about a millisecond, inside the left window, so there
 * the full Kirkeby weight (0 dB) applies and out-of-band noise is not amplified. */
#define HP_DECONV_REG_DB 100.0

typedef struct hp_deconv hp_deconv;

/* Plans the transforms once for cfg->fft_frames (FFTW_ESTIMATE; an even size is faster). NULL + *err on failure:
 * HP_EINVAL for a bad band or size, HP_ENOMEM. Not thread-safe (FFTW planning). */
hp_deconv *hp_deconv_new(const hp_deconv_cfg *cfg, hp_err *err) HP_WUR;
void hp_deconv_free(hp_deconv *d);
size_t hp_deconv_size(const hp_deconv *d);

/* Sets the reference (the played sweep channel, or a captured loopback channel) and computes
 * the regularized inverse X* / (|X|^2 + eps(f)). eps is zero inside [f1, f2] and rises with a
 * raised cosine in log frequency over the octave outside each band edge: below f1 to reg_db
 * under the reference's power at that edge, above f2 to that edge's power itself.
 * x holds n <= fft_frames samples (zero-padded). HP_ENODATA if x carries no signal in band. */
hp_err hp_deconv_set_reference(hp_deconv *d, const double *x, size_t n) HP_WUR;

/* The same, reading x[0], x[stride], ... (one channel of interleaved audio) without a copy. */
hp_err hp_deconv_set_reference_strided(hp_deconv *d, const double *x, size_t n, size_t stride)
    HP_WUR;

/* The same from floats, x[0], x[stride], ... */
hp_err hp_deconv_set_reference_f(hp_deconv *d, const float *x, size_t n, size_t stride) HP_WUR;

/* Length in doubles of a work buffer for hp_deconv_run_inplace: fft_frames + 2. */
size_t hp_deconv_buf_len(const hp_deconv *d);

/* Deconvolves in place. buf (from hp_fft_alloc_real, at least hp_deconv_buf_len(d) doubles)
 * holds the recording zero-padded to fft_frames (the 2 extra doubles are scratch); on return
 * buf[0 .. fft_frames) holds h as hp_deconv_run gives it. d is only read, so with its
 * reference set any number of threads may run this on one d at once, each with its own buf.
 * HP_EINVAL without a reference or for NULL. */
hp_err hp_deconv_run_inplace(const hp_deconv *d, double *buf) HP_WUR;

/* hp_deconv_run_inplace in two steps, so that a recording can be transformed before the
 * reference is set: transform turns the recording in buf into an intermediate form that only
 * divide reads (no reference needed), divide turns that into h (HP_EINVAL without a
 * reference). Both only read d, as hp_deconv_run_inplace. */
hp_err hp_deconv_transform_inplace(const hp_deconv *d, double *buf) HP_WUR;
hp_err hp_deconv_divide_inplace(const hp_deconv *d, double *buf) HP_WUR;

/* Deconvolves y (n <= fft_frames samples) into h (fft_frames samples, circular: time zero at
 * index 0, negative times, where the harmonic responses land, wrap to the end). */
hp_err hp_deconv_run(hp_deconv *d, const double *y, size_t n, double *h) HP_WUR;

/* The same, reading y[0], y[stride], ... (one channel of interleaved audio). */
hp_err hp_deconv_run_strided(hp_deconv *d, const double *y, size_t n, size_t stride, double *h)
    HP_WUR;

/* Lets dst divide by the inverse spectrum already computed in src (same configuration), so
 * workers with the same reference compute and store it once. src must outlive dst's use of it
 * and keep its reference; both may then run on different threads. HP_EINVAL on mismatch or
 * when src has no reference. */
hp_err hp_deconv_share_reference(hp_deconv *dst, const hp_deconv *src) HP_WUR;

#endif
