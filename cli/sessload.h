/* SPDX-License-Identifier: MIT */
/* Loading a measurement session (notes: SESSION/session.json plus one directory per placement
 * with fr-<ch>.csv and ir-<ch>.wav) for hpfr average, leak and compare. Every problem ends in
 * one message naming the file (and line) and exit status 2. */
#ifndef HP_CLI_SESSLOAD_H
#define HP_CLI_SESSLOAD_H
#include <stddef.h>
#include "audio.h"
#include "sessinfo.h"

typedef struct {
    const char *dir;            /* the session directory as given (not owned) */
    hp_sessinfo info;
    size_t np;                  /* placements with status "done", at least 2 */
    const hp_sessinfo_place **pl; /* np of them, in index order (point into info) */
    size_t nch;                 /* channels, info.channels[] */
    int smoothed;               /* the FR column read: "smoothed" (1) or "raw" (0) */
    size_t nf;                  /* frequency grid of the fr-*.csv files, shared by all */
    double *f_hz;
    double *fr;                 /* nch * np * nf dB values, see sess_fr */
} sess;

static inline double *sess_fr(const sess *s, size_t ch, size_t p)
{
    return s->fr + (ch * s->np + p) * s->nf;
}

/* Reads session.json and every done placement's fr-<channel>.csv (column raw, or smoothed).
 * Fails unless at least 2 placements are done and all files share one grid.
 * Returns 0 or HP_EXIT_BAD after printing. */
int sess_load(const char *cmd, const char *dir, int smoothed, sess *s);
void sess_release(sess *s);

/* "<dir>/<placement dir>/<name>" in a malloc'd string, or NULL. */
char *sess_path(const sess *s, size_t p, const char *name);

/* Same grid (same points within 1e-6 relative)? */
int sess_same_grid(const sess *a, const sess *b);

/* Moves the session's responses onto the grid f_hz[ng] (inside the session's own range), by
 * linear interpolation in log frequency. Returns 0 or HP_EXIT_BAD after printing. */
int sess_regrid(const char *cmd, sess *s, const double *f_hz, size_t ng);

/* Reads every placement's ir-<channel>.wav into ir[ch * np + p] (mono, all at one sample rate,
 * given in *rate_hz; the longest has *max_len samples). Release each with hp_audio_release.
 * Returns 0 or HP_EXIT_BAD after printing. */
int sess_ir_load(const char *cmd, const sess *s, hp_audio *ir, size_t *max_len, double *rate_hz);

/* Reads a whole file of at most max bytes into a malloc'd buffer (NUL-terminated, the NUL
 * not counted). Returns 0 or HP_EXIT_BAD after printing "PATH: why". */
int sess_read_file(const char *cmd, const char *path, size_t max, char **buf, size_t *len);

#endif
