/* SPDX-License-Identifier: MIT */
/* Onset detection and windowing of deconvolved responses. The buffer is circular: the harmonic
 * responses of a sweep arrive before the linear one, at negative times that wrap to the end. */
#include "ir.h"
#include <math.h>
#include <string.h>

size_t hp_ir_wrap(long long i, size_t n)
{
    long long r = i % (long long)n;
    return (size_t)(r < 0 ? r + (long long)n : r);
}

hp_err hp_ir_find_onset(const double *h, size_t n, size_t lo, size_t len, double onset_db,
                        size_t onset_back, hp_ir_onset *out)
{
    if (!h || !out || n == 0 || len == 0 || len > n || lo >= n || !(onset_db < 0))
        return HP_EINVAL;
    size_t best = lo;
    double best_abs = -1;
    /* The circular range as (at most) two straight runs, in the same order. */
    size_t first = len < n - lo ? len : n - lo;
    size_t runs[2][2] = {{lo, lo + first}, {0, len - first}};
    for (int r = 0; r < 2; r++) {
        for (size_t k = runs[r][0]; k < runs[r][1]; k++) {
            double a = fabs(h[k]);
            if (a > best_abs) {
                best_abs = a;
                best = k;
            }
        }
    }
    if (!(best_abs > 0))
        return HP_ENODATA;
    double thr = best_abs * pow(10.0, onset_db / 20.0);
    /* The earliest sample above threshold within the look-back span, not the first one found
     * walking back: a ringing response dips below the threshold between its early swings. */
    size_t back = onset_back < len ? onset_back : len - 1;
    size_t onset = best;
    for (size_t b = back; b > 0; b--) {
        size_t k = hp_ir_wrap((long long)best - (long long)b, n);
        if (fabs(h[k]) >= thr) {
            onset = k;
            break;
        }
    }
    out->peak_index = best;
    out->peak = h[best];
    out->onset_index = onset;
    return HP_OK;
}

static double taper_weight(const hp_ir_window *w, size_t i, size_t len)
{
    double g = 1.0;
    if (w->taper_before && i < w->taper_before)
        g *= 0.5 - 0.5 * cos(M_PI * ((double)i + 0.5) / (double)w->taper_before);
    size_t from_end = len - 1 - i;
    if (w->taper_after && from_end < w->taper_after)
        g *= 0.5 - 0.5 * cos(M_PI * ((double)from_end + 0.5) / (double)w->taper_after);
    return g;
}

static int window_ok(const double *h, size_t n, const hp_ir_window *w)
{
    if (!h || !w || n == 0 || !isfinite(w->t0))
        return 0;
    size_t len = w->before + w->after + 1;
    return len <= n && w->taper_before <= w->before + 1 && w->taper_after <= w->after + 1;
}

hp_err hp_ir_extract(const double *h, size_t n, const hp_ir_window *w, double *out, size_t m)
{
    if (!window_ok(h, n, w) || !out || w->before + w->after + 1 > m)
        return HP_EINVAL;
    memset(out, 0, m * sizeof *out);
    long long z = (long long)floor(w->t0);
    size_t len = w->before + w->after + 1;
    for (size_t i = 0; i < len; i++) {
        long long rel = (long long)i - (long long)w->before;
        out[hp_ir_wrap(rel, m)] = h[hp_ir_wrap(z + rel, n)] * taper_weight(w, i, len);
    }
    return HP_OK;
}

/* Multiplies x[0], x[step], ... (count samples) by the half-Hann 0.5 - 0.5 cos(pi (i + 0.5) /
 * count), rising along the walk. The cosine comes from a rotation recurrence, one complex
 * multiplication a sample (its error grows by about an ulp per step, 1e-12 at 10^4 samples). */
static void half_hann(double *x, long long step, size_t count)
{
    double d = M_PI / (double)count, cd = cos(d), sd = sin(d);
    double c = cos(0.5 * d), s = sin(0.5 * d);
    for (size_t i = 0; i < count; i++, x += step) {
        *x *= 0.5 - 0.5 * c;
        double cn = c * cd - s * sd;
        s = s * cd + c * sd;
        c = cn;
    }
}

hp_err hp_ir_segment(const double *h, size_t n, const hp_ir_window *w, double *out)
{
    if (!window_ok(h, n, w) || !out)
        return HP_EINVAL;
    size_t len = w->before + w->after + 1;
    /* The samples in (at most) two straight runs of the circular buffer, then the tapers. */
    size_t start = hp_ir_wrap((long long)floor(w->t0) - (long long)w->before, n);
    size_t first = len < n - start ? len : n - start;
    memcpy(out, h + start, first * sizeof *out);
    memcpy(out + first, h, (len - first) * sizeof *out);
    if (w->taper_before)
        half_hann(out, 1, w->taper_before);
    if (w->taper_after)
        half_hann(out + len - 1, -1, w->taper_after);
    return HP_OK;
}

hp_err hp_ir_rms(const double *h, size_t n, size_t lo, size_t len, double *rms)
{
    if (!h || !rms || len == 0 || len > n)
        return HP_EINVAL;
    double s = 0;
    lo %= n;
    size_t first = len < n - lo ? len : n - lo;
    for (size_t k = lo; k < lo + first; k++)
        s += h[k] * h[k];
    for (size_t k = 0; k < len - first; k++)
        s += h[k] * h[k];
    *rms = sqrt(s / (double)len);
    return HP_OK;
}
