/* SPDX-License-Identifier: MIT */
/* Per-path analysis of a deconvolved sweep response. The linear IR is windowed from its onset;
 * each harmonic IR is cut with a window centred on L ln n before it, because the even harmonics
 * of a sine sweep come out as two-sided (Hilbert-like) pulses and a window that starts just
 * before the pulse loses up to 3 dB of H2 below 1 kHz (measurement-science.md 1.2, 3.2). */
#include "analysis.h"
#include "fft.h"
#include "ir.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Zero padding of the spectra that grid values are interpolated from. A window of W samples
 * has spectral detail no finer than fs/W; sampling it OVERSAMPLE times more finely leaves
 * cubic interpolation (and the smoothing's linear interpolation) an error below 0.001 dB on a
 * headphone's response, whose energy near the window's end (where the taper and the decay
 * leave little) is what interpolation resolves least well; the linear window's spectrum is
 * also sampled at least every LINEAR_DF_HZ for the narrowest smoothing windows in the bass
 * (1/48 octave at 20 Hz is 0.29 Hz wide; 1/24 is 0.58). Against the analytic response of a
 * simulated headphone, a 505 ms window at 48 kHz transformed at 135000 points (5.6 times W)
 * reads raw values within 0.000001 dB and 1/48- to 1/3-octave smoothed values within 0.0002 dB
 * (at 8 times, 0.0000005 and 0.00007). The smaller size matters for a run-once program: it is
 * the deconvolution's own size for 2^16-sample sweeps, so no second transform is planned. */
#define OVERSAMPLE 5
#define LINEAR_DF_HZ 0.36

struct hp_analyzer {
    hp_analysis_cfg cfg;
    size_t n;                 /* deconvolved buffer length */
    size_t m, mh;             /* transform sizes for the linear and harmonic windows */
    size_t hoff;              /* where the harmonic transform lives in a work buffer */
    hp_fft *fft, *ffth;
};

hp_analysis_cfg hp_analysis_cfg_default(void)
{
    hp_analysis_cfg c = {0};
    c.left_s = 0.005;
    c.right_s = 0.5;
    c.right_taper = 0.25;
    c.onset_db = -20;
    c.max_harmonic = HP_MAX_HARMONIC;
    c.harmonic_s = 0.0427;
    c.smooth = hp_smooth_cfg_default();
    return c;
}

static int cfg_ok(const hp_analysis_cfg *c)
{
    return c && c->rate_hz > 0 && c->f1_hz > 0 && c->f2_hz > c->f1_hz &&
           c->f2_hz <= c->rate_hz / 2 && c->rate_const_s > 0 && c->left_s >= 0 &&
           c->right_s > 0 && c->right_taper >= 0 && c->right_taper <= 1 && c->onset_db < 0 &&
           c->max_harmonic >= 1 && c->max_harmonic <= HP_MAX_HARMONIC && c->harmonic_s > 0 &&
           c->grid_hz &&
           c->grid_n >= 1;
}

static size_t frames(const hp_analysis_cfg *c, double s)
{
    return (size_t)llround(s * c->rate_hz);
}

/* Half-width of harmonic n's window: at most half the gap to its nearer neighbour (harmonic
 * n+1), and no longer than harmonic_s, since a longer window only adds noise once it holds the
 * harmonic's own response. */
static size_t harmonic_half(const hp_analysis_cfg *c, unsigned n)
{
    double gap = 0.5 * c->rate_const_s * log((n + 1.0) / n) * c->rate_hz;
    return (size_t)floor(fmin(gap, 0.5 * c->harmonic_s * c->rate_hz));
}

/* The work buffer holds h, then the linear window's spectrum over it; the harmonic windows'
 * spectra go after both, 64-byte aligned like the buffer itself. */
static size_t harmonic_offset(size_t n, size_t m)
{
    return ((n > m ? n : m) + 2 + 7) / 8 * 8;
}

/* The transform sizes for windows of cfg; 0 when they overflow. */
static int window_sizes(const hp_analysis_cfg *cfg, size_t *m, size_t *mh)
{
    size_t win = frames(cfg, cfg->left_s) + frames(cfg, cfg->right_s) + 1;
    size_t want = (size_t)ceil(cfg->rate_hz / LINEAR_DF_HZ);
    if (want < win * OVERSAMPLE)
        want = win * OVERSAMPLE;
    *m = want;
    *mh = hp_fft_good_size(OVERSAMPLE * (2 * harmonic_half(cfg, 2) + 1));
    return *mh != 0;
}

size_t hp_analysis_buf_len(const hp_analysis_cfg *cfg, size_t n_frames)
{
    size_t want, mh;
    if (!cfg_ok(cfg) || !window_sizes(cfg, &want, &mh))
        return 0;
    size_t m = n_frames >= want && n_frames <= 2 * want ? n_frames : hp_fft_good_size(want);
    return m ? harmonic_offset(n_frames, m) + mh + 2 : 0;
}

hp_analyzer *hp_analyzer_new(const hp_analysis_cfg *cfg, size_t n_frames, hp_err *err)
{
    hp_err e = HP_EINVAL;
    hp_analyzer *a = NULL;
    if (!cfg_ok(cfg) || n_frames < 64)
        goto fail;
    size_t win = frames(cfg, cfg->left_s) + frames(cfg, cfg->right_s) + 1;
    if (win > n_frames)
        goto fail;
    e = HP_ENOMEM;
    a = calloc(1, sizeof *a);
    if (!a)
        goto fail;
    a->cfg = *cfg;
    a->n = n_frames;
    size_t want;
    if (!window_sizes(cfg, &want, &a->mh))
        goto fail;
    /* The deconvolution's own size, when fine enough, costs no new FFTW plan: re-planning a
     * size already planned in this process is nearly free, planning a new one is not. */
    a->m = n_frames >= want && n_frames <= 2 * want ? n_frames : hp_fft_good_size(want);
    if (!a->m)
        goto fail;
    a->fft = hp_fft_new(a->m, &e);
    if (!a->fft)
        goto fail;
    a->ffth = hp_fft_new(a->mh, &e);
    if (!a->ffth)
        goto fail;
    a->hoff = harmonic_offset(a->n, a->m);
    if (err)
        *err = HP_OK;
    return a;
fail:
    hp_analyzer_free(a);
    if (err)
        *err = e;
    return NULL;
}

void hp_analyzer_free(hp_analyzer *a)
{
    if (!a)
        return;
    hp_fft_free(a->fft);
    hp_fft_free(a->ffth);
    free(a);
}

size_t hp_analyzer_buf_len(const hp_analyzer *a)
{
    return a ? a->hoff + a->mh + 2 : 0;
}

void hp_response_release(hp_response *r)
{
    if (!r)
        return;
    free(r->raw_db);
    free(r->smooth_db);
    free(r->phase_deg);
    free(r->thd_pct);
    free(r->thd_db);
    free(r->ir);
    for (int i = 0; i < HP_MAX_HARMONIC - 1; i++) {
        free(r->harm_db[i]);
        free(r->hir[i]);
    }
    memset(r, 0, sizeof *r);
}

static hp_err response_alloc(hp_response *r, size_t n)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    double **cols[] = {&r->raw_db, &r->smooth_db, &r->phase_deg, &r->thd_pct, &r->thd_db,
                       &r->harm_db[0], &r->harm_db[1], &r->harm_db[2], &r->harm_db[3]};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (!(*cols[i] = calloc(n, sizeof(double))))
            return HP_ENOMEM;
    return HP_OK;
}

/* Cubic (4-point Lagrange) interpolation of a zero-padded spectrum at f_hz. */
static double complex bins_at(const double complex *b, size_t nb, double df, double f_hz)
{
    double p = f_hz / df;
    long long i = (long long)floor(p);
    double t = p - (double)i;
    double w[4] = {-t * (t - 1) * (t - 2) / 6, (t + 1) * (t - 1) * (t - 2) / 2,
                   -(t + 1) * t * (t - 2) / 2, (t + 1) * t * (t - 1) / 6};
    double complex s = 0;
    for (int k = 0; k < 4; k++) {
        long long j = i - 1 + k;
        if (j < 0)
            j = -j; /* the spectrum of a real signal is Hermitian: X[-j] = conj(X[j]) */
        if (j >= (long long)nb)
            j = (long long)nb - 1;
        double complex v = (i - 1 + k < 0) ? conj(b[j]) : b[j];
        s += w[k] * v;
    }
    return s;
}

static double to_db(double mag)
{
    return 20.0 * log10(mag > 1e-300 ? mag : 1e-300);
}

static hp_ir_window linear_window(const hp_analysis_cfg *c, size_t onset)
{
    hp_ir_window w = {0};
    w.t0 = (double)onset;
    w.before = frames(c, c->left_s);
    w.after = frames(c, c->right_s);
    w.taper_before = w.before;
    w.taper_after = (size_t)llround(c->right_taper * (double)w.after);
    return w;
}

/* The windowed segment seg (w->before + w->after + 1 samples) laid out for a transform of m:
 * time zero at index 0, earlier samples wrapped to the end, zeros between; the same as
 * hp_ir_extract, without computing the taper a second time. */
static void place_segment(const double *seg, const hp_ir_window *w, double *out, size_t m)
{
    memcpy(out, seg + w->before, (w->after + 1) * sizeof *out);
    memset(out + w->after + 1, 0, (m - (w->before + w->after + 1)) * sizeof *out);
    memcpy(out + m - w->before, seg, w->before * sizeof *out);
}

/* The windowed linear IR into r->ir (for ir.wav; also the input of linear_part). */
static hp_err linear_segment(const hp_analyzer *a, const double *h, size_t onset, hp_response *r)
{
    hp_ir_window w = linear_window(&a->cfg, onset);
    r->ir_len = w.before + w.after + 1;
    r->ir_zero = w.before;
    if (!(r->ir = malloc(r->ir_len * sizeof *r->ir)))
        return HP_ENOMEM;
    return hp_ir_segment(h, a->n, &w, r->ir);
}

/* Raw and smoothed magnitude and phase on the grid from the windowed linear IR, transformed
 * in buf (m + 2 doubles; whatever it held is overwritten). */
static hp_err linear_part(const hp_analyzer *a, double *buf, size_t onset, hp_response *r)
{
    const hp_analysis_cfg *c = &a->cfg;
    hp_ir_window w = linear_window(c, onset);
    place_segment(r->ir, &w, buf, a->m);
    hp_err e = hp_fft_forward_inplace(a->fft, buf);
    if (e != HP_OK)
        return e;
    const double complex *bins = (const double complex *)buf;
    size_t nb = a->m / 2 + 1;
    double df = c->rate_hz / (double)a->m;
    for (size_t i = 0; i < c->grid_n; i++) {
        double complex v = bins_at(bins, nb, df, c->grid_hz[i]);
        r->raw_db[i] = to_db(cabs(v));
        r->phase_deg[i] = carg(v) * 180.0 / M_PI;
    }
    if (c->smooth.kind == HP_SMOOTH_NONE) { /* "none" means the raw values, exactly */
        memcpy(r->smooth_db, r->raw_db, c->grid_n * sizeof *r->smooth_db);
        return HP_OK;
    }
    /* The power spectrum over the bins, in place: power[k] lands at or before bin k's real
     * part, which has been read by then. */
    for (size_t k = 0; k < nb; k++)
        buf[k] = buf[2 * k] * buf[2 * k] + buf[2 * k + 1] * buf[2 * k + 1];
    return hp_smooth_spectrum(buf, nb, df, &c->smooth, c->grid_hz, c->grid_n, r->smooth_db);
}

/* Frames before a response that its harmonics (up to the 10th) may occupy. */
static long long harmonic_zone(const hp_analysis_cfg *c)
{
    return llround(c->rate_const_s * log(10.0) * c->rate_hz) + (long long)harmonic_half(c, 2);
}

/* The noise floor is read after the linear window and before anything else in the circular
 * buffer: this path's own wrapped harmonics and the responses to other sweeps. */
static hp_err noise_part(const hp_analyzer *a, const double *h, size_t onset, const hp_path_opts *o,
                         hp_response *r)
{
    const hp_analysis_cfg *c = &a->cfg;
    long long n = (long long)a->n, zone = harmonic_zone(c);
    hp_ir_window w = linear_window(c, onset);
    long long start = (long long)onset + (long long)w.after + frames(c, 0.01);
    long long end = (long long)onset + n - zone;
    for (size_t i = 0; o && i < o->n_other && i < 2; i++) {
        long long pos = o->other_offset[i] < 0 ? o->other_offset[i] + n : o->other_offset[i];
        long long lim = (long long)onset + pos - zone;
        if (lim < end)
            end = lim;
    }
    long long cap = frames(c, 2.0);
    if (end - start > cap)
        end = start + cap;
    if (end - start < 256) {
        /* Short sweeps: fall back to the gap between H2's window and the linear window. */
        long long h2 = (long long)onset - llround(c->rate_const_s * log(2.0) * c->rate_hz);
        start = h2 + (long long)harmonic_half(c, 2);
        end = (long long)onset - (long long)w.before - frames(c, 0.001);
        if (end - start < 64)
            return HP_ENODATA;
    }
    hp_err e = hp_ir_rms(h, a->n, hp_ir_wrap(start, a->n), (size_t)(end - start), &r->noise_rms);
    if (e != HP_OK)
        return e;
    double ratio = r->noise_rms > 0 ? fabs(r->peak) / r->noise_rms : 1e15;
    r->pnr_db = to_db(fmin(ratio, 1e15));
    return HP_OK;
}

/* Harmonic n of excitation f is measurable when n f lies inside the sweep, clear of its
 * fade-out, and f is past the fade-in. */
static int harmonic_valid(const hp_analysis_cfg *c, unsigned n, double f)
{
    return n <= c->max_harmonic && n * f <= 0.95 * c->f2_hz && f >= c->f1_hz * M_SQRT2 &&
           n * f < c->rate_hz / 2;
}

/* Harmonic n's windowed IR into r->hir, and the magnitude of its spectrum at n f for every
 * grid frequency f where it is measurable (NaN elsewhere) into r->harm_db, to be made
 * relative to the fundamental by finish_distortion. scratch holds mh + 2 doubles. */
static hp_err harmonic_part(const hp_analyzer *a, const double *h, size_t onset, unsigned n,
                            double *scratch, hp_response *r)
{
    const hp_analysis_cfg *c = &a->cfg;
    size_t half = harmonic_half(c, n);
    double t0 = (double)onset - c->rate_const_s * log((double)n) * c->rate_hz;
    t0 = fmod(t0, (double)a->n);
    if (t0 < 0)
        t0 += (double)a->n;
    hp_ir_window w = {t0, half, half, half / 2, half / 2};
    size_t hi = n - 2;
    r->hir_len[hi] = 2 * half + 1;
    r->hir_zero[hi] = half;
    if (!(r->hir[hi] = malloc(r->hir_len[hi] * sizeof(double))))
        return HP_ENOMEM;
    hp_err e = hp_ir_segment(h, a->n, &w, r->hir[hi]);
    if (e != HP_OK)
        return e;
    place_segment(r->hir[hi], &w, scratch, a->mh);
    if ((e = hp_fft_forward_inplace(a->ffth, scratch)) != HP_OK)
        return e;
    const double complex *bins = (const double complex *)scratch;
    size_t nb = a->mh / 2 + 1;
    double df = c->rate_hz / (double)a->mh;
    for (size_t i = 0; i < c->grid_n; i++) {
        double f = c->grid_hz[i];
        /* Magnitudes only: the sub-sample part of t0 is a pure phase term. */
        if (harmonic_valid(c, n, f))
            r->harm_db[hi][i] = cabs(bins_at(bins, nb, df, n * f));
        else
            r->harm_db[hi][i] = NAN;
    }
    return HP_OK;
}

static hp_err distortion_part(const hp_analyzer *a, const double *h, size_t onset,
                              double *scratch, hp_response *r)
{
    for (unsigned n = 2; n <= HP_MAX_HARMONIC; n++) {
        if (n > a->cfg.max_harmonic) {
            for (size_t i = 0; i < r->n; i++)
                r->harm_db[n - 2][i] = NAN;
            continue;
        }
        hp_err e = harmonic_part(a, h, onset, n, scratch, r);
        if (e != HP_OK)
            return e;
    }
    return HP_OK;
}

/* With the fundamental known: harmonic levels re fundamental, and THD. */
static void finish_distortion(hp_response *r)
{
    for (size_t i = 0; i < r->n; i++)
        r->thd_pct[i] = 0;
    /* The fundamental's magnitude, once per frequency (kept in the thd_db column until the
     * end replaces it). */
    double *fund = r->thd_db;
    for (size_t i = 0; i < r->n; i++)
        fund[i] = pow(10.0, r->raw_db[i] / 20.0);
    for (unsigned n = 2; n <= HP_MAX_HARMONIC; n++) {
        double *hd = r->harm_db[n - 2];
        for (size_t i = 0; i < r->n; i++) {
            if (isnan(hd[i]) || !r->hir[n - 2])
                continue;
            double mag = hd[i];
            hd[i] = to_db(mag) - r->raw_db[i];
            double ratio = mag / fund[i];
            r->thd_pct[i] += ratio * ratio;
        }
    }
    /* H2 has the widest valid range, so where it is missing no harmonic was measured. */
    for (size_t i = 0; i < r->n; i++) {
        if (isnan(r->harm_db[0][i])) {
            r->thd_pct[i] = r->thd_db[i] = NAN;
        } else {
            r->thd_pct[i] = 100.0 * sqrt(r->thd_pct[i]);
            r->thd_db[i] = to_db(r->thd_pct[i] / 100.0);
        }
    }
}

static hp_err locate(const hp_analyzer *a, const double *h, const hp_path_opts *o, hp_response *r)
{
    const hp_analysis_cfg *c = &a->cfg;
    hp_ir_onset on;
    hp_err e;
    if (o && o->onset >= 0) {
        /* A crosstalk path is windowed where its direct path starts; its peak is only used
         * for the peak-to-noise figure. */
        hp_ir_window w = linear_window(c, (size_t)o->onset % a->n);
        size_t lo = hp_ir_wrap(o->onset - (long long)w.before, a->n);
        e = hp_ir_find_onset(h, a->n, lo, w.before + w.after + 1, c->onset_db, 1, &on);
        on.onset_index = (size_t)o->onset % a->n;
    } else {
        /* A sweep that stops well below Nyquist band-limits the IR into a sinc whose -13 dB
         * pre-ringing crosses the -20 dB onset threshold; there the peak (the cross-correlation
         * maximum) is the better time reference. */
        size_t back = c->f2_hz < 0.9 * c->rate_hz / 2 ? 0 : frames(c, 0.002) + 1;
        e = hp_ir_find_onset(h, a->n, 0, a->n, c->onset_db, back, &on);
    }
    if (e != HP_OK)
        return e;
    r->latency_frames = on.onset_index;
    r->peak_index = on.peak_index;
    r->peak = on.peak;
    return HP_OK;
}

hp_err hp_analyzer_begin(const hp_analyzer *a, const double *buf, const hp_path_opts *opts,
                         hp_response *out)
{
    if (!a || !buf || !out)
        return HP_EINVAL;
    hp_err e = response_alloc(out, a->cfg.grid_n);
    if (e == HP_OK)
        e = locate(a, buf, opts, out);
    if (e == HP_OK)
        e = noise_part(a, buf, out->latency_frames, opts, out);
    if (e == HP_OK)
        e = linear_segment(a, buf, out->latency_frames, out);
    if (e != HP_OK)
        hp_response_release(out);
    return e;
}

hp_err hp_analyzer_harmonics(const hp_analyzer *a, double *buf, hp_response *out)
{
    if (!a || !buf || !out || !out->ir)
        return HP_EINVAL;
    return distortion_part(a, buf, out->latency_frames, buf + a->hoff, out);
}

hp_err hp_analyzer_linear(const hp_analyzer *a, double *lin_buf, hp_response *out)
{
    if (!a || !lin_buf || !out || !out->ir)
        return HP_EINVAL;
    return linear_part(a, lin_buf, out->latency_frames, out);
}

void hp_analyzer_finish(hp_response *out)
{
    if (out && out->ir)
        finish_distortion(out);
}

hp_err hp_analyzer_run_inplace(const hp_analyzer *a, double *buf, const hp_path_opts *opts,
                               hp_response *out)
{
    /* Everything that reads h first; then the linear spectrum overwrites it. */
    hp_err e = hp_analyzer_begin(a, buf, opts, out);
    if (e != HP_OK)
        return e;
    e = hp_analyzer_harmonics(a, buf, out);
    if (e == HP_OK)
        e = hp_analyzer_linear(a, buf, out);
    if (e == HP_OK)
        hp_analyzer_finish(out);
    else
        hp_response_release(out);
    return e;
}

hp_err hp_analyzer_run(hp_analyzer *a, const double *h, const hp_path_opts *opts,
                       hp_response *out)
{
    if (!a || !h || !out)
        return HP_EINVAL;
    double *buf = hp_fft_alloc_real(hp_analyzer_buf_len(a));
    if (!buf)
        return HP_ENOMEM;
    memcpy(buf, h, a->n * sizeof *h);
    hp_err e = hp_analyzer_run_inplace(a, buf, opts, out);
    hp_fft_buf_free(buf);
    return e;
}
