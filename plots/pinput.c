/* SPDX-License-Identifier: MIT */
/* Input files for plots, read strictly: a damaged file stops the plot with its name and line
 * rather than drawing something wrong. */
#include "pinput.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t n, const char *fmt, ...)
{
    if (!why || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

char *hp_pin_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t k = a;
    if (a && dir[a - 1] != '/')
        p[k++] = '/';
    memcpy(p + k, name, b + 1);
    return p;
}

int hp_pin_is_dir(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int hp_pin_is_file(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void hp_pin_basename(const char *path, const char *ext, char *buf, size_t size)
{
    if (!size)
        return;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t s = n;
    while (s > 0 && path[s - 1] != '/')
        s--;
    size_t len = n - s;
    size_t el = ext ? strlen(ext) : 0;
    if (el && len > el && !strncmp(path + n - el, ext, el))
        len -= el;
    if (len >= size)
        len = size - 1;
    memcpy(buf, path + s, len);
    buf[len] = '\0';
}

hp_err hp_pin_slurp(const char *path, char **buf, size_t *len, char *why, size_t wl)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
        say(why, wl, "%s: %s", path, f ? "is a directory" : strerror(errno));
        if (f)
            fclose(f);
        return HP_EIO;
    }
    size_t cap = 65536, n = 0;
    char *p = malloc(cap + 1);
    while (p) {
        n += fread(p + n, 1, cap - n, f);
        if (n < cap || ferror(f))
            break;
        if (cap >= HP_PIN_MAX_BYTES) {
            free(p);
            fclose(f);
            say(why, wl, "%s: larger than %u MiB", path, HP_PIN_MAX_BYTES >> 20);
            return HP_EIO;
        }
        char *q = realloc(p, 2 * cap + 1);
        if (!q) {
            free(p);
            p = NULL;
            break;
        }
        p = q;
        cap *= 2;
    }
    int bad = !p || ferror(f);
    fclose(f);
    if (bad) {
        free(p);
        say(why, wl, "%s: %s", path, p ? "read error" : "out of memory");
        return p ? HP_EIO : HP_ENOMEM;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return HP_OK;
}

static void diag_msg(char *why, size_t wl, const char *path, const hp_diag *d)
{
    if (d->line > 0 && d->column > 0)
        say(why, wl, "%s:%ld:%ld: %s", path, d->line, d->column, d->reason);
    else if (d->line > 0)
        say(why, wl, "%s:%ld: %s", path, d->line, d->reason);
    else
        say(why, wl, "%s: %s", path, d->reason[0] ? d->reason : "cannot be read");
}

/* The table in len bytes at buf, read from path (which messages name). */
static hp_err table_parse(const char *path, const char *buf, size_t len, hp_ptable *t, char *why,
                          size_t wl)
{
    hp_diag d;
    hp_err e = hp_ptable_parse(buf, len, t, &d);
    if (e == HP_ENOMEM)
        say(why, wl, "out of memory");
    else if (e != HP_OK)
        diag_msg(why, wl, path, &d);
    return e;
}

hp_err hp_pin_table(const char *path, hp_ptable *t, char *why, size_t wl)
{
    char *buf;
    size_t len;
    hp_err e = hp_pin_slurp(path, &buf, &len, why, wl);
    if (e != HP_OK) {
        memset(t, 0, sizeof *t);
        return e;
    }
    e = table_parse(path, buf, len, t, why, wl);
    free(buf);
    return e;
}

hp_err hp_pin_column(const hp_ptable *t, const char *path, const char *name, int required,
                     double **out, char *why, size_t wl)
{
    *out = NULL;
    int c = hp_ptable_find(t, name);
    if (c < 0) {
        if (!required)
            return HP_OK;
        say(why, wl, "%s: no column '%s'", path, name);
        return HP_EFORMAT;
    }
    double *v = malloc(t->nrows * sizeof *v);
    if (!v) {
        say(why, wl, "out of memory");
        return HP_ENOMEM;
    }
    hp_diag d;
    hp_err e = hp_ptable_numbers(t, (size_t)c, v, &d);
    if (e != HP_OK) {
        free(v);
        if (e == HP_ENOMEM)
            say(why, wl, "out of memory");
        else
            diag_msg(why, wl, path, &d);
        return e;
    }
    *out = v;
    return HP_OK;
}

hp_err hp_pin_freq(const hp_ptable *t, const char *path, double **out, char *why, size_t wl)
{
    hp_err e = hp_pin_column(t, path, "frequency", 1, out, why, wl);
    if (e != HP_OK)
        return e;
    const double *f = *out;
    for (size_t i = 0; i < t->nrows; i++) {
        const char *bad = !isfinite(f[i]) || f[i] <= 0 ? "frequency must be a positive number"
                          : i > 0 && !(f[i] > f[i - 1]) ? "frequencies must rise from row to row"
                                                        : NULL;
        if (bad) {
            say(why, wl, "%s:%ld: %s", path, t->line[i], bad);
            free(*out);
            *out = NULL;
            return HP_EPARSE;
        }
    }
    return HP_OK;
}

/* The JSON object in len bytes at buf, read from path (which messages name). */
static hp_err json_parse(const char *path, const char *buf, size_t len, hp_jval **root,
                         char *why, size_t wl)
{
    hp_err e;
    hp_diag d;
    hp_diag_clear(&d);
    *root = hp_json_parse(buf, len, &e, &d);
    if (!*root) {
        if (e == HP_ENOMEM)
            say(why, wl, "out of memory");
        else
            diag_msg(why, wl, path, &d);
        return e == HP_OK ? HP_EPARSE : e;
    }
    if (hp_json_type(*root) != HP_JSON_OBJ) {
        say(why, wl, "%s: not a JSON object", path);
        hp_json_free(*root);
        *root = NULL;
        return HP_EFORMAT;
    }
    return HP_OK;
}

hp_err hp_pin_json(const char *path, hp_jval **root, char *why, size_t wl)
{
    char *buf;
    size_t len;
    *root = NULL;
    hp_err e = hp_pin_slurp(path, &buf, &len, why, wl);
    if (e != HP_OK)
        return e;
    e = json_parse(path, buf, len, root, why, wl);
    free(buf);
    return e;
}

/* "fr-L" -> "L", "eq-R" -> "R", anything else unchanged. */
static void channel_label(const char *path, char *buf, size_t size)
{
    char stem[128];
    hp_pin_basename(path, ".csv", stem, sizeof stem);
    const char *s = stem;
    if ((!strncmp(s, "fr-", 3) || !strncmp(s, "eq-", 3)) && s[3])
        s += 3;
    snprintf(buf, size, "%s", s);
}

hp_err hp_pin_fr_read(const char *path, hp_pin_fr *fr, char *why, size_t wl)
{
    char *buf;
    size_t len;
    memset(fr, 0, sizeof *fr);
    hp_err e = hp_pin_slurp(path, &buf, &len, why, wl);
    if (e != HP_OK)
        return e;
    e = hp_pin_fr_parse(path, buf, len, fr, why, wl);
    free(buf);
    return e;
}

hp_err hp_pin_fr_parse(const char *path, const char *buf, size_t len, hp_pin_fr *fr, char *why,
                       size_t wl)
{
    memset(fr, 0, sizeof *fr);
    hp_ptable t;
    hp_err e = table_parse(path, buf, len, &t, why, wl);
    if (e != HP_OK)
        return e;
    if (!(fr->path = strdup(path))) {
        say(why, wl, "out of memory");
        e = HP_ENOMEM;
    }
    channel_label(path, fr->label, sizeof fr->label);
    fr->n = t.nrows;
    if (e == HP_OK)
        e = hp_pin_freq(&t, path, &fr->f, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(&t, path, "raw", 0, &fr->raw, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(&t, path, "smoothed", 0, &fr->smoothed, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(&t, path, "target", 0, &fr->target, why, wl);
    /* AutoEq writes equalized_smoothed beside equalized_raw; ours has only the raw one. */
    if (e == HP_OK)
        e = hp_pin_column(&t, path, "equalized_smoothed", 0, &fr->equalized, why, wl);
    if (e == HP_OK && !fr->equalized)
        e = hp_pin_column(&t, path, "equalized_raw", 0, &fr->equalized, why, wl);
    if (e == HP_OK && !fr->raw && !fr->smoothed) {
        say(why, wl, "%s: no column 'raw' or 'smoothed' (a frequency response has "
                     "frequency,raw,smoothed,...)", path);
        e = HP_EFORMAT;
    }
    hp_ptable_release(&t);
    if (e != HP_OK)
        hp_pin_fr_release(fr);
    return e;
}

void hp_pin_fr_release(hp_pin_fr *fr)
{
    if (!fr)
        return;
    free(fr->path);
    free(fr->f);
    free(fr->raw);
    free(fr->smoothed);
    free(fr->target);
    free(fr->equalized);
    memset(fr, 0, sizeof *fr);
}

const double *hp_pin_fr_curve(const hp_pin_fr *fr, int use_raw)
{
    if (use_raw)
        return fr->raw ? fr->raw : fr->smoothed;
    return fr->smoothed ? fr->smoothed : fr->raw;
}

int hp_pin_is_session(const char *dir)
{
    char *p = hp_pin_join(dir, "session.json");
    int r = hp_pin_is_file(p);
    free(p);
    return r;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* The rig profile a session was measured with, however it is recorded: a string, or an
 * object with a name or file, or hpfr measure's "calibration": {"profile": FILE}. */
static void profile_of(const hp_jval *root, char *buf, size_t size)
{
    static const char *const keys[] = {"profile", "rig_profile", "calibration"};
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof keys / sizeof *keys && !buf[0]; k++) {
        const hp_jval *v = hp_json_get(root, keys[k]);
        const char *s = hp_json_as_str(v);
        if (!s)
            s = hp_json_as_str(hp_json_get(v, "name"));
        if (!s)
            s = hp_json_as_str(hp_json_get(v, "file"));
        if (!s)
            s = hp_json_as_str(hp_json_get(v, "profile"));
        copy_str(buf, size, s);
    }
}

/* A placement directory named in session.json must stay inside the session. */
static int safe_subdir(const char *d)
{
    if (!d || !*d || d[0] == '/')
        return 0;
    for (const char *p = d; *p;) {
        size_t n = strcspn(p, "/");
        if ((n == 2 && !strncmp(p, "..", 2)))
            return 0;
        p += n + (p[n] == '/');
    }
    return 1;
}

static hp_err session_channels(hp_pin_session *s, const hp_jval *root, const char *path,
                               char *why, size_t wl)
{
    const hp_jval *ch = hp_json_get(root, "channels");
    if (!ch) {
        s->nch = 2;
        copy_str(s->ch[0], sizeof s->ch[0], "L");
        copy_str(s->ch[1], sizeof s->ch[1], "R");
        return HP_OK;
    }
    size_t n = hp_json_len(ch);
    if (hp_json_type(ch) != HP_JSON_ARR || n < 1 || n > HP_PIN_MAX_CH) {
        say(why, wl, "%s:%ld: \"channels\" must list 1 to %d channel names", path,
            hp_json_line(ch), HP_PIN_MAX_CH);
        return HP_EFORMAT;
    }
    for (size_t i = 0; i < n; i++) {
        const char *c = hp_json_as_str(hp_json_at(ch, i));
        if (!c || !*c || strlen(c) >= sizeof s->ch[0] || strchr(c, '/')) {
            say(why, wl, "%s:%ld: a channel name must be a short string", path,
                hp_json_line(hp_json_at(ch, i)));
            return HP_EFORMAT;
        }
        copy_str(s->ch[i], sizeof s->ch[i], c);
    }
    s->nch = n;
    return HP_OK;
}

static hp_err session_placements(hp_pin_session *s, const hp_jval *root, const char *path,
                                 char *why, size_t wl)
{
    const hp_jval *pl = hp_json_get(root, "placements");
    if (hp_json_type(pl) != HP_JSON_ARR) {
        say(why, wl, "%s: no \"placements\" list", path);
        return HP_EFORMAT;
    }
    size_t n = hp_json_len(pl);
    s->pdir = calloc(n ? n : 1, sizeof *s->pdir);
    s->pindex = calloc(n ? n : 1, sizeof *s->pindex);
    if (!s->pdir || !s->pindex) {
        say(why, wl, "out of memory");
        return HP_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const hp_jval *p = hp_json_at(pl, i);
        const char *status = hp_json_as_str(hp_json_get(p, "status"));
        if (!status || strcmp(status, "done"))
            continue;
        const char *d = hp_json_as_str(hp_json_get(p, "dir"));
        if (!safe_subdir(d)) {
            say(why, wl, "%s:%ld: a done placement needs a \"dir\" inside the session", path,
                hp_json_line(p));
            return HP_EFORMAT;
        }
        double idx = hp_json_as_num(hp_json_get(p, "index"), (double)(i + 1));
        if (!(s->pdir[s->np] = hp_pin_join(s->dir, d))) {
            say(why, wl, "out of memory");
            return HP_ENOMEM;
        }
        s->pindex[s->np++] = idx >= 1 && idx <= 1e6 ? (int)idx : (int)(i + 1);
    }
    if (!s->np) {
        say(why, wl, "%s: no placement is done yet", path);
        return HP_ENODATA;
    }
    return HP_OK;
}

hp_err hp_pin_session_read(const char *dir, hp_pin_session *s, char *why, size_t wl)
{
    memset(s, 0, sizeof *s);
    char *path = hp_pin_join(dir, "session.json"), *buf;
    size_t len;
    if (!path) {
        say(why, wl, "out of memory");
        return HP_ENOMEM;
    }
    hp_err e = hp_pin_slurp(path, &buf, &len, why, wl);
    free(path);
    if (e != HP_OK)
        return e;
    e = hp_pin_session_parse(dir, buf, len, s, why, wl);
    free(buf);
    return e;
}

hp_err hp_pin_session_parse(const char *dir, const char *buf, size_t len, hp_pin_session *s,
                            char *why, size_t wl)
{
    memset(s, 0, sizeof *s);
    char *path = hp_pin_join(dir, "session.json");
    if (!path || !(s->dir = strdup(dir))) {
        free(path);
        say(why, wl, "out of memory");
        return HP_ENOMEM;
    }
    hp_jval *root;
    hp_err e = json_parse(path, buf, len, &root, why, wl);
    if (e == HP_OK) {
        const char *fmt = hp_json_as_str(hp_json_get(root, "format"));
        if (!fmt || strcmp(fmt, "hpfr-session")) {
            say(why, wl, "%s: not an hpfr session (\"format\" is not \"hpfr-session\")", path);
            e = HP_EFORMAT;
        }
    }
    if (e == HP_OK) {
        copy_str(s->name, sizeof s->name, hp_json_as_str(hp_json_get(root, "name")));
        copy_str(s->created, sizeof s->created, hp_json_as_str(hp_json_get(root, "created")));
        profile_of(root, s->profile, sizeof s->profile);
        e = session_channels(s, root, path, why, wl);
    }
    if (e == HP_OK)
        e = session_placements(s, root, path, why, wl);
    hp_json_free(root);
    free(path);
    if (e != HP_OK)
        hp_pin_session_release(s);
    return e;
}

void hp_pin_session_release(hp_pin_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->pdir && i < s->np; i++)
        free(s->pdir[i]);
    free(s->pdir);
    free(s->pindex);
    free(s->dir);
    memset(s, 0, sizeof *s);
}

/* The directory an input lives in (itself for a directory), malloc'ed. */
static char *input_dir(const char *input)
{
    if (hp_pin_is_dir(input))
        return strdup(input);
    const char *slash = strrchr(input, '/');
    if (!slash)
        return strdup(".");
    return strndup(input, slash == input ? 1 : (size_t)(slash - input));
}

static hp_err meta_summary(const char *dir, hp_pin_meta *m, char *why, size_t wl)
{
    char *p = hp_pin_join(dir, "summary.json");
    hp_err e = HP_OK;
    if (p && hp_pin_is_file(p)) {
        hp_jval *root;
        e = hp_pin_json(p, &root, why, wl);
        if (e == HP_OK) {
            const char *s = hp_json_as_str(hp_json_get(root, "smoothing"));
            copy_str(m->smoothing, sizeof m->smoothing, s ? s : hp_json_as_str(hp_json_get(root, "smooth")));
        }
        hp_json_free(root);
    }
    free(p);
    return e;
}

static hp_err meta_session(const char *dir, hp_pin_meta *m, char *why, size_t wl)
{
    /* the input's directory, its parent (a placement) and grandparent (a placement's file) */
    char *d = strdup(dir);
    hp_err e = HP_OK;
    for (int up = 0; d && up < 3 && e == HP_OK; up++) {
        char *p = hp_pin_join(d, "session.json");
        if (p && hp_pin_is_file(p)) {
            hp_jval *root;
            e = hp_pin_json(p, &root, why, wl);
            if (e == HP_OK) {
                copy_str(m->name, sizeof m->name, hp_json_as_str(hp_json_get(root, "name")));
                const char *c = hp_json_as_str(hp_json_get(root, "created"));
                snprintf(m->date, sizeof m->date, "%.10s", c ? c : "");
                profile_of(root, m->profile, sizeof m->profile);
            }
            hp_json_free(root);
            free(p);
            break;
        }
        free(p);
        char *up_dir = hp_pin_join(d, "..");
        free(d);
        d = up_dir;
    }
    free(d);
    return e;
}

hp_err hp_pin_meta_find(const char *input, hp_pin_meta *m, char *why, size_t wl)
{
    memset(m, 0, sizeof *m);
    char *dir = input_dir(input);
    if (!dir) {
        say(why, wl, "out of memory");
        return HP_ENOMEM;
    }
    hp_err e = meta_summary(dir, m, why, wl);
    if (e == HP_OK)
        e = meta_session(dir, m, why, wl);
    free(dir);
    return e;
}

static void append(char *buf, size_t size, const char *pre, const char *s, const char *sep)
{
    if (!s || !*s)
        return;
    size_t n = strlen(buf);
    if (n < size)
        snprintf(buf + n, size - n, "%s%s%s", n ? sep : "", pre, s);
}

void hp_pin_title(const char *what, const hp_pin_meta *m, char *buf, size_t size)
{
    static const char sep[] = "  \xC2\xB7  "; /* U+00B7: canvasmath.js draws Latin-1 */
    if (!size)
        return;
    buf[0] = '\0';
    append(buf, size, "", what, sep);
    if (m) {
        append(buf, size, "", m->name, sep);
        append(buf, size, "", m->date, sep);
        append(buf, size, "smoothing ", m->smoothing, sep);
        append(buf, size, "rig profile ", m->profile, sep);
    }
}
