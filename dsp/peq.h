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
 * at 0 dB, evaluated densely from 10 Hz to min(24 kHz, 0.49 rate); never positive. */
hp_err hp_peq_auto_preamp(const hp_peq *p, double rate_hz, double *preamp_db) HP_WUR;

#endif
