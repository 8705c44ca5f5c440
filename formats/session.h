/* SPDX-License-Identifier: MIT */
/* session.json: what a measurement session holds (devices, sweep, placements), rewritten
 * atomically after every placement so that an interruption loses nothing and `hpfr measure
 * --resume` knows where to continue. The format is documented in the README. */
#ifndef HP_SESSION_H
#define HP_SESSION_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

#define HP_SESSION_FILE "session.json"
#define HP_SESSION_MAX_PLACEMENTS 1000

typedef enum { HP_PLACEMENT_DONE, HP_PLACEMENT_SKIPPED } hp_placement_status;

typedef struct {
    unsigned index;             /* 1-based */
    hp_placement_status status;
    char captured[32];          /* UTC, ISO 8601 */
    long latency_frames;        /* -1 when unknown */
    double drift_ppm;           /* NAN when not measured (one device) */
    unsigned xruns;             /* xruns seen, each followed by a re-run */
} hp_placement;

typedef struct {
    char name[256];
    char created[32];
    unsigned rate;
    char playback[256], capture[256], format[24];
    unsigned inputs;            /* capture channels */
    int ref_channel;            /* 1-based loopback channel, 0 = none */
    unsigned ears;              /* "channels": 0 both (["L", "R"]), 1 left only, 2 right only */
    double f1_hz, f2_hz, level_dbfs;
    size_t sweep_samples;
    char mic_cal[1024], profile[1024], compensation[1024]; /* calibration options, "" = none */
    unsigned planned;
    hp_placement *placements;   /* in measuring order */
    size_t count;
} hp_session;

/* Writes dir/session.json atomically. HP_EIO (errno tells why), HP_ENOMEM, HP_EINVAL. */
hp_err hp_session_write(const char *dir, const hp_session *s) HP_WUR;

/* Reads dir/session.json into *s (release with hp_session_release). Unknown keys are ignored.
 * Errors: HP_EIO (cannot read; errno), HP_EPARSE (diag has the line and what is wrong),
 * HP_ENOMEM, HP_EINVAL. */
hp_err hp_session_read(const char *dir, hp_session *s, hp_diag *diag) HP_WUR;

/* Parses the text of a session.json (len bytes at text, need not be NUL-terminated) into *s,
 * as hp_session_read does with the file's contents: the same errors but HP_EIO. */
hp_err hp_session_parse(const char *text, size_t len, hp_session *s, hp_diag *diag) HP_WUR;

/* Appends a placement record (copied). HP_ERANGE past HP_SESSION_MAX_PLACEMENTS. */
hp_err hp_session_add(hp_session *s, const hp_placement *p) HP_WUR;

/* Highest placement index recorded, 0 for none. */
unsigned hp_session_last_index(const hp_session *s);

void hp_session_release(hp_session *s);

/* The current UTC time as "2026-11-21T01:02:03Z". */
void hp_session_now(char *buf, size_t len);

#endif
