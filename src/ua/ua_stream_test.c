/*
 * ua_stream_test.c - the audio stream of an offer/answer exchange
 * (RFC 3264): codec and telephone-event number from the answer, the peer's
 * address and RTCP port, directions for hold (sendonly/recvonly,
 * inactive, c=0.0.0.0), and the refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/sdp.h"
#include "sip/ua.h"

/* A description: address, port, formats line, extra a= lines. */
static struct sip_sdp *sdp(const char *addr, unsigned port, const char *fmts,
			   const char *attrs)
{
	char text[1024];
	struct sip_sdp *s = NULL;

	snprintf(text, sizeof(text),
		 "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP %s\r\n%s", addr, addr, port, fmts, attrs);
	assert_int_equal(sip_sdp_decode(&s, sip_pl_str(text), NULL, NULL), 0);
	return s;
}

static const char maps[] = "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
			   "a=rtpmap:96 telephone-event/8000\r\n";

static void test_codec_from_answer(void **state)
{
	/* we offered PCMU first; the answer picked PCMA and event 96 */
	struct sip_sdp *offer = sdp("10.0.0.1", 4000, "0 8 101",
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
	struct sip_sdp *answer = sdp("10.0.0.2", 5000, "8 96", maps);
	struct sip_ua_stream s;

	assert_int_equal(sip_ua_stream(&s, offer, answer, true), 0);
	assert_int_equal(s.pt, 8);
	assert_int_equal(s.dtmf_pt, 96);
	assert_string_equal(s.addr, "10.0.0.2");
	assert_int_equal(s.port, 5000);
	assert_int_equal(s.rtcp_port, 5001);
	assert_true(s.send);
	assert_true(s.recv);
	/* the answerer's view: same codec, the offerer's address */
	assert_int_equal(sip_ua_stream(&s, answer, offer, false), 0);
	assert_int_equal(s.pt, 8);
	assert_int_equal(s.dtmf_pt, 96);
	assert_string_equal(s.addr, "10.0.0.1");
	sip_mem_deref(offer);
	sip_mem_deref(answer);
}

static void test_hold(void **state)
{
	struct sip_sdp *o = sdp("10.0.0.1", 4000, "0", "a=sendonly\r\n");
	struct sip_sdp *a = sdp("10.0.0.2", 5000, "0", "a=recvonly\r\n");
	struct sip_ua_stream s;

	/* the holder sends (music), the held side only receives */
	assert_int_equal(sip_ua_stream(&s, o, a, true), 0);
	assert_true(s.send);
	assert_false(s.recv);
	assert_int_equal(sip_ua_stream(&s, a, o, false), 0);
	assert_false(s.send);
	assert_true(s.recv);
	sip_mem_deref(o);
	sip_mem_deref(a);

	o = sdp("10.0.0.1", 4000, "0", "a=inactive\r\n");
	a = sdp("10.0.0.2", 5000, "0", "a=inactive\r\n");
	assert_int_equal(sip_ua_stream(&s, o, a, true), 0);
	assert_false(s.send);
	assert_false(s.recv);
	sip_mem_deref(o);
	sip_mem_deref(a);

	/* RFC 2543 hold: the peer's c=0.0.0.0, nothing to send to */
	o = sdp("0.0.0.0", 4000, "0", "");
	a = sdp("10.0.0.2", 5000, "0", "");
	assert_int_equal(sip_ua_stream(&s, a, o, false), 0);
	assert_false(s.send);
	assert_true(s.recv);
	sip_mem_deref(o);
	sip_mem_deref(a);
}

static void test_rtcp_attr(void **state)
{
	struct sip_sdp *o = sdp("10.0.0.1", 4000, "0", "");
	struct sip_sdp *a = sdp("10.0.0.2", 5000, "0", "a=rtcp:5009\r\n");
	struct sip_ua_stream s;

	assert_int_equal(sip_ua_stream(&s, o, a, true), 0);
	assert_int_equal(s.rtcp_port, 5009);
	assert_int_equal(s.dtmf_pt, -1);
	sip_mem_deref(o);
	sip_mem_deref(a);
}

static void test_refusals(void **state)
{
	struct sip_sdp *o = sdp("10.0.0.1", 4000, "0 8", "");
	struct sip_sdp *rej = sdp("10.0.0.2", 0, "0", "");          /* port 0 */
	struct sip_sdp *gsm = sdp("10.0.0.2", 5000, "3", "");       /* no G.711 */
	struct sip_ua_stream s = { .pt = 77 };

	assert_int_equal(sip_ua_stream(&s, o, rej, true), ENOENT);
	assert_int_equal(sip_ua_stream(&s, o, gsm, true), EPROTONOSUPPORT);
	assert_int_equal(sip_ua_stream(&s, o, NULL, true), ENOENT);
	assert_int_equal(s.pt, 77);     /* untouched on failure */
	sip_mem_deref(o);
	sip_mem_deref(rej);
	sip_mem_deref(gsm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_from_answer),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_rtcp_attr),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
