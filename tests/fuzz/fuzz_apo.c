/* SPDX-License-Identifier: MIT */
/* EqualizerAPO ParametricEQ.txt read back: by the exporters' reader (hp_apo_parse) and by the
 * plots' (hp_plot_apo_parse), both on the same bytes. */
#include "apo.h"
#include "eqread.h"
#include "fuzz.h"

/* A profile a caller can build filters from: finite numbers, Fc and Q positive. */
static void check_peq(const hp_peq *p)
{
    FUZZ_ASSERT(p->n <= HP_PEQ_MAX);
    FUZZ_ASSERT(isfinite(p->preamp_db));
    for (size_t i = 0; i < p->n; i++) {
        const hp_peq_filter *f = &p->f[i];
        FUZZ_ASSERT(f->type == HP_BQ_PEAK || f->type == HP_BQ_LOWSHELF ||
                    f->type == HP_BQ_HIGHSHELF);
        FUZZ_ASSERT(isfinite(f->fc_hz) && f->fc_hz > 0);
        FUZZ_ASSERT(isfinite(f->q) && f->q > 0);
        FUZZ_ASSERT(isfinite(f->gain_db));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    hp_diag d;
    hp_apo_profile p;
    hp_err e = hp_apo_parse(buf, size, &p, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA);
    if (e == HP_OK) {
        FUZZ_ASSERT(p.nch == 1 || p.nch == 2);
        check_peq(&p.peq[0]);
        check_peq(&p.peq[1]);
    }
    hp_apo a;
    e = hp_plot_apo_parse(buf, size, &a, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA || e == HP_ERANGE);
    if (e == HP_OK) {
        FUZZ_ASSERT(a.nch == 1 || a.nch == 2);
        for (size_t c = 0; c < a.nch; c++)
            FUZZ_ASSERT(memchr(a.ch[c], '\0', sizeof a.ch[c]));
        check_peq(&a.peq[0]);
        check_peq(&a.peq[1]);
    }
    return 0;
}
