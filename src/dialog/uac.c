/*
 * uac.c - dialogs created by the UAC (RFC 3261 §12.1.2) and their later
 * responses to the creating request (§13.2.2.4).
 */
#include <errno.h>

#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"

#include "dialog/dialog.h"

/* Party and id fields from our request's From and the response's To. */
static int fill_parties(struct sip_dialog *d, struct sip_msg *req,
			struct sip_msg *resp)
{
	const struct sip_addr *from, *to;
	struct sip_pl callid;
	int err;

	if ((err = sip_msg_from(req, &from)) || (err = sip_msg_to(resp, &to)) ||
	    (err = sip_msg_callid(resp, &callid)))
		return err == ENOENT ? EBADMSG : err;
	if (!sip_pl_isset(&from->tag) || !sip_pl_isset(&to->tag) ||
	    to->tag.len == 0 || from->tag.len == 0)
		return EINVAL;
	if ((err = sip_dialog_strset(&d->callid, callid)) ||
	    (err = sip_dialog_strset(&d->ltag, from->tag)) ||
	    (err = sip_dialog_strset(&d->rtag, to->tag)) ||
	    (err = sip_dialog_strset(&d->local, from->raw)) ||
	    (err = sip_dialog_strset(&d->remote, to->raw)) ||
	    (err = sip_dialog_strset(&d->luri, from->uri_raw)) ||
	    (err = sip_dialog_strset(&d->ruri, to->uri_raw)))
		return err;
	return 0;
}

/* §12.1.2: route set = Record-Route reversed; remote target = Contact. */
static int fill_routing(struct sip_dialog *d, struct sip_msg *resp)
{
	struct sip_dialog_route *routes;
	const struct sip_addr *rr;
	size_t n;
	int err;

	err = sip_msg_record_route(resp, &rr);
	if (err == ENOENT)
		rr = NULL;
	else if (err)
		return err;
	err = sip_dialog_target_from(d, resp);
	if (err)
		return err;
	err = sip_dialog_routes_build(rr, true, &routes, &n);
	if (err)
		return err;
	sip_dialog_routes_set(d, routes, n);
	return 0;
}

/* Our side: CSeq, Contact, secure flag, default remote target. */
static int fill_local(struct sip_dialog *d, struct sip_msg *req)
{
	const struct sip_cseq *cseq;
	const struct sip_addr *c;
	const struct sip_uri *ruri;
	int err;

	if ((err = sip_msg_cseq(req, &cseq)) || (err = sip_msg_ruri(req, &ruri)))
		return err == ENOENT ? EBADMSG : err;
	d->lcseq = cseq->num;
	if (cseq->mid == SIP_INVITE)
		d->invite_cseq = cseq->num;
	/* §12.1.2: secure when sent over TLS with a sips Request-URI; the
	 * scheme is what we can see here. */
	d->secure = ruri->scheme == SIP_URI_SIPS;
	err = sip_msg_contact(req, &c);
	if (err == 0 && !c->star)
		err = sip_dialog_strset(&d->contact, c->uri_raw);
	else if (err == ENOENT)
		err = 0;
	if (err)
		return err;
	/* A 1xx without Contact still creates the dialog: target the
	 * Request-URI until a Contact arrives. */
	return sip_dialog_strset(&d->rtarget, req->ruri);
}

int sip_dialog_uac_alloc(struct sip_dialog **dp, struct sip_msg *req,
			 struct sip_msg *resp)
{
	struct sip_dialog *d;
	int err;

	if (!dp || !req || !resp || !req->req || resp->req ||
	    resp->scode <= 100 || resp->scode >= 300)
		return EINVAL;
	d = sip_dialog_new(resp->scode < 200 ? SIP_DIALOG_EARLY
					      : SIP_DIALOG_CONFIRMED);
	if (!d)
		return ENOMEM;
	d->uac = true;
	if ((err = fill_parties(d, req, resp)) || (err = fill_local(d, req)) ||
	    (err = fill_routing(d, resp))) {
		sip_mem_deref(d);
		return err;
	}
	*dp = d;
	return 0;
}

/* 2xx on an early dialog: recompute route set and target, confirm. */
static int confirm(struct sip_dialog *d, struct sip_msg *resp)
{
	char *old = d->rtarget;
	int err;

	d->rtarget = NULL;
	err = sip_dialog_strset(&d->rtarget, sip_pl_str(old));
	if (!err)
		err = fill_routing(d, resp);
	if (err) {
		sip_mem_deref(d->rtarget);
		d->rtarget = old;
		return err;
	}
	sip_mem_deref(old);
	sip_dialog_set_state(d, SIP_DIALOG_CONFIRMED);
	return 0;
}

int sip_dialog_uac_update(struct sip_dialog *d, struct sip_msg *resp)
{
	if (!d->uac || resp->req || !sip_dialog_match_resp(d, resp))
		return EINVAL;
	if (d->state == SIP_DIALOG_TERMINATED)
		return 0;
	if (resp->scode >= 300) {
		if (d->state == SIP_DIALOG_EARLY)
			sip_dialog_set_state(d, SIP_DIALOG_TERMINATED);
		return 0;
	}
	if (resp->scode >= 200) {
		if (d->state == SIP_DIALOG_EARLY)
			return confirm(d, resp);
		/* a retransmitted 2xx: the route set is frozen (§12.2.1.2) */
		return 0;
	}
	if (d->state == SIP_DIALOG_EARLY)
		return sip_dialog_target_from(d, resp);
	return 0;
}
