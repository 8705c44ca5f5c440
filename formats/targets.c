/* SPDX-License-Identifier: MIT */
/* Built-in targets by name. */
#include "targets.h"
#include <math.h>
#include <string.h>

static const struct {
    const char *name, *file;
} builtin[] = {
    {"harman-oe-2018", "harman-oe-2018"},
    {"harman-oe-2018-wo-bass", "harman-oe-2018-wo-bass"},
    {"harman-ie-2019", "harman-ie-2019"},
    {"iso-11904-2", "iso-11904-2-df"},
    {"flat", NULL},  /* 0 dB everywhere: not neutral on a coupler or ear simulator */
};
#define NBUILTIN (sizeof builtin / sizeof builtin[0])

static hp_err flat(hp_frcurve *out)
{
    /* Two decades either side of the audio band, on a coarse log grid: interpolation holds
     * 0 dB everywhere. */
    hp_err e = hp_frcurve_alloc(out, 16);
    if (e != HP_OK)
        return e;
    for (size_t i = 0; i < out->n; i++) {
        out->f_hz[i] = 1.0 * pow(10.0, (double)i * 6.0 / 15.0);
        out->db[i] = 0.0;
    }
    return HP_OK;
}

hp_err hp_target_builtin(const char *name, hp_frcurve *out, int *is_flat)
{
    if (!name || !out)
        return HP_EINVAL;
    if (is_flat)
        *is_flat = 0;
    for (size_t i = 0; i < NBUILTIN; i++) {
        if (strcmp(builtin[i].name, name))
            continue;
        if (!builtin[i].file) {
            if (is_flat)
                *is_flat = 1;
            return flat(out);
        }
        for (const hp_target_file *t = hp_target_files; t->name; t++)
            if (!strcmp(t->name, builtin[i].file))
                return hp_fr_parse(t->csv, t->len, out, NULL);
        return HP_ENODATA;
    }
    return HP_ENODATA;
}

hp_err hp_target_load(const char *name_or_path, hp_frcurve *out, int *is_flat, hp_diag *diag)
{
    hp_err e = hp_target_builtin(name_or_path, out, is_flat);
    if (e != HP_ENODATA)
        return e;
    return hp_fr_read(name_or_path, out, diag);
}
