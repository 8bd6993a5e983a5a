/*
 * test_snapshot.c - building, publishing and refcounting the policy
 * snapshot, including acquire/release racing against repeated publishes
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aliases.h"
#include "config.h"
#include "diag.h"
#include "roster.h"
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

static void
snapshot_build_directory_keeps_the_rules_in_use(void)
{
	const char *dir = testutil_tmpdir(), *cfg;
	struct snapshot *snap = NULL, *next = NULL;
	unsigned long before = snapshot_live_count();
	struct diag *dg = diag_new();

	CU_ASSERT_FATAL(dir != NULL && dg != NULL);
	cfg = roster_config(dir);
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL_FATAL(snapshot_build(&snap, cfg, dg), 0);
	CU_ASSERT_EQUAL(rules_count(snapshot_rules(snap)), 0);
	/* the rules are edited, valid but not meant to go live yet */
	(void)testutil_write(dir, "roster.xml",
	    "<guardian-milter version=\"1\">\n"
	    "<directory>\n"
	    "  <roster>.</roster>\n"
	    "  <district-domains>other.example</district-domains>\n"
	    "</directory>\n"
	    "<rule id=\"new\"><when><recipient address=\"*@x.example\"/>"
	    "</when><then><reject/></then></rule>\n"
	    "</guardian-milter>\n");
	CU_ASSERT_EQUAL_FATAL(snapshot_build_directory(&next, snap, dg), 0);
	/* the same configuration and rules, a directory read afresh */
	CU_ASSERT_PTR_EQUAL(snapshot_rules(next), snapshot_rules(snap));
	CU_ASSERT_PTR_EQUAL(snapshot_config(next), snapshot_config(snap));
	CU_ASSERT_PTR_NOT_NULL(snapshot_roster(next));
	CU_ASSERT(snapshot_roster(next) != snapshot_roster(snap));
	CU_ASSERT_EQUAL(rules_count(snapshot_rules(next)), 0);
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 2);
	/* the shared part outlives the snapshot it came from */
	snapshot_release(snap);
	CU_ASSERT_EQUAL(rules_count(snapshot_rules(next)), 0);
	CU_ASSERT_PTR_NOT_NULL(config_spool_dir(snapshot_config(next)));
	snapshot_release(next);
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
	CU_ASSERT_EQUAL(diag_count(dg), 0);
	diag_free(dg);
}

static void
snapshot_reloads_the_directory_when_a_list_changes(void)
{
	const char *dir = testutil_tmpdir();
	struct snapshot *snap = NULL, *next = NULL;
	const struct aliases_entry *e;
	struct diag *dg = diag_new();
	char cfg[4096];

	CU_ASSERT_FATAL(dir != NULL && dg != NULL);
	CU_ASSERT_FATAL(roster_config(dir) != NULL);
	(void)testutil_write(dir, "virtual",
	    "grade2@district.example  sam.lee@students.district.example\n");
	/* the path is relative to the configuration file */
	(void)snprintf(cfg, sizeof(cfg), "%s",
	    testutil_write(dir, "lists.xml",
	        "<guardian-milter version=\"1\">\n"
	        "<directory>\n"
	        "  <roster>.</roster>\n"
	        "  <virtual-aliases>virtual</virtual-aliases>\n"
	        "  <district-domains>district.example</district-domains>\n"
	        "</directory>\n"
	        "</guardian-milter>\n"));
	CU_ASSERT_EQUAL_FATAL(snapshot_build(&snap, cfg, dg), 0);
	e = aliases_find(
	    roster_aliases(snapshot_roster(snap)), "grade2@district.example");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(aliases_entry_count(e), 1);
	CU_ASSERT_EQUAL(snapshot_stale(snap), 0);
	/* a student joins the list: the directory is stale, and the one
	 * built afresh serves the new list */
	(void)testutil_write(dir, "virtual",
	    "grade2@district.example  sam.lee@students.district.example,\n"
	    "    omar.kim@students.district.example\n");
	CU_ASSERT_EQUAL(snapshot_stale(snap), 1);
	CU_ASSERT_EQUAL_FATAL(snapshot_build_directory(&next, snap, dg), 0);
	e = aliases_find(
	    roster_aliases(snapshot_roster(next)), "grade2@district.example");
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(aliases_entry_count(e), 2);
	CU_ASSERT_EQUAL(snapshot_stale(next), 0);
	/* a broken list file keeps the directory in use serving */
	(void)testutil_write(dir, "virtual", "grade2@district.example\n");
	CU_ASSERT_EQUAL(snapshot_stale(next), 1);
	snapshot_release(snap);
	snap = NULL;
	CU_ASSERT_EQUAL(snapshot_build_directory(&snap, next, dg), -1);
	CU_ASSERT_PTR_NULL(snap);
	CU_ASSERT(diag_count(dg) > 0 &&
	    strstr(diag_text(dg, 0),
	        "/virtual:1: \"grade2@district.example\" has no result") !=
	        NULL);
	snapshot_release(next);
	diag_free(dg);
}

/* What the FIFO writer sends: users.csv in two halves, a pause between. */
struct slow_writer {
	const char *path;
	const char *text;
	size_t first, len; /* the first half is text[0..first) */
	int failed;
};

/* slow_writer_main - write the first half, wait, write the second, as an
 * export copied in place while the daemon reads it */
static void *
slow_writer_main(void *arg)
{
	struct slow_writer *w = arg;
	struct timespec pause = {0, 400 * 1000 * 1000};
	size_t rest = w->len - w->first;
	int fd;

	if ((fd = open(w->path, O_WRONLY)) == -1) {
		w->failed = 1;
		return NULL;
	}
	if (write(fd, w->text, w->first) != (ssize_t)w->first)
		w->failed = 1;
	(void)nanosleep(&pause, NULL);
	if (write(fd, w->text + w->first, rest) != (ssize_t)rest)
		w->failed = 1;
	(void)close(fd);
	return NULL;
}

static void
snapshot_build_refuses_a_file_that_changed_while_read(void)
{
	const char *dir = testutil_tmpdir(), *cfg;
	struct snapshot *snap = NULL;
	struct slow_writer w;
	struct diag *dg = diag_new();
	char users[4096], want[4400], text[65536], *cut;
	pthread_t tid;
	size_t i, n;
	FILE *fp;
	int found = 0;

	CU_ASSERT_FATAL(dir != NULL && dg != NULL);
	cfg = roster_config(dir);
	CU_ASSERT_FATAL(cfg != NULL);
	(void)snprintf(users, sizeof(users), "%s/users.csv", dir);
	fp = fopen(users, "r");
	CU_ASSERT_FATAL(fp != NULL);
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	/* cut after the header and the first row */
	cut = strchr(text, '\n');
	CU_ASSERT_FATAL(cut != NULL && (cut = strchr(cut + 1, '\n')) != NULL);
	CU_ASSERT_FATAL(unlink(users) == 0 && mkfifo(users, 0600) == 0);
	memset(&w, 0, sizeof(w));
	w.path = users;
	w.text = text;
	w.first = (size_t)(cut + 1 - text);
	w.len = n;
	CU_ASSERT_FATAL(pthread_create(&tid, NULL, slow_writer_main, &w) == 0);
	CU_ASSERT_EQUAL(snapshot_build(&snap, cfg, dg), -1);
	pthread_join(tid, NULL);
	CU_ASSERT_EQUAL(w.failed, 0);
	/* named as the configuration names the directory: <roster>.</roster> */
	(void)snprintf(want, sizeof(want),
	    "%s/./users.csv: the file changed while it was being read; not "
	    "used, read again at the next check (write the export elsewhere "
	    "and rename it into place)",
	    dir);
	for (i = 0; i < diag_kept(dg); i++)
		if (strcmp(diag_text(dg, i), want) == 0)
			found = 1;
	CU_ASSERT(found);
	if (!found)
		diag_print(dg, stderr);
	CU_ASSERT_PTR_NULL(snap);
	diag_free(dg);
}

/* --- acquire/release racing against publishes ------------------------ */

struct race {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int started; /* readers running */
	int done;    /* the publisher has finished */
	int broken;  /* a reader saw something wrong */
	int release; /* the holder may let go */
	unsigned long reads;
	unsigned long changes; /* generation changes the readers saw */
	unsigned long held_gen;
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
	unsigned long changes = 0;
	int broken = 0;

	pthread_mutex_lock(&r->lock);
	r->started++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
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
		if (last != 0 && gen != last)
			changes++;
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
	r->changes += changes;
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* holder - a message in flight across every publish: takes the snapshot
 * before the publisher starts, keeps it until told, and checks at the
 * end that it is whole and still the same generation */
static void *
holder(void *arg)
{
	struct race *r = arg;
	struct snapshot *s = snapshot_acquire();
	unsigned long gen = s != NULL ? snapshot_generation(s) : 0;

	pthread_mutex_lock(&r->lock);
	r->held_gen = gen;
	r->started++;
	pthread_cond_broadcast(&r->cond);
	while (!r->release)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	if (s == NULL || snapshot_generation(s) != gen ||
	    rules_count(snapshot_rules(s)) != 3 ||
	    config_on_error(snapshot_config(s)) != CONFIG_ON_ERROR_ACCEPT) {
		pthread_mutex_lock(&r->lock);
		r->broken = 1;
		pthread_mutex_unlock(&r->lock);
	}
	snapshot_release(s);
	return NULL;
}

/* publisher - build and publish over and over */
static void *
publisher(void *arg)
{
	struct race *r = arg;
	struct snapshot *s;
	int i, broken = 0;

	/* every reader and the holder first, so that they race */
	pthread_mutex_lock(&r->lock);
	while (r->started < RACE_READERS + 1)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
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
	pthread_t readers[RACE_READERS], pub, hold;
	struct race r;
	struct snapshot *first = good(), *cur;
	unsigned long before;
	int i;

	CU_ASSERT_FATAL(first != NULL);
	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	snapshot_publish(first);
	before = snapshot_live_count();
	CU_ASSERT_FATAL(pthread_create(&hold, NULL, holder, &r) == 0);
	for (i = 0; i < RACE_READERS; i++)
		CU_ASSERT_FATAL(
		    pthread_create(&readers[i], NULL, reader, &r) == 0);
	CU_ASSERT_FATAL(pthread_create(&pub, NULL, publisher, &r) == 0);
	pthread_join(pub, NULL);
	for (i = 0; i < RACE_READERS; i++)
		pthread_join(readers[i], NULL);
	/* the readers really raced the publisher: they saw it publish */
	CU_ASSERT(r.changes > 0);
	/* the held snapshot is the first one, alive beside the current one
	 * after every publish; every other replaced one is freed */
	CU_ASSERT_EQUAL(r.held_gen, 1);
	CU_ASSERT_EQUAL(snapshot_live_count(), before + 1);
	pthread_mutex_lock(&r.lock);
	r.release = 1;
	pthread_cond_broadcast(&r.cond);
	pthread_mutex_unlock(&r.lock);
	pthread_join(hold, NULL);
	CU_ASSERT_EQUAL(r.broken, 0);
	/* freed on its release, not before */
	CU_ASSERT_EQUAL(snapshot_live_count(), before);
	cur = snapshot_acquire();
	CU_ASSERT_EQUAL(snapshot_generation(cur), 1 + RACE_PUBLISHES);
	snapshot_release(cur);
	snapshot_shutdown();
	CU_ASSERT_EQUAL(snapshot_live_count(), 0);
	pthread_cond_destroy(&r.cond);
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
    {"snapshot_build_directory_keeps_the_rules_in_use",
        snapshot_build_directory_keeps_the_rules_in_use},
    {"snapshot_reloads_the_directory_when_a_list_changes",
        snapshot_reloads_the_directory_when_a_list_changes},
    {"snapshot_build_refuses_a_file_that_changed_while_read",
        snapshot_build_refuses_a_file_that_changed_while_read},
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
