/* SPDX-License-Identifier: MIT */
/* Direct evaluation of an FIR's transfer function on the unit circle. A log grid of a few
 * hundred points is far from FFT bins at low frequencies (a 4096-tap FIR at 48 kHz has bins
 * 11.7 Hz apart), so evaluating each frequency exactly beats interpolating a transform. */
#include "dtft.h"
#include <complex.h>
#include <math.h>

hp_err hp_dtft_mag_db(const double *h, size_t n, double rate_hz, const double *f_hz, size_t nf,
                      double *db)
{
    if (!h || n == 0 || !isfinite(rate_hz) || rate_hz <= 0 || (nf > 0 && (!f_hz || !db)))
        return HP_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(h[k]))
            return HP_EINVAL;
    for (size_t i = 0; i < nf; i++)
        if (!isfinite(f_hz[i]) || f_hz[i] < 0)
            return HP_EINVAL;
    for (size_t i = 0; i < nf; i++) {
        double w = 2 * M_PI * f_hz[i] / rate_hz;
        double complex step = CMPLX(cos(w), -sin(w)), p = 1, sum = 0;
        for (size_t k = 0; k < n; k++) {
            sum += h[k] * p;
            p *= step;
            if ((k & 255) == 255) {
                /* re-anchor on the exact phase: no drift in angle or magnitude */
                double a = w * (double)(k + 1);
                p = CMPLX(cos(a), -sin(a));
            }
        }
        double m = cabs(sum);
        db[i] = m > 1e-15 ? 20 * log10(m) : -300;
    }
    return HP_OK;
}
