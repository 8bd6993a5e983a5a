/*
 * log.h - the only code that writes to syslog or stderr
 *
 * Every line is passed through a printable filter before it leaves the
 * process: bytes below 0x20 and 0x7f become \xHH, so hostile data cannot
 * forge log lines; valid UTF-8 passes through, except C1 controls
 * (U+0080..U+009F), and every byte of invalid UTF-8 (stray, overlong,
 * surrogate, past U+10FFFF) also becomes \xHH. Lines longer than
 * BOUND_LOG_LINE are cut and end in "...". Thread-safe after log_init().
 *
 * On syslog the line is the text alone (the priority carries the level);
 * on stderr it reads "ident[pid]: level: text" with level one of debug,
 * info, notice, warning, error, crit, fatal, panic. Before log_init()
 * lines go to stderr with the ident "guardian-milter".
 *
 * Errors follow three kinds: log_panic() is for our own bugs (abort),
 * log_fatal() for a broken environment at start-up (exit with a sysexits
 * code), everything at run time is logged with log_warn()/log_err() and
 * returned to the caller.
 */
#ifndef GUARDIAN_LOG_H
#define GUARDIAN_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

/* log_init - name the program; to_stderr selects stderr instead of syslog
 * (LOG_MAIL facility, LOG_PID). Call once, before threads start. */
void log_init(const char *ident, int to_stderr);

/* log_set_level - drop messages less severe than prio (default LOG_INFO);
 * this applies to every destination, the sink included */
void log_set_level(int prio);

/* log_set_sink - send every line to fn instead (tests); fn(NULL) restores.
 * The line passed is already filtered and has no newline (the same text
 * syslog would get). fn runs under the log lock: it must not log. */
void log_set_sink(void (*fn)(int prio, const char *line, void *arg), void *arg);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_msg - a line about one message: "QID: text" ("NOQUEUE: " if qid is
 * NULL or empty) */
void log_msg(const char *qid, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* log_fatal - log at LOG_CRIT and exit(status): start-up only */
void log_fatal(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* log_panic - log at LOG_CRIT and abort(): a broken invariant, our bug */
void log_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* log_printable - copy src (srclen bytes) into dst (dstsize > 0) with the
 * same filter as the log lines; always NUL-terminates, truncating. Returns
 * the length written. For text that goes into replies and headers too. */
size_t log_printable(char *dst, size_t dstsize, const char *src, size_t srclen);

/*
 * log_value - s as the value of one key=value pair of a log line, so that
 * hostile text cannot add or end a pair: s as it is when it is not empty
 * and has no space, '"', '\\', '=' or byte below 0x21 or 0x7f; otherwise
 * in double quotes with '"' and '\\' escaped by a backslash (control
 * bytes are then escaped by the line filter, \xHH). Into dst (dstsize
 * > 0), always NUL-terminated; a value that does not fit is cut inside
 * the quotes and ends in "...". Returns dst, for use as a %s argument.
 */
const char *log_value(char *dst, size_t dstsize, const char *s);

#endif /* GUARDIAN_LOG_H */
