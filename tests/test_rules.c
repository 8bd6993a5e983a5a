/*
 * test_rules.c - rule evaluation: every condition kind, every action
 * kind, rule order, stop, monitor mode and evaluation failures
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "message.h"
#include "regex.h"
#include "rules.h"
#include "testutil.h"
#include "verdict.h"

/* A message to evaluate, described as text. */
struct msgspec {
	const char *sender;
	const char *rcpts;   /* space-separated */
	const char *headers; /* "Name: value\n" lines */
	const char *auth;    /* {auth_authen} */
	const char *daemon;  /* {daemon_name} */
	size_t body_bytes;
	const char *client; /* {client_addr} */
};

/* compile - a ruleset from rule elements; NULL (and a printed diag) if
 * they do not compile */
static struct rules *
compile(const char *rules_xml, struct config **cfgp)
{
	static unsigned n;
	char name[64], *text;
	size_t len = strlen(rules_xml) + 128;
	struct diag *dg = diag_new();
	struct rules *rs = NULL;

	*cfgp = NULL;
	if (dg == NULL || (text = malloc(len)) == NULL)
		return NULL;
	(void)snprintf(text, len,
	    "<guardian-milter version=\"1\">\n%s\n</guardian-milter>\n",
	    rules_xml);
	(void)snprintf(name, sizeof(name), "rules-%u.xml", n++);
	if (config_load(
	        cfgp, testutil_write(testutil_tmpdir(), name, text), dg) == 0)
		(void)rules_compile(&rs, *cfgp, dg);
	if (diag_count(dg) > 0)
		diag_print(dg, stdout);
	free(text);
	diag_free(dg);
	return rs;
}

/* build - a message from its description */
static struct message *
build(const struct msgspec *s)
{
	struct message *msg;
	char chunk[1024];
	size_t left;

	msg = testutil_message(s->sender, s->rcpts, s->headers, s->auth);
	if (msg == NULL)
		return NULL;
	(void)message_set_queue_id(msg, "4XyzTest1");
	if (s->daemon != NULL)
		(void)message_set_macro(msg, "{daemon_name}", s->daemon);
	if (s->client != NULL)
		(void)message_set_macro(msg, "{client_addr}", s->client);
	memset(chunk, 'x', sizeof(chunk));
	for (left = s->body_bytes; left > 0;) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		(void)message_add_body(msg, chunk, n);
		left -= n;
	}
	return msg;
}

/* evaluate - run rules_xml over the message; returns the verdict, or
 * NULL if compiling or evaluating failed (*rc tells which) */
static struct verdict *
evaluate(
    const char *rules_xml, const struct msgspec *s, int monitor_all, int *rc)
{
	struct config *cfg = NULL;
	struct rules *rs = compile(rules_xml, &cfg);
	struct message *msg = build(s);
	struct regex_scratch *scratch = regex_scratch_new();
	struct verdict *v = verdict_new();
	struct rules_ctx ctx;

	*rc = -2;
	if (rs != NULL && msg != NULL && scratch != NULL && v != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		ctx.now = 1700000000;
		ctx.monitor_all = monitor_all;
		*rc = rules_evaluate(v, rs, &ctx);
	}
	if (*rc != 0) {
		verdict_free(v);
		v = NULL;
	}
	regex_scratch_free(scratch);
	message_free(msg);
	rules_free(rs);
	config_free(cfg);
	return v;
}

static const struct msgspec staff_to_parent = {"<teacher@district.example>",
    "<parent@gmail.com>",
    "Subject: Report card for Sam\nFrom: Teacher <teacher@district.example>\n",
    "teacher", "submission", 100, NULL};

static void
rules_reject_carries_code_text_rule_and_policy(void)
{
	int rc;
	struct verdict *v = evaluate(
	    "<rule id=\"no-records\" policy=\"Student records stay\n"
	    "   in district systems\">\n"
	    "<description>Records to a personal account.</description>\n"
	    "<then><reject code=\"554\" status=\"5.7.0\">\n"
	    "   Not sent.   Use the\n   portal.\n\n   Ask your principal.\n"
	    "</reject></then></rule>",
	    &staff_to_parent, 0, &rc);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "554");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.7.0");
	CU_ASSERT_STRING_EQUAL(verdict_text(v),
	    "Not sent. Use the portal.\n\nAsk your principal.");
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "no-records");
	CU_ASSERT_STRING_EQUAL(
	    verdict_policy(v), "Student records stay in district systems");
	CU_ASSERT_EQUAL_FATAL(verdict_match_count(v), 1);
	{
		const char *id, *policy, *what, *why;
		enum verdict_mode mode;

		verdict_match(v, 0, &id, &policy, &mode, &what, &why);
		CU_ASSERT_STRING_EQUAL(id, "no-records");
		CU_ASSERT_EQUAL(mode, VERDICT_MODE_ENFORCE);
		CU_ASSERT_STRING_EQUAL(what, "reject 554 5.7.0");
		CU_ASSERT_STRING_EQUAL(why, "Records to a personal account.");
	}
	verdict_free(v);
}

static void
rules_tempfail_uses_default_codes(void)
{
	int rc;
	struct verdict *v =
	    evaluate("<rule id=\"later\"><then><tempfail/></then></rule>",
	        &staff_to_parent, 0, &rc);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_TEMPFAIL);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "451");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "4.7.1");
	CU_ASSERT_PTR_NULL(verdict_text(v));
	verdict_free(v);
}

static void
rules_first_terminal_rule_ends_evaluation(void)
{
	int rc;
	struct verdict *v = evaluate(
	    "<rule id=\"miss\"><when><sender address=\"*@other.example\"/>"
	    "</when><then><reject/></then></rule>"
	    "<rule id=\"hdr\"><then><add-header name=\"X-One\" value=\"1\"/>"
	    "</then></rule>"
	    "<rule id=\"ok\"><then><accept/></then></rule>"
	    "<rule id=\"never\"><then><reject/></then></rule>",
	    &staff_to_parent, 0, &rc);
	const char *name, *value;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "ok");
	CU_ASSERT_EQUAL(verdict_match_count(v), 2);
	CU_ASSERT_EQUAL_FATAL(verdict_header_count(v), 1);
	verdict_header(v, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "X-One");
	CU_ASSERT_STRING_EQUAL(value, "1");
	verdict_free(v);
}

static void
rules_stop_ends_evaluation_keeping_additions(void)
{
	int rc;
	struct verdict *v = evaluate(
	    "<rule id=\"tag\"><then><add-header name=\"X-A\" value=\"a\"/>"
	    "<stop/></then></rule>"
	    "<rule id=\"never\"><then><reject/></then></rule>",
	    &staff_to_parent, 0, &rc);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_header_count(v), 1);
	CU_ASSERT_EQUAL(verdict_match_count(v), 1);
	verdict_free(v);
}

static void
rules_monitor_rule_records_and_evaluation_goes_on(void)
{
	int rc;
	struct verdict *v = evaluate(
	    "<rule id=\"watch\" mode=\"monitor\"><then><reject/>"
	    "</then></rule>"
	    "<rule id=\"tag\"><then><add-header name=\"X-B\" value=\"b\"/>"
	    "</then></rule>",
	    &staff_to_parent, 0, &rc);
	const char *id, *policy, *what, *why, *name, *value;
	enum verdict_mode mode;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL_FATAL(verdict_match_count(v), 2);
	verdict_match(v, 0, &id, &policy, &mode, &what, &why);
	CU_ASSERT_STRING_EQUAL(id, "watch");
	CU_ASSERT_EQUAL(mode, VERDICT_MODE_MONITOR);
	CU_ASSERT_STRING_EQUAL(what, "reject 550 5.7.1");
	CU_ASSERT_EQUAL_FATAL(verdict_header_count(v), 2);
	verdict_header(v, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "X-Guardian-Monitor");
	CU_ASSERT_STRING_EQUAL(value, "watch would reject 550 5.7.1");
	verdict_header(v, 1, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "X-B");
	verdict_free(v);
}

static void
rules_global_monitor_switch_changes_nothing(void)
{
	int rc;
	struct verdict *v = evaluate(
	    "<rule id=\"tag\"><then><add-header name=\"X-C\" value=\"c\"/>"
	    "</then></rule>"
	    "<rule id=\"no\"><then><reject/></then></rule>",
	    &staff_to_parent, 1, &rc);
	const char *name, *value;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_match_count(v), 2);
	CU_ASSERT_EQUAL_FATAL(verdict_header_count(v), 2);
	verdict_header(v, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(value, "tag would add-header X-C");
	verdict_header(v, 1, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "X-Guardian-Monitor");
	CU_ASSERT_STRING_EQUAL(value, "no would reject 550 5.7.1");
	verdict_free(v);
}

/* The compliance mailbox, as the settings name it. */
#define COMPLIANCE_SETTING                                          \
	"<settings><compliance-address>compliance@district.example" \
	"</compliance-address></settings>"

static void
rules_add_recipient_adds_a_blind_copy_with_its_reason(void)
{
	int rc;
	struct verdict *v = evaluate(COMPLIANCE_SETTING
	    "<rule id=\"alert\"><then>"
	    "<add-header name=\"X-Guardian-Warning\" value=\"w\"/>"
	    "<add-recipient mailbox=\"compliance\"/></then></rule>"
	    "<rule id=\"review\"><then>"
	    "<add-recipient address=\"Review@District.Example\"/>"
	    "</then></rule>",
	    &staff_to_parent, 0, &rc);
	const char *id, *policy, *what, *why, *addr;
	enum verdict_mode mode;
	struct buf b;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL_FATAL(verdict_rcpt_count(v), 2);
	verdict_rcpt(v, 0, &addr, &why);
	CU_ASSERT_STRING_EQUAL(addr, "compliance@district.example");
	CU_ASSERT_STRING_EQUAL(why, "compliance mailbox under rule alert");
	verdict_rcpt(v, 1, &addr, &why);
	CU_ASSERT_STRING_EQUAL(addr, "Review@District.Example");
	CU_ASSERT_STRING_EQUAL(why, "added under rule review");
	/* blind: the header shows nobody */
	CU_ASSERT_EQUAL(verdict_set_count(v), 0);
	CU_ASSERT_EQUAL(verdict_header_count(v), 1);
	CU_ASSERT_EQUAL_FATAL(verdict_match_count(v), 2);
	verdict_match(v, 0, &id, &policy, &mode, &what, &why);
	CU_ASSERT_STRING_EQUAL(
	    what, "add-header X-Guardian-Warning, add-recipient compliance");
	verdict_match(v, 1, &id, &policy, &mode, &what, &why);
	CU_ASSERT_STRING_EQUAL(what, "add-recipient Review@District.Example");
	buf_init(&b, BOUND_LOG_LINE);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "verdict=accept rules=alert,review added_rcpts=2 "
	    "notified=compliance@district.example,Review@District.Example "
	    "added_headers=1");
	buf_free(&b);
	verdict_free(v);
}

static void
rules_add_recipient_never_adds_a_mailbox_twice(void)
{
	static const struct msgspec cc_compliance = {"teacher@district.example",
	    "parent@gmail.com \"compliance\"@District.Example.", NULL, NULL,
	    NULL, 0, NULL};
	const char *twice = COMPLIANCE_SETTING
	    "<rule id=\"a\"><then><add-recipient mailbox=\"compliance\"/>"
	    "</then></rule>"
	    "<rule id=\"b\"><then>"
	    "<add-recipient address=\"compliance@district.example\"/>"
	    "<add-recipient mailbox=\"compliance\"/></then></rule>";
	int rc;
	struct verdict *v = evaluate(twice, &staff_to_parent, 0, &rc);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 1);
	verdict_free(v);
	/* already an envelope recipient, however spelt: nothing added */
	v = evaluate(twice, &cc_compliance, 0, &rc);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 0);
	verdict_free(v);
}

static void
rules_add_recipient_in_monitor_mode_adds_nobody(void)
{
	int rc;
	struct verdict *v = evaluate(COMPLIANCE_SETTING
	    "<rule id=\"alert\" mode=\"monitor\"><then>"
	    "<add-recipient mailbox=\"compliance\"/></then></rule>",
	    &staff_to_parent, 0, &rc);
	const char *name, *value;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 0);
	CU_ASSERT_EQUAL_FATAL(verdict_header_count(v), 1);
	verdict_header(v, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "X-Guardian-Monitor");
	CU_ASSERT_STRING_EQUAL(value, "alert would add-recipient compliance");
	verdict_free(v);
}

static void
rules_regex_limit_fails_evaluation(void)
{
	char headers[256];
	struct msgspec s = staff_to_parent;
	int rc;
	struct verdict *v;

	(void)snprintf(headers, sizeof(headers), "Subject: %s!\n",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	s.headers = headers;
	v = evaluate("<rule id=\"slow\"><when><header name=\"Subject\" "
	             "regex=\"^(a+)+$\"/></when><then><reject/></then>"
	             "</rule>",
	    &s, 0, &rc);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(rc, -1);
}

/*
 * Conditions, table-driven: the rule rejects when cond holds.
 */
static const struct msgspec plain = {"<Teacher@District.Example>",
    "<sam@students.district.example> <parent@gmail.com>",
    "Subject: Field trip\nX-Mailer: Thunder\n", NULL, "smtpd", 10, NULL};
static const struct msgspec bounce = {"<>", "<x@district.example>",
    "Subject: Undelivered\n", NULL, NULL, 10, NULL};
static const struct msgspec authed = {"a@district.example",
    "b@district.example", "", "jdoe", "submission", 3000, "10.1.2.3"};
static const struct msgspec from_v6 = {"a@district.example",
    "b@district.example", "", NULL, "smtpd", 1, "IPv6:2001:db8:5::1"};

static const struct {
	const char *label;
	const char *cond;
	const struct msgspec *msg;
	int want;
} conds[] = {
    {"sender glob, case-insensitive",
        "<sender address=\"*@district.example\"/>", &plain, 1},
    {"sender glob list, second matches",
        "<sender address=\"a@x.example *@DISTRICT.example\"/>", &plain, 1},
    {"sender glob, no match", "<sender address=\"*@other.example\"/>", &plain,
        0},
    {"sender glob needs whole address",
        "<sender address=\"teacher@district\"/>", &plain, 0},
    {"sender ? matches one character",
        "<sender address=\"teache?@district.example\"/>", &plain, 1},
    {"sender regex", "<sender regex=\"^teacher@\"/>", &plain, 1},
    {"sender regex case-sensitive",
        "<sender regex=\"^teacher@\" case=\"sensitive\"/>", &plain, 0},
    {"null sender not matched by glob *", "<sender address=\"*\"/>", &bounce,
        0},
    {"null sender matched by regex ^$", "<sender regex=\"^$\"/>", &bounce, 1},
    {"recipient any", "<recipient address=\"*@gmail.com\"/>", &plain, 1},
    {"recipient all fails on one",
        "<recipient address=\"*@gmail.com\" match=\"all\"/>", &plain, 0},
    {"recipient all with subdomain glob",
        "<recipient address=\"*@*district.example *@gmail.com\" match=\"all\"/>",
        &plain, 1},
    {"header regex", "<header name=\"subject\" regex=\"field\\s+trip\"/>",
        &plain, 1},
    {"header regex no match", "<header name=\"Subject\" regex=\"grades\"/>",
        &plain, 0},
    {"header presence", "<header name=\"X-Mailer\"/>", &plain, 1},
    {"header absence", "<not><header name=\"X-Priority\"/></not>", &plain, 1},
    {"authenticated", "<authenticated/>", &authed, 1},
    {"authenticated, none", "<authenticated/>", &plain, 0},
    {"authenticated login glob", "<authenticated login=\"j*\"/>", &authed, 1},
    {"authenticated login regex", "<authenticated regex=\"^x\"/>", &authed, 0},
    {"size over", "<size over=\"2K\"/>", &authed, 1},
    {"size under", "<size under=\"2K\"/>", &authed, 0},
    {"size within range", "<size over=\"1K\" under=\"1M\"/>", &authed, 1},
    {"recipients over 1", "<recipients over=\"1\"/>", &plain, 1},
    {"recipients under 2", "<recipients under=\"2\"/>", &plain, 0},
    {"macro with braces",
        "<macro name=\"{daemon_name}\" value=\"submission\"/>", &authed, 1},
    {"macro without braces", "<macro name=\"daemon_name\" value=\"sub*\"/>",
        &authed, 1},
    {"macro unset", "<macro name=\"{daemon_name}\"/>", &bounce, 0},
    {"macro set", "<macro name=\"{daemon_name}\"/>", &plain, 1},
    {"limit-exceeded, none passed", "<limit-exceeded/>", &plain, 0},
    {"client in a network", "<client network=\"192.0.2.0/24 10.0.0.0/8\"/>",
        &authed, 1},
    {"client outside the networks",
        "<client network=\"10.1.3.0/24 10.1.2.4\"/>", &authed, 0},
    {"client at a /31 edge", "<client network=\"10.1.2.2/31\"/>", &authed, 1},
    {"client single address", "<client network=\"10.1.2.3\"/>", &authed, 1},
    {"client IPv6 in a network", "<client network=\"2001:db8::/32\"/>",
        &from_v6, 1},
    {"client IPv6 outside", "<client network=\"2001:db8:6::/48\"/>", &from_v6,
        0},
    {"client without an address is in no network",
        "<client network=\"0.0.0.0/0 ::/0\"/>", &plain, 0},
    {"client IPv4 net never holds an IPv6 client",
        "<client network=\"0.0.0.0/0\"/>", &from_v6, 0},
    {"any of two",
        "<any><sender address=\"nobody@x\"/><header name=\"X-Mailer\"/></any>",
        &plain, 1},
    {"all of two, one fails",
        "<all><sender address=\"*@district.example\"/><authenticated/></all>",
        &plain, 0},
    {"nested not any",
        "<not><any><authenticated/><recipients over=\"5\"/></any></not>",
        &plain, 1},
};

static void
rules_each_condition_kind_matches_as_documented(void)
{
	char rule[1024];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		struct verdict *v;

		(void)snprintf(rule, sizeof(rule),
		    "<rule id=\"c\"><when>%s</when><then><reject/></then>"
		    "</rule>",
		    conds[i].cond);
		v = evaluate(rule, conds[i].msg, 0, &rc);
		CU_ASSERT_EQUAL(rc, 0);
		if (v == NULL)
			continue;
		if ((verdict_action(v) == VERDICT_REJECT) != conds[i].want)
			printf("\ncondition case failed: %s\n", conds[i].label);
		CU_ASSERT_EQUAL(
		    verdict_action(v) == VERDICT_REJECT, conds[i].want);
		verdict_free(v);
	}
}

static void
rules_limit_exceeded_sees_too_many_headers(void)
{
	char *headers;
	size_t i, o = 0, size = (BOUND_HEADER_COUNT + 10) * 16;
	struct msgspec s = plain;
	int rc;
	struct verdict *v;

	headers = malloc(size);
	CU_ASSERT_FATAL(headers != NULL);
	for (i = 0; i < BOUND_HEADER_COUNT + 5; i++)
		o += (size_t)snprintf(headers + o, size - o, "X-N: %zu\n", i);
	s.headers = headers;
	v = evaluate("<rule id=\"big\"><when><limit-exceeded "
	             "name=\"header-count\"/></when><then><reject/></then>"
	             "</rule>",
	    &s, 0, &rc);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	verdict_free(v);
	v = evaluate("<rule id=\"big\"><when><limit-exceeded "
	             "name=\"body-size\"/></when><then><reject/></then>"
	             "</rule>",
	    &s, 0, &rc);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	verdict_free(v);
	free(headers);
}

/* may_match - rules_may_match() for rules_xml and s, envelope only */
static int
may_match(const char *rules_xml, const struct msgspec *s)
{
	struct config *cfg = NULL;
	struct rules *rs = compile(rules_xml, &cfg);
	struct message *msg = build(s);
	struct regex_scratch *scratch = regex_scratch_new();
	struct rules_ctx ctx;
	int rc = -2;

	if (rs != NULL && msg != NULL && scratch != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		ctx.envelope_only = 1;
		rc = rules_may_match(rs, &ctx);
	}
	regex_scratch_free(scratch);
	message_free(msg);
	rules_free(rs);
	config_free(cfg);
	return rc;
}

static void
rules_may_match_decides_from_the_envelope_alone(void)
{
	static const char staff_only[] =
	    "<rule id=\"s\"><when><sender address=\"*@district.example\"/>"
	    "<header name=\"Subject\" regex=\"grades\"/></when>"
	    "<then><reject/></then></rule>";

	/* No rule at all: accept early. */
	CU_ASSERT_EQUAL(may_match("", &plain), 0);
	/* A sender pattern the envelope sender does not match may still
	 * match an author (From) of the message: not early. */
	CU_ASSERT_EQUAL(may_match(staff_only, &bounce), 1);
	/* A recipient no rule asks for rules the message out. */
	CU_ASSERT_EQUAL(may_match("<rule id=\"r\"><when><recipient "
	                          "address=\"*@gmail.com\"/><header "
	                          "name=\"Subject\"/></when><then><reject/>"
	                          "</then></rule>",
	                    &bounce),
	    0);
	/* The sender matches; the header is not known yet: maybe. */
	CU_ASSERT_EQUAL(may_match(staff_only, &plain), 1);
	/* A rule without conditions always may. */
	CU_ASSERT_EQUAL(may_match("<rule id=\"a\"><then><stop/></then>"
	                          "</rule>",
	                    &bounce),
	    1);
	/* not(unknown) stays unknown; any(false, unknown) too. */
	CU_ASSERT_EQUAL(may_match("<rule id=\"n\"><when><not><header "
	                          "name=\"X\"/></not></when><then><stop/>"
	                          "</then></rule>",
	                    &bounce),
	    1);
	CU_ASSERT_EQUAL(may_match("<rule id=\"o\"><when><any><sender "
	                          "address=\"nobody@x\"/><size over=\"1\"/>"
	                          "</any></when><then><stop/></then></rule>",
	                    &bounce),
	    1);
	/* all(false, unknown) is false. */
	CU_ASSERT_EQUAL(may_match("<rule id=\"f\"><when><size over=\"1\"/>"
	                          "<authenticated/></when><then><stop/>"
	                          "</then></rule>",
	                    &plain),
	    0);
	/* Monitor rules count too: they add a header. */
	CU_ASSERT_EQUAL(may_match("<rule id=\"m\" mode=\"monitor\"><when>"
	                          "<recipient address=\"*@gmail.com\"/></when>"
	                          "<then><reject/></then></rule>",
	                    &plain),
	    1);
}

/*
 * Every condition kind at the envelope. A kind whose data arrive after
 * DATA (a header, the body, a limit, a macro the MTA sends late) must
 * answer "unknown" there, or the milter accepts at DATA what the full
 * evaluation rejects. Each case is a condition that holds once the late
 * data are in; at the envelope, before them, the rule must still be
 * possible. Kinds decided by the envelope get a condition that is false
 * on it, and must rule the message out at once. A kind missing from the
 * table fails the test, so a new kind cannot skip this.
 */
static void
late_header(struct message *msg)
{
	(void)message_add_header(msg, "Subject", "Grades for Sam");
}

static void
late_author(struct message *msg)
{
	(void)message_add_header(msg, "From", "Someone <x@elsewhere.example>");
}

static void
late_body(struct message *msg)
{
	(void)message_add_body(msg, "0123456789abcdef", 16);
}

static void
late_macro(struct message *msg)
{
	(void)message_set_macro(msg, "{msg_id}", "<1@x.example>");
}

static void
late_many_headers(struct message *msg)
{
	size_t i;

	for (i = 0; i <= BOUND_HEADER_COUNT; i++)
		(void)message_add_header(msg, "X-N", "1");
}

static void
late_nothing(struct message *msg)
{
	(void)msg;
}

static const struct {
	const char *kind;
	const char *cond;
	int decided_early; /* false at this envelope, known at DATA */
	void (*late)(struct message *);
} kind_cases[] = {
    {"all", "<all><header name=\"Subject\"/></all>", 0, late_header},
    {"any", "<any><header name=\"Subject\"/></any>", 0, late_header},
    {"not", "<not><header name=\"X-Absent\"/></not>", 0, late_nothing},
    {"sender", "<sender address=\"*@elsewhere.example\"/>", 0, late_author},
    {"recipient", "<recipient address=\"*@gmail.com\"/>", 1, NULL},
    {"header", "<header name=\"Subject\" regex=\"^Grades\"/>", 0, late_header},
    {"body", "<body regex=\"6789\"/>", 0, late_body},
    {"authenticated", "<authenticated/>", 1, NULL},
    {"size", "<size over=\"10\"/>", 0, late_body},
    {"recipients", "<recipients over=\"5\"/>", 1, NULL},
    {"macro", "<macro name=\"{msg_id}\" regex=\".\"/>", 0, late_macro},
    {"limit-exceeded", "<limit-exceeded name=\"header-count\"/>", 0,
        late_many_headers},
    {"client", "<client network=\"10.0.0.0/8\"/>", 1, NULL},
};

/* kind_case_run - case i: may_match at the envelope, then the verdict of
 * the completed message; CUnit assertions name the kind on failure */
static void
kind_case_run(size_t i)
{
	char xml[512];
	struct config *cfg = NULL;
	struct rules *rs;
	struct message *msg;
	struct regex_scratch *scratch = regex_scratch_new();
	struct verdict *v = verdict_new();
	struct rules_ctx ctx;
	int m;

	(void)snprintf(xml, sizeof(xml),
	    "<rule id=\"k\"><when>%s</when><then><reject/></then></rule>",
	    kind_cases[i].cond);
	rs = compile(xml, &cfg);
	msg = testutil_message("teacher@district.example",
	    "sam@students.district.example", NULL, NULL);
	CU_ASSERT_FATAL(
	    rs != NULL && msg != NULL && scratch != NULL && v != NULL);
	/* as the milter records per-message macros the MTA did not send */
	(void)message_set_macro(msg, "{msg_id}", "");
	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = msg;
	ctx.scratch = scratch;
	ctx.envelope_only = 1;
	m = rules_may_match(rs, &ctx);
	if (m != (kind_cases[i].decided_early ? 0 : 1))
		printf("condition kind <%s>: rules_may_match %d at the "
		       "envelope\n",
		    kind_cases[i].kind, m);
	CU_ASSERT_EQUAL(m, kind_cases[i].decided_early ? 0 : 1);
	if (!kind_cases[i].decided_early) {
		kind_cases[i].late(msg);
		ctx.envelope_only = 0;
		CU_ASSERT_EQUAL(rules_evaluate(v, rs, &ctx), 0);
		if (verdict_action(v) != VERDICT_REJECT)
			printf("condition kind <%s>: does not hold once the "
			       "late data are in\n",
			    kind_cases[i].kind);
		CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	}
	verdict_free(v);
	regex_scratch_free(scratch);
	message_free(msg);
	rules_free(rs);
	config_free(cfg);
}

static void
rules_every_condition_kind_is_unknown_until_its_data_arrive(void)
{
	size_t i, k, n = sizeof(kind_cases) / sizeof(kind_cases[0]);
	const char *name;

	CU_ASSERT(rules_condition_kind_count() > 0);
	for (k = 0; (name = rules_condition_kind(k)) != NULL; k++) {
		for (i = 0; i < n; i++)
			if (strcmp(kind_cases[i].kind, name) == 0)
				break;
		if (i == n) {
			printf("condition kind <%s> has no envelope case in "
			       "test_rules.c\n",
			    name);
			CU_FAIL("a condition kind has no envelope case");
			continue;
		}
		kind_case_run(i);
	}
	CU_ASSERT_EQUAL(k, n);
}

/* need_body - rules_need_body() of rules_xml, or -1 */
static int
need_body(const char *rules_xml)
{
	struct config *cfg = NULL;
	struct rules *rs = compile(rules_xml, &cfg);
	int r = rs != NULL ? rules_need_body(rs) : -1;

	rules_free(rs);
	config_free(cfg);
	return r;
}

static void
rules_need_body_only_for_size_and_body_limits(void)
{
	CU_ASSERT_EQUAL(need_body(""), 0);
	CU_ASSERT_EQUAL(
	    need_body("<rule id=\"h\"><when><header name=\"Subject\" "
	              "regex=\"x\"/><limit-exceeded "
	              "name=\"header-size\"/></when><then><reject/>"
	              "</then></rule>"),
	    0);
	CU_ASSERT_EQUAL(need_body("<rule id=\"s\"><when><not><size "
	                          "over=\"1M\"/></not></when><then><reject/>"
	                          "</then></rule>"),
	    1);
	CU_ASSERT_EQUAL(need_body("<rule id=\"b\"><when><limit-exceeded "
	                          "name=\"body-size\"/></when><then><reject/>"
	                          "</then></rule>"),
	    1);
	CU_ASSERT_EQUAL(need_body("<rule id=\"a\"><when><limit-exceeded/>"
	                          "</when><then><reject/></then></rule>"),
	    1);
	CU_ASSERT_EQUAL(need_body("<rule id=\"t\"><when><body regex=\"x\"/>"
	                          "</when><then><reject/></then></rule>"),
	    1);
	CU_ASSERT_EQUAL(need_body("<rule id=\"m\"><when><limit-exceeded "
	                          "name=\"mime-depth\"/></when><then><reject/>"
	                          "</then></rule>"),
	    1);
}

/* body_use - rules_body_use() of rules_xml for a message from sender to
 * rcpt at the envelope; read_body receives rules_read_body() */
static int
body_use(const char *rules_xml, const char *rcpt, int *read_body)
{
	struct config *cfg = NULL;
	struct rules *rs = compile(rules_xml, &cfg);
	struct message *msg =
	    testutil_message("teacher@district.example", rcpt, NULL, NULL);
	struct regex_scratch *scratch = regex_scratch_new();
	struct rules_ctx ctx;
	int r = -2;

	if (rs != NULL && msg != NULL && scratch != NULL) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		ctx.envelope_only = 1;
		r = rules_body_use(rs, &ctx);
		*read_body = rules_read_body(rs);
	}
	regex_scratch_free(scratch);
	message_free(msg);
	rules_free(rs);
	config_free(cfg);
	return r;
}

static void
rules_body_is_stored_only_for_content_rules_that_may_match(void)
{
	static const char rules_xml[] =
	    "<rule id=\"b\"><when><recipient address=\"*@gmail.example\"/>"
	    "<body regex=\"grades\"/></when><then><reject/></then></rule>"
	    "<rule id=\"s\"><when><recipient address=\"*@big.example\"/>"
	    "<size over=\"1M\"/></when><then><reject/></then></rule>"
	    "<rule id=\"h\"><when><header name=\"Subject\" regex=\"x\"/>"
	    "</when><then><reject/></then></rule>";
	int rb = -1;

	CU_ASSERT_EQUAL(
	    body_use(rules_xml, "p@gmail.example", &rb), RULES_BODY_READ);
	CU_ASSERT_EQUAL(rb, 1);
	CU_ASSERT_EQUAL(
	    body_use(rules_xml, "p@big.example", &rb), RULES_BODY_COUNT);
	CU_ASSERT_EQUAL(
	    body_use(rules_xml, "p@district.example", &rb), RULES_BODY_NONE);
	rb = -1;
	CU_ASSERT_EQUAL(body_use("<rule id=\"h\"><when><header "
	                         "name=\"Subject\" regex=\"x\"/></when>"
	                         "<then><reject/></then></rule>",
	                    "p@gmail.example", &rb),
	    RULES_BODY_NONE);
	CU_ASSERT_EQUAL(rb, 0);
}

static int verdict_of(const char *rules_xml, const char *raw);

/* A rule that may hold a message needs all of it: its body is stored
 * even when no condition reads it, and only for messages it may hold. */
static void
rules_quarantine_stores_the_body_of_messages_it_may_hold(void)
{
	static const char rules_xml[] =
	    "<rule id=\"q\" policy=\"Policy 4150\"><when>"
	    "<recipient address=\"*@gmail.example\"/></when>"
	    "<then><quarantine>Use the portal.</quarantine></then></rule>";
	struct config *cfg = NULL;
	struct rules *rs;
	int rb = -1;

	CU_ASSERT_EQUAL(
	    body_use(rules_xml, "p@gmail.example", &rb), RULES_BODY_READ);
	CU_ASSERT_EQUAL(rb, 1);
	CU_ASSERT_EQUAL(
	    body_use(rules_xml, "p@district.example", &rb), RULES_BODY_NONE);
	CU_ASSERT_EQUAL(body_use("<rule id=\"q\"><then><quarantine/></then>"
	                         "</rule>",
	                    "p@district.example", &rb),
	    RULES_BODY_READ);
	rs = compile(rules_xml, &cfg);
	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rules_keep_message(rs), 1);
	rules_free(rs);
	config_free(cfg);
	rs = compile("<rule id=\"r\"><then><reject/></then></rule>", &cfg);
	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rules_keep_message(rs), 0);
	rules_free(rs);
	config_free(cfg);
	CU_ASSERT_EQUAL(
	    verdict_of(rules_xml, "Subject: x\n\nhello\n"), VERDICT_QUARANTINE);
}

/* verdict_of - the action rules_xml decides for a message with headers
 * and body (raw, LF line ends) */
static int
verdict_of(const char *rules_xml, const char *raw)
{
	struct config *cfg = NULL;
	struct rules *rs = compile(rules_xml, &cfg);
	struct message *msg = testutil_message(
	    "teacher@district.example", "p@gmail.example", NULL, NULL);
	struct regex_scratch *scratch = regex_scratch_new();
	struct verdict *v = verdict_new();
	struct rules_ctx ctx;
	FILE *fp = fmemopen((void *)(uintptr_t)raw, strlen(raw), "r");
	int r = -1;

	if (rs != NULL && msg != NULL && scratch != NULL && v != NULL &&
	    fp != NULL && message_parse(msg, fp) == 0) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		if (rules_evaluate(v, rs, &ctx) == 0)
			r = (int)verdict_action(v);
	}
	if (fp != NULL)
		fclose(fp);
	verdict_free(v);
	regex_scratch_free(scratch);
	message_free(msg);
	rules_free(rs);
	config_free(cfg);
	return r;
}

static void
rules_header_and_body_match_the_decoded_text(void)
{
	static const char subject_rule[] =
	    "<rule id=\"s\"><when><header name=\"Subject\" "
	    "regex=\"report card\"/></when><then><reject/></then></rule>";
	static const char body_rule[] =
	    "<rule id=\"b\"><when><body regex=\"\\bgrades\\b\"/></when>"
	    "<then><reject/></then></rule>";
	static const char mime_rule[] =
	    "<rule id=\"m\"><when><limit-exceeded name=\"mime-undecodable\"/>"
	    "</when><then><reject/></then></rule>";

	CU_ASSERT_EQUAL(verdict_of(subject_rule,
	                    "Subject: =?UTF-8?B?UmVwb3J0IGNhcmQ=?=\n\nx\n"),
	    VERDICT_REJECT);
	/* raw or decoded: either form matching is a match */
	CU_ASSERT_EQUAL(verdict_of(subject_rule, "Subject: report card\n\nx\n"),
	    VERDICT_REJECT);
	CU_ASSERT_EQUAL(
	    verdict_of(subject_rule, "Subject: =?UTF-8?B?SGVsbG8=?=\n\nx\n"),
	    VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_of(body_rule,
	                    "Subject: x\nContent-Transfer-Encoding: base64\n\n"
	                    "WW91ciBncmFkZXMgYXJlIGluLg==\n"),
	    VERDICT_REJECT);
	CU_ASSERT_EQUAL(verdict_of(body_rule,
	                    "Subject: x\nContent-Type: text/html\n\n"
	                    "<script>grades</script>hello\n"),
	    VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_of(mime_rule,
	                    "Subject: x\nContent-Transfer-Encoding: base64\n\n"
	                    "%%%%\n"),
	    VERDICT_REJECT);
	CU_ASSERT_EQUAL(
	    verdict_of(mime_rule, "Subject: x\n\nhello\n"), VERDICT_ACCEPT);
}

/* eval_count_only - rules_evaluate() of rules_xml over a message whose
 * body ("report card") was only counted; *action gets the verdict's */
static int
eval_count_only(const char *rules_xml, int *action)
{
	struct config *cfg = NULL;
	struct rules *rs = compile(rules_xml, &cfg);
	struct message *msg = testutil_message(
	    "teacher@district.example", "p@gmail.example", NULL, NULL);
	struct regex_scratch *scratch = regex_scratch_new();
	struct verdict *v = verdict_new();
	struct rules_ctx ctx;
	int rc = -2;

	if (rs != NULL && msg != NULL && scratch != NULL && v != NULL) {
		message_set_body_count_only(msg, 1);
		(void)message_add_body(msg, "report card\r\n", 13);
		memset(&ctx, 0, sizeof(ctx));
		ctx.msg = msg;
		ctx.scratch = scratch;
		rc = rules_evaluate(v, rs, &ctx);
		*action = (int)verdict_action(v);
	}
	verdict_free(v);
	regex_scratch_free(scratch);
	message_free(msg);
	rules_free(rs);
	config_free(cfg);
	return rc;
}

static void
rules_body_not_stored_is_an_error_not_a_miss(void)
{
	int action = -1;

	/* a rule reading a body that was not stored: the evaluation fails
	 * (the milter tempfails), it does not read as "no match" */
	CU_ASSERT_EQUAL(eval_count_only("<rule id=\"b\"><when><body "
	                                "regex=\"report card\"/></when>"
	                                "<then><reject/></then></rule>",
	                    &action),
	    -1);
	CU_ASSERT_EQUAL(eval_count_only("<rule id=\"n\"><when><not><body "
	                                "regex=\"report card\"/></not></when>"
	                                "<then><reject/></then></rule>",
	                    &action),
	    -1);
	/* ... unless the rule's answer does not depend on it */
	CU_ASSERT_EQUAL(eval_count_only("<rule id=\"a\"><when><body "
	                                "regex=\"report card\"/><sender "
	                                "address=\"nobody@x\"/></when>"
	                                "<then><reject/></then></rule>",
	                    &action),
	    0);
	CU_ASSERT_EQUAL(action, VERDICT_ACCEPT);
}

static void
rules_body_matches_uuencoded_text(void)
{
	static const char card_rule[] =
	    "<rule id=\"c\"><when><body regex=\"report card\"/></when>"
	    "<then><reject/></then></rule>";
	static const char mime_rule[] =
	    "<rule id=\"m\"><when><limit-exceeded name=\"mime-undecodable\"/>"
	    "</when><then><reject/></then></rule>";
	static const char uu[] =
	    "Subject: x\nContent-Transfer-Encoding: x-uuencode\n\n"
	    "Here it is:\nbegin 644 card.txt\n,4F5P;W)T(&-A<F0*\n`\nend\n";
	static const char no_begin[] =
	    "Subject: x\nContent-Transfer-Encoding: x-uuencode\n\n"
	    "Report card\n";

	CU_ASSERT_EQUAL(verdict_of(card_rule, uu), VERDICT_REJECT);
	CU_ASSERT_EQUAL(verdict_of(mime_rule, uu), VERDICT_ACCEPT);
	/* no "begin" line: read as it is, and said */
	CU_ASSERT_EQUAL(verdict_of(card_rule, no_begin), VERDICT_REJECT);
	CU_ASSERT_EQUAL(verdict_of(mime_rule, no_begin), VERDICT_REJECT);
}

static void
rules_list_the_macros_their_conditions_name(void)
{
	struct config *cfg = NULL;
	struct rules *rs =
	    compile("<rule id=\"m\"><when><any><macro name=\"tls_version\"/>"
	            "<macro name=\"{daemon_name}\" value=\"x\"/><not><macro "
	            "name=\"{tls_version}\"/></not><macro name=\"j\"/></any>"
	            "</when><then><stop/></then></rule>",
	        &cfg);

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL_FATAL(rules_macro_count(rs), 3);
	CU_ASSERT_STRING_EQUAL(rules_macro(rs, 0), "{tls_version}");
	CU_ASSERT_STRING_EQUAL(rules_macro(rs, 1), "{daemon_name}");
	CU_ASSERT_STRING_EQUAL(rules_macro(rs, 2), "j");
	rules_free(rs);
	config_free(cfg);
}

static CU_TestInfo tests[] = {
    {"rules_every_condition_kind_is_unknown_until_its_data_arrive",
        rules_every_condition_kind_is_unknown_until_its_data_arrive},
    {"rules_list_the_macros_their_conditions_name",
        rules_list_the_macros_their_conditions_name},
    {"rules_need_body_only_for_size_and_body_limits",
        rules_need_body_only_for_size_and_body_limits},
    {"rules_header_and_body_match_the_decoded_text",
        rules_header_and_body_match_the_decoded_text},
    {"rules_body_matches_uuencoded_text", rules_body_matches_uuencoded_text},
    {"rules_body_not_stored_is_an_error_not_a_miss",
        rules_body_not_stored_is_an_error_not_a_miss},
    {"rules_body_is_stored_only_for_content_rules_that_may_match",
        rules_body_is_stored_only_for_content_rules_that_may_match},
    {"rules_quarantine_stores_the_body_of_messages_it_may_hold",
        rules_quarantine_stores_the_body_of_messages_it_may_hold},
    {"rules_may_match_decides_from_the_envelope_alone",
        rules_may_match_decides_from_the_envelope_alone},
    {"rules_reject_carries_code_text_rule_and_policy",
        rules_reject_carries_code_text_rule_and_policy},
    {"rules_tempfail_uses_default_codes", rules_tempfail_uses_default_codes},
    {"rules_first_terminal_rule_ends_evaluation",
        rules_first_terminal_rule_ends_evaluation},
    {"rules_stop_ends_evaluation_keeping_additions",
        rules_stop_ends_evaluation_keeping_additions},
    {"rules_monitor_rule_records_and_evaluation_goes_on",
        rules_monitor_rule_records_and_evaluation_goes_on},
    {"rules_global_monitor_switch_changes_nothing",
        rules_global_monitor_switch_changes_nothing},
    {"rules_add_recipient_adds_a_blind_copy_with_its_reason",
        rules_add_recipient_adds_a_blind_copy_with_its_reason},
    {"rules_add_recipient_never_adds_a_mailbox_twice",
        rules_add_recipient_never_adds_a_mailbox_twice},
    {"rules_add_recipient_in_monitor_mode_adds_nobody",
        rules_add_recipient_in_monitor_mode_adds_nobody},
    {"rules_regex_limit_fails_evaluation", rules_regex_limit_fails_evaluation},
    {"rules_each_condition_kind_matches_as_documented",
        rules_each_condition_kind_matches_as_documented},
    {"rules_limit_exceeded_sees_too_many_headers",
        rules_limit_exceeded_sees_too_many_headers},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"rules", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_rules", suites);
}
