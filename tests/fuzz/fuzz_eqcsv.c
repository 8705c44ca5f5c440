/* SPDX-License-Identifier: MIT */
/* AutoEq's eq.csv read back (hp_eqcsv_parse). */
#include "eqread.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_eqcsv t;
    hp_diag d;
    hp_err e = hp_eqcsv_parse((const char *)data, size, &t, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA || e == HP_ENOMEM);
    if (e != HP_OK) {
        FUZZ_ASSERT(t.n == 0 && t.ncol == 0 && !t.col[0]);
        return 0;
    }
    FUZZ_ASSERT(t.n >= 2 && t.ncol >= 1 && t.ncol <= HP_EQCSV_MAX_COLS);
    FUZZ_ASSERT(!strcmp(t.name[0], "frequency"));
    FUZZ_ASSERT(hp_eqcsv_get(&t, "frequency") == t.col[0]);
    fuzz_check_freqs(t.col[0], t.n);
    for (size_t c = 0; c < t.ncol; c++) {
        FUZZ_ASSERT(memchr(t.name[c], '\0', sizeof t.name[c]));
        FUZZ_ASSERT(hp_eqcsv_get(&t, t.name[c]) != NULL);
        volatile double cell = 0; /* every row of every column is there (ASan) */
        for (size_t r = 0; r < t.n; r++)
            cell = t.col[c][r];
        (void)cell;
    }
    hp_eqcsv_release(&t);
    return 0;
}
