/*
 * verdict.h - the decision record and its renderings
 *
 * A verdict says what to do with a message and why: the action with its
 * SMTP reply, every rule that matched (with its mode and the guideline it
 * cites), headers and recipients to add. Rules build it; the milter, the
 * log, guardianctl and (later) the quarantine and notices render from it,
 * so they never disagree. A verdict has one owner; not thread-safe.
 */
#ifndef GUARDIAN_VERDICT_H
#define GUARDIAN_VERDICT_H

#include <stddef.h>

struct buf;

enum verdict_action {
	VERDICT_ACCEPT = 0, /* deliver, with any additions */
	VERDICT_TEMPFAIL,   /* 4xx: try again later */
	VERDICT_REJECT,     /* 5xx: bounce to the sender */
	VERDICT_DISCARD,    /* accept and drop (only after a durable copy) */
	VERDICT_QUARANTINE, /* held for review */
};

enum verdict_mode {
	VERDICT_MODE_ENFORCE = 0,
	VERDICT_MODE_MONITOR, /* logged and tagged, nothing changed */
};

struct verdict;

/* verdict_new - an accept verdict with nothing matched; NULL on ENOMEM */
struct verdict *verdict_new(void);

/* verdict_free - NULL does nothing */
void verdict_free(struct verdict *v);

/*
 * Building. Each returns 0, or -1 on allocation failure (the verdict is
 * then incomplete and the caller must tempfail). Strings are copied.
 */

/* verdict_set_action - the terminal decision. rcode ("550") and xcode
 * ("5.7.1") may be NULL for accept/discard/quarantine; for reject NULL
 * means 550 / 5.7.1 and for tempfail 451 / 4.7.1. text is the guidance
 * for the sender (may be NULL); rule_id names the deciding rule (NULL
 * when the filter itself decided). A later call replaces an earlier. */
int verdict_set_action(struct verdict *v, enum verdict_action action,
    const char *rcode, const char *xcode, const char *text, const char *rule_id,
    const char *policy);

/* verdict_add_match - a rule matched. what is a short description of
 * what the rule did or (monitor) would have done, e.g. "reject 550 5.7.1"
 * or "add-header X-Foo". why may be NULL. */
int verdict_add_match(struct verdict *v, const char *rule_id,
    const char *policy, enum verdict_mode mode, const char *what,
    const char *why);

/* verdict_add_header - a header field to add at end of message */
int verdict_add_header(struct verdict *v, const char *name, const char *value);

/* verdict_set_header - give the first field named name this value, or
 * add the field if the message has none (smfi_chgheader index 1); a
 * second call for the same name replaces the first call's value */
int verdict_set_header(struct verdict *v, const char *name, const char *value);

/* verdict_add_rcpt - an envelope recipient to add, and why */
int verdict_add_rcpt(struct verdict *v, const char *addr, const char *why);

/* verdict_add_rcpt_shown - the same, for an address the configuration
 * names (<add-recipient>), such as the compliance mailbox: the log line
 * names it under notified=, where a guardian's address (a family's
 * data) never appears */
int verdict_add_rcpt_shown(
    struct verdict *v, const char *addr, const char *why);

/* What a detector found that a matched rule acted on (detect.h). */
struct verdict_finding {
	const char *rule;     /* the rule it fed */
	const char *detector; /* "student-record", "offensive", ... */
	const char *where;    /* "subject", "body", "attachment" */
	const char *name;     /* the attachment's name, "" otherwise */
	size_t matches;       /* how many matches there */
	size_t students;      /* how many distinct students (0: none) */
	const char *evidence; /* redacted: never a whole value */
};

/* verdict_add_finding - record f (its strings are copied). A finding
 * equal to one recorded for the same rule is not added twice. */
int verdict_add_finding(struct verdict *v, const struct verdict_finding *f);

/* Reading. Strings are borrowed until verdict_free(). */
enum verdict_action verdict_action(const struct verdict *v);
const char *verdict_rcode(const struct verdict *v);  /* NULL if none */
const char *verdict_xcode(const struct verdict *v);  /* NULL if none */
const char *verdict_text(const struct verdict *v);   /* NULL if none */
const char *verdict_rule(const struct verdict *v);   /* deciding rule */
const char *verdict_policy(const struct verdict *v); /* its guideline */
size_t verdict_match_count(const struct verdict *v);
void verdict_match(const struct verdict *v, size_t i, const char **rule_id,
    const char **policy, enum verdict_mode *mode, const char **what,
    const char **why);
size_t verdict_header_count(const struct verdict *v);
void verdict_header(
    const struct verdict *v, size_t i, const char **name, const char **value);
size_t verdict_set_count(const struct verdict *v);
void verdict_set(
    const struct verdict *v, size_t i, const char **name, const char **value);
size_t verdict_rcpt_count(const struct verdict *v);
void verdict_rcpt(
    const struct verdict *v, size_t i, const char **addr, const char **why);

size_t verdict_finding_count(const struct verdict *v);
const struct verdict_finding *verdict_finding(
    const struct verdict *v, size_t i);

/* verdict_action_name - "accept", "tempfail", "reject", "discard",
 * "quarantine" */
const char *verdict_action_name(enum verdict_action a);

/*
 * Renderings. Each appends to out and returns BUF_OK (0), or the BUF_*
 * error (BUF_NOMEM -1, BUF_TOOBIG -2) that stopped it, leaving out
 * partly written.
 */

/* verdict_render_log - one key=value line without the queue id:
 * "verdict=reject rule=ID rules=a,b monitor=c added_rcpts=2
 * notified=compliance@district.example added_headers=1
 * findings=student-record:body,student:attachment"
 * (keys with nothing to say are left out; values are printable-filtered;
 * notified= lists only verdict_add_rcpt_shown() addresses; findings=
 * names each kind of finding and where, never its evidence or an
 * attachment's name, which may carry a student's name) */
int verdict_render_log(const struct verdict *v, struct buf *out);

/* verdict_render_json - one JSON object on one line, no newline:
 * {"action","rcode","xcode","text","rule","policy" (null where absent),
 *  "matches":[{"rule","policy","mode":"enforce"|"monitor","what","why"}],
 *  "headers":[{"name","value"}], "recipients":[{"address","why"}],
 *  "findings":[{"rule","detector","where","name","matches","students",
 *  "evidence"}],
 *  "reply":[lines as verdict_reply_lines() gives them] or null when the
 *  action is neither reject nor tempfail}
 * Strings are escaped (quote, backslash, controls as \n or \u00XX);
 * valid UTF-8 passes, each invalid byte becomes U+FFFD. */
int verdict_render_json(const struct verdict *v, struct buf *out);

/*
 * verdict_json_rows - read back what verdict_render_json() wrote (the
 * quarantine keeps a verdict that way): for each object of the array
 * name ("matches", "findings"), the values of keys[0..nkeys-1] (strings
 * decoded, numbers as written, "" when absent or null; nkeys at most
 * VERDICT_JSON_KEYS) into v[], then row(arg, v). Only what
 * verdict_render_json() writes is read; anything else ends the array.
 */
#define VERDICT_JSON_KEYS 8
void verdict_json_rows(const char *json, const char *name,
    const char *const *keys, size_t nkeys,
    void (*row)(void *arg, struct buf *v), void *arg);

/* verdict_render_text - a human-readable report for guardianctl test:
 * the verdict line, deciding rule and guideline, each matched rule with
 * its mode and what it did (or would have done), for reject/tempfail
 * the reply as sent ("550-5.7.1 ..." lines, "550 5.7.1 ..." last, '%'
 * single), the findings with their redacted evidence, then the headers
 * and recipients to add. Text is
 * printable-filtered. */
int verdict_render_text(const struct verdict *v, struct buf *out);

/*
 * verdict_reply_lines - the SMTP reply text as lines for smfi_setmlreply:
 * the guidance text wrapped at BOUND_REPLY_WIDTH on word boundaries
 * (paragraphs, i.e. blank-line-separated blocks, start new lines), then a
 * line citing the rule and the guideline. At most BOUND_REPLY_LINES lines;
 * control bytes become spaces and '%' is doubled, as libmilter requires.
 * Paragraphs are separated by one empty line; a word longer than the
 * width is cut; text past the line limit is dropped and the last text
 * line ends in " ...", the citation ("Rule ID; guideline: POLICY", or
 * "Rule ID" without a policy; none without a rule) is always kept. A
 * line never passes 500 bytes (RFC 5321 with its code). No text and no
 * rule give zero lines.
 * Returns 0 and a NULL-terminated array of lines in *out (free with
 * verdict_reply_free()) and their number in *nlines, or -1 on ENOMEM.
 */
int verdict_reply_lines(char ***out, size_t *nlines, const struct verdict *v);
void verdict_reply_free(char **lines);

#endif /* GUARDIAN_VERDICT_H */
