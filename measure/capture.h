/* SPDX-License-Identifier: MIT */
/* Whole-signal device I/O in one call: play a stimulus while capturing every input, or only
 * capture (an acoustic calibrator is its own source), the result as an hp_audio. Opens the
 * PCMs (pcm.h), streams (duplex.h), re-runs after an xrun and closes again, so that callers
 * which compute from a recording (hpfr calib) only change where the samples come from. */
#ifndef HP_CAPTURE_H
#define HP_CAPTURE_H
#include <stddef.h>
#include "audio.h"
#include "duplex.h"
#include "hp_err.h"

/* Re-runs after an over- or underrun before giving up with HP_EXRUN. */
#define HP_CAPTURE_RERUNS 3

typedef struct {
    const char *play_device;    /* NULL: capture only (stimulus is then ignored) */
    const char *capture_device; /* NULL: the play device */
    unsigned rate_hz;           /* exact; a rate the device does not offer is an error */
    unsigned min_inputs;        /* the capture must offer at least this many channels */
    unsigned min_outputs;       /* and the playback this many (0 or 1: any) */
    /* The stimulus: play_frames frames of stim_channels interleaved channels, float full
     * scale [-1, 1]. Stimulus channel k goes to output k+1; outputs beyond stim_channels stay
     * silent, and stimulus channels beyond the device's outputs are dropped. Two outputs are
     * opened where the device allows (left and right driver), else all it has. */
    const float *stimulus;
    unsigned stim_channels;
    size_t play_frames;
    size_t capture_frames;      /* frames captured, counted from the start of the stream */
    hp_duplex_progress progress; /* optional, called about every period (see duplex.h) */
    void *ctx;
} hp_capture_req;

/* Runs the request and fills *out (released first only if it owns nothing: pass a zeroed or
 * released hp_audio) with capture_frames frames of every capture channel at rate_hz. *xruns
 * (optional) counts the runs repeated after an xrun. On failure *out is zeroed and why gets one
 * line naming the device, e.g. "hw:1: rate 50000 Hz is not offered for capture; this device
 * offers 44100, 48000 Hz". Errors: HP_EINVAL (bad request), HP_EDEVICE (cannot open, or the
 * device failed), HP_EFORMAT (rate, channels or format not offered), HP_EXRUN (still xruns
 * after HP_CAPTURE_RERUNS re-runs), HP_ECANCELED (progress asked to stop), HP_ENOMEM.
 * Call hp_pcm_use_simrig_config() before the first ALSA call of the process. Not reentrant
 * on the same device. */
hp_err hp_capture_run(const hp_capture_req *req, hp_audio *out, unsigned *xruns, char *why,
                      size_t why_len) HP_WUR;

/* Fills frames interleaved frames (channels wide) of a play-only signal starting at stream
 * frame pos. Returning nonzero stops the playback early (not an error). */
typedef int (*hp_play_fill)(float *buf, size_t frames, unsigned channels, size_t pos, void *ctx);

/* Plays `frames` frames produced by fill on `device` at rate_hz (two outputs where the device
 * allows, else all it has, at least min_outputs) and waits until they have been played. An
 * underrun leaves a gap and playback goes on (a test tone for a meter, not a measurement);
 * *xruns (optional) counts them. Errors: HP_EINVAL, HP_EDEVICE, HP_EFORMAT, HP_ENOMEM, with
 * why as above. */
hp_err hp_play_run(const char *device, unsigned rate_hz, unsigned min_outputs, size_t frames,
                   hp_play_fill fill, void *ctx, unsigned *xruns, char *why, size_t why_len)
    HP_WUR;

#endif
