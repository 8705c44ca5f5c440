/* SPDX-License-Identifier: MIT */
/* The report's text building blocks against exact expectations: HTML escaping (markup,
 * quotes, control characters, invalid UTF-8), URL paths, base64 against the RFC 4648 test
 * vectors, relative links between real directories (symlinks resolved, missing paths
 * refused), and the log-frequency interpolation used for THD at 100 Hz and 1 kHz against
 * values of a straight line in log f. The command itself is tested end to end, in a browser,
 * by tests/cli/report.sh. */
#include "t.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plots/html.h"
#include "plots/reputil.h"
#include "plots/sbuf.h"

static char *esc(void (*fn)(hp_sbuf *, const char *), const char *s)
{
    static char out[4][512];
    static int k;
    char *o = out[k++ % 4];
    hp_sbuf b = {0};
    fn(&b, s);
    snprintf(o, sizeof out[0], "%s", b.p ? b.p : "");
    hp_sbuf_release(&b);
    return o;
}

static void text(void)
{
    CHECK(!strcmp(esc(hp_html_text, "<b>Bad & \"quoted\" 'x'</b>"),
                  "&lt;b&gt;Bad &amp; &quot;quoted&quot; &#39;x&#39;&lt;/b&gt;"));
    CHECK(!strcmp(esc(hp_html_text, "</script><!-- -->"), "&lt;/script&gt;&lt;!-- --&gt;"));
    /* tab and newline kept, other controls (ESC, DEL, CR) become spaces */
    CHECK(!strcmp(esc(hp_html_text, "a\tb\nc\x1b[31md\x7f\r"), "a\tb\nc [31md  "));
    /* UTF-8 passes; a stray continuation byte, an overlong '<' and a truncated sequence become
     * U+FFFD, so no byte can turn into markup */
    CHECK(!strcmp(esc(hp_html_text, "Beyerdynamic DT 770 \xe2\x80\x93 80 \xce\xa9"),
                  "Beyerdynamic DT 770 \xe2\x80\x93 80 \xce\xa9"));
    CHECK(!strcmp(esc(hp_html_text, "a\x80z"), "a\xef\xbf\xbdz"));
    CHECK(!strcmp(esc(hp_html_text, "\xc0\xbc"), "\xef\xbf\xbd\xef\xbf\xbd"));
    CHECK(!strcmp(esc(hp_html_text, "x\xe2\x80"), "x\xef\xbf\xbd\xef\xbf\xbd"));
    CHECK(!strcmp(esc(hp_html_text, "\xef\xbf\xbe"), "\xef\xbf\xbd"));
    CHECK(!strcmp(esc(hp_html_text, NULL), ""));
}

static void url(void)
{
    CHECK(!strcmp(esc(hp_html_url_path, "../S/eq/ParametricEQ.txt"), "../S/eq/ParametricEQ.txt"));
    CHECK(!strcmp(esc(hp_html_url_path, "E Q #1?&\"<'>%/x\xc3\xa9"),
                  "E%20Q%20%231%3F%26%22%3C%27%3E%25/x%C3%A9"));
    CHECK(!strcmp(esc(hp_html_url_path, "a-b_c.d~e"), "a-b_c.d~e"));
}

static void base64(void)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                      "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        hp_sbuf b = {0};
        hp_html_base64(&b, in[i], strlen(in[i]));
        CHECK(!strcmp(b.p ? b.p : "", out[i]));
        hp_sbuf_release(&b);
    }
    const unsigned char bin[] = {0x00, 0xff, 0xfe, 0x3e, 0x3f};
    hp_sbuf b = {0};
    hp_html_base64(&b, bin, sizeof bin);
    CHECK(!strcmp(b.p, "AP/+Pj8="));
    hp_sbuf_release(&b);
}

static int rel_is(const char *from, const char *to, const char *want)
{
    char *got = NULL;
    hp_err e = hp_html_relpath(from, to, &got);
    int ok = e == HP_OK && got && !strcmp(got, want);
    if (!ok)
        fprintf(stderr, "relpath %s -> %s: got %s, want %s\n", from, to, got ? got : "(error)",
                want);
    free(got);
    return ok;
}

static void relpath(void)
{
    char root[] = "/tmp/hpfr-test-report-XXXXXX", p[8][600];
    CHECK(mkdtemp(root) != NULL);
    const char *dirs[] = {"a", "a/b", "c", "c/d e"};
    for (int i = 0; i < 4; i++) {
        snprintf(p[i], sizeof p[i], "%s/%s", root, dirs[i]);
        CHECK(mkdir(p[i], 0777) == 0);
    }
    snprintf(p[4], sizeof p[4], "%s/c/d e/x.txt", root);
    FILE *f = fopen(p[4], "w");
    CHECK(f && fclose(f) == 0);
    snprintf(p[5], sizeof p[5], "%s/link", root);
    CHECK(symlink(p[0], p[5]) == 0);
    CHECK(rel_is(p[1], p[4], "../../c/d e/x.txt"));
    CHECK(rel_is(p[0], p[1], "b"));
    CHECK(rel_is(p[1], p[0], ".."));
    CHECK(rel_is(p[1], p[1], "."));
    CHECK(rel_is(p[5], p[1], "b"));          /* the link is resolved to a */
    CHECK(rel_is(root, p[4], "c/d e/x.txt"));
    char *real = realpath(root, NULL);
    snprintf(p[6], sizeof p[6], "%s/a", real ? real + 1 : "?");
    CHECK(rel_is("/", p[0], p[6]));
    free(real);
    char *got = (char *)"untouched";
    snprintf(p[7], sizeof p[7], "%s/missing", root);
    CHECK(hp_html_relpath(p[0], p[7], &got) == HP_EIO && got == NULL);
    CHECK(hp_html_relpath(NULL, p[0], &got) == HP_EINVAL);
    unlink(p[5]);
    unlink(p[4]);
    for (int i = 3; i >= 0; i--)
        rmdir(p[i]);
    rmdir(root);
}

static void interp(void)
{
    /* y = 10 log10(f/10): a straight line in log f, so interpolation is exact. */
    const double f[] = {10, 100, 1000, 2000};
    const double y[] = {0, 10, 20, 10 * log10(200.0)};
    CHECK_NEAR(rp_interp_logf(f, y, 4, sqrt(1000.0)), 5, 1e-12);
    CHECK_NEAR(rp_interp_logf(f, y, 4, 1500), 10 * log10(150.0), 1e-12);
    CHECK_NEAR(rp_interp_logf(f, y, 4, 10), 0, 0);
    CHECK_NEAR(rp_interp_logf(f, y, 4, 2000), y[3], 0);
    CHECK(isnan(rp_interp_logf(f, y, 4, 9.99)));
    CHECK(isnan(rp_interp_logf(f, y, 4, 2001)));
    CHECK(isnan(rp_interp_logf(f, y, 0, 100)));
    const double g[] = {0, NAN, 20, 30};
    CHECK(isnan(rp_interp_logf(f, g, 4, 50)));
    CHECK_NEAR(rp_interp_logf(f, g, 4, 1000), 20, 0);
}

static void numbers(void)
{
    char t[64];
    CHECK(!strcmp(rp_fx(t, sizeof t, 0.4449, 2, 1), "+0.44"));
    CHECK(!strcmp(rp_fx(t, sizeof t, -0.004, 2, 1), "0.00"));
    CHECK(!strcmp(rp_fx(t, sizeof t, 0.004, 2, 1), "0.00"));
    CHECK(!strcmp(rp_fx(t, sizeof t, -6.0, 1, 0), "-6.0"));
    CHECK(!strcmp(rp_fx(t, sizeof t, NAN, 1, 0), "n/a"));
    CHECK(!strcmp(rp_fx(t, sizeof t, INFINITY, 1, 0), "n/a"));
}

int main(void)
{
    text();
    url();
    base64();
    relpath();
    interp();
    numbers();
    T_DONE();
}
