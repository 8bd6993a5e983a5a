/*
 * content.c - the MIME view of a message over GMime 3
 *
 * GMime's parser reads the message through a stream of our own (struct
 * body_stream): the header fields as the message model keeps them, then
 * the stored body through message_body_read(), so nothing is copied
 * whole and a spooled body stays on disk. The parser keeps the stream
 * (persist mode) and gives each part a substream of it; the text parts
 * are then read and decoded from their substreams, one chunk at a time.
 *
 * The stream also guards the parser: GMime builds its whole tree before
 * we see it, at about 1.3 KB a part, so the stream counts the lines that
 * start with "--" (every part but the first of a chain of message/rfc822
 * parts needs one) and ends the input past BOUND_MIME_BOUNDARY_LINES.
 *
 * The walk over the tree applies the other bounds and records what it
 * could not read as findings; decoding goes through GMime's incremental
 * decoders and iconv, then through one cleaner that makes valid UTF-8.
 */
#include "autoconf.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "bounds.h"
#include "buf.h"
#include "content.h"
#include "extract.h"
#include "html.h"
#include "log.h"
#include "message.h"
#include "mime.h"
#include "utf8.h"

/* Findings listed, repeats beyond it only counted in the last line. */
#define CONTENT_FINDINGS_MAX 32
/* One finding's text. */
#define CONTENT_FINDING_BYTES 512
/* A chunk read from a part's substream. */
#define CONTENT_CHUNK 16384

struct content_part {
	char *type;
	char *filename;
	uint64_t size;
	uint64_t decoded;
	int depth;
	int attachment;
	enum content_kind kind;
};

struct content_text {
	char *text;
	size_t len;
	long part;  /* -1: a preamble or epilogue */
	char *name; /* file name and path inside an archive, or "" */
	enum content_kind kind;
	int attached;
};

/* A file inside an attached archive. */
struct content_member {
	long part;
	char *path;
	enum content_kind kind;
	uint64_t size;
};

struct content {
	const struct message *msg;
	struct buf head; /* the header fields, then a blank line */
	uint64_t total;  /* head plus stored body */

	/* the parser's guard (body_stream_read, guarded stream only) */
	uint64_t scanned;    /* bytes looked at */
	int lead;            /* '-' at the start of the line; -1: not */
	int field;           /* where the line is in "name:"; see guard() */
	uint64_t line_start; /* offset of the current line */
	size_t dash_lines;
	size_t field_lines; /* lines that could be header fields */
	int cut;            /* the parser's input ended at cut_at */
	uint64_t cut_at;    /* ... */
	int io_errno;       /* reading the spool failed */

	unsigned limits;
	char **findings;
	size_t nfindings;
	size_t more; /* findings not listed */

	struct content_part *parts;
	size_t nparts;
	struct content_text *texts;
	size_t ntexts;
	size_t text_bytes; /* all texts together */
	struct content_member *members;
	size_t nmembers;
	struct extract_budget xb; /* the attachments' share of the bounds */
	int oom;
};

static const struct {
	unsigned flag;
	const char *name;
} content_limit_names[] = {
    {CONTENT_LIMIT_DEPTH, "mime-depth"},
    {CONTENT_LIMIT_PARTS, "mime-parts"},
    {CONTENT_LIMIT_BYTES, "mime-bytes"},
    {CONTENT_LIMIT_UNDECODABLE, "mime-undecodable"},
    {CONTENT_LIMIT_MALFORMED, "mime-malformed"},
    {CONTENT_LIMIT_ENCRYPTED, "mime-encrypted"},
    {CONTENT_LIMIT_UNREAD, "mime-unread"},
    {CONTENT_LIMIT_TIME, "mime-time"},
};

/* The names of enum content_kind, in its order. */
static const char *const kind_names[] = {"text", "html", "spreadsheet",
    "document", "presentation", "pdf", "archive", "image", "other",
    "container"};

#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

#define NLIMITS (sizeof(content_limit_names) / sizeof(content_limit_names[0]))

/* ---- findings ---------------------------------------------------------- */

/* finding - record one thing not inspected, with its flag */
static void finding(struct content *c, unsigned flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finding(struct content *c, unsigned flag, const char *fmt, ...)
{
	char text[CONTENT_FINDING_BYTES], *s, **v;
	size_t len, i;
	va_list ap;

	c->limits |= flag;
	if (c->nfindings >= CONTENT_FINDINGS_MAX) {
		c->more++;
		return;
	}
	len = (size_t)snprintf(text, sizeof(text), "not inspected: ");
	va_start(ap, fmt);
	(void)vsnprintf(text + len, sizeof(text) - len, fmt, ap);
	va_end(ap);
	/* a file name or charset from the mail: no control bytes */
	for (i = 0; text[i] != '\0'; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			text[i] = '?';
	if ((s = strdup(text)) == NULL ||
	    (v = realloc(c->findings, (c->nfindings + 1) * sizeof(*v))) ==
	        NULL) {
		free(s);
		c->oom = 1;
		return;
	}
	c->findings = v;
	v[c->nfindings++] = s;
}

/* ---- the stream GMime reads -------------------------------------------- */

/* A GMimeStream over the header block and the stored body. GObject wants
 * the instance and class structs to start with their parents'. */
struct body_stream {
	GMimeStream parent;
	struct content *view;
	int guarded; /* the parser's own stream: counts boundary lines */
};

struct body_stream_class {
	GMimeStreamClass parent_class;
};

static GType body_stream_type;
static pthread_once_t body_stream_once = PTHREAD_ONCE_INIT;

/* stream_end - where a stream's data ends */
static gint64
stream_end(GMimeStream *s)
{
	struct body_stream *bs = (struct body_stream *)(void *)s;
	gint64 end = (gint64)bs->view->total;

	if (bs->view->cut && (gint64)bs->view->cut_at < end)
		end = (gint64)bs->view->cut_at;
	if (s->bound_end != -1 && s->bound_end < end)
		end = s->bound_end;
	return end;
}

/* fetch - n bytes at off from the head and the body into dst; -1 on a
 * spool read error */
static int
fetch(struct content *c, uint64_t off, char *dst, size_t n)
{
	size_t k;
	ssize_t r;

	if (off < c->head.len) {
		k = c->head.len - (size_t)off < n ? c->head.len - (size_t)off :
		                                    n;
		memcpy(dst, c->head.data + off, k);
		off += k;
		dst += k;
		n -= k;
	}
	while (n > 0) {
		r = message_body_read(c->msg, off - c->head.len, dst, n);
		if (r <= 0) {
			c->io_errno = r < 0 ? errno : EIO;
			return -1;
		}
		off += (uint64_t)r;
		dst += r;
		n -= (size_t)r;
	}
	return 0;
}

/* cut_input - end the parser's input at the start of the current line; why
 * says which of its lines passed which bound */
static size_t
cut_input(struct content *c, uint64_t off, size_t n, const char *why, int bound)
{
	c->cut = 1;
	c->cut_at = c->line_start;
	finding(c, CONTENT_LIMIT_PARTS,
	    "the body after byte %ju (more than %d %s)",
	    (uintmax_t)(c->cut_at > c->head.len ? c->cut_at - c->head.len : 0),
	    bound, why);
	c->scanned = off + n;
	return c->cut_at > off ? (size_t)(c->cut_at - off) : 0;
}

/* Where a line is in a possible header field "name:" (c->field): at its
 * start, in the name, in blanks after it, or past (-1: a continuation
 * line, a line already counted, or one that cannot be a field). Any
 * byte but a blank, ':' or LF counts as a name byte, so the lines
 * counted are all that GMime could make a field of, and more. */
#define FIELD_START 0
#define FIELD_NAME 1
#define FIELD_BLANK 2
#define FIELD_PAST (-1)

/* field_step - move c->field on by byte ch; 1 if the line has just
 * become one that could be a header field */
static int
field_step(struct content *c, unsigned char ch)
{
	if (c->field == FIELD_PAST)
		return 0;
	if (ch == ':') {
		c->field = FIELD_PAST;
		return 1;
	}
	if (ch == ' ' || ch == '\t')
		c->field = c->field == FIELD_START ? FIELD_PAST : FIELD_BLANK;
	else
		c->field = c->field == FIELD_BLANK ? FIELD_PAST : FIELD_NAME;
	return 0;
}

/* guard - look at the bytes the parser is given (buf holds n bytes at
 * off) and cut its input past BOUND_MIME_BOUNDARY_LINES lines starting
 * with "--" or BOUND_MIME_FIELD_LINES lines that could be header
 * fields; returns how many of the n bytes it may have */
static size_t
guard(struct content *c, uint64_t off, const char *buf, size_t n)
{
	size_t i = 0;

	if (off + n <= c->scanned)
		return n;
	if (off < c->scanned)
		i = (size_t)(c->scanned - off);
	for (; i < n; i++) {
		if (buf[i] == '\n') {
			c->lead = 0;
			c->field = FIELD_START;
			c->line_start = off + i + 1;
			continue;
		}
		if (field_step(c, (unsigned char)buf[i]) &&
		    ++c->field_lines > BOUND_MIME_FIELD_LINES)
			return cut_input(c, off, n,
			    "lines that could be header fields",
			    BOUND_MIME_FIELD_LINES);
		if (c->lead < 0 || c->lead >= 2)
			continue;
		if (buf[i] != '-') {
			c->lead = -1;
			continue;
		}
		if (++c->lead < 2 ||
		    ++c->dash_lines <= BOUND_MIME_BOUNDARY_LINES)
			continue;
		return cut_input(c, off, n, "lines starting with \"--\"",
		    BOUND_MIME_BOUNDARY_LINES);
	}
	c->scanned = off + n;
	return n;
}

static ssize_t
body_stream_read(GMimeStream *s, char *buf, size_t len)
{
	struct body_stream *bs = (struct body_stream *)(void *)s;
	gint64 end = stream_end(s);
	size_t n;

	if (s->position >= end)
		return 0;
	n = (uint64_t)(end - s->position) < len ? (size_t)(end - s->position) :
	                                          len;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	if (fetch(bs->view, (uint64_t)s->position, buf, n) == -1) {
		errno = bs->view->io_errno;
		return -1;
	}
	if (bs->guarded)
		n = guard(bs->view, (uint64_t)s->position, buf, n);
	s->position += (gint64)n;
	return (ssize_t)n;
}

static ssize_t
body_stream_write(GMimeStream *s, const char *buf, size_t len)
{
	(void)s;
	(void)buf;
	(void)len;
	errno = EBADF;
	return -1;
}

static int
body_stream_flush(GMimeStream *s)
{
	(void)s;
	return 0;
}

static int
body_stream_close(GMimeStream *s)
{
	(void)s;
	return 0;
}

static gboolean
body_stream_eos(GMimeStream *s)
{
	return s->position >= stream_end(s);
}

static int
body_stream_reset(GMimeStream *s)
{
	s->position = s->bound_start;
	return 0;
}

static gint64
body_stream_seek(GMimeStream *s, gint64 offset, GMimeSeekWhence whence)
{
	gint64 end = stream_end(s), real;

	switch (whence) {
	case GMIME_STREAM_SEEK_SET:
		real = offset;
		break;
	case GMIME_STREAM_SEEK_CUR:
		real = s->position + offset;
		break;
	case GMIME_STREAM_SEEK_END:
		real = end + offset;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (real < s->bound_start || real > end) {
		errno = EINVAL;
		return -1;
	}
	s->position = real;
	return real;
}

static gint64
body_stream_tell(GMimeStream *s)
{
	return s->position;
}

static gint64
body_stream_length(GMimeStream *s)
{
	return stream_end(s) - s->bound_start;
}

/* body_stream_new - a stream over view from start to end (-1: all) */
static GMimeStream *
body_stream_new(struct content *view, int guarded, gint64 start, gint64 end)
{
	struct body_stream *bs;

	bs = g_object_new(body_stream_type, NULL);
	bs->view = view;
	bs->guarded = guarded;
	g_mime_stream_construct(&bs->parent, start, end);
	return &bs->parent;
}

static GMimeStream *
body_stream_substream(GMimeStream *s, gint64 start, gint64 end)
{
	return body_stream_new(
	    ((struct body_stream *)(void *)s)->view, 0, start, end);
}

/* body_stream_class_init - GObject's class set-up: our methods */
static void
body_stream_class_init(gpointer klass, gpointer data)
{
	GMimeStreamClass *sc = klass;

	(void)data;
	sc->read = body_stream_read;
	sc->write = body_stream_write;
	sc->flush = body_stream_flush;
	sc->close = body_stream_close;
	sc->eos = body_stream_eos;
	sc->reset = body_stream_reset;
	sc->seek = body_stream_seek;
	sc->tell = body_stream_tell;
	sc->length = body_stream_length;
	sc->substream = body_stream_substream;
}

/* body_stream_register - the pthread_once routine: register the type */
static void
body_stream_register(void)
{
	static const GTypeInfo info = {
	    sizeof(struct body_stream_class),
	    NULL,
	    NULL,
	    body_stream_class_init,
	    NULL,
	    NULL,
	    sizeof(struct body_stream),
	    0,
	    NULL,
	    NULL,
	};

	body_stream_type = g_type_register_static(
	    GMIME_TYPE_STREAM, "GuardianBodyStream", &info, 0);
}

/* ---- text: cleaning, charsets ------------------------------------------ */

/* is_invisible - a code point mail programs show as nothing, used to
 * split words against filters (soft hyphen, zero-width characters) */
static int
is_invisible(unsigned long cp)
{
	return cp == 0xad || (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 ||
	    cp == 0xfeff;
}

/* is_space - a Unicode space a regex's \s (ASCII only) would not see */
static int
is_space(unsigned long cp)
{
	return cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	    cp == 0x205f || cp == 0x3000;
}

/*
 * clean - append s[0..n) to out as valid UTF-8: an invalid byte becomes
 * U+FFFD, a control character a space (keep_lines keeps TAB, CR and LF),
 * Unicode spaces an ASCII space, invisible characters nothing. Returns a
 * BUF_* code.
 */
static int
clean(struct buf *out, const char *s, size_t n, int keep_lines)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i = 0, k, start;
	int r;

	while (i < n) {
		/* runs of plain ASCII in one append */
		for (start = i; i < n && p[i] >= 0x20 && p[i] < 0x7f; i++)
			continue;
		if (i > start &&
		    (r = buf_append(out, s + start, i - start)) != BUF_OK)
			return r;
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			r = buf_putc(out,
			    keep_lines &&
			            (p[i] == '\t' || p[i] == '\r' ||
			                p[i] == '\n') ?
			        p[i] :
			        ' ');
			i++;
		} else if ((k = utf8_seq(p + i, n - i, &cp)) == 0) {
			r = buf_puts(out, "\xef\xbf\xbd");
			i++;
		} else {
			if (is_space(cp))
				r = buf_putc(out, ' ');
			else if (is_invisible(cp))
				r = BUF_OK;
			else
				r = buf_append(out, s + i, k);
			i += k;
		}
		if (r != BUF_OK)
			return r;
	}
	return BUF_OK;
}

/* is_utf8_name - a charset name that means UTF-8 or its ASCII subset */
static int
is_utf8_name(const char *cs)
{
	return cs == NULL || *cs == '\0' || strcasecmp(cs, "utf-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0 || strcasecmp(cs, "us-ascii") == 0 ||
	    strcasecmp(cs, "ascii") == 0;
}

/* unit_size - the bytes of a code unit of charset cs: 2 or 4 for the
 * fixed-width Unicode forms (UTF-16, UCS-2, UTF-32, UCS-4), else 1 */
static size_t
unit_size(const char *cs)
{
	char name[16];
	size_t i, k = 0;

	for (i = 0; cs[i] != '\0' && k < sizeof(name) - 1; i++)
		if (cs[i] != '-' && cs[i] != '_')
			name[k++] = (char)g_ascii_tolower(cs[i]);
	name[k] = '\0';
	if (strncmp(name, "utf16", 5) == 0 || strncmp(name, "ucs2", 4) == 0 ||
	    strcmp(name, "unicode") == 0)
		return 2;
	if (strncmp(name, "utf32", 5) == 0 || strncmp(name, "ucs4", 4) == 0)
		return 4;
	return 1;
}

/*
 * to_utf8 - in (n bytes, in charset cs) converted into out as UTF-8.
 * A code unit the charset does not allow (a byte; two or four in UTF-16
 * and UTF-32, so that the text after a lone surrogate stays aligned)
 * becomes U+FFFD, counted in *bad, and conversion goes on. Returns
 * BUF_OK, a BUF_* error, or 1 when iconv does not know cs (out is then
 * left empty).
 */
static int
to_utf8(struct buf *out, size_t *bad, const char *in, size_t n, const char *cs)
{
	char tmp[4096], *ip = (char *)(uintptr_t)in, *op;
	size_t il = n, ol, r, unit = unit_size(cs);
	iconv_t cd;
	int rc = BUF_OK, saved;

	*bad = 0;
	if ((cd = g_mime_iconv_open("UTF-8", cs)) == (iconv_t)-1)
		return 1;
	while (il > 0 && rc == BUF_OK) {
		op = tmp;
		ol = sizeof(tmp);
		r = iconv(cd, &ip, &il, &op, &ol);
		saved = errno;
		rc = buf_append(out, tmp, (size_t)(op - tmp));
		if (r != (size_t)-1 || rc != BUF_OK || saved == E2BIG)
			continue;
		/* EILSEQ, or EINVAL for a sequence cut at the end: one code
		 * unit (what is left, at the end) is lost, shown as U+FFFD */
		rc = buf_puts(out, "\xef\xbf\xbd");
		(*bad)++;
		r = saved == EINVAL || il < unit ? il : unit;
		ip += r;
		il -= r;
	}
	if (rc == BUF_OK) {
		/* a stateful charset's final shift sequence */
		op = tmp;
		ol = sizeof(tmp);
		if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
			rc = buf_append(out, tmp, (size_t)(op - tmp));
	}
	(void)g_mime_iconv_close(cd);
	return rc;
}

/* ---- header fields ------------------------------------------------------ */

/* header_options - parser options for decoding: 8-bit text is read as
 * UTF-8, else as ISO-8859-1, which gives every byte a character */
static GMimeParserOptions *
header_options(void)
{
	static const char *fallback[] = {"UTF-8", "ISO-8859-1", NULL};
	GMimeParserOptions *opt = g_mime_parser_options_new();

	g_mime_parser_options_set_fallback_charsets(opt, fallback);
	return opt;
}

/* The options every header decode shares: built once, read-only after
 * that (so safe from any thread), and kept for the life of the process
 * rather than built for each value of each <header> check. */
static GMimeParserOptions *decode_options;
static pthread_once_t decode_once = PTHREAD_ONCE_INIT;

/* decode_start - the pthread_once routine: build decode_options */
static void
decode_start(void)
{
	decode_options = header_options();
}

int
content_header_decode(char **out, const char *value)
{
	struct buf b;
	const char *p;
	char *d;
	int r;

	*out = NULL;
	for (p = value; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80 || (p[0] == '=' && p[1] == '?'))
			break;
	if (*p == '\0')
		return 0;
	mime_init();
	(void)pthread_once(&decode_once, decode_start);
	d = g_mime_utils_header_decode_text(decode_options, value);
	buf_init(&b, 4 * strlen(value) + 16);
	/* past the ceiling (never seen: decoding shrinks encoded words,
	 * and 8-bit text at most doubles) the text is cut, not failed */
	r = clean(&b, d != NULL ? d : value, strlen(d != NULL ? d : value), 0);
	g_free(d);
	if (r != BUF_NOMEM && b.data == NULL)
		r = buf_putc(&b, ' ');
	if (r == BUF_NOMEM) {
		buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	*out = buf_steal(&b);
	return *out != NULL ? 0 : -1;
}

/* ---- the parts ---------------------------------------------------------- */

/* part_add - list one part; its index, or -1 when out of memory */
static long
part_add(struct content *c, GMimeObject *obj, int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	struct content_part *v, *p;
	const char *fn = NULL;
	char *type, *name = NULL;
	struct buf b;

	if ((v = realloc(c->parts, (c->nparts + 1) * sizeof(*v))) == NULL)
		return -1;
	c->parts = v;
	p = &v[c->nparts];
	memset(p, 0, sizeof(*p));
	type = g_strdup_printf("%s/%s",
	    ct != NULL ? g_mime_content_type_get_media_type(ct) : "text",
	    ct != NULL ? g_mime_content_type_get_media_subtype(ct) : "plain");
	p->kind = CONTENT_KIND_OTHER;
	if (GMIME_IS_PART(obj)) {
		fn = g_mime_part_get_filename(GMIME_PART(obj));
		p->attachment = g_mime_part_is_attachment(GMIME_PART(obj));
	} else
		p->kind = CONTENT_KIND_CONTAINER;
	buf_init(&b, CONTENT_FINDING_BYTES);
	if (fn != NULL &&
	    (clean(&b, fn, strlen(fn), 0) == BUF_NOMEM ||
	        (name = buf_steal(&b)) == NULL)) {
		g_free(type);
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	if ((p->type = strdup(type)) == NULL ||
	    (p->filename = name != NULL ? name : strdup("")) == NULL) {
		free(p->type);
		free(name);
		g_free(type);
		return -1;
	}
	g_free(type);
	for (type = p->type; *type != '\0'; type++)
		if (*type >= 'A' && *type <= 'Z')
			*type = (char)(*type - 'A' + 'a');
	p->depth = depth;
	return (long)c->nparts++;
}

/* part_label - "part 3 (text/plain, \"x.txt\")" for findings */
static const char *
part_label(char *dst, size_t size, const struct content *c, long i)
{
	const struct content_part *p = &c->parts[i];

	if (p->filename[0] != '\0')
		(void)snprintf(dst, size, "part %ld (%s, \"%s\")", i + 1,
		    p->type, p->filename);
	else
		(void)snprintf(dst, size, "part %ld (%s)", i + 1, p->type);
	return dst;
}

/* b64_valid - the base64 alphabet, padding and white space */
static int
b64_valid(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=' ||
	    ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* uu_begin - how many of the n bytes at in come before uuencoded data:
 * up to the end of a line starting with "begin ", or all of them; *m is
 * how much of "begin " the current line has matched (-1: it does not).
 * When that line ends, st is told the data begins. */
static size_t
uu_begin(GMimeEncoding *st, int *m, const char *in, size_t n)
{
	static const char begin[] = "begin ";
	size_t k;

	for (k = 0; k < n; k++) {
		if (in[k] == '\n') {
			if (*m == (int)sizeof(begin) - 1) {
				st->state |= GMIME_UUDECODE_STATE_BEGIN;
				return k + 1;
			}
			*m = 0;
		} else if (*m >= 0 && *m < (int)sizeof(begin) - 1)
			*m = in[k] == begin[*m] ? *m + 1 : -1;
	}
	return n;
}

/*
 * part_decode - the content of part (index i) decoded from its transfer
 * encoding into raw, at most raw->max bytes; the part's size as
 * transmitted into its entry. uuencoded data starts after its "begin"
 * line; what comes before it is kept as it is (all of it, as a finding,
 * without one). Returns 0, 1 when the text bound was passed (raw holds
 * what fit), -1 on ENOMEM or a read error.
 */
static int
part_decode(struct content *c, GMimePart *part, long i, struct buf *raw)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeContentEncoding enc;
	GMimeEncoding st;
	GMimeStream *s;
	char in[CONTENT_CHUNK], *out, label[CONTENT_FINDING_BYTES];
	size_t k, outlen, bad = 0, plain;
	ssize_t n;
	int coded, r = 0, m = 0;

	if (w == NULL || (s = g_mime_data_wrapper_get_stream(w)) == NULL)
		return 0;
	enc = g_mime_data_wrapper_get_encoding(w);
	coded = enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE;
	if (coded)
		g_mime_encoding_init_decode(&st, enc);
	/* room for one decoded chunk: base64, QP and uuencode never grow */
	if ((out = malloc(CONTENT_CHUNK + 64)) == NULL)
		return -1;
	(void)g_mime_stream_reset(s);
	while (r == 0 && (n = g_mime_stream_read(s, in, sizeof(in))) > 0) {
		c->parts[i].size += (uint64_t)n;
		if (enc == GMIME_CONTENT_ENCODING_BASE64)
			for (k = 0; k < (size_t)n; k++)
				bad += !b64_valid((unsigned char)in[k]);
		plain = 0;
		if (enc == GMIME_CONTENT_ENCODING_UUENCODE &&
		    !(st.state & GMIME_UUDECODE_STATE_BEGIN))
			plain = uu_begin(&st, &m, in, (size_t)n);
		r = plain > 0 ? buf_append(raw, in, plain) : BUF_OK;
		if (r == BUF_OK && coded) {
			outlen = g_mime_encoding_step(
			    &st, in + plain, (size_t)n - plain, out);
			r = buf_append(raw, out, outlen);
		} else if (r == BUF_OK)
			r = buf_append(raw, in, (size_t)n);
		r = r == BUF_TOOBIG ? 1 : r == BUF_NOMEM ? -1 : 0;
	}
	if (c->io_errno != 0)
		r = -1;
	if (r == 0 && coded) {
		outlen = g_mime_encoding_flush(&st, "", 0, out);
		r = buf_append(raw, out, outlen);
		r = r == BUF_TOOBIG ? 1 : r == BUF_NOMEM ? -1 : 0;
	}
	free(out);
	if (enc == GMIME_CONTENT_ENCODING_UUENCODE &&
	    !(st.state & GMIME_UUDECODE_STATE_BEGIN))
		finding(c, CONTENT_LIMIT_UNDECODABLE,
		    "%s: uuencoded without a \"begin\" line, read as it is",
		    part_label(label, sizeof(label), c, i));
	if (bad > 0)
		finding(c, CONTENT_LIMIT_UNDECODABLE,
		    "%s: invalid base64 (%zu bytes outside the alphabet)",
		    part_label(label, sizeof(label), c, i), bad);
	return r;
}

/* text_add - keep one decoded text (taking t's storage) from part i
 * (-1: a preamble or epilogue), of kind, named name ("" for the
 * message's own text) */
static int
text_add(struct content *c, struct buf *t, long i, const char *name,
    enum content_kind kind)
{
	struct content_text *v;

	if ((v = realloc(c->texts, (c->ntexts + 1) * sizeof(*v))) == NULL)
		return -1;
	c->texts = v;
	v += c->ntexts;
	memset(v, 0, sizeof(*v));
	if (t->data == NULL && buf_putc(t, ' ') != BUF_OK)
		return -1;
	if ((v->name = strdup(name)) == NULL)
		return -1;
	v->len = t->len;
	if ((v->text = buf_steal(t)) == NULL) {
		free(v->name);
		return -1;
	}
	v->part = i;
	v->kind = kind;
	v->attached = i >= 0 &&
	    (c->parts[i].attachment ||
	        strncmp(c->parts[i].type, "text/", 5) != 0);
	c->text_bytes += v->len;
	c->ntexts++;
	return 0;
}

/* bytes_left - room left under BOUND_MIME_TEXT_BYTES */
static size_t
bytes_left(const struct content *c)
{
	return c->text_bytes < BOUND_MIME_TEXT_BYTES ?
	    BOUND_MIME_TEXT_BYTES - c->text_bytes :
	    0;
}

static int part_extract(struct content *c, GMimePart *part, long i);

/*
 * part_text - decode a text part (index i): transfer encoding, charset,
 * HTML reduced to text, then cleaned. Returns 0 or -1 (ENOMEM, EIO).
 */
static int
part_text(struct content *c, GMimePart *part, long i)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	const char *cs =
	    g_mime_object_get_content_type_parameter(obj, "charset");
	const char *cte =
	    g_mime_object_get_header(obj, "Content-Transfer-Encoding");
	struct buf raw, utf, out;
	char label[CONTENT_FINDING_BYTES];
	size_t room = bytes_left(c), bad;
	enum content_kind kind;
	int r, rc = -1;

	if (room == 0) {
		finding(c, CONTENT_LIMIT_BYTES,
		    "%s: the text of the message passed %d bytes",
		    part_label(label, sizeof(label), c, i),
		    BOUND_MIME_TEXT_BYTES);
		return 0;
	}
	buf_init(&raw, room);
	buf_init(&utf, SIZE_MAX / 2);
	buf_init(&out, room);
	if (cte != NULL &&
	    g_mime_content_encoding_from_string(cte) ==
	        GMIME_CONTENT_ENCODING_DEFAULT)
		finding(c, CONTENT_LIMIT_UNDECODABLE,
		    "%s: unknown transfer encoding \"%.40s\", read as it is",
		    part_label(label, sizeof(label), c, i), cte);
	if ((r = part_decode(c, part, i, &raw)) == -1)
		goto out;
	c->parts[i].decoded = raw.len;
	/* a text type does not make an image, a PDF or a zip text; but
	 * only bytes that are not text are read as anything else, so
	 * that "%PDF-" or "GIF89a" at its start cannot hide a text */
	kind = extract_text_like(raw.data, raw.len) ?
	    CONTENT_KIND_TEXT :
	    extract_sniff(raw.data, raw.len, NULL, NULL);
	if (kind != CONTENT_KIND_TEXT && kind != CONTENT_KIND_HTML &&
	    kind != CONTENT_KIND_OTHER) {
		c->parts[i].size = 0;
		rc = part_extract(c, part, i);
		goto out;
	}
	kind = strcmp(c->parts[i].type, "text/html") == 0 ? CONTENT_KIND_HTML :
	                                                    CONTENT_KIND_TEXT;
	c->parts[i].kind = kind;
	if (r == 1)
		finding(c, CONTENT_LIMIT_BYTES,
		    "%s: the text after %zu bytes (the message's text "
		    "passed %d bytes)",
		    part_label(label, sizeof(label), c, i), raw.len,
		    BOUND_MIME_TEXT_BYTES);
	if (!is_utf8_name(cs)) {
		if ((r = to_utf8(&utf, &bad, raw.len > 0 ? raw.data : "",
		         raw.len, cs)) == 1)
			finding(c, CONTENT_LIMIT_UNDECODABLE,
			    "%s: unknown charset \"%.40s\", read as UTF-8",
			    part_label(label, sizeof(label), c, i), cs);
		else if (r != BUF_OK)
			goto out;
		else {
			if (bad > 0)
				finding(c, CONTENT_LIMIT_UNDECODABLE,
				    "%s: text invalid in charset \"%.40s\" "
				    "(replaced by U+FFFD: %zu)",
				    part_label(label, sizeof(label), c, i), cs,
				    bad);
			buf_free(&raw);
			raw = utf;
			buf_init(&utf, SIZE_MAX / 2);
		}
	}
	if (strcmp(c->parts[i].type, "text/html") == 0) {
		if (html_text(&utf, raw.len > 0 ? raw.data : "", raw.len) != 0)
			goto out;
		buf_free(&raw);
		raw = utf;
		buf_init(&utf, SIZE_MAX / 2);
	}
	/* the cleaner never makes text longer than the bound allows by
	 * more than U+FFFD's three bytes a byte: cut, as a finding */
	r = clean(&out, raw.len > 0 ? raw.data : "", raw.len, 1);
	if (r == BUF_NOMEM)
		goto out;
	if (r == BUF_TOOBIG)
		finding(c, CONTENT_LIMIT_BYTES,
		    "%s: the text after %zu bytes (the message's text "
		    "passed %d bytes)",
		    part_label(label, sizeof(label), c, i), out.len,
		    BOUND_MIME_TEXT_BYTES);
	if (out.len > 0 &&
	    memmem(out.data, out.len, "-----BEGIN PGP MESSAGE-----", 27) !=
	        NULL)
		finding(c, CONTENT_LIMIT_ENCRYPTED, "%s: an inline PGP message",
		    part_label(label, sizeof(label), c, i));
	rc = text_add(c, &out, i,
	    c->parts[i].attachment ? c->parts[i].filename : "", kind);
out:
	buf_free(&raw);
	buf_free(&utf);
	buf_free(&out);
	return rc;
}

/* What the sink of extract() needs: the view and the part read. */
struct extract_arg {
	struct content *c;
	long i;
};

/* member_name - "file.zip/path" (the part's file name, then the path
 * inside it) into dst */
static const char *
member_name(
    char *dst, size_t size, const struct content *c, long i, const char *path)
{
	const char *fn = c->parts[i].filename;

	(void)snprintf(dst, size, "%s%s%s", fn,
	    fn[0] != '\0' && path[0] != '\0' ? "/" : "", path);
	return dst;
}

/* sink_text - a text extract() found, cleaned, into the view */
static int
sink_text(void *arg, const char *path, enum content_kind kind, const char *text,
    size_t len)
{
	struct extract_arg *a = arg;
	struct content *c = a->c;
	char name[CONTENT_FINDING_BYTES], label[CONTENT_FINDING_BYTES];
	struct buf out;
	int r;

	buf_init(&out, bytes_left(c));
	if ((r = clean(&out, text, len, 1)) == BUF_NOMEM) {
		buf_free(&out);
		return -1;
	}
	member_name(name, sizeof(name), c, a->i, path);
	if (r == BUF_TOOBIG)
		finding(c, CONTENT_LIMIT_BYTES,
		    "%s: %s: the text after %zu bytes (the message's text "
		    "passed %d bytes)",
		    part_label(label, sizeof(label), c, a->i), name, out.len,
		    BOUND_MIME_TEXT_BYTES);
	r = out.len > 0 ? text_add(c, &out, a->i, name, kind) : 0;
	buf_free(&out);
	c->xb.text_room = bytes_left(c);
	return r;
}

/* sink_member - a file inside an attached archive, listed */
static int
sink_member(void *arg, const char *path, enum content_kind kind, uint64_t size)
{
	struct extract_arg *a = arg;
	struct content *c = a->c;
	struct content_member *v;
	char name[CONTENT_FINDING_BYTES];

	v = realloc(c->members, (c->nmembers + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	c->members = v;
	v += c->nmembers;
	if ((v->path = strdup(
	         member_name(name, sizeof(name), c, a->i, path))) == NULL)
		return -1;
	v->part = a->i;
	v->kind = kind;
	v->size = size;
	c->nmembers++;
	return 0;
}

/* sink_finding - what extract() could not read, as a finding */
static int
sink_finding(void *arg, unsigned flag, const char *path, const char *what)
{
	struct extract_arg *a = arg;
	char label[CONTENT_FINDING_BYTES];

	part_label(label, sizeof(label), a->c, a->i);
	if (path[0] != '\0')
		finding(a->c, flag, "%s: %s: %s", label, path, what);
	else
		finding(a->c, flag, "%s: %s", label, what);
	return a->c->oom ? -1 : 0;
}

/*
 * part_extract - an attachment (index i): decoded, at most
 * BOUND_EXTRACT_PART_BYTES, then read by extract(): its kind, its text
 * and what it holds join the view. Returns 0 or -1 (ENOMEM, EIO).
 */
static int
part_extract(struct content *c, GMimePart *part, long i)
{
	struct extract_arg a = {c, i};
	struct extract_sink sink = {sink_text, sink_member, sink_finding, &a};
	char label[CONTENT_FINDING_BYTES];
	struct buf raw;
	int r;

	buf_init(&raw, BOUND_EXTRACT_PART_BYTES);
	if ((r = part_decode(c, part, i, &raw)) == -1) {
		buf_free(&raw);
		return -1;
	}
	c->parts[i].decoded = raw.len;
	if (r == 1) {
		c->parts[i].kind = extract_sniff(
		    raw.data, raw.len, c->parts[i].filename, c->parts[i].type);
		finding(c, CONTENT_LIMIT_BYTES,
		    "%s: larger than %d bytes decoded",
		    part_label(label, sizeof(label), c, i),
		    BOUND_EXTRACT_PART_BYTES);
		buf_free(&raw);
		return 0;
	}
	c->xb.text_room = bytes_left(c);
	r = extract(&c->parts[i].kind, &sink, &c->xb,
	    raw.data != NULL ? raw.data : "", raw.len, c->parts[i].filename,
	    c->parts[i].type);
	buf_free(&raw);
	return r;
}

/* Types whose content only the recipient can read (RFC 1847, 3156,
 * 8551): encrypted, or signed inside an envelope the filter does not
 * open. */
static const char *const sealed_types[] = {"multipart/encrypted",
    "application/pkcs7-mime", "application/x-pkcs7-mime",
    "application/pgp-encrypted", NULL};

/* is_sealed - type (lower case) is one of sealed_types */
static int
is_sealed(const char *type)
{
	size_t k;

	for (k = 0; sealed_types[k] != NULL; k++)
		if (strcmp(type, sealed_types[k]) == 0)
			return 1;
	return 0;
}

/* unopened - a part the walk does not read although it says what it
 * holds: sealed content, or an attached message in a transfer encoding
 * (GMime then keeps it as one opaque part); a finding, not silence */
static void
unopened(struct content *c, GMimeObject *obj, long i)
{
	const char *t = c->parts[i].type;
	char label[CONTENT_FINDING_BYTES];

	if (is_sealed(t))
		finding(c, CONTENT_LIMIT_ENCRYPTED, "%s: encrypted content",
		    part_label(label, sizeof(label), c, i));
	else if (GMIME_IS_PART(obj) &&
	    (strcmp(t, "message/rfc822") == 0 ||
	        strcmp(t, "message/global") == 0 ||
	        strcmp(t, "message/news") == 0))
		finding(c, CONTENT_LIMIT_UNDECODABLE,
		    "%s: an attached message in a transfer encoding",
		    part_label(label, sizeof(label), c, i));
	else if (strcmp(t, "message/partial") == 0)
		finding(c, CONTENT_LIMIT_UNDECODABLE,
		    "%s: one fragment of a message sent in pieces",
		    part_label(label, sizeof(label), c, i));
}

/* face_text - a multipart's preamble or epilogue, which mail programs
 * do not show but a reader of the source does: read as text too */
static int
face_text(struct content *c, const char *face)
{
	struct buf t;
	size_t room = bytes_left(c);
	int r;

	if (face == NULL || *face == '\0')
		return 0;
	if (room == 0) {
		finding(c, CONTENT_LIMIT_BYTES,
		    "a multipart's preamble or epilogue: the text of the "
		    "message passed %d bytes",
		    BOUND_MIME_TEXT_BYTES);
		return 0;
	}
	buf_init(&t, room);
	if ((r = clean(&t, face, strlen(face), 1)) == BUF_TOOBIG)
		finding(c, CONTENT_LIMIT_BYTES,
		    "a multipart's preamble or epilogue after %zu bytes (the "
		    "message's text passed %d bytes)",
		    t.len, BOUND_MIME_TEXT_BYTES);
	if (r == BUF_NOMEM ||
	    text_add(c, &t, -1, "", CONTENT_KIND_TEXT) == -1) {
		buf_free(&t);
		return -1;
	}
	buf_free(&t);
	return 0;
}

/* walk - list obj and what it holds, reading the text parts */
static int
walk(struct content *c, GMimeObject *obj, int depth)
{
	GMimeMultipart *mp;
	GMimeMessage *inner;
	char label[CONTENT_FINDING_BYTES];
	long i;
	int k, n;

	if (obj == NULL)
		return 0;
	if (c->nparts >= BOUND_MIME_PARTS) {
		if (!(c->limits & CONTENT_LIMIT_PARTS))
			finding(c, CONTENT_LIMIT_PARTS,
			    "the parts after the first %d", BOUND_MIME_PARTS);
		c->limits |= CONTENT_LIMIT_PARTS;
		return 0;
	}
	if ((i = part_add(c, obj, depth)) == -1)
		return -1;
	if (depth > BOUND_MIME_DEPTH) {
		finding(c, CONTENT_LIMIT_DEPTH,
		    "%s and what it holds: nested more than %d deep",
		    part_label(label, sizeof(label), c, i), BOUND_MIME_DEPTH);
		return 0;
	}
	unopened(c, obj, i);
	if (is_sealed(c->parts[i].type))
		return 0;
	if (GMIME_IS_MULTIPART(obj)) {
		mp = GMIME_MULTIPART(obj);
		if (face_text(c, g_mime_multipart_get_prologue(mp)) == -1)
			return -1;
		n = g_mime_multipart_get_count(mp);
		for (k = 0; k < n; k++)
			if (walk(c, g_mime_multipart_get_part(mp, k),
			        depth + 1) == -1)
				return -1;
		return face_text(c, g_mime_multipart_get_epilogue(mp));
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		inner =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		return inner == NULL ?
		    0 :
		    walk(c, g_mime_message_get_mime_part(inner), depth + 1);
	}
	if (!GMIME_IS_PART(obj))
		return 0;
	if (strncmp(c->parts[i].type, "text/", 5) == 0)
		return part_text(c, GMIME_PART(obj), i);
	/* an attached message kept opaque is a finding (unopened()) */
	if (strncmp(c->parts[i].type, "message/", 8) == 0)
		return 0;
	return part_extract(c, GMIME_PART(obj), i);
}

/* ---- building the view -------------------------------------------------- */

/* parser_warning - GMime's warning callback: what other mail programs
 * may read differently is a finding; cosmetic warnings are not */
static void
parser_warning(
    gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct content *c = data;
	const char *what;

	(void)item;
	switch (code) {
	case GMIME_CRIT_NESTING_OVERFLOW:
		finding(c, CONTENT_LIMIT_DEPTH,
		    "parts nested deeper than the MIME parser follows");
		return;
	case GMIME_WARN_INVALID_CONTENT_TYPE:
		what = "an invalid Content-Type";
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
		what = "a multipart that ends inside another";
		break;
	case GMIME_WARN_TRUNCATED_MESSAGE:
		what = "a multipart without its closing boundary";
		break;
	case GMIME_WARN_MALFORMED_MESSAGE:
		what = "a malformed message";
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		what = "an invalid header field name";
		break;
	case GMIME_CRIT_CONFLICTING_HEADER:
		what = "conflicting Content- header fields";
		break;
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		what = "conflicting Content-Type parameters";
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		what = "a multipart without a boundary";
		break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		what = "a part without header or content";
		break;
	default:
		return;
	}
	finding(c, CONTENT_LIMIT_MALFORMED,
	    "the MIME structure near byte %jd is ambiguous: %s",
	    (intmax_t)offset, what);
}

/* head_build - the header fields of msg as "Name: value\r\n" lines and
 * the blank line that ends them */
static int
head_build(struct content *c)
{
	const char *name, *value;
	size_t i;

	buf_init(&c->head, SIZE_MAX / 2);
	for (i = 0; i < message_header_count(c->msg); i++) {
		message_header(c->msg, i, &name, &value);
		if (buf_puts(&c->head, name) != BUF_OK ||
		    buf_puts(&c->head, ": ") != BUF_OK ||
		    buf_puts(&c->head, value) != BUF_OK ||
		    buf_puts(&c->head, "\r\n") != BUF_OK)
			return -1;
	}
	return buf_puts(&c->head, "\r\n") == BUF_OK ? 0 : -1;
}

/* parse - run GMime's parser over the message and walk its tree */
static int
parse(struct content *c)
{
	GMimeParserOptions *opt;
	GMimeParser *parser;
	GMimeMessage *m;
	GMimeStream *s;
	int rc;

	mime_init();
	(void)pthread_once(&body_stream_once, body_stream_register);
	opt = header_options();
	g_mime_parser_options_set_warning_callback(opt, parser_warning, c);
	s = body_stream_new(c, 1, 0, -1);
	parser = g_mime_parser_new_with_stream(s);
	g_mime_parser_set_persist_stream(parser, TRUE);
	m = g_mime_parser_construct_message(parser, opt);
	g_object_unref(parser);
	rc = c->io_errno != 0 ? -1 : 0;
	if (rc == 0 && m == NULL)
		finding(c, CONTENT_LIMIT_MALFORMED,
		    "the message: the MIME parser could not read it");
	if (rc == 0 && m != NULL)
		rc = walk(c, g_mime_message_get_mime_part(m), 1);
	if (m != NULL)
		g_object_unref(m);
	g_object_unref(s);
	g_mime_parser_options_free(opt);
	if (c->io_errno != 0) {
		errno = c->io_errno;
		return -1;
	}
	return rc;
}

int
content_build(struct content **out, const struct message *msg)
{
	struct content *c;
	char more[64];
	int saved;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->msg = msg;
	if (head_build(c) == -1) {
		content_free(c);
		errno = ENOMEM;
		return -1;
	}
	c->total = c->head.len + message_body_size(msg);
	if (!message_body_complete(msg))
		finding(c, CONTENT_LIMIT_BYTES,
		    "the body after byte %ju (not stored)",
		    (uintmax_t)message_body_size(msg));
	if (parse(c) == -1 || c->oom) {
		saved = c->oom ? ENOMEM : errno;
		content_free(c);
		errno = saved;
		return -1;
	}
	if (c->more > 0) {
		/* the last line counts the ones not listed */
		free(c->findings[--c->nfindings]);
		(void)snprintf(more, sizeof(more), "%zu more", c->more + 1);
		finding(c, 0, "%s", more);
		if (c->oom) {
			content_free(c);
			errno = ENOMEM;
			return -1;
		}
	}
	buf_free(&c->head);
	*out = c;
	return 0;
}

void
content_free(struct content *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfindings; i++)
		free(c->findings[i]);
	for (i = 0; i < c->nparts; i++) {
		free(c->parts[i].type);
		free(c->parts[i].filename);
	}
	for (i = 0; i < c->ntexts; i++) {
		free(c->texts[i].text);
		free(c->texts[i].name);
	}
	for (i = 0; i < c->nmembers; i++)
		free(c->members[i].path);
	free(c->members);
	free(c->findings);
	free(c->parts);
	free(c->texts);
	buf_free(&c->head);
	free(c);
}

/* ---- readers ------------------------------------------------------------ */

unsigned
content_limits(const struct content *c)
{
	return c->limits;
}

size_t
content_finding_count(const struct content *c)
{
	return c->nfindings;
}

const char *
content_finding(const struct content *c, size_t i)
{
	return i < c->nfindings ? c->findings[i] : NULL;
}

size_t
content_text_count(const struct content *c)
{
	return c->ntexts;
}

const char *
content_text(const struct content *c, size_t i, size_t *len)
{
	if (i >= c->ntexts)
		return NULL;
	if (len != NULL)
		*len = c->texts[i].len;
	return c->texts[i].text;
}

long
content_text_part(const struct content *c, size_t i)
{
	return i < c->ntexts ? c->texts[i].part : -1;
}

const char *
content_text_name(const struct content *c, size_t i)
{
	return i < c->ntexts ? c->texts[i].name : NULL;
}

enum content_kind
content_text_kind(const struct content *c, size_t i)
{
	return i < c->ntexts ? c->texts[i].kind : CONTENT_KIND_OTHER;
}

int
content_text_attached(const struct content *c, size_t i)
{
	return i < c->ntexts ? c->texts[i].attached : -1;
}

enum content_kind
content_part_kind(const struct content *c, size_t i)
{
	return i < c->nparts ? c->parts[i].kind : CONTENT_KIND_OTHER;
}

uint64_t
content_part_decoded(const struct content *c, size_t i)
{
	return i < c->nparts ? c->parts[i].decoded : 0;
}

size_t
content_member_count(const struct content *c)
{
	return c->nmembers;
}

int
content_member(const struct content *c, size_t i, long *part, const char **path,
    enum content_kind *kind, uint64_t *size)
{
	const struct content_member *m;

	if (i >= c->nmembers)
		return -1;
	m = &c->members[i];
	if (part != NULL)
		*part = m->part;
	if (path != NULL)
		*path = m->path;
	if (kind != NULL)
		*kind = m->kind;
	if (size != NULL)
		*size = m->size;
	return 0;
}

const char *
content_kind_name(enum content_kind kind)
{
	return (size_t)kind < NKINDS ? kind_names[kind] : NULL;
}

int
content_kind_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NKINDS; i++)
		if (strcmp(kind_names[i], name) == 0)
			return (int)i;
	return -1;
}

size_t
content_part_count(const struct content *c)
{
	return c->nparts;
}

int
content_part(const struct content *c, size_t i, const char **type,
    const char **filename, uint64_t *size, int *depth, int *attachment)
{
	const struct content_part *p;

	if (i >= c->nparts)
		return -1;
	p = &c->parts[i];
	if (type != NULL)
		*type = p->type;
	if (filename != NULL)
		*filename = p->filename;
	if (size != NULL)
		*size = p->size;
	if (depth != NULL)
		*depth = p->depth;
	if (attachment != NULL)
		*attachment = p->attachment;
	return 0;
}

const char *
content_limit_name(unsigned flag)
{
	size_t i;

	for (i = 0; i < NLIMITS; i++)
		if (content_limit_names[i].flag == flag)
			return content_limit_names[i].name;
	return NULL;
}

unsigned
content_limit_flag(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NLIMITS; i++)
		if (strcmp(content_limit_names[i].name, name) == 0)
			return content_limit_names[i].flag;
	return 0;
}
