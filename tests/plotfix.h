/* SPDX-License-Identifier: MIT */
/* Test fixtures for `hpfr plot`: the files that analyze, measure, leak and eq write, made
 * from known truth so that tests can check what is plotted against it:
 *   - a session whose placements' fr-L/R.csv are the simulated rig's exact response
 *     (hp_rig_preset, hp_rig_ear_cascade, hp_cascade_db) on the default 1/48-octave grid;
 *   - thd.csv from closed-form harmonic levels; ir.wav as the cascade's impulse response laid
 *     out as analyze writes it (window_left_ms of zeros before the onset);
 *   - a leak directory whose curves are exactly the analog leak models of its leak.csv rows;
 *   - an EQ directory with a known ParametricEQ.txt, FIRs with closed-form responses and an
 *     AutoEq-style eq.csv.
 * Header-only so both tests/test_plot.c and tests/tools/plotfix.c use the same truth. */
#ifndef HP_TEST_PLOTFIX_H
#define HP_TEST_PLOTFIX_H
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "audio.h"
#include "cascade.h"
#include "csv.h"
#include "grid.h"
#include "json.h"
#include "rigmodel.h"

#define PF_RATE 48000.0
#define PF_SEED 7
#define PF_LEFT_MS 5.0
#define PF_RIGHT_MS 500.0

static inline char *pf_path(const char *dir, const char *name)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%.900s/%.100s", dir, name);
    return p;
}

static inline int pf_csv(const char *path, const char *header, const double *const *cols,
                         size_t ncols, size_t n, int decimals)
{
    FILE *f = fopen(path, "w");
    int dec[16];
    for (size_t i = 0; i < ncols; i++)
        dec[i] = i == 0 ? 3 : decimals;
    int ok = f && hp_csv_write(f, header, cols, ncols, n, dec) == HP_OK;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

static inline int pf_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* The exact response in dB of the preset's ear (0 L, 1 R) at placement p, on g. */
static inline int pf_truth(const char *preset, unsigned p, int ear, const hp_grid *g, double *db)
{
    hp_rig_params rp;
    hp_cascade c;
    if (hp_rig_preset(preset, PF_SEED, p, &rp) != HP_OK ||
        hp_rig_ear_cascade(&rp, ear, PF_RATE, &c) != HP_OK)
        return -1;
    for (size_t i = 0; i < g->n; i++)
        db[i] = hp_cascade_db(&c, g->f_hz[i]);
    return 0;
}

/* Closed-form harmonic levels (dB re fundamental) for the thd fixture; H4 stops at 5 kHz. */
static inline double pf_harm_db(int order, double f)
{
    switch (order) {
    case 2: return -40 + 5 * sin(log(f));
    case 3: return -50 - 10 * log10(f / 1000) * (f > 1000);
    case 4: return f > 5000 ? NAN : -65;
    default: return -72;
    }
}

static inline int pf_thd(const char *path, const hp_grid *g)
{
    size_t n = g->n;
    double *v = malloc(7 * n * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        double f = g->f_hz[i], pw = 0;
        v[i] = f;
        for (int h = 2; h <= 5; h++) {
            double d = pf_harm_db(h, f);
            v[(size_t)(h + 1) * n + i] = d;
            if (isfinite(d))
                pw += pow(10, d / 10);
        }
        v[n + i] = 100 * sqrt(pw);
        v[2 * n + i] = 10 * log10(pw);
    }
    const double *cols[7] = {v, v + n, v + 2 * n, v + 3 * n, v + 4 * n, v + 5 * n, v + 6 * n};
    int r = pf_csv(path, "frequency,thd_percent,thd_db,h2_db,h3_db,h4_db,h5_db", cols, 7, n, 5);
    free(v);
    return r;
}

/* ir.wav as analyze lays it out: left_ms before the onset, the response from the onset. */
static inline int pf_ir(const char *path, const char *preset, unsigned p, int ear)
{
    hp_rig_params rp;
    hp_cascade c;
    if (hp_rig_preset(preset, PF_SEED, p, &rp) != HP_OK ||
        hp_rig_ear_cascade(&rp, ear, PF_RATE, &c) != HP_OK)
        return -1;
    size_t before = (size_t)llround(PF_LEFT_MS / 1000 * PF_RATE);
    size_t after = (size_t)llround(PF_RIGHT_MS / 1000 * PF_RATE);
    hp_audio a = {0};
    if (hp_audio_alloc(&a, before + after + 1, 1, PF_RATE) != HP_OK)
        return -1;
    hp_biquad_state st[HP_CASCADE_MAX];
    memset(st, 0, sizeof st);
    a.data[before] = 1;
    hp_cascade_run(&c, st, a.data + before, a.data + before, after + 1);
    int r = hp_audio_write_float(path, &a) == HP_OK ? 0 : -1;
    hp_audio_release(&a);
    return r;
}

static inline int pf_summary(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    hp_json j;
    hp_json_init(&j, f);
    hp_json_obj_begin(&j, NULL);
    hp_json_str(&j, "hpfr_version", "test");
    hp_json_str(&j, "grid", "log 1/48 octave 20 Hz-20 kHz");
    hp_json_str(&j, "smoothing", "1/12");
    hp_json_num(&j, "window_left_ms", PF_LEFT_MS);
    hp_json_num(&j, "window_right_ms", PF_RIGHT_MS);
    hp_json_obj_end(&j);
    int ok = hp_json_finish(&j) == HP_OK;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* SESSION with `placements` done placements (and one skipped after them). Every placement
 * gets fr-L.csv and fr-R.csv (raw = smoothed = truth, 5 decimals as analyze writes);
 * placement 1 also gets thd-*.csv, ir-*.wav and summary.json. */
static inline int pf_session(const char *dir, const char *preset, unsigned placements,
                             const char *name)
{
    hp_grid g = {0};
    if (mkdir(dir, 0777) != 0 || hp_grid_log(20, 20000, 48, &g) != HP_OK)
        return -1;
    double *db = malloc(g.n * sizeof *db), *zero = calloc(g.n, sizeof *zero);
    int r = db && zero ? 0 : -1;
    FILE *f = r ? NULL : fopen(pf_path(dir, "session.json"), "w");
    hp_json j;
    hp_json_init(&j, f);
    hp_json_obj_begin(&j, NULL);
    hp_json_str(&j, "format", "hpfr-session");
    hp_json_int(&j, "version", 1);
    hp_json_str(&j, "name", name);
    hp_json_str(&j, "created", "2026-11-21T01:02:03Z");
    hp_json_int(&j, "rate", 48000);
    hp_json_str(&j, "profile", "coupler-A.cal");
    hp_json_str(&j, "some_future_key", "ignored");
    hp_json_arr_begin(&j, "channels");
    hp_json_str(&j, NULL, "L");
    hp_json_str(&j, NULL, "R");
    hp_json_arr_end(&j);
    hp_json_int(&j, "placements_planned", placements + 1);
    hp_json_arr_begin(&j, "placements");
    for (unsigned p = 1; p <= placements + 1; p++) {
        char pd[32];
        snprintf(pd, sizeof pd, "placement-%u", p);
        hp_json_obj_begin(&j, NULL);
        hp_json_int(&j, "index", p);
        if (p <= placements) {
            hp_json_str(&j, "dir", pd);
            hp_json_str(&j, "status", "done");
        } else {
            hp_json_str(&j, "status", "skipped");
        }
        hp_json_obj_end(&j);
    }
    hp_json_arr_end(&j);
    hp_json_obj_end(&j);
    if (!f || hp_json_finish(&j) != HP_OK || fclose(f) != 0)
        r = -1;
    for (unsigned p = 1; r == 0 && p <= placements; p++) {
        char pd[1024];
        snprintf(pd, sizeof pd, "%.900s/placement-%u", dir, p);
        if (mkdir(pd, 0777) != 0)
            r = -1;
        for (int ear = 0; r == 0 && ear < 2; ear++) {
            const char *nm = ear ? "fr-R.csv" : "fr-L.csv";
            const double *cols[4] = {g.f_hz, db, db, zero};
            if (pf_truth(preset, p, ear, &g, db) != 0 ||
                pf_csv(pf_path(pd, nm), "frequency,raw,smoothed,phase", cols, 4, g.n, 5) != 0)
                r = -1;
            if (r == 0 && p == 1)
                r = pf_thd(pf_path(pd, ear ? "thd-R.csv" : "thd-L.csv"), &g) ||
                    pf_ir(pf_path(pd, ear ? "ir-R.wav" : "ir-L.wav"), preset, p, ear);
        }
        if (r == 0 && p == 1)
            r = pf_summary(pf_path(pd, "summary.json"));
    }
    free(db);
    free(zero);
    hp_grid_release(&g);
    return r;
}

/* The leak rows of the fixture: placement 1 is the reference (no model, 0 dB). */
typedef struct {
    const char *placement, *ear, *model;
    double corner, f0, q;
} pf_leak_row;

static inline double pf_leak2_db(double f0, double q, double f)
{
    double complex s = CMPLX(0, f / f0);
    return 20 * log10(cabs(1 - 1 / (1 + s / q + s * s)));
}

static inline double pf_leak1_db(double fc, double f)
{
    double complex s = CMPLX(0, f / fc);
    return 20 * log10(cabs(s / (1 + s)));
}

static const pf_leak_row pf_leak_rows[] = {
    {"1", "L", "none", NAN, NAN, NAN},          {"2", "L", "second-order", NAN, 35, 0.8},
    {"3", "L", "first-order", 40, NAN, NAN},   {"4", "L", "second-order", NAN, 80, 1.2},
    {"1", "R", "none", NAN, NAN, NAN},          {"2", "R", "second-order", NAN, 30, 0.7},
    {"3", "R", "first-order", 55, NAN, NAN},   {"4", "R", "second-order", NAN, 90, 1.1},
};
#define PF_LEAK_ROWS (sizeof pf_leak_rows / sizeof *pf_leak_rows)

static inline int pf_leak(const char *dir)
{
    hp_grid g = {0};
    if (mkdir(dir, 0777) != 0 || hp_grid_log(10, 1000, 24, &g) != HP_OK)
        return -1;
    double *db = malloc(g.n * sizeof *db);
    FILE *f = fopen(pf_path(dir, "leak.csv"), "w");
    int r = db && f ? 0 : -1;
    if (f)
        fputs("placement,ear,model,corner_hz,f0_hz,q,loss20_db,loss50_db,loss100_db,residual_db\n", f);
    for (size_t i = 0; r == 0 && i < PF_LEAK_ROWS; i++) {
        const pf_leak_row *w = &pf_leak_rows[i];
        int two = !strcmp(w->model, "second-order"), one = !strcmp(w->model, "first-order");
        for (size_t k = 0; k < g.n; k++)
            db[k] = two ? pf_leak2_db(w->f0, w->q, g.f_hz[k]) : one ? pf_leak1_db(w->corner, g.f_hz[k]) : 0;
        double l20 = two ? pf_leak2_db(w->f0, w->q, 20) : one ? pf_leak1_db(w->corner, 20) : 0;
        /* "nan" (as hp_csv_write writes it) for the parameters a model does not have */
        fprintf(f, "%s,%s,%s,", w->placement, w->ear, w->model);
        const double par[3] = {w->corner, w->f0, w->q};
        for (int k = 0; k < 3; k++) {
            if (isnan(par[k]))
                fputs("nan,", f);
            else
                fprintf(f, "%.3f,", par[k]);
        }
        fprintf(f, "%.3f,0.000,0.000,0.010\n", l20);
        char name[64];
        snprintf(name, sizeof name, "leak-%s-%s.csv", w->ear, w->placement);
        const double *cols[2] = {g.f_hz, db};
        r = pf_csv(pf_path(dir, name), "frequency,db", cols, 2, g.n, 5);
    }
    if (f && fclose(f) != 0)
        r = -1;
    free(db);
    hp_grid_release(&g);
    return r;
}

/* The EQ fixture's FIR at 48 kHz: 1 + 0.5 z^-1 (|H|^2 = 1.25 + cos w), padded to 64 taps. */
static inline double pf_fir_db(double f, double rate)
{
    double w = 2 * M_PI * f / rate;
    return 10 * log10(1.25 + cos(w));
}

static inline int pf_wav(const char *path, const double *h, size_t n, double rate)
{
    hp_audio a = {0};
    if (hp_audio_alloc(&a, n, 1, rate) != HP_OK)
        return -1;
    memcpy(a.data, h, n * sizeof *h);
    int r = hp_audio_write_float(path, &a) == HP_OK ? 0 : -1;
    hp_audio_release(&a);
    return r;
}

static const char pf_apo[] =
    "# hpfr eq fixture\n"
    "Preamp: -6.2 dB\n"
    "Filter 1: ON LSC Fc 105 Hz Gain 5.5 dB Q 0.70\n"
    "Filter 2: ON PK Fc 640 Hz Gain -4.5 dB Q 1.41\n"
    "Filter 3: OFF PK Fc 1000 Hz Gain 9 dB Q 1\n"
    "Filter 4: ON PK Fc 3000 Hz Gain 3.0 dB Q 2.00\r\n"
    "Filter 5: ON HSC Fc 10000 Hz Gain -2.0 dB Q 0.70\n";

static inline int pf_eq(const char *dir)
{
    double h[64] = {1, 0.5}, h44[64] = {0.5};
    if (mkdir(dir, 0777) != 0 || pf_text(pf_path(dir, "ParametricEQ.txt"), pf_apo) != 0 ||
        pf_wav(pf_path(dir, "fir-minimum-48000.wav"), h, 64, 48000) != 0 ||
        pf_wav(pf_path(dir, "fir-minimum-44100.wav"), h44, 64, 44100) != 0)
        return -1;
    /* AutoEq-style eq.csv (for `plot fr`): target = 0 dB line tilted, equalized = target */
    hp_grid g = {0};
    if (hp_grid_autoeq(&g) != HP_OK)
        return -1;
    size_t n = g.n;
    double *v = calloc(8 * n, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        double f = g.f_hz[i], raw = 3 * sin(log(f)), tgt = -1.5 * log2(f / 1000);
        v[i] = f;
        v[n + i] = raw;
        v[2 * n + i] = raw;
        v[3 * n + i] = raw - tgt;
        v[4 * n + i] = tgt;
        v[5 * n + i] = tgt - raw;
        v[6 * n + i] = tgt - raw;
        v[7 * n + i] = tgt;
    }
    const double *cols[8] = {v, v + n, v + 2 * n, v + 3 * n, v + 4 * n, v + 5 * n, v + 6 * n, v + 7 * n};
    int r = pf_csv(pf_path(dir, "eq.csv"),
                   "frequency,raw,smoothed,error,target,equalization,parametric_eq,equalized_raw",
                   cols, 8, n, 3);
    free(v);
    hp_grid_release(&g);
    return r;
}

#endif
