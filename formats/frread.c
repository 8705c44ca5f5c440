/* SPDX-License-Identifier: MIT */
/* Tolerant frequency-response text reader. Tolerant about layout (separators, decimal comma,
 * headers, comments), strict about content: every data field it uses must be a number, and
 * the frequencies must ascend. */
#include "frread.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "num.h"

typedef struct {
    const char *p;
    size_t len;
} span;

enum { MAXF = 64 };

static span trim(span s)
{
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '"' || s.p[0] == '\''))
        s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t' ||
                     s.p[s.len - 1] == '"' || s.p[s.len - 1] == '\''))
        s.len--;
    return s;
}

/* Splits a line on sep (0: runs of spaces and tabs). Trailing empty fields are dropped. */
static size_t split(span line, char sep, span *f, size_t max)
{
    size_t n = 0, i = 0;
    if (!sep) {
        while (i < line.len && n < max) {
            while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t'))
                i++;
            size_t b = i;
            while (i < line.len && line.p[i] != ' ' && line.p[i] != '\t')
                i++;
            if (i > b)
                f[n++] = (span){line.p + b, i - b};
        }
        return n;
    }
    size_t b = 0;
    for (i = 0; i <= line.len && n < max; i++)
        if (i == line.len || line.p[i] == sep) {
            f[n++] = trim((span){line.p + b, i - b});
            b = i + 1;
        }
    while (n && f[n - 1].len == 0)
        n--;
    return n;
}

static int num(span s, int dec_comma, double *out)
{
    char tmp[96];
    if (s.len == 0 || s.len >= sizeof tmp)
        return 0;
    memcpy(tmp, s.p, s.len);
    if (dec_comma)
        for (size_t i = 0; i < s.len; i++)
            if (tmp[i] == ',')
                tmp[i] = '.';
    return hp_num_parse(tmp, s.len, out) == HP_OK;
}

/* The separator a line uses: ';', tab, ',' if that gives numbers, else whitespace. */
static char detect_sep(span line, int *dec_comma)
{
    *dec_comma = 1;
    if (memchr(line.p, ';', line.len))
        return ';';
    if (memchr(line.p, '\t', line.len))
        return '\t';
    if (memchr(line.p, ',', line.len)) {
        span f[MAXF];
        size_t n = split(line, ',', f, MAXF);
        double v;
        int all = n >= 2;
        for (size_t i = 0; all && i < n; i++)
            all = num(f[i], 0, &v);
        if (all) {
            *dec_comma = 0;
            return ',';
        }
    }
    return 0;
}

static int starts_with_ci(span s, const char *pfx)
{
    size_t k = strlen(pfx);
    if (s.len < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)s.p[i]) != pfx[i])
            return 0;
    return 1;
}

static int equals_ci(span s, const char *w)
{
    return s.len == strlen(w) && starts_with_ci(s, w);
}

/* Column choice from a header line. */
static void header_columns(span hdr, char sep, size_t *fcol, size_t *vcol)
{
    static const char *const level[] = {"spl", "db", "gain", "ampl", "mag", "level"};
    span f[MAXF];
    size_t n = split(hdr, sep, f, MAXF), fc = n, vc = n;
    for (size_t i = 0; i < n && fc == n; i++)
        if (starts_with_ci(f[i], "freq"))
            fc = i;
    if (fc == n)
        fc = 0;
    for (size_t i = 0; i < n && vc == n; i++)
        if (i != fc && equals_ci(f[i], "raw"))
            vc = i;
    for (size_t k = 0; k < sizeof level / sizeof level[0] && vc == n; k++)
        for (size_t i = 0; i < n && vc == n; i++)
            if (i != fc && starts_with_ci(f[i], level[k]))
                vc = i;
    *fcol = fc;
    *vcol = vc == n ? fc + 1 : vc;
}

typedef struct {
    double *f, *v;
    long *line;
    size_t n, cap;
} acc;

static int push(acc *a, double f, double v, long line)
{
    if (a->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 1024;
        double *nf = realloc(a->f, nc * sizeof *nf);
        if (!nf)
            return 0;
        a->f = nf;
        double *nv = realloc(a->v, nc * sizeof *nv);
        if (!nv)
            return 0;
        a->v = nv;
        long *nl = realloc(a->line, nc * sizeof *nl);
        if (!nl)
            return 0;
        a->line = nl;
        a->cap = nc;
    }
    a->f[a->n] = f;
    a->v[a->n] = v;
    a->line[a->n++] = line;
    return 1;
}

static hp_err fail(hp_diag *d, long line, hp_err e, const char *fmt, const char *what)
{
    if (d) {
        d->line = line;
        hp_diag_set(d, fmt, what);
    }
    return e;
}

/* Quotes at most 40 bytes of a field for a message, printable ASCII only. */
static const char *show(span s, char *buf, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < s.len && k + 4 < size && i < 40; i++)
        buf[k++] = isprint((unsigned char)s.p[i]) ? s.p[i] : '?';
    if (s.len > 40 && k + 4 < size)
        buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
    buf[k] = '\0';
    return buf;
}

static hp_err check_points(const acc *a, hp_diag *d)
{
    char msg[160];
    if (a->n == 0)
        return fail(d, -1, HP_EPARSE, "%s", "no data lines (frequency and level)");
    if (a->n < HP_FR_MIN_POINTS) {
        snprintf(msg, sizeof msg, "only %zu data points; at least %d are needed", a->n,
                 HP_FR_MIN_POINTS);
        return fail(d, a->line[a->n - 1], HP_EPARSE, "%s", msg);
    }
    for (size_t i = 0; i < a->n; i++) {
        if (!(a->f[i] > 0)) {
            snprintf(msg, sizeof msg, "frequency %g Hz is not positive", a->f[i]);
            return fail(d, a->line[i], HP_EPARSE, "%s", msg);
        }
        if (i && a->f[i] == a->f[i - 1]) {
            snprintf(msg, sizeof msg, "duplicate frequency %g Hz (also on line %ld)", a->f[i],
                     a->line[i - 1]);
            return fail(d, a->line[i], HP_EPARSE, "%s", msg);
        }
        if (i && a->f[i] < a->f[i - 1]) {
            snprintf(msg, sizeof msg, "frequencies not ascending: %g Hz after %g Hz", a->f[i],
                     a->f[i - 1]);
            return fail(d, a->line[i], HP_EPARSE, "%s", msg);
        }
    }
    return HP_OK;
}

hp_err hp_fr_parse(const char *buf, size_t len, hp_frcurve *out, hp_diag *diag)
{
    if ((!buf && len) || !out)
        return HP_EINVAL;
    hp_diag_clear(diag);
    memset(out, 0, sizeof *out);
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        buf += 3, len -= 3;
    acc a = {0};
    char sep = 0, tmp[64];
    int have_sep = 0, dec_comma = 0;
    size_t fcol = 0, vcol = 1;
    span header = {NULL, 0};
    long pending = 0;
    span pending_text = {NULL, 0};
    hp_err e = HP_OK;
    long lineno = 0;
    for (size_t pos = 0; pos < len && e == HP_OK;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        span line = {buf + pos, nl ? (size_t)(nl - (buf + pos)) : len - pos};
        pos += line.len + (nl != NULL);
        lineno++;
        if (line.len && line.p[line.len - 1] == '\r')
            line.len--;
        span t = trim(line);
        if (t.len == 0 || t.p[0] == '*' || t.p[0] == '#')
            continue;
        int dc;
        char s = have_sep ? sep : detect_sep(t, &dc);
        span f[MAXF];
        size_t nf = split(t, s, f, MAXF);
        double v0;
        int is_data = nf > 0 && num(f[0], have_sep ? dec_comma : dc, &v0);
        if (!is_data) {
            if (!have_sep && !header.p) {
                header = t;
            } else if (!have_sep) {
                e = fail(diag, lineno, HP_EPARSE, "unexpected text '%s' before the data",
                         show(t, tmp, sizeof tmp));
            } else if (!pending) {
                pending = lineno;
                pending_text = t;
            } else if (!isalpha((unsigned char)pending_text.p[0])) {
                break;
            }
            continue;
        }
        if (pending) {
            /* Text between data lines is garbage, not a trailer. */
            e = fail(diag, pending, HP_EPARSE, "'%s' is not a number",
                     show(pending_text, tmp, sizeof tmp));
            break;
        }
        if (!have_sep) {
            have_sep = 1;
            sep = s;
            dec_comma = dc;
            if (header.p)
                header_columns(header, sep, &fcol, &vcol);
        }
        size_t need = (fcol > vcol ? fcol : vcol) + 1;
        if (nf < need) {
            snprintf(tmp, sizeof tmp, "%zu", need);
            e = fail(diag, lineno, HP_EPARSE, "expected at least %s columns", tmp);
            break;
        }
        double fv, lv;
        if (!num(f[fcol], dec_comma, &fv)) {
            e = fail(diag, lineno, HP_EPARSE, "frequency '%s' is not a number",
                     show(f[fcol], tmp, sizeof tmp));
            break;
        }
        if (!num(f[vcol], dec_comma, &lv)) {
            e = fail(diag, lineno, HP_EPARSE, "level '%s' is not a number",
                     show(f[vcol], tmp, sizeof tmp));
            break;
        }
        if (!push(&a, fv, lv, lineno))
            e = HP_ENOMEM;
    }
    if (e == HP_OK && pending && !isalpha((unsigned char)pending_text.p[0]))
        e = fail(diag, pending, HP_EPARSE, "'%s' is not a number",
                 show(pending_text, tmp, sizeof tmp));
    if (e == HP_OK)
        e = check_points(&a, diag);
    if (e == HP_OK) {
        out->n = a.n;
        out->f_hz = a.f;
        out->db = a.v;
        a.f = a.v = NULL;
    }
    free(a.f);
    free(a.v);
    free(a.line);
    return e;
}

hp_err hp_fr_read(const char *path, hp_frcurve *out, hp_diag *diag)
{
    if (!path || !out)
        return HP_EINVAL;
    hp_diag_clear(diag);
    FILE *f = fopen(path, "rb");
    if (!f)
        return HP_EIO;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    hp_err e = buf ? HP_OK : HP_ENOMEM;
    while (e == HP_OK) {
        if (n == cap) {
            if (cap >= (size_t)64 << 20) {
                hp_diag_set(diag, "file larger than 64 MiB");
                e = HP_EPARSE;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                e = HP_ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                e = HP_EIO;
            break;
        }
    }
    int saved = errno;
    fclose(f);
    if (e == HP_OK)
        e = hp_fr_parse(buf, n, out, diag);
    free(buf);
    errno = saved;
    return e;
}

hp_err hp_frcurve_alloc(hp_frcurve *c, size_t n)
{
    if (!c || n == 0)
        return HP_EINVAL;
    memset(c, 0, sizeof *c);
    c->f_hz = malloc(n * sizeof *c->f_hz);
    c->db = malloc(n * sizeof *c->db);
    if (!c->f_hz || !c->db) {
        hp_frcurve_release(c);
        return HP_ENOMEM;
    }
    c->n = n;
    return HP_OK;
}

void hp_frcurve_release(hp_frcurve *c)
{
    if (!c)
        return;
    free(c->f_hz);
    free(c->db);
    memset(c, 0, sizeof *c);
}
