/* SPDX-License-Identifier: MIT */
/* The report's required part: session.json and, per done placement, the figures `hpfr
 * analyze` wrote (summary.json: latency, peak-to-noise, SNR; thd-<ear>.csv: THD at 100 Hz and
 * 1 kHz; fr-<ear>.csv: the left-right imbalance). Read strictly: a damaged file is an error
 * naming it, since the summary would otherwise be wrong. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pinput.h"
#include "reputil.h"

static hp_err read_session(hp_report *r, char *why, size_t wl)
{
    hp_diag d;
    hp_err e = hp_session_read(r->session, &r->s, &d);
    if (e == HP_OK)
        return HP_OK;
    if (e == HP_EIO)
        rp_say(why, wl, "%s/session.json: %s", r->session, strerror(errno));
    else if (e == HP_EPARSE && d.line > 0 && d.column > 0)
        rp_say(why, wl, "%s/session.json:%ld:%ld: %s", r->session, d.line, d.column, d.reason);
    else if (e == HP_EPARSE && d.line > 0)
        rp_say(why, wl, "%s/session.json:%ld: %s", r->session, d.line, d.reason);
    else
        rp_say(why, wl, "%s/session.json: %s", r->session,
               d.reason[0] ? d.reason : hp_strerror(e));
    return e;
}

/* Latency, peak-to-noise and the recording channel's SNR of each ear's path. */
static hp_err read_summary(const hp_report *r, hp_rep_place *p, char *why, size_t wl)
{
    char *path = hp_pin_join(p->dir, "summary.json");
    if (!path)
        return HP_ENOMEM;
    hp_jval *root;
    hp_err e = hp_pin_json(path, &root, why, wl);
    free(path);
    if (e != HP_OK)
        return e;
    const hp_jval *paths = hp_json_get(root, "paths");
    const hp_jval *chans = hp_json_get(hp_json_get(root, "recording"), "channels");
    for (size_t k = 0; k < r->nears; k++) {
        for (size_t i = 0; i < hp_json_len(paths); i++) {
            const hp_jval *pa = hp_json_at(paths, i);
            const char *name = hp_json_as_str(hp_json_get(pa, "name"));
            if (!name || strcmp(name, r->ear[k]))
                continue;
            double lat = rp_num(pa, "latency_frames");
            p->path_latency[k] = isfinite(lat) ? (long)lat : -1;
            p->latency_ms[k] = rp_num(pa, "latency_ms");
            p->pnr_db[k] = rp_num(pa, "peak_to_noise_db");
            double rc = rp_num(pa, "recording_channel");
            for (size_t c = 0; c < hp_json_len(chans); c++)
                if (rp_num(hp_json_at(chans, c), "channel") == rc)
                    p->snr_db[k] = rp_num(hp_json_at(chans, c), "snr_db");
        }
    }
    hp_json_free(root);
    return HP_OK;
}

/* THD in percent at 100 Hz and 1 kHz from thd-<ear>.csv, interpolated in dB against log
 * frequency (neither lies on the 1/48-octave grid). A missing file leaves NAN: analyze
 * writes none when it could not separate the harmonics. */
static hp_err read_thd(const hp_rep_place *p, const char *ear, double *t100, double *t1k,
                       char *why, size_t wl)
{
    char name[32];
    snprintf(name, sizeof name, "thd-%s.csv", ear);
    char *path = hp_pin_join(p->dir, name);
    if (!path)
        return HP_ENOMEM;
    hp_err e = HP_OK;
    hp_ptable t = {0};
    double *f = NULL, *db = NULL, *pct = NULL;
    if (!hp_pin_is_file(path))
        goto done;
    e = hp_pin_table(path, &t, why, wl);
    if (e == HP_OK)
        e = hp_pin_freq(&t, path, &f, why, wl);
    if (e == HP_OK)
        e = hp_pin_column(&t, path, "thd_db", 0, &db, why, wl);
    if (e == HP_OK && !db) {
        e = hp_pin_column(&t, path, "thd_percent", 1, &pct, why, wl);
        if (e == HP_OK && !(db = malloc(t.nrows * sizeof *db)))
            e = HP_ENOMEM;
        for (size_t i = 0; e == HP_OK && i < t.nrows; i++)
            db[i] = 20 * log10(pct[i] / 100);
    }
    if (e == HP_OK) {
        *t100 = 100 * pow(10, rp_interp_logf(f, db, t.nrows, 100) / 20);
        *t1k = 100 * pow(10, rp_interp_logf(f, db, t.nrows, 1000) / 20);
    }
done:
    free(path);
    free(f);
    free(db);
    free(pct);
    hp_ptable_release(&t);
    return e;
}

static hp_err read_placement(const hp_report *r, hp_rep_place *p, char *why, size_t wl)
{
    hp_err e = read_summary(r, p, why, wl);
    for (size_t k = 0; e == HP_OK && k < r->nears; k++)
        e = read_thd(p, r->ear[k], &p->thd100[k], &p->thd1k[k], why, wl);
    return e;
}

/* Adds each placement's raw response (smoothed when there is no raw) of ear k into sum. */
static hp_err sum_ear(hp_report *r, size_t k, double **freq, size_t *n, double **sum, char *why,
                      size_t wl)
{
    char name[32];
    snprintf(name, sizeof name, "fr-%s.csv", r->ear[k]);
    for (size_t i = 0; i < r->np; i++) {
        char *path = hp_pin_join(r->pl[i].dir, name);
        if (!path)
            return HP_ENOMEM;
        hp_pin_fr fr;
        hp_err e = hp_pin_fr_read(path, &fr, why, wl);
        free(path);
        if (e != HP_OK)
            return e;
        if (!*freq) {
            *n = fr.n;
            *freq = malloc(fr.n * sizeof **freq);
            *sum = calloc(fr.n, sizeof **sum);
            if (!*freq || !*sum) {
                hp_pin_fr_release(&fr);
                return HP_ENOMEM;
            }
            memcpy(*freq, fr.f, fr.n * sizeof **freq);
        }
        int same = fr.n == *n;
        for (size_t j = 0; same && j < fr.n; j++)
            same = fabs(fr.f[j] - (*freq)[j]) <= 1e-6 * (*freq)[j];
        const double *y = hp_pin_fr_curve(&fr, 1);
        for (size_t j = 0; same && j < fr.n; j++)
            (*sum)[j] += y[j];
        hp_pin_fr_release(&fr);
        if (!same) {
            snprintf(r->imbalance_note, sizeof r->imbalance_note,
                     "the placements' responses are on different frequency grids");
            return HP_OK;
        }
    }
    return HP_OK;
}

/* Mean over the grid of (mean L - mean R), the placements' dB values averaged per frequency
 * first (as hpfr average does), and the mean of its magnitude. */
static hp_err imbalance(hp_report *r, char *why, size_t wl)
{
    if (r->nears < 2) {
        snprintf(r->imbalance_note, sizeof r->imbalance_note, "one ear measured");
        return HP_OK;
    }
    double *f[2] = {NULL, NULL}, *sum[2] = {NULL, NULL};
    size_t n[2] = {0, 0};
    hp_err e = HP_OK;
    for (size_t k = 0; e == HP_OK && k < 2; k++)
        e = sum_ear(r, k, &f[k], &n[k], &sum[k], why, wl);
    if (e == HP_OK && !r->imbalance_note[0]) {
        int same = n[0] == n[1];
        for (size_t j = 0; same && j < n[0]; j++)
            same = fabs(f[0][j] - f[1][j]) <= 1e-6 * f[0][j];
        double s = 0, sa = 0;
        size_t m = 0;
        for (size_t j = 0; same && j < n[0]; j++) {
            double d = (sum[0][j] - sum[1][j]) / (double)r->np;
            if (isfinite(d)) {
                s += d;
                sa += fabs(d);
                m++;
            }
        }
        if (!same || !m)
            snprintf(r->imbalance_note, sizeof r->imbalance_note,
                     "the left and right responses are on different frequency grids");
        else {
            r->imbalance_db = s / (double)m;
            r->imbalance_abs_db = sa / (double)m;
        }
    }
    for (size_t k = 0; k < 2; k++) {
        free(f[k]);
        free(sum[k]);
    }
    return e;
}

static hp_err placements(hp_report *r, char *why, size_t wl)
{
    hp_pin_session ps;
    hp_err e = hp_pin_session_read(r->session, &ps, why, wl);
    if (e != HP_OK)
        return e;
    if (!(r->pl = calloc(ps.np, sizeof *r->pl)))
        e = HP_ENOMEM;
    for (size_t i = 0; e == HP_OK && i < r->s.count; i++) {
        const hp_placement *sp = &r->s.placements[i];
        if (sp->status != HP_PLACEMENT_DONE)
            continue;
        size_t j = 0;
        while (j < ps.np && ps.pindex[j] != (int)sp->index)
            j++;
        if (j == ps.np || r->np == ps.np) {
            rp_say(why, wl, "%s/session.json: placement %u has no directory", r->session,
                   sp->index);
            e = HP_EFORMAT;
            break;
        }
        hp_rep_place *p = &r->pl[r->np++];
        p->index = (int)sp->index;
        snprintf(p->captured, sizeof p->captured, "%s", sp->captured);
        p->latency_frames = sp->latency_frames;
        p->drift_ppm = sp->drift_ppm;
        p->xruns = sp->xruns;
        for (size_t k = 0; k < HP_REP_EARS; k++) {
            p->path_latency[k] = -1;
            p->latency_ms[k] = p->pnr_db[k] = p->snr_db[k] = NAN;
            p->thd100[k] = p->thd1k[k] = NAN;
        }
        if (!(p->dir = strdup(ps.pdir[j])))
            e = HP_ENOMEM;
        if (e == HP_OK)
            e = read_placement(r, p, why, wl);
    }
    hp_pin_session_release(&ps);
    return e;
}

hp_err hp_rep_load(const char *session, const hp_rep_opts *o, hp_report *r, char *why,
                   size_t wl)
{
    static const hp_rep_opts none = {NULL, NULL, NULL};
    if (!r)
        return HP_EINVAL;
    memset(r, 0, sizeof *r);
    r->imbalance_db = r->imbalance_abs_db = NAN;
    if (!session || !*session) {
        rp_say(why, wl, "no session directory given");
        return HP_EINVAL;
    }
    struct stat st;
    if (stat(session, &st) != 0) {
        rp_say(why, wl, "%s: %s", session, strerror(errno));
        return HP_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        rp_say(why, wl, "%s: not a session directory", session);
        return HP_EIO;
    }
    if (!(r->session = strdup(session)))
        return HP_ENOMEM;
    hp_err e = read_session(r, why, wl);
    if (e == HP_OK) {
        const char *names[] = {"L", "R"};
        size_t first = r->s.ears == 2 ? 1 : 0, count = r->s.ears ? 1 : 2;
        for (size_t k = 0; k < count; k++)
            snprintf(r->ear[k], sizeof r->ear[k], "%s", names[first + k]);
        r->nears = count;
        e = placements(r, why, wl);
    }
    if (e == HP_OK)
        e = imbalance(r, why, wl);
    if (e == HP_OK)
        e = rp_load_extras(r, o ? o : &none, why, wl);
    if (e == HP_ENOMEM)
        rp_say(why, wl, "out of memory");
    if (e != HP_OK)
        hp_rep_release(r);
    return e;
}

static void release_avg(hp_rep_avg *a)
{
    for (size_t c = 0; c < a->nch; c++) {
        hp_rep_avg_ch *ch = &a->ch[c];
        free(ch->f);
        free(ch->power);
        free(ch->mean);
        free(ch->std);
        free(ch->min);
        free(ch->max);
    }
    rp_free_list(a->outlier, a->noutlier);
    rp_fig_release(&a->fig);
    free(a->dir);
    free(a->problem);
}

void hp_rep_release(hp_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->pl && i < r->np; i++) {
        free(r->pl[i].dir);
        rp_fig_release(&r->pl[i].fr);
        rp_fig_release(&r->pl[i].thd);
        rp_fig_release(&r->pl[i].ir);
    }
    free(r->pl);
    hp_session_release(&r->s);
    free(r->session);
    release_avg(&r->avg);
    free(r->leak.row);
    rp_free_list(r->leak.evidence, r->leak.nev);
    rp_fig_release(&r->leak.fig);
    free(r->leak.dir);
    free(r->leak.problem);
    rp_free_list(r->eq.file, r->eq.nfile);
    rp_fig_release(&r->eq.fig);
    rp_fig_release(&r->eq.fig_fr);
    free(r->eq.dir);
    free(r->eq.problem);
    rp_fig_release(&r->fig_placements);
    rp_fig_release(&r->fig_balance);
    rp_free_list(r->warn, r->nwarn);
    memset(r, 0, sizeof *r);
}
