/*
 * rules_fuzz.c - libFuzzer harness for the rule evaluator, and the check
 * that the milter's early accept never lets through what the rules act on
 *
 * A fixed configuration with every condition kind (tests/fuzz/rules.xml
 * and the test directory, named by FUZZ_RULES_CONFIG) is built once, whole
 * and one snapshot per rule. The first input byte picks the snapshot
 * (modulo their number; 0 is the whole file), the rest is one message: its
 * first line is the envelope, "SENDER RCPT...
 * [NAME=VALUE...]" separated by spaces (a word with "=" is a macro, with
 * "@" or empty an address), the rest is the message file as guardianctl
 * reads it. Like the daemon, the harness asks pipeline_may_match() with
 * the envelope only (before any header), then adds the header and body and
 * asks pipeline_evaluate(). The invariant, the reason this harness exists:
 * when may_match answered 0 ("no rule can act, accept now"), the verdict
 * must be a plain accept: action accept, no rule matched in any mode, no
 * header, recipient or header change. A violation aborts.
 *
 * The second invariant: pipeline_body_use() at the envelope says what
 * the daemon keeps of the body. When it is not RULES_BODY_READ, the same
 * message with its body only counted (message_set_body_count_only())
 * must get the very verdict the stored body gets, as rendered in JSON:
 * no rule that may match reads what was not kept.
 *
 * Macros whose name starts with "late" are given to the message only
 * after may_match, as macros the MTA sends at end of message (the
 * configuration's rule late-macro names one): a <macro> condition that
 * said "no" instead of "unknown" at the envelope would let such a message
 * through at once. FUZZ_LATE_MACROS=0 in the environment gives them with
 * the envelope like the others. Built and run by script/fuzz.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "log.h"
#include "message.h"
#include "pipeline.h"
#include "rules.h"
#include "snapshot.h"
#include "verdict.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW ((time_t)1788000000) /* a fixed clock: 2026-08-30 */

#define MAX_SNAPS 128

/* snaps[0]: the whole configuration; snaps[i]: its rule i alone, so that
 * pipeline_may_match() can answer 0 (with every rule at once some rule
 * on the header or size always answers "maybe") */
static struct snapshot *snaps[MAX_SNAPS];
static size_t nsnaps;
static int late_macros;

/* quiet - a log sink that drops the lines */
static void
quiet(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)line;
	(void)arg;
}

/* build - one snapshot from path into snaps[]; aborts on failure */
static void
build(const char *path)
{
	struct diag *dg;

	if (nsnaps >= MAX_SNAPS || (dg = diag_new()) == NULL)
		abort();
	if (snapshot_build(&snaps[nsnaps], path, dg) == -1) {
		diag_print(dg, stderr);
		abort();
	}
	nsnaps++;
	diag_free(dg);
}

/* slurp - the whole file at path, NUL-terminated; aborts on failure */
static char *
slurp(const char *path)
{
	FILE *fp;
	char *text;
	long n;

	if ((fp = fopen(path, "r")) == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    (text = malloc((size_t)n + 1)) == NULL ||
	    fread(text, 1, (size_t)n, fp) != (size_t)n)
		abort();
	text[n] = '\0';
	fclose(fp);
	return text;
}

/*
 * split_rules - a configuration per rule of the file at conf: the text
 * before the first <rule>, the rule, the closing tag; written beside conf
 * (so that relative paths hold) and built
 */
static void
split_rules(const char *conf)
{
	char *text = slurp(conf), *first, *r, *end, path[4096];
	FILE *fp;
	int n;

	if ((first = strstr(text, "\n  <rule ")) == NULL)
		abort();
	n = snprintf(
	    path, sizeof(path), "%s.one-rule.%ld.xml", conf, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(path))
		abort();
	for (r = first; r != NULL; r = strstr(end, "\n  <rule ")) {
		if ((end = strstr(r, "</rule>")) == NULL)
			abort();
		end += strlen("</rule>");
		if ((fp = fopen(path, "w")) == NULL)
			abort();
		fprintf(fp, "%.*s%.*s\n</guardian-milter>\n",
		    (int)(first - text), text, (int)(end - r), r);
		if (fclose(fp) != 0)
			abort();
		build(path);
	}
	unlink(path);
	free(text);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *conf = getenv("FUZZ_RULES_CONFIG");
	const char *late = getenv("FUZZ_LATE_MACROS");

	(void)argc;
	(void)argv;
	log_init("rules_fuzz", 1);
	config_init();
	if (conf == NULL) {
		fprintf(stderr, "rules_fuzz: set FUZZ_RULES_CONFIG\n");
		abort();
	}
	late_macros = late == NULL || strcmp(late, "0") != 0;
	log_set_sink(quiet, NULL);
	build(conf);
	split_rules(conf);
	return 0;
}

/*
 * envelope - the words of the first line into msg: pass 0 the addresses
 * and the macros known at the envelope, pass 1 the macros named "late*"
 * when late_macros is set (counted in *nlate). -1 when out of memory.
 */
static int
envelope(struct message *msg, char *line, int pass, size_t *nlate)
{
	char *w, *next, *eq;
	int first = 1, r, is_late;

	for (w = line; w != NULL; w = next) {
		if ((next = strchr(w, ' ')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(w, '=')) != NULL && eq != w) {
			is_late = late_macros && strncmp(w, "late", 4) == 0;
			*nlate += is_late;
			if (is_late != pass)
				continue;
			*eq = '\0';
			r = message_set_macro(msg, w, eq + 1);
			*eq = '=';
		} else if (pass == 1)
			continue;
		else if (first) {
			r = message_set_sender(msg, w);
			first = 0;
		} else
			r = message_add_rcpt(msg, w);
		if (r == -1)
			return -1;
	}
	return 0;
}

/* plain_accept - 1 if v changes nothing and names no rule */
static int
plain_accept(const struct verdict *v)
{
	return verdict_action(v) == VERDICT_ACCEPT &&
	    verdict_match_count(v) == 0 && verdict_header_count(v) == 0 &&
	    verdict_set_count(v) == 0 && verdict_rcpt_count(v) == 0;
}

/* same_verdict - 1 if a and b render the same JSON (or both fail) */
static int
same_verdict(const struct verdict *a, const struct verdict *b)
{
	struct buf ja, jb;
	int ra, rb, same;

	buf_init(&ja, BOUND_RENDER_BYTES);
	buf_init(&jb, BOUND_RENDER_BYTES);
	ra = verdict_render_json(a, &ja);
	rb = verdict_render_json(b, &jb);
	same = ra != BUF_OK || rb != BUF_OK ||
	    strcmp(buf_str(&ja), buf_str(&jb)) == 0;
	buf_free(&ja);
	buf_free(&jb);
	return same;
}

/* counted_verdict - the verdict of the message in data with its body
 * only counted, the envelope (line) as given; NULL when it could not be
 * made (out of memory, a rule that could not be evaluated) */
static struct verdict *
counted_verdict(const struct snapshot *snap, const char *line,
    const uint8_t *data, size_t size)
{
	struct message *msg = message_new(NULL);
	struct verdict *v = NULL;
	char *a = strdup(line), *b = strdup(line);
	size_t nlate = 0;
	FILE *fp = NULL;

	if (msg == NULL || a == NULL || b == NULL ||
	    envelope(msg, a, 0, &nlate) == -1 ||
	    envelope(msg, b, 1, &nlate) == -1)
		goto out;
	message_set_body_count_only(msg, 1);
	fp = size > 0 ? fmemopen((void *)(uintptr_t)data, size, "r") :
	                fopen("/dev/null", "r");
	if (fp == NULL || message_parse(msg, fp) == -1 ||
	    pipeline_evaluate(&v, snap, msg, NULL, NOW) == -1)
		v = NULL;
out:
	if (fp != NULL)
		fclose(fp);
	message_free(msg);
	free(a);
	free(b);
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message *msg = NULL;
	struct verdict *v = NULL, *counted = NULL;
	const uint8_t *nl;
	char *line = NULL, *copy = NULL, *orig = NULL;
	size_t len, nlate = 0;
	FILE *fp = NULL;
	const struct snapshot *snap;
	size_t pick;
	int may, use;

	if (size == 0)
		return 0;
	pick = data[0] % nsnaps;
	snap = snaps[pick];
	data++;
	size--;
	nl = memchr(data, '\n', size);
	len = nl != NULL ? (size_t)(nl - data) : size;
	if (memchr(data, '\0', len) != NULL || len > 4096)
		return 0; /* the envelope is text, one line */
	if ((line = strndup((const char *)data, len)) == NULL ||
	    (copy = strdup(line)) == NULL || (orig = strdup(line)) == NULL ||
	    (msg = message_new(NULL)) == NULL)
		goto out;
	if (envelope(msg, line, 0, &nlate) == -1)
		goto out;
	may = pipeline_may_match(snap, msg, NULL, NOW);
	use = pipeline_body_use(snap, msg, NULL, NOW);
	if (nlate > 0 && envelope(msg, copy, 1, &nlate) == -1)
		goto out;
	data += len + (nl != NULL);
	size -= len + (nl != NULL);
	fp = size > 0 ? fmemopen((void *)(uintptr_t)data, size, "r") :
	                fopen("/dev/null", "r");
	if (fp == NULL || message_parse(msg, fp) == -1)
		goto out;
	if (pipeline_evaluate(&v, snap, msg, NULL, NOW) == -1)
		goto out; /* the daemon tempfails: nothing to check */
	if (may == 0 && !plain_accept(v)) {
		fprintf(stderr,
		    "rules_fuzz: pipeline_may_match() said 0 at the envelope "
		    "but the verdict is %s with %zu matches, %zu headers, "
		    "%zu recipients, %zu changes (rule %s, snapshot %zu)\n",
		    verdict_action_name(verdict_action(v)),
		    verdict_match_count(v), verdict_header_count(v),
		    verdict_rcpt_count(v), verdict_set_count(v),
		    verdict_rule(v) != NULL ? verdict_rule(v) : "-", pick);
		abort();
	}
	if (use != -1 && use != RULES_BODY_READ &&
	    (counted = counted_verdict(snap, orig, data, size)) != NULL &&
	    !same_verdict(v, counted)) {
		fprintf(stderr,
		    "rules_fuzz: pipeline_body_use() said %d, but counting "
		    "the body changes the verdict (%s, rule %s, snapshot "
		    "%zu)\n",
		    use, verdict_action_name(verdict_action(v)),
		    verdict_rule(v) != NULL ? verdict_rule(v) : "-", pick);
		abort();
	}
out:
	if (fp != NULL)
		fclose(fp);
	verdict_free(v);
	verdict_free(counted);
	free(orig);
	message_free(msg);
	free(line);
	free(copy);
	return 0;
}
