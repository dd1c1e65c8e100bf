/*
 * auth.h - HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616,
 * RFC 8760): hashing helpers, the server side (challenges, stateless
 * nonces, nonce-count replay checks, per-source rate limiting) and the
 * client side (answering 401/407 challenges).
 *
 * Users are known by their HA1 = H(username ":" realm ":" password) only,
 * one per algorithm; the plaintext password is never needed by a server.
 *
 * Server, in a UAS or proxy core:
 *
 *     struct sip_auth_result r;
 *     err = sip_auth_check(auth, req, SIP_HDR_AUTHORIZATION, realm, src, &r);
 *     // err: EBADMSG -> 400 (req->err), else 500
 *     switch (r.status) {
 *     case SIP_AUTH_OK:        // r.user is authenticated
 *     case SIP_AUTH_CHALLENGE: // 401 + sip_auth_challenge(auth, resp,
 *                              //   SIP_HDR_WWW_AUTHENTICATE, realm, r.stale)
 *     case SIP_AUTH_FORBIDDEN: // 403: the source is blocked
 *     }
 *
 * Proxies use SIP_HDR_PROXY_AUTHORIZATION, 407 and
 * SIP_HDR_PROXY_AUTHENTICATE instead (§22.3).
 */
#ifndef SIP_AUTH_H
#define SIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/authhdr.h"
#include "sip/buf.h"
#include "sip/hdr.h"
#include "sip/pl.h"

struct sip_msg;
struct sip_out;

enum {
	SIP_AUTH_HEX_SIZE = 65,       /* hex digest of any algorithm, NUL included */
	SIP_AUTH_NONCE_TTL = 300,     /* s, nonce lifetime */
	SIP_AUTH_MAX_FAILURES = 10,   /* failed attempts per source ... */
	SIP_AUTH_FAIL_WINDOW = 60,    /* ... within this many s ... */
	SIP_AUTH_BLOCK_TIME = 60,     /* ... block the source this many s */
	SIP_AUTH_NC_SLOTS = 65536,    /* nonces remembered for nonce-count checks */
	SIP_AUTH_SRC_SLOTS = 4096,    /* sources remembered for rate limiting */
	SIP_AUTH_ALGOS_MAX = 4,       /* challenges per response */
	SIP_AUTH_CLIENT_REALMS = 8,   /* realms a client remembers */
	SIP_AUTH_REALM_MAX = 512,     /* longest realm, bytes */
};

/* ---- hashing (hash.c) ---- */

/**
 * True for the algorithms this library computes: MD5, SHA-256 and
 * SHA-512-256 and their -sess variants; NONE counts as MD5 (§22.4).
 */
bool sip_auth_algo_supported(enum sip_auth_algo algo);

/**
 * The algorithm without its -sess suffix (the one HA1 is stored for);
 * NONE gives MD5; unsupported algorithms give SIP_AUTH_ALGO_OTHER.
 */
enum sip_auth_algo sip_auth_algo_base(enum sip_auth_algo algo);

/** Hex length of a digest of @p algo: 32 or 64; 0 when unsupported. */
size_t sip_auth_hex_len(enum sip_auth_algo algo);

/**
 * H(parts[0] ":" parts[1] ":" ... parts[n-1]) with the hash of @p algo,
 * as lowercase hex, NUL-terminated, into @p hex. Parts may be empty.
 * Returns 0, ENOTSUP for an unsupported algorithm, ENOMEM.
 */
int sip_auth_hash(enum sip_auth_algo algo, const struct sip_pl *parts, size_t n,
		  char hex[SIP_AUTH_HEX_SIZE]);

/**
 * HA1 = H(user ":" realm ":" password) (RFC 7616 §3.4.2) for the base
 * hash of @p algo: what a user store keeps instead of the password.
 * Returns as sip_auth_hash().
 */
int sip_auth_ha1(enum sip_auth_algo algo, struct sip_pl user, struct sip_pl realm,
		 struct sip_pl password, char ha1[SIP_AUTH_HEX_SIZE]);

/** Inputs of a request-digest (RFC 7616 §3.4.1); values unquoted. */
struct sip_auth_digest {
	enum sip_auth_algo algo;   /* NONE: MD5 */
	struct sip_pl ha1;         /* hex HA1 of the base algorithm, any case */
	struct sip_pl nonce;
	struct sip_pl nc;          /* nonce-count as sent ("00000001"); with qop */
	struct sip_pl cnonce;      /* with qop, and for -sess */
	enum sip_auth_qop qop;     /* SIP_QOP_AUTH, SIP_QOP_AUTH_INT, or 0 for
	                              none (RFC 2069 compatibility) */
	struct sip_pl method;
	struct sip_pl uri;         /* digest-uri */
	struct sip_pl body;        /* message body, for auth-int */
	const void *md;            /* optional: OpenSSL's EVP_MD of algo's
	                              hash, fetched once by the caller (a
	                              server does): saves the implicit fetch
	                              OpenSSL 3 makes per hash otherwise.
	                              NULL: looked up */
};

/**
 * The request-digest ("response" parameter) of @p d as lowercase hex.
 * -sess algorithms derive H(HA1 ":" nonce ":" cnonce) first; auth-int
 * hashes the body into A2. Returns 0; ENOTSUP (algorithm, qop); EINVAL
 * when ha1 is not hex of the algorithm's length; ENOMEM.
 */
int sip_auth_digest_response(const struct sip_auth_digest *d,
			     char out[SIP_AUTH_HEX_SIZE]);

/* ---- server (server.c, nonce.c, replay.c, limit.c) ---- */

struct sip_auth;

/**
 * Credential lookup: write the hex HA1 of @p user in @p realm for
 * @p algo (MD5, SHA-256 or SHA-512-256: never a -sess variant) into
 * @p ha1, NUL-terminated. Returns 0, ENOENT for an unknown user (or no
 * HA1 for that algorithm), another errno value on a store failure.
 * @p user and @p realm are unquoted; they are not NUL-terminated.
 */
typedef int (sip_auth_lookup_h)(void *arg, struct sip_pl user, struct sip_pl realm,
				enum sip_auth_algo algo, char ha1[SIP_AUTH_HEX_SIZE]);

/** Clock in milliseconds (the default reads CLOCK_REALTIME). */
typedef uint64_t (sip_auth_clock_h)(void *arg);

/**
 * A source has just been blocked after @p failures failed attempts; it
 * gets 403 for @p block_s seconds. For logs.
 */
typedef void (sip_auth_block_h)(void *arg, const struct sockaddr *src,
				uint32_t failures, uint32_t block_s);

/** Configuration; a field left 0 (or NULL) takes the default shown. */
struct sip_auth_config {
	sip_auth_lookup_h *lookup;      /* required */
	void *lookup_arg;
	sip_auth_clock_h *clock;        /* ms; CLOCK_REALTIME */
	void *clock_arg;
	/* offered in this order, one challenge header each; all NONE:
	   SHA-256 then MD5 (RFC 8760 §2.4: strongest first) */
	enum sip_auth_algo algos[SIP_AUTH_ALGOS_MAX];
	uint32_t nonce_ttl;             /* s; SIP_AUTH_NONCE_TTL */
	bool opaque;                    /* send (and require) an opaque value */
	uint32_t max_failures;          /* SIP_AUTH_MAX_FAILURES */
	uint32_t fail_window;           /* s; SIP_AUTH_FAIL_WINDOW */
	uint32_t block_time;            /* s; SIP_AUTH_BLOCK_TIME */
	size_t nc_slots;                /* SIP_AUTH_NC_SLOTS */
	size_t src_slots;               /* SIP_AUTH_SRC_SLOTS */
	sip_auth_block_h *blocked;      /* optional */
	void *blocked_arg;
	/* key of the nonce HMAC; all zero: random per start. Nodes sharing
	   users (Redis) share a configured secret and a clock so that a nonce
	   from one is valid at another */
	uint8_t secret[32];
};

/** Counters, for metrics. */
struct sip_auth_stats {
	uint64_t challenges;     /* responses given challenge headers */
	uint64_t successes;
	uint64_t failures;       /* wrong response, unknown user, credentials
	                            not matching the challenge or the request */
	uint64_t stale;          /* right password, expired/unknown nonce */
	uint64_t replays;        /* nonce-count not above the last one seen */
	uint64_t blocked;        /* sources blocked */
	uint64_t forbidden;      /* requests refused from blocked sources */
	uint64_t nc_evicted;     /* live nonces forgotten to bound memory */
	uint64_t src_evicted;    /* sources forgotten to bound memory */
};

enum sip_auth_status {
	SIP_AUTH_OK,             /* authenticated: res->user */
	SIP_AUTH_CHALLENGE,      /* answer 401 / 407 with sip_auth_challenge() */
	SIP_AUTH_FORBIDDEN,      /* answer 403: the source is blocked */
};

/* Why, for logs and tests; never told to the peer. */
enum sip_auth_why {
	SIP_AUTH_WHY_NONE,           /* OK */
	SIP_AUTH_WHY_NO_CREDENTIALS, /* none (for this realm, of scheme Digest) */
	SIP_AUTH_WHY_MISMATCH,       /* algorithm or qop not offered, uri not the
	                                Request-URI, opaque not ours */
	SIP_AUTH_WHY_FAILED,         /* wrong response or unknown user: the two
	                                are not told apart, by design */
	SIP_AUTH_WHY_STALE,          /* right response, but the nonce expired,
	                                is not ours (say, from before a
	                                restart) or was forgotten */
	SIP_AUTH_WHY_REPLAY,         /* right response, nonce-count reused */
	SIP_AUTH_WHY_BLOCKED,        /* the source is (now) blocked */
};

struct sip_auth_result {
	enum sip_auth_status status;
	enum sip_auth_why why;
	bool stale;              /* CHALLENGE: send stale=true */
	struct sip_pl user;      /* OK: user name, unquoted; lives as the request */
	enum sip_auth_algo algo; /* OK: algorithm used (NONE: MD5) */
};

/**
 * New server context with a copy of @p cfg. Free with sip_mem_deref().
 * Returns 0; EINVAL (no lookup, an unsupported or repeated algorithm);
 * ENOMEM; EIO when no random secret can be drawn.
 */
int sip_auth_alloc(struct sip_auth **ap, const struct sip_auth_config *cfg);

/**
 * Check the credentials of request @p req in header @p hdr
 * (SIP_HDR_AUTHORIZATION or SIP_HDR_PROXY_AUTHORIZATION) for @p realm,
 * the realm of the domain the request is for. @p src is where the
 * request came from (rate limiting per IP; IPv6 per /64), or NULL.
 *
 * The credentials must name an offered algorithm, qop=auth, a uri equal
 * to the Request-URI (§22.4: compared as URIs when both parse), our
 * opaque if configured, a nonce we issued for @p realm within the
 * lifetime, a nonce-count above any seen with that nonce, and the right
 * response. An unknown user costs the same hashing as a wrong password
 * and gets the same result.
 *
 * Returns 0 with @p res filled; EINVAL (bad @p hdr, not a request);
 * EBADMSG when the header is malformed (req->err says why: answer 400);
 * ENOMEM; or the lookup's error.
 */
int sip_auth_check(struct sip_auth *a, struct sip_msg *req, enum sip_hdr_id hdr,
		   struct sip_pl realm, const struct sockaddr *src,
		   struct sip_auth_result *res);

/**
 * Add the challenges for @p realm to response @p resp: one header @p hdr
 * (SIP_HDR_WWW_AUTHENTICATE or SIP_HDR_PROXY_AUTHENTICATE) per offered
 * algorithm, in order, each with a fresh nonce, qop="auth", and
 * stale=true when @p stale. Returns 0; EINVAL (bad @p hdr, @p realm
 * longer than SIP_AUTH_REALM_MAX); ENOMEM (some headers may then have
 * been added: discard @p resp).
 */
int sip_auth_challenge(struct sip_auth *a, struct sip_out *resp, enum sip_hdr_id hdr,
		       struct sip_pl realm, bool stale);

/** Counters of @p a. */
const struct sip_auth_stats *sip_auth_stats(const struct sip_auth *a);

/** Debug dump: configuration, counters, table use. */
void sip_auth_debug(struct sip_buf *b, const struct sip_auth *a);

/* ---- client (answer.c, client.c) ---- */

/** What one Authorization value answers (RFC 7616 §3.4); values unquoted. */
struct sip_auth_answer {
	struct sip_pl user;
	struct sip_pl realm;
	struct sip_pl nonce;
	struct sip_pl opaque;     /* unset: none */
	enum sip_auth_algo algo;  /* NONE: no algorithm parameter, MD5 */
	struct sip_pl ha1;        /* hex HA1 of the base algorithm */
	enum sip_auth_qop qop;    /* SIP_QOP_AUTH, SIP_QOP_AUTH_INT, or 0 */
	struct sip_pl cnonce;     /* with qop */
	uint32_t nc;              /* with qop */
	struct sip_pl method;
	struct sip_pl uri;        /* the Request-URI as sent */
	struct sip_pl body;       /* auth-int */
};

/**
 * Print the credentials value ("Digest username=..., response=...") of
 * @p an into @p b. Returns 0, or the error of the digest (ENOTSUP,
 * EINVAL, ENOMEM); allocation failure of @p b is sticky there.
 */
int sip_auth_answer_print(struct sip_buf *b, const struct sip_auth_answer *an);

struct sip_auth_client;

/** Credentials of a user for one realm; copied. */
struct sip_auth_cred {
	const char *realm;          /* NULL: any realm without an entry of its own */
	const char *user;           /* required */
	const char *password;       /* NULL when only HA1s are known */
	const char *ha1_md5;        /* hex HA1 per algorithm, NULL when unknown */
	const char *ha1_sha256;
	const char *ha1_sha512_256;
};

/** Write a fresh NUL-terminated cnonce into @p buf (@p size bytes). 0 or errno. */
typedef int (sip_auth_cnonce_h)(void *arg, char *buf, size_t size);

struct sip_auth_client_config {
	sip_auth_cnonce_h *cnonce;  /* NULL: 16 random bytes in hex */
	void *cnonce_arg;
	bool no_md5;                /* never answer MD5 challenges */
};

/** The request being authorised. */
struct sip_auth_request {
	struct sip_pl method;
	struct sip_pl uri;          /* Request-URI as it will be sent */
	struct sip_pl body;         /* for qop=auth-int */
};

/**
 * New client state: credentials per realm, and per realm answered its
 * nonce and nonce-count. @p cfg may be NULL. Free with sip_mem_deref().
 * Returns 0 or ENOMEM.
 */
int sip_auth_client_alloc(struct sip_auth_client **cp,
			  const struct sip_auth_client_config *cfg);

/**
 * Add credentials, replacing those for the same realm (and forgetting
 * that realm's nonce). Returns 0, EINVAL (no user, or neither password
 * nor HA1), ENOMEM.
 */
int sip_auth_client_cred_add(struct sip_auth_client *c, const struct sip_auth_cred *cred);

/**
 * Answer the 401 / 407 response @p resp to a request, adding to the
 * request's retry @p out (new CSeq, built by the caller) an Authorization
 * (401) or Proxy-Authorization (407) header for each challenged realm we
 * have credentials for, plus those for realms answered before (§22.3).
 * Per realm the strongest challenge we can answer wins: SHA-512-256,
 * SHA-256, then MD5, qop auth over auth-int over none.
 *
 * stale=true renews the nonce without giving up. A challenge without it
 * for a realm we had just answered (in reply to a challenge) means the
 * credentials were refused: EACCES, and the realm's nonce is forgotten.
 *
 * Returns 0; EACCES (refused, or no credentials for any realm); ENOTSUP
 * (no challenge with an algorithm and qop we can do); EINVAL (not a
 * 401/407); EBADMSG (malformed challenges); ENOMEM; a cnonce error.
 */
int sip_auth_client_respond(struct sip_auth_client *c, struct sip_msg *resp,
			    const struct sip_auth_request *req, struct sip_out *out);

/**
 * Add credentials for every realm answered before to a new request @p out
 * (the nonce reused with the next nonce-count), so that it may pass
 * without a challenge. Call it for every new request: it also starts a
 * new attempt for the refusal rule of sip_auth_client_respond().
 * Returns 0, ENOMEM, or a cnonce error.
 */
int sip_auth_client_authorize(struct sip_auth_client *c,
			      const struct sip_auth_request *req, struct sip_out *out);

#endif
