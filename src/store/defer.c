/*
 * defer.c - calls run on the next loop iteration, in order.
 *
 * The store promises that no handler runs inside the call that started
 * the operation; the memory index answers at once, so its answers are
 * queued here and run from an idle handle. An active idle handle also
 * keeps libuv from blocking in poll while calls wait, and the queue is
 * swapped out before running it: a call queued by a running call waits
 * for the next iteration, so the queue cannot starve I/O.
 */
#include <errno.h>

#include "sip/mem.h"

#include "store/store.h"

struct store_defer {
	uv_idle_t idle;              /* data: this object */
	struct store_call *head;
	struct store_call **tail;
	bool closed;
};

static void on_closed(uv_handle_t *h)
{
	sip_mem_deref(h->data);
}

void store_uv_close(uv_handle_t *h)
{
	if (uv_is_closing(h))
		return;
	sip_mem_ref(h->data);
	uv_close(h, on_closed);
}

static void run_list(struct store_defer *d, struct store_call *c)
{
	struct store_call *next;

	for (; c; c = next) {
		next = c->next;
		c->next = NULL;
		c->run(c, d->closed ? ECANCELED : 0);
		sip_mem_deref(c);
	}
}

static void on_idle(uv_idle_t *h)
{
	struct store_defer *d = h->data;
	struct store_call *list = d->head;

	d->head = NULL;
	d->tail = &d->head;
	/* a call may release the store, and with it this queue */
	sip_mem_ref(d);
	run_list(d, list);
	if (!d->head && !d->closed)
		uv_idle_stop(&d->idle);
	sip_mem_deref(d);
}

static void defer_destroy(void *arg)
{
	struct store_defer *d = arg;

	d->closed = true;
	run_list(d, d->head);
	d->head = NULL;
}

int store_defer_alloc(struct store_defer **dp, uv_loop_t *loop)
{
	struct store_defer *d = sip_mem_zalloc(sizeof(*d), defer_destroy);

	if (!d)
		return ENOMEM;
	d->tail = &d->head;
	uv_idle_init(loop, &d->idle);
	d->idle.data = d;
	*dp = d;
	return 0;
}

void store_defer_push(struct store_defer *d, struct store_call *c)
{
	if (d->closed) {
		c->run(c, ECANCELED);
		sip_mem_deref(c);
		return;
	}
	c->next = NULL;
	*d->tail = c;
	d->tail = &c->next;
	if (!uv_is_active((uv_handle_t *)&d->idle))
		uv_idle_start(&d->idle, on_idle);
}

void store_defer_close(struct store_defer *d)
{
	struct store_call *list;

	if (d->closed)
		return;
	d->closed = true;
	while (d->head) {
		list = d->head;
		d->head = NULL;
		d->tail = &d->head;
		run_list(d, list);
	}
	uv_idle_stop(&d->idle);
	store_uv_close((uv_handle_t *)&d->idle);
}
