/*
 * g711_test.c - G.711 µ-law / A-law: known values, round trips, bounds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sip/g711.h"

static void test_ulaw_known(void **state)
{
	(void)state;
	assert_int_equal(sip_g711_ulaw_enc(0), 0xff);
	assert_int_equal(sip_g711_ulaw_dec(0xff), 0);
	assert_int_equal(sip_g711_ulaw_dec(0x7f), 0);
	assert_int_equal(sip_g711_ulaw_enc(32767), 0x80);
	assert_int_equal(sip_g711_ulaw_enc(-32768), 0x00);
	assert_int_equal(sip_g711_ulaw_dec(0x80), 32124);
	assert_int_equal(sip_g711_ulaw_dec(0x00), -32124);
	/* segment 0 -> 1 boundary: 14-bit 31 is the last of segment 0 */
	assert_int_equal(sip_g711_ulaw_enc(30 * 4), 0xf0);
	assert_int_equal(sip_g711_ulaw_enc(31 * 4), 0xef);
	assert_int_equal(sip_g711_ulaw_dec(0xef), 4 * 33);
	assert_int_equal(sip_g711_ulaw_dec(0xfe), 8);
	assert_int_equal(sip_g711_ulaw_dec(0x7e), -8);
}

static void test_alaw_known(void **state)
{
	(void)state;
	assert_int_equal(sip_g711_alaw_enc(0), 0xd5);
	assert_int_equal(sip_g711_alaw_dec(0xd5), 8);
	assert_int_equal(sip_g711_alaw_dec(0x55), -8);
	assert_int_equal(sip_g711_alaw_enc(32767), 0xaa);
	assert_int_equal(sip_g711_alaw_enc(-32768), 0x2a);
	assert_int_equal(sip_g711_alaw_dec(0xaa), 32256);
	assert_int_equal(sip_g711_alaw_dec(0x2a), -32256);
	/* segment 0 -> 1 boundary at 13-bit 32 (16-bit 256) */
	assert_int_equal(sip_g711_alaw_enc(255), 0x0f ^ 0x80 ^ 0x55);
	assert_int_equal(sip_g711_alaw_enc(256), 0x10 ^ 0x80 ^ 0x55);
	assert_int_equal(sip_g711_alaw_dec(0x10 ^ 0x80 ^ 0x55), 264);
}

static void test_all_codes(void **state)
{
	unsigned c;

	(void)state;
	for (c = 0; c < 256; c++) {
		uint8_t u = sip_g711_ulaw_enc(sip_g711_ulaw_dec((uint8_t)c));

		assert_int_equal(u, c == 0x7f ? 0xff : c);
		assert_int_equal(sip_g711_alaw_enc(
			sip_g711_alaw_dec((uint8_t)c)), c);
	}
}

static void test_error_bounds(void **state)
{
	int x, prevu = -40000, preva = -40000;

	(void)state;
	for (x = -32768; x <= 32767; x++) {
		int u = sip_g711_ulaw_dec(sip_g711_ulaw_enc((int16_t)x));
		int a = sip_g711_alaw_dec(sip_g711_alaw_enc((int16_t)x));
		int ax = abs(x);

		assert_true(abs(u - x) <= ax / 16 + 8);
		assert_true(abs(a - x) <= ax / 16 + 16);
		/* monotonic companding */
		assert_true(u >= prevu);
		assert_true(a >= preva);
		prevu = u;
		preva = a;
	}
}

static void test_buffers(void **state)
{
	int16_t in[4] = { 0, 1000, -1000, 32767 }, out[4];
	uint8_t code[4];
	int i;

	(void)state;
	assert_int_equal(sip_g711_encode(SIP_G711_PT_PCMA, code, in, 4), 0);
	assert_int_equal(sip_g711_decode(SIP_G711_PT_PCMA, out, code, 4), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(out[i], sip_g711_alaw_dec(
			sip_g711_alaw_enc(in[i])));
	assert_int_equal(sip_g711_encode(SIP_G711_PT_PCMU, code, in, 4), 0);
	assert_int_equal(code[0], 0xff);
	assert_int_equal(sip_g711_encode(9, code, in, 4), EPROTONOSUPPORT);
	assert_int_equal(sip_g711_decode(18, out, code, 4), EPROTONOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ulaw_known),
		cmocka_unit_test(test_alaw_known),
		cmocka_unit_test(test_all_codes),
		cmocka_unit_test(test_error_bounds),
		cmocka_unit_test(test_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
