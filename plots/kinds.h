/* SPDX-License-Identifier: MIT */
/* The plot kinds of `hpfr plot`: each reads its inputs and builds a figure (pfig.h). */
#ifndef HP_KINDS_H
#define HP_KINDS_H
#include <stddef.h>
#include "hp_err.h"
#include "pfig.h"

typedef enum {
    HP_NORM_500,   /* level at 500 Hz */
    HP_NORM_1K,    /* level at 1 kHz */
    HP_NORM_MEAN,  /* mean level over 300 Hz-3 kHz (log-frequency weighted) */
} hp_norm;

typedef struct {
    const char *title;  /* replaces the automatic figure title when not NULL */
    hp_norm normalize;  /* compare */
    int use_raw;        /* placements, compare, balance: the raw column instead of smoothed */
} hp_plot_opts;

/* Builds the figure for inputs[0..n) (paths as given on the command line). On error returns
 * the code with a one-line reason in why that names the file at fault, and *fig is NULL. */
typedef hp_err (*hp_plot_build_fn)(char *const *inputs, size_t n, const hp_plot_opts *o,
                                   hp_pfig **fig, char *why, size_t why_len);

typedef struct {
    const char *name;
    const char *args;     /* usage of the inputs, e.g. "SESSION" */
    const char *summary;  /* one line */
    size_t min_inputs, max_inputs;
    hp_plot_build_fn build;
} hp_plot_kind;

/* The kind called name, or NULL. */
const hp_plot_kind *hp_plot_kind_find(const char *name);
/* The i-th kind, or NULL past the end (for usage texts). */
const hp_plot_kind *hp_plot_kind_at(size_t i);

/* The builders (kind_*.c). */
hp_err hp_plot_fr(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                  size_t wl) HP_WUR;
hp_err hp_plot_placements(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig,
                          char *why, size_t wl) HP_WUR;
hp_err hp_plot_balance(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig,
                       char *why, size_t wl) HP_WUR;
hp_err hp_plot_compare(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig,
                       char *why, size_t wl) HP_WUR;
hp_err hp_plot_ir(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                  size_t wl) HP_WUR;
hp_err hp_plot_thd(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                   size_t wl) HP_WUR;
hp_err hp_plot_leak(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                    size_t wl) HP_WUR;
hp_err hp_plot_eq(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                  size_t wl) HP_WUR;

#endif
