/*
 * address.c - the canonical form of a mail address (see address.h)
 *
 * Two steps: parse (brackets, source route, unquoting, the split at the
 * last unquoted '@', the domain's trailing dot and case), then resolve
 * the routing forms one step the way Postfix's trivial-rewrite does
 * when the domain is local. Everything is done in the caller's struct:
 * no allocation, and the text never grows (unquoting and routing only
 * remove characters), so BOUND_ADDRESS_BYTES + 1 always holds it.
 */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "address.h"

/* unresolvable - set out to ADDRESS_UNRESOLVABLE for why */
static enum address_status
unresolvable(struct address *out, const char *why)
{
	out->status = ADDRESS_UNRESOLVABLE;
	out->why = why;
	return out->status;
}

/* lower - ASCII lower case (domains; UTF-8 bytes are left alone) */
static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* is_ctl - a byte that may not appear outside quotes: controls, blank */
static int
is_ctl(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

int
address_domain_in(const char *domain, const char *const *list, size_t n)
{
	size_t dl = strlen(domain), l, i;

	for (i = 0; i < n; i++) {
		l = strlen(list[i]);
		if (l == 0)
			continue;
		if (dl == l && memcmp(domain, list[i], l) == 0)
			return 1;
		if (dl > l && domain[dl - l - 1] == '.' &&
		    memcmp(domain + dl - l, list[i], l) == 0)
			return 1;
	}
	return 0;
}

const char *
address_domain(const struct address *a)
{
	return a->text + a->at + 1;
}

/* is_local - 1 if the MTA is final destination for domain: a listed
 * domain, localhost, or an address literal (one of its interfaces, as
 * far as we can tell: any literal is taken as local, which only ever
 * resolves more) */
static int
is_local(const char *domain, const char *const *local, size_t nlocal)
{
	static const char *const builtin[] = {"localhost"};

	return domain[0] == '[' || address_domain_in(domain, builtin, 1) ||
	    address_domain_in(domain, local, nlocal);
}

/* skip_route - past a source route "@a,@b:" at s[0..len), or s itself
 * when there is none; NULL when it is malformed */
static const char *
skip_route(const char *s, size_t len)
{
	const char *colon, *p;

	if (len == 0 || s[0] != '@')
		return s;
	if ((colon = memchr(s, ':', len)) == NULL)
		return NULL;
	/* each hop: "@" and a domain without blanks, quotes or another @ */
	for (p = s; p < colon; p++) {
		if (*p == '@' && (p == s || p[-1] == ',') && p + 1 < colon &&
		    p[1] != ',' && p[1] != '@')
			continue;
		if (*p == '@' || *p == '"' || *p == '\\' ||
		    is_ctl((unsigned char)*p) || (*p == ',' && p[1] != '@'))
			return NULL;
	}
	return colon + 1;
}

/*
 * parse - brackets, route, unquoting into out->text; sets out->at to the
 * last unquoted '@' (in text). The domain is left as written.
 */
static enum address_status
parse(struct address *out, const char *s, size_t len)
{
	const char *e, *p;
	size_t n = 0, qpos = 0;
	int quoted = 0, at = -1;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s++;
		len -= 2;
	}
	if (len == 0)
		return unresolvable(out, "empty address");
	if (len > BOUND_ADDRESS_BYTES)
		return unresolvable(out, "longer than the address limit");
	if ((p = skip_route(s, len)) == NULL)
		return unresolvable(out, "malformed source route");
	if (p != s) {
		out->forms |= ADDRESS_FORM_ROUTE;
		len -= (size_t)(p - s);
		s = p;
	}
	for (p = s, e = s + len; p < e; p++) {
		if (*p == '\\') {
			if (++p == e || (unsigned char)*p < ' ' || *p == 0x7f)
				return unresolvable(out, "malformed escape");
			out->forms |= ADDRESS_FORM_QUOTED;
			qpos = n + 1;
			out->text[n++] = *p;
		} else if (*p == '"') {
			quoted = !quoted;
			out->forms |= ADDRESS_FORM_QUOTED;
			qpos = n + 1;
		} else if (quoted) {
			if ((unsigned char)*p < ' ' || *p == 0x7f)
				return unresolvable(
				    out, "control character in quotes");
			out->text[n++] = *p;
		} else {
			if (is_ctl((unsigned char)*p))
				return unresolvable(out,
				    "blank or control character in the "
				    "address");
			if (*p == '<' || *p == '>')
				return unresolvable(
				    out, "angle brackets in the address");
			if (*p == '@')
				at = (int)n;
			out->text[n++] = *p;
		}
	}
	out->text[n] = '\0';
	if (quoted)
		return unresolvable(out, "unbalanced quote");
	if (at < 0)
		return unresolvable(out, "no domain");
	/* quoting belongs to the local part: the domain takes none */
	if (qpos > (size_t)at + 1)
		return unresolvable(out, "quotes in the domain");
	out->at = (size_t)at;
	return ADDRESS_OK;
}

/* fix_domain - the domain of out->text from the '@' at offset at: one
 * trailing dot dropped, lower case; -1 with out->why set if malformed */
static int
fix_domain(struct address *out, size_t at)
{
	char *d = out->text + at + 1;
	size_t dl = strlen(d), i;

	if (dl > 0 && d[dl - 1] == '.') {
		d[--dl] = '\0';
		out->forms |= ADDRESS_FORM_TRAILING_DOT;
	}
	if (dl == 0) {
		out->why = "no domain";
		return -1;
	}
	if (d[0] == '.' || d[dl - 1] == '.') {
		out->why = "malformed domain";
		return -1;
	}
	for (i = 0; i < dl; i++) {
		if (d[i] == '"' || d[i] == '\\') {
			out->why = "quotes in the domain";
			return -1;
		}
		if (d[i] != lower(d[i])) {
			out->forms |= ADDRESS_FORM_UPPER_DOMAIN;
			d[i] = lower(d[i]);
		}
	}
	return 0;
}

/* routing - the first routing operator in local part l (n bytes), 0 */
static char
routing(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] == '@' || l[i] == '%' || l[i] == '!')
			return l[i];
	return 0;
}

/* last_of - the offset of the last c in s[0..n), or n */
static size_t
last_of(const char *s, size_t n, char c)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (s[i - 1] == c)
			return i - 1;
	return n;
}

/*
 * resolve - one routing step on the local part out->text[0..out->at),
 * the domain being local: "a@b" (from quotes) and "a%b" become a@b,
 * "b!a" becomes a@b, in trivial-rewrite's order (an '@' first, then a
 * bang path, then the percent hack)
 */
static enum address_status
resolve(struct address *out)
{
	char *t = out->text, tmp[BOUND_ADDRESS_BYTES + 1];
	size_t n = out->at, cut, ul, sl;

	if ((cut = last_of(t, n, '@')) < n) {
		out->forms |= ADDRESS_FORM_AT;
	} else if (memchr(t, '!', n) != NULL) {
		/* site!user: the first bang splits; user@site */
		cut = (size_t)((char *)memchr(t, '!', n) - t);
		sl = cut;
		ul = n - cut - 1;
		memcpy(tmp, t + cut + 1, ul);
		tmp[ul] = '@';
		memcpy(tmp + ul + 1, t, sl);
		memcpy(t, tmp, n);
		cut = ul;
		out->forms |= ADDRESS_FORM_BANG;
	} else {
		cut = last_of(t, n, '%');
		out->forms |= ADDRESS_FORM_PERCENT;
	}
	t[cut] = '@';
	t[n] = '\0';
	out->at = cut;
	if (cut == 0 || fix_domain(out, cut) == -1)
		return unresolvable(out, "malformed routing form");
	if (routing(t, cut) != 0)
		return unresolvable(out, "nested routing (several of @ % !)");
	return ADDRESS_OK;
}

enum address_status
address_canon(struct address *out, const char *addr, size_t len,
    const char *const *local, size_t nlocal)
{
	out->status = ADDRESS_OK;
	out->forms = 0;
	out->text[0] = '\0';
	out->at = 0;
	out->why = NULL;
	if (parse(out, addr, len) != ADDRESS_OK) {
		out->text[0] = '\0';
		return out->status;
	}
	if (fix_domain(out, out->at) == -1)
		return unresolvable(out, out->why);
	if (out->at == 0)
		return unresolvable(out, "empty local part");
	if (routing(out->text, out->at) == 0)
		return ADDRESS_OK;
	if (!is_local(address_domain(out), local, nlocal))
		return unresolvable(out,
		    "routing form (@ % !) under a domain not known to be "
		    "local");
	return resolve(out);
}

int
address_is_plain(const char *addr)
{
	struct address a;
	size_t len = strlen(addr);

	if (len > BOUND_ADDRESS_BYTES ||
	    address_canon(&a, addr, len, NULL, 0) != ADDRESS_OK ||
	    (a.forms & ~(unsigned)ADDRESS_FORM_UPPER_DOMAIN) != 0)
		return 0;
	/* the canonical form differs only by the case of the domain */
	return strcasecmp(a.text, addr) == 0;
}
