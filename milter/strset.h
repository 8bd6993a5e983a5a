/*
 * strset.h - a set of strings, each with a number: the filter's one hash
 * table outside the roster
 *
 * Open addressing with linear probing, at most 70% full, FNV-1a. The set
 * keeps its own copy of every key. Lookups cost one probe sequence
 * whatever the keys, so sets built from mail (the recipients of one
 * message) stay linear in their size instead of comparing every pair.
 * The struct is public so that a set can live inside another; treat its
 * fields as read-only. Not thread-safe: a set has one owner, or is only
 * read once built.
 */
#ifndef GUARDIAN_STRSET_H
#define GUARDIAN_STRSET_H

#include <stddef.h>

struct strset_slot;

struct strset {
	struct strset_slot *slots; /* NULL until the first add */
	size_t cap, n;
};

/* strset_init - an empty set; allocates nothing */
void strset_init(struct strset *s);

/* strset_free - release the keys and the table; the set is empty after.
 * NULL is fine. */
void strset_free(struct strset *s);

/*
 * strset_add - add a copy of key with the number val
 *
 * Returns 1 when key was added, 0 when it was there already (its number
 * unchanged), -1 when out of memory (the set unchanged).
 */
int strset_add(struct strset *s, const char *key, size_t val);

/* strset_get - 1 and key's number in *val (val may be NULL) if key is in
 * the set, else 0 */
int strset_get(const struct strset *s, const char *key, size_t *val);

/* strset_count - keys in the set */
size_t strset_count(const struct strset *s);

#endif /* GUARDIAN_STRSET_H */
