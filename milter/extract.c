/*
 * extract.c - text from an attachment's decoded bytes: sniffing, text,
 * zip archives, and the dispatch to the office and PDF readers
 *
 * The kind comes from the bytes: magic numbers for images, PDF and zip
 * (a zip is opened to tell an office document from an archive), then a
 * look at every byte for text. A declared type or a name never makes an
 * image or a text of something else: an XLSX sent as image/png is still
 * read, a PNG sent as text/plain is still an image.
 *
 * Archives are read from memory with libzip, one member at a time,
 * each inflated under the ratio and the message's inflated bytes
 * (x_member), counting the bytes really produced rather than trusting
 * the sizes the archive declares.
 */
#include "autoconf.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

#include "bounds.h"
#include "buf.h"
#include "extract.h"
#include "extract/extract_int.h"
#include "html.h"
#include "utf8.h"

/* One finding's text. */
#define X_FINDING_BYTES 512
/* A chunk inflated at a time. */
#define X_CHUNK 16384
/* An archive member's path, inside its attachment. */
#define X_PATH_BYTES 1024

/* ---- findings and text ------------------------------------------------- */

int
x_finding(struct xrun *r, unsigned flag, const char *path, const char *fmt, ...)
{
	char what[X_FINDING_BYTES];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return r->sink->finding(r->sink->arg, flag, path, what);
}

int
x_text(struct xrun *r, const char *path, enum content_kind kind,
    const struct buf *t, int truncated)
{
	if (truncated &&
	    x_finding(r, CONTENT_LIMIT_BYTES, path,
	        "the text after %zu bytes (the message's text passed %d bytes)",
	        t->len, BOUND_MIME_TEXT_BYTES) == -1)
		return -1;
	if (t->len == 0)
		return 0;
	r->b->text_room -= t->len < r->b->text_room ? t->len : r->b->text_room;
	return r->sink->text(r->sink->arg, path, kind, t->data, t->len);
}

/* ---- sniffing ----------------------------------------------------------- */

/* has - data starts with the n bytes of magic */
static int
has(const unsigned char *d, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(d, magic, n) == 0;
}

/* le32 - the little-endian 32-bit number at p */
static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* is_bmp - "BM", then a header that only a bitmap has: the size of its
 * info header is one of the six defined ones (so that a text starting
 * "BM" is not taken for one) */
static int
is_bmp(const unsigned char *d, size_t len)
{
	uint32_t h;

	if (!has(d, len, "BM", 2) || len < 18)
		return 0;
	h = le32(d + 14);
	return h == 12 || h == 40 || h == 52 || h == 56 || h == 108 || h == 124;
}

/* is_heif - an ISO media file (ftyp box) whose brand is a still image:
 * HEIC, HEIF, AVIF; a video of the same family is not an image */
static int
is_heif(const unsigned char *d, size_t len)
{
	static const char *const brands[] = {"heic", "heix", "hevc", "hevx",
	    "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif", "avis",
	    NULL};
	size_t k;

	if (len < 12 || memcmp(d + 4, "ftyp", 4) != 0)
		return 0;
	for (k = 0; brands[k] != NULL; k++)
		if (memcmp(d + 8, brands[k], 4) == 0)
			return 1;
	return 0;
}

/* is_image - one of the image formats mail carries, by its magic */
static int
is_image(const unsigned char *d, size_t len)
{
	return has(d, len, "\xff\xd8\xff", 3) ||
	    has(d, len, "\x89PNG\r\n\x1a\n", 8) || has(d, len, "GIF87a", 6) ||
	    has(d, len, "GIF89a", 6) ||
	    (has(d, len, "RIFF", 4) && len >= 12 &&
	        memcmp(d + 8, "WEBP", 4) == 0) ||
	    is_bmp(d, len) || has(d, len, "II*\0", 4) ||
	    has(d, len, "MM\0*", 4) || is_heif(d, len);
}

/* is_pdf - "%PDF-" in the first KB, where PDF readers look for it */
static int
is_pdf(const unsigned char *d, size_t len)
{
	return memmem(d, len < 1024 ? len : 1024, "%PDF-", 5) != NULL;
}

/* Formats known by their magic and not read, for the finding's words. */
static const struct {
	const char *magic;
	size_t n;
	enum content_kind kind;
	const char *what;
} unread_formats[] = {
    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, CONTENT_KIND_OTHER,
        "a legacy Office file"},
    {"Rar!\x1a\x07", 6, CONTENT_KIND_ARCHIVE, "a RAR archive"},
    {"7z\xbc\xaf\x27\x1c", 6, CONTENT_KIND_ARCHIVE, "a 7-Zip archive"},
    {"\x1f\x8b", 2, CONTENT_KIND_ARCHIVE, "a gzip file"},
    {"BZh", 3, CONTENT_KIND_ARCHIVE, "a bzip2 file"},
    {"\xfd"
     "7zXZ",
        5, CONTENT_KIND_ARCHIVE, "an xz file"},
    {"{\\rtf", 5, CONTENT_KIND_OTHER, "an RTF document"},
};

#define NUNREAD (sizeof(unread_formats) / sizeof(unread_formats[0]))

/* unread_format - the entry of unread_formats[] data matches, or -1 */
static int
unread_format(const unsigned char *d, size_t len)
{
	size_t k;

	for (k = 0; k < NUNREAD; k++)
		if (has(d, len, unread_formats[k].magic, unread_formats[k].n))
			return (int)k;
	return -1;
}

/* Text encodings text_kind() tells apart. */
#define TEXT_NO 0
#define TEXT_UTF8 1
#define TEXT_UTF16LE 2
#define TEXT_UTF16BE 3
#define TEXT_8BIT 4 /* read as Windows-1252 */

/* text_kind - whether data is text, and in what: valid UTF-8 without
 * NUL, UTF-16 with a byte order mark, or bytes without NUL of which at
 * most one in twenty is a control character (a CSV in Latin-1) */
static int
text_kind(const unsigned char *d, size_t len)
{
	size_t i, k, ctl = 0, utf8 = 1;

	if (len >= 2 && d[0] == 0xff && d[1] == 0xfe)
		return TEXT_UTF16LE;
	if (len >= 2 && d[0] == 0xfe && d[1] == 0xff)
		return TEXT_UTF16BE;
	for (i = 0; i < len; i += k) {
		k = 1;
		if (d[i] == 0)
			return TEXT_NO;
		if (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' &&
		    d[i] != '\r' && d[i] != '\f')
			ctl++;
		else if (d[i] >= 0x80 && utf8 &&
		    (k = utf8_seq(d + i, len - i, NULL)) == 0) {
			utf8 = 0;
			k = 1;
		}
	}
	if (ctl * 20 > len)
		return TEXT_NO;
	return utf8 ? TEXT_UTF8 : TEXT_8BIT;
}

/* ends_with - name ends with suffix, ignoring case */
static int
ends_with(const char *name, const char *suffix)
{
	size_t n, s = strlen(suffix);

	if (name == NULL || (n = strlen(name)) < s)
		return 0;
	return strcasecmp(name + n - s, suffix) == 0;
}

/* office_kind - an encrypted office document's kind, by its name */
static enum content_kind
office_kind(const char *name)
{
	if (ends_with(name, ".xlsx") || ends_with(name, ".xlsm") ||
	    ends_with(name, ".xls"))
		return CONTENT_KIND_SPREADSHEET;
	if (ends_with(name, ".pptx") || ends_with(name, ".ppt"))
		return CONTENT_KIND_PRESENTATION;
	return CONTENT_KIND_DOCUMENT;
}

/* Office formats by what their zip holds. */
#define ZIP_PLAIN 0
#define ZIP_OOXML 1
#define ZIP_ODF 2

/* odf_kind - the kind an OpenDocument's "mimetype" member names */
static int
odf_kind(zip_t *z, enum content_kind *kind)
{
	static const char prefix[] = "application/vnd.oasis.opendocument.";
	char head[96];
	zip_file_t *f;
	zip_int64_t n;
	zip_int64_t idx = zip_name_locate(z, "mimetype", 0);

	if (idx < 0 || (f = zip_fopen_index(z, (zip_uint64_t)idx, 0)) == NULL)
		return 0;
	n = zip_fread(f, head, sizeof(head) - 1);
	zip_fclose(f);
	if (n <= 0)
		return 0;
	head[n] = '\0';
	if (strncmp(head, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	if (strncmp(head + sizeof(prefix) - 1, "spreadsheet", 11) == 0)
		*kind = CONTENT_KIND_SPREADSHEET;
	else if (strncmp(head + sizeof(prefix) - 1, "text", 4) == 0)
		*kind = CONTENT_KIND_DOCUMENT;
	else if (strncmp(head + sizeof(prefix) - 1, "presentation", 12) == 0)
		*kind = CONTENT_KIND_PRESENTATION;
	else
		return 0;
	return 1;
}

/* zip_kind - what an open zip is: an office document (its kind, and
 * ZIP_OOXML or ZIP_ODF) or an archive (ZIP_PLAIN) */
static int
zip_kind(zip_t *z, enum content_kind *kind)
{
	*kind = CONTENT_KIND_ARCHIVE;
	if (zip_name_locate(z, "xl/workbook.xml", 0) >= 0) {
		*kind = CONTENT_KIND_SPREADSHEET;
		return ZIP_OOXML;
	}
	if (zip_name_locate(z, "word/document.xml", 0) >= 0) {
		*kind = CONTENT_KIND_DOCUMENT;
		return ZIP_OOXML;
	}
	if (zip_name_locate(z, "ppt/presentation.xml", 0) >= 0) {
		*kind = CONTENT_KIND_PRESENTATION;
		return ZIP_OOXML;
	}
	if (odf_kind(z, kind))
		return ZIP_ODF;
	return ZIP_PLAIN;
}

/* zip_from - open data (len bytes, borrowed) as a zip; NULL with the
 * reason in err (zip_error_fini() it) */
static zip_t *
zip_from(const void *data, size_t len, zip_error_t *err)
{
	zip_source_t *src;
	zip_t *z;

	zip_error_init(err);
	if ((src = zip_source_buffer_create(data, len, 0, err)) == NULL)
		return NULL;
	if ((z = zip_open_from_source(src, ZIP_RDONLY, err)) == NULL)
		zip_source_free(src);
	return z;
}

int
extract_text_like(const void *data, size_t len)
{
	return text_kind(data, len) != TEXT_NO;
}

/* is_encrypted_office - an OLE2 compound file holding an
 * "EncryptedPackage" stream: an XLSX, DOCX or PPTX with a password */
static int
is_encrypted_office(const unsigned char *d, size_t len)
{
	static const char stream[] =
	    "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e";

	return has(d, len, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) &&
	    memmem(d, len, stream, sizeof(stream) - 1) != NULL;
}

enum content_kind
extract_sniff(const void *data, size_t len, const char *name, const char *type)
{
	const unsigned char *d = data;
	enum content_kind kind;
	zip_error_t err;
	zip_t *z;
	int k, text;

	if (len == 0)
		return CONTENT_KIND_OTHER;
	/* a magic number that is printable text ("GIF89a", "BM") does not
	 * make a text an image: images are binary */
	text = text_kind(d, len) != TEXT_NO;
	if (!text && is_image(d, len))
		return CONTENT_KIND_IMAGE;
	if (is_pdf(d, len))
		return CONTENT_KIND_PDF;
	if (has(d, len, "PK\3\4", 4) || has(d, len, "PK\5\6", 4)) {
		if ((z = zip_from(data, len, &err)) == NULL) {
			zip_error_fini(&err);
			return CONTENT_KIND_ARCHIVE;
		}
		(void)zip_kind(z, &kind);
		zip_discard(z);
		zip_error_fini(&err);
		return kind;
	}
	if (!text && is_encrypted_office(d, len))
		return office_kind(name);
	if (!text && (k = unread_format(d, len)) >= 0)
		return unread_formats[k].kind;
	if (!text)
		return CONTENT_KIND_OTHER;
	if ((type != NULL && strcmp(type, "text/html") == 0) ||
	    ends_with(name, ".html") || ends_with(name, ".htm"))
		return CONTENT_KIND_HTML;
	return CONTENT_KIND_TEXT;
}

/* ---- text ---------------------------------------------------------------- */

/* cp1252 - Windows-1252's characters at 0x80-0x9f (0: undefined) */
static const uint16_t cp1252[32] = {0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026,
    0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
    0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122,
    0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178};

/* put_cp - one code point as UTF-8 */
static int
put_cp(struct buf *out, uint32_t cp)
{
	char u[3];

	if (cp < 0x80)
		return buf_putc(out, (int)cp);
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return buf_append(out, u, 2);
	}
	u[0] = (char)(0xe0 | cp >> 12);
	u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[2] = (char)(0x80 | (cp & 0x3f));
	return buf_append(out, u, 3);
}

/* from_8bit - Windows-1252 (a superset of ISO-8859-1's printable part)
 * into UTF-8 */
static int
from_8bit(struct buf *out, const unsigned char *d, size_t len)
{
	size_t i;
	uint32_t cp;
	int rc = BUF_OK;

	for (i = 0; i < len && rc == BUF_OK; i++) {
		cp = d[i];
		if (cp >= 0x80 && cp < 0xa0)
			cp =
			    cp1252[cp - 0x80] != 0 ? cp1252[cp - 0x80] : 0xfffd;
		rc = put_cp(out, cp);
	}
	return rc;
}

/* from_utf16 - UTF-16 after its byte order mark into UTF-8 (iconv);
 * a unit it cannot convert becomes U+FFFD */
static int
from_utf16(struct buf *out, const unsigned char *d, size_t len, int big)
{
	char tmp[4096], *ip = (char *)(uintptr_t)(d + 2), *op;
	size_t il = len - 2, ol, r;
	iconv_t cd;
	int rc = BUF_OK;

	if ((cd = iconv_open("UTF-8", big ? "UTF-16BE" : "UTF-16LE")) ==
	    (iconv_t)-1)
		return BUF_NOMEM;
	while (il > 0 && rc == BUF_OK) {
		op = tmp;
		ol = sizeof(tmp);
		r = iconv(cd, &ip, &il, &op, &ol);
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = buf_append(out, tmp, (size_t)(op - tmp));
			if (rc == BUF_OK)
				rc = buf_puts(out, "\xef\xbf\xbd");
			r = il < 2 ? il : 2;
			ip += r;
			il -= r;
			continue;
		}
		rc = buf_append(out, tmp, (size_t)(op - tmp));
	}
	(void)iconv_close(cd);
	return rc;
}

/* read_text - an attachment that is text: as UTF-8, UTF-16 or
 * Windows-1252; HTML reduced to its text */
static int
read_text(struct xrun *r, const unsigned char *d, size_t len, const char *path,
    enum content_kind kind)
{
	size_t room = r->b->text_room;
	struct buf t, h;
	int rc, truncated, tk = text_kind(d, len);

	if (tk == TEXT_UTF16LE || tk == TEXT_UTF16BE) {
		buf_init(&t, room * 2 + 16);
		rc = from_utf16(&t, d, len, tk == TEXT_UTF16BE);
	} else if (tk == TEXT_8BIT) {
		buf_init(&t, room);
		rc = from_8bit(&t, d, len);
	} else {
		buf_init(&t, room);
		rc = buf_append(&t, d, len < room ? len : room);
		if (rc == BUF_OK && len > room)
			rc = BUF_TOOBIG;
	}
	if (rc == BUF_NOMEM) {
		buf_free(&t);
		errno = ENOMEM;
		return -1;
	}
	truncated = rc == BUF_TOOBIG || t.len > room;
	if (t.len > room) {
		/* UTF-16 read past the room: cut at a character */
		t.len = room;
		while (
		    t.len > 0 && ((unsigned char)t.data[t.len] & 0xc0) == 0x80)
			t.len--;
		t.data[t.len] = '\0';
	}
	if (kind == CONTENT_KIND_HTML) {
		buf_init(&h, room);
		if (html_text(&h, t.data != NULL ? t.data : "", t.len) == -1) {
			buf_free(&t);
			buf_free(&h);
			return -1;
		}
		buf_free(&t);
		t = h;
		truncated |= t.len >= room;
	}
	rc = x_text(r, path, kind, &t, truncated);
	buf_free(&t);
	return rc;
}

/* ---- zip archives -------------------------------------------------------- */

/* zip_problem - the finding for a member libzip would not read */
static int
zip_problem(struct xrun *r, const char *path, int code)
{
	if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD ||
	    code == ZIP_ER_ENCRNOTSUPP)
		return x_finding(r, CONTENT_LIMIT_ENCRYPTED, path, "encrypted");
	if (code == ZIP_ER_COMPNOTSUPP)
		return x_finding(r, CONTENT_LIMIT_UNREAD, path,
		    "compressed with a method the filter does not read");
	zip_error_t err;
	int rc;

	zip_error_init_with_code(&err, code);
	rc = x_finding(r, CONTENT_LIMIT_UNDECODABLE, path,
	    "a damaged archive member (%s)", zip_error_strerror(&err));
	zip_error_fini(&err);
	return rc;
}

/* member_cap - how much member st may inflate to: the message's
 * inflated bytes left, the ratio past its floor, and one byte more than
 * it declares (to catch a member that lies); *why says which is least */
static uint64_t
member_cap(const struct xrun *r, const zip_stat_t *st, int *why)
{
	uint64_t cap = BOUND_EXTRACT_INFLATED_BYTES - r->b->inflated, ratio;

	*why = 0;
	if ((st->valid & ZIP_STAT_COMP_SIZE)) {
		ratio = st->comp_size * BOUND_EXTRACT_RATIO;
		if (ratio < BOUND_EXTRACT_RATIO_FLOOR)
			ratio = BOUND_EXTRACT_RATIO_FLOOR;
		if (ratio < cap) {
			cap = ratio;
			*why = 1;
		}
	}
	if ((st->valid & ZIP_STAT_SIZE) && st->size < cap) {
		cap = st->size + 1;
		*why = 2;
	}
	return cap;
}

/* cap_finding - the finding for a member that passed its cap */
static int
cap_finding(struct xrun *r, const char *path, int why, uint64_t at)
{
	if (why == 1)
		return x_finding(r, CONTENT_LIMIT_BYTES, path,
		    "inflates more than %d times its compressed size (a zip "
		    "bomb?) after %ju bytes",
		    BOUND_EXTRACT_RATIO, (uintmax_t)at);
	if (why == 2)
		return x_finding(r, CONTENT_LIMIT_UNDECODABLE, path,
		    "inflates to more than the size it declares");
	return x_finding(r, CONTENT_LIMIT_BYTES, path,
	    "the attachments of the message inflate to more than %d bytes",
	    BOUND_EXTRACT_INFLATED_BYTES);
}

int
x_member(struct xrun *r, zip_t *z, zip_uint64_t idx, const char *path,
    struct buf *out)
{
	char chunk[X_CHUNK];
	zip_stat_t st;
	zip_file_t *f;
	zip_int64_t n = 0;
	uint64_t cap;
	int why, rc = 0;

	buf_init(out, 0);
	zip_stat_init(&st);
	if (zip_stat_index(z, idx, 0, &st) == -1)
		return zip_problem(r, path,
		           zip_error_code_zip(zip_get_error(z))) == -1 ?
		    -1 :
		    1;
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE)
		return x_finding(r, CONTENT_LIMIT_ENCRYPTED, path,
		           "encrypted") == -1 ?
		    -1 :
		    1;
	cap = member_cap(r, &st, &why);
	/* a declared size past the cap is refused before inflating */
	if ((st.valid & ZIP_STAT_SIZE) && st.size >= cap && why != 2)
		return cap_finding(r, path, why, cap) == -1 ? -1 : 1;
	if ((f = zip_fopen_index(z, idx, 0)) == NULL)
		return zip_problem(r, path,
		           zip_error_code_zip(zip_get_error(z))) == -1 ?
		    -1 :
		    1;
	buf_init(out, cap > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)cap);
	for (;;) {
		if ((n = zip_fread(f, chunk, sizeof(chunk))) < 0) {
			rc = zip_problem(
			    r, path, zip_error_code_zip(zip_file_get_error(f)));
			break;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > cap - out->len) {
			rc = cap_finding(r, path, why, out->len + (uint64_t)n);
			break;
		}
		if (buf_append(out, chunk, (size_t)n) != BUF_OK) {
			rc = -1;
			break;
		}
		r->b->inflated += (uint64_t)n;
	}
	zip_fclose(f);
	if (rc == 0 && n == 0)
		return 0;
	buf_free(out);
	if (rc == -1)
		errno = ENOMEM;
	return rc == -1 ? -1 : 1;
}

static int read_any(struct xrun *r, const void *data, size_t len,
    const char *path, const char *name, const char *type,
    enum content_kind *kind);

/* join - "dir/name" (or name alone) into dst, cut to its size */
static const char *
join(char *dst, size_t size, const char *dir, const char *name)
{
	if (dir[0] == '\0')
		(void)snprintf(dst, size, "%s", name);
	else
		(void)snprintf(dst, size, "%s/%s", dir, name);
	return dst;
}

int
x_file(struct xrun *r, const void *data, size_t len, const char *path,
    const char *name)
{
	enum content_kind kind;

	if (read_any(r, len > 0 ? data : "", len, path, name, NULL, &kind) ==
	    -1)
		return -1;
	if (r->sink->member != NULL &&
	    r->sink->member(r->sink->arg, path, kind, len) == -1)
		return -1;
	return 0;
}

/* read_archive - every member of a plain zip, each read as an
 * attachment of its own, one level deeper */
static int
read_archive(struct xrun *r, zip_t *z, const char *path)
{
	char sub[X_PATH_BYTES];
	zip_int64_t count = zip_get_num_entries(z, 0);
	zip_uint64_t i, n;
	struct buf m;
	const char *name;
	int rc;

	n = count < 0 ? 0 : (zip_uint64_t)count;
	if (n > BOUND_EXTRACT_ENTRIES) {
		if (x_finding(r, CONTENT_LIMIT_PARTS, path,
		        "the members after the first %d (of %ju)",
		        BOUND_EXTRACT_ENTRIES, (uintmax_t)n) == -1)
			return -1;
		n = BOUND_EXTRACT_ENTRIES;
	}
	for (i = 0; i < n; i++) {
		if ((name = zip_get_name(z, i, ZIP_FL_ENC_GUESS)) == NULL)
			name = "?";
		if (name[0] != '\0' && name[strlen(name) - 1] == '/')
			continue; /* a folder */
		join(sub, sizeof(sub), path, name);
		if ((rc = x_member(r, z, i, sub, &m)) == -1)
			return -1;
		if (rc == 1)
			continue;
		rc = x_file(r, m.data, m.len, sub, name);
		buf_free(&m);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* read_zip - a zip: an office document or an archive (its kind in
 * *kind) */
static int
read_zip(struct xrun *r, const void *data, size_t len, const char *path,
    enum content_kind *kind)
{
	zip_error_t err;
	zip_t *z;
	int rc, what;

	if (r->depth >= BOUND_EXTRACT_DEPTH)
		return x_finding(r, CONTENT_LIMIT_DEPTH, path,
		    "archives nested more than %d deep", BOUND_EXTRACT_DEPTH);
	if ((z = zip_from(data, len, &err)) == NULL) {
		rc = zip_error_code_zip(&err) == ZIP_ER_MEMORY ?
		    -1 :
		    x_finding(r, CONTENT_LIMIT_UNDECODABLE, path,
		        "a damaged zip archive (%s)", zip_error_strerror(&err));
		zip_error_fini(&err);
		return rc;
	}
	zip_error_fini(&err);
	r->depth++;
	what = zip_kind(z, kind);
	if (what == ZIP_PLAIN)
		rc = read_archive(r, z, path);
	else
		rc = office_read(r, z, path, *kind, what == ZIP_ODF);
	r->depth--;
	zip_discard(z);
	return rc;
}

/* looks_signature - a detached S/MIME signature (DER), which holds no
 * text to read */
static int
looks_signature(const unsigned char *d, size_t len, const char *type)
{
	return type != NULL &&
	    (strcmp(type, "application/pkcs7-signature") == 0 ||
	        strcmp(type, "application/x-pkcs7-signature") == 0) &&
	    len > 0 && d[0] == 0x30;
}

/* read_any - one file, the attachment or a member: sniff and read */
static int
read_any(struct xrun *r, const void *data, size_t len, const char *path,
    const char *name, const char *type, enum content_kind *kind)
{
	const unsigned char *d = data;
	int k, text;

	*kind = CONTENT_KIND_OTHER;
	if (len == 0)
		return 0;
	text = text_kind(d, len) != TEXT_NO;
	if (!text && is_image(d, len)) {
		*kind = CONTENT_KIND_IMAGE;
		return 0;
	}
	if (is_pdf(d, len)) {
		*kind = CONTENT_KIND_PDF;
		return pdf_read(r, data, len, path);
	}
	if (has(d, len, "PK\3\4", 4) || has(d, len, "PK\5\6", 4)) {
		*kind = CONTENT_KIND_ARCHIVE;
		return read_zip(r, data, len, path, kind);
	}
	if (!text && is_encrypted_office(d, len)) {
		*kind = office_kind(name);
		return x_finding(r, CONTENT_LIMIT_ENCRYPTED, path,
		    "an encrypted Office document");
	}
	if (!text && (k = unread_format(d, len)) >= 0) {
		*kind = unread_formats[k].kind;
		return x_finding(r, CONTENT_LIMIT_UNREAD, path,
		    "%s, a format the filter does not read",
		    unread_formats[k].what);
	}
	if (!text) {
		if (looks_signature(d, len, type))
			return 0;
		return x_finding(r, CONTENT_LIMIT_UNREAD, path,
		    "a format the filter does not read");
	}
	*kind = extract_sniff(data, len, name, type);
	if (r->b->text_room == 0)
		return x_finding(r, CONTENT_LIMIT_BYTES, path,
		    "the text of the message passed %d bytes",
		    BOUND_MIME_TEXT_BYTES);
	return read_text(r, d, len, path, *kind);
}

int
extract(enum content_kind *kind, const struct extract_sink *sink,
    struct extract_budget *b, const void *data, size_t len, const char *name,
    const char *type)
{
	struct xrun r = {sink, b, 0};
	enum content_kind k;
	int rc;

	rc = read_any(&r, data, len, "", name, type, &k);
	if (kind != NULL)
		*kind = k;
	return rc;
}

const char *
extract_pdftext_path(void)
{
	const char *p = getenv("GUARDIAN_PDFTEXT");

	return p != NULL && *p != '\0' ? p : PDFTEXT_PATH;
}
