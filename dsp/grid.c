/* SPDX-License-Identifier: MIT */
/* Log-frequency grids. */
#include "grid.h"
#include <math.h>
#include <stdlib.h>

hp_err hp_grid_log(double f_lo, double f_hi, double ppo, hp_grid *g)
{
    if (!g || !(f_lo > 0) || !(f_hi > f_lo) || !isfinite(f_hi) || !(ppo >= 1 && ppo <= 1000))
        return HP_EINVAL;
    /* Keep both end points exact: the step is adjusted by at most half a step per span. */
    double steps = round(ppo * log2(f_hi / f_lo));
    if (steps < 1)
        steps = 1;
    if (steps > 1e6)
        return HP_EINVAL;
    size_t n = (size_t)steps + 1;
    double *f = calloc(n, sizeof *f);
    if (!f)
        return HP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        f[i] = f_lo * pow(f_hi / f_lo, (double)i / steps);
    f[n - 1] = f_hi;
    g->n = n;
    g->f_hz = f;
    return HP_OK;
}

hp_err hp_grid_autoeq(hp_grid *g)
{
    if (!g)
        return HP_EINVAL;
    const size_t n = 695;
    double *f = calloc(n, sizeof *f);
    if (!f)
        return HP_ENOMEM;
    for (size_t i = 0; i < n; i++)
        f[i] = 20.0 * pow(1.01, (double)i);
    g->n = n;
    g->f_hz = f;
    return HP_OK;
}

void hp_grid_release(hp_grid *g)
{
    if (!g)
        return;
    free(g->f_hz);
    g->f_hz = NULL;
    g->n = 0;
}
