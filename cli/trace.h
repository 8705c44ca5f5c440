/* SPDX-License-Identifier: MIT */
/* Phase timing for developers: with HPFR_TRACE set in the environment, each hp_trace() call
 * prints one line to stderr, "trace MS THREAD CPU_MS WHAT": milliseconds since the first trace
 * (the start of main() in hpfr), the thread id, the CPU time that thread has used (for the
 * main thread at "main": the cost of exec and of loading the shared libraries), and the phase
 * just reached. It is how the fixed costs of a short hpfr analyze (startup, planning, file
 * creation, waiting between threads) were found and are kept in view; without HPFR_TRACE it
 * costs a pthread_once check per call. Thread-safe. */
#ifndef HP_CLI_TRACE_H
#define HP_CLI_TRACE_H

void hp_trace(const char *what);

#endif
