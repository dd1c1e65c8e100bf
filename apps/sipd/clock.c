/*
 * clock.c - one libuv timer for every sip timer (see clock.h).
 *
 * Why a prepare handle: timers are armed from everywhere (receive
 * handlers, other timers, the transaction layer's zero-delay event
 * delivery). Rather than re-arming after each of those, the prepare
 * callback, which libuv runs just before it polls for I/O, sets the uv
 * timer to the earliest due time, so the poll wakes up exactly then.
 */
#include <errno.h>

#include "sip/mem.h"
#include "sip/timer.h"

#include "clock.h"

static void on_timer(uv_timer_t *h)
{
	struct sipd_clock *c = h->data;

	sip_timers_run(c->ts, uv_now(h->loop));
}

static void on_prepare(uv_prepare_t *h)
{
	struct sipd_clock *c = h->data;
	int64_t next = sip_timers_next(c->ts, uv_now(h->loop));

	if (next < 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, on_timer, (uint64_t)next, 0);
}

int sipd_clock_start(struct sipd_clock *c, uv_loop_t *loop)
{
	int r;

	if (sip_timers_alloc(&c->ts, uv_now(loop)))
		return ENOMEM;
	uv_timer_init(loop, &c->timer);
	uv_prepare_init(loop, &c->prepare);
	c->timer.data = c;
	c->prepare.data = c;
	c->open = true;
	r = uv_prepare_start(&c->prepare, on_prepare);
	if (r) {
		sipd_clock_close(c);
		return -r;
	}
	/* the prepare handle must not keep the loop alive on its own */
	uv_unref((uv_handle_t *)&c->prepare);
	return 0;
}

void sipd_clock_sync(struct sipd_clock *c, uv_loop_t *loop)
{
	if (c->ts)
		sip_timers_run(c->ts, uv_now(loop));
}

void sipd_clock_close(struct sipd_clock *c)
{
	if (c->open) {
		uv_close((uv_handle_t *)&c->timer, NULL);
		uv_close((uv_handle_t *)&c->prepare, NULL);
		c->open = false;
	}
	c->ts = sip_mem_deref(c->ts);
}
