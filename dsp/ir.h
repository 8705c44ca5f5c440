/* SPDX-License-Identifier: MIT */
/* Impulse-response handling on the circular deconvolution buffer: peak and onset, windowed
 * extraction around a (fractional) time zero, and the noise floor. */
#ifndef HP_IR_H
#define HP_IR_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    size_t peak_index;   /* index of the largest |h| in the searched range */
    double peak;         /* h at peak_index (signed) */
    size_t onset_index;  /* first sample, at most onset_back frames before the peak, with
                            |h| >= peak * 10^(onset_db/20) (ISO 3382-1 uses -20 dB) */
} hp_ir_onset;

/* Finds the peak of |h| over the circular range [lo, lo+len) of h[n] and the onset before it.
 * HP_EINVAL for bad ranges, HP_ENODATA for an all-zero range. */
hp_err hp_ir_find_onset(const double *h, size_t n, size_t lo, size_t len, double onset_db,
                        size_t onset_back, hp_ir_onset *out) HP_WUR;

/* A window around time zero t0 (in frames, may be fractional): it covers floor(t0)-before ..
 * floor(t0)+after, rises with a half-Hann over the first taper_before frames and falls with a
 * half-Hann over the last taper_after frames. */
typedef struct {
    double t0;
    size_t before, after;
    size_t taper_before, taper_after;
} hp_ir_window;

/* Copies the windowed part of circular h[n] into out[m], zero-padded, with floor(t0) at index 0
 * and earlier samples wrapped to the end, ready for a transform whose phase refers to t0 (up to
 * its fractional part, which the caller applies). Requires before + after + 1 <= m and <= n. */
hp_err hp_ir_extract(const double *h, size_t n, const hp_ir_window *w, double *out, size_t m)
    HP_WUR;

/* Copies the same window as a plain, time-ordered segment (for writing ir.wav): out holds
 * before + after + 1 samples, starting at floor(t0) - before. */
hp_err hp_ir_segment(const double *h, size_t n, const hp_ir_window *w, double *out) HP_WUR;

/* RMS of circular h over [lo, lo+len). HP_EINVAL for len == 0 or len > n. */
hp_err hp_ir_rms(const double *h, size_t n, size_t lo, size_t len, double *rms) HP_WUR;

/* Euclidean modulo for circular indexing with signed offsets. */
size_t hp_ir_wrap(long long i, size_t n);

#endif
