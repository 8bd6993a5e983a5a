/*
 * test_directory.c - the roster side of the rules: roles, levels, the
 * high-school notice and whether a student's guardians can be copied in
 * conditions, and every decision of the
 * add-guardians action (who is copied, who is not, and how it shows)
 */
#include "autoconf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "message.h"
#include "regex.h"
#include "roster.h"
#include "rules.h"
#include "testutil.h"
#include "verdict.h"

/* 2026-11-29 12:00 UTC and 2026-09-05 12:00 UTC: after and before the
 * 14-day window that follows the 2026-09-01 notice of teacher t2. */
#define NOW_LATE ((time_t)1796040000)
#define NOW_EARLY ((time_t)1788609600)

/* The two rules of the shipped policy, with the view as a parameter. */
#define GUARDIAN_RULES(view)                                                  \
	"<rule id=\"em\"><when><sender role=\"staff\"/>"                      \
	"<recipient role=\"student\" level=\"elementary middle none\"/>"      \
	"</when><then><add-guardians level=\"elementary middle none\" "       \
	"as=\"" view "\"/></then></rule>"                                     \
	"<rule id=\"hs\"><when><sender role=\"staff\"/>"                      \
	"<recipient role=\"student\" level=\"high\" direct=\"not-allowed\"/>" \
	"</when><then><add-guardians level=\"high\" as=\"" view "\"/>"        \
	"</then></rule>"

struct msgspec {
	const char *sender;
	const char *rcpts;   /* space-separated */
	const char *headers; /* "Name: value\n" lines */
	const char *auth;
	time_t now;
};

/* config_text - a main file with the test directory and rules_xml */
static char *
config_text(const char *rules_xml)
{
	size_t len = strlen(rules_xml) + 4096;
	char *text = malloc(len);
	char dir[PATH_MAX];

	if (text == NULL)
		return NULL;
	/* absolute: the config file lives in a temporary directory */
	if (realpath(testutil_data("directory"), dir) == NULL)
		(void)snprintf(
		    dir, sizeof(dir), "%s", testutil_data("directory"));
	(void)snprintf(text, len,
	    "<guardian-milter version=\"1\">\n"
	    "<directory>\n"
	    "  <roster>%s</roster>\n"
	    "  <preferences>%s/preferences.csv</preferences>\n"
	    "  <district-domains>district.example</district-domains>\n"
	    "  <opt-out-window>14</opt-out-window>\n"
	    "  <school id=\"k8\" elementary=\"KG-06\" middle=\"07-08\"/>\n"
	    "</directory>\n%s\n</guardian-milter>\n",
	    dir, dir, rules_xml);
	return text;
}

/* The loaded pieces of one test. */
struct world {
	struct config *cfg;
	struct rules *rs;
	struct roster *roster;
	struct diag *dg;
};

/* load - config, rules and roster; 0, or -1 with the diag printed */
static int
load(struct world *w, const char *rules_xml)
{
	static unsigned n;
	char name[64];
	char *text = config_text(rules_xml);
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (text == NULL || (w->dg = diag_new()) == NULL) {
		free(text);
		return -1;
	}
	(void)snprintf(name, sizeof(name), "dir-%u.xml", n++);
	if (config_load(&w->cfg, testutil_write(testutil_tmpdir(), name, text),
	        w->dg) == 0 &&
	    rules_compile(&w->rs, w->cfg, w->dg) == 0 &&
	    roster_load(&w->roster, config_roster_dirs(w->cfg),
	        config_roster_count(w->cfg), config_roster_options(w->cfg),
	        w->dg) == 0)
		rc = 0;
	if (rc != 0)
		diag_print(w->dg, stdout);
	free(text);
	return rc;
}

static void
unload(struct world *w)
{
	roster_free(w->roster);
	rules_free(w->rs);
	config_free(w->cfg);
	diag_free(w->dg);
}

/* build - a message from its description */
static struct message *
build(const struct msgspec *s)
{
	return testutil_message(s->sender, s->rcpts, s->headers, s->auth);
}

/* evaluate - the verdict of rules_xml on s; NULL on any failure */
static struct verdict *
evaluate(const char *rules_xml, const struct msgspec *s)
{
	struct world w;
	struct message *msg = NULL;
	struct regex_scratch *scratch = NULL;
	struct verdict *v = NULL;
	struct rules_ctx ctx;

	if (load(&w, rules_xml) == 0 && (msg = build(s)) != NULL &&
	    (scratch = regex_scratch_new()) != NULL &&
	    (v = verdict_new()) != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		ctx.now = s->now != 0 ? s->now : NOW_LATE;
		ctx.roster = w.roster;
		ctx.opt_out_window = config_opt_out_window(w.cfg);
		if (rules_evaluate(v, w.rs, &ctx) != 0) {
			verdict_free(v);
			v = NULL;
		}
	}
	regex_scratch_free(scratch);
	message_free(msg);
	unload(&w);
	return v;
}

/* added - the added recipients, space-separated, in order */
static const char *
added(const struct verdict *v)
{
	static char out[4096];
	const char *addr, *why;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < verdict_rcpt_count(v); i++) {
		verdict_rcpt(v, i, &addr, &why);
		if (i > 0)
			(void)strncat(out, " ", sizeof(out) - strlen(out) - 1);
		(void)strncat(out, addr, sizeof(out) - strlen(out) - 1);
	}
	return out;
}

/* set_value - the value the verdict sets for field name, or NULL */
static const char *
set_value(const struct verdict *v, const char *name)
{
	const char *n, *value;
	size_t i;

	for (i = 0; i < verdict_set_count(v); i++) {
		verdict_set(v, i, &n, &value);
		if (strcmp(n, name) == 0)
			return value;
	}
	return NULL;
}

/* added_header - the value of an added field, or NULL */
static const char *
added_header(const struct verdict *v, const char *name)
{
	const char *n, *value;
	size_t i;

	for (i = 0; i < verdict_header_count(v); i++) {
		verdict_header(v, i, &n, &value);
		if (strcmp(n, name) == 0)
			return value;
	}
	return NULL;
}

/* The insertion decisions, table-driven: what a message from sender to
 * rcpts (with headers) gets under the shipped guardian rules. */
static const struct {
	const char *label;
	struct msgspec msg;
	const char *want_added; /* space-separated, in order */
	const char *want_cc;    /* the Cc value set, or NULL for none */
} cases[] = {
    {"elementary student, two guardians, one opted out",
        {"teach@district.example", "sam.lee@students.district.example",
            "To: Sam <sam.lee@students.district.example>\n", NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"siblings in one message: the family once",
        {"teach@district.example",
            "sam.lee@students.district.example "
            "mia.lee@students.district.example",
            NULL, NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"guardian already an envelope recipient: nothing added",
        {"teach@district.example",
            "sam.lee@students.district.example alex.lee@Gmail.COM.", NULL, NULL,
            0},
        "", NULL},
    {"guardian's tagged address is not the guardian",
        {"teach@district.example",
            "sam.lee@students.district.example alex.lee+none@gmail.com", NULL,
            NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"guardian's local part spelt otherwise is not the guardian",
        {"teach@district.example",
            "sam.lee@students.district.example Alex.Lee@gmail.com", NULL, NULL,
            0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"guardian quoted is the guardian",
        {"teach@district.example",
            "sam.lee@students.district.example \"alex.lee\"@gmail.com", NULL,
            NULL, 0},
        "", NULL},
    {"guardian tagged in To: still added to Cc",
        {"teach@district.example", "sam.lee@students.district.example",
            "To: sam.lee@students.district.example, "
            "<alex.lee+none@gmail.com>\n",
            NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"student quoted",
        {"teach@district.example", "\"sam.lee\"@students.district.example",
            NULL, NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"student with an escaped dot",
        {"teach@district.example", "\"sam\\.lee\"@students.district.example",
            NULL, NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"student by the percent hack",
        {"teach@district.example",
            "sam.lee%students.district.example@district.example", NULL, NULL,
            0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"student by a bang path",
        {"teach@district.example",
            "students.district.example!sam.lee@district.example", NULL, NULL,
            0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"student with a trailing dot",
        {"teach@district.example", "sam.lee@students.district.example.", NULL,
            NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"staff sender with a trailing dot and a quoted local part",
        {"\"teach\"@district.example.", "sam.lee@students.district.example",
            NULL, NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"guardian named in To but not in the envelope: envelope only",
        {"teach@district.example", "sam.lee@students.district.example",
            "To: sam.lee@students.district.example, \"Lee, Alex\" "
            "<alex.lee@gmail.com>\n",
            NULL, 0},
        "alex.lee@gmail.com", NULL},
    {"existing Cc kept, guardian appended",
        {"teach@district.example", "sam.lee@students.district.example",
            "Cc: office@district.example\n", NULL, 0},
        "alex.lee@gmail.com", "office@district.example, alex.lee@gmail.com"},
    {"odd case and plus-address of a student",
        {"teach@district.example",
            "<SAM.LEE+reading@Students.District.Example>", NULL, NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"middle-school student",
        {"mid@district.example", "noah.park@students.district.example", NULL,
            NULL, 0},
        "chris.park@outlook.com", "chris.park@outlook.com"},
    {"K-8 school, grade 6 counts as elementary there",
        {"teach@district.example", "ben.wong@students.district.example", NULL,
            NULL, 0},
        "lee.wong@example.org", "lee.wong@example.org"},
    {"high school, before the notice window has passed",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            NULL, NOW_EARLY},
        "wei.chen@gmail.com", "wei.chen@gmail.com"},
    {"high school, after the window: direct mail allowed",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            "jhigh", NOW_LATE},
        "", NULL},
    {"high school, after the window, not signed in: the notice is not "
     "borrowed",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            NULL, NOW_LATE},
        "wei.chen@gmail.com", "wei.chen@gmail.com"},
    {"a login the directory does not know is staff with no notice",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            "nobody.known", NOW_LATE},
        "wei.chen@gmail.com", "wei.chen@gmail.com"},
    {"login user@district-domain names the username",
        {"maria.personal@example.com", "sam.lee@students.district.example",
            NULL, "mteach@district.example", 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"null sender with a staff From: staff duties",
        {"<>", "sam.lee@students.district.example",
            "From: Maria Teach <teach@district.example>\n", NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"outside sender with a staff Sender field: staff duties",
        {"bounce@mailer.example", "sam.lee@students.district.example",
            "From: News <news@mailer.example>\nSender: teach@district.example\n",
            NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"a From that cannot be read counts as staff",
        {"<>", "sam.lee@students.district.example",
            "From: (teach@district.example\n", NULL, 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
    {"an outsider's From: untouched",
        {"<>", "sam.lee@students.district.example",
            "From: Pat <pat@example.com>\n", NULL, 0},
        "", NULL},
    {"high school, guardian opted out of direct communication",
        {"high@district.example", "liam.diaz@students.district.example", NULL,
            NULL, NOW_LATE},
        "rosa.diaz@gmail.com", "rosa.diaz@gmail.com"},
    {"high school, staff member who advised nobody",
        {"counsel@district.example", "ava.chen@students.district.example", NULL,
            NULL, NOW_LATE},
        "wei.chen@gmail.com", "wei.chen@gmail.com"},
    {"staff writing a guardian directly: untouched",
        {"teach@district.example", "alex.lee@gmail.com", NULL, NULL, 0}, "",
        NULL},
    {"a student writing staff: untouched",
        {"sam.lee@students.district.example", "teach@district.example", NULL,
            NULL, 0},
        "", NULL},
    {"a student writing a student: untouched",
        {"sam.lee@students.district.example",
            "omar.kim@students.district.example", NULL, NULL, 0},
        "", NULL},
    {"unknown recipient: untouched",
        {"teach@district.example", "someone@example.com", NULL, NULL, 0}, "",
        NULL},
    {"outsider claiming a student: untouched",
        {"stranger@example.com", "sam.lee@students.district.example", NULL,
            NULL, 0},
        "", NULL},
    {"a guardian of an elementary and a high-school student: once",
        {"teach@district.example",
            "kai.ito@students.district.example "
            "rin.ito@students.district.example",
            NULL, NULL, NOW_LATE},
        "aki.ito@example.net", "aki.ito@example.net"},
    {"the SASL login decides who the sender is",
        {"maria.personal@example.com", "sam.lee@students.district.example",
            NULL, "mteach", 0},
        "alex.lee@gmail.com", "alex.lee@gmail.com"},
};

static void
directory_add_guardians_decisions(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct verdict *v =
		    evaluate(GUARDIAN_RULES("auto"), &cases[i].msg);
		const char *cc;

		CU_ASSERT_FATAL(v != NULL);
		cc = set_value(v, "Cc");
		if (strcmp(added(v), cases[i].want_added) != 0 ||
		    (cc == NULL) != (cases[i].want_cc == NULL) ||
		    (cc != NULL && strcmp(cc, cases[i].want_cc) != 0))
			printf("\n%s: added \"%s\", Cc \"%s\"\n",
			    cases[i].label, added(v),
			    cc != NULL ? cc : "(none)");
		CU_ASSERT_STRING_EQUAL(added(v), cases[i].want_added);
		CU_ASSERT_EQUAL(cc == NULL, cases[i].want_cc == NULL);
		if (cc != NULL && cases[i].want_cc != NULL)
			CU_ASSERT_STRING_EQUAL(cc, cases[i].want_cc);
		CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
		verdict_free(v);
	}
}

static const struct msgspec class_mail = {"teach@district.example",
    "sam.lee@students.district.example omar.kim@students.district.example "
    "mia.lee@students.district.example",
    "To: Reading group <reading@district.example>\n", NULL, 0};

static void
directory_class_mail_adds_families_as_blind_copies(void)
{
	struct verdict *v = evaluate(GUARDIAN_RULES("auto"), &class_mail);
	const char *addr, *why;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_STRING_EQUAL(
	    added(v), "alex.lee@gmail.com hana.kim@example.org");
	CU_ASSERT_PTR_NULL(set_value(v, "Cc"));
	CU_ASSERT_STRING_EQUAL(added_header(v, "X-Guardian-Copied") != NULL ?
	        added_header(v, "X-Guardian-Copied") :
	        "",
	    "2 parent/guardian addresses of 2 students added as blind copies "
	    "under district policy");
	verdict_rcpt(v, 0, &addr, &why);
	CU_ASSERT_STRING_EQUAL(
	    why, "guardian of student s1 (elementary) under rule em");
	verdict_free(v);
}

static void
directory_two_rules_decide_the_view_together(void)
{
	/* Sam (elementary, first rule) and Ava (high school before the
	 * notice window, second rule): two families, so blind copies for
	 * both, and one note counting both. */
	static const struct msgspec both = {"high@district.example",
	    "sam.lee@students.district.example "
	    "ava.chen@students.district.example",
	    "Cc: office@district.example\n", NULL, NOW_EARLY};
	struct verdict *v = evaluate(GUARDIAN_RULES("auto"), &both);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_STRING_EQUAL(
	    added(v), "alex.lee@gmail.com wei.chen@gmail.com");
	CU_ASSERT_PTR_NULL(set_value(v, "Cc"));
	CU_ASSERT_EQUAL(verdict_header_count(v), 1);
	CU_ASSERT_STRING_EQUAL(added_header(v, "X-Guardian-Copied") != NULL ?
	        added_header(v, "X-Guardian-Copied") :
	        "",
	    "2 parent/guardian addresses of 2 students added as blind copies "
	    "under district policy");
	verdict_free(v);
}

static void
directory_class_mail_as_cc_shows_every_family(void)
{
	struct verdict *v = evaluate(GUARDIAN_RULES("cc"), &class_mail);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_STRING_EQUAL(
	    set_value(v, "Cc") != NULL ? set_value(v, "Cc") : "",
	    "alex.lee@gmail.com, hana.kim@example.org");
	CU_ASSERT_PTR_NULL(added_header(v, "X-Guardian-Copied"));
	verdict_free(v);
}

static void
directory_single_family_as_bcc_is_not_shown(void)
{
	static const struct msgspec one = {"teach@district.example",
	    "sam.lee@students.district.example", NULL, NULL, 0};
	struct verdict *v = evaluate(GUARDIAN_RULES("bcc"), &one);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_STRING_EQUAL(added(v), "alex.lee@gmail.com");
	CU_ASSERT_PTR_NULL(set_value(v, "Cc"));
	CU_ASSERT_PTR_NOT_NULL(added_header(v, "X-Guardian-Copied"));
	verdict_free(v);
}

/* How the guardian of Sam (alex.lee@gmail.com) is shown when a teacher
 * writes to Sam with these header fields: the Cc value the verdict sets
 * (appended to the first Cc field, or a new field if there is none), or
 * the Cc field it adds beside the old ones. What To and Cc show is what
 * a mail program shows: never an address only in a display name or a
 * comment, never anything in a field that cannot be read, and nothing is
 * ever appended into a field that cannot be read or is left open. */
static const struct {
	const char *label;
	const char *headers;
	const char *want_set; /* the Cc value set, or NULL for none */
	const char *want_add; /* the Cc field added, or NULL for none */
} shown_cases[] = {
    {"unquoted display name holding the guardian's address",
        "To: alex.lee@gmail.com <sam.lee@students.district.example>\n",
        "alex.lee@gmail.com", NULL},
    {"quoted display name with a comma holding the guardian's address",
        "To: \"alex.lee@gmail.com, Lee\" "
        "<sam.lee@students.district.example>\n",
        "alex.lee@gmail.com", NULL},
    {"comment with an escaped parenthesis holding the guardian's address",
        "To: (Sam \\) alex.lee@gmail.com ) "
        "<sam.lee@students.district.example>\n",
        "alex.lee@gmail.com", NULL},
    {"guardian in a quoted display name with commas and as the address",
        "To: \"Lee, Alex, alex.lee@gmail.com\" <alex.lee@gmail.com>, "
        "\"Lee, Sam\" <sam.lee@students.district.example>\n",
        NULL, NULL},
    {"unclosed comment in Cc: a Cc field of their own",
        "To: Sam <sam.lee@students.district.example>\n"
        "Cc: (unclosed comment\n",
        NULL, "alex.lee@gmail.com"},
    {"guardian only inside an unclosed comment in Cc is not shown",
        "To: Sam <sam.lee@students.district.example>\n"
        "Cc: (unclosed comment, alex.lee@gmail.com\n",
        NULL, "alex.lee@gmail.com"},
    {"unclosed quote in Cc: nothing appended after it",
        "To: Sam <sam.lee@students.district.example>\n"
        "Cc: \"Office <office@district.example>\n",
        NULL, "alex.lee@gmail.com"},
    {"unclosed angle bracket in Cc: nothing appended after it",
        "To: Sam <sam.lee@students.district.example>\n"
        "Cc: Office <office@district.example\n",
        NULL, "alex.lee@gmail.com"},
    {"unreadable To, readable Cc: appended to the Cc",
        "To: (unclosed alex.lee@gmail.com\n"
        "Cc: office@district.example\n",
        "office@district.example, alex.lee@gmail.com", NULL},
    {"readable first Cc, unreadable second: appended to the first",
        "To: Sam <sam.lee@students.district.example>\n"
        "Cc: office@district.example\nCc: (x\n",
        "office@district.example, alex.lee@gmail.com", NULL},
    {"display name with a comma and a comment in Cc: appended",
        "To: Sam <sam.lee@students.district.example>\n"
        "Cc: \"Lee, Jo\" <office@district.example> (desk)\n",
        "\"Lee, Jo\" <office@district.example> (desk), alex.lee@gmail.com",
        NULL},
};

/* cc_check - assert how v shows the guardian; label for the report */
static void
cc_check(const struct verdict *v, const char *label, const char *want_set,
    const char *want_add)
{
	const char *set = set_value(v, "Cc"), *add = added_header(v, "Cc");

	if ((set == NULL) != (want_set == NULL) ||
	    (set != NULL && strcmp(set, want_set) != 0) ||
	    (add == NULL) != (want_add == NULL) ||
	    (add != NULL && strcmp(add, want_add) != 0))
		printf("\n%s: Cc set \"%s\", Cc added \"%s\"\n", label,
		    set != NULL ? set : "(none)", add != NULL ? add : "(none)");
	CU_ASSERT_STRING_EQUAL(added(v), "alex.lee@gmail.com");
	CU_ASSERT_EQUAL(set == NULL, want_set == NULL);
	if (set != NULL && want_set != NULL)
		CU_ASSERT_STRING_EQUAL(set, want_set);
	CU_ASSERT_EQUAL(add == NULL, want_add == NULL);
	if (add != NULL && want_add != NULL)
		CU_ASSERT_STRING_EQUAL(add, want_add);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
}

static void
directory_guardian_shown_as_a_mail_program_reads_to_and_cc(void)
{
	struct msgspec m = {"teach@district.example",
	    "sam.lee@students.district.example", NULL, "mteach", 0};
	struct verdict *v;
	size_t i;

	for (i = 0; i < sizeof(shown_cases) / sizeof(shown_cases[0]); i++) {
		m.headers = shown_cases[i].headers;
		v = evaluate(GUARDIAN_RULES("auto"), &m);
		CU_ASSERT_FATAL(v != NULL);
		cc_check(v, shown_cases[i].label, shown_cases[i].want_set,
		    shown_cases[i].want_add);
		verdict_free(v);
	}
}

/* Ways to write mailbox number i into a To field. */
static int
doe_entry(struct buf *b, size_t i)
{
	/* a quoted display name with a comma in it */
	return buf_printf(b, "\"Doe, Jo\" <j%zu@x.example>", i);
}

static int
long_entry(struct buf *b, size_t i)
{
	return buf_printf(b, "a%zu@x.example", i);
}

static int
short_entry(struct buf *b, size_t i)
{
	/* i in base 36: 134,000 of them fit BOUND_HEADERS_TOTAL */
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char local[16], *p = local + sizeof(local) - 1;

	*p = '\0';
	do {
		*--p = digits[i % 36];
		i /= 36;
	} while (i > 0);
	return buf_printf(b, "%s@x", p);
}

/*
 * many_to - To fields holding n mailboxes written by entry, per to a
 * field, then last (if not NULL) at the end of the last field, as
 * "To: ...\n" lines; NULL on ENOMEM
 */
static char *
many_to(
    size_t n, size_t per, int (*entry)(struct buf *, size_t), const char *last)
{
	struct buf b;
	size_t i;
	int r = BUF_OK;

	buf_init(&b, 2 * BOUND_HEADERS_TOTAL);
	for (i = 0; i < n && r == BUF_OK; i++) {
		if (i % per == 0)
			r = buf_puts(&b, i == 0 ? "To: " : "\nTo: ");
		else
			r = buf_puts(&b, ",");
		if (r == BUF_OK)
			r = entry(&b, i);
	}
	if (r == BUF_OK && last != NULL)
		r = buf_printf(&b, ", %s", last);
	if (r == BUF_OK)
		r = buf_puts(&b, "\n");
	if (r != BUF_OK) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* evaluate_headers - the verdict of the shipped guardian rules on a
 * teacher's message to Sam with headers (freed here) */
static struct verdict *
evaluate_headers(char *headers)
{
	struct msgspec m = {"teach@district.example",
	    "sam.lee@students.district.example", NULL, NULL, 0};
	struct verdict *v = NULL;

	if (headers != NULL) {
		m.headers = headers;
		v = evaluate(GUARDIAN_RULES("auto"), &m);
	}
	free(headers);
	return v;
}

/* Mailboxes are counted, not commas: the To fields name exactly
 * BOUND_HEADER_ADDRESSES mailboxes, every display name quoted with a
 * comma in it, the last one the guardian's, who is then shown. One
 * mailbox more and the fields are not all read: nobody counts as shown
 * in the fields past the bound, and the guardian goes in Cc. */
static void
directory_header_bound_counts_mailboxes_not_commas(void)
{
	static const char alex[] = "\"Lee, Alex\" <alex.lee@gmail.com>";
	struct verdict *v;

	v = evaluate_headers(
	    many_to(BOUND_HEADER_ADDRESSES - 1, 2000, doe_entry, alex));
	CU_ASSERT_FATAL(v != NULL);
	cc_check(v, "exactly the bound", NULL, NULL);
	verdict_free(v);

	v = evaluate_headers(
	    many_to(BOUND_HEADER_ADDRESSES, 2000, doe_entry, alex));
	CU_ASSERT_FATAL(v != NULL);
	cc_check(v, "one past the bound", "alex.lee@gmail.com", NULL);
	verdict_free(v);
}

/* 17 To fields with 134,000 short addresses in all, the guardian last:
 * the fields past the bound are not read (reading them all cost 25 s of
 * CPU), so the guardian is not taken as shown and goes in Cc. */
static void
directory_many_header_addresses_fail_closed(void)
{
	struct verdict *v = evaluate_headers(many_to(
	    134000, 134000 / 17 + 1, short_entry, "alex.lee@gmail.com"));

	CU_ASSERT_FATAL(v != NULL);
	cc_check(v, "134,000 addresses", "alex.lee@gmail.com", NULL);
	verdict_free(v);
}

/* A To field over BOUND_HEADER_BYTES is cut by the message module: what
 * is left is not what a mail program shows (the cut can end inside
 * another address), so nobody counts as shown; and once fields are cut
 * or dropped the first Cc the filter kept may not be the message's, so
 * the guardian gets a Cc field of their own. */
static void
directory_cut_header_shows_guardians_in_own_field(void)
{
	char *to = many_to(
	    BOUND_HEADER_BYTES / 8, BOUND_HEADER_BYTES, long_entry, NULL);
	char *all = NULL;
	size_t len;
	struct verdict *v;

	CU_ASSERT_FATAL(to != NULL);
	len = strlen(to) + 128;
	if ((all = malloc(len)) != NULL)
		/* the guardian first, so the part kept names them */
		(void)snprintf(all, len,
		    "Cc: office@district.example\nTo: alex.lee@gmail.com, %s",
		    to + strlen("To: "));
	free(to);
	v = evaluate_headers(all);
	CU_ASSERT_FATAL(v != NULL);
	cc_check(v, "cut To", NULL, "alex.lee@gmail.com");
	verdict_free(v);
}

/* Conditions on roles and levels, table-driven: the rule rejects when
 * cond holds. */
static const struct {
	const char *label;
	const char *cond;
	struct msgspec msg;
	int want;
} conds[] = {
    {"sender is staff", "<sender role=\"staff\"/>",
        {"teach@district.example", "x@example.com", NULL, NULL, 0}, 1},
    {"sender is a guardian", "<sender role=\"guardian staff\"/>",
        {"alex.lee@gmail.com", "x@example.com", NULL, NULL, 0}, 1},
    {"unknown district address", "<sender role=\"district\"/>",
        {"nobody@district.example", "x@example.com", NULL, NULL, 0}, 1},
    {"consumer domain is personal", "<recipient role=\"personal\"/>",
        {"teach@district.example", "someone@hotmail.com", NULL, NULL, 0}, 1},
    {"a guardian's gmail is a guardian, not personal",
        "<recipient role=\"personal\"/>",
        {"teach@district.example", "alex.lee@gmail.com", NULL, NULL, 0}, 0},
    {"external", "<recipient role=\"external\"/>",
        {"teach@district.example", "a@example.com", NULL, NULL, 0}, 1},
    {"school override: grade 5 at Adams is middle",
        "<recipient role=\"student\" level=\"middle\"/>",
        {"mid@district.example", "ella.ruiz@students.district.example", NULL,
            NULL, 0},
        0},
    {"grade 5 at Adams is elementary without an override",
        "<recipient role=\"student\" level=\"elementary\"/>",
        {"mid@district.example", "ella.ruiz@students.district.example", NULL,
            NULL, 0},
        1},
    {"high school, direct allowed after the window",
        "<recipient level=\"high\" direct=\"allowed\"/>",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            "jhigh", NOW_LATE},
        1},
    {"high school, after the window, but not signed in: not allowed",
        "<recipient level=\"high\" direct=\"allowed\"/>",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            NULL, NOW_LATE},
        0},
    {"high school, direct not yet allowed",
        "<recipient level=\"high\" direct=\"allowed\"/>",
        {"high@district.example", "ava.chen@students.district.example", NULL,
            NULL, NOW_EARLY},
        0},
    {"guardian of a student recipient",
        "<recipient role=\"guardian\" guardian-of-recipient=\"yes\"/>",
        {"teach@district.example",
            "sam.lee@students.district.example alex.lee@gmail.com", NULL, NULL,
            0},
        1},
    {"guardian of a student who is not a recipient",
        "<recipient role=\"guardian\" guardian-of-recipient=\"yes\"/>",
        {"teach@district.example",
            "omar.kim@students.district.example alex.lee@gmail.com", NULL, NULL,
            0},
        0},
    /* address patterns see the canonical form */
    {"sender pattern on a trailing dot",
        "<sender address=\"*@district.example\"/>",
        {"teach@district.example.", "x@example.com", NULL, NULL, 0}, 1},
    {"sender pattern on a quoted local part and upper case",
        "<sender address=\"teach@district.example\"/>",
        {"\"teach\"@District.EXAMPLE", "x@example.com", NULL, NULL, 0}, 1},
    {"sender regex on a trailing dot",
        "<sender regex=\"@district\\.example$\"/>",
        {"teach@district.example.", "x@example.com", NULL, NULL, 0}, 1},
    {"recipient pattern through the percent hack at localhost",
        "<recipient address=\"*@gmail.com\"/>",
        {"teach@district.example", "someone%gmail.com@localhost", NULL, NULL,
            0},
        1},
    {"recipient pattern through a quoted @",
        "<recipient address=\"*@gmail.com\"/>",
        {"teach@district.example", "\"someone@gmail.com\"@district.example",
            NULL, NULL, 0},
        1},
    {"percent hack to the outside is personal",
        "<recipient role=\"personal\"/>",
        {"teach@district.example", "someone%hotmail.com@district.example", NULL,
            NULL, 0},
        1},
    {"student by a bang path",
        "<recipient role=\"student\" level=\"elementary\"/>",
        {"teach@district.example",
            "students.district.example!sam.lee@district.example", NULL, NULL,
            0},
        1},
    {"students counted in canonical form",
        "<recipients role=\"student\" over=\"1\"/>",
        {"teach@district.example",
            "\"sam.lee\"@students.district.example "
            "mia.lee%students.district.example@district.example",
            NULL, NULL, 0},
        1},
    /* what cannot be resolved is unresolvable, and nothing else */
    {"nested percent is unresolvable", "<recipient role=\"unresolvable\"/>",
        {"teach@district.example",
            "sam.lee%students.district.example%district.example@district."
            "example",
            NULL, NULL, 0},
        1},
    {"percent under a domain not known to be local is unresolvable",
        "<recipient role=\"unresolvable\"/>",
        {"teach@district.example", "someone%gmail.com@mail.example.net", NULL,
            NULL, 0},
        1},
    {"an unresolvable recipient is not external",
        "<recipient role=\"external personal district student\"/>",
        {"teach@district.example", "a!b!sam.lee@district.example", NULL, NULL,
            0},
        0},
    {"a plain recipient is not unresolvable",
        "<recipient role=\"unresolvable\"/>",
        {"teach@district.example", "sam.lee@students.district.example", NULL,
            NULL, 0},
        0},
    {"an unresolvable sender is not external", "<sender role=\"external\"/>",
        {"a%b%c@district.example", "x@example.com", NULL, NULL, 0}, 0},
    {"an unresolvable sender is unresolvable",
        "<sender role=\"unresolvable\"/>",
        {"a%b%c@district.example", "x@example.com", NULL, NULL, 0}, 1},
    {"three students", "<recipients role=\"student\" over=\"2\"/>",
        {"teach@district.example",
            "sam.lee@students.district.example "
            "mia.lee@students.district.example "
            "omar.kim@students.district.example teach@district.example",
            NULL, NULL, 0},
        1},
    {"two students of three recipients",
        "<recipients role=\"student\" over=\"2\"/>",
        {"teach@district.example",
            "sam.lee@students.district.example "
            "mia.lee@students.district.example teach@district.example",
            NULL, NULL, 0},
        0},
    /* whether a student's guardians can be copied */
    {"no guardian linked: missing", "<recipient guardians=\"missing\"/>",
        {"teach@district.example", "zoe.none@students.district.example", NULL,
            NULL, 0},
        1},
    {"the only guardian has no address: missing",
        "<recipient guardians=\"missing\"/>",
        {"mid@district.example", "noel.blank@students.district.example", NULL,
            NULL, 0},
        1},
    {"the only guardian is disabled, so not linked: missing",
        "<recipient guardians=\"missing\"/>",
        {"teach@district.example", "ray.gone@students.district.example", NULL,
            NULL, 0},
        1},
    {"one opted out, the other has no address: missing",
        "<recipient guardians=\"missing\"/>",
        {"teach@district.example", "ivy.mix@students.district.example", NULL,
            NULL, 0},
        1},
    {"every guardian opted out: not missing",
        "<recipient guardians=\"missing\"/>",
        {"teach@district.example", "uma.out@students.district.example", NULL,
            NULL, 0},
        0},
    {"every guardian opted out: opted-out",
        "<recipient guardians=\"opted-out\"/>",
        {"teach@district.example", "uma.out@students.district.example", NULL,
            NULL, 0},
        1},
    {"one guardian to copy beside one who opted out: reachable",
        "<recipient guardians=\"reachable\"/>",
        {"teach@district.example", "sam.lee@students.district.example", NULL,
            NULL, 0},
        1},
    {"one guardian to copy: not missing",
        "<recipient guardians=\"missing opted-out\"/>",
        {"teach@district.example", "sam.lee@students.district.example", NULL,
            NULL, 0},
        0},
    {"no guardian: not reachable", "<recipient guardians=\"reachable\"/>",
        {"teach@district.example", "zoe.none@students.district.example", NULL,
            NULL, 0},
        0},
    {"a list: missing or opted-out",
        "<recipient guardians=\"missing opted-out\"/>",
        {"teach@district.example", "uma.out@students.district.example", NULL,
            NULL, 0},
        1},
    {"the student found through the percent hack",
        "<recipient guardians=\"missing\"/>",
        {"teach@district.example",
            "zoe.none%students.district.example@district.example", NULL, NULL,
            0},
        1},
    {"guardians asks for a student: a guardian never matches",
        "<recipient guardians=\"missing opted-out reachable\"/>",
        {"teach@district.example", "alex.lee@gmail.com", NULL, NULL, 0}, 0},
    {"guardians asks for a student: staff never matches",
        "<recipient guardians=\"missing\"/>",
        {"teach@district.example", "mid@district.example", NULL, NULL, 0}, 0},
    {"with a level, both must hold",
        "<recipient level=\"high\" guardians=\"missing\"/>",
        {"teach@district.example", "zoe.none@students.district.example", NULL,
            NULL, 0},
        0},
    {"one student of two is missing guardians",
        "<recipient role=\"student\" level=\"elementary middle none\" "
        "guardians=\"missing\"/>",
        {"teach@district.example",
            "sam.lee@students.district.example "
            "noel.blank@students.district.example",
            NULL, NULL, 0},
        1},
    {"an unresolvable recipient is no student without guardians",
        "<recipient guardians=\"missing\"/>",
        {"teach@district.example",
            "a%zoe.none%students.district.example@district.example", NULL, NULL,
            0},
        0},
};

static void
directory_conditions_on_roles_and_levels(void)
{
	char rule[1024];
	size_t i;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		struct verdict *v;

		(void)snprintf(rule, sizeof(rule),
		    "<rule id=\"c\"><when>%s</when><then><reject/></then>"
		    "</rule>",
		    conds[i].cond);
		v = evaluate(rule, &conds[i].msg);
		CU_ASSERT_FATAL(v != NULL);
		if ((verdict_action(v) == VERDICT_REJECT) != conds[i].want)
			printf("\ncondition case failed: %s\n", conds[i].label);
		CU_ASSERT_EQUAL(
		    verdict_action(v) == VERDICT_REJECT, conds[i].want);
		verdict_free(v);
	}
}

/* may_match - rules_may_match() of rules_xml on s at the envelope;
 * -2 on a set-up failure */
static int
may_match(const char *rules_xml, const struct msgspec *s)
{
	struct world w;
	struct message *msg = NULL;
	struct regex_scratch *scratch = NULL;
	struct rules_ctx ctx;
	int rc = -2;

	if (load(&w, rules_xml) == 0 && (msg = build(s)) != NULL &&
	    (scratch = regex_scratch_new()) != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		ctx.now = NOW_LATE;
		ctx.roster = w.roster;
		ctx.envelope_only = 1;
		rc = rules_may_match(w.rs, &ctx);
	}
	regex_scratch_free(scratch);
	message_free(msg);
	unload(&w);
	return rc;
}

/* At the envelope an address that cannot be resolved leaves every
 * condition on it undecided: the message is never accepted early. */
static void
directory_unresolvable_is_unknown_at_the_envelope(void)
{
	static const struct msgspec nested = {"teach@district.example",
	    "a%sam.lee%students.district.example@district.example", NULL, NULL,
	    0};
	static const struct msgspec plain = {
	    "teach@district.example", "someone@example.com", NULL, NULL, 0};
	static const struct msgspec sender = {
	    "a%b%c@district.example", "someone@example.com", NULL, NULL, 0};
	const char *student =
	    "<rule id=\"s\"><when><recipient role=\"student\"/>"
	    "</when><then><reject/></then></rule>";
	const char *pattern = "<rule id=\"p\"><when><not><recipient "
	                      "address=\"*@district.example\"/></not></when>"
	                      "<then><reject/></then></rule>";
	const char *from = "<rule id=\"f\"><when><not><sender "
	                   "address=\"*@district.example\"/></not></when>"
	                   "<then><reject/></then></rule>";

	CU_ASSERT_EQUAL(may_match(student, &nested), 1);
	CU_ASSERT_EQUAL(may_match(student, &plain), 0);
	CU_ASSERT_EQUAL(may_match(pattern, &nested), 1);
	CU_ASSERT_EQUAL(may_match(from, &sender), 1);
	CU_ASSERT_EQUAL(may_match(from, &plain), 0);
}

/* Whether a student's guardians can be copied comes from the directory
 * alone: known once the recipients are, so a message to a student whose
 * guardians are on record is ruled out at the envelope. */
static void
directory_guardians_are_known_at_the_envelope(void)
{
	static const struct msgspec zoe = {"teach@district.example",
	    "zoe.none@students.district.example", NULL, NULL, 0};
	static const struct msgspec sam = {"teach@district.example",
	    "sam.lee@students.district.example", NULL, NULL, 0};
	static const struct msgspec uma = {"teach@district.example",
	    "uma.out@students.district.example", NULL, NULL, 0};
	const char *missing =
	    "<rule id=\"m\"><when><recipient guardians=\"missing\"/>"
	    "</when><then><reject/></then></rule>";

	CU_ASSERT_EQUAL(may_match(missing, &zoe), 1);
	CU_ASSERT_EQUAL(may_match(missing, &sam), 0);
	CU_ASSERT_EQUAL(may_match(missing, &uma), 0);
}

static void
directory_rules_need_a_directory(void)
{
	const char *path = testutil_write(testutil_tmpdir(), "nodir.xml",
	    "<guardian-milter version=\"1\">\n"
	    "<rule id=\"g\">\n"
	    "<when><recipient role=\"student\"/></when>\n"
	    "<then><add-guardians/></then></rule>\n"
	    "</guardian-milter>\n");
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;
	char want[4096];

	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, path, dg), 0);
	CU_ASSERT_EQUAL(rules_compile(&rs, cfg, dg), -1);
	CU_ASSERT_EQUAL_FATAL(diag_kept(dg), 1);
	(void)snprintf(want, sizeof(want),
	    "%s:2: rule \"g\" asks about roles, levels or guardians, but the "
	    "configuration has no <directory>",
	    path);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 0), want);
	config_free(cfg);
	diag_free(dg);
}

static void
directory_bad_attributes_are_reported(void)
{
	const char *path = testutil_write(testutil_tmpdir(), "badattr.xml",
	    "<guardian-milter version=\"1\">\n"
	    "<directory><roster>/nonexistent</roster></directory>\n"
	    "<rule id=\"g\"><when>\n"
	    "<recipient role=\"pupil\" level=\"primary\" direct=\"maybe\" "
	    "guardians=\"gone\"/>\n"
	    "</when><then>\n"
	    "<add-guardians as=\"to\" direct=\"sometimes\" "
	    "cc-max-families=\"x\"/>\n"
	    "</then></rule>\n"
	    "</guardian-milter>\n");
	static const char *const want[] = {
	    ":4: unknown role \"pupil\" on <recipient> (expected: staff, "
	    "student, guardian, district, personal, external, unresolvable)",
	    ":4: unknown level \"primary\" on <recipient> (expected: none, "
	    "elementary, middle, high)",
	    ":4: invalid value \"maybe\" for direct on <recipient> (expected: "
	    "allowed, not-allowed)",
	    ":4: unknown guardians \"gone\" on <recipient> (expected: "
	    "reachable, opted-out, missing)",
	    ":6: invalid value \"to\" for as on <add-guardians> (expected: "
	    "auto, cc, bcc)",
	    ":6: invalid value \"sometimes\" for direct on <add-guardians> "
	    "(expected: after-notice, never)",
	    ":6: invalid value \"x\" for cc-max-families on <add-guardians> "
	    "(expected 0 to 1000)",
	};
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;
	char line[4096];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, path, dg), 0);
	CU_ASSERT_EQUAL(rules_compile(&rs, cfg, dg), -1);
	if (diag_kept(dg) != sizeof(want) / sizeof(want[0]))
		diag_print(dg, stdout);
	CU_ASSERT_EQUAL_FATAL(diag_kept(dg), sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		(void)snprintf(line, sizeof(line), "%s%s", path, want[i]);
		CU_ASSERT_STRING_EQUAL(diag_text(dg, i), line);
	}
	config_free(cfg);
	diag_free(dg);
}

static CU_TestInfo tests[] = {
    {"directory_add_guardians_decisions", directory_add_guardians_decisions},
    {"directory_class_mail_adds_families_as_blind_copies",
        directory_class_mail_adds_families_as_blind_copies},
    {"directory_two_rules_decide_the_view_together",
        directory_two_rules_decide_the_view_together},
    {"directory_class_mail_as_cc_shows_every_family",
        directory_class_mail_as_cc_shows_every_family},
    {"directory_single_family_as_bcc_is_not_shown",
        directory_single_family_as_bcc_is_not_shown},
    {"directory_guardian_shown_as_a_mail_program_reads_to_and_cc",
        directory_guardian_shown_as_a_mail_program_reads_to_and_cc},
    {"directory_header_bound_counts_mailboxes_not_commas",
        directory_header_bound_counts_mailboxes_not_commas},
    {"directory_many_header_addresses_fail_closed",
        directory_many_header_addresses_fail_closed},
    {"directory_cut_header_shows_guardians_in_own_field",
        directory_cut_header_shows_guardians_in_own_field},
    {"directory_conditions_on_roles_and_levels",
        directory_conditions_on_roles_and_levels},
    {"directory_unresolvable_is_unknown_at_the_envelope",
        directory_unresolvable_is_unknown_at_the_envelope},
    {"directory_guardians_are_known_at_the_envelope",
        directory_guardians_are_known_at_the_envelope},
    {"directory_rules_need_a_directory", directory_rules_need_a_directory},
    {"directory_bad_attributes_are_reported",
        directory_bad_attributes_are_reported},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"directory", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_directory", suites);
}
