/* SPDX-License-Identifier: MIT */
/* Small computations on curves that plots need: level at a frequency and band means for
 * normalising comparisons, the leak models drawn beside measured leak curves. */
#ifndef HP_PCURVE_H
#define HP_PCURVE_H
#include <stddef.h>

/* Value of db at fq, linear in log frequency between the neighbouring points of the
 * ascending grid f[n]; NaN when fq is outside [f[0], f[n-1]] or a neighbour is not finite. */
double hp_pcurve_at(const double *f, const double *db, size_t n, double fq);

/* Mean of db over [lo, hi] weighted by log frequency (each octave counts the same): the
 * trapezoidal integral of the piecewise-linear-in-log-f curve divided by log(hi/lo). NaN when
 * the grid does not cover [lo, hi] or a value inside is not finite. */
double hp_pcurve_band_mean(const double *f, const double *db, size_t n, double lo, double hi);

/* Whether two grids are the same (lengths equal, each point within 1e-6 relative). */
int hp_pcurve_same_grid(const double *a, size_t na, const double *b, size_t nb);

/* The leak models of `hpfr leak` in dB at f_hz (analog, s = j 2 pi f):
 *   second order  H = 1 - 1/(1 + s/(q w0) + s^2/w0^2)   (inertive leak, f0_hz, q)
 *   first order   H = (s/wc) / (1 + s/wc)               (resistive leak, corner_hz)
 * NaN for parameters that are not finite and positive. */
double hp_pcurve_leak2_db(double f0_hz, double q, double f_hz);
double hp_pcurve_leak1_db(double corner_hz, double f_hz);

#endif
