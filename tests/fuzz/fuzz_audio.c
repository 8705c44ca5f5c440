/* SPDX-License-Identifier: MIT */
/* Audio files through libsndfile and hpfr's own checks (hp_audio_read_mem, the in-memory
 * twin of hp_audio_read over sf_open_virtual), as doubles and as floats (what analyze reads),
 * and the sweep metadata in their comment. Both reads must agree. */
#include "audio.h"
#include "fuzz.h"
#include "sweepmeta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_audio a;
    hp_diag d;
    hp_err e = hp_audio_read_mem(data, size, &a, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_ENODATA || e == HP_EFORMAT || e == HP_EPARSE ||
                e == HP_ENOMEM || e == HP_EINVAL);
    if (e == HP_OK) {
        FUZZ_ASSERT(a.channels >= 1 && a.channels <= HP_AUDIO_MAX_CHANNELS);
        FUZZ_ASSERT(a.rate_hz > 0 && a.frames > 0 && a.data);
        fuzz_check_finite(a.data, a.frames * a.channels);
        double *ch = malloc(a.frames * sizeof *ch);
        FUZZ_ASSERT(!ch || hp_audio_channel(&a, a.channels - 1, ch) == HP_OK);
        free(ch);
        if (a.comment) {
            hp_sweep_info info;
            hp_err m = hp_sweepmeta_parse(a.comment, &info);
            FUZZ_ASSERT(m == HP_OK || m == HP_EPARSE || m == HP_ENODATA);
        }
    } else {
        FUZZ_ASSERT(!a.data && !a.comment && a.frames == 0);
        FUZZ_ASSERT(e != HP_EPARSE || (d.sample >= 0 && d.channel >= 1));
    }
    /* The float read differs from the double one only once samples are read, so it runs only
     * for files that got that far (half the time per input for the rest). */
    if (e != HP_OK && e != HP_EPARSE) {
        hp_audio_release(&a);
        return 0;
    }
    hp_audio_f af;
    hp_diag df;
    hp_err ef = hp_audio_read_mem_f(data, size, &af, &df);
    fuzz_check_diag(&df, ef);
    /* A double beyond float range reads as an infinite float: the float read alone fails. */
    FUZZ_ASSERT(ef == e || (e == HP_OK && ef == HP_EPARSE));
    if (e == HP_OK && ef == HP_OK) {
        FUZZ_ASSERT(af.frames == a.frames && af.channels == a.channels && af.rate_hz == a.rate_hz);
        FUZZ_ASSERT(!a.comment == !af.comment && (!a.comment || !strcmp(a.comment, af.comment)));
        for (size_t i = 0; i < a.frames * a.channels; i++)
            FUZZ_ASSERT(af.data[i] == (float)a.data[i]);
    }
    hp_audio_f_release(&af);
    hp_audio_release(&a);
    return 0;
}
