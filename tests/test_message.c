/*
 * test_message.c - envelope, macros, header fields, body spool, parsing
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "message.h"
#include "regex.h"
#include "testutil.h"

/* new_msg - a message spooling to the test directory */
static struct message *
new_msg(void)
{
	struct message *msg = message_new(testutil_tmpdir());

	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	return msg;
}

/* filled - a string of n copies of c (free it) */
static char *
filled(size_t n, char c)
{
	char *s = malloc(n + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* body_string - the stored body as a string (static, up to 4 KiB) */
static const char *
body_string(const struct message *msg)
{
	static char out[4096];
	ssize_t n;

	n = message_body_read(msg, 0, out, sizeof(out) - 1);
	CU_ASSERT(n >= 0);
	out[n < 0 ? 0 : n] = '\0';
	return out;
}

/* ---- envelope ----------------------------------------------------------- */

static const struct {
	const char *in, *want;
} address_cases[] = {
    {"<teacher@district.example>", "teacher@district.example"},
    {"  < teacher@district.example >  ", "teacher@district.example"},
    {"teacher@district.example", "teacher@district.example"},
    {" teacher@district.example ", "teacher@district.example"},
    {"<>", ""},
    {" < > ", ""},
    {"", ""},
    {"<teacher@district.example> SIZE=1024 BODY=8BITMIME",
        "teacher@district.example"},
    {"teacher@district.example SIZE=1024", "teacher@district.example"},
    {"<> SIZE=10", ""},
    {"<\"odd>name\"@district.example>", "\"odd>name\"@district.example"},
    {"<\"two words\"@district.example> RET=HDRS",
        "\"two words\"@district.example"},
    {"<@relay1.example,@relay2.example:user@district.example>",
        "user@district.example"},
    {"<unclosed@district.example", "unclosed@district.example"},
    {"<a\\>b@district.example>", "a\\>b@district.example"},
};

static void
message_normalises_envelope_addresses(void)
{
	struct message *msg = new_msg();
	size_t i, n = sizeof(address_cases) / sizeof(address_cases[0]);

	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(
		    message_set_sender(msg, address_cases[i].in), 0);
		CU_ASSERT_EQUAL(message_add_rcpt(msg, address_cases[i].in), 0);
		if (strcmp(message_sender(msg), address_cases[i].want) != 0) {
			fprintf(stderr, "[%s] gave [%s]\n", address_cases[i].in,
			    message_sender(msg));
			CU_FAIL("sender not normalised");
		}
		CU_ASSERT_STRING_EQUAL(
		    message_rcpt(msg, i), address_cases[i].want);
	}
	CU_ASSERT_EQUAL(message_rcpt_count(msg), n);
	CU_ASSERT_PTR_NULL(message_rcpt(msg, n));
	CU_ASSERT_EQUAL(message_limits(msg), 0);
	message_free(msg);
}

static void
message_sender_is_empty_until_set(void)
{
	struct message *msg = new_msg();

	CU_ASSERT_STRING_EQUAL(message_sender(msg), "");
	CU_ASSERT_EQUAL(message_rcpt_count(msg), 0);
	CU_ASSERT_EQUAL(message_set_sender(msg, "<a@b.example>"), 0);
	CU_ASSERT_EQUAL(message_set_sender(msg, "<c@d.example>"), 0);
	CU_ASSERT_STRING_EQUAL(message_sender(msg), "c@d.example");
	message_free(msg);
}

static void
message_drops_overlong_addresses_with_a_flag(void)
{
	struct message *msg = new_msg();
	char *local = filled(BOUND_ADDRESS_BYTES - 2, 'x');
	char addr[BOUND_ADDRESS_BYTES + 16];

	/* exactly at the bound: kept */
	(void)snprintf(addr, sizeof(addr), "<%s@a>", local);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, addr), 0);
	CU_ASSERT_EQUAL(message_rcpt_count(msg), 1);
	CU_ASSERT_EQUAL(strlen(message_rcpt(msg, 0)), BOUND_ADDRESS_BYTES);
	CU_ASSERT_EQUAL(message_limits(msg), 0);
	/* one byte over: dropped, flagged */
	(void)snprintf(addr, sizeof(addr), "<%s@ab>", local);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, addr), 0);
	CU_ASSERT_EQUAL(message_rcpt_count(msg), 1);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_ADDRESS);
	CU_ASSERT_EQUAL(message_set_sender(msg, "<ok@a.example>"), 0);
	CU_ASSERT_EQUAL(message_set_sender(msg, addr), 0);
	CU_ASSERT_STRING_EQUAL(message_sender(msg), "");
	free(local);
	message_free(msg);
}

static void
message_keeps_at_most_the_bound_of_recipients(void)
{
	struct message *msg = new_msg();
	char addr[64];
	int i;

	for (i = 0; i < BOUND_RCPT_COUNT + 5; i++) {
		(void)snprintf(addr, sizeof(addr), "<r%d@school.example>", i);
		CU_ASSERT_EQUAL(message_add_rcpt(msg, addr), 0);
	}
	CU_ASSERT_EQUAL(message_rcpt_count(msg), BOUND_RCPT_COUNT);
	CU_ASSERT_STRING_EQUAL(message_rcpt(msg, 0), "r0@school.example");
	CU_ASSERT_STRING_EQUAL(
	    message_rcpt(msg, BOUND_RCPT_COUNT - 1), "r999@school.example");
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_RCPT_COUNT);
	message_free(msg);
}

static void
message_remembers_a_recipient_lost_at_a_bound(void)
{
	struct message *msg = new_msg();
	char *local = filled(BOUND_ADDRESS_BYTES, 'x');
	char addr[BOUND_ADDRESS_BYTES + 32];
	int i;

	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 1);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, "<a@school.example>"), 0);
	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 1);
	/* an over-long sender loses no recipient */
	(void)snprintf(addr, sizeof(addr), "<%s@school.example>", local);
	CU_ASSERT_EQUAL(message_set_sender(msg, addr), 0);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_ADDRESS);
	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 1);
	/* an over-long recipient does */
	CU_ASSERT_EQUAL(message_add_rcpt(msg, addr), 0);
	CU_ASSERT_EQUAL(message_rcpt_count(msg), 1);
	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 0);
	/* a new message starts complete */
	message_reset(msg);
	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 1);
	/* one recipient past the count bound */
	for (i = 0; i < BOUND_RCPT_COUNT; i++) {
		(void)snprintf(addr, sizeof(addr), "<r%d@school.example>", i);
		CU_ASSERT_EQUAL(message_add_rcpt(msg, addr), 0);
	}
	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 1);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, "<last@school.example>"), 0);
	CU_ASSERT_EQUAL(message_rcpts_complete(msg), 0);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_RCPT_COUNT);
	free(local);
	message_free(msg);
}

static void
message_queue_id_falls_back_to_the_i_macro(void)
{
	struct message *msg = new_msg();

	CU_ASSERT_STRING_EQUAL(message_queue_id(msg), "NOQUEUE");
	CU_ASSERT_EQUAL(message_set_macro(msg, "i", "4AbC12"), 0);
	CU_ASSERT_STRING_EQUAL(message_queue_id(msg), "4AbC12");
	CU_ASSERT_EQUAL(message_set_queue_id(msg, "7XyZ"), 0);
	CU_ASSERT_STRING_EQUAL(message_queue_id(msg), "7XyZ");
	message_reset(msg);
	CU_ASSERT_STRING_EQUAL(message_queue_id(msg), "4AbC12");
	message_free(msg);
}

/* ---- macros ------------------------------------------------------------- */

static void
message_macros_are_found_with_or_without_braces(void)
{
	struct message *msg = new_msg();

	CU_ASSERT_EQUAL(message_set_macro(msg, "{daemon_name}", "mta-out"), 0);
	CU_ASSERT_EQUAL(message_set_macro(msg, "auth_authen", "teacher"), 0);
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "{daemon_name}"), "mta-out");
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "daemon_name"), "mta-out");
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "{auth_authen}"), "teacher");
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "auth_authen"), "teacher");
	CU_ASSERT_PTR_NULL(message_macro(msg, "{client_addr}"));
	CU_ASSERT_PTR_NULL(message_macro(msg, "daemon"));
	CU_ASSERT_PTR_NULL(message_macro(msg, "{daemon_name"));
	message_free(msg);
}

static void
message_macro_later_value_replaces_earlier(void)
{
	struct message *msg = new_msg();

	CU_ASSERT_EQUAL(message_set_macro(msg, "{auth_authen}", "first"), 0);
	CU_ASSERT_EQUAL(message_set_macro(msg, "auth_authen", "second"), 0);
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "{auth_authen}"), "second");
	CU_ASSERT_EQUAL(message_set_macro(msg, "{auth_authen}", NULL), 0);
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "auth_authen"), "");
	CU_ASSERT_EQUAL(message_set_macro(msg, "", "x"), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	message_free(msg);
}

static void
message_macro_value_is_cut_at_the_bound(void)
{
	struct message *msg = new_msg();
	char *v = filled(BOUND_MACRO_BYTES + 10, 'm');

	CU_ASSERT_EQUAL(message_set_macro(msg, "{x}", v), 0);
	CU_ASSERT_EQUAL(strlen(message_macro(msg, "x")), BOUND_MACRO_BYTES);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_MACRO);
	/* the flag and the macros survive a reset */
	message_reset(msg);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_MACRO);
	CU_ASSERT_PTR_NOT_NULL(message_macro(msg, "{x}"));
	free(v);
	message_free(msg);
}

/* ---- header fields ------------------------------------------------------ */

static void
message_unfolds_header_continuations(void)
{
	struct message *msg = new_msg();
	const char *name, *value;

	CU_ASSERT_EQUAL(message_add_header(msg, "Subject",
	                    "Field trip\r\n permission\n\tslip"),
	    0);
	CU_ASSERT_EQUAL(message_add_header(msg, "X-Empty", ""), 0);
	CU_ASSERT_EQUAL(message_header_count(msg), 2);
	message_header(msg, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "Subject");
	CU_ASSERT_STRING_EQUAL(value, "Field trip permission\tslip");
	message_header(msg, 1, &name, &value);
	CU_ASSERT_STRING_EQUAL(value, "");
	message_header(msg, 2, &name, &value);
	CU_ASSERT_PTR_NULL(name);
	CU_ASSERT_PTR_NULL(value);
	message_free(msg);
}

static void
message_header_value_iterates_case_insensitively(void)
{
	struct message *msg = new_msg();
	size_t it = 0;

	CU_ASSERT_EQUAL(message_add_header(msg, "Received", "one"), 0);
	CU_ASSERT_EQUAL(message_add_header(msg, "Subject", "s"), 0);
	CU_ASSERT_EQUAL(message_add_header(msg, "RECEIVED", "two"), 0);
	CU_ASSERT_EQUAL(message_add_header(msg, "received", "three"), 0);
	CU_ASSERT_STRING_EQUAL(
	    message_header_value(msg, "received", &it), "one");
	CU_ASSERT_EQUAL(it, 1);
	CU_ASSERT_STRING_EQUAL(
	    message_header_value(msg, "received", &it), "two");
	CU_ASSERT_STRING_EQUAL(
	    message_header_value(msg, "Received", &it), "three");
	CU_ASSERT_PTR_NULL(message_header_value(msg, "received", &it));
	it = 0;
	CU_ASSERT_PTR_NULL(message_header_value(msg, "Received-SPF", &it));
	message_free(msg);
}

static void
message_cuts_an_oversized_header_and_counts_it(void)
{
	struct message *msg = new_msg();
	char *v = filled(BOUND_HEADER_BYTES, 'h');
	const char *name, *value;

	CU_ASSERT_EQUAL(message_add_header(msg, "X-Big", v), 0);
	CU_ASSERT_EQUAL(message_header_count(msg), 1);
	message_header(msg, 0, &name, &value);
	CU_ASSERT_EQUAL(strlen(value), BOUND_HEADER_BYTES - strlen("X-Big"));
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_HEADER_SIZE);
	CU_ASSERT_EQUAL(message_size(msg), 5 + 2 + BOUND_HEADER_BYTES + 2);
	free(v);
	message_free(msg);
}

static void
message_keeps_at_most_the_bound_of_header_fields(void)
{
	struct message *msg = new_msg();
	int i;

	for (i = 0; i < BOUND_HEADER_COUNT + 3; i++)
		CU_ASSERT_EQUAL(message_add_header(msg, "X", "y"), 0);
	CU_ASSERT_EQUAL(message_header_count(msg), BOUND_HEADER_COUNT);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_HEADER_COUNT);
	CU_ASSERT_EQUAL(message_size(msg), (BOUND_HEADER_COUNT + 3) * 6);
	message_free(msg);
}

static void
message_drops_headers_past_the_total_bound(void)
{
	struct message *msg = new_msg();
	size_t vlen = BOUND_HEADERS_TOTAL / 12;
	char *v = filled(vlen, 'v');
	size_t kept;
	int i;

	CU_ASSERT_FATAL(vlen + 3 <= BOUND_HEADER_BYTES);
	for (i = 0; i < 14; i++)
		CU_ASSERT_EQUAL(message_add_header(msg, "X-A", v), 0);
	kept = BOUND_HEADERS_TOTAL / (vlen + 3);
	CU_ASSERT_EQUAL(message_header_count(msg), kept);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_HEADERS_TOTAL);
	CU_ASSERT_EQUAL(message_size(msg), 14 * (3 + 2 + vlen + 2));
	free(v);
	message_free(msg);
}

static void
message_size_counts_header_fields_and_body(void)
{
	struct message *msg = new_msg();

	CU_ASSERT_EQUAL(message_size(msg), 0);
	CU_ASSERT_EQUAL(message_add_header(msg, "Subject", "hi"), 0);
	CU_ASSERT_EQUAL(message_size(msg), strlen("Subject: hi\r\n"));
	CU_ASSERT_EQUAL(message_add_body(msg, "hello\r\n", 7), 0);
	CU_ASSERT_EQUAL(message_size(msg), strlen("Subject: hi\r\n") + 7);
	CU_ASSERT_EQUAL(message_body_size(msg), 7);
	message_free(msg);
}

/* ---- body spool --------------------------------------------------------- */

static void
message_body_in_memory_reads_back_by_offset(void)
{
	struct message *msg = new_msg();
	char out[16];

	CU_ASSERT_EQUAL(message_add_body(msg, "0123456789", 10), 0);
	CU_ASSERT_EQUAL(message_add_body(msg, "abc", 3), 0);
	CU_ASSERT_EQUAL(message_add_body(msg, "", 0), 0);
	CU_ASSERT_EQUAL(message_body_size(msg), 13);
	CU_ASSERT_EQUAL(message_body_read(msg, 8, out, 4), 4);
	CU_ASSERT_EQUAL(memcmp(out, "89ab", 4), 0);
	CU_ASSERT_EQUAL(message_body_read(msg, 11, out, sizeof(out)), 2);
	CU_ASSERT_EQUAL(memcmp(out, "bc", 2), 0);
	CU_ASSERT_EQUAL(message_body_read(msg, 13, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(message_body_read(msg, 1000, out, sizeof(out)), 0);
	message_free(msg);
}

/* spool_fd_mode - mode of an open deleted spool file of ours in dir, or
 * -1 if there is none (found through /proc/self/fd) */
static int
spool_fd_mode(const char *dir)
{
	char link[300], target[PATH_MAX], prefix[PATH_MAX];
	struct dirent *de;
	struct stat st;
	ssize_t n;
	DIR *d;
	int mode = -1;

	(void)snprintf(prefix, sizeof(prefix), "%s/guardian-body.", dir);
	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		(void)snprintf(
		    link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		if ((n = readlink(link, target, sizeof(target) - 1)) < 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, prefix, strlen(prefix)) == 0 &&
		    strstr(target, " (deleted)") != NULL &&
		    stat(link, &st) == 0)
			mode = (int)(st.st_mode & 07777);
	}
	closedir(d);
	return mode;
}

/* dir_entries - entries in dir besides . and .. */
static int
dir_entries(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
message_body_spills_to_an_unlinked_private_file(void)
{
	char spool[PATH_MAX], chunk[4096], out[8192];
	struct message *msg;
	size_t i, total = BOUND_BODY_MEMORY + 3 * sizeof(chunk) + 17;
	uint64_t off;
	ssize_t n;
	int ok = 1;

	(void)snprintf(spool, sizeof(spool), "%s/spool", testutil_tmpdir());
	CU_ASSERT_EQUAL_FATAL(mkdir(spool, 0700), 0);
	msg = message_new(spool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	for (off = 0; off < total; off += n) {
		n = (ssize_t)(total - off < sizeof(chunk) ? total - off :
		                                            sizeof(chunk));
		for (i = 0; i < (size_t)n; i++)
			chunk[i] = (char)((off + i) % 251);
		if (message_add_body(msg, chunk, (size_t)n) != 0)
			ok = 0;
		if (off + (uint64_t)n <= BOUND_BODY_MEMORY &&
		    spool_fd_mode(spool) != -1)
			ok = 0; /* spilled too early */
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(message_body_size(msg), total);
	CU_ASSERT_EQUAL(message_size(msg), total);
	CU_ASSERT_EQUAL(spool_fd_mode(spool), 0600);
	CU_ASSERT_EQUAL(dir_entries(spool), 0);
	/* read back across the memory/file boundary */
	for (off = 0; ok && off < total; off += (uint64_t)n) {
		n = message_body_read(msg, off, out, sizeof(out));
		if (n <= 0)
			ok = 0;
		for (i = 0; ok && i < (size_t)n; i++)
			if ((unsigned char)out[i] != (off + i) % 251)
				ok = 0;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(message_body_read(msg, total, out, sizeof(out)), 0);
	message_reset(msg);
	CU_ASSERT_EQUAL(spool_fd_mode(spool), -1);
	CU_ASSERT_EQUAL(message_body_size(msg), 0);
	message_free(msg);
	CU_ASSERT_EQUAL(rmdir(spool), 0);
}

static void
message_body_fails_when_the_spool_dir_is_missing(void)
{
	char spool[PATH_MAX];
	struct message *msg;
	char *big = filled(BOUND_BODY_MEMORY, 'b');

	(void)snprintf(
	    spool, sizeof(spool), "%s/no-such-dir", testutil_tmpdir());
	msg = message_new(spool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_EQUAL(message_add_body(msg, big, BOUND_BODY_MEMORY), 0);
	errno = 0;
	CU_ASSERT_EQUAL(message_add_body(msg, "x", 1), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	/* what was stored is still readable */
	CU_ASSERT_EQUAL(message_body_size(msg), BOUND_BODY_MEMORY);
	free(big);
	message_free(msg);
}

static void
message_body_past_the_bound_is_counted_not_stored(void)
{
	struct message *msg = new_msg();
	size_t chunk = 4 * 1024 * 1024;
	char *data = filled(chunk, 'z');
	uint64_t sent = 0;
	char out[8];
	int ok = 1;

	while (sent < BOUND_BODY_BYTES + (uint64_t)chunk) {
		if (message_add_body(msg, data, chunk) != 0)
			ok = 0;
		sent += chunk;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(message_body_size(msg), BOUND_BODY_BYTES);
	CU_ASSERT_EQUAL(message_size(msg), sent);
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_BODY_SIZE);
	CU_ASSERT_EQUAL(
	    message_body_read(msg, BOUND_BODY_BYTES - 2, out, 8), 2);
	free(data);
	message_free(msg);
}

static void
message_body_count_only_stores_nothing_but_counts(void)
{
	char spool[PATH_MAX];
	struct message *msg;
	size_t chunk = 4 * 1024 * 1024;
	char *data = filled(chunk, 'c');
	uint64_t sent = 0;
	char out[8];
	int ok = 1;

	/* a spool directory that cannot be written: storing would fail */
	(void)snprintf(
	    spool, sizeof(spool), "%s/no-such-dir", testutil_tmpdir());
	msg = message_new(spool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_EQUAL(message_add_header(msg, "Subject", "hi"), 0);
	message_set_body_count_only(msg, 1);
	while (sent < BOUND_BODY_BYTES + (uint64_t)chunk) {
		if (message_add_body(msg, data, chunk) != 0)
			ok = 0;
		sent += chunk;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(message_body_size(msg), 0);
	CU_ASSERT_EQUAL(message_body_read(msg, 0, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(message_size(msg), strlen("Subject: hi\r\n") + sent);
	/* the body-size limit is passed as when the body is stored */
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_BODY_SIZE);
	/* a new message stores again (and fails on the missing dir) */
	message_reset(msg);
	CU_ASSERT_EQUAL(message_add_body(msg, data, BOUND_BODY_MEMORY), 0);
	CU_ASSERT_EQUAL(message_body_size(msg), BOUND_BODY_MEMORY);
	CU_ASSERT_EQUAL(message_add_body(msg, "x", 1), -1);
	free(data);
	message_free(msg);
}

static void
message_body_count_only_flags_the_bound_like_storing(void)
{
	struct message *stored = new_msg(), *counted = new_msg();
	char *data = filled(1024 * 1024, 'd');
	int i;

	message_set_body_count_only(counted, 1);
	for (i = 0; i < BOUND_BODY_BYTES / (1024 * 1024); i++) {
		CU_ASSERT_EQUAL(message_add_body(stored, data, 1024 * 1024), 0);
		CU_ASSERT_EQUAL(
		    message_add_body(counted, data, 1024 * 1024), 0);
	}
	/* exactly at the bound: no flag in either */
	CU_ASSERT_EQUAL(message_limits(stored), 0);
	CU_ASSERT_EQUAL(message_limits(counted), 0);
	CU_ASSERT_EQUAL(message_add_body(stored, "+", 1), 0);
	CU_ASSERT_EQUAL(message_add_body(counted, "+", 1), 0);
	CU_ASSERT_EQUAL(message_limits(stored), MESSAGE_LIMIT_BODY_SIZE);
	CU_ASSERT_EQUAL(message_limits(counted), MESSAGE_LIMIT_BODY_SIZE);
	CU_ASSERT_EQUAL(message_size(stored), message_size(counted));
	CU_ASSERT_EQUAL(message_body_size(stored), BOUND_BODY_BYTES);
	CU_ASSERT_EQUAL(message_body_size(counted), 0);
	free(data);
	message_free(stored);
	message_free(counted);
}

static void
message_reset_forgets_the_message_but_not_the_connection(void)
{
	struct message *msg = new_msg();

	CU_ASSERT_EQUAL(message_set_macro(msg, "{client_addr}", "10.0.0.1"), 0);
	CU_ASSERT_EQUAL(message_set_sender(msg, "<a@b.example>"), 0);
	CU_ASSERT_EQUAL(message_add_rcpt(msg, "<c@d.example>"), 0);
	CU_ASSERT_EQUAL(message_add_header(msg, "Subject", "x"), 0);
	CU_ASSERT_EQUAL(message_add_body(msg, "body", 4), 0);
	message_reset(msg);
	CU_ASSERT_STRING_EQUAL(message_sender(msg), "");
	CU_ASSERT_EQUAL(message_rcpt_count(msg), 0);
	CU_ASSERT_EQUAL(message_header_count(msg), 0);
	CU_ASSERT_EQUAL(message_body_size(msg), 0);
	CU_ASSERT_EQUAL(message_size(msg), 0);
	CU_ASSERT_STRING_EQUAL(message_macro(msg, "client_addr"), "10.0.0.1");
	CU_ASSERT_EQUAL(message_add_body(msg, "new", 3), 0);
	CU_ASSERT_STRING_EQUAL(body_string(msg), "new");
	message_free(msg);
	message_free(NULL);
	message_reset(NULL);
}

static void
message_limit_names_map_both_ways(void)
{
	static const char *const names[] = {"address", "recipients",
	    "header-size", "header-count", "headers-total", "body-size",
	    "macro"};
	unsigned flag;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		flag = message_limit_flag(names[i]);
		CU_ASSERT_EQUAL(flag, 1u << i);
		CU_ASSERT_STRING_EQUAL(message_limit_name(flag), names[i]);
	}
	CU_ASSERT_EQUAL(message_limit_flag("body"), 0);
	CU_ASSERT_EQUAL(message_limit_flag(NULL), 0);
	CU_ASSERT_PTR_NULL(message_limit_name(0));
	CU_ASSERT_PTR_NULL(message_limit_name(0x80));
	CU_ASSERT_PTR_NULL(
	    message_limit_name(MESSAGE_LIMIT_ADDRESS | MESSAGE_LIMIT_MACRO));
}

/* ---- parsing ------------------------------------------------------------ */

/* parse_file - a new message parsed from tests/data/message/name */
static struct message *
parse_file(const char *name)
{
	struct message *msg = new_msg();
	char rel[128];
	FILE *fp;

	(void)snprintf(rel, sizeof(rel), "message/%s", name);
	fp = fopen(testutil_data(rel), "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(message_parse(msg, fp), 0);
	fclose(fp);
	return msg;
}

/* parse_text - a new message parsed from text (len bytes) */
static struct message *
parse_text(const char *text, size_t len)
{
	struct message *msg = new_msg();
	FILE *fp = tmpfile();

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fwrite(text, 1, len, fp), len);
	rewind(fp);
	CU_ASSERT_EQUAL(message_parse(msg, fp), 0);
	fclose(fp);
	return msg;
}

/* check_sample - lf.eml and crlf.eml hold the same message */
static void
check_sample(const struct message *msg)
{
	static const char *const want[][2] = {
	    {"Received",
	        "from a.example by b.example;\tMon, 1 Jan 2024 10:00:00 "
	        "+0000"},
	    {"From", "Teacher <teacher@district.example>"},
	    {"To", "parent@home.example"},
	    {"Subject", "  Field trip permission slip"},
	    {"X-Empty", ""},
	    {"RECEIVED", "second one"},
	};
	const char *name, *value;
	size_t i, it = 0;

	CU_ASSERT_EQUAL_FATAL(message_header_count(msg), 6);
	for (i = 0; i < 6; i++) {
		message_header(msg, i, &name, &value);
		CU_ASSERT_STRING_EQUAL(name, want[i][0]);
		CU_ASSERT_STRING_EQUAL(value, want[i][1]);
	}
	CU_ASSERT_STRING_EQUAL(
	    message_header_value(msg, "received", &it), want[0][1]);
	CU_ASSERT_STRING_EQUAL(
	    message_header_value(msg, "received", &it), "second one");
	CU_ASSERT_STRING_EQUAL(
	    body_string(msg), "Dear parent,\r\n\r\nplease sign the slip.\r\n");
	CU_ASSERT_EQUAL(message_limits(msg), 0);
}

static void
message_parse_reads_lf_and_crlf_files_alike(void)
{
	struct message *lf = parse_file("lf.eml");
	struct message *crlf = parse_file("crlf.eml");

	check_sample(lf);
	check_sample(crlf);
	CU_ASSERT_EQUAL(message_size(lf), message_size(crlf));
	message_free(lf);
	message_free(crlf);
}

static void
message_parse_size_matches_a_canonical_file(void)
{
	static const char text[] = "From: a@b.example\r\n"
	                           "Subject: two\r\n lines\r\n"
	                           "\r\n"
	                           "body\r\n";
	struct message *msg = parse_text(text, sizeof(text) - 1);

	/* everything but the blank line that separates the body */
	CU_ASSERT_EQUAL(message_size(msg), sizeof(text) - 1 - 2);
	CU_ASSERT_EQUAL(message_body_size(msg), 6);
	message_free(msg);
}

static void
message_parse_header_block_without_body(void)
{
	struct message *msg = parse_file("headers-only.eml");
	const char *name, *value;

	CU_ASSERT_EQUAL(message_header_count(msg), 2);
	message_header(msg, 1, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "Subject");
	CU_ASSERT_STRING_EQUAL(value, "only headers");
	CU_ASSERT_EQUAL(message_body_size(msg), 0);
	message_free(msg);
}

static void
message_parse_last_header_without_newline(void)
{
	static const char text[] = "Subject: cut off";
	struct message *msg = parse_text(text, sizeof(text) - 1);
	size_t it = 0;

	CU_ASSERT_STRING_EQUAL(
	    message_header_value(msg, "subject", &it), "cut off");
	CU_ASSERT_EQUAL(message_body_size(msg), 0);
	message_free(msg);
}

static void
message_parse_non_field_line_starts_the_body(void)
{
	struct message *msg = parse_file("no-blank-line.eml");
	const char *name, *value;

	CU_ASSERT_EQUAL(message_header_count(msg), 1);
	message_header(msg, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(value, "no separator");
	CU_ASSERT_STRING_EQUAL(body_string(msg),
	    "This line is not a header field.\r\n"
	    "Neither: is this one, it is body\r\n");
	message_free(msg);
}

static void
message_parse_skips_a_leading_mbox_from_line(void)
{
	struct message *msg = parse_file("mbox-from.eml");
	const char *name, *value;

	CU_ASSERT_EQUAL(message_header_count(msg), 1);
	message_header(msg, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "Subject");
	CU_ASSERT_STRING_EQUAL(value, "from mbox");
	CU_ASSERT_STRING_EQUAL(body_string(msg), "body\r\n");
	message_free(msg);
}

static void
message_parse_takes_binary_junk_as_body(void)
{
	static const char want[] = "\x00\xff\x01\x02junk\r\nmore: junk\x00\r\n"
	                           "\r\r\n\x7f";
	struct message *msg = parse_file("binary.bin");
	char out[64];

	CU_ASSERT_EQUAL(message_header_count(msg), 0);
	CU_ASSERT_EQUAL(message_body_size(msg), sizeof(want) - 1);
	CU_ASSERT_EQUAL(message_body_read(msg, 0, out, sizeof(out)),
	    (ssize_t)sizeof(want) - 1);
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof(want) - 1), 0);
	message_free(msg);
}

static void
message_parse_empty_input_gives_an_empty_message(void)
{
	struct message *msg = parse_text("", 0);

	CU_ASSERT_EQUAL(message_header_count(msg), 0);
	CU_ASSERT_EQUAL(message_body_size(msg), 0);
	CU_ASSERT_EQUAL(message_size(msg), 0);
	message_free(msg);
}

static void
message_parse_accepts_space_before_the_colon(void)
{
	static const char text[] = "Subject  :\t hi\n\nb";
	struct message *msg = parse_text(text, sizeof(text) - 1);
	const char *name, *value;

	message_header(msg, 0, &name, &value);
	CU_ASSERT_STRING_EQUAL(name, "Subject");
	CU_ASSERT_STRING_EQUAL(value, "\t hi");
	CU_ASSERT_STRING_EQUAL(body_string(msg), "b");
	message_free(msg);
}

/*
 * Header fields as a file holds them, what Postfix's milter client passes
 * to mlfi_header() for each (milter8_header(): one space after the colon
 * removed, never a tab; folded lines joined by a bare LF), and the value
 * the message model stores.
 */
static const struct {
	const char *file;   /* one field, as in the .eml */
	const char *name;   /* the name Postfix passes */
	const char *milter; /* the value Postfix passes */
	const char *stored; /* what message_header() gives */
} wire_cases[] = {
    {"Subject: x\n", "Subject", "x", "x"},
    {"Subject:x\n", "Subject", "x", "x"},
    {"Subject:\tGrades\n", "Subject", "\tGrades", "\tGrades"},
    {"Subject:  x\n", "Subject", " x", " x"},
    {"Subject: \tx\n", "Subject", "\tx", "\tx"},
    {"Subject:\t x\n", "Subject", "\t x", "\t x"},
    {"Subject : x\n", "Subject", "x", "x"},
    {"Subject\t:  x\r\n", "Subject", " x", " x"},
    {"Subject: trailing \n", "Subject", "trailing ", "trailing "},
    {"X-Empty:\n", "X-Empty", "", ""},
    {"X-Empty: \n", "X-Empty", "", ""},
    {"X-Empty:  \n", "X-Empty", " ", " "},
    {"Subject: two\r\n lines\r\n", "Subject", "two\n lines", "two lines"},
    {"To: a,\n\tb,\n   c\n", "To", "a,\n\tb,\n   c", "a,\tb,   c"},
    {"Subject:\n\tGrades\n", "Subject", "\n\tGrades", "\tGrades"},
    {"Subject:\r\n Grades\r\n", "Subject", "\n Grades", " Grades"},
    {"Subject: a\rb\n", "Subject", "a\rb", "ab"},
};

static void
message_parse_passes_fields_as_postfix_does(void)
{
	size_t i, n = sizeof(wire_cases) / sizeof(wire_cases[0]);
	struct message *parsed, *daemon;
	const char *pn, *pv, *dn, *dv;

	for (i = 0; i < n; i++) {
		parsed =
		    parse_text(wire_cases[i].file, strlen(wire_cases[i].file));
		daemon = new_msg();
		CU_ASSERT_EQUAL(message_add_header(daemon, wire_cases[i].name,
		                    wire_cases[i].milter),
		    0);
		CU_ASSERT_EQUAL_FATAL(message_header_count(parsed), 1);
		message_header(parsed, 0, &pn, &pv);
		message_header(daemon, 0, &dn, &dv);
		if (strcmp(pn, wire_cases[i].name) != 0 ||
		    strcmp(pv, wire_cases[i].stored) != 0 ||
		    strcmp(dv, wire_cases[i].stored) != 0 ||
		    message_size(parsed) != message_size(daemon)) {
			fprintf(stderr,
			    "case %zu: parsed [%s] [%s] size %ju, daemon [%s] "
			    "size %ju, want [%s]\n",
			    i, pn, pv, (uintmax_t)message_size(parsed), dv,
			    (uintmax_t)message_size(daemon),
			    wire_cases[i].stored);
			CU_FAIL("guardianctl and the daemon see the field "
			        "differently");
		}
		message_free(parsed);
		message_free(daemon);
	}
}

/* matches - 1 if regex pattern matches value, as a <header> rule asks */
static int
matches(const char *pattern, const char *value)
{
	struct regex *re = NULL;
	struct regex_scratch *rs = regex_scratch_new();
	char err[128];
	size_t col;
	int m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	CU_ASSERT_EQUAL_FATAL(
	    regex_compile(&re, pattern, 0, err, sizeof(err), &col), 0);
	m = regex_match(re, rs, value, strlen(value));
	regex_free(re);
	regex_scratch_free(rs);
	return m;
}

static void
message_tab_after_the_colon_is_part_of_the_value(void)
{
	static const char text[] = "Subject:\tGrades for Sam\n\nbody\n";
	struct message *parsed = parse_text(text, sizeof(text) - 1);
	struct message *daemon = new_msg();
	size_t it = 0;
	const char *pv, *dv;

	/* Postfix passes "\tGrades for Sam": the tab stays */
	CU_ASSERT_EQUAL(
	    message_add_header(daemon, "Subject", "\tGrades for Sam"), 0);
	pv = message_header_value(parsed, "Subject", &it);
	it = 0;
	dv = message_header_value(daemon, "Subject", &it);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dv);
	CU_ASSERT_EQUAL(matches("^Grades", pv), 0);
	CU_ASSERT_EQUAL(matches("^Grades", dv), 0);
	CU_ASSERT_EQUAL(matches("^\\s*Grades", pv), 1);
	CU_ASSERT_EQUAL(matches("^\\s*Grades", dv), 1);
	CU_ASSERT_EQUAL(message_size(parsed) - 6, message_size(daemon));
	message_free(parsed);
	message_free(daemon);
}

static void
message_parse_counts_a_fold_as_crlf_like_the_daemon(void)
{
	/* the folded field on the wire is 34 bytes with its CRLF */
	static const char text[] = "To: a@x.example,\r\n\tb@x.example\r\n";
	struct message *parsed = parse_text(text, sizeof(text) - 1);
	struct message *daemon = new_msg();

	CU_ASSERT_EQUAL(
	    message_add_header(daemon, "To", "a@x.example,\n\tb@x.example"), 0);
	CU_ASSERT_EQUAL(message_size(parsed), sizeof(text) - 1);
	CU_ASSERT_EQUAL(message_size(daemon), sizeof(text) - 1);
	message_free(parsed);
	message_free(daemon);
}

static void
message_parse_cuts_a_long_field_and_counts_it(void)
{
	size_t vlen = BOUND_HEADER_BYTES + 5000;
	char *text = malloc(vlen + 64);
	struct message *msg;
	const char *name, *value;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memcpy(text, "X-Long: ", 8);
	memset(text + 8, 'L', vlen);
	len = 8 + vlen;
	memcpy(text + len, "\nSubject: after\n\nbody\n", 22);
	len += 22;
	msg = parse_text(text, len);
	CU_ASSERT_EQUAL_FATAL(message_header_count(msg), 2);
	message_header(msg, 0, &name, &value);
	CU_ASSERT_EQUAL(strlen(value), BOUND_HEADER_BYTES - strlen("X-Long"));
	message_header(msg, 1, &name, &value);
	CU_ASSERT_STRING_EQUAL(value, "after");
	CU_ASSERT_EQUAL(message_limits(msg), MESSAGE_LIMIT_HEADER_SIZE);
	CU_ASSERT_EQUAL(message_size(msg),
	    (6 + 2 + vlen + 2) + strlen("Subject: after\r\n") + 6);
	free(text);
	message_free(msg);
}

static void
message_parse_overlong_name_is_body(void)
{
	size_t nlen = BOUND_HEADER_BYTES + 10;
	char *text = malloc(nlen + 16);
	struct message *msg;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memset(text, 'N', nlen);
	memcpy(text + nlen, ": v\n", 4);
	msg = parse_text(text, nlen + 4);
	CU_ASSERT_EQUAL(message_header_count(msg), 0);
	CU_ASSERT_EQUAL(message_body_size(msg), nlen + 5);
	free(text);
	message_free(msg);
}

static void
message_parse_reports_a_read_error(void)
{
	struct message *msg = new_msg();
	const char *path = testutil_write(testutil_tmpdir(), "wo.eml", "");
	FILE *fp = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	errno = 0;
	CU_ASSERT_EQUAL(message_parse(msg, fp), -1);
	CU_ASSERT_EQUAL(errno, EIO);
	fclose(fp);
	message_free(msg);
}

static CU_TestInfo envelope_tests[] = {
    {"message_normalises_envelope_addresses",
        message_normalises_envelope_addresses},
    {"message_sender_is_empty_until_set", message_sender_is_empty_until_set},
    {"message_drops_overlong_addresses_with_a_flag",
        message_drops_overlong_addresses_with_a_flag},
    {"message_keeps_at_most_the_bound_of_recipients",
        message_keeps_at_most_the_bound_of_recipients},
    {"message_remembers_a_recipient_lost_at_a_bound",
        message_remembers_a_recipient_lost_at_a_bound},
    {"message_queue_id_falls_back_to_the_i_macro",
        message_queue_id_falls_back_to_the_i_macro},
    {"message_macros_are_found_with_or_without_braces",
        message_macros_are_found_with_or_without_braces},
    {"message_macro_later_value_replaces_earlier",
        message_macro_later_value_replaces_earlier},
    {"message_macro_value_is_cut_at_the_bound",
        message_macro_value_is_cut_at_the_bound},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo header_tests[] = {
    {"message_unfolds_header_continuations",
        message_unfolds_header_continuations},
    {"message_header_value_iterates_case_insensitively",
        message_header_value_iterates_case_insensitively},
    {"message_cuts_an_oversized_header_and_counts_it",
        message_cuts_an_oversized_header_and_counts_it},
    {"message_keeps_at_most_the_bound_of_header_fields",
        message_keeps_at_most_the_bound_of_header_fields},
    {"message_drops_headers_past_the_total_bound",
        message_drops_headers_past_the_total_bound},
    {"message_size_counts_header_fields_and_body",
        message_size_counts_header_fields_and_body},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo body_tests[] = {
    {"message_body_in_memory_reads_back_by_offset",
        message_body_in_memory_reads_back_by_offset},
    {"message_body_spills_to_an_unlinked_private_file",
        message_body_spills_to_an_unlinked_private_file},
    {"message_body_fails_when_the_spool_dir_is_missing",
        message_body_fails_when_the_spool_dir_is_missing},
    {"message_body_past_the_bound_is_counted_not_stored",
        message_body_past_the_bound_is_counted_not_stored},
    {"message_body_count_only_stores_nothing_but_counts",
        message_body_count_only_stores_nothing_but_counts},
    {"message_body_count_only_flags_the_bound_like_storing",
        message_body_count_only_flags_the_bound_like_storing},
    {"message_reset_forgets_the_message_but_not_the_connection",
        message_reset_forgets_the_message_but_not_the_connection},
    {"message_limit_names_map_both_ways", message_limit_names_map_both_ways},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo parse_tests[] = {
    {"message_parse_reads_lf_and_crlf_files_alike",
        message_parse_reads_lf_and_crlf_files_alike},
    {"message_parse_size_matches_a_canonical_file",
        message_parse_size_matches_a_canonical_file},
    {"message_parse_header_block_without_body",
        message_parse_header_block_without_body},
    {"message_parse_last_header_without_newline",
        message_parse_last_header_without_newline},
    {"message_parse_non_field_line_starts_the_body",
        message_parse_non_field_line_starts_the_body},
    {"message_parse_skips_a_leading_mbox_from_line",
        message_parse_skips_a_leading_mbox_from_line},
    {"message_parse_takes_binary_junk_as_body",
        message_parse_takes_binary_junk_as_body},
    {"message_parse_empty_input_gives_an_empty_message",
        message_parse_empty_input_gives_an_empty_message},
    {"message_parse_accepts_space_before_the_colon",
        message_parse_accepts_space_before_the_colon},
    {"message_parse_passes_fields_as_postfix_does",
        message_parse_passes_fields_as_postfix_does},
    {"message_tab_after_the_colon_is_part_of_the_value",
        message_tab_after_the_colon_is_part_of_the_value},
    {"message_parse_counts_a_fold_as_crlf_like_the_daemon",
        message_parse_counts_a_fold_as_crlf_like_the_daemon},
    {"message_parse_cuts_a_long_field_and_counts_it",
        message_parse_cuts_a_long_field_and_counts_it},
    {"message_parse_overlong_name_is_body",
        message_parse_overlong_name_is_body},
    {"message_parse_reports_a_read_error", message_parse_reports_a_read_error},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"message_envelope", NULL, NULL, NULL, NULL, envelope_tests},
    {"message_headers", NULL, NULL, NULL, NULL, header_tests},
    {"message_body", NULL, NULL, NULL, NULL, body_tests},
    {"message_parse", NULL, NULL, NULL, NULL, parse_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_message", suites);
}
