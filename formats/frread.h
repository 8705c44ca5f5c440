/* SPDX-License-Identifier: MIT */
/* Reading frequency responses from the text files people have: hpfr's own fr.csv, AutoEq CSV
 * (also with ';' or tab separators, decimal commas, or no header), REW text exports ('*'
 * comment lines, 2 or 3 columns, comma-space, tab or space) and squig.link/CrinGraph L/R
 * files (peers-and-formats.md 3.1, 3.3, 3.5). */
#ifndef HP_FRREAD_H
#define HP_FRREAD_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

/* A response: n points, frequencies strictly ascending (Hz, > 0), levels in dB (finite). */
typedef struct {
    size_t n;
    double *f_hz;
    double *db;
} hp_frcurve;

/* Fewest points a response may have. */
#define HP_FR_MIN_POINTS 10

/* Parses len bytes (need not be NUL-terminated) as a response:
 *  - a UTF-8 byte order mark, blank lines, and lines starting with '*' (REW) or '#' are
 *    skipped;
 *  - one header line may precede the data: the frequency column is the first whose name
 *    starts with "freq" (else the first), the level column the one named "raw" (hpfr's and
 *    AutoEq's files), else the first starting with spl, db, gain, ampl, mag or level, else
 *    the column after the frequency;
 *  - the separator is found on the first data line: ';', else tab, else ',' when that splits
 *    it into numbers, else spaces (then a ',' inside a number is a decimal comma, as it is
 *    with ';' and tab);
 *  - text lines after the last data line (squig.link's "saved ..." trailers) are ignored when
 *    they start with a letter.
 * On error *out is left empty and diag (optional) holds the 1-based line and a reason:
 * HP_EPARSE for text that is not a number or too few columns, non-ascending or duplicate
 * frequencies, a non-positive frequency, fewer than HP_FR_MIN_POINTS points or no data;
 * HP_ENOMEM; HP_EINVAL for NULL arguments. Release with hp_frcurve_release(). Thread-safe. */
hp_err hp_fr_parse(const char *buf, size_t len, hp_frcurve *out, hp_diag *diag) HP_WUR;

/* Reads the file at path (at most 64 MiB) and parses it. HP_EIO when it cannot be read
 * (errno tells why; diag->line is -1), otherwise as hp_fr_parse(). */
hp_err hp_fr_read(const char *path, hp_frcurve *out, hp_diag *diag) HP_WUR;

/* Frees the arrays and empties c. c may be NULL. */
void hp_frcurve_release(hp_frcurve *c);

/* Allocates an empty curve of n points (arrays uninitialized). HP_ENOMEM or HP_EINVAL. */
hp_err hp_frcurve_alloc(hp_frcurve *c, size_t n) HP_WUR;

#endif
