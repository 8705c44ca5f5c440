/* SPDX-License-Identifier: MIT */
/* Allocation-failure injection for tests/cli/alloc_fail.sh. Linked into a test build of hpfr
 * with -Wl,--wrap=malloc,... (Makefile: hpfr-failalloc), so that every allocation made by
 * hpfr's own objects comes here first; allocations inside libsndfile, FFTW, GSL or libc are
 * not wrapped, which is the granularity wanted: the test asks whether OUR code handles a
 * NULL, not whether the libraries do.
 *
 *   HPFR_FAIL_ALLOC=N      the Nth wrapped call (counting from 1, over all threads) returns
 *                          NULL with errno ENOMEM; every other call succeeds. Unset or 0:
 *                          nothing fails.
 *   HPFR_FAIL_ALLOC_SITE=0xOFFSET:K   instead, the Kth call made from that call site (an
 *                          offset as in the log below) fails.
 *   HPFR_FAIL_ALLOC_LOG=F  at exit, writes to F the number of wrapped calls ("calls N"),
 *                          the call site that was failed ("failed 0xOFFSET", if any) and
 *                          every distinct call site seen ("site 0xOFFSET COUNT"). Offsets are
 *                          relative to the start of the executable, so they are the same in
 *                          every run and addr2line -e hpfr-failalloc turns them into lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_posix_memalign(void **p, size_t align, size_t n);

extern char __executable_start; /* the linker's: where the executable is loaded */

static unsigned long fail_at; /* 0: never */
static uintptr_t fail_site;   /* with fail_site_k: the site mode */
static unsigned long fail_site_k;
static atomic_ulong calls, site_calls;
static uintptr_t failed_site;

/* Distinct call sites with their counts, for the log. A fixed table: the wrapper must not
 * allocate. */
#define MAX_SITES 8192
static struct { uintptr_t site; unsigned long n; } sites[MAX_SITES];
static size_t nsites;
static int logging;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void note_site(uintptr_t site)
{
    pthread_mutex_lock(&lock);
    size_t i = 0;
    while (i < nsites && sites[i].site != site)
        i++;
    if (i < nsites)
        sites[i].n++;
    else if (nsites < MAX_SITES)
        sites[nsites++].site = site, sites[i].n = 1;
    pthread_mutex_unlock(&lock);
}

/* Counts the call made from return address ra; 1 when it is the one to fail. */
static int fail_now(void *ra)
{
    uintptr_t site = (uintptr_t)ra - (uintptr_t)&__executable_start;
    unsigned long k = atomic_fetch_add(&calls, 1) + 1;
    if (logging)
        note_site(site);
    if (fail_site) {
        if (site != fail_site || atomic_fetch_add(&site_calls, 1) + 1 != fail_site_k)
            return 0;
    } else if (k != fail_at) {
        return 0;
    }
    failed_site = site;
    errno = ENOMEM;
    return 1;
}

void *__wrap_malloc(size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now(__builtin_return_address(0)) ? NULL : __real_strndup(s, n);
}

int __wrap_posix_memalign(void **p, size_t align, size_t n)
{
    return fail_now(__builtin_return_address(0)) ? ENOMEM : __real_posix_memalign(p, align, n);
}

static const char *log_path;

/* Written with plain write(2): stdio may be gone or broken by the time destructors run. */
static void write_log(void)
{
    if (!log_path)
        return;
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char line[96];
    int len = snprintf(line, sizeof line, "calls %lu\n", (unsigned long)atomic_load(&calls));
    if (write(fd, line, (size_t)len) != len)
        goto out;
    if (failed_site) {
        len = snprintf(line, sizeof line, "failed 0x%lx\n", (unsigned long)failed_site);
        if (write(fd, line, (size_t)len) != len)
            goto out;
    }
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nsites; i++) {
        len = snprintf(line, sizeof line, "site 0x%lx %lu\n", (unsigned long)sites[i].site,
                       sites[i].n);
        if (write(fd, line, (size_t)len) != len)
            break;
    }
    pthread_mutex_unlock(&lock);
out:
    close(fd);
}

__attribute__((constructor)) static void failalloc_init(void)
{
    const char *n = getenv("HPFR_FAIL_ALLOC");
    if (n && *n)
        fail_at = strtoul(n, NULL, 10);
    const char *site = getenv("HPFR_FAIL_ALLOC_SITE");
    if (site && *site) {
        char *end;
        fail_site = (uintptr_t)strtoull(site, &end, 16);
        fail_site_k = *end == ':' ? strtoul(end + 1, NULL, 10) : 1;
    }
    log_path = getenv("HPFR_FAIL_ALLOC_LOG");
    logging = log_path && *log_path;
    if (logging)
        atexit(write_log);
}
