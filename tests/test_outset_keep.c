/* SPDX-License-Identifier: MIT */
/* hp_outset_keep_previous: a set keeping what it replaces leaves the previous version of each
 * file in DIR/.hpfr-prev/, and the next one writes over that file's space (same inode) with
 * exactly the new bytes, however long the old ones were. Only a plain file with one link is
 * written over; a failed or abandoned set changes no final file. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outset.h"
#include "t.h"

static char dir[] = "/tmp/hpfr-keep-XXXXXX";

static const char *at(const char *name)
{
    static char buf[4][600];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* The whole content of dir/name, or NULL. */
static char *content(const char *name)
{
    FILE *f = fopen(at(name), "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 4096);
    size_t n = buf ? fread(buf, 1, 4095, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

static int has(const char *name, const char *text)
{
    char *c = content(name);
    int same = c && strcmp(c, text) == 0;
    if (!same)
        fprintf(stderr, "%s holds \"%s\", expected \"%s\"\n", name, c ? c : "(nothing)", text);
    free(c);
    return same;
}

static ino_t inode(const char *name)
{
    struct stat st;
    return lstat(at(name), &st) == 0 ? st.st_ino : 0;
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Temporaries (.NAME.tmp-PID-N) left in dir. */
static int temporaries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".tmp-") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* One set keeping what it replaces: a.txt through a stream, b.bin through a path written
 * without truncating (as some writers open files). commit: 1 to commit, 0 to abandon. */
static hp_err write_set(const char *a, const char *b, int commit)
{
    hp_err e = HP_OK;
    hp_outset *s = hp_outset_new(dir, &e);
    if (!s)
        return e;
    e = hp_outset_keep_previous(s);
    FILE *f = e == HP_OK ? hp_outset_fopen(s, "a.txt") : NULL;
    const char *p = f ? hp_outset_path(s, "b.bin") : NULL;
    if (!p) {
        hp_outset_free(s);
        return HP_EIO;
    }
    fputs(a, f);
    int fd = open(p, O_WRONLY);
    if (fd < 0 || write(fd, b, strlen(b)) != (ssize_t)strlen(b))
        e = HP_EIO;
    if (fd >= 0)
        close(fd);
    if (e == HP_OK && commit)
        e = hp_outset_commit(s);
    hp_outset_free(s);
    return e;
}

static void versions(void)
{
    /* First run: nothing replaced, nothing kept. */
    CHECK(write_set("first version of a", "first b", 1) == HP_OK);
    CHECK(has("a.txt", "first version of a") && has("b.bin", "first b"));
    CHECK(inode(".hpfr-prev") == 0);

    /* Second, shorter: the first is kept, the new file holds the new bytes only. */
    CHECK(write_set("2nd", "b2", 1) == HP_OK);
    CHECK(has("a.txt", "2nd") && has("b.bin", "b2"));
    CHECK(has(".hpfr-prev/a.txt", "first version of a") && has(".hpfr-prev/b.bin", "first b"));

    /* Third, shorter than the first: written into the first version's file (the same
     * inode), which takes the place of a.txt; the second is now the kept one. */
    ino_t kept = inode(".hpfr-prev/a.txt"), current = inode("a.txt");
    CHECK(write_set("3rd", "b3", 1) == HP_OK);
    CHECK(has("a.txt", "3rd") && has("b.bin", "b3"));
    CHECK(has(".hpfr-prev/a.txt", "2nd") && has(".hpfr-prev/b.bin", "b2"));
    CHECK(kept != 0 && inode("a.txt") == kept && inode(".hpfr-prev/a.txt") == current);

    /* Abandoned after writing: the final files are untouched, no temporary is left. The
     * kept file it took over was written to, so it is gone rather than kept corrupt. */
    CHECK(write_set("abandoned", "abandoned", 0) == HP_OK);
    CHECK(has("a.txt", "3rd") && has("b.bin", "b3"));
    CHECK(temporaries() == 0);
    CHECK(inode(".hpfr-prev/a.txt") == 0);
    CHECK(write_set("4", "4b", 1) == HP_OK && has("a.txt", "4") && has("b.bin", "4b"));
    CHECK(has(".hpfr-prev/a.txt", "3rd"));
    CHECK(temporaries() == 0);
}

/* A kept file with another link, or a symbolic link, is not written through. */
static void links(void)
{
    put("elsewhere", "someone's file");
    unlink(at(".hpfr-prev/a.txt"));
    CHECK(symlink(at("elsewhere"), at(".hpfr-prev/a.txt")) == 0);
    unlink(at(".hpfr-prev/b.bin"));
    put("linked", "linked elsewhere");
    CHECK(link(at("linked"), at(".hpfr-prev/b.bin")) == 0);
    CHECK(write_set("five", "five b", 1) == HP_OK);
    CHECK(has("a.txt", "five") && has("b.bin", "five b"));
    CHECK(has("elsewhere", "someone's file") && has("linked", "linked elsewhere"));
    struct stat st;
    CHECK(lstat(at("a.txt"), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1);
    CHECK(temporaries() == 0);
    unlink(at("elsewhere"));
    unlink(at("linked"));
}

/* A name reserved and never written gives its kept file back untouched; the final file
 * stays as it was. */
static void reserved_unused(void)
{
    hp_outset *s = hp_outset_new(dir, NULL);
    CHECK(s && hp_outset_keep_previous(s) == HP_OK);
    CHECK(hp_outset_reserve(s, "a.txt") == HP_OK);
    FILE *f = hp_outset_fopen(s, "c.txt");
    CHECK(f != NULL);
    if (f)
        fputs("c", f);
    CHECK(hp_outset_keep_previous(s) == HP_EINVAL); /* files are registered already */
    CHECK(hp_outset_commit(s) == HP_OK);
    hp_outset_free(s);
    CHECK(has("a.txt", "five") && has(".hpfr-prev/a.txt", "4") && has("c.txt", "c"));
    CHECK(temporaries() == 0);
    /* The same when the set is abandoned. */
    s = hp_outset_new(dir, NULL);
    CHECK(s && hp_outset_keep_previous(s) == HP_OK && hp_outset_reserve(s, "a.txt") == HP_OK);
    hp_outset_free(s);
    CHECK(has("a.txt", "five") && has(".hpfr-prev/a.txt", "4") && temporaries() == 0);
    CHECK(hp_outset_keep_previous(NULL) == HP_EINVAL);
}

static void remove_all(const char *d)
{
    DIR *h = opendir(d);
    char p[700];
    for (struct dirent *e; h && (e = readdir(h));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        if (unlink(p) != 0)
            remove_all(p);
    }
    if (h)
        closedir(h);
    rmdir(d);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    versions();
    links();
    reserved_unused();
    remove_all(dir);
    T_DONE();
}
