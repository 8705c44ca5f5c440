/* SPDX-License-Identifier: MIT */
/* `hpfr plot compare`: one curve per headphone, each normalized to 0 dB at 500 Hz, at 1 kHz or
 * over the 300 Hz-3 kHz mean, the way comparison sites line responses up. A headphone is a
 * response file, a directory of fr-*.csv (channels averaged) or a session (every channel of
 * every done placement averaged); averages are means of the dB values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kindutil.h"
#include "pcurve.h"
#include "pinput.h"

typedef struct {
    char label[128];
    char *src;       /* the file or directory, for messages */
    size_t n;
    double *f, *db;
} headphone;

static void hp_free(headphone *h)
{
    free(h->src);
    free(h->f);
    free(h->db);
}

/* Mean of the chosen curve of every file in paths (all on one grid) into h. */
static hp_err average(const ku_list *paths, int use_raw, headphone *h, char *why, size_t wl)
{
    hp_err e = HP_OK;
    double *count = NULL;
    for (size_t i = 0; i < paths->n && e == HP_OK; i++) {
        hp_pin_fr fr;
        if ((e = hp_pin_fr_read(paths->s[i], &fr, why, wl)) != HP_OK)
            break;
        const double *c = hp_pin_fr_curve(&fr, use_raw);
        if (i == 0) {
            h->n = fr.n;
            h->f = fr.f;
            fr.f = NULL;
            h->db = calloc(h->n, sizeof *h->db);
            count = calloc(h->n, sizeof *count);
            if (!h->db || !count)
                e = ku_fail(HP_ENOMEM, why, wl);
        } else if (!hp_pcurve_same_grid(h->f, h->n, fr.f, fr.n)) {
            ku_say(why, wl, "%s: frequency grid differs from %s's", paths->s[i], paths->s[0]);
            e = HP_EFORMAT;
        }
        for (size_t k = 0; e == HP_OK && k < h->n; k++)
            if (isfinite(c[k]))
                h->db[k] += c[k], count[k]++;
        hp_pin_fr_release(&fr);
    }
    for (size_t k = 0; e == HP_OK && k < h->n; k++)
        h->db[k] = count[k] > 0 ? h->db[k] / count[k] : (double)NAN;
    free(count);
    return e;
}

static hp_err session_files(const char *dir, ku_list *files, char *label, size_t lsize,
                            char *why, size_t wl)
{
    hp_pin_session s;
    hp_err e = hp_pin_session_read(dir, &s, why, wl);
    if (e != HP_OK)
        return e;
    for (size_t j = 0; j < s.np && e == HP_OK; j++)
        for (size_t c = 0; c < s.nch && e == HP_OK; c++) {
            char name[40];
            snprintf(name, sizeof name, "fr-%s.csv", s.ch[c]);
            char *p = hp_pin_join(s.pdir[j], name);
            e = p && ku_list_add(files, p) == HP_OK ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
            free(p);
        }
    if (s.name[0])
        snprintf(label, lsize, "%.120s", s.name);
    hp_pin_session_release(&s);
    return e;
}

static hp_err load(const char *in, int use_raw, headphone *h, char *why, size_t wl)
{
    memset(h, 0, sizeof *h);
    if (!(h->src = strdup(in)))
        return ku_fail(HP_ENOMEM, why, wl);
    int dir = hp_pin_is_dir(in);
    hp_pin_basename(in, dir ? NULL : ".csv", h->label, sizeof h->label);
    ku_list files = {0};
    hp_err e = dir && hp_pin_is_session(in)
                   ? session_files(in, &files, h->label, sizeof h->label, why, wl)
                   : ku_files(in, "fr", ".csv", "compare", &files, why, wl);
    if (e == HP_OK)
        e = average(&files, use_raw, h, why, wl);
    ku_list_free(&files);
    return e;
}

static double level(const headphone *h, hp_norm norm)
{
    switch (norm) {
    case HP_NORM_500: return hp_pcurve_at(h->f, h->db, h->n, 500);
    case HP_NORM_1K: return hp_pcurve_at(h->f, h->db, h->n, 1000);
    case HP_NORM_MEAN: return hp_pcurve_band_mean(h->f, h->db, h->n, 300, 3000);
    }
    return NAN;
}

static const char *norm_text(hp_norm norm)
{
    return norm == HP_NORM_500 ? "500 Hz" : norm == HP_NORM_1K ? "1 kHz" : "the 300 Hz-3 kHz mean";
}

hp_err hp_plot_compare(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig,
                       char *why, size_t wl)
{
    *fig = NULL;
    headphone *h = calloc(n, sizeof *h);
    hp_err e = h ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
    for (size_t i = 0; i < n && e == HP_OK; i++) {
        e = load(in[i], o->use_raw, &h[i], why, wl);
        double ref = e == HP_OK ? level(&h[i], o->normalize) : 0;
        if (e == HP_OK && !isfinite(ref)) {
            ku_say(why, wl, "%s: no level at %s to normalize to (the response does not cover it)",
                   in[i], norm_text(o->normalize));
            e = HP_ERANGE;
        }
        for (size_t k = 0; e == HP_OK && k < h[i].n; k++)
            h[i].db[k] -= ref;
    }
    hp_pfig *f = NULL;
    if (e == HP_OK && !(f = hp_pfig_new(1, 1, &e)))
        e = ku_fail(e, why, wl);
    if (e == HP_OK) {
        char yl[80], title[120];
        snprintf(yl, sizeof yl, "Level re %s (dB)", norm_text(o->normalize));
        hp_ppanel *p = hp_pfig_panel(f, 0);
        e = hp_ppanel_setup(p, NULL, HP_PX_FREQ, NULL, HP_PY_DB, yl);
        for (size_t i = 0; i < n && e == HP_OK; i++)
            e = hp_ppanel_line(p, h[i].label, h[i].f, h[i].db, h[i].n,
                               (hp_pstyle){hp_pcolor_cycle(i), 2.2, hp_pdash_cycle(i), 1});
        if (e != HP_OK)
            e = ku_fail(e, why, wl);
        snprintf(title, sizeof title, "Comparison, normalized at %s", norm_text(o->normalize));
        if (e == HP_OK)
            e = ku_title(f, o, title, NULL, why, wl);
    }
    for (size_t i = 0; h && i < n; i++)
        hp_free(&h[i]);
    free(h);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
