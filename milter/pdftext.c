/*
 * pdftext.c - guardian-pdftext: the text of a PDF on stdin, on stdout
 *
 *   guardian-pdftext [-t cpu-seconds] [-m memory-bytes]
 *
 * Run by the filter (milter/extract/pdf.c), one process per PDF, so
 * that poppler parses hostile input outside the filter. Before reading
 * anything it closes every descriptor past stderr and sets its own
 * limits: RLIMIT_CPU (soft and hard alike: the kernel kills it when
 * they are passed), RLIMIT_AS, RLIMIT_FSIZE 0 (it writes no file) and
 * RLIMIT_CORE 0. The text of each page (UTF-8) is written in page
 * order, a newline after each page.
 *
 * Exit status: 0 text written (maybe none), 1 output failed (the filter
 * stopped reading), 2 usage or input error, 3 the PDF is encrypted,
 * 4 not a PDF poppler can read.
 */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <poppler.h>

#include "bounds.h"

#define PROGNAME "guardian-pdftext"

/* A build with AddressSanitizer or ThreadSanitizer (script/test)
 * reserves terabytes of address space for its shadow memory and cannot
 * start under RLIMIT_AS: there, the other limits hold alone. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define EXIT_OUTPUT 1
#define EXIT_USAGE 2
#define EXIT_ENCRYPTED 3
#define EXIT_DAMAGED 4

/* number - a positive decimal argument; -1 if malformed */
static long long
number(const char *s)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : v;
}

/* limit - set one resource limit, soft and hard */
static int
limit(int resource, rlim_t value)
{
	struct rlimit rl;

	rl.rlim_cur = rl.rlim_max = value;
	return setrlimit(resource, &rl);
}

/* close_others - every descriptor past stderr, whatever the parent
 * left open */
static void
close_others(void)
{
	long fd, max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		(void)close((int)fd);
}

/* write_all - n bytes to stdout; -1 on failure */
static int
write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(1, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_input - all of stdin, at most BOUND_EXTRACT_PART_BYTES */
static char *
read_input(size_t *len)
{
	size_t cap = 65536, n = 0;
	char *p = malloc(cap), *q;
	ssize_t r;

	while (p != NULL) {
		if (n == cap) {
			if (cap >= BOUND_EXTRACT_PART_BYTES ||
			    (q = realloc(p, cap * 2)) == NULL) {
				free(p);
				return NULL;
			}
			p = q;
			cap *= 2;
		}
		if ((r = read(0, p + n, cap - n)) == -1 && errno == EINTR)
			continue;
		if (r < 0) {
			free(p);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return p;
}

int
main(int argc, char **argv)
{
	long long cpu = BOUND_PDF_CPU_SECONDS, mem = BOUND_PDF_MEMORY;
	PopplerDocument *doc;
	PopplerPage *page;
	GError *err = NULL;
	GBytes *bytes;
	char *data, *text;
	size_t len;
	int i, n, ch, rc = 0;

	while ((ch = getopt(argc, argv, "t:m:")) != -1) {
		switch (ch) {
		case 't':
			cpu = number(optarg);
			break;
		case 'm':
			mem = number(optarg);
			break;
		default:
			cpu = -1;
		}
		if (cpu <= 0 || mem <= 0) {
			fprintf(stderr,
			    "usage: " PROGNAME
			    " [-t cpu-seconds] [-m bytes]\n");
			return EXIT_USAGE;
		}
	}
	close_others();
	/* a write to a file fails rather than kills: stderr may be one */
	(void)signal(SIGXFSZ, SIG_IGN);
	if (limit(RLIMIT_CPU, (rlim_t)cpu) == -1 ||
	    (!SANITIZED && limit(RLIMIT_AS, (rlim_t)mem) == -1) ||
	    limit(RLIMIT_FSIZE, 0) == -1 || limit(RLIMIT_CORE, 0) == -1) {
		fprintf(stderr, PROGNAME ": setrlimit: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	if ((data = read_input(&len)) == NULL) {
		fprintf(stderr, PROGNAME ": cannot read the PDF\n");
		return EXIT_USAGE;
	}
	bytes = g_bytes_new_take(data, len);
	doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (doc == NULL) {
		rc = err != NULL && err->domain == POPPLER_ERROR &&
		        err->code == POPPLER_ERROR_ENCRYPTED ?
		    EXIT_ENCRYPTED :
		    EXIT_DAMAGED;
		fprintf(stderr, PROGNAME ": %s\n",
		    err != NULL ? err->message : "not a PDF");
		g_clear_error(&err);
		return rc;
	}
	n = poppler_document_get_n_pages(doc);
	for (i = 0; i < n && rc == 0; i++) {
		if ((page = poppler_document_get_page(doc, i)) == NULL)
			continue;
		text = poppler_page_get_text(page);
		if ((text != NULL && write_all(text, strlen(text)) == -1) ||
		    write_all("\n", 1) == -1)
			rc = EXIT_OUTPUT;
		g_free(text);
		g_object_unref(page);
	}
	g_object_unref(doc);
	return rc;
}
