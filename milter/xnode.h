/*
 * xnode.h - a read-only XML element tree with source positions
 *
 * config.c parses XML with libxml2 and hands the rest of the program this
 * tree, so no other module sees a libxml2 type. Only elements, their
 * attributes and their text are kept; comments and processing
 * instructions are dropped. Every node knows the file and line it came
 * from (never a column: libxml2 does not keep one for elements).
 * A tree is immutable once built and may be read from any thread.
 */
#ifndef GUARDIAN_XNODE_H
#define GUARDIAN_XNODE_H

#include <stddef.h>

struct diag;
struct xnode;

const char *xnode_name(const struct xnode *n);
const char *xnode_file(const struct xnode *n);
unsigned long xnode_line(const struct xnode *n);

/* xnode_attr - value of attribute name, or NULL when absent */
const char *xnode_attr(const struct xnode *n, const char *name);

/* xnode_attr_count / xnode_attr_at - every attribute, in document order */
size_t xnode_attr_count(const struct xnode *n);
void xnode_attr_at(
    const struct xnode *n, size_t i, const char **name, const char **value);

/* xnode_text - the text directly inside n, concatenated ("" if none) */
const char *xnode_text(const struct xnode *n);

/* xnode_child / xnode_next - first child element, next sibling element;
 * NULL at the end */
const struct xnode *xnode_child(const struct xnode *n);
const struct xnode *xnode_next(const struct xnode *n);

/*
 * xnode_check_attrs - one diagnostic per attribute of n not named in
 * allowed (a NULL-terminated list, possibly empty):
 *	file:line: unknown attribute "x" on <el> (expected: a, b)
 *	file:line: unknown attribute "x" on <el> (it takes none)
 * Returns 0 if every attribute is allowed, else -1.
 */
int xnode_check_attrs(
    const struct xnode *n, const char *const *allowed, struct diag *dg);

#endif /* GUARDIAN_XNODE_H */
