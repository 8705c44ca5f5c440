/* SPDX-License-Identifier: MIT */
/* plots/ building blocks and the DSP they use: CSV tables and EqualizerAPO files with the
 * lines of their errors, gnuplot string quoting, curve helpers and the leak models against
 * closed forms, the FIR response against closed forms and the FFT, the analytic envelope
 * against a Gaussian burst (Bedrosian), axis ranges, data and script text, and rendering
 * through gnuplot with its failures (missing program, error exit, no output). */
#include "t.h"
#include <complex.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dsp/dtft.h"
#include "dsp/envelope.h"
#include "dsp/fft.h"
#include "dsp/grid.h"
#include "dsp/rigmodel.h"
#include "plots/apo.h"
#include "plots/gpwrite.h"
#include "plots/pcurve.h"
#include "plots/pfig.h"
#include "plots/ptable.h"
#include "plots/render.h"
#include "plots/sbuf.h"

static char tmpdir[64];

static char *pathf(const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* ---- tables ---- */

static hp_err parse(const char *s, hp_ptable *t, hp_diag *d)
{
    return hp_ptable_parse(s, strlen(s), t, d);
}

static void test_ptable(void)
{
    static const char ok[] = "\xEF\xBB\xBF"
                             "frequency, raw ,smoothed\r\n20,1.5,nan\r\n\r\n30,-inf,\n40,2e1,INF\n";
    hp_ptable t;
    hp_diag d;
    CHECK(parse(ok, &t, &d) == HP_OK);
    CHECK(t.ncols == 3 && t.nrows == 3);
    CHECK(hp_ptable_find(&t, "RAW") == 1 && hp_ptable_find(&t, "phase") == -1);
    double v[3];
    CHECK(hp_ptable_numbers(&t, 1, v, &d) == HP_OK);
    CHECK(v[0] == 1.5 && isinf(v[1]) && v[1] < 0 && v[2] == 20);
    CHECK(hp_ptable_numbers(&t, 2, v, &d) == HP_OK);
    CHECK(isnan(v[0]) && isnan(v[1]) && isinf(v[2]) && v[2] > 0);
    CHECK(t.line[0] == 2 && t.line[1] == 4 && t.line[2] == 5);
    CHECK(!strcmp(hp_ptable_cell(&t, 1, 0), "30") && hp_ptable_cell(&t, 3, 0) == NULL);
    hp_ptable_release(&t);

    static const struct {
        const char *text;
        hp_err err;
        long line;
        const char *reason;
    } bad[] = {
        {"a,b\n1,2\n3\n", HP_EPARSE, 3, "1 field where the header has 2"},
        {"a,b\n1,2,3\n", HP_EPARSE, 2, "more than 2 fields"},
        {"a,A\n1,2\n", HP_EPARSE, 1, "both called"},
        {"a,,b\n1,2,3\n", HP_EPARSE, 1, "column 2 has no name"},
        {"", HP_ENODATA, -1, "empty file"},
        {"\n \n", HP_ENODATA, -1, "empty file"},
        {"a,b\n\n", HP_ENODATA, -1, "no data rows"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hp_err e = parse(bad[i].text, &t, &d);
        CHECK(e == bad[i].err);
        CHECK(d.line == bad[i].line);
        CHECK(strstr(d.reason, bad[i].reason) != NULL);
        if (e != bad[i].err || !strstr(d.reason, bad[i].reason) || d.line != bad[i].line)
            fprintf(stderr, "  case %zu: %s (line %ld)\n", i, d.reason, d.line);
        CHECK(t.nrows == 0 && t.text == NULL);
    }
    static const char nul[] = "a,b\n1,2\0\n";
    CHECK(hp_ptable_parse(nul, sizeof nul - 1, &t, &d) == HP_EPARSE && d.line == 2);

    /* a cell that is not a number: its line, its column in characters, its text */
    CHECK(parse("a,b\n1,2\n\xC3\xA9,  x7\n", &t, &d) == HP_OK);
    CHECK(hp_ptable_numbers(&t, 1, v, &d) == HP_EPARSE);
    CHECK(d.line == 3 && d.column == 5);
    CHECK(strstr(d.reason, "column b") && strstr(d.reason, "'x7'"));
    CHECK(hp_ptable_numbers(&t, 0, v, &d) == HP_EPARSE && d.line == 3 && d.column == 1);
    CHECK(hp_ptable_numbers(&t, 2, v, &d) == HP_EINVAL);
    hp_ptable_release(&t);
    CHECK(hp_ptable_parse(NULL, 3, &t, &d) == HP_EINVAL);
    CHECK(hp_ptable_parse("a", 1, NULL, &d) == HP_EINVAL);
    hp_ptable_release(NULL);
}

/* ---- gnuplot strings ---- */

static int quoted_is(const char *in, const char *want)
{
    hp_sbuf b = {0};
    hp_sbuf_gpstr(&b, in);
    int ok = hp_sbuf_err(&b) == HP_OK && b.p && !strcmp(b.p, want);
    if (!ok)
        fprintf(stderr, "  gpstr(%s) = %s\n", in ? in : "NULL", b.p ? b.p : "(null)");
    hp_sbuf_release(&b);
    return ok;
}

static void test_gpstr(void)
{
    CHECK(quoted_is("plain", "'plain'"));
    CHECK(quoted_is("it's", "'it''s'"));
    CHECK(quoted_is("'", "''''"));
    CHECK(quoted_is("a\nb\tc\rd", "'a b c d'"));
    CHECK(quoted_is("\\n @x &y {z} ^_ \"q\"", "'\\n @x &y {z} ^_ \"q\"'"));
    CHECK(quoted_is("caf\xC3\xA9 \xE2\x80\x94", "'caf\xC3\xA9 \xE2\x80\x94'"));
    CHECK(quoted_is("bad\xFF", "'bad\xEF\xBF\xBD'"));
    CHECK(quoted_is("\xC3", "'\xEF\xBF\xBD'"));
    CHECK(quoted_is("\xEF\xBF\xBE", "'\xEF\xBF\xBD'"));
    CHECK(quoted_is(NULL, "''"));
    hp_sbuf b = {0};
    hp_sbuf_num(&b, 0.1);
    hp_sbuf_puts(&b, " ");
    hp_sbuf_num(&b, -1e-300);
    CHECK(b.p && !strcmp(b.p, "0.1 -1e-300"));
    hp_sbuf_release(&b);
}

/* ---- EqualizerAPO ---- */

static void test_apo(void)
{
    static const char good[] = "# comment\n"
                               "Preamp: -6.2 dB\n"
                               "Filter 1: ON LSC Fc 105 Hz Gain 5.5 dB Q 0.70\r\n"
                               "Filter 2: OFF PK Fc 1000 Hz Gain 9 dB Q 1\n"
                               "  filter 10:  on  pk  fc 640 hz gain -4.5 db q 1.41  \n"
                               "Filter: ON HSC Fc 10000 Hz Gain -2 dB Q 0.7\n";
    hp_apo a;
    hp_diag d;
    CHECK(hp_plot_apo_parse(good, sizeof good - 1, &a, &d) == HP_OK);
    CHECK(a.nch == 1 && !strcmp(a.ch[0], "all"));
    CHECK(a.peq[0].preamp_db == -6.2 && a.peq[0].n == 3);
    CHECK(a.peq[0].f[0].type == HP_BQ_LOWSHELF && a.peq[0].f[0].fc_hz == 105 &&
          a.peq[0].f[0].gain_db == 5.5 && a.peq[0].f[0].q == 0.7);
    CHECK(a.peq[0].f[1].type == HP_BQ_PEAK && a.peq[0].f[1].fc_hz == 640 &&
          a.peq[0].f[1].gain_db == -4.5 && a.peq[0].f[1].q == 1.41);
    CHECK(a.peq[0].f[2].type == HP_BQ_HIGHSHELF && a.peq[0].f[2].fc_hz == 10000);

    static const char chans[] = "Preamp: -3 dB\n"
                                "Filter 1: ON PK Fc 50 Hz Gain 1 dB Q 1\n"
                                "Channel: L\n"
                                "Filter 2: ON PK Fc 100 Hz Gain 2 dB Q 1\n"
                                "Channel: R\n"
                                "Preamp: -4 dB\n"
                                "Filter 2: ON PK Fc 200 Hz Gain 3 dB Q 1\n";
    CHECK(hp_plot_apo_parse(chans, sizeof chans - 1, &a, &d) == HP_OK);
    CHECK(a.nch == 2 && !strcmp(a.ch[0], "L") && !strcmp(a.ch[1], "R"));
    CHECK(a.peq[0].preamp_db == -3 && a.peq[1].preamp_db == -4);
    CHECK(a.peq[0].n == 2 && a.peq[0].f[1].fc_hz == 100);
    CHECK(a.peq[1].n == 2 && a.peq[1].f[0].fc_hz == 50 && a.peq[1].f[1].fc_hz == 200);

    static const struct {
        const char *text;
        hp_err err;
        long line;
    } bad[] = {
        {"Preamp: -1 dB\nFilter 1: ON BP Fc 100 Hz Gain 1 dB Q 1\n", HP_EPARSE, 2},
        {"Preamp: x dB\n", HP_EPARSE, 1},
        {"\n\nFilter 1: ON PK Fc 100 Hz Gain 1 dB\n", HP_EPARSE, 3},
        {"Filter 1: ON PK Fc -100 Hz Gain 1 dB Q 1\n", HP_EPARSE, 1},
        {"Filter 1: ON PK Fc 100 kHz Gain 1 dB Q 1\n", HP_EPARSE, 1},
        {"Preamp: -1 dB\nGraphicEQ: 20 0; 20000 0\n", HP_EPARSE, 2},
        {"Channel: C\n", HP_EPARSE, 1},
        {"# nothing\n", HP_ENODATA, -1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hp_err e = hp_plot_apo_parse(bad[i].text, strlen(bad[i].text), &a, &d);
        CHECK(e == bad[i].err && d.line == bad[i].line && d.reason[0]);
        if (e != bad[i].err || d.line != bad[i].line)
            fprintf(stderr, "  apo case %zu: %d line %ld %s\n", i, e, d.line, d.reason);
    }
    char many[4096] = "";
    for (int i = 0; i < HP_PEQ_MAX + 1; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many),
                 "Filter %d: ON PK Fc 100 Hz Gain 1 dB Q 1\n", i + 1);
    CHECK(hp_plot_apo_parse(many, strlen(many), &a, &d) == HP_ERANGE && d.line == HP_PEQ_MAX + 1);
    CHECK(hp_plot_apo_parse(NULL, 1, &a, &d) == HP_EINVAL);
}

/* ---- curves and leak models ---- */

static void test_pcurve(void)
{
    hp_grid g = {0};
    CHECK(hp_grid_log(20, 20000, 3, &g) == HP_OK);
    double *lin = malloc(g.n * sizeof *lin), *wav = malloc(g.n * sizeof *wav);
    hp_grid fine = {0};
    CHECK(hp_grid_log(20, 20000, 48, &fine) == HP_OK);
    double *wf = malloc(fine.n * sizeof *wf);
    for (size_t i = 0; i < g.n; i++)
        lin[i] = 2 + 3 * log10(g.f_hz[i]);
    for (size_t i = 0; i < fine.n; i++)
        wf[i] = sin(log(fine.f_hz[i]));
    /* linear in log f: interpolation and the band mean are exact */
    CHECK_NEAR(hp_pcurve_at(g.f_hz, lin, g.n, 500), 2 + 3 * log10(500.0), 1e-12);
    CHECK_NEAR(hp_pcurve_at(g.f_hz, lin, g.n, 20), 2 + 3 * log10(20.0), 1e-12);
    CHECK(isnan(hp_pcurve_at(g.f_hz, lin, g.n, 19.9)) && isnan(hp_pcurve_at(g.f_hz, lin, g.n, 2e4 + 1)));
    CHECK_NEAR(hp_pcurve_band_mean(g.f_hz, lin, g.n, 300, 3000),
               2 + 3 * (log10(300.0) + log10(3000.0)) / 2, 1e-12);
    /* sin(ln f): mean over [lo, hi] in ln f is (cos ln lo - cos ln hi) / ln(hi/lo); the
     * trapezoids on a 1/48-octave grid are off by about h^2/12 = 1.7e-5 */
    double truth = (cos(log(300.0)) - cos(log(3000.0))) / log(10.0);
    CHECK_NEAR(hp_pcurve_band_mean(fine.f_hz, wf, fine.n, 300, 3000), truth, 5e-5);
    CHECK(isnan(hp_pcurve_band_mean(g.f_hz, lin, g.n, 10, 3000)));
    lin[5] = NAN;
    CHECK(isnan(hp_pcurve_band_mean(g.f_hz, lin, g.n, 20, 20000)));
    CHECK(hp_pcurve_same_grid(g.f_hz, g.n, g.f_hz, g.n) && !hp_pcurve_same_grid(g.f_hz, g.n, fine.f_hz, fine.n));

    /* second order: |H(f0)| = |1 - 1/(j/Q)| = sqrt(1 + Q^2); the -3 dB corner of the rig's
     * model is -3.0103 dB; far above f0 it is 0 dB */
    for (double q = 0.5; q <= 2; q += 0.5) {
        CHECK_NEAR(hp_pcurve_leak2_db(40, q, 40), 10 * log10(1 + q * q), 1e-12);
        CHECK_NEAR(hp_pcurve_leak2_db(40, q, hp_rig_leak2_corner_hz(40, q)), 10 * log10(0.5), 1e-9);
        CHECK_NEAR(hp_pcurve_leak2_db(40, q, 40e3), 0, 1e-5);
    }
    /* second order far below f0: H ~ s/(Q w0), 6 dB per octave */
    CHECK_NEAR(hp_pcurve_leak2_db(100, 0.7, 1) - hp_pcurve_leak2_db(100, 0.7, 0.5), 20 * log10(2.0), 1e-3);
    CHECK_NEAR(hp_pcurve_leak1_db(50, 50), 10 * log10(0.5), 1e-12);
    CHECK_NEAR(hp_pcurve_leak1_db(50, 5), 10 * log10(0.01 / 1.01), 1e-12);
    CHECK(isnan(hp_pcurve_leak2_db(0, 1, 10)) && isnan(hp_pcurve_leak2_db(10, NAN, 10)) &&
          isnan(hp_pcurve_leak1_db(-1, 10)));
    free(lin);
    free(wav);
    free(wf);
    hp_grid_release(&g);
    hp_grid_release(&fine);
}

/* ---- FIR response ---- */

static uint64_t rng_state = 0x1234567ULL;
static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0 - 0.5;
}

static void test_dtft(void)
{
    const double h2[2] = {1, 0.5};
    const double f[5] = {0, 20, 1000, 11025, 24000};
    double db[5];
    CHECK(hp_dtft_mag_db(h2, 2, 48000, f, 5, db) == HP_OK);
    for (int i = 0; i < 5; i++)
        CHECK_NEAR(db[i], 10 * log10(1.25 + cos(2 * M_PI * f[i] / 48000)), 1e-12);

    /* a long random FIR against its FFT at the bin frequencies */
    enum { N = 4096 };
    double *h = malloc(N * sizeof *h), fb[64], dbb[64];
    for (int k = 0; k < N; k++)
        h[k] = urand() * exp(-k / 800.0);
    hp_fft *fft = hp_fft_new(N, NULL);
    double complex *X = malloc((N / 2 + 1) * sizeof *X);
    CHECK(fft && X && hp_fft_forward(fft, h, X) == HP_OK);
    for (int i = 0; i < 64; i++)
        fb[i] = (double)(i * 31 + 1) * 48000.0 / N;
    CHECK(hp_dtft_mag_db(h, N, 48000, fb, 64, dbb) == HP_OK);
    double worst = 0;
    for (int i = 0; i < 64; i++)
        worst = fmax(worst, fabs(dbb[i] - 20 * log10(cabs(X[i * 31 + 1]))));
    CHECK(worst < 1e-9);
    if (worst >= 1e-9)
        fprintf(stderr, "  dtft vs fft: %g dB\n", worst);
    CHECK(hp_dtft_mag_db(h, 0, 48000, fb, 1, dbb) == HP_EINVAL);
    CHECK(hp_dtft_mag_db(h, N, 0, fb, 1, dbb) == HP_EINVAL);
    double nanf = NAN;
    CHECK(hp_dtft_mag_db(h, N, 48000, &nanf, 1, dbb) == HP_EINVAL);
    h[7] = NAN;
    CHECK(hp_dtft_mag_db(h, N, 48000, fb, 1, dbb) == HP_EINVAL);
    hp_fft_free(fft);
    free(X);
    free(h);
}

/* ---- envelope ---- */

static void test_envelope(void)
{
    /* a Gaussian burst on a carrier far above its bandwidth: the envelope is the Gaussian */
    enum { N = 4096 };
    double *x = malloc(N * sizeof *x), *env = malloc(N * sizeof *env), worst = 0;
    for (int k = 0; k < N; k++) {
        double g = exp(-0.5 * pow((k - 2048) / 300.0, 2));
        x[k] = 0.7 * g * cos(2 * M_PI * 0.1 * k + 0.3);
    }
    CHECK(hp_envelope(x, N, env) == HP_OK);
    for (int k = 0; k < N; k++)
        worst = fmax(worst, fabs(env[k] - 0.7 * exp(-0.5 * pow((k - 2048) / 300.0, 2))));
    CHECK(worst < 1e-9);
    if (worst >= 1e-9)
        fprintf(stderr, "  envelope error %g\n", worst);
    CHECK(hp_envelope(x, 1, env) == HP_EINVAL);
    CHECK(hp_envelope(x, N, x + 10) == HP_EINVAL);
    x[3] = INFINITY;
    CHECK(hp_envelope(x, N, env) == HP_EINVAL);
    free(x);
    free(env);
}

/* ---- figures, data and scripts ---- */

static void test_pfig(void)
{
    CHECK(hp_pfig_db_step(20, 20) == 5 && hp_pfig_db_step(5, 20) == 1 && hp_pfig_db_step(12, 20) == 2);
    CHECK(hp_pfig_db_step(150, 20) == 10 && hp_pfig_db_step(90, 10) == 10 && hp_pfig_db_step(90, 0) == 5);
    hp_err e;
    CHECK(hp_pfig_new(0, 1, &e) == NULL && e == HP_EINVAL);
    hp_pfig *f = hp_pfig_new(1, 1, &e);
    CHECK(f && e == HP_OK);
    hp_ppanel *p = hp_pfig_panel(f, 0);
    CHECK(hp_pfig_panel(f, 1) == NULL);
    const double x[5] = {10, 100, 1000, 10000, 30000}, y[5] = {-50, -12.3, NAN, 4.2, 40};
    CHECK(hp_ppanel_line(p, "a 'quoted'\ncurve", x, y, 5, (hp_pstyle){HP_PC_BLUE, 2, 1, 0.5}) == HP_OK);
    CHECK(hp_ppanel_line(p, NULL, NULL, NULL, 1, (hp_pstyle){HP_PC_BLUE, 2, 1, 1}) == HP_EINVAL);
    /* only 100 Hz and 10 kHz count (inside 20 Hz-20 kHz): -12.3 .. 4.2, span 16.5 -> 5 dB
     * steps, -15 (2.7 dB of room) to 5 + one step (only 0.8 dB of room) */
    hp_pfig_autorange(f);
    CHECK(p->ymin == -15 && p->ymax == 10 && p->ystep == 5);
    CHECK(hp_pfig_fix_db(f, -3, 3) == HP_OK && p->ymin == -3 && p->ymax == 3 && p->ystep == 1);
    CHECK(hp_pfig_fix_db(f, 3, -3) == HP_EINVAL);
    hp_sbuf d = {0};
    CHECK(hp_pfig_data(f, &d) == HP_OK);
    CHECK(d.p && !strcmp(d.p, "# block 0: panel 1, a ''quoted'' curve\n# x y\n"
                              "10 -50\n100 -12.3\n\n10000 4.2\n30000 40\n"));
    hp_pterm t = {HP_PT_SVG, 800, 450};
    hp_sbuf s = {0};
    CHECK(hp_pfig_set_title(f, "Title: it's \"x\"\n@y") == HP_OK);
    CHECK(hp_pfig_script(f, &t, "out name's.svg", "d.dat", "about\nthis", &s) == HP_OK);
    CHECK(s.p && strstr(s.p, "set output 'out name''s.svg'\n"));
    CHECK(strstr(s.p, "title 'Title: it''s \"x\" @y'"));
    CHECK(strstr(s.p, "title 'a ''quoted'' curve'"));
    CHECK(strstr(s.p, "lc rgb '#800072B2'")); /* opacity 0.5 as alpha */
    CHECK(strstr(s.p, "noenhanced") && strstr(s.p, "# about this\n"));
    CHECK(strstr(s.p, "set yrange [-3:3]") && strstr(s.p, "set ytics 1 "));
    hp_sbuf_release(&s);
    hp_sbuf_release(&d);
    /* a panel with nothing to draw */
    const double ny[2] = {NAN, NAN};
    hp_pfig *g = hp_pfig_new(2, 1, NULL);
    CHECK(g && hp_ppanel_line(hp_pfig_panel(g, 0), "x", x, y, 2, (hp_pstyle){0, 1, 1, 1}) == HP_OK);
    CHECK(hp_ppanel_line(hp_pfig_panel(g, 1), "y", x, ny, 2, (hp_pstyle){0, 1, 1, 1}) == HP_OK);
    hp_pfig_autorange(g);
    CHECK(hp_pfig_script(g, &t, "o.svg", "d.dat", NULL, &s) == HP_ENODATA);
    hp_sbuf_release(&s);
    hp_pfig_free(g);
    hp_pfig_free(f);
    hp_pfig_free(NULL);
}

/* ---- rendering through gnuplot ---- */

static hp_pfig *small_figure(void)
{
    hp_pfig *f = hp_pfig_new(1, 1, NULL);
    double x[100], y[100];
    for (int i = 0; i < 100; i++) {
        x[i] = 20 * pow(1000, i / 99.0);
        y[i] = 3 * sin(i / 10.0);
    }
    if (!f || hp_ppanel_line(hp_pfig_panel(f, 0), "curve", x, y, 100, (hp_pstyle){0, 2, 1, 1}) ||
        hp_pfig_set_title(f, "it's </script> & <b>"))
        abort();
    hp_pfig_autorange(f);
    return f;
}

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void write_script(const char *path, const char *body)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fprintf(f, "#!/bin/sh\n%s\n", body);
        fclose(f);
    }
    chmod(path, 0755);
}

static void test_render(void)
{
    hp_pfig *f = small_figure();
    char why[512], *warn = NULL;
    hp_render_opts o = {{HP_PT_PNG, 800, 450}, 0, "test"};
    CHECK(hp_render(f, pathf("out/a.png"), &o, why, sizeof why, &warn) == HP_OK);
    if (why[0])
        fprintf(stderr, "  render: %s\n", why);
    CHECK(warn == NULL);
    unsigned char hdr[24] = {0};
    FILE *png = fopen(pathf("out/a.png"), "rb");
    CHECK(png && fread(hdr, 1, 24, png) == 24);
    if (png)
        fclose(png);
    CHECK(!memcmp(hdr, "\x89PNG", 4) && be32(hdr + 16) == 800 && be32(hdr + 20) == 450);
    CHECK(entries(pathf("out")) == 1); /* no data, script or temporary left */

    o.term.kind = HP_PT_SVG;
    o.keep_script = 1;
    CHECK(hp_render(f, pathf("out/b.svg"), &o, why, sizeof why, &warn) == HP_OK);
    CHECK(exists(pathf("out/b.gp")) && exists(pathf("out/b.dat")) && entries(pathf("out")) == 4);
    o.keep_script = 0;
    o.term.kind = HP_PT_HTML;
    CHECK(hp_render(f, pathf("out/c.html"), &o, why, sizeof why, &warn) == HP_OK);
    CHECK(entries(pathf("out")) == 5);

    /* failures leave nothing: not even the directory the output would have created */
    setenv("HPFR_GNUPLOT", pathf("no-such-gnuplot"), 1);
    o.term.kind = HP_PT_PNG;
    CHECK(hp_render(f, pathf("new/a.png"), &o, why, sizeof why, &warn) == HP_ENODATA);
    CHECK(strstr(why, "apt-get install gnuplot-nox") != NULL);
    CHECK(!exists(pathf("new")));
    write_script(pathf("fails.sh"), "cat >/dev/null; echo 'gnuplot> plot x'; echo '   line 3: boom' >&2; exit 1");
    setenv("HPFR_GNUPLOT", pathf("fails.sh"), 1);
    CHECK(hp_render(f, pathf("new/a.png"), &o, why, sizeof why, &warn) == HP_EIO);
    CHECK(strstr(why, "exit status 1") && strstr(why, "line 3: boom"));
    CHECK(!exists(pathf("new")));
    write_script(pathf("quiet.sh"), "cat >/dev/null; exit 0");
    setenv("HPFR_GNUPLOT", pathf("quiet.sh"), 1);
    CHECK(hp_render(f, pathf("new/a.png"), &o, why, sizeof why, &warn) == HP_EIO);
    CHECK(strstr(why, "wrote nothing") != NULL && !exists(pathf("new")));
    write_script(pathf("warns.sh"), "echo 'warning: odd' >&2; exec gnuplot");
    setenv("HPFR_GNUPLOT", pathf("warns.sh"), 1);
    CHECK(hp_render(f, pathf("out/d.png"), &o, why, sizeof why, &warn) == HP_OK);
    CHECK(warn && strstr(warn, "warning: odd"));
    free(warn);
    unsetenv("HPFR_GNUPLOT");
    /* an output whose directory cannot be made */
    CHECK(hp_render(f, pathf("out/a.png/x.png"), &o, why, sizeof why, NULL) == HP_EIO);
    CHECK(hp_render(f, pathf("out/.png"), &o, why, sizeof why, NULL) == HP_EINVAL);
    CHECK(hp_render(f, pathf("out/a\nb.png"), &o, why, sizeof why, NULL) == HP_EINVAL);
    hp_ptkind k;
    CHECK(hp_render_kind("x.PNG", &k) == HP_OK && k == HP_PT_PNG);
    CHECK(hp_render_kind("x.htm", &k) == HP_OK && k == HP_PT_HTML);
    CHECK(hp_render_kind("x.pdf", &k) == HP_EINVAL && hp_render_kind("x.d/png", &k) == HP_EINVAL);
    hp_pfig_free(f);
}

static void rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", path);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hpfr-plotlib-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_ptable();
    test_gpstr();
    test_apo();
    test_pcurve();
    test_dtft();
    test_envelope();
    test_pfig();
    test_render();
    rm_rf(tmpdir);
    T_DONE();
}
