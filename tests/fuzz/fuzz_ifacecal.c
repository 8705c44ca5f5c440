/* SPDX-License-Identifier: MIT */
/* Interface (loopback) calibration files (hp_iface_parse). */
#include "fuzz.h"
#include "ifacecal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_iface_cal c;
    hp_diag d;
    hp_err e = hp_iface_parse((const char *)data, size, &c, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENOMEM);
    if (e != HP_OK) {
        FUZZ_ASSERT(c.n == 0 && !c.sec);
        return 0;
    }
    for (size_t i = 0; i < c.n; i++) {
        const hp_iface_section *s = &c.sec[i];
        FUZZ_ASSERT(s->channel >= 1 && s->n >= 1);
        FUZZ_ASSERT(isfinite(s->rate_hz) && s->rate_hz > 0 && isfinite(s->gain_db));
        fuzz_check_freqs(s->f_hz, s->n);
        fuzz_check_finite(s->db, s->n);
        fuzz_check_finite(s->phase_deg, s->n);
        /* (channel, rate) pairs are unique: each finds its own section */
        FUZZ_ASSERT(hp_iface_find(&c, s->channel, s->rate_hz) == s);
    }
    hp_iface_release(&c);
    return 0;
}
