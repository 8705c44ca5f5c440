/* SPDX-License-Identifier: MIT */
/* Shared state of `hpfr measure`: options, the devices, the stimulus and the session. */
#ifndef HP_CLI_MEASURE_H
#define HP_CLI_MEASURE_H
#include <signal.h>
#include <stdbool.h>
#include "duplex.h"
#include "pcm.h"
#include "session.h"
#include "sweep.h"

typedef struct {
    const char *device, *capture_device, *session_dir, *name;
    const char *mic_cal, *profile, *compensation; /* passed on to the analysis */
    unsigned placements;
    bool placements_given;
    int ref_channel;            /* 1-based; 0 = none */
    unsigned ears;              /* --channels: 1 left only, 2 right only, 0 both */
    double rate_hz, length_s, f1_hz, f2_hz;
    size_t samples;
    double level_db;
    bool level_auto, yes, resume;
    double window_left_ms;      /* analysis window before the onset; 0 = 5 ms */
    unsigned given;             /* MEASURE_GIVEN_* bits: sweep options given on the command
                                   line, which --resume checks against the session */
} measure_opts;

enum {
    MEASURE_GIVEN_RATE = 1 << 0,
    MEASURE_GIVEN_LENGTH = 1 << 1,
    MEASURE_GIVEN_SAMPLES = 1 << 2,
    MEASURE_GIVEN_F1 = 1 << 3,
    MEASURE_GIVEN_F2 = 1 << 4,
    MEASURE_GIVEN_LEVEL = 1 << 5,
    MEASURE_GIVEN_CHANNELS = 1 << 6,
    MEASURE_GIVEN_REF = 1 << 7,
};

/* The signal played for one placement. With separate playback and capture clocks, a short
 * marker is played on the left output before and after the sweep sequence; the two copies give
 * the clock drift (dsp/drift.h). */
typedef struct {
    hp_sweep_info info;         /* the left-then-right sweep sequence (sweep.wav) */
    double *sequence;           /* info.total_frames x 2, as written to sweep.wav */
    float *play;                /* play_frames x play channels */
    size_t play_frames, capture_frames;
    size_t seq_start;           /* playback frame where the sequence starts */
    bool markers;
    size_t marker_pos[2], marker_frames, marker_slack;
} measure_stimulus;

typedef struct measure_ctx measure_ctx;

struct measure_ctx {
    const char *cmd;            /* "measure" or "verify": names the command in messages */
    bool measuring;             /* measure_prepare got past the devices and the calibration
                                   files: a failure from here on leaves a session to resume */
    measure_opts opt;
    bool separate;              /* playback and capture devices run on their own clocks */
    hp_pcm play, cap;
    hp_duplex_buffers bufs;
    measure_stimulus stim;
    float *captured;            /* capture_frames x cap.channels */
    hp_session session;
    bool tty_in, tty_err;
    bool created_dir, wrote_session; /* to leave nothing behind when the set-up fails */
    const char *what;           /* shown on the progress line */
    double started;             /* monotonic seconds at the start of the stream */
    double last_meter;
    /* hpfr verify: changes the stimulus once it is built (applies the correction under
     * test to what is played; sweep.wav keeps the plain sweep). 0 or an exit code. */
    int (*shape_stim)(measure_ctx *m, void *arg);
    void *shape_arg;
};

/* Set by SIGINT: the stream stops at the next period and the session stays resumable. */
extern volatile sig_atomic_t hp_measure_interrupted;

/* cmd_measure.c: --channels L,R|L|R into ears (0 both, 1 left only, 2 right only); on
 * anything else the one-line error for command cmd and HP_EXIT_BAD. */
int measure_parse_channels(const char *cmd, const char *s, unsigned *ears);

/* measure_stim.c: builds ctx->stim for the session's settings and the playback channels. */
int measure_stim_build(measure_ctx *m);
void measure_stim_free(measure_stimulus *s);
/* Writes SESSION/sweep.wav (the sequence with its metadata). */
int measure_stim_write(measure_ctx *m);

/* measure_dev.c: opens both directions (the placement number goes to the simulated rig), and
 * runs the stimulus with up to 3 re-runs after xruns; *xruns counts them. */
int measure_open(measure_ctx *m, unsigned placement);
void measure_close(measure_ctx *m);
int measure_stream(measure_ctx *m, const float *play, size_t play_frames, size_t cap_frames,
                   const char *what, unsigned *xruns);

/* measure_prep.c: the calibration files read (so a bad one stops us before any sound), the
 * level check (unless resuming), the stimulus (shaped by shape_stim),
 * the devices and settings recorded in the session, sweep.wav and session.json. */
int measure_prepare(measure_ctx *m, unsigned first);

/* measure_level.c: the level check before the first placement (and --level auto). */
int measure_level_check(measure_ctx *m);

/* measure_place.c: one placement, captured, saved, analysed and recorded. Returns 0, an exit
 * code, or HP_MEASURE_STOP when the user stopped. */
#define HP_MEASURE_STOP 130
int measure_placement(measure_ctx *m, unsigned index);

/* measure_ui.c */
int measure_progress(size_t done, size_t total, const float *peak, unsigned channels, void *ctx);
void measure_progress_end(measure_ctx *m);
/* Asks before placement `index`: 'g' go, 's' skip, 'q' stop. */
int measure_prompt(measure_ctx *m, unsigned index);
void measure_install_sigint(void);
double measure_now(void);

#endif
