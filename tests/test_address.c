/*
 * test_address.c - the canonical form of an address: every spelling a
 * default Postfix delivers to the same mailbox gives the same text, and
 * every routing form whose destination is not certain is unresolvable
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "address.h"
#include "testutil.h"

/* The district's domains: the local ones, where routing forms resolve. */
static const char *const local[] = {"district.example"};

struct canon_case {
	const char *label;
	const char *in;
	enum address_status status;
	const char *text; /* with ADDRESS_OK: the canonical form */
	unsigned forms;   /* ADDRESS_FORM_* expected (OK only) */
	const char *why;  /* with ADDRESS_UNRESOLVABLE: the reason */
};

#define OK ADDRESS_OK
#define UNRES ADDRESS_UNRESOLVABLE

static const struct canon_case canon_cases[] = {
    /* plain addresses, brackets and blanks */
    {"plain", "sam.lee@students.district.example", OK,
        "sam.lee@students.district.example", 0, NULL},
    {"brackets and blanks", " <sam.lee@students.district.example> ", OK,
        "sam.lee@students.district.example", 0, NULL},
    {"local part keeps its case, domain folded",
        "Sam.Lee@Students.District.EXAMPLE", OK,
        "Sam.Lee@students.district.example", ADDRESS_FORM_UPPER_DOMAIN, NULL},
    {"+tag kept", "sam.lee+x@students.district.example", OK,
        "sam.lee+x@students.district.example", 0, NULL},
    {"UTF-8 local part", "s\xc3\xa4m@example.org", OK, "s\xc3\xa4m@example.org",
        0, NULL},
    /* RFC 5321 quoting */
    {"quoted local part", "\"sam.lee\"@students.district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_QUOTED, NULL},
    {"escaped dot in quotes", "\"sam\\.lee\"@students.district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_QUOTED, NULL},
    {"escape outside quotes", "sam\\.lee@students.district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_QUOTED, NULL},
    {"partly quoted", "sam.\"lee\"@students.district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_QUOTED, NULL},
    {"quoted blank", "\"sam lee\"@example.org", OK, "sam lee@example.org",
        ADDRESS_FORM_QUOTED, NULL},
    /* trailing dot */
    {"trailing dot", "teach@district.example.", OK, "teach@district.example",
        ADDRESS_FORM_TRAILING_DOT, NULL},
    {"trailing dot, upper case", "<Teach@DISTRICT.example.>", OK,
        "Teach@district.example",
        ADDRESS_FORM_TRAILING_DOT | ADDRESS_FORM_UPPER_DOMAIN, NULL},
    /* source route: dropped, as RFC 5321 and trivial-rewrite do */
    {"source route",
        "<@relay.example,@b.example:sam.lee@students.district.example>", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_ROUTE, NULL},
    /* Postfix routing forms under a local domain */
    {"percent hack", "sam.lee%students.district.example@district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_PERCENT, NULL},
    {"percent hack to the outside via localhost", "someone%gmail.com@localhost",
        OK, "someone@gmail.com", ADDRESS_FORM_PERCENT, NULL},
    {"percent hack via an address literal", "someone%gmail.com@[127.0.0.1]", OK,
        "someone@gmail.com", ADDRESS_FORM_PERCENT, NULL},
    {"percent hack under a subdomain",
        "sam.lee%students.district.example@mx.district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_PERCENT, NULL},
    {"percent hack, inner trailing dot and case",
        "sam.lee%Students.District.Example.@district.example", OK,
        "sam.lee@students.district.example",
        ADDRESS_FORM_PERCENT | ADDRESS_FORM_TRAILING_DOT |
            ADDRESS_FORM_UPPER_DOMAIN,
        NULL},
    {"bang path", "students.district.example!sam.lee@district.example", OK,
        "sam.lee@students.district.example", ADDRESS_FORM_BANG, NULL},
    {"quoted @", "\"sam.lee@students.district.example\"@district.example", OK,
        "sam.lee@students.district.example",
        ADDRESS_FORM_QUOTED | ADDRESS_FORM_AT, NULL},
    {"quoted percent", "\"sam.lee%students.district.example\"@district.example",
        OK, "sam.lee@students.district.example",
        ADDRESS_FORM_QUOTED | ADDRESS_FORM_PERCENT, NULL},
    {"escaped percent", "sam.lee\\%students.district.example@district.example",
        OK, "sam.lee@students.district.example",
        ADDRESS_FORM_QUOTED | ADDRESS_FORM_PERCENT, NULL},
    /* what cannot be resolved safely */
    {"nested percent",
        "sam.lee%students.district.example%district.example@district.example",
        UNRES, NULL, 0, "nested routing (several of @ % !)"},
    {"nested bang", "a.example!b.example!sam.lee@district.example", UNRES, NULL,
        0, "nested routing (several of @ % !)"},
    {"bang then percent", "a.example!sam.lee%b.example@district.example", UNRES,
        NULL, 0, "nested routing (several of @ % !)"},
    {"percent under an unknown domain",
        "sam.lee%students.district.example@mail.example.net", UNRES, NULL, 0,
        "routing form (@ % !) under a domain not known to be local"},
    {"bang under an unknown domain", "gmail.com!someone@example.net", UNRES,
        NULL, 0, "routing form (@ % !) under a domain not known to be local"},
    {"quoted @ under an unknown domain", "\"someone@gmail.com\"@example.net",
        UNRES, NULL, 0,
        "routing form (@ % !) under a domain not known to be local"},
    {"empty percent user", "%students.district.example@district.example", UNRES,
        NULL, 0, "malformed routing form"},
    {"empty percent site", "sam.lee%@district.example", UNRES, NULL, 0,
        "malformed routing form"},
    {"empty bang user", "students.district.example!@district.example", UNRES,
        NULL, 0, "malformed routing form"},
    {"no domain", "postmaster", UNRES, NULL, 0, "no domain"},
    {"empty domain", "sam@", UNRES, NULL, 0, "no domain"},
    {"only a dot", "sam@.", UNRES, NULL, 0, "no domain"},
    {"two trailing dots", "sam@district.example..", UNRES, NULL, 0,
        "malformed domain"},
    {"empty local part", "@district.example", UNRES, NULL, 0,
        "malformed source route"},
    {"empty quoted local part", "\"\"@district.example", UNRES, NULL, 0,
        "empty local part"},
    {"empty", "", UNRES, NULL, 0, "empty address"},
    {"null sender", "<>", UNRES, NULL, 0, "empty address"},
    {"unbalanced quote", "\"sam.lee@students.district.example", UNRES, NULL, 0,
        "unbalanced quote"},
    {"blank outside quotes", "sam lee@example.org", UNRES, NULL, 0,
        "blank or control character in the address"},
    {"CRLF", "sam@students.district.example\r\nBcc: x@y", UNRES, NULL, 0,
        "blank or control character in the address"},
    {"control in quotes", "\"sam\x01\"@example.org", UNRES, NULL, 0,
        "control character in quotes"},
    {"dangling escape", "sam\\", UNRES, NULL, 0, "malformed escape"},
    {"quote in the domain", "sam@\"district.example\"", UNRES, NULL, 0,
        "quotes in the domain"},
    {"brackets twice", "<<sam@district.example>>", UNRES, NULL, 0,
        "angle brackets in the address"},
    {"malformed route", "<@relay.example sam@district.example>", UNRES, NULL, 0,
        "malformed source route"},
};

static void
address_canon_table(void)
{
	const struct canon_case *tc;
	struct address a;
	size_t i;
	int bad;

	for (i = 0; i < sizeof(canon_cases) / sizeof(canon_cases[0]); i++) {
		tc = &canon_cases[i];
		(void)address_canon(&a, tc->in, strlen(tc->in), local, 1);
		bad = a.status != tc->status;
		if (tc->status == ADDRESS_OK)
			bad |= strcmp(a.text, tc->text) != 0 ||
			    a.forms != tc->forms || a.why != NULL ||
			    a.text[a.at] != '@' ||
			    strchr(address_domain(&a), '@') != NULL;
		else
			bad |= a.why == NULL || strcmp(a.why, tc->why) != 0;
		if (bad) {
			fprintf(stderr,
			    "\n%s: \"%s\": status %d text \"%s\" forms %#x "
			    "why \"%s\"\n",
			    tc->label, tc->in, (int)a.status, a.text, a.forms,
			    a.why != NULL ? a.why : "");
			CU_FAIL(tc->label);
		}
	}
}

/* Without local domains only localhost and literals resolve. */
static void
address_canon_without_local_domains(void)
{
	struct address a;
	const char *in = "sam.lee%students.district.example@district.example";

	CU_ASSERT_EQUAL(
	    address_canon(&a, in, strlen(in), NULL, 0), ADDRESS_UNRESOLVABLE);
	/* the best spelling is still there, for patterns */
	CU_ASSERT_STRING_EQUAL(a.text, in);
	in = "someone%gmail.com@LOCALHOST.";
	CU_ASSERT_EQUAL(address_canon(&a, in, strlen(in), NULL, 0), ADDRESS_OK);
	CU_ASSERT_STRING_EQUAL(a.text, "someone@gmail.com");
}

/* The length is the caller's: no NUL needed, nothing read past it. */
static void
address_canon_reads_only_len_bytes(void)
{
	struct address a;
	const char in[] = "sam@district.exampleXYZ";

	CU_ASSERT_EQUAL(address_canon(&a, in, 20, local, 1), ADDRESS_OK);
	CU_ASSERT_STRING_EQUAL(a.text, "sam@district.example");
}

/* The bound: BOUND_ADDRESS_BYTES fits, one more is unresolvable. */
static void
address_canon_bounds_the_length(void)
{
	static char in[BOUND_ADDRESS_BYTES + 2];
	struct address a;
	size_t n = BOUND_ADDRESS_BYTES;

	memset(in, 'a', sizeof(in) - 1);
	memcpy(in + n - 12, "@example.org", 12);
	CU_ASSERT_EQUAL(address_canon(&a, in, n, local, 1), ADDRESS_OK);
	CU_ASSERT_EQUAL(strlen(a.text), n);
	in[n] = 'g';
	memcpy(in + n + 1 - 12, "@example.org", 12);
	CU_ASSERT_EQUAL(
	    address_canon(&a, in, n + 1, local, 1), ADDRESS_UNRESOLVABLE);
	CU_ASSERT_STRING_EQUAL(a.why, "longer than the address limit");
}

static void
address_domain_in_covers_subdomains(void)
{
	static const char *const list[] = {"district.example", ""};

	CU_ASSERT_EQUAL(address_domain_in("district.example", list, 2), 1);
	CU_ASSERT_EQUAL(address_domain_in("mx.district.example", list, 2), 1);
	CU_ASSERT_EQUAL(address_domain_in("otherdistrict.example", list, 2), 0);
	CU_ASSERT_EQUAL(address_domain_in("example", list, 2), 0);
	CU_ASSERT_EQUAL(address_domain_in("district.example", list, 0), 0);
}

/* What a configuration may name as a recipient: the plain form only. */
static void
address_is_plain_only_for_name_at_domain(void)
{
	static const struct {
		const char *addr;
		int want;
	} cases[] = {
	    {"compliance@district.example", 1},
	    {"Compliance.Office@District.Example", 1},
	    {"a+tag@example.org", 1},
	    {"<compliance@district.example>", 0},
	    {" compliance@district.example", 0},
	    {"\"compliance\"@district.example", 0},
	    {"comp\\liance@district.example", 0},
	    {"compliance@district.example.", 0},
	    {"review%office@district.example", 0},
	    {"office!review@district.example", 0},
	    {"@relay.example:compliance@district.example", 0},
	    {"compliance", 0},
	    {"compliance@", 0},
	    {"@district.example", 0},
	    {"Office <compliance@district.example>", 0},
	    {"", 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (address_is_plain(cases[i].addr) != cases[i].want)
			printf("\naddress_is_plain(\"%s\") is not %d\n",
			    cases[i].addr, cases[i].want);
		CU_ASSERT_EQUAL(address_is_plain(cases[i].addr), cases[i].want);
	}
}

static CU_TestInfo address_tests[] = {
    {"address_canon_table", address_canon_table},
    {"address_canon_without_local_domains",
        address_canon_without_local_domains},
    {"address_canon_reads_only_len_bytes", address_canon_reads_only_len_bytes},
    {"address_canon_bounds_the_length", address_canon_bounds_the_length},
    {"address_domain_in_covers_subdomains",
        address_domain_in_covers_subdomains},
    {"address_is_plain_only_for_name_at_domain",
        address_is_plain_only_for_name_at_domain},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"address", NULL, NULL, NULL, NULL, address_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_address", suites);
}
