/*
 * pdf.c - the text of a PDF, read by guardian-pdftext in a process of
 * its own
 *
 * A PDF parser is a large attack surface and can spend minutes on one
 * page, so poppler never runs inside the filter. The reader is started
 * with posix_spawn() (no shell; the filter's descriptors closed: its
 * own pipes are close-on-exec, and every descriptor past stderr is
 * closed in the child where the C library can), given the PDF on its
 * stdin and read on its stdout, both through poll() under one wall
 * clock (BOUND_PDF_SECONDS). Past it the reader is killed (SIGKILL) and
 * reaped. It sets its own CPU, memory and file size limits from its
 * arguments before it parses anything. At most BOUND_PDF_HELPERS run at
 * once in the process. Whatever goes wrong is a finding.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "extract.h"
#include "extract/extract_int.h"

extern char **environ;

/* The reader's exit codes (pdftext.c). */
#define PDFTEXT_ENCRYPTED 3
#define PDFTEXT_DAMAGED 4

/* ---- the slots ---------------------------------------------------------- */

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_free;
static pthread_once_t slot_once = PTHREAD_ONCE_INIT;
static int slots_used;

/* slot_start - the condition variable waits on the monotonic clock */
static void
slot_start(void)
{
	pthread_condattr_t a;

	(void)pthread_condattr_init(&a);
	(void)pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&slot_free, &a);
	(void)pthread_condattr_destroy(&a);
}

/* slot_take - one of BOUND_PDF_HELPERS slots, waiting until deadline;
 * 0, or -1 when none came free in time */
static int
slot_take(const struct timespec *deadline)
{
	int rc = 0;

	(void)pthread_once(&slot_once, slot_start);
	(void)pthread_mutex_lock(&slot_lock);
	while (slots_used >= BOUND_PDF_HELPERS && rc == 0)
		if (pthread_cond_timedwait(&slot_free, &slot_lock, deadline) ==
		    ETIMEDOUT)
			rc = slots_used >= BOUND_PDF_HELPERS ? -1 : 0;
	if (rc == 0)
		slots_used++;
	(void)pthread_mutex_unlock(&slot_lock);
	return rc;
}

/* slot_give - give a slot back */
static void
slot_give(void)
{
	(void)pthread_mutex_lock(&slot_lock);
	slots_used--;
	(void)pthread_cond_signal(&slot_free);
	(void)pthread_mutex_unlock(&slot_lock);
}

/* ---- the clock ------------------------------------------------------------
 */

/* ms_left - milliseconds until deadline, 0 once passed */
static int
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* ---- one run of the reader ---------------------------------------------- */

/* How one run ended. */
struct run {
	pid_t pid;
	int in, out; /* our ends: its stdin, its stdout */
	int timed_out, cut, write_error;
	int status; /* waitpid()'s */
};

/* spawn - start the reader at path with its limits; 0, or an errno */
static int
spawn(struct run *u, const char *path)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char cpu[32], mem[32];
	char *argv[] = {(char *)(uintptr_t)path, (char *)(uintptr_t) "-t", cpu,
	    (char *)(uintptr_t) "-m", mem, NULL};
	int in[2] = {-1, -1}, out[2] = {-1, -1}, rc;
	sigset_t none, dfl;

	(void)snprintf(cpu, sizeof(cpu), "%d", BOUND_PDF_CPU_SECONDS);
	(void)snprintf(mem, sizeof(mem), "%lld", (long long)BOUND_PDF_MEMORY);
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1) {
		rc = errno;
		goto fail;
	}
	(void)posix_spawn_file_actions_init(&fa);
	(void)posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	(void)posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	(void)posix_spawn_file_actions_addopen(
	    &fa, 2, "/dev/null", O_WRONLY, 0);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	(void)posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	/* the filter's threads block every signal: the reader starts
	 * with none blocked and the usual ones at their defaults */
	(void)posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGXCPU);
	sigaddset(&dfl, SIGXFSZ);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGINT);
	(void)posix_spawnattr_setsigmask(&at, &none);
	(void)posix_spawnattr_setsigdefault(&at, &dfl);
	(void)posix_spawnattr_setflags(
	    &at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&u->pid, path, &fa, &at, argv, environ);
	(void)posix_spawn_file_actions_destroy(&fa);
	(void)posix_spawnattr_destroy(&at);
	if (rc != 0)
		goto fail;
	(void)close(in[0]);
	(void)close(out[1]);
	u->in = in[1];
	u->out = out[0];
	(void)fcntl(u->in, F_SETFL, O_NONBLOCK);
	(void)fcntl(u->out, F_SETFL, O_NONBLOCK);
	return 0;
fail:
	if (in[0] != -1) {
		(void)close(in[0]);
		(void)close(in[1]);
	}
	if (out[0] != -1) {
		(void)close(out[0]);
		(void)close(out[1]);
	}
	return rc;
}

/* pump - feed data to the reader and read its text into text until it
 * closes its stdout, the text is full or the deadline passes; -1 on
 * ENOMEM */
static int
pump(struct run *u, const char *data, size_t len, struct buf *text,
    const struct timespec *deadline)
{
	char chunk[16384];
	struct pollfd p[2];
	size_t sent = 0;
	ssize_t n;
	int ms;

	while (u->out != -1) {
		if ((ms = ms_left(deadline)) == 0) {
			u->timed_out = 1;
			return 0;
		}
		p[0].fd = u->out;
		p[0].events = POLLIN;
		p[1].fd = u->in;
		p[1].events = POLLOUT;
		if (poll(p, u->in != -1 ? 2 : 1, ms) == -1) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		if (u->in != -1 && (p[1].revents & (POLLOUT | POLLERR))) {
			n = write(u->in, data + sent, len - sent);
			if (n > 0)
				sent += (size_t)n;
			else if (n == -1 && errno != EAGAIN && errno != EINTR)
				u->write_error = 1;
			if (sent == len || u->write_error) {
				(void)close(u->in);
				u->in = -1;
			}
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(u->out, chunk, sizeof(chunk));
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			(void)close(u->out);
			u->out = -1;
			break;
		}
		if (buf_append(text, chunk, (size_t)n) != BUF_OK) {
			if (text->max - text->len > 0 &&
			    buf_append(text, chunk, text->max - text->len) ==
			        BUF_NOMEM)
				return -1;
			if (text->len < text->max)
				return -1;
			u->cut = 1;
			return 0;
		}
	}
	return 0;
}

/* reap - wait for the reader until deadline, then kill it; it is
 * always reaped */
static void
reap(struct run *u, const struct timespec *deadline)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	pid_t r;

	if (u->in != -1)
		(void)close(u->in);
	if (u->out != -1)
		(void)close(u->out);
	u->in = u->out = -1;
	while (!u->timed_out && !u->cut &&
	    (r = waitpid(u->pid, &u->status, WNOHANG)) == 0) {
		if (ms_left(deadline) == 0)
			u->timed_out = 1;
		else
			(void)nanosleep(&pause, NULL);
	}
	if (u->timed_out || u->cut) {
		(void)kill(u->pid, SIGKILL);
		while (waitpid(u->pid, &u->status, 0) == -1 && errno == EINTR)
			continue;
	}
}

/* run_reader - the whole run with SIGPIPE held off: a reader that exits
 * before it read the whole PDF must not kill the filter or a
 * guardianctl run. A SIGPIPE this thread caused is taken back. */
static int
run_reader(struct run *u, const char *data, size_t len, struct buf *text,
    const struct timespec *deadline)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = {0, 0};
	int was_pending, rc;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	(void)pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	(void)sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	rc = pump(u, data, len, text, deadline);
	reap(u, deadline);
	(void)sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&pipe_set, NULL, &zero);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* outcome - the finding for a run that did not end well, or 0 */
static int
outcome(struct xrun *r, const struct run *u, const char *path)
{
	int code, sig;

	if (u->timed_out)
		return x_finding(r, CONTENT_LIMIT_TIME, path,
		    "PDF reader timed out after %d s", BOUND_PDF_SECONDS);
	if (WIFSIGNALED(u->status)) {
		sig = WTERMSIG(u->status);
		/* RLIMIT_CPU: SIGXCPU, then SIGKILL */
		if (sig == SIGXCPU || sig == SIGKILL)
			return x_finding(r, CONTENT_LIMIT_TIME, path,
			    "PDF reader passed %d s of CPU",
			    BOUND_PDF_CPU_SECONDS);
		return x_finding(r, CONTENT_LIMIT_UNDECODABLE, path,
		    "PDF reader failed (signal %d)", sig);
	}
	code = WIFEXITED(u->status) ? WEXITSTATUS(u->status) : -1;
	if (code == 0)
		return 0;
	/* the child's exec failed where posix_spawn() cannot tell (an
	 * older C library, or under valgrind) */
	if (code == 127)
		return x_finding(r, CONTENT_LIMIT_UNREAD, path,
		    "the PDF reader %s could not be started (exit status 127)",
		    extract_pdftext_path());
	if (code == PDFTEXT_ENCRYPTED)
		return x_finding(r, CONTENT_LIMIT_ENCRYPTED, path, "encrypted");
	if (code == PDFTEXT_DAMAGED)
		return x_finding(
		    r, CONTENT_LIMIT_UNDECODABLE, path, "a damaged PDF");
	return x_finding(r, CONTENT_LIMIT_UNDECODABLE, path,
	    "PDF reader failed (exit status %d)", code);
}

int
pdf_read(struct xrun *r, const void *data, size_t len, const char *path)
{
	struct run u = {-1, -1, -1, 0, 0, 0, 0};
	struct timespec deadline;
	const char *helper = extract_pdftext_path();
	struct buf text;
	int rc, err;

	if (r->b->text_room == 0)
		return x_finding(r, CONTENT_LIMIT_BYTES, path,
		    "the text of the message passed %d bytes",
		    BOUND_MIME_TEXT_BYTES);
	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += BOUND_PDF_SECONDS;
	if (slot_take(&deadline) == -1)
		return x_finding(r, CONTENT_LIMIT_TIME, path,
		    "no PDF reader free within %d s", BOUND_PDF_SECONDS);
	if ((err = spawn(&u, helper)) != 0) {
		slot_give();
		if (err == ENOMEM || err == EAGAIN || err == EMFILE)
			return x_finding(r, CONTENT_LIMIT_UNREAD, path,
			    "the PDF reader could not be started (%s)",
			    strerror(err));
		return x_finding(r, CONTENT_LIMIT_UNREAD, path,
		    "the PDF reader %s could not be started (%s)", helper,
		    strerror(err));
	}
	buf_init(&text, r->b->text_room);
	rc = run_reader(&u, data, len, &text, &deadline);
	slot_give();
	if (rc == -1) {
		buf_free(&text);
		errno = ENOMEM;
		return -1;
	}
	if (!u.cut && outcome(r, &u, path) == -1)
		rc = -1;
	/* the text of a reader that failed is kept: it is what it read */
	if (rc == 0)
		rc = x_text(r, path, CONTENT_KIND_PDF, &text, u.cut);
	buf_free(&text);
	return rc;
}
