/* SPDX-License-Identifier: MIT */
/* Reading EqualizerAPO parametric EQ files (ParametricEQ.txt as AutoEq and `hpfr eq` write
 * them) back into PEQ profiles, for plotting what a user will load. */
#ifndef HP_APO_H
#define HP_APO_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"
#include "peq.h"

typedef struct {
    size_t nch;        /* 1: every channel alike; 2: left and right differ */
    char ch[2][8];     /* "all", or "L" and "R" */
    hp_peq peq[2];
} hp_apo;

/* (Overlaps formats/eqread.h hp_apo_parse, which the exporters use; to be merged into it.)
 * Parses len bytes (need not be NUL-terminated). Understood lines, any case, blanks free:
 *   # comment              (and blank lines)
 *   Preamp: -6.2 dB
 *   Filter 1: ON PK Fc 105 Hz Gain 3.1 dB Q 0.70     (also "Filter:"; types PK, LSC, HSC;
 *                                                      an OFF filter is skipped)
 *   Channel: L | R | all   (also 1 and 2; "L R" means all): the lines after it apply to
 *                          those channels; lines before any Channel line apply to all.
 * A profile that never names a channel gives nch 1. Up to HP_PEQ_MAX filters per channel.
 * Errors: HP_EPARSE with diag line and reason ("unknown filter type BP", "Q must be > 0",
 * ...), HP_ENODATA for a file without any Preamp or Filter line, HP_ERANGE for too many
 * filters, HP_EINVAL for NULL arguments. Thread-safe. */
hp_err hp_plot_apo_parse(const char *buf, size_t len, hp_apo *out, hp_diag *diag) HP_WUR;

#endif
