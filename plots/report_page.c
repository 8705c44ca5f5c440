/* SPDX-License-Identifier: MIT */
/* Pieces of the report page: head and stylesheet, figures, links, numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"
#include "num.h"
#include "reputil.h"

/* Readable from a phone to a desktop: one column whose width follows the screen, figures
 * scaled to it, wide tables scrolling inside their own box instead of the page, and the
 * summary table stacking its label above its value on narrow screens. */
static const char css[] =
    ":root{color-scheme:light}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;background:#fff;color:#1d1d1f;"
    "font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\n"
    "main{max-width:1080px;margin:0 auto;padding:0 16px 40px}\n"
    "header{border-bottom:3px solid #0072B2;margin-bottom:8px}\n"
    "h1{font-size:1.7rem;margin:20px 0 4px;overflow-wrap:anywhere}\n"
    "h2{font-size:1.3rem;margin:32px 0 8px;border-bottom:1px solid #ddd}\n"
    /* anchors land below the sticky navigation bar, not under it */
    "section,h3,details,figure{scroll-margin-top:56px}\n"
    "h3{font-size:1.08rem;margin:20px 0 6px}\n"
    ".sub{color:#555;margin:0 0 10px;overflow-wrap:anywhere}\n"
    "nav{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #eee;"
    "z-index:1;overflow-x:auto;white-space:nowrap}\n"
    "nav a{margin-right:14px}\n"
    "a{color:#0060a0}\n"
    "code{font-size:.92em;background:#f4f4f4;padding:0 3px;border-radius:3px;"
    "overflow-wrap:anywhere}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}\n"
    "table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:5px 10px;border-bottom:1px solid #e2e2e2;text-align:left;"
    "vertical-align:top}\n"
    "thead th{background:#f3f6f9;white-space:nowrap}\n"
    "td.n{text-align:right;white-space:nowrap}\n"
    "td.captured{white-space:nowrap}\n"
    "table.summary{width:100%}\n"
    "table.summary th{width:13em;font-weight:600}\n"
    "figure{margin:14px 0 22px;position:relative;overflow-x:auto}\n"
    "figure img{display:block;width:100%;height:auto;border:1px solid #e5e5e5}\n"
    /* tap to enlarge (phones): a checkbox per figure, no script */
    ".zoom{position:absolute;top:0;left:0;opacity:0;width:1px;height:1px}\n"
    "figure label{display:block}\n"
    ".zoomhint{display:none}\n"
    "figcaption{color:#555;font-size:.92rem;margin-top:4px}\n"
    ".missing{background:#fff7e8;border-left:4px solid #E69F00;padding:6px 10px;"
    "overflow-wrap:anywhere}\n"
    ".verdict{font-weight:700}\n"
    "details{border:1px solid #e2e2e2;border-radius:4px;padding:0 12px;margin:10px 0}\n"
    "summary{cursor:pointer;padding:8px 0;font-weight:600}\n"
    "ul{padding-left:22px}\n"
    "footer{color:#666;font-size:.9rem;border-top:1px solid #ddd;margin-top:36px;"
    "padding-top:8px;overflow-wrap:anywhere}\n"
    "@media (max-width:640px){\n"
    "body{font-size:15px}\n"
    "main{padding:0 10px 28px}\n"
    "h1{font-size:1.4rem}\n"
    "th,td{padding:4px 6px}\n"
    "table.summary,table.summary tbody,table.summary tr,table.summary th,table.summary td"
    "{display:block;width:auto}\n"
    "table.summary tr{border-bottom:1px solid #e2e2e2;padding:4px 0}\n"
    "table.summary th,table.summary td{border:0;padding:0 2px}\n"
    "details{padding:0 6px}\n"
    "figure label{cursor:zoom-in}\n"
    ".zoom:checked+label{cursor:zoom-out}\n"
    ".zoom:checked+label img{width:auto;max-width:none}\n"
    ".zoom:focus-visible+label img{outline:2px solid #0072B2}\n"
    ".zoomhint{display:inline}\n"
    "}\n"
    "@media print{nav{display:none}details{border:0}}\n";

void rp_t(hp_sbuf *b, const char *s)
{
    hp_html_text(b, s);
}

const char *rp_fx(char *buf, size_t size, double v, int dec, int sign)
{
    char t[400];
    if (!isfinite(v) || hp_num_fixed(t, sizeof t, v, dec) != HP_OK) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    int zero = t[strspn(t, "0.")] == '\0'; /* "0.00": no sign, as hp_num_fixed writes it */
    snprintf(buf, size, "%s%s", sign && v > 0 && !zero ? "+" : "", t);
    return buf;
}

void rp_link(hp_sbuf *b, const char *out_dir, const char *path, const char *text)
{
    char *rel = NULL;
    if (hp_html_relpath(out_dir, path, &rel) != HP_OK) {
        rp_t(b, text);
        return;
    }
    hp_sbuf_puts(b, "<a href=\"");
    hp_html_url_path(b, rel);
    hp_sbuf_puts(b, "\">");
    rp_t(b, text);
    hp_sbuf_puts(b, "</a>");
    free(rel);
}

void rp_missing(hp_sbuf *b, const char *text)
{
    hp_sbuf_puts(b, "<p class=\"missing\">");
    rp_t(b, text);
    hp_sbuf_puts(b, "</p>\n");
}

void rp_figure(hp_sbuf *b, const hp_rep_fig *f, const char *id, const char *caption)
{
    if (!f->svg) {
        char text[1400];
        snprintf(text, sizeof text, "No plot of %s: %s", caption,
                 f->note ? f->note : "not drawn");
        rp_missing(b, text);
        return;
    }
    /* An <img> keeps each SVG a document of its own: gnuplot's element ids (gpPt0, ...)
     * repeat in every figure and must not clash within one page. The checkbox before it
     * lets a tap show the figure at its own size on a phone (CSS only). */
    hp_sbuf_printf(b, "<figure id=\"%s\"><input type=\"checkbox\" class=\"zoom\" id=\"zoom-%s\" "
                      "aria-label=\"enlarge\"><label for=\"zoom-%s\"><img width=\"%u\" height=\"%u\" "
                      "alt=\"", id, id, id, f->w, f->h);
    rp_t(b, caption);
    hp_sbuf_puts(b, "\" src=\"data:image/svg+xml;base64,");
    hp_html_base64(b, f->svg, f->svg_len);
    hp_sbuf_puts(b, "\"></label><figcaption>");
    rp_t(b, caption);
    hp_sbuf_printf(b, "<span class=\"zoomhint\"> (tap the plot to enlarge it)</span>"
                      "</figcaption></figure>\n");
}

void rp_head(hp_sbuf *b, const char *title)
{
    hp_sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    /* Nothing may be fetched: every image is a data: URI, the style inline. */
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "img-src data:; style-src 'unsafe-inline'\">\n"
                    "<meta name=\"generator\" content=\"hpfr report\">\n<title>");
    rp_t(b, title);
    hp_sbuf_puts(b, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n");
    hp_sbuf_puts(b, css);
    hp_sbuf_puts(b, "</style>\n</head>\n<body>\n<main>\n");
}
