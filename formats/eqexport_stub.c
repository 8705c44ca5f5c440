/* SPDX-License-Identifier: MIT */
/* STUB, to be deleted when branch eqx (the real exporters behind formats/eqexport.h) is
 * merged: parses the format list and writes only ParametricEQ.txt, so `hpfr eq` runs and is
 * tested on this branch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "eqexport.h"
#include "outset.h"

hp_err hp_eqx_parse_formats(const char *list, unsigned *mask)
{
    static const char *const names[] = {"apo", "graphic", "csv", "pipewire", "easyeffects",
                                        "camilladsp", "sox", "rew", "fir"};
    if (!list || !mask || !*list)
        return HP_EINVAL;
    if (!strcmp(list, "all")) {
        *mask = HP_EQX_ALL;
        return HP_OK;
    }
    unsigned m = 0;
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        size_t i = 0;
        while (i < 9 && !(strlen(names[i]) == k && !strncmp(names[i], p, k)))
            i++;
        if (i == 9)
            return HP_EINVAL;
        m |= 1u << i;
        p += k;
        if (*p == ',' && !*++p)
            return HP_EINVAL;
    }
    *mask = m;
    return HP_OK;
}

static const char *type_code(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "LSC" : t == HP_BQ_HIGHSHELF ? "HSC" : "PK";
}

hp_err hp_eqx_write(const char *dir, const hp_eq_export *e, unsigned mask, char *why,
                    size_t why_len)
{
    if (!dir || !e || (e->nch != 1 && e->nch != 2))
        return HP_EINVAL;
    if (!(mask & HP_EQX_APO))
        return HP_OK;
    hp_err err;
    hp_outset *set = hp_outset_new(dir, &err);
    FILE *f = set ? hp_outset_fopen(set, "ParametricEQ.txt") : NULL;
    if (!f) {
        if (why)
            snprintf(why, why_len, "%s/ParametricEQ.txt: %s", dir, strerror(errno));
        hp_outset_free(set);
        return set ? HP_EIO : err;
    }
    for (unsigned c = 0; c < e->nch; c++) {
        const hp_peq *p = &e->peq[c];
        if (e->nch == 2)
            fprintf(f, "Channel: %s\n", c ? "R" : "L");
        fprintf(f, "Preamp: %.1f dB\n", p->preamp_db);
        for (size_t k = 0; k < p->n; k++)
            fprintf(f, "Filter %zu: ON %s Fc %.0f Hz Gain %.1f dB Q %.2f\n", k + 1,
                    type_code(p->f[k].type), p->f[k].fc_hz, p->f[k].gain_db, p->f[k].q);
    }
    err = hp_outset_commit(set);
    if (err != HP_OK && why)
        snprintf(why, why_len, "%s/ParametricEQ.txt: %s", dir, strerror(errno));
    hp_outset_free(set);
    return err;
}
