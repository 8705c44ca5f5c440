/* SPDX-License-Identifier: MIT */
/* Threads started on another CPU than their creator's.
 *
 * Linux places a new thread on its creator's CPU and lets it wait there until a load balancer
 * moves it or the creator blocks. On an otherwise idle machine that wait is the creator's
 * whole remaining time slice or more: on the 2-CPU virtual machines hpfr is benchmarked on, a
 * thread created after the other CPU had idled for 100 ms began 0.5 to 2 ms later, most often
 * only when its creator blocked, against 0.1 to 0.25 ms when created with its affinity set to
 * the other CPU. A 10 ms `hpfr analyze` cannot afford the former. The affinity is a starting
 * place, not a pin: the thread restores the creator's full set before anything else. */
#define _GNU_SOURCE /* sched_getcpu, CPU_SET, pthread_attr_setaffinity_np */
#include "thread.h"
#include <errno.h>
#include <sched.h>
#include <stdlib.h>

/* The CPU-set calls are GNU extensions: where they are missing (or hidden, as in the fuzz
 * build, whose forced include comes before _GNU_SOURCE), threads start the usual way. */
#ifdef CPU_SET
typedef struct {
    void *(*fn)(void *);
    void *arg;
    cpu_set_t allowed; /* the creator's set, restored by the thread */
    int restore;
} start_info;

static void *begin(void *p)
{
    start_info s = *(start_info *)p;
    free(p);
    if (s.restore)
        (void)sched_setaffinity(0, sizeof s.allowed, &s.allowed);
    return s.fn(s.arg);
}

int hp_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    start_info *s = malloc(sizeof *s);
    if (!s)
        return ENOMEM;
    s->fn = fn;
    s->arg = arg;
    s->restore = 0;
    pthread_attr_t attr;
    int have_attr = pthread_attr_init(&attr) == 0;
    int here = sched_getcpu();
    if (have_attr && here >= 0 && sched_getaffinity(0, sizeof s->allowed, &s->allowed) == 0 &&
        CPU_ISSET(here, &s->allowed) && CPU_COUNT(&s->allowed) > 1) {
        cpu_set_t elsewhere = s->allowed;
        CPU_CLR(here, &elsewhere);
        s->restore = pthread_attr_setaffinity_np(&attr, sizeof elsewhere, &elsewhere) == 0;
    }
    int rc = pthread_create(t, have_attr ? &attr : NULL, begin, s);
    if (have_attr)
        pthread_attr_destroy(&attr);
    if (rc)
        free(s);
    return rc;
}
#else
int hp_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    return pthread_create(t, NULL, fn, arg);
}
#endif
