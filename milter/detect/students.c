/*
 * students.c - the student index and the built-in detectors "student"
 * and "student-record"
 *
 * The index holds students only (roles with ROSTER_STUDENT): staff,
 * guardians and their identifiers are never looked for, so a teacher's
 * signature or employee number cannot match.
 *
 * Names. A student's given and family names go through the tokenizer
 * (token.h), like the text. A name match needs both names, in one of
 * these forms (words separated by spaces; a part of several words, such
 * as "Mary Ann" or "O'Brien", must appear whole):
 *	Given Family            "Ava Lindqvist", "AVA LINDQVIST"
 *	Given Middle Family     "Ava Marie Lindqvist", "Ava M. Lindqvist"
 *	Family, Given           "Lindqvist, Ava", also "Lindqvist,Ava"
 *	Family Given            "LINDQVIST Ava", "Lindqvist Ava"
 * and a tab may stand for the space between the names (adjacent cells of
 * a spreadsheet row). Each word must be written Capitalized or in
 * capitals unless the roster itself writes it in lower case ("van",
 * "de"): "I will summer in Maine" never names Will Summer, and a single
 * name, however rare, never matches on its own. Accents and case are
 * folded (token.h). The index keys on the pair of the two parts' first
 * words, so a scan costs one probe per word and a few per capitalized
 * word that begins some student's name, whatever the roster's size.
 *
 * Identifiers. The roster's identifier column and the sourcedId, when it
 * has at least DETECT_ID_MIN characters and a digit (a short or purely
 * alphabetic value would match ordinary numbers and words), match as a
 * whole: the text must hold the very value (letters in either case)
 * starting at a word and ending where a word ends.
 *
 * Birth dates count only for a student named or identified in the same
 * text: on their own, dates of birth are everywhere (any date in a text
 * is some student's). Forms: 2014-03-07, 2014/03/07, 03/07/2014,
 * 3/7/2014, 03-07-2014 (month first, and day first too), 7 March 2014,
 * March 7, 2014 (month names in English, full or abbreviated).
 *
 * "student-record": a vocabulary term (grades, report card, IEP, 504
 * plan, attendance, ...) within DETECT_WINDOW words of a student match.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect.h"
#include "detect_int.h"
#include "roster.h"

/*
 * DETECT_WINDOW - how many words a vocabulary term and a student's name
 * may lie apart for "student-record": about two sentences of prose, or a
 * row of a spreadsheet with its header cell; wider joins a class list's
 * unrelated lines, narrower misses "Ava's report card this term shows
 * that her reading ...".
 */
#define DETECT_WINDOW 40

/* SPAN_MAX - the most words a match spans: two names of
 * DETECT_NAME_WORDS words and a middle name */
#define SPAN_MAX (2 * DETECT_NAME_WORDS + 1)

/* DETECT_ID_MIN - the shortest identifier or sourcedId looked for:
 * shorter ones (and those without a digit) are years, counts, words */
#define DETECT_ID_MIN 6

/* DETECT_ID_WORDS - the most words (runs of letters and digits) an
 * identifier may have to be looked for: "2024-S-0012-A" has four */
#define DETECT_ID_WORDS 6

/* DETECT_NAME_WORDS - the most words a given or family name may have to
 * be looked for; longer ones are cut to their first words */
#define DETECT_NAME_WORDS 4

/* What the first-word table says about a word. */
#define FIRST_NAME 0x1  /* begins a given or family name */
#define FIRST_LOWER 0x2 /* ... which the roster writes in lower case */
#define FIRST_ID 0x4    /* begins an identifier */
#define FIRST_TERM 0x8  /* begins a vocabulary term */

/* Name forms in the pair table. */
#define FORM_GF 1 /* given first */
#define FORM_FG 2 /* family first */

/* The student-record vocabulary; the form in which a hit shows it. */
static const char *const vocabulary[] = {"grade", "grades", "graded",
    "report card", "report cards", "progress report", "progress reports", "IEP",
    "IEPs", "individualized education", "individualised education", "504 plan",
    "section 504", "discipline", "disciplinary", "detention", "detentions",
    "suspension", "suspended", "expelled", "expulsion", "attendance", "absence",
    "absences", "absent", "tardy", "tardies", "truancy", "truant", "health",
    "diagnosis", "diagnosed", "medication", "medications", "allergy",
    "allergies", "allergic", "counseling", "counselling", "counselor",
    "transcript", "transcripts", "GPA", "grade point average", "test score",
    "test scores", "exam results", "behavior plan", "behaviour plan",
    "behavior intervention", "special education", "special ed",
    "learning disability", "evaluation results", "psychological evaluation",
    "incident report", "referral", "free lunch", "reduced lunch", "custody",
    "immunization", "immunisation", "accommodations", NULL};

struct dstudent {
	const char *id;      /* sourcedId, borrowed from the roster */
	const char *given;   /* as written, borrowed */
	const char *family;  /* as written, borrowed */
	unsigned long birth; /* YYYYMMDD, 0 if unknown */
	uint32_t gw, fw;     /* first given and family word in words */
	unsigned char ng, nf;
};

struct nword {
	uint64_t hash; /* htab_key()ed */
	uint32_t foff, flen;
	unsigned char lower; /* the roster writes it in lower case */
};

struct pentry {
	uint32_t student;
	uint32_t next; /* -1 at the end */
	unsigned char form;
};

struct identry {
	uint32_t student;
	uint32_t next;
	const char *value; /* borrowed from the roster */
	size_t len;
};

struct detect_roster {
	struct dstudent *st;
	size_t n;
	struct nword *words;
	size_t nwords;
	char *pool;
	size_t plen, pcap;
	struct htab first;             /* word -> FIRST_* */
	uint64_t filter[FILTER_WORDS]; /* of first */
	struct htab pairs; /* pair_key(first words) -> pentry chain */
	struct pentry *pe;
	size_t npe;
	struct htab ids; /* id_key() of its words -> identry chain */
	size_t id_words; /* the most words an identifier has */
	struct identry *ie;
	size_t nie;
	struct phrases vocab;
	struct detect_pool scratch;
	int scratch_ok;
};

void
detect_roster_free(struct detect_roster *dr)
{
	if (dr == NULL)
		return;
	free(dr->st);
	free(dr->words);
	free(dr->pool);
	free(dr->pe);
	free(dr->ie);
	htab_free(&dr->first);
	htab_free(&dr->pairs);
	htab_free(&dr->ids);
	phrases_free(&dr->vocab);
	if (dr->scratch_ok)
		pool_destroy(&dr->scratch);
	free(dr);
}

size_t
detect_roster_students(const struct detect_roster *dr)
{
	return dr == NULL ? 0 : dr->n;
}

struct detect_pool *
students_pool(const struct detect_roster *dr)
{
	return (struct detect_pool *)(uintptr_t)&dr->scratch;
}

/* first_or - add flags to word key in the first-word table */
static int
first_or(struct detect_roster *dr, uint64_t key, uint32_t flags)
{
	uint32_t v = htab_get(&dr->first, key);

	filter_set(dr->filter, key);
	return htab_put(&dr->first, key, (v == (uint32_t)-1 ? 0 : v) | flags);
}

/* add_words - the words of name into dr->words; their count in *n
 * (0: none); -1 on ENOMEM */
static int
add_words(struct detect_roster *dr, struct token_list *tl, const char *name,
    size_t *cap, uint32_t *first, unsigned char *n)
{
	size_t i, k;

	if (token_scan(tl, name, strlen(name)) == -1)
		return -1;
	k = tl->n < DETECT_NAME_WORDS ? tl->n : DETECT_NAME_WORDS;
	*first = (uint32_t)dr->nwords;
	*n = (unsigned char)k;
	if (dr->nwords + k > *cap) {
		size_t nc = *cap * 2 + k;
		struct nword *w = realloc(dr->words, nc * sizeof(*w));

		if (w == NULL)
			return -1;
		dr->words = w;
		*cap = nc;
	}
	for (i = 0; i < k; i++) {
		const struct token *t = &tl->v[i];
		struct nword *w = &dr->words[dr->nwords++];

		if (dr->plen + t->flen > dr->pcap) {
			size_t nc = dr->pcap * 2 + t->flen + 64;
			char *p = realloc(dr->pool, nc);

			if (p == NULL)
				return -1;
			dr->pool = p;
			dr->pcap = nc;
		}
		w->hash = htab_key(t->hash);
		w->foff = (uint32_t)dr->plen;
		w->flen = t->flen;
		w->lower = t->shape == TOKEN_LOWER;
		memcpy(dr->pool + dr->plen, token_folded(tl, t), t->flen);
		dr->plen += t->flen;
	}
	return 0;
}

/* add_pair - index student s under its pair (a, b) in form */
static int
add_pair(struct detect_roster *dr, size_t *cap, uint32_t s, uint64_t a,
    uint64_t b, unsigned char form)
{
	uint64_t key = pair_key(a, b);
	struct pentry *e;

	if (dr->npe == *cap) {
		size_t nc = *cap * 2 + 64;

		if ((e = realloc(dr->pe, nc * sizeof(*e))) == NULL)
			return -1;
		dr->pe = e;
		*cap = nc;
	}
	e = &dr->pe[dr->npe];
	e->student = s;
	e->form = form;
	e->next = htab_get(&dr->pairs, key);
	if (htab_put(&dr->pairs, key, (uint32_t)dr->npe) == -1)
		return -1;
	dr->npe++;
	return 0;
}

/* id_worth - 1 if an identifier is long and specific enough */
static int
id_worth(const char *v)
{
	return strlen(v) >= DETECT_ID_MIN && strpbrk(v, "0123456789") != NULL;
}

/* id_key - the key of an identifier of n words whose hashes are h[] */
static uint64_t
id_key(const struct token *v, size_t n)
{
	uint64_t k = 0x2545f4914f6cdd1dULL * n;
	size_t i;

	for (i = 0; i < n; i++)
		k = pair_key(k, v[i].hash);
	return k;
}

/* add_id - index value (an identifier of student s), keyed on all its
 * words: a first word shared by many ("s" of "s-1234") must not make a
 * long chain */
static int
add_id(struct detect_roster *dr, struct token_list *tl, size_t *cap, uint32_t s,
    const char *value)
{
	struct identry *e;
	uint64_t key;
	size_t i;

	if (!id_worth(value) || strpbrk(value, " \t\r\n") != NULL)
		return 0;
	if (token_scan(tl, value, strlen(value)) == -1)
		return -1;
	if (tl->n == 0 || tl->v[0].off != 0 || tl->n > DETECT_ID_WORDS)
		return 0; /* must begin with a word to be found at one */
	key = id_key(tl->v, tl->n);
	if (tl->n > dr->id_words)
		dr->id_words = tl->n;
	/* the same value twice for one student (identifier = sourcedId) */
	for (i = htab_get(&dr->ids, key); i != (uint32_t)-1; i = dr->ie[i].next)
		if (dr->ie[i].student == s &&
		    strcmp(dr->ie[i].value, value) == 0)
			return 0;
	if (dr->nie == *cap) {
		size_t nc = *cap * 2 + 64;

		if ((e = realloc(dr->ie, nc * sizeof(*e))) == NULL)
			return -1;
		dr->ie = e;
		*cap = nc;
	}
	e = &dr->ie[dr->nie];
	e->student = s;
	e->value = value;
	e->len = strlen(value);
	e->next = htab_get(&dr->ids, key);
	if (htab_put(&dr->ids, key, (uint32_t)dr->nie) == -1 ||
	    first_or(dr, htab_key(tl->v[0].hash), FIRST_ID) == -1)
		return -1;
	dr->nie++;
	return 0;
}

/* add_student - index person p as student number s */
static int
add_student(struct detect_roster *dr, struct token_list *tl, size_t caps[4],
    const struct roster_person *p)
{
	struct dstudent *st = &dr->st[dr->n];
	uint32_t s = (uint32_t)dr->n;
	const struct nword *g, *f;

	st->id = roster_person_id(p);
	st->given = roster_person_given(p);
	st->family = roster_person_family(p);
	st->birth = roster_person_birthdate(p);
	if (add_words(dr, tl, st->given, &caps[0], &st->gw, &st->ng) == -1 ||
	    add_words(dr, tl, st->family, &caps[0], &st->fw, &st->nf) == -1)
		return -1;
	dr->n++;
	if (st->ng > 0 && st->nf > 0) {
		g = &dr->words[st->gw];
		f = &dr->words[st->fw];
		if (add_pair(dr, &caps[1], s, g->hash, f->hash, FORM_GF) ==
		        -1 ||
		    add_pair(dr, &caps[1], s, f->hash, g->hash, FORM_FG) ==
		        -1 ||
		    first_or(dr, g->hash,
		        FIRST_NAME | (g->lower ? FIRST_LOWER : 0)) == -1 ||
		    first_or(dr, f->hash,
		        FIRST_NAME | (f->lower ? FIRST_LOWER : 0)) == -1)
			return -1;
	}
	if (add_id(dr, tl, &caps[2], s, roster_person_identifier(p)) == -1 ||
	    add_id(dr, tl, &caps[2], s, roster_person_id(p)) == -1)
		return -1;
	return 0;
}

/* build_vocabulary - the student-record terms */
static int
build_vocabulary(struct detect_roster *dr, struct token_list *tl)
{
	size_t i, k;

	phrases_init(&dr->vocab);
	for (i = 0; vocabulary[i] != NULL; i++)
		if (phrases_add(&dr->vocab, tl, vocabulary[i], (uint32_t)i) ==
		    -1)
			return -1;
	if (phrases_index(&dr->vocab) == -1)
		return -1;
	for (k = 0; k < dr->vocab.n; k++)
		if (first_or(dr, dr->vocab.words[dr->vocab.v[k].word].hash,
		        FIRST_TERM) == -1)
			return -1;
	return 0;
}

int
detect_roster_build(struct detect_roster **out, const struct roster *r)
{
	struct detect_roster *dr;
	struct token_list tl;
	size_t i, n = roster_count(r), students = 0, caps[4] = {0, 0, 0, 0};

	for (i = 0; i < n; i++)
		if (roster_person_roles(roster_person_at(r, i)) &
		    ROSTER_STUDENT)
			students++;
	token_list_init(&tl);
	if ((dr = calloc(1, sizeof(*dr))) == NULL)
		goto nomem;
	if (pool_init(&dr->scratch) == -1)
		goto nomem;
	dr->scratch_ok = 1;
	if ((dr->st = calloc(students + 1, sizeof(*dr->st))) == NULL ||
	    htab_init(&dr->first, students * 2 + 64) == -1 ||
	    htab_init(&dr->pairs, students * 2) == -1 ||
	    htab_init(&dr->ids, students * 2) == -1)
		goto nomem;
	for (i = 0; i < n; i++) {
		const struct roster_person *p = roster_person_at(r, i);

		if ((roster_person_roles(p) & ROSTER_STUDENT) &&
		    add_student(dr, &tl, caps, p) == -1)
			goto nomem;
	}
	if (build_vocabulary(dr, &tl) == -1)
		goto nomem;
	token_list_free(&tl);
	*out = dr;
	return 0;
nomem:
	token_list_free(&tl);
	detect_roster_free(dr);
	errno = ENOMEM;
	return -1;
}

/* --- scanning ---------------------------------------------------------------
 */

/* What was found of a student in a text. */
#define KIND_NAME 1
#define KIND_ID 2
#define KIND_BIRTH 3

struct smatch {
	size_t tok; /* where: its first word */
	size_t end; /* and its last */
	uint32_t student;
	unsigned char kind;
	uint32_t aux; /* KIND_ID: the identry */
};

struct sscan {
	const struct detect_roster *dr;
	const struct token_list *tl;
	const char *text;
	struct smatch *m;
	size_t nm, mcap;
	size_t *terms; /* token of each vocabulary term found */
	uint32_t *term_id;
	size_t nterms, tcap;
};

/* add_match - record a student match; -1 on ENOMEM */
static int
add_match(struct sscan *sc, size_t tok, size_t end, uint32_t s, int kind,
    uint32_t aux)
{
	if (sc->nm == sc->mcap) {
		size_t nc = sc->mcap * 2 + 16;
		struct smatch *m = realloc(sc->m, nc * sizeof(*m));

		if (m == NULL)
			return -1;
		sc->m = m;
		sc->mcap = nc;
	}
	sc->m[sc->nm].tok = tok;
	sc->m[sc->nm].end = end;
	sc->m[sc->nm].student = s;
	sc->m[sc->nm].kind = (unsigned char)kind;
	sc->m[sc->nm].aux = aux;
	sc->nm++;
	return 0;
}

/* word_is - 1 if token t is roster word w, written as a name is */
static int
word_is(const struct sscan *sc, const struct token *t, const struct nword *w)
{
	if (htab_key(t->hash) != w->hash || t->flen != w->flen ||
	    memcmp(token_folded(sc->tl, t), sc->dr->pool + w->foff, w->flen) !=
	        0)
		return 0;
	if (t->shape == TOKEN_CAPITAL || t->shape == TOKEN_UPPER)
		return 1;
	return t->shape == TOKEN_LOWER && w->lower;
}

/* part_at - 1 if the n words from w on are at token i on, joined as
 * the words of one name are */
static int
part_at(const struct sscan *sc, size_t i, uint32_t w, size_t n)
{
	size_t k;

	if (i + n > sc->tl->n)
		return 0;
	for (k = 0; k < n; k++) {
		const struct token *t = &sc->tl->v[i + k];

		if (!word_is(sc, t, &sc->dr->words[w + k]))
			return 0;
		if (k > 0 && t->sep != TOKEN_SEP_SPACE &&
		    t->sep != TOKEN_SEP_JOIN)
			return 0;
	}
	return 1;
}

/* name_at - 1 if student s is named at token i in form, its second part
 * d words on */
static int
name_at(const struct sscan *sc, const struct dstudent *s, int form, size_t i,
    size_t d)
{
	const struct token *v = sc->tl->v, *b;

	if (form == FORM_GF) {
		if (d != s->ng && d != (size_t)s->ng + 1)
			return 0;
		if (!part_at(sc, i, s->gw, s->ng) ||
		    !part_at(sc, i + d, s->fw, s->nf))
			return 0;
		b = &v[i + d];
		if (d == s->ng)
			return b->sep == TOKEN_SEP_SPACE ||
			    b->sep == TOKEN_SEP_TAB;
		/* a middle name or initial between */
		if (v[i + s->ng].sep != TOKEN_SEP_SPACE ||
		    (v[i + s->ng].shape != TOKEN_CAPITAL &&
		        v[i + s->ng].shape != TOKEN_UPPER))
			return 0;
		return b->sep == TOKEN_SEP_SPACE ||
		    (b->sep == TOKEN_SEP_OTHER && b->sepc == '.' &&
		        v[i + s->ng].flen == 1);
	}
	if (d != s->nf || !part_at(sc, i, s->fw, s->nf) ||
	    !part_at(sc, i + d, s->gw, s->ng))
		return 0;
	b = &v[i + d];
	return b->sep == TOKEN_SEP_SPACE || b->sep == TOKEN_SEP_TAB ||
	    b->sep == TOKEN_SEP_COMMA;
}

/* names_at - every student named from token i on */
static int
names_at(struct sscan *sc, size_t i, int lower_ok)
{
	const struct token *v = sc->tl->v;
	size_t d;

	if (v[i].shape == TOKEN_LOWER && !lower_ok)
		return 0;
	for (d = 1; d <= DETECT_NAME_WORDS + 1 && i + d < sc->tl->n; d++) {
		uint64_t key =
		    pair_key(htab_key(v[i].hash), htab_key(v[i + d].hash));
		uint32_t e;

		for (e = htab_get(&sc->dr->pairs, key); e != (uint32_t)-1;
		     e = sc->dr->pe[e].next) {
			const struct pentry *pe = &sc->dr->pe[e];
			const struct dstudent *s = &sc->dr->st[pe->student];

			size_t last =
			    i + d - 1 + (pe->form == FORM_GF ? s->nf : s->ng);

			if (name_at(sc, s, pe->form, i, d) &&
			    add_match(sc, i, last, pe->student, KIND_NAME, 0) ==
			        -1)
				return -1;
		}
	}
	return 0;
}

/* is_word_byte - 1 if c continues a word (ASCII letter, digit, or a
 * byte of a multi-byte character) */
static int
is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int id_at(
    struct sscan *, const struct token *, size_t, uint64_t, size_t);

/* ids_at - every identifier that starts at token i: of one word, or of
 * several joined by punctuation alone */
static int
ids_at(struct sscan *sc, size_t i, size_t len)
{
	const struct token *t = &sc->tl->v[i];
	size_t k;

	for (k = 1; k <= sc->dr->id_words && i + k <= sc->tl->n; k++) {
		uint8_t sep = k > 1 ? sc->tl->v[i + k - 1].sep : TOKEN_SEP_JOIN;

		if (sep != TOKEN_SEP_JOIN && sep != TOKEN_SEP_OTHER)
			break;
		if (id_at(sc, t, i, id_key(t, k), len) == -1)
			return -1;
	}
	return 0;
}

/* id_at - the identifiers of key that start at token t (number i) */
static int
id_at(
    struct sscan *sc, const struct token *t, size_t i, uint64_t key, size_t len)
{
	uint32_t e;

	for (e = htab_get(&sc->dr->ids, key); e != (uint32_t)-1;
	     e = sc->dr->ie[e].next) {
		const struct identry *ie = &sc->dr->ie[e];

		if (t->off + ie->len > len ||
		    strncasecmp(sc->text + t->off, ie->value, ie->len) != 0 ||
		    (t->off + ie->len < len &&
		        is_word_byte(
		            (unsigned char)sc->text[t->off + ie->len])))
			continue;
		if (add_match(sc, i, i, ie->student, KIND_ID, e) == -1)
			return -1;
	}
	return 0;
}

/* terms_at - the vocabulary terms that start at token i */
static int
terms_at(struct sscan *sc, size_t i)
{
	uint32_t p = phrases_at(&sc->dr->vocab, sc->tl, i);

	if (p == (uint32_t)-1)
		return 0;
	if (sc->nterms == sc->tcap) {
		size_t nc = sc->tcap * 2 + 16;
		size_t *t = realloc(sc->terms, nc * sizeof(*t));
		uint32_t *id;

		if (t == NULL)
			return -1;
		sc->terms = t;
		if ((id = realloc(sc->term_id, nc * sizeof(*id))) == NULL)
			return -1;
		sc->term_id = id;
		sc->tcap = nc;
	}
	sc->terms[sc->nterms] = i;
	sc->term_id[sc->nterms++] = p;
	return 0;
}

/* --- birth dates -------------------------------------------------------- */

static const char *const months[] = {"january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november",
    "december"};

/* tok_num - the value of a token of at most maxd digits, or -1 */
static long
tok_num(const struct sscan *sc, size_t i, size_t maxd)
{
	const struct token *t = &sc->tl->v[i];
	const char *f = token_folded(sc->tl, t);
	long v = 0;
	size_t k;

	if (t->flen == 0 || t->flen > maxd)
		return -1;
	for (k = 0; k < t->flen; k++) {
		if (f[k] < '0' || f[k] > '9')
			return -1;
		v = v * 10 + (f[k] - '0');
	}
	return v;
}

/* tok_month - the month (1-12) a word names ("March", "Mar", "Sept"),
 * or -1 */
static int
tok_month(const struct sscan *sc, size_t i)
{
	const struct token *t = &sc->tl->v[i];
	const char *f = token_folded(sc->tl, t);
	int m;

	if (t->flen < 3 || t->shape == TOKEN_NUMBER)
		return -1;
	for (m = 0; m < 12; m++) {
		size_t ml = strlen(months[m]);

		if ((t->flen == ml || t->flen == 3 ||
		        (m == 8 && t->flen == 4)) &&
		    t->flen <= ml && memcmp(f, months[m], t->flen) == 0)
			return m + 1;
	}
	return -1;
}

/* date_sep - 1 if token i follows the one before with a date's
 * separator: '-' or '/' (one of them, the same as want when want != 0) */
static int
date_sep(const struct sscan *sc, size_t i, int want)
{
	const struct token *t = &sc->tl->v[i];

	if (t->sepc != '-' && t->sepc != '/')
		return 0;
	if (t->sep != TOKEN_SEP_JOIN && t->sep != TOKEN_SEP_OTHER)
		return 0;
	return want == 0 || t->sepc == want;
}

struct bday {
	unsigned long date;
	uint32_t student;
};

static int
cmp_bday(const void *a, const void *b)
{
	const struct bday *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->student < y->student ? -1 : x->student > y->student;
}

/* bday_find - add a match for every found student born on y-m-d */
static int
bday_find(struct sscan *sc, const struct bday *bd, size_t nbd, size_t tok,
    long y, long m, long d)
{
	unsigned long date;
	size_t lo = 0, hi = nbd;

	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	date = (unsigned long)(y * 10000 + m * 100 + d);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bd[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nbd && bd[lo].date == date; lo++)
		if (add_match(
		        sc, tok, tok + 2, bd[lo].student, KIND_BIRTH, 0) == -1)
			return -1;
	return 0;
}

/* dates_at - the birth dates whose year is token i */
static int
dates_at(struct sscan *sc, const struct bday *bd, size_t nbd, size_t i)
{
	const struct token *v = sc->tl->v;
	size_t n = sc->tl->n;
	long y, a, b;
	int m;

	if (v[i].flen != 4 || (y = tok_num(sc, i, 4)) < 1900 || y > 2099)
		return 0;
	/* 2014-03-07, 2014/03/07 */
	if (i + 2 < n && date_sep(sc, i + 1, 0) &&
	    date_sep(sc, i + 2, v[i + 1].sepc) &&
	    (a = tok_num(sc, i + 1, 2)) > 0 &&
	    (b = tok_num(sc, i + 2, 2)) > 0 &&
	    bday_find(sc, bd, nbd, i, y, a, b) == -1)
		return -1;
	if (i < 2)
		return 0;
	/* 03/07/2014, 3/7/2014, 03-07-2014: month first, or day first */
	if (date_sep(sc, i, 0) && date_sep(sc, i - 1, v[i].sepc) &&
	    (a = tok_num(sc, i - 2, 2)) > 0 &&
	    (b = tok_num(sc, i - 1, 2)) > 0) {
		if (bday_find(sc, bd, nbd, i - 2, y, a, b) == -1 ||
		    (a != b && bday_find(sc, bd, nbd, i - 2, y, b, a) == -1))
			return -1;
	}
	/* 7 March 2014 */
	if (v[i].sep == TOKEN_SEP_SPACE && v[i - 1].sep == TOKEN_SEP_SPACE &&
	    (m = tok_month(sc, i - 1)) > 0 && (a = tok_num(sc, i - 2, 2)) > 0 &&
	    bday_find(sc, bd, nbd, i - 2, y, m, a) == -1)
		return -1;
	/* March 7, 2014 */
	if ((v[i].sep == TOKEN_SEP_COMMA || v[i].sep == TOKEN_SEP_SPACE) &&
	    v[i - 1].sep == TOKEN_SEP_SPACE && (m = tok_month(sc, i - 2)) > 0 &&
	    (a = tok_num(sc, i - 1, 2)) > 0 &&
	    bday_find(sc, bd, nbd, i - 2, y, m, a) == -1)
		return -1;
	return 0;
}

/* birth_dates - the birth dates of the students found so far */
static int
birth_dates(struct sscan *sc)
{
	struct bday *bd;
	size_t i, n = 0, found = sc->nm;
	int rc = 0;

	if (found == 0)
		return 0;
	if ((bd = malloc(found * sizeof(*bd))) == NULL)
		return -1;
	for (i = 0; i < found; i++) {
		unsigned long b = sc->dr->st[sc->m[i].student].birth;

		if (b != 0) {
			bd[n].date = b;
			bd[n++].student = sc->m[i].student;
		}
	}
	qsort(bd, n, sizeof(*bd), cmp_bday);
	/* one entry per student */
	for (i = 0, found = 0; i < n; i++)
		if (found == 0 || bd[found - 1].student != bd[i].student ||
		    bd[found - 1].date != bd[i].date)
			bd[found++] = bd[i];
	for (i = 0; found > 0 && i < sc->tl->n && rc == 0; i++)
		if (sc->tl->v[i].shape == TOKEN_NUMBER)
			rc = dates_at(sc, bd, found, i);
	free(bd);
	return rc;
}

/* --- hits --------------------------------------------------------------- */

/* evidence_of - the redacted form of match m into dst (size >= 160):
 * "Ava L…" (the given name as the roster has it, at most 32
 * characters, and the family name's initial), "S1…" for an identifier,
 * "2014-…" for a birth date */
static void
evidence_of(const struct sscan *sc, const struct smatch *m, char *dst)
{
	const struct dstudent *s = &sc->dr->st[m->student];
	size_t gl, fl;

	switch (m->kind) {
	case KIND_NAME:
		gl = utf8_prefix(s->given, strlen(s->given), 32);
		memcpy(dst, s->given, gl);
		dst[gl] = ' ';
		fl = utf8_prefix(s->family, strlen(s->family), 1);
		memcpy(dst + gl + 1, s->family, fl);
		memcpy(dst + gl + 1 + fl, "\xe2\x80\xa6", 4);
		return;
	case KIND_ID: {
		const struct identry *ie = &sc->dr->ie[m->aux];

		evidence_prefix(dst, ie->value, ie->len, 2);
		return;
	}
	default:
		(void)snprintf(
		    dst, 160, "%04lu-\xe2\x80\xa6", s->birth / 10000);
		return;
	}
}

static int
cmp_smatch(const void *a, const void *b)
{
	const struct smatch *x = a, *y = b;

	if (x->tok != y->tok)
		return x->tok < y->tok ? -1 : 1;
	return x->kind < y->kind ? -1 : x->kind > y->kind;
}

/* student_hit - the "student" hit of the matches */
static int
student_hit(struct detect_result *res, const struct sscan *sc, size_t ti)
{
	const char **ids;
	char ev[160];
	size_t i;
	int rc;

	if ((ids = malloc(sc->nm * sizeof(*ids))) == NULL)
		return -1;
	for (i = 0; i < sc->nm; i++)
		ids[i] = sc->dr->st[sc->m[i].student].id;
	evidence_of(sc, &sc->m[0], ev);
	rc = result_add(res, DETECT_STUDENT, ti, sc->nm, ids, sc->nm, ev);
	free(ids);
	return rc;
}

/* record_hit - the "student-record" hit: terms within DETECT_WINDOW
 * words of a student match */
static int
record_hit(struct detect_result *res, const struct sscan *sc, size_t ti)
{
	const char **ids;
	char *used, ev[160 + 64];
	size_t i, j, lo = 0, matches = 0, n = 0;
	int rc = 0;

	ids = malloc(sc->nm * sizeof(*ids));
	used = calloc(sc->nm, 1);
	if (ids == NULL || used == NULL) {
		free(ids);
		free(used);
		return -1;
	}
	ev[0] = '\0';
	for (i = 0; i < sc->nterms; i++) {
		size_t p = sc->terms[i], span = DETECT_WINDOW + SPAN_MAX;
		size_t from = p > span ? p - span : 0;
		int near = 0;

		/* matches sorted by their first word, none longer than
		 * SPAN_MAX words */
		while (lo < sc->nm && sc->m[lo].tok < from)
			lo++;
		for (j = lo; j < sc->nm && sc->m[j].tok <= p + DETECT_WINDOW;
		     j++) {
			if (sc->m[j].end + DETECT_WINDOW < p)
				continue;
			if (!used[j]) {
				used[j] = 1;
				ids[n++] = sc->dr->st[sc->m[j].student].id;
			}
			if (ev[0] == '\0') {
				size_t el;

				evidence_of(sc, &sc->m[j], ev);
				el = strlen(ev);
				(void)snprintf(ev + el, sizeof(ev) - el,
				    " \xe2\x80\x94 %s",
				    sc->dr->vocab.v[sc->term_id[i]].text);
			}
			near = 1;
		}
		matches += near;
	}
	if (matches > 0)
		rc = result_add(
		    res, DETECT_STUDENT_RECORD, ti, matches, ids, n, ev);
	free(ids);
	free(used);
	return rc;
}

int
students_scan(struct detect_result *res, const struct detect_roster *dr,
    const struct token_list *tl, const char *text, size_t len, size_t ti)
{
	struct sscan sc;
	size_t i;
	int rc = -1;

	memset(&sc, 0, sizeof(sc));
	sc.dr = dr;
	sc.tl = tl;
	sc.text = text;
	for (i = 0; i < tl->n; i++) {
		uint64_t k = htab_key(tl->v[i].hash);
		uint32_t f;

		if (!filter_has(dr->filter, k) ||
		    (f = htab_get(&dr->first, k)) == (uint32_t)-1)
			continue;
		if ((f & FIRST_ID) && ids_at(&sc, i, len) == -1)
			goto done;
		if ((f & FIRST_TERM) && terms_at(&sc, i) == -1)
			goto done;
		if ((f & FIRST_NAME) &&
		    names_at(&sc, i, (f & FIRST_LOWER) != 0) == -1)
			goto done;
	}
	if (sc.nm > 0 && birth_dates(&sc) == -1)
		goto done;
	if (sc.nm > 0) {
		qsort(sc.m, sc.nm, sizeof(*sc.m), cmp_smatch);
		if (student_hit(res, &sc, ti) == -1 ||
		    (sc.nterms > 0 && record_hit(res, &sc, ti) == -1))
			goto done;
	}
	rc = 0;
done:
	free(sc.m);
	free(sc.terms);
	free(sc.term_id);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}
