/* SPDX-License-Identifier: MIT */
/* Biquad cascades with gain and delay; responses are computed from the coefficients, so they
 * are the exact truth for anything simulated with hp_cascade_run. */
#include "cascade.h"
#include <math.h>

hp_cascade hp_cascade_init(double rate_hz)
{
    hp_cascade c = {0};
    c.rate_hz = rate_hz;
    c.gain = 1.0;
    return c;
}

hp_err hp_cascade_add(hp_cascade *c, hp_biquad_type type, double fc_hz, double q, double gain_db)
{
    if (!c)
        return HP_EINVAL;
    if (c->nsec >= HP_CASCADE_MAX)
        return HP_ERANGE;
    hp_biquad bq;
    hp_err e = hp_biquad_design(type, fc_hz, q, gain_db, c->rate_hz, &bq);
    if (e != HP_OK)
        return e;
    c->sec[c->nsec++] = bq;
    return HP_OK;
}

double complex hp_cascade_response(const hp_cascade *c, double f_hz)
{
    double complex h = c->gain;
    for (size_t i = 0; i < c->nsec; i++)
        h *= hp_biquad_response(&c->sec[i], f_hz, c->rate_hz);
    if (c->delay_frames)
    {
        double ph = 2.0 * M_PI * f_hz * (double)c->delay_frames / c->rate_hz;
        h *= CMPLX(cos(ph), -sin(ph));
    }
    return h;
}

double hp_cascade_db(const hp_cascade *c, double f_hz)
{
    double complex h = c->gain;
    for (size_t i = 0; i < c->nsec; i++)
        h *= hp_biquad_response(&c->sec[i], f_hz, c->rate_hz);
    return 20.0 * log10(cabs(h));
}

void hp_cascade_run(const hp_cascade *c, hp_biquad_state *st, const double *in, double *out,
                    size_t n)
{
    if (c->nsec == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = c->gain * in[i];
        return;
    }
    hp_biquad_run(&c->sec[0], &st[0], in, out, n);
    for (size_t s = 1; s < c->nsec; s++)
        hp_biquad_run(&c->sec[s], &st[s], out, out, n);
    if (c->gain != 1.0)
        for (size_t i = 0; i < n; i++)
            out[i] *= c->gain;
}
