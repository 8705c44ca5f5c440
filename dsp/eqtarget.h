/* SPDX-License-Identifier: MIT */
/* Shaping a target curve (bass shelf, tilt, treble shelf) and aligning its level to a
 * measurement, as AutoEq does before it fits (peers-and-formats.md 1.2). */
#ifndef HP_EQTARGET_H
#define HP_EQTARGET_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    double bass_db, bass_fc_hz, bass_q;        /* low shelf added (0 dB: none) */
    double tilt_db_oct;                        /* tilt * log2(f / 1 kHz) added */
    double treble_db, treble_fc_hz, treble_q;  /* high shelf added */
    double rate_hz;                            /* the shelves' design rate */
} hp_target_adj;

/* No change; shelves at 105 Hz and 10 kHz with Q 0.7 (AutoEq's), designed at 48 kHz. */
hp_target_adj hp_target_adj_default(void);

/* Adds the adjustments to t[i] at f[i] (i < n), in place. HP_EINVAL for bad arguments (a
 * shelf the rate cannot hold, non-finite values). */
hp_err hp_target_adjust(const double *f, double *t, size_t n, const hp_target_adj *a) HP_WUR;

/* The offset to add to a target t so that it meets the measurement m: mean(m - t) over the
 * grid points in [lo_hz, hi_hz] (AutoEq's alignment uses 100 Hz-10 kHz), or, when
 * at_hz > 0, m - t at that one frequency (interpolated). HP_ENODATA if no point is in the
 * band. */
hp_err hp_target_offset(const double *f, const double *m, const double *t, size_t n,
                        double lo_hz, double hi_hz, double at_hz, double *offset) HP_WUR;

#endif
