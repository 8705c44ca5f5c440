/* SPDX-License-Identifier: MIT */
/* Internal to the parametric EQ fit (peqfit.c, peqfit_lm.c): the state of one fit. Not part
 * of the library's interface. */
#ifndef HP_PEQFIT_IMPL_H
#define HP_PEQFIT_IMPL_H
#include <stddef.h>
#include "biquad.h"
#include "hp_err.h"
#include "peq.h"
#include "peqfit.h"

typedef struct {
    hp_biquad_type type;
    int free_fc, free_q;    /* gains are always fitted */
    double fc, q, g;
} filt;

typedef struct {
    const hp_peqfit_cfg *cfg;
    double ppo;             /* grid density, points per octave */
    size_t G;               /* log grid points, 1/ppo octave apart */
    double *f, *phi;        /* grid and its phi = 4 sin^2(pi f / rate) */
    double *meas, *target;  /* the curves on the grid; target points to one of: */
    double *target_true, *target_soft;  /* the target, and the target limited to what the
                                           cap allows (used while searching) */
    double *w;              /* weight of each fit point (0 outside the fit band, mean 1) */
    double *sw;             /* sqrt(w / denom): the residual's factor */
    double *hi, *lo;        /* allowed range of the EQ curve at each grid point */
    int has_lo;
    size_t fit0, fit1;      /* fit points [fit0, fit1) */
    size_t t0, t1;          /* treble points counted by their mean [t0, t1) */
    double denom;           /* fit points + treble points: normalizes the loss */
    size_t nf, nactive;     /* filters; the first nactive take part so far */
    size_t first_free;      /* filters before this one are held fixed by the LM */
    filt fl[HP_PEQ_MAX];
    int free_level;         /* no-preamp devices: target level free in [level_lo, 0] */
    double level, level_lo;
    double mu, margin;      /* cap penalty weight and the margin kept below the cap */
    double lambda;          /* small penalty on gains: no cancelling pairs of huge filters */
    double stop_rel;        /* stop when 10 iterations gain less than this fraction */
    unsigned iters;
    double *P, *tmp, *res;  /* EQ curve, scratch, residuals */
    double *db, *dd;        /* per filter: dB and its 3 derivatives on the grid */
    double *buf;            /* owns all the arrays above */
} fitctx;

/* The EQ curve of the active filters on the grid into P (and each filter's dB into x->db). */
void hp_peqfit_curve(fitctx *x, double *P);

/* The full cost (sum of squared residuals, penalties included) of the current state. */
double hp_peqfit_cost(fitctx *x);

/* Joint Levenberg-Marquardt refinement of all active filters (and the level). */
hp_err hp_peqfit_lm(fitctx *x, size_t maxiter) HP_WUR;

/* Rounds gains to multiples of cfg->gain_step_db, then improves them one step at a time. */
hp_err hp_peqfit_round_gains(fitctx *x) HP_WUR;

/* The loss and the plain RMS over the fit band, penalties left out. */
void hp_peqfit_measure(fitctx *x, double *loss, double *rms);

/* Highest point of the filters' summed response (preamp excluded) on a 1/192-octave grid
 * from 10 Hz to min(24 kHz, 0.49 rate), and where it is. */
hp_err hp_peqfit_dense_max(const hp_peq *p, double rate_hz, double *top_db, double *f_hz) HP_WUR;

#endif
