/*
 * directory.c - the roster side of the rules: who the sender and the
 * recipients are (<sender role>, <recipient role level direct
 * guardian-of-recipient guardians>, <recipients role level>), and the
 * add-guardians action that copies parents and guardians as the
 * district guidelines require.
 *
 * The recipients are those the MTA delivers to (rules_rcpt()): a list
 * among the envelope recipients stands for its members, whose guardians
 * are added, always as blind copies.
 *
 * Everything here reads the immutable roster through roster.h; lookups
 * are hash lookups, so a message costs a few per recipient whatever the
 * size of the district or of its lists.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "diag.h"
#include "message.h"
#include "mime.h"
#include "roster.h"
#include "rules_int.h"
#include "strset.h"
#include "verdict.h"
#include "xnode.h"

#define SECONDS_PER_DAY 86400

/* Indexed by ROLE_* bit: bit 1 << i is role_names[i]. */
static const char *const role_names[] = {"staff", "student", "guardian",
    "district", "personal", "external", "unresolvable", NULL};
/* Indexed by enum roster_level: bit 1 << level. A student whose grade
 * the roster does not know is at level "none". */
static const char *const level_names[] = {
    "none", "elementary", "middle", "high", NULL};
#define ALL_LEVELS 0xfu
/* Indexed by GUARDIANS_* bit, as role_names. */
static const char *const guardian_names[] = {
    "reachable", "opted-out", "missing", NULL};

/* parse_words - the bits of the space-separated words of list among
 * names (bit i for names[i]); reports each unknown word */
static unsigned
parse_words(const char *list, const char *const *names, const char *attr,
    const struct xnode *n, struct diag *dg)
{
	char word[64], exp[256];
	const char *p = list, *start;
	unsigned bits = 0;
	size_t i, len;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (start = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			continue;
		len = (size_t)(p - start);
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, start, len);
		word[len] = '\0';
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(word, names[i]) == 0)
				break;
		if (names[i] != NULL) {
			bits |= 1u << i;
			continue;
		}
		(void)rules_kind_list(exp, sizeof(exp), NULL, names);
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "unknown %s \"%s\" on <%s> (expected: %s)", attr, word,
		    xnode_name(n), exp);
	}
	if (strspn(list, " \t") == strlen(list))
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "empty %s on <%s>", attr, xnode_name(n));
	return bits;
}

int
dir_compile_filter(struct addr_filter *f, const struct xnode *n, int recipient,
    struct diag *dg)
{
	const char *role = xnode_attr(n, "role");
	const char *level = xnode_attr(n, "level");
	const char *direct = xnode_attr(n, "direct");
	const char *gof = xnode_attr(n, "guardian-of-recipient");
	const char *guardians = xnode_attr(n, "guardians");

	memset(f, 0, sizeof(*f));
	if (role != NULL)
		f->roles = parse_words(role, role_names, "role", n, dg);
	if (level != NULL)
		f->levels = parse_words(level, level_names, "level", n, dg);
	if (direct != NULL && recipient) {
		if (strcmp(direct, "allowed") == 0)
			f->direct = DIRECT_ALLOWED;
		else if (strcmp(direct, "not-allowed") == 0)
			f->direct = DIRECT_NOT_ALLOWED;
		else
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid value \"%s\" for direct on <%s> "
			    "(expected: allowed, not-allowed)",
			    direct, xnode_name(n));
	}
	if (gof != NULL && recipient) {
		if (strcmp(gof, "yes") == 0)
			f->guardian_of_rcpt = 1;
		else if (strcmp(gof, "no") != 0)
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid value \"%s\" for guardian-of-recipient on "
			    "<%s> (expected: yes, no)",
			    gof, xnode_name(n));
	}
	if (guardians != NULL && recipient)
		f->guardians =
		    parse_words(guardians, guardian_names, "guardians", n, dg);
	return 0;
}

int
dir_filter_used(const struct addr_filter *f)
{
	return f->roles != 0 || f->levels != 0 || f->direct != DIRECT_ANY ||
	    f->guardian_of_rcpt || f->guardians != 0;
}

/* roles_of - ROLE_* bits of what roster_classify() found */
static unsigned
roles_of(const struct roster_match *m)
{
	unsigned roles = 0;

	if (m->roles & ROSTER_STAFF)
		roles |= ROLE_STAFF;
	if (m->roles & ROSTER_STUDENT)
		roles |= ROLE_STUDENT;
	if (m->roles & ROSTER_GUARDIAN)
		roles |= ROLE_GUARDIAN;
	if (roles != 0)
		return roles;
	switch (m->cls) {
	case ROSTER_CLASS_DISTRICT:
		return ROLE_DISTRICT;
	case ROSTER_CLASS_PERSONAL:
		return ROLE_PERSONAL;
	default:
		return ROLE_EXTERNAL;
	}
}

/* person_with - the first person at addr with a roster role bit */
static const struct roster_person *
person_with(const struct roster *r, const char *addr, unsigned role)
{
	const struct roster_person *p;

	for (p = roster_find_email(r, addr); p != NULL;
	     p = roster_next_same(r, p))
		if (roster_person_roles(p) & role)
			return p;
	return NULL;
}

/* role_rank - how strong the strongest role of roles is: when the
 * sender's addresses disagree, the strongest says who wrote (a staff
 * author makes staff duties, whatever the envelope says) */
static int
role_rank(unsigned roles)
{
	static const unsigned order[] = {ROLE_STAFF, ROLE_STUDENT,
	    ROLE_GUARDIAN, ROLE_DISTRICT, ROLE_UNRESOLVABLE, ROLE_PERSONAL,
	    ROLE_EXTERNAL};
	size_t i, n = sizeof(order) / sizeof(order[0]);

	for (i = 0; i < n; i++)
		if (roles & order[i])
			return (int)(n - i);
	return 0;
}

/* address_roles - the roles of one sender address; ROLE_EXTERNAL for
 * the null sender, ROLE_UNRESOLVABLE for an address whose canonical
 * form cannot be worked out (nobody the directory can vouch for) */
static unsigned
address_roles(const struct rules_ctx *ctx, const char *addr)
{
	struct roster_match m;

	if (*addr == '\0')
		return ROLE_EXTERNAL;
	if (roster_classify(&m, ctx->roster, addr) == -1)
		return ROLE_UNRESOLVABLE;
	return roles_of(&m);
}

/* login_person - the person a SASL login names: by username, e-mail or
 * identifier, and a login "user@district-domain" also by the username
 * "user"; NULL if none */
static const struct roster_person *
login_person(const struct rules_ctx *ctx, const char *login)
{
	const struct roster_person *p;
	struct roster_match m;
	const char *at = strrchr(login, '@');
	char user[BOUND_MACRO_BYTES];

	if ((p = roster_find_login(ctx->roster, login)) != NULL)
		return p;
	if (at == NULL || at == login || (size_t)(at - login) >= sizeof(user) ||
	    roster_classify(&m, ctx->roster, login) == -1 ||
	    !(m.flags & ROSTER_MATCH_DISTRICT_DOMAIN))
		return NULL;
	memcpy(user, login, (size_t)(at - login));
	user[at - login] = '\0';
	return roster_find_login(ctx->roster, user);
}

/*
 * sender_of - who the sender is: their roles into *roles and, for a
 * staff member who signed in, their record into *staff (the notice to
 * parents that allows direct mail is theirs). Returns 0, COND_UNKNOWN
 * when at the envelope the answer may still change, or -1 (ENOMEM).
 *
 * A sender who signed in is the person their login names, whatever the
 * envelope or the header say, which anyone can write; a login the
 * directory does not know is staff with no notice on file, or someone
 * external (<unknown-login>). Otherwise the sender is the strongest of
 * the envelope sender and the authors (From, Sender): a teacher who
 * writes "MAIL FROM:<>" with "From: teach@district.example" is staff.
 * A From or Sender field that cannot be read might name staff, and so
 * counts as staff. Without a login there is no staff record: direct
 * mail to a high-school student needs a signed-in sender.
 */
static int
sender_of(unsigned *roles, const struct rules_ctx *ctx,
    const struct roster_person **staff)
{
	const char *login = message_macro(ctx->msg, "{auth_authen}");
	const struct roster_person *p;
	const struct authors *au;
	struct roster_match m;
	unsigned r;
	size_t i;

	*staff = NULL;
	if (login != NULL && *login != '\0') {
		m.roles = 0;
		m.cls = ROSTER_CLASS_EXTERNAL;
		if ((p = login_person(ctx, login)) != NULL)
			m.roles = roster_person_roles(p) &
			    (ROSTER_STAFF | ROSTER_STUDENT | ROSTER_GUARDIAN);
		if (m.roles == 0)
			*roles = ctx->unknown_login_external ? ROLE_EXTERNAL :
			                                       ROLE_STAFF;
		else
			*roles = roles_of(&m);
		if (m.roles & ROSTER_STAFF)
			*staff = p;
		return 0;
	}
	*roles = address_roles(ctx, message_sender(ctx->msg));
	if (role_rank(*roles) == role_rank(ROLE_STAFF))
		return 0; /* nothing is stronger */
	if (ctx->envelope_only)
		return COND_UNKNOWN; /* the authors are not known yet */
	if (rules_authors(&au, ctx) == -1)
		return -1;
	if (au->unreadable)
		*roles = ROLE_STAFF;
	for (i = 0; i < au->n; i++) {
		r = address_roles(ctx, au->addrs[i]);
		if (role_rank(r) > role_rank(*roles))
			*roles = r;
	}
	return 0;
}

int
dir_sender_match(const struct addr_filter *f, const struct rules_ctx *ctx)
{
	const struct roster_person *staff;
	unsigned roles;
	int r;

	if (ctx->roster == NULL)
		return -1; /* rules_compile() refuses this: our bug */
	if ((r = sender_of(&roles, ctx, &staff)) != 0)
		return r;
	if (roles == ROLE_UNRESOLVABLE && !(f->roles & ROLE_UNRESOLVABLE))
		return ctx->envelope_only ? COND_UNKNOWN : 0;
	return (roles & f->roles) != 0;
}

/*
 * direct_allowed - may this sender write to this student without copying
 * the guardians? Only at the high-school level, only from a staff member
 * whose notice to parents (their own, their school's or a shared class
 * section's) is older than the opt-out window, and only if neither the
 * student nor a guardian opted out of direct communication.
 */
static int
direct_allowed(const struct rules_ctx *ctx, const struct roster_person *staff,
    const struct roster_person *student)
{
	struct roster_advice adv;
	time_t window = (time_t)ctx->opt_out_window * SECONDS_PER_DAY;

	if (staff == NULL ||
	    roster_person_level(student) != ROSTER_LEVEL_HIGH ||
	    roster_no_direct(ctx->roster, student))
		return 0;
	if (roster_advised(&adv, ctx->roster, staff, student) == -1)
		return 0;
	return adv.date + window <= ctx->now;
}

/* key_of - the canonical form of addr into key; 0, or -1 when it is
 * unresolvable or does not fit */
static int
key_of(char *key, size_t size, const struct roster *r, const char *addr)
{
	struct address a;

	if (roster_address(&a, r, addr) != ADDRESS_OK ||
	    strlcpy(key, a.text, size) >= size)
		return -1;
	return 0;
}

/*
 * guardians_of - GUARDIANS_* for student: can add-guardians copy anyone
 * for them, and if not, why not. A guardian can be copied when the
 * directory links them to the student (it links only enabled guardians
 * whose address is not a staff or student account), they did not opt
 * out of copies (optOutCopy), and their address resolves: the test
 * add_family() applies. Opting out is the family's documented choice
 * (OPTED_OUT, when every linked guardian did); no linked guardian, or
 * one who did not opt out but has no usable address, is a gap in the
 * directory (MISSING), even beside a guardian who opted out: nobody
 * chose that this guardian goes without the copy.
 */
static unsigned
guardians_of(const struct rules_ctx *ctx, const struct roster_person *student)
{
	const struct roster_person *g;
	char key[BOUND_ADDRESS_BYTES + 1];
	size_t i, n = roster_person_nlinks(student);
	int missing = n == 0;

	for (i = 0; i < n; i++) {
		g = roster_person_link(ctx->roster, student, i);
		if (roster_person_flags(g) & ROSTER_NO_COPY)
			continue;
		if (roster_person_email(g)[0] != '\0' &&
		    key_of(key, sizeof(key), ctx->roster,
		        roster_person_email(g)) == 0)
			return GUARDIANS_REACHABLE;
		missing = 1;
	}
	return missing ? GUARDIANS_MISSING : GUARDIANS_OPTED_OUT;
}

/* The guardians of the students among the recipients, by sourcedId:
 * found once per evaluation, so that guardian-of-recipient costs a
 * lookup per recipient, not a pass over every other one (a list brings
 * thousands). */
struct dir_families {
	struct strset guardians;
};

void
dir_families_free(struct dir_families *fam)
{
	if (fam == NULL)
		return;
	strset_free(&fam->guardians);
	free(fam);
}

/* families_new - the guardians of every student recipient; NULL on
 * ENOMEM */
static struct dir_families *
families_new(const struct rules_ctx *ctx)
{
	struct dir_families *fam;
	const struct roster_person *s, *g;
	size_t i, j, n = rules_rcpt_count(ctx);

	if ((fam = calloc(1, sizeof(*fam))) == NULL)
		return NULL;
	strset_init(&fam->guardians);
	for (i = 0; i < n; i++) {
		s = person_with(
		    ctx->roster, rules_rcpt(ctx, i), ROSTER_STUDENT);
		for (j = 0; s != NULL && j < roster_person_nlinks(s); j++) {
			g = roster_person_link(ctx->roster, s, j);
			if (strset_add(&fam->guardians, roster_person_id(g),
			        0) == -1) {
				dir_families_free(fam);
				return NULL;
			}
		}
	}
	return fam;
}

/* guardian_of_a_recipient - 1 if addr belongs to a guardian of some
 * student among the recipients, 0 if not, -1 on ENOMEM. The families
 * are found once per evaluation and kept in its state; an evaluation
 * without one is an internal error (EINVAL), not a search per recipient,
 * which grows with the square of the recipients. */
static int
guardian_of_a_recipient(const struct rules_ctx *ctx, const char *addr)
{
	const struct roster_person *g;
	int found = 0;

	if (ctx->state == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (g = roster_find_email(ctx->roster, addr); g != NULL && !found;
	     g = roster_next_same(ctx->roster, g)) {
		if (!(roster_person_roles(g) & ROSTER_GUARDIAN))
			continue;
		if (ctx->state->families == NULL &&
		    (ctx->state->families = families_new(ctx)) == NULL)
			return -1;
		found = strset_get(&ctx->state->families->guardians,
		    roster_person_id(g), NULL);
	}
	return found;
}

/* push - append p to the n persons at *v; 0, or -1 on ENOMEM */
static int
push(const struct roster_person ***v, size_t *n, const struct roster_person *p)
{
	const struct roster_person **nv;

	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -1;
	nv[(*n)++] = p;
	*v = nv;
	return 0;
}

int
dir_entitlement(const struct rules_ctx *ctx, const char *addr,
    const struct roster_person ***out, size_t *n)
{
	const struct roster_person *p, *s;
	struct roster_match m;
	unsigned roles;
	size_t i;

	*out = NULL;
	*n = 0;
	if (ctx->roster == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (roster_classify(&m, ctx->roster, addr) == -1)
		return 0; /* not known where it goes: nobody's data */
	roles = roles_of(&m);
	if ((roles & ROLE_STAFF) || roles == ROLE_DISTRICT)
		return 1;
	for (p = roster_find_email(ctx->roster, addr); p != NULL;
	     p = roster_next_same(ctx->roster, p)) {
		if ((roster_person_roles(p) & ROSTER_STUDENT) &&
		    push(out, n, p) == -1)
			goto nomem;
		if (!(roster_person_roles(p) & ROSTER_GUARDIAN))
			continue;
		for (i = 0; i < roster_person_nlinks(p); i++) {
			s = roster_person_link(ctx->roster, p, i);
			if (s != NULL &&
			    (roster_person_roles(s) & ROSTER_STUDENT) &&
			    roster_is_guardian_of(ctx->roster, p, s) &&
			    push(out, n, s) == -1)
				goto nomem;
		}
	}
	return 0;
nomem:
	free(*out);
	*out = NULL;
	*n = 0;
	errno = ENOMEM;
	return -1;
}

int
dir_rcpt_match(
    const struct addr_filter *f, const struct rules_ctx *ctx, const char *addr)
{
	const struct roster_person *student, *staff;
	struct roster_match m;
	unsigned roles, sroles;
	int allowed, gof;

	if (ctx->roster == NULL)
		return -1;
	if (roster_classify(&m, ctx->roster, addr) == -1) {
		/* The MTA's destination is unknown: the recipient is no
		 * role the directory knows, only role="unresolvable". At
		 * the envelope anything else is undecided, so the message
		 * is not accepted early; at the end it does not hold, and
		 * the policy refuses the address by its role. */
		if ((f->roles & ROLE_UNRESOLVABLE) && f->levels == 0 &&
		    f->direct == DIRECT_ANY && !f->guardian_of_rcpt &&
		    f->guardians == 0)
			return 1;
		return ctx->envelope_only ? COND_UNKNOWN : 0;
	}
	roles = roles_of(&m);
	if (f->roles != 0 && !(roles & f->roles))
		return 0;
	if (f->levels != 0 || f->direct != DIRECT_ANY || f->guardians != 0) {
		if ((student = person_with(
		         ctx->roster, addr, ROSTER_STUDENT)) == NULL)
			return 0;
		if (f->levels != 0 &&
		    !(f->levels & (1u << roster_person_level(student))))
			return 0;
		if (f->guardians != 0 &&
		    !(f->guardians & guardians_of(ctx, student)))
			return 0;
		if (f->direct != DIRECT_ANY) {
			/* only a signed-in staff member has a record, and a
			 * login is known at the envelope: *staff is final */
			if (sender_of(&sroles, ctx, &staff) == -1)
				return -1;
			allowed = direct_allowed(ctx, staff, student);
			if (allowed != (f->direct == DIRECT_ALLOWED))
				return 0;
		}
	}
	if (f->guardian_of_rcpt &&
	    (gof = guardian_of_a_recipient(ctx, addr)) != 1)
		return gof;
	return 1;
}

/*
 * add-guardians
 */

int
dir_compile_add_guardians(struct act *a, const struct xnode *n, struct diag *dg)
{
	const char *level = xnode_attr(n, "level");
	const char *as = xnode_attr(n, "as");
	const char *direct = xnode_attr(n, "direct");
	const char *max = xnode_attr(n, "cc-max-families");
	char *end;
	unsigned long v;

	a->levels = level != NULL ?
	    parse_words(level, level_names, "level", n, dg) :
	    ALL_LEVELS;
	a->view = GUARDIAN_VIEW_AUTO;
	if (as != NULL && strcmp(as, "cc") == 0)
		a->view = GUARDIAN_VIEW_CC;
	else if (as != NULL && strcmp(as, "bcc") == 0)
		a->view = GUARDIAN_VIEW_BCC;
	else if (as != NULL && strcmp(as, "auto") != 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid value \"%s\" for as on <add-guardians> "
		    "(expected: auto, cc, bcc)",
		    as);
	a->after_notice = 1;
	if (direct != NULL && strcmp(direct, "never") == 0)
		a->after_notice = 0;
	else if (direct != NULL && strcmp(direct, "after-notice") != 0)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid value \"%s\" for direct on <add-guardians> "
		    "(expected: after-notice, never)",
		    direct);
	a->cc_max_families = 1;
	if (max != NULL) {
		v = strtoul(max, &end, 10);
		if (max[0] < '0' || max[0] > '9' || *end != '\0' || v > 1000)
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid value \"%s\" for cc-max-families on "
			    "<add-guardians> (expected 0 to 1000)",
			    max);
		else
			a->cc_max_families = (unsigned)v;
	}
	return 0;
}

/*
 * The addresses a message already reaches, and those added so far, in
 * canonical form (address.h): the domain in lower case, the local part
 * exactly as written, +tag and all. A guardian counts as already
 * reached only by their own address: hana.kim+none@ or another spelling
 * of the local part is another mailbox as far as the filter can tell.
 *
 * A hash set (strset.h), so a lookup costs one short probe run whatever
 * the number of addresses (a list scanned per address made 134,000 To
 * addresses cost 25 s of CPU; a mailing list brings thousands of
 * recipients). The keys come from mail and the hash is not keyed: n
 * keys crafted to share one probe run cost n * n / 2 comparisons of
 * 32-bit hashes (strings are compared only when the hashes are equal),
 * and BOUND_HEADER_ADDRESSES keeps that cheap for To and Cc.
 */
struct seen {
	struct strset keys;
};

/* seen_has - 1 if key is in s */
static int
seen_has(const struct seen *s, const char *key)
{
	return strset_get(&s->keys, key, NULL);
}

/* seen_insert - put key (canonical) in s; 0, or -1 on ENOMEM */
static int
seen_insert(struct seen *s, const char *key)
{
	return strset_add(&s->keys, key, 0) == -1 ? -1 : 0;
}

/* seen_add - remember addr (canonical); 0, or -1 on ENOMEM. An address
 * that is unresolvable is skipped: it reaches nobody known. */
static int
seen_add(struct seen *s, const struct roster *r, const char *addr)
{
	char key[BOUND_ADDRESS_BYTES + 1];

	if (key_of(key, sizeof(key), r, addr) == -1)
		return 0;
	return seen_insert(s, key);
}

/* seen_count - addresses in s */
static size_t
seen_count(const struct seen *s)
{
	return strset_count(&s->keys);
}

/* seen_free - release the keys and the table; s is empty after */
static void
seen_free(struct seen *s)
{
	strset_free(&s->keys);
}

/*
 * What the add-guardians actions of one evaluation gathered. Several
 * rules may add guardians to one message (an elementary and a
 * high-school student): the recipients are de-duplicated across all of
 * them, and how the guardians are shown (Cc, or blind copies) is decided
 * once, at the end, by dir_finish(), over every family added.
 */
struct dir_state {
	struct seen env;   /* envelope recipients */
	struct seen hdr;   /* shown in To and Cc (header_addresses()) */
	struct seen added; /* guardians added so far */
	struct seen show;  /* those of them to show in Cc */
	struct buf cc;     /* the same, as a list for the Cc field */
	int cc_append;     /* the first Cc field may be appended to */
	size_t families;   /* students whose guardians were added */
	int force_bcc;     /* an action said as="bcc" */
	int listed;        /* guardians of a list's member were added */
	int cc_full;       /* cc would pass BOUND_HEADER_BYTES */
	int any_auto;      /* an action said as="auto" */
	unsigned cc_max;   /* the smallest cc-max-families of those */
	struct roster_guardian *g;
	size_t gmax;
};

void
dir_state_free(struct dir_state *st)
{
	if (st == NULL)
		return;
	free(st->g);
	buf_free(&st->cc);
	seen_free(&st->env);
	seen_free(&st->hdr);
	seen_free(&st->added);
	seen_free(&st->show);
	free(st);
}

/* The message module's bounds that cut or drop header fields. */
#define HEADER_LIMITS                                             \
	(MESSAGE_LIMIT_HEADER_SIZE | MESSAGE_LIMIT_HEADER_COUNT | \
	    MESSAGE_LIMIT_HEADERS_TOTAL)

/* A set of addresses and the roster that canonicalises them: the
 * argument of the mime reader's callbacks. */
struct addr_sink {
	struct seen *s;
	const struct seen *only; /* NULL, or keep only the keys in it */
	const struct roster *r;
};

/* sink_add - remember one address a field shows (the mime reader's
 * callback); 0, or -1 on ENOMEM */
static int
sink_add(void *arg, const char *addr)
{
	const struct addr_sink *k = arg;
	char key[BOUND_ADDRESS_BYTES + 1];

	if (key_of(key, sizeof(key), k->r, addr) == -1 ||
	    (k->only != NULL && !seen_has(k->only, key)))
		return 0;
	return seen_insert(k->s, key);
}

/*
 * header_addresses - who the To and Cc fields show, into st->hdr, read
 * with the mime module's RFC 5322 reader: what a mail program shows as
 * a recipient, never an address that is only in a display name or a
 * comment ("alex.lee@gmail.com <sam.lee@...>" shows only sam.lee).
 *
 * Whatever cannot be read counts as showing nobody, so a guardian it
 * might name is shown again: a field that is not an address list
 * ("Cc: (unclosed comment ..."), the fields past BOUND_HEADER_ADDRESSES
 * addresses in To and Cc together (they are not read: reading them is
 * what costs), and every field when the message module cut or dropped
 * header fields at its bounds (a cut field can end in another address,
 * and the first Cc kept may not be the message's first Cc).
 *
 * st->cc_append is set when the guardians may be added to the first Cc
 * field (or a Cc field made, if there is none): only when that field
 * was read completely and every header field was kept. Returns 0, or
 * -1 on ENOMEM.
 */
static int
header_addresses(struct dir_state *st, const struct rules_ctx *ctx)
{
	/* Cc first: whether it can take the guardians is known even
	 * when To passes the bound */
	static const char *const fields[] = {"Cc", "To"};
	struct addr_sink k = {&st->hdr, NULL, ctx->roster};
	enum mime_addr_result res;
	const char *v;
	size_t i, iter, used = 0, count;
	int first;

	st->cc_append = 0;
	if (message_limits(ctx->msg) & HEADER_LIMITS)
		return 0;
	st->cc_append = 1;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		iter = 0;
		first = 1;
		while ((v = message_header_value(ctx->msg, fields[i], &iter)) !=
		    NULL) {
			res = mime_address_list_parse(&count, v,
			    BOUND_HEADER_ADDRESSES - used, sink_add, &k);
			if (res == MIME_ADDR_ERROR)
				return -1;
			if (res != MIME_ADDR_OK && i == 0 && first)
				st->cc_append = 0;
			if (res == MIME_ADDR_TOO_MANY)
				return 0;
			if (res == MIME_ADDR_OK)
				used += count;
			first = 0;
		}
	}
	return 0;
}

/* dir_state_new - the state for a message: who it already reaches */
static struct dir_state *
dir_state_new(const struct rules_ctx *ctx)
{
	struct dir_state *st;
	size_t i, n = rules_rcpt_count(ctx);

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	buf_init(&st->cc, BOUND_HEADER_BYTES);
	st->cc_max = ~0u;
	st->gmax = 8;
	if ((st->g = calloc(st->gmax, sizeof(*st->g))) == NULL)
		goto fail;
	/* a guardian on a list the message goes to is reached already */
	for (i = 0; i < n; i++)
		if (seen_add(&st->env, ctx->roster, rules_rcpt(ctx, i)) == -1)
			goto fail;
	if (header_addresses(st, ctx) == -1)
		goto fail;
	return st;
fail:
	dir_state_free(st);
	return NULL;
}

/* add_family - the guardians of one student, recipient i_rcpt; -1 on
 * failure. Who can be copied is what guardians_of() tells conditions:
 * keep the two alike. */
static int
add_family(struct dir_state *st, const struct rule *r, struct verdict *v,
    const struct rules_ctx *ctx, const struct roster_person *student,
    size_t i_rcpt)
{
	const char *list = rules_rcpt_origin(ctx, i_rcpt);
	int listed = rules_rcpt_listed(ctx, i_rcpt);
	char key[BOUND_ADDRESS_BYTES + 1], why[512];
	size_t i, n;
	int added = 0, rc;

	n = roster_guardians(st->g, st->gmax, ctx->roster, student);
	if (n > st->gmax) {
		free(st->g);
		if ((st->g = calloc(n, sizeof(*st->g))) == NULL)
			return -1;
		st->gmax = n;
		n = roster_guardians(st->g, st->gmax, ctx->roster, student);
	}
	for (i = 0; i < n; i++) {
		const struct roster_guardian *g = &st->g[i];

		if (g->no_copy || g->email[0] == '\0' ||
		    key_of(key, sizeof(key), ctx->roster, g->email) == -1 ||
		    seen_has(&st->env, key) || seen_has(&st->added, key))
			continue;
		(void)snprintf(why, sizeof(why),
		    "guardian of student %s (%s)%s%s under rule %s",
		    roster_person_id(student),
		    roster_level_name(roster_person_level(student)),
		    list == NULL ? "" :
		        listed   ? " on the list " :
		                   " by the alias ",
		    list == NULL ? "" : list, r->id);
		if (verdict_add_rcpt(v, g->email, why) == -1 ||
		    seen_insert(&st->added, key) == -1)
			return -1;
		added = 1;
		/* Already shown in To or Cc: only the envelope lacked it,
		 * and a list's families are never shown */
		if (seen_has(&st->hdr, key) || listed || st->cc_full)
			continue;
		if ((rc = st->cc.len > 0 ? buf_puts(&st->cc, ", ") : BUF_OK) ==
		    BUF_OK)
			rc = buf_puts(&st->cc, g->email);
		if (rc == BUF_OK && seen_insert(&st->show, key) == -1)
			return -1;
		/* a Cc field too long to add: the families go blind */
		if (rc == BUF_TOOBIG)
			st->cc_full = 1;
		else if (rc != BUF_OK)
			return -1;
	}
	st->families += added;
	if (added && listed)
		st->listed = 1;
	return 0;
}

/* blank - 1 if s is only white space */
static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* left_open - 1 if s ends inside a quoted string, a comment or an angle
 * address, which could take in what is appended to it */
static int
left_open(const char *s)
{
	size_t depth = 0;
	int quote = 0, angle = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && (quote || depth > 0)) {
			if (*++s == '\0')
				break;
		} else if (quote) {
			if (*s == '"')
				quote = 0;
		} else if (*s == '(') {
			depth++;
		} else if (depth > 0) {
			if (*s == ')')
				depth--;
		} else if (*s == '"') {
			quote = 1;
		} else if (*s == '<' || *s == '>') {
			angle = *s == '<';
		}
	}
	return quote || depth > 0 || angle;
}

/*
 * cc_joined - the first Cc field with the guardians appended, into out:
 * 1 when that is how they are shown, 0 (out empty) when they need a Cc
 * field of their own, -1 on ENOMEM. A field the reader accepts can still
 * end with something open (GMime reads a display name with an unclosed
 * quote, "\"Office <office@...>") that another reader lets swallow what
 * follows: such a field is left alone. The joined field is read back,
 * and every guardian must come back as an address.
 */
static int
cc_joined(struct buf *out, struct dir_state *st, const struct rules_ctx *ctx)
{
	struct seen got;
	struct addr_sink k = {&got, &st->show, ctx->roster};
	enum mime_addr_result res;
	const char *old;
	size_t iter = 0;
	int r;

	if (!st->cc_append)
		return 0;
	old = message_header_value(ctx->msg, "Cc", &iter);
	if (old == NULL || blank(old))
		return buf_puts(out, buf_str(&st->cc)) == BUF_OK ? 1 : -1;
	if (left_open(old))
		return 0;
	if ((r = buf_puts(out, old)) == BUF_OK &&
	    (r = buf_puts(out, ", ")) == BUF_OK)
		r = buf_puts(out, buf_str(&st->cc));
	if (r != BUF_OK) {
		buf_reset(out);
		return r == BUF_TOOBIG ? 0 : -1;
	}
	strset_init(&got.keys);
	res =
	    mime_address_list_parse(NULL, buf_str(out), SIZE_MAX, sink_add, &k);
	r = res == MIME_ADDR_OK && seen_count(&got) == seen_count(&st->show);
	seen_free(&got);
	if (res == MIME_ADDR_ERROR)
		return -1;
	if (!r)
		buf_reset(out);
	return r;
}

int
dir_finish(struct verdict *v, const struct rules_ctx *ctx)
{
	struct dir_state *st = ctx->state->dir;
	struct buf value;
	size_t added;
	int bcc, joined, rc = -1;

	if (st == NULL || (added = seen_count(&st->added)) == 0)
		return 0;
	/* Privacy wins: blind copies when any action asks for them, when
	 * more families were added than an "auto" action shows, and when
	 * guardians of a list's members were added: the list does not
	 * show its members in the header, and the Cc must not show their
	 * families to each other. A Cc longer than a header field may be
	 * is not written either. */
	bcc = st->force_bcc || st->listed || st->cc_full ||
	    (st->any_auto && st->families > st->cc_max);
	buf_init(&value, BOUND_HEADER_BYTES);
	if (bcc) {
		if (buf_printf(&value,
		        "%zu parent/guardian address%s of %zu student%s "
		        "added as blind copies under district policy",
		        added, added == 1 ? "" : "es", st->families,
		        st->families == 1 ? "" : "s") == BUF_OK &&
		    verdict_add_header(
		        v, "X-Guardian-Copied", buf_str(&value)) == 0)
			rc = 0;
	} else if (st->cc.len == 0) {
		rc = 0;
	} else if ((joined = cc_joined(&value, st, ctx)) == 1) {
		if (verdict_set_header(v, "Cc", buf_str(&value)) == 0)
			rc = 0;
	} else if (joined == 0) {
		/* never inside a field that cannot be read, or read back */
		if (verdict_add_header(v, "Cc", buf_str(&st->cc)) == 0)
			rc = 0;
	}
	buf_free(&value);
	return rc;
}

int
dir_apply_add_guardians(const struct act *a, const struct rule *r,
    struct verdict *v, const struct rules_ctx *ctx)
{
	const struct roster_person *student, *staff;
	struct dir_state *st;
	size_t i, n = rules_rcpt_count(ctx);
	unsigned roles;

	if (ctx->roster == NULL || ctx->state == NULL)
		return -1;
	if ((st = ctx->state->dir) == NULL &&
	    (st = ctx->state->dir = dir_state_new(ctx)) == NULL)
		return -1;
	if (a->view == GUARDIAN_VIEW_BCC) {
		st->force_bcc = 1;
	} else if (a->view == GUARDIAN_VIEW_AUTO) {
		st->any_auto = 1;
		if (a->cc_max_families < st->cc_max)
			st->cc_max = a->cc_max_families;
	}
	if (sender_of(&roles, ctx, &staff) == -1)
		return -1;
	/* the students the MTA delivers to: a list's members too */
	for (i = 0; i < n; i++) {
		student = person_with(
		    ctx->roster, rules_rcpt(ctx, i), ROSTER_STUDENT);
		if (student == NULL ||
		    !(a->levels & (1u << roster_person_level(student))))
			continue;
		if (a->after_notice && direct_allowed(ctx, staff, student))
			continue;
		if (add_family(st, r, v, ctx, student, i) == -1)
			return -1;
	}
	return 0;
}

int
dir_describe_add_guardians(const struct act *a, struct buf *out)
{
	static const char *const views[] = {"auto", "cc", "bcc"};

	return buf_printf(out, "add-guardians as %s", views[a->view]) ==
	        BUF_OK ?
	    0 :
	    -1;
}
