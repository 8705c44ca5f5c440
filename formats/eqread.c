/* SPDX-License-Identifier: MIT */
/* EqualizerAPO ParametricEQ.txt and AutoEq eq.csv readers (peers-and-formats.md 3.1-3.2). */
#include "eqread.h"
#include <stdlib.h>
#include <string.h>
#include "num.h"

#define MAX_TOKENS 16

typedef struct {
    const char *s;
    size_t len;
} tok;

/* Splits line[0..len) at blanks into at most MAX_TOKENS tokens; returns the count, or
 * MAX_TOKENS + 1 when there are more. */
static size_t split(const char *line, size_t len, tok *t)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len)
            break;
        size_t j = i;
        while (j < len && line[j] != ' ' && line[j] != '\t')
            j++;
        if (n == MAX_TOKENS)
            return MAX_TOKENS + 1;
        t[n].s = line + i;
        t[n].len = j - i;
        n++;
        i = j;
    }
    return n;
}

static int is(const tok *t, const char *word)
{
    return t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

static int number(const tok *t, double *v)
{
    return hp_num_parse(t->s, t->len, v) == HP_OK;
}

static hp_err fail(hp_diag *d, long line, const char *why)
{
    if (d) {
        d->line = line;
        hp_diag_set(d, "%s", why);
    }
    return HP_EPARSE;
}

/* "Filter", "Filter 3", "Filter:" or "Filter 3:" followed by the rest: returns the index of
 * the first token after the colon, 0 when the line is not a filter line. */
static size_t filter_head(const tok *t, size_t n)
{
    if (n >= 1 && is(&t[0], "Filter:"))
        return 1;
    if (n >= 2 && t[0].len == 6 && !memcmp(t[0].s, "Filter", 6)) {
        if (is(&t[1], ":"))
            return 2;
        if (t[1].len >= 2 && t[1].s[t[1].len - 1] == ':')
            return 2; /* "Filter 3:" */
    }
    return 0;
}

static hp_err parse_filter(const tok *t, size_t n, size_t at, long line, hp_peq_filter *f,
                           int *on, hp_diag *d)
{
    if (n - at != 10)
        return fail(d, line, "expected \"ON <type> Fc <Hz> Hz Gain <dB> dB Q <q>\"");
    if (is(&t[at], "ON"))
        *on = 1;
    else if (is(&t[at], "OFF"))
        *on = 0;
    else
        return fail(d, line, "filter is neither ON nor OFF");
    const tok *ty = &t[at + 1];
    if (is(ty, "PK") || is(ty, "PEQ"))
        f->type = HP_BQ_PEAK;
    else if (is(ty, "LSC"))
        f->type = HP_BQ_LOWSHELF;
    else if (is(ty, "HSC"))
        f->type = HP_BQ_HIGHSHELF;
    else
        return fail(d, line, "filter type is not PK, PEQ, LSC or HSC");
    if (!is(&t[at + 2], "Fc") || !is(&t[at + 4], "Hz") || !is(&t[at + 5], "Gain") ||
        !is(&t[at + 7], "dB") || !is(&t[at + 8], "Q"))
        return fail(d, line, "expected \"Fc <Hz> Hz Gain <dB> dB Q <q>\" (only the Q form)");
    if (!number(&t[at + 3], &f->fc_hz) || !(f->fc_hz > 0))
        return fail(d, line, "Fc is not a positive number");
    if (!number(&t[at + 6], &f->gain_db))
        return fail(d, line, "Gain is not a number");
    if (!number(&t[at + 9], &f->q) || !(f->q > 0))
        return fail(d, line, "Q is not a positive number");
    return HP_OK;
}

/* Which ears the tokens after "Channel:" select: bit 0 left, bit 1 right; 0 on error. */
static unsigned channel_mask(const tok *t, size_t n)
{
    unsigned m = 0;
    for (size_t i = 1; i < n; i++) {
        if (is(&t[i], "L") || is(&t[i], "1"))
            m |= 1;
        else if (is(&t[i], "R") || is(&t[i], "2"))
            m |= 2;
        else if (is(&t[i], "all"))
            m |= 3;
        else
            return 0;
    }
    return m;
}

/* "sampleRate == N" after If: or ElseIf:; 1 when it holds at rate, 0 when not, -1 when the
 * condition is another expression. */
static int rate_condition(const tok *t, size_t n, double rate)
{
    double v;
    if (n != 4 || !is(&t[1], "sampleRate") || !is(&t[2], "==") || !number(&t[3], &v))
        return -1;
    return v == rate;
}

hp_err hp_apo_parse(const char *buf, size_t len, hp_apo_profile *out, hp_diag *diag)
{
    return hp_apo_parse_rate(buf, len, 0, out, diag);
}

hp_err hp_apo_parse_rate(const char *buf, size_t len, double rate_hz, hp_apo_profile *out,
                         hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out || (!buf && len) || !(rate_hz >= 0))
        return HP_EINVAL;
    /* Conditional blocks: in_if while between If and EndIf, taken once a branch held,
     * active while the lines belong to the branch that holds. */
    int in_if = 0, taken = 0, active = 1;
    hp_apo_profile p;
    memset(&p, 0, sizeof p);
    unsigned scope = 3, seen_channel = 0;
    int any = 0;
    long line = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        size_t end = j > i && buf[j - 1] == '\r' ? j - 1 : j;
        line++;
        tok t[MAX_TOKENS];
        size_t n = split(buf + i, end - i, t);
        i = j + 1;
        if (n == 0)
            continue;
        if (n > MAX_TOKENS) {
            if (active && t[0].len >= 6 && !memcmp(t[0].s, "Filter", 6))
                return fail(diag, line, "too many words on a filter line");
            continue;
        }
        if (is(&t[0], "If:") || is(&t[0], "ElseIf:")) {
            int is_if = is(&t[0], "If:");
            if (is_if == in_if)
                return fail(diag, line, is_if ? "If inside an If block (not supported)"
                                              : "ElseIf without If");
            if (!(rate_hz > 0))
                return fail(diag, line, "If blocks depend on the sample rate: read with one");
            int holds = rate_condition(t, n, rate_hz);
            if (holds < 0)
                return fail(diag, line, "only \"sampleRate == <Hz>\" conditions are understood");
            in_if = 1;
            active = holds && !taken;
            taken |= holds;
            continue;
        }
        if (is(&t[0], "Else:") || is(&t[0], "EndIf:")) {
            if (!in_if || n != 1)
                return fail(diag, line, in_if ? "Else: and EndIf: take nothing after them"
                                              : "Else or EndIf without If");
            if (is(&t[0], "Else:")) {
                active = !taken;
                taken = 1;
            } else {
                in_if = taken = 0;
                active = 1;
            }
            continue;
        }
        if (!active)
            continue;
        if (is(&t[0], "Channel:")) {
            unsigned m = channel_mask(t, n);
            if (!m)
                return fail(diag, line, "channel is not L, R, 1, 2 or all");
            scope = m;
            seen_channel = 1;
        } else if (is(&t[0], "Preamp:")) {
            double v;
            if (n != 3 || !is(&t[2], "dB") || !number(&t[1], &v))
                return fail(diag, line, "expected \"Preamp: <dB> dB\"");
            for (unsigned c = 0; c < 2; c++)
                if (scope & (1u << c))
                    p.peq[c].preamp_db += v;
            any = 1;
        } else {
            size_t at = filter_head(t, n);
            if (!at)
                continue; /* EqualizerAPO ignores lines it does not know */
            hp_peq_filter f;
            int on;
            hp_err e = parse_filter(t, n, at, line, &f, &on, diag);
            if (e != HP_OK)
                return e;
            any = 1;
            if (!on)
                continue;
            for (unsigned c = 0; c < 2; c++) {
                if (!(scope & (1u << c)))
                    continue;
                if (p.peq[c].n == HP_PEQ_MAX)
                    return fail(diag, line, "more filters than hpfr handles on one ear");
                p.peq[c].f[p.peq[c].n++] = f;
            }
        }
    }
    if (in_if)
        return fail(diag, line, "If without EndIf");
    if (!any) {
        hp_diag_set(diag, "no Preamp or Filter line");
        return HP_ENODATA;
    }
    p.nch = seen_channel ? 2 : 1;
    *out = p;
    return HP_OK;
}

/* ---- eq.csv ---- */

void hp_eqcsv_release(hp_eqcsv *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < HP_EQCSV_MAX_COLS; c++)
        free(t->col[c]);
    memset(t, 0, sizeof *t);
}

const double *hp_eqcsv_get(const hp_eqcsv *t, const char *name)
{
    if (!t || !name)
        return NULL;
    for (size_t c = 0; c < t->ncol; c++)
        if (!strcmp(t->name[c], name))
            return t->col[c];
    return NULL;
}

static hp_err csv_fail(hp_eqcsv *t, hp_diag *d, long line, long col, const char *why)
{
    hp_eqcsv_release(t);
    if (d) {
        d->line = line;
        d->column = col;
        hp_diag_set(d, "%s", why);
    }
    return HP_EPARSE;
}

hp_err hp_eqcsv_parse(const char *buf, size_t len, hp_eqcsv *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out || (!buf && len))
        return HP_EINVAL;
    hp_eqcsv t;
    memset(&t, 0, sizeof t);
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    long line = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        size_t end = j > i && buf[j - 1] == '\r' ? j - 1 : j;
        const char *s = buf + i;
        size_t sl = end - i;
        line++;
        i = j + 1;
        if (sl == 0)
            continue;
        if (t.ncol == 0) {
            /* The header: names separated by commas. */
            for (size_t a = 0; a <= sl;) {
                size_t b = a;
                while (b < sl && s[b] != ',')
                    b++;
                if (b == a || b - a >= sizeof t.name[0] || t.ncol == HP_EQCSV_MAX_COLS)
                    return csv_fail(&t, diag, line, (long)a + 1, "bad column name in the header");
                memcpy(t.name[t.ncol], s + a, b - a);
                t.name[t.ncol][b - a] = '\0';
                t.ncol++;
                a = b + 1;
            }
            if (strcmp(t.name[0], "frequency"))
                return csv_fail(&t, diag, line, 1, "the first column is not \"frequency\"");
            continue;
        }
        if (t.n == cap) {
            cap = cap ? 2 * cap : 256;
            for (size_t c = 0; c < t.ncol; c++) {
                double *p = realloc(t.col[c], cap * sizeof *p);
                if (!p) {
                    hp_eqcsv_release(&t);
                    return HP_ENOMEM;
                }
                t.col[c] = p;
            }
        }
        size_t c = 0, a = 0;
        for (;;) {
            size_t b = a;
            while (b < sl && s[b] != ',')
                b++;
            if (c == t.ncol)
                return csv_fail(&t, diag, line, (long)a + 1, "more values than columns");
            if (hp_num_parse(s + a, b - a, &t.col[c][t.n]) != HP_OK)
                return csv_fail(&t, diag, line, (long)a + 1, "not a number");
            c++;
            if (b == sl)
                break;
            a = b + 1;
        }
        if (c != t.ncol)
            return csv_fail(&t, diag, line, (long)sl + 1, "fewer values than columns");
        double f = t.col[0][t.n];
        if (!(f > 0) || (t.n && !(f > t.col[0][t.n - 1])))
            return csv_fail(&t, diag, line, 1, "frequency not positive and ascending");
        t.n++;
    }
    if (t.n < 2) {
        hp_eqcsv_release(&t);
        hp_diag_set(diag, "fewer than 2 rows");
        return HP_ENODATA;
    }
    *out = t;
    return HP_OK;
}
