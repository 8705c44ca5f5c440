/* SPDX-License-Identifier: MIT */
/* Rendering a figure through gnuplot into an atomic output set. */
#include "render.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "canvas.h"
#include "gnuplot.h"
#include "outset.h"
#include "sbuf.h"

static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t n, const char *fmt, ...)
{
    if (!why || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

hp_err hp_render_kind(const char *path, hp_ptkind *kind)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || !kind || strchr(dot, '/'))
        return HP_EINVAL;
    if (!strcasecmp(dot, ".png"))
        *kind = HP_PT_PNG;
    else if (!strcasecmp(dot, ".svg"))
        *kind = HP_PT_SVG;
    else if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
        *kind = HP_PT_HTML;
    else
        return HP_EINVAL;
    return HP_OK;
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static hp_err write_all(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return HP_EIO;
    size_t w = len ? fwrite(data, 1, len, f) : 0;
    int bad = w != len || ferror(f);
    if (fclose(f) != 0 || bad)
        return HP_EIO;
    return HP_OK;
}

static hp_err read_all(const char *path, hp_sbuf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return HP_EIO;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        hp_sbuf_put(out, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? HP_EIO : hp_sbuf_err(out);
}

typedef struct {
    char *dir, *name, *stem;     /* output directory, file name, name without extension */
    hp_outset *set, *scratch;    /* what is kept / what is always thrown away */
    hp_sbuf data, script, page;
} job;

static void job_free(job *j)
{
    hp_outset_free(j->scratch); /* removes the temporary data and raw page */
    hp_outset_free(j->set);     /* after a commit: nothing; else removes everything */
    free(j->dir);
    free(j->name);
    free(j->stem);
    hp_sbuf_release(&j->data);
    hp_sbuf_release(&j->script);
    hp_sbuf_release(&j->page);
}

static hp_err split_path(job *j, const char *path, char *why, size_t wl)
{
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F) {
            say(why, wl, "the output name holds a control character");
            return HP_EINVAL;
        }
    const char *slash = strrchr(path, '/');
    j->name = strdup(slash ? slash + 1 : path);
    j->dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!j->name || !j->dir)
        return HP_ENOMEM;
    const char *dot = strrchr(j->name, '.');
    if (!*j->name || dot == j->name) {
        say(why, wl, "%s: not a file name", path);
        return HP_EINVAL;
    }
    j->stem = strndup(j->name, dot ? (size_t)(dot - j->name) : strlen(j->name));
    return j->stem ? HP_OK : HP_ENOMEM;
}

/* Registers STEM+ext in set and returns its temporary path. */
static const char *temp(hp_outset *set, const job *j, const char *ext, char *why, size_t wl)
{
    char name[4096];
    snprintf(name, sizeof name, "%s%s", ext ? j->stem : j->name, ext ? ext : "");
    const char *p = hp_outset_path(set, name);
    if (!p)
        say(why, wl, "%s/%s: cannot be written: %s", j->dir, name, strerror(errno));
    return p;
}

static hp_err gnuplot_failed(const hp_gnuplot_result *r, const char *dir, char *why, size_t wl)
{
    char first[300];
    hp_gnuplot_first_error(r, first, sizeof first);
    if (r->missing) {
        say(why, wl, "cannot run %s (%s): install gnuplot (Debian: apt-get install gnuplot-nox)",
            hp_gnuplot_program(), strerror(r->errno_start));
        return HP_ENODATA;
    }
    if (r->errno_start)
        say(why, wl, "cannot run %s in %s: %s", hp_gnuplot_program(), dir, strerror(r->errno_start));
    else if (r->timed_out)
        say(why, wl, "gnuplot did not finish within %d s", HP_GNUPLOT_TIMEOUT_S);
    else if (r->term_signal)
        say(why, wl, "gnuplot was killed by signal %d%s%s", r->term_signal, first[0] ? ": " : "", first);
    else
        say(why, wl, "gnuplot failed (exit status %d)%s%s", r->exit_status, first[0] ? ": " : "",
            first);
    return HP_EIO;
}

static hp_err run(job *j, const hp_pfig *fig, const hp_render_opts *o, char *why, size_t wl,
                  char **warnings)
{
    hp_err e;
    const char *dat = temp(o->keep_script ? j->set : j->scratch, j, ".dat", why, wl);
    if (!dat)
        return HP_EIO;
    int html = o->term.kind == HP_PT_HTML;
    const char *img = html ? temp(j->scratch, j, ".canvas.html", why, wl) : temp(j->set, j, NULL, why, wl);
    if (!img)
        return HP_EIO;
    if ((e = hp_pfig_data(fig, &j->data)) != HP_OK)
        return e;
    if (write_all(dat, j->data.p ? j->data.p : "", j->data.len) != HP_OK) {
        say(why, wl, "%s/%s.dat: write failed: %s", j->dir, j->stem, strerror(errno));
        return HP_EIO;
    }
    if (o->keep_script) {
        char datname[4096];
        snprintf(datname, sizeof datname, "%s.dat", j->stem);
        const char *gp = temp(j->set, j, ".gp", why, wl);
        if (!gp)
            return HP_EIO;
        if ((e = hp_pfig_script(fig, &o->term, j->name, datname, o->about, &j->script)) != HP_OK)
            return e;
        if (write_all(gp, j->script.p, j->script.len) != HP_OK) {
            say(why, wl, "%s/%s.gp: write failed: %s", j->dir, j->stem, strerror(errno));
            return HP_EIO;
        }
        hp_sbuf_release(&j->script);
    }
    if ((e = hp_pfig_script(fig, &o->term, base(img), base(dat), o->about, &j->script)) != HP_OK) {
        if (e == HP_ENODATA)
            say(why, wl, "nothing to plot: a panel has no finite values");
        return e;
    }
    hp_gnuplot_result r;
    e = hp_gnuplot_run(j->script.p, j->script.len, j->dir, &r);
    if (e == HP_OK && warnings && r.errtext) {
        *warnings = r.errtext;
        r.errtext = NULL;
    }
    if (e == HP_EIO)
        e = gnuplot_failed(&r, j->dir, why, wl);
    free(r.errtext);
    if (e != HP_OK)
        return e;
    struct stat st;
    if (stat(img, &st) != 0 || st.st_size == 0) {
        say(why, wl, "gnuplot wrote nothing to %s/%s", j->dir, j->name);
        return HP_EIO;
    }
    if (html) {
        hp_sbuf raw = {0};
        e = read_all(img, &raw);
        if (e == HP_OK)
            e = hp_canvas_inline(raw.p, raw.len, fig->title, &j->page, why, wl);
        else
            say(why, wl, "%s: cannot read gnuplot's page back", img);
        hp_sbuf_release(&raw);
        const char *out = e == HP_OK ? temp(j->set, j, NULL, why, wl) : NULL;
        if (e == HP_OK && !out)
            e = HP_EIO;
        if (e == HP_OK && write_all(out, j->page.p, j->page.len) != HP_OK) {
            say(why, wl, "%s/%s: write failed: %s", j->dir, j->name, strerror(errno));
            e = HP_EIO;
        }
    }
    return e;
}

hp_err hp_render(const hp_pfig *fig, const char *path, const hp_render_opts *o, char *why,
                 size_t wl, char **warnings)
{
    if (warnings)
        *warnings = NULL;
    say(why, wl, "%s", "");
    if (!fig || !path || !o)
        return HP_EINVAL;
    job j;
    memset(&j, 0, sizeof j);
    hp_err e = split_path(&j, path, why, wl);
    if (e == HP_OK && !(j.set = hp_outset_new(j.dir, &e)))
        say(why, wl, "%s: cannot create or write the directory: %s", j.dir, strerror(errno));
    if (e == HP_OK && !(j.scratch = hp_outset_new(j.dir, &e)))
        say(why, wl, "%s: cannot write here: %s", j.dir, strerror(errno));
    if (e == HP_OK)
        e = run(&j, fig, o, why, wl, warnings);
    if (e == HP_OK && (e = hp_outset_commit(j.set)) != HP_OK) {
        const char *f = hp_outset_failed(j.set);
        say(why, wl, "%s/%s: write failed: %s", j.dir, f ? f : j.name, strerror(errno));
    }
    if (e == HP_ENOMEM)
        say(why, wl, "out of memory");
    if (e != HP_OK && warnings) {
        free(*warnings);
        *warnings = NULL;
    }
    job_free(&j);
    return e;
}
