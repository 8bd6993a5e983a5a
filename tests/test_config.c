/*
 * test_config.c - loading configuration and rule files: settings,
 * includes, and the full text of every diagnostic a broken file gives
 */
#include "autoconf.h"

#include <libxml/xmlmemory.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "config.h"
#include "diag.h"
#include "rules.h"
#include "testutil.h"
#include "xnode.h"

/* load_all - what the snapshot does: load, compile, then the schema.
 * Returns 0 if everything loaded. */
static int
load_all(
    const char *path, struct diag *dg, struct config **cfgp, struct rules **rsp)
{
	struct config *cfg = NULL;
	struct rules *rs = NULL;
	int rc = -1;

	if (config_load(&cfg, path, dg) == 0 &&
	    rules_compile(&rs, cfg, dg) == 0 && config_validate(cfg, dg) == 0)
		rc = 0;
	if (rc == 0 && cfgp != NULL && rsp != NULL) {
		*cfgp = cfg;
		*rsp = rs;
		return 0;
	}
	rules_free(rs);
	config_free(cfg);
	return rc;
}

/* data_dir - the directory of the config test files, with a slash */
static const char *
data_dir(void)
{
	static char dir[4096];

	(void)snprintf(dir, sizeof(dir), "%s", testutil_data("config/"));
	return dir;
}

static void
config_loads_full_settings_and_includes_in_order(void)
{
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;
	static const char *const ids[] = {
	    "first", "middle-1", "middle-2", "last"};
	size_t i;

	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_EQUAL_FATAL(
	    load_all(testutil_data("config/good-full.xml"), dg, &cfg, &rs), 0);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	CU_ASSERT_EQUAL(config_monitor(cfg), 1);
	CU_ASSERT_EQUAL(config_on_error(cfg), CONFIG_ON_ERROR_ACCEPT);
	CU_ASSERT_STRING_EQUAL(config_socket(cfg), "unix:/run/gm.sock");
	CU_ASSERT_STRING_EQUAL(config_spool_dir(cfg), "/var/tmp/gm");
	CU_ASSERT_STRING_EQUAL(config_compliance_address(cfg) != NULL ?
	        config_compliance_address(cfg) :
	        "(none)",
	    "compliance@district.example");
	CU_ASSERT_EQUAL(config_file_count(cfg), 3);
	CU_ASSERT_EQUAL_FATAL(config_rule_count(cfg), 4);
	CU_ASSERT_EQUAL(rules_count(rs), 4);
	for (i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(
		    xnode_attr(config_rule(cfg, i), "id"), ids[i]);
	CU_ASSERT(
	    strstr(xnode_file(config_rule(cfg, 2)), "sub/deeper.xml") != NULL);
	CU_ASSERT_EQUAL(xnode_line(config_rule(cfg, 2)), 3);
	rules_free(rs);
	config_free(cfg);
	diag_free(dg);
}

static void
config_minimal_file_gets_defaults(void)
{
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;

	CU_ASSERT_EQUAL_FATAL(
	    load_all(testutil_data("config/good-minimal.xml"), dg, &cfg, &rs),
	    0);
	CU_ASSERT_EQUAL(config_monitor(cfg), 0);
	CU_ASSERT_EQUAL(config_on_error(cfg), CONFIG_ON_ERROR_TEMPFAIL);
	CU_ASSERT_PTR_NULL(config_socket(cfg));
	CU_ASSERT_PTR_NULL(config_compliance_address(cfg));
	CU_ASSERT_STRING_EQUAL(
	    config_spool_dir(cfg), LOCALSTATEDIR "/spool/guardian-milter");
	CU_ASSERT_EQUAL(rules_count(rs), 0);
	rules_free(rs);
	config_free(cfg);
	diag_free(dg);
}

static void
config_quarantine_settings_and_their_defaults(void)
{
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;
	const struct config_quarantine *q;

	CU_ASSERT_EQUAL_FATAL(
	    load_all(
	        testutil_data("config/good-quarantine.xml"), dg, &cfg, &rs),
	    0);
	q = config_quarantine(cfg);
	CU_ASSERT_STRING_EQUAL(q->dir, "/var/tmp/gm/quarantine");
	CU_ASSERT_STRING_EQUAL(q->reviewer_group, "compliance");
	CU_ASSERT_EQUAL(q->retention_days, 30);
	CU_ASSERT_EQUAL(q->hold, 1);
	CU_ASSERT_STRING_EQUAL(q->sendmail[0], "/usr/sbin/sendmail");
	CU_ASSERT_STRING_EQUAL(q->sendmail[1], "-C");
	CU_ASSERT_STRING_EQUAL(q->sendmail[2], "/etc/postfix-out");
	CU_ASSERT_PTR_NULL(q->sendmail[3]);
	CU_ASSERT_EQUAL(q->notices, 1);
	CU_ASSERT_EQUAL(q->alert, 1);
	CU_ASSERT_STRING_EQUAL(q->contact, "the compliance office");
	CU_ASSERT_STRING_EQUAL(
	    q->notice_template, "Held as ${id} under ${rule}.");
	rules_free(rs);
	config_free(cfg);
	rs = NULL;
	CU_ASSERT_EQUAL_FATAL(
	    load_all(testutil_data("config/good-minimal.xml"), dg, &cfg, &rs),
	    0);
	q = config_quarantine(cfg);
	CU_ASSERT_STRING_EQUAL(
	    q->dir, LOCALSTATEDIR "/spool/guardian-milter/quarantine");
	CU_ASSERT_PTR_NULL(q->reviewer_group);
	CU_ASSERT_EQUAL(q->retention_days, 90);
	CU_ASSERT_EQUAL(q->hold, 0);
	CU_ASSERT_STRING_EQUAL(q->sendmail[0], "/usr/sbin/sendmail");
	CU_ASSERT_PTR_NULL(q->sendmail[1]);
	CU_ASSERT_EQUAL(q->notices, 0);
	CU_ASSERT_EQUAL(q->alert, 0);
	CU_ASSERT_PTR_NULL(q->notice_template);
	rules_free(rs);
	config_free(cfg);
	diag_free(dg);
}

static void
config_shipped_policy_loads_cleanly(void)
{
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;
	char path[4096];
	const char *top = getenv("top_srcdir");

	(void)snprintf(path, sizeof(path), "%s/rules/guardian-milter.xml",
	    top != NULL ? top : ".");
	CU_ASSERT_EQUAL(load_all(path, dg, &cfg, &rs), 0);
	if (diag_count(dg) > 0)
		diag_print(dg, stdout);
	CU_ASSERT(rs != NULL && rules_count(rs) >= 5);
	rules_free(rs);
	config_free(cfg);
	diag_free(dg);
}

/*
 * Broken files: each gives exactly these lines ("{D}" stands for the test
 * data directory), and loads nothing.
 */
static const struct {
	const char *file;
	const char *want[8];
} broken[] = {
    {"bad-syntax.xml",
        {"{D}bad-syntax.xml:5:19: Opening and ending tag mismatch: rule line 3 "
         "and guardian-milter",
            "{D}bad-syntax.xml:6:1: Premature end of data in tag "
            "guardian-milter line 2"}},
    {"bad-unknown-attr.xml",
        {"{D}bad-unknown-attr.xml:4: unknown attribute \"actoin\" on <rule> "
         "(expected: id, mode, policy)"}},
    {"bad-unknown-condition.xml",
        {"{D}bad-unknown-condition.xml:5: unknown condition <sendr> "
         "(expected: all, any, not, sender, recipient, header, body, "
         "authenticated, size, recipients, macro, client, "
         "limit-exceeded, found, attachment)"}},
    {"bad-client.xml",
        {"{D}bad-client.xml:5: invalid network \"10.0.0.0/33\" on <client> "
         "(expected an IPv4 or IPv6 address, with an optional /prefix)",
            "{D}bad-client.xml:5: invalid network \"district\" on <client> "
            "(expected an IPv4 or IPv6 address, with an optional /prefix)"}},
    {"bad-attachment.xml",
        {"{D}bad-attachment.xml:5: empty name on <attachment>",
            "{D}bad-attachment.xml:5: invalid number \"lots\" for "
            "size-over on <attachment> (expected digits, optionally "
            "followed by K, M or G)",
            "{D}bad-attachment.xml:10: unknown kind \"movie\" on "
            "<attachment> (expected: text, html, spreadsheet, document, "
            "presentation, pdf, archive, image, other)"}},
    {"bad-body.xml",
        {"{D}bad-body.xml:5: invalid regex \"report (card\" in <body>: "
         "missing closing parenthesis at offset 12",
            "{D}bad-body.xml:11: <body> needs a regex attribute",
            "{D}bad-body.xml:12: unknown limit \"mime-size\" on "
            "<limit-exceeded> (expected: address, recipients, header-size, "
            "header-count, headers-total, body-size, macro, mime-depth, "
            "mime-parts, mime-bytes, mime-undecodable, mime-malformed, "
            "mime-encrypted, mime-unread, mime-time)"}},
    {"bad-unknown-action.xml",
        {"{D}bad-unknown-action.xml:5: unknown action <bounce> (expected: "
         "accept, reject, tempfail, quarantine, add-header, add-guardians, "
         "add-recipient, stop)"}},
    {"bad-regex.xml",
        {"{D}bad-regex.xml:5: invalid regex \"a(b\" in <header>: missing "
         "closing parenthesis at offset 3"}},
    {"bad-duplicate-id.xml",
        {"{D}bad-duplicate-id.xml:5: duplicate rule id \"same\" (first "
         "defined at {D}bad-duplicate-id.xml:3)"}},
    {"bad-include.xml",
        {"{D}bad-include.xml:3: cannot read include \"missing.xml\": No such "
         "file or directory"}},
    {"bad-include-cycle.xml",
        {"{D}cycle-rules.xml:3: include \"cycle-rules.xml\" includes itself"}},
    {"bad-setting.xml",
        {"{D}bad-setting.xml:4: invalid value \"enforcing\" for <mode> "
         "(expected: enforce, monitor)",
            "{D}bad-setting.xml:5: <spool-dir> must be an absolute path, not "
            "\"spool\"",
            "{D}bad-setting.xml:6: unknown element <colour> in <settings> "
            "(expected: mode, on-error, socket, spool-dir, "
            "compliance-address, quarantine)"}},
    {"bad-quarantine.xml",
        {"{D}bad-quarantine.xml:5: <dir> of <quarantine> must be an "
         "absolute path, not \"quarantine\"",
            "{D}bad-quarantine.xml:6: invalid value \"park\" for <mode> "
            "(expected: discard, hold)",
            "{D}bad-quarantine.xml:7: unknown element <retention> in "
            "<quarantine> (expected: dir, reviewer-group, retention-days, "
            "mode, sendmail, notices, alert, contact, notice-template, review)",
            "{D}bad-quarantine.xml:8: <sendmail> must start with an "
            "absolute path, not \"sendmail -t\""}},
    {"bad-empty-spool-dir.xml",
        {"{D}bad-empty-spool-dir.xml:4: <spool-dir> is empty"}},
    {"bad-compliance-address.xml",
        {"{D}bad-compliance-address.xml:4: <compliance-address> "
         "\"Compliance <compliance@district.example>\" is not a plain "
         "address (expected name@domain, without quotes, routing or angle "
         "brackets)"}},
    {"bad-add-recipient.xml",
        {"{D}bad-add-recipient.xml:5: <add-recipient> address "
         "\"review%office@district.example\" is not a plain address "
         "(expected name@domain, without quotes, routing or angle "
         "brackets)",
            "{D}bad-add-recipient.xml:6: <add-recipient> takes address or "
            "mailbox, not both",
            "{D}bad-add-recipient.xml:7: <add-recipient> needs address or "
            "mailbox",
            "{D}bad-add-recipient.xml:8: invalid value \"auditor\" for "
            "mailbox on <add-recipient> (expected: compliance)",
            "{D}bad-add-recipient.xml:11: rule \"alert\" adds the "
            "compliance mailbox, but <settings> has no <compliance-address> "
            "(and the roster names no district domain for a postmaster "
            "fallback)"}},
    {"bad-socket.xml",
        {"{D}bad-socket.xml:4: invalid socket \"inet:99999@127.0.0.1\": the "
         "port must be a number from 1 to 65535 (inet:PORT@HOST)"}},
    {"bad-code.xml",
        {"{D}bad-code.xml:5: invalid code \"450\" on <reject> (expected 5xx, "
         "e.g. 550)",
            "{D}bad-code.xml:5: invalid status \"4.7.1\" on <reject> (expected "
            "5.x.x, e.g. 5.7.1)"}},
    {"bad-no-then.xml",
        {"{D}bad-no-then.xml:3: rule \"a\" has no <then> (what should it "
         "do?)"}},
    {"bad-doctype.xml",
        {"{D}bad-doctype.xml:2: a DOCTYPE is not allowed in configuration "
         "files"}},
    {"bad-root.xml",
        {"{D}bad-root.xml:2: root element is <rules>, expected "
         "<guardian-milter>"}},
    {"bad-version.xml",
        {"{D}bad-version.xml:2: <guardian-milter> needs version=\"1\""}},
    {"bad-many.xml",
        {"{D}bad-many.xml:3: invalid rule id \"bad id!\" (use letters, "
         "digits, '.', '_' and '-', at most 128)",
            "{D}bad-many.xml:5: invalid number \"10X\" for over on <size> "
            "(expected digits, optionally followed by K, M or G)",
            "{D}bad-many.xml:6: <not> takes exactly one condition (wrap several "
            "in <all> or <any>)",
            "{D}bad-many.xml:10: invalid value \"some\" for match on "
            "<recipient> (expected: any, all)",
            "{D}bad-many.xml:13: invalid status \"5.7\" on <reject> (expected "
            "5.x.x, e.g. 5.7.1)",
            "{D}bad-many.xml:14: <add-header> needs a name of printable "
            "characters without ':' or spaces, got \"Bad Name\"",
            "{D}bad-many.xml:14: <add-header> can never run: it follows an "
            "action that ends evaluation"}},
    {"bad-unreachable.xml",
        {"{D}bad-unreachable.xml:6: <add-header> can never run: it follows "
         "an action that ends evaluation"}},
    {"bad-schema-only.xml",
        {"{D}bad-schema-only.xml:4: schema: Element accept has extra "
         "content: text"}},
};

/* expand - replace "{D}" in want by the data directory */
static const char *
expand(const char *want)
{
	static char out[8192];
	const char *dir = data_dir();
	size_t o = 0;

	for (; *want != '\0' && o + strlen(dir) + 2 < sizeof(out); want++) {
		if (strncmp(want, "{D}", 3) == 0) {
			memcpy(out + o, dir, strlen(dir));
			o += strlen(dir);
			want += 2;
		} else {
			out[o++] = *want;
		}
	}
	out[o] = '\0';
	return out;
}

static void
config_broken_files_report_every_problem_with_file_and_line(void)
{
	size_t i, j, nwant;
	char path[4096];

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		struct diag *dg = diag_new();

		CU_ASSERT_FATAL(dg != NULL);
		(void)snprintf(
		    path, sizeof(path), "%s%s", data_dir(), broken[i].file);
		CU_ASSERT_EQUAL(load_all(path, dg, NULL, NULL), -1);
		for (nwant = 0; broken[i].want[nwant] != NULL; nwant++)
			continue;
		if (diag_kept(dg) != nwant) {
			printf("\n%s: want %zu diagnostics, got:\n",
			    broken[i].file, nwant);
			diag_print(dg, stdout);
		}
		CU_ASSERT_EQUAL(diag_kept(dg), nwant);
		for (j = 0; j < nwant && j < diag_kept(dg); j++) {
			const char *want = expand(broken[i].want[j]);

			if (strcmp(diag_text(dg, j), want) != 0)
				printf("\nwant: %s\ngot:  %s\n", want,
				    diag_text(dg, j));
			CU_ASSERT_STRING_EQUAL(diag_text(dg, j), want);
		}
		diag_free(dg);
	}
}

static void
config_unreadable_main_file_says_why(void)
{
	struct diag *dg = diag_new();
	struct config *cfg = NULL;

	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/gm.xml", dg), -1);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_EQUAL_FATAL(diag_kept(dg), 1);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 0),
	    "/nonexistent/gm.xml: cannot read: No such file or directory");
	diag_free(dg);
}

static void
config_stops_collecting_after_the_error_limit(void)
{
	const char *dir = testutil_tmpdir();
	char text[65536];
	size_t o, i;
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	struct rules *rs = NULL;

	o = (size_t)snprintf(
	    text, sizeof(text), "<guardian-milter version=\"1\">\n");
	for (i = 0; i < 80; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "<rule id=\"r%zu\" bogus=\"1\"><then><stop/></then>"
		    "</rule>\n",
		    i);
	(void)snprintf(text + o, sizeof(text) - o, "</guardian-milter>\n");
	CU_ASSERT_FATAL(dir != NULL);
	CU_ASSERT_EQUAL(
	    config_load(&cfg, testutil_write(dir, "many.xml", text), dg), 0);
	CU_ASSERT_EQUAL(rules_compile(&rs, cfg, dg), -1);
	CU_ASSERT(diag_full(dg));
	CU_ASSERT(diag_count(dg) >= 50);
	CU_ASSERT(diag_kept(dg) <= 51);
	config_free(cfg);
	diag_free(dg);
}

/*
 * Out of memory inside libxml2. The test's allocators let libxml2's
 * fail_at-th allocation (counting from arming) fail, and every later one
 * succeed: a lost validation context, a lost error message, an internal
 * error of the validator. None of them may turn a file the schema
 * refuses into one that loads.
 */
static unsigned long xml_allocs, xml_fail_at, xml_failed;

static int
xml_should_fail(void)
{
	return xml_fail_at != 0 && ++xml_allocs == xml_fail_at &&
	    ++xml_failed > 0;
}

static void *
xml_malloc(size_t n)
{
	return xml_should_fail() ? NULL : malloc(n);
}

static void *
xml_realloc(void *p, size_t n)
{
	return xml_should_fail() ? NULL : realloc(p, n);
}

static char *
xml_strdup(const char *s)
{
	return xml_should_fail() ? NULL : strdup(s);
}

/* load_failing - in a child process, load path with libxml2's n-th
 * allocation failing: 10 if it loaded, 11 if refused, 12 if the load ran
 * without reaching allocation n, anything else if libxml2 crashed */
static int
load_failing(const char *path, unsigned long n)
{
	struct diag *dg;
	pid_t pid;
	int st, r;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((dg = diag_new()) == NULL)
			_exit(13);
		xml_allocs = 0;
		xml_failed = 0;
		xml_fail_at = n;
		r = load_all(path, dg, NULL, NULL);
		diag_free(dg);
		_exit(xml_failed == 0 ? 12 : r == 0 ? 10 : 11);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
config_schema_never_passes_a_bad_file_when_libxml2_runs_out_of_memory(void)
{
	const char *path = testutil_data("config/bad-schema-only.xml");
	unsigned long n, refused = 0, other = 0;
	struct diag *dg;
	int r = -1, loaded = 0;

	/* config_load() keeps the parsed schema: parse it now, without
	 * failures (the daemon parses it at start-up) */
	dg = diag_new();
	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_EQUAL(load_all(path, dg, NULL, NULL), -1);
	diag_free(dg);
	/* Under valgrind every child would be a whole valgrind run, and
	 * libxml2 leaks on some of its own out-of-memory paths: the loop
	 * runs in the plain, ASan and TSan passes */
#ifdef RUNNING_ON_VALGRIND
	if (RUNNING_ON_VALGRIND) {
		printf("the out-of-memory loop is left to the runs without "
		       "valgrind\n");
		return;
	}
#endif
	for (n = 1; n < 20000; n++) {
		if ((r = load_failing(path, n)) == 12)
			break; /* the whole load ran without a failure */
		if (r == 10) {
			printf(
			    "allocation %lu failing made the file load\n", n);
			loaded++;
		} else if (r == 11)
			refused++;
		else
			other++; /* libxml2 2.9 itself crashes on some */
	}
	printf("%lu loads with one allocation failing: %lu refused the "
	       "file, %d loaded it, %lu ended otherwise\n",
	    n - 1, refused, loaded, other);
	CU_ASSERT_EQUAL(r, 12);
	CU_ASSERT(refused > 10);
	CU_ASSERT_EQUAL(loaded, 0);
}

static CU_TestInfo tests[] = {
    {"config_schema_never_passes_a_bad_file_when_libxml2_runs_out_of_memory",
        config_schema_never_passes_a_bad_file_when_libxml2_runs_out_of_memory},
    {"config_loads_full_settings_and_includes_in_order",
        config_loads_full_settings_and_includes_in_order},
    {"config_quarantine_settings_and_their_defaults",
        config_quarantine_settings_and_their_defaults},
    {"config_minimal_file_gets_defaults", config_minimal_file_gets_defaults},
    {"config_shipped_policy_loads_cleanly",
        config_shipped_policy_loads_cleanly},
    {"config_broken_files_report_every_problem_with_file_and_line",
        config_broken_files_report_every_problem_with_file_and_line},
    {"config_unreadable_main_file_says_why",
        config_unreadable_main_file_says_why},
    {"config_stops_collecting_after_the_error_limit",
        config_stops_collecting_after_the_error_limit},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"config", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	/* before libxml2 allocates anything */
	if (xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup) != 0)
		return 99;
	return testutil_main("test_config", suites);
}
