/* SPDX-License-Identifier: MIT */
/* make bench, EQ part: our parametric EQ fit against AutoEq's published PEQs on the 22
 * headphones of tests/data/autoeq-dev (a copy of ../shared/data/autoeq-dev), scored as its README prescribes. Prints
 * "name value unit" lines: per headphone both measures for both tools and the fit time, then
 * the medians and their ratios. Fit times are the thread's CPU time (best of RUNS), so other
 * work on the machine inflates them less than wall time would. Usage: eqfit [RUNS]. */
#include <time.h>
#include "autoeq_dev.h"
#include "peqfit.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void slug(const char *name, char *out, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; name[i] && j + 1 < len; i++) {
        char c = name[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out[j++] = c;
        else if (c >= 'A' && c <= 'Z')
            out[j++] = (char)(c - 'A' + 'a');
        else if (j && out[j - 1] != '_')
            out[j++] = '_';
    }
    while (j && out[j - 1] == '_')
        j--;
    out[j] = 0;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    static aed_set set;
    static aed_case c;
    if (runs < 1 || !aed_load(&set)) {
        fprintf(stderr, "eqfit: cannot read %s/manifest.tsv (set HPFR_AUTOEQ_DEV)\n", aed_dir());
        return 1;
    }
    double ours_rms[AED_MAX], ours_loss[AED_MAX], aeq_rms[AED_MAX], aeq_loss[AED_MAX];
    double times[AED_MAX];
    int wins = 0;
    double worst_rms = 0, worst_loss = 0;
    hp_peqfit_cfg cfg = hp_peqfit_cfg_default();
    for (size_t h = 0; h < set.n; h++) {
        const aed_item *it = &set.it[h];
        hp_peq ours, theirs;
        hp_peqfit_report rep;
        aed_score so, sa;
        if (!aed_prepare(&set, it, &c) || !aed_apo(set.dir, it->peq, &theirs)) {
            fprintf(stderr, "eqfit: cannot read the files of %s\n", it->name);
            return 1;
        }
        hp_peqfit_input in = {AED_N, c.f, c.meas, c.target, NULL, NULL};
        double best = INFINITY;
        for (int r = 0; r < runs; r++) {
            double t0 = now_ms();
            if (hp_peqfit_run(&cfg, &in, &ours, &rep) != HP_OK) {
                fprintf(stderr, "eqfit: fit failed for %s\n", it->name);
                return 1;
            }
            best = fmin(best, now_ms() - t0);
        }
        if (!aed_score_peq(&c, &ours, &so) || !aed_score_peq(&c, &theirs, &sa))
            return 1;
        char s[128];
        slug(it->name, s, sizeof s);
        printf("eq_%s_rms_ours %.3f dB\n", s, so.rms_10k);
        printf("eq_%s_rms_autoeq %.3f dB\n", s, sa.rms_10k);
        printf("eq_%s_loss_ours %.3f dB\n", s, so.loss);
        printf("eq_%s_loss_autoeq %.3f dB\n", s, sa.loss);
        printf("eq_%s_boost_ours %.2f dB\n", s, so.max_boost);
        printf("eq_%s_fit_ms %.2f ms\n", s, best);
        fprintf(stderr, "%-36s rms %.3f vs %.3f  loss %.3f vs %.3f  boost %.2f vs %.2f  %.1f ms %u it\n",
                it->name, so.rms_10k, sa.rms_10k, so.loss, sa.loss, so.max_boost, sa.max_boost,
                best, rep.iterations);
        ours_rms[h] = so.rms_10k;
        ours_loss[h] = so.loss;
        aeq_rms[h] = sa.rms_10k;
        aeq_loss[h] = sa.loss;
        times[h] = best;
        wins += so.rms_10k < sa.rms_10k && so.loss < sa.loss;
        worst_rms = fmax(worst_rms, so.rms_10k / sa.rms_10k);
        worst_loss = fmax(worst_loss, so.loss / sa.loss);
    }
    double mo = aed_median(ours_rms, set.n), ma = aed_median(aeq_rms, set.n);
    double lo = aed_median(ours_loss, set.n), la = aed_median(aeq_loss, set.n);
    printf("eq_median_rms_ours %.3f dB\n", mo);
    printf("eq_median_rms_autoeq %.3f dB\n", ma);
    printf("eq_median_rms_ratio %.3f ratio\n", mo / ma);
    printf("eq_median_loss_ours %.3f dB\n", lo);
    printf("eq_median_loss_autoeq %.3f dB\n", la);
    printf("eq_median_loss_ratio %.3f ratio\n", lo / la);
    printf("eq_worst_rms_ratio %.3f ratio\n", worst_rms);
    printf("eq_worst_loss_ratio %.3f ratio\n", worst_loss);
    printf("eq_headphones_better_on_both %d count\n", wins);
    printf("eq_headphones %zu count\n", set.n);
    double tmax = 0;
    for (size_t h = 0; h < set.n; h++)
        tmax = fmax(tmax, times[h]);
    printf("eq_median_fit_ms %.2f ms\n", aed_median(times, set.n));
    printf("eq_max_fit_ms %.2f ms\n", tmax);
    return 0;
}
