/* SPDX-License-Identifier: MIT */
/* Readers for the EQ files hpfr writes and people trade: EqualizerAPO ParametricEQ.txt (as
 * AutoEq, REW and hpfr write it) and AutoEq's eq.csv. Both take bytes, not paths. */
#ifndef HP_EQREAD_H
#define HP_EQREAD_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"
#include "peq.h"

/* A parametric profile for one or two ears. */
typedef struct {
    unsigned nch;   /* 1 (no Channel: lines) or 2 (left [0], right [1]) */
    hp_peq peq[2];
} hp_apo_profile;

/* Parses EqualizerAPO text: "Preamp: <dB> dB" lines (several add up), "Filter [n]: ON|OFF
 * <PK|PEQ|LSC|HSC> Fc <Hz> Hz Gain <dB> dB Q <q>" lines (OFF filters are skipped) and
 * "Channel: L|R|1|2|all" lines that scope the following lines; what comes before the first
 * Channel: line applies to both ears. Other lines (comments, commands hpfr does not use) are
 * ignored, as EqualizerAPO ignores lines it does not understand. Numbers use '.' whatever the
 * locale. Errors: HP_EINVAL (NULL out, or NULL buf with len > 0); HP_EPARSE with diag->line
 * and reason for a malformed Preamp/Filter/Channel line, a filter type other than PK, PEQ,
 * LSC and HSC, another channel, or more than HP_PEQ_MAX filters on an ear; HP_ENODATA when
 * there is no Preamp or Filter line at all. Thread-safe. */
hp_err hp_apo_parse(const char *buf, size_t len, hp_apo_profile *out, hp_diag *diag) HP_WUR;

/* The same, read as EqualizerAPO running at rate_hz reads it: "If: sampleRate == N",
 * "ElseIf: sampleRate == N", "Else:" and "EndIf:" select the lines of the branch that holds
 * (hpfr's ParametricEQ-rates.txt). hp_apo_parse is this with rate_hz 0, where any If line is
 * an error. Other conditions and nested If blocks are HP_EPARSE with the line; HP_EINVAL for
 * a negative rate. */
hp_err hp_apo_parse_rate(const char *buf, size_t len, double rate_hz, hp_apo_profile *out,
                         hp_diag *diag) HP_WUR;

#define HP_EQCSV_MAX_COLS 16

/* An AutoEq CSV table: named columns of equal length, the first one "frequency". */
typedef struct {
    size_t n, ncol;                          /* rows, columns */
    char name[HP_EQCSV_MAX_COLS][32];       /* header names as written */
    double *col[HP_EQCSV_MAX_COLS];         /* owned; hp_eqcsv_release frees them */
} hp_eqcsv;

/* Parses a comma-separated table with a header line whose first name is "frequency", '.'
 * decimals and one value per column on every row, frequencies positive and ascending.
 * *out is overwritten (not released first) and zeroed on error. Errors: HP_EINVAL (NULL
 * arguments); HP_EPARSE with diag->line (and column) for a bad header, a non-number, a short
 * or long row, or a frequency out of order; HP_ENODATA for fewer than 2 rows; HP_ENOMEM. */
hp_err hp_eqcsv_parse(const char *buf, size_t len, hp_eqcsv *out, hp_diag *diag) HP_WUR;

/* The column named name, or NULL. */
const double *hp_eqcsv_get(const hp_eqcsv *t, const char *name);

/* Frees the columns and zeroes *t; t may be NULL. */
void hp_eqcsv_release(hp_eqcsv *t);

#endif
