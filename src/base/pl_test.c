/*
 * pl_test.c - slices and the output buffer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/buf.h"
#include "sip/pl.h"

static void test_compare(void **state)
{
	(void)state;
	assert_true(sip_pl_eqs(SIP_PL("abc"), "abc"));
	assert_false(sip_pl_eqs(SIP_PL("abc"), "ABC"));
	assert_true(sip_pl_caseeqs(SIP_PL("Call-ID"), "call-id"));
	assert_false(sip_pl_caseeqs(SIP_PL("Call-ID"), "call-i"));
	assert_true(sip_pl_eq(sip_pl_str(NULL), SIP_PL("")));
}

static void test_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(sip_pl_u32(SIP_PL("4294967295"), UINT32_MAX, &v), 0);
	assert_true(v == 4294967295u);
	assert_int_equal(sip_pl_u32(SIP_PL("4294967296"), UINT32_MAX, &v), ERANGE);
	assert_int_equal(sip_pl_u32(SIP_PL("256"), 255, &v), ERANGE);
	assert_int_equal(sip_pl_u32(SIP_PL(""), 255, &v), EINVAL);
	assert_int_equal(sip_pl_u32(SIP_PL("-1"), 255, &v), EINVAL);
	assert_int_equal(sip_pl_u32(SIP_PL("12a"), 255, &v), EINVAL);
}

static void test_trim_copy(void **state)
{
	struct sip_pl t = sip_pl_trim(SIP_PL(" \t\r\n x y \r\n"));
	char small[4];
	char *d;

	(void)state;
	assert_true(sip_pl_eqs(t, "x y"));
	assert_int_equal(sip_pl_strcpy(SIP_PL("abcdef"), small, sizeof(small)), 3);
	assert_string_equal(small, "abc");
	d = sip_pl_dup(SIP_PL("dup"));
	assert_string_equal(d, "dup");
	free(d);
}

static void test_buf(void **state)
{
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	sip_buf_puts(&b, "SIP/2.0 ");
	sip_buf_u32(&b, 200);
	sip_buf_putc(&b, ' ');
	sip_buf_pl(&b, SIP_PL("OK"));
	sip_buf_printf(&b, "|%d|%s", 42, "x");
	assert_int_equal(sip_buf_err(&b), 0);
	assert_string_equal(b.p, "SIP/2.0 200 OK|42|x");
	for (int i = 0; i < 10000; i++)
		sip_buf_puts(&b, "0123456789");
	assert_int_equal(b.len, 19 + 100000);
	sip_buf_reset(&b);
	assert_null(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_trim_copy),
		cmocka_unit_test(test_buf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
