/* SPDX-License-Identifier: MIT */
/* From a deconvolved sweep response to everything hpfr reports about one path (one playback
 * channel heard by one microphone): latency, peak-to-noise, the frequency response on a grid
 * (raw, smoothed, phase), harmonic responses H2..H5 and THD, and the windowed IRs. */
#ifndef HP_ANALYSIS_H
#define HP_ANALYSIS_H
#include <stddef.h>
#include "hp_err.h"
#include "smooth.h"

#define HP_MAX_HARMONIC 5

typedef struct {
    double rate_hz;
    double f1_hz, f2_hz;      /* swept band */
    double rate_const_s;      /* sweep rate L: harmonic n arrives L ln n before the linear IR */
    double left_s, right_s;   /* linear IR window around the onset (default 0.005 s, 0.5 s) */
    double right_taper;       /* fraction of the right window that fades out (default 0.25) */
    double onset_db;          /* onset threshold re peak (default -20 dB, ISO 3382-1) */
    unsigned max_harmonic;    /* 1 (none) .. 5 (default 5) */
    double harmonic_s;        /* longest harmonic window, centred on each harmonic (default
                                 0.0427 s = 2048 frames at 48 kHz); shorter when harmonics are
                                 closer than that */
    hp_smooth_cfg smooth;     /* for the smoothed column (default 1/12 octave, power) */
    const double *grid_hz;    /* output grid (ascending), not owned */
    size_t grid_n;
} hp_analysis_cfg;

/* Fills defaults for everything except the sweep fields and the grid. */
hp_analysis_cfg hp_analysis_cfg_default(void);

/* Per-path options: where the path's own IR may be and what else shares the buffer. */
typedef struct {
    long long onset;            /* >= 0: use this onset (e.g. the direct path's, for crosstalk);
                                   < 0: detect it */
    long long other_offset[2];  /* offsets of other sweeps' responses relative to this one's
                                   time zero (left-then-right layouts) */
    size_t n_other;
} hp_path_opts;

typedef struct {
    size_t n;                 /* grid points */
    double *raw_db, *smooth_db, *phase_deg;
    double *thd_pct, *thd_db;
    double *harm_db[HP_MAX_HARMONIC - 1];   /* H2..H5 re fundamental, NaN where not measurable */
    size_t latency_frames;    /* onset of the linear IR, in frames from the sweep file's start */
    size_t peak_index;
    double peak;              /* IR peak value */
    double noise_rms;         /* IR noise floor */
    double pnr_db;            /* peak-to-noise ratio of the IR */
    double *ir;               /* windowed linear IR, time zero at index ir_zero */
    size_t ir_len, ir_zero;
    double *hir[HP_MAX_HARMONIC - 1];       /* windowed harmonic IRs, time zero at hir_zero[i] */
    size_t hir_len[HP_MAX_HARMONIC - 1], hir_zero[HP_MAX_HARMONIC - 1];
} hp_response;

typedef struct hp_analyzer hp_analyzer;

/* Plans transforms and scratch for deconvolved buffers of n_frames. Not thread-safe (FFTW
 * planning); one analyzer may then be used by one thread at a time. */
hp_analyzer *hp_analyzer_new(const hp_analysis_cfg *cfg, size_t n_frames, hp_err *err) HP_WUR;
void hp_analyzer_free(hp_analyzer *a);

/* Analyses the circular deconvolved response h[n_frames] of one path into out (allocated here;
 * release with hp_response_release). HP_ENODATA when h holds no response. Allocates a work
 * buffer per call; hp_analyzer_run_inplace does not. */
hp_err hp_analyzer_run(hp_analyzer *a, const double *h, const hp_path_opts *opts,
                       hp_response *out) HP_WUR;

/* Length in doubles of the work buffer of hp_analyzer_run_inplace (more than n_frames: the
 * windows' spectra are computed in it too). */
size_t hp_analyzer_buf_len(const hp_analyzer *a);

/* hp_analyzer_buf_len of the analyzer hp_analyzer_new(cfg, n_frames) would make, without
 * making it (no planning); 0 for a configuration it would refuse. Thread-safe. */
size_t hp_analysis_buf_len(const hp_analysis_cfg *cfg, size_t n_frames);

/* The same analysis with h given in buf[0 .. n_frames) of a buffer of hp_analyzer_buf_len(a)
 * doubles from hp_fft_alloc_real (hp_deconv_run_inplace's buffer can be it, when long
 * enough); buf is overwritten. a is only read: several threads may run this on one analyzer
 * at once, each with its own buf. Same results and errors as hp_analyzer_run. */
hp_err hp_analyzer_run_inplace(const hp_analyzer *a, double *buf, const hp_path_opts *opts,
                               hp_response *out) HP_WUR;

/* hp_analyzer_run_inplace in stages, so that two threads can share one path: its linear
 * part (the windowed IR's spectrum, smoothed) and its distortion part (each harmonic's) are
 * independent once begun.
 *   hp_analyzer_begin      reads h in buf: onset, noise floor, the linear IR's segment
 *                          (out->ir); allocates out. On error out is released.
 *   hp_analyzer_harmonics  the harmonic IRs and levels, reading h in buf (the same buffer;
 *                          it works past h, in the buffer's tail).
 *   hp_analyzer_linear     magnitude, smoothed magnitude and phase from out->ir, in lin_buf:
 *                          any hp_fft_alloc_real buffer of hp_analyzer_buf_len(a) doubles,
 *                          buf itself once the harmonics are done, or another thread's
 *                          while they are computed (the two write different fields of out).
 *   hp_analyzer_finish     levels re the fundamental, THD.
 * After an error in harmonics or linear, release out (hp_response_release). Begin, then the
 * other three in this order, on one thread, is hp_analyzer_run_inplace. */
hp_err hp_analyzer_begin(const hp_analyzer *a, const double *buf, const hp_path_opts *opts,
                         hp_response *out) HP_WUR;
hp_err hp_analyzer_harmonics(const hp_analyzer *a, double *buf, hp_response *out) HP_WUR;
hp_err hp_analyzer_linear(const hp_analyzer *a, double *lin_buf, hp_response *out) HP_WUR;
void hp_analyzer_finish(hp_response *out);

void hp_response_release(hp_response *r);

#endif
