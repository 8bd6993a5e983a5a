/*
 * pipeline.h - the decision: evaluate(snapshot, message) -> verdict
 *
 * The one function both the milter and guardianctl call, so the offline
 * simulation is exactly what production does. It touches no socket, no
 * libmilter, no global state: only its arguments.
 */
#ifndef GUARDIAN_PIPELINE_H
#define GUARDIAN_PIPELINE_H

#include <time.h>

struct message;
struct regex_scratch;
struct snapshot;
struct verdict;

/* The name the verdict gives the filter's own refusal of a message with
 * recipients it never saw (past BOUND_RCPT_COUNT or BOUND_ADDRESS_BYTES,
 * or members of a list past BOUND_ALIAS_DEPTH or BOUND_ALIAS_MEMBERS)
 * when no rule refused it first. */
#define PIPELINE_RCPTS_LOST "filter:recipients-not-checked"

/*
 * pipeline_evaluate - decide what to do with msg under snap
 *
 * The rules judge the recipients the MTA delivers to: with the
 * directory's virtual aliases (roster_aliases()), a list or an alias
 * among the envelope recipients stands for its members (aliases.h).
 * A message whose recipients were not all stored (message.h), or one of
 * whose lists could not be expanded in full, is never accepted: if the
 * rules would let it through, the verdict is the filter's own reject as
 * PIPELINE_RCPTS_LOST.
 *
 * Returns 0 and a new verdict in *out (free with verdict_free()), or -1
 * leaving *out untouched when the decision could not be made (out of
 * memory, a rule that could not be evaluated): the caller answers
 * tempfail, or accepts only where the configuration's on-error setting
 * says so. scratch is the calling thread's regex state (NULL: a
 * temporary one is made for this call); now is the clock (injected for
 * tests). Thread-safe as long as each thread passes its own scratch.
 */
int pipeline_evaluate(struct verdict **out, const struct snapshot *snap,
    const struct message *msg, struct regex_scratch *scratch, time_t now);

/*
 * pipeline_may_match - after the envelope (sender, recipients, macros) and
 * before any header: could any rule of snap still act on msg?
 *
 * Returns 0 when none can, in any mode: the verdict would be a plain
 * accept, so the caller may accept at once without the header and body.
 * Never 0 for a message whose recipients were not all stored or whose
 * lists could not be expanded in full.
 * Returns 1 when some rule may match, -1 when that could not be worked
 * out (treat as 1, or fail). Arguments as for pipeline_evaluate().
 */
int pipeline_may_match(const struct snapshot *snap, const struct message *msg,
    struct regex_scratch *scratch, time_t now);

/*
 * pipeline_body_use - after the envelope, before the body: what the
 * rules of snap that may still act on msg need of its body, a
 * RULES_BODY_* value (rules.h): NONE (the MTA may skip it), COUNT (its
 * size only) or READ (store it for the MIME view). Never less than
 * COUNT for a message whose recipients were not all stored. -1 when
 * that could not be worked out (store the body). Arguments as for
 * pipeline_evaluate().
 */
int pipeline_body_use(const struct snapshot *snap, const struct message *msg,
    struct regex_scratch *scratch, time_t now);

#endif /* GUARDIAN_PIPELINE_H */
