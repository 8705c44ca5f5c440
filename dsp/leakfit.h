/* SPDX-License-Identifier: MIT */
/* Bass-leak models and their fit to leak curves (measurement-science.md section 6): the
 * inertive leak 1 - 1/(1 + s/(Q w0) + s^2/w0^2), the resistive one (s/wc)/(1 + s/wc), and a
 * joint least-squares fit of every placement's leak from the placements' responses relative
 * to the best-sealed one, whose own (small) leak is fitted too. */
#ifndef HP_LEAKFIT_H
#define HP_LEAKFIT_H
#include <stddef.h>
#include "hp_err.h"

/* Model orders. */
#define HP_LEAK_SEALED 0     /* no leak: response 1 */
#define HP_LEAK_RESISTIVE 1  /* first order; f0_hz is the -3 dB corner, q unused (NAN) */
#define HP_LEAK_INERTIVE 2   /* second order (f0_hz, q) */

typedef struct {
    int order;      /* HP_LEAK_SEALED, _RESISTIVE or _INERTIVE */
    double f0_hz;   /* > 0 unless sealed */
    double q;       /* > 0 for inertive, NAN otherwise */
} hp_leak;

/* 20 log10 |H_leak(j 2 pi f)| in dB of the analog model; 0 when sealed. f_hz > 0. Values
 * with f0_hz or q not positive give NAN. Thread-safe (as are all functions here). */
double hp_leak_db(const hp_leak *l, double f_hz);

/* -3 dB corner in Hz: f0_hz for a resistive leak, hp_rig_leak2_corner_hz's formula for an
 * inertive one, 0 when sealed, NAN for invalid parameters. */
double hp_leak_corner_hz(const hp_leak *l);

/* Short name of an order: "sealed", "resistive", "inertive" ("?" otherwise). */
const char *hp_leak_order_name(int order);

typedef struct {
    double f_lo_hz, f_hi_hz; /* band of the curves used in the fit (default 10 .. 1000 Hz) */
    double floor_db;         /* curve points below this are left out: at deep losses a
                                measurement is mostly noise (default -30 dB, section 6.4) */
    double order2_gain;      /* the inertive model (which contains the resistive one as its
                                Q -> 0 limit, so it never fits worse) is kept only when it
                                lowers the RMS residual by this fraction (default 0.2) ... */
    double order2_min_db;    /* ... and by at least this many dB (default 0.01) */
    double sigma_floor_db;   /* added in quadrature to each point's standard deviation: the
                                model's own accuracy (default 0.05 dB) */
    unsigned max_iter;       /* per least-squares run (default 200) */
} hp_leakfit_cfg;

hp_leakfit_cfg hp_leakfit_cfg_default(void);

/* What the fit says about one placement. */
typedef struct {
    hp_leak leak;        /* its own (absolute) leak */
    double corner_hz;    /* hp_leak_corner_hz(&leak) */
    double corner_sd_rel; /* its standard uncertainty as a fraction (0.05 = 5 %), from the
                            fit's covariance, scaled up by the reduced chi-square when the
                            residuals exceed the sigmas given; NAN when not available. A lower
                            bound: neighbouring points of a spectrum are not independent. The
                            best-sealed placement's corner is often poorly determined (its leak
                            shows only through the others' curves), and so then are those of
                            placements sealed about as well. */
    double level_db;     /* its mid-band level re the reference placement (0 for that one) */
    double rms_db;       /* RMS residual of its curve relative to the best-sealed placement
                            (weighted: sqrt(sum w^2 e^2 / sum w^2), the plain RMS for equal
                            weights); for the best-sealed placement, over all curves, since its
                            leak is inferred from all of them */
    double rms_other_db; /* the same with the other model order (evidence for the choice);
                            NAN for the best-sealed placement */
    size_t npoints;      /* curve points used */
} hp_leakfit_place;

/* The best-sealed of n placements: the one with the most level over [f_lo, 2 f_lo) relative to
 * [0.3 f_hi, f_hi] (10-20 Hz re 300 Hz-1 kHz by default). A leak takes level away below its
 * corner, most of all at the bottom of the band; an inertive one adds a bump above f0, so the
 * bass band as a whole would mislead. spec_db as for hp_leakfit. HP_EINVAL for bad arguments,
 * HP_ENODATA when the grid misses either band. */
hp_err hp_leakfit_best_sealed(const double *f_hz, size_t nf, const double *const *spec_db,
                              size_t n, const hp_leakfit_cfg *cfg, size_t *best) HP_WUR;

/* Fits the leaks of n placements of one headphone (one ear).
 *   f_hz[nf]      ascending grid (log-spaced points weigh each octave alike)
 *   spec_db[p]    placement p's magnitude response in dB on f_hz (e.g. hp_irspec_db of its
 *                 impulse response); NaN points are left out
 *   sigma_db[p]   standard deviation of each point in dB (noise; see hp_irspec_sigma_db), or
 *                 NULL (all of them, or one placement's) for none. Points are weighted by
 *                 1/sqrt(sigma_p^2 + sigma_b^2 + sigma_floor_db^2); NaN or negative sigma
 *                 leaves the point out.
 *   ref           the placement that levels are reported relative to (< n)
 * Model: every placement's response is the sealed headphone's, common to all, times its own
 * leak L_p and a level. The fit works on the curves relative to the best-sealed placement b
 * (hp_leakfit_best_sealed), where the sealed response cancels and needs no model:
 *   curve_p = level_p + L(f; leak_p) - L(f; leak_b)   in dB,
 * over the points in [f_lo_hz, f_hi_hz] with curve_p >= floor_db. The best-sealed placement's
 * own leak (a good seal still leaks a little, e.g. a 5 Hz corner) is a parameter shared by all
 * curves instead of being assumed zero, so every corner is absolute. Levenberg-Marquardt (GSL
 * multilarge_nlinear, sparse normal equations) in ln corner and ln Q with analytic
 * derivatives, from starting points for both orders (one headphone's leaks are of one kind),
 * then each placement's order chosen as hp_leakfit_cfg says.
 * out[n] receives one entry per placement (out[ref].level_db = 0).
 * Errors: HP_EINVAL (n < 2, ref >= n, nf < 8, NULL pointers, a non-ascending or non-positive
 * grid, bad cfg), HP_ENODATA (a curve with fewer than 6 usable points, or a grid missing the
 * bands of hp_leakfit_best_sealed), HP_ERANGE (the fit did not produce finite parameters),
 * HP_ENOMEM. Thread-safe. Switches GSL's error handler off (once per process), so that GSL
 * reports errors instead of aborting: a library must not end the process. */
hp_err hp_leakfit(const double *f_hz, size_t nf, const double *const *spec_db,
                  const double *const *sigma_db, size_t n, size_t ref, const hp_leakfit_cfg *cfg,
                  hp_leakfit_place *out) HP_WUR;

#endif
