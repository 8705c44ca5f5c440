/* SPDX-License-Identifier: MIT */
/* hpfr verify: the closed loop. Measures the headphones again, as hpfr measure does, with the
 * correction `hpfr eq` made applied to the sweep before it is played, and reports how far the
 * corrected response lies from the target and from what the fit predicted. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "measure.h"
#include "verify.h"

static const char usage[] =
    "usage: hpfr verify -D PCM --eq DIR [-o OUTDIR] [options]\n"
    "\n"
    "Measures the headphones again with the correction in DIR (written by hpfr eq) applied to\n"
    "the sweep before it is played: the parametric EQ of DIR/ParametricEQ.txt (per channel\n"
    "when it has Channel: blocks), designed at the rate it plays at, or with --fir the FIR\n"
    "DIR/fir-<phase>-<rate>[-L|-R].wav. Each placement is measured and analysed as hpfr\n"
    "measure does (OUTDIR is a session: sweep.wav, placement-N/, session.json). Then the mean\n"
    "measured response per ear is compared with the target and with the fit's prediction\n"
    "(DIR/eq.csv, or eq-L.csv and eq-R.csv): OUTDIR/residual-L.csv and residual-R.csv (and\n"
    "residual.csv for one filter set fitted to the mean of both ears) hold frequency, target,\n"
    "predicted, measured and residual (measured - target) in dB; OUTDIR/summary.json and the\n"
    "summary printed hold the RMS residual (20 Hz-10 kHz and 20 Hz-16 kHz), the RMS difference\n"
    "between measured and predicted, and the verdict. Measure with the calibration options\n"
    "(--mic-cal, --profile) and the rig of the measurement the EQ was fitted to.\n"
    "\n"
    "  -D, --device PCM        ALSA device for playback, and capture unless --capture-device\n"
    "  --capture-device PCM    separate capture device (own clock: drift measured, corrected)\n"
    "  --eq DIR                the output directory of hpfr eq\n"
    "  -o, --output OUTDIR     where the verify measurement goes (default DIR/verify)\n"
    "  --fir minimum|linear    play the FIR of that phase instead of the parametric EQ\n"
    "  --placements N          placements measured and averaged (default 1)\n"
    "  --channels L,R|L|R      drivers to sweep (default L,R)\n"
    "  --ref-channel N         capture channel N is an electrical loopback of the output\n"
    "  --rate HZ               sample rate (default 48000); the PEQ is designed at it, and\n"
    "                          the FIR for it is played\n"
    "  --length S | --samples N   sweep length (default 5.5 s)\n"
    "  --level DBFS            sweep peak level before the correction (default -12)\n"
    "  --mic-cal L.txt,R.txt   microphone calibration files, one per microphone input\n"
    "  --profile RIG.cal       rig profile (microphones, interface, SPL offsets)\n"
    "  --name TEXT             headphone model, recorded in the session\n"
    "  --yes                   do not ask before each placement\n";

enum { O_CAPDEV = 256, O_EQ, O_FIR, O_PLACEMENTS, O_CHANNELS, O_REF, O_RATE, O_LENGTH,
       O_SAMPLES, O_LEVEL, O_NAME, O_YES, O_MICCAL, O_PROFILE };

typedef struct {
    const char *eq_dir;
    verify_mode mode;
    int have_length;
} verify_args;

static int whole(const char *opt, const char *text, double lo, double hi, double *v)
{
    if (!hp_cli_number("verify", opt, text, lo, hi, v))
        return HP_EXIT_BAD;
    if (*v != floor(*v))
        return hp_cli_fail("verify", "%s %s: must be a whole number", opt, text);
    return 0;
}

static int parse_one(int ch, measure_opts *o, verify_args *a)
{
    double v;
    switch (ch) {
    case 'D': o->device = optarg; return 0;
    case 'o': o->session_dir = optarg; return 0;
    case O_CAPDEV: o->capture_device = optarg; return 0;
    case O_EQ: a->eq_dir = optarg; return 0;
    case O_FIR:
        if (!strcmp(optarg, "minimum"))
            a->mode = VERIFY_FIR_MINIMUM;
        else if (!strcmp(optarg, "linear"))
            a->mode = VERIFY_FIR_LINEAR;
        else
            return hp_cli_fail("verify", "--fir %s: use minimum or linear", optarg);
        return 0;
    case O_PLACEMENTS:
        if (whole("--placements", optarg, 1, HP_SESSION_MAX_PLACEMENTS, &v))
            return HP_EXIT_BAD;
        o->placements = (unsigned)v;
        return 0;
    case O_CHANNELS: return measure_parse_channels("verify", optarg, &o->ears);
    case O_REF:
        if (whole("--ref-channel", optarg, 1, HP_DUPLEX_MAX_CH, &v))
            return HP_EXIT_BAD;
        o->ref_channel = (int)v;
        return 0;
    case O_RATE:
        if (!hp_cli_number("verify", "--rate", optarg, 8000, 768000, &o->rate_hz))
            return HP_EXIT_BAD;
        if (!hp_sweep_rate_supported(o->rate_hz))
            return hp_cli_fail("verify", "--rate %s: use 44100, 48000, 88200, 96000 or 192000",
                               optarg);
        return 0;
    case O_LENGTH:
        a->have_length = 1;
        return hp_cli_number("verify", "--length", optarg, 0.5, 60, &o->length_s) ? 0 : HP_EXIT_BAD;
    case O_SAMPLES:
        if (whole("--samples", optarg, 16384, 1 << 23, &v))
            return HP_EXIT_BAD;
        o->samples = (size_t)v;
        return 0;
    case O_LEVEL:
        return hp_cli_number("verify", "--level", optarg, -80, 0, &o->level_db) ? 0 : HP_EXIT_BAD;
    case O_NAME: o->name = optarg; return 0;
    case O_YES: o->yes = true; return 0;
    case O_MICCAL: o->mic_cal = optarg; return 0;
    case O_PROFILE: o->profile = optarg; return 0;
    }
    return -1;
}

static int parse(int argc, char **argv, measure_opts *o, verify_args *a)
{
    static const struct option lo[] = {
        {"device", required_argument, 0, 'D'},          {"output", required_argument, 0, 'o'},
        {"capture-device", required_argument, 0, O_CAPDEV},
        {"eq", required_argument, 0, O_EQ},             {"fir", required_argument, 0, O_FIR},
        {"placements", required_argument, 0, O_PLACEMENTS},
        {"channels", required_argument, 0, O_CHANNELS}, {"ref-channel", required_argument, 0, O_REF},
        {"rate", required_argument, 0, O_RATE},         {"length", required_argument, 0, O_LENGTH},
        {"samples", required_argument, 0, O_SAMPLES},   {"level", required_argument, 0, O_LEVEL},
        {"name", required_argument, 0, O_NAME},         {"yes", no_argument, 0, O_YES},
        {"mic-cal", required_argument, 0, O_MICCAL},    {"profile", required_argument, 0, O_PROFILE},
        {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":D:o:", lo, NULL)) != -1) {
        int rc = parse_one(ch, o, a);
        if (rc < 0)
            return hp_cli_bad_option("verify", argc, argv, ch);
        if (rc)
            return rc;
    }
    if (hp_cli_extra_args("verify", argc, argv))
        return HP_EXIT_BAD;
    if (!a->eq_dir)
        return hp_cli_fail("verify", "no EQ to verify: give --eq DIR (the directory hpfr eq wrote)");
    if (strlen(a->eq_dir) > 3000 || (o->session_dir && strlen(o->session_dir) > 3000))
        return hp_cli_fail("verify", "--eq or -o: the path is too long");
    if (!o->device)
        return hp_cli_fail("verify", "no device: give -D PCM, the rig the EQ's measurement was "
                           "made on (the simulated rig: -D hpfr_sim)");
    if (a->have_length && o->samples)
        return hp_cli_fail("verify", "give --length or --samples, not both");
    return 0;
}

/* OUTDIR is a fresh session: an earlier verify measurement is never mixed into a new one. */
static int fresh_output(measure_ctx *m)
{
    const char *dir = m->opt.session_dir;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, HP_SESSION_FILE);
    if (access(path, F_OK) == 0)
        return hp_cli_fail("verify", "%s already holds a verify measurement: remove it, or give "
                           "another -o", dir);
    if (mkdir(dir, 0777) == 0)
        m->created_dir = true;
    else if (errno != EEXIST)
        return hp_cli_fail("verify", "%s: cannot create: %s", dir, strerror(errno));
    return 0;
}

static int placements(measure_ctx *m, size_t *done)
{
    for (unsigned i = 1; i <= m->session.planned; i++) {
        int ans = measure_prompt(m, i);
        if (ans == 'q' || hp_measure_interrupted)
            return HP_MEASURE_STOP;
        if (ans == 's') {
            printf("placement %u/%u skipped\n", i, m->session.planned);
            continue;
        }
        int rc = measure_placement(m, i);
        if (rc)
            return rc;
        ++*done;
    }
    return 0;
}

static int run(int argc, char **argv)
{
    measure_ctx m;
    verify_args a = {NULL, VERIFY_PEQ, 0};
    verify_eq q;
    char out[3100];
    memset(&m, 0, sizeof m);
    memset(&q, 0, sizeof q);
    m.cmd = "verify";
    m.opt = (measure_opts){.placements = 1, .rate_hz = 48000, .length_s = 5.5, .level_db = -12};
    int rc = parse(argc, argv, &m.opt, &a);
    if (rc)
        return rc;
    q.dir = a.eq_dir;
    q.mode = a.mode;
    q.rate_hz = m.opt.rate_hz;
    /* Everything the correction needs is read before a device opens or a file is made. */
    rc = verify_eq_load(&q);
    if (!rc && !m.opt.session_dir) {
        snprintf(out, sizeof out, "%s/verify", a.eq_dir);
        m.opt.session_dir = out;
    }
    hp_pcm_use_simrig_config();
    if (!rc)
        rc = fresh_output(&m);
    if (!rc) {
        hp_session *s = &m.session;
        snprintf(s->name, sizeof s->name, "%s", m.opt.name ? m.opt.name : "");
        hp_session_now(s->created, sizeof s->created);
        s->planned = m.opt.placements;
        m.tty_in = isatty(STDIN_FILENO);
        m.tty_err = isatty(STDERR_FILENO);
        m.shape_stim = verify_shape_stim;
        m.shape_arg = &q;
        measure_install_sigint();
        rc = measure_prepare(&m, 1);
    }
    size_t done = 0;
    if (!rc)
        rc = placements(&m, &done);
    if (rc == HP_MEASURE_STOP || (rc && hp_measure_interrupted)) {
        fprintf(stderr, "hpfr verify: stopped after %zu placement%s: nothing verified; the "
                "measurement is in %s\n", done, done == 1 ? "" : "s", m.opt.session_dir);
        rc = hp_measure_interrupted ? 130 : HP_EXIT_BAD;
    } else if (!rc && !done) {
        rc = hp_cli_fail("verify", "every placement was skipped: nothing verified");
    } else if (!rc) {
        rc = verify_result(&q, &m);
    }
    if (rc && m.created_dir && !m.wrote_session)
        rmdir(m.opt.session_dir);
    measure_close(&m);
    measure_stim_free(&m.stim);
    free(m.captured);
    hp_session_release(&m.session);
    verify_eq_release(&q);
    snd_config_update_free_global();
    return rc;
}

const hp_cmd hp_cmd_verify = {"verify", "measure again with an EQ applied and compare with its "
                              "target and prediction", usage, run};
