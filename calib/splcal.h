/* SPDX-License-Identifier: MIT */
/* SPL calibration files (hpfr calib spl): the dBFS-to-dB-SPL offset of each input channel.
 *
 *   hpfr-spl 1
 *   channel 1 offset_db 112.340 ref_db 94 level_dbfs -18.340 tone_hz 1000.02 spread_db 0.020
 *
 * dB SPL = dBFS + offset_db, with a full-scale sine at 0 dBFS. Only offset_db is needed;
 * the other keys record how it was measured. */
#ifndef HP_SPLCAL_H
#define HP_SPLCAL_H
#include <stdio.h>
#include "diag.h"
#include "hp_err.h"

#define HP_SPLCAL_CHANNELS 64

typedef struct {
    double offset_db[HP_SPLCAL_CHANNELS];   /* index = input channel - 1; NaN = none */
    double ref_db[HP_SPLCAL_CHANNELS];      /* calibrator level, NaN if not recorded */
    double level_dbfs[HP_SPLCAL_CHANNELS];
    double tone_hz[HP_SPLCAL_CHANNELS];
    double spread_db[HP_SPLCAL_CHANNELS];
} hp_spl_cal;

/* All entries NaN. */
void hp_spl_cal_init(hp_spl_cal *c);

/* Parses the format above. HP_EPARSE with diag line and reason (first line not "hpfr-spl 1",
 * a line not "channel N offset_db X ...", a channel given twice), HP_ENODATA for no channel,
 * HP_EINVAL. */
hp_err hp_spl_cal_parse(const char *buf, size_t len, hp_spl_cal *out, hp_diag *diag) HP_WUR;
hp_err hp_spl_cal_read(const char *path, hp_spl_cal *out, hp_diag *diag) HP_WUR;

/* Writes every channel that has an offset. HP_EIO on write errors. */
hp_err hp_spl_cal_write(FILE *f, const hp_spl_cal *c) HP_WUR;

#endif
