/* SPDX-License-Identifier: MIT */
/* What every libFuzzer harness shares (tests/fuzz/README.md). A harness feeds the fuzzer's
 * bytes to one reader, exactly as they are (not NUL-terminated, so AddressSanitizer sees any
 * read past the end), and then checks what the reader's header promises about its result: a
 * broken promise aborts, which libFuzzer records as a crash like any memory error. */
#ifndef HP_FUZZ_H
#define HP_FUZZ_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"
#include "hp_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                        \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                      \
            abort();                                                             \
        }                                                                        \
    } while (0)

/* A reason is a terminated string that fits its buffer; set exactly when asked for. */
static inline void fuzz_check_diag(const hp_diag *d, hp_err e)
{
    FUZZ_ASSERT(memchr(d->reason, '\0', sizeof d->reason) != NULL);
    if (e == HP_OK)
        FUZZ_ASSERT(d->reason[0] == '\0');
}

/* A message for the user: terminated inside its buffer, one line. */
static inline void fuzz_check_why(const char *why, size_t size)
{
    const char *end = memchr(why, '\0', size);
    FUZZ_ASSERT(end != NULL);
    FUZZ_ASSERT(memchr(why, '\n', (size_t)(end - why)) == NULL);
}

/* n frequencies: finite, positive, strictly ascending. */
static inline void fuzz_check_freqs(const double *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(isfinite(f[i]) && f[i] > 0);
        FUZZ_ASSERT(i == 0 || f[i] > f[i - 1]);
    }
}

static inline void fuzz_check_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT(isfinite(v[i]));
}

#endif
