/* SPDX-License-Identifier: MIT */
/* hpfr measure: one placement, from the stream to session.json. The capture is on disk before
 * the analysis starts, and the placement enters session.json only once everything it needs
 * is written, so an interruption at any moment leaves earlier placements complete and valid. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "analyze.h"
#include "analyze_calib.h"
#include "cli.h"
#include "drift.h"
#include "measure.h"
#include "outfile.h"

/* Brings a capture from a separately clocked device onto the playback clock and cuts out the
 * sweep sequence. *out is either m->captured (no drift to correct) or a new buffer. */
static int correct_drift(measure_ctx *m, unsigned index, const float **out, size_t *frames,
                         float **owned, double *ppm)
{
    const measure_stimulus *s = &m->stim;
    unsigned ch = m->cap.channels;
    *owned = NULL;
    *ppm = NAN;
    *out = m->captured;
    *frames = s->capture_frames;
    if (!s->markers)
        return 0;
    hp_drift d;
    hp_err e = hp_drift_estimate(m->captured, ch, s->capture_frames, s->marker_pos[0],
                                 s->marker_pos[1], s->marker_frames, s->marker_slack, &d);
    if (e == HP_ENOMEM)
        return hp_cli_fail(m->cmd, "out of memory");
    if (e != HP_OK)
        return hp_cli_fail(m->cmd, "placement %u: the clock markers were not heard on input 1 "
                           "(left mic), so the drift between %s and %s cannot be measured (a "
                           "silent left mic, or clocks more than %g ppm apart)", index,
                           m->opt.device, m->opt.capture_device, HP_DRIFT_MAX_PPM);
    /* Nothing of the placement is written: a capture this far off is no measurement. */
    if (fabs(d.ppm) > HP_DRIFT_MAX_PPM)
        return hp_cli_fail(m->cmd, "placement %u: the capture clock (%s) runs %.0f ppm %s "
                           "against the playback clock (%s), more than the %g ppm hpfr corrects: "
                           "are both devices set to the same sample rate?", index,
                           m->opt.capture_device, fabs(d.ppm), d.ppm > 0 ? "fast" : "slow",
                           m->opt.device, HP_DRIFT_MAX_PPM);
    float *fixed = NULL;
    size_t nfixed = 0;
    if (hp_drift_correct(m->captured, s->capture_frames, ch, d.ppm, &fixed, &nfixed) != HP_OK)
        return hp_cli_fail(m->cmd, "placement %u: clock drift of %.1f ppm cannot be corrected",
                           index, d.ppm);
    size_t want = s->info.total_frames + (size_t)m->opt.rate_hz / 10;
    if (s->seq_start + want > nfixed) {
        free(fixed);
        return hp_cli_fail(m->cmd, "placement %u: the capture is too short after correcting "
                           "%.1f ppm of drift", index, d.ppm);
    }
    *owned = fixed;
    *out = fixed + s->seq_start * ch;
    *frames = want;
    *ppm = d.ppm;
    return 0;
}

static int save_capture(measure_ctx *m, const char *dir, const char *name, const float *x,
                        size_t frames)
{
    char path[4400];
    unsigned ch = m->cap.channels;
    hp_audio a = {0};
    if (hp_audio_alloc(&a, frames, ch, m->opt.rate_hz) != HP_OK)
        return hp_cli_fail(m->cmd, "out of memory for the capture");
    for (size_t i = 0; i < frames * ch; i++)
        a.data[i] = (double)x[i];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = hp_cli_write_audio(m->cmd, path, &a);
    hp_audio_release(&a);
    return rc;
}

static int analyse(measure_ctx *m, const char *dir, hp_placement *rec)
{
    char sweep[4300], capture[4300];
    snprintf(sweep, sizeof sweep, "%s/sweep.wav", m->opt.session_dir);
    snprintf(capture, sizeof capture, "%s/capture.wav", dir);
    analyze_job job;
    memset(&job, 0, sizeof job);
    job.opt.cmd = m->cmd;
    job.opt.sweep_path = sweep;
    job.opt.rec_path = capture;
    job.opt.out_dir = dir;
    job.opt.ref_channel = m->opt.ref_channel;
    job.opt.ears = m->opt.ears;
    job.opt.mic_cal = m->opt.mic_cal;
    job.opt.profile = m->opt.profile;
    job.opt.compensation = m->opt.compensation;
    job.opt.smooth = hp_smooth_cfg_default();
    job.opt.left_ms = m->opt.window_left_ms > 0 ? m->opt.window_left_ms : 5;
    job.opt.right_ms = 500;
    int rc = analyze_load(&job);
    if (!rc)
        rc = analyze_run_paths(&job);
    if (!rc)
        rc = analyze_calibrate(&job);
    if (!rc)
        rc = analyze_write(&job);
    if (!rc) {
        printf("placement %u/%u saved in %s/:", rec->index, m->session.planned, dir);
        for (size_t k = 0; k < job.npaths; k++) {
            const analyze_path *p = &job.paths[k];
            if (!p->crosstalk)
                printf("  %s latency %zu, peak-to-noise %.1f dB", p->name + 1,
                       p->resp.latency_frames, p->resp.pnr_db);
        }
        if (isfinite(rec->drift_ppm))
            printf("  drift %+.2f ppm", rec->drift_ppm);
        printf("\n");
        fflush(stdout);
        rec->latency_frames = job.npaths ? (long)job.paths[0].resp.latency_frames : -1;
    }
    analyze_calib_free(&job);
    analyze_job_release(&job);
    return rc;
}

int measure_placement(measure_ctx *m, unsigned index)
{
    char what[64], dir[4200];
    hp_placement rec = {.index = index, .status = HP_PLACEMENT_DONE, .latency_frames = -1};
    snprintf(what, sizeof what, "placement %u/%u", index, m->session.planned);
    int rc = measure_open(m, index);
    if (!rc)
        rc = measure_stream(m, m->stim.play, m->stim.play_frames, m->stim.capture_frames, what,
                            &rec.xruns);
    measure_close(m);
    if (rc)
        return rc;
    hp_session_now(rec.captured, sizeof rec.captured);
    const float *cap;
    size_t frames;
    float *owned;
    if ((rc = correct_drift(m, index, &cap, &frames, &owned, &rec.drift_ppm)))
        return rc;
    snprintf(dir, sizeof dir, "%s/placement-%u", m->opt.session_dir, index);
    int made = mkdir(dir, 0777) == 0;
    if (!made && errno != EEXIST)
        rc = hp_cli_fail(m->cmd, "%s: cannot create: %s", dir, strerror(errno));
    /* The raw capture is the measurement itself: keep it beside the corrected one. */
    if (!rc && owned)
        rc = save_capture(m, dir, "capture-raw.wav", m->captured, m->stim.capture_frames);
    if (!rc)
        rc = save_capture(m, dir, "capture.wav", cap, frames);
    free(owned);
    if (!rc)
        rc = analyse(m, dir, &rec);
    if (!rc && hp_session_add(&m->session, &rec) != HP_OK)
        rc = hp_cli_fail(m->cmd, "out of memory");
    if (!rc && hp_session_write(m->opt.session_dir, &m->session) != HP_OK)
        rc = hp_cli_fail(m->cmd, "%s/session.json: write failed: %s", m->opt.session_dir,
                         strerror(errno));
    /* A placement that failed before writing anything leaves no empty directory behind (one
     * holding its capture keeps it: the capture is the measurement). */
    if (rc && made)
        rmdir(dir);
    return rc;
}
