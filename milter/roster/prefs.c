/*
 * prefs.c - the district's communication preferences file (format in
 * roster.h): opt-outs of guardians and students, and the dates parents
 * were advised of direct communication by staff, schools and sections
 *
 * A row that names nobody is a warning: families leave, and the file is
 * kept by hand. A row that is wrong (an unknown type, a field that does
 * not apply, a target of another kind, a bad date) is an error, because
 * ignoring it could ignore a family's choice.
 */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "bounds.h"
#include "csv.h"
#include "diag.h"
#include "roster_int.h"

enum ptype { P_GUARDIAN, P_STUDENT, P_STAFF, P_SCHOOL, P_CLASS, P_NTYPES };

static const char *const ptype_names[P_NTYPES] = {
    "guardian", "student", "staff", "school", "class"};
static const unsigned ptype_roles[P_NTYPES] = {
    ROSTER_GUARDIAN, ROSTER_STUDENT, ROSTER_STAFF, 0, 0};

/* A yes/no cell: unset (empty), no, yes. */
enum yesno { YN_UNSET = -1, YN_NO = 0, YN_YES = 1, YN_BAD = 2 };

/* Columns of the file. */
struct pcols {
	int type, id, email, copy, direct, date;
};

/* One row, parsed. */
struct prow {
	enum ptype type;
	const char *id, *email;
	enum yesno copy, direct;
	long days; /* -1: unset */
};

/* yesno - parse a yes/no cell */
static enum yesno
yesno(const char *s)
{
	static const char *const yes[] = {"yes", "y", "true", "1"};
	static const char *const no[] = {"no", "n", "false", "0"};
	size_t i;

	if (*s == '\0')
		return YN_UNSET;
	for (i = 0; i < 4; i++) {
		if (ri_casecmp(s, yes[i]) == 0)
			return YN_YES;
		if (ri_casecmp(s, no[i]) == 0)
			return YN_NO;
	}
	return YN_BAD;
}

/* cell - column col of the current row without surrounding blanks, in
 * buf (cut at its size: the values we need are short) */
static const char *
cell(struct csv *c, int col, char *buf, size_t size)
{
	const char *s = csv_get(c, col);
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

/* parse_row - the current row into pr; -1 when it has an error */
static int
parse_row(struct csv *c, const struct pcols *pc, struct prow *pr,
    char bufs[4][BOUND_ADDRESS_BYTES])
{
	const char *type, *v;
	unsigned long ymd;
	size_t t;
	int bad = 0;

	type = cell(c, pc->type, bufs[0], sizeof(bufs[0]));
	for (t = 0; t < P_NTYPES; t++)
		if (ri_casecmp(type, ptype_names[t]) == 0)
			break;
	if (t == P_NTYPES) {
		csv_error(c, pc->type,
		    "unknown type \"%s\" (expected guardian, student, staff, "
		    "school or class)",
		    type);
		return -1;
	}
	pr->type = (enum ptype)t;
	pr->id = cell(c, pc->id, bufs[1], sizeof(bufs[1]));
	pr->email = cell(c, pc->email, bufs[2], sizeof(bufs[2]));
	if (*pr->id == '\0' && *pr->email == '\0') {
		csv_error(c, -1, "row names neither a sourcedId nor an email");
		return -1;
	}
	if (*pr->id == '\0' && pr->type >= P_SCHOOL) {
		csv_error(
		    c, pc->id, "a %s row needs a sourcedId", ptype_names[t]);
		return -1;
	}
	pr->copy = yesno(cell(c, pc->copy, bufs[3], sizeof(bufs[3])));
	if (pr->copy == YN_BAD) {
		csv_error(c, pc->copy,
		    "invalid optOutCopy \"%s\" (expected yes or no)", bufs[3]);
		bad = 1;
	} else if (pr->copy != YN_UNSET && pr->type != P_GUARDIAN) {
		csv_error(c, pc->copy,
		    "optOutCopy applies to guardian rows "
		    "only");
		bad = 1;
	}
	pr->direct = yesno(cell(c, pc->direct, bufs[3], sizeof(bufs[3])));
	if (pr->direct == YN_BAD) {
		csv_error(c, pc->direct,
		    "invalid optOutDirect \"%s\" (expected yes or no)",
		    bufs[3]);
		bad = 1;
	} else if (pr->direct != YN_UNSET && pr->type != P_GUARDIAN &&
	    pr->type != P_STUDENT) {
		csv_error(c, pc->direct,
		    "optOutDirect applies to guardian and student rows only");
		bad = 1;
	}
	pr->days = -1;
	v = cell(c, pc->date, bufs[3], sizeof(bufs[3]));
	if (*v != '\0' && ri_parse_date(v, &pr->days, &ymd) < 0) {
		csv_error(c, pc->date,
		    "invalid advisedDate \"%s\" (expected YYYY-MM-DD)", v);
		bad = 1;
	} else if (*v != '\0' && pr->type < P_STAFF) {
		csv_error(c, pc->date,
		    "advisedDate applies to staff, school and class rows only");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* set_flag - apply a yes/no to a person flag */
static void
set_flag(struct roster_person *p, enum yesno v, uint16_t flag)
{
	if (v == YN_YES)
		p->flags |= flag;
	else if (v == YN_NO)
		p->flags &= (uint16_t)~flag;
}

/* apply_person - the row to person p */
static void
apply_person(struct roster_person *p, const struct prow *pr)
{
	set_flag(p, pr->copy, ROSTER_NO_COPY);
	set_flag(p, pr->direct, ROSTER_NO_DIRECT);
	if (pr->days >= 0)
		p->advised = (int32_t)pr->days;
}

/* role_text - a person's role for a message */
static const char *
role_text(const struct roster_person *p)
{
	return *p->role != '\0' ? p->role : "user without a role";
}

/* row_persons - apply a guardian, student or staff row; 1 if applied */
static int
row_persons(struct roster *r, struct csv *c, const struct pcols *pc,
    const struct prow *pr)
{
	unsigned want = ptype_roles[pr->type];
	const char *what = ptype_names[pr->type];
	struct roster_person *p;
	char key[BOUND_ADDRESS_BYTES];
	uint32_t i;
	int applied = 0, others = 0;

	if (*pr->id != '\0') {
		if ((i = strmap_get(&r->by_id, pr->id)) == RI_NONE) {
			csv_warn(
			    c, pc->id, "no user has sourcedId \"%s\"", pr->id);
			return 0;
		}
		p = &r->persons[i];
		if (!(p->roles & want)) {
			csv_error(c, pc->id, "user \"%s\" is a %s, not a %s",
			    pr->id, role_text(p), what);
			return 0;
		}
		apply_person(p, pr);
		return 1;
	}
	if (ri_key(key, sizeof(key), r, pr->email, strlen(pr->email), 0) < 0) {
		csv_error(c, pc->email, "invalid e-mail \"%s\"", pr->email);
		return 0;
	}
	for (i = strmap_get(&r->by_key, key); i != RI_NONE; i = p->next_same) {
		p = &r->persons[i];
		if (p->roles & want) {
			apply_person(p, pr);
			applied = 1;
		} else
			others = 1;
	}
	if (!applied && others)
		csv_error(c, pc->email, "no %s has the e-mail \"%s\"", what,
		    pr->email);
	else if (!applied)
		csv_warn(
		    c, pc->email, "no user has the e-mail \"%s\"", pr->email);
	return applied;
}

/* row_org - apply a school row (an org by sourcedId or identifier) */
static int
row_org(struct roster *r, struct csv *c, const struct pcols *pc,
    const struct prow *pr)
{
	uint32_t i = strmap_get(&r->org_by_id, pr->id);
	size_t k;
	int found = 0;

	if (i != RI_NONE) {
		if (pr->days >= 0)
			r->orgs[i].advised = (int32_t)pr->days;
		return 1;
	}
	for (k = 0; k < r->norgs; k++)
		if (strcmp(r->orgs[k].identifier, pr->id) == 0) {
			if (pr->days >= 0)
				r->orgs[k].advised = (int32_t)pr->days;
			found = 1;
		}
	if (!found)
		csv_warn(c, pc->id, "no org has sourcedId or identifier \"%s\"",
		    pr->id);
	return found;
}

/* row_section - apply a class row */
static int
row_section(struct roster *r, struct csv *c, const struct pcols *pc,
    const struct prow *pr)
{
	uint32_t i = strmap_get(&r->section_by_id, pr->id);

	if (i == RI_NONE) {
		csv_warn(c, pc->id, "no class has sourcedId \"%s\"", pr->id);
		return 0;
	}
	if (pr->days >= 0)
		r->sections[i].advised = (int32_t)pr->days;
	return 1;
}

int
ri_prefs(struct roster *r, struct ri_load *ld, const char *path)
{
	char bufs[4][BOUND_ADDRESS_BYTES];
	struct pcols pc;
	struct prow pr;
	struct csv *c;
	uint32_t file;
	int applied;

	if ((file = ri_file_add(ld, path)) == RI_NONE)
		return -1;
	if (csv_open(&c, path, NULL, ld->dg) < 0)
		return 0;
	ri_file_opened(ld, file, c);
	pc.type = csv_require(c, "type");
	pc.id = csv_find(c, "sourcedId");
	pc.email = csv_find(c, "email");
	pc.copy = csv_find(c, "optOutCopy");
	pc.direct = csv_find(c, "optOutDirect");
	pc.date = csv_find(c, "advisedDate");
	if (pc.id < 0 && pc.email < 0)
		diag_error(ld->dg, path, 1, 0,
		    "missing column \"sourcedId\" or \"email\"");
	if (pc.type < 0 || (pc.id < 0 && pc.email < 0)) {
		ri_file_close(ld, file, c);
		return 0;
	}
	while (csv_next(c) == 1) {
		if (parse_row(c, &pc, &pr, bufs) < 0)
			continue;
		if (pr.type == P_SCHOOL)
			applied = row_org(r, c, &pc, &pr);
		else if (pr.type == P_CLASS)
			applied = row_section(r, c, &pc, &pr);
		else
			applied = row_persons(r, c, &pc, &pr);
		r->stats.preferences += (size_t)applied;
	}
	ri_file_close(ld, file, c);
	return 0;
}
