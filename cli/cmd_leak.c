/* SPDX-License-Identifier: MIT */
/* hpfr leak: the seal (bass-leak) analysis of a measurement session. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "sessload.h"
#include "stats_leak.h"

static const char usage[] =
    "usage: hpfr leak SESSION [-o DIR] [--reference N] [--threshold DB]\n"
    "\n"
    "Seal analysis of a session written by hpfr measure. For each channel, each placement's\n"
    "leak curve: its impulse response's magnitude from 10 Hz to 1 kHz relative to the reference\n"
    "placement's (the best-sealed one, with the most level at 10-20 Hz relative to\n"
    "300 Hz-1 kHz, or --reference N), level-matched. Every placement's own leak is fitted\n"
    "jointly from its response relative to the best-sealed placement b (level + L_p - L_b,\n"
    "L_b a parameter too: a good seal still leaks a little) with the inertive model\n"
    "1 - 1/(1 + s/(Q w0) + s^2/w0^2) and the resistive one (s/wc)/(1 + s/wc), keeping the\n"
    "inertive one only when it lowers the residual by 20 %; reported: the -3 dB corner, f0, Q,\n"
    "the residual, and the dB lost relative to the reference at 20, 50 and 100 Hz. The seal\n"
    "verdict comes from the spread (standard deviation over placements) of the bass level,\n"
    "20-50 Hz relative to 500 Hz-2 kHz in fr-<ch>.csv: seal-sensitive from --threshold on.\n"
    "\n"
    "  -o, --output DIR   where to write (default SESSION/leak):\n"
    "                       leak.csv  placement,ear,model,corner_hz,f0_hz,q,loss20_db,\n"
    "                                 loss50_db,loss100_db,residual_db\n"
    "                       leak-<ch>-<placement>.csv  frequency,db: the leak curves\n"
    "                       summary.json  the verdict with its evidence, fit details\n"
    "  --reference N      placement N (its number in session.json) as the reference\n"
    "  --threshold DB     seal-sensitive from this bass spread on (default 1)\n"
    "Needs at least 2 placements with status \"done\", each with fr-<ch>.csv and ir-<ch>.wav.\n";

typedef struct {
    const char *session, *out;
    unsigned reference;
    double threshold_db;
} leak_opts;

static int parse(int argc, char **argv, leak_opts *o)
{
    static const struct option longopts[] = {{"output", required_argument, 0, 'o'},
                                              {"reference", required_argument, 0, 'r'},
                                              {"threshold", required_argument, 0, 't'},
                                              {0, 0, 0, 0}};
    int ch;
    double v;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 'r':
            if (!hp_cli_number("leak", "--reference", optarg, 1, 1e6, &v))
                return HP_EXIT_BAD;
            if (v != floor(v))
                return hp_cli_fail("leak", "--reference %s: a placement number", optarg);
            o->reference = (unsigned)v;
            break;
        case 't':
            if (!hp_cli_number("leak", "--threshold", optarg, 0.01, 100, &o->threshold_db))
                return HP_EXIT_BAD;
            break;
        default: return hp_cli_bad_option("leak", argc, argv, ch);
        }
    }
    if (optind >= argc)
        return hp_cli_fail("leak", "need the SESSION directory (see hpfr leak --help)");
    o->session = argv[optind++];
    return hp_cli_extra_args("leak", argc, argv) ? HP_EXIT_BAD : 0;
}

static int run(int argc, char **argv)
{
    hp_seal_cfg cfg = hp_seal_cfg_default();
    leak_opts o = {.threshold_db = cfg.sensitive_db};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    cfg.sensitive_db = o.threshold_db;
    char *dflt = NULL;
    if (!o.out) {
        size_t n = strlen(o.session) + sizeof "/leak";
        if (!(dflt = malloc(n)))
            return hp_cli_fail("leak", "out of memory");
        snprintf(dflt, n, "%s/leak", o.session);
        o.out = dflt;
    }
    sess s;
    leak_result r;
    memset(&r, 0, sizeof r);
    rc = sess_load("leak", o.session, 0, &s);
    if (!rc)
        rc = leak_compute("leak", &s, o.reference, &cfg, &r);
    if (!rc)
        rc = leak_write("leak", &s, &r, o.out);
    if (!rc)
        leak_print(&s, &r, o.out);
    leak_release(&r);
    sess_release(&s);
    free(dflt);
    return rc;
}

const hp_cmd hp_cmd_leak = {"leak", "seal analysis: leak curves, leak fits, seal verdict", usage,
                            run};
