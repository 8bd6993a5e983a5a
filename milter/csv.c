/*
 * csv.c - RFC 4180 CSV reader
 *
 * A byte-at-a-time state machine over a refillable input window (a 64 KiB
 * read buffer for files, the caller's block for memory), so memory stays
 * bounded by the record limit whatever the file holds. A record is built
 * in one bounded buffer, each field followed by a NUL, with an offset
 * table beside it. Once a record breaks a rule the reader stops storing
 * but keeps tracking quotes, so it resynchronises on the true end of the
 * record and reports the next record at its real line.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "csv.h"
#include "diag.h"
#include "utf8.h"

#define CSV_READ_CHUNK (64 * 1024)
#define CSV_EOF (-1)
#define CSV_FAIL (-2)

enum csv_state {
	ST_FIELD,      /* at the start of a field */
	ST_PLAIN,      /* inside an unquoted field */
	ST_QUOTED,     /* inside a quoted field */
	ST_QUOTE_SEEN, /* a quote inside a quoted field: end or escape */
};

struct csv {
	char *path;
	struct diag *dg;
	struct csv_limits lim;
	int fd; /* -1 for a memory block */
	const unsigned char *in;
	size_t inpos, inlen;
	unsigned char *rbuf;
	unsigned long long total; /* bytes taken in so far */
	int eof;
	int back[3]; /* bytes pushed back, last one first out */
	size_t nback;
	unsigned long line;

	char **names; /* header cells, trimmed */
	size_t ncols;
	size_t named; /* index of the last named cell + 1 */

	struct buf rec;       /* the fields, each NUL-terminated */
	size_t *off;          /* start of each field in rec */
	unsigned long *fline; /* line each field starts on */
	unsigned char *quoted;
	size_t nf, fcap;
	unsigned long rline;
	int bad; /* the current record has been reported */
};

void
csv_limits_default(struct csv_limits *lim)
{
	lim->field_bytes = BOUND_CSV_FIELD_BYTES;
	lim->record_bytes = BOUND_CSV_RECORD_BYTES;
	lim->fields = BOUND_CSV_FIELDS;
	lim->file_bytes = BOUND_CSV_FILE_BYTES;
}

/* report - add one diagnostic at line:col (col 0: none) */
static void
report(const struct csv *c, int error, unsigned long line, unsigned long col,
    const char *fmt, va_list ap)
{
	char text[BOUND_DIAG_TEXT];

	(void)vsnprintf(text, sizeof(text), fmt, ap);
	if (error)
		diag_error(c->dg, c->path, line, col, "%s", text);
	else
		diag_warn(c->dg, c->path, line, col, "%s", text);
}

/* rec_error - report a problem of the record being read, once */
static void
rec_error(struct csv *c, unsigned long line, size_t field, const char *fmt, ...)
{
	va_list ap;

	if (c->bad)
		return;
	c->bad = 1;
	va_start(ap, fmt);
	report(c, 1, line, field, fmt, ap);
	va_end(ap);
}

void
csv_error(const struct csv *c, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, 1, csv_field_line(c, col),
	    col < 0 ? 0 : (unsigned long)col + 1, fmt, ap);
	va_end(ap);
}

void
csv_warn(const struct csv *c, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, 0, csv_field_line(c, col),
	    col < 0 ? 0 : (unsigned long)col + 1, fmt, ap);
	va_end(ap);
}

/* refill - read the next chunk of a file; 0, CSV_EOF or CSV_FAIL */
static int
refill(struct csv *c)
{
	ssize_t n;

	if (c->fd < 0 || c->eof)
		return CSV_EOF;
	do {
		n = read(c->fd, c->rbuf, CSV_READ_CHUNK);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		diag_error(
		    c->dg, c->path, 0, 0, "read error: %s", strerror(errno));
		return CSV_FAIL;
	}
	if (n == 0) {
		c->eof = 1;
		return CSV_EOF;
	}
	c->in = c->rbuf;
	c->inpos = 0;
	c->inlen = (size_t)n;
	return 0;
}

/* unget - push back a byte read by getbyte (at most three) */
static void
unget(struct csv *c, int ch)
{
	if (ch != CSV_EOF && c->nback < sizeof(c->back) / sizeof(c->back[0]))
		c->back[c->nback++] = ch;
}

/* getbyte - the next input byte, CSV_EOF or CSV_FAIL (reported) */
static int
getbyte(struct csv *c)
{
	int r;

	if (c->nback > 0)
		return c->back[--c->nback];
	if (c->inpos == c->inlen && (r = refill(c)) != 0)
		return r;
	if (c->total >= c->lim.file_bytes) {
		diag_error(c->dg, c->path, 0, 0, "file larger than %llu bytes",
		    c->lim.file_bytes);
		return CSV_FAIL;
	}
	c->total++;
	return c->in[c->inpos++];
}

/* nomem - report running out of memory; CSV_FAIL */
static int
nomem(const struct csv *c)
{
	diag_error(c->dg, c->path, c->line, 0, "out of memory");
	return CSV_FAIL;
}

/* field_begin - start a new field in the current record; 0 or CSV_FAIL */
static int
field_begin(struct csv *c, int quoted)
{
	size_t ncap;
	void *p;

	if (c->nf >= c->lim.fields) {
		/* the record is reported and skipped; nf stays within the
		 * arrays so the rest of the record can still be scanned */
		rec_error(c, c->line, c->nf + 1, "more than %zu fields",
		    c->lim.fields);
		return 0;
	}
	if (c->nf == c->fcap) {
		ncap = c->fcap == 0 ? 32 : c->fcap * 2;
		if (ncap > c->lim.fields)
			ncap = c->lim.fields;
		if ((p = realloc(c->off, ncap * sizeof(*c->off))) == NULL)
			return nomem(c);
		c->off = p;
		if ((p = realloc(c->fline, ncap * sizeof(*c->fline))) == NULL)
			return nomem(c);
		c->fline = p;
		if ((p = realloc(c->quoted, ncap)) == NULL)
			return nomem(c);
		c->quoted = p;
		c->fcap = ncap;
	}
	c->off[c->nf] = c->rec.len;
	c->fline[c->nf] = c->line;
	c->quoted[c->nf] = (unsigned char)quoted;
	c->nf++;
	return 0;
}

/* field_add - append one byte to the current field, within the limits;
 * 0 or CSV_FAIL */
static int
field_add(struct csv *c, int ch)
{
	size_t flen;
	int r;

	if (c->bad)
		return 0;
	flen = c->rec.len - c->off[c->nf - 1];
	if (flen >= c->lim.field_bytes) {
		rec_error(c, c->fline[c->nf - 1], c->nf,
		    "field longer than %zu bytes", c->lim.field_bytes);
		return 0;
	}
	if ((r = buf_putc(&c->rec, ch)) == BUF_TOOBIG) {
		rec_error(c, c->rline, 0, "record longer than %zu bytes",
		    c->lim.record_bytes);
		return 0;
	}
	return r == BUF_OK ? 0 : nomem(c);
}

size_t
csv_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == 0)
			return i;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(s + i, len - i, NULL)) == 0)
			return i;
		i += n;
	}
	return len;
}

/* field_end - close the current field: NUL-terminate and check it;
 * 0 or CSV_FAIL */
static int
field_end(struct csv *c)
{
	size_t start, len, bad;
	const char *s;
	int r;

	if (c->bad)
		return 0;
	start = c->off[c->nf - 1];
	len = c->rec.len - start;
	s = c->rec.data == NULL ? "" : c->rec.data + start;
	if ((bad = csv_utf8_valid(s, len)) < len) {
		if (s[bad] == '\0')
			rec_error(c, c->fline[c->nf - 1], c->nf,
			    "NUL byte at offset %zu of the field", bad + 1);
		else
			rec_error(c, c->fline[c->nf - 1], c->nf,
			    "invalid UTF-8 (byte 0x%02X at offset %zu of the "
			    "field); export the file as UTF-8",
			    (unsigned)(unsigned char)s[bad], bad + 1);
		return 0;
	}
	if ((r = buf_putc(&c->rec, '\0')) == BUF_TOOBIG) {
		rec_error(c, c->rline, 0, "record longer than %zu bytes",
		    c->lim.record_bytes);
		return 0;
	}
	return r == BUF_OK ? 0 : nomem(c);
}

/* line_end - account for a line break whose first byte ch was read;
 * a CR followed by LF is one break. Returns CSV_FAIL or 0. */
static int
line_end(struct csv *c, int ch, int keep)
{
	int next;

	if (keep && field_add(c, ch) < 0)
		return CSV_FAIL;
	if (ch == '\r') {
		if ((next = getbyte(c)) == CSV_FAIL)
			return CSV_FAIL;
		if (next == '\n') {
			if (keep && field_add(c, next) < 0)
				return CSV_FAIL;
		} else
			unget(c, next);
	}
	c->line++;
	return 0;
}

/*
 * read_record - read one record into c->rec
 *
 * Returns 1 with a record (c->bad says whether it was reported), 0 at
 * the end of input, CSV_FAIL on a fatal error (reported, or no memory).
 */
static int
read_record(struct csv *c)
{
	enum csv_state st = ST_FIELD;
	int ch;

	buf_reset(&c->rec);
	c->nf = 0;
	c->bad = 0;
	c->rline = c->line;
	for (;;) {
		if ((ch = getbyte(c)) == CSV_FAIL)
			return CSV_FAIL;
		switch (st) {
		case ST_FIELD:
			if (ch == CSV_EOF && c->nf == 0)
				return 0;
			if (field_begin(c, ch == '"') != 0)
				return CSV_FAIL;
			if (ch == '"') {
				st = ST_QUOTED;
				continue;
			}
			st = ST_PLAIN;
			/* FALLTHROUGH */
		case ST_PLAIN:
			break;
		case ST_QUOTED:
			if (ch == '"')
				st = ST_QUOTE_SEEN;
			else if (ch == CSV_EOF) {
				rec_error(c, c->fline[c->nf - 1], c->nf,
				    "quoted field not closed before the end "
				    "of the file");
				return 1;
			} else if (ch == '\r' || ch == '\n') {
				if (line_end(c, ch, 1) < 0)
					return CSV_FAIL;
			} else if (field_add(c, ch) < 0)
				return CSV_FAIL;
			continue;
		case ST_QUOTE_SEEN:
			if (ch == '"') {
				if (field_add(c, ch) < 0)
					return CSV_FAIL;
				st = ST_QUOTED;
				continue;
			}
			if (ch != ',' && ch != '\r' && ch != '\n' &&
			    ch != CSV_EOF) {
				rec_error(c, c->line, c->nf,
				    "text after the closing quote (a quote "
				    "inside a quoted field must be doubled)");
				st = ST_PLAIN;
			}
			break;
		}
		/* ST_PLAIN, or the end of a quoted field */
		if (ch == ',') {
			if (field_end(c) < 0)
				return CSV_FAIL;
			st = ST_FIELD;
		} else if (ch == '\r' || ch == '\n' || ch == CSV_EOF) {
			if (field_end(c) < 0)
				return CSV_FAIL;
			if (ch != CSV_EOF && line_end(c, ch, 0) < 0)
				return CSV_FAIL;
			return 1;
		} else if (field_add(c, ch) < 0)
			return CSV_FAIL;
	}
}

/* blank_record - a line with nothing on it (one empty unquoted field) */
static int
blank_record(const struct csv *c)
{
	return c->nf == 1 && !c->quoted[0] && c->rec.len == 1;
}

/* trim - the text of s without surrounding blanks, in place */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	return s;
}

/* ascii_casecmp - strcasecmp for ASCII letters only, locale-free */
static int
ascii_casecmp(const char *a, const char *b)
{
	int ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
	} while (ca == cb && ca != '\0');
	return ca - cb;
}

/* read_header - read the first record into c->names */
static int
read_header(struct csv *c)
{
	size_t i, j;
	int r;

	do {
		r = read_record(c);
	} while (r == 1 && !c->bad && blank_record(c));
	if (r == CSV_FAIL)
		return -1;
	if (r == 0) {
		diag_error(c->dg, c->path, 0, 0,
		    "empty file (expected a header line)");
		return -1;
	}
	if (c->bad)
		return -1;
	if ((c->names = calloc(c->nf, sizeof(*c->names))) == NULL)
		return nomem(c);
	c->ncols = c->nf;
	for (i = 0; i < c->nf; i++) {
		if ((c->names[i] = strdup(trim(c->rec.data + c->off[i]))) ==
		    NULL)
			return nomem(c);
		if (c->names[i][0] == '\0')
			continue;
		c->named = i + 1;
		for (j = 0; j < i; j++)
			if (ascii_casecmp(c->names[i], c->names[j]) == 0) {
				diag_error(c->dg, c->path, c->fline[i], i + 1,
				    "duplicate column \"%s\" (also field %zu)",
				    c->names[i], j + 1);
				break;
			}
	}
	return 0;
}

/* start - common part of the two opens: refuse UTF-16, skip a UTF-8
 * byte order mark, read the header */
static int
start(struct csv *c)
{
	int b[3];
	size_t i;

	for (i = 0; i < 3; i++)
		if ((b[i] = getbyte(c)) == CSV_FAIL)
			return -1;
	if ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)) {
		diag_error(c->dg, c->path, 0, 0,
		    "UTF-16 text; export the file as UTF-8");
		return -1;
	}
	if (!(b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf))
		for (i = 3; i > 0; i--)
			unget(c, b[i - 1]);
	return read_header(c) == 0 ? 0 : -1;
}

/* csv_alloc - a reader with its name and limits, no input yet */
static struct csv *
csv_alloc(const char *name, const struct csv_limits *lim, struct diag *dg)
{
	struct csv *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->path = strdup(name)) == NULL) {
		free(c);
		return NULL;
	}
	c->dg = dg;
	if (lim != NULL)
		c->lim = *lim;
	else
		csv_limits_default(&c->lim);
	/* room for one byte in one field, and its NUL */
	if (c->lim.fields < 1)
		c->lim.fields = 1;
	if (c->lim.field_bytes < 1)
		c->lim.field_bytes = 1;
	if (c->lim.record_bytes < 2)
		c->lim.record_bytes = 2;
	c->fd = -1;
	c->line = 1;
	buf_init(&c->rec, c->lim.record_bytes);
	return c;
}

int
csv_open(struct csv **out, const char *path, const struct csv_limits *lim,
    struct diag *dg)
{
	struct csv *c;

	if ((c = csv_alloc(path, lim, dg)) == NULL ||
	    (c->rbuf = malloc(CSV_READ_CHUNK)) == NULL) {
		diag_error(dg, path, 0, 0, "out of memory");
		csv_free(c);
		return -1;
	}
	if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		diag_error(dg, path, 0, 0, "cannot open: %s", strerror(errno));
		csv_free(c);
		return -1;
	}
	if (start(c) < 0) {
		csv_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int
csv_open_mem(struct csv **out, const char *name, const void *data, size_t len,
    const struct csv_limits *lim, struct diag *dg)
{
	struct csv *c;

	if ((c = csv_alloc(name, lim, dg)) == NULL) {
		diag_error(dg, name, 0, 0, "out of memory");
		return -1;
	}
	c->in = data;
	c->inlen = len;
	c->eof = 1;
	if (start(c) < 0) {
		csv_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
csv_free(struct csv *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->fd >= 0)
		(void)close(c->fd);
	for (i = 0; i < c->ncols; i++)
		free(c->names[i]);
	free(c->names);
	free(c->rbuf);
	free(c->off);
	free(c->fline);
	free(c->quoted);
	buf_free(&c->rec);
	free(c->path);
	free(c);
}

int
csv_fstat(const struct csv *c, struct stat *st)
{
	if (c->fd < 0) {
		errno = EINVAL;
		return -1;
	}
	return fstat(c->fd, st);
}

const char *
csv_path(const struct csv *c)
{
	return c->path;
}

size_t
csv_columns(const struct csv *c)
{
	return c->ncols;
}

const char *
csv_column_name(const struct csv *c, size_t i)
{
	return i < c->ncols && c->names[i] != NULL ? c->names[i] : "";
}

int
csv_find(const struct csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ncols && i < (size_t)INT32_MAX; i++)
		if (c->names[i][0] != '\0' &&
		    ascii_casecmp(c->names[i], name) == 0)
			return (int)i;
	return -1;
}

int
csv_require(const struct csv *c, const char *name)
{
	int col;

	if ((col = csv_find(c, name)) < 0)
		diag_error(c->dg, c->path, 1, 0,
		    "missing required column \"%s\"", name);
	return col;
}

/* check_width - the record's field count against the header's */
static void
check_width(struct csv *c)
{
	size_t i;

	if (c->nf < c->named) {
		rec_error(c, c->rline, 0,
		    "record has %zu field%s, the header has %zu", c->nf,
		    c->nf == 1 ? "" : "s", c->named);
		return;
	}
	for (i = c->ncols; i < c->nf; i++)
		if (c->rec.data[c->off[i]] != '\0') {
			rec_error(c, c->fline[i], i + 1,
			    "record has %zu fields, the header has %zu", c->nf,
			    c->ncols);
			return;
		}
}

int
csv_next(struct csv *c)
{
	int r;

	for (;;) {
		if (diag_full(c->dg))
			return -1;
		if ((r = read_record(c)) == CSV_FAIL)
			return -1;
		if (r == 0)
			return 0;
		if (!c->bad && blank_record(c))
			continue;
		if (!c->bad)
			check_width(c);
		if (!c->bad)
			return 1;
	}
}

unsigned long
csv_line(const struct csv *c)
{
	return c->rline;
}

const char *
csv_get(const struct csv *c, int col)
{
	if (col < 0 || (size_t)col >= c->nf || c->rec.data == NULL)
		return "";
	return c->rec.data + c->off[col];
}

size_t
csv_get_len(const struct csv *c, int col)
{
	return strlen(csv_get(c, col));
}

unsigned long
csv_field_line(const struct csv *c, int col)
{
	if (col < 0 || (size_t)col >= c->nf)
		return c->rline;
	return c->fline[col];
}
