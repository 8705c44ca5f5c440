/* SPDX-License-Identifier: MIT */
/* Numeric tables as CSV (frequency responses, impulse responses, EQ curves). */
#ifndef HP_CSV_H
#define HP_CSV_H
#include <stddef.h>
#include <stdio.h>
#include "hp_err.h"

/* Writes header (one line, e.g. "freq_hz,spl_db"; a trailing newline is added when missing;
 * NULL for none), then nrows lines of ncols comma-separated values: row r holds cols[c][r]
 * for c = 0..ncols-1, in fixed notation with decimals[c] (0..17) digits after the point and
 * '.' as the decimal point whatever the locale. NaN is written as "nan", infinities as "inf"
 * and "-inf", and a value that rounds to zero has no minus sign. Lines end in "\n".
 * The caller owns f and the arrays. Returns HP_EINVAL (NULL f, cols or decimals, ncols 0, a
 * NULL column with nrows > 0, decimals out of range) before writing anything, or HP_EIO
 * when a write fails (the stream is not flushed; check fflush/fclose too, or write through
 * hp_outset_fopen()). */
hp_err hp_csv_write(FILE *f, const char *header, const double *const *cols, size_t ncols,
                    size_t nrows, const int *decimals) HP_WUR;

#endif
