/*
 * test_diag.c - diagnostics collected by the loaders
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "diag.h"
#include "testutil.h"

static void
diag_new_is_empty(void)
{
	struct diag *dg = diag_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	CU_ASSERT_EQUAL(diag_warnings(dg), 0);
	CU_ASSERT_EQUAL(diag_kept(dg), 0);
	CU_ASSERT_FALSE(diag_full(dg));
	CU_ASSERT_PTR_NULL(diag_text(dg, 0));
	diag_free(dg);
	diag_free(NULL);
}

static const struct {
	const char *label;
	const char *path;
	unsigned long line, col;
	const char *want;
} location_cases[] = {
    {"line and column", "rules/x.xml", 12, 7,
        "rules/x.xml:12:7: unknown attribute \"actoin\" on <rule> "
        "(expected: id, mode, policy)"},
    {"line only", "rules/x.xml", 12, 0,
        "rules/x.xml:12: unknown attribute \"actoin\" on <rule> "
        "(expected: id, mode, policy)"},
    {"path only", "rules/x.xml", 0, 0,
        "rules/x.xml: unknown attribute \"actoin\" on <rule> "
        "(expected: id, mode, policy)"},
    {"column without line", "rules/x.xml", 0, 9,
        "rules/x.xml: unknown attribute \"actoin\" on <rule> "
        "(expected: id, mode, policy)"},
    {"no path", NULL, 0, 0,
        "unknown attribute \"actoin\" on <rule> "
        "(expected: id, mode, policy)"},
    {"no path with a line", NULL, 3, 0,
        "-:3: unknown attribute \"actoin\" on <rule> "
        "(expected: id, mode, policy)"},
};

static void
diag_error_renders_the_location_forms(void)
{
	struct diag *dg;
	size_t i;

	for (i = 0; i < sizeof(location_cases) / sizeof(location_cases[0]);
	     i++) {
		dg = diag_new();
		CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
		diag_error(dg, location_cases[i].path, location_cases[i].line,
		    location_cases[i].col,
		    "unknown attribute \"%s\" on <%s> (expected: %s)", "actoin",
		    "rule", "id, mode, policy");
		CU_ASSERT_EQUAL(diag_count(dg), 1);
		CU_ASSERT_EQUAL(diag_kept(dg), 1);
		if (strcmp(diag_text(dg, 0), location_cases[i].want) != 0) {
			fprintf(stderr, "%s: got [%s]\n",
			    location_cases[i].label, diag_text(dg, 0));
			CU_FAIL(location_cases[i].label);
		}
		CU_ASSERT_TRUE(diag_is_error(dg, 0));
		diag_free(dg);
	}
}

static void
diag_warn_is_marked_and_does_not_count_as_error(void)
{
	struct diag *dg = diag_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	diag_warn(dg, "g.xml", 4, 0, "rule \"%s\" can never match", "r1");
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	CU_ASSERT_EQUAL(diag_warnings(dg), 1);
	CU_ASSERT_EQUAL(diag_kept(dg), 1);
	CU_ASSERT_STRING_EQUAL(
	    diag_text(dg, 0), "g.xml:4: warning: rule \"r1\" can never match");
	CU_ASSERT_FALSE(diag_is_error(dg, 0));
	diag_free(dg);
}

static void
diag_keeps_errors_before_warnings_each_in_order(void)
{
	struct diag *dg = diag_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	diag_warn(dg, "a.xml", 1, 0, "w1");
	diag_error(dg, "a.xml", 2, 0, "e1");
	diag_warn(dg, "a.xml", 3, 0, "w2");
	diag_error(dg, "b.xml", 4, 0, "e2");
	CU_ASSERT_EQUAL_FATAL(diag_kept(dg), 4);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 0), "a.xml:2: e1");
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 1), "b.xml:4: e2");
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 2), "a.xml:1: warning: w1");
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 3), "a.xml:3: warning: w2");
	CU_ASSERT_TRUE(diag_is_error(dg, 1));
	CU_ASSERT_FALSE(diag_is_error(dg, 2));
	CU_ASSERT_FALSE(diag_is_error(dg, 4));
	CU_ASSERT_PTR_NULL(diag_text(dg, 4));
	diag_free(dg);
}

static void
diag_stops_keeping_errors_at_the_limit_and_says_so(void)
{
	struct diag *dg = diag_new();
	char want[64];
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	for (i = 1; i < BOUND_CONFIG_ERRORS; i++)
		diag_error(dg, "x.xml", (unsigned long)i, 0, "error %d", i);
	CU_ASSERT_FALSE(diag_full(dg));
	diag_error(dg, "x.xml", BOUND_CONFIG_ERRORS, 0, "error %d",
	    BOUND_CONFIG_ERRORS);
	CU_ASSERT_TRUE(diag_full(dg));
	CU_ASSERT_EQUAL(diag_kept(dg), BOUND_CONFIG_ERRORS);
	for (i = 0; i < 20; i++)
		diag_error(dg, "x.xml", 1000, 0, "late error");
	CU_ASSERT_EQUAL(diag_count(dg), BOUND_CONFIG_ERRORS + 20);
	CU_ASSERT_EQUAL_FATAL(diag_kept(dg), BOUND_CONFIG_ERRORS + 1);
	(void)snprintf(want, sizeof(want), "x.xml:%d: error %d",
	    BOUND_CONFIG_ERRORS, BOUND_CONFIG_ERRORS);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, BOUND_CONFIG_ERRORS - 1), want);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, BOUND_CONFIG_ERRORS),
	    "too many errors; only the first 50 are shown");
	CU_ASSERT_TRUE(diag_is_error(dg, BOUND_CONFIG_ERRORS));
	diag_free(dg);
}

static void
diag_warnings_past_the_limit_are_counted_only(void)
{
	struct diag *dg = diag_new();
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	for (i = 0; i < BOUND_CONFIG_ERRORS + 5; i++)
		diag_warn(dg, "w.xml", 1, 0, "warning %d", i);
	CU_ASSERT_EQUAL(diag_warnings(dg), BOUND_CONFIG_ERRORS + 5);
	CU_ASSERT_EQUAL(diag_kept(dg), BOUND_CONFIG_ERRORS);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	CU_ASSERT_FALSE(diag_full(dg));
	diag_free(dg);
}

static void
diag_escapes_control_bytes_in_path_and_text(void)
{
	struct diag *dg = diag_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	diag_error(
	    dg, "evil\nname.xml", 2, 0, "unknown element <%s>", "a\r\nb\x1b");
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 0),
	    "evil\\x0aname.xml:2: unknown element <a\\x0d\\x0ab\\x1b>");
	diag_free(dg);
}

static void
diag_cuts_overlong_text_with_an_ellipsis(void)
{
	struct diag *dg = diag_new();
	char *big;
	const char *t;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	big = malloc(3 * BOUND_DIAG_TEXT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'z', 3 * BOUND_DIAG_TEXT - 1);
	big[3 * BOUND_DIAG_TEXT - 1] = '\0';
	diag_error(dg, "f.xml", 1, 0, "bad value \"%s\"", big);
	t = diag_text(dg, 0);
	len = strlen(t);
	CU_ASSERT_EQUAL(strncmp(t, "f.xml:1: bad value \"zzz", 23), 0);
	CU_ASSERT_EQUAL(strcmp(t + len - 4, "z..."), 0);
	CU_ASSERT_EQUAL(len, strlen("f.xml:1: ") + BOUND_DIAG_TEXT - 1);
	free(big);
	diag_free(dg);
}

static void
diag_cuts_text_that_grows_when_escaped(void)
{
	struct diag *dg = diag_new();
	char ctl[BOUND_DIAG_TEXT / 2];
	const char *t;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	memset(ctl, '\t', sizeof(ctl) - 1);
	ctl[sizeof(ctl) - 1] = '\0';
	diag_error(dg, NULL, 0, 0, "%s", ctl);
	t = diag_text(dg, 0);
	len = strlen(t);
	CU_ASSERT(len < BOUND_DIAG_TEXT);
	CU_ASSERT_EQUAL(strcmp(t + len - 7, "\\x09..."), 0);
	CU_ASSERT_EQUAL(strncmp(t, "\\x09\\x09", 8), 0);
	diag_free(dg);
}

static void
diag_print_writes_one_line_per_entry(void)
{
	struct diag *dg = diag_new();
	char out[256];
	FILE *fp;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	diag_error(dg, "rules/x.xml", 30, 0,
	    "duplicate rule id \"%s\" (first defined at %s:%d)", "foo",
	    "rules/y.xml", 4);
	diag_warn(dg, "rules/x.xml", 31, 0, "empty <description>");
	fp = tmpfile();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	diag_print(dg, fp);
	rewind(fp);
	n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	CU_ASSERT_STRING_EQUAL(out,
	    "rules/x.xml:30: duplicate rule id \"foo\" (first defined at "
	    "rules/y.xml:4)\n"
	    "rules/x.xml:31: warning: empty <description>\n");
	fclose(fp);
	diag_free(dg);
}

static void
diag_accepts_a_null_collection(void)
{
	diag_error(NULL, "x", 1, 1, "ignored");
	diag_warn(NULL, "x", 1, 1, "ignored");
	CU_ASSERT_EQUAL(diag_count(NULL), 0);
	CU_ASSERT_EQUAL(diag_kept(NULL), 0);
	CU_ASSERT_FALSE(diag_full(NULL));
	CU_ASSERT_PTR_NULL(diag_text(NULL, 0));
}

static CU_TestInfo diag_tests[] = {
    {"diag_new_is_empty", diag_new_is_empty},
    {"diag_error_renders_the_location_forms",
        diag_error_renders_the_location_forms},
    {"diag_warn_is_marked_and_does_not_count_as_error",
        diag_warn_is_marked_and_does_not_count_as_error},
    {"diag_keeps_errors_before_warnings_each_in_order",
        diag_keeps_errors_before_warnings_each_in_order},
    {"diag_stops_keeping_errors_at_the_limit_and_says_so",
        diag_stops_keeping_errors_at_the_limit_and_says_so},
    {"diag_warnings_past_the_limit_are_counted_only",
        diag_warnings_past_the_limit_are_counted_only},
    {"diag_escapes_control_bytes_in_path_and_text",
        diag_escapes_control_bytes_in_path_and_text},
    {"diag_cuts_overlong_text_with_an_ellipsis",
        diag_cuts_overlong_text_with_an_ellipsis},
    {"diag_cuts_text_that_grows_when_escaped",
        diag_cuts_text_that_grows_when_escaped},
    {"diag_print_writes_one_line_per_entry",
        diag_print_writes_one_line_per_entry},
    {"diag_accepts_a_null_collection", diag_accepts_a_null_collection},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"diag", NULL, NULL, NULL, NULL, diag_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_diag", suites);
}
