/* SPDX-License-Identifier: MIT */
/* Convolution FIRs as 32-bit float WAVs: minimum and linear phase, for each of the usual
 * rates and each ear, all at one level. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include "audio.h"
#include "eqexport_impl.h"

static hp_err write_one(eqx_ctx *c, unsigned ch, hp_fir_phase phase, double rate)
{
    const hp_eq_export *e = c->e;
    char name[64], comment[160];
    eqx_fir_name(name, sizeof name, phase, rate, e, ch);
    hp_fir_cfg cfg = hp_fir_cfg_default();
    cfg.phase = phase;
    cfg.rate_hz = rate;
    cfg.taps = hp_fir_taps_at_rate(e->fir_taps, rate);
    /* The equalization curve is already capped by the fit; the FIR follows it as it is. */
    cfg.max_boost_db = INFINITY;
    cfg.gain_db = c->fir_gain_db;
    hp_audio a = {0};
    hp_err err = hp_audio_alloc(&a, hp_fir_length(&cfg), 1, rate);
    if (err != HP_OK)
        return eqx_fail(c, name, err, "out of memory");
    err = hp_fir_design(e->freq, eqx_fir_curve(e, ch), e->n, &cfg, a.data);
    if (err != HP_OK) {
        hp_audio_release(&a);
        return eqx_fail(c, name, err, "cannot design the FIR: %s", hp_strerror(err));
    }
    snprintf(comment, sizeof comment, "hpfr %s-phase correction FIR, %.0f Hz, level %.2f dB",
             phase == HP_FIR_LINEAR ? "linear" : "minimum", rate, cfg.gain_db);
    a.comment = comment;
    errno = 0;
    const char *tmp = hp_outset_path(c->set, name);
    err = !tmp ? (errno == ENOMEM ? HP_ENOMEM : HP_EIO) : hp_audio_write_float(tmp, &a);
    int saved = errno;
    a.comment = NULL; /* not ours to free */
    hp_audio_release(&a);
    if (err == HP_OK)
        return HP_OK;
    /* errno names a failed system call (EFBIG, ENOSPC, EACCES); other errors their code. */
    return eqx_fail(c, name, err, "%s", err == HP_EIO && saved ? strerror(saved) : hp_strerror(err));
}

hp_err eqx_write_fir(eqx_ctx *c)
{
    if (!c->fir)
        return HP_OK;
    static const hp_fir_phase phases[] = {HP_FIR_MINIMUM, HP_FIR_LINEAR};
    for (unsigned ch = 0; ch < c->e->nch; ch++)
        for (size_t p = 0; p < 2; p++)
            for (size_t r = 0; r < EQX_FIR_NRATES; r++) {
                hp_err err = write_one(c, ch, phases[p], eqx_fir_rates[r]);
                if (err != HP_OK)
                    return err;
            }
    return HP_OK;
}
