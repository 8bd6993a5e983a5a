/*
 * test_review.c - the review pages without a socket: escaping, forms,
 * sessions and their cookies, CSRF, the sign-in throttle, and each
 * page over a real store (review.h)
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "message.h"
#include "mime.h"
#include "qstore.h"
#include "review.h"
#include "testutil.h"
#include "verdict.h"

#define T0 1764884400 /* 2025-12-04T21:40:00Z */

static struct config *cfg;
static struct review *rv;
static char held_id[QSTORE_ID_SIZE], hostile_id[QSTORE_ID_SIZE];
static int auth_calls;

/* auth - alice/right may review; anyone else not */
static int
auth(void *arg, const char *user, const char *pass)
{
	(void)arg;
	auth_calls++;
	if (strcmp(user, "busy") == 0)
		return -2;
	return strcmp(user, "alice") == 0 && strcmp(pass, "right") == 0;
}

/* hold - put one message in the store (suite set-up: no asserts) */
static int
hold(struct qstore *qs, char id[QSTORE_ID_SIZE], const char *headers,
    const char *body, time_t when)
{
	struct message *msg = testutil_message("teacher@district.example",
	    "family@gmail.example", headers, "rivera");
	struct verdict *v = verdict_new();
	int r = -1;

	if (msg != NULL && v != NULL &&
	    message_add_body(msg, body, strlen(body)) == 0 &&
	    verdict_set_action(v, VERDICT_QUARANTINE, NULL, NULL,
	        "Grades go through the portal.", "hold-grades",
	        "Student Records (Policy 4150)") == 0 &&
	    verdict_add_match(v, "hold-grades", "Student Records (Policy 4150)",
	        VERDICT_MODE_ENFORCE, "quarantine",
	        "Subject matches <b>grades</b>") == 0)
		r = qstore_put(qs, id, msg, NULL, 0, v, when);
	verdict_free(v);
	message_free(msg);
	return r;
}

static int
setup(void)
{
	char xml[4096], dir[2048], err[1024];
	struct diag *dg = diag_new();
	struct qstore *qs;
	const char *path;

	mime_init();
	(void)snprintf(dir, sizeof(dir), "%s/store", testutil_tmpdir());
	(void)snprintf(xml, sizeof(xml),
	    "<guardian-milter version=\"1\">\n<settings>\n<quarantine>\n"
	    "<dir>%s</dir>\n<reviewer-group>reviewers</reviewer-group>\n"
	    "<notices>no</notices>\n<sendmail>/bin/true</sendmail>\n"
	    "<review><listen>127.0.0.1:8895</listen>"
	    "<idle-minutes>10</idle-minutes></review>\n"
	    "</quarantine>\n</settings>\n</guardian-milter>\n",
	    dir);
	path = testutil_write(testutil_tmpdir(), "review.xml", xml);
	if (dg == NULL || config_load(&cfg, path, dg) == -1) {
		diag_print(dg, stderr);
		diag_free(dg);
		return -1;
	}
	diag_free(dg);
	if (qstore_open(&qs, dir, 1, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (hold(qs, held_id,
	        "From: Ms. Rivera <teacher@district.example>\n"
	        "To: family@gmail.example\nSubject: Grades for the term\n",
	        "Dear family,\r\nSam's grades: B+.\r\n", T0 - 3600) == -1 ||
	    hold(qs, hostile_id,
	        "From: Ms. Rivera <teacher@district.example>\n"
	        "To: family@gmail.example\n"
	        "Subject: <script>window.pwned=1</script> grades\n",
	        "<img src=x onerror=\"window.pwned=2\">\r\n", T0) == -1) {
		fprintf(stderr, "%s\n", qstore_error(qs));
		qstore_close(qs);
		return -1;
	}
	qstore_close(qs);
	return review_new(&rv, cfg, auth, NULL, 0);
}

static int
teardown(void)
{
	review_free(rv);
	config_free(cfg);
	return 0;
}

/* call - one request; the response in *resp (review_response_free()) */
static void
call(struct review_response *resp, const char *method, const char *path,
    const char *query, const char *body, const char *session, const char *login,
    time_t now)
{
	struct review_request q;

	memset(&q, 0, sizeof(q));
	q.method = method;
	q.path = path;
	q.query = query != NULL ? query : "";
	q.body = body;
	q.bodylen = body != NULL ? strlen(body) : 0;
	q.session = session;
	q.login = login;
	q.client = "192.0.2.1";
	q.now = now;
	review_handle(rv, &q, resp);
}

/* cookie_value - the value of cookie name set by resp, into dst */
static int
cookie_value(char *dst, size_t size, const struct review_response *resp,
    const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < resp->ncookies; i++)
		if (strncmp(resp->cookies[i], name, n) == 0 &&
		    resp->cookies[i][n] == '=') {
			(void)snprintf(dst, size, "%.*s",
			    (int)strcspn(resp->cookies[i] + n + 1, ";"),
			    resp->cookies[i] + n + 1);
			return 1;
		}
	return 0;
}

/* form_token - the value of hidden field name in a page */
static int
form_token(char *dst, size_t size, const char *page, const char *name)
{
	char pat[64];
	const char *p;

	(void)snprintf(pat, sizeof(pat), "name=\"%s\" value=\"", name);
	if ((p = strstr(page, pat)) == NULL)
		return 0;
	p += strlen(pat);
	(void)snprintf(dst, size, "%.*s", (int)strcspn(p, "\""), p);
	return 1;
}

/* sign_in - a session for alice at now: its cookie into session, its
 * CSRF token into csrf */
static void
sign_in(char *session, char *csrf, time_t now)
{
	struct review_response r;
	char tok[64], body[256];

	call(&r, "GET", "/login", NULL, NULL, NULL, NULL, now);
	CU_ASSERT_FATAL(
	    cookie_value(tok, sizeof(tok), &r, REVIEW_LOGIN_COOKIE));
	review_response_free(&r);
	(void)snprintf(
	    body, sizeof(body), "token=%s&user=alice&password=right", tok);
	call(&r, "POST", "/login", NULL, body, NULL, tok, now);
	CU_ASSERT_EQUAL(r.status, 303);
	CU_ASSERT_STRING_EQUAL(r.location, "/queue");
	CU_ASSERT_FATAL(cookie_value(session, 64, &r, REVIEW_COOKIE));
	review_response_free(&r);
	call(&r, "GET", "/queue", NULL, NULL, session, NULL, now);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FATAL(form_token(csrf, 64, buf_str(&r.body), "csrf"));
	review_response_free(&r);
}

/* ---- escaping and forms --------------------------------------------- */

static void
review_html_escapes_markup_and_controls(void)
{
	struct buf b;
	const char *s = "<script>alert('x')</script> & \"q\"\x01\tok\r\n";

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(review_html(&b, s, strlen(s)), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
	    "&quot;q&quot;\xef\xbf\xbd\tok\n");
	buf_free(&b);
	buf_init(&b, 8);
	CU_ASSERT_EQUAL(review_html(&b, "<<<<", 4), BUF_TOOBIG);
	buf_free(&b);
}

static void
review_form_value_decodes_and_refuses_nul_and_overlong(void)
{
	char v[16];
	const char *f = "a=1&reason=two+words%21&id=%2e%2e%2fetc&z=%00&bad=%4";

	CU_ASSERT_EQUAL(review_form_value(v, sizeof(v), f, strlen(f), "a"), 1);
	CU_ASSERT_STRING_EQUAL(v, "1");
	CU_ASSERT_EQUAL(
	    review_form_value(v, sizeof(v), f, strlen(f), "reason"), 1);
	CU_ASSERT_STRING_EQUAL(v, "two words!");
	CU_ASSERT_EQUAL(review_form_value(v, sizeof(v), f, strlen(f), "id"), 1);
	CU_ASSERT_STRING_EQUAL(v, "../etc");
	CU_ASSERT_FALSE(qstore_id_valid(v));
	CU_ASSERT_EQUAL(review_form_value(v, sizeof(v), f, strlen(f), "z"), -1);
	CU_ASSERT_EQUAL(
	    review_form_value(v, sizeof(v), f, strlen(f), "bad"), -1);
	CU_ASSERT_EQUAL(
	    review_form_value(v, sizeof(v), f, strlen(f), "none"), 0);
	CU_ASSERT_EQUAL(review_form_value(v, 4, f, strlen(f), "reason"), -1);
}

static void
review_security_headers_are_strict(void)
{
	size_t i;
	int csp = 0, nosniff = 0, referrer = 0;

	for (i = 0; review_security_headers[i] != NULL; i += 2) {
		const char *n = review_security_headers[i],
		           *v = review_security_headers[i + 1];

		if (strcmp(n, "Content-Security-Policy") == 0 &&
		    strstr(v, "default-src 'none'") != NULL &&
		    strstr(v, "style-src 'self'") != NULL &&
		    strstr(v, "form-action 'self'") != NULL &&
		    strstr(v, "frame-ancestors 'none'") != NULL &&
		    strstr(v, "script") == NULL)
			csp = 1;
		if (strcmp(n, "X-Content-Type-Options") == 0 &&
		    strcmp(v, "nosniff") == 0)
			nosniff = 1;
		if (strcmp(n, "Referrer-Policy") == 0 &&
		    strcmp(v, "no-referrer") == 0)
			referrer = 1;
	}
	CU_ASSERT(csp && nosniff && referrer);
}

/* ---- sign-in and sessions ------------------------------------------- */

static void
review_pages_need_a_session(void)
{
	struct review_response r;

	call(&r, "GET", "/queue", NULL, NULL, NULL, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 303);
	CU_ASSERT_STRING_EQUAL(r.location, "/login");
	review_response_free(&r);
	call(&r, "GET", "/queue", NULL, NULL,
	    "0123456789abcdef0123456789abcdef", NULL, T0);
	CU_ASSERT_EQUAL(r.status, 303);
	review_response_free(&r);
	call(&r, "POST", "/action", NULL, "id=x", NULL, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 403);
	review_response_free(&r);
	call(&r, "GET", "/../../etc/passwd", NULL, NULL, NULL, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 404);
	review_response_free(&r);
}

static void
review_sign_in_sets_a_strict_cookie(void)
{
	struct review_response r;
	char tok[64], body[256];
	size_t i;
	int found = 0;

	call(&r, "GET", "/login", NULL, NULL, NULL, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FATAL(
	    cookie_value(tok, sizeof(tok), &r, REVIEW_LOGIN_COOKIE));
	review_response_free(&r);
	(void)snprintf(
	    body, sizeof(body), "token=%s&user=alice&password=right", tok);
	call(&r, "POST", "/login", NULL, body, NULL, tok, T0);
	CU_ASSERT_EQUAL(r.status, 303);
	for (i = 0; i < r.ncookies; i++)
		if (strncmp(r.cookies[i], REVIEW_COOKIE "=", 11) == 0) {
			found = 1;
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(r.cookies[i], "HttpOnly"));
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(r.cookies[i], "SameSite=Strict"));
			CU_ASSERT_PTR_NULL(strstr(r.cookies[i], "Secure"));
			CU_ASSERT_EQUAL(strcspn(r.cookies[i] + 11, ";"), 32);
		}
	CU_ASSERT(found);
	review_response_free(&r);
}

static void
review_sign_in_over_tls_sets_secure(void)
{
	struct review *tls;
	struct review_request q;
	struct review_response r;

	CU_ASSERT_FATAL(review_new(&tls, cfg, auth, NULL, 1) == 0);
	memset(&q, 0, sizeof(q));
	q.method = "GET";
	q.path = "/login";
	q.query = "";
	q.client = "192.0.2.9";
	q.now = T0;
	review_handle(tls, &q, &r);
	CU_ASSERT_EQUAL(r.ncookies, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.cookies[0], "; Secure"));
	review_response_free(&r);
	review_free(tls);
}

static void
review_sign_in_without_the_form_token_is_refused(void)
{
	struct review_response r;
	int before = auth_calls;

	call(&r, "POST", "/login", NULL,
	    "token=0123456789abcdef0123456789abcdef&user=alice&password=right",
	    NULL, "fedcba9876543210fedcba9876543210", T0);
	CU_ASSERT_EQUAL(r.status, 403);
	CU_ASSERT_EQUAL(r.ncookies, 1); /* a fresh form token only */
	CU_ASSERT_EQUAL(auth_calls, before);
	review_response_free(&r);
}

static void
review_sign_in_failures_are_throttled(void)
{
	struct review_request q;
	struct review_response r;
	char tok[64], body[256];
	int i, before;

	memset(&q, 0, sizeof(q));
	for (i = 0; i < 7; i++) {
		q.method = "GET";
		q.path = "/login";
		q.query = "";
		q.client = "198.51.100.7";
		q.now = T0;
		q.body = NULL;
		q.bodylen = 0;
		review_handle(rv, &q, &r);
		CU_ASSERT_FATAL(
		    cookie_value(tok, sizeof(tok), &r, REVIEW_LOGIN_COOKIE));
		review_response_free(&r);
		(void)snprintf(body, sizeof(body),
		    "token=%s&user=alice&password=wrong", tok);
		q.method = "POST";
		q.body = body;
		q.bodylen = strlen(body);
		q.login = tok;
		before = auth_calls;
		review_handle(rv, &q, &r);
		if (i < 5) {
			CU_ASSERT_EQUAL(r.status, 403);
			CU_ASSERT_EQUAL(auth_calls, before + 1);
		} else {
			CU_ASSERT_EQUAL(r.status, 429);
			CU_ASSERT_EQUAL(auth_calls, before);
		}
		review_response_free(&r);
	}
	/* another address is not held back */
	sign_in(tok, body, T0);
}

static void
review_sign_in_while_the_helper_is_busy_is_deferred(void)
{
	struct review_request q;
	struct review_response r;
	char tok[64], body[256];
	int i;

	memset(&q, 0, sizeof(q));
	for (i = 0; i < 8; i++) {
		q.method = "GET";
		q.path = "/login";
		q.query = "";
		q.client = "203.0.113.5";
		q.now = T0;
		q.body = NULL;
		q.bodylen = 0;
		review_handle(rv, &q, &r);
		CU_ASSERT_FATAL(
		    cookie_value(tok, sizeof(tok), &r, REVIEW_LOGIN_COOKIE));
		review_response_free(&r);
		(void)snprintf(
		    body, sizeof(body), "token=%s&user=busy&password=x", tok);
		q.method = "POST";
		q.body = body;
		q.bodylen = strlen(body);
		q.login = tok;
		review_handle(rv, &q, &r);
		/* busy is not a failure: never throttled */
		CU_ASSERT_EQUAL(r.status, 503);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), "busy"));
		review_response_free(&r);
	}
}

static void
review_session_expires_when_idle(void)
{
	struct review_response r;
	char session[64], csrf[64];

	sign_in(session, csrf, T0);
	call(&r, "GET", "/queue", NULL, NULL, session, NULL, T0 + 9 * 60);
	CU_ASSERT_EQUAL(r.status, 200);
	review_response_free(&r);
	call(&r, "GET", "/queue", NULL, NULL, session, NULL, T0 + 20 * 60);
	CU_ASSERT_EQUAL(r.status, 303);
	CU_ASSERT_STRING_EQUAL(r.location, "/login");
	review_response_free(&r);
}

static void
review_sign_out_ends_the_session(void)
{
	struct review_response r;
	char session[64], csrf[64], body[128];

	sign_in(session, csrf, T0);
	call(&r, "POST", "/logout", NULL, "csrf=bad", session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 403);
	review_response_free(&r);
	(void)snprintf(body, sizeof(body), "csrf=%s", csrf);
	call(&r, "POST", "/logout", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 303);
	review_response_free(&r);
	call(&r, "GET", "/queue", NULL, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 303);
	review_response_free(&r);
}

/* ---- pages ---------------------------------------------------------- */

static void
review_queue_lists_newest_first_escaped(void)
{
	struct review_response r;
	char session[64], csrf[64];
	const char *a, *b, *page;

	sign_in(session, csrf, T0);
	call(&r, "GET", "/queue", "status=held", NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	page = buf_str(&r.body);
	a = strstr(page, hostile_id);
	b = strstr(page, held_id);
	CU_ASSERT(a != NULL && b != NULL && a < b);
	CU_ASSERT_PTR_NULL(strstr(page, "<script"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "&lt;script&gt;window.pwned=1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "hold-grades</a> 2"));
	review_response_free(&r);
	call(&r, "GET", "/queue", "sender=nobody%40else", NULL, session, NULL,
	    T0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), "0 message(s)"));
	review_response_free(&r);
	call(&r, "GET", "/queue", "status=bogus", NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 400);
	review_response_free(&r);
}

static void
review_query_that_is_huge_or_has_nul_is_refused(void)
{
	struct review_response r;
	char session[64], csrf[64], *q;

	sign_in(session, csrf, T0);
	q = malloc(100000);
	CU_ASSERT_FATAL(q != NULL);
	memcpy(q, "sender=", 7);
	memset(q + 7, 'a', 99990);
	q[99997] = '\0';
	call(&r, "GET", "/queue", q, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 400);
	review_response_free(&r);
	free(q);
	call(&r, "GET", "/message", "id=0123456789abcdef%00", NULL, session,
	    NULL, T0);
	CU_ASSERT_EQUAL(r.status, 400);
	review_response_free(&r);
	call(&r, "GET", "/message", "id=..%2f..%2fetc%2fpasswd", NULL, session,
	    NULL, T0);
	CU_ASSERT_EQUAL(r.status, 400);
	review_response_free(&r);
	call(&r, "GET", "/message/raw", "id=0000000000000000", NULL, session,
	    NULL, T0);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_EQUAL(r.fd, -1);
	review_response_free(&r);
}

static void
review_message_shows_text_never_markup(void)
{
	struct review_response r;
	char session[64], csrf[64], q[64];
	const char *page;

	sign_in(session, csrf, T0);
	(void)snprintf(q, sizeof(q), "id=%s", hostile_id);
	call(&r, "GET", "/message", q, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	page = buf_str(&r.body);
	CU_ASSERT_PTR_NULL(strstr(page, "<script"));
	CU_ASSERT_PTR_NULL(strstr(page, "<img"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "&lt;img src=x onerror="));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(page, "Subject matches &lt;b&gt;grades&lt;/b&gt;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "Student Records (Policy 4150)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "family@gmail.example"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "name=\"csrf\""));
	review_response_free(&r);
	call(&r, "GET", "/message/raw", q, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT(r.fd >= 0);
	CU_ASSERT(r.len > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.disposition, "attachment;"));
	review_response_free(&r);
}

static void
review_release_needs_csrf_reason_and_confirmation(void)
{
	struct review_response r;
	struct qstore *qs;
	struct qstore_entry e;
	char session[64], csrf[64], body[512], err[256];

	sign_in(session, csrf, T0);
	(void)snprintf(body, sizeof(body),
	    "id=%s&action=release&reason=ok&confirm=yes", held_id);
	call(&r, "POST", "/action", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 403);
	review_response_free(&r);
	(void)snprintf(body, sizeof(body),
	    "csrf=0123456789abcdef0123456789abcdef&id=%s&action=release&"
	    "reason=ok&confirm=yes",
	    held_id);
	call(&r, "POST", "/action", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 403);
	review_response_free(&r);
	(void)snprintf(body, sizeof(body),
	    "csrf=%s&id=%s&action=release&reason=+&confirm=yes", csrf, held_id);
	call(&r, "POST", "/action", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 400);
	review_response_free(&r);
	(void)snprintf(body, sizeof(body),
	    "csrf=%s&id=%s&action=release&reason=portal+down", csrf, held_id);
	call(&r, "POST", "/action", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), "name=\"confirm\""));
	review_response_free(&r);
	/* nothing happened yet */
	CU_ASSERT_FATAL(qstore_open(&qs, config_quarantine(cfg)->dir, 0, err,
	                    sizeof(err)) == 0);
	CU_ASSERT_FATAL(qstore_get(&e, qs, held_id) == 0);
	CU_ASSERT_EQUAL(e.status, QSTORE_HELD);
	qstore_entry_free(&e);
	(void)snprintf(body, sizeof(body),
	    "csrf=%s&id=%s&action=release&reason=portal+down&confirm=yes", csrf,
	    held_id);
	call(&r, "POST", "/action", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 303);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.location, held_id));
	review_response_free(&r);
	CU_ASSERT_FATAL(qstore_get(&e, qs, held_id) == 0);
	CU_ASSERT_EQUAL(e.status, QSTORE_RELEASED);
	CU_ASSERT_STRING_EQUAL(e.status_by, "alice");
	CU_ASSERT_STRING_EQUAL(e.status_reason, "portal down");
	qstore_entry_free(&e);
	qstore_close(qs);
	/* a second reviewer is told who did it */
	call(&r, "POST", "/action", NULL, body, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 409);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(buf_str(&r.body), "was released already by alice at"));
	review_response_free(&r);
	/* the audit page shows it */
	call(&r, "GET", "/audit", "action=release", NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), held_id));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), "portal down"));
	CU_ASSERT_PTR_NULL(strstr(buf_str(&r.body), "release-refused"));
	review_response_free(&r);
}

static void
review_summary_draws_a_chart(void)
{
	struct review_response r;
	char session[64], csrf[64];

	sign_in(session, csrf, T0);
	call(&r, "GET", "/summary", NULL, NULL, session, NULL, T0 + 60);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), "<svg id=\"chart\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_str(&r.body), "2 message(s) held"));
	CU_ASSERT_PTR_NULL(strstr(buf_str(&r.body), "style="));
	review_response_free(&r);
	call(&r, "GET", "/style.css", NULL, NULL, NULL, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.type, "text/css"));
	review_response_free(&r);
	call(&r, "PUT", "/queue", NULL, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 405);
	review_response_free(&r);
}

static void
review_message_text_past_the_bound_is_cut_with_a_note(void)
{
	struct review_response r;
	struct qstore *qs;
	char session[64], csrf[64], q[64], err[256], id[QSTORE_ID_SIZE];
	char *body;
	size_t n = 1200 * 1024, i;

	body = malloc(n + 1);
	CU_ASSERT_FATAL(body != NULL);
	for (i = 0; i < n; i++)
		body[i] = i % 64 == 63 ? '\n' : "abcdefgh"[i % 8];
	body[n] = '\0';
	CU_ASSERT_FATAL(qstore_open(&qs, config_quarantine(cfg)->dir, 0, err,
	                    sizeof(err)) == 0);
	CU_ASSERT_FATAL(
	    hold(qs, id, "From: a@district.example\nSubject: long grades\n",
	        body, T0) == 0);
	free(body);
	sign_in(session, csrf, T0);
	(void)snprintf(q, sizeof(q), "id=%s", id);
	call(&r, "GET", "/message", q, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    buf_str(&r.body), "The text shown stops after 1048576 bytes"));
	CU_ASSERT(r.body.len < 1200 * 1024);
	review_response_free(&r);
	CU_ASSERT(qstore_delete(qs, id, "test", "done", T0) == 0);
	qstore_close(qs);
}

/* set_verdict - replace the verdict line of held message id's file */
static int
set_verdict(const char *id, const char *json)
{
	char path[4096], *data, *v, *eol;
	FILE *fp;
	long n;
	int r = -1;

	(void)snprintf(
	    path, sizeof(path), "%s/%s", config_quarantine(cfg)->dir, id);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (data = calloc(1, (size_t)n + 1)) == NULL) {
		fclose(fp);
		return -1;
	}
	if (fread(data, 1, (size_t)n, fp) != (size_t)n)
		goto out;
	fclose(fp);
	fp = NULL;
	if ((v = strstr(data, "\nverdict: ")) == NULL ||
	    (eol = strchr(v + 1, '\n')) == NULL ||
	    (fp = fopen(path, "w")) == NULL)
		goto out;
	fwrite(data, 1, (size_t)(v - data), fp);
	fprintf(fp, "\nverdict: %s", json);
	fputs(eol, fp);
	r = fclose(fp) == 0 ? 0 : -1;
	fp = NULL;
out:
	if (fp != NULL)
		fclose(fp);
	free(data);
	return r;
}

static void
review_message_marks_the_evidence_in_the_text(void)
{
	struct review_response r;
	struct qstore *qs;
	char session[64], csrf[64], q[64], err[256], id[QSTORE_ID_SIZE];
	const char *page;

	CU_ASSERT_FATAL(qstore_open(&qs, config_quarantine(cfg)->dir, 0, err,
	                    sizeof(err)) == 0);
	CU_ASSERT_FATAL(
	    hold(qs, id, "From: a@district.example\nSubject: report grades\n",
	        "Ava Lopez: report card attached <b>.\r\n", T0) == 0);
	CU_ASSERT_FATAL(
	    set_verdict(id,
	        "{\"action\":\"quarantine\",\"matches\":[{\"rule\":"
	        "\"records\",\"policy\":null,\"mode\":\"enforce\","
	        "\"what\":\"quarantine\",\"why\":null}],"
	        "\"findings\":[{\"rule\":\"records\",\"detector\":"
	        "\"student-record\",\"where\":\"body <i>\",\"name\":\"\","
	        "\"matches\":2,\"students\":1,\"evidence\":\"Ava "
	        "L\\u2026 \\u2014 report card\"}],"
	        "\"reply\":null}") == 0);
	sign_in(session, csrf, T0);
	(void)snprintf(q, sizeof(q), "id=%s", id);
	call(&r, "GET", "/message", q, NULL, session, NULL, T0);
	CU_ASSERT_EQUAL(r.status, 200);
	page = buf_str(&r.body);
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td>student-record</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td>2</td><td>1</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    page, "<mark>Ava L\xe2\x80\xa6 \xe2\x80\x94 report card</mark>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td>body &lt;i&gt;</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page,
	    "<mark>Ava L</mark>opez: <mark>report card</mark> attached "
	    "&lt;b&gt;."));
	CU_ASSERT_PTR_NULL(strstr(page, "<i>"));
	review_response_free(&r);
	CU_ASSERT(qstore_delete(qs, id, "test", "done", T0) == 0);
	qstore_close(qs);
}

static CU_TestInfo tests[] = {
    {"review_html_escapes_markup_and_controls",
        review_html_escapes_markup_and_controls},
    {"review_form_value_decodes_and_refuses_nul_and_overlong",
        review_form_value_decodes_and_refuses_nul_and_overlong},
    {"review_security_headers_are_strict", review_security_headers_are_strict},
    {"review_pages_need_a_session", review_pages_need_a_session},
    {"review_sign_in_sets_a_strict_cookie",
        review_sign_in_sets_a_strict_cookie},
    {"review_sign_in_over_tls_sets_secure",
        review_sign_in_over_tls_sets_secure},
    {"review_sign_in_without_the_form_token_is_refused",
        review_sign_in_without_the_form_token_is_refused},
    {"review_sign_in_failures_are_throttled",
        review_sign_in_failures_are_throttled},
    {"review_sign_in_while_the_helper_is_busy_is_deferred",
        review_sign_in_while_the_helper_is_busy_is_deferred},
    {"review_session_expires_when_idle", review_session_expires_when_idle},
    {"review_sign_out_ends_the_session", review_sign_out_ends_the_session},
    {"review_queue_lists_newest_first_escaped",
        review_queue_lists_newest_first_escaped},
    {"review_query_that_is_huge_or_has_nul_is_refused",
        review_query_that_is_huge_or_has_nul_is_refused},
    {"review_message_shows_text_never_markup",
        review_message_shows_text_never_markup},
    {"review_release_needs_csrf_reason_and_confirmation",
        review_release_needs_csrf_reason_and_confirmation},
    {"review_summary_draws_a_chart", review_summary_draws_a_chart},
    {"review_message_marks_the_evidence_in_the_text",
        review_message_marks_the_evidence_in_the_text},
    {"review_message_text_past_the_bound_is_cut_with_a_note",
        review_message_text_past_the_bound_is_cut_with_a_note},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"review", setup, teardown, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_review", suites);
}
