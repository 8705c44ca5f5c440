/* SPDX-License-Identifier: MIT */
/* Correction FIRs (dsp/fir.h). The truth for every check is computed here, independently of
 * the design: the intended curve by our own log-frequency interpolation of the input, the
 * FIR's response by its DTFT summed directly, and the best a linear-phase FIR of a length
 * can do by solving the least-squares problem directly. Corrections are realistic: AutoEq's 22
 * measurements (tests/data/autoeq-dev, a copy of ../shared/data/autoeq-dev) against Harman over-ear 2018 with AutoEq's +6 dB
 * bass shelf, 1/12-octave smoothed, boosts capped at +6 dB and re-smoothed at 1/5 octave
 * (measurement-science.md 8.2). */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include "fir.h"
#include "peq.h"
#include "smooth.h"
#include "t.h"

#define NPTS 695
static const double rates[5] = {44100, 48000, 88200, 96000, 192000};

static const char *data_dir(void)
{
    const char *d = getenv("HPFR_AUTOEQ_DEV");
    return d ? d : "tests/data/autoeq-dev";
}

/* Reads a "frequency,value" CSV with a header into f, v; returns the rows (0 on error). */
static size_t read_csv(const char *path, double *f, double *v)
{
    FILE *fp = fopen(path, "r");
    char line[256];
    size_t n = 0;
    if (!fp || !fgets(line, sizeof line, fp)) {
        if (fp)
            fclose(fp);
        return 0;
    }
    while (n < NPTS && fgets(line, sizeof line, fp))
        if (sscanf(line, "%lf,%lf", &f[n], &v[n]) == 2)
            n++;
    fclose(fp);
    return n;
}

/* The correction for one measurement, on AutoEq's grid. */
static int correction(const char *meas, double *f, double *eq)
{
    char path[512];
    double tf[NPTS], t[NPTS], m[NPTS], sm[NPTS], bass[NPTS];
    snprintf(path, sizeof path, "%s/targets/harman_over-ear_2018_wo_bass.csv", data_dir());
    if (read_csv(path, tf, t) != NPTS)
        return 0;
    snprintf(path, sizeof path, "%s/measurements/%s", data_dir(), meas);
    if (read_csv(path, f, m) != NPTS)
        return 0;
    hp_peq shelf = {0};
    shelf.n = 1;
    shelf.f[0] = (hp_peq_filter){HP_BQ_LOWSHELF, 105, 0.7, 6};
    hp_smooth_cfg c = hp_smooth_cfg_default();
    c.fraction = 1.0 / 12;
    c.domain = HP_SMOOTH_DB;
    if (hp_peq_response_db(&shelf, 48000, f, NPTS, bass) != HP_OK ||
        hp_smooth_curve(f, m, NPTS, &c, sm) != HP_OK)
        return 0;
    double off = 0;
    int k = 0;
    for (size_t i = 0; i < NPTS; i++)
        if (f[i] >= 100 && f[i] <= 10000)
            off += sm[i] - t[i] - bass[i], k++;
    off /= k;
    for (size_t i = 0; i < NPTS; i++)
        eq[i] = fmin(t[i] + bass[i] + off - sm[i], 6);
    c.fraction = 1.0 / 5;
    return hp_smooth_curve(f, eq, NPTS, &c, eq) == HP_OK;
}

/* Our own reading of the intended curve: linear in log f, flat outside the grid. */
static double truth_db(const double *f, const double *v, size_t n, double x, double cap,
                       double gain)
{
    double y;
    if (x <= f[0])
        y = v[0];
    else if (x >= f[n - 1])
        y = v[n - 1];
    else {
        size_t i = 0;
        while (f[i + 1] < x)
            i++;
        y = v[i] + (v[i + 1] - v[i]) * log(x / f[i]) / log(f[i + 1] / f[i]);
    }
    return fmin(y, cap) + gain;
}

/* |sum h[k] e^{-jwk}| in dB, the rotation stepped by multiplication and re-anchored every
 * 256 taps from cos/sin so rounding cannot build up. */
static double dtft_db(const double *h, size_t n, double rate, double f)
{
    double w = 2 * M_PI * f / rate;
    double complex acc = 0, z = 1, step = CMPLX(cos(w), -sin(w));
    for (size_t k = 0; k < n; k++) {
        if (k % 256 == 0)
            z = CMPLX(cos(w * (double)k), -sin(w * (double)k));
        acc += h[k] * z;
        z *= step;
    }
    return 20 * log10(cabs(acc));
}

/* RMS and max of (FIR - intended) over 20 Hz-16 kHz on a 1/24-octave grid. */
static void accuracy(const double *h, size_t n, const hp_fir_cfg *c, const double *f,
                     const double *v, double *rms, double *mx)
{
    double ss = 0, m = 0;
    int cnt = 0;
    for (double x = 20; x <= 16000 * 1.0001; x *= pow(2, 1 / 24.0)) {
        double d = dtft_db(h, n, c->rate_hz, x) - truth_db(f, v, NPTS, x, c->max_boost_db, c->gain_db);
        ss += d * d;
        m = fmax(m, fabs(d));
        cnt++;
    }
    *rms = sqrt(ss / cnt);
    *mx = m;
}

static const char *const heads[] = {
    "over-ear/AKG K371.csv", "over-ear/AKG K701.csv", "over-ear/AKG K7XX.csv",
    "over-ear/AKG K92.csv", "over-ear/Abyss AB1-266 Phi TC.csv",
    "over-ear/Audeze LCD-2 Classic.csv", "over-ear/Audeze LCD-4.csv",
    "over-ear/Audeze LCD-XC.csv", "over-ear/Audeze MM-500.csv",
    "over-ear/Audio-Technica ATH-AD700X.csv", "over-ear/Audio-Technica ATH-M50x.csv",
    "over-ear/Beyerdynamic DT 770 M.csv", "over-ear/Beyerdynamic DT 880.csv",
    "over-ear/Beyerdynamic DT 990 (fresh earpads).csv", "over-ear/Focal Elegia.csv",
    "over-ear/Philips SHP9500.csv", "over-ear/Sennheiser HD 280 Pro.csv",
    "over-ear/Sennheiser HD 650.csv", "over-ear/Sennheiser HD 800 S.csv",
    "in-ear/Etymotic ER4SR.csv", "in-ear/Moondrop Blessing 2.csv", "in-ear/Sennheiser IE 200.csv",
};

/* The best any linear-phase FIR of len taps can do on the spec's measure, independently of
 * dsp/fir.c: the taps minimizing the weighted squared error over 20 Hz-16 kHz (weights
 * 1/(f D^2), i.e. the dB error over log frequency, the band of the spec; next to nothing
 * outside it), by forming the normal equations directly and solving them with GSL's
 * Cholesky. Returns that FIR's RMS error in dB on the spec's grid (accuracy()). */
static double linear_phase_bound(const double *f, const double *v, const hp_fir_cfg *c, size_t len)
{
    size_t m = (len - 1) / 2, nb = 8 * len;
    double *w = malloc(nb * sizeof *w), *dd = malloc(nb * sizeof *dd);
    double *cw = calloc(2 * m + 1, sizeof *cw), *cwd = calloc(m + 1, sizeof *cwd);
    gsl_matrix *r = gsl_matrix_alloc(m + 1, m + 1);
    gsl_vector *rhs = gsl_vector_alloc(m + 1), *a = gsl_vector_alloc(m + 1);
    double *h = malloc(len * sizeof *h), rms = NAN, mx;
    if (!w || !dd || !cw || !cwd || !r || !rhs || !a || !h)
        goto out;
    for (size_t i = 0; i < nb; i++) {
        double fr = (i + 0.5) * c->rate_hz / 2 / (double)nb;
        dd[i] = pow(10, truth_db(f, v, NPTS, fr, c->max_boost_db, c->gain_db) / 20);
        w[i] = (fr >= 20 && fr <= 16000 ? 1 : 1e-4) / (fmax(fr, 20) * dd[i] * dd[i]);
    }
    /* sum_i w_i cos(k x_i) for k = 0..2m by the Chebyshev recurrence per point */
    for (size_t i = 0; i < nb; i++) {
        double x = M_PI * (i + 0.5) / (double)nb, c1 = cos(x), ckm1 = 1, ck = c1;
        cw[0] += w[i], cwd[0] += w[i] * dd[i];
        for (size_t k = 1; k <= 2 * m; k++) {
            cw[k] += w[i] * ck;
            if (k <= m)
                cwd[k] += w[i] * dd[i] * ck;
            double next = 2 * c1 * ck - ckm1;
            ckm1 = ck, ck = next;
        }
    }
    for (size_t j = 0; j <= m; j++) {
        double cj = j ? 2 : 1;
        gsl_vector_set(rhs, j, cj * cwd[j]);
        for (size_t k = 0; k <= m; k++)
            gsl_matrix_set(r, j, k, cj * (k ? 2 : 1) * 0.5 * (cw[j > k ? j - k : k - j] + cw[j + k]));
    }
    if (gsl_linalg_cholesky_decomp1(r) == 0 && gsl_linalg_cholesky_solve(r, rhs, a) == 0) {
        for (size_t k = 0; k <= m; k++)
            h[m + k] = h[m - k] = gsl_vector_get(a, k);
        accuracy(h, len, c, f, v, &rms, &mx);
    }
out:
    free(w), free(dd), free(cw), free(cwd), free(h);
    gsl_matrix_free(r);
    gsl_vector_free(rhs);
    gsl_vector_free(a);
    return rms;
}

/* Largest |FIR - intended| outside the spec's band (1-20 Hz and 16 kHz-0.498 rate): where the
 * intended curve is only held flat, the FIR must not stray far either. */
static double out_of_band(const double *h, size_t n, const hp_fir_cfg *c, const double *f,
                          const double *v)
{
    double m = 0;
    for (double x = 1; x < 20; x *= 1.02)
        m = fmax(m, fabs(dtft_db(h, n, c->rate_hz, x) - truth_db(f, v, NPTS, x, c->max_boost_db, c->gain_db)));
    for (double x = 16000; x < 0.498 * c->rate_hz; x *= 1.002)
        m = fmax(m, fabs(dtft_db(h, n, c->rate_hz, x) - truth_db(f, v, NPTS, x, c->max_boost_db, c->gain_db)));
    return m;
}

/* The spec (issue 5): within 0.05 dB RMS from 20 Hz to 16 kHz at 4096 taps, both phases. A
 * linear-phase FIR's amplitude is a cosine series of half its length (4095 taps: 2047 terms,
 * one per 11.7 Hz), half the resolution a minimum-phase FIR of the same length has; where a
 * correction drops 12 dB within half an octave near 80 Hz (DT 770 M, HD 280 Pro: +6 dB cap
 * on the bass, then the closed-back's own bass hump), no linear-phase FIR of 4095 taps gets
 * within 0.05 dB RMS. For every correction the linear-phase FIR misses the spec on, the test
 * proves that: the least-squares optimum for the spec's own band and measure, computed here
 * independently, misses it too, and ours is within 10% of it (ours also serves 16-20 kHz,
 * which the optimum for the band may neglect). At 8191 taps all 22 pass. */
static void test_accuracy(void)
{
    double f[NPTS], eq[NPTS], worst_min = 0, worst_lin = 0, worst_lin2 = 0, worst_oob = 0;
    size_t nh = sizeof heads / sizeof heads[0], out_of_reach = 0;
    for (size_t i = 0; i < nh; i++) {
        CHECK(correction(heads[i], f, eq));
        for (int ph = 0; ph < 2; ph++) {
            for (size_t taps = 4096; taps <= 8192; taps *= 2) {
                if (ph == HP_FIR_MINIMUM && taps > 4096)
                    continue;
                hp_fir_cfg c = hp_fir_cfg_default();
                c.phase = ph;
                c.taps = taps;
                c.gain_db = -3;
                size_t n = hp_fir_length(&c);
                double *h = malloc(n * sizeof *h), rms = 1, mx = 1;
                CHECK(h && hp_fir_design(f, eq, NPTS, &c, h) == HP_OK);
                if (h)
                    accuracy(h, n, &c, f, eq, &rms, &mx);
                if (ph == HP_FIR_LINEAR && h)
                    worst_oob = fmax(worst_oob, out_of_band(h, n, &c, f, eq));
                free(h);
                if (ph == HP_FIR_MINIMUM) {
                    CHECK_NEAR(rms, 0, 0.05);
                    worst_min = fmax(worst_min, rms);
                } else if (taps == 4096) {
                    worst_lin = fmax(worst_lin, rms);
                    if (rms > 0.05) {
                        double best = linear_phase_bound(f, eq, &c, n);
                        printf("%s: linear phase %zu taps %.4f dB RMS; the least-squares "
                               "optimum of that length %.4f dB\n", heads[i], n, rms, best);
                        CHECK(best > 0.05);
                        CHECK(rms <= 1.10 * best);
                        out_of_reach++;
                    }
                } else {
                    CHECK_NEAR(rms, 0, 0.05);
                    worst_lin2 = fmax(worst_lin2, rms);
                }
            }
        }
    }
    CHECK(worst_oob <= 1.0);
    printf("FIR vs intended, RMS 20 Hz-16 kHz, worst of %zu corrections: minimum phase 4096 taps "
           "%.4f dB; linear phase 4095 taps %.4f dB (%zu out of any linear-phase FIR's reach), "
           "8191 taps %.4f dB; linear phase outside 20 Hz-16 kHz within %.2f dB\n",
           nh, worst_min, worst_lin, out_of_reach, worst_lin2, worst_oob);
}

/* The same correction at the five rates: lengths scaled with the rate, and the same curve at
 * the same level (the files differ only by their rate). */
static void test_rates(void)
{
    double f[NPTS], eq[NPTS];
    CHECK(correction("over-ear/Sennheiser HD 650.csv", f, eq));
    static const size_t want_taps[5] = {3763, 4096, 7526, 8192, 16384};
    double ref[64];
    for (int ph = 0; ph < 2; ph++) {
        double worst = 0;
        for (size_t r = 0; r < 5; r++) {
            hp_fir_cfg c = hp_fir_cfg_default();
            c.phase = ph;
            c.rate_hz = rates[r];
            c.taps = hp_fir_taps_at_rate(4096, rates[r]);
            c.gain_db = -7.5;
            CHECK(c.taps == want_taps[r]);
            size_t n = hp_fir_length(&c);
            double *h = malloc(n * sizeof *h);
            CHECK(h && hp_fir_design(f, eq, NPTS, &c, h) == HP_OK);
            if (!h)
                continue;
            if (ph == HP_FIR_LINEAR) {
                int sym = n % 2 == 1;
                for (size_t k = 0; k < n / 2; k++)
                    sym &= h[k] == h[n - 1 - k];
                CHECK(sym); /* linear phase: symmetric, odd length */
            } else {
                /* minimum phase: most of the energy comes first */
                double e = 0, head = 0;
                for (size_t k = 0; k < n; k++)
                    e += h[k] * h[k], head += k < n / 20 ? h[k] * h[k] : 0;
                CHECK(head > 0.9 * e);
            }
            size_t j = 0;
            for (double x = 20; x <= 16000 && j < 64; x *= 1.25, j++) {
                double v = dtft_db(h, n, rates[r], x);
                if (r == 0)
                    ref[j] = v;
                else
                    worst = fmax(worst, fabs(v - ref[j]));
            }
            free(h);
        }
        printf("%s phase: largest difference between the five rates %.4f dB\n",
               ph ? "linear" : "minimum", worst);
        CHECK_NEAR(worst, 0, 0.05);
    }
}

/* The boost cap clips the curve before the level is added. */
static void test_cap(void)
{
    double f[4] = {20, 100, 1000, 20000}, v[4] = {12, 12, 0, 0};
    hp_fir_cfg c = hp_fir_cfg_default();
    c.max_boost_db = 3;
    c.gain_db = -1;
    double h[4096];
    CHECK(hp_fir_design(f, v, 4, &c, h) == HP_OK);
    CHECK_NEAR(dtft_db(h, 4096, 48000, 40), 2, 0.05);
    CHECK_NEAR(dtft_db(h, 4096, 48000, 5000), -1, 0.05);
    CHECK_NEAR(hp_fir_intended_db(f, v, 4, &c, 40), 2, 1e-12);
    CHECK_NEAR(hp_fir_intended_db(f, v, 4, &c, 0), 2, 1e-12);      /* held below the grid */
    CHECK_NEAR(hp_fir_intended_db(f, v, 4, &c, 30000), -1, 1e-12); /* and above it */
    CHECK_NEAR(hp_fir_response_db(h, 4096, 48000, 5000), dtft_db(h, 4096, 48000, 5000), 1e-9);
}

static void test_misuse(void)
{
    double f[3] = {20, 1000, 20000}, v[3] = {0, 1, 0}, h[4096];
    hp_fir_cfg c = hp_fir_cfg_default();
    CHECK(hp_fir_design(NULL, v, 3, &c, h) == HP_EINVAL);
    CHECK(hp_fir_design(f, NULL, 3, &c, h) == HP_EINVAL);
    CHECK(hp_fir_design(f, v, 1, &c, h) == HP_EINVAL);
    CHECK(hp_fir_design(f, v, 3, NULL, h) == HP_EINVAL);
    CHECK(hp_fir_design(f, v, 3, &c, NULL) == HP_EINVAL);
    double g[3] = {20, 20, 30};
    CHECK(hp_fir_design(g, v, 3, &c, h) == HP_EINVAL);
    double w[3] = {0, NAN, 0};
    CHECK(hp_fir_design(f, w, 3, &c, h) == HP_EINVAL);
    hp_fir_cfg b = c;
    b.taps = 8;
    CHECK(hp_fir_design(f, v, 3, &b, h) == HP_EINVAL);
    b = c;
    b.rate_hz = 1000;
    CHECK(hp_fir_design(f, v, 3, &b, h) == HP_EINVAL);
    b = c;
    b.phase = (hp_fir_phase)7;
    CHECK(hp_fir_design(f, v, 3, &b, h) == HP_EINVAL);
    CHECK(hp_fir_taps_at_rate(0, 48000) == 0);
    CHECK(hp_fir_taps_at_rate(4096, -1) == 0);
    CHECK(hp_fir_length(NULL) == 0);
    CHECK(isnan(hp_fir_intended_db(f, v, 3, NULL, 100)));
    CHECK(isnan(hp_fir_intended_db(f, v, 3, &c, -1)));
}

int main(void)
{
    test_accuracy();
    test_rates();
    test_cap();
    test_misuse();
    T_DONE();
}
