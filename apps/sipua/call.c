/*
 * call.c - one INVITE session and its dialog, on either side.
 *
 * UAC (RFC 3261 §13.2, §17.1): INVITE with an SDP offer, early dialogs
 * from 1xx with a To tag (§12.1.2), PRACK for reliable provisionals
 * (RFC 3262 §4), ACK for the 2xx (§13.2.2.4), CANCEL before the answer
 * (§9.1), a retry with a larger Session-Expires after 422 (RFC 4028 §7.4).
 * UAS (§13.3): 180 (reliable with RSeq when the caller supports 100rel,
 * RFC 3262 §3, retransmitted until PRACK), the 2xx retransmitted until
 * the ACK (§13.3.1.4), 487 after CANCEL (§9.2), 422 below our Min-SE.
 * Both: BYE (§15), re-INVITE and UPDATE (RFC 3311) for hold/resume
 * (RFC 3264 §8.4) and session refresh (RFC 4028 §10), INFO (RFC 6086, with
 * application/dtmf-relay), REFER with its implicit subscription and
 * message/sipfrag NOTIFYs (RFC 3515) as transferor and transferee.
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

#include "sipua.h"

static void call_end(struct call *c, const char *result, uint16_t code);
static void answer_now(struct call *c);
static void dreq(struct call *c, enum sip_method m, const char *ctype,
		 const char *body, const char *extra);
static void st_arm(struct call *c);

/* ---- SDP ---- */

static int make_sdp(struct call *c, const struct sip_sdp *offer, struct sip_sdp **out)
{
	struct ua *ua = c->ua;
	struct sip_sdp_codec codecs[] = {
		{ "PCMU", 8000, 1, NULL }, { "PCMA", 8000, 1, NULL },
	};
	char ip[64];
	size_t n = strlen(ua->lhost);

	if (ua->o->pcma) {
		codecs[0].name = "PCMA";
		codecs[1].name = "PCMU";
	}
	if (ua->lhost[0] == '[')
		snprintf(ip, sizeof(ip), "%.*s", (int)(n - 2), ua->lhost + 1);
	else
		snprintf(ip, sizeof(ip), "%s", ua->lhost);
	struct sip_sdp_stream_caps sc = {
		.type = "audio", .port = c->media.port, .codecs = codecs,
		.ncodecs = 2, .dtmf = true, .dir = c->ldir, .ptime = 20,
	};
	struct sip_sdp_caps caps = {
		.user = "sipua", .sess_id = c->id + 1000,
		.sess_version = c->lsdp ? c->lsdp->origin.version + 1 : 1,
		.addr = ip, .name = "sipua", .streams = &sc, .nstreams = 1,
	};

	if (offer)
		return sip_sdp_answer(out, offer, &caps);
	return sip_sdp_offer(out, &caps);
}

static int sdp_text(const struct sip_sdp *s, struct sip_buf *b)
{
	sip_buf_init(b);
	return sip_sdp_encode(b, s);
}

static int set_sdp_body(struct sip_out *o, const struct sip_sdp *s)
{
	struct sip_buf b;
	int err = sdp_text(s, &b);

	if (!err)
		err = sip_out_body(o, "application/sdp", sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

/* The SDP body of @p m, or NULL (no body, not SDP, malformed). */
static struct sip_sdp *body_sdp(struct sip_msg *m)
{
	const struct sip_ctype *ct;
	struct sip_sdp *s = NULL;

	if (!m->body.len || sip_msg_ctype(m, &ct) || !sip_ctype_is(ct, "application", "sdp"))
		return NULL;
	if (sip_sdp_decode(&s, m->body, NULL, NULL))
		return NULL;
	return s;
}

static void set_local(struct call *c, struct sip_sdp *s)
{
	sip_mem_deref(c->lsdp);
	c->lsdp = s;
}

static void set_remote(struct call *c, struct sip_sdp *s)
{
	sip_mem_deref(c->rsdp);
	c->rsdp = s;
}

static void apply_media(struct call *c, bool local_is_offer)
{
	bool held = c->rsdp && sip_sdp_held(c->rsdp);
	int err = media_apply(&c->media, c->lsdp, c->rsdp, local_is_offer);

	if (err)
		ua_event(c->ua, "ERROR media: %s", strerror(err));
	if (!local_is_offer && held != c->hold_rx) {
		c->hold_rx = held;
		ua_event(c->ua, "%s call=%u", held ? "HELD" : "RESUMED", c->id);
	}
}

/* ---- the summary ---- */

const char *ua_result_for(uint16_t code)
{
	switch (code) {
	case 486:
	case 600:
		return "busy";
	case 404:
	case 604:
	case 480:
		return "notfound";
	case 408:
		return "timeout";
	case 401:
	case 407:
	case 403:
		return "authfailed";
	case 487:
		return "cancelled";
	case 603:
		return "declined";
	default:
		return code >= 200 && code < 300 ? "ok" : "failed";
	}
}

int ua_exit_for(uint16_t code)
{
	switch (code) {
	case 486:
	case 600:
		return UA_EXIT_BUSY;
	case 404:
	case 604:
	case 480:
		return UA_EXIT_NOTFOUND;
	case 408:
		return UA_EXIT_TIMEOUT;
	case 401:
	case 407:
	case 403:
		return UA_EXIT_AUTH;
	case 487:
		return UA_EXIT_CANCELLED;
	default:
		return code >= 200 && code < 300 ? UA_EXIT_OK : UA_EXIT_DECLINED;
	}
}

int call_exit_code(const struct call *c)
{
	const char *r = c->result ? c->result : "failed";

	if (!strcmp(r, "answered") || !strcmp(r, "transferred") ||
	    !strcmp(r, "expired") || !strcmp(r, "declined-local"))
		return UA_EXIT_OK;
	if (!strcmp(r, "timeout"))
		return UA_EXIT_TIMEOUT;
	if (!strcmp(r, "network"))
		return UA_EXIT_NETWORK;
	if (!strcmp(r, "cancelled"))
		return UA_EXIT_CANCELLED;
	if (!strcmp(r, "authfailed"))
		return UA_EXIT_AUTH;
	return ua_exit_for(c->code);
}

void call_summary(struct call *c, FILE *f)
{
	double dur = c->t_answer ? (double)(c->t_end - c->t_answer) / 1000.0 : 0.0;

	fprintf(f, "SIPUA result=%s code=%u duration=%.2f dtmf_rx=%s rtp_rx=%llu "
		"rtp_tx=%llu call=%u side=%s\n", c->result ? c->result : "failed",
		c->code, dur, c->dtmf_rx[0] ? c->dtmf_rx : "-",
		(unsigned long long)c->media.rtp_rx,
		(unsigned long long)c->media.rtp_tx, c->id, c->uac ? "uac" : "uas");
	fflush(f);
}

/* ---- timers of the script ---- */

static void on_hangup_timer(void *arg)
{
	call_hangup(arg);
}

static void on_done_poll(void *arg)
{
	struct call *c = arg;

	if (c->state != CALL_ACTIVE)
		return;
	if (media_idle(&c->media))
		ua_timer(c->ua, &c->t_dur, 300, on_hangup_timer, c);
	else
		ua_timer(c->ua, &c->t_done, 100, on_done_poll, c);
}

static void on_digit(void *arg, char d)
{
	struct call *c = arg;
	size_t n = strlen(c->dtmf_rx);

	if (n + 1 < sizeof(c->dtmf_rx)) {
		c->dtmf_rx[n] = d;
		c->dtmf_rx[n + 1] = 0;
	}
	ua_event(c->ua, "DTMF %c call=%u", d, c->id);
}

static void on_dtmf_start(void *arg)
{
	struct call *c = arg;

	call_dtmf(c, c->ua->o->dtmf);
}

/* The call is up: the script's timers start. */
static void answered(struct call *c)
{
	struct ua_opts *o = c->ua->o;

	c->state = CALL_ACTIVE;
	c->t_answer = ua_now(c->ua);
	c->result = "answered";
	c->code = 200;
	ua_event(c->ua, "ANSWERED call=%u", c->id);
	if (o->duration > 0)
		ua_timer(c->ua, &c->t_dur, (uint64_t)(o->duration * 1000), on_hangup_timer, c);
	else if (o->play && !(o->hangup_after > 0))
		ua_timer(c->ua, &c->t_done, 200, on_done_poll, c);
	if (o->dtmf && c->uac == (strcmp(o->command, "call") == 0))
		ua_timer(c->ua, &c->t_ring, (uint64_t)(o->dtmf_delay * 1000), on_dtmf_start, c);
	st_arm(c);
}

/* ---- in-dialog requests ---- */

struct dreq_arg {
	struct call *c;
	enum sip_method m;
	char ctype[64];
	char *body;
	char extra[512];
};

static int dest_of(struct call *c, struct sip_txn_dest *d)
{
	const char *uri = c->dlg->nroutes ? c->dlg->routes[0].uri : c->dlg->rtarget;

	return ua_dest(c->ua, uri, false, d);
}

static int add_extra(struct sip_out *o, const char *extra)
{
	char line[512];
	const char *p = extra;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *colon;

		if (n >= sizeof(line))
			return EINVAL;
		memcpy(line, p, n);
		line[n] = 0;
		colon = strchr(line, ':');
		if (colon) {
			*colon = 0;
			struct sip_pl name = sip_pl_str(line);
			struct sip_pl val = sip_pl_trim(sip_pl_str(colon + 1));
			enum sip_hdr_id id = sip_hdr_lookup(name);
			int err = sip_out_add(o, id, id == SIP_HDR_OTHER ? line : NULL, val);

			if (err)
				return err;
		}
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

static int build_dreq(struct ua_creq *cr, struct sip_out **op, void *arg)
{
	struct dreq_arg *a = arg;
	struct call *c = a->c;
	struct sip_out *o;
	int err;

	if ((err = sip_dialog_request(&o, c->dlg, a->m)))
		return err;
	snprintf(cr->ruri, sizeof(cr->ruri), "%s", c->dlg->rtarget);
	err = ua_add_common(c->ua, o, false);
	if (!err)
		err = add_extra(o, a->extra);
	if (!err && a->body)
		err = sip_out_body(o, a->ctype, sip_pl_str(a->body));
	if (err) {
		sip_out_free(o);
		return err;
	}
	if (a->m == SIP_INVITE)
		c->inv_cseq = c->dlg->lcseq;
	*op = o;
	return 0;
}

static void send_ack(struct call *c)
{
	struct sip_out *o;
	struct sip_txn_dest d;
	char branch[SIP_TXN_BRANCH_SIZE], via[256];
	struct sip_buf b;

	if (sip_dialog_request(&o, c->dlg, SIP_ACK))
		return;
	if (c->lsdp && c->offer_in_ack)
		set_sdp_body(o, c->lsdp);
	sip_txn_branch_new(c->ua->txn, branch, sizeof(branch));
	if (dest_of(c, &d)) {
		sip_out_free(o);
		return;
	}
	snprintf(via, sizeof(via), "SIP/2.0/%s %s:%u;branch=%s;rport",
		 d.transport == SIP_TXN_TCP ? "TCP" : "UDP", c->ua->lhost,
		 c->ua->lport, branch);
	sip_out_via_push(o, sip_pl_str(via));
	sip_buf_init(&b);
	if (!sip_out_print(o, &b))
		(void)sip_txn_stack_send(c->ua->txn, &d, b.p, b.len);
	sip_buf_reset(&b);
	sip_out_free(o);
}

static void dreq_resp(struct ua_creq *cr, struct sip_msg *m, int err, void *arg)
{
	struct dreq_arg *a = arg;
	struct call *c = a->c;
	struct sip_sdp *s;
	struct sip_st_result st;

	if (!m) {
		ua_event(c->ua, "%s failed: %s call=%u", sip_method_name(a->m),
			 strerror(err), c->id);
		if (a->m == SIP_BYE)
			call_end(c, c->result, c->code);
		return;
	}
	if (m->scode < 200)
		return;
	(void)sip_dialog_recv_response(c->dlg, m);
	ua_event(c->ua, "RESPONSE %u %s call=%u", m->scode, sip_method_name(a->m), c->id);
	if (a->m == SIP_BYE) {
		call_end(c, c->result, c->code);
		return;
	}
	if (m->scode == 481 || m->scode == 408) {
		call_end(c, c->result, c->code);
		return;
	}
	if (m->scode >= 300) {
		if (a->m == SIP_REFER)
			ua_event(c->ua, "TRANSFER failed code=%u call=%u", m->scode, c->id);
		return;
	}
	switch (a->m) {
	case SIP_INVITE:
		send_ack(c);
		/* fall through */
	case SIP_UPDATE:
		if ((s = body_sdp(m))) {
			set_remote(c, s);
			apply_media(c, true);
		}
		if (!sip_st_uac(m, &st) && st.active) {
			c->st_on = true;
			c->se = st.se;
			c->st_we_refresh = st.refresher == SIP_REFRESHER_UAC;
			st_arm(c);
		}
		break;
	case SIP_REFER:
		c->transferring = true;
		ua_event(c->ua, "TRANSFER accepted code=%u call=%u", m->scode, c->id);
		break;
	default:
		break;
	}
}

static void dreq(struct call *c, enum sip_method m, const char *ctype,
		 const char *body, const char *extra)
{
	size_t blen = body ? strlen(body) + 1 : 0;
	struct dreq_arg *a = calloc(1, sizeof(*a) + blen);
	struct sip_txn_dest d;
	struct ua_creq *cr = NULL;

	if (!a)
		return;
	/* the body lives in the same block, freed with the request */
	if (body)
		a->body = memcpy((char *)(a + 1), body, blen);
	a->c = c;
	a->m = m;
	snprintf(a->ctype, sizeof(a->ctype), "%s", ctype ? ctype : "");
	snprintf(a->extra, sizeof(a->extra), "%s", extra ? extra : "");
	if (dest_of(c, &d) || ua_request(c->ua, m, &d, build_dreq, dreq_resp, a, &cr)) {
		ua_event(c->ua, "ERROR cannot send %s call=%u", sip_method_name(m), c->id);
		free(a);
		return;
	}
	/* the request owns the builder's data; the body goes with it */
	cr->own = a;
	cr->body = (struct sip_pl){ 0 };
}

/* ---- session timers (RFC 4028 §10) ---- */

static void st_fire(void *arg);

static void st_arm(struct call *c)
{
	if (!c->st_on || c->state != CALL_ACTIVE)
		return;
	ua_timer(c->ua, &c->t_st, c->st_we_refresh ? sip_st_refresh_ms(c->se) :
		 sip_st_expire_ms(c->se), st_fire, c);
}

static void st_refresh(struct call *c)
{
	char extra[128];
	struct sip_buf b;

	snprintf(extra, sizeof(extra), "Session-Expires: %u;refresher=uac\nMin-SE: %u",
		 c->se, c->ua->o->min_se);
	ua_event(c->ua, "REFRESH %s se=%u call=%u", c->ua->o->refresh_update ?
		 "UPDATE" : "INVITE", c->se, c->id);
	if (c->ua->o->refresh_update) {
		dreq(c, SIP_UPDATE, NULL, NULL, extra);
		return;
	}
	if (sdp_text(c->lsdp, &b)) {
		sip_buf_reset(&b);
		return;
	}
	dreq(c, SIP_INVITE, "application/sdp", b.p, extra);
	sip_buf_reset(&b);
}

static void st_fire(void *arg)
{
	struct call *c = arg;

	if (c->state != CALL_ACTIVE)
		return;
	if (c->st_we_refresh) {
		st_refresh(c);
		/* until the answer re-arms it, expect the worst */
		ua_timer(c->ua, &c->t_st, sip_st_expire_ms(c->se) - sip_st_refresh_ms(c->se),
			 st_fire, c);
		c->st_we_refresh = false;
		return;
	}
	ua_event(c->ua, "SESSION EXPIRED call=%u", c->id);
	c->result = "expired";
	call_hangup(c);
}

/* Session-Expires / Require for a 2xx to a refresh request, from @p st. */
static void st_headers(struct sip_out *o, const struct sip_st_result *st)
{
	if (!st->active)
		return;
	sip_out_addf(o, SIP_HDR_SESSION_EXPIRES, "%u;refresher=%s", st->se,
		     st->refresher == SIP_REFRESHER_UAC ? "uac" : "uas");
	if (st->require)
		sip_out_addf(o, SIP_HDR_REQUIRE, "timer");
}

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
		err = set_sdp_body(out, c->lsdp);
	if (err) {
		sip_out_free(out);
		return err;
	}
	*op = out;
	return 0;
}

static void notify_xfer(struct call *c, uint16_t code)
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
		dreq(p, SIP_NOTIFY, "message/sipfrag;version=2.0", b.p, extra);
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
	dreq(c, SIP_PRACK, NULL, NULL, extra);
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
	struct sip_st_result st;
	struct sip_sdp *s;

	uac_dialog(c, m);
	if (!c->dlg)
		return;
	if (c->state == CALL_ACTIVE || c->state == CALL_ENDED ||
	    (c->state == CALL_ENDING && c->t_answer)) {
		send_ack(c);   /* a retransmitted 2xx (§13.2.2.4) */
		return;
	}
	if (c->dlg->state == SIP_DIALOG_EARLY)
		(void)sip_dialog_confirm(c->dlg);
	send_ack(c);
	if ((s = body_sdp(m))) {
		set_remote(c, s);
		apply_media(c, true);
	}
	if (!sip_st_uac(m, &st) && st.active) {
		c->st_on = true;
		c->se = st.se;
		c->st_we_refresh = st.refresher == SIP_REFRESHER_UAC;
	}
	notify_xfer(c, m->scode);
	if (c->state == CALL_ENDING) {
		/* hung up while it rang: the answer crossed our CANCEL */
		c->state = CALL_ACTIVE;
		c->t_answer = ua_now(c->ua);
		c->result = "cancelled";
		c->code = m->scode;
		call_hangup(c);
		return;
	}
	answered(c);
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
		notify_xfer(c, m->scode);
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
	notify_xfer(c, m->scode);
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
	c->media.digit_h = on_digit;
	c->media.digit_arg = c;
	if ((err = media_open(&c->media, ua)) ||
	    (err = make_sdp(c, NULL, &c->lsdp)) ||
	    (err = ua_dest(ua, uri, true, &d)) ||
	    (err = ua_request(ua, SIP_INVITE, &d, build_invite, invite_resp, c, &c->inv))) {
		ua_event(ua, "ERROR cannot call %s: %s", uri, strerror(err));
		c->media.digit_h = NULL;
		call_end(c, "failed", 0);
		return err;
	}
	c->media.digit_h = on_digit;
	c->media.digit_arg = c;
	ua_event(ua, "CALLING %s call=%u", uri, c->id);
	if (ua->o->hangup_after > 0)
		ua_timer(ua, &c->t_hang, (uint64_t)(ua->o->hangup_after * 1000),
			 on_hangup_timer, c);
	if (cp)
		*cp = c;
	return 0;
}

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
static void send_ok(struct call *c, struct sip_txn *st, struct sip_out *o)
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

static void answer_now(struct call *c)
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
	ua_add_common(ua, o, true);
	if (!sip_st_read(c->invite, &rq))
		sip_st_uas(&rq, &lp, &st);
	st_headers(o, &st);
	if (st.active) {
		c->st_on = true;
		c->se = st.se;
		c->st_we_refresh = st.refresher == SIP_REFRESHER_UAS;
	}
	set_sdp_body(o, c->lsdp);
	if (c->dlg)
		(void)sip_dialog_confirm(c->dlg);
	else
		(void)sip_dialog_uas_alloc(&c->dlg, c->invite, 200, sip_pl_str(c->ltag),
					   sip_pl_str(ua->contact));
	send_ok(c, c->ist, o);
	if (c->rsdp)
		apply_media(c, false);
	answered(c);
}

static void on_ring_done(void *arg)
{
	answer_now(arg);
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
		if (sip_pl_caseeqs(t->name, "100rel") || sip_pl_caseeqs(t->name, "timer") ||
		    sip_pl_caseeqs(t->name, "replaces"))
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%.*s", len ? ", " : "",
					(int)t->name.len, t->name.p);
		if (len >= n)
			break;
	}
	return buf[0] != 0;
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
		taken += !x->uac;
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
		ua_reply(ua, st, 500, "No media port");
		call_end(c, "failed", 500);
		return;
	}
	c->media.digit_h = on_digit;
	c->media.digit_arg = c;
	offer = body_sdp(req);
	if (req->body.len && !offer) {
		ua_reply(ua, st, 488, "Bad SDP offer");
		call_end(c, "failed", 488);
		return;
	}
	if (offer) {
		set_remote(c, offer);
		if (make_sdp(c, offer, &c->lsdp) || !sip_sdp_nactive(c->lsdp)) {
			ua_reply(ua, st, 488, NULL);
			call_end(c, "failed", 488);
			return;
		}
	} else if (make_sdp(c, NULL, &c->lsdp)) {
		ua_reply(ua, st, 500, NULL);
		call_end(c, "failed", 500);
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
		answer_now(c);
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
	if (c->offer_in_ack && (s = body_sdp(ack))) {
		c->offer_in_ack = false;
		set_remote(c, s);
		apply_media(c, true);
	}
}

/* ---- requests within the dialog ---- */

static void on_prack(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	const struct sip_rack *ra;
	const struct sip_cseq *cs;

	if (sip_msg_rack(req, &ra) || !c->rel || !c->invite ||
	    sip_msg_cseq(c->invite, &cs) || ra->rseq != c->rseq || ra->cseq != cs->num) {
		ua_reply(c->ua, st, 481, "No matching reliable provisional");
		return;
	}
	ua_reply(c->ua, st, 200, NULL);
	ua_event(c->ua, "PRACK received rseq=%u call=%u", ra->rseq, c->id);
	sip_timer_cancel(&c->t_rel);
	sip_out_free(c->rel);
	c->rel = NULL;
	if (c->answer_pending) {
		c->answer_pending = false;
		answer_now(c);
	}
}

/* re-INVITE or UPDATE: offer/answer and session refresh as the UAS. */
static void on_modify(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	struct sip_st_req rq = { 0 };
	struct sip_st_result sr = { 0 };
	struct sip_st_local lp = { c->st_on ? c->se : c->ua->o->session_expires,
				   c->ua->o->min_se };
	struct sip_sdp *offer = body_sdp(req), *ans = NULL;
	struct sip_out *o;

	if (!sip_st_read(req, &rq)) {
		sip_st_uas(&rq, &lp, &sr);
		if (sr.scode == 422) {
			if (!sip_out_reply(&o, req, 422, NULL, NULL)) {
				sip_out_addf(o, SIP_HDR_MIN_SE, "%u", sr.min_se);
				(void)sip_txn_reply(st, o);
				sip_out_free(o);
			}
			sip_mem_deref(offer);
			return;
		}
	}
	if (offer) {
		/* answer the same direction policy we hold */
		if (make_sdp(c, offer, &ans)) {
			sip_mem_deref(offer);
			ua_reply(c->ua, st, 488, NULL);
			return;
		}
		set_remote(c, offer);
		set_local(c, ans);
	}
	if (sip_out_reply(&o, req, 200, NULL, NULL))
		return;
	ua_add_common(c->ua, o, true);
	st_headers(o, &sr);
	if (offer || req->mid == SIP_INVITE)
		set_sdp_body(o, c->lsdp);
	if (req->mid == SIP_INVITE)
		send_ok(c, st, o);
	else {
		(void)sip_txn_reply(st, o);
		sip_out_free(o);
	}
	ua_event(c->ua, "%s received%s call=%u", sip_method_name(req->mid), rq.has_se ? " refresh" : "", c->id);
	if (offer && c->state == CALL_ACTIVE)
		apply_media(c, false);
	if (sr.active && c->state == CALL_ACTIVE) {
		c->st_on = true;
		c->se = sr.se;
		c->st_we_refresh = sr.refresher == SIP_REFRESHER_UAS;
		st_arm(c);
	}
}

static void on_info(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	const struct sip_ctype *ct = NULL;
	char d;
	uint32_t dur;

	(void)sip_msg_ctype(req, &ct);
	if (ct && sip_ctype_is(ct, "application", "dtmf-relay")) {
		if (sip_dtmf_relay_decode(req->body, &d, &dur)) {
			ua_reply(c->ua, st, 400, "Bad dtmf-relay body");
			return;
		}
		ua_reply(c->ua, st, 200, NULL);
		on_digit(c, d);
		return;
	}
	ua_reply(c->ua, st, 200, NULL);
	ua_event(c->ua, "INFO %.*s: %.*s call=%u", ct ? (int)ct->raw.len : 0,
		 ct ? ct->raw.p : "", (int)req->body.len, req->body.p, c->id);
}

static void on_refer(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	const struct sip_addr *to;
	char uri[512];

	if (sip_msg_refer_to(req, &to) || to->uri.scheme != SIP_URI_SIP) {
		ua_reply(c->ua, st, 400, "Bad Refer-To");
		return;
	}
	if (c->state != CALL_ACTIVE) {
		ua_reply(c->ua, st, 481, NULL);
		return;
	}
	/* the URI without its headers part */
	snprintf(uri, sizeof(uri), "%.*s", (int)(to->uri.headers.p ?
		 (size_t)(to->uri.headers.p - 1 - to->uri_raw.p) : to->uri_raw.len),
		 to->uri_raw.p);
	ua_reply(c->ua, st, 202, NULL);
	ua_event(c->ua, "REFERRED to %s call=%u", uri, c->id);
	c->refer_sub = true;
	{
		struct call tmp = { .xfer_of = c };

		notify_xfer(&tmp, 100);
	}
	if (call_start(c->ua, uri, c, NULL)) {
		struct call tmp = { .xfer_of = c };

		notify_xfer(&tmp, 503);
	}
}

static void on_notify(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	const struct sip_event *ev;
	uint16_t code;

	if (sip_msg_event(req, &ev) || !sip_pl_caseeqs(ev->package, "refer")) {
		ua_reply(c->ua, st, 489, NULL);
		return;
	}
	ua_reply(c->ua, st, 200, NULL);
	if (sip_sipfrag_status(req->body, &code))
		return;
	ua_event(c->ua, "TRANSFER progress %u call=%u", code, c->id);
	if (code >= 200 && code < 300 && c->transferring) {
		c->transferring = false;
		c->result = "transferred";
		call_hangup(c);
	}
}

void call_request(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	uint16_t code = 500;
	const char *reason = NULL;

	if (sip_dialog_recv_request(c->dlg, req, &code, &reason)) {
		ua_reply(c->ua, st, code, reason);
		return;
	}
	switch (req->mid) {
	case SIP_BYE:
		ua_reply(c->ua, st, 200, NULL);
		ua_event(c->ua, "BYE received call=%u", c->id);
		call_end(c, c->result ? c->result : "failed", c->code);
		break;
	case SIP_PRACK:
		on_prack(c, st, req);
		break;
	case SIP_UPDATE:
	case SIP_INVITE:
		on_modify(c, st, req);
		break;
	case SIP_INFO:
		on_info(c, st, req);
		break;
	case SIP_REFER:
		on_refer(c, st, req);
		break;
	case SIP_NOTIFY:
		on_notify(c, st, req);
		break;
	case SIP_OPTIONS:
	case SIP_MESSAGE:
		ua_event(c->ua, "%s in dialog: %.*s call=%u", sip_method_name(req->mid),
			 (int)req->body.len, req->body.p, c->id);
		ua_reply(c->ua, st, 200, NULL);
		break;
	default:
		ua_reply(c->ua, st, 405, NULL);
		break;
	}
}

/* ---- commands ---- */

void call_hangup(struct call *c)
{
	struct sip_txn *ct;

	switch (c->state) {
	case CALL_CALLING:
		c->hangup_pending = true;  /* §9.1: CANCEL waits for a provisional */
		break;
	case CALL_EARLY:
		if (c->inv && c->inv->t && !sip_txn_cancel(&ct, c->inv->t, NULL, NULL)) {
			c->state = CALL_ENDING;
			ua_event(c->ua, "CANCEL call=%u", c->id);
		}
		break;
	case CALL_INCOMING:
		if (c->ist)
			ua_reply(c->ua, c->ist, 603, NULL);
		call_end(c, "declined-local", 603);
		break;
	case CALL_ACTIVE:
		c->state = CALL_ENDING;
		ua_event(c->ua, "HANGUP call=%u", c->id);
		dreq(c, SIP_BYE, NULL, NULL, NULL);
		break;
	default:
		break;
	}
}

void call_hold(struct call *c, enum sip_sdp_dir dir)
{
	struct sip_sdp *s;
	struct sip_buf b;

	if (c->state != CALL_ACTIVE)
		return;
	c->ldir = dir;
	if (make_sdp(c, NULL, &s))
		return;
	set_local(c, s);
	if (sdp_text(s, &b) == 0) {
		ua_event(c->ua, "%s %s call=%u", dir == SIP_SDP_SENDRECV ? "RESUME" : "HOLD",
			 sip_sdp_dir_name(dir), c->id);
		dreq(c, SIP_INVITE, "application/sdp", b.p, NULL);
	}
	sip_buf_reset(&b);
}

void call_update(struct call *c)
{
	struct sip_sdp *s;
	struct sip_buf b;

	if (c->state != CALL_ACTIVE && c->state != CALL_EARLY)
		return;
	if (make_sdp(c, NULL, &s))
		return;
	set_local(c, s);
	if (sdp_text(s, &b) == 0) {
		ua_event(c->ua, "UPDATE call=%u", c->id);
		dreq(c, SIP_UPDATE, "application/sdp", b.p, NULL);
	}
	sip_buf_reset(&b);
}

static void send_info_digits(struct call *c, const char *digits)
{
	for (const char *p = digits; *p; p++) {
		struct sip_buf b;

		sip_buf_init(&b);
		sip_dtmf_relay_print(&b, *p, 100);
		if (!sip_buf_err(&b))
			dreq(c, SIP_INFO, "application/dtmf-relay", b.p, NULL);
		sip_buf_reset(&b);
	}
}

void call_dtmf(struct call *c, const char *digits)
{
	if (c->state != CALL_ACTIVE)
		return;
	ua_event(c->ua, "SEND DTMF %s call=%u", digits, c->id);
	if (c->ua->o->dtmf_info)
		send_info_digits(c, digits);
	else
		media_dtmf(&c->media, digits);
}

void call_info(struct call *c, const char *text)
{
	if (c->state == CALL_ACTIVE)
		dreq(c, SIP_INFO, "text/plain", text, NULL);
}

void call_transfer(struct call *c, const char *uri)
{
	char extra[640];

	if (c->state != CALL_ACTIVE)
		return;
	snprintf(extra, sizeof(extra), "Refer-To: <%s>\nReferred-By: <%s>", uri, c->ua->aor);
	ua_event(c->ua, "TRANSFER to %s call=%u", uri, c->id);
	dreq(c, SIP_REFER, NULL, NULL, extra);
}

/* ---- end ---- */

static void call_end(struct call *c, const char *result, uint16_t code)
{
	if (c->state == CALL_ENDED)
		return;
	c->state = CALL_ENDED;
	c->result = result ? result : "failed";
	c->code = code;
	c->t_end = ua_now(c->ua);
	sip_timer_cancel(&c->t_ring);
	sip_timer_cancel(&c->t_dur);
	sip_timer_cancel(&c->t_hang);
	sip_timer_cancel(&c->t_done);
	sip_timer_cancel(&c->t_st);
	sip_timer_cancel(&c->t_rel);
	if (c->dlg)
		sip_dialog_terminate(c->dlg);
	media_close(&c->media);
	ua_event(c->ua, "ENDED result=%s code=%u call=%u", c->result, code, c->id);
	call_summary(c, stdout);
	ua_call_done(c->ua, c);
}

void call_free(struct call *c)
{
	sip_timer_cancel(&c->t_ring);
	sip_timer_cancel(&c->t_dur);
	sip_timer_cancel(&c->t_hang);
	sip_timer_cancel(&c->t_done);
	sip_timer_cancel(&c->t_st);
	sip_timer_cancel(&c->t_rel);
	sip_timer_cancel(&c->t_ok);
	sip_out_free(c->ok);
	sip_out_free(c->rel);
	sip_mem_deref(c->dlg);
	sip_mem_deref(c->lsdp);
	sip_mem_deref(c->rsdp);
	free(c);
}
