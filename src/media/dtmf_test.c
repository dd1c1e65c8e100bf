/*
 * dtmf_test.c - RFC 4733 telephone-events: payload, sender sequence,
 * receiver under loss, duplication and reordering.
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

static void test_payload(void **state)
{
	struct sip_dtmf_event ev = { 11, true, 10, 1280 }, d;
	uint8_t b[4];

	(void)state;
	assert_int_equal(sip_dtmf_event_encode(b, &ev), 0);
	assert_int_equal(b[0], 11);
	assert_int_equal(b[1], 0x8a);
	assert_int_equal(b[2], 0x05);
	assert_int_equal(b[3], 0x00);
	b[1] |= 0x40;                         /* R bit is ignored */
	assert_int_equal(sip_dtmf_event_decode(&d, b, 4), 0);
	assert_int_equal(d.event, 11);
	assert_true(d.end);
	assert_int_equal(d.volume, 10);
	assert_int_equal(d.duration, 1280);
	assert_int_equal(sip_dtmf_event_decode(&d, b, 3), EBADMSG);
	ev.volume = 64;
	assert_int_equal(sip_dtmf_event_encode(b, &ev), EINVAL);
}

static void test_digit_map(void **state)
{
	const char *all = "0123456789*#ABCD";
	uint8_t e;
	char c;
	int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		assert_int_equal(sip_dtmf_digit_event(all[i], &e), 0);
		assert_int_equal(e, i);
		assert_int_equal(sip_dtmf_event_digit(e, &c), 0);
		assert_int_equal(c, all[i]);
	}
	assert_int_equal(sip_dtmf_digit_event('d', &e), 0);
	assert_int_equal(e, 15);
	assert_int_equal(sip_dtmf_digit_event('E', &e), EINVAL);
	assert_int_equal(sip_dtmf_digit_event('\0', &e), EINVAL);
	assert_int_equal(sip_dtmf_event_digit(16, &c), EINVAL);
}

/* Run a whole digit through the sender; returns the packet count. */
static int send_digit(struct sip_dtmf_tx *tx, char digit, uint32_t ts,
		      uint32_t dur, struct sip_dtmf_out *out, int max)
{
	int n = 0;

	assert_int_equal(sip_dtmf_tx_start(tx, digit, ts, dur), 0);
	while (n < max && sip_dtmf_tx_next(tx, &out[n]) == 0)
		n++;
	return n;
}

static void test_sender_sequence(void **state)
{
	struct sip_dtmf_tx tx;
	struct sip_dtmf_out out[16];
	struct sip_dtmf_event ev;
	int n, i;

	(void)state;
	assert_int_equal(sip_dtmf_tx_init(&tx, 160, 10), 0);
	assert_int_equal(sip_dtmf_tx_next(&tx, &out[0]), ENOENT);
	n = send_digit(&tx, '5', 8000, 800, out, 16);
	/* 160, 320, 480, 640, then 800 with E three times */
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++) {
		assert_int_equal(out[i].ts, 8000);
		assert_int_equal(out[i].marker, i == 0);
		assert_int_equal(sip_dtmf_event_decode(&ev, out[i].payload, 4),
				 0);
		assert_int_equal(ev.event, 5);
		assert_int_equal(ev.volume, 10);
		assert_int_equal(ev.end, i >= 4);
		assert_int_equal(ev.duration, i < 4 ? 160 * (i + 1) : 800);
	}
	assert_int_equal(sip_dtmf_tx_next(&tx, &out[0]), ENOENT);
	/* a one-packet digit: marker and E on the first packet */
	n = send_digit(&tx, '#', 100, 50, out, 16);
	assert_int_equal(n, 3);
	assert_true(out[0].marker);
	assert_int_equal(sip_dtmf_event_decode(&ev, out[0].payload, 4), 0);
	assert_true(ev.end);
	assert_int_equal(ev.duration, 160);
	/* longer than a 16-bit duration: clamped (no §2.5.1.3 segments) */
	n = send_digit(&tx, 'A', 0, 100000, out, 16);
	assert_int_equal(n, 16);
	while (sip_dtmf_tx_next(&tx, &out[0]) == 0)
		;
	assert_int_equal(sip_dtmf_event_decode(&ev, out[0].payload, 4), 0);
	assert_true(ev.end);
	assert_int_equal(ev.duration, 65535);
	assert_int_equal(sip_dtmf_tx_start(&tx, 'x', 0, 160), EINVAL);
	assert_int_equal(sip_dtmf_tx_start(&tx, '1', 0, 0), EINVAL);
	assert_int_equal(sip_dtmf_tx_start(&tx, '1', 0, 160), 0);
	assert_int_equal(sip_dtmf_tx_start(&tx, '2', 0, 160), EBUSY);
	assert_int_equal(sip_dtmf_tx_init(&tx, 0, 10), EINVAL);
}

static void test_receiver_loss_dup(void **state)
{
	struct sip_dtmf_tx tx;
	struct sip_dtmf_rx rx;
	struct sip_dtmf_out out[16], prev_end;
	const char *seq = "1234#11";
	char got[16], c;
	int ngot = 0, n, i, k, err;
	uint32_t ts = 0;

	(void)state;
	sip_dtmf_tx_init(&tx, 160, 10);
	sip_dtmf_rx_init(&rx);
	memset(&prev_end, 0, sizeof prev_end);
	for (k = 0; seq[k]; k++) {
		n = send_digit(&tx, seq[k], ts, 640, out, 16);
		for (i = 0; i < n; i++) {
			/* lose the start and first update of every 2nd digit */
			if (k % 2 && i < 2)
				continue;
			err = sip_dtmf_rx_input(&rx, out[i].ts, out[i].payload,
						4, &c);
			if (err == 0)
				got[ngot++] = c;
			else
				assert_int_equal(err, ENOENT);
			/* every packet duplicated by the network */
			assert_int_equal(sip_dtmf_rx_input(&rx, out[i].ts,
				out[i].payload, 4, &c), ENOENT);
		}
		/* a late end packet of the previous digit reordered here */
		if (k > 0)
			assert_int_equal(sip_dtmf_rx_input(&rx, prev_end.ts,
				prev_end.payload, 4, &c), ENOENT);
		prev_end = out[n - 1];
		ts += 640 + 800;
	}
	got[ngot] = '\0';
	assert_string_equal(got, seq);
	assert_int_equal(sip_dtmf_rx_input(&rx, 1, out[0].payload, 2, &c),
			 EBADMSG);
}

static void test_receiver_only_end(void **state)
{
	struct sip_dtmf_rx rx;
	uint8_t b[4];
	struct sip_dtmf_event ev = { 16, true, 0, 800 };
	char c = 0;

	(void)state;
	sip_dtmf_rx_init(&rx);
	/* all but the end packets lost: still reported, once */
	ev.event = 9;
	sip_dtmf_event_encode(b, &ev);
	assert_int_equal(sip_dtmf_rx_input(&rx, 5000, b, 4, &c), 0);
	assert_int_equal(c, '9');
	assert_int_equal(sip_dtmf_rx_input(&rx, 5000, b, 4, &c), ENOENT);
	assert_int_equal(sip_dtmf_rx_input(&rx, 5000, b, 4, &c), ENOENT);
	/* flash (16) is not a digit */
	ev.event = 16;
	sip_dtmf_event_encode(b, &ev);
	assert_int_equal(sip_dtmf_rx_input(&rx, 9000, b, 4, &c),
			 EPROTONOSUPPORT);
	assert_int_equal(sip_dtmf_rx_input(&rx, 9000, b, 4, &c), ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_digit_map),
		cmocka_unit_test(test_sender_sequence),
		cmocka_unit_test(test_receiver_loss_dup),
		cmocka_unit_test(test_receiver_only_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
