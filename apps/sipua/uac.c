/*
 * uac.c - the calling side of a call (RFC 3261 §13.2): the INVITE with an
 * SDP offer, early dialogs from 1xx with a To tag (§12.1.2), PRACK for
 * reliable provisionals (RFC 3262 §4, retransmissions ignored by RSeq),
 * the 2xx and its ACK, a retry with a larger Session-Expires after 422
 * (RFC 4028 §7.4), the end on a failure response, and as transferee the
 * NOTIFYs reporting this call's progress to the REFER's dialog (RFC
 * 3515 §2.4.5).
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

/* ---- UAC: the INVITE ---- */

static int build_invite(struct ua_creq *cr, struct sip_out **op, void *arg)
{
	struct call *c = arg;
	struct ua *ua = c->ua;
	struct ua_opts *o = ua->o;
	struct sip_out *out;
	int err;

	if ((err = sip_out_request(&out, SIP_PL("INVITE"), sip_pl_str(c->target))))
		return err;
	snprintf(cr->ruri, sizeof(cr->ruri), "%s", c->target);
	c->inv_cseq++;
	err = sip_out_addf(out, SIP_HDR_MAX_FORWARDS, "70");
	if (!err)
		err = sip_out_addf(out, SIP_HDR_FROM, "%s%s%s<%s>;tag=%s",
				   o->display ? "\"" : "", o->display ? o->display : "",
				   o->display ? "\" " : "", ua->aor, c->ltag);
	if (!err)
		err = sip_out_addf(out, SIP_HDR_TO, "<%s>", c->target);
	if (!err)
		err = sip_out_addf(out, SIP_HDR_CALL_ID, "%s", c->callid);
	if (!err)
		err = sip_out_addf(out, SIP_HDR_CSEQ, "%u INVITE", c->inv_cseq);
	if (!err)
		err = ua_add_common(ua, out, true);
	if (!err && o->rel100 == 2)
		err = sip_out_addf(out, SIP_HDR_REQUIRE, "100rel");
	if (!err && c->se)
		err = sip_out_addf(out, SIP_HDR_SESSION_EXPIRES, "%u", c->se);
	if (!err && c->se)
		err = sip_out_addf(out, SIP_HDR_MIN_SE, "%u", o->min_se);
	if (!err && c->xfer_of)
		err = sip_out_addf(out, SIP_HDR_REFERRED_BY, "<%s>", c->xfer_of->dlg->ruri);
	if (!err)
		err = call_sdp_body(out, c->lsdp);
	if (err) {
		sip_out_free(out);
		return err;
	}
	*op = out;
	return 0;
}

void call_notify_xfer(struct call *c, uint16_t code)
{
	struct call *p = c->xfer_of;
	struct sip_buf b;
	char extra[128];

	if (!p || !p->refer_sub || p->state == CALL_ENDED)
		return;
	if (code >= 200)
		p->refer_sub = false;
	snprintf(extra, sizeof(extra), "Event: refer\nSubscription-State: %s",
		 code >= 200 ? "terminated;reason=noresource" : "active;expires=60");
	sip_buf_init(&b);
	sip_sipfrag_print(&b, code, NULL);
	if (!sip_buf_err(&b))
		call_dreq(p, SIP_NOTIFY, "message/sipfrag;version=2.0", b.p, extra);
	sip_buf_reset(&b);
}

static void send_prack(struct call *c, struct sip_msg *m)
{
	uint32_t rseq;
	char extra[128];

	if (sip_msg_rseq(m, &rseq) || !sip_msg_has_token(m, SIP_HDR_REQUIRE, "100rel"))
		return;
	if (rseq <= c->rseq)
		return;      /* a retransmission: PRACKed already (RFC 3262 §4) */
	c->rseq = rseq;
	snprintf(extra, sizeof(extra), "RAck: %u %u INVITE", rseq, c->inv_cseq);
	ua_event(c->ua, "PRACK rseq=%u call=%u", rseq, c->id);
	call_dreq(c, SIP_PRACK, NULL, NULL, extra);
}

static void uac_dialog(struct call *c, struct sip_msg *m)
{
	const struct sip_addr *to;

	if (sip_msg_to(m, &to) || !sip_pl_isset(&to->tag))
		return;
	if (c->dlg && sip_pl_eqs(to->tag, c->dlg->rtag)) {
		(void)sip_dialog_uac_update(c->dlg, m);
		return;
	}
	if (c->dlg && c->dlg->state == SIP_DIALOG_CONFIRMED)
		return;      /* a second fork answering: not followed */
	sip_mem_deref(c->dlg);
	c->dlg = NULL;
	if (c->inv->t && sip_txn_msg(c->inv->t))
		(void)sip_dialog_uac_alloc(&c->dlg, sip_txn_msg(c->inv->t), m);
}

static void invite_2xx(struct call *c, struct sip_msg *m)
{
	uac_dialog(c, m);
	if (!c->dlg)
		return;
	if (c->state == CALL_ACTIVE || c->state == CALL_ENDED ||
	    (c->state == CALL_ENDING && c->t_answer)) {
		call_send_ack(c);   /* a retransmitted 2xx (§13.2.2.4) */
		return;
	}
	if (c->dlg->state == SIP_DIALOG_EARLY)
		(void)sip_dialog_confirm(c->dlg);
	call_send_ack(c);
	(void)call_take_answer(c, m);
	call_notify_xfer(c, m->scode);
	if (c->state == CALL_ENDING) {
		/* hung up while it rang: the answer crossed our CANCEL */
		c->state = CALL_ACTIVE;
		c->t_answer = ua_now(c->ua);
		c->result = "cancelled";
		c->code = m->scode;
		call_hangup(c);
		return;
	}
	call_answered(c);
}

/* An SDP answer in a provisional (183 Session Progress, or any reliable
 * 1xx, RFC 3262 §5): early media, played and recorded before the answer.
 * The 2xx carries the same answer (RFC 3264 §4: one answer per offer). */
static void early_media(struct call *c, struct sip_msg *m)
{
	struct sip_sdp *s;

	if (c->rsdp || !(s = call_sdp_of(m)))
		return;
	call_sdp_remote(c, s);
	ua_event(c->ua, "EARLY MEDIA %u call=%u", m->scode, c->id);
	call_media_apply(c, true);
}

static void invite_resp(struct ua_creq *cr, struct sip_msg *m, int err, void *arg)
{
	struct call *c = arg;
	uint32_t se;

	if (!m) {
		if (c->state != CALL_ACTIVE)
			call_end(c, err == ETIMEDOUT ? "timeout" : "network",
				 err == ETIMEDOUT ? 408 : 503);
		return;
	}
	if (m->scode < 200) {
		if (m->scode == 100 || c->state == CALL_ACTIVE)
			return;
		uac_dialog(c, m);
		if (c->state == CALL_CALLING)
			c->state = CALL_EARLY;
		ua_event(c->ua, "PROGRESS %u call=%u", m->scode, c->id);
		early_media(c, m);
		call_notify_xfer(c, m->scode);
		if (c->dlg)
			send_prack(c, m);
		if (c->hangup_pending) {
			c->hangup_pending = false;
			call_hangup(c);
		}
		return;
	}
	if (m->scode < 300) {
		invite_2xx(c, m);
		return;
	}
	if (m->scode == 422 && c->se && !sip_st_retry(m, c->se, &se) && se > c->se) {
		/* RFC 4028 §7.4: again with the Min-SE the UAS asked for */
		ua_event(c->ua, "RETRY 422 se=%u call=%u", se, c->id);
		c->se = se;
		if (!ua_creq_resend(cr))
			return;
	}
	call_notify_xfer(c, m->scode);
	if (c->state == CALL_ENDING && m->scode == 487)
		call_end(c, "cancelled", 487);
	else
		call_end(c, ua_result_for(m->scode), m->scode);
}

int call_start(struct ua *ua, const char *uri, struct call *xfer_of, struct call **cp)
{
	struct call *c = calloc(1, sizeof(*c));
	struct sip_txn_dest d;
	int err;

	if (!c)
		return ENOMEM;
	c->ua = ua;
	c->id = ++ua->ncalls;
	c->uac = true;
	c->state = CALL_CALLING;
	c->ldir = SIP_SDP_SENDRECV;
	c->xfer_of = xfer_of;
	c->se = ua->o->session_expires;
	c->t_begin = ua_now(ua);
	c->next = ua->calls;
	ua->calls = c;
	snprintf(c->target, sizeof(c->target), "%s", uri);
	ua_callid(ua, c->callid, sizeof(c->callid));
	ua_tag(ua, c->ltag, sizeof(c->ltag));
	c->media.digit_h = call_on_digit;
	c->media.digit_arg = c;
	if ((err = media_open(&c->media, ua)) ||
	    (err = call_sdp_make(c, NULL, &c->lsdp)) ||
	    (err = ua_dest(ua, uri, true, &d)) ||
	    (err = ua_request(ua, SIP_INVITE, &d, build_invite, invite_resp, c, &c->inv))) {
		ua_event(ua, "ERROR cannot call %s: %s", uri, strerror(err));
		c->media.digit_h = NULL;
		call_end(c, "failed", 0);
		return err;
	}
	c->media.digit_h = call_on_digit;
	c->media.digit_arg = c;
	ua_event(ua, "CALLING %s call=%u", uri, c->id);
	if (ua->o->hangup_after > 0)
		ua_timer(ua, &c->t_hang, (uint64_t)(ua->o->hangup_after * 1000),
			 call_on_hangup_timer, c);
	if (cp)
		*cp = c;
	return 0;
}
