/* SPDX-License-Identifier: MIT */
/* `hpfr plot placements SESSION`: per ear, every placement of a session, their mean and the
 * min-max band, computed here from the placements' fr-<ch>.csv (the spread is what re-seating
 * does to the response). The mean is the mean of the dB values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kindutil.h"
#include "pcurve.h"
#include "pinput.h"

/* Mean, min and max over the finite values of each row of m curves of n points. */
static void stats(const double *const *c, size_t m, size_t n, double *mean, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++) {
        double sum = 0, mn = INFINITY, mx = -INFINITY;
        size_t k = 0;
        for (size_t j = 0; j < m; j++) {
            double v = c[j][i];
            if (!isfinite(v))
                continue;
            sum += v;
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
            k++;
        }
        mean[i] = k ? sum / (double)k : (double)NAN;
        lo[i] = k ? mn : (double)NAN;
        hi[i] = k ? mx : (double)NAN;
    }
}

static const char *ear_name(const char *ch)
{
    return !strcmp(ch, "L") ? "Left (L)" : !strcmp(ch, "R") ? "Right (R)" : ch;
}

static hp_err channel(hp_ppanel *p, const hp_pin_session *s, const char *ch, int use_raw,
                      char *why, size_t wl)
{
    hp_pin_fr *fr = calloc(s->np, sizeof *fr);
    const double **curve = calloc(s->np, sizeof *curve);
    double *buf = NULL;
    hp_err e = fr && curve ? HP_OK : ku_fail(HP_ENOMEM, why, wl);
    char name[40];
    snprintf(name, sizeof name, "fr-%s.csv", ch);
    for (size_t j = 0; j < s->np && e == HP_OK; j++) {
        char *path = hp_pin_join(s->pdir[j], name);
        e = path ? hp_pin_fr_read(path, &fr[j], why, wl) : ku_fail(HP_ENOMEM, why, wl);
        if (e == HP_OK && j > 0 && !hp_pcurve_same_grid(fr[0].f, fr[0].n, fr[j].f, fr[j].n)) {
            ku_say(why, wl, "%s: frequency grid differs from %s's", path, fr[0].path);
            e = HP_EFORMAT;
        }
        if (e == HP_OK)
            curve[j] = hp_pin_fr_curve(&fr[j], use_raw);
        free(path);
    }
    size_t n = e == HP_OK ? fr[0].n : 0;
    if (e == HP_OK && !(buf = malloc(3 * n * sizeof *buf)))
        e = ku_fail(HP_ENOMEM, why, wl);
    if (e == HP_OK) {
        double *mean = buf, *lo = buf + n, *hi = buf + 2 * n;
        stats(curve, s->np, n, mean, lo, hi);
        e = hp_ppanel_setup(p, ear_name(ch), HP_PX_FREQ, NULL, HP_PY_DB,
                            use_raw ? "Level, raw (dB)" : "Level (dB)");
        if (e == HP_OK)
            e = hp_ppanel_band(p, "min-max", fr[0].f, lo, hi, n, (hp_pstyle){HP_PC_GREY, 1, 1, 0.35});
        for (size_t j = 0; j < s->np && e == HP_OK; j++) {
            char t[64];
            snprintf(t, sizeof t, "placement %d", s->pindex[j]);
            e = hp_ppanel_line(p, t, fr[j].f, curve[j], n, (hp_pstyle){hp_pcolor_cycle(j), 1.3, hp_pdash_cycle(j), 0.9});
        }
        char t[64];
        snprintf(t, sizeof t, "mean of %zu", s->np);
        if (e == HP_OK)
            e = hp_ppanel_line(p, t, fr[0].f, mean, n, (hp_pstyle){HP_PC_BLACK, 3, 1, 1});
        if (e != HP_OK)
            e = ku_fail(e, why, wl);
    }
    for (size_t j = 0; fr && j < s->np; j++)
        hp_pin_fr_release(&fr[j]);
    free(fr);
    free(curve);
    free(buf);
    return e;
}

hp_err hp_plot_placements(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig,
                          char *why, size_t wl)
{
    (void)n;
    *fig = NULL;
    if (!hp_pin_is_dir(in[0]) || !hp_pin_is_session(in[0])) {
        ku_say(why, wl, "%s: not a session directory (no session.json; `hpfr measure -o DIR` "
                        "makes one)", in[0]);
        return HP_EINVAL;
    }
    hp_pin_session s;
    hp_err e = hp_pin_session_read(in[0], &s, why, wl);
    if (e != HP_OK)
        return e;
    hp_pfig *f = NULL;
    if (s.nch > 4) {
        ku_say(why, wl, "%s/session.json: %zu channels; at most 4 can be plotted", in[0], s.nch);
        e = HP_ERANGE;
    } else if (!(f = hp_pfig_new((unsigned)s.nch, 1, &e))) {
        e = ku_fail(e, why, wl);
    }
    for (size_t c = 0; c < s.nch && e == HP_OK; c++)
        e = channel(hp_pfig_panel(f, (unsigned)c), &s, s.ch[c], o->use_raw, why, wl);
    if (e == HP_OK)
        e = ku_title(f, o, "Placements", in[0], why, wl);
    hp_pin_session_release(&s);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
