/*
 * mime.h - the message's MIME view, read with GMime 3
 *
 * GMime lives in this module only (this file for address fields,
 * content.c for the MIME view of the body, content.h): no GMime or GLib
 * type appears in either header.
 *
 * Threads: mime_init() runs GMime's g_mime_init() once (pthread_once),
 * which registers GMime's types and builds its charset tables; call it
 * from main() before threads start. The parsers call it too, so a
 * forgotten call only delays the first parse. After it, the parsers are
 * reentrant: each call builds its own GMimeParserOptions (the warning
 * callback and its data live in the options, so options are never
 * shared), GMime's address parser keeps its state on the stack, and its
 * shared charset and iconv caches are behind GMime's own locks.
 *
 * Memory: GMime and GLib abort the process when an allocation fails
 * (g_malloc); that is outside this module's control. Our own allocations
 * are checked.
 */
#ifndef GUARDIAN_MIME_H
#define GUARDIAN_MIME_H

#include <stddef.h>

#include "bounds.h"

/* mime_init - initialise GMime once; safe to call again, from any thread */
void mime_init(void);

/* mime_shutdown - release GMime's tables at exit, after the last parse
 * (valgrind then sees no GMime allocation left); nothing may parse after
 * it. Does nothing if mime_init() never ran. */
void mime_shutdown(void);

/* The outcome of reading one address field. */
enum mime_addr_result {
	MIME_ADDR_ERROR = -1, /* the callback failed (out of memory...) */
	MIME_ADDR_OK = 0,     /* read completely; every address delivered */
	MIME_ADDR_UNPARSABLE, /* not an address list; nothing delivered */
	MIME_ADDR_TOO_MANY    /* more addresses than the limit; none given */
};

/*
 * mime_address_list_parse - the addresses an address field names
 *
 * value is one header field body (To, Cc, Bcc, From, Sender, Reply-To,
 * Resent-*) as the milter receives it: NUL-terminated, unfolded or still
 * folded ("\n" or "\r\n" followed by white space), possibly with raw
 * 8-bit UTF-8 or RFC 2047 encoded words in display names. fn is called
 * once per addr-spec the field names, in order: each mailbox, and each
 * member of each group (groups flattened; an empty group names nothing).
 * addr is NUL-terminated and borrowed for the call only. fn returns 0 to
 * go on or -1 to stop, which makes the result MIME_ADDR_ERROR.
 *
 * An addr-spec is given as written, "local@domain", except that
 * comments and folding white space inside it are dropped ("sam (x) .
 * lee @ d.example" gives "sam.lee@d.example"), a trailing dot of the
 * domain is dropped ("a@d.example." gives "a@d.example"), and an
 * internationalised domain comes back in its ASCII form (IDNA A-labels,
 * "a@bücher.example" gives "a@xn--bcher-kva.example"; GMime itself
 * decodes "xn--" labels, this undoes it). A quoted local part keeps its
 * quotes and backslashes ("\"sam.lee\"@d.example"), percent and bang
 * forms are kept as they are, and a mailbox without a domain ("To: sam")
 * comes back without one: canonicalising is the address module's job.
 * An addr-spec may be as long as the field (an A-label a little longer).
 *
 * What counts as an address is what a mail client shows as a recipient,
 * never what a reader might take for one:
 *   - a display name is not an address, even an unquoted one that looks
 *     like one: "alex.lee@gmail.com <sam.lee@d.example>" names only
 *     sam.lee@d.example (RFC 5322 forbids the unquoted "@"; mail
 *     clients accept it and show the name);
 *   - a comment is not an address: "x@y (hana.kim@example.org)" names
 *     only x@y;
 *   - an RFC 2047 encoded word is never decoded into an address:
 *     "=?utf-8?q?hana.kim=40example.org?= <sam@x>" names only sam@x.
 * The leniency of mail clients (GMime's loose mode) is accepted where
 * what they show is unambiguous: an unquoted display name with "@" or
 * ",", a missing closing ">" or ";", doubled angle brackets, an unclosed
 * quote in a display name, empty list members (",,"). GMime's strict
 * mode is not offered: in GMime 3.2.13 its error paths leak the parsed
 * addr-spec (seen with valgrind), and the fields it refuses that loose
 * mode reads are of the kinds just listed. Anything GMime had to skip or
 * guess at makes the field MIME_ADDR_UNPARSABLE: an unclosed comment,
 * two addresses without a comma between them, text it cannot read as an
 * address ("Hana Kim hana@x", "a@", a route outside "<>" or without its
 * ":"), an addr-spec that is not valid UTF-8, a field of only a comment,
 * and a field with more than BOUND_HEADER_ADDRESS_COLONS ':' characters
 * (nested groups recurse in GMime). A field of only white space names no
 * address and is MIME_ADDR_OK.
 *
 * The whole field is read before fn is first called, so nothing is
 * delivered unless the result is MIME_ADDR_OK (or MIME_ADDR_ERROR from
 * fn). More than limit addresses is MIME_ADDR_TOO_MANY, never a
 * truncated list: pass BOUND_HEADER_ADDRESSES less what the message's
 * earlier address fields used. *count (may be NULL) receives the number
 * of addresses the field names on MIME_ADDR_OK and MIME_ADDR_TOO_MANY,
 * the number delivered on MIME_ADDR_ERROR, and 0 on MIME_ADDR_UNPARSABLE.
 *
 * Work and memory are linear in the length of value (GMime builds the
 * whole list first: keep fields within BOUND_HEADER_BYTES). Reentrant;
 * see the top of this file.
 */
enum mime_addr_result mime_address_list_parse(size_t *count, const char *value,
    size_t limit, int (*fn)(void *arg, const char *addr), void *arg);

/* mime_addr_result_name - "ok", "unparsable", "too-many" or "error", for
 * log lines and tests */
const char *mime_addr_result_name(enum mime_addr_result r);

#endif /* GUARDIAN_MIME_H */
