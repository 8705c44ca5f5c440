/* SPDX-License-Identifier: MIT */
/* hpfr devices: the sound cards and PCMs ALSA offers, with what each can do. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "devices.h"
#include "pcm.h"

static const char usage[] =
    "usage: hpfr devices [--all]\n"
    "\n"
    "Lists the sound cards, then the ALSA PCMs (including the simulated rig hpfr_sim), each\n"
    "with the sample rates, formats and channel counts it offers for playback and capture.\n"
    "Pass a PCM name to hpfr measure -D. --all also probes PCMs that hide the hardware's\n"
    "limits behind conversions (plug, dmix, pulse, ...); by default those are only named.\n";

static void print_card(int card, const char *id, const char *name, void *ctx)
{
    (void)ctx;
    printf("  card %d: %s  (%s)\n", card, id, name);
}

static void print_caps(const char *dir, const hp_pcm_caps *c)
{
    if (!c->ok) {
        printf("      %-8s unavailable: %s\n", dir, c->error);
        return;
    }
    printf("      %-8s %u-%u channels; %s; rates %s\n", dir, c->ch_min, c->ch_max,
           c->formats[0] ? c->formats : "no format hpfr uses", c->rates);
}

/* Converting PCMs accept nearly anything, so probing them says little about the hardware. */
static int worth_probing(const char *name, int all)
{
    if (all)
        return 1;
    return !strncmp(name, "hw:", 3) || !strncmp(name, "hpfr_sim", 8);
}

static void print_hint(const char *name, const char *desc, const char *ioid, void *ctx)
{
    const int *all = ctx;
    char oneline[160] = "";
    if (desc) {
        snprintf(oneline, sizeof oneline, "%s", desc);
        for (char *p = oneline; *p; p++)
            if (*p == '\n')
                *p = ' ';
    }
    printf("  %s%s%s\n", name, oneline[0] ? "  - " : "", oneline);
    if (!worth_probing(name, *all))
        return;
    hp_pcm_caps c;
    if (!ioid || !strcmp(ioid, "Output")) {
        hp_pcm_probe(name, SND_PCM_STREAM_PLAYBACK, &c);
        print_caps("playback", &c);
    }
    if (!ioid || !strcmp(ioid, "Input")) {
        hp_pcm_probe(name, SND_PCM_STREAM_CAPTURE, &c);
        print_caps("capture", &c);
    }
}

static int run(int argc, char **argv)
{
    static const struct option lo[] = {{"all", no_argument, 0, 'a'}, {0, 0, 0, 0}};
    int ch, all = 0;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        if (ch != 'a')
            return hp_cli_bad_option("devices", argc, argv, ch);
        all = 1;
    }
    if (hp_cli_extra_args("devices", argc, argv))
        return HP_EXIT_BAD;
    hp_pcm_use_simrig_config();
    printf("sound cards:\n");
    if (hp_cards_each(print_card, NULL) == 0)
        printf("  none (use the simulated rig: hpfr measure -D hpfr_sim)\n");
    printf("PCMs:\n");
    if (hp_pcm_hints_each(print_hint, &all) == 0)
        printf("  none\n");
    snd_config_update_free_global();
    return 0;
}

const hp_cmd hp_cmd_devices = {"devices", "list ALSA cards and PCMs with their rates, formats and "
                               "channels", usage, run};
