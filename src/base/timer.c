/*
 * timer.c - a timer set on an explicit clock, kept in an intrusive pairing
 * heap (Fredman, Sedgewick, Sleator, Tarjan 1986): insert and meld O(1),
 * delete-min and delete O(log n) amortised, and no allocation per timer,
 * since the heap links live in the struct sip_timer embedded in its owner.
 *
 * Order is (due, seq): seq numbers starts, so timers due at the same
 * millisecond fire in the order they were started.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/mem.h"
#include "sip/timer.h"

struct sip_timers {
	struct sip_timer *root;   /* earliest timer, or NULL */
	uint64_t now;             /* ms */
	uint64_t seq;             /* next start number */
	size_t count;             /* armed timers */
};

static bool before(const struct sip_timer *a, const struct sip_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

/* Meld two detached heaps (roots with no siblings); returns the new root. */
static struct sip_timer *meld(struct sip_timer *a, struct sip_timer *b)
{
	struct sip_timer *tmp;

	if (!a)
		return b;
	if (!b)
		return a;
	if (before(b, a)) {
		tmp = a;
		a = b;
		b = tmp;
	}
	b->prev = a;
	b->next = a->child;
	if (a->child)
		a->child->prev = b;
	a->child = b;
	return a;
}

/* Two-pass pairing of a sibling list: pair left to right, then meld the
 * pairs right to left. Iterative, so deep heaps cannot blow the stack. */
static struct sip_timer *merge_pairs(struct sip_timer *first)
{
	struct sip_timer *pairs = NULL, *root = NULL;

	while (first) {
		struct sip_timer *a = first, *b = a->next, *p;

		if (!b) {
			a->prev = NULL;
			a->next = pairs;
			pairs = a;
			break;
		}
		first = b->next;
		a->next = a->prev = NULL;
		b->next = b->prev = NULL;
		p = meld(a, b);
		p->next = pairs;
		pairs = p;
	}
	while (pairs) {
		struct sip_timer *n = pairs->next;

		pairs->next = pairs->prev = NULL;
		root = meld(root, pairs);
		pairs = n;
	}
	return root;
}

static void detach(struct sip_timer *t)
{
	t->ts = NULL;
	t->child = t->next = t->prev = NULL;
}

static struct sip_timer *pop_min(struct sip_timers *ts)
{
	struct sip_timer *t = ts->root;

	ts->root = merge_pairs(t->child);
	ts->count--;
	detach(t);
	return t;
}

static void heap_remove(struct sip_timers *ts, struct sip_timer *t)
{
	struct sip_timer *sub;

	if (t == ts->root) {
		pop_min(ts);
		return;
	}
	if (t->prev->child == t)
		t->prev->child = t->next;
	else
		t->prev->next = t->next;
	if (t->next)
		t->next->prev = t->prev;
	sub = merge_pairs(t->child);
	ts->root = meld(ts->root, sub);
	ts->count--;
	detach(t);
}

static void timers_destroy(void *obj)
{
	struct sip_timers *ts = obj;

	while (ts->root)
		pop_min(ts);
}

int sip_timers_alloc(struct sip_timers **tsp, uint64_t now_ms)
{
	struct sip_timers *ts = sip_mem_zalloc(sizeof(*ts), timers_destroy);

	if (!ts)
		return ENOMEM;
	ts->now = now_ms;
	*tsp = ts;
	return 0;
}

void sip_timer_start(struct sip_timers *ts, struct sip_timer *t, uint64_t delay_ms,
		     sip_timer_h *h, void *arg)
{
	sip_timer_cancel(t);
	t->due = delay_ms > UINT64_MAX - ts->now ? UINT64_MAX : ts->now + delay_ms;
	t->seq = ts->seq++;
	t->h = h;
	t->arg = arg;
	t->child = t->next = t->prev = NULL;
	t->ts = ts;
	ts->root = meld(ts->root, t);
	ts->count++;
}

void sip_timer_cancel(struct sip_timer *t)
{
	if (t && t->ts)
		heap_remove(t->ts, t);
}

int64_t sip_timer_remaining(const struct sip_timer *t)
{
	if (!t->ts)
		return -1;
	if (t->due <= t->ts->now)
		return 0;
	return (int64_t)(t->due - t->ts->now);
}

void sip_timers_run(struct sip_timers *ts, uint64_t now_ms)
{
	while (ts->root && ts->root->due <= now_ms) {
		struct sip_timer *t = pop_min(ts);

		if (t->due > ts->now)
			ts->now = t->due;
		t->h(t->arg);
	}
	if (now_ms > ts->now)
		ts->now = now_ms;
}

int64_t sip_timers_next(const struct sip_timers *ts, uint64_t now_ms)
{
	if (!ts->root)
		return -1;
	if (ts->root->due <= now_ms)
		return 0;
	return (int64_t)(ts->root->due - now_ms);
}

uint64_t sip_timers_now(const struct sip_timers *ts)
{
	return ts->now;
}

size_t sip_timers_count(const struct sip_timers *ts)
{
	return ts->count;
}
