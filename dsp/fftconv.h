/* SPDX-License-Identifier: MIT */
/* Linear convolution of a signal with a FIR through one FFT of a fast size: how `hpfr verify`
 * plays a correction FIR on the measurement sweep. */
#ifndef HP_FFTCONV_H
#define HP_FFTCONV_H
#include <stddef.h>
#include "hp_err.h"

/* y[k] = sum_j h[j] x[k - j] for k < ny: the first ny samples of the full linear convolution
 * of x[0..nx) and h[0..nh) (ny <= nx + nh - 1; samples past the end of x count as zeros).
 * Exact to rounding (no block edges: the transform holds the whole convolution). y must not
 * overlap x or h. Plans an FFT (dsp/fft.h): not while other threads plan. Errors: HP_EINVAL
 * (NULL pointers, nx or nh 0, ny 0 or too large), HP_ENOMEM. */
hp_err hp_fftconv(const double *x, size_t nx, const double *h, size_t nh, double *y, size_t ny)
    HP_WUR;

#endif
