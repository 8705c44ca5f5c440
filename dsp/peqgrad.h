/* SPDX-License-Identifier: MIT */
/* Magnitude responses of single peaking and shelving sections on a frequency grid, with exact
 * partial derivatives: the inner loop of the parametric EQ fit (dsp/peqfit). */
#ifndef HP_PEQGRAD_H
#define HP_PEQGRAD_H
#include <stddef.h>
#include "biquad.h"
#include "hp_err.h"

/* phi[i] = 4 sin^2(pi f_hz[i] / rate_hz), the variable in which a biquad's squared magnitude is
 * a ratio of two quadratics (measurement-science.md 8.1). Computed once per grid and rate. */
void hp_peqsec_phi(const double *f_hz, size_t n, double rate_hz, double *phi);

/* Magnitude in dB of one RBJ section (HP_BQ_PEAK, HP_BQ_LOWSHELF or HP_BQ_HIGHSHELF, shelves
 * in the Q form) designed at rate_hz, at the n grid points given by their phi values. When
 * d_lnfc, d_lnq and d_gain are all non-NULL they receive the exact partial derivatives of the
 * dB value with respect to ln(fc), ln(Q) and the gain in dB (forward-mode differentiation of
 * the cookbook formulas); when all are NULL only db is computed. The same validity rules as
 * hp_biquad_design() apply; HP_EINVAL otherwise or when only some derivative pointers are
 * given. Caller-owned arrays; thread-safe. */
hp_err hp_peqsec_db(hp_biquad_type type, double fc_hz, double q, double gain_db, double rate_hz,
                    const double *phi, size_t n, double *db, double *d_lnfc, double *d_lnq,
                    double *d_gain) HP_WUR;

/* The same section as a power ratio |H|^2 instead of dB (so a cascade's dB needs one
 * logarithm per point instead of one per section), with the same dB derivatives. */
hp_err hp_peqsec_pow(hp_biquad_type type, double fc_hz, double q, double gain_db, double rate_hz,
                     const double *phi, size_t n, double *pow2, double *d_lnfc, double *d_lnq,
                     double *d_gain) HP_WUR;

#endif
