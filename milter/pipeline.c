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
	memset(ctx, 0, sizeof(*ctx));
	ctx->msg = msg;
	ctx->scratch = scratch;
	ctx->now = now;
	ctx->monitor_all = config_monitor(snapshot_config(snap));
	ctx->roster = snapshot_roster(snap);
	ctx->opt_out_window = config_opt_out_window(snapshot_config(snap));
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
	if (rules_evaluate(v, snapshot_rules(snap), &ctx) == -1) {
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
	r = rules_may_match(snapshot_rules(snap), &ctx);
	saved = errno;
	regex_scratch_free(own);
	errno = saved;
	return r;
}
