/* SPDX-License-Identifier: MIT */
/* `hpfr plot thd`: total harmonic distortion and the H2..H5 levels against frequency, in
 * percent of the fundamental (log axis) and in dB re the fundamental, from analyze's thd.csv
 * (frequency,thd_percent,thd_db,h2_db,h3_db,h4_db,h5_db). Several files (thd-L, thd-R) are
 * told apart by dash pattern, the orders by colour. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kindutil.h"
#include "pinput.h"

#define NORD 5 /* THD, H2, H3, H4, H5 */

static const char *const col_db[NORD] = {"thd_db", "h2_db", "h3_db", "h4_db", "h5_db"};
static const char *const name[NORD] = {"THD", "H2", "H3", "H4", "H5"};
static const hp_pcolor colour[NORD] = {HP_PC_BLACK, HP_PC_BLUE, HP_PC_VERMILLION, HP_PC_GREEN,
                                       HP_PC_ORANGE};

typedef struct {
    char label[100];
    size_t n;
    double *f, *pct, *db[NORD];
} thd;

static void thd_free(thd *t)
{
    free(t->f);
    free(t->pct);
    for (int k = 0; k < NORD; k++)
        free(t->db[k]);
}

static hp_err load(const char *path, thd *t, char *why, size_t wl)
{
    memset(t, 0, sizeof *t);
    char stem[100];
    hp_pin_basename(path, ".csv", stem, sizeof stem);
    snprintf(t->label, sizeof t->label, "%s", !strncmp(stem, "thd-", 4) && stem[4] ? stem + 4 : stem);
    hp_ptable tab;
    hp_err e = hp_pin_table(path, &tab, why, wl);
    if (e != HP_OK)
        return e;
    t->n = tab.nrows;
    e = hp_pin_freq(&tab, path, &t->f, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(&tab, path, "thd_percent", 1, &t->pct, why, wl);
    for (int k = 0; k < NORD && e == HP_OK; k++)
        e = hp_pin_column(&tab, path, col_db[k], k == 0, &t->db[k], why, wl);
    hp_ptable_release(&tab);
    return e;
}

static hp_err curve(hp_ppanel *p, const thd *t, int k, size_t file, int several, int percent)
{
    const double *src = percent && k == 0 ? t->pct : t->db[k];
    if (!src)
        return HP_OK;
    double *y = malloc(t->n * sizeof *y);
    if (!y)
        return HP_ENOMEM;
    for (size_t i = 0; i < t->n; i++)
        y[i] = percent && k > 0 ? 100 * pow(10, src[i] / 20) : src[i];
    char title[160];
    snprintf(title, sizeof title, "%s%s%s", several ? t->label : "", several ? " " : "", name[k]);
    hp_pstyle st = {colour[k], k == 0 ? 2.4 : 1.6, (int)(file % 5) + 1, 1};
    hp_err e = hp_ppanel_line(p, title, t->f, y, t->n, st);
    free(y);
    return e;
}

hp_err hp_plot_thd(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                   size_t wl)
{
    *fig = NULL;
    thd *t = NULL;
    size_t nt = 0;
    hp_err e = HP_OK;
    for (size_t i = 0; i < n && e == HP_OK; i++) {
        ku_list files = {0};
        e = ku_files(in[i], "thd", ".csv", "thd", &files, why, wl);
        for (size_t k = 0; e == HP_OK && k < files.n; k++) {
            thd *p = realloc(t, (nt + 1) * sizeof *p);
            if (!p) {
                e = ku_fail(HP_ENOMEM, why, wl);
                break;
            }
            t = p;
            e = load(files.s[k], &t[nt], why, wl);
            nt++;
        }
        ku_list_free(&files);
    }
    hp_pfig *f = NULL;
    if (e == HP_OK && !(f = hp_pfig_new(2, 1, &e)))
        e = ku_fail(e, why, wl);
    if (e == HP_OK) {
        hp_ppanel *pp = hp_pfig_panel(f, 0), *pd = hp_pfig_panel(f, 1);
        e = hp_ppanel_setup(pp, "Distortion in percent", HP_PX_FREQ, NULL, HP_PY_LOG,
                            "Distortion (% of fundamental)");
        if (e == HP_OK)
            e = hp_ppanel_setup(pd, "Distortion in dB", HP_PX_FREQ, NULL, HP_PY_DB,
                                "Level re fundamental (dB)");
        pd->min_span = 20;
        for (size_t i = 0; i < nt && e == HP_OK; i++)
            for (int k = 0; k < NORD && e == HP_OK; k++) {
                e = curve(pp, &t[i], k, i, nt > 1, 1);
                if (e == HP_OK)
                    e = curve(pd, &t[i], k, i, nt > 1, 0);
            }
        if (e != HP_OK)
            e = ku_fail(e, why, wl);
    }
    if (e == HP_OK)
        e = ku_title(f, o, "Harmonic distortion", in[0], why, wl);
    for (size_t i = 0; i < nt; i++)
        thd_free(&t[i]);
    free(t);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
