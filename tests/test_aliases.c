/*
 * test_aliases.c - the virtual alias table: reading Postfix's virtual(5)
 * source with file:line diagnostics, lookups by canonical address, and
 * the expansion of a message's recipients with its loops and bounds
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aliases.h"
#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "testutil.h"

static const char *const district[] = {"district.example"};

/* table - a table of text (a file called "virtual"), the diagnostics in
 * *dgp; NULL if the parse failed */
static struct aliases *
table(const char *text, struct diag **dgp)
{
	struct aliases_options o = {district, 1, "+", "district.example"};
	struct aliases *al = NULL;
	struct diag *dg = diag_new();

	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_FATAL(aliases_new(&al, &o) == 0);
	if (aliases_parse(al, "virtual", text, strlen(text), dg) != 0) {
		aliases_free(al);
		al = NULL;
	}
	*dgp = dg;
	return al;
}

/* diags - every kept diagnostic, joined by "\n" (static) */
static const char *
diags(const struct diag *dg)
{
	static char out[8192];
	size_t i;

	out[0] = '\0';
	for (i = 0; i < diag_kept(dg); i++) {
		if (i > 0)
			(void)strncat(out, "\n", sizeof(out) - strlen(out) - 1);
		(void)strncat(
		    out, diag_text(dg, i), sizeof(out) - strlen(out) - 1);
	}
	return out;
}

/* results - the results of the entry for addr, space-separated; "-" if
 * addr is no key (static) */
static const char *
results(const struct aliases *al, const char *addr)
{
	static char out[4096];
	const struct aliases_entry *e = aliases_find(al, addr);
	size_t i;

	if (e == NULL)
		return "-";
	out[0] = '\0';
	for (i = 0; i < aliases_entry_count(e); i++) {
		if (i > 0)
			(void)strncat(out, " ", sizeof(out) - strlen(out) - 1);
		(void)strncat(out, aliases_entry_result(e, i),
		    sizeof(out) - strlen(out) - 1);
	}
	return out;
}

/* expand - the recipients rcpts (space-separated) expand to under al,
 * as "addr" or "addr<via|origin|L>" (L: listed), space-separated
 * (static); *lost gets aliases_rcpts_lost() */
static const char *
expand(const struct aliases *al, const char *rcpts, unsigned *lost)
{
	static char out[8192];
	struct aliases_rcpts *rs = NULL;
	char *copy = strdup(rcpts), *tok, *save = NULL;
	char one[1200];
	size_t i;

	CU_ASSERT_FATAL(copy != NULL);
	CU_ASSERT_FATAL(aliases_rcpts_new(&rs) == 0);
	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		CU_ASSERT(aliases_rcpts_add(rs, al, tok) == 0);
	out[0] = '\0';
	for (i = 0; i < aliases_rcpts_count(rs); i++) {
		if (aliases_rcpts_origin(rs, i) != NULL)
			(void)snprintf(one, sizeof(one), "%s<%s|%s%s>",
			    aliases_rcpts_addr(rs, i), aliases_rcpts_via(rs, i),
			    aliases_rcpts_origin(rs, i),
			    aliases_rcpts_listed(rs, i) ? "|L" : "");
		else
			(void)snprintf(
			    one, sizeof(one), "%s", aliases_rcpts_addr(rs, i));
		if (i > 0)
			(void)strncat(out, " ", sizeof(out) - strlen(out) - 1);
		(void)strncat(out, one, sizeof(out) - strlen(out) - 1);
	}
	*lost = aliases_rcpts_lost(rs);
	aliases_rcpts_free(rs);
	free(copy);
	return out;
}

static void
aliases_reads_entries_continuations_and_comments(void)
{
	struct diag *dg;
	struct aliases *al = table(
	    "# the district's lists\n"
	    "grade2-reading@district.example\n"
	    "        sam.lee@students.district.example,\n"
	    "# a comment inside the entry\n"
	    "\n"
	    "        omar.kim@students.district.example\r\n"
	    "Sam@District.Example   sam.lee@students.district.example\n"
	    "blanks@district.example a@x.example  b@x.example\t\tc@x.example\n"
	    "named@district.example \"Ann Lee\" <ann@x.example>, bob@x.example\n"
	    "quoted@district.example \"a, b\"@x.example\n",
	    &dg);

	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_STRING_EQUAL(diags(dg), "");
	CU_ASSERT_EQUAL(aliases_count(al), 5);
	CU_ASSERT_EQUAL(aliases_results(al), 9);
	CU_ASSERT_STRING_EQUAL(results(al, "grade2-reading@district.example"),
	    "sam.lee@students.district.example "
	    "omar.kim@students.district.example");
	/* keys ignore case and are found by any spelling of the address */
	CU_ASSERT_STRING_EQUAL(results(al, "GRADE2-Reading@District.Example."),
	    results(al, "grade2-reading@district.example"));
	CU_ASSERT_STRING_EQUAL(results(al, "\"sam\"@district.example"),
	    "sam.lee@students.district.example");
	CU_ASSERT_STRING_EQUAL(results(al, "blanks@district.example"),
	    "a@x.example b@x.example c@x.example");
	CU_ASSERT_STRING_EQUAL(results(al, "named@district.example"),
	    "ann@x.example bob@x.example");
	CU_ASSERT_STRING_EQUAL(
	    results(al, "quoted@district.example"), "\"a, b\"@x.example");
	CU_ASSERT_STRING_EQUAL(results(al, "nobody@district.example"), "-");
	CU_ASSERT_STRING_EQUAL(
	    aliases_entry_key(aliases_find(al, "Sam@district.example")),
	    "sam@district.example");
	CU_ASSERT_STRING_EQUAL(aliases_entry_file(aliases_find(
	                           al, "grade2-reading@district.example")),
	    "virtual");
	CU_ASSERT_EQUAL(aliases_entry_line(aliases_find(
	                    al, "grade2-reading@district.example")),
	    2);
	CU_ASSERT_EQUAL(
	    aliases_entry_line(aliases_find(al, "sam@district.example")), 7);
	aliases_free(al);
	diag_free(dg);
}

static void
aliases_completes_results_as_postfix_does(void)
{
	struct diag *dg;
	struct aliases *al = table(
	    /* "@domain" first: the key's local part */
	    "moved@district.example  @new.district.example\n"
	    /* no domain: Postfix appends $myorigin */
	    "postmaster@district.example  root, admin@x.example\n",
	    &dg);

	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_STRING_EQUAL(diags(dg), "");
	CU_ASSERT_STRING_EQUAL(results(al, "moved@district.example"),
	    "moved@new.district.example");
	CU_ASSERT_STRING_EQUAL(results(al, "postmaster@district.example"),
	    "root@district.example admin@x.example");
	aliases_free(al);
	diag_free(dg);

	/* a display name of several words is part of the address it comes
	 * before, as Postfix's address parser reads it: no "Sam@" result */
	al = table("sam@district.example  Sam Lee <sam.lee@x.example>, "
	           "\"Lee, Kim\" <kim.lee@x.example> pat@x.example\n",
	    &dg);
	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_STRING_EQUAL(diags(dg), "");
	CU_ASSERT_STRING_EQUAL(results(al, "sam@district.example"),
	    "sam.lee@x.example kim.lee@x.example pat@x.example");
	aliases_free(al);
	diag_free(dg);
}

/* What a file must produce: every diagnostic, in order, in full. */
static const struct {
	const char *label;
	const char *text;
	const char *want; /* the diagnostics, joined by "\n" */
	size_t keys;
} problems[] = {
    {"a continuation line first",
        "   stray@district.example  a@x.example\nok@district.example a@x\n",
        "virtual:1: continuation line (it starts with white space) with no "
        "entry before it",
        1},
    {"a key without a result",
        "lonely@district.example\nok@district.example a@x.example\n",
        "virtual:1: \"lonely@district.example\" has no result (expected "
        "\"key  result, result ...\")",
        1},
    {"only separators as the result", "commas@district.example , ,\n",
        "virtual:1: \"commas@district.example\" has no result (expected "
        "\"key  result, result ...\")",
        0},
    {"an aliases(5) file", "staff: a@x.example, b@x.example\n",
        "virtual:1: \"staff:\" is in the aliases(5) format (\"name: "
        "value\"); the file must be in the virtual(5) format (\"address  "
        "result, result ...\")",
        0},
    {"a NUL byte, and the entry it is in dropped",
        "a@district.example x@x.example\n  y\0@x.example\n"
        "b@district.example z@x.example\n",
        "virtual:2: NUL byte in the line; not a text file?", 1},
    {"a file cut short in the middle of an address",
        "ok@district.example a@x.example\n"
        "cut@district.example ann.b@x.example, sam.lee@students.distr",
        "virtual:2: the file does not end with a line break: it looks cut "
        "short while being written, and is not read",
        0},
    {"catch-alls that reach the district's domains",
        "@old.district.example  @students.district.example\n"
        "@alumni.example  office@district.example\n"
        "@partner.example  <Desk> desk@district.example\n",
        "virtual:1: catch-all \"@old.district.example\" reaches the "
        "district's own domains, which the filter cannot judge by the "
        "address as written: list each address it must cover as a key of "
        "its own\n"
        "virtual:2: catch-all \"@alumni.example\" reaches the district's "
        "own domains, which the filter cannot judge by the address as "
        "written: list each address it must cover as a key of its own\n"
        "virtual:3: catch-all \"@partner.example\" reaches the district's "
        "own domains, which the filter cannot judge by the address as "
        "written: list each address it must cover as a key of its own",
        0},
    {"warnings: a catch-all, a bare user, a routing key, a duplicate, "
     "an unresolvable result; a domain line is silent",
        "@district.example  catchall@x.example\n"
        "root  admin@x.example\n"
        "district.example  anything\n"
        "a%b@district.example  c@x.example\n"
        "dup@district.example  one@x.example\n"
        "DUP@district.example  two@x.example\n"
        "odd@district.example  a%b%c@district.example\n",
        "virtual:1: warning: catch-all \"@district.example\" is not read: "
        "mail it catches is judged by the address as written; list each "
        "address it must cover as a key of its own\n"
        "virtual:2: warning: key \"root\" has no domain and is not read "
        "(Postfix matches it in its local domains): write it as "
        "root@DOMAIN for each domain it covers\n"
        "virtual:4: warning: key \"a%b@district.example\" is not read: a "
        "routing form (Postfix looks it up as written, the filter by "
        "where it leads)\n"
        "virtual:6: warning: duplicate entry \"DUP@district.example\" "
        "(first at line 5): the first counts\n"
        "virtual:7: warning: result \"a%b%c@district.example\" of "
        "\"odd@district.example\" cannot be resolved (nested routing "
        "(several of @ % !)): the rules see it as an unresolvable "
        "recipient",
        2},
};

static void
aliases_reports_every_problem_with_file_and_line(void)
{
	struct diag *dg;
	struct aliases *al;
	size_t i, len;

	for (i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		struct aliases_options o = {
		    district, 1, "+", "district.example"};

		dg = diag_new();
		CU_ASSERT_FATAL(dg != NULL);
		CU_ASSERT_FATAL(aliases_new(&al, &o) == 0);
		/* the NUL case needs its real length */
		len = strlen(problems[i].text);
		if (strstr(problems[i].label, "NUL") != NULL)
			len += strlen(problems[i].text + len + 1) + 1;
		CU_ASSERT(aliases_parse(
		              al, "virtual", problems[i].text, len, dg) == 0);
		if (strcmp(diags(dg), problems[i].want) != 0 ||
		    aliases_count(al) != problems[i].keys) {
			printf("\n%s:\n got: %s (%zu keys)\nwant: %s (%zu "
			       "keys)\n",
			    problems[i].label, diags(dg), aliases_count(al),
			    problems[i].want, problems[i].keys);
			CU_FAIL(problems[i].label);
		}
		aliases_free(al);
		diag_free(dg);
	}
}

static void
aliases_refuses_an_entry_or_a_file_past_its_bound(void)
{
	struct aliases_options o = {district, 1, "+", NULL};
	struct aliases *al;
	struct diag *dg = diag_new();
	char *text, want[256];
	size_t i, n = 0;

	CU_ASSERT_FATAL(dg != NULL);
	/* one entry whose results run past BOUND_ALIAS_LINE_BYTES, over
	 * continuation lines, then a good one */
	text = malloc(BOUND_ALIAS_LINE_BYTES * 2);
	CU_ASSERT_FATAL(text != NULL);
	n += (size_t)sprintf(text + n, "big@district.example\n");
	for (i = 0; n < BOUND_ALIAS_LINE_BYTES + BOUND_ALIAS_LINE_BYTES / 5;
	     i++)
		n += (size_t)sprintf(
		    text + n, "  member%zu@students.district.example,\n", i);
	n += (size_t)sprintf(text + n, "small@district.example a@x.example\n");
	CU_ASSERT_FATAL(aliases_new(&al, &o) == 0);
	CU_ASSERT(aliases_parse(al, "virtual", text, n, dg) == 0);
	(void)snprintf(want, sizeof(want),
	    "virtual:1: entry longer than %d bytes: split the list into lists "
	    "of lists",
	    BOUND_ALIAS_LINE_BYTES);
	CU_ASSERT_STRING_EQUAL(diags(dg), want);
	CU_ASSERT_EQUAL(aliases_count(al), 1);
	CU_ASSERT_STRING_EQUAL(
	    results(al, "small@district.example"), "a@x.example");
	CU_ASSERT_STRING_EQUAL(results(al, "big@district.example"), "-");
	aliases_free(al);
	diag_free(dg);
	free(text);

	/* a file over BOUND_ALIAS_FILE_BYTES is not read at all */
	dg = diag_new();
	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_FATAL(aliases_new(&al, &o) == 0);
	CU_ASSERT(aliases_parse(al, "virtual", "a@district.example b@x\n",
	              (size_t)BOUND_ALIAS_FILE_BYTES + 1, dg) == 0);
	(void)snprintf(want, sizeof(want),
	    "virtual: larger than %d bytes; not read (is it the virtual(5) "
	    "file?)",
	    BOUND_ALIAS_FILE_BYTES);
	CU_ASSERT_STRING_EQUAL(diags(dg), want);
	CU_ASSERT_EQUAL(aliases_count(al), 0);
	aliases_free(al);
	diag_free(dg);
}

static void
aliases_first_table_wins_across_files(void)
{
	struct aliases_options o = {district, 1, "+", NULL};
	const char *one = "team@district.example first@x.example\n";
	const char *two = "team@district.example second@x.example\n"
	                  "other@district.example other@x.example\n";
	struct aliases *al;
	struct diag *dg = diag_new();

	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_FATAL(aliases_new(&al, &o) == 0);
	CU_ASSERT(aliases_parse(al, "one", one, strlen(one), dg) == 0);
	CU_ASSERT(aliases_parse(al, "two", two, strlen(two), dg) == 0);
	/* Postfix searches the tables in order: no warning */
	CU_ASSERT_STRING_EQUAL(diags(dg), "");
	CU_ASSERT_STRING_EQUAL(
	    results(al, "team@district.example"), "first@x.example");
	CU_ASSERT_STRING_EQUAL(
	    aliases_entry_file(aliases_find(al, "other@district.example")),
	    "two");
	aliases_free(al);
	diag_free(dg);
}

static void
aliases_expands_lists_of_lists_in_order(void)
{
	struct diag *dg;
	unsigned lost;
	struct aliases *al =
	    table("school@district.example  grade2@district.example, "
	          "mia@students.district.example\n"
	          "grade2@district.example  sam@students.district.example, "
	          "omar@students.district.example\n"
	          "sam-alias@district.example  sam@students.district.example\n",
	        &dg);

	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_STRING_EQUAL(
	    expand(
	        al, "teacher@district.example school@district.example", &lost),
	    "teacher@district.example "
	    "sam@students.district.example<grade2@district.example|"
	    "school@district.example|L> "
	    "omar@students.district.example<grade2@district.example|"
	    "school@district.example|L> "
	    "mia@students.district.example<school@district.example|"
	    "school@district.example|L>");
	CU_ASSERT_EQUAL(lost, 0);
	/* an alias of one person is not a list */
	CU_ASSERT_STRING_EQUAL(expand(al, "Sam-Alias@District.Example", &lost),
	    "sam@students.district.example<sam-alias@district.example|"
	    "sam-alias@district.example>");
	/* a member the message names itself is there once, as named;
	 * addresses the message names twice stay twice */
	CU_ASSERT_STRING_EQUAL(
	    expand(al,
	        "sam@students.district.example grade2@district.example "
	        "x@x.example x@x.example",
	        &lost),
	    "sam@students.district.example "
	    "omar@students.district.example<grade2@district.example|"
	    "grade2@district.example|L> "
	    "x@x.example x@x.example");
	/* the same list twice: its members once */
	CU_ASSERT_STRING_EQUAL(
	    expand(
	        al, "grade2@district.example school@district.example", &lost),
	    "sam@students.district.example<grade2@district.example|"
	    "grade2@district.example|L> "
	    "omar@students.district.example<grade2@district.example|"
	    "grade2@district.example|L> "
	    "mia@students.district.example<school@district.example|"
	    "school@district.example|L>");
	/* no table: the envelope as it is */
	CU_ASSERT_STRING_EQUAL(expand(NULL, "grade2@district.example", &lost),
	    "grade2@district.example");
	aliases_free(al);
	diag_free(dg);
}

static void
aliases_expansion_keeps_an_address_that_names_itself(void)
{
	struct diag *dg;
	unsigned lost;
	struct aliases *al = table(
	    /* a copy kept in the mailbox of the list's own address */
	    "archive@district.example  archive@district.example, "
	    "sam@students.district.example\n"
	    /* and elsewhere afterwards (Postfix's been_here) */
	    "a@district.example  a@district.example, b@district.example\n"
	    "b@district.example  a@district.example\n",
	    &dg);

	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_STRING_EQUAL(expand(al, "archive@district.example", &lost),
	    "archive@district.example<archive@district.example|"
	    "archive@district.example|L> "
	    "sam@students.district.example<archive@district.example|"
	    "archive@district.example|L>");
	CU_ASSERT_EQUAL(lost, 0);
	CU_ASSERT_STRING_EQUAL(expand(al, "a@district.example", &lost),
	    "a@district.example<a@district.example|a@district.example|L>");
	CU_ASSERT_EQUAL(lost, 0);
	aliases_free(al);
	diag_free(dg);
}

static void
aliases_expansion_passes_the_extension_on(void)
{
	struct diag *dg;
	unsigned lost;
	struct aliases *al =
	    table("grade2@district.example  sam@students.district.example, "
	          "omar@students.district.example\n"
	          "moved@district.example  @new.example\n",
	        &dg);

	CU_ASSERT_FATAL(al != NULL);
	/* recipient_delimiter: the list is found without +tag, and the
	 * tag goes on to every member, as Postfix's
	 * propagate_unmatched_extensions does */
	CU_ASSERT_STRING_EQUAL(
	    expand(al, "grade2+reading@district.example", &lost),
	    "sam+reading@students.district.example<grade2@district.example|"
	    "grade2@district.example|L> "
	    "omar+reading@students.district.example<grade2@district.example|"
	    "grade2@district.example|L>");
	CU_ASSERT_STRING_EQUAL(expand(al, "moved+x@district.example", &lost),
	    "moved+x@new.example<moved@district.example|"
	    "moved@district.example>");
	aliases_free(al);
	diag_free(dg);
}

/* chain - a file of n aliases in a row, l0 -> l1 -> ... -> ln, and
 * ln a person */
static char *
chain(int n)
{
	struct buf b;
	int i;

	buf_init(&b, 1024 * 1024);
	for (i = 0; i < n; i++)
		CU_ASSERT(buf_printf(&b,
		              "l%d@district.example l%d@district.example\n", i,
		              i + 1) == BUF_OK);
	return buf_steal(&b);
}

static void
aliases_expansion_fails_closed_past_its_bounds(void)
{
	struct diag *dg;
	unsigned lost;
	char *text, want[128];
	struct aliases *al;
	struct buf b;
	int i;

	/* nesting: BOUND_ALIAS_DEPTH lookups are fine, one more is lost */
	text = chain(BOUND_ALIAS_DEPTH);
	al = table(text, &dg);
	CU_ASSERT_FATAL(al != NULL);
	(void)snprintf(want, sizeof(want),
	    "l%d@district.example<l%d@district.example|l0@district.example>",
	    BOUND_ALIAS_DEPTH, BOUND_ALIAS_DEPTH - 1);
	CU_ASSERT_STRING_EQUAL(expand(al, "l0@district.example", &lost), want);
	CU_ASSERT_EQUAL(lost, 0);
	aliases_free(al);
	diag_free(dg);
	free(text);
	text = chain(BOUND_ALIAS_DEPTH + 1);
	al = table(text, &dg);
	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_STRING_EQUAL(expand(al, "l0@district.example", &lost), "");
	CU_ASSERT_EQUAL(lost, ALIASES_LOST_DEPTH);
	/* starting lower down, the same table expands in full */
	(void)expand(al, "l1@district.example", &lost);
	CU_ASSERT_EQUAL(lost, 0);
	aliases_free(al);
	diag_free(dg);
	free(text);

	/* loops are lost at the nesting bound, whatever their shape */
	al = table("a@district.example b@district.example\n"
	           "b@district.example a@district.example, x@x.example\n"
	           "c@district.example c@district.example\n",
	    &dg);
	CU_ASSERT_FATAL(al != NULL);
	(void)expand(al, "a@district.example", &lost);
	CU_ASSERT_EQUAL(lost, ALIASES_LOST_DEPTH);
	/* a key that is its own only result is delivered, not a loop */
	CU_ASSERT_STRING_EQUAL(expand(al, "c@district.example", &lost),
	    "c@district.example<c@district.example|c@district.example>");
	CU_ASSERT_EQUAL(lost, 0);
	aliases_free(al);
	diag_free(dg);

	/* members: BOUND_ALIAS_MEMBERS addresses read for one message */
	buf_init(&b, 2 * 1024 * 1024);
	CU_ASSERT(buf_puts(&b, "all@district.example") == BUF_OK);
	for (i = 0; i < BOUND_ALIAS_MEMBERS / 2; i++)
		CU_ASSERT(buf_printf(&b, "\n m%d@x.example", i) == BUF_OK);
	CU_ASSERT(buf_puts(&b, "\nall2@district.example") == BUF_OK);
	for (i = 0; i < BOUND_ALIAS_MEMBERS / 2; i++)
		CU_ASSERT(buf_printf(&b, "\n n%d@x.example", i) == BUF_OK);
	CU_ASSERT(
	    buf_puts(&b, "\none@district.example z@x.example\n") == BUF_OK);
	al = table(buf_str(&b), &dg);
	CU_ASSERT_FATAL(al != NULL);
	(void)expand(al, "all@district.example all2@district.example", &lost);
	CU_ASSERT_EQUAL(lost, 0);
	(void)expand(al,
	    "all@district.example all2@district.example one@district.example",
	    &lost);
	CU_ASSERT_EQUAL(lost, ALIASES_LOST_MEMBERS);
	aliases_free(al);
	diag_free(dg);
	buf_free(&b);
}

static void
aliases_lost_at_names_the_recipient(void)
{
	struct aliases_rcpts *rs;
	struct diag *dg;
	char *text = chain(BOUND_ALIAS_DEPTH + 1);
	struct aliases *al = table(text, &dg);

	CU_ASSERT_FATAL(al != NULL);
	CU_ASSERT_FATAL(aliases_rcpts_new(&rs) == 0);
	CU_ASSERT(aliases_rcpts_add(rs, al, "x@x.example") == 0);
	CU_ASSERT_PTR_NULL(aliases_rcpts_lost_at(rs));
	CU_ASSERT(aliases_rcpts_add(rs, al, "L0@district.example") == 0);
	CU_ASSERT_STRING_EQUAL(
	    aliases_rcpts_lost_at(rs), "l0@district.example");
	CU_ASSERT_EQUAL(aliases_rcpts_expanded(rs), 1);
	aliases_rcpts_free(rs);
	aliases_rcpts_free(NULL);
	aliases_free(al);
	aliases_free(NULL);
	diag_free(dg);
	free(text);
}

static CU_TestInfo tests[] = {
    {"aliases_reads_entries_continuations_and_comments",
        aliases_reads_entries_continuations_and_comments},
    {"aliases_completes_results_as_postfix_does",
        aliases_completes_results_as_postfix_does},
    {"aliases_reports_every_problem_with_file_and_line",
        aliases_reports_every_problem_with_file_and_line},
    {"aliases_refuses_an_entry_or_a_file_past_its_bound",
        aliases_refuses_an_entry_or_a_file_past_its_bound},
    {"aliases_first_table_wins_across_files",
        aliases_first_table_wins_across_files},
    {"aliases_expands_lists_of_lists_in_order",
        aliases_expands_lists_of_lists_in_order},
    {"aliases_expansion_keeps_an_address_that_names_itself",
        aliases_expansion_keeps_an_address_that_names_itself},
    {"aliases_expansion_passes_the_extension_on",
        aliases_expansion_passes_the_extension_on},
    {"aliases_expansion_fails_closed_past_its_bounds",
        aliases_expansion_fails_closed_past_its_bounds},
    {"aliases_lost_at_names_the_recipient",
        aliases_lost_at_names_the_recipient},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"aliases", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_aliases", suites);
}
