/* SPDX-License-Identifier: MIT */
/* hpfr measure: sweeps through the headphones on a rig, placement after placement, each
 * capture saved and analysed the moment it is taken. */
#include <dirent.h>
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
#include "outset.h"

static const char usage[] =
    "usage: hpfr measure -D PCM -o SESSION [options]\n"
    "\n"
    "Plays a left-then-right sweep through the headphones and captures the rig's microphones,\n"
    "placement after placement. Each placement is saved in SESSION/placement-N/ (capture.wav\n"
    "and the hpfr analyze outputs fr-L.csv, fr-R.csv, ...) and recorded in SESSION/session.json\n"
    "as soon as it is captured; --resume continues an interrupted session.\n"
    "\n"
    "  -D, --device PCM        ALSA device for playback, and capture unless --capture-device\n"
    "                          (no sound card? try the simulated rig: -D hpfr_sim)\n"
    "  --capture-device PCM    separate capture device (own clock: drift measured, corrected)\n"
    "  -o, --output SESSION    session directory\n"
    "  --placements N          number of placements (default 5)\n"
    "  --channels L,R|L|R      drivers to sweep (default L,R: left, then right; L or R\n"
    "                          measures one ear alone, without crosstalk)\n"
    "  --ref-channel N         capture channel N is an electrical loopback of the output:\n"
    "                          the analysis divides by it (removes latency and drift)\n"
    "  --rate HZ               sample rate (default 48000)\n"
    "  --length S | --samples N   sweep length (default 5.5 s)\n"
    "  --f1 HZ, --f2 HZ        sweep band (default 10 Hz to 24 kHz or Nyquist)\n"
    "  --level DBFS|auto       sweep peak level (default -12); auto leaves 6 dB of headroom\n"
    "  --mic-cal L.txt,R.txt   microphone calibration files, one per microphone input\n"
    "  --profile RIG.cal       rig profile (microphones, interface, SPL offsets, compensation)\n"
    "  --compensation FILE     also write fr-comp-L.csv ...: the response minus this curve\n"
    "  --name TEXT             headphone model, recorded in the session\n"
    "  --yes                   do not ask before each placement\n"
    "  --resume                continue the session in SESSION where it stopped\n";

enum { O_CAPDEV = 256, O_PLACEMENTS, O_CHANNELS, O_REF, O_RATE, O_LENGTH, O_SAMPLES, O_F1, O_F2,
       O_LEVEL, O_NAME, O_YES, O_RESUME, O_MICCAL, O_PROFILE, O_COMP };

int measure_parse_channels(const char *cmd, const char *s, unsigned *ears)
{
    if (!strcasecmp(s, "L,R"))
        *ears = 0;
    else if (!strcasecmp(s, "L"))
        *ears = 1;
    else if (!strcasecmp(s, "R"))
        *ears = 2;
    else
        return hp_cli_fail(cmd, "--channels %s: use L,R (left, then right), L or R", s);
    return 0;
}

static int parse(int argc, char **argv, measure_opts *o)
{
    static const struct option lo[] = {
        {"device", required_argument, 0, 'D'},          {"output", required_argument, 0, 'o'},
        {"capture-device", required_argument, 0, O_CAPDEV},
        {"placements", required_argument, 0, O_PLACEMENTS},
        {"channels", required_argument, 0, O_CHANNELS}, {"ref-channel", required_argument, 0, O_REF},
        {"rate", required_argument, 0, O_RATE},         {"length", required_argument, 0, O_LENGTH},
        {"samples", required_argument, 0, O_SAMPLES},   {"f1", required_argument, 0, O_F1},
        {"f2", required_argument, 0, O_F2},             {"level", required_argument, 0, O_LEVEL},
        {"name", required_argument, 0, O_NAME},         {"yes", no_argument, 0, O_YES},
        {"resume", no_argument, 0, O_RESUME},           {"mic-cal", required_argument, 0, O_MICCAL},
        {"profile", required_argument, 0, O_PROFILE},   {"compensation", required_argument, 0, O_COMP},
        {0, 0, 0, 0}};
    double v;
    int ch, have_length = 0;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":D:o:", lo, NULL)) != -1) {
        switch (ch) {
        case 'D': o->device = optarg; break;
        case 'o': o->session_dir = optarg; break;
        case O_CAPDEV: o->capture_device = optarg; break;
        case O_PLACEMENTS:
            if (!hp_cli_number("measure", "--placements", optarg, 1, HP_SESSION_MAX_PLACEMENTS, &v))
                return HP_EXIT_BAD;
            if (v != floor(v))
                return hp_cli_fail("measure", "--placements %s: must be a whole number", optarg);
            o->placements = (unsigned)v;
            o->placements_given = true;
            break;
        case O_CHANNELS:
            if (measure_parse_channels("measure", optarg, &o->ears))
                return HP_EXIT_BAD;
            o->given |= MEASURE_GIVEN_CHANNELS;
            break;
        case O_REF:
            if (!hp_cli_number("measure", "--ref-channel", optarg, 1, HP_DUPLEX_MAX_CH, &v))
                return HP_EXIT_BAD;
            if (v != floor(v))
                return hp_cli_fail("measure", "--ref-channel %s: must be a channel number", optarg);
            o->ref_channel = (int)v;
            o->given |= MEASURE_GIVEN_REF;
            break;
        case O_RATE:
            if (!hp_cli_number("measure", "--rate", optarg, 8000, 768000, &o->rate_hz))
                return HP_EXIT_BAD;
            if (!hp_sweep_rate_supported(o->rate_hz))
                return hp_cli_fail("measure", "--rate %s: use 44100, 48000, 88200, 96000 or 192000",
                                   optarg);
            o->given |= MEASURE_GIVEN_RATE;
            break;
        case O_LENGTH:
            if (!hp_cli_number("measure", "--length", optarg, 0.5, 60, &o->length_s))
                return HP_EXIT_BAD;
            have_length = 1;
            o->given |= MEASURE_GIVEN_LENGTH;
            break;
        case O_SAMPLES:
            if (!hp_cli_number("measure", "--samples", optarg, 16384, 1 << 23, &v))
                return HP_EXIT_BAD;
            if (v != floor(v))
                return hp_cli_fail("measure", "--samples %s: must be a whole number", optarg);
            o->samples = (size_t)v;
            o->given |= MEASURE_GIVEN_SAMPLES;
            break;
        case O_F1:
            if (!hp_cli_number("measure", "--f1", optarg, 1, 1000, &o->f1_hz))
                return HP_EXIT_BAD;
            o->given |= MEASURE_GIVEN_F1;
            break;
        case O_F2:
            if (!hp_cli_number("measure", "--f2", optarg, 1000, 96000, &o->f2_hz))
                return HP_EXIT_BAD;
            o->given |= MEASURE_GIVEN_F2;
            break;
        case O_LEVEL:
            if (!strcmp(optarg, "auto"))
                o->level_auto = true;
            else if (!hp_cli_number("measure", "--level", optarg, -80, 0, &o->level_db))
                return HP_EXIT_BAD;
            o->given |= MEASURE_GIVEN_LEVEL;
            break;
        case O_NAME: o->name = optarg; break;
        case O_YES: o->yes = true; break;
        case O_RESUME: o->resume = true; break;
        case O_MICCAL: o->mic_cal = optarg; break;
        case O_PROFILE: o->profile = optarg; break;
        case O_COMP: o->compensation = optarg; break;
        default: return hp_cli_bad_option("measure", argc, argv, ch);
        }
    }
    if (hp_cli_extra_args("measure", argc, argv))
        return HP_EXIT_BAD;
    if (!o->session_dir)
        return hp_cli_fail("measure", "no session directory: give -o SESSION");
    if (strlen(o->session_dir) > 3000)
        return hp_cli_fail("measure", "-o: the session path is too long");
    if (have_length && o->samples)
        return hp_cli_fail("measure", "give --length or --samples, not both");
    if (o->f1_hz > 0 && o->f2_hz > 0 && o->f1_hz >= o->f2_hz)
        return hp_cli_fail("measure", "--f1 %g must be below --f2 %g", o->f1_hz, o->f2_hz);
    if (o->f2_hz > o->rate_hz / 2)
        return hp_cli_fail("measure", "--f2 %g is above the Nyquist frequency (%g Hz)", o->f2_hz,
                           o->rate_hz / 2);
    return 0;
}

/* With no -D: the default device if the machine has a sound card, else a pointer to the
 * simulated rig. Never the simulator silently. */
static int pick_device(measure_opts *o)
{
    if (o->device)
        return 0;
    int card = -1;
    if (snd_card_next(&card) < 0 || card < 0)
        return hp_cli_fail("measure", "no sound card found and no -D given; to try hpfr without "
                           "hardware, use the simulated rig: hpfr measure -D hpfr_sim -o %s",
                           o->session_dir);
    o->device = "default";
    fprintf(stderr, "hpfr measure: no -D given: using the ALSA device \"default\"\n");
    return 0;
}

static int fresh_session(measure_ctx *m)
{
    measure_opts *o = &m->opt;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", o->session_dir, HP_SESSION_FILE);
    if (access(path, F_OK) == 0)
        return hp_cli_fail("measure", "%s already holds a session: add --resume to continue it, "
                           "or choose another -o", o->session_dir);
    struct stat st;
    if (mkdir(o->session_dir, 0777) == 0)
        m->created_dir = true;
    else if (errno != EEXIST)
        return hp_cli_fail("measure", "%s: cannot create: %s", o->session_dir, strerror(errno));
    else if (stat(o->session_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return hp_cli_fail("measure", "%s: %s", o->session_dir, strerror(ENOTDIR));
    hp_session *s = &m->session;
    snprintf(s->name, sizeof s->name, "%s", o->name ? o->name : "");
    hp_session_now(s->created, sizeof s->created);
    s->planned = o->placements;
    return 0;
}

/* The session's numbers agree with an option's when they print the same (session.json holds
 * them as %.17g, options come as typed). */
static bool same(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

/* On --resume, sweep options given must agree with the session: every placement of a session
 * is measured alike. */
static int check_resume_options(const measure_opts *o, const hp_session *s)
{
    const char *keep = "--resume continues with the session's own settings; leave the option out";
    if ((o->given & MEASURE_GIVEN_RATE) && !same(o->rate_hz, s->rate))
        return hp_cli_fail("measure", "--rate %g: the session is at %u Hz; %s", o->rate_hz, s->rate, keep);
    /* The sweep those options give (synchronization rounds lengths) against the session's. */
    if (o->given & (MEASURE_GIVEN_SAMPLES | MEASURE_GIVEN_LENGTH | MEASURE_GIVEN_F1 | MEASURE_GIVEN_F2)) {
        hp_sweep_cfg c = hp_sweep_cfg_default(s->rate);
        if (o->given & MEASURE_GIVEN_SAMPLES)
            c.samples = o->samples;
        else if (o->given & MEASURE_GIVEN_LENGTH)
            c.length_s = o->length_s;
        else
            c.samples = s->sweep_samples;
        c.f1_hz = (o->given & MEASURE_GIVEN_F1) ? o->f1_hz : s->f1_hz;
        c.f2_hz = (o->given & MEASURE_GIVEN_F2) ? o->f2_hz : s->f2_hz;
        c.channels = 2;
        hp_sweep_info i;
        if (hp_sweep_plan(&c, &i) != HP_OK || i.sweep_frames != s->sweep_samples ||
            !same(i.f1_hz, s->f1_hz) || !same(i.f2_hz, s->f2_hz))
            return hp_cli_fail("measure", "--samples, --length, --f1 or --f2: not the session's sweep "
                               "(%zu samples, %g-%g Hz); %s", s->sweep_samples, s->f1_hz, s->f2_hz, keep);
    }
    if ((o->given & MEASURE_GIVEN_LEVEL) && !same(o->level_db, s->level_dbfs))
        return hp_cli_fail("measure", "--level %g: the session's sweep is at %g dBFS; %s",
                           o->level_db, s->level_dbfs, keep);
    if ((o->given & MEASURE_GIVEN_CHANNELS) && o->ears != s->ears)
        return hp_cli_fail("measure", "--channels: the session measures %s; %s",
                           s->ears == 1 ? "L" : s->ears == 2 ? "R" : "L,R", keep);
    if ((o->given & MEASURE_GIVEN_REF) && o->ref_channel != s->ref_channel)
        return hp_cli_fail("measure", "--ref-channel %d: the session's reference is %s; %s",
                           o->ref_channel, s->ref_channel ? "another channel" : "the sweep", keep);
    return 0;
}

/* A session killed mid-write (kill -9, a crash, a power cut) keeps the temporaries of the
 * files being written then, in SESSION or a placement-N/ directory. No reader looks at them;
 * --resume clears them away. */
static void remove_stale_temps(const char *dir)
{
    char sub[4400];
    if (hp_outset_remove_stale(dir, NULL) != HP_OK)
        hp_cli_warn("measure", "%s: cannot remove old temporary files: %s", dir, strerror(errno));
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        struct stat st;
        if (strncmp(e->d_name, "placement-", 10) ||
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub ||
            stat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (hp_outset_remove_stale(sub, NULL) != HP_OK)
            hp_cli_warn("measure", "%s: cannot remove old temporary files: %s", sub,
                        strerror(errno));
    }
    if (d)
        closedir(d);
}

/* --resume: the session's own settings win over defaults; given options must agree. */
static int load_session(measure_ctx *m)
{
    measure_opts *o = &m->opt;
    hp_diag d;
    hp_err e = hp_session_read(o->session_dir, &m->session, &d);
    if (e == HP_EIO)
        return hp_cli_fail("measure", "%s/%s: cannot read: %s (nothing to resume)",
                           o->session_dir, HP_SESSION_FILE, strerror(errno));
    if (e != HP_OK)
        return hp_cli_fail("measure", "%s/%s:%ld: %s", o->session_dir, HP_SESSION_FILE, d.line,
                           d.reason[0] ? d.reason : hp_strerror(e));
    remove_stale_temps(o->session_dir);
    const hp_session *s = &m->session;
    if (check_resume_options(o, s))
        return HP_EXIT_BAD;
    o->rate_hz = s->rate;
    o->samples = s->sweep_samples;
    o->f1_hz = s->f1_hz;
    o->f2_hz = s->f2_hz;
    o->level_db = s->level_dbfs;
    o->level_auto = false;
    if (!o->device && s->playback[0])
        o->device = s->playback;
    if (!o->capture_device && s->capture[0] && strcmp(s->capture, s->playback))
        o->capture_device = s->capture;
    if (!o->ref_channel)
        o->ref_channel = s->ref_channel;
    o->ears = s->ears;
    if (!o->mic_cal && s->mic_cal[0])
        o->mic_cal = s->mic_cal;
    if (!o->profile && s->profile[0])
        o->profile = s->profile;
    if (!o->compensation && s->compensation[0])
        o->compensation = s->compensation;
    if (o->placements_given)
        m->session.planned = o->placements;
    return 0;
}

static int placements(measure_ctx *m, unsigned first)
{
    for (unsigned i = first; i <= m->session.planned; i++) {
        int ans = measure_prompt(m, i);
        if (ans == 'q' || hp_measure_interrupted)
            return HP_MEASURE_STOP;
        if (ans == 's') {
            hp_placement skip = {.index = i, .status = HP_PLACEMENT_SKIPPED, .latency_frames = -1,
                                 .drift_ppm = NAN};
            if (hp_session_add(&m->session, &skip) != HP_OK ||
                hp_session_write(m->opt.session_dir, &m->session) != HP_OK)
                return hp_cli_fail("measure", "%s/session.json: write failed", m->opt.session_dir);
            printf("placement %u/%u skipped\n", i, m->session.planned);
            continue;
        }
        int rc = measure_placement(m, i);
        if (rc)
            return rc;
    }
    return 0;
}

static size_t done_count(const hp_session *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        n += s->placements[i].status == HP_PLACEMENT_DONE;
    return n;
}

static int run(int argc, char **argv)
{
    measure_ctx m;
    memset(&m, 0, sizeof m);
    m.cmd = "measure";
    m.opt = (measure_opts){.placements = 5, .rate_hz = 48000, .length_s = 5.5, .level_db = -12};
    int rc = parse(argc, argv, &m.opt);
    if (rc)
        return rc;
    hp_pcm_use_simrig_config();
    rc = m.opt.resume ? load_session(&m) : fresh_session(&m);
    if (!rc)
        rc = pick_device(&m.opt);
    m.separate = !rc && m.opt.capture_device && strcmp(m.opt.capture_device, m.opt.device);
    m.tty_in = isatty(STDIN_FILENO);
    m.tty_err = isatty(STDERR_FILENO);
    measure_install_sigint();
    unsigned first = hp_session_last_index(&m.session) + 1;
    if (!rc && first > m.session.planned) {
        printf("%s: all %u placements are already measured\n", m.opt.session_dir,
               m.session.planned);
    } else if (!rc) {
        rc = measure_prepare(&m, first);
        if (!rc)
            rc = placements(&m, first);
    }
    if (rc == HP_MEASURE_STOP || (rc && hp_measure_interrupted)) {
        fprintf(stderr, "hpfr measure: stopped: %zu placement%s saved in %s; continue with "
                "hpfr measure -o %s --resume\n", done_count(&m.session),
                done_count(&m.session) == 1 ? "" : "s", m.opt.session_dir, m.opt.session_dir);
        rc = hp_measure_interrupted ? 130 : 0;
    } else if (!rc) {
        printf("session %s: %zu placement%s measured; next: hpfr average %s, hpfr leak %s\n",
               m.opt.session_dir, done_count(&m.session), done_count(&m.session) == 1 ? "" : "s",
               m.opt.session_dir, m.opt.session_dir);
    } else if (m.session.count && m.measuring) {
        fprintf(stderr, "hpfr measure: %zu placement%s saved in %s are intact; after fixing the "
                "problem, continue with hpfr measure -o %s --resume\n", done_count(&m.session),
                done_count(&m.session) == 1 ? "" : "s", m.opt.session_dir, m.opt.session_dir);
    }
    /* A session that failed before its first file (level check, devices) leaves nothing. */
    if (rc && m.created_dir && !m.wrote_session)
        rmdir(m.opt.session_dir);
    measure_close(&m);
    measure_stim_free(&m.stim);
    free(m.captured);
    hp_session_release(&m.session);
    snd_config_update_free_global();
    return rc;
}

const hp_cmd hp_cmd_measure = {"measure", "measure headphones on a rig through ALSA, placement "
                               "after placement", usage, run};
