/* SPDX-License-Identifier: MIT */
/* hpfr analyze: a sweep and a recording in, impulse responses, frequency responses, harmonic
 * distortion and a summary out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze.h"
#include "analyze_calib.h"
#include "cli.h"
#include "trace.h"

static const char usage[] =
    "usage: hpfr analyze --sweep SWEEP.wav --rec REC.wav -o DIR [options]\n"
    "\n"
    "Deconvolves the recording against the sweep actually played and writes, per path:\n"
    "  fr.csv   frequency,raw,smoothed,phase (dB re unity gain, degrees)\n"
    "  thd.csv  frequency,thd_percent,thd_db,h2_db,h3_db,h4_db,h5_db (re fundamental)\n"
    "  ir.wav, ir-h2.wav .. ir-h5.wav   windowed linear and harmonic impulse responses\n"
    "  summary.json   latency, peak-to-noise, levels, clipping, sweep parameters\n"
    "A recording with several channels gives fr-ch1.csv, fr-ch2.csv, ...; a left-then-right\n"
    "sweep with a two-channel recording gives -L and -R files plus crosstalk xt-L.csv, xt-R.csv.\n"
    "\n"
    "  --ref-channel N     divide by recording channel N (an electrical loopback) instead of\n"
    "                      the sweep file: removes interface latency and clock drift\n"
    "  --f1 HZ, --f2 HZ    sweep band, for sweep files without hpfr metadata (otherwise read\n"
    "                      from the file's metadata or estimated from the signal)\n"
    "  --grid log|autoeq   20 Hz-20 kHz at 1/48 octave (default), or AutoEq's 20*1.01^k\n"
    "  --smooth S          1/N (N = 1..48), var, psy or none, optionally :db for dB-domain\n"
    "                      averaging (default 1/12, power domain); the raw column is never\n"
    "                      smoothed\n"
    "  --window-left MS    IR window before the onset (default 5)\n"
    "  --window-right MS   IR window after the onset (default 500; the last quarter fades)\n"
    "  --allow-clipping    analyse a clipped recording anyway (a warning still says so)\n"
    "\n"
    "Calibration (see README, \"Calibration\"):\n"
    "  --profile RIG.cal   rig profile: microphone files, interface calibration, SPL offsets\n"
    "                      and compensation curve in one file\n"
    "  --mic-cal L.txt,R.txt   microphone calibration, one file per microphone channel in\n"
    "                      order (UMIK, EARS, Dayton, REW/generic text or CSV); the file's\n"
    "                      deviation (and phase) is taken out of fr.csv; overrides the profile\n"
    "  --compensation FILE also write fr-comp*.csv: the response minus this curve (e.g. a\n"
    "                      diffuse-field curve or an EARS HEQ file); overrides the profile\n"
    "With an SPL offset for a channel, its raw and smoothed columns are in dB SPL for a\n"
    "full-scale sine drive.\n";

static int parse(int argc, char **argv, analyze_opts *o)
{
    static const struct option longopts[] = {
        {"sweep", required_argument, 0, 's'},        {"rec", required_argument, 0, 'r'},
        {"output", required_argument, 0, 'o'},       {"ref-channel", required_argument, 0, 'c'},
        {"f1", required_argument, 0, '1'},           {"f2", required_argument, 0, '2'},
        {"grid", required_argument, 0, 'g'},         {"smooth", required_argument, 0, 'm'},
        {"window-left", required_argument, 0, 'L'},  {"window-right", required_argument, 0, 'R'},
        {"allow-clipping", no_argument, 0, 'a'},     {"mic-cal", required_argument, 0, 'M'},
        {"profile", required_argument, 0, 'P'},      {"compensation", required_argument, 0, 'C'},
        {0, 0, 0, 0}};
    double v;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 's': o->sweep_path = optarg; break;
        case 'r': o->rec_path = optarg; break;
        case 'o': o->out_dir = optarg; break;
        case 'c':
            if (!hp_cli_number("analyze", "--ref-channel", optarg, 1, 64, &v) || v != floor(v))
                return v != floor(v) ? hp_cli_fail("analyze", "--ref-channel must be a channel number") : HP_EXIT_BAD;
            o->ref_channel = (int)v;
            break;
        case '1': if (!hp_cli_number("analyze", "--f1", optarg, 0.1, 1e6, &o->f1_hz)) return HP_EXIT_BAD; break;
        case '2': if (!hp_cli_number("analyze", "--f2", optarg, 1, 1e6, &o->f2_hz)) return HP_EXIT_BAD; break;
        case 'g':
            if (strcmp(optarg, "log") && strcmp(optarg, "autoeq"))
                return hp_cli_fail("analyze", "--grid %s: use log or autoeq", optarg);
            o->grid_autoeq = !strcmp(optarg, "autoeq");
            break;
        case 'm':
            if (hp_smooth_parse(optarg, &o->smooth) != HP_OK)
                return hp_cli_fail("analyze", "--smooth %s: use 1/N (N = 1..48), var, psy or none", optarg);
            break;
        case 'L': if (!hp_cli_number("analyze", "--window-left", optarg, 0, 1000, &o->left_ms)) return HP_EXIT_BAD; break;
        case 'R': if (!hp_cli_number("analyze", "--window-right", optarg, 1, 10000, &o->right_ms)) return HP_EXIT_BAD; break;
        case 'a': o->allow_clipping = 1; break;
        case 'M': o->mic_cal = optarg; break;
        case 'P': o->profile = optarg; break;
        case 'C': o->compensation = optarg; break;
        default: return hp_cli_bad_option("analyze", argc, argv, ch);
        }
    }
    if (hp_cli_extra_args("analyze", argc, argv))
        return HP_EXIT_BAD;
    if (!o->sweep_path || !o->rec_path || !o->out_dir)
        return hp_cli_fail("analyze", "need --sweep SWEEP.wav, --rec REC.wav and -o DIR");
    return 0;
}

static int run(int argc, char **argv)
{
    analyze_job job;
    memset(&job, 0, sizeof job);
    job.opt.smooth = hp_smooth_cfg_default();
    job.opt.left_ms = 5;
    job.opt.right_ms = 500;
    int rc = parse(argc, argv, &job.opt);
    if (!rc)
        rc = analyze_load(&job);
    if (!rc)
        rc = analyze_run_paths(&job);
    if (!rc)
        rc = analyze_calibrate(&job);
    if (!rc)
        rc = analyze_write(&job);
    if (!rc) {
        printf("analysed %s against %s: %zu path%s written to %s/\n", job.opt.rec_path,
               job.opt.sweep_path, job.npaths, job.npaths == 1 ? "" : "s", job.opt.out_dir);
        for (size_t k = 0; k < job.npaths; k++) {
            const analyze_path *p = &job.paths[k];
            if (!p->crosstalk)
                printf("  fr%s.csv: latency %zu frames, peak-to-noise %.1f dB\n", p->name,
                       p->resp.latency_frames, p->resp.pnr_db);
        }
    }
    hp_trace("analyze: done");
    analyze_calib_free(&job);
    analyze_job_release(&job);
    hp_trace("analyze: released");
    return rc;
}

const hp_cmd hp_cmd_analyze = {"analyze", "impulse and frequency response, distortion from a recording",
                               usage, run};
