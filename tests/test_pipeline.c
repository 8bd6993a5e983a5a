/*
 * test_pipeline.c - end-to-end decisions: real configuration files under
 * tests/data/pipeline/, a message, pipeline_evaluate(), the verdict
 */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "message.h"
#include "pipeline.h"
#include "regex.h"
#include "rules.h"
#include "snapshot.h"
#include "testutil.h"
#include "verdict.h"

/* A fixed clock: decisions must not depend on the time of day. */
#define NOW ((time_t)1788000000)

/* load - the snapshot of tests/data/pipeline/name, or NULL */
static struct snapshot *
load(const char *name)
{
	struct snapshot *snap = NULL;
	struct diag *dg = diag_new();
	char rel[256];

	if (dg == NULL)
		return NULL;
	(void)snprintf(rel, sizeof(rel), "pipeline/%s", name);
	if (snapshot_build(&snap, testutil_data(rel), dg) == -1) {
		diag_print(dg, stderr);
		snap = NULL;
	}
	diag_free(dg);
	return snap;
}

/* envelope - a message from sender to the NULL-terminated recipients,
 * with a Subject; NULL on failure */
static struct message *
envelope(const char *sender, const char *const *rcpts, const char *subject)
{
	struct message *msg = message_new(NULL);

	if (msg == NULL)
		return NULL;
	if (message_set_sender(msg, sender) == -1)
		goto fail;
	for (; *rcpts != NULL; rcpts++)
		if (message_add_rcpt(msg, *rcpts) == -1)
			goto fail;
	if (subject != NULL &&
	    message_add_header(msg, "Subject", subject) == -1)
		goto fail;
	if (message_add_header(msg, "From", sender) == -1 ||
	    message_add_body(msg, "Hello.\r\n", 8) == -1)
		goto fail;
	return msg;
fail:
	message_free(msg);
	return NULL;
}

/* decide - evaluate msg under the named configuration; the verdict, or
 * NULL (CU_FAIL) */
static struct verdict *
decide(const char *config, struct message *msg)
{
	struct snapshot *snap = load(config);
	struct verdict *v = NULL;

	CU_ASSERT_PTR_NOT_NULL(snap);
	CU_ASSERT_PTR_NOT_NULL(msg);
	if (snap != NULL && msg != NULL)
		CU_ASSERT_EQUAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	snapshot_release(snap);
	return v;
}

/* has_header - 1 if v adds name with value */
static int
has_header(const struct verdict *v, const char *name, const char *value)
{
	const char *n, *val;
	size_t i;

	for (i = 0; i < verdict_header_count(v); i++) {
		verdict_header(v, i, &n, &val);
		if (strcmp(n, name) == 0 && strcmp(val, value) == 0)
			return 1;
	}
	return 0;
}

/* matched - 1 if rule matched in mode */
static int
matched(const struct verdict *v, const char *rule, enum verdict_mode mode)
{
	const char *id, *policy, *what, *why;
	enum verdict_mode m;
	size_t i;

	for (i = 0; i < verdict_match_count(v); i++) {
		verdict_match(v, i, &id, &policy, &m, &what, &why);
		if (strcmp(id, rule) == 0 && m == mode)
			return 1;
	}
	return 0;
}

static const char *const to_gmail[] = {"parent@gmail.com", NULL};
static const char *const to_staff[] = {"colleague@district.example", NULL};
static const char *const to_net[] = {"family@example.net", NULL};
static const char *const to_three[] = {
    "a@example.net", "b@example.net", "c@example.net", NULL};

static void
pipeline_rejects_grades_to_a_personal_address(void)
{
	struct message *msg = envelope(
	    "rivera@district.example", to_gmail, "Report card for this term");
	struct verdict *v = decide("rules.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "550");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.7.1");
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "personal-records");
	CU_ASSERT_STRING_EQUAL(verdict_policy(v),
	    "Communicate with families through district systems");
	CU_ASSERT(matched(v, "personal-records", VERDICT_MODE_ENFORCE));
	CU_ASSERT_EQUAL(verdict_header_count(v), 0);
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_reply_cites_the_rule_and_guideline(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_gmail, "grades");
	struct verdict *v = decide("rules.xml", msg);
	char **lines = NULL;
	size_t n = 0;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL_FATAL(verdict_reply_lines(&lines, &n, v), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	/* 72 columns of text, not counting the codes libmilter adds */
	CU_ASSERT_STRING_EQUAL(lines[0],
	    "Student records may only be sent to a family's district "
	    "account. Please");
	CU_ASSERT_STRING_EQUAL(
	    lines[1], "use the parent portal to share grades.");
	CU_ASSERT_STRING_EQUAL(lines[2],
	    "Rule personal-records; guideline: Communicate with families "
	    "through district systems");
	CU_ASSERT_PTR_NULL(lines[3]);
	verdict_reply_free(lines);
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_accepts_a_plain_message_with_nothing_added(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Staff meeting");
	struct verdict *v = decide("rules.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_match_count(v), 0);
	CU_ASSERT_EQUAL(verdict_header_count(v), 0);
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 0);
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_null_sender_is_accepted_before_later_rules(void)
{
	struct message *msg = envelope("<>", to_gmail, "Your grades");
	struct verdict *v = decide("rules.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "null-sender");
	CU_ASSERT_FALSE(matched(v, "personal-records", VERDICT_MODE_ENFORCE));
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_tempfails_with_the_configured_codes(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Hello");
	struct verdict *v;

	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(message_add_header(msg, "X-Test-Busy", "1"), 0);
	v = decide("rules.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_TEMPFAIL);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "452");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "4.3.1");
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "busy");
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_submission_without_login_is_rejected(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Hello");
	struct verdict *v;

	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(
	    message_set_macro(msg, "{daemon_name}", "submission"), 0);
	v = decide("rules.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "554");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.7.0");
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "submission-needs-login");
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_submission_with_login_is_accepted(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Hello");
	struct verdict *v;

	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(
	    message_set_macro(msg, "{daemon_name}", "submission"), 0);
	CU_ASSERT_EQUAL(message_set_macro(msg, "{auth_authen}", "rivera"), 0);
	v = decide("rules.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_FALSE(
	    matched(v, "submission-needs-login", VERDICT_MODE_ENFORCE));
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_adds_a_header_for_an_external_recipient(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_net, "Field trip");
	struct verdict *v = decide("rules.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_header_count(v), 1);
	CU_ASSERT(has_header(v, "X-Guardian-Checked", "external"));
	CU_ASSERT(matched(v, "tag-external", VERDICT_MODE_ENFORCE));
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_monitor_rule_adds_its_header_and_changes_nothing_else(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_three, "Field trip");
	struct verdict *v = decide("rules.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	/* would reject, but evaluation went on to tag-external */
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT(matched(v, "many-families", VERDICT_MODE_MONITOR));
	CU_ASSERT(matched(v, "tag-external", VERDICT_MODE_ENFORCE));
	CU_ASSERT(has_header(
	    v, "X-Guardian-Monitor", "many-families would reject 550 5.7.1"));
	CU_ASSERT(has_header(v, "X-Guardian-Checked", "external"));
	CU_ASSERT_EQUAL(verdict_header_count(v), 2);
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_global_monitor_mode_accepts_and_tags(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_gmail, "Hello");
	struct verdict *v = decide("monitor.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT(matched(v, "personal-address", VERDICT_MODE_MONITOR));
	CU_ASSERT(matched(v, "tag", VERDICT_MODE_MONITOR));
	CU_ASSERT(has_header(v, "X-Guardian-Monitor",
	    "personal-address would reject 550 5.7.1"));
	/* a monitored add-header adds only the monitor field */
	CU_ASSERT_FALSE(has_header(v, "X-Tag", "1"));
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_stop_ends_evaluation_keeping_what_was_added(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Hello");
	struct verdict *v;

	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(message_add_header(msg, "X-Test-Stop", "1"), 0);
	v = decide("rules.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT(has_header(v, "X-Stopped", "yes"));
	CU_ASSERT_FALSE(has_header(v, "X-After-Stop", "yes"));
	CU_ASSERT_FALSE(matched(v, "after-stop", VERDICT_MODE_ENFORCE));
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_too_many_header_fields_is_a_finding_rules_act_on(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Hello");
	struct verdict *v;
	int i;

	CU_ASSERT_FATAL(msg != NULL);
	for (i = 0; i < 1100; i++)
		CU_ASSERT_EQUAL_FATAL(
		    message_add_header(msg, "X-Filler", "x"), 0);
	v = decide("rules.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_TEMPFAIL);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "oversized");
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_decides_a_parsed_message_file(void)
{
	struct message *msg = message_new(NULL);
	struct verdict *v;
	FILE *fp;

	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(
	    message_set_sender(msg, "<rivera@district.example>"), 0);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, "<parent@gmail.com>"), 0);
	fp = fopen(testutil_data("pipeline/grades.eml"), "r");
	CU_ASSERT_FATAL(fp != NULL);
	CU_ASSERT_EQUAL(message_parse(msg, fp), 0);
	fclose(fp);
	v = decide("rules.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "personal-records");
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_same_verdict_with_a_caller_scratch(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_gmail, "grades");
	struct snapshot *snap = load("rules.xml");
	struct regex_scratch *rs = regex_scratch_new();
	struct verdict *v = NULL, *w = NULL;

	CU_ASSERT_FATAL(msg != NULL && snap != NULL && rs != NULL);
	CU_ASSERT_EQUAL(pipeline_evaluate(&v, snap, msg, rs, NOW), 0);
	CU_ASSERT_EQUAL(pipeline_evaluate(&w, snap, msg, rs, NOW), 0);
	CU_ASSERT_FATAL(v != NULL && w != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_EQUAL(verdict_action(w), verdict_action(v));
	CU_ASSERT_STRING_EQUAL(verdict_rule(w), verdict_rule(v));
	verdict_free(v);
	verdict_free(w);
	regex_scratch_free(rs);
	snapshot_release(snap);
	message_free(msg);
}

static void
pipeline_fails_when_a_regex_hits_its_match_limit(void)
{
	static char marker;
	struct verdict *v = (struct verdict *)(void *)&marker;
	struct snapshot *snap = load("backtrack.xml");
	struct message *msg = envelope("rivera@district.example", to_staff,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), -1);
	CU_ASSERT_PTR_EQUAL(v, (struct verdict *)(void *)&marker);
	snapshot_release(snap);
	message_free(msg);
}

static void
pipeline_refuses_missing_arguments(void)
{
	struct snapshot *snap = load("rules.xml");
	struct message *msg = envelope("a@b.example", to_staff, NULL);
	struct verdict *v = NULL;

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	errno = 0;
	CU_ASSERT_EQUAL(pipeline_evaluate(&v, NULL, msg, NULL, NOW), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_EQUAL(pipeline_evaluate(&v, snap, NULL, NULL, NOW), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(pipeline_may_match(NULL, msg, NULL, NOW), -1);
	snapshot_release(snap);
	message_free(msg);
}

/* envelope_only - a message with its envelope and nothing else */
static struct message *
envelope_only(const char *sender, const char *const *rcpts)
{
	struct message *msg = message_new(NULL);

	if (msg == NULL)
		return NULL;
	if (message_set_sender(msg, sender) == -1) {
		message_free(msg);
		return NULL;
	}
	for (; *rcpts != NULL; rcpts++)
		if (message_add_rcpt(msg, *rcpts) == -1) {
			message_free(msg);
			return NULL;
		}
	return msg;
}

static void
pipeline_may_match_is_false_when_the_envelope_rules_everything_out(void)
{
	struct snapshot *snap = load("envelope.xml");
	struct message *msg =
	    envelope_only("rivera@district.example", to_staff);

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 0);
	snapshot_release(snap);
	message_free(msg);
}

static void
pipeline_may_match_is_true_when_a_header_could_still_decide(void)
{
	struct snapshot *snap = load("envelope.xml");
	struct message *msg =
	    envelope_only("rivera@district.example", to_gmail);

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	snapshot_release(snap);
	message_free(msg);
}

static void
pipeline_may_match_is_true_when_the_envelope_alone_matches(void)
{
	static const char *const to_family[] = {"mom@families.example", NULL};
	struct snapshot *snap = load("envelope.xml");
	struct message *msg =
	    envelope_only("rivera@district.example", to_family);

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	snapshot_release(snap);
	message_free(msg);
}

static void
pipeline_may_match_counts_monitor_rules_too(void)
{
	struct snapshot *snap = load("monitor.xml");
	struct message *msg =
	    envelope_only("rivera@district.example", to_staff);

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 0);
	message_free(msg);
	/* a monitored rule would add its header: not a plain accept */
	msg = envelope_only("rivera@district.example", to_gmail);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	snapshot_release(snap);
	message_free(msg);
}

static void
pipeline_may_match_is_unknown_when_a_recipient_was_lost(void)
{
	static const char *const to_staff_and_family[] = {
	    "colleague@district.example", NULL, NULL};
	struct snapshot *snap = load("envelope.xml");
	struct message *msg;
	char addr[BOUND_ADDRESS_BYTES + 64];
	const char *rcpts[3];
	int i;

	/* a family address too long to keep: to-families may match it */
	memset(addr, 'x', BOUND_ADDRESS_BYTES);
	(void)snprintf(addr + BOUND_ADDRESS_BYTES,
	    sizeof(addr) - BOUND_ADDRESS_BYTES, "@families.example");
	rcpts[0] = to_staff_and_family[0];
	rcpts[1] = addr;
	rcpts[2] = NULL;
	msg = envelope_only("rivera@district.example", rcpts);
	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(message_rcpt_count(msg), 1);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	message_free(msg);
	/* a family address after BOUND_RCPT_COUNT district ones */
	msg = envelope_only("rivera@district.example", to_staff);
	CU_ASSERT_FATAL(msg != NULL);
	for (i = 1; i < BOUND_RCPT_COUNT; i++) {
		(void)snprintf(addr, sizeof(addr), "s%d@district.example", i);
		CU_ASSERT_EQUAL(message_add_rcpt(msg, addr), 0);
	}
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, "mom@families.example"), 0);
	CU_ASSERT_EQUAL(message_rcpt_count(msg), BOUND_RCPT_COUNT);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	snapshot_release(snap);
	message_free(msg);
}

/* lost_family - a message from staff to BOUND_RCPT_COUNT colleagues and
 * one family past them, with a harmless subject */
static struct message *
lost_family(void)
{
	struct message *msg =
	    envelope("rivera@district.example", to_staff, "Staff meeting");
	char addr[64];
	int i;

	if (msg == NULL)
		return NULL;
	for (i = 1; i < BOUND_RCPT_COUNT; i++) {
		(void)snprintf(addr, sizeof(addr), "s%d@district.example", i);
		(void)message_add_rcpt(msg, addr);
	}
	(void)message_add_rcpt(msg, "mom@families.example");
	return msg;
}

static void
pipeline_refuses_lost_recipients_when_no_rule_does(void)
{
	struct snapshot *snap = load("sender-only.xml");
	struct message *msg = lost_family();
	struct verdict *v = NULL;

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_FALSE(message_rcpts_complete(msg));
	/* no rule looks at recipients; the message is still not accepted
	 * at DATA */
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), PIPELINE_RCPTS_LOST);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "550");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.5.3");
	CU_ASSERT(strstr(verdict_text(v), "more recipients") != NULL);
	verdict_free(v);
	snapshot_release(snap);
	/* under the global monitor switch it is recorded, nothing more */
	snap = load("monitor.xml");
	CU_ASSERT_FATAL(snap != NULL);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	verdict_free(v);
	snapshot_release(snap);
	message_free(msg);
}

/* added - the recipients v adds, space-separated (static) */
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

/* reason - why v adds addr, or "" */
static const char *
reason(const struct verdict *v, const char *addr)
{
	const char *a, *why;
	size_t i;

	for (i = 0; i < verdict_rcpt_count(v); i++) {
		verdict_rcpt(v, i, &a, &why);
		if (strcmp(a, addr) == 0)
			return why;
	}
	return "";
}

/* set_value - the value v sets for the field name, or NULL */
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

static const char *const to_grade2[] = {
    "grade2-reading@district.example", NULL};

static void
pipeline_copies_the_guardians_of_a_lists_students(void)
{
	struct snapshot *snap = load("lists.xml");
	struct message *msg = envelope(
	    "teach@district.example", to_grade2, "Reading log for this week");
	struct verdict *v = NULL;

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	/* the list is its students: never accepted before the header */
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	/* Sam's second parent opted out of copies */
	CU_ASSERT_STRING_EQUAL(
	    added(v), "alex.lee@gmail.com hana.kim@example.org");
	CU_ASSERT_STRING_EQUAL(reason(v, "hana.kim@example.org"),
	    "guardian of student s3 (elementary) on the list "
	    "grade2-reading@district.example under rule em");
	/* a list hides its members, so their families go blind */
	CU_ASSERT_PTR_NULL(set_value(v, "Cc"));
	CU_ASSERT(has_header(v, "X-Guardian-Copied",
	    "2 parent/guardian addresses of 2 students added as blind copies "
	    "under district policy"));
	CU_ASSERT(has_header(v, "X-All-Students", "yes"));
	CU_ASSERT(has_header(v, "X-Students", "several"));
	/* the MTA never delivers to the list's own address */
	CU_ASSERT_FALSE(has_header(v, "X-List-Address", "yes"));
	verdict_free(v);
	message_free(msg);
	snapshot_release(snap);
}

static void
pipeline_copies_the_guardian_of_an_alias_in_cc(void)
{
	static const char *const to_alias[] = {"Sam@District.Example", NULL};
	struct message *msg =
	    envelope("teach@district.example", to_alias, "Reading log");
	struct verdict *v = decide("lists.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_STRING_EQUAL(added(v), "alex.lee@gmail.com");
	CU_ASSERT_STRING_EQUAL(reason(v, "alex.lee@gmail.com"),
	    "guardian of student s1 (elementary) by the alias "
	    "sam@district.example under rule em");
	/* one student, written to by another name: shown as for Sam */
	CU_ASSERT_STRING_EQUAL(set_value(v, "Cc"), "alex.lee@gmail.com");
	CU_ASSERT_FALSE(has_header(v, "X-Students", "several"));
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_expands_lists_of_lists(void)
{
	static const char *const to_club[] = {
	    "reading-club@district.example", NULL};
	struct message *msg =
	    envelope("teach@district.example", to_club, "Club meeting");
	struct verdict *v = decide("lists.xml", msg);

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_STRING_EQUAL(added(v),
	    "alex.lee@gmail.com hana.kim@example.org chris.park@outlook.com");
	CU_ASSERT(strstr(reason(v, "chris.park@outlook.com"),
	              "on the list reading-club@district.example") != NULL);
	verdict_free(v);
	message_free(msg);
}

static void
pipeline_judges_a_list_by_its_members(void)
{
	static const char *const to_team[] = {
	    "team-parents@district.example", NULL};
	static const char *const to_both[] = {"grade2-reading@district.example",
	    "lee-parents@district.example", NULL};
	struct message *msg =
	    envelope("teach@district.example", to_team, "Your grades");
	struct verdict *v = decide("lists.xml", msg);

	/* a personal account on the list: the records rule refuses */
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "records-to-personal");
	verdict_free(v);
	message_free(msg);
	msg = envelope("teach@district.example", to_team, "Picnic");
	v = decide("lists.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT(has_header(v, "X-Gmail", "yes"));
	verdict_free(v);
	message_free(msg);
	/* the Lees' parents, on a list of their own, are guardians of a
	 * student the message reaches, and reached already */
	msg = envelope("teach@district.example", to_both, "Reading log");
	v = decide("lists.xml", msg);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT(has_header(v, "X-Family-Copied", "yes"));
	CU_ASSERT_STRING_EQUAL(added(v), "hana.kim@example.org");
	CU_ASSERT_FALSE(has_header(v, "X-All-Students", "yes"));
	verdict_free(v);
	message_free(msg);
}

/* lists_config - a configuration with the test directory, the virtual
 * file text and the rules rules_xml, written to a temporary directory;
 * its snapshot, or NULL */
static struct snapshot *
lists_config_in(const char *name, const char *roster, const char *text,
    const char *rules_xml)
{
	char dir[PATH_MAX], file[64], virt[PATH_MAX];
	struct snapshot *snap = NULL;
	struct diag *dg = diag_new();
	struct buf cfg;

	if (dg == NULL || realpath(roster, dir) == NULL) {
		diag_free(dg);
		return NULL;
	}
	(void)snprintf(file, sizeof(file), "%s.virtual", name);
	(void)snprintf(virt, sizeof(virt), "%s",
	    testutil_write(testutil_tmpdir(), file, text));
	buf_init(&cfg, 64 * 1024);
	CU_ASSERT(
	    buf_printf(&cfg,
	        "<guardian-milter version=\"1\">\n%s<directory>\n"
	        "  <roster>%s</roster>\n"
	        "  <virtual-aliases>%s</virtual-aliases>\n"
	        "  <district-domains>district.example</district-domains>\n"
	        "</directory>\n%s\n</guardian-milter>\n",
	        strstr(rules_xml, "monitor-all") != NULL ?
	            "<settings><mode>monitor</mode></settings>\n" :
	            "",
	        dir, virt, rules_xml) == BUF_OK);
	(void)snprintf(file, sizeof(file), "%s.xml", name);
	if (snapshot_build(&snap,
	        testutil_write(testutil_tmpdir(), file, buf_str(&cfg)),
	        dg) == -1) {
		diag_print(dg, stderr);
		snap = NULL;
	}
	buf_free(&cfg);
	diag_free(dg);
	return snap;
}

/* lists_config - lists_config_in() with the test directory */
static struct snapshot *
lists_config(const char *name, const char *text, const char *rules_xml)
{
	return lists_config_in(
	    name, testutil_data("directory"), text, rules_xml);
}

static void
pipeline_refuses_a_list_it_cannot_expand(void)
{
	static const char *const to_loop[] = {"loop-a@district.example", NULL};
	static const char *const to_big[] = {"everyone@district.example", NULL};
	static const char *const to_staff_only[] = {
	    "colleague@district.example", NULL};
	/* a rule decided at the envelope, on no recipient */
	const char *rules = "<rule id=\"robot\"><when><authenticated "
	                    "login=\"robot\"/></when><then><reject>No "
	                    "robots.</reject></then></rule>";
	struct snapshot *snap;
	struct message *msg;
	struct verdict *v = NULL;
	struct buf big;
	int i;

	/* a loop: Postfix would defer it for ever; the filter refuses */
	snap = lists_config("loop",
	    "loop-a@district.example loop-b@district.example\n"
	    "loop-b@district.example loop-a@district.example, "
	    "sam.lee@students.district.example\n",
	    rules);
	msg = envelope("teach@district.example", to_loop, "Hello");
	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	/* no rule looks at recipients; still never accepted at DATA */
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 1);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), PIPELINE_RCPTS_LOST);
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.4.6");
	CU_ASSERT(strstr(verdict_text(v), "contains itself") != NULL);
	verdict_free(v);
	message_free(msg);
	/* the same policy lets other mail through */
	msg = envelope("teach@district.example", to_staff_only, "Hello");
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 0);
	message_free(msg);
	snapshot_release(snap);

	/* more members than BOUND_ALIAS_MEMBERS */
	buf_init(&big, 4 * 1024 * 1024);
	CU_ASSERT(buf_puts(&big, "everyone@district.example") == BUF_OK);
	for (i = 0; i <= BOUND_ALIAS_MEMBERS; i++)
		CU_ASSERT(
		    buf_printf(&big, "\n  m%d@district.example", i) == BUF_OK);
	CU_ASSERT(buf_putc(&big, '\n') == BUF_OK);
	snap = lists_config("big", buf_str(&big), rules);
	msg = envelope("teach@district.example", to_big, "Hello");
	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), PIPELINE_RCPTS_LOST);
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.5.3");
	CU_ASSERT(strstr(verdict_text(v), "mailing lists") != NULL);
	verdict_free(v);
	snapshot_release(snap);
	/* under the global monitor switch: recorded, nothing more */
	snap =
	    lists_config("big-monitor", buf_str(&big), "<!-- monitor-all -->");
	CU_ASSERT_FATAL(snap != NULL);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT(matched(v, PIPELINE_RCPTS_LOST, VERDICT_MODE_MONITOR));
	verdict_free(v);
	snapshot_release(snap);
	message_free(msg);
	buf_free(&big);
}

/* ---- <found>: detectors and entitlement --------------------------------- */

/* mail_with - a message from teach to rcpts with body text */
static struct message *
mail_with(const char *const *rcpts, const char *subject, const char *body)
{
	struct message *msg = message_new(NULL);
	const char *const *r;

	if (msg == NULL)
		return NULL;
	if (message_set_sender(msg, "teach@district.example") == -1 ||
	    message_add_header(msg, "From", "teach@district.example") == -1 ||
	    message_add_header(msg, "Subject", subject) == -1)
		goto fail;
	for (r = rcpts; *r != NULL; r++)
		if (message_add_rcpt(msg, *r) == -1)
			goto fail;
	if (message_add_body(msg, body, strlen(body)) == -1)
		goto fail;
	return msg;
fail:
	message_free(msg);
	return NULL;
}

/* Rules over the test directory: records to someone not entitled,
 * and any student named at all (to count findings). */
static const char found_rules[] =
    "<rule id=\"records\"><when><found detector=\"student-record\" "
    "to=\"not-entitled\"/></when><then><reject>No.</reject></then></rule>"
    "<rule id=\"list\"><when><found detector=\"student\" min-students=\"3\" "
    "to=\"not-entitled\"/></when><then><reject>No list.</reject></then>"
    "</rule>"
    "<rule id=\"named\" mode=\"monitor\"><when><found detector=\"student\" "
    "in=\"subject\"/></when><then><reject>Named.</reject></then></rule>";

/* decide_found - the verdict of found_rules for msg */
static struct verdict *
decide_found(struct message *msg)
{
	struct snapshot *snap = lists_config("found", "\n", found_rules);
	struct verdict *v = NULL;

	CU_ASSERT_PTR_NOT_NULL(snap);
	CU_ASSERT_PTR_NOT_NULL(msg);
	if (snap != NULL && msg != NULL)
		CU_ASSERT_EQUAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	snapshot_release(snap);
	return v;
}

static const char report[] = "Sam Lee's report card: reading B+, math A-.\r\n";

static void
found_records_go_to_the_students_own_family(void)
{
	static const char *const to_parent[] = {"alex.lee@gmail.com", NULL};
	static const char *const to_student[] = {
	    "sam.lee@students.district.example", NULL};
	static const char *const to_office[] = {
	    "mid@district.example", "office@district.example", NULL};
	const char *const *ok[] = {to_parent, to_student, to_office, NULL};
	struct message *msg;
	struct verdict *v;
	size_t i;

	for (i = 0; ok[i] != NULL; i++) {
		msg = mail_with(ok[i], "Fall term", report);
		v = decide_found(msg);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
		CU_ASSERT_EQUAL(verdict_finding_count(v), 0);
		verdict_free(v);
		message_free(msg);
	}
}

static void
found_records_to_another_family_are_refused_with_evidence(void)
{
	static const char *const to_other[] = {"chris.park@outlook.com", NULL};
	/* the family, but someone else too: still a disclosure */
	static const char *const to_both[] = {
	    "alex.lee@gmail.com", "sam.family@gmail.com", NULL};
	/* a student, about another student */
	static const char *const to_pupil[] = {
	    "omar.kim@students.district.example", NULL};
	const char *const *bad[] = {to_other, to_both, to_pupil, NULL};
	const struct verdict_finding *f;
	struct message *msg;
	struct verdict *v;
	struct buf b;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		msg = mail_with(bad[i], "Fall term", report);
		v = decide_found(msg);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
		CU_ASSERT_STRING_EQUAL(verdict_rule(v), "records");
		CU_ASSERT_FATAL(verdict_finding_count(v) >= 1);
		f = verdict_finding(v, 0);
		CU_ASSERT_STRING_EQUAL(f->rule, "records");
		CU_ASSERT_STRING_EQUAL(f->detector, "student-record");
		CU_ASSERT_STRING_EQUAL(f->where, "body");
		CU_ASSERT_EQUAL(f->students, 1);
		/* evidence, never the whole name */
		CU_ASSERT_PTR_NOT_NULL(f->evidence);
		CU_ASSERT_PTR_NULL(strstr(f->evidence, "Sam Lee"));
		buf_init(&b, 4096);
		CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
		CU_ASSERT_PTR_NOT_NULL(
		    strstr(buf_str(&b), "findings=student-record:body"));
		CU_ASSERT_PTR_NULL(strstr(buf_str(&b), "Lee"));
		buf_free(&b);
		verdict_free(v);
		message_free(msg);
	}
}

static void
found_counts_students_only_where_a_recipient_is_not_entitled(void)
{
	static const char *const to_lee[] = {"alex.lee@gmail.com", NULL};
	static const char *const to_park[] = {"chris.park@outlook.com", NULL};
	/* three students: two are the Lee family's own */
	static const char list[] =
	    "Sam Lee, Mia Lee and Noah Park read together.\r\n";
	struct message *msg;
	struct verdict *v;

	/* the Lees are entitled to Sam and Mia: one student disclosed */
	msg = mail_with(to_lee, "Reading", list);
	v = decide_found(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	verdict_free(v);
	message_free(msg);
	/* the Parks are entitled to Noah only: two, not three */
	msg = mail_with(to_park, "Reading", list);
	v = decide_found(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	verdict_free(v);
	message_free(msg);
	/* someone outside: all three */
	msg = mail_with(
	    (const char *const[]){"x@example.com", NULL}, "Reading", list);
	v = decide_found(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_REJECT);
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "list");
	verdict_free(v);
	message_free(msg);
}

static void
found_reads_the_decoded_subject(void)
{
	static const char *const to_colleague[] = {
	    "mid@district.example", NULL};
	struct message *msg;
	struct verdict *v;

	/* "Noah Park" in an encoded word; monitor rule "named" */
	msg = mail_with(
	    to_colleague, "=?UTF-8?B?Tm9haCBQYXJr?= this week", "Hello.\r\n");
	v = decide_found(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT(matched(v, "named", VERDICT_MODE_MONITOR));
	CU_ASSERT_FATAL(verdict_finding_count(v) == 1);
	CU_ASSERT_STRING_EQUAL(verdict_finding(v, 0)->where, "subject");
	verdict_free(v);
	message_free(msg);
}

static void
found_of_an_undeclared_detector_is_an_error(void)
{
	struct snapshot *snap;

	snap = lists_config("found-bad", "\n",
	    "<rule id=\"x\"><when><found detector=\"nonesuch\"/></when>"
	    "<then><reject>x</reject></then></rule>");
	CU_ASSERT_PTR_NULL(snap);
	snapshot_release(snap);
	snap = lists_config("found-bad2", "\n",
	    "<rule id=\"x\"><when><found detector=\"student\" to=\"all\"/>"
	    "</when><then><reject>x</reject></then></rule>");
	CU_ASSERT_PTR_NULL(snap);
	snapshot_release(snap);
}

static void
found_of_a_body_only_counted_is_unknown_never_no(void)
{
	static const char *const to_other[] = {"chris.park@outlook.com", NULL};
	struct snapshot *snap = lists_config("found-count", "\n", found_rules);
	struct message *msg = message_new(NULL);
	struct verdict *v = NULL;

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(message_set_sender(msg, "teach@district.example"), 0);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, to_other[0]), 0);
	CU_ASSERT_EQUAL(message_add_header(msg, "Subject", "Term"), 0);
	message_set_body_count_only(msg, 1);
	CU_ASSERT_EQUAL(message_add_body(msg, report, strlen(report)), 0);
	/* the evaluation fails (the milter answers tempfail) */
	CU_ASSERT_EQUAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), -1);
	verdict_free(v);
	message_free(msg);
	snapshot_release(snap);
}

/* big_school - a roster of n elementary students in dir, each with a
 * parent whose address is about 40 bytes, and a virtual file with one
 * list of them all; *virt gets the file's text (free it) */
static void
big_school(const char *dir, int n, char **virt)
{
	struct buf users, list;
	int i;

	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	(void)testutil_write(dir, "manifest.csv",
	    "propertyName,value\noneroster.version,1.1\nfile.orgs,bulk\n"
	    "file.users,bulk\n");
	(void)testutil_write(dir, "orgs.csv",
	    "sourcedId,status,name,type,parentSourcedId\n"
	    "es1,active,Big Elementary,school,\n");
	buf_init(&users, 16 * 1024 * 1024);
	buf_init(&list, 16 * 1024 * 1024);
	CU_ASSERT(buf_puts(&users,
	              "sourcedId,status,enabledUser,orgSourcedIds,role,email,"
	              "agentSourcedIds,grades\nt1,active,true,es1,teacher,"
	              "teach@district.example,,\n") == BUF_OK);
	CU_ASSERT(buf_puts(&list, "everyone@district.example") == BUF_OK);
	for (i = 0; i < n; i++) {
		CU_ASSERT(buf_printf(&users,
		              "s%d,active,true,es1,student,"
		              "s%d@students.district.example,g%d,03\n"
		              "g%d,active,true,es1,parent,"
		              "parent.of.student%06d@families.example,s%d,\n",
		              i, i, i, i, i, i) == BUF_OK);
		CU_ASSERT(buf_printf(&list, "\n  s%d@students.district.example",
		              i) == BUF_OK);
	}
	CU_ASSERT(buf_putc(&list, '\n') == BUF_OK);
	(void)testutil_write(dir, "users.csv", buf_str(&users));
	buf_free(&users);
	*virt = buf_steal(&list);
}

static void
pipeline_copies_the_families_of_a_large_list(void)
{
	static const char *const to_all[] = {"everyone@district.example", NULL};
	const char *rules = "<rule id=\"em\"><when><sender role=\"staff\"/>"
	                    "<recipient role=\"student\"/></when><then>"
	                    "<add-guardians as=\"cc\"/></then></rule>";
	struct snapshot *snap;
	struct message *msg;
	struct verdict *v = NULL;
	char dir[PATH_MAX], *virt = NULL;

	/* 4,000 families: their addresses would fill a Cc field past
	 * BOUND_HEADER_BYTES, and they go blind anyway */
	(void)snprintf(dir, sizeof(dir), "%s/big-school", testutil_tmpdir());
	big_school(dir, 4000, &virt);
	CU_ASSERT_FATAL(virt != NULL);
	snap = lists_config_in("big-school", dir, virt, rules);
	msg = envelope("teach@district.example", to_all, "Assembly");
	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 4000);
	CU_ASSERT_PTR_NULL(set_value(v, "Cc"));
	CU_ASSERT(has_header(v, "X-Guardian-Copied",
	    "4000 parent/guardian addresses of 4000 students added as blind "
	    "copies under district policy"));
	verdict_free(v);
	message_free(msg);
	snapshot_release(snap);
	free(virt);
}

static void
pipeline_body_use_finds_the_families_once(void)
{
	static const char *const to_all[] = {"parents@district.example", NULL};
	const char *rules = "<rule id=\"g\"><when><recipient role=\"guardian\" "
	                    "guardian-of-recipient=\"yes\"/><body "
	                    "regex=\"grades\"/></when><then><reject/></then>"
	                    "</rule>";
	struct snapshot *snap;
	struct message *msg;
	struct buf list;
	char dir[PATH_MAX], *virt = NULL;
	int i, n = 20;

	/* a list of parents, no student: each recipient is a guardian whose
	 * students are looked for among all the recipients. The families
	 * are found once per decision, in the evaluation's state; the end
	 * of header decision had none, and found them again per recipient,
	 * 10^8 steps for a list of 10,000 parents. Without a state the
	 * condition is now an internal error, so the decision must give
	 * one to answer at all. */
	(void)snprintf(dir, sizeof(dir), "%s/all-parents", testutil_tmpdir());
	big_school(dir, n, &virt);
	free(virt);
	buf_init(&list, 1024 * 1024);
	CU_ASSERT(buf_puts(&list, "parents@district.example") == BUF_OK);
	for (i = 0; i < n; i++)
		CU_ASSERT(buf_printf(&list,
		              "\n  parent.of.student%06d@families.example",
		              i) == BUF_OK);
	CU_ASSERT(buf_putc(&list, '\n') == BUF_OK);
	snap = lists_config_in("all-parents", dir, buf_str(&list), rules);
	buf_free(&list);
	msg = envelope("teach@district.example", to_all, "Assembly");
	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	CU_ASSERT_EQUAL(
	    pipeline_body_use(snap, msg, NULL, NOW), RULES_BODY_NONE);
	CU_ASSERT_EQUAL(pipeline_may_match(snap, msg, NULL, NOW), 0);
	message_free(msg);
	snapshot_release(snap);
}

static void
pipeline_flags_a_list_with_a_student_without_guardians(void)
{
	static const char *const to_class[] = {
	    "new-class@district.example", NULL};
	static const char *const to_office[] = {
	    "office-class@district.example", NULL};
	/* Zoe None (s9) has no guardian on record; Sam Lee has */
	const char *virt = "new-class@district.example "
	                   "zoe.none@students.district.example, "
	                   "sam.lee@students.district.example\n"
	                   "office-class@district.example "
	                   "zoe.none@students.district.example, "
	                   "compliance@District.Example\n";
	const char *rules =
	    "<rule id=\"no-guardian\"><when><sender role=\"staff\"/>"
	    "<recipient role=\"student\" guardians=\"missing\"/></when>"
	    "<then><add-header name=\"X-Guardian-Warning\" value=\"none\"/>"
	    "<add-recipient address=\"compliance@district.example\"/>"
	    "</then></rule>"
	    "<rule id=\"em\"><when><sender role=\"staff\"/>"
	    "<recipient role=\"student\"/></when><then>"
	    "<add-guardians as=\"cc\"/></then></rule>";
	struct snapshot *snap = lists_config("new-class", virt, rules);
	struct message *msg =
	    envelope("teach@district.example", to_class, "Welcome");
	struct verdict *v = NULL;

	CU_ASSERT_FATAL(snap != NULL && msg != NULL);
	/* a student on the list has nobody to copy: flagged and reported,
	 * and the other families still copied, blind */
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT(has_header(v, "X-Guardian-Warning", "none"));
	CU_ASSERT_STRING_EQUAL(added(v),
	    "compliance@district.example alex.lee@gmail.com "
	    "jordan.lee@yahoo.com");
	CU_ASSERT_STRING_EQUAL(reason(v, "compliance@district.example"),
	    "added under rule no-guardian");
	CU_ASSERT_PTR_NULL(set_value(v, "Cc"));
	verdict_free(v);
	message_free(msg);
	/* the mailbox is on the list already: the MTA delivers it one
	 * copy, the filter adds none */
	msg = envelope("teach@district.example", to_office, "Welcome");
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(pipeline_evaluate(&v, snap, msg, NULL, NOW), 0);
	CU_ASSERT(has_header(v, "X-Guardian-Warning", "none"));
	CU_ASSERT_STRING_EQUAL(added(v), "");
	verdict_free(v);
	message_free(msg);
	snapshot_release(snap);
}

static CU_TestInfo pipeline_tests[] = {
    {"found_records_go_to_the_students_own_family",
        found_records_go_to_the_students_own_family},
    {"found_records_to_another_family_are_refused_with_evidence",
        found_records_to_another_family_are_refused_with_evidence},
    {"found_counts_students_only_where_a_recipient_is_not_entitled",
        found_counts_students_only_where_a_recipient_is_not_entitled},
    {"found_reads_the_decoded_subject", found_reads_the_decoded_subject},
    {"found_of_an_undeclared_detector_is_an_error",
        found_of_an_undeclared_detector_is_an_error},
    {"found_of_a_body_only_counted_is_unknown_never_no",
        found_of_a_body_only_counted_is_unknown_never_no},
    {"pipeline_copies_the_guardians_of_a_lists_students",
        pipeline_copies_the_guardians_of_a_lists_students},
    {"pipeline_body_use_finds_the_families_once",
        pipeline_body_use_finds_the_families_once},
    {"pipeline_copies_the_guardian_of_an_alias_in_cc",
        pipeline_copies_the_guardian_of_an_alias_in_cc},
    {"pipeline_expands_lists_of_lists", pipeline_expands_lists_of_lists},
    {"pipeline_judges_a_list_by_its_members",
        pipeline_judges_a_list_by_its_members},
    {"pipeline_refuses_a_list_it_cannot_expand",
        pipeline_refuses_a_list_it_cannot_expand},
    {"pipeline_copies_the_families_of_a_large_list",
        pipeline_copies_the_families_of_a_large_list},
    {"pipeline_flags_a_list_with_a_student_without_guardians",
        pipeline_flags_a_list_with_a_student_without_guardians},
    {"pipeline_refuses_lost_recipients_when_no_rule_does",
        pipeline_refuses_lost_recipients_when_no_rule_does},
    {"pipeline_rejects_grades_to_a_personal_address",
        pipeline_rejects_grades_to_a_personal_address},
    {"pipeline_reply_cites_the_rule_and_guideline",
        pipeline_reply_cites_the_rule_and_guideline},
    {"pipeline_accepts_a_plain_message_with_nothing_added",
        pipeline_accepts_a_plain_message_with_nothing_added},
    {"pipeline_null_sender_is_accepted_before_later_rules",
        pipeline_null_sender_is_accepted_before_later_rules},
    {"pipeline_tempfails_with_the_configured_codes",
        pipeline_tempfails_with_the_configured_codes},
    {"pipeline_submission_without_login_is_rejected",
        pipeline_submission_without_login_is_rejected},
    {"pipeline_submission_with_login_is_accepted",
        pipeline_submission_with_login_is_accepted},
    {"pipeline_adds_a_header_for_an_external_recipient",
        pipeline_adds_a_header_for_an_external_recipient},
    {"pipeline_monitor_rule_adds_its_header_and_changes_nothing_else",
        pipeline_monitor_rule_adds_its_header_and_changes_nothing_else},
    {"pipeline_global_monitor_mode_accepts_and_tags",
        pipeline_global_monitor_mode_accepts_and_tags},
    {"pipeline_stop_ends_evaluation_keeping_what_was_added",
        pipeline_stop_ends_evaluation_keeping_what_was_added},
    {"pipeline_too_many_header_fields_is_a_finding_rules_act_on",
        pipeline_too_many_header_fields_is_a_finding_rules_act_on},
    {"pipeline_decides_a_parsed_message_file",
        pipeline_decides_a_parsed_message_file},
    {"pipeline_same_verdict_with_a_caller_scratch",
        pipeline_same_verdict_with_a_caller_scratch},
    {"pipeline_fails_when_a_regex_hits_its_match_limit",
        pipeline_fails_when_a_regex_hits_its_match_limit},
    {"pipeline_refuses_missing_arguments", pipeline_refuses_missing_arguments},
    {"pipeline_may_match_is_false_when_the_envelope_rules_everything_out",
        pipeline_may_match_is_false_when_the_envelope_rules_everything_out},
    {"pipeline_may_match_is_true_when_a_header_could_still_decide",
        pipeline_may_match_is_true_when_a_header_could_still_decide},
    {"pipeline_may_match_is_true_when_the_envelope_alone_matches",
        pipeline_may_match_is_true_when_the_envelope_alone_matches},
    {"pipeline_may_match_counts_monitor_rules_too",
        pipeline_may_match_counts_monitor_rules_too},
    {"pipeline_may_match_is_unknown_when_a_recipient_was_lost",
        pipeline_may_match_is_unknown_when_a_recipient_was_lost},
    CU_TEST_INFO_NULL,
};

/* suite_init - libxml2 once, before anything else */
static int
suite_init(void)
{
	config_init();
	return 0;
}

static CU_SuiteInfo suites[] = {
    {"pipeline", suite_init, NULL, NULL, NULL, pipeline_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_pipeline", suites);
}
