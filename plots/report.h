/* SPDX-License-Identifier: MIT */
/* The measurement report (`hpfr report SESSION -o report.html`): what a session and the
 * outputs of `hpfr average`, `hpfr leak` and `hpfr eq` beside it say, gathered (hp_rep_load),
 * drawn (hp_rep_plot: the plot kinds rendered to SVG) and written as one self-contained,
 * responsive HTML page (hp_rep_html). The session is required and read strictly; the other
 * outputs are optional: a missing one is stated in the page, and one that cannot be read is
 * stated with the reason (file and line) and left out, never an error. */
#ifndef HP_REPORT_H
#define HP_REPORT_H
#include <stddef.h>
#include "apo.h"
#include "hp_err.h"
#include "sbuf.h"
#include "session.h"

#define HP_REP_EARS 2

/* A figure: the SVG document (w x h user units), or the reason there is none. */
typedef struct {
    char *svg;
    size_t svg_len;
    unsigned w, h;
    char *note;
} hp_rep_fig;

/* One placement whose status is "done". Per-ear values are NAN (or -1) when unknown. */
typedef struct {
    int index;
    char *dir;                         /* SESSION/<dir from session.json> */
    char captured[32];
    long latency_frames;               /* session.json; -1 unknown */
    double drift_ppm;                  /* NAN unless two devices */
    unsigned xruns;
    long path_latency[HP_REP_EARS];    /* summary.json, per path */
    double latency_ms[HP_REP_EARS], pnr_db[HP_REP_EARS], snr_db[HP_REP_EARS];
    double thd100[HP_REP_EARS], thd1k[HP_REP_EARS]; /* THD in percent at 100 Hz and 1 kHz */
    hp_rep_fig fr, thd, ir;
} hp_rep_place;

/* `hpfr average`: SESSION/average/summary.json and average-<ch>.csv. */
#define HP_REP_BANDS 4
typedef struct {
    char ch[16];
    size_t nband;
    char band[HP_REP_BANDS][32];
    double consistency[HP_REP_BANDS];
    double bass_std, bass_range;
    size_t n;                          /* average-<ch>.csv; 0 when missing */
    double *f, *power, *mean, *std, *min, *max;
} hp_rep_avg_ch;

typedef struct {
    char *dir;                         /* NULL: not found */
    char *problem;                     /* why it was only partly read, or NULL */
    double spread_db;
    char spread_ch[16];
    double balance_db, balance_abs_db;
    size_t nch;
    hp_rep_avg_ch ch[HP_REP_EARS];
    char **outlier;                    /* "placement 3 (R): reason" */
    size_t noutlier;
    hp_rep_fig fig;
} hp_rep_avg;

/* `hpfr leak`: leak.csv and summary.json. */
typedef struct {
    char placement[32], ear[16], model[32];
    double corner, f0, q, loss[3], resid;
} hp_rep_leakrow;

typedef struct {
    char *dir;
    char *problem;
    hp_rep_leakrow *row;
    size_t n;
    char verdict[64];                  /* "" when the summary does not say */
    double spread_db, threshold_db;
    char **evidence;
    size_t nev;
    char ref[HP_REP_EARS][2][32];      /* per channel: its name and reference placement */
    size_t nref;
    hp_rep_fig fig;
} hp_rep_leak;

/* `hpfr eq`: ParametricEQ.txt, summary.json, eq*.csv and the exported profiles. */
typedef struct {
    char ch[16];
    double rms_before, rms_after, max_boost, pref_before, pref_after;
} hp_rep_eqch;

/* `hpfr verify` of the EQ: EQDIR/verify/summary.json, per channel (L, R, and L+R for one
 * filter set fitted to the mean of both ears). */
typedef struct {
    char ch[8];
    double residual_db;      /* RMS, measured - target, 20 Hz-10 kHz */
    double off_pred_db;      /* RMS, measured - predicted, 20 Hz-16 kHz */
} hp_rep_verch;

typedef struct {
    char *dir;
    char *problem;
    char verdict[40];        /* "" when hpfr verify was not run */
    double placements;
    size_t nver;
    hp_rep_verch ver[3];
    int have_apo;
    hp_apo apo;
    char target[200];
    size_t nch;
    hp_rep_eqch ch[HP_REP_EARS];
    char **file;                       /* every file in the directory, by name */
    size_t nfile;
    hp_rep_fig fig, fig_fr;
} hp_rep_eq;

typedef struct {
    char *session;                     /* the directory as given */
    hp_session s;                      /* session.json */
    size_t nears;
    char ear[HP_REP_EARS][4];          /* "L", "R" */
    hp_rep_place *pl;
    size_t np;
    double imbalance_db, imbalance_abs_db; /* mean L-R (and |L-R|) of the placements' mean */
    char imbalance_note[200];          /* why there is none */
    hp_rep_avg avg;
    hp_rep_leak leak;
    hp_rep_eq eq;
    hp_rep_fig fig_placements, fig_balance;
    char **warn;                       /* for the command to print; also in the page */
    size_t nwarn;
} hp_report;

typedef struct {
    const char *average_dir;  /* NULL: SESSION/average when it exists */
    const char *leak_dir;     /* NULL: SESSION/leak when it exists */
    const char *eq_dir;       /* NULL: SESSION/eq when it exists */
} hp_rep_opts;

/* Reads the session (session.json, every done placement's summary.json, fr-<ear>.csv and
 * thd-<ear>.csv) and the optional directories. Errors, with a one-line reason in why naming
 * the file (and line): HP_EIO (missing or unreadable session file, or a directory given in
 * o that does not exist), HP_EPARSE/HP_EFORMAT (damaged session data), HP_ENODATA (no
 * placement done), HP_ENOMEM. On error *r is released. */
hp_err hp_rep_load(const char *session, const hp_rep_opts *o, hp_report *r, char *why,
                   size_t wl) HP_WUR;

/* Renders every figure as SVG through gnuplot (render.h), in a temporary directory that is
 * removed again. A figure that cannot be drawn gets a note (and a warning) instead; only
 * HP_ENOMEM and a temporary directory that cannot be made are errors. */
hp_err hp_rep_plot(hp_report *r, char *why, size_t wl) HP_WUR;

/* Appends the page. out_path is where it will be written (its directory must exist): links
 * to the session's files are made relative to it. `now` (the generation time) and
 * `generator` (e.g. "hpfr 0.1.0") are shown in the footer. HP_ENOMEM, HP_EINVAL. */
hp_err hp_rep_html(const hp_report *r, const char *out_path, const char *now,
                   const char *generator, hp_sbuf *html) HP_WUR;

void hp_rep_release(hp_report *r);

#endif
