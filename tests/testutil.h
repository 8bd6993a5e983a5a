/*
 * testutil.h - shared helpers for the CUnit test programs
 *
 * Each tests/test_NAME.c defines its suites as a CU_SuiteInfo table and
 * calls testutil_main(). The program prints CUnit's own report and then a
 * line "NAME: N passed, N failed" that script/test adds up, and exits
 * non-zero if anything failed.
 */
#ifndef GUARDIAN_TESTUTIL_H
#define GUARDIAN_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <stddef.h>

struct message;

/* testutil_main - run every suite; the process exit status */
int testutil_main(const char *name, CU_SuiteInfo *suites);

/* testutil_data - "$top_srcdir/tests/data/<rel>" in a static buffer that
 * the next call overwrites */
const char *testutil_data(const char *rel);

/* testutil_tmpdir - a fresh private directory under $TMPDIR, removed with
 * its contents at exit */
const char *testutil_tmpdir(void);

/* testutil_write - write text to dir/name, returning the path (static
 * buffer, overwritten by the next call); CU_FAIL on error */
const char *testutil_write(const char *dir, const char *name, const char *text);

/* One member of a zip archive built by testutil_zip(): its name, its
 * bytes (len, or strlen(data) when len is 0), and a password that
 * encrypts it with AES-256 (NULL: none). */
struct testutil_member {
	const char *name;
	const void *data;
	size_t len;
	const char *password;
};

/* testutil_zip - a zip archive of the n members in memory (free() it),
 * its length in *len; NULL on failure */
char *testutil_zip(
    size_t *len, const struct testutil_member *members, size_t n);

/* testutil_base64 - data (len bytes) appended to out as base64 lines of
 * 76 characters, the last one ended by a newline */
struct buf;
void testutil_base64(struct buf *out, const void *data, size_t len);

/* testutil_message - a message with envelope sender, space-separated
 * recipients, "Name: value\n" header lines and a SASL login (each may be
 * NULL), spooling to testutil_tmpdir(); NULL when out of memory */
struct message *testutil_message(const char *sender, const char *rcpts,
    const char *headers, const char *auth);

/* Log capture: every line logged while capturing is kept; testutil_log_has
 * returns 1 if some captured line contains needle. */
void testutil_log_capture(void);
void testutil_log_release(void);
int testutil_log_has(const char *needle);
const char *testutil_log_all(void); /* lines joined by '\n' */

#endif /* GUARDIAN_TESTUTIL_H */
