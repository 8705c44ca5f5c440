/* SPDX-License-Identifier: MIT */
/* hpfr analyze, computation: decides which paths a recording holds (one per microphone for a
 * mono sweep; left, right and the two crosstalk paths for a left-then-right sweep), deconvolves
 * each against the signal actually played (or a loopback channel) and analyses it.
 *
 * For a run-once program the fixed costs weigh as much as the transforms, so they overlap:
 * while analyze_load reads and checks the recording, a helper thread plans the transforms
 * (FFTW's planner is not thread-safe, so all planning happens there). Paths are independent
 * and two workers share them (the machines hpfr runs on have two or more cores); each step of
 * a worker waits only for what it needs (the deconvolution plan, the reference spectrum, the
 * analyzer), and whoever is free first computes a reference spectrum or creates the output
 * files. The workers share the plans, the analyzer and the reference spectra, which are only
 * read, and each works in one buffer of its own, so little memory is touched (on a virtual
 * machine the first touch of a page can cost as much as a transform of it). */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze.h"
#include "cli.h"
#include "thread.h"
#include "trace.h"
#include "deconv.h"
#include "fft.h"
#include "outset.h"
#include "wisdom.h"

/* Below this the "response" is indistinguishable from noise: the wrong file, or silence. */
#define MIN_PNR_DB 20.0

#define MAX_WORKERS 2

/* Reference spectrum states: whoever needs one first (the helper once it has planned, or a
 * worker) computes it; the others wait for it. */
enum { REF_NONE, REF_BUSY, REF_DONE, REF_FAILED };

enum { OFFER_NONE, OFFER_OPEN, OFFER_TAKEN, OFFER_DONE };

struct analyze_setup {
    pthread_t thread;
    int started;          /* the helper thread runs (or ran) and must be joined */
    int loaded;           /* analyze_load succeeded */
    size_t nfft;          /* deconvolution size, from the sweep file's length */
    hp_deconv *dec[2];    /* per sweep channel (one for a mono sweep) */
    hp_analyzer *an;
    /* Progress, guarded by lock and announced on changed. */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int sweep_ready;          /* job->info, job->grid and nfft are set: planning may start */
    int sweep_read;           /* job->sweep holds the samples: its spectrum may be computed */
    int sweep_failed;         /* the sweep will not be known (the load failed) */
    int dec_ready, an_ready;  /* planned (or planning failed: see failed) */
    int ref_state[2];
    int paths_known;          /* job->paths is set: the output files' names are known */
    int reserving;            /* some thread has taken on making the output files */
    int stop;                 /* the helper is not to make the output files */
    hp_outset *out;           /* the output set with its files reserved (reserve_outputs) */
    /* A path's linear part, offered by a worker computing its harmonics to a worker done with
     * its own paths (analyse, help_others). */
    int workers_busy;         /* workers not yet done with their own paths */
    int offer_state;          /* OFFER_NONE, OFFER_OPEN, OFFER_TAKEN, OFFER_DONE */
    analyze_path *offer;
    hp_err offer_err;
    /* The first failure of any thread, printed once by the main thread. */
    int failed;
    char msg[512];
};

/* Records a failure (the first one wins) without printing it: the main thread decides which
 * error the user sees, so that a load error is not preceded by a later stage's. */
static int fail(analyze_setup *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(analyze_setup *s, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&s->lock);
    if (!s->failed) {
        va_start(ap, fmt);
        vsnprintf(s->msg, sizeof s->msg, fmt, ap);
        va_end(ap);
        s->failed = 1;
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return HP_EXIT_BAD;
}

static int has_failed(analyze_setup *s)
{
    pthread_mutex_lock(&s->lock);
    int bad = s->failed;
    pthread_mutex_unlock(&s->lock);
    return bad;
}

/* Prints the recorded failure; returns its exit status (0 when there was none). */
static int report(const analyze_job *job, analyze_setup *s)
{
    pthread_mutex_lock(&s->lock);
    int rc = s->failed ? hp_cli_fail(analyze_cmd(job), "%s", s->msg) : 0;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Sets *flag (under the lock) and wakes the waiters. */
static void announce(analyze_setup *s, int *flag)
{
    pthread_mutex_lock(&s->lock);
    *flag = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

/* Waits until *flag is set; 0, or the exit status when something failed meanwhile. */
static int wait_for(analyze_setup *s, const int *flag)
{
    pthread_mutex_lock(&s->lock);
    while (!*flag && !s->failed)
        pthread_cond_wait(&s->changed, &s->lock);
    int bad = s->failed;
    pthread_mutex_unlock(&s->lock);
    return bad ? HP_EXIT_BAD : 0;
}

/* Before the sweep's samples are read, job->info.total_frames already holds their count. */
static size_t deconv_size(const analyze_job *job, size_t rec_frames)
{
    size_t n = job->info.total_frames > rec_frames ? job->info.total_frames : rec_frames;
    return hp_fft_good_size(n);
}

/* The reference for sweep channel `play`: the played channel itself, or the loopback channel
 * of the recording, kept only around that channel's sweep when the sweep alternates. */
static int set_reference(analyze_job *job, hp_deconv *dec, unsigned play)
{
    analyze_setup *s = job->setup;
    const hp_sweep_info *i = &job->info;
    const hp_audio_f *src = job->opt.ref_channel ? &job->rec : &job->sweep;
    unsigned ch = job->opt.ref_channel ? (unsigned)job->opt.ref_channel - 1 : play;
    hp_err e;
    if (job->opt.ref_channel && i->channels == 2) {
        /* The loopback carries both sweeps of the pair: keep the half around this one. */
        size_t n = src->frames, split = (i->start_frame[0] + i->sweep_frames + i->start_frame[1]) / 2;
        size_t lo = play == 0 ? 0 : split, hi = play == 0 ? split : n;
        double *ref = malloc(n * sizeof *ref);
        if (!ref)
            return fail(s, "out of memory");
        for (size_t k = 0; k < n; k++)
            ref[k] = (k >= lo && k < hi) ? (double)src->data[k * src->channels + ch] : 0.0;
        e = hp_deconv_set_reference(dec, ref, n);
        free(ref);
    } else {
        e = hp_deconv_set_reference_f(dec, src->data + ch, src->frames, src->channels);
    }
    if (e == HP_OK)
        return 0;
    if (e == HP_ENOMEM)
        return fail(s, "out of memory");
    if (job->opt.ref_channel)
        return fail(s, "%s: reference channel %d holds no sweep", job->opt.rec_path,
                    job->opt.ref_channel);
    return fail(s, "%s: channel %u holds no sweep in %g-%g Hz", job->opt.sweep_path, play + 1,
                i->f1_hz, i->f2_hz);
}

/* Makes sure reference `play` is set: computes it if nobody has started to, else waits for
 * whoever did. only_if_free: return at once when someone else has it (the helper's case). */
static int take_reference(analyze_job *job, unsigned play, int only_if_free)
{
    analyze_setup *s = job->setup;
    pthread_mutex_lock(&s->lock);
    if (s->ref_state[play] == REF_NONE) {
        s->ref_state[play] = REF_BUSY;
        pthread_mutex_unlock(&s->lock);
        int rc = set_reference(job, s->dec[play], play);
        pthread_mutex_lock(&s->lock);
        s->ref_state[play] = rc ? REF_FAILED : REF_DONE;
        pthread_cond_broadcast(&s->changed);
    } else if (!only_if_free) {
        while (s->ref_state[play] == REF_BUSY && !s->failed)
            pthread_cond_wait(&s->changed, &s->lock);
    }
    int bad = s->failed;
    pthread_mutex_unlock(&s->lock);
    return bad ? HP_EXIT_BAD : 0;
}

static void free_transforms(analyze_setup *s)
{
    hp_deconv_free(s->dec[0]);
    hp_deconv_free(s->dec[1]);
    hp_analyzer_free(s->an);
    s->dec[0] = s->dec[1] = NULL;
    s->an = NULL;
    s->dec_ready = s->an_ready = 0;
    s->ref_state[0] = s->ref_state[1] = REF_NONE;
}

static hp_analysis_cfg analysis_cfg(const analyze_job *job)
{
    const hp_sweep_info *i = &job->info;
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
    return ac;
}

/* Plans deconvolution (one per sweep channel) and then analysis for s->nfft, announcing
 * each. */
static void plan_transforms(analyze_job *job)
{
    analyze_setup *s = job->setup;
    const hp_sweep_info *i = &job->info;
    hp_deconv_cfg dc = {i->rate_hz, i->f1_hz, i->f2_hz, s->nfft, 0};
    hp_analysis_cfg ac = analysis_cfg(job);
    hp_err e = HP_OK;
    for (unsigned c = 0; c < i->channels && e == HP_OK; c++)
        s->dec[c] = hp_deconv_new(&dc, &e);
    if (e == HP_OK) {
        announce(s, &s->dec_ready);
        /* The paths need their reference right after their own transform, the analyzer only
         * after dividing: with the sweep's samples in, the references come first. */
        pthread_mutex_lock(&s->lock);
        int samples = s->sweep_read;
        pthread_mutex_unlock(&s->lock);
        for (unsigned c = 0; samples && c < i->channels && !job->opt.ref_channel; c++)
            take_reference(job, c, 1);
        s->an = hp_analyzer_new(&ac, s->nfft, &e);
    }
    if (e == HP_ENOMEM)
        fail(s, "out of memory");
    else if (e != HP_OK)
        fail(s, "cannot analyse this sweep: %s (window longer than the recording, or band "
             "outside the sample rate?)", hp_strerror(e));
    else
        announce(s, &s->an_ready);
}

/* Unless the reference is a channel of the recording (which may not be read yet), sets the
 * reference spectra nobody has claimed yet, once the sweep's samples are read (planning may
 * have started from its header). */
static void free_references(analyze_job *job)
{
    analyze_setup *s = job->setup;
    pthread_mutex_lock(&s->lock);
    while (!s->sweep_read && !s->sweep_failed && !s->failed && !s->stop)
        pthread_cond_wait(&s->changed, &s->lock);
    int go = s->sweep_read && !s->stop;
    pthread_mutex_unlock(&s->lock);
    for (unsigned c = 0; go && c < job->info.channels && !has_failed(s) && !job->opt.ref_channel; c++)
        take_reference(job, c, 1);
}

/* Everything, on the calling thread: the FFTW wisdom cache loaded first and saved when it
 * grew, plans, references. */
static void prepare(analyze_job *job)
{
    char *wisdom = hp_cli_wisdom_load();
    plan_transforms(job);
    hp_cli_wisdom_save(wisdom);
    free_references(job);
}

/* Once the paths are known, the output set with every file it will hold, reserved: creating
 * files is the slow part of writing small ones. Whichever thread would otherwise wait does it:
 * a worker still waiting for the plans (when_idle), else the helper once it has planned.
 * Failures are left for analyze_write to meet and report. */
static void reserve_outputs(analyze_job *job, int when_idle)
{
    analyze_setup *s = job->setup;
    pthread_mutex_lock(&s->lock);
    if (!when_idle)
        while (!s->paths_known && !s->failed && !s->stop)
            pthread_cond_wait(&s->changed, &s->lock);
    /* No output directory: the caller keeps the responses in memory (hpfr calib loopback). */
    int go = job->opt.out_dir && s->paths_known && !s->failed && !s->stop && !s->reserving &&
             !(when_idle && s->dec_ready);
    s->reserving |= go;
    pthread_mutex_unlock(&s->lock);
    if (!go)
        return;
    hp_trace("output files: creating");
    hp_outset *set = analyze_output_set(job, NULL);
    char names[ANALYZE_MAX_FILES][32];
    for (size_t k = 0; set && k < job->npaths && !has_failed(s); k++) {
        size_t n = analyze_output_names(&job->paths[k], names);
        for (size_t i = 0; i < n; i++)
            (void)!hp_outset_reserve(set, names[i]);
    }
    if (set)
        (void)!hp_outset_reserve(set, "summary.json");
    hp_trace("output files: created");
    pthread_mutex_lock(&s->lock);
    s->out = set;
    pthread_mutex_unlock(&s->lock);
}

/* The helper: loads the wisdom while the sweep is read (it needs nothing else), then plans
 * once the sweep is known, computes what references nobody has taken, and finally makes the
 * output files if no worker has. */
static void *prepare_thread(void *arg)
{
    analyze_job *job = arg;
    analyze_setup *s = job->setup;
    hp_trace("helper: start");
    char *wisdom = hp_cli_wisdom_load();
    hp_trace("helper: wisdom loaded");
    pthread_mutex_lock(&s->lock);
    while (!s->sweep_ready && !s->sweep_failed && !s->stop)
        pthread_cond_wait(&s->changed, &s->lock);
    int go = s->sweep_ready && !s->stop;
    pthread_mutex_unlock(&s->lock);
    hp_trace("helper: sweep known");
    if (go)
        plan_transforms(job);
    hp_trace("helper: planned");
    hp_cli_wisdom_save(wisdom);
    hp_trace("helper: wisdom saved");
    if (go) {
        free_references(job);
        hp_trace("helper: references done");
        reserve_outputs(job, 0);
        hp_trace("helper: done");
    }
    return NULL;
}

int analyze_setup_start(analyze_job *job)
{
    analyze_setup *s = calloc(1, sizeof *s);
    if (!s)
        return hp_cli_fail(analyze_cmd(job), "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    job->setup = s;
    /* Without a thread to be had, analyze_run_paths prepares everything itself. */
    s->started = hp_thread_start(&s->thread, prepare_thread, job) == 0;
    return 0;
}

int analyze_setup_sweep(analyze_job *job, int quiet)
{
    analyze_setup *s = job->setup;
    s->nfft = deconv_size(job, 0);
    if (!s->nfft)
        return quiet ? -1 : hp_cli_fail(analyze_cmd(job), "%s: too long", job->opt.sweep_path);
    announce(s, &s->sweep_ready);
    return 0;
}

void analyze_setup_sweep_read(analyze_job *job)
{
    announce(job->setup, &job->setup->sweep_read);
}

void analyze_setup_sweep_failed(analyze_job *job)
{
    announce(job->setup, &job->setup->sweep_failed);
}

void analyze_setup_loaded(analyze_job *job)
{
    if (job->setup)
        job->setup->loaded = 1;
}

/* Waits for the helper thread to end; stop: tell it not to make the output files if it has
 * not started to. */
static void setup_join(analyze_setup *s, int stop)
{
    if (s && s->started) {
        if (stop) {
            pthread_mutex_lock(&s->lock);
            s->stop = 1;
            pthread_cond_broadcast(&s->changed);
            pthread_mutex_unlock(&s->lock);
        }
        pthread_join(s->thread, NULL);
        s->started = 0;
    }
}

hp_outset *analyze_setup_take_output(analyze_job *job)
{
    analyze_setup *s = job->setup;
    if (!s)
        return NULL;
    setup_join(s, 0);
    hp_outset *set = s->out;
    s->out = NULL;
    return set;
}

void analyze_setup_release(analyze_job *job)
{
    analyze_setup *s = job->setup;
    if (!s)
        return;
    setup_join(s, 1);
    free_transforms(s);
    hp_outset_free(s->out);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    free(s);
    job->setup = NULL;
}

/* Before the workers start: the helper goes on planning, unless there is none (no thread to
 * be had) or its plans do not fit (a recording longer than the sweep file); then everything
 * is prepared here, now. */
static int setup_check(analyze_job *job)
{
    analyze_setup *s = job->setup;
    size_t need = deconv_size(job, job->rec.frames);
    if (!need)
        return hp_cli_fail(analyze_cmd(job), "%s: too long", job->opt.rec_path);
    if (need == s->nfft && s->started)
        return 0;
    setup_join(s, 1);
    free_transforms(s);
    s->failed = 0;
    s->nfft = need;
    prepare(job);
    return report(job, s);
}

/* ---- the paths ---- */

/* One worker's share: paths[first], paths[first + stride], ... (for a left-then-right sweep,
 * one direct path followed by its crosstalk path). */
typedef struct {
    analyze_job *job;
    double *buf;
    size_t first, stride;
    int stereo;
    int alone;  /* run on the main thread before the other workers (no thread to be had): it
                   must not wait for them */
    int rc;
} worker;

/* Analyses p from its response h in buf. The linear part and the harmonics are independent
 * once begun: the linear part is offered to the other worker, should it be done with its own
 * paths (a path's analysis is the last thing the slower worker does, while the faster one
 * waits); that one computes it in its own buffer while this one computes the harmonics, and
 * what is not taken by then is done here. */
static hp_err analyse(analyze_job *job, double *buf, const hp_path_opts *o, analyze_path *p)
{
    analyze_setup *s = job->setup;
    hp_err e = hp_analyzer_begin(s->an, buf, o, &p->resp);
    if (e != HP_OK)
        return e;
    pthread_mutex_lock(&s->lock);
    int offered = s->offer_state == OFFER_NONE;
    if (offered) {
        s->offer = p;
        s->offer_state = OFFER_OPEN;
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);
    hp_trace(offered ? "path: begun, linear part offered" : "path: begun");
    e = hp_analyzer_harmonics(s->an, buf, &p->resp);
    hp_trace("path: harmonics done");
    int mine = !offered;
    if (offered) {
        pthread_mutex_lock(&s->lock);
        if (s->offer_state == OFFER_OPEN) {
            mine = 1; /* not taken: withdrawn */
        } else {
            while (s->offer_state != OFFER_DONE)
                pthread_cond_wait(&s->changed, &s->lock);
            hp_trace("path: linear part done by the other worker");
            if (e == HP_OK)
                e = s->offer_err;
        }
        s->offer_state = OFFER_NONE;
        s->offer = NULL;
        pthread_mutex_unlock(&s->lock);
    }
    if (mine && e == HP_OK)
        e = hp_analyzer_linear(s->an, buf, &p->resp);
    if (e == HP_OK)
        hp_analyzer_finish(&p->resp);
    else
        hp_response_release(&p->resp);
    return e;
}

/* A worker done with its own paths computes the linear parts the others offer, in its own
 * buffer, until every worker is done; a worker running alone only says it is done. */
static void help_others(analyze_job *job, double *buf, int alone)
{
    analyze_setup *s = job->setup;
    pthread_mutex_lock(&s->lock);
    s->workers_busy--;
    pthread_cond_broadcast(&s->changed);
    while (!alone && s->workers_busy > 0 && !s->failed) {
        if (s->offer_state != OFFER_OPEN) {
            pthread_cond_wait(&s->changed, &s->lock);
            continue;
        }
        analyze_path *p = s->offer;
        s->offer_state = OFFER_TAKEN;
        pthread_mutex_unlock(&s->lock);
        hp_trace("help: linear part taken");
        hp_err e = hp_analyzer_linear(s->an, buf, &p->resp);
        hp_trace("help: linear part done");
        pthread_mutex_lock(&s->lock);
        s->offer_err = e;
        s->offer_state = OFFER_DONE;
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);
}

static int run_path(analyze_job *job, double *buf, analyze_path *p, long long onset)
{
    analyze_setup *s = job->setup;
    const hp_sweep_info *i = &job->info;
    hp_path_opts o = {onset, {0, 0}, 0};
    if (i->channels == 2) {
        unsigned other = 1 - p->play;
        o.other_offset[0] = (long long)i->start_frame[other] - (long long)i->start_frame[p->play];
        o.n_other = 1;
    }
    hp_trace("path: start");
    const hp_audio_f *r = &job->rec;
    for (size_t k = 0; k < r->frames; k++)
        buf[k] = r->data[k * r->channels + p->mic];
    memset(buf + r->frames, 0, (s->nfft + 2 - r->frames) * sizeof *buf);
    /* Each step waits only for what it needs: the plans, then the reference, then the
     * analyzer. The first worker there computes the reference before its own transform, so
     * that the second transforms meanwhile instead of waiting for it afterwards. */
    hp_trace("path: samples copied");
    if (wait_for(s, &s->dec_ready))
        return HP_EXIT_BAD;
    hp_deconv *dec = s->dec[p->play];
    if (take_reference(job, p->play, 1))
        return HP_EXIT_BAD;
    hp_trace("path: transform");
    hp_err e = hp_deconv_transform_inplace(dec, buf);
    hp_trace("path: transformed");
    if (e == HP_OK && take_reference(job, p->play, 0))
        return HP_EXIT_BAD;
    if (e == HP_OK)
        e = hp_deconv_divide_inplace(dec, buf);
    hp_trace("path: deconvolved");
    if (e == HP_OK && wait_for(s, &s->an_ready))
        return HP_EXIT_BAD;
    hp_trace("path: analyzer ready");
    if (e == HP_OK)
        e = analyse(job, buf, &o, p);
    hp_trace("path: analysed");
    if (e == HP_ENODATA || (e == HP_OK && !p->crosstalk && p->resp.pnr_db < MIN_PNR_DB))
        return fail(s, "%s: no sweep found in channel %u (peak-to-noise %.1f dB)", job->opt.rec_path,
                    p->mic + 1, e == HP_OK ? p->resp.pnr_db : 0.0);
    /* The response to the whole sweep must lie inside the recording; a "latency" that puts
     * the sweep's end past it means this is a recording of something else (another sweep). */
    size_t sweep_end = i->start_frame[p->play] + i->sweep_frames;
    if (e == HP_OK && !p->crosstalk && sweep_end + p->resp.latency_frames > job->rec.frames)
        return fail(s, "%s: no sweep found in channel %u: the best match would end %.2f s after "
                    "the recording does (a recording of another sweep?)", job->opt.rec_path,
                    p->mic + 1, (double)(sweep_end + p->resp.latency_frames - job->rec.frames) /
                    i->rate_hz);
    if (e == HP_ENOMEM)
        return fail(s, "out of memory");
    if (e != HP_OK)
        return fail(s, "%s: analysis of channel %u failed: %s", job->opt.rec_path, p->mic + 1,
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
    job->npaths = 0;
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

/* Once a direct path is analysed, its impulse responses go into the output set, if that is
 * made already (else analyze_write writes them with the rest): the first worker to finish
 * writes while the other still analyses. */
static int write_early(analyze_job *job, analyze_path *p)
{
    analyze_setup *s = job->setup;
    pthread_mutex_lock(&s->lock);
    hp_outset *set = s->out;
    pthread_mutex_unlock(&s->lock);
    char why[sizeof s->msg];
    if (p->crosstalk || !set || has_failed(s))
        return 0;
    if (analyze_write_irs(job, set, p, why, sizeof why))
        return fail(s, "%s", why);
    hp_trace("path: impulse responses written");
    return 0;
}

static void *work(void *arg)
{
    worker *wk = arg;
    analyze_job *job = wk->job;
    reserve_outputs(job, 1);
    if (wk->stereo) {
        /* The direct path, then its crosstalk path windowed where the direct path starts. */
        analyze_path *direct = &job->paths[wk->first], *xt = &job->paths[wk->first + 1];
        wk->rc = run_path(job, wk->buf, direct, -1);
        if (!wk->rc && wk->first + 1 < job->npaths && xt->crosstalk)
            wk->rc = run_path(job, wk->buf, xt, (long long)direct->resp.latency_frames);
        if (!wk->rc)
            wk->rc = write_early(job, direct);
    } else {
        for (size_t k = wk->first; k < job->npaths && !wk->rc; k += wk->stride) {
            wk->rc = run_path(job, wk->buf, &job->paths[k], -1);
            if (!wk->rc)
                wk->rc = write_early(job, &job->paths[k]);
        }
    }
    help_others(job, wk->buf, wk->alone);
    return NULL;
}

int analyze_run_paths(analyze_job *job)
{
    if (!job->setup || !job->setup->loaded)
        return hp_cli_fail(analyze_cmd(job), "internal error: analyze_load did not succeed");
    int rc = setup_check(job);
    if (rc)
        return rc;
    analyze_setup *s = job->setup;
    plan_paths(job);
    announce(s, &s->paths_known);
    int stereo = job->info.channels == 2;
    /* A left-then-right sweep: one worker per ear measured, each owning its direct and
     * crosstalk paths. */
    size_t nw = stereo ? (job->npaths + 1) / 2 : (job->npaths < MAX_WORKERS ? job->npaths : MAX_WORKERS);
    worker wk[MAX_WORKERS];
    pthread_t tid[MAX_WORKERS];
    int started[MAX_WORKERS] = {0};
    memset(wk, 0, sizeof wk);
    /* The deconvolution leaves h in the buffer and the analysis works on in it; the analyzer
     * may not exist yet, but its buffer length follows from the sizes alone. */
    hp_analysis_cfg ac = analysis_cfg(job);
    size_t len = s->nfft + 2, alen = hp_analysis_buf_len(&ac, s->nfft);
    if (alen > len)
        len = alen;
    for (size_t i = 0; i < nw && !rc; i++) {
        wk[i] = (worker){.job = job, .first = stereo ? 2 * i : i, .stride = nw, .stereo = stereo};
        if (!(wk[i].buf = hp_fft_alloc_real(len)))
            rc = hp_cli_fail(analyze_cmd(job), "out of memory");
    }
    s->workers_busy = (int)nw;
    /* The main thread is the last worker. */
    for (size_t i = 0; i + 1 < nw && !rc; i++)
        started[i] = hp_thread_start(&tid[i], work, &wk[i]) == 0;
    for (size_t i = 0; i < nw && !rc; i++) {
        if (started[i])
            continue;
        wk[i].alone = i + 1 < nw;
        work(&wk[i]);
    }
    for (size_t i = 0; i < nw; i++) {
        if (started[i])
            pthread_join(tid[i], NULL);
        hp_fft_buf_free(wk[i].buf);
    }
    if (!rc)
        rc = report(job, s);
    return rc;
}
