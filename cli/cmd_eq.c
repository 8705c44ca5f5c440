/* SPDX-License-Identifier: MIT */
/* hpfr eq: a measured response in, a correction to a target out, as parametric EQ for the
 * equalizers people run (and FIR, graphic EQ, ...), with a summary of how close it gets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "eq.h"
#include "eqexport.h"
#include "targets.h"

static const char usage[] =
    "usage: hpfr eq MEASUREMENT [RIGHT] -o DIR [options]\n"
    "       hpfr eq --robust SESSION -o DIR [options]\n"
    "       hpfr eq --batch DIR_OF_MEASUREMENTS -o OUT [options]\n"
    "\n"
    "Fits a parametric EQ that brings the measurement to the target and writes it in every\n"
    "format (ParametricEQ.txt for EqualizerAPO, PipeWire, EasyEffects, CamillaDSP, sox, REW,\n"
    "AutoEq CSV, GraphicEQ.txt and FIR WAVs) plus summary.json: the filters, the error before\n"
    "and after, AutoEq's loss and the predicted preference (Olive et al.) before and after.\n"
    "ParametricEQ-rates.txt holds the filters re-tuned for 44.1, 48, 88.2, 96 and 192 kHz\n"
    "(EqualizerAPO picks by the device's rate): every rate within 0.05 dB up to 16 kHz.\n"
    "\n"
    "MEASUREMENT: hpfr's fr.csv, an AutoEq CSV (',' ';' or tab, decimal comma, header or not),\n"
    "a REW text export, a squig.link file (\"Model L.txt\" pairs with \"Model R.txt\"), or a\n"
    "session directory from hpfr measure (its average). With two files or an L/R pair, left and\n"
    "right are fitted apart when they differ by more than 0.5 dB (or with --per-channel).\n"
    "\n"
    "Target:\n"
    "  --target NAME|FILE   a built-in target or any response file, e.g. another headphone's\n"
    "                       measurement to sound like it. Built-in (AutoEq's curves, MIT):\n"
    "      harman-oe-2018          Harman over-ear 2018, with its bass shelf (default)\n"
    "      harman-oe-2018-wo-bass  the same without bass (AutoEq adds --bass-boost 6)\n"
    "      harman-ie-2019          Harman in-ear 2019 v2\n"
    "      iso-11904-2             ISO 11904-2 diffuse field at the eardrum\n"
    "      flat                    0 dB everywhere (not neutral on a coupler: a warning)\n"
    "  --bass-boost DB      add a low shelf (105 Hz, Q 0.7) to the target\n"
    "  --tilt DB            add DB per octave (pivot 1 kHz)\n"
    "  --treble DB          add a high shelf (10 kHz, Q 0.7)\n"
    "  --align HZ           meet the measurement's level at HZ instead of by the mean\n"
    "                       difference over 100 Hz-10 kHz (AutoEq's way)\n"
    "Filters and limits (--preset sets them all; the options below override it):\n"
    "  --preset NAME        device limits:\n"
    "      autoeq     AutoEq's budget: shelves at 105 Hz and 10 kHz (Q 0.7) + 8 peaking,\n"
    "                 fc 20 Hz-10 kHz, Q 0.18-6, +-20 dB, +6 dB boost cap (the default)\n"
    "      peq10      generic 10-band parametric EQ: 10 peaking filters, same limits\n"
    "      qudelix    Qudelix-5K: shelves + 8 peaking, Q 0.1-7, +-12 dB\n"
    "      poweramp   Poweramp: shelves + 8 peaking, Q 0.1-12, +-15 dB\n"
    "      wavelet    Wavelet (Android): GraphicEQ.txt only\n"
    "      graphic10  10-band graphic EQ at 31.25 Hz x 2^k, Q 1.41, integer dB, +-12 dB,\n"
    "                 no preamp\n"
    "      graphic31  31-band graphic EQ at 20 Hz x 2^(k/3), Q 4.32, integer dB, +-12 dB,\n"
    "                 no preamp\n"
    "  --filters N          filters in all, shelves included (default 10)\n"
    "  --shelves LS,HS      fixed shelf frequencies, Q 0.7; 0 or none for no shelf\n"
    "                       (default 105,10000)\n"
    "  --max-boost DB       the EQ never boosts more than this (default 6)\n"
    "  --fc-range LO,HI     peaking filters' centre frequencies (default 20,10000)\n"
    "  --q-range LO,HI      their Q (default 0.18248,6)\n"
    "  --gain-range LO,HI   every filter's gain in dB (default -20,20)\n"
    "  --fit-range LO,HI    band fitted point by point (default 20,10000); above it up to\n"
    "                       20 kHz only the average level counts\n"
    "  --rate HZ            design rate: 44100, 48000 (default), 88200, 96000 or 192000;\n"
    "                       the one-set formats (ParametricEQ.txt, sox, CamillaDSP,\n"
    "                       EasyEffects) are for a device running at this rate\n"
    "Output:\n"
    "  --format LIST        all (default) or a comma list of apo, apo-rates, graphic, csv,\n"
    "                       pipewire, easyeffects, camilladsp, sox, rew, fir\n"
    "  --fir-taps N         FIR length at 48 kHz (default 4096; 0: no FIR files)\n"
    "  --name NAME          headphone name in titles (default: from the file name)\n"
    "  --per-channel        fit left and right apart even when they agree\n"
    "  --robust SESSION     seal-aware fit: weight each frequency by the inverse of its\n"
    "                       variance between the session's placements, and cap the treble\n"
    "                       correction where they disagree; without MEASUREMENT the session's\n"
    "                       average is corrected\n"
    "  --batch DIR          fit every .csv/.txt file in DIR, on all cores, into OUT/NAME/;\n"
    "                       a bad file is reported and skipped\n"
    "  --jobs N             batch workers (default: one per core)\n";

/* "LO,HI" into two numbers in [lo, hi], lo < hi strictly unless allow_equal. */
static int pair(const char *opt, const char *text, double lo, double hi, double out[2])
{
    char a[64];
    const char *comma = strchr(text, ',');
    if (!comma || (size_t)(comma - text) >= sizeof a)
        return hp_cli_fail("eq", "%s %s: give two numbers as LO,HI", opt, text), 0;
    memcpy(a, text, (size_t)(comma - text));
    a[comma - text] = '\0';
    if (!hp_cli_number("eq", opt, a, lo, hi, &out[0]) ||
        !hp_cli_number("eq", opt, comma + 1, lo, hi, &out[1]))
        return 0;
    if (!(out[0] < out[1]))
        return hp_cli_fail("eq", "%s %s: an empty range (LO must be below HI)", opt, text), 0;
    return 1;
}

typedef struct {
    const char *preset, *filters, *shelves, *max_boost, *fc, *q, *gain, *fit, *rate, *format;
    const char *fir_taps, *jobs, *bass, *tilt, *treble, *align;
} raw_opts;

static int parse_args(int argc, char **argv, eq_opts *o, raw_opts *r)
{
    static const struct option lo[] = {
        {"output", required_argument, 0, 'o'},     {"target", required_argument, 0, 't'},
        {"bass-boost", required_argument, 0, 'b'}, {"tilt", required_argument, 0, 'T'},
        {"treble", required_argument, 0, 'H'},     {"align", required_argument, 0, 'A'},
        {"filters", required_argument, 0, 'n'},    {"shelves", required_argument, 0, 's'},
        {"max-boost", required_argument, 0, 'm'},  {"fc-range", required_argument, 0, 'F'},
        {"q-range", required_argument, 0, 'Q'},    {"gain-range", required_argument, 0, 'G'},
        {"fit-range", required_argument, 0, 'R'},  {"rate", required_argument, 0, 'r'},
        {"preset", required_argument, 0, 'p'},     {"format", required_argument, 0, 'f'},
        {"per-channel", no_argument, 0, 'c'},      {"robust", required_argument, 0, 'S'},
        {"batch", required_argument, 0, 'B'},      {"name", required_argument, 0, 'N'},
        {"fir-taps", required_argument, 0, 'X'},   {"jobs", required_argument, 0, 'j'},
        {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out_dir = optarg; break;
        case 't': o->target = optarg; break;
        case 'b': r->bass = optarg; break;
        case 'T': r->tilt = optarg; break;
        case 'H': r->treble = optarg; break;
        case 'A': r->align = optarg; break;
        case 'n': r->filters = optarg; break;
        case 's': r->shelves = optarg; break;
        case 'm': r->max_boost = optarg; break;
        case 'F': r->fc = optarg; break;
        case 'Q': r->q = optarg; break;
        case 'G': r->gain = optarg; break;
        case 'R': r->fit = optarg; break;
        case 'r': r->rate = optarg; break;
        case 'p': r->preset = optarg; break;
        case 'f': r->format = optarg; break;
        case 'c': o->per_channel = 1; break;
        case 'S': o->robust = optarg; break;
        case 'B': o->batch = optarg; break;
        case 'N': o->name = optarg; break;
        case 'X': r->fir_taps = optarg; break;
        case 'j': r->jobs = optarg; break;
        default: return hp_cli_bad_option("eq", argc, argv, ch);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->ninput == 2)
            return hp_cli_fail("eq", "unexpected argument '%s' (at most a left and a right file)",
                               argv[i]);
        o->input[o->ninput++] = argv[i];
    }
    if (!o->out_dir)
        return hp_cli_fail("eq", "need -o DIR (see hpfr eq --help)");
    if (o->batch && (o->ninput || o->robust))
        return hp_cli_fail("eq", "--batch takes a directory and no other measurement or --robust");
    if (!o->batch && !o->ninput && !o->robust)
        return hp_cli_fail("eq", "need a measurement file, --robust SESSION or --batch DIR");
    return 0;
}

static int apply_shape(eq_opts *o, const raw_opts *r)
{
    if (r->bass && !hp_cli_number("eq", "--bass-boost", r->bass, -20, 20, &o->bass_db))
        return HP_EXIT_BAD;
    if (r->tilt && !hp_cli_number("eq", "--tilt", r->tilt, -6, 6, &o->tilt_db_oct))
        return HP_EXIT_BAD;
    if (r->treble && !hp_cli_number("eq", "--treble", r->treble, -20, 20, &o->treble_db))
        return HP_EXIT_BAD;
    if (r->align && !hp_cli_number("eq", "--align", r->align, 20, 20000, &o->align_hz))
        return HP_EXIT_BAD;
    return 0;
}

static int apply_limits(eq_opts *o, const raw_opts *r)
{
    hp_peqfit_cfg *c = &o->cfg;
    double v, p[2];
    if (r->rate) {
        if (!hp_cli_number("eq", "--rate", r->rate, 1, 1e6, &v))
            return HP_EXIT_BAD;
        if (v != 44100 && v != 48000 && v != 88200 && v != 96000 && v != 192000)
            return hp_cli_fail("eq", "--rate %s: use 44100, 48000, 88200, 96000 or 192000", r->rate);
        c->rate_hz = v;
    }
    const char *preset = r->preset ? r->preset : "autoeq";
    if (!eq_preset_apply(preset, c, &o->formats))
        return hp_cli_fail("eq", "--preset %s: unknown (autoeq, peq10, qudelix, poweramp, wavelet, "
                                 "graphic10, graphic31)", preset);
    if (c->n_fixed && (r->filters || r->shelves || r->fc || r->q))
        return hp_cli_fail("eq", "--preset %s has fixed bands: --filters, --shelves, --fc-range "
                                 "and --q-range do not apply", preset);
    if (r->shelves) {
        if (!strcmp(r->shelves, "none")) {
            c->ls_fc_hz = c->hs_fc_hz = 0;
        } else {
            if (!strchr(r->shelves, ','))
                return hp_cli_fail("eq", "--shelves %s: give LS,HS (0 for none) or none", r->shelves);
            char a[64];
            snprintf(a, sizeof a, "%.*s", (int)(strchr(r->shelves, ',') - r->shelves), r->shelves);
            if (!hp_cli_number("eq", "--shelves", a, 0, 1e5, &p[0]) ||
                !hp_cli_number("eq", "--shelves", strchr(r->shelves, ',') + 1, 0, 1e5, &p[1]))
                return HP_EXIT_BAD;
            c->ls_fc_hz = p[0];
            c->hs_fc_hz = p[1];
            c->ls_q = c->hs_q = 0.7;
        }
    }
    size_t nsh = (c->ls_fc_hz > 0) + (c->hs_fc_hz > 0);
    if (r->filters) {
        if (!hp_cli_number("eq", "--filters", r->filters, 1, HP_PEQ_MAX, &v) || v != floor(v))
            return v != floor(v) ? hp_cli_fail("eq", "--filters %s: a whole number", r->filters)
                                 : HP_EXIT_BAD;
        if ((size_t)v < nsh)
            return hp_cli_fail("eq", "--filters %s: fewer than the %zu shelves (--shelves none)",
                               r->filters, nsh);
        c->n_peak = (size_t)v - nsh;
    } else if (!c->n_fixed && nsh + c->n_peak != 10 && r->shelves) {
        c->n_peak = 10 - nsh;
    }
    if (r->max_boost && !hp_cli_number("eq", "--max-boost", r->max_boost, -1e9, 30, &c->max_boost_db))
        return HP_EXIT_BAD;
    if (r->fc) {
        if (!pair("--fc-range", r->fc, 1, 1e6, p))
            return HP_EXIT_BAD;
        c->fc_min_hz = p[0], c->fc_max_hz = p[1];
    }
    if (r->q) {
        if (!pair("--q-range", r->q, 0.01, 100, p))
            return HP_EXIT_BAD;
        c->q_min = p[0], c->q_max = p[1];
    }
    if (r->gain) {
        if (!pair("--gain-range", r->gain, -30, 30, p))
            return HP_EXIT_BAD;
        c->gain_min_db = p[0], c->gain_max_db = p[1];
    }
    if (r->fit) {
        if (!pair("--fit-range", r->fit, 1, 1e6, p))
            return HP_EXIT_BAD;
        c->fit_lo_hz = p[0], c->fit_hi_hz = p[1];
    }
    char why[256];
    if (hp_peqfit_cfg_check(c, why, sizeof why) != HP_OK)
        return hp_cli_fail("eq", "impossible constraints: %s", why);
    if (r->format) {
        unsigned m;
        if (hp_eqx_parse_formats(r->format, &m) != HP_OK)
            return hp_cli_fail("eq", "--format %s: use all or a comma list of apo, apo-rates, "
                                     "graphic, csv, pipewire, easyeffects, camilladsp, sox, rew, "
                                     "fir", r->format);
        o->formats = m;
    }
    if (r->fir_taps) {
        if (!hp_cli_number("eq", "--fir-taps", r->fir_taps, 0, 1 << 20, &v) || v != floor(v))
            return v != floor(v) ? hp_cli_fail("eq", "--fir-taps %s: a whole number", r->fir_taps)
                                 : HP_EXIT_BAD;
        o->fir_taps = (size_t)v;
    }
    if (r->jobs) {
        if (!hp_cli_number("eq", "--jobs", r->jobs, 1, 256, &v) || v != floor(v))
            return v != floor(v) ? hp_cli_fail("eq", "--jobs %s: a whole number", r->jobs)
                                 : HP_EXIT_BAD;
        o->jobs = (int)v;
    }
    return 0;
}

static int load_target(const eq_opts *o, hp_frcurve *t, int *flat)
{
    hp_diag d;
    hp_err e = hp_target_load(o->target, t, flat, &d);
    if (e == HP_EIO)
        return hp_cli_fail("eq", "--target %s: neither a built-in target nor a readable file "
                                 "(built-ins: harman-oe-2018, harman-oe-2018-wo-bass, "
                                 "harman-ie-2019, iso-11904-2, flat)", o->target);
    if (e != HP_OK) {
        if (d.line > 0)
            return hp_cli_fail("eq", "%s:%ld: %s", o->target, d.line, d.reason);
        return hp_cli_fail("eq", "%s: %s", o->target, d.reason[0] ? d.reason : hp_strerror(e));
    }
    if (*flat)
        hp_cli_warn("eq", "the flat target is not neutral: on a coupler or ear simulator a "
                          "neutral headphone measures far from flat (try harman-oe-2018 or "
                          "iso-11904-2)");
    return 0;
}

static int run(int argc, char **argv)
{
    eq_opts o;
    raw_opts r;
    memset(&o, 0, sizeof o);
    memset(&r, 0, sizeof r);
    o.target = "harman-oe-2018";
    o.cfg = hp_peqfit_cfg_default();
    o.fir_taps = 4096;
    int rc = parse_args(argc, argv, &o, &r);
    if (!rc)
        rc = apply_shape(&o, &r);
    if (!rc)
        rc = apply_limits(&o, &r);
    hp_frcurve target = {0};
    int flat = 0;
    if (!rc)
        rc = load_target(&o, &target, &flat);
    if (!rc && o.batch) {
        rc = eq_run_batch(&o, &target, flat);
    } else if (!rc) {
        eq_input in;
        char why[EQ_PATH_MAX + 512], report[1024];
        rc = eq_load_input(&o, &in);
        if (!rc && eq_run_one(&o, &target, flat, &in, o.out_dir, why, sizeof why, report,
                              sizeof report))
            rc = hp_cli_fail("eq", "%s", why);
        if (!rc)
            printf("%s -> %s/ (target %s)\n%s\n", in.name, o.out_dir, o.target, report);
        if (!rc || in.nch)
            eq_input_release(&in);
    }
    hp_frcurve_release(&target);
    return rc;
}

const hp_cmd hp_cmd_eq = {"eq", "parametric EQ (and FIR) to a target, for many equalizers",
                          usage, run};
