/* SPDX-License-Identifier: MIT */
/* hpfr analyze, inputs: read both WAVs, find the sweep's parameters (hpfr metadata, options or
 * estimation from the signal), and check that the recording can be analysed against it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "analyze.h"
#include "cli.h"
#include "trace.h"
#include "sweepest.h"
#include "sweepmeta.h"

/* What check_recording needs from the samples: the levels of every channel and the sweep
 * rate the first microphone heard. Measuring is silent; check_recording decides and speaks. */
typedef struct {
    channel_stats *stats;       /* NULL: not measured (out of memory, or not yet) */
    int est_ok;
    hp_sweep_estimate_result est;
} rec_measures;

static void measure_recording(const analyze_job *job, rec_measures *m);

/* A sweep file without hpfr metadata: estimate each channel's sweep from its samples. */
static int estimate_info(analyze_job *job)
{
    const hp_audio_f *s = &job->sweep;
    hp_sweep_info *i = &job->info;
    for (unsigned c = 0; c < s->channels; c++) {
        hp_sweep_estimate_result r;
        if (hp_sweep_estimate_f(s->data + c, s->frames, s->channels, s->rate_hz, &r) != HP_OK)
            return hp_cli_fail(analyze_cmd(job), "%s: channel %u holds no exponential sweep (give --f1 and "
                               "--f2 if it is one)", job->opt.sweep_path, c + 1);
        i->start_frame[c] = r.start_frame;
        if (c == 0) {
            i->f1_hz = r.f1_hz;
            i->f2_hz = r.f2_hz;
            i->rate_const_s = r.rate_const_s;
            i->sweep_frames = r.frames;
        }
    }
    i->duration_s = (double)i->sweep_frames / s->rate_hz;
    job->info_source = "estimated";
    return 0;
}

/* The sweep's parameters into job->info from s (the sweep file). quiet: from the header alone,
 * before the samples are read: gives up (-1, nothing printed) on whatever needs the samples
 * (no hpfr metadata) or is an error; the full read then does it again and reports it. */
static int sweep_info(analyze_job *job, const hp_audio_f *s, int quiet)
{
    hp_sweep_info *i = &job->info;
    if (s->channels > 2)
        return quiet ? -1 : hp_cli_fail(analyze_cmd(job), "%s: %u channels; a sweep has 1, or 2 for left then right",
                                        job->opt.sweep_path, s->channels);
    job->info_source = "metadata";
    if (!s->comment || hp_sweepmeta_parse(s->comment, i) != HP_OK ||
        i->rate_hz != s->rate_hz || i->total_frames != s->frames || i->channels != s->channels) {
        if (quiet)
            return -1;
        int rc = estimate_info(job);
        if (rc)
            return rc;
    }
    i->rate_hz = s->rate_hz;
    i->total_frames = s->frames;
    i->channels = s->channels;
    if (job->opt.f1_hz > 0 || job->opt.f2_hz > 0) {
        /* The sweep rate follows from the band and the swept duration: L = T / ln(f2/f1). */
        if (job->opt.f1_hz > 0)
            i->f1_hz = job->opt.f1_hz;
        if (job->opt.f2_hz > 0)
            i->f2_hz = job->opt.f2_hz;
        if (!(i->f1_hz < i->f2_hz))
            return quiet ? -1 : hp_cli_fail(analyze_cmd(job), "--f1 %g must be below --f2 %g", i->f1_hz, i->f2_hz);
        i->rate_const_s = i->duration_s / log(i->f2_hz / i->f1_hz);
        job->info_source = "options";
    }
    if (i->f2_hz > s->rate_hz / 2)
        return quiet ? -1 : hp_cli_fail(analyze_cmd(job), "--f2 %g is above the Nyquist frequency of %s (%g Hz)",
                                        i->f2_hz, job->opt.sweep_path, s->rate_hz / 2);
    return 0;
}

/* One channel's share of scan_levels: x[0], x[stride], ... (n of them), with every running
 * figure in a register. */
static void scan_channel(const float *x, size_t stride, size_t n, double *peak, size_t *clips,
                         double *sum)
{
    float top = (float)*peak;
    size_t full = 0;
    double energy = 0;
    for (size_t i = 0; i < n; i++) {
        float m = fabsf(x[i * stride]);
        top = m > top ? m : top;
        /* Full scale for every integer format libsndfile normalises to [-1, 1). */
        full += (double)m >= 0.9999;
        if (sum)
            energy += (double)m * (double)m;
    }
    *peak = top;
    *clips += full;
    if (sum)
        *sum += energy;
}

/* Accumulates peak, clips and (when sum is not NULL) the energy of frames [from, to) of every
 * channel. A pass per channel: the figures of all channels at once, kept in arrays indexed by
 * channel, made the single pass twice as slow. */
static void scan_levels(const hp_audio_f *r, size_t from, size_t to, double *peak, size_t *clips,
                        double *sum)
{
    unsigned nc = r->channels;
    for (unsigned c = 0; c < nc && from < to; c++)
        scan_channel(r->data + from * nc + c, nc, to - from, &peak[c], &clips[c],
                     sum ? &sum[c] : NULL);
}

/* Peak, clip count, and the levels before the sweep reaches the microphones and during it,
 * of every channel in one pass over the interleaved samples. */
static void channel_levels(const analyze_job *job, channel_stats *st)
{
    const hp_audio_f *r = &job->rec;
    unsigned nc = r->channels;
    double peak[HP_AUDIO_MAX_CHANNELS] = {0}, quiet_ms[HP_AUDIO_MAX_CHANNELS] = {0},
           sweep_ms[HP_AUDIO_MAX_CHANNELS] = {0};
    size_t clips[HP_AUDIO_MAX_CHANNELS] = {0};
    /* Quiet part: the pre-roll before the first sweep, less 10 ms for latency margin. */
    size_t quiet = job->info.start_frame[0];
    size_t margin = (size_t)(0.01 * r->rate_hz);
    int have_quiet = quiet > margin + 256;
    size_t n = r->frames, q_end = have_quiet ? quiet - margin : 0;
    size_t a = job->info.start_frame[0], b = a + job->info.sweep_frames;
    /* A left-then-right pair: each microphone hears mostly one of the two sweeps, so its
     * signal level is the louder of the two sweep windows, not always the first. */
    int pair = job->info.channels == 2;
    size_t a2 = pair ? job->info.start_frame[1] : b, b2 = pair ? a2 + job->info.sweep_frames : b;
    double sweep2_ms[HP_AUDIO_MAX_CHANNELS] = {0};
    /* In order: the quiet part, the margin, the sweep(s), the rest (a sweep may run past the
     * end of a short recording). */
    size_t sa = a < n ? a : n, sb = b < n ? b : n;
    size_t sa2 = a2 < n ? a2 : n, sb2 = b2 < n ? b2 : n;
    if (sa2 < sb)
        sa2 = sb;
    if (sb2 < sa2)
        sb2 = sa2;
    scan_levels(r, 0, q_end, peak, clips, quiet_ms);
    scan_levels(r, q_end, sa, peak, clips, NULL);
    scan_levels(r, sa, sb, peak, clips, sweep_ms);
    scan_levels(r, sb, sa2, peak, clips, NULL);
    scan_levels(r, sa2, sb2, peak, clips, sweep2_ms);
    scan_levels(r, sb2, n, peak, clips, NULL);
    for (unsigned c = 0; pair && c < nc; c++)
        if (sweep2_ms[c] > sweep_ms[c])
            sweep_ms[c] = sweep2_ms[c];
    for (unsigned c = 0; c < nc; c++) {
        st[c].peak_dbfs = 20 * log10(fmax(peak[c], 1e-15));
        st[c].clip_count = clips[c];
        st[c].noise_dbfs = st[c].snr_db = NAN;
        if (have_quiet) {
            st[c].noise_dbfs = 10 * log10(fmax(quiet_ms[c] / (double)q_end, 1e-30));
            double s = sweep_ms[c] / (double)(b - a);
            st[c].snr_db = 10 * log10(fmax(s, 1e-30)) - st[c].noise_dbfs;
        }
    }
}

/* The first microphone channel: the sweep rate is measured there. */
static unsigned first_mic(const analyze_job *job)
{
    return job->opt.ref_channel == 1 ? 1 : 0;
}

/* The recording's levels and the sweep rate its first microphone heard, into m (m->stats stays
 * NULL when out of memory, for check_recording to meet again). */
static void measure_recording(const analyze_job *job, rec_measures *m)
{
    const hp_audio_f *r = &job->rec;
    const hp_sweep_info *i = &job->info;
    if (!(m->stats = calloc(r->channels, sizeof *m->stats)))
        return;
    channel_levels(job, m->stats);
    m->est_ok = 0;
    unsigned mic = first_mic(job);
    size_t lo = i->start_frame[0], n = i->sweep_frames + (size_t)(0.5 * r->rate_hz);
    if (mic < r->channels && lo < r->frames) {
        if (n > r->frames - lo)
            n = r->frames - lo;
        m->est_ok = hp_sweep_estimate_f(r->data + lo * r->channels + mic, n, r->channels,
                                        r->rate_hz, &m->est) == HP_OK;
    }
}

/* A recording of some other sweep deconvolves into a long chirp whose peak can look like a
 * response. The recorded sweep keeps its rate through the headphone, so compare it: when the
 * recording's own estimate is reliable and disagrees, it is the wrong file. */
static int check_sweep_rate(analyze_job *job, const rec_measures *m)
{
    const hp_sweep_info *i = &job->info;
    if (m->est_ok && fabs(m->est.rate_const_s / i->rate_const_s - 1) > 0.1)
        return hp_cli_fail(analyze_cmd(job), "%s: no sweep of %s found: channel %u holds a sweep with "
                           "L = %.3f s, the sweep file has L = %.3f s (wrong file?)",
                           job->opt.rec_path, job->opt.sweep_path, first_mic(job) + 1,
                           m->est.rate_const_s, i->rate_const_s);
    return 0;
}

/* m: the recording measured already (by read_recording), or NULL. */
static int check_recording(analyze_job *job, rec_measures *m)
{
    const hp_audio_f *r = &job->rec, *s = &job->sweep;
    const char *rp = job->opt.rec_path;
    if (r->rate_hz != s->rate_hz)
        return hp_cli_fail(analyze_cmd(job), "%s: recorded at %g Hz but the sweep %s is at %g Hz", rp,
                           r->rate_hz, job->opt.sweep_path, s->rate_hz);
    if (r->frames < job->info.start_frame[job->info.channels - 1] + job->info.sweep_frames)
        return hp_cli_fail(analyze_cmd(job), "%s: %zu frames, shorter than the sweep (%zu frames)", rp,
                           r->frames, s->frames);
    double window_s = (job->opt.left_ms + job->opt.right_ms) / 1000;
    if (window_s * r->rate_hz >= (double)r->frames)
        return hp_cli_fail(analyze_cmd(job), "--window-left/--window-right: the %.0f ms window is longer "
                           "than %s (%.0f ms)", window_s * 1000, rp,
                           1000.0 * (double)r->frames / r->rate_hz);
    if (job->opt.ref_channel > (int)r->channels)
        return hp_cli_fail(analyze_cmd(job), "--ref-channel %d: %s has only %u channel%s", job->opt.ref_channel,
                           rp, r->channels, r->channels == 1 ? "" : "s");
    unsigned mics = r->channels - (job->opt.ref_channel ? 1 : 0);
    if (mics < 1)
        return hp_cli_fail(analyze_cmd(job), "%s: no channel left to analyse besides the reference", rp);
    if (job->info.channels == 2 && mics < 2)
        return hp_cli_fail(analyze_cmd(job), "%s: the sweep is left-then-right but the recording has one "
                           "microphone channel; two are needed", rp);
    if (mics > MAX_PATHS / 2)
        return hp_cli_fail(analyze_cmd(job), "%s: %u channels is more than hpfr analyses at once", rp, mics);
    rec_measures here = {0};
    if (!m || !m->stats) {
        m = &here;
        measure_recording(job, m);
    }
    job->stats = m->stats;
    m->stats = NULL;
    if (!job->stats)
        return hp_cli_fail(analyze_cmd(job), "out of memory");
    int clipped = 0;
    for (unsigned c = 0; c < r->channels; c++) {
        if (job->stats[c].clip_count) {
            hp_cli_warn(analyze_cmd(job), "%s: channel %u clips: %zu samples at full scale (peak %.2f dBFS)",
                        rp, c + 1, job->stats[c].clip_count, job->stats[c].peak_dbfs);
            clipped = 1;
        }
    }
    if (clipped && !job->opt.allow_clipping)
        return hp_cli_fail(analyze_cmd(job), "%s: the recording clips; lower the level and measure again, "
                           "or pass --allow-clipping", rp);
    return check_sweep_rate(job, m);
}

static int grid(analyze_job *job, int quiet)
{
    hp_err e = job->opt.grid_autoeq ? hp_grid_autoeq(&job->grid)
                                    : hp_grid_log(20, fmin(20000, job->info.rate_hz / 2), 48, &job->grid);
    if (e == HP_OK)
        return 0;
    return quiet ? -1 : hp_cli_fail(analyze_cmd(job), "out of memory");
}

/* Called by the sweep's read once its header is known: with hpfr metadata that is all the
 * planning needs, so the helper starts planning while the samples are still being read. */
static void sweep_header(const hp_audio_f *head, void *user)
{
    analyze_job *job = user;
    if (sweep_info(job, head, 1) != 0 || grid(job, 1) != 0)
        return;
    if (analyze_setup_sweep(job, 1) == 0)
        job->sweep_known = 1;
    else
        hp_grid_release(&job->grid); /* made again, and the failure reported, after the read */
}

/* The sweep's parameters (from its metadata, or estimated from its samples), the grid, and
 * the helper told to plan. 0 or exit code. */
static int sweep_from_samples(analyze_job *job)
{
    int rc = sweep_info(job, &job->sweep, 0);
    if (!rc)
        rc = grid(job, 0);
    if (!rc)
        rc = analyze_setup_sweep(job, 0);
    return rc;
}

/* Tells the helper that the sweep's samples are in, or that the sweep will not be known. */
static void sweep_done(analyze_job *job, int rc)
{
    if (rc)
        analyze_setup_sweep_failed(job);
    else
        analyze_setup_sweep_read(job);
}

/* Reads the recording and measures it (levels, the sweep rate it holds), after the sweep and
 * on the same thread: the helper plans meanwhile. A thread of its own for the recording made
 * a 2^16 analyze slower on 2 CPUs (10.9 against 10.4 ms with lsconv at 10.9): three threads
 * competing for them at the start delayed the planning that everything else waits for. */
static int read_recording(analyze_job *job, rec_measures *m)
{
    hp_diag d;
    hp_diag_clear(&d);
    hp_trace("read recording: start");
    hp_err e = hp_audio_read_f(job->opt.rec_path, &job->rec, &d);
    hp_trace("read recording: done");
    if (e != HP_OK)
        return hp_cli_fail(analyze_cmd(job), "%s: %s", job->opt.rec_path,
                           d.reason[0] ? d.reason : hp_strerror(e));
    measure_recording(job, m);
    hp_trace("read recording: measured");
    return 0;
}

int analyze_load(analyze_job *job)
{
    /* The helper starts at once: it loads the FFTW wisdom while the sweep is read, and plans
     * from the sweep's header while the samples of both files are read. */
    if (analyze_setup_start(job))
        return HP_EXIT_BAD;
    hp_diag d;
    hp_diag_clear(&d);
    hp_trace("read sweep: start");
    hp_err e = hp_audio_read_f_early(job->opt.sweep_path, &job->sweep, &d, sweep_header, job);
    hp_trace("read sweep: done");
    int rc = 0;
    if (e != HP_OK)
        rc = hp_cli_fail(analyze_cmd(job), "%s: %s", job->opt.sweep_path,
                         d.reason[0] ? d.reason : hp_strerror(e));
    /* Without metadata the sweep's parameters come from its samples, known only now. Planning
     * and the sweep's spectrum only need the sweep: they proceed while the recording is read
     * and checked. */
    if (!rc && !job->sweep_known)
        rc = sweep_from_samples(job);
    sweep_done(job, rc);
    rec_measures m = {0};
    if (!rc)
        rc = read_recording(job, &m);
    hp_trace("recording in");
    if (!rc)
        rc = check_recording(job, &m);
    free(m.stats);
    hp_trace("recording checked");
    if (!rc)
        analyze_setup_loaded(job);
    return rc;
}

int analyze_load_audio(analyze_job *job)
{
    if (analyze_setup_start(job))
        return HP_EXIT_BAD;
    int rc = sweep_from_samples(job);
    sweep_done(job, rc);
    if (!rc)
        rc = check_recording(job, NULL);
    if (!rc)
        analyze_setup_loaded(job);
    return rc;
}

void analyze_job_release(analyze_job *job)
{
    analyze_setup_release(job); /* first: its thread reads the sweep and the grid */
    hp_audio_f_release(&job->sweep);
    hp_audio_f_release(&job->rec);
    free(job->stats);
    hp_grid_release(&job->grid);
    for (size_t i = 0; i < job->npaths; i++)
        hp_response_release(&job->paths[i].resp);
}
