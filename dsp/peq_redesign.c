/* SPDX-License-Identifier: MIT */
/* A parametric EQ re-tuned for another sample rate. An RBJ biquad's curve depends on the rate
 * it is designed at (the bilinear transform compresses the top octaves toward Nyquist): the
 * same fc, Q and gain at 44.1 and 192 kHz differ by up to 1.8 dB below 16 kHz on AutoEq's
 * published profiles. Here every filter's fc, Q and gain are refitted jointly at the new rate
 * to the curve the profile has at its own rate: least squares first, then an L8 norm that
 * pulls the largest deviation down (GSL's trust-region Levenberg-Marquardt both times). */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "peq.h"

#define NPTS 300          /* log grid 20 Hz .. f_hi: ~30 points per octave */
#define F_LO_HZ 20.0
#define MAX_ITER 200

typedef struct {
    const hp_peq *src;
    size_t nfree, idx[HP_PEQ_MAX];  /* filters refitted (those with a gain) */
    double rate_hz, f[NPTS], ref[NPTS];
    double sec[HP_PEQ_MAX][NPTS];   /* each refitted filter's dB curve at the last point */
    double pw;                      /* the norm: 2 (least squares) or higher */
} fitctx;

static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;
/* GSL's default handler aborts; the library reports errors through return codes instead. */
static void gsl_quiet(void) { gsl_set_error_handler_off(); }

/* dB magnitude of one section at every grid point, without complex arithmetic
 * (measurement-science.md 8.1). */
static int section_db(hp_biquad_type t, const double *x, double rate, const double *f,
                      double *out)
{
    hp_biquad b;
    double fc = exp(x[0]);
    if (!(fc < 0.49 * rate) || hp_biquad_design(t, fc, exp(x[1]), x[2], rate, &b) != HP_OK)
        return -1;
    for (size_t i = 0; i < NPTS; i++) {
        double s = sin(M_PI * f[i] / rate), phi = 4 * s * s;
        double num = (b.b0 + b.b1 + b.b2) * (b.b0 + b.b1 + b.b2) +
                     (b.b0 * b.b2 * phi - (b.b1 * (b.b0 + b.b2) + 4 * b.b0 * b.b2)) * phi;
        double den = (1 + b.a1 + b.a2) * (1 + b.a1 + b.a2) +
                     (b.a2 * phi - (b.a1 * (1 + b.a2) + 4 * b.a2)) * phi;
        out[i] = 10 * log10(num / den);
    }
    return 0;
}

/* The deviation in dB at every point for parameters x; also fills c->sec. */
static int deviation(const double *x, fitctx *c, double *dev)
{
    memset(dev, 0, NPTS * sizeof *dev);
    for (size_t k = 0; k < c->nfree; k++) {
        if (section_db(c->src->f[c->idx[k]].type, x + 3 * k, c->rate_hz, c->f, c->sec[k]))
            return -1;
        for (size_t i = 0; i < NPTS; i++)
            dev[i] += c->sec[k][i];
    }
    for (size_t i = 0; i < NPTS; i++)
        dev[i] -= c->ref[i];
    return 0;
}

/* The residual r = d |d/s|^(p/2-1) makes sum r^2 the p-norm of the deviation d (scaled by s
 * = 0.01 dB to keep the numbers near one). */
static double shaped(double d, double pw) { d /= 0.01; return pw == 2 ? d : d * pow(fabs(d), pw / 2 - 1); }
static double shaped_slope(double d, double pw)
{
    d /= 0.01;
    return (pw == 2 ? 1 : (pw / 2) * pow(fabs(d), pw / 2 - 1)) / 0.01;
}

static int fit_f(const gsl_vector *x, void *p, gsl_vector *r)
{
    fitctx *c = p;
    double dev[NPTS];
    if (deviation(x->data, c, dev))
        return GSL_EDOM;
    for (size_t i = 0; i < NPTS; i++)
        gsl_vector_set(r, i, shaped(dev[i], c->pw));
    return GSL_SUCCESS;
}

/* Jacobian by forward differences, one section at a time: a parameter moves only its own
 * section's curve, so 3 section evaluations per filter instead of whole cascades. */
static int fit_df(const gsl_vector *x, void *p, gsl_matrix *jac)
{
    fitctx *c = p;
    double dev[NPTS], moved[NPTS];
    if (deviation(x->data, c, dev))
        return GSL_EDOM;
    for (size_t k = 0; k < c->nfree; k++) {
        for (size_t j = 0; j < 3; j++) {
            double xx[3] = {x->data[3 * k], x->data[3 * k + 1], x->data[3 * k + 2]};
            double h = 1e-7 * fmax(1.0, fabs(xx[j]));
            xx[j] += h;
            if (section_db(c->src->f[c->idx[k]].type, xx, c->rate_hz, c->f, moved))
                return GSL_EDOM;
            for (size_t i = 0; i < NPTS; i++)
                gsl_matrix_set(jac, i, 3 * k + j,
                               shaped_slope(dev[i], c->pw) * (moved[i] - c->sec[k][i]) / h);
        }
    }
    return GSL_SUCCESS;
}

static double max_abs_dev(const double *x, fitctx *c)
{
    double dev[NPTS], m = 0;
    if (deviation(x, c, dev))
        return INFINITY;
    for (size_t i = 0; i < NPTS; i++)
        m = fmax(m, fabs(dev[i]));
    return m;
}

hp_err hp_peq_redesign(const hp_peq *src, double src_rate_hz, double dst_rate_hz,
                       double f_hi_hz, hp_peq *dst, double *max_dev_db)
{
    if (!src || !dst || src->n > HP_PEQ_MAX || !(f_hi_hz > F_LO_HZ) ||
        !(f_hi_hz < 0.49 * src_rate_hz) || !(f_hi_hz < 0.49 * dst_rate_hz) ||
        !(dst_rate_hz <= 1e7))
        return HP_EINVAL;
    fitctx *c = calloc(1, sizeof *c);
    if (!c)
        return HP_ENOMEM;
    hp_err e = HP_OK;
    hp_peq out = *src, nopre = *src;
    nopre.preamp_db = 0;
    c->src = src;
    c->rate_hz = dst_rate_hz;
    c->pw = 2;
    for (size_t i = 0; i < NPTS; i++)
        c->f[i] = F_LO_HZ * pow(f_hi_hz / F_LO_HZ, (double)i / (NPTS - 1));
    c->f[NPTS - 1] = f_hi_hz;
    if ((e = hp_peq_response_db(&nopre, src_rate_hz, c->f, NPTS, c->ref)) != HP_OK)
        goto out;
    /* A 0 dB filter is the identity at any rate: it stays as it is, and out of the fit
     * (its fc and Q would be free and make the problem singular). */
    double x[3 * HP_PEQ_MAX], best[3 * HP_PEQ_MAX];
    for (size_t k = 0; k < src->n; k++) {
        const hp_peq_filter *f = &src->f[k];
        if (f->gain_db == 0)
            continue;
        c->idx[c->nfree] = k;
        x[3 * c->nfree] = log(f->fc_hz);
        x[3 * c->nfree + 1] = log(f->q);
        x[3 * c->nfree + 2] = f->gain_db;
        c->nfree++;
    }
    double m0 = max_abs_dev(x, c);
    if (!isfinite(m0)) {
        e = HP_EINVAL; /* a filter the new rate cannot hold */
        goto out;
    }
    memcpy(best, x, sizeof x);
    double best_dev = m0;
    if (c->nfree > 0) {
        pthread_once(&gsl_once, gsl_quiet);
        size_t np = 3 * c->nfree;
        gsl_multifit_nlinear_fdf fdf = {.f = fit_f, .df = fit_df, .n = NPTS, .p = np, .params = c};
        gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
        gsl_multifit_nlinear_workspace *w =
            gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, NPTS, np);
        if (!w) {
            e = HP_ENOMEM;
            goto out;
        }
        gsl_vector_view xv = gsl_vector_view_array(x, np);
        static const double norms[] = {2, 8};
        for (size_t s = 0; s < sizeof norms / sizeof norms[0]; s++) {
            c->pw = norms[s];
            int info;
            if (gsl_multifit_nlinear_init(&xv.vector, &fdf, w) != GSL_SUCCESS)
                break;
            /* A stage that stops on its iteration cap or a step out of range still leaves a
             * usable point; the best one seen is kept. */
            gsl_multifit_nlinear_driver(MAX_ITER, 1e-9, 1e-9, 1e-9, NULL, NULL, &info, w);
            gsl_vector_memcpy(&xv.vector, gsl_multifit_nlinear_position(w));
            double m = max_abs_dev(x, c);
            if (m < best_dev) {
                best_dev = m;
                memcpy(best, x, sizeof x);
            }
        }
        gsl_multifit_nlinear_free(w);
    }
    for (size_t k = 0; k < c->nfree; k++) {
        hp_peq_filter *f = &out.f[c->idx[k]];
        f->fc_hz = exp(best[3 * k]);
        f->q = exp(best[3 * k + 1]);
        f->gain_db = best[3 * k + 2];
    }
    /* The preamp keeps the source's headroom, and more if the new curve peaks higher. */
    double pre;
    if ((e = hp_peq_auto_preamp(&out, dst_rate_hz, &pre)) != HP_OK)
        goto out;
    out.preamp_db = fmin(src->preamp_db, pre);
    *dst = out;
    if (max_dev_db)
        *max_dev_db = best_dev;
out:
    free(c);
    return e;
}
