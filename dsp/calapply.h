/* SPDX-License-Identifier: MIT */
/* Applying and removing a measurement chain's calibration on a response grid: the microphone's
 * deviation and the interface's loopback response are divided out (subtracted in dB, phase
 * subtracted), and the SPL offset turns dB re full scale into dB SPL. */
#ifndef HP_CALAPPLY_H
#define HP_CALAPPLY_H
#include <stddef.h>
#include "hp_err.h"

/* What to take out of one path's response, on the response's own grid. */
typedef struct {
    const double *db;         /* n dB values to subtract (microphone deviation plus interface
                                 response), or NULL for none */
    const double *phase_deg;  /* n degrees to subtract, or NULL for none */
    double offset_db;         /* added after the subtraction: the input's dBFS-to-dB-SPL offset
                                 (0 for none) */
} hp_cal_correction;

/* Applies c to a response of n grid points in place: raw_db and smooth_db become
 * value - c->db[i] + c->offset_db, phase_deg becomes phase - c->phase_deg[i] folded into
 * (-180, 180]. Any of raw_db, smooth_db and phase_deg may be NULL (left alone). Subtracting the
 * same correction from the smoothed column (rather than smoothing the corrected raw column)
 * is exact for a correction that is constant over the smoothing window and otherwise off by
 * the correction's own deviation from its local average, which is small for the slowly
 * varying curves of calibration files.
 * Errors (nothing changed): HP_EINVAL for a NULL c, a NULL array in c with n > 0 where the
 * matching response array is given, a non-finite offset or correction value. Thread-safe. */
hp_err hp_cal_apply(const hp_cal_correction *c, double *raw_db, double *smooth_db,
                    double *phase_deg, size_t n) HP_WUR;

/* The inverse of hp_cal_apply: adds c->db, subtracts the offset, adds the phase (folded).
 * Same arguments and errors. Applying then removing returns the input to rounding (phase
 * modulo 360 degrees). */
hp_err hp_cal_remove(const hp_cal_correction *c, double *raw_db, double *smooth_db,
                     double *phase_deg, size_t n) HP_WUR;

/* out[i] = db[i] - comp_db[i]: a response relative to a compensation curve (diffuse-field
 * curve, EARS HEQ, any target), as AutoEq computes its error curve. out may equal db.
 * HP_EINVAL for NULL pointers with n > 0. */
hp_err hp_cal_compensate(const double *db, const double *comp_db, size_t n, double *out) HP_WUR;

#endif
