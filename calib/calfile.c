/* SPDX-License-Identifier: MIT */
/* One tolerant reader for microphone calibration and compensation curve files. The formats
 * (peers-and-formats.md 3.1, 3.3, 3.4) differ mostly in their header lines; their data rows
 * are all "frequency level [phase]" with one of four separators. */
#include "calfile.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "num.h"

#define MAX_COLS 32
#define MAX_ROWS 10000000
#define MAX_FILE ((size_t)64 << 20)

typedef enum { SEP_WS, SEP_COMMA, SEP_SEMI } sep_mode;

typedef struct {
    const char *s;
    size_t len;
} span;

typedef struct {
    hp_calib_curve *c;
    hp_diag *diag;
    size_t cap;
    int started;              /* a data row has been read */
    int have_phase;           /* every row so far had a phase */
    sep_mode mode;
    size_t col_f, col_db, col_ph;
    int col_ph_named;         /* the header named a phase column */
    /* the last header line before the data (column names), if it was the last text line */
    char names[MAX_COLS][24];
    size_t nnames;
    int header_pending;
    long prev_line;
    int saw_ears, saw_sens, saw_dayton, saw_rew;
} parser;

static int is_blank(int ch) { return ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f'; }

static span trim(span t)
{
    while (t.len && is_blank((unsigned char)t.s[0])) {
        t.s++;
        t.len--;
    }
    while (t.len && (is_blank((unsigned char)t.s[t.len - 1]) || t.s[t.len - 1] == '\0'))
        t.len--;
    return t;
}

/* Splits a line into at most MAX_COLS fields; returns the count (capped). */
static size_t split(span line, sep_mode m, span *tok)
{
    size_t n = 0, i = 0;
    if (m == SEP_WS) {
        while (i < line.len && n < MAX_COLS) {
            while (i < line.len && is_blank((unsigned char)line.s[i]))
                i++;
            if (i >= line.len)
                break;
            size_t st = i;
            while (i < line.len && !is_blank((unsigned char)line.s[i]))
                i++;
            tok[n++] = (span){line.s + st, i - st};
        }
        return n;
    }
    char sep = m == SEP_COMMA ? ',' : ';';
    size_t st = 0;
    for (i = 0; i <= line.len && n < MAX_COLS; i++) {
        if (i == line.len || line.s[i] == sep) {
            tok[n++] = trim((span){line.s + st, i - st});
            st = i + 1;
        }
    }
    return n;
}

/* A number; with decimal_comma, one ',' stands for the point. */
static int number(span t, int decimal_comma, double *v)
{
    char tmp[64];
    if (t.len == 0 || t.len >= sizeof tmp)
        return 0;
    memcpy(tmp, t.s, t.len);
    if (decimal_comma)
        for (size_t i = 0; i < t.len; i++)
            if (tmp[i] == ',')
                tmp[i] = '.';
    const char *p = tmp;
    size_t n = t.len;
    if (*p == '+') { /* strtod takes it, the strict parser may not */
        p++;
        n--;
    }
    return n > 0 && hp_num_parse(p, n, v) == HP_OK && isfinite(*v);
}

static sep_mode guess_mode(span line)
{
    if (memchr(line.s, ';', line.len))
        return SEP_SEMI;
    if (memchr(line.s, ',', line.len)) {
        span tok[MAX_COLS];
        double a, b;
        size_t n = split(line, SEP_COMMA, tok);
        if (n >= 2 && number(tok[0], 0, &a) && number(tok[1], 0, &b))
            return SEP_COMMA;
        /* "frequency,raw": a header in CSV. "20,5 -1,3": decimal commas between blanks. */
        int blanks = 0;
        for (size_t i = 0; i < line.len; i++)
            blanks |= is_blank((unsigned char)line.s[i]);
        return blanks ? SEP_WS : SEP_COMMA;
    }
    return SEP_WS;
}

/* Case-insensitive search for needle in the span; returns the offset or -1. */
static long find_ci(span h, const char *needle, size_t from)
{
    size_t nl = strlen(needle);
    for (size_t i = from; i + nl <= h.len; i++) {
        size_t k = 0;
        while (k < nl && tolower((unsigned char)h.s[i + k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == nl)
            return (long)i;
    }
    return -1;
}

/* The number after "key", an optional '=' or ':' and blanks ("Sens Factor =-.7346dB"). */
static int value_after(span h, const char *key, double *v)
{
    long at = find_ci(h, key, 0);
    if (at < 0)
        return 0;
    size_t i = (size_t)at + strlen(key);
    while (i < h.len && (is_blank((unsigned char)h.s[i]) || h.s[i] == '=' || h.s[i] == ':'))
        i++;
    size_t st = i;
    while (i < h.len && (isdigit((unsigned char)h.s[i]) || h.s[i] == '.' || h.s[i] == '-' ||
                         h.s[i] == '+'))
        i++;
    return number((span){h.s + st, i - st}, 0, v);
}

/* The word after "key" into out (letters, digits, '-', '.', '_'), printable ASCII only. */
static void word_after(span h, const char *key, char *out, size_t size)
{
    long at = find_ci(h, key, 0);
    if (at < 0)
        return;
    size_t i = (size_t)at + strlen(key), k = 0;
    while (i < h.len && (is_blank((unsigned char)h.s[i]) || h.s[i] == ':' || h.s[i] == '='))
        i++;
    while (i < h.len && k + 1 < size &&
           (isalnum((unsigned char)h.s[i]) || h.s[i] == '-' || h.s[i] == '.' || h.s[i] == '_'))
        out[k++] = h.s[i++];
    out[k] = '\0';
}

/* EARS: "Use this file on the RIGHT channel. Your sensitive side is LEFT." The side is the
 * word right before "channel", not the first LEFT or RIGHT in the line. */
static hp_calib_side channel_side(span h)
{
    for (long at = find_ci(h, "channel", 0); at >= 0; at = find_ci(h, "channel", (size_t)at + 1)) {
        size_t e = (size_t)at;
        while (e > 0 && is_blank((unsigned char)h.s[e - 1]))
            e--;
        size_t b = e;
        while (b > 0 && isalpha((unsigned char)h.s[b - 1]))
            b--;
        span w = {h.s + b, e - b};
        if (w.len == 4 && find_ci(w, "left", 0) == 0)
            return HP_CALIB_SIDE_LEFT;
        if (w.len == 5 && find_ci(w, "right", 0) == 0)
            return HP_CALIB_SIDE_RIGHT;
    }
    return HP_CALIB_SIDE_NONE;
}

/* A quoted header line, or an unquoted "Sens Factor" line (seen in downloaded UMIK files). */
static void meta_line(parser *p, span line)
{
    hp_calib_curve *c = p->c;
    double v;
    if (value_after(line, "sens factor", &v)) {
        c->sens_db = v;
        p->saw_sens = 1;
    }
    if (value_after(line, "again", &v))
        c->again_db = v;
    word_after(line, "serno", c->serial, sizeof c->serial);
    if (find_ci(line, "ears serial", 0) >= 0) {
        word_after(line, "ears serial", c->serial, sizeof c->serial);
        p->saw_ears = 1;
    }
    word_after(line, "compensation", c->compensation, sizeof c->compensation);
    hp_calib_side s = channel_side(line);
    if (s != HP_CALIB_SIDE_NONE) {
        c->side = s;
        p->saw_ears = 1;
    }
}

/* Column names of a header line, lower case and without quotes. */
static void header_line(parser *p, span line)
{
    span tok[MAX_COLS];
    sep_mode m = memchr(line.s, ';', line.len)   ? SEP_SEMI
                 : memchr(line.s, ',', line.len) ? SEP_COMMA
                                                 : SEP_WS;
    size_t n = split(line, m, tok);
    p->nnames = n;
    for (size_t i = 0; i < n; i++) {
        span t = tok[i];
        while (t.len && (t.s[0] == '"' || t.s[0] == '\'')) {
            t.s++;
            t.len--;
        }
        size_t k = 0;
        for (size_t j = 0; j < t.len && k + 1 < sizeof p->names[i]; j++)
            p->names[i][k++] = (char)tolower((unsigned char)t.s[j]);
        p->names[i][k] = '\0';
    }
    p->header_pending = 1;
}

static int name_is(const char *name, const char *const *prefixes)
{
    for (size_t i = 0; prefixes[i]; i++)
        if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
            return 1;
    return 0;
}

/* Columns from the header names when they fit the row (AutoEq's reader does the same). */
static void map_columns(parser *p, size_t ntok)
{
    static const char *const freq[] = {"freq", "hz", NULL};
    static const char *const level[] = {"raw", "spl", "gain", "ampl", "db", "mag", "level",
                                        "value", "response", "correction", NULL};
    static const char *const phase[] = {"phase", "deg", NULL};
    p->col_f = 0;
    p->col_db = 1;
    p->col_ph = 2;
    p->col_ph_named = 0;
    if (!p->header_pending || p->nnames != ntok)
        return;
    size_t f = MAX_COLS, l = MAX_COLS, ph = MAX_COLS;
    for (size_t i = 0; i < p->nnames; i++) {
        if (f == MAX_COLS && name_is(p->names[i], freq))
            f = i;
        else if (ph == MAX_COLS && name_is(p->names[i], phase))
            ph = i;
        else if (l == MAX_COLS && name_is(p->names[i], level))
            l = i;
    }
    if (f == MAX_COLS)
        return;
    if (l == MAX_COLS)
        for (size_t i = 0; i < p->nnames && l == MAX_COLS; i++)
            if (i != f && i != ph)
                l = i;
    if (l == MAX_COLS)
        return;
    p->col_f = f;
    p->col_db = l;
    p->col_ph = ph;
    p->col_ph_named = ph != MAX_COLS;
}

static hp_err fail(parser *p, long line, hp_err e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static hp_err fail(parser *p, long line, hp_err e, const char *fmt, ...)
{
    if (p->diag) {
        va_list ap;
        va_start(ap, fmt);
        p->diag->line = line;
        vsnprintf(p->diag->reason, sizeof p->diag->reason, fmt, ap);
        va_end(ap);
    }
    return e;
}

static hp_err grow(parser *p)
{
    hp_calib_curve *c = p->c;
    if (c->n < p->cap)
        return HP_OK;
    if (p->cap >= MAX_ROWS)
        return HP_ENOMEM;
    size_t cap = p->cap ? 2 * p->cap : 256;
    double *f = realloc(c->f_hz, cap * sizeof *f);
    if (f)
        c->f_hz = f;
    double *d = realloc(c->db, cap * sizeof *d);
    if (d)
        c->db = d;
    double *ph = realloc(c->phase_deg, cap * sizeof *ph);
    if (ph)
        c->phase_deg = ph;
    if (!f || !d || !ph)
        return HP_ENOMEM;
    p->cap = cap;
    return HP_OK;
}

/* Tries the line as a data row. Returns 1 and fills f/db/ph when it is one; 0 when its
 * frequency, level or named phase is not a number (*bad is that field), -1 when the line has
 * too few fields. */
static int row(parser *p, span line, sep_mode m, double *f, double *db, double *ph, int *has_ph,
               span *bad)
{
    span tok[MAX_COLS];
    size_t n = split(line, m, tok);
    int dc = m != SEP_COMMA;
    size_t need = (p->col_f > p->col_db ? p->col_f : p->col_db) + 1;
    if (n < need) {
        *bad = line;
        return -1;
    }
    if (!number(tok[p->col_f], dc, f)) {
        *bad = tok[p->col_f];
        return 0;
    }
    if (!number(tok[p->col_db], dc, db)) {
        *bad = tok[p->col_db];
        return 0;
    }
    *has_ph = p->col_ph < n && number(tok[p->col_ph], dc, ph);
    if (!*has_ph && p->col_ph < n && p->col_ph_named) {
        *bad = tok[p->col_ph];
        return 0;
    }
    return 1;
}

static void quote(span t, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < t.len && k + 4 < size; i++) {
        unsigned char ch = (unsigned char)t.s[i];
        out[k++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    if (k + 4 >= size && t.len > k) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

static hp_err add_row(parser *p, long lineno, double f, double db, double ph, int has_ph)
{
    hp_calib_curve *c = p->c;
    if (!(f > 0 && f <= 1e6))
        return fail(p, lineno, HP_EPARSE, "frequency %g Hz is out of range (0 to 1 MHz)", f);
    if (fabs(db) > 1000)
        return fail(p, lineno, HP_EPARSE, "level %g dB is out of range", db);
    if (c->n) {
        double prev = c->f_hz[c->n - 1];
        if (f == prev)
            return fail(p, lineno, HP_EPARSE, "duplicate frequency %g Hz (also on line %ld)", f,
                        p->prev_line);
        if (f < prev)
            return fail(p, lineno, HP_EPARSE,
                        "frequency %g Hz is below %g Hz on line %ld: frequencies must ascend", f,
                        prev, p->prev_line);
    }
    hp_err e = grow(p);
    if (e != HP_OK)
        return e;
    c->f_hz[c->n] = f;
    c->db[c->n] = db;
    c->phase_deg[c->n] = has_ph ? ph : 0.0;
    p->have_phase = (c->n == 0 || p->have_phase) && has_ph;
    if (c->n == 0)
        c->first_line = lineno;
    c->last_line = lineno;
    c->n++;
    p->prev_line = lineno;
    return HP_OK;
}

static hp_err line_before_data(parser *p, span line, long lineno)
{
    if (line.s[0] == '"' || find_ci(line, "sens factor", 0) == 0) {
        meta_line(p, line);
        return HP_OK;
    }
    sep_mode m = guess_mode(line);
    span tok[MAX_COLS];
    size_t n = split(line, m, tok);
    map_columns(p, n);
    double f, db, ph;
    int has_ph;
    span bad;
    if (row(p, line, m, &f, &db, &ph, &has_ph, &bad) != 1) {
        header_line(p, line); /* a title or column names: only data ends the header */
        return HP_OK;
    }
    p->mode = m;
    p->started = 1;
    return add_row(p, lineno, f, db, ph, has_ph);
}

static hp_err line_after_data(parser *p, span line, long lineno)
{
    double f, db, ph;
    int has_ph;
    span bad;
    char q[48];
    if (line.s[0] == '"') {
        quote(line, q, sizeof q);
        return fail(p, lineno, HP_EPARSE, "not a data row: %s", q);
    }
    int r = row(p, line, p->mode, &f, &db, &ph, &has_ph, &bad);
    if (r != 1) {
        quote(bad, q, sizeof q);
        return fail(p, lineno, HP_EPARSE,
                    r < 0 ? "not a data row (frequency and level): '%s'" : "not a number: '%s'", q);
    }
    return add_row(p, lineno, f, db, ph, has_ph);
}

static void comment_line(parser *p, span line)
{
    /* Dayton: "*1000Hz<TAB>-40.5", the microphone's sensitivity at 1 kHz in dBV/Pa. */
    if (!p->started && find_ci(line, "*1000hz", 0) == 0) {
        span rest = trim((span){line.s + 7, line.len - 7});
        double v;
        if (number(rest, 1, &v)) {
            p->c->sens_db = v;
            p->saw_dayton = 1;
        }
        return;
    }
    span s = {line.s, line.len};
    if (find_ci(s, "measured by rew", 0) >= 0 || find_ci(s, "freq(hz)", 0) >= 0)
        p->saw_rew = 1;
}

static hp_err parse_lines(parser *p, const char *buf, size_t len)
{
    size_t i = 0;
    long lineno = 0;
    while (i < len) {
        size_t st = i;
        while (i < len && buf[i] != '\n' && buf[i] != '\r')
            i++;
        size_t en = i;
        if (i < len)
            i += (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') ? 2 : 1;
        lineno++;
        span line = trim((span){buf + st, en - st});
        if (line.len == 0)
            continue;
        if (line.s[0] == '*' || line.s[0] == '#') {
            comment_line(p, line);
            continue;
        }
        hp_err e = p->started ? line_after_data(p, line, lineno) : line_before_data(p, line, lineno);
        if (e != HP_OK)
            return e;
    }
    return HP_OK;
}

static void classify(parser *p)
{
    hp_calib_curve *c = p->c;
    if (p->saw_ears)
        c->format = HP_CALIB_EARS;
    else if (p->saw_sens)
        c->format = HP_CALIB_UMIK;
    else if (p->saw_dayton)
        c->format = HP_CALIB_DAYTON;
    else if (p->saw_rew)
        c->format = HP_CALIB_REW;
    else if (p->header_pending && p->mode == SEP_COMMA)
        c->format = HP_CALIB_AUTOEQ;
    else
        c->format = HP_CALIB_GENERIC;
}

hp_err hp_calib_parse(const char *buf, size_t len, hp_calib_curve *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out || (!buf && len))
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    out->sens_db = out->again_db = NAN;
    if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
                     ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff))) {
        if (diag) {
            diag->line = 1;
            hp_diag_set(diag, "UTF-16 text: save the file as UTF-8 or plain ASCII");
        }
        return HP_EPARSE;
    }
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
        buf += 3;
        len -= 3;
    }
    parser p;
    memset(&p, 0, sizeof p);
    p.c = out;
    p.diag = diag;
    p.have_phase = 1;
    hp_err e = parse_lines(&p, buf, len);
    if (e == HP_OK && out->n == 0) {
        e = HP_ENODATA;
        hp_diag_set(diag, "no data rows (frequency and level)");
    }
    if (e == HP_ENOMEM && diag && !diag->reason[0])
        hp_diag_set(diag, "out of memory");
    if (e != HP_OK) {
        hp_calib_curve_release(out);
        return e;
    }
    if (!p.have_phase) {
        free(out->phase_deg);
        out->phase_deg = NULL;
    }
    classify(&p);
    return HP_OK;
}

void hp_calib_curve_release(hp_calib_curve *c)
{
    if (!c)
        return;
    free(c->f_hz);
    free(c->db);
    free(c->phase_deg);
    memset(c, 0, sizeof *c);
}

bool hp_calib_covers(const hp_calib_curve *c, double lo_hz, double hi_hz)
{
    return c && c->n && c->f_hz[0] <= lo_hz * 1.01 && c->f_hz[c->n - 1] >= hi_hz / 1.01;
}

const char *hp_calib_format_name(hp_calib_format f)
{
    switch (f) {
    case HP_CALIB_REW: return "rew";
    case HP_CALIB_UMIK: return "umik";
    case HP_CALIB_EARS: return "ears";
    case HP_CALIB_DAYTON: return "dayton";
    case HP_CALIB_AUTOEQ: return "autoeq";
    case HP_CALIB_GENERIC: break;
    }
    return "generic";
}

hp_err hp_text_read_file(const char *path, size_t max_bytes, char **buf, size_t *len, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!path || !buf || !len)
        return HP_EINVAL;
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        hp_diag_set(diag, "%s", strerror(errno));
        return HP_EIO;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        hp_diag_set(diag, "%s", strerror(EISDIR));
        return HP_EIO;
    }
    size_t cap = 4096, n = 0;
    char *b = malloc(cap + 1);
    hp_err e = b ? HP_OK : HP_ENOMEM;
    while (e == HP_OK) {
        if (n == cap) {
            if (cap >= max_bytes) {
                e = HP_ERANGE;
                hp_diag_set(diag, "larger than %zu bytes", max_bytes);
                break;
            }
            cap = cap * 2 > max_bytes ? max_bytes : cap * 2;
            char *nb = realloc(b, cap + 1);
            if (!nb) {
                e = HP_ENOMEM;
                break;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                e = HP_EIO;
                hp_diag_set(diag, "%s", strerror(errno ? errno : EIO));
            }
            break;
        }
    }
    fclose(f);
    if (e != HP_OK) {
        free(b);
        return e;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return HP_OK;
}

hp_err hp_calib_read(const char *path, hp_calib_curve *out, hp_diag *diag)
{
    char *buf;
    size_t len;
    if (out)
        memset(out, 0, sizeof *out);
    hp_err e = hp_text_read_file(path, MAX_FILE, &buf, &len, diag);
    if (e != HP_OK)
        return e;
    e = hp_calib_parse(buf, len, out, diag);
    free(buf);
    return e;
}
