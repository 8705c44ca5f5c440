/* SPDX-License-Identifier: MIT */
/* A guard in front of libsndfile for WAV files: libsndfile 1.2 (upstream issue #1118, open)
 * parses the sub-chunks of a LIST chunk with a 32-bit byte count, and a sub-chunk whose size is
 * close to 4 GiB wraps that count around, jumps back and parses the same bytes again, forever,
 * inside sf_open (no further reads, so no I/O callback can stop it). */
#ifndef HP_RIFFCHECK_H
#define HP_RIFFCHECK_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

/* Reads up to n bytes at offset off of the file into buf; returns how many it read (fewer at
 * the end of the file or on an error). */
typedef size_t (*hp_riff_read_fn)(void *ctx, unsigned long long off, void *buf, size_t n);

/* Checks a file of size bytes, read through rd(ctx, ...). For a RIFF, RIFX, RF64 or BW64
 * WAVE file, every LIST (and INFO) chunk met walking the chunks is scanned at every byte
 * offset for a 32-bit value (in the file's byte order) large enough to wrap libsndfile's count
 * over that chunk (within its length + 16 of 2^32); one such value is HP_EFORMAT with diag's
 * reason naming the chunk's offset. Such a value cannot be part of a genuine LIST chunk (they
 * hold text and small sizes, and UTF-8 has no 0xFF byte), so no real file is refused. Any
 * other file, WAVE or not, is HP_OK: libsndfile judges it. HP_EINVAL for a NULL rd. */
hp_err hp_riff_check_lists(hp_riff_read_fn rd, void *ctx, unsigned long long size,
                           hp_diag *diag) HP_WUR;

#endif
