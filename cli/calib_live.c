/* SPDX-License-Identifier: MIT */
/* hpfr calib -D PCM: the live sources. Each produces the hp_audio that the offline form reads
 * from a file (measure/capture.h does the device I/O), so the computation stays the same. */
#define _GNU_SOURCE /* strdup */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "calib.h"
#include "capture.h"
#include "cli.h"
#include "outfile.h"
#include "outset.h"
#include "sweepmeta.h"

#define CMD "calib"
#define FADE_S 0.01 /* raised-cosine fade of the test tone: no click in the driver */

/* A progress line on a terminal (never in a pipe or a test): elapsed time and the peak of the
 * inputs that matter, so a user sees the calibrator or the loopback arrive. */
typedef struct {
    const char *what;
    int tty;
    double started, last;
    size_t rate;
} progress_line;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int show_progress(size_t done, size_t total, const float *peak, unsigned channels,
                         void *ctx)
{
    progress_line *p = ctx;
    double t = now_s();
    if (!p->tty || t - p->last < 0.1)
        return 0;
    fprintf(stderr, "\r%s: %.1f/%.1f s", p->what, (double)done / (double)p->rate,
            (double)total / (double)p->rate);
    for (unsigned c = 0; c < channels && c < 4; c++)
        fprintf(stderr, "  in%u %6.1f dBFS", c + 1,
                peak[c] > 0 ? 20 * log10((double)peak[c]) : -999.0);
    fflush(stderr);
    p->last = t;
    return 0;
}

static void end_progress(const progress_line *p)
{
    if (p->tty && p->last > 0)
        fputs("\r\033[K", stderr);
}

static progress_line progress_for(const char *what, double rate)
{
    progress_line p = {what, isatty(STDERR_FILENO), now_s(), 0, (size_t)rate};
    return p;
}

static int run_capture(hp_capture_req *req, hp_audio *out, const char *what)
{
    char why[512];
    progress_line p = progress_for(what, req->rate_hz);
    req->progress = show_progress;
    req->ctx = &p;
    hp_err e = hp_capture_run(req, out, NULL, why, sizeof why);
    end_progress(&p);
    return e == HP_OK ? 0 : hp_cli_fail(CMD, "%s", why[0] ? why : hp_strerror(e));
}

static unsigned highest_input(const calib_opts *o)
{
    unsigned n = o->ref_channel > 0 ? (unsigned)o->ref_channel : 1;
    for (unsigned k = 0; k < 64; k++)
        if ((o->inputs >> k & 1) && k + 1 > n)
            n = k + 1;
    return n;
}

/* One output set: the pair is replaced together or not at all (a new sweep beside an old
 * loopback recording would analyse as nonsense). */
static int save_pair(const calib_opts *o, const hp_audio *sweep, const hp_audio *rec)
{
    hp_err e;
    errno = 0;
    hp_outset *set = hp_outset_new(o->save_dir, &e);
    if (!set)
        return hp_cli_fail(CMD, "%s: cannot create: %s", o->save_dir,
                           errno ? strerror(errno) : hp_strerror(e));
    static const char *const names[2] = {"sweep.wav", "loopback.wav"};
    const hp_audio *audio[2] = {sweep, rec};
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        errno = 0;
        const char *tmp = hp_outset_path(set, names[k]);
        if (!tmp || hp_audio_write_float(tmp, audio[k]) != HP_OK)
            rc = hp_cli_fail(CMD, "%s/%s: write failed: %s", o->save_dir, names[k],
                             errno ? strerror(errno) : "cannot be written");
    }
    if (!rc && hp_outset_commit(set) != HP_OK) {
        const char *f = hp_outset_failed(set);
        rc = hp_cli_fail(CMD, "%s/%s: write failed: %s", o->save_dir, f ? f : "", strerror(errno));
    }
    hp_outset_free(set);
    return rc;
}

/* The sweep as played: rounded to float (what the device gets), with its hpfr metadata, so
 * that it equals what a saved sweep.wav reads back. */
static int make_sweep(const calib_opts *o, hp_audio *sweep, float **stim)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(o->rate_hz);
    c.length_s = o->length_s;
    c.level_db = o->level_db;
    c.channels = 1;
    hp_sweep_info info;
    char meta[512];
    if (hp_sweep_plan(&c, &info) != HP_OK || hp_sweepmeta_format(&info, meta, sizeof meta) != HP_OK)
        return hp_cli_fail(CMD, "these sweep settings are out of range (see hpfr calib --help)");
    size_t n = info.total_frames;
    double *x = malloc(n * sizeof *x);
    *stim = malloc(2 * n * sizeof **stim);
    int rc = 0;
    if (!x || !*stim || hp_audio_alloc(sweep, n, 1, o->rate_hz) != HP_OK ||
        !(sweep->comment = strdup(meta)) || hp_sweep_render(&info, x, n) != HP_OK)
        rc = hp_cli_fail(CMD, "out of memory for a %zu-frame sweep", n);
    for (size_t i = 0; !rc && i < n; i++) {
        float v = (float)x[i];
        (*stim)[2 * i] = (*stim)[2 * i + 1] = v;
        sweep->data[i] = (double)v;
    }
    free(x);
    return rc;
}

/* The analysis works on float audio (exact for what a device delivers); *dst takes over the
 * comment and src is released. */
static int to_float(hp_audio *src, hp_audio_f *dst)
{
    size_t n = src->frames * src->channels;
    float *d = malloc((n ? n : 1) * sizeof *d);
    if (!d) {
        hp_audio_release(src);
        return hp_cli_fail(CMD, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        d[i] = (float)src->data[i];
    *dst = (hp_audio_f){.rate_hz = src->rate_hz, .frames = src->frames,
                        .channels = src->channels, .data = d, .comment = src->comment};
    src->comment = NULL;
    hp_audio_release(src);
    return 0;
}

int calib_live_loopback(const calib_opts *o, analyze_job *job)
{
    float *stim = NULL;
    hp_audio sweep = {0}, rec = {0};
    int rc = make_sweep(o, &sweep, &stim);
    /* Outputs 1 and 2 both carry the sweep: a cable from either (or one each to inputs 1 and
     * 2) sees it. The tenth of a second after the sweep's own second of silence keeps the
     * tail whole on a slow interface, as hpfr measure does. */
    hp_capture_req req = {.play_device = o->device, .rate_hz = (unsigned)o->rate_hz,
                          .min_inputs = highest_input(o), .stimulus = stim, .stim_channels = 2,
                          .play_frames = sweep.frames,
                          .capture_frames = sweep.frames + (size_t)o->rate_hz / 10};
    if (!rc)
        rc = run_capture(&req, &rec, "loopback sweep");
    free(stim);
    if (!rc && o->save_dir)
        rc = save_pair(o, &sweep, &rec);
    if (!rc)
        rc = to_float(&sweep, &job->sweep);
    if (!rc)
        rc = to_float(&rec, &job->rec);
    hp_audio_release(&sweep);
    hp_audio_release(&rec);
    job->opt.sweep_path = "the sweep played";
    job->opt.rec_path = o->device;
    return rc ? rc : analyze_load_audio(job);
}

/* *a = the capture in all from frame `lead` on; all is released. */
static int drop_lead(hp_audio *all, size_t lead, hp_audio *a)
{
    int rc = 0;
    if (hp_audio_alloc(a, all->frames - lead, all->channels, all->rate_hz) != HP_OK)
        rc = hp_cli_fail(CMD, "out of memory");
    else
        memcpy(a->data, all->data + lead * all->channels,
               (all->frames - lead) * all->channels * sizeof *a->data);
    hp_audio_release(all);
    return rc;
}

int calib_live_capture(const calib_opts *o, hp_audio *a)
{
    /* The first quarter second is left out: a converter may start with a click or a few
     * milliseconds of silence, which would read as an unstable calibrator. */
    size_t lead = (size_t)(CALIB_SPL_LEAD_S * o->rate_hz);
    hp_capture_req req = {.capture_device = o->device, .rate_hz = (unsigned)o->rate_hz,
                          .min_inputs = o->channel,
                          .capture_frames = lead + (size_t)llround(o->length_s * o->rate_hz)};
    hp_audio all = {0};
    int rc = run_capture(&req, &all, "calibrator");
    return rc ? rc : drop_lead(&all, lead, a);
}

typedef struct {
    double amp, w;          /* peak amplitude, radians per frame */
    size_t frames, fade;
    unsigned output;        /* 0-based output that carries the tone */
    const calib_opts *announce; /* play-only: say what plays once the device is open */
} tone;

static tone tone_for(const calib_opts *o, size_t frames)
{
    tone t = {pow(10, o->level_db / 20), 2 * M_PI * o->tone_hz / o->rate_hz, frames,
              (size_t)(FADE_S * o->rate_hz), o->channel - 1, NULL};
    return t;
}

static float tone_at(const tone *t, size_t i)
{
    double g = 1;
    size_t from_end = t->frames - 1 - i;
    if (i < t->fade || from_end < t->fade) {
        double k = (double)(i < from_end ? i : from_end) / (double)t->fade;
        g = 0.5 - 0.5 * cos(M_PI * k);
    }
    /* The phase from the frame number, not accumulated: no drift over a long tone. */
    return (float)(t->amp * g * sin(t->w * (double)i));
}

static int fill_tone(float *buf, size_t frames, unsigned channels, size_t pos, void *ctx)
{
    tone *t = ctx;
    if (t->announce) {
        const calib_opts *o = t->announce;
        printf("playing %g Hz at %g dBFS on output %u of %s for %g s: read the voltage across "
               "the headphone (and the SPL meter) now\n", o->tone_hz, o->level_db, o->channel,
               o->device, o->length_s);
        fflush(stdout);
        t->announce = NULL;
    }
    memset(buf, 0, frames * channels * sizeof *buf);
    for (size_t i = 0; i < frames && t->output < channels; i++)
        buf[i * channels + t->output] = tone_at(t, pos + i);
    return 0;
}

int calib_live_tone_capture(const calib_opts *o, hp_audio *a)
{
    size_t lead = (size_t)(CALIB_TONE_LEAD_S * o->rate_hz);
    size_t cap = lead + (size_t)llround(o->length_s * o->rate_hz);
    /* The tone outlasts the capture by 0.1 s, so its fade-out is never heard. */
    size_t play = cap + (size_t)o->rate_hz / 10;
    tone t = tone_for(o, play);
    float *stim = calloc(play * o->channel, sizeof *stim);
    if (!stim)
        return hp_cli_fail(CMD, "out of memory for a %zu-frame tone", play);
    fill_tone(stim, play, o->channel, 0, &t);
    hp_capture_req req = {.play_device = o->device, .rate_hz = (unsigned)o->rate_hz,
                          .min_outputs = o->channel, .min_inputs = o->channel,
                          .stimulus = stim, .stim_channels = o->channel, .play_frames = play,
                          .capture_frames = cap};
    hp_audio all = {0};
    int rc = run_capture(&req, &all, "test tone");
    free(stim);
    return rc ? rc : drop_lead(&all, lead, a);
}

int calib_live_tone_play(const calib_opts *o)
{
    char why[512];
    size_t frames = (size_t)llround(o->length_s * o->rate_hz);
    tone t = tone_for(o, frames);
    t.announce = o;
    unsigned xruns = 0;
    hp_err e = hp_play_run(o->device, (unsigned)o->rate_hz, o->channel, frames, fill_tone, &t,
                           &xruns, why, sizeof why);
    if (e != HP_OK)
        return hp_cli_fail(CMD, "%s", why[0] ? why : hp_strerror(e));
    if (xruns)
        hp_cli_warn(CMD, "%s: %u underrun%s: the tone had gaps", o->device, xruns,
                    xruns == 1 ? "" : "s");
    return 0;
}
