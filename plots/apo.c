/* SPDX-License-Identifier: MIT */
/* EqualizerAPO's configuration language, the subset parametric EQ files use. Each line is a
 * command "Name: arguments"; filters list their parameters as keyword-value pairs
 * ("Fc 105 Hz Gain 3.1 dB Q 0.70"), see EqualizerAPO's Configuration reference. */
#include "apo.h"
#include <math.h>
#include <string.h>
#include <strings.h>
#include "num.h"

#define LINE_MAX_LEN 1024
#define MAX_TOK 24

/* Splits a line into blank-separated tokens in place. */
static size_t tokens(char *s, char **tok)
{
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(s, " \t", &save); p && n < MAX_TOK; p = strtok_r(NULL, " \t", &save))
        tok[n++] = p;
    return n;
}

static int number(const char *s, double *v)
{
    return hp_num_parse(s, strlen(s), v) == HP_OK && isfinite(*v);
}

typedef struct {
    hp_apo *a;
    int sel[2];       /* channels the following lines apply to */
    int named;        /* a Channel line with L or R was seen */
    int any;          /* a Preamp or Filter line was seen */
    hp_diag *d;
    long line;
} state;

static hp_err bad(state *s, hp_err e, const char *why)
{
    if (s->d) {
        s->d->line = s->line;
        hp_diag_set(s->d, "%s", why);
    }
    return e;
}

static hp_err channel(state *s, char **tok, size_t n)
{
    int sel[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!strcasecmp(tok[i], "all"))
            sel[0] = sel[1] = 1;
        else if (!strcasecmp(tok[i], "L") || !strcmp(tok[i], "1"))
            sel[0] = 1;
        else if (!strcasecmp(tok[i], "R") || !strcmp(tok[i], "2"))
            sel[1] = 1;
        else
            return bad(s, HP_EPARSE, "Channel: only L, R, 1, 2 or all are understood");
    }
    if (!n)
        return bad(s, HP_EPARSE, "Channel: names no channel");
    if (!(sel[0] && sel[1]))
        s->named = 1;
    s->sel[0] = sel[0];
    s->sel[1] = sel[1];
    return HP_OK;
}

static hp_err preamp(state *s, char **tok, size_t n)
{
    double v;
    if (n < 1 || n > 2 || !number(tok[0], &v) || (n == 2 && strcasecmp(tok[1], "dB")))
        return bad(s, HP_EPARSE, "Preamp: expected a number and dB");
    for (int c = 0; c < 2; c++)
        if (s->sel[c])
            s->a->peq[c].preamp_db = v;
    s->any = 1;
    return HP_OK;
}

static hp_err filter(state *s, char **tok, size_t n)
{
    if (n < 1 || (strcasecmp(tok[0], "ON") && strcasecmp(tok[0], "OFF")))
        return bad(s, HP_EPARSE, "Filter: expected ON or OFF");
    s->any = 1;
    if (!strcasecmp(tok[0], "OFF"))
        return HP_OK;
    if (n < 2)
        return bad(s, HP_EPARSE, "Filter: no filter type");
    hp_peq_filter f = {HP_BQ_PEAK, NAN, NAN, NAN};
    if (!strcasecmp(tok[1], "PK"))
        f.type = HP_BQ_PEAK;
    else if (!strcasecmp(tok[1], "LSC"))
        f.type = HP_BQ_LOWSHELF;
    else if (!strcasecmp(tok[1], "HSC"))
        f.type = HP_BQ_HIGHSHELF;
    else
        return bad(s, HP_EPARSE, "Filter: unknown filter type (PK, LSC and HSC are read)");
    for (size_t i = 2; i < n;) {
        double v;
        if (i + 1 >= n || !number(tok[i + 1], &v))
            return bad(s, HP_EPARSE, "Filter: a parameter without a number");
        const char *unit = i + 2 < n ? tok[i + 2] : "";
        if (!strcasecmp(tok[i], "Fc") && !strcasecmp(unit, "Hz"))
            f.fc_hz = v, i += 3;
        else if (!strcasecmp(tok[i], "Gain") && !strcasecmp(unit, "dB"))
            f.gain_db = v, i += 3;
        else if (!strcasecmp(tok[i], "Q"))
            f.q = v, i += 2;
        else
            return bad(s, HP_EPARSE, "Filter: expected Fc N Hz, Gain N dB and Q N");
    }
    if (!isfinite(f.fc_hz) || !isfinite(f.gain_db) || !isfinite(f.q))
        return bad(s, HP_EPARSE, "Filter: needs Fc, Gain and Q");
    if (!(f.fc_hz > 0) || !(f.q > 0))
        return bad(s, HP_EPARSE, "Filter: Fc and Q must be positive");
    for (int c = 0; c < 2; c++) {
        if (!s->sel[c])
            continue;
        hp_peq *p = &s->a->peq[c];
        if (p->n == HP_PEQ_MAX)
            return bad(s, HP_ERANGE, "more filters than a profile can hold (32)");
        p->f[p->n++] = f;
    }
    return HP_OK;
}

static hp_err one_line(state *s, char *l)
{
    while (*l == ' ' || *l == '\t')
        l++;
    size_t n = strlen(l);
    while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
        l[--n] = '\0';
    if (!n || l[0] == '#')
        return HP_OK;
    char *colon = strchr(l, ':');
    if (!colon)
        return bad(s, HP_EPARSE, "not an EqualizerAPO command (Preamp:, Filter:, Channel:)");
    *colon = '\0';
    char *tok[MAX_TOK];
    size_t nt = tokens(colon + 1, tok);
    if (!strcasecmp(l, "Preamp"))
        return preamp(s, tok, nt);
    if (!strcasecmp(l, "Channel"))
        return channel(s, tok, nt);
    if (!strncasecmp(l, "Filter", 6)) {
        const char *k = l + 6;
        while (*k == ' ')
            k++;
        while (*k >= '0' && *k <= '9')
            k++;
        if (*k)
            return bad(s, HP_EPARSE, "not an EqualizerAPO command (Preamp:, Filter:, Channel:)");
        return filter(s, tok, nt);
    }
    return bad(s, HP_EPARSE, "not an EqualizerAPO command (Preamp:, Filter:, Channel:)");
}

hp_err hp_plot_apo_parse(const char *buf, size_t len, hp_apo *a, hp_diag *d)
{
    hp_diag_clear(d);
    if (!a || (!buf && len))
        return HP_EINVAL;
    memset(a, 0, sizeof *a);
    state s = {a, {1, 1}, 0, 0, d, 0};
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        buf += 3, len -= 3;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        s.line++;
        if (n >= LINE_MAX_LEN || memchr(buf + pos, '\0', n))
            return bad(&s, HP_EPARSE, n >= LINE_MAX_LEN ? "line too long" : "NUL byte in a text file");
        char l[LINE_MAX_LEN];
        memcpy(l, buf + pos, n);
        l[n] = '\0';
        pos += n + (nl ? 1 : 0);
        hp_err e = one_line(&s, l);
        if (e != HP_OK)
            return e;
    }
    if (!s.any) {
        s.line = -1;
        return bad(&s, HP_ENODATA, "no Preamp or Filter line");
    }
    if (s.named) {
        a->nch = 2;
        strcpy(a->ch[0], "L");
        strcpy(a->ch[1], "R");
    } else {
        a->nch = 1;
        strcpy(a->ch[0], "all");
    }
    return HP_OK;
}
