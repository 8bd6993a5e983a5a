/*
 * regex.h - the PCRE2 wrapper; PCRE2 is used only in regex.c
 *
 * A compiled regex is immutable and shared by every thread (JIT-compiled
 * when the platform allows). Match state lives in a per-thread scratch
 * area, never in the pattern. Matches are bounded by
 * BOUND_REGEX_MATCH_LIMIT and BOUND_REGEX_DEPTH_LIMIT.
 */
#ifndef GUARDIAN_REGEX_H
#define GUARDIAN_REGEX_H

#include <stddef.h>

#define REGEX_CASELESS 0x1

/* regex_search flags */
#define REGEX_ANCHORED 0x1 /* the match must start at start */
#define REGEX_NOTEMPTY 0x2 /* an empty match does not count */

struct regex;
struct regex_scratch;

/*
 * regex_compile - compile pattern (UTF-8; invalid UTF-8 in subjects is
 * tolerated). Returns 0 and a new regex in *out, or -1 leaving *out
 * untouched, with PCRE2's message in err (errsize bytes, NUL-terminated)
 * and the 1-based column inside the pattern in *col (0 if unknown).
 */
int regex_compile(struct regex **out, const char *pattern, unsigned flags,
    char *err, size_t errsize, size_t *col);

/* regex_free - NULL does nothing */
void regex_free(struct regex *re);

/* regex_pattern - the source text */
const char *regex_pattern(const struct regex *re);

/* regex_scratch_new - match state for one thread; NULL on ENOMEM.
 * regex_scratch_free - NULL does nothing. */
struct regex_scratch *regex_scratch_new(void);
void regex_scratch_free(struct regex_scratch *rs);

/* regex_match - 1 if re matches somewhere in subject[0..len), 0 if not,
 * -1 if the match could not be completed, with errno ERANGE (a work limit
 * reached), ENOMEM or EINVAL */
int regex_match(const struct regex *re, struct regex_scratch *rs,
    const char *subject, size_t len);

/*
 * regex_search - the first match of re in subject[0..len) at or after
 * start (the bytes before it still count for lookbehind and \b), with
 * REGEX_ANCHORED and REGEX_NOTEMPTY as flags. Returns 1 with its span
 * in *so and *eo, 0 if none, or -1 like regex_match().
 */
int regex_search(const struct regex *re, struct regex_scratch *rs,
    const char *subject, size_t len, size_t start, unsigned flags, size_t *so,
    size_t *eo);

#endif /* GUARDIAN_REGEX_H */
