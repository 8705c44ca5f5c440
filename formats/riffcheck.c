/* SPDX-License-Identifier: MIT */
/* The LIST-chunk guard for libsndfile (riffcheck.h). The chunks are walked the standard way:
 * "RIFF" size "WAVE", then (id, size, payload, pad byte when the size is odd) to the end. */
#include "riffcheck.h"
#include <stdint.h>
#include <string.h>

/* Bytes scanned per read of a LIST payload; consecutive blocks overlap by 3 bytes so that no
 * 4-byte window is missed. */
#define BLOCK 4096

typedef struct {
    hp_riff_read_fn rd;
    void *ctx;
    unsigned long long size;
    int big;  /* RIFX: sizes are big-endian */
} src;

static uint32_t u32(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t u64le(const unsigned char *p)
{
    return (uint64_t)u32(p + 4, 0) << 32 | u32(p, 0);
}

static int get(const src *s, unsigned long long off, void *buf, size_t n)
{
    return off <= s->size && s->size - off >= n && s->rd(s->ctx, off, buf, n) == n;
}

/* Whether the payload [start, start + len) holds a value that would wrap libsndfile's count.
 * The sizes libsndfile reads there lie within len + 8 bytes of the start. */
static int list_wraps(const src *s, unsigned long long start, unsigned long long len)
{
    unsigned long long end = start + len + 8 < s->size ? start + len + 8 : s->size;
    uint32_t limit = len + 16 >= UINT32_MAX ? 0 : UINT32_MAX - (uint32_t)(len + 16);
    unsigned char b[BLOCK];
    for (unsigned long long off = start; off + 4 <= end;) {
        size_t n = end - off < BLOCK ? (size_t)(end - off) : BLOCK;
        if (!get(s, off, b, n))
            return 0; /* unreadable here: libsndfile will not read it either */
        for (size_t i = 0; i + 4 <= n; i++)
            if (u32(b + i, s->big) >= limit)
                return 1;
        if (off + n >= end)
            break;
        off += n - 3;
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
    uint64_t rf64_data = UINT64_MAX; /* RF64: the data size from the ds64 chunk */
    for (unsigned long long pos = 12; pos + 8 <= size;) {
        unsigned char c[16];
        if (!get(&s, pos, c, 8))
            break;
        unsigned long long len = u32(c + 4, s.big);
        if (rf64 && !memcmp(c, "ds64", 4) && get(&s, pos + 16, c + 8, 8))
            rf64_data = u64le(c + 8); /* after the 8-byte RIFF size */
        if (rf64 && !memcmp(c, "data", 4) && len == UINT32_MAX && rf64_data != UINT64_MAX)
            len = rf64_data;
        if ((!memcmp(c, "LIST", 4) || !memcmp(c, "INFO", 4)) &&
            list_wraps(&s, pos + 8, len < size - pos - 8 ? len : size - pos - 8)) {
            hp_diag_set(diag, "malformed LIST chunk at byte %llu (a sub-chunk size near 4 GiB)",
                        pos);
            return HP_EFORMAT;
        }
        if (len > size - pos - 8)
            break;
        pos += 8 + len + (len & 1);
    }
    return HP_OK;
}
