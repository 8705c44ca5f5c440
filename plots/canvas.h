/* SPDX-License-Identifier: MIT */
/* gnuplot's canvas terminal writes HTML that loads its JavaScript, stylesheet and icons from
 * gnuplot's installation (/usr/share/gnuplot/.../js). This makes such a page self-contained:
 * scripts and the stylesheet inlined, icons as data: URIs, so it opens anywhere without
 * network or file fetches, mouse tracking, zoom and the per-curve toggle buttons included. */
#ifndef HP_CANVAS_H
#define HP_CANVAS_H
#include <stddef.h>
#include "hp_err.h"
#include "sbuf.h"

/* Appends the self-contained version of the len bytes of canvas HTML at html to out, with
 * title (sanitised and HTML-escaped) as the page title. Referenced files must be absolute
 * paths with plain names ending in .js, .css or .png, as gnuplot writes them; they are read
 * from disk. Inside script blocks "</script" and "<!--" are neutralised ("<\/script",
 * "<\!--", the same text in a JavaScript string), so no plot text can end a script early.
 * Errors: HP_EIO (a referenced file cannot be read: why names it), HP_EFORMAT (a reference
 * this function does not know how to inline is left, or a stray one: why quotes it),
 * HP_EINVAL, HP_ENOMEM. why (optional) gets a one-line reason. */
hp_err hp_canvas_inline(const char *html, size_t len, const char *title, hp_sbuf *out, char *why,
                        size_t why_len) HP_WUR;

#endif
