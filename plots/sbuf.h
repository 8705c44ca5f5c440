/* SPDX-License-Identifier: MIT */
/* A growable text buffer for the gnuplot scripts and data files hpfr writes. */
#ifndef HP_SBUF_H
#define HP_SBUF_H
#include <stddef.h>
#include "hp_err.h"

/* A zeroed struct ({0}) is an empty buffer. Errors are sticky: after the first failed
 * allocation every call does nothing and hp_sbuf_err() reports HP_ENOMEM, so writers can
 * check once at the end. p is always NUL-terminated once anything was appended. */
typedef struct {
    char *p;
    size_t len, cap;
    hp_err err;
} hp_sbuf;

/* Appends n bytes / a C string / printf-style text (locale-independent only for %s and %d:
 * write numbers with hp_sbuf_num). */
void hp_sbuf_put(hp_sbuf *b, const char *s, size_t n);
void hp_sbuf_puts(hp_sbuf *b, const char *s);
void hp_sbuf_printf(hp_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends v in the shortest form that reads back to the same double, '.' as the decimal
 * point whatever the locale ("nan", "inf" for non-finite values: callers write gaps first). */
void hp_sbuf_num(hp_sbuf *b, double v);

/* Appends s as one gnuplot single-quoted string: ' doubles to '', control characters
 * (newline, tab, ...) become spaces and invalid UTF-8 bytes U+FFFD, so that no user text
 * can end the string, start a command or produce invalid XML in an SVG. Inside single quotes
 * gnuplot expands neither backslash escapes nor @macros; hpfr sets every terminal to
 * noenhanced, so ^ _ @ & { } ~ are plain characters too. NULL writes ''. */
void hp_sbuf_gpstr(hp_sbuf *b, const char *s);

/* The first error (HP_OK or HP_ENOMEM). */
hp_err hp_sbuf_err(const hp_sbuf *b);

/* Frees the text and leaves an empty buffer. */
void hp_sbuf_release(hp_sbuf *b);

#endif
