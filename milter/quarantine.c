/*
 * quarantine.c - holding a message, and notices (see quarantine.h)
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "config.h"
#include "durable.h"
#include "log.h"
#include "message.h"
#include "quarantine.h"
#include "verdict.h"

extern char **environ;

/* The header field that marks our notices, so none is answered. */
#define NOTICE_FIELD "X-Guardian-Notice"

int
quarantine_check(
    const struct config *cfg, int create, char *err, size_t errsize)
{
	struct qstore *qs;

	if (qstore_open(
	        &qs, config_quarantine(cfg)->dir, create, err, errsize) == -1)
		return -1;
	qstore_close(qs);
	return 0;
}

int
quarantine_expire(
    const struct config *cfg, time_t now, size_t *n, char *err, size_t errsize)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	struct qstore *qs;
	int r;

	*n = 0;
	if (qstore_open(&qs, q->dir, 0, err, errsize) == -1)
		return -1;
	/* 0 days keeps everything but what reviewers deleted */
	r = qstore_purge(qs, q->retention_days > 0 ? q->retention_days : 0,
	    q->retention_days > 0 ? now : 0, n);
	if (r == -1)
		(void)snprintf(err, errsize, "%s", qstore_error(qs));
	qstore_close(qs);
	return r;
}

int
quarantine_pass(char id[QSTORE_ID_SIZE], const struct config *cfg,
    const struct message *msg, char *err, size_t errsize)
{
	char digest[QSTORE_DIGEST_SIZE];
	struct qstore *qs;
	int r;

	if (qstore_open(&qs, config_quarantine(cfg)->dir, 0, err, errsize) ==
	    -1)
		return -1;
	if ((r = qstore_message_digest(digest, msg)) == 0 &&
	    (r = qstore_pass_take(qs, digest, id)) == -1)
		(void)snprintf(
		    err, errsize, "release pass: %s", strerror(errno));
	else if (r == -1)
		(void)snprintf(err, errsize, "digest: %s", strerror(errno));
	qstore_close(qs);
	return r;
}

int
quarantine_hold(char id[QSTORE_ID_SIZE], const struct config *cfg,
    const struct message *msg, const char *headers, size_t hlen,
    const struct verdict *v, time_t now, char *err, size_t errsize)
{
	struct qstore *qs;
	int r;

	if (qstore_open(&qs, config_quarantine(cfg)->dir, 0, err, errsize) ==
	    -1)
		return -1;
	if ((r = qstore_put(qs, id, msg, headers, hlen, v, now)) == -1)
		(void)snprintf(err, errsize, "%s", qstore_error(qs));
	qstore_close(qs);
	return r;
}

/* ---- templates ---------------------------------------------------------- */

/* It names no subject or address: those may be student data, and the
 * notice crosses the mail system again. */
static const char default_template[] =
    "Your message of ${date} was not delivered: it is held for review "
    "by the district's compliance office (quarantine id ${id}).\n"
    "\n"
    "Why: ${why}\n"
    "\n"
    "Guideline: ${policy} (rule ${rule})\n"
    "\n"
    "A reviewer will release it to its ${recipients} recipient(s) or "
    "delete it; you will get a note either way. Please do not send it "
    "again. Questions: ${contact}.\n";

const char *
notice_default_template(void)
{
	return default_template;
}

/* var - the value of variable name (len bytes) */
static int
var(struct buf *b, const char *name, size_t len, const struct notice_vars *nv)
{
	const char *v = NULL;

	if (len == 10 && strncmp(name, "recipients", len) == 0)
		return buf_printf(b, "%zu", nv->recipients);
	if (len == 2 && strncmp(name, "id", len) == 0)
		v = nv->id;
	else if (len == 4 && strncmp(name, "rule", len) == 0)
		v = nv->rule;
	else if (len == 6 && strncmp(name, "policy", len) == 0)
		v = nv->policy;
	else if (len == 3 && strncmp(name, "why", len) == 0)
		v = nv->why;
	else if (len == 7 && strncmp(name, "contact", len) == 0)
		v = nv->contact;
	else if (len == 7 && strncmp(name, "subject", len) == 0)
		v = nv->subject;
	else if (len == 4 && strncmp(name, "date", len) == 0)
		v = nv->date;
	return buf_puts(b, v != NULL ? v : "");
}

char *
notice_expand(const char *t, const struct notice_vars *nv)
{
	struct buf b;
	const char *p, *end;

	buf_init(&b, BOUND_REPLY_TEXT * 4);
	for (p = t; *p != '\0';) {
		if (p[0] == '$' && p[1] == '{' &&
		    (end = strchr(p, '}')) != NULL) {
			if (var(&b, p + 2, (size_t)(end - p - 2), nv) != BUF_OK)
				goto fail;
			p = end + 1;
		} else if (buf_putc(&b, *p++) != BUF_OK)
			goto fail;
	}
	if (b.data == NULL)
		return strdup("");
	return buf_steal(&b);
fail:
	buf_free(&b);
	errno = ENOMEM;
	return NULL;
}

/* ---- who gets a notice -------------------------------------------------- */

int
notice_wanted(const struct message *msg, const char *self)
{
	const char *s = message_sender(msg), *at, *v;
	size_t it = 0;

	if (*s == '\0' || (self != NULL && strcasecmp(s, self) == 0))
		return 0;
	at = strchr(s, '@');
	if (strncasecmp(s, "MAILER-DAEMON", 13) == 0 &&
	    (s[13] == '\0' || s + 13 == at))
		return 0;
	if ((v = message_header_value(msg, "Auto-Submitted", &it)) != NULL) {
		while (*v == ' ' || *v == '\t')
			v++;
		if (strncasecmp(v, "no", 2) != 0 ||
		    (v[2] != '\0' && v[2] != ' ' && v[2] != ';' &&
		        v[2] != '\t' && v[2] != '('))
			return 0;
	}
	it = 0;
	if (message_header_value(msg, NOTICE_FIELD, &it) != NULL)
		return 0;
	it = 0;
	if ((v = message_header_value(msg, "Precedence", &it)) != NULL &&
	    (strcasestr(v, "bulk") != NULL || strcasestr(v, "junk") != NULL ||
	        strcasestr(v, "list") != NULL))
		return 0;
	return 1;
}

/* The per-sender rate limit: a small table of recent senders. */
#define RATE_SLOTS 256
static struct {
	uint32_t hash;
	time_t start;
	unsigned count;
} rate[RATE_SLOTS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

/* rate_ok - 1 if sender may get one more notice this hour */
static int
rate_ok(const char *sender, time_t now)
{
	uint32_t h = 2166136261u;
	const char *p;
	size_t slot;
	int ok = 1;

	for (p = sender; *p != '\0'; p++)
		h = (h ^ (unsigned char)(*p | 0x20)) * 16777619u;
	slot = h % RATE_SLOTS;
	pthread_mutex_lock(&rate_lock);
	if (rate[slot].hash != h || now - rate[slot].start >= 3600) {
		rate[slot].hash = h;
		rate[slot].start = now;
		rate[slot].count = 0;
	}
	if (rate[slot].count >= BOUND_NOTICES_PER_HOUR)
		ok = 0;
	else
		rate[slot].count++;
	pthread_mutex_unlock(&rate_lock);
	return ok;
}

/* ---- the notice message ------------------------------------------------- */

/* clean - s without control bytes, for a header field */
static int
put_clean(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (buf_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s) != BUF_OK)
			return -1;
	return 0;
}

char *
notice_message(const char *from, const char *to, const char *kind,
    const char *id, const char *body)
{
	struct buf b;
	const char *p;
	int r;

	buf_init(&b, BOUND_REPLY_TEXT * 8);
	r = (from != NULL &&
	        (buf_puts(&b, "From: District mail policy <") != BUF_OK ||
	            put_clean(&b, from) == -1 ||
	            buf_puts(&b, ">\r\n") != BUF_OK)) ||
	    buf_puts(&b, "To: <") != BUF_OK || put_clean(&b, to) == -1 ||
	    buf_printf(&b,
	        ">\r\nSubject: %s was %s (quarantine %s)\r\n"
	        "Auto-Submitted: auto-generated\r\n"
	        "Precedence: bulk\r\n" NOTICE_FIELD ": %s %s\r\n"
	        "MIME-Version: 1.0\r\n"
	        "Content-Type: text/plain; charset=utf-8\r\n"
	        "Content-Transfer-Encoding: 8bit\r\n\r\n",
	        strcmp(kind, "alert") == 0 ? "A message" : "Your message",
	        strcmp(kind, "held") == 0 || strcmp(kind, "alert") == 0 ?
	            "held for review" :
	            kind,
	        id, kind, id) != BUF_OK;
	for (p = body; !r && *p != '\0'; p++)
		r = (*p == '\n' ? buf_puts(&b, "\r\n") : buf_putc(&b, *p)) !=
		    BUF_OK;
	if (r) {
		buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	return buf_steal(&b);
}

/* ---- submission --------------------------------------------------------- */

int
submit(const char *const *argv, int relay, const char *sender,
    const char *const *rcpts, size_t nrcpts, int datafd, const char *data,
    size_t len, char *err, size_t errsize)
{
	static char opt_g[] = "-G", opt_i[] = "-i", opt_f[] = "-f",
	            null_sender[] = "<>", dashes[] = "--";
	posix_spawn_file_actions_t fa;
	char **av;
	size_t n = 0;
	int p[2] = {-1, -1}, status, rc, r = -1;
	pid_t pid;

	for (n = 0; argv[n] != NULL; n++)
		;
	if (n == 0 || argv[0][0] != '/') {
		(void)snprintf(err, errsize, "no sendmail command configured");
		return -1;
	}
	if ((av = calloc(n + nrcpts + 7, sizeof(*av))) == NULL) {
		(void)snprintf(err, errsize, "%s", strerror(errno));
		return -1;
	}
	/* posix_spawn takes char *const []: the strings are not changed */
	memcpy(av, argv, n * sizeof(*av));
	if (relay)
		av[n++] = opt_g;
	av[n++] = opt_i;
	av[n++] = opt_f;
	if (*sender != '\0')
		memcpy(&av[n++], &sender, sizeof(*av));
	else
		av[n++] = null_sender;
	av[n++] = dashes;
	memcpy(&av[n], rcpts, nrcpts * sizeof(*av));
	n += nrcpts;
	av[n] = NULL;
	if (datafd == -1 && pipe2(p, O_CLOEXEC) == -1) {
		(void)snprintf(err, errsize, "pipe: %s", strerror(errno));
		free(av);
		return -1;
	}
	(void)posix_spawn_file_actions_init(&fa);
	(void)posix_spawn_file_actions_adddup2(
	    &fa, datafd != -1 ? datafd : p[0], STDIN_FILENO);
	rc = posix_spawn(&pid, av[0], &fa, NULL, av, environ);
	(void)posix_spawn_file_actions_destroy(&fa);
	free(av);
	if (p[0] != -1)
		(void)close(p[0]);
	if (rc != 0) {
		(void)snprintf(
		    err, errsize, "cannot run %s: %s", argv[0], strerror(rc));
		if (p[1] != -1)
			(void)close(p[1]);
		return -1;
	}
	if (p[1] != -1) {
		if (durable_write_all(p[1], data, len) == -1)
			(void)snprintf(err, errsize, "writing to %s: %s",
			    argv[0], strerror(errno));
		else
			r = 0;
		(void)close(p[1]);
	} else
		r = 0;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			(void)snprintf(
			    err, errsize, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		(void)snprintf(err, errsize, "%s %s %d", argv[0],
		    WIFEXITED(status) ? "exited with status" :
		                        "killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		r = -1;
	}
	return r;
}

/* The notices of one held message on their way (to its sender, to the
 * compliance mailbox), owned by their thread. */
struct pending {
	char **argv; /* a copy of <sendmail> */
	char *id;
	char *to[2]; /* NULL: not sent */
	char *text[2];
};

/* pending_free - NULL does nothing */
static void
pending_free(struct pending *pn)
{
	size_t i;

	if (pn == NULL)
		return;
	for (i = 0; pn->argv != NULL && pn->argv[i] != NULL; i++)
		free(pn->argv[i]);
	free(pn->argv);
	free(pn->id);
	for (i = 0; i < 2; i++) {
		free(pn->to[i]);
		free(pn->text[i]);
	}
	free(pn);
}

/* send_main - the notice thread: submit, log the outcome */
static void *
send_main(void *arg)
{
	struct pending *pn = arg;
	char err[BOUND_DIAG_TEXT], to[BOUND_LOG_VALUE];
	const char *rcpt;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((rcpt = pn->to[i]) == NULL)
			continue;
		if (submit((const char *const *)pn->argv, 0, "", &rcpt, 1, -1,
		        pn->text[i], strlen(pn->text[i]), err,
		        sizeof(err)) == -1)
			log_warn("quarantine %s: %s to %s not sent: %s", pn->id,
			    i == 0 ? "notice" : "alert",
			    log_value(to, sizeof(to), rcpt), err);
		else
			log_info("quarantine %s: %s sent to %s", pn->id,
			    i == 0 ? "notice" : "alert",
			    log_value(to, sizeof(to), rcpt));
	}
	pending_free(pn);
	return NULL;
}

/* alert_text - the compliance mailbox's alert for id: which rule, who
 * sent it to how many; no content, no recipient's address */
static char *
alert_text(const struct config *cfg, const struct message *msg,
    const struct verdict *v, const char *id)
{
	struct buf b;
	char *text;

	buf_init(&b, BOUND_REPLY_TEXT * 2);
	if (buf_printf(&b,
	        "A message was held for review.\n\n"
	        "Quarantine id: %s\nRule: %s\nGuideline: %s\n"
	        "Sender: <%s>\nRecipients: %zu\n\n"
	        "Review it with: guardianctl quarantine show %s\n",
	        id, verdict_rule(v) != NULL ? verdict_rule(v) : "",
	        verdict_policy(v) != NULL ? verdict_policy(v) : "",
	        message_sender(msg), message_rcpt_count(msg), id) != BUF_OK) {
		buf_free(&b);
		errno = ENOMEM;
		return NULL;
	}
	text = notice_message(config_compliance_address(cfg),
	    config_compliance_address(cfg), "alert", id, buf_str(&b));
	buf_free(&b);
	return text;
}

/* pending_new - the notice for id to the sender of msg */
static struct pending *
pending_new(const struct config *cfg, const struct message *msg,
    const struct verdict *v, const char *id, int notice, int alert)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	struct notice_vars nv;
	struct pending *pn;
	char *body = NULL, date[64];
	time_t now = time(NULL);
	struct tm tm;
	size_t i, n, it = 0;

	if ((pn = calloc(1, sizeof(*pn))) == NULL)
		return NULL;
	for (n = 0; q->sendmail[n] != NULL; n++)
		;
	if ((pn->argv = calloc(n + 1, sizeof(*pn->argv))) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if ((pn->argv[i] = strdup(q->sendmail[i])) == NULL)
			goto fail;
	memset(&nv, 0, sizeof(nv));
	nv.id = id;
	nv.rule = verdict_rule(v);
	nv.policy = verdict_policy(v);
	nv.why = verdict_text(v) != NULL ? verdict_text(v) :
	                                   "a district mail rule matched it";
	nv.contact = q->contact != NULL ? q->contact :
	    config_compliance_address(cfg) != NULL ?
	                                  config_compliance_address(cfg) :
	                                  "your school's office";
	nv.subject = message_header_value(msg, "Subject", &it);
	nv.recipients = message_rcpt_count(msg);
	date[0] = '\0';
	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", &tm);
	nv.date = date;
	if ((pn->id = strdup(id)) == NULL)
		goto fail;
	if (notice &&
	    ((body = notice_expand(q->notice_template != NULL ?
	              q->notice_template :
	              default_template,
	          &nv)) == NULL ||
	        (pn->to[0] = strdup(message_sender(msg))) == NULL ||
	        (pn->text[0] = notice_message(config_compliance_address(cfg),
	             pn->to[0], "held", id, body)) == NULL))
		goto fail;
	if (alert &&
	    ((pn->to[1] = strdup(config_compliance_address(cfg))) == NULL ||
	        (pn->text[1] = alert_text(cfg, msg, v, id)) == NULL))
		goto fail;
	free(body);
	return pn;
fail:
	free(body);
	pending_free(pn);
	return NULL;
}

void
quarantine_notify(const struct config *cfg, const struct message *msg,
    const struct verdict *v, const char *id)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	int notice = q->notices, alert;
	struct pending *pn;
	pthread_attr_t attr;
	pthread_t tid;
	int r;

	alert = q->alert && config_compliance_address(cfg) != NULL;
	if (notice && !notice_wanted(msg, config_compliance_address(cfg))) {
		log_info(
		    "quarantine %s: no notice (automatic or null sender)", id);
		notice = 0;
	}
	if (notice && !rate_ok(message_sender(msg), time(NULL))) {
		log_info("quarantine %s: no notice (sender over %d notices "
		         "an hour)",
		    id, BOUND_NOTICES_PER_HOUR);
		notice = 0;
	}
	if (!notice && !alert)
		return;
	if ((pn = pending_new(cfg, msg, v, id, notice, alert)) == NULL) {
		log_warn(
		    "quarantine %s: notice not sent: %s", id, strerror(errno));
		return;
	}
	(void)pthread_attr_init(&attr);
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if ((r = pthread_create(&tid, &attr, send_main, pn)) != 0) {
		log_warn("quarantine %s: notice not sent: %s", id, strerror(r));
		pending_free(pn);
	}
	(void)pthread_attr_destroy(&attr);
}
