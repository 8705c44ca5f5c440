/* SPDX-License-Identifier: MIT */
/* Device discovery for `hpfr devices`. */
#include "devices.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pcm.h"

static const snd_pcm_format_t formats[] = {SND_PCM_FORMAT_FLOAT_LE, SND_PCM_FORMAT_S32_LE,
                                           SND_PCM_FORMAT_S24_3LE, SND_PCM_FORMAT_S24_LE,
                                           SND_PCM_FORMAT_S16_LE};

void hp_pcm_probe(const char *name, snd_pcm_stream_t stream, hp_pcm_caps *out)
{
    memset(out, 0, sizeof *out);
    snd_pcm_t *pcm;
    int err = snd_pcm_open(&pcm, name, stream, SND_PCM_NONBLOCK);
    if (err < 0) {
        snprintf(out->error, sizeof out->error, "%s", snd_strerror(err));
        return;
    }
    snd_pcm_hw_params_t *hw;
    snd_pcm_hw_params_alloca(&hw);
    if ((err = snd_pcm_hw_params_any(pcm, hw)) < 0) {
        snprintf(out->error, sizeof out->error, "%s", snd_strerror(err));
        snd_pcm_close(pcm);
        return;
    }
    out->ok = true;
    hp_pcm_list_rates(pcm, hw, out->rates, sizeof out->rates);
    size_t used = 0;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (snd_pcm_hw_params_test_format(pcm, hw, formats[i]) < 0)
            continue;
        int w = snprintf(out->formats + used, sizeof out->formats - used, "%s%s", used ? " " : "",
                         snd_pcm_format_name(formats[i]));
        if (w > 0 && (size_t)w < sizeof out->formats - used)
            used += (size_t)w;
    }
    snd_pcm_hw_params_get_channels_min(hw, &out->ch_min);
    snd_pcm_hw_params_get_channels_max(hw, &out->ch_max);
    snd_pcm_close(pcm);
}

int hp_cards_each(void (*fn)(int card, const char *id, const char *name, void *ctx), void *ctx)
{
    int card = -1, n = 0;
    while (snd_card_next(&card) == 0 && card >= 0) {
        char *id = NULL, *name = NULL;
        snd_card_get_name(card, &id);
        snd_card_get_longname(card, &name);
        fn(card, id ? id : "?", name ? name : "?", ctx);
        free(id);
        free(name);
        n++;
    }
    return n;
}

int hp_pcm_hints_each(void (*fn)(const char *name, const char *desc, const char *ioid, void *ctx),
                      void *ctx)
{
    void **hints;
    int n = 0;
    if (snd_device_name_hint(-1, "pcm", &hints) < 0)
        return 0;
    for (void **h = hints; *h; h++) {
        char *name = snd_device_name_get_hint(*h, "NAME");
        char *desc = snd_device_name_get_hint(*h, "DESC");
        char *ioid = snd_device_name_get_hint(*h, "IOID");
        if (name) {
            fn(name, desc, ioid, ctx);
            n++;
        }
        free(name);
        free(desc);
        free(ioid);
    }
    snd_device_name_free_hint(hints);
    return n;
}
