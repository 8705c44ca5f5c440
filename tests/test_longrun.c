/* SPDX-License-Identifier: MIT */
/* Long runs: 200 consecutive `hpfr measure` sessions in one process, on the simulated rig's
 * virtual clock, through the CLI's own entry point (hp_cmd_measure.run, linked in with every
 * CLI object but main.o). Each session is a level check and one placement of a 2^14-sample
 * sweep: opened, captured, analysed, written, closed; then it is deleted. After each run the
 * test samples the resident set (/proc/self/statm), the bytes malloc has handed out and not
 * had back (mallinfo2, with glibc's thread caches and extra arenas off so that this is exact),
 * and the open file descriptors (/proc/self/fd). Anything leaked per run shows as growth
 * after the warm-up; caches that fill once (FFTW's planner, ALSA's) do not.
 * Checks, with runs 1-10 as the warm-up:
 *  - the open descriptors after every run are exactly those before the first;
 *  - malloc's bytes in use after each of the last 50 runs exceed the most seen after runs
 *    11-60 by less than 1 KiB: a leak of 8 bytes a run would fail over the 140 runs between;
 *  - the median resident set over the last 50 runs exceeds the median over runs 11-60 by less
 *    than 256 KiB: 140 runs apart, a leak of 2 KiB a run would fail. Medians, not maxima: the
 *    resident set of a process that leaks nothing still jumps by a megabyte now and then for
 *    a run or two (freed heap pages that malloc has not yet trimmed, the kernel's paging), and
 *    one such jump in the last 50 runs failed CI once; a leak moves the median, a jump does not.
 * Under AddressSanitizer freed memory is held in quarantine and malloc is ASan's, so only the
 * descriptors are checked there (LeakSanitizer reports leaks at exit). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "t.h"

#ifndef RUNS
#define RUNS 200
#endif
#define WARMUP 10

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static long rss_kib(void)
{
    long size = 0, resident = -1;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2)
            resident = -1;
        fclose(f);
    }
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Open descriptors, not counting the one that reads the directory. */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1;
}

static long heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (long)mi.uordblks;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The rig's ALSA configuration sits in the build directory, one level above this binary. */
static int find_rig_config(const char *argv0)
{
    char exe[PATH_MAX], conf[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "%s: cannot find myself\n", argv0);
        return -1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(conf, sizeof conf, "%s/../hpfr-alsa.conf", exe);
    if (access(conf, R_OK) != 0) {
        fprintf(stderr, "%s: %s is missing (make builds it)\n", argv0, conf);
        return -1;
    }
    setenv("HPFR_ALSA_CONF", conf, 1);
    return 0;
}

static long max_of(const long *v, size_t from, size_t to)
{
    long m = v[from];
    for (size_t i = from; i < to; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long median_of(const long *v, size_t from, size_t to)
{
    long sorted[RUNS];
    size_t n = to - from;
    memcpy(sorted, v + from, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_long);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    (void)argc;
    /* glibc's per-thread caches (tcache) keep freed blocks that mallinfo2 counts as in use,
     * and each thread's arena has bookkeeping of its own; both move with the threads' timing,
     * not with what the program holds. With both off, the bytes in use are exactly what is
     * allocated, so the test runs itself again that way. */
    if (!UNDER_ASAN && !getenv("HPFR_LONGRUN_TUNED")) {
        setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1", 1);
        setenv("HPFR_LONGRUN_TUNED", "1", 1);
        execv("/proc/self/exe", argv);
        perror("execv /proc/self/exe");
        return 1;
    }
    if (find_rig_config(argv[0]))
        return 1;
    /* Session files on tmpfs where there is one: fsync there costs nothing, and the test is
     * about this process, not the disk. */
    char base[] = "/dev/shm/hpfr-longrun-XXXXXX", base_tmp[] = "/tmp/hpfr-longrun-XXXXXX";
    const char *root = mkdtemp(base) ? base : mkdtemp(base_tmp);
    if (!root) {
        perror("mkdtemp");
        return 1;
    }
    char wisdom[256], session[256];
    snprintf(wisdom, sizeof wisdom, "%s/fftw-wisdom", root);
    snprintf(session, sizeof session, "%s/s", root);
    setenv("HPFR_WISDOM", wisdom, 1);
    unsetenv("HPFR_PLACEMENT");

    /* The measures' progress lines go nowhere; this test's own report goes to the real stdout. */
    fflush(stdout);
    int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
    int stdin_null = open("/dev/null", O_RDONLY);
    if (out < 0 || null < 0 || stdin_null < 0 || dup2(stdin_null, STDIN_FILENO) < 0) {
        perror("/dev/null");
        return 1;
    }
    close(stdin_null);
    static long rss[RUNS], heap[RUNS];
    static int fds[RUNS];
    int fds0 = open_fds(), failed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < RUNS; i++) {
        char *args[] = {"measure", "-D", "hpfr_sim", "-o", session, "--placements", "1",
                        "--samples", "16384", "--yes", NULL};
        fflush(stdout);
        dup2(null, STDOUT_FILENO);
        int rc = hp_cmd_measure.run(10, args);
        fflush(stdout);
        dup2(out, STDOUT_FILENO);
        if (rc != 0 && !failed++)
            fprintf(stderr, "run %d: hpfr measure exited %d\n", i + 1, rc);
        if (nftw(session, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
            fprintf(stderr, "run %d: cannot remove the session\n", i + 1);
        rss[i] = rss_kib();
        heap[i] = heap_bytes();
        fds[i] = open_fds();
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(null);
    close(out);
    nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    CHECK(failed == 0);

    printf("%d measures in %.1f s; run: RSS KiB, malloc in use bytes, open fds\n", RUNS,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    const int show[] = {1, 2, 5, 10, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200};
    for (size_t k = 0; k < sizeof show / sizeof show[0]; k++)
        printf("  %3d: %6ld %8ld %3d\n", show[k], rss[show[k] - 1], heap[show[k] - 1],
               fds[show[k] - 1]);
    printf("  before the first: %d fds\n", fds0);

    int fd_ok = 1;
    for (int i = 0; i < RUNS; i++)
        fd_ok &= fds[i] == fds0;
    CHECK(fd_ok);
    long rss_ref = median_of(rss, WARMUP, 60), rss_late = median_of(rss, RUNS - 50, RUNS);
    long heap_ref = max_of(heap, WARMUP, 60), heap_late = max_of(heap, RUNS - 50, RUNS);
    printf("runs 11-60 / 151-200: median RSS %ld / %ld KiB (largest %ld / %ld), "
           "largest malloc in use %ld / %ld bytes\n",
           rss_ref, rss_late, max_of(rss, WARMUP, 60), max_of(rss, RUNS - 50, RUNS), heap_ref,
           heap_late);
    if (UNDER_ASAN) {
        printf("# memory not checked under AddressSanitizer (quarantine, its own malloc)\n");
    } else {
        CHECK(heap_late - heap_ref < 1024);
        CHECK(rss_late - rss_ref < 256);
    }
    T_DONE();
}
