/*
 * check.c - checking Digest credentials of a request (RFC 3261 §22.4,
 * RFC 7616 §3.4-§3.5 and §5, RFC 8760 §2).
 *
 * Order of the checks, and why:
 *   1. a blocked source gets 403 before anything is parsed or hashed;
 *   2. credentials for our realm (others belong to other servers, §22.3);
 *   3. what needs no secret: algorithm and qop as offered, our opaque,
 *      uri equal to the Request-URI, nonce-count not zero;
 *   4. the response, against the stored HA1 or, for an unknown user, an
 *      HA1 nobody knows, hashed the same way: both fail alike;
 *   5. only then the nonce: issued by us for this realm and not expired,
 *      else stale=true (RFC 7616 §3.3: stale only when the digest is
 *      right), then the nonce-count, recorded on success only.
 * Failures of 3 and 4 count against the source's rate limit.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sip/auth.h"
#include "sip/msg.h"
#include "sip/uri.h"
#include "auth.h"

/* Values the digest is computed over, without their quoted-pairs. */
struct fields {
	struct sip_pl user, nonce, uri, cnonce;
	struct sip_pl nc;          /* as written: the digest hashes the text */
};

static struct sip_pl raw_param(struct sip_pl params, const char *name)
{
	struct sip_auth_param p;

	while (sip_auth_param_next(&params, &p) == 0)
		if (sip_pl_caseeqs(p.name, name))
			return p.value;
	return (struct sip_pl){ NULL, 0 };
}

static int get_fields(struct sip_msg *req, const struct sip_credentials *cr,
		      struct fields *f)
{
	struct sip_arena *ar = sip_msg_arena(req);

	if (auth_unquote(ar, cr->username, &f->user) ||
	    auth_unquote(ar, cr->nonce, &f->nonce) ||
	    auth_unquote(ar, cr->uri, &f->uri) ||
	    auth_unquote(ar, cr->cnonce, &f->cnonce))
		return ENOMEM;
	f->nc = raw_param(cr->params, "nc");
	return 0;
}

static const struct sip_credentials *find(const struct sip_credentials *cr,
					  struct sip_pl realm)
{
	for (; cr; cr = cr->next)
		if (cr->digest && auth_quoted_eq(cr->realm, realm))
			return cr;
	return NULL;
}

static bool offered(const struct sip_auth *a, enum sip_auth_algo algo)
{
	/* §22.4: no algorithm parameter means MD5 */
	if (algo == SIP_AUTH_ALGO_NONE)
		algo = SIP_AUTH_ALGO_MD5;
	for (size_t i = 0; i < a->nalgos; i++)
		if (a->cfg.algos[i] == algo)
			return true;
	return false;
}

/*
 * §22.4 / RFC 7616 §3.4.6: the digest-uri must be the Request-URI. Proxies
 * and clients may print an equivalent URI differently (case of the host,
 * order of parameters), so equivalence per §19.1.4 is enough.
 */
static int uri_matches(struct sip_msg *req, struct sip_pl uri, bool *eq)
{
	const struct sip_uri *ru;
	struct sip_uri cu;
	int err;

	*eq = sip_pl_eq(uri, req->ruri);
	if (*eq)
		return 0;
	err = sip_msg_ruri(req, &ru);
	if (err == ENOMEM)
		return err;
	if (!err && !sip_uri_decode(&cu, uri))
		*eq = sip_uri_eq(ru, &cu);
	return 0;
}

/* Step 3: what the credentials say, against the challenge and the request. */
static int conforms(const struct sip_auth *a, struct sip_msg *req,
		    const struct sip_credentials *cr, const struct fields *f, bool *ok)
{
	*ok = false;
	if (!offered(a, cr->algo))
		return 0;
	/* only qop=auth is offered; the parser ensured cnonce and nc with it */
	if (cr->qop_val != SIP_QOP_AUTH || !cr->has_nc || cr->nc == 0)
		return 0;
	if (a->cfg.opaque && !auth_quoted_eq(cr->opaque, sip_pl_str(a->opaque)))
		return 0;
	return uri_matches(req, f->uri, ok);
}

/* An HA1 nobody can know: H(user:realm:key) under a per-start random key. */
static int dummy_ha1(const struct sip_auth *a, struct sip_pl user, struct sip_pl realm,
		     enum sip_auth_algo base, char out[SIP_AUTH_HEX_SIZE])
{
	char key[2 * sizeof(a->dummy_key) + 1];
	const struct sip_pl parts[] = { user, realm, { key, sizeof(key) - 1 } };

	auth_hex(a->dummy_key, sizeof(a->dummy_key), key);
	return sip_auth_hash(base, parts, 3, out);
}

/* HA1 of the user or, for an unknown one, the dummy HA1. */
static int user_ha1(struct sip_auth *a, const struct fields *f, struct sip_pl realm,
		    enum sip_auth_algo algo, char ha1[SIP_AUTH_HEX_SIZE])
{
	enum sip_auth_algo base = sip_auth_algo_base(algo);
	char dummy[SIP_AUTH_HEX_SIZE];
	int err;

	/* computed for every user, so that both paths hash the same */
	err = dummy_ha1(a, f->user, realm, base, dummy);
	if (err)
		return err;
	memset(ha1, 0, SIP_AUTH_HEX_SIZE);
	err = a->cfg.lookup(a->cfg.lookup_arg, f->user, realm, base, ha1);
	ha1[SIP_AUTH_HEX_SIZE - 1] = '\0';
	/* a malformed stored HA1 can match nothing: treat as unknown */
	if (err == ENOENT || (!err && strlen(ha1) != sip_auth_hex_len(base))) {
		memcpy(ha1, dummy, SIP_AUTH_HEX_SIZE);
		err = 0;
	}
	return err;
}

/* Constant-time comparison with the expected lowercase hex digest. */
static bool response_ok(struct sip_pl got, const char *want)
{
	char low[SIP_AUTH_HEX_SIZE];
	size_t n = strlen(want);

	if (got.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(got.p[i] >= 'A' && got.p[i] <= 'F' ? got.p[i] + 32 : got.p[i]);
	return CRYPTO_memcmp(low, want, n) == 0;
}

/* The EVP_MD fetched at alloc for @p algo's hash, or NULL. */
static const void *md_for(const struct sip_auth *a, enum sip_auth_algo algo)
{
	switch (algo) {
	case SIP_AUTH_ALGO_NONE:
	case SIP_AUTH_ALGO_MD5:
	case SIP_AUTH_ALGO_MD5_SESS:
		return a->md[0];
	case SIP_AUTH_ALGO_SHA256:
	case SIP_AUTH_ALGO_SHA256_SESS:
		return a->md[1];
	case SIP_AUTH_ALGO_SHA512_256:
	case SIP_AUTH_ALGO_SHA512_256_SESS:
		return a->md[2];
	default:
		return NULL;
	}
}

/* Step 4: is the response right? */
static int digest_ok(struct sip_auth *a, struct sip_msg *req,
		     const struct sip_credentials *cr, const struct fields *f,
		     struct sip_pl realm, bool *ok)
{
	char ha1[SIP_AUTH_HEX_SIZE], want[SIP_AUTH_HEX_SIZE];
	struct sip_auth_digest d = {
		.algo = cr->algo, .nonce = f->nonce, .nc = f->nc,
		.cnonce = f->cnonce, .qop = SIP_QOP_AUTH, .method = req->method,
		.uri = f->uri, .md = md_for(a, cr->algo),
	};
	int err;

	err = user_ha1(a, f, realm, cr->algo, ha1);
	if (err)
		return err;
	d.ha1 = sip_pl_str(ha1);
	err = sip_auth_digest_response(&d, want);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (err)
		return err;
	*ok = response_ok(cr->response, want);
	return 0;
}

static bool nonce_fresh(const struct sip_auth *a, const struct auth_nonce *n, uint64_t now)
{
	uint64_t ttl = (uint64_t)a->cfg.nonce_ttl * 1000;

	/* issued too far in the future: another node's clock, or a jump */
	return now <= n->ts + ttl && n->ts <= now + ttl;
}

/* Step 5, with a right response: nonce, then nonce-count. */
static void check_nonce(struct sip_auth *a, const struct sip_credentials *cr,
			const struct fields *f, struct sip_pl realm, uint64_t now,
			struct sip_auth_result *r)
{
	struct auth_nonce n;

	if (auth_nonce_check(&a->nonces, f->nonce, realm, &n) || !nonce_fresh(a, &n, now)) {
		r->why = SIP_AUTH_WHY_STALE;
		return;
	}
	switch (auth_replay_use(a->replay, &n, cr->nc, now, &a->stats.nc_evicted)) {
	case AUTH_NC_OK:
		r->status = SIP_AUTH_OK;
		r->why = SIP_AUTH_WHY_NONE;
		r->user = f->user;
		r->algo = cr->algo;
		break;
	case AUTH_NC_REPLAY:
		r->why = SIP_AUTH_WHY_REPLAY;
		break;
	case AUTH_NC_FORGOTTEN:
		r->why = SIP_AUTH_WHY_STALE;
		break;
	}
}

static int verify(struct sip_auth *a, struct sip_msg *req,
		  const struct sip_credentials *cr, struct sip_pl realm,
		  uint64_t now, struct sip_auth_result *r)
{
	struct fields f;
	bool ok = false;
	int err;

	err = get_fields(req, cr, &f);
	if (!err)
		err = conforms(a, req, cr, &f, &ok);
	if (err)
		return err;
	if (!ok) {
		r->why = SIP_AUTH_WHY_MISMATCH;
		return 0;
	}
	err = digest_ok(a, req, cr, &f, realm, &ok);
	if (err)
		return err;
	if (!ok) {
		r->why = SIP_AUTH_WHY_FAILED;
		return 0;
	}
	check_nonce(a, cr, &f, realm, now, r);
	return 0;
}

/* Counters, rate limit, and stale=true where a retry will do. */
static void account(struct sip_auth *a, const struct sockaddr *src, uint64_t now,
		    struct sip_auth_result *r)
{
	uint32_t failures = 0;

	switch (r->why) {
	case SIP_AUTH_WHY_NONE:
		a->stats.successes++;
		return;
	case SIP_AUTH_WHY_STALE:
		a->stats.stale++;
		r->stale = true;
		return;
	case SIP_AUTH_WHY_REPLAY:
		/* the right digest, an old count: a fresh nonce will do */
		a->stats.replays++;
		r->stale = true;
		return;
	case SIP_AUTH_WHY_MISMATCH:
	case SIP_AUTH_WHY_FAILED:
		a->stats.failures++;
		break;
	default:
		return;
	}
	if (!src || !auth_limit_fail(a->limit, src, now, &failures, &a->stats.src_evicted))
		return;
	a->stats.blocked++;
	r->status = SIP_AUTH_FORBIDDEN;
	r->why = SIP_AUTH_WHY_BLOCKED;
	if (a->cfg.blocked)
		a->cfg.blocked(a->cfg.blocked_arg, src, failures, a->cfg.block_time);
}

int sip_auth_check(struct sip_auth *a, struct sip_msg *req, enum sip_hdr_id hdr,
		   struct sip_pl realm, const struct sockaddr *src,
		   struct sip_auth_result *res)
{
	struct sip_auth_result r = { .status = SIP_AUTH_CHALLENGE };
	const struct sip_credentials *first = NULL, *cr;
	uint64_t now;
	int err;

	if (!req->req || (hdr != SIP_HDR_AUTHORIZATION && hdr != SIP_HDR_PROXY_AUTHORIZATION))
		return EINVAL;
	now = a->cfg.clock(a->cfg.clock_arg);
	if (src && auth_limit_blocked(a->limit, src, now)) {
		a->stats.forbidden++;
		*res = (struct sip_auth_result){
			.status = SIP_AUTH_FORBIDDEN, .why = SIP_AUTH_WHY_BLOCKED,
		};
		return 0;
	}
	err = sip_msg_credentials(req, hdr, &first);
	if (err && err != ENOENT)
		return err;
	cr = find(first, realm);
	if (cr) {
		err = verify(a, req, cr, realm, now, &r);
		if (err)
			return err;
	} else {
		r.why = SIP_AUTH_WHY_NO_CREDENTIALS;
	}
	account(a, src, now, &r);
	*res = r;
	return 0;
}
