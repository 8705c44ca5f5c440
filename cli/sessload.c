/* SPDX-License-Identifier: MIT */
/* Session loading for the statistics and leak commands. */
#include "sessload.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "audio.h"
#include "cli.h"
#include "csvtab.h"

int sess_read_file(const char *cmd, const char *path, size_t max, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return hp_cli_fail(cmd, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return hp_cli_fail(cmd, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > max) {
        fclose(f);
        return hp_cli_fail(cmd, "%s: larger than %zu MiB", path, max >> 20);
    }
    size_t n = (size_t)st.st_size;
    char *b = malloc(n + 1);
    if (!b) {
        fclose(f);
        return hp_cli_fail(cmd, "%s: out of memory", path);
    }
    size_t got = fread(b, 1, n, f);
    int err = ferror(f);
    fclose(f);
    if (got != n || err) {
        free(b);
        return hp_cli_fail(cmd, "%s: read failed%s%s", path, err ? ": " : " (file changed)",
                           err ? strerror(errno) : "");
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

char *sess_path(const sess *s, size_t p, const char *name)
{
    size_t n = strlen(s->dir) + strlen(s->pl[p]->dir) + strlen(name) + 3;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s/%s", s->dir, s->pl[p]->dir, name);
    return path;
}

static int load_info(const char *cmd, const char *dir, sess *s)
{
    size_t n = strlen(dir) + sizeof "/session.json";
    char *path = malloc(n), *buf = NULL;
    size_t len;
    if (!path)
        return hp_cli_fail(cmd, "out of memory");
    snprintf(path, n, "%s/session.json", dir);
    int rc = sess_read_file(cmd, path, HP_SESSINFO_MAX_BYTES, &buf, &len);
    if (!rc) {
        hp_diag d;
        hp_err e = hp_sessinfo_parse(buf, len, &s->info, &d);
        if (e == HP_ENOMEM)
            rc = hp_cli_fail(cmd, "out of memory");
        else if (e != HP_OK && d.line > 0)
            rc = hp_cli_fail(cmd, "%s:%ld: %s", path, d.line, d.reason);
        else if (e != HP_OK)
            rc = hp_cli_fail(cmd, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
    }
    if (!rc && hp_sessinfo_ndone(&s->info) < 2)
        rc = hp_cli_fail(cmd, "%s: %zu placement%s measured (status \"done\"); statistics and "
                              "leak analysis need at least 2",
                         path, hp_sessinfo_ndone(&s->info),
                         hp_sessinfo_ndone(&s->info) == 1 ? "" : "s");
    free(buf);
    free(path);
    return rc;
}

static int by_index(const void *a, const void *b)
{
    unsigned x = (*(const hp_sessinfo_place *const *)a)->index;
    unsigned y = (*(const hp_sessinfo_place *const *)b)->index;
    return (x > y) - (x < y);
}

/* The grid of the first fr-*.csv read; every later file must have the same. */
static int set_grid(const char *cmd, const char *path, const hp_csvtab *t, long cf, sess *s)
{
    if (!(s->f_hz = malloc(t->nrows * sizeof *s->f_hz)))
        return hp_cli_fail(cmd, "out of memory");
    s->nf = t->nrows;
    for (size_t i = 0; i < t->nrows; i++) {
        double f = hp_csvtab_at(t, i, (size_t)cf);
        if (!(f > 0) || !isfinite(f) || (i && !(f > s->f_hz[i - 1])))
            return hp_cli_fail(cmd, "%s:%ld: frequencies must be positive and ascending", path,
                               t->line[i]);
        s->f_hz[i] = f;
    }
    if (!(s->fr = malloc(s->nch * s->np * s->nf * sizeof *s->fr)))
        return hp_cli_fail(cmd, "out of memory");
    return 0;
}

/* Checks one fr-*.csv table against the grid and copies its dB column into dst. */
static int take_table(const char *cmd, const char *path, const hp_csvtab *t, sess *s, size_t ch,
                      size_t p, const char *first)
{
    const char *want = s->smoothed ? "smoothed" : "raw";
    long cf = hp_csvtab_col(t, "frequency"), cv = hp_csvtab_col(t, want);
    if (cf < 0 || cv < 0)
        return hp_cli_fail(cmd, "%s:1: no \"%s\" column (an hpfr response file has "
                                "frequency,raw,smoothed,phase)",
                           path, cf < 0 ? "frequency" : want);
    if (!s->f_hz && set_grid(cmd, path, t, cf, s))
        return HP_EXIT_BAD;
    if (t->nrows != s->nf)
        return hp_cli_fail(cmd, "%s: %zu frequencies, but %s has %zu: placements must share one "
                                "grid",
                           path, t->nrows, first, s->nf);
    double *dst = sess_fr(s, ch, p);
    for (size_t i = 0; i < t->nrows; i++) {
        double f = hp_csvtab_at(t, i, (size_t)cf), v = hp_csvtab_at(t, i, (size_t)cv);
        if (fabs(f - s->f_hz[i]) > 1e-6 * s->f_hz[i])
            return hp_cli_fail(cmd, "%s:%ld: %g Hz where %s has %g Hz: placements must share "
                                    "one grid",
                               path, t->line[i], f, first, s->f_hz[i]);
        if (!isfinite(v))
            return hp_cli_fail(cmd, "%s:%ld: the %s level is not a finite number", path,
                               t->line[i], want);
        dst[i] = v;
    }
    return 0;
}

/* Reads placement p's fr-<channel>.csv; *first_path keeps the first file's name for messages. */
static int load_fr(const char *cmd, sess *s, size_t ch, size_t p, char **first_path)
{
    char name[64];
    snprintf(name, sizeof name, "fr-%s.csv", s->info.channels[ch]);
    char *path = sess_path(s, p, name), *buf = NULL;
    size_t len;
    if (!path)
        return hp_cli_fail(cmd, "out of memory");
    int rc = sess_read_file(cmd, path, HP_CSVTAB_MAX_BYTES, &buf, &len);
    hp_csvtab t;
    hp_diag d;
    hp_err e = rc ? HP_OK : hp_csvtab_parse(buf, len, &t, &d);
    free(buf);
    if (!rc && e != HP_OK) {
        if (d.line > 0 && d.column > 0)
            rc = hp_cli_fail(cmd, "%s:%ld: field %ld: %s", path, d.line, d.column, d.reason);
        else if (d.line > 0)
            rc = hp_cli_fail(cmd, "%s:%ld: %s", path, d.line, d.reason);
        else
            rc = hp_cli_fail(cmd, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
    } else if (!rc) {
        if (!*first_path)
            *first_path = strdup(path);
        rc = take_table(cmd, path, &t, s, ch, p, *first_path ? *first_path : path);
        hp_csvtab_release(&t);
    }
    free(path);
    return rc;
}

int sess_load(const char *cmd, const char *dir, int smoothed, sess *s)
{
    memset(s, 0, sizeof *s);
    s->dir = dir;
    s->smoothed = smoothed;
    if (load_info(cmd, dir, s))
        return HP_EXIT_BAD;
    s->nch = s->info.nchannels;
    s->np = hp_sessinfo_ndone(&s->info);
    s->pl = calloc(s->np, sizeof *s->pl);
    if (!s->pl)
        return hp_cli_fail(cmd, "out of memory");
    for (size_t i = 0, k = 0; i < s->info.nplace; i++)
        if (s->info.place[i].done)
            s->pl[k++] = &s->info.place[i];
    qsort(s->pl, s->np, sizeof *s->pl, by_index);
    char *first = NULL;
    int rc = 0;
    for (size_t ch = 0; !rc && ch < s->nch; ch++)
        for (size_t p = 0; !rc && p < s->np; p++)
            rc = load_fr(cmd, s, ch, p, &first);
    free(first);
    return rc;
}

void sess_release(sess *s)
{
    if (!s)
        return;
    hp_sessinfo_release(&s->info);
    free(s->pl);
    free(s->f_hz);
    free(s->fr);
    memset(s, 0, sizeof *s);
}

static int load_ir(const char *cmd, const sess *s, size_t ch, size_t p, hp_audio *a)
{
    char name[64];
    snprintf(name, sizeof name, "ir-%s.wav", s->info.channels[ch]);
    char *path = sess_path(s, p, name);
    if (!path)
        return hp_cli_fail(cmd, "out of memory");
    hp_diag d;
    hp_err e = hp_audio_read(path, a, &d);
    int rc = 0;
    if (e == HP_EPARSE && d.sample >= 0)
        rc = hp_cli_fail(cmd, "%s: sample %lld: %s", path, d.sample, d.reason);
    else if (e != HP_OK)
        rc = hp_cli_fail(cmd, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
    else if (a->channels != 1)
        rc = hp_cli_fail(cmd, "%s: %u channels; an impulse response file has one", path,
                         a->channels);
    else if (a->frames < 64)
        rc = hp_cli_fail(cmd, "%s: %zu samples is too short for an impulse response", path,
                         a->frames);
    free(path);
    return rc;
}

int sess_ir_load(const char *cmd, const sess *s, hp_audio *ir, size_t *max_len, double *rate_hz)
{
    size_t maxlen = 0;
    for (size_t ch = 0; ch < s->nch; ch++)
        for (size_t p = 0; p < s->np; p++) {
            hp_audio *a = &ir[ch * s->np + p];
            if (load_ir(cmd, s, ch, p, a))
                return HP_EXIT_BAD;
            if (a->rate_hz != ir[0].rate_hz) {
                char name[64];
                snprintf(name, sizeof name, "ir-%s.wav", s->info.channels[ch]);
                char *path = sess_path(s, p, name);
                hp_cli_fail(cmd, "%s: %g Hz, but the session's other impulse responses are at "
                                 "%g Hz",
                            path ? path : name, a->rate_hz, ir[0].rate_hz);
                free(path);
                return HP_EXIT_BAD;
            }
            maxlen = a->frames > maxlen ? a->frames : maxlen;
        }
    *max_len = maxlen;
    *rate_hz = ir[0].rate_hz;
    return 0;
}

int sess_same_grid(const sess *a, const sess *b)
{
    if (a->nf != b->nf)
        return 0;
    for (size_t i = 0; i < a->nf; i++)
        if (fabs(a->f_hz[i] - b->f_hz[i]) > 1e-6 * a->f_hz[i])
            return 0;
    return 1;
}

int sess_regrid(const char *cmd, sess *s, const double *f_hz, size_t ng)
{
    if (ng < 2 || f_hz[0] < s->f_hz[0] * (1 - 1e-9) || f_hz[ng - 1] > s->f_hz[s->nf - 1] * (1 + 1e-9))
        return hp_cli_fail(cmd, "%s: the common grid lies outside the session's", s->dir);
    double *nf = malloc(ng * sizeof *nf), *nv = malloc(s->nch * s->np * ng * sizeof *nv);
    if (!nf || !nv) {
        free(nf);
        free(nv);
        return hp_cli_fail(cmd, "out of memory");
    }
    memcpy(nf, f_hz, ng * sizeof *nf);
    for (size_t c = 0; c < s->nch * s->np; c++) {
        const double *v = s->fr + c * s->nf;
        size_t k = 1;
        for (size_t i = 0; i < ng; i++) {
            while (k < s->nf - 1 && s->f_hz[k] < f_hz[i])
                k++;
            double t = log(f_hz[i] / s->f_hz[k - 1]) / log(s->f_hz[k] / s->f_hz[k - 1]);
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            nv[c * ng + i] = v[k - 1] + t * (v[k] - v[k - 1]);
        }
    }
    free(s->f_hz);
    free(s->fr);
    s->f_hz = nf;
    s->fr = nv;
    s->nf = ng;
    return 0;
}
