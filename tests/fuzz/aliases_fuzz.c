/*
 * aliases_fuzz.c - libFuzzer harness for the virtual alias reader and
 * the expansion of recipients
 *
 * The input is a virtual(5) source file. Every word of it with an '@'
 * is then expanded as a recipient, one message each, and the result is
 * checked against the promises of aliases.h: an address the message
 * names that is no key comes back as itself; the members of a message
 * are within BOUND_ALIAS_MEMBERS of its recipients; a member has its
 * list's key; every entry found has results and a line within the file.
 * A broken promise aborts.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Imilter \
 *	    -Icompat tests/fuzz/aliases_fuzz.c milter/aliases.c \
 *	    milter/strset.c milter/address.c milter/buf.c milter/diag.c \
 *	    milter/log.c milter/utf8.c compat/strlcpy.c compat/strlcat.c \
 *	    -o aliases_fuzz
 *	./aliases_fuzz -max_len=4096 tests/data/aliases
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aliases.h"
#include "bounds.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const local[] = {"district.example"};

/* check_one - expand addr alone under al and check the result */
static void
check_one(const struct aliases *al, const char *addr, unsigned long lines)
{
	const struct aliases_entry *e = aliases_find(al, addr);
	struct aliases_rcpts *rs;
	size_t i, n;

	if (aliases_rcpts_new(&rs) == -1)
		return;
	if (aliases_rcpts_add(rs, al, addr) == -1) {
		aliases_rcpts_free(rs);
		return;
	}
	n = aliases_rcpts_count(rs);
	if (e == NULL) {
		if (n != 1 || strcmp(aliases_rcpts_addr(rs, 0), addr) != 0 ||
		    aliases_rcpts_origin(rs, 0) != NULL ||
		    aliases_rcpts_lost(rs) != 0)
			abort();
	} else {
		if (aliases_entry_count(e) == 0 || aliases_entry_line(e) == 0 ||
		    aliases_entry_line(e) > lines ||
		    aliases_rcpts_expanded(rs) != 1)
			abort();
		if (n > BOUND_ALIAS_MEMBERS)
			abort();
		for (i = 0; i < n; i++)
			if (aliases_rcpts_via(rs, i) == NULL ||
			    strcmp(aliases_rcpts_origin(rs, i),
			        aliases_entry_key(e)) != 0 ||
			    aliases_rcpts_listed(rs, i) !=
			        (n > 1 || aliases_rcpts_listed(rs, 0)))
				abort();
		if (aliases_rcpts_lost(rs) != 0 &&
		    aliases_rcpts_lost_at(rs) == NULL)
			abort();
	}
	aliases_rcpts_free(rs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aliases_options o = {local, 1, "+", "district.example"};
	struct aliases *al = NULL;
	struct diag *dg;
	char *text, *word, *save = NULL;
	unsigned long lines = 1;
	size_t i, words = 0;

	if ((dg = diag_new()) == NULL || aliases_new(&al, &o) == -1) {
		diag_free(dg);
		return 0;
	}
	if (aliases_parse(al, "fuzz", (const char *)data, size, dg) == 0 &&
	    (text = malloc(size + 1)) != NULL) {
		for (i = 0; i < size; i++)
			lines += data[i] == '\n';
		memcpy(text, data, size);
		text[size] = '\0';
		for (word = strtok_r(text, " \t\r\n,", &save);
		     word != NULL && words < 64;
		     word = strtok_r(NULL, " \t\r\n,", &save))
			if (strchr(word, '@') != NULL) {
				check_one(al, word, lines);
				words++;
			}
		free(text);
	}
	aliases_free(al);
	diag_free(dg);
	return 0;
}
