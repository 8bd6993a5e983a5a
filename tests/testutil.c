/*
 * testutil.c - shared helpers for the CUnit test programs
 */
#include "autoconf.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "message.h"
#include "testutil.h"

static char tmpdir[PATH_MAX];
static struct buf captured;
static int capturing;

/* rm_entry - nftw callback removing one entry */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* cleanup - remove the temporary directory and captured log at exit */
static void
cleanup(void)
{
	if (tmpdir[0] != '\0')
		(void)nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	buf_free(&captured);
}

int
testutil_main(const char *name, CU_SuiteInfo *suites)
{
	unsigned passed, failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "%s: %s\n", name, CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	atexit(cleanup);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_tests_failed();
	passed = CU_get_number_of_tests_run() - failed;
	/* A suite whose set-up or clean-up failed runs none of its tests
	 * (or leaves state behind): each counts as a failure, and so does
	 * a program that ran no test at all. */
	failed += CU_get_number_of_suites_failed();
	if (CU_get_number_of_tests_run() == 0) {
		fprintf(stderr, "%s: no test ran\n", name);
		failed++;
	}
	printf("\n%s: %u passed, %u failed\n", name, passed, failed);
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}

const char *
testutil_data(const char *rel)
{
	static char path[PATH_MAX];
	const char *top = getenv("top_srcdir");

	if (top == NULL || *top == '\0')
		top = ".";
	if ((size_t)snprintf(path, sizeof(path), "%s/tests/data/%s", top,
	        rel) >= sizeof(path))
		return "";
	return path;
}

const char *
testutil_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	if (tmpdir[0] != '\0')
		return tmpdir;
	if (t == NULL || *t == '\0')
		t = "/tmp";
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/gm-test-XXXXXX", t) >=
	        sizeof(tmpdir) ||
	    mkdtemp(tmpdir) == NULL) {
		tmpdir[0] = '\0';
		return NULL;
	}
	return tmpdir;
}

const char *
testutil_write(const char *dir, const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *fp;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		CU_FAIL("path too long");
		return "";
	}
	if ((fp = fopen(path, "w")) == NULL) {
		CU_FAIL("cannot create test file");
		return path;
	}
	if (fputs(text, fp) == EOF)
		CU_FAIL("cannot write test file");
	if (fclose(fp) != 0)
		CU_FAIL("cannot close test file");
	return path;
}

struct message *
testutil_message(const char *sender, const char *rcpts, const char *headers,
    const char *auth)
{
	struct message *msg = message_new(testutil_tmpdir());
	char *copy, *tok, *save = NULL, *colon;

	if (msg == NULL)
		return NULL;
	(void)message_set_sender(msg, sender != NULL ? sender : "");
	if (rcpts != NULL && (copy = strdup(rcpts)) != NULL) {
		for (tok = strtok_r(copy, " ", &save); tok != NULL;
		     tok = strtok_r(NULL, " ", &save))
			(void)message_add_rcpt(msg, tok);
		free(copy);
	}
	if (headers != NULL && (copy = strdup(headers)) != NULL) {
		for (tok = strtok_r(copy, "\n", &save); tok != NULL;
		     tok = strtok_r(NULL, "\n", &save)) {
			if ((colon = strchr(tok, ':')) == NULL)
				continue;
			*colon++ = '\0';
			while (*colon == ' ')
				colon++;
			(void)message_add_header(msg, tok, colon);
		}
		free(copy);
	}
	if (auth != NULL)
		(void)message_set_macro(msg, "{auth_authen}", auth);
	return msg;
}

/* capture_sink - log sink keeping every line */
static void
capture_sink(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	if (captured.max == 0)
		buf_init(&captured, 1024 * 1024);
	(void)buf_puts(&captured, line);
	(void)buf_putc(&captured, '\n');
}

void
testutil_log_capture(void)
{
	buf_free(&captured);
	buf_init(&captured, 1024 * 1024);
	capturing = 1;
	log_set_sink(capture_sink, NULL);
}

void
testutil_log_release(void)
{
	capturing = 0;
	log_set_sink(NULL, NULL);
}

int
testutil_log_has(const char *needle)
{
	return strstr(buf_str(&captured), needle) != NULL;
}

const char *
testutil_log_all(void)
{
	return buf_str(&captured);
}
