/*
 * uas.c - the called side of a call (RFC 3261 §13.3): checks of a new
 * INVITE (420 with Unsupported §8.2.2.3, 422 below our Min-SE RFC 4028
 * §9, 488 for an SDP we cannot answer), 180 sent reliably with RSeq and
 * retransmitted until PRACK when the caller supports 100rel (RFC 3262 §3,
 * the 2xx waits for it), the 2xx retransmitted until the ACK (§13.3.1.4),
 * 487 after a CANCEL (§9.2), an offer in the 2xx when the INVITE had none
 * (answer in the ACK).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/ctype.h"
#include "sip/event.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/session.h"
#include "sip/tokens.h"
#include "sip/ua.h"
#include "sip/uri.h"

#include "call.h"
#include "sipua.h"

/* ---- UAS ---- */

static void ok_retransmit(void *arg)
{
	struct call *c = arg;
	uint64_t t1 = c->ua->o->t1 ? c->ua->o->t1 : SIP_TXN_T1;

	if (c->acked || !c->ist || !c->ok)
		return;
	if (c->ok_ivl >= 64 * t1) {
		/* §13.3.1.4: no ACK at all: the session ends */
		ua_event(c->ua, "NO ACK call=%u", c->id);
		call_hangup(c);
		return;
	}
	(void)sip_txn_reply(c->ist, c->ok);
	c->ok_ivl = c->ok_ivl * 2 > 4 * t1 ? 4 * t1 : c->ok_ivl * 2;
	ua_timer(c->ua, &c->t_ok, c->ok_ivl, ok_retransmit, c);
}

static void ist_event(struct sip_txn *t, struct sip_txn_event *ev, void *arg)
{
	struct call *c = arg;

	if (ev->kind != SIP_TXN_EV_TERMINATED || c->ist != t)
		return;
	c->ist = NULL;
	c->invite = NULL;
	sip_timer_cancel(&c->t_ok);
	sip_timer_cancel(&c->t_rel);
}

/* Send the 2xx @p o on server transaction @p st, retransmitted until ACK. */
void call_send_ok(struct call *c, struct sip_txn *st, struct sip_out *o)
{
	uint64_t t1 = c->ua->o->t1 ? c->ua->o->t1 : SIP_TXN_T1;

	sip_out_free(c->ok);
	c->ok = o;
	c->acked = false;
	if (c->ist != st) {
		c->ist = st;
		sip_txn_set_handler(st, ist_event, c);
	}
	(void)sip_txn_reply(st, o);
	if (sip_txn_dest_reliable(sip_txn_dest(st)))
		return;
	c->ok_ivl = t1;
	ua_timer(c->ua, &c->t_ok, t1, ok_retransmit, c);
}

static void rel_retransmit(void *arg)
{
	struct call *c = arg;
	uint64_t t1 = c->ua->o->t1 ? c->ua->o->t1 : SIP_TXN_T1;

	if (!c->rel || !c->ist)
		return;
	if (c->rel_sent >= 64 * t1) {
		/* RFC 3262 §3: no PRACK in 64*T1: 5xx and give up */
		ua_reply(c->ua, c->ist, 504, "No PRACK");
		call_end(c, "failed", 504);
		return;
	}
	(void)sip_txn_reply(c->ist, c->rel);
	c->rel_sent += c->rel_ivl;
	c->rel_ivl *= 2;
	ua_timer(c->ua, &c->t_rel, c->rel_ivl, rel_retransmit, c);
}

static void send_ringing(struct call *c)
{
	struct sip_out *o;
	uint64_t t1 = c->ua->o->t1 ? c->ua->o->t1 : SIP_TXN_T1;

	if (!c->ist || sip_out_reply(&o, c->invite, 180, NULL, c->ltag))
		return;
	ua_copy_rr(o, c->invite);
	ua_add_common(c->ua, o, true);
	if (!c->dlg)
		(void)sip_dialog_uas_alloc(&c->dlg, c->invite, 180, sip_pl_str(c->ltag),
					   sip_pl_str(c->ua->contact));
	if (c->rel100) {
		sip_out_addf(o, SIP_HDR_REQUIRE, "100rel");
		sip_out_addf(o, SIP_HDR_RSEQ, "%u", ++c->rseq);
		c->rel = o;
		c->rel_ivl = t1;
		c->rel_sent = 0;
		(void)sip_txn_reply(c->ist, o);
		if (!sip_txn_dest_reliable(sip_txn_dest(c->ist)))
			ua_timer(c->ua, &c->t_rel, t1, rel_retransmit, c);
		ua_event(c->ua, "RINGING reliable rseq=%u call=%u", c->rseq, c->id);
		return;
	}
	(void)sip_txn_reply(c->ist, o);
	sip_out_free(o);
	ua_event(c->ua, "RINGING call=%u", c->id);
}

void call_answer_now(struct call *c)
{
	struct ua *ua = c->ua;
	struct sip_out *o;
	struct sip_st_req rq;
	struct sip_st_result st = { 0 };
	struct sip_st_local lp = { ua->o->session_expires, ua->o->min_se };

	if (!c->ist || c->state != CALL_INCOMING)
		return;
	if (c->rel) {
		c->answer_pending = true;   /* RFC 3262 §3: after the PRACK */
		return;
	}
	if (ua->o->decline) {
		ua_reply(ua, c->ist, ua->o->decline, NULL);
		ua_event(ua, "DECLINED %u call=%u", ua->o->decline, c->id);
		call_end(c, "declined-local", ua->o->decline);
		return;
	}
	if (sip_out_reply(&o, c->invite, 200, NULL, c->ltag))
		return;
	ua_copy_rr(o, c->invite);
	ua_add_common(ua, o, true);
	if (!sip_st_read(c->invite, &rq))
		sip_st_uas(&rq, &lp, &st);
	call_st_headers(o, &st);
	if (st.active) {
		c->st_on = true;
		c->se = st.se;
		c->st_we_refresh = st.refresher == SIP_REFRESHER_UAS;
	}
	call_sdp_body(o, c->lsdp);
	if (c->dlg)
		(void)sip_dialog_confirm(c->dlg);
	else
		(void)sip_dialog_uas_alloc(&c->dlg, c->invite, 200, sip_pl_str(c->ltag),
					   sip_pl_str(ua->contact));
	call_send_ok(c, c->ist, o);
	if (c->rsdp)
		call_media_apply(c, false);
	call_answered(c);
}

static void on_ring_done(void *arg)
{
	call_answer_now(arg);
}

/* Option tags in @p m's Require that we do not support (§8.2.2.3). */
static bool unsupported(struct sip_msg *m, char *buf, size_t n)
{
	const struct sip_token *t;
	size_t len = 0;

	buf[0] = 0;
	if (sip_msg_tokens(m, SIP_HDR_REQUIRE, &t))
		return false;
	for (; t; t = t->next) {
		if (sip_pl_caseeqs(t->name, "100rel") || sip_pl_caseeqs(t->name, "timer"))
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%.*s", len ? ", " : "",
					(int)t->name.len, t->name.p);
		if (len >= n)
			break;
	}
	return buf[0] != 0;
}

/* An INVITE we cannot take at all (no media port, an offer we cannot
 * answer): answered, and the call forgotten: it is not one of the calls
 * `answer` takes, and prints no summary. */
static void refuse(struct call *c, uint16_t code, const char *reason)
{
	ua_event(c->ua, "REFUSED %u %s", code, reason ? reason : sip_reason_phrase(code));
	ua_reply(c->ua, c->ist, code, reason);
	c->refused = true;
	c->state = CALL_ENDED;
	c->result = "refused";
	c->code = code;
	media_close(&c->media);
}

void call_incoming(struct ua *ua, struct sip_txn *st, struct sip_msg *req)
{
	struct call *c;
	struct sip_st_req rq;
	struct sip_st_result sr;
	struct sip_st_local lp = { ua->o->session_expires, ua->o->min_se };
	const struct sip_addr *from;
	char unsup[128];
	struct sip_sdp *offer;

	unsigned taken = 0;

	for (struct call *x = ua->calls; x; x = x->next)
		taken += !x->uac && !x->refused;
	/* only `answer` takes calls, and only as many as --calls says */
	if (strcmp(ua->o->command, "answer") || ua->stopping ||
	    taken >= (ua->o->calls ? ua->o->calls : 1)) {
		ua_reply(ua, st, 486, NULL);
		return;
	}
	if (unsupported(req, unsup, sizeof(unsup))) {
		struct sip_out *o;

		if (!sip_out_reply(&o, req, 420, NULL, sip_txn_totag(st))) {
			sip_out_addf(o, SIP_HDR_UNSUPPORTED, "%s", unsup);
			(void)sip_txn_reply(st, o);
			sip_out_free(o);
		}
		return;
	}
	if (sip_st_read(req, &rq)) {
		ua_reply(ua, st, 400, "Bad Session-Expires or Min-SE");
		return;
	}
	sip_st_uas(&rq, &lp, &sr);
	if (sr.scode == 422) {
		struct sip_out *o;

		if (!sip_out_reply(&o, req, 422, NULL, sip_txn_totag(st))) {
			sip_out_addf(o, SIP_HDR_MIN_SE, "%u", sr.min_se);
			(void)sip_txn_reply(st, o);
			sip_out_free(o);
		}
		ua_event(ua, "REJECT 422 min_se=%u", sr.min_se);
		return;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		ua_reply(ua, st, 500, NULL);
		return;
	}
	c->ua = ua;
	c->id = ++ua->ncalls;
	c->state = CALL_INCOMING;
	c->ldir = SIP_SDP_SENDRECV;
	c->t_begin = ua_now(ua);
	c->next = ua->calls;
	ua->calls = c;
	c->ist = st;
	c->invite = req;
	sip_txn_set_handler(st, ist_event, c);
	snprintf(c->ltag, sizeof(c->ltag), "%s", sip_txn_totag(st));
	c->rel100 = ua->o->rel100 && (sip_msg_has_token(req, SIP_HDR_SUPPORTED, "100rel") ||
				      sip_msg_has_token(req, SIP_HDR_REQUIRE, "100rel"));
	if (media_open(&c->media, ua)) {
		refuse(c, 500, "No media port");
		return;
	}
	c->media.digit_h = call_on_digit;
	c->media.digit_arg = c;
	offer = call_sdp_of(req);
	if (req->body.len && !offer) {
		refuse(c, 488, "Bad SDP offer");
		return;
	}
	if (offer) {
		call_sdp_remote(c, offer);
		if (call_sdp_make(c, offer, &c->lsdp) || !sip_sdp_nactive(c->lsdp)) {
			refuse(c, 488, NULL);
			return;
		}
	} else if (call_sdp_make(c, NULL, &c->lsdp)) {
		refuse(c, 500, NULL);
		return;
	} else {
		c->offer_in_ack = true;
	}
	(void)sip_msg_from(req, &from);
	ua_event(ua, "INCOMING from %.*s call=%u%s", from ? (int)from->uri_raw.len : 0,
		 from ? from->uri_raw.p : "", c->id, c->rel100 ? " 100rel" : "");
	if (ua->o->ring > 0 || c->rel100) {
		send_ringing(c);
		ua_timer(ua, &c->t_ring, (uint64_t)(ua->o->ring * 1000), on_ring_done, c);
	} else {
		call_answer_now(c);
	}
}

void call_cancelled(struct call *c)
{
	if (c->state != CALL_INCOMING || !c->ist)
		return;
	ua_reply(c->ua, c->ist, 487, NULL);
	ua_event(c->ua, "CANCELLED by peer call=%u", c->id);
	sip_out_free(c->rel);
	c->rel = NULL;
	call_end(c, "cancelled", 487);
}

void call_ack(struct call *c, struct sip_msg *ack)
{
	struct sip_sdp *s;

	if (!c->acked)
		ua_event(c->ua, "ACK received call=%u", c->id);
	c->acked = true;
	sip_timer_cancel(&c->t_ok);
	if (c->offer_in_ack && (s = call_sdp_of(ack))) {
		c->offer_in_ack = false;
		call_sdp_remote(c, s);
		call_media_apply(c, true);
	}
}
