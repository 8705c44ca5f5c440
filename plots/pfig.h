/* SPDX-License-Identifier: MIT */
/* A figure as hpfr plots it: one or more panels of curves and bands, with the house style
 * (log frequency axis 20 Hz-20 kHz, dB axes in round steps, a colour-blind-safe palette) and
 * the automatic ranges. Kinds build a figure; gpwrite.h turns it into gnuplot data and script.
 * The figure owns copies of every string and array given to it. Not thread-safe per figure. */
#ifndef HP_PFIG_H
#define HP_PFIG_H
#include <stddef.h>
#include "hp_err.h"

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
 * colour blindness. HP_PC_GREY is for bands and guides. */
typedef enum {
    HP_PC_BLUE,        /* #0072B2 */
    HP_PC_VERMILLION,  /* #D55E00 */
    HP_PC_GREEN,       /* #009E73 (bluish green) */
    HP_PC_ORANGE,      /* #E69F00 */
    HP_PC_PURPLE,      /* #CC79A7 (reddish purple) */
    HP_PC_SKY,         /* #56B4E9 */
    HP_PC_YELLOW,      /* #F0E442: weak on white, last in the cycle */
    HP_PC_BLACK,       /* #000000 */
    HP_PC_GREY,        /* #999999 */
    HP_PC_COUNT
} hp_pcolor;

/* Colours for the n-th of several curves: the first seven of the palette, in order. */
#define HP_PC_CYCLE 7
hp_pcolor hp_pcolor_cycle(size_t n);

/* Dash type for the n-th of several curves: solid for the first HP_PC_CYCLE, then dashed,
 * dotted and dash-dotted, so that curves sharing a colour still differ. */
int hp_pdash_cycle(size_t n);

/* "#RRGGBB" of a colour ("#000000" for an out-of-range value). */
const char *hp_pcolor_rgb(hp_pcolor c);

typedef struct {
    hp_pcolor color;
    double width;    /* line width, gnuplot units (1 thin, 2.5 bold) */
    int dash;        /* gnuplot dash type: 1 solid, 2 dashed, 3 dotted, 4 dash-dot */
    double opacity;  /* 0 (invisible) .. 1; for bands the fill opacity */
} hp_pstyle;

typedef enum { HP_PS_LINE, HP_PS_BAND } hp_pskind;

typedef struct {
    hp_pskind kind;
    char *title;        /* legend entry; NULL for none */
    size_t n;
    double *x, *y, *y2; /* y2: the upper edge of a band (NULL for lines) */
    hp_pstyle style;
} hp_pseries;

/* A vertical guide line at x with a short label (e.g. the IR window edges). */
typedef struct {
    double x;
    char *label;
} hp_pmark;

typedef enum {
    HP_PX_FREQ,   /* log, 20 Hz .. 20 kHz (flo .. fhi when set), ticks 20 50 100 200 500 1k
                     2k 5k 10k 20k (and 10) */
    HP_PX_LINEAR, /* xmin .. xmax */
} hp_pxkind;

typedef enum {
    HP_PY_DB,     /* linear in dB, round steps (5 dB for responses; see hp_pfig_autorange) */
    HP_PY_LINEAR, /* gnuplot's autoscale */
    HP_PY_LOG,    /* log, whole decades */
} hp_pykind;

typedef struct {
    char *title, *xlabel, *ylabel;
    hp_pxkind xkind;
    double xmin, xmax;        /* HP_PX_LINEAR only */
    double flo, fhi;          /* HP_PX_FREQ: 0 for 20 Hz .. 20 kHz; leak curves stop at 1 kHz */
    hp_pykind ykind;
    double ymin, ymax, ystep; /* from hp_pfig_autorange, or fixed (LINEAR: ymin >= ymax
                                 leaves the range to gnuplot) */
    int yfixed;               /* ymin/ymax (and ystep) are final */
    int user_ylim;            /* --ylim applies to this panel (the main dB axes) */
    double min_span;          /* HP_PY_DB: smallest automatic span, dB (default 10) */
    hp_pseries *s;
    size_t ns, cap;
    hp_pmark *mark;
    size_t nmark;
} hp_ppanel;

typedef struct {
    char *title;
    unsigned rows, cols;
    hp_ppanel *panel;   /* rows * cols, row-major */
} hp_pfig;

/* A figure of rows x cols panels (1..4 each), every panel a frequency response in dB until
 * set up otherwise. NULL with *err (optional) HP_EINVAL or HP_ENOMEM. */
hp_pfig *hp_pfig_new(unsigned rows, unsigned cols, hp_err *err);
void hp_pfig_free(hp_pfig *f);

/* The title over the whole figure; NULL for none. */
hp_err hp_pfig_set_title(hp_pfig *f, const char *title) HP_WUR;

/* Panel i (row-major), or NULL. */
hp_ppanel *hp_pfig_panel(hp_pfig *f, unsigned i);

/* Panel title and axes. xlabel NULL gives "Frequency (Hz)" on a frequency axis. */
hp_err hp_ppanel_setup(hp_ppanel *p, const char *title, hp_pxkind xk, const char *xlabel,
                       hp_pykind yk, const char *ylabel) HP_WUR;

/* The frequency range of a panel: flo .. fhi, or 20 Hz .. 20 kHz when they are unset. */
void hp_ppanel_freq_range(const hp_ppanel *p, double *lo, double *hi);

/* Adds a curve of n points (copied). Non-finite y values (and, on a log axis, values <= 0)
 * are gaps in the line. HP_EINVAL for NULL arrays with n > 0, HP_ENOMEM. */
hp_err hp_ppanel_line(hp_ppanel *p, const char *title, const double *x, const double *y,
                      size_t n, hp_pstyle st) HP_WUR;

/* Adds a filled band between lo and hi (copied). */
hp_err hp_ppanel_band(hp_ppanel *p, const char *title, const double *x, const double *lo,
                      const double *hi, size_t n, hp_pstyle st) HP_WUR;

/* Adds a vertical guide at x. */
hp_err hp_ppanel_mark(hp_ppanel *p, double x, const char *label) HP_WUR;

/* Sets ymin, ymax, ystep of every panel without yfixed:
 *  - HP_PY_DB: from the finite values inside the x range (20 Hz-20 kHz on frequency axes):
 *    the 0.5th percentile (so one deep notch does not squash the plot) to the maximum,
 *    widened to min_span, rounded outwards to whole steps with at least a fifth of a step
 *    to spare. The step follows the span: 1 dB up to 6 dB, 2 dB up to 15, 5 dB up to 100
 *    (every response plot), 10 dB up to 200, 20 dB beyond; larger when that would make more
 *    ticks than the panel's height holds (20 for a full-height panel, 20/rows stacked).
 *  - HP_PY_LOG: the decades around the positive values.
 *  - HP_PY_LINEAR: the data's range with 6 % to spare. */
void hp_pfig_autorange(hp_pfig *f);

/* Fixes the dB range of every panel with user_ylim (the --ylim option); lo < hi. */
hp_err hp_pfig_fix_db(hp_pfig *f, double lo, double hi) HP_WUR;

/* The dB tick step hp_pfig_autorange uses for a span in dB, with at most max_ticks steps in
 * the span (0: no limit). */
double hp_pfig_db_step(double span_db, unsigned max_ticks);

#endif
