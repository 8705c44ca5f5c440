/* SPDX-License-Identifier: MIT */
/* PipeWire filter-chain drop-in (peers-and-formats.md 3.6): one virtual sink running the
 * parametric EQ on builtin bq_lowshelf / bq_peaking / bq_highshelf nodes after a node that
 * applies the preamp, and, when FIR files are written, a second sink running the
 * minimum-phase FIR on a builtin convolver. A profile with two channels gets one chain per
 * channel in each graph. */
#include <math.h>
#include <string.h>
#include "eqexport_impl.h"

/* A string for SPA JSON: quoted, with '"' and '\' escaped and control characters dropped. */
static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f)
            continue;
        if (ch == '"' || ch == '\\')
            fputc('\\', f);
        fputc(ch, f);
    }
    fputc('"', f);
}

static const char *bq_label(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "bq_lowshelf" : t == HP_BQ_HIGHSHELF ? "bq_highshelf" : "bq_peaking";
}

static void module_head(FILE *f, const char *what, const char *name)
{
    char desc[512];
    snprintf(desc, sizeof desc, "hpfr %s%s%s", what, name ? ": " : "", name ? name : "");
    fputs("    {   name = libpipewire-module-filter-chain\n        args = {\n", f);
    fputs("            node.description = ", f);
    put_str(f, desc);
    fputs("\n            media.name = ", f);
    put_str(f, desc);
    fputs("\n            filter.graph = {\n                nodes = [\n", f);
}

static void module_tail(FILE *f, const char *node)
{
    fprintf(f, "            audio.channels = 2\n            audio.position = [ FL FR ]\n"
               "            capture.props = {\n                node.name = \"hpfr_%s_input\"\n"
               "                media.class = Audio/Sink\n            }\n"
               "            playback.props = {\n                node.name = \"hpfr_%s_output\"\n"
               "                node.passive = true\n            }\n        }\n    }\n",
            node, node);
}

/* The nodes of one channel's EQ chain; writes its first and last node names. */
static void eq_nodes(FILE *f, const hp_peq *p, const char *sfx, char *first, char *last,
                     size_t len)
{
    char a[EQX_NUM_LEN], b[EQX_NUM_LEN], q[EQX_NUM_LEN], g[EQX_NUM_LEN];
    /* The preamp is a high shelf at 0 Hz, which every PipeWire version designs as a plain
     * gain of Gain dB: the builtin mixer's "Gain 1" is ignored with a single input in
     * PipeWire 0.3.65 (Debian 12), as the daemon test showed. */
    fprintf(f, "                    { type = builtin name = preamp%s label = bq_highshelf control = { "
               "\"Freq\" = 0 \"Q\" = 1 \"Gain\" = %s } }\n",
            sfx, eqx_num(g, p->preamp_db, EQX_PREAMP_DECIMALS));
    snprintf(first, len, "preamp%s", sfx);
    snprintf(last, len, "preamp%s", sfx);
    for (size_t k = 0; k < p->n; k++) {
        const hp_peq_filter *x = &p->f[k];
        fprintf(f, "                    { type = builtin name = eq%s_%zu label = %s control = { "
                   "\"Freq\" = %s \"Q\" = %s \"Gain\" = %s } }\n",
                sfx, k + 1, bq_label(x->type), eqx_num(a, x->fc_hz, EQX_FC_DECIMALS),
                eqx_num(q, x->q, EQX_Q_DECIMALS), eqx_num(b, x->gain_db, EQX_GAIN_DECIMALS));
    }
    if (p->n)
        snprintf(last, len, "eq%s_%zu", sfx, p->n);
}

static void eq_links(FILE *f, const hp_peq *p, const char *sfx)
{
    for (size_t k = 0; k < p->n; k++) {
        if (k == 0)
            fprintf(f, "                    { output = \"preamp%s:Out\" input = \"eq%s_1:In\" }\n",
                    sfx, sfx);
        else
            fprintf(f, "                    { output = \"eq%s_%zu:Out\" input = \"eq%s_%zu:In\" }\n",
                    sfx, k, sfx, k + 1);
    }
}

hp_err eqx_write_pipewire(eqx_ctx *c)
{
    const char *name = "pipewire-filter-chain.conf";
    const hp_eq_export *e = c->e;
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    static const char *const sfx2[2] = {"_L", "_R"};
    fprintf(f, "# hpfr correction for PipeWire, parametric EQ designed at %.0f Hz.\n"
               "# Copy into ~/.config/pipewire/pipewire.conf.d/ and restart PipeWire, then pick\n"
               "# the \"hpfr EQ\" sink as the output%s.\n",
            e->rate_hz, c->fir ? " (or \"hpfr FIR\", the minimum-phase FIR instead)" : "");
    fputs("context.modules = [\n", f);
    module_head(f, "EQ", e->name);
    char first[2][32], last[2][32];
    for (unsigned ch = 0; ch < e->nch; ch++)
        eq_nodes(f, &c->peq[ch], e->nch == 2 ? sfx2[ch] : "", first[ch], last[ch], 32);
    fputs("                ]\n                links = [\n", f);
    for (unsigned ch = 0; ch < e->nch; ch++)
        eq_links(f, &c->peq[ch], e->nch == 2 ? sfx2[ch] : "");
    /* With one chain, filter-chain copies the graph for each of the two channels. */
    fputs("                ]\n                inputs = [", f);
    for (unsigned ch = 0; ch < e->nch; ch++)
        fprintf(f, " \"%s:In\"", first[ch]);
    fputs(" ]\n                outputs = [", f);
    for (unsigned ch = 0; ch < e->nch; ch++)
        fprintf(f, " \"%s:Out\"", last[ch]);
    fputs(" ]\n            }\n", f);
    module_tail(f, "eq");
    if (c->fir) {
        module_head(f, "FIR", e->name);
        for (unsigned ch = 0; ch < e->nch; ch++) {
            char file[64];
            eqx_fir_name(file, sizeof file, HP_FIR_MINIMUM, EQX_PIPEWIRE_FIR_RATE, e, ch);
            char path[sizeof c->absdir + 80];
            snprintf(path, sizeof path, "%s/%s", c->absdir, file);
            fprintf(f, "                    { type = builtin name = fir%s label = convolver config = { filename = ",
                    e->nch == 2 ? sfx2[ch] : "");
            put_str(f, path);
            fputs(" channel = 0 } }\n", f);
        }
        fputs("                ]\n                inputs = [", f);
        for (unsigned ch = 0; ch < e->nch; ch++)
            fprintf(f, " \"fir%s:In\"", e->nch == 2 ? sfx2[ch] : "");
        fputs(" ]\n                outputs = [", f);
        for (unsigned ch = 0; ch < e->nch; ch++)
            fprintf(f, " \"fir%s:Out\"", e->nch == 2 ? sfx2[ch] : "");
        fputs(" ]\n            }\n", f);
        module_tail(f, "fir");
    }
    fputs("]\n", f);
    return ferror(f) ? eqx_fail(c, name, HP_EIO, "write failed") : HP_OK;
}
