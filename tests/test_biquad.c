/* SPDX-License-Identifier: MIT */
/* Biquads and cascades against closed forms: cookbook gains at fc, the analog leak model,
 * and the streaming filter against the analytic response via an FFT of its impulse response. */
#include "t.h"
#include "biquad.h"
#include "cascade.h"
#include "fft.h"
#include <stdlib.h>

static double db(double complex h) { return 20.0 * log10(cabs(h)); }

static void cookbook_gains(void)
{
    hp_biquad bq;
    CHECK(hp_biquad_design(HP_BQ_PEAK, 1000, 2.0, 6.0, 48000, &bq) == HP_OK);
    CHECK_NEAR(db(hp_biquad_response(&bq, 1000, 48000)), 6.0, 1e-9);
    CHECK_NEAR(db(hp_biquad_response(&bq, 20, 48000)), 0.0, 1e-3);
    /* Shelves reach half their gain (in dB) at fc and the full gain far away. */
    CHECK(hp_biquad_design(HP_BQ_LOWSHELF, 105, 0.7, 6.0, 48000, &bq) == HP_OK);
    CHECK_NEAR(db(hp_biquad_response(&bq, 105, 48000)), 3.0, 1e-9);
    CHECK_NEAR(db(hp_biquad_response(&bq, 5, 48000)), 6.0, 0.01);
    CHECK(hp_biquad_design(HP_BQ_HIGHSHELF, 10000, 0.7, -4.0, 48000, &bq) == HP_OK);
    CHECK_NEAR(db(hp_biquad_response(&bq, 10000, 48000)), -2.0, 1e-9);
    /* Second-order high-pass: -3 dB... exactly 20log10(Q) at fc. */
    CHECK(hp_biquad_design(HP_BQ_HIGHPASS, 100, 0.5, 0, 48000, &bq) == HP_OK);
    CHECK_NEAR(db(hp_biquad_response(&bq, 100, 48000)), 20 * log10(0.5), 1e-9);
}

/* Analog leak model 1 - 1/(1 + s/(Q w0) + s^2/w0^2), evaluated at f. */
static double leak2_analog_db(double f, double f0, double q)
{
    double complex s = CMPLX(0, f / f0); /* s/w0 */
    return db(1.0 - 1.0 / (1.0 + s / q + s * s));
}

static void leak_sections(void)
{
    hp_biquad bq;
    CHECK(hp_biquad_design(HP_BQ_LEAK2, 60, 2.0, 0, 48000, &bq) == HP_OK);
    /* Prewarping makes the digital section exact at f0; well below fs/2 it tracks the analog. */
    CHECK_NEAR(db(hp_biquad_response(&bq, 60, 48000)), leak2_analog_db(60, 60, 2.0), 1e-9);
    CHECK_NEAR(db(hp_biquad_response(&bq, 60, 48000)), 10 * log10(1 + 4.0), 1e-9); /* sqrt(1+Q^2) bump */
    for (double f = 10; f < 1000; f *= 1.3)
        CHECK_NEAR(db(hp_biquad_response(&bq, f, 48000)), leak2_analog_db(f, 60, 2.0), 0.01);
    CHECK(hp_biquad_design(HP_BQ_LEAK1, 30, 0, 0, 48000, &bq) == HP_OK);
    CHECK_NEAR(db(hp_biquad_response(&bq, 30, 48000)), -10 * log10(2.0), 1e-9);
    CHECK_NEAR(db(hp_biquad_response(&bq, 3, 48000)), 20 * log10(0.1 / sqrt(1.01)), 1e-3);
}

static void misuse(void)
{
    hp_biquad bq;
    CHECK(hp_biquad_design(HP_BQ_PEAK, 0, 1, 0, 48000, &bq) == HP_EINVAL);
    CHECK(hp_biquad_design(HP_BQ_PEAK, 24000, 1, 0, 48000, &bq) == HP_EINVAL);
    CHECK(hp_biquad_design(HP_BQ_PEAK, 1000, 0, 0, 48000, &bq) == HP_EINVAL);
    CHECK(hp_biquad_design(HP_BQ_PEAK, 1000, 1, NAN, 48000, &bq) == HP_EINVAL);
    CHECK(hp_biquad_design(HP_BQ_PEAK, 1000, 1, 0, 0, &bq) == HP_EINVAL);
    CHECK(hp_biquad_design(HP_BQ_PEAK, 1000, 1, 0, 48000, NULL) == HP_EINVAL);
    hp_cascade c = hp_cascade_init(48000);
    for (int i = 0; i < HP_CASCADE_MAX; i++)
        CHECK(hp_cascade_add(&c, HP_BQ_PEAK, 1000, 1, 0) == HP_OK);
    CHECK(hp_cascade_add(&c, HP_BQ_PEAK, 1000, 1, 0) == HP_ERANGE);
}

/* The streaming cascade's impulse response, transformed, equals the analytic response. */
static void streaming_matches_response(void)
{
    const size_t n = 1 << 16;
    hp_cascade c = hp_cascade_init(48000);
    CHECK(hp_cascade_add(&c, HP_BQ_LEAK2, 25, 0.7, 0) == HP_OK);
    CHECK(hp_cascade_add(&c, HP_BQ_PEAK, 3000, 2, 10) == HP_OK);
    CHECK(hp_cascade_add(&c, HP_BQ_PEAK, 8000, 5, -8) == HP_OK);
    CHECK(hp_cascade_add(&c, HP_BQ_LOWPASS, 18000, 0.7, 0) == HP_OK);
    c.gain = 0.5;
    double *x = calloc(n, sizeof *x);
    double complex *X = calloc(n / 2 + 1, sizeof *X);
    hp_biquad_state st[HP_CASCADE_MAX] = {{0}};
    x[0] = 1.0;
    hp_cascade_run(&c, st, x, x, n);
    hp_fft *f = hp_fft_new(n, NULL);
    CHECK(f != NULL);
    CHECK(hp_fft_forward(f, x, X) == HP_OK);
    double worst = 0;
    for (size_t k = 2; k < n / 2; k += 7) {
        double fk = (double)k * 48000.0 / (double)n;
        double e = fabs(db(X[k]) - hp_cascade_db(&c, fk));
        if (e > worst)
            worst = e;
    }
    CHECK(worst < 1e-6);
    hp_fft_free(f);
    free(x);
    free(X);
}

int main(void)
{
    cookbook_gains();
    leak_sections();
    misuse();
    streaming_matches_response();
    T_DONE();
}
