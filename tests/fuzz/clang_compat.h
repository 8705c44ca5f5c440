/* SPDX-License-Identifier: MIT */
/* Forced into every file of the fuzz build (-include): glibc's <complex.h> defines CMPLX only
 * for GCC, and the code uses it (STYLE.md: CMPLX, not I). Clang has the same builtin. */
#include <complex.h>
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
