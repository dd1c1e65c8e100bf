/*
 * recv.c - messages received within a dialog: matching (§12.2.2 first
 * paragraph), requests (§12.2.2: CSeq order, target refresh, BYE §15.1.2)
 * and responses to our requests (§12.2.1.2: 481/408, target refresh).
 */
#include <errno.h>
#include <string.h>

#include "sip/cseq.h"
#include "sip/msg.h"

#include "dialog/dialog.h"

static bool eq(const char *s, struct sip_pl pl)
{
	return s && pl.p && sip_pl_eqs(pl, s);
}

static bool match(const struct sip_dialog *d, struct sip_msg *m,
		  bool req)
{
	struct sip_msg_keys k;

	if (sip_msg_keys(m, &k))
		return false;
	/* tags compare exactly; Call-ID too (§19.3, §20.8) */
	return eq(d->callid, k.callid) &&
	       eq(d->ltag, req ? k.to_tag : k.from_tag) &&
	       eq(d->rtag, req ? k.from_tag : k.to_tag);
}

bool sip_dialog_match_req(const struct sip_dialog *d, struct sip_msg *req)
{
	return req->req && match(d, req, true);
}

bool sip_dialog_match_resp(const struct sip_dialog *d, struct sip_msg *resp)
{
	return !resp->req && match(d, resp, false);
}

int sip_dialog_recv_request(struct sip_dialog *d, struct sip_msg *req,
			    uint16_t *scode, const char **reason)
{
	const struct sip_cseq *cseq;
	int err;

	if (!sip_dialog_match_req(d, req))
		return EINVAL;
	/* §12.2.2: a request for a dialog that no longer exists gets 481 */
	if (d->state == SIP_DIALOG_TERMINATED) {
		if (scode)
			*scode = 481;
		if (reason)
			*reason = "Call/Transaction Does Not Exist";
		return EPROTO;
	}
	err = sip_msg_cseq(req, &cseq);
	if (err)
		return err == ENOENT ? EBADMSG : err;
	/* §12.2.2: lower than the remote CSeq is out of order; an empty
	 * remote CSeq accepts any (the UAC side before the first request). */
	if (d->rcseq_set && cseq->num < d->rcseq) {
		if (scode)
			*scode = 500;
		if (reason)
			*reason = "CSeq out of order";
		return ERANGE;
	}
	if (sip_dialog_is_refresh(req->mid)) {
		err = sip_dialog_target_from(d, req);
		if (err)
			return err;
	}
	d->rcseq = cseq->num;
	d->rcseq_set = true;
	if (req->mid == SIP_BYE)
		sip_dialog_terminate(d);
	return 0;
}

int sip_dialog_recv_response(struct sip_dialog *d, struct sip_msg *resp)
{
	const struct sip_cseq *cseq;
	int err;

	if (!sip_dialog_match_resp(d, resp))
		return EINVAL;
	err = sip_msg_cseq(resp, &cseq);
	if (err)
		return err == ENOENT ? EBADMSG : err;
	/* §12.2.1.2: 481 and 408 to a request within the dialog end it */
	if (resp->scode == 481 || resp->scode == 408) {
		sip_dialog_terminate(d);
		return 0;
	}
	if (resp->scode >= 200 && resp->scode < 300 &&
	    sip_dialog_is_refresh(cseq->mid))
		return sip_dialog_target_from(d, resp);
	return 0;
}
