/*
 * test_snapshot.c - building, publishing and refcounting the policy
 * snapshot, including acquire/release racing against repeated publishes
 */
#include "autoconf.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "rules.h"
#include "snapshot.h"
#include "testutil.h"

/* Readers and publishes for the race; small enough for valgrind. */
#define RACE_READERS 4
#define RACE_PUBLISHES 60
#define RACE_HOLD_EVERY 8 /* a reader holds across a yield this often */

/* good - a fresh snapshot of the good configuration, or NULL */
static struct snapshot *
good(void)
{
	struct snapshot *snap = NULL;
	struct diag *dg = diag_new();

	if (dg == NULL)
		return NULL;
	if (snapshot_build(&snap, testutil_data("snapshot/good.xml"), dg) ==
	    -1) {
		diag_print(dg, stderr);
		snap = NULL;
	}
	diag_free(dg);
	return snap;
}

/* each test starts and ends with nothing published and nothing alive */
static void
setup(void)
{
	snapshot_shutdown();
}

static void
teardown(void)
{
	snapshot_shutdown();
}

static void
snapshot_acquire_is_null_before_any_publish(void)
{
	CU_ASSERT_PTR_NULL(snapshot_acquire());
}

static void
snapshot_build_gives_an_unpublished_snapshot_with_its_parts(void)
{
	unsigned long before = snapshot_live_count();
	struct snapshot *snap = good();

	CU_ASSERT_FATAL(snap != NULL);
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 1);
	CU_ASSERT_EQUAL(snapshot_generation(snap), 0);
	CU_ASSERT_PTR_NOT_NULL(snapshot_config(snap));
	CU_ASSERT_EQUAL(
	    config_on_error(snapshot_config(snap)), CONFIG_ON_ERROR_ACCEPT);
	CU_ASSERT_STRING_EQUAL(config_socket(snapshot_config(snap)),
	    "unix:/run/guardian-milter/test.sock");
	CU_ASSERT_EQUAL(rules_count(snapshot_rules(snap)), 3);
	/* building publishes nothing */
	CU_ASSERT_PTR_NULL(snapshot_acquire());
	snapshot_release(snap);
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
}

static void
snapshot_publish_counts_generations_from_one(void)
{
	struct snapshot *a = good(), *b = good(), *cur;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	snapshot_publish(a);
	cur = snapshot_acquire();
	CU_ASSERT_PTR_EQUAL(cur, a);
	CU_ASSERT_EQUAL(snapshot_generation(cur), 1);
	snapshot_release(cur);
	snapshot_publish(b);
	cur = snapshot_acquire();
	CU_ASSERT_PTR_EQUAL(cur, b);
	CU_ASSERT_EQUAL(snapshot_generation(cur), 2);
	snapshot_release(cur);
}

static void
snapshot_publish_frees_the_old_one_when_nobody_holds_it(void)
{
	unsigned long before = snapshot_live_count();
	struct snapshot *a = good(), *b = good();

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 2);
	snapshot_publish(a);
	snapshot_publish(b); /* a had only the published reference */
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 1);
	snapshot_shutdown();
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
}

static void
snapshot_holder_keeps_the_old_one_alive_across_a_publish(void)
{
	unsigned long before = snapshot_live_count();
	struct snapshot *a = good(), *b = good(), *held, *cur;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	snapshot_publish(a);
	held = snapshot_acquire(); /* a message in flight */
	CU_ASSERT_PTR_EQUAL(held, a);
	snapshot_publish(b);
	/* still alive and whole for the message that holds it */
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 2);
	CU_ASSERT_EQUAL(rules_count(snapshot_rules(held)), 3);
	CU_ASSERT_EQUAL(snapshot_generation(held), 1);
	cur = snapshot_acquire();
	CU_ASSERT_PTR_EQUAL(cur, b);
	snapshot_release(cur);
	snapshot_release(held); /* the last reference to a */
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 1);
}

static void
snapshot_every_acquire_needs_its_own_release(void)
{
	unsigned long before = snapshot_live_count();
	struct snapshot *a = good(), *r1, *r2;

	CU_ASSERT_FATAL(a != NULL);
	snapshot_publish(a);
	r1 = snapshot_acquire();
	r2 = snapshot_acquire();
	snapshot_shutdown(); /* unpublished, two references left */
	CU_ASSERT_PTR_NULL(snapshot_acquire());
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 1);
	snapshot_release(r1);
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 1);
	snapshot_release(r2);
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
}

static void
snapshot_release_null_does_nothing(void)
{
	unsigned long before = snapshot_live_count();

	snapshot_release(NULL);
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
}

static void
snapshot_republishing_the_current_one_changes_nothing(void)
{
	unsigned long before = snapshot_live_count();
	struct snapshot *a = good(), *again, *cur;

	CU_ASSERT_FATAL(a != NULL);
	snapshot_publish(a);
	again = snapshot_acquire();
	snapshot_publish(again); /* hands that reference over */
	cur = snapshot_acquire();
	CU_ASSERT_PTR_EQUAL(cur, a);
	CU_ASSERT_EQUAL(snapshot_generation(cur), 1);
	snapshot_release(cur);
	snapshot_shutdown();
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
}

static void
snapshot_failed_build_leaves_the_published_one_untouched(void)
{
	static char marker; /* an address build must not overwrite */
	struct snapshot *a = good(), *cur;
	struct snapshot *out = (struct snapshot *)(void *)&marker;
	unsigned long before;
	struct diag *dg = diag_new();
	char want[4200];

	CU_ASSERT_FATAL(a != NULL && dg != NULL);
	snapshot_publish(a);
	before = snapshot_live_count();
	CU_ASSERT_EQUAL(
	    snapshot_build(&out, testutil_data("snapshot/broken.xml"), dg), -1);
	CU_ASSERT_PTR_EQUAL(out, (struct snapshot *)(void *)&marker);
	CU_ASSERT_EQUAL(diag_count(dg), 1);
	(void)snprintf(want, sizeof(want),
	    "%s:6: invalid regex \"a(b\" in <header>: missing closing "
	    "parenthesis at offset 3",
	    testutil_data("snapshot/broken.xml"));
	if (diag_kept(dg) > 0)
		CU_ASSERT_STRING_EQUAL(diag_text(dg, 0), want);
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
	cur = snapshot_acquire();
	CU_ASSERT_PTR_EQUAL(cur, a);
	CU_ASSERT_EQUAL(snapshot_generation(cur), 1);
	snapshot_release(cur);
	diag_free(dg);
}

static void
snapshot_build_of_a_missing_file_fails_with_a_diagnostic(void)
{
	static char marker;
	struct snapshot *out = (struct snapshot *)(void *)&marker;
	struct diag *dg = diag_new();
	unsigned long before = snapshot_live_count();

	CU_ASSERT_FATAL(dg != NULL);
	CU_ASSERT_EQUAL(snapshot_build(&out,
	                    testutil_data("snapshot/no-such-file.xml"), dg),
	    -1);
	CU_ASSERT_PTR_EQUAL(out, (struct snapshot *)(void *)&marker);
	CU_ASSERT(diag_count(dg) >= 1);
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
	diag_free(dg);
}

static void
snapshot_shutdown_starts_generations_again(void)
{
	struct snapshot *a = good(), *b = good(), *cur;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	snapshot_publish(a);
	snapshot_shutdown();
	snapshot_publish(b);
	cur = snapshot_acquire();
	CU_ASSERT_EQUAL(snapshot_generation(cur), 1);
	snapshot_release(cur);
}

/* copy_data - tests/data/rel copied to dir/name; 0 on success */
static int
copy_data(const char *dir, const char *rel, const char *name)
{
	char buf[65536];
	size_t n;
	FILE *fp = fopen(testutil_data(rel), "r");

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	testutil_write(dir, name, buf);
	return 0;
}

/* roster_config - a configuration in dir reading the roster copied
 * beside it; its path (static), or NULL */
static const char *
roster_config(const char *dir)
{
	static const char *const files[] = {"manifest.csv", "orgs.csv",
	    "users.csv", "classes.csv", "enrollments.csv", "preferences.csv"};
	static char path[4096];
	char rel[64];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		(void)snprintf(rel, sizeof(rel), "directory/%s", files[i]);
		if (copy_data(dir, rel, files[i]) == -1)
			return NULL;
	}
	(void)snprintf(path, sizeof(path), "%s",
	    testutil_write(dir, "roster.xml",
	        "<guardian-milter version=\"1\">\n"
	        "<directory>\n"
	        "  <roster>.</roster>\n"
	        "  <preferences>preferences.csv</preferences>\n"
	        "  <district-domains>district.example</district-domains>\n"
	        "</directory>\n"
	        "</guardian-milter>\n"));
	return path;
}

static void
snapshot_stale_notices_a_changed_directory_file(void)
{
	const char *dir = testutil_tmpdir(), *cfg;
	struct snapshot *snap = NULL, *plain;
	struct diag *dg = diag_new();
	char users[4096];
	FILE *fp;

	CU_ASSERT_FATAL(dir != NULL && dg != NULL);
	cfg = roster_config(dir);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL_FATAL(snapshot_build(&snap, cfg, dg), 0);
	CU_ASSERT_PTR_NOT_NULL(snapshot_roster(snap));
	CU_ASSERT_EQUAL(snapshot_stale(snap), 0);
	/* one more byte: a different size, whatever the mtime says */
	(void)snprintf(users, sizeof(users), "%s/users.csv", dir);
	fp = fopen(users, "a");
	CU_ASSERT_FATAL(fp != NULL);
	fputs("\n", fp);
	fclose(fp);
	CU_ASSERT_EQUAL(snapshot_stale(snap), 1);
	snapshot_release(snap);
	/* without a directory there is nothing to go stale */
	plain = good();
	CU_ASSERT_FATAL(plain != NULL);
	CU_ASSERT_PTR_NULL(snapshot_roster(plain));
	CU_ASSERT_EQUAL(snapshot_stale(plain), 0);
	snapshot_release(plain);
	diag_free(dg);
}

/* --- acquire/release racing against publishes ------------------------ */

struct race {
	pthread_mutex_t lock;
	int done;   /* the publisher has finished */
	int broken; /* a reader saw something wrong */
	unsigned long reads;
};

/* race_done - has the publisher finished? */
static int
race_done(struct race *r)
{
	int d;

	pthread_mutex_lock(&r->lock);
	d = r->done;
	pthread_mutex_unlock(&r->lock);
	return d;
}

/* reader - acquire, use, release, as a message does, until the
 * publisher is done; generations never go backwards for one reader */
static void *
reader(void *arg)
{
	struct race *r = arg;
	struct snapshot *s;
	unsigned long last = 0, gen, n = 0;
	int broken = 0;

	while (!race_done(r) || n == 0) {
		if ((s = snapshot_acquire()) == NULL) {
			broken = 1;
			break;
		}
		gen = snapshot_generation(s);
		if (gen < last || gen == 0 ||
		    rules_count(snapshot_rules(s)) != 3 ||
		    config_on_error(snapshot_config(s)) !=
		        CONFIG_ON_ERROR_ACCEPT)
			broken = 1;
		last = gen;
		if (++n % RACE_HOLD_EVERY == 0)
			sched_yield(); /* hold it while others publish */
		if (rules_count(snapshot_rules(s)) != 3)
			broken = 1;
		snapshot_release(s);
	}
	pthread_mutex_lock(&r->lock);
	r->broken |= broken;
	r->reads += n;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* publisher - build and publish over and over */
static void *
publisher(void *arg)
{
	struct race *r = arg;
	struct snapshot *s;
	int i, broken = 0;

	for (i = 0; i < RACE_PUBLISHES; i++) {
		if ((s = good()) == NULL) {
			broken = 1;
			break;
		}
		snapshot_publish(s);
		sched_yield();
	}
	pthread_mutex_lock(&r->lock);
	r->broken |= broken;
	r->done = 1;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static void
snapshot_survives_acquire_and_release_racing_publishes(void)
{
	pthread_t readers[RACE_READERS], pub;
	struct race r;
	struct snapshot *first = good(), *cur;
	unsigned long before;
	int i;

	CU_ASSERT_FATAL(first != NULL);
	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.lock, NULL);
	snapshot_publish(first);
	before = snapshot_live_count();
	for (i = 0; i < RACE_READERS; i++)
		CU_ASSERT_FATAL(
		    pthread_create(&readers[i], NULL, reader, &r) == 0);
	CU_ASSERT_FATAL(pthread_create(&pub, NULL, publisher, &r) == 0);
	pthread_join(pub, NULL);
	for (i = 0; i < RACE_READERS; i++)
		pthread_join(readers[i], NULL);
	CU_ASSERT_EQUAL(r.broken, 0);
	CU_ASSERT(r.reads >= RACE_READERS);
	/* every replaced snapshot was freed once its readers let go */
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
	cur = snapshot_acquire();
	CU_ASSERT_EQUAL(snapshot_generation(cur), 1 + RACE_PUBLISHES);
	snapshot_release(cur);
	snapshot_shutdown();
	CU_ASSERT_EQUAL(snapshot_live_count(), 0);
	pthread_mutex_destroy(&r.lock);
}

static CU_TestInfo snapshot_tests[] = {
    {"snapshot_acquire_is_null_before_any_publish",
        snapshot_acquire_is_null_before_any_publish},
    {"snapshot_build_gives_an_unpublished_snapshot_with_its_parts",
        snapshot_build_gives_an_unpublished_snapshot_with_its_parts},
    {"snapshot_publish_counts_generations_from_one",
        snapshot_publish_counts_generations_from_one},
    {"snapshot_publish_frees_the_old_one_when_nobody_holds_it",
        snapshot_publish_frees_the_old_one_when_nobody_holds_it},
    {"snapshot_holder_keeps_the_old_one_alive_across_a_publish",
        snapshot_holder_keeps_the_old_one_alive_across_a_publish},
    {"snapshot_every_acquire_needs_its_own_release",
        snapshot_every_acquire_needs_its_own_release},
    {"snapshot_release_null_does_nothing", snapshot_release_null_does_nothing},
    {"snapshot_republishing_the_current_one_changes_nothing",
        snapshot_republishing_the_current_one_changes_nothing},
    {"snapshot_failed_build_leaves_the_published_one_untouched",
        snapshot_failed_build_leaves_the_published_one_untouched},
    {"snapshot_build_of_a_missing_file_fails_with_a_diagnostic",
        snapshot_build_of_a_missing_file_fails_with_a_diagnostic},
    {"snapshot_shutdown_starts_generations_again",
        snapshot_shutdown_starts_generations_again},
    {"snapshot_stale_notices_a_changed_directory_file",
        snapshot_stale_notices_a_changed_directory_file},
    {"snapshot_survives_acquire_and_release_racing_publishes",
        snapshot_survives_acquire_and_release_racing_publishes},
    CU_TEST_INFO_NULL,
};

/* suite_init - libxml2 once, before any thread */
static int
suite_init(void)
{
	config_init();
	return 0;
}

static int
suite_clean(void)
{
	snapshot_shutdown();
	return 0;
}

static CU_SuiteInfo suites[] = {
    {"snapshot", suite_init, suite_clean, setup, teardown, snapshot_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_snapshot", suites);
}
