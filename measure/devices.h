/* SPDX-License-Identifier: MIT */
/* What an ALSA PCM offers for measuring: rates, sample formats and channel counts, probed by
 * opening it; plus the sound cards and PCM names ALSA knows. */
#ifndef HP_DEVICES_H
#define HP_DEVICES_H
#include <alsa/asoundlib.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    bool ok;                 /* the stream could be opened */
    char error[96];          /* why not, when !ok */
    char rates[160];         /* "44100, 48000" */
    char formats[96];        /* "FLOAT_LE S32_LE S16_LE" (those hpfr uses) */
    unsigned ch_min, ch_max;
} hp_pcm_caps;

/* Probes one direction of a PCM without starting it (opened non-blocking, closed again). */
void hp_pcm_probe(const char *name, snd_pcm_stream_t stream, hp_pcm_caps *out);

/* Calls fn for each sound card: its index, id and long name. Returns the number of cards. */
int hp_cards_each(void (*fn)(int card, const char *id, const char *name, void *ctx), void *ctx);

/* Calls fn for each PCM name in ALSA's configuration hints, with its description (may be
 * NULL) and which directions it has ("Input", "Output" or NULL for both). */
int hp_pcm_hints_each(void (*fn)(const char *name, const char *desc, const char *ioid, void *ctx),
                      void *ctx);

#endif
