/*
 * durable.h - writing files so that a crash never leaves half of one
 *
 * The durable write of mail systems (OpenSMTPD's fsqueue, Postfix's
 * queue files): a new file beside the old one, written whole, synced,
 * renamed over the old one, and the directory synced, so that after a
 * crash the path holds either the old content or the new, never a mix.
 * The state files of the daemon use it now; the quarantine store will.
 */
#ifndef GUARDIAN_DURABLE_H
#define GUARDIAN_DURABLE_H

#include <stddef.h>
#include <sys/types.h>

/* durable_write_all - all n bytes of p to fd, retrying short and
 * interrupted writes; 0, or -1 with errno (EIO when write() makes no
 * progress) */
int durable_write_all(int fd, const void *p, size_t n);

/*
 * durable_replace - make data (len bytes) the content of path: a
 * temporary file "path.tmp" (O_CREAT|O_EXCL|O_NOFOLLOW, mode; a stale
 * one from a crash is removed first), full write, fsync, close, rename
 * over path, fsync of path's directory. Returns 0, or -1 with errno with
 * the temporary file removed and path as it was (unless only the final
 * fsync of the directory failed: the new content is then in place but
 * may not survive a crash). path is ours, never from mail data.
 */
int durable_replace(
    const char *path, const void *data, size_t len, mode_t mode);

#endif /* GUARDIAN_DURABLE_H */
