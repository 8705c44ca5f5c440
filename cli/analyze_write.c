/* SPDX-License-Identifier: MIT */
/* hpfr analyze, outputs: fr/thd CSVs, IR WAVs and summary.json, written as one atomic set so
 * a failed run leaves nothing behind. Two threads write the paths' files (half each: the
 * work is mostly system calls and waiting for the disk, which overlap). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "analyze.h"
#include "analyze_calib.h"
#include "cli.h"
#include "thread.h"
#include "trace.h"
#include "csv.h"
#include "json.h"
#include "outset.h"
#include "version.h"

/* The first failure of either writer, printed once when both are done. */
typedef struct {
    pthread_mutex_t lock;
    int failed;
    char msg[600];
} write_error;

static int fail(write_error *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(write_error *w, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&w->lock);
    if (!w->failed) {
        va_start(ap, fmt);
        vsnprintf(w->msg, sizeof w->msg, fmt, ap);
        va_end(ap);
        w->failed = 1;
    }
    pthread_mutex_unlock(&w->lock);
    return HP_EXIT_BAD;
}

static int failed(write_error *w)
{
    pthread_mutex_lock(&w->lock);
    int bad = w->failed;
    pthread_mutex_unlock(&w->lock);
    return bad;
}

static int write_csv(hp_outset *set, write_error *w, const char *name, const char *header,
                     const double *const *cols, size_t ncols, size_t nrows, const int *dec)
{
    FILE *f = hp_outset_fopen(set, name);
    if (!f || hp_csv_write(f, header, cols, ncols, nrows, dec) != HP_OK ||
        hp_outset_written(set, name) != HP_OK)
        return fail(w, "%s/%s: write failed: %s", hp_outset_dir(set), name, strerror(errno));
    return 0;
}

static int write_wav(hp_outset *set, write_error *w, const char *name, const double *x, size_t n,
                     double rate_hz)
{
    hp_audio a = {0};
    a.rate_hz = rate_hz;
    a.frames = n;
    a.channels = 1;
    a.data = (double *)x; /* hp_audio_write_float_stream only reads; not released here */
    FILE *f = hp_outset_fopen(set, name);
    if (!f || hp_audio_write_float_stream(f, &a) != HP_OK || hp_outset_written(set, name) != HP_OK)
        return fail(w, "%s/%s: write failed: %s", hp_outset_dir(set), name, strerror(errno));
    return 0;
}

/* The linear and harmonic impulse responses of p (ir*.wav). */
static int write_irs(const analyze_job *job, hp_outset *set, write_error *w, const analyze_path *p)
{
    const hp_response *r = &p->resp;
    char name[64];
    snprintf(name, sizeof name, "ir%s.wav", p->name);
    if (write_wav(set, w, name, r->ir, r->ir_len, job->info.rate_hz))
        return HP_EXIT_BAD;
    for (unsigned n = 2; n <= HP_MAX_HARMONIC; n++) {
        if (!r->hir[n - 2])
            continue;
        snprintf(name, sizeof name, "ir-h%u%s.wav", n, p->name);
        if (write_wav(set, w, name, r->hir[n - 2], r->hir_len[n - 2], job->info.rate_hz))
            return HP_EXIT_BAD;
    }
    return 0;
}

int analyze_write_irs(const analyze_job *job, hp_outset *set, analyze_path *p, char *why,
                      size_t len)
{
    write_error err;
    memset(&err, 0, sizeof err);
    pthread_mutex_init(&err.lock, NULL);
    int rc = write_irs(job, set, &err, p);
    if (rc)
        snprintf(why, len, "%s", err.msg);
    else
        p->irs_written = 1;
    pthread_mutex_destroy(&err.lock);
    return rc;
}

static int write_path(const analyze_job *job, hp_outset *set, write_error *w, const analyze_path *p)
{
    const hp_response *r = &p->resp;
    const double *f = job->grid.f_hz;
    static const int dec_fr[] = {3, 5, 5, 3}, dec_thd[] = {3, 5, 3, 3, 3, 3, 3};
    char name[64];
    const double *fr[] = {f, r->raw_db, r->smooth_db, r->phase_deg};
    if (p->crosstalk) {
        snprintf(name, sizeof name, "xt-%s.csv", p->name);
        return write_csv(set, w, name, "frequency,raw,smoothed,phase", fr, 4, r->n, dec_fr);
    }
    snprintf(name, sizeof name, "fr%s.csv", p->name);
    if (write_csv(set, w, name, "frequency,raw,smoothed,phase", fr, 4, r->n, dec_fr))
        return HP_EXIT_BAD;
    char why[sizeof w->msg];
    if (analyze_calib_write(job, set, p, why, sizeof why))
        return fail(w, "%s", why);
    const double *thd[] = {f, r->thd_pct, r->thd_db, r->harm_db[0], r->harm_db[1], r->harm_db[2],
                           r->harm_db[3]};
    snprintf(name, sizeof name, "thd%s.csv", p->name);
    if (write_csv(set, w, name, "frequency,thd_percent,thd_db,h2_db,h3_db,h4_db,h5_db", thd, 7,
                  r->n, dec_thd))
        return HP_EXIT_BAD;
    return p->irs_written ? 0 : write_irs(job, set, w, p);
}

size_t analyze_output_names(const analyze_path *p, char names[][32])
{
    if (p->crosstalk) {
        snprintf(names[0], 32, "xt-%s.csv", p->name);
        return 1;
    }
    size_t n = 0;
    snprintf(names[n++], 32, "fr%s.csv", p->name);
    snprintf(names[n++], 32, "thd%s.csv", p->name);
    snprintf(names[n++], 32, "ir%s.wav", p->name);
    for (unsigned h = 2; h <= HP_MAX_HARMONIC; h++)
        snprintf(names[n++], 32, "ir-h%u%s.wav", h, p->name);
    return n;
}

/* One writer's share: paths [first, last). */
typedef struct {
    const analyze_job *job;
    hp_outset *set;
    write_error *err;
    size_t first, last;
} writer;

static void *write_paths(void *arg)
{
    writer *wr = arg;
    for (size_t k = wr->first; k < wr->last && !failed(wr->err); k++)
        if (write_path(wr->job, wr->set, wr->err, &wr->job->paths[k]))
            break;
    return NULL;
}

static void json_sweep(hp_json *j, const analyze_job *job)
{
    const hp_sweep_info *i = &job->info;
    hp_json_obj_begin(j, "sweep");
    hp_json_str(j, "file", job->opt.sweep_path);
    hp_json_str(j, "parameters_from", job->info_source);
    hp_json_num(j, "rate_hz", i->rate_hz);
    hp_json_num(j, "f1_hz", i->f1_hz);
    hp_json_num(j, "f2_hz", i->f2_hz);
    hp_json_num(j, "rate_const_s", i->rate_const_s);
    hp_json_num(j, "duration_s", i->duration_s);
    hp_json_int(j, "channels", i->channels);
    hp_json_str(j, "layout", i->channels == 2 ? "left-then-right" : "mono");
    hp_json_obj_end(j);
}

static void json_recording(hp_json *j, const analyze_job *job)
{
    hp_json_obj_begin(j, "recording");
    hp_json_str(j, "file", job->opt.rec_path);
    hp_json_int(j, "frames", (long long)job->rec.frames);
    if (job->opt.ref_channel)
        hp_json_int(j, "reference_channel", job->opt.ref_channel);
    else
        hp_json_str(j, "reference", "played sweep");
    hp_json_arr_begin(j, "channels");
    for (unsigned c = 0; c < job->rec.channels; c++) {
        const channel_stats *s = &job->stats[c];
        hp_json_obj_begin(j, NULL);
        hp_json_int(j, "channel", c + 1);
        hp_json_num(j, "peak_dbfs", s->peak_dbfs);
        hp_json_int(j, "clip_count", (long long)s->clip_count);
        hp_json_num(j, "noise_floor_dbfs", s->noise_dbfs);
        hp_json_num(j, "snr_db", s->snr_db);
        hp_json_obj_end(j);
    }
    hp_json_arr_end(j);
    hp_json_obj_end(j);
}

static void json_paths(hp_json *j, const analyze_job *job)
{
    hp_json_arr_begin(j, "paths");
    for (size_t k = 0; k < job->npaths; k++) {
        const analyze_path *p = &job->paths[k];
        const hp_response *r = &p->resp;
        char files[64];
        hp_json_obj_begin(j, NULL);
        hp_json_str(j, "name", p->crosstalk ? (p->name[0] == 'L' ? "xt-L" : "xt-R")
                               : (p->name[0] ? p->name + 1 : "main"));
        snprintf(files, sizeof files, p->crosstalk ? "xt-%s.csv" : "fr%s.csv", p->name);
        hp_json_str(j, "fr_file", files);
        hp_json_int(j, "recording_channel", p->mic + 1);
        hp_json_int(j, "sweep_channel", p->play + 1);
        hp_json_int(j, "latency_frames", (long long)r->latency_frames);
        hp_json_num(j, "latency_ms", 1000.0 * (double)r->latency_frames / job->info.rate_hz);
        hp_json_num(j, "ir_peak", r->peak);
        hp_json_num(j, "peak_to_noise_db", r->pnr_db);
        hp_json_num(j, "ir_noise_floor_db", -r->pnr_db);
        hp_json_obj_end(j);
    }
    hp_json_arr_end(j);
}

/* The --smooth setting as the option spells it ("1/12", "1/6:db", "var", "psy", "none"). */
static void smoothing_text(const hp_smooth_cfg *c, char *buf, size_t len)
{
    const char *db = c->domain == HP_SMOOTH_DB ? ":db" : "";
    switch (c->kind) {
    case HP_SMOOTH_OCTAVE: snprintf(buf, len, "1/%.0f%s", 1.0 / c->fraction, db); break;
    case HP_SMOOTH_VAR: snprintf(buf, len, "var%s", db); break;
    case HP_SMOOTH_PSY: snprintf(buf, len, "psy"); break;
    default: snprintf(buf, len, "none%s", db); break;
    }
}

static int write_summary(const analyze_job *job, hp_outset *set, write_error *w)
{
    FILE *f = hp_outset_fopen(set, "summary.json");
    if (!f)
        return fail(w, "%s/summary.json: %s", hp_outset_dir(set), strerror(errno));
    hp_json j;
    hp_json_init(&j, f);
    hp_json_obj_begin(&j, NULL);
    hp_json_str(&j, "hpfr_version", HP_VERSION);
    json_sweep(&j, job);
    json_recording(&j, job);
    analyze_calib_json(&j, job);
    hp_json_str(&j, "grid", job->opt.grid_autoeq ? "autoeq" : "log 1/48 octave 20 Hz-20 kHz");
    char smoothing[32];
    smoothing_text(&job->opt.smooth, smoothing, sizeof smoothing);
    hp_json_str(&j, "smoothing", smoothing);
    hp_json_num(&j, "window_left_ms", job->opt.left_ms);
    hp_json_num(&j, "window_right_ms", job->opt.right_ms);
    json_paths(&j, job);
    hp_json_obj_end(&j);
    if (hp_json_finish(&j) != HP_OK)
        return fail(w, "%s/summary.json: write failed: %s", hp_outset_dir(set), strerror(errno ? errno : EIO));
    return 0;
}

hp_outset *analyze_output_set(const analyze_job *job, hp_err *err)
{
    hp_outset *set = hp_outset_new(job->opt.out_dir, err);
    /* Keeping only saves time: a set that cannot (out of memory) works as usual. */
    if (set)
        (void)!hp_outset_keep_previous(set);
    return set;
}

int analyze_write(analyze_job *job)
{
    hp_err e;
    hp_trace("write: start");
    hp_outset *set = analyze_setup_take_output(job);
    hp_trace("write: output set");
    if (!set)
        set = analyze_output_set(job, &e);
    if (!set)
        return hp_cli_fail(analyze_cmd(job), "%s: cannot create the output directory: %s", job->opt.out_dir,
                           strerror(errno));
    write_error err;
    memset(&err, 0, sizeof err);
    pthread_mutex_init(&err.lock, NULL);
    /* The helper writes the first half of the paths, this thread the rest and the summary. */
    size_t half = job->npaths / 2;
    writer helper = {job, set, &err, 0, half}, self = {job, set, &err, half, job->npaths};
    pthread_t tid;
    int started = half > 0 && hp_thread_start(&tid, write_paths, &helper) == 0;
    if (!started)
        self.first = 0;
    write_paths(&self);
    hp_trace("write: this thread's files");
    if (!failed(&err))
        write_summary(job, set, &err);
    if (started)
        pthread_join(tid, NULL);
    hp_trace("write: other thread joined");
    int rc = 0;
    if (err.failed)
        rc = hp_cli_fail(analyze_cmd(job), "%s", err.msg);
    if (!rc && hp_outset_commit(set) != HP_OK) {
        const char *name = hp_outset_failed(set);
        rc = hp_cli_fail(analyze_cmd(job), "%s%s%s: write failed: %s", job->opt.out_dir, name ? "/" : "",
                         name ? name : "", strerror(errno));
    }
    hp_trace("write: committed");
    hp_outset_free(set);
    pthread_mutex_destroy(&err.lock);
    return rc;
}
