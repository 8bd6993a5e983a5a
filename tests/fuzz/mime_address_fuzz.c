/*
 * mime_address_fuzz.c - libFuzzer harness for the address field reader
 *
 * The first input byte picks the address limit (0 to 15, or the default
 * bound when it is 0xff), the rest up to the first NUL byte is the field
 * value. Checks the reader's promises: nothing is delivered unless the
 * result is MIME_ADDR_OK, never more than the limit, the count matches
 * the deliveries, every address is a non-empty string not much longer
 * than the field (an IDNA A-label may be longer than its UTF-8 form),
 * and the same field read twice gives the same answer. A broken
 * promise aborts; crashes, leaks and sanitizer reports inside GMime are
 * findings too.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Imilter \
 *	    -Icompat $(pkg-config --cflags gmime-3.0) \
 *	    tests/fuzz/mime_address_fuzz.c milter/mime.c milter/log.c \
 *	    milter/buf.c milter/utf8.c compat/strlcpy.c \
 *	    $(pkg-config --libs gmime-3.0) -o mime_address_fuzz
 *	./mime_address_fuzz -max_len=4096 -timeout=10
 * (-I. is the build directory that holds autoconf.h.)
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one read delivered. */
struct run {
	size_t calls;
	size_t bytes;  /* all addresses together */
	size_t maxlen; /* the longest */
	unsigned long hash;
};

/* deliver - the callback: check and fold each address into the run */
static int
deliver(void *arg, const char *addr)
{
	struct run *r = arg;
	size_t len = strlen(addr);

	if (len == 0)
		abort();
	r->calls++;
	r->bytes += len;
	if (len > r->maxlen)
		r->maxlen = len;
	while (*addr != '\0')
		r->hash = r->hash * 31 + (unsigned char)*addr++;
	r->hash = r->hash * 31 + '|';
	return 0;
}

/* read_field - one read, checking the promises that do not need a
 * second one */
static enum mime_addr_result
read_field(struct run *r, size_t *n, const char *value, size_t limit)
{
	enum mime_addr_result res;

	memset(r, 0, sizeof(*r));
	res = mime_address_list_parse(n, value, limit, deliver, r);
	switch (res) {
	case MIME_ADDR_OK:
		if (*n != r->calls || *n > limit)
			abort();
		/* an address is at most the field; IDNA may lengthen a
		 * domain, but not past a few times its size */
		if (r->maxlen > 4 * strlen(value) + 64)
			abort();
		break;
	case MIME_ADDR_TOO_MANY:
		if (r->calls != 0 || *n <= limit)
			abort();
		break;
	case MIME_ADDR_UNPARSABLE:
		if (r->calls != 0 || *n != 0)
			abort();
		break;
	default:
		abort(); /* the callback never fails */
	}
	return res;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum mime_addr_result a, b;
	struct run r1, r2;
	size_t limit, n1, n2;
	char *value;

	if (size == 0)
		return 0;
	limit = data[0] == 0xff ? BOUND_HEADER_ADDRESSES : (data[0] & 0x0f);
	if ((value = malloc(size)) == NULL)
		return 0;
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';

	a = read_field(&r1, &n1, value, limit);
	b = read_field(&r2, &n2, value, limit);
	if (a != b || n1 != n2 || r1.calls != r2.calls || r1.hash != r2.hash ||
	    r1.bytes != r2.bytes)
		abort();
	free(value);
	return 0;
}
