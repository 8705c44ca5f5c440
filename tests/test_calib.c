/* SPDX-License-Identifier: MIT */
/* Calibration: every reader on real published files of its kind (tests/data/calib, values
 * read off the files), bad input with line numbers, interpolation against closed forms and an
 * analytic filter response, apply/remove, the calibrator level against the amplitude it was
 * synthesised with, sensitivity arithmetic, and hpfr's own calibration file formats. */
#define _GNU_SOURCE
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "calapply.h"
#include "calfile.h"
#include "cascade.h"
#include "curve.h"
#include "grid.h"
#include "ifacecal.h"
#include "rig.h"
#include "sim.h"
#include "spl.h"
#include "splcal.h"
#include "t.h"

#define DATA "tests/data/calib/"

static hp_err parse_str(const char *s, hp_calib_curve *c, hp_diag *d)
{
    return hp_calib_parse(s, strlen(s), c, d);
}

static void real_files(void)
{
    hp_calib_curve c;
    hp_diag d;
    /* miniDSP UMIK-1 (0 degrees): unquoted "Sens Factor" line as downloaded, tab rows. */
    CHECK(hp_calib_read(DATA "umik1-7009115.txt", &c, &d) == HP_OK);
    CHECK(c.format == HP_CALIB_UMIK);
    CHECK_NEAR(c.sens_db, -0.7346, 1e-12);
    CHECK(!strcmp(c.serial, "7009115"));
    CHECK(c.n == 615 && !c.phase_deg);
    CHECK_NEAR(c.f_hz[0], 10.054, 1e-12);
    CHECK_NEAR(c.db[0], -6.4545, 1e-12);
    CHECK_NEAR(c.f_hz[c.n - 1], 20016.816, 1e-9);
    CHECK_NEAR(c.db[c.n - 1], 0.7084, 1e-12);
    CHECK(c.first_line == 2 && c.last_line == 616);
    CHECK(hp_calib_covers(&c, 20, 20000));
    hp_calib_curve_release(&c);
    /* UMIK-1 90 degrees: a second, quoted header line. */
    CHECK(hp_calib_read(DATA "umik1-7007184_90deg-excerpt.txt", &c, &d) == HP_OK);
    CHECK(c.format == HP_CALIB_UMIK && c.n == 20);
    CHECK_NEAR(c.sens_db, 0.2771, 1e-12);
    CHECK(!strcmp(c.serial, "7007184"));
    CHECK_NEAR(c.db[0], -5.3961, 1e-12);
    CHECK(c.first_line == 3);
    hp_calib_curve_release(&c);
    /* miniDSP EARS: the file is for the RIGHT channel although "LEFT" comes first in the line
     * after "sensitive side is"... and RIGHT appears before; the word before "channel" rules. */
    CHECK(hp_calib_read(DATA "ears-860-4511-R-HEQ-excerpt.txt", &c, &d) == HP_OK);
    CHECK(c.format == HP_CALIB_EARS);
    CHECK(c.side == HP_CALIB_SIDE_RIGHT);
    CHECK(!strcmp(c.serial, "860-4511"));
    CHECK(!strcmp(c.compensation, "HEQ"));
    CHECK_NEAR(c.sens_db, -1, 1e-12);
    CHECK(c.n == 9 && c.phase_deg);
    CHECK_NEAR(c.f_hz[0], 10.0, 1e-12);
    CHECK_NEAR(c.db[0], -3.0, 1e-12);
    CHECK_NEAR(c.phase_deg[0], -1.1, 1e-12);
    CHECK_NEAR(c.f_hz[8], 16.0, 1e-12);
    CHECK_NEAR(c.phase_deg[8], -1.7, 1e-12);
    CHECK(!hp_calib_covers(&c, 20, 20000));
    hp_calib_curve_release(&c);
    /* Dayton: "*1000Hz<TAB>-40.5", a line holding only a tab, then rows. */
    CHECK(hp_calib_read(DATA "dayton-emm6-34814_90deg.txt", &c, &d) == HP_OK);
    CHECK(c.format == HP_CALIB_DAYTON);
    CHECK_NEAR(c.sens_db, -40.5, 1e-12);
    CHECK(c.n == 256 && !c.phase_deg);
    CHECK_NEAR(c.db[0], -0.9, 1e-12);
    CHECK_NEAR(c.f_hz[c.n - 1], 20000, 1e-9);
    CHECK_NEAR(c.db[c.n - 1], -1.0, 1e-12);
    hp_calib_curve_release(&c);
    /* AutoEq CSV: ISO 11904-2 diffuse field. */
    CHECK(hp_calib_read(DATA "autoeq-diffuse_field_iso_11904-2.csv", &c, &d) == HP_OK);
    CHECK(c.format == HP_CALIB_AUTOEQ && c.n == 695);
    CHECK_NEAR(c.db[0], -4.10, 1e-12);
    CHECK_NEAR(c.f_hz[c.n - 1], 19955.54, 1e-9);
    CHECK_NEAR(c.db[c.n - 1], -6.91, 1e-12);
    CHECK(hp_calib_covers(&c, 20, 20000));
    hp_calib_curve_release(&c);
    /* REW export: '*' header, "20.000, 0.000, 64.208" rows with phase. */
    CHECK(hp_calib_read(DATA "rew-v519-export-autoeq-sample.txt", &c, &d) == HP_OK);
    CHECK(c.format == HP_CALIB_REW && c.n == 3 && c.phase_deg);
    CHECK_NEAR(c.db[1], 3.0, 1e-12);
    CHECK_NEAR(c.phase_deg[0], 64.208, 1e-12);
    hp_calib_curve_release(&c);
    /* Semicolons and decimal commas. */
    CHECK(hp_calib_read(DATA "autoeq-semicolon-decimal-comma-sample.csv", &c, &d) == HP_OK);
    CHECK(c.n == 3);
    CHECK_NEAR(c.f_hz[1], 1000, 1e-12);
    CHECK_NEAR(c.db[1], 3.0, 1e-12);
    hp_calib_curve_release(&c);
    CHECK(hp_calib_read(DATA "no-such-file.txt", &c, &d) == HP_EIO && strstr(d.reason, "No such"));
}

static void bad_input(void)
{
    hp_calib_curve c;
    hp_diag d;
    CHECK(parse_str("* cal\n20 1\n1000 0\nabc def\n20000 -1\n", &c, &d) == HP_EPARSE);
    CHECK(d.line == 4 && strstr(d.reason, "not a number") && strstr(d.reason, "abc"));
    CHECK(c.n == 0 && !c.f_hz);
    CHECK(parse_str("20 1\n1000 0\n500 0\n", &c, &d) == HP_EPARSE);
    CHECK(d.line == 3 && strstr(d.reason, "below") && strstr(d.reason, "line 2"));
    CHECK(parse_str("20 1\n1000 0\n1000 0.5\n", &c, &d) == HP_EPARSE);
    CHECK(d.line == 3 && strstr(d.reason, "duplicate") && strstr(d.reason, "line 2"));
    CHECK(parse_str("20 1\n1000\n", &c, &d) == HP_EPARSE && d.line == 2);
    CHECK(parse_str("20 1\n\"late quote\"\n", &c, &d) == HP_EPARSE && d.line == 2);
    CHECK(parse_str("20 1\n30 nan\n", &c, &d) == HP_EPARSE && d.line == 2);
    CHECK(parse_str("20 1\n30 1e999\n", &c, &d) == HP_EPARSE && d.line == 2);
    CHECK(parse_str("20 1\n-30 1\n", &c, &d) == HP_EPARSE && d.line == 2);
    CHECK(parse_str("* only comments\n\n", &c, &d) == HP_ENODATA);
    CHECK(parse_str("", &c, &d) == HP_ENODATA);
    CHECK(hp_calib_parse("\xff\xfe" "2\0" "0\0", 6, &c, &d) == HP_EPARSE && d.line == 1);
    CHECK(hp_calib_parse(NULL, 1, &c, &d) == HP_EINVAL);
    CHECK(hp_calib_parse("20 1", 4, NULL, &d) == HP_EINVAL);
    /* BOM, CRLF, Latin-1 bytes in a comment, tab separator with decimal commas. */
    CHECK(parse_str("\xef\xbb\xbf* Kalibrierung f\xfcr Mikrofon\r\n20\t1,5\r\n1000\t0\r\n", &c, &d) == HP_OK);
    CHECK(c.n == 2);
    CHECK_NEAR(c.db[0], 1.5, 1e-12);
    hp_calib_curve_release(&c);
    /* Old Mac line ends, a title line before the data. */
    CHECK(parse_str("My mic\r20 -1\r20000 2\r", &c, &d) == HP_OK && c.n == 2 && c.last_line == 3);
    hp_calib_curve_release(&c);
    /* Not covering the band: parsed, flagged for a warning. */
    CHECK(parse_str("100 0\n10000 1\n", &c, &d) == HP_OK && !hp_calib_covers(&c, 20, 20000));
    hp_calib_curve_release(&c);
    /* Columns found by name. */
    CHECK(parse_str("error,frequency,raw\n0,20,1\n-1,1000,3\n", &c, &d) == HP_OK);
    CHECK(c.n == 2 && c.f_hz[0] == 20 && c.db[1] == 3);
    hp_calib_curve_release(&c);
    /* EARS channel line: the word before "channel" counts, not the first LEFT/RIGHT. */
    CHECK(parse_str("\"Use this file on the LEFT channel. Your sensitive side is RIGHT.\"\n20 0 1\n",
                    &c, &d) == HP_OK && c.side == HP_CALIB_SIDE_LEFT && c.format == HP_CALIB_EARS);
    hp_calib_curve_release(&c);
    /* UMIK-2 header with AGain. */
    CHECK(parse_str("\"Sens Factor =-12.07dB, AGain =18dB, SERNO: 8108494\"\n10.0\t-6.6\n", &c, &d) == HP_OK);
    CHECK_NEAR(c.sens_db, -12.07, 1e-12);
    CHECK_NEAR(c.again_db, 18, 1e-12);
    CHECK(!strcmp(c.serial, "8108494") && c.format == HP_CALIB_UMIK);
    hp_calib_curve_release(&c);
    /* A phase column that stops: phase dropped, not invented. */
    CHECK(parse_str("20 1 10\n30 1\n", &c, &d) == HP_OK && !c.phase_deg);
    hp_calib_curve_release(&c);
}

static void interpolation(void)
{
    double f[4] = {20, 200, 2000, 20000}, y[4], q[5] = {10, 63.2455532, 2000, 6324.55532, 40000}, out[5];
    for (int i = 0; i < 4; i++)
        y[i] = 3 - 2 * log2(f[i]); /* linear in log f: reproduced exactly between points */
    CHECK(hp_curve_interp(f, y, 4, q, 5, out) == HP_OK);
    CHECK_NEAR(out[0], y[0], 1e-12); /* end values held */
    CHECK_NEAR(out[1], 3 - 2 * log2(q[1]), 1e-9);
    CHECK_NEAR(out[2], y[2], 1e-12);
    CHECK_NEAR(out[3], 3 - 2 * log2(q[3]), 1e-9);
    CHECK_NEAR(out[4], y[3], 1e-12);
    double bad[2] = {20, 20};
    CHECK(hp_curve_interp(bad, y, 2, q, 1, out) == HP_EINVAL);
    CHECK(hp_curve_interp(f, y, 0, q, 1, out) == HP_EINVAL);
    CHECK(hp_curve_interp(f, y, 4, q, 4, (double *)q + 1) == HP_EINVAL);
    /* Across the +-180 degree wrap: 170 and -170 meet at 180, not at 0. */
    double pf[2] = {100, 400}, ph[2] = {170, -170}, pq = 200, po;
    CHECK(hp_curve_interp_phase(pf, ph, 2, &pq, 1, &po) == HP_OK);
    CHECK_NEAR(fabs(hp_phase_wrap_deg(po)), 180, 1e-9);
    CHECK_NEAR(hp_phase_wrap_deg(540), 180, 1e-12);
    CHECK_NEAR(hp_phase_wrap_deg(-190), 170, 1e-12);
    /* A filter's response sampled at 1/24 octave and interpolated onto the 1/48-octave grid:
     * compared with its exact response (the truth). */
    hp_cascade c = hp_cascade_init(48000);
    CHECK(hp_cascade_add(&c, HP_BQ_PEAK, 3000, 1.2, 4) == HP_OK);
    CHECK(hp_cascade_add(&c, HP_BQ_LOWSHELF, 60, 0.7, -3) == HP_OK);
    size_t n = 266; /* 10 Hz to 21.1 kHz */
    double *cf = malloc(n * sizeof *cf), *cd = malloc(n * sizeof *cd), *cp = malloc(n * sizeof *cp);
    for (size_t k = 0; k < n; k++) {
        cf[k] = 10 * pow(2, (double)k / 24);
        double complex h = hp_cascade_response(&c, cf[k]);
        cd[k] = 20 * log10(cabs(h));
        cp[k] = carg(h) * 180 / M_PI;
    }
    hp_grid g;
    CHECK(hp_grid_log(20, 20000, 48, &g) == HP_OK);
    double *od = malloc(g.n * sizeof *od), *op = malloc(g.n * sizeof *op), emag = 0, eph = 0;
    CHECK(hp_curve_interp(cf, cd, n, g.f_hz, g.n, od) == HP_OK);
    CHECK(hp_curve_interp_phase(cf, cp, n, g.f_hz, g.n, op) == HP_OK);
    for (size_t i = 0; i < g.n; i++) {
        double complex h = hp_cascade_response(&c, g.f_hz[i]);
        emag = fmax(emag, fabs(od[i] - 20 * log10(cabs(h))));
        eph = fmax(eph, fabs(hp_phase_wrap_deg(op[i] - carg(h) * 180 / M_PI)));
    }
    printf("interpolation of a 1/24-octave file: max error %.4f dB, %.4f degrees\n", emag, eph);
    CHECK(emag < 0.01);
    CHECK(eph < 0.1);
    free(cf);
    free(cd);
    free(cp);
    free(od);
    free(op);
    hp_grid_release(&g);
}

static void apply_remove(void)
{
    double raw[4] = {80, 85, 90, 70}, sm[4] = {81, 84, 89, 71}, ph[4] = {10, 170, -170, 0};
    double r0[4], s0[4], p0[4], cd[4] = {1, -2, 0.5, 3}, cp[4] = {20, -20, 30, 0};
    memcpy(r0, raw, sizeof raw);
    memcpy(s0, sm, sizeof sm);
    memcpy(p0, ph, sizeof ph);
    hp_cal_correction c = {cd, cp, 100};
    CHECK(hp_cal_apply(&c, raw, sm, ph, 4) == HP_OK);
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(raw[i], r0[i] - cd[i] + 100, 1e-12);
        CHECK_NEAR(sm[i], s0[i] - cd[i] + 100, 1e-12);
        CHECK_NEAR(ph[i], hp_phase_wrap_deg(p0[i] - cp[i]), 1e-12);
    }
    CHECK(ph[1] <= 180 && ph[2] > -180);
    CHECK(hp_cal_remove(&c, raw, sm, ph, 4) == HP_OK);
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(raw[i], r0[i], 1e-12);
        CHECK_NEAR(sm[i], s0[i], 1e-12);
        CHECK_NEAR(hp_phase_wrap_deg(ph[i] - p0[i]), 0, 1e-9);
    }
    hp_cal_correction none = {NULL, NULL, 0};
    CHECK(hp_cal_apply(&none, raw, NULL, NULL, 4) == HP_OK && raw[0] == r0[0]);
    hp_cal_correction nan_off = {NULL, NULL, NAN};
    CHECK(hp_cal_apply(&nan_off, raw, sm, ph, 4) == HP_EINVAL);
    CHECK(hp_cal_apply(NULL, raw, sm, ph, 4) == HP_EINVAL);
    double out[4];
    CHECK(hp_cal_compensate(r0, cd, 4, out) == HP_OK && out[3] == 67);
}

/* A sine of amplitude a at f through seeded white noise of RMS noise, n frames at 48 kHz; an
 * optional gain step (dB) in the second half. */
static double *tone(double f, double a, double noise, double step_db, size_t n, uint64_t seed)
{
    double *x = malloc(n * sizeof *x);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double g = i >= n / 2 ? pow(10, step_db / 20) : 1.0;
        x[i] = g * a * sin(2 * M_PI * f * (double)i / 48000 + 0.3) + noise * sim_gauss(&s);
    }
    return x;
}

static void calibrator(void)
{
    hp_spl_cfg cfg = hp_spl_cfg_default();
    hp_spl_result r;
    size_t n = 3 * 48000;
    static const double levels[] = {-6, -20, -37.5, -60};
    static const double freqs[] = {1000, 992, 1013.7};
    for (int li = 0; li < 4; li++)
        for (int fi = 0; fi < 3; fi++) {
            double a = pow(10, levels[li] / 20);
            double *x = tone(freqs[fi], a, a * 1e-3, 0, n, 7 + (uint64_t)li); /* noise 60 dB down */
            CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK);
            CHECK(r.verdict == HP_SPL_OK);
            /* Closed form: a full-scale sine reads 0 dBFS, so amplitude a reads 20 log10 a. */
            CHECK_NEAR(r.level_dbfs, levels[li], 0.05);
            CHECK_NEAR(hp_spl_offset_db(94, r.level_dbfs), 94 - levels[li], 0.05);
            CHECK_NEAR(r.peak_hz, freqs[fi], 0.05);
            if (li == 1 && fi == 0)
                printf("calibrator at -20 dBFS: measured %.4f dBFS, spread %.4f dB\n",
                       r.level_dbfs, r.spread_db);
            free(x);
        }
    /* Wrong frequency: a 250 Hz calibrator, a 1.2 kHz one. */
    double *x = tone(250, 0.1, 1e-4, 0, n, 1);
    CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_WRONG_FREQ);
    CHECK_NEAR(r.peak_hz, 250, 0.05);
    free(x);
    x = tone(1200, 0.1, 1e-4, 0, n, 1);
    CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_WRONG_FREQ);
    free(x);
    /* Too quiet: buried 10 dB under noise; or clean but below -90 dBFS. */
    x = tone(1000, pow(10, -60.0 / 20), pow(10, -30.0 / 20), 0, n, 2);
    CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_NO_TONE);
    free(x);
    x = tone(1000, pow(10, -95.0 / 20), 0, 0, n, 2);
    CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_TOO_QUIET);
    CHECK_NEAR(r.level_dbfs, -95, 0.05);
    free(x);
    /* Unstable: a 1 dB step; a 0.3 dB step is within the 0.5 dB allowed. */
    x = tone(1000, 0.1, 1e-4, -1, n, 3);
    CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_UNSTABLE);
    CHECK_NEAR(r.spread_db, 1.0, 0.05);
    free(x);
    x = tone(1000, 0.1, 1e-4, -0.3, n, 3);
    CHECK(hp_spl_measure(x, n, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_OK);
    /* Power average of the two halves: 10 log10((1 + 10^-0.03) / 2) - 20. */
    CHECK_NEAR(r.level_dbfs, 10 * log10((1 + pow(10, -0.03)) / 2) - 20, 0.05);
    free(x);
    x = tone(1000, 0.1, 0, 0, 24000, 3);
    CHECK(hp_spl_measure(x, 24000, 1, 48000, &cfg, &r) == HP_OK && r.verdict == HP_SPL_TOO_SHORT);
    /* Misuse. */
    CHECK(hp_spl_measure(NULL, 10, 1, 48000, &cfg, &r) == HP_EINVAL);
    CHECK(hp_spl_measure(x, 24000, 0, 48000, &cfg, &r) == HP_EINVAL);
    CHECK(hp_spl_measure(x, 24000, 1, 0, &cfg, &r) == HP_EINVAL);
    hp_spl_cfg badcfg = cfg;
    badcfg.tone_hz = 30000;
    CHECK(hp_spl_measure(x, 24000, 1, 48000, &badcfg, &r) == HP_EINVAL);
    x[5] = NAN;
    CHECK(hp_spl_measure(x, 24000, 1, 48000, &cfg, &r) == HP_EINVAL);
    free(x);
    /* Sensitivity: 94 dB SPL at 0.1 V is 114 dB SPL/V; into 32 ohm that is 0.3125 mW. */
    CHECK_NEAR(hp_sens_db_spl_per_v(94, 0.1), 114, 1e-12);
    CHECK_NEAR(hp_sens_db_spl_per_mw(94, 0.1, 32), 94 - 10 * log10(0.3125), 1e-12);
    CHECK_NEAR(hp_sens_db_spl_per_mw(100, 1, 1000), 100, 1e-12);
    CHECK(isnan(hp_sens_db_spl_per_v(94, 0)) && isnan(hp_sens_db_spl_per_mw(94, 1, -1)));
    CHECK(isnan(hp_spl_offset_db(NAN, 1)));
}

static char *to_text(hp_err (*w)(FILE *, const void *), const void *arg, size_t *len)
{
    char *t = NULL;
    FILE *m = open_memstream(&t, len);
    if (!m || w(m, arg) != HP_OK)
        abort();
    fclose(m);
    return t;
}

static hp_err wr_iface(FILE *f, const void *c) { return hp_iface_write(f, c); }
static hp_err wr_spl(FILE *f, const void *c) { return hp_spl_cal_write(f, c); }

static void own_formats(void)
{
    hp_diag d;
    hp_iface_cal ic = {0}, back;
    double f[3] = {20, 1000, 20000}, db[3] = {-1.5, 0, -0.25}, ph[3] = {57.3, -1.25, -40};
    CHECK(hp_iface_set(&ic, 1, 48000, -0.5, f, db, ph, 3) == HP_OK);
    CHECK(hp_iface_set(&ic, 2, 48000, -0.4, f, db, ph, 3) == HP_OK);
    CHECK(hp_iface_set(&ic, 1, 44100, 0, f, db, ph, 3) == HP_OK);
    db[0] = -2;
    CHECK(hp_iface_set(&ic, 1, 48000, -0.5, f, db, ph, 3) == HP_OK && ic.n == 3); /* replaced */
    size_t len;
    char *t = to_text(wr_iface, &ic, &len);
    CHECK(hp_iface_parse(t, len, &back, &d) == HP_OK && back.n == 3);
    const hp_iface_section *s = hp_iface_find(&back, 1, 48000);
    CHECK(s && s->n == 3 && s->db[0] == -2 && s->phase_deg[0] == 57.3 && s->gain_db == -0.5);
    CHECK(hp_iface_find(&back, 2, 96000) == NULL);
    free(t);
    hp_iface_release(&back);
    hp_iface_release(&ic);
    static const char *const bad_iface[] = {
        "hpfr-spl 1\n", "hpfr-interface 1\n20 0 0\n", "hpfr-interface 1\nchannel 1 rate 48000\n",
        "hpfr-interface 1\nchannel 1 rate 48000\n20 0 0\n10 0 0\n",
        "hpfr-interface 1\nchannel 1 rate 48000\n20 0\n",
        "hpfr-interface 1\nchannel 1 rate 48000\n20 0 0\nchannel 1 rate 48000\n30 0 0\n"};
    static const long bad_line[] = {1, 2, 2, 4, 3, 4};
    for (size_t i = 0; i < sizeof bad_iface / sizeof *bad_iface; i++) {
        CHECK(hp_iface_parse(bad_iface[i], strlen(bad_iface[i]), &back, &d) == HP_EPARSE);
        CHECK(d.line == bad_line[i]);
    }
    hp_spl_cal sc, sb;
    hp_spl_cal_init(&sc);
    sc.offset_db[0] = 112.34;
    sc.ref_db[0] = 94;
    sc.offset_db[3] = 100.5;
    t = to_text(wr_spl, &sc, &len);
    CHECK(hp_spl_cal_parse(t, len, &sb, &d) == HP_OK);
    CHECK_NEAR(sb.offset_db[0], 112.34, 1e-9);
    CHECK_NEAR(sb.offset_db[3], 100.5, 1e-9);
    CHECK(isnan(sb.offset_db[1]) && sb.ref_db[0] == 94);
    free(t);
    CHECK(hp_spl_cal_parse("hpfr-spl 1\nchannel 1 offset_db 1\nchannel 1 offset_db 2\n", 53, &sb, &d) == HP_EPARSE && d.line == 3);
    CHECK(hp_spl_cal_parse("hpfr-spl 1\nchannel 2 ref_db 94\n", 31, &sb, &d) == HP_EPARSE && d.line == 2);
    /* Rig profile. */
    hp_rig_profile p;
    const char *prof = "hpfr-rig 1\n# my rig\nmic 1 cal/L.txt   # left ear\nmic 2 \"/abs/R HEQ.txt\"\n"
                       "interface iface.cal\nspl_offset 2 112.5\ncompensation df.csv\n";
    CHECK(hp_rig_profile_parse(prof, strlen(prof), "rigs/a", &p, &d) == HP_OK);
    CHECK(p.mic[0] && !strcmp(p.mic[0], "rigs/a/cal/L.txt"));
    CHECK(p.mic[1] && !strcmp(p.mic[1], "/abs/R HEQ.txt"));
    CHECK(p.interface && !strcmp(p.interface, "rigs/a/iface.cal"));
    CHECK(p.compensation && !strcmp(p.compensation, "rigs/a/df.csv"));
    CHECK(p.spl_offset[1] == 112.5 && isnan(p.spl_offset[0]) && !p.spl);
    hp_rig_profile_release(&p);
    static const char *const bad_prof[] = {"hpfr-rig 2\n", "hpfr-rig 1\nmicrophone 1 a\n",
                                           "hpfr-rig 1\nmic 1 a\nmic 1 b\n", "hpfr-rig 1\nmic 0 a\n",
                                           "hpfr-rig 1\nspl_offset 1 x\n", "hpfr-rig 1\ninterface\n"};
    static const long prof_line[] = {1, 2, 3, 2, 2, 2};
    for (size_t i = 0; i < sizeof bad_prof / sizeof *bad_prof; i++) {
        CHECK(hp_rig_profile_parse(bad_prof[i], strlen(bad_prof[i]), "", &p, &d) == HP_EPARSE);
        CHECK(d.line == prof_line[i]);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f))
        abort();
}

/* The correction of a rig: microphone deviation plus interface response, interpolated, with
 * the channel's offset; checked at points where the closed form is known. */
static void rig_correction(void)
{
    char dir[] = "/tmp/hpfr-calib-XXXXXX", path[128];
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/mic.txt", dir);
    write_file(path, "\"Sens Factor =-1dB, SERNO: 1\"\n20\t1\n2000\t3\n");
    char ip[128];
    snprintf(ip, sizeof ip, "%s/iface.cal", dir);
    write_file(ip, "hpfr-interface 1\nchannel 1 rate 48000\n20 -2 10\n20000 0 -10\n");
    char rp[128];
    snprintf(rp, sizeof rp, "%s/rig.cal", dir);
    write_file(rp, "hpfr-rig 1\nmic 1 mic.txt\ninterface iface.cal\nspl_offset 1 110\n");
    hp_calib_rig r;
    hp_calib_rig_init(&r);
    hp_diag d;
    const char *failed = NULL;
    CHECK(hp_calib_rig_load_profile(&r, rp, &failed, &d) == HP_OK);
    CHECK(hp_calib_rig_any(&r));
    double q[3] = {20, 200, 20000}, db[3], ph[3];
    hp_cal_correction c;
    CHECK(hp_calib_rig_correction(&r, 1, 48000, q, 3, db, ph, &c, &d) == HP_OK);
    /* 200 Hz is halfway (in log f) between 20 and 2000 for the mic, a third of the way from 20
     * to 20000 for the interface. */
    CHECK_NEAR(db[0], 1 - 2, 1e-12);
    CHECK_NEAR(db[1], 2 + (-2 + 2.0 / 3), 1e-12);
    CHECK_NEAR(db[2], 3 + 0, 1e-12);
    CHECK(c.phase_deg && c.offset_db == 110);
    CHECK_NEAR(ph[1], 10 - 20.0 / 3, 1e-9);
    CHECK(hp_calib_rig_correction(&r, 1, 44100, q, 3, db, ph, &c, &d) == HP_ENODATA);
    CHECK(strstr(d.reason, "44100"));
    CHECK(hp_calib_rig_correction(&r, 2, 48000, q, 3, db, ph, &c, &d) == HP_ENODATA);
    hp_calib_rig_release(&r);
    /* A profile naming a broken file says which. */
    write_file(path, "20 1\n10 2\n");
    hp_calib_rig_init(&r);
    CHECK(hp_calib_rig_load_profile(&r, rp, &failed, &d) == HP_EPARSE);
    CHECK(failed && strstr(failed, "mic.txt") && d.line == 2);
    hp_calib_rig_release(&r);
    unlink(path);
    unlink(ip);
    unlink(rp);
    rmdir(dir);
}

int main(void)
{
    real_files();
    bad_input();
    interpolation();
    apply_remove();
    calibrator();
    own_formats();
    rig_correction();
    T_DONE();
}
