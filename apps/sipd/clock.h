/*
 * clock.h - drives the library's timer set (include/sip/timer.h) from the
 * libuv loop: one uv timer, re-armed before the loop blocks to the
 * earliest sip timer, runs every timer that is due on the loop's clock.
 *
 * The timer set's clock moves only when it is run, and a timer is armed
 * relative to that clock. So every event that may arm a timer (a message
 * received, a late transport error) first calls sipd_clock_sync():
 * otherwise, after a quiet spell, a new transaction's Timer H would be
 * armed in the past and fire at once.
 */
#ifndef SIPD_CLOCK_H
#define SIPD_CLOCK_H

#include <stdbool.h>

#include <uv.h>

struct sip_timers;

struct sipd_clock {
	struct sip_timers *ts;   /* owned; the transaction layer borrows it */
	uv_timer_t timer;        /* due when the earliest sip timer is */
	uv_prepare_t prepare;    /* re-arms `timer` once per loop iteration */
	bool open;               /* the handles are initialised */
};

/**
 * Create the timer set on @p loop's clock (uv_now(), milliseconds) and
 * start driving it. Returns 0, ENOMEM, or a libuv error as an errno value.
 * On failure nothing is left to close.
 */
int sipd_clock_start(struct sipd_clock *c, uv_loop_t *loop);

/**
 * Bring the timer set's clock to the loop's time, firing what is due by
 * then. Call at the start of an I/O callback, before anything arms a
 * timer. A no-op on a clock not started.
 */
void sipd_clock_sync(struct sipd_clock *c, uv_loop_t *loop);

/**
 * Stop driving and close the handles; the timer set is freed (timers
 * still armed never fire). Run the loop once more so that libuv finishes
 * closing before @p c goes away. Call after the users of the timer set
 * (the transaction stack) are gone. Safe on a clock never started.
 */
void sipd_clock_close(struct sipd_clock *c);

#endif
