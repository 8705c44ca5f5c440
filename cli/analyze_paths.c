/* SPDX-License-Identifier: MIT */
/* hpfr analyze, computation: decides which paths a recording holds (one per microphone for a
 * mono sweep; left, right and the two crosstalk paths for a left-then-right sweep), deconvolves
 * each against the signal actually played (or a loopback channel) and analyses it. Paths are
 * independent, so two workers share them (the machines hpfr runs on have two or more cores);
 * every FFTW plan is made on the main thread, as FFTW's planner is not thread-safe. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze.h"
#include "cli.h"
#include "deconv.h"
#include "fft.h"

/* Below this the "response" is indistinguishable from noise: the wrong file, or silence. */
#define MIN_PNR_DB 20.0

#define MAX_WORKERS 2

typedef struct {
    hp_deconv *dec;
    hp_analyzer *an;
    double *h;
    double *ref;    /* only for a loopback reference masked around one sweep of a pair */
    size_t nfft;
} workspace;

/* One worker's share: paths[first], paths[first + stride], ... all against sweep channel
 * `play` (or, for a left-then-right sweep, one direct path followed by its crosstalk path). */
typedef struct {
    analyze_job *job;
    workspace w;
    size_t first, stride;
    unsigned play;
    int stereo;
    int have_ref;   /* the reference was set (or copied) before the worker started */
    int rc;
} worker;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reported;

/* The first failure is printed; a second worker failing at the same time stays quiet, so the
 * user still gets exactly one line. */
static int report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int report(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&report_lock);
    if (!reported)
        hp_cli_fail("analyze", "%s", msg);
    reported = 1;
    pthread_mutex_unlock(&report_lock);
    return HP_EXIT_BAD;
}

static void ws_free(workspace *w)
{
    hp_deconv_free(w->dec);
    hp_analyzer_free(w->an);
    hp_fft_buf_free(w->h);
    free(w->ref);
}

static int ws_init(analyze_job *job, workspace *w)
{
    const hp_sweep_info *i = &job->info;
    w->nfft = hp_fft_good_size(job->rec.frames > job->sweep.frames ? job->rec.frames : job->sweep.frames);
    hp_deconv_cfg dc = {i->rate_hz, i->f1_hz, i->f2_hz, w->nfft, 0};
    hp_analysis_cfg ac = hp_analysis_cfg_default();
    ac.rate_hz = i->rate_hz;
    ac.f1_hz = i->f1_hz;
    ac.f2_hz = i->f2_hz;
    ac.rate_const_s = i->rate_const_s;
    ac.left_s = job->opt.left_ms / 1000;
    ac.right_s = job->opt.right_ms / 1000;
    ac.smooth = job->opt.smooth;
    ac.grid_hz = job->grid.f_hz;
    ac.grid_n = job->grid.n;
    hp_err e;
    w->dec = hp_deconv_new(&dc, &e);
    if (w->dec)
        w->an = hp_analyzer_new(&ac, w->nfft, &e);
    /* Aligned like FFTW's own buffers, so the inverse transform writes into it directly. */
    w->h = hp_fft_alloc_real(w->nfft);
    if (!w->dec || !w->an)
        return hp_cli_fail("analyze", "cannot analyse this sweep: %s (window longer than the "
                           "recording, or band outside the sample rate?)", hp_strerror(e));
    if (!w->h)
        return hp_cli_fail("analyze", "out of memory");
    return 0;
}

/* The reference for sweep channel `play`: the played channel itself, or the loopback channel
 * of the recording, kept only around that channel's sweep when the sweep alternates. */
static int set_reference(analyze_job *job, workspace *w, unsigned play)
{
    const hp_sweep_info *i = &job->info;
    const hp_audio *src = job->opt.ref_channel ? &job->rec : &job->sweep;
    unsigned ch = job->opt.ref_channel ? (unsigned)job->opt.ref_channel - 1 : play;
    hp_err e;
    if (job->opt.ref_channel && i->channels == 2) {
        /* The loopback carries both sweeps of the pair: keep the half around this one. */
        size_t n = src->frames, split = (i->start_frame[0] + i->sweep_frames + i->start_frame[1]) / 2;
        size_t lo = play == 0 ? 0 : split, hi = play == 0 ? split : n;
        if (!w->ref && !(w->ref = malloc(n * sizeof *w->ref)))
            return report("out of memory");
        for (size_t k = 0; k < n; k++)
            w->ref[k] = (k >= lo && k < hi) ? src->data[k * src->channels + ch] : 0.0;
        e = hp_deconv_set_reference(w->dec, w->ref, n);
    } else {
        e = hp_deconv_set_reference_strided(w->dec, src->data + ch, src->frames, src->channels);
    }
    if (e == HP_OK)
        return 0;
    if (job->opt.ref_channel)
        return report("%s: reference channel %d holds no sweep", job->opt.rec_path,
                      job->opt.ref_channel);
    return report("%s: channel %u holds no sweep in %g-%g Hz", job->opt.sweep_path, play + 1,
                  i->f1_hz, i->f2_hz);
}

static int run_path(analyze_job *job, workspace *w, analyze_path *p, long long onset)
{
    const hp_sweep_info *i = &job->info;
    hp_path_opts o = {onset, {0, 0}, 0};
    if (i->channels == 2) {
        unsigned other = 1 - p->play;
        o.other_offset[0] = (long long)i->start_frame[other] - (long long)i->start_frame[p->play];
        o.n_other = 1;
    }
    const hp_audio *r = &job->rec;
    hp_err e = hp_deconv_run_strided(w->dec, r->data + p->mic, r->frames, r->channels, w->h);
    if (e == HP_OK)
        e = hp_analyzer_run(w->an, w->h, &o, &p->resp);
    if (e == HP_ENODATA || (e == HP_OK && !p->crosstalk && p->resp.pnr_db < MIN_PNR_DB))
        return report("%s: no sweep found in channel %u (peak-to-noise %.1f dB)", job->opt.rec_path,
                      p->mic + 1, e == HP_OK ? p->resp.pnr_db : 0.0);
    /* The response to the whole sweep must lie inside the recording; a "latency" that puts
     * the sweep's end past it means this is a recording of something else (another sweep). */
    size_t sweep_end = i->start_frame[p->play] + i->sweep_frames;
    if (e == HP_OK && !p->crosstalk && sweep_end + p->resp.latency_frames > job->rec.frames)
        return report("%s: no sweep found in channel %u: the best match would end %.2f s after "
                      "the recording does (a recording of another sweep?)", job->opt.rec_path,
                      p->mic + 1, (double)(sweep_end + p->resp.latency_frames - job->rec.frames) /
                      i->rate_hz);
    if (e != HP_OK)
        return report("%s: analysis of channel %u failed: %s", job->opt.rec_path, p->mic + 1,
                      hp_strerror(e));
    return 0;
}

static analyze_path *add_path(analyze_job *job, const char *name, int xt, unsigned mic, unsigned play)
{
    analyze_path *p = &job->paths[job->npaths++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->crosstalk = xt;
    p->mic = mic;
    p->play = play;
    return p;
}

/* Microphone channels: every recording channel except the loopback reference. */
static unsigned mic_channel(const analyze_job *job, unsigned k)
{
    unsigned ref = job->opt.ref_channel ? (unsigned)job->opt.ref_channel - 1 : ~0u;
    return (ref != ~0u && k >= ref) ? k + 1 : k;
}

/* Paths in output order: L, xt-L, R, xt-R for a left-then-right sweep; one per microphone
 * for a mono sweep. */
static void plan_paths(analyze_job *job)
{
    if (job->info.channels == 2) {
        unsigned m0 = mic_channel(job, 0), m1 = mic_channel(job, 1);
        /* One ear alone (--channels L or R in measure): the other ear's microphone may not
         * even be there, so no crosstalk path either. */
        if (job->opt.ears != 2)
            add_path(job, "-L", 0, m0, 0);
        if (!job->opt.ears)
            add_path(job, "L", 1, m1, 0);
        if (job->opt.ears != 1)
            add_path(job, "-R", 0, m1, 1);
        if (!job->opt.ears)
            add_path(job, "R", 1, m0, 1);
        return;
    }
    unsigned mics = job->rec.channels - (job->opt.ref_channel ? 1 : 0);
    for (unsigned k = 0; k < mics; k++) {
        char name[16] = "";
        unsigned mic = mic_channel(job, k);
        if (job->opt.mic_mask && (mic >= 64 || !(job->opt.mic_mask >> mic & 1)))
            continue;
        if (mics > 1)
            snprintf(name, sizeof name, "-ch%u", mic + 1);
        add_path(job, name, 0, mic, 0);
    }
}

static void *work(void *arg)
{
    worker *wk = arg;
    analyze_job *job = wk->job;
    if (!wk->have_ref)
        wk->rc = set_reference(job, &wk->w, wk->play);
    if (wk->stereo) {
        /* The direct path, then its crosstalk path windowed where the direct path starts. */
        analyze_path *direct = &job->paths[wk->first], *xt = &job->paths[wk->first + 1];
        if (!wk->rc)
            wk->rc = run_path(job, &wk->w, direct, -1);
        if (!wk->rc && wk->first + 1 < job->npaths && xt->crosstalk)
            wk->rc = run_path(job, &wk->w, xt, (long long)direct->resp.latency_frames);
        return NULL;
    }
    for (size_t k = wk->first; k < job->npaths && !wk->rc; k += wk->stride)
        wk->rc = run_path(job, &wk->w, &job->paths[k], -1);
    return NULL;
}

int analyze_run_paths(analyze_job *job)
{
    worker wk[MAX_WORKERS];
    pthread_t tid[MAX_WORKERS];
    int started[MAX_WORKERS] = {0}, rc = 0;
    plan_paths(job);
    int stereo = job->info.channels == 2;
    /* A left-then-right sweep: one worker per ear measured, each owning its direct and
     * crosstalk paths. */
    size_t nw = stereo ? (job->npaths + 1) / 2 : (job->npaths < MAX_WORKERS ? job->npaths : MAX_WORKERS);
    memset(wk, 0, sizeof wk);
    reported = 0;
    for (size_t i = 0; i < nw && !rc; i++) {
        wk[i] = (worker){.job = job, .first = stereo ? 2 * i : i, .stride = nw,
                         .play = stereo ? job->paths[2 * i].play : 0, .stereo = stereo};
        rc = ws_init(job, &wk[i].w);
    }
    /* A mono sweep: every worker divides by the same reference, so compute it once. */
    if (!stereo && !rc) {
        rc = set_reference(job, &wk[0].w, 0);
        for (size_t i = 0; i < nw && !rc; i++) {
            if (i > 0 && hp_deconv_share_reference(wk[i].w.dec, wk[0].w.dec) != HP_OK)
                rc = report("internal error: reference copy");
            wk[i].have_ref = 1;
        }
    }
    for (size_t i = 0; i < nw && !rc; i++)
        started[i] = pthread_create(&tid[i], NULL, work, &wk[i]) == 0;
    /* Join every worker before freeing any: workers share worker 0's reference spectrum. */
    for (size_t i = 0; i < nw; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        else if (!rc)
            work(&wk[i]); /* no thread to be had: do its share here */
    }
    for (size_t i = 0; i < nw; i++) {
        if (!rc)
            rc = wk[i].rc;
        ws_free(&wk[i].w);
    }
    return rc;
}
