/* SPDX-License-Identifier: MIT */
/* Bench tool: time of one hp_deconv_run (one channel) on a recording of N frames at 48 kHz.
 *   deconv N [RUNS]
 * Plans once for hp_fft_good_size(N), sets a sweep as the reference, then times RUNS calls of
 * hp_deconv_run (after one untimed warm-up call) and prints on stdout:
 *   MEDIAN_MS MIN_MS FFT_FRAMES
 * The recording is the sweep itself, delayed (circularly) by 64 frames and scaled by 0.5, which
 * checks the result; the run time depends only on the transform size, not on the signal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "deconv.h"
#include "fft.h"
#include "sweep.h"

#define RATE_HZ 48000.0
#define MAX_RUNS 1000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The longest of our sweeps (10 Hz - 24 kHz, no silence) that fits in n frames, zero-padded to
 * n in x. The synchronized sweep's duration moves in steps (f1 L must be an integer), so asking
 * for n frames can give more; ask for less until it fits. */
static hp_err make_sweep(size_t n, double *x)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(RATE_HZ);
    hp_sweep_info info;
    hp_err e;
    c.samples = n;
    c.pre_s = 0;
    c.post_s = 0;
    for (int tries = 0;; tries++) {
        if ((e = hp_sweep_plan(&c, &info)) != HP_OK)
            return e;
        if (info.total_frames <= n)
            break;
        if (tries == 50)
            return HP_EINVAL;
        c.samples = (size_t)((double)c.samples * (double)n / (double)info.total_frames) - 1;
    }
    memset(x, 0, n * sizeof *x);
    return hp_sweep_render(&info, x, info.total_frames);
}

int main(int argc, char **argv)
{
    static double ms[MAX_RUNS];
    long n = argc > 1 ? atol(argv[1]) : 0, runs = argc > 2 ? atol(argv[2]) : 9;
    if (argc < 2 || argc > 3 || n < 1024 || n > (1L << 28) || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: deconv N [RUNS]   (1024 <= N <= 2^28, 1 <= RUNS <= %d)\n", MAX_RUNS);
        return 2;
    }
    size_t frames = (size_t)n, delay = 64;
    hp_deconv_cfg dc = {RATE_HZ, 10, 24000, hp_fft_good_size(frames), 0};
    hp_err e = HP_ENOMEM;
    int ok = 0;
    hp_deconv *d = NULL;
    double *x = hp_fft_alloc_real(frames), *y = hp_fft_alloc_real(frames);
    double *h = hp_fft_alloc_real(dc.fft_frames);
    if (!x || !y || !h)
        goto out;
    if ((e = make_sweep(frames, x)) != HP_OK)
        goto out;
    for (size_t i = 0; i < frames; i++)
        y[i] = 0.5 * x[(i + frames - delay) % frames];
    d = hp_deconv_new(&dc, &e);
    if (!d || (e = hp_deconv_set_reference(d, x, frames)) != HP_OK)
        goto out;
    if ((e = hp_deconv_run(d, y, frames, h)) != HP_OK)
        goto out;
    /* Guard against timing a broken deconvolution: the response is 0.5 delayed by 64 frames. */
    if (!(h[delay] > 0.4 && h[delay] < 0.6)) {
        fprintf(stderr, "deconv: %ld frames: wrong response (h[%zu] = %g, expected 0.5)\n", n,
                delay, h[delay]);
        goto out;
    }
    for (long i = 0; i < runs; i++) {
        double t0 = now_ms();
        e = hp_deconv_run(d, y, frames, h);
        ms[i] = now_ms() - t0;
        if (e != HP_OK)
            goto out;
    }
    qsort(ms, (size_t)runs, sizeof ms[0], cmp_double);
    double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    printf("%.3f %.3f %zu\n", median, ms[0], dc.fft_frames);
    ok = 1;
out:
    if (e != HP_OK)
        fprintf(stderr, "deconv: %ld frames: %s\n", n, hp_strerror(e));
    hp_deconv_free(d);
    hp_fft_buf_free(x);
    hp_fft_buf_free(y);
    hp_fft_buf_free(h);
    return ok ? 0 : 1;
}
