/*
 * answer.c - one Digest credentials value, the answer to one challenge
 * (RFC 3261 §22.2-§22.4, RFC 7616 §3.4):
 *
 *   Digest username="..", realm="..", nonce="..", uri="..",
 *          response="..", algorithm=.., cnonce="..", opaque="..",
 *          qop=auth, nc=00000001
 *
 * algorithm is left out when the challenge had none (§22.4: MD5 is
 * meant), cnonce, qop and nc when it offered no qop (RFC 2069 style).
 */
#include <errno.h>
#include <stdio.h>

#include "sip/auth.h"
#include "auth.h"

static void sep(struct sip_buf *b)
{
	sip_buf_puts(b, ", ");
}

int sip_auth_answer_print(struct sip_buf *b, const struct sip_auth_answer *an)
{
	char resp[SIP_AUTH_HEX_SIZE], nc[9];
	struct sip_auth_digest d = {
		.algo = an->algo, .ha1 = an->ha1, .nonce = an->nonce,
		.cnonce = an->cnonce, .qop = an->qop, .method = an->method,
		.uri = an->uri, .body = an->body,
	};
	int err;

	snprintf(nc, sizeof(nc), "%08x", (unsigned)an->nc);
	d.nc = sip_pl_str(nc);
	err = sip_auth_digest_response(&d, resp);
	if (err)
		return err;
	sip_buf_puts(b, "Digest ");
	auth_put_quoted(b, "username", an->user);
	sep(b);
	auth_put_quoted(b, "realm", an->realm);
	sep(b);
	auth_put_quoted(b, "nonce", an->nonce);
	sep(b);
	auth_put_quoted(b, "uri", an->uri);
	sep(b);
	auth_put_quoted(b, "response", sip_pl_str(resp));
	if (an->algo != SIP_AUTH_ALGO_NONE)
		sip_buf_printf(b, ", algorithm=%s", sip_auth_algo_name(an->algo));
	if (an->qop) {
		sep(b);
		auth_put_quoted(b, "cnonce", an->cnonce);
	}
	if (sip_pl_isset(&an->opaque)) {
		sep(b);
		auth_put_quoted(b, "opaque", an->opaque);
	}
	if (an->qop)
		sip_buf_printf(b, ", qop=%s, nc=%s",
			       an->qop == SIP_QOP_AUTH ? "auth" : "auth-int", nc);
	return sip_buf_err(b);
}
