/*
 * sipctl_table_test.c - aligned tables (table.c): widths from the
 * widest cell in UTF-8 characters, two spaces apart, no trailing
 * blanks, "-" for a missing cell, control characters neutralised.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static char *print(const struct sipctl_table *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(sipctl_table_print(t, f), 0);
	fclose(f);
	return out;
}

static void test_alignment(void **state)
{
	static const char *const head[] = { "AOR", "CONTACT", "EXPIRES", NULL };
	static const char *const r1[] = { "sip:alice@example.com",
					  "sip:alice@127.0.0.1:5070", "3590" };
	static const char *const r2[] = { "sip:bø@x", NULL, "5" };
	struct sipctl_table t;
	char *out;

	(void)state;
	assert_int_equal(sipctl_table_init(&t, head), 0);
	sipctl_table_row(&t, r1);
	sipctl_table_row(&t, r2);
	assert_int_equal(sipctl_table_rows(&t), 2);
	out = print(&t);
	assert_string_equal(out,
		"AOR                    CONTACT                   EXPIRES\n"
		"sip:alice@example.com  sip:alice@127.0.0.1:5070  3590\n"
		"sip:bø@x               -                         5\n");
	free(out);
	sipctl_table_free(&t);
}

static void test_control_characters(void **state)
{
	static const char *const head[] = { "USER", "AGENT", NULL };
	static const char *const r1[] = { "bob", "evil\033[2J\r\n" };
	struct sipctl_table t;
	char *out;

	(void)state;
	assert_int_equal(sipctl_table_init(&t, head), 0);
	sipctl_table_row(&t, r1);
	out = print(&t);
	assert_string_equal(out, "USER  AGENT\nbob   evil?[2J??\n");
	free(out);
	sipctl_table_free(&t);
}

static void test_limits(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const many[] = { "1", "2", "3", "4", "5", "6", "7",
					    "8", "9", "10", "11", "12", "13", NULL };
	struct sipctl_table t;

	(void)state;
	assert_int_equal(sipctl_table_init(&t, none), EINVAL);
	assert_int_equal(sipctl_table_init(&t, many), EINVAL);
	assert_int_equal(sipctl_table_width("añb€"), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
