/* SPDX-License-Identifier: MIT */
/* Helpers shared by the report's files (report_*.c); not a public interface. */
#ifndef HP_REPUTIL_H
#define HP_REPUTIL_H
#include <stddef.h>
#include "hp_err.h"
#include "json.h"
#include "report.h"

/* printf into why (when not NULL). */
void rp_say(char *why, size_t wl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends a malloc'ed copy of s to the list (*v, *n). HP_ENOMEM. */
hp_err rp_push(char ***v, size_t *n, const char *s) HP_WUR;
void rp_free_list(char **v, size_t n);

/* A warning for the command to print (and the page to show); duplicates are dropped. */
hp_err rp_warn(hp_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3))) HP_WUR;

/* Records the first problem with an optional output (*problem, malloc'ed) and warns. */
hp_err rp_problem(hp_report *r, char **problem, const char *what, const char *reason) HP_WUR;

/* A JSON number member, NAN when missing or not a number. */
double rp_num(const hp_jval *obj, const char *key);

/* A JSON string member copied into buf ("" when missing). */
void rp_str(const hp_jval *obj, const char *key, char *buf, size_t size);

/* y at x by linear interpolation against log frequency (f ascending, n points); NAN outside
 * f[0] .. f[n-1] or where a neighbour is not finite. */
double rp_interp_logf(const double *f, const double *y, size_t n, double x);

void rp_fig_release(hp_rep_fig *f);

/* ---- report_page.c: pieces of the page ---- */

/* Escaped text. */
void rp_t(hp_sbuf *b, const char *s);
/* v with dec decimals ('.' whatever the locale), or "n/a" when not finite; sign: a '+' on
 * positive values. */
const char *rp_fx(char *buf, size_t size, double v, int dec, int sign);
/* <a href="RELATIVE">text</a> to path (relative to the page's directory out_dir); the text
 * alone when path cannot be resolved. */
void rp_link(hp_sbuf *b, const char *out_dir, const char *path, const char *text);
/* The figure inline as an <img> of an SVG data URI with its caption, or its note. */
void rp_figure(hp_sbuf *b, const hp_rep_fig *f, const char *id, const char *caption);
/* <p class="missing">text</p> with text escaped. */
void rp_missing(hp_sbuf *b, const char *text);
/* The <head> with the stylesheet, up to and including <body>. */
void rp_head(hp_sbuf *b, const char *title);

/* report_extra.c: the optional outputs beside the session (average, leak, eq). */
hp_err rp_load_extras(hp_report *r, const hp_rep_opts *o, char *why, size_t wl) HP_WUR;

#endif
