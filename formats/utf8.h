/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 checking and encoding for the text formats. */
#ifndef HP_UTF8_H
#define HP_UTF8_H
#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed UTF-8 sequence at s, which has avail readable bytes, or 0
 * when it is not one: overlong forms, UTF-16 surrogates (U+D800..DFFF), code points above
 * U+10FFFF, stray continuation bytes and truncated sequences are all rejected (RFC 3629).
 * avail == 0 gives 0. Pure function, thread-safe. */
size_t hp_utf8_seq_len(const unsigned char *s, size_t avail);

/* Writes code point cp as 1..4 bytes of UTF-8 into out and returns the count, or 0 for a
 * surrogate or a value above U+10FFFF (nothing written). */
size_t hp_utf8_encode(uint32_t cp, unsigned char out[4]);

#endif
