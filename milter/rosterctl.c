/*
 * rosterctl.c - "guardianctl roster": what the directory says about an
 * address, and whether an export loads
 *
 *	guardianctl [-c CONFIG] roster lookup ADDRESS...  (a list: its members)
 *	guardianctl [-c CONFIG] roster check [--preferences FILE] [DIR...]
 *
 * Both read the directory exactly as the daemon does: the configuration's
 * <directory> settings, roster_load(). "check" keeps going after errors
 * (roster_options.partial) so that it can print the counts, but it never
 * hands that directory to anything that serves mail.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "address.h"
#include "aliases.h"
#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "roster.h"
#include "rosterctl.h"

#define PROGNAME "guardianctl"

/* load_config - the configuration, for its <directory> settings */
static int
load_config(struct config **out, const char *path)
{
	struct diag *dg = diag_new();
	int r;

	if (dg == NULL) {
		fprintf(stderr, PROGNAME ": %s\n", strerror(errno));
		return EX_SOFTWARE;
	}
	r = config_load(out, path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	return r == 0 ? EX_OK : EX_CONFIG;
}

/* put_text - s on standard output with control bytes and backslashes
 * escaped (\n, \r, \t, \\, \xHH): a name in the export may hold a
 * line break, and must not start a line of the output of its own */
static void
put_text(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

/* person_line - "ID Given Family <email> (role)" */
static void
person_line(const struct roster_person *p)
{
	put_text(roster_person_id(p));
	putchar(' ');
	put_text(roster_person_given(p));
	putchar(' ');
	put_text(roster_person_family(p));
	if (*roster_person_email(p) != '\0') {
		printf(" <");
		put_text(roster_person_email(p));
		printf(">");
	}
	printf(" (");
	put_text(roster_person_role(p));
	if (roster_person_flags(p) & ROSTER_DISABLED)
		printf(", disabled");
	printf(")");
}

/* show_school - the school line of p, if any */
static void
show_school(const struct roster *r, const struct roster_person *p)
{
	const struct roster_org *o = roster_person_school(r, p);

	if (o == NULL)
		return;
	printf("  %s: ",
	    strcmp(roster_org_type(o), "school") == 0 ? "school" : "org");
	put_text(roster_org_id(o));
	putchar(' ');
	put_text(roster_org_name(o));
	putchar('\n');
}

/* show_student - grade, level and guardians with their preferences */
static void
show_student(const struct roster *r, const struct roster_person *p)
{
	struct roster_guardian g[64];
	size_t i, n;
	int grade = roster_person_grade(p);

	printf("  grade: %s%s, level: %s\n",
	    grade != 0 ? roster_grade_code(grade) : "unknown",
	    roster_person_flags(p) & ROSTER_GRADE_CLASSES ?
	        " (from class enrollments)" :
	        "",
	    roster_level_name(roster_person_level(p)));
	if (roster_no_direct(r, p))
		printf("  direct high-school mail: opted out (student or a "
		       "guardian)\n");
	n = roster_guardians(g, sizeof(g) / sizeof(g[0]), r, p);
	if (n == 0) {
		printf("  guardians: none in the roster\n");
		return;
	}
	printf("  guardians:\n");
	for (i = 0; i < n && i < sizeof(g) / sizeof(g[0]); i++) {
		printf("    ");
		person_line(g[i].person);
		if (g[i].email[0] == '\0')
			printf(", no e-mail: cannot be copied");
		if (g[i].no_copy)
			printf(", opted out of being copied");
		if (g[i].no_direct)
			printf(", opted out of direct high-school mail");
		printf("\n");
	}
	if (n > sizeof(g) / sizeof(g[0]))
		printf("    ... and %zu more\n", n - sizeof(g) / sizeof(g[0]));
}

/* show_links - a guardian's students */
static void
show_links(const struct roster *r, const struct roster_person *p)
{
	const struct roster_person *s;
	size_t i, n = roster_person_nlinks(p);
	unsigned flags = roster_person_flags(p);

	if (flags & ROSTER_NO_COPY)
		printf("  opted out of being copied on staff mail\n");
	if (flags & ROSTER_NO_DIRECT)
		printf("  opted out of direct high-school mail to their "
		       "students\n");
	printf("  students:%s\n", n == 0 ? " none linked" : "");
	for (i = 0; i < n; i++) {
		s = roster_person_link(r, p, i);
		printf("    ");
		person_line(s);
		printf(", %s\n", roster_level_name(roster_person_level(s)));
	}
}

/* member_line - one address a list is delivered to: what it is */
static void
member_line(
    const struct roster *r, const char *addr, const char *via, const char *top)
{
	struct roster_match m;
	struct address a;

	printf("  ");
	put_text(addr);
	if (roster_address(&a, r, addr) != ADDRESS_OK ||
	    roster_classify(&m, r, addr) == -1) {
		printf(": unresolvable (%s)",
		    a.why != NULL ? a.why : "not an address");
	} else {
		printf(": %s", roster_class_name(m.cls));
		if (m.person != NULL) {
			printf(", ");
			put_text(roster_person_id(m.person));
			putchar(' ');
			put_text(roster_person_given(m.person));
			putchar(' ');
			put_text(roster_person_family(m.person));
			if (m.cls == ROSTER_CLASS_STUDENT)
				printf(", %s",
				    roster_level_name(
				        roster_person_level(m.person)));
		}
		if (m.flags & ROSTER_MATCH_SUBADDRESS)
			printf(" (found without its +tag)");
	}
	if (via != NULL && strcmp(via, top) != 0) {
		printf(", on ");
		put_text(via);
	}
	putchar('\n');
}

/* lookup_list - addr is a list or an alias: the addresses the MTA
 * delivers it to, expanded as the rules see them */
static int
lookup_list(
    const struct roster *r, const char *addr, const struct aliases_entry *e)
{
	struct aliases_rcpts *rs;
	unsigned lost;
	size_t i, n;

	if (aliases_rcpts_new(&rs) == -1 ||
	    aliases_rcpts_add(rs, roster_aliases(r), addr) == -1) {
		aliases_rcpts_free(rs);
		fprintf(stderr, PROGNAME ": %s\n", strerror(ENOMEM));
		return EX_SOFTWARE;
	}
	n = aliases_rcpts_count(rs);
	lost = aliases_rcpts_lost(rs);
	put_text(addr);
	printf(": %s (virtual alias, %s line %lu): delivered to %zu "
	       "address%s%s\n",
	    n > 1 || lost ? "list" : "alias", aliases_entry_file(e),
	    aliases_entry_line(e), n, n == 1 ? "" : "es",
	    lost ? " before the filter stopped" : "");
	for (i = 0; i < n; i++)
		member_line(r, aliases_rcpts_addr(rs, i),
		    aliases_rcpts_via(rs, i), aliases_entry_key(e));
	if (lost & ALIASES_LOST_DEPTH)
		printf("  not expanded in full: lists nested more than %d "
		       "deep, or a list that contains itself; mail to it is "
		       "refused\n",
		    BOUND_ALIAS_DEPTH);
	if (lost & ALIASES_LOST_MEMBERS)
		printf("  not expanded in full: more than %d addresses; mail "
		       "to it is refused\n",
		    BOUND_ALIAS_MEMBERS);
	aliases_rcpts_free(rs);
	return lost ? EX_DATAERR : EX_OK;
}

/* lookup_one - print what the directory says about addr */
static int
lookup_one(const struct roster *r, const char *addr)
{
	const struct aliases_entry *e;
	struct roster_match m;
	struct address a;
	const struct roster_person *p;

	/* the MTA delivers a list to its members, never to itself */
	if ((e = aliases_find(roster_aliases(r), addr)) != NULL)
		return lookup_list(r, addr, e);
	put_text(addr);
	if (roster_address(&a, r, addr) != ADDRESS_OK ||
	    roster_classify(&m, r, addr) == -1) {
		printf(
		    ": unresolvable (%s): mail to it is treated as unknown\n",
		    a.why != NULL ? a.why : "not an address");
		return EX_DATAERR;
	}
	printf(": %s", roster_class_name(m.cls));
	if (m.flags & ROSTER_MATCH_SUBADDRESS)
		printf(" (found without its +tag)");
	printf("\n");
	if (a.forms & ~ADDRESS_FORM_UPPER_DOMAIN) {
		printf("  delivered to: ");
		put_text(a.text);
		putchar('\n');
	}
	for (p = roster_find_email(r, addr); p != NULL;
	     p = roster_next_same(r, p)) {
		printf("  person: ");
		person_line(p);
		printf(", %s line %lu\n", roster_person_file(r, p),
		    roster_person_line(p));
		show_school(r, p);
		if (roster_person_roles(p) & ROSTER_STUDENT)
			show_student(r, p);
		if (roster_person_roles(p) &
		    (ROSTER_GUARDIAN | ROSTER_RELATIVE))
			show_links(r, p);
	}
	return EX_OK;
}

/* load_roster - the directory the configuration (or dirs) names;
 * problems to stderr. partial keeps a directory despite errors. */
static int
load_roster(struct roster **out, const struct config *cfg,
    const char *const *dirs, size_t ndirs, const char *prefs, int partial,
    size_t *errors, size_t *warnings)
{
	struct roster_options o = *config_roster_options(cfg);
	struct diag *dg = diag_new();
	int r;

	if (dg == NULL)
		return -1;
	o.partial = partial;
	if (ndirs == 0) {
		dirs = config_roster_dirs(cfg);
		ndirs = config_roster_count(cfg);
	} else {
		o.preferences = prefs;
	}
	r = roster_load(out, dirs, ndirs, &o, dg);
	diag_print(dg, stderr);
	*errors = diag_count(dg);
	*warnings = diag_warnings(dg);
	diag_free(dg);
	return r;
}

/* cmd_lookup - "roster lookup ADDRESS..." */
static int
cmd_lookup(const struct config *cfg, int argc, char **argv)
{
	struct roster *r = NULL;
	size_t errors, warnings;
	int i, status = EX_OK, s;

	if (argc < 2) {
		fprintf(stderr, PROGNAME ": roster lookup needs an address\n");
		return EX_USAGE;
	}
	if (load_roster(&r, cfg, NULL, 0, NULL, 0, &errors, &warnings) == -1) {
		fprintf(stderr, PROGNAME ": the directory did not load\n");
		return errors > 0 ? EX_DATAERR : EX_SOFTWARE;
	}
	for (i = 1; i < argc; i++)
		if ((s = lookup_one(r, argv[i])) != EX_OK)
			status = s;
	roster_free(r);
	return status;
}

/* print_stats - the counts of a loaded directory */
static void
print_stats(const struct roster_stats *sp)
{
	const struct roster_stats st = *sp;

	printf("OneRoster version: %d.%d\n", st.version / 10, st.version % 10);
	printf("persons: %zu (students %zu, guardians %zu, staff %zu, "
	       "disabled %zu)\n",
	    st.persons, st.students, st.guardians, st.staff, st.disabled);
	printf("orgs: %zu (schools %zu), class sections: %zu, "
	       "enrollments: %zu\n",
	    st.orgs, st.schools, st.sections, st.enrollments);
	printf("guardian-student links: %zu\n", st.links);
	printf(
	    "students without guardians: %zu\n", st.students_without_guardians);
	printf("orphan references: %zu\n", st.orphan_references);
	printf("agents who are not guardians: %zu\n", st.agents_not_guardians);
	printf("agents with a staff or student e-mail: %zu\n",
	    st.agents_with_staff_email);
	printf("duplicate e-mails: %zu\n", st.duplicate_emails);
	printf("preference rows applied: %zu\n", st.preferences);
	if (st.aliases > 0 || st.alias_results > 0)
		printf("virtual aliases: %zu (naming %zu addresses)\n",
		    st.aliases, st.alias_results);
}

static int compare_baseline(
    const struct config *cfg, const struct roster_stats *st);

/* cmd_check - "roster check [--preferences FILE] [DIR...]" */
static int
cmd_check(const struct config *cfg, int argc, char **argv)
{
	struct roster *r = NULL;
	struct roster_stats st;
	const char *prefs = NULL;
	size_t errors = 0, warnings = 0;
	int first = 1;

	if (argc > 2 && strcmp(argv[1], "--preferences") == 0) {
		prefs = argv[2];
		first = 3;
	}
	if (first == 1 && argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, PROGNAME ": unknown option \"%s\"\n", argv[1]);
		return EX_USAGE;
	}
	if (argc == first && config_roster_count(cfg) == 0) {
		fprintf(stderr,
		    PROGNAME ": %s has no <directory>: name the export "
		             "directories\n",
		    config_path(cfg));
		return EX_USAGE;
	}
	(void)load_roster(&r, cfg, (const char *const *)argv + first,
	    (size_t)(argc - first), prefs, 1, &errors, &warnings);
	if (r != NULL)
		roster_stats(&st, r);
	if (r == NULL || st.version == 0) {
		/* no manifest could be read: there is nothing to count */
		roster_free(r);
		printf("result: FAILED, the export could not be read "
		       "(%zu error%s)\n",
		    errors, errors == 1 ? "" : "s");
		return EX_DATAERR;
	}
	print_stats(&st);
	roster_free(r);
	if (compare_baseline(cfg, &st) == -1)
		errors++;
	printf("result: %s (%zu error%s, %zu warning%s)\n",
	    errors > 0 ? "FAILED" : "OK", errors, errors == 1 ? "" : "s",
	    warnings, warnings == 1 ? "" : "s");
	return errors > 0 ? EX_DATAERR : EX_OK;
}

/*
 * compare_baseline - st against the counts of the directory the daemon
 * served last, as the reload guard compares them: the comparison, and
 * -1 if the daemon would refuse this directory
 */
static int
compare_baseline(const struct config *cfg, const struct roster_stats *st)
{
	const char *path = config_roster_baseline(cfg);
	struct roster_stats prev;
	struct roster_loss loss;
	struct diag *dg;
	struct buf text;
	int r;

	if (path == NULL || (dg = diag_new()) == NULL)
		return 0;
	r = roster_baseline_read(&prev, path, dg);
	diag_print(dg, stderr);
	diag_free(dg);
	if (r == 1) {
		printf("served last: nothing yet (%s does not exist): the "
		       "daemon takes this directory as it is\n",
		    path);
		return 0;
	}
	if (r == -1)
		return -1;
	buf_init(&text, 1024);
	if (roster_guard_text(&text, &prev, st) != BUF_OK)
		buf_reset(&text);
	printf("against the directory served last (%s): %s\n", path,
	    buf_str(&text));
	buf_free(&text);
	if (!roster_guard(&loss, &prev, st, config_roster_max_loss(cfg)))
		return 0;
	printf("the daemon refuses this directory: %u%% fewer %s, more than "
	       "<max-loss> %u%%; if it is right, run \"guardianctl roster "
	       "accept\"\n",
	    loss.pct, loss.what, config_roster_max_loss(cfg));
	return -1;
}

/* cmd_accept - "roster accept": the configured directory, loaded without
 * errors, becomes the one the reload guard compares with */
static int
cmd_accept(const struct config *cfg)
{
	const char *path = config_roster_baseline(cfg);
	struct roster *r = NULL;
	struct roster_stats st;
	size_t errors, warnings;

	if (path == NULL)
		return EX_SOFTWARE;
	if (load_roster(&r, cfg, NULL, 0, NULL, 0, &errors, &warnings) == -1) {
		fprintf(stderr,
		    PROGNAME ": the directory did not load; "
		             "nothing accepted\n");
		return errors > 0 ? EX_DATAERR : EX_SOFTWARE;
	}
	roster_stats(&st, r);
	roster_free(r);
	if (roster_baseline_write(path, &st) == -1) {
		fprintf(stderr, PROGNAME ": cannot write %s: %s\n", path,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	printf("accepted: persons %zu, students %zu, guardians %zu, staff "
	       "%zu, guardian-links %zu in %s; send SIGHUP to the daemon to "
	       "load it now\n",
	    st.persons, st.students, st.guardians, st.staff, st.links, path);
	return EX_OK;
}

int
rosterctl_main(const char *config_path, int argc, char **argv)
{
	struct config *cfg = NULL;
	int status;

	if (argc < 2 ||
	    (strcmp(argv[1], "lookup") != 0 && strcmp(argv[1], "check") != 0 &&
	        strcmp(argv[1], "accept") != 0) ||
	    (strcmp(argv[1], "accept") == 0 && argc != 2)) {
		fprintf(stderr,
		    PROGNAME ": roster needs lookup, check or accept\n");
		return EX_USAGE;
	}
	if ((status = load_config(&cfg, config_path)) != EX_OK)
		return status;
	if (strcmp(argv[1], "lookup") == 0 || strcmp(argv[1], "accept") == 0) {
		if (config_roster_count(cfg) == 0) {
			fprintf(stderr, PROGNAME ": %s has no <directory>\n",
			    config_path);
			status = EX_CONFIG;
		} else {
			status = strcmp(argv[1], "accept") == 0 ?
			    cmd_accept(cfg) :
			    cmd_lookup(cfg, argc - 1, argv + 1);
		}
	} else {
		status = cmd_check(cfg, argc - 1, argv + 1);
	}
	config_free(cfg);
	return status;
}
