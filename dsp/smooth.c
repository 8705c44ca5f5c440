/* SPDX-License-Identifier: MIT */
/* Fractional-octave smoothing as exact rectangular means of a piecewise-linear interpolant,
 * computed by direct sums over each window (measurement-science.md section 4.4). */
#include "smooth.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POWER_FLOOR 1e-300
#define FLOOR_DB (-3000.0) /* 10*log10(POWER_FLOOR) */
#define MAX_COUNT (SIZE_MAX / sizeof(double))
#define MIN_FRACTION (1.0 / 48)

typedef enum { MEAN_POWER, MEAN_DB, MEAN_CUBE } mean_kind;

/* A piecewise-linear function through (x[k], q(y[k])), k = 0..n-1, n >= 2. x == NULL means
 * x[k] = k (spectrum bins); otherwise x holds ascending log2 frequencies (curves). y is power,
 * or dB when y_is_db. ref and ref_db are the loudest sample touched by the current window (in
 * y's units and in dB): samples are taken relative to it, so cubes and sums cannot overflow,
 * dB sums stay small, and a flat input averages to exactly 1 (or exactly 0 dB). */
typedef struct {
    const double *x;
    const double *y;
    size_t n;
    int y_is_db;
    mean_kind mean;
    double ref, ref_db;
} series;

hp_smooth_cfg hp_smooth_cfg_default(void)
{
    hp_smooth_cfg c = {HP_SMOOTH_OCTAVE, 1.0 / 12, HP_SMOOTH_POWER};
    return c;
}

/* Width w0 at and below f0, w1 at and above f1, log2(w) linear in log10(f) in between: the way
 * REW describes its Var and Psy laws (widths given at decade corners). */
static double loglin(double f, double f0, double w0, double f1, double w1)
{
    if (f <= f0)
        return w0;
    if (f >= f1)
        return w1;
    return w0 * pow(w1 / w0, log10(f / f0) / log10(f1 / f0));
}

double hp_smooth_width_oct(const hp_smooth_cfg *cfg, double f_hz)
{
    if (!cfg)
        return 0.0;
    switch (cfg->kind) {
    case HP_SMOOTH_NONE:
        return 0.0;
    case HP_SMOOTH_OCTAVE:
        return cfg->fraction;
    case HP_SMOOTH_VAR:
        if (f_hz < 1000.0)
            return loglin(f_hz, 100.0, 1.0 / 48, 1000.0, 1.0 / 6);
        return loglin(f_hz, 1000.0, 1.0 / 6, 10000.0, 1.0 / 3);
    case HP_SMOOTH_PSY:
        return loglin(f_hz, 100.0, 1.0 / 3, 1000.0, 1.0 / 6);
    }
    return 0.0;
}

/* The tolerance lets callers write 1.0/48 or a rounded decimal without being refused. */
static int cfg_valid(const hp_smooth_cfg *c)
{
    if (!c || (c->domain != HP_SMOOTH_POWER && c->domain != HP_SMOOTH_DB))
        return 0;
    switch (c->kind) {
    case HP_SMOOTH_NONE:
    case HP_SMOOTH_VAR:
        return 1;
    case HP_SMOOTH_OCTAVE:
        return c->fraction >= MIN_FRACTION * (1 - 1e-9) && c->fraction <= 1.0 + 1e-9;
    case HP_SMOOTH_PSY:
        return c->domain == HP_SMOOTH_POWER; /* the cubic mean is its own domain */
    }
    return 0;
}

/* "1/N" with N in 1..48, written without sign, spaces or leading zero. Digits are checked by
 * hand because strtol would accept " +7" and locale-dependent forms. */
static int parse_fraction(const char *s, size_t len, double *frac)
{
    if (len < 3 || len > 4 || s[0] != '1' || s[1] != '/' || s[2] < '1' || s[2] > '9')
        return 0;
    int n = s[2] - '0';
    if (len == 4) {
        if (s[3] < '0' || s[3] > '9')
            return 0;
        n = 10 * n + (s[3] - '0');
    }
    if (n > 48)
        return 0;
    *frac = 1.0 / n;
    return 1;
}

static int is_word(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

hp_err hp_smooth_parse(const char *text, hp_smooth_cfg *out)
{
    if (!text || !out)
        return HP_EINVAL;
    hp_smooth_cfg c = {HP_SMOOTH_NONE, 0.0, HP_SMOOTH_POWER};
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    if (colon) {
        if (strcmp(colon + 1, "db") != 0)
            return HP_EINVAL;
        c.domain = HP_SMOOTH_DB;
    }
    if (parse_fraction(text, len, &c.fraction))
        c.kind = HP_SMOOTH_OCTAVE;
    else if (is_word(text, len, "var"))
        c.kind = HP_SMOOTH_VAR;
    else if (is_word(text, len, "psy"))
        c.kind = HP_SMOOTH_PSY;
    else if (!is_word(text, len, "none"))
        return HP_EINVAL;
    if (!cfg_valid(&c))
        return HP_EINVAL;
    *out = c;
    return HP_OK;
}

static double floor_power(double p)
{
    return p > POWER_FLOOR ? p : POWER_FLOOR;
}

static double xat(const series *s, size_t k)
{
    return s->x ? s->x[k] : (double)k;
}

/* The averaged quantity at sample k, relative to the window's reference. */
static double qval(const series *s, size_t k)
{
    if (s->y_is_db) {
        double d = s->y[k] - s->ref_db;
        if (s->mean == MEAN_DB)
            return d;
        return pow(10.0, (s->mean == MEAN_CUBE ? 0.15 : 0.1) * d); /* |H|^3 or |H|^2 */
    }
    double p = floor_power(s->y[k]);
    if (s->mean == MEAN_DB)
        return 10.0 * log10(p) - s->ref_db;
    double r = p / s->ref;
    return s->mean == MEAN_CUBE ? r * sqrt(r) : r;
}

/* Value at x inside segment k. Both weights come from differences to the nearer knot, a convex
 * combination, so a tiny value next to a huge one keeps its relative accuracy (the form
 * y0 + (y1 - y0) t would not, across a 140 dB step). */
static double interp(const series *s, size_t k, double x)
{
    double x0 = xat(s, k), x1 = xat(s, k + 1), h = x1 - x0;
    return qval(s, k) * ((x1 - x) / h) + qval(s, k + 1) * ((x - x0) / h);
}

/* Segment k (0..n-2) with x[k] <= a < x[k+1], or n-2 when a is at the last knot. On a log grid
 * the walk starts from the previous window's segment, so all walks together stay linear. */
static size_t find_seg(const series *s, double a, size_t hint)
{
    if (!s->x) {
        size_t k = (size_t)a; /* a >= 0: truncation is floor */
        return k < s->n - 1 ? k : s->n - 2;
    }
    size_t k = hint < s->n - 1 ? hint : s->n - 2;
    while (k > 0 && s->x[k] > a)
        k--;
    while (k + 2 < s->n && s->x[k + 1] <= a)
        k++;
    return k;
}

static void set_ref(series *s, size_t k0, size_t k1)
{
    /* Four running maxima: independent, so the loop pipelines (and may vectorize). */
    const double *y = s->y;
    double m0 = y[k0], m1 = m0, m2 = m0, m3 = m0;
    size_t k = k0 + 1;
    for (; k + 3 <= k1 + 1; k += 4) {
        m0 = y[k] > m0 ? y[k] : m0;
        m1 = y[k + 1] > m1 ? y[k + 1] : m1;
        m2 = y[k + 2] > m2 ? y[k + 2] : m2;
        m3 = y[k + 3] > m3 ? y[k + 3] : m3;
    }
    for (; k <= k1 + 1; k++)
        m0 = y[k] > m0 ? y[k] : m0;
    double m = m0 > m1 ? m0 : m1;
    m = m2 > m ? m2 : m;
    m = m3 > m ? m3 : m;
    s->ref = s->y_is_db ? m : floor_power(m);
    s->ref_db = s->y_is_db ? m : 10.0 * log10(s->ref);
}

/* Exact mean over [a, b] (a < b) of the interpolant: trapezoids over the pieces cut by the
 * knots, summed directly (prefix sums would cancel catastrophically in quiet regions). Dividing
 * by the summed piece lengths instead of b - a makes a constant come out exactly constant. */
/* Sum of floor_power(y[k]) for k in [lo, hi]: all terms positive, so no cancellation, and
 * four partial sums keep the additions independent. */
static double power_sum(const double *y, size_t lo, size_t hi)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t k = lo;
    for (; k + 3 <= hi; k += 4) {
        s0 += floor_power(y[k]);
        s1 += floor_power(y[k + 1]);
        s2 += floor_power(y[k + 2]);
        s3 += floor_power(y[k + 3]);
    }
    for (; k <= hi; k++)
        s0 += floor_power(y[k]);
    return (s0 + s1) + (s2 + s3);
}

/* window_mean for the common case, a power spectrum averaged in power: the knots are unit
 * spaced, so the trapezoids between whole bins add up to twice the bins' sum less its ends,
 * and that sum needs one division by the reference instead of one per bin. */
static double window_mean_bins(const series *s, double a, double b, size_t k0, size_t k1)
{
    double xa = (double)(k0 + 1), xb = (double)k1;
    double qa = interp(s, k0, a), qb = interp(s, k1, b);
    double q_first = qval(s, k0 + 1), q_last = qval(s, k1);
    double inner = 2.0 * (power_sum(s->y, k0 + 1, k1) / s->ref) - q_first - q_last;
    double sum = (xa - a) * (qa + q_first) + inner + (b - xb) * (q_last + qb);
    double len = (xa - a) + (double)(k1 - k0 - 1) + (b - xb);
    return 0.5 * sum / len;
}

static double window_mean(const series *s, double a, double b, size_t k0, size_t k1)
{
    if (!s->x && !s->y_is_db && s->mean == MEAN_POWER && k1 > k0 + 1)
        return window_mean_bins(s, a, b, k0, k1);
    double xprev = a, qprev = interp(s, k0, a);
    double sum = 0.0, len = 0.0;
    for (size_t k = k0 + 1; k <= k1; k++) {
        double xk = xat(s, k), qk = qval(s, k);
        sum += (xk - xprev) * (qprev + qk);
        len += xk - xprev;
        xprev = xk;
        qprev = qk;
    }
    sum += (b - xprev) * (qprev + interp(s, k1, b));
    len += b - xprev;
    return 0.5 * sum / len;
}

/* Back from a relative mean to absolute dB, honouring the floor (a relative mean can
 * underflow to 0 when the window spans more than about 3000 dB). */
static double to_db(const series *s, double mean)
{
    if (s->mean == MEAN_DB)
        return mean + s->ref_db;
    double r = 10.0 * log10(mean);
    if (s->mean == MEAN_CUBE)
        r /= 1.5; /* cube root of |H|^3, expressed as 20*log10|H| */
    r += s->ref_db;
    double lowest = s->y_is_db ? s->ref_db + FLOOR_DB : FLOOR_DB;
    return r >= lowest ? r : lowest;
}

/* Smoothed level over [a, b] (a <= b, both inside [x[0], x[n-1]]); a == b interpolates. */
static double window_db(series *s, double a, double b, size_t *hint)
{
    size_t k0 = find_seg(s, a, *hint);
    size_t k1 = find_seg(s, b, k0);
    *hint = k0;
    set_ref(s, k0, k1);
    double mean = b > a ? window_mean(s, a, b, k0, k1) : interp(s, k0, a);
    return to_db(s, mean);
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static mean_kind mean_of(const hp_smooth_cfg *cfg)
{
    if (cfg->kind == HP_SMOOTH_PSY)
        return MEAN_CUBE;
    return cfg->domain == HP_SMOOTH_DB ? MEAN_DB : MEAN_POWER;
}

/* Compared as integers: relational operators on pointers into different arrays are undefined. */
static int overlap(const double *a, size_t na, const double *b, size_t nb)
{
    uintptr_t a0 = (uintptr_t)a, b0 = (uintptr_t)b;
    return a0 < b0 + nb * sizeof *b && b0 < a0 + na * sizeof *a;
}

/* Frequencies finite, in (0, top_hz], ascending (strictly when strict). */
static int grid_valid(const double *f, size_t n, int strict, double top_hz)
{
    for (size_t i = 0; i < n; i++) {
        if (!(f[i] > 0.0) || !(f[i] <= top_hz))
            return 0;
        if (i > 0 && (strict ? !(f[i] > f[i - 1]) : !(f[i] >= f[i - 1])))
            return 0;
    }
    return 1;
}

static hp_err check_spectrum(const double *power, size_t nbins, double df_hz,
                             const hp_smooth_cfg *cfg, const double *f_hz, size_t nf,
                             const double *out_db)
{
    if (!cfg_valid(cfg) || !power || nbins < 2 || nbins > MAX_COUNT || nf > MAX_COUNT)
        return HP_EINVAL;
    if (!(df_hz > 0.0) || !(df_hz <= DBL_MAX))
        return HP_EINVAL;
    if (nf > 0 && (!f_hz || !out_db || overlap(out_db, nf, power, nbins) ||
                   overlap(out_db, nf, f_hz, nf)))
        return HP_EINVAL;
    if (!grid_valid(f_hz, nf, 0, (double)(nbins - 1) * df_hz))
        return HP_EINVAL;
    for (size_t k = 0; k < nbins; k++)
        if (!(power[k] >= 0.0) || !(power[k] <= DBL_MAX))
            return HP_EINVAL;
    return HP_OK;
}

hp_err hp_smooth_spectrum(const double *power, size_t nbins, double df_hz, const hp_smooth_cfg *cfg,
                          const double *f_hz, size_t nf, double *out_db)
{
    hp_err e = check_spectrum(power, nbins, df_hz, cfg, f_hz, nf, out_db);
    if (e != HP_OK)
        return e;
    series s = {NULL, power, nbins, 0, mean_of(cfg), 0.0, 0.0};
    double top = (double)(nbins - 1);
    size_t hint = 0;
    for (size_t i = 0; i < nf; i++) {
        double half = 0.5 * hp_smooth_width_oct(cfg, f_hz[i]);
        /* Window edges in bin units; clipping keeps the mean over the data that exists. */
        double a = clamp(f_hz[i] * exp2(-half) / df_hz, 0.0, top);
        double b = clamp(f_hz[i] * exp2(half) / df_hz, 0.0, top);
        out_db[i] = window_db(&s, a, b, &hint);
    }
    return HP_OK;
}

static hp_err check_curve(const double *f_hz, const double *db, size_t n, const hp_smooth_cfg *cfg,
                          const double *out_db)
{
    if (!cfg_valid(cfg) || n > MAX_COUNT)
        return HP_EINVAL;
    if (n == 0)
        return HP_OK;
    if (!f_hz || !db || !out_db || overlap(out_db, n, f_hz, n) ||
        (out_db != db && overlap(out_db, n, db, n)))
        return HP_EINVAL;
    if (!grid_valid(f_hz, n, 1, DBL_MAX))
        return HP_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(db[i]))
            return HP_EINVAL;
    return HP_OK;
}

/* log2 of each frequency, refusing neighbours so close that their logs coincide (they would
 * make a zero-length segment). */
static int log_grid(const double *f_hz, size_t n, double *u)
{
    for (size_t i = 0; i < n; i++) {
        u[i] = log2(f_hz[i]);
        if (i > 0 && !(u[i] > u[i - 1]))
            return 0;
    }
    return 1;
}

hp_err hp_smooth_curve(const double *f_hz, const double *db, size_t n, const hp_smooth_cfg *cfg,
                       double *out_db)
{
    hp_err e = check_curve(f_hz, db, n, cfg, out_db);
    if (e != HP_OK || n == 0)
        return e;
    if (n == 1) {
        out_db[0] = db[0]; /* every window clips to the single point */
        return HP_OK;
    }
    int in_place = out_db == db;
    double *u = calloc(in_place ? 2 * n : n, sizeof *u);
    if (!u)
        return HP_ENOMEM;
    if (!log_grid(f_hz, n, u)) {
        free(u);
        return HP_EINVAL;
    }
    if (in_place) /* windows read neighbours on both sides, so smooth from a copy */
        db = memcpy(u + n, db, n * sizeof *u);
    series s = {u, db, n, 1, mean_of(cfg), 0.0, 0.0};
    size_t hint = 0;
    for (size_t i = 0; i < n; i++) {
        double half = 0.5 * hp_smooth_width_oct(cfg, f_hz[i]);
        double a = clamp(u[i] - half, u[0], u[n - 1]);
        double b = clamp(u[i] + half, u[0], u[n - 1]);
        out_db[i] = window_db(&s, a, b, &hint);
    }
    free(u);
    return HP_OK;
}
