/*
 * test_buf.c - the bounded byte buffer
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "testutil.h"

static void
buf_init_gives_an_empty_string(void)
{
	struct buf b;

	buf_init(&b, 10);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.max, 10);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
	buf_free(&b);
}

static void
buf_append_stores_bytes_and_terminates(void)
{
	struct buf b;

	buf_init(&b, 100);
	CU_ASSERT_EQUAL(buf_append(&b, "hello", 5), BUF_OK);
	CU_ASSERT_EQUAL(buf_append(&b, ", world", 7), BUF_OK);
	CU_ASSERT_EQUAL(b.len, 12);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "hello, world");
	CU_ASSERT_EQUAL(b.data[b.len], '\0');
	buf_free(&b);
}

static void
buf_append_keeps_embedded_nul_bytes(void)
{
	struct buf b;

	buf_init(&b, 100);
	CU_ASSERT_EQUAL(buf_append(&b, "a\0b", 3), BUF_OK);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_EQUAL(memcmp(b.data, "a\0b\0", 4), 0);
	buf_free(&b);
}

static void
buf_append_fills_exactly_to_the_ceiling(void)
{
	struct buf b;

	buf_init(&b, 5);
	CU_ASSERT_EQUAL(buf_append(&b, "abc", 3), BUF_OK);
	CU_ASSERT_EQUAL(buf_append(&b, "de", 2), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "abcde");
	CU_ASSERT(b.cap <= 6);
	buf_free(&b);
}

static void
buf_append_past_the_ceiling_is_toobig_and_unchanged(void)
{
	struct buf b;

	buf_init(&b, 5);
	CU_ASSERT_EQUAL(buf_append(&b, "abcd", 4), BUF_OK);
	CU_ASSERT_EQUAL(buf_append(&b, "ef", 2), BUF_TOOBIG);
	CU_ASSERT_EQUAL(b.len, 4);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "abcd");
	CU_ASSERT_EQUAL(buf_putc(&b, 'e'), BUF_OK);
	CU_ASSERT_EQUAL(buf_putc(&b, 'f'), BUF_TOOBIG);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "abcde");
	buf_free(&b);
}

static void
buf_zero_ceiling_takes_only_empty_appends(void)
{
	struct buf b;

	buf_init(&b, 0);
	CU_ASSERT_EQUAL(buf_append(&b, "", 0), BUF_OK);
	CU_ASSERT_EQUAL(buf_puts(&b, ""), BUF_OK);
	CU_ASSERT_EQUAL(buf_putc(&b, 'x'), BUF_TOOBIG);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
	buf_free(&b);
}

static void
buf_append_of_a_huge_length_fails_without_reading(void)
{
	struct buf b;

	buf_init(&b, SIZE_MAX);
	CU_ASSERT_EQUAL(buf_putc(&b, 'x'), BUF_OK);
	/* len + n would reach SIZE_MAX: no room for the NUL */
	CU_ASSERT_EQUAL(buf_append(&b, "y", SIZE_MAX - 1), BUF_NOMEM);
	CU_ASSERT_EQUAL(buf_append(&b, "y", SIZE_MAX), BUF_TOOBIG);
	CU_ASSERT_EQUAL(b.len, 1);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "x");
	buf_free(&b);
}

static void
buf_grows_across_many_appends(void)
{
	struct buf b;
	size_t i;
	int ok = 1;

	buf_init(&b, 100000);
	for (i = 0; i < 100000; i++)
		if (buf_putc(&b, 'a' + (int)(i % 26)) != BUF_OK)
			ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(b.len, 100000);
	CU_ASSERT(b.cap <= 100001);
	CU_ASSERT_EQUAL(b.data[0], 'a');
	CU_ASSERT_EQUAL(b.data[26], 'a');
	CU_ASSERT_EQUAL(b.data[99999], 'a' + 99999 % 26);
	CU_ASSERT_EQUAL(b.data[100000], '\0');
	CU_ASSERT_EQUAL(buf_putc(&b, 'z'), BUF_TOOBIG);
	buf_free(&b);
}

static void
buf_puts_and_putc_append_text(void)
{
	struct buf b;

	buf_init(&b, 100);
	CU_ASSERT_EQUAL(buf_puts(&b, "ab"), BUF_OK);
	CU_ASSERT_EQUAL(buf_putc(&b, 0xe9), BUF_OK);
	CU_ASSERT_EQUAL(buf_puts(&b, "cd"), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b),
	    "ab\xe9"
	    "cd");
	buf_free(&b);
}

static void
buf_printf_appends_formatted_text(void)
{
	struct buf b;

	buf_init(&b, 100);
	CU_ASSERT_EQUAL(buf_puts(&b, "n="), BUF_OK);
	CU_ASSERT_EQUAL(
	    buf_printf(&b, "%d %s %zu", -3, "x", (size_t)7), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "n=-3 x 7");
	CU_ASSERT_EQUAL(b.len, 8);
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", ""), BUF_OK);
	CU_ASSERT_EQUAL(b.len, 8);
	buf_free(&b);
}

static void
buf_printf_past_the_ceiling_is_toobig_and_unchanged(void)
{
	struct buf b;

	buf_init(&b, 10);
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", "12345"), BUF_OK);
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", "678901"), BUF_TOOBIG);
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "12345");
	CU_ASSERT_EQUAL(buf_printf(&b, "%05d", 42), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "1234500042");
	buf_free(&b);
}

static void
buf_printf_grows_for_long_output(void)
{
	struct buf b;
	char want[301];

	memset(want, 'q', 300);
	want[300] = '\0';
	buf_init(&b, 1000);
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", want), BUF_OK);
	CU_ASSERT_EQUAL(b.len, 300);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), want);
	buf_free(&b);
}

static void
buf_reset_empties_and_keeps_storage(void)
{
	struct buf b;
	char *before;

	buf_init(&b, 100);
	CU_ASSERT_EQUAL(buf_puts(&b, "something"), BUF_OK);
	before = b.data;
	buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_PTR_EQUAL(b.data, before);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
	CU_ASSERT_EQUAL(buf_puts(&b, "new"), BUF_OK);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "new");
	buf_free(&b);
}

static void
buf_reset_of_an_unused_buffer_is_harmless(void)
{
	struct buf b;

	buf_init(&b, 4);
	buf_reset(&b);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
}

static void
buf_steal_hands_over_the_contents(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 100);
	CU_ASSERT_EQUAL(buf_puts(&b, "mine"), BUF_OK);
	s = buf_steal(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "mine");
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.max, 100);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
	free(s);
}

static void
buf_steal_of_an_empty_buffer_gives_an_empty_string(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 100);
	s = buf_steal(&b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

static void
buf_free_accepts_null_and_allows_reuse(void)
{
	struct buf b;

	buf_free(NULL);
	buf_init(&b, 8);
	CU_ASSERT_EQUAL(buf_puts(&b, "abc"), BUF_OK);
	buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.max, 8);
	CU_ASSERT_EQUAL(buf_puts(&b, "12345678"), BUF_OK);
	CU_ASSERT_EQUAL(buf_putc(&b, '9'), BUF_TOOBIG);
	buf_free(&b);
}

static CU_TestInfo buf_tests[] = {
    {"buf_init_gives_an_empty_string", buf_init_gives_an_empty_string},
    {"buf_append_stores_bytes_and_terminates",
        buf_append_stores_bytes_and_terminates},
    {"buf_append_keeps_embedded_nul_bytes",
        buf_append_keeps_embedded_nul_bytes},
    {"buf_append_fills_exactly_to_the_ceiling",
        buf_append_fills_exactly_to_the_ceiling},
    {"buf_append_past_the_ceiling_is_toobig_and_unchanged",
        buf_append_past_the_ceiling_is_toobig_and_unchanged},
    {"buf_zero_ceiling_takes_only_empty_appends",
        buf_zero_ceiling_takes_only_empty_appends},
    {"buf_append_of_a_huge_length_fails_without_reading",
        buf_append_of_a_huge_length_fails_without_reading},
    {"buf_grows_across_many_appends", buf_grows_across_many_appends},
    {"buf_puts_and_putc_append_text", buf_puts_and_putc_append_text},
    {"buf_printf_appends_formatted_text", buf_printf_appends_formatted_text},
    {"buf_printf_past_the_ceiling_is_toobig_and_unchanged",
        buf_printf_past_the_ceiling_is_toobig_and_unchanged},
    {"buf_printf_grows_for_long_output", buf_printf_grows_for_long_output},
    {"buf_reset_empties_and_keeps_storage",
        buf_reset_empties_and_keeps_storage},
    {"buf_reset_of_an_unused_buffer_is_harmless",
        buf_reset_of_an_unused_buffer_is_harmless},
    {"buf_steal_hands_over_the_contents", buf_steal_hands_over_the_contents},
    {"buf_steal_of_an_empty_buffer_gives_an_empty_string",
        buf_steal_of_an_empty_buffer_gives_an_empty_string},
    {"buf_free_accepts_null_and_allows_reuse",
        buf_free_accepts_null_and_allows_reuse},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"buf", NULL, NULL, NULL, NULL, buf_tests},
    CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return testutil_main("test_buf", suites);
}
