/* SPDX-License-Identifier: MIT */
/* hpfr calib: the options of every form, and the live sources (calib_live.c) that capture
 * from an ALSA device what the offline forms read from a recording. */
#ifndef HP_CLI_CALIB_H
#define HP_CLI_CALIB_H
#include <stdint.h>
#include "analyze.h"
#include "audio.h"

typedef struct {
    const char *rec, *out, *spl_cal, *sweep;
    const char *device, *save_dir;  /* live forms: -D PCM, loopback --save DIR */
    double ref_db, tone_hz, vrms, ohms, spl_db;
    double rate_hz, level_db, length_s; /* live forms; NAN = the form's default */
    unsigned channel;
    int ref_channel;
    uint64_t inputs;                /* loopback --inputs: bit k is input k+1; 0 = all */
} calib_opts;

/* Defaults of the live forms. */
#define CALIB_RATE_HZ 48000.0
#define CALIB_SWEEP_S 3.0       /* loopback: a cable needs no long sweep for its SNR */
#define CALIB_SWEEP_DBFS (-12.0)
#define CALIB_SPL_S 3.0         /* spl: calibrator capture */
#define CALIB_SPL_LEAD_S 0.25   /* spl: captured first and left out (converter start) */
#define CALIB_TONE_DBFS (-20.0)
#define CALIB_TONE_S 3.0        /* output: tone measured through the microphone */
#define CALIB_PLAY_S 30.0       /* output: tone played while the user reads a meter */
#define CALIB_TONE_LEAD_S 0.5   /* output: tone before the analysed part (latency, onset) */

/* loopback -D: plays a sweep (mono, on outputs 1 and 2) while capturing every input, keeps
 * both in job->sweep and job->rec exactly as a saved sweep.wav and recording would read back,
 * writes them to --save DIR if asked, and validates them as hpfr analyze does. 0 or exit code. */
int calib_live_loopback(const calib_opts *o, analyze_job *job);

/* spl -D: captures length_s seconds of every input (nothing played) into *a. */
int calib_live_capture(const calib_opts *o, hp_audio *a);

/* output -D with --vrms: plays the test tone on output --channel while capturing; *a holds
 * the capture after the lead-in (the steady tone only). */
int calib_live_tone_capture(const calib_opts *o, hp_audio *a);

/* output -D without --vrms: plays the test tone on output --channel for length_s seconds. */
int calib_live_tone_play(const calib_opts *o);

#endif
