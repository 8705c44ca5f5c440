/* SPDX-License-Identifier: MIT */
/* The simulated rig: its model (dsp/rigmodel.h) on its own, then the ALSA plugin through the
 * real snd_pcm_* API (ALSA_CONFIG_PATH pointing at $O/hpfr-alsa.conf), checked sample for
 * sample against an independent run of the model's cascades. */
#include "t.h"
#include "rigmodel.h"
#include <alsa/asoundlib.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE 48000
#define PERIOD 1024
#define BUFFER 4096

/* ---- the model ---- */

static void model_presets(void)
{
    hp_rig_params p, q;
    CHECK(hp_rig_preset("closed-back", 1, 1, &p) == HP_OK);
    CHECK(strcmp(p.preset, "closed-back") == 0 && p.latency_frames == 64);
    CHECK_NEAR(p.noise_dbfs, -90, 0);
    CHECK(p.ear[0].leak_order == 2);
    double c0 = hp_rig_leak_corner_hz(&p.ear[0]);
    CHECK(c0 >= 5 && c0 <= 40);
    CHECK(hp_rig_preset("closed-back", 1, 1, &q) == HP_OK);
    CHECK(memcmp(&p, &q, sizeof p) == 0); /* a pure function of (seed, placement) */
    CHECK(hp_rig_preset("closed-back", 1, 2, &q) == HP_OK);
    CHECK(hp_rig_leak_corner_hz(&q.ear[0]) != c0);
    CHECK(hp_rig_preset("open-back", 7, 3, &q) == HP_OK && q.ear[0].leak_order == 1);
    CHECK(hp_rig_leak_corner_hz(&q.ear[0]) >= 8 && hp_rig_leak_corner_hz(&q.ear[0]) <= 10);
    CHECK(hp_rig_preset("no-such", 1, 1, &p) == HP_EINVAL);
    CHECK(hp_rig_preset("open-back", 1, 0, &p) == HP_EINVAL);
    CHECK(hp_rig_preset(NULL, 1, 1, &p) == HP_EINVAL);
    CHECK(hp_rig_preset_name(0) && hp_rig_preset_name(1) && !hp_rig_preset_name(2));
    /* Ear gain near 3 kHz and the sensitivity show in the truth. */
    hp_cascade c;
    CHECK(hp_rig_preset("closed-back", 1, 1, &p) == HP_OK);
    CHECK(hp_rig_ear_cascade(&p, 0, RATE, &c) == HP_OK);
    CHECK(hp_cascade_db(&c, 2800) > hp_cascade_db(&c, 1000) + 5);
    CHECK(c.delay_frames == 64);
    CHECK(hp_rig_ear_cascade(&p, 2, RATE, &c) == HP_EINVAL);
    CHECK(hp_rig_ear_cascade(NULL, 0, RATE, &c) == HP_EINVAL);
    CHECK(hp_rig_ear_cascade(&p, 0, 0, &c) == HP_EINVAL);
}

static void model_leak_and_harmonics(void)
{
    for (double q = 0.3; q < 3; q *= 1.7) {
        double f0 = hp_rig_leak2_f0_hz(10, q);
        CHECK_NEAR(hp_rig_leak2_corner_hz(f0, q), 10, 1e-9);
        /* The analog section is 3 dB down at the corner. */
        double complex s = CMPLX(0, 10 / f0);
        CHECK_NEAR(20 * log10(cabs(1.0 - 1.0 / (1.0 + s / q + s * s))), -10 * log10(2.0), 1e-9);
    }
    CHECK(isnan(hp_rig_leak2_corner_hz(0, 1)) && isnan(hp_rig_leak2_f0_hz(10, -1)));
    hp_rig_params p;
    hp_rig_kv kv[] = {{"H2", "-40"}, {"H3", "-50"}};
    CHECK(hp_rig_params_from_kv(kv, 2, 1, &p, NULL, 0) == HP_OK);
    CHECK_NEAR(hp_rig_harmonic_db(&p.ear[1], 2, HP_RIG_NOMINAL_PEAK), -40, 1e-9);
    CHECK_NEAR(hp_rig_harmonic_db(&p.ear[1], 3, HP_RIG_NOMINAL_PEAK), -50, 1e-9);
    CHECK(p.ear[0].a3 < 0 && p.ear[0].a2 > 0);
    hp_rig_kv off[] = {{"H2", "off"}, {"h3", "OFF"}};
    CHECK(hp_rig_params_from_kv(off, 2, 1, &p, NULL, 0) == HP_OK);
    CHECK(p.ear[0].a2 == 0 && p.ear[0].a3 == 0);
    CHECK_NEAR(hp_rig_nonlin(&p.ear[0], 0.5), 0.5, 0);
}

static void model_parser(void)
{
    hp_rig_params p;
    char why[128];
    hp_rig_kv kv[] = {{"PRESET", "open-back"}, {"SEED", "7"}, {"LEAKS", "6;6;80"},
                      {"PLACEMENT", "3"}, {"NOISE", "off"}, {"LATENCY", "100"},
                      {"DRIFT", "-12.5"}, {"LOOPBACK", "1"}, {"CROSSTALK", "off"},
                      {"FAULTS", "xrun@96000,disconnect@480000,busy,dead=2,clip@12"},
                      {"STATE", ""}};
    CHECK(hp_rig_params_from_kv(kv, 11, 1, &p, why, sizeof why) == HP_OK);
    CHECK(strcmp(p.preset, "open-back") == 0 && p.seed == 7 && p.placement == 3);
    CHECK_NEAR(hp_rig_leak_corner_hz(&p.ear[0]), 80, 1e-9);
    CHECK(isinf(p.noise_dbfs) && p.latency_frames == 100 && p.loopback);
    CHECK_NEAR(p.drift_ppm, -12.5, 0);
    CHECK(isinf(p.ear[0].crosstalk_db));
    CHECK(p.faults.xrun_frame == 96000 && p.faults.disconnect_frame == 480000);
    CHECK(p.faults.busy && p.faults.dead_channel == 2);
    CHECK_NEAR(p.faults.clip_db, 12, 0);
    /* Placement 5 of a 3-long leak list wraps to the second entry. */
    CHECK(hp_rig_params_from_kv(kv, 3, 5, &p, why, sizeof why) == HP_OK);
    CHECK_NEAR(hp_rig_leak_corner_hz(&p.ear[1]), 6, 1e-9);
    const char *bad[][2] = {{"COLOUR", "red"}, {"NOISE", "loud"}, {"LEAKS", "6,x"},
                            {"LATENCY", "-1"}, {"DRIFT", "30000"}, {"LOOPBACK", "2"},
                            {"FAULTS", "xrun"}, {"FAULTS", "dead=9"}, {"SEED", "-3"},
                            {"PLACEMENT", "0"}, {"PRESET", "in-ear"}, {"H2", "3"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hp_rig_kv one = {bad[i][0], bad[i][1]};
        why[0] = 0;
        CHECK(hp_rig_params_from_kv(&one, 1, 1, &p, why, sizeof why) == HP_EINVAL);
        CHECK(strncmp(why, bad[i][0], strlen(bad[i][0])) == 0);
    }
    double v = 0;
    CHECK(hp_rig_parse_number(" -12.5 ", &v) && v == -12.5);
    CHECK(hp_rig_parse_number("1e-3", &v) && fabs(v - 1e-3) < 1e-18);
    CHECK(!hp_rig_parse_number("1,5", &v) && !hp_rig_parse_number("", &v));
    CHECK(!hp_rig_parse_number(".", &v) && !hp_rig_parse_number("1e", &v));
    CHECK(hp_rig_params_from_kv(NULL, 1, 1, &p, why, sizeof why) == HP_EINVAL);
    CHECK(hp_rig_params_from_kv(NULL, 0, 1, &p, NULL, 0) == HP_OK);
    CHECK(strcmp(p.preset, "closed-back") == 0 && p.seed == 1);
}

static void model_noise(void)
{
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double g = hp_rig_noise(42, (uint64_t)i, 1);
        sum += g;
        sum2 += g * g;
    }
    CHECK_NEAR(sum / n, 0, 0.01);
    CHECK_NEAR(sum2 / n, 1, 0.01);
    CHECK(hp_rig_noise(42, 1000, 0) == hp_rig_noise(42, 1000, 0));
    CHECK(hp_rig_noise(42, 1000, 0) != hp_rig_noise(42, 1000, 1));
    CHECK(hp_rig_noise(42, 1000, 0) != hp_rig_noise(43, 1000, 0));
}

/* ---- the plugin through ALSA ---- */

static void quiet(const char *file, int line, const char *fn, int err, const char *fmt, ...)
{
    (void)file, (void)line, (void)fn, (void)err, (void)fmt;
}

/* "hpfr_sim:K=V,K=V" from key/value pairs (values must not hold commas). */
static void device_name(char *dev, size_t n, const char *base, const hp_rig_kv *kv, size_t nkv)
{
    size_t len = (size_t)snprintf(dev, n, "%s", base);
    for (size_t i = 0; i < nkv && len < n; i++)
        len += (size_t)snprintf(dev + len, n - len, "%s%s=%s", i ? "," : ":", kv[i].key,
                                kv[i].value);
}

typedef struct {
    snd_pcm_t *pb, *cap;
    snd_pcm_format_t fmt;
    snd_pcm_access_t access;
    unsigned cap_ch;
    size_t bytes; /* per sample */
} duplex;

static int set_hw(snd_pcm_t *pcm, const duplex *d, unsigned ch, unsigned rate)
{
    snd_pcm_hw_params_t *hw;
    snd_pcm_uframes_t period = PERIOD, buffer = BUFFER;
    snd_pcm_hw_params_alloca(&hw);
    int err;
    if ((err = snd_pcm_hw_params_any(pcm, hw)) < 0 ||
        (err = snd_pcm_hw_params_set_access(pcm, hw, d->access)) < 0 ||
        (err = snd_pcm_hw_params_set_format(pcm, hw, d->fmt)) < 0 ||
        (err = snd_pcm_hw_params_set_channels(pcm, hw, ch)) < 0 ||
        (err = snd_pcm_hw_params_set_rate(pcm, hw, rate, 0)) < 0 ||
        (err = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, NULL)) < 0 ||
        (err = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)) < 0)
        return err;
    if (period != PERIOD || buffer != BUFFER)
        return -EINVAL;
    return snd_pcm_hw_params(pcm, hw);
}

static void duplex_close(duplex *d)
{
    if (d->pb)
        snd_pcm_close(d->pb);
    if (d->cap)
        snd_pcm_close(d->cap);
    d->pb = d->cap = NULL;
}

static int duplex_open(duplex *d, const char *dev, snd_pcm_format_t fmt, unsigned cap_ch)
{
    memset(d, 0, sizeof *d);
    d->fmt = fmt;
    d->access = SND_PCM_ACCESS_RW_INTERLEAVED;
    d->cap_ch = cap_ch;
    d->bytes = (size_t)snd_pcm_format_physical_width(fmt) / 8;
    int err = snd_pcm_open(&d->pb, dev, SND_PCM_STREAM_PLAYBACK, 0);
    if (err >= 0)
        err = snd_pcm_open(&d->cap, dev, SND_PCM_STREAM_CAPTURE, 0);
    if (err < 0) {
        duplex_close(d);
        return err;
    }
    return 0;
}

static int duplex_setup(duplex *d, snd_pcm_access_t access)
{
    d->access = access;
    int err = set_hw(d->pb, d, 2, RATE);
    return err < 0 ? err : set_hw(d->cap, d, d->cap_ch, RATE);
}

/* Test-side sample codecs, written independently of the plugin's. */
static void pack(snd_pcm_format_t fmt, double v, unsigned char *p)
{
    double s = fmt == SND_PCM_FORMAT_S16_LE ? 32768.0
               : fmt == SND_PCM_FORMAT_S24_3LE ? 8388608.0 : 2147483648.0;
    if (fmt == SND_PCM_FORMAT_FLOAT_LE) {
        float f = (float)v;
        memcpy(p, &f, 4);
        return;
    }
    long long q = llrint(v * s);
    q = q > (long long)s - 1 ? (long long)s - 1 : q < -(long long)s ? -(long long)s : q;
    for (int b = 0; b < snd_pcm_format_physical_width(fmt) / 8; b++)
        p[b] = (unsigned char)((unsigned long long)q >> (8 * b));
}

static double unpack(snd_pcm_format_t fmt, const unsigned char *p)
{
    float f;
    int bytes = snd_pcm_format_physical_width(fmt) / 8;
    if (fmt == SND_PCM_FORMAT_FLOAT_LE) {
        memcpy(&f, p, 4);
        return (double)f;
    }
    unsigned long long u = 0;
    for (int b = 0; b < bytes; b++)
        u |= (unsigned long long)p[b] << (8 * b);
    long long v = (long long)(u << (64 - 8 * bytes)) >> (64 - 8 * bytes);
    return (double)v / (double)(1ULL << (8 * bytes - 1));
}

/* A duplex run: plays in[] (then silence), captures n_out frames, keeping the playback
 * buffer topped up by writing as many frames as each read returned. */
typedef struct {
    const double *in;
    size_t n_in, written;
    double *out;
    size_t n_out, captured, chunk;
    unsigned char *pbuf, *cbuf;
    bool recover;
    int xruns, pb_xruns;
} run;

static snd_pcm_sframes_t xfer(const duplex *d, snd_pcm_t *pcm, void *buf, snd_pcm_uframes_t n)
{
    bool mm = d->access == SND_PCM_ACCESS_MMAP_INTERLEAVED;
    if (pcm == d->pb)
        return mm ? snd_pcm_mmap_writei(pcm, buf, n) : snd_pcm_writei(pcm, buf, n);
    return mm ? snd_pcm_mmap_readi(pcm, buf, n) : snd_pcm_readi(pcm, buf, n);
}

static int write_some(duplex *d, run *rn, size_t frames)
{
    for (size_t i = 0; i < frames; i++)
        for (int ch = 0; ch < 2; ch++) {
            size_t k = rn->written + i;
            pack(d->fmt, k < rn->n_in ? rn->in[2 * k + ch] : 0.0,
                 rn->pbuf + (2 * i + (size_t)ch) * d->bytes);
        }
    snd_pcm_sframes_t w = xfer(d, d->pb, rn->pbuf, frames);
    if (w < 0)
        return (int)w;
    rn->written += (size_t)w;
    return w == (snd_pcm_sframes_t)frames ? 0 : -EIO;
}

static int on_error(duplex *d, snd_pcm_t *pcm, int err, run *rn)
{
    if (!rn->recover || err != -EPIPE)
        return err;
    rn->xruns++;
    rn->pb_xruns += pcm == d->pb;
    int rc = snd_pcm_recover(pcm, err, 1);
    if (rc < 0)
        return rc;
    /* A recovered playback starts empty: refill it, or the capture would starve it again. */
    return pcm == d->pb ? write_some(d, rn, BUFFER) : 0;
}

static int run_duplex(duplex *d, run *rn)
{
    rn->pbuf = calloc(BUFFER * 2, d->bytes);
    rn->cbuf = calloc(rn->chunk * d->cap_ch, d->bytes);
    int err = write_some(d, rn, BUFFER); /* prefill; start_threshold 1 starts playback */
    while (!err && rn->captured < rn->n_out) {
        size_t want = rn->n_out - rn->captured < rn->chunk ? rn->n_out - rn->captured : rn->chunk;
        snd_pcm_sframes_t got = xfer(d, d->cap, rn->cbuf, want);
        if (got < 0) {
            err = on_error(d, d->cap, (int)got, rn);
            continue;
        }
        for (size_t i = 0; i < (size_t)got * d->cap_ch; i++)
            rn->out[rn->captured * d->cap_ch + i] = unpack(d->fmt, rn->cbuf + i * d->bytes);
        rn->captured += (size_t)got;
        err = write_some(d, rn, (size_t)got);
        if (err < 0)
            err = on_error(d, d->pb, err, rn);
    }
    free(rn->pbuf);
    free(rn->cbuf);
    return err;
}

/* Seeded noise, quantised through the format so the expectation sees what the rig gets. */
static double *make_input(snd_pcm_format_t fmt, size_t n, uint64_t seed)
{
    double *in = calloc(2 * n, sizeof *in);
    unsigned char b[4];
    for (size_t i = 0; i < 2 * n; i++) {
        double v = (i % 2 ? 0.2 : 0.25) * hp_rig_noise(seed, i / 2, (unsigned)(i % 2));
        pack(fmt, fmax(-0.95, fmin(0.95, v)), b);
        in[i] = unpack(fmt, b);
    }
    return in;
}

/* What capture frame k must hold with noise off: [k*3 + ch], ch 2 the loopback. Computed
 * with the model's cascades and a direct evaluation of the nonlinearity and crosstalk. */
static double *expected(const hp_rig_params *p, const double *in, size_t n, size_t m)
{
    double *y[2], g[2], *out = calloc(3 * m, sizeof *out);
    for (int e = 0; e < 2; e++) {
        const hp_rig_ear *ear = &p->ear[e];
        hp_cascade c;
        hp_biquad_state st[HP_CASCADE_MAX];
        memset(st, 0, sizeof st);
        if (hp_rig_ear_cascade(p, e, RATE, &c) != HP_OK)
            abort();
        y[e] = calloc(m, sizeof *y[e]);
        for (size_t k = 0; k < n && k < m; k++) {
            double v = in[2 * k + (size_t)e];
            y[e][k] = v + ear->a2 * v * v + ear->a3 * v * v * v;
        }
        hp_cascade_run(&c, st, y[e], y[e], m);
        g[e] = isfinite(ear->crosstalk_db) ? pow(10.0, ear->crosstalk_db / 20.0) : 0.0;
    }
    for (size_t k = p->latency_frames; k < m; k++) {
        size_t s = k - p->latency_frames;
        out[3 * k] = y[0][s] + g[1] * y[1][s];
        out[3 * k + 1] = y[1][s] + g[0] * y[0][s];
        out[3 * k + 2] = s < n ? in[2 * s] + in[2 * s + 1] : 0.0;
    }
    free(y[0]);
    free(y[1]);
    return out;
}

/* Largest |captured - expected| over frames [0, m) and all capture channels. */
static double worst_error(const double *got, unsigned ch, const double *want, size_t m,
                          double *peak)
{
    double worst = 0;
    *peak = 0;
    for (size_t k = 0; k < m; k++)
        for (unsigned c = 0; c < ch; c++) {
            worst = fmax(worst, fabs(got[k * ch + c] - want[3 * k + c]));
            *peak = fmax(*peak, fabs(want[3 * k + c]));
        }
    return worst;
}

typedef struct {
    const char *label;
    snd_pcm_format_t fmt;
    snd_pcm_access_t access;
    size_t chunk;
    double tol;
} exact_opts;

/* Plays seeded noise through "hpfr_sim:<kv>" and compares every captured sample. */
static void exact_case(const exact_opts *o, const hp_rig_kv *kv, size_t nkv, unsigned placement)
{
    hp_rig_params p;
    char dev[512];
    duplex d;
    CHECK(hp_rig_params_from_kv(kv, nkv, placement, &p, NULL, 0) == HP_OK);
    device_name(dev, sizeof dev, "hpfr_sim", kv, nkv);
    int err = duplex_open(&d, dev, o->fmt, p.loopback ? 3 : 2);
    CHECK(err == 0);
    if (err)
        return;
    CHECK(duplex_setup(&d, o->access) == 0);
    size_t n = 20000, m = n + p.latency_frames + 3000;
    double *in = make_input(o->fmt, n, 11), *got = calloc(m * d.cap_ch, sizeof *got);
    run rn = {.in = in, .n_in = n, .out = got, .n_out = m, .chunk = o->chunk};
    CHECK(run_duplex(&d, &rn) == 0);
    duplex_close(&d);
    double *want = expected(&p, in, n, m), peak;
    double worst = worst_error(got, p.loopback ? 3 : 2, want, m, &peak);
    if (worst > o->tol || !(peak > 0.01))
        fprintf(stderr, "%s (%s): worst error %g, peak %g\n", o->label, dev, worst, peak);
    CHECK(worst <= o->tol);
    CHECK(peak > 0.01);
    free(in);
    free(got);
    free(want);
}

static void exact_runs(void)
{
    const snd_pcm_access_t rw = SND_PCM_ACCESS_RW_INTERLEAVED;
    const snd_pcm_access_t mm = SND_PCM_ACCESS_MMAP_INTERLEAVED;
    hp_rig_kv base[] = {{"NOISE", "off"}, {"SEED", "3"}, {"LATENCY", "100"}};
    exact_opts f = {"float", SND_PCM_FORMAT_FLOAT_LE, rw, 1000, 1e-6};
    exact_case(&f, base, 3, 1);
    exact_opts s16 = {"S16", SND_PCM_FORMAT_S16_LE, rw, 1024, 0.51 / 32768};
    exact_case(&s16, base, 3, 1);
    exact_opts s24 = {"S24_3LE", SND_PCM_FORMAT_S24_3LE, mm, 333, 1e-6};
    exact_case(&s24, base, 3, 1);
    exact_opts s32 = {"S32 mmap", SND_PCM_FORMAT_S32_LE, mm, 3000, 1e-6};
    exact_case(&s32, base, 3, 1);
    /* Loopback: a third capture channel with L+R of the playback. */
    hp_rig_kv lb[] = {{"NOISE", "off"}, {"LOOPBACK", "1"}, {"PRESET", "open-back"}};
    exact_opts fl = {"loopback", SND_PCM_FORMAT_FLOAT_LE, rw, 1000, 1e-6};
    exact_case(&fl, lb, 3, 1);
    /* The placement comes from HPFR_PLACEMENT; the leak list picks its corner. */
    hp_rig_kv leaks[] = {{"NOISE", "off"}, {"LEAKS", "6/6/120/6/6"}, {"SEED", "9"}};
    setenv("HPFR_PLACEMENT", "3", 1);
    exact_opts fp = {"placement 3", SND_PCM_FORMAT_FLOAT_LE, rw, 512, 1e-6};
    exact_case(&fp, leaks, 3, 3);
    unsetenv("HPFR_PLACEMENT");
}

static int open_capture(snd_pcm_t **cap, const char *dev, unsigned ch)
{
    duplex d = {.fmt = SND_PCM_FORMAT_FLOAT_LE, .access = SND_PCM_ACCESS_RW_INTERLEAVED};
    int err = snd_pcm_open(cap, dev, SND_PCM_STREAM_CAPTURE, 0);
    if (err < 0)
        return err;
    err = set_hw(*cap, &d, ch, RATE);
    if (err < 0) {
        snd_pcm_close(*cap);
        *cap = NULL;
    }
    return err;
}

/* Capture only, read in chunks of `chunk` frames. */
static int capture_noise(const char *dev, size_t chunk, float *buf, size_t frames)
{
    snd_pcm_t *cap = NULL;
    int err = open_capture(&cap, dev, 2);
    for (size_t done = 0; !err && done < frames;) {
        size_t want = frames - done < chunk ? frames - done : chunk;
        snd_pcm_sframes_t got = snd_pcm_readi(cap, buf + 2 * done, want);
        if (got < 0)
            err = (int)got;
        else
            done += (size_t)got;
    }
    if (cap)
        snd_pcm_close(cap);
    return err;
}

static void noise_runs(void)
{
    const size_t n = 96000;
    float *a = calloc(2 * n, sizeof *a), *b = calloc(2 * n, sizeof *b);
    CHECK(capture_noise("hpfr_sim:NOISE=-60,SEED=5", 1000, a, n) == 0);
    CHECK(capture_noise("hpfr_sim:NOISE=-60,SEED=5", 777, b, n) == 0);
    CHECK(memcmp(a, b, 2 * n * sizeof *a) == 0);
    for (int ch = 0; ch < 2; ch++) {
        double e = 0;
        for (size_t k = 0; k < n; k++)
            e += (double)a[2 * k + (size_t)ch] * (double)a[2 * k + (size_t)ch];
        CHECK_NEAR(10 * log10(e / (double)n), -60, 0.2);
    }
    free(a);
    free(b);
}

static void params_rejected(void)
{
    snd_pcm_t *pcm;
    snd_pcm_hw_params_t *hw;
    snd_pcm_hw_params_alloca(&hw);
    CHECK(snd_pcm_open(&pcm, "hpfr_sim", SND_PCM_STREAM_PLAYBACK, 0) == 0);
    CHECK(snd_pcm_hw_params_any(pcm, hw) >= 0);
    CHECK(snd_pcm_hw_params_test_rate(pcm, hw, 50000, 0) < 0);
    CHECK(snd_pcm_hw_params_test_rate(pcm, hw, 32000, 0) < 0);
    CHECK(snd_pcm_hw_params_test_rate(pcm, hw, 44100, 0) == 0);
    CHECK(snd_pcm_hw_params_test_rate(pcm, hw, 192000, 0) == 0);
    CHECK(snd_pcm_hw_params_test_format(pcm, hw, SND_PCM_FORMAT_U8) < 0);
    CHECK(snd_pcm_hw_params_test_channels(pcm, hw, 1) < 0);
    snd_pcm_t *again;
    CHECK(snd_pcm_open(&again, "hpfr_sim", SND_PCM_STREAM_PLAYBACK, 0) == -EBUSY);
    snd_pcm_close(pcm);
    CHECK(snd_pcm_open(&pcm, "hpfr_sim:FAULTS=busy", SND_PCM_STREAM_CAPTURE, 0) == -EBUSY);
    CHECK(snd_pcm_open(&pcm, "hpfr_sim:PRESET=in-ear", SND_PCM_STREAM_CAPTURE, 0) == -EINVAL);
    CHECK(snd_pcm_open(&pcm, "hpfr_sim:FAULTS=\"dead=2,clip=6\"", SND_PCM_STREAM_CAPTURE,
                       0) == 0);
    snd_pcm_close(pcm);
    CHECK(snd_pcm_open(&pcm, "hpfr_sim:CLOCK=sundial", SND_PCM_STREAM_CAPTURE, 0) < 0);
}

static int duplex_open2(duplex *d, const char *pb, const char *cap)
{
    int err = duplex_open(d, pb, SND_PCM_FORMAT_FLOAT_LE, 2);
    if (err < 0 || !strcmp(pb, cap))
        return err;
    snd_pcm_close(d->cap);
    err = snd_pcm_open(&d->cap, cap, SND_PCM_STREAM_CAPTURE, 0);
    if (err < 0) {
        d->cap = NULL;
        duplex_close(d);
    }
    return err;
}

/* An injected xrun: -EPIPE once per stream, snd_pcm_recover, and streaming goes on. */
static void xrun_runs(void)
{
    duplex d;
    const size_t m = 60000;
    double *in = make_input(SND_PCM_FORMAT_FLOAT_LE, m, 4), *got = calloc(2 * m, sizeof *got);
    snd_lib_error_set_handler(quiet);
    CHECK(duplex_open2(&d, "hpfr_sim:NOISE=off,FAULTS=xrun@20000", "hpfr_sim:NOISE=off,"
                       "FAULTS=xrun@20000") == 0 && duplex_setup(&d, d.access) == 0);
    run rn = {.in = in, .n_in = m, .out = got, .n_out = m, .chunk = 1000, .recover = true};
    CHECK(run_duplex(&d, &rn) == 0);
    CHECK(rn.xruns == 2 && rn.pb_xruns == 1);
    CHECK(rn.captured == m);
    duplex_close(&d);
    /* Only the playback underruns: what it played before, including the last latency
     * frames heard after the xrun, is still captured. */
    hp_rig_params p;
    CHECK(hp_rig_params_from_kv(&(hp_rig_kv){"NOISE", "off"}, 1, 1, &p, NULL, 0) == HP_OK);
    CHECK(duplex_open2(&d, "hpfr_sim:NOISE=off,FAULTS=xrun@20000", "hpfr_sim:NOISE=off") == 0 &&
          duplex_setup(&d, d.access) == 0);
    run r2 = {.in = in, .n_in = m, .out = got, .n_out = m, .chunk = 1000, .recover = true};
    CHECK(run_duplex(&d, &r2) == 0);
    CHECK(r2.xruns == 1 && r2.pb_xruns == 1);
    duplex_close(&d);
    double *want = expected(&p, in, 20000, 20000 + p.latency_frames), peak;
    CHECK(worst_error(got, 2, want, 20000 + p.latency_frames, &peak) < 1e-6);
    snd_lib_error_set_handler(NULL);
    free(want);
    free(in);
    free(got);
}

static void disconnect_run(void)
{
    duplex d;
    const size_t m = 60000;
    double *in = make_input(SND_PCM_FORMAT_FLOAT_LE, m, 4), *got = calloc(2 * m, sizeof *got);
    snd_lib_error_set_handler(quiet);
    CHECK(duplex_open(&d, "hpfr_sim:FAULTS=disconnect@20000", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    run rn = {.in = in, .n_in = m, .out = got, .n_out = m, .chunk = 1000, .recover = true};
    CHECK(run_duplex(&d, &rn) == -ENODEV);
    CHECK(rn.captured >= 18000 && rn.captured <= 21000);
    float buf[2 * 64];
    CHECK(snd_pcm_readi(d.cap, buf, 64) == -ENODEV);
    CHECK(snd_pcm_writei(d.pb, buf, 64) == -ENODEV);
    CHECK(snd_pcm_state(d.cap) == SND_PCM_STATE_DISCONNECTED);
    CHECK(snd_pcm_prepare(d.cap) < 0);
    duplex_close(&d);
    snd_lib_error_set_handler(NULL);
    free(in);
    free(got);
}

/* Frequency of a tone near f_hz in x (stride apart) by phase regression over 10 ms blocks of
 * the demodulated signal; *amp gets the mean amplitude. */
static double tone_freq(const double *x, size_t stride, size_t n, double f_hz, double *amp)
{
    const size_t blk = RATE / 100;
    size_t nb = n / blk;
    double prev = 0, off = 0, st = 0, sp = 0, stt = 0, stp = 0, asum = 0;
    for (size_t b = 0; b < nb; b++) {
        double complex z = 0;
        for (size_t i = b * blk; i < (b + 1) * blk; i++) {
            double w = 2 * M_PI * f_hz * (double)i / RATE;
            z += x[i * stride] * CMPLX(cos(w), -sin(w));
        }
        z /= (double)blk;
        asum += 2 * cabs(z);
        double ph = carg(z) + off;
        while (b && ph - prev > M_PI)
            ph -= 2 * M_PI, off -= 2 * M_PI;
        while (b && ph - prev < -M_PI)
            ph += 2 * M_PI, off += 2 * M_PI;
        prev = ph;
        double t = ((double)b + 0.5) * (double)blk / RATE;
        st += t, sp += ph, stt += t * t, stp += t * ph;
    }
    *amp = asum / (double)nb;
    double nbd = (double)nb;
    return f_hz + (nbd * stp - st * sp) / (nbd * stt - st * st) / (2 * M_PI);
}

/* DRIFT=50: the capture clock is 50 ppm fast, so a tone reads 50 ppm low; the windowed-sinc
 * resampling keeps its level within a few millidecibels up to 18 kHz. */
static void drift_run(void)
{
    const size_t n = 4 * RATE, skip = RATE / 2;
    const double f[2] = {1000, 18000};
    double *in = calloc(2 * n, sizeof *in), *got = calloc(2 * n, sizeof *got);
    for (size_t k = 0; k < n; k++)
        for (int e = 0; e < 2; e++)
            in[2 * k + (size_t)e] = 0.25 * sin(2 * M_PI * f[e] * (double)k / RATE);
    hp_rig_kv kv[] = {{"NOISE", "off"}, {"DRIFT", "50"}, {"CROSSTALK", "off"},
                      {"H2", "off"}, {"H3", "off"}};
    hp_rig_params p;
    char dev[256];
    duplex d;
    CHECK(hp_rig_params_from_kv(kv, 5, 1, &p, NULL, 0) == HP_OK);
    device_name(dev, sizeof dev, "hpfr_sim", kv, 5);
    CHECK(duplex_open(&d, dev, SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    run rn = {.in = in, .n_in = n, .out = got, .n_out = n - skip, .chunk = 1024};
    CHECK(run_duplex(&d, &rn) == 0);
    duplex_close(&d);
    for (int e = 0; e < 2; e++) {
        hp_cascade c;
        double amp;
        CHECK(hp_rig_ear_cascade(&p, e, RATE, &c) == HP_OK);
        double fm = tone_freq(got + 2 * skip + (size_t)e, 2, n - 3 * skip, f[e], &amp);
        CHECK_NEAR((fm / f[e] - 1) * 1e6, -50, 1.0);
        CHECK_NEAR(20 * log10(amp / (0.25 * cabs(hp_cascade_response(&c, f[e])))), 0, 0.02);
    }
    free(in);
    free(got);
}

/* dead=2 silences the right mic; clip=40 drives the mics into hard clipping. */
static void channel_faults(void)
{
    const size_t n = 12000;
    double *in = make_input(SND_PCM_FORMAT_FLOAT_LE, n, 8), *got = calloc(2 * n, sizeof *got);
    duplex d;
    CHECK(duplex_open(&d, "hpfr_sim:FAULTS=\"dead=2,clip=40\"", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    run rn = {.in = in, .n_in = n, .out = got, .n_out = n, .chunk = 1000};
    CHECK(run_duplex(&d, &rn) == 0);
    duplex_close(&d);
    double right = 0, left = 0;
    size_t at_rail = 0;
    for (size_t k = 0; k < n; k++) {
        right = fmax(right, fabs(got[2 * k + 1]));
        left = fmax(left, fabs(got[2 * k]));
        at_rail += fabs(got[2 * k]) == 1.0;
    }
    CHECK(right == 0);
    CHECK(left == 1.0 && at_rail > 1000);
    free(in);
    free(got);
}

/* The virtual clock: ten seconds of duplex audio, no timing assertion. */
static void speed_run(void)
{
    const size_t n = 10 * RATE;
    double *in = make_input(SND_PCM_FORMAT_FLOAT_LE, n, 2), *got = calloc(2 * n, sizeof *got);
    duplex d;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(duplex_open(&d, "hpfr_sim", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    run rn = {.in = in, .n_in = n, .out = got, .n_out = n, .chunk = PERIOD};
    CHECK(run_duplex(&d, &rn) == 0);
    duplex_close(&d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("virtual clock: 10 s of duplex audio in %.3f s (%.0fx real time)\n", wall, 10 / wall);
    free(in);
    free(got);
}

/* ---- other ways to drive the rig ---- */

typedef struct {
    duplex *d;
    run *rn;
    size_t total; /* frames the writer plays (input, then silence) */
    int err;
} writer_job;

/* The writer thread: keeps playing until `total` frames are written. */
static void *writer(void *arg)
{
    writer_job *j = arg;
    while (!j->err && j->rn->written < j->total) {
        size_t n = j->total - j->rn->written < 1000 ? j->total - j->rn->written : 1000;
        j->err = write_some(j->d, j->rn, n);
    }
    return NULL;
}

/* A writer thread and a reader thread on the virtual clock: conservative virtual time keeps
 * them in step, so there is no xrun and the capture is still exact. */
static void threaded_run(void)
{
    hp_rig_params p;
    duplex d;
    CHECK(hp_rig_params_from_kv(&(hp_rig_kv){"NOISE", "off"}, 1, 1, &p, NULL, 0) == HP_OK);
    CHECK(duplex_open(&d, "hpfr_sim:NOISE=off", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    const size_t n = 30000, m = n + 2000;
    double *in = make_input(d.fmt, n, 21), *got = calloc(2 * m, sizeof *got);
    unsigned char *cbuf = calloc(700 * 2, d.bytes);
    run rn = {.in = in, .n_in = n};
    rn.pbuf = calloc(BUFFER * 2, d.bytes);
    CHECK(write_some(&d, &rn, BUFFER) == 0 && snd_pcm_start(d.cap) == 0);
    writer_job job = {&d, &rn, m + 3 * BUFFER, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, writer, &job) == 0);
    int err = 0;
    for (size_t done = 0; !err && done < m;) {
        snd_pcm_sframes_t r = snd_pcm_readi(d.cap, cbuf, m - done < 700 ? m - done : 700);
        err = r < 0 ? (int)r : 0;
        for (size_t i = 0; r > 0 && i < 2 * (size_t)r; i++)
            got[2 * done + i] = unpack(d.fmt, cbuf + i * d.bytes);
        done += r > 0 ? (size_t)r : 0;
    }
    snd_pcm_drop(d.cap); /* lets the writer's last frames through at once */
    pthread_join(th, NULL);
    CHECK(err == 0 && job.err == 0);
    duplex_close(&d);
    double *want = expected(&p, in, n, m), peak;
    CHECK(worst_error(got, 2, want, m, &peak) < 1e-6);
    free(rn.pbuf);
    free(cbuf);
    free(in);
    free(got);
    free(want);
}

/* Services whichever direction poll says is ready; returns a negative error or 0. */
static int poll_step(duplex *d, run *rn, struct pollfd *pfd)
{
    unsigned short pev = 0, cev = 0;
    if (poll(pfd, 2, 1000) < 0 || snd_pcm_poll_descriptors_revents(d->pb, &pfd[0], 1, &pev) < 0 ||
        snd_pcm_poll_descriptors_revents(d->cap, &pfd[1], 1, &cev) < 0)
        return -EIO;
    if (pev & POLLOUT) {
        snd_pcm_sframes_t a = snd_pcm_avail_update(d->pb);
        if (a < 0)
            return (int)a;
        int err = write_some(d, rn, (size_t)a < rn->chunk ? (size_t)a : rn->chunk);
        if (err < 0)
            return err;
    }
    if (cev & POLLIN) {
        size_t want = rn->n_out - rn->captured < rn->chunk ? rn->n_out - rn->captured : rn->chunk;
        snd_pcm_sframes_t r = snd_pcm_readi(d->cap, rn->cbuf, want);
        if (r < 0)
            return r == -EAGAIN ? 0 : (int)r;
        for (size_t i = 0; i < 2 * (size_t)r; i++)
            rn->out[2 * rn->captured + i] = unpack(d->fmt, rn->cbuf + i * d->bytes);
        rn->captured += (size_t)r;
    }
    return (pev | cev) & POLLERR ? -EIO : 0;
}

/* Non-blocking PCMs in a poll loop, both descriptors in one poll(). */
static void poll_run(void)
{
    hp_rig_params p;
    duplex d = {.fmt = SND_PCM_FORMAT_FLOAT_LE, .access = SND_PCM_ACCESS_RW_INTERLEAVED,
                .cap_ch = 2, .bytes = 4};
    CHECK(hp_rig_params_from_kv(&(hp_rig_kv){"NOISE", "off"}, 1, 1, &p, NULL, 0) == HP_OK);
    CHECK(snd_pcm_open(&d.pb, "hpfr_sim:NOISE=off", SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK) == 0);
    CHECK(snd_pcm_open(&d.cap, "hpfr_sim:NOISE=off", SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    const size_t n = 30000, m = n + 2000;
    double *in = make_input(d.fmt, n, 22), *got = calloc(2 * m, sizeof *got);
    run rn = {.in = in, .n_in = n, .out = got, .n_out = m, .chunk = PERIOD};
    rn.pbuf = calloc(BUFFER * 2, d.bytes);
    rn.cbuf = calloc(PERIOD * 2, d.bytes);
    struct pollfd pfd[2];
    CHECK(snd_pcm_poll_descriptors(d.pb, &pfd[0], 1) == 1);
    CHECK(snd_pcm_poll_descriptors(d.cap, &pfd[1], 1) == 1);
    int err = write_some(&d, &rn, BUFFER);
    CHECK(err == 0 && snd_pcm_start(d.cap) == 0);
    for (int spins = 0; !err && rn.captured < m && spins < 100000; spins++)
        err = poll_step(&d, &rn, pfd);
    CHECK(err == 0 && rn.captured == m);
    duplex_close(&d);
    double *want = expected(&p, in, n, m), peak;
    CHECK(worst_error(got, 2, want, m, &peak) < 1e-6);
    free(rn.pbuf);
    free(rn.cbuf);
    free(in);
    free(got);
    free(want);
}

/* Playback with xruns disabled (stop_threshold = boundary) may run dry while the capture
 * records the tail: no xrun and no grace-period stall (GRACE is 4 s here, so one would show,
 * even under valgrind). */
static void free_running_tail(void)
{
    duplex d;
    snd_pcm_sw_params_t *sw;
    snd_pcm_uframes_t boundary;
    snd_pcm_sw_params_alloca(&sw);
    CHECK(duplex_open(&d, "hpfr_sim:NOISE=off,GRACE=4000", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    CHECK(snd_pcm_sw_params_current(d.pb, sw) == 0);
    CHECK(snd_pcm_sw_params_get_boundary(sw, &boundary) == 0);
    CHECK(snd_pcm_sw_params_set_stop_threshold(d.pb, sw, boundary) == 0);
    CHECK(snd_pcm_sw_params(d.pb, sw) == 0);
    float buf[2 * BUFFER] = {0};
    buf[0] = 0.5f; /* an impulse, then silence that is never topped up */
    CHECK(snd_pcm_writei(d.pb, buf, BUFFER) == BUFFER && snd_pcm_start(d.cap) == 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    snd_pcm_sframes_t total = 0, r = 0;
    while (total < 5 * RATE && (r = snd_pcm_readi(d.cap, buf, BUFFER / 2)) > 0)
        total += r;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(r > 0 && total >= 5 * RATE);
    CHECK(snd_pcm_state(d.pb) == SND_PCM_STATE_RUNNING);
    CHECK((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9 < 3);
    duplex_close(&d);
    /* With xruns enabled the capture waits GRACE ms for a writer, then the playback xruns. */
    CHECK(duplex_open(&d, "hpfr_sim:NOISE=off,GRACE=20", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    CHECK(snd_pcm_writei(d.pb, buf, BUFFER) == BUFFER && snd_pcm_start(d.cap) == 0);
    for (total = 0; total < 3 * BUFFER && (r = snd_pcm_readi(d.cap, buf, BUFFER / 2)) > 0;)
        total += r;
    CHECK(total == 3 * BUFFER);
    CHECK(snd_pcm_avail_update(d.pb) == -EPIPE && snd_pcm_state(d.pb) == SND_PCM_STATE_XRUN);
    duplex_close(&d);
}

/* The real-time clock at 5x: runs (xruns tolerated on a loaded machine) and takes at least
 * the audio's duration over the speed. */
static void realtime_run(void)
{
    duplex d;
    const size_t m = RATE; /* one second of audio: 0.2 s of wall time */
    double *in = make_input(SND_PCM_FORMAT_FLOAT_LE, m, 5), *got = calloc(2 * m, sizeof *got);
    struct timespec t0, t1;
    snd_lib_error_set_handler(quiet);
    CHECK(duplex_open(&d, "hpfr_sim_rt:SPEED=5", SND_PCM_FORMAT_FLOAT_LE, 2) == 0);
    CHECK(duplex_setup(&d, d.access) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run rn = {.in = in, .n_in = m, .out = got, .n_out = m, .chunk = PERIOD, .recover = true};
    CHECK(run_duplex(&d, &rn) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    duplex_close(&d);
    snd_lib_error_set_handler(NULL);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("real-time clock at 5x: 1 s of audio in %.3f s, %d xruns\n", wall, rn.xruns);
    CHECK(wall > 0.9 * 1.0 / 5 - (double)BUFFER / RATE / 5);
    free(in);
    free(got);
}

static int setup_env(void)
{
    const char *o = getenv("O");
    char dir[PATH_MAX], path[PATH_MAX + 64];
    if (!o || !*o)
        o = "build";
    if (!realpath(o, dir)) {
        fprintf(stderr, "test_simrig: build directory O=%s not found\n", o);
        return -1;
    }
    snprintf(path, sizeof path, "/usr/share/alsa/alsa.conf:%s/hpfr-alsa.conf", dir);
    setenv("ALSA_CONFIG_PATH", path, 1);
    unsetenv("HPFR_PLACEMENT");
    return 0;
}

int main(void)
{
    model_presets();
    model_leak_and_harmonics();
    model_parser();
    model_noise();
    if (setup_env() < 0)
        return 1;
    exact_runs();
    noise_runs();
    snd_lib_error_set_handler(quiet);
    params_rejected();
    snd_lib_error_set_handler(NULL);
    xrun_runs();
    disconnect_run();
    drift_run();
    channel_faults();
    threaded_run();
    poll_run();
    free_running_tail();
    realtime_run();
    speed_run();
    snd_config_update_free_global();
    T_DONE();
}
