/*
 * tp_testutil.h - helpers for the transport tests (header only, included
 * by the *_test.c files here): a uv loop run with a deadline so a failing
 * test cannot hang, plain-socket clients on loopback, a receive handler
 * that keeps what it gets, test messages, leak-checked teardown.
 */
#ifndef SRC_TRANSPORT_TP_TESTUTIL_H
#define SRC_TRANSPORT_TP_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/transport.h"

enum { TU_MAX_MSGS = 16 };

/* What the receive handler got. */
struct tu_rx {
	struct sip_msg *m[TU_MAX_MSGS];
	struct sip_tp_peer src[TU_MAX_MSGS];
	struct sip_tp_conn *conn[TU_MAX_MSGS];   /* references */
	int n;
	/* optional: called after storing (e.g. to answer) */
	void (*then)(struct tu_rx *rx, int i);
	struct sip_tp *tp;
};

static inline void tu_recv(void *arg, struct sip_msg *m, const struct sip_tp_peer *src)
{
	struct tu_rx *rx = arg;
	int i = rx->n;

	if (i >= TU_MAX_MSGS) {
		sip_msg_free(m);
		return;
	}
	rx->m[i] = m;
	rx->src[i] = *src;
	rx->conn[i] = sip_mem_ref(src->conn);
	rx->n++;
	if (rx->then)
		rx->then(rx, i);
}

static inline void tu_rx_clear(struct tu_rx *rx)
{
	for (int i = 0; i < rx->n && i < TU_MAX_MSGS; i++) {
		sip_msg_free(rx->m[i]);
		sip_mem_deref(rx->conn[i]);
	}
	rx->n = 0;
}

static inline void tu_deadline(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

/* Run @p loop until *@p counter >= @p want (never, with a NULL counter)
 * or @p ms pass. Returns whether the count was reached. */
static inline bool tu_run_until(uv_loop_t *loop, const int *counter, int want,
			 unsigned ms)
{
	uv_timer_t t;
	bool expired = false;

	uv_timer_init(loop, &t);
	t.data = &expired;
	uv_timer_start(&t, tu_deadline, ms, 0);
	while (!expired && !(counter && *counter >= want))
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return counter && *counter >= want;
}

/* Run @p loop for @p ms. */
static inline void tu_spin(uv_loop_t *loop, unsigned ms)
{
	tu_run_until(loop, NULL, 0, ms);
}

static inline void tu_walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Release @p tp, let every handle close, close the loop. Returns the
 * uv_loop_close() result (0 when nothing was left behind). */
static inline int tu_teardown(uv_loop_t *loop, struct sip_tp *tp)
{
	int r;

	sip_mem_deref(tp);
	for (int i = 0; i < 100 && uv_loop_alive(loop); i++)
		uv_run(loop, UV_RUN_NOWAIT);
	r = uv_loop_close(loop);
	if (r) {
		uv_walk(loop, tu_walk_close, NULL);
		uv_run(loop, UV_RUN_DEFAULT);
		uv_loop_close(loop);
	}
	return r;
}

static inline struct sockaddr *tu_sa(struct sip_tp_addr *a, const char *text)
{
	if (sip_tp_addr_decode(a, sip_pl_str(text)))
		return NULL;
	return &a->u.sa;
}

/* ---- plain-socket clients (nonblocking after connect) ---- */

static inline int tu_cli_tcp(const struct sip_tp_addr *to)
{
	int fd = socket(to->u.sa.sa_family, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	if (connect(fd, &to->u.sa, to->len)) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static inline int tu_cli_udp(const struct sip_tp_addr *bind_to)
{
	int fd = socket(bind_to->u.sa.sa_family, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, &bind_to->u.sa, bind_to->len)) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* A UDP client bound to @p text ("127.0.0.1:0"), or -1. */
static inline int tu_cli_udp_at(const char *text)
{
	struct sip_tp_addr a;

	if (sip_tp_addr_decode(&a, sip_pl_str(text)))
		return -1;
	return tu_cli_udp(&a);
}

/* Local address of a client socket. */
static inline void tu_cli_addr(int fd, struct sip_tp_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t n = sizeof(ss);

	getsockname(fd, (struct sockaddr *)&ss, &n);
	sip_tp_addr_set(a, (struct sockaddr *)&ss);
}

/* Send everything (small amounts: fits in the socket buffer). */
static inline bool tu_cli_send(int fd, const char *p, size_t len)
{
	return send(fd, p, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/*
 * Receive into @p buf while running @p loop, for at most @p ms; @p from
 * (may be NULL) gets the sender. Returns the bytes read (> 0), 0 at end
 * of stream, -ECONNRESET, or -ETIMEDOUT.
 */
static inline ssize_t tu_cli_recvfrom(uv_loop_t *loop, int fd, char *buf, size_t n,
			       struct sip_tp_addr *from, unsigned ms)
{
	uint64_t end = uv_now(loop) + ms;
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t r;

	for (;;) {
		sl = sizeof(ss);
		r = recvfrom(fd, buf, n, MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
		if (r >= 0) {
			if (from)
				sip_tp_addr_set(from, (struct sockaddr *)&ss);
			return r;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		uv_update_time(loop);
		if (uv_now(loop) >= end)
			return -ETIMEDOUT;
		uv_run(loop, UV_RUN_NOWAIT);
		poll(NULL, 0, 2);
	}
}

static inline ssize_t tu_cli_recv(uv_loop_t *loop, int fd, char *buf, size_t n,
			   unsigned ms)
{
	return tu_cli_recvfrom(loop, fd, buf, n, NULL, ms);
}

/* ---- test messages ---- */

/*
 * An OPTIONS request with top Via "@p via;branch=z9hG4bK<callid>",
 * Call-ID @p callid and a body of @p bodylen 'x' bytes. Returns its
 * length (0 if it does not fit).
 */
static inline size_t tu_msg_via(char *buf, size_t size, const char *via,
			 const char *callid, size_t bodylen)
{
	int n = snprintf(buf, size,
			 "OPTIONS sip:bob@example.com SIP/2.0\r\n"
			 "Via: %s;branch=z9hG4bK%s\r\n"
			 "From: <sip:alice@example.com>;tag=t1\r\n"
			 "To: <sip:bob@example.com>\r\n"
			 "Call-ID: %s\r\n"
			 "CSeq: 1 OPTIONS\r\n"
			 "Max-Forwards: 70\r\n"
			 "Content-Length: %zu\r\n\r\n",
			 via, callid, callid, bodylen);
	size_t len = (size_t)n;

	if (n < 0 || len + bodylen >= size)
		return 0;
	memset(buf + len, 'x', bodylen);
	buf[len + bodylen] = '\0';
	return len + bodylen;
}

/* As tu_msg_via() with "SIP/2.0/<tp> 192.0.2.1:5060". */
static inline size_t tu_msg(char *buf, size_t size, const char *tp,
		     const char *callid, size_t bodylen)
{
	char via[64];

	snprintf(via, sizeof(via), "SIP/2.0/%s 192.0.2.1:5060", tp);
	return tu_msg_via(buf, size, via, callid, bodylen);
}

/* The Call-ID of @p m as a NUL-terminated string in @p out. */
static inline const char *tu_callid(const struct sip_msg *m, char *out, size_t n)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CALL_ID);

	if (!h)
		return "";
	sip_pl_strcpy(h->value, out, n);
	return out;
}

#endif
