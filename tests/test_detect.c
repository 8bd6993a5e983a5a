/*
 * test_detect.c - the detectors: the tokenizer, student names in their
 * forms (accents, case, spreadsheet cells), identifiers, birth dates,
 * the false positives the name rules exist for, "student-record" inside
 * and outside its window, regex detectors on Vectorscan and on PCRE2
 * alone, keyword dictionaries, configuration errors with file:line, and
 * threads scanning at once
 */
#include "autoconf.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "config.h"
#include "detect.h"
#include "diag.h"
#include "roster.h"
#include "snapshot.h"
#include "testutil.h"
#include "token.h"

static struct roster *roster;
static struct detect_roster *students;

static int
setup(void)
{
	const char *dir = testutil_data("detect/roster");
	struct diag *dg = diag_new();
	int rc;

	rc = roster_load(&roster, &dir, 1, NULL, dg);
	if (rc == 0)
		rc = detect_roster_build(&students, roster);
	if (rc != 0)
		diag_print(dg, stderr);
	diag_free(dg);
	return rc;
}

static int
teardown(void)
{
	detect_roster_free(students);
	roster_free(roster);
	return 0;
}

/* scan1 - the hits of one body text; NULL after a failed assertion */
static struct detect_result *
scan1(const struct detect *d, const char *text)
{
	struct detect_result *res = NULL;
	struct detect_text t = {text, strlen(text), DETECT_IN_BODY, "", "text"};

	CU_ASSERT_EQUAL_FATAL(detect_scan(&res, d, students, &t, 1), 0);
	return res;
}

/* find - the hit of detector id, or NULL */
static const struct detect_hit *
find(const struct detect_result *res, const char *id)
{
	size_t i;

	for (i = 0; i < detect_hit_count(res); i++)
		if (strcmp(detect_hit(res, i)->detector, id) == 0)
			return detect_hit(res, i);
	return NULL;
}

/* students_of - the hit's students joined by spaces into a static
 * buffer; "-" for no hit */
static const char *
students_of(const struct detect_result *res, const char *id)
{
	static char buf[512];
	const struct detect_hit *h = find(res, id);
	size_t i;

	if (h == NULL)
		return "-";
	buf[0] = '\0';
	for (i = 0; i < h->nstudents; i++) {
		if (i > 0)
			(void)strlcat(buf, " ", sizeof(buf));
		(void)strlcat(buf, h->students[i], sizeof(buf));
	}
	return buf;
}

/* --- tokenizer ------------------------------------------------------------ */

static void
token_folds_case_and_accents_and_records_shape_and_separator(void)
{
	struct token_list tl;
	const char *text = "Lindqvist, Ava\tJOSÉ o\xe2\x80\x99"
	                   "brien\n"
	                   "2014-03-07 Øre";

	token_list_init(&tl);
	CU_ASSERT_EQUAL_FATAL(token_scan(&tl, text, strlen(text)), 0);
	CU_ASSERT_EQUAL_FATAL(tl.n, 9);
	CU_ASSERT_NSTRING_EQUAL(token_folded(&tl, &tl.v[0]), "lindqvist", 9);
	CU_ASSERT_EQUAL(tl.v[0].shape, TOKEN_CAPITAL);
	CU_ASSERT_EQUAL(tl.v[0].sep, TOKEN_SEP_START);
	CU_ASSERT_EQUAL(tl.v[1].sep, TOKEN_SEP_COMMA);
	CU_ASSERT_EQUAL(tl.v[2].sep, TOKEN_SEP_TAB);
	CU_ASSERT_EQUAL(tl.v[2].shape, TOKEN_UPPER);
	CU_ASSERT_EQUAL(tl.v[2].flen, 4);
	CU_ASSERT_NSTRING_EQUAL(token_folded(&tl, &tl.v[2]), "jose", 4);
	CU_ASSERT_EQUAL(tl.v[2].hash, token_hash("jose", 4));
	CU_ASSERT_EQUAL(tl.v[3].shape, TOKEN_LOWER);
	CU_ASSERT_EQUAL(tl.v[4].sep, TOKEN_SEP_JOIN);
	CU_ASSERT_EQUAL(tl.v[5].sep, TOKEN_SEP_NEWLINE);
	CU_ASSERT_EQUAL(tl.v[5].shape, TOKEN_NUMBER);
	CU_ASSERT_EQUAL(tl.v[6].sepc, '-');
	CU_ASSERT_EQUAL(tl.v[7].sepc, '-');
	CU_ASSERT_NSTRING_EQUAL(token_folded(&tl, &tl.v[8]), "ore", 3);
	CU_ASSERT_EQUAL(tl.v[8].shape, TOKEN_CAPITAL);
	CU_ASSERT_EQUAL(tl.invalid, 0);
	token_list_free(&tl);
}

static void
token_takes_long_and_short_words_alike(void)
{
	struct token_list tl;
	char text[8192], want[64];
	size_t n = 0, w, k, len[300];
	int shape[300];

	/* words of 1 to 40 characters in every shape, so that runs of
	 * letters start and end at every offset of a 16-byte block */
	for (w = 0; w < 300; w++) {
		len[w] = 1 + (w * 7) % 40;
		shape[w] = w % 4 == 0 && len[w] >= 2 ? TOKEN_UPPER :
		    w % 4 == 1                       ? TOKEN_CAPITAL :
		    w % 4 == 2                       ? TOKEN_NUMBER :
		                                       TOKEN_LOWER;
		for (k = 0; k < len[w]; k++) {
			char c = (char)('a' + (w + k) % 26);

			if (shape[w] == TOKEN_NUMBER)
				c = k == 0 ? (char)('0' + w % 10) : c;
			else if (shape[w] == TOKEN_UPPER ||
			    (shape[w] == TOKEN_CAPITAL && k == 0))
				c = (char)(c - 'a' + 'A');
			text[n++] = c;
		}
		text[n++] = w % 5 == 0 ? ',' : ' ';
	}
	token_list_init(&tl);
	CU_ASSERT_EQUAL_FATAL(token_scan(&tl, text, n), 0);
	CU_ASSERT_EQUAL_FATAL(tl.n, 300);
	for (w = 0; w < 300; w++) {
		const struct token *t = &tl.v[w];

		for (k = 0; k < t->len; k++)
			want[k] = (char)(text[t->off + k] |
			    (text[t->off + k] >= 'A' &&
			                text[t->off + k] <= 'Z' ?
			            0x20 :
			            0));
		CU_ASSERT_EQUAL(t->len, len[w]);
		CU_ASSERT_EQUAL(t->flen, len[w]);
		CU_ASSERT(memcmp(token_folded(&tl, t), want, t->flen) == 0);
		CU_ASSERT_EQUAL(t->hash, token_hash(want, t->flen));
		CU_ASSERT_EQUAL(t->shape,
		    shape[w] == TOKEN_UPPER && len[w] < 2 ? TOKEN_CAPITAL :
		                                            shape[w]);
	}
	token_list_free(&tl);
}

static void
token_treats_invalid_utf8_as_a_separator(void)
{
	struct token_list tl;
	const char text[] = "ab\xff"
	                    "cd \xc3";

	token_list_init(&tl);
	CU_ASSERT_EQUAL_FATAL(token_scan(&tl, text, sizeof(text) - 1), 0);
	CU_ASSERT_EQUAL(tl.n, 2);
	CU_ASSERT_EQUAL(tl.invalid, 2);
	token_list_free(&tl);
}

/* --- student names ----------------------------------------------------------
 */

static const struct {
	const char *label, *text, *want; /* want: sourcedIds, or "-" */
} name_cases[] = {
    {"given family", "Please call Ava Lindqvist today.", "s-ava-0001"},
    {"family, given", "Lindqvist, Ava", "s-ava-0001"},
    {"family,given (CSV)", "Lindqvist,Ava,02", "s-ava-0001"},
    {"FAMILY Given", "LINDQVIST Ava", "s-ava-0001"},
    {"Family Given", "Lindqvist Ava", "s-ava-0001"},
    {"all caps", "AVA LINDQVIST", "s-ava-0001"},
    {"middle name", "Ava Marie Lindqvist", "s-ava-0001"},
    {"middle initial", "Ava M. Lindqvist", "s-ava-0001"},
    {"spreadsheet cells", "02\tLindqvist\tAva\t98", "s-ava-0001"},
    {"given, family cells", "Ava\tLindqvist", "s-ava-0001"},
    {"accents as written", "José García", "s-jose-0003"},
    {"accents left out", "Jose Garcia", "s-jose-0003"},
    {"capitals", "GARCÍA, JOSÉ", "s-jose-0003"},
    {"two-word given name", "Mary Ann O'Brien", "s-mary-0004"},
    {"curly apostrophe",
        "O\xe2\x80\x99"
        "Brien, Mary Ann",
        "s-mary-0004"},
    {"lower-case particle", "Luc van den Berg", "s-luc-0005"},
    {"Vietnamese accents left out", "Minh Nguyen", "s-minh-0007"},
    {"Vietnamese in capitals", "NGUYỄN Minh", "s-minh-0007"},
    {"horn letter left out", "Truong, An", "s-an-0008"},
    {"two students", "Will Summer and Ava Lindqvist", "s-ava-0001 s-will-0002"},
    {"the name as a name", "Will Summer joined the class", "s-will-0002"},
    /* false positives */
    {"common words in lower case", "I will summer in Maine", "-"},
    {"lower-case name", "ava lindqvist", "-"},
    {"one name alone", "Ava was late. Lindqvist is a surname.", "-"},
    {"given name alone", "Ava", "-"},
    {"names split by a line", "Ava\nLindqvist", "-"},
    {"a staff member's name", "Regards, Maria Teach", "-"},
    {"a staff member's identifier", "Employee E100234", "-"},
    {"a guardian's name", "Pia Lindqvist called", "-"},
    {"an order number shaped like an ID", "Order S2009999 shipped", "-"},
    {"a short identifier is not looked for", "42 apples", "-"},
    {"the name inside a longer word", "Avalindqvist", "-"},
    /* identifiers */
    {"identifier", "Student S2001001 was absent", "s-ava-0001"},
    {"identifier, lower case", "id s2001001.", "s-ava-0001"},
    {"identifier with more digits", "S20010012", "-"},
    {"sourcedId", "record s-will-0002 updated", "s-will-0002"},
};

static void
detect_finds_student_names_in_their_forms_and_not_otherwise(void)
{
	size_t i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		struct detect_result *res = scan1(NULL, name_cases[i].text);
		const char *got = students_of(res, DETECT_STUDENT);

		if (strcmp(got, name_cases[i].want) != 0)
			fprintf(stderr, "\n%s: \"%s\": got %s, want %s\n",
			    name_cases[i].label, name_cases[i].text, got,
			    name_cases[i].want);
		CU_ASSERT_STRING_EQUAL(got, name_cases[i].want);
		detect_result_free(res);
	}
}

static void
detect_redacts_the_evidence(void)
{
	struct detect_result *res;
	const struct detect_hit *h;

	res = scan1(NULL, "Notes on Lindqvist, Ava");
	CU_ASSERT_FATAL((h = find(res, DETECT_STUDENT)) != NULL);
	CU_ASSERT_STRING_EQUAL(h->evidence, "Ava L\xe2\x80\xa6");
	CU_ASSERT_EQUAL(h->matches, 1);
	CU_ASSERT_EQUAL(h->text, 0);
	detect_result_free(res);

	res = scan1(NULL, "ID S2001003");
	CU_ASSERT_FATAL((h = find(res, DETECT_STUDENT)) != NULL);
	CU_ASSERT_STRING_EQUAL(h->evidence, "S2\xe2\x80\xa6");
	detect_result_free(res);

	res = scan1(NULL, "GARCIA Jose");
	CU_ASSERT_FATAL((h = find(res, DETECT_STUDENT)) != NULL);
	CU_ASSERT_STRING_EQUAL(h->evidence, "José G\xe2\x80\xa6");
	detect_result_free(res);
}

static const struct {
	const char *label, *text;
	size_t matches; /* 0: no hit */
} birth_cases[] = {
    {"ISO", "Ava Lindqvist, born 2014-03-07", 2},
    {"month first", "Ava Lindqvist 03/07/2014", 2},
    {"no leading zeros", "Ava Lindqvist 3/7/2014", 2},
    {"day month year", "Ava Lindqvist, 7 March 2014", 2},
    {"month day, year", "Ava Lindqvist (Mar 7, 2014)", 2},
    {"not her birth date", "Ava Lindqvist 2014-03-08", 1},
    {"another student's birth date", "Ava Lindqvist 2013-11-21", 1},
    {"a birth date alone", "born 2014-03-07", 0},
    {"both students", "Will Summer 2013-11-21, Ava Lindqvist 2014-03-07", 4},
    {"two students born the same day, one named twice",
        "Ava Lindqvist, Mary Ann O'Brien and Ava Lindqvist, all born "
        "2014-03-07",
        5},
};

static void
detect_counts_a_birth_date_only_for_a_student_named_in_the_text(void)
{
	size_t i;

	for (i = 0; i < sizeof(birth_cases) / sizeof(birth_cases[0]); i++) {
		struct detect_result *res = scan1(NULL, birth_cases[i].text);
		const struct detect_hit *h = find(res, DETECT_STUDENT);
		size_t got = h == NULL ? 0 : h->matches;

		if (got != birth_cases[i].matches)
			fprintf(stderr, "\n%s: got %zu matches, want %zu\n",
			    birth_cases[i].label, got, birth_cases[i].matches);
		CU_ASSERT_EQUAL(got, birth_cases[i].matches);
		detect_result_free(res);
	}
}

/* --- student-record ------------------------------------------------------- */

static void
detect_student_record_needs_a_term_within_the_window(void)
{
	struct detect_result *res;
	const struct detect_hit *h;
	char far[1024];
	size_t i;

	res = scan1(NULL, "Attached is the report card of Ava Lindqvist.");
	CU_ASSERT_FATAL((h = find(res, DETECT_STUDENT_RECORD)) != NULL);
	CU_ASSERT_STRING_EQUAL(
	    h->evidence, "Ava L\xe2\x80\xa6 \xe2\x80\x94 report card");
	CU_ASSERT_EQUAL(h->nstudents, 1);
	CU_ASSERT_EQUAL(h->matches, 1);
	detect_result_free(res);

	res = scan1(NULL,
	    "LINDQVIST\tAva\t504 Plan\tyes\n"
	    "Summer\tWill\tIEP\tno\n");
	CU_ASSERT_STRING_EQUAL(
	    students_of(res, DETECT_STUDENT_RECORD), "s-ava-0001 s-will-0002");
	CU_ASSERT_EQUAL(find(res, DETECT_STUDENT_RECORD)->matches, 2);
	detect_result_free(res);

	/* 40 words between: inside; 41: outside */
	(void)strlcpy(far, "Ava Lindqvist", sizeof(far));
	for (i = 0; i < 39; i++)
		(void)strlcat(far, " word", sizeof(far));
	(void)strlcat(far, " attendance", sizeof(far));
	res = scan1(NULL, far);
	CU_ASSERT(find(res, DETECT_STUDENT_RECORD) != NULL);
	detect_result_free(res);
	(void)strlcpy(far, "Ava Lindqvist", sizeof(far));
	for (i = 0; i < 40; i++)
		(void)strlcat(far, " word", sizeof(far));
	(void)strlcat(far, " attendance", sizeof(far));
	res = scan1(NULL, far);
	CU_ASSERT(find(res, DETECT_STUDENT) != NULL);
	CU_ASSERT(find(res, DETECT_STUDENT_RECORD) == NULL);
	detect_result_free(res);

	/* the vocabulary without a student */
	res = scan1(NULL, "Report cards go home on Friday.");
	CU_ASSERT_EQUAL(detect_hit_count(res), 0);
	detect_result_free(res);
}

static void
detect_without_a_directory_runs_no_builtin_detector(void)
{
	struct detect_result *res = NULL;
	struct detect_text t = {
	    "Ava Lindqvist report card", 25, DETECT_IN_SUBJECT, "", "text"};

	CU_ASSERT_EQUAL_FATAL(detect_scan(&res, NULL, NULL, &t, 1), 0);
	CU_ASSERT_EQUAL(detect_hit_count(res), 0);
	detect_result_free(res);
}

/* --- declared detectors ----------------------------------------------------
 */

/* compile - detectors from a main file with body (inside the root), and
 * keyword files written beside it; returns the diag's text (static) or
 * "" when it compiled, with the object in *out */
static const char *
compile(struct detect **out, const char *body, const char *words)
{
	static char text[4096];
	const char *dir = testutil_tmpdir();
	char xml[4096], *path;
	struct config *cfg = NULL;
	struct diag *dg = diag_new();
	size_t i;

	*out = NULL;
	if (words != NULL)
		(void)testutil_write(dir, "words.txt", words);
	(void)snprintf(xml, sizeof(xml),
	    "<?xml version=\"1.0\"?>\n<guardian-milter version=\"1\">\n"
	    "%s</guardian-milter>\n",
	    body);
	path = strdup(testutil_write(dir, "main.xml", xml));
	text[0] = '\0';
	if (config_load(&cfg, path, dg) == 0)
		(void)detect_compile(out, cfg, dg);
	for (i = 0; i < diag_kept(dg); i++) {
		const char *t = diag_text(dg, i), *p = strstr(t, "main.xml");
		const char *q = strstr(t, "words.txt");

		/* the temporary directory left out */
		if (p != NULL && (q == NULL || p < q))
			t = p;
		else if (q != NULL)
			t = q;
		(void)strlcat(text, t, sizeof(text));
		(void)strlcat(text, "\n", sizeof(text));
	}
	config_free(cfg);
	diag_free(dg);
	free(path);
	return text;
}

#define SSN                                                            \
	"<regex id=\"ssn\" description=\"US Social Security number\">" \
	"<pattern>\\b(?:00[1-9]|0[1-9]\\d|[1-5]\\d\\d|6[0-"            \
	"5]\\d|66[0-57-9]|6[7-9]\\d|[78]\\d\\d)-(?:0[1-9]|[1-9]\\d)-(?:000[1-9]|00[1-9]\\d|0[1-9]\\d\\d|[1-9]\\d{3})\\b</pattern></regex>\n"

static void
detect_regex_counts_confirmed_matches_with_redacted_evidence(void)
{
	struct detect *d;
	struct detect_result *res;
	const struct detect_hit *h;

	CU_ASSERT_STRING_EQUAL(
	    compile(&d, "<detectors>" SSN "</detectors>", NULL), "");
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(detect_count(d), 1);
	CU_ASSERT_STRING_EQUAL(detect_id(d, 0), "ssn");
#ifdef HAVE_LIBHS
	CU_ASSERT_EQUAL(detect_pcre_only(d), 0); /* Vectorscan takes it */
#else
	CU_ASSERT_EQUAL(detect_pcre_only(d), 1);
#endif
	res = scan1(d,
	    "SSN 123-45-6789 and 234-56-7890; not 666-12-3456, "
	    "900-12-3456, 000-12-3456 or 1234-56-78901");
	CU_ASSERT_FATAL((h = find(res, "ssn")) != NULL);
	CU_ASSERT_EQUAL(h->matches, 2);
	CU_ASSERT_STRING_EQUAL(
	    h->evidence, "12\xe2\x80\xa6 (US Social Security number)");
	CU_ASSERT_EQUAL(h->nstudents, 0);
	detect_result_free(res);
	res = scan1(d, "Call 555-1234.");
	CU_ASSERT(find(res, "ssn") == NULL);
	detect_result_free(res);
	detect_free(d);
}

static void
detect_regex_falls_back_to_pcre2_for_backreferences(void)
{
	struct detect *d;
	struct detect_result *res;
	const struct detect_hit *h;
#ifdef HAVE_LIBHS
	/* a warning that says which pattern costs a pass of its own */
	const char *want =
	    "main.xml:3: warning: pattern \"\\b(\\w{3,})\\s+\\1\\b\" is "
	    "matched by PCRE2 alone, in a pass of its own (Vectorscan: "
	    "Back-references are unsupported.)\n";
#else
	const char *want = "";
#endif

	CU_ASSERT_STRING_EQUAL(
	    compile(&d,
	        "<detectors><regex id=\"repeat\" description=\"a word twice\">"
	        "<pattern>\\b(\\w{3,})\\s+\\1\\b</pattern></regex>"
	        "<regex id=\"code\" case=\"insensitive\">"
	        "<pattern>\\bcode-\\d{4}\\b</pattern>"
	        "<pattern case=\"sensitive\">\\bXY\\d\\b</pattern>"
	        "</regex></detectors>",
	        NULL),
	    want);
	CU_ASSERT_FATAL(d != NULL);
#ifdef HAVE_LIBHS
	CU_ASSERT_EQUAL(detect_pcre_only(d), 1); /* the backreference */
#else
	CU_ASSERT_EQUAL(detect_pcre_only(d), 3);
#endif
	res = scan1(d, "the the cat sat sat; CODE-1234 code-9999 xy1 XY2");
	CU_ASSERT_FATAL((h = find(res, "repeat")) != NULL);
	CU_ASSERT_EQUAL(h->matches, 2);
	CU_ASSERT_STRING_EQUAL(h->evidence, "th\xe2\x80\xa6 (a word twice)");
	CU_ASSERT_FATAL((h = find(res, "code")) != NULL);
	CU_ASSERT_EQUAL(h->matches, 3);
	detect_result_free(res);
	/* invalid UTF-8: PCRE2 matches every pattern */
	res = scan1(d, "bad \xff byte code-1234");
	CU_ASSERT_FATAL((h = find(res, "code")) != NULL);
	CU_ASSERT_EQUAL(h->matches, 1);
	detect_result_free(res);
	detect_free(d);
}

static void
detect_keywords_match_words_and_phrases_case_insensitively(void)
{
	struct detect *d;
	struct detect_result *res;
	const struct detect_hit *h;

	CU_ASSERT_STRING_EQUAL(
	    compile(&d,
	        "<detectors><keywords id=\"offensive\" file=\"words.txt\" "
	        "description=\"offensive language\"/></detectors>",
	        "# test words\n\nidiot\nshut up\n  kill you  \nnaïve\n"),
	    "");
	CU_ASSERT_FATAL(d != NULL);
	res = scan1(d,
	    "You IDIOT, shut   up or I'll KILL-you. Naive. "
	    "idiotic shutup");
	CU_ASSERT_FATAL((h = find(res, "offensive")) != NULL);
	CU_ASSERT_EQUAL(h->matches, 4);
	CU_ASSERT_STRING_EQUAL(h->evidence, "idiot");
	detect_result_free(res);
	res = scan1(d, "Idiotic, shutter, killing");
	CU_ASSERT(find(res, "offensive") == NULL);
	detect_result_free(res);
	detect_free(d);
}

static void
detect_hits_come_in_text_then_detector_order(void)
{
	struct detect *d;
	struct detect_result *res = NULL;
	struct detect_text t[2] = {
	    {"idiot 123-45-6789", 17, DETECT_IN_SUBJECT, "", "text"},
	    {"Ava Lindqvist report card 123-45-6789", 37, DETECT_IN_BODY, "",
	        "text"},
	};

	CU_ASSERT_STRING_EQUAL(
	    compile(&d,
	        "<detectors>" SSN "<keywords id=\"offensive\" "
	        "file=\"words.txt\"/></detectors>",
	        "idiot\n"),
	    "");
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL_FATAL(detect_scan(&res, d, students, t, 2), 0);
	CU_ASSERT_EQUAL_FATAL(detect_hit_count(res), 5);
	CU_ASSERT_STRING_EQUAL(detect_hit(res, 0)->detector, "ssn");
	CU_ASSERT_EQUAL(detect_hit(res, 0)->text, 0);
	CU_ASSERT_STRING_EQUAL(detect_hit(res, 1)->detector, "offensive");
	CU_ASSERT_STRING_EQUAL(detect_hit(res, 2)->detector, DETECT_STUDENT);
	CU_ASSERT_EQUAL(detect_hit(res, 2)->text, 1);
	CU_ASSERT_STRING_EQUAL(
	    detect_hit(res, 3)->detector, DETECT_STUDENT_RECORD);
	CU_ASSERT_STRING_EQUAL(detect_hit(res, 4)->detector, "ssn");
	CU_ASSERT_PTR_NULL(detect_hit(res, 5));
	detect_result_free(res);
	detect_free(d);
}

static const struct {
	const char *label, *body, *words, *want;
} error_cases[] = {
    {"no id", "<detectors><regex><pattern>a</pattern></regex></detectors>",
        NULL, "main.xml:3: <regex> needs an id attribute\n"},
    {"reserved id",
        "<detectors><regex id=\"student\"><pattern>a</pattern></regex>"
        "</detectors>",
        NULL,
        "main.xml:3: detector id \"student\" is reserved for a built-in "
        "detector\n"},
    {"duplicate id",
        "<detectors>\n<regex id=\"x\"><pattern>a</pattern></regex>\n"
        "<keywords id=\"x\" file=\"words.txt\"/></detectors>",
        "a\n", NULL},
    {"bad id",
        "<detectors><keywords id=\"a b\" file=\"words.txt\"/></detectors>",
        "a\n",
        "main.xml:3: invalid detector id \"a b\" (expected 1 to 128 "
        "letters, digits, '.', '_' or '-')\n"},
    {"bad regex",
        "<detectors><regex id=\"r\">\n<pattern>a(b</pattern></regex>"
        "</detectors>",
        NULL,
        "main.xml:4: invalid regex \"a(b\" in <pattern>: missing closing "
        "parenthesis at offset 3\n"},
    {"no pattern", "<detectors><regex id=\"r\"/></detectors>", NULL,
        "main.xml:3: <regex id=\"r\"> needs at least one <pattern>\n"},
    {"bad case",
        "<detectors><regex id=\"r\" case=\"upper\"><pattern>a</pattern>"
        "</regex></detectors>",
        NULL,
        "main.xml:3: invalid case \"upper\" on <regex> (expected: "
        "insensitive, sensitive)\n"},
    {"missing file",
        "<detectors><keywords id=\"k\" file=\"none.txt\"/></detectors>", NULL,
        NULL},
    {"no file attribute", "<detectors><keywords id=\"k\"/></detectors>", NULL,
        "main.xml:3: <keywords id=\"k\"> needs a file attribute\n"},
    {"bad dictionary line",
        "<detectors><keywords id=\"k\" file=\"words.txt\"/></detectors>",
        "ok\n# comment\n!!!\nbad\x01"
        "byte\n",
        "words.txt:3: no word in \"!!!\" (words are letters and digits)\n"
        "words.txt:4: not UTF-8 text (a control character, a NUL byte or "
        "an invalid sequence)\n"},
    {"unknown element", "<detectors><regexp id=\"r\"/></detectors>", NULL,
        NULL},
};

static void
detect_compile_reports_errors_with_file_and_line(void)
{
	size_t i;

	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		struct detect *d;
		const char *got =
		    compile(&d, error_cases[i].body, error_cases[i].words);

		CU_ASSERT_PTR_NULL(d);
		CU_ASSERT(got[0] != '\0');
		if (error_cases[i].want != NULL &&
		    strcmp(got, error_cases[i].want) != 0)
			fprintf(stderr, "\n%s: got\n%swant\n%s",
			    error_cases[i].label, got, error_cases[i].want);
		if (error_cases[i].want != NULL)
			CU_ASSERT_STRING_EQUAL(got, error_cases[i].want);
		detect_free(d);
	}
	/* the ones whose text has a path or a system message in it */
	{
		struct detect *d;
		const char *got = compile(&d, error_cases[2].body, "a\n");

		if (strstr(got,
		        "main.xml:5: duplicate detector id \"x\" (first "
		        "declared at ") != got)
			fprintf(stderr, "\nduplicate: %s", got);
		CU_ASSERT(strstr(got,
		              "main.xml:5: duplicate detector id \"x\" "
		              "(first declared at ") == got);
		CU_ASSERT(strstr(got, "main.xml:4)\n") != NULL);
		got = compile(&d, error_cases[7].body, NULL);
		CU_ASSERT(
		    strstr(got, "main.xml:3: cannot read keyword file \"") ==
		    got);
		CU_ASSERT(
		    strstr(got, "none.txt\": No such file or directory\n") !=
		    NULL);
		got = compile(&d, error_cases[10].body, NULL);
		CU_ASSERT(
		    strstr(got, "main.xml:3: unknown element <regexp>") == got);
	}
}

static void
detect_compile_of_no_detectors_is_empty(void)
{
	struct detect *d;

	CU_ASSERT_STRING_EQUAL(compile(&d, "", NULL), "");
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(detect_count(d), 0);
	detect_free(d);
	detect_free(NULL);
	detect_roster_free(NULL);
	detect_result_free(NULL);
}

/* --- the snapshot -----------------------------------------------------------
 */

static void
detect_parts_are_built_with_the_snapshot_and_the_directory(void)
{
	const char *dir = testutil_tmpdir();
	char xml[4096], roster_dir[1024], *path;
	struct snapshot *snap = NULL, *next = NULL;
	struct diag *dg = diag_new();
	struct detect_result *res = NULL;
	struct detect_text t = {
	    "Ava Lindqvist, idiot", 20, DETECT_IN_BODY, "", "text"};

	CU_ASSERT_FATAL(
	    realpath(testutil_data("detect/roster"), roster_dir) != NULL);
	(void)testutil_write(dir, "words.txt", "idiot\n");
	(void)snprintf(xml, sizeof(xml),
	    "<?xml version=\"1.0\"?>\n<guardian-milter version=\"1\">\n"
	    "<settings><spool-dir>%s</spool-dir></settings>\n"
	    "<directory><roster>%s</roster></directory>\n"
	    "<detectors><keywords id=\"offensive\" file=\"words.txt\"/>"
	    "</detectors>\n</guardian-milter>\n",
	    dir, roster_dir);
	path = strdup(testutil_write(dir, "main.xml", xml));
	if (snapshot_build(&snap, path, dg) != 0)
		diag_print(dg, stderr);
	CU_ASSERT_FATAL(snap != NULL);
	CU_ASSERT_EQUAL(detect_count(snapshot_detect(snap)), 1);
	CU_ASSERT_EQUAL(
	    detect_roster_students(snapshot_detect_roster(snap)), 8);
	CU_ASSERT_EQUAL_FATAL(detect_scan(&res, snapshot_detect(snap),
	                          snapshot_detect_roster(snap), &t, 1),
	    0);
	CU_ASSERT_EQUAL(detect_hit_count(res), 2);
	detect_result_free(res);
	/* a new directory: a new index, the same compiled detectors */
	CU_ASSERT_EQUAL_FATAL(snapshot_build_directory(&next, snap, dg), 0);
	CU_ASSERT_PTR_EQUAL(snapshot_detect(next), snapshot_detect(snap));
	CU_ASSERT_PTR_NOT_NULL(snapshot_detect_roster(next));
	CU_ASSERT_PTR_NOT_EQUAL(
	    snapshot_detect_roster(next), snapshot_detect_roster(snap));
	snapshot_release(snap);
	CU_ASSERT_EQUAL(
	    detect_roster_students(snapshot_detect_roster(next)), 8);
	snapshot_release(next);
	diag_free(dg);
	free(path);
}

/* --- threads ----------------------------------------------------------------
 */

struct worker {
	const struct detect *d;
	int failures;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	const char *text = "Lindqvist, Ava: report card. SSN 123-45-6789. "
	                   "Will Summer is an idiot? José García.";
	struct detect_text t = {text, strlen(text), DETECT_IN_BODY, "", "text"};
	int i;

	for (i = 0; i < 300; i++) {
		struct detect_result *res = NULL;

		if (detect_scan(&res, w->d, students, &t, 1) != 0 ||
		    detect_hit_count(res) != 4 ||
		    detect_hit(res, 0)->nstudents != 3 ||
		    detect_hit(res, 2)->matches != 1)
			w->failures++;
		detect_result_free(res);
	}
	return NULL;
}

static void
detect_scan_is_safe_in_several_threads_at_once(void)
{
	struct detect *d;
	pthread_t th[4];
	struct worker w[4];
	int i;

	CU_ASSERT_STRING_EQUAL(
	    compile(&d,
	        "<detectors>" SSN "<keywords id=\"offensive\" "
	        "file=\"words.txt\"/></detectors>",
	        "idiot\n"),
	    "");
	CU_ASSERT_FATAL(d != NULL);
	for (i = 0; i < 4; i++) {
		w[i].d = d;
		w[i].failures = 0;
		CU_ASSERT_EQUAL_FATAL(
		    pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(pthread_join(th[i], NULL), 0);
		CU_ASSERT_EQUAL(w[i].failures, 0);
	}
	detect_free(d);
}

static CU_TestInfo token_tests[] = {
    {"token_folds_case_and_accents_and_records_shape_and_separator",
        token_folds_case_and_accents_and_records_shape_and_separator},
    {"token_takes_long_and_short_words_alike",
        token_takes_long_and_short_words_alike},
    {"token_treats_invalid_utf8_as_a_separator",
        token_treats_invalid_utf8_as_a_separator},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo student_tests[] = {
    {"detect_finds_student_names_in_their_forms_and_not_otherwise",
        detect_finds_student_names_in_their_forms_and_not_otherwise},
    {"detect_redacts_the_evidence", detect_redacts_the_evidence},
    {"detect_counts_a_birth_date_only_for_a_student_named_in_the_text",
        detect_counts_a_birth_date_only_for_a_student_named_in_the_text},
    {"detect_student_record_needs_a_term_within_the_window",
        detect_student_record_needs_a_term_within_the_window},
    {"detect_without_a_directory_runs_no_builtin_detector",
        detect_without_a_directory_runs_no_builtin_detector},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo declared_tests[] = {
    {"detect_regex_counts_confirmed_matches_with_redacted_evidence",
        detect_regex_counts_confirmed_matches_with_redacted_evidence},
    {"detect_regex_falls_back_to_pcre2_for_backreferences",
        detect_regex_falls_back_to_pcre2_for_backreferences},
    {"detect_keywords_match_words_and_phrases_case_insensitively",
        detect_keywords_match_words_and_phrases_case_insensitively},
    {"detect_hits_come_in_text_then_detector_order",
        detect_hits_come_in_text_then_detector_order},
    {"detect_compile_reports_errors_with_file_and_line",
        detect_compile_reports_errors_with_file_and_line},
    {"detect_compile_of_no_detectors_is_empty",
        detect_compile_of_no_detectors_is_empty},
    {"detect_parts_are_built_with_the_snapshot_and_the_directory",
        detect_parts_are_built_with_the_snapshot_and_the_directory},
    {"detect_scan_is_safe_in_several_threads_at_once",
        detect_scan_is_safe_in_several_threads_at_once},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"token", NULL, NULL, NULL, NULL, token_tests},
    {"detect_students", setup, teardown, NULL, NULL, student_tests},
    {"detect_declared", setup, teardown, NULL, NULL, declared_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_detect", suites);
}
