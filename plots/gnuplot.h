/* SPDX-License-Identifier: MIT */
/* Running gnuplot: the script goes through a pipe to its standard input, its standard error
 * comes back through another, and its exit status is checked. */
#ifndef HP_GNUPLOT_H
#define HP_GNUPLOT_H
#include <stddef.h>
#include "hp_err.h"

/* What happened to one gnuplot run. */
typedef struct {
    int missing;       /* the program could not be started: not installed (errno_start) */
    int errno_start;   /* errno of the failed chdir/exec, 0 if it started */
    int exit_status;   /* exit status, -1 if killed */
    int term_signal;   /* signal that ended it, 0 if none */
    int timed_out;     /* killed after HP_GNUPLOT_TIMEOUT_S */
    char *errtext;     /* everything it wrote on stderr (at most 64 KiB, NUL-terminated), or
                          NULL when nothing; free() it */
} hp_gnuplot_result;

#define HP_GNUPLOT_TIMEOUT_S 120

/* The program run: $HPFR_GNUPLOT when set and non-empty, else "gnuplot" from PATH. */
const char *hp_gnuplot_program(void);

/* Runs the program in directory cwd (NULL: the current one) with the len bytes of script on
 * its standard input, collecting standard error meanwhile (no deadlock on long output).
 * SIGPIPE is ignored while writing, so a gnuplot that dies early is reported, not fatal.
 * Returns HP_OK when gnuplot exited with status 0 (it may still have written warnings to
 * errtext); HP_EIO when it could not be started, failed, was killed or timed out (*r says
 * which); HP_EINVAL for NULL arguments; HP_ENOMEM. *r is always filled. Not thread-safe
 * (signal disposition). */
hp_err hp_gnuplot_run(const char *script, size_t len, const char *cwd, hp_gnuplot_result *r)
    HP_WUR;

/* The first non-blank line of errtext, trimmed, in buf (empty when none). */
void hp_gnuplot_first_error(const hp_gnuplot_result *r, char *buf, size_t size);

#endif
