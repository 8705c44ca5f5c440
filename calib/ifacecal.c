/* SPDX-License-Identifier: MIT */
/* Interface (loopback) calibration files: parse, write, add or replace a section. */
#include "ifacecal.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "calfile.h"
#include "textlines.h"

#define MAGIC "hpfr-interface"

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

static void section_free(hp_iface_section *s)
{
    free(s->f_hz);
    free(s->db);
    free(s->phase_deg);
    memset(s, 0, sizeof *s);
}

void hp_iface_release(hp_iface_cal *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        section_free(&c->sec[i]);
    free(c->sec);
    c->sec = NULL;
    c->n = 0;
}

const hp_iface_section *hp_iface_find(const hp_iface_cal *c, unsigned channel, double rate_hz)
{
    for (size_t i = 0; c && i < c->n; i++)
        if (c->sec[i].channel == channel && c->sec[i].rate_hz == rate_hz)
            return &c->sec[i];
    return NULL;
}

static hp_err push_row(hp_iface_section *s, size_t *cap, double f, double db, double ph)
{
    if (s->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 512;
        double *a = realloc(s->f_hz, nc * sizeof *a);
        if (a)
            s->f_hz = a;
        double *b = realloc(s->db, nc * sizeof *b);
        if (b)
            s->db = b;
        double *p = realloc(s->phase_deg, nc * sizeof *p);
        if (p)
            s->phase_deg = p;
        if (!a || !b || !p)
            return HP_ENOMEM;
        *cap = nc;
    }
    s->f_hz[s->n] = f;
    s->db[s->n] = db;
    s->phase_deg[s->n] = ph;
    s->n++;
    return HP_OK;
}

static hp_err section_line(hp_iface_cal *c, hp_word rest, long line, hp_diag *d)
{
    hp_word w;
    unsigned ch;
    double rate, gain = 0;
    if (!hp_word_next(&rest, &w) || !hp_word_uint(w, 1, 64, &ch))
        return bad(d, line, "channel: expected a channel number 1..64");
    if (!hp_word_next(&rest, &w) || !hp_word_is(w, "rate") || !hp_word_next(&rest, &w) ||
        !hp_word_num(w, &rate) || rate <= 0)
        return bad(d, line, "channel %u: expected 'rate HZ'", ch);
    while (hp_word_next(&rest, &w)) {
        hp_word v;
        if (!hp_word_next(&rest, &v))
            return bad(d, line, "'%.*s' without a value", (int)w.len, w.s);
        if (hp_word_is(w, "gain_db") && !hp_word_num(v, &gain))
            return bad(d, line, "gain_db: not a number");
    }
    if (hp_iface_find(c, ch, rate))
        return bad(d, line, "channel %u at %g Hz appears twice", ch, rate);
    hp_iface_section *ns = realloc(c->sec, (c->n + 1) * sizeof *ns);
    if (!ns)
        return HP_ENOMEM;
    c->sec = ns;
    memset(&c->sec[c->n], 0, sizeof *c->sec);
    c->sec[c->n].channel = ch;
    c->sec[c->n].rate_hz = rate;
    c->sec[c->n].gain_db = gain;
    c->n++;
    return HP_OK;
}

hp_err hp_iface_parse(const char *buf, size_t len, hp_iface_cal *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out || (!buf && len))
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    hp_lines it;
    hp_word line, w;
    hp_lines_init(&it, buf ? buf : "", len);
    if (!hp_lines_next(&it, &line) || !hp_word_next(&line, &w) || !hp_word_is(w, MAGIC) ||
        !hp_word_next(&line, &w) || !hp_word_is(w, "1"))
        return bad(diag, it.lineno ? it.lineno : 1, "not an hpfr interface calibration (first "
                   "line must be '" MAGIC " 1')");
    hp_err e = HP_OK;
    size_t cap = 0;
    long sec_line = 0;
    while (e == HP_OK && hp_lines_next(&it, &line)) {
        hp_word rest = line;
        hp_word_next(&rest, &w);
        if (hp_word_is(w, "channel")) {
            if (out->n && out->sec[out->n - 1].n == 0)
                e = bad(diag, sec_line, "section without rows");
            else
                e = section_line(out, rest, it.lineno, diag);
            cap = 0;
            sec_line = it.lineno;
            continue;
        }
        if (!out->n) {
            e = bad(diag, it.lineno, "row before the first 'channel N rate HZ' line");
            break;
        }
        hp_iface_section *s = &out->sec[out->n - 1];
        double f, db, ph;
        hp_word wd, wp;
        if (!hp_word_num(w, &f) || !hp_word_next(&rest, &wd) || !hp_word_num(wd, &db) ||
            !hp_word_next(&rest, &wp) || !hp_word_num(wp, &ph) || rest.len)
            e = bad(diag, it.lineno, "expected 'frequency db phase'");
        else if (!(f > 0) || (s->n && !(f > s->f_hz[s->n - 1])))
            e = bad(diag, it.lineno, "frequency %g Hz: frequencies must be positive and ascend", f);
        else
            e = push_row(s, &cap, f, db, ph);
    }
    if (e == HP_OK && (!out->n || out->sec[out->n - 1].n == 0))
        e = bad(diag, out->n ? sec_line : it.lineno, "no calibration rows");
    if (e != HP_OK)
        hp_iface_release(out);
    return e;
}

hp_err hp_iface_read(const char *path, hp_iface_cal *out, hp_diag *diag)
{
    char *buf;
    size_t len;
    if (out)
        memset(out, 0, sizeof *out);
    hp_err e = hp_text_read_file(path, (size_t)64 << 20, &buf, &len, diag);
    if (e != HP_OK)
        return e;
    e = hp_iface_parse(buf, len, out, diag);
    free(buf);
    return e;
}

hp_err hp_iface_write(FILE *f, const hp_iface_cal *c)
{
    if (!f || !c)
        return HP_EINVAL;
    fprintf(f, MAGIC " 1\n"
               "# Loopback response (output to input through a cable) per input channel and\n"
               "# sample rate, normalised to 0 dB at 1 kHz; hpfr analyze divides it out.\n"
               "# Rows: frequency_hz db phase_deg (phase relative to the loopback's onset).\n");
    for (size_t i = 0; i < c->n; i++) {
        const hp_iface_section *s = &c->sec[i];
        fprintf(f, "channel %u rate %.17g gain_db %.6f\n", s->channel, s->rate_hz, s->gain_db);
        for (size_t k = 0; k < s->n; k++)
            fprintf(f, "%.6f %.6f %.4f\n", s->f_hz[k], s->db[k], s->phase_deg[k]);
    }
    return ferror(f) ? HP_EIO : HP_OK;
}

hp_err hp_iface_set(hp_iface_cal *c, unsigned channel, double rate_hz, double gain_db,
                    const double *f_hz, const double *db, const double *phase_deg, size_t n)
{
    if (!c || !f_hz || !db || !phase_deg || !n || !channel || !(rate_hz > 0))
        return HP_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (!(f_hz[k] > 0) || (k && !(f_hz[k] > f_hz[k - 1])) || !isfinite(db[k]) ||
            !isfinite(phase_deg[k]))
            return HP_EINVAL;
    hp_iface_section s = {channel, rate_hz, gain_db, n, malloc(n * sizeof(double)),
                          malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    if (!s.f_hz || !s.db || !s.phase_deg) {
        section_free(&s);
        return HP_ENOMEM;
    }
    memcpy(s.f_hz, f_hz, n * sizeof(double));
    memcpy(s.db, db, n * sizeof(double));
    memcpy(s.phase_deg, phase_deg, n * sizeof(double));
    hp_iface_section *old = (hp_iface_section *)hp_iface_find(c, channel, rate_hz);
    if (old) {
        section_free(old);
        *old = s;
        return HP_OK;
    }
    hp_iface_section *ns = realloc(c->sec, (c->n + 1) * sizeof *ns);
    if (!ns) {
        section_free(&s);
        return HP_ENOMEM;
    }
    c->sec = ns;
    c->sec[c->n++] = s;
    return HP_OK;
}
