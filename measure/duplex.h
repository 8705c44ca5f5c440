/* SPDX-License-Identifier: MIT */
/* Full-duplex play and capture of one stimulus: both directions started together (linked
 * where the device supports snd_pcm_link, otherwise back to back), the stimulus played while
 * every input is captured, and any xrun reported instead of being papered over. */
#ifndef HP_DUPLEX_H
#define HP_DUPLEX_H
#include <stddef.h>
#include "hp_err.h"
#include "pcm.h"

#define HP_DUPLEX_MAX_CH 32

/* Called about every period while streaming: frames captured so far, out of total, and per
 * capture channel the peak magnitude since the previous call. Returning nonzero stops the
 * run (HP_ECANCELED). Runs on the streaming thread: it must not block for long. */
typedef int (*hp_duplex_progress)(size_t done, size_t total, const float *peak,
                                  unsigned channels, void *ctx);

/* Scratch for one run, allocated up front so that the streaming loop never allocates. */
typedef struct {
    unsigned char *pbuf, *cbuf;
    float *pfloat;
    size_t frames;  /* capacity of each buffer in frames */
} hp_duplex_buffers;

hp_err hp_duplex_buffers_init(hp_duplex_buffers *b, const hp_pcm *play, const hp_pcm *cap) HP_WUR;
void hp_duplex_buffers_free(hp_duplex_buffers *b);

/* Plays play_frames interleaved frames of `stimulus` (play->channels wide), then silence, while
 * capturing cap_frames frames of every capture channel into `captured` (cap->channels wide,
 * interleaved). Both PCMs must come from hp_pcm_open and are left stopped and prepared, so a
 * failed run can simply be repeated. Errors: HP_EXRUN (an over- or underrun: the capture is
 * not valid), HP_EDEVICE (the device failed or disappeared; why says how), HP_ECANCELED,
 * HP_EINVAL. */
hp_err hp_duplex_run(hp_pcm *play, hp_pcm *cap, hp_duplex_buffers *b, const float *stimulus,
                     size_t play_frames, float *captured, size_t cap_frames,
                     hp_duplex_progress progress, void *ctx, char *why, size_t why_len) HP_WUR;

#endif
