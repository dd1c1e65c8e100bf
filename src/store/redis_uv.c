/*
 * redis_uv.c - drives a hiredis asynchronous context from a libuv poll
 * handle, through hiredis' public event hooks (ac->ev).
 *
 * Why not hiredis/adapters/libuv.h: in the version Debian ships (0.14),
 * its poll callback returns at once when libuv reports an error status.
 * libuv reports EPOLLERR that way (UV_EBADF) and stops the handle, which
 * is exactly what a refused connect or a reset connection produces: the
 * context then waits forever, neither connected nor disconnected
 * (hiredis issue #508, fixed upstream after 0.14). Here an error status
 * lets hiredis read the socket, so it finds the error itself and runs
 * the disconnect path; polling resumes if it was a false alarm.
 */
#include <errno.h>
#include <stdlib.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "store/store.h"

struct redis_uv {
	redisAsyncContext *ac;   /* NULL once hiredis has cleaned up */
	uv_poll_t poll;          /* data: this */
	int events;              /* UV_READABLE | UV_WRITABLE wanted */
};

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct redis_uv *p = h->data;

	if (status < 0) {
		/* a read makes hiredis check the connect result or hit the
		 * socket error; either way it learns what happened */
		if (p->ac)
			redisAsyncHandleRead(p->ac);
		if (p->ac && p->events)
			uv_poll_start(&p->poll, p->events, on_poll);
		return;
	}
	/* each call may free the context: p->ac is cleared by cleanup */
	if (p->ac && (events & UV_READABLE))
		redisAsyncHandleRead(p->ac);
	if (p->ac && (events & UV_WRITABLE))
		redisAsyncHandleWrite(p->ac);
}

static void update(struct redis_uv *p)
{
	if (p->events)
		uv_poll_start(&p->poll, p->events, on_poll);
	else
		uv_poll_stop(&p->poll);
}

static void add_read(void *arg)
{
	struct redis_uv *p = arg;

	p->events |= UV_READABLE;
	update(p);
}

static void del_read(void *arg)
{
	struct redis_uv *p = arg;

	p->events &= ~UV_READABLE;
	update(p);
}

static void add_write(void *arg)
{
	struct redis_uv *p = arg;

	p->events |= UV_WRITABLE;
	update(p);
}

static void del_write(void *arg)
{
	struct redis_uv *p = arg;

	p->events &= ~UV_WRITABLE;
	update(p);
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

static void cleanup(void *arg)
{
	struct redis_uv *p = arg;

	p->ac = NULL;
	uv_close((uv_handle_t *)&p->poll, on_closed);
}

int store_redis_attach(redisAsyncContext *ac, uv_loop_t *loop)
{
	struct redis_uv *p;

	if (ac->ev.data)
		return EEXIST;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	if (uv_poll_init(loop, &p->poll, ac->c.fd)) {
		free(p);
		return EBADF;
	}
	p->ac = ac;
	p->poll.data = p;
	ac->ev.data = p;
	ac->ev.addRead = add_read;
	ac->ev.delRead = del_read;
	ac->ev.addWrite = add_write;
	ac->ev.delWrite = del_write;
	ac->ev.cleanup = cleanup;
	return 0;
}
