/* SPDX-License-Identifier: MIT */
/* Rig profiles and the loaded calibration of a measurement chain. */
#include "rig.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "curve.h"
#include "textlines.h"

static hp_err bad(hp_diag *d, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static hp_err bad(hp_diag *d, long line, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        d->line = line;
        vsnprintf(d->reason, sizeof d->reason, fmt, ap);
        va_end(ap);
    }
    return HP_EPARSE;
}

static char *join(const char *dir, hp_word p)
{
    if (p.len >= 2 && p.s[0] == '"' && p.s[p.len - 1] == '"') {
        p.s++;
        p.len -= 2;
    }
    int rel = p.len && p.s[0] != '/' && dir && dir[0];
    size_t dl = rel ? strlen(dir) : 0;
    char *s = malloc(dl + 1 + p.len + 1);
    if (!s)
        return NULL;
    if (rel)
        snprintf(s, dl + 2, "%s/", dir);
    else
        s[0] = '\0';
    strncat(s, p.s, p.len);
    return s;
}

void hp_rig_profile_release(hp_rig_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < HP_RIG_CHANNELS; i++)
        free(p->mic[i]);
    free(p->interface);
    free(p->spl);
    free(p->compensation);
    memset(p, 0, sizeof *p);
}

static hp_err set_path(char **slot, const char *dir, hp_word rest, long line, const char *key,
                       hp_diag *d)
{
    if (*slot)
        return bad(d, line, "%s is given twice", key);
    /* "" names no file; a NUL byte would silently cut the name short */
    if (!rest.len || (rest.len == 2 && rest.s[0] == '"' && rest.s[1] == '"'))
        return bad(d, line, "%s needs a file name", key);
    if (memchr(rest.s, '\0', rest.len))
        return bad(d, line, "%s: the file name contains a NUL byte", key);
    return (*slot = join(dir, rest)) ? HP_OK : HP_ENOMEM;
}

static hp_err profile_line(hp_rig_profile *p, hp_word rest, long line, const char *dir, hp_diag *d)
{
    hp_word key, w;
    unsigned ch;
    hp_word_next(&rest, &key);
    if (hp_word_is(key, "mic")) {
        if (!hp_word_next(&rest, &w) || !hp_word_uint(w, 1, HP_RIG_CHANNELS, &ch))
            return bad(d, line, "mic: expected an input channel 1..%d, then a file", HP_RIG_CHANNELS);
        p->mic_line[ch - 1] = line;
        char name[16];
        snprintf(name, sizeof name, "mic %u", ch);
        return set_path(&p->mic[ch - 1], dir, rest, line, name, d);
    }
    if (hp_word_is(key, "interface"))
        return set_path(&p->interface, dir, rest, line, "interface", d);
    if (hp_word_is(key, "spl"))
        return set_path(&p->spl, dir, rest, line, "spl", d);
    if (hp_word_is(key, "compensation"))
        return set_path(&p->compensation, dir, rest, line, "compensation", d);
    if (hp_word_is(key, "spl_offset")) {
        double v;
        if (!hp_word_next(&rest, &w) || !hp_word_uint(w, 1, HP_RIG_CHANNELS, &ch) ||
            !hp_word_next(&rest, &w) || !hp_word_num(w, &v) || rest.len)
            return bad(d, line, "spl_offset: expected an input channel and an offset in dB");
        if (!isnan(p->spl_offset[ch - 1]))
            return bad(d, line, "spl_offset %u is given twice", ch);
        p->spl_offset[ch - 1] = v;
        return HP_OK;
    }
    return bad(d, line, "unknown setting '%.*s' (mic, interface, spl, spl_offset, compensation)",
               (int)(key.len > 40 ? 40 : key.len), key.s);
}

hp_err hp_rig_profile_parse(const char *buf, size_t len, const char *base_dir,
                            hp_rig_profile *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out || (!buf && len))
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < HP_RIG_CHANNELS; i++)
        out->spl_offset[i] = NAN;
    hp_lines it;
    hp_word line, w;
    hp_lines_init(&it, buf ? buf : "", len);
    if (!hp_lines_next(&it, &line) || !hp_word_next(&line, &w) || !hp_word_is(w, "hpfr-rig") ||
        !hp_word_next(&line, &w) || !hp_word_is(w, "1"))
        return bad(diag, it.lineno ? it.lineno : 1,
                   "not an hpfr rig profile (first line must be 'hpfr-rig 1')");
    hp_err e = HP_OK;
    while (e == HP_OK && hp_lines_next(&it, &line)) {
        /* A '#' after a blank starts a comment. */
        for (size_t i = 1; i < line.len; i++)
            if (line.s[i] == '#' && (line.s[i - 1] == ' ' || line.s[i - 1] == '\t')) {
                line.len = i - 1;
                while (line.len && (line.s[line.len - 1] == ' ' || line.s[line.len - 1] == '\t'))
                    line.len--;
                break;
            }
        e = profile_line(out, line, it.lineno, base_dir, diag);
    }
    if (e != HP_OK)
        hp_rig_profile_release(out);
    return e;
}

void hp_calib_rig_init(hp_calib_rig *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < HP_RIG_CHANNELS; i++)
        r->spl_offset[i] = NAN;
}

void hp_calib_rig_release(hp_calib_rig *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < HP_RIG_CHANNELS; i++) {
        hp_calib_curve_release(&r->mic[i]);
        free(r->mic_path[i]);
    }
    hp_iface_release(&r->iface);
    hp_calib_curve_release(&r->comp);
    free(r->iface_path);
    free(r->spl_path);
    free(r->comp_path);
    free(r->profile_path);
    free(r->failed_path);
    hp_calib_rig_init(r);
}

static hp_err load_curve(hp_calib_curve *c, char **slot, const char *path, hp_diag *d)
{
    char *copy = strdup(path);
    if (!copy)
        return HP_ENOMEM;
    hp_calib_curve nc;
    hp_err e = hp_calib_read(path, &nc, d);
    if (e != HP_OK) {
        free(copy);
        return e;
    }
    hp_calib_curve_release(c);
    *c = nc;
    free(*slot);
    *slot = copy;
    return HP_OK;
}

hp_err hp_calib_rig_set_mic(hp_calib_rig *r, unsigned ch, const char *path, hp_diag *diag)
{
    if (!r || !path || ch < 1 || ch > HP_RIG_CHANNELS)
        return HP_EINVAL;
    return load_curve(&r->mic[ch - 1], &r->mic_path[ch - 1], path, diag);
}

hp_err hp_calib_rig_set_compensation(hp_calib_rig *r, const char *path, hp_diag *diag)
{
    if (!r || !path)
        return HP_EINVAL;
    return load_curve(&r->comp, &r->comp_path, path, diag);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup("");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

static hp_err load_profile_files(hp_calib_rig *r, const hp_rig_profile *p, const char **failed,
                                 hp_diag *d)
{
    hp_err e = HP_OK;
    for (unsigned i = 0; i < HP_RIG_CHANNELS && e == HP_OK; i++)
        if (p->mic[i] && (e = hp_calib_rig_set_mic(r, i + 1, p->mic[i], d)) != HP_OK)
            *failed = p->mic[i];
    if (e == HP_OK && p->compensation &&
        (e = hp_calib_rig_set_compensation(r, p->compensation, d)) != HP_OK)
        *failed = p->compensation;
    if (e == HP_OK && p->interface) {
        hp_iface_release(&r->iface);
        if ((e = hp_iface_read(p->interface, &r->iface, d)) != HP_OK)
            *failed = p->interface;
        else if (!(r->iface_path = strdup(p->interface)))
            e = HP_ENOMEM;
    }
    if (e == HP_OK && p->spl) {
        hp_spl_cal s;
        if ((e = hp_spl_cal_read(p->spl, &s, d)) != HP_OK)
            *failed = p->spl;
        else if (!(r->spl_path = strdup(p->spl)))
            e = HP_ENOMEM;
        for (size_t i = 0; e == HP_OK && i < HP_RIG_CHANNELS; i++)
            r->spl_offset[i] = s.offset_db[i];
    }
    for (size_t i = 0; e == HP_OK && i < HP_RIG_CHANNELS; i++)
        if (!isnan(p->spl_offset[i]))
            r->spl_offset[i] = p->spl_offset[i];
    return e;
}

hp_err hp_calib_rig_load_profile(hp_calib_rig *r, const char *path, const char **failed,
                                 hp_diag *diag)
{
    const char *dummy;
    if (!failed)
        failed = &dummy;
    *failed = path;
    if (!r || !path)
        return HP_EINVAL;
    char *buf, *dir = dir_of(path);
    size_t len;
    hp_err e = dir ? hp_text_read_file(path, (size_t)1 << 20, &buf, &len, diag) : HP_ENOMEM;
    if (e != HP_OK) {
        free(dir);
        return e;
    }
    hp_rig_profile p;
    e = hp_rig_profile_parse(buf, len, dir, &p, diag);
    free(buf);
    free(dir);
    if (e != HP_OK)
        return e;
    const char *bad_file = NULL;
    e = load_profile_files(r, &p, &bad_file, diag);
    if (e != HP_OK && bad_file) {
        free(r->failed_path);
        r->failed_path = strdup(bad_file);
        if (r->failed_path)
            *failed = r->failed_path;
    }
    hp_rig_profile_release(&p);
    if (e == HP_OK) {
        free(r->profile_path);
        if (!(r->profile_path = strdup(path)))
            e = HP_ENOMEM;
    }
    return e;
}

bool hp_calib_rig_any(const hp_calib_rig *r)
{
    if (!r)
        return false;
    if (r->iface.n || r->comp.n)
        return true;
    for (size_t i = 0; i < HP_RIG_CHANNELS; i++)
        if (r->mic[i].n || !isnan(r->spl_offset[i]))
            return true;
    return false;
}

/* Adds the curve (and its phase) interpolated at fq to db/phase. */
static hp_err add_curve(const double *f, const double *v, const double *ph, size_t cn,
                        const double *fq, size_t n, double *db, double *phase, double *tmp,
                        int *has_phase)
{
    hp_err e = hp_curve_interp(f, v, cn, fq, n, tmp);
    for (size_t i = 0; e == HP_OK && i < n; i++)
        db[i] += tmp[i];
    if (e == HP_OK && ph) {
        e = hp_curve_interp_phase(f, ph, cn, fq, n, tmp);
        for (size_t i = 0; e == HP_OK && i < n; i++)
            phase[i] += tmp[i];
        *has_phase = 1;
    }
    return e;
}

hp_err hp_calib_rig_correction(const hp_calib_rig *r, unsigned ch, double rate_hz,
                               const double *fq_hz, size_t n, double *db, double *phase,
                               hp_cal_correction *out, hp_diag *diag)
{
    if (!r || !out || ch < 1 || ch > HP_RIG_CHANNELS || (n && (!fq_hz || !db || !phase)))
        return HP_EINVAL;
    const hp_iface_section *s = NULL;
    if (r->iface.n && !(s = hp_iface_find(&r->iface, ch, rate_hz))) {
        hp_diag_set(diag, "no calibration for input channel %u at %g Hz", ch, rate_hz);
        return HP_ENODATA;
    }
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return HP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        db[i] = phase[i] = 0;
    int has_phase = 0;
    hp_err e = HP_OK;
    const hp_calib_curve *m = &r->mic[ch - 1];
    if (m->n)
        e = add_curve(m->f_hz, m->db, m->phase_deg, m->n, fq_hz, n, db, phase, tmp, &has_phase);
    if (e == HP_OK && s)
        e = add_curve(s->f_hz, s->db, s->phase_deg, s->n, fq_hz, n, db, phase, tmp, &has_phase);
    free(tmp);
    if (e != HP_OK)
        return e;
    out->db = db;
    out->phase_deg = has_phase ? phase : NULL;
    out->offset_db = isnan(r->spl_offset[ch - 1]) ? 0.0 : r->spl_offset[ch - 1];
    return HP_OK;
}
