/*
 * out_msg.c - outgoing messages derived from received ones: a copy to
 * forward (RFC 3261 §16.6), optionally re-printed canonically, and a
 * response to a request (§8.2.6).
 */
#include <errno.h>

#include "sip/addr.h"
#include "sip/buf.h"
#include "sip/authhdr.h"
#include "sip/cseq.h"
#include "sip/ctype.h"
#include "sip/event.h"
#include "sip/session.h"
#include "sip/tokens.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/via.h"
#include "sip.h"

static int start_like(struct sip_out **op, const struct sip_msg *m)
{
	char reason[128];

	if (m->req)
		return sip_out_request(op, m->method, m->ruri);
	sip_pl_strcpy(m->reason, reason, sizeof(reason));
	return sip_out_response(op, m->scode, reason);
}

static int add_buf(struct sip_out *o, enum sip_hdr_id id, struct sip_buf *b)
{
	int err = sip_buf_err(b);

	if (!err)
		err = sip_out_add(o, id, NULL, sip_buf_pl_get(b));
	sip_buf_reset(b);
	return err;
}

static int canon_via(struct sip_out *o, struct sip_msg *m)
{
	const struct sip_via *v;
	struct sip_buf b;
	int err = sip_msg_via(m, &v);

	for (sip_buf_init(&b); !err && v; v = v->next) {
		sip_via_print(&b, v);
		err = add_buf(o, SIP_HDR_VIA, &b);
	}
	return err;
}

static int canon_addr(struct sip_out *o, struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_addr *a;
	struct sip_buf b;
	int err = sip_msg_addr(m, id, &a);

	for (sip_buf_init(&b); !err && a; a = a->next) {
		sip_addr_print(&b, a);
		err = add_buf(o, id, &b);
	}
	return err;
}

static int canon_u32(struct sip_out *o, enum sip_hdr_id id, int err, uint32_t v)
{
	if (err)
		return err;
	return sip_out_addf(o, id, "%u", v);
}

/* Parse with @p get, print the one value with @p print into @p b, add it:
 * the same three steps for every single-value extension header. */
#define CANON_ONE(get, print) do { \
		if ((err = (get))) \
			return err; \
		print; \
		return add_buf(o, id, &b); \
	} while (0)

/* A list whose values are printed one per line. */
#define CANON_LIST(type, get, print) do { \
		const struct type *it; \
		if ((err = get(m, &it))) \
			return err; \
		for (; it; it = it->next) { \
			print(&b, it); \
			if ((err = add_buf(o, id, &b))) \
				return err; \
		} \
		return 0; \
	} while (0)

static int challenges(struct sip_msg *m, const struct sip_challenge **c, enum sip_hdr_id id)
{
	return sip_msg_challenges(m, id, c);
}

static int credentials(struct sip_msg *m, const struct sip_credentials **c, enum sip_hdr_id id)
{
	return sip_msg_credentials(m, id, c);
}

/* Headers of the extension modules, printed from their typed form. */
static int canon_typed(struct sip_out *o, struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_token *tok;
	const struct sip_challenge *ch;
	const struct sip_credentials *cr;
	const struct sip_event *ev;
	const struct sip_substate *ss;
	const struct sip_ctype *ct;
	const struct sip_cdisp *cd;
	const struct sip_rack *ra;
	const struct sip_session_expires *se;
	const struct sip_replaces *rp;
	const struct sip_privacy *pv;
	const struct sip_retry_after *rt;
	const struct sip_timestamp *ts;
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	switch (id) {
	case SIP_HDR_REQUIRE: case SIP_HDR_PROXY_REQUIRE: case SIP_HDR_SUPPORTED:
	case SIP_HDR_UNSUPPORTED: case SIP_HDR_ALLOW: case SIP_HDR_ALLOW_EVENTS:
	case SIP_HDR_CONTENT_ENCODING: case SIP_HDR_ACCEPT_ENCODING:
		CANON_ONE(sip_msg_tokens(m, id, &tok), sip_tokens_print(&b, tok));
	case SIP_HDR_WWW_AUTHENTICATE: case SIP_HDR_PROXY_AUTHENTICATE:
		if ((err = challenges(m, &ch, id)))
			return err;
		for (; ch; ch = ch->next) {
			sip_challenge_print(&b, ch);
			if ((err = add_buf(o, id, &b)))
				return err;
		}
		return 0;
	case SIP_HDR_AUTHORIZATION: case SIP_HDR_PROXY_AUTHORIZATION:
		if ((err = credentials(m, &cr, id)))
			return err;
		for (; cr; cr = cr->next) {
			sip_credentials_print(&b, cr);
			if ((err = add_buf(o, id, &b)))
				return err;
		}
		return 0;
	case SIP_HDR_REASON:
		CANON_LIST(sip_reason, sip_msg_reason_hdr, sip_reason_print);
	case SIP_HDR_WARNING:
		CANON_LIST(sip_warning, sip_msg_warning, sip_warning_print);
	case SIP_HDR_EVENT:
		CANON_ONE(sip_msg_event(m, &ev), sip_event_print(&b, ev));
	case SIP_HDR_SUBSCRIPTION_STATE:
		CANON_ONE(sip_msg_substate(m, &ss), sip_substate_print(&b, ss));
	case SIP_HDR_CONTENT_TYPE:
		CANON_ONE(sip_msg_ctype(m, &ct), sip_ctype_print(&b, ct));
	case SIP_HDR_CONTENT_DISPOSITION:
		CANON_ONE(sip_msg_cdisp(m, &cd), sip_cdisp_print(&b, cd));
	case SIP_HDR_RACK:
		CANON_ONE(sip_msg_rack(m, &ra), sip_rack_print(&b, ra));
	case SIP_HDR_SESSION_EXPIRES:
		CANON_ONE(sip_msg_session_expires(m, &se), sip_session_expires_print(&b, se));
	case SIP_HDR_REPLACES:
		CANON_ONE(sip_msg_replaces(m, &rp), sip_replaces_print(&b, rp));
	case SIP_HDR_PRIVACY:
		CANON_ONE(sip_msg_privacy(m, &pv), sip_privacy_print(&b, pv));
	case SIP_HDR_RETRY_AFTER:
		CANON_ONE(sip_msg_retry_after(m, &rt), sip_retry_after_print(&b, rt));
	case SIP_HDR_TIMESTAMP:
		CANON_ONE(sip_msg_timestamp(m, &ts), sip_timestamp_print(&b, ts));
	default:
		return SIP_DECLINED;
	}
}

int sip_out_canon_hdr(struct sip_out *o, struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_cseq *cs;
	struct sip_pl callid;
	struct sip_buf b;
	uint32_t v = 0;
	int err;

	switch (id) {
	case SIP_HDR_VIA:
		return canon_via(o, m);
	case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_CONTACT:
	case SIP_HDR_ROUTE: case SIP_HDR_RECORD_ROUTE: case SIP_HDR_PATH:
	case SIP_HDR_SERVICE_ROUTE: case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_P_PREFERRED_IDENTITY: case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY: case SIP_HDR_REPLY_TO:
		return canon_addr(o, m, id);
	case SIP_HDR_CSEQ:
		if ((err = sip_msg_cseq(m, &cs)))
			return err;
		sip_buf_init(&b);
		sip_cseq_print(&b, cs);
		return add_buf(o, id, &b);
	case SIP_HDR_CALL_ID:
		if ((err = sip_msg_callid(m, &callid)))
			return err;
		return sip_out_add(o, id, NULL, callid);
	case SIP_HDR_MAX_FORWARDS:
		return canon_u32(o, id, sip_msg_max_forwards(m, &v), v);
	case SIP_HDR_RSEQ:
		return canon_u32(o, id, sip_msg_rseq(m, &v), v);
	case SIP_HDR_MIN_SE:
		return canon_u32(o, id, sip_msg_min_se(m, &v), v);
	case SIP_HDR_EXPIRES:
		return canon_u32(o, id, sip_msg_expires(m, &v), v);
	case SIP_HDR_MIN_EXPIRES:
		return canon_u32(o, id, sip_msg_min_expires(m, &v), v);
	default:
		return canon_typed(o, m, id);
	}
}

/* Every header of @p m in order; with @p canon, typed ones re-printed at
 * the position of their first line. */
static int copy_headers(struct sip_out *o, struct sip_msg *m, bool canon)
{
	bool done[SIP_HDR__COUNT] = { false };
	int err;

	for (size_t i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];

		if (canon && h->id != SIP_HDR_OTHER) {
			if (done[h->id])
				continue;
			done[h->id] = true;
			err = sip_out_canon_hdr(o, m, h->id);
			if (err != SIP_DECLINED) {
				if (err)
					return err;
				continue;
			}
			/* no typed printer: copy every line of this id here */
			for (const struct sip_hdr *s = h; s; s = s->next)
				if ((err = sip_out_add_ref(o, s->id, s->name, s->value)))
					return err;
			continue;
		}
		if ((err = sip_out_add_ref(o, h->id, h->name, h->value)))
			return err;
	}
	return 0;
}

int sip_out_from_msg(struct sip_out **op, struct sip_msg *m, unsigned flags)
{
	struct sip_out *o;
	int err = start_like(&o, m);

	if (err)
		return err;
	err = copy_headers(o, m, flags & SIP_OUT_CANON);
	if (!err && m->body.len)
		err = sip_out_body(o, NULL, m->body);
	if (err) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}

static int copy_all(struct sip_out *o, const struct sip_msg *m, enum sip_hdr_id id)
{
	int err;

	for (const struct sip_hdr *h = sip_msg_hdr(m, id); h; h = h->next)
		if ((err = sip_out_add_ref(o, id, h->name, h->value)))
			return err;
	return 0;
}

/* To: @p value;tag=@p tag (no printf: this is on every response). */
static int add_tagged(struct sip_out *o, struct sip_pl value, const char *tag)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	sip_buf_pl(&b, value);
	sip_buf_puts(&b, ";tag=");
	sip_buf_puts(&b, tag);
	err = sip_buf_err(&b);
	if (!err)
		err = sip_out_add(o, SIP_HDR_TO, NULL, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

/* §8.2.6.2: the To of the response gets a tag unless it has one (or for
 * 100 Trying, which must not create a dialog state). */
static int reply_to(struct sip_out *o, struct sip_msg *req, uint16_t scode,
		    const char *totag)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_TO);
	const struct sip_addr *to;

	if (!h)
		return 0;
	if (!totag || scode == 100 || sip_msg_to(req, &to) || sip_pl_isset(&to->tag))
		return sip_out_add_ref(o, SIP_HDR_TO, h->name, h->value);
	return add_tagged(o, h->value, totag);
}

int sip_out_reply(struct sip_out **op, struct sip_msg *req, uint16_t scode,
		  const char *reason, const char *totag)
{
	struct sip_out *o;
	int err = sip_out_response(&o, scode, reason);

	if (err)
		return err;
	if ((err = copy_all(o, req, SIP_HDR_VIA)) ||
	    (err = copy_all(o, req, SIP_HDR_FROM)) ||
	    (err = reply_to(o, req, scode, totag)) ||
	    (err = copy_all(o, req, SIP_HDR_CALL_ID)) ||
	    (err = copy_all(o, req, SIP_HDR_CSEQ)) ||
	    (scode == 100 && (err = copy_all(o, req, SIP_HDR_TIMESTAMP)))) {
		sip_out_free(o);
		return err;
	}
	*op = o;
	return 0;
}
