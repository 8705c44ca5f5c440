/* SPDX-License-Identifier: MIT */
/* Curves in dB on ascending frequency grids: interpolation linear in log frequency (as AutoEq
 * and REW resample responses) and the band means used to align levels. */
#ifndef HP_EQCURVE_H
#define HP_EQCURVE_H
#include <stddef.h>
#include "hp_err.h"

/* Resamples the curve (fx[i], y[i]), i < n, at the m frequencies fq (any order) into out,
 * linearly in log f; outside [fx[0], fx[n-1]] the end values are held. fx must be positive
 * and strictly ascending, n >= 1. out must not overlap the inputs. HP_EINVAL otherwise. */
hp_err hp_eqc_interp(const double *fx, const double *y, size_t n, const double *fq, size_t m,
                     double *out) HP_WUR;

/* The curve's value at one frequency (same rules as hp_eqc_interp). */
hp_err hp_eqc_at(const double *fx, const double *y, size_t n, double f_hz, double *out) HP_WUR;

/* Mean of a[i] - b[i] (b may be NULL: mean of a) over the grid points with lo_hz <= f[i] <=
 * hi_hz, each point counted once, so a log-spaced grid gives a log-frequency average.
 * HP_ENODATA when no point lies in the band, HP_EINVAL for bad arguments. */
hp_err hp_eqc_band_mean(const double *f, const double *a, const double *b, size_t n,
                        double lo_hz, double hi_hz, double *out) HP_WUR;

/* Checks that f is positive, finite and strictly ascending. Returns the index of the first
 * offending point, or n when the grid is fine. */
size_t hp_eqc_check_grid(const double *f, size_t n);

#endif
