/* SPDX-License-Identifier: MIT */
/* Writing the CLI's output files atomically (temporary name in the same directory, then
 * rename), with one-line errors. */
#ifndef HP_CLI_OUTFILE_H
#define HP_CLI_OUTFILE_H
#include "audio.h"
#include "outset.h"

/* Writes one float WAV to path atomically. Returns 0 or HP_EXIT_BAD after printing. */
int hp_cli_write_audio(const char *cmd, const char *path, const hp_audio *a);

/* Writes a float WAV of n mono samples at rate into an output set under name. */
int hp_cli_set_audio(const char *cmd, hp_outset *set, const char *name, const double *x, size_t n,
                     double rate_hz);

#endif
