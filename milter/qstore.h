/*
 * qstore.h - the quarantine store: held messages, their index, the audit
 * log
 *
 * A held message is one file in the store directory, written durably
 * (temporary file O_CREAT|O_EXCL|O_NOFOLLOW mode 0600, full write, fsync,
 * close, rename, fsync of the directory) before the filter answers for
 * the message. The file holds the envelope and the verdict as metadata
 * lines, a blank line, then the message as received (header fields as
 * the MTA passed them, the body as stored, CRLF line ends). Its name is
 * the message's quarantine id: 16 lower-case hex digits from the
 * kernel's random source, never from mail data.
 *
 *	DIR/            0750, the milter user and the reviewer group;
 *	                refused when group- or world-writable
 *	DIR/ID          one held message, 0640
 *	DIR/review/     02770: what reviewers write
 *	    index.sqlite  the index for listing and searching; rebuilt from
 *	                  the files by qstore_reindex()
 *	    audit.log     append-only: one line per review action
 *	    ID.released   the release that won (created O_EXCL)
 *	    ID.deleted    a deletion (the message file goes at once when
 *	                  the caller may remove it, else at the next purge)
 *
 * The files are the truth; the index is a cache of them (a missing or
 * corrupt index is rebuilt). Another back end (a database shared by
 * several relays) would implement this same interface.
 *
 * Errors: -1 with errno set, and a message in the store's error text
 * (qstore_error()). A store handle belongs to one thread.
 */
#ifndef GUARDIAN_QSTORE_H
#define GUARDIAN_QSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct message;
struct verdict;

/* A quarantine id: 16 lower-case hex digits, and its NUL. */
#define QSTORE_ID_LEN 16
#define QSTORE_ID_SIZE (QSTORE_ID_LEN + 1)

enum qstore_status {
	QSTORE_HELD = 0,
	QSTORE_RELEASED,
	QSTORE_DELETED,
};

struct qstore;

/*
 * qstore_open - the store at dir. With create set (the daemon), dir and
 * dir/review are made when missing. Either way dir must be a directory
 * that is neither group- nor world-writable, owned by root or the
 * caller, and review/ not world-writable: else -1 with EPERM and the
 * reason in err. The index is opened (or made) lazily.
 * Returns 0 and a new handle in *out (qstore_close()), or -1 with errno
 * and a one-line reason in err.
 */
int qstore_open(struct qstore **out, const char *dir, int create, char *err,
    size_t errsize);

/* qstore_close - NULL does nothing */
void qstore_close(struct qstore *qs);

/* qstore_error - the reason of the last failure, "" if none */
const char *qstore_error(const struct qstore *qs);

/*
 * qstore_put - hold msg: write its file durably, then add it to the
 * index. headers (hlen bytes) are the header fields as received,
 * "Name: value\r\n" each, without the blank line after them; NULL
 * rebuilds them from the message's stored fields. A message whose body
 * or header fields were not all stored (message_body_complete(),
 * MESSAGE_LIMIT_HEADER_*) cannot be held whole: -1 with EFBIG. Returns
 * 0 with the new id in id once the file is durable (an index that
 * cannot be written is logged and left to qstore_reindex(): the file is
 * the record), or -1 with nothing left behind. Thread-safe across
 * handles.
 */
int qstore_put(struct qstore *qs, char id[QSTORE_ID_SIZE],
    const struct message *msg, const char *headers, size_t hlen,
    const struct verdict *v, time_t now);

/* One held message as the index and its file describe it. Strings are
 * owned by the entry (qstore_entry_free()). */
struct qstore_entry {
	char id[QSTORE_ID_SIZE];
	time_t time;
	char *queue_id;
	char *sender;
	char **rcpts;
	size_t nrcpts;
	char *client;
	char *login;
	char *rule;    /* the deciding rule */
	char *policy;  /* its guideline, "" if none */
	char *rules;   /* every matched rule, comma-separated */
	char *subject; /* "" if none */
	char *verdict; /* the verdict as JSON (verdict_render_json()) */
	uint64_t size; /* message bytes */
	enum qstore_status status;
	time_t status_time;
	char *status_by;     /* "" while held */
	char *status_reason; /* "" while held */
	uint64_t offset;     /* where the message starts in the file */
};

void qstore_entry_free(struct qstore_entry *e);

/* qstore_id_valid - 1 if id is a well-formed quarantine id */
int qstore_id_valid(const char *id);

/* qstore_get - the entry of id read from its file, with its status
 * from the markers; -1 with ENOENT when there is none (or it was
 * deleted), EINVAL for a malformed id, EBADMSG for a damaged file */
int qstore_get(struct qstore_entry *out, struct qstore *qs, const char *id);

/* qstore_open_message - the held message of id (the bytes after the
 * metadata): an fd positioned at its start, and its length in *size;
 * -1 as qstore_get() */
int qstore_open_message(
    int *fd, uint64_t *size, struct qstore *qs, const char *id);

/* What qstore_list() selects; zero or NULL fields select everything. */
struct qstore_filter {
	time_t since;
	const char *rule;      /* a matched rule id, exactly */
	const char *sender;    /* a substring, case-insensitive */
	const char *recipient; /* a substring, case-insensitive */
	int status;            /* -1 any, else enum qstore_status */
};

/* qstore_list - call fn for each entry the filter selects, oldest
 * first, from the index (rebuilt first if missing or unreadable). The
 * entry is borrowed for the call. fn returns 0 to go on, -1 to stop
 * (qstore_list then returns -1). */
int qstore_list(struct qstore *qs, const struct qstore_filter *f,
    int (*fn)(const struct qstore_entry *e, void *arg), void *arg);

/*
 * qstore_claim_release - mark id released by who for reason: the
 * marker is created with O_EXCL, so of two reviewers releasing at once
 * exactly one wins. Returns 0 (this caller won: deliver it now, or
 * qstore_unclaim_release() if delivery failed), 1 when it was released
 * or deleted already, or -1.
 */
int qstore_claim_release(struct qstore *qs, const char *id, const char *who,
    const char *reason, time_t now);

/* qstore_unclaim_release - undo a claim whose delivery failed */
int qstore_unclaim_release(struct qstore *qs, const char *id);

/* qstore_delete - mark id deleted and remove its file when allowed;
 * 0, 1 when deleted already, or -1 */
int qstore_delete(struct qstore *qs, const char *id, const char *who,
    const char *reason, time_t now);

/* qstore_purge - remove the files of messages held since before
 * now - days * 86400 (any status) and of deleted ones; the number
 * removed in *n; and temporary files an hour old, left by a crash
 * during a write. 0 or -1. */
int qstore_purge(struct qstore *qs, unsigned days, time_t now, size_t *n);

/* qstore_reindex - rebuild the index from the files and markers; the
 * number of messages indexed in *n. A damaged file is skipped with a
 * warning, never removed. 0 or -1. */
int qstore_reindex(struct qstore *qs, size_t *n);

/*
 * Release passes. A released message goes back through the MTA, and an
 * MTA that runs this filter on local submissions too (Postfix's
 * non_smtpd_milters) would hold it again. So before re-injecting it, a
 * release leaves a pass, review/pass.DIGEST, named by the SHA-256 of
 * the message's envelope sender, recipients and body; the filter that
 * would hold a message with that digest takes the pass instead (one
 * message, once) and lets it through unchanged. A pass a day old is
 * purged. Only reviewers can write review/.
 */
#define QSTORE_DIGEST_SIZE 65 /* 64 hex digits and a NUL */

/* qstore_message_digest - the pass digest of msg, whose body must be
 * stored whole; 0, or -1 (EFBIG when it is not, EIO) */
int qstore_message_digest(
    char out[QSTORE_DIGEST_SIZE], const struct message *msg);

/* qstore_held_digest - the pass digest of the held message id */
int qstore_held_digest(
    char out[QSTORE_DIGEST_SIZE], struct qstore *qs, const char *id);

/* qstore_pass_create - a pass for digest, naming id; 0 or -1 */
int qstore_pass_create(struct qstore *qs, const char *digest, const char *id);

/* qstore_pass_take - take the pass for digest: 1 and the id it names
 * in id (unlinking it, so exactly one taker wins), 0 when there is
 * none, -1 on error */
int qstore_pass_take(
    struct qstore *qs, const char *digest, char id[QSTORE_ID_SIZE]);

/* qstore_pass_remove - drop the pass for digest (a failed release) */
int qstore_pass_remove(struct qstore *qs, const char *digest);

/*
 * The audit log: one line per action, appended (O_APPEND) and synced,
 * never rewritten:
 *	2026-12-04T21:40:00Z who=alice action=release id=ID reason="..."
 * Values are printable-filtered and quoted where needed.
 */
int qstore_audit(struct qstore *qs, const char *who, const char *action,
    const char *id, const char *reason, time_t now);

/* qstore_audit_path - the audit log's path, borrowed from qs */
const char *qstore_audit_path(const struct qstore *qs);

/* qstore_status_name - "held", "released", "deleted" */
const char *qstore_status_name(enum qstore_status s);

/*
 * Test hook: qstore_set_write_hook() replaces the function that writes
 * a held message's bytes (durable_write_all()), so that a test can make
 * the write fail as a full disk would. NULL restores it. Not for
 * production; not thread-safe.
 */
void qstore_set_write_hook(int (*fn)(int fd, const void *p, size_t n));

#endif /* GUARDIAN_QSTORE_H */
