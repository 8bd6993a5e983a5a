/*
 * test_verdict.c - the decision record and its renderings
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "testutil.h"
#include "verdict.h"

#define POLICY "Student records stay in the student information system"
#define GUIDANCE                                                         \
	"Please do not send student ID numbers to personal addresses. "  \
	"Use the SIS message center instead; it keeps a record for the " \
	"school.\n\nQuestions? Ask the help desk at 100% of schools."

/* sample - a reject with every part filled */
static struct verdict *
sample(void)
{
	struct verdict *v = verdict_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_add_match(v, "watch-grades", NULL,
	                    VERDICT_MODE_MONITOR, "reject 550 5.7.1", NULL),
	    0);
	CU_ASSERT_EQUAL(
	    verdict_add_match(v, "tag-outgoing", "Label mail",
	        VERDICT_MODE_ENFORCE, "add-header X-District", NULL),
	    0);
	CU_ASSERT_EQUAL(
	    verdict_add_match(v, "no-student-ids", POLICY, VERDICT_MODE_ENFORCE,
	        "reject 550 5.7.1", "student ID numbers to a personal address"),
	    0);
	CU_ASSERT_EQUAL(verdict_add_header(v, "X-Guardian-Monitor",
	                    "watch-grades would reject 550 5.7.1"),
	    0);
	CU_ASSERT_EQUAL(verdict_add_rcpt(v, "parent@home.example",
	                    "guardian of a recipient"),
	    0);
	CU_ASSERT_EQUAL(verdict_add_rcpt(v, "office@school.example", NULL), 0);
	CU_ASSERT_EQUAL(verdict_set_action(v, VERDICT_REJECT, "550", "5.7.1",
	                    GUIDANCE, "no-student-ids", POLICY),
	    0);
	return v;
}

/* reply - the reply lines of v; *n set */
static char **
reply(const struct verdict *v, size_t *n)
{
	char **lines = NULL;

	CU_ASSERT_EQUAL_FATAL(verdict_reply_lines(&lines, n, v), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lines);
	CU_ASSERT_PTR_NULL(lines[*n]);
	return lines;
}

/* reject_with - a reject verdict with text, rule and policy */
static struct verdict *
reject_with(const char *text, const char *rule, const char *policy)
{
	struct verdict *v = verdict_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_set_action(v, VERDICT_REJECT, "550", "5.7.1",
	                    text, rule, policy),
	    0);
	return v;
}

/* ---- record ------------------------------------------------------------- */

static void
verdict_new_is_an_accept_with_nothing_matched(void)
{
	struct verdict *v = verdict_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_ACCEPT);
	CU_ASSERT_PTR_NULL(verdict_rcode(v));
	CU_ASSERT_PTR_NULL(verdict_xcode(v));
	CU_ASSERT_PTR_NULL(verdict_text(v));
	CU_ASSERT_PTR_NULL(verdict_rule(v));
	CU_ASSERT_PTR_NULL(verdict_policy(v));
	CU_ASSERT_EQUAL(verdict_match_count(v), 0);
	CU_ASSERT_EQUAL(verdict_header_count(v), 0);
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 0);
	verdict_free(v);
	verdict_free(NULL);
}

static void
verdict_set_action_copies_and_replaces(void)
{
	struct verdict *v = verdict_new();
	char text[] = "guidance";

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_set_action(v, VERDICT_TEMPFAIL, "452", "4.3.1",
	                    text, "r1", "p1"),
	    0);
	text[0] = 'X';
	CU_ASSERT_STRING_EQUAL(verdict_text(v), "guidance");
	CU_ASSERT_EQUAL(verdict_set_action(v, VERDICT_QUARANTINE, NULL, NULL,
	                    NULL, "r2", NULL),
	    0);
	CU_ASSERT_EQUAL(verdict_action(v), VERDICT_QUARANTINE);
	CU_ASSERT_PTR_NULL(verdict_rcode(v));
	CU_ASSERT_PTR_NULL(verdict_xcode(v));
	CU_ASSERT_PTR_NULL(verdict_text(v));
	CU_ASSERT_STRING_EQUAL(verdict_rule(v), "r2");
	CU_ASSERT_PTR_NULL(verdict_policy(v));
	verdict_free(v);
}

static void
verdict_reject_and_tempfail_get_default_codes(void)
{
	struct verdict *v = verdict_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(
	    verdict_set_action(v, VERDICT_REJECT, NULL, NULL, NULL, NULL, NULL),
	    0);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "550");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.7.1");
	CU_ASSERT_EQUAL(verdict_set_action(
	                    v, VERDICT_TEMPFAIL, NULL, NULL, NULL, NULL, NULL),
	    0);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "451");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "4.7.1");
	CU_ASSERT_EQUAL(verdict_set_action(
	                    v, VERDICT_REJECT, "554", NULL, NULL, NULL, NULL),
	    0);
	CU_ASSERT_STRING_EQUAL(verdict_rcode(v), "554");
	CU_ASSERT_STRING_EQUAL(verdict_xcode(v), "5.7.1");
	verdict_free(v);
}

static void
verdict_keeps_matches_headers_and_recipients_in_order(void)
{
	struct verdict *v = sample();
	const char *rule, *policy, *what, *why, *a, *b;
	enum verdict_mode mode;

	CU_ASSERT_EQUAL_FATAL(verdict_match_count(v), 3);
	verdict_match(v, 0, &rule, &policy, &mode, &what, &why);
	CU_ASSERT_STRING_EQUAL(rule, "watch-grades");
	CU_ASSERT_PTR_NULL(policy);
	CU_ASSERT_EQUAL(mode, VERDICT_MODE_MONITOR);
	CU_ASSERT_STRING_EQUAL(what, "reject 550 5.7.1");
	CU_ASSERT_PTR_NULL(why);
	verdict_match(v, 2, &rule, &policy, &mode, &what, &why);
	CU_ASSERT_STRING_EQUAL(rule, "no-student-ids");
	CU_ASSERT_STRING_EQUAL(policy, POLICY);
	CU_ASSERT_EQUAL(mode, VERDICT_MODE_ENFORCE);
	CU_ASSERT_STRING_EQUAL(why, "student ID numbers to a personal address");
	CU_ASSERT_EQUAL_FATAL(verdict_header_count(v), 1);
	verdict_header(v, 0, &a, &b);
	CU_ASSERT_STRING_EQUAL(a, "X-Guardian-Monitor");
	CU_ASSERT_STRING_EQUAL(b, "watch-grades would reject 550 5.7.1");
	CU_ASSERT_EQUAL_FATAL(verdict_rcpt_count(v), 2);
	verdict_rcpt(v, 1, &a, &b);
	CU_ASSERT_STRING_EQUAL(a, "office@school.example");
	CU_ASSERT_PTR_NULL(b);
	verdict_free(v);
}

static void
verdict_action_names(void)
{
	CU_ASSERT_STRING_EQUAL(verdict_action_name(VERDICT_ACCEPT), "accept");
	CU_ASSERT_STRING_EQUAL(
	    verdict_action_name(VERDICT_TEMPFAIL), "tempfail");
	CU_ASSERT_STRING_EQUAL(verdict_action_name(VERDICT_REJECT), "reject");
	CU_ASSERT_STRING_EQUAL(verdict_action_name(VERDICT_DISCARD), "discard");
	CU_ASSERT_STRING_EQUAL(
	    verdict_action_name(VERDICT_QUARANTINE), "quarantine");
}

/* ---- log line ----------------------------------------------------------- */

static void
verdict_log_line_lists_what_happened(void)
{
	struct verdict *v = sample();
	struct buf b;

	buf_init(&b, BOUND_LOG_LINE);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "verdict=reject rule=no-student-ids "
	    "rules=tag-outgoing,no-student-ids monitor=watch-grades "
	    "added_rcpts=2 added_headers=1");
	buf_free(&b);
	verdict_free(v);
}

/* A recipient the configuration names is shown; a guardian never is. */
static void
verdict_log_line_names_only_recipients_the_configuration_names(void)
{
	struct verdict *v = verdict_new();
	struct buf b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	buf_init(&b, BOUND_LOG_LINE);
	CU_ASSERT_EQUAL(verdict_add_rcpt(v, "alex.lee@gmail.com",
	                    "guardian of student s1 (elementary) under rule g"),
	    0);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "verdict=accept added_rcpts=1");
	buf_reset(&b);
	CU_ASSERT_EQUAL(verdict_add_rcpt_shown(v, "compliance@district.example",
	                    "compliance mailbox under rule n"),
	    0);
	CU_ASSERT_EQUAL(verdict_add_rcpt_shown(v, "review\n@district.example",
	                    "added under rule r"),
	    0);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "verdict=accept added_rcpts=3 "
	    "notified=compliance@district.example,review\\x0a@district.example");
	CU_ASSERT_EQUAL(verdict_rcpt_count(v), 3);
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_log_line_leaves_out_empty_keys(void)
{
	struct verdict *v = verdict_new();
	struct buf b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	buf_init(&b, BOUND_LOG_LINE);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "verdict=accept");
	buf_reset(&b);
	CU_ASSERT_EQUAL(
	    verdict_add_match(v, "m", NULL, VERDICT_MODE_MONITOR, "x", NULL),
	    0);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "verdict=accept monitor=m");
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_log_line_filters_unprintable_values(void)
{
	struct verdict *v = reject_with(NULL, "bad\nid\x1b", NULL);
	struct buf b;

	buf_init(&b, BOUND_LOG_LINE);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(
	    buf_str(&b), "verdict=reject rule=bad\\x0aid\\x1b");
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_render_reports_a_full_buffer(void)
{
	struct verdict *v = sample();
	struct buf b;

	buf_init(&b, 20);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_TOOBIG);
	buf_free(&b);
	buf_init(&b, 100);
	CU_ASSERT_EQUAL(verdict_render_json(v, &b), BUF_TOOBIG);
	buf_free(&b);
	buf_init(&b, 100);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), BUF_TOOBIG);
	buf_free(&b);
	verdict_free(v);
}

/* ---- JSON --------------------------------------------------------------- */

static void
verdict_json_has_every_part(void)
{
	struct verdict *v = sample();
	struct buf b;

	buf_init(&b, BOUND_RENDER_BYTES);
	CU_ASSERT_EQUAL(verdict_render_json(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "{\"action\":\"reject\",\"rcode\":\"550\",\"xcode\":\"5.7.1\","
	    "\"text\":\"Please do not send student ID numbers to personal "
	    "addresses. Use the SIS message center instead; it keeps a record "
	    "for the school.\\n\\nQuestions? Ask the help desk at 100% of "
	    "schools.\","
	    "\"rule\":\"no-student-ids\",\"policy\":\"" POLICY "\","
	    "\"matches\":["
	    "{\"rule\":\"watch-grades\",\"policy\":null,\"mode\":\"monitor\","
	    "\"what\":\"reject 550 5.7.1\",\"why\":null},"
	    "{\"rule\":\"tag-outgoing\",\"policy\":\"Label mail\","
	    "\"mode\":\"enforce\",\"what\":\"add-header X-District\","
	    "\"why\":null},"
	    "{\"rule\":\"no-student-ids\",\"policy\":\"" POLICY "\","
	    "\"mode\":\"enforce\",\"what\":\"reject 550 5.7.1\","
	    "\"why\":\"student ID numbers to a personal address\"}],"
	    "\"headers\":[{\"name\":\"X-Guardian-Monitor\","
	    "\"value\":\"watch-grades would reject 550 5.7.1\"}],"
	    "\"recipients\":[{\"address\":\"parent@home.example\","
	    "\"why\":\"guardian of a recipient\"},"
	    "{\"address\":\"office@school.example\",\"why\":null}],"
	    "\"set_headers\":[],\"findings\":[],"
	    "\"reply\":["
	    "\"Please do not send student ID numbers to personal addresses. "
	    "Use the SIS\","
	    "\"message center instead; it keeps a record for the school.\","
	    "\"\","
	    "\"Questions? Ask the help desk at 100%% of schools.\","
	    "\"Rule no-student-ids; guideline: " POLICY "\"]}");
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_json_accept_has_nulls_and_no_reply(void)
{
	struct verdict *v = verdict_new();
	struct buf b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	buf_init(&b, BOUND_RENDER_BYTES);
	CU_ASSERT_EQUAL(verdict_render_json(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "{\"action\":\"accept\",\"rcode\":null,\"xcode\":null,"
	    "\"text\":null,\"rule\":null,\"policy\":null,\"matches\":[],"
	    "\"headers\":[],\"recipients\":[],\"set_headers\":[],\"findings\":[],"
	    "\"reply\":null}");
	buf_free(&b);
	verdict_free(v);
}

static const struct {
	const char *label, *in, *want;
} json_cases[] = {
    {"quote and backslash", "say \"hi\" \\o/", "\"say \\\"hi\\\" \\\\o/\""},
    {"short escapes", "a\nb\rc\td\be\ff", "\"a\\nb\\rc\\td\\be\\ff\""},
    {"other controls", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
    {"valid UTF-8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x85",
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\x85\""},
    {"stray bytes", "a\xffz\x80", "\"a\xef\xbf\xbdz\xef\xbf\xbd\""},
    {"overlong", "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},
    {"surrogate", "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
    {"cut short", "x\xe2\x82", "\"x\xef\xbf\xbd\xef\xbf\xbd\""},
    {"slash kept", "a/b", "\"a/b\""},
};

static void
verdict_set_header_replaces_and_renders(void)
{
	struct verdict *v = verdict_new();
	struct buf b;
	const char *name, *value;

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(verdict_set_header(v, "Cc", "a@x.example"), 0);
	CU_ASSERT_EQUAL(
	    verdict_set_header(v, "cc", "a@x.example, b@y.example"), 0);
	CU_ASSERT_EQUAL_FATAL(verdict_set_count(v), 1);
	verdict_set(v, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "Cc");
	CU_ASSERT_STRING_EQUAL(value, "a@x.example, b@y.example");
	buf_init(&b, 65536);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "verdict=accept set_headers=1");
	buf_reset(&b);
	CU_ASSERT_EQUAL(verdict_render_json(v, &b), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&b),
	    "\"set_headers\":[{\"name\":\"Cc\","
	    "\"value\":\"a@x.example, b@y.example\"}]"));
	buf_reset(&b);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&b),
	    "headers to set (replaced, or added if absent):\n"
	    "  Cc: a@x.example, b@y.example\n"));
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_json_escapes_strings(void)
{
	struct verdict *v;
	struct buf b;
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		v = verdict_new();
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		CU_ASSERT_EQUAL(verdict_set_action(v, VERDICT_ACCEPT, NULL,
		                    NULL, json_cases[i].in, NULL, NULL),
		    0);
		buf_init(&b, BOUND_RENDER_BYTES);
		CU_ASSERT_EQUAL(verdict_render_json(v, &b), BUF_OK);
		(void)snprintf(
		    want, sizeof(want), "\"text\":%s,", json_cases[i].want);
		if (strstr(buf_str(&b), want) == NULL) {
			fprintf(stderr, "%s: got %s\n", json_cases[i].label,
			    buf_str(&b));
			CU_FAIL(json_cases[i].label);
		}
		buf_free(&b);
		verdict_free(v);
	}
}

/* ---- text report -------------------------------------------------------- */

static void
verdict_text_report_explains_the_decision(void)
{
	struct verdict *v = sample();
	struct buf b;

	buf_init(&b, BOUND_RENDER_BYTES);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "verdict: reject 550 5.7.1\n"
	    "deciding rule: no-student-ids\n"
	    "guideline: " POLICY "\n"
	    "matched rules:\n"
	    "  watch-grades [monitor]: would reject 550 5.7.1\n"
	    "  tag-outgoing [enforce]: add-header X-District\n"
	    "      guideline: Label mail\n"
	    "  no-student-ids [enforce]: reject 550 5.7.1\n"
	    "      guideline: " POLICY "\n"
	    "      why: student ID numbers to a personal address\n"
	    "reply to the sender:\n"
	    "  550-5.7.1 Please do not send student ID numbers to personal "
	    "addresses. Use the SIS\n"
	    "  550-5.7.1 message center instead; it keeps a record for "
	    "the school.\n"
	    "  550-5.7.1\n"
	    "  550-5.7.1 Questions? Ask the help desk at 100% of schools.\n"
	    "  550 5.7.1 Rule no-student-ids; guideline: " POLICY "\n"
	    "headers to add:\n"
	    "  X-Guardian-Monitor: watch-grades would reject 550 5.7.1\n"
	    "recipients to add:\n"
	    "  parent@home.example: guardian of a recipient\n"
	    "  office@school.example\n");
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_text_report_of_a_plain_accept(void)
{
	struct verdict *v = verdict_new();
	struct buf b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	buf_init(&b, BOUND_RENDER_BYTES);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(
	    buf_str(&b), "verdict: accept\nmatched rules: none\n");
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_text_report_of_a_tempfail_without_text(void)
{
	struct verdict *v = verdict_new();
	struct buf b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_set_action(v, VERDICT_TEMPFAIL, NULL, NULL,
	                    NULL, "busy", NULL),
	    0);
	buf_init(&b, BOUND_RENDER_BYTES);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "verdict: tempfail 451 4.7.1\n"
	    "deciding rule: busy\n"
	    "matched rules: none\n"
	    "reply to the sender:\n"
	    "  451 4.7.1 Rule busy\n");
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_text_report_filters_unprintable_text(void)
{
	struct verdict *v = verdict_new();
	struct buf b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(verdict_add_header(v, "X-Note", "a\x1b[31mb"), 0);
	buf_init(&b, BOUND_RENDER_BYTES);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), BUF_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&b), "  X-Note: a\\x1b[31mb\n"));
	buf_free(&b);
	verdict_free(v);
}

/* ---- reply lines -------------------------------------------------------- */

/* check_lines - lines equal want (NULL-terminated) */
static void
check_lines(char **lines, size_t n, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL && i < n; i++)
		if (strcmp(lines[i], want[i]) != 0) {
			fprintf(stderr, "line %zu: got [%s] want [%s]\n", i,
			    lines[i], want[i]);
			CU_FAIL("reply line differs");
		}
	CU_ASSERT_EQUAL(n, i);
	CU_ASSERT_PTR_NULL(want[i]);
}

static void
verdict_reply_wraps_on_word_boundaries(void)
{
	static const char *const want[] = {
	    "Please do not send student ID numbers to personal addresses. "
	    "Use the SIS",
	    "message center instead; it keeps a record for the school.",
	    "",
	    "Questions? Ask the help desk at 100%% of schools.",
	    "Rule no-student-ids; guideline: " POLICY,
	    NULL,
	};
	struct verdict *v = sample();
	char **lines;
	size_t n, i;

	lines = reply(v, &n);
	check_lines(lines, n, want);
	CU_ASSERT_EQUAL(strlen(lines[0]), BOUND_REPLY_WIDTH);
	for (i = 0; i + 1 < n; i++)
		CU_ASSERT(strlen(lines[i]) <= BOUND_REPLY_WIDTH + 1);
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_fills_lines_to_exactly_the_width(void)
{
	char text[200];
	struct verdict *v;
	char **lines;
	size_t n;

	/* 7 words of 9 letters with spaces take 69 columns; " xy" makes
	 * exactly 72, so "next" starts the second line */
	(void)snprintf(text, sizeof(text), "%s %s %s %s %s %s %s xy next",
	    "aaaaaaaaa", "bbbbbbbbb", "ccccccccc", "ddddddddd", "eeeeeeeee",
	    "fffffffff", "ggggggggg");
	v = reject_with(text, "r", NULL);
	lines = reply(v, &n);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(strlen(lines[0]), 72);
	CU_ASSERT_STRING_EQUAL(lines[0] + 60, "ggggggggg xy");
	CU_ASSERT_STRING_EQUAL(lines[1], "next");
	CU_ASSERT_STRING_EQUAL(lines[2], "Rule r");
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_cuts_a_word_longer_than_the_width(void)
{
	char word[161], want0[73], want2[17];
	struct verdict *v;
	char **lines;
	size_t n;

	memset(word, 'w', 160);
	word[160] = '\0';
	memset(want0, 'w', 72);
	want0[72] = '\0';
	memset(want2, 'w', 16);
	want2[16] = '\0';
	v = reject_with(word, "r", "p");
	lines = reply(v, &n);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_STRING_EQUAL(lines[0], want0);
	CU_ASSERT_STRING_EQUAL(lines[1], want0);
	CU_ASSERT_STRING_EQUAL(lines[2], want2);
	CU_ASSERT_STRING_EQUAL(lines[3], "Rule r; guideline: p");
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_counts_characters_not_bytes(void)
{
	char text[400];
	struct verdict *v;
	char **lines;
	size_t n, i;

	/* 72 two-byte characters fill one line; the 73rd goes on the next */
	for (i = 0; i < 73; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[146] = '\0';
	v = reject_with(text, "r", NULL);
	lines = reply(v, &n);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(strlen(lines[0]), 144);
	CU_ASSERT_STRING_EQUAL(lines[1], "\xc3\xa9");
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_keeps_paragraphs_and_reflows_lines(void)
{
	static const char *const want[] = {
	    "First paragraph goes on here.",
	    "",
	    "Second one.",
	    "",
	    "Third.",
	    "Rule r; guideline: p",
	    NULL,
	};
	struct verdict *v =
	    reject_with("\n\nFirst paragraph\ngoes on\r\nhere."
	                "\n\n\n\nSecond one.\r\n \t\r\nThird.\n\n",
	        "r", "p");
	char **lines;
	size_t n;

	lines = reply(v, &n);
	check_lines(lines, n, want);
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_turns_control_bytes_into_spaces(void)
{
	static const char *const want[] = {
	    "a b c d e",
	    "Rule r; guideline: x y",
	    NULL,
	};
	struct verdict *v = reject_with("a\tb\x01"
	                                "c\x7f"
	                                "d\re",
	    "r", "x\ry");
	char **lines;
	size_t n;

	lines = reply(v, &n);
	check_lines(lines, n, want);
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_doubles_percent_signs(void)
{
	static const char *const want[] = {
	    "100%% sure, %%s %%d",
	    "Rule r%%1; guideline: 50%% rule",
	    NULL,
	};
	struct verdict *v = reject_with("100% sure, %s %d", "r%1", "50% rule");
	char **lines;
	size_t n;

	lines = reply(v, &n);
	check_lines(lines, n, want);
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_without_policy_cites_the_rule_alone(void)
{
	static const char *const want[] = {"Hold on.", "Rule r", NULL};
	struct verdict *v = reject_with("Hold on.", "r", NULL);
	char **lines;
	size_t n;

	lines = reply(v, &n);
	check_lines(lines, n, want);
	verdict_reply_free(lines);
	verdict_free(v);
}

static void
verdict_reply_empty_text_gives_only_the_citation(void)
{
	static const char *const want[] = {"Rule r; guideline: p", NULL};
	const char *texts[] = {NULL, "", "  \n\n \t "};
	struct verdict *v;
	char **lines;
	size_t n, i;

	for (i = 0; i < 3; i++) {
		v = reject_with(texts[i], "r", "p");
		lines = reply(v, &n);
		check_lines(lines, n, want);
		verdict_reply_free(lines);
		verdict_free(v);
	}
}

static void
verdict_reply_without_rule_or_text_is_empty(void)
{
	struct verdict *v = reject_with(NULL, NULL, "p");
	char **lines;
	size_t n = 99;

	lines = reply(v, &n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(lines[0]);
	verdict_reply_free(lines);
	verdict_free(v);
	v = reject_with("Just text.", NULL, NULL);
	lines = reply(v, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "Just text.");
	verdict_reply_free(lines);
	verdict_free(v);
	verdict_reply_free(NULL);
}

static void
verdict_reply_is_cut_to_the_line_limit_keeping_the_citation(void)
{
	struct buf text;
	struct verdict *v;
	char **lines;
	char want[32];
	size_t n;
	int i;

	buf_init(&text, 100000);
	for (i = 0; i < 100; i++)
		CU_ASSERT_EQUAL(
		    buf_printf(&text, "Paragraph %d.\n\n", i), BUF_OK);
	v = reject_with(buf_str(&text), "r", "p");
	lines = reply(v, &n);
	CU_ASSERT_EQUAL_FATAL(n, BOUND_REPLY_LINES);
	CU_ASSERT_STRING_EQUAL(lines[0], "Paragraph 0.");
	CU_ASSERT_STRING_EQUAL(lines[1], "");
	/* 31 text lines hold paragraphs 0..15 with blanks between; the
	 * cut mark goes on paragraph 15 */
	(void)snprintf(want, sizeof(want), "Paragraph %d. ...",
	    (BOUND_REPLY_LINES - 1) / 2);
	CU_ASSERT_STRING_EQUAL(lines[BOUND_REPLY_LINES - 2], want);
	CU_ASSERT_STRING_EQUAL(lines[BOUND_REPLY_LINES - 3], "");
	CU_ASSERT_STRING_EQUAL(
	    lines[BOUND_REPLY_LINES - 1], "Rule r; guideline: p");
	verdict_reply_free(lines);
	verdict_free(v);
	buf_free(&text);
}

static void
verdict_reply_cut_mark_fits_the_width(void)
{
	struct buf text;
	struct verdict *v;
	char **lines;
	const char *last;
	size_t n;
	int i;

	/* 40 lines of twelve "words" (71 columns): the 31st line has no
	 * room for " ...", so it loses its last word, never half of one */
	buf_init(&text, 100000);
	for (i = 0; i < 40 * 12; i++)
		CU_ASSERT_EQUAL(buf_puts(&text, "words "), BUF_OK);
	v = reject_with(buf_str(&text), "r", NULL);
	lines = reply(v, &n);
	CU_ASSERT_EQUAL_FATAL(n, BOUND_REPLY_LINES);
	last = lines[BOUND_REPLY_LINES - 2];
	CU_ASSERT(strlen(last) <= BOUND_REPLY_WIDTH);
	CU_ASSERT_STRING_EQUAL(last + strlen(last) - 10, " words ...");
	CU_ASSERT_EQUAL(strlen(last), 11 * 6 - 1 + 4);
	CU_ASSERT_STRING_EQUAL(lines[BOUND_REPLY_LINES - 1], "Rule r");
	verdict_reply_free(lines);
	verdict_free(v);
	buf_free(&text);
}

static void
verdict_reply_line_never_passes_500_bytes(void)
{
	char policy[601];
	struct verdict *v;
	char **lines;
	size_t n, len, i;
	int pairs = 1;

	memset(policy, '%', 600);
	policy[600] = '\0';
	v = reject_with(NULL, "r", policy);
	lines = reply(v, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	len = strlen(lines[0]);
	CU_ASSERT(len <= 500);
	CU_ASSERT(len >= 498);
	/* never half of a doubled '%' */
	for (i = strlen("Rule r; guideline: "); i < len; i++)
		if (lines[0][i] != '%')
			pairs = 0;
	CU_ASSERT(pairs);
	CU_ASSERT_EQUAL((len - strlen("Rule r; guideline: ")) % 2, 0);
	verdict_reply_free(lines);
	verdict_free(v);
}

static CU_TestInfo record_tests[] = {
    {"verdict_new_is_an_accept_with_nothing_matched",
        verdict_new_is_an_accept_with_nothing_matched},
    {"verdict_set_action_copies_and_replaces",
        verdict_set_action_copies_and_replaces},
    {"verdict_reject_and_tempfail_get_default_codes",
        verdict_reject_and_tempfail_get_default_codes},
    {"verdict_keeps_matches_headers_and_recipients_in_order",
        verdict_keeps_matches_headers_and_recipients_in_order},
    {"verdict_action_names", verdict_action_names},
    CU_TEST_INFO_NULL,
};

/* ---- findings ----------------------------------------------------------- */

/* with_findings - a reject verdict with two findings of one rule */
static struct verdict *
with_findings(void)
{
	struct verdict *v = reject_with("No.", "records", "Policy 4150");
	struct verdict_finding f;

	memset(&f, 0, sizeof(f));
	f.rule = "records";
	f.detector = "student-record";
	f.where = "body";
	f.matches = 2;
	f.students = 1;
	f.evidence = "Ava L\xe2\x80\xa6 \xe2\x80\x94 report card";
	CU_ASSERT_EQUAL(verdict_add_finding(v, &f), 0);
	f.detector = "student";
	f.where = "attachment";
	f.name = "Lindqvist Ava \"grades\".xlsx";
	f.matches = 30;
	f.students = 30;
	f.evidence = "Ava L\xe2\x80\xa6";
	CU_ASSERT_EQUAL(verdict_add_finding(v, &f), 0);
	return v;
}

static void
verdict_findings_are_copied_once_each(void)
{
	struct verdict *v = with_findings();
	const struct verdict_finding *f;
	struct verdict_finding again;
	char ev[] = "Ava L...";

	CU_ASSERT_EQUAL(verdict_finding_count(v), 2);
	f = verdict_finding(v, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	again = *f;
	/* the same finding again (a rule with two <found> of one kind) */
	CU_ASSERT_EQUAL(verdict_add_finding(v, &again), 0);
	CU_ASSERT_EQUAL(verdict_finding_count(v), 2);
	memset(&again, 0, sizeof(again));
	again.detector = "student";
	again.where = "subject";
	again.evidence = ev;
	again.matches = 1;
	CU_ASSERT_EQUAL(verdict_add_finding(v, &again), 0);
	ev[0] = 'X';
	f = verdict_finding(v, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->evidence, "Ava L...");
	CU_ASSERT_PTR_NULL(f->rule);
	CU_ASSERT_STRING_EQUAL(f->name, "");
	CU_ASSERT_PTR_NULL(verdict_finding(v, 3));
	verdict_free(v);
}

static void
verdict_log_line_names_findings_without_evidence(void)
{
	struct verdict *v = with_findings();
	struct verdict_finding f;
	struct buf b;

	/* a second hit of a kind already named in the same place */
	memset(&f, 0, sizeof(f));
	f.rule = "other";
	f.detector = "student";
	f.where = "attachment";
	f.name = "b.csv";
	f.matches = 1;
	f.evidence = "Mei T...";
	CU_ASSERT_EQUAL(verdict_add_finding(v, &f), 0);
	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(verdict_render_log(v, &b), BUF_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    buf_str(&b), " findings=student-record:body,student:attachment"));
	CU_ASSERT_PTR_NULL(strstr(buf_str(&b), "Ava"));
	CU_ASSERT_PTR_NULL(strstr(buf_str(&b), "Lindqvist"));
	CU_ASSERT_PTR_NULL(strstr(buf_str(&b), "xlsx"));
	buf_free(&b);
	verdict_free(v);
}

static void
verdict_json_and_text_show_findings(void)
{
	struct verdict *v = with_findings();
	struct buf b;

	buf_init(&b, 8192);
	CU_ASSERT_EQUAL(verdict_render_json(v, &b), BUF_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&b),
	    "\"findings\":[{\"rule\":\"records\",\"detector\":\"student-record\","
	    "\"where\":\"body\",\"name\":\"\",\"matches\":2,\"students\":1,"
	    "\"evidence\":\"Ava L\xe2\x80\xa6 \xe2\x80\x94 report card\"},"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    buf_str(&b), "\"name\":\"Lindqvist Ava \\\"grades\\\".xlsx\""));
	buf_reset(&b);
	CU_ASSERT_EQUAL(verdict_render_text(v, &b), BUF_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&b),
	    "findings:\n  student-record in body: 2 matches, 1 student "
	    "(rule records)\n      evidence: Ava L"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&b),
	    "  student in attachment \"Lindqvist Ava \"grades\".xlsx\": 30 "
	    "matches, 30 students (rule records)\n"));
	buf_free(&b);
	verdict_free(v);
}

/* rows_collect - verdict_json_rows() callback: "a|b|c;" per row */
static void
rows_collect(void *arg, struct buf *v)
{
	struct buf *out = arg;
	size_t i;

	for (i = 0; i < 3; i++)
		CU_ASSERT(
		    buf_printf(out, "%s%s", i > 0 ? "|" : "",
		        v[i].data != NULL ? buf_str(&v[i]) : "") == BUF_OK);
	CU_ASSERT(buf_putc(out, ';') == BUF_OK);
}

static void
verdict_json_rows_read_back_what_was_rendered(void)
{
	static const char *const keys[] = {"detector", "matches", "evidence"};
	struct verdict *v = with_findings();
	struct verdict_finding f;
	struct buf json, rows;

	/* escapes, a control character and a missing value */
	memset(&f, 0, sizeof(f));
	f.rule = "records";
	f.detector = "quote\"back\\slash";
	f.where = "subject";
	f.matches = 7;
	f.evidence = NULL;
	CU_ASSERT_EQUAL(verdict_add_finding(v, &f), 0);
	buf_init(&json, 16384);
	buf_init(&rows, 4096);
	CU_ASSERT_EQUAL(verdict_render_json(v, &json), BUF_OK);
	verdict_json_rows(
	    buf_str(&json), "findings", keys, 3, rows_collect, &rows);
	CU_ASSERT_STRING_EQUAL(buf_str(&rows),
	    "student-record|2|Ava L\xe2\x80\xa6 \xe2\x80\x94 report card;"
	    "student|30|Ava L\xe2\x80\xa6;"
	    "quote\"back\\slash|7|;");
	/* an array that is not there, and text that is not a verdict */
	buf_reset(&rows);
	verdict_json_rows(
	    buf_str(&json), "nothing", keys, 3, rows_collect, &rows);
	verdict_json_rows("{\"findings\":[{\"detector\":\"x", "findings", keys,
	    3, rows_collect, &rows);
	CU_ASSERT_EQUAL(rows.len, 0);
	buf_free(&json);
	buf_free(&rows);
	verdict_free(v);
}

static CU_TestInfo render_tests[] = {
    {"verdict_findings_are_copied_once_each",
        verdict_findings_are_copied_once_each},
    {"verdict_log_line_names_findings_without_evidence",
        verdict_log_line_names_findings_without_evidence},
    {"verdict_json_and_text_show_findings",
        verdict_json_and_text_show_findings},
    {"verdict_json_rows_read_back_what_was_rendered",
        verdict_json_rows_read_back_what_was_rendered},
    {"verdict_log_line_lists_what_happened",
        verdict_log_line_lists_what_happened},
    {"verdict_log_line_leaves_out_empty_keys",
        verdict_log_line_leaves_out_empty_keys},
    {"verdict_log_line_names_only_recipients_the_configuration_names",
        verdict_log_line_names_only_recipients_the_configuration_names},
    {"verdict_log_line_filters_unprintable_values",
        verdict_log_line_filters_unprintable_values},
    {"verdict_render_reports_a_full_buffer",
        verdict_render_reports_a_full_buffer},
    {"verdict_json_has_every_part", verdict_json_has_every_part},
    {"verdict_json_accept_has_nulls_and_no_reply",
        verdict_json_accept_has_nulls_and_no_reply},
    {"verdict_set_header_replaces_and_renders",
        verdict_set_header_replaces_and_renders},
    {"verdict_json_escapes_strings", verdict_json_escapes_strings},
    {"verdict_text_report_explains_the_decision",
        verdict_text_report_explains_the_decision},
    {"verdict_text_report_of_a_plain_accept",
        verdict_text_report_of_a_plain_accept},
    {"verdict_text_report_of_a_tempfail_without_text",
        verdict_text_report_of_a_tempfail_without_text},
    {"verdict_text_report_filters_unprintable_text",
        verdict_text_report_filters_unprintable_text},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo reply_tests[] = {
    {"verdict_reply_wraps_on_word_boundaries",
        verdict_reply_wraps_on_word_boundaries},
    {"verdict_reply_fills_lines_to_exactly_the_width",
        verdict_reply_fills_lines_to_exactly_the_width},
    {"verdict_reply_cuts_a_word_longer_than_the_width",
        verdict_reply_cuts_a_word_longer_than_the_width},
    {"verdict_reply_counts_characters_not_bytes",
        verdict_reply_counts_characters_not_bytes},
    {"verdict_reply_keeps_paragraphs_and_reflows_lines",
        verdict_reply_keeps_paragraphs_and_reflows_lines},
    {"verdict_reply_turns_control_bytes_into_spaces",
        verdict_reply_turns_control_bytes_into_spaces},
    {"verdict_reply_doubles_percent_signs",
        verdict_reply_doubles_percent_signs},
    {"verdict_reply_without_policy_cites_the_rule_alone",
        verdict_reply_without_policy_cites_the_rule_alone},
    {"verdict_reply_empty_text_gives_only_the_citation",
        verdict_reply_empty_text_gives_only_the_citation},
    {"verdict_reply_without_rule_or_text_is_empty",
        verdict_reply_without_rule_or_text_is_empty},
    {"verdict_reply_is_cut_to_the_line_limit_keeping_the_citation",
        verdict_reply_is_cut_to_the_line_limit_keeping_the_citation},
    {"verdict_reply_cut_mark_fits_the_width",
        verdict_reply_cut_mark_fits_the_width},
    {"verdict_reply_line_never_passes_500_bytes",
        verdict_reply_line_never_passes_500_bytes},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"verdict_record", NULL, NULL, NULL, NULL, record_tests},
    {"verdict_render", NULL, NULL, NULL, NULL, render_tests},
    {"verdict_reply", NULL, NULL, NULL, NULL, reply_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_verdict", suites);
}
