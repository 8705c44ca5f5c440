/* SPDX-License-Identifier: MIT */
/* Level-check statistics. */
#include "levels.h"
#include <math.h>

static double rms_db(const float *x, size_t stride, size_t a, size_t b)
{
    double s = 0;
    for (size_t i = a; i < b; i++) {
        double v = (double)x[i * stride];
        s += v * v;
    }
    return 10 * log10(s / (double)(b - a));
}

hp_err hp_levels_measure(const float *x, size_t stride, size_t n, size_t noise_end,
                         size_t sig_begin, size_t sig_end, hp_levels *out)
{
    if (!x || !out || !stride || !noise_end || noise_end > n || sig_begin >= sig_end ||
        sig_end > n)
        return HP_EINVAL;
    double peak = 0;
    size_t clipped = 0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs((double)x[i * stride]);
        peak = fmax(peak, a);
        clipped += a >= HP_CLIP_LEVEL;
    }
    out->peak_dbfs = 20 * log10(peak);
    out->noise_dbfs = rms_db(x, stride, 0, noise_end);
    out->signal_dbfs = rms_db(x, stride, sig_begin, sig_end);
    out->snr_db = out->signal_dbfs - out->noise_dbfs;
    out->clipped = clipped;
    return HP_OK;
}
