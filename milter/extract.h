/*
 * extract.h - text from an attachment's decoded bytes
 *
 * The MIME view (content.h) hands each attachment here once decoded.
 * Its kind is sniffed from its content (magic bytes) first, and only
 * then from its name or declared type; an image is known by its bytes
 * alone. What is read:
 *   - zip archives (libzip, from memory): XLSX, DOCX and PPTX, ODS, ODT
 *     and ODP by their members; any other zip has its members read in
 *     turn, archives inside archives too (BOUND_EXTRACT_DEPTH);
 *   - the XML of office documents through libxml2's streaming reader,
 *     without network access, entity substitution or DTD loading:
 *     spreadsheet cells of a row separated by a TAB and rows by a
 *     newline, paragraphs of documents and slides as lines;
 *   - PDF, in a process of its own (guardian-pdftext, bounded in time,
 *     CPU and memory), never inside the filter;
 *   - text (UTF-8, UTF-16 with a byte order mark, or mostly printable
 *     bytes read as Windows-1252), whatever its declared type.
 * A magic number made of printable bytes ("GIF89a", "BM", "{\\rtf") does
 * not make a text anything else: text is read as text. Anything else,
 * and anything that could not be read (an Office document with a
 * password is "encrypted"), is a finding with a CONTENT_LIMIT_* flag,
 * never silence.
 *
 * Bounds (bounds.h): BOUND_EXTRACT_* and BOUND_PDF_*, and the text
 * room the caller gives (its share of BOUND_MIME_TEXT_BYTES).
 *
 * Environment: GUARDIAN_PDFTEXT, the PDF reader's path, replaces the
 * one configure compiled in (PDFTEXT_PATH); read at each PDF.
 *
 * Threads: extract() may run in several threads at once; at most
 * BOUND_PDF_HELPERS PDF readers run at a time in the process. It
 * blocks SIGPIPE in the calling thread while it writes to a reader.
 */
#ifndef GUARDIAN_EXTRACT_H
#define GUARDIAN_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "content.h"

/*
 * What extract() finds, as it finds it. path is where inside the
 * attachment: "" for the attachment itself, "2b.xlsx" or
 * "term/2b.zip/list.csv" for members of archives. Each callback returns
 * 0, or -1 (ENOMEM) to stop extract(), which then returns -1.
 */
struct extract_sink {
	/* text - len bytes of text (NUL-terminated as well) of the file
	 * at path, of kind; UTF-8 as far as the reader can tell, to be
	 * cleaned by the caller */
	int (*text)(void *arg, const char *path, enum content_kind kind,
	    const char *text, size_t len);
	/* member - a file inside an archive: its path, kind and size
	 * inflated (NULL: not wanted) */
	int (*member)(
	    void *arg, const char *path, enum content_kind kind, uint64_t size);
	/* finding - something not read at path, and why ("encrypted",
	 * "a format the filter does not read"), with its CONTENT_LIMIT_*
	 * flag */
	int (*finding)(
	    void *arg, unsigned flag, const char *path, const char *what);
	void *arg;
};

/* What the attachments of one message have used of the bounds that
 * hold for the message as a whole. Zero it for a message; set
 * text_room to the text the caller still takes (extract() lowers it by
 * what it hands on). */
struct extract_budget {
	uint64_t inflated; /* BOUND_EXTRACT_INFLATED_BYTES */
	size_t cells;      /* BOUND_EXTRACT_CELLS */
	size_t text_room;
};

/*
 * extract_sniff - the kind of data (len bytes) by its content; name
 * (the file name, may be NULL) and type (the declared type, lower case,
 * may be NULL) only tell a document from a spreadsheet where the bytes
 * cannot, never make an image or a text. A zip is looked into to tell
 * an office document from an archive. Pure; any thread.
 */
enum content_kind extract_sniff(
    const void *data, size_t len, const char *name, const char *type);

/* extract_text_like - data (len bytes) is text as extract() reads it:
 * UTF-8 or 8-bit text without NUL and with few control bytes, or UTF-16
 * with a byte order mark. Pure; any thread. */
int extract_text_like(const void *data, size_t len);

/*
 * extract - read data (len bytes, an attachment named name with type
 * type, either may be NULL) and hand its text, members and findings to
 * sink, within b. Returns its kind (extract_sniff()) in *kind (may be
 * NULL). Returns 0, or -1 with errno set (ENOMEM, or a sink's -1).
 * Hostile or broken content is never an error: it is a finding.
 */
int extract(enum content_kind *kind, const struct extract_sink *sink,
    struct extract_budget *b, const void *data, size_t len, const char *name,
    const char *type);

/* extract_pdftext_path - the PDF reader's path: GUARDIAN_PDFTEXT if set
 * and not empty, else PDFTEXT_PATH. Borrowed (the environment's). */
const char *extract_pdftext_path(void);

#endif /* GUARDIAN_EXTRACT_H */
