/* SPDX-License-Identifier: MIT */
/* Interface calibration files (hpfr calib loopback): the output-to-input response through a
 * loopback cable, per input channel and sample rate, which hpfr analyze divides out.
 *
 *   hpfr-interface 1
 *   # comments start with '#'
 *   channel 1 rate 48000 gain_db -0.512
 *   20.000 -0.0312 2.345        <- frequency_hz db phase_deg, ascending
 *   ...
 *   channel 2 rate 48000 gain_db -0.498
 *   ...
 *
 * db is normalised to 0 dB at 1 kHz so that only the shape is divided out and the absolute
 * level stays the business of the SPL calibration; gain_db records the level at 1 kHz that
 * was taken off. Phase is relative to the loopback's onset (its delay is not part of it). */
#ifndef HP_IFACECAL_H
#define HP_IFACECAL_H
#include <stddef.h>
#include <stdio.h>
#include "diag.h"
#include "hp_err.h"

typedef struct {
    unsigned channel;       /* input channel, 1-based */
    double rate_hz;
    double gain_db;         /* level at 1 kHz before normalisation (informational) */
    size_t n;
    double *f_hz, *db, *phase_deg;
} hp_iface_section;

typedef struct {
    size_t n;
    hp_iface_section *sec;
} hp_iface_cal;

/* Parses the format above. Errors: HP_EPARSE with diag line and reason (missing
 * "hpfr-interface 1" first line, a row before any "channel" line, a malformed or non-ascending
 * row, a repeated channel/rate pair, an empty section), HP_ENOMEM, HP_EINVAL. */
hp_err hp_iface_parse(const char *buf, size_t len, hp_iface_cal *out, hp_diag *diag) HP_WUR;
hp_err hp_iface_read(const char *path, hp_iface_cal *out, hp_diag *diag) HP_WUR;

/* Writes the whole calibration (sections in order). HP_EIO on a write error. */
hp_err hp_iface_write(FILE *f, const hp_iface_cal *c) HP_WUR;

/* Adds a section, or replaces the one with the same channel and rate; copies the arrays.
 * HP_EINVAL for bad arguments (n = 0, channel 0, non-ascending f), HP_ENOMEM. */
hp_err hp_iface_set(hp_iface_cal *c, unsigned channel, double rate_hz, double gain_db,
                    const double *f_hz, const double *db, const double *phase_deg, size_t n)
    HP_WUR;

/* The section for (channel, rate), or NULL. */
const hp_iface_section *hp_iface_find(const hp_iface_cal *c, unsigned channel, double rate_hz);

void hp_iface_release(hp_iface_cal *c);

#endif
