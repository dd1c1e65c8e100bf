/*
 * pacer_test.c - G.711 RTP sender pacing from a sample source and from a
 * WAV file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sip/g711.h"
#include "sip/pacer.h"
#include "sip/rtp.h"
#include "sip/wav.h"

struct ramp {
	size_t pos, total, chunk;
};

/* Source giving total samples of value pos % 1000 * 8, chunk at a time. */
static int ramp_src(void *arg, int16_t *buf, size_t n, size_t *gotp)
{
	struct ramp *r = arg;
	size_t i;

	if (n > r->chunk)
		n = r->chunk;
	if (n > r->total - r->pos)
		n = r->total - r->pos;
	for (i = 0; i < n; i++)
		buf[i] = (int16_t)((r->pos + i) % 1000 * 8);
	r->pos += n;
	*gotp = n;
	return 0;
}

static int fail_src(void *arg, int16_t *buf, size_t n, size_t *gotp)
{
	return EIO;
}

static void test_pacing(void **state)
{
	struct ramp r = { 0, 160 * 3 + 40, 70 };
	struct sip_pacer_cfg cfg = { SIP_G711_PT_PCMU, 0xabc, 65534, 1000, 20 };
	struct sip_pacer p;
	struct sip_rtp_pkt q;
	uint8_t buf[400];
	size_t len;
	int16_t pcm[160];
	int i;

	(void)state;
	assert_int_equal(sip_pacer_init(&p, &cfg, ramp_src, &r), 0);
	assert_int_equal(sip_pacer_next_due(&p), 0);
	assert_int_equal(sip_pacer_poll(&p, 5000, buf, sizeof buf, &len), 0);
	assert_int_equal(len, 12 + 160);
	assert_int_equal(sip_rtp_decode(&q, buf, len), 0);
	assert_true(q.marker);
	assert_int_equal(q.seq, 65534);
	assert_int_equal(q.ts, 1000);
	assert_int_equal(q.ssrc, 0xabc);
	assert_int_equal(q.pt, 0);
	sip_g711_decode(0, pcm, q.payload, 160);
	for (i = 0; i < 160; i++)
		assert_true(abs(pcm[i] - i * 8) <= i * 8 / 16 + 8);
	assert_int_equal(sip_pacer_next_due(&p), 5020);
	assert_int_equal(sip_pacer_poll(&p, 5019, buf, sizeof buf, &len),
			 EAGAIN);
	/* woke up late: two packets due at once */
	assert_int_equal(sip_pacer_poll(&p, 5045, buf, sizeof buf, &len), 0);
	assert_int_equal(sip_rtp_decode(&q, buf, len), 0);
	assert_false(q.marker);
	assert_int_equal(q.seq, 65535);
	assert_int_equal(q.ts, 1160);
	assert_int_equal(sip_pacer_poll(&p, 5045, buf, sizeof buf, &len), 0);
	assert_int_equal(sip_rtp_decode(&q, buf, len), 0);
	assert_int_equal(q.seq, 0);
	assert_int_equal(q.ts, 1320);
	assert_int_equal(sip_pacer_poll(&p, 5045, buf, sizeof buf, &len),
			 EAGAIN);
	/* the last 40 samples, padded with silence */
	assert_int_equal(sip_pacer_poll(&p, 5060, buf, sizeof buf, &len), 0);
	assert_int_equal(sip_rtp_decode(&q, buf, len), 0);
	assert_int_equal(q.seq, 1);
	assert_int_equal(q.payload_len, 160);
	assert_int_equal(q.payload[100], sip_g711_ulaw_enc(0));
	assert_int_equal(sip_pacer_poll(&p, 5080, buf, sizeof buf, &len),
			 ENOENT);
	assert_int_equal(sip_pacer_poll(&p, 9000, buf, sizeof buf, &len),
			 ENOENT);
}

static void test_skip(void **state)
{
	struct ramp r = { 0, 160 * 2, 160 };
	struct sip_pacer_cfg cfg = { SIP_G711_PT_PCMU, 1, 10, 500, 20 };
	struct sip_pacer p;
	uint8_t buf[400];
	size_t len;
	uint16_t seq;
	uint32_t ts;

	(void)state;
	assert_int_equal(sip_pacer_init(&p, &cfg, ramp_src, &r), 0);
	assert_int_equal(sip_pacer_skip(&p, 100, &seq, &ts), 0);
	assert_int_equal(seq, 10);
	assert_int_equal(ts, 500);
	assert_int_equal(r.pos, 160);        /* a frame of audio dropped */
	assert_int_equal(sip_pacer_skip(&p, 119, &seq, &ts), EAGAIN);
	assert_int_equal(sip_pacer_poll(&p, 120, buf, sizeof buf, &len), 0);
	/* audio over; slots can still be taken, in real time */
	assert_int_equal(sip_pacer_poll(&p, 140, buf, sizeof buf, &len),
			 ENOENT);
	assert_int_equal(sip_pacer_skip(&p, 140, &seq, &ts), 0);
	assert_int_equal(seq, 12);
	assert_int_equal(ts, 820);
	assert_int_equal(sip_pacer_skip(&p, 150, &seq, &ts), EAGAIN);
	assert_int_equal(sip_pacer_skip(&p, 160, &seq, &ts), 0);
	assert_int_equal(seq, 13);
}

static void test_errors(void **state)
{
	struct sip_pacer_cfg cfg = { 9, 1, 0, 0, 20 };
	struct sip_pacer p;
	uint8_t buf[400];
	size_t len;

	(void)state;
	assert_int_equal(sip_pacer_init(&p, &cfg, fail_src, NULL), EINVAL);
	cfg.pt = SIP_G711_PT_PCMA;
	cfg.ptime_ms = 25;
	assert_int_equal(sip_pacer_init(&p, &cfg, fail_src, NULL), EINVAL);
	cfg.ptime_ms = 30;
	assert_int_equal(sip_pacer_init(&p, &cfg, fail_src, NULL), 0);
	assert_int_equal(sip_pacer_poll(&p, 0, buf, 100, &len), ENOBUFS);
	assert_int_equal(sip_pacer_poll(&p, 0, buf, sizeof buf, &len), EIO);
}

static void test_from_wav(void **state)
{
	char dir[] = "/tmp/pacer_test.XXXXXX", path[64];
	struct sip_wav_writer w;
	struct sip_wav_reader r;
	struct sip_pacer_cfg cfg = { SIP_G711_PT_PCMA, 7, 100, 0, 20 };
	struct sip_pacer p;
	struct sip_rtp_pkt q;
	int16_t s[8000];
	uint8_t buf[400];
	size_t len;
	uint64_t now = 0;
	int i, n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/in.wav", dir);
	for (i = 0; i < 8000; i++)
		s[i] = (int16_t)(i % 80 < 40 ? 8000 : -8000);
	assert_int_equal(sip_wav_create(&w, path), 0);
	assert_int_equal(sip_wav_write(&w, s, 8000), 0);
	assert_int_equal(sip_wav_finish(&w), 0);
	assert_int_equal(sip_wav_open(&r, path, NULL), 0);
	assert_int_equal(sip_pacer_init(&p, &cfg, sip_wav_src, &r), 0);
	/* one second of audio at a 1 ms clock: 50 packets, 20 ms apart */
	for (now = 0; now < 2000; now++) {
		int err = sip_pacer_poll(&p, now, buf, sizeof buf, &len);

		if (err == EAGAIN)
			continue;
		if (err == ENOENT)
			break;
		assert_int_equal(err, 0);
		assert_int_equal(now, (uint64_t)n * 20);
		assert_int_equal(sip_rtp_decode(&q, buf, len), 0);
		assert_int_equal(q.seq, 100 + n);
		assert_int_equal(q.ts, (uint32_t)n * 160);
		assert_int_equal(sip_g711_alaw_dec(q.payload[0]),
				 sip_g711_alaw_dec(sip_g711_alaw_enc(8000)));
		n++;
	}
	assert_int_equal(n, 50);
	assert_int_equal(now, 1000);
	sip_wav_close(&r);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pacing),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_from_wav),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
