/* SPDX-License-Identifier: MIT */
/* formats/: audio round trips and rejections through libsndfile, atomic output sets under
 * write failures (RLIMIT_FSIZE), JSON writer/reader round trips and malformed input with
 * positions, CSV formatting. Seeded mutation loops check that no input crashes a reader. */
#include "t.h"
#include "formats/audio.h"
#include "formats/csv.h"
#include "formats/json.h"
#include "formats/num.h"
#include "formats/outset.h"
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED 20240611u

static char tmpdir[64];

/* ---- file helpers ---- */

static char *pathf(const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Entries in dir other than . and .., or -1 when dir cannot be opened. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            char *nb = realloc(buf, cap + 1);
            if (!nb)
                break;
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int file_is(const char *path, const char *content)
{
    size_t len;
    char *s = slurp(path, &len);
    int ok = s && len == strlen(content) && memcmp(s, content, len) == 0;
    free(s);
    return ok;
}

static void put_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(content, f);
        fclose(f);
    }
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Sets RLIMIT_FSIZE's soft limit (bytes) and returns the old one. */
static rlim_t set_fsize(rlim_t lim)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_FSIZE, &rl) == 0);
    rlim_t old = rl.rlim_cur;
    rl.rlim_cur = lim;
    CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
    return old;
}

static uint32_t rng(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* ---- audio ---- */

/* Values exactly representable in float, so a float WAV must give them back bit for bit. */
static void fill_exact(hp_audio *a)
{
    for (size_t i = 0; i < a->frames * a->channels; i++)
        a->data[i] = (double)((long)(i * 7919 % 4001) - 2000) / 1024.0;
}

static void audio_roundtrip(unsigned channels, const char *comment)
{
    hp_audio a, b;
    hp_diag d;
    CHECK(hp_audio_alloc(&a, 1000, channels, 44100) == HP_OK);
    fill_exact(&a);
    a.comment = comment ? strdup(comment) : NULL;
    CHECK(hp_audio_write_float(pathf("rt.wav"), &a) == HP_OK);
    CHECK(hp_audio_read(pathf("rt.wav"), &b, &d) == HP_OK);
    CHECK(b.frames == 1000 && b.channels == channels && b.rate_hz == 44100);
    CHECK(b.data && memcmp(a.data, b.data, 1000 * channels * sizeof(double)) == 0);
    if (comment && comment[0])
        CHECK(b.comment && strcmp(b.comment, comment) == 0);
    else
        CHECK(b.comment == NULL);
    double *ch = calloc(1000, sizeof *ch);
    CHECK(hp_audio_channel(&b, channels - 1, ch) == HP_OK);
    CHECK(ch[999] == a.data[999 * channels + channels - 1]);
    CHECK(hp_audio_channel(&b, channels, ch) == HP_EINVAL);
    free(ch);
    hp_audio_release(&a);
    hp_audio_release(&b);
    CHECK(b.data == NULL && b.comment == NULL && b.frames == 0);
}

/* Writes frames x channels of data with libsndfile directly in the given format. */
static void write_sndfile(const char *path, int format, int channels, const double *data,
                         sf_count_t frames)
{
    SF_INFO info = {.samplerate = 48000, .channels = channels, .format = format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    CHECK(sf != NULL);
    if (!sf)
        return;
    CHECK(sf_writef_double(sf, data, frames) == frames);
    sf_close(sf);
}

static void audio_pcm16(void)
{
    const short pcm[] = {0, 16384, -16384, 32767, -32768, 1};
    SF_INFO info = {.samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(pathf("pcm16.wav"), SFM_WRITE, &info);
    CHECK(sf != NULL);
    if (sf) {
        CHECK(sf_write_short(sf, pcm, 6) == 6);
        sf_close(sf);
    }
    hp_audio a;
    CHECK(hp_audio_read(pathf("pcm16.wav"), &a, NULL) == HP_OK);
    CHECK(a.frames == 6 && a.channels == 1 && a.rate_hz == 48000);
    for (size_t i = 0; i < a.frames && a.data; i++)
        CHECK(a.data[i] == pcm[i] / 32768.0); /* libsndfile scales integers by 1/32768 */
    hp_audio_release(&a);
}

static void audio_nonfinite(void)
{
    double *x = calloc(2000 * 2, sizeof *x);
    x[1234 * 2 + 1] = NAN;
    x[1500 * 2] = INFINITY; /* later: the first bad sample is the one reported */
    write_sndfile(pathf("nan.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, x, 2000);
    hp_audio a;
    hp_diag d;
    CHECK(hp_audio_read(pathf("nan.wav"), &a, &d) == HP_EPARSE);
    CHECK(d.sample == 1234 && d.channel == 2);
    CHECK(strcmp(d.reason, "sample 1234 of channel 2 is NaN") == 0);
    CHECK(a.data == NULL && a.frames == 0);
    x[1234 * 2 + 1] = 0;
    x[1500 * 2] = -INFINITY;
    write_sndfile(pathf("inf.wav"), SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 2, x, 2000);
    CHECK(hp_audio_read(pathf("inf.wav"), &a, &d) == HP_EPARSE);
    CHECK(d.sample == 1500 && d.channel == 1 && strstr(d.reason, "infinite"));
    /* Our writer refuses to produce such files at all. */
    CHECK(hp_audio_alloc(&a, 10, 1, 48000) == HP_OK);
    a.data[3] = NAN;
    CHECK(hp_audio_write_float(pathf("w.wav"), &a) == HP_EINVAL);
    CHECK(!exists(pathf("w.wav")));
    hp_audio_release(&a);
    free(x);
}

static void audio_rejects(void)
{
    hp_audio a;
    hp_diag d;
    put_file(pathf("text.wav"), "frequency,level\n20,-3.1\n1000,0\n");
    CHECK(hp_audio_read(pathf("text.wav"), &a, &d) == HP_EFORMAT);
    CHECK(d.reason[0] != '\0' && a.data == NULL);
    put_file(pathf("empty.wav"), "");
    CHECK(hp_audio_read(pathf("empty.wav"), &a, &d) == HP_ENODATA);
    CHECK(hp_audio_read_mem("", 0, &a, &d) == HP_ENODATA);
    write_sndfile(pathf("zero.wav"), SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, NULL, 0);
    CHECK(hp_audio_read(pathf("zero.wav"), &a, &d) == HP_ENODATA);
    CHECK(strcmp(d.reason, "no audio frames") == 0);
    CHECK(hp_audio_read(pathf("missing.wav"), &a, &d) == HP_EIO);
    CHECK(strstr(d.reason, "No such file") != NULL);
    CHECK(hp_audio_read(tmpdir, &a, &d) == HP_EFORMAT);
    CHECK(hp_audio_read(NULL, &a, &d) == HP_EINVAL);
    CHECK(hp_audio_read_mem(NULL, 5, &a, &d) == HP_EINVAL);
    /* API misuse on the writing side. */
    CHECK(hp_audio_alloc(&a, 0, 1, 48000) == HP_EINVAL);
    CHECK(hp_audio_alloc(&a, 10, 0, 48000) == HP_EINVAL);
    CHECK(hp_audio_alloc(&a, 10, 65, 48000) == HP_EINVAL);
    CHECK(hp_audio_alloc(&a, 10, 1, 0) == HP_EINVAL);
    CHECK(hp_audio_alloc(&a, 10, 1, NAN) == HP_EINVAL);
    CHECK(hp_audio_alloc(&a, SIZE_MAX / 4, 2, 48000) == HP_ENOMEM);
    CHECK(a.data == NULL);
    CHECK(hp_audio_write_float(pathf("w.wav"), &a) == HP_EINVAL);
    CHECK(hp_audio_alloc(&a, 10, 1, 44100.5) == HP_OK);
    CHECK(hp_audio_write_float(pathf("w.wav"), &a) == HP_EINVAL); /* WAV rates are integers */
    CHECK(hp_audio_write_float(NULL, &a) == HP_EINVAL);
    CHECK(hp_audio_channel(&a, 0, NULL) == HP_EINVAL);
    hp_audio_release(&a);
    hp_audio_release(NULL);
}

/* Every prefix and many random corruptions of a valid file: never a crash, and whatever is
 * accepted is a sane buffer. */
static void audio_mem_fuzz(void)
{
    hp_audio a, b;
    hp_diag d;
    CHECK(hp_audio_alloc(&a, 300, 2, 48000) == HP_OK);
    fill_exact(&a);
    a.comment = strdup("odd-length comment");
    CHECK(hp_audio_write_float(pathf("m.wav"), &a) == HP_OK);
    size_t len;
    unsigned char *bytes = (unsigned char *)slurp(pathf("m.wav"), &len);
    CHECK(bytes != NULL);
    CHECK(hp_audio_read_mem(bytes, len, &b, &d) == HP_OK);
    CHECK(b.frames == 300 && b.data && memcmp(a.data, b.data, 600 * sizeof(double)) == 0);
    CHECK(b.comment && strcmp(b.comment, a.comment) == 0);
    hp_audio_release(&b);
    /* No strict prefix passes as a shorter recording; a cut inside the samples says so. */
    int sane = 1, truncated = 0;
    for (size_t n = 0; n < len; n++) {
        hp_err e = hp_audio_read_mem(bytes, n, &b, &d);
        sane &= e != HP_OK && b.data == NULL && d.reason[0] != '\0';
        truncated += e == HP_EFORMAT && strncmp(d.reason, "truncated", 9) == 0;
        hp_audio_release(&b);
    }
    CHECK(sane);
    CHECK(truncated >= 2400); /* the 2400 bytes of samples come last */
    uint32_t s = SEED;
    unsigned char *m = malloc(len);
    for (int it = 0; it < 3000 && m; it++) {
        memcpy(m, bytes, len);
        for (int k = 0; k < 1 + (int)(rng(&s) % 4); k++) /* mostly the header and chunk sizes */
            m[rng(&s) % (it % 2 ? len : 120)] = (unsigned char)rng(&s);
        if (hp_audio_read_mem(m, len, &b, &d) == HP_OK)
            sane &= b.frames > 0 && b.channels >= 1 && b.channels <= 64 && b.rate_hz > 0;
        hp_audio_release(&b);
    }
    if (!sane)
        fprintf(stderr, "audio_mem_fuzz: seed %u\n", SEED);
    CHECK(sane);
    free(m);
    free(bytes);
    hp_audio_release(&a);
}

/* Comments up to libsndfile's limit round-trip; longer ones are refused, not truncated, and
 * the refusal leaves an existing file alone. */
static void audio_long_comment(void)
{
    hp_audio a, b;
    CHECK(hp_audio_alloc(&a, 10, 1, 48000) == HP_OK);
    a.comment = malloc(3001);
    memset(a.comment, 'c', 3000);
    a.comment[2000] = '\0';
    CHECK(hp_audio_write_float(pathf("c.wav"), &a) == HP_OK);
    CHECK(hp_audio_read(pathf("c.wav"), &b, NULL) == HP_OK && b.comment && strlen(b.comment) == 2000);
    hp_audio_release(&b);
    a.comment[2000] = 'c';
    a.comment[3000] = '\0';
    /* Refused before the file is touched: the one written above is still whole. */
    CHECK(hp_audio_write_float(pathf("c.wav"), &a) == HP_ERANGE);
    CHECK(hp_audio_read(pathf("c.wav"), &b, NULL) == HP_OK && b.comment && strlen(b.comment) == 2000);
    hp_audio_release(&b);
    hp_audio_release(&a);
}

/* Cut-off AIFF and FLAC files are errors too, not shorter recordings. */
static void audio_truncated_formats(void)
{
    const int formats[] = {SF_FORMAT_AIFF | SF_FORMAT_PCM_16, SF_FORMAT_FLAC | SF_FORMAT_PCM_16,
                           SF_FORMAT_WAV | SF_FORMAT_PCM_24};
    double x[4000];
    for (int i = 0; i < 4000; i++)
        x[i] = sin(i * 0.05) * 0.5;
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        write_sndfile(pathf("t.snd"), formats[f], 1, x, 4000);
        size_t len;
        char *bytes = slurp(pathf("t.snd"), &len);
        hp_audio a;
        hp_diag d;
        CHECK(bytes && hp_audio_read_mem(bytes, len, &a, &d) == HP_OK && a.frames == 4000);
        hp_audio_release(&a);
        CHECK(bytes && hp_audio_read_mem(bytes, len - len / 4, &a, &d) == HP_EFORMAT);
        CHECK(a.data == NULL && d.reason[0] != '\0');
        free(bytes);
    }
}

/* hp_audio_read_f reads what hp_audio_read reads, as floats (exactly, for float and up to
 * 24-bit files), with the same errors and diagnostics. */
static void audio_float_read(void)
{
    static const char *const files[] = {"rt.wav", "pcm16.wav", "m.wav", "nan.wav", "inf.wav",
                                        "text.wav", "empty.wav", "zero.wav", "missing.wav",
                                        "c.wav"};
    int same = 1;
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        hp_audio a;
        hp_audio_f f;
        hp_diag da, df;
        hp_err ea = hp_audio_read(pathf(files[k]), &a, &da);
        hp_err ef = hp_audio_read_f(pathf(files[k]), &f, &df);
        same &= ea == ef && strcmp(da.reason, df.reason) == 0 && da.sample == df.sample &&
                da.channel == df.channel && a.frames == f.frames && a.channels == f.channels &&
                a.rate_hz == f.rate_hz && (!a.comment) == (!f.comment) &&
                (!a.comment || strcmp(a.comment, f.comment) == 0);
        for (size_t i = 0; same && i < a.frames * a.channels; i++)
            same &= (double)f.data[i] == a.data[i];
        if (!same)
            fprintf(stderr, "audio_float_read: %s differs\n", files[k]);
        hp_audio_release(&a);
        hp_audio_f_release(&f);
        CHECK(f.data == NULL && f.comment == NULL && f.frames == 0);
    }
    CHECK(same);
    /* 24-bit integers are exact in float too. */
    double x[3] = {0.5, -8388607.0 / 8388608.0, 1.0 / 8388608.0};
    write_sndfile(pathf("p24.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_24, 1, x, 3);
    hp_audio_f f;
    hp_audio a;
    CHECK(hp_audio_read_f(pathf("p24.wav"), &f, NULL) == HP_OK && f.frames == 3);
    CHECK(hp_audio_read(pathf("p24.wav"), &a, NULL) == HP_OK && a.frames == 3);
    for (int i = 0; i < 3 && f.data && a.data; i++)
        CHECK((double)f.data[i] == a.data[i] && fabs(a.data[i] - x[i]) < 1e-6);
    hp_audio_release(&a);
    hp_audio_f_release(&f);
    hp_audio_f_release(NULL);
    CHECK(hp_audio_read_f(NULL, &f, NULL) == HP_EINVAL);
}

/* A WAV written into a stream after other bytes: the same bytes as hp_audio_write_float
 * writes to a path, readable from where the stream stood; a bad buffer writes nothing, and
 * a stream that cannot be written to is HP_EIO. */
static void audio_stream_write(void)
{
    hp_audio a, b;
    hp_diag d;
    CHECK(hp_audio_alloc(&a, 777, 2, 96000) == HP_OK);
    fill_exact(&a);
    a.comment = strdup("stream comment");
    CHECK(hp_audio_write_float(pathf("path.wav"), &a) == HP_OK);
    FILE *f = fopen(pathf("stream.wav"), "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("XYZ", f);
    CHECK(hp_audio_write_float_stream(f, &a) == HP_OK);
    double keep = a.data[5];
    a.data[5] = NAN;
    long before = ftell(f);
    CHECK(hp_audio_write_float_stream(f, &a) == HP_EINVAL && ftell(f) == before);
    a.data[5] = keep;
    CHECK(hp_audio_write_float_stream(NULL, &a) == HP_EINVAL);
    fclose(f);
    size_t n1 = 0, n2 = 0;
    char *p1 = slurp(pathf("path.wav"), &n1), *p2 = slurp(pathf("stream.wav"), &n2);
    CHECK(p1 && p2 && n2 == n1 + 3 && memcmp(p2, "XYZ", 3) == 0 && memcmp(p2 + 3, p1, n1) == 0);
    CHECK(p2 && hp_audio_read_mem(p2 + 3, n2 - 3, &b, &d) == HP_OK);
    CHECK(b.frames == 777 && b.channels == 2 && b.rate_hz == 96000);
    CHECK(b.data && memcmp(a.data, b.data, 777 * 2 * sizeof(double)) == 0);
    CHECK(b.comment && strcmp(b.comment, "stream comment") == 0);
    free(p1);
    free(p2);
    hp_audio_release(&b);
    f = fopen(pathf("stream.wav"), "r");
    CHECK(f && hp_audio_write_float_stream(f, &a) == HP_EIO);
    if (f)
        fclose(f);
    hp_audio_release(&a);
}

static void audio_tests(void)
{
    audio_roundtrip(1, NULL);
    audio_roundtrip(3, "sweep 20 Hz - 20 kHz, \xC3\x84\xE2\x82\xAC\xF0\x9F\x8E\xA7 odd");
    audio_roundtrip(1, "even length!");
    audio_roundtrip(2, "");
    audio_pcm16();
    audio_nonfinite();
    audio_rejects();
    audio_mem_fuzz();
    audio_long_comment();
    audio_truncated_formats();
    audio_float_read();
    audio_stream_write();
}

/* ---- outset ---- */

static void outset_commit_and_abort(void)
{
    hp_err e;
    hp_outset *s = hp_outset_new(pathf("a/b/c"), &e);
    CHECK(s != NULL && e == HP_OK);
    CHECK(hp_outset_dir(s) && strcmp(hp_outset_dir(s), pathf("a/b/c")) == 0);
    FILE *f = hp_outset_fopen(s, "summary.txt");
    CHECK(f != NULL);
    if (f)
        fputs("hello\n", f);
    const char *tmp = hp_outset_path(s, "ir.wav");
    CHECK(tmp != NULL && strstr(tmp, "/.ir.wav.tmp-") != NULL);
    hp_audio a;
    CHECK(hp_audio_alloc(&a, 64, 1, 48000) == HP_OK);
    CHECK(tmp && hp_audio_write_float(tmp, &a) == HP_OK);
    CHECK(!exists(pathf("a/b/c/summary.txt")) && !exists(pathf("a/b/c/ir.wav")));
    CHECK(hp_outset_commit(s) == HP_OK);
    CHECK(hp_outset_commit(s) == HP_EINVAL);
    hp_outset_free(s);
    CHECK(file_is(pathf("a/b/c/summary.txt"), "hello\n"));
    hp_audio b;
    CHECK(hp_audio_read(pathf("a/b/c/ir.wav"), &b, NULL) == HP_OK && b.frames == 64);
    hp_audio_release(&b);
    CHECK(count_entries(pathf("a/b/c")) == 2);

    /* Abort: nothing new is left, not even the directories the set created. */
    s = hp_outset_new(pathf("n1/n2"), &e);
    CHECK(s != NULL);
    f = hp_outset_fopen(s, "x.txt");
    CHECK(f != NULL);
    if (f)
        fputs("partial", f);
    CHECK((tmp = hp_outset_path(s, "y.wav")) != NULL);
    CHECK(tmp && hp_audio_write_float(tmp, &a) == HP_OK);
    hp_outset_free(s);
    CHECK(!exists(pathf("n1")));
    hp_audio_release(&a);
    hp_outset_free(NULL);
}

static void outset_replace_and_misuse(void)
{
    put_file(pathf("a/b/c/summary.txt"), "old\n");
    hp_outset *s = hp_outset_new(pathf("a/b/c"), NULL);
    FILE *f = hp_outset_fopen(s, "summary.txt");
    CHECK(f != NULL);
    if (f)
        fputs("new\n", f);
    fflush(f);
    CHECK(file_is(pathf("a/b/c/summary.txt"), "old\n"));
    CHECK(hp_outset_path(s, "summary.txt") == NULL); /* registered twice */
    CHECK(hp_outset_path(s, "sub/x") == NULL);
    CHECK(hp_outset_path(s, "..") == NULL && hp_outset_path(s, "") == NULL);
    CHECK(hp_outset_fopen(NULL, "x") == NULL);
    CHECK(hp_outset_commit(s) == HP_OK);
    CHECK(file_is(pathf("a/b/c/summary.txt"), "new\n"));
    CHECK(hp_outset_path(s, "late.txt") == NULL); /* committed sets are closed */
    hp_outset_free(s);
    CHECK(count_entries(pathf("a/b/c")) == 2);
    /* An aborted replacement leaves the existing file and directory alone. */
    s = hp_outset_new(pathf("a/b/c"), NULL);
    f = hp_outset_fopen(s, "summary.txt");
    if (f)
        fputs("discarded\n", f);
    hp_outset_free(s);
    CHECK(file_is(pathf("a/b/c/summary.txt"), "new\n") && count_entries(pathf("a/b/c")) == 2);

    hp_err e;
    CHECK(hp_outset_new("", &e) == NULL && e == HP_EINVAL);
    CHECK(hp_outset_new(NULL, &e) == NULL && e == HP_EINVAL);
    CHECK(hp_outset_new(pathf("a/b/c/summary.txt/d"), &e) == NULL && e == HP_EIO);
    CHECK(hp_outset_commit(NULL) == HP_EINVAL);
    CHECK(hp_outset_dir(NULL) == NULL);
}

/* A file missing at commit, or a directory where a file should go, stops the whole set. */
static void outset_blocked(void)
{
    CHECK(mkdir(pathf("blk"), 0777) == 0 && mkdir(pathf("blk/ir.wav"), 0777) == 0);
    hp_outset *s = hp_outset_new(pathf("blk"), NULL);
    FILE *f = hp_outset_fopen(s, "a.txt");
    if (f)
        fputs("a", f);
    CHECK(hp_outset_path(s, "ir.wav") != NULL);
    CHECK(hp_outset_commit(s) == HP_EIO);
    hp_outset_free(s);
    CHECK(!exists(pathf("blk/a.txt")) && count_entries(pathf("blk")) == 1);

    s = hp_outset_new(pathf("blk"), NULL);
    const char *tmp = hp_outset_path(s, "gone.wav");
    CHECK(tmp && unlink(tmp) == 0);
    CHECK(hp_outset_commit(s) == HP_EIO);
    hp_outset_free(s);
    CHECK(count_entries(pathf("blk")) == 1);
}

/* Two threads register and write files of one set at once (through both kinds of
 * registration) and mark them written; the commit publishes every file intact. */
typedef struct {
    hp_outset *set;
    int id, ok;
} set_writer;

static void *write_some(void *arg)
{
    set_writer *w = arg;
    w->ok = 1;
    for (int i = 0; i < 25; i++) {
        char name[32];
        snprintf(name, sizeof name, "t%d-%02d.txt", w->id, i);
        if (i % 5 == 4) {
            const char *tmp = hp_outset_path(w->set, name);
            FILE *f = tmp ? fopen(tmp, "w") : NULL;
            w->ok &= f && fprintf(f, "%s\n", name) > 0 && fclose(f) == 0;
        } else {
            FILE *f = hp_outset_fopen(w->set, name);
            w->ok &= f && fprintf(f, "%s\n", name) > 0;
        }
        w->ok &= hp_outset_written(w->set, name) == HP_OK;
    }
    return NULL;
}

static void outset_threads(void)
{
    hp_outset *s = hp_outset_new(pathf("thr"), NULL);
    set_writer w[2] = {{s, 1, 0}, {s, 2, 0}};
    pthread_t t;
    CHECK(s && pthread_create(&t, NULL, write_some, &w[0]) == 0);
    write_some(&w[1]);
    pthread_join(t, NULL);
    CHECK(w[0].ok && w[1].ok);
    CHECK(hp_outset_written(s, "unknown.txt") == HP_EINVAL);
    CHECK(hp_outset_commit(s) == HP_OK);
    hp_outset_free(s);
    int intact = 1;
    for (int id = 1; id <= 2; id++)
        for (int i = 0; i < 25; i++) {
            char name[32], want[40];
            snprintf(name, sizeof name, "thr/t%d-%02d.txt", id, i);
            snprintf(want, sizeof want, "%s\n", name + 4);
            intact &= file_is(pathf(name), want);
        }
    CHECK(intact && count_entries(pathf("thr")) == 50);
}

/* Names reserved ahead: taken over by either kind of registration, registered only once, and
 * dropped at commit (or free) when nobody wrote them. */
static void outset_reserve(void)
{
    CHECK(mkdir(pathf("res"), 0777) == 0);
    put_file(pathf("res/kept.txt"), "old\n");
    hp_outset *s = hp_outset_new(pathf("res"), NULL);
    CHECK(hp_outset_reserve(s, "a.txt") == HP_OK && hp_outset_reserve(s, "b.wav") == HP_OK);
    CHECK(hp_outset_reserve(s, "unused.txt") == HP_OK && hp_outset_reserve(s, "kept.txt") == HP_OK);
    CHECK(hp_outset_reserve(s, "a.txt") == HP_EINVAL && hp_outset_reserve(s, "x/y") == HP_EINVAL);
    CHECK(count_entries(pathf("res")) == 5); /* four temporaries and kept.txt */
    FILE *f = hp_outset_fopen(s, "a.txt");
    CHECK(f && fputs("a\n", f) >= 0);
    CHECK(hp_outset_fopen(s, "a.txt") == NULL); /* taken once only */
    const char *tmp = hp_outset_path(s, "b.wav");
    FILE *g = tmp ? fopen(tmp, "w") : NULL;
    CHECK(g && fputs("b\n", g) >= 0 && fclose(g) == 0);
    CHECK(hp_outset_commit(s) == HP_OK);
    hp_outset_free(s);
    CHECK(file_is(pathf("res/a.txt"), "a\n") && file_is(pathf("res/b.wav"), "b\n"));
    CHECK(file_is(pathf("res/kept.txt"), "old\n") && !exists(pathf("res/unused.txt")));
    CHECK(count_entries(pathf("res")) == 3);
    /* A set freed without commit removes its reservations and the directory it made. */
    s = hp_outset_new(pathf("res2/sub"), NULL);
    CHECK(hp_outset_reserve(s, "r.txt") == HP_OK && count_entries(pathf("res2/sub")) == 1);
    hp_outset_free(s);
    CHECK(!exists(pathf("res2")));
    CHECK(hp_outset_reserve(NULL, "r.txt") == HP_EINVAL);
}

/* RLIMIT_FSIZE makes writes fail with EFBIG (SIGXFSZ ignored): reported, nothing renamed. */
static void outset_fsize(void)
{
    put_file(pathf("a/b/c/big.txt"), "previous\n");
    hp_outset *s = hp_outset_new(pathf("a/b/c"), NULL);
    FILE *small = hp_outset_fopen(s, "small.txt");
    FILE *big = hp_outset_fopen(s, "big.txt");
    CHECK(small && big);
    rlim_t old = set_fsize(4096);
    if (small && big) {
        fputs("fits\n", small);
        for (int i = 0; i < 1000; i++)
            fputs("0123456789abcdef0123456789abcdef\n", big);
    }
    CHECK(hp_outset_commit(s) == HP_EIO);
    /* libsndfile writers through hp_outset_path fail the same way. */
    hp_outset *s2 = hp_outset_new(pathf("a/b/c"), NULL);
    hp_audio a;
    CHECK(hp_audio_alloc(&a, 48000, 2, 48000) == HP_OK);
    const char *tmp = hp_outset_path(s2, "big.wav");
    errno = 0;
    CHECK(tmp && hp_audio_write_float(tmp, &a) == HP_EIO);
    CHECK(errno == EFBIG);
    set_fsize(old);
    hp_audio_release(&a);
    CHECK(hp_outset_commit(s2) == HP_EIO);
    hp_outset_free(s2);
    hp_outset_free(s);
    CHECK(file_is(pathf("a/b/c/big.txt"), "previous\n"));
    CHECK(!exists(pathf("a/b/c/small.txt")) && !exists(pathf("a/b/c/big.wav")));
    CHECK(count_entries(pathf("a/b/c")) == 3); /* summary.txt, ir.wav, big.txt */
}

static void write_atomic(void)
{
    const char *p = pathf("one.json");
    CHECK(hp_write_file_atomic(p, "{}\n", 3) == HP_OK);
    CHECK(file_is(p, "{}\n"));
    CHECK(chmod(p, 0600) == 0);
    CHECK(hp_write_file_atomic(p, "[1]\n", 4) == HP_OK);
    struct stat st;
    CHECK(file_is(p, "[1]\n") && stat(p, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(hp_write_file_atomic(p, NULL, 0) == HP_OK && file_is(p, ""));
    CHECK(hp_write_file_atomic(p, "kept\n", 5) == HP_OK);
    int before = count_entries(tmpdir);
    size_t n = 100000;
    char *big = malloc(n);
    memset(big, 'x', n);
    rlim_t old = set_fsize(4096);
    CHECK(hp_write_file_atomic(p, big, n) == HP_EIO);
    set_fsize(old);
    CHECK(file_is(p, "kept\n") && count_entries(tmpdir) == before);
    free(big);
    CHECK(hp_write_file_atomic(pathf("nodir/x"), "x", 1) == HP_EIO);
    CHECK(hp_write_file_atomic(pathf("dir/"), "x", 1) == HP_EINVAL);
    CHECK(hp_write_file_atomic(NULL, "x", 1) == HP_EINVAL);
    CHECK(hp_write_file_atomic(p, NULL, 1) == HP_EINVAL);
}

static void outset_tests(void)
{
    outset_commit_and_abort();
    outset_replace_and_misuse();
    outset_blocked();
    outset_fsize();
    outset_threads();
    outset_reserve();
    write_atomic();
}

/* ---- JSON ---- */

static char *json_to_string(void (*build)(hp_json *), hp_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    hp_json j;
    hp_json_init(&j, f);
    build(&j);
    *err = hp_json_finish(&j);
    fclose(f);
    return buf;
}

static void build_small(hp_json *j)
{
    hp_json_obj_begin(j, NULL);
    hp_json_arr_begin(j, "a");
    hp_json_int(j, NULL, 1);
    hp_json_num(j, NULL, 0.1);
    hp_json_arr_end(j);
    hp_json_obj_begin(j, "b");
    hp_json_obj_end(j);
    hp_json_arr_begin(j, "c");
    hp_json_arr_end(j);
    hp_json_num(j, "nan", NAN);
    hp_json_obj_end(j);
}

static const char *const tricky = "q\" b\\ nl\n tab\t cr\r bell\x07 del\x7f / "
                                  "\xC3\xA4\xE2\x82\xAC\xF0\x9F\x8E\xA7";
static const double nums[] = {0.1, 1.0 / 3, -0.0, 1e300, 5e-324, -2.5e-7, 48000, 1e21};

static void build_big(hp_json *j)
{
    hp_json_obj_begin(j, NULL);
    hp_json_str(j, "tricky", tricky);
    hp_json_str(j, "bad utf8", "a\xFF" "b");
    hp_json_str(j, "none", NULL);
    hp_json_bool(j, "yes", 1);
    hp_json_bool(j, "no", 0);
    hp_json_null(j, "nil");
    hp_json_int(j, "min", LLONG_MIN);
    hp_json_num(j, "inf", -INFINITY);
    hp_json_arr_begin(j, "nums");
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        hp_json_num(j, NULL, nums[i]);
    hp_json_arr_end(j);
    hp_json_obj_begin(j, "nest");
    hp_json_arr_begin(j, "deep");
    hp_json_arr_begin(j, NULL);
    hp_json_obj_begin(j, NULL);
    hp_json_str(j, "k", "v");
    hp_json_obj_end(j);
    hp_json_arr_end(j);
    hp_json_arr_end(j);
    hp_json_obj_end(j);
    hp_json_obj_end(j);
}

static void json_write_read(void)
{
    hp_err e;
    char *s = json_to_string(build_small, &e);
    CHECK(e == HP_OK);
    CHECK(s && strcmp(s, "{\n  \"a\": [\n    1,\n    0.1\n  ],\n  \"b\": {},\n  \"c\": [],\n"
                         "  \"nan\": null\n}\n") == 0);
    free(s);
    s = json_to_string(build_big, &e);
    CHECK(e == HP_OK && s);
    CHECK(s && strstr(s, "\"q\\\" b\\\\ nl\\n tab\\t cr\\r bell\\u0007 del\x7f / \xC3\xA4"));
    hp_diag d;
    hp_jval *v = s ? hp_json_parse(s, strlen(s), &e, &d) : NULL;
    CHECK(v != NULL && e == HP_OK);
    CHECK(hp_json_as_str(hp_json_get(v, "tricky")) && strcmp(hp_json_as_str(hp_json_get(v, "tricky")), tricky) == 0);
    CHECK(strcmp(hp_json_as_str(hp_json_get(v, "bad utf8")), "a\xEF\xBF\xBD" "b") == 0);
    CHECK(hp_json_is_null(hp_json_get(v, "none")) && hp_json_is_null(hp_json_get(v, "nil")));
    CHECK(hp_json_is_null(hp_json_get(v, "inf")));
    CHECK(hp_json_as_bool(hp_json_get(v, "yes"), 0) == 1 && hp_json_as_bool(hp_json_get(v, "no"), 1) == 0);
    CHECK(hp_json_as_num(hp_json_get(v, "min"), 0) == (double)LLONG_MIN);
    const hp_jval *arr = hp_json_get(v, "nums");
    CHECK(hp_json_len(arr) == sizeof nums / sizeof nums[0]);
    for (size_t i = 0; i < hp_json_len(arr); i++) /* bit-exact, including the sign of -0 */
        CHECK(memcmp(&(double){hp_json_as_num(hp_json_at(arr, i), 1)}, &nums[i], sizeof(double)) == 0);
    const hp_jval *k = hp_json_get(hp_json_at(hp_json_at(hp_json_get(hp_json_get(v, "nest"), "deep"), 0), 0), "k");
    CHECK(hp_json_as_str(k) && strcmp(hp_json_as_str(k), "v") == 0);
    CHECK(hp_json_len(v) == 10 && strcmp(hp_json_key_at(v, 0), "tricky") == 0);
    CHECK(hp_json_key_at(v, 10) == NULL && hp_json_key_at(arr, 0) == NULL);
    CHECK(hp_json_line(v) == 1 && hp_json_line(hp_json_get(v, "none")) == 4);
    CHECK(hp_json_type(arr) == HP_JSON_ARR && hp_json_type(v) == HP_JSON_OBJ);
    /* Wrong types and missing values give the defaults. */
    CHECK(hp_json_as_num(hp_json_get(v, "tricky"), -1) == -1 && hp_json_as_str(arr) == NULL);
    CHECK(hp_json_get(arr, "x") == NULL && hp_json_at(v, 0) == NULL && hp_json_at(arr, 99) == NULL);
    CHECK(hp_json_len(NULL) == 0 && hp_json_as_bool(NULL, 7) == 7 && hp_json_line(NULL) == -1);
    CHECK(!hp_json_is_null(NULL) && hp_json_get(v, "missing") == NULL);
    hp_json_free(v);
    /* Every prefix parses or fails cleanly; only the complete text (or it minus the final
     * newline) is accepted. */
    int ok = 1;
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n; i++) {
        hp_jval *p = hp_json_parse(s, i, &e, &d);
        ok &= (p != NULL) == (i == n - 1) && (p || (e == HP_EPARSE && d.line >= 1 && d.column >= 1));
        hp_json_free(p);
    }
    CHECK(ok);
    free(s);
}

static void build_key_in_array(hp_json *j)
{
    hp_json_arr_begin(j, NULL);
    hp_json_int(j, "k", 1);
    hp_json_arr_end(j);
}
static void build_no_key(hp_json *j)
{
    hp_json_obj_begin(j, NULL);
    hp_json_int(j, NULL, 1);
    hp_json_obj_end(j);
}
static void build_two_roots(hp_json *j)
{
    hp_json_int(j, NULL, 1);
    hp_json_int(j, NULL, 2);
}
static void build_mismatch(hp_json *j)
{
    hp_json_obj_begin(j, NULL);
    hp_json_arr_end(j);
}
static void build_unclosed(hp_json *j) { hp_json_arr_begin(j, NULL); }
static void build_nothing(hp_json *j) { (void)j; }
static void build_too_deep(hp_json *j)
{
    for (int i = 0; i < HP_JSON_MAX_DEPTH + 1; i++)
        hp_json_arr_begin(j, NULL);
    for (int i = 0; i < HP_JSON_MAX_DEPTH + 1; i++)
        hp_json_arr_end(j);
}
static void build_max_deep(hp_json *j)
{
    for (int i = 0; i < HP_JSON_MAX_DEPTH; i++)
        hp_json_arr_begin(j, NULL);
    for (int i = 0; i < HP_JSON_MAX_DEPTH; i++)
        hp_json_arr_end(j);
}

static void json_writer_misuse(void)
{
    void (*const bad[])(hp_json *) = {build_key_in_array, build_no_key, build_two_roots,
                                      build_mismatch, build_unclosed, build_nothing, build_too_deep};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hp_err e;
        free(json_to_string(bad[i], &e));
        CHECK(e == HP_EINVAL);
    }
    hp_err e;
    char *s = json_to_string(build_max_deep, &e);
    hp_jval *v = s ? hp_json_parse(s, strlen(s), &e, NULL) : NULL;
    CHECK(v != NULL); /* the writer's deepest document is one the reader accepts */
    hp_json_free(v);
    free(s);
    hp_json j;
    hp_json_init(&j, NULL);
    hp_json_int(&j, NULL, 1);
    CHECK(hp_json_finish(&j) == HP_EINVAL);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        hp_json_init(&j, full);
        build_big(&j);
        CHECK(hp_json_finish(&j) == HP_EIO);
        fclose(full);
    }
}

typedef struct {
    const char *text;
    long line, column;
    const char *reason; /* a substring of diag.reason */
} bad_json;

static const bad_json bad_docs[] = {
    {"{\"a\": \"abc", 1, 7, "unterminated string"},
    {"[1, 2,]", 1, 6, "trailing comma in array"},
    {"{\n  \"a\": 1,\n}", 2, 9, "trailing comma in object"},
    {"{\n  \"a\": [1,\n    2,\n    ]\n}", 3, 6, "trailing comma"},
    {"[\"\\q\"]", 1, 3, "invalid escape '\\q'"},
    {"\"\\u12G4\"", 1, 2, "4 hex digits"},
    {"\"\\ud800\"", 1, 2, "lone UTF-16 surrogate"},
    {"\"x\\udc00\"", 1, 3, "lone UTF-16 surrogate"},
    {"\"\\ud800\\u0041\"", 1, 2, "lone UTF-16 surrogate"},
    {"{\"a\":1} x", 1, 9, "after the JSON value"},
    {"[1] [2]", 1, 5, "after the JSON value"},
    {"[\"\xC3\xA4\", x]", 1, 7, "unexpected 'x'"},
    {"{\"a\":1,\"b\":2,\"a\":3}", 1, 14, "duplicate key \"a\""},
    {"01", 1, 1, "leading zeros"},
    {"[1.]", 1, 2, "digits must follow"},
    {"-", 1, 1, "invalid number"},
    {"1e+", 1, 1, "exponent"},
    {".5", 1, 1, "unexpected '.'"},
    {"+1", 1, 1, "unexpected '+'"},
    {"NaN", 1, 1, "unexpected 'N'"},
    {"[tru]", 1, 2, "invalid literal"},
    {"[1 2]", 1, 4, "expected ',' or ']'"},
    {"{\"a\" 1}", 1, 6, "expected ':'"},
    {"{1:2}", 1, 2, "string key"},
    {"\"a\x01\"", 1, 3, "control character"},
    {"\"a\xC3\x28\"", 1, 3, "invalid UTF-8"},
    {"\"\xED\xA0\x80\"", 1, 2, "invalid UTF-8"},
    {"\"\\u0000\"", 1, 2, "\\u0000"},
    {"1e400", 1, 1, "out of range"},
    {"", 1, 1, "empty document"},
    {" \n\t ", 2, 3, "empty document"},
    {"[1,\n[2,\n", 2, 1, "unterminated array"},
    {"{\"a\":", 1, 6, "end of input"},
    {"\"line\nbreak\"", 1, 1, "unterminated string"},
    {"// comment\n1", 1, 1, "unexpected '/'"},
    {"\xEF\xBB\xBF[,]", 1, 2, "unexpected ','"},
};

static void json_malformed(void)
{
    for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
        const bad_json *b = &bad_docs[i];
        hp_err e = HP_OK;
        hp_diag d;
        hp_jval *v = hp_json_parse(b->text, strlen(b->text), &e, &d);
        int ok = v == NULL && e == HP_EPARSE && d.line == b->line && d.column == b->column &&
                 strstr(d.reason, b->reason) != NULL;
        if (!ok)
            fprintf(stderr, "bad_docs[%zu] %s: got %ld:%ld \"%s\", expected %ld:%ld \"%s\"\n", i,
                    hp_strerror(e), d.line, d.column, d.reason, b->line, b->column, b->reason);
        CHECK(ok);
        hp_json_free(v);
    }
    /* 1000 levels: rejected at the 65th bracket without deep recursion. */
    char deep[2001];
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    deep[2000] = '\0';
    hp_err e;
    hp_diag d;
    CHECK(hp_json_parse(deep, 2000, &e, &d) == NULL && e == HP_EPARSE);
    CHECK(d.line == 1 && d.column == 65 && strstr(d.reason, "nesting"));
    hp_jval *v = hp_json_parse(deep + 1000 - 64, 128, &e, &d); /* exactly 64 is fine */
    CHECK(v != NULL);
    hp_json_free(v);
    CHECK(hp_json_parse(NULL, 3, &e, &d) == NULL && e == HP_EINVAL);
}

static void json_valid_edge_cases(void)
{
    const char *doc = "\xEF\xBB\xBF {\"s\": \"\\ud83c\\udfa7\\/\\b\\f\\u00e4\\u20AC\", "
                      "\"n\": [-0, 1E+2, 0.5e-3, -12.25e1, 0], \"e\": {}, \"t\": true}";
    hp_err e;
    hp_jval *v = hp_json_parse(doc, strlen(doc), &e, NULL);
    CHECK(v != NULL && e == HP_OK);
    const char *s = hp_json_as_str(hp_json_get(v, "s"));
    CHECK(s && strcmp(s, "\xF0\x9F\x8E\xA7/\b\f\xC3\xA4\xE2\x82\xAC") == 0);
    const hp_jval *n = hp_json_get(v, "n");
    CHECK(hp_json_len(n) == 5 && signbit(hp_json_as_num(hp_json_at(n, 0), 1)));
    CHECK(hp_json_as_num(hp_json_at(n, 1), 0) == 100 && hp_json_as_num(hp_json_at(n, 2), 0) == 0.5e-3);
    CHECK(hp_json_as_num(hp_json_at(n, 3), 0) == -122.5);
    CHECK(hp_json_len(hp_json_get(v, "e")) == 0 && hp_json_type(hp_json_get(v, "e")) == HP_JSON_OBJ);
    hp_json_free(v);
    /* Not NUL-terminated: the parser must stop at len. */
    char raw[4] = {'[', '7', ']', 'x'};
    v = hp_json_parse(raw, 3, &e, NULL);
    CHECK(v && hp_json_as_num(hp_json_at(v, 0), 0) == 7);
    hp_json_free(v);
    hp_json_free(NULL);
}

/* Seeded random mutations of a real document: no crash, no leak, errors have positions. */
static void json_fuzz(void)
{
    hp_err e;
    char *s = json_to_string(build_big, &e);
    size_t n = s ? strlen(s) : 0;
    char *m = malloc(n + 1);
    static const char alphabet[] = "{}[],:\"\\u0123456789abcdefDE-+.eEtrufalsn \n\x80\xC3\xED\xF4";
    uint32_t st = SEED;
    int ok = 1;
    for (int it = 0; it < 20000 && m && n; it++) {
        memcpy(m, s, n);
        for (int k = 0; k < 1 + (int)(rng(&st) % 3); k++)
            m[rng(&st) % n] = alphabet[rng(&st) % (sizeof alphabet - 1)];
        hp_diag d;
        hp_jval *v = hp_json_parse(m, n, &e, &d);
        ok &= v ? e == HP_OK : (e == HP_EPARSE && d.line >= 1 && d.column >= 1 && d.reason[0]);
        hp_json_free(v);
    }
    if (!ok)
        fprintf(stderr, "json_fuzz: seed %u\n", SEED);
    CHECK(ok);
    free(m);
    free(s);
}

static void json_tests(void)
{
    json_write_read();
    json_writer_misuse();
    json_malformed();
    json_valid_edge_cases();
    json_fuzz();
}

/* ---- CSV and numbers ---- */

static void csv_tests(void)
{
    const double f[] = {20, 1000.5, 20000, 0.25};
    const double db[] = {-0.0001, NAN, 3.14159, -INFINITY};
    const double *cols[] = {f, db};
    const int dec[] = {1, 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    CHECK(hp_csv_write(out, "freq_hz,spl_db", cols, 2, 4, dec) == HP_OK);
    CHECK(hp_csv_write(out, "x\n", cols, 1, 1, (const int[]){0}) == HP_OK);
    CHECK(hp_csv_write(out, NULL, cols, 2, 0, dec) == HP_OK);
    fclose(out);
    CHECK(buf && strcmp(buf, "freq_hz,spl_db\n20.0,0.00\n1000.5,nan\n20000.0,3.14\n0.2,-inf\n"
                             "x\n20\n") == 0);
    free(buf);
    out = fopen("/dev/null", "w");
    CHECK(hp_csv_write(out, "h", cols, 0, 4, dec) == HP_EINVAL);
    CHECK(hp_csv_write(out, "h", cols, 2, 4, (const int[]){1, 18}) == HP_EINVAL);
    CHECK(hp_csv_write(out, "h", (const double *[]){f, NULL}, 2, 4, dec) == HP_EINVAL);
    CHECK(hp_csv_write(NULL, "h", cols, 2, 4, dec) == HP_EINVAL);
    CHECK(hp_csv_write(out, "h", NULL, 2, 4, dec) == HP_EINVAL);
    fclose(out);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        CHECK(hp_csv_write(full, "h", cols, 2, 4, dec) == HP_EIO);
        fclose(full);
    }
}

/* hp_num_fixed against printf itself (C locale), minus the sign of a value that rounds to
 * zero: values of every magnitude the files hold and beyond, halves and near-halves where
 * rounding is decided, at every number of decimals. */
static void fixed_matches_printf(void)
{
    unsigned long long seed = 12345;
    long mismatches = 0, tried = 0;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(seed >> 11) / 9007199254740992.0; /* [0, 1) */
        int d = (int)((seed >> 3) % 18);
        double v;
        switch (i % 4) {
        case 0: v = (u - 0.5) * pow(10.0, (double)((seed >> 7) % 20) - 9); break;
        case 1: v = (floor(u * 1e6) + 0.5) / pow(10.0, d); break;          /* decimal halves */
        case 2: v = nextafter((floor(u * 1e5) + 0.5) / pow(10.0, d), (seed & 1) ? 1e9 : -1e9); break;
        default: v = -(double)((seed >> 20) % 1000) / 8.0; break;          /* binary halves */
        }
        char want[400], got[400];
        snprintf(want, sizeof want, "%.*f", d, v);
        int zero = 1;
        for (const char *c = want; *c; c++)
            zero &= !(*c >= '1' && *c <= '9');
        const char *w = (want[0] == '-' && zero) ? want + 1 : want;
        tried++;
        if (hp_num_fixed(got, sizeof got, v, d) != HP_OK || strcmp(got, w) != 0) {
            if (mismatches++ < 5)
                fprintf(stderr, "hp_num_fixed(%.17g, %d) = %s, printf %s\n", v, d, got, w);
        }
    }
    CHECK(tried == 200000 && mismatches == 0);
    char b[16];
    CHECK(hp_num_fixed(b, 4, 123.25, 2) == HP_ERANGE); /* too small a buffer, fast path or not */
    CHECK(hp_num_fixed(b, sizeof b, -0.0, 3) == HP_OK && strcmp(b, "0.000") == 0);
    CHECK(hp_num_fixed(b, sizeof b, 0.05, 1) == HP_OK && strcmp(b, "0.1") == 0); /* 0.05000000000000000277 */
    CHECK(hp_num_fixed(b, sizeof b, 2.675, 2) == HP_OK && strcmp(b, "2.67") == 0); /* 2.67499999999999982236431605997495353221893310546875 */
}

static void num_tests(void)
{
    fixed_matches_printf();
    char b[HP_NUM_SHORTEST_MAX];
    double v = 0;
    CHECK(hp_num_shortest(b, sizeof b, 0.1) == HP_OK && strcmp(b, "0.1") == 0);
    CHECK(hp_num_shortest(b, sizeof b, 1.0 / 3) == HP_OK && strtod(b, NULL) == 1.0 / 3);
    CHECK(hp_num_shortest(b, 8, 1) == HP_EINVAL);
    CHECK(hp_num_parse("1.5e3", 5, &v) == HP_OK && v == 1500);
    CHECK(hp_num_parse("1.5e3x", 5, &v) == HP_OK); /* only len bytes are read */
    CHECK(hp_num_parse("inf", 3, &v) == HP_EPARSE && hp_num_parse(" 1", 2, &v) == HP_EPARSE);
    CHECK(hp_num_parse("0x10", 4, &v) == HP_EPARSE && hp_num_parse("", 0, &v) == HP_EPARSE);
    CHECK(hp_num_parse("1e999", 5, &v) == HP_ERANGE && hp_num_parse("1e-999", 6, &v) == HP_OK);
    char big[400];
    CHECK(hp_num_fixed(big, sizeof big, 1.7976931348623157e308, 17) == HP_OK);
    CHECK(hp_num_fixed(big, 10, 1e300, 2) == HP_ERANGE);
    /* A locale with a decimal comma must not leak into files (skipped when not installed;
     * `localedef -i de_DE -f UTF-8 DIR/de_DE.UTF-8` and LOCPATH=DIR enable it). */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        CHECK(hp_num_shortest(b, sizeof b, 0.5) == HP_OK && strcmp(b, "0.5") == 0);
        CHECK(hp_num_fixed(b, sizeof b, -1.25, 2) == HP_OK && strcmp(b, "-1.25") == 0);
        CHECK(hp_num_parse("2.75", 4, &v) == HP_OK && v == 2.75);
        hp_jval *j = hp_json_parse("[2.5e-1]", 8, NULL, NULL);
        CHECK(hp_json_as_num(hp_json_at(j, 0), 0) == 0.25);
        hp_json_free(j);
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        const double x[] = {0.5}, *cols[] = {x, x};
        CHECK(hp_csv_write(out, "a,b", cols, 2, 1, (const int[]){1, 3}) == HP_OK);
        fclose(out);
        CHECK(buf && strcmp(buf, "a,b\n0.5,0.500\n") == 0);
        free(buf);
        setlocale(LC_NUMERIC, "C");
    }
}

int main(void)
{
    /* Exceeding RLIMIT_FSIZE must be an error return, not a killed process. */
    signal(SIGXFSZ, SIG_IGN);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hpfr-fmt-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    audio_tests();
    outset_tests();
    json_tests();
    csv_tests();
    num_tests();
    rm_rf(tmpdir);
    CHECK(!exists(tmpdir));
    T_DONE();
}
