/* SPDX-License-Identifier: MIT */
/* One ALSA PCM opened for measuring: the sample format negotiated in the order float, S32,
 * S24_3LE, S16; the rate exactly as asked; interleaved read/write access; period and buffer
 * sized for glitch-free streaming; and conversion between the device format and float. */
#ifndef HP_PCM_H
#define HP_PCM_H
#include <alsa/asoundlib.h>
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    snd_pcm_t *pcm;
    char name[128];
    snd_pcm_stream_t stream;
    snd_pcm_format_t format;
    unsigned rate, channels;
    snd_pcm_uframes_t period, buffer;
    size_t frame_bytes;
} hp_pcm;

/* Opens `device` for `stream` at exactly rate_hz with `channels` channels (0: all the device
 * offers, at most 32, and at least min_channels). On failure returns HP_EDEVICE, HP_EFORMAT
 * or HP_EINVAL and writes a one-line reason into why (e.g. "rate 50000 Hz is not offered;
 * this device offers 44100, 48000 Hz"). p is zeroed on failure. */
hp_err hp_pcm_open(hp_pcm *p, const char *device, snd_pcm_stream_t stream, unsigned rate_hz,
                   unsigned channels, unsigned min_channels, char *why, size_t why_len) HP_WUR;

void hp_pcm_close(hp_pcm *p);

/* Describes a failed transfer (ALSA's negative errno err) in why as one line naming the device
 * and the direction, and maps it: -EPIPE (an under- or overrun) is HP_EXRUN, anything else
 * (disappeared, suspended, failed) HP_EDEVICE. */
hp_err hp_pcm_error(const hp_pcm *p, int err, char *why, size_t why_len);

/* Converts n interleaved frames between float [-1, 1] and the device format; float input is
 * clamped, so a stimulus cannot wrap around in an integer format. */
void hp_pcm_pack(const hp_pcm *p, const float *in, void *out, size_t frames);
void hp_pcm_unpack(const hp_pcm *p, const void *in, float *out, size_t frames);

/* "FLOAT_LE", "S32_LE", ... */
const char *hp_pcm_format_name(const hp_pcm *p);

/* The standard rates (8 kHz to 384 kHz) the device accepts, comma-separated, e.g.
 * "44100, 48000" ("none" if it accepts none of them). hw must be a fresh configuration space. */
void hp_pcm_list_rates(snd_pcm_t *pcm, snd_pcm_hw_params_t *hw, char *out, size_t len);

/* Where ALSA finds the simulated rig: unless ALSA_CONFIG_PATH already names it, adds the
 * hpfr-alsa.conf that sits next to the hpfr executable (build tree) or in ../share/hpfr
 * (installed), or the one $HPFR_ALSA_CONF names. Call before the first snd_* call. Returns
 * the config used, or NULL if none was found (real devices still work). Also silences
 * alsa-lib's own stderr diagnostics (hpfr reports failures itself) unless HPFR_DEBUG is set. */
const char *hp_pcm_use_simrig_config(void);

#endif
