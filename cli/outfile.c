/* SPDX-License-Identifier: MIT */
/* Atomic output helpers for the CLI. */
#include "outfile.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int hp_cli_write_audio(const char *cmd, const char *path, const hp_audio *a)
{
    char *copy = strdup(path);
    if (!copy)
        return hp_cli_fail(cmd, "out of memory");
    char *slash = strrchr(copy, '/');
    const char *dir = ".", *name = copy;
    if (slash) {
        *slash = '\0';
        dir = slash == copy ? "/" : copy;
        name = slash + 1;
    }
    if (!*name) {
        free(copy);
        return hp_cli_fail(cmd, "%s: not a file name", path);
    }
    hp_err e;
    hp_outset *set = hp_outset_new(dir, &e);
    const char *tmp = set ? hp_outset_path(set, name) : NULL;
    int rc = 0;
    if (!tmp)
        rc = hp_cli_fail(cmd, "%s: cannot write here: %s", path, strerror(errno));
    else if (hp_audio_write_float(tmp, a) != HP_OK || hp_outset_commit(set) != HP_OK)
        rc = hp_cli_fail(cmd, "%s: write failed: %s", path, strerror(errno));
    hp_outset_free(set);
    free(copy);
    return rc;
}

int hp_cli_set_audio(const char *cmd, hp_outset *set, const char *name, const double *x, size_t n,
                     double rate_hz)
{
    hp_audio a = {0};
    a.rate_hz = rate_hz;
    a.frames = n;
    a.channels = 1;
    a.data = (double *)x; /* hp_audio_write_float only reads; not released here */
    const char *tmp = hp_outset_path(set, name);
    if (!tmp || hp_audio_write_float(tmp, &a) != HP_OK)
        return hp_cli_fail(cmd, "%s/%s: write failed: %s", hp_outset_dir(set), name, strerror(errno));
    return 0;
}
