/* SPDX-License-Identifier: MIT */
/* The table of plot kinds. */
#include "kinds.h"
#include <string.h>

static const hp_plot_kind kinds[] = {
    {"fr", "FR.csv|DIR...", "frequency responses: raw, smoothed, target and equalized, per channel",
     1, 16, hp_plot_fr},
    {"placements", "SESSION", "every placement of a session, their mean and min-max band, per ear",
     1, 1, hp_plot_placements},
    {"balance", "FR-L.csv FR-R.csv | DIR...", "left minus right", 1, 16, hp_plot_balance},
    {"compare", "FR.csv|DIR|SESSION...", "several headphones, normalized (--normalize)", 1, 16,
     hp_plot_compare},
    {"ir", "IR.wav|DIR...", "impulse response and energy-time curve with the analysis window", 1,
     8, hp_plot_ir},
    {"thd", "THD.csv|DIR...", "THD and H2-H5 against frequency, in % and dB", 1, 4, hp_plot_thd},
    {"leak", "DIR [DIR2]", "leak curves per placement with their fitted models (hpfr leak)", 1, 2,
     hp_plot_leak},
    {"eq", "DIR|ParametricEQ.txt", "each PEQ filter, their sum and the FIR responses (hpfr eq)",
     1, 1, hp_plot_eq},
};

const hp_plot_kind *hp_plot_kind_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

const hp_plot_kind *hp_plot_kind_at(size_t i)
{
    return i < sizeof kinds / sizeof *kinds ? &kinds[i] : NULL;
}
