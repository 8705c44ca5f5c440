/* SPDX-License-Identifier: MIT */
/* EQ exports (formats/eqexport.h) read back: ParametricEQ.txt and eq.csv through hpfr's
 * readers (formats/eqread.h) must give back the filters and curves written, within the
 * rounding the writers document; the written preamp keeps every frequency at or below
 * 0 dBFS; GraphicEQ.txt, the FIR files and the EasyEffects preset hold what they should;
 * failures leave nothing behind and say why. The readers are also checked on AutoEq's own
 * files and on malformed input. (sox, PipeWire, Python's json and yaml check the same files
 * in tests/cli/eqx_*.sh.) */
#include <complex.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audio.h"
#include "eqexport.h"
#include "eqread.h"
#include "frread.h"
#include "grid.h"
#include "json.h"
#include "peq.h"
#include "t.h"

static char tmpdir[64];

static char *pathf(const char *fmt, const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ % 8];
    char rel[256];
    snprintf(rel, sizeof rel, fmt, name);
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, rel);
    return p;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *b = malloc(1 << 22);
    *len = b ? fread(b, 1, 1 << 22, f) : 0;
    fclose(f);
    return b;
}

/* ---- a profile to export ---- */

typedef struct {
    hp_eq_export e;
    hp_grid g;
    double *buf;
} fixture;

static const hp_peq_filter left_filters[] = {
    {HP_BQ_LOWSHELF, 105, 0.7, 6.37},      {HP_BQ_PEAK, 27.318, 3.2714, 1.2345},
    {HP_BQ_PEAK, 1999.996, 0.33333, -4.4444}, {HP_BQ_PEAK, 5837.2, 5.42, -2.9},
    {HP_BQ_HIGHSHELF, 10000, 0.7, -3.14159},
};
static const hp_peq_filter right_filters[] = {
    {HP_BQ_LOWSHELF, 105, 0.7, 4},
    {HP_BQ_PEAK, 3000, 2, 5.5},
    {HP_BQ_PEAK, 7200, 4, -5},
};

static int make_fixture(fixture *x, unsigned nch, size_t taps)
{
    memset(x, 0, sizeof *x);
    if (hp_grid_autoeq(&x->g) != HP_OK)
        return 0;
    size_t n = x->g.n;
    x->buf = calloc(14 * n, sizeof *x->buf);
    if (!x->buf)
        return 0;
    hp_eq_export *e = &x->e;
    e->name = "Test \"HP\"";
    e->rate_hz = 48000;
    e->nch = nch;
    e->n = n;
    e->freq = x->g.f_hz;
    e->fir_taps = taps;
    for (unsigned c = 0; c < nch; c++) {
        hp_peq *p = &e->peq[c];
        const hp_peq_filter *src = c ? right_filters : left_filters;
        p->n = c ? sizeof right_filters / sizeof *src : sizeof left_filters / sizeof *src;
        memcpy(p->f, src, p->n * sizeof *src);
        if (hp_peq_auto_preamp(p, 48000, &p->preamp_db) != HP_OK)
            return 0;
        double *col[7];
        for (int k = 0; k < 7; k++)
            col[k] = x->buf + (c * 7 + (unsigned)k) * n;
        hp_peq filters = *p;
        filters.preamp_db = 0;
        if (hp_peq_response_db(&filters, 48000, x->g.f_hz, n, col[5]) != HP_OK)
            return 0;
        for (size_t i = 0; i < n; i++) {
            double lf = log2(x->g.f_hz[i] / 1000);
            col[0][i] = 2 * cos(lf) + c;
            col[1][i] = 1.5 * cos(lf);
            col[3][i] = -0.3 * lf;
            col[2][i] = col[1][i] - col[3][i];
            col[4][i] = fmin(col[5][i] + 0.25 * sin(3 * lf), 6);
            col[6][i] = col[0][i] + col[5][i];
        }
        e->raw[c] = col[0], e->smoothed[c] = col[1], e->error[c] = col[2];
        e->target[c] = col[3], e->equalization[c] = col[4], e->parametric_eq[c] = col[5];
        e->equalized_raw[c] = col[6];
    }
    return 1;
}

static void free_fixture(fixture *x)
{
    free(x->buf);
    hp_grid_release(&x->g);
}

/* The largest level of p (preamp included) over DC..Nyquist, densely. */
static double peak_db(const hp_peq *p, double rate)
{
    hp_cascade c;
    if (hp_peq_cascade(p, rate, &c) != HP_OK)
        return INFINITY;
    double m = 20 * log10(cabs(hp_cascade_response(&c, 0)));
    for (double f = 1; f <= rate / 2; f *= 1.0005)
        m = fmax(m, 20 * log10(cabs(hp_cascade_response(&c, f))));
    return m;
}

/* Largest |a - b| of two profiles' curves (preamps left out), 20 Hz-20 kHz. */
static double curve_diff(const hp_peq *a, const hp_peq *b)
{
    hp_peq x = *a, y = *b;
    x.preamp_db = y.preamp_db = 0;
    hp_cascade ca, cb;
    if (hp_peq_cascade(&x, 48000, &ca) != HP_OK || hp_peq_cascade(&y, 48000, &cb) != HP_OK)
        return INFINITY;
    double m = 0;
    for (double f = 20; f <= 20000; f *= 1.002)
        m = fmax(m, fabs(20 * log10(cabs(hp_cascade_response(&ca, f)) / cabs(hp_cascade_response(&cb, f)))));
    return m;
}

/* ---- tests ---- */

static void test_formats_list(void)
{
    unsigned m = 0;
    CHECK(hp_eqx_parse_formats("all", &m) == HP_OK && m == HP_EQX_ALL);
    CHECK(hp_eqx_parse_formats("apo,fir", &m) == HP_OK && m == (HP_EQX_APO | HP_EQX_FIR));
    CHECK(hp_eqx_parse_formats("camilladsp", &m) == HP_OK && m == HP_EQX_CAMILLA);
    CHECK(hp_eqx_parse_formats("apo-rates,apo", &m) == HP_OK && m == (HP_EQX_APO_RATES | HP_EQX_APO));
    CHECK(hp_eqx_parse_formats("apo,", &m) == HP_EINVAL);
    CHECK(hp_eqx_parse_formats(",apo", &m) == HP_EINVAL);
    CHECK(hp_eqx_parse_formats("apo,,fir", &m) == HP_EINVAL);
    CHECK(hp_eqx_parse_formats("wav", &m) == HP_EINVAL);
    CHECK(hp_eqx_parse_formats("", &m) == HP_EINVAL);
    CHECK(hp_eqx_parse_formats(NULL, &m) == HP_EINVAL);
    CHECK(hp_eqx_parse_formats("all", NULL) == HP_EINVAL);
}

/* ParametricEQ.txt read back: the same filters to the written digits, a curve within
 * 0.01 dB of the fit's, and a preamp that keeps every frequency at or below 0 dBFS. */
static void check_apo(const fixture *x, const char *dir)
{
    char p[600];
    snprintf(p, sizeof p, "%s/ParametricEQ.txt", dir);
    size_t len;
    char *b = slurp(p, &len);
    hp_apo_profile prof;
    hp_diag d;
    CHECK(b && hp_apo_parse(b, len, &prof, &d) == HP_OK);
    free(b);
    CHECK(prof.nch == x->e.nch);
    for (unsigned c = 0; c < x->e.nch && c < prof.nch; c++) {
        const hp_peq *w = &x->e.peq[c], *r = &prof.peq[c];
        CHECK(r->n == w->n);
        for (size_t k = 0; k < r->n && k < w->n; k++) {
            CHECK(r->f[k].type == w->f[k].type);
            CHECK_NEAR(r->f[k].fc_hz, w->f[k].fc_hz, 0.005 + 1e-9);
            CHECK_NEAR(r->f[k].q, w->f[k].q, 0.0005 + 1e-12);
            CHECK_NEAR(r->f[k].gain_db, w->f[k].gain_db, 0.005 + 1e-12);
        }
        CHECK_NEAR(curve_diff(r, w), 0, 0.01);
        CHECK(peak_db(r, 48000) <= 1e-6);
        /* the fit's preamp, rounded down; with two ears the lower one for both */
        double want = x->e.nch == 2 ? fmin(x->e.peq[0].preamp_db, x->e.peq[1].preamp_db) : w->preamp_db;
        CHECK(r->preamp_db <= want + 1e-12);
        CHECK(r->preamp_db >= want - 0.02);
    }
    if (prof.nch == 2)
        CHECK(prof.peq[0].preamp_db == prof.peq[1].preamp_db);
}

/* rew.txt read back through hpfr's REW text reader (as REW's own exports are read): the
 * response of the profile as ParametricEQ.txt carries it, preamp included, at every point. */
static void check_rew(const fixture *x, const char *dir)
{
    char p[600];
    snprintf(p, sizeof p, "%s/ParametricEQ.txt", dir);
    size_t len;
    char *b = slurp(p, &len);
    hp_apo_profile prof;
    hp_diag d;
    CHECK(b && hp_apo_parse(b, len, &prof, &d) == HP_OK);
    free(b);
    for (unsigned c = 0; c < x->e.nch; c++) {
        snprintf(p, sizeof p, "%s/rew%s.txt", dir, x->e.nch == 1 ? "" : c ? "-R" : "-L");
        hp_frcurve r;
        CHECK(hp_fr_read(p, &r, &d) == HP_OK);
        CHECK(r.n > 400 && r.f_hz[0] == 20 && r.f_hz[r.n - 1] <= 20000);
        double worst = 0;
        for (size_t i = 0; i < r.n; i++) {
            double v;
            CHECK(hp_peq_response_db(&prof.peq[c], 48000, &r.f_hz[i], 1, &v) == HP_OK);
            worst = fmax(worst, fabs(v - r.db[i]));
        }
        CHECK_NEAR(worst, 0, 0.001);
        hp_frcurve_release(&r);
    }
}

static void check_csv(const fixture *x, const char *dir)
{
    static const char *const names[7] = {"raw", "smoothed", "error", "target", "equalization",
                                         "parametric_eq", "equalized_raw"};
    for (unsigned c = 0; c < x->e.nch; c++) {
        char p[600];
        snprintf(p, sizeof p, "%s/eq%s.csv", dir, x->e.nch == 1 ? "" : c ? "-R" : "-L");
        size_t len;
        char *b = slurp(p, &len);
        static const char head[] =
            "frequency,raw,smoothed,error,target,equalization,parametric_eq,equalized_raw\n";
        CHECK(b && len > sizeof head && !memcmp(b, head, sizeof head - 1));
        hp_eqcsv t;
        hp_diag d;
        CHECK(b && hp_eqcsv_parse(b, len, &t, &d) == HP_OK);
        free(b);
        CHECK(t.n == x->e.n && t.ncol == 8);
        const double *cols[7] = {x->e.raw[c], x->e.smoothed[c], x->e.error[c], x->e.target[c],
                                 x->e.equalization[c], x->e.parametric_eq[c], x->e.equalized_raw[c]};
        double worst = 0;
        const double *fr = hp_eqcsv_get(&t, "frequency");
        for (size_t i = 0; fr && i < t.n && i < x->e.n; i++)
            worst = fmax(worst, fabs(fr[i] - x->e.freq[i]));
        for (int k = 0; k < 7; k++) {
            const double *v = hp_eqcsv_get(&t, names[k]);
            CHECK(v != NULL);
            for (size_t i = 0; v && i < t.n && i < x->e.n; i++)
                worst = fmax(worst, fabs(v[i] - cols[k][i]));
        }
        CHECK_NEAR(worst, 0, 0.005 + 1e-9);
        /* the parametric_eq column is the curve of the filters read from ParametricEQ.txt */
        hp_peq w = x->e.peq[c];
        w.preamp_db = 0;
        const double *pe = hp_eqcsv_get(&t, "parametric_eq");
        double m = 0;
        for (size_t i = 0; pe && i < t.n; i++) {
            double v;
            if (hp_peq_response_db(&w, 48000, &t.col[0][i], 1, &v) == HP_OK)
                m = fmax(m, fabs(v - pe[i]));
        }
        CHECK_NEAR(m, 0, 0.015);
        hp_eqcsv_release(&t);
    }
}

static void check_graphic(const fixture *x, const char *dir)
{
    char p[600];
    snprintf(p, sizeof p, "%s/GraphicEQ.txt", dir);
    size_t len;
    char *b = slurp(p, &len);
    CHECK(b != NULL);
    if (!b)
        return;
    b[len < (1 << 22) ? len : len - 1] = '\0';
    double top = -INFINITY;
    for (unsigned c = 0; c < x->e.nch; c++)
        for (size_t i = 0; i < x->e.n; i++)
            top = fmax(top, x->e.equalization[c][i]);
    char *s = b;
    for (unsigned c = 0; c < x->e.nch; c++) {
        s = strstr(s, "GraphicEQ: ");
        CHECK(s != NULL);
        if (!s)
            break;
        s += 11;
        double f, v, hi = -INFINITY, prev = 0, worst = 0;
        int n = 0, k;
        while (sscanf(s, "%lf %lf%n", &f, &v, &k) == 2) {
            CHECK(f > prev);
            prev = f;
            hi = fmax(hi, v);
            /* the equalization curve at this frequency, shifted so its top is -0.2 dB */
            size_t i = 0;
            while (i + 2 < x->e.n && x->e.freq[i + 1] < f)
                i++;
            double t = fmin(fmax(log(f / x->e.freq[i]) / log(x->e.freq[i + 1] / x->e.freq[i]), 0), 1);
            double want = x->e.equalization[c][i] + t * (x->e.equalization[c][i + 1] - x->e.equalization[c][i]);
            worst = fmax(worst, fabs(v - (want - top - 0.2)));
            n++;
            s += k;
            if (*s != ';')
                break;
            s++;
        }
        CHECK(n == 127);
        CHECK(prev == 20000);
        CHECK_NEAR(worst, 0, 0.05 + 1e-9);
        if (x->e.nch == 1)
            CHECK_NEAR(hi, -0.2, 1e-12);
    }
    free(b);
}

/* Ten FIR files per ear, mono float at their rate, of the scaled length, all at one level. */
static void check_fir(const fixture *x, const char *dir)
{
    static const double rates[5] = {44100, 48000, 88200, 96000, 192000};
    static const size_t taps[5] = {3763, 4096, 7526, 8192, 16384};
    double ref = NAN, worst = 0;
    for (unsigned c = 0; c < x->e.nch; c++)
        for (int ph = 0; ph < 2; ph++)
            for (int r = 0; r < 5; r++) {
                char p[600];
                snprintf(p, sizeof p, "%s/fir-%s-%.0f%s.wav", dir, ph ? "linear" : "minimum",
                         rates[r], x->e.nch == 1 ? "" : c ? "-R" : "-L");
                hp_audio a;
                hp_diag d;
                CHECK(hp_audio_read(p, &a, &d) == HP_OK);
                CHECK(a.channels == 1 && a.rate_hz == rates[r]);
                CHECK(a.frames == (ph ? taps[r] - (taps[r] % 2 == 0) : taps[r]));
                if (a.data && c == 0) {
                    /* level at 1 kHz, by the DTFT */
                    double complex acc = 0;
                    for (size_t k = 0; k < a.frames; k++)
                        acc += a.data[k] * cexp(CMPLX(0, -2 * M_PI * 1000 * (double)k / rates[r]));
                    double v = 20 * log10(cabs(acc));
                    if (isnan(ref))
                        ref = v;
                    worst = fmax(worst, fabs(v - ref));
                }
                hp_audio_release(&a);
            }
    CHECK_NEAR(worst, 0, 0.01);
}

static void check_easyeffects(const fixture *x, const char *dir)
{
    char p[600];
    snprintf(p, sizeof p, "%s/easyeffects.json", dir);
    size_t len;
    char *b = slurp(p, &len);
    hp_err err;
    hp_diag d;
    hp_jval *root = b ? hp_json_parse(b, len, &err, &d) : NULL;
    free(b);
    CHECK(root != NULL);
    const hp_jval *eq = hp_json_get(hp_json_get(root, "output"), "equalizer#0");
    CHECK(hp_json_as_bool(hp_json_get(eq, "split-channels"), -1) == (x->e.nch == 2));
    CHECK_NEAR(hp_json_as_num(hp_json_get(eq, "input-gain"), 99), x->e.peq[0].preamp_db, 0.05);
    for (unsigned c = 0; c < x->e.nch; c++) {
        const hp_jval *side = hp_json_get(eq, c ? "right" : "left");
        for (size_t k = 0; k < x->e.peq[c].n; k++) {
            char band[32];
            snprintf(band, sizeof band, "band%zu", k);
            const hp_jval *bj = hp_json_get(side, band);
            const hp_peq_filter *f = &x->e.peq[c].f[k];
            CHECK_NEAR(hp_json_as_num(hp_json_get(bj, "frequency"), 0), f->fc_hz, 0.005 + 1e-9);
            CHECK_NEAR(hp_json_as_num(hp_json_get(bj, "q"), 0), f->q, 0.0005 + 1e-12);
            CHECK_NEAR(hp_json_as_num(hp_json_get(bj, "gain"), 0), f->gain_db, 0.005 + 1e-12);
            const char *ty = hp_json_as_str(hp_json_get(bj, "type"));
            CHECK(ty && !strcmp(ty, f->type == HP_BQ_PEAK ? "Bell" : f->type == HP_BQ_LOWSHELF ? "Lo-shelf" : "Hi-shelf"));
            const char *mode = hp_json_as_str(hp_json_get(bj, "mode"));
            CHECK(mode && !strcmp(mode, "APO (DR)"));
        }
    }
    hp_json_free(root);
}

/* Largest |a at rate_a - b at rate_b| (preamps left out), 20 Hz-16 kHz every 0.1%. */
static double rate_diff(const hp_peq *a, double ra, const hp_peq *b, double rb)
{
    hp_peq x = *a, y = *b;
    x.preamp_db = y.preamp_db = 0;
    hp_cascade ca, cb;
    if (hp_peq_cascade(&x, ra, &ca) != HP_OK || hp_peq_cascade(&y, rb, &cb) != HP_OK)
        return INFINITY;
    double m = 0;
    for (double f = 20; f <= 16000; f *= 1.001)
        m = fmax(m, fabs(20 * log10(cabs(hp_cascade_response(&ca, f)) / cabs(hp_cascade_response(&cb, f)))));
    return m;
}

/* ParametricEQ-rates.txt read as EqualizerAPO reads it at each rate: the set it picks keeps
 * the curve of the design rate within the spec's 0.05 dB up to 16 kHz, every rate and ear
 * has the same preamp, and none boosts above 0 dBFS. Rates it does not list get the design
 * rate's set. */
static void test_rates_file(unsigned nch)
{
    static const double rates[5] = {44100, 48000, 88200, 96000, 192000};
    fixture x;
    CHECK(make_fixture(&x, nch, 0));
    hp_eq_export *e = &x.e;
    e->nrates = 5;
    for (size_t k = 0; k < 5; k++) {
        e->rates_hz[k] = rates[k];
        for (unsigned c = 0; c < nch; c++)
            CHECK(hp_peq_redesign(&e->peq[c], 48000, rates[k], 16000, 0.04, 2,
                                  &e->rate_peq[c][k], NULL) == HP_OK);
    }
    char *dir = pathf("rates%s", nch == 1 ? "1" : "2");
    char why[512];
    CHECK(hp_eqx_write(dir, e, HP_EQX_APO_RATES, why, sizeof why) == HP_OK);
    CHECK(count_entries(dir) == 1);
    char p[600];
    snprintf(p, sizeof p, "%s/ParametricEQ-rates.txt", dir);
    size_t len;
    char *b = slurp(p, &len);
    CHECK(b != NULL);
    double worst = 0, pre = NAN;
    static const double asked[6] = {44100, 48000, 88200, 96000, 192000, 32000};
    for (size_t k = 0; b && k < 6; k++) {
        hp_apo_profile prof;
        hp_diag d;
        CHECK(hp_apo_parse_rate(b, len, asked[k], &prof, &d) == HP_OK);
        CHECK(prof.nch == nch);
        double design = k < 5 ? asked[k] : 48000; /* unlisted: the 48 kHz set, designed there */
        for (unsigned c = 0; c < nch && c < prof.nch; c++) {
            if (k == 0 && c == 0)
                pre = prof.peq[c].preamp_db;
            CHECK(prof.peq[c].preamp_db == pre);
            CHECK(prof.peq[c].n >= e->peq[c].n && prof.peq[c].n <= e->peq[c].n + 2);
            CHECK(peak_db(&prof.peq[c], design) <= 1e-6);
            double m = rate_diff(&prof.peq[c], design, &e->peq[c], 48000);
            CHECK(m <= 0.05);
            worst = fmax(worst, m);
        }
    }
    printf("ParametricEQ-rates.txt (%u ear%s) read at each rate: within %.4f dB of the 48 kHz "
           "design up to 16 kHz\n", nch, nch == 1 ? "" : "s", worst);
    /* without a rate the If blocks are refused, not merged */
    hp_apo_profile prof;
    hp_diag d;
    CHECK(b && hp_apo_parse(b, len, &prof, &d) == HP_EPARSE && d.line == 4);
    free(b);
    /* the design rate's own set is the fit, rounded; no sets: no file */
    e->nrates = 0;
    char *none = pathf("norates%s", nch == 1 ? "1" : "2");
    CHECK(hp_eqx_write(none, e, HP_EQX_APO | HP_EQX_APO_RATES, why, sizeof why) == HP_OK);
    CHECK(count_entries(none) == 1);
    /* a bad set is refused with a reason */
    e->nrates = 5;
    e->rate_peq[0][2].f[0].fc_hz = 50000;
    CHECK(hp_eqx_write(pathf("badrates%s", nch == 1 ? "1" : "2"), e, HP_EQX_ALL, why,
                       sizeof why) == HP_EINVAL && strstr(why, "88200"));
    e->rate_peq[0][2].f[0].fc_hz = 100;
    e->rates_hz[3] = 44100;
    CHECK(hp_eqx_write(pathf("badrates%s", nch == 1 ? "1" : "2"), e, HP_EQX_ALL, why,
                       sizeof why) == HP_EINVAL && strstr(why, "both"));
    free_fixture(&x);
}

static void test_round_trip(unsigned nch)
{
    fixture x;
    CHECK(make_fixture(&x, nch, 4096));
    char *dir = pathf("out%s", nch == 1 ? "1" : "2");
    char why[512];
    CHECK(hp_eqx_write(dir, &x.e, HP_EQX_ALL, why, sizeof why) == HP_OK);
    check_apo(&x, dir);
    check_csv(&x, dir);
    check_graphic(&x, dir);
    check_fir(&x, dir);
    check_easyeffects(&x, dir);
    check_rew(&x, dir);
    /* 8 text files (csv and rew per ear) and 10 FIRs per ear */
    CHECK(count_entries(dir) == (nch == 1 ? 8 + 10 : 10 + 20));
    /* a subset: only what was asked for; no FIR without taps */
    char *sub = pathf("sub%s", nch == 1 ? "1" : "2");
    x.e.fir_taps = 0;
    CHECK(hp_eqx_write(sub, &x.e, HP_EQX_APO | HP_EQX_PIPEWIRE | HP_EQX_FIR, why, sizeof why) == HP_OK);
    CHECK(count_entries(sub) == 2);
    free_fixture(&x);
}

/* Bad profiles are refused before anything is written, with a reason; a failure while
 * writing leaves no new file behind. */
static void test_failures(void)
{
    fixture x;
    CHECK(make_fixture(&x, 1, 4096));
    char why[512];
    char *dir = pathf("%s", "bad");
    hp_eq_export e = x.e;
    e.nch = 3;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_ALL, why, sizeof why) == HP_EINVAL && strstr(why, "channels"));
    e = x.e;
    e.rate_hz = 0;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_ALL, why, sizeof why) == HP_EINVAL && strstr(why, "rate"));
    e = x.e;
    e.peq[0].f[0].fc_hz = 30000;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_ALL, why, sizeof why) == HP_EINVAL && strstr(why, "filter"));
    e = x.e;
    e.fir_taps = 5;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_ALL, why, sizeof why) == HP_EINVAL && strstr(why, "FIR"));
    e = x.e;
    double saved = x.buf[10];
    x.buf[10] = NAN;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_ALL, why, sizeof why) == HP_EINVAL && strstr(why, "NaN"));
    x.buf[10] = saved;
    e = x.e;
    e.freq = NULL;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_CSV, why, sizeof why) == HP_EINVAL);
    e.fir_taps = 0;
    CHECK(hp_eqx_write(dir, &e, HP_EQX_APO | HP_EQX_GRAPHIC, why, sizeof why) == HP_OK);
    CHECK(count_entries(dir) == 2); /* GraphicEQ from the filters when there are no curves */
    rm_rf(dir);
    struct stat st;
    CHECK(stat(dir, &st) != 0);
    CHECK(hp_eqx_write(NULL, &x.e, HP_EQX_ALL, why, sizeof why) == HP_EINVAL);
    CHECK(hp_eqx_write(dir, NULL, HP_EQX_ALL, why, sizeof why) == HP_EINVAL);
    CHECK(hp_eqx_write(dir, &x.e, 1u << 20, why, sizeof why) == HP_EINVAL);
    /* a directory in the way of eq.csv: nothing else appears either */
    CHECK(mkdir(dir, 0777) == 0);
    CHECK(mkdir(pathf("bad/%s", "eq.csv"), 0777) == 0);
    CHECK(hp_eqx_write(dir, &x.e, HP_EQX_ALL, why, sizeof why) == HP_EIO && strstr(why, "eq.csv"));
    CHECK(count_entries(dir) == 1);
    /* the target is a file */
    FILE *f = fopen(pathf("%s", "plain"), "w");
    if (f)
        fclose(f);
    CHECK(hp_eqx_write(pathf("%s", "plain"), &x.e, HP_EQX_APO, why, sizeof why) == HP_EIO);
    CHECK(strstr(why, "plain") != NULL);
    free_fixture(&x);
}

static void test_apo_reader(void)
{
    hp_apo_profile p;
    hp_diag d;
    /* AutoEq's own file */
    size_t len;
    const char *dd = getenv("HPFR_AUTOEQ_DEV");
    char path[512];
    snprintf(path, sizeof path, "%s/peq/over-ear/AKG K701 ParametricEQ.txt",
             dd ? dd : "tests/data/autoeq-dev");
    char *b = slurp(path, &len);
    CHECK(b && hp_apo_parse(b, len, &p, &d) == HP_OK);
    free(b);
    CHECK(p.nch == 1 && p.peq[0].n == 10);
    CHECK_NEAR(p.peq[0].preamp_db, -6.1, 1e-12);
    CHECK(p.peq[0].f[0].type == HP_BQ_LOWSHELF && p.peq[0].f[5].type == HP_BQ_HIGHSHELF);
    CHECK_NEAR(p.peq[0].f[1].fc_hz, 131, 0);
    CHECK_NEAR(p.peq[0].f[1].gain_db, -4.1, 1e-12);
    CHECK_NEAR(p.peq[0].f[1].q, 0.21, 1e-12);
    /* channels, a shared line before them, OFF filters, comments, CRLF, no filter number */
    const char *t = "# comment\r\nPreamp: -1 dB\r\nFilter: ON PK Fc 100 Hz Gain 1 dB Q 1\r\n"
                    "Channel: L\r\nPreamp: -2.5 dB\r\nFilter 2: OFF PK Fc 200 Hz Gain 1 dB Q 1\r\n"
                    "Channel: R\nFilter 3: ON HSC Fc 8000 Hz Gain -2 dB Q 0.7\nDevice: x\n";
    CHECK(hp_apo_parse(t, strlen(t), &p, &d) == HP_OK);
    CHECK(p.nch == 2 && p.peq[0].n == 1 && p.peq[1].n == 2);
    CHECK_NEAR(p.peq[0].preamp_db, -3.5, 1e-12);
    CHECK_NEAR(p.peq[1].preamp_db, -1, 1e-12);
    CHECK(p.peq[1].f[1].type == HP_BQ_HIGHSHELF);
    /* malformed lines: refused with their line */
    static const struct {
        const char *text;
        long line;
    } bad[] = {
        {"Preamp: -1 dB\nFilter 1: ON PK Fc 100 Hz Gain 1 dB BW Oct 1\n", 2},
        {"Filter 1: ON LP Fc 100 Hz Gain 1 dB Q 1\n", 1},
        {"\n\nFilter 1: ON PK Fc abc Hz Gain 1 dB Q 1\n", 3},
        {"Filter 1: ON PK Fc 100 Hz Gain 1 dB Q 0\n", 1},
        {"Preamp: -1,5 dB\n", 1},
        {"Channel: C\n", 1},
        {"Filter 1: MAYBE PK Fc 100 Hz Gain 1 dB Q 1\n", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(hp_apo_parse(bad[i].text, strlen(bad[i].text), &p, &d) == HP_EPARSE);
        CHECK(d.line == bad[i].line && d.reason[0]);
    }
    /* If blocks at a rate, as EqualizerAPO reads them */
    const char *cond = "Preamp: -1 dB\nIf: sampleRate == 44100\nFilter: ON PK Fc 100 Hz Gain 1 dB Q 1\n"
                       "ElseIf: sampleRate == 96000\nFilter: ON PK Fc 200 Hz Gain 2 dB Q 1\n"
                       "Else:\nFilter: ON PK Fc 300 Hz Gain 3 dB Q 1\nEndIf:\n"
                       "Filter: ON PK Fc 400 Hz Gain 4 dB Q 1\n";
    static const double at[3] = {44100, 96000, 48000}, fc[3] = {100, 200, 300};
    for (int i = 0; i < 3; i++) {
        CHECK(hp_apo_parse_rate(cond, strlen(cond), at[i], &p, &d) == HP_OK);
        CHECK(p.nch == 1 && p.peq[0].n == 2 && p.peq[0].f[0].fc_hz == fc[i] &&
              p.peq[0].f[1].fc_hz == 400 && p.peq[0].preamp_db == -1);
    }
    static const struct {
        const char *text;
        long line;
    } badif[] = {
        {"If: sampleRate == 44100\nFilter: ON PK Fc 1 Hz Gain 1 dB Q 1\n", 2},
        {"EndIf:\n", 1},
        {"ElseIf: sampleRate == 1\n", 1},
        {"If: sampleRate > 44100\nEndIf:\n", 1},
        {"If: sampleRate == 1\nIf: sampleRate == 2\n", 2},
        {"If: sampleRate == 1\nElse: x\nEndIf:\n", 2},
    };
    for (size_t i = 0; i < sizeof badif / sizeof badif[0]; i++) {
        CHECK(hp_apo_parse_rate(badif[i].text, strlen(badif[i].text), 48000, &p, &d) == HP_EPARSE);
        CHECK(d.line == badif[i].line && d.reason[0]);
    }
    CHECK(hp_apo_parse_rate(cond, strlen(cond), -1, &p, &d) == HP_EINVAL);
    CHECK(hp_apo_parse("# nothing\n", 10, &p, &d) == HP_ENODATA);
    CHECK(hp_apo_parse(NULL, 3, &p, &d) == HP_EINVAL);
    CHECK(hp_apo_parse("", 0, NULL, &d) == HP_EINVAL);
}

static void test_csv_reader(void)
{
    hp_eqcsv t;
    hp_diag d;
    const char *ok = "frequency,raw\n20,1.5\n30,-2\n";
    CHECK(hp_eqcsv_parse(ok, strlen(ok), &t, &d) == HP_OK && t.n == 2 && t.ncol == 2);
    CHECK(hp_eqcsv_get(&t, "raw") && hp_eqcsv_get(&t, "raw")[1] == -2);
    CHECK(hp_eqcsv_get(&t, "target") == NULL);
    hp_eqcsv_release(&t);
    static const struct {
        const char *text;
        long line;
    } bad[] = {
        {"freq,raw\n20,1\n30,2\n", 1},
        {"frequency,raw\n20,1\n20,2\n", 3},
        {"frequency,raw\n20,1\n30\n", 3},
        {"frequency,raw\n20,1\n30,2,3\n", 3},
        {"frequency,raw\n20,x\n30,2\n", 2},
        {"frequency,,raw\n20,1,1\n", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(hp_eqcsv_parse(bad[i].text, strlen(bad[i].text), &t, &d) == HP_EPARSE);
        CHECK(d.line == bad[i].line);
        CHECK(t.col[0] == NULL);
    }
    CHECK(hp_eqcsv_parse("frequency,raw\n20,1\n", 19, &t, &d) == HP_ENODATA);
    hp_eqcsv_release(NULL);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hpfr-eqx-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_formats_list();
    test_round_trip(1);
    test_round_trip(2);
    test_rates_file(1);
    test_rates_file(2);
    test_failures();
    test_apo_reader();
    test_csv_reader();
    rm_rf(tmpdir);
    T_DONE();
}
