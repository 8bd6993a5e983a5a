/*
 * roster.h - the district directory: a OneRoster CSV export (1.1 or 1.2,
 * bulk plus deltas) and the district's communication preferences, loaded
 * into an immutable in-memory index
 *
 * Loading reads, from each export directory in order, manifest.csv and
 * the files it lists: orgs.csv, users.csv, roles.csv (1.2: role and org
 * live there), classes.csv, enrollments.csv and, if present,
 * demographics.csv. Columns are found by header name; extension columns
 * are ignored. The first directory must be a bulk export; each later one
 * applies its files over the result: a "bulk" file replaces that table,
 * a "delta" file updates records by sourcedId, status=tobedeleted
 * removing them. Records with status=tobedeleted never load.
 *
 * Then the directory is built:
 *  - every person is indexed by e-mail address (the domain always
 *    compared without case, the local part too unless configured; a
 *    lookup of "a+tag@d" that finds nothing retries "a@d"), by sourcedId,
 *    by username and by identifier (SASL logins), in hash tables: every
 *    lookup is constant time;
 *  - roles: student; guardian (parent, guardian, and relative when
 *    relative_is_guardian); staff (teacher, aide, administrator,
 *    counselor, principal, proctor, districtAdministrator,
 *    siteAdministrator, systemAdministrator);
 *  - guardian-student links from agentSourcedIds, read from both sides
 *    and unioned, keeping only agents who are guardians, enabled, and
 *    whose e-mail is not also a staff or student account's;
 *  - a student's grade (CEDS: IT PR PK TK KG 01..13 PS UG Other; "1" is
 *    read as "01", "K" as "KG") and level (elementary, middle, high) from
 *    grade bands, per school if configured; with no usable grade of
 *    their own, the grades of the classes they are enrolled in. Several
 *    grades give the youngest level: it is the one that protects most.
 *
 * Problems are reported to the diag as "file:line: text" (a CSV syntax
 * or encoding problem as "file:line:field: text"). Errors (missing file
 * or required column, bad encoding, malformed CSV, duplicate sourcedId,
 * unknown status, an address that is both a student's and a staff
 * member's, a broken preferences row) make roster_load() fail: the
 * caller keeps serving the previous directory. So does a file whose
 * size or times changed between opening it and reading its last row
 * (an export being written in place): it is read again at the next
 * check. Findings that do not block a load are warnings: orphan
 * references, students without a guardian, agents who are not guardians
 * or have a staff or student e-mail, duplicate e-mails and usernames,
 * unknown grades, stale preference rows.
 *
 * Virtual aliases: with roster_options.aliases, the directory also reads
 * the district's lists and aliases from the files the MTA's
 * virtual_alias_maps are built from (aliases.h, virtual(5) source
 * format), stamped and checked for changes like the export, so that a
 * recipient is judged by the addresses the MTA delivers to. Errors in
 * them fail the load like errors in the export.
 *
 * Threads: roster_load() runs on one thread, beside a directory in use.
 * A loaded directory is never modified; every other function only reads
 * it, may run on any number of threads at once and returns pointers that
 * stay valid until roster_free(), which the owner calls once no thread
 * uses the directory any more (the snapshot's reference count).
 *
 * Communication preferences (OneRoster has none). The district keeps one
 * CSV file (UTF-8, a header line, columns by name in any order, other
 * columns ignored), named by roster_options.preferences, one row per
 * person, school or class section:
 *
 *	type          guardian, student, staff, school or class (required)
 *	sourcedId     the user's, org's or class's sourcedId (for a school,
 *	              its identifier works too)
 *	email         for guardian, student and staff rows, instead of a
 *	              sourcedId: applies to every user of that type with
 *	              this address
 *	optOutCopy    yes: this guardian is not copied on staff mail to
 *	              their students (guardian rows only)
 *	optOutDirect  yes: no direct high-school communication with this
 *	              student, or with any student of this guardian
 *	              (guardian and student rows)
 *	advisedDate   YYYY-MM-DD: the day parents were generally advised that
 *	              this staff member, the staff of this school, or the
 *	              teachers of this class section may write to students
 *	              directly (staff, school and class rows)
 *	comment       free text, ignored
 *
 * The file needs a type column and a sourcedId or an email column; each
 * row one of the two. yes/no cells also take true/false, y/n, 1/0; an
 * empty cell leaves the value as it was, so a later row for the same
 * target overrides only what it sets. Example:
 *
 *	type,sourcedId,email,optOutCopy,optOutDirect,advisedDate,comment
 *	guardian,g-1001,,yes,,,"asked by letter, 2024-09-03"
 *	guardian,,pat@example.net,,yes,,
 *	student,s-2002,,,yes,,
 *	staff,t-17,,,,2024-09-01,
 *	school,hs-1,,,,2024-08-20,back-to-school letter
 *	class,cls-9b-bio,,,,2024-09-05,
 *
 * A row naming nobody in the export is a warning (families leave); a row
 * whose target is of another kind (a "guardian" row naming a student), an
 * unknown type, or a field that does not apply to the row's type is an
 * error. The opt-out window after advisedDate is a rule setting, not
 * part of this file.
 */
#ifndef GUARDIAN_ROSTER_H
#define GUARDIAN_ROSTER_H

#include <stddef.h>
#include <time.h>

#include "address.h"
#include "bounds.h"

struct diag;

/* Roles of a person (several for a teacher who is also a parent). */
#define ROSTER_STUDENT 0x01
#define ROSTER_GUARDIAN 0x02 /* parent, guardian; relative if so set */
#define ROSTER_STAFF 0x04
#define ROSTER_RELATIVE 0x08 /* relative, when not counted as guardian */

/* Flags of a person. */
#define ROSTER_DISABLED 0x01      /* enabledUser=false */
#define ROSTER_NO_COPY 0x02       /* guardian opted out of being copied */
#define ROSTER_NO_DIRECT 0x04     /* opted out of direct high-school mail */
#define ROSTER_GRADE_CLASSES 0x08 /* grade taken from class enrollments */

enum roster_level {
	ROSTER_LEVEL_NONE = 0, /* no grade, or a grade in no band */
	ROSTER_LEVEL_ELEMENTARY,
	ROSTER_LEVEL_MIDDLE,
	ROSTER_LEVEL_HIGH,
};
#define ROSTER_LEVELS 4

/* CEDS grade levels in school order; 0 is "no grade". */
enum roster_grade {
	ROSTER_GRADE_NONE = 0,
	ROSTER_GRADE_IT,
	ROSTER_GRADE_PR,
	ROSTER_GRADE_PK,
	ROSTER_GRADE_TK,
	ROSTER_GRADE_KG,
	ROSTER_GRADE_01, /* ROSTER_GRADE_01 + n - 1 is grade n, up to 13 */
	ROSTER_GRADE_13 = ROSTER_GRADE_01 + 12,
	ROSTER_GRADE_PS, /* postsecondary */
	ROSTER_GRADE_UG, /* ungraded: in no band */
	ROSTER_GRADE_OTHER,
};

/* What an address is, strongest first. */
enum roster_class {
	ROSTER_CLASS_EXTERNAL = 0, /* anything else */
	ROSTER_CLASS_PERSONAL,     /* a configured consumer mail domain */
	ROSTER_CLASS_DISTRICT,     /* a district domain, not a known role */
	ROSTER_CLASS_GUARDIAN,
	ROSTER_CLASS_STUDENT,
	ROSTER_CLASS_STAFF,
};

/* Grade bands: level l covers grades lo[l]..hi[l]; lo[l] == 0 means the
 * level has no band. Index 0 is unused. */
struct roster_bands {
	unsigned char lo[ROSTER_LEVELS];
	unsigned char hi[ROSTER_LEVELS];
};

/* Bands for one school, from the configuration. */
struct roster_school_bands {
	const char *school; /* the org's sourcedId or identifier */
	struct roster_bands bands;
	const char *file;   /* where it was configured, for diagnostics; */
	unsigned long line; /* NULL and 0 if unknown */
};

struct roster_options {
	/* default grade bands: elementary IT-05, middle 06-08, high 09-13
	 * (PK-05 / 06-08 / 09-12 widened so no school grade is left out) */
	struct roster_bands bands;
	const struct roster_school_bands *schools;
	size_t nschools;
	/* domains (a domain also covers its subdomains) */
	const char *const *district_domains;
	size_t ndistrict_domains;
	const char *const *personal_domains; /* gmail.com, outlook.com ... */
	size_t npersonal_domains;
	int relative_is_guardian; /* default 0 */
	int local_case_sensitive; /* default 0: local parts ignore case */
	const char *subaddress;   /* separators, default "+"; "" none */
	const char *preferences;  /* preferences file, or NULL */
	/* virtual(5) source files, in the order of virtual_alias_maps */
	const char *const *aliases;
	size_t naliases;
	int partial; /* 1: return the directory even with
	                errors (roster check only, never to
	                serve mail) */
};

/* roster_options_init - the defaults above, no domains, no schools */
void roster_options_init(struct roster_options *o);

/* roster_grade_parse - the grade named by s ("KG", "k", "1", "01",
 * "Other", ...), or -1 if it is not a CEDS grade */
int roster_grade_parse(const char *s);

/* roster_grade_code - "KG", "01" ...; "" for ROSTER_GRADE_NONE */
const char *roster_grade_code(int grade);

/* roster_bands_set - set the band of level to range: "PK-05", "06-08",
 * "KG" (one grade) or "" (no band). Returns 0, or -1 if range does not
 * parse or runs backwards (b unchanged). */
int roster_bands_set(
    struct roster_bands *b, enum roster_level level, const char *range);

/* roster_bands_check - NULL if no two bands overlap, else a static
 * text naming the two levels, e.g. "elementary and middle bands overlap" */
const char *roster_bands_check(const struct roster_bands *b);

/* roster_bands_level - the level of grade in b */
enum roster_level roster_bands_level(const struct roster_bands *b, int grade);

/* roster_level_name - "elementary", "middle", "high", or "none";
 * roster_level_parse - the reverse, -1 if unknown */
const char *roster_level_name(enum roster_level level);
int roster_level_parse(const char *name);

/* roster_class_name - "staff", "student", "guardian", "district",
 * "personal", "external"; roster_class_parse - the reverse, or -1 */
const char *roster_class_name(enum roster_class cls);
int roster_class_parse(const char *name);

struct roster;
struct roster_person;
struct roster_org;
struct roster_section; /* a class section (OneRoster "class") */

/*
 * roster_load - load an export and the preferences into a new directory
 *
 * dirs[0] is a bulk export; dirs[1..ndirs-1] deltas (or bulk files)
 * applied in order. opts (borrowed for the call) may be NULL for the
 * defaults. Returns 0 and a new directory in *out (release with
 * roster_free()), or -1 leaving *out untouched when any error was added
 * to dg (or memory ran out); warnings alone do not fail. With
 * opts->partial, a directory is returned even after errors as long as
 * the files could be read.
 */
int roster_load(struct roster **out, const char *const *dirs, size_t ndirs,
    const struct roster_options *opts, struct diag *dg);

/* roster_free - NULL does nothing */
void roster_free(struct roster *r);

/* roster_aliases - the virtual aliases read with the directory (borrowed
 * until roster_free()), or NULL when none were configured */
struct aliases;
const struct aliases *roster_aliases(const struct roster *r);

/* roster_changed - 1 if a file the load read (manifests, export files,
 * the preferences, the virtual alias files) changed, appeared or went away
 * since: size, mtime, ctime or inode, against the stamp fstat() gave when the
 * file was read. A few stat() calls; cheap enough for a timer. */
int roster_changed(const struct roster *r);

/* Counts for "guardianctl roster check" and the load log line. */
struct roster_stats {
	size_t persons, students, guardians, staff, disabled;
	size_t orgs, schools, sections, enrollments;
	size_t links; /* guardian-student pairs kept */
	size_t students_without_guardians;
	size_t orphan_references;       /* ids that name nobody */
	size_t agents_not_guardians;    /* agent with another role */
	size_t agents_with_staff_email; /* or a student's e-mail */
	size_t duplicate_emails;        /* persons sharing an address */
	size_t preferences;             /* preference rows applied */
	size_t aliases;                 /* virtual alias keys read */
	size_t alias_results;           /* the addresses they name */
	int version;                    /* 11 or 12: of the bulk export */
};

void roster_stats(struct roster_stats *out, const struct roster *r);

/* --- the reload guard ------------------------------------------------- */

/* The largest loss a new directory shows against the one before. */
struct roster_loss {
	const char *what; /* "persons", "students", "guardians", "staff",
	                     "guardian-links", "aliases", "alias-members" */
	size_t before, after;
	unsigned pct; /* share lost, percent, rounded up */
};

/* roster_guard - 1 if next lost more than max_pct percent of prev's
 * persons, students, guardians, staff, guardian links, virtual alias
 * keys or their results (max_pct 100: never), else 0; the largest loss
 * in *out either way */
int roster_guard(struct roster_loss *out, const struct roster_stats *prev,
    const struct roster_stats *next, unsigned max_pct);

/* roster_guard_text - "persons 1200 -> 12 (-99%), students ..." into out
 * (the alias counts only when one of the two has some); a BUF_* code */
struct buf;
int roster_guard_text(struct buf *out, const struct roster_stats *prev,
    const struct roster_stats *next);

/*
 * The baseline: the counts of the directory served last, in a small
 * text file ("NAME COUNT" lines) so that the guard holds across
 * restarts. roster_baseline_read() returns 0, 1 when there is no file
 * (nothing to compare with), or -1 with "file:line: text" in dg.
 * The virtual alias counts are optional there: a baseline written
 * before aliases were read, or by a directory without them, lacks
 * them, and they count as 0 (nothing to lose). roster_baseline_write()
 * writes them only when not 0, and writes durably (temporary file,
 * fsync, rename, fsync of the directory); 0, or -1 with errno.
 */
int roster_baseline_read(
    struct roster_stats *out, const char *path, struct diag *dg);
int roster_baseline_write(const char *path, const struct roster_stats *st);

/* roster_guard_check - r against the baseline at path: 0 if there is
 * none or r keeps within max_pct, else -1 with the comparison in dg */
int roster_guard_check(const struct roster *r, const char *baseline,
    unsigned max_pct, struct diag *dg);

/* --- addresses -------------------------------------------------------- */

/* What roster_classify() found. */
#define ROSTER_MATCH_DISTRICT_DOMAIN 0x01
#define ROSTER_MATCH_PERSONAL_DOMAIN 0x02
#define ROSTER_MATCH_SUBADDRESS 0x04 /* found once "+tag" was removed */

struct roster_match {
	enum roster_class cls;
	unsigned roles; /* ROSTER_STUDENT ... of every person found */
	unsigned flags; /* ROSTER_MATCH_... */
	const struct roster_person *person; /* of the strongest role, or
	                                       NULL; others sharing the
	                                       address: roster_next_same() */
};

/*
 * Every lookup by address below first takes the canonical form of the
 * address (address.h: quotes, escapes, trailing dot, and the percent,
 * bang and quoted-@ routing forms under a district domain, which are
 * the local domains here), so that an address is judged by where the
 * MTA delivers it. An address that is unresolvable there is found in no
 * lookup: callers must treat it as unknown, never as external.
 */

/* roster_address - the canonical form of addr into *out, the district
 * domains taken as local; r may be NULL (then only localhost and
 * address literals are local). Returns out->status. */
enum address_status roster_address(
    struct address *out, const struct roster *r, const char *addr);

/*
 * roster_classify - what addr is: staff, student, guardian (by the
 * roster, strongest role first), else district (a district domain),
 * personal (a consumer domain) or external, judged on its canonical
 * form. Returns 0, or -1 for an address that is unresolvable
 * (address.h: not user@domain, longer than BOUND_ADDRESS_BYTES, or a
 * routing form that cannot be resolved safely); out is then external
 * with no person, and the caller must treat the address as unknown.
 */
int roster_classify(
    struct roster_match *out, const struct roster *r, const char *addr);

/* roster_address_key - addr as the index compares it (its canonical
 * form, the local part in lower case unless configured, and with
 * strip_subaddress the "+tag" removed) into dst. Returns 0, or -1 if it
 * is unresolvable or does not fit. */
int roster_address_key(char *dst, size_t dstsize, const struct roster *r,
    const char *addr, int strip_subaddress);

/* --- finding people ---------------------------------------------------- */

/* roster_find_email - the first person with addr (its canonical form;
 * subaddress retried), or NULL (also when addr is unresolvable);
 * roster_next_same - the next person with the same address */
const struct roster_person *roster_find_email(
    const struct roster *r, const char *addr);
const struct roster_person *roster_next_same(
    const struct roster *r, const struct roster_person *p);

/* roster_find_login - the person a SASL login names: by username (case
 * ignored), then e-mail, then identifier; staff preferred when several */
const struct roster_person *roster_find_login(
    const struct roster *r, const char *login);

/* roster_find_id - by sourcedId (exact) */
const struct roster_person *roster_find_id(
    const struct roster *r, const char *sourced_id);

/* roster_count / roster_person_at - every person, in export order */
size_t roster_count(const struct roster *r);
const struct roster_person *roster_person_at(const struct roster *r, size_t i);

/* --- a person ----------------------------------------------------------- */

/* Strings are "" when the export left them empty. */
const char *roster_person_id(const struct roster_person *p);
const char *roster_person_email(const struct roster_person *p);
const char *roster_person_username(const struct roster_person *p);
const char *roster_person_identifier(const struct roster_person *p);
const char *roster_person_given(const struct roster_person *p);
const char *roster_person_family(const struct roster_person *p);
/* the first role as exported ("teacher", "parent", ...) */
const char *roster_person_role(const struct roster_person *p);
unsigned roster_person_roles(const struct roster_person *p);
unsigned roster_person_flags(const struct roster_person *p);
int roster_person_grade(const struct roster_person *p);
enum roster_level roster_person_level(const struct roster_person *p);
/* birthDate from demographics.csv as YYYYMMDD, 0 if unknown */
unsigned long roster_person_birthdate(const struct roster_person *p);
/* where the record was read: "dir/users.csv" and its line */
const char *roster_person_file(
    const struct roster *r, const struct roster_person *p);
unsigned long roster_person_line(const struct roster_person *p);

/* roster_person_school - the primary org: users.primaryOrgSourcedId or
 * the org of a primary role (1.2), else the first of its orgs that is a
 * school, else its first org; NULL if it has none. Its grade bands set
 * the person's level. */
const struct roster_org *roster_person_school(
    const struct roster *r, const struct roster_person *p);

/* The orgs, class sections and linked persons (a student's guardians, a
 * guardian's students) of p, by index below the count. */
size_t roster_person_norgs(const struct roster_person *p);
const struct roster_org *roster_person_org(
    const struct roster *r, const struct roster_person *p, size_t i);
size_t roster_person_nsections(const struct roster_person *p);
const struct roster_section *roster_person_section(
    const struct roster *r, const struct roster_person *p, size_t i);
size_t roster_person_nlinks(const struct roster_person *p);
const struct roster_person *roster_person_link(
    const struct roster *r, const struct roster_person *p, size_t i);

/* roster_is_guardian_of - 1 if guardian is linked to student */
int roster_is_guardian_of(const struct roster *r,
    const struct roster_person *guardian, const struct roster_person *student);

/* A student's guardian with what the preferences say about them. */
struct roster_guardian {
	const struct roster_person *person;
	const char *email; /* as exported; "" if none */
	int no_copy;       /* opted out of being copied */
	int no_direct;     /* opted out of direct high-school mail */
};

/* roster_guardians - the guardians of student into out[0..max-1];
 * returns how many there are (may be more than max; 0 for a person who
 * is not a student) */
size_t roster_guardians(struct roster_guardian *out, size_t max,
    const struct roster *r, const struct roster_person *student);

/* roster_no_direct - 1 if the student or any of their guardians opted
 * out of direct high-school communication */
int roster_no_direct(
    const struct roster *r, const struct roster_person *student);

/* Which notice advised the parents. */
enum roster_advice_kind {
	ROSTER_ADVISED_STAFF = 1, /* the staff member's own notice */
	ROSTER_ADVISED_SCHOOL,    /* a notice of the student's school/org */
	ROSTER_ADVISED_SECTION,   /* a notice for a shared class section */
};

struct roster_advice {
	time_t date; /* 00:00 UTC of advisedDate */
	enum roster_advice_kind kind;
	const char *id; /* sourcedId of the staff member, org or section */
};

/*
 * roster_advised - the earliest notice that advised the parents of
 * student that staff may write to the student directly: the staff
 * member's own advisedDate when they share a class section or an org
 * with the student; the advisedDate of an org of the student's (or an
 * org above it: a district row covers its schools); the advisedDate of a
 * section both are enrolled in. Returns 0 with *out filled, or -1 when
 * no notice applies.
 */
int roster_advised(struct roster_advice *out, const struct roster *r,
    const struct roster_person *staff, const struct roster_person *student);

/* --- orgs and sections -------------------------------------------------- */

const struct roster_org *roster_find_org(
    const struct roster *r, const char *sourced_id);
const char *roster_org_id(const struct roster_org *o);
const char *roster_org_name(const struct roster_org *o);
const char *roster_org_type(const struct roster_org *o); /* "school" ... */
const char *roster_org_identifier(const struct roster_org *o);
/* the parent org, or NULL */
const struct roster_org *roster_org_parent(
    const struct roster *r, const struct roster_org *o);
/* the grade bands that apply to students of o */
const struct roster_bands *roster_org_bands(
    const struct roster *r, const struct roster_org *o);

const struct roster_section *roster_find_section(
    const struct roster *r, const char *sourced_id);
const char *roster_section_id(const struct roster_section *s);
const char *roster_section_title(const struct roster_section *s);
const char *roster_section_code(const struct roster_section *s);
const struct roster_org *roster_section_school(
    const struct roster *r, const struct roster_section *s);

#endif /* GUARDIAN_ROSTER_H */
