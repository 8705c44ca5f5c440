/* SPDX-License-Identifier: MIT */
/* Text for a self-contained HTML page: escaped text, file links relative to the page, and
 * binary data inlined as base64 (the report's plots). */
#ifndef HP_HTML_H
#define HP_HTML_H
#include <stddef.h>
#include "hp_err.h"
#include "sbuf.h"

/* Appends s as HTML text that is safe both between tags and inside a quoted attribute value:
 * & < > " ' become character references, control characters other than tab and newline
 * become spaces, and bytes that are not well-formed UTF-8 (and the non-characters U+FFFE,
 * U+FFFF) become U+FFFD. NULL appends nothing. */
void hp_html_text(hp_sbuf *b, const char *s);

/* Appends a relative path as the path of a URL: bytes other than the unreserved ASCII
 * letters, digits, "-._~" and the separator "/" are percent-encoded (UTF-8 bytes too), so
 * spaces, '#', '?', '%', quotes and '<' cannot change what the link points at or end the
 * attribute. NULL appends nothing. */
void hp_html_url_path(hp_sbuf *b, const char *path);

/* Appends n bytes as base64 (RFC 4648, with padding, no line breaks). */
void hp_html_base64(hp_sbuf *b, const void *data, size_t n);

/* The path of `to` relative to the directory `from_dir`, both resolved first (realpath, so
 * both must exist), e.g. "../S/eq/ParametricEQ.txt", or "." for the directory itself.
 * *out is malloc'ed. HP_EINVAL for NULL arguments, HP_EIO when a path cannot be resolved
 * (errno says why), HP_ENOMEM. */
hp_err hp_html_relpath(const char *from_dir, const char *to, char **out) HP_WUR;

#endif
