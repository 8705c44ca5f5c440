/* SPDX-License-Identifier: MIT */
/* Internals of the hpfr_sim ALSA ioplug plugin: a rig shared by one playback and one capture
 * PCM, kept in process memory or in a file-backed shared map, plus the clock, the acoustic
 * rendering and the ALSA callbacks. Nothing here is exported from the .so. */
#ifndef HP_SIMRIG_H
#define HP_SIMRIG_H
#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "rigmodel.h"

#pragma GCC visibility push(hidden)

#define SR_TL_FRAMES (1u << 18)  /* playback timeline ring: >= max buffer + render lag */
#define SR_MIC_FRAMES (1u << 18) /* rendered mic ring: >= max buffer + latency + taps */
#define SR_MIC_CH 3              /* left mic, right mic, loopback (L+R) */
#define SR_CHUNK 512             /* frames rendered per block */
#define SR_HALF_TAPS 32          /* windowed-sinc interpolator: 64 taps */
#define SR_MAGIC 0x68707273u     /* "hprs" */
#define SR_VERSION 1u
#define SR_PB 0                  /* index of the playback stream (SND_PCM_STREAM_PLAYBACK) */
#define SR_CAP 1

enum sr_state { SR_CLOSED = 0, SR_OPEN, SR_PREPARED, SR_RUNNING, SR_DRAINING, SR_STOPPED, SR_XRUN };

/* What each direction publishes for the other (possibly another process). */
typedef struct {
    int32_t state;      /* enum sr_state */
    int32_t pid;
    int64_t epoch;      /* rig time of stream frame 0 */
    uint64_t appl;      /* frames the app has transferred since prepare */
    uint64_t hw;        /* stream frames played / captured */
    uint64_t buffer, avail_min, stop_thr, boundary;
    uint32_t rate;      /* 0 until hw_params */
    bool xrun_enabled;  /* stop_threshold < boundary */
    bool xrun_fired;    /* the injected xrun happened (once per open) */
    uint64_t xrun_at, disconnect_at; /* injected faults, stream frames (HP_RIG_NO_FRAME) */
    double ratio;       /* stream frames per rig frame: 1 + drift for capture, 1 for playback */
} sr_stream;

/* The rig. Plain data only (no pointers), so that it can live in a shared map. Rings follow
 * the header at tl_off / mic_off bytes. */
typedef struct {
    uint32_t magic, version;
    uint64_t size;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int32_t realtime;   /* clock kind fixed at creation */
    double speed;
    int64_t t0_ns;      /* CLOCK_MONOTONIC origin of rig time 0 (real time) */
    int64_t now;        /* rig time, virtual clock */
    int64_t render;     /* mic ring holds rig times < render */
    uint32_t rate;
    bool have_model, have_cascade, disconnected;
    bool dirty;         /* the rings hold sound (clearing untouched pages would map them) */
    hp_rig_params params;
    hp_cascade casc[2];
    hp_biquad_state bst[2][HP_CASCADE_MAX];
    sr_stream s[2];
    uint64_t tl_off, mic_off;
} sr_rig;

/* One mapping of a rig in this process, shared by the PCMs that name it. */
typedef struct sr_handle {
    struct sr_handle *next;
    char key[256];
    sr_rig *rig;
    size_t map_len;
    int fd;             /* state file (flock held), or -1 */
    int refs;
} sr_handle;

/* Plugin-only settings (the rest go to the model parser). */
typedef struct {
    bool realtime;
    double speed;
    unsigned grace_ms, link_ms;
    char state_path[200];
    unsigned formats[4], nformats;  /* FORMATS: offered sample formats (0 = all four) */
    unsigned rates[5], nrates;      /* RATES: offered rates (0 = all five) */
    char rig_name[48];
} sr_opts;

/* One PCM. */
typedef struct {
    snd_pcm_ioplug_t io;
    int dir;              /* SR_PB or SR_CAP */
    sr_opts opt;
    hp_rig_params args;   /* this PCM's own parsed arguments */
    sr_handle *h;
    int fd;               /* eventfd (virtual) or timerfd (real time) */
    double *prefill;      /* playback frames written before start, interleaved L R */
    size_t prefill_frames;
    double *scratch;      /* render and conversion scratch */
    bool claimed;         /* owns its direction's slot in the rig */
} sr_pcm;

/* state.c */
int sr_attach(sr_pcm *pc);
void sr_detach(sr_pcm *pc);
void sr_lock(sr_rig *r);
void sr_unlock(sr_rig *r);
/* Waits on the rig condvar until abs_ns (CLOCK_MONOTONIC); true on timeout. */
bool sr_wait_until(sr_rig *r, int64_t abs_ns);
void sr_broadcast(sr_rig *r);
int64_t sr_mono_ns(void);
int sr_set_rate(sr_pcm *pc, unsigned rate);
bool sr_peer_alive(sr_rig *r, int dir);
int32_t sr_self_pid(void);

/* clock.c */
int64_t sr_now(sr_rig *r);
int sr_update(sr_pcm *pc, int64_t t);
void sr_settle(sr_pcm *pc, int64_t t);
int sr_start(sr_pcm *pc);
int sr_prepare(sr_pcm *pc);
void sr_stop(sr_pcm *pc);
unsigned short sr_wait_virtual(sr_pcm *pc);
unsigned short sr_poll_realtime(sr_pcm *pc);
void sr_arm_timer(sr_pcm *pc, int64_t abs_ns);

/* render.c */
double *sr_timeline(sr_rig *r);
double *sr_mic(sr_rig *r);
void sr_render_to(sr_rig *r, int64_t target, double *scratch);
void sr_clear_timeline(sr_rig *r, int64_t from, int64_t to);
void sr_play(sr_pcm *pc, const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset,
             snd_pcm_uframes_t size);
void sr_flush_prefill(sr_pcm *pc);
void sr_capture(sr_pcm *pc, const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset,
                snd_pcm_uframes_t size);
size_t sr_scratch_len(void);

#pragma GCC visibility pop

#endif
