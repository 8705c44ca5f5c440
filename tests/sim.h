/* SPDX-License-Identifier: MIT */
/* Test helpers: a headphone-like biquad cascade, a Hammerstein nonlinearity and seeded white
 * noise applied to a signal, so tests can compare measurements with the cascade's analytic
 * response (the truth is the filter coefficients, never another run of hpfr's analysis). */
#ifndef HP_TEST_SIM_H
#define HP_TEST_SIM_H
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cascade.h"

/* Leak high-pass, bass bump, ear-gain peak near 3 kHz, 8 kHz notch, treble peak, HF roll-off. */
static inline hp_cascade sim_headphone(double rate, double gain, size_t delay)
{
    hp_cascade c = hp_cascade_init(rate);
    int ok = hp_cascade_add(&c, HP_BQ_LEAK2, 15, 0.7, 0) == HP_OK &&
             hp_cascade_add(&c, HP_BQ_PEAK, 60, 1.0, 4) == HP_OK &&
             hp_cascade_add(&c, HP_BQ_PEAK, 3000, 2.0, 10) == HP_OK &&
             hp_cascade_add(&c, HP_BQ_PEAK, 8000, 5.0, -8) == HP_OK &&
             hp_cascade_add(&c, HP_BQ_PEAK, 12000, 3.0, 5) == HP_OK &&
             hp_cascade_add(&c, HP_BQ_LOWPASS, 19000, 0.7, 0) == HP_OK;
    if (!ok)
        abort();
    c.gain = gain;
    c.delay_frames = delay;
    return c;
}

static inline uint64_t sim_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Standard normal deviate (Box-Muller) from a splitmix64 state. */
static inline double sim_gauss(uint64_t *s)
{
    double u1 = ((double)(sim_next(s) >> 11) + 0.5) / 9007199254740992.0;
    double u2 = (double)(sim_next(s) >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* out[i] = delay(cascade(x + a2 x^2 + a3 x^3)) + noise_rms * N(0,1); in and out have n samples. */
static inline void sim_apply(const hp_cascade *c, double a2, double a3, double noise_rms,
                             uint64_t seed, const double *in, double *out, size_t n)
{
    double *tmp = calloc(n, sizeof *tmp);
    hp_biquad_state st[HP_CASCADE_MAX];
    memset(st, 0, sizeof st);
    for (size_t i = 0; i < n; i++)
        tmp[i] = in[i] + a2 * in[i] * in[i] + a3 * in[i] * in[i] * in[i];
    hp_cascade_run(c, st, tmp, tmp, n);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double v = i >= c->delay_frames ? tmp[i - c->delay_frames] : 0.0;
        out[i] = v + (noise_rms > 0 ? noise_rms * sim_gauss(&s) : 0.0);
    }
    free(tmp);
}

#endif
