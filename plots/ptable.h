/* SPDX-License-Identifier: MIT */
/* The comma-separated tables hpfr plots read: fr.csv, thd.csv, AutoEq-style eq.csv, leak.csv
 * and leak curves. A header line of column names, then rows of the same width. */
#ifndef HP_PTABLE_H
#define HP_PTABLE_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

typedef struct {
    size_t ncols, nrows;
    const char **names;  /* ncols header names, trimmed */
    const char **cells;  /* nrows * ncols, row-major, trimmed; "" for an empty cell */
    long *line;          /* 1-based file line of each row */
    const char **linestart; /* where each row's line starts in text (for error columns) */
    char *text;          /* owned copy of the input the strings point into */
} hp_ptable;

/* Parses len bytes at buf (need not be NUL-terminated). A UTF-8 byte order mark, "\r\n" line
 * ends and blank lines are accepted; cells are trimmed of blanks; there is no quoting. The
 * first non-blank line is the header: non-empty, distinct names. Every later non-blank line
 * must have as many fields as the header. *t is overwritten (release it with
 * hp_ptable_release); it is zeroed on error.
 * Errors: HP_EINVAL (NULL t, or NULL buf with len > 0), HP_ENODATA (no header or no row:
 * reason "empty file" or "no data rows"), HP_EPARSE (a NUL byte, an empty or duplicate
 * column name, a row of the wrong width: diag->line and reason say which), HP_ENOMEM.
 * Reads bytes, not files, so it can be fuzzed. Thread-safe. */
hp_err hp_ptable_parse(const char *buf, size_t len, hp_ptable *t, hp_diag *diag) HP_WUR;

/* Index of the column called name (ASCII case-insensitive), or -1. */
int hp_ptable_find(const hp_ptable *t, const char *name);

/* Reads column c as numbers into out[nrows] (owned by the caller): decimal numbers with '.'
 * (hp_num_parse), "nan", "inf", "-inf" (any case, as hp_csv_write writes them), and an empty
 * cell, which reads as NaN (AutoEq leaves cells empty). HP_EPARSE otherwise, with diag line
 * and column (1-based, in characters) of the cell and the reason "column NAME: 'TEXT' is not
 * a number"; HP_EINVAL for bad arguments. */
hp_err hp_ptable_numbers(const hp_ptable *t, size_t c, double *out, hp_diag *diag) HP_WUR;

/* The text of a cell, or NULL when out of range. */
const char *hp_ptable_cell(const hp_ptable *t, size_t row, size_t c);

/* Frees everything and zeroes *t. t may be NULL. */
void hp_ptable_release(hp_ptable *t);

#endif
