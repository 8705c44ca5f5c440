/* SPDX-License-Identifier: MIT */
/* Writing and reading session.json. */
#include "session.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "json.h"
#include "outset.h"

#define FORMAT_NAME "hpfr-session"
#define FORMAT_VERSION 1

void hp_session_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "unknown");
}

static void write_placement(hp_json *j, const hp_placement *p)
{
    char dir[32];
    hp_json_obj_begin(j, NULL);
    hp_json_int(j, "index", p->index);
    if (p->status == HP_PLACEMENT_DONE) {
        snprintf(dir, sizeof dir, "placement-%u", p->index);
        hp_json_str(j, "dir", dir);
        hp_json_str(j, "status", "done");
        hp_json_str(j, "captured", p->captured);
        if (p->latency_frames >= 0)
            hp_json_int(j, "latency_frames", p->latency_frames);
        if (isfinite(p->drift_ppm))
            hp_json_num(j, "drift_ppm", p->drift_ppm);
        hp_json_int(j, "xruns", p->xruns);
        hp_json_int(j, "retries", p->xruns);
    } else {
        hp_json_str(j, "status", "skipped");
    }
    hp_json_obj_end(j);
}

static void write_doc(hp_json *j, const hp_session *s)
{
    hp_json_obj_begin(j, NULL);
    hp_json_str(j, "format", FORMAT_NAME);
    hp_json_int(j, "version", FORMAT_VERSION);
    hp_json_str(j, "name", s->name);
    hp_json_str(j, "created", s->created);
    hp_json_int(j, "rate", s->rate);
    hp_json_obj_begin(j, "devices");
    hp_json_str(j, "playback", s->playback);
    hp_json_str(j, "capture", s->capture);
    hp_json_str(j, "format", s->format);
    hp_json_int(j, "inputs", s->inputs);
    if (s->ref_channel)
        hp_json_int(j, "ref_channel", s->ref_channel);
    hp_json_obj_end(j);
    hp_json_obj_begin(j, "sweep");
    hp_json_str(j, "file", "sweep.wav");
    hp_json_num(j, "f1", s->f1_hz);
    hp_json_num(j, "f2", s->f2_hz);
    hp_json_int(j, "samples", (long long)s->sweep_samples);
    hp_json_num(j, "level_dbfs", s->level_dbfs);
    hp_json_obj_end(j);
    hp_json_arr_begin(j, "channels");
    if (s->ears != 2)
        hp_json_str(j, NULL, "L");
    if (s->ears != 1)
        hp_json_str(j, NULL, "R");
    hp_json_arr_end(j);
    if (s->mic_cal[0] || s->profile[0] || s->compensation[0]) {
        hp_json_obj_begin(j, "calibration");
        if (s->profile[0])
            hp_json_str(j, "profile", s->profile);
        if (s->mic_cal[0])
            hp_json_str(j, "mic_cal", s->mic_cal);
        if (s->compensation[0])
            hp_json_str(j, "compensation", s->compensation);
        hp_json_obj_end(j);
    }
    hp_json_int(j, "placements_planned", s->planned);
    hp_json_arr_begin(j, "placements");
    for (size_t i = 0; i < s->count; i++)
        write_placement(j, &s->placements[i]);
    hp_json_arr_end(j);
    hp_json_obj_end(j);
}

hp_err hp_session_write(const char *dir, const hp_session *s)
{
    if (!dir || !s)
        return HP_EINVAL;
    char *text = NULL, path[4096];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return HP_ENOMEM;
    hp_json j;
    hp_json_init(&j, f);
    write_doc(&j, s);
    hp_err e = hp_json_finish(&j);
    if (fclose(f) != 0 && e == HP_OK)
        e = HP_ENOMEM;
    if (e == HP_OK) {
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, HP_SESSION_FILE) >= sizeof path)
            e = HP_EINVAL;
        else
            e = hp_write_file_atomic(path, text, len);
    }
    free(text);
    return e;
}

static hp_err slurp(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return HP_EIO;
    char *b = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            /* Sessions are small; a multi-megabyte one is not ours. */
            if (cap >= (size_t)16 << 20) {
                free(b);
                fclose(f);
                errno = EFBIG;
                return HP_EIO;
            }
            cap = cap ? 2 * cap : 8192;
            char *nb = realloc(b, cap);
            if (!nb) {
                free(b);
                fclose(f);
                return HP_ENOMEM;
            }
            b = nb;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        errno = EIO;
        return HP_EIO;
    }
    *buf = b;
    *len = n;
    return HP_OK;
}

static void copy_str(char *dst, size_t n, const hp_jval *v)
{
    const char *s = hp_json_as_str(v);
    snprintf(dst, n, "%s", s ? s : "");
}

static hp_err bad(hp_diag *d, const hp_jval *v, const char *what)
{
    hp_diag_clear(d);
    if (d)
        d->line = hp_json_line(v);
    hp_diag_set(d, "%s", what);
    return HP_EPARSE;
}

static hp_err read_placement(const hp_jval *o, hp_placement *p, hp_diag *d)
{
    double idx = hp_json_as_num(hp_json_get(o, "index"), -1);
    const char *status = hp_json_as_str(hp_json_get(o, "status"));
    if (hp_json_type(o) != HP_JSON_OBJ || !(idx >= 1 && idx <= HP_SESSION_MAX_PLACEMENTS) ||
        idx != floor(idx))
        return bad(d, o, "a placement needs an index from 1 to 1000");
    if (!status || (strcmp(status, "done") && strcmp(status, "skipped")))
        return bad(d, o, "a placement's status must be \"done\" or \"skipped\"");
    memset(p, 0, sizeof *p);
    p->index = (unsigned)idx;
    p->status = strcmp(status, "done") ? HP_PLACEMENT_SKIPPED : HP_PLACEMENT_DONE;
    copy_str(p->captured, sizeof p->captured, hp_json_get(o, "captured"));
    /* out of long's range the conversion is undefined: such a latency is unknown (-1) */
    double lat = hp_json_as_num(hp_json_get(o, "latency_frames"), -1);
    p->latency_frames = lat >= 0 && lat < 1e12 ? (long)lat : -1;
    p->drift_ppm = hp_json_as_num(hp_json_get(o, "drift_ppm"), NAN);
    double x = hp_json_as_num(hp_json_get(o, "xruns"), 0);
    p->xruns = x >= 0 && x < 1e6 ? (unsigned)x : 0;
    return HP_OK;
}

static hp_err read_doc(const hp_jval *root, hp_session *s, hp_diag *d)
{
    const char *fmt = hp_json_as_str(hp_json_get(root, "format"));
    if (!fmt || strcmp(fmt, FORMAT_NAME))
        return bad(d, root, "not an hpfr session (\"format\": \"hpfr-session\" missing)");
    if (hp_json_as_num(hp_json_get(root, "version"), 0) != FORMAT_VERSION)
        return bad(d, hp_json_get(root, "version"), "unsupported session version");
    const hp_jval *dev = hp_json_get(root, "devices"), *sw = hp_json_get(root, "sweep");
    copy_str(s->name, sizeof s->name, hp_json_get(root, "name"));
    copy_str(s->created, sizeof s->created, hp_json_get(root, "created"));
    double rate = hp_json_as_num(hp_json_get(root, "rate"), 0);
    if (!(rate >= 8000 && rate <= 768000))
        return bad(d, root, "\"rate\" missing or out of range");
    s->rate = (unsigned)rate;
    copy_str(s->playback, sizeof s->playback, hp_json_get(dev, "playback"));
    copy_str(s->capture, sizeof s->capture, hp_json_get(dev, "capture"));
    copy_str(s->format, sizeof s->format, hp_json_get(dev, "format"));
    s->inputs = (unsigned)fmax(0, fmin(64, hp_json_as_num(hp_json_get(dev, "inputs"), 0)));
    s->ref_channel = (int)fmax(0, fmin(64, hp_json_as_num(hp_json_get(dev, "ref_channel"), 0)));
    s->f1_hz = hp_json_as_num(hp_json_get(sw, "f1"), NAN);
    s->f2_hz = hp_json_as_num(hp_json_get(sw, "f2"), NAN);
    s->level_dbfs = hp_json_as_num(hp_json_get(sw, "level_dbfs"), NAN);
    s->sweep_samples = (size_t)fmax(0, fmin(1e9, hp_json_as_num(hp_json_get(sw, "samples"), 0)));
    s->planned = (unsigned)fmax(0, fmin(HP_SESSION_MAX_PLACEMENTS,
                                        hp_json_as_num(hp_json_get(root, "placements_planned"), 0)));
    const hp_jval *cal = hp_json_get(root, "calibration");
    copy_str(s->profile, sizeof s->profile, hp_json_get(cal, "profile"));
    copy_str(s->mic_cal, sizeof s->mic_cal, hp_json_get(cal, "mic_cal"));
    copy_str(s->compensation, sizeof s->compensation, hp_json_get(cal, "compensation"));
    const hp_jval *chans = hp_json_get(root, "channels");
    int has_l = 0, has_r = 0;
    for (size_t i = 0; i < hp_json_len(chans); i++) {
        const char *c = hp_json_as_str(hp_json_at(chans, i));
        has_l |= c && !strcmp(c, "L");
        has_r |= c && !strcmp(c, "R");
    }
    s->ears = has_l && !has_r ? 1 : has_r && !has_l ? 2 : 0;
    const hp_jval *pl = hp_json_get(root, "placements");
    if (hp_json_type(pl) != HP_JSON_ARR)
        return bad(d, root, "\"placements\" must be an array");
    for (size_t i = 0; i < hp_json_len(pl); i++) {
        hp_placement p;
        hp_err e = read_placement(hp_json_at(pl, i), &p, d);
        if (e == HP_OK && hp_session_last_index(s) >= p.index)
            e = bad(d, hp_json_at(pl, i), "placement indices must increase");
        if (e == HP_OK)
            e = hp_session_add(s, &p);
        if (e != HP_OK)
            return e;
    }
    return HP_OK;
}

hp_err hp_session_parse(const char *text, size_t len, hp_session *s, hp_diag *diag)
{
    if (!s || (!text && len > 0))
        return HP_EINVAL;
    memset(s, 0, sizeof *s);
    hp_diag_clear(diag);
    hp_err e;
    hp_jval *root = hp_json_parse(text, len, &e, diag);
    if (!root)
        return e;
    e = read_doc(root, s, diag);
    hp_json_free(root);
    if (e != HP_OK)
        hp_session_release(s);
    return e;
}

hp_err hp_session_read(const char *dir, hp_session *s, hp_diag *diag)
{
    char path[4096], *text = NULL;
    size_t len = 0;
    if (!dir || !s)
        return HP_EINVAL;
    memset(s, 0, sizeof *s);
    hp_diag_clear(diag);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, HP_SESSION_FILE) >= sizeof path)
        return HP_EINVAL;
    hp_err e = slurp(path, &text, &len);
    if (e != HP_OK)
        return e;
    e = hp_session_parse(text, len, s, diag);
    free(text);
    return e;
}

hp_err hp_session_add(hp_session *s, const hp_placement *p)
{
    if (!s || !p)
        return HP_EINVAL;
    if (s->count >= HP_SESSION_MAX_PLACEMENTS)
        return HP_ERANGE;
    hp_placement *np = realloc(s->placements, (s->count + 1) * sizeof *np);
    if (!np)
        return HP_ENOMEM;
    s->placements = np;
    s->placements[s->count++] = *p;
    return HP_OK;
}

unsigned hp_session_last_index(const hp_session *s)
{
    return s && s->count ? s->placements[s->count - 1].index : 0;
}

void hp_session_release(hp_session *s)
{
    if (s) {
        free(s->placements);
        s->placements = NULL;
        s->count = 0;
    }
}
