/*
 * guardianctl.c - the administrator's tool: check the configuration and
 * simulate a message offline
 *
 *	guardianctl [-c CONFIG] check
 *	guardianctl [-c CONFIG] test --from ADDR --rcpt ADDR [--rcpt ADDR...]
 *	    [--auth LOGIN] [--macro NAME=VALUE...] [--json] FILE.eml|-
 *	guardianctl [-c CONFIG] roster lookup ADDRESS...
 *	guardianctl [-c CONFIG] roster check [--preferences FILE] [DIR...]
 *	guardianctl [-c CONFIG] roster accept
 *	guardianctl [-c CONFIG] quarantine list|show|release|delete|purge|
 *	    reindex|audit ... (quarantinectl.h)
 *
 * "test" builds the same snapshot the daemon would and calls the same
 * pipeline_evaluate(), so what it prints is what production does. The
 * exit status says what would happen to the message (see guardianctl(8)).
 */
#include "autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "log.h"
#include "message.h"
#include "mime.h"
#include "pipeline.h"
#include "quarantine.h"
#include "quarantinectl.h"
#include "rosterctl.h"
#include "snapshot.h"
#include "verdict.h"

#define PROGNAME "guardianctl"
#define DEFAULT_CONFIG SYSCONFDIR "/guardian-milter/guardian-milter.xml"

/* Exit statuses of "test" beyond sysexits.h: what would happen. */
#define EXIT_ACCEPT 0
#define EXIT_REJECT 10
#define EXIT_TEMPFAIL 11
#define EXIT_DISCARD 12
#define EXIT_QUARANTINE 13

/* usage - the synopsis to fp */
static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: " PROGNAME " [-c CONFIG] check\n"
	    "       " PROGNAME " [-c CONFIG] test --from ADDR --rcpt ADDR "
	    "[--rcpt ADDR...]\n"
	    "                   [--auth LOGIN] [--macro NAME=VALUE...] "
	    "[--json] FILE.eml|-\n"
	    "       " PROGNAME " [-c CONFIG] roster lookup ADDRESS...\n"
	    "       " PROGNAME " [-c CONFIG] roster check [--preferences FILE] "
	    "[DIR...]\n"
	    "       " PROGNAME " [-c CONFIG] roster accept\n"
	    "       " PROGNAME " [-c CONFIG] quarantine list|show|release|"
	    "delete|purge|reindex|audit ...\n"
	    "  -c CONFIG  configuration file (default %s)\n",
	    DEFAULT_CONFIG);
}

/* load - build the snapshot, printing every problem to stderr */
static int
load(struct snapshot **out, const char *path)
{
	struct diag *dg;
	int r;

	if ((dg = diag_new()) == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return -1;
	}
	r = snapshot_build(out, path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	return r;
}

/* cmd_check - "check": 0 if the configuration is good, else 78 */
static int
cmd_check(const char *config_path, int argc, char **argv)
{
	struct snapshot *snap = NULL;

	if (argc > 1) {
		fprintf(stderr, PROGNAME ": check takes no arguments\n");
		usage(stderr);
		return EX_USAGE;
	}
	(void)argv;
	if (load(&snap, config_path) == -1)
		return EX_CONFIG;
	snapshot_release(snap);
	return EX_OK;
}

/* The options of "test", gathered before anything is loaded. */
struct test_args {
	const char *from;
	const char **rcpts;
	size_t nrcpt;
	const char *auth;
	const char **macros; /* "NAME=VALUE" */
	size_t nmacro;
	int json;
	const char *file;
};

/* push - append s to a growing array of strings */
static int
push(const char ***arr, size_t *n, const char *s)
{
	const char **a;

	if (*n >= BOUND_RCPT_COUNT * 10) {
		errno = E2BIG;
		return -1;
	}
	if ((a = realloc(*arr, (*n + 1) * sizeof(*a))) == NULL)
		return -1;
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

/* parse_test - the options of "test"; EX_OK or EX_USAGE */
static int
parse_test(struct test_args *ta, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"from", required_argument, NULL, 'f'},
	    {"rcpt", required_argument, NULL, 'r'},
	    {"auth", required_argument, NULL, 'a'},
	    {"macro", required_argument, NULL, 'm'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	const char *eq;
	int c;

	optind = 0; /* GNU getopt: start afresh on the command's argv */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			ta->from = optarg;
			break;
		case 'r':
			if (push(&ta->rcpts, &ta->nrcpt, optarg) == -1) {
				fprintf(stderr, PROGNAME ": --rcpt: %s\n",
				    strerror(errno));
				return EX_USAGE;
			}
			break;
		case 'a':
			ta->auth = optarg;
			break;
		case 'm':
			eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg) {
				fprintf(stderr,
				    PROGNAME ": --macro \"%s\": expected "
				             "NAME=VALUE\n",
				    optarg);
				return EX_USAGE;
			}
			if (push(&ta->macros, &ta->nmacro, optarg) == -1) {
				fprintf(stderr, PROGNAME ": --macro: %s\n",
				    strerror(errno));
				return EX_USAGE;
			}
			break;
		case 'j':
			ta->json = 1;
			break;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (ta->from == NULL || ta->nrcpt == 0) {
		fprintf(stderr,
		    PROGNAME ": test needs --from and at least "
		             "one --rcpt\n");
		usage(stderr);
		return EX_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr,
		    PROGNAME ": test needs exactly one message "
		             "file (or - for standard input)\n");
		usage(stderr);
		return EX_USAGE;
	}
	ta->file = argv[optind];
	return EX_OK;
}

/* set_envelope - the envelope and macros of ta into msg; -1 on ENOMEM */
static int
set_envelope(struct message *msg, const struct test_args *ta)
{
	char *name;
	const char *eq;
	size_t i;
	int r;

	if (message_set_sender(msg, ta->from) == -1)
		return -1;
	for (i = 0; i < ta->nrcpt; i++)
		if (message_add_rcpt(msg, ta->rcpts[i]) == -1)
			return -1;
	for (i = 0; i < ta->nmacro; i++) {
		eq = strchr(ta->macros[i], '=');
		if ((name = strndup(
		         ta->macros[i], (size_t)(eq - ta->macros[i]))) == NULL)
			return -1;
		r = message_set_macro(msg, name, eq + 1);
		free(name);
		if (r == -1)
			return -1;
	}
	if (ta->auth != NULL &&
	    message_set_macro(msg, "{auth_authen}", ta->auth) == -1)
		return -1;
	return 0;
}

/* read_message - the message file (or stdin) into msg; an exit status */
static int
read_message(struct message *msg, const char *file)
{
	FILE *fp;
	int r;

	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(file, "r")) == NULL) {
		fprintf(stderr, PROGNAME ": cannot open %s: %s\n", file,
		    strerror(errno));
		return EX_NOINPUT;
	}
	r = message_parse(msg, fp);
	if (r == -1)
		fprintf(stderr, PROGNAME ": cannot read %s: %s\n",
		    fp == stdin ? "standard input" : file, strerror(errno));
	if (fp != stdin)
		(void)fclose(fp);
	return r == -1 ? EX_SOFTWARE : EX_OK;
}

/* action_status - the exit status for what would happen */
static int
action_status(enum verdict_action a)
{
	switch (a) {
	case VERDICT_ACCEPT:
		return EXIT_ACCEPT;
	case VERDICT_REJECT:
		return EXIT_REJECT;
	case VERDICT_TEMPFAIL:
		return EXIT_TEMPFAIL;
	case VERDICT_DISCARD:
		return EXIT_DISCARD;
	case VERDICT_QUARANTINE:
		return EXIT_QUARANTINE;
	}
	return EX_SOFTWARE;
}

/* print_verdict - the report (or JSON) on stdout; an exit status */
static int
print_verdict(const struct verdict *v, int json)
{
	struct buf out;
	int r;

	buf_init(&out, BOUND_RENDER_BYTES);
	r = json ? verdict_render_json(v, &out) : verdict_render_text(v, &out);
	if (r != BUF_OK) {
		fprintf(stderr, PROGNAME ": cannot render the verdict (%s)\n",
		    r == BUF_TOOBIG ? "too large" : "out of memory");
		buf_free(&out);
		return EX_SOFTWARE;
	}
	fputs(buf_str(&out), stdout);
	if (out.len > 0 && out.data[out.len - 1] != '\n')
		putchar('\n');
	buf_free(&out);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, PROGNAME ": standard output: %s\n",
		    strerror(errno));
		return EX_IOERR;
	}
	return action_status(verdict_action(v));
}

/* print_findings - after the text report, what the message's MIME view
 * could not read (content.h), so that a mime-* rule's match, or a rule
 * that did not see some text, can be understood; nothing when the view
 * read everything. Informational: the verdict above is the decision. */
static int
print_findings(const struct message *msg)
{
	static const char prefix[] = "not inspected: ";
	struct content *view;
	const char *f;
	size_t i;

	if (content_build(&view, msg) == -1) {
		fprintf(stderr,
		    PROGNAME ": cannot read the message's MIME "
		             "structure: %s\n",
		    strerror(errno));
		return -1;
	}
	if (content_finding_count(view) > 0)
		printf("content not inspected:\n");
	for (i = 0; (f = content_finding(view, i)) != NULL; i++)
		printf("  %s\n",
		    strncmp(f, prefix, sizeof(prefix) - 1) == 0 ?
		        f + sizeof(prefix) - 1 :
		        f);
	content_free(view);
	return fflush(stdout) == EOF ? -1 : 0;
}

/* print_notice - for a message that would be held, the notice its
 * sender would get (with "ID" for the quarantine id), or why none */
static int
print_notice(const struct config *cfg, const struct message *msg,
    const struct verdict *v)
{
	const struct config_quarantine *q = config_quarantine(cfg);
	struct notice_vars nv;
	size_t it = 0;
	char *body;

	if (!q->notices) {
		printf("notice: none (<notices> is off)\n");
		return fflush(stdout) == EOF ? -1 : 0;
	}
	if (!notice_wanted(msg, config_compliance_address(cfg))) {
		printf("notice: none (automatic message or null sender)\n");
		return fflush(stdout) == EOF ? -1 : 0;
	}
	memset(&nv, 0, sizeof(nv));
	nv.id = "ID";
	nv.rule = verdict_rule(v);
	nv.policy = verdict_policy(v);
	nv.why = verdict_text(v) != NULL ? verdict_text(v) :
	                                   "a district mail rule matched it";
	nv.contact = q->contact != NULL ? q->contact :
	    config_compliance_address(cfg) != NULL ?
	                                  config_compliance_address(cfg) :
	                                  "your school's office";
	nv.subject = message_header_value(msg, "Subject", &it);
	nv.recipients = message_rcpt_count(msg);
	nv.date = "DATE";
	if ((body = notice_expand(q->notice_template != NULL ?
	             q->notice_template :
	             notice_default_template(),
	         &nv)) == NULL)
		return -1;
	printf("notice to <%s>:\n%s", message_sender(msg), body);
	free(body);
	return fflush(stdout) == EOF ? -1 : 0;
}

/* cmd_test - "test": simulate one message */
static int
cmd_test(const char *config_path, int argc, char **argv)
{
	struct test_args ta;
	struct snapshot *snap = NULL;
	struct message *msg = NULL;
	struct verdict *v = NULL;
	int r;

	memset(&ta, 0, sizeof(ta));
	if ((r = parse_test(&ta, argc, argv)) != EX_OK)
		goto out;
	if (load(&snap, config_path) == -1) {
		r = EX_CONFIG;
		goto out;
	}
	/* the daemon's spool directory is not needed to simulate: large
	 * bodies go to $TMPDIR */
	if ((msg = message_new(NULL)) == NULL || set_envelope(msg, &ta) == -1) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		r = EX_SOFTWARE;
		goto out;
	}
	if ((r = read_message(msg, ta.file)) != EX_OK)
		goto out;
	errno = 0;
	if (pipeline_evaluate(&v, snap, msg, NULL, time(NULL)) == -1) {
		/* errno means something only for a failed allocation */
		fprintf(stderr,
		    PROGNAME ": the message could not be evaluated: %s\n",
		    errno == ENOMEM ? strerror(errno) :
		                      "a condition could not be evaluated (a "
		                      "regular expression reached its match "
		                      "limit)");
		r = EX_SOFTWARE;
		goto out;
	}
	r = print_verdict(v, ta.json);
	if (!ta.json && r != EX_SOFTWARE && r != EX_IOERR &&
	    print_findings(msg) == -1)
		r = EX_SOFTWARE;
	if (!ta.json && r == EXIT_QUARANTINE &&
	    print_notice(snapshot_config(snap), msg, v) == -1)
		r = EX_SOFTWARE;
out:
	verdict_free(v);
	message_free(msg);
	snapshot_release(snap);
	free(ta.rcpts);
	free(ta.macros);
	return r;
}

int
main(int argc, char **argv)
{
	const char *config_path = DEFAULT_CONFIG;
	int c;

	/* "+": stop at the command; its own options follow it */
	while ((c = getopt(argc, argv, "+c:h")) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROGNAME ": no command given\n");
		usage(stderr);
		return EX_USAGE;
	}
	log_init(PROGNAME, 1);
	config_init();
	mime_init();
	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "check") == 0)
		return cmd_check(config_path, argc, argv);
	if (strcmp(argv[0], "test") == 0)
		return cmd_test(config_path, argc, argv);
	if (strcmp(argv[0], "roster") == 0)
		return rosterctl_main(config_path, argc, argv);
	if (strcmp(argv[0], "quarantine") == 0)
		return quarantinectl_main(config_path, argc, argv);
	fprintf(stderr, PROGNAME ": unknown command \"%s\"\n", argv[0]);
	usage(stderr);
	return EX_USAGE;
}
