/* SPDX-License-Identifier: MIT */
/* Curves given at arbitrary frequencies (calibration files, targets, compensation curves)
 * brought onto another frequency grid: linear interpolation in log frequency, ends held. */
#ifndef HP_CURVE_H
#define HP_CURVE_H
#include <stddef.h>
#include "hp_err.h"

/* Interpolates the curve y[i] at f_hz[i] (strictly ascending, > 0, finite; n >= 1) at each of
 * the nq query frequencies fq_hz[j] (> 0, any order): linear in log frequency between the two
 * neighbouring points; below f_hz[0] the first value and above f_hz[n-1] the last value is held
 * (REW's rule for house curves and calibration files). A single point gives a constant.
 * out must not overlap the inputs. nq = 0 is allowed with NULL fq_hz and out.
 * Errors (nothing written): HP_EINVAL for NULL pointers with nonzero counts, n = 0, f_hz not
 * strictly ascending or not positive and finite, a non-finite y, a query that is not positive
 * and finite, or overlapping buffers. Thread-safe. */
hp_err hp_curve_interp(const double *f_hz, const double *y, size_t n, const double *fq_hz,
                       size_t nq, double *out) HP_WUR;

/* Same for a phase curve in degrees: the phase is first unwrapped along frequency (a step of
 * more than 180 degrees between neighbours is taken as a wrap), then interpolated, so a curve
 * crossing +-180 degrees interpolates through the crossing instead of through zero. The result
 * is the unwrapped phase (not folded back into (-180, 180]). Scratch of n doubles is allocated
 * (HP_ENOMEM). Same other errors as hp_curve_interp. Thread-safe. */
hp_err hp_curve_interp_phase(const double *f_hz, const double *phase_deg, size_t n,
                             const double *fq_hz, size_t nq, double *out) HP_WUR;

/* Folds a phase in degrees into (-180, 180]; NaN stays NaN. */
double hp_phase_wrap_deg(double deg);

#endif
