/*
 * read.c - read OneRoster export directories into raw tables
 *
 * Each directory's manifest.csv says which files it holds and whether
 * each is a bulk file (replaces the table) or a delta (updates records
 * by sourcedId). Columns are taken by name; a record keeps only the
 * cells the directory needs, trimmed, in the scratch arena.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compat.h"
#include "csv.h"
#include "diag.h"
#include "roster_int.h"

enum mode { MODE_ABSENT, MODE_BULK, MODE_DELTA };

/* When a column is required. */
enum need { OPTIONAL, REQUIRED, REQUIRED_11 /* in a 1.1 export */ };

struct colspec {
	const char *name;
	int slot;
	enum need need;
};

struct kindspec {
	const char *file;
	const char *key; /* manifest property */
	int nslots;
	struct colspec cols[RI_MAX_FIELDS + 1];
};

static const struct kindspec kinds[RI_KINDS] = {
    [RI_ORGS] = {"orgs.csv", "file.orgs", RO_N,
        {{"name", RO_NAME, OPTIONAL}, {"type", RO_TYPE, REQUIRED},
            {"identifier", RO_IDENT, OPTIONAL},
            {"parentSourcedId", RO_PARENT, OPTIONAL}, {NULL, 0, 0}}},
    [RI_SECTIONS] = {"classes.csv", "file.classes", RS_N,
        {{"title", RS_TITLE, OPTIONAL}, {"classCode", RS_CODE, OPTIONAL},
            {"schoolSourcedId", RS_SCHOOL, REQUIRED},
            {"grades", RS_GRADES, OPTIONAL}, {NULL, 0, 0}}},
    [RI_USERS] = {"users.csv", "file.users", RU_N,
        {{"enabledUser", RU_ENABLED, OPTIONAL},
            {"orgSourcedIds", RU_ORGS, REQUIRED_11},
            {"role", RU_ROLE, REQUIRED_11}, {"username", RU_USERNAME, OPTIONAL},
            {"identifier", RU_IDENT, OPTIONAL},
            {"givenName", RU_GIVEN, OPTIONAL},
            {"familyName", RU_FAMILY, OPTIONAL}, {"email", RU_EMAIL, REQUIRED},
            {"agentSourcedIds", RU_AGENTS, REQUIRED},
            {"grades", RU_GRADES, OPTIONAL},
            {"primaryOrgSourcedId", RU_PRIMARY, OPTIONAL}, {NULL, 0, 0}}},
    [RI_ROLES] = {"roles.csv", "file.roles", RR_N,
        {{"userSourcedId", RR_USER, REQUIRED}, {"roleType", RR_TYPE, OPTIONAL},
            {"role", RR_ROLE, REQUIRED}, {"orgSourcedId", RR_ORG, REQUIRED},
            {NULL, 0, 0}}},
    [RI_ENROLLMENTS] = {"enrollments.csv", "file.enrollments", RE_N,
        {{"classSourcedId", RE_CLASS, REQUIRED},
            {"schoolSourcedId", RE_SCHOOL, OPTIONAL},
            {"userSourcedId", RE_USER, REQUIRED}, {"role", RE_ROLE, REQUIRED},
            {NULL, 0, 0}}},
    [RI_DEMOGRAPHICS] = {"demographics.csv", "file.demographics", RD_N,
        {{"birthDate", RD_BIRTH, REQUIRED}, {NULL, 0, 0}}},
};

/* One directory's manifest. */
struct manifest {
	enum mode mode[RI_KINDS];
	unsigned long line[RI_KINDS]; /* where file.X was given, or 0 */
	int version;                  /* 11, 12, or 0 if unusable */
};

/* join - "dir/name" into dst; -1 if it does not fit */
static int
join(char *dst, size_t size, const char *dir, const char *name)
{
	size_t dl = strlen(dir);
	int n;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	n = snprintf(dst, size, "%.*s/%s", (int)dl, dir, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

uint32_t
ri_file_add(struct ri_load *ld, const char *path)
{
	struct ri_file *f;
	struct stat st;

	if (ld->nfiles >= RI_NONE - 1)
		return RI_NONE;
	if ((f = realloc(ld->files, (ld->nfiles + 1) * sizeof(*f))) == NULL)
		return RI_NONE;
	ld->files = f;
	f = &ld->files[ld->nfiles];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL)
		return RI_NONE;
	if (stat(path, &st) == 0) {
		f->exists = 1;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->size = st.st_size;
		f->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL +
		    st.st_mtim.tv_nsec;
	}
	return (uint32_t)ld->nfiles++;
}

/* parse_version - 11 or 12 from "1.1", "1.2", "1.2.0" ...; 0 otherwise */
static int
parse_version(const char *s)
{
	int v;

	if (strncmp(s, "1.1", 3) == 0)
		v = 11;
	else if (strncmp(s, "1.2", 3) == 0)
		v = 12;
	else
		return 0;
	return s[3] == '\0' || s[3] == '.' ? v : 0;
}

/* trim_span - s without surrounding blanks, as pointer and length */
static const char *
trim_span(const char *s, size_t *len)
{
	size_t n = strlen(s);

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

/* read_manifest - the manifest of dir into m; -1 if it is unusable
 * (reported), -2 when out of memory */
static int
read_manifest(struct ri_load *ld, const char *dir, struct manifest *m)
{
	char path[4096];
	struct csv *c;
	const char *name, *val;
	size_t vlen, k;
	int cname, cval, r, have_version = 0;

	memset(m, 0, sizeof(*m));
	if (join(path, sizeof(path), dir, "manifest.csv") < 0) {
		diag_error(ld->dg, dir, 0, 0, "path too long");
		return -1;
	}
	if (ri_file_add(ld, path) == RI_NONE)
		return -2;
	if (csv_open(&c, path, NULL, ld->dg) < 0)
		return -1;
	cname = csv_require(c, "propertyName");
	cval = csv_require(c, "value");
	if (cname < 0 || cval < 0) {
		csv_free(c);
		return -1;
	}
	while ((r = csv_next(c)) == 1) {
		name = csv_get(c, cname);
		val = trim_span(csv_get(c, cval), &vlen);
		if (strcmp(name, "oneroster.version") == 0) {
			have_version = 1;
			if ((m->version = parse_version(val)) == 0)
				csv_error(c, cval,
				    "unsupported oneroster.version \"%s\" "
				    "(expected 1.1 or 1.2)",
				    val);
			continue;
		}
		for (k = 0; k < RI_KINDS; k++)
			if (strcmp(name, kinds[k].key) == 0)
				break;
		if (k == RI_KINDS)
			continue;
		m->line[k] = csv_line(c);
		if (vlen == 0 || ri_casecmp(val, "absent") == 0)
			m->mode[k] = MODE_ABSENT;
		else if (ri_casecmp(val, "bulk") == 0)
			m->mode[k] = MODE_BULK;
		else if (ri_casecmp(val, "delta") == 0)
			m->mode[k] = MODE_DELTA;
		else
			csv_error(c, cval,
			    "invalid value \"%s\" for %s (expected absent, bulk "
			    "or delta)",
			    val, name);
	}
	if (r == 0 && !have_version)
		diag_error(ld->dg, path, 0, 0, "no oneroster.version property");
	csv_free(c);
	return r == 0 && m->version != 0 ? 0 : -1;
}

/* table_reset - empty t for a bulk file */
static void
table_reset(struct ri_table *t)
{
	t->n = 0;
	strmap_clear(&t->ids);
	t->loaded = 1;
}

/* table_push - append rec; -1 when out of memory */
static int
table_push(struct ri_table *t, struct ri_rec *rec)
{
	struct ri_rec **p;
	size_t cap;

	if (t->n == t->cap) {
		cap = t->cap == 0 ? 256 : t->cap * 2;
		if ((p = realloc(t->recs, cap * sizeof(*p))) == NULL)
			return -1;
		t->recs = p;
		t->cap = cap;
	}
	t->recs[t->n++] = rec;
	return 0;
}

/* status_dead - 0 for active (or empty), 1 for tobedeleted (and 1.0's
 * inactive), -1 (reported) otherwise */
static int
status_dead(struct csv *c, int col)
{
	size_t len;
	const char *s = trim_span(csv_get(c, col), &len);

	if (len == 0 || (len == 6 && strncmp(s, "active", 6) == 0))
		return 0;
	if ((len == 11 && strncmp(s, "tobedeleted", 11) == 0) ||
	    (len == 8 && strncmp(s, "inactive", 8) == 0))
		return 1;
	csv_error(c, col,
	    "unknown status \"%s\" (expected active or tobedeleted)",
	    csv_get(c, col));
	return -1;
}

/* make_rec - a record of kind from the current row; NULL on no memory */
static struct ri_rec *
make_rec(struct ri_load *ld, struct csv *c, const struct kindspec *ks,
    const int *cols, const char *id, size_t idlen, uint32_t file, int dead)
{
	struct ri_rec *rec;
	const char *s;
	size_t len;
	int i;

	rec = arena_alloc(&ld->scratch,
	    sizeof(*rec) + (size_t)ks->nslots * sizeof(rec->v[0]));
	if (rec == NULL ||
	    (rec->id = arena_strndup(&ld->scratch, id, idlen)) == NULL)
		return NULL;
	rec->file = file;
	rec->line = (uint32_t)csv_line(c);
	rec->dead = (unsigned char)dead;
	for (i = 0; i < ks->nslots; i++) {
		rec->v[i] = NULL;
		if (dead || cols[i] < 0)
			continue;
		s = trim_span(csv_get(c, cols[i]), &len);
		if (len > 0 &&
		    (rec->v[i] = arena_strndup(&ld->scratch, s, len)) == NULL)
			return NULL;
	}
	return rec;
}

/* read_rows - the records of an open file into table t; -1 on no memory */
static int
read_rows(struct ri_load *ld, struct csv *c, enum ri_kind k, int idcol,
    int stcol, const int *cols, uint32_t file)
{
	struct ri_table *t = &ld->tables[k];
	struct ri_rec *rec;
	const char *id;
	uint32_t *slot;
	size_t idlen;
	int dead, isnew;

	while (csv_next(c) == 1) {
		id = trim_span(csv_get(c, idcol), &idlen);
		if (idlen == 0) {
			csv_error(c, idcol, "empty sourcedId");
			continue;
		}
		if ((dead = stcol < 0 ? 0 : status_dead(c, stcol)) < 0)
			continue;
		if (t->n >= BOUND_ROSTER_RECORDS) {
			csv_error(c, -1, "more than %d records",
			    BOUND_ROSTER_RECORDS);
			return 0;
		}
		if ((rec = make_rec(ld, c, &kinds[k], cols, id, idlen, file,
		         dead)) == NULL ||
		    (slot = strmap_ref(&t->ids, rec->id, &isnew)) == NULL)
			return -1;
		if (!isnew && t->recs[*slot]->file == file) {
			csv_error(c, idcol,
			    "duplicate sourcedId \"%s\" (first at line %lu)",
			    rec->id, (unsigned long)t->recs[*slot]->line);
			continue;
		}
		if (!isnew) {
			t->recs[*slot] = rec;
			continue;
		}
		*slot = (uint32_t)t->n;
		if (table_push(t, rec) < 0)
			return -1;
	}
	return 0;
}

/* read_file - one export file of kind k; -1 on no memory */
static int
read_file(struct ri_load *ld, const char *dir, enum ri_kind k,
    const struct manifest *m)
{
	const struct kindspec *ks = &kinds[k];
	int cols[RI_MAX_FIELDS], idcol, stcol, i, missing = 0, rc;
	struct csv *c;
	char path[4096];
	uint32_t file;

	if (join(path, sizeof(path), dir, ks->file) < 0) {
		diag_error(ld->dg, dir, 0, 0, "path too long");
		return 0;
	}
	if ((file = ri_file_add(ld, path)) == RI_NONE)
		return -1;
	if (m->mode[k] == MODE_ABSENT) {
		if (ld->files[file].exists && m->line[k] > 0)
			diag_warn(ld->dg, path, 0, 0,
			    "ignored: manifest.csv lists %s as absent",
			    ks->key);
		else if (ld->files[file].exists)
			diag_warn(ld->dg, path, 0, 0,
			    "ignored: manifest.csv does not list %s", ks->key);
		return 0;
	}
	if (csv_open(&c, path, NULL, ld->dg) < 0)
		return 0;
	idcol = csv_require(c, "sourcedId");
	stcol = csv_find(c, "status");
	for (i = 0; i < ks->nslots; i++)
		cols[i] = -1;
	for (i = 0; ks->cols[i].name != NULL; i++) {
		if (ks->cols[i].need == REQUIRED ||
		    (ks->cols[i].need == REQUIRED_11 && m->version == 11))
			cols[ks->cols[i].slot] =
			    csv_require(c, ks->cols[i].name);
		else
			cols[ks->cols[i].slot] = csv_find(c, ks->cols[i].name);
		if (cols[ks->cols[i].slot] < 0 &&
		    ks->cols[i].need != OPTIONAL &&
		    (ks->cols[i].need == REQUIRED || m->version == 11))
			missing = 1;
	}
	if (idcol < 0 || missing) {
		csv_free(c);
		return 0;
	}
	if (m->mode[k] == MODE_BULK)
		table_reset(&ld->tables[k]);
	rc = read_rows(ld, c, k, idcol, stcol, cols, file);
	csv_free(c);
	return rc;
}

/* read_dir - one export directory; -1 on no memory */
static int
read_dir(struct ri_load *ld, const char *dir, int first)
{
	struct manifest m;
	char path[4096];
	struct stat st;
	size_t k;
	int rc, err;

	if (stat(dir, &st) < 0)
		err = errno;
	else
		err = S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (err != 0) {
		diag_error(ld->dg, dir, 0, 0,
		    "cannot open the roster directory: %s", strerror(err));
		return 0;
	}
	if ((rc = read_manifest(ld, dir, &m)) < 0)
		return rc == -2 ? -1 : 0;
	if (first)
		ld->version = m.version;
	(void)join(path, sizeof(path), dir, "manifest.csv");
	for (k = 0; k < RI_KINDS; k++)
		if (m.mode[k] == MODE_DELTA && !ld->tables[k].loaded) {
			diag_error(ld->dg, path, m.line[k], 0,
			    "%s is delta, but no bulk %s comes before it",
			    kinds[k].key, kinds[k].file);
			m.mode[k] = MODE_ABSENT;
		}
	for (k = 0; k < RI_KINDS; k++)
		if (read_file(ld, dir, (enum ri_kind)k, &m) < 0)
			return -1;
	return 0;
}

int
ri_read_dirs(struct ri_load *ld, const char *const *dirs, size_t ndirs)
{
	char path[4096];
	size_t i;

	if (ndirs == 0 || ndirs > BOUND_ROSTER_DIRS) {
		diag_error(ld->dg, NULL, 0, 0,
		    "a roster needs 1 to %d export directories, not %zu",
		    BOUND_ROSTER_DIRS, ndirs);
		return 0;
	}
	for (i = 0; i < ndirs; i++) {
		if (read_dir(ld, dirs[i], i == 0) < 0)
			return -1;
		if (diag_full(ld->dg))
			return 0;
	}
	if (diag_count(ld->dg) > 0)
		return 0;
	(void)join(path, sizeof(path), dirs[0], "manifest.csv");
	if (!ld->tables[RI_ORGS].loaded)
		diag_error(ld->dg, path, 0, 0,
		    "orgs.csv is required (file.orgs is absent)");
	if (!ld->tables[RI_USERS].loaded)
		diag_error(ld->dg, path, 0, 0,
		    "users.csv is required (file.users is absent)");
	if (ld->version == 12 && !ld->tables[RI_ROLES].loaded)
		diag_error(ld->dg, path, 0, 0,
		    "roles.csv is required in OneRoster 1.2 (file.roles is "
		    "absent)");
	return 0;
}

void
ri_load_free(struct ri_load *ld)
{
	size_t k;

	for (k = 0; k < RI_KINDS; k++) {
		free(ld->tables[k].recs);
		strmap_free(&ld->tables[k].ids);
	}
	arena_free(&ld->scratch);
	for (k = 0; k < ld->nfiles; k++)
		free(ld->files[k].path);
	free(ld->files);
	ld->files = NULL;
	ld->nfiles = 0;
}
