/* SPDX-License-Identifier: MIT */
/* Device presets for hpfr eq: the filter budget and limits each equalizer accepts. Numbers
 * from AutoEq's device configurations (autoeq/constants.py, PEQ_CONFIGS) where it has them. */
#include <math.h>
#include <string.h>
#include "eq.h"
#include "eqexport.h"

static void shelves_plus_peaks(hp_peqfit_cfg *c, double qmin, double qmax, double gmax)
{
    c->ls_fc_hz = 105;
    c->ls_q = 0.7;
    c->hs_fc_hz = 10000;
    c->hs_q = 0.7;
    c->n_peak = 8;
    c->q_min = qmin;
    c->q_max = qmax;
    c->gain_min_db = -gmax;
    c->gain_max_db = gmax;
}

/* A fixed-band graphic equalizer: n bands, integer gains, +-12 dB, no preamp. */
static void graphic(hp_peqfit_cfg *c, size_t n, double f0, double per_octave, double q)
{
    c->ls_fc_hz = c->hs_fc_hz = 0;
    c->n_peak = 0;
    c->n_fixed = n;
    for (size_t i = 0; i < n; i++)
        c->fixed_fc_hz[i] = f0 * pow(2.0, (double)i / per_octave);
    c->fixed_q = q;
    c->gain_min_db = -12;
    c->gain_max_db = 12;
    c->gain_step_db = 1;
    c->no_preamp = 1;
}

int eq_preset_apply(const char *name, hp_peqfit_cfg *c, unsigned *formats)
{
    double rate = c->rate_hz;
    *c = hp_peqfit_cfg_default();
    c->rate_hz = rate;
    *formats = HP_EQX_ALL;
    if (!strcmp(name, "autoeq")) {
        /* AutoEq's 8_PEAKING_WITH_SHELVES: the defaults already are. */
    } else if (!strcmp(name, "peq10")) {
        /* A generic 10-band parametric equalizer (AutoEq's 10_PEAKING). */
        c->ls_fc_hz = c->hs_fc_hz = 0;
        c->n_peak = 10;
    } else if (!strcmp(name, "qudelix")) {
        shelves_plus_peaks(c, 0.1, 7, 12);
    } else if (!strcmp(name, "poweramp")) {
        shelves_plus_peaks(c, 0.1, 12, 15);
    } else if (!strcmp(name, "wavelet")) {
        /* Wavelet imports AutoEq's 127-point GraphicEQ; the PEQ is fitted for the summary. */
        *formats = HP_EQX_GRAPHIC;
    } else if (!strcmp(name, "graphic10")) {
        graphic(c, 10, 31.25, 1, sqrt(2.0));
    } else if (!strcmp(name, "graphic31")) {
        graphic(c, 31, 20, 3, 4.318473);
    } else {
        return 0;
    }
    return 1;
}
