/* SPDX-License-Identifier: MIT */
/* Reading responses: each layout people have (hpfr fr.csv, AutoEq CSV in its variants, REW
 * exports, squig.link files) gives the values written, and every kind of bad input gives
 * HP_EPARSE with the right line. The built-in targets parse to AutoEq's published values. */
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include "frread.h"
#include "targets.h"

/* 12 points of f = 20 * 2^k, level k - 0.25 (k = 0..11), in the layout given by fmt: fmt
 * receives the frequency and the level as text with the decimal mark chosen. */
static char *make(const char *head, const char *row_fmt, int dec_comma, const char *tail)
{
    size_t cap = 4096;
    char *s = malloc(cap);
    size_t k = (size_t)snprintf(s, cap, "%s", head);
    for (int i = 0; i < 12; i++) {
        char fv[32], lv[32];
        snprintf(fv, sizeof fv, "%.2f", 20.0 * (1 << i));
        snprintf(lv, sizeof lv, "%.2f", i - 0.25);
        if (dec_comma) {
            *strchr(fv, '.') = ',';
            *strchr(lv, '.') = ',';
        }
        k += (size_t)snprintf(s + k, cap - k, row_fmt, fv, lv);
    }
    snprintf(s + k, cap - k, "%s", tail);
    return s;
}

static int values_ok(const hp_frcurve *c)
{
    if (c->n != 12)
        return 0;
    for (int i = 0; i < 12; i++)
        if (c->f_hz[i] != 20.0 * (1 << i) || c->db[i] != i - 0.25)
            return 0;
    return 1;
}

static void layout(const char *what, const char *head, const char *row, int dc, const char *tail)
{
    char *s = make(head, row, dc, tail);
    hp_frcurve c;
    hp_diag d;
    hp_err e = hp_fr_parse(s, strlen(s), &c, &d);
    CHECK(e == HP_OK);
    CHECK(e == HP_OK && values_ok(&c));
    if (e != HP_OK || !values_ok(&c))
        fprintf(stderr, "layout %s: %s (line %ld)\n", what, d.reason, d.line);
    hp_frcurve_release(&c);
    free(s);
}

static void layouts(void)
{
    layout("hpfr fr.csv", "frequency,raw,smoothed,phase\n", "%s,%s,9.5,-120.0\n", 0, "");
    layout("autoeq csv", "frequency,raw\n", "%s,%s\n", 0, "");
    layout("autoeq result", "frequency,smoothed,raw,error\n", "%s,1.0,%s,3.0\n", 0, "");
    layout("semicolon decimal comma", "Frequency;SPL\n", "%s;%s\n", 1, "");
    layout("tab decimal comma", "freq\tgain\n", "%s\t%s\n", 1, "");
    layout("header-less", "", "%s,%s\n", 0, "");
    layout("header-less spaces decimal comma", "", "%s %s\n", 1, "");
    layout("crlf bom", "\xEF\xBB\xBF" "frequency,raw\r\n", "%s,%s\r\n", 0, "");
    layout("rew comma-space", "* Measurement data measured by REW V5.20\n* Source: x, y\n*\n"
                              "* Freq(Hz), SPL(dB), Phase(degrees)\n", "%s, %s, 12.500\n", 0, "");
    layout("rew tab", "* Freq(Hz)\tSPL(dB)\tPhase(degrees)\n", "%s\t%s\t-3.0\n", 0, "");
    layout("rew space two columns", "* REW\n", "%s %s\n", 0, "");
    layout("squig audiotools", "\nFrequency\tdB\tUnweighted\n", "%s\t%s\t70.0\n", 0,
           "saved 2020-01-01\npeak 1000.0\n");
    layout("comments and blank lines", "# exported\n\nfrequency,raw\n", "%s,%s\n", 0, "\n\n");
    layout("level column by name", "Hz,Phase,SPL\n", "%s,7,%s\n", 0, "");
}

static void bad(const char *what, const char *text, long line, const char *reason_part)
{
    hp_frcurve c = {0};
    hp_diag d;
    hp_err e = hp_fr_parse(text, strlen(text), &c, &d);
    CHECK(e == HP_EPARSE);
    CHECK(d.line == line);
    CHECK(strstr(d.reason, reason_part) != NULL);
    CHECK(c.n == 0 && c.f_hz == NULL);
    if (e != HP_EPARSE || d.line != line || !strstr(d.reason, reason_part))
        fprintf(stderr, "bad %s: e=%d line %ld reason '%s'\n", what, e, d.line, d.reason);
}

static void bad_inputs(void)
{
    char *s;
    bad("garbage", "hello world\nthis is not data\n", 2, "unexpected text");
    s = make("frequency,raw\n", "%s,%s\n", 0, "");
    /* Replace the level on line 5 (frequency 160) with NaN, then with garbage. */
    char *p = strstr(s, "160.00,");
    memcpy(p + 7, "nan ", 4);
    bad("nan", s, 5, "not a number");
    memcpy(p + 7, "x.5z", 4);
    bad("garbage value", s, 5, "not a number");
    free(s);
    bad("unsorted", "f,raw\n20,0\n40,0\n30,0\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n", 4,
        "not ascending");
    bad("duplicate", "f,raw\n20,0\n40,0\n40,1\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n", 4,
        "duplicate frequency 40 Hz");
    bad("too few", "frequency,raw\n20,0\n40,0\n80,0\n", 4, "at least 10");
    bad("no data", "frequency,raw\n", -1, "no data");
    bad("empty", "", -1, "no data");
    bad("one column", "frequency,raw\n20\n40\n", 2, "columns");
    bad("negative frequency", "f,raw\n-20,0\n40,0\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n120,0\n",
        2, "not positive");
    bad("text between data", "f,raw\n20,0\n40,0\nhello\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n",
        4, "not a number");
    bad("numeric-looking trailer", "f,raw\n20,0\n40,0\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n"
                                   "120,0\n-- end --\n", 12, "not a number");
    bad("infinity first", "f,raw\n20,inf\n40,0\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n", 2,
        "'20,inf'");
    bad("infinity", "f,raw\n20,0\n30,inf\n40,0\n50,0\n60,0\n70,0\n80,0\n90,0\n100,0\n110,0\n", 3,
        "'inf' is not a number");
    hp_frcurve c;
    CHECK(hp_fr_parse(NULL, 3, &c, NULL) == HP_EINVAL);
    CHECK(hp_fr_parse("x", 1, NULL, NULL) == HP_EINVAL);
    CHECK(hp_fr_read("/nonexistent/file.csv", &c, NULL) == HP_EIO);
}

static void builtins(void)
{
    static const struct {
        const char *name;
        double f, db;
    } anchors[] = {
        /* AutoEq's files (measurement-science.md 7.2-7.3). */
        {"harman-oe-2018", 20.00, 3.86},
        {"harman-oe-2018", 3361.53, 8.58},
        {"harman-oe-2018", 19955.54, -22.92},
        {"harman-ie-2019", 20.00, 7.61},
        {"harman-ie-2019", 3198.38, 9.42},
        {"harman-ie-2019", 19955.54, -20.61},
        {"iso-11904-2", 3135.36, 11.59},
        {"iso-11904-2", 20.00, -4.10},
        {"iso-11904-2", 19955.54, -6.91},
        {"harman-oe-2018-wo-bass", 20.00, -2.13},
    };
    for (size_t k = 0; k < sizeof anchors / sizeof anchors[0]; k++) {
        hp_frcurve c;
        int flat = 1;
        CHECK(hp_target_builtin(anchors[k].name, &c, &flat) == HP_OK);
        CHECK(c.n == 695 && !flat);
        int found = 0;
        for (size_t i = 0; i < c.n; i++)
            found |= fabs(c.f_hz[i] - anchors[k].f) < 1e-9 && fabs(c.db[i] - anchors[k].db) < 1e-9;
        CHECK(found);
        hp_frcurve_release(&c);
    }
    hp_frcurve c;
    int flat = 0;
    CHECK(hp_target_builtin("flat", &c, &flat) == HP_OK);
    CHECK(flat == 1 && c.n >= 10 && c.f_hz[0] <= 10 && c.f_hz[c.n - 1] >= 100000);
    hp_frcurve_release(&c);
    CHECK(hp_target_builtin("harman-2099", &c, NULL) == HP_ENODATA);
    CHECK(hp_target_load("/nonexistent/target.csv", &c, NULL, NULL) == HP_EIO);
}

int main(void)
{
    layouts();
    bad_inputs();
    builtins();
    T_DONE();
}
