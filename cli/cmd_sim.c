/* SPDX-License-Identifier: MIT */
/* hpfr sim truth: the simulated rig's exact response per ear, computed from its model
 * parameters (dsp/rigmodel), never by measuring; the reference every end-to-end test and
 * anyone checking hpfr against the simulator compares with. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "csv.h"
#include "grid.h"
#include "json.h"
#include "outset.h"
#include "rigmodel.h"

static const char usage[] =
    "usage: hpfr sim truth [KEY=VALUE ...] [--preset P] [--seed S] [--placement N]\n"
    "                      [--rate HZ] [--grid log|autoeq] [-o truth.csv] [--params]\n"
    "\n"
    "The simulated rig's exact response per ear on the FR grid (20 Hz-20 kHz, 1/48 octave),\n"
    "as CSV with header frequency,left,right in dB, computed from the model's parameters.\n"
    "KEY=VALUE takes the rig's ALSA arguments (PRESET, SEED, PLACEMENT, LEAKS, NOISE, H2, H3,\n"
    "CROSSTALK, LATENCY, DRIFT, LOOPBACK, FAULTS), so the same settings as\n"
    "-D 'hpfr_sim:PRESET=open-back,SEED=7' give its truth: hpfr sim truth PRESET=open-back SEED=7.\n"
    "  --params   print the placement's model parameters (leak corner, Q, ...) as JSON\n"
    "  -o FILE    write the CSV there (default: standard output)\n";

#define MAX_KV 32

typedef struct {
    hp_rig_kv kv[MAX_KV];
    const char *given_as[MAX_KV]; /* "--seed" for options, NULL for KEY=VALUE settings */
    size_t nkv;
    char *owned[MAX_KV];
    const char *out;
    double rate;
    int autoeq, params;
} sim_opts;

/* How a setting was given, for messages: "--seed 7" or "SEED=7". */
static void spell(const sim_opts *o, size_t i, char *buf, size_t len)
{
    if (o->given_as[i])
        snprintf(buf, len, "%s %s", o->given_as[i], o->kv[i].value);
    else
        snprintf(buf, len, "%s=%s", o->kv[i].key, o->kv[i].value);
}

static int add_kv(sim_opts *o, const char *key, const char *value, const char *option)
{
    if (o->nkv == MAX_KV)
        return hp_cli_fail("sim", "too many settings");
    for (size_t i = 0; i < o->nkv; i++)
        if (!strcmp(o->kv[i].key, key)) {
            char a[256], b[256];
            spell(o, i, a, sizeof a);
            o->kv[o->nkv] = (hp_rig_kv){key, value};
            o->given_as[o->nkv] = option;
            spell(o, o->nkv, b, sizeof b);
            return hp_cli_fail("sim", "%s and %s: %s is given twice", a, b, key);
        }
    o->given_as[o->nkv] = option;
    o->kv[o->nkv++] = (hp_rig_kv){key, value};
    return 0;
}

/* "PRESET=open-back,SEED=7" or "LEAKS=6,6,80": a comma starts a new setting only when what
 * follows it has its own '='. */
static int add_setting(sim_opts *o, const char *arg)
{
    char *copy = strdup(arg);
    if (!copy || o->nkv == MAX_KV) {
        free(copy);
        return hp_cli_fail("sim", "too many settings");
    }
    o->owned[o->nkv] = copy;
    char *p = copy;
    while (p && *p) {
        char *eq = strchr(p, '=');
        if (!eq || eq == p)
            return hp_cli_fail("sim", "%s: settings are KEY=VALUE", arg);
        *eq = '\0';
        char *val = eq + 1, *next = NULL;
        for (char *c = strchr(val, ','); c; c = strchr(c + 1, ',')) {
            char *eq2 = strchr(c + 1, '='), *c2 = strchr(c + 1, ',');
            if (eq2 && (!c2 || eq2 < c2)) {
                *c = '\0';
                next = c + 1;
                break;
            }
        }
        if (add_kv(o, p, val, NULL))
            return HP_EXIT_BAD;
        p = next;
    }
    return 0;
}

static int parse(int argc, char **argv, sim_opts *o)
{
    static const struct option lo[] = {
        {"preset", required_argument, 0, 'p'}, {"seed", required_argument, 0, 's'},
        {"placement", required_argument, 0, 'n'}, {"rate", required_argument, 0, 'r'},
        {"grid", required_argument, 0, 'g'},   {"output", required_argument, 0, 'o'},
        {"params", no_argument, 0, 'P'},       {0, 0, 0, 0}};
    int ch;
    opterr = 0;
    optind = 2; /* argv[1] is "truth" */
    while ((ch = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        int rc = 0;
        switch (ch) {
        case 'p': rc = add_kv(o, "PRESET", optarg, "--preset"); break;
        case 's': rc = add_kv(o, "SEED", optarg, "--seed"); break;
        case 'n': rc = add_kv(o, "PLACEMENT", optarg, "--placement"); break;
        case 'r':
            if (!hp_cli_number("sim", "--rate", optarg, 8000, 768000, &o->rate))
                return HP_EXIT_BAD;
            break;
        case 'g':
            if (strcmp(optarg, "log") && strcmp(optarg, "autoeq"))
                return hp_cli_fail("sim", "--grid %s: use log or autoeq", optarg);
            o->autoeq = !strcmp(optarg, "autoeq");
            break;
        case 'o': o->out = optarg; break;
        case 'P': o->params = 1; break;
        default: return hp_cli_bad_option("sim", argc, argv, ch);
        }
        if (rc)
            return rc;
    }
    for (int i = optind; i < argc; i++)
        if (add_setting(o, argv[i]))
            return HP_EXIT_BAD;
    return 0;
}

static void json_peak(hp_json *j, const char *key, const hp_rig_peak *p)
{
    hp_json_obj_begin(j, key);
    hp_json_num(j, "fc_hz", p->fc_hz);
    hp_json_num(j, "q", p->q);
    hp_json_num(j, "gain_db", p->gain_db);
    hp_json_obj_end(j);
}

static void json_ear(hp_json *j, const char *key, const hp_rig_ear *e)
{
    hp_json_obj_begin(j, key);
    hp_json_num(j, "gain_db", e->gain_db);
    hp_json_obj_begin(j, "leak");
    hp_json_str(j, "model", e->leak_order == 2 ? "inertive" : e->leak_order == 1 ? "resistive" : "sealed");
    hp_json_int(j, "order", e->leak_order);
    hp_json_num(j, "corner_hz", hp_rig_leak_corner_hz(e));
    hp_json_num(j, "f0_hz", e->leak_order ? e->leak_f0_hz : (double)NAN);
    hp_json_num(j, "q", e->leak_order == 2 ? e->leak_q : (double)NAN);
    hp_json_obj_end(j);
    hp_json_obj_begin(j, "rolloff");
    hp_json_num(j, "fc_hz", e->rolloff_hz);
    hp_json_num(j, "q", e->rolloff_q);
    hp_json_obj_end(j);
    json_peak(j, "bass", &e->bass);
    json_peak(j, "ear_gain", &e->ear_gain);
    hp_json_arr_begin(j, "treble");
    for (size_t i = 0; i < e->ntreble; i++)
        json_peak(j, NULL, &e->treble[i]);
    hp_json_arr_end(j);
    hp_json_obj_begin(j, "lowpass");
    hp_json_num(j, "fc_hz", e->lowpass_hz);
    hp_json_num(j, "q", e->lowpass_q);
    hp_json_obj_end(j);
    hp_json_num(j, "h2_db", hp_rig_harmonic_db(e, 2, HP_RIG_NOMINAL_PEAK));
    hp_json_num(j, "h3_db", hp_rig_harmonic_db(e, 3, HP_RIG_NOMINAL_PEAK));
    hp_json_num(j, "crosstalk_db", e->crosstalk_db);
    hp_json_obj_end(j);
}

static int print_params(const hp_rig_params *p)
{
    hp_json j;
    hp_json_init(&j, stdout);
    hp_json_obj_begin(&j, NULL);
    hp_json_str(&j, "preset", p->preset);
    hp_json_int(&j, "seed", (long long)p->seed);
    hp_json_int(&j, "placement", p->placement);
    json_ear(&j, "left", &p->ear[0]);
    json_ear(&j, "right", &p->ear[1]);
    hp_json_num(&j, "noise_dbfs", p->noise_dbfs);
    hp_json_int(&j, "latency_frames", p->latency_frames);
    hp_json_num(&j, "drift_ppm", p->drift_ppm);
    hp_json_bool(&j, "loopback", p->loopback);
    hp_json_obj_end(&j);
    if (hp_json_finish(&j) != HP_OK)
        return hp_cli_fail("sim", "cannot write the parameters: %s", strerror(errno));
    return 0;
}

static int write_truth(const sim_opts *o, const hp_rig_params *p)
{
    hp_grid g = {0};
    hp_cascade c[2];
    for (int ear = 0; ear < 2; ear++)
        if (hp_rig_ear_cascade(p, ear, o->rate, &c[ear]) != HP_OK)
            return hp_cli_fail("sim", "the model cannot run at %g Hz", o->rate);
    if ((o->autoeq ? hp_grid_autoeq(&g) : hp_grid_log(20, fmin(20000, o->rate / 2), 48, &g)) != HP_OK)
        return hp_cli_fail("sim", "out of memory");
    double *db[2] = {malloc(g.n * sizeof(double)), malloc(g.n * sizeof(double))};
    int rc = 0;
    if (!db[0] || !db[1])
        rc = hp_cli_fail("sim", "out of memory");
    for (size_t i = 0; !rc && i < g.n; i++)
        for (int ear = 0; ear < 2; ear++)
            db[ear][i] = hp_cascade_db(&c[ear], g.f_hz[i]);
    const double *cols[3] = {g.f_hz, db[0], db[1]};
    static const int dec[3] = {3, 6, 6};
    if (!rc && !o->out) {
        if (hp_csv_write(stdout, "frequency,left,right", cols, 3, g.n, dec) != HP_OK ||
            fflush(stdout))
            rc = hp_cli_fail("sim", "cannot write the truth: %s", strerror(errno));
    } else if (!rc) {
        /* One file, written under a temporary name beside it and renamed into place. */
        char *dir = strdup(o->out), *slash = dir ? strrchr(dir, '/') : NULL;
        const char *name = slash ? slash + 1 : o->out;
        if (slash)
            *slash = '\0';
        hp_err e;
        hp_outset *set = dir ? hp_outset_new(slash ? (dir[0] ? dir : "/") : ".", &e) : NULL;
        FILE *f = set ? hp_outset_fopen(set, name) : NULL;
        if (!f || hp_csv_write(f, "frequency,left,right", cols, 3, g.n, dec) != HP_OK ||
            hp_outset_commit(set) != HP_OK)
            rc = hp_cli_fail("sim", "%s: write failed: %s", o->out, strerror(errno));
        hp_outset_free(set);
        free(dir);
    }
    free(db[0]);
    free(db[1]);
    hp_grid_release(&g);
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "truth"))
        return hp_cli_fail("sim", "%s%s: the only sim command is \"truth\" (hpfr sim truth --help)",
                           argc < 2 ? "missing command" : argv[1], "");
    sim_opts o = {.rate = 48000};
    int rc = parse(argc, argv, &o);
    hp_rig_params p;
    char why[200];
    if (!rc && hp_rig_params_from_kv(o.kv, o.nkv, 1, &p, why, sizeof why) != HP_OK) {
        /* The model names the key ("SEED: expected ..."); say it as it was typed. */
        const char *colon = strchr(why, ':');
        size_t k = 0;
        while (colon && k < o.nkv && strncmp(o.kv[k].key, why, (size_t)(colon - why)) != 0)
            k++;
        char as[256];
        if (colon && k < o.nkv && strlen(o.kv[k].key) == (size_t)(colon - why)) {
            spell(&o, k, as, sizeof as);
            rc = hp_cli_fail("sim", "%s%s", as, colon);
        } else {
            rc = hp_cli_fail("sim", "%s", why);
        }
    }
    if (!rc && o.params)
        rc = print_params(&p);
    if (!rc && (o.out || !o.params))
        rc = write_truth(&o, &p);
    for (size_t i = 0; i < MAX_KV; i++)
        free(o.owned[i]);
    return rc;
}

const hp_cmd hp_cmd_sim = {"sim", "the simulated rig's exact response (hpfr sim truth)", usage, run};
