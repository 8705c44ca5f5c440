/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer: tracks open containers on a small stack so misuse (a key in an
 * array, a stray end) is reported instead of producing a file no reader accepts. */
#include "json.h"
#include "num.h"
#include "utf8.h"
#include <math.h>
#include <string.h>

void hp_json_init(hp_json *j, FILE *f)
{
    if (!j)
        return;
    memset(j, 0, sizeof *j);
    j->f = f;
    j->err = f ? HP_OK : HP_EINVAL;
}

static void put(hp_json *j, const char *s)
{
    if (j->err == HP_OK && fputs(s, j->f) == EOF)
        j->err = HP_EIO;
}

static void put_n(hp_json *j, const char *s, size_t n)
{
    if (j->err == HP_OK && n > 0 && fwrite(s, 1, n, j->f) != n)
        j->err = HP_EIO;
}

static void indent(hp_json *j, int levels)
{
    for (int i = 0; i < levels; i++)
        put(j, "  ");
}

/* One escape per RFC 8259 section 7; everything else valid passes through unchanged. */
static void put_string(hp_json *j, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    put(j, "\"");
    while (left > 0) {
        size_t n = hp_utf8_seq_len(p, left);
        char esc[8] = {'\\', 0};
        if (n == 0) {
            put(j, "\xEF\xBF\xBD"); /* U+FFFD for a byte that is not UTF-8 */
            n = 1;
        } else if (*p == '"' || *p == '\\') {
            esc[1] = (char)*p;
            put(j, esc);
        } else if (*p < 0x20) {
            const char *ctl = "\b\f\n\r\t", *hit = strchr(ctl, *p);
            if (hit)
                esc[1] = "bfnrt"[hit - ctl];
            else
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*p);
            put(j, esc);
        } else {
            put_n(j, (const char *)p, n);
        }
        p += n;
        left -= n;
    }
    put(j, "\"");
}

/* Checks the key against the context and writes the separator, indent and key. Returns 0
 * (and records HP_EINVAL) on misuse or after an earlier error. */
static int begin_value(hp_json *j, const char *key)
{
    if (!j || j->err != HP_OK)
        return 0;
    int d = j->depth;
    int want_key = d > 0 && j->in_obj[d - 1];
    if ((key != NULL) != want_key || (d == 0 && j->count[0] > 0)) {
        j->err = HP_EINVAL;
        return 0;
    }
    if (d > 0) {
        put(j, j->count[d] > 0 ? ",\n" : "\n");
        indent(j, d);
    }
    if (key) {
        put_string(j, key);
        put(j, ": ");
    }
    j->count[d]++;
    return j->err == HP_OK;
}

static void open_container(hp_json *j, const char *key, int is_obj)
{
    if (j && j->err == HP_OK && j->depth >= HP_JSON_MAX_DEPTH)
        j->err = HP_EINVAL;
    if (!begin_value(j, key))
        return;
    put(j, is_obj ? "{" : "[");
    j->in_obj[j->depth++] = (unsigned char)is_obj;
    j->count[j->depth] = 0;
}

static void close_container(hp_json *j, int is_obj)
{
    if (!j || j->err != HP_OK)
        return;
    if (j->depth == 0 || j->in_obj[j->depth - 1] != is_obj) {
        j->err = HP_EINVAL;
        return;
    }
    if (j->count[j->depth] > 0) { /* empty containers stay on one line: {} and [] */
        put(j, "\n");
        indent(j, j->depth - 1);
    }
    put(j, is_obj ? "}" : "]");
    j->depth--;
}

void hp_json_obj_begin(hp_json *j, const char *key) { open_container(j, key, 1); }
void hp_json_arr_begin(hp_json *j, const char *key) { open_container(j, key, 0); }
void hp_json_obj_end(hp_json *j) { close_container(j, 1); }
void hp_json_arr_end(hp_json *j) { close_container(j, 0); }

void hp_json_num(hp_json *j, const char *key, double v)
{
    char buf[HP_NUM_SHORTEST_MAX];
    if (!begin_value(j, key))
        return;
    if (!isfinite(v) || hp_num_shortest(buf, sizeof buf, v) != HP_OK)
        put(j, "null");
    else
        put(j, buf);
}

void hp_json_int(hp_json *j, const char *key, long long v)
{
    char buf[32];
    if (!begin_value(j, key))
        return;
    snprintf(buf, sizeof buf, "%lld", v);
    put(j, buf);
}

void hp_json_str(hp_json *j, const char *key, const char *v)
{
    if (!begin_value(j, key))
        return;
    if (v)
        put_string(j, v);
    else
        put(j, "null");
}

void hp_json_bool(hp_json *j, const char *key, int v)
{
    if (begin_value(j, key))
        put(j, v ? "true" : "false");
}

void hp_json_null(hp_json *j, const char *key)
{
    if (begin_value(j, key))
        put(j, "null");
}

hp_err hp_json_finish(hp_json *j)
{
    if (!j)
        return HP_EINVAL;
    if (j->err == HP_OK && (j->depth != 0 || j->count[0] != 1))
        j->err = HP_EINVAL;
    put(j, "\n");
    if (j->err == HP_OK && (fflush(j->f) != 0 || ferror(j->f)))
        j->err = HP_EIO;
    return j->err;
}
