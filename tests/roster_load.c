/*
 * roster_load.c - load a OneRoster export and report time, memory and
 * lookup speed: the roster benchmark
 *
 *	roster_load [-r] [-n LOOKUPS] [-p PREFERENCES] [-d DOMAIN]
 *	    DIR [DELTA...]
 *
 * Prints the load time, the resident set before and after (VmRSS, and
 * VmHWM for the peak) from /proc/self/status, the directory's counts, the
 * number of errors and warnings (-v prints them), and the mean time of a
 * classification over every person's address (plus a "+tag" form and an
 * unknown address each), repeated to LOOKUPS (default 1,000,000). -r
 * loads twice, the second beside the first, as a reload does.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "roster.h"

/* now - monotonic seconds */
static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpu - seconds of CPU this process used (wall time lies on a busy
 * machine) */
static double
cpu(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* status_kb - a "Name:   N kB" line of /proc/self/status, or -1 */
static long
status_kb(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long kb = -1;
	FILE *fp;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			kb = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return kb;
}

/* load - one load; the directory or NULL */
static struct roster *
load(const char *const *dirs, size_t n, const struct roster_options *o,
    int verbose)
{
	struct roster_stats st;
	struct roster *r = NULL;
	struct diag *dg;
	double t0, t1, c0, c1;
	long rss0, rss1;
	int rc;

	if ((dg = diag_new()) == NULL)
		return NULL;
	rss0 = status_kb("VmRSS");
	t0 = now();
	c0 = cpu();
	rc = roster_load(&r, dirs, n, o, dg);
	c1 = cpu();
	t1 = now();
	rss1 = status_kb("VmRSS");
	printf("load: %.3f s (%.3f s CPU), rc %d, %zu errors, %zu warnings\n",
	    t1 - t0, c1 - c0, rc, diag_count(dg), diag_warnings(dg));
	printf("rss: %ld kB before, %ld kB after (+%ld kB), peak %ld kB\n",
	    rss0, rss1, rss1 - rss0, status_kb("VmHWM"));
	if (verbose || rc != 0)
		diag_print(dg, stdout);
	diag_free(dg);
	if (r == NULL)
		return NULL;
	roster_stats(&st, r);
	printf("persons %zu: students %zu, guardians %zu, staff %zu, "
	       "disabled %zu\n",
	    st.persons, st.students, st.guardians, st.staff, st.disabled);
	printf("orgs %zu (schools %zu), sections %zu, enrollments %zu, "
	       "links %zu, preferences %zu\n",
	    st.orgs, st.schools, st.sections, st.enrollments, st.links,
	    st.preferences);
	printf("findings: %zu students without guardians, %zu orphan "
	       "references, %zu agents not guardians, %zu agents with a staff "
	       "or student e-mail, %zu shared e-mails\n",
	    st.students_without_guardians, st.orphan_references,
	    st.agents_not_guardians, st.agents_with_staff_email,
	    st.duplicate_emails);
	return r;
}

/* bench - classify every person's address, a "+tag" form of it and an
 * unknown address beside it, over and over to n lookups; the addresses
 * are made before the clock starts */
static void
bench(const struct roster *r, long n)
{
	struct roster_match m;
	const char *email, *at;
	char **addr;
	size_t i, k, na = 0, count = roster_count(r);
	long done = 0, found = 0;
	double t0, t1, c0, c1;
	int len;

	if (count == 0 || (addr = calloc(3 * count, sizeof(*addr))) == NULL)
		return;
	for (i = 0; i < count; i++) {
		email = roster_person_email(roster_person_at(r, i));
		if ((at = strchr(email, '@')) == NULL)
			continue;
		len = (int)(at - email);
		for (k = 0; k < 3; k++) {
			if ((addr[na] = malloc(strlen(email) + 32)) == NULL)
				break;
			if (k == 0)
				(void)snprintf(
				    addr[na], strlen(email) + 32, "%s", email);
			else if (k == 1)
				(void)snprintf(addr[na], strlen(email) + 32,
				    "%.*s+tag%s", len, email, at);
			else
				(void)snprintf(addr[na], strlen(email) + 32,
				    "x%zu%s", i, at);
			na++;
		}
	}
	t0 = now();
	c0 = cpu();
	while (na > 0 && done < n)
		for (i = 0; i < na && done < n; i++, done++)
			found += roster_classify(&m, r, addr[i]) == 0 &&
			    m.person != NULL;
	c1 = cpu();
	t1 = now();
	printf("lookups: %ld in %.3f s (%.3f s CPU), %.0f ns CPU each, %ld "
	       "found\n",
	    done, t1 - t0, c1 - c0, (c1 - c0) * 1e9 / (double)done, found);
	for (i = 0; i < na; i++)
		free(addr[i]);
	free(addr);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: roster_load [-rv] [-n LOOKUPS] [-p PREFERENCES] "
	    "[-d DOMAIN] DIR [DELTA...]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	static const char *domains[16];
	struct roster_options o;
	struct roster *r, *r2;
	char *end;
	long n = 1000000;
	int ch, reload = 0, verbose = 0;
	size_t nd = 0;

	roster_options_init(&o);
	while ((ch = getopt(argc, argv, "d:n:p:rv")) != -1) {
		switch (ch) {
		case 'd':
			if (nd == sizeof(domains) / sizeof(domains[0]))
				usage();
			domains[nd++] = optarg;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 0)
				usage();
			break;
		case 'p':
			o.preferences = optarg;
			break;
		case 'r':
			reload = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	o.district_domains = domains;
	o.ndistrict_domains = nd;
	r = load((const char *const *)argv + optind, (size_t)(argc - optind),
	    &o, verbose);
	if (r == NULL)
		return 1;
	if (reload) {
		printf("-- reload beside the first --\n");
		r2 = load((const char *const *)argv + optind,
		    (size_t)(argc - optind), &o, 0);
		roster_free(r2);
	}
	bench(r, n);
	roster_free(r);
	printf("rss after free: %ld kB\n", status_kb("VmRSS"));
	return 0;
}
