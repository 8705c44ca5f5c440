/* SPDX-License-Identifier: MIT */
/* Test tool: writes a measurement session (the layout `hpfr measure` writes, notes/session.md)
 * from the simulated rig's model (dsp/rigmodel.h), with the model's truth beside it, for the
 * tests and the benchmark of hpfr average, leak and compare.
 *   simsession -o DIR [--preset closed-back] [--seed 1] [--placements 5] [--leaks LIST]
 *              [--rate 48000] [--grid log|autoeq] [--skip K] [--capture SWEEP.wav]
 *              [--noise DBFS]
 * Direct mode (default): each placement-K/ gets fr-L.csv and fr-R.csv holding the model's
 * exact response (raw and smoothed columns both exact: nothing is smoothed) and ir-L.wav,
 * ir-R.wav: an impulse run through the model's biquads, laid out like hpfr analyze's (5 ms
 * before the onset, 500 ms after, the last quarter faded).
 * --capture SWEEP.wav: each placement-K/ gets capture.wav instead, the stereo left-then-right
 * sweep played through the model (each mic hears its own driver, plus white noise of --noise
 * dBFS, default -90), for `hpfr analyze --sweep SWEEP.wav --rec capture.wav -o placement-K`.
 * Either way DIR/truth/ receives the truth, from the filter coefficients:
 *   truth/fr-<ear>-<K>.csv  frequency,db: the exact response on the 1/48-octave grid
 *   truth/leak.csv          placement,ear,order,corner_hz,f0_hz,q,leak20_db,leak50_db,leak100_db
 *                           (order 1 resistive, 2 inertive; leakN_db: the leak section alone)
 * --skip K writes placement K as "skipped" in session.json and no directory for it.
 * Exit status 0, or 2 with a message. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "audio.h"
#include "grid.h"
#include "rigmodel.h"

typedef struct {
    const char *out, *preset, *leaks, *capture, *grid;
    unsigned long long seed;
    unsigned placements, skip;
    double rate, noise_db;
} opts;

static const char *const ears[2] = {"L", "R"};

static int parse(int argc, char **argv, opts *o)
{
    *o = (opts){.preset = "closed-back", .seed = 1, .placements = 5, .rate = 48000,
                .noise_db = -90, .grid = "log"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return 0;
        i++;
        if (!strcmp(a, "-o")) o->out = v;
        else if (!strcmp(a, "--preset")) o->preset = v;
        else if (!strcmp(a, "--seed")) o->seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--placements")) o->placements = (unsigned)atoi(v);
        else if (!strcmp(a, "--leaks")) o->leaks = v;
        else if (!strcmp(a, "--rate")) o->rate = atof(v);
        else if (!strcmp(a, "--grid")) o->grid = v;
        else if (!strcmp(a, "--skip")) o->skip = (unsigned)atoi(v);
        else if (!strcmp(a, "--capture")) o->capture = v;
        else if (!strcmp(a, "--noise")) o->noise_db = atof(v);
        else return 0;
    }
    return o->out && o->placements >= 1 && o->rate >= 8000;
}

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "simsession: %s%s%s\n", what, path ? ": " : "", path ? path : "");
    return 2;
}

static int mkdir_p(const char *path)
{
    return mkdir(path, 0777) == 0 || errno == EEXIST;
}

static int params(const opts *o, unsigned k, hp_rig_params *p)
{
    char seed[32], reason[128];
    snprintf(seed, sizeof seed, "%llu", o->seed);
    hp_rig_kv kv[] = {{"PRESET", o->preset}, {"SEED", seed}, {"LEAKS", o->leaks ? o->leaks : ""},
                      {"NOISE", "off"}};
    if (hp_rig_params_from_kv(kv, 4, k, p, reason, sizeof reason) != HP_OK) {
        fprintf(stderr, "simsession: %s\n", reason);
        return 0;
    }
    return 1;
}

/* hpfr analyze's IR layout: 5 ms before the onset, 500 ms after, the last quarter faded by
 * a half-Hann; the model's latency is left out (the window starts at the onset anyway). */
static int write_ir(const char *path, const hp_cascade *c)
{
    size_t pre = (size_t)lround(0.005 * c->rate_hz), post = (size_t)lround(0.5 * c->rate_hz);
    size_t n = pre + post + 1, taper = post / 4;
    hp_audio a = {0};
    if (hp_audio_alloc(&a, n, 1, c->rate_hz) != HP_OK)
        return 0;
    hp_biquad_state st[HP_CASCADE_MAX];
    memset(st, 0, sizeof st);
    a.data[pre] = 1.0;
    hp_cascade_run(c, st, a.data + pre, a.data + pre, n - pre);
    for (size_t i = 0; i < taper; i++)
        a.data[n - 1 - i] *= 0.5 - 0.5 * cos(M_PI * (double)i / (double)taper);
    int ok = hp_audio_write_float(path, &a) == HP_OK;
    hp_audio_release(&a);
    return ok;
}

static int write_fr(const char *path, const hp_cascade *c, const hp_grid *g, int truth)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(truth ? "frequency,db\n" : "frequency,raw,smoothed,phase\n", f);
    for (size_t i = 0; i < g->n; i++) {
        double db = hp_cascade_db(c, g->f_hz[i]);
        hp_cascade z = *c;
        z.delay_frames = 0;
        double ph = carg(hp_cascade_response(&z, g->f_hz[i])) * 180.0 / M_PI;
        if (truth)
            fprintf(f, "%.3f,%.9f\n", g->f_hz[i], db);
        else
            fprintf(f, "%.3f,%.9f,%.9f,%.3f\n", g->f_hz[i], db, db, ph);
    }
    return fclose(f) == 0;
}

/* The stereo left-then-right sweep through the model: mic e hears driver e only. */
static int write_capture(const char *path, const hp_audio *sweep, const hp_rig_params *p,
                         double noise_db)
{
    hp_audio a = {0};
    size_t n = sweep->frames;
    double *x = calloc(n, sizeof *x);
    if (!x || sweep->channels != 2 || hp_audio_alloc(&a, n, 2, sweep->rate_hz) != HP_OK) {
        free(x);
        return 0;
    }
    double sigma = pow(10.0, noise_db / 20.0);
    for (unsigned e = 0; e < 2; e++) {
        hp_cascade c;
        hp_biquad_state st[HP_CASCADE_MAX];
        memset(st, 0, sizeof st);
        if (hp_rig_ear_cascade(p, (int)e, sweep->rate_hz, &c) != HP_OK ||
            hp_audio_channel(sweep, e, x) != HP_OK)
            return 0;
        hp_cascade_run(&c, st, x, x, n);
        for (size_t i = 0; i < n; i++) {
            double v = i >= c.delay_frames ? x[i - c.delay_frames] : 0.0;
            a.data[i * 2 + e] = v + sigma * hp_rig_noise(p->noise_seed, i, e);
        }
    }
    int ok = hp_audio_write_float(path, &a) == HP_OK;
    hp_audio_release(&a);
    free(x);
    return ok;
}

/* The leak section alone, as the rig builds it. */
static double leak_db(const hp_rig_ear *e, double rate, double f)
{
    hp_cascade c = hp_cascade_init(rate);
    hp_err err = e->leak_order == 2 ? hp_cascade_add(&c, HP_BQ_LEAK2, e->leak_f0_hz, e->leak_q, 0)
                 : e->leak_order == 1 ? hp_cascade_add(&c, HP_BQ_LEAK1, e->leak_f0_hz, 0, 0)
                                      : HP_OK;
    return err == HP_OK ? hp_cascade_db(&c, f) : (double)NAN;
}

static int write_session_json(const opts *o, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fprintf(f, "{\n  \"format\": \"hpfr-session\", \"version\": 1,\n"
               "  \"name\": \"simulated %s seed %llu\",\n"
               "  \"created\": \"2026-11-21T01:02:03Z\",\n  \"rate\": %.0f,\n"
               "  \"devices\": {\"playback\": \"simsession\", \"capture\": \"simsession\", "
               "\"format\": \"FLOAT_LE\", \"inputs\": 2},\n"
               "  \"sweep\": {\"file\": \"sweep.wav\", \"f1\": 10, \"f2\": 24000, "
               "\"samples\": 262144, \"level_dbfs\": -12},\n"
               "  \"channels\": [\"L\", \"R\"],\n  \"placements_planned\": %u,\n"
               "  \"placements\": [\n",
            o->preset, o->seed, o->rate, o->placements);
    for (unsigned k = 1; k <= o->placements; k++) {
        if (k == o->skip)
            fprintf(f, "    {\"index\": %u, \"status\": \"skipped\"}", k);
        else
            fprintf(f, "    {\"index\": %u, \"dir\": \"placement-%u\", \"status\": \"done\", "
                       "\"captured\": \"2026-11-21T01:02:09Z\", \"latency_frames\": 64, "
                       "\"drift_ppm\": 0, \"xruns\": 0, \"retries\": 0}",
                    k, k);
        fputs(k < o->placements ? ",\n" : "\n", f);
    }
    fputs("  ]\n}\n", f);
    return fclose(f) == 0;
}

static int placement(const opts *o, unsigned k, const hp_audio *sweep, const hp_grid *grid,
                     const hp_grid *truth_grid, FILE *tl)
{
    hp_rig_params p;
    char path[4096];
    if (!params(o, k, &p))
        return 2;
    snprintf(path, sizeof path, "%s/placement-%u", o->out, k);
    if (!mkdir_p(path))
        return fail("cannot create", path);
    if (sweep) {
        snprintf(path, sizeof path, "%s/placement-%u/capture.wav", o->out, k);
        if (!write_capture(path, sweep, &p, o->noise_db))
            return fail("cannot write", path);
    }
    for (int e = 0; e < 2; e++) {
        hp_cascade c;
        if (hp_rig_ear_cascade(&p, e, sweep ? sweep->rate_hz : o->rate, &c) != HP_OK)
            return fail("bad rig parameters", NULL);
        if (!sweep) {
            snprintf(path, sizeof path, "%s/placement-%u/fr-%s.csv", o->out, k, ears[e]);
            if (!write_fr(path, &c, grid, 0))
                return fail("cannot write", path);
            snprintf(path, sizeof path, "%s/placement-%u/ir-%s.wav", o->out, k, ears[e]);
            if (!write_ir(path, &c))
                return fail("cannot write", path);
        }
        snprintf(path, sizeof path, "%s/truth/fr-%s-%u.csv", o->out, ears[e], k);
        if (!write_fr(path, &c, truth_grid, 1))
            return fail("cannot write", path);
        const hp_rig_ear *re = &p.ear[e];
        double q = re->leak_order == 2 ? re->leak_q : (double)NAN;
        fprintf(tl, "%u,%s,%d,%.9g,%.9g,%.9g,%.9f,%.9f,%.9f\n", k, ears[e], re->leak_order,
                hp_rig_leak_corner_hz(re), re->leak_f0_hz, q, leak_db(re, c.rate_hz, 20),
                leak_db(re, c.rate_hz, 50), leak_db(re, c.rate_hz, 100));
    }
    return 0;
}

int main(int argc, char **argv)
{
    opts o;
    if (!parse(argc, argv, &o)) {
        fprintf(stderr, "usage: simsession -o DIR [options] (see the source)\n");
        return 2;
    }
    hp_audio sweep = {0};
    hp_diag d;
    if (o.capture && hp_audio_read(o.capture, &sweep, &d) != HP_OK)
        return fail(d.reason, o.capture);
    if (o.capture)
        o.rate = sweep.rate_hz;
    hp_grid grid, truth_grid;
    hp_err e = !strcmp(o.grid, "autoeq") ? hp_grid_autoeq(&grid) : hp_grid_log(20, 20000, 48, &grid);
    if (e != HP_OK || hp_grid_log(20, 20000, 48, &truth_grid) != HP_OK)
        return fail("grid", NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/truth", o.out);
    if (!mkdir_p(o.out) || !mkdir_p(path))
        return fail("cannot create", path);
    snprintf(path, sizeof path, "%s/truth/leak.csv", o.out);
    FILE *tl = fopen(path, "w");
    if (!tl)
        return fail("cannot write", path);
    fputs("placement,ear,order,corner_hz,f0_hz,q,leak20_db,leak50_db,leak100_db\n", tl);
    int rc = 0;
    for (unsigned k = 1; !rc && k <= o.placements; k++)
        if (k != o.skip)
            rc = placement(&o, k, o.capture ? &sweep : NULL, &grid, &truth_grid, tl);
    if (fclose(tl) != 0 && !rc)
        rc = fail("cannot write", "truth/leak.csv");
    snprintf(path, sizeof path, "%s/session.json", o.out);
    if (!rc && !write_session_json(&o, path))
        rc = fail("cannot write", path);
    hp_grid_release(&grid);
    hp_grid_release(&truth_grid);
    hp_audio_release(&sweep);
    return rc;
}
