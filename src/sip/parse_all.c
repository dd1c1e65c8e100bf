/*
 * parse_all.c - the "full" parse: every header of a message that has a
 * typed form is parsed (and cached), so a malformed one anywhere is found.
 */
#include <errno.h>
#include <time.h>

#include "sip/addr.h"
#include "sip/authhdr.h"
#include "sip/cseq.h"
#include "sip/ctype.h"
#include "sip/event.h"
#include "sip/msg.h"
#include "sip/session.h"
#include "sip/tokens.h"
#include "sip/via.h"
#include "sip.h"

/* Parse the headers with @p id; ENOENT never happens for present ones. */
static int parse_id(struct sip_msg *m, enum sip_hdr_id id)
{
	const void *p;
	uint32_t u;
	struct sip_pl pl;
	time_t t;

	switch (id) {
	case SIP_HDR_VIA:
		return sip_msg_via(m, (const struct sip_via **)&p);
	case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_CONTACT:
	case SIP_HDR_ROUTE: case SIP_HDR_RECORD_ROUTE: case SIP_HDR_PATH:
	case SIP_HDR_SERVICE_ROUTE: case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_P_PREFERRED_IDENTITY: case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY: case SIP_HDR_REPLY_TO:
		return sip_msg_addr(m, id, (const struct sip_addr **)&p);
	case SIP_HDR_CSEQ:
		return sip_msg_cseq(m, (const struct sip_cseq **)&p);
	case SIP_HDR_CALL_ID:
		return sip_msg_callid(m, &pl);
	case SIP_HDR_MAX_FORWARDS:
		return sip_msg_max_forwards(m, &u);
	case SIP_HDR_EXPIRES:
		return sip_msg_expires(m, &u);
	case SIP_HDR_MIN_EXPIRES:
		return sip_msg_min_expires(m, &u);
	case SIP_HDR_CONTENT_LENGTH:
		return sip_msg_content_length(m, &u);
	case SIP_HDR_REQUIRE: case SIP_HDR_PROXY_REQUIRE: case SIP_HDR_SUPPORTED:
	case SIP_HDR_UNSUPPORTED: case SIP_HDR_ALLOW: case SIP_HDR_ALLOW_EVENTS:
	case SIP_HDR_CONTENT_ENCODING: case SIP_HDR_ACCEPT_ENCODING:
		return sip_msg_tokens(m, id, (const struct sip_token **)&p);
	case SIP_HDR_WWW_AUTHENTICATE: case SIP_HDR_PROXY_AUTHENTICATE:
		return sip_msg_challenges(m, id, (const struct sip_challenge **)&p);
	case SIP_HDR_AUTHORIZATION: case SIP_HDR_PROXY_AUTHORIZATION:
		return sip_msg_credentials(m, id, (const struct sip_credentials **)&p);
	case SIP_HDR_EVENT:
		return sip_msg_event(m, (const struct sip_event **)&p);
	case SIP_HDR_SUBSCRIPTION_STATE:
		return sip_msg_substate(m, (const struct sip_substate **)&p);
	case SIP_HDR_CONTENT_TYPE:
		return sip_msg_ctype(m, (const struct sip_ctype **)&p);
	case SIP_HDR_CONTENT_DISPOSITION:
		return sip_msg_cdisp(m, (const struct sip_cdisp **)&p);
	case SIP_HDR_RSEQ:
		return sip_msg_rseq(m, &u);
	case SIP_HDR_RACK:
		return sip_msg_rack(m, (const struct sip_rack **)&p);
	case SIP_HDR_SESSION_EXPIRES:
		return sip_msg_session_expires(m, (const struct sip_session_expires **)&p);
	case SIP_HDR_MIN_SE:
		return sip_msg_min_se(m, &u);
	case SIP_HDR_REPLACES:
		return sip_msg_replaces(m, (const struct sip_replaces **)&p);
	case SIP_HDR_REASON:
		return sip_msg_reason_hdr(m, (const struct sip_reason **)&p);
	case SIP_HDR_PRIVACY:
		return sip_msg_privacy(m, (const struct sip_privacy **)&p);
	case SIP_HDR_RETRY_AFTER:
		return sip_msg_retry_after(m, (const struct sip_retry_after **)&p);
	case SIP_HDR_WARNING:
		return sip_msg_warning(m, (const struct sip_warning **)&p);
	case SIP_HDR_DATE:
		return sip_msg_date(m, &t);
	case SIP_HDR_TIMESTAMP:
		return sip_msg_timestamp(m, (const struct sip_timestamp **)&p);
	default:
		return 0;   /* kept as text only */
	}
}

int sip_msg_parse_all(struct sip_msg *m)
{
	int err;

	if (m->err)
		return EBADMSG;
	if (m->req) {
		const struct sip_uri *u;

		if ((err = sip_msg_ruri(m, &u)))
			return err;
	}
	for (int id = 1; id < SIP_HDR__COUNT; id++) {
		if (!sip_msg_hdr(m, (enum sip_hdr_id)id))
			continue;
		err = parse_id(m, (enum sip_hdr_id)id);
		if (err && err != ENOENT)
			return err;
	}
	return 0;
}
