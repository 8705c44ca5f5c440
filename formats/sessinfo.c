/* SPDX-License-Identifier: MIT */
/* session.json reader: checks everything the statistics and leak analysis rely on, names the
 * line of what is wrong, and ignores what it does not know. */
#include "sessinfo.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

static hp_err bad(hp_diag *d, const hp_jval *at, const hp_jval *fallback, const char *fmt,
                  const char *what)
{
    if (d) {
        long line = hp_json_line(at ? at : fallback);
        d->line = line > 0 ? line : -1;
        hp_diag_set(d, fmt, what);
    }
    return HP_EPARSE;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

static int is_channel_name(const char *s)
{
    if (!*s || strlen(s) > 16)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* A path the analysis may join to the session directory without leaving it. */
static int is_safe_dir(const char *s)
{
    if (!*s || *s == '/' || strlen(s) > 255)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
            return 0;
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        if (*p == '/')
            p++;
    }
    return 1;
}

static hp_err header(const hp_jval *root, hp_sessinfo *out, hp_diag *d)
{
    const hp_jval *fmt = hp_json_get(root, "format"), *ver = hp_json_get(root, "version");
    const char *f = hp_json_as_str(fmt);
    if (!f || strcmp(f, "hpfr-session"))
        return bad(d, fmt, root, "%s", "not an hpfr session: \"format\" must be \"hpfr-session\"");
    double v = hp_json_as_num(ver, NAN);
    if (!(v >= 1) || v != floor(v))
        return bad(d, ver, root, "%s", "\"version\" must be a positive integer");
    if (v > HP_SESSINFO_VERSION)
        return bad(d, ver, root, "%s", "session format version is newer than this hpfr reads (1)");
    const hp_jval *rate = hp_json_get(root, "rate");
    out->rate_hz = hp_json_as_num(rate, NAN);
    if (!(out->rate_hz > 0) || !isfinite(out->rate_hz))
        return bad(d, rate, root, "%s", "\"rate\" must be a positive number");
    const hp_jval *name = hp_json_get(root, "name");
    if (name && !hp_json_is_null(name)) {
        if (!hp_json_as_str(name))
            return bad(d, name, root, "%s", "\"name\" must be a string");
        if (!(out->name = dup_str(hp_json_as_str(name))))
            return HP_ENOMEM;
    }
    return HP_OK;
}

static hp_err channels(const hp_jval *root, hp_sessinfo *out, hp_diag *d)
{
    const hp_jval *ch = hp_json_get(root, "channels");
    size_t n = hp_json_len(ch);
    if (hp_json_type(ch) != HP_JSON_ARR || n == 0 || n > HP_SESSINFO_MAX_CHANNELS)
        return bad(d, ch, root, "%s", "\"channels\" must be an array of 1 to 8 channel names");
    for (size_t i = 0; i < n; i++) {
        const char *s = hp_json_as_str(hp_json_at(ch, i));
        if (!s || !is_channel_name(s))
            return bad(d, hp_json_at(ch, i), ch, "%s",
                       "a channel name must be letters, digits, '_' or '-' (at most 16)");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(out->channels[k], s))
                return bad(d, hp_json_at(ch, i), ch, "channel \"%s\" is listed twice", s);
        if (!(out->channels[i] = dup_str(s)))
            return HP_ENOMEM;
        out->nchannels = i + 1;
    }
    return HP_OK;
}

static hp_err placement(const hp_jval *e, hp_sessinfo_place *p, hp_diag *d)
{
    if (hp_json_type(e) != HP_JSON_OBJ)
        return bad(d, e, NULL, "%s", "each entry of \"placements\" must be an object");
    p->line = hp_json_line(e);
    const hp_jval *idx = hp_json_get(e, "index"), *st = hp_json_get(e, "status");
    double v = hp_json_as_num(idx, NAN);
    if (!(v >= 1) || v > 1e6 || v != floor(v))
        return bad(d, idx, e, "%s", "placement \"index\" must be a positive integer");
    p->index = (unsigned)v;
    const char *status = hp_json_as_str(st);
    if (!status)
        return bad(d, st, e, "%s", "placement \"status\" must be a string");
    p->done = !strcmp(status, "done");
    if (!p->done)
        return HP_OK;
    const hp_jval *dir = hp_json_get(e, "dir");
    const char *s = hp_json_as_str(dir);
    if (!s)
        return bad(d, dir, e, "%s", "a done placement needs its \"dir\"");
    if (!is_safe_dir(s))
        return bad(d, dir, e, "%s",
                   "placement \"dir\" must be a relative path inside the session (no '..')");
    return (p->dir = dup_str(s)) ? HP_OK : HP_ENOMEM;
}

static hp_err placements(const hp_jval *root, hp_sessinfo *out, hp_diag *d)
{
    const hp_jval *pl = hp_json_get(root, "placements");
    if (hp_json_type(pl) != HP_JSON_ARR)
        return bad(d, pl, root, "%s", "\"placements\" must be an array");
    size_t n = hp_json_len(pl);
    out->place = calloc(n ? n : 1, sizeof *out->place);
    if (!out->place)
        return HP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        out->nplace = i + 1;
        hp_err e = placement(hp_json_at(pl, i), &out->place[i], d);
        if (e != HP_OK)
            return e;
        for (size_t k = 0; k < i; k++)
            if (out->place[k].index == out->place[i].index)
                return bad(d, hp_json_at(pl, i), pl, "%s", "two placements have the same \"index\"");
    }
    return HP_OK;
}

hp_err hp_sessinfo_parse(const char *buf, size_t len, hp_sessinfo *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out)
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return HP_EINVAL;
    if (len > HP_SESSINFO_MAX_BYTES) {
        hp_diag_set(diag, "file larger than 16 MiB");
        return HP_ERANGE;
    }
    hp_err e;
    hp_jval *root = hp_json_parse(buf, len, &e, diag);
    if (!root)
        return e;
    if (hp_json_type(root) != HP_JSON_OBJ)
        e = bad(diag, root, NULL, "%s", "not an hpfr session: the top level must be an object");
    else if ((e = header(root, out, diag)) == HP_OK && (e = channels(root, out, diag)) == HP_OK)
        e = placements(root, out, diag);
    hp_json_free(root);
    if (e != HP_OK)
        hp_sessinfo_release(out);
    return e;
}

void hp_sessinfo_release(hp_sessinfo *s)
{
    if (!s)
        return;
    free(s->name);
    for (size_t i = 0; i < s->nchannels; i++)
        free(s->channels[i]);
    for (size_t i = 0; s->place && i < s->nplace; i++)
        free(s->place[i].dir);
    free(s->place);
    memset(s, 0, sizeof *s);
}

size_t hp_sessinfo_ndone(const hp_sessinfo *s)
{
    size_t n = 0;
    for (size_t i = 0; s && i < s->nplace; i++)
        n += s->place[i].done != 0;
    return n;
}
