/*
 * check.c - what every element verifies before acting on a message
 * (RFC 3261 §8.2.1-§8.2.2, §16.3 step 1): the "lazy" parse, and the full
 * parse of every typed header.
 */
#include <errno.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/msg.h"
#include "sip/via.h"
#include "sip.h"

static const char *const missing[SIP_HDR__COUNT] = {
	[SIP_HDR_VIA] = "Missing Via header",
	[SIP_HDR_FROM] = "Missing From header",
	[SIP_HDR_TO] = "Missing To header",
	[SIP_HDR_CALL_ID] = "Missing Call-ID header",
	[SIP_HDR_CSEQ] = "Missing CSeq header",
};

/* ENOENT from a getter becomes "Missing X header". */
static int required(struct sip_msg *m, enum sip_hdr_id id, int err)
{
	if (err == ENOENT) {
		sip_msg_set_err(m, id, missing[id]);
		return EBADMSG;
	}
	return err;
}

static int check_start(struct sip_msg *m)
{
	const struct sip_uri *u;

	if (m->err)
		return EBADMSG;
	if (m->req)
		return sip_msg_ruri(m, &u);
	return 0;
}

static int check_cseq(struct sip_msg *m)
{
	const struct sip_cseq *cs;
	int err = required(m, SIP_HDR_CSEQ, sip_msg_cseq(m, &cs));

	if (err)
		return err;
	/* §8.1.1.5: the CSeq method matches the request's (RFC 4475
	 * mismatch01, mismatch02) */
	if (m->req && !sip_pl_eq(cs->method, m->method)) {
		sip_msg_set_err(m, SIP_HDR_CSEQ,
				"CSeq method does not match request method");
		return EBADMSG;
	}
	return 0;
}

int sip_msg_check(struct sip_msg *m)
{
	const struct sip_via *via;
	const struct sip_addr *a;
	struct sip_pl callid;
	uint32_t n;
	int err;

	if ((err = check_start(m)))
		goto out;
	if ((err = required(m, SIP_HDR_VIA, sip_msg_via(m, &via))))
		goto out;
	if ((err = required(m, SIP_HDR_FROM, sip_msg_from(m, &a))))
		goto out;
	if ((err = required(m, SIP_HDR_TO, sip_msg_to(m, &a))))
		goto out;
	if ((err = required(m, SIP_HDR_CALL_ID, sip_msg_callid(m, &callid))))
		goto out;
	if ((err = check_cseq(m)))
		goto out;
	err = sip_msg_max_forwards(m, &n);
	if (err == ENOENT)
		err = 0;
out:
	if (err == EBADMSG && m->priv->bad_version)
		return EPROTONOSUPPORT;
	return err;
}
