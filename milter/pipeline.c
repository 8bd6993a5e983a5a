/*
 * pipeline.c - the decision: evaluate(snapshot, message) -> verdict
 *
 * The rules see the message, its recipients as the MTA delivers them
 * (lists and aliases expanded) and the snapshot's directory (roster);
 * the MIME view and detectors of later releases slot in before them and
 * fill more of struct rules_ctx. Nothing here keeps state between
 * calls.
 */
#include "autoconf.h"

#include <errno.h>
#include <string.h>

#include "aliases.h"
#include "config.h"
#include "message.h"
#include "pipeline.h"
#include "regex.h"
#include "roster.h"
#include "rules.h"
#include "snapshot.h"
#include "verdict.h"

/*
 * expand - the recipients as the MTA delivers them: every envelope
 * recipient that is a list or an alias in the directory's virtual
 * aliases replaced by its members, as Postfix's cleanup(8) does after
 * the milters in smtpd have seen the envelope. NULL in *out when there
 * are no aliases (the rules then take the envelope as it is). 0, or -1
 * on ENOMEM.
 */
static int
expand(struct aliases_rcpts **out, const struct roster *roster,
    const struct message *msg)
{
	const struct aliases *al;
	size_t i, n = message_rcpt_count(msg);

	*out = NULL;
	if (roster == NULL || (al = roster_aliases(roster)) == NULL ||
	    aliases_count(al) == 0)
		return 0;
	if (aliases_rcpts_new(out) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (aliases_rcpts_add(*out, al, message_rcpt(msg, i)) == -1) {
			aliases_rcpts_free(*out);
			*out = NULL;
			return -1;
		}
	return 0;
}

/* ctx_fill - the context every rule sees for msg under snap; 0, or -1
 * on ENOMEM. The expanded recipients it points to are the caller's in
 * *rcpts (aliases_rcpts_free() them after the rules). */
static int
ctx_fill(struct rules_ctx *ctx, struct aliases_rcpts **rcpts,
    const struct snapshot *snap, const struct message *msg,
    struct regex_scratch *scratch, time_t now)
{
	const struct config *cfg = snapshot_config(snap);

	memset(ctx, 0, sizeof(*ctx));
	ctx->msg = msg;
	ctx->scratch = scratch;
	ctx->now = now;
	ctx->monitor_all = config_monitor(cfg);
	ctx->roster = snapshot_roster(snap);
	ctx->opt_out_window = config_opt_out_window(cfg);
	ctx->unknown_login_external =
	    config_unknown_login(cfg) == CONFIG_LOGIN_EXTERNAL;
	ctx->detect = snapshot_detect(snap);
	ctx->students = snapshot_detect_roster(snap);
	if (expand(rcpts, ctx->roster, msg) == -1)
		return -1;
	ctx->rcpts = *rcpts;
	return 0;
}

/* The filter's own refusal of a message whose recipients it could not
 * all judge: its status, text and the reason recorded for the match. */
struct refusal {
	const char *xcode, *text, *why;
};

/* refusal_of - why the recipients of ctx are incomplete, into *out; 0
 * when they are complete */
static int
refusal_of(struct refusal *out, const struct rules_ctx *ctx)
{
	unsigned lost = ctx->rcpts != NULL ? aliases_rcpts_lost(ctx->rcpts) : 0;

	if (!message_rcpts_complete(ctx->msg)) {
		if (message_limits(ctx->msg) & MESSAGE_LIMIT_RCPT_COUNT) {
			out->xcode = "5.5.3";
			out->text = "Your message was not sent because it has "
			            "more recipients than the district mail "
			            "filter can check. Send it in smaller "
			            "batches.";
		} else {
			out->xcode = "5.1.0";
			out->text =
			    "Your message was not sent because one of "
			    "its recipient addresses is longer than the "
			    "district mail filter can check. Check the "
			    "addresses for mistakes and send it again.";
		}
		out->why = "recipients not seen";
		return 1;
	}
	if (lost & ALIASES_LOST_MEMBERS) {
		out->xcode = "5.5.3";
		out->text = "Your message was not sent because the mailing "
		            "lists it is addressed to have more members "
		            "together than the district mail filter can "
		            "check. Send it to fewer lists at a time, or use "
		            "the district's notification system for mail to "
		            "many families.";
		out->why = "list members not seen: too many";
		return 1;
	}
	if (lost & ALIASES_LOST_DEPTH) {
		out->xcode = "5.4.6";
		out->text = "Your message was not sent because a mailing list "
		            "it is addressed to contains itself, or lists "
		            "nested deeper than the district mail filter can "
		            "follow, so the filter cannot tell who would "
		            "receive it. Tell the mail administrator which "
		            "list you wrote to.";
		out->why = "list members not seen: nested too deep or a loop";
		return 1;
	}
	return 0;
}

/*
 * fail_closed - the rules let through a message some of whose recipients
 * the filter never saw (past a bound: recipients the daemon could not
 * keep, see message.h, or members of a list it could not expand, see
 * aliases.h): no rule can have judged them, so the filter refuses the
 * message itself, whatever the rules said. The shipped policy has rules
 * that refuse lost envelope recipients first, with their own words; this
 * catches a policy without them, and lists. In global monitor mode it is
 * recorded, like any rule, and changes nothing.
 */
static int
fail_closed(struct verdict *v, const struct rules_ctx *ctx)
{
	static const char policy[] =
	    "The filter must never pass a message it could not inspect";
	struct refusal why;

	if (!refusal_of(&why, ctx) || verdict_action(v) == VERDICT_REJECT ||
	    verdict_action(v) == VERDICT_TEMPFAIL)
		return 0;
	if (ctx->monitor_all)
		return verdict_add_match(v, PIPELINE_RCPTS_LOST, policy,
		    VERDICT_MODE_MONITOR, "reject 550", why.why);
	if (verdict_add_match(v, PIPELINE_RCPTS_LOST, policy,
	        VERDICT_MODE_ENFORCE, "reject 550", why.why) == -1)
		return -1;
	return verdict_set_action(v, VERDICT_REJECT, "550", why.xcode, why.text,
	    PIPELINE_RCPTS_LOST, policy);
}

int
pipeline_evaluate(struct verdict **out, const struct snapshot *snap,
    const struct message *msg, struct regex_scratch *scratch, time_t now)
{
	struct regex_scratch *own = NULL;
	struct aliases_rcpts *rcpts = NULL;
	struct rules_ctx ctx;
	struct verdict *v;
	int saved;

	if (snap == NULL || msg == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (scratch == NULL && (scratch = own = regex_scratch_new()) == NULL)
		return -1;
	if ((v = verdict_new()) == NULL) {
		saved = errno;
		regex_scratch_free(own);
		errno = saved;
		return -1;
	}
	if (ctx_fill(&ctx, &rcpts, snap, msg, scratch, now) == -1 ||
	    rules_evaluate(v, snapshot_rules(snap), &ctx) == -1 ||
	    fail_closed(v, &ctx) == -1) {
		saved = errno;
		aliases_rcpts_free(rcpts);
		verdict_free(v);
		regex_scratch_free(own);
		errno = saved;
		return -1;
	}
	aliases_rcpts_free(rcpts);
	regex_scratch_free(own);
	*out = v;
	return 0;
}

int
pipeline_may_match(const struct snapshot *snap, const struct message *msg,
    struct regex_scratch *scratch, time_t now)
{
	struct regex_scratch *own = NULL;
	struct aliases_rcpts *rcpts = NULL;
	struct rules_ctx ctx;
	struct refusal why;
	int r, saved;

	if (snap == NULL || msg == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (scratch == NULL && (scratch = own = regex_scratch_new()) == NULL)
		return -1;
	if (ctx_fill(&ctx, &rcpts, snap, msg, scratch, now) == -1) {
		saved = errno;
		regex_scratch_free(own);
		errno = saved;
		return -1;
	}
	ctx.envelope_only = 1;
	/* recipients were lost: fail_closed() decides at the end */
	r = refusal_of(&why, &ctx) ?
	    1 :
	    rules_may_match(snapshot_rules(snap), &ctx);
	saved = errno;
	aliases_rcpts_free(rcpts);
	regex_scratch_free(own);
	errno = saved;
	return r;
}

int
pipeline_body_use(const struct snapshot *snap, const struct message *msg,
    struct regex_scratch *scratch, time_t now)
{
	const struct rules *rs;
	struct regex_scratch *own = NULL;
	struct aliases_rcpts *rcpts = NULL;
	struct rules_ctx ctx;
	struct refusal why;
	int r, saved;

	if (snap == NULL || msg == NULL) {
		errno = EINVAL;
		return -1;
	}
	rs = snapshot_rules(snap);
	if (scratch == NULL && (scratch = own = regex_scratch_new()) == NULL)
		return -1;
	if (ctx_fill(&ctx, &rcpts, snap, msg, scratch, now) == -1) {
		saved = errno;
		regex_scratch_free(own);
		errno = saved;
		return -1;
	}
	ctx.envelope_only = 1;
	/* recipients were lost (in the envelope, or past a list's bounds):
	 * every rule may yet see the message */
	if (refusal_of(&why, &ctx))
		r = rules_read_body(rs) ? RULES_BODY_READ :
		    rules_need_body(rs) ? RULES_BODY_COUNT :
		                          RULES_BODY_NONE;
	else
		r = rules_body_use(rs, &ctx);
	saved = errno;
	aliases_rcpts_free(rcpts);
	regex_scratch_free(own);
	errno = saved;
	return r;
}
