/*
 * udp.c - SIP over UDP (RFC 3261 §18.1.1, §18.2.1): listeners with
 * batched receive (recvmmsg via libuv) and a large socket receive
 * buffer, one message per datagram, CRLF keep-alives ignored (RFC 5626
 * §4.4.1), sends from the listener socket.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/transport.h"
#include "tp.h"

enum {
	DGRAM_SLOT = 64 * 1024, /* libuv's recvmmsg stride, one per datagram */
	BATCH = 16,             /* datagrams per recvmmsg (libuv's max is 20) */
};

static bool only_crlf(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* The batch buffer is the listener's and is reused: every datagram is
 * done with before the next recvmmsg. */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct tp_listener *l = h->data;

	(void)suggested;
	*buf = uv_buf_init(l->batch, (unsigned)l->batch_size);
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
		    const struct sockaddr *addr, unsigned flags)
{
	struct tp_listener *l = h->data;
	struct sip_tp *tp = l->tp;
	struct sip_tp_peer src;

	if (!tp || (flags & UV_UDP_MMSG_FREE) || nread <= 0 || !addr)
		return;   /* nothing read, or a socket error (ICMP): ignored */
	tp->stats.kind[SIP_TP_UDP].bytes_in += (uint64_t)nread;
	if ((flags & UV_UDP_PARTIAL) || (size_t)nread > tp->conf.max_msg) {
		tp->stats.dropped++;
		return;
	}
	if (only_crlf(buf->base, (size_t)nread)) {
		tp->stats.keepalives_in++;
		return;
	}
	memset(&src, 0, sizeof(src));
	src.kind = SIP_TP_UDP;
	if (sip_tp_addr_set(&src.remote, addr))
		return;
	src.local = l->local;
	/*
	 * One copy, on purpose: libuv lays the batch out in 64 KiB slots, so
	 * a message referencing it would pin a 1 MiB buffer for as long as a
	 * transaction keeps the request (up to 32 s and more). sip_msg_decode()
	 * with no owner copies the datagram once into the message's own arena
	 * (allocated anyway), so the message still owns exactly its bytes.
	 */
	(void)tp_deliver(tp, buf->base, (size_t)nread, NULL, &src);
}

static int udp_sockname(uv_udp_t *h, struct sip_tp_addr *a)
{
	struct sockaddr_storage ss;
	int n = sizeof(ss);
	int r = uv_udp_getsockname(h, (struct sockaddr *)&ss, &n);

	if (r)
		return tp_uv_err(r);
	return sip_tp_addr_set(a, (struct sockaddr *)&ss);
}

int tp_udp_listen(struct sip_tp *tp, struct tp_listener *l,
		  const struct sockaddr *addr)
{
	unsigned v6only = addr->sa_family == AF_INET6 ? UV_UDP_IPV6ONLY : 0;
	int r, size;

	l->batch_size = (size_t)DGRAM_SLOT * BATCH;
	l->batch = sip_mem_zalloc(l->batch_size, NULL);
	if (!l->batch)
		return ENOMEM;
	r = uv_udp_init_ex(tp->loop, &l->u.udp,
			   (unsigned)addr->sa_family | UV_UDP_RECVMMSG);
	if (r)
		return tp_uv_err(r);
	l->u.h.data = l;
	r = uv_udp_bind(&l->u.udp, addr, v6only);
	if (!r) {
		/* best effort: the kernel caps it at net.core.rmem_max */
		size = tp->conf.udp_rcvbuf;
		(void)uv_recv_buffer_size(&l->u.h, &size);
		r = udp_sockname(&l->u.udp, &l->local);
		if (r)
			r = -r;
	}
	if (!r)
		r = uv_udp_recv_start(&l->u.udp, on_alloc, on_recv);
	if (r) {
		tp_lsn_close(l);
		return tp_uv_err(r);
	}
	return 0;
}

/* The listener whose address is dst->local, else the oldest UDP listener
 * of the destination's family. */
static struct tp_listener *pick(const struct sip_tp *tp,
				const struct sip_tp_peer *dst)
{
	int af = sip_tp_addr_af(&dst->remote);
	struct tp_listener *l, *found = NULL;

	for (l = tp->lsn; l; l = l->next) {
		if (l->kind != SIP_TP_UDP || sip_tp_addr_af(&l->local) != af)
			continue;
		if (dst->local.len && sip_tp_addr_eq(&l->local, &dst->local))
			return l;
		found = l;
	}
	return found;
}

static void on_sent(uv_udp_send_t *req, int status)
{
	struct tp_wreq *w = req->data;

	tp_wreq_done(w->lsn->tp, w, tp_uv_err(status));
}

int tp_udp_send(struct sip_tp *tp, const struct sip_tp_peer *dst,
		struct sip_pl data, sip_tp_send_h *h, void *arg)
{
	struct tp_listener *l;
	struct tp_wreq *w;
	uv_buf_t buf;
	int r;

	if (!dst->remote.len)
		return EINVAL;
	l = pick(tp, dst);
	if (!l)
		return EAFNOSUPPORT;
	/* Most datagrams leave at once, with no allocation or copy. */
	buf = uv_buf_init((char *)data.p, (unsigned)data.len);
	r = uv_udp_try_send(&l->u.udp, &buf, 1, &dst->remote.u.sa);
	if (r >= 0) {
		tp->stats.kind[SIP_TP_UDP].msgs_out++;
		tp->stats.kind[SIP_TP_UDP].bytes_out += data.len;
		return 0;
	}
	if (r != UV_EAGAIN)
		return tp_uv_err(r);
	w = tp_wreq_new(tp, SIP_TP_UDP, &dst->remote, data, h, arg);
	if (!w)
		return ENOMEM;
	w->lsn = sip_mem_ref(l);
	w->req.u.data = w;
	buf = uv_buf_init(w->data, (unsigned)w->len);
	r = uv_udp_send(&w->req.u, &l->u.udp, &buf, 1, &dst->remote.u.sa,
			on_sent);
	if (r) {
		tp_wreq_drop(tp, w);
		return tp_uv_err(r);
	}
	return 0;
}
