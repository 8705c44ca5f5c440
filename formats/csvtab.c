/* SPDX-License-Identifier: MIT */
/* Numeric CSV tables: a strict reader that names the line and field of anything it rejects,
 * because a response file edited by hand or cut short should fail loudly, not half-load. */
#include "csvtab.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "num.h"

typedef struct {
    const char *s;
    size_t len;
} span;

static span trim(span f)
{
    while (f.len && (f.s[0] == ' ' || f.s[0] == '\t'))
        f.s++, f.len--;
    while (f.len && (f.s[f.len - 1] == ' ' || f.s[f.len - 1] == '\t'))
        f.len--;
    return f;
}

static int is_word(span f, const char *w)
{
    return f.len == strlen(w) && memcmp(f.s, w, f.len) == 0;
}

/* Splits line into at most max fields; returns the number of fields (max + 1 when there are
 * more). */
static size_t split(span line, span *fields, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= line.len; i++)
        if (i == line.len || line.s[i] == ',') {
            if (n < max)
                fields[n] = trim((span){line.s + start, i - start});
            n++;
            start = i + 1;
            if (n > max)
                return n;
        }
    return n;
}

static hp_err parse_value(span f, double *v)
{
    if (is_word(f, "nan")) {
        *v = NAN;
        return HP_OK;
    }
    if (is_word(f, "inf") || is_word(f, "-inf")) {
        *v = f.s[0] == '-' ? -INFINITY : INFINITY;
        return HP_OK;
    }
    if (f.len == 0)
        return HP_EPARSE;
    return hp_num_parse(f.s, f.len, v);
}

static hp_err fail(hp_diag *d, long line, long col, hp_err e, const char *why, span f)
{
    if (d) {
        d->line = line;
        d->column = col;
        if (f.s)
            hp_diag_set(d, "%s '%.*s'", why, (int)(f.len > 40 ? 40 : f.len), f.s);
        else
            hp_diag_set(d, "%s", why);
    }
    return e;
}

static hp_err header(span line, long ln, hp_csvtab *t, hp_diag *d)
{
    span f[HP_CSVTAB_MAX_COLS];
    size_t n = split(line, f, HP_CSVTAB_MAX_COLS);
    if (n > HP_CSVTAB_MAX_COLS)
        return fail(d, ln, -1, HP_ERANGE, "more than 64 columns", (span){0});
    t->names = calloc(n, sizeof *t->names);
    if (!t->names)
        return HP_ENOMEM;
    t->ncols = n;
    for (size_t c = 0; c < n; c++) {
        if (f[c].len == 0)
            return fail(d, ln, (long)c + 1, HP_EPARSE, "empty column name", (span){0});
        for (size_t k = 0; k < c; k++)
            if (f[k].len == f[c].len && !memcmp(f[k].s, f[c].s, f[c].len))
                return fail(d, ln, (long)c + 1, HP_EPARSE, "duplicate column name", f[c]);
        t->names[c] = malloc(f[c].len + 1);
        if (!t->names[c])
            return HP_ENOMEM;
        memcpy(t->names[c], f[c].s, f[c].len);
        t->names[c][f[c].len] = '\0';
    }
    return HP_OK;
}

static hp_err grow(hp_csvtab *t, size_t *cap)
{
    size_t nc = *cap ? 2 * *cap : 256;
    if (nc > SIZE_MAX / sizeof(double) / t->ncols)
        return HP_ENOMEM;
    double *d = realloc(t->data, nc * t->ncols * sizeof *d);
    if (!d)
        return HP_ENOMEM;
    t->data = d;
    long *l = realloc(t->line, nc * sizeof *l);
    if (!l)
        return HP_ENOMEM;
    t->line = l;
    *cap = nc;
    return HP_OK;
}

static hp_err row(span line, long ln, hp_csvtab *t, size_t *cap, hp_diag *d)
{
    span f[HP_CSVTAB_MAX_COLS];
    size_t n = split(line, f, t->ncols);
    if (n != t->ncols) {
        if (d) {
            d->line = ln;
            if (n > t->ncols)
                hp_diag_set(d, "more than the header's %zu fields", t->ncols);
            else
                hp_diag_set(d, "%zu field%s, the header has %zu", n, n == 1 ? "" : "s", t->ncols);
        }
        return HP_EPARSE;
    }
    if (t->nrows == *cap) {
        hp_err e = grow(t, cap);
        if (e != HP_OK)
            return e;
    }
    for (size_t c = 0; c < n; c++) {
        hp_err e = parse_value(f[c], &t->data[t->nrows * t->ncols + c]);
        if (e == HP_ENOMEM)
            return e;
        if (e != HP_OK)
            return fail(d, ln, (long)c + 1, e == HP_ERANGE ? HP_ERANGE : HP_EPARSE,
                        e == HP_ERANGE ? "number out of range" : "not a number", f[c]);
    }
    t->line[t->nrows++] = ln;
    return HP_OK;
}

hp_err hp_csvtab_parse(const char *buf, size_t len, hp_csvtab *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out)
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return HP_EINVAL;
    if (len > HP_CSVTAB_MAX_BYTES)
        return fail(diag, -1, -1, HP_ERANGE, "file larger than 64 MiB", (span){0});
    if (buf && memchr(buf, '\0', len)) {
        long ln = 1;
        for (const char *p = buf; *p; p++)
            ln += *p == '\n';
        return fail(diag, ln, -1, HP_EPARSE, "NUL byte in a text file", (span){0});
    }
    size_t pos = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0, cap = 0;
    long ln = 0;
    hp_err e = HP_OK;
    while (e == HP_OK && pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        span line = {buf + pos, end - pos};
        if (line.len && line.s[line.len - 1] == '\r')
            line.len--;
        pos = end + 1;
        ln++;
        if (trim(line).len == 0)
            continue;
        e = out->names ? row(line, ln, out, &cap, diag) : header(line, ln, out, diag);
    }
    if (e == HP_OK && !out->names)
        e = fail(diag, 1, -1, HP_EPARSE, "empty file: no header line", (span){0});
    else if (e == HP_OK && out->nrows == 0)
        e = fail(diag, ln + 1, -1, HP_EPARSE, "no data rows after the header", (span){0});
    if (e != HP_OK)
        hp_csvtab_release(out);
    return e;
}

void hp_csvtab_release(hp_csvtab *t)
{
    if (!t)
        return;
    for (size_t c = 0; t->names && c < t->ncols; c++)
        free(t->names[c]);
    free(t->names);
    free(t->data);
    free(t->line);
    memset(t, 0, sizeof *t);
}

long hp_csvtab_col(const hp_csvtab *t, const char *name)
{
    for (size_t c = 0; t && name && c < t->ncols; c++)
        if (!strcmp(t->names[c], name))
            return (long)c;
    return -1;
}
