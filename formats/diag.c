/* SPDX-License-Identifier: MIT */
/* hp_diag helpers: reset and printf-style reason. */
#include "diag.h"
#include <stdarg.h>
#include <stdio.h>

void hp_diag_clear(hp_diag *d)
{
    if (!d)
        return;
    d->line = -1;
    d->column = -1;
    d->sample = -1;
    d->channel = -1;
    d->reason[0] = '\0';
}

void hp_diag_set(hp_diag *d, const char *fmt, ...)
{
    if (!d || !fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* vsnprintf truncates and always terminates; a too-long reason is still useful. */
    if (vsnprintf(d->reason, sizeof d->reason, fmt, ap) < 0)
        d->reason[0] = '\0';
    va_end(ap);
}
