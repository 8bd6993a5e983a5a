/*
 * view.c - the message's MIME view, built once per evaluation
 *
 * Building the view parses and decodes the whole body: it is done at the
 * first condition that reads the content (<body>, <limit-exceeded> with
 * a mime-* name) and kept in the evaluation's state for the others, the
 * way authors.c keeps the From and Sender addresses. A message no such
 * condition looks at is never parsed.
 */
#include "autoconf.h"

#include <errno.h>

#include "content.h"
#include "rules_int.h"

int
rules_content(const struct content **out, const struct rules_ctx *ctx)
{
	struct content *view;

	if (ctx->envelope_only || ctx->state == NULL) {
		errno = EINVAL; /* not known before the body: our bug */
		return -1;
	}
	if (ctx->state->content == NULL) {
		if (content_build(&view, ctx->msg) == -1)
			return -1;
		ctx->state->content = view;
	}
	*out = ctx->state->content;
	return 0;
}
