/*
 * token.c - the tokenizer the detectors share (see token.h)
 *
 * One pass over the bytes: ASCII through a class table, other code points
 * decoded with utf8_seq(). Folding, the shape and the hash are computed
 * as the word is copied, so a word is touched once.
 */
#include "autoconf.h"

#include <errno.h>
#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "token.h"
#include "utf8.h"

/* le64 - the 8 bytes at p as a little-endian number */
static inline uint64_t
le64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* hash_mix - hash_bytes() once the last partial chunk (tail, the
 * little-endian value of the n % 8 last bytes) is known */
static inline uint64_t
hash_mix(uint64_t h, uint64_t tail, size_t rest)
{
	if (rest > 0) {
		h = (h ^ tail) * 0x94d049bb133111ebULL;
		h ^= h >> 29;
	}
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* hash_chunks - the hash of the whole 8-byte chunks of p[0..n) */
static inline uint64_t
hash_chunks(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

	for (; n >= 8; p += 8, n -= 8) {
		h = (h ^ le64(p)) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	return h;
}

/* hash_padded - a word-at-a-time hash (splitmix-like mixing, the high
 * bits as good as the low ones: the detectors' filters take bits 40
 * up) of p[0..n), which may be read up to 8 bytes past its end */
static inline uint64_t
hash_padded(const char *p, size_t n)
{
	uint64_t h = hash_chunks(p, n);
	size_t rest = n % 8;

	return hash_mix(h,
	    rest > 0 ? le64(p + n - rest) & ((1ULL << (8 * rest)) - 1) : 0,
	    rest);
}

/* PAD - bytes the folded buffer keeps past its end for hash_padded() */
#define PAD 8

/* ASCII classes */
enum {
	C_OTHER = 0, /* punctuation that separates */
	C_LOWER,
	C_UPPER,
	C_DIGIT,
	C_SPACE,
	C_TAB,
	C_NEWLINE,
	C_COMMA,
	C_JOIN, /* hyphen, apostrophe */
};

static unsigned char ascii_class[128];
/* an ASCII letter or digit as it folds; 0 for other bytes */
static unsigned char ascii_fold[128];

/* The case of a folded letter: upper, lower, none. */
#define U 1
#define L 2
#define N 0

/* Folding of U+00C0..U+024F (Latin-1, Latin Extended-A and -B) and
 * U+1E00..U+1EFF (Latin Extended Additional: Vietnamese and others): the
 * ASCII letters a letter compares as ("" keeps it as written), and its
 * case. U+00D7 and U+00F7 (multiplication, division) are not letters. */
struct fold {
	char fold[3];
	unsigned char kase;
};

/* the tables read best six entries a line */
/* clang-format off */
static const struct fold latin[0x250 - 0xC0] = {
    /* U+00C0 */ {"a", U}, {"a", U}, {"a", U}, {"a", U}, {"a", U}, {"a", U},
    /* U+00C6 */ {"ae", U}, {"c", U}, {"e", U}, {"e", U}, {"e", U}, {"e", U},
    /* U+00CC */ {"i", U}, {"i", U}, {"i", U}, {"i", U}, {"d", U}, {"n", U},
    /* U+00D2 */ {"o", U}, {"o", U}, {"o", U}, {"o", U}, {"o", U}, {"", N},
    /* U+00D8 */ {"o", U}, {"u", U}, {"u", U}, {"u", U}, {"u", U}, {"y", U},
    /* U+00DE */ {"th", U}, {"ss", L}, {"a", L}, {"a", L}, {"a", L}, {"a", L},
    /* U+00E4 */ {"a", L}, {"a", L}, {"ae", L}, {"c", L}, {"e", L}, {"e", L},
    /* U+00EA */ {"e", L}, {"e", L}, {"i", L}, {"i", L}, {"i", L}, {"i", L},
    /* U+00F0 */ {"d", L}, {"n", L}, {"o", L}, {"o", L}, {"o", L}, {"o", L},
    /* U+00F6 */ {"o", L}, {"", N}, {"o", L}, {"u", L}, {"u", L}, {"u", L},
    /* U+00FC */ {"u", L}, {"y", L}, {"th", L}, {"y", L}, {"a", U}, {"a", L},
    /* U+0102 */ {"a", U}, {"a", L}, {"a", U}, {"a", L}, {"c", U}, {"c", L},
    /* U+0108 */ {"c", U}, {"c", L}, {"c", U}, {"c", L}, {"c", U}, {"c", L},
    /* U+010E */ {"d", U}, {"d", L}, {"d", U}, {"d", L}, {"e", U}, {"e", L},
    /* U+0114 */ {"e", U}, {"e", L}, {"e", U}, {"e", L}, {"e", U}, {"e", L},
    /* U+011A */ {"e", U}, {"e", L}, {"g", U}, {"g", L}, {"g", U}, {"g", L},
    /* U+0120 */ {"g", U}, {"g", L}, {"g", U}, {"g", L}, {"h", U}, {"h", L},
    /* U+0126 */ {"h", U}, {"h", L}, {"i", U}, {"i", L}, {"i", U}, {"i", L},
    /* U+012C */ {"i", U}, {"i", L}, {"i", U}, {"i", L}, {"i", U}, {"i", L},
    /* U+0132 */ {"ij", U}, {"ij", L}, {"j", U}, {"j", L}, {"k", U}, {"k", L},
    /* U+0138 */ {"k", L}, {"l", U}, {"l", L}, {"l", U}, {"l", L}, {"l", U},
    /* U+013E */ {"l", L}, {"l", U}, {"l", L}, {"l", U}, {"l", L}, {"n", U},
    /* U+0144 */ {"n", L}, {"n", U}, {"n", L}, {"n", U}, {"n", L}, {"n", L},
    /* U+014A */ {"n", U}, {"n", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+0150 */ {"o", U}, {"o", L}, {"oe", U}, {"oe", L}, {"r", U}, {"r", L},
    /* U+0156 */ {"r", U}, {"r", L}, {"r", U}, {"r", L}, {"s", U}, {"s", L},
    /* U+015C */ {"s", U}, {"s", L}, {"s", U}, {"s", L}, {"s", U}, {"s", L},
    /* U+0162 */ {"t", U}, {"t", L}, {"t", U}, {"t", L}, {"t", U}, {"t", L},
    /* U+0168 */ {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"u", U}, {"u", L},
    /* U+016E */ {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"u", U}, {"u", L},
    /* U+0174 */ {"w", U}, {"w", L}, {"y", U}, {"y", L}, {"y", U}, {"z", U},
    /* U+017A */ {"z", L}, {"z", U}, {"z", L}, {"z", U}, {"z", L}, {"s", L},
    /* U+0180 */ {"b", L}, {"b", U}, {"", U}, {"", L}, {"", U}, {"", L},
    /* U+0186 */ {"", U}, {"c", U}, {"c", L}, {"d", U}, {"d", U}, {"", U},
    /* U+018C */ {"", L}, {"", L}, {"", U}, {"", U}, {"", U}, {"f", U},
    /* U+0192 */ {"f", L}, {"g", U}, {"", U}, {"", L}, {"", U}, {"i", U},
    /* U+0198 */ {"k", U}, {"k", L}, {"l", L}, {"", L}, {"", U}, {"n", U},
    /* U+019E */ {"n", L}, {"o", U}, {"o", U}, {"o", L}, {"", U}, {"", L},
    /* U+01A4 */ {"p", U}, {"p", L}, {"", U}, {"", U}, {"", L}, {"", U},
    /* U+01AA */ {"", L}, {"t", L}, {"t", U}, {"t", L}, {"t", U}, {"u", U},
    /* U+01B0 */ {"u", L}, {"", U}, {"v", U}, {"y", U}, {"y", L}, {"z", U},
    /* U+01B6 */ {"z", L}, {"", U}, {"", U}, {"", L}, {"", L}, {"", N},
    /* U+01BC */ {"", U}, {"", L}, {"", L}, {"", L}, {"", N}, {"", N},
    /* U+01C2 */ {"", N}, {"", N}, {"dz", U}, {"dz", N}, {"dz", L}, {"lj", U},
    /* U+01C8 */ {"lj", N}, {"lj", L}, {"nj", U}, {"nj", N}, {"nj", L}, {"a", U},
    /* U+01CE */ {"a", L}, {"i", U}, {"i", L}, {"o", U}, {"o", L}, {"u", U},
    /* U+01D4 */ {"u", L}, {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"u", U},
    /* U+01DA */ {"u", L}, {"u", U}, {"u", L}, {"", L}, {"a", U}, {"a", L},
    /* U+01E0 */ {"a", U}, {"a", L}, {"ae", U}, {"ae", L}, {"g", U}, {"g", L},
    /* U+01E6 */ {"g", U}, {"g", L}, {"k", U}, {"k", L}, {"o", U}, {"o", L},
    /* U+01EC */ {"o", U}, {"o", L}, {"", U}, {"", L}, {"j", L}, {"dz", U},
    /* U+01F2 */ {"dz", N}, {"dz", L}, {"g", U}, {"g", L}, {"", U}, {"", U},
    /* U+01F8 */ {"n", U}, {"n", L}, {"a", U}, {"a", L}, {"ae", U}, {"ae", L},
    /* U+01FE */ {"o", U}, {"o", L}, {"a", U}, {"a", L}, {"a", U}, {"a", L},
    /* U+0204 */ {"e", U}, {"e", L}, {"e", U}, {"e", L}, {"i", U}, {"i", L},
    /* U+020A */ {"i", U}, {"i", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+0210 */ {"r", U}, {"r", L}, {"r", U}, {"r", L}, {"u", U}, {"u", L},
    /* U+0216 */ {"u", U}, {"u", L}, {"s", U}, {"s", L}, {"t", U}, {"t", L},
    /* U+021C */ {"", U}, {"", L}, {"h", U}, {"h", L}, {"", U}, {"", L},
    /* U+0222 */ {"", U}, {"", L}, {"", U}, {"", L}, {"a", U}, {"a", L},
    /* U+0228 */ {"e", U}, {"e", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+022E */ {"o", U}, {"o", L}, {"o", U}, {"o", L}, {"y", U}, {"y", L},
    /* U+0234 */ {"", L}, {"", L}, {"", L}, {"", L}, {"", L}, {"", L},
    /* U+023A */ {"a", U}, {"c", U}, {"c", L}, {"l", U}, {"t", U}, {"", L},
    /* U+0240 */ {"", L}, {"", U}, {"", L}, {"b", U}, {"", U}, {"", U},
    /* U+0246 */ {"e", U}, {"e", L}, {"j", U}, {"j", L}, {"", U}, {"", L},
    /* U+024C */ {"r", U}, {"r", L}, {"y", U}, {"y", L},
};

static const struct fold latin_add[0x100] = {
    /* U+1E00 */ {"a", U}, {"a", L}, {"b", U}, {"b", L}, {"b", U}, {"b", L},
    /* U+1E06 */ {"b", U}, {"b", L}, {"c", U}, {"c", L}, {"d", U}, {"d", L},
    /* U+1E0C */ {"d", U}, {"d", L}, {"d", U}, {"d", L}, {"d", U}, {"d", L},
    /* U+1E12 */ {"d", U}, {"d", L}, {"e", U}, {"e", L}, {"e", U}, {"e", L},
    /* U+1E18 */ {"e", U}, {"e", L}, {"e", U}, {"e", L}, {"e", U}, {"e", L},
    /* U+1E1E */ {"f", U}, {"f", L}, {"g", U}, {"g", L}, {"h", U}, {"h", L},
    /* U+1E24 */ {"h", U}, {"h", L}, {"h", U}, {"h", L}, {"h", U}, {"h", L},
    /* U+1E2A */ {"h", U}, {"h", L}, {"i", U}, {"i", L}, {"i", U}, {"i", L},
    /* U+1E30 */ {"k", U}, {"k", L}, {"k", U}, {"k", L}, {"k", U}, {"k", L},
    /* U+1E36 */ {"l", U}, {"l", L}, {"l", U}, {"l", L}, {"l", U}, {"l", L},
    /* U+1E3C */ {"l", U}, {"l", L}, {"m", U}, {"m", L}, {"m", U}, {"m", L},
    /* U+1E42 */ {"m", U}, {"m", L}, {"n", U}, {"n", L}, {"n", U}, {"n", L},
    /* U+1E48 */ {"n", U}, {"n", L}, {"n", U}, {"n", L}, {"o", U}, {"o", L},
    /* U+1E4E */ {"o", U}, {"o", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+1E54 */ {"p", U}, {"p", L}, {"p", U}, {"p", L}, {"r", U}, {"r", L},
    /* U+1E5A */ {"r", U}, {"r", L}, {"r", U}, {"r", L}, {"r", U}, {"r", L},
    /* U+1E60 */ {"s", U}, {"s", L}, {"s", U}, {"s", L}, {"s", U}, {"s", L},
    /* U+1E66 */ {"s", U}, {"s", L}, {"s", U}, {"s", L}, {"t", U}, {"t", L},
    /* U+1E6C */ {"t", U}, {"t", L}, {"t", U}, {"t", L}, {"t", U}, {"t", L},
    /* U+1E72 */ {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"u", U}, {"u", L},
    /* U+1E78 */ {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"v", U}, {"v", L},
    /* U+1E7E */ {"v", U}, {"v", L}, {"w", U}, {"w", L}, {"w", U}, {"w", L},
    /* U+1E84 */ {"w", U}, {"w", L}, {"w", U}, {"w", L}, {"w", U}, {"w", L},
    /* U+1E8A */ {"x", U}, {"x", L}, {"x", U}, {"x", L}, {"y", U}, {"y", L},
    /* U+1E90 */ {"z", U}, {"z", L}, {"z", U}, {"z", L}, {"z", U}, {"z", L},
    /* U+1E96 */ {"h", L}, {"t", L}, {"w", L}, {"y", L}, {"", L}, {"", L},
    /* U+1E9C */ {"", L}, {"", L}, {"ss", U}, {"", L}, {"a", U}, {"a", L},
    /* U+1EA2 */ {"a", U}, {"a", L}, {"a", U}, {"a", L}, {"a", U}, {"a", L},
    /* U+1EA8 */ {"a", U}, {"a", L}, {"a", U}, {"a", L}, {"a", U}, {"a", L},
    /* U+1EAE */ {"a", U}, {"a", L}, {"a", U}, {"a", L}, {"a", U}, {"a", L},
    /* U+1EB4 */ {"a", U}, {"a", L}, {"a", U}, {"a", L}, {"e", U}, {"e", L},
    /* U+1EBA */ {"e", U}, {"e", L}, {"e", U}, {"e", L}, {"e", U}, {"e", L},
    /* U+1EC0 */ {"e", U}, {"e", L}, {"e", U}, {"e", L}, {"e", U}, {"e", L},
    /* U+1EC6 */ {"e", U}, {"e", L}, {"i", U}, {"i", L}, {"i", U}, {"i", L},
    /* U+1ECC */ {"o", U}, {"o", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+1ED2 */ {"o", U}, {"o", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+1ED8 */ {"o", U}, {"o", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+1EDE */ {"o", U}, {"o", L}, {"o", U}, {"o", L}, {"o", U}, {"o", L},
    /* U+1EE4 */ {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"u", U}, {"u", L},
    /* U+1EEA */ {"u", U}, {"u", L}, {"u", U}, {"u", L}, {"u", U}, {"u", L},
    /* U+1EF0 */ {"u", U}, {"u", L}, {"y", U}, {"y", L}, {"y", U}, {"y", L},
    /* U+1EF6 */ {"y", U}, {"y", L}, {"y", U}, {"y", L}, {"", U}, {"", L},
    /* U+1EFC */ {"", U}, {"", L}, {"", U}, {"", L},
};
/* clang-format on */

#undef U
#undef L
#undef N

/* fill_classes - fill ascii_class and ascii_fold, once */
static void
fill_classes(void)
{
	int c;

	for (c = 0; c < 128; c++) {
		if (c >= 'a' && c <= 'z')
			ascii_class[c] = C_LOWER;
		else if (c >= 'A' && c <= 'Z')
			ascii_class[c] = C_UPPER;
		else if (c >= '0' && c <= '9')
			ascii_class[c] = C_DIGIT;
		else if (c == ' ' || c == '\f' || c == '\v')
			ascii_class[c] = C_SPACE;
		else if (c == '\t')
			ascii_class[c] = C_TAB;
		else if (c == '\n' || c == '\r')
			ascii_class[c] = C_NEWLINE;
		else if (c == ',')
			ascii_class[c] = C_COMMA;
		else if (c == '-' || c == '\'')
			ascii_class[c] = C_JOIN;
		else
			ascii_class[c] = C_OTHER;
		if (ascii_class[c] == C_UPPER)
			ascii_fold[c] = (unsigned char)(c + 'a' - 'A');
		else if (ascii_class[c] == C_LOWER || ascii_class[c] == C_DIGIT)
			ascii_fold[c] = (unsigned char)c;
	}
}

/* cp_class - the class of a code point from U+0080 up */
static int
cp_class(unsigned long cp)
{
	if (cp == 0xA0 || cp == 0x202F || (cp >= 0x2000 && cp <= 0x200A))
		return C_SPACE;
	if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
		return C_NEWLINE;
	if (cp == 0x2019 || cp == 0x2010 || cp == 0x2011)
		return C_JOIN;
	if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 ||
	    (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF20) ||
	    cp == 0xFEFF || cp >= 0x1F000)
		return C_OTHER;
	return C_LOWER; /* a letter; its case is looked up when folded */
}

/* sep_add - the separator state after one more separating character of
 * class cls (byte c when it is ASCII punctuation, else 0) */
static inline void
sep_add(unsigned char *sep, unsigned char *sepc, int *npunct, int cls, int c)
{
	switch (cls) {
	case C_SPACE:
		if (*sep == TOKEN_SEP_START)
			*sep = TOKEN_SEP_SPACE;
		return;
	case C_NEWLINE:
		*sep = TOKEN_SEP_NEWLINE;
		return;
	case C_TAB:
		if (*sep == TOKEN_SEP_START || *sep == TOKEN_SEP_SPACE ||
		    *sep == TOKEN_SEP_TAB)
			*sep = TOKEN_SEP_TAB;
		else if (*sep != TOKEN_SEP_NEWLINE)
			*sep = TOKEN_SEP_OTHER;
		return;
	default:
		break;
	}
	/* punctuation */
	*sepc = ++*npunct == 1 && c != 0 ? (unsigned char)c : 0;
	if (*sep == TOKEN_SEP_NEWLINE)
		return;
	if (cls == C_COMMA &&
	    (*sep == TOKEN_SEP_START || *sep == TOKEN_SEP_SPACE))
		*sep = TOKEN_SEP_COMMA;
	else if (cls == C_JOIN && *sep == TOKEN_SEP_START && *npunct == 1)
		*sep = TOKEN_SEP_JOIN;
	else
		*sep = TOKEN_SEP_OTHER;
}

/*
 * ascii_run - copy, folded, the run of ASCII letters and digits at
 * s[*i] on to f[*fo], 16 bytes at a time, counting its capitals and
 * small letters; stops at the run's end or where fewer than 16 bytes
 * are left (the caller's byte loop goes on from there). f has room:
 * the folded text is never longer than the text.
 */
static inline void
ascii_run(const unsigned char *s, size_t len, size_t *i, char *f, size_t *fo,
    size_t *upper, size_t *lower)
{
#ifdef __SSE2__
	const __m128i x20 = _mm_set1_epi8(0x20);
	const __m128i a_off = _mm_set1_epi8((char)(128 - 'a'));
	const __m128i a_lim = _mm_set1_epi8((char)(-128 + 26));
	const __m128i d_off = _mm_set1_epi8((char)(128 - '0'));
	const __m128i d_lim = _mm_set1_epi8((char)(-128 + 10));

	while (*i + 16 <= len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + *i));
		__m128i lc = _mm_or_si128(v, x20);
		__m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(lc, a_off), a_lim);
		__m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, d_off), d_lim);
		__m128i up = _mm_andnot_si128(_mm_cmpeq_epi8(lc, v), alpha);
		unsigned word, stop, run, m;

		word = (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit));
		stop = ~word & 0xffff;
		run = stop != 0 ? (unsigned)__builtin_ctz(stop) : 16;
		m = run == 16 ? 0xffff : (1u << run) - 1;
		_mm_storeu_si128((__m128i *)(f + *fo),
		    _mm_or_si128(v, _mm_and_si128(up, x20)));
		*upper += (size_t)__builtin_popcount(
		    (unsigned)_mm_movemask_epi8(up) & m);
		*lower += (size_t)__builtin_popcount(
		    (unsigned)_mm_movemask_epi8(_mm_andnot_si128(up, alpha)) &
		    m);
		*fo += run;
		*i += run;
		if (run < 16)
			return;
	}
#else
	(void)s;
	(void)len;
	(void)i;
	(void)f;
	(void)fo;
	(void)upper;
	(void)lower;
#endif
}

void
token_list_init(struct token_list *tl)
{
	memset(tl, 0, sizeof(*tl));
}

void
token_list_free(struct token_list *tl)
{
	free(tl->v);
	free(tl->folded);
	memset(tl, 0, sizeof(*tl));
}

/* grow - room for one more token; -1 on ENOMEM */
static int
grow(struct token_list *tl)
{
	struct token *v;
	size_t cap;

	if (tl->n < tl->cap)
		return 0;
	cap = tl->cap == 0 ? 256 : tl->cap * 2;
	if (cap > SIZE_MAX / sizeof(*v) ||
	    (v = realloc(tl->v, cap * sizeof(*v))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	tl->v = v;
	tl->cap = cap;
	return 0;
}

/* init_classes - the tables, filled by the first caller */
static void
init_classes(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, fill_classes);
}

int
token_scan(struct token_list *tl, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned char sep = TOKEN_SEP_START, sepc = 0;
	int npunct = 0, cls;
	unsigned long cp;
	size_t i = 0, n, fo = 0;
	char *f;

	init_classes();
	tl->n = 0;
	tl->invalid = 0;
	if (len >= UINT32_MAX - PAD) {
		errno = EFBIG;
		return -1;
	}
	/* the folded form is never longer than the text */
	if (tl->fcap < len + PAD) {
		if ((f = realloc(tl->folded, len + PAD)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		memset(f + len, 0, PAD);
		tl->folded = f;
		tl->fcap = len + PAD;
	}
	f = tl->folded;
	while (i < len) {
		struct token *t;
		size_t upper = 0, lower = 0, start = i, fstart = fo;
		int first;

		if (s[i] < 0x80) {
			cls = ascii_class[s[i]];
			n = 1;
			if (cls >= C_SPACE || cls == C_OTHER) {
				sep_add(&sep, &sepc, &npunct, cls, s[i]);
				i++;
				continue;
			}
		} else if ((n = utf8_seq(s + i, len - i, &cp)) == 0) {
			tl->invalid++;
			sep_add(&sep, &sepc, &npunct, C_OTHER, 0);
			i++;
			continue;
		} else if ((cls = cp_class(cp)) != C_LOWER) {
			sep_add(&sep, &sepc, &npunct, cls, 0);
			i += n;
			continue;
		}
		/* a word starts at i */
		if (tl->n == tl->cap && grow(tl) == -1)
			return -1;
		first = -1; /* the case of the first character */
		if (s[i] < 0x80)
			first = ascii_class[s[i]];
		while (i < len) {
			const struct fold *fl;
			int c = s[i], k;

			/* the common case: a run of ASCII letters and digits,
			 * 16 bytes at a time where SSE2 is there */
			if (c < 0x80 && ascii_fold[c] != 0)
				ascii_run(s, len, &i, f, &fo, &upper, &lower);
			if (i == len)
				break;
			c = s[i];
			while (c < 0x80 && ascii_fold[c] != 0) {
				f[fo++] = (char)ascii_fold[c];
				upper += ascii_class[c] == C_UPPER;
				lower += ascii_class[c] == C_LOWER;
				if (++i == len)
					break;
				c = s[i];
			}
			if (i == len)
				break;
			if (c < 0x80) {
				k = ascii_class[c];
				if (k == C_LOWER) {
					lower++;
				} else if (k == C_UPPER) {
					upper++;
					c += 'a' - 'A';
				} else if (k != C_DIGIT)
					break;
				if (first == -1)
					first = k;
				f[fo++] = (char)c;
				i++;
				continue;
			}
			if ((n = utf8_seq(s + i, len - i, &cp)) == 0 ||
			    cp_class(cp) != C_LOWER)
				break;
			k = C_OTHER;
			fl = cp >= 0xC0 && cp < 0x250 ?
			    &latin[cp - 0xC0] :
			    cp >= 0x1E00 && cp < 0x1F00 ?
			    &latin_add[cp - 0x1E00] :
			    NULL;
			if (fl != NULL) {
				k = fl->kase == 1 ? C_UPPER :
				    fl->kase == 2 ? C_LOWER :
				                    C_OTHER;
				upper += k == C_UPPER;
				lower += k == C_LOWER;
			}
			if (fl != NULL && fl->fold[0] != '\0') {
				const char *p;

				for (p = fl->fold; *p != '\0'; p++)
					f[fo++] = *p;
			} else {
				size_t j;

				for (j = 0; j < n; j++)
					f[fo++] = (char)s[i + j];
			}
			if (first == -1)
				first = k;
			i += n;
		}
		t = &tl->v[tl->n++];
		t->off = start;
		t->len = (uint32_t)(i - start);
		t->foff = (uint32_t)fstart;
		t->flen = (uint32_t)(fo - fstart);
		t->hash = hash_padded(f + fstart, fo - fstart);
		t->sep = sep;
		t->sepc = sepc;
		if (first == C_DIGIT)
			t->shape = TOKEN_NUMBER;
		else if (first == C_LOWER)
			t->shape = TOKEN_LOWER;
		else if (first == C_UPPER && lower == 0 && upper >= 2)
			t->shape = TOKEN_UPPER;
		else
			t->shape = TOKEN_CAPITAL;
		sep = TOKEN_SEP_START;
		sepc = 0;
		npunct = 0;
	}
	f[fo] = '\0';
	return 0;
}

uint64_t
token_hash(const char *folded, size_t len)
{
	size_t rest = len % 8, k;
	uint64_t tail = 0;

	for (k = 0; k < rest; k++)
		tail |= (uint64_t)(unsigned char)folded[len - rest + k]
		    << (8 * k);
	return hash_mix(hash_chunks(folded, len), tail, rest);
}

const char *
token_folded(const struct token_list *tl, const struct token *t)
{
	return tl->folded + t->foff;
}
