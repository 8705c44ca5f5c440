/* SPDX-License-Identifier: MIT */
/* Numeric CSV tables (hp_csvtab_parse): the fr.csv files of a session's placements that
 * average and leak read. */
#include "csvtab.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_csvtab t;
    hp_diag d;
    hp_err e = hp_csvtab_parse((const char *)data, size, &t, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ERANGE || e == HP_ENOMEM);
    if (e != HP_OK) {
        FUZZ_ASSERT(t.ncols == 0 && t.nrows == 0 && !t.names && !t.data && !t.line);
        return 0;
    }
    FUZZ_ASSERT(t.ncols >= 1 && t.ncols <= HP_CSVTAB_MAX_COLS && t.nrows >= 1);
    for (size_t c = 0; c < t.ncols; c++) {
        FUZZ_ASSERT(t.names[c][0] != '\0');
        /* distinct names: each finds its own column */
        FUZZ_ASSERT(hp_csvtab_col(&t, t.names[c]) == (long)c);
    }
    for (size_t r = 0; r < t.nrows; r++) {
        FUZZ_ASSERT(t.line[r] >= 2 && (r == 0 || t.line[r] > t.line[r - 1]));
        for (size_t c = 0; c < t.ncols; c++)
            (void)hp_csvtab_at(&t, r, c);
    }
    hp_csvtab_release(&t);
    return 0;
}
