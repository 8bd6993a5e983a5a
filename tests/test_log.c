/*
 * test_log.c - logging: the printable filter, sinks, levels, stderr lines
 */
#include "autoconf.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "log.h"
#include "testutil.h"

/* ---- the printable filter ---------------------------------------------- */

static const struct {
	const char *label;
	const char *in;
	size_t inlen;
	const char *want;
} printable_cases[] = {
    {"plain ASCII", "from=<a@b.example> size=10", 26,
        "from=<a@b.example> size=10"},
    {"CR LF", "x\r\nForged: line", 15, "x\\x0d\\x0aForged: line"},
    {"tab escape delete", "a\tb\x1b[2Jc\x7f", 9, "a\\x09b\\x1b[2Jc\\x7f"},
    {"NUL inside", "a\0b", 3, "a\\x00b"},
    {"UTF-8 two, three, four bytes",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    {"stray continuation byte", "a\x80z", 3, "a\\x80z"},
    {"invalid lead byte", "\xff\xfe", 2, "\\xff\\xfe"},
    {"truncated sequence at end", "ok\xe2\x82", 4, "ok\\xe2\\x82"},
    {"overlong encoding", "\xc0\xaf", 2, "\\xc0\\xaf"},
    {"overlong three bytes", "\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf"},
    {"surrogate", "\xed\xa0\x80", 3, "\\xed\\xa0\\x80"},
    {"past U+10FFFF", "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80"},
    {"C1 control NEL", "a\xc2\x85z", 4, "a\\xc2\\x85z"},
    {"first character after C1", "\xc2\xa0", 2, "\xc2\xa0"},
    {"backslash kept", "a\\x0a", 5, "a\\x0a"},
};

static void
log_printable_filters_control_and_invalid_bytes(void)
{
	char out[256];
	size_t i, n;

	for (i = 0; i < sizeof(printable_cases) / sizeof(printable_cases[0]);
	     i++) {
		n = log_printable(out, sizeof(out), printable_cases[i].in,
		    printable_cases[i].inlen);
		if (strcmp(out, printable_cases[i].want) != 0) {
			fprintf(stderr, "%s: got [%s]\n",
			    printable_cases[i].label, out);
			CU_FAIL(printable_cases[i].label);
		}
		CU_ASSERT_EQUAL(n, strlen(printable_cases[i].want));
	}
}

static void
log_printable_truncates_between_whole_units(void)
{
	char out[8];
	size_t n;

	/* "ab" + "\x0a" would need 6 + NUL = 7 bytes: fits in 8 */
	n = log_printable(out, sizeof(out), "ab\ncd", 5);
	CU_ASSERT_STRING_EQUAL(out, "ab\\x0ac");
	CU_ASSERT_EQUAL(n, 7);
	/* an escape that does not fit is left out whole */
	n = log_printable(out, 6, "abc\ndef", 7);
	CU_ASSERT_STRING_EQUAL(out, "abc");
	CU_ASSERT_EQUAL(n, 3);
	/* so is a UTF-8 sequence */
	n = log_printable(out, 6, "abc\xe2\x82\xac", 6);
	CU_ASSERT_STRING_EQUAL(out, "abc");
	CU_ASSERT_EQUAL(n, 3);
	n = log_printable(out, 1, "abc", 3);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(n, 0);
}

/* ---- sink, levels, prefixes -------------------------------------------- */

struct seen {
	int prio;
	int calls;
	char line[BOUND_LOG_LINE + 1];
};

/* keep_last - sink keeping the last line and its priority */
static void
keep_last(int prio, const char *line, void *arg)
{
	struct seen *s = arg;

	s->prio = prio;
	s->calls++;
	(void)snprintf(s->line, sizeof(s->line), "%s", line);
}

static void
log_sink_receives_filtered_lines_with_priority(void)
{
	struct seen s = {0};

	log_set_sink(keep_last, &s);
	log_warn("cannot parse \"%s\"", "a\nb");
	CU_ASSERT_EQUAL(s.calls, 1);
	CU_ASSERT_EQUAL(s.prio, LOG_WARNING);
	CU_ASSERT_STRING_EQUAL(s.line, "cannot parse \"a\\x0ab\"");
	log_err("e%d", 1);
	CU_ASSERT_EQUAL(s.prio, LOG_ERR);
	CU_ASSERT_STRING_EQUAL(s.line, "e1");
	log_notice("n");
	CU_ASSERT_EQUAL(s.prio, LOG_NOTICE);
	log_info("i");
	CU_ASSERT_EQUAL(s.prio, LOG_INFO);
	CU_ASSERT_EQUAL(s.calls, 4);
	log_set_sink(NULL, NULL);
}

static void
log_level_drops_less_severe_lines(void)
{
	struct seen s = {0};

	log_set_sink(keep_last, &s);
	log_debug("not by default");
	CU_ASSERT_EQUAL(s.calls, 0);
	log_set_level(LOG_DEBUG);
	log_debug("now %s", "yes");
	CU_ASSERT_EQUAL(s.calls, 1);
	CU_ASSERT_EQUAL(s.prio, LOG_DEBUG);
	CU_ASSERT_STRING_EQUAL(s.line, "now yes");
	log_set_level(LOG_WARNING);
	log_info("dropped");
	log_notice("dropped");
	CU_ASSERT_EQUAL(s.calls, 1);
	log_warn("kept");
	log_err("kept too");
	CU_ASSERT_EQUAL(s.calls, 3);
	log_msg("Q1", LOG_INFO, "dropped");
	CU_ASSERT_EQUAL(s.calls, 3);
	log_set_level(LOG_INFO);
	log_set_sink(NULL, NULL);
}

static void
log_msg_prefixes_the_queue_id(void)
{
	testutil_log_capture();
	log_msg("4XyZ1", LOG_INFO, "verdict=%s rule=%s", "reject", "r1");
	log_msg(NULL, LOG_NOTICE, "no queue id yet");
	log_msg("", LOG_WARNING, "empty queue id");
	log_msg("Q\r\nX", LOG_INFO, "hostile id");
	CU_ASSERT_STRING_EQUAL(testutil_log_all(),
	    "4XyZ1: verdict=reject rule=r1\n"
	    "NOQUEUE: no queue id yet\n"
	    "NOQUEUE: empty queue id\n"
	    "\"Q\\x0d\\x0aX\": hostile id\n");
	testutil_log_release();
}

/* keys - how many pairs named key a key=value reader finds in line:
 * words split at spaces outside double quotes, a backslash escaping the
 * next byte inside them */
static size_t
keys(const char *line, const char *key)
{
	size_t n = 0, klen = strlen(key);
	const char *p = line;
	int quoted;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=')
			n++;
		for (quoted = 0; *p != '\0' && (quoted || *p != ' '); p++) {
			if (quoted && *p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = !quoted;
		}
	}
	return n;
}

static void
log_value_quotes_what_could_forge_a_key(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"<rivera@district.example>", "<rivera@district.example>"},
	    {"", "\"\""},
	    {"<\"x> rcpts=0 verdict=accept rule=none\"@evil.example>",
	        "\"<\\\"x> rcpts=0 verdict=accept rule=none\\\"@evil.example>\""},
	    {"a=b", "\"a=b\""},
	    {"back\\slash", "\"back\\\\slash\""},
	    {"tab\there", "\"tab\there\""},
	    {"caf\xc3\xa9@x", "caf\xc3\xa9@x"},
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(
		    log_value(out, sizeof(out), cases[i].in), cases[i].want);
}

static void
log_value_cuts_inside_the_quotes(void)
{
	char out[12];

	CU_ASSERT_STRING_EQUAL(
	    log_value(out, sizeof(out), "a b c d e f g h"), "\"a b c ...\"");
	CU_ASSERT_STRING_EQUAL(log_value(out, sizeof(out), "\"\"\"\"\"\"\"\""),
	    "\"\\\"\\\"\\\"...\"");
	CU_ASSERT_STRING_EQUAL(
	    log_value(out, sizeof(out), "abcdefghijklmnop"), "abcdefgh...");
	CU_ASSERT_STRING_EQUAL(log_value(out, sizeof(out), "a b"), "\"a b\"");
}

static void
log_line_with_a_hostile_sender_has_one_verdict_key(void)
{
	char from[BOUND_LOG_VALUE];
	const char *line;

	testutil_log_capture();
	log_msg("Q1", LOG_INFO, "verdict=reject from=%s rcpts=1",
	    log_value(from, sizeof(from),
	        "<\"x> rcpts=0 verdict=accept rule=none\"@evil.example>"));
	line = testutil_log_all();
	CU_ASSERT_EQUAL(keys(line, "verdict"), 1);
	CU_ASSERT_EQUAL(keys(line, "rcpts"), 1);
	CU_ASSERT_EQUAL(keys(line, "rule"), 0);
	/* the reader is not blind: a forged pair outside quotes counts */
	testutil_log_release();
	testutil_log_capture();
	log_msg("Q1", LOG_INFO, "verdict=reject from=<%s> rcpts=1",
	    "x> rcpts=0 verdict=accept rule=none @evil.example");
	CU_ASSERT_EQUAL(keys(testutil_log_all(), "verdict"), 2);
	testutil_log_release();
}

static void
log_cuts_long_lines_with_an_ellipsis(void)
{
	struct seen s = {0};
	char *big;
	size_t len;

	big = malloc(2 * BOUND_LOG_LINE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'a', 2 * BOUND_LOG_LINE - 1);
	big[2 * BOUND_LOG_LINE - 1] = '\0';
	log_set_sink(keep_last, &s);
	log_info("%s", big);
	len = strlen(s.line);
	CU_ASSERT_EQUAL(len, BOUND_LOG_LINE);
	CU_ASSERT_STRING_EQUAL(s.line + len - 4, "a...");
	/* a line of exactly BOUND_LOG_LINE bytes is not cut */
	big[BOUND_LOG_LINE] = '\0';
	log_info("%s", big);
	CU_ASSERT_EQUAL(strlen(s.line), BOUND_LOG_LINE);
	CU_ASSERT_STRING_EQUAL(s.line + BOUND_LOG_LINE - 3, "aaa");
	/* the queue id prefix counts towards the length */
	log_msg("QID", LOG_INFO, "%s", big);
	CU_ASSERT_EQUAL(strlen(s.line), BOUND_LOG_LINE);
	CU_ASSERT_STRING_EQUAL(s.line + BOUND_LOG_LINE - 4, "a...");
	CU_ASSERT_EQUAL(strncmp(s.line, "QID: aaa", 8), 0);
	log_set_sink(NULL, NULL);
	free(big);
}

static void
log_cuts_lines_that_grow_when_escaped(void)
{
	struct seen s = {0};
	char ctl[BOUND_LOG_LINE / 2];
	size_t len;

	memset(ctl, '\n', sizeof(ctl) - 1);
	ctl[sizeof(ctl) - 1] = '\0';
	log_set_sink(keep_last, &s);
	log_info("x%s", ctl);
	len = strlen(s.line);
	CU_ASSERT(len <= BOUND_LOG_LINE);
	CU_ASSERT(len > BOUND_LOG_LINE - 8);
	CU_ASSERT_STRING_EQUAL(s.line + len - 7, "\\x0a...");
	CU_ASSERT_EQUAL(strncmp(s.line, "x\\x0a", 5), 0);
	log_set_sink(NULL, NULL);
}

/* ---- stderr, fatal, panic ---------------------------------------------- */

/* with_stderr_to - run fn with stderr sent to a temporary file and return
 * what was written (static buffer) */
static const char *
with_stderr_to(void (*fn)(void))
{
	static char out[1024];
	FILE *fp;
	int saved;
	size_t n;

	out[0] = '\0';
	fflush(stderr);
	if ((fp = tmpfile()) == NULL || (saved = dup(2)) < 0) {
		CU_FAIL("cannot redirect stderr");
		return out;
	}
	dup2(fileno(fp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(fp);
	n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	fclose(fp);
	return out;
}

/* stderr_lines - what log_init(..., 1) produces */
static void
stderr_lines(void)
{
	log_init("gm-test", 1);
	log_warn("disk %s", "full");
	log_msg("ABC", LOG_INFO, "verdict=accept");
	log_err("bad\nline");
	log_notice("n");
	log_debug("dropped at the default level");
}

static void
log_to_stderr_writes_ident_pid_and_level(void)
{
	const char *got = with_stderr_to(stderr_lines);
	char want[512];
	long pid = (long)getpid();

	(void)snprintf(want, sizeof(want),
	    "gm-test[%ld]: warning: disk full\n"
	    "gm-test[%ld]: info: ABC: verdict=accept\n"
	    "gm-test[%ld]: error: bad\\x0aline\n"
	    "gm-test[%ld]: notice: n\n",
	    pid, pid, pid, pid);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* sink_wins - a sink takes the lines even in stderr mode */
static void
sink_wins(void)
{
	struct seen s = {0};

	log_init("gm-test", 1);
	log_set_sink(keep_last, &s);
	log_warn("to the sink");
	log_set_sink(NULL, NULL);
	CU_ASSERT_STRING_EQUAL(s.line, "to the sink");
}

static void
log_sink_replaces_stderr(void)
{
	CU_ASSERT_STRING_EQUAL(with_stderr_to(sink_wins), "");
}

/* run_child - fork, run fn in the child with stderr on a pipe, and return
 * the wait status and (static) what the child wrote */
static const char *
run_child(void (*fn)(void), int *status, long *pid)
{
	static char out[1024];
	int fds[2];
	size_t off = 0;
	ssize_t n;
	pid_t child;

	out[0] = '\0';
	*status = -1;
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) != 0 || (child = fork()) < 0) {
		CU_FAIL("cannot fork");
		return out;
	}
	if (child == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(99);
	}
	close(fds[1]);
	while (off < sizeof(out) - 1 &&
	    (n = read(fds[0], out + off, sizeof(out) - 1 - off)) > 0)
		off += (size_t)n;
	out[off] = '\0';
	close(fds[0]);
	waitpid(child, status, 0);
	*pid = (long)child;
	return out;
}

/* fatal_child - log_fatal with a sysexits code */
static void
fatal_child(void)
{
	log_init("gm-test", 1);
	log_fatal(78, "cannot read %s: %s", "/etc/x.xml", "No such file");
}

/* panic_child - log_panic */
static void
panic_child(void)
{
	log_init("gm-test", 1);
	log_panic("snapshot refcount %d below zero", -1);
}

static void
log_fatal_logs_and_exits_with_status(void)
{
	char want[256];
	const char *got;
	int status;
	long pid;

	got = run_child(fatal_child, &status, &pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 78);
	(void)snprintf(want, sizeof(want),
	    "gm-test[%ld]: fatal: cannot read /etc/x.xml: No such file\n", pid);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void
log_panic_logs_and_aborts(void)
{
	char want[256];
	const char *got;
	int status;
	long pid;

	got = run_child(panic_child, &status, &pid);
	CU_ASSERT_TRUE(WIFSIGNALED(status));
	CU_ASSERT_EQUAL(WTERMSIG(status), SIGABRT);
	(void)snprintf(want, sizeof(want),
	    "gm-test[%ld]: panic: snapshot refcount -1 below zero\n", pid);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* crit_sink - write "prio|line" to stderr (the pipe in run_child) */
static void
crit_sink(int prio, const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "%d|%s\n", prio, line);
}

/* fatal_sink_child - log_fatal with a sink set */
static void
fatal_sink_child(void)
{
	log_set_sink(crit_sink, NULL);
	log_fatal(70, "out of %s", "luck");
}

static void
log_fatal_goes_to_the_sink_at_crit(void)
{
	char want[64];
	const char *got;
	int status;
	long pid;

	got = run_child(fatal_sink_child, &status, &pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 70);
	(void)snprintf(want, sizeof(want), "%d|out of luck\n", LOG_CRIT);
	CU_ASSERT_STRING_EQUAL(got, want);
}

/* ---- threads ------------------------------------------------------------ */

#define THREADS 4
#define LINES 500

/* count_lines - sink counting lines and checking their shape */
static void
count_lines(int prio, const char *line, void *arg)
{
	int *counts = arg;
	int t, i;

	(void)prio;
	if (sscanf(line, "NOQUEUE: thread %d line %d", &t, &i) == 2 && t >= 0 &&
	    t < THREADS)
		counts[t]++;
	else
		counts[THREADS]++;
}

/* logger - one thread's share */
static void *
logger(void *arg)
{
	int t = *(int *)arg, i;

	for (i = 0; i < LINES; i++)
		log_msg(NULL, LOG_INFO, "thread %d line %d", t, i);
	return NULL;
}

static void
log_is_safe_from_several_threads(void)
{
	pthread_t th[THREADS];
	int ids[THREADS], counts[THREADS + 1] = {0}, t;

	log_set_sink(count_lines, counts);
	for (t = 0; t < THREADS; t++) {
		ids[t] = t;
		CU_ASSERT_EQUAL(
		    pthread_create(&th[t], NULL, logger, &ids[t]), 0);
	}
	for (t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	log_set_sink(NULL, NULL);
	for (t = 0; t < THREADS; t++)
		CU_ASSERT_EQUAL(counts[t], LINES);
	CU_ASSERT_EQUAL(counts[THREADS], 0);
}

static CU_TestInfo log_tests[] = {
    {"log_value_quotes_what_could_forge_a_key",
        log_value_quotes_what_could_forge_a_key},
    {"log_value_cuts_inside_the_quotes", log_value_cuts_inside_the_quotes},
    {"log_line_with_a_hostile_sender_has_one_verdict_key",
        log_line_with_a_hostile_sender_has_one_verdict_key},
    {"log_printable_filters_control_and_invalid_bytes",
        log_printable_filters_control_and_invalid_bytes},
    {"log_printable_truncates_between_whole_units",
        log_printable_truncates_between_whole_units},
    {"log_sink_receives_filtered_lines_with_priority",
        log_sink_receives_filtered_lines_with_priority},
    {"log_level_drops_less_severe_lines", log_level_drops_less_severe_lines},
    {"log_msg_prefixes_the_queue_id", log_msg_prefixes_the_queue_id},
    {"log_cuts_long_lines_with_an_ellipsis",
        log_cuts_long_lines_with_an_ellipsis},
    {"log_cuts_lines_that_grow_when_escaped",
        log_cuts_lines_that_grow_when_escaped},
    {"log_to_stderr_writes_ident_pid_and_level",
        log_to_stderr_writes_ident_pid_and_level},
    {"log_sink_replaces_stderr", log_sink_replaces_stderr},
    {"log_fatal_logs_and_exits_with_status",
        log_fatal_logs_and_exits_with_status},
    {"log_panic_logs_and_aborts", log_panic_logs_and_aborts},
    {"log_fatal_goes_to_the_sink_at_crit", log_fatal_goes_to_the_sink_at_crit},
    {"log_is_safe_from_several_threads", log_is_safe_from_several_threads},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"log", NULL, NULL, NULL, NULL, log_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_log", suites);
}
