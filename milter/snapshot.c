/*
 * snapshot.c - build, publish and refcount the policy snapshot
 *
 * One mutex guards the published pointer, the generation counter and every
 * reference count. snapshot_acquire() takes its reference while holding the
 * lock that snapshot_publish() swaps under, so a reader can never pick up a
 * pointer that a concurrent publish is about to free (milter-regex's bug).
 * The critical sections are a few instructions long; building happens
 * outside the lock, beside the snapshot in use.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdlib.h>

#include "config.h"
#include "diag.h"
#include "log.h"
#include "roster.h"
#include "rules.h"
#include "snapshot.h"

struct snapshot {
	struct config *cfg;
	struct rules *rules;
	struct roster *roster;    /* NULL without a <directory> */
	unsigned long generation; /* 0 until published */
	unsigned long refs;       /* guarded by lock */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *current; /* guarded by lock */
static unsigned long generation; /* guarded by lock: last one handed out */
static unsigned long live;       /* guarded by lock: built, not yet freed */

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

/* snapshot_destroy - free a snapshot whose last reference is gone */
static void
snapshot_destroy(struct snapshot *snap)
{
	roster_free(snap->roster);
	rules_free(snap->rules);
	config_free(snap->cfg);
	free(snap);
	locked();
	live--;
	unlocked();
}

int
snapshot_build(struct snapshot **out, const char *config_path, struct diag *dg)
{
	struct snapshot *snap;
	struct config *cfg = NULL;
	struct rules *rules = NULL;
	struct roster *roster = NULL;

	if (config_load(&cfg, config_path, dg) == -1)
		return -1;
	/* the schema's findings only after the compiler's plainer ones */
	if (rules_compile(&rules, cfg, dg) == -1 ||
	    config_validate(cfg, dg) == -1) {
		rules_free(rules);
		config_free(cfg);
		return -1;
	}
	/* The directory is part of the policy: a broken export keeps the
	 * previous snapshot, roster and all, serving. */
	if (config_roster_count(cfg) > 0 &&
	    roster_load(&roster, config_roster_dirs(cfg),
	        config_roster_count(cfg), config_roster_options(cfg),
	        dg) == -1) {
		rules_free(rules);
		config_free(cfg);
		return -1;
	}
	if ((snap = calloc(1, sizeof(*snap))) == NULL) {
		diag_error(dg, config_path, 0, 0,
		    "cannot build the policy snapshot: out of memory");
		roster_free(roster);
		rules_free(rules);
		config_free(cfg);
		return -1;
	}
	snap->cfg = cfg;
	snap->rules = rules;
	snap->roster = roster;
	snap->refs = 1;
	locked();
	live++;
	unlocked();
	*out = snap;
	return 0;
}

void
snapshot_publish(struct snapshot *snap)
{
	struct snapshot *old;

	if (snap == NULL)
		log_panic("snapshot_publish: NULL snapshot");
	locked();
	if (snap->refs == 0)
		log_panic("snapshot_publish: snapshot already freed");
	if (snap == current) {
		/* republishing the current one: just drop the extra ref */
		snap->refs--;
		unlocked();
		return;
	}
	snap->generation = ++generation;
	old = current;
	current = snap;
	unlocked();
	snapshot_release(old);
}

struct snapshot *
snapshot_acquire(void)
{
	struct snapshot *snap;

	locked();
	snap = current;
	if (snap != NULL)
		snap->refs++;
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
	return snap->cfg;
}

const struct rules *
snapshot_rules(const struct snapshot *snap)
{
	return snap->rules;
}

const struct roster *
snapshot_roster(const struct snapshot *snap)
{
	return snap->roster;
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
