/* SPDX-License-Identifier: MIT */
/* Atomic output: a set of files that appear together, complete, or not at all. */
#ifndef HP_OUTSET_H
#define HP_OUTSET_H
#include <stddef.h>
#include <stdio.h>
#include "hp_err.h"

/* Every file of a set is written under a temporary name in the target directory
 * (".NAME.tmp-PID-N"), and hp_outset_commit() flushes and fsyncs them all, then renames them
 * into place only when every one was written successfully. Without a successful commit,
 * hp_outset_free() removes the temporaries and any directory the set created, so a failed
 * run leaves no new file behind and existing files keep their old content.
 *
 * Write errors are reported, not fatal: a program using this should ignore SIGXFSZ
 * (signal(SIGXFSZ, SIG_IGN)) so that exceeding RLIMIT_FSIZE becomes EFBIG and thus HP_EIO
 * instead of killing the process. Several threads may register and write files of one set at
 * once (hp_outset_reserve, hp_outset_path, hp_outset_fopen, hp_outset_written, each on its own
 * files); commit and free must not overlap anything else. Commit syncs and renames in
 * threads of its own (up to four). */
typedef struct hp_outset hp_outset;

/* Starts a set writing into dir, creating dir and missing parents (mode 0777 & ~umask) and
 * remembering which it created. Returns NULL and sets *err (optional) to HP_EINVAL (NULL or
 * empty dir), HP_EIO (a component cannot be created or is not a directory; errno tells
 * why) or HP_ENOMEM. Free with hp_outset_free(). */
hp_outset *hp_outset_new(const char *dir, hp_err *err);

/* Keeps the files the commit replaces instead of deleting them: each goes to
 * DIR/.hpfr-prev/ under its own name (the directory is made when first needed), where it
 * holds the previous content until a later set keeping files takes it over for a new
 * version of that name. Taking over means the new content is written over the old file's
 * disk space and swapped into place (RENAME_EXCHANGE, as atomic as the rename it replaces);
 * no blocks are freed or allocated, which on a file system that discards freed blocks at
 * once (ext4 mounted with discard) saves most of the commit's time. A kept file is taken
 * over only when it is a plain file with no other link; a stream from hp_outset_fopen ends
 * at its position at commit (the rest of the old content is cut off), a path from
 * hp_outset_path is emptied first. Without exchange support (some file systems) the commit
 * renames as usual and keeps nothing. Call before registering files. HP_EINVAL for NULL,
 * a set with files registered or committed; HP_ENOMEM. */
hp_err hp_outset_keep_previous(hp_outset *s) HP_WUR;

/* Registers the final file name `name` (no '/', not "." or "..", not registered before) and
 * returns the temporary path to write it to, for writers that take a path (libsndfile). The
 * temporary file already exists (created empty, exclusively); writers may truncate it. The
 * string is owned by the set and valid until hp_outset_free(). Returns NULL on bad name,
 * duplicate, a committed set, allocation or creation failure. */
const char *hp_outset_path(hp_outset *s, const char *name);

/* Registers `name` as above and returns its temporary file opened for writing ("w"). The
 * set owns the FILE: do not fclose it; commit flushes, fsyncs and closes it. NULL on error. */
FILE *hp_outset_fopen(hp_outset *s, const char *name);

/* Creates the temporary for `name` now, ahead of its writer (creating files is the slow part
 * of writing small ones, and can be done while something else is computed); a later
 * hp_outset_path or hp_outset_fopen of the same name takes it over. A reserved name nobody
 * registered by commit time is dropped, not published. HP_EINVAL for a bad or registered
 * name or a committed set, HP_EIO when the file cannot be created, HP_ENOMEM. */
hp_err hp_outset_reserve(hp_outset *s, const char *name) HP_WUR;

/* Says the file registered as `name` is complete (a FILE from hp_outset_fopen is flushed, and
 * stays open until commit) and starts writing it to disk, so that commit's fsync finds little
 * left to do. Optional. HP_EINVAL for an unknown name; HP_EIO when flushing fails (commit
 * then fails on the same file). */
hp_err hp_outset_written(hp_outset *s, const char *name) HP_WUR;

/* Makes the set durable and visible: fflush + fsync + fclose each FILE from hp_outset_fopen,
 * fsync each file written through hp_outset_path, and only if all of that succeeded rename
 * every temporary to its final name (replacing existing files) and fsync the directory (and
 * the parents of directories the set created).
 * Errors:
 *   HP_EINVAL  NULL or already committed
 *   HP_EIO     a flush, fsync or close failed (disk full, RLIMIT_FSIZE, ...), a registered
 *              file is missing, or a directory is in the way of a final name: nothing has
 *              been renamed, and hp_outset_free() discards the temporaries. Also returned,
 *              with the files in place, when the directory fsync after the renames fails.
 *   HP_ENOMEM
 * A rename failing after these checks (an I/O error mid-way) leaves the files renamed so far
 * in place; that is the one case the set cannot undo. errno tells the cause of HP_EIO. */
hp_err hp_outset_commit(hp_outset *s) HP_WUR;

/* After a failed commit: the name (within the directory) of the file it failed on, or NULL.
 * Valid until hp_outset_free. */
const char *hp_outset_failed(const hp_outset *s);

/* Frees the set. If it was not committed: closes open FILEs, unlinks all temporaries and
 * removes the directories hp_outset_new() created, when empty. s may be NULL. */
void hp_outset_free(hp_outset *s);

/* The directory given to hp_outset_new() (owned by the set), or NULL for NULL. */
const char *hp_outset_dir(const hp_outset *s);

/* Replaces (or creates) the single file at path with len bytes from data: writes a temporary
 * in the same directory, fsyncs it, renames it over path and fsyncs the directory. The
 * directory must exist. On any failure the temporary is removed and the old content of path
 * is intact. Errors: HP_EINVAL (NULL path, path ending in '/', NULL data with len > 0),
 * HP_EIO (create, write, fsync, close or rename failed; errno tells why), HP_ENOMEM. */
hp_err hp_write_file_atomic(const char *path, const void *data, size_t len) HP_WUR;

/* Removes from dir the temporaries (.NAME.tmp-PID-N, as this module names them) left by
 * writers that no longer run: a process killed or a machine that lost power mid-write leaves
 * them behind; no reader looks at them, but they take space. A temporary of a process that
 * is still running (or whose PID now belongs to another process) is left alone. *removed
 * (optional) counts the files removed. HP_EINVAL for NULL dir, HP_EIO (errno) when dir
 * cannot be read or a temporary cannot be removed, HP_ENOMEM. Only dir itself, not its
 * subdirectories. */
hp_err hp_outset_remove_stale(const char *dir, size_t *removed) HP_WUR;

#endif
