/* SPDX-License-Identifier: MIT */
/* Smoothing against independent truths: closed-form window means, a naive long-double reference
 * that visits every segment, Jensen-type inequalities, the Var/Psy width laws, and API misuse. */
#include "t.h"
#include "smooth.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LN10 2.302585092994045684L

static hp_smooth_cfg mk(hp_smooth_kind kind, double fraction, hp_smooth_domain domain)
{
    hp_smooth_cfg c = {kind, fraction, domain};
    return c;
}

/* Every valid configuration worth sweeping (PSY only has the power domain). */
static size_t all_cfgs(hp_smooth_cfg *c)
{
    const double fr[] = {1.0, 1.0 / 3, 1.0 / 12, 1.0 / 48};
    size_t n = 0;
    for (int d = 0; d < 2; d++) {
        hp_smooth_domain dom = d ? HP_SMOOTH_DB : HP_SMOOTH_POWER;
        c[n++] = mk(HP_SMOOTH_NONE, 0, dom);
        c[n++] = mk(HP_SMOOTH_VAR, 0, dom);
        for (size_t i = 0; i < 4; i++)
            c[n++] = mk(HP_SMOOTH_OCTAVE, fr[i], dom);
    }
    c[n++] = mk(HP_SMOOTH_PSY, 0, HP_SMOOTH_POWER);
    return n;
}

/* The Var and Psy laws written as powers of the corner ratios (1/6 : 1/48 = 8 per decade,
 * 1/3 : 1/6 = 2 per decade, Psy halves per decade), independently of the library's form. */
static long double ref_width(const hp_smooth_cfg *c, long double f)
{
    switch (c->kind) {
    case HP_SMOOTH_OCTAVE:
        return c->fraction;
    case HP_SMOOTH_VAR:
        if (f <= 100)
            return 1.0L / 48;
        if (f <= 1000)
            return powl(8.0L, log10l(f / 100)) / 48;
        return f <= 10000 ? powl(2.0L, log10l(f / 1000)) / 6 : 1.0L / 3;
    case HP_SMOOTH_PSY:
        if (f <= 100)
            return 1.0L / 3;
        return f < 1000 ? powl(0.5L, log10l(f / 100)) / 3 : 1.0L / 6;
    case HP_SMOOTH_NONE:
        break;
    }
    return 0;
}

/* The quantity each mode averages, in long double, from a power value. */
static long double ref_q(const hp_smooth_cfg *c, double p)
{
    long double lp = p > 1e-300 ? p : 1e-300L;
    if (c->kind == HP_SMOOTH_PSY)
        return powl(lp, 1.5L);
    return c->domain == HP_SMOOTH_DB ? 10 * log10l(lp) : lp;
}

static long double ref_db(const hp_smooth_cfg *c, long double m)
{
    if (c->kind == HP_SMOOTH_PSY)
        return 10 * log10l(m) / 1.5L;
    return c->domain == HP_SMOOTH_DB ? m : 10 * log10l(m);
}

/* Naive reference for hp_smooth_spectrum: the mean over the clipped window (in Hz) of the
 * piecewise-linear quantity, visiting every segment; each overlap contributes its length times
 * the value at its midpoint. q holds ref_q of every bin. */
static long double ref_spectrum(const long double *q, size_t n, double df, const hp_smooth_cfg *c,
                                double fc)
{
    long double w = ref_width(c, fc), top = (long double)(n - 1) * df;
    long double lo = fc * powl(2.0L, -w / 2), hi = fc * powl(2.0L, w / 2);
    lo = lo > top ? top : lo;
    hi = hi > top ? top : hi;
    long double sum = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        long double x0 = (long double)k * df, x1 = (long double)(k + 1) * df;
        long double s = lo > x0 ? lo : x0, e = hi < x1 ? hi : x1;
        if (hi > lo && e <= s)
            continue;
        if (hi <= lo && !(lo >= x0 && lo <= x1))
            continue;
        long double mid = (s + e) / 2;
        long double v = (q[k] * (x1 - mid) + q[k + 1] * (mid - x0)) / df;
        if (hi <= lo)
            return ref_db(c, v); /* NONE: the value at fc */
        sum += (e - s) * v;
    }
    return ref_db(c, sum / (hi - lo));
}

/* Distance to the reference: relative in linear power/|H|^3 for the power-like means, absolute
 * dB (relative above 1 dB in magnitude) for the dB mean. */
static double rel_err(const hp_smooth_cfg *c, double got, long double want)
{
    long double d = fabsl((long double)got - want);
    if (c->kind != HP_SMOOTH_PSY && c->domain == HP_SMOOTH_DB)
        return (double)(d / (fabsl(want) > 1 ? fabsl(want) : 1));
    long double scale = c->kind == HP_SMOOTH_PSY ? 1.5L : 1.0L; /* dB -> ln of the mean */
    return (double)fabsl(expm1l(d * scale * LN10 / 10));
}

/* Running maximum of errors in which a NaN counts as the worst possible error (fmax would
 * silently drop it). */
static double worse(double worst, double e)
{
    return e <= worst ? worst : isnan(e) ? HUGE_VAL : e;
}

static size_t log_grid(double f0, double f1, double ppo, double *f, size_t cap)
{
    size_t n = 0;
    for (double v = f0; v <= f1 * (1 + 1e-12) && n < cap; v = f0 * pow(2.0, (double)n / ppo))
        f[n++] = v;
    return n;
}

static void flat_spectrum(void)
{
    const size_t nb = 24001; /* df = 1 Hz up to 24 kHz */
    const double P = 3.7e-5;
    const double f[] = {20, 20.3, 37.77, 100, 999.5, 1000, 5000, 19999.5, 23000, 24000};
    const size_t nf = sizeof f / sizeof f[0];
    double *p = malloc(nb * sizeof *p), out[sizeof f / sizeof f[0]];
    hp_smooth_cfg cfgs[16];
    size_t nc = all_cfgs(cfgs);
    for (size_t k = 0; k < nb; k++)
        p[k] = P;
    /* 1/48 oct at 20 Hz spans 0.29 bins; at 23-24 kHz wide windows are clipped at the top. */
    for (size_t c = 0; c < nc; c++) {
        CHECK(hp_smooth_spectrum(p, nb, 1.0, &cfgs[c], f, nf, out) == HP_OK);
        for (size_t i = 0; i < nf; i++)
            CHECK_NEAR(out[i], 10 * log10(P), 1e-12);
    }
    /* Coarse bins: every window at 20-60 Hz lies inside the first bin or two. */
    for (size_t c = 0; c < nc; c++) {
        CHECK(hp_smooth_spectrum(p, 241, 100.0, &cfgs[c], f, 3, out) == HP_OK);
        for (size_t i = 0; i < 3; i++)
            CHECK_NEAR(out[i], 10 * log10(P), 1e-12);
    }
    free(p);
}

static void flat_curve(void)
{
    double f[600], db[600], out[600];
    size_t n = log_grid(20, 20000, 48, f, 600);
    hp_smooth_cfg cfgs[16];
    size_t nc = all_cfgs(cfgs);
    for (size_t c = 0; c < nc; c++) {
        for (size_t i = 0; i < n; i++)
            db[i] = -7.25;
        CHECK(hp_smooth_curve(f, db, n, &cfgs[c], out) == HP_OK);
        CHECK(hp_smooth_curve(f, db, n, &cfgs[c], db) == HP_OK); /* in place */
        double worst = 0;
        for (size_t i = 0; i < n; i++) {
            worst = worse(worst, fabs(out[i] + 7.25));
            worst = worse(worst, fabs(db[i] + 7.25));
        }
        CHECK_NEAR(worst, 0.0, 1e-12);
    }
    CHECK(n == 479);
}

/* P(x) = 0.5 + |x - c| / s (a tent with its kink on a bin) is its own piecewise-linear
 * interpolant, so the POWER result must be its closed-form mean over the window. */
static double tent_mean(double lo, double hi, double c, double s)
{
    double gl = (lo - c) * fabs(lo - c) / 2, gh = (hi - c) * fabs(hi - c) / 2;
    return 0.5 + (gh - gl) / s / (hi - lo);
}

static void power_preservation(void)
{
    const size_t nb = 8001;
    const double df = 1.5, c = 4500, s = 1000, top = 8000 * 1.5;
    const double f[] = {50, 100, 1000, 4000, 4500, 5200, 11000, 12000};
    const size_t nf = sizeof f / sizeof f[0];
    double *p = malloc(nb * sizeof *p), out[sizeof f / sizeof f[0]];
    for (size_t k = 0; k < nb; k++)
        p[k] = 0.5 + fabs((double)k * df - c) / s;
    hp_smooth_cfg cf[] = {mk(HP_SMOOTH_OCTAVE, 1, HP_SMOOTH_POWER),
                          mk(HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_POWER),
                          mk(HP_SMOOTH_OCTAVE, 1.0 / 12, HP_SMOOTH_POWER),
                          mk(HP_SMOOTH_VAR, 0, HP_SMOOTH_POWER)};
    for (size_t j = 0; j < sizeof cf / sizeof cf[0]; j++) {
        CHECK(hp_smooth_spectrum(p, nb, df, &cf[j], f, nf, out) == HP_OK);
        for (size_t i = 0; i < nf; i++) {
            double w = (double)ref_width(&cf[j], f[i]);
            double lo = f[i] * pow(2, -w / 2), hi = fmin(f[i] * pow(2, w / 2), top);
            double want = tent_mean(lo, hi, c, s);
            CHECK_NEAR(pow(10, out[i] / 10) / want, 1.0, 1e-11);
        }
    }
    free(p);
}

/* One line of power A at bin 1000 (df = 1 Hz) over silence: its interpolant is a triangle of
 * area A*df, so a window containing it averages A*df / width; outside it reads the floor. */
static void narrow_line(void)
{
    const size_t nb = 4001;
    const double A = 2.5;
    double *p = calloc(nb, sizeof *p), out[3];
    p[1000] = A;
    hp_smooth_cfg third = mk(HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_POWER);
    const double f[] = {1000, 1050, 2000};
    CHECK(hp_smooth_spectrum(p, nb, 1.0, &third, f, 3, out) == HP_OK);
    for (size_t i = 0; i < 2; i++) {
        double width = f[i] * (pow(2, 1.0 / 6) - pow(2, -1.0 / 6));
        CHECK_NEAR(out[i], 10 * log10(A / width), 1e-11);
    }
    CHECK_NEAR(out[2], -3000.0, 1e-9);
    hp_smooth_cfg none = mk(HP_SMOOTH_NONE, 0, HP_SMOOTH_POWER);
    const double g[] = {999.75, 1000, 1000.5};
    CHECK(hp_smooth_spectrum(p, nb, 1.0, &none, g, 3, out) == HP_OK);
    CHECK_NEAR(out[0], 10 * log10(0.75 * A), 1e-12);
    CHECK_NEAR(out[1], 10 * log10(A), 1e-12);
    CHECK_NEAR(out[2], 10 * log10(0.5 * A), 1e-12);
    hp_smooth_cfg nodb = mk(HP_SMOOTH_NONE, 0, HP_SMOOTH_DB);
    CHECK(hp_smooth_spectrum(p, nb, 1.0, &nodb, g, 3, out) == HP_OK);
    CHECK_NEAR(out[2], 0.5 * (10 * log10(A) - 3000), 1e-9); /* linear in dB, zero floored */
    free(p);
}

static uint64_t rng;

/* xorshift64*: a fixed, seedable generator so failures can be reproduced. */
static double rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

/* Loud below 900 Hz, 120 dB down to 4 kHz, 140 dB down above, random within each region. */
static void step_spectrum(double *p, size_t nb, double df, uint64_t seed)
{
    rng = seed;
    for (size_t k = 0; k < nb; k++) {
        double f = (double)k * df, level = f < 900 ? 1.0 : f < 4000 ? 1e-12 : 1e-14;
        p[k] = level * (0.5 + rnd());
    }
}

/* Mean by differences of a running integral in double: the prefix-sum method, kept here only
 * to show this spectrum defeats it, so the agreement check below has teeth. */
static double prefix_mean_db(const double *cum, const double *p, double a, double b)
{
    size_t ka = (size_t)a, kb = (size_t)b;
    double ta = a - (double)ka, tb = b - (double)kb;
    double fa = cum[ka] + ta * (p[ka] + (p[ka] + ta * (p[ka + 1] - p[ka]))) / 2;
    double fb = cum[kb] + tb * (p[kb] + (p[kb] + tb * (p[kb + 1] - p[kb]))) / 2;
    return 10 * log10((fb - fa) / (b - a));
}

static double prefix_worst(const double *p, size_t nb, double df, const long double *q,
                           const double *f, size_t nf)
{
    double *cum = calloc(nb + 1, sizeof *cum), worst = 0;
    hp_smooth_cfg c = mk(HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_POWER);
    for (size_t k = 0; k + 1 < nb; k++)
        cum[k + 1] = cum[k] + (p[k] + p[k + 1]) / 2;
    for (size_t i = 0; i < nf; i++) {
        double a = f[i] * pow(2, -1.0 / 6) / df, b = f[i] * pow(2, 1.0 / 6) / df;
        if (b >= (double)(nb - 1))
            continue;
        double e = rel_err(&c, prefix_mean_db(cum, p, a, b), ref_spectrum(q, nb, df, &c, f[i]));
        worst = worse(worst, e); /* a negative difference gives NaN */
    }
    free(cum);
    return worst;
}

static void reference_140db(uint64_t seed)
{
    const size_t nb = 16385;
    const double df = 48000.0 / 32768;
    double f[300], out[300], *p = malloc(nb * sizeof *p);
    long double *q = malloc(nb * sizeof *q);
    size_t nf = log_grid(20, 23900, 24, f, 299);
    f[nf++] = 24000; /* the last bin: windows clipped at the top */
    step_spectrum(p, nb, df, seed);
    hp_smooth_cfg cfgs[16];
    size_t nc = all_cfgs(cfgs);
    int failed = t_failed;
    for (size_t c = 0; c < nc; c++) {
        for (size_t k = 0; k < nb; k++)
            q[k] = ref_q(&cfgs[c], p[k]);
        CHECK(hp_smooth_spectrum(p, nb, df, &cfgs[c], f, nf, out) == HP_OK);
        double worst = 0;
        for (size_t i = 0; i < nf; i++)
            worst = worse(worst, rel_err(&cfgs[c], out[i], ref_spectrum(q, nb, df, &cfgs[c], f[i])));
        CHECK_NEAR(worst, 0.0, 1e-9);
    }
    for (size_t k = 0; k < nb; k++)
        q[k] = p[k];
    CHECK(prefix_worst(p, nb, df, q, f, nf) > 1e-6);
    if (t_failed != failed)
        fprintf(stderr, "reference_140db: seed 0x%llx\n", (unsigned long long)seed);
    free(p);
    free(q);
}

/* A -60 dB notch at 7 kHz: averaging dB (geometric interpolation, then a concave log) can
 * only read lower than averaging power, and the notch makes the gap large. */
static void jensen_notch(void)
{
    const size_t nb = 16385;
    const double df = 48000.0 / 32768;
    double *p = malloc(nb * sizeof *p), f[100], pw[100], db[100];
    size_t nf = log_grid(3000, 12000, 24, f, 100);
    for (size_t k = 0; k < nb; k++) {
        double x = ((double)k * df - 7000) / 60;
        p[k] = 1 - 0.999999 * exp(-x * x);
    }
    const double fr[] = {1.0 / 3, 1.0 / 6, 1.0 / 12};
    for (size_t j = 0; j < 4; j++) {
        hp_smooth_kind kind = j < 3 ? HP_SMOOTH_OCTAVE : HP_SMOOTH_VAR;
        hp_smooth_cfg a = mk(kind, j < 3 ? fr[j] : 0, HP_SMOOTH_POWER), b = a;
        b.domain = HP_SMOOTH_DB;
        CHECK(hp_smooth_spectrum(p, nb, df, &a, f, nf, pw) == HP_OK);
        CHECK(hp_smooth_spectrum(p, nb, df, &b, f, nf, db) == HP_OK);
        int ok = 1;
        for (size_t i = 0; i < nf; i++)
            ok &= db[i] <= pw[i] + 1e-12;
        CHECK(ok);
    }
    const double f7 = 7000;
    hp_smooth_cfg a = mk(HP_SMOOTH_OCTAVE, 1.0 / 6, HP_SMOOTH_POWER), b = a;
    b.domain = HP_SMOOTH_DB;
    CHECK(hp_smooth_spectrum(p, nb, df, &a, &f7, 1, pw) == HP_OK);
    CHECK(hp_smooth_spectrum(p, nb, df, &b, &f7, 1, db) == HP_OK);
    CHECK(pw[0] - db[0] > 0.5);
    free(p);
}

/* Peaks: the cube root of the mean of |H|^3 is never below the power mean over the same window
 * (chord above x^1.5, then Jensen); Psy is 1/3 oct below 100 Hz and 1/6 oct above 1 kHz. */
static void psy_peaks(void)
{
    const size_t nb = 16385;
    const double df = 48000.0 / 32768, fp[] = {50, 70, 1500, 3000, 8000};
    double *p = malloc(nb * sizeof *p), f[300], ps[300], pw[300];
    size_t nf = log_grid(20, 20000, 24, f, 300);
    for (size_t k = 0; k < nb; k++) {
        double g = 0;
        for (size_t j = 0; j < 5; j++) {
            double x = ((double)k * df - fp[j]) / (0.02 * fp[j]);
            g += exp(-x * x);
        }
        p[k] = 1e-3 * (1 + 99 * g);
    }
    hp_smooth_cfg psy = mk(HP_SMOOTH_PSY, 0, HP_SMOOTH_POWER);
    hp_smooth_cfg lo = mk(HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_POWER);
    hp_smooth_cfg hi = mk(HP_SMOOTH_OCTAVE, 1.0 / 6, HP_SMOOTH_POWER);
    CHECK(hp_smooth_spectrum(p, nb, df, &psy, f, nf, ps) == HP_OK);
    int ok = 1;
    CHECK(hp_smooth_spectrum(p, nb, df, &lo, f, nf, pw) == HP_OK);
    for (size_t i = 0; i < nf && f[i] <= 100; i++)
        ok &= ps[i] >= pw[i] - 1e-12;
    CHECK(hp_smooth_spectrum(p, nb, df, &hi, f, nf, pw) == HP_OK);
    double gap = 0;
    for (size_t i = 0; i < nf; i++) {
        if (f[i] >= 1000) {
            ok &= ps[i] >= pw[i] - 1e-12;
            gap = fmax(gap, ps[i] - pw[i]);
        }
    }
    CHECK(ok);
    CHECK(gap > 0.5); /* and the peaks really are weighted up */
    free(p);
}

static void widths(void)
{
    hp_smooth_cfg var = mk(HP_SMOOTH_VAR, 0, HP_SMOOTH_POWER);
    hp_smooth_cfg psy = mk(HP_SMOOTH_PSY, 0, HP_SMOOTH_POWER);
    hp_smooth_cfg oct = mk(HP_SMOOTH_OCTAVE, 0.25, HP_SMOOTH_DB);
    hp_smooth_cfg none = mk(HP_SMOOTH_NONE, 0.25, HP_SMOOTH_POWER);
    CHECK_NEAR(hp_smooth_width_oct(&var, 50), 1.0 / 48, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&var, 100), 1.0 / 48, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&var, 1000), 1.0 / 6, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&var, 10000), 1.0 / 3, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&var, 20000), 1.0 / 3, 1e-15);
    /* Half a decade in: halfway in log2(width). */
    CHECK_NEAR(hp_smooth_width_oct(&var, pow(10, 2.5)), pow(2, 1.5) / 48, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&var, pow(10, 3.5)), sqrt(2) / 6, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&psy, 50), 1.0 / 3, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&psy, 100), 1.0 / 3, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&psy, pow(10, 2.5)), 1 / (3 * sqrt(2)), 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&psy, 1000), 1.0 / 6, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&psy, 10000), 1.0 / 6, 1e-15);
    CHECK_NEAR(hp_smooth_width_oct(&psy, 20000), 1.0 / 6, 1e-15);
    CHECK(hp_smooth_width_oct(&oct, 1234) == 0.25);
    CHECK(hp_smooth_width_oct(&none, 1234) == 0.0);
    CHECK(hp_smooth_width_oct(NULL, 1234) == 0.0);
    hp_smooth_cfg d = hp_smooth_cfg_default();
    CHECK(d.kind == HP_SMOOTH_OCTAVE && d.fraction == 1.0 / 12 && d.domain == HP_SMOOTH_POWER);
}

static void parse_ok(const char *s, hp_smooth_kind kind, double fraction, hp_smooth_domain dom)
{
    hp_smooth_cfg c = hp_smooth_cfg_default();
    hp_err e = hp_smooth_parse(s, &c);
    if (e != HP_OK)
        fprintf(stderr, "parse \"%s\" failed\n", s);
    CHECK(e == HP_OK && c.kind == kind && c.domain == dom);
    if (kind == HP_SMOOTH_OCTAVE)
        CHECK_NEAR(c.fraction, fraction, 1e-15);
}

static void parsing(void)
{
    parse_ok("1/1", HP_SMOOTH_OCTAVE, 1.0, HP_SMOOTH_POWER);
    parse_ok("1/3", HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_POWER);
    parse_ok("1/12", HP_SMOOTH_OCTAVE, 1.0 / 12, HP_SMOOTH_POWER);
    parse_ok("1/48", HP_SMOOTH_OCTAVE, 1.0 / 48, HP_SMOOTH_POWER);
    parse_ok("var", HP_SMOOTH_VAR, 0, HP_SMOOTH_POWER);
    parse_ok("psy", HP_SMOOTH_PSY, 0, HP_SMOOTH_POWER);
    parse_ok("none", HP_SMOOTH_NONE, 0, HP_SMOOTH_POWER);
    parse_ok("1/6:db", HP_SMOOTH_OCTAVE, 1.0 / 6, HP_SMOOTH_DB);
    parse_ok("var:db", HP_SMOOTH_VAR, 0, HP_SMOOTH_DB);
    parse_ok("none:db", HP_SMOOTH_NONE, 0, HP_SMOOTH_DB);
    const char *bad[] = {"1/0",  "1/49", "2/3",   "",     "abc",    "1/12x", "psy:db", "1/06",
                         " 1/3", "1/3 ", "1/3:",  "1/3:dB", "VAR", "1/",    "1/+3",   "var:db:db",
                         "1/100", ":db", "1/-3", "none:"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hp_smooth_cfg c = mk(HP_SMOOTH_VAR, 0.5, HP_SMOOTH_DB);
        hp_err e = hp_smooth_parse(bad[i], &c);
        if (e != HP_EINVAL)
            fprintf(stderr, "parse \"%s\" was accepted\n", bad[i]);
        CHECK(e == HP_EINVAL && c.kind == HP_SMOOTH_VAR && c.fraction == 0.5); /* untouched */
    }
    hp_smooth_cfg c;
    CHECK(hp_smooth_parse(NULL, &c) == HP_EINVAL);
    CHECK(hp_smooth_parse("1/3", NULL) == HP_EINVAL);
}

/* The quantity each mean averages, from a level in dB (for the step symmetry). */
static double q_of_db(const hp_smooth_cfg *c, double db)
{
    if (c->kind == HP_SMOOTH_PSY)
        return pow(10, 0.15 * db);
    return c->domain == HP_SMOOTH_DB ? db : pow(10, 0.1 * db);
}

/* A 0 -> -10 dB step between grid points i0 and i0+1 on a 48-per-octave log grid. Averaging in
 * log frequency makes the averaged quantity odd about the step's midpoint, so points mirrored
 * about it sum to q(0) + q(-10); at i0 itself the window mean has a closed form. */
static void curve_step(void)
{
    double f[600], db[600], out[600], out2[600];
    size_t n = log_grid(20, 20000, 48, f, 600);
    hp_smooth_cfg cf[] = {mk(HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_DB),
                          mk(HP_SMOOTH_OCTAVE, 1.0 / 3, HP_SMOOTH_POWER),
                          mk(HP_SMOOTH_PSY, 0, HP_SMOOTH_POWER)};
    const size_t step[] = {230, 230, 320}; /* Psy is a constant 1/6 oct above 1 kHz */
    for (size_t j = 0; j < 3; j++) {
        size_t i0 = step[j];
        for (size_t i = 0; i < n; i++)
            db[i] = i <= i0 ? 0.0 : -10.0;
        CHECK(hp_smooth_curve(f, db, n, &cf[j], out) == HP_OK);
        double want = q_of_db(&cf[j], 0) + q_of_db(&cf[j], -10), worst = 0;
        int monotone = 1;
        for (size_t k = 0; k <= 20; k++) {
            double s = q_of_db(&cf[j], out[i0 - k]) + q_of_db(&cf[j], out[i0 + 1 + k]);
            worst = worse(worst, fabs(s - want) / fabs(want));
            monotone &= out[i0 - k - 1] >= out[i0 - k] - 1e-12;
            monotone &= out[i0 + 1 + k] <= out[i0 + k] + 1e-12;
        }
        CHECK_NEAR(worst, 0.0, 1e-9);
        CHECK(monotone && out[i0 - 20] > -1e-12 && out[i0 + 21] < -10 + 1e-12);
        /* At i0: w/2 at q(0), the ramp (length h = 1/48) at its mean, the rest at q(-10). */
        double w = (double)ref_width(&cf[j], f[i0]), h = 1.0 / 48;
        double q0 = q_of_db(&cf[j], 0), q1 = q_of_db(&cf[j], -10);
        double mean = (q0 * w / 2 + (q0 + q1) / 2 * h + q1 * (w / 2 - h)) / w;
        CHECK_NEAR(q_of_db(&cf[j], out[i0]), mean, 1e-9);
        memcpy(out2, db, n * sizeof *db);
        CHECK(hp_smooth_curve(f, out2, n, &cf[j], out2) == HP_OK);
        CHECK(memcmp(out, out2, n * sizeof *out) == 0); /* in place gives the same bits */
    }
}

static void spectrum_misuse(void)
{
    double p[64], f[4] = {100, 200, 300, 400}, out[4];
    hp_smooth_cfg c = hp_smooth_cfg_default(), bad;
    for (size_t k = 0; k < 64; k++)
        p[k] = 1.0;
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, out) == HP_OK);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, NULL, 0, NULL) == HP_OK);
    CHECK(hp_smooth_spectrum(NULL, 64, 10, &c, f, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, NULL, f, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, NULL, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, NULL) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 1, 10, &c, f, 1, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 0, 10, &c, f, 1, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, SIZE_MAX, 10, &c, f, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 0, &c, f, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, -10, &c, f, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, NAN, &c, f, 4, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, INFINITY, &c, f, 4, out) == HP_EINVAL);
    const double unsorted[] = {100, 300, 200}, zero[] = {0, 100}, neg[] = {-5, 100};
    const double nan_f[] = {100, NAN}, inf_f[] = {100, INFINITY}, beyond[] = {100, 631};
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, unsorted, 3, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, zero, 2, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, neg, 2, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, nan_f, 2, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, inf_f, 2, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, beyond, 2, out) == HP_EINVAL);
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, p + 10) == HP_EINVAL); /* aliases power */
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, f) == HP_EINVAL);
    p[7] = -1e-30;
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, out) == HP_EINVAL);
    p[7] = NAN;
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, out) == HP_EINVAL);
    p[7] = INFINITY;
    CHECK(hp_smooth_spectrum(p, 64, 10, &c, f, 4, out) == HP_EINVAL);
    p[7] = 1.0;
    const double fracs[] = {0, 1.0 / 49, 1.01, -0.1, NAN, INFINITY};
    for (size_t i = 0; i < sizeof fracs / sizeof fracs[0]; i++) {
        bad = mk(HP_SMOOTH_OCTAVE, fracs[i], HP_SMOOTH_POWER);
        CHECK(hp_smooth_spectrum(p, 64, 10, &bad, f, 4, out) == HP_EINVAL);
    }
    bad = mk(HP_SMOOTH_PSY, 0, HP_SMOOTH_DB);
    CHECK(hp_smooth_spectrum(p, 64, 10, &bad, f, 4, out) == HP_EINVAL);
    bad = mk((hp_smooth_kind)7, 0.1, HP_SMOOTH_POWER);
    CHECK(hp_smooth_spectrum(p, 64, 10, &bad, f, 4, out) == HP_EINVAL);
    bad = mk(HP_SMOOTH_VAR, 0, (hp_smooth_domain)7);
    CHECK(hp_smooth_spectrum(p, 64, 10, &bad, f, 4, out) == HP_EINVAL);
}

static void curve_misuse(void)
{
    double f[5] = {100, 200, 300, 400, 500}, db[6] = {1, 2, 3, 4, 5, 6}, out[5];
    hp_smooth_cfg c = hp_smooth_cfg_default(), bad = mk(HP_SMOOTH_PSY, 0, HP_SMOOTH_DB);
    CHECK(hp_smooth_curve(f, db, 5, &c, out) == HP_OK);
    CHECK(hp_smooth_curve(NULL, NULL, 0, &c, NULL) == HP_OK);
    CHECK(hp_smooth_curve(f, db, 1, &c, out) == HP_OK && out[0] == db[0]);
    CHECK(hp_smooth_curve(NULL, db, 5, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(f, NULL, 5, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(f, db, 5, &c, NULL) == HP_EINVAL);
    CHECK(hp_smooth_curve(f, db, 5, NULL, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(f, db, 5, &bad, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(f, db, SIZE_MAX, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(f, db, 5, &c, db + 1) == HP_EINVAL); /* partial overlap */
    CHECK(hp_smooth_curve(f, db, 5, &c, f) == HP_EINVAL);
    const double dup[] = {100, 200, 200, 300}, uns[] = {100, 300, 200, 400};
    const double nonpos[] = {0, 100, 200, 300}, nanf[] = {100, NAN, 200, 300};
    const double close[] = {100, 1e6, nextafter(1e6, 2e6), 2e6}; /* distinct, same log2 */
    CHECK(hp_smooth_curve(dup, db, 4, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(uns, db, 4, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(nonpos, db, 4, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(nanf, db, 4, &c, out) == HP_EINVAL);
    CHECK(hp_smooth_curve(close, db, 4, &c, out) == HP_EINVAL);
    db[2] = NAN;
    CHECK(hp_smooth_curve(f, db, 5, &c, out) == HP_EINVAL);
    db[2] = -INFINITY;
    CHECK(hp_smooth_curve(f, db, 5, &c, out) == HP_EINVAL);
}

int main(void)
{
    flat_spectrum();
    flat_curve();
    power_preservation();
    narrow_line();
    const uint64_t seeds[] = {0x5eed5eedULL, 0x9e3779b97f4a7c15ULL, 12345};
    for (size_t i = 0; i < 3; i++)
        reference_140db(seeds[i]);
    jensen_notch();
    psy_peaks();
    widths();
    parsing();
    curve_step();
    spectrum_misuse();
    curve_misuse();
    T_DONE();
}
