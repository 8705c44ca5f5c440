/* SPDX-License-Identifier: MIT */
/* The FFTW wisdom cache of the CLI. */
#include "wisdom.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fft.h"
#include "outset.h"

/* Cache path into buf; 0 when there is no home to put it in or HPFR_WISDOM is empty. */
static int cache_path(char *buf, size_t len, int make_dirs)
{
    const char *env = getenv("HPFR_WISDOM");
    if (env)
        return *env && snprintf(buf, len, "%s", env) < (int)len;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/hpfr", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.cache/hpfr", home);
    else
        return 0;
    if (make_dirs) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", dir);
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent) {
            *slash = '\0';
            if (mkdir(parent, 0755) != 0 && errno != EEXIST)
                return 0;
        }
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return 0;
    }
    return snprintf(buf, len, "%s/fftw-wisdom", dir) < (int)len;
}

char *hp_cli_wisdom_load(void)
{
    char path[4200];
    if (!cache_path(path, sizeof path, 0))
        return NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = calloc(1, 1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!text || n == 0 || hp_fft_import_wisdom(text) != HP_OK) {
        free(text);
        return NULL;
    }
    return text;
}

void hp_cli_wisdom_save(char *loaded)
{
    char path[4200];
    /* Nothing planned that the cache did not already hold: exporting would only cost time. */
    if (loaded && !hp_fft_learned_wisdom()) {
        free(loaded);
        return;
    }
    char *now = hp_fft_export_wisdom();
    /* FFTW exports its wisdom in hash order, not in the order it was imported, so the texts
     * differ even when nothing was learnt. Wisdom only grows within a process: an export as
     * long as the text loaded holds the same entries. */
    if (now && (!loaded || strlen(now) != strlen(loaded)) && cache_path(path, sizeof path, 1))
        (void)!hp_write_file_atomic(path, now, strlen(now));
    hp_fft_wisdom_free(now);
    free(loaded);
}
