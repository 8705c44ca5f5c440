/* SPDX-License-Identifier: MIT */
/* Reading a measurement session's manifest (SESSION/session.json, written by hpfr measure):
 * which placements were captured, in which directories, with which channels. */
#ifndef HP_SESSINFO_H
#define HP_SESSINFO_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

#define HP_SESSINFO_VERSION 1      /* newest "version" this reader understands */
#define HP_SESSINFO_MAX_CHANNELS 8
#define HP_SESSINFO_MAX_BYTES (16u << 20)

typedef struct {
    unsigned index;  /* 1-based placement number */
    int done;        /* status "done": measured, its files are in dir */
    char *dir;       /* directory relative to the session (NULL unless done) */
    long line;       /* line of its entry in session.json */
} hp_sessinfo_place;

typedef struct {
    char *name;                  /* "name", or NULL when absent */
    double rate_hz;              /* "rate" */
    size_t nchannels;
    char *channels[HP_SESSINFO_MAX_CHANNELS]; /* "channels": e.g. "L", "R" */
    size_t nplace;
    hp_sessinfo_place *place;    /* every entry of "placements", in file order */
} hp_sessinfo;

/* Parses session.json from len bytes at buf (strict JSON, hp_json_parse). Requires "format":
 * "hpfr-session", "version" 1 .. HP_SESSINFO_VERSION, "rate" > 0, "channels" (1 to 8 names
 * of letters, digits, '_' or '-'), and "placements": objects with a positive integer "index"
 * (no two alike) and a string "status"; a "done" one needs "dir", a relative path without
 * "." or ".." components, backslashes or control characters. Other keys are ignored (the
 * format grows). Errors: HP_EPARSE with diag (optional) giving the line of the offending
 * value and the reason; HP_ERANGE for a file over HP_SESSINFO_MAX_BYTES; HP_EINVAL for a
 * NULL out or NULL buf with len > 0; HP_ENOMEM. *out is zeroed first and on error.
 * Thread-safe. */
hp_err hp_sessinfo_parse(const char *buf, size_t len, hp_sessinfo *out, hp_diag *diag) HP_WUR;

void hp_sessinfo_release(hp_sessinfo *s);

/* Number of placements with status "done". */
size_t hp_sessinfo_ndone(const hp_sessinfo *s);

#endif
