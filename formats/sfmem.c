/* SPDX-License-Identifier: MIT */
/* libsndfile's virtual I/O over memory: one implementation for reading (hp_audio_read_mem,
 * which the fuzzers drive) and writing (hp_audio_write_float's encoder). */
#include "sfmem.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void hp_sfmem_reader(hp_sfmem *m, const void *data, size_t len)
{
    memset(m, 0, sizeof *m);
    m->data = data;
    m->len = (sf_count_t)len;
}

void hp_sfmem_writer(hp_sfmem *m)
{
    memset(m, 0, sizeof *m);
    m->writable = 1;
}

static sf_count_t mem_len(void *user) { return ((hp_sfmem *)user)->len; }

static sf_count_t mem_seek(sf_count_t off, int whence, void *user)
{
    hp_sfmem *m = user;
    sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->len;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
        return -1;
    /* Offsets come from file headers: check before adding, signed overflow is undefined. */
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -1;
    m->pos = base + off; /* past the end is allowed, as with lseek; reads then return 0 */
    return m->pos;
}

static sf_count_t mem_read(void *ptr, sf_count_t count, void *user)
{
    hp_sfmem *m = user;
    if (count <= 0 || m->pos >= m->len)
        return 0;
    sf_count_t n = m->len - m->pos < count ? m->len - m->pos : count;
    memcpy(ptr, m->data + m->pos, (size_t)n);
    m->pos += n;
    return n;
}

/* Grows the buffer to hold at least `end` bytes, doubling; 0 when it cannot. */
static int reserve(hp_sfmem *m, sf_count_t end)
{
    if (end <= m->cap)
        return 1;
    sf_count_t cap = m->cap ? m->cap : 65536;
    while (cap < end && cap <= INT64_MAX / 2)
        cap *= 2;
    if (cap < end || (unsigned long long)cap > SIZE_MAX)
        return 0;
    unsigned char *p = realloc(m->own, (size_t)cap);
    if (!p)
        return 0;
    m->own = p;
    m->data = p;
    m->cap = cap;
    return 1;
}

static sf_count_t mem_write(const void *ptr, sf_count_t count, void *user)
{
    hp_sfmem *m = user;
    if (!m->writable || count <= 0 || m->pos > INT64_MAX - count)
        return 0;
    sf_count_t end = m->pos + count;
    if (!reserve(m, end)) {
        m->failed = 1;
        return 0;
    }
    if (m->pos > m->len) /* a seek past the end leaves a hole, as in a file */
        memset(m->own + m->len, 0, (size_t)(m->pos - m->len));
    memcpy(m->own + m->pos, ptr, (size_t)count);
    m->pos = end;
    if (end > m->len)
        m->len = end;
    return count;
}

static sf_count_t mem_tell(void *user) { return ((hp_sfmem *)user)->pos; }

SF_VIRTUAL_IO *hp_sfmem_io(void)
{
    static SF_VIRTUAL_IO io = {mem_len, mem_seek, mem_read, mem_write, mem_tell};
    return &io;
}
