/* SPDX-License-Identifier: MIT */
/* The export entry points: the format list, checks of the profile, the profile as written
 * (rounded, with a preamp that still keeps every frequency at or below 0 dBFS), and one
 * atomic output set for all the files. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "eqexport_impl.h"
#include "num.h"

const double eqx_fir_rates[EQX_FIR_NRATES] = {44100, 48000, 88200, 96000, 192000};

static const struct {
    const char *name;
    unsigned bit;
} formats[] = {
    {"apo", HP_EQX_APO},         {"graphic", HP_EQX_GRAPHIC},
    {"csv", HP_EQX_CSV},         {"pipewire", HP_EQX_PIPEWIRE},
    {"easyeffects", HP_EQX_EASYEFFECTS}, {"camilladsp", HP_EQX_CAMILLA},
    {"sox", HP_EQX_SOX},         {"rew", HP_EQX_REW},
    {"fir", HP_EQX_FIR},         {"apo-rates", HP_EQX_APO_RATES},
};

hp_err hp_eqx_parse_formats(const char *list, unsigned *mask)
{
    if (!list || !mask || !*list)
        return HP_EINVAL;
    if (!strcmp(list, "all")) {
        *mask = HP_EQX_ALL;
        return HP_OK;
    }
    unsigned m = 0;
    const char *p = list;
    for (;;) {
        size_t k = strcspn(p, ","), i = 0, nf = sizeof formats / sizeof formats[0];
        while (i < nf && !(strlen(formats[i].name) == k && !strncmp(formats[i].name, p, k)))
            i++;
        if (i == nf)
            return HP_EINVAL;
        m |= formats[i].bit;
        p += k;
        if (!*p)
            break;
        p++; /* a comma, which must be followed by another name */
    }
    *mask = m;
    return HP_OK;
}

FILE *eqx_open(eqx_ctx *c, const char *name)
{
    errno = 0;
    FILE *f = hp_outset_fopen(c->set, name);
    if (!f)
        eqx_fail(c, name, HP_EIO, "%s", errno ? strerror(errno) : "cannot create");
    return f;
}

hp_err eqx_write_failed(eqx_ctx *c, const char *name, hp_err err)
{
    int e = errno;
    return eqx_fail(c, name, err, "write failed: %s", e ? strerror(e) : hp_strerror(err));
}

hp_err eqx_fail(eqx_ctx *c, const char *name, hp_err err, const char *fmt, ...)
{
    if (c->why && c->why_len) {
        int k = snprintf(c->why, c->why_len, "%s/%s: ", c->dir, name);
        if (k >= 0 && (size_t)k < c->why_len) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->why + k, c->why_len - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return err;
}

const char *eqx_num(char *buf, double v, int decimals)
{
    if (hp_num_fixed(buf, EQX_NUM_LEN, v, decimals) != HP_OK) {
        strcpy(buf, "0");
        return buf;
    }
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    if (!strcmp(buf, "-0"))
        strcpy(buf, "0");
    return buf;
}

const char *eqx_apo_type(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "LSC" : t == HP_BQ_HIGHSHELF ? "HSC" : "PK";
}

const char *eqx_ch_suffix(const hp_eq_export *e, unsigned ch)
{
    return e->nch == 1 ? "" : ch ? "-R" : "-L";
}

const double *eqx_fir_curve(const hp_eq_export *e, unsigned ch)
{
    if (!e->freq || e->n < 2)
        return NULL;
    return e->equalization[ch] ? e->equalization[ch] : e->parametric_eq[ch];
}

void eqx_fir_name(char *buf, size_t len, hp_fir_phase phase, double rate_hz,
                  const hp_eq_export *e, unsigned ch)
{
    snprintf(buf, len, "fir-%s-%.0f%s.wav", phase == HP_FIR_LINEAR ? "linear" : "minimum",
             rate_hz, eqx_ch_suffix(e, ch));
}

static double round_to(double v, int decimals)
{
    double s = pow(10, decimals);
    return round(v * s) / s;
}

/* The profile exactly as the text formats will carry it. The preamp is the smaller of the
 * fit's and the one the rounded filters need, rounded down, so the written profile never
 * boosts any frequency above 0 dBFS. */
static hp_err quantize(const hp_peq *in, double rate_hz, int gain_dec, int q_dec, hp_peq *out)
{
    *out = *in;
    for (size_t k = 0; k < in->n; k++) {
        hp_peq_filter *f = &out->f[k];
        f->fc_hz = round_to(f->fc_hz, EQX_FC_DECIMALS);
        f->gain_db = round_to(f->gain_db, gain_dec);
        f->q = round_to(f->q, q_dec);
        if (!(f->q > 0))
            f->q = pow(10, -q_dec);
    }
    double need;
    hp_err e = hp_peq_auto_preamp(out, rate_hz, &need);
    if (e != HP_OK)
        return e;
    double s = pow(10, EQX_PREAMP_DECIMALS);
    out->preamp_db = floor(fmin(in->preamp_db, need) * s + 1e-9) / s;
    if (out->preamp_db > 0)
        out->preamp_db = 0;
    return HP_OK;
}

static int curve_ok(const double *v, size_t n)
{
    if (!v)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Checks everything the writers rely on; fills why for the caller. */
static hp_err check(const hp_eq_export *e, unsigned mask, char *why, size_t len)
{
#define BAD(...) (why && len ? (void)snprintf(why, len, __VA_ARGS__) : (void)0, HP_EINVAL)
    if (e->nch != 1 && e->nch != 2)
        return BAD("the profile has %u channels (1 or 2 expected)", e->nch);
    if (!(e->rate_hz >= 8000 && e->rate_hz <= 768000) || e->rate_hz != floor(e->rate_hz))
        return BAD("design rate %g Hz is not a whole number of Hz in 8-768 kHz", e->rate_hz);
    for (unsigned c = 0; c < e->nch; c++) {
        hp_cascade cas;
        if (e->peq[c].n > HP_PEQ_MAX || !(e->peq[c].preamp_db <= 0) ||
            hp_peq_cascade(&e->peq[c], e->rate_hz, &cas) != HP_OK)
            return BAD("channel %u: a filter or the preamp is invalid at %g Hz", c + 1,
                       e->rate_hz);
    }
    if (e->freq) {
        if (e->n < 2)
            return BAD("the curves have %zu points (2 or more expected)", e->n);
        for (size_t i = 0; i < e->n; i++)
            if (!(e->freq[i] > 0) || !isfinite(e->freq[i]) || (i && !(e->freq[i] > e->freq[i - 1])))
                return BAD("curve frequency %zu is not positive and ascending", i + 1);
        for (unsigned c = 0; c < e->nch; c++) {
            const double *cols[] = {e->raw[c], e->smoothed[c], e->error[c], e->target[c],
                                    e->equalization[c], e->parametric_eq[c], e->equalized_raw[c]};
            for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
                if (!curve_ok(cols[k], e->n))
                    return BAD("channel %u: a curve holds a NaN or infinity", c + 1);
        }
    }
    if ((mask & HP_EQX_FIR) && e->fir_taps) {
        if (e->fir_taps < 16 || e->fir_taps > HP_FIR_MAX_TAPS / 4)
            return BAD("FIR length %zu taps at 48 kHz is outside 16..%zu", e->fir_taps,
                       HP_FIR_MAX_TAPS / 4);
        for (unsigned c = 0; c < e->nch; c++)
            if (!eqx_fir_curve(e, c))
                return BAD("channel %u: no equalization curve to make the FIR from", c + 1);
    }
    if ((mask & HP_EQX_CSV) && !e->freq)
        return BAD("eq.csv needs the curves (no frequency grid given)");
    if (e->nrates > HP_EQX_MAX_RATES)
        return BAD("%zu per-rate sets (at most %d)", e->nrates, HP_EQX_MAX_RATES);
    for (size_t k = 0; k < e->nrates; k++) {
        double r = e->rates_hz[k];
        if (!(r >= 8000 && r <= 768000) || r != floor(r))
            return BAD("per-rate set %zu: rate %g Hz is not a whole number of Hz in 8-768 kHz",
                       k + 1, r);
        for (size_t j = 0; j < k; j++)
            if (e->rates_hz[j] == r)
                return BAD("per-rate sets %zu and %zu are both for %g Hz", j + 1, k + 1, r);
        for (unsigned c = 0; c < e->nch; c++) {
            hp_cascade cas;
            if (e->rate_peq[c][k].n > HP_PEQ_MAX || !(e->rate_peq[c][k].preamp_db <= 0) ||
                hp_peq_cascade(&e->rate_peq[c][k], r, &cas) != HP_OK)
                return BAD("channel %u: the set for %g Hz has an invalid filter or preamp", c + 1, r);
        }
    }
#undef BAD
    return HP_OK;
}

/* The FIRs' common level: the highest point of the correction at -0.2 dB, over both
 * channels, so every rate and both ears play at the same level (AutoEq does the same). */
static double fir_gain_db(const hp_eq_export *e)
{
    double top = -INFINITY;
    for (unsigned c = 0; c < e->nch; c++) {
        const double *v = eqx_fir_curve(e, c);
        for (size_t i = 0; v && i < e->n; i++)
            top = fmax(top, v[i]);
    }
    return isfinite(top) ? -top - 0.2 : 0;
}

typedef hp_err (*writer)(eqx_ctx *);

/* Fills c and runs the chosen writers into c->set. */
static hp_err write_all_formats(eqx_ctx *c, unsigned mask)
{
    const hp_eq_export *e = c->e;
    hp_err err = HP_OK;
    c->fir = (mask & HP_EQX_FIR) && e->fir_taps > 0;
    c->fir_gain_db = c->fir ? fir_gain_db(e) : 0;
    for (unsigned ch = 0; ch < e->nch; ch++)
        if ((err = quantize(&e->peq[ch], e->rate_hz, EQX_GAIN_DECIMALS, EQX_Q_DECIMALS,
                            &c->peq[ch])) != HP_OK)
            return err;
    /* The per-rate sets share one preamp, the lowest any of them needs for either ear, so
     * switching rates or ears changes no level. */
    double rate_pre = 0;
    for (unsigned ch = 0; ch < e->nch; ch++)
        for (size_t k = 0; k < e->nrates; k++) {
            if ((err = quantize(&e->rate_peq[ch][k], e->rates_hz[k], EQX_RATES_GAIN_DECIMALS,
                                EQX_RATES_Q_DECIMALS, &c->rate_peq[ch][k])) != HP_OK)
                return err;
            rate_pre = fmin(rate_pre, c->rate_peq[ch][k].preamp_db);
        }
    for (unsigned ch = 0; ch < e->nch; ch++)
        for (size_t k = 0; k < e->nrates; k++)
            c->rate_peq[ch][k].preamp_db = rate_pre;
    /* Both ears get the lower preamp: separate ones would shift one ear against the other by
     * the difference of their largest boosts, and every format then carries one level. */
    if (e->nch == 2) {
        double pre = fmin(c->peq[0].preamp_db, c->peq[1].preamp_db);
        c->peq[0].preamp_db = c->peq[1].preamp_db = pre;
    }
    if (!realpath(c->dir, c->absdir)) {
        if (c->why && c->why_len)
            snprintf(c->why, c->why_len, "%s: %s", c->dir, strerror(errno));
        return errno == ENOMEM ? HP_ENOMEM : HP_EIO;
    }
    static const struct {
        unsigned bit;
        writer w;
    } writers[] = {
        {HP_EQX_APO, eqx_write_apo},           {HP_EQX_GRAPHIC, eqx_write_graphic},
        {HP_EQX_CSV, eqx_write_csv},           {HP_EQX_PIPEWIRE, eqx_write_pipewire},
        {HP_EQX_EASYEFFECTS, eqx_write_easyeffects}, {HP_EQX_CAMILLA, eqx_write_camilla},
        {HP_EQX_SOX, eqx_write_sox},           {HP_EQX_REW, eqx_write_rew},
        {HP_EQX_FIR, eqx_write_fir},           {HP_EQX_APO_RATES, eqx_write_apo_rates},
    };
    for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
        if ((mask & writers[i].bit) && (err = writers[i].w(c)) != HP_OK)
            return err;
    return HP_OK;
}

/* Checks the arguments and makes the context; *why is emptied. */
static hp_err begin(const hp_eq_export *e, unsigned mask, char *why, size_t why_len, eqx_ctx **out)
{
    *out = NULL;
    if (why && why_len)
        why[0] = '\0';
    if (!e || (mask & ~(unsigned)HP_EQX_ALL))
        return HP_EINVAL;
    hp_err err = check(e, mask, why, why_len);
    if (err != HP_OK)
        return err;
    eqx_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return HP_ENOMEM;
    c->e = e;
    c->why = why;
    c->why_len = why_len;
    *out = c;
    return HP_OK;
}

hp_err hp_eqx_write_into(hp_outset *set, const hp_eq_export *e, unsigned mask, char *why,
                         size_t why_len)
{
    if (!set)
        return HP_EINVAL;
    eqx_ctx *c;
    hp_err err = begin(e, mask, why, why_len, &c);
    if (err != HP_OK)
        return err;
    c->set = set;
    c->dir = hp_outset_dir(set);
    err = write_all_formats(c, mask);
    free(c);
    return err;
}

hp_err hp_eqx_write(const char *dir, const hp_eq_export *e, unsigned mask, char *why,
                    size_t why_len)
{
    if (!dir || !*dir)
        return HP_EINVAL;
    eqx_ctx *c;
    hp_err err = begin(e, mask, why, why_len, &c);
    if (err != HP_OK)
        return err;
    c->dir = dir;
    errno = 0;
    c->set = hp_outset_new(dir, &err);
    if (!c->set) {
        if (why && why_len)
            snprintf(why, why_len, "%s: %s", dir, errno ? strerror(errno) : hp_strerror(err));
        goto out;
    }
    if ((err = write_all_formats(c, mask)) != HP_OK)
        goto out;
    errno = 0;
    if ((err = hp_outset_commit(c->set)) != HP_OK && why && why_len) {
        const char *f = hp_outset_failed(c->set);
        snprintf(why, why_len, "%s/%s: %s", dir, f ? f : "", errno ? strerror(errno) : hp_strerror(err));
    }
out:
    hp_outset_free(c->set);
    free(c);
    return err;
}
