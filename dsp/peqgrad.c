/* SPDX-License-Identifier: MIT */
/* Section magnitudes and their derivatives. The cookbook coefficients are computed with dual
 * numbers carrying d/d ln(fc), d/d ln(Q) and d/d gain, so the fit's Jacobian is exact and
 * costs about four plain evaluations, instead of finite differences that would need a
 * step size tuned to each parameter. */
#include "peqgrad.h"
#include <math.h>

typedef struct {
    double v, d[3];
} dual;

static dual dconst(double v)
{
    dual r = {v, {0, 0, 0}};
    return r;
}

static dual dadd(dual a, dual b)
{
    dual r = {a.v + b.v, {a.d[0] + b.d[0], a.d[1] + b.d[1], a.d[2] + b.d[2]}};
    return r;
}

static dual dsub(dual a, dual b)
{
    dual r = {a.v - b.v, {a.d[0] - b.d[0], a.d[1] - b.d[1], a.d[2] - b.d[2]}};
    return r;
}

static dual dmul(dual a, dual b)
{
    dual r = {a.v * b.v, {a.d[0] * b.v + a.v * b.d[0], a.d[1] * b.v + a.v * b.d[1],
                          a.d[2] * b.v + a.v * b.d[2]}};
    return r;
}

static dual dscale(dual a, double k)
{
    dual r = {a.v * k, {a.d[0] * k, a.d[1] * k, a.d[2] * k}};
    return r;
}

/* f(a) for a scalar function with value fv and derivative fd at a.v (chain rule). */
static dual dfun(dual a, double fv, double fd)
{
    dual r = {fv, {a.d[0] * fd, a.d[1] * fd, a.d[2] * fd}};
    return r;
}

static dual ddiv(dual a, dual b)
{
    return dmul(a, dfun(b, 1.0 / b.v, -1.0 / (b.v * b.v)));
}

typedef struct {
    dual b[3], a[3];
} dual_coef;

/* RBJ cookbook with the parameters as independent variables: x = ln fc, y = ln Q, g = dB. */
static int design(hp_biquad_type type, double fc_hz, double q, double gain_db, double rate_hz,
                  dual_coef *c)
{
    dual lnfc = {log(fc_hz), {1, 0, 0}}, lnq = {log(q), {0, 1, 0}}, g = {gain_db, {0, 0, 1}};
    dual fc = dfun(lnfc, fc_hz, fc_hz), qq = dfun(lnq, q, q);
    dual w0 = dscale(fc, 2.0 * M_PI / rate_hz);
    dual cw = dfun(w0, cos(w0.v), -sin(w0.v)), sw = dfun(w0, sin(w0.v), cos(w0.v));
    dual alpha = ddiv(sw, dscale(qq, 2.0));
    double av = pow(10.0, gain_db / 40.0);
    dual A = dfun(g, av, av * M_LN10 / 40.0);
    dual one = dconst(1.0);
    switch (type) {
    case HP_BQ_PEAK: {
        dual aa = dmul(alpha, A), ad = ddiv(alpha, A);
        c->b[0] = dadd(one, aa);
        c->b[1] = dscale(cw, -2.0);
        c->b[2] = dsub(one, aa);
        c->a[0] = dadd(one, ad);
        c->a[1] = dscale(cw, -2.0);
        c->a[2] = dsub(one, ad);
        return 1;
    }
    case HP_BQ_LOWSHELF:
    case HP_BQ_HIGHSHELF: {
        /* The high shelf is the low shelf with cos w0 negated in every term and b1, a1 negated. */
        double s = type == HP_BQ_LOWSHELF ? 1.0 : -1.0;
        dual ap1 = dadd(A, one), am1 = dsub(A, one);
        dual sqa = dfun(A, sqrt(A.v), 0.5 / sqrt(A.v));
        dual sa = dscale(dmul(sqa, alpha), 2.0);
        dual amc = dmul(am1, dscale(cw, s)), apc = dmul(ap1, dscale(cw, s));
        c->b[0] = dmul(A, dadd(dsub(ap1, amc), sa));
        c->b[1] = dscale(dmul(A, dsub(am1, apc)), 2.0 * s);
        c->b[2] = dmul(A, dsub(dsub(ap1, amc), sa));
        c->a[0] = dadd(dadd(ap1, amc), sa);
        c->a[1] = dscale(dadd(am1, apc), -2.0 * s);
        c->a[2] = dsub(dadd(ap1, amc), sa);
        return 1;
    }
    default:
        return 0;
    }
}

void hp_peqsec_phi(const double *f_hz, size_t n, double rate_hz, double *phi)
{
    for (size_t i = 0; i < n; i++) {
        double s = sin(M_PI * f_hz[i] / rate_hz);
        phi[i] = 4.0 * s * s;
    }
}

/* |P(e^jw)|^2 for P = p0 + p1 z^-1 + p2 z^-2, as (p0+p1+p2)^2 + (p0 p2 phi - (p1 (p0+p2) +
 * 4 p0 p2)) phi (cos w = 1 - phi/2; exact, and well conditioned at low frequencies where the
 * textbook cos-form loses digits). */
static double quad(double p0, double p1, double p2, double phi)
{
    double s = p0 + p1 + p2;
    return s * s + (p0 * p2 * phi - (p1 * (p0 + p2) + 4.0 * p0 * p2)) * phi;
}

/* Its gradient with respect to (p0, p1, p2). */
static void quad_grad(double p0, double p1, double p2, double phi, double g[3])
{
    double s2 = 2.0 * (p0 + p1 + p2);
    g[0] = s2 + (p2 * phi - p1 - 4.0 * p2) * phi;
    g[1] = s2 - (p0 + p2) * phi;
    g[2] = s2 + (p0 * phi - p1 - 4.0 * p0) * phi;
}

static hp_err section(hp_biquad_type type, double fc_hz, double q, double gain_db,
                      double rate_hz, const double *phi, size_t n, double *out, int in_db,
                      double *d_lnfc, double *d_lnq, double *d_gain)
{
    int nd = (d_lnfc != NULL) + (d_lnq != NULL) + (d_gain != NULL);
    hp_biquad check;
    if ((n && (!phi || !out)) || (nd != 0 && nd != 3) ||
        hp_biquad_design(type, fc_hz, q, gain_db, rate_hz, &check) != HP_OK)
        return HP_EINVAL;
    dual_coef c;
    if (!design(type, fc_hz, q, gain_db, rate_hz, &c))
        return HP_EINVAL;
    const double k = 10.0 / M_LN10;
    double b0 = c.b[0].v, b1 = c.b[1].v, b2 = c.b[2].v;
    double a0 = c.a[0].v, a1 = c.a[1].v, a2 = c.a[2].v;
    for (size_t i = 0; i < n; i++) {
        double nb = quad(b0, b1, b2, phi[i]), na = quad(a0, a1, a2, phi[i]);
        out[i] = in_db ? k * log(nb / na) : nb / na;
        if (!nd)
            continue;
        double gb[3], ga[3];
        quad_grad(b0, b1, b2, phi[i], gb);
        quad_grad(a0, a1, a2, phi[i], ga);
        double dv[3];
        for (int p = 0; p < 3; p++) {
            double dnb = gb[0] * c.b[0].d[p] + gb[1] * c.b[1].d[p] + gb[2] * c.b[2].d[p];
            double dna = ga[0] * c.a[0].d[p] + ga[1] * c.a[1].d[p] + ga[2] * c.a[2].d[p];
            dv[p] = k * (dnb / nb - dna / na);
        }
        d_lnfc[i] = dv[0];
        d_lnq[i] = dv[1];
        d_gain[i] = dv[2];
    }
    return HP_OK;
}

hp_err hp_peqsec_db(hp_biquad_type type, double fc_hz, double q, double gain_db, double rate_hz,
                    const double *phi, size_t n, double *db, double *d_lnfc, double *d_lnq,
                    double *d_gain)
{
    return section(type, fc_hz, q, gain_db, rate_hz, phi, n, db, 1, d_lnfc, d_lnq, d_gain);
}

hp_err hp_peqsec_pow(hp_biquad_type type, double fc_hz, double q, double gain_db, double rate_hz,
                     const double *phi, size_t n, double *pow2, double *d_lnfc, double *d_lnq,
                     double *d_gain)
{
    return section(type, fc_hz, q, gain_db, rate_hz, phi, n, pow2, 0, d_lnfc, d_lnq, d_gain);
}
