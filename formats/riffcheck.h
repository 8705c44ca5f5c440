/* SPDX-License-Identifier: MIT */
/* A guard in front of libsndfile for WAV files. libsndfile 1.2 (upstream issue #1118, open)
 * walks the sub-chunks of a LIST (or top-level INFO) chunk with a 32-bit byte count; a
 * sub-chunk of unknown kind whose size brings that count past 2^32 wraps it around to within
 * the chunk, and libsndfile jumps back and parses the same bytes again, forever, inside
 * sf_open (reading nothing more, so no I/O callback can stop it). */
#ifndef HP_RIFFCHECK_H
#define HP_RIFFCHECK_H
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

/* Reads up to n bytes at offset off of the file into buf; returns how many it read (fewer at
 * the end of the file or on an error). */
typedef size_t (*hp_riff_read_fn)(void *ctx, unsigned long long off, void *buf, size_t n);

/* Checks a file of size bytes, read through rd(ctx, ...). For a RIFF, RIFX, RF64 or BW64
 * WAVE file, libsndfile's walk of a LIST chunk is replayed from every place the bytes "LIST"
 * or "INFO" appear outside the audio data (found by walking the chunks the standard way; the
 * whole file when there is no data chunk), because libsndfile's own chunk walk can be led
 * anywhere; one that wraps the count is HP_EFORMAT with diag's reason naming its offset. A
 * wrap needs a sub-chunk size within the chunk's length of 4 GiB, which no genuine file has.
 * Any other file, WAVE or not, is HP_OK: libsndfile judges it. HP_EINVAL for a NULL rd. */
hp_err hp_riff_check_lists(hp_riff_read_fn rd, void *ctx, unsigned long long size,
                           hp_diag *diag) HP_WUR;

#endif
