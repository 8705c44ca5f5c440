/* SPDX-License-Identifier: MIT */
/* The placement statistics of one session (hpfr average; also part of hpfr compare). */
#ifndef HP_CLI_STATS_AVERAGE_H
#define HP_CLI_STATS_AVERAGE_H
#include <stdbool.h>
#include "placestats.h"
#include "sessload.h"

#define AVG_NBANDS 3
extern const double avg_bands[AVG_NBANDS][2]; /* consistency bands: 20-200, 200-5k, 5k-10k */

typedef struct {
    hp_seal_cfg cfg;
    hp_pstats st[HP_SESSINFO_MAX_CHANNELS];
    double consistency[HP_SESSINFO_MAX_CHANNELS][AVG_NBANDS]; /* NAN: band off the grid */
    double *bass;                 /* nch * np bass levels (hp_bass_level_db) */
    double *z;                    /* nch * np robust z-scores of the bass level */
    bool *outlier;                /* nch * np */
    double bass_median[HP_SESSINFO_MAX_CHANNELS], bass_scale[HP_SESSINFO_MAX_CHANNELS];
    double bass_std[HP_SESSINFO_MAX_CHANNELS];  /* seal spread per channel */
    double bass_range[HP_SESSINFO_MAX_CHANNELS];
    double spread;                /* the headphone's figure: the largest bass_std */
    size_t spread_ch;             /* the channel it comes from */
    bool sensitive;               /* hp_seal_sensitive(spread) */
    bool balance;                 /* channels "L" and "R" present */
    double *balance_db;           /* nf: mean L minus mean R */
    double balance_mean, balance_mean_abs, balance_band[AVG_NBANDS];
} avg_result;

/* Computes everything above from a loaded session. Returns 0 or HP_EXIT_BAD after printing. */
int avg_compute(const char *cmd, const sess *s, const hp_seal_cfg *cfg, avg_result *r);
void avg_release(avg_result *r);

/* Writes average-<ch>.csv, balance.csv (with L and R) and summary.json into out_dir as one
 * atomic set; 0 or HP_EXIT_BAD after printing. */
int avg_write(const char *cmd, const sess *s, const avg_result *r, const char *out_dir);

/* The human summary on stdout. */
void avg_print(const sess *s, const avg_result *r, const char *out_dir);

/* One line of outlier reason for placement p, channel ch, into buf. */
void avg_outlier_reason(const avg_result *r, const sess *s, size_t ch, size_t p, char *buf,
                        size_t size);

#endif
