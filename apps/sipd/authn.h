/*
 * authn.h - digest authentication of one request a role holds (RFC 3261
 * §22, RFC 7616): the registrar's REGISTER (Authorization, answered 401)
 * and the proxy's requests from our users (Proxy-Authorization, answered
 * 407) go through the same steps:
 *
 *   1. the credentials for the domain's realm are picked from the request
 *      (none: a challenge);
 *   2. the user's HA1s are fetched from the store, asynchronously (an
 *      unknown user gets no HA1 and goes on exactly like a wrong password,
 *      so the answers do not tell them apart);
 *   3. sip_auth_check() decides: authenticated, challenge (maybe stale),
 *      403 (a blocked source), or 400 for credentials that do not parse.
 *
 * A role embeds a struct sipd_authn in its request context, sets the
 * domain with sipd_authn_domain(), and calls sipd_authn_start(); the
 * verdict comes back once through its handler, which then answers.
 */
#ifndef SIPD_AUTHN_H
#define SIPD_AUTHN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/auth.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;
struct sip_out;
struct sipd;

/* Longest user name or domain looked up in the store. */
#define SIPD_AUTHN_NAME_MAX 256

enum sipd_authn_verdict {
	SIPD_AUTHN_OK,          /* the request is from a->username */
	SIPD_AUTHN_CHALLENGE,   /* answer 401/407 with sipd_authn_challenge() */
	SIPD_AUTHN_REFUSE,      /* answer a->scode with a->reason (may be NULL) */
	SIPD_AUTHN_CANCELED,    /* the store is closing: answer nothing */
};

typedef void (sipd_authn_h)(void *arg, enum sipd_authn_verdict v);

struct sipd_authn {
	char domain[SIPD_AUTHN_NAME_MAX];   /* lower case */
	char realm[SIP_AUTH_REALM_MAX + 1];
	char username[SIPD_AUTHN_NAME_MAX]; /* from the credentials */
	bool stale;                         /* CHALLENGE: the nonce had expired */
	uint16_t scode;                     /* REFUSE: 400, 403 or 500 */
	const char *reason;                 /* REFUSE: reason phrase or NULL */

	/* private */
	struct sipd *sd;
	struct sip_msg *m;                  /* borrowed from the caller */
	enum sip_hdr_id hdr;                /* (Proxy-)Authorization */
	const struct sockaddr *src;         /* borrowed from the caller */
	sipd_authn_h *done;
	void *arg;
	char ha1_md5[SIP_AUTH_HEX_SIZE];    /* "" when unknown */
	char ha1_sha256[SIP_AUTH_HEX_SIZE];
};

/**
 * Set a->domain (lower case) and a->realm (auth.realms, else auth.realm,
 * else the domain) from @p host. False when @p host is too long.
 */
bool sipd_authn_domain(struct sipd_authn *a, const struct sipd *sd,
		       struct sip_pl host);

/**
 * Check @p m's credentials in header @p hdr (SIP_HDR_AUTHORIZATION or
 * SIP_HDR_PROXY_AUTHORIZATION) for a->realm; @p m and @p src must stay
 * valid until @p done is called, exactly once, possibly before this
 * returns.
 */
void sipd_authn_start(struct sipd_authn *a, struct sipd *sd, struct sip_msg *m,
		      enum sip_hdr_id hdr, const struct sockaddr *src,
		      sipd_authn_h *done, void *arg);

/**
 * Add the challenges of a CHALLENGE verdict to response @p o: one
 * WWW-Authenticate (for Authorization) or Proxy-Authenticate per
 * configured algorithm, stale=true when a->stale.
 */
int sipd_authn_challenge(const struct sipd_authn *a, struct sip_out *o);

/**
 * sip_auth_lookup_h for sip_auth_config (@p arg is the sipd): the HA1 of
 * the request being checked, which sipd_authn_start() fetched.
 */
int sipd_authn_lookup(void *arg, struct sip_pl user, struct sip_pl realm,
		      enum sip_auth_algo algo, char ha1[SIP_AUTH_HEX_SIZE]);

#endif
