/*
 * indialog.c - requests within a call's dialog (RFC 3261 §12.2): building
 * and sending them with their responses (BYE §15, re-INVITE §14 and
 * UPDATE RFC 3311 offer/answer, PRACK, INFO RFC 6086, REFER and NOTIFY
 * RFC 3515), the ACK for a 2xx (§13.2.2.4), session timers (RFC 4028
 * §10: refresh at half the interval, BYE when none came), receiving
 * them (hold detection RFC 3264 §8.4, reliable-provisional PRACKs RFC
 * 3262 §3, dtmf-relay INFO, transfer as transferee and transferor), and
 * the interactive commands that start them.
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

/* ---- in-dialog requests ---- */

struct dreq_arg {
	struct call *c;
	enum sip_method m;
	char ctype[64];
	char *body;
	char extra[512];
};

int call_dest(struct call *c, struct sip_txn_dest *d)
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

void call_send_ack(struct call *c)
{
	struct sip_out *o;
	struct sip_txn_dest d;
	char branch[SIP_TXN_BRANCH_SIZE], via[256];
	struct sip_buf b;

	if (sip_dialog_request(&o, c->dlg, SIP_ACK))
		return;
	if (c->lsdp && c->offer_in_ack)
		call_sdp_body(o, c->lsdp);
	sip_txn_branch_new(c->ua->txn, branch, sizeof(branch));
	if (call_dest(c, &d)) {
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

static void info_next(struct call *c);

static void on_glare_invite(void *arg)
{
	struct call *c = arg;

	call_hold(c, c->ldir);   /* the same offer again, a new version */
}

static void on_glare_update(void *arg)
{
	call_update(arg);
}

/* §14.1: our offer crossed the peer's (491): again after a random time,
 * 2.1-4 s when we own the Call-ID (we placed the call), else 0-2 s. */
static void glare_retry(struct call *c, enum sip_method m)
{
	uint64_t ms = c->uac ? 2100 + (uint64_t)(rand() % 1900) : (uint64_t)(rand() % 2000);

	ua_event(c->ua, "GLARE 491 retry in %llu ms call=%u", (unsigned long long)ms, c->id);
	ua_timer(c->ua, &c->t_glare, ms, m == SIP_INVITE ? on_glare_invite : on_glare_update, c);
}

static void dreq_resp(struct ua_creq *cr, struct sip_msg *m, int err, void *arg)
{
	struct dreq_arg *a = arg;
	struct call *c = a->c;

	if (a->m == SIP_INFO && (!m || m->scode >= 200) && a->body &&
	    !strcmp(a->ctype, "application/dtmf-relay")) {
		c->info_out = false;
		info_next(c);
	}
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
	if (a->m == SIP_INVITE || a->m == SIP_UPDATE)
		c->offer_out = false;
	if (m->scode == 491 && (a->m == SIP_INVITE || a->m == SIP_UPDATE)) {
		glare_retry(c, a->m);
		return;
	}
	if (m->scode >= 300) {
		if (a->m == SIP_REFER)
			ua_event(c->ua, "TRANSFER failed code=%u call=%u", m->scode, c->id);
		return;
	}
	switch (a->m) {
	case SIP_INVITE:
		call_send_ack(c);
		/* fall through */
	case SIP_UPDATE:
		if (call_take_answer(c, m))
			call_st_arm(c);
		break;
	case SIP_REFER:
		c->transferring = true;
		ua_event(c->ua, "TRANSFER accepted code=%u call=%u", m->scode, c->id);
		break;
	default:
		break;
	}
}

void call_dreq(struct call *c, enum sip_method m, const char *ctype,
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
	if ((m == SIP_INVITE || m == SIP_UPDATE) && body)
		c->offer_out = true;
	snprintf(a->ctype, sizeof(a->ctype), "%s", ctype ? ctype : "");
	snprintf(a->extra, sizeof(a->extra), "%s", extra ? extra : "");
	if (call_dest(c, &d) || ua_request(c->ua, m, &d, build_dreq, dreq_resp, a, &cr)) {
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

bool call_take_answer(struct call *c, struct sip_msg *m)
{
	struct sip_sdp *s = call_sdp_of(m);
	struct sip_st_result st;

	if (s) {
		call_sdp_remote(c, s);
		call_media_apply(c, true);
	}
	if (sip_st_uac(m, &st) || !st.active)
		return false;
	c->st_on = true;
	c->se = st.se;
	c->st_we_refresh = st.refresher == SIP_REFRESHER_UAC;
	return true;
}

void call_st_arm(struct call *c)
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
		call_dreq(c, SIP_UPDATE, NULL, NULL, extra);
		return;
	}
	if (call_sdp_text(c->lsdp, &b)) {
		sip_buf_reset(&b);
		return;
	}
	call_dreq(c, SIP_INVITE, "application/sdp", b.p, extra);
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
void call_st_headers(struct sip_out *o, const struct sip_st_result *st)
{
	if (!st->active)
		return;
	sip_out_addf(o, SIP_HDR_SESSION_EXPIRES, "%u;refresher=%s", st->se,
		     st->refresher == SIP_REFRESHER_UAC ? "uac" : "uas");
	if (st->require)
		sip_out_addf(o, SIP_HDR_REQUIRE, "timer");
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
		call_answer_now(c);
	}
}

/* re-INVITE or UPDATE: offer/answer and session refresh as the UAS. */
static void on_modify(struct call *c, struct sip_txn *st, struct sip_msg *req)
{
	struct sip_st_req rq = { 0 };
	struct sip_st_result sr = { 0 };
	struct sip_st_local lp = { c->st_on ? c->se : c->ua->o->session_expires,
				   c->ua->o->min_se };
	struct sip_sdp *offer = call_sdp_of(req), *ans = NULL;
	struct sip_out *o;

	if (offer && c->offer_out) {
		/* §14.2: our own offer is pending: the peer must retry */
		sip_mem_deref(offer);
		ua_reply(c->ua, st, 491, NULL);
		return;
	}
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
		if (call_sdp_make(c, offer, &ans)) {
			sip_mem_deref(offer);
			ua_reply(c->ua, st, 488, NULL);
			return;
		}
		call_sdp_remote(c, offer);
		call_sdp_local(c, ans);
	}
	if (sip_out_reply(&o, req, 200, NULL, NULL))
		return;
	ua_add_common(c->ua, o, true);
	call_st_headers(o, &sr);
	if (offer || req->mid == SIP_INVITE)
		call_sdp_body(o, c->lsdp);
	if (req->mid == SIP_INVITE)
		call_send_ok(c, st, o);
	else {
		(void)sip_txn_reply(st, o);
		sip_out_free(o);
	}
	ua_event(c->ua, "%s received%s call=%u", sip_method_name(req->mid), rq.has_se ? " refresh" : "", c->id);
	if (offer && c->state == CALL_ACTIVE)
		call_media_apply(c, false);
	if (sr.active && c->state == CALL_ACTIVE) {
		c->st_on = true;
		c->se = sr.se;
		c->st_we_refresh = sr.refresher == SIP_REFRESHER_UAS;
		call_st_arm(c);
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
		call_on_digit(c, d);
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

		call_notify_xfer(&tmp, 100);
	}
	if (call_start(c->ua, uri, c, NULL)) {
		struct call tmp = { .xfer_of = c };

		call_notify_xfer(&tmp, 503);
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
		media_bye(&c->media);
		ua_event(c->ua, "HANGUP call=%u", c->id);
		call_dreq(c, SIP_BYE, NULL, NULL, NULL);
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
	if (call_sdp_make(c, NULL, &s))
		return;
	call_sdp_local(c, s);
	if (call_sdp_text(s, &b) == 0) {
		ua_event(c->ua, "%s %s call=%u", dir == SIP_SDP_SENDRECV ? "RESUME" : "HOLD",
			 sip_sdp_dir_name(dir), c->id);
		call_dreq(c, SIP_INVITE, "application/sdp", b.p, NULL);
	}
	sip_buf_reset(&b);
}

void call_update(struct call *c)
{
	struct sip_sdp *s;
	struct sip_buf b;

	if (c->state != CALL_ACTIVE && c->state != CALL_EARLY)
		return;
	if (call_sdp_make(c, NULL, &s))
		return;
	call_sdp_local(c, s);
	if (call_sdp_text(s, &b) == 0) {
		ua_event(c->ua, "UPDATE call=%u", c->id);
		call_dreq(c, SIP_UPDATE, "application/sdp", b.p, NULL);
	}
	sip_buf_reset(&b);
}

/* The next queued digit as INFO application/dtmf-relay, one INFO
 * transaction at a time so that they arrive in order. */
static void info_next(struct call *c)
{
	struct sip_buf b;
	char d = c->info_q[0];

	if (!d || c->info_out || c->state != CALL_ACTIVE)
		return;
	memmove(c->info_q, c->info_q + 1, strlen(c->info_q));
	sip_buf_init(&b);
	sip_dtmf_relay_print(&b, d, 100);
	if (!sip_buf_err(&b)) {
		c->info_out = true;
		call_dreq(c, SIP_INFO, "application/dtmf-relay", b.p, NULL);
	}
	sip_buf_reset(&b);
}

static void send_info_digits(struct call *c, const char *digits)
{
	size_t n = strlen(c->info_q);

	snprintf(c->info_q + n, sizeof(c->info_q) - n, "%s", digits);
	info_next(c);
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
		call_dreq(c, SIP_INFO, "text/plain", text, NULL);
}

void call_transfer(struct call *c, const char *uri)
{
	char extra[640];

	if (c->state != CALL_ACTIVE)
		return;
	snprintf(extra, sizeof(extra), "Refer-To: <%s>\nReferred-By: <%s>", uri, c->ua->aor);
	ua_event(c->ua, "TRANSFER to %s call=%u", uri, c->id);
	call_dreq(c, SIP_REFER, NULL, NULL, extra);
}
