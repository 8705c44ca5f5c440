/* SPDX-License-Identifier: MIT */
/* hpfr eq --batch: every measurement in a directory, fitted on all cores, each into its own
 * output directory. A bad file is reported and skipped; the others go on. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "thread.h"
#include "cli.h"
#include "eq.h"

typedef struct {
    char path[2][EQ_PATH_MAX];
    unsigned nfiles;
    char name[256];
} item;

typedef struct {
    const eq_opts *o;
    const hp_frcurve *target;
    int flat;
    item *items;
    size_t n, next, done, failed;
    pthread_mutex_t lock;
} batch;

/* dir/name into out; 0 when it does not fit. */
static int join(char *out, size_t len, const char *dir, const char *name)
{
    int k = snprintf(out, len, "%s/%s", dir, name);
    return k >= 0 && (size_t)k < len;
}

static int is_measurement(const char *name)
{
    size_t k = strlen(name);
    return name[0] != '.' && k > 4 &&
           (!strcasecmp(name + k - 4, ".csv") || !strcasecmp(name + k - 4, ".txt"));
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's measurement files, sorted, squig.link L/R pairs joined. */
static int list_items(const char *dir, item **out, size_t *nout)
{
    DIR *d = opendir(dir);
    if (!d)
        return hp_cli_fail("eq", "--batch %s: cannot open the directory: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(d))) {
        if (!is_measurement(de->d_name))
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *nn);
            if (!nn)
                rc = hp_cli_fail("eq", "out of memory");
            else
                names = nn;
        }
        if (!rc && !(names[n++] = strdup(de->d_name)))
            rc = hp_cli_fail("eq", "out of memory");
    }
    closedir(d);
    item *items = rc ? NULL : calloc(n ? n : 1, sizeof *items);
    if (!rc && !items)
        rc = hp_cli_fail("eq", "out of memory");
    size_t k = 0;
    if (!rc) {
        qsort(names, n, sizeof *names, cmp_name);
        for (size_t i = 0; i < n; i++) {
            char right[EQ_PATH_MAX];
            if (!names[i])
                continue;
            item *it = &items[k++];
            if (!join(it->path[0], sizeof it->path[0], dir, names[i])) {
                k--;
                continue;
            }
            it->nfiles = 1;
            snprintf(it->name, sizeof it->name, "%s", names[i]);
            it->name[strlen(it->name) - 4] = '\0';
            if (!eq_right_sibling(names[i], right, sizeof right))
                continue;
            for (size_t j = 0; j < n; j++)
                if (j != i && names[j] && !strcmp(names[j], right) &&
                    join(it->path[1], sizeof it->path[1], dir, right)) {
                    it->nfiles = 2;
                    it->name[strlen(it->name) - 2] = '\0';
                    free(names[j]);
                    names[j] = NULL;
                }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc) {
        free(items);
        return rc;
    }
    if (!k) {
        free(items);
        return hp_cli_fail("eq", "--batch %s: no .csv or .txt files", dir);
    }
    *out = items;
    *nout = k;
    return 0;
}

static void *worker(void *arg)
{
    batch *b = arg;
    char why[EQ_PATH_MAX + 512], report[1024], out[EQ_PATH_MAX + 300];
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next < b->n ? b->next++ : b->n;
        pthread_mutex_unlock(&b->lock);
        if (i == b->n)
            return NULL;
        item *it = &b->items[i];
        eq_input in;
        int rc = it->nfiles == 2 ? eq_load_pair(it->path[0], it->path[1], &in, why, sizeof why)
                                 : eq_load_file(it->path[0], &in, why, sizeof why);
        if (!rc) {
            snprintf(in.name, sizeof in.name, "%s", it->name);
            if (!join(out, sizeof out, b->o->out_dir, it->name))
                rc = 1, snprintf(why, sizeof why, "%s: output path too long", it->path[0]);
            if (!rc)
                rc = eq_run_one(b->o, b->target, b->flat, &in, out, why, sizeof why, report,
                            sizeof report);
            eq_input_release(&in);
        }
        pthread_mutex_lock(&b->lock);
        b->done++;
        if (rc) {
            b->failed++;
            fprintf(stderr, "hpfr eq: [%zu/%zu] %s (skipped)\n", b->done, b->n, why);
        } else {
            char *nl = strchr(report, '\n');
            fprintf(stderr, "hpfr eq: [%zu/%zu] %s: %s%s\n", b->done, b->n, it->name,
                    nl ? "" : report, nl ? "left and right fitted apart" : "");
        }
        pthread_mutex_unlock(&b->lock);
    }
}

int eq_run_batch(const eq_opts *o, const hp_frcurve *target, int flat)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.target = target;
    b.flat = flat;
    if (list_items(o->batch, &b.items, &b.n))
        return HP_EXIT_BAD;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nw = o->jobs > 0 ? (size_t)o->jobs : cores > 0 ? (size_t)cores : 1;
    if (nw > b.n)
        nw = b.n;
    pthread_t th[256];
    size_t started = 0;
    pthread_mutex_init(&b.lock, NULL);
    for (; started < nw && started < 256; started++)
        if (hp_thread_start(&th[started], worker, &b))
            break;
    if (!started)
        worker(&b);  /* no thread could start: work on this one */
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&b.lock);
    printf("batch: %zu of %zu fitted into %s/", b.n - b.failed, b.n, o->out_dir);
    printf(b.failed ? ", %zu skipped\n" : "\n", b.failed);
    free(b.items);
    if (b.failed)
        return hp_cli_fail("eq", "%zu of %zu measurements skipped (see above)", b.failed, b.n);
    return 0;
}
