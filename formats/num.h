/* SPDX-License-Identifier: MIT */
/* Locale-independent number text: shortest round-trip and fixed formatting, strict parsing. */
#ifndef HP_NUM_H
#define HP_NUM_H
#include <stddef.h>
#include "hp_err.h"

/* Enough for any hp_num_shortest() result ("-2.2250738585072014e-308" and the like). */
#define HP_NUM_SHORTEST_MAX 32

/* Writes v with the fewest significant digits (15, 16 or 17, %g style) that read back to the
 * same double, always with '.' as the decimal point, whatever LC_NUMERIC says. NaN and
 * infinities come out as "nan", "inf", "-inf" (callers writing JSON handle those first).
 * buf must hold size >= HP_NUM_SHORTEST_MAX bytes. Returns HP_EINVAL for a NULL or small
 * buffer. Thread-safe as long as nobody changes the locale concurrently. */
hp_err hp_num_shortest(char *buf, size_t size, double v) HP_WUR;

/* Writes v in fixed notation with `decimals` digits after the point (0..17), '.' as the
 * decimal point, "nan" for NaN, "inf"/"-inf" for infinities, and no "-0.00" (a value that
 * rounds to zero is written without a sign). Returns HP_EINVAL for bad arguments and
 * HP_ERANGE if the text does not fit in size bytes (huge values need ~330). */
hp_err hp_num_fixed(char *buf, size_t size, double v, int decimals) HP_WUR;

/* Parses exactly the len bytes at s as a decimal number (digits, sign, '.', exponent) with '.'
 * as the decimal point regardless of locale. No whitespace, hex, "inf" or "nan" accepted.
 * Returns HP_EPARSE if the bytes are not entirely one number, HP_ERANGE if the magnitude
 * overflows a double (underflow to zero or a subnormal is accepted), HP_ENOMEM, HP_EINVAL
 * for NULL pointers. *out is written only on HP_OK. */
hp_err hp_num_parse(const char *s, size_t len, double *out) HP_WUR;

#endif
