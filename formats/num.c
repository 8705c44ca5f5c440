/* SPDX-License-Identifier: MIT */
/* Number text that does not depend on LC_NUMERIC: printf and strtod follow the locale's
 * decimal point, so we swap it for '.' after printing and '.' for it before parsing, the
 * way cJSON does. That keeps files readable when a front end calls setlocale(LC_ALL, ""). */
#include "num.h"
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *locale_point(void)
{
    const struct lconv *lc = localeconv();
    return (lc && lc->decimal_point && lc->decimal_point[0]) ? lc->decimal_point : ".";
}

/* Replaces the first occurrence of the locale decimal point in buf by '.', in place. */
static void to_c_point(char *buf)
{
    const char *dp = locale_point();
    if (strcmp(dp, ".") == 0)
        return;
    char *p = strstr(buf, dp);
    if (!p)
        return;
    size_t dl = strlen(dp);
    *p = '.';
    memmove(p + 1, p + dl, strlen(p + dl) + 1);
}

hp_err hp_num_shortest(char *buf, size_t size, double v)
{
    if (!buf || size < HP_NUM_SHORTEST_MAX)
        return HP_EINVAL;
    if (isnan(v) || isinf(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf"));
        return HP_OK;
    }
    /* 17 significant digits always round-trip (IEEE 754 binary64); try fewer first so that
     * 0.1 stays "0.1". Comparing in the current locale is consistent: both sides use it. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    to_c_point(buf);
    return HP_OK;
}

/* True if the fixed-notation text holds only zero digits (after an optional '-'). */
static int all_zero_digits(const char *s)
{
    for (; *s; s++)
        if (*s >= '1' && *s <= '9')
            return 0;
    return 1;
}

/* printf's "%.*f" for the common case, without its cost (CSV files hold tens of thousands of
 * numbers): v * 10^decimals, rounded, printed as an integer with the point inserted. printf
 * rounds the exact decimal value of v; the product is within half an ulp of it, so unless it
 * lies that close to a rounding boundary (a half), rounding the product gives the same digits.
 * Returns the length written, or 0 to leave the case to printf. */
static size_t fixed_fast(char *buf, size_t size, double v, int decimals)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (decimals > 9 || !(fabs(v) < 1e6))
        return 0;
    double x = fabs(v) * p10[decimals]; /* < 1e15 < 2^53: every integer below it is exact */
    double r = floor(x), frac = x - r;  /* exact */
    double margin = x * 0x1p-51 + 0x1p-60;
    if (fabs(frac - 0.5) <= margin)
        return 0;
    unsigned long long q = (unsigned long long)r + (frac > 0.5);
    int negative = signbit(v) && q != 0; /* a value that rounds to zero has no sign */
    char digits[32];
    size_t nd = 0;
    do {
        digits[nd++] = (char)('0' + q % 10);
        q /= 10;
    } while (q > 0);
    while (nd < (size_t)decimals + 1)
        digits[nd++] = '0'; /* leading zeros: "0.05" */
    size_t len = (size_t)negative + nd + (decimals > 0);
    if (len >= size)
        return 0;
    size_t o = 0;
    if (negative)
        buf[o++] = '-';
    for (size_t i = nd; i-- > 0;) {
        buf[o++] = digits[i];
        if (i == (size_t)decimals && decimals > 0)
            buf[o++] = '.';
    }
    buf[o] = '\0';
    return o;
}

hp_err hp_num_fixed(char *buf, size_t size, double v, int decimals)
{
    if (!buf || size == 0 || decimals < 0 || decimals > 17)
        return HP_EINVAL;
    if (fixed_fast(buf, size, v, decimals))
        return HP_OK;
    if (isnan(v) || isinf(v)) {
        int n = snprintf(buf, size, "%s", isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf"));
        return (n < 0 || (size_t)n >= size) ? HP_ERANGE : HP_OK;
    }
    int n = snprintf(buf, size, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= size)
        return HP_ERANGE;
    to_c_point(buf);
    if (buf[0] == '-' && all_zero_digits(buf + 1))
        memmove(buf, buf + 1, strlen(buf)); /* -0.0001 at 2 decimals is "0.00", not "-0.00" */
    return HP_OK;
}

/* Only the characters of a decimal float; strtod alone would also take hex, inf and nan. */
static int decimal_chars_only(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", s[i]) || s[i] == '\0')
            return 0;
    return 1;
}

hp_err hp_num_parse(const char *s, size_t len, double *out)
{
    if (!s || !out)
        return HP_EINVAL;
    if (!decimal_chars_only(s, len))
        return HP_EPARSE;
    const char *dp = locale_point();
    size_t dl = strlen(dp);
    if (len > ((size_t)-1 - 1) / dl)
        return HP_ENOMEM;
    char small[128], *tmp = small;
    size_t need = len * dl + 1;
    if (need > sizeof small && !(tmp = malloc(need)))
        return HP_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            memcpy(tmp + k, dp, dl);
            k += dl;
        } else {
            tmp[k++] = s[i];
        }
    }
    tmp[k] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    hp_err err = HP_OK;
    if (end != tmp + k)
        err = HP_EPARSE;
    else if (errno == ERANGE && isinf(v))
        err = HP_ERANGE;
    if (tmp != small)
        free(tmp);
    if (err == HP_OK)
        *out = v;
    return err;
}
