/*
 * review_form_fuzz.c - libFuzzer harness for the review pages' form and
 * query reader and their HTML escaping (review.h)
 *
 * The input is a form (or a query string). Each field the pages read is
 * looked up; a value found must be NUL-free, shorter than its buffer and
 * its escaped form must hold no markup character. Then the whole input
 * is escaped and checked the same way. A broken promise aborts.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clean - the escaped text has no raw markup or control byte */
static void
clean(const struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '<' || c == '>' || c == '"' || c == '\'' ||
		    (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"id", "action", "reason", "csrf",
	    "confirm", "token", "user", "password", "status", "since", NULL};
	const char *form = (const char *)data;
	char v[64];
	struct buf b;
	size_t i;
	int r;

	for (i = 0; names[i] != NULL; i++) {
		r = review_form_value(v, sizeof(v), form, size, names[i]);
		if (r < -1 || r > 1)
			abort();
		if (r == 1) {
			if (strlen(v) >= sizeof(v))
				abort();
			buf_init(&b, 1024);
			if (review_html(&b, v, strlen(v)) != BUF_OK)
				abort();
			clean(&b);
			buf_free(&b);
		}
	}
	buf_init(&b, 8 * size + 16);
	if (review_html(&b, form, size) != BUF_OK)
		abort();
	if (b.data != NULL)
		clean(&b);
	buf_free(&b);
	return 0;
}
