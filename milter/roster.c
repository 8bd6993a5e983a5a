/*
 * roster.c - the district directory: options, grades and bands, address
 * keys, loading, and every lookup
 *
 * Reading the export is in roster/read.c, building the directory in
 * roster/build.c, the preferences file in roster/prefs.c. Everything
 * here after roster_load() only reads the directory: no locks, no
 * static buffers, safe from any thread.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "address.h"
#include "aliases.h"
#include "compat.h"
#include "diag.h"
#include "roster.h"
#include "roster/roster_int.h"

/* --- options, grades, bands, names -------------------------------------- */

void
roster_options_init(struct roster_options *o)
{
	memset(o, 0, sizeof(*o));
	o->bands.lo[ROSTER_LEVEL_ELEMENTARY] = ROSTER_GRADE_IT;
	o->bands.hi[ROSTER_LEVEL_ELEMENTARY] = ROSTER_GRADE_01 + 4;
	o->bands.lo[ROSTER_LEVEL_MIDDLE] = ROSTER_GRADE_01 + 5;
	o->bands.hi[ROSTER_LEVEL_MIDDLE] = ROSTER_GRADE_01 + 7;
	o->bands.lo[ROSTER_LEVEL_HIGH] = ROSTER_GRADE_01 + 8;
	o->bands.hi[ROSTER_LEVEL_HIGH] = ROSTER_GRADE_13;
	o->subaddress = "+";
}

static const char *const grade_codes[] = {"", "IT", "PR", "PK", "TK", "KG",
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
    "13", "PS", "UG", "Other"};

int
roster_grade_parse(const char *s)
{
	size_t i;
	long n;

	if (s[0] >= '0' && s[0] <= '9') {
		if (s[1] == '\0')
			n = s[0] - '0';
		else if (s[1] >= '0' && s[1] <= '9' && s[2] == '\0')
			n = (s[0] - '0') * 10 + (s[1] - '0');
		else
			return -1;
		return n >= 1 && n <= 13 ? ROSTER_GRADE_01 + (int)n - 1 : -1;
	}
	if (ri_casecmp(s, "K") == 0)
		return ROSTER_GRADE_KG;
	for (i = 1; i < sizeof(grade_codes) / sizeof(grade_codes[0]); i++)
		if (ri_casecmp(s, grade_codes[i]) == 0)
			return (int)i;
	return -1;
}

const char *
roster_grade_code(int grade)
{
	if (grade < 0 ||
	    (size_t)grade >= sizeof(grade_codes) / sizeof(grade_codes[0]))
		return "";
	return grade_codes[grade];
}

/* grade_span - parse "A" or "A-B" (blanks allowed around) */
static int
grade_span(const char *range, int *lo, int *hi)
{
	char part[2][16];
	const char *dash = strchr(range, '-'), *s, *e;
	size_t len, k;

	for (k = 0; k < 2; k++) {
		s = k == 0 ? range : dash + 1;
		e = k == 0 && dash != NULL ? dash : s + strlen(s);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		len = (size_t)(e - s);
		if (len == 0 || len >= sizeof(part[k]))
			return -1;
		memcpy(part[k], s, len);
		part[k][len] = '\0';
		if (dash == NULL) {
			memcpy(part[1], part[0], len + 1);
			break;
		}
	}
	*lo = roster_grade_parse(part[0]);
	*hi = roster_grade_parse(part[1]);
	return *lo < 0 || *hi < 0 || *lo > *hi ? -1 : 0;
}

int
roster_bands_set(
    struct roster_bands *b, enum roster_level level, const char *range)
{
	const char *s = range;
	int lo, hi;

	if (level < ROSTER_LEVEL_ELEMENTARY || level > ROSTER_LEVEL_HIGH)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		b->lo[level] = b->hi[level] = 0;
		return 0;
	}
	if (grade_span(s, &lo, &hi) < 0)
		return -1;
	b->lo[level] = (unsigned char)lo;
	b->hi[level] = (unsigned char)hi;
	return 0;
}

const char *
roster_bands_check(const struct roster_bands *b)
{
	static const char *const text[ROSTER_LEVELS][ROSTER_LEVELS] = {
	    [1][2] = "elementary and middle bands overlap",
	    [1][3] = "elementary and high bands overlap",
	    [2][3] = "middle and high bands overlap",
	};
	int i, j;

	for (i = 1; i < ROSTER_LEVELS; i++)
		for (j = i + 1; j < ROSTER_LEVELS; j++)
			if (b->lo[i] != 0 && b->lo[j] != 0 &&
			    b->lo[i] <= b->hi[j] && b->lo[j] <= b->hi[i])
				return text[i][j];
	return NULL;
}

enum roster_level
roster_bands_level(const struct roster_bands *b, int grade)
{
	int l;

	if (grade <= 0)
		return ROSTER_LEVEL_NONE;
	for (l = ROSTER_LEVEL_ELEMENTARY; l <= ROSTER_LEVEL_HIGH; l++)
		if (b->lo[l] != 0 && grade >= b->lo[l] && grade <= b->hi[l])
			return (enum roster_level)l;
	return ROSTER_LEVEL_NONE;
}

static const char *const level_names[] = {
    "none", "elementary", "middle", "high"};
static const char *const class_names[] = {
    "external", "personal", "district", "guardian", "student", "staff"};

const char *
roster_level_name(enum roster_level level)
{
	return (unsigned)level < ROSTER_LEVELS ? level_names[level] : "none";
}

int
roster_level_parse(const char *name)
{
	int i;

	for (i = 0; i < ROSTER_LEVELS; i++)
		if (ri_casecmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

const char *
roster_class_name(enum roster_class cls)
{
	return (unsigned)cls <= ROSTER_CLASS_STAFF ? class_names[cls] :
	                                             "external";
}

int
roster_class_parse(const char *name)
{
	int i;

	for (i = 0; i <= ROSTER_CLASS_STAFF; i++)
		if (ri_casecmp(name, class_names[i]) == 0)
			return i;
	return -1;
}

unsigned
ri_role(const char *s, const char **canon, int relative_is_guardian)
{
	static const struct {
		const char *name;
		unsigned bits;
	} roles[] = {
	    {"student", ROSTER_STUDENT},
	    {"parent", ROSTER_GUARDIAN},
	    {"guardian", ROSTER_GUARDIAN},
	    {"relative", ROSTER_RELATIVE},
	    {"teacher", ROSTER_STAFF},
	    {"aide", ROSTER_STAFF},
	    {"administrator", ROSTER_STAFF},
	    {"counselor", ROSTER_STAFF},
	    {"principal", ROSTER_STAFF},
	    {"proctor", ROSTER_STAFF},
	    {"districtAdministrator", ROSTER_STAFF},
	    {"siteAdministrator", ROSTER_STAFF},
	    {"systemAdministrator", ROSTER_STAFF},
	};
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (ri_casecmp(s, roles[i].name) == 0) {
			*canon = roles[i].name;
			if (roles[i].bits == ROSTER_RELATIVE &&
			    relative_is_guardian)
				return ROSTER_GUARDIAN;
			return roles[i].bits;
		}
	*canon = NULL;
	return 0;
}

/* --- addresses ------------------------------------------------------------ */

/* canon - the canonical form of addr[0..len): the district's domains
 * are the local ones, where routing forms are resolved */
static enum address_status
canon(struct address *a, const struct roster *r, const char *addr, size_t len)
{
	return address_canon(a, addr, len,
	    r != NULL ? (const char *const *)r->district : NULL,
	    r != NULL ? r->ndistrict : 0);
}

/* canon_key - the index key of the canonical address a into dst: the
 * local part in lower case unless configured, with strip its
 * subaddress tag removed (a separator that starts the local part does
 * not count); -1 if it does not fit */
static int
canon_key(char *dst, size_t dstsize, const struct roster *r,
    const struct address *a, int strip)
{
	const char *dom = address_domain(a);
	size_t llen = a->at, dlen = strlen(dom), cut;

	if (strip && r->subaddress[0] != '\0') {
		cut = strcspn(a->text, r->subaddress);
		if (cut > 0 && cut < llen)
			llen = cut;
	}
	if (llen + 1 + dlen >= dstsize)
		return -1;
	if (r->local_case_sensitive)
		memcpy(dst, a->text, llen);
	else
		ri_lower(dst, a->text, llen);
	dst[llen] = '@';
	memcpy(dst + llen + 1, dom, dlen + 1);
	return 0;
}

int
ri_key(char *dst, size_t dstsize, const struct roster *r, const char *addr,
    size_t len, int strip)
{
	struct address a;

	if (canon(&a, r, addr, len) != ADDRESS_OK)
		return -1;
	return canon_key(dst, dstsize, r, &a, strip);
}

int
roster_address_key(char *dst, size_t dstsize, const struct roster *r,
    const char *addr, int strip_subaddress)
{
	return ri_key(dst, dstsize, r, addr, strlen(addr), strip_subaddress);
}

enum address_status
roster_address(struct address *out, const struct roster *r, const char *addr)
{
	return canon(out, r, addr, strlen(addr));
}

/* lookup_key - the first person indexed under the key of the canonical
 * address a, trying again without the subaddress; sets *stripped when
 * that found it */
static uint32_t
lookup_key(const struct roster *r, const struct address *a, int *stripped)
{
	char key[BOUND_ADDRESS_BYTES], plain[BOUND_ADDRESS_BYTES];
	uint32_t i;

	*stripped = 0;
	if (canon_key(key, sizeof(key), r, a, 0) < 0)
		return RI_NONE;
	if ((i = strmap_get(&r->by_key, key)) != RI_NONE)
		return i;
	if (canon_key(plain, sizeof(plain), r, a, 1) < 0 ||
	    strcmp(plain, key) == 0)
		return RI_NONE;
	if ((i = strmap_get(&r->by_key, plain)) != RI_NONE)
		*stripped = 1;
	return i;
}

/* strength - how strong a person's role is for classification */
static int
strength(unsigned roles)
{
	if (roles & ROSTER_STAFF)
		return 3;
	if (roles & ROSTER_STUDENT)
		return 2;
	if (roles & ROSTER_GUARDIAN)
		return 1;
	return 0;
}

int
roster_classify(
    struct roster_match *out, const struct roster *r, const char *addr)
{
	struct address a;
	const struct roster_person *p;
	uint32_t i;
	int stripped, best = -1;

	memset(out, 0, sizeof(*out));
	out->cls = ROSTER_CLASS_EXTERNAL;
	if (canon(&a, r, addr, strlen(addr)) != ADDRESS_OK)
		return -1;
	if (address_domain_in(address_domain(&a),
	        (const char *const *)r->district, r->ndistrict))
		out->flags |= ROSTER_MATCH_DISTRICT_DOMAIN;
	if (address_domain_in(address_domain(&a),
	        (const char *const *)r->personal, r->npersonal))
		out->flags |= ROSTER_MATCH_PERSONAL_DOMAIN;
	for (i = lookup_key(r, &a, &stripped); i != RI_NONE; i = p->next_same) {
		p = &r->persons[i];
		out->roles |= p->roles;
		if (strength(p->roles) > best) {
			best = strength(p->roles);
			out->person = p;
		}
	}
	if (stripped)
		out->flags |= ROSTER_MATCH_SUBADDRESS;
	if (out->roles & ROSTER_STAFF)
		out->cls = ROSTER_CLASS_STAFF;
	else if (out->roles & ROSTER_STUDENT)
		out->cls = ROSTER_CLASS_STUDENT;
	else if (out->roles & ROSTER_GUARDIAN)
		out->cls = ROSTER_CLASS_GUARDIAN;
	else if (out->flags & ROSTER_MATCH_DISTRICT_DOMAIN)
		out->cls = ROSTER_CLASS_DISTRICT;
	else if (out->flags & ROSTER_MATCH_PERSONAL_DOMAIN)
		out->cls = ROSTER_CLASS_PERSONAL;
	return 0;
}

/* --- finding people ------------------------------------------------------- */

/* person - person i, or NULL for RI_NONE */
static const struct roster_person *
person(const struct roster *r, uint32_t i)
{
	return i == RI_NONE ? NULL : &r->persons[i];
}

const struct roster_person *
roster_find_email(const struct roster *r, const char *addr)
{
	struct address a;
	int stripped;

	if (canon(&a, r, addr, strlen(addr)) != ADDRESS_OK)
		return NULL;
	return person(r, lookup_key(r, &a, &stripped));
}

const struct roster_person *
roster_next_same(const struct roster *r, const struct roster_person *p)
{
	return person(r, p->next_same);
}

const struct roster_person *
roster_find_login(const struct roster *r, const char *login)
{
	char key[BOUND_ADDRESS_BYTES];
	const struct roster_person *p, *best = NULL;
	size_t len = strlen(login);
	uint32_t i;

	if (len == 0 || len >= sizeof(key))
		return NULL;
	ri_lower(key, login, len);
	key[len] = '\0';
	if ((i = strmap_get(&r->by_username, key)) != RI_NONE)
		return &r->persons[i];
	for (p = roster_find_email(r, login); p != NULL;
	     p = roster_next_same(r, p))
		if (best == NULL ||
		    ((p->roles & ROSTER_STAFF) &&
		        !(best->roles & ROSTER_STAFF)))
			best = p;
	if (best != NULL)
		return best;
	return person(r, strmap_get(&r->by_ident, key));
}

const struct roster_person *
roster_find_id(const struct roster *r, const char *sourced_id)
{
	return person(r, strmap_get(&r->by_id, sourced_id));
}

size_t
roster_count(const struct roster *r)
{
	return r->npersons;
}

const struct roster_person *
roster_person_at(const struct roster *r, size_t i)
{
	return i < r->npersons ? &r->persons[i] : NULL;
}

/* --- a person ---------------------------------------------------------------
 */

const char *
roster_person_id(const struct roster_person *p)
{
	return p->id;
}

const char *
roster_person_email(const struct roster_person *p)
{
	return p->email;
}

const char *
roster_person_username(const struct roster_person *p)
{
	return p->username;
}

const char *
roster_person_identifier(const struct roster_person *p)
{
	return p->identifier;
}

const char *
roster_person_given(const struct roster_person *p)
{
	return p->given;
}

const char *
roster_person_family(const struct roster_person *p)
{
	return p->family;
}

const char *
roster_person_role(const struct roster_person *p)
{
	return p->role;
}

unsigned
roster_person_roles(const struct roster_person *p)
{
	return p->roles;
}

unsigned
roster_person_flags(const struct roster_person *p)
{
	return p->flags &
	    (ROSTER_DISABLED | ROSTER_NO_COPY | ROSTER_NO_DIRECT |
	        ROSTER_GRADE_CLASSES);
}

int
roster_person_grade(const struct roster_person *p)
{
	return p->grade;
}

enum roster_level
roster_person_level(const struct roster_person *p)
{
	return (enum roster_level)p->level;
}

unsigned long
roster_person_birthdate(const struct roster_person *p)
{
	return p->birth;
}

const char *
roster_person_file(const struct roster *r, const struct roster_person *p)
{
	return p->file < r->nfiles ? r->files[p->file].path : "";
}

unsigned long
roster_person_line(const struct roster_person *p)
{
	return p->line;
}

const struct roster_org *
roster_person_school(const struct roster *r, const struct roster_person *p)
{
	return p->school == RI_NONE ? NULL : &r->orgs[p->school];
}

size_t
roster_person_norgs(const struct roster_person *p)
{
	return p->orgs.n;
}

const struct roster_org *
roster_person_org(
    const struct roster *r, const struct roster_person *p, size_t i)
{
	return i < p->orgs.n ? &r->orgs[r->pool[p->orgs.off + i]] : NULL;
}

size_t
roster_person_nsections(const struct roster_person *p)
{
	return p->sections.n;
}

const struct roster_section *
roster_person_section(
    const struct roster *r, const struct roster_person *p, size_t i)
{
	return i < p->sections.n ? &r->sections[r->pool[p->sections.off + i]] :
	                           NULL;
}

/* links - a student's guardians, else a person's students */
static struct ri_range
links(const struct roster_person *p)
{
	return (p->roles & ROSTER_STUDENT) ? p->guardians : p->wards;
}

size_t
roster_person_nlinks(const struct roster_person *p)
{
	return links(p).n;
}

const struct roster_person *
roster_person_link(
    const struct roster *r, const struct roster_person *p, size_t i)
{
	struct ri_range rg = links(p);

	return i < rg.n ? &r->persons[r->pool[rg.off + i]] : NULL;
}

int
ri_pool_has(const struct roster *r, struct ri_range rg, uint32_t x)
{
	size_t lo = 0, hi = rg.n, mid;
	uint32_t v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		v = r->pool[rg.off + mid];
		if (v == x)
			return 1;
		if (v < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
roster_is_guardian_of(const struct roster *r,
    const struct roster_person *guardian, const struct roster_person *student)
{
	return ri_pool_has(
	    r, student->guardians, (uint32_t)(guardian - r->persons));
}

size_t
roster_guardians(struct roster_guardian *out, size_t max,
    const struct roster *r, const struct roster_person *student)
{
	const struct roster_person *g;
	size_t i;

	for (i = 0; i < student->guardians.n && i < max; i++) {
		g = &r->persons[r->pool[student->guardians.off + i]];
		out[i].person = g;
		out[i].email = g->email;
		out[i].no_copy = (g->flags & ROSTER_NO_COPY) != 0;
		out[i].no_direct = (g->flags & ROSTER_NO_DIRECT) != 0;
	}
	return student->guardians.n;
}

int
roster_no_direct(const struct roster *r, const struct roster_person *student)
{
	size_t i;

	if (student->flags & ROSTER_NO_DIRECT)
		return 1;
	for (i = 0; i < student->guardians.n; i++)
		if (r->persons[r->pool[student->guardians.off + i]].flags &
		    ROSTER_NO_DIRECT)
			return 1;
	return 0;
}

/* consider - keep the earlier of the current advice and days/kind/id */
static void
consider(struct roster_advice *best, long *bdays, long days,
    enum roster_advice_kind kind, const char *id)
{
	if (days < 0 || (*bdays >= 0 && days >= *bdays))
		return;
	*bdays = days;
	best->date = (time_t)days * 86400;
	best->kind = kind;
	best->id = id;
}

/* shared - 1 if sorted ranges a and b of the pool have a member in
 * common; with each set, calls back for every common member */
static int
shared(const struct roster *r, struct ri_range a, struct ri_range b,
    void (*each)(const struct roster *, uint32_t, void *), void *arg)
{
	size_t i = 0, j = 0;
	uint32_t x, y;
	int any = 0;

	while (i < a.n && j < b.n) {
		x = r->pool[a.off + i];
		y = r->pool[b.off + j];
		if (x < y)
			i++;
		else if (y < x)
			j++;
		else {
			any = 1;
			if (each == NULL)
				return 1;
			each(r, x, arg);
			i++;
			j++;
		}
	}
	return any;
}

struct advice_acc {
	struct roster_advice *best;
	long *bdays;
};

/* section_advice - a common section's advisedDate */
static void
section_advice(const struct roster *r, uint32_t s, void *arg)
{
	struct advice_acc *acc = arg;

	consider(acc->best, acc->bdays, r->sections[s].advised,
	    ROSTER_ADVISED_SECTION, r->sections[s].id);
}

int
roster_advised(struct roster_advice *out, const struct roster *r,
    const struct roster_person *staff, const struct roster_person *student)
{
	struct roster_advice best = {0, 0, NULL};
	struct advice_acc acc = {&best, NULL};
	long bdays = -1;
	uint32_t o;
	size_t i;
	int depth;

	acc.bdays = &bdays;
	if (staff->advised >= 0 &&
	    (shared(r, staff->sections, student->sections, NULL, NULL) ||
	        shared(r, staff->orgs, student->orgs, NULL, NULL)))
		consider(&best, &bdays, staff->advised, ROSTER_ADVISED_STAFF,
		    staff->id);
	for (i = 0; i < student->orgs.n; i++) {
		o = r->pool[student->orgs.off + i];
		for (depth = 0; o != RI_NONE && depth < 16; depth++) {
			consider(&best, &bdays, r->orgs[o].advised,
			    ROSTER_ADVISED_SCHOOL, r->orgs[o].id);
			o = r->orgs[o].parent;
		}
	}
	(void)shared(
	    r, staff->sections, student->sections, section_advice, &acc);
	if (bdays < 0)
		return -1;
	*out = best;
	return 0;
}

/* --- orgs and sections ------------------------------------------------------
 */

const struct roster_org *
roster_find_org(const struct roster *r, const char *sourced_id)
{
	uint32_t i = strmap_get(&r->org_by_id, sourced_id);

	return i == RI_NONE ? NULL : &r->orgs[i];
}

const char *
roster_org_id(const struct roster_org *o)
{
	return o->id;
}

const char *
roster_org_name(const struct roster_org *o)
{
	return o->name;
}

const char *
roster_org_type(const struct roster_org *o)
{
	return o->type;
}

const char *
roster_org_identifier(const struct roster_org *o)
{
	return o->identifier;
}

const struct roster_org *
roster_org_parent(const struct roster *r, const struct roster_org *o)
{
	return o->parent == RI_NONE ? NULL : &r->orgs[o->parent];
}

const struct roster_bands *
roster_org_bands(const struct roster *r, const struct roster_org *o)
{
	return o->bands >= 0 ? &r->school_bands[o->bands] : &r->bands;
}

const struct roster_section *
roster_find_section(const struct roster *r, const char *sourced_id)
{
	uint32_t i = strmap_get(&r->section_by_id, sourced_id);

	return i == RI_NONE ? NULL : &r->sections[i];
}

const char *
roster_section_id(const struct roster_section *s)
{
	return s->id;
}

const char *
roster_section_title(const struct roster_section *s)
{
	return s->title;
}

const char *
roster_section_code(const struct roster_section *s)
{
	return s->code;
}

const struct roster_org *
roster_section_school(const struct roster *r, const struct roster_section *s)
{
	return s->school == RI_NONE ? NULL : &r->orgs[s->school];
}

/* --- loading
 * ------------------------------------------------------------------ */

/* copy_domains - lower-cased copies of list (leading "@" or "." and a
 * trailing dot dropped) */
static int
copy_domains(char ***out, size_t *nout, const char *const *list, size_t n)
{
	const char *s;
	size_t i, len;

	if (n == 0)
		return 0;
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		s = list[i];
		while (*s == '@' || *s == '.')
			s++;
		len = strlen(s);
		while (len > 0 && s[len - 1] == '.')
			len--;
		if (((*out)[i] = malloc(len + 1)) == NULL)
			return -1;
		ri_lower((*out)[i], s, len);
		(*out)[i][len] = '\0';
		*nout = i + 1;
	}
	return 0;
}

/* setup - copy the options r keeps; -1 when out of memory */
static int
setup(struct roster *r, const struct roster_options *o, struct diag *dg)
{
	const char *why;
	size_t i;

	r->bands = o->bands;
	if ((why = roster_bands_check(&o->bands)) != NULL)
		diag_error(dg, NULL, 0, 0, "default grade bands: %s", why);
	if (o->nschools > 0) {
		r->school_bands = calloc(o->nschools, sizeof(*r->school_bands));
		if (r->school_bands == NULL)
			return -1;
		r->nschool_bands = o->nschools;
		for (i = 0; i < o->nschools; i++) {
			r->school_bands[i] = o->schools[i].bands;
			if ((why = roster_bands_check(&o->schools[i].bands)) !=
			    NULL)
				diag_error(dg, o->schools[i].file,
				    o->schools[i].line, 0,
				    "grade bands of school \"%s\": %s",
				    o->schools[i].school, why);
		}
	}
	if (o->subaddress != NULL &&
	    strlcpy(r->subaddress, o->subaddress, sizeof(r->subaddress)) >=
	        sizeof(r->subaddress))
		diag_error(dg, NULL, 0, 0,
		    "more than %zu subaddress separators",
		    sizeof(r->subaddress) - 1);
	r->local_case_sensitive = o->local_case_sensitive;
	r->relative_is_guardian = o->relative_is_guardian;
	if (copy_domains(&r->district, &r->ndistrict, o->district_domains,
	        o->ndistrict_domains) < 0 ||
	    copy_domains(&r->personal, &r->npersonal, o->personal_domains,
	        o->npersonal_domains) < 0)
		return -1;
	return 0;
}

int
roster_load(struct roster **out, const char *const *dirs, size_t ndirs,
    const struct roster_options *opts, struct diag *dg)
{
	struct roster_options defaults;
	struct ri_load ld;
	struct roster *r;
	size_t before = diag_count(dg);

	if (opts == NULL) {
		roster_options_init(&defaults);
		opts = &defaults;
	}
	memset(&ld, 0, sizeof(ld));
	ld.dg = dg;
	ld.opts = opts;
	if ((r = calloc(1, sizeof(*r))) == NULL || setup(r, opts, dg) < 0 ||
	    ri_read_dirs(&ld, dirs, ndirs) < 0)
		goto nomem;
	if (diag_count(dg) > before && !opts->partial)
		goto fail;
	if (ri_build(r, &ld) < 0 ||
	    (opts->preferences != NULL &&
	        ri_prefs(r, &ld, opts->preferences) < 0) ||
	    ri_read_aliases(r, &ld) < 0)
		goto nomem;
	r->files = ld.files;
	r->nfiles = ld.nfiles;
	ld.files = NULL;
	ld.nfiles = 0;
	ri_load_free(&ld);
#ifdef __GLIBC__
	/* the raw tables' arrays and maps were large: hand the heap they
	 * leave behind back to the system */
	(void)malloc_trim(0);
#endif
	if (diag_count(dg) > before && !opts->partial) {
		roster_free(r);
		return -1;
	}
	*out = r;
	return 0;
nomem:
	diag_error(dg, NULL, 0, 0, "out of memory loading the roster");
fail:
	ri_load_free(&ld);
	roster_free(r);
	return -1;
}

/* free_list - a list of malloc'd strings */
static void
free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
roster_free(struct roster *r)
{
	size_t i;

	if (r == NULL)
		return;
	arena_free(&r->arena);
	free(r->persons);
	free(r->orgs);
	free(r->sections);
	free(r->pool);
	strmap_free(&r->by_id);
	strmap_free(&r->by_key);
	strmap_free(&r->by_username);
	strmap_free(&r->by_ident);
	strmap_free(&r->org_by_id);
	strmap_free(&r->section_by_id);
	free(r->school_bands);
	aliases_free(r->aliases);
	free_list(r->district, r->ndistrict);
	free_list(r->personal, r->npersonal);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	free(r);
}

const struct aliases *
roster_aliases(const struct roster *r)
{
	return r->aliases;
}

int
roster_changed(const struct roster *r)
{
	const struct ri_file *f;
	struct stat st;
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		f = &r->files[i];
		if (stat(f->path, &st) < 0) {
			if (f->exists)
				return 1;
			continue;
		}
		/* by path: a new file renamed into place is a change */
		if (!f->exists || st.st_dev != f->dev || st.st_ino != f->ino ||
		    st.st_size != f->size ||
		    (long long)st.st_mtim.tv_sec * 1000000000LL +
		            st.st_mtim.tv_nsec !=
		        f->mtime_ns ||
		    (long long)st.st_ctim.tv_sec * 1000000000LL +
		            st.st_ctim.tv_nsec !=
		        f->ctime_ns)
			return 1;
	}
	return 0;
}

void
roster_stats(struct roster_stats *out, const struct roster *r)
{
	*out = r->stats;
}
