/*
 * client.c - creating client transactions (RFC 3261 §17.1) and the two
 * requests the client side builds from the original one: the ACK for a
 * non-2xx final response (§17.1.1.3) and CANCEL (§9.1).
 *
 * The transaction keeps the request as printed (what it retransmits) and
 * decoded once from those bytes (zero copy: the message holds a reference
 * on them), for matching and for building ACK and CANCEL.
 */
#include <errno.h>

#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/txn.h"
#include "sip/via.h"
#include "txn.h"

/* Decode our own request and check what the client side needs of it. */
static int decode_request(struct txn_bytes *b, struct sip_msg **mp,
			  const struct sip_via **vp)
{
	const struct sip_cseq *cs;
	struct sip_msg *m;
	int err = sip_msg_decode(&m, b->p, b->len, b, 0, NULL);

	if (err)
		return err == ENOMEM ? ENOMEM : EINVAL;
	err = EINVAL;
	if (!m->req || m->mid == SIP_ACK)
		goto out;
	if ((err = sip_msg_via(m, vp)) || (err = sip_msg_cseq(m, &cs)))
		goto out;
	if (!sip_via_branch_is_rfc3261(*vp) || !sip_pl_eq(cs->method, m->method)) {
		err = EINVAL;
		goto out;
	}
	*mp = m;
	return 0;
out:
	sip_msg_free(m);
	return err == ENOMEM ? ENOMEM : EINVAL;
}

static int client_new(struct sip_txn **ctp, struct sip_txn_stack *s,
		      struct txn_bytes *b, const struct sip_txn_dest *dst,
		      sip_txn_h *h, void *arg)
{
	const struct sip_via *via;
	struct sip_msg *m;
	struct sip_txn *t;
	int err = decode_request(b, &m, &via);

	if (err)
		return err;
	if (txn_find_client(s, via->branch, m->method)) {
		sip_msg_free(m);
		return EEXIST;
	}
	err = txn_new(&t, s, m->mid == SIP_INVITE ? SIP_TXN_ICT : SIP_TXN_NICT, dst);
	if (err) {
		sip_msg_free(m);
		return err;
	}
	t->req = m;
	t->req_bytes = sip_mem_ref(b);
	t->via = via;
	t->branch = via->branch;
	t->method = m->method;
	t->rfc3261 = true;
	t->hash = txn_hash_branch(s, via->branch);
	t->h = h;
	t->arg = arg;
	if ((err = txn_table_link(s, t))) {
		txn_discard(t);
		return err;
	}
	if (ctp)
		*ctp = t;
	if (t->kind == SIP_TXN_ICT)
		txn_ict_start(t);
	else
		txn_nict_start(t);
	return 0;
}

int sip_txn_request_bytes(struct sip_txn **ctp, struct sip_txn_stack *s,
			  struct sip_pl bytes, const struct sip_txn_dest *dst,
			  sip_txn_h *h, void *arg)
{
	struct txn_bytes *b;
	int err;

	if (!bytes.p || !bytes.len)
		return EINVAL;
	if ((err = txn_bytes_new(&b, bytes.p, bytes.len)))
		return err;
	err = client_new(ctp, s, b, dst, h, arg);
	sip_mem_deref(b);
	return err;
}

int sip_txn_request(struct sip_txn **ctp, struct sip_txn_stack *s,
		    struct sip_out *req, const struct sip_txn_dest *dst,
		    sip_txn_h *h, void *arg)
{
	struct txn_bytes *b;
	int err = txn_bytes_print(&b, req);

	if (err)
		return err;
	err = client_new(ctp, s, b, dst, h, arg);
	sip_mem_deref(b);
	return err;
}

/*
 * The headers ACK (§17.1.1.3) and CANCEL (§9.1) share with the original
 * request: Request-URI, the single top Via, Route, From, Call-ID and the
 * CSeq number; @p to is the To value (the response's for an ACK).
 */
static int build_from_request(struct sip_txn *t, const char *method,
			      struct sip_pl to, struct txn_bytes **bp)
{
	const struct sip_hdr *from = sip_msg_hdr(t->req, SIP_HDR_FROM);
	const struct sip_hdr *callid = sip_msg_hdr(t->req, SIP_HDR_CALL_ID);
	const struct sip_cseq *cs;
	struct sip_out *o;
	int err;

	if (!from || !callid || sip_msg_cseq(t->req, &cs))
		return EINVAL;
	if ((err = sip_out_request(&o, sip_pl_str(method), t->req->ruri)))
		return err;
	if ((err = sip_out_add(o, SIP_HDR_VIA, NULL, t->via->raw)))
		goto out;
	for (const struct sip_hdr *r = sip_msg_hdr(t->req, SIP_HDR_ROUTE); r; r = r->next)
		if ((err = sip_out_add(o, SIP_HDR_ROUTE, NULL, r->value)))
			goto out;
	if ((err = sip_out_add(o, SIP_HDR_MAX_FORWARDS, NULL, SIP_PL("70"))) ||
	    (err = sip_out_add(o, SIP_HDR_FROM, NULL, from->value)) ||
	    (err = sip_out_add(o, SIP_HDR_TO, NULL, to)) ||
	    (err = sip_out_add(o, SIP_HDR_CALL_ID, NULL, callid->value)) ||
	    (err = sip_out_addf(o, SIP_HDR_CSEQ, "%u %s", cs->num, method)))
		goto out;
	err = txn_bytes_print(bp, o);
out:
	sip_out_free(o);
	return err;
}

int txn_build_ack(struct sip_txn *t, struct sip_msg *resp)
{
	const struct sip_hdr *to = sip_msg_hdr(resp, SIP_HDR_TO);
	struct txn_bytes *b;
	int err;

	if (!to)
		return EINVAL;
	if ((err = build_from_request(t, "ACK", to->value, &b)))
		return err;
	sip_mem_deref(t->ack);
	t->ack = b;
	return 0;
}

int sip_txn_cancel(struct sip_txn **ctp, struct sip_txn *ict, sip_txn_h *h, void *arg)
{
	const struct sip_hdr *to;
	struct txn_bytes *b;
	int err;

	if (ict->kind != SIP_TXN_ICT)
		return EINVAL;
	if (!ict->stack)
		return EALREADY;
	switch (ict->state) {
	case SIP_TXN_CALLING:
		return EAGAIN;   /* §9.1: not before a provisional response */
	case SIP_TXN_PROCEEDING:
		break;
	default:
		return EALREADY;
	}
	if (!(to = sip_msg_hdr(ict->req, SIP_HDR_TO)))
		return EINVAL;
	if ((err = build_from_request(ict, "CANCEL", to->value, &b)))
		return err;
	err = client_new(ctp, ict->stack, b, &ict->dst, h, arg);
	sip_mem_deref(b);
	return err;
}
