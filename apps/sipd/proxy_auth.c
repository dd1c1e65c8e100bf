/*
 * proxy_auth.c - proxy authentication (RFC 3261 §22.3, RFC 7616): an
 * out-of-dialog request from a user of one of our domains carries
 * Proxy-Authorization for the domain's realm, checked against the HA1s
 * fetched from the store (asynchronously, as register.c does), or gets
 * 407 with one Proxy-Authenticate per configured algorithm.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/addr.h"
#include "sip/auth.h"
#include "sip/authhdr.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/store.h"

#include "proxy_priv.h"
#include "reply.h"
#include "sipd.h"

static bool pl_is(struct sip_pl pl, const char *s)
{
	return strlen(s) == pl.len && !memcmp(pl.p, s, pl.len);
}

static int lookup_h(void *arg, struct sip_pl user, struct sip_pl realm,
		    enum sip_auth_algo algo, char ha1[SIP_AUTH_HEX_SIZE])
{
	struct pctx *c = arg;
	const char *h = algo == SIP_AUTH_ALGO_SHA256 ? c->ha1_sha256 :
			algo == SIP_AUTH_ALGO_MD5 ? c->ha1_md5 : "";

	if (!*h || !pl_is(user, c->username) || !pl_is(realm, c->realm))
		return ENOENT;
	memcpy(ha1, h, strlen(h) + 1);
	return 0;
}

/* 407 with a challenge per configured algorithm. */
static void challenge(struct pctx *c, bool stale)
{
	struct sipd *sd = c->sd;
	struct sip_out *o;
	int err = sipd_reply_build(sd, &c->rq, 407, NULL, &o);

	if (err) {
		px_finish(c, 500, NULL);
		return;
	}
	err = sip_auth_challenge(sd->auth, o, SIP_HDR_PROXY_AUTHENTICATE,
				 sip_pl_str(c->realm), stale);
	if (!err && sipd_reply_send(sd, &c->rq, o, 407))
		sd->stats.dropped++;
	sip_out_free(o);
	if (err)
		px_finish(c, 500, NULL);
	else
		sip_mem_deref(c);
}

static void check(struct pctx *c)
{
	struct sipd *sd = c->sd;
	struct sip_auth_result r;
	int err;

	sd->auth_ctx = c;
	sd->auth_lookup = lookup_h;
	err = sip_auth_check(sd->auth, c->m, SIP_HDR_PROXY_AUTHORIZATION,
			     sip_pl_str(c->realm), &c->src.remote.u.sa, &r);
	sd->auth_ctx = NULL;
	if (err == EBADMSG)
		px_finish(c, 400, c->m->err ? c->m->err : "Bad Proxy-Authorization header");
	else if (err)
		px_finish(c, 500, NULL);
	else if (r.status == SIP_AUTH_FORBIDDEN)
		px_finish(c, 403, NULL);
	else if (r.status == SIP_AUTH_CHALLENGE)
		challenge(c, r.stale);
	else {
		c->authed = true;
		px_route_request(c);
	}
}

static void on_user(void *arg, int err, const struct sip_user *u)
{
	struct pctx *c = arg;

	if (err == ECANCELED || !c->sd->proxy) {
		sip_mem_deref(c);
		return;
	}
	sipd_clock_sync(&c->sd->clock, &c->sd->loop);
	if (err && err != ENOENT) {
		px_finish(c, 500, NULL);
		return;
	}
	if (u && u->ha1_md5)
		snprintf(c->ha1_md5, sizeof(c->ha1_md5), "%s", u->ha1_md5);
	if (u && u->ha1_sha256)
		snprintf(c->ha1_sha256, sizeof(c->ha1_sha256), "%s", u->ha1_sha256);
	check(c);
}

/* Step 4: a request from one of our users must carry credentials. */
bool px_needs_auth(struct pctx *c)
{
	struct sipd *sd = c->sd;
	const struct sip_addr *from;

	if (!sd->proxy_auth || !sd->auth || !sd->store || c->in_dialog ||
	    sip_msg_from(c->m, &from) || !px_our_domain(sd, from->uri.host) ||
	    from->uri.host.len >= sizeof(c->domain))
		return false;
	sip_pl_strcpy(from->uri.host, c->domain, sizeof(c->domain));
	for (char *p = c->domain; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(c->realm, sizeof(c->realm), "%s",
		 sipd_config_realm(sd->cfg, c->domain));
	return true;
}

void px_authenticate(struct pctx *c)
{
	const struct sip_credentials *first, *cr;
	int err = sip_msg_credentials(c->m, SIP_HDR_PROXY_AUTHORIZATION, &first);

	if (err == EBADMSG) {
		px_finish(c, 400, c->m->err ? c->m->err : "Bad Proxy-Authorization header");
		return;
	}
	cr = err ? NULL : sip_credentials_find(first, sip_pl_str(c->realm));
	if (!cr || !cr->username.len || cr->username.len >= sizeof(c->username)) {
		check(c);   /* no credentials for us: a challenge */
		return;
	}
	sip_pl_strcpy(cr->username, c->username, sizeof(c->username));
	if (sip_store_user_get(c->sd->store, c->username, c->domain, on_user, c))
		px_finish(c, 500, NULL);
}
