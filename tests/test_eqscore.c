/* SPDX-License-Identifier: MIT */
/* Curves, scores and target shaping against closed forms: interpolation exact on curves
 * linear in log f, band means, RMS and AutoEq's loss of piecewise-constant errors (counted on
 * its 1.02 grid by hand), the preference rating of a log-linear error, the RBJ shelf's
 * textbook values and the tilt, level offsets. */
#include <stdlib.h>
#include "t.h"
#include "eqcurve.h"
#include "eqscore.h"
#include "eqtarget.h"
#include "grid.h"

static void curves(void)
{
    double f[5] = {100, 200, 400, 800, 1600}, y[5], q[4] = {50, 141.42135623730951, 1000, 5000}, o[4];
    for (int i = 0; i < 5; i++)
        y[i] = 3 + 2 * log2(f[i]);
    CHECK(hp_eqc_interp(f, y, 5, q, 4, o) == HP_OK);
    CHECK_NEAR(o[0], y[0], 1e-12);                     /* held below */
    CHECK_NEAR(o[1], 3 + 2 * log2(q[1]), 1e-12);       /* exact: linear in log f */
    CHECK_NEAR(o[2], 3 + 2 * log2(1000), 1e-12);
    CHECK_NEAR(o[3], y[4], 1e-12);                     /* held above */
    double m;
    CHECK(hp_eqc_band_mean(f, y, NULL, 5, 150, 900, &m) == HP_OK);
    CHECK_NEAR(m, (y[1] + y[2] + y[3]) / 3, 1e-12);
    CHECK(hp_eqc_band_mean(f, y, y, 5, 150, 900, &m) == HP_OK);
    CHECK_NEAR(m, 0, 1e-15);
    CHECK(hp_eqc_band_mean(f, y, NULL, 5, 2000, 3000, &m) == HP_ENODATA);
    double bad[3] = {100, 100, 200};
    CHECK(hp_eqc_check_grid(bad, 3) == 1);
    CHECK(hp_eqc_interp(bad, y, 3, q, 1, o) == HP_EINVAL);
    CHECK(hp_eqc_check_grid(f, 5) == 5);
}

static void scores(void)
{
    hp_grid g;
    CHECK(hp_grid_autoeq(&g) == HP_OK);
    double *e = malloc(g.n * sizeof *e);
    /* Constant error c: RMS |c| everywhere, AutoEq loss |c|. */
    for (size_t i = 0; i < g.n; i++)
        e[i] = -1.5;
    double rms, mx, loss;
    CHECK(hp_eqs_rms(g.f_hz, e, g.n, 20, 10000, &rms, &mx) == HP_OK);
    CHECK_NEAR(rms, 1.5, 1e-12);
    CHECK_NEAR(mx, 1.5, 1e-12);
    CHECK(hp_eqs_autoeq_loss(g.f_hz, e, g.n, &loss) == HP_OK);
    CHECK_NEAR(loss, 1.5, 1e-12);
    /* a below 10 kHz, +b/-b alternating bands above: the treble counts by its mean only. The
     * 1.02 grid from 20 Hz below 20 kHz has N points, N10 of them at or below 10 kHz. */
    size_t N = 0, N10 = 0;
    for (double x = 20; x < 20000; x *= 1.02) {
        N++;
        N10 += x <= 10000;
    }
    CHECK(N == 349);
    for (size_t i = 0; i < g.n; i++)
        e[i] = g.f_hz[i] <= 10500 ? 2.0 : 0.5;
    CHECK(hp_eqs_autoeq_loss(g.f_hz, e, g.n, &loss) == HP_OK);
    /* Interpolation on the 1.02 grid: points above 10 kHz up to 10.5 kHz read 2 or a blend;
     * compute the treble mean from the same resampling by hand. */
    double tsum = 0;
    size_t nt = 0;
    for (double x = 20; x < 20000; x *= 1.02)
        if (x > 10000) {
            double v;
            CHECK(hp_eqc_at(g.f_hz, e, g.n, x, &v) == HP_OK);
            tsum += v;
            nt++;
        }
    double tm = tsum / (double)nt;
    CHECK_NEAR(loss, sqrt((4.0 * (double)N10 + (double)nt * tm * tm) / (double)N), 1e-12);
    CHECK(N10 + nt == N);
    CHECK(hp_eqs_rms(g.f_hz, e, g.n, 20, 10000, &rms, NULL) == HP_OK);
    CHECK_NEAR(rms, 2.0, 1e-12);
    /* Preference: zero error scores the intercept; error = a ln f has slope a and SD a times
     * the sample SD of ln f over the 93 preferred frequencies 50 Hz-10 kHz. */
    hp_eq_pref p;
    for (size_t i = 0; i < g.n; i++)
        e[i] = 0;
    CHECK(hp_eqs_preference(g.f_hz, e, g.n, &p) == HP_OK);
    CHECK_NEAR(p.score, 114.49, 1e-12);
    const double a = 0.7;
    for (size_t i = 0; i < g.n; i++)
        e[i] = a * log(g.f_hz[i]);
    CHECK(hp_eqs_preference(g.f_hz, e, g.n, &p) == HP_OK);
    /* The R40 series: 50 Hz x 10^(k/40), k = 0..92, rounded; its ln-spread by hand. */
    static const double r40[] = {
        50, 53, 56, 60, 63, 67, 71, 75, 80, 85, 90, 95, 100, 106, 112, 118, 125, 132, 140, 150,
        160, 170, 180, 190, 200, 212, 224, 236, 250, 265, 280, 300, 315, 335, 355, 375, 400, 425,
        450, 475, 500, 530, 560, 600, 630, 670, 710, 750, 800, 850, 900, 950, 1000, 1060, 1120,
        1180, 1250, 1320, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2120, 2240, 2360, 2500, 2650,
        2800, 3000, 3150, 3350, 3550, 3750, 4000, 4250, 4500, 4750, 5000, 5300, 5600, 6000, 6300,
        6700, 7100, 7500, 8000, 8500, 9000, 9500, 10000};
    size_t n = sizeof r40 / sizeof r40[0];
    CHECK(n == 93);
    double mu = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mu += log(r40[i]) / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (log(r40[i]) - mu) * (log(r40[i]) - mu);
    double sd = a * sqrt(ss / (double)(n - 1));
    CHECK_NEAR(p.slope_db, a, 1e-9);
    CHECK_NEAR(p.sd_db, sd, 1e-9);
    CHECK_NEAR(p.score, 114.49 - 12.62 * sd - 15.52 * a, 1e-9);
    CHECK(hp_eqs_rms(g.f_hz, e, g.n, 30000, 40000, &rms, NULL) == HP_ENODATA);
    CHECK(hp_eqs_rms(NULL, e, g.n, 20, 100, &rms, NULL) == HP_EINVAL);
    free(e);
    hp_grid_release(&g);
}

static void target_shaping(void)
{
    double f[4] = {5, 105, 1000, 8000}, t[4] = {0, 0, 0, 0};
    hp_target_adj a = hp_target_adj_default();
    a.bass_db = 6;
    CHECK(hp_target_adjust(f, t, 4, &a) == HP_OK);
    /* RBJ shelves: half the gain (in dB) at fc, the full gain far below. */
    CHECK_NEAR(t[1], 3.0, 1e-9);
    CHECK_NEAR(t[0], 6.0, 0.01);
    CHECK_NEAR(t[3], 0.0, 0.01);
    double u[4] = {0, 0, 0, 0};
    a = hp_target_adj_default();
    a.tilt_db_oct = -1;
    a.treble_db = -4;
    CHECK(hp_target_adjust(f, u, 4, &a) == HP_OK);
    CHECK_NEAR(u[2], 0.0 + (-4) * 0 + 0, 0.05);            /* 1 kHz: pivot, shelf far */
    double f10[1] = {10000}, v[1] = {0};
    CHECK(hp_target_adjust(f10, v, 1, &a) == HP_OK);
    CHECK_NEAR(v[0], -2.0 - log2(10.0), 1e-9);             /* half the shelf at 10 kHz + tilt */
    a.bass_fc_hz = 30000, a.bass_db = 3;
    CHECK(hp_target_adjust(f, u, 4, &a) == HP_EINVAL);
    /* Offsets: a measurement 3 dB above the target, by the band mean or at a frequency. */
    double m[4], tt[4] = {1, 2, 3, 4}, off;
    for (int i = 0; i < 4; i++)
        m[i] = tt[i] + 3;
    m[0] += 10;  /* outside 100 Hz-10 kHz: ignored */
    CHECK(hp_target_offset(f, m, tt, 4, 100, 10000, 0, &off) == HP_OK);
    CHECK_NEAR(off, 3.0, 1e-12);
    CHECK(hp_target_offset(f, m, tt, 4, 100, 10000, 1000, &off) == HP_OK);
    CHECK_NEAR(off, 3.0, 1e-12);
    CHECK(hp_target_offset(f, m, tt, 4, 20000, 30000, 0, &off) == HP_ENODATA);
}

int main(void)
{
    curves();
    scores();
    target_shaping();
    T_DONE();
}
