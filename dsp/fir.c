/* SPDX-License-Identifier: MIT */
/* Correction FIRs: minimum phase by frequency sampling through the folded real cepstrum
 * (Oppenheim & Schafer's homomorphic method, measurement-science.md 5.1 and 8.4), truncated
 * with a short fade and refined; linear phase as the weighted least-squares zero-phase
 * response (conjugate gradients, products by FFT), delayed to the middle. */
#include "fir.h"
#include <complex.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "fft.h"

/* Refinement passes: truncation smooths the response by about one bin of rate/taps; aiming
 * each bin at the error of the last result undoes most of that where the curve has detail. */
#define REFINE_PASSES 2
/* A refined bin never moves further than this from the intended curve: where a FIR of this
 * length cannot follow (a notch narrower than a bin), chasing the error would only ring. */
#define REFINE_MAX_DB 6.0

/* FFTW's planner is not thread-safe, and exports may be written from several threads at
 * once (hpfr eq --batch): planning and destroying plans happen under this lock; executing
 * plans on new arrays is thread-safe in FFTW. */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

hp_fir_cfg hp_fir_cfg_default(void)
{
    hp_fir_cfg c;
    c.phase = HP_FIR_MINIMUM;
    c.rate_hz = 48000;
    c.taps = 4096;
    c.max_boost_db = 6;
    c.gain_db = 0;
    return c;
}

size_t hp_fir_taps_at_rate(size_t taps_48k, double rate_hz)
{
    if (taps_48k == 0 || !(rate_hz > 0) || !isfinite(rate_hz))
        return 0;
    double t = round((double)taps_48k * rate_hz / 48000.0);
    if (t < 1 || t > (double)HP_FIR_MAX_TAPS * 16)
        return 0;
    return (size_t)t;
}

size_t hp_fir_length(const hp_fir_cfg *cfg)
{
    if (!cfg)
        return 0;
    if (cfg->phase == HP_FIR_LINEAR && cfg->taps % 2 == 0 && cfg->taps > 0)
        return cfg->taps - 1;
    return cfg->taps;
}

static int grid_ok(const double *f, const double *db, size_t n)
{
    if (!f || !db || n < 2)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!(f[i] > 0) || !isfinite(f[i]) || !isfinite(db[i]) || (i && !(f[i] > f[i - 1])))
            return 0;
    }
    return 1;
}

/* Curve value at f by linear interpolation in log f, held flat outside; *hint speeds up
 * ascending queries (start at 0). */
static double curve_at(const double *f, const double *db, size_t n, double x, size_t *hint)
{
    if (x <= f[0])
        return db[0];
    if (x >= f[n - 1])
        return db[n - 1];
    size_t i = *hint < n - 1 ? *hint : 0;
    if (f[i] > x)
        i = 0;
    while (i + 1 < n - 1 && f[i + 1] <= x)
        i++;
    *hint = i;
    double t = log(x / f[i]) / log(f[i + 1] / f[i]);
    return db[i] + t * (db[i + 1] - db[i]);
}

double hp_fir_intended_db(const double *grid_hz, const double *db, size_t n,
                          const hp_fir_cfg *cfg, double f_hz)
{
    if (!cfg || !grid_ok(grid_hz, db, n) || !(f_hz >= 0) || !isfinite(cfg->gain_db) ||
        isnan(cfg->max_boost_db))
        return NAN;
    size_t hint = 0;
    return fmin(curve_at(grid_hz, db, n, f_hz, &hint), cfg->max_boost_db) + cfg->gain_db;
}

double hp_fir_response_db(const double *h, size_t taps, double rate_hz, double f_hz)
{
    if (!h || !taps || !(rate_hz > 0))
        return NAN;
    /* Direct sum with the phase advanced by recurrence, renormalised now and then so the
     * rounding of the rotation does not accumulate over long filters. */
    double w = 2 * M_PI * f_hz / rate_hz;
    double complex step = CMPLX(cos(w), -sin(w)), z = 1, acc = 0;
    for (size_t k = 0; k < taps; k++) {
        acc += h[k] * z;
        z *= step;
        if ((k & 1023) == 1023)
            z = CMPLX(cos(w * (double)(k + 1)), -sin(w * (double)(k + 1)));
    }
    return 20 * log10(cabs(acc));
}

typedef struct {
    size_t n, nb;            /* FFT size and its bins */
    hp_fft *fft;
    double *re;              /* n reals */
    double complex *sp;      /* nb bins */
} work;

/* One design from the aimed dB levels per bin into h[0..len-1]. */
static hp_err design_once(work *w, const double *aim_db, hp_fir_phase phase, double *h,
                          size_t len)
{
    size_t n = w->n, nb = w->nb;
    hp_err e;
    if (phase == HP_FIR_MINIMUM) {
        /* Real cepstrum of the log magnitude, folded onto positive quefrencies: the causal
         * sequence whose spectrum has this magnitude and the least phase lag. */
        for (size_t k = 0; k < nb; k++)
            w->sp[k] = aim_db[k] * (M_LN10 / 20);
        if ((e = hp_fft_inverse(w->fft, w->sp, w->re)) != HP_OK)
            return e;
        for (size_t i = 1; i < n / 2; i++)
            w->re[i] *= 2;
        for (size_t i = n / 2 + 1; i < n; i++)
            w->re[i] = 0;
        if ((e = hp_fft_forward(w->fft, w->re, w->sp)) != HP_OK)
            return e;
        for (size_t k = 0; k < nb; k++)
            w->sp[k] = cexp(w->sp[k]);
        if ((e = hp_fft_inverse(w->fft, w->sp, w->re)) != HP_OK)
            return e;
        memcpy(h, w->re, len * sizeof *h);
        size_t m = len / 8;
        for (size_t i = 0; i < m; i++)
            h[len - m + i] *= 0.5 * (1 + cos(M_PI * (double)(i + 1) / (double)(m + 1)));
        return HP_OK;
    }
    /* Zero-phase response (real, even in time), delayed to the middle of an odd length. */
    for (size_t k = 0; k < nb; k++)
        w->sp[k] = pow(10, aim_db[k] / 20);
    if ((e = hp_fft_inverse(w->fft, w->sp, w->re)) != HP_OK)
        return e;
    size_t half = (len - 1) / 2;
    for (size_t i = 0; i < len; i++) {
        size_t d = i >= half ? i - half : n - (half - i);
        h[i] = w->re[d];
    }
    /* Exactly symmetric (the inverse FFT is symmetric only to rounding): exactly linear phase. */
    for (size_t i = 0; i < half; i++)
        h[i] = h[len - 1 - i] = 0.5 * (h[i] + h[len - 1 - i]);
    size_t m = (half + 1) / 8;
    for (size_t i = 0; i < m; i++) {
        double g = 0.5 * (1 + cos(M_PI * (double)(i + 1) / (double)(m + 1)));
        h[len - m + i] *= g;
        h[m - 1 - i] *= g;
    }
    return HP_OK;
}

/* ---- linear phase: weighted least squares ----
 * The zero-phase amplitude A(w) = a0 + 2 sum_k a_k cos(k w), k = 1..M, is linear in the
 * taps, so the taps that minimize sum_i W_i (A(w_i) - D_i)^2 over a fine grid solve the
 * normal equations C'WC a = C'WD (C_ik = c_k cos(k w_i)). W_i = 1 / (f_i D_i^2) makes that
 * the RMS error in dB (relative, ~8.7 (A - D)/D dB) over log frequency, the measure people
 * and the spec use; outside the data's range, where the intended curve is only held flat,
 * the weight is 1%. Frequency sampling with a window spends the taps' resolution evenly in
 * hertz, where most of it goes above 1 kHz; this puts it where the log-frequency error is.
 * C a is a real FFT of the even sequence of taps, C'v an inverse one, so each conjugate-
 * gradient step costs two FFTs. */
#define LSQ_MAX_ITER 4000
#define LSQ_REL_TOL 1e-22   /* on the squared residual, relative to the right-hand side */
#define LSQ_OUTSIDE_WEIGHT 0.01

typedef struct {
    size_t n, nb, m;          /* FFT size, bins, highest tap index M */
    hp_fft *fft;
    double *re;               /* n reals */
    double complex *sp;       /* nb bins */
    const double *w;          /* nb weights */
} lsq;

/* out = C'WC in (both M + 1 long). */
static hp_err lsq_apply(lsq *q, const double *in, double *out)
{
    memset(q->re, 0, q->n * sizeof *q->re);
    q->re[0] = in[0];
    for (size_t k = 1; k <= q->m; k++)
        q->re[k] = q->re[q->n - k] = in[k];
    hp_err e = hp_fft_forward(q->fft, q->re, q->sp);
    if (e != HP_OK)
        return e;
    for (size_t i = 0; i < q->nb; i++)
        q->sp[i] = q->w[i] * creal(q->sp[i]);
    if ((e = hp_fft_inverse(q->fft, q->sp, q->re)) != HP_OK)
        return e;
    out[0] = q->re[0];
    for (size_t k = 1; k <= q->m; k++)
        out[k] = 2 * q->re[k];
    return HP_OK;
}

static hp_err lsq_linear(const double *grid_hz, const double *db, size_t n, const hp_fir_cfg *cfg,
                         double *h, size_t len)
{
    lsq q = {0};
    q.m = (len - 1) / 2;
    q.n = 16384;
    while (q.n < 4 * len)
        q.n *= 2;
    q.nb = q.n / 2 + 1;
    size_t na = q.m + 1;
    hp_err e = HP_ENOMEM;
    double *w = calloc(q.nb, sizeof *w), *d = calloc(q.nb, sizeof *d);
    double *a = calloc(5 * na, sizeof *a);
    q.re = hp_fft_alloc_real(q.n);
    q.sp = hp_fft_alloc_complex(q.nb);
    q.w = w;
    if (!w || !d || !a || !q.re || !q.sp)
        goto out;
    double *r = a + na, *p = a + 2 * na, *ap = a + 3 * na, *rhs = a + 4 * na;
    pthread_mutex_lock(&plan_lock);
    q.fft = hp_fft_new(q.n, &e);
    if (q.fft && (e = hp_fft_plan_inverse(q.fft)) != HP_OK) {
        hp_fft_free(q.fft);
        q.fft = NULL;
    }
    pthread_mutex_unlock(&plan_lock);
    if (!q.fft)
        goto out;
    size_t hint = 0;
    double lo = grid_hz[0], hi = grid_hz[n - 1];
    for (size_t i = 0; i < q.nb; i++) {
        double f = (double)i * cfg->rate_hz / (double)q.n;
        double t = fmin(curve_at(grid_hz, db, n, f, &hint), cfg->max_boost_db) + cfg->gain_db;
        d[i] = pow(10, t / 20);
        w[i] = 1 / (fmax(f, lo) * d[i] * d[i]);
        if (f < 0.9 * lo || f > hi)
            w[i] *= LSQ_OUTSIDE_WEIGHT;
    }
    /* Right-hand side C'WD; start from frequency sampling (the plain inverse transform). */
    for (size_t i = 0; i < q.nb; i++)
        q.sp[i] = w[i] * d[i];
    if ((e = hp_fft_inverse(q.fft, q.sp, q.re)) != HP_OK)
        goto out;
    rhs[0] = q.re[0];
    for (size_t k = 1; k < na; k++)
        rhs[k] = 2 * q.re[k];
    for (size_t i = 0; i < q.nb; i++)
        q.sp[i] = d[i];
    if ((e = hp_fft_inverse(q.fft, q.sp, q.re)) != HP_OK)
        goto out;
    memcpy(a, q.re, na * sizeof *a);
    if ((e = lsq_apply(&q, a, ap)) != HP_OK)
        goto out;
    /* Conjugate gradients, preconditioned by the diagonal's shape (tap 0 counts once, the
     * others twice: c_k^2 = 1 or 4). */
    double rz = 0, ref = 0;
    for (size_t k = 0; k < na; k++) {
        double c2 = k ? 4 : 1;
        r[k] = rhs[k] - ap[k];
        p[k] = r[k] / c2;
        rz += r[k] * r[k] / c2;
        ref += rhs[k] * rhs[k] / c2;
    }
    for (int it = 0; it < LSQ_MAX_ITER && rz > LSQ_REL_TOL * ref; it++) {
        if ((e = lsq_apply(&q, p, ap)) != HP_OK)
            goto out;
        double pap = 0;
        for (size_t k = 0; k < na; k++)
            pap += p[k] * ap[k];
        if (!(pap > 0))
            break;
        double alpha = rz / pap, rz2 = 0;
        for (size_t k = 0; k < na; k++) {
            a[k] += alpha * p[k];
            r[k] -= alpha * ap[k];
            rz2 += r[k] * r[k] / (k ? 4 : 1);
        }
        double beta = rz2 / rz;
        rz = rz2;
        for (size_t k = 0; k < na; k++)
            p[k] = r[k] / (k ? 4 : 1) + beta * p[k];
    }
    /* Delayed to the middle of the odd length: exactly symmetric, exactly linear phase. */
    for (size_t k = 0; k < na; k++)
        h[q.m + k] = h[q.m - k] = a[k];
    e = HP_OK;
out:
    pthread_mutex_lock(&plan_lock);
    hp_fft_free(q.fft);
    pthread_mutex_unlock(&plan_lock);
    hp_fft_buf_free(q.re);
    hp_fft_buf_free(q.sp);
    free(w);
    free(d);
    free(a);
    return e;
}

/* Magnitude in dB of h (zero-padded to the FFT size) on every bin. */
static hp_err realized_db(work *w, const double *h, size_t len, double *out_db)
{
    memset(w->re, 0, w->n * sizeof *w->re);
    memcpy(w->re, h, len * sizeof *h);
    hp_err e = hp_fft_forward(w->fft, w->re, w->sp);
    if (e != HP_OK)
        return e;
    for (size_t k = 0; k < w->nb; k++)
        out_db[k] = 20 * log10(fmax(cabs(w->sp[k]), 1e-30));
    return HP_OK;
}

hp_err hp_fir_design(const double *grid_hz, const double *db, size_t n, const hp_fir_cfg *cfg,
                     double *h)
{
    if (!cfg || !h || !grid_ok(grid_hz, db, n) || !(cfg->rate_hz >= 8000) ||
        !(cfg->rate_hz <= 768000) || !isfinite(cfg->gain_db) || isnan(cfg->max_boost_db) ||
        (cfg->phase != HP_FIR_MINIMUM && cfg->phase != HP_FIR_LINEAR))
        return HP_EINVAL;
    size_t len = hp_fir_length(cfg);
    if (len < 16 || len > HP_FIR_MAX_TAPS)
        return HP_EINVAL;
    if (cfg->phase == HP_FIR_LINEAR)
        return lsq_linear(grid_hz, db, n, cfg, h, len);
    /* The design grid is far finer than the FIR (>= 16 bins per tap's resolution), so the
     * circular aliasing of the cepstrum and of the zero-phase response stays negligible. */
    size_t nfft = 65536;
    while (nfft < 16 * len)
        nfft *= 2;
    work w = {nfft, nfft / 2 + 1, NULL, NULL, NULL};
    double *target = calloc(w.nb, sizeof *target), *aim = calloc(w.nb, sizeof *aim);
    double *got = calloc(w.nb, sizeof *got);
    hp_err e = HP_ENOMEM;
    w.re = hp_fft_alloc_real(nfft);
    w.sp = hp_fft_alloc_complex(w.nb);
    if (!target || !aim || !got || !w.re || !w.sp)
        goto out;
    pthread_mutex_lock(&plan_lock);
    w.fft = hp_fft_new(nfft, &e);
    if (w.fft && (e = hp_fft_plan_inverse(w.fft)) != HP_OK) {
        hp_fft_free(w.fft);
        w.fft = NULL;
    }
    pthread_mutex_unlock(&plan_lock);
    if (!w.fft)
        goto out;
    size_t hint = 0;
    for (size_t k = 0; k < w.nb; k++) {
        double f = (double)k * cfg->rate_hz / (double)nfft;
        target[k] = fmin(curve_at(grid_hz, db, n, f, &hint), cfg->max_boost_db) + cfg->gain_db;
        aim[k] = target[k];
    }
    for (int pass = 0;; pass++) {
        if ((e = design_once(&w, aim, cfg->phase, h, len)) != HP_OK || pass == REFINE_PASSES)
            break;
        if ((e = realized_db(&w, h, len, got)) != HP_OK)
            break;
        for (size_t k = 0; k < w.nb; k++) {
            double a = aim[k] + (target[k] - got[k]);
            aim[k] = fmax(target[k] - REFINE_MAX_DB, fmin(target[k] + REFINE_MAX_DB, a));
        }
    }
out:
    pthread_mutex_lock(&plan_lock);
    hp_fft_free(w.fft);
    pthread_mutex_unlock(&plan_lock);
    hp_fft_buf_free(w.re);
    hp_fft_buf_free(w.sp);
    free(target);
    free(aim);
    free(got);
    return e;
}
