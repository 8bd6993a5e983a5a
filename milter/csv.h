/*
 * csv.h - a small RFC 4180 CSV reader with file:line:field diagnostics
 *
 * Reads a file (or a memory block: fuzzers, tests) one record at a time,
 * with bounded memory whatever the input: a UTF-8 byte order mark at the
 * start is skipped; records end in CRLF, LF or a lone CR; a field that
 * starts with a double quote may hold commas, doubled quotes and line
 * breaks (kept verbatim, CRLF included); a quote inside an unquoted field
 * is an ordinary character. Nothing else is interpreted: cells that look
 * like formulas ("=SUM(A1)", "+1", "@x") come back byte for byte.
 *
 * The first record is the header. Callers look columns up by name
 * (ASCII case-insensitive, surrounding blanks ignored), never by
 * position; columns nobody asks for are ignored. Header cells after the
 * last named one may be empty (spreadsheet exports add them); records
 * may then stop at the last named column or go on to the header's width;
 * cells beyond it must be empty.
 *
 * Every problem becomes one diagnostic in the struct diag given at open:
 *	path:line:field: text
 * where line is the line the field starts on (records may span lines)
 * and field counts from 1. A record with any problem (bad UTF-8, a NUL
 * byte, text after a closing quote, an unclosed quote, a field, record or
 * field count over the limits, too few or too many fields) is reported
 * and skipped: csv_next() only returns clean records, and the caller
 * knows from diag_count() whether the file was clean.
 *
 * A reader has one owner and is not thread-safe; separate readers are
 * independent. The module is pure apart from reading its one file.
 */
#ifndef GUARDIAN_CSV_H
#define GUARDIAN_CSV_H

#include <stddef.h>

#include "bounds.h"

struct diag;

/* Limits of one reader; csv_limits_default() fills the BOUND_CSV_ ones. */
struct csv_limits {
	size_t field_bytes;
	size_t record_bytes;
	size_t fields;
	unsigned long long file_bytes;
};

void csv_limits_default(struct csv_limits *lim);

struct csv;

/*
 * csv_open - open path and read its header
 *
 * lim may be NULL (the defaults). dg is borrowed for the reader's life
 * and receives every diagnostic, rendered with path as given. Returns 0
 * and a new reader in *out, or -1 leaving *out untouched after adding an
 * error to dg: cannot open or read, empty file, UTF-16 text, a broken
 * header record, out of memory. Duplicate column names are reported but
 * do not fail the open (the first one is used).
 */
int csv_open(struct csv **out, const char *path, const struct csv_limits *lim,
    struct diag *dg);

/* csv_open_mem - the same over len bytes at data, which stay borrowed
 * until csv_free(); name is used in diagnostics */
int csv_open_mem(struct csv **out, const char *name, const void *data,
    size_t len, const struct csv_limits *lim, struct diag *dg);

/* csv_free - close and release; NULL does nothing */
void csv_free(struct csv *c);

/* csv_fstat - fstat() of the file being read, so that a caller can stamp
 * what it read rather than what the path names now; -1 with errno set
 * (EINVAL for a memory reader) */
struct stat;
int csv_fstat(const struct csv *c, struct stat *st);

/* csv_path - the name given at open (borrowed until csv_free) */
const char *csv_path(const struct csv *c);

/* csv_columns - number of header cells, unnamed ones included */
size_t csv_columns(const struct csv *c);

/* csv_column_name - header cell i, trimmed ("" when unnamed) */
const char *csv_column_name(const struct csv *c, size_t i);

/* csv_find - the column named name, or -1 if the header has none */
int csv_find(const struct csv *c, const char *name);

/* csv_require - like csv_find, but a missing column also adds
 *	path:1: missing required column "name"
 * to the reader's diag */
int csv_require(const struct csv *c, const char *name);

/*
 * csv_next - advance to the next clean record
 *
 * Returns 1 with a record current, 0 at the end of the file, or -1 when
 * reading must stop: a read error, out of memory, the file over its
 * size limit, or the diag full (diag_full()); the reason is in dg except
 * for the last. Records with problems are reported and skipped; blank
 * lines are skipped silently.
 */
int csv_next(struct csv *c);

/* csv_line - the line the current record starts on (1 for the header) */
unsigned long csv_line(const struct csv *c);

/* csv_get - the current record's field in column col (from csv_find),
 * NUL-terminated, valid UTF-8, without NUL bytes; "" when col < 0.
 * Borrowed until the next csv_next() or csv_free(). */
const char *csv_get(const struct csv *c, int col);

/* csv_get_len - its length in bytes */
size_t csv_get_len(const struct csv *c, int col);

/* csv_field_line - the line field col of the current record starts on */
unsigned long csv_field_line(const struct csv *c, int col);

/*
 * csv_error, csv_warn - a diagnostic about column col of the current
 * record: "path:line:field: text" (col < 0: "path:line: text" at the
 * record's first line). For callers checking values.
 */
void csv_error(const struct csv *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void csv_warn(const struct csv *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* csv_utf8_valid - offset of the first byte of s[0..len) that is not
 * part of valid UTF-8 (overlong forms, surrogates and NUL refused), or
 * len when all is valid */
size_t csv_utf8_valid(const char *s, size_t len);

#endif /* GUARDIAN_CSV_H */
