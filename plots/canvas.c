/* SPDX-License-Identifier: MIT */
/* Inlining the canvas terminal's resources. gnuplot writes each reference on a line of its
 * own, so the page is rewritten line by line; anything not recognised is copied, and a final
 * scan refuses a result that still points at a file. */
#include "canvas.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RESOURCE_MAX (4 << 20)

/* memmem is a GNU extension; the project builds with _DEFAULT_SOURCE only. */
static const char *find(const char *h, size_t hn, const char *nd, size_t nn)
{
    for (size_t i = 0; nn <= hn && i <= hn - nn; i++)
        if (h[i] == nd[0] && !memcmp(h + i, nd, nn))
            return h + i;
    return NULL;
}

static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t n, const char *fmt, ...)
{
    if (!why || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

/* An absolute path to a plain file name with the given extension, no "..". */
static int plain_resource(const char *path, size_t n, const char *ext)
{
    if (n < 2 || path[0] != '/' || n > 1024)
        return 0;
    const char *name = path;
    for (size_t i = 0; i < n; i++) {
        char c = path[i];
        if (c == '/')
            name = path + i + 1;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-' || c == '.'))
            return 0;
    }
    size_t el = strlen(ext), nl = (size_t)(path + n - name);
    if (find(path, n, "/..", 3) || nl <= el || strncmp(path + n - el, ext, el))
        return 0;
    return 1;
}

static hp_err read_resource(const char *path, size_t n, char **data, size_t *len, char *why,
                            size_t why_len)
{
    char p[1100];
    memcpy(p, path, n);
    p[n] = '\0';
    FILE *f = fopen(p, "rb");
    *data = NULL;
    if (!f) {
        say(why, why_len, "%s: %s", p, strerror(errno));
        return HP_EIO;
    }
    char *buf = malloc(RESOURCE_MAX + 1);
    size_t got = buf ? fread(buf, 1, RESOURCE_MAX + 1, f) : 0;
    int bad = !buf || ferror(f) || got > RESOURCE_MAX;
    fclose(f);
    if (bad) {
        free(buf);
        say(why, why_len, "%s: %s", p, !buf ? "out of memory" : "cannot be read");
        return buf ? HP_EIO : HP_ENOMEM;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return HP_OK;
}

/* Script text safe inside <script>: "</script" and "<!--" cannot occur. Both rewrites keep
 * the meaning of JavaScript strings and regular expressions. */
static void js_safe(hp_sbuf *out, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '<')
            continue;
        if (i + 8 <= n && s[i + 1] == '/' && !strncasecmp(s + i + 2, "script", 6)) {
            hp_sbuf_put(out, s + from, i + 1 - from);
            hp_sbuf_puts(out, "\\");
            from = i + 1;
        } else if (i + 4 <= n && !strncmp(s + i + 1, "!--", 3)) {
            hp_sbuf_put(out, s + from, i + 1 - from);
            hp_sbuf_puts(out, "\\");
            from = i + 1;
        }
    }
    hp_sbuf_put(out, s + from, n - from);
}

static void html_text(hp_sbuf *out, const char *s)
{
    /* Reuse the gnuplot sanitiser (control characters, invalid UTF-8), then escape. */
    hp_sbuf q = {0};
    hp_sbuf_gpstr(&q, s ? s : "");
    for (size_t i = 1; q.p && i + 1 < q.len; i++) {
        char c = q.p[i];
        if (c == '\'' && q.p[i + 1] == '\'')
            i++; /* '' is one quote in gnuplot's quoting */
        switch (c) {
        case '<': hp_sbuf_puts(out, "&lt;"); break;
        case '>': hp_sbuf_puts(out, "&gt;"); break;
        case '&': hp_sbuf_puts(out, "&amp;"); break;
        case '"': hp_sbuf_puts(out, "&quot;"); break;
        case '\'': hp_sbuf_puts(out, "&#39;"); break;
        default: hp_sbuf_put(out, &c, 1);
        }
    }
    if (hp_sbuf_err(&q) != HP_OK)
        out->err = q.err;
    hp_sbuf_release(&q);
}

static void base64(hp_sbuf *out, const unsigned char *d, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0) |
                     (i + 2 < n ? d[i + 2] : 0);
        char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                     i + 2 < n ? tab[v & 63] : '='};
        hp_sbuf_put(out, q, 4);
    }
}

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && !memcmp(s, prefix, k);
}

/* A whole line `<script src="PATH"></script>` or the stylesheet link: inline it. Returns 1
 * when handled, 0 when the line is something else, or -1 after an error. */
static int inline_tag(hp_sbuf *out, const char *l, size_t n, hp_err *e, char *why, size_t wl)
{
    static const char s_open[] = "<script src=\"", s_close[] = "\"></script>";
    static const char c_open[] = "<link type=\"text/css\" href=\"", c_close[] = "\" rel=\"stylesheet\">";
    const char *open, *close, *ext;
    if (starts(l, n, s_open))
        open = s_open, close = s_close, ext = ".js";
    else if (starts(l, n, c_open))
        open = c_open, close = c_close, ext = ".css";
    else
        return 0;
    size_t ol = strlen(open), cl = strlen(close);
    if (n < ol + cl || memcmp(l + n - cl, close, cl))
        return 0;
    const char *path = l + ol;
    size_t pl = n - ol - cl;
    if (!plain_resource(path, pl, ext)) {
        *e = HP_EFORMAT;
        say(why, wl, "unexpected reference in gnuplot's page: %.*s", (int)(pl < 200 ? pl : 200), path);
        return -1;
    }
    char *data;
    size_t len;
    if ((*e = read_resource(path, pl, &data, &len, why, wl)) != HP_OK)
        return -1;
    if (ext[1] == 'j') {
        hp_sbuf_puts(out, "<script>\n");
        js_safe(out, data, len);
        hp_sbuf_puts(out, "\n</script>\n");
    } else {
        hp_sbuf_puts(out, "<style>\n");
        hp_sbuf_put(out, data, len);
        hp_sbuf_puts(out, "\n</style>\n");
    }
    free(data);
    return 1;
}

/* Copies a line, replacing each src="/...png" with a data: URI. */
static hp_err inline_images(hp_sbuf *out, const char *l, size_t n, char *why, size_t wl)
{
    static const char key[] = "src=\"";
    size_t from = 0;
    for (;;) {
        const char *s = find(l + from, n - from, key, sizeof key - 1);
        if (!s)
            break;
        const char *path = s + sizeof key - 1;
        const char *q = memchr(path, '"', (size_t)(l + n - path));
        if (!q)
            break;
        size_t pl = (size_t)(q - path);
        if (!plain_resource(path, pl, ".png")) {
            say(why, wl, "unexpected reference in gnuplot's page: %.*s", (int)(pl < 200 ? pl : 200), path);
            return HP_EFORMAT;
        }
        char *data;
        size_t len;
        hp_err e = read_resource(path, pl, &data, &len, why, wl);
        if (e != HP_OK)
            return e;
        hp_sbuf_put(out, l + from, (size_t)(path - (l + from)));
        hp_sbuf_puts(out, "data:image/png;base64,");
        base64(out, (const unsigned char *)data, len);
        free(data);
        from = (size_t)(q - l);
    }
    hp_sbuf_put(out, l + from, n - from);
    return HP_OK;
}

/* The page must not refer to any file any more. */
static hp_err check_self_contained(const hp_sbuf *out, char *why, size_t wl)
{
    /* Quoted attribute values only: a plot title in a script string has its quotes escaped
     * (\") and the page title is HTML-escaped, so neither can match. */
    static const char *const keys[] = {"src=\"/", "href=\"/", "src=\"http", "href=\"http"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const char *s = find(out->p, out->len, keys[k], strlen(keys[k]));
        if (s) {
            size_t rest = out->len - (size_t)(s - out->p);
            say(why, wl, "gnuplot's page still refers to a file: %.*s", (int)(rest < 60 ? rest : 60), s);
            return HP_EFORMAT;
        }
    }
    return HP_OK;
}

hp_err hp_canvas_inline(const char *html, size_t len, const char *title, hp_sbuf *out, char *why,
                        size_t wl)
{
    if (!html || !out)
        return HP_EINVAL;
    say(why, wl, "%s", "");
    int in_script = 0;
    hp_err e = HP_OK;
    for (size_t pos = 0; pos < len && e == HP_OK;) {
        const char *l = html + pos;
        const char *nl = memchr(l, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - l) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (in_script) {
            if (n == 9 && !memcmp(l, "</script>", 9)) {
                in_script = 0;
                hp_sbuf_puts(out, "</script>\n");
            } else {
                js_safe(out, l, n);
                hp_sbuf_puts(out, "\n");
            }
            continue;
        }
        if (starts(l, n, "<!--[if IE]>"))
            continue; /* excanvas.js for Internet Explorer 8 */
        if (starts(l, n, "<title>")) {
            hp_sbuf_puts(out, "<title>");
            html_text(out, title && *title ? title : "hpfr plot");
            hp_sbuf_puts(out, "</title>\n");
            continue;
        }
        if (starts(l, n, "<script type=\"text/javascript\"> gnuplot.help_URL")) {
            /* the help page is not part of gnuplot-data; "" makes the help button do nothing */
            hp_sbuf_puts(out, "<script>gnuplot.help_URL = \"\";</script>\n");
            continue;
        }
        if (n == 31 && !memcmp(l, "<script type=\"text/javascript\">", 31)) {
            in_script = 1;
            hp_sbuf_puts(out, "<script>\n");
            continue;
        }
        int r = inline_tag(out, l, n, &e, why, wl);
        if (r < 0)
            break;
        if (r == 0) {
            e = inline_images(out, l, n, why, wl);
            hp_sbuf_puts(out, "\n");
        }
    }
    if (e == HP_OK)
        e = hp_sbuf_err(out);
    if (e == HP_OK)
        e = check_self_contained(out, why, wl);
    return e;
}
