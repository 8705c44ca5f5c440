/* SPDX-License-Identifier: MIT */
/* Where and why a reader rejected its input, so the CLI can print one precise line. */
#ifndef HP_DIAG_H
#define HP_DIAG_H

#if defined(__GNUC__)
#define HP_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define HP_PRINTF_LIKE(f, a)
#endif

/* Filled by parsers and readers on failure. Positions are 1-based (line, column, channel)
 * except sample, which is a 0-based frame index; a field that does not apply is -1.
 * reason is one short lower-case phrase without the file name, e.g. "unterminated string";
 * the CLI prints `hpfr cmd: FILE:LINE:COLUMN: reason`. */
typedef struct {
    long line;        /* 1-based text line, or -1 */
    long column;      /* 1-based column in characters (UTF-8 code points), or -1 */
    long long sample; /* 0-based frame index in an audio file, or -1 */
    int channel;      /* 1-based audio channel, or -1 */
    char reason[200]; /* "" when nothing went wrong */
} hp_diag;

/* Resets every position to -1 and the reason to "". d may be NULL. Thread-safe per d. */
void hp_diag_clear(hp_diag *d);

/* Sets the reason, printf-style, truncated to fit (never overflows). Leaves the positions
 * alone so the caller can set them before or after. d may be NULL (then nothing happens). */
void hp_diag_set(hp_diag *d, const char *fmt, ...) HP_PRINTF_LIKE(2, 3);

#endif
