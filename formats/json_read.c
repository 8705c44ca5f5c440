/* SPDX-License-Identifier: MIT */
/* Strict JSON reader (RFC 8259) building a read-only tree. Recursive descent, with the
 * recursion bounded by HP_JSON_MAX_DEPTH so hostile input cannot exhaust the stack; every
 * error names the line and column (in characters) where the problem starts. */
#include "json.h"
#include "num.h"
#include "utf8.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct hp_jval {
    hp_jtype type;
    long line;
    union {
        int b;
        double num;
        char *str;
        struct {
            hp_jval **items;
            char **keys;  /* objects only, parallel to items */
            size_t *kpos; /* byte offsets of the keys while parsing, for duplicate reports */
            size_t n, cap;
        } c;
    } u;
};

typedef struct {
    const char *s;
    size_t len, pos;
    size_t origin; /* 3 after a byte order mark, which is not a column */
    long line;     /* current line, tracked by skip_ws: only whitespace crosses lines */
    int depth;
    hp_err err;
    hp_diag *diag;
} parser;

/* ---- errors ---- */

static void fail(parser *p, size_t at, hp_err code, const char *msg)
{
    if (p->err != HP_OK)
        return;
    p->err = code;
    if (!p->diag)
        return;
    /* Counting from the start keeps this simple and correct for positions on earlier lines
     * (an unterminated array is reported at its '['); it runs once per failed parse. */
    long line = 1, col = 1;
    size_t start = p->origin;
    for (size_t i = p->origin; i < at && i < p->len; i++)
        if (p->s[i] == '\n')
            line++, start = i + 1;
    for (size_t i = start; i < at && i < p->len; i++)
        if (((unsigned char)p->s[i] & 0xC0) != 0x80)
            col++;
    p->diag->line = line;
    p->diag->column = col;
    hp_diag_set(p->diag, "%s", msg);
}

/* "unexpected 'x', expected ..." at the current position. */
static void fail_unexpected(parser *p, const char *expected)
{
    char msg[120];
    if (p->pos >= p->len) {
        snprintf(msg, sizeof msg, "unexpected end of input, expected %s", expected);
    } else {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c >= 0x20 && c < 0x7F)
            snprintf(msg, sizeof msg, "unexpected '%c', expected %s", c, expected);
        else
            snprintf(msg, sizeof msg, "unexpected byte 0x%02x, expected %s", c, expected);
    }
    fail(p, p->pos, HP_EPARSE, msg);
}

/* ---- nodes ---- */

static hp_jval *new_node(parser *p, hp_jtype type)
{
    hp_jval *v = calloc(1, sizeof *v);
    if (!v) {
        fail(p, p->pos, HP_ENOMEM, "out of memory");
        return NULL;
    }
    v->type = type;
    v->line = p->line;
    return v;
}

void hp_json_free(hp_jval *v)
{
    if (!v)
        return;
    if (v->type == HP_JSON_STR) {
        free(v->u.str);
    } else if (v->type == HP_JSON_ARR || v->type == HP_JSON_OBJ) {
        for (size_t i = 0; i < v->u.c.n; i++) {
            hp_json_free(v->u.c.items[i]); /* depth is bounded by the parser */
            if (v->u.c.keys)
                free(v->u.c.keys[i]);
        }
        free(v->u.c.items);
        free(v->u.c.keys);
        free(v->u.c.kpos);
    }
    free(v);
}

/* Appends item (and key at byte offset kpos, for objects); takes ownership of both even on
 * failure. Returns 0 on allocation failure. */
static int append(parser *p, hp_jval *c, hp_jval *item, char *key, size_t kpos)
{
    if (c->u.c.n == c->u.c.cap) {
        size_t ncap = c->u.c.cap ? c->u.c.cap * 2 : 4;
        hp_jval **ni = ncap <= SIZE_MAX / sizeof *ni ? realloc(c->u.c.items, ncap * sizeof *ni) : NULL;
        if (ni)
            c->u.c.items = ni;
        if (ni && key) {
            char **nk = realloc(c->u.c.keys, ncap * sizeof *nk);
            size_t *np = nk ? realloc(c->u.c.kpos, ncap * sizeof *np) : NULL;
            if (nk)
                c->u.c.keys = nk;
            if (np)
                c->u.c.kpos = np;
            ni = np ? ni : NULL;
        }
        if (!ni) {
            hp_json_free(item);
            free(key);
            fail(p, p->pos, HP_ENOMEM, "out of memory");
            return 0;
        }
        c->u.c.cap = ncap;
    }
    c->u.c.items[c->u.c.n] = item;
    if (key) {
        c->u.c.keys[c->u.c.n] = key;
        c->u.c.kpos[c->u.c.n] = kpos;
    }
    c->u.c.n++;
    return 1;
}

/* ---- scanning ---- */

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n')
            p->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        p->pos++;
    }
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex4(const parser *p, size_t at, uint32_t *out)
{
    uint32_t v = 0;
    if (at > p->len || p->len - at < 4)
        return 0;
    for (size_t i = at; i < at + 4; i++) {
        char c = p->s[i];
        int d = is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                       : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0)
            return 0;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return 1;
}

/* Decodes the escape at p->pos into out + *k. UTF-16 surrogate pairs become one UTF-8
 * sequence; a surrogate without its partner has no UTF-8 form and is rejected. */
static int decode_escape(parser *p, unsigned char *out, size_t *k)
{
    static const char simple[] = "\"\\/bfnrt", value[] = "\"\\/\b\f\n\r\t";
    size_t at = p->pos;
    char e = at + 1 < p->len ? p->s[at + 1] : '\0';
    const char *hit = e ? strchr(simple, e) : NULL;
    if (hit) {
        out[(*k)++] = (unsigned char)value[hit - simple];
        p->pos += 2;
        return 1;
    }
    uint32_t cp, lo;
    if (e != 'u') {
        char msg[40];
        if (e > 0x20 && e < 0x7F)
            snprintf(msg, sizeof msg, "invalid escape '\\%c'", e);
        else
            snprintf(msg, sizeof msg, "invalid escape");
        fail(p, at, HP_EPARSE, msg);
        return 0;
    }
    if (!hex4(p, at + 2, &cp)) {
        fail(p, at, HP_EPARSE, "invalid \\u escape (needs 4 hex digits)");
        return 0;
    }
    p->pos += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && p->pos + 1 < p->len && p->s[p->pos] == '\\' &&
        p->s[p->pos + 1] == 'u' && hex4(p, p->pos + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p->pos += 6;
    }
    if (cp == 0) {
        fail(p, at, HP_EPARSE, "\\u0000 is not allowed in strings");
        return 0;
    }
    size_t n = hp_utf8_encode(cp, out + *k);
    if (n == 0) {
        fail(p, at, HP_EPARSE, "lone UTF-16 surrogate in \\u escape");
        return 0;
    }
    *k += n;
    return 1;
}

/* Parses the string starting at the '"' at p->pos; returns it malloc'd, or NULL. The
 * decoded text is never longer than its source, so one allocation suffices. */
static char *parse_string(parser *p)
{
    size_t open = p->pos++, end = p->pos;
    while (end < p->len && p->s[end] != '"' && p->s[end] != '\n')
        end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->len || p->s[end] != '"') {
        fail(p, open, HP_EPARSE, "unterminated string");
        return NULL;
    }
    unsigned char *out = malloc(end - p->pos + 1);
    if (!out) {
        fail(p, open, HP_ENOMEM, "out of memory");
        return NULL;
    }
    size_t k = 0;
    while (p->pos < end) {
        const unsigned char *c = (const unsigned char *)p->s + p->pos;
        size_t n = *c == '\\' ? 0 : hp_utf8_seq_len(c, end - p->pos);
        if (*c == '\\') {
            if (!decode_escape(p, out, &k))
                goto bad;
            continue;
        }
        if (*c < 0x20 || n == 0) {
            fail(p, p->pos, HP_EPARSE, *c < 0x20 ? "control character in string (must be escaped)"
                                                 : "invalid UTF-8 in string");
            goto bad;
        }
        memcpy(out + k, c, n);
        k += n;
        p->pos += n;
    }
    out[k] = '\0';
    p->pos = end + 1;
    return (char *)out;
bad:
    free(out);
    return NULL;
}

/* ---- values ---- */

static hp_jval *parse_number(parser *p)
{
    const char *s = p->s;
    size_t at = p->pos, i = at, n = p->len;
    const char *bad = NULL;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        if (++i < n && is_digit(s[i]))
            bad = "leading zeros are not allowed in numbers";
    } else if (i < n && is_digit(s[i])) {
        while (i < n && is_digit(s[i]))
            i++;
    } else {
        bad = "invalid number";
    }
    if (!bad && i < n && s[i] == '.') {
        for (i++; i < n && is_digit(s[i]); i++)
            ;
        if (!is_digit(s[i - 1]))
            bad = "invalid number (digits must follow '.')";
    }
    if (!bad && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i += i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-') ? 2 : 1;
        size_t digits = i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == digits)
            bad = "invalid number (exponent needs digits)";
    }
    double v = 0;
    hp_err e = bad ? HP_EPARSE : hp_num_parse(s + at, i - at, &v);
    if (e != HP_OK) {
        fail(p, at, e == HP_ENOMEM ? HP_ENOMEM : HP_EPARSE,
             bad ? bad : e == HP_ERANGE ? "number out of range" : "invalid number");
        return NULL;
    }
    hp_jval *node = new_node(p, HP_JSON_NUM);
    if (node)
        node->u.num = v;
    p->pos = i;
    return node;
}

static hp_jval *parse_literal(parser *p)
{
    static const char *const words[] = {"true", "false", "null"};
    for (int w = 0; w < 3; w++) {
        size_t n = strlen(words[w]);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[w], n) == 0) {
            hp_jval *v = new_node(p, w == 2 ? HP_JSON_NULL : HP_JSON_BOOL);
            if (v)
                v->u.b = w == 0;
            p->pos += n;
            return v;
        }
    }
    fail(p, p->pos, HP_EPARSE, "invalid literal (expected true, false or null)");
    return NULL;
}

static hp_jval *parse_container(parser *p, int is_obj);

static hp_jval *parse_value(parser *p)
{
    skip_ws(p);
    char c = p->pos < p->len ? p->s[p->pos] : '\0';
    if (p->pos < p->len && (c == '{' || c == '['))
        return parse_container(p, c == '{');
    if (p->pos < p->len && c == '"') {
        hp_jval *v = new_node(p, HP_JSON_STR);
        if (v && !(v->u.str = parse_string(p))) {
            free(v);
            v = NULL;
        }
        return v;
    }
    if (p->pos < p->len && (c == 't' || c == 'f' || c == 'n'))
        return parse_literal(p);
    if (p->pos < p->len && (c == '-' || is_digit(c)))
        return parse_number(p);
    fail_unexpected(p, "a value");
    return NULL;
}

/* Reads `"key" :` and returns the key, its byte offset in *at. */
static char *parse_key(parser *p, size_t *at)
{
    skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != '"') {
        fail_unexpected(p, "a string key");
        return NULL;
    }
    *at = p->pos;
    char *k = parse_string(p);
    if (!k)
        return NULL;
    skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':') {
        fail_unexpected(p, "':' after the key");
        free(k);
        return NULL;
    }
    p->pos++;
    return k;
}

typedef struct {
    const char *key;
    size_t pos;
} keyref;

static int keyref_cmp(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Rejects repeated keys (RFC 8259 leaves their meaning open; silently keeping one would lose
 * the other). Sorting keeps this O(n log n) for huge objects; the report names the first
 * place in the document where a key repeats. Frees the key offsets either way. */
static int check_duplicates(parser *p, hp_jval *obj)
{
    size_t n = obj->u.c.n, dup = SIZE_MAX;
    const char *dupkey = NULL;
    keyref *r = n > 1 ? malloc(n * sizeof *r) : NULL;
    if (n > 1 && !r) {
        fail(p, p->pos, HP_ENOMEM, "out of memory");
        return 0;
    }
    for (size_t i = 0; i < n && r; i++)
        r[i] = (keyref){obj->u.c.keys[i], obj->u.c.kpos[i]};
    if (r)
        qsort(r, n, sizeof *r, keyref_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(r[i - 1].key, r[i].key) == 0 && r[i].pos < dup)
            dup = r[i].pos, dupkey = r[i].key;
    char msg[100];
    if (dupkey)
        snprintf(msg, sizeof msg, "duplicate key \"%.60s\"", dupkey);
    free(r);
    free(obj->u.c.kpos);
    obj->u.c.kpos = NULL;
    if (dup == SIZE_MAX)
        return 1;
    fail(p, dup, HP_EPARSE, msg);
    return 0;
}

/* Parses the members after p->pos (at '{' or '['). */
static hp_jval *parse_container(parser *p, int is_obj)
{
    size_t open = p->pos;
    char close = is_obj ? '}' : ']';
    hp_jval *v = new_node(p, is_obj ? HP_JSON_OBJ : HP_JSON_ARR);
    if (!v)
        return NULL;
    if (++p->depth > HP_JSON_MAX_DEPTH) {
        fail(p, open, HP_EPARSE, "nesting deeper than 64 levels");
        goto bad;
    }
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        goto done;
    }
    for (;;) {
        size_t kpos = 0;
        char *key = NULL;
        if (p->pos >= p->len) {
            fail(p, open, HP_EPARSE, is_obj ? "unterminated object" : "unterminated array");
            goto bad;
        }
        if (is_obj && !(key = parse_key(p, &kpos)))
            goto bad;
        hp_jval *item = parse_value(p);
        if (!item)
            free(key);
        if (!item || !append(p, v, item, key, kpos))
            goto bad;
        skip_ws(p);
        if (p->pos >= p->len) {
            fail(p, open, HP_EPARSE, is_obj ? "unterminated object" : "unterminated array");
            goto bad;
        }
        if (p->s[p->pos] == close) {
            p->pos++;
            break;
        }
        if (p->s[p->pos] != ',') {
            fail_unexpected(p, is_obj ? "',' or '}'" : "',' or ']'");
            goto bad;
        }
        size_t comma = p->pos++;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == close) {
            fail(p, comma, HP_EPARSE, is_obj ? "trailing comma in object" : "trailing comma in array");
            goto bad;
        }
    }
done:
    p->depth--;
    if (is_obj && !check_duplicates(p, v))
        goto bad;
    return v;
bad:
    hp_json_free(v);
    return NULL;
}

hp_jval *hp_json_parse(const char *buf, size_t len, hp_err *err, hp_diag *diag)
{
    hp_diag_clear(diag);
    parser p = {.s = buf ? buf : "", .len = len, .line = 1, .diag = diag};
    hp_jval *v = NULL;
    if (!buf && len > 0) {
        p.err = HP_EINVAL;
        goto out;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        p.pos = p.origin = 3;
    skip_ws(&p);
    if (p.pos >= p.len) {
        fail(&p, p.pos, HP_EPARSE, "empty document");
        goto out;
    }
    v = parse_value(&p);
    skip_ws(&p);
    if (v && p.pos < p.len) {
        fail(&p, p.pos, HP_EPARSE, "unexpected data after the JSON value");
        hp_json_free(v);
        v = NULL;
    }
out:
    if (err)
        *err = p.err;
    return v;
}

/* ---- queries ---- */

hp_jtype hp_json_type(const hp_jval *v) { return v ? v->type : HP_JSON_NULL; }

const hp_jval *hp_json_get(const hp_jval *obj, const char *key)
{
    if (!obj || obj->type != HP_JSON_OBJ || !key)
        return NULL;
    for (size_t i = 0; i < obj->u.c.n; i++)
        if (strcmp(obj->u.c.keys[i], key) == 0)
            return obj->u.c.items[i];
    return NULL;
}

const hp_jval *hp_json_at(const hp_jval *arr, size_t i)
{
    return arr && arr->type == HP_JSON_ARR && i < arr->u.c.n ? arr->u.c.items[i] : NULL;
}

size_t hp_json_len(const hp_jval *v)
{
    return v && (v->type == HP_JSON_ARR || v->type == HP_JSON_OBJ) ? v->u.c.n : 0;
}

const char *hp_json_key_at(const hp_jval *obj, size_t i)
{
    return obj && obj->type == HP_JSON_OBJ && i < obj->u.c.n ? obj->u.c.keys[i] : NULL;
}

int hp_json_is_null(const hp_jval *v) { return v && v->type == HP_JSON_NULL; }

double hp_json_as_num(const hp_jval *v, double dflt)
{
    return v && v->type == HP_JSON_NUM ? v->u.num : dflt;
}

const char *hp_json_as_str(const hp_jval *v) { return v && v->type == HP_JSON_STR ? v->u.str : NULL; }

int hp_json_as_bool(const hp_jval *v, int dflt) { return v && v->type == HP_JSON_BOOL ? v->u.b : dflt; }

long hp_json_line(const hp_jval *v) { return v ? v->line : -1; }
