/* SPDX-License-Identifier: MIT */
/* FFT wrapper: round trip, a closed-form transform, aligned and unaligned buffers, misuse. */
#include "t.h"
#include "fft.h"
#include <stdlib.h>

int main(void)
{
    hp_err e;
    CHECK(hp_fft_new(1, &e) == NULL && e == HP_EINVAL);
    CHECK(hp_fft_good_size(1000) == 1000);
    CHECK(hp_fft_good_size(1009) == 1024);
    CHECK(hp_fft_good_size(262147) == 262440);

    size_t n = 1000;
    hp_fft *f = hp_fft_new(n, &e);
    CHECK(f && e == HP_OK);
    /* A cosine at bin 7 transforms to n/2 at bin 7 and ~0 elsewhere. */
    double *x = calloc(n + 1, sizeof *x);
    double complex *X = calloc(n / 2 + 1, sizeof *X);
    for (size_t i = 0; i < n; i++)
        x[i] = cos(2 * M_PI * 7 * (double)i / (double)n);
    CHECK(hp_fft_forward(f, x, X) == HP_OK);
    CHECK_NEAR(creal(X[7]), n / 2.0, 1e-9);
    CHECK_NEAR(cabs(X[8]), 0, 1e-9);
    /* Unaligned input (offset by one double) gives the same answer through the copy path. */
    double *xu = x + 1;
    for (size_t i = 0; i < n; i++)
        xu[i] = sin(0.01 * (double)i * (double)i);
    double complex *Y = hp_fft_alloc_complex(n / 2 + 1);
    double *back = hp_fft_alloc_real(n);
    CHECK(hp_fft_forward(f, xu, Y) == HP_OK);
    CHECK(hp_fft_inverse(f, Y, back) == HP_OK);
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(back[i] - xu[i]));
    CHECK(worst < 1e-12);
    CHECK(hp_fft_forward(NULL, x, X) == HP_EINVAL);
    CHECK(hp_fft_inverse(f, NULL, back) == HP_EINVAL);
    hp_fft_buf_free(Y);
    hp_fft_buf_free(back);
    hp_fft_buf_free(NULL);
    hp_fft_free(f);
    hp_fft_free(NULL);
    free(x);
    free(X);
    T_DONE();
}
