/* SPDX-License-Identifier: MIT */
/* Deconvolution by regularized spectral division. Dividing by the spectrum of the signal
 * actually played (fades, padding and all) is exact for a linear system, which is why hpfr does
 * not use Farina's analytic inverse filter: that one assumes an ideal sweep and leaves band-edge
 * errors of 0.03-0.4 dB (measurement-science.md 1.3). */
#include "deconv.h"
#include "fft.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hp_deconv {
    hp_deconv_cfg cfg;
    hp_fft *fft;
    double *inv;       /* regularized inverse spectrum, interleaved (own, or shared) */
    double *own_inv;   /* what this object allocated for inv: fft_frames + 2 doubles */
    double *work;      /* work buffer of hp_deconv_run, allocated on first use */
    int have_ref;
};

hp_deconv *hp_deconv_new(const hp_deconv_cfg *cfg, hp_err *err)
{
    hp_err e = HP_EINVAL;
    hp_deconv *d = NULL;
    if (!cfg || !(cfg->rate_hz > 0) || !(cfg->f1_hz > 0) || !(cfg->f2_hz > cfg->f1_hz) ||
        !(cfg->f2_hz <= cfg->rate_hz / 2) || cfg->fft_frames < 16 || !(cfg->reg_db >= 0) ||
        cfg->reg_db > 300)
        goto fail;
    e = HP_ENOMEM;
    d = calloc(1, sizeof *d);
    if (!d)
        goto fail;
    d->cfg = *cfg;
    d->fft = hp_fft_new(cfg->fft_frames, &e);
    if (!d->fft || (e = hp_fft_plan_inverse(d->fft)) != HP_OK)
        goto fail;
    e = HP_ENOMEM;
    /* Allocated now, touched (and so paid for) only when a reference is set. */
    d->own_inv = d->inv = hp_fft_alloc_real(cfg->fft_frames + 2);
    if (!d->inv)
        goto fail;
    if (err)
        *err = HP_OK;
    return d;
fail:
    hp_deconv_free(d);
    if (err)
        *err = e;
    return NULL;
}

void hp_deconv_free(hp_deconv *d)
{
    if (!d)
        return;
    hp_fft_free(d->fft);
    hp_fft_buf_free(d->own_inv);
    hp_fft_buf_free(d->work);
    free(d);
}

size_t hp_deconv_size(const hp_deconv *d)
{
    return d ? d->cfg.fft_frames : 0;
}

size_t hp_deconv_buf_len(const hp_deconv *d)
{
    return d ? d->cfg.fft_frames + 2 : 0;
}

/* x[0], x[stride], ... (n of them; doubles x or floats xf) into buf, zero-padded to the
 * transform size. */
static hp_err load(const hp_deconv *d, const double *x, const float *xf, size_t n, size_t stride,
                   double *buf)
{
    if ((!x && !xf) || n == 0 || n > d->cfg.fft_frames || stride == 0)
        return HP_EINVAL;
    if (xf) {
        for (size_t i = 0; i < n; i++)
            buf[i] = xf[i * stride];
    } else if (stride == 1) {
        memcpy(buf, x, n * sizeof *x);
    } else {
        for (size_t i = 0; i < n; i++)
            buf[i] = x[i * stride];
    }
    memset(buf + n, 0, (d->cfg.fft_frames + 2 - n) * sizeof *buf);
    return HP_OK;
}

/* Mean power of the spectrum spec (interleaved) over [lo, hi] Hz; 0 when the range holds no
 * bin. */
static double band_power(const hp_deconv *d, const double *spec, double lo, double hi)
{
    double df = d->cfg.rate_hz / (double)d->cfg.fft_frames, sum = 0;
    size_t nb = d->cfg.fft_frames / 2 + 1, count = 0;
    size_t k0 = (size_t)ceil(lo / df), k1 = (size_t)floor(hi / df);
    for (size_t k = k0; k <= k1 && k < nb; k++, count++)
        sum += spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
    return count ? sum / (double)count : 0;
}
/* Weight that is 0 at the band edge and 1 an octave beyond it, raised cosine in log f: a smooth
 * transition keeps the band-limiting kernel short, a hard step would ring for seconds. */
static double edge_weight(double octaves_outside)
{
    if (octaves_outside <= 0)
        return 0;
    if (octaves_outside >= 1)
        return 1;
    return 0.5 - 0.5 * cos(M_PI * octaves_outside);
}

static hp_err set_reference(hp_deconv *d, const double *x, const float *xf, size_t n,
                            size_t stride);

hp_err hp_deconv_set_reference(hp_deconv *d, const double *x, size_t n)
{
    return hp_deconv_set_reference_strided(d, x, n, 1);
}

hp_err hp_deconv_set_reference_strided(hp_deconv *d, const double *x, size_t n, size_t stride)
{
    return set_reference(d, x, NULL, n, stride);
}

hp_err hp_deconv_set_reference_f(hp_deconv *d, const float *x, size_t n, size_t stride)
{
    return set_reference(d, NULL, x, n, stride);
}

static hp_err set_reference(hp_deconv *d, const double *x, const float *xf, size_t n, size_t stride)
{
    if (!d)
        return HP_EINVAL;
    /* Writing the spectrum below: stop sharing someone else's. */
    d->inv = d->own_inv;
    d->have_ref = 0;
    double *spec = d->inv;
    hp_err e = load(d, x, xf, n, stride, spec);
    if (e == HP_OK)
        e = hp_fft_forward_inplace(d->fft, spec);
    if (e != HP_OK)
        return e;
    const hp_deconv_cfg *c = &d->cfg;
    double nyq = c->rate_hz / 2, df = c->rate_hz / (double)c->fft_frames;
    /* Edge powers from just inside the band, clear of the fades. */
    double eps_lo = band_power(d, spec, c->f1_hz * 1.5, c->f1_hz * 2.0);
    double eps_hi = c->f2_hz < 0.98 * nyq ? band_power(d, spec, c->f2_hz / 1.25, c->f2_hz / 1.1) : 0;
    double in_band = band_power(d, spec, c->f1_hz * 1.5, c->f2_hz / 1.1);
    if (!(in_band > 0) || !isfinite(in_band))
        return HP_ENODATA;
    if (!(eps_lo > 0))
        eps_lo = in_band;
    double scale = pow(10.0, -(c->reg_db > 0 ? c->reg_db : HP_DECONV_REG_DB) / 10.0);
    eps_lo *= scale;
    size_t nb = c->fft_frames / 2 + 1;
    for (size_t k = 0; k < nb; k++) {
        double f = (double)k * df;
        double eps = 0;
        if (f < c->f1_hz)
            eps += eps_lo * (f > 0 ? edge_weight(log2(c->f1_hz / f)) : 1.0);
        if (eps_hi > 0 && f > c->f2_hz)
            eps += eps_hi * edge_weight(log2(f / c->f2_hz));
        double re = spec[2 * k], im = spec[2 * k + 1];
        double p = re * re + im * im + eps;
        spec[2 * k] = p > 0 ? re / p : 0;
        spec[2 * k + 1] = p > 0 ? -im / p : 0;
    }
    d->have_ref = 1;
    return HP_OK;
}

hp_err hp_deconv_run_inplace(const hp_deconv *d, double *buf)
{
    if (!d || !buf || !d->have_ref)
        return HP_EINVAL;
    hp_err e = hp_deconv_transform_inplace(d, buf);
    return e == HP_OK ? hp_deconv_divide_inplace(d, buf) : e;
}

hp_err hp_deconv_transform_inplace(const hp_deconv *d, double *buf)
{
    if (!d || !buf)
        return HP_EINVAL;
    return hp_fft_filter_begin_inplace(d->fft, buf);
}

hp_err hp_deconv_divide_inplace(const hp_deconv *d, double *buf)
{
    if (!d || !buf || !d->have_ref)
        return HP_EINVAL;
    return hp_fft_filter_end_inplace(d->fft, buf, d->inv);
}

hp_err hp_deconv_run(hp_deconv *d, const double *y, size_t n, double *h)
{
    return hp_deconv_run_strided(d, y, n, 1, h);
}

hp_err hp_deconv_run_strided(hp_deconv *d, const double *y, size_t n, size_t stride, double *h)
{
    if (!d || !h || !d->have_ref)
        return HP_EINVAL;
    if (!d->work && !(d->work = hp_fft_alloc_real(d->cfg.fft_frames + 2)))
        return HP_ENOMEM;
    hp_err e = load(d, y, NULL, n, stride, d->work);
    if (e == HP_OK)
        e = hp_deconv_run_inplace(d, d->work);
    if (e == HP_OK)
        memcpy(h, d->work, d->cfg.fft_frames * sizeof *h);
    return e;
}

hp_err hp_deconv_share_reference(hp_deconv *dst, const hp_deconv *src)
{
    if (!dst || !src || !src->have_ref || dst->cfg.fft_frames != src->cfg.fft_frames ||
        dst->cfg.rate_hz != src->cfg.rate_hz)
        return HP_EINVAL;
    dst->inv = src->inv;
    dst->have_ref = 1;
    return HP_OK;
}
