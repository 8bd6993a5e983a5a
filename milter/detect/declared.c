/*
 * declared.c - the configuration's detectors: <regex> and <keywords>
 *
 * Every pattern of every <regex> detector goes into ONE Vectorscan
 * database (block mode, leftmost start of match), so a text is read once
 * whatever the number of patterns. Vectorscan and PCRE2 do not agree on
 * everything (Vectorscan reports every end of a match, PCRE2 the one its
 * backtracking finds first), so each match Vectorscan reports is
 * confirmed by PCRE2, anchored at its start, before it counts; a pattern
 * is counted once per non-overlapping PCRE2 match. A pattern Vectorscan
 * cannot compile (backreferences, lookaround, a start of match it cannot
 * track) is matched by PCRE2 alone, JIT-compiled, under regex.c's work
 * limits. Without Vectorscan (configure --without-vectorscan), and for a
 * text that is not valid UTF-8, PCRE2 matches every pattern.
 *
 * <keywords> read a dictionary file (UTF-8, one word or phrase a line,
 * "#" comments) into a phrase table matched on the tokenizer's words:
 * case and accents ignored, whole words only.
 */
#include "autoconf.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifdef HAVE_LIBHS
#include <hs/hs.h>
#endif

#include "bounds.h"
#include "compat.h"
#include "config.h"
#include "detect.h"
#include "detect_int.h"
#include "diag.h"
#include "regex.h"
#include "utf8.h"
#include "xnode.h"

enum { DET_REGEX = 1, DET_KEYWORDS };

/* EVIDENCE_CHARS - the most characters of a dictionary entry or a
 * description a hit's evidence shows: enough for any sensible one */
#define EVIDENCE_CHARS 200

struct detector {
	char *id;
	char *description;
	int kind;
	const char *file; /* where it was declared (for messages) */
	unsigned long line;
};

struct pattern {
	uint32_t det;
	struct regex *re;
	char *source;
	const char *file; /* where it was declared (for messages) */
	unsigned long line;
	unsigned hs_flags;
	int in_hs; /* 1: Vectorscan finds it, PCRE2 confirms */
};

struct detect {
	struct detector *det;
	size_t ndet;
	struct pattern *pat;
	size_t npat;
	size_t pcre_only;  /* patterns Vectorscan does not take */
	double hs_seconds; /* the Vectorscan compile */
#ifdef HAVE_LIBHS
	hs_database_t *db;
	hs_scratch_t *proto; /* cloned for each scratch area */
#endif
	struct phrases kw;
	char **lines; /* the dictionaries' phrases, owned */
	size_t nlines, lcap;
	struct detect_pool pool;
	int pool_ok;
};

void
detect_free(struct detect *d)
{
	size_t i;

	if (d == NULL)
		return;
	if (d->pool_ok)
		pool_destroy(&d->pool);
	for (i = 0; i < d->ndet; i++) {
		free(d->det[i].id);
		free(d->det[i].description);
	}
	free(d->det);
	for (i = 0; i < d->npat; i++) {
		regex_free(d->pat[i].re);
		free(d->pat[i].source);
	}
	free(d->pat);
#ifdef HAVE_LIBHS
	if (d->proto != NULL)
		(void)hs_free_scratch(d->proto);
	if (d->db != NULL)
		(void)hs_free_database(d->db);
#endif
	phrases_free(&d->kw);
	for (i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d);
}

size_t
detect_count(const struct detect *d)
{
	return d == NULL ? 0 : d->ndet;
}

const char *
detect_id(const struct detect *d, size_t i)
{
	return d->det[i].id;
}

size_t
detect_pcre_only(const struct detect *d)
{
	return d == NULL ? 0 : d->pcre_only;
}

double
detect_compile_seconds(const struct detect *d)
{
	return d == NULL ? 0 : d->hs_seconds;
}

struct detect_pool *
declared_pool(const struct detect *d)
{
	return (struct detect_pool *)(uintptr_t)&d->pool;
}

int
declared_scratch(const struct detect *d, struct detect_scratch *sc)
{
	if ((sc->rs = regex_scratch_new()) == NULL)
		return -1;
#ifdef HAVE_LIBHS
	if (d->proto != NULL) {
		hs_scratch_t *s = NULL;

		if (hs_clone_scratch(d->proto, &s) != HS_SUCCESS)
			return -1;
		sc->hs = s;
	}
#else
	(void)d;
#endif
	return 0;
}

/* --- compiling ------------------------------------------------------------ */

/* The compiler's working state. */
struct compiler {
	struct detect *d;
	struct diag *dg;
	struct token_list tl;
	size_t pcap, dcap;
};

/* valid_id - letters, digits, '.', '_', '-'; 1 to 128 of them */
static int
valid_id(const char *id)
{
	size_t n = strspn(id,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n > 0 && n <= 128 && id[n] == '\0';
}

/* is_reserved - 1 for the built-in detectors' ids */
static int
is_reserved(const char *id)
{
	return strcmp(id, DETECT_STUDENT) == 0 ||
	    strcmp(id, DETECT_STUDENT_RECORD) == 0;
}

/* case_of - REGEX_CASELESS when n says case="insensitive"; -1 with a
 * diagnostic for another value; dflt when absent */
static int
case_of(struct compiler *c, const struct xnode *n, unsigned dflt)
{
	const char *v = xnode_attr(n, "case");

	if (v == NULL)
		return (int)dflt;
	if (strcmp(v, "insensitive") == 0)
		return REGEX_CASELESS;
	if (strcmp(v, "sensitive") == 0)
		return 0;
	diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
	    "invalid case \"%s\" on <%s> (expected: insensitive, sensitive)", v,
	    xnode_name(n));
	return -1;
}

/* add_detector - a new detector from element n; its index, -2 after a
 * diagnostic, -1 on ENOMEM */
static long
add_detector(struct compiler *c, const struct xnode *n, int kind)
{
	struct detect *d = c->d;
	const char *id = xnode_attr(n, "id");
	const char *desc = xnode_attr(n, "description");
	struct detector *det;
	size_t i;

	if (id == NULL || *id == '\0') {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> needs an id attribute", xnode_name(n));
		return -2;
	}
	if (!valid_id(id)) {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "invalid detector id \"%s\" (expected 1 to 128 letters, "
		    "digits, '.', '_' or '-')",
		    id);
		return -2;
	}
	if (is_reserved(id)) {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "detector id \"%s\" is reserved for a built-in detector",
		    id);
		return -2;
	}
	for (i = 0; i < d->ndet; i++)
		if (strcmp(d->det[i].id, id) == 0) {
			diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
			    "duplicate detector id \"%s\" (first declared at "
			    "%s:%lu)",
			    id, d->det[i].file, d->det[i].line);
			return -2;
		}
	if (d->ndet == c->dcap) {
		size_t nc = c->dcap * 2 + 8;

		if ((det = realloc(d->det, nc * sizeof(*det))) == NULL)
			return -1;
		d->det = det;
		c->dcap = nc;
	}
	det = &d->det[d->ndet];
	memset(det, 0, sizeof(*det));
	det->kind = kind;
	det->file = xnode_file(n);
	det->line = xnode_line(n);
	if ((det->id = strdup(id)) == NULL ||
	    (det->description = strdup(desc != NULL ? desc : id)) == NULL) {
		free(det->id);
		return -1;
	}
	return (long)d->ndet++;
}

/* add_pattern - compile one <pattern> of detector det */
static int
add_pattern(
    struct compiler *c, const struct xnode *p, uint32_t det, unsigned flags)
{
	static const char *const attrs[] = {"case", NULL};
	struct detect *d = c->d;
	const char *src = xnode_text(p);
	struct pattern *pt;
	struct regex *re;
	char err[256];
	size_t col;
	int cs;

	if (xnode_check_attrs(p, attrs, c->dg) == -1 ||
	    (cs = case_of(c, p, flags)) == -1)
		return 0;
	if (*src == '\0') {
		diag_error(c->dg, xnode_file(p), xnode_line(p), 0,
		    "<pattern> is empty");
		return 0;
	}
	if (d->npat >= BOUND_DETECT_PATTERNS) {
		diag_error(c->dg, xnode_file(p), xnode_line(p), 0,
		    "too many detector patterns (at most %d)",
		    BOUND_DETECT_PATTERNS);
		return 0;
	}
	if (regex_compile(&re, src, (unsigned)cs, err, sizeof(err), &col) ==
	    -1) {
		diag_error(c->dg, xnode_file(p), xnode_line(p), 0,
		    "invalid regex \"%s\" in <pattern>: %s at offset %zu", src,
		    err, col > 0 ? col - 1 : 0);
		return 0;
	}
	if (d->npat == c->pcap) {
		size_t nc = c->pcap * 2 + 16;

		if ((pt = realloc(d->pat, nc * sizeof(*pt))) == NULL) {
			regex_free(re);
			return -1;
		}
		d->pat = pt;
		c->pcap = nc;
	}
	pt = &d->pat[d->npat];
	memset(pt, 0, sizeof(*pt));
	pt->det = det;
	pt->re = re;
	pt->file = xnode_file(p);
	pt->line = xnode_line(p);
	if ((pt->source = strdup(src)) == NULL) {
		regex_free(re);
		return -1;
	}
#ifdef HAVE_LIBHS
	pt->hs_flags = HS_FLAG_UTF8 | HS_FLAG_SOM_LEFTMOST |
	    ((cs & REGEX_CASELESS) ? HS_FLAG_CASELESS : 0);
#endif
	d->npat++;
	return 0;
}

/* do_regex - a <regex> element */
static int
do_regex(struct compiler *c, const struct xnode *n)
{
	static const char *const attrs[] = {"id", "description", "case", NULL};
	const struct xnode *p;
	long det;
	int flags, npat = 0;

	(void)xnode_check_attrs(n, attrs, c->dg);
	if ((flags = case_of(c, n, 0)) == -1)
		flags = 0;
	if ((det = add_detector(c, n, DET_REGEX)) == -1)
		return -1;
	if (det == -2)
		return 0;
	for (p = xnode_child(n); p != NULL; p = xnode_next(p)) {
		if (strcmp(xnode_name(p), "pattern") != 0) {
			diag_error(c->dg, xnode_file(p), xnode_line(p), 0,
			    "unknown element <%s> in <regex> (expected: "
			    "pattern)",
			    xnode_name(p));
			continue;
		}
		npat++;
		if (add_pattern(c, p, (uint32_t)det, (unsigned)flags) == -1)
			return -1;
	}
	if (npat == 0)
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "<regex id=\"%s\"> needs at least one <pattern>",
		    c->d->det[det].id);
	return 0;
}

/* resolve - path relative to the directory of the file from */
static int
resolve(char *dst, size_t size, const char *from, const char *rel)
{
	char tmp[PATH_MAX];

	if (rel[0] == '/')
		return strlcpy(dst, rel, size) < size ? 0 : -1;
	if (strlcpy(tmp, from, sizeof(tmp)) >= sizeof(tmp))
		return -1;
	if ((size_t)snprintf(dst, size, "%s/%s", dirname(tmp), rel) >= size)
		return -1;
	return 0;
}

/* valid_utf8 - 1 if s[0..n) is UTF-8 without control characters but tab */
static int
valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
				return 0;
			i++;
		} else if ((k = utf8_seq(u + i, n - i, NULL)) == 0) {
			return 0;
		} else {
			i += k;
		}
	}
	return 1;
}

/* keyword_line - one line of a dictionary; 0 after a diagnostic */
static int
keyword_line(struct compiler *c, const char *path, unsigned long lineno,
    char *line, size_t len, uint32_t det)
{
	struct detect *d = c->d;
	char *s = line, *copy;
	int r;

	while (len > 0 &&
	    (line[len - 1] == '\n' || line[len - 1] == '\r' ||
	        line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (len > BOUND_KEYWORD_LINE_BYTES) {
		diag_error(c->dg, path, lineno, 0, "line longer than %d bytes",
		    BOUND_KEYWORD_LINE_BYTES);
		return 0;
	}
	if (strlen(line) != len || !valid_utf8(s, strlen(s))) {
		diag_error(c->dg, path, lineno, 0,
		    "not UTF-8 text (a control character, a NUL byte or an "
		    "invalid sequence)");
		return 0;
	}
	if (d->nlines == d->lcap) {
		size_t nc = d->lcap * 2 + 64;
		char **l = realloc(d->lines, nc * sizeof(*l));

		if (l == NULL)
			return -1;
		d->lines = l;
		d->lcap = nc;
	}
	if ((copy = strdup(s)) == NULL)
		return -1;
	d->lines[d->nlines++] = copy;
	if ((r = phrases_add(&d->kw, &c->tl, copy, det)) == -1)
		return -1;
	if (r == 0)
		diag_error(c->dg, path, lineno, 0,
		    "no word in \"%s\" (words are letters and digits)", s);
	return 0;
}

/* read_keywords - the dictionary at path for detector det */
static int
read_keywords(
    struct compiler *c, const struct xnode *n, const char *path, uint32_t det)
{
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "re")) == NULL) {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "cannot read keyword file \"%s\": %s", path,
		    strerror(errno));
		return 0;
	}
	if (fstat(fileno(fp), &st) == 0 &&
	    st.st_size > BOUND_KEYWORD_FILE_BYTES) {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "keyword file \"%s\" is larger than %d bytes", path,
		    BOUND_KEYWORD_FILE_BYTES);
		(void)fclose(fp);
		return 0;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if ((rc = keyword_line(
		         c, path, lineno, line, (size_t)len, det)) == -1)
			break;
	}
	if (rc == 0 && ferror(fp)) {
		diag_error(c->dg, path, lineno + 1, 0, "read error: %s",
		    strerror(errno));
	}
	free(line);
	(void)fclose(fp);
	return rc;
}

/* do_keywords - a <keywords> element */
static int
do_keywords(struct compiler *c, const struct xnode *n)
{
	static const char *const attrs[] = {"id", "file", "description", NULL};
	const char *rel = xnode_attr(n, "file");
	char path[PATH_MAX];
	long det;

	(void)xnode_check_attrs(n, attrs, c->dg);
	if ((det = add_detector(c, n, DET_KEYWORDS)) == -1)
		return -1;
	if (det == -2)
		return 0;
	if (xnode_child(n) != NULL)
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "<keywords> takes no elements (the words are in its file)");
	if (rel == NULL || *rel == '\0') {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "<keywords id=\"%s\"> needs a file attribute",
		    c->d->det[det].id);
		return 0;
	}
	if (resolve(path, sizeof(path), xnode_file(n), rel) == -1) {
		diag_error(c->dg, xnode_file(n), xnode_line(n), 0,
		    "keyword file path too long: \"%s\"", rel);
		return 0;
	}
	return read_keywords(c, n, path, (uint32_t)det);
}

#ifdef HAVE_LIBHS
/* compile_hs - the Vectorscan database of every pattern it takes; the
 * others are left to PCRE2, each with a warning in dg that says why
 * (they cost a pass over the text each). -1 on ENOMEM. */
static int
compile_hs(struct detect *d, struct diag *dg)
{
	const char **expr = NULL;
	unsigned *flags = NULL, *ids = NULL;
	hs_compile_error_t *err = NULL;
	struct timespec t0, t1;
	size_t i, n;
	int rc = -1;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < d->npat; i++)
		d->pat[i].in_hs = 1;
	expr = calloc(d->npat + 1, sizeof(*expr));
	flags = calloc(d->npat + 1, sizeof(*flags));
	ids = calloc(d->npat + 1, sizeof(*ids));
	if (expr == NULL || flags == NULL || ids == NULL)
		goto done;
	for (;;) {
		for (i = n = 0; i < d->npat; i++)
			if (d->pat[i].in_hs) {
				expr[n] = d->pat[i].source;
				flags[n] = d->pat[i].hs_flags;
				ids[n++] = (unsigned)i;
			}
		if (n == 0)
			break;
		if (hs_compile_multi(expr, flags, ids, (unsigned)n,
		        HS_MODE_BLOCK, NULL, &d->db, &err) == HS_SUCCESS)
			break;
		/* leave the pattern it refused to PCRE2 and try again; an
		 * error about no one pattern leaves them all */
		if (err->expression >= 0 && (size_t)err->expression < n) {
			const struct pattern *pt =
			    &d->pat[ids[err->expression]];

			d->pat[ids[err->expression]].in_hs = 0;
			diag_warn(dg, pt->file, pt->line, 0,
			    "pattern \"%s\" is matched by PCRE2 alone, in a "
			    "pass of its own (Vectorscan: %s)",
			    pt->source, err->message);
		} else {
			for (i = 0; i < d->npat; i++)
				d->pat[i].in_hs = 0;
			diag_warn(dg, d->pat[0].file, 0, 0,
			    "every pattern is matched by PCRE2 alone, each in a "
			    "pass of its own (Vectorscan: %s)",
			    err->message);
		}
		(void)hs_free_compile_error(err);
		err = NULL;
		d->db = NULL;
	}
	if (d->db != NULL && hs_alloc_scratch(d->db, &d->proto) != HS_SUCCESS)
		goto done;
	rc = 0;
done:
	for (i = 0; i < d->npat; i++)
		d->pcre_only += !d->pat[i].in_hs;
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	d->hs_seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	free(expr);
	free(flags);
	free(ids);
	return rc;
}
#endif

int
detect_compile(struct detect **out, const struct config *cfg, struct diag *dg)
{
	struct compiler c;
	size_t i, before = diag_count(dg);

	memset(&c, 0, sizeof(c));
	c.dg = dg;
	token_list_init(&c.tl);
	if ((c.d = calloc(1, sizeof(*c.d))) == NULL)
		goto nomem;
	phrases_init(&c.d->kw);
	if (pool_init(&c.d->pool) == -1)
		goto nomem;
	c.d->pool_ok = 1;
	for (i = 0; i < config_detector_count(cfg); i++) {
		const struct xnode *n = config_detector(cfg, i);
		int r;

		if (diag_full(dg))
			break;
		if (strcmp(xnode_name(n), "regex") == 0)
			r = do_regex(&c, n);
		else
			r = do_keywords(&c, n);
		if (r == -1)
			goto nomem;
	}
	if (diag_count(dg) > before)
		goto fail;
	if (phrases_index(&c.d->kw) == -1)
		goto nomem;
#ifdef HAVE_LIBHS
	if (c.d->npat > 0 && compile_hs(c.d, dg) == -1)
		goto nomem;
#else
	c.d->pcre_only = c.d->npat;
#endif
	token_list_free(&c.tl);
	*out = c.d;
	return 0;
nomem:
	diag_error(dg, config_path(cfg), 0, 0,
	    "cannot compile the detectors: out of memory");
	token_list_free(&c.tl);
	detect_free(c.d);
	errno = ENOMEM;
	return -1;
fail:
	token_list_free(&c.tl);
	detect_free(c.d);
	return -1;
}

/* --- scanning ---------------------------------------------------------------
 */

/* Per pattern, during one text. */
struct pstate {
	size_t last_end; /* of the last match counted */
	size_t count;
	size_t first; /* start of the first match counted */
};

struct hsctx {
	const struct detect *d;
	struct regex_scratch *rs;
	const char *text;
	size_t len;
	struct pstate *ps;
	int err; /* errno of a failed confirmation */
};

#ifdef HAVE_LIBHS
/* confirm - count a match of pattern id at from if PCRE2 agrees;
 * -1 when PCRE2 could not finish */
static int
confirm(struct hsctx *x, unsigned id, size_t from)
{
	struct pstate *ps = &x->ps[id];
	size_t so, eo;
	int r;

	if (ps->count > 0 && from < ps->last_end)
		return 0; /* inside the match counted last */
	r = regex_search(x->d->pat[id].re, x->rs, x->text, x->len, from,
	    REGEX_ANCHORED | REGEX_NOTEMPTY, &so, &eo);
	if (r == -1) {
		x->err = errno;
		return -1;
	}
	if (r == 1) {
		if (ps->count++ == 0)
			ps->first = so;
		ps->last_end = eo;
	}
	return 0;
}

/* on_match - Vectorscan's report of a match of pattern id over
 * [from, to) */
static int
on_match(unsigned id, unsigned long long from, unsigned long long to,
    unsigned flags, void *ctx)
{
	(void)to;
	(void)flags;
	return confirm(ctx, id, (size_t)from) == -1 ? 1 : 0;
}
#endif

/* pcre_all - PCRE2 alone over the text for pattern id */
static int
pcre_all(struct hsctx *x, unsigned id)
{
	struct pstate *ps = &x->ps[id];
	size_t start = 0, so, eo;
	int r;

	while ((r = regex_search(x->d->pat[id].re, x->rs, x->text, x->len,
	            start, REGEX_NOTEMPTY, &so, &eo)) == 1) {
		if (ps->count++ == 0)
			ps->first = so;
		start = eo > so ? eo : so + 1;
	}
	if (r == -1) {
		x->err = errno;
		return -1;
	}
	return 0;
}

/* Per detector, during one text. */
struct dstate {
	size_t count;
	size_t first;     /* regex: start of the earliest match */
	const char *word; /* keywords: the first phrase found */
};

/* keywords_scan - count the dictionaries' phrases */
static void
keywords_scan(
    const struct detect *d, const struct token_list *tl, struct dstate *ds)
{
	size_t i;

	if (d->kw.n == 0)
		return;
	for (i = 0; i < tl->n; i++) {
		uint32_t p;

		for (p = phrases_at(&d->kw, tl, i); p != (uint32_t)-1;
		     p = phrases_next(&d->kw, tl, i, p)) {
			struct dstate *s = &ds[d->kw.v[p].owner];

			if (s->count++ == 0)
				s->word = d->kw.v[p].text;
		}
	}
}

int
declared_scan(struct detect_result *res, const struct detect *d,
    struct detect_scratch *sc, const char *text, size_t len, size_t ti)
{
	struct hsctx x;
	struct dstate *ds;
	size_t i;
	int rc = -1;

	if (d->ndet == 0)
		return 0;
	memset(&x, 0, sizeof(x));
	x.d = d;
	x.rs = sc->rs;
	x.text = text;
	x.len = len;
	ds = calloc(d->ndet, sizeof(*ds));
	x.ps = calloc(d->npat + 1, sizeof(*x.ps));
	if (ds == NULL || x.ps == NULL) {
		errno = ENOMEM;
		goto done;
	}
#ifdef HAVE_LIBHS
	/* Vectorscan's UTF-8 mode wants valid UTF-8: a text that is not
	 * goes to PCRE2 alone, which tolerates it */
	if (d->db != NULL && sc->tl.invalid == 0 && len > 0) {
		hs_error_t e = hs_scan(
		    d->db, text, (unsigned)len, 0, sc->hs, on_match, &x);

		if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED) {
			errno = e == HS_NOMEM ? ENOMEM : EINVAL;
			goto done;
		}
		if (x.err != 0) {
			errno = x.err;
			goto done;
		}
	}
#endif
	for (i = 0; i < d->npat; i++) {
#ifdef HAVE_LIBHS
		if (d->pat[i].in_hs && d->db != NULL && sc->tl.invalid == 0)
			continue;
#endif
		if (pcre_all(&x, (unsigned)i) == -1) {
			errno = x.err;
			goto done;
		}
	}
	for (i = 0; i < d->npat; i++) {
		struct dstate *s = &ds[d->pat[i].det];

		if (x.ps[i].count == 0)
			continue;
		if (s->count == 0 || x.ps[i].first < s->first)
			s->first = x.ps[i].first;
		s->count += x.ps[i].count;
	}
	keywords_scan(d, &sc->tl, ds);
	for (i = 0; i < d->ndet; i++) {
		char ev[BOUND_DIAG_TEXT];

		if (ds[i].count == 0)
			continue;
		/* whole characters, at most EVIDENCE_CHARS of the entry
		 * or the description (ev holds four bytes a character) */
		if (d->det[i].kind == DET_KEYWORDS) {
			(void)snprintf(ev, sizeof(ev), "%.*s",
			    (int)utf8_prefix(
			        ds[i].word, strlen(ds[i].word), EVIDENCE_CHARS),
			    ds[i].word);
		} else {
			const char *desc = d->det[i].description;
			char pre[16];

			evidence_prefix(
			    pre, text + ds[i].first, len - ds[i].first, 2);
			(void)snprintf(ev, sizeof(ev), "%s (%.*s)", pre,
			    (int)utf8_prefix(
			        desc, strlen(desc), EVIDENCE_CHARS),
			    desc);
		}
		if (result_add(
		        res, d->det[i].id, ti, ds[i].count, NULL, 0, ev) == -1)
			goto done;
	}
	rc = 0;
done:
	free(ds);
	free(x.ps);
	return rc;
}
