/*
 * verdict.c - the decision record and its renderings
 *
 * The record is plain data: the action with its SMTP codes and guidance
 * text, the deciding rule, every matched rule, and the headers and
 * recipients to add. Everything that shows a decision (the log line, the
 * JSON and text reports, the SMTP reply) renders from it here, so the
 * daemon and guardianctl cannot disagree about what happened or why.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "buf.h"
#include "log.h"
#include "utf8.h"
#include "verdict.h"

/* A reply line may hold 512 octets with its code and CRLF (RFC 5321
 * 4.5.3.1.5): "550-5.7.1 " and CRLF leave 500 for the text. */
#define REPLY_LINE_MAX 500

struct verdict_match {
	char *rule, *policy, *what, *why;
	enum verdict_mode mode;
};

struct verdict_pair {
	char *a, *b;
	int shown; /* a recipient the log line may name */
};

/* A finding with its own copies of the strings; pub shows them. */
struct vfinding {
	char *rule, *detector, *where, *name, *evidence;
	struct verdict_finding pub;
};

struct verdict {
	enum verdict_action action;
	char *rcode, *xcode, *text, *rule, *policy;
	struct verdict_match *matches;
	size_t nmatches;
	struct verdict_pair *headers;
	size_t nheaders;
	struct verdict_pair *rcpts;
	size_t nrcpts;
	struct verdict_pair *sets;
	size_t nsets;
	struct vfinding *findings;
	size_t nfindings;
};

/* ---- building ----------------------------------------------------------- */

struct verdict *
verdict_new(void)
{
	struct verdict *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->action = VERDICT_ACCEPT;
	return v;
}

/* pairs_free - free n pairs and the array */
static void
pairs_free(struct verdict_pair *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].a);
		free(p[i].b);
	}
	free(p);
}

/* finding_clear - free the strings of one finding */
static void
finding_clear(struct vfinding *f)
{
	free(f->rule);
	free(f->detector);
	free(f->where);
	free(f->name);
	free(f->evidence);
}

void
verdict_free(struct verdict *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->rcode);
	free(v->xcode);
	free(v->text);
	free(v->rule);
	free(v->policy);
	for (i = 0; i < v->nmatches; i++) {
		free(v->matches[i].rule);
		free(v->matches[i].policy);
		free(v->matches[i].what);
		free(v->matches[i].why);
	}
	free(v->matches);
	pairs_free(v->headers, v->nheaders);
	pairs_free(v->rcpts, v->nrcpts);
	pairs_free(v->sets, v->nsets);
	for (i = 0; i < v->nfindings; i++)
		finding_clear(&v->findings[i]);
	free(v->findings);
	free(v);
}

/* dup_opt - copy s (NULL stays NULL); 0, or -1 when out of memory */
static int
dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	if ((*out = strdup(s)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* grow_matches - room for one more match */
static int
grow_matches(struct verdict *v)
{
	struct verdict_match *m;

	if (v->nmatches >= SIZE_MAX / sizeof(*m) - 1 ||
	    (m = realloc(v->matches, (v->nmatches + 1) * sizeof(*m))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	v->matches = m;
	return 0;
}

/* grow_pairs - room for one more pair in *arr holding n */
static int
grow_pairs(struct verdict_pair **arr, size_t n)
{
	struct verdict_pair *p;

	if (n >= SIZE_MAX / sizeof(*p) - 1 ||
	    (p = realloc(*arr, (n + 1) * sizeof(*p))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*arr = p;
	return 0;
}

/* default_codes - the SMTP codes an action uses when none were given */
static void
default_codes(enum verdict_action a, const char **rcode, const char **xcode)
{
	if (a == VERDICT_REJECT) {
		*rcode = *rcode != NULL ? *rcode : "550";
		*xcode = *xcode != NULL ? *xcode : "5.7.1";
	} else if (a == VERDICT_TEMPFAIL) {
		*rcode = *rcode != NULL ? *rcode : "451";
		*xcode = *xcode != NULL ? *xcode : "4.7.1";
	}
}

int
verdict_set_action(struct verdict *v, enum verdict_action action,
    const char *rcode, const char *xcode, const char *text, const char *rule_id,
    const char *policy)
{
	char *s[5];
	int i, bad = 0;

	default_codes(action, &rcode, &xcode);
	bad |= dup_opt(&s[0], rcode);
	bad |= dup_opt(&s[1], xcode);
	bad |= dup_opt(&s[2], text);
	bad |= dup_opt(&s[3], rule_id);
	bad |= dup_opt(&s[4], policy);
	if (bad) {
		for (i = 0; i < 5; i++)
			free(s[i]);
		return -1;
	}
	free(v->rcode);
	free(v->xcode);
	free(v->text);
	free(v->rule);
	free(v->policy);
	v->action = action;
	v->rcode = s[0];
	v->xcode = s[1];
	v->text = s[2];
	v->rule = s[3];
	v->policy = s[4];
	return 0;
}

int
verdict_add_match(struct verdict *v, const char *rule_id, const char *policy,
    enum verdict_mode mode, const char *what, const char *why)
{
	struct verdict_match m;

	m.mode = mode;
	if ((dup_opt(&m.rule, rule_id) | dup_opt(&m.policy, policy) |
	        dup_opt(&m.what, what) | dup_opt(&m.why, why)) != 0 ||
	    grow_matches(v) != 0) {
		free(m.rule);
		free(m.policy);
		free(m.what);
		free(m.why);
		return -1;
	}
	v->matches[v->nmatches++] = m;
	return 0;
}

/* add_pair - append (a, b) to a pair array */
static int
add_pair(struct verdict_pair **arr, size_t *n, const char *a, const char *b)
{
	struct verdict_pair p;

	p.shown = 0;
	if ((dup_opt(&p.a, a) | dup_opt(&p.b, b)) != 0 ||
	    grow_pairs(arr, *n) != 0) {
		free(p.a);
		free(p.b);
		return -1;
	}
	(*arr)[(*n)++] = p;
	return 0;
}

int
verdict_add_header(struct verdict *v, const char *name, const char *value)
{
	return add_pair(
	    &v->headers, &v->nheaders, name, value != NULL ? value : "");
}

int
verdict_set_header(struct verdict *v, const char *name, const char *value)
{
	size_t i;

	/* A later value for the same field replaces the earlier one. */
	for (i = 0; i < v->nsets; i++) {
		if (strcasecmp(v->sets[i].a, name) == 0) {
			char *copy = strdup(value);

			if (copy == NULL)
				return -1;
			free(v->sets[i].b);
			v->sets[i].b = copy;
			return 0;
		}
	}
	return add_pair(&v->sets, &v->nsets, name, value);
}

size_t
verdict_set_count(const struct verdict *v)
{
	return v->nsets;
}

void
verdict_set(
    const struct verdict *v, size_t i, const char **name, const char **value)
{
	*name = v->sets[i].a;
	*value = v->sets[i].b;
}

int
verdict_add_rcpt(struct verdict *v, const char *addr, const char *why)
{
	return add_pair(&v->rcpts, &v->nrcpts, addr, why);
}

int
verdict_add_rcpt_shown(struct verdict *v, const char *addr, const char *why)
{
	if (add_pair(&v->rcpts, &v->nrcpts, addr, why) == -1)
		return -1;
	v->rcpts[v->nrcpts - 1].shown = 1;
	return 0;
}

/* same_str - two optional strings are equal */
static int
same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

int
verdict_add_finding(struct verdict *v, const struct verdict_finding *f)
{
	const struct verdict_finding *g;
	struct vfinding *arr, n;
	size_t i;

	for (i = 0; i < v->nfindings; i++) {
		g = &v->findings[i].pub;
		if (same_str(g->rule, f->rule) &&
		    same_str(g->detector, f->detector) &&
		    same_str(g->where, f->where) &&
		    same_str(g->name, f->name) && g->matches == f->matches &&
		    g->students == f->students &&
		    same_str(g->evidence, f->evidence))
			return 0;
	}
	memset(&n, 0, sizeof(n));
	if (dup_opt(&n.rule, f->rule) == -1 ||
	    dup_opt(&n.detector, f->detector) == -1 ||
	    dup_opt(&n.where, f->where) == -1 ||
	    dup_opt(&n.name, f->name != NULL ? f->name : "") == -1 ||
	    dup_opt(&n.evidence, f->evidence) == -1)
		goto fail;
	n.pub.rule = n.rule;
	n.pub.detector = n.detector;
	n.pub.where = n.where;
	n.pub.name = n.name;
	n.pub.evidence = n.evidence;
	n.pub.matches = f->matches;
	n.pub.students = f->students;
	if (v->nfindings >= SIZE_MAX / sizeof(*arr) - 1 ||
	    (arr = realloc(v->findings, (v->nfindings + 1) * sizeof(*arr))) ==
	        NULL) {
		errno = ENOMEM;
		goto fail;
	}
	v->findings = arr;
	arr[v->nfindings++] = n;
	return 0;
fail:
	finding_clear(&n);
	return -1;
}

/* ---- reading ------------------------------------------------------------ */

enum verdict_action
verdict_action(const struct verdict *v)
{
	return v->action;
}

const char *
verdict_rcode(const struct verdict *v)
{
	return v->rcode;
}

const char *
verdict_xcode(const struct verdict *v)
{
	return v->xcode;
}

const char *
verdict_text(const struct verdict *v)
{
	return v->text;
}

const char *
verdict_rule(const struct verdict *v)
{
	return v->rule;
}

const char *
verdict_policy(const struct verdict *v)
{
	return v->policy;
}

size_t
verdict_match_count(const struct verdict *v)
{
	return v->nmatches;
}

void
verdict_match(const struct verdict *v, size_t i, const char **rule_id,
    const char **policy, enum verdict_mode *mode, const char **what,
    const char **why)
{
	const struct verdict_match *m = &v->matches[i];

	*rule_id = m->rule;
	*policy = m->policy;
	*mode = m->mode;
	*what = m->what;
	*why = m->why;
}

size_t
verdict_header_count(const struct verdict *v)
{
	return v->nheaders;
}

void
verdict_header(
    const struct verdict *v, size_t i, const char **name, const char **value)
{
	*name = v->headers[i].a;
	*value = v->headers[i].b;
}

size_t
verdict_rcpt_count(const struct verdict *v)
{
	return v->nrcpts;
}

void
verdict_rcpt(
    const struct verdict *v, size_t i, const char **addr, const char **why)
{
	*addr = v->rcpts[i].a;
	*why = v->rcpts[i].b;
}

size_t
verdict_finding_count(const struct verdict *v)
{
	return v->nfindings;
}

const struct verdict_finding *
verdict_finding(const struct verdict *v, size_t i)
{
	return i < v->nfindings ? &v->findings[i].pub : NULL;
}

const char *
verdict_action_name(enum verdict_action a)
{
	switch (a) {
	case VERDICT_ACCEPT:
		return "accept";
	case VERDICT_TEMPFAIL:
		return "tempfail";
	case VERDICT_REJECT:
		return "reject";
	case VERDICT_DISCARD:
		return "discard";
	case VERDICT_QUARANTINE:
		return "quarantine";
	}
	return "unknown";
}

/* ---- output with a sticky error ---------------------------------------- */

/* The renderers write many small pieces; the first failure is kept and
 * later writes are skipped, so a renderer checks once at the end. */
struct out {
	struct buf *b;
	int err;
};

/* out_puts - append s */
static void
out_puts(struct out *o, const char *s)
{
	if (o->err == BUF_OK)
		o->err = buf_puts(o->b, s);
}

static void out_printf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* out_printf - append formatted text */
static void
out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->err != BUF_OK)
		return;
	va_start(ap, fmt);
	o->err = buf_vprintf(o->b, fmt, ap);
	va_end(ap);
}

/* out_printable - append s through the log printable filter */
static void
out_printable(struct out *o, const char *s)
{
	size_t len = strlen(s);
	char *p;

	if (o->err != BUF_OK)
		return;
	if (len > (SIZE_MAX - 1) / 4 || (p = malloc(4 * len + 1)) == NULL) {
		o->err = BUF_NOMEM;
		return;
	}
	(void)log_printable(p, 4 * len + 1, s, len);
	o->err = buf_puts(o->b, p);
	free(p);
}

/* ---- the SMTP reply ----------------------------------------------------- */

/* The reply is first built as plain lines, the text the sender reads;
 * reply_render() then doubles '%' for libmilter or leaves it as it goes
 * on the wire. */
struct reply {
	char **v;
	size_t n;
	size_t max; /* text lines allowed before the citation */
	int truncated;
	struct buf cur; /* the line being filled */
	size_t curw;    /* its width in characters */
};

/* is_sep - white space and control bytes separate words */
static int
is_sep(unsigned char c)
{
	return c == ' ' || c < 0x20 || c == 0x7f;
}

/* width_of - characters in n bytes of UTF-8 (continuation bytes do not
 * count; other bytes count one each) */
static size_t
width_of(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* bytes_for - bytes of s (n long) holding its first k characters */
static size_t
bytes_for(const char *s, size_t n, size_t k)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (w == k)
				break;
			w++;
		}
	}
	return i;
}

/* reply_push - add a line (len bytes of s) with no regard to max */
static int
reply_push(struct reply *r, const char *s, size_t len)
{
	char **v, *line;

	if ((line = malloc(len + 1)) == NULL)
		return -1;
	memcpy(line, s, len);
	line[len] = '\0';
	if ((v = realloc(r->v, (r->n + 2) * sizeof(*v))) == NULL) {
		free(line);
		return -1;
	}
	r->v = v;
	r->v[r->n++] = line;
	r->v[r->n] = NULL;
	return 0;
}

/* reply_emit - add a text line: 0, 1 when the text lines are full, -1 */
static int
reply_emit(struct reply *r, const char *s, size_t len)
{
	if (r->n >= r->max) {
		r->truncated = 1;
		return 1;
	}
	return reply_push(r, s, len);
}

/* reply_flush - emit the line being filled, if any */
static int
reply_flush(struct reply *r)
{
	int rc = 0;

	if (r->curw > 0)
		rc = reply_emit(r, buf_str(&r->cur), r->cur.len);
	buf_reset(&r->cur);
	r->curw = 0;
	return rc;
}

/* reply_word - place one word (no separators in it) */
static int
reply_word(struct reply *r, const char *w, size_t len)
{
	size_t wchars = width_of(w, len), n;
	int rc;

	if (r->curw > 0 && r->curw + 1 + wchars <= BOUND_REPLY_WIDTH) {
		if (buf_putc(&r->cur, ' ') != BUF_OK ||
		    buf_append(&r->cur, w, len) != BUF_OK)
			return -1;
		r->curw += 1 + wchars;
		return 0;
	}
	if ((rc = reply_flush(r)) != 0)
		return rc;
	/* a word wider than a line is cut into pieces of the full width */
	while (wchars > BOUND_REPLY_WIDTH) {
		n = bytes_for(w, len, BOUND_REPLY_WIDTH);
		if ((rc = reply_emit(r, w, n)) != 0)
			return rc;
		w += n;
		len -= n;
		wchars -= BOUND_REPLY_WIDTH;
	}
	if (buf_append(&r->cur, w, len) != BUF_OK)
		return -1;
	r->curw = wchars;
	return 0;
}

/* paragraph_break - at a line end in s: 1 and *s past every blank line
 * when a blank line follows, else 0 and *s past the line end */
static int
paragraph_break(const char **s)
{
	const char *t = *s + 1;

	while (*t != '\0' && *t != '\n' && is_sep((unsigned char)*t))
		t++;
	if (*t != '\n') {
		(*s)++;
		return 0;
	}
	while (*t != '\0' && is_sep((unsigned char)*t))
		t++;
	*s = t;
	return 1;
}

/* reply_wrap - the guidance text as lines of at most BOUND_REPLY_WIDTH
 * characters, with a blank line between paragraphs */
static int
reply_wrap(struct reply *r, const char *s)
{
	const char *w;
	int rc, blank = 0;

	while (*s != '\0') {
		if (*s == '\n' && paragraph_break(&s)) {
			if ((rc = reply_flush(r)) != 0)
				return rc;
			blank = r->n > 0;
			continue;
		}
		if (is_sep((unsigned char)*s)) {
			s++;
			continue;
		}
		for (w = s; *s != '\0' && !is_sep((unsigned char)*s); s++)
			;
		if (blank && (rc = reply_emit(r, "", 0)) != 0)
			return rc;
		blank = 0;
		if ((rc = reply_word(r, w, (size_t)(s - w))) != 0)
			return rc;
	}
	return reply_flush(r);
}

/* reply_mark_cut - end the last text line in " ..." when text was lost */
static int
reply_mark_cut(struct reply *r)
{
	char *line, *p;
	size_t len, full, keep;

	while (r->n > 0 && r->v[r->n - 1][0] == '\0') {
		free(r->v[--r->n]);
		r->v[r->n] = NULL;
	}
	if (r->n == 0)
		return 0;
	line = r->v[r->n - 1];
	full = len = strlen(line);
	while (len > 0 && width_of(line, len) + 4 > BOUND_REPLY_WIDTH)
		len = bytes_for(line, len, width_of(line, len) - 1);
	/* back to the start of a word cut in two, if the line has a space */
	for (keep = len; len < full && keep > 0 && line[keep] != ' ';)
		keep--;
	if (keep > 0)
		len = keep;
	while (len > 0 && line[len - 1] == ' ')
		len--;
	if ((p = malloc(len + 5)) == NULL)
		return -1;
	memcpy(p, line, len);
	memcpy(p + len, " ...", 5);
	free(line);
	r->v[r->n - 1] = p;
	return 0;
}

/* reply_cite - "Rule ID; guideline: POLICY", control bytes as spaces */
static int
reply_cite(struct reply *r, const struct verdict *v)
{
	struct buf b;
	size_t i;
	int rc;

	buf_init(&b, BOUND_REPLY_TEXT);
	if (v->policy != NULL)
		rc = buf_printf(
		    &b, "Rule %s; guideline: %s", v->rule, v->policy);
	else
		rc = buf_printf(&b, "Rule %s", v->rule);
	if (rc == BUF_TOOBIG) {
		buf_reset(&b);
		rc = buf_printf(&b, "Rule %.*s", BOUND_REPLY_TEXT / 2, v->rule);
	}
	for (i = 0; rc == BUF_OK && i < b.len; i++)
		if (is_sep((unsigned char)b.data[i]))
			b.data[i] = ' ';
	if (rc == BUF_OK)
		rc = reply_push(r, buf_str(&b), b.len);
	buf_free(&b);
	return rc == BUF_OK ? 0 : -1;
}

/* reply_render - line s as it goes out: '%' doubled when dbl, and cut
 * (between characters) at REPLY_LINE_MAX bytes */
static char *
reply_render(const char *s, int dbl)
{
	size_t i, o = 0, n, len = strlen(s);
	char *p;

	if ((p = malloc(REPLY_LINE_MAX + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i += n) {
		n = bytes_for(s + i, len - i, 1);
		if (o + n + (dbl && s[i] == '%') > REPLY_LINE_MAX)
			break;
		if (dbl && s[i] == '%')
			p[o++] = '%';
		memcpy(p + o, s + i, n);
		o += n;
	}
	p[o] = '\0';
	return p;
}

/* reply_free_lines - free a NULL-terminated array of lines */
static void
reply_free_lines(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* reply_build - the reply lines of v in a new NULL-terminated array;
 * '%' doubled when dbl */
static int
reply_build(char ***out, size_t *nlines, const struct verdict *v, int dbl)
{
	struct reply r;
	char **lines = NULL;
	size_t i;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.max = BOUND_REPLY_LINES - (v->rule != NULL ? 1 : 0);
	buf_init(&r.cur, BOUND_REPLY_TEXT);
	if (v->text != NULL)
		rc = reply_wrap(&r, v->text);
	if (rc >= 0 && r.truncated)
		rc = reply_mark_cut(&r);
	if (rc >= 0 && v->rule != NULL)
		rc = reply_cite(&r, v);
	if (rc >= 0)
		lines = calloc(r.n + 1, sizeof(*lines));
	for (i = 0; lines != NULL && i < r.n; i++)
		if ((lines[i] = reply_render(r.v[i], dbl)) == NULL) {
			reply_free_lines(lines);
			lines = NULL;
		}
	buf_free(&r.cur);
	for (i = 0; i < r.n; i++)
		free(r.v[i]);
	free(r.v);
	if (lines == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*out = lines;
	*nlines = r.n;
	return 0;
}

int
verdict_reply_lines(char ***out, size_t *nlines, const struct verdict *v)
{
	return reply_build(out, nlines, v, 1);
}

void
verdict_reply_free(char **lines)
{
	reply_free_lines(lines);
}

/* ---- the log line ------------------------------------------------------- */

/* log_ids - " key=a,b" with the rule ids of the matches in mode, if any */
static void
log_ids(struct out *o, const struct verdict *v, const char *key,
    enum verdict_mode mode)
{
	size_t i;
	int first = 1;

	for (i = 0; i < v->nmatches; i++) {
		if (v->matches[i].mode != mode || v->matches[i].rule == NULL)
			continue;
		out_puts(o, first ? " " : ",");
		if (first)
			out_printf(o, "%s=", key);
		out_printable(o, v->matches[i].rule);
		first = 0;
	}
}

/* log_shown - " notified=a,b" with the added recipients the
 * configuration named, if any; a guardian's address is never logged */
static void
log_shown(struct out *o, const struct verdict *v)
{
	size_t i;
	int first = 1;

	for (i = 0; i < v->nrcpts; i++) {
		if (!v->rcpts[i].shown)
			continue;
		out_puts(o, first ? " notified=" : ",");
		out_printable(o, v->rcpts[i].a);
		first = 0;
	}
}

/* log_findings - " findings=detector:where,..." once each; the
 * evidence and an attachment's name stay out of the log */
static void
log_findings(struct out *o, const struct verdict *v)
{
	const struct verdict_finding *f, *g;
	size_t i, k;
	int first = 1;

	for (i = 0; i < v->nfindings; i++) {
		f = &v->findings[i].pub;
		for (k = 0; k < i; k++) {
			g = &v->findings[k].pub;
			if (same_str(g->detector, f->detector) &&
			    same_str(g->where, f->where))
				break;
		}
		if (k < i)
			continue;
		out_puts(o, first ? " findings=" : ",");
		out_printable(o, f->detector != NULL ? f->detector : "");
		out_puts(o, ":");
		out_printable(o, f->where != NULL ? f->where : "");
		first = 0;
	}
}

int
verdict_render_log(const struct verdict *v, struct buf *out)
{
	struct out o = {out, BUF_OK};

	out_printf(&o, "verdict=%s", verdict_action_name(v->action));
	if (v->rule != NULL) {
		out_puts(&o, " rule=");
		out_printable(&o, v->rule);
	}
	log_ids(&o, v, "rules", VERDICT_MODE_ENFORCE);
	log_ids(&o, v, "monitor", VERDICT_MODE_MONITOR);
	if (v->nrcpts > 0)
		out_printf(&o, " added_rcpts=%zu", v->nrcpts);
	log_shown(&o, v);
	if (v->nheaders > 0)
		out_printf(&o, " added_headers=%zu", v->nheaders);
	if (v->nsets > 0)
		out_printf(&o, " set_headers=%zu", v->nsets);
	log_findings(&o, v);
	return o.err;
}

/* ---- JSON --------------------------------------------------------------- */

/* json_escape_byte - the escape for an ASCII byte, or NULL if it needs
 * none; \u00XX for the other controls goes through hex */
static const char *
json_escape_byte(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	return NULL;
}

/* json_str - s as a JSON string, or null */
static void
json_str(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i, n;
	const char *esc;

	if (s == NULL) {
		out_puts(o, "null");
		return;
	}
	len = strlen(s);
	out_puts(o, "\"");
	for (i = 0; i < len && o->err == BUF_OK; i += n) {
		n = 1;
		if ((esc = json_escape_byte(p[i])) != NULL)
			out_puts(o, esc);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			out_printf(o, "\\u%04x", p[i]);
		else if (p[i] < 0x80)
			o->err = buf_putc(o->b, p[i]);
		else if ((n = utf8_seq(p + i, len - i, NULL)) > 0)
			o->err = buf_append(o->b, p + i, n);
		else {
			n = 1;
			out_puts(o, "\xef\xbf\xbd"); /* U+FFFD */
		}
	}
	out_puts(o, "\"");
}

/* json_key - "name": */
static void
json_key(struct out *o, const char *name, int first)
{
	out_printf(o, "%s\"%s\":", first ? "" : ",", name);
}

/* json_matches - the "matches" array */
static void
json_matches(struct out *o, const struct verdict *v)
{
	const struct verdict_match *m;
	size_t i;

	json_key(o, "matches", 0);
	out_puts(o, "[");
	for (i = 0; i < v->nmatches; i++) {
		m = &v->matches[i];
		out_puts(o, i > 0 ? ",{" : "{");
		json_key(o, "rule", 1);
		json_str(o, m->rule);
		json_key(o, "policy", 0);
		json_str(o, m->policy);
		json_key(o, "mode", 0);
		json_str(
		    o, m->mode == VERDICT_MODE_MONITOR ? "monitor" : "enforce");
		json_key(o, "what", 0);
		json_str(o, m->what);
		json_key(o, "why", 0);
		json_str(o, m->why);
		out_puts(o, "}");
	}
	out_puts(o, "]");
}

/* json_pairs - an array of two-key objects */
static void
json_pairs(struct out *o, const char *key, const struct verdict_pair *p,
    size_t n, const char *ka, const char *kb)
{
	size_t i;

	json_key(o, key, 0);
	out_puts(o, "[");
	for (i = 0; i < n; i++) {
		out_puts(o, i > 0 ? ",{" : "{");
		json_key(o, ka, 1);
		json_str(o, p[i].a);
		json_key(o, kb, 0);
		json_str(o, p[i].b);
		out_puts(o, "}");
	}
	out_puts(o, "]");
}

/* json_findings - the "findings" array */
static void
json_findings(struct out *o, const struct verdict *v)
{
	const struct verdict_finding *f;
	size_t i;

	json_key(o, "findings", 0);
	out_puts(o, "[");
	for (i = 0; i < v->nfindings; i++) {
		f = &v->findings[i].pub;
		out_puts(o, i > 0 ? ",{" : "{");
		json_key(o, "rule", 1);
		json_str(o, f->rule);
		json_key(o, "detector", 0);
		json_str(o, f->detector);
		json_key(o, "where", 0);
		json_str(o, f->where);
		json_key(o, "name", 0);
		json_str(o, f->name);
		json_key(o, "matches", 0);
		out_printf(o, "%zu", f->matches);
		json_key(o, "students", 0);
		out_printf(o, "%zu", f->students);
		json_key(o, "evidence", 0);
		json_str(o, f->evidence);
		out_puts(o, "}");
	}
	out_puts(o, "]");
}

/* has_reply - the actions that answer the sender with a reply text */
static int
has_reply(const struct verdict *v)
{
	return v->action == VERDICT_REJECT || v->action == VERDICT_TEMPFAIL;
}

/* json_reply - the "reply" array, or null for an action without one */
static void
json_reply(struct out *o, const struct verdict *v)
{
	char **lines;
	size_t n, i;

	json_key(o, "reply", 0);
	if (!has_reply(v)) {
		out_puts(o, "null");
		return;
	}
	if (o->err != BUF_OK)
		return;
	if (verdict_reply_lines(&lines, &n, v) != 0) {
		o->err = BUF_NOMEM;
		return;
	}
	out_puts(o, "[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			out_puts(o, ",");
		json_str(o, lines[i]);
	}
	out_puts(o, "]");
	verdict_reply_free(lines);
}

int
verdict_render_json(const struct verdict *v, struct buf *out)
{
	struct out o = {out, BUF_OK};

	out_puts(&o, "{");
	json_key(&o, "action", 1);
	json_str(&o, verdict_action_name(v->action));
	json_key(&o, "rcode", 0);
	json_str(&o, v->rcode);
	json_key(&o, "xcode", 0);
	json_str(&o, v->xcode);
	json_key(&o, "text", 0);
	json_str(&o, v->text);
	json_key(&o, "rule", 0);
	json_str(&o, v->rule);
	json_key(&o, "policy", 0);
	json_str(&o, v->policy);
	json_matches(&o, v);
	json_pairs(&o, "headers", v->headers, v->nheaders, "name", "value");
	json_pairs(&o, "recipients", v->rcpts, v->nrcpts, "address", "why");
	json_pairs(&o, "set_headers", v->sets, v->nsets, "name", "value");
	json_findings(&o, v);
	json_reply(&o, v);
	out_puts(&o, "}");
	return o.err;
}

/* ---- reading the JSON back ---------------------------------------------- */

/* json_string - the JSON string starting at *sp (at its quote) decoded
 * onto out; *sp moves past it. Only what verdict_render_json() writes:
 * \" \\ \/ \n \r \t \b \f \uXXXX (BMP). */
static int
json_string(struct buf *out, const char **sp, const char *end)
{
	const char *s = *sp + 1;
	unsigned u;
	int i, v;

	while (s < end && *s != '"') {
		if (*s != '\\') {
			(void)buf_putc(out, *s++);
			continue;
		}
		if (++s >= end)
			return -1;
		switch (*s) {
		case 'n':
			(void)buf_putc(out, '\n');
			break;
		case 't':
			(void)buf_putc(out, '\t');
			break;
		case 'u':
			for (u = 0, i = 1; i <= 4; i++) {
				if (s + i >= end ||
				    (v = s[i] >= 'a'    ? s[i] - 'a' + 10 :
				            s[i] >= 'A' ? s[i] - 'A' + 10 :
				                          s[i] - '0') < 0 ||
				    v > 15)
					return -1;
				u = u * 16 + (unsigned)v;
			}
			s += 4;
			if (u < 0x80)
				(void)buf_putc(out, (int)(u < 0x20 ? ' ' : u));
			else if (u < 0x800) {
				(void)buf_putc(out, (int)(0xc0 | u >> 6));
				(void)buf_putc(out, (int)(0x80 | (u & 0x3f)));
			} else {
				(void)buf_putc(out, (int)(0xe0 | u >> 12));
				(void)buf_putc(
				    out, (int)(0x80 | ((u >> 6) & 0x3f)));
				(void)buf_putc(out, (int)(0x80 | (u & 0x3f)));
			}
			break;
		case 'r':
		case 'b':
		case 'f':
			(void)buf_putc(out, ' ');
			break;
		default:
			(void)buf_putc(out, *s);
		}
		s++;
	}
	if (s >= end)
		return -1;
	*sp = s + 1;
	return 0;
}

void
verdict_json_rows(const char *json, const char *name, const char *const *keys,
    size_t nkeys, void (*row)(void *arg, struct buf *v), void *arg)
{
	const char *s, *end = json + strlen(json);
	struct buf v[VERDICT_JSON_KEYS], key;
	char pat[64];
	size_t i;
	int depth, k;

	(void)snprintf(pat, sizeof(pat), "\"%s\":[", name);
	if (nkeys > VERDICT_JSON_KEYS || (s = strstr(json, pat)) == NULL)
		return;
	s += strlen(pat);
	for (i = 0; i < nkeys; i++)
		buf_init(&v[i], BOUND_REPLY_TEXT);
	buf_init(&key, 64);
	while (s < end && *s == '{') {
		for (i = 0; i < nkeys; i++)
			buf_reset(&v[i]);
		s++;
		depth = 1;
		while (s < end && depth > 0) {
			if (*s != '"') {
				if (*s == '{' || *s == '[')
					depth++;
				else if (*s == '}' || *s == ']')
					depth--;
				s++;
				continue;
			}
			buf_reset(&key);
			if (json_string(&key, &s, end) == -1)
				goto out;
			if (depth != 1 || s >= end || *s != ':')
				continue;
			for (k = -1, i = 0; i < nkeys; i++)
				if (strcmp(buf_str(&key), keys[i]) == 0)
					k = (int)i;
			if (k < 0 || ++s >= end)
				continue;
			if (*s == '"') {
				if (json_string(&v[k], &s, end) == -1)
					goto out;
			} else
				while (s < end && *s >= '0' && *s <= '9')
					(void)buf_putc(&v[k], *s++);
		}
		row(arg, v);
		if (s < end && *s == ',')
			s++;
	}
out:
	for (i = 0; i < nkeys; i++)
		buf_free(&v[i]);
	buf_free(&key);
}

/* ---- the text report ---------------------------------------------------- */

/* text_matches - each matched rule with its mode and what it did */
static void
text_matches(struct out *o, const struct verdict *v)
{
	const struct verdict_match *m;
	size_t i;

	if (v->nmatches == 0) {
		out_puts(o, "matched rules: none\n");
		return;
	}
	out_puts(o, "matched rules:\n");
	for (i = 0; i < v->nmatches; i++) {
		m = &v->matches[i];
		out_puts(o, "  ");
		out_printable(o, m->rule != NULL ? m->rule : "(unnamed)");
		if (m->mode == VERDICT_MODE_MONITOR)
			out_puts(o, " [monitor]: would ");
		else
			out_puts(o, " [enforce]: ");
		out_printable(o, m->what != NULL ? m->what : "match");
		out_puts(o, "\n");
		if (m->policy != NULL) {
			out_puts(o, "      guideline: ");
			out_printable(o, m->policy);
			out_puts(o, "\n");
		}
		if (m->why != NULL) {
			out_puts(o, "      why: ");
			out_printable(o, m->why);
			out_puts(o, "\n");
		}
	}
}

/* text_pairs - "title:\n  A: B" lines (sep between), nothing if n is 0 */
static void
text_pairs(struct out *o, const char *title, const struct verdict_pair *p,
    size_t n, const char *sep)
{
	size_t i;

	if (n == 0)
		return;
	out_printf(o, "%s:\n", title);
	for (i = 0; i < n; i++) {
		out_puts(o, "  ");
		out_printable(o, p[i].a);
		if (p[i].b != NULL) {
			out_puts(o, sep);
			out_printable(o, p[i].b);
		}
		out_puts(o, "\n");
	}
}

/* text_findings - what the detectors found for the matched rules */
static void
text_findings(struct out *o, const struct verdict *v)
{
	const struct verdict_finding *f;
	size_t i;

	if (v->nfindings == 0)
		return;
	out_puts(o, "findings:\n");
	for (i = 0; i < v->nfindings; i++) {
		f = &v->findings[i].pub;
		out_puts(o, "  ");
		out_printable(o, f->detector != NULL ? f->detector : "");
		out_puts(o, " in ");
		out_printable(o, f->where != NULL ? f->where : "");
		if (f->name != NULL && *f->name != '\0') {
			out_puts(o, " \"");
			out_printable(o, f->name);
			out_puts(o, "\"");
		}
		out_printf(o, ": %zu match%s", f->matches,
		    f->matches == 1 ? "" : "es");
		if (f->students > 0)
			out_printf(o, ", %zu student%s", f->students,
			    f->students == 1 ? "" : "s");
		if (f->rule != NULL) {
			out_puts(o, " (rule ");
			out_printable(o, f->rule);
			out_puts(o, ")");
		}
		out_puts(o, "\n");
		if (f->evidence != NULL && *f->evidence != '\0') {
			out_puts(o, "      evidence: ");
			out_printable(o, f->evidence);
			out_puts(o, "\n");
		}
	}
}

/* text_reply - the SMTP reply as it would be sent */
static void
text_reply(struct out *o, const struct verdict *v)
{
	char **lines;
	size_t n, i;
	const char *rc = v->rcode != NULL ? v->rcode : "";
	const char *xc = v->xcode != NULL ? v->xcode : "";

	if (!has_reply(v) || o->err != BUF_OK)
		return;
	if (reply_build(&lines, &n, v, 0) != 0) {
		o->err = BUF_NOMEM;
		return;
	}
	out_puts(o, "reply to the sender:\n");
	if (n == 0)
		out_printf(o, "  %s %s\n", rc, xc);
	for (i = 0; i < n; i++) {
		out_printf(o, "  %s%c%s", rc, i + 1 < n ? '-' : ' ', xc);
		if (*xc != '\0' && lines[i][0] != '\0')
			out_puts(o, " ");
		out_printable(o, lines[i]);
		out_puts(o, "\n");
	}
	reply_free_lines(lines);
}

int
verdict_render_text(const struct verdict *v, struct buf *out)
{
	struct out o = {out, BUF_OK};

	out_printf(&o, "verdict: %s", verdict_action_name(v->action));
	if (v->rcode != NULL) {
		out_puts(&o, " ");
		out_printable(&o, v->rcode);
	}
	if (v->xcode != NULL) {
		out_puts(&o, " ");
		out_printable(&o, v->xcode);
	}
	out_puts(&o, "\n");
	if (v->rule != NULL) {
		out_puts(&o, "deciding rule: ");
		out_printable(&o, v->rule);
		out_puts(&o, "\n");
	}
	if (v->policy != NULL) {
		out_puts(&o, "guideline: ");
		out_printable(&o, v->policy);
		out_puts(&o, "\n");
	}
	if (v->action == VERDICT_QUARANTINE) {
		out_puts(&o,
		    "would be quarantined: held for review, not "
		    "delivered\n");
		if (v->text != NULL) {
			out_puts(&o, "guidance: ");
			out_printable(&o, v->text);
			out_puts(&o, "\n");
		}
	}
	text_matches(&o, v);
	text_findings(&o, v);
	text_reply(&o, v);
	text_pairs(&o, "headers to add", v->headers, v->nheaders, ": ");
	text_pairs(&o, "recipients to add", v->rcpts, v->nrcpts, ": ");
	text_pairs(&o, "headers to set (replaced, or added if absent)", v->sets,
	    v->nsets, ": ");
	return o.err;
}
