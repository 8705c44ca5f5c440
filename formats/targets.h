/* SPDX-License-Identifier: MIT */
/* Built-in target curves (AutoEq's published files, MIT; data/targets/SOURCES.md), compiled
 * into the program, and target selection by name or file. */
#ifndef HP_TARGETS_H
#define HP_TARGETS_H
#include <stddef.h>
#include "diag.h"
#include "frread.h"
#include "hp_err.h"

typedef struct {
    const char *name;  /* file name without .csv */
    const char *csv;   /* its text */
    size_t len;
} hp_target_file;

/* Generated from data/targets/ at build time; ends with a NULL name. */
extern const hp_target_file hp_target_files[];

/* The built-in target called name ("harman-oe-2018", "harman-oe-2018-wo-bass",
 * "harman-ie-2019", "iso-11904-2", "flat"), parsed. *is_flat (optional) says whether it was
 * the flat target. HP_ENODATA for an unknown name; otherwise as hp_fr_parse(). */
hp_err hp_target_builtin(const char *name, hp_frcurve *out, int *is_flat) HP_WUR;

/* name if it is a built-in, else the CSV or text file at that path (hp_fr_read()): HP_EIO
 * when it cannot be read, HP_EPARSE with diag for bad content. */
hp_err hp_target_load(const char *name_or_path, hp_frcurve *out, int *is_flat,
                      hp_diag *diag) HP_WUR;

#endif
