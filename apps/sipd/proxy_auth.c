/*
 * proxy_auth.c - proxy authentication (RFC 3261 §22.3, RFC 7616): an
 * out-of-dialog request from a user of one of our domains carries
 * Proxy-Authorization for the domain's realm, checked against the HA1s
 * fetched from the store (authn.c, shared with register.c), or gets
 * 407 with one Proxy-Authenticate per configured algorithm.
 */
#include <errno.h>

#include "sip/addr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"

#include "authn.h"
#include "proxy_priv.h"
#include "reply.h"
#include "sipd.h"

/* 407 with a challenge per configured algorithm. */
static void challenge(struct pctx *c)
{
	struct sipd *sd = c->sd;
	struct sip_out *o;
	int err = sipd_reply_build(sd, &c->h.rq, 407, NULL, &o);

	if (err) {
		px_finish(c, 500, NULL);
		return;
	}
	err = sipd_authn_challenge(&c->an, o);
	if (!err && sipd_reply_send(sd, &c->h.rq, o, 407))
		sd->stats.dropped++;
	sip_out_free(o);
	if (err)
		px_finish(c, 500, NULL);
	else
		sip_mem_deref(c);
}

/* sipd_authn_h: the verdict. Consumes the reference px_authenticate()
 * was given. */
static void on_authn(void *arg, enum sipd_authn_verdict v)
{
	struct pctx *c = arg;

	if (v == SIPD_AUTHN_CANCELED || !c->sd->proxy) {
		sip_mem_deref(c);
		return;
	}
	switch (v) {
	case SIPD_AUTHN_OK:
		c->authed = true;
		px_route_request(c);
		break;
	case SIPD_AUTHN_CHALLENGE:
		challenge(c);
		break;
	default:
		px_finish(c, c->an.scode, c->an.reason);
		break;
	}
}

/* Step 4: a request from one of our users must carry credentials. */
bool px_needs_auth(struct pctx *c)
{
	struct sipd *sd = c->sd;
	const struct sip_addr *from;

	return sd->proxy_auth && sd->auth && sd->store && !c->in_dialog &&
	       !sip_msg_from(c->h.m, &from) && px_our_domain(sd, from->uri.host) &&
	       sipd_authn_domain(&c->an, sd, from->uri.host);
}

void px_authenticate(struct pctx *c)
{
	sipd_authn_start(&c->an, c->sd, c->h.m, SIP_HDR_PROXY_AUTHORIZATION,
			 &c->h.src.remote.u.sa, on_authn, c);
}
