/* SPDX-License-Identifier: MIT */
/* hpfr plot: draws any result hpfr writes (responses, placements, balance, comparisons,
 * impulse responses, distortion, leak curves, EQ) through gnuplot into PNG, SVG or a
 * self-contained interactive HTML page. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "kinds.h"
#include "render.h"

static const char usage[] =
    "usage: hpfr plot KIND INPUT... -o FILE.png|FILE.svg|FILE.html [options]\n"
    "\n"
    "Kinds and their inputs:\n"
    "  fr FR.csv|DIR...        frequency responses (fr.csv, fr-L.csv, ... or AutoEq-style\n"
    "                          eq.csv): raw, smoothed, target and equalized, one colour per file\n"
    "  placements SESSION      every placement of a session, their mean and min-max band, per ear\n"
    "  balance L.csv R.csv | DIR...   left minus right (a placement or session directory)\n"
    "  compare INPUT...        several headphones (files, placement or session directories),\n"
    "                          normalized (--normalize)\n"
    "  ir IR.wav|DIR...        impulse response and energy-time curve, analysis window marked\n"
    "                          (read from summary.json beside the IR)\n"
    "  thd THD.csv|DIR...      THD and H2-H5 against frequency, in % and dB\n"
    "  leak DIR [DIR2]         leak curves of `hpfr leak` with their fitted models; two\n"
    "                          directories: two headphones side by side\n"
    "  eq DIR|ParametricEQ.txt each PEQ filter, their sum and the FIRs' response (`hpfr eq`)\n"
    "\n"
    "The extension of -o picks the format: .png (pngcairo), .svg, or .html (gnuplot's canvas\n"
    "with mouse readout, zoom and a toggle per curve; scripts inlined, no file or network\n"
    "fetches). Titles name the headphone, date, smoothing and rig profile when session.json\n"
    "and summary.json say them.\n"
    "\n"
    "  -o, --output FILE   the plot; its directory is created when missing\n"
    "  --size W,H          pixels (default 1600,900)\n"
    "  --title TEXT        title instead of the automatic one\n"
    "  --ylim LO,HI        fix the dB axis (default: automatic, 5 dB steps for responses)\n"
    "  --normalize 500|1k|mean   compare: 0 dB at 500 Hz (default), 1 kHz or the 300 Hz-3 kHz\n"
    "                      mean\n"
    "  --curve smoothed|raw      placements, balance, compare: which column (default smoothed)\n"
    "  --keep-script       keep FILE's .gp script and .dat data beside it, to restyle and\n"
    "                      rerun with gnuplot\n"
    "gnuplot must be installed (Debian: gnuplot-nox); HPFR_GNUPLOT names another binary.\n";

typedef struct {
    const char *out, *kind;
    char **inputs;
    size_t ninputs;
    unsigned width, height;
    int have_ylim, normalize_given;
    double ylo, yhi;
    int keep;
    hp_plot_opts po;
} plot_opts;

/* "A,B" into two numbers in [lo, hi]. */
static int pair(const char *opt, const char *text, double lo, double hi, double *a, double *b)
{
    const char *comma = strchr(text, ',');
    if (!comma || strchr(comma + 1, ',')) {
        hp_cli_fail("plot", "%s %s: expected two numbers separated by a comma", opt, text);
        return 0;
    }
    char first[64];
    size_t n = (size_t)(comma - text);
    if (n >= sizeof first) {
        hp_cli_fail("plot", "%s %s: not a number", opt, text);
        return 0;
    }
    memcpy(first, text, n);
    first[n] = '\0';
    return hp_cli_number("plot", opt, first, lo, hi, a) &&
           hp_cli_number("plot", opt, comma + 1, lo, hi, b);
}

static int parse(int argc, char **argv, plot_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},   {"size", required_argument, 0, 's'},
        {"title", required_argument, 0, 't'},    {"ylim", required_argument, 0, 'y'},
        {"normalize", required_argument, 0, 'n'}, {"curve", required_argument, 0, 'c'},
        {"keep-script", no_argument, 0, 'k'},    {0, 0, 0, 0}};
    int ch;
    double a, b;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 's':
            if (!pair("--size", optarg, 100, 10000, &a, &b))
                return HP_EXIT_BAD;
            if (a != floor(a) || b != floor(b))
                return hp_cli_fail("plot", "--size %s: whole pixels", optarg);
            o->width = (unsigned)a;
            o->height = (unsigned)b;
            break;
        case 't': o->po.title = optarg; break;
        case 'y':
            if (!pair("--ylim", optarg, -1000, 1000, &o->ylo, &o->yhi))
                return HP_EXIT_BAD;
            if (!(o->ylo < o->yhi))
                return hp_cli_fail("plot", "--ylim %s: the first number must be the lower", optarg);
            o->have_ylim = 1;
            break;
        case 'n':
            if (!strcmp(optarg, "500"))
                o->po.normalize = HP_NORM_500;
            else if (!strcmp(optarg, "1k") || !strcmp(optarg, "1000"))
                o->po.normalize = HP_NORM_1K;
            else if (!strcmp(optarg, "mean"))
                o->po.normalize = HP_NORM_MEAN;
            else
                return hp_cli_fail("plot", "--normalize %s: use 500, 1k or mean", optarg);
            o->normalize_given = 1;
            break;
        case 'c':
            if (strcmp(optarg, "smoothed") && strcmp(optarg, "raw"))
                return hp_cli_fail("plot", "--curve %s: use smoothed or raw", optarg);
            o->po.use_raw = !strcmp(optarg, "raw");
            break;
        case 'k': o->keep = 1; break;
        default: return hp_cli_bad_option("plot", argc, argv, ch);
        }
    }
    if (optind >= argc)
        return hp_cli_fail("plot", "no plot kind given (see hpfr plot --help)");
    o->kind = argv[optind++];
    o->inputs = argv + optind;
    o->ninputs = (size_t)(argc - optind);
    return 0;
}

static int kinds_list(char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; hp_plot_kind_at(i); i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s", i ? ", " : "", hp_plot_kind_at(i)->name);
    }
    return 0;
}

static int check(const plot_opts *o, const hp_plot_kind **kind, hp_ptkind *term)
{
    char list[200];
    kinds_list(list, sizeof list);
    if (!(*kind = hp_plot_kind_find(o->kind)))
        return hp_cli_fail("plot", "unknown plot kind '%s' (%s)", o->kind, list);
    if (o->ninputs < (*kind)->min_inputs)
        return hp_cli_fail("plot", "%s needs %s", o->kind, (*kind)->args);
    if (o->ninputs > (*kind)->max_inputs)
        return hp_cli_fail("plot", "%s takes at most %zu input%s", o->kind, (*kind)->max_inputs,
                           (*kind)->max_inputs == 1 ? "" : "s");
    if (!o->out)
        return hp_cli_fail("plot", "need -o FILE.png, FILE.svg or FILE.html");
    if (hp_render_kind(o->out, term) != HP_OK)
        return hp_cli_fail("plot", "%s: the name must end in .png, .svg or .html", o->out);
    if (o->normalize_given && strcmp(o->kind, "compare"))
        return hp_cli_fail("plot", "--normalize is for compare");
    return 0;
}

/* gnuplot's own warnings, one hpfr warning line each. */
static void show_warnings(char *w)
{
    for (char *line = strtok(w, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line)
            hp_cli_warn("plot", "gnuplot: %s", line);
    }
}

static int run(int argc, char **argv)
{
    plot_opts o;
    memset(&o, 0, sizeof o);
    o.width = 1600;
    o.height = 900;
    o.po.normalize = HP_NORM_500;
    const hp_plot_kind *kind;
    hp_ptkind term;
    int rc = parse(argc, argv, &o);
    if (!rc)
        rc = check(&o, &kind, &term);
    if (rc)
        return rc;
    char why[1024] = "";
    hp_pfig *fig = NULL;
    if (kind->build(o.inputs, o.ninputs, &o.po, &fig, why, sizeof why) != HP_OK)
        return hp_cli_fail("plot", "%s", why[0] ? why : "cannot build the plot");
    hp_pfig_autorange(fig);
    if (o.have_ylim && hp_pfig_fix_db(fig, o.ylo, o.yhi) != HP_OK) {
        hp_pfig_free(fig);
        return hp_cli_fail("plot", "--ylim: invalid range");
    }
    char about[600];
    snprintf(about, sizeof about, "hpfr plot %s", o.kind);
    for (size_t i = 0; i < o.ninputs; i++) {
        size_t n = strlen(about);
        snprintf(about + n, sizeof about - n, " %s", o.inputs[i]);
    }
    hp_render_opts ro = {{term, o.width, o.height}, o.keep, about};
    char *warnings = NULL;
    hp_err e = hp_render(fig, o.out, &ro, why, sizeof why, &warnings);
    hp_pfig_free(fig);
    if (e != HP_OK)
        return hp_cli_fail("plot", "%s", why[0] ? why : hp_strerror(e));
    if (warnings)
        show_warnings(warnings);
    free(warnings);
    printf("wrote %s%s\n", o.out, o.keep ? " (with its .gp script and .dat data)" : "");
    return 0;
}

const hp_cmd hp_cmd_plot = {"plot", "plots of responses, placements, distortion, leak and EQ",
                            usage, run};
