/*
 * review_main.c - guardian-review: the compliance officers' web pages
 * over the quarantine (guardian-review(8))
 *
 *	guardian-review [-n] [-c CONFIG] [-u USER] [-l ADDRESS:PORT]
 *
 * Starts as root: opens the listening socket, reads the TLS key, forks
 * the authenticating helper (review_auth.c), then becomes USER (the
 * milter's user, a member of the reviewer group, so that it may read the
 * store and write the review files) before it answers any request.
 * libmicrohttpd serves HTTP (this file is its only user); review.c
 * answers. Logs to syslog (facility mail, ident guardian-review); with
 * -d to stderr.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <microhttpd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "log.h"
#include "mime.h"
#include "review.h"
#include "review_auth.h"

#define PROGNAME "guardian-review"
#define DEFAULT_CONFIG SYSCONFDIR "/guardian-milter/guardian-milter.xml"
#define DEFAULT_USER "guardian-milter"
#define DEFAULT_LISTEN "127.0.0.1:8895"

/* One request while libmicrohttpd reads it. */
struct req {
	char *uri; /* as the client sent it, query included */
	struct buf body;
	int too_big;
	int started; /* the first call (headers only) was seen */
};

static struct review *service;
static int tls; /* served over HTTPS: HSTS too */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: " PROGNAME " [-dn] [-c CONFIG] [-u USER] "
	    "[-l ADDRESS:PORT]\n");
	exit(EX_USAGE);
}

/* uri_log - libmicrohttpd's first look at a request: keep its URI */
static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r;

	(void)cls;
	(void)c;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	buf_init(&r->body, BOUND_REVIEW_FORM);
	if (strlen(uri) <= BOUND_REVIEW_URL)
		r->uri = strdup(uri);
	return r;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	if (r->body.data != NULL)
		explicit_bzero(r->body.data, r->body.len);
	buf_free(&r->body);
	free(r->uri);
	free(r);
	*con_cls = NULL;
}

/* send - queue resp with the security headers */
static enum MHD_Result
send_response(struct MHD_Connection *c, struct review_response *rr)
{
	static char empty[1];
	struct MHD_Response *m;
	enum MHD_Result ret;
	size_t i;

	if (rr->fd >= 0) {
		m = MHD_create_response_from_fd_at_offset64(
		    rr->len, rr->fd, rr->offset);
		if (m != NULL)
			rr->fd = -1; /* libmicrohttpd closes it */
	} else if (rr->body.data == NULL)
		m = MHD_create_response_from_buffer(
		    0, empty, MHD_RESPMEM_PERSISTENT);
	else {
		m = MHD_create_response_from_buffer(
		    rr->body.len, rr->body.data, MHD_RESPMEM_MUST_FREE);
		if (m != NULL)
			buf_init(&rr->body, 0); /* libmicrohttpd frees it */
	}
	if (m == NULL) {
		review_response_free(rr);
		return MHD_NO;
	}
	for (i = 0; review_security_headers[i] != NULL; i += 2)
		(void)MHD_add_response_header(m, review_security_headers[i],
		    review_security_headers[i + 1]);
	(void)MHD_add_response_header(
	    m, MHD_HTTP_HEADER_CONTENT_TYPE, rr->type);
	if (rr->location[0] != '\0')
		(void)MHD_add_response_header(
		    m, MHD_HTTP_HEADER_LOCATION, rr->location);
	if (rr->disposition[0] != '\0')
		(void)MHD_add_response_header(
		    m, "Content-Disposition", rr->disposition);
	if (tls)
		(void)MHD_add_response_header(
		    m, "Strict-Transport-Security", "max-age=31536000");
	for (i = 0; i < rr->ncookies; i++)
		(void)MHD_add_response_header(
		    m, MHD_HTTP_HEADER_SET_COOKIE, rr->cookies[i]);
	ret = MHD_queue_response(c, rr->status, m);
	MHD_destroy_response(m);
	review_response_free(rr);
	return ret;
}

/* simple - a short answer of our own (413, 414, 405) */
static enum MHD_Result
simple(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct review_response rr;

	memset(&rr, 0, sizeof(rr));
	rr.fd = -1;
	rr.status = status;
	rr.type = "text/plain; charset=utf-8";
	buf_init(&rr.body, 256);
	(void)buf_puts(&rr.body, text);
	return send_response(c, &rr);
}

/* client_addr - the peer as text */
static void
client_addr(char *dst, size_t size, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	(void)snprintf(dst, size, "unknown");
	if ((ci = MHD_get_connection_info(
	         c, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) == NULL ||
	    (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		(void)inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    dst, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		(void)inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    dst, (socklen_t)size);
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size,
    void **con_cls)
{
	struct req *r = *con_cls;
	struct review_request q;
	struct review_response rr;
	char client[INET6_ADDRSTRLEN + 1], *path, *qmark;
	const char *ct;

	(void)cls;
	(void)url;
	(void)version;
	if (r == NULL)
		return MHD_NO;
	if (!r->started) {
		/* headers only: a POST's form comes in the next calls */
		r->started = 1;
		if (strcmp(method, "POST") == 0)
			return MHD_YES;
	}
	if (strcmp(method, "POST") == 0 && *upload_size > 0) {
		if (!r->too_big &&
		    buf_append(&r->body, upload, *upload_size) != BUF_OK)
			r->too_big = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->uri == NULL)
		return simple(c, 414, "URI too long\n");
	if (r->too_big)
		return simple(c, 413, "Form too large\n");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0)
		return simple(c, 405, "Method not allowed\n");
	if (strcmp(method, "POST") == 0 &&
	    ((ct = MHD_lookup_connection_value(
	          c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)) == NULL ||
	        strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0))
		return simple(c, 415, "Forms only\n");
	path = r->uri;
	if ((qmark = strchr(path, '?')) != NULL)
		*qmark = '\0';
	client_addr(client, sizeof(client), c);
	memset(&q, 0, sizeof(q));
	q.method = method;
	q.path = path;
	q.query = qmark != NULL ? qmark + 1 : "";
	q.body = r->body.data;
	q.bodylen = r->body.len;
	q.session =
	    MHD_lookup_connection_value(c, MHD_COOKIE_KIND, REVIEW_COOKIE);
	q.login = MHD_lookup_connection_value(
	    c, MHD_COOKIE_KIND, REVIEW_LOGIN_COOKIE);
	q.client = client;
	q.now = time(NULL);
	review_handle(service, &q, &rr);
	return send_response(c, &rr);
}

/* parse_listen - "A.B.C.D:PORT" or "[V6]:PORT" into ss; loopback set
 * for 127/8 and ::1 */
static int
parse_listen(struct sockaddr_storage *ss, socklen_t *len, int *loopback,
    const char *spec)
{
	char host[INET6_ADDRSTRLEN + 2], *end;
	const char *colon = strrchr(spec, ':');
	unsigned long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || (hl = (size_t)(colon - spec)) >= sizeof(host))
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    port == 0 || port > 65535)
		return -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		*loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		return 0;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		*loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
		return 0;
	}
}

/* slurp - a whole small file (a PEM certificate or key), as root */
static char *
slurp(const char *path)
{
	struct buf b;
	char chunk[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		log_fatal(EX_CONFIG, "%s: %s", path, strerror(errno));
	buf_init(&b, 1024 * 1024);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&b, chunk, (size_t)n) != BUF_OK)
			log_fatal(EX_CONFIG, "%s: too large", path);
	(void)close(fd);
	if (n < 0)
		log_fatal(EX_CONFIG, "%s: %s", path, strerror(errno));
	return buf_steal(&b);
}

/* drop - become user, with its groups (the reviewer group among them),
 * for good */
static void
drop(const char *user)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL)
		log_fatal(EX_NOUSER, "no user %s", user);
	if (pw->pw_uid == 0)
		log_fatal(
		    EX_CONFIG, "will not serve pages as root (-u %s)", user);
	if (initgroups(user, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1)
		log_fatal(
		    EX_OSERR, "cannot become %s: %s", user, strerror(errno));
	if (setuid(0) != -1 || geteuid() == 0)
		log_fatal(
		    EX_OSERR, "could regain root after becoming %s", user);
}

int
main(int argc, char **argv)
{
	const char *config_path = DEFAULT_CONFIG, *user = DEFAULT_USER,
	           *listen_spec = NULL;
	const struct config_review *rc;
	struct sockaddr_storage ss;
	struct config *cfg;
	struct diag *dg;
	struct MHD_Daemon *d;
	socklen_t sslen = 0;
	sigset_t set;
	char *cert = NULL, *key = NULL;
	unsigned flags;
	int o, check_only = 0, to_stderr = 0, loopback = 0, sv[2], lfd, one = 1;
	int sig;
	pid_t helper;

	while ((o = getopt(argc, argv, "c:dl:nu:")) != -1) {
		switch (o) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			to_stderr = 1;
			break;
		case 'l':
			listen_spec = optarg;
			break;
		case 'n':
			check_only = 1;
			to_stderr = 1;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init(PROGNAME, to_stderr);
	if ((dg = diag_new()) == NULL)
		log_fatal(EX_OSERR, "%s", strerror(errno));
	o = config_load(&cfg, config_path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	if (o == -1)
		log_fatal(
		    EX_CONFIG, "%s: configuration not loaded", config_path);
	rc = config_review(cfg);
	if (listen_spec == NULL)
		listen_spec = rc->listen != NULL ? rc->listen : DEFAULT_LISTEN;
	if (parse_listen(&ss, &sslen, &loopback, listen_spec) == -1)
		log_fatal(EX_CONFIG,
		    "<listen> \"%s\": expected ADDRESS:PORT, e.g. "
		    "127.0.0.1:8895 or [::1]:8895",
		    listen_spec);
	if (!loopback && rc->tls_cert == NULL && !rc->plain_http)
		log_fatal(EX_CONFIG,
		    "will not serve %s without TLS: set <tls-cert> and "
		    "<tls-key>, or listen on loopback behind a TLS proxy, or "
		    "set <plain-http>yes</plain-http> to accept the risk",
		    listen_spec);
	if (config_quarantine(cfg)->reviewer_group == NULL)
		log_warn("<reviewer-group> is not set: nobody can sign in");
	if (check_only) {
		printf("%s: configuration OK; would listen on %s%s\n", PROGNAME,
		    listen_spec, rc->tls_cert != NULL ? " with TLS" : "");
		config_free(cfg);
		return EX_OK;
	}
	if (rc->tls_cert != NULL) {
		cert = slurp(rc->tls_cert);
		key = slurp(rc->tls_key);
	}
	if ((lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	        -1 ||
	    bind(lfd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(lfd, 64) == -1)
		log_fatal(EX_OSERR, "cannot listen on %s: %s", listen_spec,
		    strerror(errno));

	/* the helper, before anything else is read: it keeps root */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		log_fatal(EX_OSERR, "socketpair: %s", strerror(errno));
	if ((helper = fork()) == -1)
		log_fatal(EX_OSERR, "fork: %s", strerror(errno));
	if (helper == 0) {
		(void)close(sv[0]);
		(void)close(lfd);
		if (key != NULL)
			explicit_bzero(key, strlen(key));
		review_auth_serve(
		    sv[1], config_quarantine(cfg)->reviewer_group);
	}
	(void)close(sv[1]);
	if (getuid() == 0)
		drop(user);
	else
		log_warn("not started as root: PAM can check only the "
		         "password of the user running %s",
		    PROGNAME);
	mime_init();
	tls = cert != NULL;
	if (review_new(&service, cfg, review_auth_ask, &sv[0], cert != NULL) ==
	    -1)
		log_fatal(EX_OSERR, "%s", strerror(errno));

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);

	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert != NULL)
		flags |= MHD_USE_TLS;
	d = MHD_start_daemon(flags, 0, NULL, NULL, answer, NULL,
	    MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)BOUND_REVIEW_THREADS, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)BOUND_REVIEW_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)BOUND_REVIEW_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)BOUND_REVIEW_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)BOUND_REVIEW_CONN_MEMORY, MHD_OPTION_URI_LOG_CALLBACK,
	    uri_log, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	if (d == NULL)
		log_fatal(
		    EX_OSERR, "libmicrohttpd did not start on %s", listen_spec);
	log_notice("serving %s%s as %s; sign-in through PAM service "
	           "guardian-review (helper pid %ld)",
	    listen_spec, cert != NULL ? " with TLS" : "",
	    getuid() == 0 ? "root" : user, (long)helper);
	for (;;) {
		if (sigwait(&set, &sig) != 0 || sig == SIGPIPE)
			continue;
		break;
	}
	log_notice("signal %d: stopping", sig);
	MHD_stop_daemon(d);
	(void)close(sv[0]); /* the helper exits on EOF */
	review_free(service);
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	free(cert);
	free(key);
	config_free(cfg);
	return EX_OK;
}
