/* SPDX-License-Identifier: MIT */
/* Starting threads where they can run at once. */
#ifndef HP_THREAD_H
#define HP_THREAD_H

#include <pthread.h>

/* pthread_create(t, NULL, fn, arg), except that the thread starts on another CPU than the
 * caller's when the process may use more than one; once running it may move anywhere.
 * Returns pthread_create's result (0, or an error number with nothing started). */
int hp_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
