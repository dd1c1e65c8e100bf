/*
 * timer.h - one-shot timers driven by an explicit clock.
 *
 * A struct sip_timers holds every armed timer of one event loop, ordered
 * by due time. Nothing here reads a clock: the owner says what time it is
 * by calling sip_timers_run(), so tests run on a virtual clock and the
 * daemon drives the whole set from one libuv timer:
 *
 *     sip_timers_run(ts, uv_now(loop));
 *     next = sip_timers_next(ts, uv_now(loop));   // -1: stop the uv timer
 *     if (next >= 0) uv_timer_start(&uvt, on_uv_timer, next, 0);
 *
 * A struct sip_timer is embedded in the object it serves (a transaction
 * has timer_a, timer_b, ...); arming it never allocates, so starting a
 * timer cannot fail. Times are milliseconds on the owner's clock.
 */
#ifndef SIP_TIMER_H
#define SIP_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sip_timers;

/** Timer handler: @p arg as given to sip_timer_start(). */
typedef void (sip_timer_h)(void *arg);

/**
 * One timer. Zero it (it usually sits in a zeroed object) before first
 * use; a zeroed timer is idle. The fields are private to timer.c.
 */
struct sip_timer {
	struct sip_timers *ts;        /* set while armed, else NULL */
	struct sip_timer *child;      /* heap links (pairing heap) */
	struct sip_timer *next;
	struct sip_timer *prev;       /* parent if first child, else left sibling */
	uint64_t due;                 /* absolute time, ms */
	uint64_t seq;                 /* start order: ties fire first-started first */
	sip_timer_h *h;
	void *arg;
};

/**
 * New, empty timer set whose clock reads @p now_ms. Free with
 * sip_mem_deref(); timers still armed then are disarmed (their
 * handlers never run). Returns 0 or ENOMEM.
 */
int sip_timers_alloc(struct sip_timers **tsp, uint64_t now_ms);

/**
 * Arm @p t to call @p h(@p arg) @p delay_ms after sip_timers_now(ts). A
 * timer already armed is re-armed (in any set). A delay of 0 fires at the
 * next sip_timers_run(), after timers already due. Never fails.
 */
void sip_timer_start(struct sip_timers *ts, struct sip_timer *t, uint64_t delay_ms,
		     sip_timer_h *h, void *arg);

/** Disarm @p t; harmless when idle (or NULL). */
void sip_timer_cancel(struct sip_timer *t);

/** True while @p t is armed. */
static inline bool sip_timer_armed(const struct sip_timer *t)
{
	return t->ts != NULL;
}

/** Milliseconds until @p t fires (0 when due), or -1 when idle. */
int64_t sip_timer_remaining(const struct sip_timer *t);

/**
 * Advance the clock to @p now_ms (never backwards) and fire every timer
 * due by then, earliest first (equal times: started first, first). While a
 * handler runs, sip_timers_now() reads that timer's due time, so a timer
 * re-armed from its handler keeps an exact schedule however late the run
 * is. Handlers may start and cancel any timers, themselves included; a
 * timer they arm that falls due by @p now_ms fires in this same run.
 */
void sip_timers_run(struct sip_timers *ts, uint64_t now_ms);

/**
 * Milliseconds from @p now_ms until the earliest armed timer is due:
 * 0 when one is already due, -1 when none is armed.
 */
int64_t sip_timers_next(const struct sip_timers *ts, uint64_t now_ms);

/** The set's clock: the last time given to sip_timers_run() (see there). */
uint64_t sip_timers_now(const struct sip_timers *ts);

/** Number of armed timers. */
size_t sip_timers_count(const struct sip_timers *ts);

#endif
