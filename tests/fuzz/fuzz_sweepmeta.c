/* SPDX-License-Identifier: MIT */
/* The sweep metadata in a sweep WAV's comment (hp_sweepmeta_parse), which hpfr analyze and
 * measure --resume trust. What parses is written again and must read back the same. */
#include "fuzz.h"
#include "sweepmeta.h"

static int same(const hp_sweep_info *a, const hp_sweep_info *b)
{
    return a->rate_hz == b->rate_hz && a->f1_hz == b->f1_hz && a->f2_hz == b->f2_hz &&
           a->rate_const_s == b->rate_const_s && a->duration_s == b->duration_s &&
           a->level_db == b->level_db && a->fade_in_oct == b->fade_in_oct &&
           a->fade_out_s == b->fade_out_s && a->channels == b->channels &&
           a->total_frames == b->total_frames && a->sweep_frames == b->sweep_frames &&
           a->start_frame[0] == b->start_frame[0] && a->start_frame[1] == b->start_frame[1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a comment is a C string (libsndfile's); the copy ends where the fuzzer's bytes do */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    hp_sweep_info i;
    hp_err e = hp_sweepmeta_parse(text, &i);
    free(text);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENODATA);
    if (e != HP_OK)
        return 0;
    FUZZ_ASSERT(i.channels == 1 || i.channels == 2);
    FUZZ_ASSERT(i.rate_hz > 0 && i.f1_hz > 0 && i.f2_hz > i.f1_hz && i.f2_hz <= i.rate_hz / 2);
    FUZZ_ASSERT(i.rate_const_s > 0 && isfinite(i.duration_s) && isfinite(i.level_db));
    FUZZ_ASSERT(i.start_frame[0] + i.sweep_frames <= i.total_frames);
    FUZZ_ASSERT(i.start_frame[1] + i.sweep_frames <= i.total_frames);
    char again[1024];
    hp_sweep_info j;
    FUZZ_ASSERT(hp_sweepmeta_format(&i, again, sizeof again) == HP_OK);
    FUZZ_ASSERT(hp_sweepmeta_parse(again, &j) == HP_OK && same(&i, &j));
    return 0;
}
