/*
 * review_ops.c - release and delete of held messages (see review_ops.h)
 *
 * A release re-injects the held message, byte for byte, to its original
 * envelope recipients through the MTA's sendmail(1) (the <sendmail>
 * command, with posix_spawn: never a shell). Postfix's sendmail hands it
 * to pickup(8), which passes non_smtpd_milters only: with this filter
 * kept out of them the released message is not filtered again, and with
 * it in them the release pass lets it through once.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "qstore.h"
#include "quarantine.h"
#include "review_ops.h"

/* settext - the result's reason */
static void __attribute__((format(printf, 2, 3)))
settext(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(
	    dst, sizeof(((struct review_result *)0)->text), fmt, ap);
	va_end(ap);
}

/* iso_time - t as "2026-12-04T21:40:00Z" */
static const char *
iso_time(char *dst, size_t size, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(dst, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(dst, size, "%lld", (long long)t);
	return dst;
}

int
review_reason_ok(const char *reason)
{
	const char *p;

	for (p = reason; p != NULL && (*p == ' ' || *p == '\t'); p++)
		;
	return p != NULL && *p != '\0' && strlen(reason) <= BOUND_REPLY_TEXT;
}

/* tell_sender - the release or delete notice; a failure is a warning in
 * res, never undoes the action */
static void
tell_sender(struct review_result *res, const struct config *cfg,
    const struct qstore_entry *e, const char *kind, const char *reason)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	const char *self = config_compliance_address(cfg);
	const char *to = e->sender;
	struct buf body;
	char *text, err[BOUND_DIAG_TEXT], when[32];

	if (!q->notices || *to == '\0' ||
	    strncasecmp(to, "MAILER-DAEMON", 13) == 0 ||
	    (self != NULL && strcasecmp(to, self) == 0))
		return;
	/* no subject: it may be student data */
	iso_time(when, sizeof(when), e->time);
	buf_init(&body, BOUND_REPLY_TEXT * 4);
	if (buf_printf(&body,
	        "Your message of %s (quarantine id %s) was %s by a "
	        "reviewer%s.\n\nReviewer's note: %s\n\nQuestions: %s.\n",
	        when, e->id, kind,
	        strcmp(kind, "released") == 0 ?
	            " and delivered to its recipients" :
	            " and will not be delivered",
	        reason,
	        q->contact != NULL ? q->contact :
	            self != NULL   ? self :
	                             "your school's office") != BUF_OK ||
	    (text = notice_message(self, to, kind, e->id, buf_str(&body))) ==
	        NULL) {
		buf_free(&body);
		(void)snprintf(res->warning, sizeof(res->warning),
		    "notice not sent: out of memory");
		return;
	}
	buf_free(&body);
	if (submit(q->sendmail, 0, "", &to, 1, -1, text, strlen(text), err,
	        sizeof(err)) == -1)
		(void)snprintf(res->warning, sizeof(res->warning),
		    "notice to the sender not sent: %s", err);
	free(text);
}

/* begin - check the arguments and read the entry; 0, or -1 with res
 * filled */
static int
begin(struct review_result *res, struct qstore_entry *e, struct qstore *qs,
    const char *id, const char *reason)
{
	memset(res, 0, sizeof(*res));
	if (id == NULL || !qstore_id_valid(id)) {
		res->outcome = REVIEW_BAD_INPUT;
		settext(res->text,
		    "invalid quarantine id (expected %d lower-case hex digits)",
		    QSTORE_ID_LEN);
		return -1;
	}
	if (!review_reason_ok(reason)) {
		res->outcome = REVIEW_BAD_INPUT;
		settext(res->text,
		    "a reason is needed (it goes to the audit log), at most "
		    "%d bytes",
		    BOUND_REPLY_TEXT);
		return -1;
	}
	if (qstore_get(e, qs, id) == -1) {
		res->outcome =
		    errno == ENOENT ? REVIEW_NOT_FOUND : REVIEW_STORE_FAIL;
		settext(res->text, "%s", qstore_error(qs));
		return -1;
	}
	return 0;
}

/* already - res for a message released or deleted before, with who
 * did it and when as its file says now */
static void
already(struct review_result *res, struct qstore *qs, const char *id)
{
	struct qstore_entry now;
	char when[32];

	res->outcome = REVIEW_ALREADY;
	if (qstore_get(&now, qs, id) == 0) {
		(void)snprintf(res->by, sizeof(res->by), "%s", now.status_by);
		(void)snprintf(res->status, sizeof(res->status), "%s",
		    qstore_status_name(now.status));
		res->at = now.status_time;
		qstore_entry_free(&now);
	} else
		(void)snprintf(res->status, sizeof(res->status), "deleted");
	if (res->by[0] != '\0')
		settext(res->text, "%s was %s already by %s at %s", id,
		    res->status, res->by,
		    iso_time(when, sizeof(when), res->at));
	else
		settext(res->text, "%s was released or deleted already", id);
}

/* audit - append to the audit log; 0, or -1 with the reason in res */
static int
audit(struct review_result *res, struct qstore *qs, const char *who,
    const char *action, const char *id, const char *reason)
{
	if (qstore_audit(qs, who, action, id, reason, time(NULL)) == 0)
		return 0;
	settext(res->text, "%s", qstore_error(qs));
	return -1;
}

int
review_release(struct review_result *res, const struct config *cfg,
    struct qstore *qs, const char *id, const char *who, const char *reason)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	struct qstore_entry e;
	char err[BOUND_DIAG_TEXT], digest[QSTORE_DIGEST_SIZE];
	uint64_t size;
	int r, fd;

	if (begin(res, &e, qs, id, reason) == -1)
		return -1;
	if ((r = qstore_claim_release(qs, id, who, reason, time(NULL))) != 0) {
		if (r == 1)
			already(res, qs, id);
		else {
			res->outcome = REVIEW_STORE_FAIL;
			settext(res->text, "%s", qstore_error(qs));
		}
		(void)qstore_audit(qs, who, "release-refused", id,
		    r == 1 ? "released or deleted already" : "store error",
		    time(NULL));
		qstore_entry_free(&e);
		return -1;
	}
	/* this caller won: the audit entry before the delivery, or none */
	if (audit(res, qs, who, "release", id, reason) == -1) {
		(void)qstore_unclaim_release(qs, id);
		res->outcome = REVIEW_STORE_FAIL;
		qstore_entry_free(&e);
		return -1;
	}
	res->nrcpts = e.nrcpts;
	(void)snprintf(res->queue_id, sizeof(res->queue_id), "%s", e.queue_id);
	if (q->hold) {
		/* the MTA still has the message on hold: it delivers it */
		res->hold = 1;
		qstore_entry_free(&e);
		return 0;
	}
	/* the filter lets the message through once, when the MTA hands
	 * it back (non_smtpd_milters) */
	if (qstore_held_digest(digest, qs, id) == -1 ||
	    qstore_pass_create(qs, digest, id) == -1) {
		(void)snprintf(
		    err, sizeof(err), "no release pass: %s", qstore_error(qs));
		digest[0] = '\0';
		r = -1;
	} else if (qstore_open_message(&fd, &size, qs, id) == -1) {
		(void)snprintf(err, sizeof(err), "%s", qstore_error(qs));
		r = -1;
	} else {
		/* -G: relayed, not a new submission: the MTA leaves the
		 * header as it is */
		r = submit(q->sendmail, 1, e.sender,
		    (const char *const *)e.rcpts, e.nrcpts, fd, NULL, 0, err,
		    sizeof(err));
		(void)close(fd);
	}
	if (r == -1) {
		if (digest[0] != '\0')
			(void)qstore_pass_remove(qs, digest);
		(void)qstore_unclaim_release(qs, id);
		(void)qstore_audit(
		    qs, who, "release-failed", id, err, time(NULL));
		res->outcome = REVIEW_SEND_FAIL;
		settext(res->text, "cannot re-inject %s: %s", id, err);
		qstore_entry_free(&e);
		return -1;
	}
	tell_sender(res, cfg, &e, "released", reason);
	qstore_entry_free(&e);
	return 0;
}

int
review_delete(struct review_result *res, const struct config *cfg,
    struct qstore *qs, const char *id, const char *who, const char *reason)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	struct qstore_entry e;
	int r;

	if (begin(res, &e, qs, id, reason) == -1)
		return -1;
	(void)snprintf(res->queue_id, sizeof(res->queue_id), "%s", e.queue_id);
	/* the audit entry first: a deletion cannot be taken back */
	if (audit(res, qs, who, "delete", id, reason) == -1) {
		res->outcome = REVIEW_STORE_FAIL;
		qstore_entry_free(&e);
		return -1;
	}
	if ((r = qstore_delete(qs, id, who, reason, time(NULL))) != 0) {
		if (r == 1)
			already(res, qs, id);
		else {
			res->outcome = REVIEW_STORE_FAIL;
			settext(res->text, "%s", qstore_error(qs));
		}
		(void)qstore_audit(qs, who, "delete-refused", id,
		    r == 1 ? "deleted already" : "store error", time(NULL));
		qstore_entry_free(&e);
		return -1;
	}
	res->hold = q->hold;
	if (e.status == QSTORE_HELD)
		tell_sender(res, cfg, &e, "deleted", reason);
	qstore_entry_free(&e);
	return 0;
}
