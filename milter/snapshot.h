/*
 * snapshot.h - the policy snapshot: config and compiled rules (later the
 * roster and detectors), built together and published as one
 *
 * The published snapshot is the one mutable global. snapshot_acquire()
 * takes a reference inside the same lock that snapshot_publish() swaps
 * under, so a snapshot is freed only after its last user releases it.
 * A message holds its snapshot from MAIL FROM to end or abort.
 */
#ifndef GUARDIAN_SNAPSHOT_H
#define GUARDIAN_SNAPSHOT_H

struct config;
struct diag;
struct roster;
struct rules;

struct snapshot;

/*
 * snapshot_build - load config_path and compile everything it names
 *
 * Returns 0 and a new unpublished snapshot with one reference in *out, or
 * -1 leaving *out untouched with every problem in dg. Does not touch the
 * published snapshot; may run while other threads use it.
 */
int snapshot_build(
    struct snapshot **out, const char *config_path, struct diag *dg);

/* snapshot_publish - make snap the current one, taking over the caller's
 * reference; the previous one is released. Thread-safe. */
void snapshot_publish(struct snapshot *snap);

/* snapshot_acquire - a new reference to the current snapshot, or NULL if
 * none was published. Thread-safe. */
struct snapshot *snapshot_acquire(void);

/* snapshot_release - drop a reference; the last one frees. NULL is fine.
 * Thread-safe. */
void snapshot_release(struct snapshot *snap);

/* snapshot_shutdown - release the published snapshot (at exit); the next
 * publish starts again at generation 1 */
void snapshot_shutdown(void);

/* Parts, borrowed for as long as the caller holds its reference. */
const struct config *snapshot_config(const struct snapshot *snap);
const struct rules *snapshot_rules(const struct snapshot *snap);
/* the directory, or NULL when the configuration has no <directory> */
const struct roster *snapshot_roster(const struct snapshot *snap);

/* snapshot_stale - 1 if a file of the directory (roster export,
 * preferences) changed since snap was built: time to rebuild. A few
 * stat() calls. */
int snapshot_stale(const struct snapshot *snap);

/* snapshot_generation - 1 for the first published, +1 per publish; 0 for
 * a snapshot that was never published */
unsigned long snapshot_generation(const struct snapshot *snap);

/* snapshot_live_count - snapshots built and not yet freed, published or
 * not (for tests and leak checks). Thread-safe. */
unsigned long snapshot_live_count(void);

#endif /* GUARDIAN_SNAPSHOT_H */
