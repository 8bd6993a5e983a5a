/*
 * conditions.c - the condition kinds: what a <when> can ask of a message
 *
 * Each kind is one entry in cond_kinds[]: its element name, the
 * attributes it takes, a compiler and a matcher. Matchers read the
 * message through message.h only and return 1 (holds), 0 (does not) or
 * -1 (could not be decided: the caller tempfails).
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "bounds.h"
#include "compat.h"
#include "content.h"
#include "diag.h"
#include "message.h"
#include "regex.h"
#include "roster.h"
#include "rules_int.h"
#include "xnode.h"

/*
 * Patterns: globs and regexes
 */

/* rules_glob_match - case-insensitive match of s against glob p ('*', '?');
 * p is lower-case already. Iterative with one backtrack point, so the
 * cost is at most O(len(p) * len(s)). */
int
rules_glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s != '\0') {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' ||
		    *p == (char)tolower((unsigned char)*s)) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* rules_split_globs - the space-separated globs in list, lower-cased */
int
rules_split_globs(struct pattern *pat, const char *list)
{
	const char *p = list, *start;
	char *g;
	size_t len, i;

	pat->type = PATTERN_GLOB;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		for (start = p; *p != '\0' && !isspace((unsigned char)*p); p++)
			continue;
		len = (size_t)(p - start);
		g = realloc(pat->globs, (pat->nglobs + 1) * sizeof(char *));
		if (g == NULL)
			return -1;
		pat->globs = (char **)(void *)g;
		if ((g = strndup(start, len)) == NULL)
			return -1;
		for (i = 0; i < len; i++)
			g[i] = (char)tolower((unsigned char)g[i]);
		pat->globs[pat->nglobs++] = g;
	}
}

/*
 * compile_pattern - the pattern of n from attribute glob_attr (a glob
 * list) or "regex", at most one of them; neither gives PATTERN_NONE
 * unless required. case="sensitive" makes a regex case-sensitive.
 */
static int
compile_pattern(struct pattern *pat, const struct xnode *n,
    const char *glob_attr, int required, struct diag *dg)
{
	const char *glob = glob_attr != NULL ? xnode_attr(n, glob_attr) : NULL;
	const char *re = xnode_attr(n, "regex");
	const char *cs = xnode_attr(n, "case");
	char err[256];
	size_t col;
	unsigned flags = REGEX_CASELESS;

	if (cs != NULL && strcmp(cs, "sensitive") == 0)
		flags = 0;
	else if (cs != NULL && strcmp(cs, "insensitive") != 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid value \"%s\" for case on <%s> (expected: "
		    "insensitive, sensitive)",
		    cs, xnode_name(n));
	if (glob != NULL && re != NULL) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> takes %s or regex, not both", xnode_name(n),
		    glob_attr);
		return 0;
	}
	if (glob == NULL && re == NULL) {
		if (required)
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "<%s> needs %s or regex", xnode_name(n), glob_attr);
		return 0;
	}
	if (glob != NULL) {
		if (rules_split_globs(pat, glob) == -1)
			return -1;
		if (pat->nglobs == 0)
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "empty %s on <%s>", glob_attr, xnode_name(n));
		return 0;
	}
	if (regex_compile(&pat->re, re, flags, err, sizeof(err), &col) == -1) {
		if (errno == ENOMEM && col == 0)
			return -1;
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid regex \"%s\" in <%s>: %s at offset %zu", re,
		    xnode_name(n), err, col > 0 ? col - 1 : 0);
		return 0;
	}
	pat->type = PATTERN_REGEX;
	return 0;
}

/* pattern_match - 1 if value matches pat, 0 if not, -1 on error */
static int
pattern_match(
    const struct pattern *pat, const char *value, const struct rules_ctx *ctx)
{
	size_t i;

	switch (pat->type) {
	case PATTERN_NONE:
		return value[0] != '\0';
	case PATTERN_GLOB:
		for (i = 0; i < pat->nglobs; i++)
			if (rules_glob_match(pat->globs[i], value))
				return 1;
		return 0;
	case PATTERN_REGEX:
		return regex_match(pat->re, ctx->scratch, value, strlen(value));
	}
	return -1;
}

/* rules_pattern_free - release what compile_pattern() built */
void
rules_pattern_free(struct pattern *pat)
{
	size_t i;

	for (i = 0; i < pat->nglobs; i++)
		free(pat->globs[i]);
	free(pat->globs);
	regex_free(pat->re);
}

/*
 * Numbers
 */

/* rules_parse_size - "1234", "10K", "5M", "1G" into *out; -1 if malformed */
int
rules_parse_size(uint64_t *out, const char *s)
{
	char *end;
	uintmax_t v, mult = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoumax(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		mult = 1024;
		end++;
		break;
	case 'M':
		mult = 1024 * 1024;
		end++;
		break;
	case 'G':
		mult = 1024 * 1024 * 1024;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0' || v > UINT64_MAX / mult)
		return -1;
	*out = (uint64_t)(v * mult);
	return 0;
}

/* compile_range - the over/under attributes of n, at least one */
static int
compile_range(struct range *r, const struct xnode *n, struct diag *dg)
{
	static const char *const names[] = {"over", "under"};
	const char *v;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((v = xnode_attr(n, names[i])) == NULL)
			continue;
		if (rules_parse_size(i == 0 ? &r->over : &r->under, v) == -1) {
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid number \"%s\" for %s on <%s> (expected "
			    "digits, optionally followed by K, M or G)",
			    v, names[i], xnode_name(n));
			continue;
		}
		if (i == 0)
			r->has_over = 1;
		else
			r->has_under = 1;
	}
	if (xnode_attr(n, "over") == NULL && xnode_attr(n, "under") == NULL)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> needs over or under", xnode_name(n));
	return 0;
}

/* range_match - over < v < under */
static int
range_match(const struct range *r, uint64_t v)
{
	if (r->has_over && !(v > r->over))
		return 0;
	if (r->has_under && !(v < r->under))
		return 0;
	return 1;
}

/*
 * The kinds
 */

/* compile_nest - all, any, not: compile the child conditions */
static int
compile_nest(struct cond *c, const struct xnode *n, struct diag *dg)
{
	const struct xnode *x;
	struct cond **tail = &c->child;
	size_t count = 0;

	for (x = xnode_child(n); x != NULL; x = xnode_next(x)) {
		if (cond_compile(tail, x, c->depth + 1, dg) == -1)
			return -1;
		if (*tail != NULL)
			tail = &(*tail)->next;
		count++;
	}
	if (count == 0 && strcmp(xnode_name(n), "when") != 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> needs at least one condition", c->kind->name);
	if (count > 1 && strcmp(c->kind->name, "not") == 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<not> takes exactly one condition (wrap several in "
		    "<all> or <any>)");
	return 0;
}

/*
 * all, any and not use three-valued logic before the headers are known:
 * false and anything is false, true or anything is true, the rest is
 * COND_UNKNOWN. An error (-1) wins over everything.
 */

/* match_all - every child holds */
static int
match_all(const struct cond *c, const struct rules_ctx *ctx)
{
	const struct cond *x;
	int m, result = 1;

	for (x = c->child; x != NULL; x = x->next) {
		if ((m = cond_match(x, ctx)) == -1 || m == 0)
			return m;
		if (m == COND_UNKNOWN)
			result = COND_UNKNOWN;
	}
	return result;
}

/* match_any - some child holds */
static int
match_any(const struct cond *c, const struct rules_ctx *ctx)
{
	const struct cond *x;
	int m, result = 0;

	for (x = c->child; x != NULL; x = x->next) {
		if ((m = cond_match(x, ctx)) == -1 || m == 1)
			return m;
		if (m == COND_UNKNOWN)
			result = COND_UNKNOWN;
	}
	return result;
}

/* match_not - the child does not hold */
static int
match_not(const struct cond *c, const struct rules_ctx *ctx)
{
	int m = cond_match(c->child, ctx);

	return m == -1 || m == COND_UNKNOWN ? m : !m;
}

/* compile_sender - <sender address="..."|regex="..." role="..."/> */
static int
compile_sender(struct cond *c, const struct xnode *n, struct diag *dg)
{
	if (dir_compile_filter(&c->filter, n, 0, dg) == -1)
		return -1;
	return compile_pattern(
	    &c->pat, n, "address", xnode_attr(n, "role") == NULL, dg);
}

/*
 * pattern_address - the form of addr that address patterns see: its
 * canonical form (address.h), so that "*@district.example" is not
 * dodged by "teach@district.example." or a quoted local part. Sets
 * *unresolved when the MTA's destination cannot be worked out; the
 * pattern then sees the best spelling there is (addr itself if none).
 */
static const char *
pattern_address(struct address *a, int *unresolved, const struct rules_ctx *ctx,
    const char *addr)
{
	*unresolved = roster_address(a, ctx->roster, addr) != ADDRESS_OK;
	if (*unresolved && a->text[0] == '\0')
		return addr;
	return a->text;
}

/*
 * sender_pattern - the envelope sender or an author (From, Sender)
 * matches c's pattern: who wrote is judged by every address the message
 * gives for it, so "*@district.example" cannot be dodged by
 * "MAIL FROM:<>" with a district From. At the envelope, a sender that
 * does not match yet may still be matched by an author: unknown.
 */
static int
sender_pattern(const struct cond *c, const struct rules_ctx *ctx)
{
	const char *s = message_sender(ctx->msg);
	const struct authors *au;
	struct address a;
	int m = 0, unresolved = 0;
	size_t i;

	/* The null sender <> is the empty string: only a regex such as
	 * "^$" or the glob "" can ask for it. */
	if (*s != '\0' || c->pat.type != PATTERN_GLOB) {
		if (*s != '\0')
			s = pattern_address(&a, &unresolved, ctx, s);
		if ((m = pattern_match(&c->pat, s, ctx)) != 0)
			return m;
	}
	if (ctx->envelope_only)
		return COND_UNKNOWN;
	if (rules_authors(&au, ctx) == -1)
		return -1;
	for (i = 0; i < au->n; i++) {
		s = pattern_address(&a, &unresolved, ctx, au->addrs[i]);
		if ((m = pattern_match(&c->pat, s, ctx)) != 0)
			return m;
	}
	return 0;
}

/* match_sender - the sender (the envelope sender or an author) matches
 * the pattern, and the sender is who the role filter asks for */
static int
match_sender(const struct cond *c, const struct rules_ctx *ctx)
{
	int m = 1, f;

	if (c->pat.type != PATTERN_NONE &&
	    ((m = sender_pattern(c, ctx)) == 0 || m == -1))
		return m;
	if (!dir_filter_used(&c->filter))
		return m;
	/* three-valued and: false or error wins, then unknown */
	if ((f = dir_sender_match(&c->filter, ctx)) == 0 || f == -1)
		return f;
	return m == COND_UNKNOWN || f == COND_UNKNOWN ? COND_UNKNOWN : 1;
}

/* compile_recipient - <recipient address|regex match="any|all"/>, and
 * what the directory says (role level direct guardian-of-recipient
 * guardians) */
static int
compile_recipient(struct cond *c, const struct xnode *n, struct diag *dg)
{
	const char *m = xnode_attr(n, "match");

	if (m != NULL && strcmp(m, "all") == 0)
		c->match_all = 1;
	else if (m != NULL && strcmp(m, "any") != 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid value \"%s\" for match on <recipient> (expected: "
		    "any, all)",
		    m);
	if (dir_compile_filter(&c->filter, n, 1, dg) == -1)
		return -1;
	/* A role or level alone is enough: no address pattern needed. */
	return compile_pattern(&c->pat, n, "address",
	    xnode_attr(n, "role") == NULL && xnode_attr(n, "level") == NULL &&
	        xnode_attr(n, "direct") == NULL &&
	        xnode_attr(n, "guardian-of-recipient") == NULL &&
	        xnode_attr(n, "guardians") == NULL,
	    dg);
}

/* rcpt_match - one recipient against the pattern (on its canonical
 * form) and the filter; COND_UNKNOWN at the envelope for a recipient
 * whose destination cannot be worked out */
static int
rcpt_match(const struct cond *c, const struct rules_ctx *ctx, const char *addr)
{
	struct address a;
	const char *s;
	int m, unresolved;

	if (c->pat.type != PATTERN_NONE) {
		s = pattern_address(&a, &unresolved, ctx, addr);
		if (unresolved && ctx->envelope_only)
			return COND_UNKNOWN;
		if ((m = pattern_match(&c->pat, s, ctx)) != 1)
			return m;
	}
	if (!dir_filter_used(&c->filter))
		return 1;
	return dir_rcpt_match(&c->filter, ctx, addr);
}

/* match_recipient - any (or every) recipient matches: the addresses the
 * MTA delivers to, a list's members in place of the list */
static int
match_recipient(const struct cond *c, const struct rules_ctx *ctx)
{
	size_t i, n = rules_rcpt_count(ctx);
	int m, unknown = 0;

	/* a recipient lost at a bound could be the one that matches */
	if (ctx->envelope_only && !rules_rcpts_complete(ctx))
		return COND_UNKNOWN;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		m = rcpt_match(c, ctx, rules_rcpt(ctx, i));
		if (m == -1)
			return -1;
		if (m == COND_UNKNOWN)
			unknown = 1;
		else if (m == 1 && !c->match_all)
			return 1;
		else if (m == 0 && c->match_all)
			return 0;
	}
	return unknown ? COND_UNKNOWN : c->match_all;
}

/* compile_named - an element with a required name attribute and an
 * optional value pattern (header, macro) */
static int
compile_named(struct cond *c, const struct xnode *n, struct diag *dg)
{
	const char *name = xnode_attr(n, "name");

	if (name == NULL || *name == '\0')
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> needs a name attribute", xnode_name(n));
	else if ((c->name = strdup(name)) == NULL)
		return -1;
	return compile_pattern(&c->pat, n,
	    strcmp(xnode_name(n), "macro") == 0 ? "value" : NULL, 0, dg);
}

/*
 * header_value_match - one field value against pat: as received, or as
 * a mail program shows it (encoded words decoded, 8-bit text as UTF-8;
 * content.h). Either form matching is a match, so that neither an
 * encoding nor its absence dodges a rule.
 */
static int
header_value_match(
    const struct pattern *pat, const char *v, const struct rules_ctx *ctx)
{
	char *d;
	int m;

	if ((m = pattern_match(pat, v, ctx)) != 0)
		return m;
	if (content_header_decode(&d, v) == -1)
		return -1;
	if (d == NULL)
		return 0;
	m = pattern_match(pat, d, ctx);
	free(d);
	return m;
}

/* match_header - some field of that name is present (and matches) */
static int
match_header(const struct cond *c, const struct rules_ctx *ctx)
{
	const char *v;
	size_t iter = 0;
	int m;

	while ((v = message_header_value(ctx->msg, c->name, &iter)) != NULL) {
		if (c->pat.type == PATTERN_NONE)
			return 1;
		if ((m = header_value_match(&c->pat, v, ctx)) != 0)
			return m;
	}
	return 0;
}

/* compile_body - <body regex="..." case="..."/>: a regex is required */
static int
compile_body(struct cond *c, const struct xnode *n, struct diag *dg)
{
	if (xnode_attr(n, "regex") == NULL) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<body> needs a regex attribute");
		return 0;
	}
	return compile_pattern(&c->pat, n, NULL, 0, dg);
}

/* match_body - the decoded text of some text part matches (the MIME
 * view, built once per evaluation: rules_content()). A body that was
 * only counted (end of header judged that no rule reading it could
 * match) is unknown, never "no match": if the answer matters, the
 * evaluation fails (rules_evaluate()). */
static int
match_body(const struct cond *c, const struct rules_ctx *ctx)
{
	const struct content *view;
	const char *t;
	size_t i, len;
	int m;

	if (c->pat.type != PATTERN_REGEX)
		return 0; /* a compile error was reported */
	if (message_body_count_only(ctx->msg))
		return COND_UNKNOWN;
	if (rules_content(&view, ctx) == -1)
		return -1;
	for (i = 0; (t = content_text(view, i, &len)) != NULL; i++)
		if ((m = regex_match(c->pat.re, ctx->scratch, t, len)) != 0)
			return m;
	return 0;
}

/*
 * match_macro - the macro is set (and matches). The MTA sends each macro
 * at a stage of its configuration (Postfix's milter_*_macros, Sendmail's
 * Milter.macros.*), possibly only at end of message, and the milter
 * records a per-message macro it did not send as empty: at the envelope
 * a macro without a value is unknown, not "unset".
 */
static int
match_macro(const struct cond *c, const struct rules_ctx *ctx)
{
	const char *v = message_macro(ctx->msg, c->name);

	if (ctx->envelope_only && (v == NULL || *v == '\0'))
		return COND_UNKNOWN;
	if (v == NULL)
		return 0;
	return pattern_match(&c->pat, v, ctx);
}

/* compile_auth - <authenticated login="..."/> */
static int
compile_auth(struct cond *c, const struct xnode *n, struct diag *dg)
{
	return compile_pattern(&c->pat, n, "login", 0, dg);
}

/* match_auth - the client authenticated (as a matching login) */
static int
match_auth(const struct cond *c, const struct rules_ctx *ctx)
{
	const char *v = message_macro(ctx->msg, "{auth_authen}");

	if (v == NULL || *v == '\0')
		return 0;
	return pattern_match(&c->pat, v, ctx);
}

/* compile_range_only - size */
static int
compile_range_only(struct cond *c, const struct xnode *n, struct diag *dg)
{
	return compile_range(&c->range, n, dg);
}

/* compile_rcpt_count - <recipients over under role level/> */
static int
compile_rcpt_count(struct cond *c, const struct xnode *n, struct diag *dg)
{
	if (dir_compile_filter(&c->filter, n, 0, dg) == -1)
		return -1;
	return compile_range(&c->range, n, dg);
}

/* match_size - message size in range */
static int
match_size(const struct cond *c, const struct rules_ctx *ctx)
{
	return range_match(&c->range, message_size(ctx->msg));
}

/* match_rcpt_count - number of recipients (of the roles and levels
 * asked for) in range, a list counting as its members */
static int
match_rcpt_count(const struct cond *c, const struct rules_ctx *ctx)
{
	size_t i, count = 0, n = rules_rcpt_count(ctx);
	int m;

	/* the count of recipients kept is not the count the MTA has */
	if (ctx->envelope_only && !rules_rcpts_complete(ctx))
		return COND_UNKNOWN;
	if (!dir_filter_used(&c->filter))
		return range_match(&c->range, n);
	for (i = 0; i < n; i++) {
		m = dir_rcpt_match(&c->filter, ctx, rules_rcpt(ctx, i));
		if (m == -1 || m == COND_UNKNOWN)
			return m; /* unknown: only at the envelope */
		count += (size_t)m;
	}
	return range_match(&c->range, count);
}

/* compile_limit - <limit-exceeded name="header-size ..."/> */
static int
compile_limit(struct cond *c, const struct xnode *n, struct diag *dg)
{
	struct pattern names = {PATTERN_NONE, NULL, 0, NULL};
	const char *list = xnode_attr(n, "name");
	unsigned flag;
	size_t i;

	if (list == NULL) {
		c->flags = ~0u;
		c->content_flags = ~0u;
		return 0;
	}
	if (rules_split_globs(&names, list) == -1) {
		rules_pattern_free(&names);
		return -1;
	}
	for (i = 0; i < names.nglobs; i++) {
		if ((flag = message_limit_flag(names.globs[i])) != 0)
			c->flags |= flag;
		else if ((flag = content_limit_flag(names.globs[i])) != 0)
			c->content_flags |= flag;
		else
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "unknown limit \"%s\" on <limit-exceeded> "
			    "(expected: address, recipients, header-size, "
			    "header-count, headers-total, body-size, macro, "
			    "mime-depth, mime-parts, mime-bytes, "
			    "mime-undecodable, mime-malformed, mime-encrypted, "
			    "mime-unread, mime-time)",
			    names.globs[i]);
	}
	if (names.nglobs == 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "empty name on <limit-exceeded>");
	rules_pattern_free(&names);
	return 0;
}

/* match_limit - one of the limits was passed: the message's own, or a
 * finding of its MIME view (built only when a mime-* name is asked) */
static int
match_limit(const struct cond *c, const struct rules_ctx *ctx)
{
	const struct content *view;

	if ((message_limits(ctx->msg) & c->flags) != 0)
		return 1;
	if (c->content_flags == 0)
		return 0;
	if (rules_content(&view, ctx) == -1)
		return -1;
	return (content_limits(view) & c->content_flags) != 0;
}

/*
 * client: the connecting host's address in a list of networks
 */

/* parse_ip - text (IPv4 or IPv6, Sendmail's "IPv6:" prefix allowed) into
 * 16 bytes, IPv4 as ::ffff:a.b.c.d; *v4 says which. -1 if not an address */
static int
parse_ip(unsigned char out[16], int *v4, const char *text)
{
	struct in_addr a4;

	if (strncasecmp(text, "IPv6:", 5) == 0)
		text += 5;
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*v4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out) == 1) {
		*v4 = 0;
		return 0;
	}
	return -1;
}

/* parse_cidr - "10.0.0.0/8", "2001:db8::/32" or one address into *c;
 * -1 if malformed */
static int
parse_cidr(struct cidr *c, const char *word)
{
	char text[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long bits;
	int v4;

	if (strlcpy(text, word, sizeof(text)) >= sizeof(text))
		return -1;
	if ((slash = strchr(text, '/')) != NULL)
		*slash++ = '\0';
	if (parse_ip(c->addr, &v4, text) == -1)
		return -1;
	c->prefix = 128;
	if (slash != NULL) {
		if (!isdigit((unsigned char)*slash))
			return -1;
		errno = 0;
		bits = strtoul(slash, &end, 10);
		if (errno != 0 || *end != '\0' || bits > (v4 ? 32u : 128u))
			return -1;
		c->prefix = (unsigned)bits + (v4 ? 96u : 0u);
	}
	return 0;
}

/* cidr_match - addr (16 bytes) is in c */
static int
cidr_match(const struct cidr *c, const unsigned char addr[16])
{
	unsigned full = c->prefix / 8, rest = c->prefix % 8;
	unsigned char mask;

	if (memcmp(c->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (addr[full] & mask);
}

/* compile_client - <client network="10.0.0.0/8 2001:db8::/32 ..."/> */
static int
compile_client(struct cond *c, const struct xnode *n, struct diag *dg)
{
	struct pattern words = {PATTERN_NONE, NULL, 0, NULL};
	const char *list = xnode_attr(n, "network");
	struct cidr *nets;
	size_t i;

	if (list == NULL) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<client> needs a network attribute");
		return 0;
	}
	if (rules_split_globs(&words, list) == -1 ||
	    (words.nglobs > 0 &&
	        (c->nets = calloc(words.nglobs, sizeof(*nets))) == NULL)) {
		rules_pattern_free(&words);
		return -1;
	}
	for (i = 0; i < words.nglobs; i++) {
		if (parse_cidr(&c->nets[c->nnets], words.globs[i]) == 0)
			c->nnets++;
		else
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid network \"%s\" on <client> (expected an "
			    "IPv4 or IPv6 address, with an optional /prefix)",
			    words.globs[i]);
	}
	if (words.nglobs == 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "empty network on <client>");
	rules_pattern_free(&words);
	return 0;
}

/* match_client - the client address ({client_addr}) is in a network;
 * mail with no client address (submitted on the MTA host itself through
 * sendmail(1)) is in none */
static int
match_client(const struct cond *c, const struct rules_ctx *ctx)
{
	const char *v = message_macro(ctx->msg, "{client_addr}");
	unsigned char addr[16];
	size_t i;
	int v4;

	if (v == NULL || parse_ip(addr, &v4, v) == -1)
		return 0;
	for (i = 0; i < c->nnets; i++)
		if (cidr_match(&c->nets[i], addr))
			return 1;
	return 0;
}

static const char *const no_attrs[] = {NULL};
static const char *const addr_attrs[] = {
    "address", "regex", "case", "role", NULL};
static const char *const rcpt_attrs[] = {"address", "regex", "case", "match",
    "role", "level", "direct", "guardian-of-recipient", "guardians", NULL};
static const char *const count_attrs[] = {
    "over", "under", "role", "level", NULL};
static const char *const header_attrs[] = {"name", "regex", "case", NULL};
static const char *const body_attrs[] = {"regex", "case", NULL};
static const char *const macro_attrs[] = {
    "name", "value", "regex", "case", NULL};
static const char *const auth_attrs[] = {"login", "regex", "case", NULL};
static const char *const range_attrs[] = {"over", "under", NULL};
static const char *const limit_attrs[] = {"name", NULL};
static const char *const client_attrs[] = {"network", NULL};
static const char *const found_attrs[] = {"detector", "in", "kind", "name",
    "min-matches", "min-students", "to", NULL};
static const char *const attach_attrs[] = {
    "kind", "name", "type", "size-over", "size-under", NULL};

/* A new kind states its stage; leaving it out (COND_AT_END) is safe. */
const struct cond_kind cond_kinds[] = {
    {"all", no_attrs, 1, COND_COMBINES, compile_nest, match_all},
    {"any", no_attrs, 1, COND_COMBINES, compile_nest, match_any},
    {"not", no_attrs, 1, COND_COMBINES, compile_nest, match_not},
    {"sender", addr_attrs, 0, COND_AT_ENVELOPE, compile_sender, match_sender},
    {"recipient", rcpt_attrs, 0, COND_AT_ENVELOPE, compile_recipient,
        match_recipient},
    {"header", header_attrs, 0, COND_AT_END, compile_named, match_header},
    /* the decoded text of the text parts */
    {"body", body_attrs, 0, COND_AT_END, compile_body, match_body},
    /* {auth_authen} comes with MAIL FROM (Postfix and Sendmail) */
    {"authenticated", auth_attrs, 0, COND_AT_ENVELOPE, compile_auth,
        match_auth},
    {"size", range_attrs, 0, COND_AT_END, compile_range_only, match_size},
    {"recipients", count_attrs, 0, COND_AT_ENVELOPE, compile_rcpt_count,
        match_rcpt_count},
    {"macro", macro_attrs, 0, COND_AT_ARRIVAL, compile_named, match_macro},
    /* {client_addr} comes with the connection */
    {"client", client_attrs, 0, COND_AT_ENVELOPE, compile_client, match_client},
    /* header and body limits are passed after DATA */
    {"limit-exceeded", limit_attrs, 0, COND_AT_END, compile_limit, match_limit},
    /* what the detectors found in the decoded text (found.c) */
    {"found", found_attrs, 0, COND_AT_END, found_compile, found_match},
    /* the attachments of the MIME view (attach.c) */
    {"attachment", attach_attrs, 0, COND_AT_END, attach_compile, attach_match},
    {NULL, NULL, 0, COND_AT_END, NULL, NULL},
};

/* kind_names - every condition name, for "expected:" lists */
static void
kind_names(char *dst, size_t size)
{
	size_t i;

	dst[0] = '\0';
	for (i = 0; cond_kinds[i].name != NULL; i++) {
		if (i > 0)
			(void)strlcat(dst, ", ", size);
		(void)strlcat(dst, cond_kinds[i].name, size);
	}
}

int
cond_compile(
    struct cond **out, const struct xnode *n, int depth, struct diag *dg)
{
	const struct cond_kind *k;
	struct cond *c;
	char exp[512];

	*out = NULL;
	for (k = cond_kinds; k->name != NULL; k++)
		if (strcmp(k->name, xnode_name(n)) == 0)
			break;
	if (k->name == NULL) {
		kind_names(exp, sizeof(exp));
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "unknown condition <%s> (expected: %s)", xnode_name(n),
		    exp);
		return 0;
	}
	if (depth > BOUND_CONDITION_DEPTH) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "conditions nested more than %d deep",
		    BOUND_CONDITION_DEPTH);
		return 0;
	}
	(void)xnode_check_attrs(n, k->attrs, dg);
	if (!k->nest && xnode_child(n) != NULL)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> takes no child elements", k->name);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -1;
	c->kind = k;
	c->depth = depth;
	*out = c;
	return k->compile(c, n, dg);
}

int
cond_match(const struct cond *c, const struct rules_ctx *ctx)
{
	if (ctx->envelope_only && c->kind->stage == COND_AT_END)
		return COND_UNKNOWN;
	return c->kind->match(c, ctx);
}

size_t
rules_condition_kind_count(void)
{
	return sizeof(cond_kinds) / sizeof(cond_kinds[0]) - 1;
}

const char *
rules_condition_kind(size_t i)
{
	return i < rules_condition_kind_count() ? cond_kinds[i].name : NULL;
}

/* add_macro - remember name in rs once, in the form libmilter asks for
 * it: "{name}" for a long name, "i" for a one-letter one */
static int
add_macro(struct rules *rs, const char *name)
{
	char form[BOUND_MACRO_BYTES];
	char **v;
	size_t i, len = strlen(name);

	if (len > 1 && name[0] != '{')
		(void)snprintf(form, sizeof(form), "{%s}", name);
	else
		(void)strlcpy(form, name, sizeof(form));
	for (i = 0; i < rs->nmacros; i++)
		if (strcmp(rs->macros[i], form) == 0)
			return 0;
	if ((v = realloc(rs->macros, (rs->nmacros + 1) * sizeof(*v))) == NULL)
		return -1;
	rs->macros = v;
	if ((v[rs->nmacros] = strdup(form)) == NULL)
		return -1;
	rs->nmacros++;
	return 0;
}

int
cond_macros(struct rules *rs, const struct cond *c)
{
	for (; c != NULL; c = c->next) {
		if (c->kind->match == match_macro && c->name != NULL &&
		    add_macro(rs, c->name) == -1)
			return -1;
		if (cond_macros(rs, c->child) == -1)
			return -1;
	}
	return 0;
}

/* reads_content - c itself reads the body's content */
static int
reads_content(const struct cond *c)
{
	return c->kind->match == match_body || c->kind->match == found_match ||
	    c->kind->match == attach_match ||
	    (c->kind->match == match_limit && c->content_flags != 0);
}

int
cond_reads_body(const struct cond *c)
{
	for (; c != NULL; c = c->next)
		if (reads_content(c) || cond_reads_body(c->child))
			return 1;
	return 0;
}

int
cond_needs_body(const struct cond *c)
{
	for (; c != NULL; c = c->next) {
		if (c->kind->match == match_size ||
		    (c->kind->match == match_limit &&
		        (c->flags & MESSAGE_LIMIT_BODY_SIZE)) ||
		    reads_content(c) || cond_needs_body(c->child))
			return 1;
	}
	return 0;
}

int
cond_needs_directory(const struct cond *c)
{
	for (; c != NULL; c = c->next)
		if (dir_filter_used(&c->filter) ||
		    (c->found != NULL && found_builtin(c->found)) ||
		    cond_needs_directory(c->child))
			return 1;
	return 0;
}

void
cond_free(struct cond *c)
{
	struct cond *next;

	for (; c != NULL; c = next) {
		next = c->next;
		cond_free(c->child);
		rules_pattern_free(&c->pat);
		rules_pattern_free(&c->type_pat);
		free(c->name);
		free(c->nets);
		found_free(c->found);
		free(c);
	}
}
