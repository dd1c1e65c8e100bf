/*
 * ua_body_test.c - message/sipfrag status lines (RFC 3515 §2.4.5) and
 * application/dtmf-relay bodies (INFO DTMF): parse, print, bad input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/buf.h"
#include "sip/ua.h"

static void test_sipfrag(void **state)
{
	uint16_t code = 0;
	struct sip_buf b;

	assert_int_equal(sip_sipfrag_status(SIP_PL("SIP/2.0 180 Ringing\r\n"), &code), 0);
	assert_int_equal(code, 180);
	assert_int_equal(sip_sipfrag_status(SIP_PL("SIP/2.0 200 OK"), &code), 0);
	assert_int_equal(code, 200);
	assert_int_equal(sip_sipfrag_status(SIP_PL("SIP/2.0 2000 OK"), &code), EBADMSG);
	assert_int_equal(sip_sipfrag_status(SIP_PL("INVITE sip:a@b SIP/2.0"), &code), EBADMSG);
	assert_int_equal(sip_sipfrag_status(SIP_PL("SIP/2.0 099 x"), &code), EBADMSG);
	assert_int_equal(sip_sipfrag_status(SIP_PL(""), &code), EBADMSG);
	sip_buf_init(&b);
	sip_sipfrag_print(&b, 503, NULL);
	sip_sipfrag_print(&b, 100, "Trying");
	assert_int_equal(sip_buf_err(&b), 0);
	assert_string_equal(b.p, "SIP/2.0 503 Service Unavailable\r\nSIP/2.0 100 Trying\r\n");
	sip_buf_reset(&b);
}

static void test_dtmf_relay(void **state)
{
	char d = 0;
	uint32_t dur = 1;
	struct sip_buf b;

	assert_int_equal(sip_dtmf_relay_decode(SIP_PL("Signal=5\r\nDuration=160\r\n"), &d, &dur), 0);
	assert_int_equal(d, '5');
	assert_int_equal(dur, 160);
	assert_int_equal(sip_dtmf_relay_decode(SIP_PL("duration = 250\nsignal = #\n"), &d, &dur), 0);
	assert_int_equal(d, '#');
	assert_int_equal(dur, 250);
	assert_int_equal(sip_dtmf_relay_decode(SIP_PL("Signal=a"), &d, &dur), 0);
	assert_int_equal(d, 'A');
	assert_int_equal(dur, 0);
	assert_int_equal(sip_dtmf_relay_decode(SIP_PL("Signal=x\r\n"), &d, &dur), EBADMSG);
	assert_int_equal(sip_dtmf_relay_decode(SIP_PL("Signal=12\r\n"), &d, &dur), EBADMSG);
	assert_int_equal(sip_dtmf_relay_decode(SIP_PL("Duration=100\r\n"), &d, &dur), EBADMSG);
	sip_buf_init(&b);
	sip_dtmf_relay_print(&b, '*', 100);
	assert_string_equal(b.p, "Signal=*\r\nDuration=100\r\n");
	sip_buf_reset(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sipfrag),
		cmocka_unit_test(test_dtmf_relay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
