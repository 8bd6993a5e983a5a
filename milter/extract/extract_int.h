/*
 * extract_int.h - private to milter/extract.c and milter/extract/: one
 * run of extract() and the readers it calls
 *
 * extract.c sniffs, reads text and zip archives and dispatches;
 * office.c reads the XML of office documents; pdf.c runs the PDF
 * reader. libzip's types stay inside these files.
 */
#ifndef GUARDIAN_EXTRACT_INT_H
#define GUARDIAN_EXTRACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <zip.h>

#include "extract.h"

struct buf;

/* One extract() call: where its findings go, what it may use, and how
 * deep in archives the file being read is (the attachment itself: 0). */
struct xrun {
	const struct extract_sink *sink;
	struct extract_budget *b;
	int depth;
};

/* x_finding - hand a finding at path to the sink; 0 or -1 (ENOMEM) */
int x_finding(struct xrun *r, unsigned flag, const char *path, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* x_text - hand t (of the file at path, of kind) to the sink and lower
 * the text room by its length; an empty t is not handed on. truncated:
 * t stopped at the room (a finding is made). 0 or -1. */
int x_text(struct xrun *r, const char *path, enum content_kind kind,
    const struct buf *t, int truncated);

/* x_member - member idx of z (at path) inflated into out, a new buffer
 * (buf_free() it); within the ratio and the message's inflated bytes.
 * 0 read, 1 not read (a finding says why), -1 ENOMEM. */
int x_member(struct xrun *r, zip_t *z, zip_uint64_t idx, const char *path,
    struct buf *out);

/* x_file - one file found inside another (len bytes at path, named
 * name), read as an attachment of its own and handed to the sink's
 * member(); 0 or -1 (ENOMEM) */
int x_file(struct xrun *r, const void *data, size_t len, const char *path,
    const char *name);

/* office.c: the text of an office document in z (at path) of kind;
 * odf: OpenDocument (content.xml), else Office Open XML. 0 or -1. */
int office_read(struct xrun *r, zip_t *z, const char *path,
    enum content_kind kind, int odf);

/* office_xml_text - the text of one XML document (len bytes) into out,
 * read as Office Open XML (w:t, a:t) or OpenDocument (text:p); member
 * names it in findings. 0, 1 when out is full (what fit is kept), -1. */
int office_xml_text(struct xrun *r, struct buf *out, const char *xml,
    size_t len, int odf, const char *path);

/* pdf.c: the text of a PDF through the PDF reader; 0 or -1 */
int pdf_read(struct xrun *r, const void *data, size_t len, const char *path);

#endif /* GUARDIAN_EXTRACT_INT_H */
