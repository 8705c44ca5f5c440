/* SPDX-License-Identifier: MIT */
/* IR magnitude on an arbitrary grid: one zero-padded FFT, complex values interpolated
 * linearly between bins. Padding 4x keeps the interpolation error below 0.01 dB for the
 * responses hpfr writes (a 500 ms window whose content decays long before its end). */
#include "irspectrum.h"
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fft.h"

#define PAD 4

struct hp_irspec {
    size_t max_len, m;
    hp_fft *fft;
    double *buf;
    double complex *spec;
};

hp_irspec *hp_irspec_new(size_t max_len, hp_err *err)
{
    hp_err e = HP_EINVAL;
    hp_irspec *s = NULL;
    size_t m = max_len <= SIZE_MAX / PAD ? hp_fft_good_size(PAD * max_len) : 0;
    if (max_len < 2 || m == 0)
        goto fail;
    e = HP_ENOMEM;
    s = calloc(1, sizeof *s);
    if (!s)
        goto fail;
    s->max_len = max_len;
    s->m = m;
    s->buf = hp_fft_alloc_real(m);
    s->spec = hp_fft_alloc_complex(m / 2 + 1);
    if (!s->buf || !s->spec)
        goto fail;
    s->fft = hp_fft_new(m, &e);
    if (!s->fft)
        goto fail;
    return s;
fail:
    hp_irspec_free(s);
    if (err)
        *err = e;
    return NULL;
}

void hp_irspec_free(hp_irspec *s)
{
    if (!s)
        return;
    hp_fft_free(s->fft);
    hp_fft_buf_free(s->buf);
    hp_fft_buf_free(s->spec);
    free(s);
}

size_t hp_irspec_max_len(const hp_irspec *s)
{
    return s ? s->max_len : 0;
}

hp_err hp_irspec_db(hp_irspec *s, const double *ir, size_t n, double rate_hz, const double *f_hz,
                    size_t nf, double *out_db)
{
    if (!s || !ir || !f_hz || !out_db || n == 0 || n > s->max_len || !(rate_hz > 0) ||
        !isfinite(rate_hz))
        return HP_EINVAL;
    for (size_t i = 0; i < nf; i++)
        if (!(f_hz[i] > 0) || !(f_hz[i] < rate_hz / 2))
            return HP_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(ir[k]))
            return HP_EINVAL;
    memcpy(s->buf, ir, n * sizeof *ir);
    memset(s->buf + n, 0, (s->m - n) * sizeof *ir);
    hp_err e = hp_fft_forward(s->fft, s->buf, s->spec);
    if (e != HP_OK)
        return e;
    double bins_per_hz = (double)s->m / rate_hz;
    for (size_t i = 0; i < nf; i++) {
        double k = f_hz[i] * bins_per_hz;
        size_t k0 = (size_t)k;
        if (k0 >= s->m / 2)
            k0 = s->m / 2 - 1;
        double t = k - (double)k0;
        double complex v = s->spec[k0] * (1.0 - t) + s->spec[k0 + 1] * t;
        double db = 20.0 * log10(cabs(v));
        out_db[i] = db > HP_IRSPEC_FLOOR_DB ? db : HP_IRSPEC_FLOOR_DB;
    }
    return HP_OK;
}

hp_err hp_irspec_noise_db(const double *ir, size_t n, double *out_db)
{
    if (!ir || !out_db || n < 20)
        return HP_EINVAL;
    size_t lo = n * 6 / 10, hi = n * 3 / 4;
    double ss = 0;
    for (size_t k = lo; k < hi; k++)
        ss += ir[k] * ir[k];
    double p = ss / (double)(hi - lo) * (double)n;
    double db = p > 0 ? 10.0 * log10(p) : HP_IRSPEC_FLOOR_DB;
    *out_db = db > HP_IRSPEC_FLOOR_DB ? db : HP_IRSPEC_FLOOR_DB;
    return HP_OK;
}

double hp_irspec_sigma_db(double x_db, double noise_db)
{
    /* 20/ln 10 * sqrt(1/2) = 6.1405 */
    double s = 6.140226 * pow(10.0, (noise_db - x_db) / 20.0);
    return s < 10.0 ? s : 10.0;
}
