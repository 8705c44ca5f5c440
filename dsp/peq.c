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

hp_err hp_peq_shelf_split(const hp_peq_filter *shelf, double rate_hz, hp_peq_filter out[3])
{
    if (!shelf || !out || !(shelf->type == HP_BQ_LOWSHELF || shelf->type == HP_BQ_HIGHSHELF) ||
        !(rate_hz > 0) || !isfinite(rate_hz) || !(shelf->fc_hz > 0) ||
        !(shelf->fc_hz < rate_hz / 2) || !(shelf->q > 0) || !isfinite(shelf->q) ||
        !isfinite(shelf->gain_db))
        return HP_EINVAL;
    /* Low shelf A (s^2 + (sqrt A/q) s + A) / (A s^2 + (sqrt A/q) s + 1) over the same with
     * q0 = 1/sqrt 2 is (s^2 + (sqrt A/q) s + A) / (s^2 + (sqrt A/q0) s + A), a peaking
     * section at sqrt A, times (A s^2 + (sqrt A/q0) s + 1) / (A s^2 + (sqrt A/q) s + 1), one at
     * 1/sqrt A; the high shelf is the mirror image. Both peaks have Q sqrt(q q0) and gains
     * of opposite sign. Each RBJ section is the bilinear transform pre-warped at its own
     * centre, so the centres are placed where the shelf's warping puts them. */
    const double q0 = sqrt(0.5);
    double a = pow(10.0, shelf->gain_db / 40), t = tan(M_PI * shelf->fc_hz / rate_hz);
    double f_up = rate_hz / M_PI * atan(sqrt(a) * t), f_down = rate_hz / M_PI * atan(t / sqrt(a));
    double qp = sqrt(shelf->q * q0), g = 20 * log10(q0 / shelf->q);
    out[0] = *shelf;
    out[0].q = q0;
    int low = shelf->type == HP_BQ_LOWSHELF;
    out[1] = (hp_peq_filter){HP_BQ_PEAK, low ? f_up : f_down, qp, g};
    out[2] = (hp_peq_filter){HP_BQ_PEAK, low ? f_down : f_up, qp, -g};
    return HP_OK;
}

/* Golden-section search for the largest dB value of c between lo and hi (log frequency). */
static double refine_max(const hp_cascade *c, double lo, double hi)
{
    const double g = (sqrt(5.0) - 1) / 2;
    double a = log(lo), b = log(hi);
    double x1 = b - g * (b - a), x2 = a + g * (b - a);
    double f1 = hp_cascade_db(c, exp(x1)), f2 = hp_cascade_db(c, exp(x2));
    for (int i = 0; i < 60 && b - a > 1e-9; i++) {
        if (f1 < f2) {
            a = x1, x1 = x2, f1 = f2;
            x2 = a + g * (b - a);
            f2 = hp_cascade_db(c, exp(x2));
        } else {
            b = x2, x2 = x1, f2 = f1;
            x1 = b - g * (b - a);
            f1 = hp_cascade_db(c, exp(x1));
        }
    }
    return fmax(f1, f2);
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
    /* Every frequency the rate can carry counts: DC (where a low-shelf boost is largest),
     * 1 Hz up to Nyquist on a 1/96-octave grid, and Nyquist itself (a high shelf at 192 kHz
     * keeps rising far above 20 kHz). Each local maximum of the grid is then refined by a
     * golden-section search between its neighbours, so a narrow peak between two grid points
     * is not missed. */
    double top = fmax(hp_cascade_db(&c, 0.0), hp_cascade_db(&c, rate_hz / 2));
    const double step = pow(2.0, 1.0 / 96), nyq = rate_hz / 2;
    double prev2 = -INFINITY, prev = hp_cascade_db(&c, 1.0), fprev = 1.0;
    for (double f = step; f < nyq; f *= step) {
        double v = hp_cascade_db(&c, f);
        if (prev > v && prev >= prev2)
            top = fmax(top, refine_max(&c, fprev / step, fmin(f, nyq)));
        top = fmax(top, v);
        prev2 = prev, prev = v, fprev = f;
    }
    *preamp_db = top > 0 ? -top : 0.0;
    return HP_OK;
}
