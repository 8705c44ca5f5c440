/* SPDX-License-Identifier: MIT */
/* hpfr measure at the rig: the live progress line with input meters, the prompt before each
 * placement, and Ctrl-C. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "measure.h"

volatile sig_atomic_t hp_measure_interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    hp_measure_interrupted = 1;
}

void measure_install_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

double measure_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A 10-step bar from -60 to 0 dBFS. */
static void meter(char *out, size_t len, float peak)
{
    double db = peak > 0 ? 20 * log10((double)peak) : -(double)INFINITY;
    int bars = db <= -60 ? 0 : db >= 0 ? 10 : (int)((db + 60) / 6);
    char bar[11];
    for (int i = 0; i < 10; i++)
        bar[i] = i < bars ? '#' : '.';
    bar[10] = '\0';
    if (isfinite(db))
        snprintf(out, len, "[%s]%6.1f", bar, db);
    else
        snprintf(out, len, "[%s]  -inf", bar);
}

int measure_progress(size_t done, size_t total, const float *peak, unsigned channels, void *ctx)
{
    measure_ctx *m = ctx;
    double now = measure_now();
    /* Redraw ten times a second at most: the virtual-clock rig runs far faster than that. */
    if (m->tty_err && now - m->last_meter >= 0.1) {
        char line[400];
        int n = snprintf(line, sizeof line, "\r%s %5.1f s %3.0f%%", m->what, now - m->started,
                         100.0 * (double)done / (double)total);
        for (unsigned c = 0; c < channels && c < 4 && n > 0 && (size_t)n < sizeof line; c++) {
            char mtr[40];
            meter(mtr, sizeof mtr, peak[c]);
            n += snprintf(line + n, sizeof line - (size_t)n, "  in%u %s", c + 1, mtr);
        }
        fputs(line, stderr);
        fflush(stderr);
        m->last_meter = now;
    }
    return hp_measure_interrupted != 0;
}

void measure_progress_end(measure_ctx *m)
{
    if (m->tty_err && m->last_meter > 0) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

int measure_prompt(measure_ctx *m, unsigned index)
{
    if (m->opt.yes || !m->tty_in)
        return 'g';
    for (;;) {
        fprintf(stderr, "Placement %u/%u: re-seat the headphones and press Enter — s skips, q stops: ",
                index, m->session.planned);
        fflush(stderr);
        char line[64];
        errno = 0;
        if (!fgets(line, sizeof line, stdin))
            return 'q'; /* end of input or Ctrl-C: stop, resumable */
        char c = line[0];
        if (c == '\n' || c == '\r' || c == '\0')
            return 'g';
        if (c == 's' || c == 'S')
            return 's';
        if (c == 'q' || c == 'Q')
            return 'q';
        fprintf(stderr, "  (Enter measures, s skips this placement, q stops; the session can be "
                        "continued later with --resume)\n");
    }
}
