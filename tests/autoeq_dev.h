/* SPDX-License-Identifier: MIT */
/* The AutoEq comparison set (tests/data/autoeq-dev, a copy of ../shared/data/autoeq-dev) for the quality-bar test and
 * `make bench`: its manifest, measurements, targets and AutoEq's published PEQs, and the
 * scoring its README prescribes, step by step. Header-only, test and bench code. */
#ifndef HP_AUTOEQ_DEV_H
#define HP_AUTOEQ_DEV_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cascade.h"
#include "eqcurve.h"
#include "eqscore.h"
#include "grid.h"
#include "peq.h"

#define AED_MAX 64
#define AED_N 695

typedef struct {
    char name[128], form[32], meas[256], peq[256], target[256];
    double bass_db;
} aed_item;

typedef struct {
    char dir[512];
    size_t n;
    aed_item it[AED_MAX];
} aed_set;

/* The data directory: $HPFR_AUTOEQ_DEV, else tests/data/autoeq-dev (a copy of ../shared/data/autoeq-dev). */
static const char *aed_dir(void)
{
    const char *d = getenv("HPFR_AUTOEQ_DEV");
    return d && *d ? d : "tests/data/autoeq-dev";
}

/* Loads the manifest of the set in dir (aed_dir() for the 22-headphone set). */
static inline int aed_load_dir(aed_set *s, const char *dir)
{
    char path[1024], line[4096];
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(path, sizeof path, "%s/manifest.tsv", s->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    s->n = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (fgets(line, sizeof line, f) && s->n < AED_MAX) {
        char *col[16];
        size_t nc = 0;
        line[strcspn(line, "\r\n")] = 0;
        for (char *p = line, *t; nc < 16 && (t = strsep(&p, "\t"));)
            col[nc++] = t;
        if (nc < 8)
            continue;
        aed_item *it = &s->it[s->n++];
        snprintf(it->form, sizeof it->form, "%s", col[1]);
        snprintf(it->name, sizeof it->name, "%s", col[3]);
        snprintf(it->meas, sizeof it->meas, "%s", col[4]);
        snprintf(it->peq, sizeof it->peq, "%s", col[5]);
        snprintf(it->target, sizeof it->target, "%s", col[6]);
        it->bass_db = atof(col[7]);
    }
    fclose(f);
    return s->n > 0;
}

static inline int aed_load(aed_set *s) { return aed_load_dir(s, aed_dir()); }

/* A two-column CSV with one header line. Returns the number of rows (0 on error). */
static inline size_t aed_csv(const char *dir, const char *rel, double *f, double *y, size_t max)
{
    char path[1024], line[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *fp = fopen(path, "r");
    size_t n = 0;
    if (!fp)
        return 0;
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return 0;
    }
    while (n < max && fgets(line, sizeof line, fp))
        if (sscanf(line, "%lf,%lf", &f[n], &y[n]) == 2)
            n++;
    fclose(fp);
    return n;
}

/* An EqualizerAPO ParametricEQ.txt as AutoEq writes it (Preamp, then ON PK/LSC/HSC lines). */
static inline int aed_apo(const char *dir, const char *rel, hp_peq *p)
{
    char path[1024], line[256], type[8];
    double fc, g, q;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    memset(p, 0, sizeof *p);
    while (fgets(line, sizeof line, fp)) {
        if (sscanf(line, "Preamp: %lf dB", &g) == 1)
            p->preamp_db = g;
        else if (p->n < HP_PEQ_MAX &&
                 sscanf(line, "Filter %*d: ON %7s Fc %lf Hz Gain %lf dB Q %lf", type, &fc, &g, &q) == 4) {
            hp_biquad_type t = !strcmp(type, "LSC") ? HP_BQ_LOWSHELF
                             : !strcmp(type, "HSC") ? HP_BQ_HIGHSHELF : HP_BQ_PEAK;
            p->f[p->n++] = (hp_peq_filter){t, fc, q, g};
        }
    }
    fclose(fp);
    return p->n > 0;
}

/* One headphone prepared as the README's steps 1-3 say: measurement and target on AutoEq's
 * grid, both 0 dB at 1 kHz, the bass shelf added to the target, the target shifted so that
 * mean(measurement - target) over 100 Hz-10 kHz is zero. */
typedef struct {
    double f[AED_N], meas[AED_N], target[AED_N];
} aed_case;

static inline int aed_prepare(const aed_set *s, const aed_item *it, aed_case *c)
{
    static double fx[2000], y[2000];
    hp_grid g;
    if (hp_grid_autoeq(&g) != HP_OK)
        return 0;
    memcpy(c->f, g.f_hz, sizeof c->f);
    hp_grid_release(&g);
    size_t n = aed_csv(s->dir, it->meas, fx, y, 2000);
    double at;
    if (n < 10 || hp_eqc_interp(fx, y, n, c->f, AED_N, c->meas) != HP_OK ||
        hp_eqc_at(fx, y, n, 1000, &at) != HP_OK)
        return 0;
    for (size_t i = 0; i < AED_N; i++)
        c->meas[i] -= at;
    n = aed_csv(s->dir, it->target, fx, y, 2000);
    if (n < 10 || hp_eqc_interp(fx, y, n, c->f, AED_N, c->target) != HP_OK ||
        hp_eqc_at(fx, y, n, 1000, &at) != HP_OK)
        return 0;
    hp_cascade sh = hp_cascade_init(48000);
    if (hp_cascade_add(&sh, HP_BQ_LOWSHELF, 105, 0.7, it->bass_db) != HP_OK)
        return 0;
    for (size_t i = 0; i < AED_N; i++)
        c->target[i] += hp_cascade_db(&sh, c->f[i]) - at;
    double shift;
    if (hp_eqc_band_mean(c->f, c->meas, c->target, AED_N, 100, 10000, &shift) != HP_OK)
        return 0;
    for (size_t i = 0; i < AED_N; i++)
        c->target[i] += shift;
    return 1;
}

typedef struct {
    double rms_10k, rms_20k, max_10k, loss, max_boost;
} aed_score;

/* Steps 4-5: equalized = measurement + the PEQ at 48 kHz (preamp left out). */
static inline int aed_score_peq(const aed_case *c, const hp_peq *p, aed_score *sc)
{
    hp_peq q = *p;
    double eq[AED_N], err[AED_N];
    q.preamp_db = 0;
    if (hp_peq_response_db(&q, 48000, c->f, AED_N, eq) != HP_OK)
        return 0;
    sc->max_boost = -INFINITY;
    for (size_t i = 0; i < AED_N; i++) {
        err[i] = c->meas[i] + eq[i] - c->target[i];
        sc->max_boost = fmax(sc->max_boost, eq[i]);
    }
    return hp_eqs_rms(c->f, err, AED_N, 20, 10000, &sc->rms_10k, &sc->max_10k) == HP_OK &&
           hp_eqs_rms(c->f, err, AED_N, 20, 20000, &sc->rms_20k, NULL) == HP_OK &&
           hp_eqs_autoeq_loss(c->f, err, AED_N, &sc->loss) == HP_OK;
}

static inline int aed_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double aed_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, aed_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#endif
