/*
 * message_fuzz.c - libFuzzer harness for the message parser
 *
 * The input is a message file as guardianctl test reads it: header
 * fields, a blank line, the body. message_parse() must take any bytes
 * (it fails only on a read error or ENOMEM), and what it stores must keep
 * the message module's promises: every field has a non-empty name without
 * a colon or a line end, values hold no CR or LF (folds are unfolded),
 * the counts stay within bounds.h, and the body reads back whole.
 * A broken promise aborts. Built and run by script/fuzz.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_fields - the promises about the stored header fields */
static void
check_fields(const struct message *msg)
{
	const char *name, *value;
	size_t i, n, iter;

	n = message_header_count(msg);
	if (n > BOUND_HEADER_COUNT)
		abort();
	for (i = 0; i < n; i++) {
		message_header(msg, i, &name, &value);
		if (name == NULL || value == NULL || *name == '\0' ||
		    strpbrk(name, ":\r\n") != NULL ||
		    strpbrk(value, "\r\n") != NULL)
			abort();
		if (strlen(name) + strlen(value) > BOUND_HEADER_BYTES)
			abort();
		/* the lookup by name finds this field or an earlier one */
		iter = 0;
		if (message_header_value(msg, name, &iter) == NULL ||
		    iter > i + 1)
			abort();
	}
	message_header(msg, n, &name, &value);
	if (name != NULL || value != NULL)
		abort();
}

/* check_body - the body reads back as many bytes as it says it has */
static void
check_body(const struct message *msg)
{
	char buf[4096];
	uint64_t off = 0, size = message_body_size(msg);
	ssize_t r;

	if (size > BOUND_BODY_BYTES)
		abort();
	while ((r = message_body_read(msg, off, buf, sizeof(buf))) > 0)
		off += (uint64_t)r;
	if (r < 0 || off != size)
		abort();
	if (message_size(msg) < size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message *msg;
	FILE *fp;

	if ((msg = message_new(NULL)) == NULL)
		return 0;
	/* fmemopen of 0 bytes fails on some libcs: read /dev/null then */
	fp = size > 0 ? fmemopen((void *)(uintptr_t)data, size, "r") :
	                fopen("/dev/null", "r");
	if (fp == NULL) {
		message_free(msg);
		return 0;
	}
	if (message_parse(msg, fp) == 0) {
		check_fields(msg);
		check_body(msg);
	}
	fclose(fp);
	message_free(msg);
	return 0;
}
