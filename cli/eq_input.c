/* SPDX-License-Identifier: MIT */
/* hpfr eq inputs: measurement files (squig.link L/R pairs found by name), left/right file
 * pairs, and sessions written by hpfr measure (their average, and the spread between
 * placements for the seal-aware fit). */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "eq.h"
#include "eqcurve.h"
#include "json.h"

#define MAX_PLACEMENTS 256

/* snprintf that reports truncation instead of warning about it: paths longer than the
 * buffers are rejected where they are built (returns 0). */
static int fmt(char *out, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *out, size_t len, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int k = vsnprintf(out, len, f, ap);
    va_end(ap);
    return k >= 0 && (size_t)k < len;
}

void eq_input_release(eq_input *in)
{
    if (!in)
        return;
    for (int c = 0; c < 2; c++) {
        hp_frcurve_release(&in->ch[c]);
        free(in->sd[c]);
        in->sd[c] = NULL;
    }
    in->nch = 0;
}

static void say_read_error(const char *path, hp_err e, const hp_diag *d, char *why, size_t len)
{
    if (e == HP_EIO)
        fmt(why, len, "%s: %s", path, strerror(errno));
    else if (d->line > 0)
        fmt(why, len, "%s:%ld: %s", path, d->line, d->reason);
    else if (d->reason[0])
        fmt(why, len, "%s: %s", path, d->reason);
    else
        fmt(why, len, "%s: %s", path, hp_strerror(e));
}

static int read_curve(const char *path, hp_frcurve *c, char *why, size_t len)
{
    hp_diag d;
    hp_err e = hp_fr_read(path, c, &d);
    if (e != HP_OK)
        say_read_error(path, e, &d, why, len);
    return e != HP_OK;
}

/* "dir/Model L.txt" -> "Model"; "fr.csv" -> "fr". */
static void base_name(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    fmt(out, len, "%s", b);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

/* The right-channel sibling of a left-channel file name ("X L.txt", "fr-L.csv",
 * "X_L.csv"), or 0 when the name has no such form. */
static int right_sibling(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t stem = dot ? (size_t)(dot - b) : strlen(b);
    if (stem < 2 || b[stem - 1] != 'L' || !strchr(" -_", b[stem - 2]))
        return 0;
    if ((size_t)fmt(out, len, "%s", path) >= len)
        return 0;
    out[(size_t)(b - path) + stem - 1] = 'R';
    return 1;
}

int eq_load_file(const char *path, eq_input *in, char *why, size_t len)
{
    memset(in, 0, sizeof *in);
    base_name(path, in->name, sizeof in->name);
    fmt(in->src[0], sizeof in->src[0], "%s", path);
    in->nch = 1;
    return read_curve(path, &in->ch[0], why, len);
}

int eq_load_pair(const char *left, const char *right, eq_input *in, char *why, size_t len)
{
    if (eq_load_file(left, in, why, len))
        return 1;
    fmt(in->src[1], sizeof in->src[1], "%s", right);
    in->nch = 2;
    if (read_curve(right, &in->ch[1], why, len)) {
        eq_input_release(in);
        return 1;
    }
    return 0;
}

int eq_right_sibling(const char *path, char *out, size_t len)
{
    return right_sibling(path, out, len);
}

/* ---- sessions ---- */

typedef struct {
    char chan[2][16];
    unsigned nch;
    size_t np;
    char (*dirs)[EQ_PATH_MAX];
} session;

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int file_exists(const char *p) { return access(p, F_OK) == 0; }

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        if (cap >= (size_t)16 << 20) {
            free(buf);
            buf = NULL;
            errno = EFBIG;
            break;
        }
        char *nb = realloc(buf, cap *= 2);
        if (!nb)
            free(buf);
        buf = nb;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The channels and the directories of the placements whose status is "done", from the n
 * bytes at buf of the session.json at path in dir (tests/fuzz/fuzz_session.c calls this). */
static int session_parse(const char *dir, const char *path, const char *buf, size_t n,
                         session *s, char *why, size_t len)
{
    hp_err e;
    hp_diag d;
    memset(s, 0, sizeof *s);
    hp_jval *root = hp_json_parse(buf, n, &e, &d);
    if (!root) {
        if (e == HP_EPARSE)
            fmt(why, len, "%s:%ld:%ld: %s", path, d.line, d.column, d.reason);
        else
            fmt(why, len, "%s: %s", path, hp_strerror(e));
        return 1;
    }
    const hp_jval *ch = hp_json_get(root, "channels");
    for (size_t i = 0; i < hp_json_len(ch) && s->nch < 2; i++) {
        const char *c = hp_json_as_str(hp_json_at(ch, i));
        if (c && *c && strlen(c) < sizeof s->chan[0] && !strchr(c, '/'))
            fmt(s->chan[s->nch++], sizeof s->chan[0], "%s", c);
    }
    if (!s->nch) {
        fmt(s->chan[0], sizeof s->chan[0], "L");
        fmt(s->chan[1], sizeof s->chan[1], "R");
        s->nch = 2;
    }
    const hp_jval *pl = hp_json_get(root, "placements");
    s->dirs = calloc(MAX_PLACEMENTS, sizeof *s->dirs);
    if (!s->dirs) {
        hp_json_free(root);
        fmt(why, len, "%s", hp_strerror(HP_ENOMEM));
        return 1;
    }
    for (size_t i = 0; i < hp_json_len(pl) && s->np < MAX_PLACEMENTS; i++) {
        const hp_jval *p = hp_json_at(pl, i);
        const char *st = hp_json_as_str(hp_json_get(p, "status"));
        const char *pd = hp_json_as_str(hp_json_get(p, "dir"));
        if (st && pd && !strcmp(st, "done") && !strstr(pd, ".."))
            fmt(s->dirs[s->np++], EQ_PATH_MAX, "%s/%s", dir, pd);
    }
    hp_json_free(root);
    if (!s->np) {
        fmt(why, len, "%s: no placement with status \"done\"", path);
        free(s->dirs);
        s->dirs = NULL;
        return 1;
    }
    return 0;
}

static int session_read(const char *dir, session *s, char *why, size_t len)
{
    char path[EQ_PATH_MAX];
    size_t n;
    memset(s, 0, sizeof *s);
    fmt(path, sizeof path, "%s/session.json", dir);
    char *buf = slurp(path, &n);
    if (!buf) {
        fmt(why, len, "%s: %s", path, strerror(errno));
        return 1;
    }
    int rc = session_parse(dir, path, buf, n, s, why, len);
    free(buf);
    return rc;
}

/* Mean and sample spread (dB) of channel chan over the placements, on the grid f (n). */
static int placement_stats(const session *s, const char *chan, const double *f, size_t n,
                           double *mean, double *sd, char *why, size_t len)
{
    double *v = malloc(n * sizeof *v);
    if (!v) {
        fmt(why, len, "%s", hp_strerror(HP_ENOMEM));
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        mean[i] = sd ? (sd[i] = 0) : 0;
    for (size_t k = 0; k < s->np; k++) {
        char path[EQ_PATH_MAX + 32];
        hp_frcurve c;
        fmt(path, sizeof path, "%s/fr-%s.csv", s->dirs[k], chan);
        if (read_curve(path, &c, why, len)) {
            free(v);
            return 1;
        }
        hp_err e = hp_eqc_interp(c.f_hz, c.db, c.n, f, n, v);
        hp_frcurve_release(&c);
        if (e != HP_OK) {
            fmt(why, len, "%s: %s", path, hp_strerror(e));
            free(v);
            return 1;
        }
        /* Welford's running mean and sum of squared deviations. */
        for (size_t i = 0; i < n; i++) {
            double d = v[i] - mean[i];
            mean[i] += d / (double)(k + 1);
            if (sd)
                sd[i] += d * (v[i] - mean[i]);
        }
    }
    if (sd)
        for (size_t i = 0; i < n; i++)
            sd[i] = sqrt(sd[i] / (double)(s->np - 1));
    free(v);
    return 0;
}

/* The session's average: SESSION/average/fr-<ch>.csv when present, else the mean of the
 * done placements on the first placement's grid. */
static int load_session(const char *dir, eq_input *in, char *why, size_t len)
{
    session s;
    if (session_read(dir, &s, why, len))
        return 1;
    base_name(dir, in->name, sizeof in->name);
    in->nch = s.nch;
    int rc = 0;
    for (unsigned c = 0; c < s.nch && !rc; c++) {
        char path[EQ_PATH_MAX + 64];
        fmt(path, sizeof path, "%s/average/fr-%s.csv", dir, s.chan[c]);
        if (file_exists(path)) {
            fmt(in->src[c], sizeof in->src[c], "%s", path);
            rc = read_curve(path, &in->ch[c], why, len);
            continue;
        }
        fmt(path, sizeof path, "%s/fr-%s.csv", s.dirs[0], s.chan[c]);
        fmt(in->src[c], sizeof in->src[c], "%s", dir);
        hp_frcurve first;
        rc = read_curve(path, &first, why, len);
        if (!rc && hp_frcurve_alloc(&in->ch[c], first.n) != HP_OK)
            rc = 1, fmt(why, len, "%s", hp_strerror(HP_ENOMEM));
        if (!rc) {
            memcpy(in->ch[c].f_hz, first.f_hz, first.n * sizeof *first.f_hz);
            rc = placement_stats(&s, s.chan[c], first.f_hz, first.n, in->ch[c].db, NULL, why,
                                 len);
        }
        hp_frcurve_release(&first);
    }
    free(s.dirs);
    return rc;
}

int eq_load_robust(const char *dir, eq_input *in, char *why, size_t len)
{
    session s;
    if (session_read(dir, &s, why, len))
        return 1;
    int rc = 0;
    if (s.np < 2) {
        fmt(why, len, "%s: the seal-aware fit needs at least 2 done placements, found %zu",
                 dir, s.np);
        rc = 1;
    }
    for (unsigned c = 0; c < in->nch && !rc; c++) {
        size_t n = in->ch[c].n;
        double *mean = malloc(n * sizeof *mean), *sd = calloc(n, sizeof *sd);
        double *sd2 = malloc(n * sizeof *sd2);
        if (!mean || !sd || !sd2) {
            fmt(why, len, "%s", hp_strerror(HP_ENOMEM));
            rc = 1;
        }
        /* A two-channel input takes each channel's spread; a one-channel input the spread
         * pooled over the session's channels. */
        unsigned first = in->nch == 2 ? c : 0, last = in->nch == 2 ? c + 1 : s.nch;
        for (unsigned sc = first; sc < last && sc < s.nch && !rc; sc++) {
            rc = placement_stats(&s, s.chan[sc], in->ch[c].f_hz, n, mean, sd2, why, len);
            for (size_t i = 0; !rc && i < n; i++)
                sd[i] += sd2[i] * sd2[i] / (double)(last - first);
        }
        for (size_t i = 0; !rc && i < n; i++)
            sd[i] = sqrt(sd[i]);
        free(mean);
        free(sd2);
        if (rc)
            free(sd);
        else
            in->sd[c] = sd;
    }
    free(s.dirs);
    return rc;
}

int eq_load_input(const eq_opts *o, eq_input *in)
{
    char why[EQ_PATH_MAX + 300];
    memset(in, 0, sizeof *in);
    const char *a = o->input[0];
    int rc;
    if (o->ninput == 0 && o->robust) {
        rc = load_session(o->robust, in, why, sizeof why);
    } else if (o->ninput == 1 && is_dir(a)) {
        char sj[EQ_PATH_MAX + 32];
        fmt(sj, sizeof sj, "%s/session.json", a);
        if (!file_exists(sj))
            return hp_cli_fail("eq", "%s: a directory without session.json (for a directory "
                                     "of measurements use --batch)", a);
        rc = load_session(a, in, why, sizeof why);
    } else {
        rc = eq_load_file(a, in, why, sizeof why);
        char right[EQ_PATH_MAX];
        const char *b = o->ninput == 2 ? o->input[1] : NULL;
        if (!b && right_sibling(a, right, sizeof right) && file_exists(right))
            b = right;
        if (!rc && b) {
            fmt(in->src[1], sizeof in->src[1], "%s", b);
            rc = read_curve(b, &in->ch[1], why, sizeof why);
            in->nch = 2;
            /* "Model L" names the pair "Model". */
            size_t k = strlen(in->name);
            if (!rc && o->ninput == 1 && k >= 2)
                in->name[k - 2] = '\0';
        }
    }
    if (!rc && o->robust)
        rc = eq_load_robust(o->robust, in, why, sizeof why);
    if (rc) {
        eq_input_release(in);
        return hp_cli_fail("eq", "%s", why);
    }
    if (o->name)
        fmt(in->name, sizeof in->name, "%s", o->name);
    return 0;
}
