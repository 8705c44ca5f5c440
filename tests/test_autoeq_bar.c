/* SPDX-License-Identifier: MIT */
/* The quality bar of issue 5 on the AutoEq comparison set (tests/data/autoeq-dev, a copy of ../shared/data/autoeq-dev), scored
 * exactly as its README prescribes (tests/autoeq_dev.h): with AutoEq's filter budget and
 * limits (shelves at 105 Hz and 10 kHz, Q 0.7, plus 8 peaking filters, fc 20 Hz-10 kHz,
 * Q 0.18-6, +-20 dB) and its +6 dB boost cap (ours is on the EQ curve itself, so our PEQ never
 * boosts more than 6.0 dB; AutoEq's published PEQs reach 7.1), the fit must beat AutoEq's
 * published PEQ on every headphone on both the RMS error over 20 Hz-10 kHz and AutoEq's own
 * loss, with medians at most 0.6 times AutoEq's. One configuration for all headphones.
 * Without the data set the test says so and fails, unless HPFR_SKIP_AUTOEQ=1. */
#include "t.h"
#include "autoeq_dev.h"
#include "peqfit.h"

int main(void)
{
    static aed_set set;
    static aed_case c;
    if (!aed_load(&set)) {
        fprintf(stderr, "no AutoEq comparison set at %s (HPFR_AUTOEQ_DEV)\n", aed_dir());
        if (getenv("HPFR_SKIP_AUTOEQ")) {
            printf("0 passed, 0 failed\n");
            return 0;
        }
        CHECK(0);
        T_DONE();
    }
    CHECK(set.n == 22);
    hp_peqfit_cfg cfg = hp_peqfit_cfg_default();
    double ro[AED_MAX], ra[AED_MAX], lo[AED_MAX], la[AED_MAX];
    for (size_t h = 0; h < set.n; h++) {
        const aed_item *it = &set.it[h];
        hp_peq ours, theirs;
        aed_score so, sa;
        CHECK(aed_prepare(&set, it, &c));
        CHECK(aed_apo(set.dir, it->peq, &theirs));
        hp_peqfit_input in = {AED_N, c.f, c.meas, c.target, NULL, NULL};
        CHECK(hp_peqfit_run(&cfg, &in, &ours, NULL) == HP_OK);
        CHECK(ours.n == 10);
        CHECK(aed_score_peq(&c, &ours, &so));
        CHECK(aed_score_peq(&c, &theirs, &sa));
        CHECK(so.rms_10k < sa.rms_10k);
        CHECK(so.loss < sa.loss);
        CHECK(so.max_boost <= 6.0 + 1e-3);
        printf("%-36s rms %.3f (AutoEq %.3f)  loss %.3f (AutoEq %.3f)  boost %.2f (%.2f)\n",
               it->name, so.rms_10k, sa.rms_10k, so.loss, sa.loss, so.max_boost, sa.max_boost);
        ro[h] = so.rms_10k, ra[h] = sa.rms_10k, lo[h] = so.loss, la[h] = sa.loss;
    }
    double mro = aed_median(ro, set.n), mra = aed_median(ra, set.n);
    double mlo = aed_median(lo, set.n), mla = aed_median(la, set.n);
    printf("medians: rms %.3f vs %.3f (ratio %.3f), loss %.3f vs %.3f (ratio %.3f)\n", mro, mra,
           mro / mra, mlo, mla, mlo / mla);
    CHECK(mro <= 0.6 * mra);
    CHECK(mlo <= 0.6 * mla);
    /* Three headphones held out from development (bench/data/autoeq-extra): better on both
     * measures there too. */
    CHECK(aed_load_dir(&set, "bench/data/autoeq-extra"));
    CHECK(set.n == 3);
    for (size_t h = 0; h < set.n; h++) {
        const aed_item *it = &set.it[h];
        hp_peq ours, theirs;
        aed_score so, sa;
        CHECK(aed_prepare(&set, it, &c));
        CHECK(aed_apo(set.dir, it->peq, &theirs));
        hp_peqfit_input in = {AED_N, c.f, c.meas, c.target, NULL, NULL};
        CHECK(hp_peqfit_run(&cfg, &in, &ours, NULL) == HP_OK);
        CHECK(aed_score_peq(&c, &ours, &so));
        CHECK(aed_score_peq(&c, &theirs, &sa));
        CHECK(so.rms_10k < sa.rms_10k);
        CHECK(so.loss < sa.loss);
        CHECK(so.max_boost <= 6.0 + 1e-3);
        printf("held out: %-26s rms %.3f (AutoEq %.3f)  loss %.3f (AutoEq %.3f)\n", it->name,
               so.rms_10k, sa.rms_10k, so.loss, sa.loss);
    }
    T_DONE();
}
