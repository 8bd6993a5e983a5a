/*
 * content_fuzz.c - libFuzzer harness for the MIME view
 *
 * The input is a message file as guardianctl test reads it (header
 * fields, a blank line, the body); the view is built from the message
 * model and checked against its promises: every text is valid UTF-8
 * without NUL or control bytes other than TAB, CR and LF, the texts
 * together stay within BOUND_MIME_TEXT_BYTES, the parts within
 * BOUND_MIME_PARTS and their nesting within what was read, every
 * finding starts with "not inspected: " and has a flag, and the view
 * of the same message built twice is the same. Each header field's
 * decoded form is valid UTF-8 without control bytes. A broken promise
 * aborts; crashes, leaks and sanitizer reports inside GMime are
 * findings too. Built and run by script/fuzz.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "content.h"
#include "message.h"
#include "mime.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_text - valid UTF-8, no NUL, controls only where allowed */
static void
check_text(const char *t, size_t len, int lines)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t i, k;

	if (t[len] != '\0')
		abort();
	for (i = 0; i < len; i += k) {
		k = 1;
		if (p[i] >= 0x80 && (k = utf8_seq(p + i, len - i, NULL)) == 0)
			abort();
		if (p[i] < 0x20 &&
		    !(lines && (p[i] == '\t' || p[i] == '\r' || p[i] == '\n')))
			abort();
	}
}

/* summary - a fingerprint of a view, to compare two builds */
static unsigned long
summary(const struct content *c)
{
	const char *t, *type, *fn;
	unsigned long h = content_limits(c);
	size_t i, len, total = 0;
	uint64_t psize;
	int depth, att;

	for (i = 0; (t = content_text(c, i, &len)) != NULL; i++) {
		check_text(t, len, 1);
		total += len;
		h = h * 31 + len;
	}
	if (total > BOUND_MIME_TEXT_BYTES + 4)
		abort();
	if (content_part_count(c) > BOUND_MIME_PARTS)
		abort();
	for (i = 0; content_part(c, i, &type, &fn, &psize, &depth, &att) == 0;
	     i++) {
		if (depth < 1 || depth > BOUND_MIME_DEPTH + 1 ||
		    strchr(type, '/') == NULL)
			abort();
		check_text(fn, strlen(fn), 0);
		h = h * 31 + (unsigned long)depth + psize;
	}
	for (i = 0; (t = content_finding(c, i)) != NULL; i++)
		if (strncmp(t, "not inspected: ", 15) != 0)
			abort();
	if ((content_finding_count(c) > 0) != (content_limits(c) != 0))
		abort();
	return h;
}

/* check_headers - the decoded form of every field */
static void
check_headers(const struct message *msg)
{
	const char *name, *value;
	char *d;
	size_t i;

	for (i = 0; i < message_header_count(msg); i++) {
		message_header(msg, i, &name, &value);
		if (content_header_decode(&d, value) == -1)
			continue; /* ENOMEM */
		if (d != NULL)
			check_text(d, strlen(d), 0);
		free(d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message *msg;
	struct content *a = NULL, *b = NULL;
	FILE *fp;

	mime_init();
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
		check_headers(msg);
		if (content_build(&a, msg) == 0 &&
		    content_build(&b, msg) == 0 && summary(a) != summary(b))
			abort();
	}
	content_free(a);
	content_free(b);
	fclose(fp);
	message_free(msg);
	return 0;
}
