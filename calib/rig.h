/* SPDX-License-Identifier: MIT */
/* A measurement rig's calibration: microphone files per input channel, the interface
 * (loopback) calibration, SPL offsets and a compensation curve, loaded from a rig profile
 * and/or given one by one, and turned into the correction of one path on a response grid.
 *
 * Rig profile (e.g. rig.cal; paths are relative to the profile's own directory):
 *
 *   hpfr-rig 1
 *   # '#' at the start or after a blank starts a comment; a path is the rest of the line
 *   mic 1 ears-L-HEQ.txt        microphone calibration of input channel 1
 *   mic 2 ears-R-HEQ.txt
 *   interface iface.cal         hpfr calib loopback output
 *   spl spl.cal                 hpfr calib spl output
 *   spl_offset 2 112.85         an offset given directly (overrides spl.cal's channel 2)
 *   compensation df.csv         curve the compensated response is shown relative to
 */
#ifndef HP_RIG_H
#define HP_RIG_H
#include <stdbool.h>
#include <stddef.h>
#include "calapply.h"
#include "calfile.h"
#include "diag.h"
#include "hp_err.h"
#include "ifacecal.h"
#include "splcal.h"

#define HP_RIG_CHANNELS HP_SPLCAL_CHANNELS

/* A parsed profile: resolved paths (malloc'd, NULL when not given). */
typedef struct {
    char *mic[HP_RIG_CHANNELS];          /* index = input channel - 1 */
    char *interface, *spl, *compensation;
    double spl_offset[HP_RIG_CHANNELS];  /* NaN = not given */
    long mic_line[HP_RIG_CHANNELS];      /* line of each mic entry, for messages */
} hp_rig_profile;

/* Parses a profile. Relative paths are joined to base_dir (the profile's directory; NULL or
 * "" for the current one); absolute paths are kept. A path may be wrapped in double quotes.
 * Errors: HP_EPARSE with line and reason (first line not "hpfr-rig 1", unknown keyword, a
 * setting given twice, a missing path, a bad channel or number), HP_ENOMEM, HP_EINVAL. */
hp_err hp_rig_profile_parse(const char *buf, size_t len, const char *base_dir,
                            hp_rig_profile *out, hp_diag *diag) HP_WUR;
void hp_rig_profile_release(hp_rig_profile *p);

/* The loaded calibration. Zero it, then call hp_calib_rig_init. */
typedef struct {
    hp_calib_curve mic[HP_RIG_CHANNELS];
    char *mic_path[HP_RIG_CHANNELS];     /* NULL where no microphone file is set */
    hp_iface_cal iface;
    char *iface_path;
    double spl_offset[HP_RIG_CHANNELS];  /* NaN = none */
    char *spl_path;
    hp_calib_curve comp;
    char *comp_path;
    char *profile_path;
    char *failed_path;                   /* the file the last failed load was about */
} hp_calib_rig;

void hp_calib_rig_init(hp_calib_rig *r);
void hp_calib_rig_release(hp_calib_rig *r);

/* Each loader names the file that failed in *failed (pointing into r or at path) and fills
 * diag as the underlying reader does. */

/* Reads the profile at path and everything it names. */
hp_err hp_calib_rig_load_profile(hp_calib_rig *r, const char *path, const char **failed,
                                 hp_diag *diag) HP_WUR;
/* Sets (or replaces) the microphone file of input channel ch (1-based). */
hp_err hp_calib_rig_set_mic(hp_calib_rig *r, unsigned ch, const char *path, hp_diag *diag) HP_WUR;
/* Sets (or replaces) the compensation curve. */
hp_err hp_calib_rig_set_compensation(hp_calib_rig *r, const char *path, hp_diag *diag) HP_WUR;

/* True when anything at all is set. */
bool hp_calib_rig_any(const hp_calib_rig *r);

/* The correction of input channel ch (1-based) at rate_hz on the grid fq_hz[n]: db[i] = the
 * microphone deviation plus the interface response, interpolated (hp_curve_interp), and
 * phase[i] their phases (0 where a file has none); *out points at db/phase (phase NULL when
 * neither file has phase) with the channel's SPL offset (0 when none).
 * HP_ENODATA with a reason when an interface calibration is set but has no section for
 * (ch, rate_hz); HP_EINVAL, HP_ENOMEM. */
hp_err hp_calib_rig_correction(const hp_calib_rig *r, unsigned ch, double rate_hz,
                               const double *fq_hz, size_t n, double *db, double *phase,
                               hp_cal_correction *out, hp_diag *diag) HP_WUR;

#endif
