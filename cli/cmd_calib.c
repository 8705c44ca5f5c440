/* SPDX-License-Identifier: MIT */
/* hpfr calib: SPL offset from a calibrator, headphone sensitivity from a test tone and a
 * voltage, and the interface calibration from a loopback. Each computes from an hp_audio,
 * read from a recording or captured live from an ALSA device (calib_live.c): the two forms
 * differ only in where the samples come from. */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "analyze.h"
#include "audio.h"
#include "calib.h"
#include "cli.h"
#include "curve.h"
#include "ifacecal.h"
#include "outset.h"
#include "pcm.h"
#include "spl.h"
#include "splcal.h"
#include "sweep.h"

#define CMD "calib"

static const char usage[] =
    "usage: hpfr calib spl (--rec CALIBRATOR.wav | -D PCM) --ref DB [--channel N] [-o spl.cal]\n"
    "       hpfr calib output --vrms V [--impedance OHMS] (--spl DB | --rec TONE.wav\n"
    "                         --spl-cal spl.cal | -D PCM --spl-cal spl.cal) [--channel N]\n"
    "                         [--tone HZ] [-o FILE]\n"
    "       hpfr calib output -D PCM [--channel N] [--tone HZ] [--level DBFS] [--length S]\n"
    "       hpfr calib loopback (--sweep SWEEP.wav --rec REC.wav | -D PCM) [--inputs LIST]\n"
    "                         [--ref-channel N] -o iface.cal\n"
    "\n"
    "spl       the dBFS-to-dB-SPL offset of one input from a recording of an acoustic\n"
    "          calibrator on its microphone (--ref: the calibrator's level, 94 or 114 dB SPL,\n"
    "          at 1 kHz). The level is measured in the third-octave band around 1 kHz, in\n"
    "          0.1 s blocks; a tone at another frequency (e.g. 250 Hz), one less than 20 dB\n"
    "          above the rest of the recording or below -90 dBFS, or a level that varies by\n"
    "          more than 0.5 dB is refused with the reason. A mono recording is taken as input\n"
    "          --channel (default 1); of a multichannel recording, channel --channel is read.\n"
    "          -D captures it live instead: --length seconds (default 3) of input --channel,\n"
    "          after a quarter second left out, with the calibrator on that microphone and\n"
    "          switched on. -o adds or replaces that input's line in spl.cal, keeping the others.\n"
    "output    headphone sensitivity while a test tone (--tone, default 1000 Hz) plays: --vrms\n"
    "          is the voltage across the headphone read off a meter, and the tone's SPL is\n"
    "          either given (--spl, e.g. read off an SPL meter) or measured from a recording\n"
    "          of the rig's microphone (--rec) with that input's offset from --spl-cal. Prints\n"
    "          dB SPL/V, and dB SPL/mW with --impedance; -o writes the same as text.\n"
    "          -D without --vrms plays the tone on output --channel (default 1: the left\n"
    "          driver) at --level dBFS peak (default -20) for --length seconds (default 30)\n"
    "          while the meters are read; -D with --vrms and --spl-cal plays the same tone and\n"
    "          measures it through microphone input --channel (--length default 3 s, after\n"
    "          half a second of lead-in).\n"
    "loopback  the interface's output-to-input response through a loopback cable, per input\n"
    "          channel, from a sweep and its recording (analysed as hpfr analyze does), at the\n"
    "          recording's sample rate, normalised to 0 dB at 1 kHz. -D measures it live: a\n"
    "          sweep (--length, default 3 s, at --level dBFS peak, default -12) plays on\n"
    "          outputs 1 and 2 while every input is captured; cable output 1 to input 1 and\n"
    "          output 2 to input 2 (or one output to each input in turn). --inputs 1,2 names\n"
    "          the cabled inputs (default: every channel; an input that stays silent is an\n"
    "          error). --save DIR keeps the sweep and the capture (DIR/sweep.wav,\n"
    "          DIR/loopback.wav) for the offline form. -o adds or replaces those sections in\n"
    "          iface.cal; give it to hpfr analyze through a rig profile. Run once per rate.\n"
    "\n"
    "Live forms (-D PCM, an ALSA device; try the simulated rig, -D hpfr_sim):\n"
    "  --rate HZ        44100, 48000 (default), 88200, 96000 or 192000, exactly as the\n"
    "                   device offers it\n"
    "  --length S       capture, tone or sweep length in seconds (defaults above; at\n"
    "                   most 60 where hpfr captures, 600 for a tone only played)\n"
    "  --level DBFS     peak level of the sweep or the tone\n";

static int fail_audio(const char *path, hp_err e, const hp_diag *d)
{
    return hp_cli_fail(CMD, "%s: %s", path, d->reason[0] ? d->reason : hp_strerror(e));
}

static int read_audio(const char *path, hp_audio *a)
{
    hp_diag d;
    hp_diag_clear(&d);
    hp_err e = hp_audio_read(path, a, &d);
    return e == HP_OK ? 0 : fail_audio(path, e, &d);
}

/* Channel of a recording that holds input `input`: the only one of a mono file, else the
 * input's own. 0 or exit code. */
static int pick_channel(const hp_audio *a, const char *src, unsigned input, unsigned *ch)
{
    if (a->channels == 1) {
        *ch = 0;
        return 0;
    }
    if (input > a->channels)
        return hp_cli_fail(CMD, "--channel %u: %s has only %u channels", input, src, a->channels);
    *ch = input - 1;
    return 0;
}

/* Measures a tone in channel ch of a; prints why it is refused. 0 or exit code. */
static int measure_tone(const hp_audio *a, const char *src, unsigned ch, double tone_hz,
                        hp_spl_result *r)
{
    hp_spl_cfg cfg = hp_spl_cfg_default();
    cfg.tone_hz = tone_hz;
    if (tone_hz >= 0.45 * a->rate_hz)
        return hp_cli_fail(CMD, "--tone %g: too high for %s at %g Hz", tone_hz, src, a->rate_hz);
    hp_err e = hp_spl_measure(a->data + ch, a->frames, a->channels, a->rate_hz, &cfg, r);
    if (e != HP_OK)
        return hp_cli_fail(CMD, "%s: cannot measure the tone: %s", src, hp_strerror(e));
    switch (r->verdict) {
    case HP_SPL_OK:
        return 0;
    case HP_SPL_TOO_SHORT:
        return hp_cli_fail(CMD, "%s: too short (%.2f s): record the tone for at least %g s", src,
                           r->duration_s, cfg.min_duration_s);
    case HP_SPL_NO_TONE:
        return hp_cli_fail(CMD, "%s: too quiet: no tone stands out; the strongest (%.1f Hz) is "
                           "only %.1f dB above the rest of the recording, %g dB are needed",
                           src, r->peak_hz, r->snr_db, cfg.min_snr_db);
    case HP_SPL_WRONG_FREQ:
        return hp_cli_fail(CMD, "%s: wrong frequency: the tone is at %.1f Hz, not %g Hz (+-%g%%)",
                           src, r->peak_hz, tone_hz, 100 * cfg.freq_tol);
    case HP_SPL_TOO_QUIET:
        return hp_cli_fail(CMD, "%s: too quiet: the %g Hz tone is at %.1f dBFS, below %g dBFS",
                           src, tone_hz, r->level_dbfs, cfg.min_level_dbfs);
    case HP_SPL_UNSTABLE:
        return hp_cli_fail(CMD, "%s: unstable: the level varies by %.2f dB (%.2f dBFS at %.1f s, "
                           "%.2f dBFS at %.1f s), more than %g dB", src, r->spread_db,
                           r->min_block_dbfs, r->min_at_s, r->max_block_dbfs, r->max_at_s,
                           cfg.max_spread_db);
    }
    return hp_cli_fail(CMD, "%s: cannot measure the tone", src);
}

/* Writes the text that writer() produces to path atomically. 0 or exit code. */
static int write_text(const char *path, hp_err (*writer)(FILE *, const void *), const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    hp_err e = m ? writer(m, arg) : HP_ENOMEM;
    if (m && fclose(m) != 0 && e == HP_OK)
        e = HP_ENOMEM;
    if (e == HP_OK && hp_write_file_atomic(path, text, len) != HP_OK)
        e = HP_EIO;
    free(text);
    if (e == HP_EIO)
        return hp_cli_fail(CMD, "%s: %s", path, strerror(errno));
    return e == HP_OK ? 0 : hp_cli_fail(CMD, "%s: %s", path, hp_strerror(e));
}

static hp_err spl_writer(FILE *f, const void *c) { return hp_spl_cal_write(f, c); }
static hp_err iface_writer(FILE *f, const void *c) { return hp_iface_write(f, c); }

/* An -o that cannot be written (a directory, or in a directory that does not exist) is refused
 * before anything is measured, not after. 0 or exit code. */
static int check_out_path(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (n && path[n - 1] == '/')
        return hp_cli_fail(CMD, "%s: %s", path, strerror(EISDIR));
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return hp_cli_fail(CMD, "%s: %s", path, strerror(EISDIR));
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
        if (stat(dir, &st) != 0)
            return hp_cli_fail(CMD, "%s: %s", path, strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return hp_cli_fail(CMD, "%s: %s", path, strerror(ENOTDIR));
    }
    return 0;
}

/* An existing output file is read first, so that other entries are kept; one that exists
 * but is not of the right kind is never overwritten. */
static int existing_spl(const char *path, hp_spl_cal *c)
{
    hp_diag d;
    hp_err e = hp_spl_cal_read(path, c, &d);
    if (e == HP_OK || (e == HP_EIO && errno == ENOENT)) {
        if (e != HP_OK)
            hp_spl_cal_init(c);
        return 0;
    }
    return hp_cli_fail(CMD, "%s: exists and is not an hpfr SPL calibration (%s); not replaced",
                       path, d.reason[0] ? d.reason : hp_strerror(e));
}

enum { O_REC = 256, O_REF, O_CHANNEL, O_TONE, O_VRMS, O_IMPEDANCE, O_SPL, O_SPLCAL, O_SWEEP,
       O_REFCH, O_RATE, O_LEVEL, O_LENGTH, O_INPUTS, O_SAVE };

/* A whole number in [lo, hi], or 0 after the message. */
static int whole(const char *opt, const char *text, double lo, double hi, double *v)
{
    if (!hp_cli_number(CMD, opt, text, lo, hi, v))
        return 0;
    if (*v != floor(*v)) {
        hp_cli_fail(CMD, "%s must be a channel number", opt);
        return 0;
    }
    return 1;
}

/* "1,2" or "3": input numbers 1-64 as a bit set. */
static int parse_inputs(const char *text, uint64_t *mask)
{
    *mask = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 1 || v > 64 || (*end && *end != ','))
            return hp_cli_fail(CMD, "--inputs %s: give input numbers 1-64 separated by commas, "
                               "e.g. 1,2", text);
        *mask |= (uint64_t)1 << (v - 1);
        if (!*end)
            return 0;
        p = end + 1;
    }
}

static int parse(int argc, char **argv, calib_opts *o)
{
    static const struct option longopts[] = {
        {"rec", required_argument, 0, O_REC},          {"ref", required_argument, 0, O_REF},
        {"channel", required_argument, 0, O_CHANNEL},  {"output", required_argument, 0, 'o'},
        {"tone", required_argument, 0, O_TONE},        {"vrms", required_argument, 0, O_VRMS},
        {"impedance", required_argument, 0, O_IMPEDANCE}, {"spl", required_argument, 0, O_SPL},
        {"spl-cal", required_argument, 0, O_SPLCAL},   {"sweep", required_argument, 0, O_SWEEP},
        {"ref-channel", required_argument, 0, O_REFCH}, {"device", required_argument, 0, 'D'},
        {"rate", required_argument, 0, O_RATE},        {"level", required_argument, 0, O_LEVEL},
        {"length", required_argument, 0, O_LENGTH},    {"inputs", required_argument, 0, O_INPUTS},
        {"save", required_argument, 0, O_SAVE},        {0, 0, 0, 0}};
    double v;
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":o:D:", longopts, NULL)) != -1) {
        switch (ch) {
        case O_REC: o->rec = optarg; break;
        case 'o': o->out = optarg; break;
        case 'D': o->device = optarg; break;
        case O_SPLCAL: o->spl_cal = optarg; break;
        case O_SWEEP: o->sweep = optarg; break;
        case O_SAVE: o->save_dir = optarg; break;
        case O_REF: if (!hp_cli_number(CMD, "--ref", optarg, 60, 150, &o->ref_db)) return HP_EXIT_BAD; break;
        case O_TONE: if (!hp_cli_number(CMD, "--tone", optarg, 20, 40000, &o->tone_hz)) return HP_EXIT_BAD; break;
        case O_VRMS: if (!hp_cli_number(CMD, "--vrms", optarg, 1e-6, 1000, &o->vrms)) return HP_EXIT_BAD; break;
        case O_IMPEDANCE: if (!hp_cli_number(CMD, "--impedance", optarg, 0.1, 1e6, &o->ohms)) return HP_EXIT_BAD; break;
        case O_SPL: if (!hp_cli_number(CMD, "--spl", optarg, 0, 200, &o->spl_db)) return HP_EXIT_BAD; break;
        case O_LEVEL: if (!hp_cli_number(CMD, "--level", optarg, -80, 0, &o->level_db)) return HP_EXIT_BAD; break;
        case O_LENGTH: if (!hp_cli_number(CMD, "--length", optarg, 1, 600, &o->length_s)) return HP_EXIT_BAD; break;
        case O_RATE:
            if (!hp_cli_number(CMD, "--rate", optarg, 8000, 768000, &o->rate_hz))
                return HP_EXIT_BAD;
            if (!hp_sweep_rate_supported(o->rate_hz))
                return hp_cli_fail(CMD, "--rate %s: use 44100, 48000, 88200, 96000 or 192000",
                                   optarg);
            break;
        case O_INPUTS:
            if (parse_inputs(optarg, &o->inputs))
                return HP_EXIT_BAD;
            break;
        case O_CHANNEL:
            if (!whole("--channel", optarg, 1, 64, &v))
                return HP_EXIT_BAD;
            o->channel = (unsigned)v;
            break;
        case O_REFCH:
            if (!whole("--ref-channel", optarg, 1, 64, &v))
                return HP_EXIT_BAD;
            o->ref_channel = (int)v;
            break;
        default: return hp_cli_bad_option(CMD, argc, argv, ch);
        }
    }
    if (hp_cli_extra_args(CMD, argc, argv))
        return HP_EXIT_BAD;
    if (o->device && (o->rec || o->sweep))
        return hp_cli_fail(CMD, "give a recording (--rec) or a device (-D %s), not both",
                           o->device);
    if (o->device)
        hp_pcm_use_simrig_config(); /* before any ALSA call, so -D hpfr_sim is found */
    if (isnan(o->rate_hz))
        o->rate_hz = CALIB_RATE_HZ;
    return 0;
}

static calib_opts opts_default(void)
{
    calib_opts o = {.channel = 1, .tone_hz = 1000, .ref_db = NAN, .spl_db = NAN,
                    .rate_hz = NAN, .level_db = NAN, .length_s = NAN};
    return o;
}

static double or_default(double v, double dflt)
{
    return isnan(v) ? dflt : v;
}

/* Every input is held in memory while capturing (32 channels at 192 kHz are 49 MB a second). */
#define MAX_CAPTURE_S 60.0

static int capture_length(const calib_opts *o)
{
    if (o->device && o->length_s > MAX_CAPTURE_S)
        return hp_cli_fail(CMD, "--length %g: a capture is at most %g s", o->length_s,
                           MAX_CAPTURE_S);
    return 0;
}

/* Where the samples came from, for messages: the recording, or "PCM input N". */
static const char *source_name(const calib_opts *o, const char *rec, char *buf, size_t len)
{
    if (!o->device)
        return rec;
    snprintf(buf, len, "%s, input %u", o->device, o->channel);
    return buf;
}

/* The offset of one input from a calibrator recording held in a; cal holds the other inputs'
 * lines of -o (if given). */
static int spl_from_audio(const hp_audio *a, const char *src, const calib_opts *o, hp_spl_cal *cal)
{
    unsigned ch = 0;
    hp_spl_result r;
    int rc = pick_channel(a, src, o->channel, &ch);
    if (!rc)
        rc = measure_tone(a, src, ch, 1000, &r);
    if (rc)
        return rc;
    double off = hp_spl_offset_db(o->ref_db, r.level_dbfs);
    printf("input %u: %.2f Hz calibrator at %.2f dBFS (steady within %.2f dB): offset %.2f dB, "
           "so 0 dBFS = %.2f dB SPL\n", o->channel, r.peak_hz, r.level_dbfs, r.spread_db, off, off);
    if (!o->out)
        return 0;
    unsigned i = o->channel - 1;
    cal->offset_db[i] = off;
    cal->ref_db[i] = o->ref_db;
    cal->level_dbfs[i] = r.level_dbfs;
    cal->tone_hz[i] = r.peak_hz;
    cal->spread_db[i] = r.spread_db;
    rc = write_text(o->out, spl_writer, cal);
    if (!rc)
        printf("wrote %s\n", o->out);
    return rc;
}

static int cmd_spl(int argc, char **argv)
{
    calib_opts o = opts_default();
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    if (!o.rec && !o.device)
        return hp_cli_fail(CMD, "spl needs --rec CALIBRATOR.wav or -D PCM (the calibrator live)");
    if (isnan(o.ref_db))
        return hp_cli_fail(CMD, "spl needs --ref DB (the calibrator's level: 94 or 114)");
    o.length_s = or_default(o.length_s, CALIB_SPL_S);
    if ((rc = capture_length(&o)))
        return rc;
    /* An -o that is not ours is refused before anything is captured. */
    hp_spl_cal cal;
    if (o.out && ((rc = check_out_path(o.out)) || (rc = existing_spl(o.out, &cal))))
        return rc;
    hp_audio a = {0};
    char src[300];
    rc = o.device ? calib_live_capture(&o, &a) : read_audio(o.rec, &a);
    if (!rc)
        rc = spl_from_audio(&a, source_name(&o, o.rec, src, sizeof src), &o, &cal);
    hp_audio_release(&a);
    return rc;
}

typedef struct {
    double spl_db, vrms, ohms, per_v, per_mw;
} sensitivity;

static hp_err sens_writer(FILE *f, const void *arg)
{
    const sensitivity *s = arg;
    fprintf(f, "hpfr-sensitivity 1\nspl_db %.3f\nvrms %.6g\ndb_spl_per_v %.3f\n", s->spl_db,
            s->vrms, s->per_v);
    if (s->ohms > 0)
        fprintf(f, "impedance_ohm %.6g\ndb_spl_per_mw %.3f\n", s->ohms, s->per_mw);
    return ferror(f) ? HP_EIO : HP_OK;
}

/* The tone's SPL from the rig's microphone (a recording, or live while the tone plays) and
 * that input's offset, which is read first. */
static int tone_spl(const calib_opts *o, double *spl)
{
    hp_spl_cal cal;
    hp_diag d;
    hp_err e = hp_spl_cal_read(o->spl_cal, &cal, &d);
    if (e != HP_OK)
        return d.line > 0 ? hp_cli_fail(CMD, "%s:%ld: %s", o->spl_cal, d.line, d.reason)
                          : hp_cli_fail(CMD, "%s: %s", o->spl_cal, d.reason[0] ? d.reason : hp_strerror(e));
    if (isnan(cal.offset_db[o->channel - 1]))
        return hp_cli_fail(CMD, "%s: no offset for input %u (run hpfr calib spl --channel %u)",
                           o->spl_cal, o->channel, o->channel);
    hp_audio a = {0};
    unsigned ch = 0;
    hp_spl_result r;
    char buf[300];
    const char *src = source_name(o, o->rec, buf, sizeof buf);
    int rc = o->device ? calib_live_tone_capture(o, &a) : read_audio(o->rec, &a);
    if (!rc)
        rc = pick_channel(&a, src, o->channel, &ch);
    if (!rc)
        rc = measure_tone(&a, src, ch, o->tone_hz, &r);
    if (!rc) {
        *spl = r.level_dbfs + cal.offset_db[o->channel - 1];
        printf("tone: %.2f Hz at %.2f dBFS on input %u = %.2f dB SPL\n", r.peak_hz, r.level_dbfs,
               o->channel, *spl);
    }
    hp_audio_release(&a);
    return rc;
}

/* Which output form was asked for; 0 or exit code. */
static int check_output(calib_opts *o)
{
    if (o->tone_hz >= 0.45 * o->rate_hz && o->device)
        return hp_cli_fail(CMD, "--tone %g: too high for %g Hz", o->tone_hz, o->rate_hz);
    if (o->device && !(o->vrms > 0)) {
        if (o->spl_cal || !isnan(o->spl_db) || o->out)
            return hp_cli_fail(CMD, "output -D without --vrms only plays the tone; read the "
                               "voltage while it plays, then add --vrms V");
        return 0;
    }
    if (!(o->vrms > 0))
        return hp_cli_fail(CMD, "output needs --vrms V (the voltage across the headphone)");
    if (o->device) {
        if (!isnan(o->spl_db) || !o->spl_cal)
            return hp_cli_fail(CMD, "output -D measures the tone through the microphone: it "
                               "needs --spl-cal spl.cal (with --spl DB, no device is needed)");
        return 0;
    }
    if (!isnan(o->spl_db) == !!o->rec)
        return hp_cli_fail(CMD, "output needs either --spl DB or --rec TONE.wav with --spl-cal");
    if (o->rec && !o->spl_cal)
        return hp_cli_fail(CMD, "--rec needs --spl-cal spl.cal (from hpfr calib spl)");
    return 0;
}

static int cmd_output(int argc, char **argv)
{
    calib_opts o = opts_default();
    int rc = parse(argc, argv, &o);
    if (rc || (rc = check_output(&o)) || (o.out && (rc = check_out_path(o.out))))
        return rc;
    o.level_db = or_default(o.level_db, CALIB_TONE_DBFS);
    if (o.device && !(o.vrms > 0)) {
        o.length_s = or_default(o.length_s, CALIB_PLAY_S);
        return calib_live_tone_play(&o);
    }
    o.length_s = or_default(o.length_s, CALIB_TONE_S);
    if ((rc = capture_length(&o)))
        return rc;
    sensitivity s = {o.spl_db, o.vrms, o.ohms, NAN, NAN};
    if (o.spl_cal && (rc = tone_spl(&o, &s.spl_db)))
        return rc;
    s.per_v = hp_sens_db_spl_per_v(s.spl_db, o.vrms);
    printf("sensitivity: %.2f dB SPL/V (%.2f dB SPL at %.4g Vrms)\n", s.per_v, s.spl_db, o.vrms);
    if (o.ohms > 0) {
        s.per_mw = hp_sens_db_spl_per_mw(s.spl_db, o.vrms, o.ohms);
        printf("sensitivity: %.2f dB SPL/mW (%.4g mW into %g ohm)\n", s.per_mw,
               1000 * o.vrms * o.vrms / o.ohms, o.ohms);
    }
    if (o.out && !(rc = write_text(o.out, sens_writer, &s)))
        printf("wrote %s\n", o.out);
    return rc;
}

/* The sections of a loopback analysed by the analyze code path (job already run): one per
 * analysed input (--inputs limits the paths, see check_inputs). */
static int loopback_from_job(const analyze_job *job, hp_iface_cal *cal)
{
    const double one_k = 1000;
    size_t n = job->grid.n;
    double *db = malloc(n * sizeof *db);
    int rc = db ? 0 : hp_cli_fail(CMD, "out of memory");
    for (size_t k = 0; k < job->npaths && !rc; k++) {
        const analyze_path *p = &job->paths[k];
        if (p->crosstalk || (job->opt.mic_mask && !(job->opt.mic_mask >> p->mic & 1)))
            continue;
        double g;
        if (hp_curve_interp(job->grid.f_hz, p->resp.raw_db, n, &one_k, 1, &g) != HP_OK) {
            rc = hp_cli_fail(CMD, "%s: no usable response in channel %u", job->opt.rec_path,
                             p->mic + 1);
            break;
        }
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            db[i] = p->resp.raw_db[i] - g;
            lo = fmin(lo, db[i]);
            hi = fmax(hi, db[i]);
        }
        if (hp_iface_set(cal, p->mic + 1, job->info.rate_hz, g, job->grid.f_hz, db,
                         p->resp.phase_deg, n) != HP_OK)
            rc = hp_cli_fail(CMD, "out of memory");
        else
            printf("input %u at %g Hz: loopback level %.2f dB at 1 kHz; %.2f to %+.2f dB re 1 kHz "
                   "over %g-%g Hz\n", p->mic + 1, job->info.rate_hz, g, lo, hi, job->grid.f_hz[0],
                   job->grid.f_hz[n - 1]);
    }
    free(db);
    return rc;
}

/* Below this peak an input carries no loopback: no cable, or the wrong input. */
#define SILENT_INPUT_DBFS (-60.0)

/* --inputs against the recording: each input there, none the reference, and each carrying
 * sound (an uncabled input would only give a response of noise). */
static int check_inputs(const analyze_job *job)
{
    unsigned chans = job->rec.channels;
    for (unsigned c = 0; c < 64; c++) {
        int chosen = job->opt.mic_mask ? (int)(job->opt.mic_mask >> c & 1) : c < chans;
        if (!chosen || (int)c + 1 == job->opt.ref_channel) {
            if (chosen)
                return hp_cli_fail(CMD, "--inputs: input %u is the --ref-channel", c + 1);
            continue;
        }
        if (c >= chans)
            return hp_cli_fail(CMD, "--inputs: %s has no input %u (%u channel%s)",
                               job->opt.rec_path, c + 1, chans, chans == 1 ? "" : "s");
        if (job->stats[c].peak_dbfs < SILENT_INPUT_DBFS)
            return hp_cli_fail(CMD, "%s: input %u carries no loopback (peak %.1f dBFS): is the "
                               "cable in? --inputs names the cabled inputs", job->opt.rec_path,
                               c + 1, job->stats[c].peak_dbfs);
    }
    return 0;
}

static int cmd_loopback(int argc, char **argv)
{
    calib_opts o = opts_default();
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    if (!o.out || (!o.device && (!o.sweep || !o.rec)))
        return hp_cli_fail(CMD, "loopback needs --sweep SWEEP.wav and --rec REC.wav, or -D PCM; "
                           "and -o iface.cal");
    if (o.ref_channel && (o.inputs >> (o.ref_channel - 1) & 1))
        return hp_cli_fail(CMD, "--inputs: input %d is the --ref-channel", o.ref_channel);
    o.length_s = or_default(o.length_s, CALIB_SWEEP_S);
    o.level_db = or_default(o.level_db, CALIB_SWEEP_DBFS);
    if ((rc = capture_length(&o)))
        return rc;
    if ((rc = check_out_path(o.out)))
        return rc;
    hp_iface_cal cal = {0};
    hp_diag d;
    hp_err e = hp_iface_read(o.out, &cal, &d);
    if (e != HP_OK && !(e == HP_EIO && errno == ENOENT)) {
        const char *why = d.reason[0] ? d.reason : hp_strerror(e);
        if (strstr(why, "not an hpfr interface calibration"))
            return hp_cli_fail(CMD, "%s: exists and is %s; not replaced", o.out, why);
        return hp_cli_fail(CMD, "%s: exists and is not an hpfr interface calibration (%s); not "
                           "replaced", o.out, why);
    }
    analyze_job job;
    memset(&job, 0, sizeof job);
    job.opt.cmd = CMD;
    job.opt.sweep_path = o.sweep;
    job.opt.rec_path = o.rec;
    job.opt.out_dir = NULL; /* the responses stay in memory: only iface.cal is written */
    job.opt.ref_channel = o.ref_channel;
    job.opt.mic_mask = o.inputs;
    job.opt.smooth.kind = HP_SMOOTH_NONE;
    job.opt.left_ms = 5;
    job.opt.right_ms = 500;
    rc = o.device ? calib_live_loopback(&o, &job) : analyze_load(&job);
    if (!rc)
        rc = check_inputs(&job);
    if (!rc)
        rc = analyze_run_paths(&job);
    if (!rc)
        rc = loopback_from_job(&job, &cal);
    if (!rc && !(rc = write_text(o.out, iface_writer, &cal)))
        printf("wrote %s\n", o.out);
    analyze_job_release(&job);
    hp_iface_release(&cal);
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return hp_cli_fail(CMD, "which calibration? spl, output or loopback (see hpfr calib --help)");
    const char *sub = argv[1];
    int (*form)(int, char **) = !strcmp(sub, "spl")        ? cmd_spl
                                : !strcmp(sub, "output")   ? cmd_output
                                : !strcmp(sub, "loopback") ? cmd_loopback
                                                           : NULL;
    if (!form)
        return hp_cli_fail(CMD, "unknown calibration '%s': use spl, output or loopback", sub);
    int rc = form(argc - 1, argv + 1);
    /* alsa-lib's global configuration, loaded by a live form (valgrind would call it lost). */
    snd_config_update_free_global();
    return rc;
}

const hp_cmd hp_cmd_calib = {"calib", "SPL offset, headphone sensitivity, interface calibration",
                             usage, run};
