/*
 * main.c - guardian-milter: options, start-up, the supervisor and the
 * worker
 *
 * Process model. The process started by the administrator checks the
 * options and the user, learns the socket (from -p, or from the
 * configuration read by a short-lived child that drops privileges
 * first), then (unless -f) daemonizes and waits until the daemon reports
 * that it is serving, so start-up errors reach the terminal and the exit
 * status. The daemon is a small single-threaded supervisor (the pid in
 * the pid file) and one worker process that runs libmilter. The
 * supervisor holds no snapshot and parses nothing:
 *
 *   supervisor: SIGHUP (or SIGUSR1) -> SIGUSR1 to the worker;
 *               SIGTERM/SIGINT -> SIGTERM to the worker, wait (at most
 *               BOUND_DRAIN_SECONDS + BOUND_STOP_KILL_MARGIN, then
 *               SIGKILL), exit; a worker that dies unasked is restarted
 *               after a delay that doubles, at most RESTART_MAX times in
 *               RESTART_WINDOW.
 *   worker:     opens the socket (as root, if started so), drops
 *               privileges, and only then reads the configuration and
 *               the directory. Its main thread takes SIGHUP (reload) and
 *               SIGTERM/SIGINT (stop) with handlers; libmilter runs on
 *               another thread, whose own signal thread would take
 *               SIGHUP as "stop" if the signal ever reached it (see
 *               worker_signals()). The reload thread sigwait()s SIGUSR1,
 *               builds a snapshot beside the one in use and publishes
 *               it, or logs every problem and keeps the old one; a
 *               changed directory file rebuilds only the directory,
 *               against the rules in use.
 *
 * A restarted worker builds from the files as they are now. If they do
 * not build, it serves no policy: it answers tempfail to every message
 * and says so in the log at every try (every BOUND_NO_POLICY_RETRY
 * seconds and on SIGHUP), never falling back to a policy it cannot
 * vouch for. A worker that stops drains: it keeps its socket open,
 * answers tempfail to every new message and lets the messages in flight
 * end, for at most BOUND_DRAIN_SECONDS (see begin_stop()).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "config.h"
#include "diag.h"
#include "log.h"
#include "milter.h"
#include "mime.h"
#include "quarantine.h"
#include "rules.h"
#include "snapshot.h"

#define PROGNAME "guardian-milter"
#define DEFAULT_CONFIG SYSCONFDIR "/guardian-milter/guardian-milter.xml"

/* Worker restarts: the delay doubles from 1 s up to RESTART_DELAY_MAX; at
 * most RESTART_MAX restarts while no worker lived RESTART_WINDOW seconds,
 * then the supervisor gives up (a crash loop only fills the log). */
#define RESTART_MAX 10
#define RESTART_WINDOW 600
#define RESTART_DELAY_MAX 60

/* After an automatic reload (a directory file changed) failed, wait this
 * many check intervals before trying again; SIGHUP tries at once. */
#define RETRY_FACTOR 10

/* Seconds the supervisor gives a stopping worker before SIGKILL. */
#define STOP_TIMEOUT (BOUND_DRAIN_SECONDS + BOUND_STOP_KILL_MARGIN)

/* Exit status of the socket peek when the configuration names none. */
#define PEEK_NO_SOCKET 3

struct options {
	const char *config_path;
	const char *socket;  /* -p, or NULL */
	const char *user;    /* -u USER[:GROUP], or NULL */
	const char *pidfile; /* -P, or NULL */
	int foreground;      /* -f */
	int check;           /* -n */
};

/* The account to run as after the socket is open. */
struct ids {
	int set;
	uid_t uid;
	gid_t gid;
	char *name; /* for initgroups() */
};

/* The worker's stop: set (under stop_lock) before the reload thread is
 * woken to end, so that it never publishes during the drain. */
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static int stopping; /* guarded by stop_lock */

/* Set by the worker's signal handlers and its libmilter thread; the
 * main thread wakes on a byte in sigpipe_fd[0]. */
static volatile sig_atomic_t got_stop;
static atomic_int milter_ended;
static int sigpipe_fd[2] = {-1, -1};

static time_t now(void);

/* usage - the synopsis to fp */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: " PROGNAME " [-fnV] [-c CONFIG] [-p SOCKET] "
	    "[-u USER[:GROUP]] [-P PIDFILE] [-h]\n"
	    "  -c CONFIG  configuration file (default %s)\n"
	    "  -p SOCKET  unix:/path, local:/path, inet:PORT@HOST or "
	    "inet6:PORT@HOST\n"
	    "             (overrides <socket> in the configuration)\n"
	    "  -f         stay in the foreground and log to stderr\n"
	    "  -n         check the configuration and exit\n"
	    "  -u USER[:GROUP]  run as USER after opening the socket; the "
	    "files are\n"
	    "             read as USER only\n"
	    "  -P PIDFILE write the supervisor's pid to PIDFILE\n"
	    "  -V         print the version and exit\n"
	    "  -h         print this help and exit\n",
	    DEFAULT_CONFIG);
}

/* socket_path - the file of a unix socket spec, or NULL for inet */
static const char *
socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

/* resolve_user - look up USER[:GROUP] now, so a typo fails at start-up */
static int
resolve_user(struct ids *out, const char *spec)
{
	const struct passwd *pw;
	const struct group *gr;
	const char *colon = strchr(spec, ':');
	char *user;

	if ((user = strdup(spec)) == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return -1;
	}
	if (colon != NULL)
		user[colon - spec] = '\0';
	errno = 0;
	if (*user == '\0' || (pw = getpwnam(user)) == NULL) {
		fprintf(stderr, PROGNAME ": -u %s: unknown user \"%s\"\n", spec,
		    user);
		free(user);
		return -1;
	}
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	if (colon != NULL) {
		if (colon[1] == '\0' || (gr = getgrnam(colon + 1)) == NULL) {
			fprintf(stderr,
			    PROGNAME ": -u %s: unknown group \"%s\"\n", spec,
			    colon + 1);
			free(user);
			return -1;
		}
		out->gid = gr->gr_gid;
	}
	out->name = user;
	out->set = 1;
	return 0;
}

/* drop_privileges - become ids for good, and check that it worked */
static int
drop_privileges(const struct ids *ids)
{
	if (!ids->set)
		return 0;
	if (geteuid() != 0) {
		if (getuid() == ids->uid && geteuid() == ids->uid &&
		    getgid() == ids->gid && getegid() == ids->gid)
			return 0;
		log_err(
		    "cannot switch to user %s: not running as root", ids->name);
		return -1;
	}
	if (initgroups(ids->name, ids->gid) == -1 || setgid(ids->gid) == -1 ||
	    setuid(ids->uid) == -1) {
		log_err(
		    "cannot switch to user %s: %s", ids->name, strerror(errno));
		return -1;
	}
	if (getuid() != ids->uid || geteuid() != ids->uid ||
	    getgid() != ids->gid || getegid() != ids->gid ||
	    (ids->uid != 0 && setuid(0) != -1)) {
		log_err("switching to user %s did not take effect", ids->name);
		return -1;
	}
	return 0;
}

/* unmarked - a warning's text without the "warning: " that follows its
 * location ("file:line: warning: text"), which the log level already
 * says: in buf, or the text itself when it has none */
static const char *
unmarked(char *buf, size_t size, const char *text)
{
	static const char marker[] = ": warning: ";
	const char *mark = strstr(text, marker);

	if (mark == NULL)
		return text;
	(void)snprintf(buf, size, "%.*s: %s", (int)(mark - text), text,
	    mark + sizeof(marker) - 1);
	return buf;
}

/* log_diag - every problem of a failed build in the log */
static void
log_diag(const struct diag *dg)
{
	char line[BOUND_LOG_LINE];
	size_t i;

	for (i = 0; i < diag_kept(dg); i++) {
		if (diag_is_error(dg, i))
			log_err("%s", diag_text(dg, i));
		else
			log_warn("%s",
			    unmarked(line, sizeof(line), diag_text(dg, i)));
	}
}

/* first_error - the text of the first error in dg, or a stand-in */
static const char *
first_error(const struct diag *dg)
{
	size_t i;

	for (i = 0; i < diag_kept(dg); i++)
		if (diag_is_error(dg, i))
			return diag_text(dg, i);
	return "the policy could not be built";
}

/*
 * store_ready - a policy that may hold messages needs its quarantine
 * store: made when missing (with create, the daemon), refused when
 * group- or world-writable; with create, messages past their retention
 * are purged. 0, or -1 with the reason on stderr (to_stderr) and in the
 * log.
 */
static int
store_ready(const struct snapshot *snap, int create, int to_stderr)
{
	const struct config *cfg = snapshot_config(snap);
	char err[BOUND_DIAG_TEXT];
	size_t n;

	if (!rules_keep_message(snapshot_rules(snap)))
		return 0;
	if (quarantine_check(cfg, create, err, sizeof(err)) == -1) {
		/* -n before the first start: the daemon makes it */
		if (!create && errno == ENOENT)
			return 0;
		if (to_stderr)
			fprintf(stderr, PROGNAME ": %s\n", err);
		log_err("%s", err);
		return -1;
	}
	if (create &&
	    quarantine_expire(cfg, time(NULL), &n, err, sizeof(err)) == -1)
		log_warn("quarantine purge: %s", err);
	else if (create && n > 0)
		log_info("quarantine purge: %zu held message(s) past %u days "
		         "removed",
		    n, config_quarantine(cfg)->retention_days);
	return 0;
}

/*
 * check_only - -n: build the configuration as the -u user (when started
 * as root) and print every problem and warning to stderr. Returns the
 * exit status.
 */
static int
check_only(const char *path, const struct ids *ids)
{
	struct snapshot *snap = NULL;
	struct diag *dg;
	int r;

	if (drop_privileges(ids) == -1)
		return EX_NOPERM;
	if ((dg = diag_new()) == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return EX_OSERR;
	}
	r = snapshot_build(&snap, path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	if (r == 0 && store_ready(snap, 0, 1) == -1)
		r = -1;
	snapshot_release(snap);
	return r == -1 ? EX_CONFIG : EX_OK;
}

/* peek_child - the socket peek's child: read the configuration as the
 * -u user and write its <socket> to fd; never returns */
static void
peek_child(int fd, const char *path, const struct ids *ids)
{
	struct config *cfg = NULL;
	const char *s;
	struct diag *dg;
	size_t len;

	if (drop_privileges(ids) == -1)
		_exit(EX_NOPERM);
	if ((dg = diag_new()) == NULL)
		_exit(EX_OSERR);
	if (config_load(&cfg, path, dg) == -1) {
		diag_print(dg, stderr);
		_exit(EX_CONFIG);
	}
	if ((s = config_socket(cfg)) == NULL)
		_exit(PEEK_NO_SOCKET);
	len = strlen(s);
	if (len >= BOUND_SOCKET_SPEC || write(fd, s, len) != (ssize_t)len)
		_exit(EX_OSERR);
	_exit(EX_OK);
}

/*
 * peek_socket - the <socket> of the configuration, read by a child that
 * drops privileges first: the starter, which stays root to open the
 * socket, parses nothing. Returns a new string, or NULL after printing
 * why to stderr with the exit status in *status.
 */
static char *
peek_socket(const char *path, const struct ids *ids, int *status)
{
	char buf[BOUND_SOCKET_SPEC];
	size_t len = 0;
	ssize_t n;
	int p[2], st;
	pid_t pid;

	*status = EX_OSERR;
	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return NULL;
	}
	if (pid == 0) {
		(void)close(p[0]);
		peek_child(p[1], path, ids);
	}
	(void)close(p[1]);
	while (len < sizeof(buf) - 1) {
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	(void)close(p[0]);
	buf[len] = '\0';
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			fprintf(stderr, PROGNAME ": waitpid: %s\n",
			    strerror(errno));
			return NULL;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == EX_OK && len > 0)
		return strdup(buf);
	if (WIFEXITED(st) && WEXITSTATUS(st) == PEEK_NO_SOCKET) {
		fprintf(stderr,
		    PROGNAME ": no socket: give -p SOCKET or <socket> in %s\n",
		    path);
		*status = EX_CONFIG;
	} else if (WIFEXITED(st) && WEXITSTATUS(st) != EX_OK)
		*status = WEXITSTATUS(st);
	else
		fprintf(stderr, PROGNAME ": reading %s failed\n", path);
	return NULL;
}

/* publish - make snap current unless the worker is stopping (then the
 * drain must see no new snapshot); 0, or -1 having released it */
static int
publish(struct snapshot *snap)
{
	int r = 0;

	pthread_mutex_lock(&stop_lock);
	if (stopping) {
		snapshot_release(snap);
		r = -1;
	} else
		snapshot_publish(snap);
	pthread_mutex_unlock(&stop_lock);
	return r;
}

/* serving - log what is now serving after a publish */
static void
serving(const char *what)
{
	struct snapshot *cur;

	if ((cur = snapshot_acquire()) == NULL)
		return;
	log_info("%s, generation %lu, %zu rules", what,
	    snapshot_generation(cur), rules_count(snapshot_rules(cur)));
	snapshot_release(cur);
}

/*
 * notify - report a state change to systemd (Type=notify): READY=1 from
 * the supervisor once the first worker serves, RELOADING=1 and READY=1
 * from the worker around a reload it was asked for (so the unit needs
 * NotifyAccess=all), STOPPING=1 from the supervisor on SIGTERM. Nothing
 * without NOTIFY_SOCKET, or when built without libsystemd.
 */
static void
notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	(void)sd_notify(0, state);
#else
	(void)state;
#endif
}

/* What the reload thread needs; set before it starts, read-only after. */
struct reloader {
	const char *config_path;
	const char *sock;     /* the socket being served */
	int sock_from_option; /* -p given: <socket> does not matter */
};

/* no_policy - a build failed and nothing is published: say so loudly */
static void
no_policy(const struct diag *dg, int first)
{
	log_err("serving no policy: %s; every message is answered tempfail "
	        "until the files build (next try in %d s, or on SIGHUP)",
	    first_error(dg), BOUND_NO_POLICY_RETRY);
	if (first)
		log_diag(dg);
}

/*
 * reload - build a snapshot from the configuration beside the one in
 * use and publish it, or log why not and keep the old one (-1). With
 * nothing published, a failure is logged as "serving no policy".
 */
static int
reload(const struct reloader *rl, int quiet_no_policy)
{
	struct snapshot *snap = NULL, *cur;
	const char *newsock;
	unsigned long gen;
	struct diag *dg;

	if ((dg = diag_new()) == NULL) {
		log_err("reload of %s failed: %s; keeping what serves",
		    rl->config_path, strerror(errno));
		return -1;
	}
	if (snapshot_build(&snap, rl->config_path, dg) == -1) {
		if ((cur = snapshot_acquire()) == NULL)
			no_policy(dg, !quiet_no_policy);
		else {
			gen = snapshot_generation(cur);
			snapshot_release(cur);
			log_err("reload of %s failed with %zu error(s); "
			        "keeping generation %lu",
			    rl->config_path, diag_count(dg), gen);
			log_diag(dg);
		}
		diag_free(dg);
		return -1;
	}
	log_diag(dg); /* warnings */
	diag_free(dg);
	/* a store that cannot hold mail safely: keep what serves */
	if (store_ready(snap, 1, 0) == -1) {
		log_err("reload of %s refused: the quarantine store cannot be "
		        "used; keeping what serves",
		    rl->config_path);
		snapshot_release(snap);
		return -1;
	}
	if (publish(snap) == -1)
		return 0;
	serving("reloaded configuration");
	cur = snapshot_acquire();
	newsock = cur != NULL ? config_socket(snapshot_config(cur)) : NULL;
	if (!rl->sock_from_option && newsock != NULL &&
	    strcmp(newsock, rl->sock) != 0)
		log_warn("the socket changed to %s; it takes effect when the "
		         "daemon restarts (still serving %s)",
		    newsock, rl->sock);
	snapshot_release(cur);
	return 0;
}

/*
 * reload_directory - a file of the directory changed: load the directory
 * again under the configuration and rules in use (a rule file edited
 * since is not read: only SIGHUP does that). -1 if it failed (logged;
 * the snapshot in use keeps serving).
 */
static int
reload_directory(void)
{
	struct snapshot *snap = NULL, *cur;
	struct diag *dg;
	unsigned long gen;
	int r = -1;

	if ((cur = snapshot_acquire()) == NULL)
		return -1;
	gen = snapshot_generation(cur);
	if ((dg = diag_new()) == NULL)
		log_err("reload of the directory failed: %s; keeping "
		        "generation %lu",
		    strerror(errno), gen);
	else if (snapshot_build_directory(&snap, cur, dg) == -1) {
		log_err("reload of the directory failed with %zu error(s); "
		        "keeping generation %lu",
		    diag_count(dg), gen);
		log_diag(dg);
	} else {
		log_diag(dg); /* warnings */
		if (publish(snap) == 0)
			serving("reloaded the directory (rules kept)");
		r = 0;
	}
	diag_free(dg);
	snapshot_release(cur);
	return r;
}

/* check_interval - seconds between checks of the directory's files under
 * the current snapshot; 0 when there is nothing to watch */
static unsigned
check_interval(void)
{
	struct snapshot *cur = snapshot_acquire();
	unsigned s = 0;

	if (cur != NULL && snapshot_roster(cur) != NULL)
		s = config_roster_check_interval(snapshot_config(cur));
	snapshot_release(cur);
	return s;
}

/* directory_changed - has a file of the current snapshot's directory
 * (roster export, preferences) changed since it was built? */
static int
directory_changed(void)
{
	struct snapshot *cur = snapshot_acquire();
	int changed = cur != NULL && snapshot_stale(cur);

	snapshot_release(cur);
	return changed;
}

/* is_stopping - has the worker begun to stop? */
static int
is_stopping(void)
{
	int s;

	pthread_mutex_lock(&stop_lock);
	s = stopping;
	pthread_mutex_unlock(&stop_lock);
	return s;
}

/* How often the reload thread purges the quarantine store of what is
 * past <retention-days> (start and reload purge too): retention is
 * counted in days, and a purge reads every held file's first lines. */
#define PURGE_INTERVAL 3600

/* expire_held - purge the quarantine store of the policy serving now */
static void
expire_held(void)
{
	struct snapshot *snap;
	char err[BOUND_DIAG_TEXT];
	size_t n;

	if ((snap = snapshot_acquire()) == NULL)
		return;
	if (rules_keep_message(snapshot_rules(snap))) {
		if (quarantine_expire(snapshot_config(snap), time(NULL), &n,
		        err, sizeof(err)) == -1)
			log_warn("quarantine purge: %s", err);
		else if (n > 0)
			log_info("quarantine purge: %zu held message(s) "
			         "removed",
			    n);
	}
	snapshot_release(snap);
}

/*
 * reload_main - the worker's reload thread: one full reload per SIGUSR1
 * (SIGHUP), and a reload of the directory alone when one of its files
 * changed (checked every <check-interval> seconds). An automatic reload
 * that failed is tried again only after RETRY_FACTOR intervals, so a
 * broken export does not fill the log; SIGHUP always tries at once.
 * With no policy published, a full build is tried every
 * BOUND_NO_POLICY_RETRY seconds.
 */
static void *
reload_main(void *arg)
{
	const struct reloader *rl = arg;
	struct snapshot *cur;
	struct timespec ts;
	time_t retry_at = 0, purge_at = now() + PURGE_INTERVAL;
	unsigned interval;
	sigset_t set;
	int sig, none;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		cur = snapshot_acquire();
		none = cur == NULL;
		snapshot_release(cur);
		interval = none ? BOUND_NO_POLICY_RETRY : check_interval();
		if (interval == 0)
			sig = sigwaitinfo(&set, NULL);
		else {
			ts.tv_sec = interval;
			ts.tv_nsec = 0;
			sig = sigtimedwait(&set, NULL, &ts);
		}
		if (is_stopping())
			break;
		if (sig == SIGUSR1) {
			retry_at = 0;
			log_info("reload requested");
			notify("RELOADING=1");
			if (reload(rl, 0) == 0)
				notify("READY=1\nSTATUS=serving the "
				       "reloaded configuration");
			else
				notify("READY=1\nSTATUS=reload failed; "
				       "serving what served before (see the "
				       "log)");
		} else if (sig == -1 && errno == EAGAIN && none) {
			(void)reload(rl, 1);
		} else if (sig == -1 && errno == EAGAIN && now() >= retry_at &&
		    directory_changed()) {
			log_info("the directory's files changed; reloading "
			         "the directory");
			retry_at = 0;
			if (reload_directory() == -1)
				retry_at =
				    now() + (time_t)interval * RETRY_FACTOR;
		}
		/* <retention-days> applies between reloads too */
		if (sig == -1 && errno == EAGAIN && !none &&
		    now() >= purge_at) {
			purge_at = now() + PURGE_INTERVAL;
			expire_held();
		}
	}
	return NULL;
}

/* block_signals - block every asynchronous signal in the calling thread,
 * and so in every thread it starts */
static int
block_signals(void)
{
	sigset_t set;

	sigfillset(&set);
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	sigdelset(&set, SIGFPE);
	sigdelset(&set, SIGILL);
	sigdelset(&set, SIGABRT);
	sigdelset(&set, SIGTRAP);
	sigdelset(&set, SIGSYS);
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* on_signal - the worker's handler for SIGHUP, SIGTERM and SIGINT, on its
 * main thread: SIGHUP asks the reload thread (SIGUSR1, which only that
 * thread waits for); the others wake the main thread to stop */
static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		(void)kill(getpid(), SIGUSR1);
	else {
		got_stop = 1;
		(void)write(sigpipe_fd[1], "", 1);
	}
	errno = saved;
}

/*
 * worker_signals - take SIGHUP, SIGTERM and SIGINT on the calling (main)
 * thread, with a handler, from now on. libmilter's signal thread
 * sigwait()s the same three and takes SIGHUP as "stop"; a signal sent to
 * the process goes to a thread that does not block it, the main thread
 * first (Linux tries the thread the pid names before the others), so
 * with these unblocked here, and the handler running with SA_NODEFER so
 * they stay unblocked while it runs, libmilter never sees them.
 */
static int
worker_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	if (pipe2(sigpipe_fd, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGHUP, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	return pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* The libmilter thread waits for the main thread to take the signals
 * before smfi_main() starts libmilter's signal thread. */
static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go;

/* milter_main - the thread that runs libmilter */
static void *
milter_main(void *arg)
{
	int *result = arg;

	pthread_mutex_lock(&go_lock);
	while (!go)
		pthread_cond_wait(&go_cond, &go_lock);
	pthread_mutex_unlock(&go_lock);
	*result = smfi_main();
	atomic_store(&milter_ended, 1);
	(void)write(sigpipe_fd[1], "", 1);
	return NULL;
}

/* start_milter - let the libmilter thread go */
static void
start_milter(void)
{
	pthread_mutex_lock(&go_lock);
	go = 1;
	pthread_cond_signal(&go_cond);
	pthread_mutex_unlock(&go_lock);
}

/*
 * begin_stop - stop taking new work: the reload thread ends without
 * publishing, and the policy is unpublished, so that every new message,
 * on an open connection or a new one, is answered tempfail.
 *
 * Not smfi_stop(): the libmilter of Debian and others is built with its
 * pool of workers (_FFR_WORKERS_POOL), whose controller stops polling the
 * open connections as soon as libmilter is told to stop, so a message in
 * flight would never get another callback. The socket stays open during
 * the drain; a connection refused would leave the answer to the MTA's
 * milter default action, which may be accept.
 */
static void
begin_stop(pthread_t reloader)
{
	pthread_mutex_lock(&stop_lock);
	stopping = 1;
	snapshot_shutdown();
	pthread_mutex_unlock(&stop_lock);
	(void)pthread_kill(reloader, SIGUSR1);
}

/*
 * drain - wait until the messages in flight ended (each holds a
 * reference to its snapshot) or BOUND_DRAIN_SECONDS passed; 0, or -1 if
 * some were still open
 */
static int
drain(void)
{
	time_t deadline = now() + BOUND_DRAIN_SECONDS;
	unsigned long n, first;
	char b[64];

	first = snapshot_held_count();
	log_info("stopping: %lu message(s) in flight get up to %d s to end; "
	         "new ones are answered tempfail",
	    first, BOUND_DRAIN_SECONDS);
	while ((n = snapshot_held_count()) > 0) {
		if (now() >= deadline) {
			log_warn("%lu message(s) still in flight after %d s; "
			         "closing their connections (the MTA applies "
			         "its milter default action to them)",
			    n, BOUND_DRAIN_SECONDS);
			return -1;
		}
		(void)poll(NULL, 0, 50);
		while (read(sigpipe_fd[0], b, sizeof(b)) > 0)
			continue;
	}
	log_info("stopping: every message in flight ended");
	return 0;
}

/* wait_stop - the main thread's wait until a stop signal or the end of
 * smfi_main(); 1 if libmilter ended by itself */
static int
wait_stop(void)
{
	struct pollfd pfd;
	char b[64];

	pfd.fd = sigpipe_fd[0];
	pfd.events = POLLIN;
	for (;;) {
		if (got_stop)
			return 0;
		if (atomic_load(&milter_ended))
			return 1;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			log_panic("poll: %s", strerror(errno));
		while (read(sigpipe_fd[0], b, sizeof(b)) > 0)
			continue;
	}
}

/* first_build - the worker's first snapshot, read as the unprivileged
 * user. The first worker reports problems on stderr (the terminal until
 * start-up is reported) and in the log, and fails; a restarted one
 * serves no policy (tempfail) until the files build. -1 on failure. */
static int
first_build(const char *path, int restarted, int foreground)
{
	struct snapshot *snap = NULL;
	struct diag *dg;
	int r;

	if ((dg = diag_new()) == NULL) {
		log_err("%s", strerror(errno));
		return restarted ? 0 : -1;
	}
	r = snapshot_build(&snap, path, dg);
	if (!restarted) {
		diag_print(dg, stderr);
		if (!foreground)
			log_diag(dg);
	} else if (r == -1)
		no_policy(dg, 1);
	else
		log_diag(dg);
	diag_free(dg);
	if (r == -1)
		return restarted ? 0 : -1;
	/* a store that cannot hold mail safely: refuse to start */
	if (store_ready(snap, 1, !restarted) == -1) {
		snapshot_release(snap);
		return -1;
	}
	snapshot_publish(snap);
	return 0;
}

/* open_socket - hand libmilter the socket and open it; the exit status
 * to fail with, or 0 */
static int
open_socket(const char *sock, const struct ids *ids)
{
	const char *path;
	char *conn;

	/* libmilter copies the spec; it takes a char * */
	if ((conn = strdup(sock)) == NULL || smfi_setconn(conn) == MI_FAILURE) {
		log_err("cannot use the socket %s", sock);
		free(conn);
		return EX_SOFTWARE;
	}
	free(conn);
	if (milter_register(PROGNAME) == -1)
		return EX_SOFTWARE;
	errno = 0;
	if (smfi_opensocket(1) == MI_FAILURE) {
		/* libmilter says why only in syslog; errno is its last word */
		log_err("cannot open the socket %s: %s", sock,
		    errno != 0 ? strerror(errno) : "refused by libmilter");
		return EX_UNAVAILABLE;
	}
	/* The MTA connects as the group given with -u (postfix): owner and
	 * group may use the socket whatever the umask, others may not. */
	if (ids->set && (path = socket_path(sock)) != NULL &&
	    (chown(path, ids->uid, ids->gid) == -1 || chmod(path, 0660) == -1))
		log_warn("cannot give the socket %s to user %s: %s", path,
		    ids->name, strerror(errno));
	return 0;
}

/* quiet_stderr - after start-up is reported, stderr goes to /dev/null
 * (a daemon's terminal may be gone) */
static void
quiet_stderr(void)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		return;
	(void)dup2(fd, STDERR_FILENO);
	(void)close(fd);
}

/*
 * worker_run - the worker process: open the socket, drop privileges,
 * build the policy, serve until stopped, drain. readyfd (or -1) gets one
 * byte once the filter is serving. Returns the process's exit status.
 */
static int
worker_run(const struct options *opt, const struct ids *ids, const char *sock,
    int readyfd, int restarted)
{
	static struct reloader rl;
	static int milter_result = MI_FAILURE;
	struct snapshot *snap;
	pthread_t rtid, mtid;
	unsigned char ok = 0;
	int r, by_itself;

	if (block_signals() == -1) {
		log_err("cannot block signals: %s", strerror(errno));
		return EX_OSERR;
	}
	if ((r = open_socket(sock, ids)) != 0)
		return r;
	if (drop_privileges(ids) == -1)
		return EX_NOPERM;
	/* GMime (address fields) set up before any thread can parse */
	mime_init();
	/* from here on as the unprivileged user: parse */
	if (first_build(opt->config_path, restarted, opt->foreground) == -1)
		return EX_CONFIG;
	rl.config_path = opt->config_path;
	rl.sock = sock;
	rl.sock_from_option = opt->socket != NULL;
	if ((r = pthread_create(&rtid, NULL, reload_main, &rl)) != 0 ||
	    (r = pthread_create(&mtid, NULL, milter_main, &milter_result)) !=
	        0) {
		log_err("cannot start a thread: %s", strerror(r));
		return EX_OSERR;
	}
	(void)pthread_detach(mtid);
	if (worker_signals() == -1) {
		log_err("cannot take signals: %s", strerror(errno));
		return EX_OSERR;
	}
	start_milter();
	if ((snap = snapshot_acquire()) != NULL)
		log_info("serving %s: configuration %s, generation %lu, %zu "
		         "rules",
		    sock, opt->config_path, snapshot_generation(snap),
		    rules_count(snapshot_rules(snap)));
	else
		log_info("serving %s: configuration %s, no policy (every "
		         "message is answered tempfail)",
		    sock, opt->config_path);
	snapshot_release(snap);
	if (readyfd != -1) {
		if (write(readyfd, &ok, 1) != 1)
			log_warn("cannot report start-up: %s", strerror(errno));
		(void)close(readyfd);
	}
	if (!opt->foreground)
		quiet_stderr();
	by_itself = wait_stop();
	if (by_itself)
		log_warn("libmilter stopped by itself; stopping the worker");
	begin_stop(rtid);
	r = drain();
	(void)pthread_join(rtid, NULL);
	if (r == -1) {
		/* connection threads are still running: no exit handlers */
		log_info("worker stopped");
		_exit(by_itself ? EX_SOFTWARE : EX_OK);
	}
	log_info("worker stopped");
	/* every connection thread is gone: nothing parses any more */
	mime_shutdown();
	return by_itself ? EX_SOFTWARE : EX_OK;
}

/* The supervisor's state; it is one thread and handles one signal at a
 * time. Times are seconds on the monotonic clock. */
struct super {
	const struct options *opt;
	const struct ids *ids;
	const char *sock;
	int startfd;       /* the starter's pipe (daemon mode), or -1 */
	pid_t self;        /* the supervisor's pid */
	pid_t worker;      /* 0: none running */
	int stopping;      /* SIGTERM/SIGINT seen, or gave up */
	int status;        /* the supervisor's exit status */
	time_t started;    /* when the running worker started */
	time_t restart_at; /* when to start the next one */
	time_t kill_at;    /* when a stopping worker gets SIGKILL */
	int restarts;      /* restarts since a worker lived long enough */
};

/* now - seconds on the monotonic clock */
static time_t
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		log_panic(
		    "clock_gettime(CLOCK_MONOTONIC): %s", strerror(errno));
	return ts.tv_sec;
}

/* report - tell the process waiting for start-up how it went */
static void
report(int *readyfd, int status)
{
	unsigned char b = (unsigned char)status;

	if (*readyfd == -1)
		return;
	if (write(*readyfd, &b, 1) != 1)
		log_warn("cannot report start-up: %s", strerror(errno));
	(void)close(*readyfd);
	*readyfd = -1;
}

/* exit_status - a wait status as an exit status for the supervisor */
static int
exit_status(int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		return WEXITSTATUS(st);
	return EX_SOFTWARE;
}

/* describe - a wait status in words, into buf */
static const char *
describe(char *buf, size_t size, int st)
{
	if (WIFEXITED(st))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, size, "was killed by signal %d (%s)",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, size, "ended with wait status 0x%x", st);
	return buf;
}

/*
 * worker_child - in a newly forked worker: let go of the starter's pipe
 * (only the supervisor reports on it: a worker holding it would keep the
 * starter waiting after the supervisor died) and follow the supervisor
 * if it dies (Linux)
 */
static void
worker_child(const struct super *s)
{
	if (s->startfd != -1)
		(void)close(s->startfd);
#ifdef __linux__
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != s->self)
		_exit(EX_OSERR); /* the supervisor is already gone */
#endif
}

/*
 * first_worker - start the first worker and wait until it serves.
 * Returns 0, or the exit status to give up with.
 */
static int
first_worker(struct super *s)
{
	unsigned char b;
	ssize_t n;
	int wp[2], st;
	pid_t pid;

	if (pipe2(wp, O_CLOEXEC) == -1) {
		log_err("pipe: %s", strerror(errno));
		return EX_OSERR;
	}
	if ((pid = fork()) == -1) {
		log_err("cannot start the worker: %s", strerror(errno));
		(void)close(wp[0]);
		(void)close(wp[1]);
		return EX_OSERR;
	}
	if (pid == 0) {
		(void)close(wp[0]);
		worker_child(s);
		exit(worker_run(s->opt, s->ids, s->sock, wp[1], 0));
	}
	(void)close(wp[1]);
	do
		n = read(wp[0], &b, 1);
	while (n == -1 && errno == EINTR);
	(void)close(wp[0]);
	if (n == 1) {
		s->worker = pid;
		s->started = now();
		return 0;
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			log_err("waitpid: %s", strerror(errno));
			return EX_OSERR;
		}
	}
	return exit_status(st);
}

/* schedule_restart - the worker died unasked: restart it after a delay
 * that doubles, or give up after too many restarts */
static void
schedule_restart(struct super *s, const char *what)
{
	time_t t = now(), delay;

	if (t - s->started >= RESTART_WINDOW)
		s->restarts = 0;
	if (++s->restarts > RESTART_MAX) {
		log_err("the worker %s; it failed %d times in a row, giving "
		        "up",
		    what, RESTART_MAX);
		s->stopping = 1;
		s->status = EX_SOFTWARE;
		return;
	}
	delay = (time_t)1 << (s->restarts - 1);
	if (delay > RESTART_DELAY_MAX)
		delay = RESTART_DELAY_MAX;
	s->restart_at = t + delay;
	log_err("the worker %s; restarting it in %ld s (restart %d of at most "
	        "%d)",
	    what, (long)delay, s->restarts, RESTART_MAX);
}

/* reap - collect dead children; notice the worker's end */
static void
reap(struct super *s)
{
	char what[128];
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != s->worker)
			continue;
		s->worker = 0;
		describe(what, sizeof(what), st);
		if (s->stopping)
			log_info("the worker %s", what);
		else
			schedule_restart(s, what);
	}
}

/* start_again - fork a restarted worker */
static void
start_again(struct super *s)
{
	pid_t pid;

	if ((pid = fork()) == -1) {
		s->started = now();
		schedule_restart(s, "could not be forked");
		return;
	}
	if (pid == 0) {
		worker_child(s);
		exit(worker_run(s->opt, s->ids, s->sock, -1, 1));
	}
	s->worker = pid;
	s->started = now();
}

/* wait_signal - the next of set, waiting at most timeout seconds (< 0:
 * forever); 0 on timeout */
static int
wait_signal(const sigset_t *set, time_t timeout)
{
	struct timespec ts;
	int sig;

	for (;;) {
		if (timeout < 0)
			sig = sigwaitinfo(set, NULL);
		else {
			ts.tv_sec = timeout;
			ts.tv_nsec = 0;
			sig = sigtimedwait(set, NULL, &ts);
		}
		if (sig > 0)
			return sig;
		if (errno == EAGAIN)
			return 0;
		if (errno != EINTR)
			log_panic("sigwait: %s", strerror(errno));
	}
}

/* supervisor_signals - the signals the supervisor waits for */
static void
supervisor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGUSR1);
}

/* write_pidfile - the supervisor's pid, for the administrator to signal */
static int
write_pidfile(const char *path)
{
	char line[32];
	int fd, n;

	fd = open(
	    path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_err(
		    "cannot create the pid file %s: %s", path, strerror(errno));
		return -1;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(line) || write(fd, line, n) != n ||
	    close(fd) == -1) {
		log_err(
		    "cannot write the pid file %s: %s", path, strerror(errno));
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/* supervise - the supervisor's life; returns its exit status */
static int
supervise(const struct options *opt, const struct ids *ids, const char *sock,
    int readyfd)
{
	struct super s;
	const char *path;
	sigset_t set;
	time_t t, timeout;
	int r;

	memset(&s, 0, sizeof(s));
	s.opt = opt;
	s.ids = ids;
	s.sock = sock;
	s.startfd = readyfd;
	s.self = getpid();
	supervisor_signals(&set);
	if (opt->pidfile != NULL && write_pidfile(opt->pidfile) == -1) {
		report(&readyfd, EX_CANTCREAT);
		return EX_CANTCREAT;
	}
	if ((r = first_worker(&s)) != 0) {
		log_err("the worker did not start (exit status %d)", r);
		if (opt->pidfile != NULL)
			(void)unlink(opt->pidfile);
		report(&readyfd, r);
		return r;
	}
	report(&readyfd, 0);
	notify("READY=1\nSTATUS=serving");
	s.startfd = -1;
	if (!opt->foreground)
		quiet_stderr();
	for (;;) {
		t = now();
		if (s.worker == 0) {
			if (s.stopping)
				break;
			if (t >= s.restart_at) {
				start_again(&s);
				continue;
			}
			timeout = s.restart_at - t;
		} else if (s.stopping) {
			if (t >= s.kill_at) {
				log_warn("the worker did not stop within %d s; "
				         "killing it",
				    STOP_TIMEOUT);
				(void)kill(s.worker, SIGKILL);
				s.kill_at = t + STOP_TIMEOUT;
			}
			timeout = s.kill_at - t;
		} else
			timeout = -1;
		switch (wait_signal(&set, timeout)) {
		case SIGHUP:
		case SIGUSR1:
			if (s.worker != 0 && !s.stopping) {
				log_info("reload requested");
				(void)kill(s.worker, SIGUSR1);
			} else if (!s.stopping)
				log_info("reload requested while no worker "
				         "runs; the next one reads the "
				         "configuration");
			break;
		case SIGINT:
		case SIGTERM:
			if (!s.stopping) {
				log_info("stopping");
				notify("STOPPING=1");
				s.stopping = 1;
				/* not t: that was read before a wait
				 * without a time limit */
				s.kill_at = now() + STOP_TIMEOUT;
				if (s.worker != 0)
					(void)kill(s.worker, SIGTERM);
			}
			break;
		case SIGCHLD:
			reap(&s);
			break;
		default:
			break;
		}
	}
	if (opt->pidfile != NULL)
		(void)unlink(opt->pidfile);
	/* libmilter leaves its UNIX socket behind; the worker may no longer
	 * have the right to remove it */
	if ((path = socket_path(sock)) != NULL && unlink(path) == -1 &&
	    errno != ENOENT)
		log_warn(
		    "cannot remove the socket %s: %s", path, strerror(errno));
	log_info("stopped");
	return s.status;
}

/* absolute - path made absolute against the current directory (the
 * daemon changes to /); a new string, NULL on error */
static char *
absolute(const char *path)
{
	struct buf b;
	char *cwd, *r = NULL;

	if (*path == '/')
		return strdup(path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	buf_init(&b, 65536);
	if (buf_printf(&b, "%s/%s", cwd, path) == BUF_OK)
		r = buf_steal(&b);
	buf_free(&b);
	free(cwd);
	return r;
}

/*
 * daemonize - detach from the terminal. The original process waits for
 * the daemon's start-up report and exits with it; the daemon gets the
 * pipe's write end to report on (close-on-exec, and closed in every
 * worker, so that only the supervisor holds it: if it dies, the starter
 * reads end of file instead of waiting for ever).
 */
static int
daemonize(void)
{
	unsigned char b;
	ssize_t n;
	int p[2], fd;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, PROGNAME ": cannot daemonize: %s\n",
		    strerror(errno));
		exit(EX_OSERR);
	}
	if (pid > 0) {
		(void)close(p[1]);
		(void)waitpid(pid, NULL, 0);
		do
			n = read(p[0], &b, 1);
		while (n == -1 && errno == EINTR);
		if (n == 1 && b == 0)
			exit(EX_OK);
		if (n == 1)
			fprintf(stderr,
			    PROGNAME ": the daemon did not start (exit status "
			             "%u); the mail log says why\n",
			    b);
		else
			fprintf(stderr,
			    PROGNAME ": the daemon did not start; the mail "
			             "log says why\n");
		exit(n == 1 ? b : EX_SOFTWARE);
	}
	(void)close(p[0]);
	if (setsid() == -1 || (pid = fork()) == -1)
		_exit(EX_OSERR);
	if (pid > 0)
		_exit(EX_OK);
	if (chdir("/") == -1)
		_exit(EX_OSERR);
	/* stderr stays until start-up is reported: the worker's first
	 * build prints its problems there */
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			(void)close(fd);
	}
	return p[1];
}

/* version - -V */
static void
version(void)
{
	unsigned int major = 0, minor = 0, patch = 0;

	(void)smfi_version(&major, &minor, &patch);
	printf(PROGNAME " %s (libmilter %u.%u.%u)\n", PACKAGE_VERSION, major,
	    minor, patch);
}

int
main(int argc, char **argv)
{
	struct options opt;
	struct ids ids;
	char err[512], *sock, *cfgpath = NULL, *pidpath = NULL;
	sigset_t set;
	int c, help = 0, ver = 0, readyfd = -1, r;

	memset(&opt, 0, sizeof(opt));
	memset(&ids, 0, sizeof(ids));
	opt.config_path = DEFAULT_CONFIG;
	while ((c = getopt(argc, argv, "c:fhnp:P:u:V")) != -1) {
		switch (c) {
		case 'c':
			opt.config_path = optarg;
			break;
		case 'f':
			opt.foreground = 1;
			break;
		case 'h':
			help = 1;
			break;
		case 'n':
			opt.check = 1;
			break;
		case 'p':
			opt.socket = optarg;
			break;
		case 'P':
			opt.pidfile = optarg;
			break;
		case 'u':
			opt.user = optarg;
			break;
		case 'V':
			ver = 1;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROGNAME ": unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}
	if (help) {
		usage(stdout);
		return EX_OK;
	}
	if (ver) {
		version();
		return EX_OK;
	}
	if (opt.socket != NULL &&
	    config_socket_check(opt.socket, err, sizeof(err)) == -1) {
		fprintf(stderr, PROGNAME ": -p: %s\n", err);
		return EX_USAGE;
	}

	log_init(PROGNAME, opt.foreground || opt.check);
	config_init();
	if (opt.user != NULL && resolve_user(&ids, opt.user) == -1)
		return EX_NOUSER;
	if (opt.check) {
		r = check_only(opt.config_path, &ids);
		free(ids.name);
		return r;
	}
	/* <socket> is checked, with its line, when the file loads */
	if (opt.socket != NULL)
		sock = strdup(opt.socket);
	else if ((sock = peek_socket(opt.config_path, &ids, &r)) == NULL) {
		free(ids.name);
		return r;
	}
	if (sock == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		free(ids.name);
		return EX_OSERR;
	}
	if (!opt.foreground) {
		/* the daemon works in /: keep relative paths meaningful */
		if ((cfgpath = absolute(opt.config_path)) == NULL ||
		    (opt.pidfile != NULL &&
		        (pidpath = absolute(opt.pidfile)) == NULL)) {
			fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
			r = EX_OSERR;
			goto out;
		}
		opt.config_path = cfgpath;
		opt.pidfile = pidpath;
	}

	/* the supervisor takes its signals with sigwait(); blocked before
	 * any fork so that no child starts with them open */
	supervisor_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
		fprintf(
		    stderr, PROGNAME ": sigprocmask: %s\n", strerror(errno));
		r = EX_OSERR;
		goto out;
	}
	if (!opt.foreground)
		readyfd = daemonize();
	r = supervise(&opt, &ids, sock, readyfd);
out:
	free(sock);
	free(ids.name);
	free(cfgpath);
	free(pidpath);
	return r;
}
