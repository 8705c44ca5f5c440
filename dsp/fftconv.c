/* SPDX-License-Identifier: MIT */
/* Linear convolution by the convolution theorem: both inputs zero-padded to one transform at
 * least as long as the full result, so the circular product has nothing to wrap. */
#include "fftconv.h"
#include <complex.h>
#include <stdint.h>
#include <string.h>
#include "fft.h"

hp_err hp_fftconv(const double *x, size_t nx, const double *h, size_t nh, double *y, size_t ny)
{
    if (!x || !h || !y || !nx || !nh || nx > SIZE_MAX / 4 - nh || !ny || ny > nx + nh - 1)
        return HP_EINVAL;
    size_t n = hp_fft_good_size(nx + nh - 1);
    if (!n)
        return HP_EINVAL;
    hp_err e = HP_OK;
    hp_fft *f = hp_fft_new(n, &e);
    double *buf = hp_fft_alloc_real(n);
    double complex *X = hp_fft_alloc_complex(n / 2 + 1), *H = hp_fft_alloc_complex(n / 2 + 1);
    if (!f || !buf || !X || !H) {
        e = e != HP_OK ? e : HP_ENOMEM;
        goto out;
    }
    memcpy(buf, x, nx * sizeof *buf);
    memset(buf + nx, 0, (n - nx) * sizeof *buf);
    if ((e = hp_fft_forward(f, buf, X)) != HP_OK)
        goto out;
    memcpy(buf, h, nh * sizeof *buf);
    memset(buf + nh, 0, (n - nh) * sizeof *buf);
    if ((e = hp_fft_forward(f, buf, H)) != HP_OK)
        goto out;
    for (size_t k = 0; k <= n / 2; k++)
        X[k] *= H[k];
    if ((e = hp_fft_inverse_destroy(f, X, buf)) != HP_OK)
        goto out;
    memcpy(y, buf, ny * sizeof *y);
out:
    hp_fft_buf_free(H);
    hp_fft_buf_free(X);
    hp_fft_buf_free(buf);
    hp_fft_free(f);
    return e;
}
