/*
 * main.c - guardian-milter: options, start-up, the supervisor and the
 * worker
 *
 * Process model. The process started by the administrator checks the
 * configuration, the socket and the user, then (unless -f) daemonizes and
 * waits until the daemon reports that it is serving, so start-up errors
 * reach the terminal and the exit status. The daemon is a small
 * single-threaded supervisor (the pid in the pid file, the one to signal)
 * and one worker process that runs libmilter:
 *
 *   supervisor: SIGHUP (or SIGUSR1) -> SIGUSR1 to the worker;
 *               SIGTERM/SIGINT -> SIGTERM to the worker, wait, exit;
 *               a worker that dies unasked is restarted after a delay
 *               that doubles, at most RESTART_MAX times in RESTART_WINDOW.
 *   worker:     opens the socket, drops privileges, runs smfi_main().
 *               libmilter's own signal thread takes SIGHUP/SIGTERM/SIGINT
 *               as "stop"; our reload thread sigwait()s SIGUSR1, builds a
 *               snapshot beside the one in use and publishes it, or logs
 *               every problem and keeps the old one. Every other thread
 *               has all asynchronous signals blocked.
 *
 * The first worker serves the snapshot checked at start-up; a restarted
 * worker reads the configuration again and falls back to that snapshot if
 * the files are broken now.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
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

#include "buf.h"
#include "compat.h"
#include "config.h"
#include "diag.h"
#include "log.h"
#include "milter.h"
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

/* Seconds a stopping worker gets to finish its connections. */
#define STOP_TIMEOUT 30

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

static atomic_int reload_stop; /* set before waking the reload thread */

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
	    "  -u USER[:GROUP]  run as USER after opening the socket\n"
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

/* build - load the configuration into a new snapshot, printing every
 * problem (and warning) to stderr; -1 if it is broken */
static int
build(struct snapshot **out, const char *path)
{
	struct diag *dg;
	int r;

	if ((dg = diag_new()) == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return -1;
	}
	r = snapshot_build(out, path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	return r;
}

/* log_diag - every problem of a failed reload in the log */
static void
log_diag(const struct diag *dg)
{
	size_t i;

	for (i = 0; i < diag_kept(dg); i++) {
		if (diag_is_error(dg, i))
			log_err("%s", diag_text(dg, i));
		else
			log_warn("%s", diag_text(dg, i));
	}
}

/* reload - build a snapshot beside the one in use and publish it, or log
 * why not and keep the old one (-1) */
static int
reload(const char *path, const char *sock, int sock_from_option)
{
	struct snapshot *snap = NULL, *cur;
	const char *newsock;
	unsigned long gen;
	struct diag *dg;

	if ((dg = diag_new()) == NULL) {
		log_err("reload of %s failed: %s; keeping the configuration "
		        "in use",
		    path, strerror(errno));
		return -1;
	}
	if (snapshot_build(&snap, path, dg) == -1) {
		cur = snapshot_acquire();
		gen = cur != NULL ? snapshot_generation(cur) : 0;
		snapshot_release(cur);
		log_err("reload of %s failed with %zu error(s); keeping "
		        "generation %lu",
		    path, diag_count(dg), gen);
		log_diag(dg);
		diag_free(dg);
		return -1;
	}
	log_diag(dg); /* warnings */
	diag_free(dg);
	snapshot_publish(snap);
	if ((cur = snapshot_acquire()) == NULL)
		log_panic("reload: no snapshot right after publishing one");
	log_info("reloaded configuration, generation %lu, %zu rules",
	    snapshot_generation(cur), rules_count(snapshot_rules(cur)));
	newsock = config_socket(snapshot_config(cur));
	if (!sock_from_option && newsock != NULL && strcmp(newsock, sock) != 0)
		log_warn("the socket changed to %s; it takes effect when the "
		         "daemon restarts (still serving %s)",
		    newsock, sock);
	snapshot_release(cur);
	return 0;
}

/* What the reload thread needs; set before it starts, read-only after. */
struct reloader {
	const char *config_path;
	const char *sock;     /* the socket being served */
	int sock_from_option; /* -p given: <socket> does not matter */
};

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

/*
 * reload_main - the worker's reload thread: one reload per SIGUSR1, and
 * one when a file of the directory changed (checked every
 * <check-interval> seconds). An automatic reload that failed is tried
 * again only after RETRY_FACTOR intervals, so a broken export does not
 * fill the log; SIGHUP always tries at once.
 */
static void *
reload_main(void *arg)
{
	const struct reloader *rl = arg;
	struct timespec ts;
	time_t retry_at = 0;
	unsigned interval;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		if ((interval = check_interval()) == 0)
			sig = sigwaitinfo(&set, NULL);
		else {
			ts.tv_sec = interval;
			ts.tv_nsec = 0;
			sig = sigtimedwait(&set, NULL, &ts);
		}
		if (atomic_load(&reload_stop))
			break;
		if (sig == SIGUSR1) {
			retry_at = 0;
			(void)reload(
			    rl->config_path, rl->sock, rl->sock_from_option);
		} else if (sig == -1 && errno == EAGAIN && now() >= retry_at &&
		    directory_changed()) {
			log_info("the directory's files changed; reloading");
			retry_at = 0;
			if (reload(rl->config_path, rl->sock,
			        rl->sock_from_option) == -1)
				retry_at =
				    now() + (time_t)interval * RETRY_FACTOR;
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

/* restart_snapshot - a restarted worker reads the configuration again;
 * if it is broken now, the snapshot checked at start-up keeps serving */
static void
restart_snapshot(const char *path)
{
	struct snapshot *snap = NULL;
	struct diag *dg;

	if ((dg = diag_new()) == NULL) {
		log_err("restarted worker: %s; serving the configuration "
		        "read at start-up",
		    strerror(errno));
		return;
	}
	if (snapshot_build(&snap, path, dg) == -1) {
		log_err("restarted worker: %s has %zu error(s); serving the "
		        "configuration read at start-up",
		    path, diag_count(dg));
		log_diag(dg);
	} else {
		log_diag(dg);
		snapshot_publish(snap);
	}
	diag_free(dg);
}

/*
 * worker_run - the worker process: open the socket, drop privileges,
 * serve until libmilter stops. readyfd (or -1) gets one byte once the
 * filter is serving. Returns the process's exit status.
 */
static int
worker_run(const struct options *opt, const struct ids *ids, const char *sock,
    int readyfd, int restarted)
{
	static struct reloader rl;
	struct snapshot *snap;
	unsigned char ok = 0;
	const char *path;
	pthread_t tid;
	char *conn;
	int r;

	if (block_signals() == -1) {
		log_err("cannot block signals: %s", strerror(errno));
		return EX_OSERR;
	}
	if (restarted)
		restart_snapshot(opt->config_path);
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
	if (drop_privileges(ids) == -1)
		return EX_NOPERM;
	rl.config_path = opt->config_path;
	rl.sock = sock;
	rl.sock_from_option = opt->socket != NULL;
	if ((r = pthread_create(&tid, NULL, reload_main, &rl)) != 0) {
		log_err("cannot start the reload thread: %s", strerror(r));
		return EX_OSERR;
	}
	if ((snap = snapshot_acquire()) == NULL)
		log_panic("worker: no snapshot published");
	log_info("serving %s: configuration %s, generation %lu, %zu rules",
	    sock, opt->config_path, snapshot_generation(snap),
	    rules_count(snapshot_rules(snap)));
	snapshot_release(snap);
	if (readyfd != -1) {
		if (write(readyfd, &ok, 1) != 1)
			log_warn("cannot report start-up: %s", strerror(errno));
		(void)close(readyfd);
	}
	r = smfi_main();
	atomic_store(&reload_stop, 1);
	(void)pthread_kill(tid, SIGUSR1);
	(void)pthread_join(tid, NULL);
	snapshot_shutdown();
	log_info("worker stopped");
	return r == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
}

/* The supervisor's state; it is one thread and handles one signal at a
 * time. Times are seconds on the monotonic clock. */
struct super {
	const struct options *opt;
	const struct ids *ids;
	const char *sock;
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

	if (pipe(wp) == -1) {
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
	if (pid == 0)
		exit(worker_run(s->opt, s->ids, s->sock, -1, 1));
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
				s.stopping = 1;
				s.kill_at = t + STOP_TIMEOUT;
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
 * pipe's write end to report on.
 */
static int
daemonize(void)
{
	unsigned char b;
	ssize_t n;
	int p[2], fd;
	pid_t pid;

	if (pipe(p) == -1 || (pid = fork()) == -1) {
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
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
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
	struct snapshot *snap = NULL;
	struct ids ids;
	char err[512], *sock, *cfgpath = NULL, *pidpath = NULL;
	const char *s;
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
	if (build(&snap, opt.config_path) == -1)
		return EX_CONFIG;
	/* <socket> was checked, with its line, when the file loaded */
	s = opt.socket != NULL ? opt.socket :
	                         config_socket(snapshot_config(snap));
	if (opt.check) {
		snapshot_release(snap);
		return EX_OK;
	}
	if (s == NULL) {
		fprintf(stderr,
		    PROGNAME ": no socket: give -p SOCKET or <socket> in %s\n",
		    opt.config_path);
		snapshot_release(snap);
		return EX_CONFIG;
	}
	if ((sock = strdup(s)) == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		snapshot_release(snap);
		return EX_OSERR;
	}
	if (opt.user != NULL && resolve_user(&ids, opt.user) == -1) {
		r = EX_NOUSER;
		goto out;
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
	snapshot_publish(snap); /* the first worker serves this one */
	snap = NULL;
	if (!opt.foreground)
		readyfd = daemonize();
	r = supervise(&opt, &ids, sock, readyfd);
out:
	snapshot_release(snap);
	snapshot_shutdown();
	free(sock);
	free(ids.name);
	free(cfgpath);
	free(pidpath);
	return r;
}
