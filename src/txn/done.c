/*
 * done.c - the Completed state of non-INVITE server transactions over UDP,
 * kept as compact records (RFC 3261 §17.2.2, §17.2.3).
 *
 * Over UDP a non-INVITE server transaction stays Completed for Timer J =
 * 64*T1 (32 s by default) after its final response, only to answer
 * retransmissions of the request with that response. A registrar taking
 * thousands of REGISTERs per second holds hundreds of thousands of them;
 * the full struct sip_txn (timers, destination, the TU's binding) is
 * around a kilobyte. With cfg.compact_completed the stack hands that
 * state to a record holding only what §17.2.2 needs in Completed: the
 * matching key of §17.2.3 (branch, sent-by host and port, method), the
 * destination, and the final response's bytes, in one allocation. The
 * transaction object then goes to Terminated (the TU's TERMINATED event
 * comes at once, its per-transaction state can go), while on the wire
 * nothing changes: a retransmitted request gets the same final response
 * until Timer J fires.
 *
 * Records are only made for RFC 3261 branches (RFC 2543 matching needs
 * the whole request) sent to a UDP address with no connection.
 *
 * Every record lives exactly 64*T1 (T1 is fixed per stack), so expiry is
 * a FIFO with one timer for its head instead of a timer per record.
 * Records are found through their own hash table, keyed like the server
 * table (the keyed hash of the branch).
 *
 * A transport error while resending the response ends the record (the
 * machine would go to Terminated, §17.2.4); with no TU left to tell, it is
 * counted. The record is then only marked: it leaves with the FIFO.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "sip/via.h"
#include "txn.h"

enum { MIN_BUCKETS = 64, SHORT_MAX = 255 };

struct txn_done {
	struct txn_done *hnext;   /* bucket chain */
	struct txn_done *qnext;   /* expiry order */
	uint64_t hash;            /* as t->hash */
	uint64_t due;             /* Timer J, clock ms */
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} addr;                   /* where the response goes */
	unsigned iface;
	uint16_t port;            /* sent-by port, defaults applied */
	uint16_t nresp;
	uint8_t addrlen;
	uint8_t nbranch, nhost, nmethod;
	bool dead;                /* transport error: matches nothing */
	char bytes[];             /* branch, host, method, response */
};

static const char *branch_of(const struct txn_done *d)
{
	return d->bytes;
}

static const char *host_of(const struct txn_done *d)
{
	return d->bytes + d->nbranch;
}

static const char *method_of(const struct txn_done *d)
{
	return host_of(d) + d->nhost;
}

static const char *resp_of(const struct txn_done *d)
{
	return method_of(d) + d->nmethod;
}

/* ---- the table ---- */

static struct txn_done **bucket(const struct txn_done_table *tb, uint64_t hash)
{
	return &tb->b[hash & (tb->nb - 1)];
}

static void insert(struct txn_done_table *tb, struct txn_done *d)
{
	struct txn_done **head = bucket(tb, d->hash);

	d->hnext = *head;
	*head = d;
}

/* Double the buckets; on allocation failure chains just grow longer. */
static void grow(struct txn_done_table *tb)
{
	size_t nb = tb->nb ? 2 * tb->nb : MIN_BUCKETS;
	struct txn_done **b = sip_mem_zalloc(nb * sizeof(*b), NULL);
	struct txn_done **old = tb->b;
	size_t onb = tb->nb;

	if (!b)
		return;
	tb->b = b;
	tb->nb = nb;
	for (size_t i = 0; i < onb; i++) {
		while (old[i]) {
			struct txn_done *d = old[i];

			old[i] = d->hnext;
			insert(tb, d);
		}
	}
	sip_mem_deref(old);
}

static void unlink_bucket(struct txn_done_table *tb, struct txn_done *d)
{
	for (struct txn_done **pp = bucket(tb, d->hash); *pp; pp = &(*pp)->hnext) {
		if (*pp == d) {
			*pp = d->hnext;
			return;
		}
	}
}

/* ---- Timer J ---- */

static void arm(struct sip_txn_stack *s)
{
	struct txn_done_table *tb = &s->done;
	uint64_t now = sip_timers_now(s->cfg.timers);

	if (!tb->head)
		return;
	sip_timer_start(s->cfg.timers, &tb->timer_j,
			tb->head->due > now ? tb->head->due - now : 0,
			txn_done_on_timer, s);
}

void txn_done_on_timer(void *arg)
{
	struct sip_txn_stack *s = arg;
	struct txn_done_table *tb = &s->done;
	uint64_t now = sip_timers_now(s->cfg.timers);

	while (tb->head && tb->head->due <= now) {
		struct txn_done *d = tb->head;

		tb->head = d->qnext;
		if (!tb->head)
			tb->tail = NULL;
		unlink_bucket(tb, d);
		tb->n--;
		s->stats.compact--;
		sip_mem_deref(d);
	}
	arm(s);
}

/* ---- records ---- */

/* Can @p t's Completed state be a record? */
static bool eligible(const struct sip_txn *t)
{
	const struct sip_txn_dest *dst = &t->dst;

	return t->stack->cfg.compact_completed && t->kind == SIP_TXN_NIST &&
	       t->state == SIP_TXN_COMPLETED && t->rfc3261 && t->resp &&
	       dst->transport == SIP_TXN_UDP && !dst->conn &&
	       dst->addrlen <= sizeof(((struct txn_done *)0)->addr) &&
	       t->branch.len <= SHORT_MAX && t->via->host.len <= SHORT_MAX &&
	       t->method.len <= SHORT_MAX && t->resp->len <= UINT16_MAX;
}

static char *put(char *p, struct sip_pl pl)
{
	if (pl.len)
		memcpy(p, pl.p, pl.len);
	return p + pl.len;
}

static struct txn_done *record_new(const struct sip_txn *t)
{
	size_t n = t->branch.len + t->via->host.len + t->method.len + t->resp->len;
	struct txn_done *d = sip_mem_zalloc(sizeof(*d) + n, NULL);
	char *p;

	if (!d)
		return NULL;
	d->hash = t->hash;
	d->due = t->nist.timer_j.due;
	memcpy(&d->addr, &t->dst.addr, t->dst.addrlen);
	d->addrlen = (uint8_t)t->dst.addrlen;
	d->iface = t->dst.iface;
	d->port = txn_via_port(t->via);
	d->nbranch = (uint8_t)t->branch.len;
	d->nhost = (uint8_t)t->via->host.len;
	d->nmethod = (uint8_t)t->method.len;
	d->nresp = (uint16_t)t->resp->len;
	p = put(d->bytes, t->branch);
	p = put(p, t->via->host);
	p = put(p, t->method);
	memcpy(p, t->resp->p, t->resp->len);
	return d;
}

int txn_done_add(struct sip_txn *t)
{
	struct sip_txn_stack *s = t->stack;
	struct txn_done_table *tb = &s->done;
	struct txn_done *d;

	if (!eligible(t))
		return ENOTSUP;
	if (tb->n >= tb->nb)
		grow(tb);
	if (!tb->nb)
		return ENOMEM;
	d = record_new(t);
	if (!d)
		return ENOMEM;
	/* one 64*T1 for all: the FIFO stays in order (guard a clock step) */
	if (tb->tail && d->due < tb->tail->due)
		d->due = tb->tail->due;
	insert(tb, d);
	if (tb->tail)
		tb->tail->qnext = d;
	else
		tb->head = d;
	tb->tail = d;
	tb->n++;
	s->stats.compact++;
	if (!sip_timer_armed(&tb->timer_j))
		arm(s);
	return 0;
}

static bool matches(const struct txn_done *d, const struct sip_msg *m,
		    const struct txn_key *k)
{
	const struct sip_via *v = k->via;

	return !d->dead && d->hash == k->hash &&
	       sip_pl_eq((struct sip_pl){ branch_of(d), d->nbranch }, v->branch) &&
	       sip_pl_eq((struct sip_pl){ method_of(d), d->nmethod }, m->method) &&
	       sip_pl_casecmp((struct sip_pl){ host_of(d), d->nhost }, v->host) &&
	       d->port == txn_via_port(v);
}

static struct txn_done *find(const struct sip_txn_stack *s, const struct sip_msg *m,
			     const struct txn_key *k)
{
	const struct txn_done_table *tb = &s->done;

	if (!tb->n || !k->rfc3261 || m->mid == SIP_ACK)
		return NULL;
	for (struct txn_done *d = *bucket(tb, k->hash); d; d = d->hnext)
		if (matches(d, m, k))
			return d;
	return NULL;
}

bool txn_done_recv(struct sip_txn_stack *s, const struct sip_msg *m,
		   const struct txn_key *k)
{
	struct txn_done *d = find(s, m, k);
	struct sip_txn_dest dst = { .transport = SIP_TXN_UDP };

	if (!d)
		return false;
	/* §17.2.2: Completed answers a retransmission with the final */
	s->stats.absorbed++;
	s->stats.retransmissions++;
	memcpy(&dst.addr, &d->addr, d->addrlen);
	dst.addrlen = d->addrlen;
	dst.iface = d->iface;
	if (sip_txn_stack_send(s, &dst, resp_of(d), d->nresp)) {
		s->stats.transport_errors++;
		d->dead = true;
	}
	return true;
}

void txn_done_free(struct sip_txn_stack *s)
{
	struct txn_done_table *tb = &s->done;

	sip_timer_cancel(&tb->timer_j);
	while (tb->head) {
		struct txn_done *d = tb->head;

		tb->head = d->qnext;
		sip_mem_deref(d);
	}
	tb->tail = NULL;
	tb->b = sip_mem_deref(tb->b);
	tb->nb = tb->n = 0;
	s->stats.compact = 0;
}
