/*
 * test_guard.c - the directory's reload guard: the share a new directory
 * may lose, the baseline file that carries the last counts across
 * restarts, and the refusal of an export cut short
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "roster.h"
#include "testutil.h"

/* stats - counts with every field the guard compares set to n, and the
 * students to students */
static struct roster_stats
stats(size_t n, size_t students)
{
	struct roster_stats st;

	memset(&st, 0, sizeof(st));
	st.persons = n;
	st.guardians = n;
	st.staff = n;
	st.links = n;
	st.students = students;
	return st;
}

static void
guard_refuses_a_loss_over_the_share_and_no_other(void)
{
	struct roster_stats prev = stats(1000, 1000), next;
	struct roster_loss loss;

	next = stats(1000, 900); /* 10 %: allowed at 10 */
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 10), 0);
	CU_ASSERT_STRING_EQUAL(loss.what, "students");
	CU_ASSERT_EQUAL(loss.pct, 10);
	next = stats(1000, 899); /* 10.1 % counts as 11 */
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 10), 1);
	CU_ASSERT_EQUAL(loss.pct, 11);
	CU_ASSERT_EQUAL(loss.before, 1000);
	CU_ASSERT_EQUAL(loss.after, 899);
	/* growth is never a loss; 100 % turns the guard off */
	next = stats(5000, 5000);
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 0), 0);
	next = stats(0, 0);
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 100), 0);
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 99), 1);
	/* one lost of a thousand is 1 %, so 0 % refuses it */
	next = stats(1000, 999);
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 0), 1);
	CU_ASSERT_EQUAL(loss.pct, 1);
	/* nothing before: nothing to lose */
	prev = stats(0, 0);
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 0), 0);
}

static void
guard_baseline_round_trips_and_reports_damage(void)
{
	struct roster_stats st = stats(1234, 567), back;
	const char *dir = testutil_tmpdir();
	char path[4096];
	struct diag *dg = diag_new();

	CU_ASSERT_FATAL(dg != NULL);
	(void)snprintf(path, sizeof(path), "%s/baseline", dir);
	CU_ASSERT_EQUAL(roster_baseline_read(&back, path, dg), 1);
	CU_ASSERT_EQUAL(roster_baseline_write(path, &st), 0);
	CU_ASSERT_EQUAL(roster_baseline_read(&back, path, dg), 0);
	CU_ASSERT_EQUAL(back.persons, 1234);
	CU_ASSERT_EQUAL(back.students, 567);
	CU_ASSERT_EQUAL(back.links, 1234);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	/* no temporary file left behind */
	(void)snprintf(path, sizeof(path), "%s/baseline.tmp", dir);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	/* a damaged file is an error with its line, never "no baseline" */
	testutil_write(dir, "bad", "persons 10\nstudents ten\n");
	(void)snprintf(path, sizeof(path), "%s/bad", dir);
	CU_ASSERT_EQUAL(roster_baseline_read(&back, path, dg), -1);
	CU_ASSERT_EQUAL(diag_count(dg), 1);
	CU_ASSERT(strstr(diag_text(dg, 0), "bad:2: invalid line") != NULL);
	testutil_write(dir, "short", "persons 10\n");
	(void)snprintf(path, sizeof(path), "%s/short", dir);
	CU_ASSERT_EQUAL(roster_baseline_read(&back, path, dg), -1);
	CU_ASSERT(
	    strstr(diag_text(dg, 1), "incomplete (1 of 5 counts)") != NULL);
	diag_free(dg);
}

/* copy_cut - copy the example export into dir, users.csv cut to its
 * first lines lines (0: whole) */
static void
copy_cut(const char *dir, size_t lines)
{
	static const char *const files[] = {"manifest.csv", "orgs.csv",
	    "users.csv", "classes.csv", "enrollments.csv"};
	char src[4096], line[8192];
	struct buf text;
	size_t i, n;
	FILE *fp;

	(void)mkdir(dir, 0700);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		(void)snprintf(src, sizeof(src), "%s/rules/example-roster/%s",
		    getenv("top_srcdir") != NULL ? getenv("top_srcdir") : ".",
		    files[i]);
		CU_ASSERT_FATAL((fp = fopen(src, "r")) != NULL);
		buf_init(&text, 1024 * 1024);
		for (n = 0; fgets(line, sizeof(line), fp) != NULL; n++)
			if (lines == 0 || strcmp(files[i], "users.csv") != 0 ||
			    n < lines)
				(void)buf_puts(&text, line);
		(void)fclose(fp);
		testutil_write(dir, files[i], buf_str(&text));
		buf_free(&text);
	}
}

static void
guard_refuses_an_export_cut_short_against_the_baseline(void)
{
	char whole[4096], cut[4096], base[4096];
	const char *dirs[1];
	struct roster *r = NULL, *r2 = NULL;
	struct roster_stats st;
	struct diag *dg = diag_new();

	CU_ASSERT_FATAL(dg != NULL);
	(void)snprintf(whole, sizeof(whole), "%s/whole", testutil_tmpdir());
	(void)snprintf(cut, sizeof(cut), "%s/cut", testutil_tmpdir());
	(void)snprintf(base, sizeof(base), "%s/counts", testutil_tmpdir());
	copy_cut(whole, 0);
	copy_cut(cut, 8); /* the header and 7 users: no guardians */
	dirs[0] = whole;
	CU_ASSERT_FATAL(roster_load(&r, dirs, 1, NULL, dg) == 0);
	/* the first load has nothing to compare with */
	CU_ASSERT_EQUAL(roster_guard_check(r, base, 10, dg), 0);
	roster_stats(&st, r);
	CU_ASSERT_EQUAL(roster_baseline_write(base, &st), 0);
	CU_ASSERT_EQUAL(roster_guard_check(r, base, 10, dg), 0);
	dirs[0] = cut;
	CU_ASSERT_FATAL(roster_load(&r2, dirs, 1, NULL, dg) == 0);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	CU_ASSERT_EQUAL(roster_guard_check(r2, base, 10, dg), -1);
	CU_ASSERT_EQUAL_FATAL(diag_count(dg), 1);
	printf("%s\n", diag_text(dg, 0));
	CU_ASSERT(
	    strstr(diag_text(dg, 0), "guardianctl roster accept") != NULL);
	CU_ASSERT(strstr(diag_text(dg, 0), "refused") != NULL);
	/* with the guard off, the same export passes */
	CU_ASSERT_EQUAL(roster_guard_check(r2, base, 100, dg), 0);
	roster_free(r);
	roster_free(r2);
	diag_free(dg);
}

static void
guard_watches_the_virtual_aliases_too(void)
{
	struct roster_stats prev = stats(100, 100), next, back;
	const char *dir = testutil_tmpdir();
	struct roster_loss loss;
	struct diag *dg = diag_new();
	struct buf text;
	char path[4096];

	CU_ASSERT_FATAL(dg != NULL);
	/* a list file cut short drops a list's students like an export
	 * cut short drops them */
	prev.aliases = 40;
	prev.alias_results = 400;
	next = prev;
	next.alias_results = 100;
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 10), 1);
	CU_ASSERT_STRING_EQUAL(loss.what, "alias-members");
	CU_ASSERT_EQUAL(loss.pct, 75);
	next.alias_results = 400;
	next.aliases = 0;
	CU_ASSERT_EQUAL(roster_guard(&loss, &prev, &next, 10), 1);
	CU_ASSERT_STRING_EQUAL(loss.what, "aliases");
	buf_init(&text, 4096);
	CU_ASSERT_EQUAL(roster_guard_text(&text, &prev, &next), BUF_OK);
	CU_ASSERT(strstr(buf_str(&text),
	              ", aliases 40 -> 0 (-100%), alias-members 400 -> 400 "
	              "(0%)") != NULL);
	buf_free(&text);
	/* a directory without aliases says nothing of them */
	next = stats(100, 100);
	buf_init(&text, 4096);
	CU_ASSERT_EQUAL(roster_guard_text(&text, &next, &next), BUF_OK);
	CU_ASSERT(strstr(buf_str(&text), "alias") == NULL);
	buf_free(&text);
	/* the baseline keeps the counts, and one written before aliases
	 * were read, without them, is complete */
	(void)snprintf(path, sizeof(path), "%s/with-aliases", dir);
	CU_ASSERT_EQUAL(roster_baseline_write(path, &prev), 0);
	CU_ASSERT_EQUAL(roster_baseline_read(&back, path, dg), 0);
	CU_ASSERT_EQUAL(back.aliases, 40);
	CU_ASSERT_EQUAL(back.alias_results, 400);
	testutil_write(dir, "older",
	    "persons 10\nstudents 10\nguardians 10\nstaff 10\n"
	    "guardian-links 10\n");
	(void)snprintf(path, sizeof(path), "%s/older", dir);
	CU_ASSERT_EQUAL(roster_baseline_read(&back, path, dg), 0);
	CU_ASSERT_EQUAL(back.aliases, 0);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	diag_free(dg);
}

static CU_TestInfo tests[] = {
    {"guard_refuses_a_loss_over_the_share_and_no_other",
        guard_refuses_a_loss_over_the_share_and_no_other},
    {"guard_baseline_round_trips_and_reports_damage",
        guard_baseline_round_trips_and_reports_damage},
    {"guard_refuses_an_export_cut_short_against_the_baseline",
        guard_refuses_an_export_cut_short_against_the_baseline},
    {"guard_watches_the_virtual_aliases_too",
        guard_watches_the_virtual_aliases_too},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"guard", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_guard", suites);
}
