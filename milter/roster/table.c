/*
 * table.c - the roster's containers: a bump arena for strings, an
 * open-addressing string map, growable index vectors, small parsers
 *
 * Arena chunks come straight from mmap(), not malloc(): the scratch arena
 * of a load (the raw export, several times the size of the directory)
 * is then given back to the system when the load ends, instead of
 * staying in the heap of a long-running daemon.
 *
 * The map uses FNV-1a and linear probing at most 70% full. Its keys are
 * the district's own export data, not mail, so a keyed hash buys little;
 * lookups with hostile addresses cost one probe sequence each.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "roster_int.h"

#define ARENA_CHUNK (1024 * 1024)
#define ARENA_ALIGN 8

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	/* data follows, aligned */
};

#define CHUNK_HEAD                                        \
	((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & \
	    ~(size_t)(ARENA_ALIGN - 1))

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t size;
	char *p;

	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	if (a->head == NULL || n > a->cap - a->used) {
		size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK - CHUNK_HEAD;
		if (size > SIZE_MAX - CHUNK_HEAD)
			return NULL;
		c = mmap(NULL, CHUNK_HEAD + size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			return NULL;
		c->size = size;
		if (n > ARENA_CHUNK / 4 && a->head != NULL) {
			/* a large block gets its own chunk behind the
			 * current one, which stays open for small ones */
			c->next = a->head->next;
			a->head->next = c;
			a->total += size;
			return (char *)c + CHUNK_HEAD;
		}
		c->next = a->head;
		a->head = c;
		a->used = 0;
		a->cap = size;
		a->total += size;
	}
	p = (char *)a->head + CHUNK_HEAD + a->used;
	a->used += n;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX || (p = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		(void)munmap(c, CHUNK_HEAD + c->size);
	}
	memset(a, 0, sizeof(*a));
}

/* hash - FNV-1a of s[0..len) */
static uint32_t
hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* strmap_grow - double the table (or make the first one) */
static int
strmap_grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots, *ns;
	size_t oldcap = m->cap, cap, i, j;

	cap = oldcap == 0 ? 64 : oldcap * 2;
	if (cap > SIZE_MAX / sizeof(*ns))
		return -1;
	if ((ns = calloc(cap, sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = old[i].hash & (cap - 1); ns[j].key != NULL;
		     j = (j + 1) & (cap - 1))
			;
		ns[j] = old[i];
	}
	free(old);
	m->slots = ns;
	m->cap = cap;
	return 0;
}

uint32_t *
strmap_ref(struct strmap *m, const char *key, int *isnew)
{
	size_t len = strlen(key), j;
	uint32_t h = hash(key, len);

	*isnew = 0;
	if ((m->n + 1) * 10 > m->cap * 7 && strmap_grow(m) < 0)
		return NULL;
	for (j = h & (m->cap - 1); m->slots[j].key != NULL;
	     j = (j + 1) & (m->cap - 1))
		if (m->slots[j].hash == h && strcmp(m->slots[j].key, key) == 0)
			return &m->slots[j].val;
	m->slots[j].key = key;
	m->slots[j].hash = h;
	m->slots[j].val = RI_NONE;
	m->n++;
	*isnew = 1;
	return &m->slots[j].val;
}

uint32_t
strmap_getn(const struct strmap *m, const char *key, size_t len)
{
	uint32_t h;
	size_t j;

	if (m->cap == 0)
		return RI_NONE;
	h = hash(key, len);
	for (j = h & (m->cap - 1); m->slots[j].key != NULL;
	     j = (j + 1) & (m->cap - 1))
		if (m->slots[j].hash == h &&
		    strncmp(m->slots[j].key, key, len) == 0 &&
		    m->slots[j].key[len] == '\0')
			return m->slots[j].val;
	return RI_NONE;
}

uint32_t
strmap_get(const struct strmap *m, const char *key)
{
	return strmap_getn(m, key, strlen(key));
}

void
strmap_clear(struct strmap *m)
{
	if (m->slots != NULL)
		memset(m->slots, 0, m->cap * sizeof(*m->slots));
	m->n = 0;
}

void
strmap_free(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

int
u32vec_push(struct u32vec *v, uint32_t x)
{
	uint32_t *p;
	size_t cap;

	if (v->n == v->cap) {
		cap = v->cap == 0 ? 64 : v->cap * 2;
		if (cap > SIZE_MAX / sizeof(*p) ||
		    (p = realloc(v->v, cap * sizeof(*p))) == NULL)
			return -1;
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return 0;
}

void
u32vec_free(struct u32vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

int
u64vec_push(struct u64vec *v, uint64_t x)
{
	uint64_t *p;
	size_t cap;

	if (v->n == v->cap) {
		cap = v->cap == 0 ? 64 : v->cap * 2;
		if (cap > SIZE_MAX / sizeof(*p) ||
		    (p = realloc(v->v, cap * sizeof(*p))) == NULL)
			return -1;
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return 0;
}

/* cmp_u64 - qsort order of two uint64_t */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
u64vec_sort_unique(struct u64vec *v)
{
	size_t i, n = 0;

	if (v->n == 0)
		return;
	qsort(v->v, v->n, sizeof(*v->v), cmp_u64);
	for (i = 0; i < v->n; i++)
		if (n == 0 || v->v[n - 1] != v->v[i])
			v->v[n++] = v->v[i];
	v->n = n;
}

void
u64vec_free(struct u64vec *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}

void
ri_lower(char *dst, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] =
		    (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
}

int
ri_casecmp(const char *a, const char *b)
{
	int ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 32;
		if (cb >= 'A' && cb <= 'Z')
			cb += 32;
	} while (ca == cb && ca != '\0');
	return ca - cb;
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date
 * (H. Hinnant's algorithm) */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

int
ri_parse_date(const char *s, long *days, unsigned long *ymd)
{
	static const unsigned char mdays[] = {
	    31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned long y = 0, m = 0, d = 0;
	int i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	if (s[10] != '\0')
		return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (unsigned long)(s[i] - '0');
	m = (unsigned long)(s[5] - '0') * 10 + (unsigned long)(s[6] - '0');
	d = (unsigned long)(s[8] - '0') * 10 + (unsigned long)(s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*days = days_from_civil((long)y, (unsigned)m, (unsigned)d);
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}
