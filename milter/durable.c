/*
 * durable.c - the durable write: temporary file, full write, fsync,
 * rename, fsync of the directory
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "durable.h"

int
durable_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* sync_dir - fsync the directory that holds path */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct buf dir;
	int fd, r = -1, saved;

	buf_init(&dir, 4096);
	if ((slash == NULL ? buf_puts(&dir, ".") :
	                     buf_append(&dir, path,
	                         slash == path ? 1 : (size_t)(slash - path))) !=
	    BUF_OK) {
		buf_free(&dir);
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(buf_str(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		r = fsync(fd);
		saved = errno;
		(void)close(fd);
		errno = saved;
	}
	buf_free(&dir);
	return r;
}

int
durable_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	struct buf tmp;
	int fd, saved;

	buf_init(&tmp, 4096 + 8);
	if (buf_printf(&tmp, "%s.tmp", path) != BUF_OK) {
		buf_free(&tmp);
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)unlink(buf_str(&tmp));
	fd = open(buf_str(&tmp),
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd == -1)
		goto fail;
	if (durable_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) == -1 || rename(buf_str(&tmp), path) == -1)
		goto fail;
	buf_free(&tmp);
	return sync_dir(path);
fail:
	saved = errno;
	(void)unlink(buf_str(&tmp));
	buf_free(&tmp);
	errno = saved;
	return -1;
}
