/*
 * review_auth.c - the authenticating helper of guardian-review, and the
 * web side's client of it (see review_auth.h)
 *
 * pam_unix reads /etc/shadow, and checks another user's password only
 * for a root caller (unix_chkpwd refuses otherwise). The web daemon,
 * which parses hostile requests and renders hostile mail, must not be
 * root. So guardian-review starts as root, forks this helper before it
 * reads a single request, and drops to the unprivileged user; the
 * helper keeps root and does only this: read one "user NUL password
 * NUL" datagram from its socketpair, refuse it unchecked when the user
 * name failed too often lately, run pam_authenticate() and
 * pam_acct_mgmt() with the service "guardian-review", check that the
 * user is in the reviewer group, and answer 'Y' or 'N'. It holds no
 * session and parses no HTTP; it dies when the daemon goes.
 */
#include "autoconf.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "bounds.h"
#include "log.h"
#include "review_auth.h"

#define REVIEW_PAM_SERVICE "guardian-review"

/* conv - PAM's questions: the password for a hidden prompt, nothing
 * else */
static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *arg)
{
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG ||
	    (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF &&
		    (r[i].resp = strdup((const char *)arg)) == NULL)
			goto fail;
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			goto fail; /* no other questions are answered */
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	free(r);
	return PAM_CONV_ERR;
}

/* in_group - user is a member of group (primary or supplementary, as
 * NSS says: /etc/group, or LDAP and AD through sssd) */
static int
in_group(const char *user, const char *group)
{
	struct passwd *pw;
	struct group *gr;
	gid_t gids[256];
	int n = 256, i;

	if (group == NULL || (gr = getgrnam(group)) == NULL ||
	    (pw = getpwnam(user)) == NULL)
		return 0;
	if (pw->pw_gid == gr->gr_gid)
		return 1;
	if (getgrouplist(user, pw->pw_gid, gids, &n) == -1)
		return 0; /* more than 256 groups: refused, the safe side */
	for (i = 0; i < n; i++)
		if (gids[i] == gr->gr_gid)
			return 1;
	return 0;
}

/* check - 1 when user may review */
static int
check(const char *user, const char *pass, const char *group, char *why,
    size_t size)
{
	struct pam_conv pc = {conv, (void *)(uintptr_t)pass};
	pam_handle_t *ph = NULL;
	int r;

	if ((r = pam_start(REVIEW_PAM_SERVICE, user, &pc, &ph)) !=
	    PAM_SUCCESS) {
		(void)snprintf(
		    why, size, "pam_start: %s", pam_strerror(NULL, r));
		return 0;
	}
	r = pam_authenticate(ph, PAM_DISALLOW_NULL_AUTHTOK);
	if (r == PAM_SUCCESS)
		r = pam_acct_mgmt(ph, PAM_DISALLOW_NULL_AUTHTOK);
	if (r != PAM_SUCCESS)
		(void)snprintf(why, size, "%s", pam_strerror(ph, r));
	(void)pam_end(ph, r);
	if (r != PAM_SUCCESS)
		return 0;
	if (!in_group(user, group)) {
		(void)snprintf(why, size, "not in the reviewer group %s",
		    group != NULL ? group : "(none is set)");
		return 0;
	}
	return 1;
}

/* A user name's recent failures, in the helper. */
struct failure {
	char user[64];
	time_t first;
	unsigned n;
};

/* throttled - 1 when user failed too often; with failed, count one */
static int
throttled(struct failure *t, const char *user, int failed, time_t now)
{
	struct failure *slot = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < BOUND_REVIEW_THROTTLE_SLOTS; i++) {
		if (t[i].user[0] != '\0' &&
		    now - t[i].first > BOUND_REVIEW_THROTTLE_SECONDS)
			memset(&t[i], 0, sizeof(t[i]));
		if (slot == NULL && t[i].user[0] != '\0' &&
		    strcmp(t[i].user, user) == 0)
			slot = &t[i];
		if (oldest == NULL || t[i].first < oldest->first)
			oldest = &t[i];
	}
	if (slot == NULL && failed) {
		slot = oldest;
		memset(slot, 0, sizeof(*slot));
		(void)snprintf(slot->user, sizeof(slot->user), "%s", user);
		slot->first = now;
	}
	if (slot != NULL && failed)
		slot->n++;
	return slot != NULL && slot->n >= BOUND_REVIEW_FAILURES;
}

void
review_auth_serve(int fd, const char *group)
{
	static struct failure fails[BOUND_REVIEW_THROTTLE_SLOTS];
	char req[REVIEW_AUTH_MAX + 1], why[256], uv[128];
	const char *user, *pass;
	ssize_t n;
	size_t ulen;
	char answer;
	int ok;

	(void)prctl(PR_SET_NAME, "review-auth", 0, 0, 0); /* 15 bytes at most */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (getppid() == 1)
		_exit(0);
	for (;;) {
		n = recv(fd, req, REVIEW_AUTH_MAX, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0); /* the daemon went */
		req[n] = '\0';
		user = req;
		ulen = strnlen(req, (size_t)n);
		ok = 0;
		why[0] = '\0';
		if (ulen == 0 || ulen >= 64 || ulen + 1 >= (size_t)n ||
		    req[n - 1] != '\0') {
			(void)snprintf(why, sizeof(why), "malformed request");
			user = "";
		} else {
			pass = req + ulen + 1;
			if (throttled(fails, user, 0, time(NULL)))
				(void)snprintf(why, sizeof(why),
				    "too many failures for this user; "
				    "refused unchecked");
			else if ((ok = check(user, pass, group, why,
			              sizeof(why))) == 0)
				(void)throttled(fails, user, 1, time(NULL));
		}
		if (!ok)
			log_notice("review: PAM refused %s: %s",
			    log_value(uv, sizeof(uv), user), why);
		explicit_bzero(req, sizeof(req));
		answer = ok ? 'Y' : 'N';
		while (
		    send(fd, &answer, 1, MSG_NOSIGNAL) == -1 && errno == EINTR)
			;
	}
}

/* ---- the daemon's side ---------------------------------------------- */

static pthread_mutex_t ask_lock = PTHREAD_MUTEX_INITIALIZER;

int
review_auth_ask(void *arg, const char *user, const char *pass)
{
	int fd = *(int *)arg;
	char req[REVIEW_AUTH_MAX];
	size_t ul = strlen(user), pl = strlen(pass);
	struct pollfd pfd;
	struct timespec until;
	char answer = 'N';
	ssize_t n;
	int r = -1;

	if (ul + pl + 2 > sizeof(req))
		return 0;
	memcpy(req, user, ul + 1);
	memcpy(req + ul + 1, pass, pl + 1);
	/* one question at a time; a sign-in that would queue behind a slow
	 * one (PAM waits after a failure) is told to retry, so that sign-ins
	 * never hold more than one of the few answering threads */
	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	if (pthread_mutex_timedlock(&ask_lock, &until) != 0) {
		explicit_bzero(req, sizeof(req));
		return -2;
	}
	/* a late answer to an earlier question that timed out */
	while (recv(fd, &answer, 1, MSG_DONTWAIT) == 1)
		;
	if (send(fd, req, ul + pl + 2, MSG_NOSIGNAL) ==
	    (ssize_t)(ul + pl + 2)) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 30 * 1000) == 1 &&
		    (n = recv(fd, &answer, 1, 0)) == 1)
			r = answer == 'Y';
	}
	(void)pthread_mutex_unlock(&ask_lock);
	explicit_bzero(req, sizeof(req));
	return r;
}
