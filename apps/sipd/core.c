/*
 * core.c - sipd's answers with no role enabled: RFC 3261 §8.2 (UAS
 * request processing), §9.2 (CANCEL), §11 (OPTIONS), §12.2.2, and the
 * §16.3 checks; the rules and their order are listed in core.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/buf.h"
#include "sip/cseq.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/tokens.h"
#include "sip/txn.h"
#include "sip/uri.h"
#include "sip/via.h"

#include "core.h"
#include "net.h"
#include "proxy.h"
#include "register.h"
#include "reply.h"
#include "sipd.h"

#define BIT(m) (1u << (m))

/* Allow lists methods in this order. */
static const enum sip_method allow_order[] = {
	SIP_INVITE, SIP_ACK, SIP_CANCEL, SIP_OPTIONS, SIP_BYE, SIP_REGISTER,
	SIP_SUBSCRIBE, SIP_NOTIFY, SIP_PUBLISH, SIP_REFER, SIP_MESSAGE,
	SIP_INFO, SIP_PRACK, SIP_UPDATE,
};

/* Option tags of the extensions sipd supports: none yet. Roles add
 * theirs (the registrar "path", RFC 3327) when they come. */
static const char *const supported_tags[] = { NULL };

void sipd_core_init(struct sipd *sd)
{
	/* ACK and CANCEL are the transaction layer's and §9.2's */
	sd->allow = BIT(SIP_OPTIONS) | BIT(SIP_ACK) | BIT(SIP_CANCEL);
	if (sd->cfg->registrar.enabled)
		sd->allow |= BIT(SIP_REGISTER);
	if (sd->cfg->proxy.enabled)
		sd->allow |= BIT(SIP_INVITE) | BIT(SIP_BYE) | BIT(SIP_PRACK) |
			BIT(SIP_UPDATE) | BIT(SIP_INFO) | BIT(SIP_REFER) |
			BIT(SIP_NOTIFY) | BIT(SIP_SUBSCRIBE) | BIT(SIP_MESSAGE);
}

static bool tag_supported(struct sip_pl tag)
{
	for (size_t i = 0; supported_tags[i]; i++)
		if (sip_token_eq(SIP_HDR_SUPPORTED, tag, sip_pl_str(supported_tags[i])))
			return true;
	return false;
}

static int add_allow(struct sipd *sd, struct sip_out *o)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	for (size_t i = 0; i < sizeof(allow_order) / sizeof(allow_order[0]); i++) {
		if (!(sd->allow & BIT(allow_order[i])))
			continue;
		if (b.len)
			sip_buf_puts(&b, ", ");
		sip_buf_puts(&b, sip_method_name(allow_order[i]));
	}
	err = sip_buf_err(&b);
	if (!err)
		err = sip_out_add(o, SIP_HDR_ALLOW, NULL, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

static int add_supported(struct sip_out *o)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	for (size_t i = 0; supported_tags[i]; i++) {
		if (b.len)
			sip_buf_puts(&b, ", ");
		sip_buf_puts(&b, supported_tags[i]);
	}
	err = sip_buf_err(&b);
	if (!err)
		err = sip_out_add(o, SIP_HDR_SUPPORTED, NULL, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

/* ---- answers that carry more than a status line ---- */

/* Build @p scode, let @p add put its headers in, send. */
static void reply_with(struct sipd *sd, const struct sipd_req *rq,
		       uint16_t scode, int (*add)(struct sipd *, struct sip_out *,
						  void *), void *arg)
{
	struct sip_out *o;
	int err = sipd_reply_build(sd, rq, scode, NULL, &o);

	if (!err) {
		err = add(sd, o, arg);
		if (!err)
			err = sipd_reply_send(sd, rq, o, scode);
		sip_out_free(o);
	}
	if (err)
		sd->stats.dropped++;
}

/* §11.2: what an OPTIONS answer SHOULD carry. */
static int add_options(struct sipd *sd, struct sip_out *o, void *arg)
{
	int err;

	(void)arg;
	if ((err = add_allow(sd, o)) ||
	    (err = sip_out_add(o, SIP_HDR_ACCEPT, NULL, SIP_PL("application/sdp"))) ||
	    (err = sip_out_add(o, SIP_HDR_ACCEPT_ENCODING, NULL, SIP_PL("identity"))) ||
	    (err = sip_out_add(o, SIP_HDR_ACCEPT_LANGUAGE, NULL, SIP_PL("en"))))
		return err;
	return add_supported(o);
}

static int add_allow_h(struct sipd *sd, struct sip_out *o, void *arg)
{
	(void)arg;
	return add_allow(sd, o);
}

static int add_unsupported(struct sipd *sd, struct sip_out *o, void *arg)
{
	(void)sd;
	return sip_out_add(o, SIP_HDR_UNSUPPORTED, NULL,
			   sip_buf_pl_get((struct sip_buf *)arg));
}

/* ---- the checks, in the order of core.h ---- */

/* Rule 1: sip_msg_check() failed with @p err. */
static uint16_t malformed(struct sipd *sd, const struct sipd_req *rq, int err,
			  const char **reason)
{
	char peer[SIP_TP_ADDRSTRLEN];

	if (err == ENOMEM)
		return 500;
	sd->stats.malformed++;
	*reason = err == EPROTONOSUPPORT ? NULL :
		rq->m->err ? rq->m->err : "Bad Request";
	sipd_log(&sd->log, SIPD_LOG_DEBUG, "malformed request",
		 "peer", sip_tp_addr_fmt(&rq->src->remote, peer),
		 "reason", rq->m->err, NULL);
	return err == EPROTONOSUPPORT ? 505 : 400;
}

/* Rules 1 to 5. Returns the status to answer with, or 0 to go on. */
static uint16_t inspect(struct sipd *sd, const struct sipd_req *rq,
			const char **reason)
{
	struct sip_msg *m = rq->m;
	const struct sip_uri *u;
	uint32_t hops;
	int err = sip_msg_check(m);

	if (err)
		return malformed(sd, rq, err, reason);
	if (sd->stopping && m->mid != SIP_CANCEL)
		return 503;
	if ((err = sip_msg_ruri(m, &u)))
		return malformed(sd, rq, err, reason);
	if (u->scheme == SIP_URI_OTHER)
		return 416;
	if (!sip_msg_max_forwards(m, &hops) && hops == 0 &&
	    !(m->mid == SIP_OPTIONS && sipd_self_uri(&sd->self, &sd->cfg->server, u)))
		return 483;
	if (m->mid == SIP_METHOD_OTHER)
		return 501;
	return 0;
}

/* Unsupported tags of header @p id appended to @p b. 0 or EBADMSG. */
static int unsupported(struct sip_msg *m, enum sip_hdr_id id, struct sip_buf *b)
{
	const struct sip_token *t;
	int err = sip_msg_tokens(m, id, &t);

	if (err == ENOENT)
		return 0;
	if (err)
		return err;
	for (; t; t = t->next) {
		if (tag_supported(t->name))
			continue;
		if (b->len)
			sip_buf_puts(b, ", ");
		sip_buf_pl(b, t->name);
	}
	return 0;
}

/* Rule 6. Returns true when the request was answered. */
static bool require(struct sipd *sd, const struct sipd_req *rq)
{
	struct sip_buf tags;
	const char *reason = NULL;
	bool answered = true;
	int err;

	if (rq->m->mid == SIP_CANCEL)
		return false;   /* §8.2.2.3: Require is ignored in CANCEL */
	sip_buf_init(&tags);
	err = unsupported(rq->m, SIP_HDR_REQUIRE, &tags);
	if (!err)
		err = unsupported(rq->m, SIP_HDR_PROXY_REQUIRE, &tags);
	if (!err)
		err = sip_buf_err(&tags);
	if (err)
		sipd_reply(sd, rq, malformed(sd, rq, err, &reason), reason);
	else if (tags.len)
		reply_with(sd, rq, 420, add_unsupported, &tags);
	else
		answered = false;
	sip_buf_reset(&tags);
	return answered;
}

/* Rule 7, §9.2. */
static void cancel(struct sipd *sd, const struct sipd_req *rq)
{
	struct sip_txn *ist;
	struct sipd_stx *x;
	struct sipd_req irq;

	if (sip_txn_stack_match_cancel(sd->txn, rq->m, &ist)) {
		sipd_reply(sd, rq, 481, NULL);
		return;
	}
	sipd_reply(sd, rq, 200, NULL);
	if (sipd_proxy_cancel(sd, ist))
		return;   /* §16.10: the branches are CANCELled, 487 follows */
	if (sip_txn_state(ist) != SIP_TXN_PROCEEDING)
		return;   /* answered already: the CANCEL has no effect */
	x = sipd_net_stx_find(sd, ist);
	irq.m = sip_txn_msg(ist);
	irq.src = x ? &x->src : rq->src;
	irq.st = ist;
	sipd_reply(sd, &irq, 487, NULL);
}

/* Rules 9 and 10. */
static void by_target(struct sipd *sd, const struct sipd_req *rq)
{
	const struct sip_uri *u;
	bool self;

	if (sip_msg_ruri(rq->m, &u)) {
		sipd_reply(sd, rq, 400, NULL);
		return;
	}
	self = sipd_self_uri(&sd->self, &sd->cfg->server, u);
	if (rq->m->mid == SIP_OPTIONS && self)
		reply_with(sd, rq, 200, add_options, NULL);
	else if (self && !sip_pl_isset(&u->user))
		reply_with(sd, rq, 405, add_allow_h, NULL);
	else
		sipd_reply(sd, rq, 404, NULL);
}

static void answer(struct sipd *sd, const struct sipd_req *rq)
{
	const char *reason = NULL;
	uint16_t sc = inspect(sd, rq, &reason);

	if (sc) {
		sipd_reply(sd, rq, sc, reason);
		return;
	}
	if (require(sd, rq))
		return;
	if (rq->m->mid == SIP_CANCEL)
		cancel(sd, rq);
	else if (sip_msg_to_tagged(rq->m)) {
		if (!sipd_proxy_request(sd, rq))
			sipd_reply(sd, rq, 481, NULL);
	} else if (!sipd_register_request(sd, rq) && !sipd_proxy_request(sd, rq))
		by_target(sd, rq);
}

void sipd_core_request(struct sip_txn *st, struct sip_msg *m, void *arg)
{
	struct sipd *sd = arg;
	struct sipd_stx *x = sipd_net_claim(sd, st);
	struct sipd_req rq = { .m = m, .st = st };

	if (!x) {
		(void)sip_txn_reply_code(st, 500, NULL);
		return;
	}
	rq.src = &x->src;
	answer(sd, &rq);
}

/* §8.2.7: a stateless UAS gives a request the same To tag every time it
 * sees it; FNV-1a over the transaction's identifiers is enough for that
 * (the tag creates no dialog). */
static void stateless_tag(struct sip_msg *m, char *out, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	const struct sip_addr *from;
	const struct sip_cseq *cs;
	const struct sip_via *v;
	struct sip_pl callid;

	/* sip_msg_check() typed all of these already: cached lookups */
	if (sip_msg_via(m, &v) || sip_msg_from(m, &from) || sip_msg_cseq(m, &cs) ||
	    sip_msg_callid(m, &callid)) {
		snprintf(out, n, "0");
		return;
	}
	const struct sip_pl parts[] = { callid, from->tag, v->branch, v->raw };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		for (size_t j = 0; j < parts[i].len; j++)
			h = (h ^ (unsigned char)parts[i].p[j]) * 1099511628211ull;
	h = (h ^ cs->num) * 1099511628211ull;
	snprintf(out, n, "%016llx", (unsigned long long)h);
}

bool sipd_core_options_stateless(struct sipd *sd, struct sip_msg *m,
				 const struct sip_tp_peer *src)
{
	struct sipd_req rq = { .m = m, .src = src, .st = NULL };
	const struct sip_uri *u;
	char tag[24];

	/* anything unusual (malformed, stopping, Require, a To tag, not for
	 * us) takes the stateful path and its rules */
	if (m->mid != SIP_OPTIONS || sd->stopping || sip_msg_check(m) ||
	    sip_msg_ruri(m, &u) || !sipd_self_uri(&sd->self, &sd->cfg->server, u) ||
	    sip_msg_to_tagged(m) || sip_msg_hdr(m, SIP_HDR_REQUIRE) ||
	    sip_msg_hdr(m, SIP_HDR_PROXY_REQUIRE))
		return false;
	stateless_tag(m, tag, sizeof(tag));
	rq.totag = tag;
	reply_with(sd, &rq, 200, add_options, NULL);
	return true;
}

void sipd_core_stateless(struct sipd *sd, struct sip_msg *m,
			 const struct sip_tp_peer *src)
{
	struct sipd_req rq = { .m = m, .src = src, .st = NULL };
	const char *reason = NULL;
	uint16_t sc;
	int err = sip_msg_check(m);

	if (m->mid == SIP_ACK) {
		/* §17: no response is ever sent to an ACK */
		sd->stats.malformed++;
		return;
	}
	/* the transaction layer refused it, so something is wrong even when
	 * sip_msg_check() has nothing to say */
	sc = malformed(sd, &rq, err ? err : EBADMSG, &reason);
	if (sipd_reply(sd, &rq, sc, reason) == EBADMSG)
		sipd_log(&sd->log, SIPD_LOG_DEBUG, "no Via: not answered", NULL);
}
