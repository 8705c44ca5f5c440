/* SPDX-License-Identifier: MIT */
/* Calibrator level (band-limited, block-wise, with frequency and stability checks) and the
 * sensitivity arithmetic. */
#include "spl.h"
#include <math.h>
#include <stdlib.h>
#include "fft.h"

/* The peak search looks at no more than this many frames (about 22 s at 48 kHz): a
 * calibrator's frequency does not need more, and the transform stays small. */
#define PEAK_MAX_FRAMES ((size_t)1 << 20)

hp_spl_cfg hp_spl_cfg_default(void)
{
    hp_spl_cfg c = {1000.0, 0.02, 0.1, 0.5, 20.0, -90.0, 1.0};
    return c;
}

static int cfg_ok(const hp_spl_cfg *c, double rate)
{
    return c && isfinite(c->tone_hz) && c->tone_hz > 0 && c->tone_hz < 0.45 * rate &&
           isfinite(c->freq_tol) && c->freq_tol > 0 && c->freq_tol < 0.5 &&
           isfinite(c->block_s) && c->block_s > 0 && c->block_s * rate >= 64 &&
           isfinite(c->max_spread_db) && c->max_spread_db > 0 && isfinite(c->min_snr_db) &&
           isfinite(c->min_level_dbfs) && isfinite(c->min_duration_s) && c->min_duration_s >= 0;
}

static double hann(size_t i, size_t len)
{
    return 0.5 - 0.5 * cos(2.0 * M_PI * ((double)i + 0.5) / (double)len);
}

/* Hann-windowed power spectrum |X[k]|^2, k = 0..m/2, of len frames from x (stride s),
 * zero-padded to the transform size; *wpow gets sum of w^2. */
static hp_err power_spectrum(hp_fft *fft, const double *x, size_t len, size_t s, double *buf,
                             double complex *bins, double *pw, double *wpow)
{
    size_t m = hp_fft_size(fft);
    double w2 = 0;
    for (size_t i = 0; i < m; i++) {
        if (i < len) {
            double w = hann(i, len);
            buf[i] = w * x[i * s];
            w2 += w * w;
        } else {
            buf[i] = 0;
        }
    }
    hp_err e = hp_fft_forward(fft, buf, bins);
    if (e != HP_OK)
        return e;
    for (size_t k = 0; k <= m / 2; k++)
        pw[k] = creal(bins[k]) * creal(bins[k]) + cimag(bins[k]) * cimag(bins[k]);
    *wpow = w2;
    return HP_OK;
}

/* Sum of pw over the bins whose frequency lies in [lo, hi]. */
static double band_sum(const double *pw, size_t nb, double df, double lo, double hi)
{
    double s = 0;
    size_t k0 = (size_t)ceil(lo / df), k1 = (size_t)floor(hi / df);
    for (size_t k = k0; k <= k1 && k < nb; k++)
        s += pw[k];
    return s;
}

typedef struct {
    hp_fft *fft;
    double *buf, *pw;
    double complex *bins;
} work;

static void work_free(work *w)
{
    hp_fft_free(w->fft);
    hp_fft_buf_free(w->buf);
    hp_fft_buf_free(w->bins);
    free(w->pw);
}

static hp_err work_new(work *w, size_t len)
{
    hp_err e = HP_ENOMEM;
    size_t m = hp_fft_good_size(len);
    if (m < 2)
        return HP_ENOMEM;
    w->fft = hp_fft_new(m, &e);
    w->buf = hp_fft_alloc_real(m);
    w->bins = hp_fft_alloc_complex(m / 2 + 1);
    w->pw = malloc((m / 2 + 1) * sizeof *w->pw);
    if (!w->fft || !w->buf || !w->bins || !w->pw) {
        work_free(w);
        return w->fft ? HP_ENOMEM : e;
    }
    return HP_OK;
}

/* The strongest peak between 20 Hz and 0.45 rate, refined by a parabola through the log
 * powers of its bin and the two neighbours, and how far its third-octave band stands above
 * everything else. */
static hp_err find_peak(const double *x, size_t n, size_t s, double rate, hp_spl_result *r)
{
    size_t len = n < PEAK_MAX_FRAMES ? n : PEAK_MAX_FRAMES;
    const double *start = x + (n - len) / 2 * s; /* the middle: away from handling noise */
    work w = {0};
    hp_err e = work_new(&w, len);
    double wpow;
    if (e == HP_OK)
        e = power_spectrum(w.fft, start, len, s, w.buf, w.bins, w.pw, &wpow);
    if (e != HP_OK) {
        work_free(&w);
        return e;
    }
    size_t m = hp_fft_size(w.fft), nb = m / 2 + 1, best = 0;
    double df = rate / (double)m, total = 0;
    for (size_t k = 1; k < nb; k++) {
        total += w.pw[k];
        double f = (double)k * df;
        if (f >= 20 && f <= 0.45 * rate && (best == 0 || w.pw[k] > w.pw[best]))
            best = k;
    }
    double fpk = (double)best * df;
    if (best > 0 && best + 1 < nb && w.pw[best - 1] > 0 && w.pw[best + 1] > 0 && w.pw[best] > 0) {
        double a = log(w.pw[best - 1]), b = log(w.pw[best]), c = log(w.pw[best + 1]);
        double den = a - 2 * b + c;
        if (den < 0)
            fpk = ((double)best + 0.5 * (a - c) / den) * df;
    }
    double in = band_sum(w.pw, nb, df, fpk * pow(2, -1.0 / 6), fpk * pow(2, 1.0 / 6));
    double rest = total - in;
    r->peak_hz = best ? fpk : (double)NAN;
    r->snr_db = in <= 0 ? -(double)INFINITY : rest <= in * 1e-30 ? 300.0 : 10 * log10(in / rest);
    work_free(&w);
    return HP_OK;
}

/* Level of each block in the nominal band; power average, spread and where the extremes are. */
static hp_err block_levels(const double *x, size_t n, size_t s, double rate, const hp_spl_cfg *c,
                           hp_spl_result *r)
{
    size_t blen = (size_t)llround(c->block_s * rate), nblk = n / blen;
    work w = {0};
    hp_err e = work_new(&w, blen);
    if (e != HP_OK)
        return e;
    size_t m = hp_fft_size(w.fft), nb = m / 2 + 1;
    double df = rate / (double)m, lo = c->tone_hz * pow(2, -1.0 / 6), hi = c->tone_hz * pow(2, 1.0 / 6);
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    for (size_t b = 0; b < nblk && e == HP_OK; b++) {
        double wpow;
        e = power_spectrum(w.fft, x + b * blen * s, blen, s, w.buf, w.bins, w.pw, &wpow);
        if (e != HP_OK)
            break;
        /* One-sided Parseval: the band's share of the windowed signal's mean square. */
        double ms = 2.0 * band_sum(w.pw, nb, df, lo, hi) / ((double)m * wpow);
        double lev = 10 * log10(fmax(2.0 * ms, 1e-300));
        sum += ms;
        if (lev < mn) {
            mn = lev;
            r->min_at_s = (double)(b * blen) / rate;
        }
        if (lev > mx) {
            mx = lev;
            r->max_at_s = (double)(b * blen) / rate;
        }
    }
    work_free(&w);
    if (e != HP_OK)
        return e;
    r->level_dbfs = 10 * log10(fmax(2.0 * sum / (double)nblk, 1e-300));
    r->min_block_dbfs = mn;
    r->max_block_dbfs = mx;
    r->spread_db = mx - mn;
    return HP_OK;
}

hp_err hp_spl_measure(const double *x, size_t n, size_t stride, double rate_hz,
                      const hp_spl_cfg *cfg, hp_spl_result *out)
{
    if (!x || !out || n == 0 || stride == 0 || !isfinite(rate_hz) || rate_hz <= 0 ||
        !cfg_ok(cfg, rate_hz))
        return HP_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i * stride]))
            return HP_EINVAL;
    hp_spl_result r = {HP_SPL_OK, (double)n / rate_hz, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    size_t blen = (size_t)llround(cfg->block_s * rate_hz);
    if (r.duration_s < cfg->min_duration_s || n < 2 * blen || n < 16) {
        r.verdict = HP_SPL_TOO_SHORT;
        *out = r;
        return HP_OK;
    }
    hp_err e = find_peak(x, n, stride, rate_hz, &r);
    if (e == HP_OK)
        e = block_levels(x, n, stride, rate_hz, cfg, &r);
    if (e != HP_OK)
        return e;
    if (!(r.snr_db >= cfg->min_snr_db))
        r.verdict = HP_SPL_NO_TONE;
    else if (fabs(r.peak_hz / cfg->tone_hz - 1) > cfg->freq_tol)
        r.verdict = HP_SPL_WRONG_FREQ;
    else if (r.level_dbfs < cfg->min_level_dbfs)
        r.verdict = HP_SPL_TOO_QUIET;
    else if (r.spread_db > cfg->max_spread_db)
        r.verdict = HP_SPL_UNSTABLE;
    *out = r;
    return HP_OK;
}

double hp_spl_offset_db(double ref_db_spl, double level_dbfs)
{
    if (!isfinite(ref_db_spl) || !isfinite(level_dbfs))
        return NAN;
    return ref_db_spl - level_dbfs;
}

double hp_sens_db_spl_per_v(double spl_db, double vrms)
{
    if (!isfinite(spl_db) || !isfinite(vrms) || vrms <= 0)
        return NAN;
    return spl_db - 20 * log10(vrms);
}

double hp_sens_db_spl_per_mw(double spl_db, double vrms, double impedance_ohm)
{
    if (!isfinite(spl_db) || !isfinite(vrms) || vrms <= 0 || !isfinite(impedance_ohm) ||
        impedance_ohm <= 0)
        return NAN;
    double mw = 1000.0 * vrms * vrms / impedance_ohm;
    return spl_db - 10 * log10(mw);
}
