/*
 * match.c - which transaction a message belongs to (RFC 3261 §17.1.3,
 * §17.2.3, §9.2), and the hash tables that make the lookup O(1).
 *
 * Server side, RFC 3261 peers (top Via branch starts "z9hG4bK"): same
 * branch, same sent-by, same method, where an ACK matches the INVITE and a
 * CANCEL only its own transaction. RFC 2543 peers (no magic cookie): same
 * Request-URI, To tag, From tag, Call-ID, CSeq and top Via; for the ACK the
 * To tag is the one of the response the transaction sent, and the CSeq
 * method is not compared. Server transactions are hashed on the branch
 * (RFC 3261) or on Call-ID and CSeq number (RFC 2543), both of which a
 * CANCEL shares with its INVITE.
 *
 * Client side: same branch as the request's top Via and the CSeq method
 * of the request (so the response to a CANCEL never matches the INVITE).
 *
 * Branches and Call-IDs compare byte for byte, hosts and transports
 * without regard to case.
 */
#include <errno.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/uri.h"
#include "sip/via.h"
#include "txn.h"

enum { MIN_BUCKETS = 64 };

/* ---- keys ---- */

uint64_t txn_hash_branch(const struct sip_txn_stack *s, struct sip_pl branch)
{
	return txn_siphash(s->key, branch.p ? branch.p : "", branch.len);
}

static uint64_t hash_2543(const struct sip_txn_stack *s, struct sip_pl callid,
			  uint32_t cseq)
{
	return txn_siphash(s->key, callid.p, callid.len) ^
	       ((uint64_t)cseq * 0x9e3779b97f4a7c15ULL);
}

static int bad(int err)
{
	return err == ENOMEM ? ENOMEM : EBADMSG;
}

int txn_key_of(struct sip_txn_stack *s, struct sip_msg *m, struct txn_key *k)
{
	struct sip_pl callid;
	int err;

	if ((err = sip_msg_via(m, &k->via)))
		return bad(err);
	if ((err = sip_msg_cseq(m, &k->cseq)))
		return bad(err);
	k->rfc3261 = sip_via_branch_is_rfc3261(k->via);
	if (!m->req || k->rfc3261) {
		k->hash = txn_hash_branch(s, k->via->branch);
		return 0;
	}
	if ((err = sip_msg_callid(m, &callid)))
		return bad(err);
	k->hash = hash_2543(s, callid, k->cseq->num);
	return 0;
}

/* ---- comparisons ---- */

uint16_t txn_via_port(const struct sip_via *v)
{
	if (v->has_port)
		return v->port;
	return sip_pl_caseeqs(v->transport, "TLS") ? 5061 : 5060;
}

static bool sent_by_eq(const struct sip_via *a, const struct sip_via *b)
{
	return sip_pl_casecmp(a->host, b->host) && txn_via_port(a) == txn_via_port(b);
}

static bool via_eq(const struct sip_via *a, const struct sip_via *b)
{
	return sip_pl_casecmp(a->transport, b->transport) && sent_by_eq(a, b) &&
	       sip_pl_casecmp(a->params, b->params);
}

static bool pl_same(struct sip_pl a, struct sip_pl b)
{
	if (sip_pl_isset(&a) != sip_pl_isset(&b))
		return false;
	return !sip_pl_isset(&a) || sip_pl_eq(a, b);
}

static bool from_tag_eq(struct sip_msg *a, struct sip_msg *b)
{
	const struct sip_addr *fa, *fb;

	return !sip_msg_from(a, &fa) && !sip_msg_from(b, &fb) && pl_same(fa->tag, fb->tag);
}

static bool to_tag_is(struct sip_msg *m, struct sip_pl tag)
{
	const struct sip_addr *to;

	return !sip_msg_to(m, &to) && pl_same(to->tag, tag);
}

static bool ruri_eq(struct sip_msg *a, struct sip_msg *b)
{
	const struct sip_uri *ua, *ub;

	if (!sip_msg_ruri(a, &ua) && !sip_msg_ruri(b, &ub))
		return sip_uri_eq(ua, ub);
	return sip_pl_eq(a->ruri, b->ruri);
}

static bool callid_eq(struct sip_msg *a, struct sip_msg *b)
{
	struct sip_pl ca, cb;

	return !sip_msg_callid(a, &ca) && !sip_msg_callid(b, &cb) && sip_pl_eq(ca, cb);
}

static bool to_tag_2543(struct sip_txn *t, struct sip_msg *m, bool cancel)
{
	const struct sip_addr *to;

	/* the ACK carries the tag of the response it acknowledges */
	if (m->mid == SIP_ACK && !cancel)
		return t->final_totag && to_tag_is(m, sip_pl_str(t->final_totag));
	return !sip_msg_to(t->req, &to) && to_tag_is(m, to->tag);
}

/* §17.2.3, RFC 2543 fallback (the method was checked by the caller) */
static bool match_2543(struct sip_txn *t, struct sip_msg *m, const struct txn_key *k,
		       bool cancel)
{
	const struct sip_cseq *cs;

	return !sip_msg_cseq(t->req, &cs) && cs->num == k->cseq->num &&
	       callid_eq(t->req, m) && from_tag_eq(t->req, m) &&
	       via_eq(t->via, k->via) && ruri_eq(t->req, m) &&
	       to_tag_2543(t, m, cancel);
}

static bool method_ok(const struct sip_txn *t, const struct sip_msg *m, bool cancel)
{
	if (cancel || m->mid == SIP_ACK)
		return t->kind == SIP_TXN_IST;
	return sip_pl_eq(t->method, m->method);
}

static bool server_matches(struct sip_txn *t, struct sip_msg *m,
			   const struct txn_key *k, bool cancel)
{
	if (t->hash != k->hash || t->rfc3261 != k->rfc3261 || !method_ok(t, m, cancel))
		return false;
	if (k->rfc3261)
		return sip_pl_eq(t->branch, k->via->branch) && sent_by_eq(t->via, k->via);
	return match_2543(t, m, k, cancel);
}

/* ---- tables ---- */

static struct sip_txn **bucket(const struct txn_table *tb, uint64_t hash)
{
	return &tb->b[hash & (tb->nb - 1)];
}

static struct sip_txn *lookup_server(struct sip_txn_stack *s, struct sip_msg *m,
				     const struct txn_key *k, bool cancel)
{
	if (!s->server.nb)
		return NULL;
	for (struct sip_txn *t = *bucket(&s->server, k->hash); t; t = t->hnext)
		if (server_matches(t, m, k, cancel))
			return t;
	return NULL;
}

struct sip_txn *txn_match_server(struct sip_txn_stack *s, struct sip_msg *m,
				 const struct txn_key *k)
{
	return lookup_server(s, m, k, false);
}

struct sip_txn *txn_match_cancel(struct sip_txn_stack *s, struct sip_msg *m,
				 const struct txn_key *k)
{
	return lookup_server(s, m, k, true);
}

struct sip_txn *txn_find_client(struct sip_txn_stack *s, struct sip_pl branch,
				struct sip_pl method)
{
	uint64_t h = txn_hash_branch(s, branch);

	if (!s->client.nb)
		return NULL;
	for (struct sip_txn *t = *bucket(&s->client, h); t; t = t->hnext)
		if (t->hash == h && sip_pl_eq(t->branch, branch) &&
		    sip_pl_eq(t->method, method))
			return t;
	return NULL;
}

struct sip_txn *txn_match_client(struct sip_txn_stack *s, struct sip_msg *m,
				 const struct txn_key *k)
{
	if (!sip_pl_isset(&k->via->branch))
		return NULL;
	return txn_find_client(s, k->via->branch, k->cseq->method);
}

static void insert(struct txn_table *tb, struct sip_txn *t)
{
	struct sip_txn **head = bucket(tb, t->hash);

	t->hnext = *head;
	if (*head)
		(*head)->hpprev = &t->hnext;
	*head = t;
	t->hpprev = head;
}

/* Double the buckets; on allocation failure chains just grow longer. */
static void grow(struct txn_table *tb)
{
	size_t nb = tb->nb ? 2 * tb->nb : MIN_BUCKETS;
	struct sip_txn **b = sip_mem_zalloc(nb * sizeof(*b), NULL);
	struct txn_table old = *tb;

	if (!b)
		return;
	tb->b = b;
	tb->nb = nb;
	for (size_t i = 0; i < old.nb; i++) {
		while (old.b[i]) {
			struct sip_txn *t = old.b[i];

			old.b[i] = t->hnext;
			insert(tb, t);
		}
	}
	sip_mem_deref(old.b);
}

static struct txn_table *table_of(struct sip_txn_stack *s, const struct sip_txn *t)
{
	return t->kind == SIP_TXN_ICT || t->kind == SIP_TXN_NICT ? &s->client : &s->server;
}

int txn_table_link(struct sip_txn_stack *s, struct sip_txn *t)
{
	struct txn_table *tb = table_of(s, t);

	if (tb->n >= tb->nb)
		grow(tb);
	if (!tb->nb)
		return ENOMEM;
	insert(tb, t);
	tb->n++;
	t->linked = true;
	return 0;
}

void txn_table_unlink(struct sip_txn_stack *s, struct sip_txn *t)
{
	if (!t->linked)
		return;
	*t->hpprev = t->hnext;
	if (t->hnext)
		t->hnext->hpprev = t->hpprev;
	t->hnext = NULL;
	t->hpprev = NULL;
	t->linked = false;
	table_of(s, t)->n--;
}

void txn_tables_free(struct sip_txn_stack *s)
{
	s->server.b = sip_mem_deref(s->server.b);
	s->client.b = sip_mem_deref(s->client.b);
	s->server.nb = s->client.nb = 0;
}
