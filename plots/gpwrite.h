/* SPDX-License-Identifier: MIT */
/* A figure as gnuplot input: the data file (one block per curve) and the script that draws
 * it with the house style. Every piece of user text (titles, legend entries, labels, file
 * names) goes through hp_sbuf_gpstr, and every terminal is noenhanced. */
#ifndef HP_GPWRITE_H
#define HP_GPWRITE_H
#include "pfig.h"
#include "sbuf.h"

typedef enum { HP_PT_PNG, HP_PT_SVG, HP_PT_HTML } hp_ptkind;

typedef struct {
    hp_ptkind kind;
    unsigned width, height;  /* pixels (SVG: user units) */
} hp_pterm;

/* Appends the data of every drawable curve: blocks separated by two blank lines (gnuplot's
 * "index"), each preceded by a "# block N: ..." comment; a line is "x y" (bands "x lo hi")
 * in shortest round-trip form, and a single blank line breaks the curve at a gap (a
 * non-finite value, or a value <= 0 on a log axis). Curves without any drawable point are
 * left out of both data and script. */
hp_err hp_pfig_data(const hp_pfig *f, hp_sbuf *out) HP_WUR;

/* Appends the script: terminal and output file `output`, then the panels reading `data` (the
 * file written from hp_pfig_data), both names relative to gnuplot's working directory.
 * `about` is a comment line at the top. HP_ENODATA when a panel has nothing to draw,
 * HP_EINVAL for bad arguments (call hp_pfig_autorange first). */
hp_err hp_pfig_script(const hp_pfig *f, const hp_pterm *t, const char *output, const char *data,
                      const char *about, hp_sbuf *out) HP_WUR;

#endif
