/* SPDX-License-Identifier: MIT */
/* hp_outset_remove_stale: the temporaries a writer killed mid-set leaves (made by the real
 * outset code in a child that then dies of SIGKILL) are removed; committed files, temporaries
 * of running processes and names that only look alike are kept. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "outset.h"
#include "t.h"

static int exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

static void touch(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f)
        fclose(f);
}

/* Names in dir starting with '.', other than . and .. */
static size_t hidden(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* A child writes two files of a set and dies by SIGKILL before committing. Its PID. */
static pid_t killed_writer(const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        hp_outset *s = hp_outset_new(dir, NULL);
        FILE *f = s ? hp_outset_fopen(s, "fr-L.csv") : NULL;
        const char *p = s ? hp_outset_path(s, "ir-L.wav") : NULL;
        if (f && p) {
            fputs("frequency,raw\n", f);
            fflush(f);
            raise(SIGKILL);
        }
        _exit(3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    return pid;
}

int main(void)
{
    char dir[] = "/tmp/hpfr-stale-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);

    /* A committed file, then a killed writer's two temporaries. */
    hp_outset *s = hp_outset_new(dir, NULL);
    FILE *f = s ? hp_outset_fopen(s, "fr-L.csv") : NULL;
    CHECK(f != NULL);
    if (f)
        fputs("frequency,raw\n20,1\n", f);
    CHECK(hp_outset_commit(s) == HP_OK);
    hp_outset_free(s);
    pid_t dead = killed_writer(dir);
    CHECK(hidden(dir) == 2);

    /* Look-alikes and the temporaries of live processes stay. */
    char mine[64], init[64], other[64];
    snprintf(mine, sizeof mine, ".a.csv.tmp-%ld-0", (long)getpid());
    snprintf(init, sizeof init, ".b.csv.tmp-1-0"); /* PID 1 always runs */
    snprintf(other, sizeof other, "c.csv.tmp-%ld-0", (long)dead); /* no leading dot */
    const char *keep[] = {mine, init, other, ".d.tmp-12x-1", ".e.tmp--1", ".f.tmp-5-",
                          ".tmp-5-1x", ".g.tmp-99999999999-1"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        touch(dir, keep[i]);

    size_t removed = 99;
    CHECK(hp_outset_remove_stale(dir, &removed) == HP_OK);
    CHECK(removed == 2);
    CHECK(exists(dir, "fr-L.csv"));
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        CHECK(exists(dir, keep[i]));
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, keep[i]);
        unlink(p);
    }
    CHECK(hidden(dir) == 0);
    CHECK(hp_outset_remove_stale(dir, &removed) == HP_OK && removed == 0);

    CHECK(hp_outset_remove_stale(NULL, &removed) == HP_EINVAL);
    char gone[600];
    snprintf(gone, sizeof gone, "%s/none", dir);
    CHECK(hp_outset_remove_stale(gone, NULL) == HP_EIO);

    char p[512];
    snprintf(p, sizeof p, "%s/fr-L.csv", dir);
    unlink(p);
    rmdir(dir);
    T_DONE();
}
