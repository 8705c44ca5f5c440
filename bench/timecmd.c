/* SPDX-License-Identifier: MIT */
/* Bench tool: runs a command several times as a child process and prints its median wall time
 * and peak resident set size (GNU time may not be installed; this needs only POSIX).
 *   timecmd RUNS CMD [ARGS...] [--vs CMD2 [ARGS...]]
 * One untimed warm-up run (page cache, dynamic linking) precedes RUNS timed runs. With --vs the
 * two commands run alternately, so that both meet the same conditions on a machine whose speed
 * drifts (a virtual machine's neighbours); their ratio is then fair. The child's stdout goes to
 * /dev/null, its stderr stays ours. Prints one line on stdout per command:
 *   MEDIAN_MS MIN_MS MAX_RSS_KIB FIRST_MS MEDIAN_CPU_MS
 * where MAX_RSS_KIB is the largest ru_maxrss that wait4 reported over all runs, FIRST_MS is
 * the warm-up run's time (cold caches) and MEDIAN_CPU_MS the median user + system time (all
 * threads; less disturbed than wall time by other work on the machine). Exits 1 when
 * a command cannot be run or exits non-zero. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv)
{
    return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

/* One run: fork, exec, wait4. Fills wall time, CPU time and ru_maxrss; 0 on success. */
static int run_once(char **argv, double *ms, double *cpu_ms, long *rss_kib)
{
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "timecmd: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0 && dup2(fd, STDOUT_FILENO) >= 0)
            close(fd);
        execvp(argv[0], argv);
        fprintf(stderr, "timecmd: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    pid_t w;
    do
        w = wait4(pid, &status, 0, &ru);
    while (w < 0 && errno == EINTR);
    *ms = now_ms() - t0;
    if (w < 0) {
        fprintf(stderr, "timecmd: wait4: %s\n", strerror(errno));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "timecmd: %s failed (%s %d)\n", argv[0],
                WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -1;
    }
    *rss_kib = ru.ru_maxrss;
    *cpu_ms = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of sorted v[n]. */
static double median_of(const double *v, long n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The timings of one command. */
typedef struct {
    char **argv;
    double ms[MAX_RUNS], cpu[MAX_RUNS], warm, warm_cpu;
    long rss;
} timed;

static void report(timed *t, long runs)
{
    qsort(t->ms, (size_t)runs, sizeof t->ms[0], cmp_double);
    qsort(t->cpu, (size_t)runs, sizeof t->cpu[0], cmp_double);
    printf("%.3f %.3f %ld %.3f %.3f\n", median_of(t->ms, runs), t->ms[0], t->rss, t->warm,
           median_of(t->cpu, runs));
}

int main(int argc, char **argv)
{
    static timed cmd[2];
    char *end;
    long runs = argc > 2 ? strtol(argv[1], &end, 10) : 0;
    int n = 1;
    cmd[0].argv = argv + 2;
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--vs")) {
            argv[i] = NULL;
            cmd[1].argv = argv + i + 1;
            n = 2;
            break;
        }
    if (argc < 3 || *end || runs < 1 || runs > MAX_RUNS || !cmd[0].argv[0] ||
        (n == 2 && !cmd[1].argv[0])) {
        fprintf(stderr, "usage: timecmd RUNS CMD [ARGS...] [--vs CMD2 [ARGS...]]   "
                        "(1 <= RUNS <= %d)\n", MAX_RUNS);
        return 2;
    }
    long r;
    for (int c = 0; c < n; c++) {
        if (run_once(cmd[c].argv, &cmd[c].warm, &cmd[c].warm_cpu, &r))
            return 1;
        cmd[c].rss = r;
    }
    for (long i = 0; i < runs; i++)
        for (int c = 0; c < n; c++) {
            if (run_once(cmd[c].argv, &cmd[c].ms[i], &cmd[c].cpu[i], &r))
                return 1;
            if (r > cmd[c].rss)
                cmd[c].rss = r;
        }
    for (int c = 0; c < n; c++)
        report(&cmd[c], runs);
    return 0;
}
