/* SPDX-License-Identifier: MIT */
/* EasyEffects output preset (peers-and-formats.md 3.7; keys as EasyEffects 7 saves them):
 * one equalizer with the preamp as its input gain and one band per filter in the "APO (DR)"
 * mode, LSP's replica of EqualizerAPO's filters; split channels when the ears differ. */
#include <math.h>
#include "eqexport_impl.h"
#include "json.h"

static const char *ee_type(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "Lo-shelf" : t == HP_BQ_HIGHSHELF ? "Hi-shelf" : "Bell";
}

/* EasyEffects keeps the numbers it is given; these are the values the text formats carry. */
static double rounded(double v, int decimals)
{
    double s = pow(10, decimals);
    return round(v * s) / s;
}

static void channel(hp_json *j, const char *key, const hp_peq *p, size_t nbands)
{
    hp_json_obj_begin(j, key);
    for (size_t k = 0; k < nbands; k++) {
        char band[32];
        snprintf(band, sizeof band, "band%zu", k);
        hp_json_obj_begin(j, band);
        /* Bands past this ear's filters (the other ear has more) are switched off. */
        int on = k < p->n;
        hp_json_num(j, "frequency", on ? rounded(p->f[k].fc_hz, EQX_FC_DECIMALS) : 1000);
        hp_json_num(j, "gain", on ? rounded(p->f[k].gain_db, EQX_GAIN_DECIMALS) : 0);
        hp_json_str(j, "mode", "APO (DR)");
        hp_json_bool(j, "mute", 0);
        hp_json_num(j, "q", on ? rounded(p->f[k].q, EQX_Q_DECIMALS) : 1);
        hp_json_str(j, "slope", "x1");
        hp_json_bool(j, "solo", 0);
        hp_json_str(j, "type", on ? ee_type(p->f[k].type) : "Off");
        hp_json_num(j, "width", 4);
        hp_json_obj_end(j);
    }
    hp_json_obj_end(j);
}

hp_err eqx_write_easyeffects(eqx_ctx *c)
{
    const char *name = "easyeffects.json";
    const hp_eq_export *e = c->e;
    FILE *f = eqx_open(c, name);
    if (!f)
        return HP_EIO;
    size_t nb = c->peq[0].n;
    if (e->nch == 2 && c->peq[1].n > nb)
        nb = c->peq[1].n;
    if (nb == 0)
        nb = 1; /* EasyEffects needs at least one band; an "Off" band does nothing */
    hp_json j;
    hp_json_init(&j, f);
    hp_json_obj_begin(&j, NULL);
    hp_json_obj_begin(&j, "output");
    hp_json_arr_begin(&j, "blocklist");
    hp_json_arr_end(&j);
    hp_json_obj_begin(&j, "equalizer#0");
    hp_json_num(&j, "balance", 0);
    hp_json_bool(&j, "bypass", 0);
    hp_json_num(&j, "input-gain", rounded(c->peq[0].preamp_db, EQX_PREAMP_DECIMALS));
    channel(&j, "left", &c->peq[0], nb);
    hp_json_str(&j, "mode", "IIR");
    hp_json_int(&j, "num-bands", (long long)nb);
    hp_json_num(&j, "output-gain", 0);
    hp_json_num(&j, "pitch-left", 0);
    hp_json_num(&j, "pitch-right", 0);
    channel(&j, "right", &c->peq[e->nch == 2 ? 1 : 0], nb);
    hp_json_bool(&j, "split-channels", e->nch == 2);
    hp_json_obj_end(&j);
    hp_json_arr_begin(&j, "plugins_order");
    hp_json_str(&j, NULL, "equalizer#0");
    hp_json_arr_end(&j);
    hp_json_obj_end(&j);
    hp_json_obj_end(&j);
    hp_err err = hp_json_finish(&j);
    return err != HP_OK ? eqx_write_failed(c, name, err) : HP_OK;
}
