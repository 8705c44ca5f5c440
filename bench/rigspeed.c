/* SPDX-License-Identifier: MIT */
/* Bench tool: throughput of the simulated rig on its virtual clock, through the same ALSA
 * duplex path hpfr measure uses. Plays SECONDS of a -12 dBFS chirp-like signal into
 * hpfr_sim while capturing both microphones, and prints
 *   AUDIO_SECONDS WALL_SECONDS CPU_SECONDS
 *   rigspeed SECONDS [PCM] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include "duplex.h"
#include "pcm.h"

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 60;
    const char *dev = argc > 2 ? argv[2] : "hpfr_sim";
    char why[512];
    hp_pcm pb, cap;
    hp_duplex_buffers b;
    hp_pcm_use_simrig_config();
    if (!(seconds > 0) || hp_pcm_open(&pb, dev, SND_PCM_STREAM_PLAYBACK, 48000, 2, 2, why, sizeof why) ||
        hp_pcm_open(&cap, dev, SND_PCM_STREAM_CAPTURE, 48000, 0, 2, why, sizeof why) ||
        hp_duplex_buffers_init(&b, &pb, &cap)) {
        fprintf(stderr, "rigspeed: %s\n", why);
        return 1;
    }
    size_t n = (size_t)(seconds * 48000);
    float *play = malloc(n * 2 * sizeof *play), *rec = malloc(n * cap.channels * sizeof *rec);
    if (!play || !rec)
        return 1;
    for (size_t i = 0; i < n; i++)
        play[2 * i] = play[2 * i + 1] = 0.25f * (float)sin(1e-6 * (double)i * (double)i);
    double t0 = mono_s(), c0 = cpu_s();
    hp_err e = hp_duplex_run(&pb, &cap, &b, play, n, rec, n, NULL, NULL, why, sizeof why);
    double wall = mono_s() - t0, cpu = cpu_s() - c0;
    if (e != HP_OK) {
        fprintf(stderr, "rigspeed: %s\n", why);
        return 1;
    }
    printf("%.3f %.4f %.4f\n", seconds, wall, cpu);
    free(play);
    free(rec);
    hp_duplex_buffers_free(&b);
    hp_pcm_close(&pb);
    hp_pcm_close(&cap);
    snd_config_update_free_global();
    return 0;
}
