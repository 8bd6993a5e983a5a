/*
 * test_regex.c - the PCRE2 wrapper: compile errors with their column,
 * case folding, invalid UTF-8 subjects, and the backtracking limit
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"
#include "testutil.h"

static void
regex_compile_error_gives_message_and_column(void)
{
	struct regex *re = NULL;
	char err[256];
	size_t col = 99;

	CU_ASSERT_EQUAL(
	    regex_compile(&re, "ab[c", 0, err, sizeof(err), &col), -1);
	CU_ASSERT_PTR_NULL(re);
	CU_ASSERT_STRING_EQUAL(
	    err, "missing terminating ] for character class");
	CU_ASSERT_EQUAL(col, 5);
}

static void
regex_caseless_flag_folds_case(void)
{
	struct regex *re = NULL, *cs = NULL;
	struct regex_scratch *rs = regex_scratch_new();
	char err[256];
	size_t col;

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL_FATAL(regex_compile(&re, "report card", REGEX_CASELESS,
	                          err, sizeof(err), &col),
	    0);
	CU_ASSERT_EQUAL_FATAL(
	    regex_compile(&cs, "report card", 0, err, sizeof(err), &col), 0);
	CU_ASSERT_STRING_EQUAL(regex_pattern(re), "report card");
	CU_ASSERT_EQUAL(regex_match(re, rs, "Your REPORT Card", 16), 1);
	CU_ASSERT_EQUAL(regex_match(cs, rs, "Your REPORT Card", 16), 0);
	CU_ASSERT_EQUAL(regex_match(cs, rs, "a report card", 13), 1);
	regex_free(re);
	regex_free(cs);
	regex_scratch_free(rs);
}

static void
regex_matches_only_within_the_given_length(void)
{
	struct regex *re = NULL;
	struct regex_scratch *rs = regex_scratch_new();
	char err[256];
	size_t col;

	CU_ASSERT_EQUAL_FATAL(
	    regex_compile(&re, "secret$", 0, err, sizeof(err), &col), 0);
	CU_ASSERT_EQUAL(regex_match(re, rs, "secret plans", 6), 1);
	CU_ASSERT_EQUAL(regex_match(re, rs, "secret plans", 12), 0);
	regex_free(re);
	regex_scratch_free(rs);
}

static void
regex_tolerates_invalid_utf8_subjects(void)
{
	struct regex *re = NULL;
	struct regex_scratch *rs = regex_scratch_new();
	char err[256];
	size_t col;
	static const char junk[] = "caf\xc3\x28 \xff\xfe grades \x80";

	CU_ASSERT_EQUAL_FATAL(regex_compile(&re, "\\bgrades\\b", REGEX_CASELESS,
	                          err, sizeof(err), &col),
	    0);
	CU_ASSERT_EQUAL(regex_match(re, rs, junk, sizeof(junk) - 1), 1);
	CU_ASSERT_EQUAL(regex_match(re, rs, "\xff\xfe\xfd", 3), 0);
	regex_free(re);
	regex_scratch_free(rs);
}

static void
regex_catastrophic_backtracking_is_cut_off(void)
{
	struct regex *re = NULL;
	struct regex_scratch *rs = regex_scratch_new();
	char err[256];
	size_t col;
	char subject[64];

	memset(subject, 'a', sizeof(subject) - 2);
	subject[sizeof(subject) - 2] = '!';
	subject[sizeof(subject) - 1] = '\0';
	CU_ASSERT_EQUAL_FATAL(
	    regex_compile(&re, "^(a+)+$", 0, err, sizeof(err), &col), 0);
	/* 2^62 paths: without the match limit this would not finish. */
	errno = 0;
	CU_ASSERT_EQUAL(regex_match(re, rs, subject, strlen(subject)), -1);
	CU_ASSERT_EQUAL(errno, ERANGE);
	regex_free(re);
	regex_scratch_free(rs);
}

static void
regex_free_accepts_null(void)
{
	regex_free(NULL);
	regex_scratch_free(NULL);
	CU_PASS("NULL is accepted");
}

static CU_TestInfo tests[] = {
    {"regex_compile_error_gives_message_and_column",
        regex_compile_error_gives_message_and_column},
    {"regex_caseless_flag_folds_case", regex_caseless_flag_folds_case},
    {"regex_matches_only_within_the_given_length",
        regex_matches_only_within_the_given_length},
    {"regex_tolerates_invalid_utf8_subjects",
        regex_tolerates_invalid_utf8_subjects},
    {"regex_catastrophic_backtracking_is_cut_off",
        regex_catastrophic_backtracking_is_cut_off},
    {"regex_free_accepts_null", regex_free_accepts_null},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"regex", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_regex", suites);
}
