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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aliases.h"
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
	int ref; /* the kind whose sourcedIds it holds, or -1 */
};

struct kindspec {
	const char *file;
	const char *key; /* manifest property */
	int nslots;
	int idref; /* the kind whose sourcedIds it shares, or -1 */
	struct colspec cols[RI_MAX_FIELDS + 1];
};

static const struct kindspec kinds[RI_KINDS] = {
    [RI_ORGS] = {"orgs.csv", "file.orgs", RO_N, -1,
        {{"name", RO_NAME, OPTIONAL, -1}, {"type", RO_TYPE, REQUIRED, -1},
            {"identifier", RO_IDENT, OPTIONAL, -1},
            {"parentSourcedId", RO_PARENT, OPTIONAL, RI_ORGS},
            {NULL, 0, 0, -1}}},
    [RI_SECTIONS] = {"classes.csv", "file.classes", RS_N, -1,
        {{"title", RS_TITLE, OPTIONAL, -1},
            {"classCode", RS_CODE, OPTIONAL, -1},
            {"schoolSourcedId", RS_SCHOOL, REQUIRED, RI_ORGS},
            {"grades", RS_GRADES, OPTIONAL, -1}, {NULL, 0, 0, -1}}},
    [RI_USERS] = {"users.csv", "file.users", RU_N, -1,
        {{"enabledUser", RU_ENABLED, OPTIONAL, -1},
            {"orgSourcedIds", RU_ORGS, REQUIRED_11, -1},
            {"role", RU_ROLE, REQUIRED_11, -1},
            {"username", RU_USERNAME, OPTIONAL, -1},
            {"identifier", RU_IDENT, OPTIONAL, -1},
            {"givenName", RU_GIVEN, OPTIONAL, -1},
            {"familyName", RU_FAMILY, OPTIONAL, -1},
            {"email", RU_EMAIL, REQUIRED, -1},
            {"agentSourcedIds", RU_AGENTS, REQUIRED, -1},
            {"grades", RU_GRADES, OPTIONAL, -1},
            {"primaryOrgSourcedId", RU_PRIMARY, OPTIONAL, RI_ORGS},
            {NULL, 0, 0, -1}}},
    [RI_ROLES] = {"roles.csv", "file.roles", RR_N, -1,
        {{"userSourcedId", RR_USER, REQUIRED, RI_USERS},
            {"roleType", RR_TYPE, OPTIONAL, -1},
            {"role", RR_ROLE, REQUIRED, -1},
            {"orgSourcedId", RR_ORG, REQUIRED, RI_ORGS}, {NULL, 0, 0, -1}}},
    [RI_ENROLLMENTS] = {"enrollments.csv", "file.enrollments", RE_N, -1,
        {{"classSourcedId", RE_CLASS, REQUIRED, RI_SECTIONS},
            {"userSourcedId", RE_USER, REQUIRED, RI_USERS}, {NULL, 0, 0, -1}}},
    [RI_DEMOGRAPHICS] = {"demographics.csv", "file.demographics", RD_N,
        RI_USERS, {{"birthDate", RD_BIRTH, REQUIRED, -1}, {NULL, 0, 0, -1}}},
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

/* stamp - what st says about a file, into f */
static void
stamp(struct ri_file *f, const struct stat *st)
{
	f->exists = 1;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime_ns =
	    (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	f->ctime_ns =
	    (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
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
	/* only whether it is there: a file that is read is stamped again
	 * from its descriptor (ri_file_opened) */
	if (stat(path, &st) == 0)
		stamp(f, &st);
	return (uint32_t)ld->nfiles++;
}

void
ri_file_stamp(struct ri_load *ld, uint32_t file, const struct stat *st)
{
	stamp(&ld->files[file], st);
}

void
ri_file_opened(struct ri_load *ld, uint32_t file, const struct csv *c)
{
	struct stat st;

	if (csv_fstat(c, &st) == 0)
		stamp(&ld->files[file], &st);
}

int
ri_file_moved(struct ri_load *ld, uint32_t file, const struct stat *now)
{
	const struct ri_file *f = &ld->files[file];
	struct ri_file after;

	memset(&after, 0, sizeof(after));
	if (now != NULL)
		stamp(&after, now);
	/* the same descriptor, so the same inode: its size or times moved
	 * while the rows were read, so they may be half old, half new */
	if (after.size == f->size && after.mtime_ns == f->mtime_ns &&
	    after.ctime_ns == f->ctime_ns)
		return 0;
	diag_error(ld->dg, f->path, 0, 0,
	    "the file changed while it was being read; not used, read again "
	    "at the next check (write the export elsewhere and rename it "
	    "into place)");
	return 1;
}

void
ri_file_close(struct ri_load *ld, uint32_t file, struct csv *c)
{
	struct stat st;
	int ok;

	if (c == NULL)
		return;
	ok = csv_fstat(c, &st) == 0;
	csv_free(c);
	(void)ri_file_moved(ld, file, ok ? &st : NULL);
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
	size_t vlen, k, before;
	int cname, cval, r, have_version = 0;
	uint32_t file;

	memset(m, 0, sizeof(*m));
	if (join(path, sizeof(path), dir, "manifest.csv") < 0) {
		diag_error(ld->dg, dir, 0, 0, "path too long");
		return -1;
	}
	if ((file = ri_file_add(ld, path)) == RI_NONE)
		return -2;
	if (csv_open(&c, path, NULL, ld->dg) < 0)
		return -1;
	ri_file_opened(ld, file, c);
	cname = csv_require(c, "propertyName");
	cval = csv_require(c, "value");
	if (cname < 0 || cval < 0) {
		ri_file_close(ld, file, c);
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
	before = diag_count(ld->dg);
	ri_file_close(ld, file, c);
	if (diag_count(ld->dg) > before)
		return -1;
	return r == 0 && m->version != 0 ? 0 : -1;
}

/* table_reset - empty t for a bulk file */
static void
table_reset(struct ri_table *t)
{
	t->n = 0;
	strmap_clear(&t->ids);
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

/* intern - s[0..len) in the scratch arena; a sourcedId that table ref
 * already holds is shared instead of copied (enrollments name each user
 * and class many times). NULL when out of memory. */
static const char *
intern(struct ri_load *ld, int ref, const char *s, size_t len)
{
	const struct ri_table *t;
	uint32_t i;

	if (ref >= 0) {
		t = &ld->tables[ref];
		if ((i = strmap_getn(&t->ids, s, len)) != RI_NONE)
			return t->recs[i]->id;
	}
	return arena_strndup(&ld->scratch, s, len);
}

/* make_rec - a record of kind from the current row; NULL on no memory */
static struct ri_rec *
make_rec(struct ri_load *ld, struct csv *c, const struct kindspec *ks,
    const int *cols, const char *id, size_t idlen, uint32_t file, int dead)
{
	struct ri_rec *rec;
	const char *s;
	size_t len;
	int i, slot;

	rec = arena_alloc(&ld->scratch,
	    sizeof(*rec) + (size_t)ks->nslots * sizeof(rec->v[0]));
	if (rec == NULL ||
	    (rec->id = arena_strndup(&ld->scratch, id, idlen)) == NULL)
		return NULL;
	rec->file = file;
	rec->line = (uint32_t)csv_line(c);
	rec->dead = (unsigned char)dead;
	for (i = 0; i < ks->nslots; i++)
		rec->v[i] = NULL;
	for (i = 0; !dead && ks->cols[i].name != NULL; i++) {
		slot = ks->cols[i].slot;
		if (cols[slot] < 0)
			continue;
		s = trim_span(csv_get(c, cols[slot]), &len);
		if (len > 0 &&
		    (rec->v[slot] = intern(ld, ks->cols[i].ref, s, len)) ==
		        NULL)
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
	ri_file_opened(ld, file, c);
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
		ri_file_close(ld, file, c);
		return 0;
	}
	if (m->mode[k] == MODE_BULK)
		table_reset(&ld->tables[k]);
	rc = read_rows(ld, c, k, idcol, stcol, cols, file);
	ri_file_close(ld, file, c);
	return rc;
}

/* check_dir - dir must be a directory (reported if not) */
static int
check_dir(struct ri_load *ld, const char *dir)
{
	struct stat st;
	int err;

	if (stat(dir, &st) < 0)
		err = errno;
	else
		err = S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (err != 0) {
		diag_error(ld->dg, dir, 0, 0,
		    "cannot open the roster directory: %s", strerror(err));
		return -1;
	}
	return 0;
}

/* read_manifests - every directory's manifest into m[]; bulk[k] tells
 * whether some directory has a bulk file of kind k, and a delta file
 * with no bulk file of its kind in an earlier directory is refused.
 * -1 when out of memory. */
static int
read_manifests(struct ri_load *ld, const char *const *dirs, size_t ndirs,
    struct manifest *m, int *bulk)
{
	char path[4096];
	size_t i, k;
	int rc;

	for (i = 0; i < ndirs; i++) {
		if (check_dir(ld, dirs[i]) < 0)
			continue;
		if ((rc = read_manifest(ld, dirs[i], &m[i])) == -2)
			return -1;
		if (rc < 0)
			continue;
		if (i == 0)
			ld->version = m[i].version;
		(void)join(path, sizeof(path), dirs[i], "manifest.csv");
		for (k = 0; k < RI_KINDS; k++) {
			if (m[i].mode[k] == MODE_DELTA && !bulk[k]) {
				diag_error(ld->dg, path, m[i].line[k], 0,
				    "%s is delta, but no bulk %s comes before "
				    "it",
				    kinds[k].key, kinds[k].file);
				m[i].mode[k] = MODE_ABSENT;
			}
			if (m[i].mode[k] == MODE_BULK)
				bulk[k] = 1;
		}
	}
	return 0;
}

int
ri_read_dirs(struct ri_load *ld, const char *const *dirs, size_t ndirs)
{
	struct manifest m[BOUND_ROSTER_DIRS];
	int bulk[RI_KINDS] = {0};
	size_t i, k, before = diag_count(ld->dg);
	char path[4096];

	if (ndirs == 0 || ndirs > BOUND_ROSTER_DIRS) {
		diag_error(ld->dg, NULL, 0, 0,
		    "a roster needs 1 to %d export directories, not %zu",
		    BOUND_ROSTER_DIRS, ndirs);
		return 0;
	}
	if (read_manifests(ld, dirs, ndirs, m, bulk) < 0)
		return -1;
	/* A directory or manifest that could not be read says so; what it
	 * would have listed is not missing on top of that. */
	if (diag_count(ld->dg) > before)
		return 0;
	(void)join(path, sizeof(path), dirs[0], "manifest.csv");
	if (!bulk[RI_ORGS])
		diag_error(ld->dg, path, 0, 0,
		    "orgs.csv is required (file.orgs is absent)");
	if (!bulk[RI_USERS])
		diag_error(ld->dg, path, 0, 0,
		    "users.csv is required (file.users is absent)");
	if (ld->version == 12 && !bulk[RI_ROLES])
		diag_error(ld->dg, path, 0, 0,
		    "roles.csv is required in OneRoster 1.2 (file.roles is "
		    "absent)");
	if (diag_count(ld->dg) > before)
		return 0;
	/* table by table, each over every directory in order: a table
	 * is complete before the tables that refer to it are read */
	for (k = 0; k < RI_KINDS; k++)
		for (i = 0; i < ndirs; i++) {
			if (read_file(ld, dirs[i], (enum ri_kind)k, &m[i]) < 0)
				return -1;
			if (diag_full(ld->dg))
				return 0;
		}
	return 0;
}

/* slurp - the rest of fd into *data (len bytes, at most max; one byte
 * more means the file grew), 0; -1 with errno */
static int
slurp(int fd, char **data, size_t *len, size_t max)
{
	size_t cap = max + 1;
	ssize_t n;

	*len = 0;
	if ((*data = malloc(cap)) == NULL)
		return -1;
	while (*len < cap) {
		n = read(fd, *data + *len, cap - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

/* read_alias_file - one virtual(5) source file into al; -1 when out of
 * memory, 0 otherwise (problems reported) */
static int
read_alias_file(struct ri_load *ld, struct aliases *al, const char *path)
{
	struct stat st, after;
	uint32_t file;
	char *data = NULL;
	size_t len;
	int fd, rc = 0;

	if ((file = ri_file_add(ld, path)) == RI_NONE)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		diag_error(ld->dg, path, 0, 0,
		    "cannot open the virtual alias file: %s", strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_error(ld->dg, path, 0, 0,
		    "not a regular file (the virtual alias file is the text "
		    "that postmap reads, not the .db it writes)");
		goto out;
	}
	ri_file_stamp(ld, file, &st);
	if (st.st_size > BOUND_ALIAS_FILE_BYTES) {
		diag_error(ld->dg, path, 0, 0, "larger than %d bytes; not read",
		    BOUND_ALIAS_FILE_BYTES);
		goto out;
	}
	if (slurp(fd, &data, &len, (size_t)st.st_size) == -1) {
		if (errno == ENOMEM) {
			rc = -1;
			goto out;
		}
		diag_error(ld->dg, path, 0, 0,
		    "cannot read the virtual alias file: %s", strerror(errno));
		goto out;
	}
	if (ri_file_moved(ld, file, fstat(fd, &after) == 0 ? &after : NULL) ||
	    len > (size_t)st.st_size)
		goto out;
	rc = aliases_parse(al, path, data, len, ld->dg);
out:
	free(data);
	(void)close(fd);
	return rc;
}

int
ri_read_aliases(struct roster *r, struct ri_load *ld)
{
	const struct roster_options *o = ld->opts;
	struct aliases_options ao;
	size_t i;

	if (o->naliases == 0)
		return 0;
	memset(&ao, 0, sizeof(ao));
	ao.local = (const char *const *)r->district;
	ao.nlocal = r->ndistrict;
	ao.delimiters = r->subaddress;
	/* Postfix gives a result without a domain @$myorigin: the first
	 * district domain stands for it */
	ao.origin = r->ndistrict > 0 ? r->district[0] : NULL;
	if (aliases_new(&r->aliases, &ao) == -1)
		return -1;
	for (i = 0; i < o->naliases; i++)
		if (read_alias_file(ld, r->aliases, o->aliases[i]) == -1)
			return -1;
	r->stats.aliases = aliases_count(r->aliases);
	r->stats.alias_results = aliases_results(r->aliases);
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
