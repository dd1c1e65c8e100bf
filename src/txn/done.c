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
 * The final responses are kept in groups of up to SEG_MAX, in order: the
 * newest group is open (raw bytes, appended to), a full one is sealed,
 * compressed as one zstd frame. Responses of one server are much alike
 * (header names, the server's address, Via/From/To/Call-ID shapes), so a
 * group of sixteen REGISTER 200s shrinks about eightfold, and compressing
 * sixteen at once costs a fraction of sixteen separate calls. A
 * retransmission answered from a sealed group decompresses it (a few
 * kilobytes). Each record holds a reference on its group; a group goes
 * when its last record does.
 *
 * A transport error while resending the response ends the record (the
 * machine would go to Terminated, §17.2.4); with no TU left to tell, it is
 * counted. The record is then only marked: it leaves with the FIFO.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/timer.h"
#include "sip/txn.h"
#include "sip/via.h"
#include "txn.h"

enum {
	MIN_BUCKETS = 64,
	SHORT_MAX = 255,
	RESP_MAX = 4096,            /* larger responses keep the full machine */
	/* zstd's fastest levels: -1 leaves literals uncompressed, which
	 * costs ~12 bytes per response more than level 1 (53 instead of 41
	 * for a REGISTER 200) and saves ~30 % of the compression time */
	ZSTD_LEVEL = -1,
};

/* A group of final responses, a sip_mem object. */
struct txn_seg {
	uint16_t n;                 /* entries */
	bool zipped;                /* data is one zstd frame of the raw bytes */
	uint16_t len;               /* bytes in data */
	uint16_t off[SEG_MAX + 1];  /* entry i: raw bytes [off[i], off[i+1]) */
	char data[];
};

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
	uint16_t code;            /* status of the final response */
	uint8_t addrlen;
	uint8_t nbranch, nhost, nmethod;
	bool dead;                /* transport error: matches nothing */
	uint8_t idx;              /* entry in seg */
	struct txn_seg *seg;      /* a reference: the final response */
	char bytes[];             /* branch, host, method */
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

/* ---- groups of responses ---- */

static struct txn_seg *seg_open_new(void)
{
	return sip_mem_zalloc(sizeof(struct txn_seg) + SEG_RAW_CAP, NULL);
}

/* The sealed form of open group @p o: compressed when that is smaller,
 * else a trimmed raw copy. NULL when out of memory. */
static struct txn_seg *seg_seal(struct txn_done_table *tb, const struct txn_seg *o)
{
	size_t raw = o->off[o->n], bound = ZSTD_compressBound(raw), z = 0;
	char *tmp = NULL;
	struct txn_seg *g;

	if (!tb->cctx)
		tb->cctx = ZSTD_createCCtx();
	if (tb->cctx && (tmp = malloc(bound))) {
		z = ZSTD_compressCCtx(tb->cctx, tmp, bound, o->data, raw, ZSTD_LEVEL);
		if (ZSTD_isError(z) || z >= raw)
			z = 0;
	}
	g = sip_mem_zalloc(sizeof(*g) + (z ? z : raw), NULL);
	if (g) {
		g->n = o->n;
		memcpy(g->off, o->off, sizeof(g->off));
		g->zipped = z != 0;
		g->len = (uint16_t)(z ? z : raw);
		memcpy(g->data, z ? tmp : o->data, g->len);
	}
	free(tmp);
	return g;
}

/* Seal the open group: its records move to the sealed copy, and a new
 * open group is started. On allocation failure the full group stays as
 * it is (its records keep it) and a new one is started all the same. */
static void seg_rotate(struct txn_done_table *tb)
{
	struct txn_seg *o = tb->open, *g = seg_seal(tb, o);

	for (unsigned i = 0; g && i < o->n; i++) {
		struct txn_done *d = tb->open_rec[i];

		if (!d)
			continue;
		d->seg = sip_mem_ref(g);
		sip_mem_deref(o);
	}
	sip_mem_deref(g);
	memset(tb->open_rec, 0, sizeof(tb->open_rec));
	tb->open = sip_mem_deref(o);
}

/* Append @p b to the open group for record @p d. 0 or ENOMEM. */
static int seg_add(struct txn_done_table *tb, struct txn_done *d,
		   const struct txn_bytes *b)
{
	struct txn_seg *o = tb->open;

	if (o && (o->n == SEG_MAX || o->off[o->n] + b->len > SEG_RAW_CAP))
		seg_rotate(tb);
	if (!tb->open && !(tb->open = seg_open_new()))
		return ENOMEM;
	o = tb->open;
	memcpy(o->data + o->off[o->n], b->p, b->len);
	o->off[o->n + 1] = (uint16_t)(o->off[o->n] + b->len);
	d->idx = (uint8_t)o->n;
	d->seg = sip_mem_ref(o);
	tb->open_rec[o->n++] = d;
	return 0;
}

/* Record @p d goes: its entry in the open group is no longer followed. */
static void seg_leave(struct txn_done_table *tb, struct txn_done *d)
{
	if (d->seg == tb->open)
		tb->open_rec[d->idx] = NULL;
	d->seg = sip_mem_deref(d->seg);
}

/* Send entry @p d->idx to @p dst: 0 or an errno value. */
static int seg_send(struct sip_txn_stack *s, const struct txn_done *d,
		    const struct sip_txn_dest *dst)
{
	struct txn_done_table *tb = &s->done;
	const struct txn_seg *g = d->seg;
	size_t raw = g->off[g->n], got;
	char *p;
	int err;

	if (!g->zipped)
		return sip_txn_stack_send(s, dst, g->data + g->off[d->idx],
					  (size_t)(g->off[d->idx + 1] - g->off[d->idx]));
	if (!tb->dctx && !(tb->dctx = ZSTD_createDCtx()))
		return ENOMEM;
	if (!(p = malloc(raw)))
		return ENOMEM;
	got = ZSTD_decompressDCtx(tb->dctx, p, raw, g->data, g->len);
	err = ZSTD_isError(got) || got != raw ? EIO :
		sip_txn_stack_send(s, dst, p + g->off[d->idx],
				   (size_t)(g->off[d->idx + 1] - g->off[d->idx]));
	free(p);
	return err;
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
		seg_leave(tb, d);
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
	       t->method.len <= SHORT_MAX && t->resp->len <= RESP_MAX;
}

static char *put(char *p, struct sip_pl pl)
{
	if (pl.len)
		memcpy(p, pl.p, pl.len);
	return p + pl.len;
}

static struct txn_done *record_new(const struct sip_txn *t)
{
	size_t n = t->branch.len + t->via->host.len + t->method.len;
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
	d->code = t->resp_scode;
	d->nbranch = (uint8_t)t->branch.len;
	d->nhost = (uint8_t)t->via->host.len;
	d->nmethod = (uint8_t)t->method.len;
	p = put(d->bytes, t->branch);
	p = put(p, t->via->host);
	put(p, t->method);
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
	if (seg_add(tb, d, t->resp)) {
		sip_mem_deref(d);
		return ENOMEM;
	}
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
	if (seg_send(s, d, &dst)) {
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
		seg_leave(tb, d);
		sip_mem_deref(d);
	}
	tb->tail = NULL;
	tb->open = sip_mem_deref(tb->open);
	ZSTD_freeCCtx(tb->cctx);
	ZSTD_freeDCtx(tb->dctx);
	tb->cctx = NULL;
	tb->dctx = NULL;
	tb->b = sip_mem_deref(tb->b);
	tb->nb = tb->n = 0;
	s->stats.compact = 0;
}

size_t txn_done_foreach(const struct sip_txn_stack *s, uint64_t now,
			sip_txn_visit_h *h, void *arg, bool *stop)
{
	uint64_t j = 64 * (uint64_t)s->cfg.t1;
	size_t n = 0;

	for (const struct txn_done *d = s->done.head; d && !*stop; d = d->qnext) {
		struct sip_txn_info ti = {
			.kind = SIP_TXN_NIST, .state = SIP_TXN_COMPLETED,
			.method = { method_of(d), d->nmethod },
			.branch = { branch_of(d), d->nbranch },
			/* since Completed: a record keeps no creation time */
			.age_ms = now + j > d->due ? now + j - d->due : 0,
			.last_code = d->code,
		};

		if (d->dead)
			continue;
		n++;
		if (!h(arg, &ti))
			*stop = true;
	}
	return n;
}
