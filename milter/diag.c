/*
 * diag.c - diagnostics collected by every loader
 *
 * Errors and warnings live in two lists of at most BOUND_CONFIG_ERRORS
 * entries each. When an error arrives with the error list full, one
 * closing entry is added that says later errors were not kept; the
 * counters go on counting. Text is formatted and rendered once, when the
 * entry is added, through the log printable filter, so a file name or an
 * element name taken from hostile input cannot break the output lines.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "diag.h"
#include "log.h"

#define DIAG_CUT "..."

/* Stands in for an entry that could not be allocated. */
static const char diag_nomem[] = "out of memory recording a diagnostic";

struct diag_entry {
	char *text; /* NULL: diag_nomem */
	int is_error;
};

struct diag_list {
	struct diag_entry *v;
	size_t n;
};

struct diag {
	struct diag_list errors;   /* at most BOUND_CONFIG_ERRORS + 1 */
	struct diag_list warnings; /* at most BOUND_CONFIG_ERRORS */
	size_t nerrors;
	size_t nwarnings;
};

struct diag *
diag_new(void)
{
	struct diag *dg;

	if ((dg = calloc(1, sizeof(*dg))) == NULL)
		return NULL;
	dg->errors.v =
	    calloc(BOUND_CONFIG_ERRORS + 1, sizeof(struct diag_entry));
	dg->warnings.v = calloc(BOUND_CONFIG_ERRORS, sizeof(struct diag_entry));
	if (dg->errors.v == NULL || dg->warnings.v == NULL) {
		diag_free(dg);
		return NULL;
	}
	return dg;
}

/* diag_list_free - release the texts of one list and the list */
static void
diag_list_free(struct diag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

void
diag_free(struct diag *dg)
{
	if (dg == NULL)
		return;
	diag_list_free(&dg->errors);
	diag_list_free(&dg->warnings);
	free(dg);
}

/* diag_location - "path:line:col: ", "path:line: ", "path: " or "" */
static void
diag_location(char *dst, size_t size, const char *path, unsigned long line,
    unsigned long col)
{
	char p[BOUND_DIAG_TEXT - 48]; /* room for ":line:col: " */

	if (path == NULL && line == 0) {
		dst[0] = '\0';
		return;
	}
	if (path == NULL)
		path = "-";
	log_printable(p, sizeof(p), path, strlen(path));
	if (line == 0)
		(void)snprintf(dst, size, "%s: ", p);
	else if (col == 0)
		(void)snprintf(dst, size, "%s:%lu: ", p, line);
	else
		(void)snprintf(dst, size, "%s:%lu:%lu: ", p, line, col);
}

static void diag_message(char *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
static char *diag_render(const char *, unsigned long, unsigned long,
    const char *, const char *, va_list) __attribute__((format(printf, 5, 0)));

/* diag_message - fmt formatted and filtered into dst (BOUND_DIAG_TEXT
 * bytes), ending in "..." when it had to be cut */
static void
diag_message(char *dst, const char *fmt, va_list ap)
{
	char raw[BOUND_DIAG_TEXT], wide[4 * BOUND_DIAG_TEXT];
	size_t n;
	int rc;

	rc = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (rc < 0)
		raw[0] = '\0';
	/* wide has room for every byte escaped: nothing is cut there */
	n = log_printable(wide, sizeof(wide), raw, strlen(raw));
	if (n < BOUND_DIAG_TEXT && (rc < 0 || (size_t)rc < sizeof(raw))) {
		memcpy(dst, wide, n + 1);
		return;
	}
	n = log_printable(
	    dst, BOUND_DIAG_TEXT - (sizeof(DIAG_CUT) - 1), raw, strlen(raw));
	memcpy(dst + n, DIAG_CUT, sizeof(DIAG_CUT));
}

/* diag_render - the full text of one entry in a new string; NULL when
 * out of memory */
static char *
diag_render(const char *path, unsigned long line, unsigned long col,
    const char *kind, const char *fmt, va_list ap)
{
	char loc[BOUND_DIAG_TEXT], text[BOUND_DIAG_TEXT];
	char *out;
	size_t len;

	diag_location(loc, sizeof(loc), path, line, col);
	diag_message(text, fmt, ap);
	len = strlen(loc) + strlen(kind) + strlen(text);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	(void)snprintf(out, len + 1, "%s%s%s", loc, kind, text);
	return out;
}

/* diag_push - append one entry to l (room already checked) */
static void
diag_push(struct diag_list *l, char *text, int is_error)
{
	l->v[l->n].text = text;
	l->v[l->n].is_error = is_error;
	l->n++;
}

/* diag_overflow - the closing entry once errors are no longer kept */
static void
diag_overflow(struct diag *dg)
{
	char msg[128];

	(void)snprintf(msg, sizeof(msg),
	    "too many errors; only the first %d are shown",
	    BOUND_CONFIG_ERRORS);
	diag_push(&dg->errors, strdup(msg), 1);
}

void
diag_error(struct diag *dg, const char *path, unsigned long line,
    unsigned long col, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (dg == NULL)
		return;
	dg->nerrors++;
	if (dg->errors.n > BOUND_CONFIG_ERRORS)
		return;
	if (dg->errors.n == BOUND_CONFIG_ERRORS) {
		diag_overflow(dg);
		return;
	}
	va_start(ap, fmt);
	text = diag_render(path, line, col, "", fmt, ap);
	va_end(ap);
	diag_push(&dg->errors, text, 1);
}

void
diag_warn(struct diag *dg, const char *path, unsigned long line,
    unsigned long col, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (dg == NULL)
		return;
	dg->nwarnings++;
	if (dg->warnings.n >= BOUND_CONFIG_ERRORS)
		return;
	va_start(ap, fmt);
	text = diag_render(path, line, col, "warning: ", fmt, ap);
	va_end(ap);
	diag_push(&dg->warnings, text, 0);
}

size_t
diag_count(const struct diag *dg)
{
	return dg != NULL ? dg->nerrors : 0;
}

size_t
diag_warnings(const struct diag *dg)
{
	return dg != NULL ? dg->nwarnings : 0;
}

int
diag_full(const struct diag *dg)
{
	return dg != NULL && dg->nerrors >= BOUND_CONFIG_ERRORS;
}

size_t
diag_kept(const struct diag *dg)
{
	return dg != NULL ? dg->errors.n + dg->warnings.n : 0;
}

/* diag_entry - entry i across both lists, errors first; NULL if none */
static const struct diag_entry *
diag_entry(const struct diag *dg, size_t i)
{
	if (dg == NULL)
		return NULL;
	if (i < dg->errors.n)
		return &dg->errors.v[i];
	i -= dg->errors.n;
	if (i < dg->warnings.n)
		return &dg->warnings.v[i];
	return NULL;
}

const char *
diag_text(const struct diag *dg, size_t i)
{
	const struct diag_entry *e = diag_entry(dg, i);

	if (e == NULL)
		return NULL;
	return e->text != NULL ? e->text : diag_nomem;
}

int
diag_is_error(const struct diag *dg, size_t i)
{
	const struct diag_entry *e = diag_entry(dg, i);

	return e != NULL && e->is_error;
}

void
diag_print(const struct diag *dg, FILE *fp)
{
	size_t i, n = diag_kept(dg);

	for (i = 0; i < n; i++)
		fprintf(fp, "%s\n", diag_text(dg, i));
}
