/* SPDX-License-Identifier: MIT */
/* Rig registry and shared state. A rig is found by key: a STATE file (mapped MAP_SHARED, with
 * a process-shared robust mutex and flock liveness, alsa-simrig.md) or a name in this
 * process. Each direction claims one slot; the first PCM on an idle rig sets its model. */
#define _GNU_SOURCE
#include "simrig.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static sr_handle *registry;
static _Atomic int32_t self_pid; /* getpid() is a system call; refreshed at each attach */

int64_t sr_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static size_t header_bytes(void)
{
    return (sizeof(sr_rig) + 63) & ~(size_t)63;
}

static size_t rig_bytes(void)
{
    return header_bytes() + (size_t)SR_TL_FRAMES * 2 * sizeof(double) +
           (size_t)SR_MIC_FRAMES * SR_MIC_CH * sizeof(double);
}

void sr_lock(sr_rig *r)
{
    /* A process that died holding the lock leaves the rig usable, if possibly odd. */
    if (pthread_mutex_lock(&r->mu) == EOWNERDEAD)
        pthread_mutex_consistent(&r->mu);
}

void sr_unlock(sr_rig *r)
{
    pthread_mutex_unlock(&r->mu);
}

void sr_broadcast(sr_rig *r)
{
    pthread_cond_broadcast(&r->cv);
}

bool sr_wait_until(sr_rig *r, int64_t abs_ns)
{
    struct timespec ts = {(time_t)(abs_ns / 1000000000), (long)(abs_ns % 1000000000)};
    int rc = pthread_cond_timedwait(&r->cv, &r->mu, &ts);
    if (rc == EOWNERDEAD)
        pthread_mutex_consistent(&r->mu);
    return rc == ETIMEDOUT;
}

/* The memory is zero already (calloc or a fresh file). */
static void init_rig(sr_rig *r, const sr_pcm *pc, bool pshared)
{
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    pthread_mutexattr_init(&ma);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (pshared) {
        pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
        pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
        pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    }
    pthread_mutex_init(&r->mu, &ma);
    pthread_cond_init(&r->cv, &ca);
    pthread_mutexattr_destroy(&ma);
    pthread_condattr_destroy(&ca);
    r->realtime = pc->opt.realtime;
    r->speed = pc->opt.speed;
    r->t0_ns = sr_mono_ns();
    r->tl_off = header_bytes();
    r->mic_off = r->tl_off + (uint64_t)SR_TL_FRAMES * 2 * sizeof(double);
    r->size = rig_bytes();
    r->version = SR_VERSION;
    r->magic = SR_MAGIC;
}

/* Whoever gets LOCK_EX alone (re)initialises; everyone then holds LOCK_SH while attached. */
static int map_file(const sr_pcm *pc, sr_handle *h)
{
    size_t len = rig_bytes();
    int fd = open(pc->opt.state_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    bool fresh = flock(fd, LOCK_EX | LOCK_NB) == 0;
    int err = 0;
    if (fresh && (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)len) < 0))
        err = -errno;
    while (!err && !fresh && flock(fd, LOCK_SH) < 0)
        if (errno != EINTR)
            err = -errno;
    struct stat st;
    if (!err && (fstat(fd, &st) < 0 || (size_t)st.st_size < len))
        err = -EINVAL;
    void *m = err ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (!err && m == MAP_FAILED)
        err = -errno;
    if (err) {
        close(fd);
        return err;
    }
    h->rig = m;
    h->map_len = len;
    h->fd = fd;
    if (fresh) {
        init_rig(h->rig, pc, true);
        flock(fd, LOCK_SH);
    } else if (h->rig->magic != SR_MAGIC || h->rig->version != SR_VERSION ||
               h->rig->size != len) {
        return -EINVAL;
    }
    return 0;
}

static void free_handle(sr_handle *h)
{
    if (!h)
        return;
    if (h->fd >= 0) {
        if (h->rig)
            munmap(h->rig, h->map_len);
        close(h->fd);
    } else if (h->rig) {
        pthread_cond_destroy(&h->rig->cv);
        pthread_mutex_destroy(&h->rig->mu);
        free(h->rig);
    }
    free(h);
}

static sr_handle *open_handle(const sr_pcm *pc, const char *key, int *err)
{
    sr_handle *h = calloc(1, sizeof *h);
    if (!h) {
        *err = -ENOMEM;
        return NULL;
    }
    h->fd = -1;
    h->refs = 1;
    memcpy(h->key, key, strlen(key) + 1);
    if (pc->opt.state_path[0]) {
        *err = map_file(pc, h);
    } else {
        h->rig = calloc(1, rig_bytes());
        *err = h->rig ? 0 : -ENOMEM;
        if (h->rig)
            init_rig(h->rig, pc, false);
    }
    if (*err) {
        free_handle(h);
        return NULL;
    }
    return h;
}

int32_t sr_self_pid(void)
{
    return self_pid;
}

bool sr_peer_alive(sr_rig *r, int dir)
{
    sr_stream *s = &r->s[dir];
    if (s->state == SR_CLOSED)
        return false;
    if (s->pid == self_pid || kill((pid_t)s->pid, 0) == 0 || errno == EPERM)
        return true;
    s->state = SR_CLOSED; /* its process is gone: free the slot */
    return false;
}

/* Rebuilds the cascades for the current model and rate and forgets all sound. */
static int reset_sound(sr_rig *r)
{
    for (int ear = 0; ear < 2; ear++)
        if (hp_rig_ear_cascade(&r->params, ear, r->rate, &r->casc[ear]) != HP_OK) {
            SNDERR("hpfr_sim: the model cannot be built at %u Hz", (unsigned)r->rate);
            return -EINVAL;
        }
    memset(r->bst, 0, sizeof r->bst);
    if (r->dirty) {
        memset(sr_timeline(r), 0, (size_t)SR_TL_FRAMES * 2 * sizeof(double));
        memset(sr_mic(r), 0, (size_t)SR_MIC_FRAMES * SR_MIC_CH * sizeof(double));
        r->dirty = false;
    }
    r->render = sr_now(r);
    r->have_cascade = true;
    return 0;
}

int sr_set_rate(sr_pcm *pc, unsigned rate)
{
    sr_rig *r = pc->h->rig;
    int err = 0;
    sr_lock(r);
    sr_stream *o = &r->s[!pc->dir];
    if (sr_peer_alive(r, !pc->dir) && o->rate && o->rate != rate) {
        SNDERR("hpfr_sim: the rig runs at %u Hz (the other direction); asked for %u",
               (unsigned)o->rate, rate);
        err = -EINVAL;
    } else {
        if (r->rate != rate) {
            /* Rig time counts frames, so a new rate starts a new time line. */
            r->rate = rate;
            r->t0_ns = sr_mono_ns();
            r->now = 0;
            r->have_cascade = false;
        }
        if (!r->have_cascade)
            err = reset_sound(r);
        r->s[pc->dir].rate = rate;
    }
    sr_unlock(r);
    return err;
}

static int claim_slot(sr_pcm *pc)
{
    sr_rig *r = pc->h->rig;
    int err = 0;
    sr_lock(r);
    if (r->realtime != (int32_t)pc->opt.realtime) {
        SNDERR("hpfr_sim: rig \"%s\" runs a %s clock", pc->h->key,
               r->realtime ? "real-time" : "virtual");
        err = -EINVAL;
    } else if (sr_peer_alive(r, pc->dir)) {
        err = -EBUSY;
    } else {
        if (!sr_peer_alive(r, !pc->dir)) {
            /* Idle rig: this PCM's arguments define the acoustics from now on. */
            r->params = pc->args;
            r->have_model = true;
            r->have_cascade = false;
            r->disconnected = false;
        }
        sr_stream *s = &r->s[pc->dir];
        memset(s, 0, sizeof *s);
        s->state = SR_OPEN;
        s->pid = self_pid;
        s->ratio = pc->dir == SR_CAP ? 1.0 + pc->args.drift_ppm * 1e-6 : 1.0;
        s->xrun_at = pc->args.faults.xrun_frame;
        s->disconnect_at = pc->args.faults.disconnect_frame;
        pc->claimed = true;
        sr_broadcast(r);
    }
    sr_unlock(r);
    return err;
}

static void make_key(const sr_pcm *pc, char *key, size_t n)
{
    if (pc->opt.state_path[0])
        snprintf(key, n, "file:%s", pc->opt.state_path);
    else
        snprintf(key, n, "rig:%s", pc->opt.rig_name);
}

int sr_attach(sr_pcm *pc)
{
    char key[sizeof pc->h->key];
    make_key(pc, key, sizeof key);
    int err = 0;
    self_pid = (int32_t)getpid();
    pthread_mutex_lock(&registry_mu);
    sr_handle *h = registry;
    while (h && strcmp(h->key, key) != 0)
        h = h->next;
    if (h) {
        h->refs++;
    } else if ((h = open_handle(pc, key, &err))) {
        h->next = registry;
        registry = h;
    }
    pthread_mutex_unlock(&registry_mu);
    if (!h)
        return err;
    pc->h = h;
    err = claim_slot(pc);
    if (err)
        sr_detach(pc);
    return err;
}

void sr_detach(sr_pcm *pc)
{
    sr_handle *h = pc->h;
    if (!h)
        return;
    if (pc->claimed) {
        sr_lock(h->rig);
        memset(&h->rig->s[pc->dir], 0, sizeof h->rig->s[pc->dir]);
        sr_broadcast(h->rig);
        sr_unlock(h->rig);
        pc->claimed = false;
    }
    pthread_mutex_lock(&registry_mu);
    if (--h->refs == 0) {
        sr_handle **pp = &registry;
        while (*pp != h)
            pp = &(*pp)->next;
        *pp = h->next;
        free_handle(h);
    }
    pthread_mutex_unlock(&registry_mu);
    pc->h = NULL;
}
