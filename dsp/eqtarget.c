/* SPDX-License-Identifier: MIT */
/* Target shaping and level alignment. */
#include "eqtarget.h"
#include <math.h>
#include "cascade.h"
#include "eqcurve.h"

hp_target_adj hp_target_adj_default(void)
{
    hp_target_adj a = {0, 105, 0.7, 0, 0, 10000, 0.7, 48000};
    return a;
}

hp_err hp_target_adjust(const double *f, double *t, size_t n, const hp_target_adj *a)
{
    if (!a || (n && (!f || !t)) || !isfinite(a->tilt_db_oct))
        return HP_EINVAL;
    hp_cascade c = hp_cascade_init(a->rate_hz);
    hp_err e = HP_OK;
    if (a->bass_db != 0)
        e = hp_cascade_add(&c, HP_BQ_LOWSHELF, a->bass_fc_hz, a->bass_q, a->bass_db);
    if (e == HP_OK && a->treble_db != 0)
        e = hp_cascade_add(&c, HP_BQ_HIGHSHELF, a->treble_fc_hz, a->treble_q, a->treble_db);
    if (e != HP_OK)
        return HP_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!(f[i] > 0))
            return HP_EINVAL;
        /* Above Nyquist of the design rate a shelf has no response; hold its top value. */
        double fe = fmin(f[i], 0.499 * a->rate_hz);
        t[i] += (c.nsec ? hp_cascade_db(&c, fe) : 0.0) + a->tilt_db_oct * log2(f[i] / 1000.0);
    }
    return HP_OK;
}

hp_err hp_target_offset(const double *f, const double *m, const double *t, size_t n,
                        double lo_hz, double hi_hz, double at_hz, double *offset)
{
    if (!f || !m || !t || !offset || n == 0)
        return HP_EINVAL;
    if (at_hz > 0) {
        double mv, tv;
        hp_err e = hp_eqc_at(f, m, n, at_hz, &mv);
        if (e == HP_OK)
            e = hp_eqc_at(f, t, n, at_hz, &tv);
        if (e == HP_OK)
            *offset = mv - tv;
        return e;
    }
    return hp_eqc_band_mean(f, m, t, n, lo_hz, hi_hz, offset);
}
