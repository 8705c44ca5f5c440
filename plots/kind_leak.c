/* SPDX-License-Identifier: MIT */
/* `hpfr plot leak DIR [DIR2]`: the leak curves of `hpfr leak` (each placement relative to the
 * best-sealed one) with the model fitted to each, per ear; two directories put two headphones
 * side by side. DIR holds leak.csv (placement,ear,model,corner_hz,f0_hz,q,loss20_db,loss50_db,
 * loss100_db,residual_db) and leak-<ear>-<placement>.csv (frequency,db). The model curve is
 * evaluated here from the fitted parameters: second order from f0_hz and q, first order from
 * corner_hz (pcurve.h), relative to the reference placement's model as the curves are, so the
 * plot shows what the numbers in leak.csv mean. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kindutil.h"
#include "pcurve.h"
#include "pinput.h"

#define MAX_EARS 2

typedef struct {
    char placement[64], ear[16];
    int order;                 /* 2, 1, or 0 for no model (the reference placement) */
    double corner, f0, q;
    double loss20;             /* loss at 20 Hz re the reference; NAN when not given */
    size_t n;
    double *f, *db;            /* measured curve; NULL when its file is missing */
} leak_row;

typedef struct {
    char name[128];
    leak_row *row;
    size_t n;
    char ears[MAX_EARS][16];
    size_t nears;
} leak_dir;

static void dir_free(leak_dir *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->row[i].f);
        free(d->row[i].db);
    }
    free(d->row);
}

/* The model column says which model won; its spelling is free text, so read the order from
 * it ("2", "second", "inertive" / "1", "first", "resistive"), falling back to which
 * parameters are present. */
static int model_order(const char *model, double corner, double f0, double q)
{
    char m[64];
    size_t k = 0;
    for (; model[k] && k + 1 < sizeof m; k++)
        m[k] = (char)tolower((unsigned char)model[k]);
    m[k] = '\0';
    int two = f0 > 0 && q > 0 && isfinite(f0) && isfinite(q), one = corner > 0 && isfinite(corner);
    if ((strchr(m, '2') || strstr(m, "second") || strstr(m, "inertive")) && two)
        return 2;
    if ((strchr(m, '1') || strstr(m, "first") || strstr(m, "resistive")) && one)
        return 1;
    if (!strcmp(m, "none") || !strcmp(m, "reference") || !strcmp(m, "-"))
        return 0;
    return two ? 2 : one ? 1 : 0;
}

static int plain_name(const char *s)
{
    if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
        return 0;
    for (; *s; s++)
        if (*s == '/' || (unsigned char)*s < 0x20)
            return 0;
    return 1;
}

static hp_err load_curve(const char *dir, leak_row *r, char *why, size_t wl)
{
    char name[128];
    snprintf(name, sizeof name, "leak-%s-%s.csv", r->ear, r->placement);
    char *path = hp_pin_join(dir, name);
    if (!path)
        return ku_fail(HP_ENOMEM, why, wl);
    hp_err e = HP_OK;
    if (!hp_pin_is_file(path)) {
        ku_say(why, wl, "%s: missing (leak.csv lists placement %s, ear %s)", path, r->placement, r->ear);
        e = HP_EIO;
    }
    hp_ptable t;
    if (e == HP_OK && (e = hp_pin_table(path, &t, why, wl)) == HP_OK) {
        r->n = t.nrows;
        e = hp_pin_freq(&t, path, &r->f, why, wl);
        if (e == HP_OK)
            e = hp_pin_column(&t, path, "db", 1, &r->db, why, wl);
        hp_ptable_release(&t);
    }
    free(path);
    return e;
}

static hp_err parse_rows(const char *dir, const char *path, const hp_ptable *t, leak_dir *d,
                         char *why, size_t wl)
{
    static const char *const need[] = {"placement", "ear", "model"};
    int col[3];
    for (int k = 0; k < 3; k++)
        if ((col[k] = hp_ptable_find(t, need[k])) < 0) {
            ku_say(why, wl, "%s: no column '%s'", path, need[k]);
            return HP_EFORMAT;
        }
    double *corner = NULL, *f0 = NULL, *q = NULL, *loss20 = NULL;
    hp_err e = hp_pin_column(t, path, "corner_hz", 1, &corner, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(t, path, "loss20_db", 0, &loss20, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(t, path, "f0_hz", 1, &f0, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(t, path, "q", 1, &q, why, wl);
    if (e == HP_OK && !(d->row = calloc(t->nrows, sizeof *d->row)))
        e = ku_fail(HP_ENOMEM, why, wl);
    for (size_t i = 0; i < t->nrows && e == HP_OK; i++) {
        leak_row *r = &d->row[i];
        const char *pl = hp_ptable_cell(t, i, (size_t)col[0]), *ear = hp_ptable_cell(t, i, (size_t)col[1]);
        if (!plain_name(pl) || !plain_name(ear) || strlen(pl) >= sizeof r->placement ||
            strlen(ear) >= sizeof r->ear) {
            ku_say(why, wl, "%s:%ld: placement and ear must be short names without '/'", path,
                   t->line[i]);
            e = HP_EPARSE;
            break;
        }
        snprintf(r->placement, sizeof r->placement, "%s", pl);
        snprintf(r->ear, sizeof r->ear, "%s", ear);
        r->corner = corner[i];
        r->f0 = f0[i];
        r->q = q[i];
        r->loss20 = loss20 ? loss20[i] : (double)NAN;
        r->order = model_order(hp_ptable_cell(t, i, (size_t)col[2]), corner[i], f0[i], q[i]);
        d->n++;
        size_t k = 0;
        while (k < d->nears && strcmp(d->ears[k], ear))
            k++;
        if (k == d->nears) {
            if (d->nears == MAX_EARS) {
                ku_say(why, wl, "%s:%ld: more than %d ears", path, t->line[i], MAX_EARS);
                e = HP_ERANGE;
                break;
            }
            snprintf(d->ears[d->nears++], sizeof d->ears[0], "%s", ear);
        }
        e = load_curve(dir, r, why, wl);
    }
    free(corner);
    free(f0);
    free(q);
    free(loss20);
    return e;
}

static hp_err load_dir(const char *dir, leak_dir *d, char *why, size_t wl)
{
    memset(d, 0, sizeof *d);
    if (!hp_pin_is_dir(dir)) {
        struct stat st;
        ku_say(why, wl, "%s: %s (give the output directory of `hpfr leak`)", dir,
               stat(dir, &st) != 0 ? strerror(errno) : "not a directory");
        return HP_EINVAL;
    }
    char *path = hp_pin_join(dir, "leak.csv");
    if (!path)
        return ku_fail(HP_ENOMEM, why, wl);
    hp_ptable t;
    hp_err e = hp_pin_table(path, &t, why, wl);
    if (e == HP_OK) {
        e = parse_rows(dir, path, &t, d, why, wl);
        hp_ptable_release(&t);
    }
    free(path);
    if (e != HP_OK)
        return e;
    /* the headphone: the session's name when the leak directory sits in or beside one */
    hp_pin_meta m;
    if ((e = hp_pin_meta_find(dir, &m, why, wl)) != HP_OK)
        return e;
    if (m.name[0])
        snprintf(d->name, sizeof d->name, "%.120s", m.name);
    else
        hp_pin_basename(dir, NULL, d->name, sizeof d->name);
    return HP_OK;
}

static double model_db(const leak_row *r, double f)
{
    return r->order == 2 ? hp_pcurve_leak2_db(r->f0, r->q, f) : hp_pcurve_leak1_db(r->corner, f);
}

/* The placement the curves are relative to. hpfr leak fits every placement's own leak,
 * the reference's included, and the curves are placement over reference: the fitted curve
 * is then model(placement) - model(reference). A reference listed without a model (order 0)
 * means the models are already relative. Else it is the row that loses least at 20 Hz (0 dB
 * for the reference itself; rows tied with it have the same leak). NULL: nothing to take
 * off. */
static const leak_row *reference_of(const leak_dir *d, const char *ear)
{
    const leak_row *ref = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const leak_row *r = &d->row[i];
        if (strcmp(r->ear, ear))
            continue;
        if (!r->order)
            return NULL;
        if (isfinite(r->loss20) && (!ref || r->loss20 < ref->loss20))
            ref = r;
    }
    return ref;
}

static hp_err model_line(hp_ppanel *p, const leak_row *r, const leak_row *ref, hp_pcolor c)
{
    double *y = malloc(r->n * sizeof *y);
    if (!y)
        return HP_ENOMEM;
    for (size_t k = 0; k < r->n; k++)
        y[k] = model_db(r, r->f[k]) - (ref ? model_db(ref, r->f[k]) : 0);
    char t[160];
    if (r->order == 2)
        snprintf(t, sizeof t, "fit: 2nd order, f0 %.3g Hz, Q %.2f", r->f0, r->q);
    else
        snprintf(t, sizeof t, "fit: 1st order, corner %.3g Hz", r->corner);
    hp_err e = hp_ppanel_line(p, t, r->f, y, r->n, (hp_pstyle){c, 1.4, 2, 1});
    free(y);
    return e;
}

static hp_err panel(hp_ppanel *p, const leak_dir *d, const char *ear, int two)
{
    char title[200];
    const char *ename = !strcmp(ear, "L") ? "left" : !strcmp(ear, "R") ? "right" : ear;
    if (two)
        snprintf(title, sizeof title, "%.120s, %s ear", d->name, ename);
    else
        snprintf(title, sizeof title, "%c%s ear", toupper((unsigned char)ename[0]), ename + 1);
    hp_err e = hp_ppanel_setup(p, title, HP_PX_FREQ, NULL, HP_PY_DB, "Leak re best seal (dB)");
    /* leak curves cover the bass (hpfr leak: 10 Hz-1 kHz); the treble would be empty */
    p->flo = 10;
    p->fhi = 1000;
    size_t k = 0;
    const leak_row *ref = reference_of(d, ear);
    for (size_t i = 0; i < d->n && e == HP_OK; i++) {
        const leak_row *r = &d->row[i];
        if (strcmp(r->ear, ear))
            continue;
        hp_pcolor c = hp_pcolor_cycle(k++);
        char t[100];
        snprintf(t, sizeof t, "placement %s", r->placement);
        e = hp_ppanel_line(p, t, r->f, r->db, r->n, (hp_pstyle){c, 2, 1, 1});
        if (e == HP_OK && r->order)
            e = model_line(p, r, ref, c);
    }
    return e;
}

hp_err hp_plot_leak(char *const *in, size_t n, const hp_plot_opts *o, hp_pfig **fig, char *why,
                    size_t wl)
{
    *fig = NULL;
    leak_dir d[2];
    memset(d, 0, sizeof d);
    hp_err e = HP_OK;
    for (size_t i = 0; i < n && e == HP_OK; i++)
        e = load_dir(in[i], &d[i], why, wl);
    size_t rows = 0;
    for (size_t i = 0; e == HP_OK && i < n; i++)
        rows = d[i].nears > rows ? d[i].nears : rows;
    hp_pfig *f = NULL;
    if (e == HP_OK && !(f = hp_pfig_new((unsigned)rows, (unsigned)n, &e)))
        e = ku_fail(e, why, wl);
    for (size_t r = 0; e == HP_OK && r < rows; r++)
        for (size_t c = 0; e == HP_OK && c < n; c++) {
            /* ears in the first directory's order; a directory lacking one leaves a gap */
            const char *ear = r < d[0].nears ? d[0].ears[r] : d[c].ears[r];
            hp_ppanel *p = hp_pfig_panel(f, (unsigned)(r * n + c));
            p->min_span = 20;
            if ((e = panel(p, &d[c], ear, n > 1)) != HP_OK)
                e = ku_fail(e, why, wl);
        }
    if (e == HP_OK) {
        char what[300];
        if (n > 1)
            snprintf(what, sizeof what, "Seal and leak: %.120s vs %.120s", d[0].name, d[1].name);
        else
            snprintf(what, sizeof what, "Seal and leak");
        e = ku_title(f, o, what, n > 1 ? NULL : in[0], why, wl);
    }
    for (size_t i = 0; i < n; i++)
        dir_free(&d[i]);
    if (e != HP_OK) {
        hp_pfig_free(f);
        return e;
    }
    *fig = f;
    return HP_OK;
}
