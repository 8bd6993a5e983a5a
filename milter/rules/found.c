/*
 * found.c - <found>: what the detectors found in the message's text,
 * and whether every recipient may receive it
 *
 *	<found detector="student-record" in="body attachment"
 *	    kind="spreadsheet document" name="*.xlsx" min-matches="1"
 *	    min-students="2" to="not-entitled"/>
 *
 * holds when the detector's hits in the texts in scope (in: where the
 * text was, kind: what the attachment is, name: its file name) add up
 * to at least min-matches matches and min-students distinct students.
 * With to="not-entitled" only the students that some recipient may not
 * receive data about count: data about a student may go to district
 * staff, district addresses in no role, the student and the student's
 * own guardians (directory.c dir_entitlement()), never to another
 * family or a personal or external address. A class list to one parent
 * discloses every other child; that parent's own child's report card
 * discloses nobody.
 *
 * The hits are made once per evaluation (view.c rules_findings()); a
 * body that was only counted is unknown, as for <body>.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "content.h"
#include "detect.h"
#include "diag.h"
#include "message.h"
#include "roster.h"
#include "rules_int.h"
#include "strset.h"
#include "verdict.h"
#include "xnode.h"

struct found {
	char *detector;
	unsigned in;          /* DETECT_IN_* */
	unsigned kinds;       /* 1 << content_kind; 0: any */
	struct pattern names; /* attachment names; PATTERN_NONE: any */
	unsigned long min_matches, min_students;
	int not_entitled;
	int builtin;      /* a detector of the directory */
	const char *file; /* borrowed from the configuration */
	unsigned long line;
};

static const struct {
	const char *name;
	unsigned bit;
} wheres[] = {{"subject", DETECT_IN_SUBJECT}, {"body", DETECT_IN_BODY},
    {"attachment", DETECT_IN_ATTACHMENT}};

#define NWHERES (sizeof(wheres) / sizeof(wheres[0]))

/* where_name - "subject", "body" or "attachment" */
static const char *
where_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < NWHERES; i++)
		if (wheres[i].bit == bit)
			return wheres[i].name;
	return "text";
}

/* words - each space-separated word of list through one() */
static int
words(const char *list, const struct xnode *n, const char *attr, unsigned *out,
    struct diag *dg, int (*one)(const char *, unsigned *))
{
	const char *p = list, *start;
	char w[64];
	size_t len;
	int any = 0;

	*out = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		for (start = p;
		     *p != '\0' && *p != ' ' && *p != '\t' && *p != '\n'; p++)
			continue;
		len = (size_t)(p - start);
		if (len >= sizeof(w))
			len = sizeof(w) - 1;
		memcpy(w, start, len);
		w[len] = '\0';
		any = 1;
		if (one(w, out) == -1)
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "unknown value \"%s\" in %s on <found>", w, attr);
	}
	if (!any)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "%s on <found> names nothing", attr);
	return 0;
}

static int
one_where(const char *w, unsigned *out)
{
	size_t i;

	for (i = 0; i < NWHERES; i++)
		if (strcmp(w, wheres[i].name) == 0) {
			*out |= wheres[i].bit;
			return 0;
		}
	return -1;
}

static int
one_kind(const char *w, unsigned *out)
{
	int k = content_kind_parse(w);

	if (k < 0 || k >= 32)
		return -1;
	*out |= 1u << k;
	return 0;
}

/* count_attr - a whole number attribute; dflt when absent */
static unsigned long
count_attr(const struct xnode *n, const char *attr, unsigned long dflt,
    struct diag *dg)
{
	const char *v = xnode_attr(n, attr);
	char *end;
	unsigned long k;

	if (v == NULL)
		return dflt;
	errno = 0;
	k = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || k > 1000000) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid number \"%s\" for %s on <found> (expected 0 "
		    "to 1000000)",
		    v, attr);
		return dflt;
	}
	return k;
}

int
found_compile(struct cond *c, const struct xnode *n, struct diag *dg)
{
	const char *det = xnode_attr(n, "detector");
	const char *in = xnode_attr(n, "in");
	const char *kind = xnode_attr(n, "kind");
	const char *name = xnode_attr(n, "name");
	const char *to = xnode_attr(n, "to");
	struct found *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	c->found = f;
	f->file = xnode_file(n);
	f->line = xnode_line(n);
	if (det == NULL || *det == '\0') {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<found> needs a detector attribute");
		det = "";
	}
	if ((f->detector = strdup(det)) == NULL)
		return -1;
	f->builtin = strcmp(det, DETECT_STUDENT) == 0 ||
	    strcmp(det, DETECT_STUDENT_RECORD) == 0;
	f->in = DETECT_IN_SUBJECT | DETECT_IN_BODY | DETECT_IN_ATTACHMENT;
	if (in != NULL)
		(void)words(in, n, "in", &f->in, dg, one_where);
	if (kind != NULL)
		(void)words(kind, n, "kind", &f->kinds, dg, one_kind);
	if (name != NULL && rules_split_globs(&f->names, name) == -1)
		return -1;
	f->min_matches = count_attr(n, "min-matches", 1, dg);
	f->min_students = count_attr(n, "min-students", 0, dg);
	if (to != NULL && strcmp(to, "not-entitled") == 0)
		f->not_entitled = 1;
	else if (to != NULL && strcmp(to, "anyone") != 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid value \"%s\" for to on <found> (expected: "
		    "anyone, not-entitled)",
		    to);
	if ((f->not_entitled || f->min_students > 0) && !f->builtin &&
	    *det != '\0')
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<found detector=\"%s\">: %s needs a detector that "
		    "finds students (\"%s\" or \"%s\")",
		    det,
		    f->not_entitled ? "to=\"not-entitled\"" : "min-students",
		    DETECT_STUDENT, DETECT_STUDENT_RECORD);
	return 0;
}

int
found_builtin(const struct found *f)
{
	return f->builtin;
}

void
found_free(struct found *f)
{
	if (f == NULL)
		return;
	free(f->detector);
	rules_pattern_free(&f->names);
	free(f);
}

void
found_check(const struct cond *c, const struct config *cfg, struct diag *dg)
{
	const struct xnode *n;
	const char *id;
	size_t i;
	int known;

	for (; c != NULL; c = c->next) {
		found_check(c->child, cfg, dg);
		if (c->found == NULL || c->found->builtin ||
		    *c->found->detector == '\0')
			continue;
		known = 0;
		for (i = 0; i < config_detector_count(cfg) && !known; i++) {
			n = config_detector(cfg, i);
			id = xnode_attr(n, "id");
			known =
			    id != NULL && strcmp(id, c->found->detector) == 0;
		}
		if (!known)
			diag_error(dg, c->found->file, c->found->line, 0,
			    "<found detector=\"%s\">: no such detector (the "
			    "built-in ones are \"%s\" and \"%s\"; others are "
			    "declared in <detectors>)",
			    c->found->detector, DETECT_STUDENT,
			    DETECT_STUDENT_RECORD);
	}
}

/* in_scope - hit h, in text t, is one f asks about */
static int
in_scope(const struct found *f, const struct detect_hit *h,
    const struct detect_text *t)
{
	size_t i;
	int k;

	if (strcmp(h->detector, f->detector) != 0 || !(f->in & t->where))
		return 0;
	if (f->kinds != 0) {
		k = content_kind_parse(t->kind);
		if (k < 0 || k >= 32 || !(f->kinds & (1u << k)))
			return 0;
	}
	if (f->names.type == PATTERN_GLOB) {
		for (i = 0; i < f->names.nglobs; i++)
			if (*t->name != '\0' &&
			    rules_glob_match(f->names.globs[i], t->name))
				break;
		if (i == f->names.nglobs)
			return 0;
	}
	return 1;
}

/* Who may receive data about which students, per recipient. */
struct entitled {
	int all; /* staff, district: everyone's */
	const struct roster_person **students;
	size_t n;
};

static void
entitled_free(struct entitled *e, size_t n)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < n; i++)
		free(e[i].students);
	free(e);
}

/* entitled_new - what each recipient may receive; NULL on error */
static struct entitled *
entitled_new(const struct rules_ctx *ctx, size_t *n)
{
	struct entitled *e;
	size_t i, nr = rules_rcpt_count(ctx);
	int r;

	if ((e = calloc(nr + 1, sizeof(*e))) == NULL)
		return NULL;
	for (i = 0; i < nr; i++) {
		r = dir_entitlement(
		    ctx, rules_rcpt(ctx, i), &e[i].students, &e[i].n);
		if (r == -1) {
			entitled_free(e, i);
			return NULL;
		}
		e[i].all = r == 1;
	}
	*n = nr;
	return e;
}

/* disclosed - 1 if some recipient may not receive data about the
 * student with sourcedId id */
static int
disclosed(const struct entitled *e, size_t n, const char *id)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (e[i].all)
			continue;
		for (k = 0; k < e[i].n; k++)
			if (strcmp(roster_person_id(e[i].students[k]), id) == 0)
				break;
		if (k == e[i].n)
			return 1;
	}
	return 0;
}

/*
 * tally - the matches and the distinct students (only those some
 * recipient may not receive, with to="not-entitled") of f's hits.
 * 0, or -1 on ENOMEM or a spool read error.
 */
static int
tally(const struct found *f, const struct rules_ctx *ctx,
    unsigned long *matches, unsigned long *students)
{
	const struct detect_result *res;
	const struct detect_text *texts;
	const struct detect_hit *h;
	struct entitled *e = NULL;
	struct strset seen;
	size_t i, k, ne = 0;
	int rc = -1, added;

	*matches = *students = 0;
	if (rules_findings(&res, &texts, ctx) == -1)
		return -1;
	strset_init(&seen);
	for (i = 0; (h = detect_hit(res, i)) != NULL; i++) {
		if (!in_scope(f, h, &texts[h->text]))
			continue;
		*matches += h->matches;
		for (k = 0; k < h->nstudents; k++) {
			if ((added = strset_add(&seen, h->students[k], 0)) ==
			    -1)
				goto out;
			if (added == 0)
				continue;
			if (f->not_entitled) {
				if (e == NULL &&
				    (e = entitled_new(ctx, &ne)) == NULL)
					goto out;
				if (!disclosed(e, ne, h->students[k]))
					continue;
			}
			(*students)++;
		}
	}
	rc = 0;
out:
	strset_free(&seen);
	entitled_free(e, ne);
	return rc;
}

int
found_match(const struct cond *c, const struct rules_ctx *ctx)
{
	const struct found *f = c->found;
	unsigned long matches, students;

	if (f == NULL || *f->detector == '\0')
		return 0; /* a compile error was reported */
	if (message_body_count_only(ctx->msg))
		return COND_UNKNOWN;
	if (tally(f, ctx, &matches, &students) == -1)
		return -1;
	if (f->not_entitled && students == 0)
		return 0;
	return matches >= f->min_matches && students >= f->min_students &&
	    matches > 0;
}

/* explain_one - record the hits of one <found> that holds */
static int
explain_one(struct verdict *v, const struct rule *r, const struct found *f,
    const struct rules_ctx *ctx)
{
	const struct detect_result *res;
	const struct detect_text *texts, *t;
	const struct detect_hit *h;
	struct verdict_finding vf;
	size_t i;

	if (rules_findings(&res, &texts, ctx) == -1)
		return -1;
	for (i = 0; (h = detect_hit(res, i)) != NULL; i++) {
		t = &texts[h->text];
		if (!in_scope(f, h, t))
			continue;
		memset(&vf, 0, sizeof(vf));
		vf.rule = r->id;
		vf.detector = h->detector;
		vf.where = where_name(t->where);
		vf.name = t->name;
		vf.matches = h->matches;
		vf.students = h->nstudents;
		vf.evidence = h->evidence;
		if (verdict_add_finding(v, &vf) == -1)
			return -1;
	}
	return 0;
}

/* explain - each <found> under c that holds, outside a <not> */
static int
explain(struct verdict *v, const struct rule *r, const struct cond *c,
    const struct rules_ctx *ctx)
{
	for (; c != NULL; c = c->next) {
		if (strcmp(c->kind->name, "not") == 0)
			continue;
		if (explain(v, r, c->child, ctx) == -1)
			return -1;
		if (c->found != NULL && found_match(c, ctx) == 1 &&
		    explain_one(v, r, c->found, ctx) == -1)
			return -1;
	}
	return 0;
}

int
found_explain(
    struct verdict *v, const struct rule *r, const struct rules_ctx *ctx)
{
	return explain(v, r, r->when, ctx);
}
