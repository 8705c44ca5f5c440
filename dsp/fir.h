/* SPDX-License-Identifier: MIT */
/* Correction FIRs from a dB curve on a frequency grid: minimum phase (real cepstrum) or linear
 * phase (weighted least squares), with a boost cap, a level and a length that scales with the
 * sample rate (measurement-science.md 8.4). */
#ifndef HP_FIR_H
#define HP_FIR_H
#include <stddef.h>
#include "hp_err.h"

/* Longest FIR designed (taps): 2^20, over 5 s at 192 kHz. */
#define HP_FIR_MAX_TAPS ((size_t)1 << 20)

typedef enum {
    HP_FIR_MINIMUM,  /* minimum phase: no pre-ringing, latency of a few samples */
    HP_FIR_LINEAR,   /* linear phase: symmetric, latency of half the length */
} hp_fir_phase;

typedef struct {
    hp_fir_phase phase;
    double rate_hz;       /* the FIR's sample rate */
    size_t taps;          /* length at rate_hz (hp_fir_taps_at_rate); linear phase uses an odd
                             length, one less when this is even, so its delay is whole */
    double max_boost_db;  /* the curve is clipped to this before the level is added (INFINITY:
                             no cap) */
    double gain_db;       /* level added to the whole curve, the same at every rate */
} hp_fir_cfg;

/* Minimum phase at 48 kHz, 4096 taps, +6 dB boost cap, 0 dB level. */
hp_fir_cfg hp_fir_cfg_default(void);

/* The length for rate_hz of a FIR that has taps_48k taps at 48 kHz (the same duration),
 * rounded to the nearest tap; 0 for taps_48k 0 or a bad rate. */
size_t hp_fir_taps_at_rate(size_t taps_48k, double rate_hz);

/* The taps hp_fir_design writes for cfg: cfg->taps, or cfg->taps - 1 for an even linear-phase
 * length; 0 for a NULL cfg. */
size_t hp_fir_length(const hp_fir_cfg *cfg);

/* The response the FIR is designed to have at f_hz (>= 0), in dB: the curve db[] on the
 * ascending grid f_hz[] interpolated linearly in log frequency, held flat below the first and
 * above the last point, clipped to max_boost_db, plus gain_db. NAN for bad arguments. */
double hp_fir_intended_db(const double *grid_hz, const double *db, size_t n,
                          const hp_fir_cfg *cfg, double f_hz);

/* Designs the FIR into h (hp_fir_length(cfg) taps, owned by the caller). Minimum phase: the
 * magnitude sampled on a fine FFT grid (>= 2^16 points), turned into a minimum-phase response
 * (folded real cepstrum), truncated with a half-Hann fade over the last 1/8 of the taps and
 * refined twice by re-aiming each bin at the error of the truncated result. Linear phase:
 * the symmetric FIR whose response has the least squared error in dB over log frequency
 * across the grid's range (weights 1/(f D^2), 1% outside the range), by conjugate gradients.
 * On AutoEq's 22 headphone corrections at 4096 taps (48 kHz), from 20 Hz to 16 kHz: minimum
 * phase within 0.031 dB RMS; linear phase within 0.05 dB RMS on 20 of them and 0.060 and
 * 0.069 dB on two whose bass correction is steeper than a 4095-tap linear-phase FIR can
 * follow (its amplitude has one cosine term per 11.7 Hz; the least-squares optimum for that
 * band is 0.060 and 0.064 dB: tests/test_fir.c); at 8192 taps within 0.019 dB. Needs n >= 2,
 * a strictly ascending positive grid, finite db, 16 <= length <= HP_FIR_MAX_TAPS, 8 kHz <=
 * rate <= 768 kHz: HP_EINVAL otherwise; HP_ENOMEM. Thread-safe with itself (FFT planning is
 * serialized inside); not while other code plans FFTs on other threads (dsp/fft.h). */
hp_err hp_fir_design(const double *grid_hz, const double *db, size_t n, const hp_fir_cfg *cfg,
                     double *h) HP_WUR;

/* The exact magnitude in dB of the FIR h[0..taps-1] at f_hz (its DTFT at rate_hz). */
double hp_fir_response_db(const double *h, size_t taps, double rate_hz, double f_hz);

#endif
