/* SPDX-License-Identifier: MIT */
/* The tables `hpfr plot` and `hpfr report` read (hp_ptable_parse, hp_ptable_numbers) and the
 * frequency responses they draw from them (hp_pin_fr_parse: fr.csv, AutoEq eq.csv). */
#include "fuzz.h"
#include "pinput.h"
#include "ptable.h"

static void check_table(const char *buf, size_t size)
{
    hp_ptable t;
    hp_diag d;
    hp_err e = hp_ptable_parse(buf, size, &t, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA || e == HP_ENOMEM);
    if (e != HP_OK) {
        FUZZ_ASSERT(t.ncols == 0 && t.nrows == 0 && !t.text);
        return;
    }
    FUZZ_ASSERT(t.ncols >= 1 && t.nrows >= 1);
    double *v = malloc(t.nrows * sizeof *v);
    for (size_t c = 0; v && c < t.ncols; c++) {
        FUZZ_ASSERT(t.names[c][0] != '\0');
        FUZZ_ASSERT(hp_ptable_find(&t, t.names[c]) >= 0);
        e = hp_ptable_numbers(&t, c, v, &d);
        fuzz_check_diag(&d, e);
        FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE);
        FUZZ_ASSERT(e == HP_OK || (d.line >= 1 && d.column >= 1));
        for (size_t r = 0; r < t.nrows; r++)
            FUZZ_ASSERT(hp_ptable_cell(&t, r, c) != NULL);
    }
    FUZZ_ASSERT(hp_ptable_cell(&t, t.nrows, 0) == NULL && hp_ptable_cell(&t, 0, t.ncols) == NULL);
    free(v);
    hp_ptable_release(&t);
}

static void check_fr(const char *buf, size_t size)
{
    hp_pin_fr fr;
    char why[512];
    why[0] = '\0';
    hp_err e = hp_pin_fr_parse("dir/fr-L.csv", buf, size, &fr, why, sizeof why);
    fuzz_check_why(why, sizeof why);
    if (e != HP_OK) {
        FUZZ_ASSERT(why[0] && !fr.f && !fr.path);
        return;
    }
    FUZZ_ASSERT(fr.n >= 1 && !strcmp(fr.label, "L"));
    FUZZ_ASSERT(fr.raw || fr.smoothed);
    FUZZ_ASSERT(hp_pin_fr_curve(&fr, 0) && hp_pin_fr_curve(&fr, 1));
    fuzz_check_freqs(fr.f, fr.n);
    hp_pin_fr_release(&fr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_table((const char *)data, size);
    check_fr((const char *)data, size);
    return 0;
}
