/* SPDX-License-Identifier: MIT */
/* Minimal check macros: each CHECK counts a pass or prints file:line and counts a failure.
 * A test binary calls T_DONE() last, which prints "N passed, N failed" and returns non-zero
 * on any failure. */
#ifndef HP_T_H
#define HP_T_H
#include <math.h>
#include <stdio.h>

static int t_passed, t_failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            t_passed++;                                                          \
        } else {                                                                 \
            t_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

/* Check |a - b| <= tol and print both values when it is not. */
#define CHECK_NEAR(a, b, tol)                                                    \
    do {                                                                         \
        double t_a_ = (a), t_b_ = (b), t_tol_ = (tol);                           \
        if (fabs(t_a_ - t_b_) <= t_tol_) {                                       \
            t_passed++;                                                          \
        } else {                                                                 \
            t_failed++;                                                          \
            fprintf(stderr, "%s:%d: %s = %.9g, expected %s = %.9g within %g\n",  \
                    __FILE__, __LINE__, #a, t_a_, #b, t_b_, t_tol_);             \
        }                                                                        \
    } while (0)

#define T_DONE()                                                                 \
    do {                                                                         \
        printf("%d passed, %d failed\n", t_passed, t_failed);                    \
        return t_failed ? 1 : 0;                                                 \
    } while (0)

#endif
