/* SPDX-License-Identifier: MIT */
/* The report's figures: the plot kinds of `hpfr plot` (kinds.h) built in-process and rendered
 * to SVG by gnuplot (render.h) in a temporary directory, then read back to be inlined; and
 * the placement statistics of `hpfr average`, drawn here from its average-<ch>.csv. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kinds.h"
#include "pinput.h"
#include "render.h"
#include "reputil.h"

/* SVG user units: the page scales each figure to its width (or, tapped on a phone, shows it
 * at this size), so gnuplot's 13-point text must stay legible at about 960 units across. */
#define FIG_W 960
#define FIG_ROW_H 420   /* per row of panels; a single panel gets FIG_ONE_H */
#define FIG_ONE_H 600

typedef struct {
    hp_report *r;
    char dir[4096];      /* temporary directory */
    unsigned count;
    char *no_gnuplot;    /* why gnuplot cannot run: every later figure gets this note */
} figs;

static hp_err note(figs *c, hp_rep_fig *out, const char *what, const char *why)
{
    if (!(out->note = strdup(why)))
        return HP_ENOMEM;
    if (c->no_gnuplot)
        return rp_warn(c->r, "no plots: %s", why);
    return rp_warn(c->r, "no plot of %s: %s", what, why);
}

/* gnuplot's messages on success, one warning each. */
static hp_err gnuplot_warnings(figs *c, const char *what, char *text)
{
    hp_err e = HP_OK;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); e == HP_OK && line;
         line = strtok_r(NULL, "\n", &save)) {
        line += strspn(line, " \t");
        if (*line)
            e = rp_warn(c->r, "gnuplot (%s): %s", what, line);
    }
    return e;
}

/* Renders pf (freed here) into out->svg, or sets out->note. */
static hp_err render(figs *c, hp_pfig *pf, hp_rep_fig *out, const char *what)
{
    if (c->no_gnuplot) {
        hp_pfig_free(pf);
        return note(c, out, what, c->no_gnuplot);
    }
    hp_pfig_autorange(pf);
    char path[4200], why[1024] = "", about[300];
    snprintf(path, sizeof path, "%s/fig-%u.svg", c->dir, c->count++);
    snprintf(about, sizeof about, "hpfr report: %s", what);
    out->w = FIG_W;
    out->h = pf->rows > 1 ? FIG_ROW_H * pf->rows : FIG_ONE_H;
    hp_render_opts ro = {{HP_PT_SVG, out->w, out->h}, 0, about};
    char *warnings = NULL;
    hp_err e = hp_render(pf, path, &ro, why, sizeof why, &warnings);
    hp_pfig_free(pf);
    if (e == HP_OK) {
        e = hp_pin_slurp(path, &out->svg, &out->svg_len, why, sizeof why);
        unlink(path);
    }
    if (e == HP_OK && warnings)
        e = gnuplot_warnings(c, what, warnings);
    free(warnings);
    if (e == HP_ENOMEM || e == HP_OK)
        return e;
    /* render.h: gnuplot missing is HP_ENODATA with the install hint; it holds for all. */
    if (e == HP_ENODATA && strstr(why, "install gnuplot") && !(c->no_gnuplot = strdup(why)))
        return HP_ENOMEM;
    return note(c, out, what, why);
}

/* A figure of plot kind `kind` from inputs, as `hpfr plot KIND INPUT...` draws it. */
static hp_err kind_fig(figs *c, hp_rep_fig *out, const char *kind, const char *what,
                       char *const *in, size_t n)
{
    const hp_plot_kind *k = hp_plot_kind_find(kind);
    hp_plot_opts po = {NULL, HP_NORM_500, 0};
    hp_pfig *pf = NULL;
    char why[1024] = "";
    if (!k)
        return note(c, out, what, "unknown plot kind");
    hp_err e = k->build(in, n, &po, &pf, why, sizeof why);
    if (e == HP_ENOMEM)
        return e;
    if (e != HP_OK)
        return note(c, out, what, why[0] ? why : hp_strerror(e));
    return render(c, pf, out, what);
}

static hp_err one(figs *c, hp_rep_fig *out, const char *kind, const char *what, const char *in)
{
    char *v[1] = {(char *)in};
    return kind_fig(c, out, kind, what, v, 1);
}

/* Per channel: the power average, the mean +- one standard deviation and the min-max band. */
static hp_err average_fig(figs *c)
{
    hp_rep_avg *a = &c->r->avg;
    unsigned rows = 0;
    for (size_t k = 0; k < a->nch; k++)
        rows += a->ch[k].n > 0;
    if (!rows)
        return note(c, &a->fig, "the placement statistics", "no average-<channel>.csv to draw");
    hp_err e;
    hp_pfig *pf = hp_pfig_new(rows, 1, &e);
    if (!pf)
        return e;
    char title[400];
    snprintf(title, sizeof title, "Placement statistics%s%s", c->r->s.name[0] ? " · " : "",
             c->r->s.name);
    e = hp_pfig_set_title(pf, title);
    unsigned row = 0;
    for (size_t k = 0; e == HP_OK && k < a->nch; k++) {
        const hp_rep_avg_ch *ch = &a->ch[k];
        if (!ch->n)
            continue;
        hp_ppanel *p = hp_pfig_panel(pf, row++);
        char ptitle[64];
        snprintf(ptitle, sizeof ptitle, "%s: over the placements", ch->ch);
        e = hp_ppanel_setup(p, ptitle, HP_PX_FREQ, NULL, HP_PY_DB, "Level (dB)");
        if (e == HP_OK && ch->min && ch->max)
            e = hp_ppanel_band(p, "min-max", ch->f, ch->min, ch->max, ch->n,
                               (hp_pstyle){HP_PC_GREY, 1, 1, 0.25});
        if (e == HP_OK && ch->mean && ch->std) {
            double *lo = malloc(ch->n * sizeof *lo), *hi = malloc(ch->n * sizeof *hi);
            for (size_t i = 0; lo && hi && i < ch->n; i++) {
                lo[i] = ch->mean[i] - ch->std[i];
                hi[i] = ch->mean[i] + ch->std[i];
            }
            e = lo && hi ? hp_ppanel_band(p, "mean ± 1 standard deviation", ch->f, lo, hi, ch->n,
                                          (hp_pstyle){HP_PC_SKY, 1, 1, 0.45})
                         : HP_ENOMEM;
            free(lo);
            free(hi);
        }
        if (e == HP_OK)
            e = hp_ppanel_line(p, ch->power ? "power average" : "mean (dB)", ch->f,
                               ch->power ? ch->power : ch->mean, ch->n,
                               (hp_pstyle){HP_PC_BLUE, 2, 1, 1});
    }
    if (e != HP_OK) {
        hp_pfig_free(pf);
        return e;
    }
    return render(c, pf, &a->fig, "the placement statistics");
}

static hp_err eq_figs(figs *c)
{
    hp_rep_eq *q = &c->r->eq;
    hp_err e = HP_OK;
    if (q->have_apo)
        e = one(c, &q->fig, "eq", "the EQ filters", q->dir);
    /* AutoEq-style eq.csv (or one per channel): target, raw and equalized response. */
    char *in[16];
    size_t n = 0;
    for (size_t i = 0; e == HP_OK && i < q->nfile && n < 16; i++) {
        const char *f = q->file[i];
        size_t len = strlen(f);
        if (strcmp(f, "eq.csv") && !(len > 7 && !strncmp(f, "eq-", 3) && !strcmp(f + len - 4, ".csv")))
            continue;
        if (!(in[n] = hp_pin_join(q->dir, f)))
            e = HP_ENOMEM;
        else
            n++;
    }
    if (e == HP_OK && n)
        e = kind_fig(c, &q->fig_fr, "fr", "the equalized response", in, n);
    for (size_t i = 0; i < n; i++)
        free(in[i]);
    return e;
}

static hp_err all_figs(figs *c)
{
    hp_report *r = c->r;
    hp_err e = one(c, &r->fig_placements, "placements", "the placements", r->session);
    if (e == HP_OK && r->nears == 2)
        e = one(c, &r->fig_balance, "balance", "the balance", r->session);
    if (e == HP_OK && r->avg.dir)
        e = average_fig(c);
    if (e == HP_OK && r->leak.dir && r->leak.n)
        e = one(c, &r->leak.fig, "leak", "the leak curves", r->leak.dir);
    if (e == HP_OK && r->eq.dir)
        e = eq_figs(c);
    for (size_t i = 0; e == HP_OK && i < r->np; i++) {
        hp_rep_place *p = &r->pl[i];
        char what[3][64];
        snprintf(what[0], sizeof what[0], "placement %d's response", p->index);
        snprintf(what[1], sizeof what[1], "placement %d's distortion", p->index);
        snprintf(what[2], sizeof what[2], "placement %d's impulse response", p->index);
        e = one(c, &p->fr, "fr", what[0], p->dir);
        if (e == HP_OK)
            e = one(c, &p->thd, "thd", what[1], p->dir);
        if (e == HP_OK)
            e = one(c, &p->ir, "ir", what[2], p->dir);
    }
    return e;
}

/* Removes the temporary directory and anything a failed render may have left in it. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

hp_err hp_rep_plot(hp_report *r, char *why, size_t wl)
{
    if (!r)
        return HP_EINVAL;
    figs c = {r, "", 0, NULL};
    const char *tmp = getenv("TMPDIR");
    snprintf(c.dir, sizeof c.dir, "%s/hpfr-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(c.dir)) {
        rp_say(why, wl, "%s: cannot make a temporary directory for the plots: %s", c.dir,
               strerror(errno));
        return HP_EIO;
    }
    hp_err e = all_figs(&c);
    remove_dir(c.dir);
    free(c.no_gnuplot);
    if (e == HP_ENOMEM)
        rp_say(why, wl, "out of memory");
    return e;
}
