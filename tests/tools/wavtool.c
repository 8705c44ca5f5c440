/* SPDX-License-Identifier: MIT */
/* Test tool: inspects WAVs and makes bad ones, straight through libsndfile (not hpfr's own
 * formats/ code, so the CLI tests check hpfr's files with an independent reader).
 *   wavtool info FILE      prints "rate R", "channels C", "frames N", "float 0|1" and
 *                          "comment TEXT" (empty when the file has none), one per line
 *   wavtool poke IN OUT FRAME CHANNEL VALUE
 *                          copies IN to OUT as a 32-bit float WAV with sample (FRAME,
 *                          CHANNEL) set to VALUE: a number, nan, inf or -inf. FRAME is
 *                          0-based and CHANNEL 1-based, as hpfr reports them. hpfr's
 *                          writer refuses non-finite samples, so simrec cannot make them.
 *   wavtool response FIR.wav GRID.csv
 *                          the magnitude in dB of the mono FIR at each frequency in the
 *                          first column of GRID.csv (a header line is skipped): its DTFT
 *                          summed directly, one "frequency,dB" line each (for checking a
 *                          FIR without hpfr's own FIR code).
 * Exit status 0, or 2 with a message. */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int info(const char *path)
{
    SF_INFO si;
    memset(&si, 0, sizeof si);
    SNDFILE *sf = sf_open(path, SFM_READ, &si);
    if (!sf) {
        fprintf(stderr, "wavtool: %s: %s\n", path, sf_strerror(NULL));
        return 2;
    }
    const char *c = sf_get_string(sf, SF_STR_COMMENT);
    printf("rate %d\nchannels %d\nframes %lld\nfloat %d\ncomment %s\n", si.samplerate,
           si.channels, (long long)si.frames, (si.format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT,
           c ? c : "");
    sf_close(sf);
    return 0;
}

static int parse_value(const char *s, double *v)
{
    char *end;
    if (!strcmp(s, "nan"))
        *v = NAN;
    else if (!strcmp(s, "inf"))
        *v = INFINITY;
    else if (!strcmp(s, "-inf"))
        *v = -INFINITY;
    else {
        *v = strtod(s, &end);
        return end != s && *end == '\0';
    }
    return 1;
}

static int poke(const char *in, const char *out, long long frame, int channel, double value)
{
    SF_INFO si;
    memset(&si, 0, sizeof si);
    SNDFILE *sf = sf_open(in, SFM_READ, &si);
    if (!sf) {
        fprintf(stderr, "wavtool: %s: %s\n", in, sf_strerror(NULL));
        return 2;
    }
    if (frame < 0 || frame >= si.frames || channel < 1 || channel > si.channels) {
        fprintf(stderr, "wavtool: %s: no sample at frame %lld, channel %d\n", in, frame, channel);
        sf_close(sf);
        return 2;
    }
    size_t n = (size_t)si.frames * (size_t)si.channels;
    double *x = malloc(n * sizeof *x);
    if (!x || sf_readf_double(sf, x, si.frames) != si.frames) {
        fprintf(stderr, "wavtool: %s: cannot read\n", in);
        free(x);
        sf_close(sf);
        return 2;
    }
    sf_close(sf);
    x[(size_t)frame * (size_t)si.channels + (size_t)(channel - 1)] = value;
    SF_INFO so = {0};
    so.samplerate = si.samplerate;
    so.channels = si.channels;
    so.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE *of = sf_open(out, SFM_WRITE, &so);
    int ok = of && sf_writef_double(of, x, si.frames) == si.frames;
    if (of)
        ok = sf_close(of) == 0 && ok;
    free(x);
    if (!ok) {
        fprintf(stderr, "wavtool: %s: cannot write\n", out);
        return 2;
    }
    return 0;
}

static int response(const char *wav, const char *grid)
{
    SF_INFO si;
    memset(&si, 0, sizeof si);
    SNDFILE *sf = sf_open(wav, SFM_READ, &si);
    if (!sf) {
        fprintf(stderr, "wavtool: %s: %s\n", wav, sf_strerror(NULL));
        return 2;
    }
    size_t n = (size_t)si.frames;
    double *h = si.channels == 1 ? malloc(n * sizeof *h) : NULL;
    int ok = h && sf_readf_double(sf, h, si.frames) == si.frames;
    sf_close(sf);
    FILE *g = ok ? fopen(grid, "r") : NULL;
    if (!g) {
        fprintf(stderr, "wavtool: %s or %s: cannot read (a mono FIR and a CSV)\n", wav, grid);
        free(h);
        return 2;
    }
    char line[512];
    while (fgets(line, sizeof line, g)) {
        char *end;
        double f = strtod(line, &end);
        if (end == line)
            continue;
        double w = 2 * M_PI * f / si.samplerate, re = 0, im = 0;
        for (size_t k = 0; k < n; k++) {
            re += h[k] * cos(w * (double)k);
            im -= h[k] * sin(w * (double)k);
        }
        printf("%.6f,%.6f\n", f, 10 * log10(re * re + im * im));
    }
    fclose(g);
    free(h);
    return 0;
}

int main(int argc, char **argv)
{
    double v;
    if (argc == 3 && !strcmp(argv[1], "info"))
        return info(argv[2]);
    if (argc == 7 && !strcmp(argv[1], "poke") && parse_value(argv[6], &v))
        return poke(argv[2], argv[3], atoll(argv[4]), atoi(argv[5]), v);
    if (argc == 4 && !strcmp(argv[1], "response"))
        return response(argv[2], argv[3]);
    fprintf(stderr, "usage: wavtool info FILE | wavtool poke IN OUT FRAME CHANNEL VALUE | "
                    "wavtool response FIR.wav GRID.csv\n");
    return 2;
}
