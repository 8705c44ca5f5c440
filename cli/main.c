/* SPDX-License-Identifier: MIT */
/* hpfr: the command-line front end; dispatches to one subcommand per file (cmd_*.c). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "trace.h"
#include "version.h"

static const hp_cmd *const commands[] = {
    &hp_cmd_sweep,
    &hp_cmd_analyze,
    &hp_cmd_measure,
    &hp_cmd_sim,
    &hp_cmd_devices,
    &hp_cmd_calib,
    &hp_cmd_plot,
    &hp_cmd_eq,
    &hp_cmd_verify,
    &hp_cmd_average,
    &hp_cmd_leak,
    &hp_cmd_compare,
    &hp_cmd_report,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void overview(FILE *out)
{
    fprintf(out, "hpfr %s: headphone frequency-response measurement\n\n"
                 "usage: hpfr COMMAND [OPTIONS]   (hpfr COMMAND --help for details)\n\n",
            HP_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
}

int main(int argc, char **argv)
{
    hp_trace("main");
    /* A file-size limit must turn into a write error (EFBIG) that is reported and cleaned up,
     * not a signal that kills us with temporary files left behind. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        overview(stderr);
        return HP_EXIT_BAD;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        if (argc > 2)
            name = argv[2];
        else {
            overview(stdout);
            return 0;
        }
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (!strcmp(commands[i]->name, name)) {
                fputs(commands[i]->usage, stdout);
                return 0;
            }
    }
    if (!strcmp(name, "--version")) {
        printf("hpfr %s\n", HP_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i]->name, name))
            continue;
        for (int a = 2; a < argc; a++)
            if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
                fputs(commands[i]->usage, stdout);
                return 0;
            }
        return commands[i]->run(argc - 1, argv + 1);
    }
    fprintf(stderr, "hpfr: unknown command '%s' (see hpfr --help)\n", name);
    return HP_EXIT_BAD;
}
