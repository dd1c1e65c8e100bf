/*
 * server.c - creating server transactions (RFC 3261 §17.2) and taking the
 * TU's responses: printed once, then handed to the IST or NIST machine,
 * which sends and keeps them for retransmission (§17.2.1, §17.2.2).
 */
#include <errno.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/txn.h"
#include "txn.h"

/* What building responses needs of a request (§8.2.6). */
static int check_request(struct sip_msg *m)
{
	const struct sip_addr *a;
	struct sip_pl callid;
	int err;

	if ((err = sip_msg_from(m, &a)) || (err = sip_msg_to(m, &a)) ||
	    (err = sip_msg_callid(m, &callid)))
		return err == ENOMEM ? ENOMEM : EBADMSG;
	return 0;
}

int txn_server_new(struct sip_txn_stack *s, struct sip_msg *m,
		   const struct sip_txn_dest *src, const struct txn_key *k)
{
	struct sip_txn *t;
	int err;

	if ((err = check_request(m)))
		return err;
	err = txn_new(&t, s, m->mid == SIP_INVITE ? SIP_TXN_IST : SIP_TXN_NIST, src);
	if (err)
		return err;
	t->via = k->via;
	t->branch = k->via->branch;
	t->method = m->method;
	t->rfc3261 = k->rfc3261;
	t->hash = k->hash;
	t->h = s->cfg.server_h;
	t->arg = s->cfg.arg;
	sip_txn_tag_new(s, t->totag, sizeof(t->totag));
	if ((err = txn_table_link(s, t))) {
		txn_discard(t);
		return err;
	}
	t->req = m;   /* owned from here: nothing below fails */
	sip_mem_ref(t);
	if (t->kind == SIP_TXN_IST)
		txn_ist_start(t);
	else
		txn_nist_start(t);
	s->cfg.request_h(t, m, s->cfg.arg);
	sip_mem_deref(t);
	return 0;
}

int txn_build_reply(struct sip_txn *t, uint16_t scode, const char *reason,
		    struct txn_bytes **bp)
{
	struct sip_out *o;
	int err;

	if (!t->req)
		return EPROTO;   /* shed: the transaction has answered already */
	err = sip_out_reply(&o, t->req, scode, reason, scode > 100 ? t->totag : NULL);
	if (err)
		return err;
	err = txn_bytes_print(bp, o);
	sip_out_free(o);
	return err;
}

void txn_note_final_totag(struct sip_txn *t, struct txn_bytes *b)
{
	const struct sip_addr *to;
	struct sip_msg *m;
	char *tag;

	if (sip_msg_decode(&m, b->p, b->len, b, 0, NULL))
		return;
	if (!sip_msg_to(m, &to) && sip_pl_isset(&to->tag) &&
	    (tag = sip_mem_zalloc(to->tag.len + 1, NULL))) {
		memcpy(tag, to->tag.p, to->tag.len);
		sip_mem_deref(t->final_totag);
		t->final_totag = tag;
	}
	sip_msg_free(m);
}

/* "SIP/2.0 NNN ..." -> NNN; 0 when not a status line. */
static uint16_t status_of(const struct txn_bytes *b)
{
	static const char ver[] = "SIP/2.0 ";
	const size_t n = sizeof(ver) - 1;
	uint16_t sc = 0;

	if (b->len < n + 3 || memcmp(b->p, ver, n))
		return 0;
	for (size_t i = n; i < n + 3; i++) {
		if (b->p[i] < '0' || b->p[i] > '9')
			return 0;
		sc = (uint16_t)(sc * 10 + (b->p[i] - '0'));
	}
	if (b->len > n + 3 && b->p[n + 3] != ' ')
		return 0;
	return sc;
}

static int reply_bytes(struct sip_txn *st, struct txn_bytes *b)
{
	uint16_t sc = status_of(b);

	if (sc < 100 || sc > 699)
		return EINVAL;
	return st->ops->on_tu_response(st, b, sc);
}

static int check_server(const struct sip_txn *st)
{
	if (st->kind != SIP_TXN_IST && st->kind != SIP_TXN_NIST)
		return EINVAL;
	if (!st->stack || st->state == SIP_TXN_TERMINATED)
		return ESRCH;
	return 0;
}

int sip_txn_reply(struct sip_txn *st, struct sip_out *resp)
{
	struct txn_bytes *b;
	int err;

	if ((err = check_server(st)))
		return err;
	if ((err = txn_bytes_print(&b, resp)))
		return err;
	err = reply_bytes(st, b);
	sip_mem_deref(b);
	return err;
}

int sip_txn_reply_code(struct sip_txn *st, uint16_t scode, const char *reason)
{
	struct txn_bytes *b;
	int err;

	if ((err = check_server(st)))
		return err;
	if (scode < 100 || scode > 699)
		return EINVAL;
	if ((err = txn_build_reply(st, scode, reason, &b)))
		return err;
	err = reply_bytes(st, b);
	sip_mem_deref(b);
	return err;
}

const char *sip_txn_totag(const struct sip_txn *st)
{
	return st->totag;
}

/* A copy of @p in at *@p p, advancing it. */
static struct sip_pl keep(char **p, struct sip_pl in)
{
	struct sip_pl out = { *p, in.len };

	if (in.len)
		memcpy(*p, in.p, in.len);
	*p += in.len;
	return out;
}

void txn_shed_request(struct sip_txn *t)
{
	const struct sip_via *v = t->via;
	const struct sip_hdr *cid;
	struct sip_pl callid = { NULL, 0 };
	struct sip_via *copy;
	size_t n;
	char *p;

	if (!t->req || !t->rfc3261 || t->kept)
		return;
	if ((cid = sip_msg_hdr(t->req, SIP_HDR_CALL_ID)))
		callid = cid->value;
	n = v->host.len + v->transport.len + t->branch.len + t->method.len +
	    callid.len;
	copy = sip_mem_zalloc(sizeof(*copy) + n, NULL);
	if (!copy)
		return;
	p = (char *)(copy + 1);
	copy->host = keep(&p, v->host);
	copy->host_type = v->host_type;
	copy->port = v->port;
	copy->has_port = v->has_port;
	copy->transport = keep(&p, v->transport);
	copy->branch = keep(&p, t->branch);
	t->branch = copy->branch;
	t->method = keep(&p, t->method);
	/* the HTTP API lists transactions by Call-ID */
	t->callid = keep(&p, callid);
	t->via = copy;
	t->kept = copy;
	sip_msg_free(t->req);
	t->req = NULL;
}
