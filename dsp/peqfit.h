/* SPDX-License-Identifier: MIT */
/* Fitting a parametric EQ so that measurement + EQ meets a target: greedy placement at the
 * largest residuals, then all filters jointly (Levenberg-Marquardt, GSL) on a log grid, under
 * the boost cap and a device's limits (measurement-science.md 8.2-8.3). */
#ifndef HP_PEQFIT_H
#define HP_PEQFIT_H
#include <stddef.h>
#include "hp_err.h"
#include "peq.h"

typedef struct {
    double rate_hz;              /* the filters are designed at this rate */
    size_t n_peak;               /* free peaking filters */
    double ls_fc_hz, ls_q;       /* low shelf at a fixed fc and Q, gain fitted (fc 0: none) */
    double hs_fc_hz, hs_q;       /* high shelf likewise */
    double fc_min_hz, fc_max_hz; /* peaking filters' limits */
    double q_min, q_max;
    double gain_min_db, gain_max_db;  /* every filter's gain */
    double max_boost_db;         /* the EQ curve (preamp excluded) never exceeds this */
    double fit_lo_hz, fit_hi_hz; /* the band fitted point by point */
    double treble_hi_hz;         /* (fit_hi, treble_hi]: only the average level counts, as in
                                    AutoEq's loss; <= fit_hi_hz turns this off */
    size_t n_fixed;              /* fixed-band equalizers: peaking filters at these centre */
    double fixed_fc_hz[HP_PEQ_MAX];  /* frequencies with Q fixed_q, only gains fitted (then */
    double fixed_q;              /* n_peak and the shelves must be 0) */
    double gain_step_db;         /* > 0: gains are multiples of this (integer-gain devices) */
    int no_preamp;               /* device without preamp: the curve stays <= 0 dB and the
                                    level relative to the target is free within max_boost */
    double ppo;                  /* fit grid density in points per octave */
} hp_peqfit_cfg;

/* 48 kHz; low shelf 105 Hz and high shelf 10 kHz (Q 0.7) plus 8 peaking filters with fc
 * 20 Hz-10 kHz, Q 0.18248-6, gains +-20 dB; +6 dB boost cap; fit 20 Hz-10 kHz with the
 * average level up to 20 kHz; 48 points per octave: AutoEq's budget and limits. */
hp_peqfit_cfg hp_peqfit_cfg_default(void);

/* Checks a configuration. On HP_EINVAL, why (if not NULL) says what is impossible (empty
 * ranges, a negative boost cap, too many filters, a filter the rate cannot hold). */
hp_err hp_peqfit_cfg_check(const hp_peqfit_cfg *c, char *why, size_t why_len) HP_WUR;

typedef struct {
    size_t n;                    /* points of the curves below (>= 2) */
    const double *f_hz;          /* ascending */
    const double *meas_db;       /* the measured response */
    const double *target_db;     /* the target, already level-aligned to the measurement */
    const double *weight;        /* optional per-point weight >= 0 (seal-aware fit), or NULL */
    const double *max_abs_db;    /* optional per-point cap on |EQ|, or NULL */
} hp_peqfit_input;

typedef struct {
    double loss_db;        /* the minimized error: weighted RMS on the fit grid, treble level
                              term included */
    double rms_db;         /* RMS error over the fit band on the fit grid */
    double max_boost_db;   /* highest point of the EQ curve (filters only) */
    double level_db;       /* no_preamp: where the target ended up relative to the input */
    unsigned iterations;   /* Levenberg-Marquardt iterations, all stages */
} hp_peqfit_report;

/* Fits the EQ. The data must cover [fit_lo_hz, fit_hi_hz] (within 1%): HP_ERANGE otherwise;
 * HP_EINVAL for a bad configuration or input (non-ascending grid, non-finite values,
 * negative weights), HP_ENOMEM. A fit that cannot reach the target within the limits is not
 * an error: the report says how close it got. out->preamp_db is set so the EQ never raises
 * the level above 0 dBFS (0 for no_preamp devices). rep may be NULL. Thread-safe. */
hp_err hp_peqfit_run(const hp_peqfit_cfg *cfg, const hp_peqfit_input *in, hp_peq *out,
                     hp_peqfit_report *rep) HP_WUR;

#endif
