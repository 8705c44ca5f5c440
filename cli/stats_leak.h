/* SPDX-License-Identifier: MIT */
/* The seal (bass-leak) analysis of one session (hpfr leak; also part of hpfr compare):
 * leak curves relative to a reference placement from the impulse responses, the leak-model
 * fits, bass loss, and the seal verdict. */
#ifndef HP_CLI_STATS_LEAK_H
#define HP_CLI_STATS_LEAK_H
#include <stdbool.h>
#include "leakfit.h"
#include "sessload.h"
#include "stats_average.h"

#define LEAK_NLOSS 3
extern const double leak_loss_hz[LEAK_NLOSS]; /* 20, 50, 100 Hz */

typedef struct {
    size_t ng;
    double *f_hz;              /* the leak grid: 10 Hz to 1 kHz, 1/24 octave */
    double rate_hz;            /* of the impulse responses */
    size_t ref[HP_SESSINFO_MAX_CHANNELS]; /* reference placement per channel (into s->pl) */
    bool ref_given;            /* --reference, else the best-sealed per channel */
    double *spec;              /* nch * np * ng: IR magnitude in dB */
    double *noise;             /* nch * np: noise per bin in dB */
    double *curve;             /* nch * np * ng: leak curve re the reference, level-matched */
    hp_leakfit_place *fit;     /* nch * np */
    double *loss;              /* nch * np * LEAK_NLOSS: dB lost re the reference */
    avg_result avg;            /* placement statistics, for the bass spread */
} leak_result;

static inline const double *leak_curve(const leak_result *r, const sess *s, size_t ch, size_t p)
{
    return r->curve + (ch * s->np + p) * r->ng;
}

/* ref_index: a placement number from session.json, or 0 to pick the best-sealed placement
 * per channel. Returns 0 or HP_EXIT_BAD after printing. */
int leak_compute(const char *cmd, const sess *s, unsigned ref_index, const hp_seal_cfg *cfg,
                 leak_result *r);
void leak_release(leak_result *r);

/* Writes leak.csv, leak-<ch>-<placement>.csv and summary.json into out_dir atomically. */
int leak_write(const char *cmd, const sess *s, const leak_result *r, const char *out_dir);

/* The table and the verdict on stdout. */
void leak_print(const sess *s, const leak_result *r, const char *out_dir);

/* "seal-sensitive" or "seal-insensitive". */
const char *leak_verdict(const leak_result *r);

#endif
