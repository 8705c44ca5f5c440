/* SPDX-License-Identifier: MIT */
/* hp_thread_start: the thread runs its function with its argument, and starts with its
 * creator's full set of CPUs again (the other-CPU placement is a starting place, not a pin). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_EQUAL */
#include "t.h"
#include "thread.h"
#include <sched.h>

typedef struct {
    int arg_seen;
    int affinity_ok;
    cpu_set_t want;
} probe;

static void *run(void *p)
{
    probe *pr = p;
    pr->arg_seen = 1;
    cpu_set_t now;
    pr->affinity_ok = sched_getaffinity(0, sizeof now, &now) == 0 && CPU_EQUAL(&now, &pr->want);
    return pr;
}

int main(void)
{
    probe pr = {0};
    CHECK(sched_getaffinity(0, sizeof pr.want, &pr.want) == 0);
    for (int i = 0; i < 20; i++) {
        pthread_t t;
        pr.arg_seen = pr.affinity_ok = 0;
        CHECK(hp_thread_start(&t, run, &pr) == 0);
        void *ret = NULL;
        CHECK(pthread_join(t, &ret) == 0);
        CHECK(ret == &pr);
        CHECK(pr.arg_seen);
        CHECK(pr.affinity_ok);
    }
    /* From a thread pinned to one CPU there is nowhere else to start: plain creation. */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    pr.want = one;
    pthread_t t;
    CHECK(hp_thread_start(&t, run, &pr) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(pr.arg_seen && pr.affinity_ok);
    T_DONE();
}
