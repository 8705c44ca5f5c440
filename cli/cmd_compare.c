/* SPDX-License-Identifier: MIT */
/* hpfr compare: two headphones (two sessions) side by side: seal verdicts, leak corners, bass
 * loss, consistency, left/right balance, as a table (text and CSV) and as curves. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "csv.h"
#include "grid.h"
#include "json.h"
#include "outset.h"
#include "sessload.h"
#include "stats_leak.h"
#include "version.h"

static const char usage[] =
    "usage: hpfr compare SESSION_A SESSION_B -o DIR [--threshold DB]\n"
    "\n"
    "Two sessions side by side (typically an open-back and a closed-back headphone): each is\n"
    "analysed as hpfr average and hpfr leak do (the reference placement being the best-sealed\n"
    "one), and the figures are set next to each other:\n"
    "  compare.txt, compare.csv   the table (metric,a,b): seal verdict and bass spread,\n"
    "                             consistency per band, leak corners, bass loss, balance\n"
    "  fr-<ch>.csv                frequency,a_mean_db,a_std_db,b_mean_db,b_std_db\n"
    "  balance.csv                frequency,a_balance_db,b_balance_db\n"
    "  leak-<ch>.csv              frequency,a_mean_db,a_worst_db,b_mean_db,b_worst_db: the mean\n"
    "                             leak curve of the non-reference placements and the one that\n"
    "                             loses most at 20 Hz\n"
    "  summary.json               all of it, with the notes below\n"
    "Sessions on different frequency grids are brought to a common one (1/48 octave over the\n"
    "range both cover) and sessions at different sample rates share the leak grid (10 Hz-1 kHz,\n"
    "1/24 octave); the output says so. Channels are matched by name.\n"
    "  --threshold DB     seal-sensitive from this bass spread on (default 1)\n";

#define MAX_ROWS 96
#define MAX_NOTES 4

typedef struct {
    char key[64], label[64], a[160], b[160];
} row;

typedef struct {
    const char *dir[2], *out;
    double threshold_db;
    sess s[2];
    leak_result lr[2];
    row rows[MAX_ROWS];
    size_t nrows;
    char notes[MAX_NOTES][320];
    size_t nnotes;
} compare_job;

static int parse(int argc, char **argv, compare_job *j)
{
    static const struct option longopts[] = {{"output", required_argument, 0, 'o'},
                                              {"threshold", required_argument, 0, 't'},
                                              {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o': j->out = optarg; break;
        case 't':
            if (!hp_cli_number("compare", "--threshold", optarg, 0.01, 100, &j->threshold_db))
                return HP_EXIT_BAD;
            break;
        default: return hp_cli_bad_option("compare", argc, argv, ch);
        }
    }
    if (argc - optind < 2)
        return hp_cli_fail("compare", "need two SESSION directories (see hpfr compare --help)");
    j->dir[0] = argv[optind++];
    j->dir[1] = argv[optind++];
    if (hp_cli_extra_args("compare", argc, argv))
        return HP_EXIT_BAD;
    if (!j->out)
        return hp_cli_fail("compare", "need -o DIR");
    return 0;
}

static void note(compare_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(compare_job *j, const char *fmt, ...)
{
    if (j->nnotes == MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->notes[j->nnotes++], sizeof j->notes[0], fmt, ap);
    va_end(ap);
}

/* ---- inputs on common grids ---- */

static int common_grid(compare_job *j)
{
    sess *a = &j->s[0], *b = &j->s[1];
    if (sess_same_grid(a, b))
        return 0;
    double lo = fmax(a->f_hz[0], b->f_hz[0]);
    double hi = fmin(a->f_hz[a->nf - 1], b->f_hz[b->nf - 1]);
    hp_grid g;
    if (!(hi > lo * 2) || hp_grid_log(lo, hi, 48, &g) != HP_OK)
        return hp_cli_fail("compare", "%s and %s share no common frequency range", a->dir, b->dir);
    note(j, "the sessions' frequency grids differ (A: %zu points %g-%g Hz, B: %zu points "
            "%g-%g Hz); both were interpolated onto a common 1/48-octave grid of %zu points "
            "%g-%g Hz",
         a->nf, a->f_hz[0], a->f_hz[a->nf - 1], b->nf, b->f_hz[0], b->f_hz[b->nf - 1], g.n,
         g.f_hz[0], g.f_hz[g.n - 1]);
    int rc = sess_regrid("compare", a, g.f_hz, g.n) || sess_regrid("compare", b, g.f_hz, g.n);
    hp_grid_release(&g);
    return rc ? HP_EXIT_BAD : 0;
}

static int load(compare_job *j)
{
    hp_seal_cfg cfg = hp_seal_cfg_default();
    cfg.sensitive_db = j->threshold_db;
    for (int k = 0; k < 2; k++)
        if (sess_load("compare", j->dir[k], 0, &j->s[k]))
            return HP_EXIT_BAD;
    if (common_grid(j))
        return HP_EXIT_BAD;
    for (int k = 0; k < 2; k++)
        if (leak_compute("compare", &j->s[k], 0, &cfg, &j->lr[k]))
            return HP_EXIT_BAD;
    if (j->lr[0].rate_hz != j->lr[1].rate_hz)
        note(j, "the sessions' impulse responses are at different rates (A: %g Hz, B: %g Hz); "
                "both leak analyses use the same 10 Hz-1 kHz grid",
             j->lr[0].rate_hz, j->lr[1].rate_hz);
    return 0;
}

/* ---- the table ---- */

static row *add_row(compare_job *j, const char *key, const char *label)
{
    if (j->nrows == MAX_ROWS)
        return NULL;
    row *r = &j->rows[j->nrows++];
    snprintf(r->key, sizeof r->key, "%s", key);
    snprintf(r->label, sizeof r->label, "%s", label);
    r->a[0] = r->b[0] = '\0';
    return r;
}

static void fmt_num(char *buf, size_t size, double v, int dec)
{
    if (isfinite(v))
        snprintf(buf, size, "%.*f", dec, v);
    else
        buf[0] = '\0';
}

static void add_num(compare_job *j, const char *key, const char *label, double a, double b, int dec)
{
    row *r = add_row(j, key, label);
    if (r) {
        fmt_num(r->a, sizeof r->a, a, dec);
        fmt_num(r->b, sizeof r->b, b, dec);
    }
}

static void add_text(compare_job *j, const char *key, const char *label, const char *a,
                     const char *b)
{
    row *r = add_row(j, key, label);
    if (r) {
        snprintf(r->a, sizeof r->a, "%s", a ? a : "");
        snprintf(r->b, sizeof r->b, "%s", b ? b : "");
    }
}

static long channel_of(const sess *s, const char *name)
{
    for (size_t c = 0; c < s->nch; c++)
        if (!strcmp(s->info.channels[c], name))
            return (long)c;
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Figures of one session's channel from its leak analysis (NAN when the channel is absent). */
typedef struct {
    double corner_median, corner_max, loss_mean[LEAK_NLOSS], loss_max[LEAK_NLOSS];
    double consistency[AVG_NBANDS];
} chan_fig;

static chan_fig channel_figures(const compare_job *j, int k, const char *name)
{
    chan_fig f;
    const sess *s = &j->s[k];
    const leak_result *r = &j->lr[k];
    long ch = channel_of(s, name);
    f.corner_median = f.corner_max = NAN;
    for (int i = 0; i < LEAK_NLOSS; i++)
        f.loss_mean[i] = f.loss_max[i] = NAN;
    for (int b = 0; b < AVG_NBANDS; b++)
        f.consistency[b] = ch < 0 ? (double)NAN : r->avg.consistency[ch][b];
    if (ch < 0)
        return f;
    double c[1024];
    size_t n = s->np < 1024 ? s->np : 1024;
    for (size_t p = 0; p < n; p++)
        c[p] = r->fit[(size_t)ch * s->np + p].corner_hz;
    qsort(c, n, sizeof *c, cmp_double);
    f.corner_median = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    f.corner_max = c[n - 1];
    for (int i = 0; i < LEAK_NLOSS; i++) {
        double sum = 0, mx = -INFINITY;
        for (size_t p = 0; p < s->np; p++) {
            if (p == r->ref[ch])
                continue;
            double l = r->loss[((size_t)ch * s->np + p) * LEAK_NLOSS + i];
            sum += l;
            mx = l > mx ? l : mx;
        }
        f.loss_mean[i] = sum / (double)(s->np - 1);
        f.loss_max[i] = mx;
    }
    return f;
}

/* Channel names in A, then those only in B. */
static size_t channel_names(const compare_job *j, const char **names)
{
    size_t n = 0;
    for (int k = 0; k < 2; k++)
        for (size_t c = 0; c < j->s[k].nch; c++) {
            const char *nm = j->s[k].info.channels[c];
            int seen = 0;
            for (size_t i = 0; i < n; i++)
                seen |= !strcmp(names[i], nm);
            if (!seen)
                names[n++] = nm;
        }
    return n;
}

static void channel_rows(compare_job *j, const char *name)
{
    static const char *const bkey[AVG_NBANDS] = {"20_200", "200_5000", "5000_10000"};
    static const char *const blab[AVG_NBANDS] = {"20-200 Hz", "200 Hz-5 kHz", "5-10 kHz"};
    chan_fig a = channel_figures(j, 0, name), b = channel_figures(j, 1, name);
    char key[64], label[64];
    for (int i = 0; i < AVG_NBANDS; i++) {
        snprintf(key, sizeof key, "consistency_%s_db_%s", bkey[i], name);
        snprintf(label, sizeof label, "%s: consistency %s (dB)", name, blab[i]);
        add_num(j, key, label, a.consistency[i], b.consistency[i], 2);
    }
    snprintf(key, sizeof key, "leak_corner_median_hz_%s", name);
    snprintf(label, sizeof label, "%s: leak corner, median (Hz)", name);
    add_num(j, key, label, a.corner_median, b.corner_median, 1);
    snprintf(key, sizeof key, "leak_corner_max_hz_%s", name);
    snprintf(label, sizeof label, "%s: leak corner, largest (Hz)", name);
    add_num(j, key, label, a.corner_max, b.corner_max, 1);
    for (int i = 0; i < LEAK_NLOSS; i++) {
        snprintf(key, sizeof key, "loss%.0f_mean_db_%s", leak_loss_hz[i], name);
        snprintf(label, sizeof label, "%s: bass loss at %.0f Hz, mean (dB)", name, leak_loss_hz[i]);
        add_num(j, key, label, a.loss_mean[i], b.loss_mean[i], 2);
        snprintf(key, sizeof key, "loss%.0f_max_db_%s", leak_loss_hz[i], name);
        snprintf(label, sizeof label, "%s: bass loss at %.0f Hz, worst (dB)", name, leak_loss_hz[i]);
        add_num(j, key, label, a.loss_max[i], b.loss_max[i], 2);
    }
}

static void build_table(compare_job *j)
{
    const sess *a = &j->s[0], *b = &j->s[1];
    const leak_result *la = &j->lr[0], *lb = &j->lr[1];
    add_text(j, "session", "session", a->dir, b->dir);
    add_text(j, "name", "name", a->info.name, b->info.name);
    add_num(j, "placements", "placements", (double)a->np, (double)b->np, 0);
    add_text(j, "seal", "seal", leak_verdict(la), leak_verdict(lb));
    add_num(j, "bass_spread_db", "bass spread, 20-50 Hz (dB)", la->avg.spread, lb->avg.spread, 2);
    add_num(j, "bass_range_db", "bass range, worst channel (dB)",
            la->avg.bass_range[la->avg.spread_ch], lb->avg.bass_range[lb->avg.spread_ch], 2);
    const char *names[2 * HP_SESSINFO_MAX_CHANNELS];
    size_t n = channel_names(j, names);
    for (size_t i = 0; i < n; i++)
        channel_rows(j, names[i]);
    add_num(j, "balance_mean_db", "balance L-R, mean (dB)",
            la->avg.balance ? la->avg.balance_mean : (double)NAN,
            lb->avg.balance ? lb->avg.balance_mean : (double)NAN, 2);
    add_num(j, "balance_mean_abs_db", "balance |L-R|, mean (dB)",
            la->avg.balance ? la->avg.balance_mean_abs : (double)NAN,
            lb->avg.balance ? lb->avg.balance_mean_abs : (double)NAN, 2);
}

/* ---- outputs ---- */

static void print_table(const compare_job *j, FILE *f)
{
    int wa = 12;
    for (size_t i = 0; i < j->nrows; i++)
        wa = (int)strlen(j->rows[i].a) > wa ? (int)strlen(j->rows[i].a) : wa;
    fprintf(f, "%-38s %-*s %s\n", "", wa, "A", "B");
    for (size_t i = 0; i < j->nrows; i++)
        fprintf(f, "%-38s %-*s %s\n", j->rows[i].label, wa, j->rows[i].a[0] ? j->rows[i].a : "-",
                j->rows[i].b[0] ? j->rows[i].b : "-");
    for (size_t i = 0; i < j->nnotes; i++)
        fprintf(f, "note: %s\n", j->notes[i]);
}

/* A CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *v, char end)
{
    if (strpbrk(v, ",\"\r\n")) {
        fputc('"', f);
        for (; *v; v++) {
            if (*v == '"')
                fputc('"', f);
            fputc(*v, f);
        }
        fputc('"', f);
    } else {
        fputs(v, f);
    }
    fputc(end, f);
}

static int write_tables(compare_job *j, hp_outset *set)
{
    FILE *t = hp_outset_fopen(set, "compare.txt"), *c = hp_outset_fopen(set, "compare.csv");
    if (!t || !c)
        return hp_cli_fail("compare", "%s: cannot write: %s", j->out, strerror(errno));
    print_table(j, t);
    fputs("metric,a,b\n", c);
    for (size_t i = 0; i < j->nrows; i++) {
        csv_field(c, j->rows[i].key, ',');
        csv_field(c, j->rows[i].a, ',');
        csv_field(c, j->rows[i].b, '\n');
    }
    return 0;
}

static int write_csv(compare_job *j, hp_outset *set, const char *name, const char *header,
                     const double *const *cols, size_t ncols, size_t nrows)
{
    static const int dec[] = {3, 4, 4, 4, 4};
    FILE *f = hp_outset_fopen(set, name);
    if (!f || hp_csv_write(f, header, cols, ncols, nrows, dec) != HP_OK)
        return hp_cli_fail("compare", "%s/%s: write failed: %s", j->out, name, strerror(errno));
    return 0;
}

/* Mean leak curve of the non-reference placements, and the one losing most at 20 Hz. */
static void leak_summary_curves(const compare_job *j, int k, long ch, double *mean, double *worst)
{
    const sess *s = &j->s[k];
    const leak_result *r = &j->lr[k];
    size_t ng = r->ng, w = r->ref[ch] == 0 ? 1 : 0;
    for (size_t i = 0; i < ng; i++)
        mean[i] = 0;
    for (size_t p = 0; p < s->np; p++) {
        if (p == r->ref[ch])
            continue;
        const double *cv = leak_curve(r, s, (size_t)ch, p);
        for (size_t i = 0; i < ng; i++)
            mean[i] += cv[i] / (double)(s->np - 1);
        if (r->loss[((size_t)ch * s->np + p) * LEAK_NLOSS] >
            r->loss[((size_t)ch * s->np + w) * LEAK_NLOSS])
            w = p;
    }
    memcpy(worst, leak_curve(r, s, (size_t)ch, w), ng * sizeof *worst);
}

static int write_curves(compare_job *j, hp_outset *set)
{
    const sess *a = &j->s[0], *b = &j->s[1];
    size_t ng = j->lr[0].ng;
    double *buf = malloc(4 * ng * sizeof *buf);
    if (!buf)
        return hp_cli_fail("compare", "out of memory");
    int rc = 0;
    char name[64];
    for (size_t c = 0; !rc && c < a->nch; c++) {
        long cb = channel_of(b, a->info.channels[c]);
        if (cb < 0)
            continue;
        const hp_pstats *pa = &j->lr[0].avg.st[c], *pb = &j->lr[1].avg.st[cb];
        const double *fr[] = {a->f_hz, pa->mean_db, pa->std_db, pb->mean_db, pb->std_db};
        snprintf(name, sizeof name, "fr-%s.csv", a->info.channels[c]);
        rc = write_csv(j, set, name, "frequency,a_mean_db,a_std_db,b_mean_db,b_std_db", fr, 5, a->nf);
        leak_summary_curves(j, 0, (long)c, buf, buf + ng);
        leak_summary_curves(j, 1, cb, buf + 2 * ng, buf + 3 * ng);
        const double *lk[] = {j->lr[0].f_hz, buf, buf + ng, buf + 2 * ng, buf + 3 * ng};
        snprintf(name, sizeof name, "leak-%s.csv", a->info.channels[c]);
        if (!rc)
            rc = write_csv(j, set, name, "frequency,a_mean_db,a_worst_db,b_mean_db,b_worst_db", lk,
                           5, ng);
    }
    if (!rc && j->lr[0].avg.balance && j->lr[1].avg.balance) {
        const double *bl[] = {a->f_hz, j->lr[0].avg.balance_db, j->lr[1].avg.balance_db};
        rc = write_csv(j, set, "balance.csv", "frequency,a_balance_db,b_balance_db", bl, 3, a->nf);
    }
    free(buf);
    return rc;
}

static int write_summary(compare_job *j, hp_outset *set)
{
    FILE *f = hp_outset_fopen(set, "summary.json");
    if (!f)
        return hp_cli_fail("compare", "%s/summary.json: %s", j->out, strerror(errno));
    hp_json js;
    hp_json_init(&js, f);
    hp_json_obj_begin(&js, NULL);
    hp_json_str(&js, "hpfr_version", HP_VERSION);
    hp_json_arr_begin(&js, "notes");
    for (size_t i = 0; i < j->nnotes; i++)
        hp_json_str(&js, NULL, j->notes[i]);
    hp_json_arr_end(&js);
    hp_json_arr_begin(&js, "table");
    for (size_t i = 0; i < j->nrows; i++) {
        hp_json_obj_begin(&js, NULL);
        hp_json_str(&js, "metric", j->rows[i].key);
        hp_json_str(&js, "label", j->rows[i].label);
        hp_json_str(&js, "a", j->rows[i].a);
        hp_json_str(&js, "b", j->rows[i].b);
        hp_json_obj_end(&js);
    }
    hp_json_arr_end(&js);
    hp_json_obj_end(&js);
    if (hp_json_finish(&js) != HP_OK)
        return hp_cli_fail("compare", "%s/summary.json: write failed: %s", j->out, strerror(errno ? errno : EIO));
    return 0;
}

static int write_all(compare_job *j)
{
    hp_err e;
    hp_outset *set = hp_outset_new(j->out, &e);
    if (!set)
        return hp_cli_fail("compare", "%s: cannot create the output directory: %s", j->out,
                           strerror(errno));
    int rc = write_tables(j, set);
    if (!rc)
        rc = write_curves(j, set);
    if (!rc)
        rc = write_summary(j, set);
    if (!rc && hp_outset_commit(set) != HP_OK)
        rc = hp_cli_fail("compare", "%s/%s: write failed: %s", j->out,
                         hp_outset_failed(set) ? hp_outset_failed(set) : "", strerror(errno));
    hp_outset_free(set);
    return rc;
}

static int run(int argc, char **argv)
{
    compare_job *j = calloc(1, sizeof *j);
    if (!j)
        return hp_cli_fail("compare", "out of memory");
    j->threshold_db = hp_seal_cfg_default().sensitive_db;
    int rc = parse(argc, argv, j);
    if (!rc)
        rc = load(j);
    if (!rc) {
        build_table(j);
        rc = write_all(j);
    }
    if (!rc) {
        print_table(j, stdout);
        printf("wrote %s/: compare.txt compare.csv fr-*.csv leak-*.csv%s summary.json\n", j->out,
               j->lr[0].avg.balance && j->lr[1].avg.balance ? " balance.csv" : "");
    }
    for (int k = 0; k < 2; k++) {
        leak_release(&j->lr[k]);
        sess_release(&j->s[k]);
    }
    free(j);
    return rc;
}

const hp_cmd hp_cmd_compare = {"compare", "two sessions side by side: seal, leaks, consistency, balance",
                               usage, run};
