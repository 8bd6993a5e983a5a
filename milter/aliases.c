/*
 * aliases.c - the MTA's virtual aliases: read the virtual(5) source
 * file, look addresses up, expand a message's recipients (aliases.h)
 *
 * The table keeps its strings in a small pool freed at once, its entries
 * in one array and their results in another, and the keys in a strset.
 * Lookups take the canonical form of an address (address.h), so that the
 * spellings the MTA delivers alike find the same key.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "aliases.h"
#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "strset.h"

#define POOL_CHUNK (64 * 1024)

struct pool_chunk {
	struct pool_chunk *next;
	size_t used, cap;
	char data[];
};

struct aliases_entry {
	const struct aliases *al;
	const char *key; /* canonical, lower case */
	const char *file;
	unsigned long line;
	size_t off, n; /* al->results[off .. off + n) */
};

struct aliases {
	struct aliases_options opts;
	struct pool_chunk *pool;
	struct aliases_entry *entries;
	size_t n, cap;
	const char **results;
	size_t nresults, rcap;
	char **files;
	size_t nfiles;
	struct strset keys; /* key -> index in entries */
};

/* pool_strndup - a copy of s[0..len) with a NUL, in the pool */
static char *
pool_strndup(struct aliases *al, const char *s, size_t len)
{
	struct pool_chunk *c = al->pool;
	size_t cap;
	char *p;

	if (len >= SIZE_MAX / 2)
		return NULL;
	if (c == NULL || len + 1 > c->cap - c->used) {
		cap = len + 1 > POOL_CHUNK ? len + 1 : POOL_CHUNK;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = al->pool;
		al->pool = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

int
aliases_new(struct aliases **out, const struct aliases_options *o)
{
	struct aliases *al;

	if ((al = calloc(1, sizeof(*al))) == NULL)
		return -1;
	al->opts = *o;
	if (al->opts.delimiters == NULL)
		al->opts.delimiters = "";
	strset_init(&al->keys);
	*out = al;
	return 0;
}

void
aliases_free(struct aliases *al)
{
	struct pool_chunk *c, *next;
	size_t i;

	if (al == NULL)
		return;
	for (c = al->pool; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	for (i = 0; i < al->nfiles; i++)
		free(al->files[i]);
	free(al->files);
	free(al->entries);
	free(al->results);
	strset_free(&al->keys);
	free(al);
}

size_t
aliases_count(const struct aliases *al)
{
	return al->n;
}

size_t
aliases_results(const struct aliases *al)
{
	return al->nresults;
}

/* is_blank - white space as postmap(1) reads it */
static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* lower - s[0..len) in ASCII lower case into dst, NUL-terminated */
static void
lower(char *dst, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	dst[len] = '\0';
}

/* canon - the canonical form of addr[0..len) with the table's local
 * domains */
static enum address_status
canon(struct address *a, const struct aliases *al, const char *addr, size_t len)
{
	return address_canon(a, addr, len, al->opts.local, al->opts.nlocal);
}

/*
 * Reading
 */

/* The state of aliases_parse() over one file. */
struct parser {
	struct aliases *al;
	const char *name; /* the table's copy of the file name */
	struct diag *dg;
	struct buf line;     /* the logical line being gathered */
	unsigned long start; /* the line it starts on */
	int have;            /* a logical line is open */
	int bad;             /* it had an error: it is dropped */
	int nomem;
};

/* add_result - one result of the entry being built; -1 on ENOMEM */
static int
add_result(struct parser *ps, const char *s, size_t len)
{
	struct aliases *al = ps->al;
	const char **v;
	size_t cap;

	if (al->nresults == al->rcap) {
		cap = al->rcap == 0 ? 64 : al->rcap * 2;
		if ((v = realloc(al->results, cap * sizeof(*v))) == NULL)
			return -1;
		al->results = v;
		al->rcap = cap;
	}
	if ((al->results[al->nresults] = pool_strndup(al, s, len)) == NULL)
		return -1;
	al->nresults++;
	return 0;
}

/* next_token - the next result in *p (advanced past it) as start and
 * length: separated by commas or blanks, with quoted strings kept
 * whole and "Name <address>" taken as one; 0 when there is none */
static int
next_token(const char **p, const char **start, size_t *len)
{
	const char *s = *p, *look;
	int inq = 0, angle = 0;

	while (*s == ',' || is_blank((unsigned char)*s))
		s++;
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	*start = s;
	for (; *s != '\0'; s++) {
		if (inq) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '"')
				inq = 0;
			continue;
		}
		if (*s == '"')
			inq = 1;
		else if (*s == '<')
			angle = 1;
		else if (*s == '>')
			angle = 0;
		else if (*s == ',' && !angle)
			break;
		else if (is_blank((unsigned char)*s) && !angle) {
			/* a display name of any number of words before
			 * <address> belongs to it, as Postfix's address
			 * parser reads "Sam Lee <sam.lee@...>" as one
			 * address */
			for (look = s; *look != '\0' && *look != ',' &&
			     *look != '<' && *look != '"';
			     look++)
				continue;
			if (*look != '<')
				break;
		}
	}
	*len = (size_t)(s - *start);
	*p = s;
	return 1;
}

/* unangle - the address inside <...> of tok, if it has one */
static void
unangle(const char **tok, size_t *len)
{
	const char *lt = memchr(*tok, '<', *len), *gt;

	if (lt == NULL)
		return;
	gt = memchr(lt, '>', *len - (size_t)(lt - *tok));
	*len =
	    gt != NULL ? (size_t)(gt - lt - 1) : *len - (size_t)(lt - *tok) - 1;
	*tok = lt + 1;
}

/*
 * result - one result token of the entry for key (as written, whose
 * local part ends at key_at) into the table, as it is delivered to: an
 * "@domain" first result takes the key's local part, an address without
 * a domain gets the origin. -1 on ENOMEM.
 */
static int
result(struct parser *ps, const char *key, size_t key_at, const char *tok,
    size_t len, int first)
{
	struct aliases *al = ps->al;
	struct address a;
	struct buf b;
	int r = -1;

	buf_init(&b, BOUND_ALIAS_LINE_BYTES + BOUND_ADDRESS_BYTES);
	unangle(&tok, &len);
	if (len == 0)
		return 0;
	if (first && tok[0] == '@') {
		if (buf_append(&b, key, key_at) != BUF_OK)
			goto out;
	}
	if (buf_append(&b, tok, len) != BUF_OK)
		goto out;
	if (memchr(tok, '@', len) == NULL && al->opts.origin != NULL &&
	    (buf_putc(&b, '@') != BUF_OK ||
	        buf_puts(&b, al->opts.origin) != BUF_OK))
		goto out;
	if (canon(&a, al, buf_str(&b), b.len) != ADDRESS_OK)
		diag_warn(ps->dg, ps->name, ps->start, 0,
		    "result \"%s\" of \"%s\" cannot be resolved (%s): the "
		    "rules see it as an unresolvable recipient",
		    buf_str(&b), key, a.why != NULL ? a.why : "not an address");
	r = add_result(ps, buf_str(&b), b.len);
out:
	buf_free(&b);
	return r;
}

/* reaches_local - 1 if a result in value (the rest of a catch-all's
 * line) names a domain of its own ("@domain", which keeps the local part
 * of what it catches) or an address in one of the MTA's local domains */
static int
reaches_local(const struct aliases *al, const char *value)
{
	char dom[BOUND_ADDRESS_BYTES + 1];
	const char *p = value, *tok, *at;
	size_t len;

	while (next_token(&p, &tok, &len)) {
		unangle(&tok, &len);
		if (len == 0)
			continue;
		if (tok[0] == '@')
			return 1;
		if ((at = memchr(tok, '@', len)) == NULL)
			continue;
		len -= (size_t)(at + 1 - tok);
		if (len > BOUND_ADDRESS_BYTES)
			return 1;
		lower(dom, at + 1, len);
		if (address_domain_in(dom, al->opts.local, al->opts.nlocal))
			return 1;
	}
	return 0;
}

/* key_skipped - 1 if key (a word of the file, with its results in
 * value) is not one the filter reads, with a warning when it matters,
 * or an error when what it catches may reach the district's mailboxes:
 * the filter cannot judge that mail by the address as written */
static int
key_skipped(struct parser *ps, const char *key, const char *value)
{
	if (key[0] == '@' && reaches_local(ps->al, value)) {
		diag_error(ps->dg, ps->name, ps->start, 0,
		    "catch-all \"%s\" reaches the district's own domains, "
		    "which the filter cannot judge by the address as "
		    "written: list each address it must cover as a key of "
		    "its own",
		    key);
		return 1;
	}
	if (key[0] == '@') {
		diag_warn(ps->dg, ps->name, ps->start, 0,
		    "catch-all \"%s\" is not read: mail it catches is judged "
		    "by the address as written; list each address it must "
		    "cover as a key of its own",
		    key);
		return 1;
	}
	if (strchr(key, '@') != NULL)
		return 0;
	/* "domain anything" names a virtual alias domain: no address */
	if (strchr(key, '.') == NULL)
		diag_warn(ps->dg, ps->name, ps->start, 0,
		    "key \"%s\" has no domain and is not read (Postfix matches "
		    "it in its local domains): write it as %s@DOMAIN for each "
		    "domain it covers",
		    key, key);
	return 1;
}

/* add_entry - a new entry for key (canonical, lower case) whose results
 * start at off; -1 on ENOMEM */
static int
add_entry(struct parser *ps, const char *key, size_t off)
{
	struct aliases *al = ps->al;
	struct aliases_entry *e;
	size_t cap;

	if (al->n == al->cap) {
		cap = al->cap == 0 ? 64 : al->cap * 2;
		if ((e = realloc(al->entries, cap * sizeof(*e))) == NULL)
			return -1;
		al->entries = e;
		al->cap = cap;
	}
	e = &al->entries[al->n];
	e->al = al;
	e->file = ps->name;
	e->line = ps->start;
	e->off = off;
	e->n = al->nresults - off;
	if ((e->key = pool_strndup(al, key, strlen(key))) == NULL ||
	    strset_add(&al->keys, key, al->n) == -1)
		return -1;
	al->n++;
	return 0;
}

/* entry - one logical line, "key result, result ..."; -1 on ENOMEM */
static int
entry(struct parser *ps, char *text)
{
	struct aliases *al = ps->al;
	char lkey[BOUND_ADDRESS_BYTES + 1];
	const char *value, *p, *tok;
	struct address a;
	size_t klen, len, idx, off = al->nresults;
	int first = 1;

	klen = strcspn(text, " \t\v\f\r");
	for (value = text + klen; is_blank((unsigned char)*value); value++)
		continue;
	text[klen] = '\0';
	if (klen > 0 && text[klen - 1] == ':') {
		diag_error(ps->dg, ps->name, ps->start, 0,
		    "\"%s\" is in the aliases(5) format (\"name: value\"); "
		    "the file must be in the virtual(5) format "
		    "(\"address  result, result ...\")",
		    text);
		return 0;
	}
	if (*value == '\0') {
		diag_error(ps->dg, ps->name, ps->start, 0,
		    "\"%s\" has no result (expected \"key  result, result "
		    "...\")",
		    text);
		return 0;
	}
	if (key_skipped(ps, text, value))
		return 0;
	if (canon(&a, al, text, klen) != ADDRESS_OK ||
	    (a.forms &
	        (ADDRESS_FORM_PERCENT | ADDRESS_FORM_BANG | ADDRESS_FORM_AT)) !=
	        0) {
		diag_warn(ps->dg, ps->name, ps->start, 0,
		    "key \"%s\" is not read: %s", text,
		    a.why != NULL ? a.why :
		                    "a routing form (Postfix looks it up as "
		                    "written, the filter by where it leads)");
		return 0;
	}
	lower(lkey, a.text, strlen(a.text));
	if (strset_get(&al->keys, lkey, &idx)) {
		/* the first entry counts, as in Postfix */
		if (al->entries[idx].file == ps->name)
			diag_warn(ps->dg, ps->name, ps->start, 0,
			    "duplicate entry \"%s\" (first at line %lu): the "
			    "first counts",
			    text, al->entries[idx].line);
		return 0;
	}
	for (p = value; next_token(&p, &tok, &len); first = 0)
		if (result(ps, text, (size_t)(strrchr(text, '@') - text), tok,
		        len, first) == -1)
			return -1;
	if (al->nresults == off) {
		diag_error(ps->dg, ps->name, ps->start, 0,
		    "\"%s\" has no result (expected \"key  result, result "
		    "...\")",
		    text);
		return 0;
	}
	return add_entry(ps, lkey, off);
}

/* flush - the logical line gathered so far, if any */
static void
flush(struct parser *ps)
{
	if (ps->have && !ps->bad && !ps->nomem &&
	    buf_putc(&ps->line, '\0') == BUF_OK &&
	    entry(ps, ps->line.data) == -1)
		ps->nomem = 1;
	ps->have = 0;
	ps->bad = 0;
	buf_reset(&ps->line);
}

/* gather - add s[0..len) to the logical line; an error if too long */
static void
gather(struct parser *ps, const char *s, size_t len)
{
	int r;

	if (ps->bad)
		return;
	/* one byte kept for the NUL that flush() adds */
	if (len >= ps->line.max - ps->line.len)
		r = BUF_TOOBIG;
	else
		r = buf_append(&ps->line, s, len);
	if (r == BUF_NOMEM) {
		ps->nomem = 1;
	} else if (r == BUF_TOOBIG) {
		diag_error(ps->dg, ps->name, ps->start, 0,
		    "entry longer than %d bytes: split the list into lists "
		    "of lists",
		    BOUND_ALIAS_LINE_BYTES);
		ps->bad = 1;
	}
}

/* keep_name - the table's own copy of a file name */
static char *
keep_name(struct aliases *al, const char *name)
{
	char **v;

	if ((v = realloc(al->files, (al->nfiles + 1) * sizeof(*v))) == NULL)
		return NULL;
	al->files = v;
	if ((v[al->nfiles] = strdup(name)) == NULL)
		return NULL;
	return v[al->nfiles++];
}

int
aliases_parse(struct aliases *al, const char *name, const char *data,
    size_t len, struct diag *dg)
{
	const char *p = data, *end = data + len, *eol, *q;
	unsigned long lineno = 0;
	struct parser ps;
	size_t n;

	memset(&ps, 0, sizeof(ps));
	ps.al = al;
	ps.dg = dg;
	buf_init(&ps.line, BOUND_ALIAS_LINE_BYTES);
	if ((ps.name = keep_name(al, name)) == NULL) {
		diag_error(dg, name, 0, 0, "out of memory reading the file");
		return -1;
	}
	if (len > BOUND_ALIAS_FILE_BYTES) {
		diag_error(dg, name, 0, 0,
		    "larger than %d bytes; not read (is it the virtual(5) "
		    "file?)",
		    BOUND_ALIAS_FILE_BYTES);
		return 0;
	}
	/* an editor and postmap's source always end with a line break; a
	 * file without one was most likely cut short in the middle of an
	 * address, which would read as another, valid-looking one */
	if (len > 0 && data[len - 1] != '\n') {
		for (q = data, n = 1; q < end; q++)
			n += *q == '\n';
		diag_error(dg, name, (unsigned long)n, 0,
		    "the file does not end with a line break: it looks cut "
		    "short while being written, and is not read");
		return 0;
	}
	for (; p < end && !ps.nomem; p = eol + (eol < end)) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		lineno++;
		n = (size_t)(eol - p);
		for (q = p; q < eol && is_blank((unsigned char)*q); q++)
			continue;
		if (q == eol || *q == '#')
			continue; /* blank or comment: never ends an entry */
		if (memchr(p, '\0', n) != NULL) {
			diag_error(dg, name, lineno, 0,
			    "NUL byte in the line; not a text file?");
			if (q == p) {
				flush(&ps);
				ps.have = 1;
				ps.start = lineno;
			}
			ps.bad = 1;
			continue;
		}
		while (n > 0 && is_blank((unsigned char)p[n - 1]))
			n--;
		if (q > p) {
			/* white space first: a continuation */
			if (!ps.have) {
				diag_error(dg, name, lineno, 0,
				    "continuation line (it starts with white "
				    "space) with no entry before it");
				continue;
			}
			gather(&ps, " ", 1);
			gather(&ps, q, n - (size_t)(q - p));
			continue;
		}
		flush(&ps);
		ps.have = 1;
		ps.start = lineno;
		gather(&ps, p, n);
	}
	flush(&ps);
	buf_free(&ps.line);
	if (ps.nomem) {
		diag_error(dg, name, 0, 0, "out of memory reading the file");
		return -1;
	}
	return 0;
}

/*
 * Lookups
 */

/* lookup - the entry addr is a key of; when only its form without the
 * extension is, the extension ("+tag", from the delimiter up to the '@')
 * into ext. NULL if none. */
static const struct aliases_entry *
lookup(const struct aliases *al, const char *addr, char *ext, size_t extsize)
{
	char key[BOUND_ADDRESS_BYTES + 1];
	struct address a;
	size_t idx, cut, dlen;

	ext[0] = '\0';
	if (al == NULL || al->n == 0 ||
	    canon(&a, al, addr, strlen(addr)) != ADDRESS_OK)
		return NULL;
	lower(key, a.text, strlen(a.text));
	if (strset_get(&al->keys, key, &idx))
		return &al->entries[idx];
	cut = strcspn(a.text, al->opts.delimiters);
	if (al->opts.delimiters[0] == '\0' || cut == 0 || cut >= a.at ||
	    a.at - cut >= extsize)
		return NULL;
	dlen = strlen(a.text + a.at);
	memmove(key + cut, key + a.at, dlen + 1);
	if (!strset_get(&al->keys, key, &idx))
		return NULL;
	memcpy(ext, a.text + cut, a.at - cut);
	ext[a.at - cut] = '\0';
	return &al->entries[idx];
}

const struct aliases_entry *
aliases_find(const struct aliases *al, const char *addr)
{
	char ext[BOUND_ADDRESS_BYTES + 1];

	return lookup(al, addr, ext, sizeof(ext));
}

const char *
aliases_entry_key(const struct aliases_entry *e)
{
	return e->key;
}

const char *
aliases_entry_file(const struct aliases_entry *e)
{
	return e->file;
}

unsigned long
aliases_entry_line(const struct aliases_entry *e)
{
	return e->line;
}

size_t
aliases_entry_count(const struct aliases_entry *e)
{
	return e->n;
}

const char *
aliases_entry_result(const struct aliases_entry *e, size_t i)
{
	return i < e->n ? e->al->results[e->off + i] : NULL;
}

/*
 * The recipients of a message
 */

struct rcpt {
	char *addr;
	const char *origin; /* the key the message named, or NULL */
	const char *via;    /* the key whose result it is, or NULL */
	int listed;
};

struct aliases_rcpts {
	struct rcpt *v;
	size_t n, cap;
	struct strset seen; /* canonical forms of the addresses in v */
	size_t expanded;    /* envelope recipients that were keys */
	size_t produced;    /* addresses read from the table */
	unsigned lost;
	const char *lost_at;
};

/* A step of the expansion: an address still to look up. */
struct work {
	char *addr;
	unsigned depth; /* lookups that led to it */
	const struct aliases_entry *from;
};

int
aliases_rcpts_new(struct aliases_rcpts **out)
{
	struct aliases_rcpts *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return -1;
	strset_init(&rs->seen);
	*out = rs;
	return 0;
}

void
aliases_rcpts_free(struct aliases_rcpts *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		free(rs->v[i].addr);
	free(rs->v);
	strset_free(&rs->seen);
	free(rs);
}

/* push_rcpt - take addr (allocated) into rs; -1 on ENOMEM (addr freed) */
static int
push_rcpt(
    struct aliases_rcpts *rs, char *addr, const char *origin, const char *via)
{
	struct rcpt *v;
	size_t cap;

	if (rs->n == rs->cap) {
		cap = rs->cap == 0 ? 16 : rs->cap * 2;
		if ((v = realloc(rs->v, cap * sizeof(*v))) == NULL) {
			free(addr);
			return -1;
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n].addr = addr;
	rs->v[rs->n].origin = origin;
	rs->v[rs->n].via = via;
	rs->v[rs->n].listed = 0;
	rs->n++;
	return 0;
}

/* seen_key - 1 if addr was not in rs yet (and is now), 0 if it was, -1
 * on ENOMEM; compared in canonical form, the domain without case */
static int
seen_key(struct aliases_rcpts *rs, const struct aliases *al, const char *addr)
{
	struct address a;

	if (canon(&a, al, addr, strlen(addr)) == ADDRESS_OK)
		return strset_add(&rs->seen, a.text, 0);
	return strset_add(&rs->seen, addr, 0);
}

/* with_ext - result with the extension ext put before its last '@'
 * (Postfix's propagate_unmatched_extensions); NULL on ENOMEM */
static char *
with_ext(const char *result, const char *ext)
{
	const char *at = strrchr(result, '@');
	size_t len = strlen(result), elen = strlen(ext), pre;
	char *s;

	if ((s = malloc(len + elen + 1)) == NULL)
		return NULL;
	pre = at != NULL ? (size_t)(at - result) : len;
	memcpy(s, result, pre);
	memcpy(s + pre, ext, elen);
	memcpy(s + pre + elen, result + pre, len - pre + 1);
	return s;
}

/* A stack of work. */
struct stack {
	struct work *v;
	size_t n, cap;
};

/* push_work - one more address to look up; -1 on ENOMEM (addr freed) */
static int
push_work(struct stack *st, char *addr, unsigned depth,
    const struct aliases_entry *from)
{
	struct work *v;
	size_t cap;

	if (addr == NULL)
		return -1;
	if (st->n == st->cap) {
		cap = st->cap == 0 ? 16 : st->cap * 2;
		if ((v = realloc(st->v, cap * sizeof(*v))) == NULL) {
			free(addr);
			return -1;
		}
		st->v = v;
		st->cap = cap;
	}
	st->v[st->n].addr = addr;
	st->v[st->n].depth = depth;
	st->v[st->n].from = from;
	st->n++;
	return 0;
}

/* lose - a bound was passed while expanding origin */
static void
lose(struct aliases_rcpts *rs, unsigned what, const char *origin)
{
	rs->lost |= what;
	if (rs->lost_at == NULL)
		rs->lost_at = origin;
}

/* expand - the results of e (found for w->addr, extension ext) onto st,
 * in reverse so that they come off in the table's order; -1 on ENOMEM */
static int
expand(struct aliases_rcpts *rs, struct stack *st, const struct work *w,
    const struct aliases_entry *e, const char *ext, const char *origin)
{
	size_t i;

	if (w->depth >= BOUND_ALIAS_DEPTH) {
		lose(rs, ALIASES_LOST_DEPTH, origin);
		return 0;
	}
	for (i = e->n; i-- > 0;) {
		if (rs->produced >= BOUND_ALIAS_MEMBERS) {
			lose(rs, ALIASES_LOST_MEMBERS, origin);
			return 0;
		}
		rs->produced++;
		if (push_work(st, with_ext(e->al->results[e->off + i], ext),
		        w->depth + 1, e) == -1)
			return -1;
	}
	return 0;
}

int
aliases_rcpts_add(
    struct aliases_rcpts *rs, const struct aliases *al, const char *addr)
{
	char ext[BOUND_ADDRESS_BYTES + 1];
	const struct aliases_entry *e;
	const char *origin = NULL;
	struct stack st = {NULL, 0, 0};
	struct strset itself; /* keys that expanded into themselves */
	struct work w;
	char *copy;
	size_t first = rs->n, finals = 0, i;
	int r, rc = -1;

	e = lookup(al, addr, ext, sizeof(ext));
	if (e == NULL) {
		/* not a list: the address itself, as the message names it */
		if ((al != NULL && al->n > 0 && seen_key(rs, al, addr) == -1) ||
		    (copy = strdup(addr)) == NULL)
			return -1;
		return push_rcpt(rs, copy, NULL, NULL);
	}
	origin = e->key;
	rs->expanded++;
	strset_init(&itself);
	w.addr = NULL;
	w.depth = 0;
	w.from = NULL;
	if (expand(rs, &st, &w, e, ext, origin) == -1)
		goto out;
	while (st.n > 0) {
		w = st.v[--st.n];
		e = lookup(al, w.addr, ext, sizeof(ext));
		/* An address that expands into itself is delivered, there
		 * and wherever else it turns up (Postfix's been_here). */
		if (e != NULL && e == w.from &&
		    strset_add(&itself, e->key, 0) == -1) {
			free(w.addr);
			goto out;
		}
		if (e != NULL && !strset_get(&itself, e->key, NULL)) {
			r = expand(rs, &st, &w, e, ext, origin);
			free(w.addr);
			if (r == -1)
				goto out;
			continue;
		}
		finals++;
		if ((r = seen_key(rs, al, w.addr)) != 1) {
			free(w.addr);
			if (r == -1)
				goto out;
			continue; /* already a recipient */
		}
		if (push_rcpt(rs, w.addr, origin, w.from->key) == -1)
			goto out;
	}
	for (i = first; finals > 1 && i < rs->n; i++)
		rs->v[i].listed = 1;
	rc = 0;
out:
	while (st.n > 0)
		free(st.v[--st.n].addr);
	free(st.v);
	strset_free(&itself);
	return rc;
}

size_t
aliases_rcpts_count(const struct aliases_rcpts *rs)
{
	return rs->n;
}

const char *
aliases_rcpts_addr(const struct aliases_rcpts *rs, size_t i)
{
	return i < rs->n ? rs->v[i].addr : NULL;
}

const char *
aliases_rcpts_origin(const struct aliases_rcpts *rs, size_t i)
{
	return i < rs->n ? rs->v[i].origin : NULL;
}

const char *
aliases_rcpts_via(const struct aliases_rcpts *rs, size_t i)
{
	return i < rs->n ? rs->v[i].via : NULL;
}

int
aliases_rcpts_listed(const struct aliases_rcpts *rs, size_t i)
{
	return i < rs->n && rs->v[i].listed;
}

size_t
aliases_rcpts_expanded(const struct aliases_rcpts *rs)
{
	return rs->expanded;
}

unsigned
aliases_rcpts_lost(const struct aliases_rcpts *rs)
{
	return rs->lost;
}

const char *
aliases_rcpts_lost_at(const struct aliases_rcpts *rs)
{
	return rs->lost_at;
}
