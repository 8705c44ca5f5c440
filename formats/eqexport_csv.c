/* SPDX-License-Identifier: MIT */
/* AutoEq-compatible CSV (peers-and-formats.md 3.1): the curves of one ear per file, two
 * decimals, '.' as the decimal point. */
#include <string.h>
#include "csv.h"
#include "eqexport_impl.h"

hp_err eqx_write_csv(eqx_ctx *c)
{
    const hp_eq_export *e = c->e;
    for (unsigned ch = 0; ch < e->nch; ch++) {
        char name[32], header[160] = "frequency";
        snprintf(name, sizeof name, "eq%s.csv", eqx_ch_suffix(e, ch));
        const struct {
            const char *key;
            const double *v;
        } cols[] = {
            {"raw", e->raw[ch]},
            {"smoothed", e->smoothed[ch]},
            {"error", e->error[ch]},
            {"target", e->target[ch]},
            {"equalization", e->equalization[ch]},
            {"parametric_eq", e->parametric_eq[ch]},
            {"equalized_raw", e->equalized_raw[ch]},
        };
        const double *data[8] = {e->freq};
        int decimals[8] = {2, 2, 2, 2, 2, 2, 2, 2};
        size_t nc = 1;
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            if (!cols[k].v)
                continue;
            strcat(header, ",");
            strcat(header, cols[k].key);
            data[nc++] = cols[k].v;
        }
        FILE *f = eqx_open(c, name);
        if (!f)
            return HP_EIO;
        hp_err err = hp_csv_write(f, header, data, nc, e->n, decimals);
        if (err != HP_OK)
            return eqx_write_failed(c, name, err);
    }
    return HP_OK;
}
