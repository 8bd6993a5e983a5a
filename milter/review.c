/*
 * review.c - the review pages: sessions, CSRF, sign-in throttling and
 * request dispatch (see review.h); the pages themselves are in
 * review_pages.c
 */
#include "autoconf.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "log.h"
#include "review.h"
#include "review_int.h"

const char *const review_security_headers[] = {"Content-Security-Policy",
    "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer",
    "X-Frame-Options", "DENY", "Cache-Control", "no-store",
    "Cross-Origin-Opener-Policy", "same-origin", NULL};

int
review_token(char out[REVIEW_TOKEN_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t got = 0, i;
	ssize_t n;

	while (got < sizeof(r)) {
		n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	for (i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * sizeof(r)] = '\0';
	return 0;
}

/* token_eq - a and b are the same well-formed token, compared in
 * constant time */
static int
token_eq(const char *a, const char *b)
{
	unsigned char d = 0;
	size_t i;

	if (a == NULL || b == NULL || strlen(a) != REVIEW_TOKEN_SIZE - 1 ||
	    strlen(b) != REVIEW_TOKEN_SIZE - 1)
		return 0;
	for (i = 0; i < REVIEW_TOKEN_SIZE - 1; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int
review_new(struct review **out, const struct config *cfg, review_auth_fn auth,
    void *arg, int tls)
{
	const struct config_review *c = config_review(cfg);
	struct review *rv;

	if ((rv = calloc(1, sizeof(*rv))) == NULL)
		return -1;
	if ((errno = pthread_mutex_init(&rv->lock, NULL)) != 0) {
		free(rv);
		return -1;
	}
	rv->cfg = cfg;
	rv->auth = auth;
	rv->auth_arg = arg;
	rv->tls = tls;
	rv->idle = (time_t)(c->idle_minutes != 0 ? c->idle_minutes : 30) * 60;
	*out = rv;
	return 0;
}

void
review_free(struct review *rv)
{
	if (rv == NULL)
		return;
	explicit_bzero(rv->sessions, sizeof(rv->sessions));
	(void)pthread_mutex_destroy(&rv->lock);
	free(rv);
}

/* ---- sessions ---------------------------------------------------------- */

/* review_session_get - the live session of token id, its use time refreshed;
 * copied into *out (0), or -1 when there is none (forged, expired,
 * signed out). Expired ones are wiped on the way. */
int
review_session_get(
    struct review *rv, struct review_session *out, const char *id, time_t now)
{
	size_t i;
	int r = -1;

	if (id == NULL)
		return -1;
	(void)pthread_mutex_lock(&rv->lock);
	for (i = 0; i < BOUND_REVIEW_SESSIONS; i++) {
		struct review_session *s = &rv->sessions[i];

		if (s->id[0] == '\0')
			continue;
		if (now - s->used > rv->idle || now < s->created) {
			explicit_bzero(s, sizeof(*s));
			continue;
		}
		if (r == -1 && token_eq(s->id, id)) {
			s->used = now;
			*out = *s;
			r = 0;
		}
	}
	(void)pthread_mutex_unlock(&rv->lock);
	return r;
}

/* review_session_new - a new session for user; 0 with it in *out, or -1
 * (table full, or no randomness) */
int
review_session_new(
    struct review *rv, struct review_session *out, const char *user, time_t now)
{
	struct review_session *free_slot = NULL;
	size_t i;

	(void)pthread_mutex_lock(&rv->lock);
	for (i = 0; i < BOUND_REVIEW_SESSIONS; i++) {
		struct review_session *s = &rv->sessions[i];

		if (s->id[0] != '\0' && now - s->used > rv->idle)
			explicit_bzero(s, sizeof(*s));
		if (s->id[0] == '\0' && free_slot == NULL)
			free_slot = s;
	}
	if (free_slot == NULL || review_token(free_slot->id) == -1 ||
	    review_token(free_slot->csrf) == -1) {
		if (free_slot != NULL)
			explicit_bzero(free_slot, sizeof(*free_slot));
		(void)pthread_mutex_unlock(&rv->lock);
		return -1;
	}
	(void)snprintf(free_slot->user, sizeof(free_slot->user), "%s", user);
	free_slot->created = free_slot->used = now;
	*out = *free_slot;
	(void)pthread_mutex_unlock(&rv->lock);
	return 0;
}

/* review_session_end - sign out the session of token id */
void
review_session_end(struct review *rv, const char *id)
{
	size_t i;

	(void)pthread_mutex_lock(&rv->lock);
	for (i = 0; i < BOUND_REVIEW_SESSIONS; i++)
		if (rv->sessions[i].id[0] != '\0' &&
		    token_eq(rv->sessions[i].id, id))
			explicit_bzero(
			    &rv->sessions[i], sizeof(rv->sessions[i]));
	(void)pthread_mutex_unlock(&rv->lock);
}

size_t
review_session_count(struct review *rv, time_t now)
{
	size_t i, n = 0;

	(void)pthread_mutex_lock(&rv->lock);
	for (i = 0; i < BOUND_REVIEW_SESSIONS; i++)
		if (rv->sessions[i].id[0] != '\0' &&
		    now - rv->sessions[i].used <= rv->idle)
			n++;
	(void)pthread_mutex_unlock(&rv->lock);
	return n;
}

/* review_csrf_ok - the form carries the session's CSRF token */
int
review_csrf_ok(const struct review_session *s, const struct review_request *req)
{
	char tok[REVIEW_TOKEN_SIZE + 1];

	return review_form_value(
	           tok, sizeof(tok), req->body, req->bodylen, "csrf") == 1 &&
	    token_eq(tok, s->csrf);
}

/* ---- the sign-in throttle -------------------------------------------- */

/* review_throttle - 1 if client failed BOUND_REVIEW_FAILURES times in
 * the window; with failed set, count one more failure first */
int
review_throttle(struct review *rv, const char *client, int failed, time_t now)
{
	struct review_throttle *t, *slot = NULL, *oldest = NULL;
	size_t i;
	int r;

	(void)pthread_mutex_lock(&rv->lock);
	for (i = 0; i < BOUND_REVIEW_THROTTLE_SLOTS; i++) {
		t = &rv->throttle[i];
		if (t->client[0] != '\0' &&
		    now - t->first > BOUND_REVIEW_THROTTLE_SECONDS)
			memset(t, 0, sizeof(*t));
		if (slot == NULL && t->client[0] != '\0' &&
		    strcmp(t->client, client) == 0)
			slot = t;
		if (oldest == NULL || t->first < oldest->first)
			oldest = t;
	}
	if (slot == NULL && failed) {
		slot = oldest;
		memset(slot, 0, sizeof(*slot));
		(void)snprintf(
		    slot->client, sizeof(slot->client), "%s", client);
		slot->first = now;
	}
	if (slot != NULL && failed)
		slot->failures++;
	r = slot != NULL && slot->failures >= BOUND_REVIEW_FAILURES;
	(void)pthread_mutex_unlock(&rv->lock);
	return r;
}

/* ---- forms and escaping ---------------------------------------------- */

/* hexval - the value of hex digit c, or -1 */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* decode - the urlencoded s (len bytes) into dst; its length, or -1 */
static ssize_t
decode(char *dst, size_t size, const char *s, size_t len)
{
	size_t i, n = 0;
	int hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == '\0' || n + 1 >= size)
			return -1;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	return (ssize_t)n;
}

int
review_form_value(
    char *dst, size_t size, const char *form, size_t len, const char *name)
{
	const char *p, *end, *amp, *eq;
	char key[64];

	if (form == NULL || size == 0)
		return 0;
	for (p = form, end = form + len; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (decode(key, sizeof(key), p, (size_t)(eq - p)) >= 0 &&
		    strcmp(key, name) == 0) {
			if (eq == amp) {
				dst[0] = '\0';
				return 1;
			}
			return decode(dst, size, eq + 1,
			           (size_t)(amp - eq - 1)) < 0 ?
			    -1 :
			    1;
		}
	}
	return 0;
}

int
review_html(struct buf *out, const char *s, size_t len)
{
	const char *run = s, *e;
	size_t i;
	int r;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		case '\r':
			e = ""; /* CRLF line ends show as LF */
			break;
		default:
			e = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ?
			    "\xef\xbf\xbd" :
			    NULL;
		}
		if (e == NULL)
			continue;
		if ((r = buf_append(out, run, (size_t)(s + i - run))) !=
		        BUF_OK ||
		    (r = buf_puts(out, e)) != BUF_OK)
			return r;
		run = s + i + 1;
	}
	return buf_append(out, run, (size_t)(s + len - run));
}

/* ---- responses --------------------------------------------------------- */

void
review_response_free(struct review_response *resp)
{
	if (resp == NULL)
		return;
	buf_free(&resp->body);
	if (resp->fd >= 0)
		(void)close(resp->fd);
	resp->fd = -1;
}

/* review_cookie - add a Set-Cookie value: name=value, HttpOnly,
 * SameSite=Strict, Secure over TLS; max_age 0 removes it */
void
review_cookie(struct review *rv, struct review_response *resp, const char *name,
    const char *value, const char *path, long max_age)
{
	if (resp->ncookies >= REVIEW_MAX_COOKIES)
		log_panic("review: more than %d cookies in one response",
		    REVIEW_MAX_COOKIES);
	if (max_age >= 0)
		(void)snprintf(resp->cookies[resp->ncookies++],
		    sizeof(resp->cookies[0]),
		    "%s=%s; Path=%s; HttpOnly; SameSite=Strict%s; Max-Age=%ld",
		    name, value, path, rv->tls ? "; Secure" : "", max_age);
	else
		(void)snprintf(resp->cookies[resp->ncookies++],
		    sizeof(resp->cookies[0]),
		    "%s=%s; Path=%s; HttpOnly; SameSite=Strict%s", name, value,
		    path, rv->tls ? "; Secure" : "");
}

/* review_redirect - 303 See Other to location (a path of ours) */
void
review_redirect(struct review_response *resp, const char *location)
{
	resp->status = 303;
	(void)snprintf(resp->location, sizeof(resp->location), "%s", location);
	(void)buf_puts(&resp->body, "See other\n");
	resp->type = "text/plain; charset=utf-8";
}

/* is - the request is method on path */
static int
is(const struct review_request *req, const char *method, const char *path)
{
	return strcmp(req->path, path) == 0 &&
	    (strcmp(req->method, method) == 0 ||
	        (strcmp(method, "GET") == 0 &&
	            strcmp(req->method, "HEAD") == 0));
}

/* known_path - path is one of ours (for 405 against 404) */
static int
known_path(const char *path)
{
	static const char *const paths[] = {"/", "/login", "/logout", "/queue",
	    "/message", "/message/raw", "/action", "/audit", "/summary",
	    "/style.css", NULL};
	size_t i;

	for (i = 0; paths[i] != NULL; i++)
		if (strcmp(path, paths[i]) == 0)
			return 1;
	return 0;
}

void
review_handle(struct review *rv, const struct review_request *req,
    struct review_response *resp)
{
	struct review_session s;

	memset(resp, 0, sizeof(*resp));
	resp->fd = -1;
	resp->status = 200;
	resp->type = "text/html; charset=utf-8";
	buf_init(&resp->body, BOUND_REVIEW_PAGE);

	if (is(req, "GET", "/style.css")) {
		review_page_css(resp);
		return;
	}
	if (is(req, "GET", "/login")) {
		review_page_login(rv, req, resp, NULL);
		return;
	}
	if (is(req, "POST", "/login")) {
		review_do_login(rv, req, resp);
		return;
	}
	if (review_session_get(rv, &s, req->session, req->now) == -1) {
		if (strcmp(req->method, "POST") == 0) {
			/* a forged or expired session posts nothing */
			review_page_error(resp, 403,
			    "Your session has ended: sign in again.");
			return;
		}
		if (known_path(req->path))
			review_redirect(resp, "/login");
		else
			review_page_error(resp, 404, "No such page.");
		explicit_bzero(&s, sizeof(s));
		return;
	}
	if (strcmp(req->method, "POST") == 0 && !review_csrf_ok(&s, req)) {
		log_warn("review: %s: a form from %s without its CSRF token "
		         "was refused",
		    s.user, req->client);
		review_page_error(resp, 403,
		    "This form did not come from this page, or it expired: "
		    "nothing was done. Go back, reload the page and try again.");
	} else if (is(req, "POST", "/logout")) {
		review_session_end(rv, s.id);
		review_cookie(rv, resp, REVIEW_COOKIE, "", "/", 0);
		log_info("review: %s signed out", s.user);
		review_redirect(resp, "/login");
	} else if (is(req, "GET", "/"))
		review_redirect(resp, "/queue");
	else if (is(req, "GET", "/queue"))
		review_page_queue(rv, &s, req, resp);
	else if (is(req, "GET", "/message"))
		review_page_message(rv, &s, req, resp, NULL);
	else if (is(req, "GET", "/message/raw"))
		review_page_raw(rv, &s, req, resp);
	else if (is(req, "POST", "/action"))
		review_do_action(rv, &s, req, resp);
	else if (is(req, "GET", "/audit"))
		review_page_audit(rv, &s, req, resp);
	else if (is(req, "GET", "/summary"))
		review_page_summary(rv, &s, req, resp);
	else if (known_path(req->path))
		review_page_error(resp, 405, "Method not allowed.");
	else
		review_page_error(resp, 404, "No such page.");
	explicit_bzero(&s, sizeof(s));
}
