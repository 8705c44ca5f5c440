/* SPDX-License-Identifier: MIT */
/* A figure to an image file: data and script written beside the output, gnuplot run through
 * a pipe, and every file made visible at once (temporary names, then rename) or not at all. */
#ifndef HP_RENDER_H
#define HP_RENDER_H
#include <stddef.h>
#include "gpwrite.h"
#include "hp_err.h"
#include "pfig.h"

typedef struct {
    hp_pterm term;      /* kind and size */
    int keep_script;    /* also keep STEM.gp and STEM.dat beside the output */
    const char *about;  /* first comment line of the script, e.g. "hpfr plot fr a.csv" */
} hp_render_opts;

/* The output kind for a file name by its extension (.png, .svg, .html or .htm, any case);
 * HP_EINVAL for anything else. */
hp_err hp_render_kind(const char *path, hp_ptkind *kind) HP_WUR;

/* Renders fig (autoranged already) to path. The directory of path is created when missing.
 * gnuplot runs in that directory, reading the data from a temporary STEM.dat there (kept as
 * STEM.dat with STEM.gp when keep_script, the script then naming the final files so that
 * `gnuplot STEM.gp` redraws it). For HTML the canvas page is made self-contained (canvas.h).
 * Messages gnuplot printed while still succeeding are returned in *warnings (malloc'ed, NULL
 * when none; optional).
 * Errors, with a one-line reason in why (naming the file where one is at fault):
 *   HP_EINVAL   bad arguments, or a file name that is empty or holds a control character
 *   HP_EIO      the directory or a file cannot be written; gnuplot failed (its message)
 *   HP_ENODATA  gnuplot is not installed (why says how to install it), or a panel has
 *               nothing to draw
 *   HP_EFORMAT  the canvas page could not be made self-contained
 *   HP_ENOMEM
 * Nothing is left behind on error: no output, no temporary file, no new directory. */
hp_err hp_render(const hp_pfig *fig, const char *path, const hp_render_opts *o, char *why,
                 size_t why_len, char **warnings) HP_WUR;

#endif
