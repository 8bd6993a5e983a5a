/*
 * roster_int.h - private to the roster module: milter/roster.c and the
 * files of milter/roster/
 *
 * Loading runs in two stages. read.c reads each export file into raw
 * tables of records (strings in a scratch arena, one hash map of
 * sourcedIds per table, deltas applied as they come). build.c turns the
 * surviving records into the final directory: compact arrays of persons,
 * orgs and sections whose strings live in the directory's own arena,
 * lists (orgs, sections, links) as index ranges in one pool, and hash
 * maps for every lookup. prefs.c then applies the preferences file. The
 * scratch arena and raw tables are freed before roster_load() returns.
 */
#ifndef GUARDIAN_ROSTER_INT_H
#define GUARDIAN_ROSTER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "roster.h"

struct csv;
struct diag;

#define RI_NONE UINT32_MAX

/* --- arena and string maps (table.c) ---------------------------------- */

struct arena_chunk;

/* A bump allocator: many small strings, freed all at once. */
struct arena {
	struct arena_chunk *head;
	size_t used, cap; /* within head */
	size_t total;     /* bytes in all chunks */
};

void *arena_alloc(struct arena *a, size_t n);
/* arena_strndup - a copy of s[0..len) with a NUL; NULL on no memory */
char *arena_strndup(struct arena *a, const char *s, size_t len);
void arena_free(struct arena *a);

/* An open-addressing map from a string (borrowed, must outlive the map)
 * to a 32-bit value. */
struct strmap_slot {
	const char *key; /* NULL: empty */
	uint32_t hash;
	uint32_t val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};

/* strmap_ref - the value slot of key, inserting it (value RI_NONE, *isnew
 * set to 1) when absent; NULL when out of memory */
uint32_t *strmap_ref(struct strmap *m, const char *key, int *isnew);
/* strmap_get - the value of key, or RI_NONE */
uint32_t strmap_get(const struct strmap *m, const char *key);
/* strmap_getn - the same for key[0..len) */
uint32_t strmap_getn(const struct strmap *m, const char *key, size_t len);
void strmap_clear(struct strmap *m);
void strmap_free(struct strmap *m);

/* A growable array of uint32_t. */
struct u32vec {
	uint32_t *v;
	size_t n, cap;
};

int u32vec_push(struct u32vec *v, uint32_t x);
void u32vec_free(struct u32vec *v);

/* A growable array of uint64_t (pairs of indexes, sorted to dedupe). */
struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

int u64vec_push(struct u64vec *v, uint64_t x);
/* u64vec_sort_unique - sort ascending and drop repeats */
void u64vec_sort_unique(struct u64vec *v);
void u64vec_free(struct u64vec *v);

/* ascii_lower - ASCII letters of s[0..len) lowered into dst */
void ri_lower(char *dst, const char *s, size_t len);
/* ri_casecmp - strcmp ignoring ASCII case */
int ri_casecmp(const char *a, const char *b);
/* ri_parse_date - "YYYY-MM-DD" (a real calendar day) into days since
 * 1970-01-01 and YYYYMMDD; -1 if it is not one */
int ri_parse_date(const char *s, long *days, unsigned long *ymd);

/* --- raw tables (read.c) ------------------------------------------------ */

enum ri_kind {
	RI_ORGS,
	RI_SECTIONS, /* classes.csv */
	RI_USERS,
	RI_ROLES,
	RI_ENROLLMENTS,
	RI_DEMOGRAPHICS,
	RI_KINDS,
};

/* Field slots of each kind, after sourcedId and status. */
enum { RO_NAME, RO_TYPE, RO_IDENT, RO_PARENT, RO_N };
enum { RS_TITLE, RS_CODE, RS_SCHOOL, RS_GRADES, RS_N };
enum {
	RU_ENABLED,
	RU_ORGS,
	RU_ROLE,
	RU_USERNAME,
	RU_IDENT,
	RU_GIVEN,
	RU_FAMILY,
	RU_EMAIL,
	RU_AGENTS,
	RU_GRADES,
	RU_PRIMARY,
	RU_N
};
enum { RR_USER, RR_TYPE, RR_ROLE, RR_ORG, RR_N };
enum { RE_CLASS, RE_USER, RE_N };
enum { RD_BIRTH, RD_N };
#define RI_MAX_FIELDS RU_N

/* One record of an export file; v[] has the kind's slot count, NULL for
 * an empty cell. */
struct ri_rec {
	const char *id;
	uint32_t file; /* index in ri_load.files */
	uint32_t line;
	unsigned char dead; /* tobedeleted */
	const char *v[];
};

struct ri_table {
	struct ri_rec **recs;
	size_t n, cap;
	struct strmap ids; /* sourcedId -> index in recs */
};

/* A file read (or looked for) at load time, for roster_changed(). Once
 * the file is open, the stamp is the open descriptor's (fstat), so it
 * describes what was read, not what the path named a moment before. */
struct ri_file {
	char *path;
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	long long mtime_ns;
	long long ctime_ns;
};

/* Everything the reading stage produces. */
struct ri_load {
	struct arena scratch;
	struct ri_table tables[RI_KINDS];
	struct ri_file *files;
	size_t nfiles;
	int version; /* of the first (bulk) export: 11 or 12 */
	struct diag *dg;
	const struct roster_options *opts;
};

/* ri_read_dirs - read every directory into ld; 0, or -1 when nothing
 * more can be done (out of memory, a fatal read error) */
int ri_read_dirs(struct ri_load *ld, const char *const *dirs, size_t ndirs);

/* ri_file_add - remember path (stat now: does it exist?) for
 * roster_changed(); the index, or RI_NONE when out of memory */
uint32_t ri_file_add(struct ri_load *ld, const char *path);

/* ri_file_opened - stamp file from the descriptor c just opened */
void ri_file_opened(struct ri_load *ld, uint32_t file, const struct csv *c);

/* ri_file_close - csv_free(c) after checking that the file did not
 * change while it was read; if it did, an error (the load fails and the
 * next check reads it again). c may be NULL. */
void ri_file_close(struct ri_load *ld, uint32_t file, struct csv *c);

/* ri_file_stamp - stamp file from st, the fstat() of the descriptor it
 * is read through; ri_file_moved - 1 (and an error, as ri_file_close
 * gives) if now, an fstat() of the same descriptor after reading,
 * differs in size or times */
struct stat;
void ri_file_stamp(struct ri_load *ld, uint32_t file, const struct stat *st);
int ri_file_moved(struct ri_load *ld, uint32_t file, const struct stat *now);

/* ri_read_aliases - read the virtual alias files of ld->opts into
 * r->aliases, with the district domains r was set up with; 0, or -1
 * when out of memory (problems in the files go to ld->dg) */
int ri_read_aliases(struct roster *r, struct ri_load *ld);

void ri_load_free(struct ri_load *ld);

/* --- the directory -------------------------------------------------------- */

/* An index range in roster.pool. */
struct ri_range {
	uint32_t off, n;
};

struct roster_person {
	const char *id, *email, *username, *identifier, *given, *family;
	const char *role;
	const char *key; /* normalised e-mail, NULL if none or invalid */
	struct ri_range orgs, sections;
	struct ri_range guardians; /* a student's guardians */
	struct ri_range wards;     /* a guardian's students */
	uint32_t school;           /* org index or RI_NONE */
	uint32_t next_same; /* next person with the same key, or RI_NONE */
	uint32_t file, line;
	uint32_t birth;  /* YYYYMMDD or 0 */
	int32_t advised; /* days since 1970, or -1 */
	uint16_t flags;  /* ROSTER_DISABLED ... and private bits */
	unsigned char roles;
	unsigned char grade;
	unsigned char level;
};

/* private person flags */
#define RI_WARNED_EMAIL 0x100 /* "agent has a staff e-mail" told once */

struct roster_org {
	const char *id, *name, *type, *identifier;
	uint32_t parent; /* org index or RI_NONE */
	int32_t advised;
	int32_t bands; /* index in roster.bands, -1 for the default */
	unsigned char is_school;
};

struct roster_section {
	const char *id, *title, *code;
	uint32_t school;
	int32_t advised;
	unsigned char grade; /* youngest grade taught, 0 if none */
};

struct roster {
	struct arena arena;
	struct roster_person *persons;
	size_t npersons;
	struct roster_org *orgs;
	size_t norgs;
	struct roster_section *sections;
	size_t nsections;
	uint32_t *pool;
	size_t npool;
	struct strmap by_id, by_key, by_username, by_ident;
	struct strmap org_by_id, section_by_id;

	struct roster_bands bands; /* the default */
	struct roster_bands *school_bands;
	size_t nschool_bands;
	char **district, **personal; /* lower case */
	size_t ndistrict, npersonal;
	char subaddress[8];
	int local_case_sensitive;
	int relative_is_guardian;

	struct aliases *aliases; /* NULL without virtual alias files */

	struct ri_file *files;
	size_t nfiles;
	struct roster_stats stats;
};

/* ri_build - build r's directory from ld; 0, or -1 when out of memory
 * (errors in the data go to ld->dg and do not stop the build) */
int ri_build(struct roster *r, struct ri_load *ld);

/* ri_prefs - apply the preferences file at path; 0 or -1 (no memory) */
int ri_prefs(struct roster *r, struct ri_load *ld, const char *path);

/* ri_key - the index key of addr into dst (see roster_address_key) */
int ri_key(char *dst, size_t dstsize, const struct roster *r, const char *addr,
    size_t len, int strip);

/* ri_role - parse a OneRoster role into ROSTER_* bits and its canonical
 * spelling; 0 and NULL if unknown */
unsigned ri_role(const char *s, const char **canon, int relative_is_guardian);

/* ri_pool_has - 1 if sorted range rg of r->pool contains x */
int ri_pool_has(const struct roster *r, struct ri_range rg, uint32_t x);

#endif /* GUARDIAN_ROSTER_INT_H */
