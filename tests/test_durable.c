/*
 * test_durable.c - the durable write: the content replaced whole, no
 * temporary file left behind, the old content kept when it fails
 */
#include "autoconf.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "durable.h"
#include "testutil.h"

/* slurp - the content of path into buf (size > 0), "" if unreadable */
static const char *
slurp(char *buf, size_t size, const char *path)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	if (fp != NULL) {
		n = fread(buf, 1, size - 1, fp);
		(void)fclose(fp);
	}
	buf[n] = '\0';
	return buf;
}

static void
durable_replace_swaps_the_content_whole(void)
{
	char path[4096], tmp[4200], got[64];
	struct stat st;

	(void)snprintf(path, sizeof(path), "%s/state", testutil_tmpdir());
	(void)snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CU_ASSERT_EQUAL(durable_replace(path, "first\n", 6, 0640), 0);
	CU_ASSERT_STRING_EQUAL(slurp(got, sizeof(got), path), "first\n");
	/* a temporary file left by a crash does not stop the next write */
	testutil_write(testutil_tmpdir(), "state.tmp", "half a fi");
	CU_ASSERT_EQUAL(durable_replace(path, "second\n", 7, 0640), 0);
	CU_ASSERT_STRING_EQUAL(slurp(got, sizeof(got), path), "second\n");
	CU_ASSERT_EQUAL(access(tmp, F_OK), -1);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
}

static void
durable_replace_failing_keeps_the_old_content(void)
{
	char dir[4096], path[4200], got[64];

	/* a directory that is not there, or cannot be written */
	(void)snprintf(dir, sizeof(dir), "%s", testutil_tmpdir());
	(void)snprintf(path, sizeof(path), "%s/kept", dir);
	CU_ASSERT_EQUAL(durable_replace(path, "old\n", 4, 0600), 0);
	CU_ASSERT_EQUAL(
	    durable_replace("/nonexistent/dir/state", "x", 1, 0600), -1);
	(void)snprintf(path, sizeof(path), "%s/ro", dir);
	CU_ASSERT_EQUAL(mkdir(path, 0500), 0);
	(void)snprintf(path, sizeof(path), "%s/ro/state", dir);
	if (geteuid() != 0) /* root writes anywhere */
		CU_ASSERT_EQUAL(durable_replace(path, "x", 1, 0600), -1);
	(void)snprintf(path, sizeof(path), "%s/kept", dir);
	CU_ASSERT_STRING_EQUAL(slurp(got, sizeof(got), path), "old\n");
}

static void
durable_write_all_writes_everything(void)
{
	char path[4096], got[64];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/all", testutil_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd != -1);
	CU_ASSERT_EQUAL(durable_write_all(fd, "abc", 3), 0);
	CU_ASSERT_EQUAL(durable_write_all(fd, "", 0), 0);
	CU_ASSERT_EQUAL(close(fd), 0);
	CU_ASSERT_STRING_EQUAL(slurp(got, sizeof(got), path), "abc");
	CU_ASSERT_EQUAL(durable_write_all(-1, "abc", 3), -1);
}

static CU_TestInfo tests[] = {
    {"durable_replace_swaps_the_content_whole",
        durable_replace_swaps_the_content_whole},
    {"durable_replace_failing_keeps_the_old_content",
        durable_replace_failing_keeps_the_old_content},
    {"durable_write_all_writes_everything",
        durable_write_all_writes_everything},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"durable", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_durable", suites);
}
