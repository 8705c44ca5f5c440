/* SPDX-License-Identifier: MIT */
/* Regression tests for what the fuzzers found (tests/fuzz/README.md): each input that broke a
 * reader, run through that reader under the ordinary test build, with the result it must give
 * now. The same bytes are in the harness's seed corpus (tests/fuzz/corpus/NAME/found-*). */
#include "t.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audio.h"
#include "rig.h"
#include "session.h"

#define FOUND "tests/fuzz/corpus/"

/* fuzz_rig: a path of NUL bytes was cut short at the first one, leaving "DIR/" as the file;
 * a quoted empty name ("") gave "" as the file. Both now name no file, on their line. */
static void rig_profile_paths(void)
{
    static const char nul_path[] = "hpfr-rig 1\n# \xff\xff\xff\xffmy rig\nmic 1 h.cal\n"
                                   "spl \0\0\0\0\0\0\0" "9lA\0rpl_mt";
    hp_rig_profile p;
    hp_diag d;
    CHECK(hp_rig_profile_parse(nul_path, sizeof nul_path - 1, "rigdir", &p, &d) == HP_EPARSE);
    CHECK(d.line == 4 && strstr(d.reason, "NUL") && !p.mic[0] && !p.spl);
    static const char empty[] = "hpfr-rig 1\nmic 2 \"\"\n";
    CHECK(hp_rig_profile_parse(empty, sizeof empty - 1, "rigdir", &p, &d) == HP_EPARSE);
    CHECK(d.line == 2 && strstr(d.reason, "needs a file name") && !p.mic[1]);
    /* a quoted name with something in it is still a name */
    static const char quoted[] = "hpfr-rig 1\nmic 2 \"a\"\n";
    CHECK(hp_rig_profile_parse(quoted, sizeof quoted - 1, "rigdir", &p, &d) == HP_OK);
    CHECK(p.mic[1] && !strcmp(p.mic[1], "rigdir/a"));
    hp_rig_profile_release(&p);
}

/* fuzz_audio (timeouts): WAVs whose LIST chunk holds a sub-chunk size near 4 GiB sent
 * libsndfile 1.2.0 into an endless loop inside sf_open (upstream issue #1118): a 1237-byte RIFF
 * file with the LIST where the chunk walk finds it, and a 349-byte RF64 file with a top-level
 * INFO ahead of it, where libsndfile's walk and the standard one part ways. The reader now
 * refuses both first (formats/riffcheck.h), from a file and from memory. */
static void wav_list_wrap(const char *name, size_t size)
{
    char path[200];
    snprintf(path, sizeof path, FOUND "audio/%s", name);
    hp_audio a;
    hp_diag d;
    CHECK(hp_audio_read(path, &a, &d) == HP_EFORMAT && strstr(d.reason, "LIST") && !a.data);
    hp_audio_f af;
    CHECK(hp_audio_read_f(path, &af, &d) == HP_EFORMAT && !af.data);
    FILE *f = fopen(path, "rb");
    unsigned char buf[2048];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK(n == size);
    CHECK(hp_audio_read_mem(buf, n, &a, &d) == HP_EFORMAT && strstr(d.reason, "LIST"));
}

/* fuzz_audio (UBSan): an RF64 file for which libsndfile logs a declared size of LLONG_MIN;
 * the truncation check subtracted its 8 bytes of slack from it, which overflows. The check
 * now compares in unsigned arithmetic. Whatever the reader decides about the file, it must
 * decide it without undefined behaviour (the SAN build aborts on any) and hand nothing back
 * on failure. */
static void wav_llong_min_size(void)
{
    hp_audio a;
    hp_diag d;
    hp_err e = hp_audio_read(FOUND "audio/found-llong-min-size.wav", &a, &d);
    if (e == HP_OK)
        hp_audio_release(&a);
    printf("# found-llong-min-size.wav: %s (%s)\n", hp_strerror(e), d.reason);
    CHECK(e != HP_OK && !a.data);
}

/* fuzz_audio (the float and double reads disagreed): corrupt MPEG layer I data read as 1251
 * frames as doubles but failed as floats ("Unspecified internal error"), libsndfile's MPEG
 * decoder going different ways for the two. Lossy audio (MPEG, Vorbis, Opus) is now refused by
 * both reads, before any sample is decoded; so are the valid MP3 and Ogg Vorbis seeds. */
static void lossy_refused(const char *name)
{
    char path[200];
    snprintf(path, sizeof path, FOUND "audio/%s", name);
    hp_audio a;
    hp_audio_f af;
    hp_diag d;
    CHECK(hp_audio_read(path, &a, &d) == HP_EFORMAT && strstr(d.reason, "lossy") && !a.data);
    CHECK(hp_audio_read_f(path, &af, &d) == HP_EFORMAT && strstr(d.reason, "lossy") && !af.data);
}

/* The whole file at path into a malloc'ed buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 16);
    *len = f && buf ? fread(buf, 1, 1 << 16, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

/* fuzz_session (UBSan): a latency_frames of 6.4e127 was converted to long, which is undefined
 * (on x86-64 it gives LONG_MIN). The found file is rejected further on (line 25, an index
 * that is an object) but the conversion came first; the documents after it show the value
 * now kept: out of range, negative or absurd (1e12 frames is weeks), the latency is unknown,
 * -1. */
static void session_huge_latency(void)
{
    size_t len;
    char *text = slurp(FOUND "session/found-huge-latency.json", &len);
    hp_session s;
    hp_diag d;
    CHECK(len == 3052);
    CHECK(hp_session_parse(text, len, &s, &d) == HP_EPARSE && d.line == 25 && s.count == 0);
    static const char *const lat[] = {"64", "64.7", "-5", "1e12", "-1e300"};
    static const long want[] = {64, 64, -1, -1, -1};
    for (size_t i = 0; i < sizeof lat / sizeof *lat; i++) {
        char doc[300];
        int n = snprintf(doc, sizeof doc, "{\"format\": \"hpfr-session\", \"version\": 1, "
                         "\"rate\": 48000, \"placements\": [{\"index\": 1, "
                         "\"status\": \"done\", \"latency_frames\": %s}]}", lat[i]);
        CHECK(hp_session_parse(doc, (size_t)n, &s, &d) == HP_OK && s.count == 1);
        CHECK(s.count == 1 && s.placements[0].latency_frames == want[i]);
        hp_session_release(&s);
    }
    free(text);
}

int main(void)
{
    alarm(60); /* a reader that hangs again fails here, not at the suite's 10-minute limit */
    rig_profile_paths();
    wav_list_wrap("found-list-wrap-hang.wav", 1237);
    wav_list_wrap("found-rf64-info-list-hang.wav", 349);
    session_huge_latency();
    wav_llong_min_size();
    lossy_refused("found-mpeg-float-double-differ.bin");
    lossy_refused("tiny.mp3");
    lossy_refused("tiny.ogg");
    T_DONE();
}
