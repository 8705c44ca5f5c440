/* SPDX-License-Identifier: MIT */
/* Helpers shared by the kind_*.c builders (not a public interface). */
#ifndef HP_KINDUTIL_H
#define HP_KINDUTIL_H
#include <stddef.h>
#include "hp_err.h"
#include "kinds.h"
#include "pfig.h"

void ku_say(char *why, size_t wl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A list of malloc'ed strings. */
typedef struct {
    char **s;
    size_t n;
} ku_list;
hp_err ku_list_add(ku_list *l, const char *s) HP_WUR;
void ku_list_free(ku_list *l);

/* The files one input stands for: the input itself when it is a file; in a directory,
 * PREFIX.EXT and PREFIX-*.EXT in name order (fr-L.csv, fr-R.csv). A session directory is
 * refused with a hint to the kinds that take one. HP_ENODATA when a directory has none. */
hp_err ku_files(const char *input, const char *prefix, const char *ext, const char *kind,
                ku_list *out, char *why, size_t wl) HP_WUR;

/* Sets the figure title: o->title when given, else WHAT with the metadata found for input. */
hp_err ku_title(hp_pfig *fig, const hp_plot_opts *o, const char *what, const char *input,
                char *why, size_t wl) HP_WUR;

/* Common out-of-memory / figure-building failure message for code e. */
hp_err ku_fail(hp_err e, char *why, size_t wl) HP_WUR;

#endif
