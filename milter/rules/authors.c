/*
 * authors.c - who wrote the message, besides the envelope sender: the
 * addresses of its From and Sender fields
 *
 * The envelope sender is what the submitting program says; the author
 * fields are what the recipient's mail program shows as the sender. A
 * message with "MAIL FROM:<>" and "From: Maria Teach <teach@...>" was
 * written by a teacher as far as a student can tell, so rules judge the
 * sender by both. The fields are read once per evaluation, with the
 * mime module's RFC 5322 reader, and each address is put in its
 * canonical form (address.h) for roster lookups and address patterns.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "message.h"
#include "mime.h"
#include "roster.h"
#include "rules_int.h"

/* The fields that name an author (RFC 5322 3.6.2). */
static const char *const author_fields[] = {"From", "Sender"};

/* authors_add - keep one address (the mime reader's callback) */
static int
authors_add(void *arg, const char *addr)
{
	struct authors *au = arg;
	char **v;

	if (au->n >= BOUND_HEADER_ADDRESSES)
		return -1; /* the reader's limit makes this unreachable */
	if ((v = realloc(au->addrs, (au->n + 1) * sizeof(*v))) == NULL)
		return -1;
	au->addrs = v;
	if ((v[au->n] = strdup(addr)) == NULL)
		return -1;
	au->n++;
	return 0;
}

/* authors_read - every author address of msg into au; -1 on ENOMEM */
static int
authors_read(struct authors *au, const struct message *msg)
{
	enum mime_addr_result r;
	const char *v;
	size_t i, iter, used = 0, count;

	for (i = 0; i < sizeof(author_fields) / sizeof(author_fields[0]); i++) {
		iter = 0;
		while ((v = message_header_value(
		            msg, author_fields[i], &iter)) != NULL) {
			count = 0;
			r = mime_address_list_parse(&count, v,
			    BOUND_HEADER_ADDRESSES - used, authors_add, au);
			if (r == MIME_ADDR_ERROR)
				return -1;
			if (r != MIME_ADDR_OK)
				au->unreadable = 1;
			else
				used += count;
		}
	}
	return 0;
}

int
rules_authors(const struct authors **out, const struct rules_ctx *ctx)
{
	struct authors *au;

	if (ctx->envelope_only || ctx->state == NULL) {
		errno = EINVAL; /* not known before the header: our bug */
		return -1;
	}
	if (ctx->state->authors != NULL) {
		*out = ctx->state->authors;
		return 0;
	}
	if ((au = calloc(1, sizeof(*au))) == NULL)
		return -1;
	if (authors_read(au, ctx->msg) == -1) {
		authors_free(au);
		return -1;
	}
	ctx->state->authors = au;
	*out = au;
	return 0;
}

void
authors_free(struct authors *au)
{
	size_t i;

	if (au == NULL)
		return;
	for (i = 0; i < au->n; i++)
		free(au->addrs[i]);
	free(au->addrs);
	free(au);
}
