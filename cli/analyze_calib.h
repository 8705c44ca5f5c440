/* SPDX-License-Identifier: MIT */
/* hpfr analyze, calibration: microphone files, interface calibration and SPL offsets applied
 * to every path's response, and the compensated curves written beside the responses. */
#ifndef HP_CLI_ANALYZE_CALIB_H
#define HP_CLI_ANALYZE_CALIB_H
#include "analyze.h"
#include "json.h"
#include "outset.h"

/* Loads --profile, --mic-cal and --compensation (job->opt), checks them against the
 * recording, warns about curves that do not cover 20 Hz-20 kHz, and applies the correction
 * of each path's input channel to its response (raw, smoothed, phase) in place. Does nothing
 * without those options. 0 or an exit code after printing. */
int analyze_calibrate(analyze_job *job);

/* Reads the files --profile, --mic-cal and --compensation name (job->opt) and checks the
 * --mic-cal count against job->rec.channels, without applying anything: for hpfr measure, so
 * that a missing or malformed file is reported before anything is measured. 0 or an exit code
 * after printing. */
int analyze_calib_preflight(const analyze_job *job);

/* Writes fr-comp<name>.csv (frequency,raw,smoothed: the calibrated response minus the
 * compensation curve) for a direct path when a compensation curve is set. 0, or nonzero with
 * the one-line reason in why (not printed: analyze_write reports the first failure of its
 * writer threads). */
int analyze_calib_write(const analyze_job *job, hp_outset *set, const analyze_path *p, char *why,
                        size_t len);

/* Adds a "calibration" object to summary.json when calibration was applied. */
void analyze_calib_json(hp_json *j, const analyze_job *job);

/* Frees job->calib. */
void analyze_calib_free(analyze_job *job);

#endif
