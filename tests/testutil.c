/*
 * testutil.c - shared helpers for the CUnit test programs
 */
#include "autoconf.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

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

/* zip_bytes - what src holds, as a new buffer */
static char *
zip_bytes(zip_source_t *src, size_t *len)
{
	zip_stat_t st;
	char *p;

	zip_stat_init(&st);
	if (zip_source_stat(src, &st) == -1 || zip_source_open(src) == -1)
		return NULL;
	if ((p = malloc(st.size + 1)) == NULL ||
	    zip_source_read(src, p, st.size) != (zip_int64_t)st.size) {
		free(p);
		(void)zip_source_close(src);
		return NULL;
	}
	(void)zip_source_close(src);
	*len = st.size;
	return p;
}

char *
testutil_zip(size_t *len, const struct testutil_member *members, size_t n)
{
	zip_source_t *src, *m;
	zip_error_t err;
	zip_int64_t idx;
	zip_t *z;
	char *out = NULL;
	size_t i, k;

	zip_error_init(&err);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &err)) == NULL)
		return NULL;
	zip_source_keep(src);
	if ((z = zip_open_from_source(src, ZIP_TRUNCATE, &err)) == NULL) {
		zip_source_free(src);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		k = members[i].len != 0 ? members[i].len :
		                          strlen(members[i].data);
		m = zip_source_buffer(z, members[i].data, k, 0);
		if (m == NULL ||
		    (idx = zip_file_add(z, members[i].name, m, 0)) < 0) {
			zip_source_free(m);
			zip_discard(z);
			zip_source_free(src);
			return NULL;
		}
		if (members[i].password != NULL)
			(void)zip_file_set_encryption(z, (zip_uint64_t)idx,
			    ZIP_EM_AES_256, members[i].password);
	}
	if (zip_close(z) == 0)
		out = zip_bytes(src, len);
	else
		zip_discard(z);
	zip_source_free(src);
	zip_error_fini(&err);
	return out;
}

void
testutil_base64(struct buf *out, const void *data, size_t len)
{
	const unsigned char *d = data;
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	uint32_t v;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)d[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)d[i + 1] << 8;
		if (i + 2 < len)
			v |= d[i + 2];
		(void)buf_putc(out, a[v >> 18 & 63]);
		(void)buf_putc(out, a[v >> 12 & 63]);
		(void)buf_putc(out, i + 1 < len ? a[v >> 6 & 63] : '=');
		(void)buf_putc(out, i + 2 < len ? a[v & 63] : '=');
		if (i % 57 == 54)
			(void)buf_putc(out, '\n');
	}
	(void)buf_putc(out, '\n');
}
