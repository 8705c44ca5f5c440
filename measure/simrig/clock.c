/* SPDX-License-Identifier: MIT */
/* Rig time and stream positions. Rig time counts playback-clock frames. The virtual clock is
 * "conservative virtual time" (alsa-simrig.md): it moves only when a stream waits, only as far
 * as that stream needs, and never past the point where the other direction would xrun unless
 * that direction has had a grace period of real time to act. The real-time clock is
 * CLOCK_MONOTONIC times rate times speed, with a one-shot timerfd as the poll fd. */
#define _GNU_SOURCE
#include "simrig.h"
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

int64_t sr_now(sr_rig *r)
{
    if (r->realtime && r->rate) {
        double dt_s = (double)(sr_mono_ns() - r->t0_ns) * 1e-9;
        int64_t t = (int64_t)floor(dt_s * (double)r->rate * r->speed);
        if (t > r->now)
            r->now = t; /* never backwards, even across processes */
    }
    return r->now;
}

/* Stream frames reached at rig time t, before any xrun rule. */
static int64_t pos_at(const sr_stream *s, int64_t t)
{
    if (t <= s->epoch)
        return 0;
    if (s->ratio == 1.0)
        return t - s->epoch;
    return (int64_t)floor((double)(t - s->epoch) * s->ratio);
}

/* Earliest rig time at which the stream reaches position pos. */
static int64_t time_of(const sr_stream *s, int64_t pos)
{
    if (pos <= 0)
        return s->epoch;
    if (s->ratio == 1.0)
        return s->epoch + pos;
    int64_t t = s->epoch + (int64_t)ceil((double)pos / s->ratio);
    while (t > s->epoch && pos_at(s, t - 1) >= pos)
        t--;
    while (pos_at(s, t) < pos)
        t++;
    return t;
}

/* Stream position at which the kernel would declare an xrun: avail >= stop_threshold. */
static int64_t xrun_pos(const sr_stream *s, int dir)
{
    int64_t lim = (int64_t)s->appl + (int64_t)s->stop_thr;
    return dir == SR_PB ? lim - (int64_t)s->buffer : lim;
}

static int64_t avail_of(const sr_stream *s, int dir)
{
    if (dir == SR_PB)
        return (int64_t)s->buffer - ((int64_t)s->appl - (int64_t)s->hw);
    return (int64_t)s->hw - (int64_t)s->appl;
}

static bool is_running(const sr_stream *s)
{
    return s->state == SR_RUNNING || s->state == SR_DRAINING;
}

/* Stops a stream's sound: playback data written for later rig times never plays. */
static void halt(sr_rig *r, int dir, int state)
{
    sr_stream *s = &r->s[dir];
    if (dir == SR_PB && is_running(s))
        sr_clear_timeline(r, s->epoch + (int64_t)s->hw, s->epoch + (int64_t)s->appl);
    s->state = state;
    sr_broadcast(r);
}

/* Injected faults at the stream's frame positions. */
static int check_faults(sr_rig *r, sr_stream *s, int64_t *pos, int rc)
{
    int64_t hw = (int64_t)s->hw;
    if (s->disconnect_at != HP_RIG_NO_FRAME && *pos >= (int64_t)s->disconnect_at) {
        *pos = hw > (int64_t)s->disconnect_at ? hw : (int64_t)s->disconnect_at;
        r->disconnected = true;
        sr_broadcast(r);
        return -ENODEV;
    }
    if (!s->xrun_fired && s->xrun_at != HP_RIG_NO_FRAME && *pos >= (int64_t)s->xrun_at) {
        *pos = hw > (int64_t)s->xrun_at ? hw : (int64_t)s->xrun_at;
        s->xrun_fired = true;
        return -EPIPE;
    }
    return rc;
}

/* Brings one stream's published state to rig time t (rig locked), from what it published:
 * hw position, drain clamp, xrun (kernel rule, or injected), disconnect. Either direction may
 * do this for the other, as the kernel's interrupt would, so the rig never renders sound a
 * stream should no longer be playing. Returns 0, -EPIPE or -ENODEV. */
static int update_stream(sr_rig *r, int dir, int64_t t)
{
    sr_stream *s = &r->s[dir];
    if (r->disconnected)
        return -ENODEV;
    if (s->state == SR_XRUN)
        return -EPIPE;
    if (!is_running(s))
        return 0;
    int64_t pos = pos_at(s, t);
    int rc = 0;
    if (s->state == SR_DRAINING && pos > (int64_t)s->appl)
        pos = (int64_t)s->appl;
    if (s->xrun_enabled && s->state == SR_RUNNING) {
        int64_t lim = xrun_pos(s, dir);
        if (lim < (int64_t)s->hw)
            lim = (int64_t)s->hw;
        if (pos >= lim) {
            pos = lim;
            rc = -EPIPE;
        }
    }
    rc = check_faults(r, s, &pos, rc);
    if (pos > (int64_t)s->hw)
        s->hw = (uint64_t)pos;
    if (rc == -EPIPE)
        halt(r, dir, SR_XRUN);
    return rc;
}

/* Publishes this PCM's application pointer and state, then updates both directions. */
int sr_update(sr_pcm *pc, int64_t t)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[pc->dir];
    s->appl = pc->io.appl_ptr;
    if (pc->io.state == SND_PCM_STATE_DRAINING && s->state == SR_RUNNING)
        s->state = SR_DRAINING;
    if (sr_peer_alive(r, !pc->dir))
        update_stream(r, !pc->dir, t);
    return update_stream(r, pc->dir, t);
}

/* Updates both directions to t, then renders up to t. */
void sr_settle(sr_pcm *pc, int64_t t)
{
    sr_update(pc, t);
    sr_render_to(pc->h->rig, t, pc->scratch);
}

/* A capture started while playback runs adopts the playback epoch, as if the two were linked
 * (snd_pcm_link is -ENOSYS for ioplug): always on the virtual clock as long as the frames
 * "already captured" fit in the buffer, within LINK ms on the real-time clock. */
static void adopt_epoch(sr_pcm *pc, int64_t t)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[SR_CAP], *p = &r->s[SR_PB];
    if (pc->dir != SR_CAP || !is_running(p) || !sr_peer_alive(r, SR_PB) || p->epoch > t)
        return;
    int64_t window = r->realtime ? (int64_t)pc->opt.link_ms * r->rate / 1000
                                 : (int64_t)s->buffer - 1;
    if (t - p->epoch <= window)
        s->epoch = p->epoch;
}

int sr_start(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[pc->dir];
    int err = 0;
    sr_lock(r);
    int64_t t = sr_now(r);
    sr_settle(pc, t);
    if (r->disconnected) {
        err = -ENODEV;
    } else {
        s->epoch = t;
        adopt_epoch(pc, t);
        s->hw = 0;
        s->appl = pc->io.appl_ptr;
        s->state = SR_RUNNING;
        if (pc->dir == SR_PB)
            sr_flush_prefill(pc);
        sr_broadcast(r);
    }
    sr_unlock(r);
    sr_arm_timer(pc, 0);
    return err;
}

/* snd_pcm_prepare may come straight from RUNNING, without a stop: silence what was queued. */
int sr_prepare(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[pc->dir];
    int err = 0;
    sr_lock(r);
    if (r->disconnected) {
        err = -ENODEV;
    } else {
        if (is_running(s))
            halt(r, pc->dir, SR_STOPPED);
        s->state = SR_PREPARED;
        s->appl = s->hw = 0;
        sr_broadcast(r);
    }
    sr_unlock(r);
    sr_arm_timer(pc, 0);
    return err;
}

void sr_stop(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    sr_lock(r);
    int64_t t = sr_now(r);
    int rc = sr_update(pc, t);
    if (rc == 0)
        halt(r, pc->dir, SR_STOPPED);
    else if (rc == -ENODEV)
        r->s[pc->dir].state = SR_STOPPED;
    sr_render_to(r, t, pc->scratch);
    sr_unlock(r);
}

/* Rig time at which the stream becomes ready: avail >= avail_min, or drained. */
static int64_t ready_time(const sr_stream *s, int dir)
{
    if (dir == SR_PB && s->state == SR_DRAINING)
        return time_of(s, (int64_t)s->appl);
    if (dir == SR_PB)
        return time_of(s, (int64_t)s->appl + (int64_t)s->avail_min - (int64_t)s->buffer);
    return time_of(s, (int64_t)s->appl + (int64_t)s->avail_min);
}

static bool is_ready(const sr_stream *s, int dir)
{
    if (dir == SR_PB && s->state == SR_DRAINING)
        return s->hw >= s->appl;
    return avail_of(s, dir) >= (int64_t)s->avail_min;
}

/* Latest rig time the other direction tolerates without an xrun. */
static int64_t safe_until(sr_rig *r, int dir)
{
    sr_stream *o = &r->s[dir];
    if (o->state != SR_RUNNING || !o->xrun_enabled || !sr_peer_alive(r, dir))
        return INT64_MAX;
    int64_t lim = xrun_pos(o, dir);
    if (lim <= (int64_t)o->hw)
        return INT64_MAX; /* already due: its own next update reports it */
    return time_of(o, lim) - 1;
}

static void advance(sr_pcm *pc, int64_t t)
{
    sr_rig *r = pc->h->rig;
    if (t > r->now)
        r->now = t;
    sr_settle(pc, r->now);
    sr_broadcast(r);
}

/* Whether the other direction, in this process, could be serviced by the app right now. */
static bool peer_ready(sr_rig *r, int dir)
{
    sr_stream *o = &r->s[dir];
    return is_running(o) && o->pid == sr_self_pid() && is_ready(o, dir);
}

/* One step of the virtual clock for a waiting stream (rig locked). Returns true when the
 * wait is over; *rev then holds the poll events. */
static bool virtual_step(sr_pcm *pc, int64_t *deadline, unsigned short *rev)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[pc->dir];
    unsigned short want = pc->dir == SR_PB ? POLLOUT : POLLIN;
    int64_t t = sr_now(r);
    int rc = sr_update(pc, t);
    *rev = rc == -ENODEV ? POLLERR : want;
    if (rc < 0 || is_ready(s, pc->dir))
        return true; /* an xrun is reported by the pointer call that follows */
    *rev = 0;
    if (!is_running(s)) {
        /* Nothing moves until the app starts the stream: avoid a busy loop. */
        sr_wait_until(r, sr_mono_ns() + 1000000);
        return true;
    }
    int64_t need = ready_time(s, pc->dir), safe = safe_until(r, !pc->dir);
    if (safe > t) {
        advance(pc, need < safe ? need : safe);
        return false;
    }
    if (pc->io.nonblock && peer_ready(r, !pc->dir))
        return true; /* a poll loop: let the app service the other direction first */
    if (!*deadline)
        *deadline = sr_mono_ns() + (int64_t)pc->opt.grace_ms * 1000000;
    if (sr_wait_until(r, *deadline))
        advance(pc, need); /* the other side did not act in time: a real xrun */
    return false;
}

unsigned short sr_wait_virtual(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    int64_t deadline = 0;
    unsigned short rev = 0;
    sr_lock(r);
    while (!virtual_step(pc, &deadline, &rev))
        ;
    sr_unlock(r);
    return rev;
}

void sr_arm_timer(sr_pcm *pc, int64_t abs_ns)
{
    if (!pc->opt.realtime)
        return;
    if (abs_ns <= 0)
        abs_ns = 1; /* zero would disarm; any past time fires at once */
    struct itimerspec its = {{0, 0}, {(time_t)(abs_ns / 1000000000), (long)(abs_ns % 1000000000)}};
    timerfd_settime(pc->fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Real time: report readiness; when not ready, drain the timerfd and re-arm it for the
 * moment the stream will be. A ready fd is left readable so the next poll returns at once. */
unsigned short sr_poll_realtime(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    sr_stream *s = &r->s[pc->dir];
    unsigned short rev = pc->dir == SR_PB ? POLLOUT : POLLIN;
    int64_t wake = 0;
    sr_lock(r);
    int64_t t = sr_now(r);
    int rc = sr_update(pc, t);
    sr_render_to(r, t, pc->scratch);
    if (rc == -ENODEV) {
        rev = POLLERR;
    } else if (rc == 0 && !is_ready(s, pc->dir)) {
        rev = 0;
        wake = sr_mono_ns() + 5000000;
        if (is_running(s) && r->rate) {
            double at_s = (double)ready_time(s, pc->dir) / ((double)r->rate * r->speed);
            wake = r->t0_ns + (int64_t)ceil(at_s * 1e9);
        }
    }
    sr_unlock(r);
    if (rev == 0) {
        uint64_t ticks;
        ssize_t got = read(pc->fd, &ticks, sizeof ticks);
        (void)got;
    }
    sr_arm_timer(pc, wake);
    return rev;
}
