/* SPDX-License-Identifier: MIT */
/* The simulated rig's acoustic model as pure math: a headphone on a coupler per ear (leak,
 * driver resonance, ear gain, treble peaks and notch, HF roll-off, static nonlinearity,
 * crosstalk), rig-wide noise, latency, drift and faults, drawn from (preset, seed, placement).
 * The ALSA plugin (measure/simrig/) runs exactly the system described here, so
 * hp_cascade_response() of hp_rig_ear_cascade() is the analytic truth of a measurement. */
#ifndef HP_RIGMODEL_H
#define HP_RIGMODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cascade.h"
#include "hp_err.h"

#define HP_RIG_NAME_MAX 32
#define HP_RIG_TREBLE_MAX 6
#define HP_RIG_LEAKS_MAX 64
#define HP_RIG_PLACEMENT_MAX 10000
#define HP_RIG_LATENCY_MAX 65536  /* frames */
/* ppm. Far beyond what hpfr measure corrects (HP_DRIFT_MAX_PPM in drift.h), so that its
 * refusal can be tested. */
#define HP_RIG_DRIFT_MAX 20000.0
/* Peak amplitude (-12 dBFS, hpfr measure's default level) at which H2/H3 are specified. */
#define HP_RIG_NOMINAL_PEAK 0.25118864315095801
#define HP_RIG_NO_FRAME UINT64_MAX

/* A peaking section (HP_BQ_PEAK); gain_db < 0 makes a notch. */
typedef struct {
    double fc_hz, q, gain_db;
} hp_rig_peak;

/* One ear: the headphone driver on the coupler, as heard by that ear's microphone.
 * The chain is y = H(x + a2 x^2 + a3 x^3), H = gain * leak * rolloff * bass * ear_gain *
 * treble[] * lowpass (see hp_rig_ear_cascade). */
typedef struct {
    double gain_db;          /* sensitivity: mid-band level at the mic for a 0 dBFS drive */
    int leak_order;          /* 2: inertive leak (f0, q), 1: resistive (corner = f0), 0: sealed */
    double leak_f0_hz, leak_q;
    double rolloff_hz, rolloff_q; /* fixed driver/baffle high-pass (2nd order); 0 Hz = none */
    hp_rig_peak bass;        /* driver resonance / bass bump */
    hp_rig_peak ear_gain;    /* ear-canal resonance near 3 kHz */
    hp_rig_peak treble[HP_RIG_TREBLE_MAX]; /* treble peaks and the ~8 kHz notch */
    size_t ntreble;
    double lowpass_hz, lowpass_q; /* HF roll-off (2nd-order low-pass); 0 Hz = none */
    double a2, a3;           /* static polynomial nonlinearity before H (Hammerstein) */
    double crosstalk_db;     /* the other ear's mic hears this driver this far down, through
                              * this ear's H; -INFINITY = none */
} hp_rig_ear;

/* Injected faults; HP_RIG_NO_FRAME / 0 / NAN mean "none". Frames count from stream start. */
typedef struct {
    uint64_t xrun_frame;       /* each stream's pointer reports one xrun at this frame */
    uint64_t disconnect_frame; /* the device vanishes here: -ENODEV from then on */
    bool busy;                 /* open fails with -EBUSY */
    unsigned dead_channel;     /* 1-based capture channel that delivers zeros; 0 = none */
    double clip_db;            /* mic gain before hard clipping to [-1, 1]; NAN = none */
} hp_rig_faults;

/* Everything one placement of the rig needs. Ear 0 is left, 1 is right. */
typedef struct {
    char preset[HP_RIG_NAME_MAX];
    uint64_t seed;
    unsigned placement;       /* 1-based */
    hp_rig_ear ear[2];
    double noise_dbfs;        /* white noise RMS at each mic; -INFINITY = off */
    uint64_t noise_seed;      /* hp_rig_noise seed, derived from seed and placement */
    unsigned latency_frames;  /* playback-to-capture delay */
    double drift_ppm;         /* capture clock runs at fs*(1 + drift_ppm*1e-6) vs playback:
                               * positive = capture fast, a tone f reads f/(1 + drift*1e-6) */
    bool loopback;            /* capture channel 3 carries L+R of the playback, pre-filter */
    hp_rig_faults faults;
} hp_rig_params;

/* A key and a string value, as ALSA @args or a command line deliver them. */
typedef struct {
    const char *key;
    const char *value;
} hp_rig_kv;

/* Parses a whole string as a decimal number ("-12.5", "1e-3", blanks around allowed) with '.'
 * as the decimal point whatever the locale; false if anything else is in it. */
bool hp_rig_parse_number(const char *s, double *out);

/* Name of the i-th preset ("closed-back", "open-back"); NULL past the end. */
const char *hp_rig_preset_name(size_t i);

/* Fills *out with preset `name` for (seed, placement >= 1). Per-placement variation (leak
 * size, +-1.5 dB on treble sections above 5 kHz) is a pure function of (seed, placement);
 * the left/right mismatch is fixed. Defaults: noise -90 dBFS, latency 64 frames, drift 0,
 * no loopback, no faults. HP_EINVAL for an unknown name, placement 0 or a NULL pointer. */
hp_err hp_rig_preset(const char *name, uint64_t seed, unsigned placement, hp_rig_params *out)
    HP_WUR;

/* Builds params from key/value pairs (keys case-insensitive; an empty value means "not
 * given"): PRESET (closed-back), SEED (1), PLACEMENT (1..10000; else `placement`), then on
 * top of the preset: NOISE (dBFS RMS or "off"), LEAKS (leak -3 dB corners in Hz per
 * placement, separated by , ; / : or blanks, cycled when shorter than the placement
 * number), LATENCY (frames, 0..65536), DRIFT (ppm, +-20000), LOOPBACK (0/1), H2, H3 (dB
 * re the fundamental for a sine of peak HP_RIG_NOMINAL_PEAK at the nonlinearity, or "off"),
 * CROSSTALK (dB <= 0 or "off") and FAULTS (items xrun@N, disconnect@N, busy, dead=N,
 * clip=DB; '@' may replace '='). Any other key or a bad value: HP_EINVAL, with "KEY: why"
 * in reason (if not NULL; always NUL-terminated when reason_size > 0). kv may be NULL
 * when n == 0. Thread-safe; uses no locale other than strtod's. */
hp_err hp_rig_params_from_kv(const hp_rig_kv *kv, size_t n, unsigned placement,
                             hp_rig_params *out, char *reason, size_t reason_size) HP_WUR;

/* The exact digital system for `ear` (0 or 1) at rate_hz: gain, the sections in the order
 * listed in hp_rig_ear, and delay_frames = latency. Sections at or above 0.45*rate_hz are
 * left out (the same rule for the plugin and the truth). The nonlinearity and crosstalk are
 * not part of it. HP_EINVAL for bad arguments or section parameters. */
hp_err hp_rig_ear_cascade(const hp_rig_params *p, int ear, double rate_hz, hp_cascade *out)
    HP_WUR;

/* The static nonlinearity: x + a2 x^2 + a3 x^3. */
double hp_rig_nonlin(const hp_rig_ear *e, double x);

/* Level in dB of harmonic `order` (2 or 3) relative to the fundamental at the output of the
 * nonlinearity, for a sine of peak amplitude peak > 0; -INFINITY when absent or invalid. */
double hp_rig_harmonic_db(const hp_rig_ear *e, unsigned order, double peak);

/* Gaussian, unit variance, a pure function of its arguments (splitmix64 + Box-Muller), so a
 * capture does not depend on how reads are split. Thread-safe. */
double hp_rig_noise(uint64_t seed, uint64_t frame, unsigned channel);

/* -3 dB corner of the analog inertive leak 1 - 1/(1 + s/(q w0) + s^2/w0^2); the reverse gives
 * f0 for a desired corner at q. NAN for non-positive or non-finite input. */
double hp_rig_leak2_corner_hz(double f0_hz, double q);
double hp_rig_leak2_f0_hz(double corner_hz, double q);

/* -3 dB corner of the ear's leak section (0 when sealed), and setting it keeping order and
 * q (a sealed ear becomes a resistive leak). HP_EINVAL for corner_hz <= 0 or NaN. */
double hp_rig_leak_corner_hz(const hp_rig_ear *e);
hp_err hp_rig_set_leak_corner(hp_rig_ear *e, double corner_hz) HP_WUR;

#endif
