/* SPDX-License-Identifier: MIT */
/* The hpfr command table and the helpers every subcommand shares: one-line errors with exit
 * status 2, checked number parsing, and getopt_long handling of unknown options. */
#ifndef HP_CLI_H
#define HP_CLI_H
#include <getopt.h>
#include <stddef.h>
#include "hp_err.h"

#define HP_EXIT_BAD 2  /* bad input, bad usage or a failed operation: always with one message */

typedef struct {
    const char *name;
    const char *summary;   /* one line for `hpfr --help` */
    const char *usage;     /* full usage text for `hpfr CMD --help` */
    int (*run)(int argc, char **argv);
} hp_cmd;

extern const hp_cmd hp_cmd_sweep;
extern const hp_cmd hp_cmd_analyze;
extern const hp_cmd hp_cmd_measure;
extern const hp_cmd hp_cmd_sim;
extern const hp_cmd hp_cmd_devices;
extern const hp_cmd hp_cmd_calib;
extern const hp_cmd hp_cmd_plot;
extern const hp_cmd hp_cmd_eq;
extern const hp_cmd hp_cmd_average;
extern const hp_cmd hp_cmd_leak;
extern const hp_cmd hp_cmd_compare;
extern const hp_cmd hp_cmd_report;
extern const hp_cmd hp_cmd_verify;

/* Prints "hpfr CMD: message" on stderr and returns HP_EXIT_BAD. */
int hp_cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "hpfr CMD: warning: message" on stderr. */
void hp_cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses text as a finite number in [lo, hi]; on failure prints
 * "hpfr CMD: OPTION TEXT: <why>" and returns 0. */
int hp_cli_number(const char *cmd, const char *opt, const char *text, double lo, double hi,
                  double *out);

/* Message for getopt's '?' / ':' returns: the unknown option or the one missing its value. */
int hp_cli_bad_option(const char *cmd, int argc, char **argv, int ch);

/* Reports a stray positional argument, if any. Returns 1 when there was one. */
int hp_cli_extra_args(const char *cmd, int argc, char **argv);

#endif
