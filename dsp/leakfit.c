/* SPDX-License-Identifier: MIT */
/* Leak models and the joint leak fit (measurement-science.md 6.1 and 6.4). The fit is
 * Levenberg-Marquardt from GSL's multifit_nlinear on dB residuals, parameters ln f0 and ln Q
 * (positive and well scaled), derivatives in closed form. */
#include "leakfit.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multilarge_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DB10 4.342944819032518 /* 10 / ln 10 */

/* The parameters stay where the formulas are finite and a leak means something (a corner
 * from 1 mHz to 100 kHz, Q from 0.01 to 100); LM may wander in flat directions, so clamp. */
#define LNF_LO (-6.907755278982137) /* ln 0.001 */
#define LNF_HI 11.512925464970229   /* ln 1e5 */
#define LNQ_LO (-4.605170185988091) /* ln 0.01 */
#define LNQ_HI 4.605170185988092    /* ln 100 */

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ---- the models ---- */

/* For an inertive leak of quality q the -3 dB corner is r(q) f0, r = sqrt(y) with y the positive
 * root of y^2 + (2 + 1/q^2) y - 1 = 0 (as in rigmodel.c), written y = 2/(S + b) to avoid the
 * cancellation of (S - b)/2 at small q. Also returns g = d ln r / d ln q = 1/(S q^2). */
static double corner_ratio(double iq2, double *g)
{
    double b = 2.0 + iq2, s = sqrt(b * b + 4.0);
    if (g)
        *g = iq2 / s;
    return sqrt(2.0 / (s + b));
}

/* A leak in the fit's parameters: ln corner and (inertive) ln q. The corner rather than f0
 * is the parameter because it is what the data determine best (section 6.4), and because an
 * inertive fit to a resistive curve then runs off along ln q alone (q -> 0 at a fixed
 * corner is the resistive limit) instead of along a curved valley in (f0, q). What the
 * formulas need, computed once per evaluation: */
typedef struct {
    int order;
    double inv_f0; /* 1/f0 (1/corner when resistive) */
    double iq2;    /* 1/q^2 */
    double g;      /* d ln r / d ln q */
} leak_coef;

static leak_coef leak_coefs(int order, double lnc, double lnq)
{
    leak_coef k = {order, exp(-clampd(lnc, LNF_LO, LNF_HI)), 0, 0};
    if (order == HP_LEAK_INERTIVE) {
        k.iq2 = exp(-2.0 * clampd(lnq, LNQ_LO, LNQ_HI));
        k.inv_f0 *= corner_ratio(k.iq2, &k.g); /* f/f0 = (f/c) r */
    }
    return k;
}

/* |L|^2 for the inertive leak at x = f/f0: L = u(1/q + u)/(1 + u/q + u^2) with u = jx, so
 * |L|^2 = x^2 (1/q^2 + x^2) / ((1 - x^2)^2 + x^2/q^2); the resistive one is x^2 / (1 + x^2)
 * with x = f/corner. Gives the dB value and its derivatives in both parameters. */
static void leak_eval(const leak_coef *k, double f, double *db, double *d_c, double *d_q)
{
    double x = f * k->inv_f0, x2 = x * x;
    if (k->order == HP_LEAK_RESISTIVE) {
        *db = DB10 * log(x2 / (1.0 + x2));
        *d_c = -2.0 * DB10 / (1.0 + x2); /* dx/dln c = -x */
        *d_q = 0;
        return;
    }
    double iq2 = k->iq2;
    double a = x2 * (iq2 + x2), b = (1 - x2) * (1 - x2) + x2 * iq2;
    *db = DB10 * log(a / b);
    /* dx/dln f0 = -x; at fixed f0, d/dln q of both a and b is -2 x^2/q^2. */
    double da_f = -2.0 * x2 * iq2 - 4.0 * x2 * x2, db_f = 4.0 * x2 * (1 - x2) - 2.0 * x2 * iq2;
    double dq = -2.0 * x2 * iq2;
    double d_f0 = DB10 * (da_f / a - db_f / b);
    *d_c = d_f0; /* ln f0 = ln c - ln r(q) */
    *d_q = DB10 * (dq / a - dq / b) - d_f0 * k->g;
}

double hp_leak_db(const hp_leak *l, double f_hz)
{
    if (!l || !(f_hz > 0))
        return NAN;
    if (l->order == HP_LEAK_SEALED)
        return 0;
    if (!(l->f0_hz > 0) || !isfinite(l->f0_hz) ||
        (l->order == HP_LEAK_INERTIVE && (!(l->q > 0) || !isfinite(l->q))) ||
        (l->order != HP_LEAK_INERTIVE && l->order != HP_LEAK_RESISTIVE))
        return NAN;
    double x = f_hz / l->f0_hz, x2 = x * x;
    if (l->order == HP_LEAK_RESISTIVE)
        return DB10 * (log(x2) - log1p(x2));
    double iq2 = 1.0 / (l->q * l->q);
    return DB10 * (log(x2 * (iq2 + x2)) - log((1 - x2) * (1 - x2) + x2 * iq2));
}

/* |L|^2 = 1/2 reduces to y^2 + (2 + 1/Q^2) y - 1 = 0 in y = (f/f0)^2 (as in rigmodel.c). */
double hp_leak_corner_hz(const hp_leak *l)
{
    if (!l)
        return NAN;
    if (l->order == HP_LEAK_SEALED)
        return 0;
    if (!(l->f0_hz > 0) || !isfinite(l->f0_hz))
        return NAN;
    if (l->order == HP_LEAK_RESISTIVE)
        return l->f0_hz;
    if (l->order != HP_LEAK_INERTIVE || !(l->q > 0) || !isfinite(l->q))
        return NAN;
    return l->f0_hz * corner_ratio(1.0 / (l->q * l->q), NULL);
}

const char *hp_leak_order_name(int order)
{
    switch (order) {
    case HP_LEAK_SEALED: return "sealed";
    case HP_LEAK_RESISTIVE: return "resistive";
    case HP_LEAK_INERTIVE: return "inertive";
    default: return "?";
    }
}

hp_leakfit_cfg hp_leakfit_cfg_default(void)
{
    hp_leakfit_cfg c = {.f_lo_hz = 10, .f_hi_hz = 1000, .floor_db = -30, .order2_gain = 0.2,
                        .order2_min_db = 0.01, .sigma_floor_db = 0.05, .max_iter = 200};
    return c;
}

/* ---- the least-squares problem ---- */

/* One run fits the curves marked in `incl` (each with its own level) with the leaks of the
 * placements marked `free`; the others keep par[] as given. */
typedef struct {
    const double *f;
    size_t nf, n, ref;
    const double *const *d;
    const unsigned char *use; /* n * nf: point i of curve p takes part */
    const double *wt;         /* n * nf: its weight, 1/sqrt(sigma^2 + floor^2) */
    int *order;               /* per placement */
    double (*par)[2];         /* per placement: ln corner, ln Q (kept in sync with the fit) */
    unsigned char *free_;     /* per placement: its leak is a parameter of this run */
    unsigned char *incl;      /* per placement: its curve is part of this run (never ref) */
    size_t *pidx, *gidx;      /* parameter index of the leak / of the curve's level */
    double *level;            /* per placement: fitted level in dB */
    double *ref_db, *ref_dc, *ref_dq; /* nf: the reference's leak and its derivatives */
    leak_coef *coef;          /* per placement, from par[] (see sync_coefs) */
    unsigned char *scratch;   /* nf */
    size_t np, nres;
} problem;

static size_t count_use(const problem *pb, size_t p)
{
    size_t k = 0;
    for (size_t i = 0; i < pb->nf; i++)
        k += pb->use[p * pb->nf + i];
    return k;
}

static void layout(problem *pb)
{
    pb->np = 0;
    pb->nres = 0;
    for (size_t p = 0; p < pb->n; p++) {
        pb->pidx[p] = SIZE_MAX;
        pb->gidx[p] = SIZE_MAX;
        if (pb->free_[p] && pb->order[p] != HP_LEAK_SEALED) {
            pb->pidx[p] = pb->np;
            pb->np += pb->order[p] == HP_LEAK_INERTIVE ? 2 : 1;
        }
    }
    for (size_t p = 0; p < pb->n; p++)
        if (pb->incl[p]) {
            pb->gidx[p] = pb->np++;
            pb->nres += count_use(pb, p);
        }
}

static void sync_coefs(problem *pb)
{
    for (size_t p = 0; p < pb->n; p++)
        pb->coef[p] = leak_coefs(pb->order[p], pb->par[p][0], pb->par[p][1]);
}

static void unpack(problem *pb, const gsl_vector *x)
{
    for (size_t p = 0; p < pb->n; p++) {
        if (pb->pidx[p] != SIZE_MAX) {
            pb->par[p][0] = clampd(gsl_vector_get(x, pb->pidx[p]), LNF_LO, LNF_HI);
            if (pb->order[p] == HP_LEAK_INERTIVE)
                pb->par[p][1] = clampd(gsl_vector_get(x, pb->pidx[p] + 1), LNQ_LO, LNQ_HI);
        }
        if (pb->gidx[p] != SIZE_MAX)
            pb->level[p] = gsl_vector_get(x, pb->gidx[p]);
    }
    sync_coefs(pb);
}

static void pack(const problem *pb, gsl_vector *x)
{
    for (size_t p = 0; p < pb->n; p++) {
        if (pb->pidx[p] != SIZE_MAX) {
            gsl_vector_set(x, pb->pidx[p], pb->par[p][0]);
            if (pb->order[p] == HP_LEAK_INERTIVE)
                gsl_vector_set(x, pb->pidx[p] + 1, pb->par[p][1]);
        }
        if (pb->gidx[p] != SIZE_MAX)
            gsl_vector_set(x, pb->gidx[p], pb->level[p]);
    }
}

static void eval_place(const problem *pb, size_t p, double f, double *db, double *dc, double *dq)
{
    if (pb->order[p] == HP_LEAK_SEALED) {
        *db = *dc = *dq = 0;
        return;
    }
    leak_eval(&pb->coef[p], f, db, dc, dq);
}

/* The reference's leak is the same in every curve: evaluated once per grid point. */
static void eval_ref(problem *pb)
{
    sync_coefs(pb);
    for (size_t i = 0; i < pb->nf; i++)
        eval_place(pb, pb->ref, pb->f[i], &pb->ref_db[i], &pb->ref_dc[i], &pb->ref_dq[i]);
}

/* One row of the Jacobian: at most 5 non-zero entries (the curve's level, its leak's two
 * parameters, the reference's two). */
typedef struct {
    size_t n, col[5];
    double val[5];
} jrow;

static void jrow_add(jrow *j, size_t col, double v)
{
    j->col[j->n] = col;
    j->val[j->n++] = v;
}

/* Residual of curve p at grid point i, and its Jacobian row when j is not NULL. */
static double residual(const problem *pb, size_t p, size_t i, jrow *j)
{
    double lp, lpc, lpq, w = pb->wt[p * pb->nf + i];
    eval_place(pb, p, pb->f[i], &lp, &lpc, &lpq);
    if (j) {
        j->n = 0;
        jrow_add(j, pb->gidx[p], w);
        if (pb->pidx[p] != SIZE_MAX) {
            jrow_add(j, pb->pidx[p], w * lpc);
            if (pb->order[p] == HP_LEAK_INERTIVE)
                jrow_add(j, pb->pidx[p] + 1, w * lpq);
        }
        size_t q = pb->pidx[pb->ref];
        if (q != SIZE_MAX) {
            jrow_add(j, q, -w * pb->ref_dc[i]);
            if (pb->order[pb->ref] == HP_LEAK_INERTIVE)
                jrow_add(j, q + 1, -w * pb->ref_dq[i]);
        }
    }
    return w * (pb->level[p] + lp - pb->ref_db[i] - pb->d[p][i]);
}

static int cb_f(const gsl_vector *x, void *data, gsl_vector *r)
{
    problem *pb = data;
    unpack(pb, x);
    eval_ref(pb);
    size_t row = 0;
    for (size_t p = 0; p < pb->n; p++)
        if (pb->incl[p])
            for (size_t i = 0; i < pb->nf; i++)
                if (pb->use[p * pb->nf + i])
                    r->data[r->stride * row++] = residual(pb, p, i, NULL);
    return GSL_SUCCESS;
}

/* GSL's large-problem interface asks for J u, J^T u and J^T J rather than J itself, which
 * lets the fit use the Jacobian's sparsity: each curve touches only its own parameters and
 * the reference's, so J^T J costs a few operations per point instead of a dense product. */
static int cb_df(CBLAS_TRANSPOSE_t trans, const gsl_vector *x, const gsl_vector *u, void *data,
                 gsl_vector *v, gsl_matrix *jtj)
{
    problem *pb = data;
    unpack(pb, x);
    eval_ref(pb);
    if (v && trans == CblasTrans)
        gsl_vector_set_zero(v);
    if (jtj)
        gsl_matrix_set_zero(jtj);
    size_t row = 0;
    jrow j;
    for (size_t p = 0; p < pb->n; p++) {
        if (!pb->incl[p])
            continue;
        for (size_t i = 0; i < pb->nf; i++) {
            if (!pb->use[p * pb->nf + i])
                continue;
            (void)residual(pb, p, i, &j);
            if (u && v) {
                /* Plain element access: GSL's get/set are range-checked calls per element. */
                if (trans == CblasTrans) {
                    double ur = u->data[row * u->stride];
                    for (size_t k = 0; k < j.n; k++)
                        v->data[j.col[k] * v->stride] += j.val[k] * ur;
                } else {
                    double s = 0;
                    for (size_t k = 0; k < j.n; k++)
                        s += j.val[k] * u->data[j.col[k] * u->stride];
                    v->data[row * v->stride] = s;
                }
            }
            if (jtj)
                for (size_t a = 0; a < j.n; a++)
                    for (size_t b = 0; b < j.n; b++)
                        jtj->data[j.col[a] * jtj->tda + j.col[b]] += j.val[a] * j.val[b];
            row++;
        }
    }
    return GSL_SUCCESS;
}

/* Weighted sum of squared residuals of curve p at the current parameters (reference
 * evaluated), and the sum of the squared weights. */
static double curve_ss(const problem *pb, size_t p, double *wsum)
{
    double ss = 0, w2 = 0;
    for (size_t i = 0; i < pb->nf; i++) {
        if (!pb->use[p * pb->nf + i])
            continue;
        double e = residual(pb, p, i, NULL), w = pb->wt[p * pb->nf + i];
        ss += e * e;
        w2 += w * w;
    }
    *wsum = w2;
    return ss;
}

/* Weighted RMS residual in dB, sqrt(sum w^2 e^2 / sum w^2), over every included curve at the
 * current parameters: the plain RMS when all weights are equal. */
static double run_rms(problem *pb)
{
    eval_ref(pb);
    double ss = 0, w2 = 0;
    for (size_t p = 0; p < pb->n; p++) {
        double m;
        if (pb->incl[p]) {
            ss += curve_ss(pb, p, &m);
            w2 += m;
        }
    }
    return w2 > 0 ? sqrt(ss / w2) : (double)NAN;
}

/* Standard deviation of each free placement's ln corner from the covariance (J^T J)^-1 at the
 * solution, scaled up by the reduced chi-square when the residuals exceed their sigmas. */
static void corner_sd(problem *pb, gsl_multilarge_nlinear_workspace *w, double *sd)
{
    for (size_t p = 0; p < pb->n; p++)
        sd[p] = NAN;
    gsl_matrix *cov = gsl_matrix_alloc(pb->np, pb->np);
    if (!cov)
        return;
    if (gsl_multilarge_nlinear_covar(cov, w) == GSL_SUCCESS) {
        eval_ref(pb);
        double chi2 = 0, dummy;
        for (size_t p = 0; p < pb->n; p++)
            if (pb->incl[p])
                chi2 += curve_ss(pb, p, &dummy);
        double scale = pb->nres > pb->np ? chi2 / (double)(pb->nres - pb->np) : 1.0;
        scale = scale > 1.0 ? scale : 1.0;
        for (size_t p = 0; p < pb->n; p++)
            if (pb->pidx[p] != SIZE_MAX) {
                double v = gsl_matrix_get(cov, pb->pidx[p], pb->pidx[p]) * scale;
                sd[p] = v >= 0 && isfinite(v) ? sqrt(v) : (double)NAN;
            }
    }
    gsl_matrix_free(cov);
}

/* Runs LM from the current parameters and leaves the best point found in pb. Returns the RMS
 * residual, or NAN on failure. sd (NULL or n entries) receives corner_sd's figures. */
static double solve(problem *pb, unsigned max_iter, double *sd)
{
    layout(pb);
    if (pb->np == 0 || pb->nres < pb->np)
        return NAN;
    gsl_multilarge_nlinear_parameters prm = gsl_multilarge_nlinear_default_parameters();
    prm.trs = gsl_multilarge_nlinear_trs_lm;
    prm.solver = gsl_multilarge_nlinear_solver_cholesky;
    gsl_multilarge_nlinear_workspace *w =
        gsl_multilarge_nlinear_alloc(gsl_multilarge_nlinear_trust, &prm, pb->nres, pb->np);
    gsl_vector *x = gsl_vector_alloc(pb->np);
    double rms = NAN;
    if (!w || !x)
        goto out;
    pack(pb, x);
    gsl_multilarge_nlinear_fdf fdf = {.f = cb_f, .df = cb_df, .fvv = NULL, .n = pb->nres,
                                      .p = pb->np, .params = pb};
    if (gsl_multilarge_nlinear_init(x, &fdf, w) != GSL_SUCCESS)
        goto out;
    int info;
    /* A run that stops on max_iter or a numerical failure still leaves w at the best point
     * it accepted, which is what the caller compares. */
    (void)gsl_multilarge_nlinear_driver(max_iter, 1e-10, 1e-10, 0.0, NULL, NULL, &info, w);
    unpack(pb, gsl_multilarge_nlinear_position(w));
    if (sd)
        corner_sd(pb, w, sd);
    rms = run_rms(pb);
    if (!isfinite(rms))
        rms = NAN;
out:
    if (x)
        gsl_vector_free(x);
    if (w)
        gsl_multilarge_nlinear_free(w);
    return rms;
}

/* ---- the procedure ---- */

/* Parameters of every placement, saved and restored around trial runs. */
typedef struct {
    int order;
    double par[2], level;
} place_state;

static void save_state(const problem *pb, place_state *st)
{
    for (size_t p = 0; p < pb->n; p++) {
        st[p].order = pb->order[p];
        st[p].par[0] = pb->par[p][0];
        st[p].par[1] = pb->par[p][1];
        st[p].level = pb->level[p];
    }
}

static void load_state(problem *pb, const place_state *st)
{
    for (size_t p = 0; p < pb->n; p++) {
        pb->order[p] = st[p].order;
        pb->par[p][0] = st[p].par[0];
        pb->par[p][1] = st[p].par[1];
        pb->level[p] = st[p].level;
    }
}

static double place_corner(const problem *pb, size_t p)
{
    return pb->order[p] == HP_LEAK_SEALED ? 0 : exp(pb->par[p][0]);
}

static void set_corner(problem *pb, size_t p, int order, double corner_hz, double q)
{
    pb->order[p] = order;
    pb->par[p][0] = log(corner_hz);
    pb->par[p][1] = log(q);
}

/* Starting values for curve p: its level at the top of the band, the -3 dB crossing searched
 * downwards from there (half the lowest frequency when it never crosses), and a Q from the
 * height h of the bump an inertive leak puts above its f0, sqrt(1 + Q^2) (section 6.1). */
static void initial_guess(const problem *pb, size_t p, double *level, double *corner, double *q)
{
    /* Only points known to 1 dB or better (weight >= 1/1 dB) */
    unsigned char *use = pb->scratch;
    for (size_t i = 0; i < pb->nf; i++)
        use[i] = pb->use[p * pb->nf + i] && pb->wt[p * pb->nf + i] >= 1.0;
    double top = 0, s = 0, peak = -INFINITY;
    size_t k = 0;
    for (size_t i = pb->nf; i-- > 0;)
        if (use[i]) {
            if (k == 0)
                top = pb->f[i];
            if (pb->f[i] < top / M_SQRT2)
                break;
            s += pb->d[p][i];
            k++;
        }
    *level = k ? s / (double)k : 0;
    *corner = 0;
    for (size_t i = pb->nf; i-- > 0;) {
        if (!use[i])
            continue;
        if (pb->d[p][i] > peak)
            peak = pb->d[p][i];
        if (pb->d[p][i] < *level - 3.0) {
            *corner = pb->f[i];
            break;
        }
    }
    if (!(*corner > 0)) {
        size_t i = 0;
        while (i < pb->nf && !use[i])
            i++;
        *corner = (i < pb->nf ? pb->f[i] : pb->f[0]) / 2;
    }
    double q2 = pow(10.0, (peak - *level) / 10.0) - 1.0;
    *q = clampd(sqrt(q2 > 0.25 ? q2 : 0.25), 0.5, 10.0);
}

/* Trial runs (which order, which starting point) need only be good enough to compare; the
 * final joint run takes them to convergence. Without a cap an inertive fit to a resistive
 * curve creeps towards q -> 0 for hundreds of iterations. */
static unsigned trial_iter(const hp_leakfit_cfg *c)
{
    return c->max_iter < 25 ? c->max_iter : 25;
}

/* Fits curve p alone (every other leak fixed) with the given order from the current
 * parameters. Returns the RMS residual (NAN on failure, parameters then unchanged). */
static double fit_single(problem *pb, size_t p, unsigned max_iter)
{
    memset(pb->free_, 0, pb->n);
    memset(pb->incl, 0, pb->n);
    pb->free_[p] = 1;
    pb->incl[p] = 1;
    return solve(pb, max_iter, NULL);
}

static int keep_inertive(const hp_leakfit_cfg *c, double rms1, double rms2)
{
    if (!isfinite(rms2))
        return 0;
    if (!isfinite(rms1))
        return 1;
    return rms2 < (1.0 - c->order2_gain) * rms1 && rms1 - rms2 > c->order2_min_db;
}

/* Fits curve p with both orders (the other leaks fixed) and keeps the better as the rule in
 * hp_leakfit_cfg says. Starts from the curve's own features when `fresh`, else from p's
 * current fit. *rms_other gets the residual of the order not kept. Non-zero when neither
 * fit worked. */
static int choose_order(problem *pb, size_t p, int fresh, const hp_leakfit_cfg *c,
                        place_state *tmp, double *rms_other)
{
    double level, corner, q;
    initial_guess(pb, p, &level, &corner, &q);
    if (!fresh) {
        corner = place_corner(pb, p);
        level = pb->level[p];
        if (pb->order[p] == HP_LEAK_INERTIVE)
            q = exp(pb->par[p][1]);
    }
    place_state *best2 = tmp, *best1 = tmp + pb->n;
    pb->level[p] = level;
    set_corner(pb, p, HP_LEAK_INERTIVE, corner, q);
    double rms2 = fit_single(pb, p, trial_iter(c));
    if (isfinite(rms2))
        save_state(pb, best2);
    pb->level[p] = level;
    set_corner(pb, p, HP_LEAK_RESISTIVE, corner, 1.0);
    double rms1 = fit_single(pb, p, trial_iter(c));
    if (isfinite(rms1))
        save_state(pb, best1);
    if (!isfinite(rms1) && !isfinite(rms2))
        return 1;
    if (keep_inertive(c, rms1, rms2)) {
        load_state(pb, best2);
        *rms_other = rms1;
    } else {
        load_state(pb, best1);
        *rms_other = rms2;
    }
    return 0;
}

/* Every leak free, every curve in. */
static double fit_joint(problem *pb, unsigned max_iter, double *sd)
{
    for (size_t p = 0; p < pb->n; p++) {
        pb->free_[p] = 1;
        pb->incl[p] = p != pb->ref;
    }
    return solve(pb, max_iter, sd);
}

/* One joint trial of step 2: every leak of the given order, the reference's starting at ref_c
 * (and q), the others at their single-curve corners. A curve with no leak to show (a placement
 * sealed like the reference, or better) fits on its own to a corner near zero, below
 * floor_hz; such a placement starts where the reference does. */
static double hypothesis_trial(problem *pb, const hp_leakfit_cfg *c, const place_state *start,
                               int order, double ref_c, double ref_q, double floor_hz)
{
    load_state(pb, start);
    for (size_t p = 0; p < pb->n; p++) {
        double q = start[p].order == HP_LEAK_INERTIVE ? exp(start[p].par[1]) : 0.7;
        double cp = exp(start[p].par[0]);
        if (p != pb->ref)
            set_corner(pb, p, order, cp > floor_hz ? cp : ref_c, q);
    }
    set_corner(pb, pb->ref, order, ref_c, ref_q);
    return fit_joint(pb, trial_iter(c), NULL);
}

/* Mean of w^2 e^2 over the points in use: about 1 or less when the residuals are what the
 * sigmas (and the floor) allow. */
static double reduced_chi2(problem *pb)
{
    double rms = run_rms(pb), w2 = 0;
    size_t k = 0;
    for (size_t p = 0; p < pb->n; p++)
        for (size_t i = 0; pb->incl[p] && i < pb->nf; i++)
            if (pb->use[p * pb->nf + i]) {
                w2 += pb->wt[p * pb->nf + i] * pb->wt[p * pb->nf + i];
                k++;
            }
    return k ? rms * rms * w2 / (double)k : (double)NAN;
}

/* Step 2 of hp_leakfit. One headphone's leaks are of one kind, so every placement, the
 * reference included, is fitted jointly as resistive and then as inertive, each time from the
 * single-curve corners of step 1 and two starting corners for the reference (below the
 * smallest of those: the reference is the best-sealed placement); the inertive hypothesis is
 * kept by the usual rule. Step 1's own choices of order are not trusted here: a curve taken
 * relative to a nearly identical reference has almost no shape, and its order means nothing
 * until the reference's leak is part of the model. When the result misses the points by more
 * than twice their sigmas, the reference's leak is searched from corners across the band and
 * from a high Q too (a strong leak with a bump hides from the starts above when every
 * placement leaks, and so does the leak of a reference that is not the best-sealed
 * placement). The state is left at the better fit. */
static int fit_hypotheses(problem *pb, const hp_leakfit_cfg *c, place_state *start,
                          place_state *tmp)
{
    /* A curve that shows no leak (a placement sealed like the reference) fits to a corner near
     * zero on its own; starting anything from there strands the fit at the clamp. Half the
     * band's lowest frequency is the floor of the starting corners. */
    double floor_hz = c->f_lo_hz / 2, cmin = INFINITY;
    for (size_t p = 0; p < pb->n; p++)
        if (p != pb->ref && place_corner(pb, p) < cmin)
            cmin = place_corner(pb, p);
    if (!(cmin > floor_hz) || !isfinite(cmin))
        cmin = floor_hz;
    save_state(pb, start);
    double best[3] = {(double)NAN, (double)NAN, (double)NAN};
    place_state *keep[3] = {NULL, tmp, tmp + pb->n};
    for (int pass = 0; pass < 2; pass++) {
        double c_lo = pass ? floor_hz : 0.5 * cmin, c_hi = pass ? c->f_hi_hz / 4 : cmin;
        for (int order = HP_LEAK_RESISTIVE; order <= HP_LEAK_INERTIVE; order++)
            for (double ref_c = c_lo; ref_c <= c_hi * 1.000001; ref_c *= 2)
                for (int hi_q = 0; hi_q <= (pass && order == HP_LEAK_INERTIVE); hi_q++) {
                    double r = hypothesis_trial(pb, c, start, order, ref_c, hi_q ? 3.5 : 0.7, floor_hz);
                    if (isfinite(r) && !(r >= best[order])) {
                        best[order] = r;
                        save_state(pb, keep[order]);
                    }
                }
        if (!isfinite(best[1]) && !isfinite(best[2]))
            return 1;
        int order = keep_inertive(c, best[1], best[2]) ? 2 : 1;
        load_state(pb, keep[order]);
        /* Trials stop early; judge the fit converged. */
        double r = fit_joint(pb, c->max_iter, NULL);
        if (isfinite(r)) {
            best[order] = r;
            save_state(pb, keep[order]);
        }
        if (!(reduced_chi2(pb) > 4.0))
            break;
    }
    load_state(pb, keep_inertive(c, best[1], best[2]) ? keep[2] : keep[1]);
    return 0;
}

static hp_err check_args(const double *f, size_t nf, const double *const *d, size_t n, size_t ref,
                         const hp_leakfit_cfg *c, hp_leakfit_place *out)
{
    if (!f || !d || !c || !out || n < 2 || ref >= n || nf < 8 || n > SIZE_MAX / (nf + 1))
        return HP_EINVAL;
    if (!(c->f_lo_hz > 0) || !(c->f_hi_hz > c->f_lo_hz) || !isfinite(c->f_hi_hz) ||
        !(c->floor_db < 0) || !(c->order2_gain >= 0 && c->order2_gain < 1) ||
        !(c->order2_min_db >= 0) || !(c->sigma_floor_db > 0) || !isfinite(c->sigma_floor_db) ||
        c->max_iter == 0)
        return HP_EINVAL;
    for (size_t i = 0; i < nf; i++)
        if (!(f[i] > 0) || !isfinite(f[i]) || (i && !(f[i] > f[i - 1])))
            return HP_EINVAL;
    for (size_t p = 0; p < n; p++)
        if (!d[p])
            return HP_EINVAL;
    return HP_OK;
}

/* Which points take part, and their weights: a point's standard deviation (when given)
 * combined with a floor, so that noise-free points weigh alike and a point near the noise
 * floor counts for little instead of pulling the fit (the bottom of the band usually is). */
static void build_mask(problem *pb, const hp_leakfit_cfg *c, const double *const *sigma,
                       unsigned char *use, double *wt)
{
    double fl2 = c->sigma_floor_db * c->sigma_floor_db;
    for (size_t p = 0; p < pb->n; p++)
        for (size_t i = 0; i < pb->nf; i++) {
            size_t k = p * pb->nf + i;
            double v = p == pb->ref ? (double)NAN : pb->d[p][i];
            double sd = sigma && sigma[p] ? sigma[p][i] : 0.0;
            use[k] = isfinite(v) && v >= c->floor_db && pb->f[i] >= c->f_lo_hz &&
                     pb->f[i] <= c->f_hi_hz && isfinite(sd) && sd >= 0;
            wt[k] = use[k] ? 1.0 / sqrt(sd * sd + fl2) : 0.0;
        }
}

/* Step 4: when the reference's order differs from most placements' (step 3 may have changed
 * theirs), the other order is tried for the reference too, by the usual rule. */
static void recheck_reference(problem *pb, const hp_leakfit_cfg *c, place_state *tmp)
{
    size_t votes[3] = {0, 0, 0};
    for (size_t p = 0; p < pb->n; p++)
        if (p != pb->ref)
            votes[pb->order[p] == HP_LEAK_INERTIVE ? 2 : 1]++;
    int now = pb->order[pb->ref], other = 3 - now;
    if (votes[other] <= votes[now])
        return;
    double r_now = fit_joint(pb, c->max_iter, NULL);
    save_state(pb, tmp);
    set_corner(pb, pb->ref, other, place_corner(pb, pb->ref), 0.7);
    double r_other = fit_joint(pb, c->max_iter, NULL);
    double r1 = now == HP_LEAK_RESISTIVE ? r_now : r_other;
    double r2 = now == HP_LEAK_RESISTIVE ? r_other : r_now;
    int keep = keep_inertive(c, r1, r2) ? HP_LEAK_INERTIVE : HP_LEAK_RESISTIVE;
    if (keep == now || !isfinite(r_other))
        load_state(pb, tmp);
}

static void report(problem *pb, const double *rms_other, const double *sd, double total_rms,
                   size_t ref, hp_leakfit_place *out)
{
    eval_ref(pb);
    for (size_t p = 0; p < pb->n; p++) {
        hp_leakfit_place *o = &out[p];
        o->leak.order = pb->order[p];
        double c = exp(pb->par[p][0]), q = exp(pb->par[p][1]);
        o->leak.f0_hz = pb->order[p] == HP_LEAK_INERTIVE ? c / corner_ratio(1.0 / (q * q), NULL) : c;
        o->leak.q = pb->order[p] == HP_LEAK_INERTIVE ? q : (double)NAN;
        o->corner_hz = hp_leak_corner_hz(&o->leak);
        o->corner_sd_rel = sd[p];
        /* Levels re the caller's reference; the fit's own is the best-sealed placement. */
        o->level_db = pb->level[p] - pb->level[ref];
        if (p == pb->ref) {
            o->rms_db = total_rms;
            o->rms_other_db = NAN;
            o->npoints = 0;
            for (size_t k = 0; k < pb->n; k++)
                o->npoints += k == pb->ref ? 0 : count_use(pb, k);
        } else {
            double w2;
            o->rms_db = sqrt(curve_ss(pb, p, &w2) / w2);
            o->rms_other_db = rms_other[p];
            o->npoints = count_use(pb, p);
        }
    }
}

hp_err hp_leakfit_best_sealed(const double *f_hz, size_t nf, const double *const *spec_db,
                              size_t n, const hp_leakfit_cfg *cfg, size_t *best)
{
    if (!f_hz || !spec_db || !cfg || !best || n == 0 || !(cfg->f_lo_hz > 0) ||
        !(cfg->f_hi_hz > 2 * cfg->f_lo_hz))
        return HP_EINVAL;
    double v_best = -INFINITY;
    *best = 0;
    for (size_t p = 0; p < n; p++) {
        if (!spec_db[p])
            return HP_EINVAL;
        double lo = 0, hi = 0;
        size_t nl = 0, nh = 0;
        for (size_t i = 0; i < nf; i++) {
            double v = spec_db[p][i];
            if (!isfinite(v))
                continue;
            if (f_hz[i] >= cfg->f_lo_hz && f_hz[i] < 2 * cfg->f_lo_hz)
                lo += v, nl++;
            if (f_hz[i] >= 0.3 * cfg->f_hi_hz && f_hz[i] <= cfg->f_hi_hz)
                hi += v, nh++;
        }
        if (!nl || !nh)
            return HP_ENODATA;
        double v = lo / (double)nl - hi / (double)nh;
        if (v > v_best) {
            v_best = v;
            *best = p;
        }
    }
    return HP_OK;
}

/* The curves the fit works on: every placement relative to the best-sealed one b, with the
 * standard deviations of both combined. */
static void make_curves(const double *const *spec, const double *const *sigma, size_t n,
                        size_t nf, size_t b, double *d, double *sd)
{
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < nf; i++) {
            double sp = sigma && sigma[p] ? sigma[p][i] : 0.0;
            double sb = sigma && sigma[b] ? sigma[b][i] : 0.0;
            d[p * nf + i] = spec[p][i] - spec[b][i];
            sd[p * nf + i] = sqrt(sp * sp + sb * sb);
        }
}

static pthread_once_t gsl_quiet_once = PTHREAD_ONCE_INIT;

static void gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

hp_err hp_leakfit(const double *f_hz, size_t nf, const double *const *spec_db,
                  const double *const *sigma_db, size_t n, size_t ref, const hp_leakfit_cfg *cfg,
                  hp_leakfit_place *out)
{
    hp_err err = check_args(f_hz, nf, spec_db, n, ref, cfg, out);
    size_t b = 0;
    if (err == HP_OK)
        err = hp_leakfit_best_sealed(f_hz, nf, spec_db, n, cfg, &b);
    if (err != HP_OK)
        return err;
    /* GSL's default handler prints and aborts; a library reports instead. Once per process,
     * so that concurrent fits do not race on GSL's global. */
    (void)pthread_once(&gsl_quiet_once, gsl_quiet);
    problem pb = {.f = f_hz, .nf = nf, .n = n, .ref = b};
    unsigned char *use = malloc(n * nf);
    double *wt = malloc(n * nf * sizeof *wt), *dc = malloc(2 * n * nf * sizeof *dc);
    const double **dp = malloc(n * sizeof *dp), **sp = malloc(n * sizeof *sp);
    pb.order = calloc(n, sizeof *pb.order);
    pb.par = calloc(n, sizeof *pb.par);
    pb.free_ = calloc(n, 1);
    pb.incl = calloc(n, 1);
    pb.pidx = calloc(n, sizeof *pb.pidx);
    pb.gidx = calloc(n, sizeof *pb.gidx);
    pb.level = calloc(n, sizeof *pb.level);
    pb.ref_db = calloc(3 * nf, sizeof *pb.ref_db);
    pb.coef = calloc(n, sizeof *pb.coef);
    pb.scratch = malloc(nf);
    double *rms_other = calloc(n, sizeof *rms_other), *sd = calloc(n, sizeof *sd);
    place_state *st = calloc(4 * n, sizeof *st);
    err = HP_ENOMEM;
    if (!use || !wt || !dc || !dp || !sp || !pb.order || !pb.par || !pb.free_ || !pb.incl ||
        !pb.pidx || !pb.gidx || !pb.level || !pb.ref_db || !pb.coef || !pb.scratch ||
        !rms_other || !sd || !st)
        goto out;
    make_curves(spec_db, sigma_db, n, nf, b, dc, dc + n * nf);
    for (size_t p = 0; p < n; p++) {
        dp[p] = dc + p * nf;
        sp[p] = dc + (n + p) * nf;
    }
    pb.d = dp;
    pb.ref_dc = pb.ref_db + nf;
    pb.ref_dq = pb.ref_db + 2 * nf;
    pb.use = use;
    pb.wt = wt;
    build_mask(&pb, cfg, sp, use, wt);
    err = HP_ENODATA;
    for (size_t p = 0; p < n; p++)
        if (p != b && count_use(&pb, p) < 6)
            goto out;
    err = HP_ERANGE;
    /* 1. Each curve alone, the reference taken as sealed: starting values. */
    pb.order[b] = HP_LEAK_SEALED;
    for (size_t p = 0; p < n; p++)
        if (p != b && choose_order(&pb, p, 1, cfg, st, &rms_other[p]))
            goto out;
    /* 2. All leaks jointly, the reference's included, under each hypothesis of order. */
    if (fit_hypotheses(&pb, cfg, st, st + n))
        goto out;
    /* 3. Each placement's own order, now against the fitted reference; 4. the reference's. */
    for (size_t p = 0; p < n; p++)
        if (p != b && choose_order(&pb, p, 0, cfg, st, &rms_other[p]))
            goto out;
    recheck_reference(&pb, cfg, st);
    /* 5. All together to convergence. */
    save_state(&pb, st);
    double total = fit_joint(&pb, cfg->max_iter, sd);
    if (!isfinite(total)) {
        load_state(&pb, st);
        total = run_rms(&pb);
    }
    if (!isfinite(total))
        goto out;
    report(&pb, rms_other, sd, total, ref, out);
    err = HP_OK;
out:
    free(use);
    free(wt);
    free(dc);
    free(dp);
    free(sp);
    free(pb.order);
    free(pb.par);
    free(pb.free_);
    free(pb.incl);
    free(pb.pidx);
    free(pb.gidx);
    free(pb.level);
    free(pb.ref_db);
    free(pb.coef);
    free(pb.scratch);
    free(rms_other);
    free(sd);
    free(st);
    return err;
}
