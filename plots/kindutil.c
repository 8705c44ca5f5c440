/* SPDX-License-Identifier: MIT */
/* Shared pieces of the plot kinds: input expansion, titles, messages. */
#include "kindutil.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pinput.h"

void ku_say(char *why, size_t wl, const char *fmt, ...)
{
    if (!why || !wl)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wl, fmt, ap);
    va_end(ap);
}

hp_err ku_list_add(ku_list *l, const char *s)
{
    char **p = realloc(l->s, (l->n + 1) * sizeof *p);
    if (!p)
        return HP_ENOMEM;
    l->s = p;
    if (!(l->s[l->n] = strdup(s)))
        return HP_ENOMEM;
    l->n++;
    return HP_OK;
}

void ku_list_free(ku_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    l->s = NULL;
    l->n = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int matches(const char *name, const char *prefix, const char *ext)
{
    size_t pl = strlen(prefix), el = strlen(ext), nl = strlen(name);
    if (nl <= pl + el || strncmp(name, prefix, pl) || strcmp(name + nl - el, ext))
        return 0;
    /* PREFIX.EXT, or PREFIX-X.EXT with a non-empty X */
    return name[pl] == '.' ? nl == pl + el : name[pl] == '-' && nl > pl + 1 + el;
}

hp_err ku_files(const char *input, const char *prefix, const char *ext, const char *kind,
                ku_list *out, char *why, size_t wl)
{
    struct stat st;
    if (stat(input, &st) != 0) {
        ku_say(why, wl, "%s: %s", input, strerror(errno));
        return HP_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (!S_ISREG(st.st_mode)) {
            ku_say(why, wl, "%s: not a regular file or directory", input);
            return HP_EIO;
        }
        return ku_list_add(out, input) == HP_OK ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
    }
    if (hp_pin_is_session(input)) {
        ku_say(why, wl, "%s: a measurement session; `hpfr plot %s` wants a placement "
                        "directory or files (sessions go to `placements` and `compare`)",
               input, kind);
        return HP_EINVAL;
    }
    DIR *d = opendir(input);
    if (!d) {
        ku_say(why, wl, "%s: cannot be listed", input);
        return HP_EIO;
    }
    ku_list names = {0};
    hp_err e = HP_OK;
    for (struct dirent *de; e == HP_OK && (de = readdir(d));)
        if (matches(de->d_name, prefix, ext))
            e = ku_list_add(&names, de->d_name);
    closedir(d);
    if (e == HP_OK && names.n == 0) {
        ku_say(why, wl, "%s: no %s%s or %s-*%s in this directory", input, prefix, ext, prefix, ext);
        e = HP_ENODATA;
    }
    if (e == HP_OK)
        qsort(names.s, names.n, sizeof *names.s, cmp_str);
    for (size_t i = 0; e == HP_OK && i < names.n; i++) {
        char *p = hp_pin_join(input, names.s[i]);
        e = p ? ku_list_add(out, p) : HP_ENOMEM;
        free(p);
    }
    ku_list_free(&names);
    if (e == HP_ENOMEM)
        ku_say(why, wl, "out of memory");
    return e;
}

hp_err ku_title(hp_pfig *fig, const hp_plot_opts *o, const char *what, const char *input,
                char *why, size_t wl)
{
    char title[600];
    if (o && o->title) {
        return hp_pfig_set_title(fig, o->title) == HP_OK ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
    }
    hp_pin_meta m;
    hp_err e = input ? hp_pin_meta_find(input, &m, why, wl) : HP_OK;
    if (e != HP_OK)
        return e;
    hp_pin_title(what, input ? &m : NULL, title, sizeof title);
    return hp_pfig_set_title(fig, title) == HP_OK ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
}

hp_err ku_fail(hp_err e, char *why, size_t wl)
{
    if (e == HP_ENOMEM)
        ku_say(why, wl, "out of memory");
    else
        ku_say(why, wl, "cannot build the figure (%s)", hp_strerror(e));
    return e;
}
