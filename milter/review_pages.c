/*
 * review_pages.c - the pages of guardian-review (see review.h)
 *
 * Every page is built into the response's bounded buffer; a page that
 * would pass BOUND_REVIEW_PAGE is answered 500, never cut short. Each
 * value is written through review_html(); the only markup is ours. A
 * message's own HTML is never rendered: the page shows the decoded text
 * of its parts (content.h), escaped, inside <pre>.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "content.h"
#include "log.h"
#include "message.h"
#include "qstore.h"
#include "review.h"
#include "review_int.h"
#include "review_ops.h"
#include "verdict.h"

/* A page being written: its buffer, and whether an append failed. */
struct page {
	struct buf *b;
	int err;
};

static void
put(struct page *p, const char *s)
{
	if (!p->err && buf_puts(p->b, s) != BUF_OK)
		p->err = 1;
}

static void __attribute__((format(printf, 2, 3)))
putf(struct page *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!p->err && buf_vprintf(p->b, fmt, ap) != BUF_OK)
		p->err = 1;
	va_end(ap);
}

/* escn - len bytes of s, escaped */
static void
escn(struct page *p, const char *s, size_t len)
{
	if (!p->err && review_html(p->b, s, len) != BUF_OK)
		p->err = 1;
}

/* esc - s escaped; NULL as "" */
static void
esc(struct page *p, const char *s)
{
	if (s != NULL)
		escn(p, s, strlen(s));
}

/* esc_header - a header value as a mail program shows it, escaped */
static void
esc_header(struct page *p, const char *s)
{
	char *d = NULL;

	if (content_header_decode(&d, s) == 0 && d != NULL) {
		esc(p, d);
		free(d);
	} else
		esc(p, s);
}

/* when - t as "2026-12-04 21:40 UTC" */
static const char *
when(char *dst, size_t size, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(dst, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(dst, size, "%lld", (long long)t);
	return dst;
}

/* finish - the page is done: a page that did not fit is a 500 */
static void
finish(struct page *p, struct review_response *resp)
{
	if (!p->err)
		return;
	buf_reset(&resp->body);
	resp->status = 500;
	(void)buf_puts(&resp->body,
	    "<!DOCTYPE html><title>Error</title><p>This page is too large "
	    "or the server is out of memory.</p>\n");
}

/* head - the document's start, and the navigation when signed in */
static void
head(struct page *p, const char *title, const struct review_session *s)
{
	put(p,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"><title>");
	esc(p, title);
	put(p,
	    " \xe2\x80\x94 Held mail review</title>"
	    "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n<body>"
	    "<header><span class=\"brand\">Held mail review</span>");
	if (s != NULL) {
		put(p,
		    "<nav><a href=\"/queue\">Queue</a> "
		    "<a href=\"/audit\">Audit log</a> "
		    "<a href=\"/summary\">Summary</a></nav>"
		    "<form method=\"post\" action=\"/logout\" "
		    "class=\"who\"><input type=\"hidden\" name=\"csrf\" "
		    "value=\"");
		esc(p, s->csrf);
		put(p, "\"><span id=\"user\">");
		esc(p, s->user);
		put(p,
		    "</span> <button type=\"submit\">Sign out</button>"
		    "</form>");
	}
	put(p, "</header>\n<main>\n<h1>");
	esc(p, title);
	put(p, "</h1>\n");
}

static void
tail(struct page *p)
{
	put(p, "</main></body></html>\n");
}

void
review_page_error(
    struct review_response *resp, unsigned status, const char *text)
{
	struct page p = {&resp->body, 0};

	buf_reset(&resp->body);
	resp->status = status;
	resp->type = "text/html; charset=utf-8";
	head(&p,
	    status == 404     ? "Not found" :
	        status == 403 ? "Refused" :
	        status == 400 ? "Bad request" :
	                        "Error",
	    NULL);
	put(&p, "<p class=\"error\" id=\"error\">");
	esc(&p, text);
	put(&p, "</p><p><a href=\"/queue\">Back to the queue</a></p>\n");
	tail(&p);
	finish(&p, resp);
}

/* ---- style ------------------------------------------------------------- */

static const char css[] =
    "body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;"
    "background:#f7f7f5}\n"
    "header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;"
    "padding:.6em 1em;background:#243b53;color:#fff}\n"
    "header a{color:#fff;margin-right:1em}.brand{font-weight:600}\n"
    "header form.who{margin-left:auto}main{padding:1em;max-width:78em}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.35em .5em;"
    "text-align:left;vertical-align:top;overflow-wrap:break-word}\n"
    "main{overflow-x:auto}td.when{white-space:nowrap}\n"
    "th{background:#eef1f4}pre{white-space:pre-wrap;overflow-wrap:anywhere;"
    "background:#fff;border:1px solid #ddd;padding:.6em}\n"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}\n"
    "dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}\n"
    "form.filters{display:flex;flex-wrap:wrap;gap:.5em;margin:.5em 0}\n"
    "form.filters label{display:flex;flex-direction:column;font-size:.9em}"
    "\n"
    "input,select,textarea,button{font:inherit;padding:.3em}\n"
    "textarea{width:100%;max-width:40em}\n"
    ".error{color:#8a1c1c;font-weight:600}.notice{color:#1c5e2a;"
    "font-weight:600}\n"
    ".status-held{color:#8a5a00}.status-released{color:#1c5e2a}"
    ".status-deleted{color:#555}\n"
    ".actions{display:flex;flex-wrap:wrap;gap:2em}"
    ".actions form{flex:1 1 18em}\n"
    ".counts a{margin-right:1em}svg{max-width:100%;height:auto;"
    "background:#fff}\n"
    "svg text{font-size:11px;fill:#333}.c0{fill:#2f6690}.c1{fill:#d17a22}"
    ".c2{fill:#3a7d44}.c3{fill:#9b2915}.c4{fill:#6b4e9b}.c5{fill:#8a8a8a}\n"
    ".key span{display:inline-block;width:.9em;height:.9em;"
    "margin:0 .3em 0 1em}\n"
    ".k0{background:#2f6690}.k1{background:#d17a22}.k2{background:#3a7d44}"
    ".k3{background:#9b2915}.k4{background:#6b4e9b}.k5{background:#8a8a8a}"
    "\n"
    "@media (max-width:40em){table.queue td.subject{display:none}}\n";

void
review_page_css(struct review_response *resp)
{
	resp->type = "text/css; charset=utf-8";
	(void)buf_append(&resp->body, css, sizeof(css) - 1);
}

/* ---- sign-in ----------------------------------------------------------- */

void
review_page_login(struct review *rv, const struct review_request *req,
    struct review_response *resp, const char *error)
{
	struct page p = {&resp->body, 0};
	char tok[REVIEW_TOKEN_SIZE];

	(void)req;
	if (review_token(tok) == -1) {
		review_page_error(resp, 500, "No random numbers.");
		return;
	}
	/* the form's token, also in a cookie only this site can set: a
	 * sign-in posted from elsewhere lacks one of the two */
	review_cookie(rv, resp, REVIEW_LOGIN_COOKIE, tok, "/login", 600);
	head(&p, "Sign in", NULL);
	if (error != NULL) {
		put(&p, "<p class=\"error\" id=\"error\">");
		esc(&p, error);
		put(&p, "</p>\n");
	}
	put(&p,
	    "<form method=\"post\" action=\"/login\">"
	    "<input type=\"hidden\" name=\"token\" value=\"");
	esc(&p, tok);
	put(&p,
	    "\"><p><label>User name<br><input name=\"user\" id=\"user\" "
	    "autocomplete=\"username\" required maxlength=\"63\"></label>"
	    "</p><p><label>Password<br><input type=\"password\" "
	    "name=\"password\" id=\"password\" "
	    "autocomplete=\"current-password\" required></label></p>"
	    "<p><button type=\"submit\" id=\"signin\">Sign in</button></p>"
	    "</form>\n<p>Sign in with your district account. Only members "
	    "of the reviewers' group can review held mail.</p>\n");
	tail(&p);
	finish(&p, resp);
}

/* user_ok - a user name worth asking PAM about */
static int
user_ok(const char *u)
{
	size_t i;

	if (u[0] == '\0' || u[0] == '-' || strlen(u) > 63)
		return 0;
	for (i = 0; u[i] != '\0'; i++)
		if (!((u[i] >= 'a' && u[i] <= 'z') ||
		        (u[i] >= 'A' && u[i] <= 'Z') ||
		        (u[i] >= '0' && u[i] <= '9') ||
		        strchr("._@-", u[i]) != NULL))
			return 0;
	return 1;
}

void
review_do_login(struct review *rv, const struct review_request *req,
    struct review_response *resp)
{
	struct review_session s;
	char user[64], pass[256], tok[REVIEW_TOKEN_SIZE + 1], uv[128];
	int r;

	if (review_form_value(
	        tok, sizeof(tok), req->body, req->bodylen, "token") != 1 ||
	    req->login == NULL || strlen(tok) != REVIEW_TOKEN_SIZE - 1 ||
	    strcmp(tok, req->login) != 0) {
		log_warn("review: a sign-in from %s without the form's token "
		         "was refused",
		    req->client);
		resp->status = 403;
		review_page_login(rv, req, resp,
		    "The sign-in form expired or did not come from this page. "
		    "Try again.");
		return;
	}
	if (review_form_value(
	        user, sizeof(user), req->body, req->bodylen, "user") != 1 ||
	    review_form_value(
	        pass, sizeof(pass), req->body, req->bodylen, "password") != 1 ||
	    !user_ok(user) || pass[0] == '\0') {
		explicit_bzero(pass, sizeof(pass));
		resp->status = 403;
		(void)review_throttle(rv, req->client, 1, req->now);
		log_notice("review: sign-in from %s refused: malformed user "
		           "name or empty password",
		    req->client);
		review_page_login(
		    rv, req, resp, "Wrong user name or password.");
		return;
	}
	if (review_throttle(rv, req->client, 0, req->now)) {
		explicit_bzero(pass, sizeof(pass));
		log_warn("review: sign-in as %s from %s refused unchecked: "
		         "too many failures",
		    log_value(uv, sizeof(uv), user), req->client);
		resp->status = 429;
		review_page_login(rv, req, resp,
		    "Too many failed sign-ins from your address: wait a few "
		    "minutes.");
		return;
	}
	r = rv->auth(rv->auth_arg, user, pass);
	explicit_bzero(pass, sizeof(pass));
	if (r == -2) {
		log_notice("review: sign-in as %s from %s deferred: another "
		           "is being checked",
		    log_value(uv, sizeof(uv), user), req->client);
		resp->status = 503;
		review_page_login(
		    rv, req, resp, "Sign-in is busy: try again in a moment.");
		return;
	}
	if (r != 1) {
		(void)review_throttle(rv, req->client, 1, req->now);
		log_notice("review: sign-in as %s from %s refused%s",
		    log_value(uv, sizeof(uv), user), req->client,
		    r == -1 ? ": the authentication helper failed" : "");
		resp->status = r == -1 ? 503 : 403;
		review_page_login(rv, req, resp,
		    r == -1 ? "Sign-in is not available right now." :
		              "Wrong user name or password, or you are not a "
		              "reviewer.");
		return;
	}
	if (review_session_new(rv, &s, user, req->now) == -1) {
		log_err("review: no session for %s: the table is full or "
		        "there are no random numbers",
		    user);
		review_page_error(resp, 503, "Too many sessions: try later.");
		return;
	}
	log_notice("review: %s signed in from %s", user, req->client);
	review_cookie(rv, resp, REVIEW_COOKIE, s.id, "/", -1);
	review_cookie(rv, resp, REVIEW_LOGIN_COOKIE, "", "/login", 0);
	explicit_bzero(&s, sizeof(s));
	review_redirect(resp, "/queue");
}

/* ---- helpers over the store --------------------------------------------- */

/* open_store - the store for one request; NULL after an error page */
static struct qstore *
open_store(struct review *rv, struct review_response *resp)
{
	struct qstore *qs;
	char err[BOUND_DIAG_TEXT];

	if (qstore_open(&qs, config_quarantine(rv->cfg)->dir, 0, err,
	        sizeof(err)) == -1) {
		log_err("review: %s", err);
		review_page_error(resp, 503,
		    "The quarantine store cannot be "
		    "opened; see the server's log.");
		return NULL;
	}
	return qs;
}

/* query - a query field into dst ("" when absent); -1 after an error
 * page when it is malformed */
static int
query(char *dst, size_t size, const struct review_request *req,
    const char *name, struct review_response *resp)
{
	int r =
	    review_form_value(dst, size, req->query, strlen(req->query), name);

	if (r == -1) {
		review_page_error(resp, 400, "A malformed or overlong value.");
		return -1;
	}
	if (r == 0)
		dst[0] = '\0';
	return 0;
}

/* day - "YYYY-MM-DD" into a UTC midnight; -1 if malformed */
static int
day(time_t *out, const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

static void
status_span(struct page *p, enum qstore_status st)
{
	putf(p, "<span class=\"status-%s\">%s</span>", qstore_status_name(st),
	    qstore_status_name(st));
}

/* ---- the queue ---------------------------------------------------------- */

struct row {
	char id[QSTORE_ID_SIZE];
	time_t time;
	enum qstore_status status;
	char *sender, *rcpt, *rule, *subject;
	size_t nrcpts;
};

struct rulecount {
	char rule[BOUND_REVIEW_FIELD];
	size_t n;
};

struct collect {
	struct row *rows; /* a ring of the newest BOUND_REVIEW_ROWS */
	size_t total;     /* selected */
	time_t until;     /* 0 or the end of the date range */
	struct rulecount rules[BOUND_REVIEW_RULES];
	size_t nrules, other;
	int err;
};

static void
row_clear(struct row *r)
{
	free(r->sender);
	free(r->rcpt);
	free(r->rule);
	free(r->subject);
	memset(r, 0, sizeof(*r));
}

/* count_rule - one more for rule */
static void
count_rule(struct rulecount *rc, size_t *n, size_t *other, const char *rule)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(rc[i].rule, rule) == 0) {
			rc[i].n++;
			return;
		}
	if (*n < BOUND_REVIEW_RULES && strlen(rule) < sizeof(rc[0].rule)) {
		(void)snprintf(rc[*n].rule, sizeof(rc[0].rule), "%s", rule);
		rc[(*n)++].n = 1;
	} else
		(*other)++;
}

static int
collect_one(const struct qstore_entry *e, void *arg)
{
	struct collect *c = arg;
	struct row *r;

	if (c->until != 0 && e->time >= c->until)
		return 0;
	count_rule(c->rules, &c->nrules, &c->other, e->rule);
	r = &c->rows[c->total % BOUND_REVIEW_ROWS];
	c->total++;
	row_clear(r);
	memcpy(r->id, e->id, sizeof(r->id));
	r->time = e->time;
	r->status = e->status;
	r->nrcpts = e->nrcpts;
	if ((r->sender = strdup(e->sender)) == NULL ||
	    (r->rcpt = strdup(e->nrcpts > 0 ? e->rcpts[0] : "")) == NULL ||
	    (r->rule = strdup(e->rule)) == NULL ||
	    (r->subject = strdup(e->subject)) == NULL) {
		c->err = 1;
		return -1;
	}
	return 0;
}

/* option - one <option> of the status filter */
static void
option(struct page *p, const char *value, const char *label, const char *cur)
{
	putf(p, "<option value=\"%s\"%s>%s</option>", value,
	    strcmp(value, cur) == 0 ? " selected" : "", label);
}

/* field - one text input of the filter form */
static void
field(struct page *p, const char *name, const char *label, const char *type,
    const char *value)
{
	putf(p, "<label>%s<input type=\"%s\" name=\"%s\" value=\"", label, type,
	    name);
	esc(p, value);
	put(p, "\"></label>");
}

void
review_page_queue(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp)
{
	struct page p = {&resp->body, 0};
	struct qstore_filter f = {0, NULL, NULL, NULL, QSTORE_HELD};
	struct collect c;
	struct qstore *qs;
	char status[16], rule[BOUND_REVIEW_FIELD], sender[BOUND_REVIEW_FIELD],
	    rcpt[BOUND_REVIEW_FIELD], since[16], until[16], t[32];
	size_t i, shown, k;
	int r;

	if (query(status, sizeof(status), req, "status", resp) == -1 ||
	    query(rule, sizeof(rule), req, "rule", resp) == -1 ||
	    query(sender, sizeof(sender), req, "sender", resp) == -1 ||
	    query(rcpt, sizeof(rcpt), req, "recipient", resp) == -1 ||
	    query(since, sizeof(since), req, "since", resp) == -1 ||
	    query(until, sizeof(until), req, "until", resp) == -1)
		return;
	memset(&c, 0, sizeof(c));
	if (status[0] == '\0' || strcmp(status, "held") == 0)
		(void)snprintf(status, sizeof(status), "held");
	else if (strcmp(status, "released") == 0)
		f.status = QSTORE_RELEASED;
	else if (strcmp(status, "deleted") == 0)
		f.status = QSTORE_DELETED;
	else if (strcmp(status, "any") == 0)
		f.status = -1;
	else {
		review_page_error(resp, 400, "Unknown status.");
		return;
	}
	if ((since[0] != '\0' && day(&f.since, since) == -1) ||
	    (until[0] != '\0' && day(&c.until, until) == -1)) {
		review_page_error(resp, 400, "Dates are YYYY-MM-DD.");
		return;
	}
	if (c.until != 0)
		c.until += 86400; /* the whole day */
	f.rule = rule[0] != '\0' ? rule : NULL;
	f.sender = sender[0] != '\0' ? sender : NULL;
	f.recipient = rcpt[0] != '\0' ? rcpt : NULL;
	if ((qs = open_store(rv, resp)) == NULL)
		return;
	if ((c.rows = calloc(BOUND_REVIEW_ROWS, sizeof(*c.rows))) == NULL) {
		qstore_close(qs);
		review_page_error(resp, 500, "Out of memory.");
		return;
	}
	r = qstore_list(qs, &f, collect_one, &c);
	if (r == -1 && !c.err)
		log_err("review: %s", qstore_error(qs));
	qstore_close(qs);
	if (r == -1) {
		for (i = 0; i < BOUND_REVIEW_ROWS; i++)
			row_clear(&c.rows[i]);
		free(c.rows);
		review_page_error(resp, c.err ? 500 : 503,
		    "The quarantine's index cannot be read.");
		return;
	}
	head(&p, "Held messages", s);
	put(&p,
	    "<form class=\"filters\" method=\"get\" action=\"/queue\">"
	    "<label>Status<select name=\"status\">");
	option(&p, "held", "held", status);
	option(&p, "released", "released", status);
	option(&p, "deleted", "deleted", status);
	option(&p, "any", "any", status);
	put(&p, "</select></label>");
	field(&p, "rule", "Rule", "text", rule);
	field(&p, "sender", "Sender", "text", sender);
	field(&p, "recipient", "Recipient", "text", rcpt);
	field(&p, "since", "From", "date", since);
	field(&p, "until", "To", "date", until);
	put(&p,
	    "<label>&nbsp;<button type=\"submit\">Show</button></label>"
	    "</form>\n");
	putf(&p, "<p id=\"total\">%zu message(s)", c.total);
	if (c.total > BOUND_REVIEW_ROWS)
		putf(&p,
		    "; the newest %d are shown: narrow the filters to see "
		    "the others",
		    BOUND_REVIEW_ROWS);
	put(&p, ".</p>\n<p class=\"counts\" id=\"counts\">By rule: ");
	for (i = 0; i < c.nrules; i++) {
		putf(&p, "<a href=\"/queue?status=%s&amp;rule=", status);
		for (k = 0; c.rules[i].rule[k] != '\0'; k++)
			putf(&p, "%%%02X", (unsigned char)c.rules[i].rule[k]);
		put(&p, "\">");
		esc(&p, c.rules[i].rule);
		putf(&p, "</a> %zu ", c.rules[i].n);
	}
	if (c.other > 0)
		putf(&p, "other rules %zu", c.other);
	put(&p,
	    "</p>\n<table class=\"queue\" id=\"queue\"><thead><tr>"
	    "<th>Held</th><th>Status</th><th>Sender</th>"
	    "<th>Recipients</th><th>Rule</th><th>Subject</th></tr>"
	    "</thead><tbody>\n");
	shown = c.total < BOUND_REVIEW_ROWS ? c.total : BOUND_REVIEW_ROWS;
	for (i = 0; i < shown; i++) {
		/* newest first: back from the last one written */
		struct row *rw = &c.rows[(c.total - 1 - i) % BOUND_REVIEW_ROWS];

		putf(&p,
		    "<tr><td class=\"when\"><a href=\"/message?id=%s\">%s</a>"
		    "</td><td>",
		    rw->id, when(t, sizeof(t), rw->time));
		status_span(&p, rw->status);
		put(&p, "</td><td>");
		esc(&p, rw->sender);
		put(&p, "</td><td>");
		esc(&p, rw->rcpt);
		if (rw->nrcpts > 1)
			putf(&p, " and %zu more", rw->nrcpts - 1);
		put(&p, "</td><td>");
		esc(&p, rw->rule);
		put(&p, "</td><td class=\"subject\"><a href=\"/message?id=");
		put(&p, rw->id);
		put(&p, "\">");
		esc_header(
		    &p, rw->subject[0] != '\0' ? rw->subject : "(no subject)");
		put(&p, "</a></td></tr>\n");
	}
	put(&p, "</tbody></table>\n");
	tail(&p);
	for (i = 0; i < BOUND_REVIEW_ROWS; i++)
		row_clear(&c.rows[i]);
	free(c.rows);
	finish(&p, resp);
}

/* ---- one message -------------------------------------------------------- */

/* Rows of the verdict's JSON (verdict_json_rows()) for a page. */
struct page_rows {
	struct page *p;
	void (*row)(struct page *, struct buf *, void *);
	void *arg;
};

static void
page_row(void *arg, struct buf *v)
{
	struct page_rows *r = arg;

	r->row(r->p, v, r->arg);
}

/* json_rows - verdict_json_rows() onto page p */
static void
json_rows(struct page *p, const char *json, const char *name,
    const char *const *keys, size_t nkeys,
    void (*row)(struct page *, struct buf *, void *), void *arg)
{
	struct page_rows r = {p, row, arg};

	verdict_json_rows(json, name, keys, nkeys, page_row, &r);
}

/* cells - one table row of the values, the last one marked as
 * evidence */
static void
cells(struct page *p, struct buf *v, size_t n)
{
	size_t i;

	put(p, "<tr>");
	for (i = 0; i < n; i++) {
		put(p, i == n - 1 ? "<td class=\"evidence\"><mark>" : "<td>");
		escn(p, v[i].data != NULL ? v[i].data : "", v[i].len);
		put(p, i == n - 1 ? "</mark></td>" : "</td>");
	}
	put(p, "</tr>\n");
}

/* match_row - a matched rule (rule, mode, what, why) */
static void
match_row(struct page *p, struct buf *v, void *arg)
{
	int *n = arg;

	if ((*n)++ == 0)
		put(p,
		    "<table id=\"matches\"><thead><tr><th>Rule</th>"
		    "<th>Mode</th><th>What it did</th><th>Why</th></tr>"
		    "</thead><tbody>\n");
	cells(p, v, 4);
}

/* Evidence to highlight in the text: its literal pieces. */
#define NEEDLES 16
struct needles {
	char *s[NEEDLES];
	size_t n;
	int rows;
};

/* add_needles - the pieces of a redacted evidence string between its
 * ellipses and dashes ("Ava L\u2026 \u2014 report card": "Ava L",
 * "report card"), 3 to 64 bytes each */
static void
add_needles(struct needles *nd, const char *ev)
{
	static const char *const seps[] = {
	    "\xe2\x80\xa6", "\xe2\x80\x94", "...", NULL};
	const char *p = ev, *next, *cut;
	size_t i, len, sl = 0;

	while (*p != '\0' && nd->n < NEEDLES) {
		for (cut = NULL, i = 0; seps[i] != NULL; i++)
			if ((next = strstr(p, seps[i])) != NULL &&
			    (cut == NULL || next < cut)) {
				cut = next;
				sl = strlen(seps[i]);
			}
		len = cut != NULL ? (size_t)(cut - p) : strlen(p);
		while (len > 0 && p[0] == ' ')
			p++, len--;
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len >= 3 && len <= 64 &&
		    (nd->s[nd->n] = strndup(p, len)) != NULL)
			nd->n++;
		if (cut == NULL)
			break;
		p = cut + sl;
	}
}

/* finding_row - a detector's finding (rule, detector, where, name,
 * matches, students, evidence) */
static void
finding_row(struct page *p, struct buf *v, void *arg)
{
	struct needles *nd = arg;

	if (nd->rows++ == 0)
		put(p,
		    "<table id=\"findings\"><thead><tr><th>Rule</th>"
		    "<th>Detector</th><th>Where</th><th>Attachment</th>"
		    "<th>Matches</th><th>Students</th>"
		    "<th>Evidence (redacted)</th></tr></thead><tbody>\n");
	cells(p, v, 7);
	if (v[6].len > 0)
		add_needles(nd, buf_str(&v[6]));
}

/* findings - the verdict's matched rules and what its detectors found;
 * the evidence's pieces go to nd, to be highlighted in the text */
static void
findings(struct page *p, const char *json, struct needles *nd)
{
	static const char *const mkeys[] = {"rule", "mode", "what", "why"};
	static const char *const fkeys[] = {"rule", "detector", "where", "name",
	    "matches", "students", "evidence"};
	int n = 0;

	json_rows(p, json, "matches", mkeys, 4, match_row, &n);
	if (n > 0)
		put(p, "</tbody></table>\n");
	json_rows(p, json, "findings", fkeys, 7, finding_row, nd);
	if (nd->rows > 0)
		put(p, "</tbody></table>\n");
	else
		put(p,
		    "<p>The detectors recorded no evidence for this "
		    "message.</p>\n");
}

/* esc_marked - text escaped, with each piece of evidence in nd marked
 * (at most 1000 marks) */
static void
esc_marked(struct page *p, const char *t, size_t len, const struct needles *nd)
{
	const char *run = t;
	size_t i, k, nl, marks = 0;

	for (i = 0; i < len && nd->n > 0 && marks < 1000;) {
		for (k = 0; k < nd->n; k++) {
			nl = strlen(nd->s[k]);
			if (nl <= len - i && t[i] == nd->s[k][0] &&
			    memcmp(t + i, nd->s[k], nl) == 0)
				break;
		}
		if (k == nd->n) {
			i++;
			continue;
		}
		escn(p, run, (size_t)(t + i - run));
		put(p, "<mark>");
		escn(p, t + i, nl);
		put(p, "</mark>");
		i += nl;
		run = t + i;
		marks++;
	}
	escn(p, run, (size_t)(t + len - run));
}

/* utf8_start - n, moved back so that t[n] does not split a UTF-8
 * sequence */
static size_t
utf8_start(const char *t, size_t n)
{
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* dd - one <dt>/<dd> pair, the value escaped */
static void
dd(struct page *p, const char *name, const char *value)
{
	put(p, "<dt>");
	put(p, name);
	put(p, "</dt><dd>");
	esc(p, value);
	put(p, "</dd>\n");
}

/* content - the message's decoded text (evidence of nd marked), the
 * findings of its MIME view, its parts and its header */
static void
content(struct page *p, int fd, const struct needles *nd)
{
	struct message *msg = NULL;
	struct content *view = NULL;
	const char *name, *value, *type, *file, *t;
	FILE *fp;
	size_t i, len, shown = 0;
	int level;
	uint64_t psize;
	int att;

	if ((fp = fdopen(fd, "r")) == NULL) {
		(void)close(fd);
		put(p, "<p class=\"error\">The message cannot be read.</p>");
		return;
	}
	if ((msg = message_new(NULL)) == NULL || message_parse(msg, fp) == -1 ||
	    content_build(&view, msg) == -1) {
		put(p, "<p class=\"error\">The message cannot be read.</p>");
		goto out;
	}
	put(p,
	    "<h2>Text</h2>\n<p>The decoded text of each text part; the "
	    "message's own formatting is never shown.</p>\n");
	for (i = 0; i < content_text_count(view); i++) {
		t = content_text(view, i, &len);
		putf(p, "<h3>Text part %zu</h3><pre class=\"text\">", i + 1);
		if (len > BOUND_REVIEW_TEXT - shown)
			len = utf8_start(t, BOUND_REVIEW_TEXT - shown);
		esc_marked(p, t, len, nd);
		put(p, "</pre>\n");
		if ((shown += len) >= BOUND_REVIEW_TEXT) {
			putf(p,
			    "<p class=\"error\">The text shown stops after "
			    "%d bytes: download the message for the rest.</p>\n",
			    BOUND_REVIEW_TEXT);
			break;
		}
	}
	if (content_finding_count(view) > 0) {
		put(p, "<h2>Not inspected</h2><ul>");
		for (i = 0; i < content_finding_count(view); i++) {
			put(p, "<li>");
			esc(p, content_finding(view, i));
			put(p, "</li>");
		}
		put(p, "</ul>\n");
	}
	put(p,
	    "<h2>Parts</h2>\n<table id=\"parts\"><thead><tr><th>#</th>"
	    "<th>Type</th><th>File name</th><th>Size</th><th>Attachment</th>"
	    "</tr></thead><tbody>\n");
	for (i = 0; i < content_part_count(view); i++) {
		if (content_part(view, i, &type, &file, &psize, &level, &att) ==
		    -1)
			break;
		putf(p, "<tr><td>%zu</td><td>", i + 1);
		esc(p, type);
		put(p, "</td><td>");
		esc(p, file);
		putf(p, "</td><td>%ju bytes</td><td>%s</td></tr>\n",
		    (uintmax_t)psize, att ? "yes" : "no");
	}
	put(p,
	    "</tbody></table>\n<h2>Header</h2>\n<table id=\"header\">"
	    "<tbody>\n");
	for (i = 0; i < message_header_count(msg); i++) {
		message_header(msg, i, &name, &value);
		put(p, "<tr><th>");
		esc(p, name);
		put(p, "</th><td>");
		esc_header(p, value);
		put(p, "</td></tr>\n");
	}
	put(p, "</tbody></table>\n");
out:
	content_free(view);
	message_free(msg);
	(void)fclose(fp);
}

/* action_form - the release or delete form of a held message */
static void
action_form(struct page *p, const struct review_session *s, const char *id,
    const char *action, const char *label)
{
	putf(p,
	    "<form method=\"post\" action=\"/action\" id=\"%s-form\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"",
	    action);
	esc(p, s->csrf);
	putf(p,
	    "\"><input type=\"hidden\" name=\"id\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"action\" value=\"%s\">"
	    "<h3>%s</h3><label>Reason (goes to the audit log and to the "
	    "sender)<br><textarea name=\"reason\" id=\"%s-reason\" rows=\"3\" "
	    "required maxlength=\"%d\"></textarea></label>"
	    "<p><button type=\"submit\" id=\"%s-button\">%s\xe2\x80\xa6"
	    "</button></p></form>\n",
	    id, action, label, action, BOUND_REPLY_TEXT, action, label);
}

void
review_page_message(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp,
    const char *notice)
{
	struct page p = {&resp->body, 0};
	struct needles nd;
	struct qstore_entry e;
	struct qstore *qs;
	char id[QSTORE_ID_SIZE + 1], t[32], num[32];
	uint64_t size;
	size_t i;
	int fd;

	if (req->query != NULL && strcmp(req->method, "POST") != 0) {
		if (query(id, sizeof(id), req, "id", resp) == -1)
			return;
	} else if (review_form_value(
	               id, sizeof(id), req->body, req->bodylen, "id") != 1)
		id[0] = '\0';
	if (!qstore_id_valid(id)) {
		review_page_error(resp, 400, "That is not a quarantine id.");
		return;
	}
	if ((qs = open_store(rv, resp)) == NULL)
		return;
	if (qstore_get(&e, qs, id) == -1) {
		qstore_close(qs);
		review_page_error(resp, 404,
		    "No message with this id: it was deleted or purged.");
		return;
	}
	memset(&nd, 0, sizeof(nd));
	head(&p, "Held message", s);
	if (notice != NULL) {
		put(&p, "<p class=\"notice\" id=\"notice\">");
		esc(&p, notice);
		put(&p, "</p>\n");
	}
	put(&p, "<p id=\"status\">Status: ");
	status_span(&p, e.status);
	if (e.status != QSTORE_HELD) {
		put(&p, " by <strong id=\"status-by\">");
		esc(&p, e.status_by);
		putf(&p, "</strong> at %s. Reason: ",
		    when(t, sizeof(t), e.status_time));
		esc(&p, e.status_reason);
	}
	put(&p, "</p>\n<dl id=\"envelope\">\n");
	dd(&p, "Quarantine id", e.id);
	dd(&p, "Held", when(t, sizeof(t), e.time));
	put(&p, "<dt>Subject</dt><dd id=\"subject\">");
	esc_header(&p, e.subject);
	put(&p, "</dd>\n");
	dd(&p, "Sender", e.sender[0] != '\0' ? e.sender : "<> (null sender)");
	for (i = 0; i < e.nrcpts; i++)
		dd(&p, i == 0 ? "Recipients" : "", e.rcpts[i]);
	dd(&p, "Client", e.client);
	dd(&p, "Signed in as", e.login);
	dd(&p, "Queue id", e.queue_id);
	(void)snprintf(num, sizeof(num), "%ju bytes", (uintmax_t)e.size);
	dd(&p, "Size", num);
	dd(&p, "Rule", e.rule);
	dd(&p, "Guideline", e.policy);
	dd(&p, "Matched rules", e.rules);
	put(&p, "</dl>\n<h2>Findings</h2>\n");
	findings(&p, e.verdict, &nd);
	putf(&p,
	    "<p><a href=\"/message/raw?id=%s\" id=\"download\">Download "
	    "the message as received (.eml)</a></p>\n",
	    e.id);
	if (e.status == QSTORE_HELD) {
		put(&p, "<h2>Decide</h2><div class=\"actions\">");
		action_form(&p, s, e.id, "release", "Release");
		action_form(&p, s, e.id, "delete", "Delete");
		put(&p, "</div>\n");
	}
	if (qstore_open_message(&fd, &size, qs, id) == 0)
		content(&p, fd, &nd);
	else
		put(&p,
		    "<p class=\"error\">The message's file cannot be "
		    "read.</p>\n");
	tail(&p);
	for (i = 0; i < nd.n; i++)
		free(nd.s[i]);
	qstore_entry_free(&e);
	qstore_close(qs);
	finish(&p, resp);
}

void
review_page_raw(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp)
{
	struct qstore *qs;
	char id[QSTORE_ID_SIZE + 1];
	uint64_t size;
	off_t at;
	int fd;

	if (query(id, sizeof(id), req, "id", resp) == -1)
		return;
	if (!qstore_id_valid(id)) {
		review_page_error(resp, 400, "That is not a quarantine id.");
		return;
	}
	if ((qs = open_store(rv, resp)) == NULL)
		return;
	if (qstore_open_message(&fd, &size, qs, id) == -1) {
		qstore_close(qs);
		review_page_error(resp, 404, "No message with this id.");
		return;
	}
	qstore_close(qs);
	if ((at = lseek(fd, 0, SEEK_CUR)) < 0) {
		(void)close(fd);
		review_page_error(resp, 500, "The message cannot be read.");
		return;
	}
	log_info("review: %s downloaded %s", s->user, id);
	buf_reset(&resp->body);
	resp->fd = fd;
	resp->offset = (uint64_t)at;
	resp->len = size;
	resp->type = "application/octet-stream";
	(void)snprintf(resp->disposition, sizeof(resp->disposition),
	    "attachment; filename=\"%s.eml\"", id);
}

/* confirm - the confirmation step: what will happen, and the form that
 * does it */
static void
confirm(struct review *rv, const struct review_session *s, const char *id,
    const char *action, const char *reason, struct review_response *resp)
{
	struct page p = {&resp->body, 0};
	struct qstore_entry e;
	struct qstore *qs;
	size_t i;

	if ((qs = open_store(rv, resp)) == NULL)
		return;
	if (qstore_get(&e, qs, id) == -1) {
		qstore_close(qs);
		review_page_error(resp, 404, "No message with this id.");
		return;
	}
	qstore_close(qs);
	head(&p,
	    strcmp(action, "release") == 0 ? "Release this message?" :
	                                     "Delete this message?",
	    s);
	if (strcmp(action, "release") == 0) {
		putf(&p,
		    "<p>The message will be delivered, unchanged, to its "
		    "%zu recipient(s):</p><ul>",
		    e.nrcpts);
		for (i = 0; i < e.nrcpts; i++) {
			put(&p, "<li>");
			esc(&p, e.rcpts[i]);
			put(&p, "</li>");
		}
		put(&p, "</ul>");
	} else
		put(&p,
		    "<p>The message will not be delivered, and its file "
		    "is removed. This cannot be undone.</p>");
	put(&p, "<p>Subject: ");
	esc_header(&p, e.subject);
	put(&p, "</p><p>Your reason: <q id=\"confirm-reason\">");
	esc(&p, reason);
	put(&p,
	    "</q></p>\n<form method=\"post\" action=\"/action\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	esc(&p, s->csrf);
	putf(&p,
	    "\"><input type=\"hidden\" name=\"id\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"action\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"reason\" value=\"",
	    id, action);
	esc(&p, reason);
	putf(&p,
	    "\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">"
	    "<p><button type=\"submit\" id=\"confirm\">Yes, %s it"
	    "</button> <a href=\"/message?id=%s\">Cancel</a></p></form>\n",
	    action, id);
	tail(&p);
	qstore_entry_free(&e);
	finish(&p, resp);
}

/* deleted_page - the result of a delete: the message is gone */
static void
deleted_page(const struct review_session *s, const char *id,
    struct review_response *resp)
{
	struct page p = {&resp->body, 0};

	head(&p, "Deleted", s);
	putf(&p, "<p class=\"notice\" id=\"notice\">Message %s was deleted by ",
	    id);
	esc(&p, s->user);
	put(&p, ".</p><p><a href=\"/queue\">Back to the queue</a></p>\n");
	tail(&p);
	finish(&p, resp);
}

void
review_do_action(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp)
{
	struct review_result res;
	struct qstore *qs;
	char id[QSTORE_ID_SIZE + 1], action[16], yes[8], uv[128],
	    reason[BOUND_REPLY_TEXT + 1], loc[64];
	int r;

	if (review_form_value(id, sizeof(id), req->body, req->bodylen, "id") !=
	        1 ||
	    !qstore_id_valid(id)) {
		review_page_error(resp, 400, "That is not a quarantine id.");
		return;
	}
	if (review_form_value(action, sizeof(action), req->body, req->bodylen,
	        "action") != 1 ||
	    (strcmp(action, "release") != 0 && strcmp(action, "delete") != 0)) {
		review_page_error(resp, 400, "Unknown action.");
		return;
	}
	r = review_form_value(
	    reason, sizeof(reason), req->body, req->bodylen, "reason");
	if (r != 1 || !review_reason_ok(reason)) {
		resp->status = 400;
		review_page_message(rv, s, req, resp,
		    "A reason is needed: it goes to the audit log.");
		resp->status = 400;
		return;
	}
	if (review_form_value(
	        yes, sizeof(yes), req->body, req->bodylen, "confirm") != 1 ||
	    strcmp(yes, "yes") != 0) {
		confirm(rv, s, id, action, reason, resp);
		return;
	}
	if ((qs = open_store(rv, resp)) == NULL)
		return;
	if (strcmp(action, "release") == 0)
		r = review_release(&res, rv->cfg, qs, id, s->user, reason);
	else
		r = review_delete(&res, rv->cfg, qs, id, s->user, reason);
	qstore_close(qs);
	if (r == 0) {
		log_notice("review: %s %s %s: %s", s->user,
		    strcmp(action, "release") == 0 ? "released" : "deleted", id,
		    log_value(uv, sizeof(uv), reason));
		if (res.warning[0] != '\0')
			log_warn("review: %s: %s", id, res.warning);
		if (strcmp(action, "delete") == 0) {
			deleted_page(s, id, resp);
			return;
		}
		(void)snprintf(loc, sizeof(loc), "/message?id=%s&done=1", id);
		review_redirect(resp, loc);
		return;
	}
	log_notice(
	    "review: %s could not %s %s: %s", s->user, action, id, res.text);
	switch (res.outcome) {
	case REVIEW_ALREADY:
		review_page_message(rv, s, req, resp, res.text);
		resp->status = 409;
		break;
	case REVIEW_NOT_FOUND:
		review_page_error(resp, 404, res.text);
		break;
	case REVIEW_BAD_INPUT:
		review_page_error(resp, 400, res.text);
		break;
	default:
		review_page_error(resp, 500, res.text);
	}
}

/* ---- the audit log ------------------------------------------------------ */

/* kv - the value of key in an audit line (bare or quoted) into out */
static void
kv(struct buf *out, const char *line, const char *key)
{
	const char *p = line;
	size_t klen = strlen(key);

	buf_reset(out);
	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=')
			break;
		p += klen;
	}
	if (p == NULL)
		return;
	p += klen + 1;
	if (*p != '"') {
		(void)buf_append(out, p, strcspn(p, " "));
		return;
	}
	for (p++; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		(void)buf_putc(out, *p);
	}
}

void
review_page_audit(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp)
{
	struct page p = {&resp->body, 0};
	struct qstore *qs;
	struct buf v, vw, va, vi;
	struct stat st;
	char who[BOUND_REVIEW_FIELD], act[BOUND_REVIEW_FIELD],
	    id[BOUND_REVIEW_FIELD], text[BOUND_REVIEW_FIELD], *data = NULL,
	                                                      *line, *end;
	size_t shown = 0, n = 0;
	ssize_t r;
	off_t from = 0;
	int fd;

	if (query(who, sizeof(who), req, "who", resp) == -1 ||
	    query(act, sizeof(act), req, "action", resp) == -1 ||
	    query(id, sizeof(id), req, "id", resp) == -1 ||
	    query(text, sizeof(text), req, "text", resp) == -1)
		return;
	if ((qs = open_store(rv, resp)) == NULL)
		return;
	fd = open(qstore_audit_path(qs), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	qstore_close(qs);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if (st.st_size > BOUND_REVIEW_AUDIT_BYTES)
			from = st.st_size - BOUND_REVIEW_AUDIT_BYTES;
		if ((data = malloc((size_t)(st.st_size - from) + 1)) != NULL) {
			while (n < (size_t)(st.st_size - from) &&
			    (r = pread(fd, data + n,
			         (size_t)(st.st_size - from) - n,
			         from + (off_t)n)) > 0)
				n += (size_t)r;
			data[n] = '\0';
		}
	}
	if (fd >= 0)
		(void)close(fd);
	head(&p, "Audit log", s);
	put(&p,
	    "<p>Every release, delete and purge, newest first. "
	    "Read-only.</p><form class=\"filters\" method=\"get\" "
	    "action=\"/audit\">");
	field(&p, "who", "Reviewer", "text", who);
	field(&p, "action", "Action", "text", act);
	field(&p, "id", "Quarantine id", "text", id);
	field(&p, "text", "Containing", "text", text);
	put(&p,
	    "<label>&nbsp;<button type=\"submit\">Show</button></label>"
	    "</form>\n<table id=\"audit\"><thead><tr><th>Time</th>"
	    "<th>Reviewer</th><th>Action</th><th>Message</th>"
	    "<th>Reason</th></tr></thead><tbody>\n");
	buf_init(&v, BOUND_REPLY_TEXT * 2);
	buf_init(&vw, BOUND_REVIEW_FIELD * 2);
	buf_init(&va, BOUND_REVIEW_FIELD * 2);
	buf_init(&vi, BOUND_REVIEW_FIELD * 2);
	/* newest first: lines from the end; a first line cut by the
	 * window is skipped */
	for (end = data != NULL ? data + n : NULL;
	     end != NULL && end > data && shown < BOUND_REVIEW_AUDIT_LINES;) {
		for (line = end - 1; line > data && line[-1] != '\n'; line--)
			;
		if (end[-1] == '\n')
			end[-1] = '\0';
		else
			*end = '\0';
		if (line == data && from > 0)
			break;
		if (line[0] != '\0' &&
		    (text[0] == '\0' || strstr(line, text) != NULL)) {
			kv(&vw, line, "user");
			if (vw.len == 0)
				kv(&vw, line, "who");
			kv(&va, line, "action");
			kv(&vi, line, "id");
			kv(&v, line, "reason");
			if ((who[0] == '\0' ||
			        strcmp(buf_str(&vw), who) == 0) &&
			    (act[0] == '\0' ||
			        strcmp(buf_str(&va), act) == 0) &&
			    (id[0] == '\0' ||
			        strstr(buf_str(&vi), id) != NULL)) {
				put(&p, "<tr><td>");
				escn(&p, line, strcspn(line, " "));
				put(&p, "</td><td>");
				esc(&p, buf_str(&vw));
				put(&p, "</td><td>");
				esc(&p, buf_str(&va));
				put(&p, "</td><td>");
				if (qstore_id_valid(buf_str(&vi)))
					putf(&p,
					    "<a href=\"/message?id=%s\">%s</a>",
					    buf_str(&vi), buf_str(&vi));
				put(&p, "</td><td>");
				esc(&p, buf_str(&v));
				put(&p, "</td></tr>\n");
				shown++;
			}
		}
		end = line;
	}
	buf_free(&v);
	buf_free(&vw);
	buf_free(&va);
	buf_free(&vi);
	free(data);
	put(&p, "</tbody></table>\n");
	if (shown == BOUND_REVIEW_AUDIT_LINES)
		putf(&p, "<p>The newest %d lines are shown.</p>\n",
		    BOUND_REVIEW_AUDIT_LINES);
	tail(&p);
	finish(&p, resp);
}

/* ---- summary ------------------------------------------------------------ */

#define WEEKS 12

struct summary {
	time_t start; /* Monday 00:00 UTC of the first week */
	struct rulecount rules[BOUND_REVIEW_RULES];
	size_t nrules, other, total;
	size_t week[WEEKS];
	size_t by[WEEKS][6]; /* the top five rules, and the rest */
	int pass;            /* 0: count rules; 1: fill by[] */
	size_t top[5];       /* indexes into rules */
	size_t ntop;
};

static int
summary_one(const struct qstore_entry *e, void *arg)
{
	struct summary *sm = arg;
	size_t w, i, k = 5;

	if (e->time < sm->start)
		return 0;
	w = (size_t)((e->time - sm->start) / (7 * 86400));
	if (w >= WEEKS)
		w = WEEKS - 1;
	if (sm->pass == 0) {
		count_rule(sm->rules, &sm->nrules, &sm->other, e->rule);
		sm->week[w]++;
		sm->total++;
		return 0;
	}
	for (i = 0; i < sm->ntop; i++)
		if (strcmp(sm->rules[sm->top[i]].rule, e->rule) == 0)
			k = i;
	sm->by[w][k]++;
	return 0;
}

void
review_page_summary(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp)
{
	struct page p = {&resp->body, 0};
	struct qstore_filter f = {0, NULL, NULL, NULL, -1};
	struct summary *sm;
	struct qstore *qs;
	size_t i, j, k, max = 1, y, h;
	time_t days;
	char t[32];
	int r;

	if ((sm = calloc(1, sizeof(*sm))) == NULL) {
		review_page_error(resp, 500, "Out of memory.");
		return;
	}
	/* Monday 00:00 UTC of this week, then WEEKS - 1 weeks back (the
	 * epoch was a Thursday) */
	days = req->now / 86400;
	sm->start = (days - (days + 3) % 7) * 86400 - (WEEKS - 1) * 7 * 86400;
	f.since = sm->start;
	if ((qs = open_store(rv, resp)) == NULL) {
		free(sm);
		return;
	}
	r = qstore_list(qs, &f, summary_one, sm);
	if (r == 0) {
		/* the five rules that held most */
		for (k = 0; k < 5 && k < sm->nrules; k++) {
			size_t best = SIZE_MAX;

			for (i = 0; i < sm->nrules; i++) {
				for (j = 0; j < k; j++)
					if (sm->top[j] == i)
						break;
				if (j == k &&
				    (best == SIZE_MAX ||
				        sm->rules[i].n > sm->rules[best].n))
					best = i;
			}
			sm->top[sm->ntop++] = best;
		}
		sm->pass = 1;
		r = qstore_list(qs, &f, summary_one, sm);
	}
	qstore_close(qs);
	if (r == -1) {
		free(sm);
		review_page_error(resp, 503,
		    "The quarantine's index cannot be "
		    "read.");
		return;
	}
	head(&p, "Summary", s);
	putf(&p,
	    "<p id=\"summary-total\">%zu message(s) held in the last %d "
	    "weeks, since %s.</p>\n",
	    sm->total, WEEKS, when(t, sizeof(t), sm->start));
	for (i = 0; i < WEEKS; i++)
		if (sm->week[i] > max)
			max = sm->week[i];
	/* the chart: one stacked bar a week, drawn here as SVG (no
	 * script, no inline style: presentation attributes and classes) */
	put(&p,
	    "<svg id=\"chart\" viewBox=\"0 0 720 240\" role=\"img\" "
	    "aria-label=\"Messages held per week, by rule\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">\n");
	for (i = 0; i < WEEKS; i++) {
		struct tm tm;
		time_t ws = sm->start + (time_t)i * 7 * 86400;

		y = 200;
		for (k = 0; k < 6; k++) {
			if (sm->by[i][k] == 0)
				continue;
			h = sm->by[i][k] * 180 / max;
			if (h == 0)
				h = 1;
			y -= h;
			putf(&p,
			    "<rect class=\"c%zu\" x=\"%zu\" y=\"%zu\" "
			    "width=\"40\" height=\"%zu\"><title>%zu held"
			    "</title></rect>\n",
			    k, 30 + i * 57, y, h, sm->by[i][k]);
		}
		putf(&p, "<text x=\"%zu\" y=\"%zu\">%zu</text>", 40 + i * 57,
		    y - 4, sm->week[i]);
		if (gmtime_r(&ws, &tm) != NULL &&
		    strftime(t, sizeof(t), "%m-%d", &tm) > 0)
			putf(&p, "<text x=\"%zu\" y=\"220\">%s</text>\n",
			    32 + i * 57, t);
	}
	put(&p,
	    "<line x1=\"25\" y1=\"200\" x2=\"715\" y2=\"200\" "
	    "stroke=\"#333\"/></svg>\n<p class=\"key\">");
	for (k = 0; k < sm->ntop; k++) {
		putf(&p, "<span class=\"k%zu\"></span>", k);
		esc(&p, sm->rules[sm->top[k]].rule);
	}
	if (sm->nrules > sm->ntop || sm->other > 0)
		put(&p, "<span class=\"k5\"></span>other rules");
	put(&p,
	    "</p>\n<h2>By rule</h2><table id=\"by-rule\"><thead><tr>"
	    "<th>Rule</th><th>Held</th></tr></thead><tbody>\n");
	for (i = 0; i < sm->nrules; i++) {
		put(&p, "<tr><td>");
		esc(&p, sm->rules[i].rule);
		putf(&p, "</td><td>%zu</td></tr>\n", sm->rules[i].n);
	}
	if (sm->other > 0)
		putf(&p, "<tr><td>other rules</td><td>%zu</td></tr>\n",
		    sm->other);
	put(&p,
	    "</tbody></table>\n<h2>By week</h2><table id=\"by-week\">"
	    "<thead><tr><th>Week of</th><th>Held</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < WEEKS; i++)
		putf(&p, "<tr><td>%s</td><td>%zu</td></tr>\n",
		    when(t, sizeof(t), sm->start + (time_t)i * 7 * 86400),
		    sm->week[i]);
	put(&p, "</tbody></table>\n");
	tail(&p);
	free(sm);
	finish(&p, resp);
}
