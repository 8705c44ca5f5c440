/* SPDX-License-Identifier: MIT */
/* Test tool: plays a WAV through the test headphone model of tests/sim.h (or a plain delay)
 * and writes the "recording", plus optionally the model's exact response as truth CSV. Used
 * by the CLI tests and the benchmark; the truth is the filter coefficients, not hpfr output.
 *   simrec IN.wav OUT.wav [--model headphone|flat] [--delay N] [--gain G] [--noise DBFS]
 *          [--a2 X] [--a3 X] [--crosstalk DB] [--mics N] [--loopback]
 *          [--truth FILE.csv] [--seed S] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio.h"
#include "grid.h"
#include "sim.h"

typedef struct {
    const char *in, *out, *truth;
    int flat, loopback;
    size_t delay;
    double gain, noise_db, a2, a3, xt_db;
    unsigned mics;
    uint64_t seed;
} opts;

static int parse(int argc, char **argv, opts *o)
{
    *o = (opts){.delay = 64, .gain = 0.5, .noise_db = -200, .xt_db = -200, .mics = 0, .seed = 1};
    if (argc < 3)
        return 0;
    o->in = argv[1];
    o->out = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--loopback")) { o->loopback = 1; continue; }
        if (!v) return 0;
        i++;
        if (!strcmp(a, "--model")) o->flat = !strcmp(v, "flat");
        else if (!strcmp(a, "--delay")) o->delay = (size_t)atol(v);
        else if (!strcmp(a, "--gain")) o->gain = atof(v);
        else if (!strcmp(a, "--noise")) o->noise_db = atof(v);
        else if (!strcmp(a, "--a2")) o->a2 = atof(v);
        else if (!strcmp(a, "--a3")) o->a3 = atof(v);
        else if (!strcmp(a, "--crosstalk")) o->xt_db = atof(v);
        else if (!strcmp(a, "--mics")) o->mics = (unsigned)atoi(v);
        else if (!strcmp(a, "--truth")) o->truth = v;
        else if (!strcmp(a, "--seed")) o->seed = (uint64_t)atoll(v);
        else return 0;
    }
    return 1;
}

static hp_cascade model(const opts *o, double rate)
{
    if (!o->flat)
        return sim_headphone(rate, o->gain, o->delay);
    hp_cascade c = hp_cascade_init(rate);
    c.gain = o->gain;
    c.delay_frames = o->delay;
    return c;
}

static int write_truth(const opts *o, const hp_cascade *c)
{
    hp_grid g;
    FILE *f = fopen(o->truth, "w");
    if (!f || hp_grid_log(20, 20000, 48, &g) != HP_OK)
        return 0;
    fprintf(f, "frequency,db\n");
    for (size_t i = 0; i < g.n; i++)
        fprintf(f, "%.3f,%.6f\n", g.f_hz[i], hp_cascade_db(c, g.f_hz[i]));
    hp_grid_release(&g);
    return fclose(f) == 0;
}

int main(int argc, char **argv)
{
    opts o;
    hp_audio in = {0}, out = {0};
    hp_diag d;
    if (!parse(argc, argv, &o)) {
        fprintf(stderr, "usage: simrec IN.wav OUT.wav [options] (see the source)\n");
        return 2;
    }
    if (hp_audio_read(o.in, &in, &d) != HP_OK) {
        fprintf(stderr, "simrec: %s: %s\n", o.in, d.reason);
        return 2;
    }
    unsigned mics = o.mics ? o.mics : in.channels;
    unsigned chans = mics + (o.loopback ? 1 : 0);
    hp_cascade c = model(&o, in.rate_hz);
    double *x = calloc(in.frames, sizeof *x), *y = calloc(in.frames, sizeof *y);
    if (!x || !y || hp_audio_alloc(&out, in.frames, chans, in.rate_hz) != HP_OK)
        return 2;
    double xt = pow(10, o.xt_db / 20), noise = pow(10, o.noise_db / 20);
    for (unsigned src = 0; src < in.channels; src++) {
        if (hp_audio_channel(&in, src, x) != HP_OK)
            return 2;
        sim_apply(&c, o.a2, o.a3, 0, 0, x, y, in.frames);
        for (unsigned m = 0; m < mics; m++) {
            /* Each microphone hears its own driver; with a stereo input, the other one at xt. */
            double g = (in.channels == 1 || m % in.channels == src) ? 1.0 : xt;
            for (size_t i = 0; i < in.frames; i++)
                out.data[i * chans + m] += g * y[i];
        }
        if (o.loopback)
            for (size_t i = 0; i < in.frames; i++)
                out.data[i * chans + mics] += x[i];
    }
    uint64_t s = o.seed;
    for (size_t i = 0; i < in.frames * chans; i++)
        out.data[i] += noise > 1e-9 ? noise * sim_gauss(&s) : 0;
    if (hp_audio_write_float(o.out, &out) != HP_OK || (o.truth && !write_truth(&o, &c))) {
        fprintf(stderr, "simrec: cannot write output\n");
        return 2;
    }
    hp_audio_release(&in);
    hp_audio_release(&out);
    free(x);
    free(y);
    return 0;
}
