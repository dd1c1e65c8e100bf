/*
 * authhdr.h - authentication headers: challenges in WWW-Authenticate
 * (RFC 3261 §20.44) and Proxy-Authenticate (§20.27), credentials in
 * Authorization (§20.7) and Proxy-Authorization (§20.28); Digest fields of
 * §25.1 and RFC 7616 (SHA-256, SHA-512-256, userhash, charset, username*).
 *
 * Each header line carries one challenge or one set of credentials, whose
 * auth-params are separated by commas (§25.1); a message may carry several
 * lines (one per realm, or per algorithm, RFC 8760), kept as a list in
 * message order. The scheme is compared ignoring case; for "Digest" the
 * known parameters are decoded, for other schemes the parameters are kept
 * as written. Quoted values are slices without the quotes, with any
 * quoted-pair still escaped.
 */
#ifndef SIP_AUTHHDR_H
#define SIP_AUTHHDR_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;

enum sip_auth_algo {
	SIP_AUTH_ALGO_NONE = 0,          /* absent: MD5 is meant (§22.4) */
	SIP_AUTH_ALGO_MD5,
	SIP_AUTH_ALGO_MD5_SESS,
	SIP_AUTH_ALGO_SHA256,
	SIP_AUTH_ALGO_SHA256_SESS,
	SIP_AUTH_ALGO_SHA512_256,
	SIP_AUTH_ALGO_SHA512_256_SESS,
	SIP_AUTH_ALGO_OTHER,             /* an unknown token: see ->algorithm */
};

enum sip_auth_qop {
	SIP_QOP_AUTH = 1 << 0,
	SIP_QOP_AUTH_INT = 1 << 1,
	SIP_QOP_OTHER = 1 << 2,          /* an unknown qop token */
};

/** One auth-param: name [ "=" ( token / quoted-string ) ]. */
struct sip_auth_param {
	struct sip_pl name;
	struct sip_pl value;   /* quotes excluded */
	bool quoted;
};

struct sip_challenge {
	struct sip_pl raw;         /* the header value as written */
	struct sip_pl scheme;      /* "Digest", any case */
	bool digest;               /* scheme is Digest: the fields below are set */
	struct sip_pl params;      /* everything after the scheme, as written */
	/* Digest; slices are unset when absent */
	struct sip_pl realm;       /* required */
	struct sip_pl nonce;       /* required */
	struct sip_pl domain;      /* space-separated URIs */
	struct sip_pl opaque;
	struct sip_pl algorithm;   /* as written */
	enum sip_auth_algo algo;
	struct sip_pl qop;         /* qop-options as written ("auth,auth-int") */
	unsigned qop_mask;         /* enum sip_auth_qop bits; 0 when absent */
	struct sip_pl charset;     /* RFC 7616: "UTF-8" */
	bool stale;
	bool userhash;             /* RFC 7616 */
	struct sip_challenge *next;/* next header line */
};

struct sip_credentials {
	struct sip_pl raw;
	struct sip_pl scheme;
	bool digest;
	struct sip_pl params;
	/* Digest; slices are unset when absent */
	struct sip_pl username;    /* or the username* ext-value, RFC 7616 §3.4.4 */
	bool username_ext;         /* username came as username* */
	struct sip_pl realm;
	struct sip_pl nonce;
	struct sip_pl uri;         /* digest-uri */
	struct sip_pl response;    /* request-digest, hex */
	struct sip_pl algorithm;
	enum sip_auth_algo algo;
	struct sip_pl cnonce;
	struct sip_pl opaque;
	struct sip_pl qop;         /* message-qop, one token */
	enum sip_auth_qop qop_val; /* 0 when absent */
	uint32_t nc;               /* nonce-count, when has_nc */
	bool has_nc;
	bool userhash;
	struct sip_credentials *next;
};

/**
 * Challenges of header @p id (SIP_HDR_WWW_AUTHENTICATE or
 * SIP_HDR_PROXY_AUTHENTICATE), one per header line, parsed once and
 * cached. Digest challenges must carry realm and nonce; stale and
 * userhash must be "true" or "false"; a known parameter may not repeat.
 * Returns 0 and sets @p *first; ENOENT when absent; EINVAL for another
 * @p id; EBADMSG with m->err "Bad <Name> header"; ENOMEM.
 */
int sip_msg_challenges(struct sip_msg *m, enum sip_hdr_id id,
		       const struct sip_challenge **first);

/**
 * Credentials of header @p id (SIP_HDR_AUTHORIZATION or
 * SIP_HDR_PROXY_AUTHORIZATION), one per header line, parsed once and
 * cached. Digest credentials must carry username (or username*), realm,
 * nonce, uri and response; with qop also cnonce and nc (8 hex digits).
 * Returns as sip_msg_challenges().
 */
int sip_msg_credentials(struct sip_msg *m, enum sip_hdr_id id,
			const struct sip_credentials **first);

/**
 * Parse one challenge from @p text (a header value). @p c points into
 * @p text; its ->next is set to NULL. Returns 0 or EBADMSG.
 */
int sip_challenge_decode(struct sip_challenge *c, struct sip_pl text);

/** Parse one set of credentials from @p text. Returns 0 or EBADMSG. */
int sip_credentials_decode(struct sip_credentials *cr, struct sip_pl text);

/**
 * First Digest credentials of the list @p first whose realm equals
 * @p realm (byte-exact: realm is a quoted-string), or NULL.
 */
const struct sip_credentials *sip_credentials_find(const struct sip_credentials *first,
						   struct sip_pl realm);

/**
 * Iterate over comma-separated auth-params in @p *cur (as in ->params).
 * Returns 0 and fills @p p, advancing @p *cur; ENOENT when none is left;
 * EBADMSG on a syntax error (empty element, unterminated quote, ...).
 */
int sip_auth_param_next(struct sip_pl *cur, struct sip_auth_param *p);

/** Algorithm of a name (case-insensitive); SIP_AUTH_ALGO_OTHER if unknown. */
enum sip_auth_algo sip_auth_algo_lookup(struct sip_pl name);

/** Name of an algorithm ("SHA-256"), or NULL for NONE and OTHER. */
const char *sip_auth_algo_name(enum sip_auth_algo algo);

/**
 * Print a challenge as a header value: the scheme, then for Digest the
 * known fields in a fixed order followed by the other parameters as
 * written; for other schemes the parameters as written.
 */
void sip_challenge_print(struct sip_buf *b, const struct sip_challenge *c);

/** Print credentials as a header value, like sip_challenge_print(). */
void sip_credentials_print(struct sip_buf *b, const struct sip_credentials *cr);

#endif
