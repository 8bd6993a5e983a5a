/*
 * harness_setup_fails.c - the test harness itself: a suite whose set-up
 * fails runs none of its tests, and testutil_main() must count that as
 * a failure and exit non-zero. Listed in XFAIL_TESTS: make check fails
 * if this program ever passes.
 */
#include "autoconf.h"

#include "testutil.h"

/* setup_fails - the suite cannot be set up */
static int
setup_fails(void)
{
	return 1;
}

static void
never_runs(void)
{
	CU_PASS("a test of a suite that could not be set up ran");
}

static CU_TestInfo tests[] = {
    {"never_runs", never_runs},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"setup_fails", setup_fails, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("harness_setup_fails", suites);
}
