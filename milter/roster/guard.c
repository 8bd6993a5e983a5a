/*
 * guard.c - the reload guard: a new directory that loses a large share of
 * the people or guardian links of the one served before is refused
 *
 * A roster export cut short (a transfer that stopped, "head -12
 * users.csv", a vendor job that exported one school) loads without an
 * error: every line it has is valid. Served, it would turn students into
 * strangers and drop their guardians' copies. The directory served last
 * is remembered as its counts in a small baseline file, so the guard
 * holds across restarts too, and a new directory is compared with it.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "diag.h"
#include "durable.h"
#include "roster.h"

/* The counts the guard compares and the baseline keeps, by name. A list
 * file cut short turns its students into district addresses with no
 * guardians, as an export cut short does: its counts are guarded too.
 * They are optional in the baseline, which older versions wrote
 * without them. */
struct counted {
	const char *name;
	size_t off;
	int optional;
};

static const struct counted counted[] = {
    {"persons", offsetof(struct roster_stats, persons), 0},
    {"students", offsetof(struct roster_stats, students), 0},
    {"guardians", offsetof(struct roster_stats, guardians), 0},
    {"staff", offsetof(struct roster_stats, staff), 0},
    {"guardian-links", offsetof(struct roster_stats, links), 0},
    {"aliases", offsetof(struct roster_stats, aliases), 1},
    {"alias-members", offsetof(struct roster_stats, alias_results), 1},
};

#define NCOUNTED (sizeof(counted) / sizeof(counted[0]))

/* nrequired - the counts a baseline must have */
static size_t
nrequired(void)
{
	size_t i, n = 0;

	for (i = 0; i < NCOUNTED; i++)
		n += !counted[i].optional;
	return n;
}

/* count_of - the count i of st */
static size_t
count_of(const struct roster_stats *st, size_t i)
{
	return *(
	    const size_t *)(const void *)((const char *)st + counted[i].off);
}

/* loss_pct - the share of before that after lost, in percent rounded up
 * (losing 1 of 1000 is 1 %, not 0); 0 when nothing was lost */
static unsigned
loss_pct(size_t before, size_t after)
{
	uintmax_t lost;

	if (after >= before || before == 0)
		return 0;
	lost = (uintmax_t)(before - after);
	return (unsigned)((lost * 100 + before - 1) / before);
}

int
roster_guard(struct roster_loss *out, const struct roster_stats *prev,
    const struct roster_stats *next, unsigned max_pct)
{
	unsigned pct;
	size_t i;
	int refused = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < NCOUNTED; i++) {
		pct = loss_pct(count_of(prev, i), count_of(next, i));
		if (pct <= out->pct && out->what != NULL)
			continue;
		out->what = counted[i].name;
		out->before = count_of(prev, i);
		out->after = count_of(next, i);
		out->pct = pct;
	}
	if (out->pct > max_pct && max_pct < 100)
		refused = 1;
	return refused;
}

int
roster_guard_text(struct buf *out, const struct roster_stats *prev,
    const struct roster_stats *next)
{
	size_t i;
	int r = BUF_OK;

	for (i = 0; i < NCOUNTED && r == BUF_OK; i++) {
		if (counted[i].optional && count_of(prev, i) == 0 &&
		    count_of(next, i) == 0)
			continue;
		r = buf_printf(out, "%s%s %zu -> %zu (%s%u%%)",
		    i > 0 ? ", " : "", counted[i].name, count_of(prev, i),
		    count_of(next, i),
		    count_of(next, i) < count_of(prev, i) ? "-" : "",
		    count_of(next, i) < count_of(prev, i) ?
		        loss_pct(count_of(prev, i), count_of(next, i)) :
		        0u);
	}
	return r;
}

/* set_count - the count called name in st to v; -1 if no such count */
static int
set_count(struct roster_stats *st, const char *name, size_t v)
{
	size_t i;

	for (i = 0; i < NCOUNTED; i++) {
		if (strcmp(counted[i].name, name) == 0) {
			*(size_t *)(void *)((char *)st + counted[i].off) = v;
			return 0;
		}
	}
	return -1;
}

int
roster_baseline_read(
    struct roster_stats *out, const char *path, struct diag *dg)
{
	char line[256], name[64], *end;
	unsigned long lineno = 0;
	unsigned required = 0;
	size_t i;
	uintmax_t v;
	FILE *fp;
	int errors = 0;

	memset(out, 0, sizeof(*out));
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 1;
		diag_error(dg, path, 0, 0,
		    "cannot read the directory baseline: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *sp, *val;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((sp = strchr(line, ' ')) == NULL ||
		    (size_t)(sp - line) >= sizeof(name)) {
			diag_error(dg, path, lineno, 0,
			    "expected \"NAME COUNT\" in the directory baseline");
			errors++;
			continue;
		}
		memcpy(name, line, (size_t)(sp - line));
		name[sp - line] = '\0';
		val = sp + 1;
		errno = 0;
		v = strtoumax(val, &end, 10);
		if (errno != 0 || end == val ||
		    (*end != '\n' && *end != '\0') || v > SIZE_MAX ||
		    set_count(out, name, (size_t)v) == -1) {
			diag_error(dg, path, lineno, 0,
			    "invalid line in the directory baseline");
			errors++;
			continue;
		}
		for (i = 0; i < NCOUNTED; i++)
			if (strcmp(counted[i].name, name) == 0 &&
			    !counted[i].optional)
				required++;
	}
	if (ferror(fp)) {
		diag_error(dg, path, 0, 0,
		    "cannot read the directory baseline: %s", strerror(errno));
		errors++;
	}
	(void)fclose(fp);
	if (errors == 0 && required < nrequired()) {
		diag_error(dg, path, lineno, 0,
		    "the directory baseline is incomplete (%u of %zu counts)",
		    required, nrequired());
		errors++;
	}
	return errors > 0 ? -1 : 0;
}

int
roster_baseline_write(const char *path, const struct roster_stats *st)
{
	struct buf text;
	size_t i;
	int r = -1, saved;

	buf_init(&text, 4096);
	if (buf_puts(&text,
	        "# guardian-milter: the counts of the directory "
	        "served last; guardianctl roster accept\n") != BUF_OK)
		goto out;
	for (i = 0; i < NCOUNTED; i++)
		if ((!counted[i].optional || count_of(st, i) > 0) &&
		    buf_printf(&text, "%s %zu\n", counted[i].name,
		        count_of(st, i)) != BUF_OK)
			goto out;
	r = durable_replace(path, buf_str(&text), text.len, 0640);
out:
	saved = r == -1 && errno == 0 ? ENOMEM : errno;
	buf_free(&text);
	errno = saved;
	return r;
}

int
roster_guard_check(const struct roster *r, const char *baseline,
    unsigned max_pct, struct diag *dg)
{
	struct roster_stats prev, next;
	struct roster_loss loss;
	struct buf counts;
	int rc;

	if ((rc = roster_baseline_read(&prev, baseline, dg)) != 0)
		return rc == 1 ? 0 : -1; /* no baseline yet: the first load */
	roster_stats(&next, r);
	if (!roster_guard(&loss, &prev, &next, max_pct))
		return 0;
	buf_init(&counts, 1024);
	if (roster_guard_text(&counts, &prev, &next) != BUF_OK)
		buf_reset(&counts);
	diag_error(dg, baseline, 0, 0,
	    "the new directory has %zu %s where the one served last had %zu "
	    "(%u%% fewer, more than the %u%% <max-loss> allows): refused as "
	    "an export cut short; if the new export is right, run "
	    "\"guardianctl roster accept\" (%s)",
	    loss.after, loss.what, loss.before, loss.pct, max_pct,
	    buf_str(&counts));
	buf_free(&counts);
	return -1;
}
