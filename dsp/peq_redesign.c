/* SPDX-License-Identifier: MIT */
/* A parametric EQ re-tuned for another sample rate. An RBJ biquad's curve depends on the rate
 * it is designed at (the bilinear transform compresses the top octaves toward Nyquist): the
 * same fc, Q and gain at 44.1 and 192 kHz differ by up to 1.8 dB below 16 kHz on AutoEq's
 * published profiles. Here every filter's fc, Q and gain are refitted jointly at the new rate
 * to the curve the profile has at its own rate (GSL's trust-region Levenberg-Marquardt on a
 * 1/48-octave grid, derivatives section by section):
 *   1. least squares from the source's parameters;
 *   2. if that leaves more than the tolerance, the largest deviation is pulled down by
 *      Lawson's iteratively reweighted least squares (toward the minimax fit);
 *   3. if that still leaves more, the filter that one section follows worst on its own (a
 *      high shelf near 10 kHz, a narrow peak near the top) gets a helper peaking section,
 *      seeded from a two-section fit of that filter alone, and steps 1-2 run again on the
 *      whole set (at most max_added times).
 * A 10 kHz shelf designed at 48 kHz has a shape (squeezed toward Nyquist) that one shelf at
 * 192 kHz follows only to ~0.15 dB; a shelf and a peak follow it to 0.001 dB. Deviations are
 * measured on a check grid every 0.05% of frequency, which every stage answers to. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "peq.h"

#define F_LO_HZ 20.0
#define LS_PPO 48          /* fit grid: points per octave */
#define CHECK_STEP 1.0005  /* check grid: ratio between neighbours */
#define LM_ITER 200        /* least-squares iterations, plain fit */
#define LAWSON_ROUNDS 12   /* reweightings */
#define LAWSON_ITER 10     /* least-squares iterations per Lawson round */

typedef struct {
    size_t nsec;                      /* sections refitted */
    hp_biquad_type type[HP_PEQ_MAX];
    double rate_hz;
    size_t npts, cap;                 /* fit grid: every 1/LS_PPO octave, 20 Hz to f_hi */
    double *f, *phi, *ref;            /* frequency, 4 sin^2(pi f / rate), source curve */
    double *sec;                      /* [nsec][cap]: each section's dB at the last point */
    double *dev, *col, *wts;          /* [cap] scratch, weights */
    size_t nchk;                      /* check grid: every CHECK_STEP from 20 Hz to f_hi */
    double *chk_f, *chk_phi, *chk_ref;
} fitctx;

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;
/* GSL's default handler aborts; the library reports errors through return codes instead. */
static void gsl_quiet(void) { gsl_set_error_handler_off(); }

static double phi_of(double f, double rate)
{
    double s = sin(M_PI * f / rate);
    return 4 * s * s;
}

/* dB magnitude of a designed section from phi = 4 sin^2(w/2), without complex arithmetic
 * (measurement-science.md 8.1). */
static double section_db_phi(const hp_biquad *b, double phi)
{
    double bs = b->b0 + b->b1 + b->b2, as = 1 + b->a1 + b->a2;
    double num = bs * bs + (b->b0 * b->b2 * phi - (b->b1 * (b->b0 + b->b2) + 4 * b->b0 * b->b2)) * phi;
    double den = as * as + (b->a2 * phi - (b->a1 * (1 + b->a2) + 4 * b->a2)) * phi;
    return 10 * log10(num / den);
}

/* Parameters (ln fc, ln q, gain) into a section; -1 when the rate cannot hold it. */
static int design(hp_biquad_type t, const double *x, double rate, hp_biquad *b)
{
    double fc = exp(x[0]);
    if (!(fc < 0.49 * rate) || !(fc > 0) || !isfinite(x[1]) || !(fabs(x[2]) <= 60))
        return -1;
    return hp_biquad_design(t, fc, exp(x[1]), x[2], rate, b) == HP_OK ? 0 : -1;
}

static int section_curve(const fitctx *c, size_t k, const double *x, double *out)
{
    hp_biquad b;
    if (design(c->type[k], x, c->rate_hz, &b))
        return -1;
    for (size_t i = 0; i < c->npts; i++)
        out[i] = section_db_phi(&b, c->phi[i]);
    return 0;
}

/* The deviation (refitted curve minus source curve) at every grid point; fills c->sec. */
static int deviation(fitctx *c, const double *x, double *dev)
{
    for (size_t i = 0; i < c->npts; i++)
        dev[i] = -c->ref[i];
    for (size_t k = 0; k < c->nsec; k++) {
        double *s = c->sec + k * c->cap;
        if (section_curve(c, k, x + 3 * k, s))
            return -1;
        for (size_t i = 0; i < c->npts; i++)
            dev[i] += s[i];
    }
    return 0;
}

/* d(section k's curve)/d(parameter j) at every grid point, by a forward difference on that
 * section alone (c->sec must hold the curves at x). */
static int section_slope(fitctx *c, const double *x, size_t k, size_t j, double *out)
{
    double xx[3] = {x[3 * k], x[3 * k + 1], x[3 * k + 2]};
    double h = 1e-7 * fmax(1.0, fabs(xx[j]));
    xx[j] += h;
    if (section_curve(c, k, xx, out))
        return -1;
    const double *s = c->sec + k * c->cap;
    for (size_t i = 0; i < c->npts; i++)
        out[i] = (out[i] - s[i]) / h;
    return 0;
}

/* ---- stage 1: least squares (GSL) ---- */

static int lm_f(const gsl_vector *x, void *p, gsl_vector *r)
{
    fitctx *c = p;
    if (deviation(c, x->data, r->data))
        return GSL_EDOM;
    return GSL_SUCCESS;
}

static int lm_df(const gsl_vector *x, void *p, gsl_matrix *jac)
{
    fitctx *c = p;
    if (deviation(c, x->data, c->dev))
        return GSL_EDOM;
    for (size_t k = 0; k < c->nsec; k++)
        for (size_t j = 0; j < 3; j++) {
            if (section_slope(c, x->data, k, j, c->col))
                return GSL_EDOM;
            for (size_t i = 0; i < c->npts; i++)
                gsl_matrix_set(jac, i, 3 * k + j, c->col[i]);
        }
    return GSL_SUCCESS;
}

/* Least squares on the current grid, weighted by wts (NULL: equal weights). */
static void least_squares(fitctx *c, double *x, const double *wts, size_t iters)
{
    size_t np = 3 * c->nsec;
    gsl_multifit_nlinear_fdf fdf = {.f = lm_f, .df = lm_df, .n = c->npts, .p = np, .params = c};
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.solver = gsl_multifit_nlinear_solver_cholesky;
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, c->npts, np);
    if (!w)
        return;
    gsl_vector_view xv = gsl_vector_view_array(x, np);
    int info;
    /* A run that stops on its iteration cap or a step out of range still leaves a usable
     * point; the caller keeps whichever point is best. */
    gsl_vector_const_view wv = gsl_vector_const_view_array(wts ? wts : x, wts ? c->npts : 1);
    if ((wts ? gsl_multifit_nlinear_winit(&xv.vector, &wv.vector, &fdf, w)
             : gsl_multifit_nlinear_init(&xv.vector, &fdf, w)) == GSL_SUCCESS) {
        gsl_multifit_nlinear_driver(iters, 1e-9, 1e-9, 1e-9, NULL, NULL, &info, w);
        gsl_vector_memcpy(&xv.vector, gsl_multifit_nlinear_position(w));
    }
    gsl_multifit_nlinear_free(w);
}

/* ---- the check grid ---- */

typedef struct {
    double max_db;         /* largest |deviation| */
    double at_hz;          /* where */
    double signed_db;      /* its sign and size */
} check_result;

/* The deviation of x on the fine check grid. The sections' power ratios are multiplied
 * before the one logarithm per point. */
static check_result check(const fitctx *c, const double *x)
{
    check_result r = {INFINITY, 0, 0};
    hp_biquad b[HP_PEQ_MAX];
    for (size_t k = 0; k < c->nsec; k++)
        if (design(c->type[k], x + 3 * k, c->rate_hz, &b[k]))
            return r;
    r.max_db = 0;
    for (size_t i = 0; i < c->nchk; i++) {
        double phi = c->chk_phi[i], ratio = 1;
        for (size_t k = 0; k < c->nsec; k++) {
            const hp_biquad *q = &b[k];
            double bs = q->b0 + q->b1 + q->b2, as = 1 + q->a1 + q->a2;
            ratio *= (bs * bs + (q->b0 * q->b2 * phi - (q->b1 * (q->b0 + q->b2) + 4 * q->b0 * q->b2)) * phi) /
                     (as * as + (q->a2 * phi - (q->a1 * (1 + q->a2) + 4 * q->a2)) * phi);
        }
        double d = 10 * log10(ratio) - c->chk_ref[i];
        if (fabs(d) > r.max_db)
            r.max_db = fabs(d), r.at_hz = c->chk_f[i], r.signed_db = d;
    }
    return r;
}

/* The largest deviation pulled down by Lawson's iteratively reweighted least squares: each
 * round multiplies every point's weight by its deviation, which drives the weighted least-
 * squares solution toward the equal-ripple (minimax) one. Keeps the best point by the check;
 * stops once it is within stop. */
static check_result lawson(fitctx *c, double *x, check_result cur, double stop)
{
    double trial[3 * HP_PEQ_MAX];
    memcpy(trial, x, 3 * c->nsec * sizeof *x);
    for (size_t i = 0; i < c->npts; i++)
        c->wts[i] = 1;
    for (int round = 0; round < LAWSON_ROUNDS && cur.max_db > stop; round++) {
        if (deviation(c, trial, c->dev))
            break;
        double sum = 0;
        for (size_t i = 0; i < c->npts; i++)
            sum += (c->wts[i] *= fabs(c->dev[i]) + 1e-12);
        for (size_t i = 0; i < c->npts; i++)
            c->wts[i] *= (double)c->npts / sum;
        least_squares(c, trial, c->wts, LAWSON_ITER);
        check_result r = check(c, trial);
        if (r.max_db < cur.max_db) {
            cur = r;
            memcpy(x, trial, 3 * c->nsec * sizeof *x);
        }
    }
    return cur;
}

/* A peaking section aimed at the largest deviation of x (worst): centred there, of the
 * opposite gain, as wide as the deviation stays above half its peak. */
static void seed_section(const fitctx *c, const double *x, check_result worst, double *out)
{
    hp_biquad b[HP_PEQ_MAX];
    double lo = worst.at_hz, hi = worst.at_hz;
    int ok = 1;
    size_t at = 0;
    for (size_t k = 0; k < c->nsec; k++)
        ok &= design(c->type[k], x + 3 * k, c->rate_hz, &b[k]) == 0;
    while (at + 1 < c->nchk && c->chk_f[at] < worst.at_hz)
        at++;
    for (int dir = -1; ok && dir <= 1; dir += 2) {
        for (size_t i = at; i < c->nchk; i = dir < 0 ? i - 1 : i + 1) {
            double d = -c->chk_ref[i];
            for (size_t k = 0; k < c->nsec; k++)
                d += section_db_phi(&b[k], c->chk_phi[i]);
            if (d * worst.signed_db <= 0.5 * worst.signed_db * worst.signed_db)
                break; /* below half the peak */
            if (dir < 0)
                lo = c->chk_f[i];
            else
                hi = c->chk_f[i];
            if (i == 0)
                break;
        }
    }
    double bw_oct = fmax(log2(hi / lo), 0.05);
    double q = sqrt(pow(2, bw_oct)) / (pow(2, bw_oct) - 1);
    out[0] = log(fmin(worst.at_hz, 0.45 * c->rate_hz));
    out[1] = log(fmin(fmax(q, 0.3), 20));
    out[2] = -worst.signed_db;
}

/* A context at rate for the source curve src up to f_hi: the fit grid and the check grid,
 * with the source's curve on both. */
static int ctx_init(fitctx *c, double rate, const hp_cascade *src, double f_hi)
{
    memset(c, 0, sizeof *c);
    c->rate_hz = rate;
    c->cap = c->npts = (size_t)ceil(LS_PPO * log2(f_hi / F_LO_HZ)) + 1;
    c->nchk = (size_t)ceil(log(f_hi / F_LO_HZ) / log(CHECK_STEP)) + 1;
    double *mem = calloc((6 + HP_PEQ_MAX) * c->cap + 3 * c->nchk, sizeof *mem);
    if (!mem)
        return -1;
    c->f = mem, c->phi = mem + c->cap, c->ref = mem + 2 * c->cap, c->dev = mem + 3 * c->cap;
    c->col = mem + 4 * c->cap, c->wts = mem + 5 * c->cap, c->sec = mem + 6 * c->cap;
    c->chk_f = c->sec + HP_PEQ_MAX * c->cap;
    c->chk_phi = c->chk_f + c->nchk, c->chk_ref = c->chk_phi + c->nchk;
    for (size_t i = 0; i < c->npts; i++) {
        c->f[i] = fmin(F_LO_HZ * pow(2, (double)i / LS_PPO), f_hi);
        c->phi[i] = phi_of(c->f[i], rate);
        c->ref[i] = hp_cascade_db(src, c->f[i]);
    }
    for (size_t i = 0; i < c->nchk; i++) {
        c->chk_f[i] = fmin(F_LO_HZ * pow(CHECK_STEP, (double)i), f_hi);
        c->chk_phi[i] = phi_of(c->chk_f[i], rate);
        c->chk_ref[i] = hp_cascade_db(src, c->chk_f[i]);
    }
    return 0;
}

static void ctx_free(fitctx *c) { free(c->f); }

/* Least squares unless x is within lm_stop already, then Lawson's reweighting if that leaves
 * more than mm_stop; x keeps the best point seen. cur is the check of x as given. */
static check_result fit_set(fitctx *c, double *x, double lm_stop, double mm_stop,
                            check_result cur)
{
    double trial[3 * HP_PEQ_MAX];
    if (c->nsec == 0 || cur.max_db <= lm_stop)
        return cur;
    memcpy(trial, x, 3 * c->nsec * sizeof *x);
    least_squares(c, trial, NULL, LM_ITER);
    check_result r = check(c, trial);
    if (r.max_db < cur.max_db) {
        cur = r;
        memcpy(x, trial, 3 * c->nsec * sizeof *x);
    }
    if (cur.max_db > mm_stop)
        cur = lawson(c, x, cur, mm_stop);
    return cur;
}

/* One source filter f re-designed alone at rate: by one section (least squares only; params
 * in x[0..2], largest deviation *err1) and, when pair is given, by that section and a helper
 * peaking section, aimed at tol / 2 (params pair[0..5], *err2). */
static int refit_alone(const hp_peq_filter *f, double src_rate, double rate, double f_hi,
                       double tol, double *x, double *err1, double *pair, double *err2)
{
    fitctx c;
    hp_cascade one = hp_cascade_init(src_rate);
    if (hp_cascade_add(&one, f->type, f->fc_hz, f->q, f->gain_db) != HP_OK ||
        ctx_init(&c, rate, &one, f_hi))
        return -1;
    c.nsec = 1;
    c.type[0] = f->type;
    x[0] = log(f->fc_hz), x[1] = log(f->q), x[2] = f->gain_db;
    check_result r = fit_set(&c, x, 0, INFINITY, check(&c, x));
    *err1 = r.max_db;
    if (pair) {
        memcpy(pair, x, 3 * sizeof *x);
        seed_section(&c, pair, r, pair + 3);
        c.nsec = 2;
        c.type[1] = HP_BQ_PEAK;
        *err2 = fit_set(&c, pair, tol / 2, tol / 2, check(&c, pair)).max_db;
    }
    ctx_free(&c);
    return 0;
}

hp_err hp_peq_redesign(const hp_peq *src, double src_rate_hz, double dst_rate_hz,
                       double f_hi_hz, double tol_db, size_t max_added, hp_peq *dst,
                       double *max_dev_db)
{
    if (!src || !dst || src->n > HP_PEQ_MAX || !(f_hi_hz > F_LO_HZ) ||
        !(f_hi_hz < 0.49 * src_rate_hz) || !(f_hi_hz < 0.49 * dst_rate_hz) ||
        !(dst_rate_hz <= 1e7) || !(src_rate_hz <= 1e7) || !(tol_db >= 0))
        return HP_EINVAL;
    hp_peq nopre = *src;
    nopre.preamp_db = 0;
    hp_cascade ref;
    hp_err e = hp_peq_cascade(&nopre, src_rate_hz, &ref);
    if (e != HP_OK)
        return e;
    fitctx c;
    if (ctx_init(&c, dst_rate_hz, &ref, f_hi_hz))
        return HP_ENOMEM;
    /* A 0 dB filter is the identity at any rate: it stays as it is, and out of the fit
     * (its fc and Q would be free and make the problem singular). */
    size_t idx[HP_PEQ_MAX];
    double x[3 * HP_PEQ_MAX];
    for (size_t k = 0; k < src->n; k++) {
        const hp_peq_filter *f = &src->f[k];
        if (f->gain_db == 0)
            continue;
        idx[c.nsec] = k;
        c.type[c.nsec] = f->type;
        x[3 * c.nsec] = log(f->fc_hz);
        x[3 * c.nsec + 1] = log(f->q);
        x[3 * c.nsec + 2] = f->gain_db;
        c.nsec++;
    }
    size_t nsrc = c.nsec, added = 0;
    check_result best = check(&c, x);
    if (!isfinite(best.max_db)) {
        ctx_free(&c);
        return HP_EINVAL; /* a filter the new rate cannot hold */
    }
    pthread_once(&gsl_once, gsl_quiet);
    best = fit_set(&c, x, tol_db / 2, tol_db, best);
    /* Still too far: the source filter that one section follows worst (alone) gets a helper
     * section, seeded from its own two-section fit, and the whole set is refitted. */
    double err1[HP_PEQ_MAX];
    int ranked = 0;
    while (best.max_db > tol_db && added < max_added && src->n + added < HP_PEQ_MAX) {
        double one[3], pair[6], e2;
        if (!ranked) {
            for (size_t k = 0; k < nsrc; k++)
                if (refit_alone(&src->f[idx[k]], src_rate_hz, dst_rate_hz, f_hi_hz, tol_db, one,
                                &err1[k], NULL, NULL))
                    err1[k] = 0;
            ranked = 1;
        }
        size_t w = 0;
        for (size_t k = 1; k < nsrc; k++)
            if (err1[k] > err1[w])
                w = k;
        if (!(err1[w] > 0) ||
            refit_alone(&src->f[idx[w]], src_rate_hz, dst_rate_hz, f_hi_hz, tol_db / 2, one,
                        &err1[w], pair, &e2))
            break;
        err1[w] = 0; /* not chosen twice */
        double trial[3 * HP_PEQ_MAX];
        memcpy(trial, x, 3 * c.nsec * sizeof *x);
        memcpy(trial + 3 * w, pair, 3 * sizeof *pair);
        memcpy(trial + 3 * c.nsec, pair + 3, 3 * sizeof *pair);
        c.type[c.nsec] = HP_BQ_PEAK;
        c.nsec++;
        check_result r = fit_set(&c, trial, tol_db / 2, tol_db, check(&c, trial));
        if (!(r.max_db < best.max_db)) {
            c.nsec--; /* no help: leave it out, try the next filter */
            continue;
        }
        best = r;
        memcpy(x, trial, 3 * c.nsec * sizeof *x);
        added++;
    }
    hp_peq out = *src;
    for (size_t k = 0; k < c.nsec; k++) {
        hp_peq_filter *f = k < nsrc ? &out.f[idx[k]] : &out.f[out.n++];
        f->type = c.type[k];
        f->fc_hz = exp(x[3 * k]);
        f->q = exp(x[3 * k + 1]);
        f->gain_db = x[3 * k + 2];
    }
    ctx_free(&c);
    /* The preamp keeps the source's headroom, and more if the new curve peaks higher. */
    double pre;
    if ((e = hp_peq_auto_preamp(&out, dst_rate_hz, &pre)) != HP_OK)
        return e;
    out.preamp_db = fmin(src->preamp_db, pre);
    *dst = out;
    if (max_dev_db)
        *max_dev_db = best.max_db;
    return HP_OK;
}
