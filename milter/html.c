/*
 * html.c - HTML reduced to text
 *
 * One pass over the bytes: text is copied, a tag is skipped (its name
 * decides whether a line break stands in for it), script and style
 * elements are skipped to their end tag, comments to "-->", and
 * character references are decoded. Every step moves forward, so the
 * work is linear in the input.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html.h"

/* Tags a mail program shows as a break between words. */
static const char *const block_tags[] = {"address", "article", "aside",
    "blockquote", "br", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p", "pre",
    "section", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr",
    "ul", NULL};

/* Named references decoded (the ones mail uses; the rest stay as they
 * are written). "" stands for a character shown as nothing. */
static const struct {
	const char *name;
	const char *utf8;
} entities[] = {
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"quot", "\""},
    {"apos", "'"},
    {"nbsp", " "},
    {"ensp", " "},
    {"emsp", " "},
    {"thinsp", " "},
    {"shy", ""},
    {"zwnj", ""},
    {"zwj", ""},
    {"ndash", "\xe2\x80\x93"},
    {"mdash", "\xe2\x80\x94"},
    {"lsquo", "\xe2\x80\x98"},
    {"rsquo", "\xe2\x80\x99"},
    {"ldquo", "\xe2\x80\x9c"},
    {"rdquo", "\xe2\x80\x9d"},
    {"hellip", "\xe2\x80\xa6"},
    {"bull", "\xe2\x80\xa2"},
    {"copy", "\xc2\xa9"},
    {"reg", "\xc2\xae"},
    {"euro", "\xe2\x82\xac"},
    {NULL, NULL},
};

/* The longest reference looked at: "&#x10FFFF;" and the names above. */
#define HTML_REF_MAX 12

/* is_alpha / is_alnum - ASCII only, whatever the locale */
static int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
is_alnum(int ch)
{
	return is_alpha(ch) || (ch >= '0' && ch <= '9');
}

/* put - append n bytes; -1 only on ENOMEM (a full buffer is not an
 * error: the caller sees it full) */
static int
put(struct buf *out, const char *s, size_t n)
{
	if (buf_append(out, s, n) == BUF_NOMEM) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* put_cp - code point cp as UTF-8; U+FFFD for NUL, a surrogate or one
 * past U+10FFFF */
static int
put_cp(struct buf *out, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(out, u, n);
}

/*
 * reference - the character reference at in[i] ('&'): decoded into out
 * and its length returned, or 0 when it is not one this reducer knows
 * (the '&' is then copied as text). -1 on ENOMEM.
 */
static long
reference(struct buf *out, const char *in, size_t n, size_t i)
{
	char name[HTML_REF_MAX + 1];
	unsigned long cp = 0;
	size_t j = i + 1, k = 0, digits = 0;
	int hex = 0;

	if (j < n && in[j] == '#') {
		j++;
		if (j < n && (in[j] == 'x' || in[j] == 'X')) {
			hex = 1;
			j++;
		}
		/* every digit is read, as browsers do (leading zeros
		 * included: "&#0000000082;" is "R"); the value stops growing
		 * past U+10FFFF, which put_cp() shows as U+FFFD */
		for (; j < n; j++, digits++) {
			if (in[j] >= '0' && in[j] <= '9')
				cp = cp * (hex ? 16 : 10) +
				    (unsigned long)(in[j] - '0');
			else if (hex &&
			    ((in[j] | 0x20) >= 'a' && (in[j] | 0x20) <= 'f'))
				cp = cp * 16 +
				    (unsigned long)((in[j] | 0x20) - 'a' + 10);
			else
				break;
			if (cp > 0x10ffff)
				cp = 0x110000;
		}
		if (digits == 0)
			return 0;
		if (j < n && in[j] == ';')
			j++;
		return put_cp(out, cp) == -1 ? -1 : (long)(j - i);
	}
	for (; j < n && k < HTML_REF_MAX && is_alnum((unsigned char)in[j]); j++)
		name[k++] = in[j];
	name[k] = '\0';
	for (k = 0; entities[k].name != NULL; k++)
		if (strcmp(entities[k].name, name) == 0)
			break;
	if (entities[k].name == NULL)
		return 0;
	if (j < n && in[j] == ';')
		j++;
	return put(out, entities[k].utf8, strlen(entities[k].utf8)) == -1 ?
	    -1 :
	    (long)(j - i);
}

/* find_ci - the first case-insensitive match of needle in in[i..n), or
 * n */
static size_t
find_ci(const char *in, size_t n, size_t i, const char *needle)
{
	size_t len = strlen(needle);

	for (; i + len <= n; i++)
		if (strncasecmp(in + i, needle, len) == 0)
			return i;
	return n;
}

/* tag_end - the byte after the '>' that closes the tag opened at in[i],
 * quoted attribute values followed; n if it never closes. A quote opens
 * a value only right after '=' (white space between allowed), as in a
 * browser: elsewhere (x=a'b) it is an ordinary character, so that it
 * cannot hide the text after the tag. */
static size_t
tag_end(const char *in, size_t n, size_t i)
{
	char quote = 0, prev = 0;

	for (i++; i < n; i++) {
		if (quote != 0) {
			if (in[i] == quote)
				quote = 0;
			continue;
		}
		if ((in[i] == '"' || in[i] == '\'') && prev == '=')
			quote = in[i];
		else if (in[i] == '>')
			return i + 1;
		if (in[i] != ' ' && in[i] != '\t' && in[i] != '\r' &&
		    in[i] != '\n')
			prev = in[i];
	}
	return n;
}

/* is_block - name (len bytes) is one of block_tags */
static int
is_block(const char *name, size_t len)
{
	size_t k;

	for (k = 0; block_tags[k] != NULL; k++)
		if (strlen(block_tags[k]) == len &&
		    strncasecmp(block_tags[k], name, len) == 0)
			return 1;
	return 0;
}

/*
 * markup - the markup at in[i] ('<'): skipped, with a line break put out
 * for a block tag; returns the index after it, or i when '<' starts no
 * markup (it is then text). (size_t)-1 on ENOMEM.
 */
static size_t
markup(struct buf *out, const char *in, size_t n, size_t i)
{
	size_t j = i + 1, name, len, end;
	int closing = 0;

	if (j < n && in[j] == '!' && n - j >= 3 && in[j + 1] == '-' &&
	    in[j + 2] == '-') {
		/* "<!-->" and "<!--->" are empty comments to a browser */
		if (j + 3 < n && in[j + 3] == '>')
			return j + 4;
		if (j + 4 < n && in[j + 3] == '-' && in[j + 4] == '>')
			return j + 5;
		end = find_ci(in, n, j + 3, "-->");
		return end < n ? end + 3 : n;
	}
	if (j < n && (in[j] == '!' || in[j] == '?'))
		return tag_end(in, n, i);
	if (j < n && in[j] == '/') {
		closing = 1;
		j++;
	}
	if (j >= n || !is_alpha((unsigned char)in[j]))
		return i;
	for (name = j; j < n &&
	     (is_alnum((unsigned char)in[j]) || in[j] == '-' || in[j] == ':');
	     j++)
		continue;
	len = j - name;
	end = tag_end(in, n, i);
	if (!closing &&
	    ((len == 6 && strncasecmp(in + name, "script", 6) == 0) ||
	        (len == 5 && strncasecmp(in + name, "style", 5) == 0))) {
		/* what they hold is code, never shown: up to the end tag */
		end = find_ci(in, n, end, len == 6 ? "</script" : "</style");
		return end < n ? tag_end(in, n, end) : n;
	}
	if (is_block(in + name, len) && put(out, "\n", 1) == -1)
		return (size_t)-1;
	return end;
}

int
html_text(struct buf *out, const char *in, size_t n)
{
	size_t i = 0, start, next;
	long r;

	while (i < n) {
		for (start = i; i < n && in[i] != '<' && in[i] != '&'; i++)
			continue;
		if (i > start && put(out, in + start, i - start) == -1)
			return -1;
		if (i >= n)
			break;
		if (in[i] == '&') {
			if ((r = reference(out, in, n, i)) == -1)
				return -1;
			if (r > 0) {
				i += (size_t)r;
				continue;
			}
		} else {
			if ((next = markup(out, in, n, i)) == (size_t)-1)
				return -1;
			if (next != i) {
				i = next;
				continue;
			}
		}
		if (put(out, in + i, 1) == -1)
			return -1;
		i++;
	}
	return 0;
}
