/*
 * rtcp_test.c - RTCP SR, RR and BYE (RFC 3550 §6.4, §6.6), compound
 * stepping and hostile input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/rtcp.h"
#include "sip/rtp.h"

static void test_sr_rr_bye_compound(void **state)
{
	struct sip_rtcp_pkt sr, rr, bye, q;
	uint8_t buf[512];
	size_t len, n, off = 0;

	(void)state;
	memset(&sr, 0, sizeof sr);
	sr.type = SIP_RTCP_SR;
	sr.ssrc = 0xaabbccdd;
	sr.sr.ntp_sec = 3900000000u;
	sr.sr.ntp_frac = 0x80000000u;
	sr.sr.rtp_ts = 16000;
	sr.sr.pkt_count = 100;
	sr.sr.octet_count = 16000;
	sr.count = 1;
	sr.rb[0].ssrc = 7;
	sr.rb[0].fraction = 25;
	sr.rb[0].lost = -3;
	sr.rb[0].ext_max_seq = 0x10005;
	sr.rb[0].jitter = 42;
	sr.rb[0].lsr = 0x12345678;
	sr.rb[0].dlsr = 65536;
	assert_int_equal(sip_rtcp_encode(buf, sizeof buf, &sr, &n), 0);
	assert_int_equal(n, 4 + 4 + 20 + 24);
	off = n;
	memset(&rr, 0, sizeof rr);
	rr.type = SIP_RTCP_RR;
	rr.ssrc = 9;
	assert_int_equal(sip_rtcp_encode(buf + off, sizeof buf - off, &rr, &n),
			 0);
	assert_int_equal(n, 8);
	off += n;
	memset(&bye, 0, sizeof bye);
	bye.type = SIP_RTCP_BYE;
	bye.count = 1;
	bye.srcs[0] = 0xaabbccdd;
	bye.reason = "hangup";
	bye.reason_len = 6;
	assert_int_equal(sip_rtcp_encode(buf + off, sizeof buf - off, &bye,
					 &n), 0);
	assert_int_equal(n, 4 + 4 + 8);
	off += n;
	len = off;

	assert_int_equal(sip_rtcp_decode(&q, buf, len, &n), 0);
	assert_int_equal(q.type, SIP_RTCP_SR);
	assert_int_equal(q.ssrc, 0xaabbccdd);
	assert_int_equal(q.sr.ntp_sec, 3900000000u);
	assert_int_equal(q.sr.octet_count, 16000);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.rb[0].lost, -3);
	assert_int_equal(q.rb[0].fraction, 25);
	assert_int_equal(q.rb[0].ext_max_seq, 0x10005);
	assert_int_equal(q.rb[0].dlsr, 65536);
	off = n;
	assert_int_equal(sip_rtcp_decode(&q, buf + off, len - off, &n), 0);
	assert_int_equal(q.type, SIP_RTCP_RR);
	assert_int_equal(q.ssrc, 9);
	assert_int_equal(q.count, 0);
	off += n;
	assert_int_equal(sip_rtcp_decode(&q, buf + off, len - off, &n), 0);
	assert_int_equal(q.type, SIP_RTCP_BYE);
	assert_int_equal(q.srcs[0], 0xaabbccdd);
	assert_int_equal(q.reason_len, 6);
	assert_memory_equal(q.reason, "hangup", 6);
	assert_int_equal(off + n, len);
	assert_int_equal(sip_rtcp_encode(buf, 10, &sr, &n), ENOBUFS);
	sr.type = SIP_RTCP_APP;
	assert_int_equal(sip_rtcp_encode(buf, sizeof buf, &sr, &n), EINVAL);
}

static void test_hostile(void **state)
{
	uint8_t b[64];
	struct sip_rtcp_pkt q;
	size_t n;
	unsigned seed = 99, i, j;

	(void)state;
	memset(b, 0, sizeof b);
	b[0] = 0x81;
	b[1] = SIP_RTCP_RR;
	b[3] = 1;                    /* 8 bytes but one report block claimed */
	assert_int_equal(sip_rtcp_decode(&q, b, 8, &n), EBADMSG);
	b[3] = 7;                    /* length beyond the buffer */
	assert_int_equal(sip_rtcp_decode(&q, b, 16, &n), EBADMSG);
	assert_int_equal(sip_rtcp_decode(&q, b, 3, &n), EBADMSG);
	b[0] = 0x41;
	assert_int_equal(sip_rtcp_decode(&q, b, 32, &n), EBADMSG);
	b[0] = 0x81;                 /* BYE reason longer than the packet */
	b[1] = SIP_RTCP_BYE;
	b[3] = 2;
	b[8] = 200;
	assert_int_equal(sip_rtcp_decode(&q, b, 12, &n), EBADMSG);
	b[0] = 0x80;                 /* unknown type: type only, skippable */
	b[1] = 222;
	assert_int_equal(sip_rtcp_decode(&q, b, 12, &n), 0);
	assert_int_equal(q.type, 222);
	assert_int_equal(n, 12);
	for (i = 0; i < 20000; i++) {
		size_t len = (size_t)rand_r(&seed) % sizeof b;
		int err;

		for (j = 0; j < len; j++)
			b[j] = (uint8_t)rand_r(&seed);
		if (len)
			b[0] = (uint8_t)(0x80 | (b[0] & 0x3f));
		if (len > 2)
			b[2] = 0;
		err = sip_rtcp_decode(&q, b, len, &n);
		assert_true(err == 0 || err == EBADMSG);
		if (!err)
			assert_true(n <= len);
	}
}

static void test_report_from_stats(void **state)
{
	struct sip_rtp_rstats s;
	struct sip_rtp_loss l;
	struct sip_rtcp_pkt rr, q;
	uint8_t buf[64];
	size_t n;
	uint16_t seq;

	(void)state;
	sip_rtp_rstats_init(&s);
	for (seq = 0; seq < 50; seq++)
		if (seq % 10 != 3)
			sip_rtp_rstats_update(&s, seq, seq * 160u, seq * 160u);
	sip_rtp_rstats_report(&s, &l);
	memset(&rr, 0, sizeof rr);
	rr.type = SIP_RTCP_RR;
	rr.ssrc = 1;
	rr.count = 1;
	rr.rb[0].ssrc = 2;
	rr.rb[0].fraction = l.fraction;
	rr.rb[0].lost = l.cumulative;
	rr.rb[0].ext_max_seq = l.ext_max_seq;
	rr.rb[0].jitter = l.jitter;
	assert_int_equal(sip_rtcp_encode(buf, sizeof buf, &rr, &n), 0);
	assert_int_equal(sip_rtcp_decode(&q, buf, n, &n), 0);
	assert_int_equal(q.rb[0].lost, 5);
	assert_int_equal(q.rb[0].ext_max_seq, 49);
	/* seq 0 was the probation packet (A.1): 49 expected */
	assert_int_equal(q.rb[0].fraction, 5 * 256 / 49);
}

static void test_sdes(void **state)
{
	struct sip_rtcp_pkt k, q;
	uint8_t buf[64];
	size_t n, used;

	(void)state;
	memset(&k, 0, sizeof k);
	k.type = SIP_RTCP_SDES;
	k.ssrc = 0x11223344;
	k.cname = "ua@host";
	k.cname_len = 7;
	assert_int_equal(sip_rtcp_encode(buf, sizeof buf, &k, &n), 0);
	/* header, SSRC, 2 + 7 + END = 10 -> 12 */
	assert_int_equal(n, 4 + 4 + 12);
	assert_int_equal(buf[0], 0x81);
	assert_int_equal(buf[8 + 9], 0);
	assert_int_equal(sip_rtcp_decode(&q, buf, n, &used), 0);
	assert_int_equal(used, n);
	assert_int_equal(q.type, SIP_RTCP_SDES);
	assert_int_equal(q.ssrc, 0x11223344);
	assert_int_equal(q.cname_len, 7);
	assert_memory_equal(q.cname, "ua@host", 7);
	buf[9] = 200;                        /* item longer than the packet */
	assert_int_equal(sip_rtcp_decode(&q, buf, n, &used), EBADMSG);
	buf[9] = 10;                         /* runs to the end: no END */
	assert_int_equal(sip_rtcp_decode(&q, buf, n, &used), EBADMSG);
	k.cname_len = 0;
	assert_int_equal(sip_rtcp_encode(buf, sizeof buf, &k, &n), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sr_rr_bye_compound),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_report_from_stats),
		cmocka_unit_test(test_sdes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
