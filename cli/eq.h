/* SPDX-License-Identifier: MIT */
/* hpfr eq: options, inputs, device presets, the fit of one measurement and the batch mode,
 * shared between cmd_eq.c and its helpers (eq_*.c). */
#ifndef HP_CLI_EQ_H
#define HP_CLI_EQ_H
#include <stddef.h>
#include "frread.h"
#include "peqfit.h"

#define EQ_PATH_MAX 4096

typedef struct {
    const char *input[2];      /* measurement file(s) or a session directory */
    size_t ninput;
    const char *out_dir;
    const char *target;        /* built-in name or file */
    const char *robust;        /* session directory for the seal-aware fit, or NULL */
    const char *batch;         /* directory of measurements, or NULL */
    const char *name;          /* headphone name for titles, or NULL */
    double bass_db, tilt_db_oct, treble_db;
    double align_hz;           /* 0: mean over 100 Hz-10 kHz */
    int per_channel;
    hp_peqfit_cfg cfg;
    unsigned formats;          /* HP_EQX_* mask */
    size_t fir_taps;
    int jobs;                  /* batch workers (0: one per core) */
    int quiet;                 /* batch: no per-file report on stdout */
} eq_opts;

/* A measurement to correct: one or two channels and where they came from. */
typedef struct {
    char name[256];
    unsigned nch;
    hp_frcurve ch[2];
    char src[2][EQ_PATH_MAX];
    double *sd[2];             /* robust fit: spread between placements on ch[c]'s grid */
} eq_input;

void eq_input_release(eq_input *in);

/* Device presets (autoeq, peq10, qudelix, poweramp, wavelet, graphic10, graphic31): the
 * fit's limits and the formats the device takes. Keeps cfg's rate. Returns 0 for an unknown
 * name. */
int eq_preset_apply(const char *name, hp_peqfit_cfg *cfg, unsigned *formats);

/* Loads the positional inputs into in: one file (a squig.link "NAME L.txt" finds its "R"
 * sibling), two files (left and right), or a session directory (its average). Returns 0 or
 * HP_EXIT_BAD after printing one error line naming the file (and line). */
int eq_load_input(const eq_opts *o, eq_input *in);

/* Loads one file as a one-channel input (batch); on error fills why (file:line: reason) and
 * returns nonzero without printing. */
int eq_load_file(const char *path, eq_input *in, char *why, size_t why_len);

/* Loads two files as left and right (batch: squig.link pairs). */
int eq_load_pair(const char *left, const char *right, eq_input *in, char *why, size_t len);

/* The right-channel sibling name of a left-channel file ("X L.txt" -> "X R.txt", "fr-L.csv"
 * -> "fr-R.csv"); 0 when the name has no such form. */
int eq_right_sibling(const char *path, char *out, size_t len);

/* Adds the placement spread of the session's done placements to in (--robust). */
int eq_load_robust(const char *session, eq_input *in, char *why, size_t why_len);

/* Fits in against the target and writes every chosen format plus summary.json into
 * out_dir. On failure why holds one line; returns nonzero. report (optional, >= 256 bytes)
 * receives a one-line human summary. */
int eq_run_one(const eq_opts *o, const hp_frcurve *target, int target_flat, eq_input *in,
               const char *out_dir, char *why, size_t why_len, char *report,
               size_t report_len);

/* The batch mode: every measurement file in o->batch, on all cores. */
int eq_run_batch(const eq_opts *o, const hp_frcurve *target, int target_flat);

#endif
