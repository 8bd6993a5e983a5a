/*
 * config_fuzz.c - libFuzzer harness for the XML configuration loader
 *
 * The input is a configuration file. snapshot_build() reads it (libxml2,
 * the RelaxNG schema, then the rules compiler and whatever roster it
 * names) and must either succeed or fail with at least one diagnostic;
 * a successful build must also survive being released. The file is
 * written to a private temporary directory; includes and roster paths
 * resolve there (and elsewhere on the system, read-only). Built and run
 * by script/fuzz, with GUARDIAN_MILTER_SCHEMA naming the schema.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "log.h"
#include "snapshot.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

/* quiet - a log sink that drops the lines: the loader's diagnostics */
static void
quiet(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)line;
	(void)arg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/gm-config-fuzz-XXXXXX";

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	if ((size_t)snprintf(path, sizeof(path), "%s/fuzz.xml", dir) >=
	    sizeof(path))
		abort();
	log_init("config_fuzz", 1);
	log_set_sink(quiet, NULL);
	config_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot *snap = NULL;
	struct diag *dg;
	FILE *fp;
	int r;

	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	if ((dg = diag_new()) == NULL)
		return 0;
	r = snapshot_build(&snap, path, dg);
	if (r == 0 && snap == NULL)
		abort();
	if (r == -1 && (snap != NULL || diag_count(dg) == 0))
		abort(); /* a failed build always says why */
	snapshot_release(snap);
	diag_free(dg);
	return 0;
}
