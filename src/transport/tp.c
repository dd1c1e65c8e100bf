/*
 * tp.c - the transport set (RFC 3261 §18): configuration, listeners, the
 * send entry point and the receive dispatch shared by UDP and TCP, the
 * per-send error reporting that §17.1.4 transport errors need, counters.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/param.h"
#include "sip/transport.h"
#include "sip/via.h"
#include "tp.h"

static const struct sip_tp_conf defaults = {
	.max_msg = SIP_MSG_MAX_SIZE,
	.tcp_max_conns = 4096,
	.tcp_max_per_ip = 64,
	.tcp_idle_ms = 300000,
	.tcp_connect_ms = 10000,
	.tcp_max_queue = 1024 * 1024,
	.tcp_backlog = 511,
	.udp_rcvbuf = 4 * 1024 * 1024,
};

static void conf_apply(struct sip_tp_conf *c, const struct sip_tp_conf *in)
{
	*c = in ? *in : defaults;
	if (!c->max_msg || c->max_msg > SIP_MSG_MAX_SIZE)
		c->max_msg = SIP_MSG_MAX_SIZE;
	if (!c->tcp_max_conns)
		c->tcp_max_conns = defaults.tcp_max_conns;
	if (!c->tcp_max_per_ip)
		c->tcp_max_per_ip = defaults.tcp_max_per_ip;
	if (!c->tcp_idle_ms)
		c->tcp_idle_ms = defaults.tcp_idle_ms;
	if (!c->tcp_connect_ms)
		c->tcp_connect_ms = defaults.tcp_connect_ms;
	if (!c->tcp_max_queue)
		c->tcp_max_queue = defaults.tcp_max_queue;
	if (c->tcp_backlog <= 0)
		c->tcp_backlog = defaults.tcp_backlog;
	if (c->udp_rcvbuf <= 0)
		c->udp_rcvbuf = defaults.udp_rcvbuf;
}

/* libuv reports negated errno values on Unix. */
int tp_uv_err(int uverr)
{
	return uverr < 0 ? -uverr : uverr;
}

static void on_handle_closed(uv_handle_t *h)
{
	sip_mem_deref(h->data);
}

void tp_handle_close(uv_handle_t *h)
{
	if (uv_is_closing(h))
		return;
	sip_mem_ref(h->data);
	uv_close(h, on_handle_closed);
}

static void tp_destroy(void *arg)
{
	struct sip_tp *tp = arg;
	struct tp_listener *l, *next;
	struct tp_wreq *w;

	/* pending sends: their handlers are not called any more */
	for (w = tp->pending; w; w = w->next) {
		w->pending = false;
		w->h = NULL;
	}
	tp->pending = NULL;
	tp_conn_close_all(tp);
	for (l = tp->lsn; l; l = next) {
		next = l->next;
		l->tp = NULL;
		tp_lsn_close(l);
		sip_mem_deref(l);
	}
	tp_conntab_free(&tp->tab);
}

int sip_tp_alloc(struct sip_tp **tpp, uv_loop_t *loop,
		 const struct sip_tp_conf *conf, sip_tp_recv_h *recvh,
		 void *arg)
{
	struct sip_tp *tp;
	int err;

	if (!tpp || !loop || !recvh)
		return EINVAL;
	tp = sip_mem_zalloc(sizeof(*tp), tp_destroy);
	if (!tp)
		return ENOMEM;
	tp->loop = loop;
	conf_apply(&tp->conf, conf);
	tp->recvh = recvh;
	tp->arg = arg;
	err = tp_conntab_init(&tp->tab, tp->conf.tcp_max_conns);
	if (err) {
		sip_mem_deref(tp);
		return err;
	}
	*tpp = tp;
	return 0;
}

void sip_tp_set_err_handler(struct sip_tp *tp, sip_tp_err_h *eh, void *arg)
{
	tp->errh = eh;
	tp->errarg = arg;
}

void tp_lsn_close(struct tp_listener *l)
{
	if (l->has_retry) {
		uv_timer_stop(&l->retry);
		tp_handle_close((uv_handle_t *)&l->retry);
	}
	tp_handle_close(&l->u.h);
}

static void lsn_destroy(void *arg)
{
	struct tp_listener *l = arg;

	sip_mem_deref(l->batch);
}

int sip_tp_listen(struct sip_tp *tp, enum sip_tp_kind kind,
		  const struct sockaddr *addr, struct sip_tp_addr *bound)
{
	struct tp_listener *l;
	int err;

	if (!tp || !addr)
		return EINVAL;
	if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6)
		return EAFNOSUPPORT;
	if (kind != SIP_TP_UDP && kind != SIP_TP_TCP)
		return ENOTSUP;
	l = sip_mem_zalloc(sizeof(*l), lsn_destroy);
	if (!l)
		return ENOMEM;
	l->tp = tp;
	l->kind = kind;
	err = kind == SIP_TP_UDP ? tp_udp_listen(tp, l, addr) :
		tp_tcp_listen(tp, l, addr);
	if (err) {
		/* a handle already open holds its own reference */
		l->tp = NULL;
		sip_mem_deref(l);
		return err;
	}
	l->next = tp->lsn;
	tp->lsn = l;
	if (bound)
		*bound = l->local;
	return 0;
}

int sip_tp_laddr(const struct sip_tp *tp, enum sip_tp_kind kind, int af,
		 struct sip_tp_addr *out)
{
	const struct tp_listener *l, *found = NULL;

	/* listeners are kept newest first: report the oldest match */
	for (l = tp->lsn; l; l = l->next)
		if (l->kind == kind &&
		    (af == AF_UNSPEC || sip_tp_addr_af(&l->local) == af))
			found = l;
	if (!found)
		return ENOENT;
	*out = found->local;
	return 0;
}

const struct sip_tp_stats *sip_tp_stats(const struct sip_tp *tp)
{
	return &tp->stats;
}

void sip_tp_debug(struct sip_buf *b, const struct sip_tp *tp)
{
	const struct sip_tp_stats *st = &tp->stats;
	const struct tp_listener *l;
	const struct sip_tp_conn *c;

	sip_buf_puts(b, "listeners:\n");
	for (l = tp->lsn; l; l = l->next) {
		sip_buf_printf(b, "  %s ", sip_tp_kind_name(l->kind));
		sip_tp_addr_print(b, &l->local, true);
		sip_buf_putc(b, '\n');
	}
	sip_buf_printf(b, "connections: %llu open\n",
		       (unsigned long long)st->conns_open);
	for (c = tp->tab.conns; c; c = c->next)
		tp_conn_debug(b, c);
	for (int k = 0; k < SIP_TP_NKINDS; k++)
		sip_buf_printf(b, "%s: in %llu msgs %llu B, out %llu msgs "
			       "%llu B\n", sip_tp_kind_name((enum sip_tp_kind)k),
			       (unsigned long long)st->kind[k].msgs_in,
			       (unsigned long long)st->kind[k].bytes_in,
			       (unsigned long long)st->kind[k].msgs_out,
			       (unsigned long long)st->kind[k].bytes_out);
	sip_buf_printf(b, "parse errors %llu, dropped %llu, send errors %llu, "
		       "keep-alives %llu, pongs %llu\n",
		       (unsigned long long)st->parse_errors,
		       (unsigned long long)st->dropped,
		       (unsigned long long)st->send_errors,
		       (unsigned long long)st->keepalives_in,
		       (unsigned long long)st->pongs_out);
	sip_buf_printf(b, "conns accepted %llu, connected %llu, rejected %llu, "
		       "failed %llu, idle %llu, bad %llu\n",
		       (unsigned long long)st->conns_accepted,
		       (unsigned long long)st->conns_connected,
		       (unsigned long long)st->conns_rejected,
		       (unsigned long long)st->conns_failed,
		       (unsigned long long)st->conns_idle,
		       (unsigned long long)st->conns_bad);
}

/* ---- sending ---- */

int sip_tp_sendh(struct sip_tp *tp, const struct sip_tp_peer *dst,
		 struct sip_pl data, sip_tp_send_h *h, void *arg)
{
	int err;

	if (!tp || !dst || !data.p || !data.len)
		return EINVAL;
	if (data.len > SIP_MSG_MAX_SIZE)
		return EMSGSIZE;
	switch (dst->kind) {
	case SIP_TP_UDP:
		err = tp_udp_send(tp, dst, data, h, arg);
		break;
	case SIP_TP_TCP:
		err = tp_tcp_send(tp, dst, data, h, arg);
		break;
	default:
		err = ENOTSUP;
		break;
	}
	if (err)
		tp->stats.send_errors++;
	return err;
}

int sip_tp_send(struct sip_tp *tp, const struct sip_tp_peer *dst,
		const char *p, size_t len)
{
	return sip_tp_sendh(tp, dst, (struct sip_pl){ p, len }, NULL, NULL);
}

void sip_tp_send_cancel(struct sip_tp *tp, const void *arg)
{
	struct tp_wreq *w;

	for (w = tp->pending; w; w = w->next)
		if (w->arg == arg)
			w->h = NULL;
}

static void pending_unlink(struct sip_tp *tp, struct tp_wreq *w)
{
	if (!w->pending)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		tp->pending = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	w->pending = false;
}

static void wreq_destroy(void *arg)
{
	struct tp_wreq *w = arg;

	sip_mem_deref(w->conn);
	sip_mem_deref(w->lsn);
}

struct tp_wreq *tp_wreq_new(struct sip_tp *tp, enum sip_tp_kind kind,
			    const struct sip_tp_addr *remote,
			    struct sip_pl data, sip_tp_send_h *h, void *arg)
{
	struct tp_wreq *w = sip_mem_zalloc(sizeof(*w) + data.len, wreq_destroy);

	if (!w)
		return NULL;
	w->kind = kind;
	if (remote)
		w->remote = *remote;
	w->len = data.len;
	memcpy(w->data, data.p, data.len);
	if (h) {
		w->own = true;
		w->h = h;
		w->arg = arg;
		w->pending = true;
		w->next = tp->pending;
		if (tp->pending)
			tp->pending->prev = w;
		tp->pending = w;
	}
	return w;
}

void tp_wreq_drop(struct sip_tp *tp, struct tp_wreq *w)
{
	pending_unlink(tp, w);
	sip_mem_deref(w);
}

static void wreq_report(struct sip_tp *tp, struct tp_wreq *w, int err)
{
	sip_tp_send_h *h = w->h;
	struct sip_tp_peer dst;

	pending_unlink(tp, w);
	if (!err) {
		if (!w->keepalive)
			tp->stats.kind[w->kind].msgs_out++;
		tp->stats.kind[w->kind].bytes_out += w->len;
		return;
	}
	tp->stats.send_errors++;
	if (w->own) {
		if (h)
			h(w->arg, err);
		return;
	}
	if (tp->errh) {
		memset(&dst, 0, sizeof(dst));
		dst.kind = w->kind;
		dst.remote = w->remote;
		tp->errh(tp->errarg, err, &dst);
	}
}

void tp_wreq_done(struct sip_tp *tp, struct tp_wreq *w, int err)
{
	if (tp)
		wreq_report(tp, w, err);
	sip_mem_deref(w);
}

/* ---- receiving ---- */

/*
 * RFC 5923 §5 over plain TCP, only when configured: a request whose top
 * Via carries ";alias" makes its connection reusable for requests to the
 * sent-by address, provided that address has the connection's own source
 * IP (a peer cannot claim someone else's address).
 */
static void maybe_alias(struct sip_tp *tp, struct sip_msg *m,
			const struct sip_tp_peer *src)
{
	const struct sip_via *v;
	struct sip_tp_addr a;

	if (!tp->conf.tcp_alias || !m->req || !src->conn ||
	    !src->conn->accepted)
		return;
	if (sip_msg_via(m, &v) || !sip_param_exists(v->params, "alias"))
		return;
	if (sip_tp_addr_ip(&a, v->host, v->has_port ? v->port : SIP_TP_PORT))
		return;
	if (!sip_tp_addr_ip_eq(&a, &src->remote))
		return;
	(void)sip_tp_conn_alias(src->conn, &a);
}

int tp_deliver(struct sip_tp *tp, const char *p, size_t len, void *owner,
	       const struct sip_tp_peer *src)
{
	unsigned flags = 0;
	struct sip_msg *m;
	int err;

	if (sip_tp_kind_reliable(src->kind))
		flags |= SIP_DECODE_STREAM;
	err = sip_msg_decode(&m, p, len, owner, flags, NULL);
	if (err == ENOMEM) {
		/* framing held: only this message is lost, the peer retransmits */
		tp->stats.dropped++;
		return 0;
	}
	if (err) {
		tp->stats.parse_errors++;
		return err;
	}
	tp->stats.kind[src->kind].msgs_in++;
	maybe_alias(tp, m, src);
	tp->recvh(tp->arg, m, src);
	return 0;
}

/* ---- kinds ---- */

static const char *const kind_names[SIP_TP_NKINDS] = { "UDP", "TCP", "TLS" };

const char *sip_tp_kind_name(enum sip_tp_kind kind)
{
	return (unsigned)kind < SIP_TP_NKINDS ? kind_names[kind] : "?";
}

int sip_tp_kind_decode(struct sip_pl token, enum sip_tp_kind *kind)
{
	for (int k = 0; k < SIP_TP_NKINDS; k++) {
		if (sip_pl_caseeqs(token, kind_names[k])) {
			*kind = (enum sip_tp_kind)k;
			return 0;
		}
	}
	return ENOTSUP;
}

bool sip_tp_kind_reliable(enum sip_tp_kind kind)
{
	return kind == SIP_TP_TCP || kind == SIP_TP_TLS;
}
