/* SPDX-License-Identifier: MIT */
/* hpfr measure (and verify): everything before the first placement, once the devices are
 * known: the level check, the stimulus, and the session's sweep.wav and session.json. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "analyze.h"
#include "analyze_calib.h"
#include "cli.h"
#include "measure.h"

/* File names as the session keeps them: relative names made absolute, so that --resume from
 * another directory still finds them. `list`: a comma-separated list (--mic-cal L,R), else
 * one name. Names too long to extend stay as given. */
static void absolute_names(char *dst, size_t len, const char *names, int list)
{
    char cwd[4096];
    int have_cwd = getcwd(cwd, sizeof cwd) != NULL;
    size_t used = 0;
    dst[0] = '\0';
    for (const char *p = names; p && *p && used < len;) {
        const char *end = list ? strchr(p, ',') : NULL;
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int rel = n > 0 && p[0] != '/' && have_cwd;
        int w = snprintf(dst + used, len - used, "%s%s%s%.*s", used ? "," : "",
                         rel ? cwd : "", rel ? "/" : "", (int)n, p);
        if (w < 0 || (size_t)w >= len - used) {
            snprintf(dst, len, "%s", names); /* does not fit: keep what the user typed */
            return;
        }
        used += (size_t)w;
        p = end ? end + 1 : p + n;
    }
}

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
    /* On --resume these may already point into the session itself (and are absolute). */
    if (m->opt.mic_cal != s->mic_cal)
        absolute_names(s->mic_cal, sizeof s->mic_cal, m->opt.mic_cal, 1);
    if (m->opt.profile != s->profile)
        absolute_names(s->profile, sizeof s->profile, m->opt.profile, 0);
    if (m->opt.compensation != s->compensation)
        absolute_names(s->compensation, sizeof s->compensation, m->opt.compensation, 0);
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
