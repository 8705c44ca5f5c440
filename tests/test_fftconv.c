/* SPDX-License-Identifier: MIT */
/* hp_fftconv against the convolution sum computed directly, on seeded random signals of odd,
 * even and mismatched lengths; a unit impulse and a delayed impulse as FIRs; API misuse. */
#include <stdint.h>
#include <stdlib.h>
#include "fftconv.h"
#include "t.h"

static uint64_t rng_state = 0x5EEDULL;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* Largest |fft result - direct sum| over the first ny samples, relative to the largest |y|. */
static double rel_error(size_t nx, size_t nh, size_t ny)
{
    double *x = malloc(nx * sizeof *x), *h = malloc(nh * sizeof *h), *y = malloc(ny * sizeof *y);
    double err = INFINITY;
    if (!x || !h || !y)
        goto out;
    for (size_t i = 0; i < nx; i++)
        x[i] = uniform();
    for (size_t i = 0; i < nh; i++)
        h[i] = uniform();
    if (hp_fftconv(x, nx, h, nh, y, ny) != HP_OK)
        goto out;
    double top = 0, worst = 0;
    for (size_t k = 0; k < ny; k++) {
        double s = 0;
        for (size_t j = 0; j < nh && j <= k; j++)
            if (k - j < nx)
                s += h[j] * x[k - j];
        worst = fmax(worst, fabs(s - y[k]));
        top = fmax(top, fabs(s));
    }
    err = worst / top;
out:
    free(x);
    free(h);
    free(y);
    return err;
}

int main(void)
{
    printf("seed 0x5EED\n");
    /* The full result, a truncated one, odd and prime lengths, a FIR longer than the signal. */
    CHECK(rel_error(1000, 64, 1063) < 1e-12);
    CHECK(rel_error(1000, 64, 1000) < 1e-12);
    CHECK(rel_error(4099, 257, 4355) < 1e-12);
    CHECK(rel_error(31, 500, 530) < 1e-12);
    CHECK(rel_error(1, 1, 1) < 1e-12);

    /* A unit impulse passes the signal; an impulse at 3 delays it by 3 samples. */
    double x[50], y[60], d[4] = {0, 0, 0, 1}, one = 1;
    for (size_t i = 0; i < 50; i++)
        x[i] = uniform();
    CHECK(hp_fftconv(x, 50, &one, 1, y, 50) == HP_OK);
    double e = 0;
    for (size_t i = 0; i < 50; i++)
        e = fmax(e, fabs(y[i] - x[i]));
    CHECK(e < 1e-14);
    CHECK(hp_fftconv(x, 50, d, 4, y, 53) == HP_OK);
    e = fmax(fabs(y[0]), fmax(fabs(y[1]), fabs(y[2])));
    for (size_t i = 0; i < 50; i++)
        e = fmax(e, fabs(y[i + 3] - x[i]));
    CHECK(e < 1e-14);

    /* Misuse. */
    CHECK(hp_fftconv(NULL, 50, d, 4, y, 50) == HP_EINVAL);
    CHECK(hp_fftconv(x, 50, NULL, 4, y, 50) == HP_EINVAL);
    CHECK(hp_fftconv(x, 50, d, 4, NULL, 50) == HP_EINVAL);
    CHECK(hp_fftconv(x, 0, d, 4, y, 1) == HP_EINVAL);
    CHECK(hp_fftconv(x, 50, d, 0, y, 1) == HP_EINVAL);
    CHECK(hp_fftconv(x, 50, d, 4, y, 0) == HP_EINVAL);
    CHECK(hp_fftconv(x, 50, d, 4, y, 54) == HP_EINVAL);
    CHECK(hp_fftconv(x, SIZE_MAX, d, 4, y, 10) == HP_EINVAL);
    T_DONE();
}
