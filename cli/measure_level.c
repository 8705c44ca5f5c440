/* SPDX-License-Identifier: MIT */
/* hpfr measure: the level check before the first placement. A short sweep on both drivers at
 * once; per microphone input the peak, the noise floor and the SNR. Clipping, a silent input
 * or one below -40 dBFS stop the session before any time is spent on placements. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "levels.h"
#include "measure.h"

#define TOO_QUIET_DBFS (-40.0)
#define SILENT_DBFS (-120.0)
#define HEADROOM_DB 6.0
#define AUTO_START_DB (-20.0)
#define LOWEST_LEVEL_DB (-80.0)

typedef struct {
    hp_levels lv[HP_DUPLEX_MAX_CH];
    bool checked[HP_DUPLEX_MAX_CH];
    unsigned inputs;        /* capture channels */
    double worst_peak;  /* highest peak over the checked inputs */
    bool clipped;
} check_result;

static const char *input_role(const measure_ctx *m, unsigned c)
{
    if (m->opt.ref_channel && c + 1 == (unsigned)m->opt.ref_channel)
        return "loopback reference";
    unsigned mic = m->opt.ref_channel && c + 1 > (unsigned)m->opt.ref_channel ? c - 1 : c;
    return mic == 0 ? "left mic" : mic == 1 ? "right mic" : "extra input";
}

/* The inputs that must carry sound: the microphones of the ears measured and the loopback. */
static bool is_checked(const measure_ctx *m, unsigned c)
{
    const char *role = input_role(m, c);
    if (!strcmp(role, "left mic"))
        return m->opt.ears != 2;
    if (!strcmp(role, "right mic"))
        return m->opt.ears != 1;
    return !strcmp(role, "loopback reference");
}

static int run_check(measure_ctx *m, double level_db, check_result *r)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(m->opt.rate_hz);
    c.samples = 32768;  /* 0.7 s at 48 kHz: long enough for every band's level */
    c.level_db = level_db;
    c.channels = 1;
    c.post_s = 0.25;
    if (m->opt.f1_hz > 0)
        c.f1_hz = m->opt.f1_hz;
    if (m->opt.f2_hz > 0)
        c.f2_hz = m->opt.f2_hz;
    hp_sweep_info info;
    if (hp_sweep_plan(&c, &info) != HP_OK)
        return hp_cli_fail(m->cmd, "cannot plan the level-check sweep");
    unsigned pch = m->play.channels;
    double *mono = malloc(info.total_frames * sizeof *mono);
    float *play = calloc(info.total_frames * pch, sizeof *play);
    int rc = 0;
    if (!mono || !play || hp_sweep_render(&info, mono, info.total_frames) != HP_OK)
        rc = hp_cli_fail(m->cmd, "out of memory for the level check");
    for (size_t i = 0; !rc && i < info.total_frames; i++)
        for (unsigned c2 = 0; c2 < 2; c2++)
            if (!m->opt.ears || m->opt.ears == c2 + 1)
                play[i * pch + c2] = (float)mono[i];
    char what[64];
    snprintf(what, sizeof what, "level check %.1f dBFS", level_db);
    size_t cap_frames = info.total_frames + (size_t)m->opt.rate_hz / 10;
    if (!rc)
        rc = measure_stream(m, play, info.total_frames, cap_frames, what, NULL);
    free(mono);
    free(play);
    if (rc)
        return rc;
    /* Noise: the first 80% of the silence before the sweep, before any latency brings sound
     * in. Signal: the sweep, shifted by up to 0.2 s of latency. */
    size_t pre = info.start_frame[0], noise_end = pre * 4 / 5;
    size_t sig_end = pre + info.sweep_frames;
    r->inputs = m->cap.channels;
    r->worst_peak = -INFINITY;
    r->clipped = false;
    for (unsigned ch = 0; ch < m->cap.channels; ch++) {
        if (hp_levels_measure(m->captured + ch, m->cap.channels, cap_frames, noise_end, pre,
                              sig_end, &r->lv[ch]) != HP_OK)
            return hp_cli_fail(m->cmd, "level check: capture too short");
        r->checked[ch] = is_checked(m, ch);
        if (r->checked[ch]) {
            r->worst_peak = fmax(r->worst_peak, r->lv[ch].peak_dbfs);
            r->clipped |= r->lv[ch].clipped > 0;
        }
    }
    return 0;
}

static void print_levels(const measure_ctx *m, const check_result *r, double level_db)
{
    printf("level check at %.1f dBFS:\n", level_db);
    for (unsigned c = 0; c < r->inputs; c++) {
        const hp_levels *l = &r->lv[c];
        if (!r->checked[c])
            continue;
        if (!isfinite(l->peak_dbfs)) {
            printf("  input %u (%s): silent\n", c + 1, input_role(m, c));
            continue;
        }
        printf("  input %u (%s): peak %6.1f dBFS, noise %6.1f dBFS, SNR %5.1f dB%s\n", c + 1,
               input_role(m, c), l->peak_dbfs, l->noise_dbfs, l->snr_db,
               l->clipped ? "  CLIPS" : "");
    }
    fflush(stdout);
}

/* Lowers the level in 20 dB steps until nothing clips; returns the level that leaves
 * HEADROOM_DB below full scale, or NAN if even the lowest level clips. */
static double level_for_headroom(measure_ctx *m, double level_db, int *rc)
{
    check_result r;
    for (;;) {
        if ((*rc = run_check(m, level_db, &r)))
            return NAN;
        if (!r.clipped)
            break;
        if (level_db - 20 < LOWEST_LEVEL_DB)
            return NAN;
        level_db -= 20;
    }
    if (!isfinite(r.worst_peak))
        return level_db;
    double best = level_db + (-HEADROOM_DB - r.worst_peak);
    /* The sweep is at most full scale; a quiet rig then simply gets less headroom used. */
    return floor(fmin(best, 0.0) * 10) / 10;
}

static int judge(const measure_ctx *m, const check_result *r)
{
    for (unsigned c = 0; c < r->inputs; c++) {
        const hp_levels *l = &r->lv[c];
        if (!r->checked[c])
            continue;
        if (!(l->peak_dbfs > SILENT_DBFS))
            return hp_cli_fail(m->cmd, "input %u (%s) is silent: is the microphone plugged in "
                               "and powered?", c + 1, input_role(m, c));
        if (l->peak_dbfs < TOO_QUIET_DBFS)
            return hp_cli_fail(m->cmd, "input %u (%s): peak %.1f dBFS is too quiet (below "
                               "%.0f dBFS): raise --level, the amplifier or the input gain",
                               c + 1, input_role(m, c), l->peak_dbfs, TOO_QUIET_DBFS);
    }
    return 0;
}

int measure_level_check(measure_ctx *m)
{
    check_result r;
    int rc;
    if (m->opt.level_auto) {
        double level = level_for_headroom(m, AUTO_START_DB, &rc);
        if (rc)
            return rc;
        if (isnan(level))
            return hp_cli_fail(m->cmd, "the inputs clip even at %.0f dBFS: lower the input "
                               "gain", LOWEST_LEVEL_DB);
        m->opt.level_db = level;
        m->opt.level_auto = false;
        printf("--level auto: %.1f dBFS leaves %.0f dB of headroom\n", level, HEADROOM_DB);
    }
    if ((rc = run_check(m, m->opt.level_db, &r)))
        return rc;
    print_levels(m, &r, m->opt.level_db);
    if (r.clipped) {
        unsigned c = 0;
        while (c + 1 < r.inputs && !(r.checked[c] && r.lv[c].clipped))
            c++;
        double suggest = level_for_headroom(m, m->opt.level_db - 20, &rc);
        if (rc)
            return rc;
        if (isnan(suggest))
            return hp_cli_fail(m->cmd, "input %u (%s) clips at --level %.1f dBFS, and still "
                               "clips at %.0f dBFS: lower the input gain", c + 1,
                               input_role(m, c), m->opt.level_db, LOWEST_LEVEL_DB);
        return hp_cli_fail(m->cmd, "input %u (%s) clips at --level %.1f dBFS: use --level "
                           "%.1f (%.0f dB of headroom) or --level auto", c + 1, input_role(m, c),
                           m->opt.level_db, suggest, HEADROOM_DB);
    }
    return judge(m, &r);
}
