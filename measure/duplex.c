/* SPDX-License-Identifier: MIT */
/* The streaming loop of a measurement. */
#include "duplex.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

hp_err hp_duplex_buffers_init(hp_duplex_buffers *b, const hp_pcm *play, const hp_pcm *cap)
{
    memset(b, 0, sizeof *b);
    if (!play || !cap || !play->pcm || !cap->pcm)
        return HP_EINVAL;
    /* The largest transfer is one whole buffer (the prefill or a refill). */
    b->frames = play->buffer > cap->buffer ? play->buffer : cap->buffer;
    b->pbuf = malloc(b->frames * play->frame_bytes);
    b->cbuf = malloc(b->frames * cap->frame_bytes);
    b->pfloat = malloc(b->frames * play->channels * sizeof *b->pfloat);
    if (!b->pbuf || !b->cbuf || !b->pfloat) {
        hp_duplex_buffers_free(b);
        return HP_ENOMEM;
    }
    return HP_OK;
}

void hp_duplex_buffers_free(hp_duplex_buffers *b)
{
    if (!b)
        return;
    free(b->pbuf);
    free(b->cbuf);
    free(b->pfloat);
    memset(b, 0, sizeof *b);
}

typedef struct {
    hp_pcm *play, *cap;
    hp_duplex_buffers *b;
    const float *stim;
    size_t stim_frames, written;
    char *why;
    size_t why_len;
} stream;

static hp_err fail(stream *s, hp_pcm *p, int err)
{
    return hp_pcm_error(p, err, s->why, s->why_len);
}

/* Writes n frames of the stimulus (silence past its end). */
static hp_err feed(stream *s, size_t n)
{
    hp_pcm *p = s->play;
    unsigned ch = p->channels;
    while (n) {
        size_t k = n < s->b->frames ? n : s->b->frames, from = 0;
        if (s->written < s->stim_frames) {
            from = s->stim_frames - s->written < k ? s->stim_frames - s->written : k;
            memcpy(s->b->pfloat, s->stim + s->written * ch, from * ch * sizeof(float));
        }
        memset(s->b->pfloat + from * ch, 0, (k - from) * ch * sizeof(float));
        hp_pcm_pack(p, s->b->pfloat, s->b->pbuf, k);
        snd_pcm_sframes_t w = snd_pcm_writei(p->pcm, s->b->pbuf, k);
        if (w < 0)
            return fail(s, p, (int)w);
        s->written += (size_t)w;
        n -= (size_t)w;
        if (w == 0)
            break;
    }
    return HP_OK;
}

/* Tops the playback buffer up to full without blocking. */
static hp_err top_up(stream *s)
{
    snd_pcm_sframes_t avail = snd_pcm_avail_update(s->play->pcm);
    if (avail < 0)
        return fail(s, s->play, (int)avail);
    return feed(s, (size_t)avail);
}

static hp_err start(stream *s, int *linked)
{
    int err;
    *linked = 0;
    if ((err = snd_pcm_prepare(s->play->pcm)) < 0)
        return fail(s, s->play, err);
    if ((err = snd_pcm_prepare(s->cap->pcm)) < 0)
        return fail(s, s->cap, err);
    /* Linked streams start on the same hardware tick. ioplug devices (like the simulated rig)
     * answer -ENOSYS: they start back to back, and the analysis finds the latency. */
    if (!strcmp(s->play->name, s->cap->name))
        *linked = snd_pcm_link(s->play->pcm, s->cap->pcm) == 0;
    hp_err e = feed(s, s->play->buffer);
    if (e != HP_OK)
        return e;
    if ((err = snd_pcm_start(s->play->pcm)) < 0)
        return fail(s, s->play, err);
    if (!*linked && (err = snd_pcm_start(s->cap->pcm)) < 0)
        return fail(s, s->cap, err);
    return HP_OK;
}

static void stop(stream *s, int linked)
{
    snd_pcm_drop(s->play->pcm);
    snd_pcm_drop(s->cap->pcm);
    if (linked)
        snd_pcm_unlink(s->play->pcm);
    snd_pcm_prepare(s->play->pcm);
    snd_pcm_prepare(s->cap->pcm);
}

hp_err hp_duplex_run(hp_pcm *play, hp_pcm *cap, hp_duplex_buffers *b, const float *stimulus,
                     size_t play_frames, float *captured, size_t cap_frames,
                     hp_duplex_progress progress, void *ctx, char *why, size_t why_len)
{
    if (!play || !cap || !b || !b->pbuf || (!stimulus && play_frames) || !captured || !why ||
        !why_len || cap->channels > HP_DUPLEX_MAX_CH)
        return HP_EINVAL;
    why[0] = '\0';
    stream s = {play, cap, b, stimulus, play_frames, 0, why, why_len};
    float peak[HP_DUPLEX_MAX_CH] = {0};
    unsigned ch = cap->channels;
    size_t done = 0;
    int linked = 0;
    hp_err e = start(&s, &linked);
    while (e == HP_OK && done < cap_frames) {
        size_t want = cap_frames - done < cap->period ? cap_frames - done : cap->period;
        snd_pcm_sframes_t got = snd_pcm_readi(cap->pcm, b->cbuf, want);
        if (got < 0) {
            e = fail(&s, cap, (int)got);
            break;
        }
        float *dst = captured + done * ch;
        hp_pcm_unpack(cap, b->cbuf, dst, (size_t)got);
        for (size_t i = 0; i < (size_t)got * ch; i++) {
            float a = fabsf(dst[i]);
            if (a > peak[i % ch])
                peak[i % ch] = a;
        }
        done += (size_t)got;
        e = top_up(&s);
        if (e == HP_OK && progress) {
            if (progress(done, cap_frames, peak, ch, ctx))
                e = HP_ECANCELED;
            memset(peak, 0, sizeof peak);
        }
    }
    stop(&s, linked);
    return e;
}
