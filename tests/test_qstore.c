/*
 * test_qstore.c - the quarantine store (write, read, index, permissions,
 * failures, ids, release races), the audit log, and the notices'
 * templates and loop guards
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "message.h"
#include "qstore.h"
#include "quarantine.h"
#include "rules.h"
#include "sha256.h"
#include "testutil.h"
#include "verdict.h"

#define HEADERS                                           \
	"From: Ms. Rivera <teacher@district.example>\r\n" \
	"To: family@gmail.example\r\n"                    \
	"Subject: Grades for\r\n\tthe term\r\n"

/* store_dir - a fresh store directory under the test's tmpdir */
static const char *
store_dir(const char *name)
{
	static char path[4096];

	(void)snprintf(path, sizeof(path), "%s/%s", testutil_tmpdir(), name);
	return path;
}

/* held_message - a message to hold, with a body of n bytes of 'x' lines */
static struct message *
held_message(size_t n)
{
	struct message *msg = testutil_message("teacher@district.example",
	    "family@gmail.example other@gmail.example",
	    "From: Ms. Rivera <teacher@district.example>\n"
	    "To: family@gmail.example\nSubject: Grades for the term\n",
	    "rivera");
	char line[80];
	size_t done = 0, k;

	CU_ASSERT_FATAL(msg != NULL);
	(void)message_set_queue_id(msg, "4ABCDEF");
	(void)message_set_macro(msg, "{client_addr}", "192.0.2.7");
	memset(line, 'x', sizeof(line));
	line[78] = '\r';
	line[79] = '\n';
	while (done < n) {
		k = n - done < sizeof(line) ? n - done : sizeof(line);
		CU_ASSERT_FATAL(message_add_body(msg, line, k) == 0);
		done += k;
	}
	return msg;
}

/* held_verdict - what a quarantine rule decides */
static struct verdict *
held_verdict(void)
{
	struct verdict *v = verdict_new();

	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT(verdict_set_action(v, VERDICT_QUARANTINE, NULL, NULL,
	              "Grades go through the portal.", "hold-grades",
	              "Student Records (Policy 4150)") == 0);
	CU_ASSERT(
	    verdict_add_match(v, "hold-grades", "Student Records (Policy 4150)",
	        VERDICT_MODE_ENFORCE, "quarantine", NULL) == 0);
	return v;
}

/* open_store - a store at a new directory, as the daemon makes it */
static struct qstore *
open_store(const char *name)
{
	struct qstore *qs = NULL;
	char err[1024];

	if (qstore_open(&qs, store_dir(name), 1, err, sizeof(err)) == -1) {
		fprintf(stderr, "qstore_open: %s\n", err);
		CU_FAIL_FATAL("cannot open the store");
	}
	return qs;
}

/* count_files - the entries of dir but "." and ".." */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	(void)closedir(d);
	return n;
}

/* read_held - the held message of id, whole */
static char *
read_held(struct qstore *qs, const char *id, uint64_t *size)
{
	char *p;
	ssize_t n;
	uint64_t got = 0;
	int fd;

	if (qstore_open_message(&fd, size, qs, id) == -1)
		return NULL;
	CU_ASSERT_FATAL((p = malloc(*size + 1)) != NULL);
	while (got < *size && (n = read(fd, p + got, *size - got)) > 0)
		got += (uint64_t)n;
	(void)close(fd);
	p[got] = '\0';
	CU_ASSERT_EQUAL(got, *size);
	return p;
}

static void
qstore_put_keeps_the_message_and_envelope_whole(void)
{
	struct qstore *qs = open_store("whole");
	struct message *msg = held_message(2 * 1024 * 1024 + 7);
	struct verdict *v = held_verdict();
	struct qstore_entry e;
	char id[QSTORE_ID_SIZE], path[4200], *held;
	uint64_t size;
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(
	    qstore_put(qs, id, msg, HEADERS, strlen(HEADERS), v, 1764884400),
	    0);
	CU_ASSERT(qstore_id_valid(id));
	CU_ASSERT_EQUAL_FATAL(qstore_get(&e, qs, id), 0);
	CU_ASSERT_STRING_EQUAL(e.sender, "teacher@district.example");
	CU_ASSERT_EQUAL_FATAL(e.nrcpts, 2);
	CU_ASSERT_STRING_EQUAL(e.rcpts[1], "other@gmail.example");
	CU_ASSERT_STRING_EQUAL(e.queue_id, "4ABCDEF");
	CU_ASSERT_STRING_EQUAL(e.client, "192.0.2.7");
	CU_ASSERT_STRING_EQUAL(e.login, "rivera");
	CU_ASSERT_STRING_EQUAL(e.rule, "hold-grades");
	CU_ASSERT_STRING_EQUAL(e.policy, "Student Records (Policy 4150)");
	CU_ASSERT_STRING_EQUAL(e.subject, "Grades for the term");
	CU_ASSERT(
	    strstr(e.verdict, "\"Grades go through the portal.\"") != NULL);
	CU_ASSERT_EQUAL(e.time, 1764884400);
	CU_ASSERT_EQUAL(e.status, QSTORE_HELD);
	CU_ASSERT_EQUAL(e.size, strlen(HEADERS) + 2 + 2 * 1024 * 1024 + 7);
	qstore_entry_free(&e);
	/* the bytes: the fields as received, a blank line, the body */
	held = read_held(qs, id, &size);
	CU_ASSERT_FATAL(held != NULL);
	CU_ASSERT(strncmp(held, HEADERS "\r\nxxxx", strlen(HEADERS) + 6) == 0);
	CU_ASSERT_EQUAL(held[size - 1], 'x');
	free(held);
	/* reviewers may read it, nobody else; no temporary file left */
	(void)snprintf(path, sizeof(path), "%s/%s", store_dir("whole"), id);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
	CU_ASSERT_EQUAL(count_files(store_dir("whole")), 2); /* id, review */
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
qstore_put_without_fields_as_received_uses_the_stored_ones(void)
{
	struct qstore *qs = open_store("rebuilt");
	struct message *msg = held_message(10);
	struct verdict *v = held_verdict();
	char id[QSTORE_ID_SIZE], *held;
	uint64_t size;

	CU_ASSERT_EQUAL_FATAL(qstore_put(qs, id, msg, NULL, 0, v, 1), 0);
	held = read_held(qs, id, &size);
	CU_ASSERT_FATAL(held != NULL);
	CU_ASSERT_STRING_EQUAL(held,
	    "From: Ms. Rivera <teacher@district.example>\r\n"
	    "To: family@gmail.example\r\n"
	    "Subject: Grades for the term\r\n\r\nxxxxxxxxxx");
	free(held);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

/* enospc - a write hook that fails as a full disk does, after the
 * first write went through */
static int writes;
static int
enospc(int fd, const void *p, size_t n)
{
	(void)fd;
	(void)p;
	(void)n;
	if (writes++ == 0)
		return 0;
	errno = ENOSPC;
	return -1;
}

static void
qstore_put_write_error_fails_and_leaves_nothing(void)
{
	struct qstore *qs = open_store("full");
	struct message *msg = held_message(1000);
	struct verdict *v = held_verdict();
	char id[QSTORE_ID_SIZE];
	struct qstore_filter f = {0, NULL, NULL, NULL, -1};

	writes = 0;
	qstore_set_write_hook(enospc);
	CU_ASSERT_EQUAL(
	    qstore_put(qs, id, msg, HEADERS, strlen(HEADERS), v, 1), -1);
	CU_ASSERT_EQUAL(errno, ENOSPC);
	qstore_set_write_hook(NULL);
	CU_ASSERT(strstr(qstore_error(qs), "No space left on device") != NULL);
	/* nothing held, no temporary file, nothing indexed */
	CU_ASSERT_EQUAL(count_files(store_dir("full")), 1); /* review/ */
	CU_ASSERT_EQUAL(qstore_list(qs, &f, NULL, NULL), 0);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
qstore_put_refuses_a_body_not_stored_whole(void)
{
	struct qstore *qs = open_store("partial");
	struct message *msg = testutil_message("teacher@district.example",
	    "family@gmail.example", "Subject: x\n", NULL);
	struct verdict *v = held_verdict();
	char id[QSTORE_ID_SIZE];

	CU_ASSERT_FATAL(msg != NULL);
	message_set_body_count_only(msg, 1);
	CU_ASSERT_EQUAL(message_add_body(msg, "secret\r\n", 8), 0);
	CU_ASSERT_EQUAL(qstore_put(qs, id, msg, NULL, 0, v, 1), -1);
	CU_ASSERT_EQUAL(errno, EFBIG);
	CU_ASSERT_EQUAL(count_files(store_dir("partial")), 1);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
qstore_open_refuses_a_writable_directory(void)
{
	struct qstore *qs = NULL;
	char err[1024];
	const char *dir = store_dir("loose");

	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0750), 0);
	CU_ASSERT_EQUAL(chmod(dir, 0770), 0);
	CU_ASSERT_EQUAL(qstore_open(&qs, dir, 1, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(errno, EPERM);
	CU_ASSERT(strstr(err,
	              "is group-writable (mode 0770): refusing to "
	              "keep held mail there") != NULL);
	CU_ASSERT_EQUAL(chmod(dir, 0757), 0);
	CU_ASSERT_EQUAL(qstore_open(&qs, dir, 0, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "is world-writable") != NULL);
	CU_ASSERT_EQUAL(chmod(dir, 0750), 0);
	CU_ASSERT_EQUAL(qstore_open(&qs, dir, 1, err, sizeof(err)), 0);
	qstore_close(qs);
}

static void
qstore_ids_are_checked(void)
{
	static const char *const bad[] = {"", "../../etc/passwd",
	    "0123456789abcdeF", "0123456789abcde", "0123456789abcdef0",
	    "0123456789abcde/", "0123456789abcd..", "index.sqlite", NULL};
	struct qstore *qs = open_store("ids");
	struct qstore_entry e;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		CU_ASSERT_FALSE(qstore_id_valid(bad[i]));
		CU_ASSERT_EQUAL(qstore_get(&e, qs, bad[i]), -1);
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	CU_ASSERT(qstore_id_valid("0123456789abcdef"));
	CU_ASSERT_EQUAL(qstore_get(&e, qs, "0123456789abcdef"), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	qstore_close(qs);
}

/* collect - list callback: count entries, remember the last status */
static int
collect(const struct qstore_entry *e, void *arg)
{
	int *n = arg;

	n[0]++;
	n[1] = (int)e->status;
	return 0;
}

static void
qstore_corrupt_index_is_rebuilt_from_the_files(void)
{
	struct qstore *qs = open_store("corrupt");
	struct message *msg = held_message(100);
	struct verdict *v = held_verdict();
	struct qstore_filter f = {0, NULL, NULL, NULL, -1};
	char id[QSTORE_ID_SIZE], path[4200];
	int n[2] = {0, 0};
	size_t k;

	CU_ASSERT_EQUAL_FATAL(qstore_put(qs, id, msg, NULL, 0, v, 10), 0);
	CU_ASSERT_EQUAL_FATAL(qstore_put(qs, id, msg, NULL, 0, v, 20), 0);
	qstore_close(qs);
	/* the index is garbage now, and a damaged file lies beside */
	(void)snprintf(
	    path, sizeof(path), "%s/review/index.sqlite", store_dir("corrupt"));
	(void)testutil_write(store_dir("corrupt"), "review/index.sqlite",
	    "this is not a database, it was cut short by a crash....");
	(void)testutil_write(store_dir("corrupt"), "00000000000000ff",
	    "guardian-quarantine: 1\nid: 00000000000000ff\n");
	qs = open_store("corrupt");
	CU_ASSERT_EQUAL(qstore_list(qs, &f, collect, n), 0);
	CU_ASSERT_EQUAL(n[0], 2);
	/* filters */
	n[0] = 0;
	f.since = 15;
	f.sender = "TEACHER@";
	f.recipient = "other@";
	f.rule = "hold-grades";
	CU_ASSERT_EQUAL(qstore_list(qs, &f, collect, n), 0);
	CU_ASSERT_EQUAL(n[0], 1);
	n[0] = 0;
	f.rule = "hold";
	CU_ASSERT_EQUAL(qstore_list(qs, &f, collect, n), 0);
	CU_ASSERT_EQUAL(n[0], 0);
	CU_ASSERT_EQUAL(qstore_reindex(qs, &k), 0);
	CU_ASSERT_EQUAL(k, 2);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
qstore_release_is_refused_the_second_time(void)
{
	struct qstore *qs = open_store("release");
	struct message *msg = held_message(10);
	struct verdict *v = held_verdict();
	struct qstore_filter f = {0, NULL, NULL, NULL, QSTORE_RELEASED};
	struct qstore_entry e;
	char id[QSTORE_ID_SIZE];
	int n[2] = {0, -1};

	CU_ASSERT_EQUAL_FATAL(qstore_put(qs, id, msg, NULL, 0, v, 10), 0);
	CU_ASSERT_EQUAL(qstore_claim_release(qs, id, "alice", "ok", 11), 0);
	CU_ASSERT_EQUAL(qstore_claim_release(qs, id, "bob", "ok", 12), 1);
	CU_ASSERT_EQUAL(qstore_get(&e, qs, id), 0);
	CU_ASSERT_EQUAL(e.status, QSTORE_RELEASED);
	CU_ASSERT_STRING_EQUAL(e.status_by, "alice");
	qstore_entry_free(&e);
	CU_ASSERT_EQUAL(qstore_list(qs, &f, collect, n), 0);
	CU_ASSERT_EQUAL(n[0], 1);
	/* a failed delivery takes the claim back */
	CU_ASSERT_EQUAL(qstore_unclaim_release(qs, id), 0);
	CU_ASSERT_EQUAL(qstore_claim_release(qs, id, "bob", "ok", 13), 0);
	/* deleted: gone for show and release */
	CU_ASSERT_EQUAL(qstore_delete(qs, id, "alice", "retention", 14), 0);
	CU_ASSERT_EQUAL(qstore_delete(qs, id, "alice", "retention", 14), 1);
	CU_ASSERT_EQUAL(qstore_get(&e, qs, id), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(qstore_claim_release(qs, id, "bob", "x", 15), 1);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
qstore_two_reviewers_releasing_at_once_one_wins(void)
{
	struct qstore *qs = open_store("race");
	struct message *msg = held_message(10);
	struct verdict *v = held_verdict();
	char id[QSTORE_ID_SIZE], go;
	int gate[2], status, wins = 0, round, k;
	pid_t pid[8];

	CU_ASSERT_EQUAL_FATAL(qstore_put(qs, id, msg, NULL, 0, v, 10), 0);
	qstore_close(qs);
	for (round = 0; round < 3; round++) {
		CU_ASSERT_FATAL(pipe(gate) == 0);
		for (k = 0; k < 8; k++) {
			if ((pid[k] = fork()) == 0) {
				(void)close(gate[1]);
				(void)read(gate[0], &go, 1); /* all at once */
				qs = open_store("race");
				k = qstore_claim_release(qs, id, "r", "x", 11);
				qstore_close(qs);
				verdict_free(v);
				message_free(msg);
				/* not 0 or 1: a checker's own exit status */
				_exit(k == 0 ? 10 : 11);
			}
		}
		(void)close(gate[0]);
		(void)close(gate[1]); /* EOF wakes them all */
		for (k = 0; k < 8; k++) {
			CU_ASSERT_FATAL(waitpid(pid[k], &status, 0) == pid[k]);
			if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
				wins++;
		}
		CU_ASSERT_EQUAL(wins, 1);
		wins = 0;
		qs = open_store("race");
		CU_ASSERT_EQUAL(qstore_unclaim_release(qs, id), 0);
		qstore_close(qs);
	}
	verdict_free(v);
	message_free(msg);
}

static void
qstore_purge_removes_old_and_deleted_messages(void)
{
	struct qstore *qs = open_store("purge");
	struct message *msg = held_message(10);
	struct verdict *v = held_verdict();
	char old[QSTORE_ID_SIZE], young[QSTORE_ID_SIZE], path[4200];
	struct timespec times[2];
	size_t n;

	CU_ASSERT_EQUAL_FATAL(qstore_put(qs, old, msg, NULL, 0, v, 1000), 0);
	CU_ASSERT_EQUAL_FATAL(
	    qstore_put(qs, young, msg, NULL, 0, v, 1000 + 10 * 86400), 0);
	/* a write a crash cut off an hour ago, and one in progress */
	(void)testutil_write(store_dir("purge"), ".tmp.00000000000000aa", "x");
	(void)testutil_write(store_dir("purge"), ".tmp.00000000000000bb", "x");
	(void)snprintf(
	    path, sizeof(path), "%s/.tmp.00000000000000aa", store_dir("purge"));
	times[0].tv_sec = times[1].tv_sec = time(NULL) - 3700;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, path, times, 0), 0);
	CU_ASSERT_EQUAL(qstore_purge(qs, 5, 1000 + 11 * 86400, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	/* young, review/ and the write in progress */
	CU_ASSERT_EQUAL(count_files(store_dir("purge")), 3);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
qstore_audit_appends_one_escaped_line_per_action(void)
{
	struct qstore *qs = open_store("audit");
	char path[4200], buf[1024];
	struct stat st;
	FILE *fp;
	size_t n;

	CU_ASSERT_EQUAL(qstore_audit(qs, "alice", "release", "0123456789abcdef",
	                    "parent asked; OK", 1764884400),
	    0);
	CU_ASSERT_EQUAL(qstore_audit(qs, "bob", "delete", "0123456789abcdef",
	                    "forged\nuser=root \"x\"", 1764884401),
	    0);
	(void)snprintf(
	    path, sizeof(path), "%s/review/audit.log", store_dir("audit"));
	CU_ASSERT_STRING_EQUAL(qstore_audit_path(qs), path);
	/* every reviewer of the group appends to it */
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0660);
	fp = fopen(path, "r");
	CU_ASSERT_FATAL(fp != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	(void)fclose(fp);
	CU_ASSERT_STRING_EQUAL(buf,
	    "2025-12-04T21:40:00Z user=alice action=release "
	    "id=0123456789abcdef reason=\"parent asked; OK\"\n"
	    "2025-12-04T21:40:01Z user=bob action=delete "
	    "id=0123456789abcdef reason=\"forged\\x0auser=root \\\"x\\\"\"\n");
	qstore_close(qs);
}

static void
notice_template_variables_are_replaced(void)
{
	struct notice_vars nv = {"0123456789abcdef", "hold-grades",
	    "Policy 4150", "Use the portal.", "the office", "Grades",
	    "2026-12-04", 3};
	char *t = notice_expand("${id}|${rule}|${policy}|${why}|${contact}|"
	                        "${subject}|${date}|${recipients}|$x|${",
	    &nv);

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_STRING_EQUAL(t,
	    "0123456789abcdef|hold-grades|Policy 4150|"
	    "Use the portal.|the office|Grades|"
	    "2026-12-04|3|$x|${");
	free(t);
}

static void
notice_template_with_an_unknown_variable_is_refused(void)
{
	struct diag *dg = diag_new();
	struct config *cfg = NULL;
	const char *path = testutil_write(testutil_tmpdir(), "tpl.xml",
	    "<guardian-milter version=\"1\">\n<settings>\n<quarantine>\n"
	    "<notice-template>Held: ${id} ${studentname}</notice-template>\n"
	    "</quarantine>\n</settings>\n</guardian-milter>\n");
	size_t i;
	int found = 0;

	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_EQUAL(config_load(&cfg, path, dg), -1);
	for (i = 0; i < diag_kept(dg); i++)
		if (strstr(diag_text(dg, i),
		        "tpl.xml:4: <notice-template>: unknown variable "
		        "\"${studentname}\" (expected: id, rule, policy, why, "
		        "contact, subject, recipients, date)") != NULL)
			found = 1;
	CU_ASSERT(found);
	diag_free(dg);
}

static void
notice_is_not_sent_for_automatic_mail(void)
{
	static const struct {
		const char *sender, *headers;
		int want;
	} cases[] = {
	    {"teacher@district.example", "Subject: x\n", 1},
	    {"teacher@district.example", "Auto-Submitted: no\n", 1},
	    {"", "Subject: bounce\n", 0},
	    {"MAILER-DAEMON@district.example", "Subject: x\n", 0},
	    {"mailer-daemon", "Subject: x\n", 0},
	    {"teacher@district.example", "Auto-Submitted: auto-replied\n", 0},
	    {"teacher@district.example", "X-Guardian-Notice: held 01\n", 0},
	    {"teacher@district.example", "Precedence: bulk\n", 0},
	    /* the address the notices come from: a notice to it could
	     * come back */
	    {"Compliance@District.example", "Subject: x\n", 0},
	};
	struct message *msg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg = testutil_message(
		    cases[i].sender, "a@b.example", cases[i].headers, NULL);
		CU_ASSERT_FATAL(msg != NULL);
		if (notice_wanted(msg, "compliance@district.example") !=
		    cases[i].want)
			fprintf(
			    stderr, "case %zu: want %d\n", i, cases[i].want);
		CU_ASSERT_EQUAL(
		    notice_wanted(msg, "compliance@district.example"),
		    cases[i].want);
		message_free(msg);
	}
}

static void
notice_message_is_marked_automatic(void)
{
	char *m = notice_message("compliance@district.example",
	    "t@district.example\r\nBcc: x@evil.example", "held",
	    "0123456789abcdef", "line one\nline two\n");

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_STRING_EQUAL(m,
	    "From: District mail policy <compliance@district.example>\r\n"
	    "To: <t@district.example  Bcc: x@evil.example>\r\n"
	    "Subject: Your message was held for review (quarantine "
	    "0123456789abcdef)\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "Precedence: bulk\r\n"
	    "X-Guardian-Notice: held 0123456789abcdef\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "line one\r\nline two\r\n");
	free(m);
}

/* Not an assertion: how long one durable store of a 1 MB message
 * takes on this machine (the figure in the documentation). */
static void
qstore_put_of_one_megabyte_is_timed(void)
{
	struct qstore *qs = open_store("timed");
	struct message *msg = held_message(1024 * 1024);
	struct verdict *v = held_verdict();
	char id[QSTORE_ID_SIZE];
	struct timespec a, b;
	double ms[5];
	int i;

	for (i = 0; i < 5; i++) {
		(void)clock_gettime(CLOCK_MONOTONIC, &a);
		CU_ASSERT_EQUAL(
		    qstore_put(qs, id, msg, HEADERS, strlen(HEADERS), v, 1), 0);
		(void)clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	fprintf(stderr, "\n  1 MB durable store: %.1f %.1f %.1f %.1f %.1f ms\n",
	    ms[0], ms[1], ms[2], ms[3], ms[4]);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
}

static void
sha256_matches_the_fips_examples(void)
{
	static const char million_a[] =
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	struct sha256 s;
	char hex[SHA256_HEX_SIZE], a[1000];
	int i;

	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, hex);
	CU_ASSERT_STRING_EQUAL(hex,
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	sha256_init(&s);
	sha256_update(
	    &s, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	sha256_final(&s, hex);
	CU_ASSERT_STRING_EQUAL(hex,
	    "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, a, sizeof(a));
	sha256_final(&s, hex);
	CU_ASSERT_STRING_EQUAL(hex, million_a);
}

/* A released message coming back matches its pass by envelope and body
 * (the header may change on the way: the MTA adds fields), once. */
static void
qstore_release_pass_lets_the_message_back_once(void)
{
	struct qstore *qs = open_store("pass");
	struct message *msg = held_message(5000);
	struct message *other = held_message(4999);
	struct verdict *v = held_verdict();
	char id[QSTORE_ID_SIZE], got[QSTORE_ID_SIZE];
	char held[QSTORE_DIGEST_SIZE], back[QSTORE_DIGEST_SIZE];
	char differs[QSTORE_DIGEST_SIZE];

	CU_ASSERT_EQUAL_FATAL(
	    qstore_put(qs, id, msg, HEADERS, strlen(HEADERS), v, 1), 0);
	CU_ASSERT_EQUAL_FATAL(qstore_held_digest(held, qs, id), 0);
	(void)message_add_header(msg, "Date", "Fri, 4 Dec 2026 21:00:00 +0000");
	CU_ASSERT_EQUAL_FATAL(qstore_message_digest(back, msg), 0);
	CU_ASSERT_STRING_EQUAL(held, back);
	CU_ASSERT_EQUAL_FATAL(qstore_message_digest(differs, other), 0);
	CU_ASSERT_STRING_NOT_EQUAL(held, differs);
	CU_ASSERT_EQUAL(qstore_pass_take(qs, back, got), 0);
	CU_ASSERT_EQUAL(qstore_pass_create(qs, held, id), 0);
	CU_ASSERT_EQUAL(qstore_pass_take(qs, differs, got), 0);
	CU_ASSERT_EQUAL(qstore_pass_take(qs, back, got), 1);
	CU_ASSERT_STRING_EQUAL(got, id);
	CU_ASSERT_EQUAL(qstore_pass_take(qs, back, got), 0);
	CU_ASSERT_EQUAL(qstore_pass_create(qs, "../../x", id), -1);
	qstore_close(qs);
	verdict_free(v);
	message_free(msg);
	message_free(other);
}

static CU_TestInfo tests[] = {
    {"sha256_matches_the_fips_examples", sha256_matches_the_fips_examples},
    {"qstore_release_pass_lets_the_message_back_once",
        qstore_release_pass_lets_the_message_back_once},
    {"qstore_put_keeps_the_message_and_envelope_whole",
        qstore_put_keeps_the_message_and_envelope_whole},
    {"qstore_put_without_fields_as_received_uses_the_stored_ones",
        qstore_put_without_fields_as_received_uses_the_stored_ones},
    {"qstore_put_write_error_fails_and_leaves_nothing",
        qstore_put_write_error_fails_and_leaves_nothing},
    {"qstore_put_refuses_a_body_not_stored_whole",
        qstore_put_refuses_a_body_not_stored_whole},
    {"qstore_open_refuses_a_writable_directory",
        qstore_open_refuses_a_writable_directory},
    {"qstore_ids_are_checked", qstore_ids_are_checked},
    {"qstore_corrupt_index_is_rebuilt_from_the_files",
        qstore_corrupt_index_is_rebuilt_from_the_files},
    {"qstore_release_is_refused_the_second_time",
        qstore_release_is_refused_the_second_time},
    {"qstore_two_reviewers_releasing_at_once_one_wins",
        qstore_two_reviewers_releasing_at_once_one_wins},
    {"qstore_purge_removes_old_and_deleted_messages",
        qstore_purge_removes_old_and_deleted_messages},
    {"qstore_audit_appends_one_escaped_line_per_action",
        qstore_audit_appends_one_escaped_line_per_action},
    {"notice_template_variables_are_replaced",
        notice_template_variables_are_replaced},
    {"notice_template_with_an_unknown_variable_is_refused",
        notice_template_with_an_unknown_variable_is_refused},
    {"notice_is_not_sent_for_automatic_mail",
        notice_is_not_sent_for_automatic_mail},
    {"notice_message_is_marked_automatic", notice_message_is_marked_automatic},
    {"qstore_put_of_one_megabyte_is_timed",
        qstore_put_of_one_megabyte_is_timed},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"qstore", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_qstore", suites);
}
