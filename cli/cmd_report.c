/* SPDX-License-Identifier: MIT */
/* hpfr report: one self-contained HTML page for a measurement session: a summary table, the
 * placements, every plot inline as SVG, leak and seal, the EQ and links to its exported
 * profiles (plots/report.h does the work). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "outset.h"
#include "report.h"
#include "session.h"
#include "version.h"

static const char usage[] =
    "usage: hpfr report SESSION -o REPORT.html [--eq DIR] [--leak DIR] [--average DIR]\n"
    "\n"
    "Writes one self-contained HTML page about a session measured with hpfr measure: a summary\n"
    "table (devices, rate, sweep, latency, SNR and peak-to-noise, THD at 100 Hz and 1 kHz, L/R\n"
    "imbalance, bass spread, leak corners, seal verdict, the EQ and its preamp), when each\n"
    "placement was measured, every plot (inline SVG: nothing is fetched), and links to the\n"
    "exported EQ profiles. It reads on a phone as well as on a desktop.\n"
    "\n"
    "The outputs of hpfr average, hpfr leak and hpfr eq are added when they are found, in\n"
    "SESSION/average, SESSION/leak and SESSION/eq or where the options say; the page states\n"
    "what is missing, and what could not be read (with a warning here).\n"
    "\n"
    "  -o, --output FILE   the page (its directory must exist); links are relative to it\n"
    "  --average DIR       hpfr average's output (default SESSION/average)\n"
    "  --leak DIR          hpfr leak's output (default SESSION/leak)\n"
    "  --eq DIR            hpfr eq's output (default SESSION/eq)\n"
    "gnuplot draws the plots (Debian: gnuplot-nox); without it the page says so.\n";

typedef struct {
    const char *out, *session;
    hp_rep_opts ro;
} report_opts;

static int parse(int argc, char **argv, report_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'}, {"eq", required_argument, 0, 'e'},
        {"leak", required_argument, 0, 'l'},   {"average", required_argument, 0, 'a'},
        {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 'e': o->ro.eq_dir = optarg; break;
        case 'l': o->ro.leak_dir = optarg; break;
        case 'a': o->ro.average_dir = optarg; break;
        default: return hp_cli_bad_option("report", argc, argv, ch);
        }
    }
    if (optind >= argc)
        return hp_cli_fail("report", "no session given (see hpfr report --help)");
    o->session = argv[optind++];
    if (hp_cli_extra_args("report", argc, argv))
        return HP_EXIT_BAD;
    if (!o->out)
        return hp_cli_fail("report", "need -o REPORT.html");
    return 0;
}

/* Before any work: the output must be a file name in a directory that exists. */
static int check_output(const char *out)
{
    struct stat st;
    size_t n = strlen(out);
    if (!n || out[n - 1] == '/' || (stat(out, &st) == 0 && S_ISDIR(st.st_mode)))
        return hp_cli_fail("report", "%s: is a directory; -o names the page's file", out);
    const char *slash = strrchr(out, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash == out ? 1 : slash - out) : 1,
             slash ? out : ".");
    if (stat(dir, &st) != 0)
        return hp_cli_fail("report", "%s: %s", out, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return hp_cli_fail("report", "%s: %s", out, strerror(ENOTDIR));
    return 0;
}

static int run(int argc, char **argv)
{
    report_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse(argc, argv, &o);
    if (!rc)
        rc = check_output(o.out);
    if (rc)
        return rc;
    char why[2048] = "";
    hp_report r;
    hp_err e = hp_rep_load(o.session, &o.ro, &r, why, sizeof why);
    if (e != HP_OK)
        return hp_cli_fail("report", "%s", why[0] ? why : hp_strerror(e));
    e = hp_rep_plot(&r, why, sizeof why);
    char now[32];
    hp_session_now(now, sizeof now);
    hp_sbuf page = {0};
    if (e == HP_OK)
        e = hp_rep_html(&r, o.out, now, "hpfr " HP_VERSION, &page);
    if (e == HP_OK && hp_write_file_atomic(o.out, page.p, page.len) != HP_OK) {
        snprintf(why, sizeof why, "%s: %s", o.out, strerror(errno));
        e = HP_EIO;
    }
    if (e != HP_OK) {
        hp_rep_release(&r);
        hp_sbuf_release(&page);
        return hp_cli_fail("report", "%s", why[0] ? why : hp_strerror(e));
    }
    for (size_t i = 0; i < r.nwarn; i++)
        hp_cli_warn("report", "%s", r.warn[i]);
    printf("wrote %s: %zu placement%s, %zu KB\n", o.out, r.np, r.np == 1 ? "" : "s",
           (page.len + 1023) / 1024);
    hp_rep_release(&r);
    hp_sbuf_release(&page);
    return 0;
}

const hp_cmd hp_cmd_report = {"report", "one self-contained HTML report of a session", usage,
                              run};
