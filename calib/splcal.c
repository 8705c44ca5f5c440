/* SPDX-License-Identifier: MIT */
/* SPL calibration files: per-input dBFS-to-dB-SPL offsets. */
#include "splcal.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "calfile.h"
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

void hp_spl_cal_init(hp_spl_cal *c)
{
    for (size_t i = 0; i < HP_SPLCAL_CHANNELS; i++)
        c->offset_db[i] = c->ref_db[i] = c->level_dbfs[i] = c->tone_hz[i] = c->spread_db[i] = NAN;
}

static hp_err channel_line(hp_spl_cal *c, hp_word rest, long line, hp_diag *d)
{
    hp_word w, v;
    unsigned ch;
    if (!hp_word_next(&rest, &w) || !hp_word_uint(w, 1, HP_SPLCAL_CHANNELS, &ch))
        return bad(d, line, "channel: expected a channel number 1..%d", HP_SPLCAL_CHANNELS);
    if (!isnan(c->offset_db[ch - 1]))
        return bad(d, line, "channel %u appears twice", ch);
    while (hp_word_next(&rest, &w)) {
        double x;
        if (!hp_word_next(&rest, &v) || !hp_word_num(v, &x))
            return bad(d, line, "%.*s: expected a number", (int)w.len, w.s);
        if (hp_word_is(w, "offset_db"))
            c->offset_db[ch - 1] = x;
        else if (hp_word_is(w, "ref_db"))
            c->ref_db[ch - 1] = x;
        else if (hp_word_is(w, "level_dbfs"))
            c->level_dbfs[ch - 1] = x;
        else if (hp_word_is(w, "tone_hz"))
            c->tone_hz[ch - 1] = x;
        else if (hp_word_is(w, "spread_db"))
            c->spread_db[ch - 1] = x;
    }
    if (isnan(c->offset_db[ch - 1]))
        return bad(d, line, "channel %u has no offset_db", ch);
    return HP_OK;
}

hp_err hp_spl_cal_parse(const char *buf, size_t len, hp_spl_cal *out, hp_diag *diag)
{
    hp_diag_clear(diag);
    if (!out || (!buf && len))
        return HP_EINVAL;
    hp_spl_cal_init(out);
    hp_lines it;
    hp_word line, w;
    hp_lines_init(&it, buf ? buf : "", len);
    if (!hp_lines_next(&it, &line) || !hp_word_next(&line, &w) || !hp_word_is(w, "hpfr-spl") ||
        !hp_word_next(&line, &w) || !hp_word_is(w, "1"))
        return bad(diag, it.lineno ? it.lineno : 1,
                   "not an hpfr SPL calibration (first line must be 'hpfr-spl 1')");
    int any = 0;
    while (hp_lines_next(&it, &line)) {
        hp_word_next(&line, &w);
        if (!hp_word_is(w, "channel"))
            return bad(diag, it.lineno, "expected 'channel N offset_db X'");
        hp_err e = channel_line(out, line, it.lineno, diag);
        if (e != HP_OK)
            return e;
        any = 1;
    }
    if (!any) {
        hp_diag_set(diag, "no channel offsets");
        return HP_ENODATA;
    }
    return HP_OK;
}

hp_err hp_spl_cal_read(const char *path, hp_spl_cal *out, hp_diag *diag)
{
    char *buf;
    size_t len;
    hp_err e = hp_text_read_file(path, (size_t)1 << 20, &buf, &len, diag);
    if (e != HP_OK)
        return e;
    e = hp_spl_cal_parse(buf, len, out, diag);
    free(buf);
    return e;
}

static void opt(FILE *f, const char *key, double v, int dec)
{
    if (!isnan(v))
        fprintf(f, " %s %.*f", key, dec, v);
}

hp_err hp_spl_cal_write(FILE *f, const hp_spl_cal *c)
{
    if (!f || !c)
        return HP_EINVAL;
    fprintf(f, "hpfr-spl 1\n# dB SPL = dBFS + offset_db per input channel (full-scale sine = 0 dBFS)\n");
    for (unsigned i = 0; i < HP_SPLCAL_CHANNELS; i++) {
        if (isnan(c->offset_db[i]))
            continue;
        fprintf(f, "channel %u offset_db %.4f", i + 1, c->offset_db[i]);
        opt(f, "ref_db", c->ref_db[i], 2);
        opt(f, "level_dbfs", c->level_dbfs[i], 4);
        opt(f, "tone_hz", c->tone_hz[i], 2);
        opt(f, "spread_db", c->spread_db[i], 3);
        fputc('\n', f);
    }
    return ferror(f) ? HP_EIO : HP_OK;
}
