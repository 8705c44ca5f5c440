/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* gettid */
#include "trace.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Decided once, by whichever thread traces first (commands other than analyze reach it from
 * helper threads too). */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int on;
static double start_ms;

static double ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static void decide(void)
{
    on = getenv("HPFR_TRACE") != NULL;
    start_ms = ms(CLOCK_MONOTONIC);
}

void hp_trace(const char *what)
{
    pthread_once(&once, decide);
    if (on)
        fprintf(stderr, "trace %8.3f %6ld %7.3f %s\n", ms(CLOCK_MONOTONIC) - start_ms,
                (long)gettid(), ms(CLOCK_THREAD_CPUTIME_ID), what);
}
