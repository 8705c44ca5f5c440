/* SPDX-License-Identifier: MIT */
/* Weights and caps from the placement spread. */
#include "eqrobust.h"
#include <math.h>

hp_robust_cfg hp_robust_cfg_default(void)
{
    hp_robust_cfg c = {0.5, 3000, 6, 0.5};
    return c;
}

hp_err hp_robust_weights(const double *f, const double *sd, size_t n, const hp_robust_cfg *c,
                         double *weight, double *max_abs)
{
    if (!c || n == 0 || !f || !sd || !weight || !max_abs || !(c->floor_db > 0) ||
        !(c->cap_db2 > 0) || !(c->cap_min_db >= 0))
        return HP_EINVAL;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(sd[i] >= 0) || !isfinite(sd[i]))
            return HP_EINVAL;
        weight[i] = 1.0 / (sd[i] * sd[i] + c->floor_db * c->floor_db);
        sum += weight[i];
        double cap = c->cap_db2 / fmax(sd[i], 1e-9);
        max_abs[i] = f[i] >= c->treble_hz ? fmin(fmax(cap, c->cap_min_db), HP_ROBUST_NO_CAP)
                                          : HP_ROBUST_NO_CAP;
    }
    for (size_t i = 0; i < n; i++)
        weight[i] *= (double)n / sum;
    return HP_OK;
}
