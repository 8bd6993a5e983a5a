/*
 * actions.c - the action kinds: what a <then> can do
 *
 * Each kind is one entry in act_kinds[]: element name, attributes, flags
 * (terminal, stop), a compiler, an optional bind function that takes
 * settings from the configuration, an apply function that writes into
 * the verdict, and a describe function for logs and monitor headers.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "buf.h"
#include "compat.h"
#include "config.h"
#include "diag.h"
#include "message.h"
#include "roster.h"
#include "rules_int.h"
#include "verdict.h"
#include "xnode.h"

/* valid_rcode - three digits starting with first */
static int
valid_rcode(const char *s, char first)
{
	return s[0] == first && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && s[3] == '\0';
}

/* valid_xcode - "C.S.D", class first, subject 0-999, detail 0-999
 * (RFC 3463) */
static int
valid_xcode(const char *s, char first)
{
	int part, digits;

	if (s[0] != first || s[1] != '.')
		return 0;
	s += 2;
	for (part = 0; part < 2; part++) {
		for (digits = 0; isdigit((unsigned char)*s); s++)
			digits++;
		if (digits < 1 || digits > 3)
			return 0;
		if (part == 0 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

/* compile_reply - reject and tempfail: code, status and guidance text */
static int
compile_reply(struct act *a, const struct xnode *n, struct diag *dg)
{
	int reject = strcmp(xnode_name(n), "reject") == 0;
	char first = reject ? '5' : '4';
	const char *code = xnode_attr(n, "code");
	const char *status = xnode_attr(n, "status");

	if (code == NULL)
		code = reject ? "550" : "451";
	if (status == NULL)
		status = reject ? "5.7.1" : "4.7.1";
	if (!valid_rcode(code, first))
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid code \"%s\" on <%s> (expected %cxx, e.g. %s)",
		    code, xnode_name(n), first, reject ? "550" : "451");
	if (!valid_xcode(status, first))
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "invalid status \"%s\" on <%s> (expected %c.x.x, e.g. %s)",
		    status, xnode_name(n), first, reject ? "5.7.1" : "4.7.1");
	if ((a->rcode = strdup(code)) == NULL ||
	    (a->xcode = strdup(status)) == NULL ||
	    (a->text = rules_clean_text(xnode_text(n))) == NULL)
		return -1;
	return 0;
}

/* apply_reply - the terminal decision with its reply */
static int
apply_reply(const struct act *a, const struct rule *r, struct verdict *v,
    const struct rules_ctx *ctx)
{
	enum verdict_action action =
	    a->rcode[0] == '5' ? VERDICT_REJECT : VERDICT_TEMPFAIL;

	(void)ctx;
	return verdict_set_action(v, action, a->rcode, a->xcode,
	    a->text[0] != '\0' ? a->text : NULL, r->id, r->policy);
}

/* describe_reply - "reject 550 5.7.1" */
static int
describe_reply(const struct act *a, struct buf *out)
{
	return buf_printf(out, "%s %s %s",
	           a->rcode[0] == '5' ? "reject" : "tempfail", a->rcode,
	           a->xcode) == BUF_OK ?
	    0 :
	    -1;
}

/* compile_none - actions without attributes or text */
static int
compile_none(struct act *a, const struct xnode *n, struct diag *dg)
{
	(void)a;
	(void)n;
	(void)dg;
	return 0;
}

/* apply_accept - deliver now, with what was gathered */
static int
apply_accept(const struct act *a, const struct rule *r, struct verdict *v,
    const struct rules_ctx *ctx)
{
	(void)a;
	(void)ctx;
	return verdict_set_action(
	    v, VERDICT_ACCEPT, NULL, NULL, NULL, r->id, r->policy);
}

/* describe_name - the action's element name alone */
static int
describe_name(const struct act *a, struct buf *out)
{
	return buf_puts(out, a->kind->name) == BUF_OK ? 0 : -1;
}

/* valid_field_name - RFC 5322 ftext: printable ASCII but ':' */
static int
valid_field_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 128)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 33 || *s > 126 || *s == ':')
			return 0;
	return 1;
}

/* compile_add_header - <add-header name="X-..." value="..."/> */
static int
compile_add_header(struct act *a, const struct xnode *n, struct diag *dg)
{
	const char *name = xnode_attr(n, "name");
	const char *value = xnode_attr(n, "value");
	const char *p;

	if (name == NULL || !valid_field_name(name))
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<add-header> needs a name of printable characters "
		    "without ':' or spaces, got \"%s\"",
		    name != NULL ? name : "");
	if (value == NULL)
		value = "";
	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p < 32 && *p != '\t') {
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "the value of <add-header> must be one line");
			break;
		}
	}
	if ((a->name = strdup(name != NULL ? name : "")) == NULL ||
	    (a->value = strdup(value)) == NULL)
		return -1;
	return 0;
}

/* apply_add_header - a field to add at end of message */
static int
apply_add_header(const struct act *a, const struct rule *r, struct verdict *v,
    const struct rules_ctx *ctx)
{
	(void)r;
	(void)ctx;
	return verdict_add_header(v, a->name, a->value);
}

/* describe_add_header - "add-header X-Foo" */
static int
describe_add_header(const struct act *a, struct buf *out)
{
	return buf_printf(out, "add-header %s", a->name) == BUF_OK ? 0 : -1;
}

/*
 * add-recipient: a mailbox of the district's own, such as the compliance
 * office, gets the message as a blind copy (an envelope recipient, no
 * header changed). The address comes from the configuration, never from
 * mail or the directory, so the log line may name it.
 */

/* compile_add_recipient - <add-recipient address="..."/> or
 * <add-recipient mailbox="compliance"/> (bound by bind_add_recipient) */
static int
compile_add_recipient(struct act *a, const struct xnode *n, struct diag *dg)
{
	const char *addr = xnode_attr(n, "address");
	const char *mailbox = xnode_attr(n, "mailbox");

	if (addr != NULL && mailbox != NULL) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<add-recipient> takes address or mailbox, not both");
		return 0;
	}
	if (addr == NULL && mailbox == NULL) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<add-recipient> needs address or mailbox");
		return 0;
	}
	if (mailbox != NULL) {
		if (strcmp(mailbox, "compliance") == 0)
			a->compliance = 1;
		else
			diag_error(dg, xnode_file(n), xnode_line(n), 0,
			    "invalid value \"%s\" for mailbox on "
			    "<add-recipient> (expected: compliance)",
			    mailbox);
		return 0;
	}
	if (!address_is_plain(addr)) {
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<add-recipient> address \"%s\" is not a plain address "
		    "(expected name@domain, without quotes, routing or angle "
		    "brackets)",
		    addr);
		return 0;
	}
	return (a->rcpt = strdup(addr)) == NULL ? -1 : 0;
}

/*
 * bind_add_recipient - mailbox="compliance" is <compliance-address>.
 * Without it the alert goes to postmaster of the first district domain,
 * which every mail domain must have (RFC 5321, 4.5.1), with a warning: a
 * configuration from before the setting still starts and still alerts
 * someone. With no district domain either, the rule would alert nobody,
 * and the configuration fails.
 */
static int
bind_add_recipient(struct act *a, const struct rule *r,
    const struct config *cfg, struct diag *dg)
{
	const struct roster_options *o = config_roster_options(cfg);
	const char *addr = config_compliance_address(cfg);
	char fallback[BOUND_ADDRESS_BYTES + 1];
	int n;

	if (!a->compliance)
		return 0;
	if (addr == NULL && o != NULL && o->ndistrict_domains > 0) {
		n = snprintf(fallback, sizeof(fallback), "postmaster@%s",
		    o->district_domains[0]);
		if (n > 0 && (size_t)n < sizeof(fallback)) {
			diag_warn(dg, r->file, r->line, 0,
			    "rule \"%s\" adds the compliance mailbox, but "
			    "<settings> has no <compliance-address>: the "
			    "alerts go to %s",
			    r->id, fallback);
			addr = fallback;
		}
	}
	if (addr == NULL) {
		diag_error(dg, r->file, r->line, 0,
		    "rule \"%s\" adds the compliance mailbox, but <settings> "
		    "has no <compliance-address> (and the roster names no "
		    "district domain for a postmaster fallback)",
		    r->id);
		return 0;
	}
	return (a->rcpt = strdup(addr)) == NULL ? -1 : 0;
}

/* same_address - 1 if a and b are one mailbox: their canonical forms
 * (address.h) are equal, the local part compared exactly */
static int
same_address(const struct rules_ctx *ctx, const char *a, const char *b)
{
	struct address x, y;

	return roster_address(&x, ctx->roster, a) == ADDRESS_OK &&
	    roster_address(&y, ctx->roster, b) == ADDRESS_OK &&
	    strcmp(x.text, y.text) == 0;
}

/* apply_add_recipient - add a->rcpt unless the message already reaches
 * it: as an envelope recipient, as a member of a list or an alias the
 * envelope names (the MTA would deliver a second copy), or added by an
 * earlier action */
static int
apply_add_recipient(const struct act *a, const struct rule *r,
    struct verdict *v, const struct rules_ctx *ctx)
{
	const char *addr, *why;
	char text[256];
	size_t i;

	if (a->rcpt == NULL)
		return -1; /* rules_compile() refuses this: our bug */
	for (i = 0; i < message_rcpt_count(ctx->msg); i++)
		if (same_address(ctx, message_rcpt(ctx->msg, i), a->rcpt))
			return 0;
	for (i = 0; ctx->rcpts != NULL && i < rules_rcpt_count(ctx); i++)
		if (same_address(ctx, rules_rcpt(ctx, i), a->rcpt))
			return 0;
	for (i = 0; i < verdict_rcpt_count(v); i++) {
		verdict_rcpt(v, i, &addr, &why);
		if (same_address(ctx, addr, a->rcpt))
			return 0;
	}
	(void)snprintf(text, sizeof(text), "%s under rule %s",
	    a->compliance ? "compliance mailbox" : "added", r->id);
	return verdict_add_rcpt_shown(v, a->rcpt, text);
}

/* describe_add_recipient - "add-recipient compliance" or the address */
static int
describe_add_recipient(const struct act *a, struct buf *out)
{
	return buf_printf(out, "add-recipient %s",
	           a->compliance ? "compliance" : a->rcpt) == BUF_OK ?
	    0 :
	    -1;
}

/*
 * quarantine: the message is held for a reviewer. The text is the
 * guidance the sender's notice gives (why, in plain words, and what to
 * do instead). The milter stores the message durably before it answers
 * (milter.c, qstore.h); the rule only decides.
 */

/* compile_quarantine - <quarantine>guidance</quarantine> */
static int
compile_quarantine(struct act *a, const struct xnode *n, struct diag *dg)
{
	(void)dg;
	return (a->text = rules_clean_text(xnode_text(n))) == NULL ? -1 : 0;
}

/* apply_quarantine - the terminal decision: hold the message */
static int
apply_quarantine(const struct act *a, const struct rule *r, struct verdict *v,
    const struct rules_ctx *ctx)
{
	(void)ctx;
	return verdict_set_action(v, VERDICT_QUARANTINE, NULL, NULL,
	    a->text[0] != '\0' ? a->text : NULL, r->id, r->policy);
}

static const char *const no_attrs[] = {NULL};
static const char *const reply_attrs[] = {"code", "status", NULL};
static const char *const header_attrs[] = {"name", "value", NULL};
static const char *const guardian_attrs[] = {
    "level", "as", "direct", "cc-max-families", NULL};
static const char *const rcpt_attrs[] = {"address", "mailbox", NULL};

const struct act_kind act_kinds[] = {
    {"accept", no_attrs, ACT_TERMINAL, compile_none, NULL, apply_accept,
        describe_name},
    {"reject", reply_attrs, ACT_TERMINAL, compile_reply, NULL, apply_reply,
        describe_reply},
    {"tempfail", reply_attrs, ACT_TERMINAL, compile_reply, NULL, apply_reply,
        describe_reply},
    {"quarantine", no_attrs, ACT_TERMINAL | ACT_KEEPS, compile_quarantine, NULL,
        apply_quarantine, describe_name},
    {"add-header", header_attrs, 0, compile_add_header, NULL, apply_add_header,
        describe_add_header},
    {"add-guardians", guardian_attrs, ACT_DIRECTORY, dir_compile_add_guardians,
        NULL, dir_apply_add_guardians, dir_describe_add_guardians},
    {"add-recipient", rcpt_attrs, 0, compile_add_recipient, bind_add_recipient,
        apply_add_recipient, describe_add_recipient},
    {"stop", no_attrs, ACT_STOP, compile_none, NULL, NULL, describe_name},
    {NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

int
act_compile(struct act **out, const struct xnode *n, struct diag *dg)
{
	const struct act_kind *k;
	struct act *a;
	char exp[256];
	size_t i;

	*out = NULL;
	for (k = act_kinds; k->name != NULL; k++)
		if (strcmp(k->name, xnode_name(n)) == 0)
			break;
	if (k->name == NULL) {
		exp[0] = '\0';
		for (i = 0; act_kinds[i].name != NULL; i++) {
			if (i > 0)
				(void)strlcat(exp, ", ", sizeof(exp));
			(void)strlcat(exp, act_kinds[i].name, sizeof(exp));
		}
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "unknown action <%s> (expected: %s)", xnode_name(n), exp);
		return 0;
	}
	(void)xnode_check_attrs(n, k->attrs, dg);
	if (xnode_child(n) != NULL)
		diag_error(dg, xnode_file(n), xnode_line(n), 0,
		    "<%s> takes no child elements", k->name);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return -1;
	a->kind = k;
	*out = a;
	return k->compile(a, n, dg);
}

int
act_bind(const struct rule *r, const struct config *cfg, struct diag *dg)
{
	struct act *a;

	for (a = r->then; a != NULL; a = a->next)
		if (a->kind->bind != NULL && a->kind->bind(a, r, cfg, dg) == -1)
			return -1;
	return 0;
}

void
act_free(struct act *a)
{
	struct act *next;

	for (; a != NULL; a = next) {
		next = a->next;
		free(a->rcode);
		free(a->xcode);
		free(a->text);
		free(a->name);
		free(a->value);
		free(a->rcpt);
		free(a);
	}
}
