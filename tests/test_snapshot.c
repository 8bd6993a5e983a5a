/* test_snapshot.c - being written */
#include "config.h"
#include "testutil.h"
static CU_SuiteInfo suites[] = { CU_SUITE_INFO_NULL };
int main(void) { return testutil_main("test_snapshot", suites); }
