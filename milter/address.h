/*
 * address.h - the one canonical form of a mail address: where the MTA
 * will really deliver it
 *
 * Every address the filter judges (an envelope sender or recipient, a
 * roster e-mail, an address in To or Cc) goes through address_canon()
 * once, so that the roster lookup and every address pattern see the same
 * thing, whatever way the address was spelt. The rules follow RFC 5321
 * and what Postfix's trivial-rewrite(8) does with its default settings:
 *
 *  - one pair of angle brackets and surrounding blanks are dropped;
 *  - a source route (<@relay1,@relay2:user@domain>) is dropped, as RFC
 *    5321 section 4.1.2 and trivial-rewrite do;
 *  - the local part is unquoted: "sam.lee" and "sam\.lee" are sam.lee
 *    (a quoted-string and its dot-string are the same mailbox, RFC 5321
 *    section 4.1.2); a backslash escapes the next character inside and
 *    outside quotes;
 *  - the domain loses one trailing dot and is folded to lower case;
 *    the local part keeps its case (callers that compare without case,
 *    as the roster index does by default, fold it themselves);
 *  - routing forms in the local part, seen after unquoting (Postfix's
 *    resolve_dequoted_address = yes), are resolved when the domain is
 *    local, that is one of the local domains the caller passes (the
 *    district's, subdomains included), "localhost" or an address
 *    literal ("[192.0.2.1]"): a quoted "@" (user@site@local is
 *    user@site), a bang path (site!user@local is user@site,
 *    swap_bangpath = yes, the first "!" splits) and the percent hack
 *    (user%site@local is user@site, allow_percent_hack = yes, the last
 *    "%" splits). One step only.
 *
 * An address is unresolvable (ADDRESS_UNRESOLVABLE) when its destination
 * cannot be worked out safely: a routing form left after that one step
 * (nested: a%b%c@local, a!b!c@local), a routing form under a domain that
 * is not known to be local (the MTA may be final destination for it and
 * route the rest), a local part or domain that is empty, an unbalanced
 * quote, a blank or control character outside quotes, or a domain with
 * quotes, escapes or several trailing dots. Callers treat an
 * unresolvable address as unknown: never as an outside address with no
 * duty attached. An address longer than BOUND_ADDRESS_BYTES is
 * unresolvable too.
 *
 * Recipient delimiter: the canonical form keeps a "+tag". Whether a
 * tagged address is the same person is the caller's question: the roster
 * lookup recognises a person without the tag (the MTA delivers
 * sam.lee+x@ to sam.lee with Postfix's recipient_delimiter = +), while
 * "is this guardian already a recipient?" compares the whole address.
 *
 * Pure functions: no allocation, no global state, safe on any thread.
 */
#ifndef GUARDIAN_ADDRESS_H
#define GUARDIAN_ADDRESS_H

#include <stddef.h>

#include "bounds.h"

enum address_status {
	ADDRESS_OK = 0,       /* text is where the MTA delivers */
	ADDRESS_UNRESOLVABLE, /* the destination is not known: see above */
};

/* The spellings address_canon() found and undid. */
#define ADDRESS_FORM_QUOTED 0x01       /* quotes or backslash escapes */
#define ADDRESS_FORM_TRAILING_DOT 0x02 /* domain ended with a dot */
#define ADDRESS_FORM_ROUTE 0x04        /* a source route, dropped */
#define ADDRESS_FORM_PERCENT 0x08      /* user%site@local */
#define ADDRESS_FORM_BANG 0x10         /* site!user@local */
#define ADDRESS_FORM_AT 0x20           /* "user@site"@local */
#define ADDRESS_FORM_UPPER_DOMAIN 0x40 /* the domain had upper case */

struct address {
	enum address_status status;
	unsigned forms; /* ADDRESS_FORM_* */
	/* With ADDRESS_OK, "local@domain": the local part unquoted with
	 * its case kept, the domain in lower case. With
	 * ADDRESS_UNRESOLVABLE, the best spelling that could be made (the
	 * local part unquoted, no routing applied), "" if none: for
	 * display and patterns only, never for a lookup. */
	char text[BOUND_ADDRESS_BYTES + 1];
	size_t at; /* offset of the '@' before the domain in text */
	/* With ADDRESS_UNRESOLVABLE, why: a static text such as
	 * "nested routing (percent hack)". NULL with ADDRESS_OK. */
	const char *why;
};

/*
 * address_canon - the canonical form of addr (len bytes, need not be
 * NUL-terminated) into *out
 *
 * local[0..nlocal-1] are the domains the MTA is final destination for,
 * in lower case without a trailing dot; each covers its subdomains.
 * Returns out->status. Never fails otherwise.
 */
enum address_status address_canon(struct address *out, const char *addr,
    size_t len, const char *const *local, size_t nlocal);

/* address_domain_in - 1 if domain (lower case) is one of list[0..n-1]
 * (lower case) or below one of them */
int address_domain_in(const char *domain, const char *const *list, size_t n);

/* address_domain - the domain of a canonical address (after its '@');
 * only for ADDRESS_OK */
const char *address_domain(const struct address *a);

/* address_is_plain - 1 if addr (NUL-terminated) is written as the plain
 * local@domain the MTA delivers, with no local domain assumed: no angle
 * brackets, blanks, quotes, escapes, source route, routing form or
 * trailing dot, so that it can be handed to the MTA as it is. For the
 * addresses a configuration names. */
int address_is_plain(const char *addr);

#endif /* GUARDIAN_ADDRESS_H */
