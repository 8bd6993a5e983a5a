/*
 * strset.c - a set of strings with a number each (see strset.h)
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"

struct strset_slot {
	char *key; /* NULL: empty */
	uint32_t hash;
	size_t val;
};

/* hash - FNV-1a of s */
static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void
strset_init(struct strset *s)
{
	memset(s, 0, sizeof(*s));
}

void
strset_free(struct strset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	strset_init(s);
}

/* find - the slot of key, or the empty slot where it would go */
static struct strset_slot *
find(const struct strset *s, const char *key, uint32_t h)
{
	size_t i;

	for (i = h & (s->cap - 1); s->slots[i].key != NULL;
	     i = (i + 1) & (s->cap - 1))
		if (s->slots[i].hash == h && strcmp(s->slots[i].key, key) == 0)
			break;
	return &s->slots[i];
}

/* grow - double the table (or make the first one); -1 on ENOMEM */
static int
grow(struct strset *s)
{
	struct strset old = *s;
	struct strset_slot *slot;
	size_t cap = old.cap == 0 ? 16 : old.cap * 2, i;

	if (cap > SIZE_MAX / sizeof(*s->slots) / 2)
		return -1;
	if ((s->slots = calloc(cap, sizeof(*s->slots))) == NULL) {
		*s = old;
		return -1;
	}
	s->cap = cap;
	for (i = 0; i < old.cap; i++) {
		if (old.slots[i].key == NULL)
			continue;
		slot = find(s, old.slots[i].key, old.slots[i].hash);
		*slot = old.slots[i];
	}
	free(old.slots);
	return 0;
}

int
strset_add(struct strset *s, const char *key, size_t val)
{
	struct strset_slot *slot;
	uint32_t h = hash(key);

	if (s->cap > 0 && find(s, key, h)->key != NULL)
		return 0;
	/* at most 70% full */
	if ((s->n + 1) * 10 > s->cap * 7 && grow(s) == -1)
		return -1;
	slot = find(s, key, h);
	if ((slot->key = strdup(key)) == NULL)
		return -1;
	slot->hash = h;
	slot->val = val;
	s->n++;
	return 1;
}

int
strset_get(const struct strset *s, const char *key, size_t *val)
{
	const struct strset_slot *slot;

	if (s->cap == 0)
		return 0;
	slot = find(s, key, hash(key));
	if (slot->key == NULL)
		return 0;
	if (val != NULL)
		*val = slot->val;
	return 1;
}

size_t
strset_count(const struct strset *s)
{
	return s->n;
}
