/*
 * challenge.c - WWW-Authenticate / Proxy-Authenticate challenges of a
 * 401 / 407 (RFC 3261 §22.1-§22.3, RFC 7616 §3.3, RFC 8760 §2.4): one
 * header per offered algorithm, the preferred first, each with its own
 * fresh nonce.
 *
 *   Digest realm="<realm>", nonce="<nonce>"[, opaque="<opaque>"]
 *          [, stale=true], algorithm=<algo>, qop="auth"
 *
 * Everything but the nonce is the same for every request challenged for
 * a realm, whoever the user: the challenge tells nothing about the user
 * a request named (no enumeration).
 */
#include <errno.h>

#include "sip/auth.h"
#include "sip/out.h"
#include "auth.h"

static int one(struct sip_auth *a, struct sip_buf *b, enum sip_auth_algo algo,
	       struct sip_pl realm, bool stale, uint64_t now)
{
	char nonce[AUTH_NONCE_LEN + 1];
	int err;

	err = auth_nonce_make(&a->nonces, realm, now, nonce);
	if (err)
		return err;
	sip_buf_puts(b, "Digest ");
	auth_put_quoted(b, "realm", realm);
	sip_buf_puts(b, ", ");
	auth_put_quoted(b, "nonce", sip_pl_str(nonce));
	if (a->cfg.opaque) {
		sip_buf_puts(b, ", ");
		auth_put_quoted(b, "opaque", sip_pl_str(a->opaque));
	}
	if (stale)
		sip_buf_puts(b, ", stale=true");
	sip_buf_puts(b, ", algorithm=");
	sip_buf_puts(b, sip_auth_algo_name(algo));
	sip_buf_puts(b, ", qop=\"auth\"");
	return sip_buf_err(b);
}

int sip_auth_challenge(struct sip_auth *a, struct sip_out *resp, enum sip_hdr_id hdr,
		       struct sip_pl realm, bool stale)
{
	uint64_t now = a->cfg.clock(a->cfg.clock_arg);
	struct sip_buf b;
	int err = 0;

	if (hdr != SIP_HDR_WWW_AUTHENTICATE && hdr != SIP_HDR_PROXY_AUTHENTICATE)
		return EINVAL;
	if (realm.len > SIP_AUTH_REALM_MAX)
		return EINVAL;
	sip_buf_init(&b);
	for (size_t i = 0; !err && i < a->nalgos; i++) {
		b.len = 0;
		err = one(a, &b, a->cfg.algos[i], realm, stale, now);
		if (!err)
			err = sip_out_add(resp, hdr, NULL, sip_buf_pl_get(&b));
	}
	sip_buf_reset(&b);
	if (!err)
		a->stats.challenges++;
	return err;
}
