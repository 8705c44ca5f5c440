/* SPDX-License-Identifier: MIT */
/* Calibration and compensation curves (hp_calib_parse): miniDSP UMIK-1/-2 and EARS, Dayton
 * Audio, REW and generic text, AutoEq-style CSV. */
#include "calfile.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_calib_curve c;
    hp_diag d;
    hp_err e = hp_calib_parse((const char *)data, size, &c, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA || e == HP_ENOMEM);
    if (e != HP_OK) {
        FUZZ_ASSERT(c.n == 0 && !c.f_hz && !c.db && !c.phase_deg);
        return 0;
    }
    FUZZ_ASSERT(c.n >= 1);
    fuzz_check_freqs(c.f_hz, c.n);
    fuzz_check_finite(c.db, c.n);
    if (c.phase_deg)
        fuzz_check_finite(c.phase_deg, c.n);
    FUZZ_ASSERT(isnan(c.sens_db) || isfinite(c.sens_db));
    FUZZ_ASSERT(isnan(c.again_db) || isfinite(c.again_db));
    const char *end = memchr(c.serial, '\0', sizeof c.serial);
    FUZZ_ASSERT(end != NULL);
    for (const char *s = c.serial; s < end; s++)
        FUZZ_ASSERT(*s >= 0x20 && *s < 0x7f);
    FUZZ_ASSERT(memchr(c.compensation, '\0', sizeof c.compensation));
    FUZZ_ASSERT(c.side == HP_CALIB_SIDE_NONE || c.side == HP_CALIB_SIDE_LEFT ||
                c.side == HP_CALIB_SIDE_RIGHT);
    FUZZ_ASSERT(c.first_line >= 1 && c.first_line <= c.last_line);
    FUZZ_ASSERT(hp_calib_format_name(c.format) != NULL);
    FUZZ_ASSERT(hp_calib_covers(&c, c.f_hz[0], c.f_hz[c.n - 1]));
    hp_calib_curve_release(&c);
    return 0;
}
