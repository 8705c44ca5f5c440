/* SPDX-License-Identifier: MIT */
/* Audio files in and out through libsndfile, as interleaved doubles. */
#ifndef HP_AUDIO_H
#define HP_AUDIO_H
#include <stddef.h>
#include <stdio.h>
#include "hp_err.h"
#include "diag.h"

/* Most channels a file may have; more is treated as a corrupt or foreign file. */
#define HP_AUDIO_MAX_CHANNELS 64

/* An audio buffer. data holds frames * channels samples, interleaved (frame-major), as
 * floating-point values where full scale is [-1, 1). The struct owns data and comment;
 * hp_audio_release() frees both. A zeroed struct ({0}) is a valid empty value. */
typedef struct {
    double rate_hz;    /* sample rate in Hz */
    size_t frames;     /* samples per channel */
    unsigned channels; /* 1 .. HP_AUDIO_MAX_CHANNELS */
    double *data;      /* interleaved, frames * channels entries */
    char *comment;     /* free-text comment (UTF-8), or NULL */
} hp_audio;

/* Reads any lossless file libsndfile understands (WAV, RF64, FLAC, AIFF, ...) from path into
 * *out as doubles; integer formats come out normalised to [-1, 1). *out is overwritten without
 * being released first, and is zeroed on error. diag (optional) is cleared and, on error, gets
 * a short reason without the file name.
 * Errors:
 *   HP_EINVAL   NULL path or out
 *   HP_EIO      cannot open (reason: strerror)
 *   HP_ENODATA  empty file, or "no audio frames"
 *   HP_EFORMAT  not audio or unsupported (reason: libsndfile's), lossy compressed audio
 *               (MPEG layers I-III, Ogg Vorbis, Opus), more than 64 channels, bad sample
 *               rate, "truncated: ..." when the file is shorter than its header says
 *               (libsndfile alone would pass it off as a shorter recording), or a WAV LIST
 *               chunk that would make libsndfile loop forever (riffcheck.h; checked for
 *               regular files and in memory)
 *   HP_EPARSE   a NaN or infinite sample: diag->sample is its 0-based frame, diag->channel
 *               its 1-based channel, reason "sample 1234 of channel 2 is NaN"
 *   HP_ENOMEM
 * Thread-safe for distinct outputs (libsndfile's open-failure text is process-global). */
hp_err hp_audio_read(const char *path, hp_audio *out, hp_diag *diag) HP_WUR;

/* Same as hp_audio_read() from len bytes at buf (the bytes of a whole file); buf is only
 * read, never kept. For tests and fuzzing. Same errors (len 0 is HP_ENODATA). */
hp_err hp_audio_read_mem(const void *buf, size_t len, hp_audio *out, hp_diag *diag) HP_WUR;

/* The same as hp_audio with float samples: half the memory, and exact for what recordings
 * hold (integer samples of up to 24 bits, 32-bit floats); wider formats lose their low bits.
 * A zeroed struct ({0}) is a valid empty value. */
typedef struct {
    double rate_hz;
    size_t frames;
    unsigned channels;
    float *data;       /* interleaved, frames * channels entries */
    char *comment;
} hp_audio_f;

/* hp_audio_read into floats: the same checks, errors and diagnostics (a double-precision
 * sample beyond float range reads as infinite, HP_EPARSE). Release with hp_audio_f_release. */
hp_err hp_audio_read_f(const char *path, hp_audio_f *out, hp_diag *diag) HP_WUR;

/* Called by hp_audio_read_f_early once the header is read and checked, before the samples
 * are: `header` holds the rate, the channel count, the comment and the frame count the header
 * claims (data is NULL). A read that then succeeds returns exactly that many frames. Not called
 * when the length is unknown until the end (a pipe). */
typedef void (*hp_audio_header_fn)(const hp_audio_f *header, void *user);

/* hp_audio_read_f that tells `header` (when not NULL) what the file holds before reading its
 * samples, so that work depending only on the format can start meanwhile. */
hp_err hp_audio_read_f_early(const char *path, hp_audio_f *out, hp_diag *diag,
                             hp_audio_header_fn header, void *user) HP_WUR;

/* hp_audio_read_mem into floats. */
hp_err hp_audio_read_mem_f(const void *buf, size_t len, hp_audio_f *out, hp_diag *diag) HP_WUR;

/* Frees data and comment and leaves *a zeroed. a may be NULL. */
void hp_audio_f_release(hp_audio_f *a);

/* Writes a as a 32-bit float WAV at path, creating or truncating it in place (for atomic
 * output use hp_audio_write_float_stream on a stream from hp_outset_fopen()); on failure the
 * partly written file is removed. The file is encoded in memory first, so a failure to
 * encode leaves path untouched. Samples keep float precision (24-bit mantissa). a->comment,
 * when set and non-empty, is stored as the WAV comment (LIST/INFO ICMT); that it reads back
 * identically is checked before writing.
 * Errors:
 *   HP_EINVAL   NULL arguments, no frames or data, channels out of 1..64, rate not a
 *               positive integer, a NaN or infinite sample
 *   HP_ERANGE   over 4 GiB (WAV's limit), or a comment libsndfile cannot read back
 *               (longer than about 2 KB with libsndfile 1.2)
 *   HP_EIO      cannot create or write, e.g. disk full or RLIMIT_FSIZE (the program should
 *               ignore SIGXFSZ so that this is reported instead of killing it); errno
 *               then holds the system's reason, e.g. EFBIG or ENOSPC
 *   HP_EFORMAT  libsndfile refused the format
 *   HP_ENOMEM */
hp_err hp_audio_write_float(const char *path, const hp_audio *a) HP_WUR;

/* hp_audio_write_float into the stream f (written from its current position and flushed;
 * f stays open), with the same checks and errors. On HP_EIO some bytes may have been
 * written; nothing is written on the other errors. */
hp_err hp_audio_write_float_stream(FILE *f, const hp_audio *a) HP_WUR;

/* Sets *a to frames x channels of zeros at rate_hz, comment NULL. *a must not own memory
 * (release it first). Errors: HP_EINVAL (NULL a, frames 0, channels out of 1..64, rate not
 * finite and positive; *a is then zeroed), HP_ENOMEM (size overflow or allocation). */
hp_err hp_audio_alloc(hp_audio *a, size_t frames, unsigned channels, double rate_hz) HP_WUR;

/* Frees data and comment and leaves *a zeroed. a may be NULL. */
void hp_audio_release(hp_audio *a);

/* Copies channel ch (0-based) into out, which has a->frames entries and is owned by the
 * caller; out must not overlap a->data. Errors: HP_EINVAL (NULL pointers, no data,
 * ch >= channels). */
hp_err hp_audio_channel(const hp_audio *a, unsigned ch, double *out) HP_WUR;

#endif
