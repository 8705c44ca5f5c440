/* SPDX-License-Identifier: MIT */
/* Reading numeric CSV tables such as hpfr's own frequency-response files
 * (frequency,raw,smoothed,phase): a header line of column names, then rows of numbers. */
#ifndef HP_CSVTAB_H
#define HP_CSVTAB_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

/* Longest file hp_csvtab_parse accepts (a 1/48-octave response is about 20 KB). */
#define HP_CSVTAB_MAX_BYTES (64u << 20)
#define HP_CSVTAB_MAX_COLS 64

typedef struct {
    size_t ncols, nrows;
    char **names;   /* ncols header names, blanks around them removed */
    double *data;   /* nrows * ncols values, row-major */
    long *line;     /* nrows: the 1-based text line of each row */
} hp_csvtab;

/* Parses len bytes at buf (need not be NUL-terminated). The first line is the header; every
 * later line holds exactly ncols comma-separated numbers in hpfr's locale-independent syntax
 * (hp_num_parse), blanks around them allowed, or one of "nan", "inf", "-inf" (which
 * hp_csv_write writes). A UTF-8 byte order mark, CRLF line ends and empty lines are accepted.
 * Errors, with diag (optional) giving line, column (1-based field number) and reason:
 *   HP_EPARSE  no header, an empty or duplicate column name, a row with the wrong number of
 *              fields, a field that is not a number, no data rows, a NUL byte
 *   HP_ERANGE  more than HP_CSVTAB_MAX_BYTES or HP_CSVTAB_MAX_COLS, or a number beyond a
 *              double's range
 *   HP_EINVAL  NULL out, or NULL buf with len > 0
 *   HP_ENOMEM
 * *out is zeroed first and on error. Release with hp_csvtab_release. Thread-safe. */
hp_err hp_csvtab_parse(const char *buf, size_t len, hp_csvtab *out, hp_diag *diag) HP_WUR;

void hp_csvtab_release(hp_csvtab *t);

/* Index of the column called name (exact match), or -1. */
long hp_csvtab_col(const hp_csvtab *t, const char *name);

/* Value at row r, column c (no bounds check beyond the caller's). */
static inline double hp_csvtab_at(const hp_csvtab *t, size_t r, size_t c)
{
    return t->data[r * t->ncols + c];
}

#endif
