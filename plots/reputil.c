/* SPDX-License-Identifier: MIT */
/* Small helpers of the report: messages, string lists, JSON members, interpolation. */
#include "reputil.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rp_say(char *why, size_t wl, const char *fmt, ...)
{
    if (!why || !wl)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wl, fmt, ap);
    va_end(ap);
}

hp_err rp_push(char ***v, size_t *n, const char *s)
{
    char *copy = strdup(s ? s : "");
    char **grown = copy ? realloc(*v, (*n + 1) * sizeof **v) : NULL;
    if (!grown) {
        free(copy);
        return HP_ENOMEM;
    }
    grown[(*n)++] = copy;
    *v = grown;
    return HP_OK;
}

void rp_free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

hp_err rp_warn(hp_report *r, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < r->nwarn; i++)
        if (!strcmp(r->warn[i], buf))
            return HP_OK;
    return rp_push(&r->warn, &r->nwarn, buf);
}

hp_err rp_problem(hp_report *r, char **problem, const char *what, const char *reason)
{
    if (!*problem && !(*problem = strdup(reason)))
        return HP_ENOMEM;
    return rp_warn(r, "%s left out: %s", what, reason);
}

double rp_num(const hp_jval *obj, const char *key)
{
    const hp_jval *v = hp_json_get(obj, key);
    return hp_json_type(v) == HP_JSON_NUM ? hp_json_as_num(v, NAN) : (double)NAN;
}

void rp_str(const hp_jval *obj, const char *key, char *buf, size_t size)
{
    const char *s = hp_json_as_str(hp_json_get(obj, key));
    snprintf(buf, size, "%s", s ? s : "");
}

double rp_interp_logf(const double *f, const double *y, size_t n, double x)
{
    if (!n || !(x >= f[0]) || !(x <= f[n - 1]))
        return NAN;
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    if (f[lo] == x)
        return isfinite(y[lo]) ? y[lo] : (double)NAN;
    if (f[hi] == x)
        return isfinite(y[hi]) ? y[hi] : (double)NAN;
    if (!isfinite(y[lo]) || !isfinite(y[hi]))
        return NAN;
    double t = log(x / f[lo]) / log(f[hi] / f[lo]);
    return y[lo] + t * (y[hi] - y[lo]);
}

void rp_fig_release(hp_rep_fig *f)
{
    free(f->svg);
    free(f->note);
    memset(f, 0, sizeof *f);
}
