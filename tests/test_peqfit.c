/* SPDX-License-Identifier: MIT */
/* The parametric EQ fit against independent truths: section magnitudes against the complex
 * biquad response, their derivatives against finite differences of it, recovery of a known
 * filter set (the exact answer exists), the boost cap on a dense grid, rate-aware design,
 * fixed-band integer gains, devices without preamp, the seal-aware limits, and misuse. */
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include <complex.h>
#include "biquad.h"
#include "eqrobust.h"
#include "grid.h"
#include "peq.h"
#include "peqfit.h"
#include "peqgrad.h"

/* The reference: the RBJ cookbook (measurement-science.md 8.1) evaluated independently of
 * dsp/, in long double, as |B(e^jw)| / |A(e^jw)| with unnormalized coefficients. */
static double exact_db(hp_biquad_type t, double fc, double q, double g, double rate, double f)
{
    long double A = powl(10.0L, (long double)g / 40.0L);
    long double w0 = 2.0L * 3.14159265358979323846264338327950288L * (long double)fc / (long double)rate;
    long double c = cosl(w0), al = sinl(w0) / (2.0L * (long double)q), sa = 2.0L * sqrtl(A) * al;
    long double b[3], a[3];
    if (t == HP_BQ_PEAK) {
        b[0] = 1 + al * A, b[1] = -2 * c, b[2] = 1 - al * A;
        a[0] = 1 + al / A, a[1] = -2 * c, a[2] = 1 - al / A;
    } else if (t == HP_BQ_LOWSHELF) {
        b[0] = A * ((A + 1) - (A - 1) * c + sa), b[1] = 2 * A * ((A - 1) - (A + 1) * c);
        b[2] = A * ((A + 1) - (A - 1) * c - sa);
        a[0] = (A + 1) + (A - 1) * c + sa, a[1] = -2 * ((A - 1) + (A + 1) * c);
        a[2] = (A + 1) + (A - 1) * c - sa;
    } else {
        b[0] = A * ((A + 1) + (A - 1) * c + sa), b[1] = -2 * A * ((A - 1) + (A + 1) * c);
        b[2] = A * ((A + 1) + (A - 1) * c - sa);
        a[0] = (A + 1) - (A - 1) * c + sa, a[1] = 2 * ((A - 1) - (A + 1) * c);
        a[2] = (A + 1) - (A - 1) * c - sa;
    }
    long double w = 2.0L * 3.14159265358979323846264338327950288L * (long double)f / (long double)rate;
    long double re_b = b[0] + b[1] * cosl(w) + b[2] * cosl(2 * w), im_b = -b[1] * sinl(w) - b[2] * sinl(2 * w);
    long double re_a = a[0] + a[1] * cosl(w) + a[2] * cosl(2 * w), im_a = -a[1] * sinl(w) - a[2] * sinl(2 * w);
    return (double)(10.0L * log10l((re_b * re_b + im_b * im_b) / (re_a * re_a + im_a * im_a)));
}

static void sections(void)
{
    static const hp_biquad_type types[] = {HP_BQ_PEAK, HP_BQ_LOWSHELF, HP_BQ_HIGHSHELF};
    static const double rates[] = {44100, 48000, 192000};
    double f[40], phi[40], db[40], d0[40], d1[40], d2[40];
    for (int i = 0; i < 40; i++)
        f[i] = 15.0 * pow(2.0, i * 0.27);  /* 15 Hz .. ~20 kHz */
    double worst = 0, worst_d = 0;
    for (int ti = 0; ti < 3; ti++)
        for (int ri = 0; ri < 3; ri++)
            for (double fc = 30; fc < 15000; fc *= 3.7)
                for (double q = 0.2; q < 8; q *= 2.9)
                    for (double g = -15; g <= 15; g += 7.5) {
                        double rate = rates[ri];
                        hp_peqsec_phi(f, 40, rate, phi);
                        CHECK(hp_peqsec_db(types[ti], fc, q, g, rate, phi, 40, db, d0, d1, d2) == HP_OK);
                        for (int i = 0; i < 40; i++) {
                            worst = fmax(worst, fabs(db[i] - exact_db(types[ti], fc, q, g, rate, f[i])));
                            /* Central differences of the exact response: error O(h^2). */
                            const double h = 1e-4;
                            double fd[3] = {
                                (exact_db(types[ti], fc * exp(h), q, g, rate, f[i]) -
                                 exact_db(types[ti], fc * exp(-h), q, g, rate, f[i])) / (2 * h),
                                (exact_db(types[ti], fc, q * exp(h), g, rate, f[i]) -
                                 exact_db(types[ti], fc, q * exp(-h), g, rate, f[i])) / (2 * h),
                                (exact_db(types[ti], fc, q, g + h, rate, f[i]) -
                                 exact_db(types[ti], fc, q, g - h, rate, f[i])) / (2 * h)};
                            double an[3] = {d0[i], d1[i], d2[i]};
                            for (int p = 0; p < 3; p++)
                                worst_d = fmax(worst_d, fabs(an[p] - fd[p]) / (1 + fabs(fd[p])));
                        }
                    }
    /* Double precision loses digits where w0 and w are tiny (15 Hz at 192 kHz: b0+b1+b2 is
     * 1e-7 of its terms); measured worst cases are 9e-8 dB and 7e-6 relative. */
    CHECK_NEAR(worst, 0.0, 1e-6);
    CHECK_NEAR(worst_d, 0.0, 1e-4);
    /* The power form is the dB form's 10^(dB/10). */
    hp_peqsec_phi(f, 40, 48000, phi);
    double pw[40];
    CHECK(hp_peqsec_pow(HP_BQ_PEAK, 1000, 2, 6, 48000, phi, 40, pw, NULL, NULL, NULL) == HP_OK);
    CHECK(hp_peqsec_db(HP_BQ_PEAK, 1000, 2, 6, 48000, phi, 40, db, NULL, NULL, NULL) == HP_OK);
    CHECK_NEAR(10 * log10(pw[17]), db[17], 1e-12);
    /* Misuse. */
    CHECK(hp_peqsec_db(HP_BQ_LOWPASS, 1000, 1, 0, 48000, phi, 40, db, NULL, NULL, NULL) == HP_EINVAL);
    CHECK(hp_peqsec_db(HP_BQ_PEAK, 30000, 1, 0, 48000, phi, 40, db, NULL, NULL, NULL) == HP_EINVAL);
    CHECK(hp_peqsec_db(HP_BQ_PEAK, 1000, 1, 0, 48000, phi, 40, db, d0, NULL, NULL) == HP_EINVAL);
    CHECK(hp_peqsec_db(HP_BQ_PEAK, 1000, 1, 0, 48000, NULL, 40, db, NULL, NULL, NULL) == HP_EINVAL);
}

static hp_grid grid;

/* The filters' summed response (no preamp) on a 1/192-octave grid, 10 Hz to 0.49 rate: an
 * evaluation independent of the fit's own cap check. */
static double dense_max(const hp_peq *p, double rate)
{
    hp_peq q = *p;
    q.preamp_db = 0;
    double top = -1e9;
    for (double f = 10; f < fmin(24000, 0.49 * rate); f *= pow(2, 1.0 / 192)) {
        double v;
        if (hp_peq_response_db(&q, rate, &f, 1, &v) != HP_OK)
            return NAN;
        top = fmax(top, v);
    }
    return top;
}

/* max |PEQ(rate) - corr| over [lo, hi] on the AutoEq grid. */
static double max_dev(const hp_peq *p, double rate, const double *corr, double lo, double hi,
                      double *rms)
{
    hp_peq q = *p;
    q.preamp_db = 0;
    double mx = 0, s = 0;
    size_t k = 0;
    for (size_t i = 0; i < grid.n; i++) {
        if (grid.f_hz[i] < lo || grid.f_hz[i] > hi)
            continue;
        double v;
        if (hp_peq_response_db(&q, rate, &grid.f_hz[i], 1, &v) != HP_OK)
            return NAN;
        mx = fmax(mx, fabs(v - corr[i]));
        s += (v - corr[i]) * (v - corr[i]);
        k++;
    }
    if (rms)
        *rms = sqrt(s / (double)k);
    return mx;
}

/* A known filter set within the limits: the measurement is the target minus its response,
 * so the exact answer exists; at every output rate the fit must find a curve that matches it
 * (designed at that rate) within 0.05 dB up to 16 kHz. */
static void recovery(void)
{
    static const double rates[] = {44100, 48000, 88200, 96000, 192000};
    hp_peq truth = {0, 5, {{HP_BQ_LOWSHELF, 105, 0.7, 4.0}, {HP_BQ_HIGHSHELF, 10000, 0.7, -3.0},
                           {HP_BQ_PEAK, 250, 1.2, -5.0}, {HP_BQ_PEAK, 3000, 3.0, 4.0},
                           {HP_BQ_PEAK, 6500, 5.0, -6.0}}};
    double *corr = malloc(grid.n * sizeof *corr), *meas = malloc(grid.n * sizeof *meas);
    double *tgt = malloc(grid.n * sizeof *tgt);
    CHECK(hp_peq_response_db(&truth, 48000, grid.f_hz, grid.n, corr) == HP_OK);
    for (size_t i = 0; i < grid.n; i++) {
        tgt[i] = 3 * sin(log(grid.f_hz[i]));
        meas[i] = tgt[i] - corr[i];
    }
    hp_peq at48 = {0};
    for (int r = 0; r < 5; r++) {
        hp_peqfit_cfg c = hp_peqfit_cfg_default();
        c.rate_hz = rates[r];
        c.fit_hi_hz = 16000;
        hp_peqfit_input in = {grid.n, grid.f_hz, meas, tgt, NULL, NULL};
        hp_peq out;
        hp_peqfit_report rep;
        CHECK(hp_peqfit_run(&c, &in, &out, &rep) == HP_OK);
        double rms, mx = max_dev(&out, rates[r], corr, 20, 16000, &rms);
        CHECK(mx <= 0.05);
        CHECK(rms <= 0.01);
        CHECK(out.n == 10);
        /* The preamp takes the largest boost (4 dB of the truth's shelf) back to 0 dBFS. */
        CHECK_NEAR(out.preamp_db, -dense_max(&out, rates[r]), 0.01);
        CHECK_NEAR(rep.max_boost_db, dense_max(&out, rates[r]), 0.01);
        if (rates[r] == 48000)
            at48 = out;
        if (mx > 0.05)
            fprintf(stderr, "recovery at %g Hz: max deviation %.4f dB\n", rates[r], mx);
    }
    /* Control: the 48 kHz parameters designed at 44.1 kHz miss by more, which is why each
     * rate gets its own fit. */
    CHECK(max_dev(&at48, 44100, corr, 20, 16000, NULL) > 0.05);
    free(corr);
    free(meas);
    free(tgt);
}

/* A broad 12 dB dip: the EQ may fill only 6 dB of it. */
static void boost_cap(void)
{
    double *meas = calloc(grid.n, sizeof *meas), *tgt = calloc(grid.n, sizeof *tgt);
    for (size_t i = 0; i < grid.n; i++) {
        double o = log2(grid.f_hz[i] / 2000);
        meas[i] = -12 * exp(-o * o / 0.5);
    }
    hp_peqfit_cfg c = hp_peqfit_cfg_default();
    hp_peqfit_input in = {grid.n, grid.f_hz, meas, tgt, NULL, NULL};
    hp_peq out;
    hp_peqfit_report rep;
    CHECK(hp_peqfit_run(&c, &in, &out, &rep) == HP_OK);
    double top = dense_max(&out, 48000);
    CHECK(top <= 6.0 + 1e-3);
    CHECK(top >= 5.9);          /* it does use the room it has */
    CHECK_NEAR(out.preamp_db, -top, 0.01);
    /* With no cap the same dip is filled. */
    c.max_boost_db = 20;
    CHECK(hp_peqfit_run(&c, &in, &out, &rep) == HP_OK);
    CHECK(dense_max(&out, 48000) > 11);
    CHECK(rep.rms_db < 0.3);
    /* A cap of 0 dB: cuts only. */
    c.max_boost_db = 0;
    CHECK(hp_peqfit_run(&c, &in, &out, &rep) == HP_OK);
    CHECK(dense_max(&out, 48000) <= 1e-3);
    free(meas);
    free(tgt);
}

/* 10-band graphic EQ: fixed centres, integer gains within +-12, no preamp (curve <= 0 dB),
 * and nearly as good as the same bands with free gains. */
static void graphic_eq(void)
{
    double *meas = calloc(grid.n, sizeof *meas), *tgt = calloc(grid.n, sizeof *tgt);
    for (size_t i = 0; i < grid.n; i++)
        meas[i] = 4 * sin(1.3 * log(grid.f_hz[i])) + 2 * log2(grid.f_hz[i] / 1000);
    hp_peqfit_cfg c = hp_peqfit_cfg_default();
    c.ls_fc_hz = c.hs_fc_hz = 0;
    c.n_peak = 0;
    c.n_fixed = 10;
    for (int k = 0; k < 10; k++)
        c.fixed_fc_hz[k] = 31.25 * pow(2, k);
    c.fixed_q = sqrt(2);
    c.gain_min_db = -12;
    c.gain_max_db = 12;
    c.max_boost_db = 6;
    hp_peqfit_input in = {grid.n, grid.f_hz, meas, tgt, NULL, NULL};
    hp_peq cont, integ;
    hp_peqfit_report rc, ri;
    CHECK(hp_peqfit_run(&c, &in, &cont, &rc) == HP_OK);
    c.gain_step_db = 1;
    c.no_preamp = 1;
    CHECK(hp_peqfit_run(&c, &in, &integ, &ri) == HP_OK);
    CHECK(integ.n == 10);
    int ok = 1;
    for (size_t k = 0; k < integ.n; k++)
        ok &= integ.f[k].gain_db == round(integ.f[k].gain_db) && fabs(integ.f[k].gain_db) <= 12 &&
              integ.f[k].fc_hz == c.fixed_fc_hz[k] && integ.f[k].q == c.fixed_q &&
              integ.f[k].type == HP_BQ_PEAK;
    CHECK(ok);
    CHECK(integ.preamp_db == 0);
    CHECK(dense_max(&integ, 48000) <= 1e-9);
    CHECK(ri.level_db <= 0 && ri.level_db >= -6);
    CHECK(ri.rms_db < rc.rms_db + 0.5);
    free(meas);
    free(tgt);
}

/* Seal-aware limits: a notch at 8 kHz that moves between placements (large spread there)
 * must not be chased: the correction there stays within the cap the spread sets. */
static void robust_limits(void)
{
    size_t n = grid.n;
    double *meas = calloc(n, sizeof *meas), *tgt = calloc(n, sizeof *tgt);
    double *sd = malloc(n * sizeof *sd), *w = malloc(n * sizeof *w), *cap = malloc(n * sizeof *cap);
    for (size_t i = 0; i < n; i++) {
        double o = log2(grid.f_hz[i] / 8000);
        meas[i] = -10 * exp(-o * o / 0.005);
        sd[i] = 0.3 + 4 * exp(-o * o / 0.02);
    }
    hp_robust_cfg rc = hp_robust_cfg_default();
    CHECK(hp_robust_weights(grid.f_hz, sd, n, &rc, w, cap) == HP_OK);
    /* Closed forms: weight 1/(sd^2 + floor^2) scaled to mean 1, cap 6 dB^2 / sd above 3 kHz. */
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += 1 / (sd[i] * sd[i] + 0.25);
    size_t i8 = 0;
    while (grid.f_hz[i8] < 8000)
        i8++;
    CHECK_NEAR(w[i8], (double)n / (sd[i8] * sd[i8] + 0.25) / sum, 1e-12);
    CHECK_NEAR(cap[i8], 6 / sd[i8], 1e-12);
    CHECK(cap[0] == HP_ROBUST_NO_CAP);
    hp_peqfit_cfg c = hp_peqfit_cfg_default();
    hp_peqfit_input plain = {n, grid.f_hz, meas, tgt, NULL, NULL};
    hp_peqfit_input robust = {n, grid.f_hz, meas, tgt, w, cap};
    hp_peq a, b;
    CHECK(hp_peqfit_run(&c, &plain, &a, NULL) == HP_OK);
    CHECK(hp_peqfit_run(&c, &robust, &b, NULL) == HP_OK);
    a.preamp_db = b.preamp_db = 0;
    double va, vb, f8 = grid.f_hz[i8];
    CHECK(hp_peq_response_db(&a, 48000, &f8, 1, &va) == HP_OK);
    CHECK(hp_peq_response_db(&b, 48000, &f8, 1, &vb) == HP_OK);
    CHECK(va > 3);                      /* the plain fit chases the notch */
    CHECK(vb <= cap[i8] + 0.05);        /* the seal-aware one stays within its cap */
    CHECK(hp_robust_weights(grid.f_hz, sd, 0, &rc, w, cap) == HP_EINVAL);
    sd[3] = -1;
    CHECK(hp_robust_weights(grid.f_hz, sd, n, &rc, w, cap) == HP_EINVAL);
    free(meas);
    free(tgt);
    free(sd);
    free(w);
    free(cap);
}

static void misuse(void)
{
    char why[256];
    hp_peqfit_cfg c = hp_peqfit_cfg_default();
    CHECK(hp_peqfit_cfg_check(&c, why, sizeof why) == HP_OK);
    c.max_boost_db = -1;
    CHECK(hp_peqfit_cfg_check(&c, why, sizeof why) == HP_EINVAL);
    CHECK(strstr(why, "boost cap") != NULL);
    c = hp_peqfit_cfg_default();
    c.q_min = 3, c.q_max = 2;
    CHECK(hp_peqfit_cfg_check(&c, why, sizeof why) == HP_EINVAL);
    c = hp_peqfit_cfg_default();
    c.fit_lo_hz = 5000, c.fit_hi_hz = 100;
    CHECK(hp_peqfit_cfg_check(&c, why, sizeof why) == HP_EINVAL);
    CHECK(strstr(why, "fit range") != NULL);
    c = hp_peqfit_cfg_default();
    c.n_peak = 40;
    CHECK(hp_peqfit_cfg_check(&c, NULL, 0) == HP_EINVAL);
    c = hp_peqfit_cfg_default();
    c.gain_min_db = 2;
    CHECK(hp_peqfit_cfg_check(&c, why, sizeof why) == HP_EINVAL);
    c = hp_peqfit_cfg_default();
    c.fc_max_hz = 30000;
    CHECK(hp_peqfit_cfg_check(&c, why, sizeof why) == HP_EINVAL);
    c = hp_peqfit_cfg_default();
    double *m = calloc(grid.n, sizeof *m), *t = calloc(grid.n, sizeof *t);
    hp_peq out;
    hp_peqfit_input in = {grid.n, grid.f_hz, m, t, NULL, NULL};
    CHECK(hp_peqfit_run(NULL, &in, &out, NULL) == HP_EINVAL);
    CHECK(hp_peqfit_run(&c, NULL, &out, NULL) == HP_EINVAL);
    CHECK(hp_peqfit_run(&c, &in, NULL, NULL) == HP_EINVAL);
    m[100] = NAN;
    CHECK(hp_peqfit_run(&c, &in, &out, NULL) == HP_EINVAL);
    m[100] = 0;
    /* Data that stop at 5 kHz do not cover a fit to 10 kHz. */
    size_t n5 = 0;
    while (grid.f_hz[n5] < 5000)
        n5++;
    in.n = n5;
    CHECK(hp_peqfit_run(&c, &in, &out, NULL) == HP_ERANGE);
    in.n = grid.n;
    double fr[3] = {20, 10, 30000};
    hp_peqfit_input bad = {3, fr, m, t, NULL, NULL};
    CHECK(hp_peqfit_run(&c, &bad, &out, NULL) == HP_EINVAL);
    /* A flat measurement on its flat target needs no EQ: all gains ~0, preamp 0. */
    CHECK(hp_peqfit_run(&c, &in, &out, NULL) == HP_OK);
    double gmax = 0;
    for (size_t k = 0; k < out.n; k++)
        gmax = fmax(gmax, fabs(out.f[k].gain_db));
    CHECK(gmax < 0.01);
    CHECK(out.preamp_db <= 0 && out.preamp_db > -0.01);
    free(m);
    free(t);
}

int main(void)
{
    if (hp_grid_autoeq(&grid) != HP_OK)
        return 1;
    sections();
    recovery();
    boost_cap();
    graphic_eq();
    robust_limits();
    misuse();
    hp_grid_release(&grid);
    T_DONE();
}
