/*
 * conn.c - the connection table (RFC 3261 §18): TCP connections by remote
 * address for reuse in both directions (§18.1.1 "reuse an existing
 * connection", §18.2.2 responses), RFC 5923 §5 aliases for connections
 * the peer opened, limits on accepted connections in total and per peer
 * IP, and the connect and idle timeouts.
 *
 * A connection has one entry under its remote address plus one per
 * alias. Lookups only ever return open connections: an entry goes when
 * its connection closes, before the memory may.
 */
#include <errno.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/transport.h"
#include "tp.h"

struct tp_entry {
	struct sip_tp_addr addr;
	enum sip_tp_kind kind;
	struct sip_tp_conn *conn;     /* borrowed: unlinked when it closes */
	struct tp_entry *hnext;       /* bucket chain */
	struct tp_entry *cnext;       /* next entry of the same conn */
};

struct tp_ipcount {
	struct sip_tp_addr ip;
	unsigned n;
	struct tp_ipcount *hnext;
};

enum {
	MIN_BUCKETS = 64,
	MAX_BUCKETS = 65536,
};

int tp_conntab_init(struct tp_conntab *t, unsigned max_conns)
{
	size_t nb = MIN_BUCKETS;

	while (nb < max_conns / 2 && nb < MAX_BUCKETS)
		nb <<= 1;
	memset(t, 0, sizeof(*t));
	t->eb = sip_mem_zalloc(nb * sizeof(*t->eb), NULL);
	t->ib = sip_mem_zalloc(nb * sizeof(*t->ib), NULL);
	if (!t->eb || !t->ib) {
		tp_conntab_free(t);
		return ENOMEM;
	}
	t->nb = nb;
	return 0;
}

/* Every connection has been unlinked by now (tp_conn_close()). */
void tp_conntab_free(struct tp_conntab *t)
{
	t->eb = sip_mem_deref(t->eb);
	t->ib = sip_mem_deref(t->ib);
	t->nb = 0;
}

static size_t bucket(const struct tp_conntab *t, const struct sip_tp_addr *a,
		     bool with_port)
{
	return tp_addr_hash(a, with_port) & (t->nb - 1);
}

static struct tp_ipcount **ipcount_find(const struct tp_conntab *t,
					const struct sip_tp_addr *ip)
{
	struct tp_ipcount **pp = &t->ib[bucket(t, ip, false)];

	while (*pp && !sip_tp_addr_ip_eq(&(*pp)->ip, ip))
		pp = &(*pp)->hnext;
	return pp;
}

int tp_conn_admit(const struct sip_tp *tp, const struct sip_tp_addr *peer)
{
	const struct tp_conntab *t = &tp->tab;
	struct tp_ipcount *ic;

	if (t->naccepted >= tp->conf.tcp_max_conns)
		return EMFILE;
	ic = *ipcount_find(t, peer);
	if (ic && ic->n >= tp->conf.tcp_max_per_ip)
		return EUSERS;
	return 0;
}

static int ipcount_add(struct tp_conntab *t, const struct sip_tp_addr *peer)
{
	struct tp_ipcount **pp = ipcount_find(t, peer), *ic = *pp;

	if (!ic) {
		ic = sip_mem_zalloc(sizeof(*ic), NULL);
		if (!ic)
			return ENOMEM;
		ic->ip = *peer;
		sip_tp_addr_set_port(&ic->ip, 0);
		*pp = ic;
	}
	ic->n++;
	return 0;
}

static void ipcount_del(struct tp_conntab *t, const struct sip_tp_addr *peer)
{
	struct tp_ipcount **pp = ipcount_find(t, peer), *ic = *pp;

	if (!ic)
		return;
	if (--ic->n == 0) {
		*pp = ic->hnext;
		sip_mem_deref(ic);
	}
}

static int entry_add(struct sip_tp_conn *c, const struct sip_tp_addr *addr)
{
	struct tp_conntab *t = &c->tp->tab;
	struct tp_entry *e = sip_mem_zalloc(sizeof(*e), NULL);
	size_t i;

	if (!e)
		return ENOMEM;
	e->addr = *addr;
	e->kind = c->kind;
	e->conn = c;
	i = bucket(t, addr, true);
	e->hnext = t->eb[i];
	t->eb[i] = e;
	e->cnext = c->entries;
	c->entries = e;
	return 0;
}

static void entry_del(struct tp_conntab *t, struct tp_entry *e)
{
	struct tp_entry **pp = &t->eb[bucket(t, &e->addr, true)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	sip_mem_deref(e);
}

int tp_conn_link(struct sip_tp_conn *c)
{
	struct sip_tp *tp = c->tp;
	struct tp_conntab *t = &tp->tab;
	int err;

	err = entry_add(c, &c->remote);
	if (err)
		return err;
	if (c->accepted) {
		err = ipcount_add(t, &c->remote);
		if (err) {
			entry_del(t, c->entries);
			c->entries = NULL;
			return err;
		}
		t->naccepted++;
	}
	c->next = t->conns;
	if (t->conns)
		t->conns->prev = c;
	t->conns = c;
	c->listed = true;
	c->linked = true;
	tp->stats.conns_open++;
	tp_conn_touch(c);
	tp_conn_arm(c);
	return 0;
}

static void conn_unlink(struct sip_tp_conn *c)
{
	struct sip_tp *tp = c->tp;
	struct tp_conntab *t = &tp->tab;
	struct tp_entry *e, *next;

	if (!c->linked)
		return;
	for (e = c->entries; e; e = next) {
		next = e->cnext;
		entry_del(t, e);
	}
	c->entries = NULL;
	if (c->accepted) {
		ipcount_del(t, &c->remote);
		t->naccepted--;
	}
	c->linked = false;
	tp->stats.conns_open--;
}

static void unlist(struct sip_tp_conn *c)
{
	struct tp_conntab *t;

	if (!c->listed)
		return;
	t = &c->tp->tab;
	if (c->prev)
		c->prev->next = c->next;
	else
		t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->listed = false;
}

/* The socket is closed and every queued write has been told: forget the
 * connection and drop the open reference tp_conn_close() handed over. */
static void on_tcp_closed(uv_handle_t *h)
{
	struct sip_tp_conn *c = h->data;

	if (c->tp)
		unlist(c);
	sip_mem_deref(c);
}

struct sip_tp_conn *tp_conn_lookup(const struct sip_tp *tp,
				   enum sip_tp_kind kind,
				   const struct sip_tp_addr *addr)
{
	const struct tp_conntab *t = &tp->tab;
	struct tp_entry *e;

	if (!addr->len)
		return NULL;
	for (e = t->eb[bucket(t, addr, true)]; e; e = e->hnext)
		if (e->kind == kind && !e->conn->closed &&
		    sip_tp_addr_eq(&e->addr, addr))
			return e->conn;
	return NULL;
}

static void conn_destroy(void *arg)
{
	struct sip_tp_conn *c = arg;

	sip_mem_deref(c->rb);
}

int tp_conn_new(struct sip_tp *tp, bool accepted, struct sip_tp_conn **cp)
{
	struct sip_tp_conn *c = sip_mem_zalloc(sizeof(*c), conn_destroy);

	if (!c)
		return ENOMEM;
	c->tp = tp;
	c->kind = SIP_TP_TCP;
	c->accepted = accepted;
	/* Neither fails on Unix: no socket is created yet. */
	uv_tcp_init(tp->loop, &c->tcp);
	uv_timer_init(tp->loop, &c->timer);
	c->tcp.data = c;
	c->timer.data = c;
	*cp = c;
	return 0;
}

void tp_conn_close(struct sip_tp_conn *c, int err)
{
	if (!c || c->closed)
		return;
	c->closed = true;
	c->err = err ? err : ECANCELED;
	if (c->tp)
		conn_unlink(c);
	if (!c->listed)
		c->tp = NULL;   /* never linked: the tp need not wait for it */
	uv_timer_stop(&c->timer);
	tp_handle_close((uv_handle_t *)&c->timer);
	/* the open reference passes to the close callback */
	uv_close((uv_handle_t *)&c->tcp, on_tcp_closed);
}

void tp_conn_close_all(struct sip_tp *tp)
{
	struct sip_tp_conn *c, *next;

	for (c = tp->tab.conns; c; c = next) {
		next = c->next;
		tp_conn_close(c, ECANCELED);
		c->prev = c->next = NULL;
		c->listed = false;
		c->tp = NULL;
	}
	tp->tab.conns = NULL;
}

void tp_conn_touch(struct sip_tp_conn *c)
{
	if (c->tp)
		c->last = uv_now(c->tp->loop);
}

/*
 * Lazy idle timer (the nginx trick): traffic only records the time; when
 * the timer fires it either closes the connection or sleeps for the time
 * still left, so a busy connection costs no timer operations per message.
 */
static void on_timer(uv_timer_t *h)
{
	struct sip_tp_conn *c = h->data;
	struct sip_tp *tp = c->tp;
	uint64_t now, idle;

	if (!tp)
		return;
	if (c->connecting) {
		tp->stats.conns_failed++;
		tp_conn_close(c, ETIMEDOUT);
		return;
	}
	now = uv_now(tp->loop);
	idle = tp->conf.tcp_idle_ms;
	if (now - c->last >= idle) {
		tp->stats.conns_idle++;
		tp_conn_close(c, ETIMEDOUT);
		return;
	}
	uv_timer_start(&c->timer, on_timer, idle - (now - c->last), 0);
}

void tp_conn_arm(struct sip_tp_conn *c)
{
	struct sip_tp *tp = c->tp;

	if (!tp || c->closed)
		return;
	uv_timer_start(&c->timer, on_timer, c->connecting ?
		       tp->conf.tcp_connect_ms : tp->conf.tcp_idle_ms, 0);
}

void tp_conn_debug(struct sip_buf *b, const struct sip_tp_conn *c)
{
	const char *state = c->closed ? "closing" :
		c->connecting ? "connecting" : "open";
	const struct tp_entry *e;

	sip_buf_printf(b, "  %s ", sip_tp_kind_name(c->kind));
	sip_tp_addr_print(b, &c->local, true);
	sip_buf_puts(b, c->accepted ? " <- " : " -> ");
	sip_tp_addr_print(b, &c->remote, true);
	sip_buf_printf(b, " %s, queued %zu B", state, c->wq);
	if (c->tp)
		sip_buf_printf(b, ", idle %llu ms", (unsigned long long)
			       (uv_now(c->tp->loop) - c->last));
	for (e = c->entries; e; e = e->cnext) {
		if (sip_tp_addr_eq(&e->addr, &c->remote))
			continue;
		sip_buf_puts(b, ", alias ");
		sip_tp_addr_print(b, &e->addr, true);
	}
	sip_buf_putc(b, '\n');
}

const struct sip_tp_addr *sip_tp_conn_remote(const struct sip_tp_conn *c)
{
	return &c->remote;
}

const struct sip_tp_addr *sip_tp_conn_local(const struct sip_tp_conn *c)
{
	return &c->local;
}

bool sip_tp_conn_isopen(const struct sip_tp_conn *c)
{
	return c && !c->closed;
}

bool sip_tp_conn_accepted(const struct sip_tp_conn *c)
{
	return c && c->accepted;
}

void sip_tp_conn_close(struct sip_tp_conn *c)
{
	tp_conn_close(c, ECANCELED);
}

int sip_tp_conn_alias(struct sip_tp_conn *c, const struct sip_tp_addr *alias)
{
	struct tp_entry *e;

	if (!c || !alias || !alias->len)
		return EINVAL;
	if (c->closed || !c->tp)
		return ENOTCONN;
	for (e = c->entries; e; e = e->cnext)
		if (sip_tp_addr_eq(&e->addr, alias))
			return EEXIST;
	return entry_add(c, alias);
}
