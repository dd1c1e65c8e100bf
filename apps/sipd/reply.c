/*
 * reply.c - building and sending sipd's own responses (see reply.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/buf.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/txn.h"
#include "sip/via.h"

#include "net.h"
#include "reply.h"
#include "sipd.h"

/* §18.2.1: the Via the response carries is the request's top Via as the
 * server transport saw it, with received (and RFC 3581 rport) added. */
static int via_received(struct sip_out *o, struct sip_msg *m,
			const struct sip_tp_peer *src)
{
	const struct sip_via *v;
	struct sip_buf b;
	int err;

	if (sip_msg_via(m, &v))
		return EBADMSG;
	sip_buf_init(&b);
	err = sip_tp_via_received(&b, v, &src->remote);
	if (!err)
		err = sip_out_via_pop(o);
	if (!err)
		err = sip_out_via_push(o, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err == ENOMEM ? ENOMEM : err ? EBADMSG : 0;
}

int sipd_reply_build(struct sipd *sd, const struct sipd_req *rq,
		     uint16_t scode, const char *reason, struct sip_out **op)
{
	char tag[SIP_TXN_TAG_SIZE];
	const char *totag = tag;
	struct sip_out *o;
	int err;

	if (rq->st)
		totag = sip_txn_totag(rq->st);
	else if (rq->totag)
		totag = rq->totag;
	else if (sip_txn_tag_new(sd->txn, tag, sizeof(tag)))
		totag = NULL;
	if (!sip_msg_hdr(rq->m, SIP_HDR_VIA))
		return EBADMSG;
	err = sip_out_reply(&o, rq->m, scode, reason, totag);
	if (err)
		return err;
	err = via_received(o, rq->m, rq->src);
	/* a stateless answer to a request whose top Via does not parse (RFC
	 * 4475 badvers: "SIP/7.0/UDP") keeps the Via as it came */
	if (err == EBADMSG && !rq->st)
		err = 0;
	if (!err)
		err = sip_out_add(o, SIP_HDR_SERVER, NULL,
				  sip_pl_str(sd->cfg->server.name));
	if (err) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}

static int send_stateless(struct sipd *sd, const struct sipd_req *rq,
			  struct sip_out *o)
{
	const struct sip_via *v;
	struct sip_tp_peer dst;
	struct sip_buf b;
	int err;

	/* §18.2.2. A top Via that does not parse, or a name in maddr (it
	 * would need RFC 3263 resolution, which only forwarding roles do):
	 * back to the source, as RFC 3581 would (over TCP on its connection) */
	err = sip_msg_via(rq->m, &v);
	if (!err)
		err = sip_tp_response_dest(&dst, v, rq->src);
	if (err == EBADMSG || err == ENOENT)
		dst = *rq->src;
	else if (err)
		return err;
	sip_buf_init(&b);
	err = sip_out_print(o, &b);
	if (!err)
		err = sipd_net_send(sd, &dst, b.p, b.len);
	sip_buf_reset(&b);
	if (!err)
		sd->stats.stateless++;
	return err;
}

int sipd_reply_send(struct sipd *sd, const struct sipd_req *rq,
		    struct sip_out *o, uint16_t scode)
{
	int err;

	if (rq->st)
		err = sip_txn_reply(rq->st, o);
	else
		err = send_stateless(sd, rq, o);
	if (err) {
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "response not sent",
			 "error", strerror(err), NULL);
		return err;
	}
	sd->stats.replies[scode / 100 < 7 ? scode / 100 : 0]++;
	return 0;
}

int sipd_reply(struct sipd *sd, const struct sipd_req *rq, uint16_t scode,
	       const char *reason)
{
	struct sip_out *o;
	int err = sipd_reply_build(sd, rq, scode, reason, &o);

	if (!err) {
		err = sipd_reply_send(sd, rq, o, scode);
		sip_out_free(o);
	} else {
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "response not built",
			 "error", strerror(err), NULL);
	}
	if (err)
		sd->stats.dropped++;
	return err;
}

void sipd_held_init(struct sipd_held *h, const struct sipd_req *rq)
{
	h->st = sip_mem_ref(rq->st);
	h->m = rq->m;
	h->src = *rq->src;
	h->src.conn = sip_mem_ref(rq->src->conn);
	h->rq = (struct sipd_req){ .m = h->m, .src = &h->src, .st = h->st };
}

void sipd_held_release(struct sipd_held *h)
{
	sip_mem_deref(h->src.conn);
	sip_mem_deref(h->st);
}
