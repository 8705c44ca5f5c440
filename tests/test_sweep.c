/* SPDX-License-Identifier: MIT */
/* Sweep generation against its closed form: synchronization (f1 L integer), start at a zero
 * crossing, the instantaneous frequency f1 e^{t/L}, level, fades, layouts; the metadata round
 * trip; and parameter estimation of a Farina sweep generated here from its formula. */
#include "t.h"
#include "sweep.h"
#include "sweepest.h"
#include "sweepmeta.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static double *render(const hp_sweep_info *i)
{
    double *x = calloc(i->total_frames * i->channels, sizeof *x);
    if (!x || hp_sweep_render(i, x, i->total_frames * i->channels) != HP_OK)
        abort();
    return x;
}

static void synchronized(void)
{
    static const double rates[] = {44100, 48000, 88200, 96000, 192000};
    for (size_t r = 0; r < 5; r++) {
        hp_sweep_cfg c = hp_sweep_cfg_default(rates[r]);
        hp_sweep_info i;
        CHECK(hp_sweep_plan(&c, &i) == HP_OK);
        double k = i.f1_hz * i.rate_const_s;
        CHECK_NEAR(k, round(k), 1e-9);
        CHECK_NEAR(i.duration_s, i.rate_const_s * log(i.f2_hz / i.f1_hz), 1e-12);
        CHECK(i.f2_hz == fmin(24000, rates[r] / 2));
        CHECK(fabs(i.duration_s - 5.5) < 0.5 * log(i.f2_hz / i.f1_hz) / i.f1_hz + 1e-9);
    }
    hp_sweep_cfg c = hp_sweep_cfg_default(48000);
    c.samples = 1 << 18;
    hp_sweep_info i;
    CHECK(hp_sweep_plan(&c, &i) == HP_OK);
    CHECK_NEAR(i.rate_const_s, 0.7, 1e-12); /* round(10 * 5.461 / ln 2400) = 7 */
}

/* Past the fade-in the samples are exactly A sin(2 pi f1 L e^{t/L}). */
static void waveform(void)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(48000);
    hp_sweep_info i;
    CHECK(hp_sweep_plan(&c, &i) == HP_OK);
    double *x = render(&i), amp = pow(10, -12 / 20.0), worst = 0, peak = 0;
    size_t s0 = i.start_frame[0];
    CHECK(x[s0] == 0.0);                       /* starts at a zero crossing */
    CHECK(s0 == (size_t)(0.25 * 48000));       /* pre-silence */
    double before = 0;
    for (size_t n = 0; n < s0; n++)
        before += fabs(x[n]);
    CHECK(before == 0.0);
    double t_in = i.rate_const_s * log(2) * 0.5;
    for (size_t n = 0; n < i.sweep_frames; n++) {
        double t = (double)n / 48000, v = x[s0 + n];
        peak = fmax(peak, fabs(v));
        if (t > t_in && t < i.duration_s - 0.005) {
            long double ph = 2.0L * (long double)M_PI * 10.0L * 0.7L * expl((long double)t / 0.7L);
            worst = fmax(worst, fabs(v - amp * (double)sinl(ph)));
        }
    }
    CHECK(worst < 1e-9);
    CHECK_NEAR(20 * log10(peak), -12.0, 0.01);
    CHECK(fabs(x[s0 + 10]) < amp * 0.01);          /* faded in */
    CHECK(fabs(x[s0 + i.sweep_frames - 1]) < 1e-3); /* faded out */
    /* Instantaneous frequency f1 e^{t/L}: halfway through the sweep it is sqrt(f1 f2). */
    CHECK_NEAR(hp_sweep_freq_at(&i, i.duration_s / 2), sqrt(10.0 * 24000), 1e-6);
    free(x);
}

static void stereo_layout(void)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(48000);
    c.channels = 2;
    c.length_s = 1.5;
    hp_sweep_info i;
    CHECK(hp_sweep_plan(&c, &i) == HP_OK);
    double *x = render(&i);
    /* Left sweep on channel 1 only, then the right sweep on channel 2 only, never overlapping. */
    CHECK(i.start_frame[1] >= i.start_frame[0] + i.sweep_frames);
    double l_in_r = 0, r_in_l = 0, l = 0, r = 0;
    for (size_t n = 0; n < i.total_frames; n++) {
        int in_l = n >= i.start_frame[0] && n < i.start_frame[0] + i.sweep_frames;
        int in_r = n >= i.start_frame[1] && n < i.start_frame[1] + i.sweep_frames;
        l += in_l ? fabs(x[2 * n]) : 0;
        r += in_r ? fabs(x[2 * n + 1]) : 0;
        l_in_r += in_l ? 0 : fabs(x[2 * n]);
        r_in_l += in_r ? 0 : fabs(x[2 * n + 1]);
    }
    CHECK(l > 0 && r > 0 && l_in_r == 0 && r_in_l == 0);
    CHECK(i.total_frames == i.start_frame[1] + i.sweep_frames + 48000);
    free(x);
}

static void misuse(void)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(48000);
    hp_sweep_info i;
    c.f2_hz = 30000;
    CHECK(hp_sweep_plan(&c, &i) == HP_EINVAL);
    c = hp_sweep_cfg_default(48000);
    c.f1_hz = 24000;
    CHECK(hp_sweep_plan(&c, &i) == HP_EINVAL);
    c = hp_sweep_cfg_default(22050);
    CHECK(hp_sweep_plan(&c, &i) == HP_EINVAL);
    c = hp_sweep_cfg_default(48000);
    c.level_db = 1;
    CHECK(hp_sweep_plan(&c, &i) == HP_EINVAL);
    c = hp_sweep_cfg_default(48000);
    c.channels = 3;
    CHECK(hp_sweep_plan(&c, &i) == HP_EINVAL);
    c = hp_sweep_cfg_default(48000);
    c.length_s = NAN;
    CHECK(hp_sweep_plan(&c, &i) == HP_EINVAL);
    CHECK(hp_sweep_plan(NULL, &i) == HP_EINVAL);
    c = hp_sweep_cfg_default(48000);
    CHECK(hp_sweep_plan(&c, &i) == HP_OK);
    double x[4];
    CHECK(hp_sweep_render(&i, x, 4) == HP_EINVAL);
    CHECK(hp_sweep_render(&i, NULL, i.total_frames) == HP_EINVAL);
}

static void metadata(void)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(96000);
    c.channels = 2;
    c.f1_hz = 5;
    hp_sweep_info i, back;
    char buf[512];
    CHECK(hp_sweep_plan(&c, &i) == HP_OK);
    CHECK(hp_sweepmeta_format(&i, buf, sizeof buf) == HP_OK);
    CHECK(hp_sweepmeta_parse(buf, &back) == HP_OK);
    CHECK(back.rate_hz == i.rate_hz && back.f1_hz == i.f1_hz && back.f2_hz == i.f2_hz);
    CHECK(back.rate_const_s == i.rate_const_s && back.total_frames == i.total_frames);
    CHECK(back.start_frame[1] == i.start_frame[1] && back.channels == 2);
    CHECK(hp_sweepmeta_format(&i, buf, 20) == HP_ERANGE);
    CHECK(hp_sweepmeta_parse("a REW sweep", &back) == HP_ENODATA);
    CHECK(hp_sweepmeta_parse("hpfr-sweep 1 rate=48000 f1=10", &back) == HP_EPARSE);
    CHECK(hp_sweepmeta_format(&i, buf, sizeof buf) == HP_OK);
    char *f2 = strstr(buf, " f2=");
    memcpy(f2, " f2=99999", 9); /* above Nyquist: rejected, not trusted */
    CHECK(hp_sweepmeta_parse(buf, &back) == HP_EPARSE);
}

/* A Farina sweep sin(2 pi f1 L (e^{t/L} - 1)), 20 Hz - 20 kHz, 3 s, made from its formula. */
static void estimation(void)
{
    const double fs = 48000, f1 = 20, f2 = 20000, T = 3.0, L = T / log(f2 / f1);
    size_t pre = 4800, n = (size_t)(T * fs), total = pre + n + 9600;
    double *x = calloc(total, sizeof *x);
    for (size_t k = 0; k < n; k++) {
        double t = (double)k / fs;
        x[pre + k] = 0.5 * sin(2 * M_PI * f1 * L * (exp(t / L) - 1));
    }
    hp_sweep_estimate_result r;
    CHECK(hp_sweep_estimate(x, total, fs, &r) == HP_OK);
    printf("estimated L %.5f (true %.5f), f1 %.2f, f2 %.1f\n", r.rate_const_s, L, r.f1_hz, r.f2_hz);
    CHECK(fabs(r.rate_const_s / L - 1) < 0.002);
    CHECK(fabs(r.f1_hz / f1 - 1) < 0.05);
    CHECK(fabs(r.f2_hz / f2 - 1) < 0.05);
    CHECK(r.start_frame >= pre && r.start_frame < pre + 50);
    /* From floats, as the second of three interleaved channels: the same estimate, to float
     * precision of the samples. */
    float *xf = calloc(3 * total, sizeof *xf);
    for (size_t k = 0; k < total; k++)
        xf[3 * k + 1] = (float)x[k];
    hp_sweep_estimate_result rf;
    CHECK(hp_sweep_estimate_f(xf + 1, total, 3, fs, &rf) == HP_OK);
    CHECK(fabs(rf.rate_const_s / r.rate_const_s - 1) < 1e-5 && rf.start_frame == r.start_frame &&
          rf.frames == r.frames);
    CHECK(hp_sweep_estimate_f(xf + 1, total, 0, fs, &rf) == HP_EINVAL);
    CHECK(hp_sweep_estimate_f(NULL, total, 1, fs, &rf) == HP_EINVAL);
    free(xf);
    /* White-ish noise is not a sweep; silence is nothing. */
    uint64_t s = 1;
    for (size_t k = 0; k < total; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[k] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    CHECK(hp_sweep_estimate(x, total, fs, &r) == HP_ENODATA);
    memset(x, 0, total * sizeof *x);
    CHECK(hp_sweep_estimate(x, total, fs, &r) == HP_ENODATA);
    CHECK(hp_sweep_estimate(NULL, total, fs, &r) == HP_EINVAL);
    free(x);
}

int main(void)
{
    synchronized();
    waveform();
    stereo_layout();
    misuse();
    metadata();
    estimation();
    T_DONE();
}
