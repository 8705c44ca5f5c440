/* SPDX-License-Identifier: MIT */
/* SPL calibration files (hp_spl_cal_parse). */
#include "fuzz.h"
#include "splcal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_spl_cal c;
    hp_diag d;
    hp_err e = hp_spl_cal_parse((const char *)data, size, &c, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA);
    if (e != HP_OK)
        return 0;
    int any = 0;
    for (size_t i = 0; i < HP_SPLCAL_CHANNELS; i++) {
        any |= !isnan(c.offset_db[i]);
        FUZZ_ASSERT(isnan(c.offset_db[i]) || isfinite(c.offset_db[i]));
        FUZZ_ASSERT(isnan(c.ref_db[i]) || isfinite(c.ref_db[i]));
        FUZZ_ASSERT(isnan(c.level_dbfs[i]) || isfinite(c.level_dbfs[i]));
        FUZZ_ASSERT(isnan(c.tone_hz[i]) || isfinite(c.tone_hz[i]));
        FUZZ_ASSERT(isnan(c.spread_db[i]) || isfinite(c.spread_db[i]));
    }
    FUZZ_ASSERT(any);
    return 0;
}
