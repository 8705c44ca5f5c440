/* SPDX-License-Identifier: MIT */
/* gnuplot data and script for a figure. Curves go to one data file, one block per curve, so a
 * user restyling the kept script sees plain columns; the script sets everything it relies on
 * explicitly per panel, so panels do not inherit each other's settings. */
#include "gpwrite.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static const double freq_ticks[] = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000};
static const char *const freq_labels[] = {"10", "20", "50", "100", "200", "500",
                                          "1k", "2k", "5k", "10k", "20k"};
static const double freq_minor[] = {30,   40,   60,   70,   80,   90,   300,  400,  600,
                                    700,  800,  900,  3000, 4000, 6000, 7000, 8000, 9000};

static int point_ok(const hp_ppanel *p, const hp_pseries *s, size_t j)
{
    double x = s->x[j], y = s->y[j];
    if (!isfinite(x) || (p->xkind == HP_PX_FREQ && x <= 0) || !isfinite(y))
        return 0;
    if (p->ykind == HP_PY_LOG && y <= 0)
        return 0;
    if (s->kind == HP_PS_BAND) {
        double y2 = s->y2[j];
        if (!isfinite(y2) || (p->ykind == HP_PY_LOG && y2 <= 0))
            return 0;
    }
    return 1;
}

static int drawable(const hp_ppanel *p, const hp_pseries *s)
{
    for (size_t j = 0; j < s->n; j++)
        if (point_ok(p, s, j))
            return 1;
    return 0;
}

/* Text for a comment line: the same sanitising as a quoted string, without the quotes. */
static void comment_text(hp_sbuf *b, const char *s)
{
    hp_sbuf q = {0};
    hp_sbuf_gpstr(&q, s);
    if (hp_sbuf_err(&q) == HP_OK && q.len >= 2)
        hp_sbuf_put(b, q.p + 1, q.len - 2);
    else if (hp_sbuf_err(&q) != HP_OK)
        b->err = q.err;
    hp_sbuf_release(&q);
}

hp_err hp_pfig_data(const hp_pfig *f, hp_sbuf *out)
{
    if (!f || !out)
        return HP_EINVAL;
    size_t block = 0;
    for (unsigned i = 0; i < f->rows * f->cols; i++) {
        const hp_ppanel *p = &f->panel[i];
        for (size_t k = 0; k < p->ns; k++) {
            const hp_pseries *s = &p->s[k];
            if (!drawable(p, s))
                continue;
            if (block)
                hp_sbuf_puts(out, "\n\n");
            hp_sbuf_printf(out, "# block %zu: panel %u, ", block, i + 1);
            comment_text(out, s->title ? s->title : "(no legend entry)");
            hp_sbuf_puts(out, s->kind == HP_PS_BAND ? "\n# x lo hi\n" : "\n# x y\n");
            int gap = 0, any = 0;
            for (size_t j = 0; j < s->n; j++) {
                if (!point_ok(p, s, j)) {
                    gap = any;
                    continue;
                }
                if (gap)
                    hp_sbuf_puts(out, "\n");
                gap = 0;
                any = 1;
                hp_sbuf_num(out, s->x[j]);
                hp_sbuf_puts(out, " ");
                hp_sbuf_num(out, s->y[j]);
                if (s->kind == HP_PS_BAND) {
                    hp_sbuf_puts(out, " ");
                    hp_sbuf_num(out, s->y2[j]);
                }
                hp_sbuf_puts(out, "\n");
            }
            block++;
        }
    }
    return hp_sbuf_err(out);
}

static void terminal(hp_sbuf *b, const hp_pterm *t)
{
    /* noenhanced everywhere: no user text is ever read as enhanced-text markup. */
    switch (t->kind) {
    case HP_PT_PNG:
        hp_sbuf_printf(b, "set terminal pngcairo noenhanced size %u,%u font 'Sans,12' "
                          "linewidth 1.2 background rgb 'white'\n", t->width, t->height);
        break;
    case HP_PT_SVG:
        hp_sbuf_printf(b, "set terminal svg noenhanced size %u,%u fixed font 'Sans,13' "
                          "linewidth 1.2 background rgb 'white'\n", t->width, t->height);
        break;
    case HP_PT_HTML:
        hp_sbuf_printf(b, "set terminal canvas noenhanced standalone mousing size %u,%u "
                          "font 'Sans,12' linewidth 1.2\n", t->width, t->height);
        break;
    }
}

static void color(hp_sbuf *b, hp_pstyle st)
{
    double op = st.opacity < 0 ? 0 : st.opacity > 1 ? 1 : st.opacity;
    unsigned alpha = (unsigned)lround((1 - op) * 255);
    const char *rgb = hp_pcolor_rgb(st.color);
    if (alpha)
        hp_sbuf_printf(b, "lc rgb '#%02X%s'", alpha, rgb + 1);
    else
        hp_sbuf_printf(b, "lc rgb '%s'", rgb);
}

static void x_axis(hp_sbuf *b, const hp_ppanel *p)
{
    if (p->xkind == HP_PX_FREQ) {
        double lo, hi;
        hp_ppanel_freq_range(p, &lo, &hi);
        /* a hair wider: gnuplot 5.4 drops a tick that sits exactly on a log axis's decade end */
        hp_sbuf_puts(b, "set logscale x 10\nset xrange [");
        hp_sbuf_num(b, lo * (1 - 1e-9));
        hp_sbuf_puts(b, ":");
        hp_sbuf_num(b, hi * (1 + 1e-9));
        hp_sbuf_puts(b, "]\nset xtics (");
        for (size_t i = 0; i < sizeof freq_ticks / sizeof *freq_ticks; i++) {
            hp_sbuf_printf(b, "%s'%s' ", i ? ", " : "", freq_labels[i]);
            hp_sbuf_num(b, freq_ticks[i]);
        }
        hp_sbuf_puts(b, ")\nset xtics add (");
        for (size_t i = 0; i < sizeof freq_minor / sizeof *freq_minor; i++) {
            hp_sbuf_puts(b, i ? ", '' " : "'' ");
            hp_sbuf_num(b, freq_minor[i]);
            hp_sbuf_puts(b, " 1");
        }
        hp_sbuf_puts(b, ")\n");
    } else {
        hp_sbuf_puts(b, "set xrange [");
        hp_sbuf_num(b, p->xmin);
        hp_sbuf_puts(b, ":");
        hp_sbuf_num(b, p->xmax);
        hp_sbuf_puts(b, "]\nset xtics autofreq\nset mxtics default\n");
    }
    hp_sbuf_puts(b, "set xlabel ");
    hp_sbuf_gpstr(b, p->xlabel);
    hp_sbuf_puts(b, "\n");
}

static void y_axis(hp_sbuf *b, const hp_ppanel *p)
{
    switch (p->ykind) {
    case HP_PY_DB:
        hp_sbuf_puts(b, "set yrange [");
        hp_sbuf_num(b, p->ymin);
        hp_sbuf_puts(b, ":");
        hp_sbuf_num(b, p->ymax);
        hp_sbuf_puts(b, "]\nset ytics ");
        hp_sbuf_num(b, p->ystep);
        hp_sbuf_puts(b, " format '%g'\n");
        break;
    case HP_PY_LOG:
        hp_sbuf_puts(b, "set logscale y 10\nset yrange [");
        hp_sbuf_num(b, p->ymin);
        hp_sbuf_puts(b, ":");
        hp_sbuf_num(b, p->ymax);
        hp_sbuf_puts(b, "]\nset ytics (");
        for (double d = round(log10(p->ymin)); d <= round(log10(p->ymax)); d++) {
            double v = pow(10, d);
            hp_sbuf_puts(b, d > round(log10(p->ymin)) ? ", '" : "'");
            hp_sbuf_num(b, v);
            hp_sbuf_puts(b, "' ");
            hp_sbuf_num(b, v);
        }
        hp_sbuf_puts(b, ")\n");
        break;
    case HP_PY_LINEAR:
        if (p->ymin < p->ymax) {
            hp_sbuf_puts(b, "set yrange [");
            hp_sbuf_num(b, p->ymin);
            hp_sbuf_puts(b, ":");
            hp_sbuf_num(b, p->ymax);
            hp_sbuf_puts(b, "]\n");
        } else {
            hp_sbuf_puts(b, "set autoscale y\n");
        }
        hp_sbuf_puts(b, "set ytics autofreq format '%g'\n");
        break;
    }
    hp_sbuf_puts(b, "set ylabel ");
    hp_sbuf_gpstr(b, p->ylabel);
    hp_sbuf_puts(b, "\n");
}

static int mark_visible(const hp_ppanel *p, double x)
{
    if (p->xkind == HP_PX_FREQ) {
        double lo, hi;
        hp_ppanel_freq_range(p, &lo, &hi);
        return x > lo && x < hi;
    }
    return x > p->xmin && x < p->xmax;
}

static void marks(hp_sbuf *b, const hp_ppanel *p)
{
    /* Labels hang from the top, left of their line; a mark close to the previous one puts
     * its label on the right so the two do not overprint. */
    double flo, fhi;
    hp_ppanel_freq_range(p, &flo, &fhi);
    double span = p->xkind == HP_PX_FREQ ? log10(fhi / flo) : p->xmax - p->xmin, prev = NAN;
    double last = -INFINITY;
    for (size_t done = 0; done < p->nmark; done++) {
        /* left to right: the next mark after `last` (marks are few) */
        const hp_pmark *m = NULL;
        for (size_t i = 0; i < p->nmark; i++)
            if (p->mark[i].x > last && (!m || p->mark[i].x < m->x))
                m = &p->mark[i];
        if (!m)
            break;
        last = m->x;
        if (!mark_visible(p, m->x))
            continue;
        double pos = p->xkind == HP_PX_FREQ ? log10(m->x) : m->x;
        int right = isfinite(prev) && fabs(pos - prev) < 0.04 * span;
        prev = pos;
        hp_sbuf_puts(b, "set arrow from first ");
        hp_sbuf_num(b, m->x);
        hp_sbuf_puts(b, ", graph 0 to first ");
        hp_sbuf_num(b, m->x);
        hp_sbuf_puts(b, ", graph 1 nohead dt 2 lw 1 lc rgb '#555555' front\n");
        if (m->label && *m->label) {
            hp_sbuf_puts(b, "set label ");
            hp_sbuf_gpstr(b, m->label);
            hp_sbuf_puts(b, " at first ");
            hp_sbuf_num(b, m->x);
            hp_sbuf_printf(b, ", graph 0.97 rotate by 90 right offset %s,0 tc rgb '#555555' front\n",
                           right ? "1.3" : "-0.7");
        }
    }
}

static void plot_cmd(hp_sbuf *b, const hp_ppanel *p, size_t *block)
{
    int first = 1;
    hp_sbuf_puts(b, "plot ");
    for (size_t k = 0; k < p->ns; k++) {
        const hp_pseries *s = &p->s[k];
        if (!drawable(p, s))
            continue;
        hp_sbuf_printf(b, "%sdata index %zu ", first ? "" : ", \\\n     ", *block);
        if (s->kind == HP_PS_BAND) {
            double op = s->style.opacity < 0 ? 0 : s->style.opacity > 1 ? 1 : s->style.opacity;
            hp_sbuf_printf(b, "using 1:2:3 with filledcurves fc rgb '%s' fs transparent solid ",
                           hp_pcolor_rgb(s->style.color));
            hp_sbuf_num(b, op);
            hp_sbuf_puts(b, " noborder");
        } else {
            hp_sbuf_puts(b, "using 1:2 with lines lw ");
            hp_sbuf_num(b, s->style.width > 0 ? s->style.width : 1);
            hp_sbuf_printf(b, " dt %d ", s->style.dash >= 1 && s->style.dash <= 5 ? s->style.dash : 1);
            color(b, s->style);
        }
        if (s->title) {
            hp_sbuf_puts(b, " title ");
            hp_sbuf_gpstr(b, s->title);
        } else {
            hp_sbuf_puts(b, " notitle");
        }
        first = 0;
        ++*block;
    }
    hp_sbuf_puts(b, "\n");
}

static int panel_drawable(const hp_ppanel *p)
{
    for (size_t k = 0; k < p->ns; k++)
        if (drawable(p, &p->s[k]))
            return 1;
    return 0;
}

hp_err hp_pfig_script(const hp_pfig *f, const hp_pterm *t, const char *output, const char *data,
                      const char *about, hp_sbuf *b)
{
    if (!f || !t || !output || !data || !b || t->width < 1 || t->height < 1)
        return HP_EINVAL;
    for (unsigned i = 0; i < f->rows * f->cols; i++) {
        const hp_ppanel *p = &f->panel[i];
        if (!panel_drawable(p))
            return HP_ENODATA;
        if ((p->ykind == HP_PY_DB || p->ykind == HP_PY_LOG) &&
            !(p->ymin < p->ymax && p->ystep > 0))
            return HP_EINVAL;
        if (p->xkind == HP_PX_LINEAR && !(p->xmin < p->xmax))
            return HP_EINVAL;
    }
    hp_sbuf_puts(b, "# ");
    comment_text(b, about ? about : "hpfr plot");
    hp_sbuf_puts(b, "\n# Restyle, then rerun from this directory: gnuplot THIS-FILE.gp\n"
                    "# The data file holds one block per curve (gnuplot 'index N'), "
                    "each headed by a comment.\n");
    hp_sbuf_puts(b, "set encoding utf8\n");
    terminal(b, t);
    hp_sbuf_puts(b, "set output ");
    hp_sbuf_gpstr(b, output);
    hp_sbuf_puts(b, "\ndata = ");
    hp_sbuf_gpstr(b, data);
    hp_sbuf_puts(b, "\nset datafile commentschars '#'\n"
                    "set border lw 1 lc rgb '#404040'\n"
                    "# legends outside the plot area, so they never cover a curve\n");
    if (f->cols > 1)
        hp_sbuf_puts(b, "set key below horizontal Left reverse noopaque samplen 2.5 spacing 1.1\n");
    else
        hp_sbuf_puts(b, "set key outside right top vertical Left reverse noopaque samplen 2.5 "
                        "spacing 1.1 width 1\n");
    hp_sbuf_puts(b, "# the same left margin in every panel keeps stacked x axes aligned\n"
                    "set lmargin 10\n");
    hp_sbuf_printf(b, "set multiplot layout %u,%u", f->rows, f->cols);
    if (f->title) {
        hp_sbuf_puts(b, " title ");
        hp_sbuf_gpstr(b, f->title);
        hp_sbuf_puts(b, " font ',15'");
    }
    hp_sbuf_puts(b, "\n");
    size_t block = 0;
    for (unsigned i = 0; i < f->rows * f->cols; i++) {
        const hp_ppanel *p = &f->panel[i];
        hp_sbuf_printf(b, "\n# panel %u\n", i + 1);
        hp_sbuf_puts(b, "unset logscale\nunset arrow\nunset label\nunset mxtics\nunset mytics\n"
                        "set title ");
        hp_sbuf_gpstr(b, p->title);
        hp_sbuf_puts(b, "\n");
        x_axis(b, p);
        y_axis(b, p);
        hp_sbuf_puts(b, "set grid xtics mxtics ytics lt 1 dt 1 lw 1 lc rgb '#d4d4d4', lt 1 dt 1 lw 1 lc rgb '#ececec'\n");
        marks(b, p);
        plot_cmd(b, p, &block);
    }
    hp_sbuf_puts(b, "unset multiplot\n");
    return hp_sbuf_err(b);
}
