/* SPDX-License-Identifier: MIT */
/* Shared CLI helpers: every error a user can cause ends in exactly one line on stderr. */
#include "cli.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hp_cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hpfr %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return HP_EXIT_BAD;
}

void hp_cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hpfr %s: warning: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int hp_cli_number(const char *cmd, const char *opt, const char *text, double lo, double hi,
                  double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        hp_cli_fail(cmd, "%s '%s': not a number", opt, text);
        return 0;
    }
    if (v < lo || v > hi) {
        hp_cli_fail(cmd, "%s %s: out of range (%g to %g)", opt, text, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int hp_cli_bad_option(const char *cmd, int argc, char **argv, int ch)
{
    const char *arg = (optind > 0 && optind <= argc) ? argv[optind - 1] : "?";
    if (ch == ':')
        return hp_cli_fail(cmd, "option %s needs a value", arg);
    /* A known long option without a value given one ("--all=3"): getopt_long reports it
     * with optopt set to the option's code, which is no short option's letter. */
    if (optopt && !strncmp(arg, "--", 2) && strchr(arg, '='))
        return hp_cli_fail(cmd, "option %.*s takes no value", (int)(strchr(arg, '=') - arg), arg);
    if (optopt && optopt < 256 && isprint(optopt))
        return hp_cli_fail(cmd, "unknown option -%c (see hpfr %s --help)", optopt, cmd);
    return hp_cli_fail(cmd, "unknown option %s (see hpfr %s --help)", arg, cmd);
}

int hp_cli_extra_args(const char *cmd, int argc, char **argv)
{
    if (optind < argc) {
        hp_cli_fail(cmd, "unexpected argument '%s' (see hpfr %s --help)", argv[optind], cmd);
        return 1;
    }
    return 0;
}
