/*
 * test_mime.c - address fields read with GMime: what a mail client shows
 * as an address (never a display name, a comment or an encoded word),
 * which fields are refused as unparsable, the address limit, and
 * concurrent parsing
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "mime.h"
#include "testutil.h"

/* Every address delivered, joined by '|'. */
struct got {
	char out[4096];
	size_t calls;
	size_t
	    fail_at; /* the callback fails on this call (1-based); 0: never */
};

/* collect - the callback: append addr to g->out */
static int
collect(void *arg, const char *addr)
{
	struct got *g = arg;
	size_t len = strlen(g->out), alen = strlen(addr);

	g->calls++;
	if (g->fail_at != 0 && g->calls == g->fail_at)
		return -1;
	if (alen + 2 > sizeof(g->out) - len) {
		CU_FAIL("test output buffer too small");
		return -1;
	}
	if (len > 0)
		g->out[len++] = '|';
	memcpy(g->out + len, addr, alen + 1);
	return 0;
}

struct addr_case {
	const char *label;
	const char *input;
	const char *want; /* the addresses joined by '|' */
	enum mime_addr_result want_result;
};

#define OK MIME_ADDR_OK
#define BAD MIME_ADDR_UNPARSABLE

static const struct addr_case addr_cases[] = {
    /* plain lists, folded as the milter receives them */
    {"one address", "sam.lee@students.district.example",
        "sam.lee@students.district.example", OK},
    {"two addresses folded with LF", "a@x.example,\n\tb@y.example",
        "a@x.example|b@y.example", OK},
    {"two addresses folded with CRLF", "a@x.example,\r\n b@y.example",
        "a@x.example|b@y.example", OK},
    {"display names and angle addresses",
        "Sam Lee <sam@x.example>, \"Lee, Hana\" <hana@y.example>",
        "sam@x.example|hana@y.example", OK},
    {"empty field", "", "", OK},
    {"white space only", " \n\t ", "", OK},
    {"empty list members are skipped", "a@x.example,,\n , b@y.example",
        "a@x.example|b@y.example", OK},

    /* issue 11 item 6: what a mail client shows, not what a reader
     * might take for an address */
    {"unquoted display name that looks like an address",
        "alex.lee@gmail.com <sam.lee@students.district.example>",
        "sam.lee@students.district.example", OK},
    {"quoted display name that looks like an address",
        "\"hana.kim@example.org\" <sam.lee@students.district.example>",
        "sam.lee@students.district.example", OK},
    {"comment that looks like an address", "x@y.example (hana.kim@example.org)",
        "x@y.example", OK},
    {"comment before the address", "(hana.kim@example.org) x@y.example",
        "x@y.example", OK},
    {"comment with commas", "a@x.example (one, two), b@y.example",
        "a@x.example|b@y.example", OK},
    {"RFC 2047 display name naming an address",
        "=?utf-8?q?hana.kim=40example.org?= <sam@x.example>", "sam@x.example",
        OK},
    {"RFC 2047 encoded word alone is not decoded",
        "=?utf-8?q?hana.kim=40example.org?=",
        "=?utf-8?q?hana.kim=40example.org?=", OK},
    {"RFC 2047 encoded word as a local part is not decoded",
        "=?utf-8?q?a=40b?=@x.example", "=?utf-8?q?a=40b?=@x.example", OK},
    {"raw UTF-8 display name", "Zo\xc3\xab Lee <zoe@x.example>",
        "zoe@x.example", OK},
    {"raw Latin-1 display name", "Zo\xeb Lee <zoe@x.example>", "zoe@x.example",
        OK},
    {"unquoted comma in a display name", "Kim, Hana <hana@x.example>",
        "hana@x.example", OK},

    /* fields GMime cannot read, or reads only by skipping a part */
    {"unclosed comment", "(unclosed comment", "", BAD},
    {"address appended after an unclosed comment",
        "(unclosed comment, hana.kim@example.org", "", BAD},
    {"unclosed comment after an address", "a@x.example, (unclosed", "", BAD},
    {"unclosed comment after an address, no comma", "hana.kim@example.org (x",
        "", BAD},
    {"two addresses without a comma", "a@x.example b@y.example", "", BAD},
    {"two angle addresses without a comma", "x <a@x.example> y <b@y.example>",
        "", BAD},
    {"unquoted name before a bare address", "Hana Kim hana.kim@example.org", "",
        BAD},
    {"missing domain after @", "a@", "", BAD},
    {"route without angle brackets", "@r.example:a@x.example", "", BAD},
    {"route without its colon", "<@r.example a@x.example>", "", BAD},
    {"a comment alone", "(just a comment)", "", BAD},
    {"empty angle address", "<>", "", BAD},
    {"Latin-1 local part", "caf\xe9@x.example", "", BAD},
    {"semicolon outside a group", "a@x.example; b@y.example", "", BAD},

    /* leniency mail clients share, read as they show it */
    {"missing closing angle bracket", "Alex <a@x.example", "a@x.example", OK},
    {"doubled angle brackets", "<<a@x.example>>", "a@x.example", OK},
    {"two addresses in one angle pair",
        "<third@example.net, fourth@example.net>",
        "third@example.net|fourth@example.net", OK},
    {"unclosed quote in a display name", "\"unclosed <sam@x.example>",
        "sam@x.example", OK},
    {"empty angle address after an address", "<a@x.example>, <>", "a@x.example",
        OK},

    /* groups: members flattened, an empty group names nothing */
    {"group", "Friends: a@x.example, b@y.example;", "a@x.example|b@y.example",
        OK},
    {"empty group", "undisclosed-recipients:;", "", OK},
    {"group then address", "g: a@x.example;, b@y.example",
        "a@x.example|b@y.example", OK},
    {"group without its closing semicolon", "g: a@x.example", "a@x.example",
        OK},
    {"nested groups", "a: b: c@x.example;;", "c@x.example", OK},

    /* the addr-spec as written, apart from CFWS, a trailing dot, IDN */
    {"quoted local part kept", "\"sam.lee\"@students.district.example",
        "\"sam.lee\"@students.district.example", OK},
    {"quoted local part with escape kept", "\"sam\\.lee\"@s.example",
        "\"sam\\.lee\"@s.example", OK},
    {"percent form kept", "sam.lee%students.district.example@district.example",
        "sam.lee%students.district.example@district.example", OK},
    {"bang path kept", "students.district.example!sam.lee@district.example",
        "students.district.example!sam.lee@district.example", OK},
    {"letter case kept", "Sam.Lee@Students.District.Example",
        "Sam.Lee@Students.District.Example", OK},
    {"plus tag kept", "hana.kim+none@example.org", "hana.kim+none@example.org",
        OK},
    {"comments and spaces inside an addr-spec dropped",
        "sam (x) . lee @ d.example", "sam.lee@d.example", OK},
    {"trailing dot of the domain dropped", "a@d.example.", "a@d.example", OK},
    {"address without a domain", "sam", "sam", OK},
    {"UTF-8 local part", "caf\xc3\xa9@x.example", "caf\xc3\xa9@x.example", OK},
    {"A-label domain kept", "a@xn--bcher-kva.example",
        "a@xn--bcher-kva.example", OK},
    {"U-label domain given as A-label",
        "a@b\xc3\xbc"
        "cher.example",
        "a@xn--bcher-kva.example", OK},
    {"domain literal", "a@[192.0.2.1]", "a@[192.0.2.1]", OK},
    {"IPv6 domain literal", "a@[IPv6:2001:db8::1]", "a@[IPv6:2001:db8::1]", OK},
    {"obsolete route dropped", "<@r1.example,@r2.example:a@x.example>",
        "a@x.example", OK},
};

static void
mime_reads_every_case_of_the_table(void)
{
	const struct addr_case *c;
	enum mime_addr_result r;
	struct got g;
	size_t i, n;

	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		c = &addr_cases[i];
		memset(&g, 0, sizeof(g));
		n = 99;
		r = mime_address_list_parse(
		    &n, c->input, BOUND_HEADER_ADDRESSES, collect, &g);
		if (r != c->want_result || strcmp(g.out, c->want) != 0 ||
		    n != g.calls) {
			fprintf(stderr,
			    "\n%s: got %s [%s] count %zu, want %s [%s]\n",
			    c->label, mime_addr_result_name(r), g.out, n,
			    mime_addr_result_name(c->want_result), c->want);
			CU_FAIL(c->label);
		}
	}
}

static void
mime_counts_group_members_against_the_limit(void)
{
	const char *v = "a@x.example, g: b@x.example, c@x.example;";
	struct got g;
	size_t n;

	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(&n, v, 3, collect, &g), MIME_ADDR_OK);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(g.out, "a@x.example|b@x.example|c@x.example");

	/* one over: reported with the full count, nothing delivered */
	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(&n, v, 2, collect, &g), MIME_ADDR_TOO_MANY);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(g.calls, 0);

	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(&n, " ", 0, collect, &g), MIME_ADDR_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(NULL, "a@x.example", 0, collect, &g),
	    MIME_ADDR_TOO_MANY);
	CU_ASSERT_EQUAL(g.calls, 0);
}

/* field - n addresses "sNNNNN@d.example" joined by ", " (malloc'd) */
static char *
field(size_t n)
{
	char *s, *p;
	size_t i;

	if ((s = malloc(n * 20 + 1)) == NULL)
		return NULL;
	p = s;
	*p = '\0';
	for (i = 0; i < n; i++)
		p += snprintf(
		    p, 21, "%ss%05zu@d.example", i > 0 ? ", " : "", i % 100000);
	return s;
}

/* count_only - a callback that counts */
static int
count_only(void *arg, const char *addr)
{
	size_t *n = arg;

	(void)addr;
	(*n)++;
	return 0;
}

static void
mime_refuses_a_field_over_the_address_bound(void)
{
	char *s = field(BOUND_HEADER_ADDRESSES + 1);
	size_t n, calls = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(mime_address_list_parse(
	                    &n, s, BOUND_HEADER_ADDRESSES, count_only, &calls),
	    MIME_ADDR_TOO_MANY);
	CU_ASSERT_EQUAL(n, BOUND_HEADER_ADDRESSES + 1);
	CU_ASSERT_EQUAL(calls, 0);
	CU_ASSERT_EQUAL(mime_address_list_parse(&n, s,
	                    BOUND_HEADER_ADDRESSES + 1, count_only, &calls),
	    MIME_ADDR_OK);
	CU_ASSERT_EQUAL(n, BOUND_HEADER_ADDRESSES + 1);
	CU_ASSERT_EQUAL(calls, BOUND_HEADER_ADDRESSES + 1);
	free(s);
}

/* nested - depth groups "gN:" around x@y.example, closed or not */
static char *
nested(size_t depth, int closed)
{
	char *s = malloc(depth * 3 + 16), *p;
	size_t i;

	if ((p = s) == NULL)
		return NULL;
	for (i = 0; i < depth; i++) {
		*p++ = 'g';
		*p++ = ':';
	}
	memcpy(p, "x@y.example", 11);
	p += 11;
	for (i = 0; closed && i < depth; i++)
		*p++ = ';';
	*p = '\0';
	return s;
}

static void
mime_bounds_group_nesting_by_colons(void)
{
	struct got g;
	char *s;

	/* at the bound: read, the member found under every level */
	s = nested(BOUND_HEADER_ADDRESS_COLONS, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(NULL, s, 1, collect, &g), MIME_ADDR_OK);
	CU_ASSERT_STRING_EQUAL(g.out, "x@y.example");
	free(s);

	/* one more: refused before GMime sees it */
	s = nested(BOUND_HEADER_ADDRESS_COLONS + 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(mime_address_list_parse(NULL, s, 1, collect, &g),
	    MIME_ADDR_UNPARSABLE);
	CU_ASSERT_EQUAL(g.calls, 0);
	free(s);

	/* 50,000 levels in a 100 KB field overflow GMime's recursion
	 * without the bound */
	s = nested(BOUND_HEADER_BYTES / 2 - 8, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(mime_address_list_parse(NULL, s, 1, collect, &g),
	    MIME_ADDR_UNPARSABLE);
	free(s);
}

static void
mime_reports_a_failing_callback(void)
{
	struct got g;
	size_t n;

	memset(&g, 0, sizeof(g));
	g.fail_at = 2;
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(
	        &n, "a@x.example, b@x.example, c@x.example", 10, collect, &g),
	    MIME_ADDR_ERROR);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(g.calls, 2);
	CU_ASSERT_STRING_EQUAL(g.out, "a@x.example");
}

static void
mime_unparsable_sets_the_count_to_zero(void)
{
	struct got g;
	size_t n = 99;

	memset(&g, 0, sizeof(g));
	CU_ASSERT_EQUAL(
	    mime_address_list_parse(&n, "a@x.example, (x", 10, collect, &g),
	    MIME_ADDR_UNPARSABLE);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(g.calls, 0);
}

static void
mime_names_every_result(void)
{
	CU_ASSERT_STRING_EQUAL(mime_addr_result_name(MIME_ADDR_OK), "ok");
	CU_ASSERT_STRING_EQUAL(
	    mime_addr_result_name(MIME_ADDR_UNPARSABLE), "unparsable");
	CU_ASSERT_STRING_EQUAL(
	    mime_addr_result_name(MIME_ADDR_TOO_MANY), "too-many");
	CU_ASSERT_STRING_EQUAL(mime_addr_result_name(MIME_ADDR_ERROR), "error");
}

/* Concurrent parsing: each thread reads the whole table many times and
 * counts the cases whose result differs from the table. */
#define MIME_THREADS 4
#define MIME_ROUNDS 50

/* parse_table - a thread: the number of mismatches, as a pointer */
static void *
parse_table(void *arg)
{
	const struct addr_case *c;
	size_t i, round, *bad = arg;
	struct got g;

	for (round = 0; round < MIME_ROUNDS; round++)
		for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]);
		     i++) {
			c = &addr_cases[i];
			memset(&g, 0, sizeof(g));
			if (mime_address_list_parse(NULL, c->input,
			        BOUND_HEADER_ADDRESSES, collect,
			        &g) != c->want_result ||
			    strcmp(g.out, c->want) != 0)
				(*bad)++;
		}
	return NULL;
}

static void
mime_parses_concurrently_in_threads(void)
{
	pthread_t t[MIME_THREADS];
	size_t bad[MIME_THREADS];
	int i, started = 0;

	memset(bad, 0, sizeof(bad));
	for (i = 0; i < MIME_THREADS; i++)
		if (pthread_create(&t[i], NULL, parse_table, &bad[i]) == 0)
			started++;
		else
			break;
	CU_ASSERT_EQUAL(started, MIME_THREADS);
	for (i = 0; i < started; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(bad[i], 0);
	}
}

static CU_TestInfo tests[] = {
    {"mime_reads_every_case_of_the_table", mime_reads_every_case_of_the_table},
    {"mime_counts_group_members_against_the_limit",
        mime_counts_group_members_against_the_limit},
    {"mime_refuses_a_field_over_the_address_bound",
        mime_refuses_a_field_over_the_address_bound},
    {"mime_bounds_group_nesting_by_colons",
        mime_bounds_group_nesting_by_colons},
    {"mime_reports_a_failing_callback", mime_reports_a_failing_callback},
    {"mime_unparsable_sets_the_count_to_zero",
        mime_unparsable_sets_the_count_to_zero},
    {"mime_names_every_result", mime_names_every_result},
    {"mime_parses_concurrently_in_threads",
        mime_parses_concurrently_in_threads},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"mime", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	int rc;

	mime_init();
	rc = testutil_main("test_mime", suites);
	/* GMime's tables released, so that valgrind sees no leak */
	mime_shutdown();
	return rc;
}
