/*
 * rtp_test.c - RTP packets (RFC 3550 §5.1) and receiver statistics (A.1,
 * A.3, A.8), including hostile input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/rtp.h"

static void test_roundtrip_full(void **state)
{
	static const uint8_t payload[] = { 1, 2, 3, 4, 5 };
	static const uint8_t ext[] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	struct sip_rtp_pkt p, q;
	uint8_t buf[256];
	size_t len;

	(void)state;
	memset(&p, 0, sizeof p);
	p.marker = true;
	p.pt = 101;
	p.seq = 65535;
	p.ts = 0xdeadbeef;
	p.ssrc = 0x01020304;
	p.cc = 2;
	p.csrc[0] = 11;
	p.csrc[1] = 22;
	p.ext = true;
	p.ext_profile = 0xbede;
	p.ext_data = ext;
	p.ext_len = sizeof ext;
	p.pad_len = 3;
	p.payload = payload;
	p.payload_len = sizeof payload;
	assert_int_equal(sip_rtp_encode(buf, sizeof buf, &p, &len), 0);
	assert_int_equal(len, 12 + 8 + 4 + 8 + 5 + 3);
	assert_int_equal(buf[0], 0x80 | 0x20 | 0x10 | 2);
	assert_int_equal(buf[1], 0x80 | 101);
	assert_int_equal(buf[len - 1], 3);
	assert_int_equal(sip_rtp_decode(&q, buf, len), 0);
	assert_true(q.marker);
	assert_int_equal(q.pt, 101);
	assert_int_equal(q.seq, 65535);
	assert_int_equal(q.ts, 0xdeadbeef);
	assert_int_equal(q.ssrc, 0x01020304);
	assert_int_equal(q.cc, 2);
	assert_int_equal(q.csrc[1], 22);
	assert_true(q.ext);
	assert_int_equal(q.ext_profile, 0xbede);
	assert_int_equal(q.ext_len, 8);
	assert_memory_equal(q.ext_data, ext, 8);
	assert_int_equal(q.pad_len, 3);
	assert_int_equal(q.payload_len, 5);
	assert_memory_equal(q.payload, payload, 5);
	assert_int_equal(sip_rtp_encode(buf, len - 1, &p, &len), ENOBUFS);
}

static void test_minimal(void **state)
{
	static const uint8_t wire[] = {
		0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0,
		0x12, 0x34, 0x56, 0x78, 0xff, 0xff,
	};
	struct sip_rtp_pkt q;

	(void)state;
	assert_int_equal(sip_rtp_decode(&q, wire, sizeof wire), 0);
	assert_false(q.marker);
	assert_int_equal(q.pt, 0);
	assert_int_equal(q.seq, 1);
	assert_int_equal(q.ts, 160);
	assert_int_equal(q.ssrc, 0x12345678);
	assert_int_equal(q.payload_len, 2);
	assert_int_equal(sip_rtp_decode(&q, wire, 12), 0);
	assert_int_equal(q.payload_len, 0);
}

static void test_hostile(void **state)
{
	uint8_t b[64];
	struct sip_rtp_pkt q;

	(void)state;
	memset(b, 0, sizeof b);
	b[0] = 0x80;
	assert_int_equal(sip_rtp_decode(&q, b, 11), EBADMSG);
	b[0] = 0x40;                         /* version 1 */
	assert_int_equal(sip_rtp_decode(&q, b, 12), EBADMSG);
	b[0] = 0x8f;                         /* 15 CSRCs, none present */
	assert_int_equal(sip_rtp_decode(&q, b, 20), EBADMSG);
	b[0] = 0x90;                         /* extension header missing */
	assert_int_equal(sip_rtp_decode(&q, b, 14), EBADMSG);
	b[14] = 0xff;                        /* extension longer than packet */
	b[15] = 0xff;
	assert_int_equal(sip_rtp_decode(&q, b, 24), EBADMSG);
	b[0] = 0xa0;                         /* padding with nothing after hdr */
	assert_int_equal(sip_rtp_decode(&q, b, 12), EBADMSG);
	b[15] = 0;                           /* padding count 0 */
	assert_int_equal(sip_rtp_decode(&q, b, 16), EBADMSG);
	b[15] = 5;                           /* more padding than payload */
	assert_int_equal(sip_rtp_decode(&q, b, 16), EBADMSG);
	b[15] = 4;                           /* exactly the payload */
	assert_int_equal(sip_rtp_decode(&q, b, 16), 0);
	assert_int_equal(q.payload_len, 0);
	assert_int_equal(sip_rtp_decode(NULL, b, 16), EINVAL);
}

static void test_random_bytes(void **state)
{
	uint8_t b[80];
	struct sip_rtp_pkt q;
	unsigned seed = 1234, i, j;

	(void)state;
	for (i = 0; i < 20000; i++) {
		size_t len = (size_t)rand_r(&seed) % sizeof b;
		int err;

		for (j = 0; j < len; j++)
			b[j] = (uint8_t)rand_r(&seed);
		if (len)
			b[0] = (uint8_t)(0x80 | (b[0] & 0x3f));
		err = sip_rtp_decode(&q, b, len);
		assert_true(err == 0 || err == EBADMSG);
		if (err == 0)
			assert_true(q.payload + q.payload_len + q.pad_len
				    <= b + len);
	}
}

static void test_encode_invalid(void **state)
{
	struct sip_rtp_pkt p;
	uint8_t buf[64];
	size_t len;

	(void)state;
	memset(&p, 0, sizeof p);
	p.pt = 128;
	assert_int_equal(sip_rtp_encode(buf, sizeof buf, &p, &len), EINVAL);
	p.pt = 0;
	p.cc = 16;
	assert_int_equal(sip_rtp_encode(buf, sizeof buf, &p, &len), EINVAL);
	p.cc = 0;
	p.ext = true;
	p.ext_len = 3;
	assert_int_equal(sip_rtp_encode(buf, sizeof buf, &p, &len), EINVAL);
	p.ext_len = 0;
	assert_int_equal(sip_rtp_encode(buf, sizeof buf, &p, &len), 0);
	assert_int_equal(len, 16);
}

static void test_rstats_loss(void **state)
{
	struct sip_rtp_rstats s;
	struct sip_rtp_loss l;
	uint16_t seq;

	(void)state;
	sip_rtp_rstats_init(&s);
	assert_int_equal(sip_rtp_rstats_update(&s, 65530, 0, 0), EAGAIN);
	/* 65531..65535, 0..9 with 2 and 5 missing: wrap counted */
	for (seq = 65531; seq != 10; seq++) {
		if (seq == 2 || seq == 5)
			continue;
		assert_int_equal(sip_rtp_rstats_update(&s, seq,
			(uint32_t)seq * 160, (uint32_t)seq * 160), 0);
	}
	sip_rtp_rstats_report(&s, &l);
	assert_int_equal(l.ext_max_seq, 0x10000 + 9);
	assert_int_equal(l.cumulative, 2);
	assert_int_equal(l.fraction, 2 * 256 / 15);
	assert_int_equal(l.jitter, 0);
	/* late arrival of 5 lowers the loss; next interval has none lost */
	assert_int_equal(sip_rtp_rstats_update(&s, 5, 5 * 160, 5 * 160), 0);
	assert_int_equal(sip_rtp_rstats_update(&s, 10, 1600, 1600), 0);
	sip_rtp_rstats_report(&s, &l);
	assert_int_equal(l.cumulative, 1);
	assert_int_equal(l.fraction, 0);
}

static void test_rstats_jitter_restart(void **state)
{
	struct sip_rtp_rstats s;
	struct sip_rtp_loss l;
	uint16_t i;

	(void)state;
	sip_rtp_rstats_init(&s);
	/* every other packet arrives 80 units late: |D| = 80 each time */
	for (i = 0; i < 200; i++)
		sip_rtp_rstats_update(&s, i, i * 160u,
				      i * 160u + (i % 2 ? 80 : 0));
	sip_rtp_rstats_report(&s, &l);
	assert_true(l.jitter >= 75 && l.jitter <= 80);
	/* a jump of 10000: rejected once, accepted when sequential */
	assert_int_equal(sip_rtp_rstats_update(&s, 10200, 0, 0), ERANGE);
	assert_int_equal(sip_rtp_rstats_update(&s, 10201, 160, 160), 0);
	sip_rtp_rstats_report(&s, &l);
	assert_int_equal(l.ext_max_seq, 10201);
	assert_int_equal(l.cumulative, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_full),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_rstats_loss),
		cmocka_unit_test(test_rstats_jitter_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
