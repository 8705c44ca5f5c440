/* SPDX-License-Identifier: MIT */
/* `hpfr plot balance`: left minus right, from fr-L.csv and fr-R.csv given as files, from a
 * placement directory, or from every placement of a session (with their mean). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kindutil.h"
#include "pcurve.h"
#include "pinput.h"

/* L - R of one pair, on the left file's grid. */
typedef struct {
    char label[128];
    size_t n;
    double *f, *raw, *smoothed;   /* NULL when either side lacks the column */
} pair;

static void pair_free(pair *p)
{
    free(p->f);
    free(p->raw);
    free(p->smoothed);
}

static double *diff(const double *a, const double *b, size_t n)
{
    if (!a || !b)
        return NULL;
    double *d = malloc(n * sizeof *d);
    for (size_t i = 0; d && i < n; i++)
        d[i] = a[i] - b[i];
    return d;
}

static hp_err load_pair(const char *lpath, const char *rpath, const char *label, pair *p,
                        char *why, size_t wl)
{
    memset(p, 0, sizeof *p);
    snprintf(p->label, sizeof p->label, "%s", label);
    hp_pin_fr l, r;
    hp_err e = hp_pin_fr_read(lpath, &l, why, wl);
    if (e != HP_OK)
        return e;
    if ((e = hp_pin_fr_read(rpath, &r, why, wl)) != HP_OK) {
        hp_pin_fr_release(&l);
        return e;
    }
    if (!hp_pcurve_same_grid(l.f, l.n, r.f, r.n)) {
        ku_say(why, wl, "%s: frequency grid differs from %s's", rpath, lpath);
        e = HP_EFORMAT;
    } else {
        p->n = l.n;
        p->f = l.f;
        l.f = NULL;
        p->raw = diff(l.raw, r.raw, l.n);
        p->smoothed = diff(l.smoothed, r.smoothed, l.n);
        if ((l.raw && r.raw && !p->raw) || (l.smoothed && r.smoothed && !p->smoothed))
            e = ku_fail(HP_ENOMEM, why, wl);
        else if (!p->raw && !p->smoothed) {
            ku_say(why, wl, "%s, %s: no column both have (raw or smoothed)", lpath, rpath);
            e = HP_EFORMAT;
        }
    }
    hp_pin_fr_release(&l);
    hp_pin_fr_release(&r);
    if (e != HP_OK)
        pair_free(p);
    return e;
}

typedef struct {
    pair *p;
    size_t n;
    int session;   /* the pairs are placements of one session: draw their mean */
} pairs;

static hp_err push(pairs *ps, const char *dir, const char *label, char *why, size_t wl)
{
    pair *np = realloc(ps->p, (ps->n + 1) * sizeof *np);
    if (!np)
        return ku_fail(HP_ENOMEM, why, wl);
    ps->p = np;
    char *l = hp_pin_join(dir, "fr-L.csv"), *r = hp_pin_join(dir, "fr-R.csv");
    hp_err e = l && r ? load_pair(l, r, label, &ps->p[ps->n], why, wl) : ku_fail(HP_ENOMEM, why, wl);
    if (e == HP_OK)
        ps->n++;
    free(l);
    free(r);
    return e;
}

static hp_err load(char *const *in, size_t n, pairs *ps, char *why, size_t wl)
{
    if (n == 2 && !hp_pin_is_dir(in[0]) && !hp_pin_is_dir(in[1])) {
        if (!(ps->p = calloc(1, sizeof *ps->p)))
            return ku_fail(HP_ENOMEM, why, wl);
        hp_err e = load_pair(in[0], in[1], "L - R", &ps->p[0], why, wl);
        ps->n = e == HP_OK;
        return e;
    }
    hp_err e = HP_OK;
    for (size_t i = 0; i < n && e == HP_OK; i++) {
        char base[96];
        if (n == 1 && hp_pin_is_dir(in[i]) && !hp_pin_is_session(in[i]))
            snprintf(base, sizeof base, "L - R");
        else
            hp_pin_basename(in[i], NULL, base, sizeof base);
        if (!hp_pin_is_dir(in[i])) {
            ku_say(why, wl, "%s: give fr-L.csv and fr-R.csv as two files, or directories", in[i]);
            e = HP_EINVAL;
        } else if (hp_pin_is_session(in[i])) {
            hp_pin_session s;
            if ((e = hp_pin_session_read(in[i], &s, why, wl)) != HP_OK)
                break;
            for (size_t j = 0; j < s.np && e == HP_OK; j++) {
                char lbl[128];
                if (n > 1)
                    snprintf(lbl, sizeof lbl, "%.60s placement %d", base, s.pindex[j]);
                else
                    snprintf(lbl, sizeof lbl, "placement %d", s.pindex[j]);
                e = push(ps, s.pdir[j], lbl, why, wl);
            }
            ps->session = n == 1 && s.np > 1;
            hp_pin_session_release(&s);
        } else {
            e = push(ps, in[i], base, why, wl);
        }
    }
    return e;
}

static hp_err draw(hp_ppanel *p, const pairs *ps, int use_raw)
{
    hp_err e = HP_OK;
    if (ps->n == 1) {
        const pair *q = &ps->p[0];
        char t[160];
        if (q->raw && q->smoothed) {
            snprintf(t, sizeof t, "%.100s raw", q->label);
            e = hp_ppanel_line(p, t, q->f, q->raw, q->n, (hp_pstyle){HP_PC_BLUE, 1, 1, 0.45});
        }
        const double *c = q->smoothed ? q->smoothed : q->raw;
        snprintf(t, sizeof t, "%.100s%s", q->label, q->smoothed ? " smoothed" : " raw");
        return e == HP_OK ? hp_ppanel_line(p, t, q->f, c, q->n, (hp_pstyle){HP_PC_BLUE, 2.5, 1, 1}) : e;
    }
    for (size_t i = 0; i < ps->n && e == HP_OK; i++) {
        const pair *q = &ps->p[i];
        const double *c = use_raw ? (q->raw ? q->raw : q->smoothed) : (q->smoothed ? q->smoothed : q->raw);
        e = hp_ppanel_line(p, q->label, q->f, c, q->n, (hp_pstyle){hp_pcolor_cycle(i), 1.5, hp_pdash_cycle(i), 0.9});
    }
    if (e != HP_OK || !ps->session)
        return e;
    size_t n = ps->p[0].n;
    double *mean = malloc(n * sizeof *mean);
    if (!mean)
        return HP_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        double sum = 0;
        size_t m = 0;
        for (size_t i = 0; i < ps->n; i++) {
            const pair *q = &ps->p[i];
            const double *c = use_raw ? (q->raw ? q->raw : q->smoothed) : (q->smoothed ? q->smoothed : q->raw);
            if (hp_pcurve_same_grid(q->f, q->n, ps->p[0].f, n) && isfinite(c[k]))
                sum += c[k], m++;
        }
        mean[k] = m ? sum / (double)m : (double)NAN;
    }
    char t[64];
    snprintf(t, sizeof t, "mean of %zu", ps->n);
    e = hp_ppanel_line(p, t, ps->p[0].f, mean, n, (hp_pstyle){HP_PC_BLACK, 3, 1, 1});
    free(mean);
    return e;
}

hp_err hp_plot_balance(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig,
                       char *why, size_t wl)
{
    *fig = NULL;
    pairs ps = {0};
    hp_err e = load(in, n, &ps, why, wl);
    hp_pfig *f = NULL;
    if (e == HP_OK && !(f = hp_pfig_new(1, 1, &e)))
        e = ku_fail(e, why, wl);
    if (e == HP_OK) {
        hp_ppanel *p = hp_pfig_panel(f, 0);
        p->min_span = 4;
        e = hp_ppanel_setup(p, NULL, HP_PX_FREQ, NULL, HP_PY_DB, "Left - right (dB)");
        if (e == HP_OK)
            e = draw(p, &ps, o->use_raw);
        if (e != HP_OK)
            e = ku_fail(e, why, wl);
    }
    if (e == HP_OK)
        e = ku_title(f, o, "Balance (left - right)", in[0], why, wl);
    for (size_t i = 0; i < ps.n; i++)
        pair_free(&ps.p[i]);
    free(ps.p);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
