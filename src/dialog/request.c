/*
 * request.c - building requests within a dialog (RFC 3261 §12.2.1.1):
 * Request-URI and Route from the remote target and route set, loose and
 * strict routing (§16.12), From/To/Call-ID/CSeq from the dialog state.
 */
#include <errno.h>
#include <string.h>

#include "sip/buf.h"
#include "sip/out.h"
#include "sip/uri.h"

#include "dialog/dialog.h"

/* Print @p uri fit for a Request-URI (§19.1.1 table): headers ("?...")
 * and the "method" parameter dropped. */
static void ruri_of(struct sip_buf *b, const char *uri)
{
	struct sip_pl raw = sip_pl_str(uri), ps;
	struct sip_uri u;
	size_t i, start;

	if (sip_uri_decode(&u, raw) || u.scheme > SIP_URI_SIPS ||
	    !u.params.p) {
		const char *q = strchr(uri, '?');

		sip_buf_append(b, uri, q ? (size_t)(q - uri) : raw.len);
		return;
	}
	ps = u.params;
	sip_buf_append(b, uri, (size_t)(ps.p - uri));
	/* params run from one ';' to the next */
	for (start = 0, i = 1; i <= ps.len; i++) {
		struct sip_pl one;

		if (i < ps.len && ps.p[i] != ';')
			continue;
		one = (struct sip_pl){ ps.p + start, i - start };
		if (!(one.len >= 7 && sip_pl_casecmp((struct sip_pl){ one.p, 7 },
						     SIP_PL(";method")) &&
		      (one.len == 7 || one.p[7] == '=')))
			sip_buf_pl(b, one);
		start = i;
	}
}

/* §12.2.1.1 strict case (first route without ;lr): Request-URI = first
 * route, the rest as Route, the remote target appended as the last. */
static int add_strict_routes(struct sip_out *o, const struct sip_dialog *d)
{
	struct sip_buf b;
	size_t i = 0;
	int err;

	/* loose (or no) routing: the Request-URI stays the remote target */
	if (d->nroutes == 0 || d->routes[0].lr)
		return 0;
	sip_buf_init(&b);
	ruri_of(&b, d->routes[0].uri);
	err = sip_buf_err(&b);
	if (!err)
		err = sip_out_set_ruri(o, sip_buf_pl_get(&b));
	sip_buf_reset(&b);
	if (err)
		return err;
	for (i = 1; i < d->nroutes; i++) {
		err = sip_out_add(o, SIP_HDR_ROUTE, NULL,
				  sip_pl_str(d->routes[i].addr));
		if (err)
			return err;
	}
	return sip_out_addf(o, SIP_HDR_ROUTE, "<%s>", d->rtarget);
}

/* §12.2.1.1 loose case: the route set as Route, in order. */
static int add_loose_routes(struct sip_out *o, const struct sip_dialog *d)
{
	size_t i;
	int err;

	if (d->nroutes == 0 || !d->routes[0].lr)
		return 0;
	for (i = 0; i < d->nroutes; i++) {
		err = sip_out_add(o, SIP_HDR_ROUTE, NULL,
				  sip_pl_str(d->routes[i].addr));
		if (err)
			return err;
	}
	return 0;
}

static bool wants_contact(enum sip_method m)
{
	return sip_dialog_is_refresh(m) || m == SIP_REFER;
}

static int build(struct sip_out *o, const struct sip_dialog *d,
		 enum sip_method m, uint32_t cseq)
{
	int err;

	if ((err = sip_out_addf(o, SIP_HDR_MAX_FORWARDS, "70")) ||
	    (err = add_strict_routes(o, d)) || (err = add_loose_routes(o, d)) ||
	    (err = sip_out_add(o, SIP_HDR_FROM, NULL, sip_pl_str(d->local))) ||
	    (err = sip_out_add(o, SIP_HDR_TO, NULL, sip_pl_str(d->remote))) ||
	    (err = sip_out_add(o, SIP_HDR_CALL_ID, NULL, sip_pl_str(d->callid))) ||
	    (err = sip_out_addf(o, SIP_HDR_CSEQ, "%lu %s", (unsigned long)cseq,
				sip_method_name(m))))
		return err;
	if (wants_contact(m) && d->contact)
		return sip_out_addf(o, SIP_HDR_CONTACT, "<%s>", d->contact);
	return 0;
}

int sip_dialog_request(struct sip_out **op, struct sip_dialog *d,
		       enum sip_method method)
{
	bool same_cseq = method == SIP_ACK || method == SIP_CANCEL;
	struct sip_out *o;
	uint32_t cseq;
	int err;

	if (!op || !d || !sip_method_name(method))
		return EINVAL;
	if (d->state == SIP_DIALOG_TERMINATED)
		return EPROTO;
	if (same_cseq && d->invite_cseq == 0)
		return EINVAL;
	/* §12.2.1.1: ACK and CANCEL reuse the INVITE's number; every other
	 * request takes the next local CSeq. */
	cseq = same_cseq ? d->invite_cseq : d->lcseq + 1;
	err = sip_out_request(&o, sip_pl_str(sip_method_name(method)),
			      sip_pl_str(d->rtarget));
	if (err)
		return err;
	err = build(o, d, method, cseq);
	if (err) {
		sip_out_free(o);
		return err;
	}
	if (!same_cseq) {
		d->lcseq = cseq;
		if (method == SIP_INVITE)
			d->invite_cseq = cseq;
	}
	*op = o;
	return 0;
}
