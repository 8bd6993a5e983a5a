/*
 * office.c - the text of office documents: XLSX, DOCX, PPTX (Office
 * Open XML) and ODS, ODT, ODP (OpenDocument)
 *
 * Each XML member goes through libxml2's streaming reader from memory,
 * with XML_PARSE_NONET and neither entity substitution nor DTD loading:
 * an external entity is never fetched, an internal one never expanded
 * (a reference is a finding). No tree is built and nothing is allocated
 * for what a document declares (a sheet's <dimension>, a repeat count):
 * cells and paragraphs are counted as they are read, against
 * BOUND_EXTRACT_CELLS for the message.
 *
 * Spreadsheets: the cells of a row separated by a TAB, rows by a
 * newline, sheets one after another; shared strings resolved. Documents
 * and slides: a paragraph a line.
 */
#include "autoconf.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "bounds.h"
#include "buf.h"
#include "extract.h"
#include "extract/extract_int.h"

/* The reader's options: no network, no entities, no DTD, no noise. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
/* A member path, inside its attachment. */
#define PATH_BYTES 1024

/* A walk over one XML member: the reader and what it has found. */
struct xwalk {
	struct xrun *r;
	const char *path; /* of the member, for findings */
	struct buf *out;
	int full;     /* out reached its ceiling */
	int cut;      /* BOUND_EXTRACT_CELLS reached */
	int entities; /* an entity reference or a DTD was seen */
};

/* put - append to the walk's output; BUF_OK, or BUF_NOMEM (a full
 * buffer is remembered and later text dropped) */
static int
put(struct xwalk *w, const char *s, size_t n)
{
	int rc;

	if (w->full)
		return BUF_OK;
	if ((rc = buf_append(w->out, s, n)) == BUF_TOOBIG) {
		/* what fits of it, then no more */
		n = w->out->max - w->out->len;
		(void)buf_append(w->out, s, n);
		w->full = 1;
		return BUF_OK;
	}
	return rc;
}

/* count - one more cell or paragraph; 0 past the bound */
static int
count(struct xwalk *w)
{
	if (w->r->b->cells >= BOUND_EXTRACT_CELLS) {
		w->cut = 1;
		return 0;
	}
	w->r->b->cells++;
	return 1;
}

/* ignore_error - libxml2's error callback: errors are read from the
 * reader's return value, not printed */
static void
ignore_error(void *arg, xmlErrorPtr err)
{
	(void)arg;
	(void)err;
}

/* reader_new - a streaming reader over len bytes of xml */
static xmlTextReaderPtr
reader_new(const char *xml, size_t len)
{
	xmlTextReaderPtr rd;

	if (len > INT_MAX)
		return NULL;
	rd = xmlReaderForMemory(xml, (int)len, NULL, NULL, XML_OPTIONS);
	if (rd != NULL)
		xmlTextReaderSetStructuredErrorHandler(rd, ignore_error, NULL);
	return rd;
}

/* walk_end - the findings of a walk that ended with rc (the reader's
 * last answer: 0 at the end, -1 on an error) */
static int
walk_end(struct xwalk *w, int rc)
{
	if (rc == -1 &&
	    x_finding(w->r, CONTENT_LIMIT_UNDECODABLE, w->path,
	        "damaged XML, read up to the damage") == -1)
		return -1;
	if (w->entities &&
	    x_finding(w->r, CONTENT_LIMIT_MALFORMED, w->path,
	        "a document type or entity reference, not expanded") == -1)
		return -1;
	if (w->cut && !(w->r->b->cells > BOUND_EXTRACT_CELLS) &&
	    x_finding(w->r, CONTENT_LIMIT_PARTS, w->path,
	        "the cells and paragraphs after the first %d",
	        BOUND_EXTRACT_CELLS) == -1)
		return -1;
	if (w->cut)
		w->r->b->cells = BOUND_EXTRACT_CELLS + 1; /* said once */
	return 0;
}

/* is - the current node's local name is name */
static int
is(xmlTextReaderPtr rd, const char *name)
{
	const xmlChar *n = xmlTextReaderConstLocalName(rd);

	return n != NULL && strcmp((const char *)n, name) == 0;
}

/* value - the current text node's text */
static const char *
value(xmlTextReaderPtr rd)
{
	const xmlChar *v = xmlTextReaderConstValue(rd);

	return v != NULL ? (const char *)v : "";
}

/* is_text_node - a text, CDATA or white space node */
static int
is_text_node(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	    type == XML_READER_TYPE_WHITESPACE ||
	    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* ---- documents and slides ---------------------------------------------- */

/* What the document walk is in. */
struct docstate {
	int in_text; /* OOXML: inside w:t, w:delText, a:t; ODF: text:p/h */
	int in_cell; /* ODF: inside table:table-cell */
	int row_has; /* ODF: the row has text */
	int cell_has;
	int para_has; /* the paragraph has text */
};

/* doc_text - a text node */
static int
doc_text(struct xwalk *w, struct docstate *s, const char *t)
{
	if (s->in_cell && !s->cell_has && *t != '\0') {
		if (s->row_has && put(w, "\t", 1) != BUF_OK)
			return -1;
		s->row_has = s->cell_has = 1;
	} else if (s->in_cell && s->cell_has && !s->para_has && *t != '\0' &&
	    put(w, " ", 1) != BUF_OK)
		return -1;
	if (*t != '\0')
		s->para_has = 1;
	return put(w, t, strlen(t)) == BUF_OK ? 0 : -1;
}

/* doc_element - an element starts (end 0) or ends (end 1) */
static int
doc_element(
    struct xwalk *w, struct docstate *s, xmlTextReaderPtr rd, int odf, int end)
{
	if (odf && (is(rd, "p") || is(rd, "h"))) {
		s->in_text += end ? -1 : 1;
		if (!end)
			return count(w) ? 0 : 1;
		if (!s->in_cell && s->para_has && put(w, "\n", 1) != BUF_OK)
			return -1;
		s->para_has = 0;
		return 0;
	}
	if (!odf && (is(rd, "t") || is(rd, "delText"))) {
		s->in_text = !end;
		return 0;
	}
	if (!odf && is(rd, "p")) {
		if (!end)
			return count(w) ? 0 : 1;
		if (s->para_has && put(w, "\n", 1) != BUF_OK)
			return -1;
		s->para_has = 0;
		return 0;
	}
	if (odf && (is(rd, "table-cell") || is(rd, "covered-table-cell"))) {
		s->in_cell = !end;
		s->cell_has = 0;
		return end || count(w) ? 0 : 1;
	}
	if (odf && is(rd, "table-row") && end) {
		if (s->row_has && put(w, "\n", 1) != BUF_OK)
			return -1;
		s->row_has = 0;
		return 0;
	}
	if (end)
		return 0;
	if (is(rd, "tab"))
		return doc_text(w, s, "\t");
	if (is(rd, "br") || is(rd, "cr") || is(rd, "line-break"))
		return doc_text(w, s, "\n");
	if (odf && is(rd, "s"))
		return doc_text(w, s, " ");
	return 0;
}

int
office_xml_text(struct xrun *r, struct buf *out, const char *xml, size_t len,
    int odf, const char *path)
{
	struct xwalk w = {r, path, out, 0, 0, 0};
	struct docstate s = {0, 0, 0, 0, 0};
	xmlTextReaderPtr rd;
	int rc = 0, type, k = 0;

	if ((rd = reader_new(xml, len)) == NULL)
		return x_finding(
		    r, CONTENT_LIMIT_UNDECODABLE, path, "damaged XML");
	while (!w.full && k == 0 && (rc = xmlTextReaderRead(rd)) == 1) {
		type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			k = doc_element(&w, &s, rd, odf, 0);
			if (k == 0 && xmlTextReaderIsEmptyElement(rd) == 1)
				k = doc_element(&w, &s, rd, odf, 1);
		} else if (type == XML_READER_TYPE_END_ELEMENT)
			k = doc_element(&w, &s, rd, odf, 1);
		else if (is_text_node(type) && s.in_text > 0)
			k = doc_text(&w, &s, value(rd));
		else if (type == XML_READER_TYPE_ENTITY_REFERENCE ||
		    type == XML_READER_TYPE_DOCUMENT_TYPE)
			w.entities = 1;
	}
	xmlFreeTextReader(rd);
	if (k == -1) {
		errno = ENOMEM;
		return -1;
	}
	if (walk_end(&w, w.full || k == 1 ? 0 : rc) == -1)
		return -1;
	return w.full ? 1 : 0;
}

/* ---- spreadsheets (XLSX) ------------------------------------------------ */

/* The shared strings of a workbook: one pool, and where each starts. */
struct strings {
	struct buf pool;
	size_t *off;
	size_t n, cap;
};

/* strings_add - one more string, empty so far */
static int
strings_add(struct strings *ss)
{
	size_t *v;

	if (ss->n == ss->cap) {
		ss->cap = ss->cap == 0 ? 64 : ss->cap * 2;
		if ((v = realloc(ss->off, (ss->cap + 1) * sizeof(*v))) == NULL)
			return -1;
		ss->off = v;
	}
	if (buf_putc(&ss->pool, '\0') != BUF_OK)
		return -1;
	ss->off[ss->n++] = ss->pool.len;
	return 0;
}

/* shared_read - the <si> strings of xl/sharedStrings.xml: the text of
 * their <t> elements, phonetic runs (<rPh>) left out */
static int
shared_read(struct xrun *r, struct strings *ss, const char *xml, size_t len,
    const char *path)
{
	struct xwalk w = {r, path, &ss->pool, 0, 0, 0};
	int rc, type, in_t = 0, in_ph = 0, k = 0;
	xmlTextReaderPtr rd;

	if ((rd = reader_new(xml, len)) == NULL)
		return x_finding(
		    r, CONTENT_LIMIT_UNDECODABLE, path, "damaged XML");
	while (k == 0 && (rc = xmlTextReaderRead(rd)) == 1) {
		type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT && is(rd, "si")) {
			if (!count(&w))
				break;
			k = strings_add(ss);
		} else if (type == XML_READER_TYPE_ELEMENT && is(rd, "rPh"))
			in_ph = !xmlTextReaderIsEmptyElement(rd);
		else if (type == XML_READER_TYPE_END_ELEMENT && is(rd, "rPh"))
			in_ph = 0;
		else if (type == XML_READER_TYPE_ELEMENT && is(rd, "t"))
			in_t = !xmlTextReaderIsEmptyElement(rd);
		else if (type == XML_READER_TYPE_END_ELEMENT && is(rd, "t"))
			in_t = 0;
		else if (is_text_node(type) && in_t && !in_ph && ss->n > 0)
			k = buf_puts(&ss->pool, value(rd)) == BUF_OK ? 0 : -1;
		else if (type == XML_READER_TYPE_ENTITY_REFERENCE ||
		    type == XML_READER_TYPE_DOCUMENT_TYPE)
			w.entities = 1;
	}
	xmlFreeTextReader(rd);
	if (k == -1) {
		errno = ENOMEM;
		return -1;
	}
	return walk_end(&w, w.cut ? 0 : rc);
}

/* What the sheet walk is in. */
struct cell {
	char type[16]; /* t="s", "inlineStr", ... */
	struct buf v;  /* <v>: a shared string's index, or the value */
	int in_v, in_t;
	int row_has; /* the row has text */
	int pivot;   /* a pivot cache: values in v attributes */
};

/* cell_put - a cell's text into the row, after a TAB if not first */
static int
cell_put(struct xwalk *w, struct cell *c, const char *t, size_t n)
{
	if (n == 0)
		return 0;
	if (c->row_has && put(w, "\t", 1) != BUF_OK)
		return -1;
	c->row_has = 1;
	return put(w, t, n) == BUF_OK ? 0 : -1;
}

/* cell_end - a cell ends: its value, or the shared string it names */
static int
cell_end(struct xwalk *w, struct cell *c, const struct strings *ss)
{
	unsigned long i;
	char *end;
	const char *s;

	if (strcmp(c->type, "s") != 0)
		return cell_put(w, c, buf_str(&c->v), c->v.len);
	errno = 0;
	i = strtoul(buf_str(&c->v), &end, 10);
	if (c->v.len == 0 || *end != '\0' || errno != 0 || i >= ss->n)
		return 0; /* a broken reference names no text */
	s = ss->pool.data + ss->off[i];
	return cell_put(w, c, s, strlen(s));
}

/*
 * pivot_element - an element of a pivot cache starts or ends. A pivot
 * table keeps a copy of its source data (xl/pivotCache/): the items of
 * each field (<sharedItems><s v="Lindqvist"/>) and the records
 * (<r><s v="..."/><n v="..."/></r>), which stay when the sheet they
 * came from is deleted. A record or a field's items make a line.
 */
static int
pivot_element(struct xwalk *w, struct cell *c, xmlTextReaderPtr rd, int end)
{
	static const xmlChar attr_v[] = {'v', '\0'};
	xmlChar *v;
	int rc;

	if ((is(rd, "r") || is(rd, "sharedItems")) && end) {
		if (c->row_has && put(w, "\n", 1) != BUF_OK)
			return -1;
		c->row_has = 0;
		return 0;
	}
	if (end || !(is(rd, "s") || is(rd, "n") || is(rd, "d")))
		return 0;
	if (!count(w))
		return 1;
	if ((v = xmlTextReaderGetAttribute(rd, attr_v)) == NULL)
		return 0;
	rc = cell_put(w, c, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return rc;
}

/* sheet_element - an element of a worksheet starts or ends */
static int
sheet_element(struct xwalk *w, struct cell *c, const struct strings *ss,
    xmlTextReaderPtr rd, int end)
{
	static const xmlChar attr_t[] = {'t', '\0'};
	xmlChar *t;

	if (c->pivot)
		return pivot_element(w, c, rd, end);
	if (is(rd, "row") && end) {
		if (c->row_has && put(w, "\n", 1) != BUF_OK)
			return -1;
		c->row_has = 0;
	} else if (is(rd, "c") && !end) {
		if (!count(w))
			return 1;
		buf_reset(&c->v);
		c->type[0] = '\0';
		if ((t = xmlTextReaderGetAttribute(rd, attr_t)) != NULL) {
			(void)snprintf(
			    c->type, sizeof(c->type), "%s", (const char *)t);
			xmlFree(t);
		}
	} else if (is(rd, "c"))
		return cell_end(w, c, ss);
	else if (is(rd, "v"))
		c->in_v = !end;
	else if (is(rd, "t"))
		c->in_t = !end;
	return 0;
}

/* sheet_read - the text of one worksheet into w's output */
static int
sheet_read(struct xwalk *w, const struct strings *ss, const char *xml,
    size_t len, int pivot)
{
	struct cell c;
	xmlTextReaderPtr rd;
	int rc = 0, type, k = 0;

	if ((rd = reader_new(xml, len)) == NULL)
		return x_finding(
		    w->r, CONTENT_LIMIT_UNDECODABLE, w->path, "damaged XML");
	memset(&c, 0, sizeof(c));
	c.pivot = pivot;
	buf_init(&c.v, w->out->max);
	while (!w->full && k == 0 && (rc = xmlTextReaderRead(rd)) == 1) {
		type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			k = sheet_element(w, &c, ss, rd, 0);
			if (k == 0 && xmlTextReaderIsEmptyElement(rd) == 1)
				k = sheet_element(w, &c, ss, rd, 1);
		} else if (type == XML_READER_TYPE_END_ELEMENT)
			k = sheet_element(w, &c, ss, rd, 1);
		else if (is_text_node(type) && (c.in_v || c.in_t) &&
		    buf_puts(&c.v, value(rd)) == BUF_NOMEM)
			k = -1;
		else if (type == XML_READER_TYPE_ENTITY_REFERENCE ||
		    type == XML_READER_TYPE_DOCUMENT_TYPE)
			w->entities = 1;
	}
	xmlFreeTextReader(rd);
	buf_free(&c.v);
	if (k == -1) {
		errno = ENOMEM;
		return -1;
	}
	if (c.row_has && put(w, "\n", 1) != BUF_OK)
		return -1;
	return walk_end(w, w->full || k == 1 ? 0 : rc);
}

/* has_prefix_suffix - name is prefix...suffix */
static int
has_prefix_suffix(const char *name, const char *prefix, const char *suffix)
{
	size_t n = strlen(name), p = strlen(prefix), s = strlen(suffix);

	return n > p + s && strncmp(name, prefix, p) == 0 &&
	    strcmp(name + n - s, suffix) == 0;
}

/* has_suffix - name is suffix, or ends in "/" and suffix */
static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return strcmp(name, suffix) == 0 ||
	    (n > k && name[n - k - 1] == '/' &&
	        strcmp(name + n - k, suffix) == 0);
}

/* member_path - "path/member" for findings */
static const char *
member_path(char *dst, size_t size, const char *path, const char *member)
{
	(void)snprintf(
	    dst, size, "%s%s%s", path, path[0] != '\0' ? "/" : "", member);
	return dst;
}

/* xlsx_read - the sheets of a workbook, their shared strings resolved */
static int
xlsx_read(
    struct xrun *r, zip_t *z, const char *path, struct buf *out, int *full)
{
	struct strings ss;
	struct xwalk w = {r, NULL, out, 0, 0, 0};
	char sub[PATH_BYTES];
	zip_int64_t idx, n = zip_get_num_entries(z, 0);
	const char *name;
	struct buf m;
	int rc = 0;

	memset(&ss, 0, sizeof(ss));
	buf_init(&ss.pool, SIZE_MAX / 2);
	idx = zip_name_locate(z, "xl/sharedStrings.xml", 0);
	member_path(sub, sizeof(sub), path, "xl/sharedStrings.xml");
	if (idx >= 0 &&
	    (rc = x_member(r, z, (zip_uint64_t)idx, sub, &m)) == 0) {
		rc = shared_read(
		    r, &ss, m.data != NULL ? m.data : "", m.len, sub);
		buf_free(&m);
	}
	for (idx = 0;
	     rc != -1 && idx < n && idx < BOUND_EXTRACT_ENTRIES && !w.full;
	     idx++) {
		name = zip_get_name(z, (zip_uint64_t)idx, 0);
		/* every XML member of the workbook: a sheet is where its
		 * relationships say, not always in xl/worksheets/ */
		if (name == NULL || !has_prefix_suffix(name, "xl/", ".xml") ||
		    strcmp(name, "xl/sharedStrings.xml") == 0)
			continue;
		w.path = member_path(sub, sizeof(sub), path, name);
		if ((rc = x_member(r, z, (zip_uint64_t)idx, sub, &m)) != 0)
			continue;
		rc = sheet_read(&w, &ss, m.data != NULL ? m.data : "", m.len,
		    strncmp(name, "xl/pivotCache/", 14) == 0);
		buf_free(&m);
	}
	buf_free(&ss.pool);
	free(ss.off);
	*full = w.full;
	return rc == -1 ? -1 : 0;
}

/* Members of an Office Open XML document or presentation that hold its
 * text, by prefix (a suffix ".xml" and no deeper folder). */
static const char *const docx_parts[] = {"word/document", "word/header",
    "word/footer", "word/footnotes", "word/endnotes", "word/comments", NULL};
static const char *const pptx_parts[] = {
    "ppt/slides/slide", "ppt/notesSlides/notesSlide", NULL};

/* text_member - name is one of parts (prefix, then digits, ".xml") */
static int
text_member(const char *name, const char *const *parts)
{
	size_t k, p;
	const char *s;

	for (k = 0; parts[k] != NULL; k++) {
		p = strlen(parts[k]);
		if (strncmp(name, parts[k], p) != 0)
			continue;
		for (s = name + p; *s >= '0' && *s <= '9'; s++)
			continue;
		if (strcmp(s, ".xml") == 0)
			return 1;
	}
	return 0;
}

/* parts_read - the text of the members named by parts (ODF: content.xml) */
static int
parts_read(struct xrun *r, zip_t *z, const char *path, struct buf *out,
    const char *const *parts, int odf, int *full)
{
	char sub[PATH_BYTES];
	zip_int64_t idx, n = zip_get_num_entries(z, 0);
	const char *name;
	struct buf m;
	int rc = 0;

	*full = 0;
	for (idx = 0;
	     rc != -1 && idx < n && idx < BOUND_EXTRACT_ENTRIES && !*full;
	     idx++) {
		name = zip_get_name(z, (zip_uint64_t)idx, 0);
		/* ODF: the document's content.xml and its embedded
		 * objects' ("Object 1/content.xml") */
		if (name == NULL ||
		    (odf ? !has_suffix(name, "content.xml") :
		           !text_member(name, parts)))
			continue;
		member_path(sub, sizeof(sub), path, name);
		if ((rc = x_member(r, z, (zip_uint64_t)idx, sub, &m)) != 0)
			continue;
		rc = office_xml_text(
		    r, out, m.data != NULL ? m.data : "", m.len, odf, sub);
		buf_free(&m);
		if (rc == 1)
			*full = 1;
		else if (rc == 0 && out->len > 0 &&
		    out->data[out->len - 1] != '\n' &&
		    buf_putc(out, '\n') == BUF_NOMEM)
			rc = -1;
	}
	return rc == -1 ? -1 : 0;
}

/* embeddings_read - the files an Office Open XML document embeds (a
 * spreadsheet in a document, a document in a slide), each read as a
 * file of its own: a class list pasted as an object is still read */
static int
embeddings_read(struct xrun *r, zip_t *z, const char *path)
{
	char sub[PATH_BYTES];
	zip_int64_t idx, n = zip_get_num_entries(z, 0);
	const char *name;
	struct buf m;
	int rc = 0;

	for (idx = 0; rc != -1 && idx < n && idx < BOUND_EXTRACT_ENTRIES;
	     idx++) {
		name = zip_get_name(z, (zip_uint64_t)idx, 0);
		if (name == NULL || strstr(name, "/embeddings/") == NULL ||
		    name[strlen(name) - 1] == '/')
			continue;
		member_path(sub, sizeof(sub), path, name);
		if ((rc = x_member(r, z, (zip_uint64_t)idx, sub, &m)) != 0)
			continue;
		rc = x_file(r, m.data, m.len, sub, name);
		buf_free(&m);
	}
	return rc == -1 ? -1 : 0;
}

int
office_read(
    struct xrun *r, zip_t *z, const char *path, enum content_kind kind, int odf)
{
	zip_int64_t n = zip_get_num_entries(z, 0);
	struct buf out;
	int rc, full = 0;

	/* the members past the bound are not looked at: say so */
	if (n > BOUND_EXTRACT_ENTRIES &&
	    x_finding(r, CONTENT_LIMIT_PARTS, path,
	        "the members after the first %d (of %jd)",
	        BOUND_EXTRACT_ENTRIES, (intmax_t)n) == -1)
		return -1;
	buf_init(&out, r->b->text_room);
	if (kind == CONTENT_KIND_SPREADSHEET && !odf)
		rc = xlsx_read(r, z, path, &out, &full);
	else
		rc = parts_read(r, z, path, &out,
		    kind == CONTENT_KIND_PRESENTATION ? pptx_parts : docx_parts,
		    odf, &full);
	if (rc == 0)
		rc = x_text(r, path, kind, &out, full);
	buf_free(&out);
	if (rc == 0 && !odf)
		rc = embeddings_read(r, z, path);
	return rc;
}
