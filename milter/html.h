/*
 * html.h - HTML reduced to the text a mail program shows
 *
 * A small reducer, not a browser: tags are dropped (block-level ones
 * become a line break, inline ones nothing, so "Re<b>port</b>" still
 * reads "Report"), <script> and <style> elements are dropped with
 * what they hold, comments are dropped, and character references (&amp; &#233;
 * &#xE9; and the common named ones) are decoded; a reference it does not know
 * is kept as written. Quotes inside a tag are followed, so a ">" in an
 * attribute value does not end it. No network, no entities from a DTD.
 * Linear in the input; the output is never longer than the input.
 */
#ifndef GUARDIAN_HTML_H
#define GUARDIAN_HTML_H

#include <stddef.h>

struct buf;

/* html_text - append the text of in[0..n) (UTF-8 or any ASCII superset:
 * bytes >= 0x80 are copied) to out. Returns 0, or -1 with errno ENOMEM;
 * past out's ceiling the text is cut and 0 returned (the caller sees
 * the buffer full). Pure; any thread. */
int html_text(struct buf *out, const char *in, size_t n);

#endif /* GUARDIAN_HTML_H */
