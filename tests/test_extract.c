/*
 * test_extract.c - text from attachments: XLSX (shared and inline
 * strings), DOCX, ODS, nested zips, text sent as a binary type, images
 * known by their bytes alone, and the findings for what is not read:
 * zip bombs, too many members, encrypted and damaged archives, XML
 * entities, a billion declared cells, formats not read, and the PDF
 * reader (text found, a reader that hangs, one that is missing). Every
 * fixture is built here (libzip), none is committed.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "content.h"
#include "extract.h"
#include "testutil.h"

/* What extract() handed on, as text to search. */
struct got {
	struct buf text;     /* "[path|kind] text\n" for each text */
	struct buf findings; /* "flag path: what\n" */
	struct buf members;  /* "path|kind|size\n" */
	unsigned flags;
	enum content_kind kind;
	int rc;
};

static int
got_text(void *arg, const char *path, enum content_kind kind, const char *text,
    size_t len)
{
	struct got *g = arg;

	CU_ASSERT(text[len] == '\0');
	(void)buf_printf(&g->text, "[%s|%s] ", path, content_kind_name(kind));
	(void)buf_append(&g->text, text, len);
	return buf_putc(&g->text, '\n') == BUF_OK ? 0 : -1;
}

static int
got_member(void *arg, const char *path, enum content_kind kind, uint64_t size)
{
	struct got *g = arg;

	return buf_printf(&g->members, "%s|%s|%ju\n", path,
	           content_kind_name(kind), (uintmax_t)size) == BUF_OK ?
	    0 :
	    -1;
}

static int
got_finding(void *arg, unsigned flag, const char *path, const char *what)
{
	struct got *g = arg;

	g->flags |= flag;
	return buf_printf(&g->findings, "%s %s: %s\n", content_limit_name(flag),
	           path, what) == BUF_OK ?
	    0 :
	    -1;
}

static void run_room(struct got *g, const void *data, size_t len,
    const char *name, const char *type, size_t room);

/* run - extract data (len bytes, named name, of type) into g */
static void
run(struct got *g, const void *data, size_t len, const char *name,
    const char *type)
{
	run_room(g, data, len, name, type, BOUND_MIME_TEXT_BYTES);
}

/* run_room - run() with room bytes of text left for the message */
static void
run_room(struct got *g, const void *data, size_t len, const char *name,
    const char *type, size_t room)
{
	struct extract_sink sink = {got_text, got_member, got_finding, g};
	struct extract_budget b;

	memset(g, 0, sizeof(*g));
	buf_init(&g->text, SIZE_MAX / 2);
	buf_init(&g->findings, SIZE_MAX / 2);
	buf_init(&g->members, SIZE_MAX / 2);
	memset(&b, 0, sizeof(b));
	b.text_room = room;
	g->rc = extract(&g->kind, &sink, &b, data, len, name, type);
	CU_ASSERT_EQUAL(g->rc, 0);
}

static void
got_free(struct got *g)
{
	buf_free(&g->text);
	buf_free(&g->findings);
	buf_free(&g->members);
}

/* show - print what was got when an assertion is about to fail */
static void
show(const struct got *g)
{
	printf("\ntext:\n%s\nfindings:\n%s\nmembers:\n%s\n", buf_str(&g->text),
	    buf_str(&g->findings), buf_str(&g->members));
}

#define HAS(b, s) (strstr(buf_str(b), (s)) != NULL)

/* ---- fixtures ------------------------------------------------------------ */

static const char workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\"><sheets><sheet name=\"2B\" sheetId=\"1\"/></sheets>"
    "</workbook>";

static const char shared[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
    "main\" count=\"3\" uniqueCount=\"3\">"
    "<si><t>Lindqvist</t></si>"
    "<si><r><t>A</t></r><r><t>va</t></r><rPh><t>PHONETIC</t></rPh></si>"
    "<si><t xml:space=\"preserve\">Grade 2B </t></si></sst>";

static const char sheet[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\"><dimension ref=\"A1:C2\"/><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
    "<c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" s=\"3\"/>"
    "<c r=\"D1\"><v>42</v></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>Noor Haddad</t></is>"
    "</c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>99</v></c>"
    "<c r=\"D2\"><f>SUM(D1)</f><v>7.5</v></c></row>"
    "</sheetData></worksheet>";

/* xlsx - a workbook with the given first sheet */
static char *
xlsx(size_t *len, const char *sheet1)
{
	struct testutil_member m[] = {
	    {"[Content_Types].xml", "<Types/>", 0, NULL},
	    {"xl/workbook.xml", workbook, 0, NULL},
	    {"xl/sharedStrings.xml", shared, 0, NULL},
	    {"xl/worksheets/sheet1.xml", sheet1, 0, NULL},
	};

	return testutil_zip(len, m, 4);
}

static const char document[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
    "wordprocessingml/2006/main\"><w:body>"
    "<w:p><w:r><w:t>Lind</w:t></w:r><w:r><w:t>qvist, Ava</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Room</w:t><w:tab/><w:t>12</w:t></w:r></w:p>"
    "<w:p><w:r><w:instrText>HYPERLINK</w:instrText></w:r></w:p>"
    "</w:body></w:document>";

/* docx - a document whose word/document.xml is doc */
static char *
docx(size_t *len, const char *doc)
{
	struct testutil_member m[] = {
	    {"[Content_Types].xml", "<Types/>", 0, NULL},
	    {"word/document.xml", doc, 0, NULL},
	};

	return testutil_zip(len, m, 2);
}

static const char ods_content[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-content "
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
    "<office:body><office:spreadsheet><table:table table:name=\"2B\">"
    "<table:table-row><table:table-cell><text:p>Lindqvist</text:p>"
    "</table:table-cell><table:table-cell "
    "table:number-columns-repeated=\"1000000000\"/>"
    "<table:table-cell><text:p>Ava</text:p></table:table-cell>"
    "</table:table-row>"
    "<table:table-row table:number-rows-repeated=\"1048576\">"
    "<table:table-cell><text:p>Noor</text:p><text:p>Haddad</text:p>"
    "</table:table-cell></table:table-row>"
    "</table:table></office:spreadsheet></office:body>"
    "</office:document-content>";

/* png - the first bytes of a PNG file */
static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F',
    'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};

/* ---- office documents ---------------------------------------------------- */

static void
extract_reads_xlsx_shared_and_inline_strings(void)
{
	struct got g;
	size_t len;
	char *z = xlsx(&len, sheet);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "2b.xlsx", "application/octet-stream");
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_SPREADSHEET);
	if (!HAS(&g.text,
	        "[|spreadsheet] Lindqvist\tAva\t42\n"
	        "Noor Haddad\tGrade 2B \t7.5\n"))
		show(&g);
	CU_ASSERT(HAS(&g.text,
	    "[|spreadsheet] Lindqvist\tAva\t42\n"
	    "Noor Haddad\tGrade 2B \t7.5\n"));
	CU_ASSERT(!HAS(&g.text, "PHONETIC"));
	CU_ASSERT(!HAS(&g.text, "SUM"));
	CU_ASSERT_EQUAL(g.flags, 0);
	CU_ASSERT_EQUAL(
	    extract_sniff(z, len, NULL, NULL), CONTENT_KIND_SPREADSHEET);
	got_free(&g);
	free(z);
}

static void
extract_reads_docx_paragraphs_as_lines(void)
{
	struct got g;
	size_t len;
	char *z = docx(&len, document);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "letter.docx", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_DOCUMENT);
	if (!HAS(&g.text, "[|document] Lindqvist, Ava\nRoom\t12\n"))
		show(&g);
	CU_ASSERT(HAS(&g.text, "[|document] Lindqvist, Ava\nRoom\t12\n"));
	CU_ASSERT(!HAS(&g.text, "HYPERLINK"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);
	free(z);
}

static void
extract_reads_what_a_document_embeds(void)
{
	struct testutil_member m[] = {
	    {"word/document.xml", document, 0, NULL},
	    {"word/embeddings/Microsoft_Excel_Worksheet.xlsx", NULL, 0, NULL},
	    {"word/media/image1.png", png, sizeof(png), NULL},
	};
	struct got g;
	size_t len, xlen;
	char *x = xlsx(&xlen, sheet), *z;

	CU_ASSERT_FATAL(x != NULL);
	m[1].data = x;
	m[1].len = xlen;
	z = testutil_zip(&len, m, 3);
	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "letter.docx", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_DOCUMENT);
	CU_ASSERT(HAS(&g.text, "[|document] Lindqvist, Ava\n"));
	if (!HAS(&g.text,
	        "[word/embeddings/Microsoft_Excel_Worksheet.xlsx|"
	        "spreadsheet] Lindqvist\tAva\t42\n"))
		show(&g);
	CU_ASSERT(HAS(&g.text,
	    "[word/embeddings/Microsoft_Excel_Worksheet.xlsx|"
	    "spreadsheet] Lindqvist\tAva\t42\n"));
	CU_ASSERT(HAS(&g.members,
	    "word/embeddings/Microsoft_Excel_Worksheet."
	    "xlsx|spreadsheet|"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);
	free(z);
	free(x);
}

static void
extract_reads_odf_embedded_objects(void)
{
	static const char chart[] =
	    "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" "
	    "xmlns:text=\"x\"><table:table-row><table:table-cell><text:p>"
	    "Lindqvist</text:p></table:table-cell><table:table-cell><text:p>"
	    "Ava</text:p></table:table-cell></table:table-row>"
	    "</office:document-content>";
	struct testutil_member m[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.text", 0, NULL},
	    {"content.xml",
	        "<o:d xmlns:text=\"x\"><text:p>Grades</text:p></o:d>", 0, NULL},
	    {"Object 1/content.xml", chart, 0, NULL},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 3);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "report.odt", NULL);
	CU_ASSERT(HAS(&g.text, "Grades\n"));
	CU_ASSERT(HAS(&g.text, "Lindqvist\tAva\n"));
	got_free(&g);
	free(z);
}

static void
extract_reads_ods_without_repeating_cells(void)
{
	struct testutil_member m[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0,
	        NULL},
	    {"content.xml", ods_content, 0, NULL},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 2);
	clock_t t0 = clock();

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "2b.ods", NULL);
	/* a billion repeated columns and a million repeated rows cost
	 * nothing: repeats are not expanded */
	CU_ASSERT((clock() - t0) / (CLOCKS_PER_SEC / 1000) < 500);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_SPREADSHEET);
	if (!HAS(&g.text, "[|spreadsheet] Lindqvist\tAva\nNoor Haddad\n"))
		show(&g);
	CU_ASSERT(HAS(&g.text, "[|spreadsheet] Lindqvist\tAva\nNoor Haddad\n"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);
	free(z);
}

static void
extract_reads_pptx_slides(void)
{
	static const char slide[] =
	    "<p:sld xmlns:p=\"p\" xmlns:a=\"a\"><p:cSld><p:spTree><p:sp>"
	    "<p:txBody><a:p><a:r><a:t>Class 2B</a:t></a:r></a:p>"
	    "<a:p><a:r><a:t>Lindqvist Ava</a:t></a:r></a:p></p:txBody>"
	    "</p:sp></p:spTree></p:cSld></p:sld>";
	struct testutil_member m[] = {
	    {"ppt/presentation.xml", "<p:presentation xmlns:p=\"p\"/>", 0,
	        NULL},
	    {"ppt/slides/slide1.xml", slide, 0, NULL},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 2);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "class.pptx", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_PRESENTATION);
	CU_ASSERT(HAS(&g.text, "[|presentation] Class 2B\nLindqvist Ava\n"));
	got_free(&g);
	free(z);
}

static void
extract_billion_cell_dimension_reads_only_the_cells_there(void)
{
	static const char big[] =
	    "<worksheet><dimension ref=\"A1:XFD1048576\"/><sheetData>"
	    "<row r=\"1048576\" spans=\"1:1000000000\"><c r=\"XFD1048576\" "
	    "t=\"inlineStr\"><is><t>Lindqvist</t></is></c></row>"
	    "</sheetData></worksheet>";
	struct rusage before, after;
	struct got g;
	size_t len;
	char *z = xlsx(&len, big);
	clock_t t0 = clock();

	CU_ASSERT_FATAL(z != NULL);
	(void)getrusage(RUSAGE_SELF, &before);
	run(&g, z, len, "big.xlsx", NULL);
	(void)getrusage(RUSAGE_SELF, &after);
	CU_ASSERT((clock() - t0) / (CLOCKS_PER_SEC / 1000) < 500);
	/* no allocation for the declared cells: a few MB at most */
	CU_ASSERT(after.ru_maxrss - before.ru_maxrss < 16 * 1024);
	CU_ASSERT(HAS(&g.text, "Lindqvist"));
	got_free(&g);
	free(z);
}

static void
extract_stops_at_the_cell_bound(void)
{
	struct buf x;
	struct got g;
	size_t len, i;
	char *z;

	buf_init(&x, SIZE_MAX / 2);
	(void)buf_puts(&x, "<worksheet><sheetData><row r=\"1\">");
	for (i = 0; i <= BOUND_EXTRACT_CELLS; i++)
		(void)buf_printf(&x, "<c><v>%zu</v></c>", i);
	(void)buf_puts(&x, "</row></sheetData></worksheet>");
	z = xlsx(&len, buf_str(&x));
	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "huge.xlsx", NULL);
	CU_ASSERT(g.flags & CONTENT_LIMIT_PARTS);
	if (!HAS(&g.findings,
	        "mime-parts xl/worksheets/sheet1.xml: the cells "
	        "and paragraphs after the first 1000000"))
		show(&g);
	CU_ASSERT(HAS(&g.findings,
	    "mime-parts xl/worksheets/sheet1.xml: the "
	    "cells and paragraphs after the first "
	    "1000000"));
	/* the three shared strings count too: the sheet's cells stop
	 * three before the bound */
	CU_ASSERT(HAS(&g.text, "\t999995\t999996\n"));
	CU_ASSERT(!HAS(&g.text, "\t999997"));
	got_free(&g);
	free(z);
	buf_free(&x);
}

static void
extract_never_expands_xml_entities(void)
{
	char doc[PATH_MAX + 1024], secret[PATH_MAX];
	struct got g;
	size_t len;
	char *z;

	(void)snprintf(secret, sizeof(secret), "%s/secret", testutil_tmpdir());
	(void)testutil_write(testutil_tmpdir(), "secret", "TOPSECRET\n");
	(void)snprintf(doc, sizeof(doc),
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE w:document [\n"
	    "<!ENTITY xxe SYSTEM \"file://%s\">\n"
	    "<!ENTITY lol \"LOLLOLLOL\">\n"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    "]>\n"
	    "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Ava &xxe; "
	    "&lol2;</w:t></w:r></w:p></w:body></w:document>",
	    secret);
	z = docx(&len, doc);
	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "x.docx", NULL);
	if (HAS(&g.text, "TOPSECRET") || HAS(&g.text, "LOL"))
		show(&g);
	CU_ASSERT(HAS(&g.text, "Ava"));
	CU_ASSERT(!HAS(&g.text, "TOPSECRET"));
	CU_ASSERT(!HAS(&g.text, "LOL"));
	CU_ASSERT(g.flags & CONTENT_LIMIT_MALFORMED);
	CU_ASSERT(HAS(&g.findings,
	    "mime-malformed word/document.xml: a "
	    "document type or entity reference, not "
	    "expanded"));
	got_free(&g);
	free(z);
}

/* ---- archives --------------------------------------------------------------
 */

static void
extract_reads_nested_zips(void)
{
	struct testutil_member inner[2] = {
	    {"list.csv", "Lindqvist,Ava,2B\n", 0, NULL},
	    {"photo.png", png, sizeof(png), NULL},
	};
	struct testutil_member outer[2] = {
	    {"term/2b.zip", NULL, 0, NULL},
	    {"2b.xlsx", NULL, 0, NULL},
	};
	struct got g;
	size_t ilen, xlen, len;
	char *iz = testutil_zip(&ilen, inner, 2), *xz = xlsx(&xlen, sheet), *z;

	CU_ASSERT_FATAL(iz != NULL && xz != NULL);
	outer[0].data = iz;
	outer[0].len = ilen;
	outer[1].data = xz;
	outer[1].len = xlen;
	z = testutil_zip(&len, outer, 2);
	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "class.zip", "application/zip");
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_ARCHIVE);
	if (!HAS(&g.text, "[term/2b.zip/list.csv|text] Lindqvist,Ava,2B\n"))
		show(&g);
	CU_ASSERT(
	    HAS(&g.text, "[term/2b.zip/list.csv|text] Lindqvist,Ava,2B\n"));
	CU_ASSERT(HAS(&g.text, "[2b.xlsx|spreadsheet] Lindqvist\tAva"));
	CU_ASSERT(HAS(&g.members, "term/2b.zip/photo.png|image|29\n"));
	CU_ASSERT(HAS(&g.members, "term/2b.zip|archive|"));
	CU_ASSERT(HAS(&g.members, "2b.xlsx|spreadsheet|"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);
	free(z);
	free(iz);
	free(xz);
}

static void
extract_stops_at_archive_depth(void)
{
	struct testutil_member m = {"a.zip", NULL, 0, NULL};
	struct testutil_member leaf = {"deep.csv", "Lindqvist,Ava\n", 0, NULL};
	struct got g;
	size_t len, i;
	char *z = testutil_zip(&len, &leaf, 1), *next;

	for (i = 0; i < BOUND_EXTRACT_DEPTH; i++) {
		m.data = z;
		m.len = len;
		next = testutil_zip(&len, &m, 1);
		free(z);
		z = next;
		CU_ASSERT_FATAL(z != NULL);
	}
	run(&g, z, len, "deep.zip", NULL);
	CU_ASSERT(g.flags & CONTENT_LIMIT_DEPTH);
	CU_ASSERT(HAS(&g.findings,
	    "mime-depth a.zip/a.zip/a.zip: archives "
	    "nested more than 3 deep"));
	CU_ASSERT(!HAS(&g.text, "Lindqvist"));
	got_free(&g);
	free(z);
}

/* patch32 - the little-endian 32-bit value v at p */
static void
patch32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
extract_refuses_a_zip_bomb(void)
{
	size_t n = 50 * 1024 * 1024, len;
	struct testutil_member m = {"zeros.csv", NULL, 0, NULL};
	struct rusage before, after;
	unsigned char *cd;
	char *zeros = malloc(n), *z;
	struct got g;

	CU_ASSERT_FATAL(zeros != NULL);
	memset(zeros, '0', n);
	m.data = zeros;
	m.len = n;
	z = testutil_zip(&len, &m, 1);
	free(zeros);
	CU_ASSERT_FATAL(z != NULL);
	(void)getrusage(RUSAGE_SELF, &before);
	run(&g, z, len, "bomb.zip", NULL);
	(void)getrusage(RUSAGE_SELF, &after);
	printf("\nzip bomb: %zu bytes inflating to %zu; peak RSS grew %ld KB\n",
	    len, n, after.ru_maxrss - before.ru_maxrss);
	CU_ASSERT(g.flags & CONTENT_LIMIT_BYTES);
	CU_ASSERT(HAS(&g.findings,
	    "mime-bytes zeros.csv: inflates more than "
	    "200 times its compressed size (a zip "
	    "bomb?)"));
	CU_ASSERT(g.text.len == 0);
	got_free(&g);

	/* the same member declaring 1,000 bytes: the bytes really inflated
	 * are counted, not the size it declares */
	cd = memmem(z, len, "PK\1\2", 4);
	CU_ASSERT_FATAL(cd != NULL);
	patch32((unsigned char *)z + 22, 1000);
	patch32(cd + 24, 1000);
	run(&g, z, len, "bomb.zip", NULL);
	if (!HAS(&g.findings, "inflates to more than the size it declares"))
		show(&g);
	CU_ASSERT(HAS(&g.findings,
	    "mime-undecodable zeros.csv: inflates to "
	    "more than the size it declares"));
	CU_ASSERT(g.text.len == 0);
	got_free(&g);
	free(z);
}

static void
extract_stops_at_too_many_members(void)
{
	struct testutil_member *m =
	    calloc(BOUND_EXTRACT_ENTRIES + 5, sizeof(*m));
	char(*names)[16] = calloc(BOUND_EXTRACT_ENTRIES + 5, sizeof(*names));
	struct got g;
	size_t len, i;
	char *z;

	CU_ASSERT_FATAL(m != NULL && names != NULL);
	for (i = 0; i < BOUND_EXTRACT_ENTRIES + 5; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "%zu.txt", i);
		m[i].name = names[i];
		m[i].data = "x";
	}
	z = testutil_zip(&len, m, BOUND_EXTRACT_ENTRIES + 5);
	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "many.zip", NULL);
	CU_ASSERT(g.flags & CONTENT_LIMIT_PARTS);
	CU_ASSERT(HAS(&g.findings,
	    "mime-parts : the members after the first "
	    "1000 (of 1005)"));
	got_free(&g);
	free(z);
	/* an office document too: its sheet could be past the bound */
	m[0].name = "xl/workbook.xml";
	m[0].data = workbook;
	z = testutil_zip(&len, m, BOUND_EXTRACT_ENTRIES + 5);
	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "many.xlsx", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_SPREADSHEET);
	CU_ASSERT(HAS(&g.findings,
	    "mime-parts : the members after the first "
	    "1000 (of 1005)"));
	got_free(&g);
	free(z);
	free(m);
	free(names);
}

static void
extract_encrypted_member_is_a_finding(void)
{
	struct testutil_member m[2] = {
	    {"open.csv", "Open,Text\n", 0, NULL},
	    {"grades.csv", "Lindqvist,Ava,F\n", 0, "secret"},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 2);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "grades.zip", NULL);
	CU_ASSERT(g.flags & CONTENT_LIMIT_ENCRYPTED);
	CU_ASSERT(HAS(&g.findings, "mime-encrypted grades.csv: encrypted\n"));
	CU_ASSERT(HAS(&g.text, "Open,Text"));
	CU_ASSERT(!HAS(&g.text, "Lindqvist"));
	got_free(&g);
	free(z);
}

static void
extract_damaged_zip_is_a_finding(void)
{
	struct got g;
	size_t len;
	char *z = xlsx(&len, sheet);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len / 2, "cut.xlsx", NULL);
	CU_ASSERT(g.flags & CONTENT_LIMIT_UNDECODABLE);
	if (!HAS(&g.findings, "mime-undecodable : a damaged zip archive ("))
		show(&g);
	CU_ASSERT(
	    HAS(&g.findings, "mime-undecodable : a damaged zip archive ("));
	got_free(&g);
	free(z);
}

/* ---- text, images and formats not read ----------------------------------- */

static void
extract_reads_text_whatever_its_type(void)
{
	static const char latin1[] = "Lindqvist;\xc5sa;2B\r\n";
	static const char utf16[] = "\xff\xfeL\0i\0n\0d\0q\0v\0i\0s\0t\0";
	struct got g;

	run(&g, "Lindqvist,Ava,2B\n", 17, "class.csv",
	    "application/octet-stream");
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_TEXT);
	CU_ASSERT(HAS(&g.text, "[|text] Lindqvist,Ava,2B\n"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);

	run(&g, latin1, sizeof(latin1) - 1, "class.csv", NULL);
	CU_ASSERT(HAS(&g.text, "Lindqvist;\xc3\x85sa;2B"));
	got_free(&g);

	run(&g, utf16, sizeof(utf16) - 1, "class.txt", NULL);
	CU_ASSERT(HAS(&g.text, "[|text] Lindqvist"));
	got_free(&g);

	run(&g, "<p>Lindqvist <b>Ava</b></p>", 27, "list.html",
	    "application/octet-stream");
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_HTML);
	CU_ASSERT(HAS(&g.text, "Lindqvist Ava"));
	got_free(&g);
}

static void
extract_text_stops_at_the_room_left(void)
{
	static const char utf16[] = "\xff\xfeL\0\xe4\0n\0d\0q\0v\0i\0s\0t\0";
	struct got g;

	/* "L\xc3\xa4ndqvist": the room ends inside the "\xc3\xa4" */
	run_room(&g, utf16, sizeof(utf16) - 1, "class.txt", NULL, 2);
	CU_ASSERT(HAS(&g.text, "[|text] L\n"));
	CU_ASSERT(HAS(&g.findings, "mime-bytes : the text after 1 bytes"));
	got_free(&g);
	run_room(&g, "Lindqvist,Ava\n", 14, "class.csv", NULL, 4);
	CU_ASSERT(HAS(&g.text, "[|text] Lind\n"));
	CU_ASSERT(g.flags & CONTENT_LIMIT_BYTES);
	got_free(&g);
}

static void
extract_knows_images_by_their_bytes(void)
{
	static const char *const types[] = {
	    "application/octet-stream", "text/plain", "image/gif", NULL};
	struct got g;
	size_t k;

	for (k = 0; types[k] != NULL; k++) {
		run(&g, png, sizeof(png), "class.csv", types[k]);
		CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_IMAGE);
		CU_ASSERT_EQUAL(g.flags, 0);
		CU_ASSERT_EQUAL(g.text.len, 0);
		got_free(&g);
		run(&g, jpeg, sizeof(jpeg), "notes.txt", types[k]);
		CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_IMAGE);
		CU_ASSERT_EQUAL(g.flags, 0);
		got_free(&g);
	}
	CU_ASSERT_EQUAL(extract_sniff("GIF89a\1\0\1\0", 10, NULL, NULL),
	    CONTENT_KIND_IMAGE);
	CU_ASSERT_EQUAL(extract_sniff("RIFF\0\0\0\0WEBPVP8 ", 16, NULL, NULL),
	    CONTENT_KIND_IMAGE);
	CU_ASSERT_EQUAL(extract_sniff("II*\0\x08\0\0\0", 8, NULL, NULL),
	    CONTENT_KIND_IMAGE);
	CU_ASSERT_EQUAL(extract_sniff("\0\0\0\x18"
	                              "ftypheic\0\0\0\0",
	                    16, NULL, NULL),
	    CONTENT_KIND_IMAGE);
	CU_ASSERT_EQUAL(extract_sniff("\0\0\0\x18"
	                              "ftypisom\0\0\0\0",
	                    16, NULL, NULL),
	    CONTENT_KIND_OTHER);
	CU_ASSERT_EQUAL(
	    extract_sniff(
	        "BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18, NULL, NULL),
	    CONTENT_KIND_IMAGE);
	/* a text that happens to start with "BM" stays text */
	CU_ASSERT_EQUAL(
	    extract_sniff("BMW fleet list\n", 15, NULL, "image/bmp"),
	    CONTENT_KIND_TEXT);
}

static void
extract_printable_magic_does_not_hide_a_text(void)
{
	static const char gif_text[] = "GIF89a\nLindqvist,Ava,2B\n";
	static const char bm_text[] =
	    "BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0";
	static const char rtf[] = "{\\rtf1\\ansi Lindqvist Ava}";
	struct got g;

	/* a text that starts like a GIF is read as text, not skipped as
	 * an image */
	run(&g, gif_text, sizeof(gif_text) - 1, "class.gif", "image/gif");
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_TEXT);
	CU_ASSERT(HAS(&g.text, "Lindqvist,Ava,2B"));
	got_free(&g);
	run(&g, rtf, sizeof(rtf) - 1, "class.rtf", "application/rtf");
	CU_ASSERT(HAS(&g.text, "Lindqvist Ava"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);
	CU_ASSERT_EQUAL(extract_sniff(bm_text, sizeof(bm_text) - 1, NULL, NULL),
	    CONTENT_KIND_IMAGE);
	CU_ASSERT(extract_text_like(gif_text, sizeof(gif_text) - 1));
	CU_ASSERT(!extract_text_like(png, sizeof(png)));
}

static void
extract_encrypted_office_document_is_a_finding(void)
{
	/* an OLE2 compound file with an EncryptedPackage stream, as Office
	 * writes an XLSX with a password */
	static const char ole[] =
	    "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\x01\x02"
	    "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0\0\0";
	struct got g;

	run(&g, ole, sizeof(ole) - 1, "grades.xlsx", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_SPREADSHEET);
	CU_ASSERT_EQUAL(g.flags, CONTENT_LIMIT_ENCRYPTED);
	CU_ASSERT(HAS(&g.findings,
	    "mime-encrypted : an encrypted Office "
	    "document\n"));
	got_free(&g);
}

static void
extract_reads_a_pivot_cache(void)
{
	static const char defn[] =
	    "<pivotCacheDefinition><cacheSource type=\"worksheet\"/>"
	    "<cacheFields count=\"2\"><cacheField name=\"Surname\">"
	    "<sharedItems><s v=\"Lindqvist\"/><s v=\"Haddad\"/></sharedItems>"
	    "</cacheField><cacheField name=\"Grade\"><sharedItems "
	    "containsNumber=\"1\"/></cacheField></cacheFields>"
	    "</pivotCacheDefinition>";
	static const char records[] =
	    "<pivotCacheRecords count=\"1\"><r><x v=\"0\"/><s v=\"Ava\"/>"
	    "<n v=\"3.5\"/></r></pivotCacheRecords>";
	struct testutil_member m[] = {
	    {"xl/workbook.xml", workbook, 0, NULL},
	    {"xl/pivotCache/pivotCacheDefinition1.xml", defn, 0, NULL},
	    {"xl/pivotCache/pivotCacheRecords1.xml", records, 0, NULL},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 3);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "summary.xlsx", NULL);
	if (!HAS(&g.text, "Lindqvist\tHaddad\n") || !HAS(&g.text, "Ava\t3.5\n"))
		show(&g);
	CU_ASSERT(HAS(&g.text, "Lindqvist\tHaddad\n"));
	CU_ASSERT(HAS(&g.text, "Ava\t3.5\n"));
	got_free(&g);
	free(z);
}

static void
extract_reads_sheets_wherever_the_workbook_keeps_them(void)
{
	struct testutil_member m[] = {
	    {"xl/workbook.xml", workbook, 0, NULL},
	    {"xl/sharedStrings.xml", shared, 0, NULL},
	    {"xl/elsewhere/hidden.xml", sheet, 0, NULL},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 3);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "2b.xlsx", NULL);
	CU_ASSERT(HAS(&g.text, "Lindqvist\tAva\t42\n"));
	got_free(&g);
	free(z);
}

static void
extract_formats_not_read_are_findings(void)
{
	static const char ole[] =
	    "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0";
	static const char bin[] = "\x01\x02\x03\0\x04\x05\x06\x07";
	struct got g;

	run(&g, ole, sizeof(ole) - 1, "old.doc", "application/msword");
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_OTHER);
	CU_ASSERT(HAS(&g.findings,
	    "mime-unread : a legacy Office file, a "
	    "format the filter does not read\n"));
	got_free(&g);
	run(&g, "Rar!\x1a\x07\x01\0", 8, "a.rar", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_ARCHIVE);
	CU_ASSERT(g.flags & CONTENT_LIMIT_UNREAD);
	got_free(&g);
	run(&g, bin, sizeof(bin) - 1, "clip.mov", "video/quicktime");
	CU_ASSERT(HAS(&g.findings,
	    "mime-unread : a format the filter does "
	    "not read\n"));
	got_free(&g);
	/* a detached S/MIME signature holds nothing to read */
	run(&g, "\x30\x82\x01\x00\x06\x09", 6, "smime.p7s",
	    "application/pkcs7-signature");
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);
}

/* ---- PDF --------------------------------------------------------------------
 */

/* pdf - a one-page PDF showing text, xref offsets right */
static char *
pdf(size_t *len, const char *text)
{
	struct buf b;
	size_t off[6], i;
	char stream[256];

	(void)snprintf(stream, sizeof(stream),
	    "BT /F1 12 Tf 72 720 Td (%s) Tj ET\n", text);
	buf_init(&b, 65536);
	(void)buf_puts(&b, "%PDF-1.4\n");
	off[1] = b.len;
	(void)buf_puts(
	    &b, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	off[2] = b.len;
	(void)buf_puts(&b,
	    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> "
	    "endobj\n");
	off[3] = b.len;
	(void)buf_puts(&b,
	    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox "
	    "[0 0 612 792] /Contents 4 0 R /Resources << /Font "
	    "<< /F1 5 0 R >> >> >> endobj\n");
	off[4] = b.len;
	(void)buf_printf(&b,
	    "4 0 obj << /Length %zu >> stream\n%sendstream "
	    "endobj\n",
	    strlen(stream), stream);
	off[5] = b.len;
	(void)buf_puts(&b,
	    "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont "
	    "/Helvetica >> endobj\n");
	i = b.len;
	(void)buf_puts(&b, "xref\n0 6\n0000000000 65535 f \n");
	for (size_t k = 1; k <= 5; k++)
		(void)buf_printf(&b, "%010zu 00000 n \n", off[k]);
	(void)buf_printf(&b,
	    "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", i);
	*len = b.len;
	return buf_steal(&b);
}

static void
extract_reads_pdf_text_through_the_reader(void)
{
	struct got g;
	size_t len;
	char *p = pdf(&len, "Lindqvist Ava grade 2B");
	struct timespec t0, t1;

	CU_ASSERT_FATAL(p != NULL);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	run(&g, p, len, "x.pdf", "application/pdf");
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("\nPDF read in %ld ms\n",
	    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	        (t1.tv_nsec - t0.tv_nsec) / 1000000));
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_PDF);
	if (!HAS(&g.text, "Lindqvist Ava grade 2B"))
		show(&g);
	CU_ASSERT(HAS(&g.text, "[|pdf] Lindqvist Ava grade 2B"));
	CU_ASSERT_EQUAL(g.flags, 0);
	got_free(&g);

	/* not a PDF poppler can read */
	run(&g, "%PDF-1.4\nnothing here\n", 22, "bad.pdf", NULL);
	CU_ASSERT(HAS(&g.findings, "mime-undecodable : a damaged PDF\n"));
	got_free(&g);
	free(p);
}

/* with_reader - run a PDF through the reader script body (sh), in
 * GUARDIAN_PDFTEXT for the call */
static void
with_reader(struct got *g, const char *script, const char *pdf_text)
{
	char path[PATH_MAX], *saved = NULL, *p;
	const char *old = getenv("GUARDIAN_PDFTEXT");
	size_t len;

	if (old != NULL)
		saved = strdup(old);
	if (script != NULL) {
		(void)snprintf(path, sizeof(path), "%s",
		    testutil_write(testutil_tmpdir(), "reader.sh", script));
		CU_ASSERT(chmod(path, 0700) == 0);
	} else
		(void)snprintf(
		    path, sizeof(path), "%s/no-such-reader", testutil_tmpdir());
	(void)setenv("GUARDIAN_PDFTEXT", path, 1);
	p = pdf(&len, pdf_text);
	run(g, p, len, "x.pdf", "application/pdf");
	free(p);
	if (saved != NULL)
		(void)setenv("GUARDIAN_PDFTEXT", saved, 1);
	else
		(void)unsetenv("GUARDIAN_PDFTEXT");
	free(saved);
}

static void
extract_kills_a_pdf_reader_that_hangs(void)
{
	struct timespec t0, t1;
	struct got g;
	long ms;
	int st;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	with_reader(&g, "#!/bin/sh\nexec sleep 60\n", "x");
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000);
	CU_ASSERT(ms >= BOUND_PDF_SECONDS * 1000 - 100);
	CU_ASSERT(ms < BOUND_PDF_SECONDS * 1000 + 2000);
	CU_ASSERT(g.flags & CONTENT_LIMIT_TIME);
	CU_ASSERT(HAS(&g.findings,
	    "mime-time : PDF reader timed out after 5 "
	    "s\n"));
	/* killed and reaped: no child is left, not even a zombie */
	errno = 0;
	CU_ASSERT_EQUAL(waitpid(-1, &st, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
	got_free(&g);
}

static void
extract_pdf_reader_failures_are_findings(void)
{
	char script[256];
	struct got g;
	int fd;

	with_reader(&g, NULL, "x");
	CU_ASSERT(g.flags & CONTENT_LIMIT_UNREAD);
	/* "(No such file or directory)", or "(exit status 127)" where the
	 * C library cannot tell (valgrind) */
	if (!HAS(&g.findings, "no-such-reader could not be started ("))
		show(&g);
	CU_ASSERT(HAS(&g.findings, "no-such-reader could not be started ("));
	got_free(&g);

	with_reader(&g, "#!/bin/sh\ncat >/dev/null\nexit 3\n", "x");
	CU_ASSERT(HAS(&g.findings, "mime-encrypted : encrypted\n"));
	got_free(&g);

	with_reader(&g, "#!/bin/sh\nkill -SEGV $$\n", "x");
	CU_ASSERT(HAS(&g.findings,
	    "mime-undecodable : PDF reader failed "
	    "(signal 11)\n"));
	got_free(&g);

	/* a descriptor the caller left open without close-on-exec does not
	 * reach the reader */
	fd = open("/dev/null", O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(dup2(fd, 57) == 57);
	(void)snprintf(script, sizeof(script),
	    "#!/bin/sh\ncat >/dev/null\n"
	    "if [ -e /proc/$$/fd/57 ]; then echo LEAKED; else echo CLEAN; fi\n");
	with_reader(&g, script, "x");
	CU_ASSERT(HAS(&g.text, "CLEAN"));
	CU_ASSERT(!HAS(&g.text, "LEAKED"));
	got_free(&g);
	(void)close(57);
	(void)close(fd);
}

/* The readers run at once by pdf_thread(). */
struct pdf_job {
	struct got g;
	const char *pdf;
	size_t len;
};

static void *
pdf_thread(void *arg)
{
	struct pdf_job *j = arg;

	run(&j->g, j->pdf, j->len, "x.pdf", "application/pdf");
	return NULL;
}

static void
extract_runs_at_most_two_pdf_readers_at_once(void)
{
	struct pdf_job jobs[2 * BOUND_PDF_HELPERS];
	pthread_t th[2 * BOUND_PDF_HELPERS];
	struct timespec t0, t1;
	const char *path;
	size_t len, k, n = 2 * BOUND_PDF_HELPERS;
	char *p = pdf(&len, "x"), *saved = NULL;
	long ms;

	CU_ASSERT_FATAL(p != NULL);
	if (getenv("GUARDIAN_PDFTEXT") != NULL)
		saved = strdup(getenv("GUARDIAN_PDFTEXT"));
	path = testutil_write(testutil_tmpdir(), "slow.sh",
	    "#!/bin/sh\ncat >/dev/null\nsleep 1\necho READ\n");
	CU_ASSERT(chmod(path, 0700) == 0);
	(void)setenv("GUARDIAN_PDFTEXT", path, 1);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < n; k++) {
		jobs[k].pdf = p;
		jobs[k].len = len;
		CU_ASSERT_FATAL(
		    pthread_create(&th[k], NULL, pdf_thread, &jobs[k]) == 0);
	}
	for (k = 0; k < n; k++)
		(void)pthread_join(th[k], NULL);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000);
	/* four readers of a second each, two at a time: two seconds */
	CU_ASSERT(ms >= 2000);
	CU_ASSERT(ms < BOUND_PDF_SECONDS * 1000);
	for (k = 0; k < n; k++) {
		CU_ASSERT(HAS(&jobs[k].g.text, "[|pdf] READ"));
		CU_ASSERT_EQUAL(jobs[k].g.flags, 0);
		got_free(&jobs[k].g);
	}
	if (saved != NULL)
		(void)setenv("GUARDIAN_PDFTEXT", saved, 1);
	else
		(void)unsetenv("GUARDIAN_PDFTEXT");
	free(saved);
	free(p);
}

static void
extract_reads_odt_paragraphs(void)
{
	static const char content[] =
	    "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\">"
	    "<office:body><office:text><text:h>Class 2B</text:h>"
	    "<text:p>Lindqvist<text:s/>Ava<text:tab/>grade "
	    "<text:span>B</text:span></text:p></office:text></office:body>"
	    "</office:document-content>";
	struct testutil_member m[] = {
	    {"mimetype", "application/vnd.oasis.opendocument.text", 0, NULL},
	    {"content.xml", content, 0, NULL},
	};
	struct got g;
	size_t len;
	char *z = testutil_zip(&len, m, 2);

	CU_ASSERT_FATAL(z != NULL);
	run(&g, z, len, "letter.odt", NULL);
	CU_ASSERT_EQUAL(g.kind, CONTENT_KIND_DOCUMENT);
	if (!HAS(&g.text, "[|document] Class 2B\nLindqvist Ava\tgrade B\n"))
		show(&g);
	CU_ASSERT(
	    HAS(&g.text, "[|document] Class 2B\nLindqvist Ava\tgrade B\n"));
	got_free(&g);
	free(z);
}

static CU_TestInfo tests[] = {
    {"extract_reads_xlsx_shared_and_inline_strings",
        extract_reads_xlsx_shared_and_inline_strings},
    {"extract_reads_docx_paragraphs_as_lines",
        extract_reads_docx_paragraphs_as_lines},
    {"extract_reads_what_a_document_embeds",
        extract_reads_what_a_document_embeds},
    {"extract_reads_odf_embedded_objects", extract_reads_odf_embedded_objects},
    {"extract_reads_ods_without_repeating_cells",
        extract_reads_ods_without_repeating_cells},
    {"extract_reads_pptx_slides", extract_reads_pptx_slides},
    {"extract_billion_cell_dimension_reads_only_the_cells_there",
        extract_billion_cell_dimension_reads_only_the_cells_there},
    {"extract_stops_at_the_cell_bound", extract_stops_at_the_cell_bound},
    {"extract_never_expands_xml_entities", extract_never_expands_xml_entities},
    {"extract_reads_nested_zips", extract_reads_nested_zips},
    {"extract_stops_at_archive_depth", extract_stops_at_archive_depth},
    {"extract_refuses_a_zip_bomb", extract_refuses_a_zip_bomb},
    {"extract_stops_at_too_many_members", extract_stops_at_too_many_members},
    {"extract_encrypted_member_is_a_finding",
        extract_encrypted_member_is_a_finding},
    {"extract_damaged_zip_is_a_finding", extract_damaged_zip_is_a_finding},
    {"extract_reads_text_whatever_its_type",
        extract_reads_text_whatever_its_type},
    {"extract_text_stops_at_the_room_left",
        extract_text_stops_at_the_room_left},
    {"extract_knows_images_by_their_bytes",
        extract_knows_images_by_their_bytes},
    {"extract_printable_magic_does_not_hide_a_text",
        extract_printable_magic_does_not_hide_a_text},
    {"extract_encrypted_office_document_is_a_finding",
        extract_encrypted_office_document_is_a_finding},
    {"extract_reads_a_pivot_cache", extract_reads_a_pivot_cache},
    {"extract_reads_sheets_wherever_the_workbook_keeps_them",
        extract_reads_sheets_wherever_the_workbook_keeps_them},
    {"extract_formats_not_read_are_findings",
        extract_formats_not_read_are_findings},
    {"extract_reads_pdf_text_through_the_reader",
        extract_reads_pdf_text_through_the_reader},
    {"extract_kills_a_pdf_reader_that_hangs",
        extract_kills_a_pdf_reader_that_hangs},
    {"extract_pdf_reader_failures_are_findings",
        extract_pdf_reader_failures_are_findings},
    {"extract_runs_at_most_two_pdf_readers_at_once",
        extract_runs_at_most_two_pdf_readers_at_once},
    {"extract_reads_odt_paragraphs", extract_reads_odt_paragraphs},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"extract", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_extract", suites);
}
