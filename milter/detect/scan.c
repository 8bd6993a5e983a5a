/*
 * scan.c - detect_scan(), the pieces the detectors share (hash table,
 * phrase matcher, scratch pool) and the result
 *
 * A scan takes one scratch area (token list, Vectorscan and PCRE2 state)
 * from a pool under a mutex held for a pointer swap, tokenizes each text
 * once for every word-based detector, and gives the scratch back: several
 * threads scan at once, and a thread allocates only when the pool is
 * empty or a text is longer than any before.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "detect_int.h"
#include "log.h"
#include "regex.h"
#include "utf8.h"

/* --- hash table ---------------------------------------------------------- */

int
htab_init(struct htab *t, size_t expect)
{
	size_t size = 16;

	while (size < expect * 2 + 1)
		size *= 2;
	memset(t, 0, sizeof(*t));
	if ((t->keys = calloc(size, sizeof(*t->keys))) == NULL ||
	    (t->vals = calloc(size, sizeof(*t->vals))) == NULL) {
		free(t->keys);
		t->keys = NULL;
		errno = ENOMEM;
		return -1;
	}
	t->mask = size - 1;
	return 0;
}

void
htab_free(struct htab *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

/* htab_grow - double the table */
static int
htab_grow(struct htab *t)
{
	struct htab nt;
	size_t i;

	if (htab_init(&nt, (t->mask + 1)) == -1)
		return -1;
	for (i = 0; i <= t->mask; i++)
		if (t->keys[i] != 0)
			(void)htab_put(&nt, t->keys[i], t->vals[i]);
	htab_free(t);
	*t = nt;
	return 0;
}

int
htab_put(struct htab *t, uint64_t key, uint32_t val)
{
	size_t i;

	if (t->keys == NULL && htab_init(t, 8) == -1)
		return -1;
	if ((t->n + 1) * 2 > t->mask + 1 && htab_grow(t) == -1)
		return -1;
	for (i = (size_t)(key ^ (key >> 29)) & t->mask; t->keys[i] != 0;
	     i = (i + 1) & t->mask)
		if (t->keys[i] == key) {
			t->vals[i] = val;
			return 0;
		}
	t->keys[i] = key;
	t->vals[i] = val;
	t->n++;
	return 0;
}

/* --- phrases -------------------------------------------------------------- */

void
phrases_init(struct phrases *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void
phrases_free(struct phrases *ps)
{
	free(ps->v);
	free(ps->words);
	free(ps->pool);
	htab_free(&ps->first);
	memset(ps, 0, sizeof(*ps));
}

/* grow_array - make room for one more element of size in *v */
static int
grow_array(void **v, size_t *cap, size_t n, size_t size, size_t more)
{
	void *nv;
	size_t ncap;

	if (n + more <= *cap)
		return 0;
	ncap = *cap == 0 ? 64 : *cap;
	while (ncap < n + more)
		ncap *= 2;
	if (ncap > SIZE_MAX / size || (nv = realloc(*v, ncap * size)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*v = nv;
	*cap = ncap;
	return 0;
}

int
phrases_add(
    struct phrases *ps, struct token_list *tl, const char *text, uint32_t owner)
{
	struct phrase *p;
	size_t i, flen;

	if (token_scan(tl, text, strlen(text)) == -1)
		return -1;
	if (tl->n == 0)
		return 0;
	flen = tl->v[tl->n - 1].foff + tl->v[tl->n - 1].flen;
	if (grow_array((void **)&ps->v, &ps->cap, ps->n, sizeof(*ps->v), 1) ==
	        -1 ||
	    grow_array((void **)&ps->words, &ps->wcap, ps->nwords,
	        sizeof(*ps->words), tl->n) == -1 ||
	    grow_array((void **)&ps->pool, &ps->pcap, ps->plen, 1, flen) == -1)
		return -1;
	p = &ps->v[ps->n++];
	p->word = (uint32_t)ps->nwords;
	p->nwords = (uint32_t)tl->n;
	p->next = (uint32_t)-1;
	p->owner = owner;
	p->text = text;
	for (i = 0; i < tl->n; i++) {
		struct phrase_word *w = &ps->words[ps->nwords++];

		w->hash = htab_key(tl->v[i].hash);
		w->foff = (uint32_t)ps->plen;
		w->flen = tl->v[i].flen;
		memcpy(ps->pool + ps->plen, token_folded(tl, &tl->v[i]),
		    tl->v[i].flen);
		ps->plen += tl->v[i].flen;
	}
	return 1;
}

int
phrases_index(struct phrases *ps)
{
	size_t i;

	htab_free(&ps->first);
	memset(ps->filter, 0, sizeof(ps->filter));
	if (htab_init(&ps->first, ps->n) == -1)
		return -1;
	/* backwards, so that each chain runs in the order phrases came */
	for (i = ps->n; i-- > 0;) {
		uint64_t k = ps->words[ps->v[i].word].hash;

		ps->v[i].next = htab_get(&ps->first, k);
		if (htab_put(&ps->first, k, (uint32_t)i) == -1)
			return -1;
		filter_set(ps->filter, k);
	}
	return 0;
}

/* phrase_fits - 1 if phrase p's words are at token i of tl on */
static int
phrase_fits(const struct phrases *ps, const struct phrase *p,
    const struct token_list *tl, size_t i)
{
	size_t k;

	if (i + p->nwords > tl->n)
		return 0;
	for (k = 0; k < p->nwords; k++) {
		const struct phrase_word *w = &ps->words[p->word + k];
		const struct token *t = &tl->v[i + k];

		if (htab_key(t->hash) != w->hash || t->flen != w->flen ||
		    memcmp(token_folded(tl, t), ps->pool + w->foff, w->flen) !=
		        0)
			return 0;
		if (k > 0 && t->sep != TOKEN_SEP_SPACE &&
		    t->sep != TOKEN_SEP_JOIN)
			return 0;
	}
	return 1;
}

uint32_t
phrases_next(
    const struct phrases *ps, const struct token_list *tl, size_t i, uint32_t p)
{
	for (p = ps->v[p].next; p != (uint32_t)-1; p = ps->v[p].next)
		if (phrase_fits(ps, &ps->v[p], tl, i))
			return p;
	return (uint32_t)-1;
}

uint32_t
phrases_at(const struct phrases *ps, const struct token_list *tl, size_t i)
{
	uint64_t k = htab_key(tl->v[i].hash);
	uint32_t p;

	if (!filter_has(ps->filter, k))
		return (uint32_t)-1;
	p = htab_get(&ps->first, k);

	if (p == (uint32_t)-1 || phrase_fits(ps, &ps->v[p], tl, i))
		return p;
	return phrases_next(ps, tl, i, p);
}

/* --- scratch pool --------------------------------------------------------- */

int
pool_init(struct detect_pool *p)
{
	p->free = NULL;
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* scratch_free - one scratch area and what it holds */
static void scratch_free(struct detect_scratch *sc);

void
pool_destroy(struct detect_pool *p)
{
	struct detect_scratch *sc, *next;

	for (sc = p->free; sc != NULL; sc = next) {
		next = sc->next;
		scratch_free(sc);
	}
	p->free = NULL;
	(void)pthread_mutex_destroy(&p->lock);
}

#ifdef HAVE_LIBHS
#include <hs/hs.h>
#endif

static void
scratch_free(struct detect_scratch *sc)
{
	if (sc == NULL)
		return;
	token_list_free(&sc->tl);
#ifdef HAVE_LIBHS
	if (sc->hs != NULL)
		(void)hs_free_scratch(sc->hs);
#endif
	regex_scratch_free(sc->rs);
	free(sc);
}

/* pool_get - a scratch area of pool (new when none is free); NULL on
 * ENOMEM. d, when not NULL, sets up its declared detectors' state. */
static struct detect_scratch *
pool_get(struct detect_pool *pool, const struct detect *d)
{
	struct detect_scratch *sc;
	int e;

	if ((e = pthread_mutex_lock(&pool->lock)) != 0)
		log_panic("detect: pthread_mutex_lock: error %d", e);
	if ((sc = pool->free) != NULL)
		pool->free = sc->next;
	if ((e = pthread_mutex_unlock(&pool->lock)) != 0)
		log_panic("detect: pthread_mutex_unlock: error %d", e);
	if (sc != NULL)
		return sc;
	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	token_list_init(&sc->tl);
	if (d != NULL && declared_scratch(d, sc) == -1) {
		scratch_free(sc);
		errno = ENOMEM;
		return NULL;
	}
	return sc;
}

/*
 * KEEP_TOKENS, KEEP_BYTES - the largest token list a scratch area keeps
 * between scans (2 MiB of tokens, 1 MiB of folded text: an ordinary
 * message's texts). A larger one, grown for a big attachment, is freed:
 * every thread's scratch would otherwise hold the largest text it ever
 * met (a 8 MiB text of one-letter words takes 128 MiB of tokens).
 */
#define KEEP_TOKENS 65536
#define KEEP_BYTES (1024 * 1024)

/* pool_put - give sc back */
static void
pool_put(struct detect_pool *pool, struct detect_scratch *sc)
{
	int e;

	if (sc->tl.cap > KEEP_TOKENS || sc->tl.fcap > KEEP_BYTES)
		token_list_free(&sc->tl);

	if ((e = pthread_mutex_lock(&pool->lock)) != 0)
		log_panic("detect: pthread_mutex_lock: error %d", e);
	sc->next = pool->free;
	pool->free = sc;
	if ((e = pthread_mutex_unlock(&pool->lock)) != 0)
		log_panic("detect: pthread_mutex_unlock: error %d", e);
}

/* --- results -------------------------------------------------------------- */

struct detect_result {
	struct detect_hit *hits;
	size_t n, cap;
};

/* cmp_str - strcmp() for qsort over const char * */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
result_add(struct detect_result *res, const char *detector, size_t text,
    size_t matches, const char **students, size_t nstudents,
    const char *evidence)
{
	struct detect_hit *h;
	const char **st = NULL;
	char *ev;
	size_t i, n = 0;

	if (grow_array((void **)&res->hits, &res->cap, res->n,
	        sizeof(*res->hits), 1) == -1)
		return -1;
	if (nstudents > 0) {
		if ((st = malloc(nstudents * sizeof(*st))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(st, students, nstudents * sizeof(*st));
		qsort(st, nstudents, sizeof(*st), cmp_str);
		for (i = 0; i < nstudents; i++)
			if (n == 0 || strcmp(st[n - 1], st[i]) != 0)
				st[n++] = st[i];
	}
	if ((ev = strdup(evidence)) == NULL) {
		free(st);
		errno = ENOMEM;
		return -1;
	}
	h = &res->hits[res->n++];
	h->detector = detector;
	h->text = text;
	h->matches = matches;
	h->students = st;
	h->nstudents = n;
	h->evidence = ev;
	return 0;
}

void
detect_result_free(struct detect_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->n; i++) {
		free((void *)(uintptr_t)res->hits[i].students);
		free((void *)(uintptr_t)res->hits[i].evidence);
	}
	free(res->hits);
	free(res);
}

size_t
detect_hit_count(const struct detect_result *res)
{
	return res->n;
}

const struct detect_hit *
detect_hit(const struct detect_result *res, size_t i)
{
	return i < res->n ? &res->hits[i] : NULL;
}

size_t
utf8_prefix(const char *s, size_t slen, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, len;

	for (k = 0; k < n && i < slen; k++) {
		/* whole characters only; a control byte or a broken
		 * sequence ends the prefix */
		if (u[i] < 0x80)
			len = u[i] >= 0x20 && u[i] != 0x7f ? 1 : 0;
		else
			len = utf8_seq(u + i, slen - i, NULL);
		if (len == 0)
			break;
		i += len;
	}
	return i;
}

void
evidence_prefix(char *dst, const char *s, size_t slen, size_t n)
{
	size_t i = utf8_prefix(s, slen, n);

	memcpy(dst, s, i);
	memcpy(dst + i, "\xe2\x80\xa6", 4); /* "…" and the NUL */
}

/* --- the scan ---------------------------------------------------------------
 */

int
detect_scan(struct detect_result **out, const struct detect *d,
    const struct detect_roster *dr, const struct detect_text *texts,
    size_t ntexts)
{
	struct detect_result *res;
	struct detect_pool *pool = NULL;
	struct detect_scratch *sc = NULL;
	size_t i;
	int e = 0;

	if ((res = calloc(1, sizeof(*res))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (d != NULL)
		pool = declared_pool(d);
	else if (dr != NULL)
		pool = students_pool(dr);
	if (pool != NULL && (sc = pool_get(pool, d)) == NULL) {
		detect_result_free(res);
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < ntexts && e == 0; i++) {
		const struct detect_text *t = &texts[i];

		if (dr != NULL || d != NULL) {
			if (token_scan(&sc->tl, t->text, t->len) == -1) {
				e = errno;
				break;
			}
		}
		if (dr != NULL &&
		    students_scan(res, dr, &sc->tl, t->text, t->len, i) == -1)
			e = errno;
		else if (d != NULL &&
		    declared_scan(res, d, sc, t->text, t->len, i) == -1)
			e = errno;
	}
	if (sc != NULL)
		pool_put(pool, sc);
	if (e != 0) {
		detect_result_free(res);
		errno = e;
		return -1;
	}
	*out = res;
	return 0;
}
