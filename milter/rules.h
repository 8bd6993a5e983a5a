/*
 * rules.h - the rule model: compile <rule> elements, evaluate a message
 *
 * A ruleset is an ordered list of rules. Each rule has an id, a mode
 * (enforce or monitor), a policy reference, conditions (<when>) and
 * actions (<then>). Conditions and actions are kinds in two tables inside
 * milter/rules/; adding a kind adds a table entry and never changes the
 * evaluator. See guardian-milter.conf(5) for the language.
 *
 * Evaluation, in rule order: a rule whose conditions hold runs its
 * actions. In enforce mode a terminal action (accept, reject, tempfail,
 * quarantine) decides the verdict and ends evaluation;
 * <stop/> ends it with the changes gathered so far; other actions
 * (add-header, ...) accumulate. In monitor mode (the rule's, or the global
 * switch) the rule changes nothing: the verdict records what it would
 * have done, an X-Guardian-Monitor header says so, and evaluation goes on
 * as if the rule had not matched.
 */
#ifndef GUARDIAN_RULES_H
#define GUARDIAN_RULES_H

#include <stddef.h>
#include <time.h>

struct aliases_rcpts;
struct config;
struct detect;
struct detect_roster;
struct diag;
struct message;
struct regex_scratch;
struct roster;
struct rules_state;
struct verdict;

struct rules;

/* Everything a condition or action may look at, filled by the pipeline
 * for one evaluation. Borrowed for the duration of rules_evaluate(). */
struct rules_ctx {
	const struct message *msg;
	struct regex_scratch *scratch; /* this thread's match state */
	time_t now;
	int monitor_all;             /* the global monitor switch */
	int envelope_only;           /* headers and body not yet seen */
	const struct roster *roster; /* NULL without a <directory> */
	/* the recipients as the MTA delivers them, lists and aliases
	 * expanded (pipeline.c); NULL: the message's own */
	const struct aliases_rcpts *rcpts;
	unsigned opt_out_window;    /* days, for high-school notices */
	int unknown_login_external; /* a login the roster does not know is
	                               external, not staff */
	struct rules_state *state;  /* the evaluator's own: leave NULL */

	/* the snapshot's declared detectors (detect.h) */
	const struct detect *detect;

	/* its student index; NULL without a <directory> */
	const struct detect_roster *students;
};

/*
 * rules_compile - compile the rule elements of cfg into a ruleset
 *
 * Returns 0 and a new ruleset in *out (release with rules_free()), or -1
 * leaving *out untouched and adding one "file:line: text" entry per
 * problem to dg (unknown elements and attributes with what was expected,
 * bad regexes with PCRE2's message and offset, duplicate ids, ...).
 * The result is immutable and may be shared by every thread.
 */
int rules_compile(
    struct rules **out, const struct config *cfg, struct diag *dg);

/* rules_free - NULL does nothing */
void rules_free(struct rules *rs);

/* rules_need_body - 1 if a rule looks at the body or the message size
 * (<size>, <limit-exceeded name="body-size">, <body>, a mime-* limit);
 * else the milter may skip the body, so it never crosses the socket */
int rules_need_body(const struct rules *rs);

/* rules_keep_message - 1 if a rule may hold messages whole
 * (<quarantine>): the milter then keeps the header fields as received
 * and stores the body of every message such a rule may match */
int rules_keep_message(const struct rules *rs);

/* rules_read_body - 1 if a rule reads the body's content (<body>,
 * <limit-exceeded> with a mime-* name), not only its size; else the
 * milter counts the body without storing it */
int rules_read_body(const struct rules *rs);

/* What one message's body is needed for, by the rules that can still
 * match it. */
#define RULES_BODY_NONE 0  /* nothing: the MTA may skip it */
#define RULES_BODY_COUNT 1 /* its size: count it, store none of it */
#define RULES_BODY_READ 2  /* its content: store it */

/*
 * rules_body_use - after the envelope, before any header (ctx has
 * envelope_only set): what the rules that may still match this message
 * need of its body. A rule whose envelope conditions already fail never
 * looks at it, so a message only such rules read is counted, not
 * stored, as if no rule read bodies. Returns a RULES_BODY_* value, or -1
 * when a condition could not be evaluated (store the body). Pure.
 */
int rules_body_use(const struct rules *rs, const struct rules_ctx *ctx);

/* rules_macro_count / rules_macro - the milter macros <macro> conditions
 * name, each once, as libmilter spells them ("{daemon_name}", "i"), so
 * the milter fetches them too; borrowed for the life of rs */
size_t rules_macro_count(const struct rules *rs);
const char *rules_macro(const struct rules *rs, size_t i);

/* rules_condition_kind_count / rules_condition_kind - the condition
 * elements the language knows, in table order (NULL past the end); for
 * tests that must cover every kind */
size_t rules_condition_kind_count(void);
const char *rules_condition_kind(size_t i);

/* rules_count - number of rules */
size_t rules_count(const struct rules *rs);

/*
 * rules_evaluate - run the rules over ctx->msg, filling v
 *
 * Returns 0, or -1 when a condition or action could not be evaluated
 * (regex limit, out of memory): the verdict is then incomplete and the
 * caller must answer tempfail (or the configured on-error mode).
 * Pure: touches nothing but v and ctx->scratch.
 */
int rules_evaluate(
    struct verdict *v, const struct rules *rs, const struct rules_ctx *ctx);

/*
 * rules_may_match - after the envelope (MAIL, RCPT, macros), before any
 * header: can any rule still match this message?
 *
 * Conditions that need headers or the body count as "maybe". Returns 0
 * when no rule, in any mode, can match: the message may be accepted at
 * once, so its body never crosses the milter socket. Returns 1 when some
 * rule may match, -1 when a condition could not be evaluated. ctx must
 * have envelope_only set. Pure, like rules_evaluate().
 */
int rules_may_match(const struct rules *rs, const struct rules_ctx *ctx);

#endif /* GUARDIAN_RULES_H */
