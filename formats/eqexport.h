/* SPDX-License-Identifier: MIT */
/* Correction profiles written for the equalizers people run: EqualizerAPO (parametric and
 * GraphicEQ), AutoEq CSV, PipeWire filter-chain, EasyEffects, CamillaDSP, sox, REW, and
 * convolution FIR WAVs. This header is the contract between the fit (`hpfr eq`) and the
 * writers; file names are fixed (see the README). */
#ifndef HP_EQEXPORT_H
#define HP_EQEXPORT_H
#include <stddef.h>
#include "hp_err.h"
#include "peq.h"

enum {
    HP_EQX_APO = 1 << 0,         /* ParametricEQ.txt */
    HP_EQX_GRAPHIC = 1 << 1,     /* GraphicEQ.txt */
    HP_EQX_CSV = 1 << 2,         /* eq.csv */
    HP_EQX_PIPEWIRE = 1 << 3,    /* pipewire-filter-chain.conf */
    HP_EQX_EASYEFFECTS = 1 << 4, /* easyeffects.json */
    HP_EQX_CAMILLA = 1 << 5,     /* camilladsp.yml */
    HP_EQX_SOX = 1 << 6,         /* sox-effects.txt */
    HP_EQX_REW = 1 << 7,         /* rew.txt */
    HP_EQX_FIR = 1 << 8,         /* fir-<phase>-<rate>[-L|-R].wav */
    HP_EQX_APO_RATES = 1 << 9,   /* ParametricEQ-rates.txt (only with per-rate sets) */
    HP_EQX_ALL = (1 << 10) - 1,
};

/* Sample rates a profile may carry its own parameter set for. */
#define HP_EQX_MAX_RATES 5

/* One correction profile: one channel (both ears alike) or two (left [0], right [1]). Curves
 * are on one common grid, in dB, as AutoEq's CSV columns; a NULL curve is left out. */
typedef struct {
    const char *name;            /* headphone name for comments and titles; may be NULL */
    double rate_hz;              /* rate the PEQ is designed at, for rate-bound formats */
    unsigned nch;                /* 1 or 2 */
    hp_peq peq[2];
    size_t n;
    const double *freq;
    const double *raw[2], *smoothed[2], *error[2], *target[2];
    const double *equalization[2]; /* the intended correction (target - measured, capped) */
    const double *parametric_eq[2], *equalized_raw[2];
    size_t fir_taps;             /* taps at 48 kHz (scaled with the rate); 0: no FIR files */
    /* The parametric EQ re-tuned for other rates (hp_peq_redesign): rate_peq[c][k] is peq[c]
     * as designed for rates_hz[k], each with its own preamp (the writer levels them). 0 sets:
     * the profile has one set, for rate_hz only. */
    size_t nrates;
    double rates_hz[HP_EQX_MAX_RATES];
    hp_peq rate_peq[2][HP_EQX_MAX_RATES];
} hp_eq_export;

/* "all" or a comma list of apo, graphic, csv, pipewire, easyeffects, camilladsp, sox, rew,
 * fir, apo-rates into a mask. HP_EINVAL names nothing: the caller prints the list it was given. */
hp_err hp_eqx_parse_formats(const char *list, unsigned *mask) HP_WUR;

/* Writes the chosen formats into dir, all or nothing (temporary names, then rename). On
 * failure, why (if not NULL) holds a one-line reason naming the file. */
hp_err hp_eqx_write(const char *dir, const hp_eq_export *e, unsigned mask, char *why,
                    size_t why_len) HP_WUR;

/* The same into an output set the caller commits, so that files of its own (hpfr eq's
 * summary.json) appear together with the exports or not at all. The set's directory must
 * exist (hp_outset_new makes it). */
struct hp_outset;
hp_err hp_eqx_write_into(struct hp_outset *set, const hp_eq_export *e, unsigned mask, char *why,
                         size_t why_len) HP_WUR;

#endif
