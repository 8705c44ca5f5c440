/* SPDX-License-Identifier: MIT */
/* Synchronized swept sine (Novak, Lotton, Simon, JAES 2015): x(t) = sin(2 pi f1 L e^{t/L}) with
 * f1 L an integer, so every harmonic is the sweep itself shifted by L ln n with no phase offset. */
#include "sweep.h"
#include <math.h>
#include <string.h>

hp_sweep_cfg hp_sweep_cfg_default(double rate_hz)
{
    hp_sweep_cfg c = {0};
    c.rate_hz = rate_hz;
    c.f1_hz = 10.0;
    c.f2_hz = fmin(24000.0, rate_hz / 2);
    c.length_s = 5.5;
    c.level_db = -12.0;
    c.pre_s = 0.25;
    c.post_s = 1.0;
    c.fade_in_oct = 0.5;
    c.fade_out_s = 0.005;
    c.channels = 1;
    return c;
}

int hp_sweep_rate_supported(double rate_hz)
{
    static const double rates[] = {44100, 48000, 88200, 96000, 192000};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rate_hz == rates[i])
            return 1;
    return 0;
}

static int finite_pos(double v) { return isfinite(v) && v > 0; }

hp_err hp_sweep_plan(const hp_sweep_cfg *cfg, hp_sweep_info *info)
{
    if (!cfg || !info || !hp_sweep_rate_supported(cfg->rate_hz))
        return HP_EINVAL;
    double fs = cfg->rate_hz;
    if (!finite_pos(cfg->f1_hz) || !finite_pos(cfg->f2_hz) || cfg->f1_hz >= cfg->f2_hz ||
        cfg->f2_hz > fs / 2)
        return HP_EINVAL;
    double want_s = cfg->samples ? (double)cfg->samples / fs : cfg->length_s;
    if (!(want_s >= 0.1 && want_s <= 600) || !(cfg->level_db <= 0) || !isfinite(cfg->level_db) ||
        cfg->level_db < -120)
        return HP_EINVAL;
    if (!(cfg->pre_s >= 0 && cfg->pre_s <= 60) || !(cfg->post_s >= 0 && cfg->post_s <= 60) ||
        !(cfg->fade_in_oct >= 0 && cfg->fade_in_oct <= 4) ||
        !(cfg->fade_out_s >= 0 && cfg->fade_out_s <= 1) || (cfg->channels != 1 && cfg->channels != 2))
        return HP_EINVAL;

    double span = log(cfg->f2_hz / cfg->f1_hz);
    double k = round(cfg->f1_hz * want_s / span);
    if (k < 1)
        k = 1;
    memset(info, 0, sizeof *info);
    info->rate_hz = fs;
    info->f1_hz = cfg->f1_hz;
    info->f2_hz = cfg->f2_hz;
    info->rate_const_s = k / cfg->f1_hz;
    info->duration_s = info->rate_const_s * span;
    if (info->duration_s > 600)
        return HP_EINVAL;
    info->level_db = cfg->level_db;
    info->fade_in_oct = cfg->fade_in_oct;
    info->fade_out_s = cfg->fade_out_s;
    info->channels = cfg->channels;
    /* The sweep ends at T exactly; floor keeps its last sample inside the band. */
    info->sweep_frames = (size_t)floor(info->duration_s * fs) + 1;
    size_t pre = (size_t)llround(cfg->pre_s * fs), post = (size_t)llround(cfg->post_s * fs);
    info->start_frame[0] = pre;
    info->start_frame[1] = pre + (cfg->channels == 2 ? info->sweep_frames + post + pre : 0);
    info->total_frames = info->start_frame[1] + info->sweep_frames + post;
    return HP_OK;
}

double hp_sweep_freq_at(const hp_sweep_info *info, double t_s)
{
    return info->f1_hz * exp(t_s / info->rate_const_s);
}

/* Envelope: Hann fade-in over the first fade_in_oct octaves (time L ln 2 per octave) and a
 * half-Hann fade-out over the last fade_out_s seconds. */
static double envelope(const hp_sweep_info *info, double t)
{
    double w = 1.0;
    double t_in = info->rate_const_s * log(2.0) * info->fade_in_oct;
    if (t_in > info->duration_s / 2)
        t_in = info->duration_s / 2;
    if (t_in > 0 && t < t_in)
        w *= 0.5 - 0.5 * cos(M_PI * t / t_in);
    double t_out = fmin(info->fade_out_s, info->duration_s / 2);
    double left = info->duration_s - t;
    if (t_out > 0 && left < t_out)
        w *= 0.5 - 0.5 * cos(M_PI * fmax(left, 0.0) / t_out);
    return w;
}

hp_err hp_sweep_render(const hp_sweep_info *info, double *out, size_t n_samples)
{
    if (!info || !out || info->channels < 1 || info->channels > 2 ||
        n_samples != info->total_frames * info->channels || info->rate_const_s <= 0)
        return HP_EINVAL;
    memset(out, 0, n_samples * sizeof *out);
    double amp = pow(10.0, info->level_db / 20.0);
    double k = info->f1_hz * info->rate_const_s; /* an integer by construction */
    for (size_t n = 0; n < info->sweep_frames; n++) {
        double t = (double)n / info->rate_hz;
        /* Phase in cycles minus its integer part, so sin() sees a small argument at 24 kHz too. */
        double cycles = k * expm1(t / info->rate_const_s);
        double frac = cycles - floor(cycles);
        double v = amp * envelope(info, t) * sin(2.0 * M_PI * frac);
        for (unsigned c = 0; c < info->channels; c++)
            out[(info->start_frame[c] + n) * info->channels + c] = v;
    }
    return HP_OK;
}
