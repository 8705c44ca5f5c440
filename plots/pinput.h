/* SPDX-License-Identifier: MIT */
/* Reading what `hpfr plot` draws: files and directories from analyze, measure, leak and eq,
 * with one-line reasons that name the file (and line) at fault. Every function that can fail
 * takes why/why_len and fills it on error. */
#ifndef HP_PINPUT_H
#define HP_PINPUT_H
#include <stddef.h>
#include "hp_err.h"
#include "json.h"
#include "ptable.h"

/* Largest input file read (a frequency response is ~30 KB). */
#define HP_PIN_MAX_BYTES (256u << 20)

/* dir/name, malloc'ed (NULL on overflow or allocation failure). */
char *hp_pin_join(const char *dir, const char *name);
int hp_pin_is_dir(const char *path);
int hp_pin_is_file(const char *path);
/* The last path component without a trailing slash, and without ext when it ends in ext
 * (ext may be NULL), into buf. */
void hp_pin_basename(const char *path, const char *ext, char *buf, size_t size);

/* Whole file into a malloc'ed, NUL-terminated buffer. HP_EIO (missing, unreadable, a
 * directory, larger than HP_PIN_MAX_BYTES), HP_ENOMEM. */
hp_err hp_pin_slurp(const char *path, char **buf, size_t *len, char *why, size_t wl) HP_WUR;

/* A CSV table (ptable.h); errors read "PATH:LINE: reason". */
hp_err hp_pin_table(const char *path, hp_ptable *t, char *why, size_t wl) HP_WUR;

/* Column name of t as a malloc'ed array of t->nrows numbers. When the column is missing:
 * HP_EFORMAT ("PATH: no column 'NAME'") if required, else HP_OK with *out NULL. */
hp_err hp_pin_column(const hp_ptable *t, const char *path, const char *name, int required,
                     double **out, char *why, size_t wl) HP_WUR;

/* The frequency column: finite, positive and strictly rising, else HP_EPARSE with the line. */
hp_err hp_pin_freq(const hp_ptable *t, const char *path, double **out, char *why, size_t wl)
    HP_WUR;

/* A JSON document (json.h); errors read "PATH:LINE:COLUMN: reason". */
hp_err hp_pin_json(const char *path, hp_jval **root, char *why, size_t wl) HP_WUR;

/* A frequency-response table: fr.csv (frequency,raw,smoothed[,phase]) or AutoEq-style
 * eq.csv (frequency,raw,smoothed,error,target,equalization,parametric_eq,equalized_raw
 * [,equalized_smoothed]). Columns other than frequency are NULL when absent; at least raw
 * or smoothed must be there. */
typedef struct {
    char *path;
    char label[128];  /* "L" for fr-L.csv or eq-L.csv, else the file's stem */
    size_t n;
    double *f, *raw, *smoothed, *target, *equalized;
} hp_pin_fr;

hp_err hp_pin_fr_read(const char *path, hp_pin_fr *fr, char *why, size_t wl) HP_WUR;
/* The same from the file's len bytes at buf (need not be NUL-terminated), already read from
 * path, which gives the label and the messages; errors as hp_pin_fr_read but the file's own. */
hp_err hp_pin_fr_parse(const char *path, const char *buf, size_t len, hp_pin_fr *fr, char *why,
                       size_t wl) HP_WUR;
void hp_pin_fr_release(hp_pin_fr *fr);

/* The curve a plot uses from a response: smoothed (raw when there is none), or raw when
 * use_raw (smoothed when there is none). */
const double *hp_pin_fr_curve(const hp_pin_fr *fr, int use_raw);

/* A measurement session directory (SESSION/session.json, see the README): its name,
 * creation time, rig profile, channels and the directories of placements whose status is
 * "done". Unknown keys are ignored. */
#define HP_PIN_MAX_CH 8
typedef struct {
    char *dir;
    char name[200], created[40], profile[200];
    size_t nch;
    char ch[HP_PIN_MAX_CH][16];   /* "L", "R" (default when session.json lists none) */
    size_t np;
    char **pdir;                  /* joined path of each done placement */
    int *pindex;                  /* its "index" */
} hp_pin_session;

int hp_pin_is_session(const char *dir);
hp_err hp_pin_session_read(const char *dir, hp_pin_session *s, char *why, size_t wl) HP_WUR;
/* The same from the len bytes of dir/session.json at buf (need not be NUL-terminated). */
hp_err hp_pin_session_parse(const char *dir, const char *buf, size_t len, hp_pin_session *s,
                            char *why, size_t wl) HP_WUR;
void hp_pin_session_release(hp_pin_session *s);

/* What a title says about a measurement, from the session.json of the input's directory or
 * the two above it and the summary.json beside the input. Empty strings when unknown. */
typedef struct {
    char name[200], date[40], smoothing[64], profile[200];
} hp_pin_meta;

hp_err hp_pin_meta_find(const char *input, hp_pin_meta *m, char *why, size_t wl) HP_WUR;

/* "WHAT · NAME · DATE · smoothing S · rig profile P" without the unknown parts. */
void hp_pin_title(const char *what, const hp_pin_meta *m, char *buf, size_t size);

#endif
