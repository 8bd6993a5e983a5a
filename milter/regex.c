/*
 * regex.c - the PCRE2 wrapper
 *
 * Patterns are compiled once, JIT-compiled where possible, and shared
 * read-only. Each thread brings its own regex_scratch (match data and a
 * match context carrying the work limits), so no match state is ever
 * shared between threads.
 */
#include "autoconf.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "bounds.h"
#include "compat.h"
#include "regex.h"

struct regex {
	pcre2_code *code;
	char *pattern;
	int jit; /* 1 if JIT compilation succeeded */
};

struct regex_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

int
regex_compile(struct regex **out, const char *pattern, unsigned flags,
    char *err, size_t errsize, size_t *col)
{
	struct regex *re;
	uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int errcode;
	PCRE2_SIZE erroff;

	if (errsize > 0)
		err[0] = '\0';
	if (col != NULL)
		*col = 0;
	if (flags & REGEX_CASELESS)
		options |= PCRE2_CASELESS;
	if ((re = calloc(1, sizeof(*re))) == NULL ||
	    (re->pattern = strdup(pattern)) == NULL) {
		free(re);
		if (errsize > 0)
			(void)strlcpy(err, strerror(ENOMEM), errsize);
		return -1;
	}
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    options, &errcode, &erroff, NULL);
	if (re->code == NULL) {
		if (errsize > 0)
			(void)pcre2_get_error_message(
			    errcode, (PCRE2_UCHAR *)err, errsize);
		if (col != NULL)
			*col = (size_t)erroff + 1;
		free(re->pattern);
		free(re);
		return -1;
	}
	/* JIT is an optimisation: without it the interpreter still works.
	 * Under valgrind it is left out, since JIT code reads whole words
	 * past a subject's end by design and valgrind cannot tell. */
#ifdef RUNNING_ON_VALGRIND
	if (!RUNNING_ON_VALGRIND)
#endif
		re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
	*out = re;
	return 0;
}

void
regex_free(struct regex *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	free(re->pattern);
	free(re);
}

const char *
regex_pattern(const struct regex *re)
{
	return re->pattern;
}

struct regex_scratch *
regex_scratch_new(void)
{
	struct regex_scratch *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return NULL;
	/* Only "did it match" is asked, so one pair of offsets suffices. */
	rs->md = pcre2_match_data_create(1, NULL);
	rs->mctx = pcre2_match_context_create(NULL);
	if (rs->md == NULL || rs->mctx == NULL) {
		regex_scratch_free(rs);
		return NULL;
	}
	(void)pcre2_set_match_limit(rs->mctx, BOUND_REGEX_MATCH_LIMIT);
	(void)pcre2_set_depth_limit(rs->mctx, BOUND_REGEX_DEPTH_LIMIT);
	return rs;
}

void
regex_scratch_free(struct regex_scratch *rs)
{
	if (rs == NULL)
		return;
	pcre2_match_data_free(rs->md);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

/* match_failed - -1 with errno saying why PCRE2 answered rc */
static int
match_failed(int rc)
{
	/* Say why, for the caller's log line. */
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		errno = ERANGE;
		break;
	case PCRE2_ERROR_NOMEMORY:
		errno = ENOMEM;
		break;
	default:
		errno = EINVAL;
		break;
	}
	return -1;
}

int
regex_match(const struct regex *re, struct regex_scratch *rs,
    const char *subject, size_t len)
{
	int rc;

	rc = pcre2_match(
	    re->code, (PCRE2_SPTR)subject, len, 0, 0, rs->md, rs->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return match_failed(rc);
}

int
regex_search(const struct regex *re, struct regex_scratch *rs,
    const char *subject, size_t len, size_t start, unsigned flags, size_t *so,
    size_t *eo)
{
	uint32_t options = 0;
	PCRE2_SIZE *ov;
	int rc;

	if (start > len)
		return 0;
	if (flags & REGEX_ANCHORED)
		options |= PCRE2_ANCHORED;
	if (flags & REGEX_NOTEMPTY)
		options |= PCRE2_NOTEMPTY;
	rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, start, options,
	    rs->md, rs->mctx);
	if (rc >= 0) {
		ov = pcre2_get_ovector_pointer(rs->md);
		*so = ov[0];
		*eo = ov[1];
		return 1;
	}
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return match_failed(rc);
}
