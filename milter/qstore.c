/*
 * qstore.c - the quarantine store on a local file system, with a SQLite
 * index (see qstore.h for the layout and the contract)
 *
 * The durable write follows OpenSMTPD's fsqueue: a temporary file made
 * with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, in the store directory,
 * written whole, synced and closed (each checked), renamed to its id,
 * then the directory synced. Only then may the filter answer discard.
 * Any failure removes the temporary file and returns -1, so the caller
 * answers tempfail and the MTA keeps the message.
 */
#include "autoconf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "durable.h"
#include "log.h"
#include "message.h"
#include "qstore.h"
#include "sha256.h"
#include "verdict.h"

#define QSTORE_MAGIC "guardian-quarantine: 1"
#define QSTORE_REVIEW "review"
#define QSTORE_INDEX "index.sqlite"
#define QSTORE_AUDIT "audit.log"
#define QSTORE_TMP_PREFIX ".tmp."
#define QSTORE_PASS_PREFIX "pass."
/* A pass no message took in a day is stale: the release went wrong, or
 * the rules changed and let the message through without it. */
#define QSTORE_PASS_SECONDS 86400

struct qstore {
	int dirfd;   /* the store directory */
	int rfd;     /* its review/ directory, -1 if absent */
	char *dir;   /* its path */
	char *index; /* review/index.sqlite */
	char *audit; /* review/audit.log */
	sqlite3 *db; /* NULL until first needed */
	char err[BOUND_DIAG_TEXT];
};

static int (*write_hook)(int, const void *, size_t);

/* seterr - remember why the last call failed; errno is kept */
static void __attribute__((format(printf, 2, 3)))
seterr(struct qstore *qs, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(qs->err, sizeof(qs->err), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
qstore_set_write_hook(int (*fn)(int fd, const void *p, size_t n))
{
	write_hook = fn;
}

/* put_bytes - the write of a held message's bytes (hookable) */
static int
put_bytes(int fd, const void *p, size_t n)
{
	return write_hook != NULL ? write_hook(fd, p, n) :
	                            durable_write_all(fd, p, n);
}

const char *
qstore_status_name(enum qstore_status s)
{
	switch (s) {
	case QSTORE_HELD:
		return "held";
	case QSTORE_RELEASED:
		return "released";
	case QSTORE_DELETED:
		return "deleted";
	}
	return "unknown";
}

int
qstore_id_valid(const char *id)
{
	size_t i;

	if (id == NULL)
		return 0;
	for (i = 0; i < QSTORE_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		        (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return id[QSTORE_ID_LEN] == '\0';
}

/* new_id - 64 random bits as hex, from the kernel (never mail data) */
static int
new_id(char id[QSTORE_ID_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[QSTORE_ID_LEN / 2];
	size_t i;
	ssize_t n;

	do
		n = getrandom(r, sizeof(r), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(r)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	for (i = 0; i < sizeof(r); i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 0xf];
	}
	id[QSTORE_ID_LEN] = '\0';
	return 0;
}

/* join - "a/b" as a new string, NULL on ENOMEM or a path too long */
static char *
join(const char *a, const char *b)
{
	struct buf p;

	buf_init(&p, 4096);
	if (buf_printf(&p, "%s/%s", a, b) != BUF_OK) {
		buf_free(&p);
		errno = ENAMETOOLONG;
		return NULL;
	}
	return buf_steal(&p);
}

/* check_dir - fd is a directory whose mode the store accepts */
static int
check_dir(struct qstore *qs, int fd, const char *path, int review, int create)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		seterr(qs, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		seterr(qs, "%s: not a directory", path);
		return -1;
	}
	if ((st.st_mode & S_IWOTH) || (!review && (st.st_mode & S_IWGRP))) {
		errno = EPERM;
		seterr(qs,
		    "quarantine directory %s is %s-writable (mode %04o): "
		    "refusing to keep held mail there (expected 0750%s)",
		    path, (st.st_mode & S_IWOTH) ? "world" : "group",
		    (unsigned)(st.st_mode & 07777),
		    review ? " or 2770 for review/" : "");
		return -1;
	}
	if (create && !review && st.st_uid != geteuid() && st.st_uid != 0) {
		errno = EPERM;
		seterr(qs,
		    "quarantine directory %s belongs to uid %u, not to the "
		    "filter's user (uid %u)",
		    path, (unsigned)st.st_uid, (unsigned)geteuid());
		return -1;
	}
	return 0;
}

int
qstore_open(
    struct qstore **out, const char *dir, int create, char *err, size_t errsize)
{
	struct qstore *qs;
	char *review = NULL;
	int saved;

	if ((qs = calloc(1, sizeof(*qs))) == NULL) {
		(void)snprintf(err, errsize, "%s", strerror(errno));
		return -1;
	}
	qs->dirfd = qs->rfd = -1;
	if ((qs->dir = strdup(dir)) == NULL ||
	    (review = join(dir, QSTORE_REVIEW)) == NULL ||
	    (qs->index = join(review, QSTORE_INDEX)) == NULL ||
	    (qs->audit = join(review, QSTORE_AUDIT)) == NULL) {
		seterr(qs, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (create && mkdir(dir, 0750) == -1 && errno != EEXIST) {
		seterr(qs, "cannot make %s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((qs->dirfd = open(
	         dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		seterr(qs, "cannot open quarantine directory %s: %s", dir,
		    strerror(errno));
		goto fail;
	}
	if (check_dir(qs, qs->dirfd, dir, 0, create) == -1)
		goto fail;
	if (create && mkdirat(qs->dirfd, QSTORE_REVIEW, 02770) == 0)
		(void)chmod(review, 02770); /* the umask took bits away */
	qs->rfd = open(review, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (qs->rfd == -1 && (create || errno != ENOENT)) {
		seterr(qs, "cannot open %s: %s", review, strerror(errno));
		goto fail;
	}
	if (qs->rfd != -1 && check_dir(qs, qs->rfd, review, 1, create) == -1)
		goto fail;
	free(review);
	*out = qs;
	return 0;
fail:
	saved = errno;
	(void)snprintf(err, errsize, "%s", qs->err);
	free(review);
	qstore_close(qs);
	errno = saved;
	return -1;
}

void
qstore_close(struct qstore *qs)
{
	if (qs == NULL)
		return;
	if (qs->db != NULL)
		(void)sqlite3_close(qs->db);
	if (qs->dirfd != -1)
		(void)close(qs->dirfd);
	if (qs->rfd != -1)
		(void)close(qs->rfd);
	free(qs->dir);
	free(qs->index);
	free(qs->audit);
	free(qs);
}

const char *
qstore_error(const struct qstore *qs)
{
	return qs->err;
}

const char *
qstore_audit_path(const struct qstore *qs)
{
	return qs->audit;
}

/* ---- the file format ---------------------------------------------------- */

/* put_value - s with '%', controls and DEL as %XX, so one value is one
 * line whatever it holds */
static int
put_value(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '%') {
			if (buf_printf(b, "%%%02X", c) != BUF_OK)
				return -1;
		} else if (buf_putc(b, c) != BUF_OK)
			return -1;
	}
	return 0;
}

/* put_field - "key: value\n" */
static int
put_field(struct buf *b, const char *key, const char *value)
{
	if (buf_printf(b, "%s: ", key) != BUF_OK ||
	    put_value(b, value != NULL ? value : "") == -1 ||
	    buf_putc(b, '\n') != BUF_OK)
		return -1;
	return 0;
}

/* hexval - a hex digit's value, -1 if none */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* get_value - undo put_value() in place */
static void
get_value(char *s)
{
	char *o = s;
	int h, l;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (h = hexval(s[1])) != -1 &&
		    (l = hexval(s[2])) != -1) {
			*o++ = (char)(h * 16 + l);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* matched_rules - the rules that matched in enforce mode, comma-joined */
static int
matched_rules(struct buf *b, const struct verdict *v)
{
	const char *id, *policy, *what, *why;
	enum verdict_mode mode;
	size_t i;

	for (i = 0; i < verdict_match_count(v); i++) {
		verdict_match(v, i, &id, &policy, &mode, &what, &why);
		if (buf_printf(b, "%s%s", b->len > 0 ? "," : "", id) != BUF_OK)
			return -1;
	}
	return 0;
}

/* header_block - the header fields from the message's stored (unfolded)
 * values, for a caller without the fields as received */
static int
header_block(struct buf *b, const struct message *msg)
{
	const char *name, *value;
	size_t i;

	for (i = 0; i < message_header_count(msg); i++) {
		message_header(msg, i, &name, &value);
		if (buf_printf(b, "%s: %s\r\n", name, value) != BUF_OK)
			return -1;
	}
	return 0;
}

/* metadata - the lines before the message */
static int
metadata(struct buf *b, const char *id, const struct message *msg,
    const struct verdict *v, time_t now, uint64_t size)
{
	struct buf rules, json;
	const char *s;
	size_t i, it = 0;
	int r = -1;

	buf_init(&rules, BOUND_LOG_LINE * 16);
	buf_init(&json, BOUND_RENDER_BYTES);
	if (matched_rules(&rules, v) == -1 ||
	    verdict_render_json(v, &json) != BUF_OK)
		goto out;
	if (buf_printf(b, "%s\nid: %s\ntime: %lld\n", QSTORE_MAGIC, id,
	        (long long)now) != BUF_OK ||
	    put_field(b, "queue-id", message_queue_id(msg)) == -1 ||
	    put_field(b, "sender", message_sender(msg)) == -1)
		goto out;
	for (i = 0; i < message_rcpt_count(msg); i++)
		if (put_field(b, "rcpt", message_rcpt(msg, i)) == -1)
			goto out;
	s = message_header_value(msg, "Subject", &it);
	if (put_field(b, "client", message_macro(msg, "{client_addr}")) == -1 ||
	    put_field(b, "login", message_macro(msg, "{auth_authen}")) == -1 ||
	    put_field(b, "rule", verdict_rule(v)) == -1 ||
	    put_field(b, "policy", verdict_policy(v)) == -1 ||
	    put_field(b, "rules", buf_str(&rules)) == -1 ||
	    put_field(b, "subject", s) == -1 ||
	    put_field(b, "verdict", buf_str(&json)) == -1 ||
	    buf_printf(b, "size: %ju\n\n", (uintmax_t)size) != BUF_OK)
		goto out;
	r = 0;
out:
	buf_free(&rules);
	buf_free(&json);
	if (r == -1)
		errno = ENOMEM;
	return r;
}

/* ---- the index ---------------------------------------------------------- */

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS messages ("
    " id TEXT PRIMARY KEY, time INTEGER NOT NULL, queue_id TEXT,"
    " sender TEXT, rcpts TEXT, client TEXT, login TEXT, rule TEXT,"
    " policy TEXT, rules TEXT, subject TEXT, size INTEGER,"
    " status INTEGER NOT NULL DEFAULT 0, status_time INTEGER,"
    " status_by TEXT, status_reason TEXT);"
    "CREATE INDEX IF NOT EXISTS messages_time ON messages(time);";

/* db_open - the index, made when missing; -1 when it cannot be opened
 * or is not a database (the caller may rebuild it) */
static int
db_open(struct qstore *qs)
{
	int rc;

	if (qs->db != NULL)
		return 0;
	if (qs->rfd == -1) {
		errno = ENOENT;
		seterr(qs, "%s/" QSTORE_REVIEW " is missing", qs->dir);
		return -1;
	}
	rc = sqlite3_open_v2(qs->index, &qs->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc == SQLITE_OK) {
		/* reviewers write it too: group read-write, whatever the
		 * umask (only its owner can change that; others need not) */
		(void)fchmodat(qs->rfd, QSTORE_INDEX, 0660, 0);
		(void)sqlite3_busy_timeout(qs->db, 10000);
		rc = sqlite3_exec(qs->db, schema_sql, NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		seterr(qs, "index %s: %s", qs->index,
		    qs->db != NULL ? sqlite3_errmsg(qs->db) : "cannot open");
		(void)sqlite3_close(qs->db);
		qs->db = NULL;
		errno = EIO;
		return -1;
	}
	return 0;
}

/* db_fail - a statement failed: say why; -1 */
static int
db_fail(struct qstore *qs, const char *what)
{
	seterr(qs, "index %s: %s: %s", qs->index, what,
	    qs->db != NULL ? sqlite3_errmsg(qs->db) : "not open");
	errno = EIO;
	return -1;
}

/* db_insert - e into the index, replacing a row of the same id */
static int
db_insert(struct qstore *qs, const struct qstore_entry *e)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO messages (id, time, queue_id, sender,"
	    " rcpts, client, login, rule, policy, rules, subject, size,"
	    " status, status_time, status_by, status_reason)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = NULL;
	struct buf rc;
	size_t i;
	int r = -1;

	buf_init(&rc, (size_t)BOUND_RCPT_COUNT * (BOUND_ADDRESS_BYTES + 1));
	for (i = 0; i < e->nrcpts; i++)
		if (buf_printf(&rc, "%s%s", i > 0 ? "\n" : "", e->rcpts[i]) !=
		    BUF_OK)
			goto out;
	if (sqlite3_prepare_v2(qs->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	(void)sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
	(void)sqlite3_bind_int64(st, 2, (sqlite3_int64)e->time);
	(void)sqlite3_bind_text(st, 3, e->queue_id, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 4, e->sender, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 5, buf_str(&rc), -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 6, e->client, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 7, e->login, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 8, e->rule, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 9, e->policy, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 10, e->rules, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 11, e->subject, -1, SQLITE_STATIC);
	(void)sqlite3_bind_int64(st, 12, (sqlite3_int64)e->size);
	(void)sqlite3_bind_int(st, 13, (int)e->status);
	(void)sqlite3_bind_int64(st, 14, (sqlite3_int64)e->status_time);
	(void)sqlite3_bind_text(st, 15, e->status_by, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 16, e->status_reason, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		r = 0;
out:
	(void)sqlite3_finalize(st);
	buf_free(&rc);
	return r == 0 ? 0 : db_fail(qs, "insert");
}

/* db_status - record id's new status in the index */
static int
db_status(struct qstore *qs, const char *id, enum qstore_status s,
    const char *who, const char *reason, time_t now)
{
	static const char sql[] =
	    "UPDATE messages SET status = ?, status_time = ?, status_by = ?,"
	    " status_reason = ? WHERE id = ?";
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (db_open(qs) == -1)
		return -1;
	if (sqlite3_prepare_v2(qs->db, sql, -1, &st, NULL) == SQLITE_OK) {
		(void)sqlite3_bind_int(st, 1, (int)s);
		(void)sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		(void)sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
		(void)sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
		(void)sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			r = 0;
	}
	(void)sqlite3_finalize(st);
	return r == 0 ? 0 : db_fail(qs, "update");
}

/* ---- reading a held message's file -------------------------------------- */

void
qstore_entry_free(struct qstore_entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->queue_id);
	free(e->sender);
	for (i = 0; i < e->nrcpts; i++)
		free(e->rcpts[i]);
	free(e->rcpts);
	free(e->client);
	free(e->login);
	free(e->rule);
	free(e->policy);
	free(e->rules);
	free(e->subject);
	free(e->verdict);
	free(e->status_by);
	free(e->status_reason);
	memset(e, 0, sizeof(*e));
}

/* set_str - *dst becomes a copy of s */
static int
set_str(char **dst, const char *s)
{
	char *c = strdup(s);

	if (c == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

/* add_rcpt - one more recipient on e */
static int
add_rcpt(struct qstore_entry *e, const char *s)
{
	char **a;

	if (e->nrcpts >= BOUND_RCPT_COUNT) {
		errno = EBADMSG;
		return -1;
	}
	if ((a = realloc(e->rcpts, (e->nrcpts + 1) * sizeof(*a))) == NULL)
		return -1;
	e->rcpts = a;
	if ((a[e->nrcpts] = strdup(s)) == NULL)
		return -1;
	e->nrcpts++;
	return 0;
}

/* fill_empty - "" for every string the file did not name */
static int
fill_empty(struct qstore_entry *e)
{
	char **f[] = {&e->queue_id, &e->sender, &e->client, &e->login, &e->rule,
	    &e->policy, &e->rules, &e->subject, &e->verdict, &e->status_by,
	    &e->status_reason};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] == NULL && (*f[i] = strdup("")) == NULL)
			return -1;
	return 0;
}

/* meta_line - one "key: value" line of the file into e */
static int
meta_line(struct qstore_entry *e, char *line, int *has_size)
{
	struct {
		const char *key;
		char **dst;
	} strs[] = {{"queue-id", &e->queue_id}, {"sender", &e->sender},
	    {"client", &e->client}, {"login", &e->login}, {"rule", &e->rule},
	    {"policy", &e->policy}, {"rules", &e->rules},
	    {"subject", &e->subject}, {"verdict", &e->verdict}};
	char *val, *end;
	size_t i;
	unsigned long long n;

	if ((val = strstr(line, ": ")) == NULL) {
		errno = EBADMSG;
		return -1;
	}
	*val = '\0';
	val += 2;
	get_value(val);
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strcmp(line, strs[i].key) == 0)
			return set_str(strs[i].dst, val);
	if (strcmp(line, "rcpt") == 0)
		return add_rcpt(e, val);
	if (strcmp(line, "time") == 0 || strcmp(line, "size") == 0) {
		errno = 0;
		n = strtoull(val, &end, 10);
		if (*val < '0' || *val > '9' || *end != '\0' || errno != 0) {
			errno = EBADMSG;
			return -1;
		}
		if (line[0] == 't')
			e->time = (time_t)n;
		else {
			e->size = n;
			*has_size = 1;
		}
		return 0;
	}
	if (strcmp(line, "id") == 0)
		return strcmp(val, e->id) == 0 ? 0 : (errno = EBADMSG, -1);
	return 0; /* a later version's key: ignored */
}

/* marker_exists - 1 if review/ID.suffix exists */
static int
marker_exists(const struct qstore *qs, const char *id, const char *suffix)
{
	char name[QSTORE_ID_SIZE + 16];
	struct stat st;

	if (qs->rfd == -1)
		return 0;
	(void)snprintf(name, sizeof(name), "%s.%s", id, suffix);
	return fstatat(qs->rfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* marker_read - who and why from review/ID.suffix ("" when unreadable) */
static void
marker_read(struct qstore_entry *e, const struct qstore *qs, const char *suffix)
{
	char name[QSTORE_ID_SIZE + 16], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int fd, i;

	(void)snprintf(name, sizeof(name), "%s.%s", e->id, suffix);
	if ((fd = openat(qs->rfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return;
	if ((fp = fdopen(fd, "r")) == NULL) {
		(void)close(fd);
		return;
	}
	for (i = 0; i < 3 && (n = getline(&line, &cap, fp)) > 0; i++) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (strncmp(line, "by: ", 4) == 0)
			(void)set_str(&e->status_by, line + 4);
		else if (strncmp(line, "reason: ", 8) == 0) {
			get_value(line + 8);
			(void)set_str(&e->status_reason, line + 8);
		} else if (strncmp(line, "time: ", 6) == 0)
			e->status_time = (time_t)strtoll(line + 6, NULL, 10);
	}
	free(line);
	(void)fclose(fp);
}

/* read_entry - the metadata of the file of id, and its status; with
 * deleted set a deleted message whose file is still there is read too */
static int
read_entry(
    struct qstore_entry *e, struct qstore *qs, const char *id, int deleted)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	int fd, has_size = 0, first = 1, r = -1;
	struct stat st;

	memset(e, 0, sizeof(*e));
	if (!qstore_id_valid(id)) {
		errno = EINVAL;
		seterr(qs, "invalid quarantine id (expected %d hex digits)",
		    QSTORE_ID_LEN);
		return -1;
	}
	(void)strlcpy(e->id, id, sizeof(e->id));
	if (!deleted && marker_exists(qs, id, "deleted")) {
		errno = ENOENT;
		seterr(qs, "%s: deleted", id);
		return -1;
	}
	if ((fd = openat(qs->dirfd, id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1) {
		seterr(qs, "%s: %s", id,
		    errno == ENOENT ? "no such quarantined message" :
		                      strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || (fp = fdopen(fd, "r")) == NULL) {
		seterr(qs, "%s: %s", id, strerror(errno));
		(void)close(fd);
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n')
			break;
		line[--n] = '\0';
		if (first) {
			if (strcmp(line, QSTORE_MAGIC) != 0)
				break;
			first = 0;
			continue;
		}
		if (n == 0) {
			r = 0;
			break;
		}
		if (meta_line(e, line, &has_size) == -1)
			goto out;
	}
	if (r == 0) {
		e->offset = (uint64_t)ftello(fp);
		if (!has_size || e->offset + e->size != (uint64_t)st.st_size)
			r = -1;
	}
	if (r == -1)
		errno = EBADMSG;
	else if (fill_empty(e) == -1)
		r = -1;
out:
	if (r == -1 && errno == EBADMSG)
		seterr(qs, "%s: damaged file (cut short or not a held message)",
		    id);
	else if (r == -1)
		seterr(qs, "%s: %s", id, strerror(errno));
	free(line);
	(void)fclose(fp);
	if (r == 0) {
		if (marker_exists(qs, id, "deleted")) {
			e->status = QSTORE_DELETED;
			marker_read(e, qs, "deleted");
		} else if (marker_exists(qs, id, "released")) {
			e->status = QSTORE_RELEASED;
			marker_read(e, qs, "released");
		}
	} else
		qstore_entry_free(e);
	return r;
}

int
qstore_get(struct qstore_entry *out, struct qstore *qs, const char *id)
{
	return read_entry(out, qs, id, 0);
}

int
qstore_open_message(int *fd, uint64_t *size, struct qstore *qs, const char *id)
{
	struct qstore_entry e;
	int f;

	if (qstore_get(&e, qs, id) == -1)
		return -1;
	if ((f = openat(qs->dirfd, id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1) {
		seterr(qs, "%s: %s", id, strerror(errno));
		qstore_entry_free(&e);
		return -1;
	}
	if (lseek(f, (off_t)e.offset, SEEK_SET) == -1) {
		seterr(qs, "%s: %s", id, strerror(errno));
		(void)close(f);
		qstore_entry_free(&e);
		return -1;
	}
	*fd = f;
	*size = e.size;
	qstore_entry_free(&e);
	return 0;
}

/* ---- holding a message -------------------------------------------------- */

/* write_message - metadata, header fields, blank line and body to fd */
static int
write_message(int fd, const struct buf *meta, const char *headers, size_t hlen,
    const struct message *msg)
{
	char chunk[65536];
	uint64_t off = 0, body = message_body_size(msg);
	ssize_t n;

	if (put_bytes(fd, meta->data, meta->len) == -1 ||
	    put_bytes(fd, headers, hlen) == -1 ||
	    put_bytes(fd, "\r\n", 2) == -1)
		return -1;
	while (off < body) {
		if ((n = message_body_read(msg, off, chunk, sizeof(chunk))) <=
		    0) {
			if (n == 0)
				errno = EIO; /* the spool lost bytes */
			return -1;
		}
		if (put_bytes(fd, chunk, (size_t)n) == -1)
			return -1;
		off += (uint64_t)n;
	}
	return 0;
}

/* durable_file - the temporary file tmp, written by write_message(),
 * becomes id: fsync, close, rename, fsync of the directory */
static int
durable_file(struct qstore *qs, const char *tmp, const char *id,
    const struct buf *meta, const char *headers, size_t hlen,
    const struct message *msg)
{
	struct stat st;
	int fd, saved;

	fd = openat(qs->dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		seterr(qs, "cannot create %s/%s: %s", qs->dir, tmp,
		    strerror(errno));
		return -1;
	}
	if (write_message(fd, meta, headers, hlen, msg) == -1 ||
	    fchmod(fd, 0640) == -1 || fsync(fd) == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		seterr(qs, "cannot write %s/%s: %s", qs->dir, tmp,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		seterr(qs, "cannot write %s/%s: %s", qs->dir, tmp,
		    strerror(errno));
		goto fail;
	}
	/* 64 random bits do not collide, but never replace a held message */
	if (fstatat(qs->dirfd, id, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		seterr(qs, "%s: id in use", id);
		goto fail;
	}
	if (renameat(qs->dirfd, tmp, qs->dirfd, id) == -1) {
		seterr(qs, "cannot rename %s/%s: %s", qs->dir, tmp,
		    strerror(errno));
		goto fail;
	}
	if (fsync(qs->dirfd) == -1) {
		/* the name may not survive a crash: take it back */
		saved = errno;
		(void)unlinkat(qs->dirfd, id, 0);
		errno = saved;
		seterr(qs, "cannot sync %s: %s", qs->dir, strerror(errno));
		return -1;
	}
	return 0;
fail:
	saved = errno;
	(void)unlinkat(qs->dirfd, tmp, 0);
	errno = saved;
	return -1;
}

/* entry_of - the index row of a message just held */
static int
entry_of(struct qstore_entry *e, const char *id, const struct message *msg,
    const struct verdict *v, time_t now, uint64_t size)
{
	struct buf rules;
	const char *s;
	size_t i, it = 0;

	memset(e, 0, sizeof(*e));
	(void)strlcpy(e->id, id, sizeof(e->id));
	e->time = now;
	e->size = size;
	buf_init(&rules, BOUND_LOG_LINE * 16);
	if (matched_rules(&rules, v) == -1 ||
	    (e->rules = strdup(buf_str(&rules))) == NULL) {
		buf_free(&rules);
		return -1;
	}
	buf_free(&rules);
	s = message_header_value(msg, "Subject", &it);
	if (set_str(&e->queue_id, message_queue_id(msg)) == -1 ||
	    set_str(&e->sender, message_sender(msg)) == -1 ||
	    set_str(&e->rule, verdict_rule(v) != NULL ? verdict_rule(v) : "") ==
	        -1 ||
	    set_str(&e->policy,
	        verdict_policy(v) != NULL ? verdict_policy(v) : "") == -1 ||
	    set_str(&e->subject, s != NULL ? s : "") == -1)
		return -1;
	s = message_macro(msg, "{client_addr}");
	if (set_str(&e->client, s != NULL ? s : "") == -1)
		return -1;
	s = message_macro(msg, "{auth_authen}");
	if (set_str(&e->login, s != NULL ? s : "") == -1)
		return -1;
	for (i = 0; i < message_rcpt_count(msg); i++)
		if (add_rcpt(e, message_rcpt(msg, i)) == -1)
			return -1;
	return fill_empty(e);
}

int
qstore_put(struct qstore *qs, char id[QSTORE_ID_SIZE],
    const struct message *msg, const char *headers, size_t hlen,
    const struct verdict *v, time_t now)
{
	struct buf meta, hb;
	struct qstore_entry e;
	char tmp[sizeof(QSTORE_TMP_PREFIX) + QSTORE_ID_SIZE];
	uint64_t size;
	int r = -1;

	qs->err[0] = '\0';
	if (!message_body_complete(msg) ||
	    (headers == NULL &&
	        (message_limits(msg) &
	            (MESSAGE_LIMIT_HEADER_SIZE | MESSAGE_LIMIT_HEADER_COUNT |
	                MESSAGE_LIMIT_HEADERS_TOTAL)))) {
		errno = EFBIG;
		seterr(qs,
		    "the message was not stored whole (a size limit "
		    "passed): it cannot be held");
		return -1;
	}
	buf_init(&meta, BOUND_RENDER_BYTES * 2);
	buf_init(&hb, BOUND_HEADERS_TOTAL * 2);
	if (headers == NULL) {
		if (header_block(&hb, msg) == -1) {
			errno = ENOMEM;
			seterr(qs, "cannot gather the header: %s",
			    strerror(errno));
			goto out;
		}
		headers = hb.data != NULL ? hb.data : "";
		hlen = hb.len;
	}
	size = hlen + 2 + message_body_size(msg);
	if (new_id(id) == -1) {
		seterr(qs, "no random id: %s", strerror(errno));
		goto out;
	}
	if (metadata(&meta, id, msg, v, now, size) == -1) {
		seterr(qs, "cannot describe the message: %s", strerror(errno));
		goto out;
	}
	(void)snprintf(tmp, sizeof(tmp), QSTORE_TMP_PREFIX "%s", id);
	if (durable_file(qs, tmp, id, &meta, headers, hlen, msg) == -1)
		goto out;
	r = 0;
	/* the file is the record; the index follows it, or is rebuilt */
	if (entry_of(&e, id, msg, v, now, size) == -1 || db_open(qs) == -1 ||
	    db_insert(qs, &e) == -1)
		log_warn("quarantine %s: held, but not indexed (run "
		         "guardianctl quarantine reindex): %s",
		    id, qs->err[0] != '\0' ? qs->err : strerror(errno));
	qstore_entry_free(&e);
out:
	buf_free(&meta);
	buf_free(&hb);
	return r;
}

/* ---- listing ------------------------------------------------------------ */

/* col - column i as a new string, "" for NULL */
static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return strdup(s != NULL ? (const char *)s : "");
}

/* row_entry - an index row into e */
static int
row_entry(struct qstore_entry *e, sqlite3_stmt *st)
{
	char *rc, *p, *nl;
	const unsigned char *id = sqlite3_column_text(st, 0);

	memset(e, 0, sizeof(*e));
	if (id == NULL || !qstore_id_valid((const char *)id)) {
		errno = EBADMSG;
		return -1;
	}
	(void)strlcpy(e->id, (const char *)id, sizeof(e->id));
	e->time = (time_t)sqlite3_column_int64(st, 1);
	e->queue_id = col(st, 2);
	e->sender = col(st, 3);
	e->client = col(st, 5);
	e->login = col(st, 6);
	e->rule = col(st, 7);
	e->policy = col(st, 8);
	e->rules = col(st, 9);
	e->subject = col(st, 10);
	e->size = (uint64_t)sqlite3_column_int64(st, 11);
	e->status = (enum qstore_status)sqlite3_column_int(st, 12);
	e->status_time = (time_t)sqlite3_column_int64(st, 13);
	e->status_by = col(st, 14);
	e->status_reason = col(st, 15);
	if ((rc = col(st, 4)) == NULL)
		return -1;
	for (p = rc; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (add_rcpt(e, p) == -1) {
			free(rc);
			return -1;
		}
		if (nl == NULL)
			break;
	}
	free(rc);
	return fill_empty(e);
}

/* list_once - the query; -1 with *corrupt set when the index is bad */
static int
list_once(struct qstore *qs, const struct qstore_filter *f,
    int (*fn)(const struct qstore_entry *e, void *arg), void *arg, int *corrupt)
{
	static const char sql[] =
	    "SELECT id, time, queue_id, sender, rcpts, client, login, rule,"
	    " policy, rules, subject, size, status, status_time, status_by,"
	    " status_reason FROM messages"
	    " WHERE time >= ?1"
	    " AND (?2 IS NULL OR instr(',' || rules || ',', ',' || ?2 || ','))"
	    " AND (?3 IS NULL OR instr(lower(sender), lower(?3)))"
	    " AND (?4 IS NULL OR instr(lower(rcpts), lower(?4)))"
	    " AND (?5 < 0 OR status = ?5)"
	    " ORDER BY time, id";
	sqlite3_stmt *st = NULL;
	struct qstore_entry e;
	int rc, r = 0;

	*corrupt = 0;
	if (db_open(qs) == -1) {
		*corrupt = 1;
		return -1;
	}
	if (sqlite3_prepare_v2(qs->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = sqlite3_errcode(qs->db);
		*corrupt = rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
		return db_fail(qs, "list");
	}
	(void)sqlite3_bind_int64(st, 1, (sqlite3_int64)f->since);
	(void)sqlite3_bind_text(st, 2, f->rule, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 3, f->sender, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 4, f->recipient, -1, SQLITE_STATIC);
	(void)sqlite3_bind_int(st, 5, f->status);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_entry(&e, st) == -1) {
			qstore_entry_free(&e);
			continue;
		}
		r = fn(&e, arg);
		qstore_entry_free(&e);
		if (r == -1)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE) {
		*corrupt = rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
		r = db_fail(qs, "list");
	}
	(void)sqlite3_finalize(st);
	return r;
}

int
qstore_list(struct qstore *qs, const struct qstore_filter *f,
    int (*fn)(const struct qstore_entry *e, void *arg), void *arg)
{
	int corrupt;
	size_t n;

	if (list_once(qs, f, fn, arg, &corrupt) == 0)
		return 0;
	if (!corrupt)
		return -1;
	log_warn("%s; rebuilding it from the held messages", qs->err);
	if (qstore_reindex(qs, &n) == -1)
		return -1;
	return list_once(qs, f, fn, arg, &corrupt);
}

/* ---- review actions ----------------------------------------------------- */

/* marker_create - review/ID.suffix, made with O_EXCL: 0, 1 if it is
 * there already, -1 */
static int
marker_create(struct qstore *qs, const char *id, const char *suffix,
    const char *who, const char *reason, time_t now)
{
	char name[QSTORE_ID_SIZE + 16];
	struct buf b;
	int fd, saved, r = -1;

	if (qs->rfd == -1) {
		errno = ENOENT;
		seterr(qs, "%s/" QSTORE_REVIEW " is missing", qs->dir);
		return -1;
	}
	(void)snprintf(name, sizeof(name), "%s.%s", id, suffix);
	fd = openat(qs->rfd, name,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
	if (fd == -1) {
		if (errno == EEXIST)
			return 1;
		seterr(qs, "cannot create %s: %s", name, strerror(errno));
		return -1;
	}
	buf_init(&b, BOUND_REPLY_TEXT * 4);
	if (buf_printf(&b, "by: %s\ntime: %lld\nreason: ", who,
	        (long long)now) == BUF_OK &&
	    put_value(&b, reason) == 0 && buf_putc(&b, '\n') == BUF_OK &&
	    durable_write_all(fd, b.data, b.len) == 0 && fsync(fd) == 0)
		r = 0;
	saved = errno;
	if (close(fd) == -1 && r == 0) {
		saved = errno;
		r = -1;
	}
	if (r == 0 && fsync(qs->rfd) == -1) {
		saved = errno;
		r = -1;
	}
	buf_free(&b);
	if (r == -1) {
		(void)unlinkat(qs->rfd, name, 0);
		errno = saved;
		seterr(qs, "cannot write %s: %s", name, strerror(errno));
	}
	return r;
}

int
qstore_claim_release(struct qstore *qs, const char *id, const char *who,
    const char *reason, time_t now)
{
	struct qstore_entry e;
	int r;

	if (qstore_get(&e, qs, id) == -1)
		return errno == ENOENT && marker_exists(qs, id, "deleted") ? 1 :
		                                                             -1;
	qstore_entry_free(&e);
	if ((r = marker_create(qs, id, "released", who, reason, now)) != 0)
		return r;
	if (db_status(qs, id, QSTORE_RELEASED, who, reason, now) == -1)
		log_warn("quarantine %s: released, index not updated: %s", id,
		    qs->err);
	return 0;
}

int
qstore_unclaim_release(struct qstore *qs, const char *id)
{
	char name[QSTORE_ID_SIZE + 16];

	if (!qstore_id_valid(id) || qs->rfd == -1) {
		errno = EINVAL;
		return -1;
	}
	(void)snprintf(name, sizeof(name), "%s.released", id);
	if (unlinkat(qs->rfd, name, 0) == -1 || fsync(qs->rfd) == -1) {
		seterr(qs, "cannot remove %s: %s", name, strerror(errno));
		return -1;
	}
	if (db_status(qs, id, QSTORE_HELD, "", "", 0) == -1)
		log_warn("quarantine %s: index not updated: %s", id, qs->err);
	return 0;
}

int
qstore_delete(struct qstore *qs, const char *id, const char *who,
    const char *reason, time_t now)
{
	struct qstore_entry e;
	int r;

	if (qstore_get(&e, qs, id) == -1)
		return errno == ENOENT && marker_exists(qs, id, "deleted") ? 1 :
		                                                             -1;
	qstore_entry_free(&e);
	if ((r = marker_create(qs, id, "deleted", who, reason, now)) != 0)
		return r;
	/* a reviewer may not write the store directory: the daemon's or
	 * root's next purge removes the file */
	if (unlinkat(qs->dirfd, id, 0) == 0)
		(void)fsync(qs->dirfd);
	else if (errno != EACCES && errno != EPERM)
		log_warn("quarantine %s: deleted, file not removed: %s", id,
		    strerror(errno));
	if (db_status(qs, id, QSTORE_DELETED, who, reason, now) == -1)
		log_warn("quarantine %s: deleted, index not updated: %s", id,
		    qs->err);
	return 0;
}

static int purge_one(struct qstore *qs, const char *id, void *arg);
static void stale_passes(struct qstore *qs, time_t now);

/* stale_temporary - remove name if it is a temporary file of a write
 * that a crash (kill -9, power loss) ended: one an hour old; a write in
 * progress never is */
static void
stale_temporary(struct qstore *qs, const char *name)
{
	struct stat st;

	if (strncmp(name, QSTORE_TMP_PREFIX, sizeof(QSTORE_TMP_PREFIX) - 1) !=
	        0 ||
	    fstatat(qs->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode) || time(NULL) - st.st_mtime < 3600)
		return;
	if (unlinkat(qs->dirfd, name, 0) == 0)
		log_info("quarantine: removed %s/%s, left by a crash", qs->dir,
		    name);
}

/* each_file - call fn for each held message's file name in the store */
static int
each_file(struct qstore *qs,
    int (*fn)(struct qstore *qs, const char *id, void *arg), void *arg)
{
	DIR *d;
	struct dirent *de;
	int fd, r = 0;

	if ((fd = dup(qs->dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			(void)close(fd);
		seterr(qs, "%s: %s", qs->dir, strerror(errno));
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL)
		if (qstore_id_valid(de->d_name) &&
		    (r = fn(qs, de->d_name, arg)) == -1)
			break;
		else if (fn == purge_one)
			stale_temporary(qs, de->d_name);
	(void)closedir(d);
	return r;
}

struct purge_state {
	time_t before;
	size_t n;
};

/* purge_one - remove id's file if deleted or held too long */
static int
purge_one(struct qstore *qs, const char *id, void *arg)
{
	struct purge_state *ps = arg;
	struct qstore_entry e;
	int gone = marker_exists(qs, id, "deleted");

	if (!gone) {
		if (read_entry(&e, qs, id, 1) == -1)
			return 0; /* damaged: left for a person to look at */
		gone = e.time < ps->before;
		qstore_entry_free(&e);
	}
	if (!gone)
		return 0;
	if (unlinkat(qs->dirfd, id, 0) == -1) {
		seterr(qs, "cannot remove %s/%s: %s", qs->dir, id,
		    strerror(errno));
		return -1;
	}
	ps->n++;
	return 0;
}

int
qstore_purge(struct qstore *qs, unsigned days, time_t now, size_t *n)
{
	struct purge_state ps = {now - (time_t)days * 86400, 0};
	static const char sql[] = "DELETE FROM messages WHERE time < ?";
	sqlite3_stmt *st = NULL;
	int r;

	r = each_file(qs, purge_one, &ps);
	*n = ps.n;
	stale_passes(qs, time(NULL));
	if (ps.n > 0 && fsync(qs->dirfd) == -1 && r == 0) {
		seterr(qs, "cannot sync %s: %s", qs->dir, strerror(errno));
		r = -1;
	}
	if (db_open(qs) == 0 &&
	    sqlite3_prepare_v2(qs->db, sql, -1, &st, NULL) == SQLITE_OK) {
		(void)sqlite3_bind_int64(st, 1, (sqlite3_int64)ps.before);
		(void)sqlite3_step(st);
	}
	(void)sqlite3_finalize(st);
	return r;
}

/* reindex_one - one file into the index being rebuilt */
static int
reindex_one(struct qstore *qs, const char *id, void *arg)
{
	struct qstore_entry e;
	size_t *n = arg;

	if (read_entry(&e, qs, id, 1) == -1) {
		log_warn("quarantine reindex: %s: skipped", qs->err);
		return 0;
	}
	if (db_insert(qs, &e) == -1) {
		qstore_entry_free(&e);
		return -1;
	}
	qstore_entry_free(&e);
	(*n)++;
	return 0;
}

int
qstore_reindex(struct qstore *qs, size_t *n)
{
	*n = 0;
	if (qs->db != NULL) {
		(void)sqlite3_close(qs->db);
		qs->db = NULL;
	}
	/* a corrupt file is not repaired: it is replaced */
	if (qs->rfd != -1 &&
	    (db_open(qs) == -1 ||
	        sqlite3_exec(qs->db, "DELETE FROM messages", NULL, NULL,
	            NULL) != SQLITE_OK)) {
		if (qs->db != NULL) {
			(void)sqlite3_close(qs->db);
			qs->db = NULL;
		}
		if (unlinkat(qs->rfd, QSTORE_INDEX, 0) == -1 &&
		    errno != ENOENT) {
			seterr(qs, "cannot remove %s: %s", qs->index,
			    strerror(errno));
			return -1;
		}
	}
	if (db_open(qs) == -1)
		return -1;
	if (sqlite3_exec(qs->db, "BEGIN IMMEDIATE; DELETE FROM messages", NULL,
	        NULL, NULL) != SQLITE_OK)
		return db_fail(qs, "reindex");
	if (each_file(qs, reindex_one, n) == -1) {
		(void)sqlite3_exec(qs->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(qs->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(qs, "reindex");
	return 0;
}

/* ---- release passes ----------------------------------------------------- */

/* digest_envelope - the envelope part of a pass digest */
static void
digest_envelope(
    struct sha256 *s, const char *sender, const char *const *rcpts, size_t n)
{
	static const char tag[] = "guardian-release 1";
	size_t i;

	sha256_init(s);
	sha256_update(s, tag, sizeof(tag));
	sha256_update(s, sender, strlen(sender) + 1);
	for (i = 0; i < n; i++)
		sha256_update(s, rcpts[i], strlen(rcpts[i]) + 1);
	sha256_update(s, "", 1);
}

int
qstore_message_digest(char out[QSTORE_DIGEST_SIZE], const struct message *msg)
{
	struct sha256 s;
	const char **rcpts;
	char chunk[65536];
	uint64_t off = 0, body = message_body_size(msg);
	size_t i, n = message_rcpt_count(msg);
	ssize_t got;

	if (!message_body_complete(msg)) {
		errno = EFBIG;
		return -1;
	}
	if ((rcpts = calloc(n + 1, sizeof(*rcpts))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		rcpts[i] = message_rcpt(msg, i);
	digest_envelope(&s, message_sender(msg), rcpts, n);
	free(rcpts);
	while (off < body) {
		if ((got = message_body_read(msg, off, chunk, sizeof(chunk))) <=
		    0) {
			errno = EIO;
			return -1;
		}
		sha256_update(&s, chunk, (size_t)got);
		off += (uint64_t)got;
	}
	sha256_final(&s, out);
	return 0;
}

int
qstore_held_digest(
    char out[QSTORE_DIGEST_SIZE], struct qstore *qs, const char *id)
{
	static const char blank[] = "\r\n\r\n";
	struct qstore_entry e;
	struct sha256 s;
	char chunk[65536];
	uint64_t size;
	ssize_t got, i;
	int fd, state = 2; /* the message starts a line */

	if (qstore_get(&e, qs, id) == -1)
		return -1;
	if (qstore_open_message(&fd, &size, qs, id) == -1) {
		qstore_entry_free(&e);
		return -1;
	}
	digest_envelope(&s, e.sender, (const char *const *)e.rcpts, e.nrcpts);
	qstore_entry_free(&e);
	/* the body is what follows the first empty line */
	while ((got = read(fd, chunk, sizeof(chunk))) > 0) {
		for (i = 0; i < got && state < 4; i++) {
			if (chunk[i] == blank[state])
				state++;
			else
				state = chunk[i] == '\r' ? 1 : 0;
		}
		if (i < got)
			sha256_update(&s, chunk + i, (size_t)(got - i));
	}
	(void)close(fd);
	if (got < 0) {
		seterr(qs, "%s: %s", id, strerror(errno));
		return -1;
	}
	sha256_final(&s, out);
	return 0;
}

/* pass_name - "pass.DIGEST", or -1 for a digest that is not one */
static int
pass_name(char *dst, size_t size, const char *digest)
{
	size_t i;

	for (i = 0; i < QSTORE_DIGEST_SIZE - 1; i++)
		if (!((digest[i] >= '0' && digest[i] <= '9') ||
		        (digest[i] >= 'a' && digest[i] <= 'f')))
			break;
	if (i != QSTORE_DIGEST_SIZE - 1 || digest[i] != '\0') {
		errno = EINVAL;
		return -1;
	}
	(void)snprintf(dst, size, QSTORE_PASS_PREFIX "%s", digest);
	return 0;
}

int
qstore_pass_create(struct qstore *qs, const char *digest, const char *id)
{
	char name[sizeof(QSTORE_PASS_PREFIX) + QSTORE_DIGEST_SIZE];
	int fd, r = -1;

	if (qs->rfd == -1 || pass_name(name, sizeof(name), digest) == -1 ||
	    !qstore_id_valid(id)) {
		if (qs->rfd == -1)
			errno = ENOENT;
		seterr(qs, "cannot make a release pass: %s", strerror(errno));
		return -1;
	}
	/* an older pass for the same message is replaced */
	(void)unlinkat(qs->rfd, name, 0);
	fd = openat(qs->rfd, name,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
	if (fd != -1 && durable_write_all(fd, id, QSTORE_ID_LEN) == 0 &&
	    fsync(fd) == 0)
		r = 0;
	if (fd != -1 && close(fd) == -1)
		r = -1;
	if (r == 0 && fsync(qs->rfd) == -1)
		r = -1;
	if (r == -1) {
		seterr(qs, "cannot write %s: %s", name, strerror(errno));
		if (fd != -1)
			(void)unlinkat(qs->rfd, name, 0);
	}
	return r;
}

int
qstore_pass_take(struct qstore *qs, const char *digest, char id[QSTORE_ID_SIZE])
{
	char name[sizeof(QSTORE_PASS_PREFIX) + QSTORE_DIGEST_SIZE];
	ssize_t n;
	int fd;

	if (qs->rfd == -1)
		return 0;
	if (pass_name(name, sizeof(name), digest) == -1)
		return -1;
	if ((fd = openat(qs->rfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return errno == ENOENT ? 0 : -1;
	n = read(fd, id, QSTORE_ID_LEN);
	(void)close(fd);
	id[n == QSTORE_ID_LEN ? QSTORE_ID_LEN : 0] = '\0';
	if (!qstore_id_valid(id))
		(void)strlcpy(id, "unknown", QSTORE_ID_SIZE);
	/* whoever unlinks it took it */
	if (unlinkat(qs->rfd, name, 0) == -1)
		return errno == ENOENT ? 0 : -1;
	(void)fsync(qs->rfd);
	return 1;
}

int
qstore_pass_remove(struct qstore *qs, const char *digest)
{
	char name[sizeof(QSTORE_PASS_PREFIX) + QSTORE_DIGEST_SIZE];

	if (qs->rfd == -1 || pass_name(name, sizeof(name), digest) == -1)
		return -1;
	return unlinkat(qs->rfd, name, 0) == -1 && errno != ENOENT ? -1 : 0;
}

/* stale_passes - remove passes nobody took in QSTORE_PASS_SECONDS */
static void
stale_passes(struct qstore *qs, time_t now)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (qs->rfd == -1 || (fd = dup(qs->rfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, QSTORE_PASS_PREFIX,
		        sizeof(QSTORE_PASS_PREFIX) - 1) == 0 &&
		    fstatat(qs->rfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		        0 &&
		    now - st.st_mtime >= QSTORE_PASS_SECONDS)
			(void)unlinkat(qs->rfd, de->d_name, 0);
	(void)closedir(d);
}

/* ---- the audit log ------------------------------------------------------ */

int
qstore_audit(struct qstore *qs, const char *who, const char *action,
    const char *id, const char *reason, time_t now)
{
	char when[32], v[4][BOUND_LOG_VALUE], line[BOUND_LOG_LINE];
	struct buf b;
	struct tm tm;
	int fd, r = -1, saved;
	size_t n;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		errno = EINVAL;
		return -1;
	}
	buf_init(&b, BOUND_LOG_LINE);
	if (buf_printf(&b, "%s user=%s action=%s id=%s reason=%s", when,
	        log_value(v[0], sizeof(v[0]), who),
	        log_value(v[1], sizeof(v[1]), action),
	        log_value(v[2], sizeof(v[2]), id != NULL ? id : "-"),
	        log_value(v[3], sizeof(v[3]), reason != NULL ? reason : "")) !=
	    BUF_OK) {
		buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	n = log_printable(line, sizeof(line) - 1, b.data, b.len);
	line[n++] = '\n';
	buf_free(&b);
	fd = open(qs->audit,
	    O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0660);
	if (fd == -1) {
		seterr(qs, "cannot open the audit log %s: %s", qs->audit,
		    strerror(errno));
		return -1;
	}
	/* every reviewer appends: group read-write whatever the umask (a
	 * no-op, or refused, for those who do not own it) */
	(void)fchmod(fd, 0660);
	if (durable_write_all(fd, line, n) == 0 && fsync(fd) == 0)
		r = 0;
	saved = errno;
	if (close(fd) == -1 && r == 0) {
		saved = errno;
		r = -1;
	}
	if (r == -1) {
		errno = saved;
		seterr(qs, "cannot write the audit log %s: %s", qs->audit,
		    strerror(errno));
	}
	return r;
}
