/*
 * rules.c - compile <rule> elements into a ruleset and evaluate it
 *
 * The evaluator knows rules, modes and the two action flags (terminal,
 * stop); everything a condition or action does lives in its kind's table
 * entry in conditions.c or actions.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aliases.h"
#include "autoconf.h"
#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "content.h"
#include "diag.h"
#include "message.h"
#include "rules_int.h"
#include "verdict.h"
#include "xnode.h"

static const char *const rule_attrs[] = {"id", "mode", "policy", NULL};
static const char *const rule_children[] = {
    "description", "when", "then", NULL};

int
rules_kind_list(
    char *dst, size_t size, const char *first, const char *const *names)
{
	size_t i;

	dst[0] = '\0';
	if (first != NULL)
		(void)strlcpy(dst, first, size);
	for (i = 0; names[i] != NULL; i++) {
		if (dst[0] != '\0')
			(void)strlcat(dst, ", ", size);
		if (strlcat(dst, names[i], size) >= size)
			return -1;
	}
	return 0;
}

/*
 * rules_clean_text - guidance text as written in XML, indentation and
 * line breaks folded: words single-spaced, paragraphs (blank lines)
 * separated by "\n\n". NULL on ENOMEM.
 */
char *
rules_clean_text(const char *text)
{
	struct buf b;
	const char *p = text;
	int newlines = 0, space = 0;

	buf_init(&b, BOUND_REPLY_TEXT);
	for (; *p != '\0'; p++) {
		if (*p == '\n') {
			newlines++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			space = 1;
			continue;
		}
		if (b.len > 0) {
			if (newlines >= 2)
				(void)buf_puts(&b, "\n\n");
			else if (newlines == 1 || space)
				(void)buf_putc(&b, ' ');
		}
		newlines = space = 0;
		if (buf_putc(&b, *p) == BUF_NOMEM) {
			buf_free(&b);
			return NULL;
		}
	}
	if (b.data == NULL)
		return strdup("");
	return buf_steal(&b);
}

/* valid_id - letters, digits, '.', '_', '-' */
static int
valid_id(const char *id)
{
	if (*id == '\0' || strlen(id) > 128)
		return 0;
	for (; *id != '\0'; id++)
		if (!isalnum((unsigned char)*id) && *id != '.' && *id != '_' &&
		    *id != '-')
			return 0;
	return 1;
}

/* compile_when - the conditions of <when>, an implicit <all> */
static int
compile_when(struct rule *r, const struct xnode *when, struct diag *dg)
{
	const struct cond_kind *all;

	if (xnode_child(when) == NULL) {
		diag_error(dg, xnode_file(when), xnode_line(when), 0,
		    "<when> is empty (leave it out to match every message)");
		return 0;
	}
	for (all = cond_kinds; strcmp(all->name, "all") != 0; all++)
		continue;
	if ((r->when = calloc(1, sizeof(*r->when))) == NULL)
		return -1;
	r->when->kind = all;
	return all->compile(r->when, when, dg);
}

/* compile_then - the actions of <then>, in order */
static int
compile_then(struct rule *r, const struct xnode *then, struct diag *dg)
{
	const struct xnode *c;
	struct act **tail = &r->then;
	int terminal = 0;

	(void)xnode_check_attrs(then, (const char *const[]){NULL}, dg);
	if (xnode_child(then) == NULL) {
		diag_error(dg, xnode_file(then), xnode_line(then), 0,
		    "<then> needs at least one action");
		return 0;
	}
	for (c = xnode_child(then); c != NULL; c = xnode_next(c)) {
		if (act_compile(tail, c, dg) == -1)
			return -1;
		if (*tail == NULL)
			continue;
		if (terminal)
			diag_error(dg, xnode_file(c), xnode_line(c), 0,
			    "<%s> can never run: it follows an action that "
			    "ends evaluation",
			    xnode_name(c));
		if ((*tail)->kind->flags & (ACT_TERMINAL | ACT_STOP))
			terminal = 1;
		tail = &(*tail)->next;
	}
	return 0;
}

/* compile_rule - one <rule> element into r */
static int
compile_rule(struct rule *r, const struct xnode *n, struct diag *dg)
{
	const char *id = xnode_attr(n, "id");
	const char *mode = xnode_attr(n, "mode");
	const char *policy = xnode_attr(n, "policy");
	const struct xnode *c, *seen[3] = {NULL, NULL, NULL};
	char exp[128];
	size_t i;

	r->file = xnode_file(n);
	r->line = xnode_line(n);
	(void)xnode_check_attrs(n, rule_attrs, dg);
	if (id == NULL)
		diag_error(
		    dg, r->file, r->line, 0, "<rule> needs an id attribute");
	else if (!valid_id(id))
		diag_error(dg, r->file, r->line, 0,
		    "invalid rule id \"%s\" (use letters, digits, '.', '_' "
		    "and '-', at most 128)",
		    id);
	if (mode != NULL && strcmp(mode, "enforce") != 0 &&
	    strcmp(mode, "monitor") != 0)
		diag_error(dg, r->file, r->line, 0,
		    "invalid value \"%s\" for mode on <rule> (expected: "
		    "enforce, monitor)",
		    mode);
	r->monitor = mode != NULL && strcmp(mode, "monitor") == 0;
	if ((r->id = strdup(id != NULL ? id : "")) == NULL ||
	    (policy != NULL && (r->policy = rules_clean_text(policy)) == NULL))
		return -1;

	for (c = xnode_child(n); c != NULL; c = xnode_next(c)) {
		for (i = 0; rule_children[i] != NULL; i++)
			if (strcmp(xnode_name(c), rule_children[i]) == 0)
				break;
		if (rule_children[i] == NULL) {
			(void)rules_kind_list(
			    exp, sizeof(exp), NULL, rule_children);
			diag_error(dg, xnode_file(c), xnode_line(c), 0,
			    "unknown element <%s> in <rule> (expected: %s)",
			    xnode_name(c), exp);
			continue;
		}
		if (seen[i] != NULL) {
			diag_error(dg, xnode_file(c), xnode_line(c), 0,
			    "<%s> given twice in rule \"%s\"", xnode_name(c),
			    r->id);
			continue;
		}
		seen[i] = c;
	}
	if (seen[0] != NULL) {
		(void)xnode_check_attrs(
		    seen[0], (const char *const[]){NULL}, dg);
		if ((r->description = rules_clean_text(xnode_text(seen[0]))) ==
		    NULL)
			return -1;
	}
	if (seen[1] != NULL) {
		(void)xnode_check_attrs(
		    seen[1], (const char *const[]){NULL}, dg);
		if (compile_when(r, seen[1], dg) == -1)
			return -1;
	}
	if (seen[2] == NULL) {
		diag_error(dg, r->file, r->line, 0,
		    "rule \"%s\" has no <then> (what should it do?)", r->id);
		return 0;
	}
	return compile_then(r, seen[2], dg);
}

/* free_rule - release what compile_rule() built */
static void
free_rule(struct rule *r)
{
	cond_free(r->when);
	act_free(r->then);
	free(r->id);
	free(r->policy);
	free(r->description);
}

/* check_duplicates - one error per id used twice */
static void
check_duplicates(const struct rules *rs, struct diag *dg)
{
	size_t i, j;

	/* Quadratic, but at most BOUND_RULES and only at load time. */
	for (i = 1; i < rs->n; i++) {
		if (rs->rule[i].id[0] == '\0')
			continue;
		for (j = 0; j < i; j++) {
			if (strcmp(rs->rule[i].id, rs->rule[j].id) != 0)
				continue;
			diag_error(dg, rs->rule[i].file, rs->rule[i].line, 0,
			    "duplicate rule id \"%s\" (first defined at "
			    "%s:%lu)",
			    rs->rule[i].id, rs->rule[j].file, rs->rule[j].line);
			break;
		}
	}
}

/* rule_keeps - r has an action that holds the whole message */
static int
rule_keeps(const struct rule *r)
{
	const struct act *a;

	for (a = r->then; a != NULL; a = a->next)
		if (a->kind->flags & ACT_KEEPS)
			return 1;
	return 0;
}

/* needs_directory - r asks the roster (a role, a level, add-guardians) */
static int
needs_directory(const struct rule *r)
{
	const struct act *a;

	for (a = r->then; a != NULL; a = a->next)
		if (a->kind->flags & ACT_DIRECTORY)
			return 1;
	return cond_needs_directory(r->when);
}

int
rules_compile(struct rules **out, const struct config *cfg, struct diag *dg)
{
	struct rules *rs;
	size_t i, n = config_rule_count(cfg);
	size_t before = diag_count(dg);

	if ((rs = calloc(1, sizeof(*rs))) == NULL ||
	    (n > 0 && (rs->rule = calloc(n, sizeof(*rs->rule))) == NULL)) {
		free(rs);
		diag_error(dg, config_path(cfg), 0, 0, "%s", strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < n && !diag_full(dg); i++) {
		rs->n++;
		if (compile_rule(&rs->rule[i], config_rule(cfg, i), dg) == -1 ||
		    act_bind(&rs->rule[i], cfg, dg) == -1) {
			diag_error(
			    dg, config_path(cfg), 0, 0, "%s", strerror(ENOMEM));
			break;
		}
	}
	for (i = 0; i < rs->n && config_roster_count(cfg) == 0; i++)
		if (needs_directory(&rs->rule[i]))
			diag_error(dg, rs->rule[i].file, rs->rule[i].line, 0,
			    "rule \"%s\" asks about roles, levels or guardians, "
			    "but the configuration has no <directory>",
			    rs->rule[i].id);
	check_duplicates(rs, dg);
	for (i = 0; i < rs->n; i++)
		found_check(rs->rule[i].when, cfg, dg);
	for (i = 0; i < rs->n; i++) {
		if (cond_needs_body(rs->rule[i].when))
			rs->needs_body = 1;
		if (cond_reads_body(rs->rule[i].when))
			rs->reads_body = 1;
		/* a held message is kept whole: its body is stored */
		if (rule_keeps(&rs->rule[i]))
			rs->needs_body = rs->reads_body = rs->keeps = 1;
		if (cond_macros(rs, rs->rule[i].when) == -1)
			diag_error(
			    dg, config_path(cfg), 0, 0, "%s", strerror(ENOMEM));
	}
	if (diag_count(dg) > before) {
		rules_free(rs);
		return -1;
	}
	*out = rs;
	return 0;
}

void
rules_free(struct rules *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		free_rule(&rs->rule[i]);
	for (i = 0; i < rs->nmacros; i++)
		free(rs->macros[i]);
	free(rs->macros);
	free(rs->rule);
	free(rs);
}

int
rules_keep_message(const struct rules *rs)
{
	return rs->keeps;
}

int
rules_need_body(const struct rules *rs)
{
	return rs->needs_body;
}

int
rules_read_body(const struct rules *rs)
{
	return rs->reads_body;
}

int
rules_body_use(const struct rules *rs, const struct rules_ctx *ctx)
{
	const struct rule *r;
	struct rules_state state;
	struct rules_ctx c = *ctx;
	size_t i;
	int m, keeps, use = RULES_BODY_NONE;

	/* shared by the rules, as in rules_may_match(): the guardians of
	 * the recipients are found once, not once per recipient */
	memset(&state, 0, sizeof(state));
	c.state = &state;
	for (i = 0; i < rs->n && use != RULES_BODY_READ; i++) {
		r = &rs->rule[i];
		keeps = rule_keeps(r);
		if (!keeps && (r->when == NULL || !cond_needs_body(r->when)))
			continue;
		/* a rule the envelope already rules out never looks */
		m = r->when != NULL ? cond_match(r->when, &c) : 1;
		if (m == 0)
			continue;
		if (m == -1) {
			use = -1;
			break;
		}
		/* a rule that may hold the message needs all of it */
		use = keeps || cond_reads_body(r->when) ? RULES_BODY_READ :
		                                          RULES_BODY_COUNT;
	}
	dir_families_free(state.families);
	authors_free(state.authors);
	rules_findings_free(&state);
	content_free(state.content);
	return use;
}

size_t
rules_macro_count(const struct rules *rs)
{
	return rs->nmacros;
}

const char *
rules_macro(const struct rules *rs, size_t i)
{
	return rs->macros[i];
}

size_t
rules_count(const struct rules *rs)
{
	return rs->n;
}

/* describe - "reject 550 5.7.1, add-header X-Foo" for r's actions */
static int
describe(struct buf *out, const struct rule *r)
{
	const struct act *a;

	for (a = r->then; a != NULL; a = a->next) {
		if (out->len > 0 && buf_puts(out, ", ") != BUF_OK)
			return -1;
		if (a->kind->describe(a, out) == -1)
			return -1;
	}
	return 0;
}

/* monitor - record what r would have done; change nothing else */
static int
monitor(struct verdict *v, const struct rule *r, const char *what)
{
	struct buf hdr;
	int rc = -1;

	buf_init(&hdr, BOUND_HEADER_BYTES);
	if (buf_printf(&hdr, "%s would %s", r->id, what) == BUF_OK &&
	    verdict_add_match(v, r->id, r->policy, VERDICT_MODE_MONITOR, what,
	        r->description) == 0 &&
	    verdict_add_header(v, "X-Guardian-Monitor", buf_str(&hdr)) == 0)
		rc = 0;
	buf_free(&hdr);
	return rc;
}

/* enforce - run r's actions; *done is set when evaluation must end */
static int
enforce(struct verdict *v, const struct rule *r, const char *what,
    const struct rules_ctx *ctx, int *done)
{
	const struct act *a;

	if (verdict_add_match(v, r->id, r->policy, VERDICT_MODE_ENFORCE, what,
	        r->description) == -1)
		return -1;
	for (a = r->then; a != NULL; a = a->next) {
		if (a->kind->apply != NULL &&
		    a->kind->apply(a, r, v, ctx) == -1)
			return -1;
		if (a->kind->flags & (ACT_TERMINAL | ACT_STOP)) {
			*done = 1;
			break;
		}
	}
	return 0;
}

size_t
rules_rcpt_count(const struct rules_ctx *ctx)
{
	return ctx->rcpts != NULL ? aliases_rcpts_count(ctx->rcpts) :
	                            message_rcpt_count(ctx->msg);
}

const char *
rules_rcpt(const struct rules_ctx *ctx, size_t i)
{
	return ctx->rcpts != NULL ? aliases_rcpts_addr(ctx->rcpts, i) :
	                            message_rcpt(ctx->msg, i);
}

const char *
rules_rcpt_origin(const struct rules_ctx *ctx, size_t i)
{
	return ctx->rcpts != NULL ? aliases_rcpts_origin(ctx->rcpts, i) : NULL;
}

int
rules_rcpt_listed(const struct rules_ctx *ctx, size_t i)
{
	return ctx->rcpts != NULL && aliases_rcpts_listed(ctx->rcpts, i);
}

int
rules_rcpts_complete(const struct rules_ctx *ctx)
{
	return message_rcpts_complete(ctx->msg) &&
	    (ctx->rcpts == NULL || aliases_rcpts_lost(ctx->rcpts) == 0);
}

int
rules_may_match(const struct rules *rs, const struct rules_ctx *ctx)
{
	struct rules_state state;
	struct rules_ctx c = *ctx;
	size_t i;
	int m, r = 0;

	memset(&state, 0, sizeof(state));
	c.state = &state;
	for (i = 0; i < rs->n; i++) {
		if (rs->rule[i].when == NULL) {
			r = 1;
			break;
		}
		if ((m = cond_match(rs->rule[i].when, &c)) != 0) {
			r = m == -1 ? -1 : 1;
			break;
		}
	}
	dir_families_free(state.families);
	authors_free(state.authors);
	rules_findings_free(&state);
	content_free(state.content);
	return r;
}

int
rules_evaluate(
    struct verdict *v, const struct rules *rs, const struct rules_ctx *ctx)
{
	const struct rule *r;
	struct rules_state state;
	struct rules_ctx c = *ctx;
	struct buf what;
	size_t i;
	int m, done = 0, rc = 0;

	memset(&state, 0, sizeof(state));
	c.state = &state;
	buf_init(&what, BOUND_LOG_LINE);
	for (i = 0; i < rs->n && !done && rc == 0; i++) {
		r = &rs->rule[i];
		m = r->when == NULL ? 1 : cond_match(r->when, &c);
		/* at the end every condition has its data; one still unknown
		 * (a body read but not stored) is an error, never a miss */
		if (m == -1 || m == COND_UNKNOWN)
			rc = -1;
		if (m != 1)
			continue;
		buf_reset(&what);
		if (describe(&what, r) == -1)
			rc = -1;
		else if (r->monitor || c.monitor_all)
			rc = monitor(v, r, buf_str(&what));
		else
			rc = enforce(v, r, buf_str(&what), &c, &done);
		/* what the detectors found that made r match */
		if (rc == 0)
			rc = found_explain(v, r, &c);
	}
	/* What several actions gathered is shown once. */
	if (rc == 0)
		rc = dir_finish(v, &c);
	dir_state_free(state.dir);
	dir_families_free(state.families);
	authors_free(state.authors);
	rules_findings_free(&state);
	content_free(state.content);
	buf_free(&what);
	return rc;
}
