/*
 * detect_bench.c - how fast the detectors scan, and how fast the student
 * index builds
 *
 *	detect_bench ROSTER [BIG-ROSTER]
 *
 * ROSTER is a OneRoster export (tests/gen_roster.py --students 10000 ...;
 * script/bench uses its 26,000-person district, 10,000 students of them),
 * BIG-ROSTER a larger one (100,000 persons) whose student index is only
 * built and timed. The declared detectors are 100 <regex> detectors (order
 * numbers, account codes, telephone numbers, SSNs, card numbers ...) and
 * the shipped offensive-words dictionary, written to a temporary
 * configuration. The text is ordinary English prose with a capitalized
 * word now and then and a few student names, scanned in 64 KiB texts on
 * one thread, 64 MiB a round. Prints key=value lines:
 *	detect_mb_per_s       scan throughput, every detector, the best of
 *	                      five rounds (detect_mb_per_s_median: their
 *	                      median)
 *	detect_rules          regex detectors
 *	detect_students       students indexed
 *	detect_pcre_only      patterns Vectorscan left to PCRE2
 *	detect_hs_compile_s   the Vectorscan compile of the 100 detectors
 *	detect_roster_build_s the index of ROSTER
 *	detect_roster_build_100k_s, detect_roster_persons_big
 *	                      the index of BIG-ROSTER
 */
#include "autoconf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "config.h"
#include "detect.h"
#include "diag.h"
#include "roster.h"

#define NRULES 100
#define TEXT_BYTES (64 * 1024)
#define ROUND_BYTES (64 * 1024 * 1024)
#define ROUNDS 5

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* load - a roster, or exit */
static struct roster *
load(const char *dir)
{
	struct roster *r = NULL;
	struct diag *dg = diag_new();

	if (roster_load(&r, &dir, 1, NULL, dg) == -1) {
		diag_print(dg, stderr);
		exit(1);
	}
	diag_free(dg);
	return r;
}

/* build - the student index of r, timed */
static struct detect_roster *
build(const struct roster *r, double *secs)
{
	struct detect_roster *dr = NULL;
	double t0 = now();

	if (detect_roster_build(&dr, r) == -1) {
		perror("detect_roster_build");
		exit(1);
	}
	*secs = now() - t0;
	return dr;
}

/* The patterns, by rule number modulo their count. */
static const char *const shapes[] = {
    "\\bORD-%d\\d{6}\\b",
    "\\b[A-Z]{2}%d-\\d{4}-\\d{4}\\b",
    "\\bACCT%d[0-9]{8}\\b",
    "\\binvoice\\s+#?%d\\d{5}\\b",
    "\\b\\(?\\d{3}\\)?[ .-]%d\\d{2}-\\d{4}\\b",
    "\\bcase\\s+number\\s+%d[0-9A-F]{6}\\b",
    "\\b(?:4\\d{3}|5[1-5]\\d{2})[ -]?\\d{4}[ -]?\\d{4}[ -]?%d\\d{3}\\b",
    "\\bproject[-_ ]?code[-_ ]?%d\\w{4}\\b",
    "\\b[a-z0-9._%+-]+@example%d\\.org\\b",
    "\\bpassport\\s+no\\.?\\s*[A-Z]%d\\d{7}\\b",
};

/* write_config - the 100-rule configuration into dir; its path */
static const char *
write_config(const char *dir, const char *words)
{
	static char path[1024];
	FILE *fp;
	int i;

	(void)snprintf(path, sizeof(path), "%s/detect-bench.xml", dir);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(fp,
	    "<?xml version=\"1.0\"?>\n<guardian-milter version=\"1\">\n"
	    "<detectors>\n<keywords id=\"offensive\" file=\"%s\"/>\n",
	    words);
	for (i = 0; i < NRULES; i++) {
		fprintf(
		    fp, "<regex id=\"r%d\" case=\"insensitive\"><pattern>", i);
		{
			/* the shape with the rule's tens in place of "%d" */
			const char *sh =
			    shapes[i % (sizeof(shapes) / sizeof(shapes[0]))];
			const char *at = strstr(sh, "%d");

			fprintf(
			    fp, "%.*s%d%s", (int)(at - sh), sh, i / 10, at + 2);
		}
		fprintf(fp, "</pattern></regex>\n");
	}
	fprintf(fp, "</detectors>\n</guardian-milter>\n");
	if (fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

static const char *const prose[] = {"the", "of", "and", "to", "a", "in", "is",
    "it", "you", "that", "he", "was", "for", "on", "are", "with", "as", "I",
    "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by",
    "word", "but", "what", "some", "we", "can", "out", "other", "were", "all",
    "there", "when", "up", "use", "your", "how", "said", "an", "each", "she",
    "which", "do", "their", "time", "if", "will", "way", "about", "many",
    "then", "them", "write", "would", "like", "so", "these", "her", "long",
    "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could",
    "go", "come", "did", "number", "sound", "no", "most", "people", "my",
    "over", "know", "water", "than", "call", "first", "who", "may", "down",
    "side", "been", "now", "find", "class", "homework", "Monday", "school",
    "parents", "meeting", "field", "trip", "library", "science", "reading",
    "lunch", "Thanks", "Please", "Friday", "September", "2024", "10", "room"};

/* make_text - TEXT_BYTES of prose with a student's name now and then */
static char *
make_text(const struct roster *r, size_t *len)
{
	char *t = malloc(TEXT_BYTES + 256);
	size_t n = 0, np = sizeof(prose) / sizeof(prose[0]), words = 0;
	unsigned seed = 12345, i;

	if (t == NULL)
		exit(1);
	while (n < TEXT_BYTES) {
		const char *w;
		char buf[256];
		int cap = words % 14 == 0;

		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 2000 == 0 && roster_count(r) > 0) {
			const struct roster_person *p =
			    roster_person_at(r, (seed >> 8) % roster_count(r));

			(void)snprintf(buf, sizeof(buf), "%s %s",
			    roster_person_given(p), roster_person_family(p));
			w = buf;
		} else {
			w = prose[(seed >> 16) % np];
		}
		for (i = 0; w[i] != '\0' && n < TEXT_BYTES + 200; i++)
			t[n++] = cap && i == 0 && w[i] >= 'a' && w[i] <= 'z' ?
			    (char)(w[i] - 32) :
			    w[i];
		words++;
		t[n++] = words % 14 == 0 ? '.' : words % 9 == 0 ? ',' : ' ';
		if (words % 14 == 0)
			t[n++] = words % 70 == 0 ? '\n' : ' ';
	}
	t[n] = '\0';
	*len = n;
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct roster *r, *big;
	struct detect_roster *dr, *bigdr;
	struct detect *d = NULL;
	struct config *cfg = NULL;
	struct diag *dg = diag_new();
	struct detect_text dt;
	char dir[] = "/tmp/detect-bench.XXXXXX", words[1200];
	char abs_words[PATH_MAX];
	const char *top = getenv("top_srcdir");
	double t0, secs, build_s, big_s, rate[ROUNDS];
	int round;
	size_t len, done = 0, hits = 0;
	char *text;

	if (argc < 2) {
		fprintf(stderr, "usage: detect_bench ROSTER [BIG-ROSTER]\n");
		return 64;
	}
	(void)snprintf(words, sizeof(words), "%s/rules/offensive-words.txt",
	    top != NULL ? top : ".");
	if (realpath(words, abs_words) == NULL) {
		perror(words);
		return 1;
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	config_init();
	if (config_load(&cfg, write_config(dir, abs_words), dg) == -1 ||
	    detect_compile(&d, cfg, dg) == -1) {
		diag_print(dg, stderr);
		return 1;
	}
	r = load(argv[1]);
	dr = build(r, &build_s);
	text = make_text(r, &len);
	dt.text = text;
	dt.len = len;
	dt.where = DETECT_IN_BODY;
	dt.name = "";
	dt.kind = "text";
	/* the best of ROUNDS rounds: the machine may be shared */
	for (round = 0; round < ROUNDS; round++) {
		done = 0;
		t0 = now();
		while (done < ROUND_BYTES) {
			struct detect_result *res = NULL;

			if (detect_scan(&res, d, dr, &dt, 1) == -1) {
				perror("detect_scan");
				return 1;
			}
			hits += detect_hit_count(res);
			detect_result_free(res);
			done += len;
		}
		secs = now() - t0;
		rate[round] = (double)done / secs / 1e6;
	}
	qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
	printf("detect_mb_per_s=%.1f\n", rate[ROUNDS - 1]);
	printf("detect_mb_per_s_median=%.1f\n", rate[ROUNDS / 2]);
	printf("detect_rules=%d\n", NRULES);
	printf("detect_students=%zu\n", detect_roster_students(dr));
	printf("detect_pcre_only=%zu\n", detect_pcre_only(d));
	printf("detect_hs_compile_s=%.4f\n", detect_compile_seconds(d));
	printf("detect_roster_build_s=%.4f\n", build_s);
	printf("detect_hits_per_text=%.1f\n",
	    (double)hits / (double)(ROUNDS * (done / len)));
	if (argc > 2) {
		big = load(argv[2]);
		bigdr = build(big, &big_s);
		printf("detect_roster_build_100k_s=%.4f\n", big_s);
		printf("detect_roster_persons_big=%zu\n", roster_count(big));
		printf(
		    "detect_students_big=%zu\n", detect_roster_students(bigdr));
		detect_roster_free(bigdr);
		roster_free(big);
	}
	free(text);
	detect_roster_free(dr);
	roster_free(r);
	detect_free(d);
	config_free(cfg);
	diag_free(dg);
	{
		char p[1100];

		(void)snprintf(p, sizeof(p), "%s/detect-bench.xml", dir);
		(void)unlink(p);
	}
	(void)rmdir(dir);
	return 0;
}
