/* SPDX-License-Identifier: MIT */
/* Clearing away the temporaries of output sets whose writer died before committing. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "outset.h"

/* The writer's PID in a temporary's name ".NAME.tmp-PID-N" (outset.c's make_temp), or 0 when
 * name is not one. */
static long temp_pid(const char *name)
{
    if (name[0] != '.')
        return 0;
    const char *tag = NULL;
    for (const char *p = strstr(name, ".tmp-"); p; p = strstr(p + 1, ".tmp-"))
        tag = p;
    if (!tag || tag == name)
        return 0;
    const char *p = tag + 5, *digits = p;
    while (isdigit((unsigned char)*p))
        p++;
    if (p == digits || p - digits > 10 || *p != '-' || !isdigit((unsigned char)p[1]))
        return 0;
    long pid = strtol(digits, NULL, 10);
    for (p++; isdigit((unsigned char)*p); p++)
        ;
    return *p ? 0 : pid;
}

hp_err hp_outset_remove_stale(const char *dir, size_t *removed)
{
    if (removed)
        *removed = 0;
    if (!dir)
        return HP_EINVAL;
    DIR *d = opendir(dir);
    if (!d)
        return HP_EIO;
    size_t n = 0, dlen = strlen(dir);
    hp_err e = HP_OK;
    int saved = 0;
    for (struct dirent *ent; (ent = readdir(d));) {
        long pid = temp_pid(ent->d_name);
        /* kill(pid, 0) fails with ESRCH only when no such process exists; EPERM means one
         * does (someone else's), and then the file may still be being written. */
        if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        size_t size = dlen + strlen(ent->d_name) + 2;
        char *path = malloc(size);
        if (!path) {
            e = HP_ENOMEM;
            break;
        }
        memcpy(path, dir, dlen);
        path[dlen] = '/';
        memcpy(path + dlen + 1, ent->d_name, size - dlen - 1);
        if (unlink(path) == 0)
            n++;
        else if (errno != ENOENT && e == HP_OK)
            e = HP_EIO, saved = errno;
        free(path);
    }
    closedir(d);
    if (removed)
        *removed = n;
    if (e == HP_EIO)
        errno = saved;
    return e;
}
