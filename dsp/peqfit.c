/* SPDX-License-Identifier: MIT */
/* The parametric EQ fit: problem set-up, greedy seeding, joint refinement and the final
 * clean-up that makes the boost cap and integer gains exact. The least-squares machinery
 * (residuals, Jacobian, GSL driver) is in peqfit_lm.c. */
#include "peqfit.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eqcurve.h"
#include "peqfit_impl.h"
#include "peqgrad.h"

hp_peqfit_cfg hp_peqfit_cfg_default(void)
{
    hp_peqfit_cfg c;
    memset(&c, 0, sizeof c);
    c.rate_hz = 48000;
    c.n_peak = 8;
    c.ls_fc_hz = 105;
    c.ls_q = 0.7;
    c.hs_fc_hz = 10000;
    c.hs_q = 0.7;
    c.fc_min_hz = 20;
    c.fc_max_hz = 10000;
    c.q_min = 0.18248;
    c.q_max = 6;
    c.gain_min_db = -20;
    c.gain_max_db = 20;
    c.max_boost_db = 6;
    c.fit_lo_hz = 20;
    c.fit_hi_hz = 10000;
    c.treble_hi_hz = 20000;
    c.ppo = 48;
    return c;
}

#define WHY(...) (snprintf(why ? why : (char[1]){0}, why ? why_len : 1, __VA_ARGS__), HP_EINVAL)

static int fc_ok(double fc, double rate) { return fc > 0 && fc < 0.49 * rate && isfinite(fc); }

hp_err hp_peqfit_cfg_check(const hp_peqfit_cfg *c, char *why, size_t why_len)
{
    if (!c)
        return HP_EINVAL;
    if (!(c->rate_hz >= 8000 && c->rate_hz <= 768000))
        return WHY("sample rate %g Hz is not between 8 and 768 kHz", c->rate_hz);
    size_t nsh = (c->ls_fc_hz > 0) + (c->hs_fc_hz > 0);
    if (c->n_peak + nsh + c->n_fixed > HP_PEQ_MAX)
        return WHY("%zu filters: at most %d", c->n_peak + nsh + c->n_fixed, HP_PEQ_MAX);
    if (c->n_peak + nsh + c->n_fixed == 0)
        return WHY("no filters to fit");
    if (c->n_fixed && (c->n_peak || nsh))
        return WHY("a fixed-band equalizer has no free filters or shelves");
    if (!(c->gain_min_db <= 0 && c->gain_max_db >= 0 && c->gain_min_db < c->gain_max_db) ||
        c->gain_min_db < -30 || c->gain_max_db > 30)
        return WHY("gain range %g..%g dB must include 0 and stay within +-30 dB", c->gain_min_db,
                   c->gain_max_db);
    if (!(c->max_boost_db >= 0) || !isfinite(c->max_boost_db))
        return WHY("boost cap %g dB: must be 0 or more", c->max_boost_db);
    if (c->n_peak && !(c->fc_min_hz > 0 && c->fc_min_hz < c->fc_max_hz &&
                       fc_ok(c->fc_max_hz, c->rate_hz)))
        return WHY("fc range %g..%g Hz is empty or beyond 0.49 x the %g Hz rate", c->fc_min_hz,
                   c->fc_max_hz, c->rate_hz);
    if (c->n_peak && !(c->q_min > 0 && c->q_min <= c->q_max && c->q_max <= 100))
        return WHY("Q range %g..%g is empty or out of 0..100", c->q_min, c->q_max);
    if ((c->ls_fc_hz > 0 && (!fc_ok(c->ls_fc_hz, c->rate_hz) || !(c->ls_q > 0 && c->ls_q <= 10))) ||
        (c->hs_fc_hz > 0 && (!fc_ok(c->hs_fc_hz, c->rate_hz) || !(c->hs_q > 0 && c->hs_q <= 10))))
        return WHY("shelf frequency or Q out of range");
    for (size_t i = 0; i < c->n_fixed; i++)
        if (!fc_ok(c->fixed_fc_hz[i], c->rate_hz) || !(c->fixed_q > 0 && c->fixed_q <= 100))
            return WHY("fixed band %g Hz (Q %g) does not fit the %g Hz rate", c->fixed_fc_hz[i],
                       c->fixed_q, c->rate_hz);
    if (!(c->fit_lo_hz > 0 && c->fit_lo_hz < c->fit_hi_hz && fc_ok(c->fit_hi_hz, c->rate_hz)))
        return WHY("fit range %g..%g Hz is empty or beyond 0.49 x the %g Hz rate", c->fit_lo_hz,
                   c->fit_hi_hz, c->rate_hz);
    if (!(c->gain_step_db >= 0 && c->gain_step_db <= 6))
        return WHY("gain step %g dB out of 0..6", c->gain_step_db);
    if (!(c->ppo >= 6 && c->ppo <= 384))
        return WHY("fit grid of %g points per octave out of 6..384", c->ppo);
    return HP_OK;
}

/* Grid, curves, bounds and filters of one fit. */
static hp_err setup(fitctx *x, const hp_peqfit_cfg *c, const hp_peqfit_input *in, double ppo)
{
    double f_lo = fmin(10.0, c->fit_lo_hz), f_top = fmin(24000.0, 0.49 * c->rate_hz);
    double data_hi = in->f_hz[in->n - 1];
    size_t G = (size_t)floor(ppo * log2(f_top / f_lo)) + 1;
    x->ppo = ppo;
    x->cfg = c;
    x->G = G;
    x->buf = calloc((size_t)17 * G + 4 * HP_PEQ_MAX + 8 + (size_t)4 * HP_PEQ_MAX * G, sizeof(double));
    if (!x->buf)
        return HP_ENOMEM;
    double *p = x->buf;
    x->f = p; p += G;
    x->phi = p; p += G;
    x->meas = p; p += G;
    x->target = p; p += G;
    x->target_true = x->target;
    x->target_soft = p; p += G;
    x->w = p; p += G;
    x->hi = p; p += G;
    x->lo = p; p += G;
    x->P = p; p += G;
    x->tmp = p; p += 3 * G;
    x->sw = p; p += G;
    x->res = p; p += 3 * G + 4 * HP_PEQ_MAX + 8;
    x->db = p; p += HP_PEQ_MAX * G;
    x->dd = p;
    for (size_t i = 0; i < G; i++)
        x->f[i] = f_lo * pow(2.0, (double)i / ppo);
    hp_peqsec_phi(x->f, G, c->rate_hz, x->phi);
    hp_err e = hp_eqc_interp(in->f_hz, in->meas_db, in->n, x->f, G, x->meas);
    if (e == HP_OK)
        e = hp_eqc_interp(in->f_hz, in->target_db, in->n, x->f, G, x->target);
    if (e == HP_OK && in->weight)
        e = hp_eqc_interp(in->f_hz, in->weight, in->n, x->f, G, x->w);
    if (e == HP_OK && in->max_abs_db)
        e = hp_eqc_interp(in->f_hz, in->max_abs_db, in->n, x->f, G, x->tmp);
    if (e != HP_OK)
        return e;
    /* Fit points carry their weight (mean 1 over the band); treble points count by their mean. */
    double wsum = 0;
    size_t nfit = 0;
    x->fit0 = G;
    x->fit1 = 0;
    for (size_t i = 0; i < G; i++)
        if (x->f[i] >= c->fit_lo_hz * (1 - 1e-9) && x->f[i] <= c->fit_hi_hz * (1 + 1e-9)) {
            if (!in->weight)
                x->w[i] = 1.0;
            wsum += x->w[i];
            nfit++;
            if (x->fit0 == G)
                x->fit0 = i;
            x->fit1 = i + 1;
        } else {
            x->w[i] = 0;
        }
    if (nfit < 2 || !(wsum > 0))
        return HP_EINVAL;
    for (size_t i = x->fit0; i < x->fit1; i++)
        x->w[i] *= (double)nfit / wsum;
    double t_hi = fmin(c->treble_hi_hz, data_hi);
    x->t0 = x->fit1;
    x->t1 = x->fit1;
    while (x->t1 < G && x->f[x->t1] <= t_hi)
        x->t1++;
    x->denom = (double)nfit + (double)(x->t1 - x->t0);
    for (size_t i = 0; i < G; i++)
        x->sw[i] = sqrt(x->w[i] / x->denom);
    double hi = c->no_preamp ? 0.0 : c->max_boost_db;
    x->has_lo = in->max_abs_db != NULL;
    for (size_t i = 0; i < G; i++) {
        x->hi[i] = in->max_abs_db ? fmin(hi, x->tmp[i]) : hi;
        x->lo[i] = in->max_abs_db ? -x->tmp[i] : -HUGE_VAL;
    }
    /* The demand the EQ can meet: where the target asks for more than the cap (or the
     * robust limits) allow, the search aims at the limit instead. */
    for (size_t i = 0; i < G; i++) {
        double need = x->target[i] + (c->no_preamp ? -0.5 * c->max_boost_db : 0.0) - x->meas[i];
        double lim = fmin(fmax(need, x->lo[i]), x->hi[i]);
        x->target_soft[i] = x->target[i] + (lim - need);
    }
    x->free_level = c->no_preamp;
    x->level_lo = -c->max_boost_db;
    x->level = c->no_preamp ? -0.5 * c->max_boost_db : 0.0;
    /* Filters: shelves or fixed bands first (active from the start), then the free peaks. */
    size_t k = 0;
    if (c->ls_fc_hz > 0)
        x->fl[k++] = (filt){HP_BQ_LOWSHELF, 0, 0, c->ls_fc_hz, c->ls_q, 0};
    if (c->hs_fc_hz > 0)
        x->fl[k++] = (filt){HP_BQ_HIGHSHELF, 0, 0, c->hs_fc_hz, c->hs_q, 0};
    for (size_t i = 0; i < c->n_fixed; i++)
        x->fl[k++] = (filt){HP_BQ_PEAK, 0, 0, c->fixed_fc_hz[i], c->fixed_q, 0};
    x->nactive = k;
    for (size_t i = 0; i < c->n_peak; i++)
        x->fl[k++] = (filt){HP_BQ_PEAK, 1, 1, 1000, 1, 0};
    x->nf = k;
    x->mu = 10.0;
    x->margin = 0.005;
    x->lambda = 1e-4;
    x->stop_rel = 1e-3;
    return HP_OK;
}

static hp_err check_input(const hp_peqfit_cfg *c, const hp_peqfit_input *in)
{
    if (!in || in->n < 2 || !in->f_hz || !in->meas_db || !in->target_db ||
        hp_eqc_check_grid(in->f_hz, in->n) != in->n)
        return HP_EINVAL;
    for (size_t i = 0; i < in->n; i++)
        if (!isfinite(in->meas_db[i]) || !isfinite(in->target_db[i]) ||
            (in->weight && !(in->weight[i] >= 0 && isfinite(in->weight[i]))) ||
            (in->max_abs_db && !(in->max_abs_db[i] >= 0)))
            return HP_EINVAL;
    if (in->f_hz[0] > c->fit_lo_hz * 1.01 || in->f_hz[in->n - 1] < c->fit_hi_hz * 0.99)
        return HP_ERANGE;
    return HP_OK;
}

/* Analog peaking filter in dB at gain g and Q, an octave offset d from its centre: the seed's
 * shape, shift-invariant on the log grid (the digital warping near Nyquist is left to the
 * joint refinement). */
static double analog_peak_db(double d, double q, double g)
{
    double A = pow(10.0, g / 40.0), w = pow(2.0, d), u = 1 - w * w;
    return 10.0 * log10((u * u + w * w * A * A / (q * q)) / (u * u + w * w / (A * A * q * q)));
}

/* Seeds the next free peaking filter where it removes the most weighted squared residual:
 * every grid position in the fc range and a ladder of Q values, gain by least squares on a
 * fixed shape (a 6 dB peak scaled), clipped to the limits and the room under the cap. */
static void seed_peak(fitctx *x, filt *fl)
{
    const hp_peqfit_cfg *c = x->cfg;
    static const double qs[] = {0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 2.8, 4.0, 5.6, 8.0, 11.0};
    double best = 0, bq = 1, bf = 1000, bg = 0;
    double *r = x->tmp;
    hp_peqfit_curve(x, x->P);
    for (size_t i = 0; i < x->G; i++)
        r[i] = x->w[i] * (x->target[i] + x->level - x->meas[i] - x->P[i]);
    for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
        double q = fmin(fmax(qs[qi], c->q_min), c->q_max);
        if (qi && q == fmin(fmax(qs[qi - 1], c->q_min), c->q_max))
            continue;
        double kern[2 * 8 * 384 + 1];
        long half = 0;
        for (long j = 0; j <= (long)(8 * x->ppo); j++) {
            kern[j] = analog_peak_db((double)j / x->ppo, q, 6.0) / 6.0;
            if (kern[j] < 0.01)
                break;
            half = j;
        }
        for (size_t i = x->fit0; i < x->fit1; i += 2) {
            if (x->f[i] < c->fc_min_hz || x->f[i] > c->fc_max_hz)
                continue;
            double num = 0, den = 0;
            long lo = (long)i - half < (long)x->fit0 ? (long)x->fit0 : (long)i - half;
            long hi = (long)i + half >= (long)x->fit1 ? (long)x->fit1 - 1 : (long)i + half;
            for (long j = lo; j <= hi; j++) {
                double s = kern[labs(j - (long)i)];
                num += r[j] * s;
                den += x->w[j] * s * s;
            }
            if (!(den > 0))
                continue;
            double g = num / den;
            double room_up = x->hi[i] - x->P[i] - x->margin, room_dn = x->P[i] - x->lo[i];
            g = fmin(g, fmax(room_up, 0.0));
            g = fmax(g, -fmax(room_dn, 0.0));
            g = fmin(fmax(g, c->gain_min_db), c->gain_max_db);
            double gain = 2 * g * num - g * g * den;
            if (gain > best) {
                best = gain;
                bq = q;
                bf = x->f[i];
                bg = g;
            }
        }
    }
    *fl = (filt){HP_BQ_PEAK, 1, 1, bf, bq, bg};
}

/* Brings the dense-grid maximum of the curve down to the cap: the margin in the penalty keeps
 * this to hundredths of a dB, but the grid between fit points is not seen by the penalty. */
static hp_err enforce_cap(fitctx *x, hp_peq *out, double cap)
{
    double step = x->cfg->gain_step_db;
    for (int it = 0; it < 200; it++) {
        double top, f_at;
        hp_err e = hp_peqfit_dense_max(out, x->cfg->rate_hz, &top, &f_at);
        if (e != HP_OK)
            return e;
        if (top <= cap + 1e-4)
            return HP_OK;
        /* The filter lifting that point the most gives up what is too much, in proportion. */
        size_t kb = out->n;
        double vb = 0;
        for (size_t k = 0; k < out->n; k++) {
            double v;
            double phi = 4 * pow(sin(M_PI * f_at / x->cfg->rate_hz), 2);
            e = hp_peqsec_db(out->f[k].type, out->f[k].fc_hz, out->f[k].q, out->f[k].gain_db,
                             x->cfg->rate_hz, &phi, 1, &v, NULL, NULL, NULL);
            if (e != HP_OK)
                return e;
            if (v > vb) {
                vb = v;
                kb = k;
            }
        }
        if (kb == out->n)
            return HP_OK;  /* nothing positive to lower: cannot happen with top > cap >= 0 */
        double g = out->f[kb].gain_db;
        double cut = step > 0 ? step : (top - cap) * 1.02 * g / vb + 1e-4;
        if (g - cut < x->cfg->gain_min_db)
            return HP_OK;  /* at its limit: the report shows the boost that remains */
        out->f[kb].gain_db = g - cut;
    }
    return HP_OK;
}

static void to_peq(const fitctx *x, hp_peq *out)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < x->nactive; k++) {
        const filt *fl = &x->fl[k];
        out->f[out->n++] = (hp_peq_filter){fl->type, fl->fc, fl->q, fl->g};
    }
}

/* The search, on x's (coarse) grid: shelves or fixed bands first, then one peak at a time
 * where it removes the most residual, each time refining every filter placed so far, all
 * aimed at the demand the cap allows; then the joint refinement against the real target. */
static hp_err search(fitctx *x)
{
    hp_err e = HP_OK;
    x->target = x->target_soft;
    if (x->nactive)
        e = hp_peqfit_lm(x, 40);
    while (e == HP_OK && x->nactive < x->nf) {
        seed_peak(x, &x->fl[x->nactive]);
        x->nactive++;
        e = hp_peqfit_lm(x, x->nactive == x->nf ? 100 : 10);
    }
    x->target = x->target_true;
    if (e == HP_OK)
        e = hp_peqfit_lm(x, 100);
    return e;
}

hp_err hp_peqfit_run(const hp_peqfit_cfg *cfg, const hp_peqfit_input *in, hp_peq *out,
                     hp_peqfit_report *rep)
{
    if (!cfg || !out || hp_peqfit_cfg_check(cfg, NULL, 0) != HP_OK)
        return HP_EINVAL;
    hp_err e = check_input(cfg, in);
    if (e != HP_OK)
        return e;
    /* The search runs on a third of the grid density (about a ninth of the work per step:
     * rows and points both shrink); its result is polished on the full grid. */
    fitctx x;
    memset(&x, 0, sizeof x);
    e = setup(&x, cfg, in, fmax(6.0, cfg->ppo / 3));
    if (e == HP_OK)
        e = search(&x);
    filt found[HP_PEQ_MAX];
    double level = x.level;
    unsigned iters = x.iters;
    memcpy(found, x.fl, sizeof found);
    free(x.buf);
    if (e != HP_OK)
        return e;
    memset(&x, 0, sizeof x);
    e = setup(&x, cfg, in, cfg->ppo);
    if (e == HP_OK) {
        memcpy(x.fl, found, sizeof found);
        x.nactive = x.nf;
        x.level = level;
        x.iters = iters;
        e = hp_peqfit_lm(&x, 100);
    }
    if (e == HP_OK && cfg->gain_step_db > 0)
        e = hp_peqfit_round_gains(&x);
    if (e == HP_OK) {
        to_peq(&x, out);
        e = enforce_cap(&x, out, cfg->no_preamp ? 0.0 : cfg->max_boost_db);
    }
    if (e == HP_OK) {
        for (size_t k = 0; k < out->n; k++)
            x.fl[k].g = out->f[k].gain_db;
        double top, f_at;
        e = hp_peqfit_dense_max(out, cfg->rate_hz, &top, &f_at);
        if (e == HP_OK && cfg->no_preamp)
            out->preamp_db = 0;
        else if (e == HP_OK)
            e = hp_peq_auto_preamp(out, cfg->rate_hz, &out->preamp_db);
        if (e == HP_OK && rep) {
            memset(rep, 0, sizeof *rep);
            hp_peqfit_measure(&x, &rep->loss_db, &rep->rms_db);
            rep->max_boost_db = top;
            rep->level_db = x.level;
            rep->iterations = x.iters;
        }
    }
    free(x.buf);
    return e;
}
