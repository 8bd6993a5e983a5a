/*
 * test_content.c - the MIME view: decoded text of base64, quoted-
 * printable and HTML parts, nested multiparts and message/rfc822,
 * charsets (lying and unknown ones), decoded header fields and file
 * names, and the findings for what could not be inspected (invalid
 * base64, nesting, part count, text bytes, a body not stored)
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "content.h"
#include "html.h"
#include "message.h"
#include "testutil.h"
#include "utf8.h"

/* parse - a message from raw text (LF line ends), as guardianctl reads
 * one; NULL on failure */
static struct message *
parse(const char *raw, size_t len)
{
	struct message *msg = message_new(testutil_tmpdir());
	FILE *fp = fmemopen((void *)(uintptr_t)raw, len, "r");

	if (msg == NULL || fp == NULL || message_parse(msg, fp) != 0) {
		if (fp != NULL)
			fclose(fp);
		message_free(msg);
		return NULL;
	}
	fclose(fp);
	return msg;
}

/* view - the MIME view of raw; fails the test if it cannot be built */
static struct content *
view(struct message **msgp, const char *raw)
{
	struct content *c = NULL;

	*msgp = parse(raw, strlen(raw));
	CU_ASSERT_FATAL(*msgp != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, *msgp), 0);
	return c;
}

/* has_text - 1 if some text part contains needle */
static int
has_text(const struct content *c, const char *needle)
{
	const char *t;
	size_t i, len;

	for (i = 0; (t = content_text(c, i, &len)) != NULL; i++)
		if (strstr(t, needle) != NULL)
			return 1;
	return 0;
}

/* has_finding - 1 if some finding contains needle */
static int
has_finding(const struct content *c, const char *needle)
{
	const char *f;
	size_t i;

	for (i = 0; (f = content_finding(c, i)) != NULL; i++)
		if (strstr(f, needle) != NULL)
			return 1;
	return 0;
}

/* all_utf8 - every text is valid UTF-8 without NUL or control bytes
 * other than TAB, CR and LF */
static int
all_utf8(const struct content *c)
{
	const unsigned char *t;
	size_t i, j, len, k;

	for (i = 0;
	     (t = (const unsigned char *)content_text(c, i, &len)) != NULL;
	     i++) {
		for (j = 0; j < len; j += k) {
			k = 1;
			if (t[j] >= 0x80 &&
			    (k = utf8_seq(t + j, len - j, NULL)) == 0)
				return 0;
			if (t[j] < 0x20 && t[j] != '\t' && t[j] != '\r' &&
			    t[j] != '\n')
				return 0;
		}
	}
	return 1;
}

#define HDR "From: a@district.example\nTo: p@gmail.example\nSubject: x\n"

static void
content_decodes_a_base64_body(void)
{
	struct message *msg;
	struct content *c = view(&msg,
	    HDR "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "U2FtJ3MgZ3JhZGVzIGZvciB0aGUgdGVybTogQSwgQi0u\n");

	CU_ASSERT_EQUAL(content_text_count(c), 1);
	CU_ASSERT(has_text(c, "Sam's grades for the term: A, B-."));
	CU_ASSERT_EQUAL(content_limits(c), 0);
	CU_ASSERT_EQUAL(content_finding_count(c), 0);
	content_free(c);
	message_free(msg);
}

static void
content_decodes_quoted_printable_with_soft_breaks(void)
{
	struct message *msg;
	struct content *c = view(&msg,
	    HDR "Content-Type: text/plain; charset=utf-8\n"
	        "Content-Transfer-Encoding: quoted-printable\n\n"
	        "Zeugnis f=C3=BCr Sam: his re=\nport card is ready.\n");

	CU_ASSERT(has_text(c, "Zeugnis f\xc3\xbcr Sam: his report card"));
	CU_ASSERT_EQUAL(content_limits(c), 0);
	content_free(c);
	message_free(msg);
}

static void
content_walks_nested_multiparts(void)
{
	struct message *msg;
	const char *type, *fn;
	uint64_t size;
	int depth, att;
	struct content *c = view(&msg,
	    HDR "MIME-Version: 1.0\n"
	        "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
	        "preamble\n--outer\n"
	        "Content-Type: multipart/alternative; boundary=inner\n\n"
	        "--inner\nContent-Type: text/plain\n\nplain grades\n"
	        "--inner\nContent-Type: text/html\n\n<p>html grades</p>\n"
	        "--inner--\n"
	        "--outer\nContent-Type: application/pdf; "
	        "name=\"r.pdf\"\nContent-Disposition: attachment; "
	        "filename*=utf-8''Zeugnis%20f%C3%BCr%20Sam.pdf\n"
	        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
	        "--outer--\n");

	CU_ASSERT_EQUAL(content_part_count(c), 5);
	/* the preamble mail programs hide is read too */
	CU_ASSERT_EQUAL(content_text_count(c), 3);
	CU_ASSERT(has_text(c, "preamble"));
	CU_ASSERT(has_text(c, "plain grades"));
	CU_ASSERT(has_text(c, "html grades"));
	CU_ASSERT_FALSE(has_text(c, "<p>"));
	CU_ASSERT_EQUAL(content_part(c, 0, &type, NULL, NULL, &depth, NULL), 0);
	CU_ASSERT_STRING_EQUAL(type, "multipart/mixed");
	CU_ASSERT_EQUAL(depth, 1);
	CU_ASSERT_EQUAL(content_part(c, 3, &type, NULL, NULL, &depth, NULL), 0);
	CU_ASSERT_STRING_EQUAL(type, "text/html");
	CU_ASSERT_EQUAL(depth, 3);
	CU_ASSERT_EQUAL(content_part(c, 4, &type, &fn, &size, &depth, &att), 0);
	CU_ASSERT_STRING_EQUAL(type, "application/pdf");
	CU_ASSERT_STRING_EQUAL(fn, "Zeugnis f\xc3\xbcr Sam.pdf");
	CU_ASSERT(size >= 12);
	CU_ASSERT_EQUAL(depth, 2);
	CU_ASSERT(att);
	CU_ASSERT_EQUAL(content_part(c, 5, NULL, NULL, NULL, NULL, NULL), -1);
	/* the PDF is its first line only: the PDF reader says so */
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(c,
	    "not inspected: part 5 (application/pdf, "
	    "\"Zeugnis f\xc3\xbcr Sam.pdf\"): a damaged PDF"));
	content_free(c);
	message_free(msg);
}

/* attached - a multipart part carrying data as base64 */
static void
attached(struct buf *b, const char *type, const char *name, const void *data,
    size_t len)
{
	(void)buf_printf(b,
	    "--b\nContent-Type: %s; name=\"%s\"\n"
	    "Content-Disposition: attachment; filename=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n\n",
	    type, name, name);
	testutil_base64(b, data, len);
}

static void
content_reads_attachments_into_the_view(void)
{
	static const char sheet[] =
	    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>Lindqvist"
	    "</t></is></c><c t=\"inlineStr\"><is><t>Ava</t></is></c></row>"
	    "</sheetData></worksheet>";
	static const unsigned char png[] = {
	    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
	static const char ole[] = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0";
	struct testutil_member book[] = {
	    {"xl/workbook.xml", "<workbook/>", 0, NULL},
	    {"xl/worksheets/sheet1.xml", sheet, 0, NULL},
	};
	struct testutil_member folder = {"2b.xlsx", NULL, 0, NULL};
	struct message *msg;
	struct content *c;
	struct buf b;
	const char *path, *t;
	enum content_kind kind;
	size_t xlen, zlen, i;
	uint64_t size;
	long part;
	char *x = testutil_zip(&xlen, book, 2), *z;

	CU_ASSERT_FATAL(x != NULL);
	folder.data = x;
	folder.len = xlen;
	z = testutil_zip(&zlen, &folder, 1);
	CU_ASSERT_FATAL(z != NULL);
	buf_init(&b, SIZE_MAX / 2);
	(void)buf_puts(&b,
	    HDR "MIME-Version: 1.0\n"
	        "Content-Type: multipart/mixed; boundary=b\n\n"
	        "hidden preamble\n"
	        "--b\nContent-Type: text/plain\n\nThe lists.\n");
	attached(&b, "application/octet-stream", "class.xlsx", x, xlen);
	attached(&b, "text/plain", "notes.txt", png, sizeof(png));
	attached(&b, "application/zip", "class.zip", z, zlen);
	attached(&b, "application/msword", "old.doc", ole, sizeof(ole) - 1);
	(void)buf_puts(&b, "--b--\n");
	c = view(&msg, buf_str(&b));

	/* parts: the multipart, the text, then the four attachments */
	CU_ASSERT_EQUAL(content_part_count(c), 6);
	CU_ASSERT_EQUAL(content_part_kind(c, 0), CONTENT_KIND_CONTAINER);
	CU_ASSERT_EQUAL(content_part_kind(c, 1), CONTENT_KIND_TEXT);
	CU_ASSERT_EQUAL(content_part_kind(c, 2), CONTENT_KIND_SPREADSHEET);
	CU_ASSERT_EQUAL(content_part_decoded(c, 2), xlen);
	/* declared as text, known by its bytes */
	CU_ASSERT_EQUAL(content_part_kind(c, 3), CONTENT_KIND_IMAGE);
	CU_ASSERT_EQUAL(content_part_kind(c, 4), CONTENT_KIND_ARCHIVE);
	CU_ASSERT_EQUAL(content_part_kind(c, 5), CONTENT_KIND_OTHER);
	CU_ASSERT_EQUAL(content_part_kind(c, 6), CONTENT_KIND_OTHER);

	/* texts: the preamble, the message's text, the two spreadsheets */
	CU_ASSERT_EQUAL_FATAL(content_text_count(c), 4);
	CU_ASSERT_EQUAL(content_text_part(c, 0), -1);
	CU_ASSERT_STRING_EQUAL(content_text_name(c, 0), "");
	CU_ASSERT_EQUAL(content_text_attached(c, 0), 0);
	CU_ASSERT_EQUAL(content_text_part(c, 1), 1);
	CU_ASSERT_STRING_EQUAL(content_text_name(c, 1), "");
	CU_ASSERT_EQUAL(content_text_kind(c, 1), CONTENT_KIND_TEXT);
	CU_ASSERT_EQUAL(content_text_attached(c, 1), 0);
	CU_ASSERT_EQUAL(content_text_part(c, 2), 2);
	CU_ASSERT_STRING_EQUAL(content_text_name(c, 2), "class.xlsx");
	CU_ASSERT_EQUAL(content_text_kind(c, 2), CONTENT_KIND_SPREADSHEET);
	CU_ASSERT_EQUAL(content_text_attached(c, 2), 1);
	CU_ASSERT_STRING_EQUAL(content_text(c, 2, NULL), "Lindqvist\tAva\n");
	CU_ASSERT_EQUAL(content_text_part(c, 3), 4);
	CU_ASSERT_STRING_EQUAL(content_text_name(c, 3), "class.zip/2b.xlsx");
	CU_ASSERT_EQUAL(content_text_kind(c, 3), CONTENT_KIND_SPREADSHEET);
	CU_ASSERT_EQUAL(content_text_attached(c, 3), 1);
	CU_ASSERT_EQUAL(content_text_part(c, 4), -1);
	CU_ASSERT_PTR_NULL(content_text_name(c, 4));
	CU_ASSERT_EQUAL(content_text_attached(c, 4), -1);
	for (i = 0; (t = content_text(c, i, NULL)) != NULL; i++)
		CU_ASSERT(strstr(t, "PNG") == NULL);

	/* the file inside the zip */
	CU_ASSERT_EQUAL(content_member_count(c), 1);
	CU_ASSERT_EQUAL(content_member(c, 0, &part, &path, &kind, &size), 0);
	CU_ASSERT_EQUAL(part, 4);
	CU_ASSERT_STRING_EQUAL(path, "class.zip/2b.xlsx");
	CU_ASSERT_EQUAL(kind, CONTENT_KIND_SPREADSHEET);
	CU_ASSERT_EQUAL(size, xlen);
	CU_ASSERT_EQUAL(content_member(c, 1, NULL, NULL, NULL, NULL), -1);

	/* the legacy document is a finding; the image is not */
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_UNREAD);
	CU_ASSERT_EQUAL(content_finding_count(c), 1);
	CU_ASSERT_STRING_EQUAL(content_finding(c, 0),
	    "not inspected: part 6 (application/msword, \"old.doc\"): a "
	    "legacy Office file, a format the filter does not read");
	content_free(c);
	message_free(msg);
	buf_free(&b);
	free(x);
	free(z);
}

static void
content_text_part_that_starts_like_a_pdf_stays_text(void)
{
	struct message *msg;
	struct content *c = view(&msg,
	    HDR "Content-Type: text/plain\n\n%PDF-1.4 is not a PDF here.\n"
	        "Lindqvist Ava, grades attached.\n");

	CU_ASSERT(has_text(c, "Lindqvist Ava"));
	CU_ASSERT_EQUAL(content_part_kind(c, 0), CONTENT_KIND_TEXT);
	CU_ASSERT_EQUAL(content_limits(c), 0);
	content_free(c);
	message_free(msg);
}

static void
content_kind_and_limit_names(void)
{
	int k;

	for (k = CONTENT_KIND_TEXT; k <= CONTENT_KIND_CONTAINER; k++)
		CU_ASSERT_EQUAL(content_kind_parse(content_kind_name(k)), k);
	CU_ASSERT_STRING_EQUAL(
	    content_kind_name(CONTENT_KIND_SPREADSHEET), "spreadsheet");
	CU_ASSERT_STRING_EQUAL(content_kind_name(CONTENT_KIND_IMAGE), "image");
	CU_ASSERT_PTR_NULL(content_kind_name((enum content_kind)99));
	CU_ASSERT_EQUAL(content_kind_parse("movie"), -1);
	CU_ASSERT_EQUAL(content_kind_parse(NULL), -1);
	CU_ASSERT_STRING_EQUAL(
	    content_limit_name(CONTENT_LIMIT_UNREAD), "mime-unread");
	CU_ASSERT_STRING_EQUAL(
	    content_limit_name(CONTENT_LIMIT_TIME), "mime-time");
	CU_ASSERT_EQUAL(
	    content_limit_flag("mime-unread"), CONTENT_LIMIT_UNREAD);
	CU_ASSERT_EQUAL(content_limit_flag("mime-time"), CONTENT_LIMIT_TIME);
}

static void
content_reads_an_attached_message(void)
{
	struct message *msg;
	const char *type;
	int depth;
	struct content *c = view(&msg,
	    HDR "Content-Type: multipart/mixed; boundary=b\n\n"
	        "--b\nContent-Type: text/plain\n\nSee the forwarded note.\n"
	        "--b\nContent-Type: message/rfc822\n\n"
	        "From: x@y.example\nSubject: fwd\n"
	        "Content-Type: text/plain; charset=utf-8\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "VGVzdCBzY29yZXMgZm9yIFNhbQ==\n"
	        "--b--\n");

	CU_ASSERT(has_text(c, "Test scores for Sam"));
	CU_ASSERT(has_text(c, "See the forwarded note."));
	CU_ASSERT_EQUAL(content_part_count(c), 4);
	CU_ASSERT_EQUAL(content_part(c, 2, &type, NULL, NULL, &depth, NULL), 0);
	CU_ASSERT_STRING_EQUAL(type, "message/rfc822");
	CU_ASSERT_EQUAL(content_part(c, 3, &type, NULL, NULL, &depth, NULL), 0);
	CU_ASSERT_STRING_EQUAL(type, "text/plain");
	CU_ASSERT_EQUAL(depth, 3);
	content_free(c);
	message_free(msg);
}

static void
content_reduces_html_without_script_or_style(void)
{
	struct message *msg;
	struct content *c = view(&msg,
	    HDR "Content-Type: text/html; charset=utf-8\n\n"
	        "<html><head><style>p { color: red }</style>"
	        "<script type=\"text/javascript\">var secret = 'hidden "
	        "words';</script></head><body>"
	        "<!-- a comment with grades -->"
	        "<p title=\"a > b\">Re<b>port</b>&nbsp;card &amp; "
	        "&lt;notes&gt; for Jos&eacute; &#233;&#x74;&eacute;</p>"
	        "<div>gr&shy;ades</div></body></html>\n");

	CU_ASSERT(has_text(c, "Report card & <notes>"));
	CU_ASSERT(has_text(c, "\xc3\xa9t&eacute;"));
	CU_ASSERT(has_text(c, "\ngrades"));
	CU_ASSERT_FALSE(has_text(c, "secret"));
	CU_ASSERT_FALSE(has_text(c, "color"));
	CU_ASSERT_FALSE(has_text(c, "comment"));
	CU_ASSERT_FALSE(has_text(c, "title"));
	CU_ASSERT(all_utf8(c));
	content_free(c);
	message_free(msg);
}

static const char nul_body[] =
    HDR "Content-Type: text/plain\n\nhidden\0 report card\n";

static void
content_never_trusts_a_charset(void)
{
	struct message *msg;
	struct content *c;

	/* declared UTF-8, written in Latin-1: the stray bytes are U+FFFD */
	c = view(&msg,
	    HDR "Content-Type: text/plain; charset=utf-8\n\n"
	        "Zeugnis f\xfcr Sam, grades\x01 inside\n");
	CU_ASSERT(has_text(c, "Zeugnis f\xef\xbf\xbdr Sam, grades  inside"));
	CU_ASSERT(all_utf8(c));
	CU_ASSERT_EQUAL(content_limits(c), 0);
	content_free(c);
	message_free(msg);

	/* a NUL byte neither ends the text nor stays in it */
	msg = parse(nul_body, sizeof(nul_body) - 1);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT(has_text(c, "report card"));
	CU_ASSERT(all_utf8(c));
	content_free(c);
	message_free(msg);

	/* declared Latin-1, and it is: converted */
	c = view(&msg,
	    HDR "Content-Type: text/plain; charset=iso-8859-1\n\n"
	        "Zeugnis f\xfcr Sam\n");
	CU_ASSERT(has_text(c, "Zeugnis f\xc3\xbcr Sam"));
	content_free(c);
	message_free(msg);

	/* declared Shift_JIS, with bytes it does not allow */
	c = view(&msg,
	    HDR "Content-Type: text/plain; charset=shift_jis\n\n"
	        "grades \x81\xff\xfe end\n");
	CU_ASSERT(has_text(c, "grades "));
	CU_ASSERT(has_text(c, " end"));
	CU_ASSERT(all_utf8(c));
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(c,
	    "not inspected: part 1 (text/plain): text invalid in "
	    "charset \"shift_jis\" (replaced by U+FFFD: 3)"));
	content_free(c);
	message_free(msg);

	/* UTF-16LE: a lone low surrogate (DC00), then "Report card"; the
	 * text after it stays aligned */
	c = view(&msg,
	    HDR "Content-Type: text/plain; charset=utf-16le\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "ANxSAGUAcABvAHIAdAAgAGMAYQByAGQA\n");
	CU_ASSERT(has_text(c, "\xef\xbf\xbdReport card"));
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(
	    c, "invalid in charset \"utf-16le\" (replaced by U+FFFD: 1)"));
	content_free(c);
	message_free(msg);

	/* a charset nobody knows: read as UTF-8, and said */
	c = view(&msg,
	    HDR "Content-Type: text/plain; charset=x-bogus-42\n\n"
	        "report card\xff\n");
	CU_ASSERT(has_text(c, "report card\xef\xbf\xbd"));
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(c,
	    "not inspected: part 1 (text/plain): unknown "
	    "charset \"x-bogus-42\", read as UTF-8"));
	content_free(c);
	message_free(msg);
}

static void
content_invalid_base64_is_a_finding(void)
{
	struct message *msg;
	struct content *c = view(&msg,
	    HDR "Content-Type: text/plain\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "Z3JhZGVz!!!*\n");

	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(c,
	    "not inspected: part 1 (text/plain): invalid "
	    "base64 (4 bytes outside the alphabet)"));
	CU_ASSERT(has_text(c, "grades"));
	content_free(c);
	message_free(msg);
}

static void
content_repeated_findings_are_counted_not_listed(void)
{
	struct message *msg;
	struct content *c = NULL;
	struct buf b;
	int i;

	buf_init(&b, 1024 * 1024);
	CU_ASSERT_FATAL(buf_puts(&b,
	                    HDR "Content-Type: multipart/mixed; "
	                        "boundary=b\n\n") == BUF_OK);
	for (i = 0; i < 40; i++)
		CU_ASSERT_FATAL(buf_puts(&b,
		                    "--b\nContent-Type: text/plain\n"
		                    "Content-Transfer-Encoding: "
		                    "base64\n\n%%%%\n") == BUF_OK);
	CU_ASSERT_FATAL(buf_puts(&b, "--b--\n") == BUF_OK);
	msg = parse(b.data, b.len);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT_EQUAL(content_finding_count(c), 32);
	CU_ASSERT_STRING_EQUAL(content_finding(c, 31), "not inspected: 9 more");
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_UNDECODABLE);
	content_free(c);
	message_free(msg);
	buf_free(&b);
}

static void
content_sealed_content_is_a_finding(void)
{
	struct message *msg;
	struct content *c;

	c = view(&msg,
	    HDR "Content-Type: multipart/encrypted; "
	        "protocol=\"application/pgp-encrypted\"; "
	        "boundary=b\n\n--b\nContent-Type: "
	        "application/pgp-encrypted\n\nVersion: 1\n--b\n"
	        "Content-Type: application/octet-stream\n\n"
	        "-----BEGIN PGP MESSAGE-----\nhQEM\n--b--\n");
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_ENCRYPTED);
	CU_ASSERT(has_finding(c,
	    "not inspected: part 1 "
	    "(multipart/encrypted): encrypted content"));
	content_free(c);
	message_free(msg);

	c = view(&msg,
	    HDR "Content-Type: application/pkcs7-mime; "
	        "smime-type=enveloped-data; name=smime.p7m\n"
	        "Content-Transfer-Encoding: base64\n\nMIAGCSqG\n");
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_ENCRYPTED);
	content_free(c);
	message_free(msg);

	c = view(&msg,
	    HDR "Content-Type: text/plain\n\n"
	        "-----BEGIN PGP MESSAGE-----\nhQEMA\n"
	        "-----END PGP MESSAGE-----\n");
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_ENCRYPTED);
	CU_ASSERT(has_finding(c, "an inline PGP message"));
	content_free(c);
	message_free(msg);

	/* an attached message hidden in base64 is not opened: said */
	c = view(&msg,
	    HDR "Content-Type: message/rfc822\n"
	        "Content-Transfer-Encoding: base64\n\n"
	        "U3ViamVjdDogeAoKZ3JhZGVzCg==\n");
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(c, "an attached message in a transfer encoding"));
	content_free(c);
	message_free(msg);

	c = view(&msg,
	    HDR "Content-Type: message/partial; id=\"x@y\"; "
	        "number=1; total=2\n\nSubject: grades\n\n");
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_UNDECODABLE);
	CU_ASSERT(has_finding(c, "one fragment of a message sent in pieces"));
	content_free(c);
	message_free(msg);
}

static void
content_deep_nesting_is_a_finding(void)
{
	struct message *msg;
	struct content *c = NULL;
	struct buf b;
	int i;

	buf_init(&b, 1024 * 1024);
	CU_ASSERT_FATAL(buf_puts(&b, HDR) == BUF_OK);
	for (i = 0; i < 100; i++)
		CU_ASSERT_FATAL(buf_printf(&b,
		                    "Content-Type: multipart/mixed; "
		                    "boundary=b%d\n\n--b%d\n",
		                    i, i) == BUF_OK);
	CU_ASSERT_FATAL(
	    buf_puts(&b, "Content-Type: text/plain\n\ndeep grades\n") ==
	    BUF_OK);
	for (i = 99; i >= 0; i--)
		CU_ASSERT_FATAL(buf_printf(&b, "--b%d--\n", i) == BUF_OK);
	msg = parse(b.data, b.len);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_DEPTH);
	CU_ASSERT(has_finding(c, "nested more than 32 deep"));
	CU_ASSERT_FALSE(has_text(c, "deep grades"));
	CU_ASSERT_EQUAL(content_part_count(c), BOUND_MIME_DEPTH + 1);
	content_free(c);
	message_free(msg);
	buf_free(&b);
}

/* many_parts - a multipart of n empty text parts (and lines of text
 * starting with "--" when dashes) */
static void
many_parts(struct buf *b, int n, int dashes)
{
	int i;

	buf_init(b, 64 * 1024 * 1024);
	CU_ASSERT_FATAL(
	    buf_puts(b, HDR "Content-Type: multipart/mixed; boundary=b\n\n") ==
	    BUF_OK);
	for (i = 0; i < n; i++)
		CU_ASSERT_FATAL(
		    buf_puts(b, dashes ? "--b\n\n-- x\n" : "--b\n\nx\n") ==
		    BUF_OK);
	CU_ASSERT_FATAL(buf_puts(b, "--b--\n") == BUF_OK);
}

static void
content_many_parts_is_a_finding(void)
{
	struct message *msg;
	struct content *c = NULL;
	struct buf b;

	many_parts(&b, BOUND_MIME_PARTS + 100, 0);
	msg = parse(b.data, b.len);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_PARTS);
	CU_ASSERT(has_finding(c,
	    "not inspected: the parts after the first "
	    "1000"));
	CU_ASSERT_EQUAL(content_part_count(c), BOUND_MIME_PARTS);
	content_free(c);
	message_free(msg);
	buf_free(&b);

	/* past the boundary lines the parser is given: its input ends */
	many_parts(&b, BOUND_MIME_BOUNDARY_LINES, 1);
	msg = parse(b.data, b.len);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_PARTS);
	CU_ASSERT(has_finding(c,
	    "(more than 10000 lines starting with "
	    "\"--\")"));
	content_free(c);
	message_free(msg);
	buf_free(&b);
}

static void
content_many_header_fields_is_a_finding(void)
{
	struct message *msg;
	struct content *c = NULL;
	struct buf b;
	int i;

	/* one part whose header holds a field on every line: GMime would
	 * make an object of each */
	buf_init(&b, 64 * 1024 * 1024);
	CU_ASSERT_FATAL(buf_puts(&b,
	                    HDR "Content-Type: multipart/mixed; boundary=b\n\n"
	                        "--b\n") == BUF_OK);
	for (i = 0; i < 2 * BOUND_MIME_FIELD_LINES; i++)
		CU_ASSERT_FATAL(buf_puts(&b, "a:b\n") == BUF_OK);
	CU_ASSERT_FATAL(buf_puts(&b, "\nreport card\n--b--\n") == BUF_OK);
	msg = parse(b.data, b.len);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_PARTS);
	CU_ASSERT(has_finding(c,
	    "(more than 50000 lines that could be header "
	    "fields)"));
	content_free(c);
	message_free(msg);
	buf_free(&b);
}

static void
content_text_past_the_bound_is_a_finding(void)
{
	struct message *msg;
	struct content *c = NULL;
	struct buf b;
	size_t len;
	int i;

	/* spooled to a file: the view reads it back through the message */
	buf_init(&b, 2 * BOUND_MIME_TEXT_BYTES);
	CU_ASSERT_FATAL(
	    buf_puts(&b, HDR "Content-Type: text/plain\n\n") == BUF_OK);
	for (i = 0; b.len < BOUND_MIME_TEXT_BYTES + 4096; i++)
		CU_ASSERT_FATAL(
		    buf_puts(&b,
		        "Lorem ipsum dolor sit amet, consectetur "
		        "adipiscing elit, sed do eiusmod.\n") == BUF_OK);
	msg = parse(b.data, b.len);
	CU_ASSERT_FATAL(msg != NULL);
	CU_ASSERT(message_body_size(msg) > BOUND_BODY_MEMORY);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT_EQUAL(content_limits(c), CONTENT_LIMIT_BYTES);
	CU_ASSERT(has_finding(c,
	    "not inspected: part 1 (text/plain): the "
	    "text after"));
	CU_ASSERT(content_text(c, 0, &len) != NULL);
	CU_ASSERT(len > 0 && len <= BOUND_MIME_TEXT_BYTES);
	content_free(c);
	message_free(msg);
	buf_free(&b);
}

static void
content_body_not_stored_is_a_finding(void)
{
	struct message *msg = message_new(testutil_tmpdir());
	struct content *c = NULL;

	CU_ASSERT_FATAL(msg != NULL);
	message_set_body_count_only(msg, 1);
	CU_ASSERT(message_add_header(msg, "Subject", "x") == 0);
	CU_ASSERT(message_add_body(msg, "grades\r\n", 8) == 0);
	CU_ASSERT_EQUAL_FATAL(content_build(&c, msg), 0);
	CU_ASSERT(content_limits(c) & CONTENT_LIMIT_BYTES);
	CU_ASSERT(has_finding(c,
	    "not inspected: the body after byte 0 (not "
	    "stored)"));
	content_free(c);
	message_free(msg);
}

static void
content_drops_invisible_characters(void)
{
	struct message *msg;
	struct content *c = view(&msg,
	    HDR "Content-Type: text/plain; charset=utf-8\n\n"
	        "gr\xe2\x80\x8b"
	        "ades and report\xc2\xa0"
	        "card\n");

	CU_ASSERT(has_text(c, "grades and report card"));
	content_free(c);
	message_free(msg);
}

struct decode_case {
	const char *label;
	const char *input;
	const char *want; /* NULL: nothing to decode */
};

static const struct decode_case decode_cases[] = {
    {"plain ASCII", "Report card", NULL},
    {"B-encoded UTF-8", "=?UTF-8?B?UmVwb3J0IGNhcmQ=?=", "Report card"},
    {"Q-encoded, split over two words",
        "=?utf-8?q?Report_?= =?utf-8?q?card?=", "Report card"},
    {"Q-encoded Latin-1",
        "=?ISO-8859-1?Q?Zeugnis_f=FCr_Sam?=", "Zeugnis f\xc3\xbcr Sam"},
    {"raw Latin-1", "Zeugnis f\xfcr Sam", "Zeugnis f\xc3\xbcr Sam"},
    {"raw UTF-8", "Zeugnis f\xc3\xbcr Sam", "Zeugnis f\xc3\xbcr Sam"},
    {"decoded control characters are spaces",
        "=?utf-8?q?Report=01card=0Anow?=", "Report card now"},
    {"a decoded NUL ends nothing",
        "=?utf-8?q?x=00_Report_card?=", "x? Report card"},
    {"a zero-width space is dropped",
        "=?utf-8?q?Re=E2=80=8Bport_card?=", "Report card"},
};

static void
content_decodes_header_fields(void)
{
	size_t i;
	char *d;

	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		d = (char *)1;
		CU_ASSERT_EQUAL(
		    content_header_decode(&d, decode_cases[i].input), 0);
		if (decode_cases[i].want == NULL) {
			if (d != NULL)
				printf("%s: decoded to \"%s\"\n",
				    decode_cases[i].label, d);
			CU_ASSERT_PTR_NULL(d);
		} else if (d == NULL || strcmp(d, decode_cases[i].want) != 0) {
			printf("%s: got \"%s\"\n", decode_cases[i].label,
			    d != NULL ? d : "(null)");
			CU_FAIL("header decoded wrongly");
		}
		free(d);
	}
}

static void
content_limit_names_round_trip(void)
{
	static const char *const names[] = {"mime-depth", "mime-parts",
	    "mime-bytes", "mime-undecodable", "mime-malformed",
	    "mime-encrypted"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CU_ASSERT_STRING_EQUAL(
		    content_limit_name(content_limit_flag(names[i])), names[i]);
	CU_ASSERT_EQUAL(content_limit_flag("body-size"), 0);
	CU_ASSERT_PTR_NULL(content_limit_name(0x8000));
}

static void
content_html_reducer_is_linear_and_safe(void)
{
	struct buf b;

	buf_init(&b, 1024);
	/* an unclosed tag, comment and script swallow the rest, as in a
	 * browser; numeric references out of range are U+FFFD */
	CU_ASSERT_EQUAL(html_text(&b, "a<b c='>' d", 11), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "a");
	buf_reset(&b);
	CU_ASSERT_EQUAL(html_text(&b, "a<!-- x", 7), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "a");
	buf_reset(&b);
	CU_ASSERT_EQUAL(html_text(&b, "<!-->grades<!--->x<!-- y -->z", 29), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "gradesxz");
	buf_reset(&b);
	/* a quote that opens no attribute value hides nothing */
	CU_ASSERT_EQUAL(html_text(&b, "<b x=a'b>grades</b> c'>d", 24), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "grades c'>d");
	buf_reset(&b);
	CU_ASSERT_EQUAL(html_text(&b, "<p title = \"a>b\">x", 19), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "\nx");
	buf_reset(&b);
	CU_ASSERT_EQUAL(html_text(&b, "&#0;&#x110000;&bogus; 1 < 2", 27), 0);
	CU_ASSERT_STRING_EQUAL(
	    buf_str(&b), "\xef\xbf\xbd\xef\xbf\xbd&bogus; 1 < 2");
	buf_reset(&b);
	/* leading zeros hide nothing; every digit counts, however many */
	CU_ASSERT_EQUAL(
	    html_text(&b, "&#0000000082;eport &#x0000000063;ard", 36), 0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "Report card");
	buf_reset(&b);
	CU_ASSERT_EQUAL(
	    html_text(&b, "&#99999999999999999999999;&#x1000000000000041;", 46),
	    0);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "\xef\xbf\xbd\xef\xbf\xbd");
	buf_free(&b);
}

/* The message every thread views: nesting, base64, QP, HTML, a Latin-1
 * charset, an encoded file name. */
static const char threads_msg[] =
    HDR "Content-Type: multipart/mixed; boundary=o\n\n"
        "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
        "--i\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: quoted-printable\n\nf=FCr Sam\n"
        "--i\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
        "PHA+Z3JhZGVzPC9wPg==\n--i--\n"
        "--o\nContent-Type: application/pdf\nContent-Disposition: "
        "attachment; filename=\"=?utf-8?q?Zeugnis_f=C3=BCr_Sam.pdf?=\"\n\n"
        "%PDF\n--o--\n";

#define CONTENT_THREADS 4
#define CONTENT_ROUNDS 200

/* view_rounds - build the view again and again; counts what differs */
static void *
view_rounds(void *arg)
{
	int *bad = arg;
	struct message *msg = parse(threads_msg, sizeof(threads_msg) - 1);
	struct content *c;
	const char *fn;
	char *d;
	int i;

	if (msg == NULL) {
		(*bad)++;
		return NULL;
	}
	for (i = 0; i < CONTENT_ROUNDS; i++) {
		if (content_build(&c, msg) != 0) {
			(*bad)++;
			continue;
		}
		if (!has_text(c, "f\xc3\xbcr Sam") || !has_text(c, "grades") ||
		    content_part(c, 4, NULL, &fn, NULL, NULL, NULL) != 0 ||
		    strcmp(fn, "Zeugnis f\xc3\xbcr Sam.pdf") != 0 ||
		    content_limits(c) != 0)
			(*bad)++;
		content_free(c);
		/* the decode options all threads share */
		if (content_header_decode(
		        &d, "=?ISO-8859-1?Q?Zeugnis_f=FCr_Sam?=") != 0 ||
		    d == NULL || strcmp(d, "Zeugnis f\xc3\xbcr Sam") != 0)
			(*bad)++;
		free(d);
	}
	message_free(msg);
	return NULL;
}

static void
content_views_are_built_in_parallel(void)
{
	pthread_t t[CONTENT_THREADS];
	int bad[CONTENT_THREADS] = {0}, started[CONTENT_THREADS] = {0};
	int i;

	for (i = 0; i < CONTENT_THREADS; i++)
		started[i] =
		    pthread_create(&t[i], NULL, view_rounds, &bad[i]) == 0;
	for (i = 0; i < CONTENT_THREADS; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		CU_ASSERT(started[i]);
		CU_ASSERT_EQUAL(bad[i], 0);
	}
}

static CU_TestInfo tests[] = {
    {"content_reads_attachments_into_the_view",
        content_reads_attachments_into_the_view},
    {"content_kind_and_limit_names", content_kind_and_limit_names},
    {"content_text_part_that_starts_like_a_pdf_stays_text",
        content_text_part_that_starts_like_a_pdf_stays_text},
    {"content_decodes_a_base64_body", content_decodes_a_base64_body},
    {"content_decodes_quoted_printable_with_soft_breaks",
        content_decodes_quoted_printable_with_soft_breaks},
    {"content_walks_nested_multiparts", content_walks_nested_multiparts},
    {"content_reads_an_attached_message", content_reads_an_attached_message},
    {"content_reduces_html_without_script_or_style",
        content_reduces_html_without_script_or_style},
    {"content_never_trusts_a_charset", content_never_trusts_a_charset},
    {"content_invalid_base64_is_a_finding",
        content_invalid_base64_is_a_finding},
    {"content_repeated_findings_are_counted_not_listed",
        content_repeated_findings_are_counted_not_listed},
    {"content_sealed_content_is_a_finding",
        content_sealed_content_is_a_finding},
    {"content_deep_nesting_is_a_finding", content_deep_nesting_is_a_finding},
    {"content_many_parts_is_a_finding", content_many_parts_is_a_finding},
    {"content_many_header_fields_is_a_finding",
        content_many_header_fields_is_a_finding},
    {"content_text_past_the_bound_is_a_finding",
        content_text_past_the_bound_is_a_finding},
    {"content_body_not_stored_is_a_finding",
        content_body_not_stored_is_a_finding},
    {"content_drops_invisible_characters", content_drops_invisible_characters},
    {"content_decodes_header_fields", content_decodes_header_fields},
    {"content_limit_names_round_trip", content_limit_names_round_trip},
    {"content_html_reducer_is_linear_and_safe",
        content_html_reducer_is_linear_and_safe},
    {"content_views_are_built_in_parallel",
        content_views_are_built_in_parallel},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"content", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_content", suites);
}
