/* SPDX-License-Identifier: MIT */
/* Figure model and automatic axis ranges. */
#include "pfig.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FREQ_LO 20.0
#define FREQ_HI 20000.0

static const char *const rgb[HP_PC_COUNT] = {
    "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
    "#999999",
};

hp_pcolor hp_pcolor_cycle(size_t n)
{
    return (hp_pcolor)(n % HP_PC_CYCLE);
}

int hp_pdash_cycle(size_t n)
{
    return (int)((n / HP_PC_CYCLE) % 4) + 1;
}

const char *hp_pcolor_rgb(hp_pcolor c)
{
    return (unsigned)c < HP_PC_COUNT ? rgb[c] : "#000000";
}

static char *dup_or_null(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

static void panel_release(hp_ppanel *p)
{
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    for (size_t i = 0; i < p->ns; i++) {
        free(p->s[i].title);
        free(p->s[i].x);
        free(p->s[i].y);
        free(p->s[i].y2);
    }
    free(p->s);
    for (size_t i = 0; i < p->nmark; i++)
        free(p->mark[i].label);
    free(p->mark);
}

static void panel_defaults(hp_ppanel *p)
{
    memset(p, 0, sizeof *p);
    p->xkind = HP_PX_FREQ;
    p->ykind = HP_PY_DB;
    p->min_span = 10;
    p->user_ylim = 1;
}

hp_pfig *hp_pfig_new(unsigned rows, unsigned cols, hp_err *err)
{
    hp_err e = HP_EINVAL;
    hp_pfig *f = NULL;
    if (rows < 1 || rows > 4 || cols < 1 || cols > 4)
        goto out;
    e = HP_ENOMEM;
    if (!(f = calloc(1, sizeof *f)) || !(f->panel = calloc((size_t)rows * cols, sizeof *f->panel))) {
        free(f);
        f = NULL;
        goto out;
    }
    f->rows = rows;
    f->cols = cols;
    for (unsigned i = 0; i < rows * cols; i++)
        panel_defaults(&f->panel[i]);
    e = HP_OK;
out:
    if (err)
        *err = e;
    return f;
}

void hp_pfig_free(hp_pfig *f)
{
    if (!f)
        return;
    for (unsigned i = 0; i < f->rows * f->cols; i++)
        panel_release(&f->panel[i]);
    free(f->panel);
    free(f->title);
    free(f);
}

hp_err hp_pfig_set_title(hp_pfig *f, const char *title)
{
    if (!f)
        return HP_EINVAL;
    int oom = 0;
    char *t = dup_or_null(title, &oom);
    if (oom)
        return HP_ENOMEM;
    free(f->title);
    f->title = t;
    return HP_OK;
}

hp_ppanel *hp_pfig_panel(hp_pfig *f, unsigned i)
{
    return f && i < f->rows * f->cols ? &f->panel[i] : NULL;
}

hp_err hp_ppanel_setup(hp_ppanel *p, const char *title, hp_pxkind xk, const char *xlabel,
                       hp_pykind yk, const char *ylabel)
{
    if (!p)
        return HP_EINVAL;
    int oom = 0;
    char *t = dup_or_null(title, &oom);
    char *xl = dup_or_null(xlabel ? xlabel : xk == HP_PX_FREQ ? "Frequency (Hz)" : NULL, &oom);
    char *yl = dup_or_null(ylabel, &oom);
    if (oom) {
        free(t);
        free(xl);
        free(yl);
        return HP_ENOMEM;
    }
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    p->title = t;
    p->xlabel = xl;
    p->ylabel = yl;
    p->xkind = xk;
    p->ykind = yk;
    return HP_OK;
}

static double *copy(const double *v, size_t n, int *oom)
{
    if (!v)
        return NULL;
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    if (n)
        memcpy(d, v, n * sizeof *d);
    return d;
}

static hp_err add(hp_ppanel *p, hp_pskind kind, const char *title, const double *x,
                  const double *y, const double *y2, size_t n, hp_pstyle st)
{
    if (!p || (n > 0 && (!x || !y || (kind == HP_PS_BAND && !y2))) || n > SIZE_MAX / sizeof(double))
        return HP_EINVAL;
    if (p->ns == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        hp_pseries *s = realloc(p->s, cap * sizeof *s);
        if (!s)
            return HP_ENOMEM;
        p->s = s;
        p->cap = cap;
    }
    int oom = 0;
    hp_pseries s = {kind, dup_or_null(title, &oom), n, copy(x, n, &oom), copy(y, n, &oom),
                    kind == HP_PS_BAND ? copy(y2, n, &oom) : NULL, st};
    if (oom) {
        free(s.title);
        free(s.x);
        free(s.y);
        free(s.y2);
        return HP_ENOMEM;
    }
    p->s[p->ns++] = s;
    return HP_OK;
}

hp_err hp_ppanel_line(hp_ppanel *p, const char *title, const double *x, const double *y,
                      size_t n, hp_pstyle st)
{
    return add(p, HP_PS_LINE, title, x, y, NULL, n, st);
}

hp_err hp_ppanel_band(hp_ppanel *p, const char *title, const double *x, const double *lo,
                      const double *hi, size_t n, hp_pstyle st)
{
    return add(p, HP_PS_BAND, title, x, lo, hi, n, st);
}

hp_err hp_ppanel_mark(hp_ppanel *p, double x, const char *label)
{
    if (!p || !isfinite(x))
        return HP_EINVAL;
    hp_pmark *m = realloc(p->mark, (p->nmark + 1) * sizeof *m);
    if (!m)
        return HP_ENOMEM;
    p->mark = m;
    int oom = 0;
    char *l = dup_or_null(label, &oom);
    if (oom)
        return HP_ENOMEM;
    p->mark[p->nmark].x = x;
    p->mark[p->nmark].label = l;
    p->nmark++;
    return HP_OK;
}

double hp_pfig_db_step(double span, unsigned max_ticks)
{
    static const double steps[] = {1, 2, 5, 10, 20, 50, 100};
    double base = !(span > 6) ? 1 : span <= 15 ? 2 : span <= 100 ? 5 : span <= 200 ? 10 : 20;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (steps[i] >= base && (max_ticks == 0 || span / steps[i] <= max_ticks))
            return steps[i];
    return steps[sizeof steps / sizeof *steps - 1];
}

/* Ticks that fit a panel: a full-height panel takes 20, stacked ones share them. */
static unsigned max_ticks(const hp_pfig *f)
{
    unsigned t = 20 / f->rows;
    return t < 6 ? 6 : t;
}

void hp_ppanel_freq_range(const hp_ppanel *p, double *lo, double *hi)
{
    int set = p && p->flo > 0 && p->fhi > p->flo;
    *lo = set ? p->flo : FREQ_LO;
    *hi = set ? p->fhi : FREQ_HI;
}

static int in_xrange(const hp_ppanel *p, double x)
{
    if (p->xkind == HP_PX_FREQ) {
        double lo, hi;
        hp_ppanel_freq_range(p, &lo, &hi);
        return x >= lo && x <= hi;
    }
    return x >= p->xmin && x <= p->xmax;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The values autorange looks at: finite (and, for log axes, positive) y inside the x range.
 * Returns the count; *out is malloc'ed (NULL when none or out of memory). */
static size_t visible_values(const hp_ppanel *p, double **out)
{
    size_t n = 0;
    for (size_t i = 0; i < p->ns; i++)
        n += p->s[i].n * (p->s[i].y2 ? 2 : 1);
    *out = NULL;
    double *v = n ? malloc(n * sizeof *v) : NULL;
    if (!v)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < p->ns; i++) {
        const hp_pseries *s = &p->s[i];
        for (size_t j = 0; j < s->n; j++) {
            if (!in_xrange(p, s->x[j]))
                continue;
            const double ys[2] = {s->y[j], s->y2 ? s->y2[j] : (double)NAN};
            for (int m = 0; m < 2; m++)
                if (isfinite(ys[m]) && (p->ykind != HP_PY_LOG || ys[m] > 0))
                    v[k++] = ys[m];
        }
    }
    if (!k) {
        free(v);
        return 0;
    }
    *out = v;
    return k;
}

/* Rounds [lo, hi] outwards to whole steps with at least 0.2 step of room. */
static void round_db(double lo, double hi, double step, double *rlo, double *rhi)
{
    *rlo = floor(lo / step) * step;
    if (lo - *rlo < 0.2 * step)
        *rlo -= step;
    *rhi = ceil(hi / step) * step;
    if (*rhi - hi < 0.2 * step)
        *rhi += step;
}

static void autorange_db(hp_ppanel *p, unsigned ticks)
{
    double *v;
    size_t n = visible_values(p, &v);
    double lo = -p->min_span / 2, hi = p->min_span / 2;
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        lo = n >= 200 ? v[(size_t)floor(0.005 * (double)(n - 1))] : v[0];
        hi = v[n - 1];
    }
    free(v);
    double span = hi - lo;
    if (span < p->min_span) {
        double mid = 0.5 * (hi + lo);
        lo = mid - p->min_span / 2;
        hi = mid + p->min_span / 2;
    }
    double step = hp_pfig_db_step(hi - lo, ticks), rlo, rhi;
    round_db(lo, hi, step, &rlo, &rhi);
    double step2 = hp_pfig_db_step(rhi - rlo, ticks);
    if (step2 != step) {
        step = step2;
        round_db(lo, hi, step, &rlo, &rhi);
    }
    p->ymin = rlo;
    p->ymax = rhi;
    p->ystep = step;
}

static void autorange_log(hp_ppanel *p)
{
    double *v;
    size_t n = visible_values(p, &v);
    double lo = 1e-3, hi = 1;
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        lo = v[n >= 200 ? (size_t)floor(0.005 * (double)(n - 1)) : 0];
        hi = v[n - 1];
    }
    free(v);
    double dlo = floor(log10(lo)), dhi = ceil(log10(hi));
    if (dhi <= dlo)
        dhi = dlo + 1;
    p->ymin = pow(10, dlo);
    p->ymax = pow(10, dhi);
    p->ystep = 10;
}

/* The data's range with 6 % to spare each side, so peaks do not touch the frame. */
static void autorange_linear(hp_ppanel *p)
{
    double *v;
    size_t n = visible_values(p, &v);
    if (!n)
        return;
    double lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++)
        lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
    free(v);
    double pad = hi > lo ? 0.06 * (hi - lo) : 1;
    p->ymin = lo - pad;
    p->ymax = hi + pad;
}

void hp_pfig_autorange(hp_pfig *f)
{
    if (!f)
        return;
    for (unsigned i = 0; i < f->rows * f->cols; i++) {
        hp_ppanel *p = &f->panel[i];
        if (p->yfixed)
            continue;
        if (p->ykind == HP_PY_DB)
            autorange_db(p, max_ticks(f));
        else if (p->ykind == HP_PY_LOG)
            autorange_log(p);
        else
            autorange_linear(p);
    }
}

hp_err hp_pfig_fix_db(hp_pfig *f, double lo, double hi)
{
    if (!f || !isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return HP_EINVAL;
    for (unsigned i = 0; i < f->rows * f->cols; i++) {
        hp_ppanel *p = &f->panel[i];
        if (p->ykind != HP_PY_DB || !p->user_ylim)
            continue;
        p->ymin = lo;
        p->ymax = hi;
        p->ystep = hp_pfig_db_step(hi - lo, max_ticks(f));
        p->yfixed = 1;
    }
    return HP_OK;
}
