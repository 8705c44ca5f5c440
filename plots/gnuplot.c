/* SPDX-License-Identifier: MIT */
/* gnuplot as a child process with pipes: fork/exec (not popen, which runs a shell and gives
 * only one direction), an exec-error pipe with close-on-exec so a missing program is told
 * apart from a failing one, and poll() over both pipes so neither side can block the other. */
#include "gnuplot.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ERR_MAX (64 * 1024)

const char *hp_gnuplot_program(void)
{
    const char *p = getenv("HPFR_GNUPLOT");
    return p && *p ? p : "gnuplot";
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* A pipe whose ends are closed on exec: the child keeps only what dup2 gives it, and the
 * exec-error pipe reads end-of-file once exec succeeds. */
static int cloexec_pipe(int fd[2])
{
    if (pipe(fd) != 0)
        return -1;
    if (fcntl(fd[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fd[1], F_SETFD, FD_CLOEXEC) != 0)
        return -1;
    return 0;
}

/* In the child: wire the pipes, move to cwd and exec; on failure report errno through
 * the exec-error pipe. Only async-signal-safe calls. */
static void child(int in_rd, int err_wr, int exec_wr, const char *cwd, const char *prog)
{
    int e = 0;
    if (dup2(in_rd, STDIN_FILENO) < 0 || dup2(err_wr, STDERR_FILENO) < 0 ||
        dup2(err_wr, STDOUT_FILENO) < 0)
        e = errno;
    else if (cwd && chdir(cwd) != 0)
        e = errno;
    else {
        char *const argv[] = {(char *)prog, NULL};
        execvp(prog, argv);
        e = errno;
    }
    ssize_t w = write(exec_wr, &e, sizeof e);
    (void)w;
    _exit(127);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Feeds the script and drains stderr until both are done or the time is up. */
static int pump(int *in_wr, int *err_rd, const char *script, size_t len, hp_gnuplot_result *r,
                size_t *errlen)
{
    size_t sent = 0;
    double deadline = now_s() + HP_GNUPLOT_TIMEOUT_S;
    if (len == 0)
        close_fd(in_wr);
    while (*err_rd >= 0) {
        struct pollfd pf[2] = {{*err_rd, POLLIN, 0}, {*in_wr, POLLOUT, 0}};
        int left_ms = (int)((deadline - now_s()) * 1000);
        if (left_ms <= 0)
            return -1;
        int n = poll(pf, *in_wr >= 0 ? 2 : 1, left_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (*in_wr >= 0 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(*in_wr, script + sent, len - sent);
            if (w > 0)
                sent += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == len)
                close_fd(in_wr); /* EPIPE: gnuplot stopped reading; its stderr says why */
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[4096];
            ssize_t got = read(*err_rd, buf, sizeof buf);
            if (got > 0) {
                size_t keep = *errlen + (size_t)got > ERR_MAX ? ERR_MAX - *errlen : (size_t)got;
                memcpy(r->errtext + *errlen, buf, keep);
                *errlen += keep;
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                close_fd(err_rd);
            }
        }
    }
    close_fd(in_wr);
    return 0;
}

hp_err hp_gnuplot_run(const char *script, size_t len, const char *cwd, hp_gnuplot_result *r)
{
    if (!r)
        return HP_EINVAL;
    memset(r, 0, sizeof *r);
    r->exit_status = -1;
    if (!script && len > 0)
        return HP_EINVAL;
    if (!(r->errtext = malloc(ERR_MAX + 1)))
        return HP_ENOMEM;
    int in[2] = {-1, -1}, err[2] = {-1, -1}, ex[2] = {-1, -1};
    hp_err ret = HP_EIO;
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    if (cloexec_pipe(in) || cloexec_pipe(err) || cloexec_pipe(ex)) {
        r->errno_start = errno;
        goto out;
    }
    const char *prog = hp_gnuplot_program();
    pid_t pid = fork();
    if (pid < 0) {
        r->errno_start = errno;
        goto out;
    }
    if (pid == 0)
        child(in[0], err[1], ex[1], cwd, prog);
    close_fd(&in[0]);
    close_fd(&err[1]);
    close_fd(&ex[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    size_t errlen = 0;
    int e_start = 0;
    ssize_t got;
    while ((got = read(ex[0], &e_start, sizeof e_start)) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof e_start) {
        r->errno_start = e_start;
        r->missing = e_start == ENOENT || e_start == EACCES || e_start == ENOTDIR;
        close_fd(&in[1]);
        close_fd(&err[0]);
    } else if (pump(&in[1], &err[0], script, len, r, &errlen) != 0) {
        r->timed_out = 1;
        kill(pid, SIGKILL);
    }
    r->errtext[errlen] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            status = -1;
            break;
        }
    if (status != -1 && WIFEXITED(status))
        r->exit_status = WEXITSTATUS(status);
    else if (status != -1 && WIFSIGNALED(status))
        r->term_signal = WTERMSIG(status);
    if (!r->errno_start && !r->timed_out && r->exit_status == 0)
        ret = HP_OK;
out:
    sigaction(SIGPIPE, &old, NULL);
    for (int i = 0; i < 2; i++) {
        close_fd(&in[i]);
        close_fd(&err[i]);
        close_fd(&ex[i]);
    }
    if (r->errtext && !r->errtext[0]) {
        free(r->errtext);
        r->errtext = NULL;
    }
    return ret;
}

void hp_gnuplot_first_error(const hp_gnuplot_result *r, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    if (!r || !r->errtext)
        return;
    /* gnuplot echoes the offending command and a caret line before the message itself:
     *   gnuplot> plot ...
     *                 ^
     *            line 12: undefined variable: x
     * so prefer a line with "line N:" and fall back to the first non-blank one. */
    const char *best = NULL, *first = NULL;
    for (const char *p = r->errtext; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *s = p;
        while (s < p + n && (*s == ' ' || *s == '\t' || *s == '^'))
            s++;
        if (s < p + n) {
            if (!first)
                first = s;
            if (!best && !strncmp(s, "line ", 5))
                best = s;
        }
        p += n + (e ? 1 : 0);
    }
    const char *s = best ? best : first;
    if (!s)
        return;
    size_t n = strcspn(s, "\n");
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
}
