/* SPDX-License-Identifier: MIT */
/* The rig's sound. Playback frames land on a timeline indexed by rig time; rendering consumes
 * the timeline in order (so unwritten times read as silence) and runs the model: per ear the
 * nonlinearity and the cascade, plus crosstalk, into a mic ring. Capture reads the mic ring
 * latency frames back, through a 64-tap Kaiser-windowed sinc when the capture clock drifts,
 * and adds noise that is a pure function of (seed, capture frame, channel). */
#include "simrig.h"
#include <math.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sample conversion assumes a little-endian host"
#endif

#define TL_MASK ((int64_t)SR_TL_FRAMES - 1)
#define MIC_MASK ((int64_t)SR_MIC_FRAMES - 1)
#define PHASES 1024
#define TAPS (2 * SR_HALF_TAPS)
#define KAISER_BETA 7.0

double *sr_timeline(sr_rig *r)
{
    return (double *)((char *)r + r->tl_off);
}

double *sr_mic(sr_rig *r)
{
    return (double *)((char *)r + r->mic_off);
}

size_t sr_scratch_len(void)
{
    return 8 * (size_t)SR_CHUNK * SR_MIC_CH;
}

/* ---- fractional-delay table ---- */

static double interp_tab[PHASES + 1][TAPS];
static pthread_once_t interp_once = PTHREAD_ONCE_INIT;

static double bessel_i0(double x)
{
    double sum = 1, term = 1;
    for (int k = 1; k < 60 && term > 1e-17 * sum; k++) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
    }
    return sum;
}

/* Tap j of phase p weighs the sample at distance d = p/PHASES + (HALF-1) - j from the wanted
 * time. Each phase is normalised to unit DC gain so slow drift adds no ripple. */
static void interp_init(void)
{
    double norm = bessel_i0(KAISER_BETA);
    for (int p = 0; p <= PHASES; p++) {
        double sum = 0;
        for (int j = 0; j < TAPS; j++) {
            double d = (double)p / PHASES + (SR_HALF_TAPS - 1) - j;
            double x = d / SR_HALF_TAPS;
            double w = fabs(x) < 1 ? bessel_i0(KAISER_BETA * sqrt(1 - x * x)) / norm : 0;
            double sinc = d == 0 ? 1 : sin(M_PI * d) / (M_PI * d);
            interp_tab[p][j] = sinc * w;
            sum += interp_tab[p][j];
        }
        for (int j = 0; j < TAPS; j++)
            interp_tab[p][j] /= sum;
    }
}

/* ---- rendering ---- */

static double xtalk_gain(const hp_rig_ear *e)
{
    return isfinite(e->crosstalk_db) ? pow(10.0, e->crosstalk_db / 20.0) : 0.0;
}

static void render_block(sr_rig *r, int64_t u0, size_t n, double *scr)
{
    double *tl = sr_timeline(r), *mic = sr_mic(r);
    double *x0 = scr, *x1 = scr + SR_CHUNK, *lb = scr + 2 * SR_CHUNK;
    const hp_rig_ear *e = r->params.ear;
    r->dirty = true;
    for (size_t i = 0; i < n; i++) {
        double *d = &tl[((u0 + (int64_t)i) & TL_MASK) * 2];
        lb[i] = d[0] + d[1];
        x0[i] = hp_rig_nonlin(&e[0], d[0]);
        x1[i] = hp_rig_nonlin(&e[1], d[1]);
        d[0] = d[1] = 0; /* consumed: the slot reads as silence when it comes round again */
    }
    hp_cascade_run(&r->casc[0], r->bst[0], x0, x0, n);
    hp_cascade_run(&r->casc[1], r->bst[1], x1, x1, n);
    /* Decaying tails would turn subnormal in long silences and make filtering crawl. */
    for (size_t k = 0; k < 2 * HP_CASCADE_MAX; k++) {
        hp_biquad_state *b = &r->bst[k / HP_CASCADE_MAX][k % HP_CASCADE_MAX];
        if (fabs(b->s1) < 1e-200 && fabs(b->s2) < 1e-200)
            b->s1 = b->s2 = 0;
    }
    double g0 = xtalk_gain(&e[0]), g1 = xtalk_gain(&e[1]);
    for (size_t i = 0; i < n; i++) {
        double *m = &mic[((u0 + (int64_t)i) & MIC_MASK) * SR_MIC_CH];
        m[0] = x0[i] + g1 * x1[i];
        m[1] = x1[i] + g0 * x0[i];
        m[2] = lb[i];
    }
}

void sr_render_to(sr_rig *r, int64_t target, double *scratch)
{
    if (!r->have_cascade || target <= r->render)
        return;
    if (target - r->render > (int64_t)SR_TL_FRAMES + SR_MIC_FRAMES) {
        /* A long idle gap: everything ever written lies in the next SR_TL_FRAMES, render
         * that, then jump to silence instead of filtering minutes of zeros. */
        for (int64_t end = r->render + SR_TL_FRAMES; r->render < end; r->render += SR_CHUNK)
            render_block(r, r->render, SR_CHUNK, scratch);
        memset(r->bst, 0, sizeof r->bst);
        memset(sr_mic(r), 0, (size_t)SR_MIC_FRAMES * SR_MIC_CH * sizeof(double));
        r->render = target;
        return;
    }
    while (r->render < target) {
        int64_t left = target - r->render;
        size_t n = left < SR_CHUNK ? (size_t)left : SR_CHUNK;
        render_block(r, r->render, n, scratch);
        r->render += (int64_t)n;
    }
}

void sr_clear_timeline(sr_rig *r, int64_t from, int64_t to)
{
    double *tl = sr_timeline(r);
    if (from < r->render)
        from = r->render;
    if (to > r->render + (int64_t)SR_TL_FRAMES)
        to = r->render + (int64_t)SR_TL_FRAMES;
    for (int64_t u = from; u < to; u++)
        tl[(u & TL_MASK) * 2] = tl[(u & TL_MASK) * 2 + 1] = 0;
}

/* ---- sample formats ---- */

static unsigned char *sample_ptr(const snd_pcm_channel_area_t *a, snd_pcm_uframes_t frame)
{
    return (unsigned char *)a->addr + (a->first + frame * a->step) / 8;
}

static double get_sample(const unsigned char *p, snd_pcm_format_t fmt)
{
    float f;
    switch (fmt) {
    case SND_PCM_FORMAT_FLOAT_LE:
        memcpy(&f, p, sizeof f);
        return (double)f;
    case SND_PCM_FORMAT_S32_LE:
        return (double)(int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                                 (uint32_t)p[3] << 24) / 2147483648.0;
    case SND_PCM_FORMAT_S24_3LE: {
        int32_t v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16);
        return (double)(v >= 0x800000 ? v - 0x1000000 : v) / 8388608.0;
    }
    case SND_PCM_FORMAT_S16_LE:
        return (double)(int16_t)((uint16_t)(p[0] | p[1] << 8)) / 32768.0;
    default:
        return 0;
    }
}

static int64_t quantise(double v, double scale)
{
    double q = nearbyint(v * scale);
    if (q > scale - 1)
        q = scale - 1;
    if (q < -scale)
        q = -scale;
    return (int64_t)q;
}

static void put_sample(unsigned char *p, snd_pcm_format_t fmt, double v)
{
    uint32_t u;
    float f = (float)v;
    switch (fmt) {
    case SND_PCM_FORMAT_FLOAT_LE:
        memcpy(p, &f, sizeof f);
        return;
    case SND_PCM_FORMAT_S32_LE:
        u = (uint32_t)quantise(v, 2147483648.0);
        p[3] = (unsigned char)(u >> 24);
        break;
    case SND_PCM_FORMAT_S24_3LE:
        u = (uint32_t)quantise(v, 8388608.0);
        break;
    case SND_PCM_FORMAT_S16_LE:
        u = (uint32_t)quantise(v, 32768.0);
        p[0] = (unsigned char)u;
        p[1] = (unsigned char)(u >> 8);
        return;
    default:
        return;
    }
    p[0] = (unsigned char)u;
    p[1] = (unsigned char)(u >> 8);
    p[2] = (unsigned char)(u >> 16);
}

/* ---- playback ---- */

/* Puts frames on the timeline from rig time u0; times already rendered or beyond the ring
 * (an app writing in the past or absurdly far ahead) are dropped. */
static void store(sr_rig *r, int64_t u0, const double *buf, size_t n)
{
    double *tl = sr_timeline(r);
    r->dirty = true;
    for (size_t i = 0; i < n; i++) {
        int64_t u = u0 + (int64_t)i;
        if (u < r->render || u >= r->render + (int64_t)SR_TL_FRAMES)
            continue;
        tl[(u & TL_MASK) * 2] = buf[2 * i];
        tl[(u & TL_MASK) * 2 + 1] = buf[2 * i + 1];
    }
}

static double *io_buf(sr_pcm *pc)
{
    return pc->scratch + 4 * SR_CHUNK * SR_MIC_CH;
}

void sr_play(sr_pcm *pc, const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset,
             snd_pcm_uframes_t size)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[SR_PB];
    int64_t first = (int64_t)pc->io.appl_ptr;
    double *buf = io_buf(pc);
    sr_lock(r);
    sr_settle(pc, sr_now(r));
    bool running = s->state == SR_RUNNING || s->state == SR_DRAINING;
    for (snd_pcm_uframes_t done = 0; done < size;) {
        size_t n = size - done < SR_CHUNK ? size - done : SR_CHUNK;
        for (size_t i = 0; i < n; i++)
            for (int ch = 0; ch < 2; ch++)
                buf[2 * i + ch] =
                    get_sample(sample_ptr(&areas[ch], offset + done + i), pc->io.format);
        int64_t k0 = first + (int64_t)done;
        if (running)
            store(r, s->epoch + k0, buf, n);
        for (size_t i = 0; !running && i < n && (size_t)k0 + i < pc->prefill_frames; i++)
            memcpy(&pc->prefill[2 * ((size_t)k0 + i)], &buf[2 * i], 2 * sizeof(double));
        done += n;
    }
    s->appl = (uint64_t)first + size;
    sr_broadcast(r);
    sr_unlock(r);
}

/* Data written before start (prefill) gets its rig times now. */
void sr_flush_prefill(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[SR_PB];
    size_t n = s->appl < pc->prefill_frames ? (size_t)s->appl : pc->prefill_frames;
    if (pc->prefill)
        store(r, s->epoch, pc->prefill, n);
}

/* ---- capture ---- */

static double mic_at(sr_rig *r, int64_t u, int ch)
{
    if (u < 0 || u >= r->render || u < r->render - (int64_t)SR_MIC_FRAMES)
        return 0;
    return sr_mic(r)[(u & MIC_MASK) * SR_MIC_CH + ch];
}

/* Band-limited value of the mic signal at fractional rig time t: 64 taps, the table's phases
 * linearly interpolated (error ~1e-6 of full scale at 1024 phases). */
static void interp(sr_rig *r, double t, double *out, unsigned nch)
{
    int64_t i0 = (int64_t)floor(t);
    double pos = (t - (double)i0) * PHASES;
    int p = (int)pos;
    if (p >= PHASES)
        p = PHASES - 1;
    double w = pos - p;
    const double *h0 = interp_tab[p], *h1 = interp_tab[p + 1];
    for (unsigned ch = 0; ch < nch; ch++) {
        double acc = 0;
        for (int j = 0; j < TAPS; j++)
            acc += mic_at(r, i0 - (SR_HALF_TAPS - 1) + j, (int)ch) * (h0[j] + w * (h1[j] - h0[j]));
        out[ch] = acc;
    }
}

/* Mic noise, the clipping-gain fault and the dead-channel fault, per capture frame. */
static void finish(const sr_pcm *pc, int64_t k0, size_t n, double *out)
{
    const hp_rig_params *a = &pc->args;
    unsigned nch = pc->io.channels;
    double sigma = isfinite(a->noise_dbfs) ? pow(10.0, a->noise_dbfs / 20.0) : 0.0;
    double clip = isnan(a->faults.clip_db) ? 0.0 : pow(10.0, a->faults.clip_db / 20.0);
    for (size_t i = 0; i < n; i++) {
        double *f = &out[i * nch];
        for (unsigned ch = 0; ch < 2; ch++) {
            if (sigma > 0)
                f[ch] += sigma * hp_rig_noise(a->noise_seed, (uint64_t)(k0 + (int64_t)i), ch);
            if (clip > 0)
                f[ch] = fmax(-1.0, fmin(1.0, f[ch] * clip));
        }
        if (a->faults.dead_channel && a->faults.dead_channel <= nch)
            f[a->faults.dead_channel - 1] = 0;
    }
}

/* Capture frames k0.. : the mic signal latency frames before the frame's rig time. */
static void capture_block(sr_pcm *pc, int64_t k0, size_t n, double *out)
{
    sr_rig *r = pc->h->rig;
    const sr_stream *s = &r->s[SR_CAP];
    unsigned nch = pc->io.channels;
    int64_t base = s->epoch - (int64_t)pc->args.latency_frames;
    if (s->ratio == 1.0) {
        sr_render_to(r, base + k0 + (int64_t)n, pc->scratch);
        for (size_t i = 0; i < n; i++)
            for (unsigned ch = 0; ch < nch; ch++)
                out[i * nch + ch] = mic_at(r, base + k0 + (int64_t)i, (int)ch);
    } else {
        pthread_once(&interp_once, interp_init);
        double last = (double)base + (double)(k0 + (int64_t)n - 1) / s->ratio;
        sr_render_to(r, (int64_t)floor(last) + SR_HALF_TAPS + 1, pc->scratch);
        for (size_t i = 0; i < n; i++)
            interp(r, (double)base + (double)(k0 + (int64_t)i) / s->ratio, &out[i * nch], nch);
    }
    finish(pc, k0, n, out);
}

void sr_capture(sr_pcm *pc, const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset,
                snd_pcm_uframes_t size)
{
    sr_rig *r = pc->h->rig;
    int64_t first = (int64_t)pc->io.appl_ptr;
    unsigned nch = pc->io.channels;
    double *buf = io_buf(pc);
    sr_lock(r);
    sr_settle(pc, sr_now(r));
    for (snd_pcm_uframes_t done = 0; done < size;) {
        size_t n = size - done < SR_CHUNK ? size - done : SR_CHUNK;
        capture_block(pc, first + (int64_t)done, n, buf);
        for (size_t i = 0; i < n; i++)
            for (unsigned ch = 0; ch < nch; ch++)
                put_sample(sample_ptr(&areas[ch], offset + done + i), pc->io.format,
                           buf[i * nch + ch]);
        done += n;
    }
    /* With mmap access the app may commit less than this; sr_update corrects it. */
    r->s[SR_CAP].appl = (uint64_t)first + size;
    sr_broadcast(r);
    sr_unlock(r);
}
