/*
 * buf.c - the bounded byte buffer
 *
 * The ceiling is checked before anything is allocated or copied, in a
 * form that cannot overflow (n > max - len), so a failed append leaves
 * the buffer exactly as it was. Storage grows geometrically but never
 * beyond max + 1 bytes (the contents plus the NUL).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BUF_MIN_CAP 64

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* buf_reserve - make room for n more bytes plus the NUL; the caller has
 * already checked n against the ceiling */
static int
buf_reserve(struct buf *b, size_t n)
{
	size_t need, cap, limit;
	char *p;

	if (b->len + n >= SIZE_MAX)
		return BUF_NOMEM;
	need = b->len + n + 1;
	if (need <= b->cap)
		return BUF_OK;
	limit = b->max < SIZE_MAX ? b->max + 1 : SIZE_MAX;
	cap = b->cap > 0 ? b->cap : BUF_MIN_CAP;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > limit)
		cap = limit;
	if ((p = realloc(b->data, cap)) == NULL)
		return BUF_NOMEM;
	b->data = p;
	b->cap = cap;
	return BUF_OK;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	int rc;

	if (n > b->max - b->len)
		return BUF_TOOBIG;
	if ((rc = buf_reserve(b, n)) != BUF_OK)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return BUF_OK;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(struct buf *b, int c)
{
	unsigned char ch = (unsigned char)c;

	return buf_append(b, &ch, 1);
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	size_t n;
	int len, rc;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		return BUF_NOMEM;
	n = (size_t)len;
	if (n > b->max - b->len)
		return BUF_TOOBIG;
	if ((rc = buf_reserve(b, n)) != BUF_OK)
		return rc;
	if (vsnprintf(b->data + b->len, n + 1, fmt, ap) != len) {
		b->data[b->len] = '\0';
		return BUF_NOMEM;
	}
	b->len += n;
	return BUF_OK;
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_steal(struct buf *b)
{
	char *s;

	if (b->data == NULL)
		return strdup("");
	s = b->data;
	buf_init(b, b->max);
	return s;
}
