/* SPDX-License-Identifier: MIT */
/* How well an equalized response meets its target: the measures of the AutoEq comparison
 * (../shared/data/autoeq-dev/README.md) and the Harman predicted preference rating. Every
 * function takes the error curve err = equalized - target on an ascending grid f. */
#ifndef HP_EQSCORE_H
#define HP_EQSCORE_H
#include <stddef.h>
#include "hp_err.h"

/* RMS and largest |err| over the grid points with lo_hz <= f <= hi_hz (points weighted
 * equally: on a log grid that is a log-frequency average). max_abs may be NULL.
 * HP_ENODATA when no point is in the band, HP_EINVAL for bad arguments. */
hp_err hp_eqs_rms(const double *f, const double *err, size_t n, double lo_hz, double hi_hz,
                  double *rms, double *max_abs) HP_WUR;

/* AutoEq's own optimiser loss: err resampled (linear in log f) onto 20 Hz * 1.02^k below
 * 20 kHz, every value above 10 kHz replaced by the mean of those values (only the average
 * treble level counts), then the RMS. */
hp_err hp_eqs_autoeq_loss(const double *f, const double *err, size_t n, double *loss) HP_WUR;

/* Predicted preference rating for over-ear headphones (Olive, Welti & McMullin 2013):
 * 114.49 - 12.62 SD - 15.52 AS, with err resampled at the 1/12-octave preferred frequencies
 * from 50 Hz to 10 kHz (93 points, as AutoEq evaluates it), SD its sample standard deviation
 * (n - 1) and AS the absolute slope of its least-squares line against ln f (dB per neper). */
typedef struct {
    double score;
    double sd_db;
    double slope_db;  /* signed slope of the regression line, dB per unit of ln f */
} hp_eq_pref;

hp_err hp_eqs_preference(const double *f, const double *err, size_t n, hp_eq_pref *out) HP_WUR;

#endif
