/*
 * snapshot.c - build, publish and refcount the policy snapshot
 *
 * One mutex guards the published pointer, the generation counter and every
 * reference count. snapshot_acquire() takes its reference while holding the
 * lock that snapshot_publish() swaps under, so a reader can never pick up a
 * pointer that a concurrent publish is about to free (milter-regex's bug).
 * The critical sections are a few instructions long; building happens
 * outside the lock, beside the snapshot in use.
 *
 * The configuration, its compiled rules and detectors form one part
 * (struct policy)
 * that several snapshots may share: a snapshot rebuilt because a file of
 * the directory changed keeps the rules of the one it replaces, so only
 * SIGHUP ever puts a new configuration or rule file in service. The
 * part has its own count, under the same lock.
 */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "config.h"
#include "detect.h"
#include "diag.h"
#include "log.h"
#include "roster.h"
#include "rules.h"
#include "snapshot.h"

/* The configuration and its rules, shared by the snapshots built on it. */
struct policy {
	struct config *cfg;
	struct rules *rules;
	struct detect *detect;
	unsigned long refs; /* guarded by lock */
};

struct snapshot {
	struct policy *pol;
	struct roster *roster;          /* NULL without a <directory> */
	struct detect_roster *students; /* its student index, or NULL */
	unsigned long generation;       /* 0 until published */
	unsigned long refs;             /* guarded by lock */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *current; /* guarded by lock */
static unsigned long generation; /* guarded by lock: last one handed out */
static unsigned long live;       /* guarded by lock: built, not yet freed */
static unsigned long held;       /* guarded by lock: every refs summed */

/* locked - take the lock; failing to is a broken invariant */
static void
locked(void)
{
	int e;

	if ((e = pthread_mutex_lock(&lock)) != 0)
		log_panic("snapshot: pthread_mutex_lock: error %d", e);
}

/* unlocked - drop the lock */
static void
unlocked(void)
{
	int e;

	if ((e = pthread_mutex_unlock(&lock)) != 0)
		log_panic("snapshot: pthread_mutex_unlock: error %d", e);
}

/* policy_release - drop a snapshot's hold on its policy; the last one
 * frees it */
static void
policy_release(struct policy *pol)
{
	unsigned long left;

	if (pol == NULL)
		return;
	locked();
	if (pol->refs == 0)
		log_panic("snapshot: policy reference count underflow");
	left = --pol->refs;
	unlocked();
	if (left > 0)
		return;
	detect_free(pol->detect);
	rules_free(pol->rules);
	config_free(pol->cfg);
	free(pol);
}

/* snapshot_destroy - free a snapshot whose last reference is gone */
static void
snapshot_destroy(struct snapshot *snap)
{
	detect_roster_free(snap->students); /* borrows from the roster */
	roster_free(snap->roster);
	policy_release(snap->pol);
	free(snap);
	locked();
	live--;
	unlocked();
}

/* load_directory - the directory cfg names into *out (NULL when it names
 * none); -1 with the problems in dg */
static int
load_directory(struct roster **out, const struct config *cfg, struct diag *dg)
{
	*out = NULL;
	if (config_roster_count(cfg) == 0)
		return 0;
	if (roster_load(out, config_roster_dirs(cfg), config_roster_count(cfg),
	        config_roster_options(cfg), dg) == -1)
		return -1;
	/* an export cut short loads without errors: compare it with the
	 * directory served last */
	if (roster_guard_check(*out, config_roster_baseline(cfg),
	        config_roster_max_loss(cfg), dg) == -1) {
		roster_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* assemble - a new snapshot of pol (whose reference it takes over) and
 * roster; -1 when out of memory, with both released */
static int
assemble(struct snapshot **out, struct policy *pol, struct roster *roster,
    const char *path, struct diag *dg)
{
	struct snapshot *snap;
	struct detect_roster *students = NULL;

	if ((snap = calloc(1, sizeof(*snap))) == NULL ||
	    (roster != NULL && detect_roster_build(&students, roster) == -1)) {
		diag_error(dg, path, 0, 0,
		    "cannot build the policy snapshot: out of memory");
		free(snap);
		roster_free(roster);
		policy_release(pol);
		return -1;
	}
	snap->pol = pol;
	snap->roster = roster;
	snap->students = students;
	snap->refs = 1;
	locked();
	live++;
	held++;
	unlocked();
	*out = snap;
	return 0;
}

int
snapshot_build(struct snapshot **out, const char *config_path, struct diag *dg)
{
	struct policy *pol;
	struct config *cfg = NULL;
	struct rules *rules = NULL;
	struct detect *detect = NULL;
	struct roster *roster = NULL;
	int rr, dr;

	if (config_load(&cfg, config_path, dg) == -1)
		return -1;
	/* the schema's findings only after the compilers' plainer ones;
	 * the detectors' problems are reported with the rules' */
	rr = rules_compile(&rules, cfg, dg);
	dr = detect_compile(&detect, cfg, dg);
	if (rr == -1 || dr == -1 || config_validate(cfg, dg) == -1) {
		detect_free(detect);
		rules_free(rules);
		config_free(cfg);
		return -1;
	}
	/* The directory is part of the policy: a broken export keeps the
	 * previous snapshot, roster and all, serving. */
	if (load_directory(&roster, cfg, dg) == -1) {
		detect_free(detect);
		rules_free(rules);
		config_free(cfg);
		return -1;
	}
	if ((pol = calloc(1, sizeof(*pol))) == NULL) {
		diag_error(dg, config_path, 0, 0,
		    "cannot build the policy snapshot: out of memory");
		roster_free(roster);
		detect_free(detect);
		rules_free(rules);
		config_free(cfg);
		return -1;
	}
	pol->cfg = cfg;
	pol->rules = rules;
	pol->detect = detect;
	pol->refs = 1;
	return assemble(out, pol, roster, config_path, dg);
}

int
snapshot_build_directory(
    struct snapshot **out, const struct snapshot *from, struct diag *dg)
{
	struct roster *roster = NULL;
	struct policy *pol = from->pol;

	if (load_directory(&roster, pol->cfg, dg) == -1)
		return -1;
	locked();
	if (pol->refs == 0)
		log_panic("snapshot_build_directory: policy already freed");
	pol->refs++;
	unlocked();
	return assemble(out, pol, roster, NULL, dg);
}

void
snapshot_publish(struct snapshot *snap)
{
	struct snapshot *old;
	struct roster_stats st;
	char baseline[PATH_MAX];
	int has_roster;

	if (snap == NULL)
		log_panic("snapshot_publish: NULL snapshot");
	locked();
	if (snap->refs == 0)
		log_panic("snapshot_publish: snapshot already freed");
	if (snap == current) {
		/* republishing the current one: just drop the extra ref */
		snap->refs--;
		held--;
		unlocked();
		return;
	}
	snap->generation = ++generation;
	old = current;
	current = snap;
	/* the directory served now is the one the next is compared with;
	 * what to write is copied while snap cannot go away */
	has_roster = snap->roster != NULL &&
	    config_roster_baseline(snap->pol->cfg) != NULL &&
	    strlcpy(baseline, config_roster_baseline(snap->pol->cfg),
	        sizeof(baseline)) < sizeof(baseline);
	if (has_roster)
		roster_stats(&st, snap->roster);
	unlocked();
	if (has_roster && roster_baseline_write(baseline, &st) == -1)
		log_warn("cannot write %s: %s; the next directory is compared "
		         "with the counts of an older one",
		    baseline, strerror(errno));
	snapshot_release(old);
}

struct snapshot *
snapshot_acquire(void)
{
	struct snapshot *snap;

	locked();
	snap = current;
	if (snap != NULL) {
		snap->refs++;
		held++;
	}
	unlocked();
	return snap;
}

void
snapshot_release(struct snapshot *snap)
{
	unsigned long left;

	if (snap == NULL)
		return;
	locked();
	if (snap->refs == 0)
		log_panic("snapshot_release: reference count underflow");
	left = --snap->refs;
	held--;
	unlocked();
	if (left == 0)
		snapshot_destroy(snap);
}

void
snapshot_shutdown(void)
{
	struct snapshot *old;

	locked();
	old = current;
	current = NULL;
	generation = 0;
	unlocked();
	snapshot_release(old);
}

const struct config *
snapshot_config(const struct snapshot *snap)
{
	return snap->pol->cfg;
}

const struct rules *
snapshot_rules(const struct snapshot *snap)
{
	return snap->pol->rules;
}

const struct roster *
snapshot_roster(const struct snapshot *snap)
{
	return snap->roster;
}

const struct detect *
snapshot_detect(const struct snapshot *snap)
{
	return snap->pol->detect;
}

const struct detect_roster *
snapshot_detect_roster(const struct snapshot *snap)
{
	return snap->students;
}

int
snapshot_stale(const struct snapshot *snap)
{
	return snap->roster != NULL && roster_changed(snap->roster);
}

unsigned long
snapshot_generation(const struct snapshot *snap)
{
	unsigned long g;

	/* written under the lock at publish; read it the same way */
	locked();
	g = snap->generation;
	unlocked();
	return g;
}

unsigned long
snapshot_live_count(void)
{
	unsigned long n;

	locked();
	n = live;
	unlocked();
	return n;
}

unsigned long
snapshot_held_count(void)
{
	unsigned long n;

	locked();
	n = held;
	unlocked();
	return n;
}
