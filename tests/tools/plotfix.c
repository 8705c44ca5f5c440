/* SPDX-License-Identifier: MIT */
/* Test tool: writes the fixtures of tests/plotfix.h for the `hpfr plot` shell tests.
 *   plotfix session DIR PRESET PLACEMENTS NAME   a measurement session (closed-back, open-back)
 *   plotfix leak DIR                             hpfr leak's output with exact model curves
 *   plotfix eq DIR                               hpfr eq's ParametricEQ.txt, FIRs and eq.csv
 * DIR must not exist. Exit status 0, or 2 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plotfix.h"

int main(int argc, char **argv)
{
    int r = -1;
    if (argc == 6 && !strcmp(argv[1], "session"))
        r = pf_session(argv[2], argv[3], (unsigned)atoi(argv[4]), argv[5]);
    else if (argc == 3 && !strcmp(argv[1], "leak"))
        r = pf_leak(argv[2]);
    else if (argc == 3 && !strcmp(argv[1], "eq"))
        r = pf_eq(argv[2]);
    else {
        fprintf(stderr, "usage: plotfix session DIR PRESET N NAME | leak DIR | eq DIR\n");
        return 2;
    }
    if (r != 0) {
        fprintf(stderr, "plotfix: %s %s failed\n", argv[1], argv[2]);
        return 2;
    }
    return 0;
}
