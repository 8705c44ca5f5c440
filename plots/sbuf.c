/* SPDX-License-Identifier: MIT */
/* Growable text buffer with sticky allocation errors, and gnuplot string quoting. */
#include "sbuf.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "num.h"
#include "utf8.h"

static int reserve(hp_sbuf *b, size_t extra)
{
    if (b->err != HP_OK)
        return 0;
    if (extra >= SIZE_MAX / 2 - b->len) {
        b->err = HP_ENOMEM;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->err = HP_ENOMEM;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

void hp_sbuf_put(hp_sbuf *b, const char *s, size_t n)
{
    if (!b || !s || !reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void hp_sbuf_puts(hp_sbuf *b, const char *s)
{
    if (s)
        hp_sbuf_put(b, s, strlen(s));
}

void hp_sbuf_printf(hp_sbuf *b, const char *fmt, ...)
{
    if (!b || !fmt || b->err != HP_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void hp_sbuf_num(hp_sbuf *b, double v)
{
    char t[HP_NUM_SHORTEST_MAX];
    if (hp_num_shortest(t, sizeof t, v) == HP_OK)
        hp_sbuf_puts(b, t);
}

void hp_sbuf_gpstr(hp_sbuf *b, const char *s)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    hp_sbuf_put(b, "'", 1);
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = hp_utf8_seq_len((const unsigned char *)s + i, n - i);
        /* U+FFFE and U+FFFF are well-formed UTF-8 but not allowed in XML (SVG). */
        int nonchar = len == 3 && c == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
                      ((unsigned char)s[i + 2] & 0xFE) == 0xBE;
        if (len == 0 || nonchar) {
            hp_sbuf_put(b, replacement, 3);
            i += len ? len : 1;
        } else if (c < 0x20 || c == 0x7F) {
            hp_sbuf_put(b, " ", 1);
            i++;
        } else if (c == '\'') {
            hp_sbuf_put(b, "''", 2);
            i++;
        } else {
            hp_sbuf_put(b, s + i, len);
            i += len;
        }
    }
    hp_sbuf_put(b, "'", 1);
}

hp_err hp_sbuf_err(const hp_sbuf *b)
{
    return b ? b->err : HP_EINVAL;
}

void hp_sbuf_release(hp_sbuf *b)
{
    if (!b)
        return;
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->err = HP_OK;
}
