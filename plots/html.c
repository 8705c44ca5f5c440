/* SPDX-License-Identifier: MIT */
/* HTML escaping, URL paths, base64 and relative links for the report. */
#include "html.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "utf8.h"

void hp_html_text(hp_sbuf *b, const char *s)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    size_t n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = hp_utf8_seq_len((const unsigned char *)s + i, n - i);
        int nonchar = len == 3 && c == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
                      ((unsigned char)s[i + 2] & 0xFE) == 0xBE;
        const char *ref = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
                        : c == '"' ? "&quot;" : c == '\'' ? "&#39;" : NULL;
        if (len == 0 || nonchar) {
            hp_sbuf_put(b, replacement, 3);
            i += len ? len : 1;
        } else if (ref) {
            hp_sbuf_puts(b, ref);
            i++;
        } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            hp_sbuf_put(b, " ", 1);
            i++;
        } else {
            hp_sbuf_put(b, s + i, len);
            i += len;
        }
    }
}

void hp_html_url_path(hp_sbuf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; p && *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c)) {
            char one = (char)c;
            hp_sbuf_put(b, &one, 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            hp_sbuf_put(b, esc, 3);
        }
    }
}

void hp_html_base64(hp_sbuf *b, const void *data, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    char out[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[0] = al[(v >> 18) & 63];
        out[1] = al[(v >> 12) & 63];
        out[2] = i + 1 < n ? al[(v >> 6) & 63] : '=';
        out[3] = i + 2 < n ? al[v & 63] : '=';
        hp_sbuf_put(b, out, 4);
    }
}

/* Length of the first component of s (which does not start with '/'). */
static size_t comp_len(const char *s)
{
    const char *slash = strchr(s, '/');
    return slash ? (size_t)(slash - s) : strlen(s);
}

hp_err hp_html_relpath(const char *from_dir, const char *to, char **out)
{
    if (!from_dir || !to || !out)
        return HP_EINVAL;
    *out = NULL;
    char *a = realpath(from_dir, NULL), *t = a ? realpath(to, NULL) : NULL;
    if (!a || !t) {
        int saved = errno;
        free(a);
        errno = saved;
        return HP_EIO;
    }
    /* Both are absolute and canonical: skip the components they share. */
    const char *pa = a + 1, *pt = t + 1;
    while (*pa && *pt) {
        size_t la = comp_len(pa), lt = comp_len(pt);
        if (la != lt || memcmp(pa, pt, la))
            break;
        pa += la + (pa[la] == '/');
        pt += lt + (pt[lt] == '/');
    }
    size_t ups = 0;
    for (const char *p = pa; *p; p += comp_len(p) + (p[comp_len(p)] == '/'))
        ups++;
    hp_sbuf b = {0};
    for (size_t i = 0; i < ups; i++)
        hp_sbuf_puts(&b, i ? "/.." : "..");
    if (*pt) {
        if (ups)
            hp_sbuf_put(&b, "/", 1);
        hp_sbuf_puts(&b, pt);
    }
    if (!ups && !*pt)
        hp_sbuf_put(&b, ".", 1);
    free(a);
    free(t);
    if (hp_sbuf_err(&b) != HP_OK) {
        hp_sbuf_release(&b);
        return HP_ENOMEM;
    }
    *out = b.p;
    return HP_OK;
}
