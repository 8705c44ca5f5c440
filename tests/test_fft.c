/* SPDX-License-Identifier: MIT */
/* FFT wrapper: round trip, a closed-form transform, aligned and unaligned buffers, misuse. */
#include "t.h"
#include "fft.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Largest difference between the transform of x[n] in bins and a direct DFT of x, relative
 * to the largest bin, with the sums taken in long double and exact-period angles. */
static double dft_error(const double *x, size_t n, const double *bins)
{
    double worst = 0, scale = 0;
    for (size_t k = 0; k <= n / 2; k++) {
        long double re = 0, im = 0;
        for (size_t j = 0; j < n; j++) {
            size_t p = (j * k) % n; /* exact phase index keeps the reference accurate */
            long double a = -2.0L * (long double)M_PI * (long double)p / (long double)n;
            re += (long double)x[j] * cosl(a);
            im += (long double)x[j] * sinl(a);
        }
        worst = fmax(worst, hypot((double)re - bins[2 * k], (double)im - bins[2 * k + 1]));
        scale = fmax(scale, hypot((double)re, (double)im));
    }
    return worst / scale;
}

/* Deterministic test signal: a chirp plus a pseudo-random part. */
static void fill(double *x, size_t n, unsigned seed)
{
    unsigned s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = sin(0.003 * (double)i * (double)i) + ((double)(s >> 8) / 16777216.0 - 0.5);
    }
}

/* Every size class: tiny, odd, even with n/2 odd, with n/2 even, prime halves. */
static void check_sizes(void)
{
    static const size_t sizes[] = {2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 30, 62, 97, 100, 128, 210,
                                   254, 256, 999, 1000, 1022, 2048};
    double worst_fwd = 0, worst_rt = 0, worst_ip = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        hp_err e;
        hp_fft *f = hp_fft_new(n, &e);
        CHECK(f && e == HP_OK);
        if (!f)
            continue;
        double *x = hp_fft_alloc_real(n + 2), *buf = hp_fft_alloc_real(n + 2);
        double *back = hp_fft_alloc_real(n);
        double complex *X = hp_fft_alloc_complex(n / 2 + 1);
        fill(x, n, (unsigned)n);
        CHECK(hp_fft_forward(f, x, X) == HP_OK);
        worst_fwd = fmax(worst_fwd, dft_error(x, n, (const double *)X));
        CHECK(hp_fft_inverse(f, X, back) == HP_OK);
        for (size_t i = 0; i < n; i++)
            worst_rt = fmax(worst_rt, fabs(back[i] - x[i]));
        /* In place: the same bins, then the same samples back. */
        memcpy(buf, x, n * sizeof *x);
        CHECK(hp_fft_forward_inplace(f, buf) == HP_OK);
        double diff = 0;
        for (size_t k = 0; k < 2 * (n / 2 + 1); k++)
            diff = fmax(diff, fabs(buf[k] - ((const double *)X)[k]));
        worst_ip = fmax(worst_ip, diff);
        if (n % 2)
            CHECK(hp_fft_plan_inverse(f) == HP_OK);
        CHECK(hp_fft_inverse_inplace(f, buf) == HP_OK);
        for (size_t i = 0; i < n; i++)
            worst_rt = fmax(worst_rt, fabs(buf[i] - x[i]));
        hp_fft_buf_free(x);
        hp_fft_buf_free(buf);
        hp_fft_buf_free(back);
        hp_fft_buf_free(X);
        hp_fft_free(f);
    }
    printf("fft sizes 2..2048: forward error %.2g (re largest bin), round trip %.2g, "
           "in place vs out of place %.2g\n", worst_fwd, worst_rt, worst_ip);
    CHECK(worst_fwd < 1e-14);
    CHECK(worst_rt < 1e-13);
    CHECK(worst_ip < 1e-12);
}

/* A size like the analysis uses (n/2 = 67500 = 2^2 3^3 5^4): bins against the closed form of
 * a cosine and a sine, and a round trip. */
static void check_large(void)
{
    size_t n = 135000;
    hp_err e;
    hp_fft *f = hp_fft_new(n, &e);
    double *buf = hp_fft_alloc_real(n + 2);
    CHECK(f && buf);
    if (!f || !buf)
        return;
    size_t k1 = 12345, k2 = 67499;
    for (size_t i = 0; i < n; i++)
        buf[i] = cos(2 * M_PI * (double)((k1 * i) % n) / (double)n) +
                 0.5 * sin(2 * M_PI * (double)((k2 * i) % n) / (double)n);
    CHECK(hp_fft_forward_inplace(f, buf) == HP_OK);
    double off = 0;
    for (size_t k = 0; k <= n / 2; k++)
        if (k != k1 && k != k2)
            off = fmax(off, hypot(buf[2 * k], buf[2 * k + 1]));
    CHECK_NEAR(buf[2 * k1], n / 2.0, 1e-7);
    CHECK_NEAR(buf[2 * k1 + 1], 0, 1e-7);
    CHECK_NEAR(buf[2 * k2], 0, 1e-7);
    CHECK_NEAR(buf[2 * k2 + 1], -0.25 * (double)n, 1e-7);
    CHECK(off < 1e-7);
    CHECK(hp_fft_inverse_inplace(f, buf) == HP_OK);
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(buf[i] - (cos(2 * M_PI * (double)((k1 * i) % n) / (double)n) +
                                           0.5 * sin(2 * M_PI * (double)((k2 * i) % n) / (double)n))));
    CHECK(worst < 1e-13);
    hp_fft_buf_free(buf);
    hp_fft_free(f);
}

/* In-place transforms of one plan from two threads at once give each thread its own answer. */
typedef struct {
    const hp_fft *f;
    double *buf;
    size_t n;
    unsigned seed;
    double err;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    j->err = 1;
    for (int r = 0; r < 20; r++) {
        fill(j->buf, j->n, j->seed + (unsigned)r);
        if (hp_fft_forward_inplace(j->f, j->buf) != HP_OK || hp_fft_inverse_inplace(j->f, j->buf) != HP_OK)
            return NULL;
    }
    double *x = malloc(j->n * sizeof *x), worst = 0;
    if (!x)
        return NULL;
    fill(x, j->n, j->seed + 19);
    for (size_t i = 0; i < j->n; i++)
        worst = fmax(worst, fabs(x[i] - j->buf[i]));
    free(x);
    j->err = worst;
    return NULL;
}

static void check_threads(void)
{
    size_t n = 4096;
    hp_err e;
    hp_fft *f = hp_fft_new(n, &e);
    job j[2] = {{f, hp_fft_alloc_real(n + 2), n, 1, 1}, {f, hp_fft_alloc_real(n + 2), n, 99, 1}};
    pthread_t t;
    CHECK(f && j[0].buf && j[1].buf);
    if (f && j[0].buf && j[1].buf && pthread_create(&t, NULL, run_job, &j[0]) == 0) {
        run_job(&j[1]);
        pthread_join(t, NULL);
        CHECK(j[0].err < 1e-13 && j[1].err < 1e-13);
    }
    hp_fft_buf_free(j[0].buf);
    hp_fft_buf_free(j[1].buf);
    hp_fft_free(f);
}

/* Filtering against the closed form: the circular convolution of x with a sparse kernel g
 * (three taps), computed directly in the time domain. Even sizes with aligned buffers take
 * the fused pass, odd sizes and an unaligned buffer the plain path; all must agree. */
static double filter_error(size_t n, int unaligned)
{
    static const size_t at[3] = {0, 3, 7};
    static const double tap[3] = {1.0, 0.5, -0.25};
    hp_err e;
    hp_fft *f = hp_fft_new(n, &e);
    double *g = hp_fft_alloc_real(n + 2), *mem = hp_fft_alloc_real(n + 3);
    double *x = malloc(n * sizeof *x);
    CHECK(f && g && mem && x);
    if (!f || !g || !mem || !x)
        return 1;
    CHECK(hp_fft_plan_inverse(f) == HP_OK);
    memset(g, 0, (n + 2) * sizeof *g);
    for (size_t t = 0; t < 3; t++)
        g[at[t] % n] += tap[t];
    CHECK(hp_fft_forward_inplace(f, g) == HP_OK); /* g now holds the filter's bins */
    double *buf = mem + (unaligned ? 1 : 0);
    fill(x, n, (unsigned)n);
    memcpy(buf, x, n * sizeof *x);
    CHECK(hp_fft_filter_begin_inplace(f, buf) == HP_OK);
    CHECK(hp_fft_filter_end_inplace(f, buf, g) == HP_OK);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double want = 0;
        for (size_t t = 0; t < 3; t++)
            want += tap[t] * x[(i + n - at[t] % n) % n];
        worst = fmax(worst, fabs(buf[i] - want));
    }
    CHECK(hp_fft_filter_end_inplace(f, buf, NULL) == HP_EINVAL);
    CHECK(hp_fft_filter_begin_inplace(NULL, buf) == HP_EINVAL);
    hp_fft_buf_free(g);
    hp_fft_buf_free(mem);
    free(x);
    hp_fft_free(f);
    return worst;
}

static void check_filter(void)
{
    static const size_t sizes[] = {2, 4, 6, 8, 10, 12, 30, 64, 99, 250, 1000, 1001, 4096, 135000};
    double worst = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
        worst = fmax(worst, filter_error(sizes[i], 0));
    worst = fmax(worst, filter_error(1000, 1));
    printf("filtering, sizes 2..135000: largest error against direct circular convolution %.1e\n",
           worst);
    CHECK(worst < 1e-12);
}

int main(void)
{
    hp_err e;
    CHECK(hp_fft_new(1, &e) == NULL && e == HP_EINVAL);
    CHECK(hp_fft_good_size(1000) == 1000);
    CHECK(hp_fft_good_size(1009) == 1024);
    CHECK(hp_fft_good_size(262147) == 262440);
    CHECK(hp_fft_good_size(3) == 4);      /* even: 3 and 5 are smooth but odd */
    CHECK(hp_fft_good_size(243) == 250);  /* 3^5 is odd */
    CHECK(hp_fft_good_size(1) == 2);
    CHECK(hp_fft_forward_inplace(NULL, NULL) == HP_EINVAL);
    check_sizes();
    check_large();
    check_threads();
    check_filter();

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
