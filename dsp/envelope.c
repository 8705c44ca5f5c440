/* SPDX-License-Identifier: MIT */
/* Hilbert transform by FFT: -j sign(f) on the spectrum. The spectrum of a real signal is
 * Hermitian and so is -j sign(f) X, so the inverse is real and the real-to-complex plan pair
 * of fft.h is enough; DC and Nyquist carry no quadrature part. */
#include "envelope.h"
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "fft.h"

hp_err hp_envelope(const double *x, size_t n, double *env)
{
    if (!x || !env || n < 2 || n > SIZE_MAX / 4)
        return HP_EINVAL;
    if ((env < x + n && x < env + n))
        return HP_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(x[k]))
            return HP_EINVAL;
    size_t m = hp_fft_good_size(2 * n);
    while (m && (m & 1))
        m = hp_fft_good_size(m + 1);
    if (!m)
        return HP_ENOMEM;
    hp_err e = HP_ENOMEM;
    hp_fft *fft = hp_fft_new(m, &e);
    double *buf = hp_fft_alloc_real(m);
    double complex *bins = hp_fft_alloc_complex(m / 2 + 1);
    if (!fft || !buf || !bins) {
        e = fft ? HP_ENOMEM : e;
        goto out;
    }
    memcpy(buf, x, n * sizeof *buf);
    memset(buf + n, 0, (m - n) * sizeof *buf);
    if ((e = hp_fft_forward(fft, buf, bins)) != HP_OK)
        goto out;
    bins[0] = 0;
    bins[m / 2] = 0;
    for (size_t k = 1; k < m / 2; k++)
        bins[k] = CMPLX(cimag(bins[k]), -creal(bins[k])); /* -j * X */
    if ((e = hp_fft_inverse_destroy(fft, bins, buf)) != HP_OK)
        goto out;
    for (size_t k = 0; k < n; k++)
        env[k] = hypot(x[k], buf[k]);
out:
    hp_fft_buf_free(bins);
    hp_fft_buf_free(buf);
    hp_fft_free(fft);
    return e;
}
