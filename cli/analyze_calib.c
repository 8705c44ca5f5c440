/* SPDX-License-Identifier: MIT */
/* hpfr analyze, calibration: what --profile, --mic-cal and --compensation do to the results.
 * Everything is keyed by input channel (the recording's channel number, 1-based); --mic-cal
 * lists one file per microphone channel, in order, skipping a --ref-channel loopback. */
#include "analyze_calib.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "calapply.h"
#include "cli.h"
#include "csv.h"
#include "curve.h"
#include "rig.h"

struct analyze_calib {
    hp_calib_rig rig;
    double *comp_raw[MAX_PATHS], *comp_smooth[MAX_PATHS];
};

/* "FILE:LINE: reason" or "FILE: reason". */
static int file_fail(const analyze_job *job, const char *path, const hp_diag *d, hp_err e)
{
    const char *why = d->reason[0] ? d->reason : hp_strerror(e);
    if (d->line > 0)
        return hp_cli_fail(analyze_cmd(job), "%s:%ld: %s", path, d->line, why);
    return hp_cli_fail(analyze_cmd(job), "%s: %s", path, why);
}

static unsigned mic_count(const analyze_job *job)
{
    return job->rec.channels - (job->opt.ref_channel ? 1 : 0);
}

/* Input channel (0-based) of microphone k. */
static unsigned mic_input(const analyze_job *job, unsigned k)
{
    unsigned ref = job->opt.ref_channel ? (unsigned)job->opt.ref_channel - 1 : ~0u;
    return (ref != ~0u && k >= ref) ? k + 1 : k;
}

static int load_mic_list(const analyze_job *job, hp_calib_rig *rig)
{
    const char *list = job->opt.mic_cal;
    unsigned mics = mic_count(job), k = 0;
    size_t items = 1;
    for (const char *c = list; *c; c++)
        items += *c == ',';
    if (items != mics)
        return hp_cli_fail(analyze_cmd(job), "--mic-cal: %zu file%s for %u microphone channel%s of %s "
                           "(one per channel, separated by commas)", items, items == 1 ? "" : "s",
                           mics, mics == 1 ? "" : "s", job->opt.rec_path);
    for (const char *s = list;; k++) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n) {
            char *path = strndup(s, n);
            hp_diag d;
            hp_diag_clear(&d);
            hp_err err = path ? hp_calib_rig_set_mic(rig, mic_input(job, k) + 1, path, &d) : HP_ENOMEM;
            int rc = err == HP_OK ? 0 : file_fail(job, path ? path : "--mic-cal", &d, err);
            free(path);
            if (rc)
                return rc;
        }
        if (!e)
            break;
        s = e + 1;
    }
    return 0;
}

static int load(const analyze_job *job, hp_calib_rig *rig)
{
    hp_diag d;
    hp_diag_clear(&d);
    hp_err e;
    if (job->opt.profile) {
        const char *failed = job->opt.profile;
        if ((e = hp_calib_rig_load_profile(rig, job->opt.profile, &failed, &d)) != HP_OK)
            return file_fail(job, failed, &d, e);
    }
    if (job->opt.mic_cal && load_mic_list(job, rig))
        return HP_EXIT_BAD;
    if (job->opt.compensation &&
        (e = hp_calib_rig_set_compensation(rig, job->opt.compensation, &d)) != HP_OK)
        return file_fail(job, job->opt.compensation, &d, e);
    return 0;
}

static void warn_coverage(const analyze_job *job, const char *path, const hp_calib_curve *c)
{
    if (c->n && !hp_calib_covers(c, 20, 20000))
        hp_cli_warn(analyze_cmd(job), "%s: covers %g Hz to %g Hz, not 20 Hz to 20 kHz; the end values "
                    "are held beyond that", path, c->f_hz[0], c->f_hz[c->n - 1]);
}

/* EARS files say which channel they belong to; with two microphones the first is the left
 * ear (hpfr's left-then-right convention). */
static int check(const analyze_job *job, const hp_calib_rig *rig)
{
    unsigned mics = mic_count(job);
    for (unsigned k = 0; k < mics; k++) {
        unsigned in = mic_input(job, k);
        const hp_calib_curve *c = &rig->mic[in];
        if (!c->n)
            continue;
        if (mics == 2 && c->side != HP_CALIB_SIDE_NONE &&
            c->side != (k == 0 ? HP_CALIB_SIDE_LEFT : HP_CALIB_SIDE_RIGHT))
            return hp_cli_fail(analyze_cmd(job), "%s: the file is for the %s channel, but input "
                               "channel %u is the %s ear's microphone", rig->mic_path[in],
                               c->side == HP_CALIB_SIDE_LEFT ? "LEFT" : "RIGHT", in + 1,
                               k == 0 ? "left" : "right");
        warn_coverage(job, rig->mic_path[in], c);
    }
    warn_coverage(job, rig->comp_path, &rig->comp);
    return 0;
}

static int apply(analyze_job *job, struct analyze_calib *cal)
{
    size_t n = job->grid.n;
    double *db = malloc(n * sizeof *db), *ph = malloc(n * sizeof *ph), *comp = NULL;
    int rc = (!db || !ph) ? hp_cli_fail(analyze_cmd(job), "out of memory") : 0;
    if (!rc && cal->rig.comp.n) {
        if (!(comp = malloc(n * sizeof *comp)) ||
            hp_curve_interp(cal->rig.comp.f_hz, cal->rig.comp.db, cal->rig.comp.n,
                            job->grid.f_hz, n, comp) != HP_OK)
            rc = hp_cli_fail(analyze_cmd(job), "out of memory");
    }
    for (size_t k = 0; k < job->npaths && !rc; k++) {
        analyze_path *p = &job->paths[k];
        hp_cal_correction c;
        hp_diag d;
        hp_diag_clear(&d);
        hp_err e = hp_calib_rig_correction(&cal->rig, p->mic + 1, job->info.rate_hz, job->grid.f_hz,
                                           n, db, ph, &c, &d);
        if (e == HP_ENODATA)
            rc = hp_cli_fail(analyze_cmd(job), "%s: %s (run hpfr calib loopback at this rate)",
                             cal->rig.iface_path, d.reason);
        else if (e != HP_OK || hp_cal_apply(&c, p->resp.raw_db, p->resp.smooth_db,
                                            p->resp.phase_deg, n) != HP_OK)
            rc = hp_cli_fail(analyze_cmd(job), "calibration of channel %u failed: %s", p->mic + 1,
                             hp_strerror(e == HP_OK ? HP_EINVAL : e));
        if (rc || !comp || p->crosstalk)
            continue;
        cal->comp_raw[k] = malloc(n * sizeof(double));
        cal->comp_smooth[k] = malloc(n * sizeof(double));
        if (!cal->comp_raw[k] || !cal->comp_smooth[k] ||
            hp_cal_compensate(p->resp.raw_db, comp, n, cal->comp_raw[k]) != HP_OK ||
            hp_cal_compensate(p->resp.smooth_db, comp, n, cal->comp_smooth[k]) != HP_OK)
            rc = hp_cli_fail(analyze_cmd(job), "out of memory");
    }
    free(db);
    free(ph);
    free(comp);
    return rc;
}

int analyze_calib_preflight(const analyze_job *job)
{
    if (!job->opt.mic_cal && !job->opt.profile && !job->opt.compensation)
        return 0;
    hp_calib_rig rig;
    hp_calib_rig_init(&rig);
    int rc = load(job, &rig);
    hp_calib_rig_release(&rig);
    return rc;
}

int analyze_calibrate(analyze_job *job)
{
    if (!job->opt.mic_cal && !job->opt.profile && !job->opt.compensation)
        return 0;
    struct analyze_calib *cal = calloc(1, sizeof *cal);
    if (!cal)
        return hp_cli_fail(analyze_cmd(job), "out of memory");
    hp_calib_rig_init(&cal->rig);
    job->calib = cal;
    int rc = load(job, &cal->rig);
    if (!rc)
        rc = check(job, &cal->rig);
    if (!rc)
        rc = apply(job, cal);
    return rc;
}

int analyze_calib_write(const analyze_job *job, hp_outset *set, const analyze_path *p, char *why,
                        size_t len)
{
    const struct analyze_calib *cal = job->calib;
    size_t k = (size_t)(p - job->paths);
    if (!cal || k >= MAX_PATHS || !cal->comp_raw[k])
        return 0;
    char name[64];
    snprintf(name, sizeof name, "fr-comp%s.csv", p->name);
    static const int dec[] = {3, 5, 5};
    const double *cols[] = {job->grid.f_hz, cal->comp_raw[k], cal->comp_smooth[k]};
    FILE *f = hp_outset_fopen(set, name);
    if (!f || hp_csv_write(f, "frequency,raw,smoothed", cols, 3, job->grid.n, dec) != HP_OK ||
        hp_outset_written(set, name) != HP_OK) {
        snprintf(why, len, "%s/%s: write failed: %s", hp_outset_dir(set), name, strerror(errno));
        return 1;
    }
    return 0;
}

void analyze_calib_json(hp_json *j, const analyze_job *job)
{
    const struct analyze_calib *cal = job->calib;
    if (!cal)
        return;
    const hp_calib_rig *r = &cal->rig;
    hp_json_obj_begin(j, "calibration");
    hp_json_str(j, "profile", r->profile_path);
    hp_json_str(j, "interface", r->iface_path);
    hp_json_str(j, "compensation", r->comp_path);
    hp_json_arr_begin(j, "channels");
    for (unsigned c = 0; c < job->rec.channels && c < HP_RIG_CHANNELS; c++) {
        if (job->opt.ref_channel && c + 1 == (unsigned)job->opt.ref_channel)
            continue;
        hp_json_obj_begin(j, NULL);
        hp_json_int(j, "channel", c + 1);
        hp_json_str(j, "mic_file", r->mic_path[c]);
        hp_json_str(j, "mic_format", r->mic[c].n ? hp_calib_format_name(r->mic[c].format) : NULL);
        if (r->mic[c].n && !isnan(r->mic[c].sens_db))
            hp_json_num(j, "mic_sens_factor_db", r->mic[c].sens_db);
        if (isnan(r->spl_offset[c]))
            hp_json_null(j, "spl_offset_db");
        else
            hp_json_num(j, "spl_offset_db", r->spl_offset[c]);
        hp_json_str(j, "units", isnan(r->spl_offset[c]) ? "dB re full scale" : "dB SPL");
        hp_json_obj_end(j);
    }
    hp_json_arr_end(j);
    hp_json_obj_end(j);
}

void analyze_calib_free(analyze_job *job)
{
    struct analyze_calib *cal = job->calib;
    if (!cal)
        return;
    hp_calib_rig_release(&cal->rig);
    for (size_t k = 0; k < MAX_PATHS; k++) {
        free(cal->comp_raw[k]);
        free(cal->comp_smooth[k]);
    }
    free(cal);
    job->calib = NULL;
}
