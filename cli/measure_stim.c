/* SPDX-License-Identifier: MIT */
/* hpfr measure: the stimulus of a placement and the session's sweep.wav. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "drift.h"
#include "measure.h"
#include "outfile.h"
#include "sweepmeta.h"

/* Latency a real interface may add before the sound reaches the capture (0.2 s is far more
 * than USB or HDA hardware shows), plus what the largest drift corrected adds over the
 * stimulus. */
static size_t marker_slack(double rate, size_t total)
{
    return (size_t)(0.2 * rate) + (size_t)ceil((double)total * HP_DRIFT_MAX_PPM * 1e-6);
}

/* The clock marker: a third of a second of sweep over the band every headphone reproduces. */
static int plan_marker(double rate, hp_sweep_info *mi)
{
    hp_sweep_cfg c = hp_sweep_cfg_default(rate);
    c.samples = (size_t)rate / 3;
    c.f1_hz = 100;
    c.f2_hz = fmin(16000, 0.45 * rate);
    c.pre_s = 0;
    c.post_s = 0;
    c.channels = 1;
    return hp_sweep_plan(&c, mi) == HP_OK ? 0 : -1;
}

/* --resume plays exactly the sweep the session started with: the one in SESSION/sweep.wav. */
static int load_sequence(measure_ctx *m)
{
    measure_stimulus *s = &m->stim;
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.wav", m->opt.session_dir);
    hp_audio a = {0};
    hp_diag d;
    hp_err e = hp_audio_read(path, &a, &d);
    if (e != HP_OK)
        return hp_cli_fail(m->cmd, "%s: %s", path, d.reason[0] ? d.reason : hp_strerror(e));
    int rc = 0;
    if (!a.comment || hp_sweepmeta_parse(a.comment, &s->info) != HP_OK || a.channels != 2 ||
        s->info.channels != 2 || a.frames != s->info.total_frames || a.rate_hz != m->opt.rate_hz)
        rc = hp_cli_fail(m->cmd, "%s: not the session's left-then-right hpfr sweep", path);
    if (!rc) {
        s->sequence = a.data;
        a.data = NULL;
    }
    hp_audio_release(&a);
    return rc;
}

static int plan_sequence(measure_ctx *m)
{
    measure_stimulus *s = &m->stim;
    const measure_opts *o = &m->opt;
    hp_sweep_cfg c = hp_sweep_cfg_default(o->rate_hz);
    if (o->samples)
        c.samples = o->samples;
    else
        c.length_s = o->length_s;
    if (o->f1_hz > 0)
        c.f1_hz = o->f1_hz;
    if (o->f2_hz > 0)
        c.f2_hz = o->f2_hz;
    c.level_db = o->level_db;
    c.channels = 2;
    if (hp_sweep_plan(&c, &s->info) != HP_OK)
        return hp_cli_fail(m->cmd, "these sweep settings are out of range (see hpfr %s --help)",
                           m->cmd);
    s->sequence = malloc(s->info.total_frames * 2 * sizeof *s->sequence);
    if (!s->sequence)
        return hp_cli_fail(m->cmd, "out of memory for a %zu-frame sweep", s->info.total_frames);
    if (hp_sweep_render(&s->info, s->sequence, s->info.total_frames * 2) != HP_OK)
        return hp_cli_fail(m->cmd, "cannot render the sweep");
    return 0;
}

int measure_stim_build(measure_ctx *m)
{
    measure_stimulus *s = &m->stim;
    const measure_opts *o = &m->opt;
    int rc = o->resume ? load_sequence(m) : plan_sequence(m);
    if (rc)
        return rc;
    size_t seq = s->info.total_frames, rate = (size_t)o->rate_hz;
    s->markers = m->separate && !o->ref_channel;
    s->seq_start = 0;
    s->play_frames = seq;
    hp_sweep_info mi;
    if (s->markers && plan_marker(o->rate_hz, &mi))
        return hp_cli_fail(m->cmd, "cannot plan the clock marker");
    if (s->markers) {
        s->marker_frames = mi.total_frames;
        s->marker_slack = marker_slack(o->rate_hz, seq + 2 * rate);
        s->marker_pos[0] = rate / 10;
        s->seq_start = s->marker_pos[0] + s->marker_frames + s->marker_slack + rate / 5;
        s->marker_pos[1] = s->seq_start + seq;
        s->play_frames = s->marker_pos[1] + s->marker_frames;
        s->capture_frames = s->play_frames + s->marker_slack + rate / 10;
    } else {
        /* The sweep's own second of silence after each sweep holds the latency and the
         * decay; the extra tenth of a second keeps the tail whole on a slow interface. */
        s->capture_frames = seq + rate / 10;
    }
    unsigned pch = m->play.channels;
    s->play = calloc(s->play_frames * pch, sizeof *s->play);
    double *marker = s->markers ? calloc(s->marker_frames, sizeof *marker) : NULL;
    if (!s->play || (s->markers && !marker)) {
        free(marker);
        return hp_cli_fail(m->cmd, "out of memory for a %zu-frame stimulus", s->play_frames);
    }
    if (s->markers && hp_sweep_render(&mi, marker, mi.total_frames) != HP_OK) {
        free(marker);
        return hp_cli_fail(m->cmd, "cannot render the sweep");
    }
    /* Outputs 1 and 2 are the left and right drivers; any further outputs stay silent, and so
     * does a driver --channels leaves out (its sweep's slot in the sequence passes quietly). */
    for (size_t i = 0; i < seq; i++)
        for (unsigned c2 = 0; c2 < 2; c2++)
            if (!o->ears || o->ears == c2 + 1)
                s->play[(s->seq_start + i) * pch + c2] = (float)s->sequence[2 * i + c2];
    for (int k = 0; s->markers && k < 2; k++)
        for (size_t i = 0; i < s->marker_frames; i++)
            s->play[(s->marker_pos[k] + i) * pch] = (float)marker[i];
    free(marker);
    return 0;
}

void measure_stim_free(measure_stimulus *s)
{
    free(s->sequence);
    free(s->play);
    memset(s, 0, sizeof *s);
}

int measure_stim_write(measure_ctx *m)
{
    const measure_stimulus *s = &m->stim;
    char meta[512], path[4096];
    hp_audio a = {.rate_hz = s->info.rate_hz, .frames = s->info.total_frames, .channels = 2,
                  .data = s->sequence, .comment = meta};
    if (hp_sweepmeta_format(&s->info, meta, sizeof meta) != HP_OK)
        return hp_cli_fail(m->cmd, "cannot describe the sweep");
    snprintf(path, sizeof path, "%s/sweep.wav", m->opt.session_dir);
    return hp_cli_write_audio(m->cmd, path, &a);
}
