/* SPDX-License-Identifier: MIT */
/* Sweep -> simulated headphone -> deconvolution -> analysis, compared with the analytic response
 * of the simulated biquads (the truth), the noise formula of measurement-science.md 2.1 and the
 * closed-form harmonic levels of a Hammerstein polynomial. */
#include "t.h"
#include <pthread.h>
#include <string.h>
#include "analysis.h"
#include "deconv.h"
#include "fft.h"
#include "grid.h"
#include "sim.h"
#include "sweep.h"

typedef struct {
    hp_sweep_info info;
    double *x;
} sweep;

static void make_sweep(size_t samples, double f2, sweep *s)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(48000);
    c.samples = samples;
    c.f2_hz = f2;
    if (hp_sweep_plan(&c, &s->info) != HP_OK)
        abort();
    s->x = calloc(s->info.total_frames, sizeof *s->x);
    if (hp_sweep_render(&s->info, s->x, s->info.total_frames) != HP_OK)
        abort();
}

static hp_analysis_cfg cfg_for(const sweep *s, const hp_grid *g)
{
    hp_analysis_cfg a = hp_analysis_cfg_default();
    a.rate_hz = s->info.rate_hz;
    a.f1_hz = s->info.f1_hz;
    a.f2_hz = s->info.f2_hz;
    a.rate_const_s = s->info.rate_const_s;
    a.grid_hz = g->f_hz;
    a.grid_n = g->n;
    return a;
}

/* Deconvolves rec against the sweep and analyses the one path in it. */
static hp_err analyze(const sweep *s, const double *rec, const hp_grid *g, long long onset,
                      hp_response *r)
{
    size_t n = s->info.total_frames, nfft = hp_fft_good_size(n);
    hp_deconv_cfg dc = {s->info.rate_hz, s->info.f1_hz, s->info.f2_hz, nfft, 0};
    hp_err e;
    hp_deconv *d = hp_deconv_new(&dc, &e);
    double *h = calloc(nfft, sizeof *h);
    if (e == HP_OK)
        e = hp_deconv_set_reference(d, s->x, n);
    if (e == HP_OK)
        e = hp_deconv_run(d, rec, n, h);
    hp_analysis_cfg ac = cfg_for(s, g);
    hp_analyzer *a = e == HP_OK ? hp_analyzer_new(&ac, nfft, &e) : NULL;
    hp_path_opts o = {onset, {0, 0}, 0};
    if (e == HP_OK)
        e = hp_analyzer_run(a, h, &o, r);
    hp_analyzer_free(a);
    hp_deconv_free(d);
    free(h);
    return e;
}

static double max_err(const hp_response *r, const hp_grid *g, const hp_cascade *c, double lo,
                      double hi)
{
    double worst = 0;
    for (size_t i = 0; i < g->n; i++)
        if (g->f_hz[i] >= lo && g->f_hz[i] <= hi)
            worst = fmax(worst, fabs(r->raw_db[i] - hp_cascade_db(c, g->f_hz[i])));
    return worst;
}

static void noise_free(const sweep *s, const hp_grid *g)
{
    hp_cascade c = sim_headphone(48000, 0.5, 237);
    double *rec = calloc(s->info.total_frames, sizeof *rec);
    sim_apply(&c, 0, 0, 0, 1, s->x, rec, s->info.total_frames);
    hp_response r;
    CHECK(analyze(s, rec, g, -1, &r) == HP_OK);
    double e = max_err(&r, g, &c, 20, 20000);
    printf("noise-free: max error 20 Hz-20 kHz %.5f dB, latency %zu\n", e, r.latency_frames);
    CHECK(e <= 0.01);
    CHECK(r.latency_frames == 237);
    /* The smoothed column against the 1/12-octave power average of the analytic |H|^2,
     * integrated numerically over each band. */
    double ws = 0;
    for (size_t i = 0; i < g->n; i += 5) {
        double fc = g->f_hz[i], lo = fc * pow(2, -1.0 / 24), hi = fc * pow(2, 1.0 / 24), acc = 0;
        const int steps = 4000;
        for (int k = 0; k < steps; k++) {
            double f = lo + (hi - lo) * (k + 0.5) / steps;
            acc += pow(10, hp_cascade_db(&c, f) / 10);
        }
        ws = fmax(ws, fabs(r.smooth_db[i] - 10 * log10(acc / steps)));
    }
    printf("noise-free: smoothed column max error vs analytic 1/12-octave average %.5f dB\n", ws);
    CHECK(ws <= 0.01);
    hp_response_release(&r);
    free(rec);
}

/* The narrowest smoothing, 1/48 octave, where its windows are narrowest (below 200 Hz a window
 * spans only one or two bins of the linear window's spectrum): against the 1/48-octave power
 * average of the analytic |H|^2. */
static void narrow_smoothing(const sweep *s, const hp_grid *g)
{
    hp_cascade c = sim_headphone(48000, 0.5, 237);
    double *rec = calloc(s->info.total_frames, sizeof *rec);
    sim_apply(&c, 0, 0, 0, 1, s->x, rec, s->info.total_frames);
    size_t n = s->info.total_frames, nfft = hp_fft_good_size(n);
    hp_deconv_cfg dc = {s->info.rate_hz, s->info.f1_hz, s->info.f2_hz, nfft, 0};
    hp_err e;
    hp_deconv *d = hp_deconv_new(&dc, &e);
    double *h = calloc(nfft, sizeof *h);
    CHECK(d && hp_deconv_set_reference(d, s->x, n) == HP_OK && hp_deconv_run(d, rec, n, h) == HP_OK);
    hp_analysis_cfg ac = cfg_for(s, g);
    CHECK(hp_smooth_parse("1/48", &ac.smooth) == HP_OK);
    hp_analyzer *a = hp_analyzer_new(&ac, nfft, &e);
    hp_response r;
    CHECK(a && hp_analyzer_run(a, h, NULL, &r) == HP_OK);
    double worst = 0;
    for (size_t i = 0; a && g->f_hz[i] < 200; i++) {
        double fc = g->f_hz[i], lo = fc * pow(2, -1.0 / 96), hi = fc * pow(2, 1.0 / 96), acc = 0;
        const int steps = 2000;
        for (int k = 0; k < steps; k++)
            acc += pow(10, hp_cascade_db(&c, lo + (hi - lo) * (k + 0.5) / steps) / 10);
        worst = fmax(worst, fabs(r.smooth_db[i] - 10 * log10(acc / steps)));
    }
    printf("noise-free: 1/48-octave smoothing below 200 Hz, max error vs analytic %.5f dB\n", worst);
    CHECK(worst <= 0.01);
    if (a)
        hp_response_release(&r);
    hp_analyzer_free(a);
    hp_deconv_free(d);
    free(h);
    free(rec);
}

static void noise_90(const sweep *s, const hp_grid *g)
{
    hp_cascade c = sim_headphone(48000, 0.5, 100);
    double *rec = calloc(s->info.total_frames, sizeof *rec);
    sim_apply(&c, 0, 0, pow(10, -90 / 20.0), 7, s->x, rec, s->info.total_frames);
    hp_response r;
    CHECK(analyze(s, rec, g, -1, &r) == HP_OK);
    double e = max_err(&r, g, &c, 20, 20000);
    printf("noise -90 dBFS: max error %.5f dB, PNR %.1f dB\n", e, r.pnr_db);
    CHECK(e <= 0.05);
    CHECK(r.latency_frames == 100);
    hp_response_release(&r);
    free(rec);
}

/* Sum of squared weights of the default linear window, for the noise formula. */
static double window_energy(const hp_analysis_cfg *a)
{
    size_t before = (size_t)llround(a->left_s * a->rate_hz);
    size_t after = (size_t)llround(a->right_s * a->rate_hz);
    size_t tb = before, ta = (size_t)llround(a->right_taper * (double)after), len = before + after + 1;
    double s = 0;
    for (size_t i = 0; i < len; i++) {
        double w = 1;
        if (i < tb)
            w *= 0.5 - 0.5 * cos(M_PI * ((double)i + 0.5) / (double)tb);
        if (len - 1 - i < ta)
            w *= 0.5 - 0.5 * cos(M_PI * ((double)(len - 1 - i) + 0.5) / (double)ta);
        s += w * w;
    }
    return s;
}

/* At -40 dBFS noise the error is noise-driven; its RMS must follow
 * sigma_dB = 8.686 sqrt(sum(w^2) f / (fs^2 L SNR_s)) / |H| within a factor 1.5. */
static void noise_40(const sweep *s, const hp_grid *g)
{
    hp_cascade c = sim_headphone(48000, 0.5, 100);
    double sigma = pow(10, -40 / 20.0), amp = pow(10, s->info.level_db / 20.0);
    double *rec = calloc(s->info.total_frames, sizeof *rec);
    sim_apply(&c, 0, 0, sigma, 11, s->x, rec, s->info.total_frames);
    hp_response r;
    CHECK(analyze(s, rec, g, -1, &r) == HP_OK);
    hp_analysis_cfg a = cfg_for(s, g);
    double snr = (amp * amp / 2) / (sigma * sigma), sw2 = window_energy(&a), fs = 48000;
    double se = 0, sf = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < g->n; i++) {
        double f = g->f_hz[i];
        if (f < 100 || f > 16000)
            continue;
        double mag = pow(10, hp_cascade_db(&c, f) / 20);
        double sd = 8.686 * sqrt(sw2 * f / (fs * fs * s->info.rate_const_s * snr)) / mag;
        double e = r.raw_db[i] - hp_cascade_db(&c, f);
        se += e * e;
        sf += sd * sd;
        cnt++;
    }
    double rms = sqrt(se / (double)cnt), theory = sqrt(sf / (double)cnt);
    printf("noise -40 dBFS: rms error %.4f dB, theory %.4f dB, ratio %.2f\n", rms, theory,
           rms / theory);
    CHECK(rms <= 1.5 * theory);
    CHECK(rms >= theory / 1.5); /* the formula must actually describe the error */
    hp_response_release(&r);
    free(rec);
}

/* Hammerstein y = H(x + a2 x^2 + a3 x^3): harmonic n at excitation f, relative to the
 * fundamental, is c_n |H(n f)| / |H(f)| with c2 = a2 A/2, c3 = a3 A^2/4 over (1 + 3 a3 A^2/4). */
static void check_harmonics(const sweep *s, const hp_grid *g, const hp_cascade *c,
                            double noise_rms, const char *label)
{
    double amp = pow(10, s->info.level_db / 20.0) * 1.0;
    double a2 = 0.02 / amp, a3 = 0.04 / (amp * amp);
    double fund = 1 + 0.75 * a3 * amp * amp;
    double c2 = a2 * amp / 2 / fund, c3 = a3 * amp * amp / 4 / fund;
    double *rec = calloc(s->info.total_frames, sizeof *rec);
    sim_apply(c, a2, a3, noise_rms, 3, s->x, rec, s->info.total_frames);
    hp_response r;
    CHECK(analyze(s, rec, g, -1, &r) == HP_OK);
    CHECK(r.latency_frames == c->delay_frames);
    double w2 = 0, w3 = 0, wt = 0;
    for (size_t i = 0; i < g->n; i++) {
        double f = g->f_hz[i];
        if (f < 100 || f > 5000)
            continue;
        double h1 = hp_cascade_db(c, f);
        double t2 = 20 * log10(c2) + hp_cascade_db(c, 2 * f) - h1;
        double t3 = 20 * log10(c3) + hp_cascade_db(c, 3 * f) - h1;
        double tt = 10 * log10(pow(10, t2 / 10) + pow(10, t3 / 10));
        w2 = fmax(w2, fabs(r.harm_db[0][i] - t2));
        w3 = fmax(w3, fabs(r.harm_db[1][i] - t3));
        wt = fmax(wt, fabs(r.thd_db[i] - tt));
    }
    printf("%s, 100 Hz-5 kHz: max error H2 %.4f dB, H3 %.4f dB, THD %.4f dB\n", label, w2, w3, wt);
    CHECK(w2 <= 0.1);
    CHECK(w3 <= 0.1);
    CHECK(wt <= 0.1);
    /* Above f2/2 no harmonic is measurable: NaN, not a number pretending to be one. */
    CHECK(isnan(r.harm_db[0][g->n - 1]) && isnan(r.thd_pct[g->n - 1]));
    hp_response_release(&r);
    free(rec);
}

static void harmonics(const sweep *s, const hp_grid *g)
{
    /* H2 and H3 at -40 dB everywhere: a static polynomial behind a plain delay, with noise. */
    hp_cascade flat = hp_cascade_init(48000);
    flat.gain = 0.5;
    flat.delay_frames = 300;
    check_harmonics(s, g, &flat, pow(10, -90 / 20.0), "static H2/H3 -40 dB, noise -90 dBFS");
    /* The same through a headphone-shaped filter, noise-free: the harmonic windows' own error. */
    hp_cascade hp = sim_headphone(48000, 0.5, 300);
    check_harmonics(s, g, &hp, 0, "Hammerstein headphone, noise-free");
}

static void self_and_delay(const sweep *s, const hp_grid *g)
{
    hp_response r;
    CHECK(analyze(s, s->x, g, -1, &r) == HP_OK);
    printf("sweep against itself: peak %.9f at %zu, PNR %.1f dB\n", r.peak, r.peak_index, r.pnr_db);
    CHECK(r.latency_frames == 0);
    CHECK_NEAR(r.peak, 1.0, 1e-6);
    CHECK(r.pnr_db >= 140);
    hp_response_release(&r);

    /* A pure delay has linear phase: zero about its own onset, and -360 f d / fs degrees about
     * a time zero d frames earlier. */
    hp_cascade c = hp_cascade_init(48000);
    c.delay_frames = 500;
    double *rec = calloc(s->info.total_frames, sizeof *rec);
    sim_apply(&c, 0, 0, 0, 1, s->x, rec, s->info.total_frames);
    CHECK(analyze(s, rec, g, -1, &r) == HP_OK);
    double wp = 0;
    for (size_t i = 0; i < g->n; i++)
        wp = fmax(wp, fabs(r.phase_deg[i]));
    CHECK(wp < 0.01);
    hp_response_release(&r);
    CHECK(analyze(s, rec, g, 497, &r) == HP_OK);
    wp = 0;
    for (size_t i = 0; i < g->n; i++) {
        double want = -360.0 * g->f_hz[i] * 3 / 48000;
        double d = remainder(r.phase_deg[i] - want, 360.0);
        wp = fmax(wp, fabs(d));
    }
    printf("pure delay: worst phase deviation from linear %.5f deg\n", wp);
    CHECK(wp < 0.01);
    hp_response_release(&r);
    free(rec);
}

/* A sweep that stops below Nyquist (as REW's and DRC's do): out-of-band noise above f2 must be
 * regularized away, not amplified into the IR (it once moved the detected onset). */
static void band_limited(const hp_grid *g)
{
    sweep s;
    make_sweep(1 << 18, 20000, &s);
    hp_cascade c = sim_headphone(48000, 0.5, 77);
    double *rec = calloc(s.info.total_frames, sizeof *rec);
    sim_apply(&c, 0, 0, pow(10, -90 / 20.0), 5, s.x, rec, s.info.total_frames);
    hp_response r;
    CHECK(analyze(&s, rec, g, -1, &r) == HP_OK);
    double e = max_err(&r, g, &c, 20, 19000);
    printf("sweep to 20 kHz, noise -90 dBFS: max error 20 Hz-19 kHz %.5f dB, PNR %.1f dB\n", e,
           r.pnr_db);
    CHECK(e <= 0.05);
    CHECK(r.latency_frames == 77);
    CHECK(r.pnr_db > 90);
    hp_response_release(&r);
    free(rec);
    free(s.x);
}

/* The in-place, shared use hpfr analyze makes: one deconvolver and one analyzer, two threads
 * each deconvolving and analysing its own recording in its own buffer, the spectrum taken
 * before the reference is set. Each result must equal the plain single-threaded one. */
typedef struct {
    const hp_deconv *d;
    const hp_analyzer *a;
    const double *rec;
    size_t n, len;
    hp_response r;
    hp_err e;
} shared_job;

static void *shared_run(void *arg)
{
    shared_job *j = arg;
    double *buf = hp_fft_alloc_real(j->len);
    hp_path_opts o = {-1, {0, 0}, 0};
    j->e = buf ? HP_OK : HP_ENOMEM;
    if (buf) {
        memset(buf, 0, j->len * sizeof *buf);
        memcpy(buf, j->rec, j->n * sizeof *buf);
        j->e = hp_deconv_run_inplace(j->d, buf);
    }
    if (j->e == HP_OK)
        j->e = hp_analyzer_run_inplace(j->a, buf, &o, &j->r);
    hp_fft_buf_free(buf);
    return NULL;
}

static int same_response(const hp_response *x, const hp_response *y)
{
    int same = x->n == y->n && x->latency_frames == y->latency_frames && x->pnr_db == y->pnr_db &&
               x->ir_len == y->ir_len && memcmp(x->ir, y->ir, x->ir_len * sizeof *x->ir) == 0;
    for (size_t i = 0; same && i < x->n; i++)
        same = x->raw_db[i] == y->raw_db[i] && x->smooth_db[i] == y->smooth_db[i] &&
               x->phase_deg[i] == y->phase_deg[i] &&
               (x->thd_db[i] == y->thd_db[i] || (isnan(x->thd_db[i]) && isnan(y->thd_db[i])));
    return same;
}

static void shared_in_place(const sweep *s, const hp_grid *g)
{
    size_t n = s->info.total_frames, nfft = hp_fft_good_size(n);
    double *rec[2];
    hp_cascade c[2] = {sim_headphone(48000, 0.5, 100), sim_headphone(48000, 0.25, 31)};
    for (int k = 0; k < 2; k++) {
        rec[k] = calloc(n, sizeof *rec[k]);
        sim_apply(&c[k], 0.01, 0.005, pow(10, -90 / 20.0), 11 + (unsigned)k, s->x, rec[k], n);
    }
    hp_deconv_cfg dc = {s->info.rate_hz, s->info.f1_hz, s->info.f2_hz, nfft, 0};
    hp_analysis_cfg ac = cfg_for(s, g);
    hp_err e;
    hp_deconv *d = hp_deconv_new(&dc, &e);
    hp_analyzer *a = d ? hp_analyzer_new(&ac, nfft, &e) : NULL;
    CHECK(d && a);
    if (!d || !a)
        return;
    size_t len = hp_analyzer_buf_len(a);
    CHECK(hp_analysis_buf_len(&ac, nfft) == len && len >= hp_deconv_buf_len(d));
    CHECK(hp_deconv_buf_len(d) == nfft + 2);
    /* Transforming needs no reference, dividing does. */
    double *buf = hp_fft_alloc_real(len);
    memset(buf, 0, len * sizeof *buf);
    memcpy(buf, rec[0], n * sizeof *buf);
    CHECK(hp_deconv_transform_inplace(d, buf) == HP_OK);
    CHECK(hp_deconv_divide_inplace(d, buf) == HP_EINVAL);
    CHECK(hp_deconv_run_inplace(d, buf) == HP_EINVAL);
    hp_fft_buf_free(buf);
    /* A reference from floats (every other sample of two interleaved channels) gives the same
     * deconvolution as the same values given as doubles. */
    float *xf = calloc(2 * n, sizeof *xf);
    double *xr = calloc(n, sizeof *xr), *h1 = calloc(nfft, sizeof *h1), *h2 = calloc(nfft, sizeof *h2);
    for (size_t k = 0; k < n; k++)
        xr[k] = xf[2 * k + 1] = (float)s->x[k];
    CHECK(hp_deconv_set_reference_f(d, xf + 1, n, 2) == HP_OK);
    CHECK(hp_deconv_run(d, rec[0], n, h1) == HP_OK);
    CHECK(hp_deconv_set_reference(d, xr, n) == HP_OK);
    CHECK(hp_deconv_run(d, rec[0], n, h2) == HP_OK);
    CHECK(memcmp(h1, h2, nfft * sizeof *h1) == 0);
    CHECK(hp_deconv_set_reference_f(d, xf, n, 0) == HP_EINVAL);
    free(xf);
    free(xr);
    free(h1);
    free(h2);
    CHECK(hp_deconv_set_reference(d, s->x, n) == HP_OK);
    shared_job j[2] = {{d, a, rec[0], n, len, {0}, HP_OK}, {d, a, rec[1], n, len, {0}, HP_OK}};
    pthread_t t;
    int started = pthread_create(&t, NULL, shared_run, &j[0]) == 0;
    if (!started)
        shared_run(&j[0]);
    shared_run(&j[1]);
    if (started)
        pthread_join(t, NULL);
    for (int k = 0; k < 2; k++) {
        hp_response single;
        CHECK(j[k].e == HP_OK && analyze(s, rec[k], g, -1, &single) == HP_OK);
        CHECK(same_response(&j[k].r, &single));
        CHECK(j[k].r.latency_frames == (k ? 31 : 100));
        hp_response_release(&single);
        hp_response_release(&j[k].r);
        free(rec[k]);
    }
    hp_analyzer_free(a);
    hp_deconv_free(d);
}

/* The analysis in stages, its linear part on another thread in a buffer of its own while the
 * harmonics are computed: the same response, bit for bit, as in one call. */
typedef struct {
    const hp_analyzer *a;
    double *buf;
    hp_response *r;
    hp_err e;
} linear_job;

static void *linear_run(void *arg)
{
    linear_job *j = arg;
    j->e = hp_analyzer_linear(j->a, j->buf, j->r);
    return NULL;
}

static void staged(const sweep *s, const hp_grid *g)
{
    size_t n = s->info.total_frames, nfft = hp_fft_good_size(n);
    double *rec = calloc(n, sizeof *rec);
    hp_cascade c = sim_headphone(48000, 0.5, 77);
    sim_apply(&c, 0.01, 0.005, pow(10, -90 / 20.0), 5, s->x, rec, n);
    hp_deconv_cfg dc = {s->info.rate_hz, s->info.f1_hz, s->info.f2_hz, nfft, 0};
    hp_analysis_cfg ac = cfg_for(s, g);
    hp_err e;
    hp_deconv *d = hp_deconv_new(&dc, &e);
    hp_analyzer *a = d ? hp_analyzer_new(&ac, nfft, &e) : NULL;
    CHECK(d && a && hp_deconv_set_reference(d, s->x, n) == HP_OK);
    size_t len = a ? hp_analyzer_buf_len(a) : 0;
    double *buf = len ? hp_fft_alloc_real(len) : NULL, *lin = len ? hp_fft_alloc_real(len) : NULL;
    double *one = len ? hp_fft_alloc_real(len) : NULL;
    CHECK(buf && lin && one);
    if (!buf || !lin || !one || !d || !a)
        goto out;
    memset(buf, 0, len * sizeof *buf);
    memcpy(buf, rec, n * sizeof *rec);
    CHECK(hp_deconv_run_inplace(d, buf) == HP_OK);
    memcpy(one, buf, len * sizeof *buf);
    hp_path_opts o = {-1, {0, 0}, 0};
    hp_response whole, parts;
    CHECK(hp_analyzer_run_inplace(a, one, &o, &whole) == HP_OK);
    memset(&parts, 0, sizeof parts); /* not begun: nothing to work from */
    CHECK(hp_analyzer_harmonics(a, buf, &parts) == HP_EINVAL);
    CHECK(hp_analyzer_linear(a, lin, &parts) == HP_EINVAL);
    CHECK(hp_analyzer_begin(a, buf, &o, &parts) == HP_OK);
    linear_job j = {a, lin, &parts, HP_EINVAL};
    pthread_t t;
    int started = pthread_create(&t, NULL, linear_run, &j) == 0;
    CHECK(hp_analyzer_harmonics(a, buf, &parts) == HP_OK);
    if (started)
        pthread_join(t, NULL);
    else
        linear_run(&j);
    CHECK(j.e == HP_OK);
    hp_analyzer_finish(&parts);
    CHECK(same_response(&parts, &whole));
    int same_h = 1;
    for (unsigned k = 0; k + 2 <= HP_MAX_HARMONIC; k++) {
        same_h &= parts.hir_len[k] == whole.hir_len[k] && parts.hir[k] && whole.hir[k] &&
                  memcmp(parts.hir[k], whole.hir[k], parts.hir_len[k] * sizeof(double)) == 0;
        for (size_t i = 0; i < parts.n; i++)
            same_h &= parts.harm_db[k][i] == whole.harm_db[k][i] ||
                      (isnan(parts.harm_db[k][i]) && isnan(whole.harm_db[k][i]));
    }
    CHECK(same_h);
    CHECK(whole.latency_frames == 77);
    hp_response_release(&parts);
    hp_response_release(&whole);
out:
    hp_fft_buf_free(buf);
    hp_fft_buf_free(lin);
    hp_fft_buf_free(one);
    hp_analyzer_free(a);
    hp_deconv_free(d);
    free(rec);
}

static void misuse(const sweep *s)
{
    hp_err e;
    hp_deconv_cfg dc = {48000, 100, 50, 1024, 0};
    CHECK(hp_deconv_new(&dc, &e) == NULL && e == HP_EINVAL);
    dc.f2_hz = 30000;
    CHECK(hp_deconv_new(&dc, &e) == NULL && e == HP_EINVAL);
    CHECK(hp_deconv_new(NULL, &e) == NULL && e == HP_EINVAL);
    dc.f1_hz = 10;
    dc.f2_hz = 20000;
    hp_deconv *d = hp_deconv_new(&dc, &e);
    double z[1024] = {0};
    CHECK(d && hp_deconv_run(d, z, 1024, z) == HP_EINVAL); /* no reference yet */
    CHECK(hp_deconv_set_reference(d, z, 1024) == HP_ENODATA);
    CHECK(hp_deconv_set_reference(d, z, 2048) == HP_EINVAL);
    hp_deconv_free(d);
    hp_deconv_free(NULL);
    hp_grid g = {0};
    hp_analysis_cfg a = cfg_for(s, &g);
    CHECK(hp_analyzer_new(&a, 1 << 16, &e) == NULL && e == HP_EINVAL); /* no grid */
    hp_analyzer_free(NULL);
    hp_response_release(NULL);
}

int main(void)
{
    sweep s;
    make_sweep(1 << 18, 24000, &s);
    hp_grid g;
    if (hp_grid_log(20, 20000, 48, &g) != HP_OK)
        return 1;
    noise_free(&s, &g);
    narrow_smoothing(&s, &g);
    noise_90(&s, &g);
    noise_40(&s, &g);
    harmonics(&s, &g);
    self_and_delay(&s, &g);
    misuse(&s);
    shared_in_place(&s, &g);
    staged(&s, &g);
    band_limited(&g);
    hp_grid_release(&g);
    free(s.x);
    T_DONE();
}
