/*
 * rtprx_test.c - receive path: pacer -> (reorder, loss, DTMF) -> rtprx ->
 * PCM, plus malformed input, other payload types and SSRC changes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/dtmf.h"
#include "sip/g711.h"
#include "sip/pacer.h"
#include "sip/rtp.h"
#include "sip/rtprx.h"

static int const_src(void *arg, int16_t *buf, size_t n, size_t *gotp)
{
	size_t *left = arg, i;

	if (n > *left)
		n = *left;
	for (i = 0; i < n; i++)
		buf[i] = 4000;
	*left -= n;
	*gotp = n;
	return 0;
}

static struct sip_rtprx *new_rx(void)
{
	struct sip_rtprx_cfg cfg = { SIP_G711_PT_PCMU, 101, 60, 20 };
	struct sip_rtprx *rx = malloc(sizeof *rx);

	assert_non_null(rx);
	assert_int_equal(sip_rtprx_init(rx, &cfg), 0);
	return rx;
}

/* Build a telephone-event packet from a sender step. */
static size_t dtmf_pkt(uint8_t *buf, const struct sip_dtmf_out *o,
		       uint16_t seq)
{
	struct sip_rtp_pkt p;
	size_t len;

	memset(&p, 0, sizeof p);
	p.marker = o->marker;
	p.pt = 101;
	p.seq = seq;
	p.ts = o->ts;
	p.ssrc = 77;
	p.payload = o->payload;
	p.payload_len = 4;
	assert_int_equal(sip_rtp_encode(buf, 64, &p, &len), 0);
	return len;
}

static void test_stream(void **state)
{
	struct sip_rtprx *rx = new_rx();
	struct sip_pacer_cfg pc = { SIP_G711_PT_PCMU, 77, 65530, 0, 20 };
	struct sip_pacer p;
	struct sip_dtmf_tx tx;
	struct sip_dtmf_out o;
	size_t left = 160 * 40, len, plen = 0;
	uint8_t pkt[400], prev[400];
	int16_t pcm[160];
	char c, digits[8] = "";
	int i, nd = 0, audio = 0, lost = 0, err;
	uint16_t seq;
	uint32_t ts;

	(void)state;
	assert_int_equal(sip_pacer_init(&p, &pc, const_src, &left), 0);
	sip_dtmf_tx_init(&tx, 160, 10);
	for (i = 0; i < 60; i++) {
		if (i == 20)
			sip_dtmf_tx_start(&tx, '7', p.ts, 480);
		if (sip_dtmf_tx_next(&tx, &o) == 0) {
			/* the event replaces audio and uses its seq */
			assert_int_equal(sip_pacer_skip(&p, (uint64_t)i * 20,
							&seq, &ts), 0);
			len = dtmf_pkt(pkt, &o, seq);
		}
		else if (sip_pacer_poll(&p, (uint64_t)i * 20, pkt, sizeof pkt,
					&len) != 0) {
			len = 0;
		}
		if (len && i == 10) {
			/* hold packet 10 back: it arrives after 11 */
			memcpy(prev, pkt, len);
			plen = len;
			len = 0;
		}
		if (len && i != 15) {          /* packet 15 is lost */
			err = sip_rtprx_input(rx, pkt, len, i * 160u, &c);
			assert_true(err == 0 || err == ENOENT);
			if (c)
				digits[nd++] = c;
		}
		if (i == 11)
			assert_int_equal(sip_rtprx_input(rx, prev, plen,
				i * 160u, &c), 0);
		err = sip_rtprx_tick(rx, pcm, 160);
		if (err == 0 && pcm[0] != 0) {
			assert_int_equal(pcm[0], sip_g711_ulaw_dec(
				sip_g711_ulaw_enc(4000)));
			audio++;
		}
		if (err == ENODATA)
			lost++;
	}
	while ((err = sip_rtprx_tick(rx, pcm, 160)) != EAGAIN)
		audio += err == 0 && pcm[0] != 0;
	digits[nd] = '\0';
	assert_string_equal(digits, "7");
	/* 40 frames of audio, 5 replaced by the event, one lost */
	assert_int_equal(audio, 34);
	assert_int_equal(lost, 1);
	assert_int_equal(rx->jb.stats.late, 0);
	assert_int_equal(rx->ssrc, 77);
	free(rx);
}

static void test_bad_and_other(void **state)
{
	struct sip_rtprx *rx = new_rx();
	struct sip_rtp_pkt p;
	uint8_t buf[64], pay[4] = { 1, 2, 3, 4 };
	int16_t pcm[160];
	size_t len;
	char c = 'x';

	(void)state;
	assert_int_equal(sip_rtprx_input(rx, buf, 5, 0, &c), EBADMSG);
	assert_int_equal(c, '\0');
	memset(&p, 0, sizeof p);
	p.pt = 8;                      /* PCMA, not negotiated */
	p.ssrc = 1;
	p.payload = pay;
	p.payload_len = 4;
	sip_rtp_encode(buf, sizeof buf, &p, &len);
	assert_int_equal(sip_rtprx_input(rx, buf, len, 0, &c),
			 EPROTONOSUPPORT);
	p.pt = 0;
	sip_rtp_encode(buf, sizeof buf, &p, &len);
	assert_int_equal(sip_rtprx_input(rx, buf, len, 0, &c), 0);
	assert_int_equal(sip_rtprx_input(rx, buf, len, 0, &c), EALREADY);
	/* a new SSRC starts over: the same seq is new again */
	p.ssrc = 2;
	sip_rtp_encode(buf, sizeof buf, &p, &len);
	assert_int_equal(sip_rtprx_input(rx, buf, len, 0, &c), 0);
	assert_int_equal(rx->ssrc_changes, 1);
	assert_int_equal(rx->bad, 1);
	assert_int_equal(rx->other_pt, 1);
	assert_int_equal(sip_rtprx_tick(rx, pcm, 100), EINVAL);
	free(rx);
}

static void test_init(void **state)
{
	struct sip_rtprx_cfg cfg = { 9, -1, 60, 20 };
	struct sip_rtprx *rx = malloc(sizeof *rx);

	(void)state;
	assert_non_null(rx);
	assert_int_equal(sip_rtprx_init(rx, &cfg), EINVAL);
	cfg.audio_pt = SIP_G711_PT_PCMA;
	cfg.ptime_ms = 50;
	assert_int_equal(sip_rtprx_init(rx, &cfg), EINVAL);
	cfg.ptime_ms = 20;
	assert_int_equal(sip_rtprx_init(rx, &cfg), 0);
	free(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_bad_and_other),
		cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
