/* SPDX-License-Identifier: MIT */
/* JSON for summaries, sweep metadata and sessions: a streaming pretty writer and a strict
 * reader that builds a small read-only tree. */
#ifndef HP_JSON_H
#define HP_JSON_H
#include <stddef.h>
#include <stdio.h>
#include "hp_err.h"
#include "diag.h"

/* Deepest nesting of arrays and objects either side accepts. */
#define HP_JSON_MAX_DEPTH 64

/* ---- writer ----
 * Usage: hp_json j; hp_json_init(&j, f); hp_json_obj_begin(&j, NULL);
 *        hp_json_num(&j, "rate_hz", 48000); ... hp_json_obj_end(&j);
 *        hp_err e = hp_json_finish(&j);
 * Output is pretty-printed with 2-space indents. Inside an object every value needs a key;
 * at top level and inside arrays the key must be NULL. Exactly one top-level value.
 * Errors are sticky: the first misuse (HP_EINVAL) or write failure (HP_EIO) is kept in err,
 * later calls do nothing, and hp_json_finish() returns it. The writer does not own f.
 * Strings are UTF-8: control characters, '"' and '\' are escaped, valid multibyte
 * sequences pass through, and each byte of invalid UTF-8 becomes U+FFFD. */
typedef struct {
    FILE *f;
    int depth;                                  /* open containers */
    unsigned char in_obj[HP_JSON_MAX_DEPTH];    /* per open container: 1 object, 0 array */
    long count[HP_JSON_MAX_DEPTH + 1];          /* values written per level, [0] = top */
    hp_err err;                                 /* first error, HP_OK so far */
} hp_json;

/* Starts writing to f (not owned). f NULL makes every later call fail with HP_EINVAL. */
void hp_json_init(hp_json *j, FILE *f);
/* Opens an object ({) or array ([) as the value of key (NULL outside objects). */
void hp_json_obj_begin(hp_json *j, const char *key);
void hp_json_arr_begin(hp_json *j, const char *key);
/* Closes the innermost object or array; closing the wrong kind is HP_EINVAL. */
void hp_json_obj_end(hp_json *j);
void hp_json_arr_end(hp_json *j);
/* A number in the shortest form that reads back to exactly v; NaN and infinities are written
 * as null (JSON has no such numbers). */
void hp_json_num(hp_json *j, const char *key, double v);
void hp_json_int(hp_json *j, const char *key, long long v);
/* A string; v NULL writes null. */
void hp_json_str(hp_json *j, const char *key, const char *v);
/* true for v != 0, else false. */
void hp_json_bool(hp_json *j, const char *key, int v);
/* A literal null. */
void hp_json_null(hp_json *j, const char *key);
/* Checks that the document is complete, writes the final newline and flushes f. Returns the
 * first error seen: HP_EINVAL (misuse, unclosed containers, no value) or HP_EIO. */
hp_err hp_json_finish(hp_json *j) HP_WUR;

/* ---- reader ---- */

typedef struct hp_jval hp_jval; /* one node of a parsed document; read-only, owned by the root */

typedef enum {
    HP_JSON_NULL,
    HP_JSON_BOOL,
    HP_JSON_NUM,
    HP_JSON_STR,
    HP_JSON_ARR,
    HP_JSON_OBJ,
} hp_jtype;

/* Parses len bytes at buf as one JSON document (RFC 8259, strict): no comments, trailing
 * commas, single quotes, NaN, leading zeros, duplicate keys, invalid UTF-8, lone surrogates,
 * "\u0000" (strings are C strings), or data after the value. A UTF-8 byte order mark is
 * skipped. Nesting is limited to HP_JSON_MAX_DEPTH. buf need not be NUL-terminated.
 * Returns the root (free it with hp_json_free()) or NULL with *err (optional) set to
 * HP_EPARSE (diag->line/column give the 1-based position and diag->reason what is wrong),
 * HP_ENOMEM or HP_EINVAL (NULL buf with len > 0). Thread-safe. */
hp_jval *hp_json_parse(const char *buf, size_t len, hp_err *err, hp_diag *diag);

/* Frees a whole document. v must be a root returned by hp_json_parse(), or NULL. */
void hp_json_free(hp_jval *v);

/* Queries. All accept NULL and return NULL, 0 or the default when the value is missing or of
 * another type, so lookups can be chained: hp_json_as_num(hp_json_get(root, "rate_hz"), 0). */
hp_jtype hp_json_type(const hp_jval *v);                    /* HP_JSON_NULL for NULL */
const hp_jval *hp_json_get(const hp_jval *obj, const char *key);
const hp_jval *hp_json_at(const hp_jval *arr, size_t i);
size_t hp_json_len(const hp_jval *v);                       /* members of an array or object */
const char *hp_json_key_at(const hp_jval *obj, size_t i);   /* i-th key in document order */
int hp_json_is_null(const hp_jval *v);                      /* 1 only for a present null */
double hp_json_as_num(const hp_jval *v, double dflt);
const char *hp_json_as_str(const hp_jval *v);               /* NULL if not a string */
int hp_json_as_bool(const hp_jval *v, int dflt);            /* 1 or 0 for true or false */
long hp_json_line(const hp_jval *v);                        /* 1-based line where v starts, -1 for NULL */

#endif
