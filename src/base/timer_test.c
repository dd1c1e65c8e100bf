/*
 * timer_test.c - the timer set on a virtual clock: order, ties, cancel,
 * re-arming from handlers, sip_timers_next(), and a randomised check
 * against a brute-force model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/timer.h"

struct rec {
	struct sip_timers *ts;
	struct sip_timer t;
	int id;
	uint64_t fired_at[16];
	int nfired;
	/* behaviour when fired */
	uint64_t rearm;           /* >0: re-arm self with this delay */
	int rearm_times;
	struct sip_timer *cancel; /* cancel this one */
	struct rec *start;        /* start this one with start_delay */
	uint64_t start_delay;
};

static int order[64];
static int norder;

static void on_fire(void *arg)
{
	struct rec *r = arg;

	r->fired_at[r->nfired++] = sip_timers_now(r->ts);
	order[norder++] = r->id;
	if (r->rearm && r->rearm_times-- > 0)
		sip_timer_start(r->ts, &r->t, r->rearm, on_fire, r);
	if (r->cancel)
		sip_timer_cancel(r->cancel);
	if (r->start)
		sip_timer_start(r->ts, &r->start->t, r->start_delay, on_fire, r->start);
}

static struct sip_timers *new_set(uint64_t now)
{
	struct sip_timers *ts;

	assert_int_equal(sip_timers_alloc(&ts, now), 0);
	norder = 0;
	return ts;
}

static void test_order_and_ties(void **state)
{
	struct sip_timers *ts = new_set(1000);
	struct rec r[5];

	(void)state;
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 5; i++) {
		r[i].ts = ts;
		r[i].id = i;
	}
	sip_timer_start(ts, &r[0].t, 300, on_fire, &r[0]);
	sip_timer_start(ts, &r[1].t, 100, on_fire, &r[1]);
	sip_timer_start(ts, &r[2].t, 200, on_fire, &r[2]);
	sip_timer_start(ts, &r[3].t, 100, on_fire, &r[3]); /* ties with 1 */
	sip_timer_start(ts, &r[4].t, 0, on_fire, &r[4]);
	assert_int_equal(sip_timers_count(ts), 5);
	assert_int_equal(sip_timers_next(ts, 1000), 0);
	assert_int_equal(sip_timer_remaining(&r[0].t), 300);
	sip_timers_run(ts, 1000);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 4);
	assert_int_equal(sip_timers_next(ts, 1000), 100);
	assert_int_equal(sip_timers_next(ts, 1050), 50);
	sip_timers_run(ts, 1250);
	assert_int_equal(norder, 4);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 3);
	assert_int_equal(order[3], 2);
	assert_int_equal(r[2].fired_at[0], 1200);
	assert_int_equal(sip_timers_now(ts), 1250);
	sip_timers_run(ts, 5000);
	assert_int_equal(norder, 5);
	assert_int_equal(r[0].fired_at[0], 1300);
	assert_int_equal(sip_timers_next(ts, 5000), -1);
	assert_int_equal(sip_timers_count(ts), 0);
	/* the clock never goes backwards */
	sip_timers_run(ts, 10);
	assert_int_equal(sip_timers_now(ts), 5000);
	sip_mem_deref(ts);
}

static void test_cancel(void **state)
{
	struct sip_timers *ts = new_set(0);
	struct rec r[4];

	(void)state;
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 4; i++) {
		r[i].ts = ts;
		r[i].id = i;
		sip_timer_start(ts, &r[i].t, 10 * (uint64_t)(i + 1), on_fire, &r[i]);
	}
	sip_timer_cancel(&r[0].t);   /* the root */
	sip_timer_cancel(&r[2].t);   /* inside the heap */
	sip_timer_cancel(&r[2].t);   /* twice: harmless */
	sip_timer_cancel(NULL);
	assert_false(sip_timer_armed(&r[2].t));
	assert_int_equal(sip_timer_remaining(&r[2].t), -1);
	assert_int_equal(sip_timers_count(ts), 2);
	/* restart moves it */
	sip_timer_start(ts, &r[3].t, 5, on_fire, &r[3]);
	sip_timers_run(ts, 100);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 1);
	assert_int_equal(r[3].fired_at[0], 5);
	sip_mem_deref(ts);
}

static void test_handlers_rearm_and_cancel(void **state)
{
	struct sip_timers *ts = new_set(0);
	struct rec a, b, c, d;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	a.ts = b.ts = c.ts = d.ts = ts;
	a.id = 1; b.id = 2; c.id = 3; d.id = 4;
	/* a re-arms itself every 500 ms three times; b cancels c; b starts d */
	a.rearm = 500;
	a.rearm_times = 3;
	b.cancel = &c.t;
	b.start = &d;
	b.start_delay = 0;
	sip_timer_start(ts, &a.t, 500, on_fire, &a);
	sip_timer_start(ts, &b.t, 700, on_fire, &b);
	sip_timer_start(ts, &c.t, 800, on_fire, &c);
	/* one late run fires everything on its exact schedule */
	sip_timers_run(ts, 10000);
	assert_int_equal(a.nfired, 4);
	assert_int_equal(a.fired_at[0], 500);
	assert_int_equal(a.fired_at[1], 1000);
	assert_int_equal(a.fired_at[2], 1500);
	assert_int_equal(a.fired_at[3], 2000);
	assert_int_equal(b.nfired, 1);
	assert_int_equal(c.nfired, 0);
	assert_int_equal(d.nfired, 1);
	assert_int_equal(d.fired_at[0], 700);  /* delay 0 from b's handler */
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 4);
	assert_int_equal(order[3], 1);
	sip_mem_deref(ts);
}

static void test_destroy_disarms(void **state)
{
	struct sip_timers *ts = new_set(0);
	struct rec r;
	long live = sip_mem_live();

	(void)state;
	memset(&r, 0, sizeof(r));
	r.ts = ts;
	sip_timer_start(ts, &r.t, 10, on_fire, &r);
	sip_mem_deref(ts);
	assert_false(sip_timer_armed(&r.t));
	sip_timer_cancel(&r.t);
	assert_true(sip_mem_live() < live);
}

/* Random starts, cancels and runs checked against a linear scan. */
#define NR 200

struct model {
	struct sip_timers *ts;
	struct sip_timer t[NR];
	bool armed[NR];
	uint64_t due[NR], seq[NR], nseq;
	uint64_t last_due, last_seq;
	int fired;
	bool bad;
};

static struct model *the_model;

static void on_model(void *arg)
{
	struct model *m = the_model;
	int i = (int)(intptr_t)arg;
	uint64_t now = sip_timers_now(m->ts);

	if (!m->armed[i] || m->due[i] != now)
		m->bad = true;
	/* no armed timer may be earlier than this one */
	for (int j = 0; j < NR; j++)
		if (j != i && m->armed[j] &&
		    (m->due[j] < m->due[i] ||
		     (m->due[j] == m->due[i] && m->seq[j] < m->seq[i])))
			m->bad = true;
	m->armed[i] = false;
	m->fired++;
	/* re-arm some from inside the handler */
	if (rand() % 3 == 0) {
		uint64_t d = (uint64_t)(rand() % 50);

		sip_timer_start(m->ts, &m->t[i], d, on_model, arg);
		m->armed[i] = true;
		m->due[i] = now + d;
		m->seq[i] = m->nseq++;
	}
}

static void test_random_model(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	uint64_t now = 0;

	(void)state;
	srand(7);
	the_model = m;
	m->ts = new_set(0);
	for (int step = 0; step < 5000; step++) {
		int i = rand() % NR;

		switch (rand() % 4) {
		case 0: case 1: {
			uint64_t d = (uint64_t)(rand() % 1000);

			sip_timer_start(m->ts, &m->t[i], d, on_model, (void *)(intptr_t)i);
			m->armed[i] = true;
			m->due[i] = sip_timers_now(m->ts) + d;
			m->seq[i] = m->nseq++;
			break;
		}
		case 2:
			sip_timer_cancel(&m->t[i]);
			m->armed[i] = false;
			break;
		default:
			now += (uint64_t)(rand() % 100);
			sip_timers_run(m->ts, now);
			break;
		}
		size_t n = 0;
		for (int j = 0; j < NR; j++)
			n += m->armed[j];
		assert_int_equal(sip_timers_count(m->ts), n);
		assert_false(m->bad);
	}
	sip_timers_run(m->ts, now + 100000);
	assert_int_equal(sip_timers_count(m->ts), 0);
	assert_false(m->bad);
	assert_true(m->fired > 1000);
	sip_mem_deref(m->ts);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_handlers_rearm_and_cancel),
		cmocka_unit_test(test_destroy_disarms),
		cmocka_unit_test(test_random_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
