/*
 * quarantinectl.c - "guardianctl quarantine" (see quarantinectl.h)
 *
 * A release re-injects the held message, byte for byte, to its original
 * envelope recipients through the MTA's sendmail(1) (the <sendmail>
 * command, with posix_spawn: never a shell). Postfix's sendmail hands it
 * to pickup(8), which passes non_smtpd_milters only: with this filter
 * kept out of them the released message is not filtered again. The
 * release marker is created with O_EXCL first, so that of two reviewers
 * releasing at once one wins and the other is refused; a delivery that
 * fails takes the marker back.
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "log.h"
#include "message.h"
#include "qstore.h"
#include "quarantine.h"
#include "quarantinectl.h"
#include "review_ops.h"
#include "verdict.h"

#define PROGNAME "guardianctl"

/* The reviewer's view of the store, for one command. */
struct qctl {
	struct config *cfg;
	const struct config_quarantine *q;
	struct qstore *qs;
	char who[256]; /* the login name of the user running us */
};

/* qusage - the synopsis of the quarantine commands */
static void
qusage(FILE *fp)
{
	fprintf(fp,
	    "usage: " PROGNAME " quarantine list [--since DATE|DAYSd] "
	    "[--rule ID] [--sender TEXT]\n"
	    "           [--recipient TEXT] [--status held|released|deleted] "
	    "[--json]\n"
	    "       " PROGNAME " quarantine show [--raw] ID\n"
	    "       " PROGNAME " quarantine release ID --reason TEXT\n"
	    "       " PROGNAME " quarantine delete ID --reason TEXT\n"
	    "       " PROGNAME " quarantine purge --older-than DAYS\n"
	    "       " PROGNAME " quarantine reindex\n"
	    "       " PROGNAME " quarantine audit\n");
}

/* in_group - 1 if the caller is root or in the group named name */
static int
allowed(const char *group)
{
	struct group *gr;
	gid_t *gids;
	int n, i, ok = 0;

	if (getuid() == 0)
		return 1;
	if (group == NULL || (gr = getgrnam(group)) == NULL)
		return 0;
	if (getgid() == gr->gr_gid || getegid() == gr->gr_gid)
		return 1;
	if ((n = getgroups(0, NULL)) <= 0 ||
	    (gids = calloc((size_t)n, sizeof(*gids))) == NULL)
		return 0;
	n = getgroups(n, gids);
	for (i = 0; i < n; i++)
		if (gids[i] == gr->gr_gid)
			ok = 1;
	free(gids);
	return ok;
}

/* qctl_open - read the configuration, check the caller, open the store */
static int
qctl_open(struct qctl *c, const char *config_path)
{
	struct diag *dg;
	struct passwd *pw;
	char err[BOUND_DIAG_TEXT];
	int r;

	memset(c, 0, sizeof(*c));
	if ((dg = diag_new()) == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return EX_OSERR;
	}
	r = config_load(&c->cfg, config_path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	if (r == -1)
		return EX_CONFIG;
	c->q = config_quarantine(c->cfg);
	if ((pw = getpwuid(getuid())) != NULL)
		(void)snprintf(c->who, sizeof(c->who), "%s", pw->pw_name);
	else
		(void)snprintf(
		    c->who, sizeof(c->who), "uid%u", (unsigned)getuid());
	if (!allowed(c->q->reviewer_group)) {
		fprintf(stderr,
		    PROGNAME ": quarantine: only root and the reviewer "
		             "group%s%s%s may review held mail; %s is not in "
		             "it\n",
		    c->q->reviewer_group != NULL ? " \"" : "",
		    c->q->reviewer_group != NULL ? c->q->reviewer_group : "",
		    c->q->reviewer_group != NULL ? "\"" : " (none is set)",
		    c->who);
		config_free(c->cfg);
		return EX_NOPERM;
	}
	if (qstore_open(&c->qs, c->q->dir, 0, err, sizeof(err)) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", err);
		config_free(c->cfg);
		return errno == EPERM ? EX_NOPERM : EX_UNAVAILABLE;
	}
	return EX_OK;
}

static void
qctl_close(struct qctl *c)
{
	qstore_close(c->qs);
	config_free(c->cfg);
}

/* print_value - s with control bytes escaped, on a terminal */
static void
print_value(const char *s)
{
	char out[BOUND_LOG_LINE];

	(void)log_printable(out, sizeof(out), s, strlen(s));
	fputs(out, stdout);
}

/* json_str - s as a JSON string */
static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* iso_time - t as "2026-12-04T21:40:00Z" */
static const char *
iso_time(char *dst, size_t size, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(dst, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(dst, size, "%lld", (long long)t);
	return dst;
}

/* ---- list --------------------------------------------------------------- */

struct list_state {
	int json;
	size_t n;
};

/* list_one - one line (or JSON object) per entry */
static int
list_one(const struct qstore_entry *e, void *arg)
{
	struct list_state *ls = arg;
	char when[32];
	size_t i;

	iso_time(when, sizeof(when), e->time);
	if (ls->json) {
		printf("%s{\"id\":", ls->n > 0 ? "," : "");
		json_str(e->id);
		printf(",\"time\":\"%s\",\"status\":\"%s\",\"queue_id\":", when,
		    qstore_status_name(e->status));
		json_str(e->queue_id);
		printf(",\"sender\":");
		json_str(e->sender);
		printf(",\"recipients\":[");
		for (i = 0; i < e->nrcpts; i++) {
			if (i > 0)
				putchar(',');
			json_str(e->rcpts[i]);
		}
		printf("],\"rule\":");
		json_str(e->rule);
		printf(",\"policy\":");
		json_str(e->policy);
		printf(",\"rules\":");
		json_str(e->rules);
		printf(",\"subject\":");
		json_str(e->subject);
		printf(",\"size\":%ju}", (uintmax_t)e->size);
	} else {
		printf("%s  %s  %-8s  <", e->id, when,
		    qstore_status_name(e->status));
		print_value(e->sender);
		printf(">  %s  ", e->rule);
		print_value(e->subject);
		putchar('\n');
	}
	ls->n++;
	return 0;
}

/* parse_since - "YYYY-MM-DD" (UTC midnight) or "Nd" (N days ago) */
static int
parse_since(time_t *out, const char *s)
{
	struct tm tm;
	char *end;
	unsigned long d;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL && *end == '\0') {
		*out = timegm(&tm);
		return 0;
	}
	errno = 0;
	d = strtoul(s, &end, 10);
	if (s[0] >= '0' && s[0] <= '9' && errno == 0 && end[0] == 'd' &&
	    end[1] == '\0' && d <= 36500) {
		*out = time(NULL) - (time_t)d * 86400;
		return 0;
	}
	return -1;
}

/* cmd_list - "list" */
static int
cmd_list(struct qctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"since", required_argument, NULL, 's'},
	    {"rule", required_argument, NULL, 'r'},
	    {"sender", required_argument, NULL, 'f'},
	    {"recipient", required_argument, NULL, 't'},
	    {"status", required_argument, NULL, 'S'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct qstore_filter f = {0, NULL, NULL, NULL, -1};
	struct list_state ls = {0, 0};
	int o, r;

	optind = 0; /* GNU getopt: start afresh on the command's argv */
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case 's':
			if (parse_since(&f.since, optarg) == -1) {
				fprintf(stderr,
				    PROGNAME ": --since \"%s\": expected "
				             "YYYY-MM-DD or a number of days "
				             "like 7d\n",
				    optarg);
				return EX_USAGE;
			}
			break;
		case 'r':
			f.rule = optarg;
			break;
		case 'f':
			f.sender = optarg;
			break;
		case 't':
			f.recipient = optarg;
			break;
		case 'S':
			if (strcmp(optarg, "held") == 0)
				f.status = QSTORE_HELD;
			else if (strcmp(optarg, "released") == 0)
				f.status = QSTORE_RELEASED;
			else if (strcmp(optarg, "deleted") == 0)
				f.status = QSTORE_DELETED;
			else {
				fprintf(stderr,
				    PROGNAME ": --status \"%s\": expected "
				             "held, released or deleted\n",
				    optarg);
				return EX_USAGE;
			}
			break;
		case 'j':
			ls.json = 1;
			break;
		default:
			qusage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		qusage(stderr);
		return EX_USAGE;
	}
	if (ls.json)
		putchar('[');
	r = qstore_list(c->qs, &f, list_one, &ls);
	if (ls.json)
		printf("]\n");
	if (r == -1) {
		fprintf(stderr, PROGNAME ": %s\n", qstore_error(c->qs));
		return EX_UNAVAILABLE;
	}
	return fflush(stdout) == EOF ? EX_IOERR : EX_OK;
}

/* ---- show --------------------------------------------------------------- */

/* id_arg - the id operand, checked */
static const char *
id_arg(int argc, char **argv)
{
	if (optind != argc - 1) {
		fprintf(stderr, PROGNAME ": expected one quarantine id\n");
		return NULL;
	}
	if (!qstore_id_valid(argv[optind])) {
		fprintf(stderr,
		    PROGNAME ": invalid quarantine id (expected %d "
		             "lower-case hex digits, as list shows them)\n",
		    QSTORE_ID_LEN);
		return NULL;
	}
	return argv[optind];
}

/* show_text - the message's header fields (unfolded) and the text of
 * its parts, as the rules read them */
static int
show_text(int fd)
{
	struct message *msg;
	struct content *view = NULL;
	const char *name, *value, *t;
	FILE *fp;
	size_t i, len;
	int r = -1;

	if ((fp = fdopen(fd, "r")) == NULL) {
		(void)close(fd);
		return -1;
	}
	if ((msg = message_new(NULL)) == NULL || message_parse(msg, fp) == -1)
		goto out;
	printf("\nheader:\n");
	for (i = 0; i < message_header_count(msg); i++) {
		message_header(msg, i, &name, &value);
		printf("  ");
		print_value(name);
		printf(": ");
		print_value(value);
		putchar('\n');
	}
	if (content_build(&view, msg) == -1)
		goto out;
	for (i = 0; i < content_text_count(view); i++) {
		t = content_text(view, i, &len);
		printf("\ntext %zu:\n", i + 1);
		fwrite(t, 1, len, stdout);
		if (len > 0 && t[len - 1] != '\n')
			putchar('\n');
	}
	for (i = 0; i < content_finding_count(view); i++)
		printf("finding: %s\n", content_finding(view, i));
	r = 0;
out:
	content_free(view);
	message_free(msg);
	(void)fclose(fp);
	return r;
}

/* show_match - one matched rule of the held verdict: "  id [mode]: what" */
static void
show_match(void *arg, struct buf *v)
{
	int *n = arg;

	if ((*n)++ == 0)
		printf("matched rules:\n");
	printf("  ");
	print_value(buf_str(&v[0]));
	printf(" [");
	print_value(buf_str(&v[1]));
	printf("]: ");
	print_value(buf_str(&v[2]));
	putchar('\n');
}

/* show_finding - what a detector found, with its redacted evidence, as
 * guardianctl test shows it */
static void
show_finding(void *arg, struct buf *v)
{
	int *n = arg;

	if ((*n)++ == 0)
		printf("findings:\n");
	printf("  ");
	print_value(buf_str(&v[1]));
	printf(" in ");
	print_value(buf_str(&v[2]));
	if (v[3].len > 0) {
		printf(" \"");
		print_value(buf_str(&v[3]));
		putchar('"');
	}
	printf(": %s match%s", buf_str(&v[4]),
	    strcmp(buf_str(&v[4]), "1") == 0 ? "" : "es");
	if (v[5].len > 0 && strcmp(buf_str(&v[5]), "0") != 0)
		printf(", %s student%s", buf_str(&v[5]),
		    strcmp(buf_str(&v[5]), "1") == 0 ? "" : "s");
	printf(" (rule ");
	print_value(buf_str(&v[0]));
	printf(")\n      evidence: ");
	print_value(buf_str(&v[6]));
	putchar('\n');
}

/* show_verdict - the held verdict's matched rules and findings, read
 * back from the JSON the store keeps */
static void
show_verdict(const char *json)
{
	static const char *const mkeys[] = {"rule", "mode", "what"};
	static const char *const fkeys[] = {"rule", "detector", "where", "name",
	    "matches", "students", "evidence"};
	int n = 0;

	if (json == NULL)
		return;
	verdict_json_rows(json, "matches", mkeys, 3, show_match, &n);
	n = 0;
	verdict_json_rows(json, "findings", fkeys, 7, show_finding, &n);
}

/* cmd_show - "show [--raw] ID" */
static int
cmd_show(struct qctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"raw", no_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	struct qstore_entry e;
	const char *id;
	char when[32], buf[65536];
	uint64_t size;
	ssize_t n;
	size_t i;
	int o, raw = 0, fd;

	optind = 0;
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (o != 'r') {
			qusage(stderr);
			return EX_USAGE;
		}
		raw = 1;
	}
	if ((id = id_arg(argc, argv)) == NULL)
		return EX_USAGE;
	if (qstore_get(&e, c->qs, id) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", qstore_error(c->qs));
		return errno == ENOENT ? EX_NOINPUT : EX_DATAERR;
	}
	if (qstore_open_message(&fd, &size, c->qs, id) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", qstore_error(c->qs));
		qstore_entry_free(&e);
		return EX_NOINPUT;
	}
	if (raw) {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		(void)close(fd);
		qstore_entry_free(&e);
		return n < 0 || fflush(stdout) == EOF ? EX_IOERR : EX_OK;
	}
	printf("id: %s\nstatus: %s\nheld: %s\nqueue id: ", e.id,
	    qstore_status_name(e.status), iso_time(when, sizeof(when), e.time));
	print_value(e.queue_id);
	printf("\nsender: <");
	print_value(e.sender);
	printf(">\n");
	for (i = 0; i < e.nrcpts; i++) {
		printf("recipient: <");
		print_value(e.rcpts[i]);
		printf(">\n");
	}
	printf("client: ");
	print_value(e.client);
	printf("\nlogin: ");
	print_value(e.login);
	printf("\nsize: %ju\nrule: ", (uintmax_t)e.size);
	print_value(e.rule);
	printf("\nguideline: ");
	print_value(e.policy);
	putchar('\n');
	show_verdict(e.verdict);
	if (e.status != QSTORE_HELD) {
		printf("%s by %s at %s: ", qstore_status_name(e.status),
		    e.status_by, iso_time(when, sizeof(when), e.status_time));
		print_value(e.status_reason);
		putchar('\n');
	}
	qstore_entry_free(&e);
	if (show_text(fd) == -1) {
		fprintf(stderr, PROGNAME ": cannot read the message: %s\n",
		    strerror(errno));
		return EX_DATAERR;
	}
	return fflush(stdout) == EOF ? EX_IOERR : EX_OK;
}

/* ---- release, delete ---------------------------------------------------- */

/* reason_args - "ID --reason TEXT" in any order; EX_OK or EX_USAGE */
static int
reason_args(const char **id, const char **reason, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"reason", required_argument, NULL, 'r'},
	    {NULL, 0, NULL, 0},
	};
	const char *p;
	int o;

	*reason = NULL;
	optind = 0;
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (o != 'r') {
			qusage(stderr);
			return EX_USAGE;
		}
		*reason = optarg;
	}
	if ((*id = id_arg(argc, argv)) == NULL)
		return EX_USAGE;
	for (p = *reason; p != NULL && (*p == ' ' || *p == '\t'); p++)
		;
	if (p == NULL || *p == '\0') {
		fprintf(stderr,
		    PROGNAME ": %s needs --reason TEXT (it goes "
		             "to the audit log)\n",
		    argv[0]);
		return EX_USAGE;
	}
	if (strlen(*reason) > BOUND_REPLY_TEXT) {
		fprintf(stderr,
		    PROGNAME ": the reason is longer than %d "
		             "bytes\n",
		    BOUND_REPLY_TEXT);
		return EX_USAGE;
	}
	return EX_OK;
}

/* audit - append to the audit log; a failure is an error of its own */
static int
audit(struct qctl *c, const char *action, const char *id, const char *reason)
{
	if (qstore_audit(c->qs, c->who, action, id, reason, time(NULL)) == 0)
		return 0;
	fprintf(stderr, PROGNAME ": %s\n", qstore_error(c->qs));
	return -1;
}

/* report - what a release or delete came to, on stderr or stdout */
static int
report(const struct review_result *res, int r, const char *id)
{
	if (r == 0) {
		if (res->warning[0] != '\0')
			fprintf(stderr, PROGNAME ": %s\n", res->warning);
		return EX_OK;
	}
	switch (res->outcome) {
	case REVIEW_ALREADY:
		fprintf(stderr,
		    PROGNAME ": %s was released or deleted already; "
		             "not done again (%s)\n",
		    id, res->text);
		return EX_DATAERR;
	case REVIEW_NOT_FOUND:
		fprintf(stderr, PROGNAME ": %s\n", res->text);
		return EX_NOINPUT;
	case REVIEW_BAD_INPUT:
		fprintf(stderr, PROGNAME ": %s\n", res->text);
		return EX_USAGE;
	case REVIEW_SEND_FAIL:
		fprintf(stderr, PROGNAME ": %s\n", res->text);
		return EX_UNAVAILABLE;
	default:
		fprintf(stderr, PROGNAME ": %s\n", res->text);
		return EX_IOERR;
	}
}

/* cmd_release - "release ID --reason TEXT" (review_ops.h) */
static int
cmd_release(struct qctl *c, int argc, char **argv)
{
	struct review_result res;
	const char *id, *reason;
	int r;

	if ((r = reason_args(&id, &reason, argc, argv)) != EX_OK)
		return r;
	r = review_release(&res, c->cfg, c->qs, id, c->who, reason);
	if (r == 0 && res.hold)
		printf("%s: marked released; the MTA holds it: run\n"
		       "  postsuper -H %s\n",
		    id, res.queue_id);
	else if (r == 0)
		printf("%s: released to %zu recipient(s)\n", id, res.nrcpts);
	return report(&res, r, id);
}

/* cmd_delete - "delete ID --reason TEXT" (review_ops.h) */
static int
cmd_delete(struct qctl *c, int argc, char **argv)
{
	struct review_result res;
	const char *id, *reason;
	int r;

	if ((r = reason_args(&id, &reason, argc, argv)) != EX_OK)
		return r;
	r = review_delete(&res, c->cfg, c->qs, id, c->who, reason);
	if (r == 0) {
		printf("%s: deleted\n", id);
		if (res.hold)
			printf("the MTA holds it: run\n  postsuper -d %s "
			       "hold\n",
			    res.queue_id);
	}
	return report(&res, r, id);
}

/* ---- purge, reindex, audit ---------------------------------------------- */

/* cmd_purge - "purge --older-than DAYS" */
static int
cmd_purge(struct qctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"older-than", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	char *end, why[64];
	unsigned long days = 0;
	int o, set = 0;
	size_t n;

	optind = 0;
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		errno = 0;
		if (o != 'o' || optarg[0] < '0' || optarg[0] > '9' ||
		    (days = strtoul(optarg, &end, 10)) > 36500 ||
		    *end != '\0' || errno != 0) {
			fprintf(stderr,
			    PROGNAME ": purge needs --older-than DAYS "
			             "(0 to 36500)\n");
			return EX_USAGE;
		}
		set = 1;
	}
	if (!set || optind != argc) {
		fprintf(stderr, PROGNAME ": purge needs --older-than DAYS\n");
		return EX_USAGE;
	}
	(void)snprintf(why, sizeof(why), "older than %lu days", days);
	if (audit(c, "purge", NULL, why) == -1)
		return EX_IOERR;
	if (qstore_purge(c->qs, (unsigned)days, time(NULL), &n) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", qstore_error(c->qs));
		return EX_IOERR;
	}
	printf("purged %zu message(s)\n", n);
	return EX_OK;
}

/* cmd_reindex - "reindex" */
static int
cmd_reindex(struct qctl *c)
{
	size_t n;

	if (qstore_reindex(c->qs, &n) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", qstore_error(c->qs));
		return EX_IOERR;
	}
	printf("indexed %zu message(s)\n", n);
	return EX_OK;
}

/* cmd_audit - "audit": the log as it is */
static int
cmd_audit(struct qctl *c)
{
	char buf[65536];
	FILE *fp;
	size_t n;

	if ((fp = fopen(qstore_audit_path(c->qs), "re")) == NULL) {
		if (errno == ENOENT)
			return EX_OK; /* nothing done yet */
		fprintf(stderr, PROGNAME ": %s: %s\n", qstore_audit_path(c->qs),
		    strerror(errno));
		return EX_NOINPUT;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, stdout);
	(void)fclose(fp);
	return fflush(stdout) == EOF ? EX_IOERR : EX_OK;
}

int
quarantinectl_main(const char *config_path, int argc, char **argv)
{
	static const char *const cmds[] = {"list", "show", "release", "delete",
	    "purge", "reindex", "audit", NULL};
	struct qctl c;
	const char *cmd;
	size_t i;
	int r;

	if (argc < 2) {
		qusage(stderr);
		return EX_USAGE;
	}
	cmd = argv[1];
	for (i = 0; cmds[i] != NULL; i++)
		if (strcmp(cmd, cmds[i]) == 0)
			break;
	if (cmds[i] == NULL) {
		fprintf(stderr,
		    PROGNAME ": unknown quarantine command \"%s\"\n", cmd);
		qusage(stderr);
		return EX_USAGE;
	}
	if ((r = qctl_open(&c, config_path)) != EX_OK)
		return r;
	argc--;
	argv++;
	if (strcmp(cmd, "list") == 0)
		r = cmd_list(&c, argc, argv);
	else if (strcmp(cmd, "show") == 0)
		r = cmd_show(&c, argc, argv);
	else if (strcmp(cmd, "release") == 0)
		r = cmd_release(&c, argc, argv);
	else if (strcmp(cmd, "delete") == 0)
		r = cmd_delete(&c, argc, argv);
	else if (strcmp(cmd, "purge") == 0)
		r = cmd_purge(&c, argc, argv);
	else if (argc != 1) {
		qusage(stderr);
		r = EX_USAGE;
	} else if (strcmp(cmd, "reindex") == 0)
		r = cmd_reindex(&c);
	else
		r = cmd_audit(&c);
	qctl_close(&c);
	return r;
}
