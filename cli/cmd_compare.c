/* SPDX-License-Identifier: MIT */
/* hpfr compare: two sessions side by side (placeholder until the comparison lands). */
#include "cli.h"
static const char usage[] = "usage: hpfr compare SESSION_A SESSION_B -o DIR\n";
static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return hp_cli_fail("compare", "not yet");
}
const hp_cmd hp_cmd_compare = {"compare", "two sessions side by side", usage, run};
