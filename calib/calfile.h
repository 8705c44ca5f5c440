/* SPDX-License-Identifier: MIT */
/* Calibration and compensation curve files: miniDSP UMIK-1/-2 and EARS, Dayton Audio,
 * REW and generic text, AutoEq-style CSV. One tolerant reader recognises them all. */
#ifndef HP_CALFILE_H
#define HP_CALFILE_H
#include <stdbool.h>
#include <stddef.h>
#include "diag.h"
#include "hp_err.h"

typedef enum {
    HP_CALIB_GENERIC,  /* freq dB [phase] rows */
    HP_CALIB_REW,      /* REW export or cal file: `*` comment header */
    HP_CALIB_UMIK,     /* miniDSP UMIK-1/-2: "Sens Factor =..dB, [AGain =..dB,] SERNO: .." */
    HP_CALIB_EARS,     /* miniDSP EARS: "..EARS Serial .., compensation HEQ V2" + channel line */
    HP_CALIB_DAYTON,   /* Dayton Audio: "*1000Hz <sensitivity>" first line */
    HP_CALIB_AUTOEQ,   /* CSV with a header row (frequency,raw,...) */
} hp_calib_format;

typedef enum {
    HP_CALIB_SIDE_NONE,
    HP_CALIB_SIDE_LEFT,
    HP_CALIB_SIDE_RIGHT,
} hp_calib_side;

/* A curve read from a file. The dB column is, for a microphone file, the microphone's
 * deviation (to be subtracted from a measurement); for a compensation file, the curve a
 * measurement is shown relative to. */
typedef struct {
    hp_calib_format format;
    size_t n;                 /* rows, >= 1 */
    double *f_hz;             /* strictly ascending, > 0 */
    double *db;
    double *phase_deg;        /* NULL unless every row had a third (phase) column */
    double sens_db;           /* UMIK/EARS "Sens Factor" in dB, Dayton 1 kHz sensitivity in
                                 dBV/Pa; NaN when the file has none */
    double again_db;          /* UMIK-2 "AGain" in dB; NaN when absent */
    char serial[32];          /* "SERNO:" or "EARS Serial" value, printable ASCII; "" if none */
    char compensation[16];    /* EARS compensation kind ("RAW", "HEQ", "HPN", ...); "" if none */
    hp_calib_side side;       /* EARS: the channel named in "Use this file on the X channel" */
    long first_line, last_line;  /* 1-based lines of the first and last data row */
} hp_calib_curve;

/* Parses len bytes at buf (need not be NUL-terminated). Accepted, in any mix that makes sense:
 * a UTF-8 byte-order mark; LF, CRLF or CR line ends; blank lines; comment lines starting with
 * '*' or '#' (their bytes need not be UTF-8); quoted header lines ("Sens Factor =...",
 * "Use this file on the LEFT channel. ...") and other non-numeric header lines before the
 * first data row (a header naming columns, e.g. "frequency,raw" or "error,frequency,raw",
 * selects the frequency, level and phase columns by name); a Dayton "*1000Hz -40.5" line;
 * data rows of frequency, level and optional phase separated by commas, blanks, tabs or
 * semicolons, with a decimal comma where the separator is not a comma. Extra columns are
 * ignored. Once data has started, every line must be a data row, a comment or blank.
 * On success *out owns its arrays (hp_calib_curve_release).
 * Errors (*out zeroed, diag->line and diag->reason set where a line is to blame):
 *   HP_EPARSE   a line after the first data row that is not a data row ("not a number"),
 *               a row without a level, a non-finite or out-of-range value, a frequency that
 *               is not above the previous one (the reason says "repeats" or "below" and
 *               names the earlier line), UTF-16 text
 *   HP_ENODATA  no data row at all
 *   HP_EINVAL   NULL buf with len > 0, NULL out
 *   HP_ENOMEM
 * Thread-safe. */
hp_err hp_calib_parse(const char *buf, size_t len, hp_calib_curve *out, hp_diag *diag) HP_WUR;

/* Reads the file at path (at most 64 MiB) and parses it. File errors: HP_EIO with
 * strerror in diag->reason; HP_ERANGE for a larger file. */
hp_err hp_calib_read(const char *path, hp_calib_curve *out, hp_diag *diag) HP_WUR;

/* Frees the arrays and zeroes *c; NULL-safe. */
void hp_calib_curve_release(hp_calib_curve *c);

/* True when the curve's rows reach down to lo_hz and up to hi_hz (1 % slack, as calibration
 * grids such as UMIK's end at 20016.8 Hz and AutoEq's at 19955.5 Hz). Beyond its ends the
 * interpolation holds the end values. */
bool hp_calib_covers(const hp_calib_curve *c, double lo_hz, double hi_hz);

/* Short name of a format: "generic", "rew", "umik", "ears", "dayton", "autoeq". */
const char *hp_calib_format_name(hp_calib_format f);

/* Reads a whole file into a NUL-terminated malloc'd buffer (*len excludes the NUL).
 * HP_EIO (errno and diag->reason say why, e.g. "No such file or directory", "Is a
 * directory"), HP_ERANGE when larger than max_bytes, HP_ENOMEM, HP_EINVAL. */
hp_err hp_text_read_file(const char *path, size_t max_bytes, char **buf, size_t *len,
                         hp_diag *diag) HP_WUR;

#endif
