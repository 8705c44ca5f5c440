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
    const char *cmd;            /* the command in messages ("hpfr CMD: ..."): NULL for
                                   "analyze"; measure and calib analyse too */
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
    int irs_written;            /* its ir*.wav are in the output set already */
} analyze_path;

/* Transforms, analyzer and reference spectra, prepared on a helper thread while analyze_load
 * reads and checks the recording (analyze_paths.c). */
typedef struct analyze_setup analyze_setup;

typedef struct {
    analyze_opts opt;
    hp_audio_f sweep, rec;      /* as read (floats: half the memory of doubles) */
    hp_sweep_info info;
    const char *info_source;    /* "metadata", "estimated" or "options" */
    channel_stats *stats;       /* per recording channel */
    hp_grid grid;
    analyze_path paths[MAX_PATHS];
    size_t npaths;
    struct analyze_calib *calib;  /* NULL unless calibration options were given */
    analyze_setup *setup;       /* internal: started by analyze_load, used by analyze_run_paths */
    int sweep_known;            /* internal: info and grid were set from the sweep's header */
} analyze_job;

/* The command name for a job's messages. */
static inline const char *analyze_cmd(const analyze_job *job)
{
    return job->opt.cmd ? job->opt.cmd : "analyze";
}

/* Loads and validates sweep and recording; fills job->info and job->stats. 0 or exit code.
 * Starts preparing the analysis (FFT plans, reference spectra) on a second thread. A job is
 * zeroed before use (options set), then released with analyze_job_release whatever failed;
 * jobs are independent, so a process may run any number of them, one after the other or
 * at once. */
int analyze_load(analyze_job *job);
/* The same with job->sweep and job->rec already filled (e.g. captured from a device); the
 * path options then only name them in messages. 0 or exit code. */
int analyze_load_audio(analyze_job *job);
/* Deconvolves and analyses every path (on two threads). 0 or exit code. */
int analyze_run_paths(analyze_job *job);
/* Writes every output into the output directory, all or nothing. 0 or exit code. */
int analyze_write(analyze_job *job);
void analyze_job_release(analyze_job *job);

/* Internal to analyze_load and analyze_job_release (analyze_paths.c): start the helper thread
 * that prepares the analysis; let it plan once the sweep's parameters and the grid are known
 * (0 or exit code; quiet: from the sweep's header, print nothing and return -1 on failure);
 * tell it that the sweep's samples are read, or that the sweep will not be known (exactly one
 * of the two, always, before the recording is read); mark the loading complete; and wait for
 * and free what was prepared. */
int analyze_setup_start(analyze_job *job);
int analyze_setup_sweep(analyze_job *job, int quiet);
void analyze_setup_sweep_read(analyze_job *job);
void analyze_setup_sweep_failed(analyze_job *job);
void analyze_setup_loaded(analyze_job *job);
void analyze_setup_release(analyze_job *job);

/* Internal to analyze_write: the output set the helper made, with its files reserved (NULL
 * when it made none; the caller then owns it), and the names of a path's files. */
struct hp_outset *analyze_setup_take_output(analyze_job *job);
#define ANALYZE_MAX_FILES 8
/* The output set for job->opt.out_dir, keeping the files it replaces when it can (a rerun into
 * the same directory writes over the previous run's; hp_outset_keep_previous). NULL with *err
 * set. */
struct hp_outset *analyze_output_set(const analyze_job *job, hp_err *err);
size_t analyze_output_names(const analyze_path *p, char names[][32]);

/* Internal to analyze_run_paths: writes the impulse responses of an analysed path (which
 * calibration leaves alone) into set at once, so that writing overlaps the analysis of the
 * other paths; analyze_write then skips them. 0, or 1 with the message in why. */
int analyze_write_irs(const analyze_job *job, struct hp_outset *set, analyze_path *p, char *why,
                      size_t len);

#endif
