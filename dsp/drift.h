/* SPDX-License-Identifier: MIT */
/* Clock drift between separate playback and capture devices, measured from two copies of one
 * marker played on the same output, heard by the same input, a known number of playback
 * frames apart. Both copies pass through the same acoustic path and are stretched alike by the
 * capture clock, so the second is the first shifted by exactly (pos2 - pos1) * drift frames:
 * their cross-spectrum has a linear phase, and its slope gives the shift to a small fraction
 * of a sample, whatever the headphone's own phase does. */
#ifndef HP_DRIFT_H
#define HP_DRIFT_H
#include <stddef.h>
#include "hp_err.h"

/* The largest drift hpfr measure accepts and corrects, in ppm either way. Interface clocks are
 * within about +-100 ppm of nominal (crystals are specified to +-20..50 ppm), so more than
 * 1000 ppm means the two devices do not run at the same nominal rate, or a clock is broken:
 * the result would not be a measurement of the headphone. The measurement looks for the second
 * marker in a window sized for this much drift, so a larger one may also go unseen. */
#define HP_DRIFT_MAX_PPM 1000.0

typedef struct {
    double ppm;        /* capture frames per playback frame, minus 1, times 1e6 */
    double shift;      /* measured shift of the second marker, capture frames */
    double coherence;  /* 0..1: how alike the two captured markers are (1 = identical) */
} hp_drift;

/* x: one capture channel (element i at x[i * stride]), n frames. The markers start at playback
 * frames pos1 < pos2 and last mlen frames; `slack` frames after each start cover latency and
 * the drift's own shift (both must fit). Errors: HP_EINVAL (bad arguments, segments past n),
 * HP_ENODATA (no marker heard: silent or incoherent segments), HP_ENOMEM. */
hp_err hp_drift_estimate(const float *x, size_t stride, size_t n, size_t pos1, size_t pos2,
                         size_t mlen, size_t slack, hp_drift *out) HP_WUR;

/* Resamples interleaved float audio so that a capture running fast by ppm (ppm > 0: more
 * frames than playback) is brought onto the playback clock: output frame i is input frame
 * i * (1 + ppm 1e-6). *out is allocated (free() it); *out_frames is its length. Uses
 * libsamplerate's best sinc converter. Errors: HP_EINVAL, HP_ENOMEM, HP_ERANGE (|ppm| > 10000). */
hp_err hp_drift_correct(const float *in, size_t frames, unsigned channels, double ppm,
                        float **out, size_t *out_frames) HP_WUR;

#endif
