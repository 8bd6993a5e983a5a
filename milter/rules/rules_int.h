/*
 * rules_int.h - private to milter/rules/: the rule model and the two
 * tables of condition and action kinds
 *
 * A new condition or action is one new entry in cond_kinds[] (conditions.c)
 * or act_kinds[] (actions.c), with its compile, match/apply and free
 * functions; rules.c, the evaluator, does not change.
 */
#ifndef GUARDIAN_RULES_INT_H
#define GUARDIAN_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

struct buf;
struct config;
struct diag;
struct regex;
struct roster_person;
struct verdict;
struct xnode;

/* A glob list or a regex, the way addresses, logins, header values and
 * macro values are matched. */
enum pattern_type {
	PATTERN_NONE = 0, /* matches any non-empty value */
	PATTERN_GLOB,
	PATTERN_REGEX,
};

struct pattern {
	enum pattern_type type;
	char **globs; /* lower-cased, PATTERN_GLOB */
	size_t nglobs;
	struct regex *re; /* PATTERN_REGEX */
};

/* What a sender or recipient address must be, from the directory
 * (<sender role>, <recipient role level direct guardian-of-recipient
 * guardians>, <recipients role level>). Empty (roles == 0 and so on)
 * asks nothing. */
#define ROLE_STAFF 0x01
#define ROLE_STUDENT 0x02
#define ROLE_GUARDIAN 0x04
#define ROLE_DISTRICT 0x08 /* a district domain, in no role */
#define ROLE_PERSONAL 0x10 /* a consumer mail domain */
#define ROLE_EXTERNAL 0x20 /* anything else */
/* an address whose destination is not known (address.h) */
#define ROLE_UNRESOLVABLE 0x40

#define DIRECT_ANY 0
#define DIRECT_ALLOWED 1     /* high-school direct mail is allowed */
#define DIRECT_NOT_ALLOWED 2 /* ... is not */

/* Whether a student's guardians can be copied (<recipient guardians>);
 * every student is in exactly one of these (directory.c guardians_of) */
#define GUARDIANS_REACHABLE 0x1 /* one can be copied */
#define GUARDIANS_OPTED_OUT 0x2 /* every one opted out of copies */
#define GUARDIANS_MISSING 0x4   /* none on record who can be copied */

struct addr_filter {
	unsigned roles;       /* ROLE_*: the address has one of them */
	unsigned levels;      /* 1 << roster_level: a student at one */
	int direct;           /* DIRECT_*: for a student recipient */
	int guardian_of_rcpt; /* a guardian of a student recipient */
	unsigned guardians;   /* GUARDIANS_*: a student whose guardians are */
};

/* A number range: over < value < under, each bound optional. */
struct range {
	uint64_t over, under;
	int has_over, has_under;
};

struct cond;
struct found;

/* A condition's answer before the headers and body are known. */
#define COND_UNKNOWN 2

/*
 * When a condition kind's answer is final. rules_may_match() accepts a
 * message at DATA only when no rule can match, so a kind that answered
 * "no" for data not seen yet would let a message through uninspected.
 * The zero value is the safe one: a kind that does not say is unknown
 * until the end of the message, and cond_match() answers COND_UNKNOWN
 * for it without calling its matcher.
 */
enum cond_stage {
	COND_AT_END = 0,  /* needs headers or body: unknown before */
	COND_AT_ENVELOPE, /* final once the last RCPT TO is in */
	COND_AT_ARRIVAL,  /* final once its data arrived; the matcher itself
	                     answers COND_UNKNOWN before (macros) */
	COND_COMBINES,    /* all, any, not: three-valued over the children */
};

struct cond_kind {
	const char *name;         /* the XML element */
	const char *const *attrs; /* attributes it takes */
	int nest;                 /* 1 for all/any/not */
	enum cond_stage stage;    /* when its answer is final */
	/* compile - fill c from n; problems go to dg. -1 only on ENOMEM. */
	int (*compile)(struct cond *c, const struct xnode *n, struct diag *dg);
	/* match - 1 holds, 0 does not, -1 could not be evaluated, or
	 * COND_UNKNOWN when ctx->envelope_only and the answer needs data
	 * not seen yet (called at the envelope only for COND_AT_ENVELOPE,
	 * COND_AT_ARRIVAL and COND_COMBINES kinds) */
	int (*match)(const struct cond *c, const struct rules_ctx *ctx);
};

/* One network of <client network="...">: an IPv4 network is kept as an
 * IPv4-mapped IPv6 one, so one comparison serves both families. */
struct cidr {
	unsigned char addr[16];
	unsigned prefix; /* 0..128 */
};

struct cond {
	const struct cond_kind *kind;
	struct cond *child; /* all, any, not */
	struct cond *next;
	char *name; /* header or macro name */
	struct pattern pat;
	struct range range;
	struct addr_filter filter;
	int match_all;          /* recipient match="all" */
	int depth;              /* nesting level of all/any/not */
	unsigned flags;         /* limit-exceeded: MESSAGE_LIMIT_* */
	unsigned content_flags; /* limit-exceeded: CONTENT_LIMIT_* */
	struct cidr *nets;      /* client */
	size_t nnets;
	struct found *found;     /* found: what to look for (found.c) */
	unsigned kinds;          /* attachment: 1 << content_kind, 0: any */
	struct pattern type_pat; /* attachment: the declared type */
};

struct rule;
struct act;

#define ACT_TERMINAL 0x1  /* decides the verdict, ends evaluation */
#define ACT_STOP 0x2      /* ends evaluation, keeps what was gathered */
#define ACT_DIRECTORY 0x4 /* needs the roster */
#define ACT_KEEPS 0x8     /* holds the whole message: its body is stored */

struct act_kind {
	const char *name;
	const char *const *attrs;
	unsigned flags;
	int (*compile)(struct act *a, const struct xnode *n, struct diag *dg);
	/* bind - take what the action needs from the settings, once every
	 * rule is compiled; problems go to dg at r's file:line. -1 only on
	 * ENOMEM. NULL for kinds that need nothing. */
	int (*bind)(struct act *a, const struct rule *r,
	    const struct config *cfg, struct diag *dg);
	/* apply - carry the action out into v; -1 on failure */
	int (*apply)(const struct act *a, const struct rule *r,
	    struct verdict *v, const struct rules_ctx *ctx);
	/* describe - what the action does, e.g. "reject 550 5.7.1" */
	int (*describe)(const struct act *a, struct buf *out);
};

/* How add-guardians shows the guardians it adds. */
enum guardian_view {
	GUARDIAN_VIEW_AUTO = 0, /* Cc up to cc_max_families, else Bcc */
	GUARDIAN_VIEW_CC,       /* always a visible Cc */
	GUARDIAN_VIEW_BCC,      /* envelope only, with a header note */
};

struct act {
	const struct act_kind *kind;
	struct act *next;
	char *rcode, *xcode, *text; /* reject, tempfail */
	char *name, *value;         /* add-header */
	unsigned levels;            /* add-guardians: student levels */
	enum guardian_view view;
	unsigned cc_max_families;
	int after_notice; /* skip students mail may reach directly */
	char *rcpt;       /* add-recipient: the address (bound) */
	int compliance;   /* add-recipient: the compliance mailbox */
};

struct rule {
	char *id;
	char *policy;      /* may be NULL */
	char *description; /* may be NULL */
	int monitor;
	const char *file; /* borrowed from the config, for messages */
	unsigned long line;
	struct cond *when; /* NULL: always */
	struct act *then;
};

struct rules {
	struct rule *rule;
	size_t n;
	int needs_body; /* a condition reads the body or its size */
	int reads_body; /* a condition reads the body's content */
	int keeps;      /* an action holds whole messages (ACT_KEEPS) */
	char **macros;  /* the macro names <macro> conditions ask for */
	size_t nmacros;
};

/* The tables, NULL-name terminated. */
extern const struct cond_kind cond_kinds[];
extern const struct act_kind act_kinds[];

/* Shared by the compilers. */
int rules_kind_list(
    char *dst, size_t size, const char *first, const char *const *names);
char *rules_clean_text(const char *text);

/* conditions.c: glob lists and sizes, for the kinds in other files.
 * rules_split_globs - the space-separated globs of list, lower-cased,
 * into pat (PATTERN_GLOB); -1 on ENOMEM. rules_glob_match - s matches
 * the lower-case glob p ('*', '?'), ignoring case. rules_parse_size -
 * "1234", "10K", "5M", "1G"; -1 if malformed. rules_pattern_free -
 * release a pattern's storage. */
int rules_split_globs(struct pattern *pat, const char *list);
int rules_glob_match(const char *p, const char *s);
int rules_parse_size(uint64_t *out, const char *s);
void rules_pattern_free(struct pattern *pat);

/* attach.c: <attachment kind name type size-over size-under> */
int attach_compile(struct cond *c, const struct xnode *n, struct diag *dg);
int attach_match(const struct cond *c, const struct rules_ctx *ctx);

/* conditions.c */
int cond_compile(
    struct cond **out, const struct xnode *n, int depth, struct diag *dg);
int cond_match(const struct cond *c, const struct rules_ctx *ctx);
int cond_needs_directory(const struct cond *c);
/* cond_needs_body - c asks about the body: its size or its content;
 * cond_reads_body - c reads the body's content (the MIME view) */
int cond_needs_body(const struct cond *c);
int cond_reads_body(const struct cond *c);
int cond_macros(struct rules *rs, const struct cond *c);
void cond_free(struct cond *c);

/* The authors of the message (From and Sender), read once per
 * evaluation by rules_authors(). */
struct authors {
	char **addrs; /* as written in the fields (address.h canonicalises) */
	size_t n;
	int unreadable; /* a field could not be read, or named too many */
};

/* What the conditions and actions of one evaluation share until it
 * ends. */
struct dir_state;
struct content;
struct dir_families;
struct detect_result;
struct detect_text;
struct rules_state {
	struct dir_state *dir;   /* add-guardians, NULL until one runs */
	struct authors *authors; /* NULL until rules_authors() */
	struct content *content; /* NULL until rules_content() */
	/* the guardians of the students among the recipients, for
	 * guardian-of-recipient; NULL until asked for */
	struct dir_families *families;
	/* the detectors' findings, NULL until rules_findings(); the
	 * texts they were found in, and the decoded Subject fields */
	struct detect_result *findings;
	struct detect_text *texts;
	size_t ntexts;
	char **subjects;
	size_t nsubjects;
};

/* rules.c: the recipients every condition and action judges, those
 * the MTA delivers to (ctx->rcpts, lists and aliases expanded), else
 * the envelope's own. rules_rcpt_origin - the list or alias the
 * message named that brought recipient i, or NULL; rules_rcpt_listed -
 * 1 if that was a list (several addresses); rules_rcpts_complete - 0
 * when some recipient was never seen (message.h) or a list could not be
 * expanded in full (aliases.h). */
size_t rules_rcpt_count(const struct rules_ctx *ctx);
const char *rules_rcpt(const struct rules_ctx *ctx, size_t i);
const char *rules_rcpt_origin(const struct rules_ctx *ctx, size_t i);
int rules_rcpt_listed(const struct rules_ctx *ctx, size_t i);
int rules_rcpts_complete(const struct rules_ctx *ctx);

/* authors.c */
/* rules_authors - the message's authors, read at the first call of an
 * evaluation and kept in ctx->state; only after the header (not with
 * envelope_only). 0, or -1 on ENOMEM. */
int rules_authors(const struct authors **out, const struct rules_ctx *ctx);
void authors_free(struct authors *au);

/* view.c */
/* rules_content - the message's MIME view (content.h), built at the
 * first call of an evaluation and kept in ctx->state; only after the
 * body (not with envelope_only). 0, or -1 on ENOMEM or a spool read
 * error. */
int rules_content(const struct content **out, const struct rules_ctx *ctx);
/* rules_findings - the detectors' hits over the decoded Subject fields
 * and the view's texts, made at the first call and kept in ctx->state;
 * *texts (may be NULL) gets the texts the hits' text indexes name.
 * Only after the body. 0, or -1 on ENOMEM or a spool read error. */
int rules_findings(const struct detect_result **out,
    const struct detect_text **texts, const struct rules_ctx *ctx);
/* rules_findings_free - release what rules_findings() kept */
void rules_findings_free(struct rules_state *st);

/* found.c: <found>, what the detectors found, and entitlement */
int found_compile(struct cond *c, const struct xnode *n, struct diag *dg);
int found_match(const struct cond *c, const struct rules_ctx *ctx);
void found_free(struct found *f);
/* found_builtin - f asks a detector of the directory */
int found_builtin(const struct found *f);
/* found_check - each <found> under c names a detector cfg declares or
 * a built-in one; problems go to dg */
void found_check(
    const struct cond *c, const struct config *cfg, struct diag *dg);
/* found_explain - after rule r matched, record in v what each <found>
 * of its condition found; 0, or -1 on ENOMEM */
int found_explain(
    struct verdict *v, const struct rule *r, const struct rules_ctx *ctx);

/* directory.c: the roster side of conditions and actions */
int dir_compile_filter(struct addr_filter *f, const struct xnode *n,
    int recipient, struct diag *dg);
int dir_filter_used(const struct addr_filter *f);
int dir_sender_match(const struct addr_filter *f, const struct rules_ctx *ctx);
int dir_rcpt_match(
    const struct addr_filter *f, const struct rules_ctx *ctx, const char *addr);
int dir_compile_add_guardians(
    struct act *a, const struct xnode *n, struct diag *dg);
int dir_apply_add_guardians(const struct act *a, const struct rule *r,
    struct verdict *v, const struct rules_ctx *ctx);
int dir_finish(struct verdict *v, const struct rules_ctx *ctx);
/* dir_entitlement - whose data addr may receive: 1 for everyone's
 * (district staff, a district address in no role); 0 for only the
 * students put in *out (n of them, free() the array): the student at
 * addr, the students of a guardian at addr, nobody for another address
 * (personal, external, or one whose destination is not known); -1 on
 * ENOMEM or without a directory */
int dir_entitlement(const struct rules_ctx *ctx, const char *addr,
    const struct roster_person ***out, size_t *n);
void dir_state_free(struct dir_state *st);
void dir_families_free(struct dir_families *fam);
int dir_describe_add_guardians(const struct act *a, struct buf *out);

/* actions.c */
int act_compile(struct act **out, const struct xnode *n, struct diag *dg);
/* act_bind - every action of r takes what it needs from cfg; 0, or -1
 * on ENOMEM (problems go to dg) */
int act_bind(const struct rule *r, const struct config *cfg, struct diag *dg);
void act_free(struct act *a);

#endif /* GUARDIAN_RULES_INT_H */
