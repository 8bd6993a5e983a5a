/*
 * build.c - turn the raw export tables into the directory
 *
 * Order matters: orgs and sections first (persons point at them), then
 * persons and their sourcedId index (roles.csv, enrollments and
 * demographics point at persons), then the roles of 1.2, then the
 * address and login indexes (which need the final roles), then the
 * guardian links (which need the address index to refuse agents with a
 * staff or student e-mail), then grades and levels (which need the
 * sections of each student).
 *
 * Lists (a person's orgs, sections, guardians, students) are collected as
 * (owner << 32 | member) pairs, sorted and deduplicated, then laid out as
 * sorted index ranges in one pool: unions come for free and membership
 * tests are binary searches.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "diag.h"
#include "roster_int.h"

/* Build state that dies with the build. */
struct bstate {
	struct roster *r;
	struct ri_load *ld;
	struct ri_rec **urec;       /* person index -> users.csv record */
	struct ri_rec **orec;       /* org index -> orgs.csv record */
	struct ri_rec **srec;       /* section index -> classes.csv record */
	unsigned char *school_prio; /* how person.school was chosen */
	struct u64vec orgs, sections, links;
	struct u32vec pool;
};

/* where - the file name of a record */
static const char *
where(const struct bstate *b, const struct ri_rec *rec)
{
	return b->ld->files[rec->file].path;
}

/* pwhere - the file name of a person's record */
static const char *
pwhere(const struct bstate *b, const struct roster_person *p)
{
	return b->ld->files[p->file].path;
}

/* bdup - s copied into the directory's arena; "" for NULL */
static const char *
bdup(struct bstate *b, const char *s)
{
	if (s == NULL || *s == '\0')
		return "";
	return arena_strndup(&b->r->arena, s, strlen(s));
}

/* live - the live records of table k, compacted in place; their count */
static size_t
live(struct ri_load *ld, enum ri_kind k)
{
	struct ri_table *t = &ld->tables[k];
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (!t->recs[i]->dead)
			t->recs[n++] = t->recs[i];
	t->n = n;
	return n;
}

/* next_item - the next item of a comma-separated list at *s (blanks
 * trimmed) into item and len; 0 at the end */
static int
next_item(const char **s, const char **item, size_t *len)
{
	const char *p = *s, *e;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		*item = p;
		*len = (size_t)(e - p);
		while (*len > 0 && (p[*len - 1] == ' ' || p[*len - 1] == '\t'))
			(*len)--;
		*s = e;
		if (*len > 0)
			return 1;
		p = e;
	}
}

/* pair - owner and member as one sortable key */
static uint64_t
pair(uint32_t owner, uint32_t member)
{
	return (uint64_t)owner << 32 | member;
}

/* lay_out - the sorted unique pairs of v as ranges of owners' lists in
 * the pool; ranges[] is indexed by owner and has stride bytes between
 * entries. -1 when out of memory. */
static int
lay_out(struct bstate *b, struct u64vec *v, void *ranges, size_t stride)
{
	struct ri_range *rg;
	uint32_t owner;
	size_t i;

	u64vec_sort_unique(v);
	for (i = 0; i < v->n; i++) {
		owner = (uint32_t)(v->v[i] >> 32);
		rg = (struct ri_range *)((char *)ranges +
		    (size_t)owner * stride);
		if (rg->n == 0)
			rg->off = (uint32_t)b->pool.n;
		rg->n++;
		if (b->pool.n >= RI_NONE - 1 ||
		    u32vec_push(&b->pool, (uint32_t)v->v[i]) < 0)
			return -1;
	}
	v->n = 0;
	return 0;
}

/* grade_list - the youngest grade of a list such as "09,10" (UG, Other
 * ignored), warning about unknown codes; 0 if none */
static int
grade_list(struct bstate *b, const struct ri_rec *rec, const char *list)
{
	char code[16];
	const char *item;
	size_t len;
	int g, best = 0;

	while (list != NULL && next_item(&list, &item, &len)) {
		if (len >= sizeof(code)) {
			g = -1;
		} else {
			memcpy(code, item, len);
			code[len] = '\0';
			g = roster_grade_parse(code);
		}
		if (g < 0) {
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "unknown grade \"%.*s\"", (int)len, item);
			continue;
		}
		if (g == ROSTER_GRADE_UG || g == ROSTER_GRADE_OTHER)
			continue;
		if (best == 0 || g < best)
			best = g;
	}
	return best;
}

/* build_orgs - orgs.csv into r->orgs, with parents and grade bands */
static int
build_orgs(struct bstate *b)
{
	struct roster *r = b->r;
	const struct roster_options *o = b->ld->opts;
	struct roster_org *org;
	struct ri_rec *rec;
	uint32_t *slot;
	size_t i, j, n = live(b->ld, RI_ORGS);
	int isnew;

	if ((r->orgs = calloc(n + 1, sizeof(*r->orgs))) == NULL ||
	    (b->orec = calloc(n + 1, sizeof(*b->orec))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		rec = b->ld->tables[RI_ORGS].recs[i];
		org = &r->orgs[i];
		b->orec[i] = rec;
		if ((org->id = bdup(b, rec->id)) == NULL ||
		    (org->name = bdup(b, rec->v[RO_NAME])) == NULL ||
		    (org->type = bdup(b, rec->v[RO_TYPE])) == NULL ||
		    (org->identifier = bdup(b, rec->v[RO_IDENT])) == NULL)
			return -1;
		org->is_school = ri_casecmp(org->type, "school") == 0;
		org->advised = -1;
		org->bands = -1;
		org->parent = RI_NONE;
		if ((slot = strmap_ref(&r->org_by_id, org->id, &isnew)) == NULL)
			return -1;
		*slot = (uint32_t)i;
	}
	r->norgs = n;
	for (i = 0; i < n; i++) {
		rec = b->orec[i];
		if (rec->v[RO_PARENT] == NULL)
			continue;
		r->orgs[i].parent =
		    strmap_get(&r->org_by_id, rec->v[RO_PARENT]);
		if (r->orgs[i].parent == RI_NONE) {
			r->stats.orphan_references++;
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "parentSourcedId \"%s\" names no org",
			    rec->v[RO_PARENT]);
		}
	}
	for (j = 0; j < r->nschool_bands; j++) {
		for (i = 0; i < n; i++)
			if (strcmp(r->orgs[i].id, o->schools[j].school) == 0 ||
			    strcmp(r->orgs[i].identifier,
			        o->schools[j].school) == 0)
				r->orgs[i].bands = (int32_t)j;
		for (i = 0; i < n; i++)
			if (r->orgs[i].bands == (int32_t)j)
				break;
		if (i == n)
			diag_warn(b->ld->dg, o->schools[j].file,
			    o->schools[j].line, 0,
			    "grade bands for unknown school \"%s\"",
			    o->schools[j].school);
	}
	return 0;
}

/* build_sections - classes.csv into r->sections */
static int
build_sections(struct bstate *b)
{
	struct roster *r = b->r;
	struct roster_section *s;
	struct ri_rec *rec;
	uint32_t *slot;
	size_t i, n = live(b->ld, RI_SECTIONS);
	int isnew;

	if ((r->sections = calloc(n + 1, sizeof(*r->sections))) == NULL ||
	    (b->srec = calloc(n + 1, sizeof(*b->srec))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		rec = b->ld->tables[RI_SECTIONS].recs[i];
		s = &r->sections[i];
		b->srec[i] = rec;
		if ((s->id = bdup(b, rec->id)) == NULL ||
		    (s->title = bdup(b, rec->v[RS_TITLE])) == NULL ||
		    (s->code = bdup(b, rec->v[RS_CODE])) == NULL)
			return -1;
		s->advised = -1;
		s->grade = (unsigned char)grade_list(b, rec, rec->v[RS_GRADES]);
		s->school = rec->v[RS_SCHOOL] == NULL ?
		    RI_NONE :
		    strmap_get(&r->org_by_id, rec->v[RS_SCHOOL]);
		if (rec->v[RS_SCHOOL] != NULL && s->school == RI_NONE) {
			r->stats.orphan_references++;
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "schoolSourcedId \"%s\" names no org",
			    rec->v[RS_SCHOOL]);
		}
		if ((slot = strmap_ref(&r->section_by_id, s->id, &isnew)) ==
		    NULL)
			return -1;
		*slot = (uint32_t)i;
	}
	r->nsections = n;
	return 0;
}

/* add_org - person i belongs to org id (prio: how strongly it is their
 * school); warns about unknown orgs */
static int
add_org(struct bstate *b, uint32_t i, const char *id, size_t len, int prio,
    const struct ri_rec *rec, const char *column)
{
	struct roster_person *p = &b->r->persons[i];
	uint32_t org = strmap_getn(&b->r->org_by_id, id, len);

	if (org == RI_NONE) {
		b->r->stats.orphan_references++;
		diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
		    "%s names unknown org \"%.*s\"", column, (int)len, id);
		return 0;
	}
	if (prio < 3 && !b->r->orgs[org].is_school)
		prio = 1;
	if (prio > b->school_prio[i]) {
		b->school_prio[i] = (unsigned char)prio;
		p->school = org;
	}
	return u64vec_push(&b->orgs, pair(i, org));
}

/* person_roles - the roles of users.csv's role cell */
static void
person_roles(struct bstate *b, struct roster_person *p,
    const struct ri_rec *rec, const char *role)
{
	const char *canon;
	unsigned bits;

	if (role == NULL)
		return;
	bits = ri_role(role, &canon, b->r->relative_is_guardian);
	if (bits == 0) {
		if (strncmp(role, "ext:", 4) != 0)
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "unknown role \"%s\"", role);
		canon = NULL;
	}
	p->roles |= (unsigned char)bits;
	if (*p->role == '\0')
		p->role = canon != NULL ? canon : bdup(b, role);
}

/* build_person - users.csv record rec as person i; -1 on no memory */
static int
build_person(struct bstate *b, uint32_t i, struct ri_rec *rec)
{
	struct roster_person *p = &b->r->persons[i];
	const char *en = rec->v[RU_ENABLED], *list, *item;
	char key[BOUND_ADDRESS_BYTES];
	size_t len;

	b->urec[i] = rec;
	p->file = rec->file;
	p->line = rec->line;
	p->school = RI_NONE;
	p->next_same = RI_NONE;
	p->advised = -1;
	p->role = "";
	if ((p->id = bdup(b, rec->id)) == NULL ||
	    (p->email = bdup(b, rec->v[RU_EMAIL])) == NULL ||
	    (p->username = bdup(b, rec->v[RU_USERNAME])) == NULL ||
	    (p->identifier = bdup(b, rec->v[RU_IDENT])) == NULL ||
	    (p->given = bdup(b, rec->v[RU_GIVEN])) == NULL ||
	    (p->family = bdup(b, rec->v[RU_FAMILY])) == NULL)
		return -1;
	if (en != NULL && ri_casecmp(en, "false") == 0)
		p->flags |= ROSTER_DISABLED;
	else if (en != NULL && ri_casecmp(en, "true") != 0)
		diag_error(b->ld->dg, where(b, rec), rec->line, 0,
		    "invalid enabledUser \"%s\" (expected true or false)", en);
	person_roles(b, p, rec, rec->v[RU_ROLE]);
	if (*p->email != '\0') {
		if (ri_key(key, sizeof(key), b->r, p->email, strlen(p->email),
		        0) < 0)
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "invalid e-mail \"%s\"", p->email);
		else if ((p->key = bdup(b, key)) == NULL)
			return -1;
	}
	if (rec->v[RU_PRIMARY] != NULL &&
	    add_org(b, i, rec->v[RU_PRIMARY], strlen(rec->v[RU_PRIMARY]), 3,
	        rec, "primaryOrgSourcedId") < 0)
		return -1;
	list = rec->v[RU_ORGS];
	while (list != NULL && next_item(&list, &item, &len))
		if (add_org(b, i, item, len, 2, rec, "orgSourcedIds") < 0)
			return -1;
	return 0;
}

/* build_persons - users.csv into r->persons, indexed by sourcedId */
static int
build_persons(struct bstate *b)
{
	struct roster *r = b->r;
	size_t i, n = live(b->ld, RI_USERS);
	uint32_t *slot;
	int isnew;

	if ((r->persons = calloc(n + 1, sizeof(*r->persons))) == NULL ||
	    (b->urec = calloc(n + 1, sizeof(*b->urec))) == NULL ||
	    (b->school_prio = calloc(n + 1, 1)) == NULL)
		return -1;
	r->npersons = n;
	for (i = 0; i < n; i++) {
		if (build_person(
		        b, (uint32_t)i, b->ld->tables[RI_USERS].recs[i]) < 0)
			return -1;
		if ((slot = strmap_ref(&r->by_id, r->persons[i].id, &isnew)) ==
		    NULL)
			return -1;
		*slot = (uint32_t)i;
	}
	return 0;
}

/* find_person - the person with sourcedId id, warning (and counting an
 * orphan) when there is none */
static uint32_t
find_person(struct bstate *b, const struct ri_rec *rec, const char *column,
    const char *id)
{
	uint32_t i = strmap_get(&b->r->by_id, id);

	if (i == RI_NONE) {
		b->r->stats.orphan_references++;
		diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
		    "%s names unknown user \"%s\"", column, id);
	}
	return i;
}

/* apply_roles - roles.csv (1.2): roles and orgs of persons */
static int
apply_roles(struct bstate *b)
{
	struct ri_rec *rec;
	size_t k, n = live(b->ld, RI_ROLES);
	uint32_t i;
	int prio;

	for (k = 0; k < n; k++) {
		rec = b->ld->tables[RI_ROLES].recs[k];
		if (rec->v[RR_USER] == NULL ||
		    (i = find_person(
		         b, rec, "userSourcedId", rec->v[RR_USER])) == RI_NONE)
			continue;
		person_roles(b, &b->r->persons[i], rec, rec->v[RR_ROLE]);
		prio = rec->v[RR_TYPE] != NULL &&
		        ri_casecmp(rec->v[RR_TYPE], "primary") == 0 ?
		    3 :
		    2;
		if (rec->v[RR_ORG] != NULL &&
		    add_org(b, i, rec->v[RR_ORG], strlen(rec->v[RR_ORG]), prio,
		        rec, "orgSourcedId") < 0)
			return -1;
	}
	return 0;
}

/* index_key - person i into the e-mail index, chained behind others
 * with the same address */
static int
index_key(struct bstate *b, uint32_t i)
{
	struct roster *r = b->r;
	struct roster_person *p = &r->persons[i], *q;
	uint32_t *slot, j;
	int isnew, conflict = 0;

	if ((slot = strmap_ref(&r->by_key, p->key, &isnew)) == NULL)
		return -1;
	if (isnew) {
		*slot = i;
		return 0;
	}
	r->stats.duplicate_emails++;
	for (j = *slot;; j = q->next_same) {
		q = &r->persons[j];
		if (((p->roles & ROSTER_STUDENT) &&
		        (q->roles & ROSTER_STAFF)) ||
		    ((p->roles & ROSTER_STAFF) &&
		        (q->roles & ROSTER_STUDENT))) {
			conflict = 1;
			diag_error(b->ld->dg, pwhere(b, p), p->line, 0,
			    "e-mail \"%s\" of \"%s\" is also the e-mail of "
			    "\"%s\" (%s:%lu): a student and a staff member "
			    "cannot share an address",
			    p->email, p->id, q->id, pwhere(b, q),
			    (unsigned long)q->line);
		}
		if (q->next_same == RI_NONE)
			break;
	}
	if (!conflict)
		diag_warn(b->ld->dg, pwhere(b, p), p->line, 0,
		    "e-mail \"%s\" of \"%s\" is also the e-mail of \"%s\" "
		    "(%s:%lu)",
		    p->email, p->id, r->persons[*slot].id,
		    pwhere(b, &r->persons[*slot]),
		    (unsigned long)r->persons[*slot].line);
	q->next_same = i;
	return 0;
}

/* index_login - person i into a login map under s (lower-cased); staff
 * win a shared name. Warns about shared usernames when warn is set. */
static int
index_login(
    struct bstate *b, struct strmap *m, uint32_t i, const char *s, int warn)
{
	struct roster *r = b->r;
	struct roster_person *p = &r->persons[i], *q;
	size_t len = strlen(s);
	uint32_t *slot;
	char *key;
	int isnew;

	if (len == 0)
		return 0;
	if ((key = arena_alloc(&r->arena, len + 1)) == NULL)
		return -1;
	ri_lower(key, s, len);
	key[len] = '\0';
	if ((slot = strmap_ref(m, key, &isnew)) == NULL)
		return -1;
	if (isnew) {
		*slot = i;
		return 0;
	}
	q = &r->persons[*slot];
	if (warn)
		diag_warn(b->ld->dg, pwhere(b, p), p->line, 0,
		    "username \"%s\" of \"%s\" is also the username of \"%s\" "
		    "(%s:%lu)",
		    s, p->id, q->id, pwhere(b, q), (unsigned long)q->line);
	if ((p->roles & ROSTER_STAFF) && !(q->roles & ROSTER_STAFF))
		*slot = i;
	return 0;
}

/* index_persons - the e-mail, username and identifier indexes */
static int
index_persons(struct bstate *b)
{
	struct roster *r = b->r;
	uint32_t i;

	for (i = 0; i < r->npersons; i++) {
		if (r->persons[i].key != NULL && index_key(b, i) < 0)
			return -1;
		if (index_login(
		        b, &r->by_username, i, r->persons[i].username, 1) < 0 ||
		    index_login(
		        b, &r->by_ident, i, r->persons[i].identifier, 0) < 0)
			return -1;
	}
	return 0;
}

/* account_of - the staff or student person (not g) whose address g
 * shares, or NULL */
static const struct roster_person *
account_of(const struct roster *r, const struct roster_person *g)
{
	const struct roster_person *q;
	uint32_t j;

	if (g->key == NULL)
		return NULL;
	for (j = strmap_get(&r->by_key, g->key); j != RI_NONE;
	     j = q->next_same) {
		q = &r->persons[j];
		if (q->roles & (ROSTER_STAFF | ROSTER_STUDENT))
			return q;
	}
	return NULL;
}

/* role_word - how a person's role reads in a warning */
static const char *
role_word(const struct roster_person *p)
{
	return *p->role != '\0' ? p->role : "user without a role";
}

/* guardian_ok - may g be linked as a guardian of student s? Warns, once
 * per guardian, when g's address is a staff or student account. */
static int
guardian_ok(
    struct bstate *b, struct roster_person *g, const struct roster_person *s)
{
	const struct roster_person *acct;
	const char *kind;

	if (!(g->roles & ROSTER_GUARDIAN) || (g->flags & ROSTER_DISABLED))
		return 0;
	if ((acct = account_of(b->r, g)) == NULL)
		return 1;
	if (g->flags & RI_WARNED_EMAIL)
		return 0;
	g->flags |= RI_WARNED_EMAIL;
	b->r->stats.agents_with_staff_email++;
	kind = (acct->roles & ROSTER_STAFF) ? "staff member" : "student";
	if (acct == g)
		diag_warn(b->ld->dg, pwhere(b, g), g->line, 0,
		    "guardian \"%s\" of \"%s\" is also a %s (\"%s\"); not "
		    "linked",
		    g->id, s->id, kind, g->email);
	else
		diag_warn(b->ld->dg, pwhere(b, g), g->line, 0,
		    "guardian \"%s\" of \"%s\" has the e-mail of %s \"%s\" "
		    "(\"%s\"); not linked",
		    g->id, s->id, kind, acct->id, g->email);
	return 0;
}

/* link_agents - the pairs named by person i's agentSourcedIds */
static int
link_agents(struct bstate *b, uint32_t i)
{
	struct roster *r = b->r;
	struct roster_person *p = &r->persons[i], *q;
	const struct ri_rec *rec = b->urec[i];
	const char *list = rec->v[RU_AGENTS], *item;
	size_t len;
	uint32_t j;
	int student = (p->roles & ROSTER_STUDENT) != 0;

	if (!student && !(p->roles & (ROSTER_GUARDIAN | ROSTER_RELATIVE)))
		return 0;
	while (list != NULL && next_item(&list, &item, &len)) {
		if ((j = strmap_getn(&r->by_id, item, len)) == RI_NONE) {
			r->stats.orphan_references++;
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "agentSourcedIds of \"%s\" names unknown user "
			    "\"%.*s\"",
			    p->id, (int)len, item);
			continue;
		}
		q = &r->persons[j];
		if (student) {
			if (!(q->roles & (ROSTER_GUARDIAN | ROSTER_RELATIVE))) {
				r->stats.agents_not_guardians++;
				diag_warn(b->ld->dg, where(b, rec), rec->line,
				    0,
				    "agent \"%s\" of student \"%s\" is a %s, "
				    "not a guardian; not linked",
				    q->id, p->id, role_word(q));
			} else if (guardian_ok(b, q, p) &&
			    u64vec_push(&b->links, pair(i, j)) < 0)
				return -1;
		} else if (!(q->roles & ROSTER_STUDENT)) {
			r->stats.agents_not_guardians++;
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "agent \"%s\" of guardian \"%s\" is a %s, not a "
			    "student; not linked",
			    q->id, p->id, role_word(q));
		} else if (guardian_ok(b, p, q) &&
		    u64vec_push(&b->links, pair(j, i)) < 0)
			return -1;
	}
	return 0;
}

/* link_guardians - the guardian-student links, both directions */
static int
link_guardians(struct bstate *b)
{
	struct roster *r = b->r;
	struct u64vec rev = {NULL, 0, 0};
	size_t k;
	uint32_t i;
	int rc = -1;

	for (i = 0; i < r->npersons; i++)
		if (link_agents(b, i) < 0)
			return -1;
	u64vec_sort_unique(&b->links);
	r->stats.links = b->links.n;
	for (k = 0; k < b->links.n; k++)
		if (u64vec_push(
		        &rev, b->links.v[k] << 32 | b->links.v[k] >> 32) < 0)
			goto out;
	if (lay_out(b, &b->links, &r->persons[0].guardians,
	        sizeof(r->persons[0])) < 0 ||
	    lay_out(b, &rev, &r->persons[0].wards, sizeof(r->persons[0])) < 0)
		goto out;
	rc = 0;
out:
	u64vec_free(&rev);
	return rc;
}

/* enroll - enrollments.csv: the sections of each person */
static int
enroll(struct bstate *b)
{
	struct roster *r = b->r;
	struct ri_rec *rec;
	size_t k, n = live(b->ld, RI_ENROLLMENTS);
	uint32_t i, s;

	for (k = 0; k < n; k++) {
		rec = b->ld->tables[RI_ENROLLMENTS].recs[k];
		if (rec->v[RE_USER] == NULL || rec->v[RE_CLASS] == NULL)
			continue;
		if ((i = find_person(
		         b, rec, "userSourcedId", rec->v[RE_USER])) == RI_NONE)
			continue;
		if ((s = strmap_get(&r->section_by_id, rec->v[RE_CLASS])) ==
		    RI_NONE) {
			r->stats.orphan_references++;
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "classSourcedId names unknown class \"%s\"",
			    rec->v[RE_CLASS]);
			continue;
		}
		r->stats.enrollments++;
		if (u64vec_push(&b->sections, pair(i, s)) < 0)
			return -1;
	}
	return 0;
}

/* demographics - birth dates */
static void
demographics(struct bstate *b)
{
	struct ri_rec *rec;
	size_t k, n = live(b->ld, RI_DEMOGRAPHICS);
	unsigned long ymd;
	long days;
	uint32_t i;

	for (k = 0; k < n; k++) {
		rec = b->ld->tables[RI_DEMOGRAPHICS].recs[k];
		if (rec->v[RD_BIRTH] == NULL ||
		    (i = find_person(b, rec, "sourcedId", rec->id)) == RI_NONE)
			continue;
		if (ri_parse_date(rec->v[RD_BIRTH], &days, &ymd) < 0)
			diag_warn(b->ld->dg, where(b, rec), rec->line, 0,
			    "invalid birthDate \"%s\" (expected YYYY-MM-DD)",
			    rec->v[RD_BIRTH]);
		else
			b->r->persons[i].birth = (uint32_t)ymd;
	}
}

/* levels - grade and level of every student */
static void
levels(struct bstate *b)
{
	struct roster *r = b->r;
	struct roster_person *p;
	const struct roster_bands *bands;
	uint32_t i, k, g;
	int grade;

	for (i = 0; i < r->npersons; i++) {
		p = &r->persons[i];
		if (!(p->roles & ROSTER_STUDENT))
			continue;
		grade = grade_list(b, b->urec[i], b->urec[i]->v[RU_GRADES]);
		if (grade == 0) {
			for (k = 0; k < p->sections.n; k++) {
				g = r->sections[r->pool[p->sections.off + k]]
				        .grade;
				if (g != 0 && (grade == 0 || (int)g < grade))
					grade = (int)g;
			}
			if (grade != 0)
				p->flags |= ROSTER_GRADE_CLASSES;
		}
		p->grade = (unsigned char)grade;
		bands = p->school == RI_NONE ?
		    &r->bands :
		    roster_org_bands(r, &r->orgs[p->school]);
		p->level = (unsigned char)roster_bands_level(bands, grade);
	}
}

/* count - the closing statistics and the students without guardians */
static void
count(struct bstate *b)
{
	struct roster *r = b->r;
	struct roster_stats *st = &r->stats;
	struct roster_person *p;
	size_t i;

	st->persons = r->npersons;
	st->orgs = r->norgs;
	st->sections = r->nsections;
	st->version = b->ld->version;
	for (i = 0; i < r->norgs; i++)
		st->schools += r->orgs[i].is_school;
	for (i = 0; i < r->npersons; i++) {
		p = &r->persons[i];
		st->students += (p->roles & ROSTER_STUDENT) != 0;
		st->guardians += (p->roles & ROSTER_GUARDIAN) != 0;
		st->staff += (p->roles & ROSTER_STAFF) != 0;
		st->disabled += (p->flags & ROSTER_DISABLED) != 0;
		if ((p->roles & ROSTER_STUDENT) && p->guardians.n == 0 &&
		    !(p->flags & ROSTER_DISABLED)) {
			st->students_without_guardians++;
			diag_warn(b->ld->dg, pwhere(b, p), p->line, 0,
			    "student \"%s\" has no guardian", p->id);
		}
	}
}

int
ri_build(struct roster *r, struct ri_load *ld)
{
	struct bstate b;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.r = r;
	b.ld = ld;
	if (build_orgs(&b) < 0 || build_sections(&b) < 0 ||
	    build_persons(&b) < 0 || apply_roles(&b) < 0)
		goto out;
	if (lay_out(&b, &b.orgs, &r->persons[0].orgs, sizeof(r->persons[0])) <
	        0 ||
	    index_persons(&b) < 0 || link_guardians(&b) < 0 || enroll(&b) < 0 ||
	    lay_out(&b, &b.sections, &r->persons[0].sections,
	        sizeof(r->persons[0])) < 0)
		goto out;
	demographics(&b);
	r->pool = b.pool.v;
	r->npool = b.pool.n;
	b.pool.v = NULL;
	levels(&b);
	count(&b);
	rc = 0;
out:
	free(b.urec);
	free(b.orec);
	free(b.srec);
	free(b.school_prio);
	u64vec_free(&b.orgs);
	u64vec_free(&b.sections);
	u64vec_free(&b.links);
	u32vec_free(&b.pool);
	return rc;
}
