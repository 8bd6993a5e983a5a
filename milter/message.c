/*
 * message.c - envelope, macros, header fields and the body spool
 *
 * Every input is bounded by bounds.h. What passes a bound sets a
 * MESSAGE_LIMIT_* flag and is dropped (or cut, for a header value or a
 * macro value), but message_size() still counts it: a rule on size must
 * see the message the MTA saw, not the part we kept.
 *
 * The body stays in memory up to BOUND_BODY_MEMORY bytes; the append that
 * would pass that moves it to a temporary file made with mkstemp() (mode
 * 0600) in the spool directory and unlinked at once, so nothing is left
 * behind if the process dies.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "durable.h"
#include "message.h"

#define MESSAGE_SPOOL_NAME "guardian-body.XXXXXX"

struct message_pair {
	char *name;
	char *value;
};

struct message_list {
	struct message_pair *v;
	size_t n, cap;
};

struct message {
	char *spool_dir;
	char *qid;                   /* NULL: unset */
	char *sender;                /* NULL: unset */
	struct message_list rcpts;   /* name only */
	size_t rcpts_lost;           /* recipients dropped at a bound */
	struct message_list macros;  /* kept across message_reset() */
	struct message_list headers; /* unfolded values */
	size_t headers_total;        /* stored name + value bytes */
	uint64_t size;               /* everything received */
	struct buf body_mem;         /* the body while in memory */
	int body_fd;                 /* the spool file, or -1 */
	uint64_t body_stored;        /* body bytes kept, memory or file */
	uint64_t body_count;         /* body bytes received */
	int count_only;              /* count the body, store none of it */
	unsigned limits;
};

static const struct {
	unsigned flag;
	const char *name;
} message_limit_names[] = {
    {MESSAGE_LIMIT_ADDRESS, "address"},
    {MESSAGE_LIMIT_RCPT_COUNT, "recipients"},
    {MESSAGE_LIMIT_HEADER_SIZE, "header-size"},
    {MESSAGE_LIMIT_HEADER_COUNT, "header-count"},
    {MESSAGE_LIMIT_HEADERS_TOTAL, "headers-total"},
    {MESSAGE_LIMIT_BODY_SIZE, "body-size"},
    {MESSAGE_LIMIT_MACRO, "macro"},
};

#define NLIMITS (sizeof(message_limit_names) / sizeof(message_limit_names[0]))

/* ---- small helpers ------------------------------------------------------ */

/* dupn - a NUL-terminated copy of n bytes of s; NULL with errno ENOMEM */
static char *
dupn(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* list_push - append a pair (taking ownership of name and value) */
static int
list_push(struct message_list *l, char *name, char *value)
{
	struct message_pair *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap > 0 ? l->cap * 2 : 8;
		if (cap > SIZE_MAX / sizeof(*v) ||
		    (v = realloc(l->v, cap * sizeof(*v))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = name;
	l->v[l->n].value = value;
	l->n++;
	return 0;
}

/* list_clear - free every pair, keep the array */
static void
list_clear(struct message_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	l->n = 0;
}

/* list_free - free every pair and the array */
static void
list_free(struct message_list *l)
{
	list_clear(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* ---- life cycle --------------------------------------------------------- */

struct message *
message_new(const char *spool_dir)
{
	struct message *msg;

	if ((msg = calloc(1, sizeof(*msg))) == NULL)
		return NULL;
	if (spool_dir == NULL || *spool_dir == '\0')
		spool_dir = getenv("TMPDIR");
	if (spool_dir == NULL || *spool_dir == '\0')
		spool_dir = "/tmp";
	if ((msg->spool_dir = strdup(spool_dir)) == NULL) {
		free(msg);
		return NULL;
	}
	buf_init(&msg->body_mem, BOUND_BODY_MEMORY);
	msg->body_fd = -1;
	return msg;
}

/* body_clear - drop the body in memory and on disk */
static void
body_clear(struct message *msg)
{
	buf_free(&msg->body_mem);
	if (msg->body_fd >= 0)
		(void)close(msg->body_fd);
	msg->body_fd = -1;
	msg->body_stored = 0;
	msg->body_count = 0;
}

void
message_reset(struct message *msg)
{
	if (msg == NULL)
		return;
	free(msg->qid);
	free(msg->sender);
	msg->qid = msg->sender = NULL;
	list_clear(&msg->rcpts);
	msg->rcpts_lost = 0;
	list_clear(&msg->headers);
	msg->headers_total = 0;
	msg->size = 0;
	body_clear(msg);
	msg->count_only = 0;
	/* the macros stay, and so does the flag saying one was cut */
	msg->limits &= MESSAGE_LIMIT_MACRO;
}

void
message_free(struct message *msg)
{
	if (msg == NULL)
		return;
	message_reset(msg);
	list_free(&msg->rcpts);
	list_free(&msg->headers);
	list_free(&msg->macros);
	free(msg->spool_dir);
	free(msg);
}

/* ---- envelope ----------------------------------------------------------- */

/* addr_end - end of the address that starts at s: the closing '>' when
 * bracketed, else the first white space; quoted strings and backslash
 * escapes are skipped over so "a>b"@x stays whole */
static const char *
addr_end(const char *s, int bracketed)
{
	int quoted = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			quoted = !quoted;
		else if (!quoted && bracketed && *s == '>')
			break;
		else if (!quoted && !bracketed && (*s == ' ' || *s == '\t'))
			break;
	}
	return s;
}

/* addr_normalise - the address in s without angle brackets, surrounding
 * white space, a source route or ESMTP parameters; sets *start, *len */
static void
addr_normalise(const char *s, const char **start, size_t *len)
{
	const char *e, *colon;
	int bracketed;

	while (*s == ' ' || *s == '\t')
		s++;
	bracketed = *s == '<';
	if (bracketed)
		s++;
	while (bracketed && (*s == ' ' || *s == '\t'))
		s++;
	e = addr_end(s, bracketed);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	/* <@relay1,@relay2:user@host> names user@host (RFC 5321 4.1.2) */
	if (s < e && *s == '@' && (colon = memchr(s, ':', (size_t)(e - s))))
		s = colon + 1;
	*start = s;
	*len = (size_t)(e - s);
}

/* addr_copy - normalise addr into a new string; *over is set when it is
 * longer than BOUND_ADDRESS_BYTES (nothing is then allocated) */
static int
addr_copy(char **out, int *over, const char *addr)
{
	const char *s;
	size_t len;

	*out = NULL;
	*over = 0;
	addr_normalise(addr != NULL ? addr : "", &s, &len);
	if (len > BOUND_ADDRESS_BYTES) {
		*over = 1;
		return 0;
	}
	return (*out = dupn(s, len)) != NULL ? 0 : -1;
}

/* bounded_copy - s cut at max bytes in a new string; *cut set if cut */
static char *
bounded_copy(const char *s, size_t max, int *cut)
{
	size_t len = strlen(s);

	*cut = len > max;
	return dupn(s, *cut ? max : len);
}

int
message_set_queue_id(struct message *msg, const char *qid)
{
	char *p;
	int cut;

	if ((p = bounded_copy(
	         qid != NULL ? qid : "", BOUND_MACRO_BYTES, &cut)) == NULL)
		return -1;
	free(msg->qid);
	msg->qid = p;
	return 0;
}

int
message_set_sender(struct message *msg, const char *addr)
{
	char *p;
	int over;

	if (addr_copy(&p, &over, addr) != 0)
		return -1;
	if (over) {
		msg->limits |= MESSAGE_LIMIT_ADDRESS;
		if ((p = dupn("", 0)) == NULL)
			return -1;
	}
	free(msg->sender);
	msg->sender = p;
	return 0;
}

int
message_add_rcpt(struct message *msg, const char *addr)
{
	char *p;
	int over;

	if (msg->rcpts.n >= BOUND_RCPT_COUNT) {
		msg->limits |= MESSAGE_LIMIT_RCPT_COUNT;
		msg->rcpts_lost++;
		return 0;
	}
	if (addr_copy(&p, &over, addr) != 0)
		return -1;
	if (over) {
		msg->limits |= MESSAGE_LIMIT_ADDRESS;
		msg->rcpts_lost++;
		return 0;
	}
	if (list_push(&msg->rcpts, p, NULL) != 0) {
		free(p);
		return -1;
	}
	return 0;
}

/* ---- macros ------------------------------------------------------------- */

/* macro_key - name without one pair of surrounding braces */
static void
macro_key(const char *name, const char **key, size_t *len)
{
	size_t n = strlen(name);

	if (n >= 2 && name[0] == '{' && name[n - 1] == '}') {
		*key = name + 1;
		*len = n - 2;
	} else {
		*key = name;
		*len = n;
	}
}

/* macro_find - index of the macro stored under either spelling of name,
 * or msg->macros.n */
static size_t
macro_find(const struct message *msg, const char *name)
{
	const char *k1, *k2;
	size_t l1, l2, i;

	macro_key(name, &k1, &l1);
	for (i = 0; i < msg->macros.n; i++) {
		macro_key(msg->macros.v[i].name, &k2, &l2);
		if (l1 == l2 && memcmp(k1, k2, l1) == 0)
			break;
	}
	return i;
}

int
message_set_macro(struct message *msg, const char *name, const char *value)
{
	char *n, *v;
	size_t i;
	int cut;

	if (name == NULL || *name == '\0') {
		errno = EINVAL;
		return -1;
	}
	if ((v = bounded_copy(
	         value != NULL ? value : "", BOUND_MACRO_BYTES, &cut)) == NULL)
		return -1;
	if (cut)
		msg->limits |= MESSAGE_LIMIT_MACRO;
	if ((i = macro_find(msg, name)) < msg->macros.n) {
		free(msg->macros.v[i].value);
		msg->macros.v[i].value = v;
		return 0;
	}
	if ((n = strdup(name)) == NULL || list_push(&msg->macros, n, v) != 0) {
		free(n);
		free(v);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ---- header fields ------------------------------------------------------ */

/* unfold - copy value (len bytes) without CR and LF into a new string,
 * at most max bytes of it; *cut set if more was there. The white space
 * that starts a continuation line stays (RFC 5322 2.2.3). */
static char *
unfold(const char *value, size_t len, size_t max, int *cut)
{
	char *p;
	size_t i, o = 0;

	*cut = 0;
	if ((p = malloc((len < max ? len : max) + 1)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < len; i++) {
		if (value[i] == '\r' || value[i] == '\n')
			continue;
		if (o == max) {
			*cut = 1;
			break;
		}
		p[o++] = value[i];
	}
	p[o] = '\0';
	return p;
}

/* wire_len - the length of value (len bytes) on the wire: each line
 * break the milter protocol passes as a bare LF was a CRLF */
static uint64_t
wire_len(const char *value, size_t len)
{
	uint64_t n = len;
	size_t i;

	for (i = 0; i < len; i++)
		n += value[i] == '\n' && (i == 0 || value[i - 1] != '\r');
	return n;
}

/* header_add - store one field whose value, as a milter gets it, is vlen
 * bytes; raw is its length on the wire (wire_len()), past the bound too
 * when the caller had to cut the value already */
static int
header_add(struct message *msg, const char *name, const char *value,
    size_t vlen, uint64_t raw)
{
	size_t nlen = strlen(name);
	char *n, *v;
	int cut;

	msg->size += nlen + 2 + raw + 2; /* "Name: value\r\n" */
	if (msg->headers.n >= BOUND_HEADER_COUNT) {
		msg->limits |= MESSAGE_LIMIT_HEADER_COUNT;
		return 0;
	}
	if (nlen + raw > BOUND_HEADER_BYTES)
		msg->limits |= MESSAGE_LIMIT_HEADER_SIZE;
	if (nlen > BOUND_HEADER_BYTES)
		return 0;
	if ((v = unfold(value, vlen, BOUND_HEADER_BYTES - nlen, &cut)) == NULL)
		return -1;
	if (nlen + strlen(v) > BOUND_HEADERS_TOTAL - msg->headers_total) {
		msg->limits |= MESSAGE_LIMIT_HEADERS_TOTAL;
		free(v);
		return 0;
	}
	if ((n = dupn(name, nlen)) == NULL ||
	    list_push(&msg->headers, n, v) != 0) {
		free(n);
		free(v);
		return -1;
	}
	msg->headers_total += nlen + strlen(v);
	return 0;
}

int
message_add_header(struct message *msg, const char *name, const char *value)
{
	size_t vlen;

	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (value == NULL)
		value = "";
	vlen = strlen(value);
	return header_add(msg, name, value, vlen, wire_len(value, vlen));
}

/* ---- body spool --------------------------------------------------------- */

/* spool_open - move the body from memory to a new unlinked file */
static int
spool_open(struct message *msg)
{
	struct buf path;
	int fd, saved;

	buf_init(&path, PATH_MAX);
	if (buf_printf(&path, "%s/%s", msg->spool_dir, MESSAGE_SPOOL_NAME) !=
	    BUF_OK) {
		buf_free(&path);
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path.data, O_CLOEXEC);
	if (fd >= 0)
		(void)unlink(path.data);
	buf_free(&path);
	if (fd < 0)
		return -1;
	if (durable_write_all(fd, msg->body_mem.data, msg->body_mem.len) != 0) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	buf_free(&msg->body_mem);
	msg->body_fd = fd;
	return 0;
}

void
message_set_body_count_only(struct message *msg, int on)
{
	msg->count_only = on != 0;
}

int
message_body_count_only(const struct message *msg)
{
	return msg->count_only;
}

int
message_add_body(struct message *msg, const void *p, size_t n)
{
	/* the bound applies to what was received, stored or not, so that
	 * the body-size flag is the same in both modes */
	uint64_t room = msg->body_count < BOUND_BODY_BYTES ?
	    BOUND_BODY_BYTES - msg->body_count :
	    0;

	msg->size += n;
	msg->body_count += n;
	if (n > room) {
		msg->limits |= MESSAGE_LIMIT_BODY_SIZE;
		n = (size_t)room;
	}
	if (n == 0 || msg->count_only)
		return 0;
	if (msg->body_fd < 0 && n <= BOUND_BODY_MEMORY - msg->body_mem.len) {
		if (buf_append(&msg->body_mem, p, n) != BUF_OK) {
			errno = ENOMEM;
			return -1;
		}
		msg->body_stored += n;
		return 0;
	}
	if (msg->body_fd < 0 && spool_open(msg) != 0)
		return -1;
	if (durable_write_all(msg->body_fd, p, n) != 0)
		return -1;
	msg->body_stored += n;
	return 0;
}

ssize_t
message_body_read(const struct message *msg, uint64_t off, void *dst, size_t n)
{
	size_t want, got = 0;
	ssize_t r;

	if (off >= msg->body_stored)
		return 0;
	want =
	    msg->body_stored - off < n ? (size_t)(msg->body_stored - off) : n;
	if (want > SSIZE_MAX)
		want = SSIZE_MAX;
	if (msg->body_fd < 0) {
		memcpy(dst, msg->body_mem.data + off, want);
		return (ssize_t)want;
	}
	while (got < want) {
		r = pread(msg->body_fd, (char *)dst + got, want - got,
		    (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* ---- reading a whole message ------------------------------------------ */

#define PARSE_CHUNK 65536

/*
 * The state of message_parse(): the field being read (a field can go on
 * over continuation lines) and the last body byte, so that bare LF line
 * ends in the body become CRLF even across chunks.
 *
 * A field's value is built the way Postfix's milter client (milter8.c,
 * milter8_header()) hands it to a filter: the name ends before any white
 * space ahead of the colon; exactly one space after the colon is removed,
 * never a tab and never more; the lines of a folded field are joined by
 * a bare LF, the CR of each line end dropped and the white space that
 * starts the next line kept. message_add_header() then gets the very
 * string mlfi_header() gets from the MTA for the same field.
 */
struct parser {
	FILE *fp;
	struct message *msg;
	struct buf line;  /* the start of a line, until we know what it is */
	struct buf value; /* the pending field's value, as a milter gets it */
	uint64_t raw;     /* its wire_len(), past the bound too */
	char *name;       /* the pending field's name; NULL: none */
	int prev_cr;
};

/* is_ftext - a byte allowed in a field name (RFC 5322 3.6.8) */
static int
is_ftext(int c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/* parse_flush - store the pending field, if any */
static int
parse_flush(struct parser *p)
{
	int rc = 0;

	if (p->name != NULL)
		rc = header_add(
		    p->msg, p->name, buf_str(&p->value), p->value.len, p->raw);
	free(p->name);
	p->name = NULL;
	buf_reset(&p->value);
	p->raw = 0;
	return rc;
}

/* parse_value_put - one byte of a field value; past the bound it is only
 * counted (a line break as the CRLF it was on the wire) */
static int
parse_value_put(struct parser *p, int c)
{
	p->raw += c == '\n' ? 2 : 1;
	if (buf_putc(&p->value, c) == BUF_NOMEM) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* parse_value_line - the rest of a line into the pending value; the CR of
 * a CRLF line end is dropped */
static int
parse_value_line(struct parser *p)
{
	int c, cr = 0;

	while ((c = getc(p->fp)) != EOF && c != '\n') {
		if (cr && parse_value_put(p, '\r') != 0)
			return -1;
		cr = c == '\r';
		if (!cr && parse_value_put(p, c) != 0)
			return -1;
	}
	return 0;
}

/* parse_body - n body bytes, with bare LF turned into CRLF as an MTA hands
 * the body to a milter */
static int
parse_body(struct parser *p, const char *data, size_t n)
{
	char out[2 * 4096];
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o >= sizeof(out) - 2) {
			if (message_add_body(p->msg, out, o) != 0)
				return -1;
			o = 0;
		}
		if (data[i] == '\n' && !p->prev_cr)
			out[o++] = '\r';
		out[o++] = data[i];
		p->prev_cr = data[i] == '\r';
	}
	return o > 0 ? message_add_body(p->msg, out, o) : 0;
}

/* parse_body_rest - everything left in the file is body */
static int
parse_body_rest(struct parser *p)
{
	char *chunk;
	size_t n;
	int rc = 0;

	if ((chunk = malloc(PARSE_CHUNK)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	while (rc == 0 && (n = fread(chunk, 1, PARSE_CHUNK, p->fp)) > 0)
		rc = parse_body(p, chunk, n);
	free(chunk);
	return rc;
}

/* parse_field_start - a line began with an ftext byte c: read on to the
 * colon. Returns 1 for a field (now pending), 0 when the line turned out
 * not to be one (its bytes are in p->line, ending in the byte that
 * decided), -1 on error. */
static int
parse_field_start(struct parser *p, int c)
{
	size_t n;

	buf_reset(&p->line);
	do {
		if (buf_putc(&p->line, c) != BUF_OK)
			goto not_field; /* a name past the bound */
	} while ((c = getc(p->fp)) != EOF && is_ftext(c));
	n = p->line.len;
	while (c == ' ' || c == '\t') {
		if (buf_putc(&p->line, c) != BUF_OK)
			goto not_field;
		c = getc(p->fp);
	}
	if (c != ':') {
		if (c != EOF && buf_putc(&p->line, c) != BUF_OK)
			goto not_field;
		return 0;
	}
	if (parse_flush(p) != 0 || (p->name = dupn(p->line.data, n)) == NULL)
		return -1;
	/* one space, not a tab, as Postfix and Sendmail remove it */
	if ((c = getc(p->fp)) != ' ' && c != EOF)
		(void)ungetc(c, p->fp);
	return parse_value_line(p) != 0 ? -1 : 1;

not_field:
	/* the byte that did not fit is read again as body */
	(void)ungetc(c, p->fp);
	return 0;
}

/* parse_skip_line - drop the rest of the line (a leading mbox "From ") */
static void
parse_skip_line(struct parser *p)
{
	int c;

	while ((c = getc(p->fp)) != EOF && c != '\n')
		;
}

/* parse_headers - header lines up to the blank line; returns 1 when a body
 * follows (the first bytes of which may be in p->line), 0 at the end of
 * the file, -1 on error */
static int
parse_headers(struct parser *p)
{
	int c, c2, rc, first = 1;

	for (;; first = 0) {
		buf_reset(&p->line);
		if ((c = getc(p->fp)) == EOF)
			return parse_flush(p);
		if (c == '\r' && (c2 = getc(p->fp)) != '\n' && c2 != EOF)
			(void)ungetc(c2, p->fp);
		else if (c == '\r')
			c = '\n';
		if (c == '\n')
			return parse_flush(p) != 0 ? -1 : 1;
		if ((c == ' ' || c == '\t') && p->name != NULL) {
			/* a continuation line: joined with a bare LF */
			if (parse_value_put(p, '\n') != 0 ||
			    parse_value_put(p, c) != 0 ||
			    parse_value_line(p) != 0)
				return -1;
			continue;
		}
		if (!is_ftext(c)) {
			(void)buf_putc(&p->line, c);
			return parse_flush(p) != 0 ? -1 : 1;
		}
		if ((rc = parse_field_start(p, c)) != 0) {
			if (rc < 0)
				return -1;
			continue;
		}
		if (first && strncmp(buf_str(&p->line), "From ", 5) == 0 &&
		    p->line.data[p->line.len - 1] != '\n') {
			parse_skip_line(p);
			continue;
		}
		return parse_flush(p) != 0 ? -1 : 1;
	}
}

int
message_parse(struct message *msg, FILE *fp)
{
	struct parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.fp = fp;
	p.msg = msg;
	buf_init(&p.line, BOUND_HEADER_BYTES);
	buf_init(&p.value, BOUND_HEADER_BYTES);
	rc = parse_headers(&p);
	if (rc > 0)
		rc = parse_body(&p, p.line.data, p.line.len) != 0 ||
		        parse_body_rest(&p) != 0 ?
		    -1 :
		    0;
	if (rc == 0 && ferror(fp)) {
		errno = EIO;
		rc = -1;
	}
	free(p.name);
	buf_free(&p.line);
	buf_free(&p.value);
	return rc;
}

/* ---- readers ------------------------------------------------------------ */

const char *
message_queue_id(const struct message *msg)
{
	const char *i;

	if (msg->qid != NULL && *msg->qid != '\0')
		return msg->qid;
	if ((i = message_macro(msg, "i")) != NULL && *i != '\0')
		return i;
	return "NOQUEUE";
}

const char *
message_sender(const struct message *msg)
{
	return msg->sender != NULL ? msg->sender : "";
}

size_t
message_rcpt_count(const struct message *msg)
{
	return msg->rcpts.n;
}

int
message_rcpts_complete(const struct message *msg)
{
	return msg->rcpts_lost == 0;
}

const char *
message_rcpt(const struct message *msg, size_t i)
{
	return i < msg->rcpts.n ? msg->rcpts.v[i].name : NULL;
}

const char *
message_macro(const struct message *msg, const char *name)
{
	size_t i = macro_find(msg, name);

	return i < msg->macros.n ? msg->macros.v[i].value : NULL;
}

size_t
message_header_count(const struct message *msg)
{
	return msg->headers.n;
}

void
message_header(
    const struct message *msg, size_t i, const char **name, const char **value)
{
	if (i >= msg->headers.n) {
		*name = *value = NULL;
		return;
	}
	*name = msg->headers.v[i].name;
	*value = msg->headers.v[i].value;
}

const char *
message_header_value(const struct message *msg, const char *name, size_t *iter)
{
	size_t i;

	for (i = *iter; i < msg->headers.n; i++) {
		if (strcasecmp(msg->headers.v[i].name, name) == 0) {
			*iter = i + 1;
			return msg->headers.v[i].value;
		}
	}
	*iter = msg->headers.n;
	return NULL;
}

uint64_t
message_size(const struct message *msg)
{
	return msg->size;
}

uint64_t
message_body_size(const struct message *msg)
{
	return msg->body_stored;
}

int
message_body_complete(const struct message *msg)
{
	return msg->body_stored == msg->body_count;
}

unsigned
message_limits(const struct message *msg)
{
	return msg->limits;
}

const char *
message_limit_name(unsigned flag)
{
	size_t i;

	for (i = 0; i < NLIMITS; i++)
		if (message_limit_names[i].flag == flag)
			return message_limit_names[i].name;
	return NULL;
}

unsigned
message_limit_flag(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NLIMITS; i++)
		if (strcmp(message_limit_names[i].name, name) == 0)
			return message_limit_names[i].flag;
	return 0;
}
