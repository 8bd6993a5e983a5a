/*
 * buf.h - the bounded byte buffer used for all untrusted data
 *
 * A buffer has a ceiling fixed at creation. Appends check the room first
 * and fail with BUF_TOOBIG instead of growing past it; the contents are
 * always NUL-terminated (a safety net: lengths are authoritative).
 * The struct is public so a buffer can live on the stack; treat its fields
 * as read-only outside buf.c. Not thread-safe; a buffer has one owner.
 */
#ifndef GUARDIAN_BUF_H
#define GUARDIAN_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define BUF_OK 0
#define BUF_NOMEM (-1)  /* allocation failed; contents unchanged */
#define BUF_TOOBIG (-2) /* the append would pass the ceiling; unchanged */

struct buf {
	char *data; /* NULL until the first append */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* ceiling on len */
};

/* buf_init - make b empty with ceiling max; allocates nothing */
void buf_init(struct buf *b, size_t max);

/* buf_free - release the storage; b is empty afterwards. NULL is fine. */
void buf_free(struct buf *b);

/* buf_reset - forget the contents, keep the storage */
void buf_reset(struct buf *b);

/* buf_append - append n bytes; BUF_OK, BUF_NOMEM or BUF_TOOBIG */
int buf_append(struct buf *b, const void *p, size_t n);

/* buf_puts - append a NUL-terminated string */
int buf_puts(struct buf *b, const char *s);

/* buf_putc - append one byte */
int buf_putc(struct buf *b, int c);

/* buf_printf - append formatted text; BUF_TOOBIG leaves b unchanged */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* buf_str - the contents as a string; "" for an empty buffer (borrowed
 * until the next change to b) */
const char *buf_str(const struct buf *b);

/* buf_steal - hand the contents to the caller (free() it) and make b
 * empty; returns NULL only on allocation failure */
char *buf_steal(struct buf *b);

#endif /* GUARDIAN_BUF_H */
