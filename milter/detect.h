/*
 * detect.h - detectors: what in a message's decoded text is student data
 *
 * Two compiled objects, each built once and shared read-only by every
 * thread:
 *   - struct detect, from the configuration's <detectors> (regex sets in
 *     one multi-pattern database, keyword dictionaries from files), built
 *     with the rules into each snapshot;
 *   - struct detect_roster, from the directory: every student's name in
 *     its usual forms ("Ava Lindqvist", "Lindqvist, Ava", "LINDQVIST
 *     Ava"), identifier and birth date, in a token hash that scales to
 *     100,000 students; rebuilt with the directory.
 *
 * Two detectors are built in and need the directory:
 *   "student"        a student's name, identifier or birth date;
 *   "student-record" student-record vocabulary (grades, report card, IEP,
 *                    504 plan, discipline, attendance, health,
 *                    transcript ...) near a student's name or identifier.
 * Declared detectors take any other id.
 *
 * detect_scan() runs every detector over a message's texts (its decoded
 * Subject, body and attachment text) and returns hits: per detector and
 * text, how many matches, which students (sourcedIds) and one redacted
 * evidence snippet ("Ava L... - report card"). Whole values never leave
 * this module: logs, replies and notices render the evidence only.
 */
#ifndef GUARDIAN_DETECT_H
#define GUARDIAN_DETECT_H

#include <stddef.h>

struct config;
struct diag;
struct roster;

struct detect;
struct detect_roster;
struct detect_result;

/* The built-in detectors' ids. */
#define DETECT_STUDENT "student"
#define DETECT_STUDENT_RECORD "student-record"

/*
 * detect_compile - compile the configuration's <detectors>. Problems
 * (a bad pattern, an unreadable dictionary, a duplicate or reserved id)
 * go to dg as file:line: message; a pattern Vectorscan leaves to PCRE2
 * (a pass over the text of its own) as a warning. Returns 0 and a new
 * object in *out, or -1 (errors in dg, or ENOMEM) leaving *out
 * untouched. A configuration without <detectors> compiles to an empty
 * object. See guardian-milter.conf(5), DETECTORS.
 */
int detect_compile(
    struct detect **out, const struct config *cfg, struct diag *dg);
void detect_free(struct detect *d); /* NULL does nothing */

/* detect_count / detect_id - the declared detectors, in order */
size_t detect_count(const struct detect *d);
const char *detect_id(const struct detect *d, size_t i);

/* detect_pcre_only - how many regex patterns PCRE2 matches alone
 * (Vectorscan could not compile them, or is not built in); for tests
 * and benchmarks */
size_t detect_pcre_only(const struct detect *d);

/* detect_compile_seconds - how long the Vectorscan database took to
 * compile (0 without Vectorscan) */
double detect_compile_seconds(const struct detect *d);

/*
 * detect_roster_build - the student index of a loaded directory. Returns
 * 0 and a new index in *out, or -1 with errno set (ENOMEM). The index
 * borrows the roster's strings: free it before the roster.
 */
int detect_roster_build(struct detect_roster **out, const struct roster *r);
void detect_roster_free(struct detect_roster *dr); /* NULL does nothing */

/* detect_roster_students - how many students dr indexes */
size_t detect_roster_students(const struct detect_roster *dr);

/* Where a text comes from. */
enum detect_where {
	DETECT_IN_SUBJECT = 0x1,
	DETECT_IN_BODY = 0x2,
	DETECT_IN_ATTACHMENT = 0x4,
};

/* One text to scan. */
struct detect_text {
	const char *text; /* valid UTF-8, no NUL bytes */
	size_t len;
	enum detect_where where;
	const char *name; /* attachment file name, "archive.zip/member"; "" */
	const char *kind; /* "text", "spreadsheet", ... (content.h) */
};

/* One detector's findings in one text. */
struct detect_hit {
	const char *detector; /* its id */
	size_t text;          /* index into the scanned texts */
	size_t matches;       /* how many matches (>= 1) */
	/* the students found, sourcedIds sorted and unique (borrowed from
	 * the roster); none for declared detectors */
	const char *const *students;
	size_t nstudents;
	const char *evidence; /* redacted, printable UTF-8 */
};

/*
 * detect_scan - run d (may be NULL: no declared detectors) and the
 * built-in detectors (dr may be NULL: no directory, none run) over
 * texts[0..ntexts-1]. Returns 0 and the hits in *out (release with
 * detect_result_free()), or -1 with errno set (ENOMEM; ERANGE when a
 * pattern PCRE2 matches reached its work limit: the text could not be
 * judged; EFBIG for a text of 4 GiB or more) leaving *out untouched.
 * Safe in several threads at once over the same d and dr. Time is
 * linear in the text's length.
 */
int detect_scan(struct detect_result **out, const struct detect *d,
    const struct detect_roster *dr, const struct detect_text *texts,
    size_t ntexts);
void detect_result_free(struct detect_result *res); /* NULL: nothing */

/* detect_hit_count / detect_hit - hits in text order, then detector
 * order ("student", "student-record", then the declared ones as
 * declared); borrowed until detect_result_free() */
size_t detect_hit_count(const struct detect_result *res);
const struct detect_hit *detect_hit(const struct detect_result *res, size_t i);

#endif /* GUARDIAN_DETECT_H */
