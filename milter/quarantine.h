/*
 * quarantine.h - holding a message for review, and the notices that tell
 * its sender
 *
 * The milter's side of the quarantine: check the store at start-up,
 * hold a message (qstore.h) before the filter answers, and mail the
 * sender a notice. guardianctl uses the same notices for release and
 * delete, and the same submission for re-injecting a released message.
 *
 * Notices go through the MTA's sendmail(1) (the <sendmail> command,
 * started with posix_spawn, never a shell), with a null envelope sender
 * and "Auto-Submitted: auto-generated", so no notice is ever answered by
 * another. None is sent for a message that is itself automatic
 * (Auto-Submitted other than "no", a null or MAILER-DAEMON sender, or
 * one of our own notices), nor more than BOUND_NOTICES_PER_HOUR to one
 * sender. A notice carries the rule, the guideline, the rule's guidance
 * text, the contact and the quarantine id: never the message's content.
 */
#ifndef GUARDIAN_QUARANTINE_H
#define GUARDIAN_QUARANTINE_H

#include <stddef.h>
#include <time.h>

#include "qstore.h"

struct config;
struct message;
struct verdict;

/* quarantine_check - the store of cfg can be used: made when missing
 * with create, refused when group- or world-writable (qstore_open()).
 * 0, or -1 with the reason in err. */
int quarantine_check(
    const struct config *cfg, int create, char *err, size_t errsize);

/* quarantine_expire - purge what is past <retention-days> (none when 0)
 * and what reviewers deleted; the number removed in *n. 0 or -1 with
 * the reason in err. */
int quarantine_expire(
    const struct config *cfg, time_t now, size_t *n, char *err, size_t errsize);

/* quarantine_pass - 1 when msg is a message a reviewer released, coming
 * back through the MTA: its release pass is taken (qstore.h) and its id
 * put in id, and the caller lets it through unchanged; 0 when it is
 * not; -1 (reason in err) when that cannot be told, and the caller
 * holds it, the safe side */
int quarantine_pass(char id[QSTORE_ID_SIZE], const struct config *cfg,
    const struct message *msg, char *err, size_t errsize);

/* quarantine_hold - store msg (headers: the fields as received, hlen
 * bytes) with v durably; 0 with the new id, or -1 with the reason in
 * err (nothing stored: the caller answers tempfail). Thread-safe. */
int quarantine_hold(char id[QSTORE_ID_SIZE], const struct config *cfg,
    const struct message *msg, const char *headers, size_t hlen,
    const struct verdict *v, time_t now, char *err, size_t errsize);

/* quarantine_notify - when <notices> is on and the message may get one,
 * mail its sender the notice for id, on a thread of its own: the
 * milter never waits for it; a failure is logged and changes nothing */
void quarantine_notify(const struct config *cfg, const struct message *msg,
    const struct verdict *v, const char *id);

/* What a notice says; every string may be NULL (empty). */
struct notice_vars {
	const char *id;
	const char *rule;
	const char *policy;
	const char *why;
	const char *contact;
	const char *subject;
	const char *date;
	size_t recipients;
};

/* notice_expand - template with each ${name} replaced (config.c checks
 * the names); a new string, or NULL on ENOMEM */
char *notice_expand(const char *template, const struct notice_vars *nv);

/* notice_default_template - the built-in held-message notice */
const char *notice_default_template(void);

/* notice_wanted - 1 if a notice may go to the sender of msg: not null,
 * not MAILER-DAEMON, not self (the address notices come from, the
 * compliance mailbox; NULL if none), not automatic, not one of ours */
int notice_wanted(const struct message *msg, const char *self);

/*
 * notice_message - a whole notice: header fields (From when from is not
 * NULL, To, Subject, Auto-Submitted, X-Guardian-Notice, MIME) and body
 * text; a new string or NULL on ENOMEM. kind is "held", "released" or
 * "deleted" (to the sender), or "alert" (to the compliance mailbox).
 * Control bytes in from and to become spaces.
 */
char *notice_message(const char *from, const char *to, const char *kind,
    const char *id, const char *body);

/*
 * submit - run argv (an absolute path, then its arguments) followed by
 * "-G" when relay is set (a message relayed as it is, not a new
 * submission), then "-i -f SENDER -- RCPT..." with posix_spawn, never
 * through a shell; its standard input is datafd (read to its end) or,
 * with datafd -1, a pipe fed len bytes of data. SENDER "" is the null
 * sender, passed as "<>". Waits for it: 0 when it exited 0, else -1
 * with a reason in err.
 */
int submit(const char *const *argv, int relay, const char *sender,
    const char *const *rcpts, size_t nrcpts, int datafd, const char *data,
    size_t len, char *err, size_t errsize);

#endif /* GUARDIAN_QUARANTINE_H */
