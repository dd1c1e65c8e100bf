/*
 * rport.c - transport rules that read the Via header: §18.1.1 (a large
 * request over UDP moves to TCP), §18.2.1 and RFC 3581 §4 (received and
 * rport on the top Via of a received request), §18.2.2 and RFC 3581 §4
 * (where a response goes). Pure functions: no sockets, no loop.
 */
#include <errno.h>
#include <string.h>

#include "sip/param.h"
#include "sip/transport.h"
#include "sip/via.h"

enum {
	UDP_MAX_UNKNOWN_MTU = 1300, /* §18.1.1 */
	MTU_MARGIN = 200,           /* §18.1.1 */
};

enum sip_tp_kind sip_tp_pick_kind(enum sip_tp_kind kind, size_t len,
				  unsigned path_mtu)
{
	bool big;

	if (kind != SIP_TP_UDP)
		return kind;
	if (path_mtu)
		big = len + MTU_MARGIN >= path_mtu;
	else
		big = len > UDP_MAX_UNKNOWN_MTU;
	return big ? SIP_TP_TCP : kind;
}

/* §18.2.1: is the sent-by host the very IP the request came from? A
 * domain name never is. IPv6 compares as addresses, not as text. */
static bool sent_by_is(const struct sip_via *v, const struct sip_tp_addr *src)
{
	struct sip_tp_addr h;

	if (v->host_type != SIP_HOST_IPV4 && v->host_type != SIP_HOST_IPV6)
		return false;
	if (sip_tp_addr_ip(&h, v->host, 0))
		return false;
	return sip_tp_addr_ip_eq(&h, src);
}

int sip_tp_via_received(struct sip_buf *b, const struct sip_via *v,
			const struct sip_tp_addr *src)
{
	struct sip_pl cur, before;
	struct sip_param prm;
	const char *end;
	size_t head;
	int err;

	if (!b || !v || !v->raw.p || !src || !src->len)
		return EINVAL;
	end = v->raw.p + v->raw.len;
	head = sip_pl_isset(&v->params) ? (size_t)(v->params.p - v->raw.p) :
		v->raw.len;
	sip_buf_append(b, v->raw.p, head);
	cur = v->params;
	for (;;) {
		before = cur;
		err = sip_param_next(&cur, &prm);
		if (err == ENOENT)
			break;
		if (err)
			return EBADMSG;
		if (sip_pl_caseeqs(prm.name, "received"))
			continue;   /* ours replaces it */
		if (sip_pl_caseeqs(prm.name, "rport")) {
			/* RFC 3581 §4: fill in the source port */
			sip_buf_puts(b, ";rport=");
			sip_buf_u32(b, sip_tp_addr_port(src));
			continue;
		}
		sip_buf_append(b, before.p, (size_t)(cur.p - before.p));
	}
	/* RFC 3581 §4: with rport, received goes in even when it equals
	 * the sent-by host. */
	if (v->rport || !sent_by_is(v, src)) {
		sip_buf_puts(b, ";received=");
		sip_tp_addr_print(b, src, false);
	}
	if (sip_pl_isset(&v->params) && v->params.p + v->params.len < end)
		sip_buf_append(b, v->params.p + v->params.len,
			       (size_t)(end - (v->params.p + v->params.len)));
	return sip_buf_err(b);
}

/* dst->remote from an IP literal; ENOENT for a name (RFC 3263 §5). */
static int dest_ip(struct sip_tp_peer *dst, struct sip_pl host, uint16_t port)
{
	return sip_tp_addr_ip(&dst->remote, host, port) ? ENOENT : 0;
}

int sip_tp_response_dest(struct sip_tp_peer *dst, const struct sip_via *v,
			 const struct sip_tp_peer *src)
{
	enum sip_tp_kind kind;
	struct sip_pl ip;
	uint16_t port;

	if (!dst || !v)
		return EINVAL;
	memset(dst, 0, sizeof(*dst));
	if (src)
		kind = src->kind;
	else if (sip_tp_kind_decode(v->transport, &kind))
		return ENOTSUP;
	dst->kind = kind;
	port = v->has_port ? v->port :
		kind == SIP_TP_TLS ? SIP_TP_PORT_TLS : SIP_TP_PORT;
	ip = sip_pl_isset(&v->received) ? v->received : v->host;
	if (src)
		dst->local = src->local;

	/* §18.2.2: reliable: the request's connection if still open, else a
	 * new one to received (the source) and the sent-by port */
	if (sip_tp_kind_reliable(kind)) {
		if (!src)
			return dest_ip(dst, ip, port);
		dst->conn = src->conn;
		dst->remote = src->remote;
		sip_tp_addr_set_port(&dst->remote, port);
		return 0;
	}
	if (sip_pl_isset(&v->maddr))
		return dest_ip(dst, v->maddr, port);
	if (src) {
		/* received is the source IP whether or not it differs from
		 * sent-by; RFC 3581 §4: rport sends to the source port too */
		dst->remote = src->remote;
		if (!v->rport)
			sip_tp_addr_set_port(&dst->remote, port);
		return 0;
	}
	if (sip_pl_isset(&v->received) && v->rport && v->rport_val)
		port = v->rport_val;
	return dest_ip(dst, ip, port);
}
