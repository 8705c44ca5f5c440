/* SPDX-License-Identifier: MIT */
/* hpfr verify: reading the correction `hpfr eq` wrote. The filters come from the files a
 * user loads into an equalizer (ParametricEQ.txt, the FIR WAVs), so what is verified is what
 * is played; the target and the response the fit started from come from eq.csv. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audio.h"
#include "cli.h"
#include "fir.h"
#include "json.h"
#include "sessload.h"
#include "verify.h"

#define CMD "verify"
#define TEXT_MAX ((size_t)16 << 20)

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static int load_apo(verify_eq *q)
{
    snprintf(q->apo_path, sizeof q->apo_path, "%s/ParametricEQ.txt", q->dir);
    if (!exists(q->apo_path))
        return hp_cli_fail(CMD, "%s: missing: --eq takes the directory hpfr eq wrote (or give "
                           "--fir minimum|linear to play its FIR)", q->apo_path);
    char *buf;
    size_t len;
    if (sess_read_file(CMD, q->apo_path, TEXT_MAX, &buf, &len))
        return HP_EXIT_BAD;
    hp_diag d;
    hp_err e = hp_apo_parse(buf, len, &q->apo, &d);
    free(buf);
    if (e == HP_EPARSE)
        return hp_cli_fail(CMD, "%s:%ld: %s", q->apo_path, d.line, d.reason);
    if (e != HP_OK)
        return hp_cli_fail(CMD, "%s: %s", q->apo_path, d.reason[0] ? d.reason : hp_strerror(e));
    /* Every filter must exist at the rate it is played at (hp_peq_cascade's rule). */
    for (unsigned c = 0; c < 2; c++) {
        hp_cascade cas;
        if (hp_peq_cascade(&q->apo.peq[c], q->rate_hz, &cas) != HP_OK)
            return hp_cli_fail(CMD, "%s: a filter of the %s channel cannot be played at %g Hz "
                               "(its frequency must lie below %g Hz)", q->apo_path,
                               c ? "right" : "left", q->rate_hz, q->rate_hz / 2);
    }
    return 0;
}

static int load_fir_file(verify_eq *q, unsigned ear, const char *path)
{
    snprintf(q->fir_path[ear], sizeof q->fir_path[ear], "%s", path);
    hp_audio a = {0};
    hp_diag d;
    hp_err e = hp_audio_read(path, &a, &d);
    if (e != HP_OK)
        return hp_cli_fail(CMD, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
    int rc = 0;
    if (a.channels != 1)
        rc = hp_cli_fail(CMD, "%s: %u channels; a correction FIR has one", path, a.channels);
    else if (a.rate_hz != q->rate_hz)
        rc = hp_cli_fail(CMD, "%s: a FIR for %g Hz, played at %g Hz", path, a.rate_hz, q->rate_hz);
    else if (a.frames > HP_FIR_MAX_TAPS)
        rc = hp_cli_fail(CMD, "%s: %zu taps, more than %zu", path, a.frames, HP_FIR_MAX_TAPS);
    if (!rc) {
        q->fir[ear] = a.data;
        q->fir_taps[ear] = a.frames;
        a.data = NULL;
    }
    hp_audio_release(&a);
    return rc;
}

/* fir-<phase>-<rate>-L.wav and -R.wav when the EQ is per channel, else fir-<phase>-<rate>.wav. */
static int load_fir(verify_eq *q)
{
    const char *phase = q->mode == VERIFY_FIR_LINEAR ? "linear" : "minimum";
    char one[VERIFY_PATH_MAX], left[VERIFY_PATH_MAX], right[VERIFY_PATH_MAX];
    snprintf(one, sizeof one, "%s/fir-%s-%.0f.wav", q->dir, phase, q->rate_hz);
    snprintf(left, sizeof left, "%s/fir-%s-%.0f-L.wav", q->dir, phase, q->rate_hz);
    snprintf(right, sizeof right, "%s/fir-%s-%.0f-R.wav", q->dir, phase, q->rate_hz);
    if (exists(left) || exists(right))
        return load_fir_file(q, 0, left) || load_fir_file(q, 1, right) ? HP_EXIT_BAD : 0;
    if (!exists(one))
        return hp_cli_fail(CMD, "%s: missing (hpfr eq writes the FIRs for 44100, 48000, 88200, "
                           "96000 and 192000 Hz; --rate chooses one)", one);
    if (load_fir_file(q, 0, one))
        return HP_EXIT_BAD;
    /* The right ear plays the same taps: a copy keeps ownership simple. */
    q->fir[1] = malloc(q->fir_taps[0] * sizeof *q->fir[1]);
    if (!q->fir[1])
        return hp_cli_fail(CMD, "out of memory");
    memcpy(q->fir[1], q->fir[0], q->fir_taps[0] * sizeof *q->fir[1]);
    q->fir_taps[1] = q->fir_taps[0];
    snprintf(q->fir_path[1], sizeof q->fir_path[1], "%s", one);
    return 0;
}

static int load_csv(verify_eq *q, unsigned k, const char *path)
{
    snprintf(q->csv_path[k], sizeof q->csv_path[k], "%s", path);
    char *buf;
    size_t len;
    if (sess_read_file(CMD, path, TEXT_MAX, &buf, &len))
        return HP_EXIT_BAD;
    hp_diag d;
    hp_err e = hp_eqcsv_parse(buf, len, &q->csv[k], &d);
    free(buf);
    if (e == HP_EPARSE)
        return hp_cli_fail(CMD, "%s:%ld: %s", path, d.line, d.reason);
    if (e != HP_OK)
        return hp_cli_fail(CMD, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
    static const char *const need[] = {"raw", "target"};
    for (size_t i = 0; i < 2; i++)
        if (!hp_eqcsv_get(&q->csv[k], need[i]))
            return hp_cli_fail(CMD, "%s: no \"%s\" column (hpfr eq's eq.csv has frequency, raw, "
                               "..., target, ...)", path, need[i]);
    return 0;
}

static int load_csvs(verify_eq *q)
{
    char one[VERIFY_PATH_MAX], left[VERIFY_PATH_MAX], right[VERIFY_PATH_MAX];
    snprintf(one, sizeof one, "%s/eq.csv", q->dir);
    snprintf(left, sizeof left, "%s/eq-L.csv", q->dir);
    snprintf(right, sizeof right, "%s/eq-R.csv", q->dir);
    if (exists(left) || exists(right)) {
        q->ncsv = 2;
        return load_csv(q, 0, left) || load_csv(q, 1, right) ? HP_EXIT_BAD : 0;
    }
    if (!exists(one))
        return hp_cli_fail(CMD, "%s: missing: the target and the fit's prediction come from "
                           "eq.csv (or eq-L.csv and eq-R.csv), which hpfr eq writes", one);
    q->ncsv = 1;
    return load_csv(q, 0, one);
}

/* summary.json is optional (an EQ directory from elsewhere may lack it), but read strictly. */
static int load_summary(verify_eq *q)
{
    char path[VERIFY_PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.json", q->dir);
    if (!exists(path))
        return 0;
    char *buf;
    size_t len;
    if (sess_read_file(CMD, path, TEXT_MAX, &buf, &len))
        return HP_EXIT_BAD;
    hp_err e;
    hp_diag d;
    hp_jval *root = hp_json_parse(buf, len, &e, &d);
    free(buf);
    if (!root && e == HP_EPARSE)
        return hp_cli_fail(CMD, "%s:%ld: %s", path, d.line, d.reason);
    if (!root)
        return hp_cli_fail(CMD, "%s: %s", path, hp_strerror(e));
    q->fit_rate_hz = hp_json_as_num(hp_json_get(hp_json_get(root, "fit"), "rate_hz"), NAN);
    const hp_jval *ch = hp_json_get(root, "channels");
    const char *first = hp_json_as_str(hp_json_get(hp_json_at(ch, 0), "channel"));
    q->fitted_mean = hp_json_len(ch) == 1 && first && !strcmp(first, "L+R");
    for (size_t i = 0; i < hp_json_len(ch) && i < 2; i++) {
        double v = hp_json_as_num(hp_json_get(hp_json_at(ch, i), "level_db"), 0);
        q->fit_level_db[i] = isfinite(v) ? v : 0;
    }
    if (hp_json_len(ch) == 1)
        q->fit_level_db[1] = q->fit_level_db[0];
    hp_json_free(root);
    return 0;
}

int verify_eq_load(verify_eq *q)
{
    struct stat st;
    q->fit_rate_hz = NAN;
    if (stat(q->dir, &st) != 0)
        return hp_cli_fail(CMD, "--eq %s: %s", q->dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return hp_cli_fail(CMD, "--eq %s: not a directory (give the directory hpfr eq wrote)",
                           q->dir);
    int rc = q->mode == VERIFY_PEQ ? load_apo(q) : load_fir(q);
    if (!rc)
        rc = load_csvs(q);
    if (!rc)
        rc = load_summary(q);
    return rc;
}

void verify_eq_release(verify_eq *q)
{
    for (unsigned c = 0; c < 2; c++) {
        free(q->fir[c]);
        q->fir[c] = NULL;
        hp_eqcsv_release(&q->csv[c]);
    }
}

int verify_eq_response(const verify_eq *q, unsigned ear, const double *f_hz, size_t n,
                       double *db)
{
    if (q->mode != VERIFY_PEQ) {
        for (size_t i = 0; i < n; i++)
            db[i] = hp_fir_response_db(q->fir[ear], q->fir_taps[ear], q->rate_hz, f_hz[i]);
        return 0;
    }
    if (hp_peq_response_db(&q->apo.peq[ear], q->rate_hz, f_hz, n, db) != HP_OK)
        return hp_cli_fail(CMD, "%s: the filters cannot be evaluated at %g Hz", q->apo_path,
                           q->rate_hz);
    return 0;
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void verify_eq_describe(const verify_eq *q, char *buf, size_t len)
{
    if (q->mode == VERIFY_PEQ)
        snprintf(buf, len, "%s (%s)", q->apo_path,
                 q->apo.nch == 2 ? "a filter set per channel" : "one filter set for both ears");
    else if (strcmp(q->fir_path[0], q->fir_path[1]))
        snprintf(buf, len, "%s and %s", q->fir_path[0], base(q->fir_path[1]));
    else
        snprintf(buf, len, "%s (both ears)", q->fir_path[0]);
}
