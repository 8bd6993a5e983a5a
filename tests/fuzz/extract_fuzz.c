/*
 * extract_fuzz.c - libFuzzer harness for text from attachments
 *
 * The input is an attachment's decoded bytes: zip archives, office
 * documents, XML, text. extract() is run on it and checked against its
 * promises: it never fails but for memory, every text handed on is
 * NUL-terminated and the texts together stay within the room given,
 * every finding has one CONTENT_LIMIT_* flag and a reason, every path
 * is a string, the kind returned is a kind and agrees with
 * extract_sniff() on the same bytes, and the inflated bytes and cells
 * stay within their bounds (one past, to say a bound was reached). The
 * PDF reader is pointed at a path that does not exist, so that a PDF
 * is a finding and no process is started per input. A broken promise
 * aborts; crashes, leaks and sanitizer reports inside libzip and
 * libxml2 are findings too. Built and run by script/fuzz.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "bounds.h"
#include "content.h"
#include "extract.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A text room small enough that the fuzzer reaches its end. */
#define ROOM 4096

struct seen {
	size_t text;
};

static int
on_text(void *arg, const char *path, enum content_kind kind, const char *t,
    size_t len)
{
	struct seen *s = arg;

	if (path == NULL || t == NULL || t[len] != '\0' || len == 0 ||
	    content_kind_name(kind) == NULL)
		abort();
	s->text += len;
	if (s->text > ROOM)
		abort();
	return 0;
}

static int
on_member(void *arg, const char *path, enum content_kind kind, uint64_t size)
{
	(void)arg;
	if (path == NULL || content_kind_name(kind) == NULL ||
	    kind == CONTENT_KIND_CONTAINER ||
	    size > BOUND_EXTRACT_INFLATED_BYTES)
		abort();
	return 0;
}

static int
on_finding(void *arg, unsigned flag, const char *path, const char *what)
{
	(void)arg;
	if (path == NULL || what == NULL || what[0] == '\0' ||
	    content_limit_name(flag) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	(void)setenv("GUARDIAN_PDFTEXT", "/nonexistent/guardian-pdftext", 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = {0};
	struct extract_sink sink = {on_text, on_member, on_finding, &s};
	struct extract_budget b;
	enum content_kind kind;

	memset(&b, 0, sizeof(b));
	b.text_room = ROOM;
	if (extract(&kind, &sink, &b, data, size, "fuzz.bin",
	        "application/octet-stream") == -1)
		abort(); /* no memory failure at these sizes */
	if (content_kind_name(kind) == NULL || kind == CONTENT_KIND_CONTAINER)
		abort();
	if (kind !=
	    extract_sniff(data, size, "fuzz.bin", "application/octet-stream"))
		abort();
	if (b.inflated > BOUND_EXTRACT_INFLATED_BYTES ||
	    b.cells > BOUND_EXTRACT_CELLS + 1 || b.text_room + s.text != ROOM)
		abort();
	return 0;
}
