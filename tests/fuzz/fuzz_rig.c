/* SPDX-License-Identifier: MIT */
/* Rig profiles (hp_rig_profile_parse). The files a profile names are read by the readers the
 * other harnesses cover. */
#include "fuzz.h"
#include "rig.h"

#define BASE "rigdir"

static void check_path(const char *p)
{
    if (!p)
        return;
    FUZZ_ASSERT(p[0] == '/' || !strncmp(p, BASE "/", sizeof BASE));
    FUZZ_ASSERT(strlen(p) > (p[0] == '/' ? 0 : sizeof BASE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_rig_profile p;
    hp_diag d;
    hp_err e = hp_rig_profile_parse((const char *)data, size, BASE, &p, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENOMEM);
    if (e != HP_OK) {
        for (size_t i = 0; i < HP_RIG_CHANNELS; i++)
            FUZZ_ASSERT(!p.mic[i]);
        FUZZ_ASSERT(!p.interface && !p.spl && !p.compensation);
        return 0;
    }
    for (size_t i = 0; i < HP_RIG_CHANNELS; i++) {
        check_path(p.mic[i]);
        FUZZ_ASSERT(isnan(p.spl_offset[i]) || isfinite(p.spl_offset[i]));
    }
    check_path(p.interface);
    check_path(p.spl);
    check_path(p.compensation);
    hp_rig_profile_release(&p);
    return 0;
}
