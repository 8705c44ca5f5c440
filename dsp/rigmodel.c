/* SPDX-License-Identifier: MIT */
/* The simulated rig's acoustic model: presets, seeded per-placement variation, the key/value
 * parser shared by the ALSA plugin and `hpfr sim truth`, the per-ear cascade and the noise.
 * The headphone-on-coupler chain follows the lumped model of measurement-science.md: a
 * cavity leak (inertive, second order, or resistive, first order), resonances as RBJ peaks,
 * a Hammerstein nonlinearity in front of the linear part. */
#include "rigmodel.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* splitmix64 (Steele, Lea, Flood 2014): a good 64-bit mixer, and a counter-based generator
 * when applied to a running sum, so every draw is a pure function of its inputs. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef struct {
    uint64_t s;
} rng;

static double rng_uniform(rng *r, double lo, double hi)
{
    r->s += 0x9E3779B97F4A7C15ULL;
    double u = (double)(mix64(r->s) >> 11) * 0x1p-53;
    return lo + (hi - lo) * u;
}

/* Channels 2c and 2c+1 share one uniform pair (the cosine and sine branches of Box-Muller),
 * which halves the cost and keeps them independent. */
double hp_rig_noise(uint64_t seed, uint64_t frame, unsigned channel)
{
    uint64_t h1 = mix64(mix64(mix64(seed) ^ frame) ^ (channel >> 1));
    uint64_t h2 = mix64(h1 ^ 0xD1B54A32D192ED03ULL);
    double u1 = (double)((h1 >> 11) + 1) * 0x1p-53; /* (0, 1]: log() stays finite */
    double w = 2.0 * M_PI * (double)(h2 >> 11) * 0x1p-53;
    return sqrt(-2.0 * log(u1)) * (channel & 1 ? sin(w) : cos(w));
}

/* ---- leak corners ---- */

/* |H|^2 = 1/2 for H = 1 - 1/(1 + s/(q w0) + s^2/w0^2) at s = j x w0 reduces to
 * y^2 + (2 + 1/q^2) y - 1 = 0 with y = x^2; the positive root is the only crossing. */
static double leak2_ratio(double q)
{
    double b = 2.0 + 1.0 / (q * q);
    return sqrt((-b + sqrt(b * b + 4.0)) / 2.0);
}

double hp_rig_leak2_corner_hz(double f0_hz, double q)
{
    if (!(f0_hz > 0) || !(q > 0) || !isfinite(f0_hz) || !isfinite(q))
        return NAN;
    return f0_hz * leak2_ratio(q);
}

double hp_rig_leak2_f0_hz(double corner_hz, double q)
{
    if (!(corner_hz > 0) || !(q > 0) || !isfinite(corner_hz) || !isfinite(q))
        return NAN;
    return corner_hz / leak2_ratio(q);
}

double hp_rig_leak_corner_hz(const hp_rig_ear *e)
{
    if (!e || e->leak_order == 0)
        return 0;
    if (e->leak_order == 1)
        return e->leak_f0_hz;
    return hp_rig_leak2_corner_hz(e->leak_f0_hz, e->leak_q);
}

hp_err hp_rig_set_leak_corner(hp_rig_ear *e, double corner_hz)
{
    if (!e || !(corner_hz > 0) || !isfinite(corner_hz))
        return HP_EINVAL;
    if (e->leak_order == 2) {
        e->leak_f0_hz = hp_rig_leak2_f0_hz(corner_hz, e->leak_q);
        return isfinite(e->leak_f0_hz) ? HP_OK : HP_EINVAL;
    }
    e->leak_order = 1;
    e->leak_f0_hz = corner_hz;
    return HP_OK;
}

/* ---- nonlinearity ---- */

double hp_rig_nonlin(const hp_rig_ear *e, double x)
{
    return x + e->a2 * x * x + e->a3 * x * x * x;
}

/* For x = A cos(t): x^2 = A^2 (1 + cos 2t)/2 and x^3 = A^3 (3 cos t + cos 3t)/4, so the
 * fundamental is A (1 + 3 a3 A^2/4), H2 = a2 A^2/2 and H3 = a3 A^3/4. */
double hp_rig_harmonic_db(const hp_rig_ear *e, unsigned order, double peak)
{
    if (!e || !(peak > 0) || (order != 2 && order != 3))
        return -INFINITY;
    double fund = fabs(peak * (1.0 + 0.75 * e->a3 * peak * peak));
    double h = order == 2 ? fabs(e->a2) * peak * peak / 2 : fabs(e->a3) * peak * peak * peak / 4;
    if (h == 0 || fund == 0)
        return -INFINITY;
    return 20.0 * log10(h / fund);
}

/* Inverts hp_rig_harmonic_db at HP_RIG_NOMINAL_PEAK exactly: with b = a3 A^2/4 (negative:
 * compressive), H3/F = -b/(1 + 3b) and H2/F = a2 A/(2 (1 + 3b)). */
static void set_harmonics(hp_rig_ear *e, double h2_db, double h3_db)
{
    const double a = HP_RIG_NOMINAL_PEAK;
    double r3 = isfinite(h3_db) ? pow(10.0, h3_db / 20.0) : 0.0;
    double r2 = isfinite(h2_db) ? pow(10.0, h2_db / 20.0) : 0.0;
    double b = -r3 / (1.0 + 3.0 * r3);
    e->a3 = 4.0 * b / (a * a);
    e->a2 = 2.0 * r2 * (1.0 + 3.0 * b) / a;
}

/* ---- presets ---- */

typedef struct {
    const char *name;
    hp_rig_ear ear;           /* left ear before variation; right = left + mismatch */
    double h2_db, h3_db;
    double sealed_lo_hz, sealed_hi_hz; /* leak corner range of a good seal */
    double leaky_lo_hz, leaky_hi_hz;   /* range of a partly broken seal */
    double leaky_prob;
} preset_def;

static const preset_def presets[] = {
    {"closed-back",
     {.gain_db = -6.0, .leak_order = 2, .leak_q = 0.7,
      .bass = {90, 0.8, 3.0}, .ear_gain = {2800, 1.8, 9.0},
      .treble = {{5600, 3.0, 3.0}, {8000, 4.0, -9.0}, {10800, 3.0, 4.0}, {14500, 2.0, -3.0}},
      .ntreble = 4, .lowpass_hz = 19000, .lowpass_q = 0.7, .crosstalk_db = -60},
     -50, -70, 5, 12, 15, 40, 0.15},
    /* Open back: the driver/baffle sets the bass roll-off; the seal only moves a small
     * resistive leak far below it. */
    {"open-back",
     {.gain_db = -9.0, .leak_order = 1, .rolloff_hz = 45, .rolloff_q = 0.6,
      .bass = {60, 1.0, 1.0}, .ear_gain = {3000, 1.5, 8.0},
      .treble = {{6200, 2.5, 2.0}, {8300, 4.5, -7.0}, {11500, 3.0, 3.0}, {16000, 2.0, -2.0}},
      .ntreble = 4, .lowpass_hz = 19500, .lowpass_q = 0.7, .crosstalk_db = -45},
     -55, -75, 8, 10, 8, 10, 0.0},
};

#define NPRESETS (sizeof presets / sizeof presets[0])

const char *hp_rig_preset_name(size_t i)
{
    return i < NPRESETS ? presets[i].name : NULL;
}

/* Fixed right-ear mismatch: a real pair is never matched perfectly. */
static void apply_mismatch(hp_rig_ear *r)
{
    r->gain_db -= 0.3;
    r->ear_gain.fc_hz *= 1.02;
    r->ear_gain.gain_db -= 0.4;
    for (size_t i = 0; i < r->ntreble; i++)
        r->treble[i].fc_hz *= 1.015;
}

static hp_err vary_ear(const preset_def *d, hp_rig_ear *e, rng *g)
{
    bool leaky = rng_uniform(g, 0, 1) < d->leaky_prob;
    double corner = leaky ? rng_uniform(g, d->leaky_lo_hz, d->leaky_hi_hz)
                          : rng_uniform(g, d->sealed_lo_hz, d->sealed_hi_hz);
    hp_err err = hp_rig_set_leak_corner(e, corner);
    for (size_t i = 0; i < e->ntreble; i++)
        if (e->treble[i].fc_hz > 5000)
            e->treble[i].gain_db += rng_uniform(g, -1.5, 1.5);
    return err;
}

static void init_rig_wide(hp_rig_params *p, uint64_t seed, unsigned placement)
{
    p->seed = seed;
    p->placement = placement;
    p->noise_dbfs = -90;
    p->noise_seed = mix64(seed ^ mix64(0x6E6F697365ULL + placement));
    p->latency_frames = 64;
    p->drift_ppm = 0;
    p->loopback = false;
    p->faults.xrun_frame = HP_RIG_NO_FRAME;
    p->faults.disconnect_frame = HP_RIG_NO_FRAME;
    p->faults.busy = false;
    p->faults.dead_channel = 0;
    p->faults.clip_db = NAN;
}

hp_err hp_rig_preset(const char *name, uint64_t seed, unsigned placement, hp_rig_params *out)
{
    if (!name || !out || placement == 0 || placement > HP_RIG_PLACEMENT_MAX)
        return HP_EINVAL;
    const preset_def *d = NULL;
    for (size_t i = 0; i < NPRESETS; i++)
        if (strcasecmp(name, presets[i].name) == 0)
            d = &presets[i];
    if (!d)
        return HP_EINVAL;
    memset(out, 0, sizeof *out);
    memcpy(out->preset, d->name, strlen(d->name) + 1);
    init_rig_wide(out, seed, placement);
    rng g = {mix64(seed ^ mix64(0x706C6163ULL + placement))};
    for (int ear = 0; ear < 2; ear++) {
        out->ear[ear] = d->ear;
        if (ear == 1)
            apply_mismatch(&out->ear[1]);
        set_harmonics(&out->ear[ear], d->h2_db, d->h3_db);
        if (vary_ear(d, &out->ear[ear], &g) != HP_OK)
            return HP_EINVAL;
    }
    return HP_OK;
}

/* ---- the digital system ---- */

/* Adds a section unless it is absent (fc 0) or too close to Nyquist to mean anything. */
static hp_err add_section(hp_cascade *c, hp_biquad_type t, double fc, double q, double g)
{
    if (fc == 0 || fc >= 0.45 * c->rate_hz)
        return HP_OK;
    return hp_cascade_add(c, t, fc, q, g);
}

hp_err hp_rig_ear_cascade(const hp_rig_params *p, int ear, double rate_hz, hp_cascade *out)
{
    if (!p || !out || ear < 0 || ear > 1 || !(rate_hz > 0) || !isfinite(rate_hz))
        return HP_EINVAL;
    const hp_rig_ear *e = &p->ear[ear];
    if (!isfinite(e->gain_db) || fabs(e->gain_db) > 60)
        return HP_EINVAL;
    hp_cascade c = hp_cascade_init(rate_hz);
    hp_err err = HP_OK;
    if (e->leak_order == 2)
        err = add_section(&c, HP_BQ_LEAK2, e->leak_f0_hz, e->leak_q, 0);
    else if (e->leak_order == 1)
        err = add_section(&c, HP_BQ_LEAK1, e->leak_f0_hz, 0, 0);
    if (err == HP_OK)
        err = add_section(&c, HP_BQ_HIGHPASS, e->rolloff_hz, e->rolloff_q, 0);
    if (err == HP_OK)
        err = add_section(&c, HP_BQ_PEAK, e->bass.fc_hz, e->bass.q, e->bass.gain_db);
    if (err == HP_OK)
        err = add_section(&c, HP_BQ_PEAK, e->ear_gain.fc_hz, e->ear_gain.q, e->ear_gain.gain_db);
    for (size_t i = 0; err == HP_OK && i < e->ntreble && i < HP_RIG_TREBLE_MAX; i++)
        err = add_section(&c, HP_BQ_PEAK, e->treble[i].fc_hz, e->treble[i].q,
                          e->treble[i].gain_db);
    if (err == HP_OK)
        err = add_section(&c, HP_BQ_LOWPASS, e->lowpass_hz, e->lowpass_q, 0);
    if (err != HP_OK)
        return HP_EINVAL;
    c.gain = pow(10.0, e->gain_db / 20.0);
    c.delay_frames = p->latency_frames;
    *out = c;
    return HP_OK;
}

/* ---- key/value parser ---- */

static void set_reason(char *r, size_t n, const char *key, const char *msg)
{
    if (!r || n == 0)
        return;
    size_t i = 0;
    for (const char *s = key ? key : "?"; *s && i + 1 < n; s++)
        r[i++] = *s;
    for (const char *s = ": "; *s && i + 1 < n; s++)
        r[i++] = *s;
    for (const char *s = msg; *s && i + 1 < n; s++)
        r[i++] = *s;
    r[i] = '\0';
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static const char *digits(const char *s, double *m, int *n)
{
    for (; *s >= '0' && *s <= '9'; s++, (*n)++)
        *m = *m * 10 + (*s - '0');
    return s;
}

/* Locale-independent: ALSA clients such as aplay call setlocale(LC_ALL, ""), and strtod would
 * then want a decimal comma in some locales. */
bool hp_rig_parse_number(const char *s, double *out)
{
    if (!s || !out)
        return false;
    double m = 0, e = 0;
    int nint = 0, nfrac = 0, nexp = 0;
    s = skip_blanks(s);
    double sign = *s == '-' ? -1 : 1;
    s += *s == '-' || *s == '+';
    s = digits(s, &m, &nint);
    if (*s == '.')
        s = digits(s + 1, &m, &nfrac);
    if (nint + nfrac == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        double esign = s[1] == '-' ? -1 : 1;
        s = digits(s + 1 + (s[1] == '-' || s[1] == '+'), &e, &nexp);
        if (nexp == 0 || nexp > 4)
            return false;
        e *= esign;
    }
    double v = sign * m * pow(10.0, e - nfrac);
    if (*skip_blanks(s) || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *s, double *out)
{
    return hp_rig_parse_number(s, out);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || errno)
        return false;
    *out = (uint64_t)v;
    return true;
}

static bool is_word(const char *s, const char *w)
{
    return strcasecmp(s, w) == 0;
}

/* Copies the next token of a list (separators , ; / : and blanks) into tok; returns the
 * position after it, or NULL at the end of the list. *ok turns false for an over-long token. */
static const char *next_token(const char *s, char *tok, size_t toksz, bool *ok)
{
    static const char sep[] = ",;/: \t";
    while (*s && strchr(sep, *s))
        s++;
    if (!*s)
        return NULL;
    size_t n = strcspn(s, sep);
    if (n + 1 > toksz) {
        *ok = false;
        return NULL;
    }
    memcpy(tok, s, n);
    tok[n] = '\0';
    return s + n;
}

/* Each setter returns NULL on success or the reason for rejecting v. */
typedef const char *(*kv_setter)(hp_rig_params *p, const char *v, double *h);

static const char *set_noise(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    double db;
    if (is_word(v, "off")) {
        p->noise_dbfs = -INFINITY;
        return NULL;
    }
    if (!parse_double(v, &db) || db > 0 || db < -200)
        return "expected a level in dBFS between -200 and 0, or off";
    p->noise_dbfs = db;
    return NULL;
}

static const char *set_leaks(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    double list[HP_RIG_LEAKS_MAX];
    size_t n = 0;
    char tok[64];
    bool ok = true;
    for (const char *s = v; (s = next_token(s, tok, sizeof tok, &ok));) {
        if (n == HP_RIG_LEAKS_MAX)
            return "too many leak corners (at most 64)";
        if (!parse_double(tok, &list[n]) || !(list[n] > 0) || list[n] > 2000)
            return "expected leak corners in Hz (0 < f <= 2000) separated by , ; / or :";
        n++;
    }
    if (!ok || n == 0)
        return "expected leak corners in Hz (0 < f <= 2000) separated by , ; / or :";
    double corner = list[(p->placement - 1) % n];
    for (int ear = 0; ear < 2; ear++)
        if (hp_rig_set_leak_corner(&p->ear[ear], corner) != HP_OK)
            return "leak corner out of range";
    return NULL;
}

static const char *set_latency(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    uint64_t n;
    if (!parse_u64(v, &n) || n > HP_RIG_LATENCY_MAX)
        return "expected frames between 0 and 65536";
    p->latency_frames = (unsigned)n;
    return NULL;
}

static const char *set_drift(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    double ppm;
    if (!parse_double(v, &ppm) || fabs(ppm) > HP_RIG_DRIFT_MAX)
        return "expected ppm between -20000 and 20000";
    p->drift_ppm = ppm;
    return NULL;
}

static const char *set_loopback(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    if (is_word(v, "1") || is_word(v, "on") || is_word(v, "yes") || is_word(v, "true"))
        p->loopback = true;
    else if (is_word(v, "0") || is_word(v, "off") || is_word(v, "no") || is_word(v, "false"))
        p->loopback = false;
    else
        return "expected 0 or 1";
    return NULL;
}

/* H2/H3 are collected into h[0]/h[1] and applied once both are known (see finish_kv). */
static const char *harmonic(const char *v, double *out)
{
    double db;
    if (is_word(v, "off")) {
        *out = -INFINITY;
        return NULL;
    }
    if (!parse_double(v, &db) || db > -10 || db < -200)
        return "expected dB re fundamental between -200 and -10, or off";
    *out = db;
    return NULL;
}

static const char *set_h2(hp_rig_params *p, const char *v, double *h)
{
    (void)p;
    return harmonic(v, &h[0]);
}

static const char *set_h3(hp_rig_params *p, const char *v, double *h)
{
    (void)p;
    return harmonic(v, &h[1]);
}

static const char *set_crosstalk(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    double db = -INFINITY;
    if (!is_word(v, "off") && (!parse_double(v, &db) || db > 0 || db < -200))
        return "expected dB between -200 and 0, or off";
    p->ear[0].crosstalk_db = p->ear[1].crosstalk_db = db;
    return NULL;
}

/* One FAULTS item: name, or name@value / name=value. */
static const char *fault_item(hp_rig_faults *f, char *item)
{
    char *val = item + strcspn(item, "@=");
    if (*val)
        *val++ = '\0';
    uint64_t n;
    double db;
    if (is_word(item, "busy") && !*val)
        f->busy = true;
    else if (is_word(item, "xrun") && parse_u64(val, &n))
        f->xrun_frame = n;
    else if (is_word(item, "disconnect") && parse_u64(val, &n))
        f->disconnect_frame = n;
    else if (is_word(item, "dead") && parse_u64(val, &n) && n >= 1 && n <= 3)
        f->dead_channel = (unsigned)n;
    else if (is_word(item, "clip") && parse_double(val, &db) && fabs(db) <= 60)
        f->clip_db = db;
    else
        return "expected items xrun@FRAME, disconnect@FRAME, busy, dead=CHANNEL (1-3), "
               "clip=DB";
    return NULL;
}

static const char *set_faults(hp_rig_params *p, const char *v, double *h)
{
    (void)h;
    char tok[64];
    bool ok = true;
    for (const char *s = v; (s = next_token(s, tok, sizeof tok, &ok));) {
        const char *why = fault_item(&p->faults, tok);
        if (why)
            return why;
    }
    return ok ? NULL : "fault item too long";
}

static const struct {
    const char *key;
    kv_setter set; /* NULL: handled before the preset is built */
} keys[] = {
    {"PRESET", NULL},          {"SEED", NULL},        {"PLACEMENT", NULL},
    {"NOISE", set_noise},      {"LEAKS", set_leaks},  {"LATENCY", set_latency},
    {"DRIFT", set_drift},      {"LOOPBACK", set_loopback}, {"H2", set_h2},
    {"H3", set_h3},            {"CROSSTALK", set_crosstalk}, {"FAULTS", set_faults},
};

#define NKEYS (sizeof keys / sizeof keys[0])

static bool given(const hp_rig_kv *kv)
{
    return kv->key && kv->value && kv->value[0];
}

/* First pass: the three settings that select the preset instance. */
static const char *pick_instance(const hp_rig_kv *kv, size_t n, const char **name,
                                 uint64_t *seed, unsigned *placement, const char **bad)
{
    for (size_t i = 0; i < n; i++) {
        if (!given(&kv[i]))
            continue;
        uint64_t v;
        *bad = kv[i].key;
        if (is_word(kv[i].key, "PRESET")) {
            *name = kv[i].value;
        } else if (is_word(kv[i].key, "SEED")) {
            if (!parse_u64(kv[i].value, seed))
                return "expected an unsigned integer";
        } else if (is_word(kv[i].key, "PLACEMENT")) {
            if (!parse_u64(kv[i].value, &v) || v < 1 || v > HP_RIG_PLACEMENT_MAX)
                return "expected a placement number between 1 and 10000";
            *placement = (unsigned)v;
        }
    }
    return NULL;
}

static const char *apply_kv(hp_rig_params *p, const hp_rig_kv *kv, double *h)
{
    for (size_t k = 0; k < NKEYS; k++)
        if (is_word(kv->key, keys[k].key))
            return keys[k].set ? keys[k].set(p, kv->value, h) : NULL;
    return "unknown key";
}

static void finish_kv(hp_rig_params *p, const double *h)
{
    for (int ear = 0; ear < 2; ear++) {
        hp_rig_ear *e = &p->ear[ear];
        double h2 = isnan(h[0]) ? hp_rig_harmonic_db(e, 2, HP_RIG_NOMINAL_PEAK) : h[0];
        double h3 = isnan(h[1]) ? hp_rig_harmonic_db(e, 3, HP_RIG_NOMINAL_PEAK) : h[1];
        set_harmonics(e, h2, h3);
    }
}

hp_err hp_rig_params_from_kv(const hp_rig_kv *kv, size_t n, unsigned placement,
                             hp_rig_params *out, char *reason, size_t reason_size)
{
    if (reason && reason_size)
        reason[0] = '\0';
    if (!out || (!kv && n) || placement == 0 || placement > HP_RIG_PLACEMENT_MAX) {
        set_reason(reason, reason_size, "rig", "invalid argument");
        return HP_EINVAL;
    }
    const char *name = "closed-back", *bad = NULL;
    uint64_t seed = 1;
    const char *why = pick_instance(kv, n, &name, &seed, &placement, &bad);
    if (!why && hp_rig_preset(name, seed, placement, out) != HP_OK) {
        bad = "PRESET";
        why = "unknown preset (closed-back, open-back)";
    }
    double h[2] = {NAN, NAN};
    for (size_t i = 0; !why && i < n; i++)
        if (given(&kv[i]) && (why = apply_kv(out, &kv[i], h)))
            bad = kv[i].key;
    if (why) {
        set_reason(reason, reason_size, bad, why);
        return HP_EINVAL;
    }
    finish_kv(out, h);
    return HP_OK;
}
