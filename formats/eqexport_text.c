/* SPDX-License-Identifier: MIT */
/* Line-oriented exports: EqualizerAPO ParametricEQ.txt and GraphicEQ.txt, a sox effects
 * chain and REW-importable text (peers-and-formats.md 3.2 and 3.3). */
#include <complex.h>
#include <math.h>
#include <string.h>
#include "eqexport_impl.h"

hp_err eqx_write_apo(eqx_ctx *c)
{
    const char *name = "ParametricEQ.txt";
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    char a[EQX_NUM_LEN], b[EQX_NUM_LEN], q[EQX_NUM_LEN];
    for (unsigned ch = 0; ch < c->e->nch; ch++) {
        const hp_peq *p = &c->peq[ch];
        /* EqualizerAPO scopes the lines after "Channel:" to that channel. */
        if (c->e->nch == 2)
            fprintf(f, "Channel: %s\n", ch ? "R" : "L");
        fprintf(f, "Preamp: %s dB\n", eqx_num(a, p->preamp_db, EQX_PREAMP_DECIMALS));
        for (size_t k = 0; k < p->n; k++)
            fprintf(f, "Filter %zu: ON %s Fc %s Hz Gain %s dB Q %s\n", k + 1,
                    eqx_apo_type(p->f[k].type), eqx_num(a, p->f[k].fc_hz, EQX_FC_DECIMALS),
                    eqx_num(b, p->f[k].gain_db, EQX_GAIN_DECIMALS),
                    eqx_num(q, p->f[k].q, EQX_Q_DECIMALS));
    }
    return ferror(f) ? eqx_write_failed(c, name, HP_EIO) : HP_OK;
}

/* One ear's (or both ears') preamp and filters with the given digits. */
static void apo_set(FILE *f, const hp_peq *p, int gain_dec, int q_dec)
{
    char a[EQX_NUM_LEN], b[EQX_NUM_LEN], q[EQX_NUM_LEN];
    fprintf(f, "Preamp: %s dB\n", eqx_num(a, p->preamp_db, EQX_PREAMP_DECIMALS));
    for (size_t k = 0; k < p->n; k++)
        fprintf(f, "Filter %zu: ON %s Fc %s Hz Gain %s dB Q %s\n", k + 1,
                eqx_apo_type(p->f[k].type), eqx_num(a, p->f[k].fc_hz, EQX_FC_DECIMALS),
                eqx_num(b, p->f[k].gain_db, gain_dec), eqx_num(q, p->f[k].q, q_dec));
}

/* EqualizerAPO designs its filters at the device's rate, and the same fc, Q and gain give
 * another curve at another rate; this file holds one set per rate, each re-tuned to the
 * curve of the design rate, and lets EqualizerAPO pick with If: sampleRate == N (its
 * sampleRate constant and If/ElseIf/Else/EndIf commands). The design rate's set is the Else
 * branch, so any other rate gets it too. */
hp_err eqx_write_apo_rates(eqx_ctx *c)
{
    const hp_eq_export *e = c->e;
    if (e->nrates == 0)
        return HP_OK; /* one set only (fixed-band presets): ParametricEQ.txt says it all */
    const char *name = "ParametricEQ-rates.txt";
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    fputs("# hpfr parametric EQ for EqualizerAPO", f);
    if (e->name) {
        fputs(": ", f);
        for (const char *s = e->name; *s; s++)
            fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fprintf(f, "\n# Designed at %.0f Hz and re-tuned for each rate below, so every rate gives the "
               "same curve\n# (within 0.05 dB up to 16 kHz); other rates get the %.0f Hz set.\n",
            e->rate_hz, e->rate_hz);
    size_t home = e->nrates;
    int first = 1;
    for (size_t k = 0; k < e->nrates; k++) {
        if (e->rates_hz[k] == e->rate_hz) {
            home = k;
            continue;
        }
        fprintf(f, "%s: sampleRate == %.0f\n", first ? "If" : "ElseIf", e->rates_hz[k]);
        first = 0;
        for (unsigned ch = 0; ch < e->nch; ch++) {
            if (e->nch == 2)
                fprintf(f, "Channel: %s\n", ch ? "R" : "L");
            apo_set(f, &c->rate_peq[ch][k], EQX_RATES_GAIN_DECIMALS, EQX_RATES_Q_DECIMALS);
        }
    }
    if (!first)
        fputs("Else:\n", f);
    for (unsigned ch = 0; ch < e->nch; ch++) {
        if (e->nch == 2)
            fprintf(f, "Channel: %s\n", ch ? "R" : "L");
        if (home < e->nrates)
            apo_set(f, &c->rate_peq[ch][home], EQX_RATES_GAIN_DECIMALS, EQX_RATES_Q_DECIMALS);
        else
            apo_set(f, &c->peq[ch], EQX_GAIN_DECIMALS, EQX_Q_DECIMALS);
    }
    if (!first)
        fputs("EndIf:\n", f);
    return ferror(f) ? eqx_write_failed(c, name, HP_EIO) : HP_OK;
}

/* Curve value at x, linear in log f, held flat beyond the ends. */
static double interp_log(const double *f, const double *v, size_t n, double x)
{
    if (x <= f[0])
        return v[0];
    if (x >= f[n - 1])
        return v[n - 1];
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (f[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double t = log(x / f[lo]) / log(f[hi] / f[lo]);
    return v[lo] + t * (v[hi] - v[lo]);
}

#define GRAPHIC_POINTS 127

hp_err eqx_write_graphic(eqx_ctx *c)
{
    const char *name = "GraphicEQ.txt";
    const hp_eq_export *e = c->e;
    double fq[GRAPHIC_POINTS], v[2][GRAPHIC_POINTS], top = -INFINITY;
    /* 127 points from 20 Hz to 20 kHz, log-spaced, on whole hertz as AutoEq writes them. */
    for (size_t i = 0; i < GRAPHIC_POINTS; i++)
        fq[i] = round(20.0 * pow(1000.0, (double)i / (GRAPHIC_POINTS - 1)));
    for (unsigned ch = 0; ch < e->nch; ch++) {
        const double *curve = e->freq ? (e->equalization[ch] ? e->equalization[ch]
                                                              : e->parametric_eq[ch])
                                      : NULL;
        if (curve) {
            for (size_t i = 0; i < GRAPHIC_POINTS; i++)
                v[ch][i] = interp_log(e->freq, curve, e->n, fq[i]);
        } else {
            /* No curves given: the parametric EQ's own curve, filters only. */
            hp_peq p = c->peq[ch];
            p.preamp_db = 0;
            for (size_t i = 0; i < GRAPHIC_POINTS; i++) {
                double x = fmin(fq[i], 0.49 * e->rate_hz);
                hp_err err = hp_peq_response_db(&p, e->rate_hz, &x, 1, &v[ch][i]);
                if (err != HP_OK)
                    return eqx_fail(c, name, err, "cannot evaluate the filters");
            }
        }
        for (size_t i = 0; i < GRAPHIC_POINTS; i++)
            top = fmax(top, v[ch][i]);
    }
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    /* The highest point of either ear sits at -0.2 dB: no separate preamp needed, and the
     * balance between the ears is kept. */
    char a[EQX_NUM_LEN];
    for (unsigned ch = 0; ch < e->nch; ch++) {
        if (e->nch == 2)
            fprintf(f, "Channel: %s\n", ch ? "R" : "L");
        fputs("GraphicEQ:", f);
        for (size_t i = 0; i < GRAPHIC_POINTS; i++)
            fprintf(f, "%s %.0f %s", i ? ";" : "", fq[i], eqx_num(a, v[ch][i] - top - 0.2, 1));
        fputc('\n', f);
    }
    return ferror(f) ? eqx_write_failed(c, name, HP_EIO) : HP_OK;
}

hp_err eqx_write_sox(eqx_ctx *c)
{
    const char *name = "sox-effects.txt";
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    char a[EQX_NUM_LEN], b[EQX_NUM_LEN], q[EQX_NUM_LEN];
    /* One line per channel, each a whole chain: sox's equalizer, bass and treble with a
     * "q" width are the RBJ peaking and Q-form shelves exactly (sox biquads.c), designed at
     * the rate of the audio they process. */
    for (unsigned ch = 0; ch < c->e->nch; ch++) {
        const hp_peq *p = &c->peq[ch];
        fprintf(f, "gain %s", eqx_num(a, p->preamp_db, EQX_PREAMP_DECIMALS));
        for (size_t k = 0; k < p->n; k++) {
            const hp_peq_filter *x = &p->f[k];
            eqx_num(a, x->fc_hz, EQX_FC_DECIMALS);
            eqx_num(b, x->gain_db, EQX_GAIN_DECIMALS);
            eqx_num(q, x->q, EQX_Q_DECIMALS);
            if (x->type == HP_BQ_PEAK)
                fprintf(f, " equalizer %s %sq %s", a, q, b);
            else
                fprintf(f, " %s %s %s %sq", x->type == HP_BQ_LOWSHELF ? "bass" : "treble", b, a, q);
        }
        fputc('\n', f);
    }
    return ferror(f) ? eqx_write_failed(c, name, HP_EIO) : HP_OK;
}

hp_err eqx_write_rew(eqx_ctx *c)
{
    const hp_eq_export *e = c->e;
    double top = fmin(20000.0, 0.49 * e->rate_hz);
    for (unsigned ch = 0; ch < e->nch; ch++) {
        char name[32];
        snprintf(name, sizeof name, "rew%s.txt", eqx_ch_suffix(e, ch));
        hp_cascade cas;
        hp_err err = hp_peq_cascade(&c->peq[ch], e->rate_hz, &cas);
        if (err != HP_OK)
            return eqx_fail(c, name, err, "cannot design the filters");
        FILE *f = eqx_open(c, name);
        if (!f)
            return HP_EIO;
        /* REW reads lines that start with a number (freq, magnitude, phase); the '*' lines
         * are the comments its own exports carry. */
        fprintf(f, "* hpfr parametric EQ response%s%s%s\n", e->name ? ": " : "",
                e->name ? e->name : "", e->nch == 2 ? (ch ? ", right" : ", left") : "");
        fprintf(f, "* Filters designed at %.0f Hz, preamp included\n", e->rate_hz);
        fprintf(f, "* Freq(Hz), SPL(dB), Phase(degrees)\n");
        char a[EQX_NUM_LEN], b[EQX_NUM_LEN], p[EQX_NUM_LEN];
        size_t n = (size_t)floor(48 * log2(top / 20.0)) + 1;
        for (size_t i = 0; i < n; i++) {
            double fr = 20.0 * pow(2.0, (double)i / 48);
            double complex h = hp_cascade_response(&cas, fr);
            fprintf(f, "%s, %s, %s\n", eqx_num(a, fr, 3), eqx_num(b, 20 * log10(cabs(h)), 4),
                    eqx_num(p, carg(h) * 180 / M_PI, 3));
        }
        if (ferror(f))
            return eqx_write_failed(c, name, HP_EIO);
    }
    return HP_OK;
}
