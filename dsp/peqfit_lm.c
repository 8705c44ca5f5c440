/* SPDX-License-Identifier: MIT */
/* The least-squares side of the parametric EQ fit. Residuals on the log grid:
 *   fit points    sqrt(w_i / D) (meas + EQ - target - level)
 *   treble        sqrt(T / D) times the mean error over the T treble points (AutoEq's loss
 *                 counts only the average level there)
 *   boost cap     sqrt(mu sum max(0, EQ - cap + margin)^2) per quarter octave: a hinge that
 *                 is zero, with no gradient, while the curve keeps below the cap
 *   gains         a small Tikhonov term, so that no pair of huge filters cancels out
 *   bounds        sqrt(mu) times how far a parameter is outside its range
 * The parameters are the natural ones (ln fc, ln Q, gain in dB, level): bounds enter as the
 * penalty rows above and a final clamp. (Mapping them through a logistic function instead
 * keeps them inside but flattens the cost near the limits, where good filters often sit, and
 * Levenberg-Marquardt then crawls.) GSL's multilarge trust-region driver runs the
 * iterations; we hand it J^T J, which we form ourselves from the dense Jacobian, because its
 * reference CBLAS spends most of a fit doing that. */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multilarge_nlinear.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "peqfit_impl.h"
#include "peqgrad.h"

enum { P_LNFC, P_LNQ, P_GAIN, P_LEVEL };

typedef struct {
    int k, what;            /* filter index (-1 for the level) and which parameter */
    double lo, hi;
} pmap;

typedef struct {
    fitctx *x;
    size_t np, m;
    pmap map[3 * HP_PEQ_MAX + 1];
    double dvdu[3 * HP_PEQ_MAX + 1];   /* 1 inside the design clamp, 0 beyond it */
    double *J;                          /* m x np, row-major, at u_J */
    double u_J[3 * HP_PEQ_MAX + 1];
    int have_J;
} lmctx;

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;

/* GSL's default handler aborts the process; the fit reports errors through return codes. */
static void gsl_quiet(void) { gsl_set_error_handler_off(); }

static void build_map(lmctx *L)
{
    fitctx *x = L->x;
    const hp_peqfit_cfg *c = x->cfg;
    size_t np = 0;
    for (size_t k = x->first_free; k < x->nactive; k++) {
        if (x->fl[k].free_fc)
            L->map[np++] = (pmap){(int)k, P_LNFC, log(c->fc_min_hz), log(c->fc_max_hz)};
        if (x->fl[k].free_q)
            L->map[np++] = (pmap){(int)k, P_LNQ, log(c->q_min), log(c->q_max)};
        L->map[np++] = (pmap){(int)k, P_GAIN, c->gain_min_db, c->gain_max_db};
    }
    if (x->free_level)
        L->map[np++] = (pmap){-1, P_LEVEL, x->level_lo, 0.0};
    L->np = np;
}

static double get_param(const fitctx *x, const pmap *m)
{
    switch (m->what) {
    case P_LNFC: return log(x->fl[m->k].fc);
    case P_LNQ: return log(x->fl[m->k].q);
    case P_GAIN: return x->fl[m->k].g;
    default: return x->level;
    }
}

static void set_param(fitctx *x, const pmap *m, double v)
{
    switch (m->what) {
    case P_LNFC: x->fl[m->k].fc = exp(v); break;
    case P_LNQ: x->fl[m->k].q = exp(v); break;
    case P_GAIN: x->fl[m->k].g = v; break;
    default: x->level = v; break;
    }
}

/* u into the filters and the level. Beyond its bounds a parameter is pulled back by its
 * penalty row; the filter designed meanwhile stays valid thanks to a wider clamp. */
static void unpack(lmctx *L, const gsl_vector *u)
{
    fitctx *x = L->x;
    for (size_t j = 0; j < L->np; j++) {
        const pmap *m = &L->map[j];
        double span = m->hi - m->lo, raw = gsl_vector_get(u, j);
        double v = fmin(fmax(raw, m->lo - 0.25 * span), m->hi + 0.25 * span);
        if (m->what == P_LNFC)
            v = fmin(v, log(0.45 * x->cfg->rate_hz));
        L->dvdu[j] = v == raw ? 1.0 : 0.0;
        set_param(x, m, v);
    }
}

static void curve(fitctx *x, double *P, int derivs)
{
    for (size_t i = 0; i < x->G; i++)
        P[i] = 1.0;
    for (size_t k = 0; k < x->nactive; k++) {
        const filt *f = &x->fl[k];
        double *pw = x->db + k * x->G, *dd = x->dd + 3 * k * x->G;
        int d = derivs && k >= x->first_free;
        /* Parameters stay inside the design clamp, so the design cannot fail. */
        if (hp_peqsec_pow(f->type, f->fc, f->q, f->g, x->cfg->rate_hz, x->phi, x->G, pw,
                          d ? dd : NULL, d ? dd + x->G : NULL, d ? dd + 2 * x->G : NULL) != HP_OK)
            for (size_t i = 0; i < x->G; i++)
                pw[i] = 1.0;
        for (size_t i = 0; i < x->G; i++)
            P[i] *= pw[i];
    }
    for (size_t i = 0; i < x->G; i++)
        P[i] = 10.0 * log10(P[i]);
}

void hp_peqfit_curve(fitctx *x, double *P) { curve(x, P, 0); }

/* The cap penalty is summed over blocks of a quarter octave: the same sum of squares as one
 * row per point, with a twentieth of the rows. */
static size_t block_len(const fitctx *x) { return (size_t)(x->ppo / 4) + 1; }

static size_t nblocks(const fitctx *x) { return (x->G + block_len(x) - 1) / block_len(x); }

static double hinge(const fitctx *x, size_t i, int upper)
{
    return upper ? fmax(0.0, x->P[i] - x->hi[i] + x->margin)
                 : fmax(0.0, x->lo[i] - x->P[i] + x->margin);
}

static size_t row_cap(const fitctx *x) { return (x->fit1 - x->fit0) + (x->t1 > x->t0); }

static size_t row_reg(const fitctx *x) { return row_cap(x) + nblocks(x) * (x->has_lo ? 2 : 1); }

static size_t row_bound(const fitctx *x) { return row_reg(x) + x->nactive; }

static size_t nrows(const fitctx *x) { return row_bound(x) + 3 * x->nactive + 1; }

static double excess(double v, double lo, double hi) { return fmax(0, v - hi) + fmax(0, lo - v); }

/* All residuals for the current filters and level (P must be up to date). */
static void residuals(const fitctx *x, double *r)
{
    const hp_peqfit_cfg *c = x->cfg;
    size_t row = 0;
    for (size_t i = x->fit0; i < x->fit1; i++)
        r[row++] = x->sw[i] * (x->meas[i] + x->P[i] - x->target[i] - x->level);
    if (x->t1 > x->t0) {
        double s = 0;
        for (size_t i = x->t0; i < x->t1; i++)
            s += x->meas[i] + x->P[i] - x->target[i] - x->level;
        double nt = (double)(x->t1 - x->t0);
        r[row++] = sqrt(nt / x->denom) * s / nt;
    }
    size_t bl = block_len(x);
    for (int upper = 1; upper >= (x->has_lo ? 0 : 1); upper--)
        for (size_t b = 0; b < x->G; b += bl) {
            double s = 0;
            for (size_t i = b; i < x->G && i < b + bl; i++)
                s += hinge(x, i, upper) * hinge(x, i, upper);
            r[row++] = sqrt(x->mu * s);
        }
    double sl = sqrt(x->lambda), sb = sqrt(x->mu);
    for (size_t k = 0; k < x->nactive; k++)
        r[row++] = sl * x->fl[k].g / 10.0;
    for (size_t k = 0; k < x->nactive; k++) {
        const filt *f = &x->fl[k];
        r[row++] = f->free_fc ? sb * excess(log(f->fc), log(c->fc_min_hz), log(c->fc_max_hz)) : 0;
        r[row++] = f->free_q ? sb * excess(log(f->q), log(c->q_min), log(c->q_max)) : 0;
        r[row++] = sb * excess(f->g, c->gain_min_db, c->gain_max_db);
    }
    r[row] = x->free_level ? sb * excess(x->level, x->level_lo, 0.0) : 0;
}

static int res_f(const gsl_vector *u, void *params, gsl_vector *r)
{
    lmctx *L = params;
    unpack(L, u);
    curve(L->x, L->x->P, 0);
    residuals(L->x, r->data);
    return GSL_SUCCESS;
}

/* The dense Jacobian at u into L->J (kept while u does not change). */
static void jacobian(lmctx *L, const gsl_vector *u)
{
    fitctx *x = L->x;
    size_t np = L->np;
    if (L->have_J && !memcmp(L->u_J, u->data, np * sizeof(double)) && u->stride == 1)
        return;
    unpack(L, u);
    curve(x, x->P, 1);
    double *J = L->J;
    size_t rc = row_cap(x), rr = row_reg(x), rb = row_bound(x);
    /* Rows up to the cap blocks are written in full below; the rest are sparse. */
    memset(J + rc * np, 0, (L->m - rc) * np * sizeof *J);
    size_t nt = x->t1 - x->t0, bl = block_len(x), nb = nblocks(x);
    double sl = sqrt(x->lambda), st = sqrt((double)nt / x->denom), sb = sqrt(x->mu);
    /* Hinge values and, per block, the norm of its penalty (clear blocks have no gradient). */
    double *h = x->tmp, *bn = x->tmp + 2 * x->G;
    for (int upper = 1; upper >= (x->has_lo ? 0 : 1); upper--)
        for (size_t b = 0; b < nb; b++) {
            double s = 0;
            for (size_t i = b * bl; i < x->G && i < (b + 1) * bl; i++) {
                double v = hinge(x, i, upper);
                h[(upper ? 0 : x->G) + i] = v;
                s += v * v;
            }
            bn[(upper ? 0 : nb) + b] = sqrt(x->mu * s);
        }
    for (size_t j = 0; j < np; j++) {
        const pmap *m = &L->map[j];
        double dv = L->dvdu[j], v = get_param(x, m);
        double sg = v > m->hi ? 1.0 : v < m->lo ? -1.0 : 0.0;
        if (m->what == P_LEVEL) {
            size_t row = 0;
            for (size_t i = x->fit0; i < x->fit1; i++)
                J[row++ * np + j] = -x->sw[i] * dv;
            if (nt)
                J[row * np + j] = -st * dv;
            for (size_t r = rc; r < rr; r++)
                J[r * np + j] = 0;
            J[(rb + 3 * x->nactive) * np + j] = sb * sg * dv;
            continue;
        }
        const double *d = x->dd + (3 * (size_t)m->k + (size_t)m->what) * x->G;
        size_t row = 0;
        for (size_t i = x->fit0; i < x->fit1; i++)
            J[row++ * np + j] = x->sw[i] * d[i] * dv;
        if (nt) {
            double s = 0;
            for (size_t i = x->t0; i < x->t1; i++)
                s += d[i];
            J[row * np + j] = st * s / (double)nt * dv;
        }
        /* d sqrt(mu sum h^2) = mu sum h dh / sqrt(mu sum h^2). */
        for (int upper = 1; upper >= (x->has_lo ? 0 : 1); upper--)
            for (size_t b = 0; b < nb; b++) {
                double norm = bn[(upper ? 0 : nb) + b];
                if (!(norm > 0))
                    continue;
                const double *hh = h + (upper ? 0 : x->G);
                double ds = 0;
                for (size_t i = b * bl; i < x->G && i < (b + 1) * bl; i++)
                    ds += hh[i] * d[i];
                J[(rc + (upper ? 0 : nb) + b) * np + j] = x->mu * ds * (upper ? dv : -dv) / norm;
            }
        if (m->what == P_GAIN)
            J[(rr + (size_t)m->k) * np + j] = sl / 10.0 * dv;
        J[(rb + 3 * (size_t)m->k + (size_t)m->what) * np + j] = sb * sg * dv;
    }
    memcpy(L->u_J, u->data, np * sizeof(double));
    L->have_J = u->stride == 1;
}

/* GSL asks for J u, J^T u and J^T J; all come from the cached dense Jacobian. */
static int res_df(CBLAS_TRANSPOSE_t trans, const gsl_vector *xv, const gsl_vector *u,
                  void *params, gsl_vector *v, gsl_matrix *JTJ)
{
    lmctx *L = params;
    size_t np = L->np, m = L->m;
    jacobian(L, xv);
    const double *J = L->J;
    if (u && v) {
        gsl_vector_set_zero(v);
        for (size_t i = 0; i < m; i++) {
            const double *row = J + i * np;
            if (trans == CblasTrans) {
                double ui = gsl_vector_get(u, i);
                if (ui != 0)
                    for (size_t j = 0; j < np; j++)
                        v->data[j * v->stride] += row[j] * ui;
            } else {
                double s = 0;
                for (size_t j = 0; j < np; j++)
                    s += row[j] * gsl_vector_get(u, j);
                gsl_vector_set(v, i, s);
            }
        }
    }
    if (JTJ) {
        /* Lower triangle, four rows of J at a time (a quarter of the loads and stores of a
         * row-by-row update), then mirrored. */
        gsl_matrix_set_zero(JTJ);
        size_t i = 0;
        for (; i + 4 <= m; i += 4) {
            const double *restrict r0 = J + i * np, *restrict r1 = r0 + np;
            const double *restrict r2 = r1 + np, *restrict r3 = r2 + np;
            for (size_t a = 0; a < np; a++) {
                double c0 = r0[a], c1 = r1[a], c2 = r2[a], c3 = r3[a];
                if (c0 == 0 && c1 == 0 && c2 == 0 && c3 == 0)
                    continue;
                double *restrict out = JTJ->data + a * JTJ->tda;
                for (size_t b = 0; b <= a; b++)
                    out[b] += c0 * r0[b] + c1 * r1[b] + c2 * r2[b] + c3 * r3[b];
            }
        }
        for (; i < m; i++) {
            const double *restrict row = J + i * np;
            for (size_t a = 0; a < np; a++) {
                double *restrict out = JTJ->data + a * JTJ->tda;
                for (size_t b = 0; b <= a; b++)
                    out[b] += row[a] * row[b];
            }
        }
        for (size_t a = 0; a < np; a++)
            for (size_t b = 0; b < a; b++)
                JTJ->data[b * JTJ->tda + a] = JTJ->data[a * JTJ->tda + b];
    }
    return GSL_SUCCESS;
}

hp_err hp_peqfit_lm(fitctx *x, size_t maxiter)
{
    pthread_once(&gsl_once, gsl_quiet);
    lmctx L;
    memset(&L, 0, sizeof L);
    L.x = x;
    build_map(&L);
    L.m = nrows(x);
    if (L.np == 0)
        return HP_OK;
    gsl_multilarge_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = res_f;
    fdf.df = res_df;
    fdf.n = L.m;
    fdf.p = L.np;
    fdf.params = &L;
    gsl_multilarge_nlinear_parameters fp = gsl_multilarge_nlinear_default_parameters();
    fp.trs = gsl_multilarge_nlinear_trs_lm;
    fp.scale = gsl_multilarge_nlinear_scale_more;
    fp.solver = gsl_multilarge_nlinear_solver_cholesky;
    gsl_multilarge_nlinear_workspace *w =
        gsl_multilarge_nlinear_alloc(gsl_multilarge_nlinear_trust, &fp, L.m, L.np);
    gsl_vector *u = gsl_vector_alloc(L.np);
    L.J = malloc(L.m * L.np * sizeof *L.J);
    hp_err e = HP_OK;
    if (!w || !u || !L.J) {
        e = HP_ENOMEM;
        goto out;
    }
    for (size_t j = 0; j < L.np; j++)
        gsl_vector_set(u, j, fmin(fmax(get_param(x, &L.map[j]), L.map[j].lo), L.map[j].hi));
    if (gsl_multilarge_nlinear_init(u, &fdf, w) != GSL_SUCCESS) {
        e = HP_EINVAL;
        goto out;
    }
    /* GSL iterates; we stop when the last ten steps gained less than stop_rel of the cost
     * (the tail of a joint fit creeps on without a useful change) or GSL makes no progress. */
    double hist[16];
    for (size_t it = 0; it < maxiter; it++) {
        int st = gsl_multilarge_nlinear_iterate(w);
        double v = gsl_blas_dnrm2(gsl_multilarge_nlinear_residual(w));
        hist[it % 16] = v;
        x->iters++;
        if (st != GSL_SUCCESS || !isfinite(v))
            break;
        if (it >= 10 && hist[(it - 10) % 16] - v < x->stop_rel * v)
            break;
    }
    unpack(&L, gsl_multilarge_nlinear_position(w));
    for (size_t j = 0; j < L.np; j++)
        set_param(x, &L.map[j], fmin(fmax(get_param(x, &L.map[j]), L.map[j].lo), L.map[j].hi));
    for (size_t k = 0; k < x->nactive; k++)
        if (!isfinite(x->fl[k].g) || !isfinite(x->fl[k].fc) || !isfinite(x->fl[k].q))
            e = HP_ERANGE;
out:
    gsl_multilarge_nlinear_free(w);
    gsl_vector_free(u);
    free(L.J);
    return e;
}

static double objective(fitctx *x, double *r)
{
    curve(x, x->P, 0);
    if (x->free_level) {
        /* For fixed filters the best level is a weighted mean, clipped to its range. */
        double s = 0, sw = 0;
        for (size_t i = x->fit0; i < x->fit1; i++) {
            s += x->w[i] * (x->meas[i] + x->P[i] - x->target[i]);
            sw += x->w[i];
        }
        x->level = fmin(fmax(s / sw, x->level_lo), 0.0);
    }
    residuals(x, r);
    double s = 0;
    for (size_t i = 0, m = nrows(x); i < m; i++)
        s += r[i] * r[i];
    return s;
}

double hp_peqfit_cost(fitctx *x)
{
    curve(x, x->P, 0);
    residuals(x, x->res);
    double s = 0;
    for (size_t i = 0, m = nrows(x); i < m; i++)
        s += x->res[i] * x->res[i];
    return s;
}

hp_err hp_peqfit_round_gains(fitctx *x)
{
    const hp_peqfit_cfg *c = x->cfg;
    double step = c->gain_step_db;
    double gmin = ceil(c->gain_min_db / step - 1e-9) * step;
    double gmax = floor(c->gain_max_db / step + 1e-9) * step;
    double *r = malloc(nrows(x) * sizeof *r);
    if (!r)
        return HP_ENOMEM;
    for (size_t k = 0; k < x->nactive; k++)
        x->fl[k].g = fmin(fmax(round(x->fl[k].g / step) * step, gmin), gmax);
    double best = objective(x, r);
    for (int sweep = 0; sweep < 100; sweep++) {
        int moved = 0;
        for (size_t k = 0; k < x->nactive; k++)
            for (int d = -1; d <= 1; d += 2) {
                double g0 = x->fl[k].g, g1 = g0 + d * step;
                if (g1 < gmin - 1e-9 || g1 > gmax + 1e-9)
                    continue;
                x->fl[k].g = g1;
                double v = objective(x, r);
                if (v < best - 1e-12) {
                    best = v;
                    moved = 1;
                } else {
                    x->fl[k].g = g0;
                }
            }
        if (!moved)
            break;
    }
    (void)objective(x, r);
    free(r);
    return HP_OK;
}

void hp_peqfit_measure(fitctx *x, double *loss, double *rms)
{
    curve(x, x->P, 0);
    double s = 0, s2 = 0;
    for (size_t i = x->fit0; i < x->fit1; i++) {
        double e = x->meas[i] + x->P[i] - x->target[i] - x->level;
        s += x->w[i] / x->denom * e * e;
        s2 += e * e;
    }
    if (x->t1 > x->t0) {
        double t = 0, nt = (double)(x->t1 - x->t0);
        for (size_t i = x->t0; i < x->t1; i++)
            t += x->meas[i] + x->P[i] - x->target[i] - x->level;
        s += nt / x->denom * (t / nt) * (t / nt);
    }
    *loss = sqrt(s);
    *rms = sqrt(s2 / (double)(x->fit1 - x->fit0));
}

hp_err hp_peqfit_dense_max(const hp_peq *p, double rate_hz, double *top_db, double *f_hz)
{
    double hi = fmin(24000.0, 0.49 * rate_hz);
    size_t n = (size_t)floor(192.0 * log2(hi / 10.0)) + 1;
    double *f = calloc(4 * n, sizeof *f);
    if (!f)
        return HP_ENOMEM;
    double *phi = f + n, *db = f + 2 * n, *sum = f + 3 * n;
    for (size_t i = 0; i < n; i++) {
        f[i] = 10.0 * pow(2.0, (double)i / 192.0);
        sum[i] = 0;
    }
    hp_peqsec_phi(f, n, rate_hz, phi);
    hp_err e = HP_OK;
    for (size_t k = 0; k < p->n && e == HP_OK; k++) {
        e = hp_peqsec_db(p->f[k].type, p->f[k].fc_hz, p->f[k].q, p->f[k].gain_db, rate_hz, phi,
                         n, db, NULL, NULL, NULL);
        for (size_t i = 0; e == HP_OK && i < n; i++)
            sum[i] += db[i];
    }
    if (e == HP_OK) {
        size_t at = 0;
        for (size_t i = 1; i < n; i++)
            if (sum[i] > sum[at])
                at = i;
        *top_db = sum[at];
        *f_hz = f[at];
    }
    free(f);
    return e;
}
