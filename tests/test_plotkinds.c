/* SPDX-License-Identifier: MIT */
/* The plot kinds on fixtures made from known truth (tests/plotfix.h): what each figure holds
 * is compared with values computed independently here, from the simulated rig's analytic
 * response, closed-form harmonic levels, the analog leak models, the RBJ cookbook formulas
 * and the FIR's closed form, never with another run of the code under test. */
#include "t.h"
#include <complex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "plotfix.h"
#include "plots/kinds.h"
#include "plots/pfig.h"

static char tmpdir[64];
static char why[1024];

static char *pathf(const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static hp_pfig *build(hp_plot_build_fn fn, const char *a, const char *b, const hp_plot_opts *o)
{
    char *in[2] = {(char *)a, (char *)b};
    hp_pfig *f = NULL;
    hp_plot_opts dflt = {NULL, HP_NORM_500, 0};
    hp_err e = fn(in, b ? 2 : 1, o ? o : &dflt, &f, why, sizeof why);
    if (e != HP_OK)
        fprintf(stderr, "  build: %s\n", why);
    CHECK(e == HP_OK && f != NULL);
    return f;
}

static const hp_pseries *series(const hp_pfig *f, unsigned panel, const char *title)
{
    const hp_ppanel *p = &f->panel[panel];
    for (size_t i = 0; i < p->ns; i++)
        if (p->s[i].title && !strcmp(p->s[i].title, title))
            return &p->s[i];
    fprintf(stderr, "  no series '%s' in panel %u\n", title, panel);
    return NULL;
}

/* ---- placements, balance, compare: the rig's exact responses ---- */

#define NP 5

static void truths(double **tl, double **tr, const hp_grid *g)
{
    for (unsigned p = 0; p < NP; p++) {
        tl[p] = malloc(g->n * sizeof **tl);
        tr[p] = malloc(g->n * sizeof **tr);
        CHECK(pf_truth("closed-back", p + 1, 0, g, tl[p]) == 0 && pf_truth("closed-back", p + 1, 1, g, tr[p]) == 0);
    }
}

static void test_placements(void)
{
    hp_grid g = {0};
    CHECK(hp_grid_log(20, 20000, 48, &g) == HP_OK);
    double *tl[NP], *tr[NP];
    truths(tl, tr, &g);
    hp_pfig *f = build(hp_plot_placements, pathf("cb"), NULL, NULL);
    if (!f)
        return;
    CHECK(f->rows == 2 && f->cols == 1);
    CHECK(f->title && strstr(f->title, "Placements") && strstr(f->title, "HD 600 'test'") &&
          strstr(f->title, "2026-11-21") && strstr(f->title, "rig profile coupler-A.cal"));
    /* CSV values have 5 decimals: 5e-6 of rounding */
    double worst = 0;
    for (unsigned ear = 0; ear < 2; ear++) {
        double **t = ear ? tr : tl;
        const hp_pseries *band = series(f, ear, "min-max"), *mean = series(f, ear, "mean of 5");
        CHECK(band && mean && band->n == g.n && mean->n == g.n);
        if (!band || !mean)
            continue;
        for (size_t i = 0; i < g.n; i++) {
            double s = 0, lo = INFINITY, hi = -INFINITY;
            for (unsigned p = 0; p < NP; p++) {
                s += t[p][i];
                lo = fmin(lo, t[p][i]);
                hi = fmax(hi, t[p][i]);
            }
            worst = fmax(worst, fabs(mean->y[i] - s / NP));
            worst = fmax(worst, fmax(fabs(band->y[i] - lo), fabs(band->y2[i] - hi)));
        }
        for (unsigned p = 0; p < NP; p++) {
            char name[32];
            snprintf(name, sizeof name, "placement %u", p + 1);
            const hp_pseries *s = series(f, ear, name);
            CHECK(s && fabs(s->y[100] - t[p][100]) <= 5.1e-6);
        }
    }
    CHECK(worst <= 5.1e-6);
    printf("placements: mean and min-max within %.2g dB of the rig's truth\n", worst);
    hp_pfig_free(f);

    /* balance of a session: each placement's L - R and their mean */
    f = build(hp_plot_balance, pathf("cb"), NULL, NULL);
    const hp_pseries *m = f ? series(f, 0, "mean of 5") : NULL;
    CHECK(m != NULL);
    worst = 0;
    for (size_t i = 0; m && i < g.n; i++) {
        double s = 0;
        for (unsigned p = 0; p < NP; p++)
            s += tl[p][i] - tr[p][i];
        worst = fmax(worst, fabs(m->y[i] - s / NP));
    }
    CHECK(worst <= 1.1e-5);
    CHECK(f && f->panel[0].ns == NP + 1);
    hp_pfig_free(f);
    /* balance of two files */
    char l[600], r[600];
    snprintf(l, sizeof l, "%s", pathf("cb/placement-2/fr-L.csv"));
    snprintf(r, sizeof r, "%s", pathf("cb/placement-2/fr-R.csv"));
    f = build(hp_plot_balance, l, r, NULL);
    m = f ? series(f, 0, "L - R smoothed") : NULL;
    CHECK(m && fabs(m->y[300] - (tl[1][300] - tr[1][300])) <= 1.1e-5);
    CHECK(f && series(f, 0, "L - R raw"));
    hp_pfig_free(f);

    /* compare: the session's mean over placements and ears, normalized */
    static const hp_norm norms[] = {HP_NORM_500, HP_NORM_1K, HP_NORM_MEAN};
    static const char *const names[] = {"500 Hz", "1 kHz", "300 Hz-3 kHz mean"};
    for (int k = 0; k < 3; k++) {
        hp_plot_opts o = {NULL, norms[k], 0};
        f = build(hp_plot_compare, pathf("cb"), pathf("cb/placement-1"), &o);
        if (!f)
            continue;
        CHECK(strstr(f->title, names[k]) != NULL);
        const hp_pseries *s = series(f, 0, "HD 600 'test'");
        CHECK(s && s->n == g.n);
        if (!s)
            continue;
        /* the truth's own level at the reference, from the exact response: at 500 Hz or
         * 1 kHz directly, the band mean by Simpson's rule over ln f on 4000 intervals */
        double ref = 0;
        for (unsigned p = 0; p < NP; p++)
            for (int ear = 0; ear < 2; ear++) {
                hp_rig_params rp;
                hp_cascade c;
                CHECK(hp_rig_preset("closed-back", PF_SEED, p + 1, &rp) == HP_OK &&
                      hp_rig_ear_cascade(&rp, ear, PF_RATE, &c) == HP_OK);
                if (k < 2) {
                    ref += hp_cascade_db(&c, k == 0 ? 500 : 1000);
                } else {
                    int n = 4000;
                    double a = log(300.0), b = log(3000.0), h = (b - a) / n, sum = 0;
                    for (int i = 0; i <= n; i++)
                        sum += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * hp_cascade_db(&c, exp(a + i * h));
                    ref += sum * h / 3 / (b - a);
                }
            }
        ref /= 2 * NP;
        double err = 0;
        for (size_t i = 0; i < g.n; i++) {
            double t = 0;
            for (unsigned p = 0; p < NP; p++)
                t += tl[p][i] + tr[p][i];
            err = fmax(err, fabs(s->y[i] - (t / (2 * NP) - ref)));
        }
        /* what remains is the reference level read off the 1/48-octave grid */
        CHECK(err < 0.005);
        printf("compare at %s: within %.2g dB of the truth normalized exactly\n", names[k], err);
        hp_pfig_free(f);
    }
    for (unsigned p = 0; p < NP; p++) {
        free(tl[p]);
        free(tr[p]);
    }
    hp_grid_release(&g);
}

/* ---- thd ---- */

static void test_thd(void)
{
    hp_pfig *f = build(hp_plot_thd, pathf("cb/placement-1"), NULL, NULL);
    if (!f)
        return;
    CHECK(f->rows == 2 && f->panel[0].ykind == HP_PY_LOG && f->panel[1].ykind == HP_PY_DB);
    CHECK(strstr(f->title, "smoothing 1/12") != NULL); /* summary.json beside thd-*.csv */
    const hp_pseries *h2p = series(f, 0, "L H2"), *h4p = series(f, 0, "R H4"), *h3d = series(f, 1, "L H3");
    CHECK(h2p && h4p && h3d);
    /* the file holds levels to 5 decimals and frequencies to 3 (5e-4 Hz moves 5 sin(ln f) by
     * up to 1.3e-4 dB at 20 Hz) */
    double worst = 0;
    for (size_t i = 0; h2p && h4p && h3d && i < h2p->n; i++) {
        double fq = h2p->x[i];
        worst = fmax(worst, fabs(20 * log10(h2p->y[i] / 100) - pf_harm_db(2, fq)));
        worst = fmax(worst, fabs(h3d->y[i] - pf_harm_db(3, fq)));
        if (fq > 5000.001)
            CHECK(isnan(h4p->y[i]));
    }
    CHECK(worst < 2e-4);
    hp_pfig_free(f);
}

/* ---- ir ---- */

static void test_ir(void)
{
    hp_pfig *f = build(hp_plot_ir, pathf("cb/placement-1"), NULL, NULL);
    if (!f)
        return;
    const hp_ppanel *top = &f->panel[0], *etc = &f->panel[1];
    CHECK(top->ns == 2 && etc->ns == 2 && !strcmp(top->s[0].title, "L"));
    /* analyze's layout: 5 ms (240 frames) before the onset */
    CHECK_NEAR(top->s[0].x[0], -PF_LEFT_MS, 1e-12);
    CHECK(top->s[0].x[240] == 0);
    double peak = 0, etcmax = -INFINITY;
    for (size_t k = 0; k < top->s[0].n; k++)
        peak = fmax(peak, fmax(fabs(top->s[0].y[k]), fabs(top->s[1].y[k])));
    for (size_t k = 0; k < etc->s[0].n; k++)
        etcmax = fmax(etcmax, fmax(etc->s[0].y[k], etc->s[1].y[k]));
    CHECK_NEAR(peak, 1, 1e-12);
    CHECK(etcmax <= 1e-9 && etcmax > -1e-9);
    /* nothing before the onset but the Hilbert transform's 1/t spread of the onset itself */
    CHECK(etc->s[0].y[0] < -40);
    static const double at[4] = {-PF_LEFT_MS, 0, PF_RIGHT_MS * 0.75, PF_RIGHT_MS};
    static const char *const lbl[4] = {"window start", "onset", "fade-out", "window end"};
    int found = 0;
    for (size_t i = 0; i < etc->nmark; i++)
        for (int k = 0; k < 4; k++)
            found += etc->mark[i].x == at[k] && !strcmp(etc->mark[i].label, lbl[k]);
    CHECK(found == 4 && etc->nmark == 4);
    CHECK(etc->ymax == 5 && etc->ymin <= -60 && etc->ystep >= 10);
    hp_pfig_free(f);
    /* without summary.json: time zero at the peak, no window marks */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s'", pathf("lone"), pathf("cb/placement-1/ir-L.wav"),
             pathf("lone/ir-L.wav"));
    CHECK(system(cmd) == 0);
    f = build(hp_plot_ir, pathf("lone/ir-L.wav"), NULL, NULL);
    CHECK(f && f->panel[1].nmark == 1 && !strcmp(f->panel[1].mark[0].label, "peak"));
    hp_pfig_free(f);
}

/* ---- leak ---- */

static void test_leak(void)
{
    hp_pfig *f = build(hp_plot_leak, pathf("lk"), NULL, NULL);
    if (!f)
        return;
    CHECK(f->rows == 2 && f->cols == 1);
    CHECK(!strcmp(f->panel[0].title, "Left ear") && !strcmp(f->panel[1].title, "Right ear"));
    double worst_fit = 0, worst_meas = 0;
    size_t fits = 0;
    for (size_t r = 0; r < PF_LEAK_ROWS; r++) {
        const pf_leak_row *w = &pf_leak_rows[r];
        unsigned panel = !strcmp(w->ear, "R");
        const hp_ppanel *p = &f->panel[panel];
        char t[64];
        snprintf(t, sizeof t, "placement %s", w->placement);
        const hp_pseries *meas = series(f, panel, t);
        CHECK(meas != NULL);
        /* the fit follows its curve in the panel */
        const hp_pseries *fit = NULL;
        for (size_t i = 0; meas && i + 1 < p->ns; i++)
            if (&p->s[i] == meas && p->s[i + 1].title && !strncmp(p->s[i + 1].title, "fit: ", 5))
                fit = &p->s[i + 1];
        int two = !strcmp(w->model, "second-order"), one = !strcmp(w->model, "first-order");
        CHECK((fit != NULL) == (two || one));
        for (size_t k = 0; meas && k < meas->n; k++) {
            double fq = meas->x[k];
            double truth = two ? pf_leak2_db(w->f0, w->q, fq) : one ? pf_leak1_db(w->corner, fq) : 0;
            worst_meas = fmax(worst_meas, fabs(meas->y[k] - truth));
            if (fit)
                worst_fit = fmax(worst_fit, fabs(fit->y[k] - truth));
        }
        fits += fit != NULL;
    }
    /* measured curves: 5 decimals of dB, frequencies to 3 decimals (up to 1.7 dB/Hz at 10 Hz) */
    CHECK(fits == 6 && worst_fit < 1e-12 && worst_meas <= 1e-3);
    printf("leak: %zu fitted models within %.1g dB of the closed form\n", fits, worst_fit);
    CHECK(f->panel[0].flo == 10 && f->panel[0].fhi == 1000);
    hp_pfig_free(f);
    f = build(hp_plot_leak, pathf("lk"), pathf("lk"), NULL);
    CHECK(f && f->rows == 2 && f->cols == 2 && strstr(f->panel[1].title, "lk, left ear"));
    hp_pfig_free(f);
}

/* hpfr leak's own layout: every placement, the reference included, has its fitted leak, and
 * the curves are placement over reference, so the drawn fit must be the model ratio. */
static void test_leak_relative(void)
{
    const char *dir = pathf("lkrel");
    hp_grid g = {0};
    CHECK(mkdir(dir, 0777) == 0 && hp_grid_log(10, 1000, 24, &g) == HP_OK);
    double *db = malloc(g.n * sizeof *db);
    CHECK(db != NULL);
    if (!db)
        return;
    /* placement 1: the reference, inertive f0 12 Hz Q 0.7; placement 2: resistive 60 Hz */
    for (int pl = 1; pl <= 2; pl++) {
        for (size_t k = 0; k < g.n; k++)
            db[k] = (pl == 2 ? pf_leak1_db(60, g.f_hz[k]) : pf_leak2_db(12, 0.7, g.f_hz[k])) -
                    pf_leak2_db(12, 0.7, g.f_hz[k]);
        char name[32];
        snprintf(name, sizeof name, "leak-L-%d.csv", pl);
        const double *cols[2] = {g.f_hz, db};
        CHECK(pf_csv(pf_path(dir, name), "frequency,db", cols, 2, g.n, 9) == 0);
    }
    double l20 = pf_leak2_db(12, 0.7, 20) - pf_leak1_db(60, 20);
    char csv[512];
    snprintf(csv, sizeof csv,
             "placement,ear,model,corner_hz,f0_hz,q,loss20_db,loss50_db,loss100_db,residual_db\n"
             "1,L,inertive,8.0,12,0.7,0.000,0.000,0.000,0.001\n"
             "2,L,resistive,60,nan,nan,%.3f,1,1,0.001\n", l20);
    CHECK(pf_text(pf_path(dir, "leak.csv"), csv) == 0);
    hp_pfig *f = build(hp_plot_leak, dir, NULL, NULL);
    double worst = 0;
    size_t fits = 0;
    for (size_t i = 0; f && i + 1 < f->panel[0].ns; i++) {
        const hp_pseries *fit = &f->panel[0].s[i + 1];
        if (!fit->title || strncmp(fit->title, "fit: ", 5))
            continue;
        int two = !strncmp(fit->title, "fit: 2nd", 8);
        for (size_t k = 0; k < fit->n; k++) {
            double x = fit->x[k];
            double truth = (two ? pf_leak2_db(12, 0.7, x) : pf_leak1_db(60, x)) - pf_leak2_db(12, 0.7, x);
            worst = fmax(worst, fabs(fit->y[k] - truth));
        }
        fits++;
    }
    CHECK(fits == 2 && worst < 1e-9);
    printf("leak relative to a fitted reference: %zu fits within %.1g dB of the model ratio\n",
           fits, worst);
    hp_pfig_free(f);
    free(db);
    hp_grid_release(&g);
}

/* ---- eq: RBJ cookbook written out here, and the FIR's closed form ---- */

static double rbj_db(int shelf, double fc, double gain, double q, double rate, double f)
{
    double A = pow(10, gain / 40), w0 = 2 * M_PI * fc / rate, c = cos(w0), al = sin(w0) / (2 * q);
    double b[3], a[3];
    if (!shelf) {
        b[0] = 1 + al * A, b[1] = -2 * c, b[2] = 1 - al * A;
        a[0] = 1 + al / A, a[1] = -2 * c, a[2] = 1 - al / A;
    } else {
        double s = 2 * sqrt(A) * al;
        b[0] = A * ((A + 1) - (A - 1) * c + s), b[1] = 2 * A * ((A - 1) - (A + 1) * c);
        b[2] = A * ((A + 1) - (A - 1) * c - s);
        a[0] = (A + 1) + (A - 1) * c + s, a[1] = -2 * ((A - 1) + (A + 1) * c);
        a[2] = (A + 1) + (A - 1) * c - s;
    }
    double complex z1 = cexp(CMPLX(0, -2 * M_PI * f / rate)), z2 = z1 * z1;
    return 20 * log10(cabs((b[0] + b[1] * z1 + b[2] * z2) / (a[0] + a[1] * z1 + a[2] * z2)));
}

static void test_eq(void)
{
    hp_pfig *f = build(hp_plot_eq, pathf("eq"), NULL, NULL);
    if (!f)
        return;
    CHECK(f->rows == 1 && strstr(f->title, "48000"));
    const hp_pseries *pk = series(f, 0, "PK 640 Hz, -4.5 dB, Q 1.41"),
                     *ls = series(f, 0, "LSC 105 Hz, +5.5 dB, Q 0.70"),
                     *sum = series(f, 0, "sum of the filters"),
                     *pre = series(f, 0, "sum with preamp -6.2 dB"),
                     *fir = series(f, 0, "FIR minimum-48000");
    CHECK(pk && ls && sum && pre && fir);
    CHECK(f->panel[0].ns == 7); /* 4 filters (one is OFF), 2 sums, 1 FIR at 48 kHz */
    if (!(pk && ls && sum && pre && fir))
        return;
    double e_pk = 0, e_ls = 0, e_sum = 0, e_fir = 0;
    const hp_ppanel *p = &f->panel[0];
    for (size_t i = 0; i < pk->n; i++) {
        double fq = pk->x[i], s = 0;
        e_pk = fmax(e_pk, fabs(pk->y[i] - rbj_db(0, 640, -4.5, 1.41, 48000, fq)));
        e_ls = fmax(e_ls, fabs(ls->y[i] - rbj_db(1, 105, 5.5, 0.7, 48000, fq)));
        for (size_t k = 0; k < 4; k++)
            s += p->s[k].y[i];
        e_sum = fmax(e_sum, fmax(fabs(sum->y[i] - s), fabs(pre->y[i] - (s - 6.2))));
        e_fir = fmax(e_fir, fabs(fir->y[i] - pf_fir_db(fq, 48000)));
    }
    CHECK(e_pk < 1e-9 && e_ls < 1e-9 && e_sum < 1e-9 && e_fir < 1e-9);
    printf("eq: PK %.1g, LSC %.1g dB from the cookbook; sum %.1g; FIR %.1g from 1 + 0.5/z\n", e_pk,
           e_ls, e_sum, e_fir);
    hp_pfig_free(f);
}

/* ---- fr with an AutoEq-style eq.csv ---- */

static void test_fr(void)
{
    char a[600];
    snprintf(a, sizeof a, "%s", pathf("eq/eq.csv"));
    hp_pfig *f = build(hp_plot_fr, a, a, NULL);
    if (!f)
        return;
    const hp_pseries *tg = series(f, 0, "target"), *eqd = series(f, 0, "eq equalized");
    CHECK(tg && eqd && series(f, 0, "eq raw") && series(f, 0, "eq smoothed"));
    size_t targets = 0;
    for (size_t i = 0; i < f->panel[0].ns; i++)
        targets += strstr(f->panel[0].s[i].title, "target") != NULL;
    CHECK(targets == 1); /* two files, one target */
    double worst = 0;
    for (size_t i = 0; tg && i < tg->n; i++)
        worst = fmax(worst, fabs(tg->y[i] + 1.5 * log2(tg->x[i] / 1000)));
    CHECK(worst <= 5.1e-4); /* 3 decimals in the file */
    hp_pfig_free(f);
    f = build(hp_plot_fr, pathf("cb/placement-1"), NULL, NULL);
    CHECK(f && series(f, 0, "L smoothed") && series(f, 0, "R raw") && f->panel[0].ns == 4);
    hp_pfig_free(f);
}

/* ---- inputs that must be refused, with the file (and line) named ---- */

static void refused(hp_plot_build_fn fn, const char *in, const char *want)
{
    char *v[1] = {(char *)in};
    hp_pfig *f = (hp_pfig *)1;
    hp_plot_opts o = {NULL, HP_NORM_500, 0};
    hp_err e = fn(v, 1, &o, &f, why, sizeof why);
    CHECK(e != HP_OK && f == NULL && strstr(why, want) != NULL);
    if (e == HP_OK || !strstr(why, want))
        fprintf(stderr, "  %s: got '%s', wanted '%s'\n", in, why, want);
}

static void test_refusals(void)
{
    char p[600];
    CHECK(pf_text(pathf("bad1.csv"), "frequency,raw,smoothed\n20,1,1\n30,x,1\n") == 0);
    snprintf(p, sizeof p, "%s:3:4: column raw: 'x' is not a number", pathf("bad1.csv"));
    refused(hp_plot_fr, pathf("bad1.csv"), p);
    CHECK(pf_text(pathf("bad2.csv"), "frequency,raw\n20,1\n20,1\n") == 0);
    snprintf(p, sizeof p, "%s:3: frequencies must rise", pathf("bad2.csv"));
    refused(hp_plot_fr, pathf("bad2.csv"), p);
    CHECK(pf_text(pathf("bad3.csv"), "frequency,phase\n20,1\n") == 0);
    refused(hp_plot_fr, pathf("bad3.csv"), "no column 'raw' or 'smoothed'");
    refused(hp_plot_fr, pathf("missing.csv"), "missing.csv: No such file or directory");
    refused(hp_plot_fr, pathf("cb"), "a measurement session");
    refused(hp_plot_fr, tmpdir, "no fr.csv or fr-*.csv");
    refused(hp_plot_placements, pathf("cb/placement-1"), "not a session directory");
    CHECK(pf_text(pathf("bad.txt"), "Preamp: -1 dB\nFilter 1: ON XX Fc 1 Hz Gain 1 dB Q 1\n") == 0);
    snprintf(p, sizeof p, "%s:2: Filter: unknown filter type", pathf("bad.txt"));
    refused(hp_plot_eq, pathf("bad.txt"), p);
    CHECK(pf_text(pathf("lk/leak-R-4.csv"), "frequency,db\n10,1\n5,2\n") == 0);
    snprintf(p, sizeof p, "%s:3: frequencies must rise", pathf("lk/leak-R-4.csv"));
    refused(hp_plot_leak, pathf("lk"), p);
    CHECK(unlink(pathf("lk/leak-R-4.csv")) == 0);
    refused(hp_plot_leak, pathf("lk"), "leak-R-4.csv: missing (leak.csv lists placement 4, ear R)");
    CHECK(pf_text(pathf("cb/placement-3/fr-R.csv"), "frequency,raw\n20,1\n30,1\n") == 0);
    refused(hp_plot_placements, pathf("cb"), "placement-3/fr-R.csv: frequency grid differs");
    CHECK(pf_text(pathf("cb/session.json"), "{\"format\": \"hpfr-session\",\n \"placements\": [}\n") == 0);
    snprintf(p, sizeof p, "%s:2:", pathf("cb/session.json"));
    refused(hp_plot_placements, pathf("cb"), p);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hpfr-plotkinds-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    CHECK(pf_session(pathf("cb"), "closed-back", NP, "HD 600 'test'") == 0);
    CHECK(pf_leak(pathf("lk")) == 0);
    CHECK(pf_eq(pathf("eq")) == 0);
    test_placements();
    test_thd();
    test_ir();
    test_leak();
    test_leak_relative();
    test_eq();
    test_fr();
    test_refusals();
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
    T_DONE();
}
