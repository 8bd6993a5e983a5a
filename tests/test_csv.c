/*
 * test_csv.c - the RFC 4180 reader: quoting, encodings, line ends, header
 * names, limits, and the exact wording of every diagnostic
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "diag.h"
#include "testutil.h"

/* A reader's whole output: records as "LINE:f1|f2|...\n" over every header
 * column, then the diagnostics, one per line. */
struct run {
	char out[8192];
	char diag[8192];
	int rc;   /* csv_open result */
	int last; /* last csv_next result */
	size_t ncols;
};

/* append - add text to a fixed test buffer, failing the test if cut */
static void
append(char *dst, size_t size, const char *text)
{
	size_t len = strlen(dst);

	if (strlen(text) >= size - len) {
		CU_FAIL("test output buffer too small");
		return;
	}
	memcpy(dst + len, text, strlen(text) + 1);
}

/* collect - the diagnostics of dg, one per line */
static void
collect(char *dst, size_t size, const struct diag *dg)
{
	size_t i;

	dst[0] = '\0';
	for (i = 0; i < diag_kept(dg); i++) {
		append(dst, size, diag_text(dg, i));
		append(dst, size, "\n");
	}
}

/* drain - read every record of c into r */
static void
drain(struct run *r, struct csv *c)
{
	char line[64];
	size_t i;

	r->ncols = csv_columns(c);
	while ((r->last = csv_next(c)) == 1) {
		(void)snprintf(line, sizeof(line), "%lu:", csv_line(c));
		append(r->out, sizeof(r->out), line);
		for (i = 0; i < r->ncols; i++) {
			if (i > 0)
				append(r->out, sizeof(r->out), "|");
			append(r->out, sizeof(r->out), csv_get(c, (int)i));
		}
		append(r->out, sizeof(r->out), "\n");
	}
}

/* run_mem - read text (len bytes) as "t.csv" with limits lim */
static void
run_mem(
    struct run *r, const char *text, size_t len, const struct csv_limits *lim)
{
	struct diag *dg = diag_new();
	struct csv *c = NULL;

	memset(r, 0, sizeof(*r));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dg);
	r->rc = csv_open_mem(&c, "t.csv", text, len, lim, dg);
	if (r->rc == 0)
		drain(r, c);
	else
		CU_ASSERT_PTR_NULL(c);
	collect(r->diag, sizeof(r->diag), dg);
	csv_free(c);
	diag_free(dg);
}

/* run_lim - run_mem over a NUL-terminated text with limits */
static void
run_lim(struct run *r, const char *text, const struct csv_limits *lim)
{
	run_mem(r, text, strlen(text), lim);
}

/* run_str - run_mem over a NUL-terminated text */
static void
run_str(struct run *r, const char *text)
{
	run_mem(r, text, strlen(text), NULL);
}

/* Table of whole-file cases: input, records wanted, diagnostics wanted. */
struct csv_case {
	const char *label;
	const char *in;
	const char *want;
	const char *want_diag;
};

static const struct csv_case cases[] = {
    {"plain records", "a,b\n1,2\n3,4\n", "2:1|2\n3:3|4\n", ""},
    {"no newline at the end", "a,b\n1,2", "2:1|2\n", ""},
    {"CRLF line ends", "a,b\r\n1,2\r\n3,4\r\n", "2:1|2\n3:3|4\n", ""},
    {"lone CR line ends", "a,b\r1,2\r3,4\r", "2:1|2\n3:3|4\n", ""},
    {"mixed line ends", "a,b\r\n1,2\n3,4\r5,6", "2:1|2\n3:3|4\n4:5|6\n", ""},
    {"byte order mark skipped",
        "\xEF\xBB\xBF"
        "a,b\n1,2\n",
        "2:1|2\n", ""},
    {"quoted comma", "a,b\n\"x,y\",2\n", "2:x,y|2\n", ""},
    {"doubled quotes", "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n",
        "2:say \"hi\"|\"\n", ""},
    {"embedded newlines keep the line count",
        "a,b\n\"one\ntwo\",\"x\r\ny\"\n3,4\n", "2:one\ntwo|x\r\ny\n5:3|4\n",
        ""},
    {"quoted multi-value id list", "sourcedId,orgSourcedIds\nu1,\"o1,o2,o3\"\n",
        "2:u1|o1,o2,o3\n", ""},
    {"empty fields", "a,b,c\n,,\n\"\",x,\n", "2:||\n3:|x|\n", ""},
    {"quote inside an unquoted field is literal", "a,b\n5\" tall,x\n",
        "2:5\" tall|x\n", ""},
    {"formula-like cells kept verbatim",
        "a,b,c,d\n=SUM(A1:A9),+1,-2,@cmd\n\"=HYPERLINK(\"\"http://x\"\")\",=1+1,'0012,\"=cmd|' /C calc'!A0\"\n",
        "2:=SUM(A1:A9)|+1|-2|@cmd\n"
        "3:=HYPERLINK(\"http://x\")|=1+1|'0012|=cmd|' /C calc'!A0\n",
        ""},
    {"UTF-8 names", "givenName,familyName\nZoë,Nguyễn\nJosé,O'Brien\n李,小龙\n",
        "2:Zoë|Nguyễn\n3:José|O'Brien\n4:李|小龙\n", ""},
    {"blank lines skipped", "a,b\n\n1,2\n\r\n\n3,4\n\n", "3:1|2\n6:3|4\n", ""},
    {"header only", "a,b\n", "", ""},
    {"spaces are data", "a,b\n 1 , 2\n", "2: 1 | 2\n", ""},
    {"trailing empty header cells", "a,b,,\n1,2\n3,4,,\n5,6,\n",
        "2:1|2||\n3:3|4||\n4:5|6||\n", ""},
    {"empty cells past the header are fine", "a,b\n1,2,,\n", "2:1|2\n", ""},
    {"too few fields", "a,b,c\n1,2\n3,4,5\n", "3:3|4|5\n",
        "t.csv:2: record has 2 fields, the header has 3\n"},
    {"one field", "a,b\nx\n", "",
        "t.csv:2: record has 1 field, the header has 2\n"},
    {"too many fields", "a,b\n1,2,3\n4,5\n", "3:4|5\n",
        "t.csv:2:3: record has 3 fields, the header has 2\n"},
    {"data under a trailing empty header cell is kept apart", "a,b,,\n1,2,,x\n",
        "2:1|2||x\n", ""},
    {"data past the header's width", "a,b,,\n1,2,,,x\n", "",
        "t.csv:2:5: record has 5 fields, the header has 4\n"},
    {"text after a closing quote", "a,b\n\"x\"y,2\n3,4\n", "3:3|4\n",
        "t.csv:2:1: text after the closing quote (a quote inside a "
        "quoted field must be doubled)\n"},
    {"unclosed quote", "a,b\n1,2\n3,\"open\nmore\n", "2:1|2\n",
        "t.csv:3:2: quoted field not closed before the end of the file\n"},
    {"invalid UTF-8 (Latin-1 export)", "a,b\n1,Jos\xE9\n3,4\n", "3:3|4\n",
        "t.csv:2:2: invalid UTF-8 (byte 0xE9 at offset 4 of the field); "
        "export the file as UTF-8\n"},
    {"invalid UTF-8 in a later line of a quoted field",
        "a,b\n1,\"ok\nbad\xC3(\"\n", "",
        "t.csv:2:2: invalid UTF-8 (byte 0xC3 at offset 7 of the field); "
        "export the file as UTF-8\n"},
    {"NUL byte", "a,b\n1,x\0y\n3,4\n", "3:3|4\n",
        "t.csv:2:2: NUL byte at offset 2 of the field\n"},
    {"only the first problem of a record is told", "a,b\n\xFF,\xFF\n", "",
        "t.csv:2:1: invalid UTF-8 (byte 0xFF at offset 1 of the field); "
        "export the file as UTF-8\n"},
    {"every bad record is told", "a,b\n1\n2\n3,4\n", "4:3|4\n",
        "t.csv:2: record has 1 field, the header has 2\n"
        "t.csv:3: record has 1 field, the header has 2\n"},
    {"empty file", "", "", "t.csv: empty file (expected a header line)\n"},
    {"blank lines only", "\n\r\n\n", "",
        "t.csv: empty file (expected a header line)\n"},
    {"UTF-16 little endian",
        "\xFF\xFE"
        "a\0,\0b\0\n\0",
        "", "t.csv: UTF-16 text; export the file as UTF-8\n"},
    {"UTF-16 big endian", "\xFE\xFF\0a\0,\0b\0\n", "",
        "t.csv: UTF-16 text; export the file as UTF-8\n"},
    {"bad header", "a,\"b\n", "",
        "t.csv:1:2: quoted field not closed before the end of the file\n"},
    {"duplicate column", "a,b,A\n1,2,3\n", "2:1|2|3\n",
        "t.csv:1:3: duplicate column \"A\" (also field 1)\n"},
};

/* len_of - the input length of a case: inputs with NUL bytes end at the
 * last byte of the literal, found by its final newline */
static size_t
len_of(const struct csv_case *tc)
{
	if (strcmp(tc->label, "NUL byte") == 0)
		return sizeof("a,b\n1,x\0y\n3,4\n") - 1;
	if (strcmp(tc->label, "UTF-16 little endian") == 0)
		return sizeof("\xFF\xFE"
		              "a\0,\0b\0\n\0") -
		    1;
	if (strcmp(tc->label, "UTF-16 big endian") == 0)
		return sizeof("\xFE\xFF\0a\0,\0b\0\n") - 1;
	return strlen(tc->in);
}

static void
csv_reads_every_case_of_the_table(void)
{
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_mem(&r, cases[i].in, len_of(&cases[i]), NULL);
		if (strcmp(r.out, cases[i].want) != 0 ||
		    strcmp(r.diag, cases[i].want_diag) != 0) {
			fprintf(stderr,
			    "\ncase \"%s\":\n got records:\n%s got diag:\n%s"
			    " want records:\n%s want diag:\n%s",
			    cases[i].label, r.out, r.diag, cases[i].want,
			    cases[i].want_diag);
			CU_FAIL(cases[i].label);
		}
		if (cases[i].want_diag[0] == '\0')
			CU_ASSERT_EQUAL(r.last, 0);
	}
}

static void
csv_open_fails_without_a_header(void)
{
	struct run r;

	run_str(&r, "");
	CU_ASSERT_EQUAL(r.rc, -1);
	run_str(&r, "a,b\n");
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_EQUAL(r.ncols, 2);
}

static void
csv_finds_columns_by_name_in_any_order_and_case(void)
{
	static const char text[] = " Email ,SOURCEDID,\textension\t,,role\n"
	                           "a@x,u1,ext,,teacher\n";
	struct diag *dg = diag_new();
	struct csv *c = NULL;

	CU_ASSERT_EQUAL_FATAL(
	    csv_open_mem(&c, "t.csv", text, strlen(text), NULL, dg), 0);
	CU_ASSERT_EQUAL(csv_columns(c), 5);
	CU_ASSERT_STRING_EQUAL(csv_column_name(c, 0), "Email");
	CU_ASSERT_STRING_EQUAL(csv_column_name(c, 3), "");
	CU_ASSERT_EQUAL(csv_find(c, "sourcedId"), 1);
	CU_ASSERT_EQUAL(csv_find(c, "email"), 0);
	CU_ASSERT_EQUAL(csv_find(c, "extension"), 2);
	CU_ASSERT_EQUAL(csv_find(c, "role"), 4);
	CU_ASSERT_EQUAL(csv_find(c, ""), -1);
	CU_ASSERT_EQUAL(csv_find(c, "username"), -1);
	CU_ASSERT_EQUAL(csv_next(c), 1);
	CU_ASSERT_STRING_EQUAL(csv_get(c, csv_find(c, "role")), "teacher");
	CU_ASSERT_STRING_EQUAL(csv_get(c, csv_find(c, "sourcedId")), "u1");
	CU_ASSERT_STRING_EQUAL(csv_get(c, -1), "");
	CU_ASSERT_EQUAL(csv_get_len(c, 0), 3);
	CU_ASSERT_EQUAL(csv_next(c), 0);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	csv_free(c);
	diag_free(dg);
}

static void
csv_require_reports_a_missing_column(void)
{
	static const char text[] = "sourcedId,role\nu1,student\n";
	struct diag *dg = diag_new();
	struct csv *c = NULL;

	CU_ASSERT_EQUAL_FATAL(
	    csv_open_mem(&c, "dir/users.csv", text, strlen(text), NULL, dg), 0);
	CU_ASSERT_EQUAL(csv_require(c, "role"), 1);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	CU_ASSERT_EQUAL(csv_require(c, "email"), -1);
	CU_ASSERT_EQUAL(diag_count(dg), 1);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 0),
	    "dir/users.csv:1: missing required column \"email\"");
	csv_free(c);
	diag_free(dg);
}

static void
csv_error_and_warn_point_at_the_field_line(void)
{
	static const char text[] = "a,b\n\"x\ny\",2\n";
	struct diag *dg = diag_new();
	struct csv *c = NULL;

	CU_ASSERT_EQUAL_FATAL(
	    csv_open_mem(&c, "t.csv", text, strlen(text), NULL, dg), 0);
	CU_ASSERT_EQUAL_FATAL(csv_next(c), 1);
	CU_ASSERT_EQUAL(csv_line(c), 2);
	CU_ASSERT_EQUAL(csv_field_line(c, 0), 2);
	CU_ASSERT_EQUAL(csv_field_line(c, 1), 3);
	csv_error(c, 1, "bad value \"%s\"", csv_get(c, 1));
	csv_warn(c, -1, "odd record");
	CU_ASSERT_EQUAL(diag_count(dg), 1);
	CU_ASSERT_EQUAL(diag_warnings(dg), 1);
	CU_ASSERT_STRING_EQUAL(diag_text(dg, 0), "t.csv:3:2: bad value \"2\"");
	CU_ASSERT_STRING_EQUAL(
	    diag_text(dg, 1), "t.csv:2: warning: odd record");
	csv_free(c);
	diag_free(dg);
}

static void
csv_limits_skip_the_record_and_resume_at_the_right_line(void)
{
	struct csv_limits lim;
	struct run r;

	csv_limits_default(&lim);
	lim.field_bytes = 4;
	run_lim(&r, "a,b\n1234,x\n12345,x\n\"ab\ncde\",x\n5,6\n", &lim);
	CU_ASSERT_STRING_EQUAL(r.out, "2:1234|x\n6:5|6\n");
	CU_ASSERT_STRING_EQUAL(r.diag,
	    "t.csv:3:1: field longer than 4 bytes\n"
	    "t.csv:4:1: field longer than 4 bytes\n");

	csv_limits_default(&lim);
	lim.record_bytes = 10; /* the fields and a NUL after each */
	run_lim(&r, "a,b\n12345,xyz\n12345,xyzw\n5,6\n", &lim);
	CU_ASSERT_STRING_EQUAL(r.out, "2:12345|xyz\n4:5|6\n");
	CU_ASSERT_STRING_EQUAL(
	    r.diag, "t.csv:3: record longer than 10 bytes\n");

	csv_limits_default(&lim);
	lim.fields = 3;
	run_lim(&r, "a,b\n1,2,\n1,2,,\n5,6\n", &lim);
	CU_ASSERT_STRING_EQUAL(r.out, "2:1|2\n4:5|6\n");
	CU_ASSERT_STRING_EQUAL(r.diag, "t.csv:3:4: more than 3 fields\n");

	/* too many fields, then a quote left open to the end of the file */
	lim.fields = 2;
	run_lim(&r, "a,b\n1,2,\"x\ny", &lim);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_STRING_EQUAL(r.diag, "t.csv:2:3: more than 2 fields\n");
}

static void
csv_file_over_its_size_limit_stops_reading(void)
{
	struct csv_limits lim;
	struct run r;

	csv_limits_default(&lim);
	lim.file_bytes = 12;
	run_lim(&r, "a,b\n1,2\n3,4\n5,6\n", &lim);
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_EQUAL(r.last, -1);
	CU_ASSERT_STRING_EQUAL(r.out, "2:1|2\n3:3|4\n");
	CU_ASSERT_STRING_EQUAL(r.diag, "t.csv: file larger than 12 bytes\n");

	/* exactly at the limit is fine */
	run_lim(&r, "a,b\n1,2\n3,4\n", &lim);
	CU_ASSERT_EQUAL(r.last, 0);
	CU_ASSERT_STRING_EQUAL(r.diag, "");
}

static void
csv_stops_when_the_diag_is_full(void)
{
	struct buf in;
	struct run r;
	int i;

	buf_init(&in, 1 << 20);
	CU_ASSERT_EQUAL(buf_puts(&in, "a,b\n"), BUF_OK);
	for (i = 0; i < 200; i++)
		CU_ASSERT_EQUAL(buf_puts(&in, "x\n"), BUF_OK);
	CU_ASSERT_EQUAL(buf_puts(&in, "1,2\n"), BUF_OK);
	run_mem(&r, in.data, in.len, NULL);
	CU_ASSERT_EQUAL(r.last, -1);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	buf_free(&in);
}

static void
csv_open_reports_a_missing_file(void)
{
	struct diag *dg = diag_new();
	struct csv *c = NULL;
	char path[512];

	(void)snprintf(path, sizeof(path), "%s/nope.csv", testutil_tmpdir());
	CU_ASSERT_EQUAL(csv_open(&c, path, NULL, dg), -1);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_EQUAL(diag_count(dg), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag_text(dg, 0),
	    "/nope.csv: cannot open: No such file or directory"));
	diag_free(dg);
}

/* read_file - records and diagnostics of a file through csv_open */
static void
run_file(struct run *r, const char *path)
{
	struct diag *dg = diag_new();
	struct csv *c = NULL;

	memset(r, 0, sizeof(*r));
	r->rc = csv_open(&c, path, NULL, dg);
	if (r->rc == 0)
		drain(r, c);
	collect(r->diag, sizeof(r->diag), dg);
	csv_free(c);
	diag_free(dg);
}

static void
csv_reads_the_data_files(void)
{
	struct run r;

	/* Written by a spreadsheet: BOM, CRLF, quoted multi-line cell,
	 * trailing empty header cells, UTF-8, a formula-like cell. */
	run_file(&r, testutil_data("csv/spreadsheet.csv"));
	CU_ASSERT_EQUAL(r.rc, 0);
	CU_ASSERT_STRING_EQUAL(r.diag, "");
	CU_ASSERT_STRING_EQUAL(r.out,
	    "2:u1|Zoë|\"Ziggy\" Smith|=HYPERLINK(\"http://x.example/\")||\n"
	    "3:u2|Ana María|line one\r\nline two|@SUM(1+1)||\n"
	    "5:u3|李|O'Neil, Jr.|-3||\n");

	run_file(&r, testutil_data("csv/latin1.csv"));
	CU_ASSERT_STRING_EQUAL(r.out, "3:u2|Ana\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.diag,
	    "csv/latin1.csv:2:2: invalid UTF-8 (byte 0xE9 at offset 4 of "
	    "the field); export the file as UTF-8\n"));
}

/* read_all - every record of c as "LINE:f1|f2\n" into out */
static int
read_all(struct buf *out, struct csv *c)
{
	size_t i;
	int r;

	while ((r = csv_next(c)) == 1) {
		CU_ASSERT_EQUAL(buf_printf(out, "%lu:", csv_line(c)), BUF_OK);
		for (i = 0; i < csv_columns(c); i++)
			CU_ASSERT_EQUAL(buf_printf(out, "%s%s", i ? "|" : "",
			                    csv_get(c, (int)i)),
			    BUF_OK);
		CU_ASSERT_EQUAL(buf_putc(out, '\n'), BUF_OK);
	}
	return r;
}

static void
csv_file_and_memory_readers_agree_across_read_chunks(void)
{
	struct buf in, fout, mout;
	struct diag *dg = diag_new();
	struct csv *cf = NULL, *cm = NULL;
	const char *path;
	int i;

	/* more than two 64 KiB read chunks, with quotes, CRLF and
	 * multi-byte characters landing on many chunk boundary offsets */
	buf_init(&in, 1 << 22);
	buf_init(&fout, 1 << 23);
	buf_init(&mout, 1 << 23);
	CU_ASSERT_EQUAL(buf_puts(&in, "\xEF\xBB\xBFid,name,note\r\n"), BUF_OK);
	for (i = 0; i < 6000; i++)
		CU_ASSERT_EQUAL(
		    buf_printf(&in,
		        "%d,\"Zo\xC3\xAB \"\"%d\"\"\",\"a,b\r\nc\"\r\n", i,
		        i % 97),
		    BUF_OK);
	CU_ASSERT_FATAL(in.len > 2 * 64 * 1024);
	path = testutil_write(testutil_tmpdir(), "chunks.csv", in.data);
	CU_ASSERT_EQUAL_FATAL(csv_open(&cf, path, NULL, dg), 0);
	CU_ASSERT_EQUAL_FATAL(
	    csv_open_mem(&cm, "m.csv", in.data, in.len, NULL, dg), 0);
	CU_ASSERT_EQUAL(read_all(&fout, cf), 0);
	CU_ASSERT_EQUAL(read_all(&mout, cm), 0);
	CU_ASSERT_EQUAL(diag_kept(dg), 0);
	CU_ASSERT_EQUAL(fout.len, mout.len);
	CU_ASSERT(fout.len > 0 && memcmp(fout.data, mout.data, fout.len) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    buf_str(&fout), "\n12000:5999|Zo\xC3\xAB \"82\"|a,b\r\nc\n"));
	csv_free(cf);
	csv_free(cm);
	diag_free(dg);
	buf_free(&in);
	buf_free(&fout);
	buf_free(&mout);
}

static void
csv_counts_every_record_of_a_large_file(void)
{
	struct buf in;
	struct diag *dg = diag_new();
	struct csv *c = NULL;
	const char *path;
	unsigned long n = 0, lastline = 0;
	int r;

	buf_init(&in, 1 << 22);
	CU_ASSERT_EQUAL(buf_puts(&in, "id,note\n"), BUF_OK);
	for (r = 0; r < 30000; r++)
		CU_ASSERT_EQUAL(
		    buf_printf(&in, "%d,\"x\ny é\"\r\n", r), BUF_OK);
	path = testutil_write(testutil_tmpdir(), "big.csv", in.data);
	CU_ASSERT_EQUAL_FATAL(csv_open(&c, path, NULL, dg), 0);
	while ((r = csv_next(c)) == 1) {
		char want[32];

		(void)snprintf(want, sizeof(want), "%lu", n);
		if (strcmp(csv_get(c, 0), want) != 0 ||
		    strcmp(csv_get(c, 1), "x\ny é") != 0) {
			CU_FAIL("record read wrongly");
			break;
		}
		lastline = csv_line(c);
		n++;
	}
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(n, 30000);
	CU_ASSERT_EQUAL(lastline, 2 + 2 * 29999);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	csv_free(c);
	diag_free(dg);
	buf_free(&in);
}

static void
csv_utf8_valid_refuses_malformed_sequences(void)
{
	static const struct {
		const char *s;
		size_t want;
	} t[] = {
	    {"plain", 5},
	    {"Zo\xC3\xAB", 4},
	    {"\xE2\x82\xAC", 3},
	    {"\xF0\x9F\x98\x80", 4},
	    {"a\xC0\x80", 1},        /* overlong NUL */
	    {"ab\xE0\x80\xAF", 2},   /* overlong slash */
	    {"\xED\xA0\x80", 0},     /* surrogate */
	    {"\xF4\x90\x80\x80", 0}, /* past U+10FFFF */
	    {"\xF5\x80\x80\x80", 0},
	    {"x\xC3", 1}, /* cut short */
	    {"x\xE2\x82", 1},
	    {"\x80", 0}, /* stray continuation */
	    {"\xC3\x28", 0},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (csv_utf8_valid(t[i].s, strlen(t[i].s)) != t[i].want) {
			fprintf(stderr, "\ncase %zu\n", i);
			CU_FAIL("csv_utf8_valid");
		}
	CU_ASSERT_EQUAL(csv_utf8_valid("a\0b", 3), 1);
}

static CU_TestInfo tests[] = {
    {"csv_reads_every_case_of_the_table", csv_reads_every_case_of_the_table},
    {"csv_open_fails_without_a_header", csv_open_fails_without_a_header},
    {"csv_finds_columns_by_name_in_any_order_and_case",
        csv_finds_columns_by_name_in_any_order_and_case},
    {"csv_require_reports_a_missing_column",
        csv_require_reports_a_missing_column},
    {"csv_error_and_warn_point_at_the_field_line",
        csv_error_and_warn_point_at_the_field_line},
    {"csv_limits_skip_the_record_and_resume_at_the_right_line",
        csv_limits_skip_the_record_and_resume_at_the_right_line},
    {"csv_file_over_its_size_limit_stops_reading",
        csv_file_over_its_size_limit_stops_reading},
    {"csv_stops_when_the_diag_is_full", csv_stops_when_the_diag_is_full},
    {"csv_open_reports_a_missing_file", csv_open_reports_a_missing_file},
    {"csv_reads_the_data_files", csv_reads_the_data_files},
    {"csv_file_and_memory_readers_agree_across_read_chunks",
        csv_file_and_memory_readers_agree_across_read_chunks},
    {"csv_counts_every_record_of_a_large_file",
        csv_counts_every_record_of_a_large_file},
    {"csv_utf8_valid_refuses_malformed_sequences",
        csv_utf8_valid_refuses_malformed_sequences},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"csv", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_csv", suites);
}
