/* SPDX-License-Identifier: MIT */
/* Drift from two captured markers, and its correction with libsamplerate. */
#include "drift.h"
#include <complex.h>
#include <limits.h>
#include <math.h>
#include <samplerate.h>
#include <stdlib.h>
#include <string.h>
#include "fft.h"

static void load(const float *x, size_t stride, size_t from, size_t len, double *dst)
{
    for (size_t i = 0; i < len; i++)
        dst[i] = (double)x[(from + i) * stride];
}

/* Integer lag of the cross-correlation peak, in [-n/2, n/2). */
static long peak_lag(const double *r, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (r[i] > r[best])
            best = i;
    return best >= n / 2 ? (long)best - (long)n : (long)best;
}

/* Weighted least squares of the residual phase against frequency: after removing the integer
 * lag, the phase of X2 conj(X1) is -w * frac, well inside (-pi, pi), so no unwrapping. */
static double fractional_shift(const double complex *c, size_t bins, size_t n, long lag,
                               double *coherence, const double complex *a, const double complex *b)
{
    double mag_max = 0;
    for (size_t k = 1; k < bins; k++)
        mag_max = fmax(mag_max, cabs(c[k]));
    double num = 0, den = 0, cross = 0, pa = 0, pb = 0;
    for (size_t k = 1; k < bins; k++) {
        double w = 2 * M_PI * (double)k / (double)n;
        double complex rot = c[k] * cexp(CMPLX(0, w * (double)lag));
        double m = cabs(rot);
        cross += m;
        pa += cabs(a[k]) * cabs(a[k]);
        pb += cabs(b[k]) * cabs(b[k]);
        /* Only bins well above the noise carry phase worth fitting. */
        if (m < 1e-3 * mag_max)
            continue;
        double phi = carg(rot);
        num += m * w * phi;
        den += m * w * w;
    }
    *coherence = (pa > 0 && pb > 0) ? cross / sqrt(pa * pb) : 0;
    return den > 0 ? -num / den : 0;
}

hp_err hp_drift_estimate(const float *x, size_t stride, size_t n, size_t pos1, size_t pos2,
                         size_t mlen, size_t slack, hp_drift *out)
{
    if (!x || !out || !stride || !mlen || pos2 <= pos1 || pos2 + mlen + slack > n ||
        pos1 + mlen + slack > pos2)
        return HP_EINVAL;
    size_t seg = mlen + slack, nfft = hp_fft_good_size(2 * seg), bins = nfft / 2 + 1;
    hp_err e = HP_ENOMEM;
    hp_fft *f = hp_fft_new(nfft, &e);
    double *buf = hp_fft_alloc_real(nfft);
    double complex *s1 = hp_fft_alloc_complex(bins), *s2 = hp_fft_alloc_complex(bins);
    double complex *c = hp_fft_alloc_complex(bins);
    if (!f || !buf || !s1 || !s2 || !c)
        goto done;
    memset(buf, 0, nfft * sizeof *buf);
    load(x, stride, pos1, seg, buf);
    if ((e = hp_fft_forward(f, buf, s1)) != HP_OK)
        goto done;
    load(x, stride, pos2, seg, buf);
    if ((e = hp_fft_forward(f, buf, s2)) != HP_OK)
        goto done;
    for (size_t k = 0; k < bins; k++)
        c[k] = s2[k] * conj(s1[k]);
    if ((e = hp_fft_inverse(f, c, buf)) != HP_OK)
        goto done;
    long lag = peak_lag(buf, nfft);
    double coherence = 0, frac = fractional_shift(c, bins, nfft, lag, &coherence, s1, s2);
    /* Two segments of silence, or of unrelated noise, have no common marker to align. */
    if (!(coherence > 0.5)) {
        e = HP_ENODATA;
        goto done;
    }
    out->shift = (double)lag + frac;
    out->ppm = out->shift / (double)(pos2 - pos1) * 1e6;
    out->coherence = coherence;
    e = HP_OK;
done:
    hp_fft_free(f);
    hp_fft_buf_free(buf);
    hp_fft_buf_free(s1);
    hp_fft_buf_free(s2);
    hp_fft_buf_free(c);
    return e;
}

hp_err hp_drift_correct(const float *in, size_t frames, unsigned channels, double ppm,
                        float **out, size_t *out_frames)
{
    if (!in || !out || !out_frames || !frames || !channels || !isfinite(ppm))
        return HP_EINVAL;
    if (fabs(ppm) > 10000)
        return HP_ERANGE;
    double ratio = 1.0 / (1.0 + ppm * 1e-6);
    size_t cap = (size_t)ceil((double)frames * ratio) + 16;
    if (frames > (size_t)LONG_MAX / channels || cap > (size_t)LONG_MAX / channels)
        return HP_ERANGE;
    float *o = malloc(cap * channels * sizeof *o);
    if (!o)
        return HP_ENOMEM;
    SRC_DATA d = {.data_in = in, .data_out = o, .input_frames = (long)frames,
                  .output_frames = (long)cap, .src_ratio = ratio, .end_of_input = 1};
    int err = src_simple(&d, SRC_SINC_BEST_QUALITY, (int)channels);
    if (err) {
        free(o);
        return HP_EINVAL;
    }
    *out = o;
    *out_frames = (size_t)d.output_frames_gen;
    return HP_OK;
}
