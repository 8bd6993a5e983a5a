/*
 * attach.c - the condition <attachment kind name type size-over
 * size-under>: some attachment of the message is of one of the kinds,
 * has a matching file name and declared type, and a decoded size in
 * range
 *
 * An attachment is a part of the MIME view (content.h) that is not the
 * message's own text: one marked as an attachment, or any leaf part
 * that is not text (an image inline in HTML mail is one). Files inside
 * attached archives count too, named by their path ("class.zip/2b.xlsx")
 * with the declared type of the part they came in. The kind is the one
 * read from the content, never the one declared: a spreadsheet renamed
 * "photo.jpg" and sent as image/jpeg is kind="spreadsheet".
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "content.h"
#include "diag.h"
#include "message.h"
#include "rules_int.h"
#include "xnode.h"

/* compile_kinds - the kind attribute: a list of content kind names */
static int
compile_kinds(struct cond *c, const struct xnode *n, struct diag *dg)
{
	struct pattern words = {PATTERN_NONE, NULL, 0, NULL};
	const char *list = xnode_attr(n, "kind");
	size_t i;
	int k;

	if (list == NULL)
		return 0;
	if (rules_split_globs(&words, list) == -1) {
		rules_pattern_free(&words);
		return -1;
	}
	for (i = 0; i < words.nglobs; i++) {
		k = content_kind_parse(words.globs[i]);
		if (k >= 0 && k != CONTENT_KIND_CONTAINER)
			c->kinds |= 1u << k;
		else
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "unknown kind \"%s\" on <attachment> (expected: "
			    "text, html, spreadsheet, document, presentation, "
			    "pdf, archive, image, other)",
			    words.globs[i]);
	}
	if (words.nglobs == 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "empty kind on <attachment>");
	rules_pattern_free(&words);
	return 0;
}

/* compile_globs - a glob list attribute into pat, if given */
static int
compile_globs(struct pattern *pat, const struct xnode *n, const char *attr,
    struct diag *dg)
{
	const char *list = xnode_attr(n, attr);

	if (list == NULL)
		return 0;
	if (rules_split_globs(pat, list) == -1)
		return -1;
	if (pat->nglobs == 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "empty %s on <attachment>", attr);
	return 0;
}

/* compile_sizes - size-over and size-under, if given */
static void
compile_sizes(struct cond *c, const struct xnode *n, struct diag *dg)
{
	static const char *const names[] = {"size-over", "size-under"};
	const char *v;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((v = xnode_attr(n, names[i])) == NULL)
			continue;
		if (rules_parse_size(
		        i == 0 ? &c->range.over : &c->range.under, v) == -1) {
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid number \"%s\" for %s on <attachment> "
			    "(expected digits, optionally followed by K, M "
			    "or G)",
			    v, names[i]);
			continue;
		}
		if (i == 0)
			c->range.has_over = 1;
		else
			c->range.has_under = 1;
	}
}

int
attach_compile(struct cond *c, const struct xnode *n, struct diag *dg)
{
	if (compile_kinds(c, n, dg) == -1 ||
	    compile_globs(&c->pat, n, "name", dg) == -1 ||
	    compile_globs(&c->type_pat, n, "type", dg) == -1)
		return -1;
	compile_sizes(c, n, dg);
	return 0;
}

/* globs_match - s matches one of pat's globs, or pat has none */
static int
globs_match(const struct pattern *pat, const char *s)
{
	size_t i;

	if (pat->type != PATTERN_GLOB)
		return 1;
	for (i = 0; i < pat->nglobs; i++)
		if (rules_glob_match(pat->globs[i], s))
			return 1;
	return 0;
}

/* file_match - one attachment or archive member against every
 * attribute given */
static int
file_match(const struct cond *c, enum content_kind kind, const char *name,
    const char *type, uint64_t size)
{
	if (c->kinds != 0 && !(c->kinds & (1u << kind)))
		return 0;
	if (c->range.has_over && !(size > c->range.over))
		return 0;
	if (c->range.has_under && !(size < c->range.under))
		return 0;
	return globs_match(&c->pat, name) && globs_match(&c->type_pat, type);
}

/* is_attachment - part i is an attachment: marked as one, or a leaf
 * that is not text */
static int
is_attachment(const struct content *view, size_t i)
{
	const char *type;
	int att;

	if (content_part_kind(view, i) == CONTENT_KIND_CONTAINER ||
	    content_part(view, i, &type, NULL, NULL, NULL, &att) == -1)
		return 0;
	return att || strncmp(type, "text/", 5) != 0;
}

int
attach_match(const struct cond *c, const struct rules_ctx *ctx)
{
	const struct content *view;
	const char *type, *name;
	enum content_kind kind;
	uint64_t size;
	size_t i;
	long part;

	if (message_body_count_only(ctx->msg))
		return COND_UNKNOWN;
	if (rules_content(&view, ctx) == -1)
		return -1;
	for (i = 0; i < content_part_count(view); i++) {
		if (!is_attachment(view, i))
			continue;
		(void)content_part(view, i, &type, &name, NULL, NULL, NULL);
		if (file_match(c, content_part_kind(view, i), name, type,
		        content_part_decoded(view, i)))
			return 1;
	}
	for (i = 0; content_member(view, i, &part, &name, &kind, &size) == 0;
	     i++) {
		(void)content_part(
		    view, (size_t)part, &type, NULL, NULL, NULL, NULL);
		if (file_match(c, kind, name, type, size))
			return 1;
	}
	return 0;
}
