/*
 * mime.c - the message's MIME view over GMime 3
 *
 * Address fields: GMime's internet_address_list_parse() builds the list;
 * its warning callback tells us when it skipped or guessed at part of
 * the field (GMIME_WARN_INVALID_ADDRESS_LIST), which it otherwise does
 * silently, and a NULL list means it gave up (an unclosed comment) or
 * found nothing. The list is walked twice: once to count, so that a
 * field over the limit delivers nothing, then to deliver.
 */
#include "autoconf.h"

#include <pthread.h>
#include <string.h>

#include <gmime/gmime.h>

#include "log.h"
#include "mime.h"

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;
static int mime_ready; /* set once by mime_start, read after pthread_once */

/* Group nesting the walkers follow: one more than the ':' bound allows. */
#define MIME_GROUP_DEPTH (BOUND_HEADER_ADDRESS_COLONS + 1)

/* mime_start - the pthread_once routine */
static void
mime_start(void)
{
	g_mime_init();
	mime_ready = 1;
}

void
mime_init(void)
{
	if (pthread_once(&mime_once, mime_start) != 0)
		log_panic("mime: pthread_once failed");
}

void
mime_shutdown(void)
{
	if (mime_ready) {
		g_mime_shutdown();
		mime_ready = 0;
	}
}

const char *
mime_addr_result_name(enum mime_addr_result r)
{
	switch (r) {
	case MIME_ADDR_OK:
		return "ok";
	case MIME_ADDR_UNPARSABLE:
		return "unparsable";
	case MIME_ADDR_TOO_MANY:
		return "too-many";
	case MIME_ADDR_ERROR:
		return "error";
	}
	return "unknown";
}

/* One parse: what GMime's warning callback reports. */
struct addr_parse {
	int invalid; /* GMime skipped or guessed at part of the field */
};

/* addr_warning - GMime's warning callback: note a damaged address list */
static void
addr_warning(
    gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct addr_parse *p = data;

	(void)offset;
	(void)item;
	/* Other warnings (a bad encoded word or raw 8-bit text in a display
	 * name) change how a name is shown, never which addresses there
	 * are. */
	if (code == GMIME_WARN_INVALID_ADDRESS_LIST)
		p->invalid = 1;
}

/* only_space - 1 if s holds nothing but white space and line breaks */
static int
only_space(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n", *s) == NULL)
			return 0;
	return 1;
}

/* colons - the number of ':' in s, stopping past max */
static size_t
colons(const char *s, size_t max)
{
	size_t n = 0;

	while (n <= max && (s = strchr(s, ':')) != NULL) {
		n++;
		s++;
	}
	return n;
}

/* mailbox_addr - the addr-spec of a mailbox as delivered, or NULL if it
 * has none */
static const char *
mailbox_addr(InternetAddress *ia)
{
	InternetAddressMailbox *mb = INTERNET_ADDRESS_MAILBOX(ia);
	const char *a, *s;

	if ((a = internet_address_mailbox_get_addr(mb)) == NULL || *a == '\0')
		return NULL;
	/* GMime decodes "xn--" labels to UTF-8; the IDN form turns them
	 * back into ASCII. For an ASCII addr-spec it is the same string
	 * (GMime keeps a domain that IDNA changes only in case), so skip
	 * it: it costs a libidn2 call per address, most of the time of a
	 * long field. */
	for (s = a; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return internet_address_mailbox_get_idn_addr(mb);
	return a;
}

/* addr_count - count the addr-specs of list (groups flattened) into *n;
 * -1 if one is empty or groups nest deeper than depth allows */
static int
addr_count(InternetAddressList *list, int depth, size_t *n)
{
	InternetAddress *ia;
	int i, len;

	if (depth <= 0)
		return -1;
	len = internet_address_list_length(list);
	for (i = 0; i < len; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (addr_count(internet_address_group_get_members(
			                   INTERNET_ADDRESS_GROUP(ia)),
			        depth - 1, n) == -1)
				return -1;
		} else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			if (mailbox_addr(ia) == NULL)
				return -1;
			(*n)++;
		} else
			return -1;
	}
	return 0;
}

/* addr_deliver - call fn for each addr-spec of list, counting in *n;
 * -1 as soon as fn fails (addr_count has checked the shape) */
static int
addr_deliver(InternetAddressList *list, size_t *n,
    int (*fn)(void *arg, const char *addr), void *arg)
{
	InternetAddress *ia;
	int i, len;

	len = internet_address_list_length(list);
	for (i = 0; i < len; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (addr_deliver(internet_address_group_get_members(
			                     INTERNET_ADDRESS_GROUP(ia)),
			        n, fn, arg) == -1)
				return -1;
		} else {
			if (fn(arg, mailbox_addr(ia)) != 0)
				return -1;
			(*n)++;
		}
	}
	return 0;
}

enum mime_addr_result
mime_address_list_parse(size_t *count, const char *value, size_t limit,
    int (*fn)(void *arg, const char *addr), void *arg)
{
	GMimeParserOptions *opt;
	InternetAddressList *list;
	struct addr_parse p;
	enum mime_addr_result r;
	size_t n = 0;

	if (count != NULL)
		*count = 0;
	if (only_space(value))
		return MIME_ADDR_OK;
	if (colons(value, BOUND_HEADER_ADDRESS_COLONS) >
	    BOUND_HEADER_ADDRESS_COLONS)
		return MIME_ADDR_UNPARSABLE;

	mime_init();
	memset(&p, 0, sizeof(p));
	opt = g_mime_parser_options_new();
	/* loose is GMime's default; said here because the contract in
	 * mime.h depends on it */
	g_mime_parser_options_set_address_compliance_mode(
	    opt, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_warning_callback(opt, addr_warning, &p);
	list = internet_address_list_parse(opt, value);
	g_mime_parser_options_free(opt);

	if (list == NULL || p.invalid ||
	    addr_count(list, MIME_GROUP_DEPTH, &n) == -1)
		r = MIME_ADDR_UNPARSABLE;
	else if (n > limit)
		r = MIME_ADDR_TOO_MANY;
	else {
		r = MIME_ADDR_OK;
		n = 0;
		if (addr_deliver(list, &n, fn, arg) == -1)
			r = MIME_ADDR_ERROR;
	}
	if (list != NULL)
		g_object_unref(list);
	if (count != NULL && r != MIME_ADDR_UNPARSABLE)
		*count = n;
	return r;
}
