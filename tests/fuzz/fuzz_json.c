/* SPDX-License-Identifier: MIT */
/* The strict JSON reader (hp_json_parse) under session.json, summary.json and every other
 * JSON hpfr reads back. A parsed document is walked with every query, written again with
 * hpfr's JSON writer and parsed again: it must come back the same. */
#include "fuzz.h"
#include "json.h"

static void walk(const hp_jval *v, int depth)
{
    FUZZ_ASSERT(depth <= HP_JSON_MAX_DEPTH);
    FUZZ_ASSERT(hp_json_line(v) >= 1);
    hp_jtype t = hp_json_type(v);
    size_t n = hp_json_len(v);
    if (t == HP_JSON_STR)
        FUZZ_ASSERT(hp_json_as_str(v) != NULL);
    if (t == HP_JSON_NUM)
        FUZZ_ASSERT(isfinite(hp_json_as_num(v, NAN)));
    if (t != HP_JSON_ARR && t != HP_JSON_OBJ)
        FUZZ_ASSERT(n == 0);
    for (size_t i = 0; i < n; i++) {
        if (t == HP_JSON_OBJ) {
            const char *k = hp_json_key_at(v, i);
            FUZZ_ASSERT(k != NULL);
            const hp_jval *m = hp_json_get(v, k); /* keys are unique: finds this member */
            FUZZ_ASSERT(m != NULL);
            walk(m, depth + 1);
        } else {
            walk(hp_json_at(v, i), depth + 1);
        }
    }
    FUZZ_ASSERT(hp_json_at(v, n) == NULL && hp_json_key_at(v, n) == NULL);
}

/* Writes v (the value of key inside an object, else key NULL). */
static void emit(hp_json *j, const char *key, const hp_jval *v)
{
    switch (hp_json_type(v)) {
    case HP_JSON_NULL: hp_json_null(j, key); break;
    case HP_JSON_BOOL: hp_json_bool(j, key, hp_json_as_bool(v, 0)); break;
    case HP_JSON_NUM: hp_json_num(j, key, hp_json_as_num(v, 0)); break;
    case HP_JSON_STR: hp_json_str(j, key, hp_json_as_str(v)); break;
    case HP_JSON_ARR:
        hp_json_arr_begin(j, key);
        for (size_t i = 0; i < hp_json_len(v); i++)
            emit(j, NULL, hp_json_at(v, i));
        hp_json_arr_end(j);
        break;
    case HP_JSON_OBJ:
        hp_json_obj_begin(j, key);
        for (size_t i = 0; i < hp_json_len(v); i++) {
            const char *k = hp_json_key_at(v, i);
            emit(j, k, hp_json_get(v, k));
        }
        hp_json_obj_end(j);
        break;
    }
}

static void same(const hp_jval *a, const hp_jval *b)
{
    hp_jtype t = hp_json_type(a);
    FUZZ_ASSERT(hp_json_type(b) == t && hp_json_len(a) == hp_json_len(b));
    switch (t) {
    case HP_JSON_NULL: break;
    case HP_JSON_BOOL: FUZZ_ASSERT(hp_json_as_bool(a, -1) == hp_json_as_bool(b, -2)); break;
    case HP_JSON_NUM: FUZZ_ASSERT(hp_json_as_num(a, 0) == hp_json_as_num(b, 1)); break;
    case HP_JSON_STR: FUZZ_ASSERT(!strcmp(hp_json_as_str(a), hp_json_as_str(b))); break;
    case HP_JSON_ARR:
        for (size_t i = 0; i < hp_json_len(a); i++)
            same(hp_json_at(a, i), hp_json_at(b, i));
        break;
    case HP_JSON_OBJ:
        for (size_t i = 0; i < hp_json_len(a); i++) {
            FUZZ_ASSERT(!strcmp(hp_json_key_at(a, i), hp_json_key_at(b, i)));
            same(hp_json_get(a, hp_json_key_at(a, i)), hp_json_get(b, hp_json_key_at(b, i)));
        }
        break;
    }
}

static void round_trip(const hp_jval *root)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    hp_json j;
    hp_json_init(&j, f);
    emit(&j, NULL, root);
    hp_err e = hp_json_finish(&j);
    FUZZ_ASSERT(fclose(f) == 0 && e == HP_OK);
    hp_diag d;
    hp_jval *again = hp_json_parse(text, len, &e, &d);
    if (!again)
        fprintf(stderr, "re-reading the written JSON: %ld:%ld: %s\n", d.line, d.column, d.reason);
    FUZZ_ASSERT(again != NULL);
    same(root, again);
    hp_json_free(again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hp_err e = HP_OK;
    hp_diag d;
    hp_jval *root = hp_json_parse((const char *)data, size, &e, &d);
    fuzz_check_diag(&d, e);
    if (!root) {
        FUZZ_ASSERT(e == HP_EPARSE || e == HP_ENOMEM);
        FUZZ_ASSERT(e != HP_EPARSE || (d.line >= 1 && d.column >= 1 && d.reason[0]));
        return 0;
    }
    FUZZ_ASSERT(e == HP_OK);
    walk(root, 0);
    round_trip(root);
    hp_json_free(root);
    return 0;
}
