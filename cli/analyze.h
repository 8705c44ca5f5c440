/* SPDX-License-Identifier: MIT */
/* Shared state of `hpfr analyze`: its options, the loaded inputs and the analysed paths. */
#ifndef HP_CLI_ANALYZE_H
#define HP_CLI_ANALYZE_H
#include <stdint.h>
#include "analysis.h"
#include "audio.h"
#include "grid.h"
#include "sweep.h"

typedef struct {
    const char *sweep_path, *rec_path, *out_dir;
    int ref_channel;            /* 1-based loopback channel of the recording; 0 = none */
    double f1_hz, f2_hz;        /* 0 = from metadata or estimated */
    int grid_autoeq;
    hp_smooth_cfg smooth;
    double left_ms, right_ms;
    int allow_clipping;
    unsigned ears;              /* left-then-right sweeps: 1 left only, 2 right only, 0 both */
    uint64_t mic_mask;          /* mono sweeps: only channels whose bit is set (bit 0 =
                                   channel 1) get a path; 0 = every channel */
    const char *mic_cal, *profile, *compensation;  /* calibration options (analyze_calib.h) */
} analyze_opts;

typedef struct {
    double peak_dbfs;
    size_t clip_count;
    double noise_dbfs;          /* RMS before the sweep arrives; NAN when there is no such part */
    double snr_db;
} channel_stats;

#define MAX_PATHS 66

typedef struct {
    char name[16];              /* "", "-L", "-R", "-ch2"; crosstalk: "L", "R" */
    int crosstalk;              /* written as xt-<name>.csv */
    unsigned mic;               /* recording channel (0-based) */
    unsigned play;              /* sweep channel (0-based) */
    hp_response resp;
} analyze_path;

typedef struct {
    analyze_opts opt;
    hp_audio sweep, rec;
    hp_sweep_info info;
    const char *info_source;    /* "metadata", "estimated" or "options" */
    channel_stats *stats;       /* per recording channel */
    hp_grid grid;
    analyze_path paths[MAX_PATHS];
    size_t npaths;
    struct analyze_calib *calib;  /* NULL unless calibration options were given */
} analyze_job;

/* Loads and validates sweep and recording; fills job->info and job->stats. 0 or exit code. */
int analyze_load(analyze_job *job);
/* The same with job->sweep and job->rec already filled (e.g. captured from a device); the
 * path options then only name them in messages. 0 or exit code. */
int analyze_load_audio(analyze_job *job);
/* Deconvolves and analyses every path. 0 or exit code. */
int analyze_run_paths(analyze_job *job);
/* Writes every output into the output directory, all or nothing. 0 or exit code. */
int analyze_write(const analyze_job *job);
void analyze_job_release(analyze_job *job);

#endif
