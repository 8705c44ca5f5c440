/* SPDX-License-Identifier: MIT */
/* Test tool: is a measurement session readable as it stands, e.g. just after `hpfr measure`
 * was killed?
 *   sesscheck SESSION FILE...
 * Reads SESSION/session.json with both of hpfr's readers (hp_session_read, which `hpfr
 * measure --resume` uses, and hp_sessinfo_parse, which hpfr average, leak and report use) and
 * requires them to agree on which placements are done. Then every FILE must be in each done
 * placement's directory and read back with hpfr's own readers for its kind: *.csv as a
 * numeric table (hp_csvtab_parse) and fr-*.csv and xt-*.csv also as a frequency response
 * (hp_fr_read), *.wav through libsndfile (hp_audio_read), *.json as strict JSON
 * (hp_json_parse); SESSION/sweep.wav must read too. Prints the done placements'
 * indices on one line ("done: 1 2 3", "done:" for none).
 * Exit status 0, 1 (a check failed; the reason on stderr) or 2 (usage). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audio.h"
#include "csvtab.h"
#include "frread.h"
#include "json.h"
#include "session.h"
#include "sessinfo.h"

static int fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "sesscheck: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *nb = realloc(b, cap *= 2);
        if (!nb)
            free(b);
        b = nb;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

static const char *why(hp_err e, const hp_diag *d)
{
    return e == HP_EIO ? strerror(errno) : d->reason[0] ? d->reason : hp_strerror(e);
}

static const char *ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : "";
}

/* Reads one file with the reader of its kind; 0 when it reads. */
static int read_back(const char *path)
{
    hp_diag d = {0};
    const char *x = ext(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (!strcmp(x, "csv") && (!strncmp(base, "fr-", 3) || !strncmp(base, "xt-", 3))) {
        hp_frcurve c = {0};
        hp_err e = hp_fr_read(path, &c, &d);
        hp_frcurve_release(&c);
        if (e != HP_OK)
            return fail("%s: not a response: %s", path, why(e, &d));
    }
    if (!strcmp(x, "csv")) {
        size_t len = 0;
        char *buf = slurp(path, &len);
        if (!buf)
            return fail("%s: cannot read: %s", path, strerror(errno));
        hp_csvtab t = {0};
        hp_err e = hp_csvtab_parse(buf, len, &t, &d);
        free(buf);
        hp_csvtab_release(&t);
        return e == HP_OK ? 0 : fail("%s: not a numeric table: %s", path, why(e, &d));
    }
    if (!strcmp(x, "wav")) {
        hp_audio a = {0};
        hp_err e = hp_audio_read(path, &a, &d);
        int bad = e != HP_OK || a.frames == 0;
        hp_audio_release(&a);
        return bad ? fail("%s: not audio: %s", path, e ? why(e, &d) : "no frames") : 0;
    }
    if (!strcmp(x, "json")) {
        size_t len = 0;
        char *buf = slurp(path, &len);
        if (!buf)
            return fail("%s: cannot read: %s", path, strerror(errno));
        hp_err e = HP_OK;
        hp_jval *v = hp_json_parse(buf, len, &e, &d);
        free(buf);
        hp_json_free(v);
        return v ? 0 : fail("%s: not JSON: %s", path, why(e, &d));
    }
    return fail("%s: no reader for .%s files", path, x);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sesscheck SESSION FILE...\n");
        return 2;
    }
    const char *dir = argv[1];
    char path[4096];
    hp_session s = {0};
    hp_diag d = {0};
    hp_err e = hp_session_read(dir, &s, &d);
    if (e != HP_OK) {
        char where[32];
        snprintf(where, sizeof where, "%ld", d.line);
        return fail("session.json (hp_session_read), line %s: %s", where, why(e, &d));
    }
    snprintf(path, sizeof path, "%s/session.json", dir);
    size_t len = 0;
    char *buf = slurp(path, &len);
    hp_sessinfo info = {0};
    e = buf ? hp_sessinfo_parse(buf, len, &info, &d) : HP_EIO;
    free(buf);
    int rc = 0;
    if (e != HP_OK)
        rc = fail("session.json (hp_sessinfo_parse): %s%s", why(e, &d), "");
    size_t ndone = 0;
    for (size_t i = 0; i < s.count; i++)
        ndone += s.placements[i].status == HP_PLACEMENT_DONE;
    if (!rc && ndone != hp_sessinfo_ndone(&info))
        rc = fail("the two session readers disagree on the done placements%s%s", "", "");
    snprintf(path, sizeof path, "%s/sweep.wav", dir);
    if (!rc)
        rc = read_back(path);
    printf("done:");
    for (size_t i = 0; !rc && i < info.nplace; i++) {
        const hp_sessinfo_place *p = &info.place[i];
        if (!p->done)
            continue;
        printf(" %u", p->index);
        for (int k = 2; !rc && k < argc; k++) {
            if (snprintf(path, sizeof path, "%s/%s/%s", dir, p->dir, argv[k]) >= (int)sizeof path)
                rc = fail("%s/%s: path too long", p->dir, argv[k]);
            else
                rc = read_back(path);
        }
    }
    printf("\n");
    hp_sessinfo_release(&info);
    hp_session_release(&s);
    return rc;
}
