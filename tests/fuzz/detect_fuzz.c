/*
 * detect_fuzz.c - libFuzzer harness for the detectors
 *
 * The student index of the test directory (FUZZ_DETECT_ROSTER, the
 * directory tests/data/detect/roster) and the detectors of
 * tests/fuzz/detect.xml (FUZZ_DETECT_CONFIG) are built once. An input is
 * split at its first 0x1e byte into a Subject and a body, scanned as
 * they are (invalid UTF-8 and NUL bytes included: a text extractor's bug
 * must not become ours). The invariants, checked on every input: each
 * hit has at least one match, its students sorted and unique, and
 * evidence that is short, valid UTF-8 without control characters, and
 * holds no student's whole identifier or sourcedId; a second scan gives
 * the same hits. A violation aborts. Built and run by script/fuzz.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detect.h"
#include "diag.h"
#include "roster.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct roster *roster;
static struct detect_roster *students;
static struct detect *detect;
static struct config *cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_DETECT_ROSTER");
	const char *conf = getenv("FUZZ_DETECT_CONFIG");
	struct diag *dg = diag_new();

	(void)argc;
	(void)argv;
	if (dir == NULL || conf == NULL) {
		fprintf(stderr,
		    "detect_fuzz: set FUZZ_DETECT_ROSTER and "
		    "FUZZ_DETECT_CONFIG (script/fuzz does)\n");
		abort();
	}
	config_init();
	if (roster_load(&roster, &dir, 1, NULL, dg) == -1 ||
	    detect_roster_build(&students, roster) == -1 ||
	    config_load(&cfg, conf, dg) == -1 ||
	    detect_compile(&detect, cfg, dg) == -1) {
		diag_print(dg, stderr);
		abort();
	}
	diag_free(dg);
	return 0;
}

/* check_evidence - the evidence rules */
static void
check_evidence(const char *ev)
{
	const unsigned char *u = (const unsigned char *)ev;
	size_t i = 0, n = strlen(ev), k;

	if (n == 0 || n > 1100)
		abort();
	while (i < n) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			abort();
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(u + i, n - i, NULL)) == 0)
			abort();
		i += k;
	}
	for (i = 0; i < roster_count(roster); i++) {
		const struct roster_person *p = roster_person_at(roster, i);
		const char *id = roster_person_identifier(p);

		if (!(roster_person_roles(p) & ROSTER_STUDENT))
			continue;
		if ((strlen(id) >= 6 && strstr(ev, id) != NULL) ||
		    strstr(ev, roster_person_id(p)) != NULL)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct detect_text t[2];
	struct detect_result *res = NULL, *again = NULL;
	const char *s = (const char *)data;
	const char *sep = memchr(s, 0x1e, size);
	size_t i, k, n;

	n = sep != NULL ? (size_t)(sep - s) : 0;
	t[0].text = s;
	t[0].len = n;
	t[0].where = DETECT_IN_SUBJECT;
	t[1].text = sep != NULL ? sep + 1 : s;
	t[1].len = sep != NULL ? size - n - 1 : size;
	t[1].where = DETECT_IN_BODY;
	t[0].name = t[1].name = "";
	t[0].kind = t[1].kind = "text";
	if (detect_scan(&res, detect, students, t, 2) == -1)
		return 0; /* a PCRE2 work limit: the caller fails closed */
	for (i = 0; i < detect_hit_count(res); i++) {
		const struct detect_hit *h = detect_hit(res, i);

		if (h->matches == 0 || h->text > 1)
			abort();
		for (k = 1; k < h->nstudents; k++)
			if (strcmp(h->students[k - 1], h->students[k]) >= 0)
				abort();
		check_evidence(h->evidence);
	}
	if (detect_scan(&again, detect, students, t, 2) == -1 ||
	    detect_hit_count(again) != detect_hit_count(res))
		abort();
	for (i = 0; i < detect_hit_count(res); i++)
		if (detect_hit(again, i)->matches !=
		        detect_hit(res, i)->matches ||
		    strcmp(detect_hit(again, i)->evidence,
		        detect_hit(res, i)->evidence) != 0)
			abort();
	detect_result_free(again);
	detect_result_free(res);
	return 0;
}
