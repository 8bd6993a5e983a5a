/*
 * aliases.h - the MTA's virtual aliases: district lists and aliases, so
 * that a recipient is judged by the addresses the MTA really delivers to
 *
 * A milter in Postfix's smtpd sees each recipient as the client wrote it,
 * before cleanup(8) expands it through virtual_alias_maps: mail to
 * grade2-reading@district.example reaches the students on that list.
 * The filter reads the same data the MTA does, the text file that
 * postmap(1) builds the table from (virtual(5) source format):
 *
 *	# a comment: a line whose first non-blank character is '#'
 *	grade2-reading@district.example  sam.lee@students.district.example,
 *	        omar.kim@students.district.example
 *	sam@district.example  sam.lee@students.district.example
 *
 * A logical line starts with a non-blank character; a line that starts
 * with blanks continues it. Blank lines and comment lines are skipped,
 * also between a line and its continuation. The key is the first word,
 * the results (separated by commas or blanks; quotes and <...> as in an
 * address list) the rest. Keys and lookups ignore case, as postmap(1)
 * folds them.
 *
 * Only keys that are whole addresses are read. A catch-all "@domain",
 * a bare "user" (which Postfix matches in its local domains) and a key
 * with a routing form (%, !) are reported as warnings and skipped; a key
 * without "@" that has a dot (a virtual alias domain, "domain anything")
 * is skipped silently. Of two entries for one key the first counts, in
 * one file (a warning, as postmap(1) gives) and across files (Postfix
 * searches the tables of virtual_alias_maps in order). A result "@domain"
 * first in its line takes the key's local part, as Postfix does; a
 * result without a domain gets options.origin (Postfix appends
 * $myorigin). A result whose destination cannot be worked out (address.h)
 * is a warning and is kept: the rules see an unresolvable recipient.
 *
 * Errors, which the caller treats as a broken file (nothing of it is
 * used): a continuation line with no entry before it, a key without a
 * result, a "name: value" line (the aliases(5) format), a NUL byte, a
 * logical line longer than BOUND_ALIAS_LINE_BYTES, a file larger than
 * BOUND_ALIAS_FILE_BYTES. Each is reported as "file:line: text".
 *
 * Expansion (aliases_rcpts_add) follows Postfix's cleanup(8): an address
 * that is a key is replaced by its results, recursively; an address that
 * is no key is delivered as it is; a result equal to the key it came
 * from is delivered, not expanded again; a key found only without the
 * address's extension ("+tag", options.delimiters, Postfix's
 * recipient_delimiter) passes the extension on to its results
 * (propagate_unmatched_extensions, whose default includes virtual).
 * Passing BOUND_ALIAS_DEPTH (nesting, and every loop) or
 * BOUND_ALIAS_MEMBERS (addresses read for one message) stops the
 * expansion and is recorded (aliases_rcpts_lost()): the caller must not
 * pass such a message.
 *
 * Threads: a table is built on one thread and only read afterwards, by
 * any number of threads. A recipient set has one owner.
 */
#ifndef GUARDIAN_ALIASES_H
#define GUARDIAN_ALIASES_H

#include <stddef.h>

#include "bounds.h"

struct diag;

struct aliases_options {
	/* the domains the MTA is final destination for, lower case, as
	 * address_canon() takes them; borrowed for the life of the table */
	const char *const *local;
	size_t nlocal;
	const char *delimiters; /* "+" ...; "" or NULL: none */
	const char *origin;     /* for results without a domain, or NULL */
};

struct aliases;

/* aliases_new - an empty table; 0, or -1 on ENOMEM. The options' strings
 * are borrowed for the life of the table. */
int aliases_new(struct aliases **out, const struct aliases_options *o);

/* aliases_free - NULL does nothing */
void aliases_free(struct aliases *al);

/*
 * aliases_parse - add the entries of one file, len bytes at data (need
 * not be NUL-terminated), to al; name is the file's path, for
 * diagnostics and aliases_entry_file()
 *
 * Every problem goes to dg as "name:line: text". Returns 0, or -1 when
 * memory ran out (also reported). Entries of a file with errors are
 * added too: the caller, which sees the errors in dg, must not use al.
 */
int aliases_parse(struct aliases *al, const char *name, const char *data,
    size_t len, struct diag *dg);

/* aliases_count - keys read; aliases_results - their results together */
size_t aliases_count(const struct aliases *al);
size_t aliases_results(const struct aliases *al);

struct aliases_entry;

/* aliases_find - the entry whose key addr is (its canonical form, case
 * ignored; else without its extension), or NULL */
const struct aliases_entry *aliases_find(
    const struct aliases *al, const char *addr);

/* An entry: its key (lower case), where it was read, and its results as
 * they are delivered to (after "@domain" and origin were applied). */
const char *aliases_entry_key(const struct aliases_entry *e);
const char *aliases_entry_file(const struct aliases_entry *e);
unsigned long aliases_entry_line(const struct aliases_entry *e);
size_t aliases_entry_count(const struct aliases_entry *e);
const char *aliases_entry_result(const struct aliases_entry *e, size_t i);

/* --- the recipients of one message, as the MTA delivers them ------------ */

/* What aliases_rcpts_lost() reports. */
#define ALIASES_LOST_DEPTH 0x1   /* nested past BOUND_ALIAS_DEPTH, a loop */
#define ALIASES_LOST_MEMBERS 0x2 /* past BOUND_ALIAS_MEMBERS */

struct aliases_rcpts;

/* aliases_rcpts_new - an empty set; 0, or -1 on ENOMEM */
int aliases_rcpts_new(struct aliases_rcpts **out);

/* aliases_rcpts_free - NULL does nothing */
void aliases_rcpts_free(struct aliases_rcpts *rs);

/*
 * aliases_rcpts_add - add the envelope recipient addr: itself when it is
 * no key of al (al may be NULL), else the addresses it expands to, each
 * once in the set (an address the message names itself is always added,
 * so that a set without lists is the envelope as it came). Returns 0, or
 * -1 on ENOMEM (the set is then incomplete: fail the message).
 */
int aliases_rcpts_add(
    struct aliases_rcpts *rs, const struct aliases *al, const char *addr);

/* aliases_rcpts_count / aliases_rcpts_addr - the addresses, in order;
 * borrowed until aliases_rcpts_free() */
size_t aliases_rcpts_count(const struct aliases_rcpts *rs);
const char *aliases_rcpts_addr(const struct aliases_rcpts *rs, size_t i);

/* aliases_rcpts_origin - for address i, a member of a list or an alias,
 * the key of the list or alias the message named; NULL when the message
 * names it itself. aliases_rcpts_via - the key whose result it is (the
 * list that holds it, when lists nest). Keys are the table's (lower
 * case, canonical), borrowed until the table is freed.
 * aliases_rcpts_listed - 1 when its envelope recipient expanded to more
 * than one address (a list, not an alias of one person) */
const char *aliases_rcpts_origin(const struct aliases_rcpts *rs, size_t i);
const char *aliases_rcpts_via(const struct aliases_rcpts *rs, size_t i);
int aliases_rcpts_listed(const struct aliases_rcpts *rs, size_t i);

/* aliases_rcpts_expanded - envelope recipients that were keys */
size_t aliases_rcpts_expanded(const struct aliases_rcpts *rs);

/* aliases_rcpts_lost - ALIASES_LOST_* bits: 0 when every recipient was
 * expanded in full; aliases_rcpts_lost_at - the key of the first
 * envelope recipient whose expansion passed a bound, or NULL */
unsigned aliases_rcpts_lost(const struct aliases_rcpts *rs);
const char *aliases_rcpts_lost_at(const struct aliases_rcpts *rs);

#endif /* GUARDIAN_ALIASES_H */
