/* SPDX-License-Identifier: MIT */
/* hpfr measure (and verify): everything before the first placement, once the devices are
 * known: the level check, the stimulus, and the session's sweep.wav and session.json. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "analyze.h"
#include "analyze_calib.h"
#include "cli.h"
#include "measure.h"

static void record_devices(measure_ctx *m)
{
    hp_session *s = &m->session;
    s->rate = (unsigned)m->opt.rate_hz;
    /* On --resume the device names may point into the session itself: copy through a
     * buffer of our own, never a string onto itself. */
    char play[sizeof s->playback], cap[sizeof s->capture];
    snprintf(play, sizeof play, "%s", m->opt.device);
    snprintf(cap, sizeof cap, "%s", m->opt.capture_device ? m->opt.capture_device : m->opt.device);
    memcpy(s->playback, play, sizeof play);
    memcpy(s->capture, cap, sizeof cap);
    m->opt.device = s->playback;
    if (m->opt.capture_device)
        m->opt.capture_device = s->capture;
    snprintf(s->format, sizeof s->format, "%s", hp_pcm_format_name(&m->cap));
    s->inputs = m->cap.channels;
    s->ref_channel = m->opt.ref_channel;
    s->ears = m->opt.ears;
    /* On --resume these may already point into the session itself. */
    if (m->opt.mic_cal != s->mic_cal)
        snprintf(s->mic_cal, sizeof s->mic_cal, "%s", m->opt.mic_cal ? m->opt.mic_cal : "");
    if (m->opt.profile != s->profile)
        snprintf(s->profile, sizeof s->profile, "%s", m->opt.profile ? m->opt.profile : "");
    if (m->opt.compensation != s->compensation)
        snprintf(s->compensation, sizeof s->compensation, "%s",
                 m->opt.compensation ? m->opt.compensation : "");
    s->f1_hz = m->stim.info.f1_hz;
    s->f2_hz = m->stim.info.f2_hz;
    s->level_dbfs = m->opt.level_db;
    s->sweep_samples = m->stim.info.sweep_frames;
}

/* The calibration files, read now so that a missing or malformed one is reported before the
 * first sweep rather than after it; each placement's analysis reads them again. */
static int check_calibration(const measure_ctx *m)
{
    analyze_job job;
    memset(&job, 0, sizeof job);
    job.opt.cmd = m->cmd;
    job.opt.mic_cal = m->opt.mic_cal;
    job.opt.profile = m->opt.profile;
    job.opt.compensation = m->opt.compensation;
    job.opt.ref_channel = m->opt.ref_channel;
    job.opt.rec_path = m->opt.capture_device ? m->opt.capture_device : m->opt.device;
    job.rec.channels = m->cap.channels;
    return analyze_calib_preflight(&job);
}

/* Level check, then the stimulus, sweep.wav and an empty session.json. */
int measure_prepare(measure_ctx *m, unsigned first)
{
    int rc = measure_open(m, first);
    if (!rc)
        rc = check_calibration(m);
    m->measuring = !rc;
    if (!rc && !m->opt.resume)
        rc = measure_level_check(m);
    if (!rc)
        rc = measure_stim_build(m);
    if (!rc && m->shape_stim)
        rc = m->shape_stim(m, m->shape_arg);
    if (!rc)
        record_devices(m);
    measure_close(m);
    if (!rc && !m->opt.resume)
        rc = measure_stim_write(m);
    m->wrote_session = m->wrote_session || !rc;
    /* Written on --resume too: a new --placements count must survive another interruption. */
    if (!rc && hp_session_write(m->opt.session_dir, &m->session) != HP_OK)
        rc = hp_cli_fail(m->cmd, "%s/session.json: write failed: %s", m->opt.session_dir,
                         strerror(errno));
    return rc;
}
