/* SPDX-License-Identifier: MIT */
/* Absolute level: a recording of an acoustic calibrator (94 or 114 dB SPL at 1 kHz) gives
 * the dBFS-to-dB-SPL offset of an input; a test tone's SPL and the voltage across the
 * headphone give its sensitivity in dB SPL/V and dB SPL/mW. Levels are in dBFS with a
 * full-scale sine at 0 dBFS (AES17), so a response in dB re full scale plus the offset reads
 * the dB SPL a full-scale sine drive produces. */
#ifndef HP_SPL_H
#define HP_SPL_H
#include <stddef.h>
#include "hp_err.h"

typedef struct {
    double tone_hz;         /* nominal calibrator frequency (default 1000) */
    double freq_tol;        /* accepted relative deviation of the measured tone (default 0.02,
                               IEC 60942 class 2 allows 2 %) */
    double block_s;         /* level is tracked in blocks of this length (default 0.1 s) */
    double max_spread_db;   /* largest accepted max-min of the block levels (default 0.5) */
    double min_snr_db;      /* the tone's band must stand this far above everything else in
                               the recording (default 20) */
    double min_level_dbfs;  /* quietest accepted tone level (default -90) */
    double min_duration_s;  /* shortest accepted recording (default 1.0) */
} hp_spl_cfg;

hp_spl_cfg hp_spl_cfg_default(void);

typedef enum {
    HP_SPL_OK = 0,
    HP_SPL_TOO_SHORT,    /* shorter than min_duration_s */
    HP_SPL_NO_TONE,      /* no tone stands min_snr_db above the rest: too quiet, or noise */
    HP_SPL_WRONG_FREQ,   /* the tone is not at tone_hz (e.g. a 250 Hz calibrator) */
    HP_SPL_TOO_QUIET,    /* the right tone, but below min_level_dbfs */
    HP_SPL_UNSTABLE,     /* the block levels vary by more than max_spread_db */
} hp_spl_verdict;

typedef struct {
    hp_spl_verdict verdict;
    double duration_s;
    double peak_hz;         /* frequency of the strongest spectral peak (interpolated) */
    double snr_db;          /* that peak's third-octave band over everything else */
    double level_dbfs;      /* band-limited level in the third-octave band around tone_hz,
                               power average of the blocks */
    double spread_db;       /* max - min of the block levels */
    double min_block_dbfs, max_block_dbfs;
    double min_at_s, max_at_s;  /* start time of the quietest and loudest block */
} hp_spl_result;

/* Measures a calibrator recording: x[0], x[stride], ... (n frames of one channel of
 * interleaved audio, full scale [-1, 1)) at rate_hz. Fills *out completely whatever the
 * verdict; fields that could not be measured (e.g. levels of a too-short recording) are NaN.
 * The band level is the energy of a Hann-windowed DFT of each block within
 * [tone_hz * 2^(-1/6), tone_hz * 2^(1/6)] (the IEC 61260 third-octave band), scaled by the
 * window's power so a sine of amplitude A reads 20 log10(A) dBFS.
 * Errors: HP_EINVAL (NULL pointers, n = 0, stride = 0, rate not finite and positive, a cfg
 * out of range or tone_hz not below 0.45 rate_hz, non-finite samples), HP_ENOMEM.
 * Plans FFTs, so not thread-safe (FFTW planning). */
hp_err hp_spl_measure(const double *x, size_t n, size_t stride, double rate_hz,
                      const hp_spl_cfg *cfg, hp_spl_result *out) HP_WUR;

/* dBFS-to-dB-SPL offset: ref_db_spl - level_dbfs. NaN for non-finite input. */
double hp_spl_offset_db(double ref_db_spl, double level_dbfs);

/* Sensitivity in dB SPL/V: spl_db - 20 log10(vrms). NaN unless vrms > 0 and both finite. */
double hp_sens_db_spl_per_v(double spl_db, double vrms);

/* Sensitivity in dB SPL/mW: spl_db - 10 log10(P / 1 mW) with P = vrms^2 / impedance_ohm.
 * NaN unless vrms > 0, impedance_ohm > 0 and all finite. */
double hp_sens_db_spl_per_mw(double spl_db, double vrms, double impedance_ohm);

#endif
