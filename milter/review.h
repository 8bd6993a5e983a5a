/*
 * review.h - the review pages of guardian-review(8): request handling
 * without the HTTP server
 *
 * The HTTP server (libmicrohttpd, in review_main.c) hands each request
 * to review_handle() as a struct review_request and sends back the
 * struct review_response it fills; everything between (sessions, CSRF
 * tokens, sign-in throttling, the pages) lives here, so that the unit
 * tests drive it without a socket.
 *
 * Pages, all server-rendered HTML without script:
 *	GET  /login, POST /login, POST /logout
 *	GET  /queue?status=&rule=&sender=&recipient=&since=&until=
 *	GET  /message?id=ID            one message, decoded text only
 *	GET  /message/raw?id=ID        the held bytes, as an attachment
 *	POST /action                   release or delete: reason, confirm
 *	GET  /audit?who=&action=&id=&text=
 *	GET  /summary                  held per week and per rule (SVG)
 *	GET  /style.css
 * Every state change is a POST carrying the session's CSRF token (the
 * sign-in form: a token in a cookie and in the form, both equal).
 * Everything from a message is HTML-escaped; ids are checked with
 * qstore_id_valid() before the store sees them, and no request path is
 * ever a file name.
 *
 * Thread safety: review_handle() may run in several threads at once
 * (sessions and the sign-in throttle are behind a lock; each request
 * opens its own store handle).
 */
#ifndef GUARDIAN_REVIEW_H
#define GUARDIAN_REVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

struct config;
struct review;

/* The cookies: the session, and the sign-in form's token. */
#define REVIEW_COOKIE "gr_session"
#define REVIEW_LOGIN_COOKIE "gr_login"

/* A token (session id, CSRF token): 32 hex digits and a NUL. */
#define REVIEW_TOKEN_SIZE 33

/*
 * The sign-in check: 1 when user may review (password right, account
 * valid, in the reviewer group), 0 when not, -1 when it cannot be told
 * (helper gone), -2 when it is busy with another (not a failure: try
 * again). May block; called without the service's lock held.
 */
typedef int (*review_auth_fn)(void *arg, const char *user, const char *pass);

struct review_request {
	const char *method; /* "GET", "HEAD", "POST" */
	const char *path;   /* without the query */
	const char *query;  /* raw, after '?'; "" if none */
	const char *body;   /* a POST's form (urlencoded); may be NULL */
	size_t bodylen;
	const char *session; /* REVIEW_COOKIE's value or NULL */
	const char *login;   /* REVIEW_LOGIN_COOKIE's value or NULL */
	const char *client;  /* the peer's address, for logs and throttling */
	time_t now;
};

#define REVIEW_MAX_COOKIES 2

struct review_response {
	unsigned status;  /* HTTP status */
	const char *type; /* Content-Type (static) */
	struct buf body;  /* unless fd >= 0 */
	int fd;           /* a file body: len bytes from offset */
	uint64_t offset, len;
	char location[512];    /* a redirect's Location, or "" */
	char disposition[128]; /* Content-Disposition, or "" */
	char cookies[REVIEW_MAX_COOKIES][256]; /* Set-Cookie values */
	size_t ncookies;
};

/* The headers every response carries (name, value pairs, NULL-ended). */
extern const char *const review_security_headers[];

/*
 * review_new - the service over cfg's quarantine (cfg borrowed for its
 * life), signing in through auth(arg, ...). tls: the pages are served
 * over TLS (cookies get Secure). Returns 0 and a new service in *out
 * (review_free()), or -1 with errno.
 */
int review_new(struct review **out, const struct config *cfg,
    review_auth_fn auth, void *arg, int tls);

/* review_free - NULL does nothing */
void review_free(struct review *rv);

/* review_handle - answer req into resp (which it initialises: release
 * with review_response_free()). Never fails: errors are pages. */
void review_handle(struct review *rv, const struct review_request *req,
    struct review_response *resp);

/* review_response_free - its body buffer and file; NULL does nothing */
void review_response_free(struct review_response *resp);

/* review_html - s (len bytes) HTML-escaped onto out: & < > " ' as
 * entities, CR dropped, other control bytes but tab and newline as
 * U+FFFD; BUF_OK or the buffer's error */
int review_html(struct buf *out, const char *s, size_t len);

/*
 * review_form_value - the value of name in an urlencoded form or query
 * (len bytes), decoded ('+' is a space, %XX a byte) into dst: 1 found,
 * 0 not there, -1 malformed (bad %-escape, a NUL, or longer than
 * size - 1 bytes). The first occurrence counts.
 */
int review_form_value(
    char *dst, size_t size, const char *form, size_t len, const char *name);

/* review_token - a new random token (getrandom(2)); 0 or -1 */
int review_token(char out[REVIEW_TOKEN_SIZE]);

/* review_session_count - sessions alive at now (tests, status) */
size_t review_session_count(struct review *rv, time_t now);

#endif /* GUARDIAN_REVIEW_H */
