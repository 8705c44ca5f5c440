/* SPDX-License-Identifier: MIT */
/* In-memory files for libsndfile's virtual I/O (sf_open_virtual): bytes the caller owns, read
 * only, or a buffer that grows as libsndfile writes into it. */
#ifndef HP_SFMEM_H
#define HP_SFMEM_H
#include <sndfile.h>
#include <stddef.h>

typedef struct {
    const unsigned char *data; /* the file's bytes: the caller's, or `own` when writing */
    unsigned char *own;        /* written bytes, malloc'd (free() them); NULL when reading */
    sf_count_t len, cap, pos;
    int writable;
    int failed;                /* a write could not grow the buffer (libsndfile sees a short
                                  write) */
} hp_sfmem;

/* A read-only file over len bytes at data (kept by the caller while it is used). */
void hp_sfmem_reader(hp_sfmem *m, const void *data, size_t len);

/* An empty file to write into; its bytes end up in m->own[0 .. m->len). */
void hp_sfmem_writer(hp_sfmem *m);

/* The callbacks, for sf_open_virtual(hp_sfmem_io(), mode, info, m). */
SF_VIRTUAL_IO *hp_sfmem_io(void);

#endif
