/*
 * diag.h - diagnostics collected by every loader (config, rules, roster)
 *
 * Loaders keep going after an error and add one entry per problem; the
 * caller applies nothing if diag_count() > 0. After BOUND_CONFIG_ERRORS
 * errors further ones are counted but not kept, and one last entry (an
 * error) says so: "too many errors; only the first 50 are shown".
 * Warnings are likewise kept up to BOUND_CONFIG_ERRORS. Path and text
 * pass through log_printable(); text is cut at BOUND_DIAG_TEXT with
 * "...". An entry renders as
 *	path:line:col: text	(col > 0)
 *	path:line: text		(line > 0, col == 0: never invent a column)
 *	path: text		(line == 0)
 *	text			(path == NULL, line == 0; "-" stands for
 *				 a NULL path when line > 0)
 * Warnings are kept apart: they never block a load. A NULL dg is
 * accepted everywhere and records nothing. An entry that cannot be
 * allocated still counts and reads "out of memory recording a
 * diagnostic". Not thread-safe.
 */
#ifndef GUARDIAN_DIAG_H
#define GUARDIAN_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag;

/* diag_new - an empty collection, or NULL when out of memory */
struct diag *diag_new(void);

/* diag_free - release dg; NULL does nothing */
void diag_free(struct diag *dg);

/* diag_error - record an error at path:line:col (path may be NULL) */
void diag_error(struct diag *dg, const char *path, unsigned long line,
    unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* diag_warn - record a warning (rendered with "warning: " before text) */
void diag_warn(struct diag *dg, const char *path, unsigned long line,
    unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* diag_count - errors recorded, including those past the limit */
size_t diag_count(const struct diag *dg);

/* diag_warnings - warnings recorded */
size_t diag_warnings(const struct diag *dg);

/* diag_full - 1 once the limit of kept errors is reached: loaders may stop */
int diag_full(const struct diag *dg);

/* diag_kept - entries kept (errors then warnings, in order added) */
size_t diag_kept(const struct diag *dg);

/* diag_text - entry i rendered as above; borrowed until diag_free() */
const char *diag_text(const struct diag *dg, size_t i);

/* diag_is_error - 1 if entry i is an error, 0 for a warning */
int diag_is_error(const struct diag *dg, size_t i);

/* diag_print - every kept entry on its own line to fp */
void diag_print(const struct diag *dg, FILE *fp);

#endif /* GUARDIAN_DIAG_H */
