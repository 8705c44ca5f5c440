/* SPDX-License-Identifier: MIT */
/* Frequency grids for responses: log-spaced fractional-octave grids and AutoEq's 20*1.01^k. */
#ifndef HP_GRID_H
#define HP_GRID_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    size_t n;
    double *f_hz;  /* ascending */
} hp_grid;

/* Log grid from f_lo to f_hi (both included) with the step nearest to 1/ppo octave.
 * HP_EINVAL unless 0 < f_lo < f_hi and 1 <= ppo <= 1000. */
hp_err hp_grid_log(double f_lo, double f_hi, double ppo, hp_grid *g) HP_WUR;

/* AutoEq's grid: 20 * 1.01^k for k = 0..694 (20 Hz .. 19955.5 Hz). */
hp_err hp_grid_autoeq(hp_grid *g) HP_WUR;

void hp_grid_release(hp_grid *g);

#endif
