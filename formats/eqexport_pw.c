/* SPDX-License-Identifier: MIT */
/* PipeWire filter-chain drop-in (peers-and-formats.md 3.6): one virtual sink running the
 * parametric EQ on builtin bq_lowshelf / bq_peaking / bq_highshelf nodes after a node that
 * applies the preamp (see chain() for what PipeWire 0.3.x needs), and, when FIR files are written, a second sink running the
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

/* The chain runs at the rate its filters (and FIR file) are designed for, whatever the
 * graph's rate: PipeWire resamples into and out of it, where the builtin biquads would
 * otherwise be designed at the graph's rate and give another curve. */
static void module_tail(FILE *f, const char *node, double rate_hz)
{
    fprintf(f, "            audio.rate = %.0f\n", rate_hz);
    fprintf(f, "            audio.channels = 2\n            audio.position = [ FL FR ]\n"
               "            capture.props = {\n                node.name = \"hpfr_%s_input\"\n"
               "                media.class = Audio/Sink\n            }\n"
               "            playback.props = {\n                node.name = \"hpfr_%s_output\"\n"
               "                node.passive = true\n            }\n        }\n    }\n",
            node, node);
}

/* One builtin biquad node of an EQ chain. */
typedef struct {
    hp_biquad_type type;
    double fc_hz, q, gain_db;
    int decimals;   /* digits written: the profile's own, or more for derived values */
} pwnode;

/* The chain of one ear: the preamp, then the filters. PipeWire 0.3.x (Debian 12 ships
 * 0.3.65) designs bq_lowshelf and bq_highshelf with the slope S = 1 whatever "Q" says, as
 * the daemon test showed; a shelf whose Q is not 1/sqrt(2) is therefore written as the S = 1
 * shelf and two peaking nodes that make up the difference exactly (hp_peq_shelf_split), which
 * every version runs the same way. The preamp is a high shelf at 0 Hz, which every version
 * designs as a plain gain of "Gain" dB (the builtin mixer's "Gain 1" is ignored with a
 * single input in 0.3.65). Returns the node count, or 0 on a filter the rate cannot hold. */
static size_t chain(const hp_peq *p, double rate_hz, pwnode *out)
{
    size_t n = 0;
    out[n++] = (pwnode){HP_BQ_HIGHSHELF, 0, 1, p->preamp_db, EQX_PREAMP_DECIMALS};
    for (size_t k = 0; k < p->n; k++) {
        const hp_peq_filter *x = &p->f[k];
        hp_peq_filter parts[3];
        if (x->type == HP_BQ_PEAK || fabs(x->q - sqrt(0.5)) < 1e-9 || x->gain_db == 0) {
            out[n++] = (pwnode){x->type, x->fc_hz, x->q, x->gain_db, -1};
            continue;
        }
        if (hp_peq_shelf_split(x, rate_hz, parts) != HP_OK)
            return 0;
        for (int i = 0; i < 3; i++)
            out[n++] = (pwnode){parts[i].type, parts[i].fc_hz, parts[i].q, parts[i].gain_db, 8};
    }
    return n;
}

static void eq_nodes(FILE *f, const pwnode *nd, size_t n, const char *sfx)
{
    char a[EQX_NUM_LEN], b[EQX_NUM_LEN], q[EQX_NUM_LEN];
    for (size_t k = 0; k < n; k++) {
        const pwnode *x = &nd[k];
        int dfc = x->decimals < 0 ? EQX_FC_DECIMALS : x->decimals;
        int dq = x->decimals < 0 ? EQX_Q_DECIMALS : x->decimals;
        int dg = x->decimals < 0 ? EQX_GAIN_DECIMALS : x->decimals;
        if (k == 0)
            fprintf(f, "                    { type = builtin name = preamp%s", sfx);
        else
            fprintf(f, "                    { type = builtin name = eq%s_%zu", sfx, k);
        fprintf(f, " label = %s control = { \"Freq\" = %s \"Q\" = %s \"Gain\" = %s } }\n",
                bq_label(x->type), eqx_num(a, x->fc_hz, dfc), eqx_num(q, x->q, dq),
                eqx_num(b, x->gain_db, dg));
    }
}

static void node_name(char *buf, size_t len, const char *sfx, size_t k)
{
    if (k == 0)
        snprintf(buf, len, "preamp%s", sfx);
    else
        snprintf(buf, len, "eq%s_%zu", sfx, k);
}

static void eq_links(FILE *f, size_t n, const char *sfx)
{
    char a[32], b[32];
    for (size_t k = 1; k < n; k++) {
        node_name(a, sizeof a, sfx, k - 1);
        node_name(b, sizeof b, sfx, k);
        fprintf(f, "                    { output = \"%s:Out\" input = \"%s:In\" }\n", a, b);
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
    fprintf(f, "# hpfr correction for PipeWire, parametric EQ designed at %.0f Hz; each chain runs at\n"
               "# the rate it is designed for (audio.rate) and PipeWire resamples to the graph's.\n"
               "# Copy into ~/.config/pipewire/pipewire.conf.d/ and restart PipeWire, then pick\n"
               "# the \"hpfr EQ\" sink as the output%s.\n"
               "# Shelves with a Q other than 0.7071 are an S = 1 shelf and two peaking nodes (the\n"
               "# same curve): PipeWire 0.3 ignores a shelf's Q. The preamp is a shelf at 0 Hz.\n",
            e->rate_hz, c->fir ? " (or \"hpfr FIR\", the minimum-phase FIR instead)" : "");
    fputs("context.modules = [\n", f);
    module_head(f, "EQ", e->name);
    pwnode nodes[2][1 + 3 * HP_PEQ_MAX];
    size_t nn[2] = {0, 0};
    for (unsigned ch = 0; ch < e->nch; ch++)
        if (!(nn[ch] = chain(&c->peq[ch], e->rate_hz, nodes[ch])))
            return eqx_fail(c, name, HP_EINVAL, "a shelf cannot be written at %.0f Hz", e->rate_hz);
    for (unsigned ch = 0; ch < e->nch; ch++)
        eq_nodes(f, nodes[ch], nn[ch], e->nch == 2 ? sfx2[ch] : "");
    fputs("                ]\n                links = [\n", f);
    for (unsigned ch = 0; ch < e->nch; ch++)
        eq_links(f, nn[ch], e->nch == 2 ? sfx2[ch] : "");
    /* With one chain, filter-chain copies the graph for each of the two channels. */
    fputs("                ]\n                inputs = [", f);
    char nm[32];
    for (unsigned ch = 0; ch < e->nch; ch++) {
        node_name(nm, sizeof nm, e->nch == 2 ? sfx2[ch] : "", 0);
        fprintf(f, " \"%s:In\"", nm);
    }
    fputs(" ]\n                outputs = [", f);
    for (unsigned ch = 0; ch < e->nch; ch++) {
        node_name(nm, sizeof nm, e->nch == 2 ? sfx2[ch] : "", nn[ch] - 1);
        fprintf(f, " \"%s:Out\"", nm);
    }
    fputs(" ]\n            }\n", f);
    module_tail(f, "eq", e->rate_hz);
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
        module_tail(f, "fir", EQX_PIPEWIRE_FIR_RATE);
    }
    fputs("]\n", f);
    return ferror(f) ? eqx_write_failed(c, name, HP_EIO) : HP_OK;
}
