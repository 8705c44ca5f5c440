/* SPDX-License-Identifier: MIT */
/* The report page: summary table, placements, responses, leak and seal, EQ, each placement's
 * figures, warnings. Every piece of text that comes from a file or the user goes through
 * rp_t (escaped), every link through rp_link (relative, percent-encoded). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pinput.h"
#include "reputil.h"

#define DASH "\xE2\x80\x93" /* en dash for ranges */
#define SEP " \xC2\xB7 "    /* middle dot between ears */

typedef struct {
    double lo, hi, sum;
    size_t n;
} span;

static void span_add(span *s, double v)
{
    if (!isfinite(v))
        return;
    if (!s->n)
        s->lo = s->hi = v;
    s->lo = fmin(s->lo, v);
    s->hi = fmax(s->hi, v);
    s->sum += v;
    s->n++;
}

/* "12.3 dB" or "12.1–12.3 dB" (as they print), or "n/a". */
static void span_text(hp_sbuf *b, const span *s, int dec, const char *unit)
{
    char a[64], c[64];
    if (!s->n) {
        hp_sbuf_puts(b, "n/a");
        return;
    }
    rp_fx(a, sizeof a, s->lo, dec, 0);
    rp_fx(c, sizeof c, s->hi, dec, 0);
    hp_sbuf_puts(b, a);
    if (strcmp(a, c))
        hp_sbuf_printf(b, DASH "%s", c);
    hp_sbuf_printf(b, "%s%s", unit[0] ? " " : "", unit);
}

/* The headphone's name, or the session directory's own name ("hd" for "data/hd/"). */
static const char *display_name(const hp_report *r, char *buf, size_t size)
{
    if (r->s.name[0])
        return r->s.name;
    hp_pin_basename(r->session, NULL, buf, size);
    return buf[0] ? buf : r->session;
}

static void row_begin(hp_sbuf *b, const char *id, const char *label)
{
    hp_sbuf_printf(b, "<tr id=\"s-%s\"><th>", id);
    rp_t(b, label);
    hp_sbuf_puts(b, "</th><td>");
}

static void row_end(hp_sbuf *b)
{
    hp_sbuf_puts(b, "</td></tr>\n");
}

/* "run <code>CMD SESSION</code>" for a part that was not computed; `hpfr eq` also needs
 * its output directory, the one the report looks in. */
static void not_run(hp_sbuf *b, const hp_report *r, const char *cmd)
{
    hp_sbuf_puts(b, "not computed: run <code>");
    rp_t(b, cmd);
    hp_sbuf_puts(b, " ");
    rp_t(b, r->session);
    if (!strcmp(cmd, "hpfr eq")) {
        hp_sbuf_puts(b, " -o ");
        rp_t(b, r->session);
        hp_sbuf_puts(b, "/eq");
    }
    hp_sbuf_puts(b, "</code>");
}

/* Per ear: the span over the placements of field(p, ear). */
typedef double (*place_field)(const hp_rep_place *p, size_t ear);
static double f_pnr(const hp_rep_place *p, size_t k) { return p->pnr_db[k]; }
static double f_snr(const hp_rep_place *p, size_t k) { return p->snr_db[k]; }
static double f_thd100(const hp_rep_place *p, size_t k) { return p->thd100[k]; }
static double f_thd1k(const hp_rep_place *p, size_t k) { return p->thd1k[k]; }

static void per_ear(hp_sbuf *b, const hp_report *r, place_field get, int mean, int dec,
                    const char *unit)
{
    for (size_t k = 0; k < r->nears; k++) {
        span s = {0};
        for (size_t i = 0; i < r->np; i++)
            span_add(&s, get(&r->pl[i], k));
        if (mean && s.n)
            s.lo = s.hi = s.sum / (double)s.n;
        hp_sbuf_printf(b, "%s%s ", k ? SEP : "", r->ear[k]);
        span_text(b, &s, dec, unit);
    }
}

static void row_latency(hp_sbuf *b, const hp_report *r)
{
    span s = {0}, drift = {0};
    for (size_t i = 0; i < r->np; i++) {
        for (size_t k = 0; k < r->nears; k++)
            span_add(&s, r->pl[i].path_latency[k] >= 0 ? (double)r->pl[i].path_latency[k] : (double)NAN);
        span_add(&drift, r->pl[i].drift_ppm);
    }
    row_begin(b, "latency", "Latency");
    span_text(b, &s, 0, "frames");
    if (s.n) {
        span ms = {s.lo * 1000 / r->s.rate, s.hi * 1000 / r->s.rate, 0, 1};
        hp_sbuf_puts(b, " (");
        span_text(b, &ms, 3, "ms");
        hp_sbuf_puts(b, ")");
    }
    if (drift.n) {
        hp_sbuf_puts(b, "; clock drift ");
        span_text(b, &drift, 3, "ppm");
    }
    row_end(b);
}

static void row_leak(hp_sbuf *b, const hp_report *r)
{
    const hp_rep_leak *l = &r->leak;
    row_begin(b, "leak-corners", "Leak corners (-3 dB)");
    if (!l->dir)
        not_run(b, r, "hpfr leak");
    else if (!l->n)
        hp_sbuf_puts(b, "n/a (see Leak and seal)");
    else {
        /* Per ear as leak.csv names them, in the order they first appear. */
        char ears[8][16];
        size_t ne = 0;
        for (size_t i = 0; i < l->n; i++) {
            size_t k = 0;
            while (k < ne && strcmp(ears[k], l->row[i].ear))
                k++;
            if (k == ne && ne < 8)
                snprintf(ears[ne++], sizeof ears[0], "%s", l->row[i].ear);
        }
        for (size_t k = 0; k < ne; k++) {
            span s = {0};
            for (size_t i = 0; i < l->n; i++)
                if (!strcmp(l->row[i].ear, ears[k]))
                    span_add(&s, l->row[i].corner);
            hp_sbuf_puts(b, k ? SEP : "");
            rp_t(b, ears[k]);
            hp_sbuf_puts(b, " ");
            span_text(b, &s, 1, "Hz");
        }
    }
    row_end(b);
}

static void row_spread(hp_sbuf *b, const hp_report *r)
{
    double v = isfinite(r->avg.spread_db) ? r->avg.spread_db : r->leak.spread_db;
    char t[64];
    row_begin(b, "bass-spread", "Bass spread over placements");
    if (isfinite(v)) {
        hp_sbuf_printf(b, "%s dB", rp_fx(t, sizeof t, v, 2, 0));
        if (r->avg.spread_ch[0]) {
            hp_sbuf_puts(b, " (channel ");
            rp_t(b, r->avg.spread_ch);
            hp_sbuf_puts(b, ")");
        }
        hp_sbuf_puts(b, "; standard deviation of the 20-50 Hz level re 500 Hz-2 kHz");
    } else if (r->avg.dir || r->leak.dir)
        hp_sbuf_puts(b, "n/a (not in the statistics read)");
    else
        not_run(b, r, "hpfr average");
    row_end(b);
}

static void row_eq(hp_sbuf *b, const hp_report *r)
{
    const hp_rep_eq *q = &r->eq;
    char t[64], u[64];
    row_begin(b, "eq", "EQ");
    if (!q->dir)
        not_run(b, r, "hpfr eq");
    else if (!q->have_apo)
        hp_sbuf_puts(b, "n/a (see EQ)");
    else {
        for (size_t c = 0; c < q->apo.nch; c++) {
            hp_sbuf_puts(b, c ? SEP : "");
            if (q->apo.nch > 1) {
                rp_t(b, q->apo.ch[c]);
                hp_sbuf_puts(b, " ");
            }
            hp_sbuf_printf(b, "%zu filter%s", q->apo.peq[c].n, q->apo.peq[c].n == 1 ? "" : "s");
        }
        if (q->target[0]) {
            hp_sbuf_puts(b, " to the target ");
            rp_t(b, q->target);
        }
        for (size_t c = 0; c < q->nch; c++)
            if (isfinite(q->ch[c].rms_before) && isfinite(q->ch[c].rms_after)) {
                hp_sbuf_printf(b, "%s", c ? ", " : "; RMS error ");
                if (q->nch > 1) {
                    rp_t(b, q->ch[c].ch);
                    hp_sbuf_puts(b, " ");
                }
                hp_sbuf_printf(b, "%s \xE2\x86\x92 %s dB", rp_fx(t, sizeof t, q->ch[c].rms_before, 2, 0),
                               rp_fx(u, sizeof u, q->ch[c].rms_after, 2, 0));
            }
    }
    row_end(b);
    row_begin(b, "preamp", "EQ preamp");
    if (q->have_apo)
        for (size_t c = 0; c < q->apo.nch; c++) {
            hp_sbuf_puts(b, c ? SEP : "");
            if (q->apo.nch > 1) {
                rp_t(b, q->apo.ch[c]);
                hp_sbuf_puts(b, " ");
            }
            hp_sbuf_printf(b, "%s dB", rp_fx(t, sizeof t, q->apo.peq[c].preamp_db, 1, 0));
        }
    else
        hp_sbuf_puts(b, "n/a");
    row_end(b);
    if (!q->dir)
        return;
    row_begin(b, "verified", "EQ verified");
    if (!q->verdict[0]) {
        hp_sbuf_puts(b, "not measured: run <code>hpfr verify -D PCM --eq ");
        rp_t(b, q->dir);
        hp_sbuf_puts(b, "</code>");
    } else {
        rp_t(b, q->verdict);
        if (isfinite(q->placements))
            hp_sbuf_printf(b, " (%.0f placement%s)", q->placements, q->placements == 1 ? "" : "s");
        for (size_t c = 0; c < q->nver; c++) {
            const hp_rep_verch *v = &q->ver[c];
            hp_sbuf_puts(b, c ? SEP : ": ");
            rp_t(b, v->ch);
            hp_sbuf_printf(b, " %s dB RMS from the target (20 Hz\xE2\x80\x93" "10 kHz), %s dB "
                           "from the prediction (to 16 kHz)",
                           rp_fx(t, sizeof t, v->residual_db, 2, 0),
                           rp_fx(u, sizeof u, v->off_pred_db, 2, 0));
        }
    }
    row_end(b);
}

static void summary(hp_sbuf *b, const hp_report *r)
{
    const hp_session *s = &r->s;
    char t[64], u[64];
    hp_sbuf_puts(b, "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"scroll\">"
                    "<table class=\"summary\"><tbody>\n");
    row_begin(b, "headphone", "Headphone");
    rp_t(b, s->name[0] ? s->name : "(no name given)");
    row_end(b);
    row_begin(b, "measured", "Measured");
    rp_t(b, s->created[0] ? s->created : "n/a");
    hp_sbuf_printf(b, "; %zu placement%s done of %u planned", r->np, r->np == 1 ? "" : "s",
                   s->planned);
    row_end(b);
    row_begin(b, "devices", "Devices");
    hp_sbuf_puts(b, "playback ");
    rp_t(b, s->playback[0] ? s->playback : "n/a");
    hp_sbuf_puts(b, ", capture ");
    rp_t(b, s->capture[0] ? s->capture : "n/a");
    if (s->format[0]) {
        hp_sbuf_puts(b, "; ");
        rp_t(b, s->format);
    }
    if (s->inputs)
        hp_sbuf_printf(b, ", %u input%s", s->inputs, s->inputs == 1 ? "" : "s");
    if (s->ref_channel)
        hp_sbuf_printf(b, "; loopback reference on input %d", s->ref_channel);
    row_end(b);
    row_begin(b, "rate", "Sample rate");
    hp_sbuf_printf(b, "%u Hz", s->rate);
    row_end(b);
    row_begin(b, "sweep", "Sweep");
    hp_sbuf_printf(b, "%s" DASH "%s Hz", rp_fx(t, sizeof t, s->f1_hz, 0, 0),
                   rp_fx(u, sizeof u, s->f2_hz, 0, 0));
    if (s->sweep_samples)
        hp_sbuf_printf(b, ", %zu samples (%s s)", s->sweep_samples,
                       rp_fx(t, sizeof t, (double)s->sweep_samples / s->rate, 3, 0));
    hp_sbuf_printf(b, ", peak %s dBFS", rp_fx(t, sizeof t, s->level_dbfs, 1, 0));
    row_end(b);
    row_begin(b, "calibration", "Calibration");
    if (!s->profile[0] && !s->mic_cal[0] && !s->compensation[0])
        hp_sbuf_puts(b, "none (levels in dB re full scale)");
    const char *cal[3][2] = {{"rig profile ", s->profile}, {"microphone ", s->mic_cal},
                             {"compensation ", s->compensation}};
    for (int i = 0, n = 0; i < 3; i++)
        if (cal[i][1][0]) {
            hp_sbuf_puts(b, n++ ? "; " : "");
            hp_sbuf_puts(b, cal[i][0]);
            rp_t(b, cal[i][1]);
        }
    row_end(b);
    row_latency(b, r);
    row_begin(b, "snr", "SNR (recording, per microphone)");
    per_ear(b, r, f_snr, 0, 1, "dB");
    row_end(b);
    row_begin(b, "pnr", "Peak-to-noise (impulse response)");
    per_ear(b, r, f_pnr, 0, 1, "dB");
    row_end(b);
    row_begin(b, "thd100", "THD at 100 Hz (mean of the placements)");
    per_ear(b, r, f_thd100, 1, 3, "%");
    row_end(b);
    row_begin(b, "thd1k", "THD at 1 kHz (mean of the placements)");
    per_ear(b, r, f_thd1k, 1, 3, "%");
    row_end(b);
    row_begin(b, "imbalance", "L/R imbalance");
    if (isfinite(r->imbalance_db))
        hp_sbuf_printf(b, "%s dB (%s; mean of L-R over 20 Hz-20 kHz, placements averaged); "
                          "mean |L-R| %s dB",
                       rp_fx(t, sizeof t, r->imbalance_db, 2, 1),
                       r->imbalance_db >= 0 ? "left louder" : "right louder",
                       rp_fx(u, sizeof u, r->imbalance_abs_db, 2, 0));
    else {
        hp_sbuf_puts(b, "n/a: ");
        rp_t(b, r->imbalance_note);
    }
    row_end(b);
    row_spread(b, r);
    row_leak(b, r);
    row_begin(b, "seal", "Seal verdict");
    if (r->leak.verdict[0]) {
        hp_sbuf_puts(b, "<span class=\"verdict\">");
        rp_t(b, r->leak.verdict);
        hp_sbuf_puts(b, "</span>");
    } else if (r->leak.dir)
        hp_sbuf_puts(b, "n/a (not in the leak analysis read)");
    else
        not_run(b, r, "hpfr leak");
    row_end(b);
    row_eq(b, r);
    hp_sbuf_puts(b, "</tbody></table></div>\n</section>\n");
}

/* ---- placements ---- */

static const char *leak_corner(const hp_report *r, int index, const char *ear, char *buf,
                               size_t size)
{
    char idx[32];
    snprintf(idx, sizeof idx, "%d", index);
    for (size_t i = 0; i < r->leak.n; i++)
        if (!strcmp(r->leak.row[i].placement, idx) && !strcmp(r->leak.row[i].ear, ear))
            return rp_fx(buf, size, r->leak.row[i].corner, 1, 0);
    return "n/a";
}

static void placements_table(hp_sbuf *b, const hp_report *r, const char *out_dir)
{
    int drift = 0;
    for (size_t i = 0; i < r->np; i++)
        drift |= isfinite(r->pl[i].drift_ppm);
    int leak = r->leak.n > 0;
    hp_sbuf_puts(b, "<section id=\"placements\"><h2>Placements</h2>\n<div class=\"scroll\">"
                    "<table class=\"placements\"><thead><tr><th>Placement</th><th>Captured (UTC)"
                    "</th><th>Latency (frames)</th>");
    const char *heads[] = {"Peak-to-noise", "SNR", "THD 1 kHz"};
    const char *units[] = {"dB", "dB", "%"};
    for (size_t h = 0; h < 3; h++)
        for (size_t k = 0; k < r->nears; k++)
            hp_sbuf_printf(b, "<th>%s %s (%s)</th>", heads[h], r->ear[k], units[h]);
    if (leak)
        for (size_t k = 0; k < r->nears; k++)
            hp_sbuf_printf(b, "<th>Leak corner %s (Hz)</th>", r->ear[k]);
    hp_sbuf_puts(b, "<th>Xruns</th>");
    if (drift)
        hp_sbuf_puts(b, "<th>Drift (ppm)</th>");
    hp_sbuf_puts(b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < r->np; i++) {
        const hp_rep_place *p = &r->pl[i];
        char t[64], label[32];
        snprintf(label, sizeof label, "%d", p->index);
        hp_sbuf_printf(b, "<tr id=\"p-%d\"><td>", p->index);
        rp_link(b, out_dir, p->dir, label);
        hp_sbuf_puts(b, "</td><td class=\"captured\">");
        rp_t(b, p->captured[0] ? p->captured : "n/a");
        hp_sbuf_printf(b, "</td><td class=\"n\">%s</td>",
                       p->latency_frames >= 0 ? rp_fx(t, sizeof t, (double)p->latency_frames, 0, 0)
                                              : "n/a");
        const double *v[] = {p->pnr_db, p->snr_db, p->thd1k};
        const int dec[] = {1, 1, 3};
        for (size_t h = 0; h < 3; h++)
            for (size_t k = 0; k < r->nears; k++)
                hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, v[h][k], dec[h], 0));
        for (size_t k = 0; leak && k < r->nears; k++)
            hp_sbuf_printf(b, "<td class=\"n leak-%s\">%s</td>", r->ear[k],
                           leak_corner(r, p->index, r->ear[k], t, sizeof t));
        hp_sbuf_printf(b, "<td class=\"n\">%u</td>", p->xruns);
        if (drift)
            hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, p->drift_ppm, 3, 0));
        hp_sbuf_puts(b, "</tr>\n");
    }
    hp_sbuf_puts(b, "</tbody></table></div>\n</section>\n");
}

/* ---- responses and the placement statistics ---- */

static void average_part(hp_sbuf *b, const hp_report *r)
{
    const hp_rep_avg *a = &r->avg;
    char t[64];
    hp_sbuf_puts(b, "<h3 id=\"average\">Placement statistics</h3>\n");
    if (!a->dir) {
        hp_sbuf_puts(b, "<p class=\"missing\">Not computed: <code>hpfr average ");
        rp_t(b, r->session);
        hp_sbuf_puts(b, "</code> writes the power average, standard deviation and outliers.</p>\n");
        return;
    }
    if (a->problem)
        rp_missing(b, a->problem);
    if (a->nch) {
        size_t nb = a->ch[0].nband;
        hp_sbuf_puts(b, "<div class=\"scroll\"><table class=\"average\"><thead><tr><th>Channel</th>");
        for (size_t j = 0; j < nb; j++) {
            hp_sbuf_puts(b, "<th>Consistency ");
            rp_t(b, a->ch[0].band[j]);
            hp_sbuf_puts(b, " Hz (dB)</th>");
        }
        hp_sbuf_puts(b, "<th>Bass level SD (dB)</th><th>Bass level range (dB)</th></tr></thead><tbody>\n");
        for (size_t c = 0; c < a->nch; c++) {
            hp_sbuf_puts(b, "<tr><td>");
            rp_t(b, a->ch[c].ch);
            hp_sbuf_puts(b, "</td>");
            for (size_t j = 0; j < nb; j++)
                hp_sbuf_printf(b, "<td class=\"n\">%s</td>",
                               j < a->ch[c].nband ? rp_fx(t, sizeof t, a->ch[c].consistency[j], 2, 0) : "n/a");
            hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, a->ch[c].bass_std, 2, 0));
            hp_sbuf_printf(b, "<td class=\"n\">%s</td></tr>\n", rp_fx(t, sizeof t, a->ch[c].bass_range, 2, 0));
        }
        hp_sbuf_puts(b, "</tbody></table></div>\n");
    }
    if (isfinite(a->balance_db))
        hp_sbuf_printf(b, "<p>Balance from the statistics: mean L-R %s dB.</p>\n",
                       rp_fx(t, sizeof t, a->balance_db, 2, 1));
    hp_sbuf_puts(b, "<p>Outliers: ");
    if (!a->noutlier)
        hp_sbuf_puts(b, "none.</p>\n");
    else {
        hp_sbuf_puts(b, "</p><ul>\n");
        for (size_t i = 0; i < a->noutlier; i++) {
            hp_sbuf_puts(b, "<li>");
            rp_t(b, a->outlier[i]);
            hp_sbuf_puts(b, "</li>\n");
        }
        hp_sbuf_puts(b, "</ul>\n");
    }
    rp_figure(b, &a->fig, "fig-average", "the power average per channel, with one standard "
                                         "deviation either side and the min-max band");
}

static void response(hp_sbuf *b, const hp_report *r)
{
    hp_sbuf_puts(b, "<section id=\"response\"><h2>Frequency response</h2>\n");
    rp_figure(b, &r->fig_placements, "fig-placements",
              "every placement per ear, their mean and min-max band");
    if (r->nears == 2)
        rp_figure(b, &r->fig_balance, "fig-balance", "left minus right per placement and their mean");
    average_part(b, r);
    hp_sbuf_puts(b, "</section>\n");
}

/* ---- leak and seal ---- */

static void leak_section(hp_sbuf *b, const hp_report *r)
{
    const hp_rep_leak *l = &r->leak;
    char t[64];
    hp_sbuf_puts(b, "<section id=\"leak\"><h2>Leak and seal</h2>\n");
    if (!l->dir) {
        hp_sbuf_puts(b, "<p class=\"missing\">Not computed: <code>hpfr leak ");
        rp_t(b, r->session);
        hp_sbuf_puts(b, "</code> fits each placement's leak and gives the seal verdict.</p>\n"
                        "</section>\n");
        return;
    }
    if (l->problem)
        rp_missing(b, l->problem);
    if (l->verdict[0]) {
        hp_sbuf_puts(b, "<p>Seal: <span class=\"verdict\">");
        rp_t(b, l->verdict);
        hp_sbuf_puts(b, "</span></p>\n");
    }
    if (l->nev) {
        hp_sbuf_puts(b, "<ul>\n");
        for (size_t i = 0; i < l->nev; i++) {
            hp_sbuf_puts(b, "<li>");
            rp_t(b, l->evidence[i]);
            hp_sbuf_puts(b, "</li>\n");
        }
        hp_sbuf_puts(b, "</ul>\n");
    }
    if (l->nref) {
        hp_sbuf_puts(b, "<p>Curves relative to the best-sealed placement: ");
        for (size_t i = 0; i < l->nref; i++) {
            hp_sbuf_puts(b, i ? ", " : "");
            rp_t(b, l->ref[i][0]);
            hp_sbuf_puts(b, " placement ");
            rp_t(b, l->ref[i][1]);
        }
        hp_sbuf_puts(b, ".</p>\n");
    }
    if (l->n) {
        hp_sbuf_puts(b, "<div class=\"scroll\"><table class=\"leak\"><thead><tr><th>Placement</th>"
                        "<th>Ear</th><th>Model</th><th>Corner (Hz)</th><th>f0 (Hz)</th><th>Q</th>"
                        "<th>Loss 20 Hz (dB)</th><th>Loss 50 Hz (dB)</th><th>Loss 100 Hz (dB)</th>"
                        "<th>Residual (dB)</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < l->n; i++) {
            const hp_rep_leakrow *w = &l->row[i];
            hp_sbuf_puts(b, "<tr><td>");
            rp_t(b, w->placement);
            hp_sbuf_puts(b, "</td><td>");
            rp_t(b, w->ear);
            hp_sbuf_puts(b, "</td><td>");
            rp_t(b, w->model);
            hp_sbuf_printf(b, "</td><td class=\"n\">%s</td>", rp_fx(t, sizeof t, w->corner, 1, 0));
            hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, w->f0, 1, 0));
            hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, w->q, 2, 0));
            for (int k = 0; k < 3; k++)
                hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, w->loss[k], 2, 0));
            hp_sbuf_printf(b, "<td class=\"n\">%s</td></tr>\n", rp_fx(t, sizeof t, w->resid, 3, 0));
        }
        hp_sbuf_puts(b, "</tbody></table></div>\n");
        rp_figure(b, &l->fig, "fig-leak", "each placement's leak curve with its fitted model");
    }
    hp_sbuf_puts(b, "</section>\n");
}

/* ---- EQ ---- */

static const char *filter_type(hp_biquad_type t)
{
    return t == HP_BQ_LOWSHELF ? "low shelf" : t == HP_BQ_HIGHSHELF ? "high shelf" : "peaking";
}

/* What each exported file is for (formats/eqexport.h), by name. */
static const char *profile_kind(const char *name)
{
    static const char *const known[][2] = {
        {"ParametricEQ.txt", "EqualizerAPO parametric (also PipeWire, EasyEffects, most apps)"},
        {"GraphicEQ.txt", "EqualizerAPO GraphicEQ, Wavelet"},
        {"eq.csv", "AutoEq CSV: response, target and correction"},
        {"pipewire-filter-chain.conf", "PipeWire filter-chain"},
        {"easyeffects.json", "EasyEffects preset"},
        {"camilladsp.yml", "CamillaDSP"},
        {"sox-effects.txt", "sox effects"},
        {"rew.txt", "REW filter settings"},
        {"summary.json", "the fit's figures"},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(name, known[i][0]))
            return known[i][1];
    if (!strncmp(name, "fir-", 4))
        return "convolution FIR (WAV)";
    if (!strncmp(name, "eq-", 3))
        return "AutoEq CSV of one channel";
    return "";
}

static void eq_section(hp_sbuf *b, const hp_report *r, const char *out_dir)
{
    const hp_rep_eq *q = &r->eq;
    char t[64], u[64], w[64];
    hp_sbuf_puts(b, "<section id=\"eq\"><h2>EQ</h2>\n");
    if (!q->dir) {
        hp_sbuf_puts(b, "<p class=\"missing\">No EQ: <code>hpfr eq ");
        rp_t(b, r->session);
        hp_sbuf_puts(b, " -o ");
        rp_t(b, r->session);
        hp_sbuf_puts(b, "/eq</code> fits one (or give its directory with <code>--eq DIR</code>).</p>\n"
                        "</section>\n");
        return;
    }
    if (q->problem)
        rp_missing(b, q->problem);
    if (q->target[0]) {
        hp_sbuf_puts(b, "<p>Target: ");
        rp_t(b, q->target);
        hp_sbuf_puts(b, ".</p>\n");
    }
    for (size_t c = 0; q->have_apo && c < q->apo.nch; c++) {
        const hp_peq *p = &q->apo.peq[c];
        hp_sbuf_puts(b, "<h3>");
        if (q->apo.nch > 1) {
            hp_sbuf_puts(b, "Channel ");
            rp_t(b, q->apo.ch[c]);
        } else
            hp_sbuf_puts(b, "Filters");
        hp_sbuf_printf(b, "</h3>\n<p id=\"preamp-%zu\">Preamp %s dB</p>\n", c,
                       rp_fx(t, sizeof t, p->preamp_db, 1, 0));
        hp_sbuf_puts(b, "<div class=\"scroll\"><table class=\"filters\"><thead><tr><th>#</th>"
                        "<th>Type</th><th>Fc (Hz)</th><th>Gain (dB)</th><th>Q</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < p->n; i++)
            hp_sbuf_printf(b, "<tr><td>%zu</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">"
                              "%s</td><td class=\"n\">%s</td></tr>\n",
                           i + 1, filter_type(p->f[i].type), rp_fx(t, sizeof t, p->f[i].fc_hz, 0, 0),
                           rp_fx(u, sizeof u, p->f[i].gain_db, 1, 0),
                           rp_fx(w, sizeof w, p->f[i].q, 2, 0));
        hp_sbuf_puts(b, "</tbody></table></div>\n");
    }
    if (q->nch) {
        hp_sbuf_puts(b, "<div class=\"scroll\"><table class=\"fit\"><thead><tr><th>Channel</th>"
                        "<th>RMS error before (dB)</th><th>after (dB)</th><th>Largest boost (dB)"
                        "</th><th>Preference before</th><th>after</th></tr></thead><tbody>\n");
        for (size_t c = 0; c < q->nch; c++) {
            const hp_rep_eqch *h = &q->ch[c];
            hp_sbuf_puts(b, "<tr><td>");
            rp_t(b, h->ch);
            const double v[] = {h->rms_before, h->rms_after, h->max_boost, h->pref_before,
                                h->pref_after};
            const int dec[] = {2, 2, 1, 0, 0};
            hp_sbuf_puts(b, "</td>");
            for (int k = 0; k < 5; k++)
                hp_sbuf_printf(b, "<td class=\"n\">%s</td>", rp_fx(t, sizeof t, v[k], dec[k], 0));
            hp_sbuf_puts(b, "</tr>\n");
        }
        hp_sbuf_puts(b, "</tbody></table></div>\n");
    }
    int fir = 0;
    for (size_t i = 0; i < q->nfile; i++)
        fir |= !strncmp(q->file[i], "fir-", 4);
    if (q->have_apo)
        rp_figure(b, &q->fig, "fig-eq", fir ? "each filter, their sum and the FIRs' response"
                                            : "each filter and their sum, with the preamp");
    if (q->fig_fr.svg || q->fig_fr.note)
        rp_figure(b, &q->fig_fr, "fig-eq-fr", "the response, the target and the equalized response");
    hp_sbuf_puts(b, "<h3 id=\"profiles\">Exported profiles</h3>\n");
    if (!q->nfile)
        hp_sbuf_puts(b, "<p>none</p>\n");
    else {
        hp_sbuf_puts(b, "<ul class=\"profiles\">\n");
        for (size_t i = 0; i < q->nfile; i++) {
            char *path = malloc(strlen(q->dir) + strlen(q->file[i]) + 2);
            if (!path) {
                b->err = HP_ENOMEM;
                break;
            }
            sprintf(path, "%s/%s", q->dir, q->file[i]);
            hp_sbuf_puts(b, "<li>");
            rp_link(b, out_dir, path, q->file[i]);
            const char *kind = profile_kind(q->file[i]);
            if (*kind)
                hp_sbuf_printf(b, ": %s", kind);
            hp_sbuf_puts(b, "</li>\n");
            free(path);
        }
        hp_sbuf_puts(b, "</ul>\n");
    }
    hp_sbuf_puts(b, "</section>\n");
}

/* ---- each placement ---- */

static void each_placement(hp_sbuf *b, const hp_report *r)
{
    hp_sbuf_puts(b, "<section id=\"each\"><h2>Each placement</h2>\n");
    for (size_t i = 0; i < r->np; i++) {
        const hp_rep_place *p = &r->pl[i];
        char cap[3][80], id[3][40];
        hp_sbuf_printf(b, "<details id=\"placement-%d\"%s><summary>Placement %d", p->index,
                       i == 0 ? " open" : "", p->index);
        if (p->captured[0]) {
            hp_sbuf_puts(b, ", captured ");
            rp_t(b, p->captured);
        }
        hp_sbuf_puts(b, "</summary>\n");
        snprintf(cap[0], sizeof cap[0], "placement %d: frequency response", p->index);
        snprintf(cap[1], sizeof cap[1], "placement %d: harmonic distortion", p->index);
        snprintf(cap[2], sizeof cap[2], "placement %d: impulse response", p->index);
        snprintf(id[0], sizeof id[0], "fig-fr-%d", p->index);
        snprintf(id[1], sizeof id[1], "fig-thd-%d", p->index);
        snprintf(id[2], sizeof id[2], "fig-ir-%d", p->index);
        rp_figure(b, &p->fr, id[0], cap[0]);
        rp_figure(b, &p->thd, id[1], cap[1]);
        rp_figure(b, &p->ir, id[2], cap[2]);
        hp_sbuf_puts(b, "</details>\n");
    }
    hp_sbuf_puts(b, "</section>\n");
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

hp_err hp_rep_html(const hp_report *r, const char *out_path, const char *now,
                   const char *generator, hp_sbuf *b)
{
    if (!r || !out_path || !b)
        return HP_EINVAL;
    char *out_dir = dir_of(out_path), *sj = malloc(strlen(r->session) + 16);
    if (!out_dir || !sj) {
        free(out_dir);
        free(sj);
        return HP_ENOMEM;
    }
    sprintf(sj, "%s/session.json", r->session);
    char title[400], name[256];
    const char *shown = display_name(r, name, sizeof name);
    snprintf(title, sizeof title, "%s: hpfr measurement report", shown);
    rp_head(b, title);
    hp_sbuf_puts(b, "<header><h1>");
    rp_t(b, shown);
    hp_sbuf_puts(b, "</h1>\n<p class=\"sub\">Measurement report of the session ");
    rp_link(b, out_dir, sj, r->session);
    if (r->s.created[0]) {
        hp_sbuf_puts(b, ", started ");
        rp_t(b, r->s.created);
    }
    hp_sbuf_puts(b, "</p></header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#placements\">"
                    "Placements</a><a href=\"#response\">Response</a><a href=\"#leak\">Leak and "
                    "seal</a><a href=\"#eq\">EQ</a><a href=\"#each\">Each placement</a>");
    if (r->nwarn)
        hp_sbuf_puts(b, "<a href=\"#warnings\">Warnings</a>");
    hp_sbuf_puts(b, "</nav>\n");
    summary(b, r);
    placements_table(b, r, out_dir);
    response(b, r);
    leak_section(b, r);
    eq_section(b, r, out_dir);
    each_placement(b, r);
    if (r->nwarn) {
        hp_sbuf_puts(b, "<section id=\"warnings\"><h2>Warnings</h2>\n<ul>\n");
        for (size_t i = 0; i < r->nwarn; i++) {
            hp_sbuf_puts(b, "<li>");
            rp_t(b, r->warn[i]);
            hp_sbuf_puts(b, "</li>\n");
        }
        hp_sbuf_puts(b, "</ul>\n</section>\n");
    }
    hp_sbuf_puts(b, "<footer>Made by ");
    rp_t(b, generator ? generator : "hpfr");
    if (now) {
        hp_sbuf_puts(b, " on ");
        rp_t(b, now);
    }
    hp_sbuf_puts(b, ". Self-contained: every plot is inline; links point to the session's "
                    "files beside this page.</footer>\n</main>\n</body>\n</html>\n");
    free(out_dir);
    free(sj);
    return hp_sbuf_err(b);
}
