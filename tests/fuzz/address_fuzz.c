/*
 * address_fuzz.c - libFuzzer harness for the canonical address form
 *
 * The input is one address. Every result is checked against the
 * promises of address.h: the text is NUL-terminated and no longer than
 * the input; with ADDRESS_OK it is local@domain with one '@' splitting
 * them at at, a non-empty local part without a routing operator, a
 * domain in lower case without a trailing dot, and canonicalising the
 * text again gives the same text; with ADDRESS_UNRESOLVABLE a reason is
 * given. A broken promise aborts.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Imilter \
 *	    -Icompat tests/fuzz/address_fuzz.c milter/address.c \
 *	    -o address_fuzz
 *	./address_fuzz -max_len=1100 -max_total_time=60
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const local[] = {"district.example", "example.org"};

/* check_ok - the promises of an ADDRESS_OK result */
static void
check_ok(const struct address *a, size_t size)
{
	static struct address again;
	const char *dom;
	size_t len = strlen(a->text), i;

	if (len > size || a->at == 0 || a->at >= len || a->text[a->at] != '@')
		abort();
	for (i = 0; i < a->at; i++)
		if (a->text[i] == '@' || a->text[i] == '%' || a->text[i] == '!')
			abort();
	dom = address_domain(a);
	if (*dom == '\0' || dom[strlen(dom) - 1] == '.' ||
	    strchr(dom, '@') != NULL)
		abort();
	for (i = 0; dom[i] != '\0'; i++)
		if (dom[i] >= 'A' && dom[i] <= 'Z')
			abort();
	/* the canonical form of a canonical form is itself, unless it
	 * needs quotes to be written (a blank, a quote, a backslash or an
	 * angle bracket in the local part) */
	if (strcspn(a->text, " \"\\<>") != len)
		return;
	if (address_canon(&again, a->text, len, local, 2) != ADDRESS_OK ||
	    strcmp(again.text, a->text) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct address a;

	memset(&a, 0x5a, sizeof(a));
	if (address_canon(&a, (const char *)data, size, local, 2) ==
	    ADDRESS_OK) {
		if (a.status != ADDRESS_OK || a.why != NULL)
			abort();
		check_ok(&a, size);
	} else if (a.status != ADDRESS_UNRESOLVABLE || a.why == NULL ||
	    memchr(a.text, '\0', sizeof(a.text)) == NULL ||
	    strlen(a.text) > size) {
		abort();
	}
	return 0;
}
