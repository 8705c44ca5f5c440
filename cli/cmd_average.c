/* SPDX-License-Identifier: MIT */
/* hpfr average: statistics over the placements of a measurement session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "sessload.h"
#include "stats_average.h"

static const char usage[] =
    "usage: hpfr average SESSION [-o DIR] [--smoothed]\n"
    "\n"
    "Statistics over the placements (re-seatings) of a session written by hpfr measure: per\n"
    "channel and frequency the power average, the dB average, the standard deviation across\n"
    "placements, min and max; a consistency figure per band (the RMS of that standard\n"
    "deviation over 20-200 Hz, 200 Hz-5 kHz and 5-10 kHz); placements whose bass level\n"
    "(20-50 Hz relative to 500 Hz-2 kHz) is an outlier by robust z-score (beyond 3.5), with\n"
    "the reason; and the left/right balance (mean L minus mean R) with its mean.\n"
    "\n"
    "  -o, --output DIR   where to write (default SESSION/average):\n"
    "                       average-<ch>.csv  frequency,power_db,mean_db,std_db,min_db,max_db\n"
    "                       balance.csv       frequency,balance_db\n"
    "                       summary.json      the figures above\n"
    "  --smoothed         use the smoothed column of fr-<ch>.csv instead of raw\n"
    "Needs at least 2 placements with status \"done\" sharing one frequency grid.\n";

typedef struct {
    const char *session, *out;
    int smoothed;
} average_opts;

static int parse(int argc, char **argv, average_opts *o)
{
    static const struct option longopts[] = {{"output", required_argument, 0, 'o'},
                                              {"smoothed", no_argument, 0, 's'},
                                              {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 's': o->smoothed = 1; break;
        default: return hp_cli_bad_option("average", argc, argv, ch);
        }
    }
    if (optind >= argc)
        return hp_cli_fail("average", "need the SESSION directory (see hpfr average --help)");
    o->session = argv[optind++];
    return hp_cli_extra_args("average", argc, argv) ? HP_EXIT_BAD : 0;
}

static int run(int argc, char **argv)
{
    average_opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    char *dflt = NULL;
    if (!o.out) {
        size_t n = strlen(o.session) + sizeof "/average";
        if (!(dflt = malloc(n)))
            return hp_cli_fail("average", "out of memory");
        snprintf(dflt, n, "%s/average", o.session);
        o.out = dflt;
    }
    sess s;
    avg_result r;
    hp_seal_cfg cfg = hp_seal_cfg_default();
    memset(&r, 0, sizeof r);
    rc = sess_load("average", o.session, o.smoothed, &s);
    if (!rc)
        rc = avg_compute("average", &s, &cfg, &r);
    if (!rc)
        rc = avg_write("average", &s, &r, o.out);
    if (!rc)
        avg_print(&s, &r, o.out);
    avg_release(&r);
    sess_release(&s);
    free(dflt);
    return rc;
}

const hp_cmd hp_cmd_average = {"average", "statistics over the placements of a session", usage,
                               run};
