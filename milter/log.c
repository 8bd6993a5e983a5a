/*
 * log.c - the only code that writes to syslog or stderr
 *
 * A line is formatted into a bounded stack buffer, passed through the
 * printable filter (so CR, LF and other control bytes from mail data
 * cannot forge or split log lines), cut at BOUND_LOG_LINE with "...",
 * and handed to exactly one destination: the test sink if one is set,
 * else syslog or stderr. One mutex serialises the state and the output
 * so lines from different threads never interleave.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "compat.h"
#include "log.h"
#include "utf8.h"

#define LOG_IDENT_MAX 64
#define LOG_CUT "..."

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_ident[LOG_IDENT_MAX] = PACKAGE;
static int log_to_stderr = 1;
static int log_level = LOG_INFO;
static void (*log_sink)(int, const char *, void *);
static void *log_sink_arg;

void
log_init(const char *ident, int to_stderr)
{
	pthread_mutex_lock(&log_lock);
	if (!log_to_stderr)
		closelog();
	if (ident == NULL || *ident == '\0')
		ident = PACKAGE;
	if (strlcpy(log_ident, ident, sizeof(log_ident)) >= sizeof(log_ident))
		log_ident[sizeof(log_ident) - 1] = '\0';
	log_to_stderr = to_stderr != 0;
	if (!log_to_stderr)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
	pthread_mutex_unlock(&log_lock);
}

void
log_set_level(int prio)
{
	pthread_mutex_lock(&log_lock);
	log_level = prio;
	pthread_mutex_unlock(&log_lock);
}

void
log_set_sink(void (*fn)(int prio, const char *line, void *arg), void *arg)
{
	pthread_mutex_lock(&log_lock);
	log_sink = fn;
	log_sink_arg = fn != NULL ? arg : NULL;
	pthread_mutex_unlock(&log_lock);
}

/* utf8_len - length of the valid UTF-8 sequence at s (n bytes left) that
 * encodes a printable character, or 0: not UTF-8 (see utf8_seq()), or a
 * C1 control (U+0080..U+009F), which terminals act on */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len = utf8_seq(s, n, &cp);

	return len > 0 && cp >= 0xa0 ? len : 0;
}

/* printable - the filter behind log_printable(); *done is set to 1 when
 * all of src fitted, 0 when the output was cut (never inside an escape
 * or a UTF-8 sequence) */
static size_t
printable(char *dst, size_t dstsize, const char *src, size_t srclen, int *done)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, n;
	int esc;

	while (i < srclen) {
		esc = 0;
		if (s[i] >= 0x20 && s[i] < 0x7f)
			n = 1;
		else if ((n = utf8_len(s + i, srclen - i)) == 0)
			n = 4, esc = 1;
		if (n >= dstsize - o)
			break;
		if (esc) {
			dst[o] = '\\';
			dst[o + 1] = 'x';
			dst[o + 2] = hex[s[i] >> 4];
			dst[o + 3] = hex[s[i] & 0xf];
			i++;
		} else {
			memcpy(dst + o, s + i, n);
			i += n;
		}
		o += n;
	}
	dst[o] = '\0';
	*done = i == srclen;
	return o;
}

size_t
log_printable(char *dst, size_t dstsize, const char *src, size_t srclen)
{
	int done;

	if (dstsize == 0)
		return 0;
	return printable(dst, dstsize, src, srclen, &done);
}

/* log_plain_value - s needs no quotes in a key=value line */
static int
log_plain_value(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\' ||
		    *p == '=')
			return 0;
	return 1;
}

const char *
log_value(char *dst, size_t dstsize, const char *s)
{
	static const char cut[] = "...\"";
	size_t o = 0, need;

	if (dstsize == 0)
		return "";
	if (log_plain_value(s)) {
		if (strlcpy(dst, s, dstsize) >= dstsize && dstsize > 4)
			memcpy(dst + dstsize - 4, "...", 4);
		return dst;
	}
	if (dstsize < sizeof(cut) + 2) {
		dst[0] = '\0';
		return dst;
	}
	dst[o++] = '"';
	for (; *s != '\0'; s++) {
		need = *s == '"' || *s == '\\' ? 2 : 1;
		/* room for this byte, the closing quote and the NUL; and
		 * for the cut mark when more follows */
		if (o + need + 2 > dstsize ||
		    (s[1] != '\0' && o + need + sizeof(cut) > dstsize)) {
			if (o + sizeof(cut) > dstsize)
				o = dstsize - sizeof(cut);
			memcpy(dst + o, cut, sizeof(cut));
			return dst;
		}
		if (need == 2)
			dst[o++] = '\\';
		dst[o++] = *s;
	}
	dst[o++] = '"';
	dst[o] = '\0';
	return dst;
}

/* log_tag - the word for prio on stderr */
static const char *
log_tag(int prio)
{
	static const char *const tags[] = {"emerg", "alert", "crit", "error",
	    "warning", "notice", "info", "debug"};

	return tags[LOG_PRI(prio)];
}

/* log_enabled - 1 if lines at prio are wanted: checked before any
 * formatting, so debug lines cost little when they are dropped */
static int
log_enabled(int prio)
{
	int on;

	pthread_mutex_lock(&log_lock);
	on = LOG_PRI(prio) <= log_level;
	pthread_mutex_unlock(&log_lock);
	return on;
}

/* log_emit - filter raw (rawlen bytes, cut when the formatting was) and
 * write it to the one destination; tag names the level on stderr */
static void
log_emit(int prio, const char *tag, const char *raw, size_t rawlen, int cut)
{
	char line[BOUND_LOG_LINE + 1];
	size_t n;
	int done;

	prio = LOG_PRI(prio);
	n = printable(line, sizeof(line), raw, rawlen, &done);
	if (cut || !done) {
		n = printable(line, sizeof(line) - (sizeof(LOG_CUT) - 1), raw,
		    rawlen, &done);
		memcpy(line + n, LOG_CUT, sizeof(LOG_CUT));
	}
	pthread_mutex_lock(&log_lock);
	if (log_sink != NULL)
		log_sink(prio, line, log_sink_arg);
	else if (log_to_stderr) {
		fprintf(stderr, "%s[%ld]: %s: %s\n", log_ident, (long)getpid(),
		    tag != NULL ? tag : log_tag(prio), line);
		fflush(stderr);
	} else
		syslog(prio, "%s", line);
	pthread_mutex_unlock(&log_lock);
}

static void log_vformat(int, const char *, const char *, const char *, va_list)
    __attribute__((format(printf, 4, 0)));

/* log_vformat - format "prefix: " then fmt into raw and emit it */
static void
log_vformat(
    int prio, const char *tag, const char *prefix, const char *fmt, va_list ap)
{
	char raw[BOUND_LOG_LINE + 1];
	size_t off = 0;
	int n, cut = 0;

	if (!log_enabled(prio))
		return;
	if (prefix != NULL) {
		n = snprintf(raw, sizeof(raw), "%s: ", prefix);
		if (n < 0)
			n = 0;
		off = (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1;
		cut = (size_t)n >= sizeof(raw);
	}
	n = vsnprintf(raw + off, sizeof(raw) - off, fmt, ap);
	if (n < 0)
		raw[off] = '\0';
	else if ((size_t)n >= sizeof(raw) - off)
		cut = 1;
	log_emit(prio, tag, raw, strlen(raw), cut);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_DEBUG, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_INFO, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_NOTICE, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_WARNING, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_ERR, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_msg(const char *qid, int prio, const char *fmt, ...)
{
	va_list ap;

	char q[BOUND_LOG_VALUE];

	if (qid == NULL || *qid == '\0')
		qid = "NOQUEUE";
	/* the MTA's queue id is data too */
	qid = log_value(q, sizeof(q), qid);
	va_start(ap, fmt);
	log_vformat(prio, NULL, qid, fmt, ap);
	va_end(ap);
}

void
log_fatal(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_CRIT, "fatal", NULL, fmt, ap);
	va_end(ap);
	exit(status);
}

void
log_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat(LOG_CRIT, "panic", NULL, fmt, ap);
	va_end(ap);
	abort();
}
