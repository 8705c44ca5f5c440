/* SPDX-License-Identifier: MIT */
/* Statistics over placements (re-seatings) of one headphone: per-frequency averages and
 * spread, band consistency figures, bass level per placement, robust outlier scores, and the
 * seal-sensitivity verdict (issue 4; peers-and-formats.md section 2, gaps 2 and 3). */
#ifndef HP_PLACESTATS_H
#define HP_PLACESTATS_H
#include <stdbool.h>
#include <stddef.h>
#include "hp_err.h"

/* Per-frequency statistics of n >= 2 responses in dB on one grid. */
typedef struct {
    size_t nf;
    double *power_db;  /* 10 log10 of the mean power: 10 log10(mean 10^(dB/10)) */
    double *mean_db;   /* mean of the dB values */
    double *std_db;    /* sample standard deviation of the dB values (n - 1 in the divisor) */
    double *min_db, *max_db;
} hp_pstats;

/* Computes out from db[p][i], p < n placements, i < nf points (allocated here; release with
 * hp_pstats_release). Errors: HP_EINVAL (NULL pointers, n < 2, nf == 0, a non-finite
 * value: a response with a hole cannot be averaged honestly), HP_ENOMEM. Thread-safe. */
hp_err hp_pstats_compute(const double *const *db, size_t n, size_t nf, hp_pstats *out) HP_WUR;
void hp_pstats_release(hp_pstats *s);

/* Mean of v[i] over the grid points with lo_hz <= f_hz[i] < hi_hz (on hpfr's log grids, an
 * average over log frequency). HP_ENODATA when no point falls in the band, HP_EINVAL for
 * NULL pointers or lo_hz >= hi_hz. */
hp_err hp_band_mean(const double *f_hz, const double *v, size_t nf, double lo_hz, double hi_hz,
                    double *out) HP_WUR;

/* Consistency of a band: the RMS of the per-frequency standard deviation over the band's grid
 * points, sqrt(mean std^2): one figure in dB for how much the placements differ there.
 * Errors as hp_band_mean. */
hp_err hp_band_consistency(const double *f_hz, const double *std_db, size_t nf, double lo_hz,
                           double hi_hz, double *out) HP_WUR;

/* Sample mean and standard deviation (n - 1) of x[n], n >= 2; HP_EINVAL otherwise. */
hp_err hp_mean_std(const double *x, size_t n, double *mean, double *std) HP_WUR;

/* Robust z-scores (Iglewicz and Hoaglin): z[i] = (x[i] - median) / s with s = 1.4826 MAD
 * (the standard deviation for normal data), but at least min_scale, so that near-identical
 * placements do not make a 0.1 dB difference an "outlier". median and scale (optional)
 * receive the figures used. HP_EINVAL for n < 2, NULL x or z, min_scale <= 0 or non-finite
 * input; HP_ENOMEM. */
hp_err hp_robust_z(const double *x, size_t n, double min_scale, double *z, double *median,
                   double *scale) HP_WUR;

/* The bands and thresholds of the bass-level and seal figures. */
typedef struct {
    double bass_lo_hz, bass_hi_hz;   /* bass band (default 20 .. 50 Hz) */
    double ref_lo_hz, ref_hi_hz;     /* reference band, above any leak's reach (500 .. 2000 Hz):
                                        the bass level is taken relative to it, so that a
                                        change of overall level between seatings is not
                                        counted as a seal effect */
    double sensitive_db;             /* seal-sensitive when the bass level's standard
                                        deviation over placements reaches this (default 1 dB:
                                        about the smallest bass change listeners notice, and
                                        above the 0.5-1 dB peak-to-peak that reseating a
                                        well-sealed headphone gives, section 6.3) */
    double outlier_z;                /* |robust z| above this flags a placement (3.5) */
    double outlier_min_db;           /* min_scale of hp_robust_z (default 0.5 dB: about how
                                        much a well-sealed headphone's bass moves between
                                        seatings, so the smallest deviation flagged is
                                        3.5 x 0.5 = 1.75 dB) */
} hp_seal_cfg;

hp_seal_cfg hp_seal_cfg_default(void);

/* Bass level of one response: mean dB over the bass band minus mean dB over the reference
 * band. Errors as hp_band_mean, plus HP_EINVAL for a NULL cfg. */
hp_err hp_bass_level_db(const double *f_hz, const double *db, size_t nf, const hp_seal_cfg *cfg,
                        double *out) HP_WUR;

/* The seal verdict from the spread (standard deviation) of the bass level: true means
 * seal-sensitive. */
bool hp_seal_sensitive(double spread_db, const hp_seal_cfg *cfg);

#endif
