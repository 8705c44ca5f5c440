/* SPDX-License-Identifier: MIT */
/* Synchronized exponential sine sweeps (Novak et al. 2015) and their single- or two-channel
 * (left-then-right) layouts. */
#ifndef HP_SWEEP_H
#define HP_SWEEP_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    double rate_hz;      /* 44100, 48000, 88200, 96000 or 192000 */
    double f1_hz;        /* start frequency (default 10) */
    double f2_hz;        /* end frequency, <= rate/2 (default min(24000, rate/2)) */
    double length_s;     /* wanted sweep duration (default 5.5); used when samples == 0 */
    size_t samples;      /* wanted sweep length in frames; overrides length_s when > 0 */
    double level_db;     /* peak level in dBFS (default -12) */
    double pre_s;        /* silence before each sweep (default 0.25) */
    double post_s;       /* silence after each sweep (default 1.0): decay, latency, crosstalk gap */
    double fade_in_oct;  /* Hann fade-in length in octaves (default 0.5) */
    double fade_out_s;   /* half-Hann fade-out at the end (default 0.005) */
    unsigned channels;   /* 1, or 2 for a left-then-right sequence */
} hp_sweep_cfg;

/* What was actually generated, after synchronization; enough to analyse a recording. */
typedef struct {
    double rate_hz, f1_hz, f2_hz;
    double rate_const_s;   /* L = T / ln(f2/f1), with f1*L an integer */
    double duration_s;     /* T of the swept part */
    double level_db;
    double fade_in_oct, fade_out_s;
    size_t sweep_frames;   /* frames of the swept part */
    size_t total_frames;   /* file length */
    unsigned channels;
    size_t start_frame[2]; /* first frame of the sweep on channel c (the left-then-right layout
                              puts channel 2's sweep after channel 1's) */
} hp_sweep_info;

hp_sweep_cfg hp_sweep_cfg_default(double rate_hz);

/* True for the sample rates hpfr supports. */
int hp_sweep_rate_supported(double rate_hz);

/* Validates cfg and computes the synchronized layout: k = round(f1 T / ln(f2/f1)) (at least 1),
 * L = k / f1, T = L ln(f2/f1). HP_EINVAL for unsupported rates, f1 <= 0, f1 >= f2,
 * f2 > rate/2, lengths out of range (sweep 0.1 s .. 600 s), level > 0 dBFS or channels not 1/2. */
hp_err hp_sweep_plan(const hp_sweep_cfg *cfg, hp_sweep_info *info) HP_WUR;

/* Renders the interleaved sweep file: out holds info->total_frames * info->channels samples.
 * x(t) = A w(t) sin(2 pi f1 L e^{t/L}), which starts at phase 2 pi k (a zero crossing). */
hp_err hp_sweep_render(const hp_sweep_info *info, double *out, size_t n_samples) HP_WUR;

/* The unfaded sweep's instantaneous frequency at time t after its start: f1 e^{t/L}. */
double hp_sweep_freq_at(const hp_sweep_info *info, double t_s);

#endif
