/* SPDX-License-Identifier: MIT */
/* Internals shared by the exporters behind formats/eqexport.h: one write context, number
 * formatting, the profile as written (rounded), and the FIR file set. Not a public API. */
#ifndef HP_EQEXPORT_IMPL_H
#define HP_EQEXPORT_IMPL_H
#include <stddef.h>
#include <stdio.h>
#include "eqexport.h"
#include "fir.h"
#include "outset.h"

/* Sample rates FIR files are written for. */
#define EQX_FIR_NRATES 5
extern const double eqx_fir_rates[EQX_FIR_NRATES];
/* The rate whose FIR the PipeWire chain loads (PipeWire's default graph rate). */
#define EQX_PIPEWIRE_FIR_RATE 48000.0

typedef struct {
    const hp_eq_export *e;
    hp_peq peq[2];           /* the profile as written: rounded, preamp re-checked */
    hp_peq rate_peq[2][HP_EQX_MAX_RATES]; /* the per-rate sets as written, one preamp */
    hp_outset *set;
    const char *dir;
    char absdir[4096];       /* dir as an absolute path (PipeWire needs absolute IR paths) */
    int fir;                 /* FIR files are part of this set */
    double fir_gain_db;      /* the FIRs' level, the same for every rate and channel */
    char *why;
    size_t why_len;
} eqx_ctx;

/* Registers name in the set and opens it; on failure fills why and returns NULL. */
FILE *eqx_open(eqx_ctx *c, const char *name);

/* Fills why with "DIR/NAME: message" (printf-style) and returns err. */
/* eqx_fail with "write failed: " and errno's text (EFBIG, ENOSPC, ...). */
hp_err eqx_write_failed(eqx_ctx *c, const char *name, hp_err err);
hp_err eqx_fail(eqx_ctx *c, const char *name, hp_err err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* v with at most `decimals` digits after the point, trailing zeros dropped ("105",
 * "0.707"), '.' whatever the locale, no "-0". buf holds at least 64 bytes; returns buf. */
const char *eqx_num(char *buf, double v, int decimals);
#define EQX_NUM_LEN 64

/* Digits the writers use: what EqualizerAPO, PipeWire and the rest get. Rounding the
 * profile to these moves its curve by less than 0.01 dB. */
#define EQX_FC_DECIMALS 2
#define EQX_GAIN_DECIMALS 2
#define EQX_Q_DECIMALS 3
#define EQX_PREAMP_DECIMALS 2
/* The per-rate sets carry more digits (EqualizerAPO reads any): their rounding then moves the
 * curve by about 0.001 dB, which keeps each within the 0.05 dB the re-tuning promises. */
#define EQX_RATES_GAIN_DECIMALS 3
#define EQX_RATES_Q_DECIMALS 4

/* "LSC", "PK" or "HSC". */
const char *eqx_apo_type(hp_biquad_type t);

/* Suffix for channel ch of the export: "" for one channel, "-L" / "-R" for two. */
const char *eqx_ch_suffix(const hp_eq_export *e, unsigned ch);

/* The curve the FIR for channel ch is designed from: equalization, else parametric_eq
 * (NULL when the export has neither or no grid). */
const double *eqx_fir_curve(const hp_eq_export *e, unsigned ch);

/* "fir-minimum-48000-L.wav" and the like. */
void eqx_fir_name(char *buf, size_t len, hp_fir_phase phase, double rate_hz,
                  const hp_eq_export *e, unsigned ch);

/* The writers, one per format; each returns HP_OK or fills c->why. */
hp_err eqx_write_apo(eqx_ctx *c);
hp_err eqx_write_graphic(eqx_ctx *c);
hp_err eqx_write_csv(eqx_ctx *c);
hp_err eqx_write_pipewire(eqx_ctx *c);
hp_err eqx_write_easyeffects(eqx_ctx *c);
hp_err eqx_write_camilla(eqx_ctx *c);
hp_err eqx_write_sox(eqx_ctx *c);
hp_err eqx_write_rew(eqx_ctx *c);
hp_err eqx_write_fir(eqx_ctx *c);
hp_err eqx_write_apo_rates(eqx_ctx *c);

#endif
