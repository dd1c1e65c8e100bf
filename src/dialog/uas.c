/*
 * uas.c - dialogs created by the UAS (RFC 3261 §12.1.1): from a received
 * request and the 1xx/2xx we answer it with.
 */
#include <errno.h>
#include <stdlib.h>

#include "sip/buf.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"

#include "dialog/dialog.h"

/* Our To value: the request's To with our tag appended (§8.2.6.2). */
static int local_party(struct sip_dialog *d, const struct sip_addr *to,
		       struct sip_pl ltag)
{
	struct sip_buf b;
	int err;

	sip_buf_init(&b);
	sip_buf_pl(&b, to->raw);
	if (!sip_pl_isset(&to->tag)) {
		sip_buf_puts(&b, ";tag=");
		sip_buf_pl(&b, ltag);
	}
	err = sip_buf_err(&b);
	if (!err)
		err = sip_dialog_strset(&d->local, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	return err;
}

static int fill_parties(struct sip_dialog *d, struct sip_msg *req,
			struct sip_pl ltag)
{
	const struct sip_addr *from, *to;
	struct sip_pl callid;
	int err;

	if ((err = sip_msg_from(req, &from)) || (err = sip_msg_to(req, &to)) ||
	    (err = sip_msg_callid(req, &callid)))
		return err == ENOENT ? EBADMSG : err;
	if (!sip_pl_isset(&from->tag) || from->tag.len == 0)
		return EINVAL;
	if ((err = sip_dialog_strset(&d->callid, callid)) ||
	    (err = sip_dialog_strset(&d->ltag, ltag)) ||
	    (err = sip_dialog_strset(&d->rtag, from->tag)) ||
	    (err = local_party(d, to, ltag)) ||
	    (err = sip_dialog_strset(&d->remote, from->raw)) ||
	    (err = sip_dialog_strset(&d->luri, to->uri_raw)) ||
	    (err = sip_dialog_strset(&d->ruri, from->uri_raw)))
		return err;
	return 0;
}

static int fill_rest(struct sip_dialog *d, struct sip_msg *req,
		     struct sip_pl contact)
{
	struct sip_dialog_route *routes;
	const struct sip_addr *rr;
	const struct sip_cseq *cseq;
	const struct sip_uri *ruri;
	size_t n;
	int err;

	if ((err = sip_msg_cseq(req, &cseq)) || (err = sip_msg_ruri(req, &ruri)))
		return err == ENOENT ? EBADMSG : err;
	d->rcseq = cseq->num;
	d->rcseq_set = true;
	d->secure = ruri->scheme == SIP_URI_SIPS;
	if ((err = sip_dialog_strset(&d->contact, contact)) ||
	    (err = sip_dialog_strset(&d->rtarget, req->ruri)) ||
	    (err = sip_dialog_target_from(d, req)))
		return err;
	err = sip_msg_record_route(req, &rr);
	if (err == ENOENT)
		rr = NULL;
	else if (err)
		return err;
	/* §12.1.1: the route set is the Record-Route list in order */
	err = sip_dialog_routes_build(rr, false, &routes, &n);
	if (err)
		return err;
	sip_dialog_routes_set(d, routes, n);
	return 0;
}

int sip_dialog_uas_alloc(struct sip_dialog **dp, struct sip_msg *req,
			 uint16_t scode, struct sip_pl ltag, struct sip_pl contact)
{
	struct sip_dialog *d;
	int err;

	if (!dp || !req || !req->req || scode <= 100 || scode >= 300 ||
	    !ltag.p || ltag.len == 0 || !contact.p)
		return EINVAL;
	d = sip_dialog_new(scode < 200 ? SIP_DIALOG_EARLY : SIP_DIALOG_CONFIRMED);
	if (!d)
		return ENOMEM;
	if ((err = fill_parties(d, req, ltag)) ||
	    (err = fill_rest(d, req, contact))) {
		sip_mem_deref(d);
		return err;
	}
	*dp = d;
	return 0;
}
