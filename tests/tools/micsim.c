/* SPDX-License-Identifier: MIT */
/* Test tool: the measuring chain after the headphone. Plays a WAV (e.g. simrec's recording)
 * through known microphone deviations and/or a known interface response and writes what
 * hpfr needs to take them out again, computed from the filters themselves:
 *   micsim IN.wav OUT.wav [--mic PREFIX] [--iface] [--iface-truth FILE.csv]
 * --mic: channel 1 through microphone A, channel 2 through microphone B (at most 2 channels);
 *        writes PREFIX-1.txt (miniDSP UMIK format: Sens Factor line, tab-separated
 *        frequency/dB rows, no phase) and PREFIX-2.txt (miniDSP EARS format: two quoted
 *        lines, '*' comments, frequency/dB/phase rows, "Use this file on the RIGHT channel").
 * --iface: every channel through the interface response (a 2nd-order high-pass at 12 Hz and
 *        low-pass at 21 kHz, scaled to exactly 0 dB at 1 kHz).
 * --iface-truth: frequency,db of the interface response on hpfr's 1/48-octave grid. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio.h"
#include "cascade.h"
#include "grid.h"

static hp_cascade mic(int which, double rate)
{
    hp_cascade c = hp_cascade_init(rate);
    int ok = which == 0 ? hp_cascade_add(&c, HP_BQ_LOWSHELF, 50, 0.7, -2) == HP_OK &&
                              hp_cascade_add(&c, HP_BQ_PEAK, 9000, 1.5, 2.5) == HP_OK &&
                              hp_cascade_add(&c, HP_BQ_HIGHSHELF, 15000, 0.7, -3) == HP_OK
                        : hp_cascade_add(&c, HP_BQ_PEAK, 3000, 1.2, 4) == HP_OK &&
                              hp_cascade_add(&c, HP_BQ_PEAK, 12000, 2.0, -2) == HP_OK &&
                              hp_cascade_add(&c, HP_BQ_LOWSHELF, 30, 0.7, 1.5) == HP_OK;
    if (!ok)
        abort();
    return c;
}

static hp_cascade iface(double rate)
{
    hp_cascade c = hp_cascade_init(rate);
    if (hp_cascade_add(&c, HP_BQ_HIGHPASS, 12, 0.6, 0) != HP_OK ||
        hp_cascade_add(&c, HP_BQ_LOWPASS, 21000, 0.7, 0) != HP_OK)
        abort();
    c.gain = 1.0 / cabs(hp_cascade_response(&c, 1000));
    return c;
}

static void filter(const hp_cascade *c, hp_audio *a, unsigned ch)
{
    hp_biquad_state st[HP_CASCADE_MAX];
    double *x = malloc(a->frames * sizeof *x);
    if (!x)
        abort();
    memset(st, 0, sizeof st);
    for (size_t i = 0; i < a->frames; i++)
        x[i] = a->data[i * a->channels + ch];
    hp_cascade_run(c, st, x, x, a->frames);
    for (size_t i = 0; i < a->frames; i++)
        a->data[i * a->channels + ch] = x[i];
    free(x);
}

static int write_mic_files(const char *prefix, double rate)
{
    char path[512];
    hp_cascade a = mic(0, rate), b = mic(1, rate);
    snprintf(path, sizeof path, "%s-1.txt", prefix);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fprintf(f, "\"Sens Factor =-1.23dB, AGain =18dB, SERNO: 7000001\"\n");
    for (double fr = 10.054; fr <= 20017; fr *= pow(2, 1.0 / 56))
        fprintf(f, "%.3f\t%.4f\n", fr, hp_cascade_db(&a, fr));
    if (fclose(f))
        return 0;
    snprintf(path, sizeof path, "%s-2.txt", prefix);
    if (!(f = fopen(path, "w")))
        return 0;
    fprintf(f, "\"Sens Factor =0.4dB, EARS Serial 000-0001, compensation RAW V1\"\n"
               "\"Use this file on the RIGHT channel. Your sensitive side is LEFT.\"\n"
               "*\n* RAW: simulated microphone for hpfr's tests\n*\n"
               "* Freq(Hz) SPL(dB) Phase(degrees)\n*\n");
    for (int k = 0; k <= 264; k++) {
        double fr = 10.0 * pow(2, k / 24.0);
        double complex h = hp_cascade_response(&b, fr);
        fprintf(f, "%9.3f %9.4f %9.4f\n", fr, 20 * log10(cabs(h)), carg(h) * 180 / M_PI);
    }
    return fclose(f) == 0;
}

static int write_iface_truth(const char *path, double rate)
{
    hp_cascade c = iface(rate);
    hp_grid g;
    FILE *f = fopen(path, "w");
    if (!f || hp_grid_log(20, 20000, 48, &g) != HP_OK)
        return 0;
    fprintf(f, "frequency,db\n");
    for (size_t i = 0; i < g.n; i++)
        fprintf(f, "%.3f,%.6f\n", g.f_hz[i], hp_cascade_db(&c, g.f_hz[i]));
    hp_grid_release(&g);
    return fclose(f) == 0;
}

int main(int argc, char **argv)
{
    const char *prefix = NULL, *truth = NULL;
    int use_iface = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: micsim IN.wav OUT.wav [--mic PREFIX] [--iface] [--iface-truth F]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--iface"))
            use_iface = 1;
        else if (!strcmp(argv[i], "--mic") && i + 1 < argc)
            prefix = argv[++i];
        else if (!strcmp(argv[i], "--iface-truth") && i + 1 < argc)
            truth = argv[++i];
        else {
            fprintf(stderr, "micsim: bad argument %s\n", argv[i]);
            return 2;
        }
    }
    hp_audio a = {0};
    hp_diag d;
    if (hp_audio_read(argv[1], &a, &d) != HP_OK) {
        fprintf(stderr, "micsim: %s: %s\n", argv[1], d.reason);
        return 2;
    }
    if (prefix && a.channels > 2) {
        fprintf(stderr, "micsim: --mic takes at most 2 channels\n");
        return 2;
    }
    for (unsigned ch = 0; ch < a.channels; ch++) {
        if (prefix) {
            hp_cascade m = mic((int)ch, a.rate_hz);
            filter(&m, &a, ch);
        }
        if (use_iface) {
            hp_cascade c = iface(a.rate_hz);
            filter(&c, &a, ch);
        }
    }
    int ok = hp_audio_write_float(argv[2], &a) == HP_OK &&
             (!prefix || write_mic_files(prefix, a.rate_hz)) &&
             (!truth || write_iface_truth(truth, a.rate_hz));
    hp_audio_release(&a);
    if (!ok) {
        fprintf(stderr, "micsim: cannot write the outputs\n");
        return 2;
    }
    return 0;
}
