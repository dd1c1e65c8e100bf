/*
 * authn.c - digest authentication of one held request, shared by the
 * registrar (register.c, 401) and the proxy (proxy_auth.c, 407): the
 * steps of authn.h. RFC 3261 §22.2-22.3, RFC 7616.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/authhdr.h"
#include "sip/msg.h"
#include "sip/store.h"

#include "authn.h"
#include "sipd.h"

bool sipd_authn_domain(struct sipd_authn *a, const struct sipd *sd,
		       struct sip_pl host)
{
	if (host.len >= sizeof(a->domain))
		return false;
	sip_pl_strcpy(host, a->domain, sizeof(a->domain));
	for (char *p = a->domain; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(a->realm, sizeof(a->realm), "%s",
		 sipd_config_realm(sd->cfg, a->domain));
	return true;
}

static bool pl_is(struct sip_pl pl, const char *s)
{
	return strlen(s) == pl.len && !memcmp(pl.p, s, pl.len);
}

int sipd_authn_lookup(void *arg, struct sip_pl user, struct sip_pl realm,
		      enum sip_auth_algo algo, char ha1[SIP_AUTH_HEX_SIZE])
{
	const struct sipd *sd = arg;
	const struct sipd_authn *a = sd->authn_cur;
	const char *h;

	if (!a)
		return ENOENT;
	h = algo == SIP_AUTH_ALGO_SHA256 ? a->ha1_sha256 :
	    algo == SIP_AUTH_ALGO_MD5 ? a->ha1_md5 : "";
	/* the HA1s were fetched for a->username in a->realm only */
	if (!*h || !pl_is(user, a->username) || !pl_is(realm, a->realm))
		return ENOENT;
	memcpy(ha1, h, strlen(h) + 1);
	return 0;
}

static void refuse(struct sipd_authn *a, uint16_t scode, const char *reason)
{
	a->scode = scode;
	a->reason = reason;
	a->done(a->arg, SIPD_AUTHN_REFUSE);
}

static const char *bad_credentials(const struct sipd_authn *a)
{
	if (a->m->err)
		return a->m->err;
	return a->hdr == SIP_HDR_PROXY_AUTHORIZATION ?
		"Bad Proxy-Authorization header" : "Bad Authorization header";
}

/* sip_auth_check() with the HA1s fetched (none for an unknown user). */
static void check(struct sipd_authn *a)
{
	struct sipd *sd = a->sd;
	struct sip_auth_result r;
	int err;

	sd->authn_cur = a;
	err = sip_auth_check(sd->auth, a->m, a->hdr, sip_pl_str(a->realm),
			     a->src, &r);
	sd->authn_cur = NULL;
	if (err == EBADMSG)
		refuse(a, 400, bad_credentials(a));
	else if (err)
		refuse(a, 500, NULL);
	else if (r.status == SIP_AUTH_FORBIDDEN)
		refuse(a, 403, NULL);
	else if (r.status == SIP_AUTH_CHALLENGE) {
		a->stale = r.stale;
		a->done(a->arg, SIPD_AUTHN_CHALLENGE);
	} else {
		a->done(a->arg, SIPD_AUTHN_OK);
	}
}

static void on_user(void *arg, int err, const struct sip_user *u)
{
	struct sipd_authn *a = arg;

	if (err == ECANCELED) {
		a->done(a->arg, SIPD_AUTHN_CANCELED);
		return;
	}
	sipd_clock_sync(&a->sd->clock, &a->sd->loop);
	if (err && err != ENOENT) {
		refuse(a, 500, NULL);
		return;
	}
	if (u && u->ha1_md5)
		snprintf(a->ha1_md5, sizeof(a->ha1_md5), "%s", u->ha1_md5);
	if (u && u->ha1_sha256)
		snprintf(a->ha1_sha256, sizeof(a->ha1_sha256), "%s", u->ha1_sha256);
	check(a);
}

void sipd_authn_start(struct sipd_authn *a, struct sipd *sd, struct sip_msg *m,
		      enum sip_hdr_id hdr, const struct sockaddr *src,
		      sipd_authn_h *done, void *arg)
{
	const struct sip_credentials *first, *cr;
	int err;

	a->sd = sd;
	a->m = m;
	a->hdr = hdr;
	a->src = src;
	a->done = done;
	a->arg = arg;
	a->ha1_md5[0] = a->ha1_sha256[0] = '\0';
	err = sip_msg_credentials(m, hdr, &first);
	if (err == EBADMSG) {
		refuse(a, 400, bad_credentials(a));
		return;
	}
	cr = err ? NULL : sip_credentials_find(first, sip_pl_str(a->realm));
	if (!cr || !cr->username.len || cr->username.len >= sizeof(a->username)) {
		check(a);   /* no credentials for us: a challenge */
		return;
	}
	sip_pl_strcpy(cr->username, a->username, sizeof(a->username));
	if (sip_store_user_get(sd->store, a->username, a->domain, on_user, a))
		refuse(a, 500, NULL);
}

int sipd_authn_challenge(const struct sipd_authn *a, struct sip_out *o)
{
	enum sip_hdr_id h = a->hdr == SIP_HDR_PROXY_AUTHORIZATION ?
		SIP_HDR_PROXY_AUTHENTICATE : SIP_HDR_WWW_AUTHENTICATE;

	return sip_auth_challenge(a->sd->auth, o, h, sip_pl_str(a->realm),
				  a->stale);
}
