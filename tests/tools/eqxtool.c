/* SPDX-License-Identifier: MIT */
/* Test tool for the EQ exports, so real engines (sox, PipeWire) can be checked against the
 * profile they were given (the fit and `hpfr eq` live elsewhere):
 *   eqxtool write DIR [-r RATE] [-t TAPS] [-f FORMATS] [-n NAME] [-R "SPEC ..."] SPEC ...
 *       writes every format for the profile SPEC ... (right ear: -R) through hp_eqx_write.
 *       SPEC is TYPE:FC:Q:GAIN with TYPE PK, LSC or HSC; the preamp is the one that keeps
 *       the curve at or below 0 dB (the lower of the two ears' for both). The curves on AutoEq's grid: equalization and
 *       parametric_eq are the filters' curve; raw, target and the rest are made up.
 *   eqxtool sweep OUT.wav RATE CHANNELS [SECONDS]
 *       an exponential sweep (2 s unless SECONDS) 10 Hz .. 0.45 RATE at -12 dBFS between
 *       0.1 s and 1 s of silence, 32-bit float.
 *   eqxtool check IN.wav OUT.wav KIND TOL [-r RATE] [-t TAPS] [-R "SPEC ..."] SPEC ...
 *       measures each channel's response OUT/IN (the ratio of the signals' exact DTFTs, so a
 *       delay does not matter) from 20 Hz to 16 kHz, 1/24 octave, and compares it with the
 *       prediction for the same profile: KIND peq (the filters and preamp designed at the
 *       files' rate, or at RATE when -r is given), fir-minimum or fir-linear (the curve the FIR is meant to have, at the
 *       level the exporter documents: highest point -0.2 dB). Prints the largest deviation
 *       per channel; exits 1 when one exceeds TOL dB.
 *   eqxtool fircheck DIR PHASE RATE TOL
 *       the FIR DIR/fir-PHASE-RATE.wav (from hpfr eq) against the equalization column of
 *       DIR/eq.csv at the level the exporter documents (highest point -0.2 dB): RMS of the
 *       difference from 20 Hz to 16 kHz, 1/24 octave, by the FIR's exact DTFT. Prints it;
 *       exits 1 above TOL dB.
 * Exit status 0, 1 (check failed) or 2 (usage or I/O error). */
#include <complex.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eqexport.h"
#include "eqread.h"
#include "fir.h"
#include "grid.h"
#include "peq.h"

static int die(const char *msg)
{
    fprintf(stderr, "eqxtool: %s\n", msg);
    return 2;
}

static int parse_spec(const char *s, hp_peq_filter *f)
{
    char type[8];
    int k = 0;
    if (sscanf(s, "%7[A-Z]:%lf:%lf:%lf%n", type, &f->fc_hz, &f->q, &f->gain_db, &k) != 4 ||
        s[k])
        return 0;
    if (!strcmp(type, "PK"))
        f->type = HP_BQ_PEAK;
    else if (!strcmp(type, "LSC"))
        f->type = HP_BQ_LOWSHELF;
    else if (!strcmp(type, "HSC"))
        f->type = HP_BQ_HIGHSHELF;
    else
        return 0;
    return 1;
}

typedef struct {
    double rate;
    int rate_given;     /* -r was given */
    size_t taps;
    const char *formats, *name, *right;
    unsigned nch;
    hp_peq peq[2];
    int argi; /* first positional after the options */
} opts;

static int parse_list(const char *list, hp_peq *p)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) {
        if (p->n == HP_PEQ_MAX || !parse_spec(t, &p->f[p->n]))
            return 0;
        p->n++;
    }
    return 1;
}

static int parse_opts(int argc, char **argv, int first, opts *o)
{
    memset(o, 0, sizeof *o);
    o->rate = 48000;
    o->taps = 4096;
    o->formats = "all";
    o->nch = 1;
    int i = first;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i += 2) {
        switch (argv[i][1]) {
        case 'r': o->rate = atof(argv[i + 1]), o->rate_given = 1; break;
        case 't': o->taps = (size_t)atol(argv[i + 1]); break;
        case 'f': o->formats = argv[i + 1]; break;
        case 'n': o->name = argv[i + 1]; break;
        case 'R': o->right = argv[i + 1]; break;
        default: return 0;
        }
    }
    o->argi = i;
    for (; i < argc; i++) {
        if (o->peq[0].n == HP_PEQ_MAX || !parse_spec(argv[i], &o->peq[0].f[o->peq[0].n]))
            return 0;
        o->peq[0].n++;
    }
    if (o->right) {
        o->nch = 2;
        if (!parse_list(o->right, &o->peq[1]))
            return 0;
    }
    for (unsigned c = 0; c < o->nch; c++)
        if (hp_peq_auto_preamp(&o->peq[c], o->rate, &o->peq[c].preamp_db) != HP_OK)
            return 0;
    /* The exporter gives both ears the lower preamp (formats/eqexport.c). */
    if (o->nch == 2)
        o->peq[0].preamp_db = o->peq[1].preamp_db = fmin(o->peq[0].preamp_db, o->peq[1].preamp_db);
    return 1;
}

/* The curves handed to the exporter (and, for the FIR, predicted from). */
typedef struct {
    hp_grid g;
    double *buf;
    double *col[2][7]; /* raw, smoothed, error, target, equalization, parametric_eq, equalized */
} curves;

static int make_curves(const opts *o, curves *cv)
{
    if (hp_grid_autoeq(&cv->g) != HP_OK)
        return 0;
    size_t n = cv->g.n;
    cv->buf = calloc(2 * 7 * n, sizeof *cv->buf);
    if (!cv->buf)
        return 0;
    for (unsigned c = 0; c < o->nch; c++) {
        double **k = cv->col[c];
        for (size_t j = 0; j < 7; j++)
            k[j] = cv->buf + (c * 7 + j) * n;
        hp_peq filters = o->peq[c];
        filters.preamp_db = 0;
        if (hp_peq_response_db(&filters, o->rate, cv->g.f_hz, n, k[5]) != HP_OK)
            return 0;
        for (size_t i = 0; i < n; i++) {
            double lf = log2(cv->g.f_hz[i] / 1000);
            k[0][i] = 3 * sin(1.7 * lf) + (double)c;  /* raw */
            k[1][i] = 3 * sin(1.7 * lf) * 0.9;        /* smoothed */
            k[3][i] = -0.5 * lf;                      /* target */
            k[2][i] = k[1][i] - k[3][i];              /* error */
            k[4][i] = k[5][i];                        /* equalization */
            k[6][i] = k[0][i] + k[5][i];              /* equalized raw */
        }
    }
    return 1;
}

static int cmd_write(int argc, char **argv)
{
    opts o;
    curves cv = {0};
    if (argc < 3 || !parse_opts(argc, argv, 3, &o))
        return die("usage: eqxtool write DIR [-r RATE] [-t TAPS] [-f FORMATS] [-n NAME] "
                   "[-R \"SPEC ...\"] SPEC ...");
    unsigned mask;
    if (hp_eqx_parse_formats(o.formats, &mask) != HP_OK)
        return die("bad format list");
    if (!make_curves(&o, &cv))
        return die("cannot make the curves");
    hp_eq_export e;
    memset(&e, 0, sizeof e);
    e.name = o.name;
    e.rate_hz = o.rate;
    e.nch = o.nch;
    e.n = cv.g.n;
    e.freq = cv.g.f_hz;
    e.fir_taps = o.taps;
    for (unsigned c = 0; c < o.nch; c++) {
        e.peq[c] = o.peq[c];
        e.raw[c] = cv.col[c][0];
        e.smoothed[c] = cv.col[c][1];
        e.error[c] = cv.col[c][2];
        e.target[c] = cv.col[c][3];
        e.equalization[c] = cv.col[c][4];
        e.parametric_eq[c] = cv.col[c][5];
        e.equalized_raw[c] = cv.col[c][6];
    }
    char why[512] = "";
    hp_err err = hp_eqx_write(argv[2], &e, mask, why, sizeof why);
    free(cv.buf);
    hp_grid_release(&cv.g);
    if (err != HP_OK) {
        fprintf(stderr, "eqxtool: %s (%s)\n", why, hp_strerror(err));
        return 2;
    }
    return 0;
}

static int write_wav(const char *path, const double *x, size_t frames, int ch, int rate)
{
    SF_INFO si = {0};
    si.samplerate = rate;
    si.channels = ch;
    si.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &si);
    if (!sf)
        return 0;
    int ok = sf_writef_double(sf, x, (sf_count_t)frames) == (sf_count_t)frames;
    return sf_close(sf) == 0 && ok;
}

static int cmd_sweep(int argc, char **argv)
{
    if (argc != 5 && argc != 6)
        return die("usage: eqxtool sweep OUT.wav RATE CHANNELS [SECONDS]");
    double rate = atof(argv[3]), T = argc == 6 ? atof(argv[5]) : 2.0;
    int ch = atoi(argv[4]);
    if (!(rate >= 8000) || ch < 1 || ch > 8 || !(T >= 0.1 && T <= 60))
        return die("bad rate, channel count or duration");
    size_t lead = (size_t)(0.1 * rate), len = (size_t)(T * rate), tail = (size_t)rate;
    size_t n = lead + len + tail;
    double *x = calloc(n * (size_t)ch, sizeof *x);
    if (!x)
        return die("out of memory");
    /* Farina's exponential sweep with 20 ms raised-cosine fades. */
    double f0 = 10, f1 = 0.45 * rate, L = T / log(f1 / f0), fade = 0.02 * rate;
    for (size_t i = 0; i < len; i++) {
        double t = (double)i / rate, w = 1;
        if ((double)i < fade)
            w = 0.5 * (1 - cos(M_PI * (double)i / fade));
        if ((double)(len - 1 - i) < fade)
            w = 0.5 * (1 - cos(M_PI * (double)(len - 1 - i) / fade));
        double v = 0.25 * w * sin(2 * M_PI * f0 * L * (exp(t / L) - 1));
        for (int c = 0; c < ch; c++)
            x[(lead + i) * (size_t)ch + (size_t)c] = v;
    }
    int ok = write_wav(argv[2], x, n, ch, (int)rate);
    free(x);
    return ok ? 0 : die("cannot write the sweep");
}

static double *read_wav(const char *path, SF_INFO *si)
{
    memset(si, 0, sizeof *si);
    SNDFILE *sf = sf_open(path, SFM_READ, si);
    if (!sf)
        return NULL;
    double *x = malloc((size_t)si->frames * (size_t)si->channels * sizeof *x);
    if (x && sf_readf_double(sf, x, si->frames) != si->frames) {
        free(x);
        x = NULL;
    }
    sf_close(sf);
    return x;
}

/* The DTFT of channel c of an interleaved signal at f. */
static double complex dtft(const double *x, size_t frames, int nch, int c, double f, double rate)
{
    double w = 2 * M_PI * f / rate;
    double complex acc = 0, z = 1, step = CMPLX(cos(w), -sin(w));
    for (size_t i = 0; i < frames; i++) {
        acc += x[i * (size_t)nch + (size_t)c] * z;
        z *= step;
        if ((i & 4095) == 4095)
            z = CMPLX(cos(w * (double)(i + 1)), -sin(w * (double)(i + 1)));
    }
    return acc;
}

static int cmd_check(int argc, char **argv)
{
    opts o;
    if (argc < 6 || !parse_opts(argc, argv, 6, &o))
        return die("usage: eqxtool check IN.wav OUT.wav peq|fir-minimum|fir-linear TOL "
                   "[-r RATE] [-t TAPS] [-R \"SPEC ...\"] SPEC ...");
    const char *kind = argv[4];
    double tol = atof(argv[5]);
    SF_INFO si, so;
    double *x = read_wav(argv[2], &si), *y = read_wav(argv[3], &so);
    if (!x || !y || si.samplerate != so.samplerate || so.channels < (int)o.nch)
        return die("cannot read the signals, or their rates or channels differ");
    double rate = si.samplerate;
    curves cv = {0};
    if (!make_curves(&o, &cv))
        return die("cannot make the curves");
    /* The FIRs' level as the exporter documents it: the highest point of the correction,
     * over both ears, at -0.2 dB. */
    double top = -INFINITY;
    for (unsigned c = 0; c < o.nch; c++)
        for (size_t i = 0; i < cv.g.n; i++)
            top = fmax(top, cv.col[c][4][i]);
    hp_fir_cfg fc = hp_fir_cfg_default();
    fc.max_boost_db = INFINITY;
    fc.gain_db = -top - 0.2;
    int bad = 0;
    for (unsigned c = 0; c < o.nch; c++) {
        double worst = 0, at = 0;
        for (double f = 20; f <= 16000 * 1.0001; f *= pow(2, 1 / 24.0)) {
            double complex X = dtft(x, (size_t)si.frames, si.channels, (int)c % si.channels, f, rate);
            double complex Y = dtft(y, (size_t)so.frames, so.channels, (int)c, f, rate);
            double got = 20 * log10(cabs(Y) / cabs(X)), want;
            if (!strcmp(kind, "peq")) {
                if (hp_peq_response_db(&o.peq[c], o.rate_given ? o.rate : rate, &f, 1, &want) != HP_OK)
                    return die("cannot evaluate the profile");
            } else if (!strcmp(kind, "fir-minimum") || !strcmp(kind, "fir-linear")) {
                want = hp_fir_intended_db(cv.g.f_hz, cv.col[c][4], cv.g.n, &fc, f);
            } else {
                return die("KIND is peq, fir-minimum or fir-linear");
            }
            if (fabs(got - want) > worst) {
                worst = fabs(got - want);
                at = f;
            }
        }
        printf("channel %u: largest deviation %.4f dB at %.0f Hz\n", c + 1, worst, at);
        bad |= !(worst <= tol);
    }
    free(x);
    free(y);
    free(cv.buf);
    hp_grid_release(&cv.g);
    return bad;
}

static int cmd_fircheck(int argc, char **argv)
{
    if (argc != 6)
        return die("usage: eqxtool fircheck DIR minimum|linear RATE TOL");
    char path[4096];
    snprintf(path, sizeof path, "%s/eq.csv", argv[2]);
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 22);
    size_t len = f && buf ? fread(buf, 1, 1 << 22, f) : 0;
    if (f)
        fclose(f);
    hp_eqcsv t;
    hp_diag d;
    if (!len || hp_eqcsv_parse(buf, len, &t, &d) != HP_OK) {
        free(buf);
        return die("cannot read eq.csv");
    }
    free(buf);
    const double *fr = hp_eqcsv_get(&t, "frequency"), *eq = hp_eqcsv_get(&t, "equalization");
    snprintf(path, sizeof path, "%s/fir-%s-%s.wav", argv[2], argv[3], argv[4]);
    SF_INFO si;
    double *h = read_wav(path, &si);
    if (!eq || !h || si.channels != 1)
        return die("cannot read the FIR or the equalization column");
    double top = -INFINITY, ss = 0;
    for (size_t i = 0; i < t.n; i++)
        top = fmax(top, eq[i]);
    hp_fir_cfg c = hp_fir_cfg_default();
    c.max_boost_db = INFINITY;
    c.gain_db = -top - 0.2;
    int n = 0;
    for (double x = 20; x <= 16000 * 1.0001; x *= pow(2, 1 / 24.0), n++) {
        double dd = hp_fir_response_db(h, (size_t)si.frames, si.samplerate, x) -
                    hp_fir_intended_db(fr, eq, t.n, &c, x);
        ss += dd * dd;
    }
    double rms = sqrt(ss / n);
    printf("%.4f dB RMS\n", rms);
    free(h);
    hp_eqcsv_release(&t);
    return !(rms <= atof(argv[5]));
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "write"))
        return cmd_write(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "sweep"))
        return cmd_sweep(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "check"))
        return cmd_check(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "fircheck"))
        return cmd_fircheck(argc, argv);
    return die("usage: eqxtool write|sweep|check ...");
}
