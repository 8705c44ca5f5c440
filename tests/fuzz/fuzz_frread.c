/* SPDX-License-Identifier: MIT */
/* Frequency-response text (hp_fr_parse): hpfr's fr.csv, AutoEq CSV, REW text exports,
 * squig.link/CrinGraph L/R files and target files given by path (hp_target_load reads them
 * with the same parser). */
#include "frread.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_frcurve c;
    hp_diag d;
    hp_err e = hp_fr_parse((const char *)data, size, &c, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENOMEM);
    if (e == HP_OK) {
        FUZZ_ASSERT(c.n >= HP_FR_MIN_POINTS);
        fuzz_check_freqs(c.f_hz, c.n);
        fuzz_check_finite(c.db, c.n);
    } else {
        FUZZ_ASSERT(c.n == 0 && !c.f_hz && !c.db);
        FUZZ_ASSERT(e != HP_EPARSE || d.reason[0]);
    }
    hp_frcurve_release(&c);
    return 0;
}
