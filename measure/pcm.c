/* SPDX-License-Identifier: MIT */
/* ALSA PCM setup and sample conversion for measurements. */
#include "pcm.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const snd_pcm_format_t format_order[] = {
    SND_PCM_FORMAT_FLOAT_LE, SND_PCM_FORMAT_S32_LE, SND_PCM_FORMAT_S24_3LE, SND_PCM_FORMAT_S16_LE};

static const unsigned standard_rates[] = {8000,  11025, 16000,  22050,  32000,  44100, 48000,
                                          64000, 88200, 96000, 176400, 192000, 352800, 384000};

void hp_pcm_list_rates(snd_pcm_t *pcm, snd_pcm_hw_params_t *hw, char *out, size_t len)
{
    size_t used = 0;
    if (!len)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof standard_rates / sizeof standard_rates[0]; i++) {
        if (snd_pcm_hw_params_test_rate(pcm, hw, standard_rates[i], 0) < 0)
            continue;
        int w = snprintf(out + used, len - used, "%s%u", used ? ", " : "", standard_rates[i]);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
    if (!used)
        snprintf(out, len, "none");
}

static const char *stream_word(snd_pcm_stream_t s)
{
    return s == SND_PCM_STREAM_PLAYBACK ? "playback" : "capture";
}

static hp_err choose_format(hp_pcm *p, snd_pcm_hw_params_t *hw, char *why, size_t why_len)
{
    for (size_t i = 0; i < sizeof format_order / sizeof format_order[0]; i++) {
        if (snd_pcm_hw_params_test_format(p->pcm, hw, format_order[i]) == 0 &&
            snd_pcm_hw_params_set_format(p->pcm, hw, format_order[i]) == 0) {
            p->format = format_order[i];
            return HP_OK;
        }
    }
    snprintf(why, why_len, "%s: %s offers none of FLOAT_LE, S32_LE, S24_3LE, S16_LE", p->name,
             stream_word(p->stream));
    return HP_EFORMAT;
}

static hp_err choose_channels(hp_pcm *p, snd_pcm_hw_params_t *hw, unsigned want, unsigned min,
                              char *why, size_t why_len)
{
    unsigned lo = 0, hi = 0;
    snd_pcm_hw_params_get_channels_min(hw, &lo);
    snd_pcm_hw_params_get_channels_max(hw, &hi);
    unsigned ch = want ? want : (hi > 32 ? 32 : hi);
    if (!want && ch < min)
        ch = min;
    if (snd_pcm_hw_params_set_channels(p->pcm, hw, ch) < 0) {
        snprintf(why, why_len, "%s: %s needs %u channel%s; the device offers %u to %u", p->name,
                 stream_word(p->stream), ch, ch == 1 ? "" : "s", lo, hi);
        return HP_EFORMAT;
    }
    p->channels = ch;
    return HP_OK;
}

/* A period of about 10 ms and a buffer of 8 periods: short enough for live meters, long
 * enough that a scheduling hiccup of tens of milliseconds does not underrun. */
static hp_err choose_sizes(hp_pcm *p, snd_pcm_hw_params_t *hw, char *why, size_t why_len)
{
    snd_pcm_uframes_t period = p->rate / 100, buffer = 8 * period;
    int dir = 0;
    if (snd_pcm_hw_params_set_period_size_near(p->pcm, hw, &period, &dir) < 0 ||
        snd_pcm_hw_params_set_buffer_size_near(p->pcm, hw, &buffer) < 0) {
        snprintf(why, why_len, "%s: cannot set a period of %u frames", p->name, p->rate / 100);
        return HP_EDEVICE;
    }
    return HP_OK;
}

static hp_err set_sw(hp_pcm *p, char *why, size_t why_len)
{
    snd_pcm_sw_params_t *sw;
    snd_pcm_sw_params_alloca(&sw);
    int err = snd_pcm_sw_params_current(p->pcm, sw);
    /* Playback starts only on an explicit snd_pcm_start, so both directions start together
     * however long the prefill takes. */
    if (!err && p->stream == SND_PCM_STREAM_PLAYBACK)
        err = snd_pcm_sw_params_set_start_threshold(p->pcm, sw, p->buffer * 2);
    if (!err)
        err = snd_pcm_sw_params_set_avail_min(p->pcm, sw, p->period);
    if (!err)
        err = snd_pcm_sw_params(p->pcm, sw);
    if (err < 0) {
        snprintf(why, why_len, "%s: %s software parameters: %s", p->name, stream_word(p->stream),
                 snd_strerror(err));
        return HP_EDEVICE;
    }
    return HP_OK;
}

static hp_err configure(hp_pcm *p, unsigned rate, unsigned channels, unsigned min_channels,
                        char *why, size_t why_len)
{
    snd_pcm_hw_params_t *hw;
    snd_pcm_hw_params_alloca(&hw);
    int err = snd_pcm_hw_params_any(p->pcm, hw);
    if (err < 0) {
        snprintf(why, why_len, "%s: %s", p->name, snd_strerror(err));
        return HP_EDEVICE;
    }
    if (snd_pcm_hw_params_set_rate_resample(p->pcm, hw, 0) < 0 ||
        snd_pcm_hw_params_set_access(p->pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED) < 0) {
        snprintf(why, why_len, "%s: %s does not offer interleaved read/write access", p->name,
                 stream_word(p->stream));
        return HP_EFORMAT;
    }
    if (snd_pcm_hw_params_test_rate(p->pcm, hw, rate, 0) < 0) {
        char rates[160];
        hp_pcm_list_rates(p->pcm, hw, rates, sizeof rates);
        snprintf(why, why_len, "%s: rate %u Hz is not offered for %s; this device offers %s Hz",
                 p->name, rate, stream_word(p->stream), rates);
        return HP_EFORMAT;
    }
    p->rate = rate;
    hp_err e = snd_pcm_hw_params_set_rate(p->pcm, hw, rate, 0) < 0 ? HP_EFORMAT : HP_OK;
    if (e == HP_OK)
        e = choose_format(p, hw, why, why_len);
    if (e == HP_OK)
        e = choose_channels(p, hw, channels, min_channels, why, why_len);
    if (e == HP_OK)
        e = choose_sizes(p, hw, why, why_len);
    if (e != HP_OK)
        return e;
    if ((err = snd_pcm_hw_params(p->pcm, hw)) < 0) {
        snprintf(why, why_len, "%s: cannot configure %s: %s", p->name, stream_word(p->stream),
                 snd_strerror(err));
        return HP_EDEVICE;
    }
    snd_pcm_hw_params_get_period_size(hw, &p->period, NULL);
    snd_pcm_hw_params_get_buffer_size(hw, &p->buffer);
    p->frame_bytes = (size_t)snd_pcm_format_physical_width(p->format) / 8 * p->channels;
    return set_sw(p, why, why_len);
}

hp_err hp_pcm_open(hp_pcm *p, const char *device, snd_pcm_stream_t stream, unsigned rate_hz,
                   unsigned channels, unsigned min_channels, char *why, size_t why_len)
{
    if (!p || !device || !why || !why_len)
        return HP_EINVAL;
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", device);
    p->stream = stream;
    int err = snd_pcm_open(&p->pcm, device, stream, 0);
    if (err < 0) {
        p->pcm = NULL;
        snprintf(why, why_len, "%s: cannot open for %s: %s%s", device, stream_word(stream),
                 snd_strerror(err),
                 err == -EBUSY ? " (another program is using it)" : "");
        return HP_EDEVICE;
    }
    hp_err e = configure(p, rate_hz, channels, min_channels, why, why_len);
    if (e != HP_OK) {
        snd_pcm_close(p->pcm);
        memset(p, 0, sizeof *p);
    }
    return e;
}

void hp_pcm_close(hp_pcm *p)
{
    if (p && p->pcm) {
        snd_pcm_close(p->pcm);
        p->pcm = NULL;
    }
}

hp_err hp_pcm_error(const hp_pcm *p, int err, char *why, size_t why_len)
{
    const char *dir = stream_word(p->stream);
    if (err == -EPIPE) {
        snprintf(why, why_len, "%s: %s %s", p->name, dir,
                 p->stream == SND_PCM_STREAM_PLAYBACK ? "underrun" : "overrun");
        return HP_EXRUN;
    }
    if (err == -ENODEV || err == -EBADFD || err == -ENXIO)
        snprintf(why, why_len, "%s: the %s device disappeared (%s)", p->name, dir,
                 snd_strerror(err));
    else if (err == -ESTRPIPE)
        snprintf(why, why_len, "%s: the %s device was suspended", p->name, dir);
    else
        snprintf(why, why_len, "%s: %s failed: %s", p->name, dir, snd_strerror(err));
    return HP_EDEVICE;
}

const char *hp_pcm_format_name(const hp_pcm *p)
{
    return snd_pcm_format_name(p->format);
}

static int32_t to_int(float v, double full_scale)
{
    double x = (double)v;
    if (!(x > -1.0))
        x = -1.0; /* also maps NaN to full scale negative rather than undefined behaviour */
    if (x > 1.0)
        x = 1.0;
    double s = nearbyint(x * full_scale);
    return s > full_scale - 1 ? (int32_t)(full_scale - 1) : (int32_t)s;
}

void hp_pcm_pack(const hp_pcm *p, const float *in, void *out, size_t frames)
{
    size_t n = frames * p->channels;
    unsigned char *o = out;
    switch (p->format) {
    case SND_PCM_FORMAT_FLOAT_LE:
        for (size_t i = 0; i < n; i++) {
            float v = in[i] > 1.0f ? 1.0f : in[i] < -1.0f ? -1.0f : in[i];
            memcpy(o + 4 * i, &v, 4);
        }
        break;
    case SND_PCM_FORMAT_S32_LE:
        for (size_t i = 0; i < n; i++) {
            int32_t v = to_int(in[i], 2147483648.0);
            memcpy(o + 4 * i, &v, 4);
        }
        break;
    case SND_PCM_FORMAT_S24_3LE:
        for (size_t i = 0; i < n; i++) {
            uint32_t v = (uint32_t)to_int(in[i], 8388608.0);
            o[3 * i] = (unsigned char)v;
            o[3 * i + 1] = (unsigned char)(v >> 8);
            o[3 * i + 2] = (unsigned char)(v >> 16);
        }
        break;
    default: /* S16_LE */
        for (size_t i = 0; i < n; i++) {
            int16_t v = (int16_t)to_int(in[i], 32768.0);
            memcpy(o + 2 * i, &v, 2);
        }
        break;
    }
}

void hp_pcm_unpack(const hp_pcm *p, const void *in, float *out, size_t frames)
{
    size_t n = frames * p->channels;
    const unsigned char *s = in;
    switch (p->format) {
    case SND_PCM_FORMAT_FLOAT_LE:
        memcpy(out, s, 4 * n);
        break;
    case SND_PCM_FORMAT_S32_LE:
        for (size_t i = 0; i < n; i++) {
            int32_t v;
            memcpy(&v, s + 4 * i, 4);
            out[i] = (float)((double)v / 2147483648.0);
        }
        break;
    case SND_PCM_FORMAT_S24_3LE:
        for (size_t i = 0; i < n; i++) {
            uint32_t u = (uint32_t)s[3 * i] | (uint32_t)s[3 * i + 1] << 8 | (uint32_t)s[3 * i + 2] << 16;
            int32_t v = (int32_t)(u << 8) >> 8; /* sign-extend the 24-bit value */
            out[i] = (float)((double)v / 8388608.0);
        }
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            int16_t v;
            memcpy(&v, s + 2 * i, 2);
            out[i] = (float)((double)v / 32768.0);
        }
        break;
    }
}

static int readable(const char *path)
{
    return path && access(path, R_OK) == 0;
}

/* alsa-lib prints its own diagnostics on stderr ("ALSA lib pcm.c:2666: Unknown PCM ...");
 * hpfr reports the failure itself in one line, so they stay quiet unless HPFR_DEBUG is set. */
static void quiet_alsa(const char *file, int line, const char *fn, int err, const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)fn;
    (void)err;
    (void)fmt;
}

const char *hp_pcm_use_simrig_config(void)
{
    if (!getenv("HPFR_DEBUG"))
        snd_lib_error_set_handler(quiet_alsa);
    static char conf[PATH_MAX + 32];
    const char *env = getenv("HPFR_ALSA_CONF");
    if (readable(env)) {
        snprintf(conf, sizeof conf, "%s", env);
    } else {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0)
            return NULL;
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = '\0';
        snprintf(conf, sizeof conf, "%s/hpfr-alsa.conf", exe);
        if (!readable(conf)) {
            snprintf(conf, sizeof conf, "%s/../share/hpfr/hpfr-alsa.conf", exe);
            if (!readable(conf))
                return NULL;
        }
    }
    const char *cur = getenv("ALSA_CONFIG_PATH");
    if (cur && strstr(cur, conf))
        return conf;
    /* ALSA_CONFIG_PATH replaces the default top-level file, so it must name alsa.conf too. */
    char path[2 * PATH_MAX + 64];
    if (cur && *cur)
        snprintf(path, sizeof path, "%s:%s", cur, conf);
    else
        snprintf(path, sizeof path, "%s/alsa.conf:%s", snd_config_topdir(), conf);
    setenv("ALSA_CONFIG_PATH", path, 1);
    return conf;
}
