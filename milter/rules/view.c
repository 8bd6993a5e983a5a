/*
 * view.c - the message's MIME view, built once per evaluation
 *
 * Building the view parses and decodes the whole body: it is done at the
 * first condition that reads the content (<body>, <limit-exceeded> with
 * a mime-* name) and kept in the evaluation's state for the others, the
 * way authors.c keeps the From and Sender addresses. A message no such
 * condition looks at is never parsed.
 *
 * The detectors' findings (detect.h) over the decoded Subject and the
 * view's texts are made the same way, once, at the first <found>.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "detect.h"
#include "message.h"
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

/* findings_texts - the texts detectors read: each Subject field decoded,
 * then each text of the view, body or attachment */
static int
findings_texts(struct rules_state *st, const struct content *view,
    const struct rules_ctx *ctx)
{
	size_t i, n = content_text_count(view), nsubj = 0, len;
	const char *v, *t;
	size_t iter = 0;
	char *d;

	while (message_header_value(ctx->msg, "Subject", &iter) != NULL)
		nsubj++;
	if ((st->texts = calloc(nsubj + n + 1, sizeof(*st->texts))) == NULL ||
	    (st->subjects = calloc(nsubj + 1, sizeof(char *))) == NULL)
		return -1;
	iter = 0;
	while ((v = message_header_value(ctx->msg, "Subject", &iter)) != NULL &&
	    st->nsubjects < nsubj) {
		if (content_header_decode(&d, v) == -1)
			return -1;
		if (d == NULL && (d = strdup(v)) == NULL)
			return -1;
		st->subjects[st->nsubjects++] = d;
		st->texts[st->ntexts].text = d;
		st->texts[st->ntexts].len = strlen(d);
		st->texts[st->ntexts].where = DETECT_IN_SUBJECT;
		st->texts[st->ntexts].name = "";
		st->texts[st->ntexts].kind = "text";
		st->ntexts++;
	}
	for (i = 0; i < n; i++) {
		t = content_text(view, i, &len);
		st->texts[st->ntexts].text = t;
		st->texts[st->ntexts].len = len;
		st->texts[st->ntexts].where = content_text_attached(view, i) ?
		    DETECT_IN_ATTACHMENT :
		    DETECT_IN_BODY;
		st->texts[st->ntexts].name = content_text_name(view, i);
		st->texts[st->ntexts].kind =
		    content_kind_name(content_text_kind(view, i));
		st->ntexts++;
	}
	return 0;
}

int
rules_findings(const struct detect_result **out,
    const struct detect_text **texts, const struct rules_ctx *ctx)
{
	struct rules_state *st = ctx->state;
	const struct content *view;
	struct detect_result *res;

	if (rules_content(&view, ctx) == -1)
		return -1;
	if (st->findings == NULL) {
		if (st->texts == NULL && findings_texts(st, view, ctx) == -1) {
			/* never scan a list cut short by a later call */
			rules_findings_free(st);
			st->texts = NULL;
			st->subjects = NULL;
			st->ntexts = st->nsubjects = 0;
			errno = ENOMEM;
			return -1;
		}
		if (detect_scan(&res, ctx->detect, ctx->students, st->texts,
		        st->ntexts) == -1)
			return -1;
		st->findings = res;
	}
	*out = st->findings;
	if (texts != NULL)
		*texts = st->texts;
	return 0;
}

void
rules_findings_free(struct rules_state *st)
{
	size_t i;

	detect_result_free(st->findings);
	for (i = 0; i < st->nsubjects; i++)
		free(st->subjects[i]);
	free(st->subjects);
	free(st->texts);
}
