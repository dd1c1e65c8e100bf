/*
 * stack.c - the transaction layer's table and glue (RFC 3261 §17): entry
 * of received messages (§17.1.3, §17.2.3 decide which machine gets them),
 * the send hook, event delivery to the TU, counters.
 *
 * Events from TU calls are deferred: a transaction queues them in
 * t->pending and arms its zero-delay notify timer, which delivers them in
 * the order timeout, transport error, terminated. So the TU is only ever
 * called from sip_txn_stack_recv() and from the timer set, never from
 * inside sip_txn_request() or sip_txn_reply().
 *
 * References: the stack holds one on every transaction on its `all` list,
 * dropped after the TERMINATED event (release()). Around every TU call
 * the transaction is held by one more.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sip/buf.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "txn.h"

/* An uninitialised buffer of @p len bytes (and a NUL). */
static struct txn_bytes *bytes_alloc(size_t len)
{
	struct txn_bytes *b;

	if (len > SIZE_MAX - sizeof(*b) - 1)
		return NULL;
	b = sip_mem_zalloc(sizeof(*b) + len + 1, NULL);
	if (b)
		b->len = len;
	return b;
}

int txn_bytes_new(struct txn_bytes **bp, const char *p, size_t len)
{
	struct txn_bytes *b = bytes_alloc(len);

	if (!b)
		return ENOMEM;
	memcpy(b->p, p, len);
	*bp = b;
	return 0;
}

int txn_bytes_print(struct txn_bytes **bp, const struct sip_out *o)
{
	/* sized first and written in place: no buffer to grow, no copy */
	struct txn_bytes *b = bytes_alloc(sip_out_size(o));

	if (!b)
		return ENOMEM;
	sip_out_write(o, b->p);
	*bp = b;
	return 0;
}

bool sip_txn_dest_reliable(const struct sip_txn_dest *dst)
{
	return dst->transport != SIP_TXN_UDP;
}

/* ---- services to the machines ---- */

struct sip_timers *txn_timers(const struct sip_txn *t)
{
	return t->stack->cfg.timers;
}

uint64_t txn_64t1(const struct sip_txn *t)
{
	return 64 * (uint64_t)t->stack->cfg.t1;
}

void txn_trace(const struct sip_txn *t, enum sip_txn_state from, enum sip_txn_state to)
{
	const struct sip_txn_config *cfg = &t->stack->cfg;

	if (cfg->trace)
		cfg->trace(cfg->trace_arg, t, from, to);
}

void txn_absorbed(struct sip_txn *t)
{
	t->stack->stats.absorbed++;
}

void txn_count_timeout(struct sip_txn *t)
{
	t->stack->stats.timeouts++;
}

bool txn_xmit(struct sip_txn *t, const struct txn_bytes *b, bool retrans)
{
	struct sip_txn_stack *s = t->stack;
	int err;

	if (retrans) {
		s->stats.retransmissions++;
		t->retransmissions++;
	}
	err = sip_txn_stack_send(s, &t->dst, b->p, b->len);
	if (!err)
		return true;
	t->ops->on_transport_error(t, err);
	return false;
}

static void deliver(struct sip_txn *t, struct sip_txn_event *ev)
{
	if (!t->h)
		return;
	sip_mem_ref(t);
	t->h(t, ev, t->arg);
	sip_mem_deref(t);
}

void txn_pass_up(struct sip_txn *t, enum sip_txn_event_kind kind, struct sip_msg **mp)
{
	struct sip_txn_event ev = { .kind = kind, .msg = *mp };

	deliver(t, &ev);
	*mp = ev.msg;
}

/* The stack lets go of @p t: off the `all` list, its reference dropped. */
static void release(struct sip_txn *t)
{
	struct sip_txn_stack *s = t->stack;

	txn_table_unlink(s, t);
	if (t->apprev) {
		*t->apprev = t->anext;
		if (t->anext)
			t->anext->apprev = t->apprev;
		t->anext = NULL;
		t->apprev = NULL;
	}
	sip_timer_cancel(&t->notify);
	t->stack = NULL;
	sip_mem_deref(t);
}

static void on_notify(void *arg)
{
	struct sip_txn *t = arg;
	struct sip_txn_event ev = { 0 };

	sip_mem_ref(t);
	if (t->pending & TXN_PEND_TIMEOUT) {
		t->pending &= ~(unsigned)TXN_PEND_TIMEOUT;
		ev.kind = SIP_TXN_EV_TIMEOUT;
		deliver(t, &ev);
	}
	if (t->stack && (t->pending & TXN_PEND_ERROR)) {
		t->pending &= ~(unsigned)TXN_PEND_ERROR;
		ev.kind = SIP_TXN_EV_TRANSPORT_ERROR;
		ev.err = t->pending_err;
		deliver(t, &ev);
	}
	if (t->stack && (t->pending & TXN_PEND_TERMINATED)) {
		t->pending = 0;
		ev.kind = SIP_TXN_EV_TERMINATED;
		ev.err = 0;
		deliver(t, &ev);
		if (t->stack)
			release(t);
	}
	sip_mem_deref(t);
}

void txn_defer(struct sip_txn *t, unsigned pending, int err)
{
	struct sip_txn_stack *s = t->stack;

	if (s->dying)
		return;
	if ((pending & TXN_PEND_ERROR) && !(t->pending & TXN_PEND_ERROR)) {
		t->pending_err = err;
		s->stats.transport_errors++;
	}
	t->pending |= pending;
	if (!sip_timer_armed(&t->notify))
		sip_timer_start(s->cfg.timers, &t->notify, 0, on_notify, t);
}

void txn_terminated(struct sip_txn *t)
{
	struct sip_txn_stack *s = t->stack;

	txn_table_unlink(s, t);
	if (s->stats.active[t->kind])
		s->stats.active[t->kind]--;
	txn_defer(t, TXN_PEND_TERMINATED, 0);
}

/* ---- transactions ---- */

static void txn_destroy(void *obj)
{
	struct sip_txn *t = obj;

	sip_timer_cancel(&t->notify);
	sip_msg_free(t->req);
	sip_mem_deref(t->kept);
	sip_mem_deref(t->req_bytes);
	sip_mem_deref(t->resp);
	sip_mem_deref(t->ack);
	sip_mem_deref(t->final_totag);
}

int txn_new(struct sip_txn **tp, struct sip_txn_stack *s, enum sip_txn_kind kind,
	    const struct sip_txn_dest *dst)
{
	static const struct txn_ops *const ops[] = {
		[SIP_TXN_ICT] = &txn_ict_ops, [SIP_TXN_NICT] = &txn_nict_ops,
		[SIP_TXN_IST] = &txn_ist_ops, [SIP_TXN_NIST] = &txn_nist_ops,
	};
	struct sip_txn *t = sip_mem_zalloc(sizeof(*t), txn_destroy);

	if (!t)
		return ENOMEM;
	t->stack = s;
	t->kind = kind;
	t->ops = ops[kind];
	t->dst = *dst;
	t->reliable = sip_txn_dest_reliable(dst);
	t->created = sip_timers_now(s->cfg.timers);
	t->anext = s->all;
	if (s->all)
		s->all->apprev = &t->anext;
	s->all = t;
	t->apprev = &s->all;
	s->stats.created[kind]++;
	s->stats.active[kind]++;
	*tp = t;
	return 0;
}

void txn_discard(struct sip_txn *t)
{
	struct sip_txn_stack *s = t->stack;

	s->stats.created[t->kind]--;
	s->stats.active[t->kind]--;
	release(t);
}

/* ---- the stack ---- */

static void stack_destroy(void *obj)
{
	struct sip_txn_stack *s = obj;

	s->dying = true;
	while (s->all) {
		struct sip_txn *t = s->all;

		sip_mem_ref(t);
		if (t->state != SIP_TXN_TERMINATED)
			t->ops->terminate(t);
		release(t);
		sip_mem_deref(t);
	}
	txn_done_free(s);
	txn_tables_free(s);
}

static int fill_secret(uint8_t secret[16])
{
	static const uint8_t zero[16];
	size_t got = 0;

	if (memcmp(secret, zero, sizeof(zero)))
		return 0;
	while (got < 16) {
		ssize_t n = getrandom(secret + got, 16 - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		got += (size_t)n;
	}
	return 0;
}

static int check_config(struct sip_txn_config *c)
{
	if (!c->timers || !c->send || !c->request_h)
		return EINVAL;
	if (!c->t1)
		c->t1 = SIP_TXN_T1;
	if (!c->t2)
		c->t2 = SIP_TXN_T2;
	if (!c->t4)
		c->t4 = SIP_TXN_T4;
	if (!c->timer_d)
		c->timer_d = SIP_TXN_TIMER_D;
	if (!c->trying)
		c->trying = SIP_TXN_TRYING_DELAY;
	return c->t2 < c->t1 ? EINVAL : 0;
}

int sip_txn_stack_alloc(struct sip_txn_stack **sp, const struct sip_txn_config *cfg)
{
	struct sip_txn_stack *s;
	int err;

	s = sip_mem_zalloc(sizeof(*s), stack_destroy);
	if (!s)
		return ENOMEM;
	s->cfg = *cfg;
	err = check_config(&s->cfg);
	if (!err)
		err = fill_secret(s->cfg.secret);
	if (err) {
		sip_mem_deref(s);
		return err;
	}
	for (int i = 0; i < 8; i++) {
		s->key[0] |= (uint64_t)s->cfg.secret[i] << (8 * i);
		s->key[1] |= (uint64_t)s->cfg.secret[8 + i] << (8 * i);
	}
	*sp = s;
	return 0;
}

int sip_txn_stack_send(struct sip_txn_stack *s, const struct sip_txn_dest *dst,
		       const char *bytes, size_t len)
{
	s->stats.sent++;
	return s->cfg.send(s->cfg.send_arg, dst, bytes, len);
}

static int recv_response(struct sip_txn_stack *s, struct sip_msg *m,
			 const struct txn_key *k)
{
	struct sip_txn *t = txn_match_client(s, m, k);

	if (!t)
		return SIP_TXN_DECLINED;
	sip_mem_ref(t);
	t->ops->on_response(t, &m);
	sip_mem_deref(t);
	sip_msg_free(m);
	return 0;
}

static int recv_request(struct sip_txn_stack *s, struct sip_msg *m,
			const struct sip_txn_dest *src, const struct txn_key *k)
{
	struct sip_txn *t = txn_match_server(s, m, k);

	if (!t) {
		/* §17.2.3: an ACK matching no transaction is the ACK for a
		 * 2xx; it goes to the core, which owns that exchange. */
		if (m->mid == SIP_ACK)
			return SIP_TXN_DECLINED;
		if (txn_done_recv(s, m, k)) {
			sip_msg_free(m);
			return 0;
		}
		return txn_server_new(s, m, src, k);
	}
	sip_mem_ref(t);
	t->ops->on_request(t, &m);
	sip_mem_deref(t);
	sip_msg_free(m);
	return 0;
}

int sip_txn_stack_recv(struct sip_txn_stack *s, struct sip_msg *m,
		       const struct sip_txn_dest *src)
{
	struct txn_key k;
	int err = txn_key_of(s, m, &k);

	if (err)
		return err;
	if (m->req)
		return recv_request(s, m, src, &k);
	return recv_response(s, m, &k);
}

static bool same_dest(const struct sip_txn_dest *a, const struct sip_txn_dest *b)
{
	if (b->conn)
		return a->conn == b->conn;
	return a->transport == b->transport && a->addrlen == b->addrlen &&
	       memcmp(&a->addr, &b->addr, a->addrlen) == 0;
}

void sip_txn_stack_transport_error(struct sip_txn_stack *s,
				   const struct sip_txn_dest *dst, int err)
{
	/* Machines only queue events here, so the list does not change
	 * under the walk. */
	for (struct sip_txn *t = s->all; t; t = t->anext)
		if (t->state != SIP_TXN_TERMINATED && same_dest(&t->dst, dst))
			t->ops->on_transport_error(t, err);
}

int sip_txn_stack_match_cancel(struct sip_txn_stack *s, struct sip_msg *cancel,
			       struct sip_txn **stp)
{
	struct txn_key k;
	struct sip_txn *t;
	int err = txn_key_of(s, cancel, &k);

	if (err)
		return err;
	t = txn_match_cancel(s, cancel, &k);
	if (!t)
		return ENOENT;
	*stp = t;
	return 0;
}

void sip_txn_stack_stats(const struct sip_txn_stack *s, struct sip_txn_stats *st)
{
	*st = s->stats;
}

/* ---- any transaction ---- */

void sip_txn_set_handler(struct sip_txn *t, sip_txn_h *h, void *arg)
{
	t->h = h;
	t->arg = arg;
}

struct sip_msg *sip_txn_msg(const struct sip_txn *t)
{
	return t->req;
}

struct sip_pl sip_txn_branch(const struct sip_txn *t)
{
	return t->branch;
}

const struct sip_txn_dest *sip_txn_dest(const struct sip_txn *t)
{
	return &t->dst;
}

enum sip_txn_kind sip_txn_kind(const struct sip_txn *t)
{
	return t->kind;
}

enum sip_txn_state sip_txn_state(const struct sip_txn *t)
{
	return t->state;
}

struct sip_msg *sip_txn_event_take(struct sip_txn_event *ev)
{
	struct sip_msg *m = ev->msg;

	ev->msg = NULL;
	return m;
}
