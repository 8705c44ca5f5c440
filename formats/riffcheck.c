/* SPDX-License-Identifier: MIT */
/* The LIST-chunk guard for libsndfile (riffcheck.h). */
#include "riffcheck.h"
#include <stdint.h>
#include <string.h>

#define BLOCK 4096

typedef struct {
    hp_riff_read_fn rd;
    void *ctx;
    unsigned long long size;
    int big;  /* RIFX: numbers are big-endian */
} src;

static uint32_t u32(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int get(const src *s, unsigned long long off, void *buf, size_t n)
{
    return off <= s->size && s->size - off >= n && s->rd(s->ctx, off, buf, n) == n;
}

/* The 4 bytes at off as a number (0 with *ok cleared past the end). */
static uint32_t word(const src *s, unsigned long long off, int *ok)
{
    unsigned char b[4];
    *ok = get(s, off, b, 4);
    return *ok ? u32(b, s->big) : 0;
}

static int is(uint32_t marker, const char *id, int big)
{
    return marker == u32((const unsigned char *)id, big);
}

/* Replays libsndfile's walk of the chunk whose marker is at off, with its 32-bit count, and
 * says whether the count wraps around. The walk: markers INFO and adtl have no size; data, a
 * zero marker or exif (parsed on its own, within bounds) end it; text chunks (ICMT and the
 * like, labl, DISP, ltxt, note) end it when they are 2048 bytes or more or overrun the chunk;
 * any other sub-chunk is skipped by its size rounded up to even, unless the (32-bit) sum
 * overruns the chunk. */
static int walk_wraps(const src *s, unsigned long long off)
{
    static const char *const text[] = {"ISFT", "ICOP", "IARL", "IART", "ICMT", "ICRD", "IENG",
                                       "IGNR", "INAM", "IPRD", "ISBJ", "ISRC", "IAUT", "ITRK",
                                       "DISP", "ltxt", "note"};
    int ok;
    uint32_t len = word(s, off + 4, &ok);
    if (!ok || len <= 8)
        return 0;
    if (off + 8 + len > s->size)
        len = (uint32_t)(s->size - off - 8); /* libsndfile clamps to the file */
    unsigned long long pos = off + 8;
    uint32_t count = 0;
    while (count < len) {
        uint32_t m = word(s, pos, &ok);
        if (!ok)
            return 0;
        pos += 4, count += 4;
        if (is(m, "INFO", s->big) || is(m, "adtl", s->big))
            continue;
        if (m == 0 || is(m, "data", s->big) || is(m, "exif", s->big))
            return 0;
        uint32_t size = word(s, pos, &ok);
        if (!ok)
            return 0;
        pos += 4, count += 4;
        int is_text = 0;
        for (size_t i = 0; i < sizeof text / sizeof *text; i++)
            is_text |= is(m, text[i], s->big);
        if (is(m, "labl", s->big)) {
            size -= 4; /* after a mark id */
            pos += 4, count += 4;
            is_text = 1;
        }
        size += size & 1;
        if (is_text && size >= 2048)
            return 0;
        if ((uint32_t)(count + size) > len)
            return 0;
        if ((unsigned long long)count + size > UINT32_MAX)
            return 1; /* the 32-bit sum wrapped to within the chunk */
        if (is(m, "DISP", s->big) || is(m, "ltxt", s->big) || is(m, "note", s->big))
            return 0;
        pos += size, count += size;
    }
    return 0;
}

/* Checks every LIST or INFO marker in [from, to); 1 when one wraps (its offset in *at). */
static int scan(const src *s, unsigned long long from, unsigned long long to,
                unsigned long long *at)
{
    unsigned char b[BLOCK];
    while (from + 4 <= to) {
        size_t n = to - from < BLOCK ? (size_t)(to - from) : BLOCK;
        if (!get(s, from, b, n))
            return 0;
        for (size_t i = 0; i + 4 <= n; i++)
            if ((!memcmp(b + i, "LIST", 4) || !memcmp(b + i, "INFO", 4)) &&
                walk_wraps(s, from + i)) {
                *at = from + i;
                return 1;
            }
        if (from + n >= to)
            break;
        from += n - 3; /* overlap: no marker straddles two blocks unseen */
    }
    return 0;
}

hp_err hp_riff_check_lists(hp_riff_read_fn rd, void *ctx, unsigned long long size,
                           hp_diag *diag)
{
    if (!rd)
        return HP_EINVAL;
    src s = {rd, ctx, size, 0};
    unsigned char h[12];
    if (!get(&s, 0, h, sizeof h) || memcmp(h + 8, "WAVE", 4))
        return HP_OK;
    int rf64 = !memcmp(h, "RF64", 4) || !memcmp(h, "BW64", 4);
    if (!rf64 && memcmp(h, "RIFF", 4) && memcmp(h, "RIFX", 4))
        return HP_OK;
    s.big = !memcmp(h, "RIFX", 4);
    /* The audio data by the standard walk: (id, size, payload, pad byte) from byte 12. */
    unsigned long long data_at = size, data_end = size, rf64_data = 0;
    int have_rf64 = 0;
    for (unsigned long long pos = 12; pos + 8 <= size;) {
        unsigned char c[8];
        if (!get(&s, pos, c, 8))
            break;
        unsigned long long len = u32(c + 4, s.big);
        unsigned char d[8];
        if (rf64 && !memcmp(c, "ds64", 4) && get(&s, pos + 16, d, 8)) {
            rf64_data = (unsigned long long)u32(d + 4, 0) << 32 | u32(d, 0);
            have_rf64 = 1;
        }
        if (!memcmp(c, "data", 4)) {
            if (rf64 && len == UINT32_MAX && have_rf64)
                len = rf64_data;
            data_at = pos + 8;
            data_end = len < size - data_at ? data_at + len : size;
            break;
        }
        if (len > size - pos - 8)
            break;
        pos += 8 + len + (len & 1);
    }
    unsigned long long at;
    if (data_at == size ? scan(&s, 12, size, &at)
                        : scan(&s, 12, data_at, &at) || scan(&s, data_end, size, &at)) {
        hp_diag_set(diag, "malformed LIST chunk at byte %llu (a sub-chunk size near 4 GiB)", at);
        return HP_EFORMAT;
    }
    return HP_OK;
}
