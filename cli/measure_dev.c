/* SPDX-License-Identifier: MIT */
/* hpfr measure: opening the devices and streaming one stimulus, re-run after an xrun. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "measure.h"

#define MAX_RERUNS 3

int measure_open(measure_ctx *m, unsigned placement)
{
    char why[512], num[16];
    const char *cap_dev = m->opt.capture_device ? m->opt.capture_device : m->opt.device;
    /* The simulated rig draws each placement's seating from this; real devices ignore it. */
    snprintf(num, sizeof num, "%u", placement);
    setenv("HPFR_PLACEMENT", num, 1);
    unsigned rate = (unsigned)m->opt.rate_hz;
    /* Two outputs (left and right driver) where the device allows, else all it has. */
    hp_err e = hp_pcm_open(&m->play, m->opt.device, SND_PCM_STREAM_PLAYBACK, rate, 2, 2, why,
                           sizeof why);
    if (e == HP_EFORMAT && strstr(why, "channel"))
        e = hp_pcm_open(&m->play, m->opt.device, SND_PCM_STREAM_PLAYBACK, rate, 0, 2, why,
                        sizeof why);
    if (e == HP_OK) {
        unsigned need = m->opt.ref_channel > 2 ? (unsigned)m->opt.ref_channel : 2;
        e = hp_pcm_open(&m->cap, cap_dev, SND_PCM_STREAM_CAPTURE, rate, 0, need, why, sizeof why);
        if (e == HP_OK && m->opt.ref_channel > (int)m->cap.channels) {
            snprintf(why, sizeof why, "%s: --ref-channel %d, but the capture has %u channels",
                     cap_dev, m->opt.ref_channel, m->cap.channels);
            e = HP_EINVAL;
        }
    }
    if (e == HP_OK && (e = hp_duplex_buffers_init(&m->bufs, &m->play, &m->cap)) != HP_OK)
        snprintf(why, sizeof why, "out of memory");
    if (e != HP_OK) {
        measure_close(m);
        return hp_cli_fail(m->cmd, "%s", why);
    }
    return 0;
}

void measure_close(measure_ctx *m)
{
    hp_duplex_buffers_free(&m->bufs);
    hp_pcm_close(&m->play);
    hp_pcm_close(&m->cap);
}

int measure_stream(measure_ctx *m, const float *play, size_t play_frames, size_t cap_frames,
                   const char *what, unsigned *xruns)
{
    char why[512];
    float *cap = realloc(m->captured, cap_frames * m->cap.channels * sizeof *cap);
    if (!cap)
        return hp_cli_fail(m->cmd, "out of memory for a %zu-frame capture", cap_frames);
    m->captured = cap;
    m->what = what;
    for (unsigned attempt = 0;; attempt++) {
        m->started = measure_now();
        m->last_meter = 0;
        hp_err e = hp_duplex_run(&m->play, &m->cap, &m->bufs, play, play_frames, cap, cap_frames,
                                 measure_progress, m, why, sizeof why);
        measure_progress_end(m);
        if (e == HP_OK)
            return 0;
        if (e == HP_ECANCELED)
            return HP_MEASURE_STOP;
        if (e != HP_EXRUN)
            return hp_cli_fail(m->cmd, "%s", why[0] ? why : hp_strerror(e));
        if (xruns)
            ++*xruns;
        /* An xrun leaves a gap or a repeat in the capture: the sweep is not valid. */
        if (attempt == MAX_RERUNS)
            return hp_cli_fail(m->cmd, "%s: %s; still failing after %d re-runs (close other "
                               "audio programs, or try a larger buffer)", what, why, MAX_RERUNS);
        fprintf(stderr, "hpfr %s: %s: %s: the capture is invalid; running it again (%u/%d)\n",
                m->cmd, what, why, attempt + 1, MAX_RERUNS);
    }
}
