/* SPDX-License-Identifier: MIT */
/* measure/capture.h on the simulated rig (ALSA_CONFIG_PATH pointing at $O/hpfr-alsa.conf):
 * a play-and-capture run whose loopback channel must give back the stimulus sample for sample
 * after the rig's latency, a capture-only run that must hold the rig's noise floor, re-runs
 * after an injected xrun, play-only runs, and every refusal naming the device. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "capture.h"
#include "t.h"

#define RATE 48000u

static void quiet(const char *file, int line, const char *fn, int err, const char *fmt, ...)
{
    (void)file, (void)line, (void)fn, (void)err, (void)fmt;
}

/* Two different signals: a 440 Hz sine on the left, a 1234 Hz one on the right. */
static float *stereo_stimulus(size_t frames)
{
    float *s = malloc(2 * frames * sizeof *s);
    for (size_t i = 0; s && i < frames; i++) {
        s[2 * i] = (float)(0.25 * sin(2 * M_PI * 440.0 * (double)i / RATE));
        s[2 * i + 1] = (float)(0.2 * sin(2 * M_PI * 1234.0 * (double)i / RATE));
    }
    return s;
}

/* The rig's capture channel 3 is L+R of the playback, LATENCY frames later, before any
 * acoustic filter or noise: the capture must equal it (float format, so exactly up to the
 * float rounding of the sum). */
static void loopback_exact(void)
{
    const size_t play = 24000, cap = 30000, latency = 100;
    float *stim = stereo_stimulus(play);
    hp_capture_req req = {.play_device = "hpfr_sim:LOOPBACK=1,NOISE=off,LATENCY=100",
                          .rate_hz = RATE, .min_inputs = 3, .stimulus = stim,
                          .stim_channels = 2, .play_frames = play, .capture_frames = cap};
    hp_audio a = {0};
    char why[256];
    unsigned xruns = 0;
    CHECK(hp_capture_run(&req, &a, &xruns, why, sizeof why) == HP_OK);
    CHECK(a.channels == 3 && a.frames == cap && a.rate_hz == RATE && xruns == 0);
    double worst = 0, energy = 0;
    for (size_t i = 0; a.data && i < cap; i++) {
        double want = i >= latency && i - latency < play
                          ? (double)stim[2 * (i - latency)] + (double)stim[2 * (i - latency) + 1]
                          : 0.0;
        worst = fmax(worst, fabs(a.data[3 * i + 2] - want));
        energy += a.data[3 * i] * a.data[3 * i];
    }
    CHECK_NEAR(worst, 0, 1e-6);
    CHECK(energy > 1); /* the left microphone hears the left driver */
    hp_audio_release(&a);
    free(stim);
}

/* Stimulus channels map onto outputs in order: with only the left channel given, the
 * loopback (L+R) carries just the left signal. */
static void one_channel_stimulus(void)
{
    const size_t play = 9600, latency = 64;
    float *stim = stereo_stimulus(play), *left = malloc(play * sizeof *left);
    for (size_t i = 0; i < play; i++)
        left[i] = stim[2 * i];
    hp_capture_req req = {.play_device = "hpfr_sim:LOOPBACK=1,NOISE=off", .rate_hz = RATE,
                          .min_inputs = 3, .stimulus = left, .stim_channels = 1,
                          .play_frames = play, .capture_frames = play};
    hp_audio a = {0};
    char why[256];
    CHECK(hp_capture_run(&req, &a, NULL, why, sizeof why) == HP_OK);
    double worst = 0;
    for (size_t i = latency; a.data && i < play; i++)
        worst = fmax(worst, fabs(a.data[3 * i + 2] - (double)left[i - latency]));
    CHECK(a.data != NULL);
    CHECK_NEAR(worst, 0, 1e-6);
    hp_audio_release(&a);
    free(left);
    free(stim);
}

/* Nothing plays: the microphones hold the rig's white noise at -90 dBFS RMS. Over 48000
 * samples the RMS estimate scatters by about 0.03 dB. */
static void capture_only_noise(void)
{
    hp_capture_req req = {.capture_device = "hpfr_sim", .rate_hz = RATE, .min_inputs = 2,
                          .capture_frames = RATE};
    hp_audio a = {0};
    char why[256];
    CHECK(hp_capture_run(&req, &a, NULL, why, sizeof why) == HP_OK);
    CHECK(a.channels == 2 && a.frames == RATE);
    for (unsigned c = 0; a.data && c < 2; c++) {
        double s = 0;
        for (size_t i = 0; i < a.frames; i++)
            s += a.data[2 * i + c] * a.data[2 * i + c];
        CHECK_NEAR(10 * log10(s / (double)a.frames), -90, 0.2);
    }
    hp_audio_release(&a);
}

/* An injected xrun (once per open) spoils the first run; the second is clean. */
static void xrun_rerun(void)
{
    hp_capture_req req = {.capture_device = "hpfr_sim:FAULTS=xrun@20000", .rate_hz = RATE,
                          .capture_frames = 40000};
    hp_audio a = {0};
    char why[256];
    unsigned xruns = 0;
    CHECK(hp_capture_run(&req, &a, &xruns, why, sizeof why) == HP_OK);
    CHECK(xruns == 1 && a.frames == 40000);
    hp_audio_release(&a);
    float *stim = stereo_stimulus(30000);
    hp_capture_req d = {.play_device = "hpfr_sim:LOOPBACK=1,FAULTS=xrun@10000", .rate_hz = RATE,
                        .stimulus = stim, .stim_channels = 2, .play_frames = 30000,
                        .capture_frames = 30000};
    xruns = 0;
    CHECK(hp_capture_run(&d, &a, &xruns, why, sizeof why) == HP_OK);
    CHECK(xruns == 1 && a.channels == 3);
    hp_audio_release(&a);
    free(stim);
}

typedef struct {
    size_t filled, stop_at;
    int in_order;
} fill_log;

static int fill(float *buf, size_t frames, unsigned channels, size_t pos, void *ctx)
{
    fill_log *l = ctx;
    if (l->stop_at && pos >= l->stop_at)
        return 1;
    l->in_order &= pos == l->filled;
    memset(buf, 0, frames * channels * sizeof *buf);
    l->filled += frames;
    return 0;
}

static void play_only(void)
{
    char why[256];
    fill_log l = {0, 0, 1};
    CHECK(hp_play_run("hpfr_sim", RATE, 2, 50000, fill, &l, NULL, why, sizeof why) == HP_OK);
    CHECK(l.filled == 50000 && l.in_order);
    fill_log s = {0, 10000, 1};
    CHECK(hp_play_run("hpfr_sim", RATE, 1, 50000, fill, &s, NULL, why, sizeof why) == HP_OK);
    CHECK(s.filled >= 10000 && s.filled < 50000 && s.in_order);
    CHECK(hp_play_run("hpfr_sim", RATE, 3, 1000, fill, &l, NULL, why, sizeof why) == HP_EFORMAT);
    CHECK(strstr(why, "hpfr_sim: playback needs 3 channels") != NULL);
    CHECK(hp_play_run(NULL, RATE, 1, 1000, fill, &l, NULL, why, sizeof why) == HP_EINVAL);
    CHECK(hp_play_run("hpfr_sim", RATE, 1, 1000, NULL, &l, NULL, why, sizeof why) == HP_EINVAL);
}

static void refusals(void)
{
    char why[256];
    hp_audio a = {0};
    float stim[2] = {0};
    hp_capture_req r = {.capture_device = "hpfr_sim:RATES=44100", .rate_hz = RATE,
                        .capture_frames = 100};
    CHECK(hp_capture_run(&r, &a, NULL, why, sizeof why) == HP_EFORMAT);
    CHECK(strstr(why, "hpfr_sim:RATES=44100: rate 48000 Hz is not offered for capture") != NULL);
    CHECK(a.data == NULL && a.frames == 0);
    r.capture_device = "hpfr_no_such_pcm";
    CHECK(hp_capture_run(&r, &a, NULL, why, sizeof why) == HP_EDEVICE);
    CHECK(strstr(why, "hpfr_no_such_pcm: cannot open for capture") == why);
    r.capture_device = "hpfr_sim";
    r.min_inputs = 3;
    CHECK(hp_capture_run(&r, &a, NULL, why, sizeof why) == HP_EFORMAT);
    CHECK(strstr(why, "capture needs 3 channels; the device offers 2 to 2") != NULL);
    hp_capture_req p = {.play_device = "hpfr_sim", .rate_hz = RATE, .min_outputs = 3,
                        .stimulus = stim, .stim_channels = 1, .play_frames = 1,
                        .capture_frames = 100};
    CHECK(hp_capture_run(&p, &a, NULL, why, sizeof why) == HP_EFORMAT);
    CHECK(strstr(why, "playback needs 3 channels") != NULL);
    /* Misuse. */
    hp_capture_req z = {.capture_device = "hpfr_sim", .rate_hz = RATE};
    CHECK(hp_capture_run(&z, &a, NULL, why, sizeof why) == HP_EINVAL);
    z.capture_frames = 10;
    z.rate_hz = 0;
    CHECK(hp_capture_run(&z, &a, NULL, why, sizeof why) == HP_EINVAL);
    hp_capture_req nodev = {.rate_hz = RATE, .capture_frames = 10};
    CHECK(hp_capture_run(&nodev, &a, NULL, why, sizeof why) == HP_EINVAL);
    hp_capture_req nostim = {.play_device = "hpfr_sim", .rate_hz = RATE, .play_frames = 10,
                             .capture_frames = 10};
    CHECK(hp_capture_run(&nostim, &a, NULL, why, sizeof why) == HP_EINVAL);
    CHECK(hp_capture_run(NULL, &a, NULL, why, sizeof why) == HP_EINVAL);
    CHECK(hp_capture_run(&r, NULL, NULL, why, sizeof why) == HP_EINVAL);
    CHECK(hp_capture_run(&r, &a, NULL, NULL, 0) == HP_EINVAL);
}

static int setup_env(void)
{
    const char *o = getenv("O");
    char dir[PATH_MAX], path[PATH_MAX + 64];
    if (!o || !*o)
        o = "build";
    if (!realpath(o, dir)) {
        fprintf(stderr, "test_capture: build directory O=%s not found\n", o);
        return -1;
    }
    snprintf(path, sizeof path, "/usr/share/alsa/alsa.conf:%s/hpfr-alsa.conf", dir);
    setenv("ALSA_CONFIG_PATH", path, 1);
    unsetenv("HPFR_PLACEMENT");
    return 0;
}

int main(void)
{
    if (setup_env() < 0)
        return 1;
    snd_lib_error_set_handler(quiet);
    loopback_exact();
    one_channel_stimulus();
    capture_only_noise();
    xrun_rerun();
    play_only();
    refusals();
    snd_config_update_free_global();
    T_DONE();
}
