/* SPDX-License-Identifier: MIT */
/* hpfr_sim: the simulated headphone measurement rig as an ALSA external I/O plugin (ioplug).
 * Playback (L, R) and capture (left mic, right mic[, loopback]) are separate PCMs meeting on
 * a rig (state.c); clock.c moves time, render.c makes the sound from the model in
 * dsp/rigmodel.h. This file holds the ALSA callbacks and argument handling.
 *
 * Arguments (config keys or @args, case-insensitive, "" = default): the model's keys (see
 * hp_rig_params_from_kv), plus CLOCK (virtual | realtime; set by the shipped config), STATE
 * (file for a rig shared between processes; default: this process only), RIG (rig name;
 * default hpfr_sim or hpfr_sim_rt), SPEED (real-time factor, 1), GRACE (ms the virtual clock
 * waits for the other direction before letting it xrun, 200), LINK (ms within which a
 * real-time capture start adopts the running playback's start, 50), FORMATS and RATES (what
 * the device offers, '/'-separated; default all four formats and five rates). The placement is
 * PLACEMENT, else $HPFR_PLACEMENT at open, else 1. The acoustic model is taken from the first
 * PCM opened on an idle rig; LATENCY, NOISE, DRIFT, LOOPBACK and the dead/clip faults from the
 * capture PCM's own arguments; xrun/disconnect faults from each PCM's own. */
#define _GNU_SOURCE
#include "simrig.h"
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_ARGS 40

static sr_pcm *pcm_of(snd_pcm_ioplug_t *io)
{
    return io->private_data;
}

static int cb_start(snd_pcm_ioplug_t *io)
{
    return sr_start(pcm_of(io));
}

static int cb_stop(snd_pcm_ioplug_t *io)
{
    sr_stop(pcm_of(io));
    return 0;
}

/* Returns the position modulo boundary (SND_PCM_IOPLUG_FLAG_BOUNDARY_WA), -EPIPE on xrun. */
static snd_pcm_sframes_t cb_pointer(snd_pcm_ioplug_t *io)
{
    sr_pcm *pc = pcm_of(io);
    sr_rig *r = pc->h->rig;
    sr_lock(r);
    int64_t t = sr_now(r);
    int rc = sr_update(pc, t);
    sr_render_to(r, t, pc->scratch);
    uint64_t hw = r->s[pc->dir].hw, b = r->s[pc->dir].boundary;
    sr_unlock(r);
    if (rc == -ENODEV)
        snd_pcm_ioplug_set_state(io, SND_PCM_STATE_DISCONNECTED);
    else if (rc < 0)
        return rc;
    return (snd_pcm_sframes_t)(b ? hw % b : hw);
}

static snd_pcm_sframes_t cb_transfer(snd_pcm_ioplug_t *io, const snd_pcm_channel_area_t *areas,
                                     snd_pcm_uframes_t offset, snd_pcm_uframes_t size)
{
    sr_pcm *pc = pcm_of(io);
    if (pc->h->rig->disconnected)
        return -ENODEV;
    if (pc->dir == SR_PB)
        sr_play(pc, areas, offset, size);
    else
        sr_capture(pc, areas, offset, size);
    return (snd_pcm_sframes_t)size;
}

static void free_pcm(sr_pcm *pc)
{
    sr_detach(pc);
    if (pc->fd >= 0)
        close(pc->fd);
    free(pc->prefill);
    free(pc->scratch);
    free(pc);
}

static int cb_close(snd_pcm_ioplug_t *io)
{
    free_pcm(pcm_of(io));
    return 0;
}

/* Allocations happen here, never while streaming (STYLE.md). */
static int cb_hw_params(snd_pcm_ioplug_t *io, snd_pcm_hw_params_t *params)
{
    (void)params;
    sr_pcm *pc = pcm_of(io);
    if (pc->dir == SR_PB && pc->prefill_frames != io->buffer_size) {
        free(pc->prefill);
        pc->prefill_frames = 0;
        pc->prefill = calloc(io->buffer_size, 2 * sizeof(double));
        if (!pc->prefill)
            return -ENOMEM;
        pc->prefill_frames = io->buffer_size;
    }
    int err = sr_set_rate(pc, io->rate);
    if (err < 0)
        return err;
    sr_rig *r = pc->h->rig;
    sr_lock(r);
    r->s[pc->dir].buffer = io->buffer_size;
    sr_unlock(r);
    return 0;
}

static int cb_sw_params(snd_pcm_ioplug_t *io, snd_pcm_sw_params_t *params)
{
    sr_pcm *pc = pcm_of(io);
    snd_pcm_uframes_t avail_min = 1, stop = io->buffer_size, boundary = 0;
    snd_pcm_sw_params_get_avail_min(params, &avail_min);
    snd_pcm_sw_params_get_stop_threshold(params, &stop);
    snd_pcm_sw_params_get_boundary(params, &boundary);
    sr_rig *r = pc->h->rig;
    sr_lock(r);
    sr_stream *s = &r->s[pc->dir];
    s->avail_min = avail_min ? avail_min : 1;
    s->stop_thr = stop;
    s->boundary = boundary;
    s->xrun_enabled = !boundary || stop < boundary;
    sr_broadcast(r);
    sr_unlock(r);
    return 0;
}

static int cb_prepare(snd_pcm_ioplug_t *io)
{
    int err = sr_prepare(pcm_of(io));
    if (err)
        snd_pcm_ioplug_set_state(io, SND_PCM_STATE_DISCONNECTED);
    return err;
}

static int cb_poll_revents(snd_pcm_ioplug_t *io, struct pollfd *pfd, unsigned int nfds,
                           unsigned short *revents)
{
    (void)pfd;
    (void)nfds;
    sr_pcm *pc = pcm_of(io);
    unsigned short rev = pc->opt.realtime ? sr_poll_realtime(pc) : sr_wait_virtual(pc);
    if (rev & POLLERR)
        snd_pcm_ioplug_set_state(io, SND_PCM_STATE_DISCONNECTED);
    *revents = rev;
    return 0;
}

static void cb_dump(snd_pcm_ioplug_t *io, snd_output_t *out)
{
    sr_pcm *pc = pcm_of(io);
    snd_output_printf(out, "hpfr_sim %s: rig \"%s\", %s clock, preset %s, seed %llu, "
                      "placement %u\n", pc->dir == SR_PB ? "playback" : "capture",
                      pc->h->key, pc->opt.realtime ? "real-time" : "virtual", pc->args.preset,
                      (unsigned long long)pc->args.seed, pc->args.placement);
    snd_output_printf(out, "Its setup is:\n");
    snd_pcm_dump_setup(io->pcm, out);
}

static const snd_pcm_ioplug_callback_t callbacks = {
    .start = cb_start,
    .stop = cb_stop,
    .pointer = cb_pointer,
    .transfer = cb_transfer,
    .close = cb_close,
    .hw_params = cb_hw_params,
    .sw_params = cb_sw_params,
    .prepare = cb_prepare,
    .poll_revents = cb_poll_revents,
    .dump = cb_dump,
};

/* ---- arguments ---- */

static int bad_arg(const char *id, const char *v, const char *why)
{
    SNDERR("hpfr_sim: %s=%s: %s", id, v, why);
    return -EINVAL;
}

static bool number_in(const char *v, double lo, double hi, double *out)
{
    double x;
    if (!hp_rig_parse_number(v, &x) || !(x >= lo && x <= hi))
        return false;
    *out = x;
    return true;
}

static int copy_arg(char *dst, size_t n, const char *id, const char *v)
{
    if (strlen(v) >= n)
        return bad_arg(id, v, "too long");
    memcpy(dst, v, strlen(v) + 1);
    return 1;
}

static const unsigned all_formats[] = {SND_PCM_FORMAT_FLOAT_LE, SND_PCM_FORMAT_S32_LE,
                                       SND_PCM_FORMAT_S24_3LE, SND_PCM_FORMAT_S16_LE};
static const unsigned all_rates[] = {44100, 48000, 88200, 96000, 192000};

/* FORMATS=S16_LE/S24_3LE or RATES=44100/96000: a device offering less, to exercise format
 * negotiation and the "rate not offered" path of a client. Items are separated by '/'. */
static int list_arg(const char *id, const char *v, bool formats, unsigned *out, unsigned *n,
                    unsigned max)
{
    char buf[128];
    if (!*v)
        return 1;
    if (strlen(v) >= sizeof buf)
        return bad_arg(id, v, "too long");
    strcpy(buf, v);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        unsigned val = 0;
        bool found = false;
        for (unsigned i = 0; i < (formats ? 4u : 5u) && !found; i++) {
            val = formats ? all_formats[i] : all_rates[i];
            found = formats ? !strcasecmp(t, snd_pcm_format_name((snd_pcm_format_t)val))
                            : (unsigned)atoi(t) == val;
        }
        if (!found || *n == max)
            return bad_arg(id, v, formats ? "expected FLOAT_LE, S32_LE, S24_3LE or S16_LE, "
                                            "separated by /"
                                          : "expected rates among 44100/48000/88200/96000/192000");
        out[(*n)++] = val;
    }
    return 1;
}

/* Plugin-only keys. Returns 1 when consumed, 0 for a model key, negative for a bad value. */
static int plugin_key(sr_opts *o, const char *id, const char *v)
{
    double x = 0;
    if (!strcasecmp(id, "CLOCK")) {
        if (*v && strcasecmp(v, "virtual") && strcasecmp(v, "realtime"))
            return bad_arg(id, v, "expected virtual or realtime");
        o->realtime = !strcasecmp(v, "realtime");
    } else if (!strcasecmp(id, "STATE")) {
        return copy_arg(o->state_path, sizeof o->state_path, id, v);
    } else if (!strcasecmp(id, "RIG")) {
        return copy_arg(o->rig_name, sizeof o->rig_name, id, v);
    } else if (!strcasecmp(id, "FORMATS")) {
        return list_arg(id, v, true, o->formats, &o->nformats, 4);
    } else if (!strcasecmp(id, "RATES")) {
        return list_arg(id, v, false, o->rates, &o->nrates, 5);
    } else if (!strcasecmp(id, "SPEED")) {
        if (*v && !number_in(v, 0.001, 1000, &o->speed))
            return bad_arg(id, v, "expected a speed factor between 0.001 and 1000");
    } else if (!strcasecmp(id, "GRACE") || !strcasecmp(id, "LINK")) {
        if (*v && !number_in(v, 0, 60000, &x))
            return bad_arg(id, v, "expected milliseconds between 0 and 60000");
        if (*v)
            *(!strcasecmp(id, "GRACE") ? &o->grace_ms : &o->link_ms) = (unsigned)x;
    } else {
        return 0;
    }
    return 1;
}

static int model_args(sr_pcm *pc, const hp_rig_kv *kv, size_t n)
{
    unsigned placement = 1;
    const char *env = getenv("HPFR_PLACEMENT");
    if (env && *env) {
        char *end;
        unsigned long v = strtoul(env, &end, 10);
        if (*end || env[0] < '1' || env[0] > '9' || v > HP_RIG_PLACEMENT_MAX) {
            SNDERR("hpfr_sim: HPFR_PLACEMENT=%s is not a placement number (1-%d)", env,
                   HP_RIG_PLACEMENT_MAX);
            return -EINVAL;
        }
        placement = (unsigned)v;
    }
    char why[200];
    if (hp_rig_params_from_kv(kv, n, placement, &pc->args, why, sizeof why) != HP_OK) {
        SNDERR("hpfr_sim: %s", why);
        return -EINVAL;
    }
    if (!pc->opt.rig_name[0])
        strcpy(pc->opt.rig_name, pc->opt.realtime ? "hpfr_sim_rt" : "hpfr_sim");
    return 0;
}

static bool is_std_key(const char *id)
{
    return !strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint");
}

/* Every other key of the PCM definition is an argument; @args deliver "" when not given. */
static int parse_conf(sr_pcm *pc, snd_config_t *conf)
{
    hp_rig_kv kv[MAX_ARGS];
    char *vals[MAX_ARGS];
    size_t n = 0;
    int err = 0;
    snd_config_iterator_t i, next;
    pc->opt.speed = 1;
    pc->opt.grace_ms = 200;
    pc->opt.link_ms = 50;
    snd_config_for_each(i, next, conf) {
        snd_config_t *node = snd_config_iterator_entry(i);
        const char *id;
        char *v = NULL;
        if (snd_config_get_id(node, &id) < 0 || is_std_key(id))
            continue;
        if (snd_config_get_ascii(node, &v) < 0) {
            SNDERR("hpfr_sim: %s needs a plain value", id);
            err = -EINVAL;
            break;
        }
        int rc = plugin_key(&pc->opt, id, v);
        if (rc == 0 && n < MAX_ARGS) {
            kv[n].key = id;
            kv[n].value = vals[n] = v;
            n++;
            continue;
        }
        free(v);
        if (rc <= 0) {
            err = rc < 0 ? rc : bad_arg(id, "", "too many arguments");
            break;
        }
    }
    if (!err)
        err = model_args(pc, kv, n);
    while (n)
        free(vals[--n]);
    return err;
}

/* ---- open ---- */

static int set_constraints(sr_pcm *pc)
{
    static const unsigned access[] = {SND_PCM_ACCESS_RW_INTERLEAVED,
                                      SND_PCM_ACCESS_MMAP_INTERLEAVED};
    const unsigned *formats = pc->opt.nformats ? pc->opt.formats : all_formats;
    const unsigned *rates = pc->opt.nrates ? pc->opt.rates : all_rates;
    unsigned nformats = pc->opt.nformats ? pc->opt.nformats : 4;
    unsigned nrates = pc->opt.nrates ? pc->opt.nrates : 5;
    unsigned ch = pc->dir == SR_CAP && pc->args.loopback ? 3 : 2;
    snd_pcm_ioplug_t *io = &pc->io;
    int err;
    /* Byte limits like a USB interface's: 256 B..256 KiB periods, 1 KiB..512 KiB buffers. */
    if ((err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_ACCESS, 2, access)) < 0 ||
        (err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_FORMAT, nformats, formats)) < 0 ||
        (err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_CHANNELS, 1, &ch)) < 0 ||
        (err = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_RATE, nrates, rates)) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_PERIOD_BYTES, 256,
                                               256 * 1024)) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_BUFFER_BYTES, 1024,
                                               512 * 1024)) < 0 ||
        (err = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_PERIODS, 2, 1024)) < 0)
        return err;
    return 0;
}

static int open_parts(sr_pcm *pc, snd_config_t *conf)
{
    int err = parse_conf(pc, conf);
    if (err)
        return err;
    if (pc->args.faults.busy)
        return -EBUSY;
    pc->scratch = calloc(sr_scratch_len(), sizeof(double));
    if (!pc->scratch)
        return -ENOMEM;
    /* Virtual clock: an always-readable eventfd; time moves inside poll_revents. */
    pc->fd = pc->opt.realtime ? timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)
                              : eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pc->fd < 0)
        return -errno;
    return sr_attach(pc);
}

#pragma GCC visibility push(default)
SND_PCM_PLUGIN_DEFINE_FUNC(hpfr_sim);

SND_PCM_PLUGIN_DEFINE_FUNC(hpfr_sim)
{
    (void)root;
    sr_pcm *pc = calloc(1, sizeof *pc);
    if (!pc)
        return -ENOMEM;
    pc->fd = -1;
    pc->dir = stream == SND_PCM_STREAM_CAPTURE ? SR_CAP : SR_PB;
    int err = open_parts(pc, conf);
    if (!err) {
        pc->io.version = SND_PCM_IOPLUG_VERSION;
        pc->io.name = "hpfr_sim: simulated headphone measurement rig";
        pc->io.callback = &callbacks;
        pc->io.private_data = pc;
        pc->io.flags = SND_PCM_IOPLUG_FLAG_BOUNDARY_WA | SND_PCM_IOPLUG_FLAG_MONOTONIC;
        pc->io.poll_fd = pc->fd;
        pc->io.poll_events = POLLIN;
        err = snd_pcm_ioplug_create(&pc->io, name, stream, mode);
    }
    if (err < 0) {
        free_pcm(pc);
        return err;
    }
    err = set_constraints(pc);
    if (err < 0) {
        snd_pcm_ioplug_delete(&pc->io); /* calls cb_close, which frees pc */
        return err;
    }
    sr_arm_timer(pc, 0);
    *pcmp = pc->io.pcm;
    return 0;
}

SND_PCM_PLUGIN_SYMBOL(hpfr_sim)
#pragma GCC visibility pop
