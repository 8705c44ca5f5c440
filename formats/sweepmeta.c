/* SPDX-License-Identifier: MIT */
/* Sweep metadata as a one-line key=value string in the WAV comment (LIST/INFO ICMT), which
 * libsndfile reads and writes and which survives copying the file on its own. */
#include "sweepmeta.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "hpfr-sweep 1 "

hp_err hp_sweepmeta_format(const hp_sweep_info *i, char *buf, size_t len)
{
    if (!i || !buf)
        return HP_EINVAL;
    int n = snprintf(buf, len,
                     MAGIC "rate=%.17g f1=%.17g f2=%.17g L=%.17g T=%.17g level=%.17g "
                           "fade_in_oct=%.17g fade_out_s=%.17g channels=%u frames=%zu "
                           "sweep_frames=%zu start1=%zu start2=%zu",
                     i->rate_hz, i->f1_hz, i->f2_hz, i->rate_const_s, i->duration_s, i->level_db,
                     i->fade_in_oct, i->fade_out_s, i->channels, i->total_frames, i->sweep_frames,
                     i->start_frame[0], i->start_frame[1]);
    return (n < 0 || (size_t)n >= len) ? HP_ERANGE : HP_OK;
}

/* Value of "key=" in text as a double; 0 when missing or malformed. */
static int field(const char *text, const char *key, double *v)
{
    char pat[32];
    snprintf(pat, sizeof pat, " %s=", key);
    const char *p = strstr(text, pat);
    if (!p)
        return 0;
    char *end;
    *v = strtod(p + strlen(pat), &end);
    return end != p + strlen(pat) && (*end == ' ' || *end == '\0') && isfinite(*v);
}

static int size_field(const char *text, const char *key, size_t *v)
{
    double d;
    if (!field(text, key, &d) || d < 0 || d > 1e12 || d != floor(d))
        return 0;
    *v = (size_t)d;
    return 1;
}

hp_err hp_sweepmeta_parse(const char *text, hp_sweep_info *i)
{
    if (!text || !i)
        return HP_EINVAL;
    if (strncmp(text, MAGIC, strlen(MAGIC)) != 0)
        return HP_ENODATA;
    const char *t = text + strlen(MAGIC) - 1; /* keep the space so " key=" matches the first */
    hp_sweep_info r = {0};
    double ch;
    int ok = field(t, "rate", &r.rate_hz) && field(t, "f1", &r.f1_hz) && field(t, "f2", &r.f2_hz) &&
             field(t, "L", &r.rate_const_s) && field(t, "T", &r.duration_s) &&
             field(t, "level", &r.level_db) && field(t, "fade_in_oct", &r.fade_in_oct) &&
             field(t, "fade_out_s", &r.fade_out_s) && field(t, "channels", &ch) &&
             size_field(t, "frames", &r.total_frames) &&
             size_field(t, "sweep_frames", &r.sweep_frames) &&
             size_field(t, "start1", &r.start_frame[0]) && size_field(t, "start2", &r.start_frame[1]);
    if (!ok || (ch != 1 && ch != 2) || !(r.rate_hz > 0) || !(r.f1_hz > 0) ||
        !(r.f2_hz > r.f1_hz) || r.f2_hz > r.rate_hz / 2 || !(r.rate_const_s > 0) ||
        r.start_frame[0] + r.sweep_frames > r.total_frames ||
        r.start_frame[1] + r.sweep_frames > r.total_frames)
        return HP_EPARSE;
    r.channels = (unsigned)ch;
    *i = r;
    return HP_OK;
}
