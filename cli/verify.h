/* SPDX-License-Identifier: MIT */
/* hpfr verify: the correction under test as `hpfr eq` wrote it (the filters played, and the
 * fit's target and prediction), the stimulus it shapes, and the residual it leaves. */
#ifndef HP_CLI_VERIFY_H
#define HP_CLI_VERIFY_H
#include <stddef.h>
#include "eqread.h"
#include "measure.h"

#define VERIFY_PATH_MAX 4400

typedef enum { VERIFY_PEQ, VERIFY_FIR_MINIMUM, VERIFY_FIR_LINEAR } verify_mode;

typedef struct {
    const char *dir;            /* hpfr eq's output directory, as given */
    verify_mode mode;
    double rate_hz;             /* the rate the correction is played at */
    /* PEQ: ParametricEQ.txt; peq[0] plays on the left driver, peq[1] on the right. */
    char apo_path[VERIFY_PATH_MAX];
    hp_apo_profile apo;
    /* FIR: fir-<phase>-<rate>[-L|-R].wav, one per ear (the same file twice when there is
     * one); the taps at rate_hz. */
    char fir_path[2][VERIFY_PATH_MAX];
    double *fir[2];
    size_t fir_taps[2];
    /* eq.csv (one curve for both ears) or eq-L.csv and eq-R.csv. */
    unsigned ncsv;
    char csv_path[2][VERIFY_PATH_MAX];
    hp_eqcsv csv[2];
    /* From summary.json when present: the one channel fitted to the mean of both ears
     * ("L+R"), the fit's rate, and a level the fit allowed (presets without a preamp). */
    int fitted_mean;
    double fit_rate_hz;         /* NAN when unknown */
    double fit_level_db[2];
} verify_eq;

/* Reads everything the correction needs from q->dir for q->mode at q->rate_hz (set before):
 * the filters played and the fit's curves. Returns 0 or HP_EXIT_BAD after one error line
 * naming the file (and line). Release with verify_eq_release whatever happened. */
int verify_eq_load(verify_eq *q);
void verify_eq_release(verify_eq *q);

/* The eq.csv curves for ear (0 left, 1 right). */
static inline const hp_eqcsv *verify_eq_csv(const verify_eq *q, unsigned ear)
{
    return &q->csv[q->ncsv == 2 ? ear : 0];
}

/* The correction's magnitude in dB for ear at the n frequencies f_hz, as it is played at
 * q->rate_hz: the PEQ with its preamp, or the FIR's exact response. 0 or HP_EXIT_BAD. */
int verify_eq_response(const verify_eq *q, unsigned ear, const double *f_hz, size_t n,
                       double *db);

/* "ParametricEQ.txt" or "fir-minimum-48000-L.wav and ...R.wav": what is played, for the
 * summary. */
void verify_eq_describe(const verify_eq *q, char *buf, size_t len);

/* measure_ctx.shape_stim for verify (arg: the verify_eq): each driver's part of the stimulus
 * through that ear's correction. Refuses a corrected sweep that would clip. */
int verify_shape_stim(measure_ctx *m, void *arg);

/* After the placements: the mean measured response per ear, the residual against the
 * target and the prediction; writes residual-<ear>.csv (and residual.csv for a fit to the
 * mean of both ears) and summary.json into the session directory, prints the summary and
 * the verdict. 0 or HP_EXIT_BAD. */
int verify_result(const verify_eq *q, const measure_ctx *m);

#endif
