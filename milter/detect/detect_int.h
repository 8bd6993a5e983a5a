/*
 * detect_int.h - what the files of the detect module share
 *
 * students.c  the student index (struct detect_roster) and the two
 *             built-in detectors;
 * declared.c  the configuration's <detectors>: regex sets (Vectorscan,
 *             PCRE2 where Vectorscan cannot) and keyword dictionaries;
 * scan.c      detect_scan(), the per-thread scratch pool and the result.
 */
#ifndef GUARDIAN_DETECT_INT_H
#define GUARDIAN_DETECT_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "token.h"

/* --- a hash table from 64-bit keys to 32-bit values ---------------------- */

/* Open addressing, linear probing, never more than half full; key 0
 * stands for an empty slot, so keys go through htab_key() first. */
struct htab {
	uint64_t *keys;
	uint32_t *vals;
	size_t mask;
	size_t n;
};

static inline uint64_t
htab_key(uint64_t h)
{
	return h == 0 ? 1 : h;
}

int htab_init(struct htab *t, size_t expect);
void htab_free(struct htab *t);

/* htab_get - the value of key, or (uint32_t)-1; inline: it runs once
 * or twice per word of every text */
static inline uint32_t
htab_get(const struct htab *t, uint64_t key)
{
	size_t i;

	if (t->keys == NULL)
		return (uint32_t)-1;
	for (i = (size_t)(key ^ (key >> 29)) & t->mask; t->keys[i] != 0;
	     i = (i + 1) & t->mask)
		if (t->keys[i] == key)
			return t->vals[i];
	return (uint32_t)-1;
}

/*
 * A filter in front of a table: one bit per hash value's low
 * FILTER_BITS bits, set for every key. Most words of a text are in no
 * table; the filter answers for them from 16 KiB that stay in the
 * first-level cache, where the table's keys would not.
 */
#define FILTER_BITS 17
#define FILTER_WORDS ((1u << FILTER_BITS) / 64)

static inline void
filter_set(uint64_t *f, uint64_t key)
{
	uint32_t b = (uint32_t)(key >> 40) & ((1u << FILTER_BITS) - 1);

	f[b / 64] |= 1ULL << (b % 64);
}

static inline int
filter_has(const uint64_t *f, uint64_t key)
{
	uint32_t b = (uint32_t)(key >> 40) & ((1u << FILTER_BITS) - 1);

	return (f[b / 64] >> (b % 64)) & 1;
}
/* htab_put - set key's value (growing as needed); -1 on ENOMEM */
int htab_put(struct htab *t, uint64_t key, uint32_t val);

/* pair_key - the key of two words in this order */
static inline uint64_t
pair_key(uint64_t a, uint64_t b)
{
	return htab_key(
	    (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL);
}

/* --- phrases: words and runs of words, matched on token lists ------------ */

struct phrase {
	uint32_t word; /* its first word in phrases.words */
	uint32_t nwords;
	uint32_t next;    /* next phrase with the same first word, or -1 */
	uint32_t owner;   /* the caller's: a detector, a term */
	const char *text; /* as given (dictionary line, vocabulary term) */
};

struct phrase_word {
	uint64_t hash;
	uint32_t foff, flen; /* folded bytes in phrases.pool */
};

struct phrases {
	struct phrase *v;
	size_t n, cap;
	struct phrase_word *words;
	size_t nwords, wcap;
	char *pool;
	size_t plen, pcap;
	struct htab first;             /* first word's hash -> first phrase */
	uint64_t filter[FILTER_WORDS]; /* of first */
};

void phrases_init(struct phrases *ps);
void phrases_free(struct phrases *ps);
/*
 * phrases_add - add text (its words through the tokenizer, tl as
 * scratch) with owner; text is borrowed for the life of ps. Returns 1
 * if added, 0 if text has no word, -1 on ENOMEM.
 */
int phrases_add(struct phrases *ps, struct token_list *tl, const char *text,
    uint32_t owner);
/* phrases_index - build the first-word table once every phrase is in */
int phrases_index(struct phrases *ps);
/*
 * phrases_at - the first phrase (index, or -1 if none) that starts at
 * token i of tl; phrases_next - the next one after phrase p that starts
 * there too. A phrase's words must follow each other with nothing but
 * spacing, a hyphen or an apostrophe between them.
 */
uint32_t phrases_at(
    const struct phrases *ps, const struct token_list *tl, size_t i);
uint32_t phrases_next(const struct phrases *ps, const struct token_list *tl,
    size_t i, uint32_t p);

/* --- per-scan scratch ----------------------------------------------------- */

struct detect_scratch {
	struct token_list tl;
	void *hs;                    /* hs_scratch_t of the declared set */
	struct regex_scratch *rs;    /* PCRE2 match state */
	struct detect_scratch *next; /* in the pool */
};

struct detect_pool {
	pthread_mutex_t lock;
	struct detect_scratch *free; /* guarded by lock */
};

int pool_init(struct detect_pool *p);
void pool_destroy(struct detect_pool *p);

/* --- results ----------------------------------------------------------------
 */

struct detect_result;
struct detect_hit;

/*
 * result_add - a new hit in res for detector (borrowed: a static string
 * or the detector's id) in text, with matches and a copy of evidence;
 * students (n of them, borrowed strings) are sorted and made unique.
 * Returns 0, or -1 on ENOMEM.
 */
int result_add(struct detect_result *res, const char *detector, size_t text,
    size_t matches, const char **students, size_t nstudents,
    const char *evidence);

/* --- the two halves ----------------------------------------------------- */

struct detect;
struct detect_roster;
struct detect_text;

/* students_scan - the built-in detectors over one tokenized text */
int students_scan(struct detect_result *res, const struct detect_roster *dr,
    const struct token_list *tl, const char *text, size_t len, size_t ti);

/* declared_scan - the configuration's detectors over one text */
int declared_scan(struct detect_result *res, const struct detect *d,
    struct detect_scratch *sc, const char *text, size_t len, size_t ti);

/* declared_scratch - set up sc for d (Vectorscan and PCRE2 state); -1 on
 * ENOMEM */
int declared_scratch(const struct detect *d, struct detect_scratch *sc);
/* declared_pool - d's scratch pool */
struct detect_pool *declared_pool(const struct detect *d);
/* students_pool - dr's scratch pool */
struct detect_pool *students_pool(const struct detect_roster *dr);

/* utf8_prefix - the bytes of the first n printable characters of s */
size_t utf8_prefix(const char *s, size_t slen, size_t n);

/* evidence_prefix - the first n characters (code points) of s into dst
 * with "…" after, NUL-terminated; dst has room for n * 4 + 4 bytes */
void evidence_prefix(char *dst, const char *s, size_t slen, size_t n);

#endif /* GUARDIAN_DETECT_INT_H */
