/*
 * milter.c - the libmilter edge: collect the message, apply the verdict
 *
 * Per connection a struct session hangs off smfi_setpriv(); it owns the
 * struct message being collected, this thread's regex scratch and, from
 * MAIL FROM to end of message or abort, a reference to the snapshot the
 * message is judged by. The callbacks only collect: the decision is
 * pipeline_evaluate(), the same function guardianctl calls.
 *
 * libmilter serialises the callbacks of one connection but promises little
 * about their order: close may come without connect, abort between any two
 * callbacks or not at all after a message callback answered for itself,
 * and a connection may carry several messages. So every callback accepts
 * a NULL private pointer, MAIL FROM starts from a clean message whatever
 * came before, and every answer other than "continue" releases the
 * message's state at once.
 *
 * Any internal failure (no snapshot, out of memory, a rule that could not
 * be evaluated, a modification libmilter refused) answers tempfail with a
 * log line, or accept where <on-error>accept</on-error> says so, logged
 * loudly. Never a silent accept, never an exit.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "config.h"
#include "log.h"
#include "message.h"
#include "milter.h"
#include "pipeline.h"
#include "qstore.h"
#include "quarantine.h"
#include "regex.h"
#include "rules.h"
#include "snapshot.h"
#include "verdict.h"

/* What the filter may do to a message, asked for at negotiation. */
#define MILTER_ACTIONS (SMFIF_ADDHDRS | SMFIF_ADDRCPT | SMFIF_CHGHDRS)

/* Protocol steps the filter does not need: the MTA may leave them out.
 * DATA stays: it is where a message no rule can match is accepted before
 * its header and body cross the socket. SMFIP_SKIP: the body may be
 * skipped when no rule reads it. */
#define MILTER_NO_STEPS (SMFIP_NOUNKNOWN | SMFIP_NOHELO | SMFIP_SKIP)

/* Steps the filter never answers on its own: with the MTA's consent they
 * get no reply at all, which saves a round trip per recipient and per
 * header field; a failure in them is answered at end of message. */
#define MILTER_NO_REPLY \
	(SMFIP_NR_CONN | SMFIP_NR_RCPT | SMFIP_NR_HDR | SMFIP_NR_EOH)

/* The SMTP reply for a message the filter could not judge. */
#define MILTER_FAIL_RCODE "451"
#define MILTER_FAIL_XCODE "4.3.0"
#define MILTER_FAIL_TEXT "The message could not be checked; it will be retried"

struct session {
	struct message *msg;           /* the message being collected */
	struct snapshot *snap;         /* held from MAIL FROM to the end */
	struct regex_scratch *scratch; /* this connection's match state */
	char *spool_dir;               /* outlives msg, which may borrow it */
	const char *conn_error;        /* set: every message fails */
	const char *msg_error;         /* set: this message fails */
	unsigned long no_reply;        /* SMFIP_NR_* the MTA agreed to */
	int can_skip;                  /* the MTA understands SMFIS_SKIP */
	int body_use;                  /* RULES_BODY_*: what the rules that
	                                  may match this message need */
	time_t now;                    /* the message's clock: every
	                                  decision on it sees this time */
	int can_hold;                  /* the MTA offered SMFIF_QUARANTINE */
	int keep_raw;                  /* a rule may hold the message: keep
	                                  the header fields as received */
	int raw_lost;                  /* ... and some did not fit */
	struct buf raw;                /* "Name: value\r\n" as received */
};

/*
 * The macros collected into the message. libmilter's smfi_getsymval()
 * looks in every stage's macros, so asking at each callback picks up what
 * the MTA sent so far. Arrays, not literals: libmilter takes char *.
 */
static char m_daemon_name[] = "{daemon_name}";
static char m_auth_authen[] = "{auth_authen}";
static char m_client_addr[] = "{client_addr}";
static char m_client_name[] = "{client_name}";
static char m_qid[] = "i";
static char m_j[] = "j";
static char m_mail_addr[] = "{mail_addr}";
static char m_rcpt_addr[] = "{rcpt_addr}";

static char *const macros[] = {
    m_daemon_name,
    m_auth_authen,
    m_client_addr,
    m_client_name,
    m_qid,
    m_j,
    m_mail_addr,
    m_rcpt_addr,
};

/* Macros that belong to one message: cleared at MAIL FROM when the MTA
 * does not send them again, so a value never leaks into the next message. */
static char *const message_macros[] = {
    m_auth_authen,
    m_qid,
    m_mail_addr,
    m_rcpt_addr,
};

/* session_free - release a session and everything it holds */
static void
session_free(struct session *sess)
{
	if (sess == NULL)
		return;
	snapshot_release(sess->snap);
	buf_free(&sess->raw);
	message_free(sess->msg);
	regex_scratch_free(sess->scratch);
	free(sess->spool_dir);
	free(sess);
}

/* session_new - a session whose message spools where the current
 * configuration says; NULL when out of memory */
static struct session *
session_new(void)
{
	struct session *sess;
	struct snapshot *snap;
	int failed = 0;

	if ((sess = calloc(1, sizeof(*sess))) == NULL)
		return NULL;
	buf_init(&sess->raw, BOUND_HELD_HEADER_BYTES);
	if ((snap = snapshot_acquire()) != NULL) {
		sess->spool_dir =
		    strdup(config_spool_dir(snapshot_config(snap)));
		failed = sess->spool_dir == NULL;
		snapshot_release(snap);
	}
	if (failed || (sess->scratch = regex_scratch_new()) == NULL ||
	    (sess->msg = message_new(sess->spool_dir)) == NULL) {
		session_free(sess);
		return NULL;
	}
	return sess;
}

/* session_get - the connection's session, made now if connect did not
 * make one (close-before-connect, or connect ran out of memory) */
static struct session *
session_get(SMFICTX *ctx)
{
	struct session *sess;

	if ((sess = smfi_getpriv(ctx)) != NULL)
		return sess;
	if ((sess = session_new()) == NULL)
		return NULL;
	if (smfi_setpriv(ctx, sess) != MI_SUCCESS) {
		session_free(sess);
		return NULL;
	}
	return sess;
}

/* message_end - forget the current message and drop its snapshot; the
 * connection's macros stay for the next message */
static void
message_end(struct session *sess)
{
	if (sess == NULL)
		return;
	snapshot_release(sess->snap);
	sess->snap = NULL;
	sess->msg_error = NULL;
	sess->now = 0;
	sess->keep_raw = sess->raw_lost = 0;
	buf_free(&sess->raw);
	message_reset(sess->msg);
}

/* message_now - the time the rules see for the current message: read
 * once, at its first decision, so that DATA, end of header and end of
 * message agree (a rule end of header judged unreachable, its body not
 * stored, must not become reachable at the end) */
static time_t
message_now(struct session *sess)
{
	if (sess->now == 0)
		sess->now = time(NULL);
	return sess->now;
}

/* collect_rule_macros - the macros the rules name beyond the fixed set,
 * so that a <macro> rule sees in production what guardianctl test
 * --macro shows offline; -1 when out of memory */
static int
collect_rule_macros(SMFICTX *ctx, struct session *sess)
{
	const struct rules *rs;
	char name[BOUND_MACRO_BYTES];
	const char *v;
	size_t i;

	if (sess->snap == NULL)
		return 0;
	rs = snapshot_rules(sess->snap);
	for (i = 0; i < rules_macro_count(rs); i++) {
		/* libmilter takes char *: hand it a copy */
		if (strlcpy(name, rules_macro(rs, i), sizeof(name)) >=
		        sizeof(name) ||
		    (v = smfi_getsymval(ctx, name)) == NULL)
			continue;
		if (message_set_macro(sess->msg, name, v) == -1)
			return -1;
	}
	return 0;
}

/* collect_macros - copy the macros the MTA sent so far into the message;
 * -1 when out of memory */
static int
collect_macros(SMFICTX *ctx, struct session *sess)
{
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		if ((v = smfi_getsymval(ctx, macros[i])) == NULL)
			continue;
		if (message_set_macro(sess->msg, macros[i], v) == -1)
			return -1;
		if (macros[i] == m_qid && *v != '\0' &&
		    message_set_queue_id(sess->msg, v) == -1)
			return -1;
	}
	return collect_rule_macros(ctx, sess);
}

/* clear_message_macros - forget per-message macros the MTA did not send
 * for this message; -1 when out of memory */
static int
clear_message_macros(SMFICTX *ctx, struct session *sess)
{
	size_t i;

	for (i = 0; i < sizeof(message_macros) / sizeof(message_macros[0]);
	     i++) {
		if (smfi_getsymval(ctx, message_macros[i]) != NULL)
			continue;
		if (message_set_macro(sess->msg, message_macros[i], "") == -1)
			return -1;
	}
	return 0;
}

/* queue_id - the queue id to log with, "NOQUEUE" before there is one */
static const char *
queue_id(SMFICTX *ctx, const struct session *sess)
{
	const char *qid;

	if (sess != NULL && sess->msg != NULL)
		return message_queue_id(sess->msg);
	if ((qid = smfi_getsymval(ctx, m_qid)) != NULL && *qid != '\0')
		return qid;
	return "NOQUEUE";
}

/* sender_value - the message's sender for a log line, "<addr>", quoted
 * and escaped when hostile (log_value) so it cannot add a key */
static const char *
sender_value(char *dst, size_t size, const struct message *msg)
{
	char a[BOUND_ADDRESS_BYTES + 3];

	(void)snprintf(
	    a, sizeof(a), "<%s>", msg != NULL ? message_sender(msg) : "");
	return log_value(dst, size, a);
}

/* on_error - what the configuration says to answer when the filter
 * fails: the message's snapshot, else the current one, else tempfail */
static enum config_on_error
on_error(const struct session *sess)
{
	enum config_on_error how = CONFIG_ON_ERROR_TEMPFAIL;
	struct snapshot *snap;

	if (sess != NULL && sess->snap != NULL)
		return config_on_error(snapshot_config(sess->snap));
	if ((snap = snapshot_acquire()) != NULL) {
		how = config_on_error(snapshot_config(snap));
		snapshot_release(snap);
	}
	return how;
}

/*
 * fail - the filter could not judge the message: log why, end the
 * message and answer tempfail, or accept if the configuration says so
 */
static sfsistat
fail(SMFICTX *ctx, struct session *sess, const char *why)
{
	const char *qid = queue_id(ctx, sess);
	const struct message *msg = sess != NULL ? sess->msg : NULL;
	char from[BOUND_LOG_VALUE];

	(void)sender_value(from, sizeof(from), msg);
	if (on_error(sess) == CONFIG_ON_ERROR_ACCEPT) {
		log_msg(qid, LOG_CRIT,
		    "verdict=accept reason=\"internal error: %s\" "
		    "on-error=accept from=%s rcpts=%zu: message accepted "
		    "WITHOUT inspection",
		    why, from, msg != NULL ? message_rcpt_count(msg) : 0);
		message_end(sess);
		return SMFIS_ACCEPT;
	}
	log_msg(qid, LOG_ERR,
	    "verdict=tempfail reason=\"internal error: %s\" from=%s "
	    "rcpts=%zu",
	    why, from, msg != NULL ? message_rcpt_count(msg) : 0);
	if (smfi_setmlreply(ctx, MILTER_FAIL_RCODE, MILTER_FAIL_XCODE,
	        MILTER_FAIL_TEXT, NULL) != MI_SUCCESS)
		log_msg(qid, LOG_WARNING, "cannot set the tempfail reply text");
	message_end(sess);
	return SMFIS_TEMPFAIL;
}

/*
 * in_message - for the callbacks after RCPT TO: the session if its message
 * can go on, else NULL with *why saying what went wrong
 */
static struct session *
in_message(SMFICTX *ctx, const char **why)
{
	struct session *sess = smfi_getpriv(ctx);

	if (sess == NULL || sess->snap == NULL) {
		*why = "message data without MAIL FROM";
		return NULL;
	}
	if (sess->msg_error != NULL) {
		*why = sess->msg_error;
		return NULL;
	}
	return sess;
}

/* mlfi_negotiate - ask for the actions we use and drop the steps we do
 * not need */
static sfsistat
mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0, unsigned long *pf1,
    unsigned long *pf2, unsigned long *pf3)
{
	struct session *sess;
	unsigned long want = MILTER_NO_STEPS;

	(void)f2;
	(void)f3;
	if ((f0 & MILTER_ACTIONS) != MILTER_ACTIONS) {
		/* SMFIS_REJECT ends the milter conversation: the MTA then
		 * does what its configuration says for a filter that is not
		 * there (Postfix milter_default_action, Sendmail's F= flag) */
		log_err("the MTA does not offer the actions the filter needs "
		        "(offered 0x%lx, needed 0x%lx); closing this milter "
		        "connection, so the MTA applies its default action "
		        "for an unavailable filter",
		    f0, (unsigned long)MILTER_ACTIONS);
		return SMFIS_REJECT;
	}
	/* No-reply steps need somewhere to keep a failure until the end
	 * of the message: without a session, every step answers. */
	if ((sess = session_get(ctx)) != NULL)
		want |= MILTER_NO_REPLY;
	/* the hold queue, for <quarantine><mode>hold</mode>, if offered */
	*pf0 = MILTER_ACTIONS | (f0 & SMFIF_QUARANTINE);
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	if (sess != NULL) {
		sess->no_reply = *pf1 & MILTER_NO_REPLY;
		sess->can_skip = (*pf1 & SMFIP_SKIP) != 0;
		sess->can_hold = (*pf0 & SMFIF_QUARANTINE) != 0;
	}
	return SMFIS_CONTINUE;
}

/* quiet - the answer of a step that has nothing to say: none at all when
 * the MTA agreed to no reply for it, else continue */
static sfsistat
quiet(const struct session *sess, unsigned long nr)
{
	return sess != NULL && (sess->no_reply & nr) ? SMFIS_NOREPLY :
	                                               SMFIS_CONTINUE;
}

/* defer - a failure in a step: kept for the end of the message when the
 * step may not answer, else answered now */
static sfsistat
defer(SMFICTX *ctx, struct session *sess, unsigned long nr, const char *why)
{
	if (sess != NULL && (sess->no_reply & nr)) {
		if (sess->msg_error == NULL)
			sess->msg_error = why;
		return SMFIS_NOREPLY;
	}
	return fail(ctx, sess, why);
}

/* set_client_addr - {client_addr} from the connect arguments when the
 * MTA does not send the macro (Postfix leaves it out by default) */
static int
set_client_addr(struct session *sess, const struct sockaddr *sa)
{
	char addr[INET6_ADDRSTRLEN];
	const void *src;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		src = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		src =
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return 0;
	if (inet_ntop(sa->sa_family, src, addr, sizeof(addr)) == NULL)
		return 0;
	return message_set_macro(sess->msg, m_client_addr, addr);
}

/* mlfi_connect - make the session and remember who connected */
static sfsistat
mlfi_connect(SMFICTX *ctx, char *hostname, struct sockaddr *hostaddr)
{
	struct session *sess;

	if ((sess = session_get(ctx)) == NULL) {
		/* MAIL FROM tries again and answers for the message */
		log_err("connect from %s: cannot set up the session: %s",
		    hostname != NULL ? hostname : "unknown", strerror(errno));
		return quiet(smfi_getpriv(ctx), SMFIP_NR_CONN);
	}
	if ((hostname != NULL && smfi_getsymval(ctx, m_client_name) == NULL &&
	        message_set_macro(sess->msg, m_client_name, hostname) == -1) ||
	    (smfi_getsymval(ctx, m_client_addr) == NULL &&
	        set_client_addr(sess, hostaddr) == -1) ||
	    collect_macros(ctx, sess) == -1)
		sess->conn_error = "out of memory collecting connection macros";
	return quiet(sess, SMFIP_NR_CONN);
}

/* mlfi_helo - nothing to judge; pick up the macros sent with it */
static sfsistat
mlfi_helo(SMFICTX *ctx, char *helohost)
{
	struct session *sess = smfi_getpriv(ctx);

	(void)helohost;
	if (sess != NULL && collect_macros(ctx, sess) == -1)
		sess->conn_error = "out of memory collecting HELO macros";
	return SMFIS_CONTINUE;
}

/* body_use_set - what the message's body is kept for (RULES_BODY_*) */
static void
body_use_set(struct session *sess, int use)
{
	sess->body_use = use;
	message_set_body_count_only(sess->msg, use != RULES_BODY_READ);
}

/* mlfi_envfrom - a new message: take the current snapshot for it */
static sfsistat
mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *sess;

	if ((sess = session_get(ctx)) == NULL)
		return fail(ctx, NULL, "cannot set up the session");
	/* whatever came before (an abort that never arrived), start clean */
	message_end(sess);
	if (sess->conn_error != NULL)
		return fail(ctx, sess, sess->conn_error);
	/* the queue id and sender first, so that every answer names them */
	if (collect_macros(ctx, sess) == -1 ||
	    clear_message_macros(ctx, sess) == -1)
		return fail(ctx, sess, "out of memory collecting macros");
	if (argv != NULL && argv[0] != NULL &&
	    message_set_sender(sess->msg, argv[0]) == -1)
		return fail(ctx, sess, "out of memory storing the sender");
	if ((sess->snap = snapshot_acquire()) == NULL)
		return fail(ctx, sess,
		    "no policy loaded: the daemon is stopping, or its "
		    "files do not build (see the log)");
	/* the macros the rules of this snapshot name */
	if (collect_macros(ctx, sess) == -1)
		return fail(ctx, sess, "out of memory collecting macros");
	/* a message a rule may hold is kept as received */
	sess->keep_raw = rules_keep_message(snapshot_rules(sess->snap));
	/* A body no rule reads is counted for <size>, never spooled: a full
	 * spool disk must not tempfail mail for content nobody looks at.
	 * This is the ruleset's answer; end of header narrows it to this
	 * message. */
	body_use_set(sess,
	    rules_read_body(snapshot_rules(sess->snap))     ? RULES_BODY_READ :
	        rules_need_body(snapshot_rules(sess->snap)) ? RULES_BODY_COUNT :
	                                                      RULES_BODY_NONE);
	return SMFIS_CONTINUE;
}

/*
 * mlfi_envrcpt - one recipient. Never rejected here: a tempfail answer at
 * this stage would refuse only this recipient, so a failure is kept and
 * answered for the whole message at the next message callback.
 */
static sfsistat
mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session *sess = smfi_getpriv(ctx);

	if (sess == NULL || sess->snap == NULL || sess->msg_error != NULL)
		return quiet(sess, SMFIP_NR_RCPT);
	if (collect_macros(ctx, sess) == -1)
		sess->msg_error = "out of memory collecting macros";
	else if (argv != NULL && argv[0] != NULL &&
	    message_add_rcpt(sess->msg, argv[0]) == -1)
		sess->msg_error = "out of memory storing a recipient";
	return quiet(sess, SMFIP_NR_RCPT);
}

/*
 * mlfi_data - every recipient is known and no header has crossed yet: if
 * no rule can match, the verdict is a plain accept; give it now and spare
 * the header and body. Otherwise (or when that cannot be worked out) the
 * message is judged at its end.
 */
static sfsistat
mlfi_data(SMFICTX *ctx)
{
	struct session *sess;
	char from[BOUND_LOG_VALUE];
	const char *why;

	if ((sess = in_message(ctx, &why)) == NULL)
		return fail(ctx, smfi_getpriv(ctx), why);
	if (collect_macros(ctx, sess) == -1)
		return fail(ctx, sess, "out of memory collecting macros");
	if (pipeline_may_match(
	        sess->snap, sess->msg, sess->scratch, message_now(sess)) != 0)
		return SMFIS_CONTINUE;
	log_msg(message_queue_id(sess->msg), LOG_INFO,
	    "verdict=accept stage=envelope from=%s rcpts=%zu",
	    sender_value(from, sizeof(from), sess->msg),
	    message_rcpt_count(sess->msg));
	message_end(sess);
	return SMFIS_ACCEPT;
}

/*
 * keep_header - the field as the MTA passed it, back in wire form:
 * "Name: value" with each bare LF of a folded field as CRLF. One space
 * after the colon is what the MTA removed (message.h); a field that had
 * a tab or none there comes back with one space. A field past
 * BOUND_HELD_HEADER_BYTES marks the copy incomplete, so the message
 * cannot be held (raw_lost). -1 on ENOMEM.
 */
static int
keep_header(struct session *sess, const char *name, const char *value)
{
	size_t mark = sess->raw.len;
	const char *p;
	int r;

	if (sess->raw_lost)
		return 0;
	r = buf_printf(&sess->raw, "%s: ", name != NULL ? name : "");
	for (p = value != NULL ? value : ""; r == BUF_OK && *p != '\0'; p++)
		r = *p == '\n' && (p == value || p[-1] != '\r') ?
		    buf_puts(&sess->raw, "\r\n") :
		    buf_putc(&sess->raw, *p);
	if (r == BUF_OK)
		r = buf_puts(&sess->raw, "\r\n");
	if (r == BUF_TOOBIG) {
		sess->raw_lost = 1;
		sess->raw.len = mark;
		return 0;
	}
	return r == BUF_OK ? 0 : -1;
}

/* mlfi_header - one header field, stored as the MTA passed it (one space
 * after the colon removed, folded lines joined by a bare LF): the same
 * call message_parse() makes for guardianctl test, so both store the same
 * value; the message module unfolds and bounds it */
static sfsistat
mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *sess;
	const char *why;

	if ((sess = in_message(ctx, &why)) == NULL)
		return defer(ctx, smfi_getpriv(ctx), SMFIP_NR_HDR, why);
	if (message_add_header(sess->msg, name != NULL ? name : "",
	        value != NULL ? value : "") == -1)
		return defer(
		    ctx, sess, SMFIP_NR_HDR, "cannot store a header field");
	if (sess->keep_raw && keep_header(sess, name, value) == -1)
		return defer(ctx, sess, SMFIP_NR_HDR,
		    "out of memory keeping the header");
	return quiet(sess, SMFIP_NR_HDR);
}

/*
 * mlfi_eoh - end of headers: the queue id may have arrived, and the
 * body is next. Only the rules that may still match (judged on the
 * envelope, as at DATA, which not every MTA sends) say what the body is
 * kept for: a message no content rule can touch is counted, never
 * stored or parsed, or left with the MTA. Unknown: keep it.
 */
static sfsistat
mlfi_eoh(SMFICTX *ctx)
{
	struct session *sess;
	const char *why;
	int use;

	if ((sess = in_message(ctx, &why)) == NULL)
		return defer(ctx, smfi_getpriv(ctx), SMFIP_NR_EOH, why);
	if (collect_macros(ctx, sess) == -1)
		return defer(
		    ctx, sess, SMFIP_NR_EOH, "out of memory collecting macros");
	use = pipeline_body_use(
	    sess->snap, sess->msg, sess->scratch, message_now(sess));
	body_use_set(sess, use == -1 ? RULES_BODY_READ : use);
	return quiet(sess, SMFIP_NR_EOH);
}

/* mlfi_body - one body chunk; counted, and spooled only when a rule
 * that may match reads it (see mlfi_envfrom, mlfi_eoh), bounded by the
 * message */
static sfsistat
mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session *sess;
	const char *why;

	if ((sess = in_message(ctx, &why)) == NULL)
		return fail(ctx, smfi_getpriv(ctx), why);
	/* No rule that may match reads the body or its size: let the MTA
	 * keep it. */
	if (sess->can_skip && sess->body_use == RULES_BODY_NONE)
		return SMFIS_SKIP;
	if (len > 0 && message_add_body(sess->msg, chunk, len) == -1)
		return fail(ctx, sess, "cannot store the body");
	return SMFIS_CONTINUE;
}

/* set_reply - the reject or tempfail reply: the verdict's guidance as a
 * multi-line reply; -1 if libmilter refused it (the answer stands) */
static int
set_reply(
    SMFICTX *ctx, const struct verdict *v, const char *rcode, const char *xcode)
{
	char *l[BOUND_REPLY_LINES + 1];
	char **lines;
	size_t n, i;
	int r;

	if (verdict_reply_lines(&lines, &n, v) == -1)
		return -1;
	memset(l, 0, sizeof(l));
	for (i = 0; i < n && i < BOUND_REPLY_LINES; i++)
		l[i] = lines[i];
	if (n == 0)
		r = smfi_setmlreply(ctx, rcode, xcode, NULL);
	else
		/* libmilter takes 1..32 lines and stops at the first NULL */
		r = smfi_setmlreply(ctx, rcode, xcode, l[0], l[1], l[2], l[3],
		    l[4], l[5], l[6], l[7], l[8], l[9], l[10], l[11], l[12],
		    l[13], l[14], l[15], l[16], l[17], l[18], l[19], l[20],
		    l[21], l[22], l[23], l[24], l[25], l[26], l[27], l[28],
		    l[29], l[30], l[31], NULL);
	verdict_reply_free(lines);
	return r == MI_SUCCESS ? 0 : -1;
}

/*
 * fold_list - value (an address list) folded for the wire: a line break
 * and a tab go in after a comma wherever the line would pass 78 columns,
 * counting "Name: " on the first line (RFC 5322 2.2.3). Returns a new
 * string or NULL on ENOMEM.
 */
static char *
fold_list(const char *name, const char *value)
{
	struct buf b;
	const char *p = value, *comma;
	size_t col = strlen(name) + 2, len;

	buf_init(&b, BOUND_HEADER_BYTES);
	while (*p != '\0') {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) + 1 : strlen(p);
		if (col + len > 78 && b.len > 0) {
			/* the item's leading space becomes the fold */
			while (*p == ' ') {
				p++;
				len--;
			}
			if (buf_puts(&b, "\n\t") != BUF_OK)
				goto fail;
			col = 8;
		}
		if (buf_append(&b, p, len) != BUF_OK)
			goto fail;
		col += len;
		p += len;
	}
	if (b.data == NULL)
		return strdup("");
	return buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}

/* address_list - 1 if a field called name holds an address list that
 * fold_list() may fold (the fields the filter writes addresses into) */
static int
address_list(const char *name)
{
	return strcasecmp(name, "To") == 0 || strcasecmp(name, "Cc") == 0;
}

/* add_header - smfi_addheader with copies (libmilter takes char *); an
 * address list is folded, as set_header() does */
static int
add_header(SMFICTX *ctx, const char *name, const char *value)
{
	char *n = strdup(name);
	char *v = address_list(name) ? fold_list(name, value) : strdup(value);
	int r = -1;

	if (n != NULL && v != NULL && smfi_addheader(ctx, n, v) == MI_SUCCESS)
		r = 0;
	free(n);
	free(v);
	return r;
}

/* set_header - the first field called name gets value (folded), or the
 * field is added if the message has none: smfi_chgheader, index 1 */
static int
set_header(SMFICTX *ctx, const char *name, const char *value)
{
	char *n = strdup(name), *v = fold_list(name, value);
	int r = -1;

	if (n != NULL && v != NULL &&
	    smfi_chgheader(ctx, n, 1, v) == MI_SUCCESS)
		r = 0;
	free(n);
	free(v);
	return r;
}

/* add_rcpt - smfi_addrcpt with a copy, in angle brackets */
static int
add_rcpt(SMFICTX *ctx, const char *addr)
{
	struct buf b;
	char *a;
	int r = -1;

	buf_init(&b, BOUND_ADDRESS_BYTES + 3);
	if (buf_printf(&b, "<%s>", addr) == BUF_OK &&
	    (a = buf_steal(&b)) != NULL) {
		if (smfi_addrcpt(ctx, a) == MI_SUCCESS)
			r = 0;
		free(a);
	}
	buf_free(&b);
	return r;
}

/*
 * hold - the quarantine verdict: the message is stored durably first
 * (quarantine_hold()), and only then withheld: discarded, or put on the
 * MTA's hold queue (<mode>hold</mode>, smfi_quarantine). Any failure to
 * store returns -1, and the caller answers tempfail: the MTA keeps the
 * message and retries. A crash after the store and before the answer
 * leaves a held copy and a retry: at worst a second held copy.
 */
static sfsistat
hold(SMFICTX *ctx, struct session *sess, const struct verdict *v,
    const char **why)
{
	const struct config *cfg = snapshot_config(sess->snap);
	const struct config_quarantine *q = config_quarantine(cfg);
	const char *qid = message_queue_id(sess->msg);
	char id[QSTORE_ID_SIZE], err[BOUND_DIAG_TEXT], reason[64];
	struct timespec t0, t1;

	if (q->hold && !sess->can_hold) {
		*why = "quarantine mode hold, but the MTA does not offer its "
		       "hold queue (SMFIF_QUARANTINE)";
		return -1;
	}
	if (sess->raw_lost) {
		*why = "the header is too large to hold the message whole";
		return -1;
	}
	/* a message a reviewer released, back through the MTA: once */
	switch (quarantine_pass(id, cfg, sess->msg, err, sizeof(err))) {
	case 1:
		log_msg(qid, LOG_NOTICE,
		    "quarantine=%s released by a reviewer: delivered "
		    "unchanged",
		    id);
		return SMFIS_ACCEPT;
	case -1:
		log_msg(qid, LOG_WARNING,
		    "cannot tell whether the message was released (%s): "
		    "holding it",
		    err);
		break;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (quarantine_hold(id, cfg, sess->msg,
	        sess->raw.data != NULL ? sess->raw.data : "", sess->raw.len, v,
	        message_now(sess), err, sizeof(err)) == -1) {
		log_msg(qid, LOG_ERR, "quarantine failed: %s", err);
		*why = "the message could not be stored for quarantine";
		return -1;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	log_msg(qid, LOG_NOTICE, "quarantine=%s mode=%s store_ms=%.1f", id,
	    q->hold ? "hold" : "discard",
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	        (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	quarantine_notify(cfg, sess->msg, v, id);
	if (!q->hold)
		return SMFIS_DISCARD;
	(void)snprintf(reason, sizeof(reason), "guardian quarantine %s", id);
	if (smfi_quarantine(ctx, reason) != MI_SUCCESS) {
		/* held by the store already; a retry makes a second copy */
		*why = "the MTA refused to put the message on hold";
		return -1;
	}
	return SMFIS_ACCEPT;
}

/*
 * apply - carry out v; returns the answer, or -1 with *why set when the
 * verdict could not be carried out (the caller then fails the message)
 */
static sfsistat
apply(SMFICTX *ctx, struct session *sess, const struct verdict *v,
    const char **why)
{
	const char *qid = message_queue_id(sess->msg);
	const char *name, *value, *rcode, *xcode;
	size_t i;

	switch (verdict_action(v)) {
	case VERDICT_ACCEPT:
		for (i = 0; i < verdict_header_count(v); i++) {
			verdict_header(v, i, &name, &value);
			if (add_header(ctx, name, value) == -1) {
				*why = "cannot add a header field";
				return -1;
			}
		}
		for (i = 0; i < verdict_set_count(v); i++) {
			verdict_set(v, i, &name, &value);
			if (set_header(ctx, name, value) == -1) {
				*why = "cannot change a header field";
				return -1;
			}
		}
		for (i = 0; i < verdict_rcpt_count(v); i++) {
			verdict_rcpt(v, i, &value, &name);
			if (add_rcpt(ctx, value) == -1) {
				*why = "cannot add a recipient";
				return -1;
			}
		}
		return SMFIS_ACCEPT;
	case VERDICT_REJECT:
	case VERDICT_TEMPFAIL:
		rcode = verdict_rcode(v);
		xcode = verdict_xcode(v);
		if (verdict_action(v) == VERDICT_REJECT) {
			rcode = rcode != NULL ? rcode : "550";
			xcode = xcode != NULL ? xcode : "5.7.1";
		} else {
			rcode = rcode != NULL ? rcode : "451";
			xcode = xcode != NULL ? xcode : "4.7.1";
		}
		if (set_reply(ctx, v, rcode, xcode) == -1)
			log_msg(qid, LOG_WARNING,
			    "cannot set the reply text; the MTA's own is sent");
		return verdict_action(v) == VERDICT_REJECT ? SMFIS_REJECT :
		                                             SMFIS_TEMPFAIL;
	case VERDICT_QUARANTINE:
		return hold(ctx, sess, v, why);
	case VERDICT_DISCARD:
		/* only once a durable copy exists: quarantine makes one */
		*why = "discard without quarantine is not supported";
		return -1;
	}
	*why = "unknown verdict action";
	return -1;
}

/* log_decision - the one line per decision */
static void
log_decision(const struct session *sess, const struct verdict *v)
{
	const struct message *msg = sess->msg;
	char from[BOUND_LOG_VALUE];
	struct buf line;

	buf_init(&line, BOUND_LOG_LINE);
	if (verdict_render_log(v, &line) != BUF_OK) {
		buf_reset(&line);
		(void)buf_printf(&line, "verdict=%s",
		    verdict_action_name(verdict_action(v)));
	}
	log_msg(message_queue_id(msg), LOG_INFO,
	    "%s from=%s rcpts=%zu size=%ju", buf_str(&line),
	    sender_value(from, sizeof(from), msg), message_rcpt_count(msg),
	    (uintmax_t)message_size(msg));
	buf_free(&line);
}

/* mlfi_eom - decide and apply */
static sfsistat
mlfi_eom(SMFICTX *ctx)
{
	struct session *sess;
	struct verdict *v = NULL;
	const char *why = NULL;
	sfsistat r;

	if ((sess = in_message(ctx, &why)) == NULL)
		return fail(ctx, smfi_getpriv(ctx), why);
	if (collect_macros(ctx, sess) == -1)
		return fail(ctx, sess, "out of memory collecting macros");
	if (pipeline_evaluate(&v, sess->snap, sess->msg, sess->scratch,
	        message_now(sess)) == -1)
		return fail(ctx, sess, "the rules could not be evaluated");
	if ((r = apply(ctx, sess, v, &why)) == -1) {
		log_msg(message_queue_id(sess->msg), LOG_ERR,
		    "verdict=%s could not be applied",
		    verdict_action_name(verdict_action(v)));
		verdict_free(v);
		return fail(ctx, sess, why);
	}
	log_decision(sess, v);
	verdict_free(v);
	message_end(sess);
	return r;
}

/* mlfi_abort - the message ends without a decision; the connection may
 * go on with another */
static sfsistat
mlfi_abort(SMFICTX *ctx)
{
	message_end(smfi_getpriv(ctx));
	return SMFIS_CONTINUE;
}

/* mlfi_close - the connection ends, possibly without connect before it */
static sfsistat
mlfi_close(SMFICTX *ctx)
{
	struct session *sess = smfi_getpriv(ctx);

	if (sess == NULL)
		return SMFIS_CONTINUE;
	(void)smfi_setpriv(ctx, NULL);
	session_free(sess);
	return SMFIS_CONTINUE;
}

int
milter_register(const char *name)
{
	static char *regname;
	struct smfiDesc desc;

	if (regname == NULL && (regname = strdup(name)) == NULL) {
		log_err("cannot register the filter: %s", strerror(errno));
		return -1;
	}
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = regname;
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = MILTER_ACTIONS | SMFIF_QUARANTINE;
	desc.xxfi_connect = mlfi_connect;
	desc.xxfi_helo = mlfi_helo;
	desc.xxfi_envfrom = mlfi_envfrom;
	desc.xxfi_envrcpt = mlfi_envrcpt;
	desc.xxfi_header = mlfi_header;
	desc.xxfi_eoh = mlfi_eoh;
	desc.xxfi_body = mlfi_body;
	desc.xxfi_eom = mlfi_eom;
	desc.xxfi_abort = mlfi_abort;
	desc.xxfi_close = mlfi_close;
	desc.xxfi_unknown = NULL;
	desc.xxfi_data = mlfi_data;
	desc.xxfi_negotiate = mlfi_negotiate;
	if (smfi_register(desc) == MI_FAILURE) {
		log_err("smfi_register refused the filter");
		return -1;
	}
	/* a header field larger than libmilter's default packet must reach
	 * the header-size limit, not end the connection (bounds.h) */
	(void)smfi_setmaxdatasize(BOUND_MILTER_DATA_BYTES);
	return 0;
}
