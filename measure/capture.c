/* SPDX-License-Identifier: MIT */
/* Whole-signal play-and-capture, capture-only and play-only runs on ALSA PCMs. */
#include "capture.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two outputs (left and right driver) where the device allows, else all it has. */
static hp_err open_play(hp_pcm *p, const char *dev, unsigned rate, unsigned min_outputs,
                        char *why, size_t why_len)
{
    unsigned want = min_outputs > 2 ? min_outputs : 2;
    hp_err e = hp_pcm_open(p, dev, SND_PCM_STREAM_PLAYBACK, rate, want, want, why, why_len);
    if (e == HP_EFORMAT && strstr(why, "channel"))
        e = hp_pcm_open(p, dev, SND_PCM_STREAM_PLAYBACK, rate, 0, min_outputs ? min_outputs : 1,
                        why, why_len);
    return e;
}

static hp_err no_memory(char *why, size_t why_len)
{
    snprintf(why, why_len, "out of memory");
    return HP_ENOMEM;
}

/* One capture-only stream of `frames` frames into dst (channels wide). raw holds a period. */
static hp_err capture_once(hp_pcm *cap, unsigned char *raw, float *dst, size_t frames,
                           const hp_capture_req *req, char *why, size_t why_len)
{
    float peak[HP_DUPLEX_MAX_CH] = {0};
    unsigned ch = cap->channels;
    size_t done = 0;
    hp_err e = HP_OK;
    int err = snd_pcm_prepare(cap->pcm);
    if (err >= 0)
        err = snd_pcm_start(cap->pcm);
    if (err < 0)
        e = hp_pcm_error(cap, err, why, why_len);
    while (e == HP_OK && done < frames) {
        size_t want = frames - done < cap->period ? frames - done : cap->period;
        snd_pcm_sframes_t got = snd_pcm_readi(cap->pcm, raw, want);
        if (got < 0) {
            e = hp_pcm_error(cap, (int)got, why, why_len);
            break;
        }
        float *x = dst + done * ch;
        hp_pcm_unpack(cap, raw, x, (size_t)got);
        for (size_t i = 0; i < (size_t)got * ch; i++)
            if (fabsf(x[i]) > peak[i % ch])
                peak[i % ch] = fabsf(x[i]);
        done += (size_t)got;
        if (req->progress) {
            if (req->progress(done, frames, peak, ch, req->ctx))
                e = HP_ECANCELED;
            memset(peak, 0, sizeof peak);
        }
    }
    snd_pcm_drop(cap->pcm);
    return e;
}

/* The stimulus spread over the opened outputs. */
static float *map_stimulus(const hp_capture_req *req, unsigned outputs)
{
    float *s = calloc(req->play_frames ? req->play_frames * outputs : 1, sizeof *s);
    unsigned n = req->stim_channels < outputs ? req->stim_channels : outputs;
    for (size_t i = 0; s && i < req->play_frames; i++)
        memcpy(s + i * outputs, req->stimulus + i * req->stim_channels, n * sizeof *s);
    return s;
}

static hp_err stream(const hp_capture_req *req, hp_pcm *play, hp_pcm *cap, float *captured,
                     unsigned *xruns, char *why, size_t why_len)
{
    hp_duplex_buffers b = {0};
    unsigned char *raw = NULL;
    float *stim = NULL;
    hp_err e = HP_OK;
    if (play) {
        stim = map_stimulus(req, play->channels);
        if (!stim || hp_duplex_buffers_init(&b, play, cap) != HP_OK)
            e = no_memory(why, why_len);
    } else if (!(raw = malloc(cap->period * cap->frame_bytes))) {
        e = no_memory(why, why_len);
    }
    for (unsigned attempt = 0; e == HP_OK; attempt++) {
        e = play ? hp_duplex_run(play, cap, &b, stim, req->play_frames, captured,
                                 req->capture_frames, req->progress, req->ctx, why, why_len)
                 : capture_once(cap, raw, captured, req->capture_frames, req, why, why_len);
        /* An xrun leaves a gap or a repeat in the capture: it is not valid, run it again. */
        if (e != HP_EXRUN || attempt == HP_CAPTURE_RERUNS)
            break;
        if (xruns)
            ++*xruns;
        e = HP_OK;
    }
    if (e == HP_EXRUN) {
        size_t n = strlen(why);
        snprintf(why + n, why_len - n, "; still failing after %d re-runs", HP_CAPTURE_RERUNS);
    }
    hp_duplex_buffers_free(&b);
    free(raw);
    free(stim);
    return e;
}

static hp_err open_devices(const hp_capture_req *req, hp_pcm *play, hp_pcm *cap, char *why,
                           size_t why_len)
{
    const char *cap_dev = req->capture_device ? req->capture_device : req->play_device;
    hp_err e = HP_OK;
    if (req->play_device)
        e = open_play(play, req->play_device, req->rate_hz, req->min_outputs, why, why_len);
    if (e == HP_OK)
        e = hp_pcm_open(cap, cap_dev, SND_PCM_STREAM_CAPTURE, req->rate_hz, 0,
                        req->min_inputs ? req->min_inputs : 1, why, why_len);
    if (e == HP_OK && cap->channels > HP_DUPLEX_MAX_CH) {
        snprintf(why, why_len, "%s: %u capture channels, more than %d", cap_dev, cap->channels,
                 HP_DUPLEX_MAX_CH);
        e = HP_EFORMAT;
    }
    return e;
}

hp_err hp_capture_run(const hp_capture_req *req, hp_audio *out, unsigned *xruns, char *why,
                      size_t why_len)
{
    if (!why || !why_len)
        return HP_EINVAL;
    snprintf(why, why_len, "invalid capture request");
    if (!req || !out || !req->capture_frames || !req->rate_hz ||
        (!req->play_device && !req->capture_device) ||
        (req->play_device && req->play_frames && (!req->stimulus || !req->stim_channels)))
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    hp_pcm play = {0}, cap = {0};
    float *captured = NULL;
    hp_err e = open_devices(req, &play, &cap, why, why_len);
    if (e == HP_OK && !(captured = malloc(req->capture_frames * cap.channels * sizeof *captured)))
        e = no_memory(why, why_len);
    if (e == HP_OK)
        e = stream(req, req->play_device ? &play : NULL, &cap, captured, xruns, why, why_len);
    if (e == HP_OK && hp_audio_alloc(out, req->capture_frames, cap.channels, req->rate_hz) != HP_OK)
        e = no_memory(why, why_len);
    for (size_t i = 0; e == HP_OK && i < req->capture_frames * cap.channels; i++)
        out->data[i] = (double)captured[i];
    if (e == HP_OK)
        why[0] = '\0';
    free(captured);
    hp_pcm_close(&play);
    hp_pcm_close(&cap);
    return e;
}

/* Play-only streaming. The playback PCM starts only on snd_pcm_start (pcm.c sets no start
 * threshold), so the buffer is filled first and started once full or at the end. */
static hp_err play_stream(hp_pcm *p, size_t frames, hp_play_fill fill, void *ctx, float *fb,
                          unsigned char *raw, unsigned *xruns, char *why, size_t why_len)
{
    size_t pos = 0, queued = 0;
    int running = 0, stopped = 0, err = snd_pcm_prepare(p->pcm);
    while (err >= 0 && pos < frames) {
        size_t k = frames - pos < p->period ? frames - pos : p->period;
        if (!running && k > p->buffer - queued)
            k = p->buffer - queued;
        if (fill(fb, k, p->channels, pos, ctx)) {
            stopped = 1;
            break;
        }
        hp_pcm_pack(p, fb, raw, k);
        snd_pcm_sframes_t w = snd_pcm_writei(p->pcm, raw, k);
        if (w == -EPIPE) {
            /* A gap in a test tone: count it and go on. */
            if (xruns)
                ++*xruns;
            running = 0;
            queued = 0;
            err = snd_pcm_prepare(p->pcm);
            continue;
        }
        if (w < 0) {
            err = (int)w;
            break;
        }
        pos += (size_t)w;
        queued += (size_t)w;
        if (!running && (queued >= p->buffer || pos >= frames)) {
            err = snd_pcm_start(p->pcm);
            running = 1;
        }
    }
    if (err >= 0 && !stopped && !running && queued)
        err = snd_pcm_start(p->pcm);
    if (err >= 0 && !stopped)
        err = snd_pcm_drain(p->pcm);
    else
        snd_pcm_drop(p->pcm);
    return err < 0 ? hp_pcm_error(p, err, why, why_len) : HP_OK;
}

hp_err hp_play_run(const char *device, unsigned rate_hz, unsigned min_outputs, size_t frames,
                   hp_play_fill fill, void *ctx, unsigned *xruns, char *why, size_t why_len)
{
    if (!why || !why_len)
        return HP_EINVAL;
    snprintf(why, why_len, "invalid playback request");
    if (!device || !rate_hz || !fill)
        return HP_EINVAL;
    hp_pcm p = {0};
    float *fb = NULL;
    unsigned char *raw = NULL;
    hp_err e = open_play(&p, device, rate_hz, min_outputs, why, why_len);
    if (e == HP_OK && (!(fb = malloc(p.period * p.channels * sizeof *fb)) ||
                       !(raw = malloc(p.period * p.frame_bytes))))
        e = no_memory(why, why_len);
    if (e == HP_OK)
        e = play_stream(&p, frames, fill, ctx, fb, raw, xruns, why, why_len);
    if (e == HP_OK)
        why[0] = '\0';
    free(fb);
    free(raw);
    hp_pcm_close(&p);
    return e;
}
