/*
 * csv_fuzz.c - libFuzzer harness for the CSV reader
 *
 * The first input byte picks small limits (so that every limit is
 * reached), the rest is the file. Every record is read and every field
 * checked against the reader's promises: valid UTF-8 without NUL bytes,
 * no longer than the field limit. A broken promise aborts.
 *
 *	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Imilter \
 *	    -Icompat tests/fuzz/csv_fuzz.c milter/csv.c milter/buf.c \
 *	    milter/diag.c milter/log.c -o csv_fuzz
 *	./csv_fuzz -max_len=4096 tests/data/csv
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_limits lim;
	struct diag *dg;
	struct csv *c = NULL;
	const char *s;
	size_t i, len;

	csv_limits_default(&lim);
	if (size > 0) {
		lim.field_bytes = 1 + (data[0] & 0x0f);
		lim.record_bytes = 4 + ((data[0] >> 4) & 0x07) * 8;
		lim.fields = 1 + (data[0] & 0x07);
		lim.file_bytes = data[0] & 0x80 ? size / 2 : size;
		if (data[0] == 0)
			csv_limits_default(&lim);
		data++;
		size--;
	}
	if ((dg = diag_new()) == NULL)
		return 0;
	if (csv_open_mem(&c, "fuzz.csv", data, size, &lim, dg) == 0) {
		(void)csv_find(c, "sourcedId");
		(void)csv_require(c, "email");
		while (csv_next(c) == 1) {
			for (i = 0; i < csv_columns(c) + 2; i++) {
				s = csv_get(c, (int)i);
				len = strlen(s);
				if (len != csv_get_len(c, (int)i) ||
				    len > lim.field_bytes ||
				    csv_utf8_valid(s, len) != len)
					abort();
				if (csv_field_line(c, (int)i) < csv_line(c))
					abort();
			}
		}
		csv_free(c);
	}
	if (diag_count(dg) == 0 && c == NULL)
		abort(); /* a failed open always says why */
	diag_free(dg);
	return 0;
}
