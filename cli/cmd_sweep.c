/* SPDX-License-Identifier: MIT */
/* hpfr sweep: writes a synchronized exponential sweep as a float WAV with its parameters in
 * the file's comment, so `hpfr analyze` needs nothing else. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio.h"
#include "cli.h"
#include "outfile.h"
#include "sweep.h"
#include "sweepmeta.h"

static const char usage[] =
    "usage: hpfr sweep -o SWEEP.wav [--rate 48000] [--f1 10] [--f2 24000]\n"
    "                  [--length 5.5 | --samples 262144] [--level -12] [--channels 1|2]\n"
    "\n"
    "Writes a synchronized exponential sine sweep (Novak et al.) as a 32-bit float WAV.\n"
    "  -o, --output FILE   the WAV to write (replaced atomically)\n"
    "  --rate HZ           44100, 48000 (default), 88200, 96000 or 192000\n"
    "  --f1 HZ             start frequency (default 10)\n"
    "  --f2 HZ             end frequency, at most rate/2 (default min(24000, rate/2))\n"
    "  --length S          sweep duration in seconds (default 5.5); the exact duration is\n"
    "                      adjusted so that f1*L is an integer (L = T / ln(f2/f1))\n"
    "  --samples N         sweep duration in samples instead of seconds\n"
    "  --level DBFS        peak level (default -12)\n"
    "  --channels 1|2      2 writes left then right: the left sweep on channel 1, silence,\n"
    "                      then the right sweep on channel 2\n"
    "The sweep is preceded by 0.25 s and followed by 1 s of silence; its parameters are\n"
    "stored in the WAV comment ('hpfr-sweep 1 rate=... f1=... L=...').\n";

typedef struct {
    const char *out;
    hp_sweep_cfg cfg;
    int have_length, have_samples, have_f2;
} sweep_opts;

static int parse(int argc, char **argv, sweep_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'}, {"rate", required_argument, 0, 'r'},
        {"f1", required_argument, 0, '1'},     {"f2", required_argument, 0, '2'},
        {"length", required_argument, 0, 'l'}, {"samples", required_argument, 0, 's'},
        {"level", required_argument, 0, 'v'},  {"channels", required_argument, 0, 'c'},
        {0, 0, 0, 0}};
    double v;
    int ch;
    o->cfg = hp_sweep_cfg_default(48000);
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 'r':
            if (!hp_cli_number("sweep", "--rate", optarg, 1, 1e6, &o->cfg.rate_hz)) return HP_EXIT_BAD;
            break;
        case '1':
            if (!hp_cli_number("sweep", "--f1", optarg, 0.1, 1e6, &o->cfg.f1_hz)) return HP_EXIT_BAD;
            break;
        case '2':
            if (!hp_cli_number("sweep", "--f2", optarg, 1, 1e6, &o->cfg.f2_hz)) return HP_EXIT_BAD;
            o->have_f2 = 1;
            break;
        case 'l':
            if (!hp_cli_number("sweep", "--length", optarg, 0.1, 600, &o->cfg.length_s)) return HP_EXIT_BAD;
            o->have_length = 1;
            break;
        case 's':
            if (!hp_cli_number("sweep", "--samples", optarg, 1024, 1e9, &v)) return HP_EXIT_BAD;
            if (v != floor(v))
                return hp_cli_fail("sweep", "--samples %s: not a whole number of samples", optarg);
            o->cfg.samples = (size_t)v;
            o->have_samples = 1;
            break;
        case 'v':
            if (!hp_cli_number("sweep", "--level", optarg, -120, 0, &o->cfg.level_db)) return HP_EXIT_BAD;
            break;
        case 'c':
            if (!hp_cli_number("sweep", "--channels", optarg, 1, 2, &v) || (v != 1 && v != 2))
                return v == 1.5 ? hp_cli_fail("sweep", "--channels must be 1 or 2") : HP_EXIT_BAD;
            o->cfg.channels = (unsigned)v;
            break;
        default: return hp_cli_bad_option("sweep", argc, argv, ch);
        }
    }
    if (hp_cli_extra_args("sweep", argc, argv))
        return HP_EXIT_BAD;
    /* The default end frequency follows the rate, whichever order the options came in. */
    if (!o->have_f2)
        o->cfg.f2_hz = fmin(24000, o->cfg.rate_hz / 2);
    return 0;
}

static int check(const sweep_opts *o)
{
    const hp_sweep_cfg *c = &o->cfg;
    if (!o->out)
        return hp_cli_fail("sweep", "no output file: give -o SWEEP.wav");
    if (o->have_length && o->have_samples)
        return hp_cli_fail("sweep", "give --length or --samples, not both");
    if (!hp_sweep_rate_supported(c->rate_hz))
        return hp_cli_fail("sweep", "--rate %g: not supported (44100, 48000, 88200, 96000, 192000)",
                           c->rate_hz);
    if (c->f2_hz > c->rate_hz / 2)
        return hp_cli_fail("sweep", "--f2 %g is above the Nyquist frequency (%g Hz at %g Hz)",
                           c->f2_hz, c->rate_hz / 2, c->rate_hz);
    if (c->f1_hz >= c->f2_hz)
        return hp_cli_fail("sweep", "--f1 %g must be below --f2 %g", c->f1_hz, c->f2_hz);
    if (c->samples && (double)c->samples / c->rate_hz > 600)
        return hp_cli_fail("sweep", "--samples %zu: longer than 600 s", c->samples);
    if (c->samples && (double)c->samples / c->rate_hz < 0.1)
        return hp_cli_fail("sweep", "--samples %zu: shorter than 0.1 s (%.0f samples at %g Hz)",
                           c->samples, 0.1 * c->rate_hz, c->rate_hz);
    return 0;
}

/* check() passed, so the plan failed on the one thing left: synchronization rounds the length
 * (f1 L a whole number, hp_sweep_plan), which can take it past 600 s. */
static int plan_failed(const sweep_opts *o)
{
    const hp_sweep_cfg *c = &o->cfg;
    double want = c->samples ? (double)c->samples / c->rate_hz : c->length_s;
    double span = log(c->f2_hz / c->f1_hz), k = fmax(1, round(c->f1_hz * want / span));
    double t = k / c->f1_hz * span;
    char opt[64];
    if (c->samples)
        snprintf(opt, sizeof opt, "--samples %zu", c->samples);
    else
        snprintf(opt, sizeof opt, "--length %g", c->length_s);
    if (t > 600)
        return hp_cli_fail("sweep", "%s: the synchronized sweep would last %.2f s (its length is "
                           "rounded so that f1 L is a whole number); the sweep may last 0.1 to "
                           "600 s", opt, t);
    return hp_cli_fail("sweep", "%s: these sweep settings are out of range (sweep 0.1 to 600 s, "
                       "see hpfr sweep --help)", opt);
}

static int run(int argc, char **argv)
{
    sweep_opts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc || (rc = check(&o)))
        return rc;
    hp_sweep_info info;
    if (hp_sweep_plan(&o.cfg, &info) != HP_OK)
        return plan_failed(&o);
    hp_audio a = {0};
    char meta[512];
    if (hp_audio_alloc(&a, info.total_frames, info.channels, info.rate_hz) != HP_OK ||
        hp_sweep_render(&info, a.data, info.total_frames * info.channels) != HP_OK ||
        hp_sweepmeta_format(&info, meta, sizeof meta) != HP_OK || !(a.comment = strdup(meta))) {
        hp_audio_release(&a);
        return hp_cli_fail("sweep", "out of memory");
    }
    rc = hp_cli_write_audio("sweep", o.out, &a);
    hp_audio_release(&a);
    if (rc)
        return rc;
    printf("wrote %s: %.3f s sweep %g Hz - %g Hz (L = %.4f s), %.3f s in all, peak %.1f dBFS, "
           "%g Hz, %u channel%s%s\n",
           o.out, info.duration_s, info.f1_hz, info.f2_hz, info.rate_const_s,
           (double)info.total_frames / info.rate_hz, info.level_db, info.rate_hz, info.channels,
           info.channels == 2 ? "s" : "", info.channels == 2 ? " (left, then right)" : "");
    return 0;
}

const hp_cmd hp_cmd_sweep = {"sweep", "write an exponential sine sweep WAV", usage, run};
