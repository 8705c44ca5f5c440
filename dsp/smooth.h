/* SPDX-License-Identifier: MIT */
/* Fractional-octave smoothing (fixed 1/N octave, REW-style Var and Psy) of power spectra and dB
 * curves, as exact rectangular averages of a piecewise-linear interpolant. */
#ifndef HP_SMOOTH_H
#define HP_SMOOTH_H
#include <stddef.h>
#include "hp_err.h"

typedef enum {
    HP_SMOOTH_NONE,    /* no smoothing: the interpolated value at each frequency */
    HP_SMOOTH_OCTAVE,  /* fixed width: cfg.fraction octaves */
    HP_SMOOTH_VAR,     /* REW "Var": 1/48 oct below 100 Hz, 1/6 at 1 kHz, 1/3 above 10 kHz */
    HP_SMOOTH_PSY,     /* REW "Psy": 1/3 oct below 100 Hz, 1/6 above 1 kHz, cubic mean */
} hp_smooth_kind;

typedef enum {
    HP_SMOOTH_POWER,  /* average |H|^2 (energy-correct, fills notches) */
    HP_SMOOTH_DB,     /* average 10*log10|H|^2 (reads <= POWER, by Jensen) */
} hp_smooth_domain;

typedef struct {
    hp_smooth_kind kind;
    double fraction;          /* OCTAVE: window width in octaves, 1/48 <= fraction <= 1 */
    hp_smooth_domain domain;  /* average power (default) or dB values; PSY requires POWER */
} hp_smooth_cfg;

/* 1/12 octave, power domain. Thread-safe. */
hp_smooth_cfg hp_smooth_cfg_default(void);

/* Parses "1/N" (N a decimal integer 1..48 without sign, spaces or leading zero), "var", "psy"
 * or "none", optionally followed by ":db" for the dB domain (e.g. "1/6:db"). "psy:db" is
 * rejected because Psy defines its own (cubic) mean. For VAR, PSY and NONE the fraction is 0.
 * text must be NUL-terminated. *out is written only on success.
 * Errors: HP_EINVAL for NULL arguments or any other text. Pure string parsing, thread-safe. */
hp_err hp_smooth_parse(const char *text, hp_smooth_cfg *out) HP_WUR;

/* Total window width in octaves at f_hz: cfg->fraction for OCTAVE, the Var or Psy law
 * (log2 of the width linear in log10 f between the corner frequencies, constant outside),
 * 0 for NONE, a NULL cfg or an unknown kind. Frequencies at or below 100 Hz (including
 * f_hz <= 0) take the low-frequency width; NaN gives NaN for VAR and PSY. Thread-safe. */
double hp_smooth_width_oct(const hp_smooth_cfg *cfg, double f_hz);

/* Smooths a uniformly sampled power spectrum: power[k] = |H|^2 at k*df_hz, k = 0..nbins-1.
 * Writes out_db[i] (dB, 10*log10 of the smoothed power) for each of the nf frequencies f_hz[i]
 * (Hz, non-decreasing, > 0, at most (nbins-1)*df_hz).
 * The averaged quantity (power for POWER, 10*log10(power) for DB, |H|^3 for PSY) is taken as
 * piecewise linear between bins, and each output is its exact mean over
 * [fc*2^(-w/2), fc*2^(+w/2)] (w = hp_smooth_width_oct at fc, window measured in Hz) clipped to
 * [0, (nbins-1)*df_hz]. PSY reports the cube root of the mean of |H|^3, in dB. NONE returns the
 * interpolated value at fc. Power below 1e-300 (including 0) is floored at 1e-300, so no output
 * is below -3000 dB. Cost is linear in the bins the windows touch plus one pass over power.
 * Buffers belong to the caller; out_db must not overlap power or f_hz. nf = 0 is allowed with
 * NULL f_hz and out_db.
 * Errors (nothing written): HP_EINVAL for NULL pointers with nonzero counts, a NULL or invalid
 * cfg, nbins < 2, df_hz not finite and > 0, f_hz unsorted, non-positive, non-finite or beyond
 * (nbins-1)*df_hz, power negative or not finite, overlapping buffers, counts above
 * SIZE_MAX / sizeof(double). Thread-safe. */
hp_err hp_smooth_spectrum(const double *power, size_t nbins, double df_hz, const hp_smooth_cfg *cfg,
                          const double *f_hz, size_t nf, double *out_db) HP_WUR;

/* Smooths a curve of n levels db[i] (dB) at strictly ascending frequencies f_hz[i] (Hz, > 0),
 * e.g. a log grid read from a CSV file, and writes the result on the same grid into out_db.
 * The averaged quantity (as for hp_smooth_spectrum: power, dB or |H|^3, derived from db) is
 * taken as piecewise linear in log frequency between points, and each output is its exact mean
 * over the window [fc*2^(-w/2), fc*2^(+w/2)] measured in log frequency (so a step in dB is
 * smoothed symmetrically about the step), clipped to [f_hz[0], f_hz[n-1]]. In POWER and PSY
 * the result is floored 3000 dB below the loudest point inside the window.
 * In place (out_db == db) is allowed; any other overlap is rejected. n = 0 is allowed with NULL
 * pointers. Allocates n doubles of scratch (2*n in place), freed before returning.
 * Errors (nothing written): HP_EINVAL for NULL pointers with n > 0, a NULL or invalid cfg,
 * f_hz not strictly ascending (also in log2), non-positive or non-finite, db not finite, out_db
 * overlapping f_hz or partly overlapping db, n above SIZE_MAX / sizeof(double); HP_ENOMEM if
 * the scratch cannot be allocated. Thread-safe. */
hp_err hp_smooth_curve(const double *f_hz, const double *db, size_t n, const hp_smooth_cfg *cfg,
                       double *out_db) HP_WUR;

#endif
