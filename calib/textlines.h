/* SPDX-License-Identifier: MIT */
/* Line and word scanning shared by hpfr's own small text formats (interface calibration,
 * SPL offsets, rig profile): LF or CRLF lines, '#' comments, blank-separated words. */
#ifndef HP_TEXTLINES_H
#define HP_TEXTLINES_H
#include <math.h>
#include <stddef.h>
#include <string.h>
#include "num.h"

typedef struct {
    const char *buf;
    size_t len, pos;
    long lineno;
} hp_lines;

typedef struct {
    const char *s;
    size_t len;
} hp_word;

static inline void hp_lines_init(hp_lines *it, const char *buf, size_t len)
{
    it->buf = buf;
    it->len = len;
    it->pos = (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) ? 3 : 0;
    it->lineno = 0;
}

/* Next line that is not blank or a '#' comment, without its end and surrounding blanks.
 * Returns 0 at the end. */
static inline int hp_lines_next(hp_lines *it, hp_word *line)
{
    while (it->pos < it->len) {
        size_t st = it->pos, en;
        while (it->pos < it->len && it->buf[it->pos] != '\n' && it->buf[it->pos] != '\r')
            it->pos++;
        en = it->pos;
        if (it->pos < it->len)
            it->pos += (it->buf[it->pos] == '\r' && it->pos + 1 < it->len &&
                        it->buf[it->pos + 1] == '\n') ? 2 : 1;
        it->lineno++;
        while (st < en && (it->buf[st] == ' ' || it->buf[st] == '\t'))
            st++;
        while (en > st && (it->buf[en - 1] == ' ' || it->buf[en - 1] == '\t'))
            en--;
        if (en > st && it->buf[st] != '#') {
            line->s = it->buf + st;
            line->len = en - st;
            return 1;
        }
    }
    return 0;
}

/* Splits off the first blank-separated word of *rest (which then holds the remainder,
 * leading blanks removed). Returns 0 when there is none. */
static inline int hp_word_next(hp_word *rest, hp_word *w)
{
    size_t i = 0;
    while (i < rest->len && (rest->s[i] == ' ' || rest->s[i] == '\t'))
        i++;
    size_t st = i;
    while (i < rest->len && rest->s[i] != ' ' && rest->s[i] != '\t')
        i++;
    w->s = rest->s + st;
    w->len = i - st;
    while (i < rest->len && (rest->s[i] == ' ' || rest->s[i] == '\t'))
        i++;
    rest->s += i;
    rest->len -= i;
    return w->len > 0;
}

static inline int hp_word_is(hp_word w, const char *lit)
{
    return w.len == strlen(lit) && !memcmp(w.s, lit, w.len);
}

/* A finite decimal number ('.' point). */
static inline int hp_word_num(hp_word w, double *v)
{
    return w.len > 0 && hp_num_parse(w.s, w.len, v) == HP_OK && isfinite(*v);
}

/* A whole number in [lo, hi]. */
static inline int hp_word_uint(hp_word w, unsigned lo, unsigned hi, unsigned *v)
{
    double d;
    if (!hp_word_num(w, &d) || d != floor(d) || d < lo || d > hi)
        return 0;
    *v = (unsigned)d;
    return 1;
}

#endif
