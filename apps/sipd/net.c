/*
 * net.c - transport <-> transaction layer glue, message tracing, and the
 * connection references of server transactions (see net.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/transport.h"
#include "sip/txn.h"
#include "sip/via.h"

#include "core.h"
#include "net.h"
#include "proxy.h"
#include "sipd.h"
#include "trace.h"

/* ---- addresses: sip_tp_peer <-> sip_txn_dest ---- */

static enum sip_tp_kind tp_kind(enum sipd_transport t)
{
	switch (t) {
	case SIPD_TRANSPORT_TCP:
		return SIP_TP_TCP;
	case SIPD_TRANSPORT_TLS:
		return SIP_TP_TLS;
	default:
		return SIP_TP_UDP;
	}
}

/* The listener @p p arrived on or leaves from: index + 1, 0 if none. */
static unsigned iface_of(const struct sipd *sd, const struct sip_tp_peer *p)
{
	for (size_t i = 0; i < sd->nlsn; i++) {
		const struct sip_tp_addr *a = &sd->lsn[i].addr;

		if (sd->lsn[i].kind != p->kind || !p->local.len ||
		    sip_tp_addr_port(a) != sip_tp_addr_port(&p->local))
			continue;
		if (sip_tp_addr_ip_eq(a, &p->local) || sip_tp_addr_is_any(a))
			return (unsigned)i + 1;
	}
	return 0;
}

static void dest_of(const struct sipd *sd, const struct sip_tp_peer *p,
		    struct sip_txn_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->transport = p->kind == SIP_TP_TCP ? SIP_TXN_TCP :
		p->kind == SIP_TP_TLS ? SIP_TXN_TLS : SIP_TXN_UDP;
	memcpy(&d->addr, &p->remote.u.ss, p->remote.len);
	d->addrlen = p->remote.len;
	d->conn = p->conn;
	d->iface = iface_of(sd, p);
}

static int peer_of(const struct sipd *sd, const struct sip_txn_dest *d,
		   struct sip_tp_peer *p)
{
	memset(p, 0, sizeof(*p));
	switch (d->transport) {
	case SIP_TXN_UDP:
		p->kind = SIP_TP_UDP;
		break;
	case SIP_TXN_TCP:
		p->kind = SIP_TP_TCP;
		break;
	default:
		return ENOTSUP;   /* TLS, WS: no such transport yet */
	}
	if (!d->addrlen || d->addrlen > sizeof(p->remote.u))
		return EINVAL;
	memcpy(&p->remote.u, &d->addr, d->addrlen);
	p->remote.len = d->addrlen;
	p->conn = d->conn;
	if (d->iface && d->iface <= sd->nlsn)
		p->local = sd->lsn[d->iface - 1].addr;
	return 0;
}

/* ---- tracing ---- */

static void trace(struct sipd *sd, enum sipd_trace_dir dir,
		  const struct sip_tp_peer *p, const char *bytes, size_t len)
{
	struct sipd_trace_entry e;

	if (!sipd_trace_on(sd->trace))
		return;
	e = (struct sipd_trace_entry){
		.dir = dir, .kind = p->kind, .local = p->local,
		.peer = p->remote, .bytes = (char *)bytes, .len = len,
	};
	/* a send on an open connection: show the socket's real ends */
	if (p->conn && sip_tp_conn_isopen(p->conn)) {
		e.local = *sip_tp_conn_local(p->conn);
		e.peer = *sip_tp_conn_remote(p->conn);
	} else if (!e.local.len && p->kind == SIP_TP_UDP) {
		(void)sip_tp_laddr(sd->tp, SIP_TP_UDP,
				   sip_tp_addr_af(&p->remote), &e.local);
	}
	(void)sipd_trace_add(sd->trace, &e);
}

/* ---- server transaction bindings ---- */

static void stx_free(struct sipd *sd, struct sipd_stx *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else if (sd->stx == x)
		sd->stx = x->next;
	if (x->next)
		x->next->prev = x->prev;
	sip_mem_deref(x->src.conn);
	free(x);
}

static void on_server_event(struct sip_txn *t, struct sip_txn_event *ev,
			    void *arg)
{
	struct sipd_stx *x = arg;
	struct sipd *sd = x->sd;
	char peer[SIP_TP_ADDRSTRLEN];

	switch (ev->kind) {
	case SIP_TXN_EV_TIMEOUT:
		/* Timer H: our final response to an INVITE was never ACKed */
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "no ACK for final response",
			 "peer", sip_tp_addr_fmt(&x->src.remote, peer), NULL);
		break;
	case SIP_TXN_EV_TRANSPORT_ERROR:
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "transport error on response",
			 "peer", sip_tp_addr_fmt(&x->src.remote, peer),
			 "error", strerror(ev->err), NULL);
		break;
	case SIP_TXN_EV_TERMINATED:
		stx_free(sd, x);
		break;
	default:
		break;
	}
}

/* A binding for the request about to be received: allocated before the
 * transaction layer sees the request, so that binding its transaction
 * cannot fail halfway. */
static int stx_prepare(struct sipd *sd, const struct sip_tp_peer *src)
{
	struct sipd_stx *x = calloc(1, sizeof(*x));

	if (!x)
		return ENOMEM;
	x->sd = sd;
	x->src = *src;
	x->src.conn = sip_mem_ref(src->conn);
	sd->rx = x;
	return 0;
}

struct sipd_stx *sipd_net_claim(struct sipd *sd, struct sip_txn *st)
{
	struct sipd_stx *x = sd->rx;

	if (!x)
		return NULL;
	sd->rx = NULL;
	x->st = st;
	x->next = sd->stx;
	if (sd->stx)
		sd->stx->prev = x;
	sd->stx = x;
	sip_txn_set_handler(st, on_server_event, x);
	return x;
}

struct sipd_stx *sipd_net_stx_find(struct sipd *sd, const struct sip_txn *st)
{
	for (struct sipd_stx *x = sd->stx; x; x = x->next)
		if (x->st == st)
			return x;
	return NULL;
}

void sipd_net_release_all(struct sipd *sd)
{
	while (sd->stx)
		stx_free(sd, sd->stx);
	if (sd->rx) {
		stx_free(sd, sd->rx);
		sd->rx = NULL;
	}
}

/* ---- receiving ---- */

static void recv_response(struct sipd *sd, struct sip_msg *m,
			  const struct sip_tp_peer *src)
{
	char peer[SIP_TP_ADDRSTRLEN];
	struct sip_txn_dest d;
	int err;

	sd->stats.responses_in++;
	if (sip_msg_check(m)) {
		sd->stats.bad_responses++;
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "malformed response dropped",
			 "peer", sip_tp_addr_fmt(&src->remote, peer), "reason", m->err, NULL);
		sip_msg_free(m);
		return;
	}
	dest_of(sd, src, &d);
	err = sip_txn_stack_recv(sd->txn, m, &d);
	if (!err)
		return;
	/* §17.1.3: a response matching no client transaction goes to the
	 * core; only a forwarding role would do anything with it */
	if (err == SIP_TXN_DECLINED && sipd_proxy_response(sd, m, src)) {
		/* §16.11: ours to pass on statelessly */
	} else if (err == SIP_TXN_DECLINED) {
		sd->stats.stray_responses++;
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "stray response dropped",
			 "peer", sip_tp_addr_fmt(&src->remote, peer), NULL);
	} else {
		sd->stats.bad_responses++;
	}
	sip_msg_free(m);
}

/* Where the responses to request @p m go (§18.2.2, RFC 3581 §4); the
 * source itself when the Via is unusable (the transaction layer will
 * refuse such a request anyway) or names a host to resolve. */
static void response_dest(struct sipd *sd, struct sip_msg *m,
			  const struct sip_tp_peer *src, struct sip_txn_dest *d)
{
	const struct sip_via *v;
	struct sip_tp_peer p;

	if (sip_msg_via(m, &v) || sip_tp_response_dest(&p, v, src))
		p = *src;
	dest_of(sd, &p, d);
}

static void recv_request(struct sipd *sd, struct sip_msg *m,
			 const struct sip_tp_peer *src)
{
	char peer[SIP_TP_ADDRSTRLEN];
	struct sip_txn_dest d;
	int err;

	sd->stats.requests_in++;
	sd->stats.by_method[(unsigned)m->mid < SIP_METHOD__COUNT ? m->mid : 0]++;
	if (m->mid == SIP_OPTIONS && sipd_core_options_stateless(sd, m, src)) {
		sip_msg_free(m);
		return;
	}
	if (sipd_proxy_stateless_request(sd, m, src)) {
		sip_msg_free(m);
		return;
	}
	if (stx_prepare(sd, src)) {
		sd->stats.dropped++;
		sip_msg_free(m);
		return;
	}
	response_dest(sd, m, src, &d);
	err = sip_txn_stack_recv(sd->txn, m, &d);
	if (sd->rx) {
		/* no new transaction: a retransmission, an ACK, or refused */
		stx_free(sd, sd->rx);
		sd->rx = NULL;
	}
	if (!err)
		return;
	if (err == SIP_TXN_DECLINED && sipd_proxy_ack(sd, m, src)) {
		/* the ACK for a 2xx, routed on (§16.11) */
	} else if (err == SIP_TXN_DECLINED) {
		/* §17.2.3: an ACK matching no transaction acknowledges a 2xx;
		 * no dialog here takes it */
		sd->stats.stray_acks++;
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "stray ACK dropped",
			 "peer", sip_tp_addr_fmt(&src->remote, peer), NULL);
	} else if (err == EBADMSG) {
		sipd_core_stateless(sd, m, src);
	} else {
		sd->stats.dropped++;
	}
	sip_msg_free(m);
}

void sipd_net_recv(void *arg, struct sip_msg *m, const struct sip_tp_peer *src)
{
	struct sipd *sd = arg;

	sipd_clock_sync(&sd->clock, &sd->loop);
	trace(sd, SIPD_TRACE_RECV, src, m->raw.p, m->raw.len);
	if (m->req)
		recv_request(sd, m, src);
	else
		recv_response(sd, m, src);
}

/* ---- sending ---- */

/* Responses sent, per status code ("SIP/2.0 NNN"), for /metrics. */
static void count_response(struct sipd_stats *st, const char *p, size_t len)
{
	unsigned code = 0;

	if (len < 12 || memcmp(p, "SIP/2.0 ", 8))
		return;
	for (size_t i = 8; i < 11; i++) {
		if (p[i] < '0' || p[i] > '9')
			return;
		code = code * 10 + (unsigned)(p[i] - '0');
	}
	if (code >= 100 && code <= 699)
		st->by_code[code - 100]++;
}

int sipd_net_send(struct sipd *sd, const struct sip_tp_peer *dst,
		  const char *p, size_t len)
{
	char peer[SIP_TP_ADDRSTRLEN];
	int err = sip_tp_send(sd->tp, dst, p, len);

	if (err) {
		sd->stats.send_errors++;
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "send failed",
			 "transport", sip_tp_kind_name(dst->kind),
			 "peer", sip_tp_addr_fmt(&dst->remote, peer), "error", strerror(err),
			 NULL);
		return err;
	}
	count_response(&sd->stats, p, len);
	trace(sd, SIPD_TRACE_SEND, dst, p, len);
	return 0;
}

int sipd_net_send_hook(void *arg, const struct sip_txn_dest *dst,
		       const char *bytes, size_t len)
{
	struct sipd *sd = arg;
	struct sip_tp_peer p;
	int err = peer_of(sd, dst, &p);

	if (err)
		return err;
	return sipd_net_send(sd, &p, bytes, len);
}

void sipd_net_tp_error(void *arg, int err, const struct sip_tp_peer *dst)
{
	struct sipd *sd = arg;
	char peer[SIP_TP_ADDRSTRLEN];
	struct sip_txn_dest d;

	sipd_clock_sync(&sd->clock, &sd->loop);
	sd->stats.send_errors++;
	sipd_log(&sd->log, SIPD_LOG_DEBUG, "send failed later",
		 "transport", sip_tp_kind_name(dst->kind),
		 "peer", sip_tp_addr_fmt(&dst->remote, peer), "error", strerror(err), NULL);
	/* transactions sending to that address... */
	dest_of(sd, dst, &d);
	d.conn = NULL;
	sip_txn_stack_transport_error(sd->txn, &d, err);
	if (!sip_tp_kind_reliable(dst->kind))
		return;
	/* ...and those answering on that connection: the transport names
	 * it by its remote address, our transactions by the pointer */
	for (struct sipd_stx *x = sd->stx; x; x = x->next) {
		if (x->src.conn &&
		    sip_tp_addr_eq(sip_tp_conn_remote(x->src.conn), &dst->remote)) {
			d.conn = x->src.conn;
			sip_txn_stack_transport_error(sd->txn, &d, err);
			return;
		}
	}
}

/* ---- listeners ---- */

static int listen_one(struct sipd *sd, const struct sipd_listen *l)
{
	struct sipd_listener *n = &sd->lsn[sd->nlsn];
	char where[SIP_TP_ADDRSTRLEN];
	struct sip_tp_addr a;
	int err;

	err = sip_tp_addr_ip(&a, sip_pl_str(l->address), (uint16_t)l->port);
	if (!err)
		err = sip_tp_listen(sd->tp, tp_kind(l->transport), &a.u.sa, &n->addr);
	if (err) {
		snprintf(where, sizeof(where), "%s%s%s:%u",
			 l->family == AF_INET6 ? "[" : "", l->address,
			 l->family == AF_INET6 ? "]" : "", l->port);
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot listen",
			 "transport", sipd_transport_name(l->transport),
			 "address", where, "error",
			 err == ENOTSUP ? "transport not implemented yet" :
			 strerror(err), NULL);
		return err;
	}
	n->kind = tp_kind(l->transport);
	sd->nlsn++;
	sipd_log(&sd->log, SIPD_LOG_INFO, "listening",
		 "transport", sipd_transport_name(l->transport),
		 "address", sip_tp_addr_fmt(&n->addr, where), NULL);
	return 0;
}

int sipd_net_listen(struct sipd *sd)
{
	const struct sipd_config *cfg = sd->cfg;
	int err;

	sd->lsn = calloc(cfg->listen_count, sizeof(*sd->lsn));
	if (!sd->lsn) {
		sipd_log(&sd->log, SIPD_LOG_ERROR, "cannot listen", "error",
			 strerror(ENOMEM), NULL);
		return ENOMEM;
	}
	for (size_t i = 0; i < cfg->listen_count; i++)
		if ((err = listen_one(sd, &cfg->listen[i])))
			return err;
	return 0;
}
