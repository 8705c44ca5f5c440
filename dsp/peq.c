/* SPDX-License-Identifier: MIT */
/* Parametric EQ profiles designed at a sample rate. */
#include "peq.h"
#include <math.h>

static int is_eq_type(hp_biquad_type t)
{
    return t == HP_BQ_PEAK || t == HP_BQ_LOWSHELF || t == HP_BQ_HIGHSHELF;
}

hp_err hp_peq_cascade(const hp_peq *p, double rate_hz, hp_cascade *out)
{
    if (!p || !out || p->n > HP_PEQ_MAX || !(rate_hz > 0) || !isfinite(p->preamp_db))
        return HP_EINVAL;
    *out = hp_cascade_init(rate_hz);
    for (size_t i = 0; i < p->n; i++) {
        const hp_peq_filter *f = &p->f[i];
        if (!is_eq_type(f->type))
            return HP_EINVAL;
        hp_err e = hp_cascade_add(out, f->type, f->fc_hz, f->q, f->gain_db);
        if (e != HP_OK)
            return e;
    }
    out->gain = pow(10.0, p->preamp_db / 20.0);
    return HP_OK;
}

hp_err hp_peq_response_db(const hp_peq *p, double rate_hz, const double *f_hz, size_t n,
                          double *db)
{
    hp_cascade c;
    if ((n && (!f_hz || !db)))
        return HP_EINVAL;
    hp_err e = hp_peq_cascade(p, rate_hz, &c);
    if (e != HP_OK)
        return e;
    for (size_t i = 0; i < n; i++) {
        if (!(f_hz[i] > 0) || !(f_hz[i] < rate_hz / 2))
            return HP_EINVAL;
        db[i] = hp_cascade_db(&c, f_hz[i]);
    }
    return HP_OK;
}

hp_err hp_peq_auto_preamp(const hp_peq *p, double rate_hz, double *preamp_db)
{
    hp_cascade c;
    if (!preamp_db)
        return HP_EINVAL;
    hp_err e = hp_peq_cascade(p, rate_hz, &c);
    if (e != HP_OK)
        return e;
    c.gain = 1.0;
    /* 1/96 octave is fine enough: the narrowest filter allowed (Q 6..10) spans several steps
     * around its peak, and a miss of the true maximum costs far less than 0.01 dB. */
    double hi = fmin(24000.0, 0.49 * rate_hz), top = -INFINITY;
    for (double f = 10.0; f <= hi; f *= pow(2.0, 1.0 / 96))
        top = fmax(top, hp_cascade_db(&c, f));
    *preamp_db = top > 0 ? -top : 0.0;
    return HP_OK;
}
