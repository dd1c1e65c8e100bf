/*
 * jbuf_test.c - jitter buffer: reordering, 16-bit wrap, late packets,
 * loss, duplicates, overflow and underrun.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/jbuf.h"

static struct sip_jbuf *new_jb(void)
{
	struct sip_jbuf *jb = malloc(sizeof *jb);

	assert_non_null(jb);
	assert_int_equal(sip_jbuf_init(jb, 60, 20), 0);
	return jb;
}

static int put(struct sip_jbuf *jb, uint16_t seq)
{
	uint8_t d[160];

	memset(d, (uint8_t)seq, sizeof d);
	return sip_jbuf_put(jb, seq, seq * 160u, 0, d, sizeof d);
}

/* Tick once; returns the error and *seqp the frame's seq on success. */
static int tick(struct sip_jbuf *jb, uint16_t *seqp)
{
	struct sip_jbuf_frame f;
	int err = sip_jbuf_get(jb, &f);

	if (!err) {
		assert_int_equal(f.len, 160);
		assert_int_equal(f.data[0], (uint8_t)f.seq);
		assert_int_equal(f.ts, f.seq * 160u);
		*seqp = f.seq;
	}
	return err;
}

static void test_reorder_wrap(void **state)
{
	struct sip_jbuf *jb = new_jb();
	static const uint16_t order[] = {
		65533, 65535, 65534, 1, 0, 3, 2, 4, 6, 5,
	};
	uint16_t s, want = 65533;
	size_t i;

	(void)state;
	assert_int_equal(tick(jb, &s), EAGAIN);
	for (i = 0; i < 3; i++)
		assert_int_equal(put(jb, order[i]), 0);
	/* 60 ms target: three ticks of buffering */
	for (i = 0; i < 3; i++)
		assert_int_equal(tick(jb, &s), EAGAIN);
	for (i = 3; i < 10; i++) {
		assert_int_equal(put(jb, order[i]), 0);
		assert_int_equal(tick(jb, &s), 0);
		assert_int_equal(s, want);
		want++;
	}
	while (tick(jb, &s) == 0) {
		assert_int_equal(s, want);
		want++;
	}
	assert_int_equal(want, 7);
	assert_int_equal(jb->stats.played, 10);
	assert_int_equal(jb->stats.lost, 0);
	assert_int_equal(jb->stats.underrun, 1);
	free(jb);
}

static void test_prebuffer_reorder(void **state)
{
	struct sip_jbuf *jb = new_jb();
	uint16_t s;

	(void)state;
	assert_int_equal(put(jb, 101), 0);
	assert_int_equal(put(jb, 100), 0);   /* earlier, before play-out */
	tick(jb, &s);
	tick(jb, &s);
	tick(jb, &s);
	assert_int_equal(tick(jb, &s), 0);
	assert_int_equal(s, 100);
	assert_int_equal(tick(jb, &s), 0);
	assert_int_equal(s, 101);
	free(jb);
}

static void test_late_loss_dup(void **state)
{
	struct sip_jbuf *jb = new_jb();
	uint16_t s;
	int i;

	(void)state;
	assert_int_equal(put(jb, 10), 0);
	assert_int_equal(put(jb, 10), EALREADY);
	assert_int_equal(put(jb, 12), 0);
	assert_int_equal(put(jb, 13), 0);
	for (i = 0; i < 3; i++)
		tick(jb, &s);
	assert_int_equal(tick(jb, &s), 0);
	assert_int_equal(s, 10);
	/* 11 is missing but 12 is there: a loss */
	assert_int_equal(tick(jb, &s), ENODATA);
	/* 11 arrives after its turn: dropped as late */
	assert_int_equal(put(jb, 11), ETIMEDOUT);
	assert_int_equal(put(jb, 10), ETIMEDOUT);
	assert_int_equal(tick(jb, &s), 0);
	assert_int_equal(s, 12);
	assert_int_equal(put(jb, 13 + SIP_JBUF_SLOTS), ENOBUFS);
	assert_int_equal(put(jb, 12 + SIP_JBUF_SLOTS), 0);
	assert_int_equal(tick(jb, &s), 0);
	assert_int_equal(s, 13);
	assert_int_equal(jb->stats.late, 2);
	assert_int_equal(jb->stats.dup, 1);
	assert_int_equal(jb->stats.lost, 1);
	assert_int_equal(jb->stats.overflow, 1);
	assert_int_equal(sip_jbuf_put(jb, 14, 0, 0, NULL,
				      SIP_JBUF_FRAME_MAX + 1), EMSGSIZE);
	free(jb);
}

static void test_underrun_resume(void **state)
{
	struct sip_jbuf *jb = new_jb();
	uint16_t s;
	int i;

	(void)state;
	assert_int_equal(put(jb, 500), 0);
	for (i = 0; i < 3; i++)
		tick(jb, &s);
	assert_int_equal(tick(jb, &s), 0);
	/* sender pauses (hold) for a long time: no runaway "late" */
	for (i = 0; i < 200; i++)
		assert_int_equal(tick(jb, &s), EAGAIN);
	assert_int_equal(put(jb, 501), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(tick(jb, &s), EAGAIN);
	assert_int_equal(tick(jb, &s), 0);
	assert_int_equal(s, 501);
	/* after a reset (new SSRC) an older number is accepted again */
	sip_jbuf_reset(jb);
	assert_int_equal(put(jb, 7), 0);
	free(jb);
}

static void test_random_jitter(void **state)
{
	struct sip_jbuf *jb = new_jb();
	uint16_t s, base = 65000, last = 0;
	unsigned seed = 7, i;
	int n, played = 0, first = 1;

	(void)state;
	/* packets arrive within +-1 packet time of their slot */
	for (i = 0; i < 1000; i += 2) {
		if (rand_r(&seed) % 2) {
			put(jb, (uint16_t)(base + i + 1));
			put(jb, (uint16_t)(base + i));
		}
		else {
			put(jb, (uint16_t)(base + i));
			put(jb, (uint16_t)(base + i + 1));
		}
		for (n = 0; n < 2; n++) {
			if (tick(jb, &s) != 0)
				continue;
			if (!first)
				assert_int_equal(s, (uint16_t)(last + 1));
			first = 0;
			last = s;
			played++;
		}
	}
	while (tick(jb, &s) == 0)
		played++;
	assert_int_equal(played, 1000);
	assert_int_equal(jb->stats.late + jb->stats.lost, 0);
	free(jb);
}

static void test_init(void **state)
{
	struct sip_jbuf *jb = new_jb();

	(void)state;
	assert_int_equal(sip_jbuf_init(jb, 60, 0), EINVAL);
	assert_int_equal(sip_jbuf_init(jb, 2000, 20), EINVAL);
	assert_int_equal(sip_jbuf_init(jb, 0, 20), 0);
	free(jb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reorder_wrap),
		cmocka_unit_test(test_prebuffer_reorder),
		cmocka_unit_test(test_late_loss_dup),
		cmocka_unit_test(test_underrun_resume),
		cmocka_unit_test(test_random_jitter),
		cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
