/* SPDX-License-Identifier: MIT */
/* hpfr verify: the correction applied to the sweep before it is played. Each driver's sweep
 * goes through its own ear's filters (the PEQ cascade with its preamp, designed at the rate
 * it is played at, or the FIR by convolution), as an equalizer in the playback path would
 * filter it. sweep.wav keeps the plain sweep, so deconvolving against it leaves the
 * headphone's response with the correction in it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "fftconv.h"
#include "verify.h"

/* x through ear's correction into y (n frames; the sequence ends in silence that holds the
 * filters' tails). */
static int filter(const verify_eq *q, unsigned ear, const double *x, double *y, size_t n)
{
    if (q->mode != VERIFY_PEQ) {
        hp_err e = hp_fftconv(x, n, q->fir[ear], q->fir_taps[ear], y, n);
        return e == HP_OK ? 0 : hp_cli_fail("verify", "cannot filter the sweep: %s",
                                            hp_strerror(e));
    }
    hp_cascade c;
    if (hp_peq_cascade(&q->apo.peq[ear], q->rate_hz, &c) != HP_OK)
        return hp_cli_fail("verify", "%s: the filters cannot be designed at %g Hz", q->apo_path,
                           q->rate_hz);
    hp_biquad_state st[HP_CASCADE_MAX] = {{0, 0}};
    hp_cascade_run(&c, st, x, y, n);
    return 0;
}

/* A linear-phase FIR rings for half its length before its peak, and the analysis window
 * rises with a half-Hann over the part before the onset: opened only 5 ms early, it cuts the
 * ringing (0.55 dB RMS off on the simulated rig at 4096 taps); three times the ringing leaves
 * the ringing under the flat top (0.01 dB). It must still end before the second harmonic's
 * response, which an exponential sweep puts L ln 2 earlier. */
static int linear_window(measure_ctx *m, const verify_eq *q)
{
    double ring_ms = 1000.0 * (double)(q->fir_taps[0] / 2) / q->rate_hz;
    double h2_ms = 1000.0 * m->stim.info.rate_const_s * log(2.0);
    double want = 5 + 3 * ring_ms, most = 0.8 * h2_ms;
    if (most < 5 + ring_ms)
        return hp_cli_fail("verify", "the sweep is too short for the linear-phase FIR: it rings "
                           "%.0f ms before its peak, and the sweep's second harmonic arrives "
                           "%.0f ms before the response; give a longer --length", ring_ms, h2_ms);
    m->opt.window_left_ms = fmin(want, most);
    return 0;
}

int verify_shape_stim(measure_ctx *m, void *arg)
{
    const verify_eq *q = arg;
    measure_stimulus *s = &m->stim;
    size_t n = s->info.total_frames;
    unsigned pch = m->play.channels;
    if (q->mode == VERIFY_FIR_LINEAR && linear_window(m, q))
        return HP_EXIT_BAD;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    int rc = !x || !y ? hp_cli_fail("verify", "out of memory for a %zu-frame sweep", n) : 0;
    for (unsigned ear = 0; !rc && ear < 2; ear++) {
        if (m->opt.ears && m->opt.ears != ear + 1)
            continue;
        for (size_t i = 0; i < n; i++)
            x[i] = s->sequence[2 * i + ear];
        if ((rc = filter(q, ear, x, y, n)))
            break;
        double peak = 0;
        for (size_t i = 0; i < n; i++)
            peak = fmax(peak, fabs(y[i]));
        /* The float samples played are clipped to full scale by any real device. */
        if (peak >= 1.0) {
            double over = 20 * log10(peak);
            rc = hp_cli_fail("verify", "the corrected sweep peaks at %+.1f dBFS on the %s driver "
                             "and would clip: lower --level by at least %.1f dB", over,
                             ear ? "right" : "left", ceil(over * 10 + 0.5) / 10);
            break;
        }
        for (size_t i = 0; i < n; i++)
            s->play[(s->seq_start + i) * pch + ear] = (float)y[i];
    }
    free(x);
    free(y);
    return rc;
}
