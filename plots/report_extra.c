/* SPDX-License-Identifier: MIT */
/* The report's optional parts: `hpfr average` (summary.json, average-<ch>.csv), `hpfr leak`
 * (leak.csv, summary.json) and `hpfr eq` (ParametricEQ.txt, summary.json, the exported
 * files). Read tolerantly: keys and columns that are missing stay unknown, and a file that
 * cannot be read is recorded as the part's problem (with a warning), never an error, because
 * these producers evolve on their own and the session's report must still come out. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pinput.h"
#include "reputil.h"

#define WHY 1024

/* The part's directory: the one given (which must exist) or SESSION/def when it exists. */
static hp_err find_dir(const hp_report *r, const char *given, const char *def, const char *opt,
                       char **out, char *why, size_t wl)
{
    *out = NULL;
    if (given) {
        struct stat st;
        if (stat(given, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rp_say(why, wl, "%s %s: %s", opt, given,
                   stat(given, &st) != 0 ? strerror(errno) : "not a directory");
            return HP_EIO;
        }
        return (*out = strdup(given)) ? HP_OK : HP_ENOMEM;
    }
    char *path = hp_pin_join(r->session, def);
    if (!path)
        return HP_ENOMEM;
    if (hp_pin_is_dir(path))
        *out = path;
    else
        free(path);
    return HP_OK;
}

/* Reads dir/name as JSON; a missing file gives *root NULL and HP_OK when optional. Other
 * failures become the part's problem (HP_OK, *root NULL). */
static hp_err part_json(hp_report *r, char **problem, const char *what, const char *dir,
                        const char *name, int optional, hp_jval **root)
{
    *root = NULL;
    char *path = hp_pin_join(dir, name), why[WHY];
    if (!path)
        return HP_ENOMEM;
    hp_err e = HP_OK;
    if (hp_pin_is_file(path) || !optional) {
        e = hp_pin_json(path, root, why, sizeof why);
        if (e != HP_OK && e != HP_ENOMEM)
            e = rp_problem(r, problem, what, why);
    }
    free(path);
    return e;
}

static hp_err part_table(hp_report *r, char **problem, const char *what, const char *path,
                         hp_ptable *t, int *ok)
{
    char why[WHY];
    *ok = 0;
    hp_err e = hp_pin_table(path, t, why, sizeof why);
    if (e == HP_OK)
        *ok = 1;
    else if (e != HP_ENOMEM)
        e = rp_problem(r, problem, what, why);
    return e;
}

/* Column name of t (NULL when absent); a column that does not read becomes the problem. */
static hp_err part_column(hp_report *r, char **problem, const char *what, const hp_ptable *t,
                          const char *path, const char *name, double **out, int *ok)
{
    char why[WHY];
    hp_err e = hp_pin_column(t, path, name, 0, out, why, sizeof why);
    if (e != HP_OK && e != HP_ENOMEM) {
        *ok = 0;
        e = rp_problem(r, problem, what, why);
    }
    return e;
}

/* ---- hpfr average ---- */

static const char AVG[] = "placement statistics (hpfr average)";

static hp_err avg_curves(hp_report *r, hp_rep_avg_ch *c, const char *file)
{
    hp_rep_avg *a = &r->avg;
    char name[64], why[WHY];
    if (file && *file && !strchr(file, '/') && strlen(file) < sizeof name)
        snprintf(name, sizeof name, "%s", file);
    else
        snprintf(name, sizeof name, "average-%.40s.csv", c->ch);
    char *path = hp_pin_join(a->dir, name);
    if (!path)
        return HP_ENOMEM;
    hp_ptable t = {0};
    int ok = 1;
    hp_err e = HP_OK;
    if (!hp_pin_is_file(path)) {
        snprintf(why, sizeof why, "%s: missing", path);
        e = rp_problem(r, &a->problem, AVG, why);
        ok = 0;
    }
    if (e == HP_OK && ok)
        e = part_table(r, &a->problem, AVG, path, &t, &ok);
    if (e == HP_OK && ok) {
        hp_err fe = hp_pin_freq(&t, path, &c->f, why, sizeof why);
        if (fe == HP_ENOMEM)
            e = fe;
        else if (fe != HP_OK) {
            ok = 0;
            e = rp_problem(r, &a->problem, AVG, why);
        }
    }
    const char *cols[] = {"power_db", "mean_db", "std_db", "min_db", "max_db"};
    double **dst[] = {&c->power, &c->mean, &c->std, &c->min, &c->max};
    for (size_t k = 0; e == HP_OK && ok && k < 5; k++)
        e = part_column(r, &a->problem, AVG, &t, path, cols[k], dst[k], &ok);
    if (e == HP_OK && ok && (c->power || c->mean))
        c->n = t.nrows;
    hp_ptable_release(&t);
    free(path);
    return e;
}

static hp_err avg_channel(hp_report *r, const hp_jval *cj, const char *name)
{
    hp_rep_avg *a = &r->avg;
    hp_rep_avg_ch *c = &a->ch[a->nch++];
    snprintf(c->ch, sizeof c->ch, "%s", name);
    const hp_jval *cons = hp_json_get(cj, "consistency_db");
    for (size_t b = 0; b < hp_json_len(cons) && c->nband < HP_REP_BANDS; b++) {
        snprintf(c->band[c->nband], sizeof c->band[0], "%s", hp_json_key_at(cons, b));
        c->consistency[c->nband++] = rp_num(cons, hp_json_key_at(cons, b));
    }
    const hp_jval *bass = hp_json_get(cj, "bass_level_db");
    c->bass_std = rp_num(bass, "std");
    c->bass_range = rp_num(bass, "range");
    const hp_jval *out = hp_json_get(cj, "outliers");
    for (size_t i = 0; i < hp_json_len(out); i++) {
        const hp_jval *o = hp_json_at(out, i);
        char reason[600], line[800];
        rp_str(o, "reason", reason, sizeof reason);
        snprintf(line, sizeof line, "placement %g (%s)%s%s", rp_num(o, "placement"), c->ch,
                 reason[0] ? ": " : "", reason);
        if (rp_push(&a->outlier, &a->noutlier, line) != HP_OK)
            return HP_ENOMEM;
    }
    return avg_curves(r, c, hp_json_as_str(hp_json_get(cj, "file")));
}

static hp_err load_average(hp_report *r)
{
    hp_rep_avg *a = &r->avg;
    hp_jval *root;
    hp_err e = part_json(r, &a->problem, AVG, a->dir, "summary.json", 0, &root);
    if (e != HP_OK || !root)
        return e;
    const hp_jval *spread = hp_json_get(root, "bass_spread");
    a->spread_db = rp_num(spread, "db");
    rp_str(spread, "channel", a->spread_ch, sizeof a->spread_ch);
    const hp_jval *bal = hp_json_get(root, "balance");
    a->balance_db = rp_num(bal, "mean_db");
    a->balance_abs_db = rp_num(bal, "mean_abs_db");
    const hp_jval *chans = hp_json_get(root, "channels");
    for (size_t i = 0; e == HP_OK && i < hp_json_len(chans) && a->nch < HP_REP_EARS; i++) {
        const hp_jval *cj = hp_json_at(chans, i);
        const char *name = hp_json_as_str(hp_json_get(cj, "channel"));
        if (name)
            e = avg_channel(r, cj, name);
    }
    /* A summary without channel entries: the session's ears, curves only. */
    for (size_t k = 0; e == HP_OK && !hp_json_len(chans) && k < r->nears; k++)
        e = avg_channel(r, NULL, r->ear[k]);
    hp_json_free(root);
    return e;
}

/* ---- hpfr leak ---- */

static const char LEAK[] = "leak analysis (hpfr leak)";

static hp_err leak_rows(hp_report *r, const char *path)
{
    hp_rep_leak *l = &r->leak;
    hp_ptable t = {0};
    int ok;
    char why[WHY];
    hp_err e = part_table(r, &l->problem, LEAK, path, &t, &ok);
    int cp = hp_ptable_find(&t, "placement"), ce = hp_ptable_find(&t, "ear"),
        cm = hp_ptable_find(&t, "model");
    if (e == HP_OK && ok && (cp < 0 || ce < 0)) {
        snprintf(why, sizeof why, "%s: no column '%s'", path, cp < 0 ? "placement" : "ear");
        e = rp_problem(r, &l->problem, LEAK, why);
        ok = 0;
    }
    const char *cols[] = {"corner_hz", "f0_hz", "q", "loss20_db", "loss50_db", "loss100_db",
                          "residual_db"};
    double *v[7] = {NULL};
    for (size_t k = 0; e == HP_OK && ok && k < 7; k++)
        e = part_column(r, &l->problem, LEAK, &t, path, cols[k], &v[k], &ok);
    if (e == HP_OK && ok && !(l->row = calloc(t.nrows ? t.nrows : 1, sizeof *l->row)))
        e = HP_ENOMEM;
    for (size_t i = 0; e == HP_OK && ok && i < t.nrows; i++) {
        hp_rep_leakrow *w = &l->row[l->n++];
        snprintf(w->placement, sizeof w->placement, "%s", hp_ptable_cell(&t, i, (size_t)cp));
        snprintf(w->ear, sizeof w->ear, "%s", hp_ptable_cell(&t, i, (size_t)ce));
        snprintf(w->model, sizeof w->model, "%s", cm >= 0 ? hp_ptable_cell(&t, i, (size_t)cm) : "");
        double *dst[] = {&w->corner, &w->f0, &w->q, &w->loss[0], &w->loss[1], &w->loss[2],
                         &w->resid};
        for (size_t k = 0; k < 7; k++)
            *dst[k] = v[k] ? v[k][i] : (double)NAN;
    }
    for (size_t k = 0; k < 7; k++)
        free(v[k]);
    hp_ptable_release(&t);
    return e;
}

static hp_err load_leak(hp_report *r)
{
    hp_rep_leak *l = &r->leak;
    l->spread_db = l->threshold_db = NAN;
    char *path = hp_pin_join(l->dir, "leak.csv");
    if (!path)
        return HP_ENOMEM;
    hp_err e;
    if (hp_pin_is_file(path))
        e = leak_rows(r, path);
    else {
        char why[WHY];
        snprintf(why, sizeof why, "%s: missing", path);
        e = rp_problem(r, &l->problem, LEAK, why);
    }
    free(path);
    hp_jval *root = NULL;
    if (e == HP_OK)
        e = part_json(r, &l->problem, LEAK, l->dir, "summary.json", 1, &root);
    if (e != HP_OK || !root)
        return e;
    const hp_jval *seal = hp_json_get(root, "seal");
    rp_str(seal, "verdict", l->verdict, sizeof l->verdict);
    l->spread_db = rp_num(seal, "bass_spread_db");
    l->threshold_db = rp_num(seal, "threshold_db");
    const hp_jval *ev = hp_json_get(seal, "evidence");
    for (size_t i = 0; e == HP_OK && i < hp_json_len(ev); i++)
        if (hp_json_as_str(hp_json_at(ev, i)))
            e = rp_push(&l->evidence, &l->nev, hp_json_as_str(hp_json_at(ev, i)));
    const hp_jval *chans = hp_json_get(root, "channels");
    for (size_t i = 0; i < hp_json_len(chans) && l->nref < HP_REP_EARS; i++) {
        const hp_jval *c = hp_json_at(chans, i);
        double ref = rp_num(c, "reference");
        if (!hp_json_as_str(hp_json_get(c, "channel")) || !isfinite(ref))
            continue;
        rp_str(c, "channel", l->ref[l->nref][0], sizeof l->ref[0][0]);
        snprintf(l->ref[l->nref][1], sizeof l->ref[0][1], "%g", ref);
        l->nref++;
    }
    hp_json_free(root);
    return e;
}

/* ---- hpfr eq ---- */

static const char EQ[] = "EQ (hpfr eq)";

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static hp_err eq_files(hp_rep_eq *q)
{
    DIR *d = opendir(q->dir);
    if (!d)
        return HP_OK;
    hp_err e = HP_OK;
    for (struct dirent *de; e == HP_OK && (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        char *path = hp_pin_join(q->dir, de->d_name);
        if (!path)
            e = HP_ENOMEM;
        else if (hp_pin_is_file(path))
            e = rp_push(&q->file, &q->nfile, de->d_name);
        free(path);
    }
    closedir(d);
    if (q->nfile)
        qsort(q->file, q->nfile, sizeof *q->file, by_name);
    return e;
}

static hp_err eq_apo(hp_report *r, const char *path)
{
    hp_rep_eq *q = &r->eq;
    char *buf, why[WHY];
    size_t len;
    hp_err e = hp_pin_slurp(path, &buf, &len, why, sizeof why);
    if (e != HP_OK)
        return e == HP_ENOMEM ? e : rp_problem(r, &q->problem, EQ, why);
    hp_diag d;
    e = hp_plot_apo_parse(buf, len, &q->apo, &d);
    free(buf);
    if (e == HP_OK) {
        q->have_apo = 1;
        return HP_OK;
    }
    if (e == HP_EPARSE && d.line > 0)
        snprintf(why, sizeof why, "%s:%ld: %s", path, d.line, d.reason);
    else
        snprintf(why, sizeof why, "%s: %s", path,
                 e == HP_ENODATA ? "no Preamp or Filter line" : hp_strerror(e));
    return rp_problem(r, &q->problem, EQ, why);
}

/* `hpfr verify` of the EQ, when it was run (EQDIR/verify/summary.json). */
static hp_err load_verify(hp_report *r)
{
    hp_rep_eq *q = &r->eq;
    char *dir = hp_pin_join(q->dir, "verify");
    if (!dir)
        return HP_ENOMEM;
    hp_jval *root = NULL;
    hp_err e = part_json(r, &q->problem, "EQ check (hpfr verify)", dir, "summary.json", 1, &root);
    free(dir);
    if (e != HP_OK || !root)
        return e;
    const char *fmt = hp_json_as_str(hp_json_get(root, "format"));
    if (fmt && !strcmp(fmt, "hpfr-verify")) {
        rp_str(root, "verdict", q->verdict, sizeof q->verdict);
        q->placements = rp_num(root, "placements");
        const hp_jval *chans = hp_json_get(root, "channels");
        for (size_t i = 0; i < hp_json_len(chans) && q->nver < 3; i++) {
            const hp_jval *c = hp_json_at(chans, i);
            hp_rep_verch *v = &q->ver[q->nver++];
            rp_str(c, "channel", v->ch, sizeof v->ch);
            v->residual_db = rp_num(c, "residual_rms_db_20_10k");
            v->off_pred_db = rp_num(c, "measured_minus_predicted_rms_db_20_16k");
        }
    }
    hp_json_free(root);
    return HP_OK;
}

static hp_err load_eq(hp_report *r)
{
    hp_rep_eq *q = &r->eq;
    hp_err e = eq_files(q);
    char *path = hp_pin_join(q->dir, "ParametricEQ.txt");
    if (!path)
        return HP_ENOMEM;
    if (e == HP_OK && hp_pin_is_file(path))
        e = eq_apo(r, path);
    else if (e == HP_OK) {
        char why[WHY];
        snprintf(why, sizeof why, "%s: missing", path);
        e = rp_problem(r, &q->problem, EQ, why);
    }
    free(path);
    hp_jval *root = NULL;
    if (e == HP_OK)
        e = part_json(r, &q->problem, EQ, q->dir, "summary.json", 1, &root);
    if (e != HP_OK || !root)
        return e;
    rp_str(hp_json_get(root, "target"), "name", q->target, sizeof q->target);
    const hp_jval *chans = hp_json_get(root, "channels");
    for (size_t i = 0; i < hp_json_len(chans) && q->nch < HP_REP_EARS; i++) {
        const hp_jval *c = hp_json_at(chans, i);
        hp_rep_eqch *h = &q->ch[q->nch++];
        rp_str(c, "channel", h->ch, sizeof h->ch);
        h->rms_before = rp_num(c, "rms_error_before_db");
        h->rms_after = rp_num(c, "rms_error_after_db");
        h->max_boost = rp_num(c, "max_boost_db");
        h->pref_before = rp_num(hp_json_get(c, "preference_before"), "score");
        h->pref_after = rp_num(hp_json_get(c, "preference_after"), "score");
    }
    hp_json_free(root);
    return load_verify(r);
}

hp_err rp_load_extras(hp_report *r, const hp_rep_opts *o, char *why, size_t wl)
{
    r->avg.spread_db = r->avg.balance_db = r->avg.balance_abs_db = NAN;
    r->leak.spread_db = r->leak.threshold_db = NAN;
    hp_err e = find_dir(r, o->average_dir, "average", "--average", &r->avg.dir, why, wl);
    if (e == HP_OK)
        e = find_dir(r, o->leak_dir, "leak", "--leak", &r->leak.dir, why, wl);
    if (e == HP_OK)
        e = find_dir(r, o->eq_dir, "eq", "--eq", &r->eq.dir, why, wl);
    if (e == HP_OK && r->avg.dir)
        e = load_average(r);
    if (e == HP_OK && r->leak.dir)
        e = load_leak(r);
    if (e == HP_OK && r->eq.dir)
        e = load_eq(r);
    return e;
}
