/*
 * content.h - the MIME view of a message: its decoded text and its parts
 *
 * Built from the message model (header fields and the stored body, read
 * through message_body_read(), so a spooled body stays on disk) with
 * GMime's parser: nested multiparts and message/rfc822 parts, base64,
 * quoted-printable and uuencoded content, RFC 2047 encoded words and
 * RFC 2231 parameters, charsets converted to UTF-8. Like mime.c, this
 * file keeps GMime and GLib to itself: no GMime type appears here.
 *
 * The view holds:
 *   - the decoded text of every text part (text/plain, text/html reduced
 *     to its text, any other text type), as valid UTF-8: bytes a charset
 *     does not allow become U+FFFD, never trusted as they are;
 *   - every part: its declared type, its file name (decoded), its size
 *     as transmitted, and whether it is an attachment, for the steps
 *     that extract text from attachments;
 *   - findings: what was not inspected and why ("not inspected: part 3
 *     (text/plain): invalid base64"), each with a CONTENT_LIMIT_* flag
 *     that rules see through <limit-exceeded name="mime-...">.
 *
 * Attachments (any part that is not text, and text parts whose bytes
 * are an image, a PDF or a zip) are decoded and read by extract.h:
 * their text joins the view with where it came from (content_text_name(),
 * content_text_kind(), content_text_attached()), the files inside their
 * archives are listed (content_member()), and what could not be read is
 * a finding like any other.
 *
 * Bounds (bounds.h): BOUND_MIME_DEPTH, BOUND_MIME_PARTS,
 * BOUND_MIME_BOUNDARY_LINES, BOUND_MIME_TEXT_BYTES (the text of the
 * message and of its attachments together), BOUND_EXTRACT_* and
 * BOUND_PDF_*. Passing one is a finding; the view keeps what it read
 * before it.
 *
 * Threads: a view has one owner; building views in several threads at
 * once is safe (see mime.h for GMime's set-up, mime_init()).
 */
#ifndef GUARDIAN_CONTENT_H
#define GUARDIAN_CONTENT_H

#include <stddef.h>
#include <stdint.h>

struct message;
struct content;

/* Findings, for <limit-exceeded> rules ("mime-depth" ...). */
/* nested deeper than BOUND_MIME_DEPTH */
#define CONTENT_LIMIT_DEPTH 0x01
/* more than BOUND_MIME_PARTS parts, or BOUND_MIME_BOUNDARY_LINES */
#define CONTENT_LIMIT_PARTS 0x02
/* more text than BOUND_MIME_TEXT_BYTES, or a body not stored */
#define CONTENT_LIMIT_BYTES 0x04
/* a part that could not be decoded as declared */
#define CONTENT_LIMIT_UNDECODABLE 0x08
/* a structure that mail programs may read differently */
#define CONTENT_LIMIT_MALFORMED 0x10
/* S/MIME or PGP content nobody but the recipient can read, or an
 * encrypted archive member or PDF */
#define CONTENT_LIMIT_ENCRYPTED 0x20
/* an attachment in a format the filter does not read (a legacy .doc,
 * RAR, 7-Zip, video; images are not: they are of kind image) */
#define CONTENT_LIMIT_UNREAD 0x40
/* a reader passed its time bound (the PDF reader, BOUND_PDF_SECONDS) */
#define CONTENT_LIMIT_TIME 0x80

/* What a part or a file inside an archive is, by its content (magic
 * bytes), not by what it declares; content_kind_name() gives the names
 * rules use ("text", "html", "spreadsheet", ...). */
enum content_kind {
	CONTENT_KIND_TEXT,
	CONTENT_KIND_HTML,
	CONTENT_KIND_SPREADSHEET,  /* XLSX, ODS */
	CONTENT_KIND_DOCUMENT,     /* DOCX, ODT */
	CONTENT_KIND_PRESENTATION, /* PPTX, ODP */
	CONTENT_KIND_PDF,
	CONTENT_KIND_ARCHIVE,   /* zip, and RAR, 7-Zip, gzip unread */
	CONTENT_KIND_IMAGE,     /* JPEG, PNG, GIF, WebP, BMP, TIFF, HEIF */
	CONTENT_KIND_OTHER,     /* anything else, or nothing */
	CONTENT_KIND_CONTAINER, /* a multipart or message/rfc822 part */
};

/* content_kind_name - "text" ... "container"; NULL for no kind.
 * content_kind_parse - the reverse; -1 for an unknown name. */
const char *content_kind_name(enum content_kind kind);
int content_kind_parse(const char *name);

/*
 * content_build - the MIME view of msg
 *
 * Returns 0 and a new view in *out (release with content_free()), or -1
 * with errno set (ENOMEM, EIO reading the spool) leaving *out untouched.
 * Hostile or broken MIME is never an error: it is a finding. A body the
 * message did not store (message_set_body_count_only(), or past
 * BOUND_BODY_BYTES) is a finding too (mime-bytes), so that a view is
 * never silently empty. msg must not change while the view exists.
 */
int content_build(struct content **out, const struct message *msg);

/* content_free - NULL does nothing */
void content_free(struct content *c);

/* content_limits - the CONTENT_LIMIT_* flags of the findings */
unsigned content_limits(const struct content *c);

/* content_finding_count / content_finding - the findings in the order
 * found, each "not inspected: ..." (printable ASCII and UTF-8, no
 * control characters); NULL past the end. Borrowed until
 * content_free(). At most a few dozen: repeats of one kind are counted,
 * not listed. */
size_t content_finding_count(const struct content *c);
const char *content_finding(const struct content *c, size_t i);

/* content_text_count / content_text - the decoded text of text part i,
 * valid UTF-8 without NUL bytes, *len bytes (NUL-terminated as well);
 * NULL past the end. Borrowed until content_free(). */
size_t content_text_count(const struct content *c);
const char *content_text(const struct content *c, size_t i, size_t *len);

/* content_text_part - the index of the part text i came from, -1 for
 * a multipart's preamble or epilogue (or past the end).
 * content_text_name - where text i came from inside its part: the
 * attachment's file name and the path inside an archive
 * ("class.zip/2b.xlsx"), "" for the message's own text; borrowed until
 * content_free(); NULL past the end.
 * content_text_kind - the kind of the file text i came from.
 * content_text_attached - 1 when text i came from an attachment (a part
 * marked as one, or any part that is not text), 0 for the message's own
 * text, -1 past the end. */
long content_text_part(const struct content *c, size_t i);
const char *content_text_name(const struct content *c, size_t i);
enum content_kind content_text_kind(const struct content *c, size_t i);
int content_text_attached(const struct content *c, size_t i);

/* content_part_count / content_part - part i in document order (the
 * multiparts and message/rfc822 wrappers too): its type
 * ("text/plain", lower case), its file name (UTF-8, "" if none), its
 * content size as transmitted (before decoding), its nesting level (1
 * for the message's own part) and whether it is an attachment. Any
 * out-parameter may be NULL. Returns -1 past the end. */
int content_part(const struct content *c, size_t i, const char **type,
    const char **filename, uint64_t *size, int *depth, int *attachment);
size_t content_part_count(const struct content *c);

/* content_part_kind - part i's kind by its content (multiparts and
 * message/rfc822 parts are CONTENT_KIND_CONTAINER); CONTENT_KIND_OTHER
 * past the end. content_part_decoded - its size decoded (0 for parts
 * not decoded: containers, parts past a bound). */
enum content_kind content_part_kind(const struct content *c, size_t i);
uint64_t content_part_decoded(const struct content *c, size_t i);

/* content_member_count / content_member - file i found inside an
 * attached archive, in the order read: the part it is in, its path
 * ("class.zip/2b.xlsx", the part's file name first), its kind and its
 * size inflated. Any out-parameter may be NULL; -1 past the end. */
size_t content_member_count(const struct content *c);
int content_member(const struct content *c, size_t i, long *part,
    const char **path, enum content_kind *kind, uint64_t *size);

/* content_limit_name - "mime-depth" etc. for one flag; NULL if unknown.
 * content_limit_flag - the reverse; 0 if unknown. */
const char *content_limit_name(unsigned flag);
unsigned content_limit_flag(const char *name);

/*
 * content_header_decode - a header field value as a mail program shows
 * it: RFC 2047 encoded words decoded, raw 8-bit text read as UTF-8 or
 * else ISO-8859-1, all as valid UTF-8 with control characters (a
 * decoded NUL, CR, LF) made spaces. Returns 0 and a new string in *out
 * (free() it), 0 and NULL in *out when decoding cannot change value
 * (plain ASCII without "=?"), or -1 on ENOMEM.
 */
int content_header_decode(char **out, const char *value);

#endif /* GUARDIAN_CONTENT_H */
