/*
 * pipeline.c - the decision: evaluate(snapshot, message) -> verdict
 *
 * The rules see the message and the snapshot's directory (roster); the
 * MIME view and detectors of later releases slot in before them and fill
 * more of struct rules_ctx. Nothing here keeps state between calls.
 */
#include "autoconf.h"

#include <errno.h>
#include <string.h>

#include "config.h"
#include "message.h"
#include "pipeline.h"
#include "regex.h"
#include "rules.h"
#include "snapshot.h"
#include "verdict.h"

/* ctx_fill - the context every rule sees for msg under snap */
static void
ctx_fill(struct rules_ctx *ctx, const struct snapshot *snap,
    const struct message *msg, struct regex_scratch *scratch, time_t now)
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
}

/*
 * fail_closed - the rules let through a message some of whose recipients
 * the filter never saw (past a bound, see message.h): no rule can have
 * judged them, so the filter refuses the message itself, whatever the
 * rules said. The shipped policy has rules that refuse such messages
 * first, with their own words; this catches a policy without them. In
 * global monitor mode it is recorded, like any rule, and changes nothing.
 */
static int
fail_closed(struct verdict *v, const struct message *msg, int monitor_all)
{
	static const char policy[] =
	    "The filter must never pass a message it could not inspect";
	int count = (message_limits(msg) & MESSAGE_LIMIT_RCPT_COUNT) != 0;
	const char *xcode = count ? "5.5.3" : "5.1.0";
	const char *text = count ?
	    "Your message was not sent because it has more recipients than "
	    "the district mail filter can check. Send it in smaller "
	    "batches." :
	    "Your message was not sent because one of its recipient "
	    "addresses is longer than the district mail filter can check. "
	    "Check the addresses for mistakes and send it again.";

	if (message_rcpts_complete(msg) ||
	    verdict_action(v) == VERDICT_REJECT ||
	    verdict_action(v) == VERDICT_TEMPFAIL)
		return 0;
	if (monitor_all)
		return verdict_add_match(v, PIPELINE_RCPTS_LOST, policy,
		    VERDICT_MODE_MONITOR, "reject 550", "recipients not seen");
	if (verdict_add_match(v, PIPELINE_RCPTS_LOST, policy,
	        VERDICT_MODE_ENFORCE, "reject 550",
	        "recipients not seen") == -1)
		return -1;
	return verdict_set_action(
	    v, VERDICT_REJECT, "550", xcode, text, PIPELINE_RCPTS_LOST, policy);
}

int
pipeline_evaluate(struct verdict **out, const struct snapshot *snap,
    const struct message *msg, struct regex_scratch *scratch, time_t now)
{
	struct regex_scratch *own = NULL;
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
	ctx_fill(&ctx, snap, msg, scratch, now);
	if (rules_evaluate(v, snapshot_rules(snap), &ctx) == -1 ||
	    fail_closed(v, msg, ctx.monitor_all) == -1) {
		saved = errno;
		verdict_free(v);
		regex_scratch_free(own);
		errno = saved;
		return -1;
	}
	regex_scratch_free(own);
	*out = v;
	return 0;
}

int
pipeline_may_match(const struct snapshot *snap, const struct message *msg,
    struct regex_scratch *scratch, time_t now)
{
	struct regex_scratch *own = NULL;
	struct rules_ctx ctx;
	int r, saved;

	if (snap == NULL || msg == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (scratch == NULL && (scratch = own = regex_scratch_new()) == NULL)
		return -1;
	ctx_fill(&ctx, snap, msg, scratch, now);
	ctx.envelope_only = 1;
	/* recipients were lost: fail_closed() decides at the end */
	r = message_rcpts_complete(msg) ?
	    rules_may_match(snapshot_rules(snap), &ctx) :
	    1;
	saved = errno;
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
	struct rules_ctx ctx;
	int r, saved;

	if (snap == NULL || msg == NULL) {
		errno = EINVAL;
		return -1;
	}
	rs = snapshot_rules(snap);
	/* recipients were lost: every rule may yet see the message */
	if (!message_rcpts_complete(msg))
		return rules_read_body(rs) ? RULES_BODY_READ :
		    rules_need_body(rs)    ? RULES_BODY_COUNT :
		                             RULES_BODY_NONE;
	if (scratch == NULL && (scratch = own = regex_scratch_new()) == NULL)
		return -1;
	ctx_fill(&ctx, snap, msg, scratch, now);
	ctx.envelope_only = 1;
	r = rules_body_use(rs, &ctx);
	saved = errno;
	regex_scratch_free(own);
	errno = saved;
	return r;
}
