/* SPDX-License-Identifier: MIT */
/* `hpfr plot fr`: frequency responses, raw under smoothed, with the target and the equalized
 * response when the file has them (AutoEq-style eq.csv), one colour per file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kindutil.h"
#include "pcurve.h"
#include "pinput.h"

typedef struct {
    hp_pin_fr *fr;
    size_t n;
} frs;

static void frs_free(frs *s)
{
    for (size_t i = 0; i < s->n; i++)
        hp_pin_fr_release(&s->fr[i]);
    free(s->fr);
}

static hp_err load(char *const *in, size_t nin, frs *s, char *why, size_t wl)
{
    hp_err e = HP_OK;
    for (size_t i = 0; i < nin && e == HP_OK; i++) {
        ku_list files = {0};
        e = ku_files(in[i], "fr", ".csv", "fr", &files, why, wl);
        for (size_t k = 0; e == HP_OK && k < files.n; k++) {
            hp_pin_fr *p = realloc(s->fr, (s->n + 1) * sizeof *p);
            if (!p) {
                e = ku_fail(HP_ENOMEM, why, wl);
                break;
            }
            s->fr = p;
            if ((e = hp_pin_fr_read(files.s[k], &s->fr[s->n], why, wl)) != HP_OK)
                break;
            if (nin > 1 && hp_pin_is_dir(in[i])) {
                /* several directories: say which each channel came from */
                char dir[96], lbl[sizeof s->fr[0].label];
                hp_pin_basename(in[i], NULL, dir, sizeof dir);
                snprintf(lbl, sizeof lbl, "%.60s %.60s", dir, s->fr[s->n].label);
                memcpy(s->fr[s->n].label, lbl, sizeof lbl);
            }
            s->n++;
        }
        ku_list_free(&files);
    }
    return e;
}

static int same_target(const hp_pin_fr *a, const hp_pin_fr *b)
{
    if (!hp_pcurve_same_grid(a->f, a->n, b->f, b->n))
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!(fabs(a->target[i] - b->target[i]) <= 1e-9) && !(isnan(a->target[i]) && isnan(b->target[i])))
            return 0;
    return 1;
}

static hp_err add(hp_ppanel *p, const char *lbl, const char *what, const double *f,
                  const double *y, size_t n, hp_pstyle st)
{
    char t[200];
    snprintf(t, sizeof t, "%s%s%s", lbl, *lbl ? " " : "", what);
    return hp_ppanel_line(p, t, f, y, n, st);
}

static hp_err draw(hp_ppanel *p, const frs *s)
{
    hp_err e = HP_OK;
    /* raw first so the smoothed curves are drawn over it */
    for (size_t i = 0; i < s->n && e == HP_OK; i++) {
        const hp_pin_fr *r = &s->fr[i];
        hp_pcolor c = hp_pcolor_cycle(i);
        if (r->raw)
            e = add(p, r->label, "raw", r->f, r->raw, r->n,
                    r->smoothed ? (hp_pstyle){c, 1, 1, 0.45} : (hp_pstyle){c, 2, 1, 1});
    }
    for (size_t i = 0; i < s->n && e == HP_OK; i++) {
        const hp_pin_fr *r = &s->fr[i];
        hp_pcolor c = hp_pcolor_cycle(i);
        if (r->smoothed)
            e = add(p, r->label, "smoothed", r->f, r->smoothed, r->n, (hp_pstyle){c, 2.2, 1, 1});
        if (e == HP_OK && r->equalized)
            e = add(p, r->label, "equalized", r->f, r->equalized, r->n, (hp_pstyle){c, 2.2, 2, 1});
    }
    /* one target line unless the files disagree about it */
    size_t distinct[64], nd = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->fr[i].target)
            continue;
        int seen = 0;
        for (size_t k = 0; k < nd && !seen; k++)
            seen = same_target(&s->fr[distinct[k]], &s->fr[i]);
        if (!seen && nd < sizeof distinct / sizeof *distinct)
            distinct[nd++] = i;
    }
    for (size_t k = 0; k < nd && e == HP_OK; k++) {
        const hp_pin_fr *r = &s->fr[distinct[k]];
        e = add(p, nd > 1 ? r->label : "", "target", r->f, r->target, r->n,
                (hp_pstyle){HP_PC_BLACK, 2, 2, 0.85});
    }
    return e;
}

hp_err hp_plot_fr(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                  size_t wl)
{
    *fig = NULL;
    frs s = {0};
    hp_err e = load(in, n, &s, why, wl);
    hp_pfig *f = NULL;
    if (e == HP_OK && !(f = hp_pfig_new(1, 1, &e)))
        e = ku_fail(e, why, wl);
    if (e == HP_OK && (e = hp_ppanel_setup(hp_pfig_panel(f, 0), NULL, HP_PX_FREQ, NULL, HP_PY_DB,
                                           "Level (dB)")) != HP_OK)
        e = ku_fail(e, why, wl);
    if (e == HP_OK && (e = draw(hp_pfig_panel(f, 0), &s)) != HP_OK)
        e = ku_fail(e, why, wl);
    if (e == HP_OK)
        e = ku_title(f, o, "Frequency response", in[0], why, wl);
    frs_free(&s);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
