/* SPDX-License-Identifier: MIT */
/* A parametric EQ profile as users' equalizers hold it: a preamp and a list of peaking and
 * shelving filters (RBJ cookbook, shelves in the Q form), independent of the sample rate until
 * it is designed at one. Shared by the fit (dsp/peqfit), the exports (formats/eqexport) and
 * `hpfr verify`. */
#ifndef HP_PEQ_H
#define HP_PEQ_H
#include <stddef.h>
#include "biquad.h"
#include "cascade.h"
#include "hp_err.h"

#define HP_PEQ_MAX 32

typedef struct {
    hp_biquad_type type;  /* HP_BQ_PEAK, HP_BQ_LOWSHELF or HP_BQ_HIGHSHELF */
    double fc_hz, q, gain_db;
} hp_peq_filter;

typedef struct {
    double preamp_db;     /* <= 0: keeps the boosted response below 0 dBFS */
    size_t n;
    hp_peq_filter f[HP_PEQ_MAX];
} hp_peq;

/* The profile designed at rate_hz as a cascade (preamp as its gain). HP_EINVAL for a filter
 * type other than peak/shelf, a filter the rate cannot hold or a NULL pointer. */
hp_err hp_peq_cascade(const hp_peq *p, double rate_hz, hp_cascade *out) HP_WUR;

/* Magnitude in dB (preamp included) at each of the n frequencies f_hz, designed at rate_hz. */
hp_err hp_peq_response_db(const hp_peq *p, double rate_hz, const double *f_hz, size_t n,
                          double *db) HP_WUR;

/* The preamp that leaves the highest point of the filters' summed response (preamp excluded)
 * at 0 dB, over every frequency from DC to Nyquist (a 1/96-octave scan with each local
 * maximum refined); never positive. */
hp_err hp_peq_auto_preamp(const hp_peq *p, double rate_hz, double *preamp_db) HP_WUR;

/* A Q-form shelf (type HP_BQ_LOWSHELF or HP_BQ_HIGHSHELF) as the same shelf with Q = 1/sqrt(2)
 * (the cookbook's slope S = 1) followed by two peaking filters, with the same response at
 * rate_hz to rounding (1e-9 dB): for equalizers whose shelves ignore Q, as PipeWire 0.3.x's
 * builtin bq_lowshelf and bq_highshelf do. The analog shelf factors exactly into the S = 1
 * shelf and two peaking sections centred at fc*sqrt(A) and fc/sqrt(A) (A = 10^(gain/40)),
 * with Q sqrt(q/sqrt(2)) and gains +-20 log10(q sqrt(2)); the centres are pre-warped for
 * rate_hz so the digital product stays exact. out[0] is the shelf, out[1] and out[2] the
 * peaks (0 dB when q is already 1/sqrt(2)). HP_EINVAL for another type, a bad rate, fc or q. */
hp_err hp_peq_shelf_split(const hp_peq_filter *shelf, double rate_hz, hp_peq_filter out[3]) HP_WUR;

/* The profile re-tuned for another sample rate: fc, Q and gain of every filter with a gain
 * refitted jointly so that the curve at dst_rate_hz matches the curve src has at src_rate_hz
 * from 20 Hz to f_hi_hz: least squares first; if that leaves more than tol_db / 2, the largest
 * deviation itself is minimized; if that still leaves more than tol_db, up to max_added
 * peaking filters are appended (after src's filters) where the deviation is largest, and all
 * refitted. Filter types, order and 0 dB filters are kept. The same fc, Q and gain designed
 * at 44.1 and 192 kHz differ by up to ~2 dB below 16 kHz; re-tuned with tol_db 0.04 and
 * max_added 2, every fit of AutoEq's 22 headphones at 48 kHz stays within 0.04 dB at the
 * other four rates up to 16 kHz (tests/test_peqrate.c). The preamp is src's, lowered if the
 * new curve peaks higher. *max_dev_db (optional) receives the largest deviation from 20 Hz to
 * f_hi_hz (checked every 0.05% of frequency). dst may be src. Errors: HP_EINVAL (NULL
 * pointers, f_hi_hz not in (20 Hz, 0.49 x either rate), tol_db < 0, a filter either rate
 * cannot hold), HP_ENOMEM. Thread-safe. */
hp_err hp_peq_redesign(const hp_peq *src, double src_rate_hz, double dst_rate_hz,
                       double f_hi_hz, double tol_db, size_t max_added, hp_peq *dst,
                       double *max_dev_db) HP_WUR;

#endif
