/*
 * tcp.c - SIP over TCP (RFC 3261 §18, §18.3 framing): listen and accept
 * under the connection limits, outgoing connect, reads into a growing
 * buffer framed by sip_msg_frame(), CRLF ping/pong (RFC 5626 §4.4.1),
 * writes with a bounded queue (bytes sent while connecting wait in it).
 *
 * Zero copy: each message is decoded in place and holds a reference on
 * the read buffer. The buffer is compacted only while no message holds
 * it; otherwise the unread tail moves to a fresh buffer and the old one
 * lives on with its messages, so no slice is ever rebased.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/transport.h"
#include "tp.h"

struct tp_rbuf {
	size_t size;     /* bytes in data[] */
	size_t len;      /* bytes read */
	size_t off;      /* bytes framed and consumed */
	char data[];
};

enum {
	RBUF_INIT = 4096,      /* a few typical messages */
	RBUF_MIN_READ = 1024,  /* grow rather than read less than this */
	ACCEPT_RETRY_MS = 100, /* after ENOMEM, try the pending accept again */
};

static const char pong[] = "\r\n";

static struct tp_rbuf *rbuf_new(size_t size, const struct tp_rbuf *from)
{
	struct tp_rbuf *rb = sip_mem_zalloc(sizeof(*rb) + size, NULL);

	if (!rb)
		return NULL;
	rb->size = size;
	if (from) {
		rb->len = from->len - from->off;
		memcpy(rb->data, from->data + from->off, rb->len);
	}
	return rb;
}

/* Make room to read into: a buffer with some free tail, grown by doubling
 * up to the message size limit. 0, ENOMEM, or E2BIG when full. */
static int rbuf_room(struct sip_tp_conn *c)
{
	struct tp_rbuf *rb = c->rb, *nb;
	size_t max = c->tp->conf.max_msg, size;

	if (rb && (rb->size - rb->len >= RBUF_MIN_READ || rb->size >= max))
		return rb->size > rb->len ? 0 : E2BIG;
	size = rb ? rb->size * 2 : RBUF_INIT;
	if (size > max)
		size = max;
	nb = rbuf_new(size, rb);
	if (!nb)
		return ENOMEM;
	sip_mem_deref(rb);
	c->rb = nb;
	return 0;
}

/* After framing: reuse the buffer if no message holds it, else leave it
 * to the messages and carry the unread tail over. */
static int rbuf_compact(struct sip_tp_conn *c)
{
	struct tp_rbuf *rb = c->rb, *nb = NULL;
	size_t rest = rb->len - rb->off, size = c->tp->conf.max_msg;

	if (!rb->off)
		return 0;
	if (sip_mem_nrefs(rb) == 1) {
		memmove(rb->data, rb->data + rb->off, rest);
		rb->len = rest;
		rb->off = 0;
		return 0;
	}
	if (rest) {
		if (size > RBUF_INIT)
			size = RBUF_INIT;
		if (size < rest)
			size = rest;
		nb = rbuf_new(size, rb);
		if (!nb)
			return ENOMEM;
	}
	sip_mem_deref(rb);
	c->rb = nb;
	return 0;
}

/* ---- writing ---- */

static void on_written(uv_write_t *req, int status)
{
	struct tp_wreq *w = req->data;
	struct sip_tp_conn *c = w->conn;
	int err = tp_uv_err(status);

	c->wq -= w->len;
	/* writes queued behind a failed connect are cancelled by libuv */
	if (err == ECANCELED && c->err)
		err = c->err;
	if (!err)
		tp_conn_touch(c);
	else
		tp_conn_close(c, err);
	tp_wreq_done(c->tp, w, err);
}

static int conn_write(struct sip_tp_conn *c, struct sip_pl data,
		      sip_tp_send_h *h, void *arg, bool keepalive)
{
	struct sip_tp *tp = c->tp;
	struct tp_wreq *w;
	size_t off = 0;
	uv_buf_t buf;
	int r;

	if (c->closed)
		return ENOTCONN;
	if (c->wq + data.len > tp->conf.tcp_max_queue)
		return ENOBUFS;
	if (!c->wq && !c->connecting) {
		buf = uv_buf_init((char *)data.p, (unsigned)data.len);
		r = uv_try_write((uv_stream_t *)&c->tcp, &buf, 1);
		if (r < 0 && r != UV_EAGAIN) {
			tp_conn_close(c, tp_uv_err(r));
			return tp_uv_err(r);
		}
		if (r > 0) {
			off = (size_t)r;
			tp->stats.kind[SIP_TP_TCP].bytes_out += off;
			tp_conn_touch(c);
		}
		if (off == data.len) {
			if (!keepalive)
				tp->stats.kind[SIP_TP_TCP].msgs_out++;
			return 0;
		}
	}
	data.p += off;
	data.len -= off;
	w = tp_wreq_new(tp, SIP_TP_TCP, &c->remote, data, h, arg);
	if (!w)
		return ENOMEM;
	w->keepalive = keepalive;
	w->conn = sip_mem_ref(c);
	w->req.w.data = w;
	buf = uv_buf_init(w->data, (unsigned)w->len);
	r = uv_write(&w->req.w, (uv_stream_t *)&c->tcp, &buf, 1, on_written);
	if (r) {
		tp_wreq_drop(tp, w);
		return tp_uv_err(r);
	}
	c->wq += w->len;
	return 0;
}

/* ---- reading ---- */

/* Bad input: this connection only goes. */
static int bad_input(struct sip_tp_conn *c, int err)
{
	c->tp->stats.conns_bad++;
	tp_conn_close(c, err);
	return err;
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct sip_tp_conn *c = h->data;

	(void)suggested;
	/* On failure read_cb gets UV_ENOBUFS and closes: not here, libuv
	 * still calls read_cb after this returns. */
	*buf = uv_buf_init(NULL, 0);
	if (!c->tp || c->closed)
		return;
	c->rb_err = rbuf_room(c);
	if (c->rb_err)
		return;
	*buf = uv_buf_init(c->rb->data + c->rb->len,
			   (unsigned)(c->rb->size - c->rb->len));
}

/* RFC 5626 §4.4.1: a server answers each double-CRLF ping with a single
 * CRLF pong. Only for connections the peer opened: on ours we are the
 * client, and a CRLF there is the peer's pong. */
static void on_keepalive(struct sip_tp_conn *c, size_t n)
{
	struct sip_tp *tp = c->tp;

	tp->stats.keepalives_in++;
	if (!c->accepted)
		return;
	c->crlf += (unsigned)n;
	while (c->crlf >= 4 && !c->closed) {
		c->crlf -= 4;
		if (!conn_write(c, SIP_PL(pong), NULL, NULL, true))
			tp->stats.pongs_out++;
	}
}

/* Frame and deliver the next message or keep-alive. 0 to go on. */
static int frame_next(struct sip_tp_conn *c)
{
	struct sip_tp *tp = c->tp;
	struct tp_rbuf *rb = c->rb;
	const char *p = rb->data + rb->off;
	size_t avail = rb->len - rb->off, n;
	enum sip_frame_kind kind;
	struct sip_tp_peer src;
	int err;

	err = sip_msg_frame(p, avail, &kind, &n, NULL);
	if (err == ENODATA) {
		if (avail < tp->conf.max_msg)
			return ENODATA;
		err = E2BIG;
	} else if (!err && kind == SIP_FRAME_MSG && n > tp->conf.max_msg) {
		err = E2BIG;
	}
	if (err) {
		tp->stats.parse_errors++;
		return bad_input(c, err);
	}
	rb->off += n;
	if (kind == SIP_FRAME_KEEPALIVE) {
		on_keepalive(c, n);
		return 0;
	}
	c->crlf = 0;
	memset(&src, 0, sizeof(src));
	src.kind = c->kind;
	src.remote = c->remote;
	src.local = c->local;
	src.conn = c;
	err = tp_deliver(tp, p, n, rb, &src);
	if (err)
		return bad_input(c, err);
	return 0;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct sip_tp_conn *c = s->data;
	struct sip_tp *tp = c->tp;

	(void)buf;
	if (!tp || c->closed)
		return;
	if (nread == UV_ENOBUFS && c->rb_err == E2BIG) {
		tp->stats.parse_errors++;
		bad_input(c, E2BIG);
		return;
	}
	if (nread == UV_ENOBUFS) {
		tp_conn_close(c, ENOMEM);
		return;
	}
	if (nread < 0) {
		tp_conn_close(c, nread == UV_EOF ? EPIPE : tp_uv_err((int)nread));
		return;
	}
	if (!nread)
		return;
	c->rb->len += (size_t)nread;
	tp->stats.kind[SIP_TP_TCP].bytes_in += (uint64_t)nread;
	tp_conn_touch(c);
	/* the receive handler may close c: keep it alive until we are done */
	sip_mem_ref(c);
	while (!c->closed && c->rb->off < c->rb->len)
		if (frame_next(c))
			break;
	if (!c->closed && rbuf_compact(c))
		tp_conn_close(c, ENOMEM);
	sip_mem_deref(c);
}

/* ---- connections ---- */

static int addr_of(uv_tcp_t *h, bool peer, struct sip_tp_addr *a)
{
	struct sockaddr_storage ss;
	int n = sizeof(ss), r;

	r = peer ? uv_tcp_getpeername(h, (struct sockaddr *)&ss, &n) :
		uv_tcp_getsockname(h, (struct sockaddr *)&ss, &n);
	if (r)
		return tp_uv_err(r);
	return sip_tp_addr_set(a, (struct sockaddr *)&ss);
}

static void on_connect(uv_connect_t *req, int status)
{
	struct sip_tp_conn *c = req->data;
	struct sip_tp *tp = c->tp;
	int err = tp_uv_err(status);

	if (c->closed || !tp)
		return;   /* closed meanwhile (connect timeout, tp gone) */
	if (!err)
		err = tp_uv_err(uv_read_start((uv_stream_t *)&c->tcp,
					      on_alloc, on_read));
	if (err) {
		tp->stats.conns_failed++;
		tp_conn_close(c, err);
		return;
	}
	c->connecting = false;
	(void)addr_of(&c->tcp, false, &c->local);
	tp->stats.conns_connected++;
	tp_conn_touch(c);
	tp_conn_arm(c);
}

static int tcp_connect(struct sip_tp *tp, const struct sip_tp_addr *to,
		       struct sip_tp_conn **cp)
{
	struct sip_tp_conn *c;
	int err;

	err = tp_conn_new(tp, false, &c);
	if (err)
		return err;
	c->remote = *to;
	c->connecting = true;
	c->creq.data = c;
	err = tp_uv_err(uv_tcp_connect(&c->creq, &c->tcp, &to->u.sa,
				       on_connect));
	if (!err) {
		(void)uv_tcp_nodelay(&c->tcp, 1);
		err = tp_conn_link(c);
	}
	if (err) {
		tp_conn_close(c, err);
		return err;
	}
	*cp = c;
	return 0;
}

int tp_tcp_send(struct sip_tp *tp, const struct sip_tp_peer *dst,
		struct sip_pl data, sip_tp_send_h *h, void *arg)
{
	struct sip_tp_conn *c = dst->conn;
	int err;

	if (!c || c->closed || c->tp != tp)
		c = tp_conn_lookup(tp, SIP_TP_TCP, &dst->remote);
	if (!c) {
		if (!dst->remote.len)
			return ENOTCONN;
		err = tcp_connect(tp, &dst->remote, &c);
		if (err)
			return err;
	}
	return conn_write(c, data, h, arg, false);
}

static void on_accept_retry(uv_timer_t *t);

/* Accept one pending connection; limits are checked once the peer's
 * address is known, and a refused connection is closed at once. */
static void accept_one(struct tp_listener *l)
{
	struct sip_tp *tp = l->tp;
	struct sip_tp_conn *c;
	int err;

	if (tp_conn_new(tp, true, &c)) {
		/* libuv holds the socket until uv_accept(): try again later */
		uv_timer_start(&l->retry, on_accept_retry, ACCEPT_RETRY_MS, 0);
		return;
	}
	err = tp_uv_err(uv_accept((uv_stream_t *)&l->u.tcp,
				  (uv_stream_t *)&c->tcp));
	if (!err)
		err = addr_of(&c->tcp, true, &c->remote);
	if (!err)
		err = addr_of(&c->tcp, false, &c->local);
	if (!err) {
		err = tp_conn_admit(tp, &c->remote);
		if (err)
			tp->stats.conns_rejected++;
	}
	if (!err) {
		(void)uv_tcp_nodelay(&c->tcp, 1);
		err = tp_conn_link(c);
	}
	if (!err)
		err = tp_uv_err(uv_read_start((uv_stream_t *)&c->tcp,
					      on_alloc, on_read));
	if (err) {
		tp_conn_close(c, err);
		return;
	}
	tp->stats.conns_accepted++;
}

static void on_connection(uv_stream_t *s, int status)
{
	struct tp_listener *l = s->data;

	if (!l->tp || status < 0)
		return;
	accept_one(l);
}

static void on_accept_retry(uv_timer_t *t)
{
	struct tp_listener *l = t->data;

	if (l->tp)
		accept_one(l);
}

int tp_tcp_listen(struct sip_tp *tp, struct tp_listener *l,
		  const struct sockaddr *addr)
{
	unsigned v6only = addr->sa_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0;
	int r;

	r = uv_tcp_init_ex(tp->loop, &l->u.tcp, addr->sa_family);
	if (r)
		return tp_uv_err(r);
	l->u.h.data = l;
	uv_timer_init(tp->loop, &l->retry);
	l->retry.data = l;
	l->has_retry = true;
	r = tp_uv_err(uv_tcp_bind(&l->u.tcp, addr, v6only));
	if (!r)
		r = tp_uv_err(uv_listen((uv_stream_t *)&l->u.tcp,
					tp->conf.tcp_backlog, on_connection));
	if (!r)
		r = addr_of(&l->u.tcp, false, &l->local);
	if (r) {
		tp_lsn_close(l);
		return r;
	}
	return 0;
}
