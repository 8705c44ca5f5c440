/* SPDX-License-Identifier: MIT */
/* session.json, through each of its readers on the same bytes: hpfr measure --resume's
 * (hp_session_parse), average and leak's (hp_sessinfo_parse), the plots' and report's
 * (hp_pin_session_parse) and hpfr eq's (session_parse in cli/eq_input.c, a static function,
 * hence the include). */
#include "fuzz.h"
#include "pinput.h"
#include "session.h"
#include "sessinfo.h"
#include "eq_input.c"

#define DIR "sess"

static void check_session(const char *buf, size_t size)
{
    hp_session s;
    hp_diag d;
    hp_err e = hp_session_parse(buf, size, &s, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENOMEM || e == HP_ERANGE);
    if (e != HP_OK) {
        FUZZ_ASSERT(!s.placements && s.count == 0);
        return;
    }
    FUZZ_ASSERT(s.rate >= 8000 && s.rate <= 768000 && s.count <= HP_SESSION_MAX_PLACEMENTS);
    FUZZ_ASSERT(s.ears <= 2 && s.inputs <= 64 && s.planned <= HP_SESSION_MAX_PLACEMENTS);
    FUZZ_ASSERT(memchr(s.name, '\0', sizeof s.name) && memchr(s.mic_cal, '\0', sizeof s.mic_cal));
    for (size_t i = 0; i < s.count; i++) {
        const hp_placement *p = &s.placements[i];
        FUZZ_ASSERT(p->index >= 1 && p->index <= HP_SESSION_MAX_PLACEMENTS);
        FUZZ_ASSERT(i == 0 || p->index > s.placements[i - 1].index);
        FUZZ_ASSERT(p->status == HP_PLACEMENT_DONE || p->status == HP_PLACEMENT_SKIPPED);
        FUZZ_ASSERT(memchr(p->captured, '\0', sizeof p->captured));
    }
    FUZZ_ASSERT(hp_session_last_index(&s) == (s.count ? s.placements[s.count - 1].index : 0));
    hp_session_release(&s);
}

/* A directory name that stays inside the session when joined to it. */
static int inside(const char *dir)
{
    if (!*dir || dir[0] == '/')
        return 0;
    for (const char *p = dir; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && !strncmp(p, "..", 2))
            return 0;
        p += n + (p[n] == '/');
    }
    return 1;
}

static void check_sessinfo(const char *buf, size_t size)
{
    hp_sessinfo s;
    hp_diag d;
    hp_err e = hp_sessinfo_parse(buf, size, &s, &d);
    fuzz_check_diag(&d, e);
    FUZZ_ASSERT(e == HP_OK || e == HP_EPARSE || e == HP_ENOMEM || e == HP_ERANGE);
    if (e != HP_OK) {
        FUZZ_ASSERT(!s.place && !s.name && s.nchannels == 0 && s.nplace == 0);
        return;
    }
    FUZZ_ASSERT(s.rate_hz > 0 && isfinite(s.rate_hz));
    FUZZ_ASSERT(s.nchannels >= 1 && s.nchannels <= HP_SESSINFO_MAX_CHANNELS);
    for (size_t c = 0; c < s.nchannels; c++)
        FUZZ_ASSERT(s.channels[c] && s.channels[c][0]);
    for (size_t i = 0; i < s.nplace; i++) {
        const hp_sessinfo_place *p = &s.place[i];
        FUZZ_ASSERT(p->index >= 1);
        FUZZ_ASSERT(p->done ? p->dir && inside(p->dir) : !p->dir);
        for (size_t k = 0; k < i; k++)
            FUZZ_ASSERT(s.place[k].index != p->index);
    }
    FUZZ_ASSERT(hp_sessinfo_ndone(&s) <= s.nplace);
    hp_sessinfo_release(&s);
}

static void check_pin_session(const char *buf, size_t size)
{
    hp_pin_session s;
    char why[512];
    why[0] = '\0';
    hp_err e = hp_pin_session_parse(DIR, buf, size, &s, why, sizeof why);
    fuzz_check_why(why, sizeof why);
    if (e != HP_OK) {
        FUZZ_ASSERT(why[0] && !s.pdir && !s.dir && s.np == 0);
        return;
    }
    FUZZ_ASSERT(s.np >= 1 && s.nch >= 1 && s.nch <= HP_PIN_MAX_CH && !strcmp(s.dir, DIR));
    for (size_t c = 0; c < s.nch; c++)
        FUZZ_ASSERT(s.ch[c][0] && memchr(s.ch[c], '\0', sizeof s.ch[c]) && !strchr(s.ch[c], '/'));
    for (size_t i = 0; i < s.np; i++) {
        FUZZ_ASSERT(!strncmp(s.pdir[i], DIR "/", sizeof DIR) && inside(s.pdir[i] + sizeof DIR));
        FUZZ_ASSERT(s.pindex[i] >= 1);
    }
    hp_pin_session_release(&s);
}

static void check_eq_session(const char *buf, size_t size)
{
    session s;
    char why[512];
    why[0] = '\0';
    int rc = session_parse(DIR, DIR "/session.json", buf, size, &s, why, sizeof why);
    fuzz_check_why(why, sizeof why);
    if (rc) {
        FUZZ_ASSERT(why[0] && !s.dirs);
        return;
    }
    FUZZ_ASSERT(s.nch >= 1 && s.nch <= 2 && s.np >= 1 && s.np <= MAX_PLACEMENTS);
    for (unsigned c = 0; c < s.nch; c++)
        FUZZ_ASSERT(s.chan[c][0] && memchr(s.chan[c], '\0', sizeof s.chan[c]));
    for (size_t i = 0; i < s.np; i++)
        FUZZ_ASSERT(memchr(s.dirs[i], '\0', EQ_PATH_MAX) && !strstr(s.dirs[i], ".."));
    free(s.dirs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    check_session(buf, size);
    check_sessinfo(buf, size);
    check_pin_session(buf, size);
    check_eq_session(buf, size);
    return 0;
}
