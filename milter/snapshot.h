/*
 * snapshot.h - the policy snapshot: config, compiled rules, detectors
 * and the directory with its student index, built together and
 * published as one
 *
 * The published snapshot is the one mutable global. snapshot_acquire()
 * takes a reference inside the same lock that snapshot_publish() swaps
 * under, so a snapshot is freed only after its last user releases it.
 * A message holds its snapshot from MAIL FROM to end or abort.
 */
#ifndef GUARDIAN_SNAPSHOT_H
#define GUARDIAN_SNAPSHOT_H

struct config;
struct detect;
struct detect_roster;
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

/*
 * snapshot_build_directory - a new snapshot with the configuration and
 * rules of from (shared, not read again) and the directory its
 * configuration names loaded afresh: what a changed roster export gets,
 * so that a half-edited rule file never goes live with it
 *
 * from stays borrowed for the call (the caller holds a reference).
 * Returns 0 and a new unpublished snapshot with one reference in *out,
 * or -1 leaving *out untouched with every problem in dg. Thread-safe
 * like snapshot_build().
 */
int snapshot_build_directory(
    struct snapshot **out, const struct snapshot *from, struct diag *dg);

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

/* the compiled <detectors> (never NULL), and the student index of the
 * directory (NULL when there is none) */
const struct detect *snapshot_detect(const struct snapshot *snap);
const struct detect_roster *snapshot_detect_roster(const struct snapshot *snap);

/* snapshot_stale - 1 if a file of the directory (roster export,
 * preferences) changed since snap was built: time to rebuild the
 * directory (snapshot_build_directory()). A few stat() calls. */
int snapshot_stale(const struct snapshot *snap);

/* snapshot_generation - 1 for the first published, +1 per publish; 0 for
 * a snapshot that was never published */
unsigned long snapshot_generation(const struct snapshot *snap);

/* snapshot_live_count - snapshots built and not yet freed, published or
 * not (for tests and leak checks). Thread-safe. */
unsigned long snapshot_live_count(void);

/* snapshot_held_count - references held on every snapshot together: the
 * published one's own, and one per snapshot_acquire() or build not yet
 * released. After snapshot_shutdown() it counts the messages still
 * holding a snapshot (a stopping worker waits for 0). Thread-safe. */
unsigned long snapshot_held_count(void);

#endif /* GUARDIAN_SNAPSHOT_H */
