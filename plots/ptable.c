/* SPDX-License-Identifier: MIT */
/* CSV tables for plotting: strict about shape (every row as wide as the header) so that a
 * damaged file is reported with its line instead of being plotted wrong. */
#include "ptable.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "num.h"

#define MAX_COLS 256

/* Walks text[0..len) line by line in place (NUL at each end of line, "\r" dropped), returning
 * the non-blank lines with their 1-based numbers. */
typedef struct {
    char *s;
    size_t len, pos;
    long line;
} lines;

static char *next_line(lines *l, long *lineno)
{
    while (l->pos < l->len) {
        char *start = l->s + l->pos;
        char *nl = memchr(start, '\n', l->len - l->pos);
        size_t n = nl ? (size_t)(nl - start) : l->len - l->pos;
        l->pos += n + (nl ? 1 : 0);
        l->line++;
        if (n > 0 && start[n - 1] == '\r')
            n--;
        start[n] = '\0';
        size_t k = 0;
        while (k < n && (start[k] == ' ' || start[k] == '\t'))
            k++;
        if (k < n) {
            *lineno = l->line;
            return start;
        }
    }
    return NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Splits line at commas in place into at most max fields; returns the count (max + 1 means
 * "more than max"). */
static size_t split(char *line, const char **field, size_t max)
{
    size_t n = 0;
    for (char *p = line;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (n < max)
            field[n] = trim(p);
        n++;
        if (!comma || n > max)
            return n;
        p = comma + 1;
    }
}

/* Releases the half-built table, and records where the input went wrong (the caller sets the
 * reason). */
static hp_err fail(hp_ptable *t, hp_diag *d, hp_err e, long line)
{
    hp_ptable_release(t);
    if (d)
        d->line = line;
    return e;
}

static hp_err parse_header(hp_ptable *t, char *hdr, long lineno, hp_diag *d)
{
    const char *f[MAX_COLS];
    size_t n = split(hdr, f, MAX_COLS);
    if (n > MAX_COLS) {
        hp_diag_set(d, "header: more than %d columns", MAX_COLS);
        return fail(t, d, HP_EPARSE, lineno);
    }
    if (!(t->names = malloc(n * sizeof *t->names)))
        return fail(t, d, HP_ENOMEM, -1);
    for (size_t i = 0; i < n; i++) {
        if (!f[i][0]) {
            hp_diag_set(d, "header: column %zu has no name", i + 1);
            return fail(t, d, HP_EPARSE, lineno);
        }
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp(f[i], f[j])) {
                hp_diag_set(d, "header: columns %zu and %zu are both called '%.40s'", j + 1,
                            i + 1, f[i]);
                return fail(t, d, HP_EPARSE, lineno);
            }
        t->names[i] = f[i];
    }
    t->ncols = n;
    return HP_OK;
}

static hp_err grow_rows(hp_ptable *t, size_t *cap, hp_diag *d)
{
    if (t->nrows < *cap)
        return HP_OK;
    size_t nc = *cap ? *cap * 2 : 512;
    if (nc > SIZE_MAX / sizeof(char *) / t->ncols)
        return fail(t, d, HP_ENOMEM, -1);
    const char **cells = realloc(t->cells, nc * t->ncols * sizeof *cells);
    if (cells)
        t->cells = cells;
    long *ln = realloc(t->line, nc * sizeof *ln);
    if (ln)
        t->line = ln;
    const char **ls = realloc(t->linestart, nc * sizeof *ls);
    if (ls)
        t->linestart = ls;
    if (!cells || !ln || !ls)
        return fail(t, d, HP_ENOMEM, -1);
    *cap = nc;
    return HP_OK;
}

hp_err hp_ptable_parse(const char *buf, size_t len, hp_ptable *t, hp_diag *d)
{
    hp_diag_clear(d);
    if (!t)
        return HP_EINVAL;
    memset(t, 0, sizeof *t);
    if (!buf && len > 0)
        return HP_EINVAL;
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        buf += 3, len -= 3;
    const char *nul = len ? memchr(buf, '\0', len) : NULL;
    if (nul) {
        long line = 1;
        for (const char *p = buf; p < nul; p++)
            line += *p == '\n';
        hp_diag_set(d, "NUL byte in a text file");
        return fail(t, d, HP_EPARSE, line);
    }
    if (len == SIZE_MAX || !(t->text = malloc(len + 1)))
        return fail(t, d, HP_ENOMEM, -1);
    if (len)
        memcpy(t->text, buf, len);
    t->text[len] = '\0';
    lines l = {t->text, len, 0, 0};
    long lineno = 0;
    char *hdr = next_line(&l, &lineno);
    if (!hdr) {
        hp_diag_set(d, "empty file");
        return fail(t, d, HP_ENODATA, -1);
    }
    hp_err e = parse_header(t, hdr, lineno, d);
    if (e != HP_OK)
        return e;
    size_t cap = 0;
    for (char *row; (row = next_line(&l, &lineno));) {
        if ((e = grow_rows(t, &cap, d)) != HP_OK)
            return e;
        t->linestart[t->nrows] = row;
        size_t n = split(row, t->cells + t->nrows * t->ncols, t->ncols);
        if (n != t->ncols) {
            if (n > t->ncols)
                hp_diag_set(d, "more than %zu fields where the header has %zu", t->ncols, t->ncols);
            else
                hp_diag_set(d, "%zu field%s where the header has %zu", n, n == 1 ? "" : "s",
                            t->ncols);
            return fail(t, d, HP_EPARSE, lineno);
        }
        t->line[t->nrows++] = lineno;
    }
    if (t->nrows == 0) {
        hp_diag_set(d, "no data rows");
        return fail(t, d, HP_ENODATA, -1);
    }
    return HP_OK;
}

int hp_ptable_find(const hp_ptable *t, const char *name)
{
    if (!t || !name)
        return -1;
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcasecmp(t->names[i], name))
            return (int)i;
    return -1;
}

const char *hp_ptable_cell(const hp_ptable *t, size_t row, size_t c)
{
    if (!t || row >= t->nrows || c >= t->ncols)
        return NULL;
    return t->cells[row * t->ncols + c];
}

/* Column in characters of a cell within its line; commas and trimmed blanks became NULs,
 * one byte each, so counting code points from the start of the line still works. */
static long cell_column(const hp_ptable *t, size_t row, const char *cell)
{
    long col = 1;
    for (const char *p = t->linestart[row]; p < cell; p++)
        col += ((unsigned char)*p & 0xC0) != 0x80;
    return col;
}

static int special(const char *s, double *v)
{
    if (!strcasecmp(s, "nan") || !*s)
        *v = NAN;
    else if (!strcasecmp(s, "inf") || !strcasecmp(s, "+inf"))
        *v = INFINITY;
    else if (!strcasecmp(s, "-inf"))
        *v = -INFINITY;
    else
        return 0;
    return 1;
}

hp_err hp_ptable_numbers(const hp_ptable *t, size_t c, double *out, hp_diag *d)
{
    hp_diag_clear(d);
    if (!t || !out || c >= t->ncols)
        return HP_EINVAL;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *s = t->cells[r * t->ncols + c];
        if (special(s, &out[r]))
            continue;
        hp_err e = hp_num_parse(s, strlen(s), &out[r]);
        if (e == HP_ENOMEM)
            return e;
        if (e != HP_OK) {
            if (d) {
                d->line = t->line[r];
                d->column = cell_column(t, r, s);
                hp_diag_set(d, "column %s: '%.60s' is not a number", t->names[c], s);
            }
            return HP_EPARSE;
        }
    }
    return HP_OK;
}

void hp_ptable_release(hp_ptable *t)
{
    if (!t)
        return;
    free(t->names);
    free(t->cells);
    free(t->line);
    free(t->linestart);
    free(t->text);
    memset(t, 0, sizeof *t);
}
