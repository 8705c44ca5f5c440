/* SPDX-License-Identifier: MIT */
/* CamillaDSP filters and pipeline (peers-and-formats.md 3.8, the v3 syntax: steps take a
 * `channels` list and may be `bypassed`), to merge into a full configuration as REW's
 * CamillaDSP export is. The FIR step names its files with the $samplerate$ token and starts
 * bypassed: one correction at a time. */
#include "eqexport_impl.h"

static const char *cdsp_type(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "Lowshelf" : t == HP_BQ_HIGHSHELF ? "Highshelf" : "Peaking";
}

/* A comment line's text: no line breaks. */
static void put_comment_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void channels_line(FILE *f, const hp_eq_export *e, unsigned ch)
{
    if (e->nch == 2)
        fprintf(f, "    channels: [%u]\n", ch);
    else
        fputs("    channels: [0, 1]\n", f);
}

hp_err eqx_write_camilla(eqx_ctx *c)
{
    const char *name = "camilladsp.yml";
    const hp_eq_export *e = c->e;
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    static const char *const sfx2[2] = {"_L", "_R"};
    fputs("# hpfr correction", f);
    if (e->name) {
        fputs(" for ", f);
        put_comment_text(f, e->name);
    }
    fprintf(f, ": filters and pipeline steps for a CamillaDSP (v3) configuration.\n"
               "# Parametric EQ designed at %.0f Hz: run CamillaDSP at that samplerate (hpfr eq --rate\n"
               "# designs for another).%s\n",
            e->rate_hz,
            c->fir ? " The FIR step is bypassed: swap the two\n# `bypassed` flags to use the "
                     "FIR instead of the parametric EQ."
                   : "");
    char a[EQX_NUM_LEN], b[EQX_NUM_LEN], q[EQX_NUM_LEN];
    fprintf(f, "filters:\n  hpfr_preamp:\n    type: Gain\n    parameters:\n      gain: %s\n"
               "      scale: dB\n",
            eqx_num(a, c->peq[0].preamp_db, EQX_PREAMP_DECIMALS));
    for (unsigned ch = 0; ch < e->nch; ch++) {
        const hp_peq *p = &c->peq[ch];
        for (size_t k = 0; k < p->n; k++)
            fprintf(f, "  hpfr_eq%s_%zu:\n    type: Biquad\n    parameters:\n      type: %s\n"
                       "      freq: %s\n      gain: %s\n      q: %s\n",
                    e->nch == 2 ? sfx2[ch] : "", k + 1, cdsp_type(p->f[k].type),
                    eqx_num(a, p->f[k].fc_hz, EQX_FC_DECIMALS),
                    eqx_num(b, p->f[k].gain_db, EQX_GAIN_DECIMALS),
                    eqx_num(q, p->f[k].q, EQX_Q_DECIMALS));
    }
    if (c->fir)
        for (unsigned ch = 0; ch < e->nch; ch++)
            fprintf(f, "  hpfr_fir%s:\n    type: Conv\n    parameters:\n      type: Wav\n"
                       "      filename: fir-minimum-$samplerate$%s.wav\n      channel: 0\n",
                    e->nch == 2 ? sfx2[ch] : "", eqx_ch_suffix(e, ch));
    fputs("pipeline:\n", f);
    for (unsigned ch = 0; ch < e->nch; ch++) {
        const hp_peq *p = &c->peq[ch];
        fprintf(f, "  - type: Filter\n    description: \"hpfr parametric EQ%s\"\n",
                e->nch == 2 ? (ch ? ", right" : ", left") : "");
        channels_line(f, e, ch);
        fputs("    bypassed: false\n    names:\n      - hpfr_preamp\n", f);
        for (size_t k = 0; k < p->n; k++)
            fprintf(f, "      - hpfr_eq%s_%zu\n", e->nch == 2 ? sfx2[ch] : "", k + 1);
    }
    if (c->fir)
        for (unsigned ch = 0; ch < e->nch; ch++) {
            fprintf(f, "  - type: Filter\n    description: \"hpfr minimum-phase FIR%s\"\n",
                    e->nch == 2 ? (ch ? ", right" : ", left") : "");
            channels_line(f, e, ch);
            fprintf(f, "    bypassed: true\n    names:\n      - hpfr_fir%s\n",
                    e->nch == 2 ? sfx2[ch] : "");
        }
    return ferror(f) ? eqx_write_failed(c, name, HP_EIO) : HP_OK;
}
