/* SPDX-License-Identifier: MIT */
/* The session readers: numeric CSV tables (formats/csvtab) and session.json
 * (formats/sessinfo), good input and every rejection with its line. */
#include "t.h"
#include <string.h>
#include "csvtab.h"
#include "sessinfo.h"

static hp_err csv(const char *text, hp_csvtab *t, hp_diag *d)
{
    return hp_csvtab_parse(text, strlen(text), t, d);
}

static void csv_good(void)
{
    hp_csvtab t;
    hp_diag d;
    CHECK(csv("frequency,raw,smoothed,phase\n20.000,-4.5,-4.4,46.5\n20.291,-4.25,nan,-inf\n", &t,
              &d) == HP_OK);
    CHECK(t.ncols == 4 && t.nrows == 2);
    CHECK(!strcmp(t.names[1], "raw") && hp_csvtab_col(&t, "phase") == 3);
    CHECK(hp_csvtab_col(&t, "nope") == -1 && hp_csvtab_col(NULL, "raw") == -1);
    CHECK_NEAR(hp_csvtab_at(&t, 1, 0), 20.291, 0);
    CHECK_NEAR(hp_csvtab_at(&t, 1, 1), -4.25, 0);
    CHECK(isnan(hp_csvtab_at(&t, 1, 2)) && hp_csvtab_at(&t, 1, 3) == -(double)INFINITY);
    CHECK(t.line[0] == 2 && t.line[1] == 3);
    hp_csvtab_release(&t);
    hp_csvtab_release(&t); /* twice is harmless */
    /* BOM, CRLF, blanks around fields, empty lines, no final newline, exponents. */
    CHECK(csv("\xEF\xBB\xBF frequency , db\r\n\r\n10, 1e-3\r\n\n 1.5E2 ,-2\r\n", &t, &d) == HP_OK);
    CHECK(t.nrows == 2 && !strcmp(t.names[0], "frequency") && t.line[1] == 5);
    CHECK_NEAR(hp_csvtab_at(&t, 0, 1), 1e-3, 0);
    CHECK_NEAR(hp_csvtab_at(&t, 1, 0), 150, 0);
    hp_csvtab_release(&t);
}

static void csv_bad_one(const char *text, hp_err want, long line, long col, const char *reason)
{
    hp_csvtab t;
    hp_diag d;
    hp_err e = csv(text, &t, &d);
    CHECK(e == want);
    CHECK(d.line == line);
    CHECK(d.column == col);
    CHECK(strstr(d.reason, reason) != NULL);
    if (e != want || d.line != line || d.column != col || !strstr(d.reason, reason))
        fprintf(stderr, "  input %s: got %d at %ld:%ld '%s'\n", text, e, d.line, d.column, d.reason);
    CHECK(t.nrows == 0 && t.data == NULL && t.names == NULL);
}

static void csv_bad(void)
{
    csv_bad_one("", HP_EPARSE, 1, -1, "no header");
    csv_bad_one("\n\n", HP_EPARSE, 1, -1, "no header");
    csv_bad_one("frequency,db\n", HP_EPARSE, 2, -1, "no data rows");
    csv_bad_one("frequency,db\n10,1\n20,abc\n", HP_EPARSE, 3, 2, "not a number 'abc'");
    csv_bad_one("frequency,db\n10,1\n20\n", HP_EPARSE, 3, -1, "1 field, the header has 2");
    csv_bad_one("frequency,db\n10,1,3\n", HP_EPARSE, 2, -1, "more than the header's 2 fields");
    csv_bad_one("frequency,db\n10,\n", HP_EPARSE, 2, 2, "not a number");
    csv_bad_one("frequency,db\n10,1,5\n", HP_EPARSE, 2, -1, "more than");
    csv_bad_one("frequency,,db\n1,2,3\n", HP_EPARSE, 1, 2, "empty column name");
    csv_bad_one("a,b,a\n1,2,3\n", HP_EPARSE, 1, 3, "duplicate column name 'a'");
    csv_bad_one("frequency,db\n10,1e999\n", HP_ERANGE, 2, 2, "out of range");
    csv_bad_one("frequency,db\n10,1,0\n", HP_EPARSE, 2, -1, "more than");
    csv_bad_one("frequency,db\n10,1.5.2\n", HP_EPARSE, 2, 2, "not a number");
    csv_bad_one("frequency,db\n10,1\n20,2\n30,NaN\n", HP_EPARSE, 4, 2, "not a number");
    static const char nul[] = "frequency,db\n10,1\n2\0,2\n";
    hp_csvtab t;
    hp_diag d;
    CHECK(hp_csvtab_parse(nul, sizeof nul - 1, &t, &d) == HP_EPARSE && d.line == 3);
    CHECK(hp_csvtab_parse(NULL, 3, &t, &d) == HP_EINVAL);
    CHECK(hp_csvtab_parse("a\n1\n", 4, NULL, &d) == HP_EINVAL);
    CHECK(hp_csvtab_parse("a\n1\n", 4, &t, NULL) == HP_OK);
    hp_csvtab_release(&t);
}

static const char good_session[] =
    "{\n"
    "  \"format\": \"hpfr-session\", \"version\": 1,\n"
    "  \"name\": \"Headphone model\",\n"
    "  \"created\": \"2026-11-21T01:02:03Z\",\n"
    "  \"rate\": 48000,\n"
    "  \"devices\": {\"playback\": \"hpfr_sim\", \"capture\": \"hpfr_sim\", \"inputs\": 2},\n"
    "  \"sweep\": {\"file\": \"sweep.wav\", \"f1\": 10, \"f2\": 24000},\n"
    "  \"channels\": [\"L\", \"R\"],\n"
    "  \"placements_planned\": 5,\n"
    "  \"future_key\": [1, {\"x\": null}],\n"
    "  \"placements\": [\n"
    "    {\"index\": 1, \"dir\": \"placement-1\", \"status\": \"done\", \"xruns\": 0},\n"
    "    {\"index\": 2, \"status\": \"skipped\"},\n"
    "    {\"index\": 3, \"dir\": \"deep/placement-3\", \"status\": \"done\"}\n"
    "  ]\n"
    "}\n";

static hp_err sess(const char *text, hp_sessinfo *s, hp_diag *d)
{
    return hp_sessinfo_parse(text, strlen(text), s, d);
}

static void session_good(void)
{
    hp_sessinfo s;
    hp_diag d;
    CHECK(sess(good_session, &s, &d) == HP_OK);
    CHECK(!strcmp(s.name, "Headphone model"));
    CHECK_NEAR(s.rate_hz, 48000, 0);
    CHECK(s.nchannels == 2 && !strcmp(s.channels[0], "L") && !strcmp(s.channels[1], "R"));
    CHECK(s.nplace == 3 && hp_sessinfo_ndone(&s) == 2);
    CHECK(s.place[0].index == 1 && s.place[0].done && !strcmp(s.place[0].dir, "placement-1"));
    CHECK(s.place[1].index == 2 && !s.place[1].done && s.place[1].dir == NULL);
    CHECK(!strcmp(s.place[2].dir, "deep/placement-3") && s.place[2].line == 14);
    hp_sessinfo_release(&s);
    hp_sessinfo_release(&s);
    CHECK(hp_sessinfo_ndone(NULL) == 0);
    /* The minimum: no name, no placements yet. */
    CHECK(sess("{\"format\":\"hpfr-session\",\"version\":1,\"rate\":44100,\"channels\":[\"ch1\"],"
               "\"placements\":[]}",
               &s, &d) == HP_OK);
    CHECK(s.name == NULL && s.nplace == 0 && s.nchannels == 1);
    hp_sessinfo_release(&s);
}

/* Replaces the first occurrence of from with to in good_session and expects an error on
 * `line` whose reason contains `reason`. */
static void session_bad_one(const char *from, const char *to, long line, const char *reason)
{
    char buf[sizeof good_session + 256];
    const char *at = strstr(good_session, from);
    CHECK(at != NULL);
    if (!at)
        return;
    size_t pre = (size_t)(at - good_session);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, good_session, to, at + strlen(from));
    hp_sessinfo s;
    hp_diag d;
    hp_err e = sess(buf, &s, &d);
    CHECK(e == HP_EPARSE);
    CHECK(d.line == line);
    CHECK(strstr(d.reason, reason) != NULL);
    if (e != HP_EPARSE || d.line != line || !strstr(d.reason, reason))
        fprintf(stderr, "  '%s' -> '%s': got %d at line %ld '%s'\n", from, to, e, d.line, d.reason);
    CHECK(s.place == NULL && s.name == NULL && s.nchannels == 0);
}

static void session_bad(void)
{
    session_bad_one("\"hpfr-session\"", "\"other\"", 2, "not an hpfr session");
    session_bad_one("\"version\": 1", "\"version\": 2", 2, "newer");
    session_bad_one("\"version\": 1", "\"version\": 1.5", 2, "positive integer");
    session_bad_one("\"rate\": 48000", "\"rate\": -1", 5, "\"rate\"");
    session_bad_one("\"rate\": 48000", "\"rate_hz\": 48000", 1, "\"rate\"");
    session_bad_one("\"name\": \"Headphone model\"", "\"name\": 3", 3, "\"name\"");
    session_bad_one("[\"L\", \"R\"]", "[]", 8, "\"channels\"");
    session_bad_one("[\"L\", \"R\"]", "[\"L\", \"L\"]", 8, "listed twice");
    session_bad_one("[\"L\", \"R\"]", "[\"L\", \"R/x\"]", 8, "channel name");
    session_bad_one("[\"L\", \"R\"]", "[\"L\", 2]", 8, "channel name");
    session_bad_one("\"placements\": [", "\"placements\": 3, \"x\": [", 11, "\"placements\"");
    session_bad_one("{\"index\": 2, \"status\": \"skipped\"}", "7", 13, "must be an object");
    session_bad_one("{\"index\": 2,", "{\"index\": 0,", 13, "\"index\"");
    session_bad_one("{\"index\": 2,", "{\"index\": 1,", 13, "same \"index\"");
    session_bad_one("\"status\": \"skipped\"", "\"status\": 1", 13, "\"status\"");
    session_bad_one("\"dir\": \"placement-1\", ", "", 12, "needs its \"dir\"");
    session_bad_one("\"placement-1\"", "\"../x\"", 12, "inside the session");
    session_bad_one("\"placement-1\"", "\"/tmp/x\"", 12, "inside the session");
    session_bad_one("\"placement-1\"", "\"a/./b\"", 12, "inside the session");
    session_bad_one("\"placement-1\"", "\"a//b\"", 12, "inside the session");
    session_bad_one("\"placement-1\"", "\"a\\\\b\"", 12, "inside the session");
    session_bad_one("\"placement-1\"", "\"\"", 12, "inside the session");
    /* JSON syntax errors come with the parser's line. */
    session_bad_one("\"rate\": 48000,", "\"rate\": 48000,,", 5, "");
    hp_sessinfo s;
    hp_diag d;
    CHECK(sess("[1]", &s, &d) == HP_EPARSE && d.line == 1);
    CHECK(sess("", &s, &d) == HP_EPARSE);
    CHECK(hp_sessinfo_parse(NULL, 2, &s, &d) == HP_EINVAL);
    CHECK(hp_sessinfo_parse(good_session, strlen(good_session), NULL, &d) == HP_EINVAL);
}

int main(void)
{
    csv_good();
    csv_bad();
    session_good();
    session_bad();
    T_DONE();
}
