/*
 * message.h - one message as the MTA handed it over: envelope, connection
 * macros, header fields and a body spool
 *
 * Built by the milter callbacks or by message_parse() (guardianctl test),
 * read by the decision pipeline. All data is untrusted and bounded by
 * bounds.h: what does not fit sets a MESSAGE_LIMIT_* flag, is counted in
 * message_size(), and is otherwise dropped; that is not an error.
 * The body is kept in memory up to BOUND_BODY_MEMORY, then in an unlinked
 * temporary file (mode 0600) in the spool directory, unless no rule reads
 * it (message_set_body_count_only()).
 *
 * Errors: functions returning int give 0, or -1 with errno set (ENOMEM,
 * EIO, ...) for an internal failure, which the caller turns into tempfail.
 * A message has one owner; it is not thread-safe.
 */
#ifndef GUARDIAN_MESSAGE_H
#define GUARDIAN_MESSAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Limits passed, for <limit-exceeded> rules. */
#define MESSAGE_LIMIT_ADDRESS 0x0001      /* an envelope address too long */
#define MESSAGE_LIMIT_RCPT_COUNT 0x0002   /* more than BOUND_RCPT_COUNT */
#define MESSAGE_LIMIT_HEADER_SIZE 0x0004  /* one header over the bound */
#define MESSAGE_LIMIT_HEADER_COUNT 0x0008 /* too many header fields */
#define MESSAGE_LIMIT_HEADERS_TOTAL 0x0010
#define MESSAGE_LIMIT_BODY_SIZE 0x0020 /* body over BOUND_BODY_BYTES */
#define MESSAGE_LIMIT_MACRO 0x0040     /* a macro value cut */

struct message;

/* message_new - an empty message whose body may spool to spool_dir
 * (NULL: $TMPDIR or /tmp). Returns NULL when out of memory. */
struct message *message_new(const char *spool_dir);

/* message_free - release msg and its spool file; NULL does nothing */
void message_free(struct message *msg);

/* message_reset - forget envelope, headers and body, keep the connection
 * macros (a second message on the same SMTP connection) */
void message_reset(struct message *msg);

/* Envelope. Addresses may come with angle brackets and ESMTP spacing;
 * they are stored without them ("" for the null sender <>), without a
 * source route (<@a,@b:u@c> is u@c) and without ESMTP parameters after
 * the address ("<u@c> SIZE=10"). An address longer than
 * BOUND_ADDRESS_BYTES sets MESSAGE_LIMIT_ADDRESS and is not stored: a
 * recipient is dropped, the sender reads "". Recipients past
 * BOUND_RCPT_COUNT set MESSAGE_LIMIT_RCPT_COUNT and are dropped. A
 * dropped recipient is still a recipient the MTA delivers to: the
 * message remembers it (message_rcpts_complete()), so that no rule is
 * judged on the recipients it kept as if they were all. */
int message_set_queue_id(struct message *msg, const char *qid);
int message_set_sender(struct message *msg, const char *addr);
int message_add_rcpt(struct message *msg, const char *addr);

/* message_set_macro - remember a milter macro such as "{daemon_name}",
 * "{auth_authen}", "i" or "{client_addr}". Names are stored as given;
 * lookup accepts "{x}" and "x" for the same macro. A later value
 * replaces an earlier one. A value is cut at BOUND_MACRO_BYTES, setting
 * MESSAGE_LIMIT_MACRO. */
int message_set_macro(struct message *msg, const char *name, const char *value);

/*
 * message_add_header - one header field, name and value exactly as the
 * MTA's milter client passes them to mlfi_header():
 *
 * Postfix (milter8_header() in src/milter/milter8.c) cuts the name before
 * any white space ahead of the colon, removes exactly one space after the
 * colon (never a tab, never a second space) and joins the lines of a
 * folded field with a bare LF: the CR of each line end is gone, the LF
 * and the white space that starts the next line are kept. So
 * "Subject:\tGrades" arrives as "\tGrades", "Subject:  x" as " x", and
 * "To: a,\r\n\tb" as "a,\n\tb". Postfix does not pass its own Received:
 * field (the first one), and cuts a field at header_size_limit.
 *
 * Sendmail (milter_headers() in sendmail/milter.c) also removes one
 * leading space, and joins folded lines with a bare LF, but keeps the
 * space when the filter negotiated SMFIP_HDR_LEADSPC (this filter does
 * not); it passes only the fields the client sent (not those it made
 * itself) and sends a field of any size in one packet.
 *
 * The value is stored unfolded: every CR and LF removed, the white space
 * after them kept (RFC 5322 2.2.3), so "a,\n\tb" is stored as "a,\tb"
 * and a rule sees a one-line value. message_size() counts the field as
 * "Name: value\r\n" with each bare LF as the CRLF it was on the wire.
 * A field over BOUND_HEADER_BYTES (name plus value) has its value cut;
 * fields past BOUND_HEADER_COUNT or BOUND_HEADERS_TOTAL are dropped;
 * each sets its MESSAGE_LIMIT_* flag.
 */
int message_add_header(
    struct message *msg, const char *name, const char *value);

/* message_set_body_count_only - with on set, message_add_body() counts
 * the body (message_size(), MESSAGE_LIMIT_BODY_SIZE) but stores none of
 * it: no memory, no spool file, so a full spool disk cannot fail a
 * message whose body no rule reads. Set it before the first body chunk;
 * message_reset() turns it off. */
void message_set_body_count_only(struct message *msg, int on);

/* message_body_count_only - 1 if the body is counted, not stored */
int message_body_count_only(const struct message *msg);

/* message_add_body - append a body chunk: counted in message_size(),
 * stored unless the message counts only; past BOUND_BODY_BYTES of body
 * it sets MESSAGE_LIMIT_BODY_SIZE and only counts */
int message_add_body(struct message *msg, const void *p, size_t n);

/* message_parse - read a whole RFC 5322 message (headers, blank line,
 * body; LF or CRLF line ends) from fp into msg's headers and body.
 * Envelope and macros are left as they are. Each field goes to
 * message_add_header() exactly as Postfix's milter client would pass it
 * (see above: one space after the colon removed, folded lines joined
 * with a bare LF), and body line ends become CRLF, so the message model
 * and message_size() are the same as the daemon's for the same message.
 * A leading mbox "From " line is skipped. The first line that is
 * neither a field ("name:" with RFC 5322 name characters) nor a
 * continuation starts the body even without a blank line before it, so
 * any input parses; -1 only for a read error (EIO) or ENOMEM. */
int message_parse(struct message *msg, FILE *fp);

/* Readers. Strings are borrowed until the message changes or is freed. */
/* message_queue_id - as set, else the "i" macro, else "NOQUEUE" */
const char *message_queue_id(const struct message *msg);
const char *message_sender(const struct message *msg); /* "" if unset */
size_t message_rcpt_count(const struct message *msg);
/* message_rcpts_complete - 1 if every recipient the MTA gave is stored,
 * 0 if one was dropped at a bound (MESSAGE_LIMIT_ADDRESS or
 * MESSAGE_LIMIT_RCPT_COUNT): a condition on recipients cannot then
 * answer for all of them */
int message_rcpts_complete(const struct message *msg);
const char *message_rcpt(const struct message *msg, size_t i); /* or NULL */
const char *message_macro(const struct message *msg, const char *name);
size_t message_header_count(const struct message *msg);
/* message_header - field i; both NULL when i is out of range */
void message_header(
    const struct message *msg, size_t i, const char **name, const char **value);

/* message_header_value - value of the first field named name (case
 * insensitive) at index >= *iter, advancing *iter past it; NULL when
 * there is none. Start with *iter = 0. */
const char *message_header_value(
    const struct message *msg, const char *name, size_t *iter);

/* message_size - bytes received: header fields ("Name: value\r\n", a
 * folded field's line breaks as CRLF) plus body, counted even beyond the
 * bounds */
uint64_t message_size(const struct message *msg);

/* message_body_size - body bytes stored (<= BOUND_BODY_BYTES; 0 when
 * the message counts only) */
uint64_t message_body_size(const struct message *msg);

/* message_body_complete - 1 if every body byte received is stored, 0
 * if some were only counted (message_set_body_count_only(), or past
 * BOUND_BODY_BYTES): a reader of the body must then not take what it
 * reads for the whole body */
int message_body_complete(const struct message *msg);

/* message_body_read - copy up to n body bytes from offset off into dst;
 * returns bytes copied (0 at the end) or -1 on I/O error */
ssize_t message_body_read(
    const struct message *msg, uint64_t off, void *dst, size_t n);

/* message_limits - MESSAGE_LIMIT_* flags passed so far */
unsigned message_limits(const struct message *msg);

/* message_limit_name - "header-size" etc. for one flag; NULL if unknown.
 * message_limit_flag - the reverse; 0 if unknown. */
const char *message_limit_name(unsigned flag);
unsigned message_limit_flag(const char *name);

#endif /* GUARDIAN_MESSAGE_H */
