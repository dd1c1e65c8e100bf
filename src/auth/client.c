/*
 * client.c - the client side of Digest (RFC 3261 §22.2-§22.3, RFC 7616
 * §3.4, RFC 8760 §2.3) for user agents and trunks: credentials per realm,
 * and per realm answered its nonce, nonce-count, algorithm and qop.
 *
 * Per realm the state remembers whether its last answer replied to a
 * challenge ("fresh"). A new challenge without stale=true for a fresh
 * realm means the server refused what we sent: the password is wrong,
 * asking again would only feed its rate limit. Answers added to new
 * requests (sip_auth_client_authorize, a reused nonce) are not fresh: a
 * challenge then may just mean the server forgot the nonce.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sip/auth.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "auth.h"

enum { CNONCE_SIZE = 128 };

struct realm_state {
	char *realm;              /* NULL: slot free */
	char *nonce;
	char *opaque;             /* NULL: none */
	enum sip_auth_algo algo;
	enum sip_auth_qop qop;    /* 0: none */
	uint32_t nc;
	bool proxy;               /* answer in Proxy-Authorization */
	bool fresh;
	uint64_t used;            /* LRU tick */
};

struct sip_auth_client {
	struct sip_auth_client_config cfg;
	struct auth_cred *creds;
	struct realm_state rs[SIP_AUTH_CLIENT_REALMS];
	uint64_t tick;
};

static void rs_clear(struct realm_state *rs)
{
	free(rs->realm);
	free(rs->nonce);
	free(rs->opaque);
	memset(rs, 0, sizeof(*rs));
}

static void destroy(void *obj)
{
	struct sip_auth_client *c = obj;

	while (c->creds) {
		struct auth_cred *next = c->creds->next;

		auth_cred_free(c->creds);
		c->creds = next;
	}
	for (int i = 0; i < SIP_AUTH_CLIENT_REALMS; i++)
		rs_clear(&c->rs[i]);
}

int sip_auth_client_alloc(struct sip_auth_client **cp,
			  const struct sip_auth_client_config *cfg)
{
	struct sip_auth_client *c = sip_mem_zalloc(sizeof(*c), destroy);

	if (!c)
		return ENOMEM;
	if (cfg)
		c->cfg = *cfg;
	*cp = c;
	return 0;
}

/* ---- credentials ---- */

static const struct auth_cred *cred_for(const struct sip_auth_client *c, struct sip_pl realm)
{
	return auth_cred_find(c->creds, realm);
}

int sip_auth_client_cred_add(struct sip_auth_client *c, const struct sip_auth_cred *cred)
{
	struct auth_cred *cr;
	int err;

	err = auth_cred_new(&cr, cred);
	if (err)
		return err;
	auth_cred_put(&c->creds, cr);
	/* new credentials: what was answered with the old ones is void */
	for (int i = 0; i < SIP_AUTH_CLIENT_REALMS; i++) {
		struct realm_state *rs = &c->rs[i];

		if (rs->realm && cred_for(c, sip_pl_str(rs->realm)) == cr)
			rs_clear(rs);
	}
	return 0;
}

/* ---- choosing a challenge ---- */

/* Strength of an algorithm (0: cannot answer). RFC 8760 §2.4. */
static int algo_rank(const struct sip_auth_client *c, const struct auth_cred *cr,
		     enum sip_auth_algo algo)
{
	static const int rank[] = {
		[SIP_AUTH_ALGO_NONE] = 2, [SIP_AUTH_ALGO_MD5] = 2,
		[SIP_AUTH_ALGO_MD5_SESS] = 1, [SIP_AUTH_ALGO_SHA256] = 4,
		[SIP_AUTH_ALGO_SHA256_SESS] = 3, [SIP_AUTH_ALGO_SHA512_256] = 6,
		[SIP_AUTH_ALGO_SHA512_256_SESS] = 5,
	};

	if (!sip_auth_algo_supported(algo) || !auth_cred_can(cr, algo))
		return 0;
	if (c->cfg.no_md5 && sip_auth_algo_base(algo) == SIP_AUTH_ALGO_MD5)
		return 0;
	return rank[algo];
}

/* qop we would send: auth, else auth-int, else none; -1 when unusable. */
static int pick_qop(const struct sip_challenge *ch)
{
	if (ch->qop_mask & SIP_QOP_AUTH)
		return SIP_QOP_AUTH;
	if (ch->qop_mask & SIP_QOP_AUTH_INT)
		return SIP_QOP_AUTH_INT;
	return sip_pl_isset(&ch->qop) ? -1 : 0;
}

static int qop_rank(int qop)
{
	return qop == SIP_QOP_AUTH ? 2 : qop == SIP_QOP_AUTH_INT ? 1 : 0;
}

/* The strongest challenge for the realm of @p ch that we can answer. */
static const struct sip_challenge *best_for(const struct sip_auth_client *c,
					    const struct sip_challenge *first,
					    struct sip_pl realm, const struct auth_cred *cr)
{
	const struct sip_challenge *best = NULL;
	int best_score = 0;

	for (const struct sip_challenge *ch = first; ch; ch = ch->next) {
		int a, q;

		if (!ch->digest || !sip_pl_eq(ch->realm, realm))
			continue;
		a = algo_rank(c, cr, ch->algo);
		q = pick_qop(ch);
		if (!a || q < 0)
			continue;
		if (a * 4 + qop_rank(q) > best_score) {
			best = ch;
			best_score = a * 4 + qop_rank(q);
		}
	}
	return best;
}

/* ---- per-realm state ---- */

static struct realm_state *rs_find(struct sip_auth_client *c, const char *realm)
{
	for (int i = 0; i < SIP_AUTH_CLIENT_REALMS; i++)
		if (c->rs[i].realm && strcmp(c->rs[i].realm, realm) == 0)
			return &c->rs[i];
	return NULL;
}

/* A slot for a new realm: a free one, else the least recently used. */
static struct realm_state *rs_new(struct sip_auth_client *c)
{
	struct realm_state *lru = &c->rs[0];

	for (int i = 0; i < SIP_AUTH_CLIENT_REALMS; i++) {
		if (!c->rs[i].realm)
			return &c->rs[i];
		if (c->rs[i].used < lru->used)
			lru = &c->rs[i];
	}
	rs_clear(lru);
	return lru;
}

/* Take the nonce, algorithm and qop of challenge @p ch into @p rs. */
static int rs_set(struct realm_state *rs, const struct sip_challenge *ch, bool proxy)
{
	char *nonce = auth_unquote_dup(ch->nonce);
	char *opaque = sip_pl_isset(&ch->opaque) ? auth_unquote_dup(ch->opaque) : NULL;

	if (!nonce || (sip_pl_isset(&ch->opaque) && !opaque)) {
		free(nonce);
		free(opaque);
		return ENOMEM;
	}
	/* the same nonce again goes on counting: its counts were used */
	if (!rs->nonce || strcmp(rs->nonce, nonce) != 0)
		rs->nc = 0;
	free(rs->nonce);
	free(rs->opaque);
	rs->nonce = nonce;
	rs->opaque = opaque;
	rs->algo = ch->algo;
	rs->qop = (enum sip_auth_qop)pick_qop(ch);
	rs->proxy = proxy;
	rs->fresh = true;
	return 0;
}

/* ---- answering ---- */

static int make_cnonce(const struct sip_auth_client *c, char buf[CNONCE_SIZE])
{
	uint8_t raw[16];
	int err;

	if (c->cfg.cnonce) {
		buf[0] = '\0';
		err = c->cfg.cnonce(c->cfg.cnonce_arg, buf, CNONCE_SIZE);
		buf[CNONCE_SIZE - 1] = '\0';
		return err;
	}
	err = auth_random(raw, sizeof(raw));
	if (!err)
		auth_hex(raw, sizeof(raw), buf);
	return err;
}

/* Add one credentials header for realm state @p rs, next nonce-count. */
static int add_one(struct sip_auth_client *c, struct realm_state *rs,
		   const struct sip_auth_request *req, struct sip_out *out,
		   struct sip_buf *b)
{
	struct sip_pl realm = sip_pl_str(rs->realm);
	const struct auth_cred *cr = cred_for(c, realm);
	char ha1[SIP_AUTH_HEX_SIZE], cnonce[CNONCE_SIZE] = "";
	struct sip_auth_answer an = {
		.realm = realm, .nonce = sip_pl_str(rs->nonce),
		.opaque = sip_pl_str(rs->opaque), .algo = rs->algo, .qop = rs->qop,
		.method = req->method, .uri = req->uri, .body = req->body,
	};
	int err;

	if (!cr)
		return ENOENT;
	err = auth_cred_ha1(cr, realm, rs->algo, ha1);
	if (!err && rs->qop)
		err = make_cnonce(c, cnonce);
	if (err)
		return err;
	an.user = sip_pl_str(cr->user);
	an.ha1 = sip_pl_str(ha1);
	an.cnonce = sip_pl_str(cnonce);
	an.nc = ++rs->nc;
	rs->used = ++c->tick;
	b->len = 0;
	err = sip_auth_answer_print(b, &an);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (err)
		return err;
	return sip_out_add(out, rs->proxy ? SIP_HDR_PROXY_AUTHORIZATION : SIP_HDR_AUTHORIZATION,
			   NULL, sip_buf_pl_get(b));
}

/* Credentials for every realm remembered. */
static int add_all(struct sip_auth_client *c, const struct sip_auth_request *req,
		   struct sip_out *out)
{
	struct sip_buf b;
	int err = 0;

	sip_buf_init(&b);
	for (int i = 0; !err && i < SIP_AUTH_CLIENT_REALMS; i++) {
		if (!c->rs[i].realm)
			continue;
		err = add_one(c, &c->rs[i], req, out, &b);
		if (err == ENOENT) {
			/* its credentials went away */
			rs_clear(&c->rs[i]);
			err = 0;
		}
	}
	sip_buf_reset(&b);
	return err;
}

int sip_auth_client_authorize(struct sip_auth_client *c,
			      const struct sip_auth_request *req, struct sip_out *out)
{
	for (int i = 0; i < SIP_AUTH_CLIENT_REALMS; i++)
		c->rs[i].fresh = false;
	return add_all(c, req, out);
}

/* Outcome of the challenges for one realm. */
enum take {
	TAKEN,        /* state updated: will be answered */
	NO_CRED,      /* no credentials for the realm */
	UNSUPPORTED,  /* no challenge we can answer */
	REFUSED,      /* we had just answered it: credentials refused */
};

static enum take classify(const struct auth_cred *cr, const struct sip_challenge *best,
			  const struct realm_state *rs)
{
	if (!cr)
		return NO_CRED;
	if (!best)
		return UNSUPPORTED;
	/* we answered the last challenge and are challenged again: refused */
	if (rs && rs->fresh && !best->stale)
		return REFUSED;
	return TAKEN;
}

static int take_realm(struct sip_auth_client *c, const struct sip_challenge *first,
		      const struct sip_challenge *ch, bool proxy, enum take *t)
{
	const struct sip_challenge *best = NULL;
	const struct auth_cred *cr;
	struct realm_state *rs;
	char *realm = auth_unquote_dup(ch->realm);
	int err;

	if (!realm)
		return ENOMEM;
	cr = cred_for(c, sip_pl_str(realm));
	if (cr)
		best = best_for(c, first, ch->realm, cr);
	rs = rs_find(c, realm);
	*t = classify(cr, best, rs);
	if (*t != TAKEN) {
		if (*t == REFUSED)
			rs_clear(rs);
		free(realm);
		return 0;
	}
	if (!rs) {
		rs = rs_new(c);
		rs->realm = realm;
	} else {
		free(realm);
	}
	rs->used = ++c->tick;
	err = rs_set(rs, best, proxy);
	if (err)
		rs_clear(rs);
	return err;
}

/* True when a challenge before @p ch in the list names the same realm. */
static bool realm_seen(const struct sip_challenge *first, const struct sip_challenge *ch)
{
	for (const struct sip_challenge *p = first; p != ch; p = p->next)
		if (p->digest && sip_pl_eq(p->realm, ch->realm))
			return true;
	return false;
}

int sip_auth_client_respond(struct sip_auth_client *c, struct sip_msg *resp,
			    const struct sip_auth_request *req, struct sip_out *out)
{
	const struct sip_challenge *first = NULL;
	unsigned seen[REFUSED + 1] = { 0 };
	bool proxy;
	int err;

	if (resp->req || (resp->scode != 401 && resp->scode != 407))
		return EINVAL;
	proxy = resp->scode == 407;
	err = sip_msg_challenges(resp, proxy ? SIP_HDR_PROXY_AUTHENTICATE :
				 SIP_HDR_WWW_AUTHENTICATE, &first);
	if (err)
		return err == ENOENT ? EBADMSG : err;
	for (const struct sip_challenge *ch = first; ch; ch = ch->next) {
		enum take t;

		if (!ch->digest || realm_seen(first, ch))
			continue;
		err = take_realm(c, first, ch, proxy, &t);
		if (err)
			return err;
		seen[t]++;
	}
	if (seen[REFUSED] || (!seen[TAKEN] && seen[NO_CRED]))
		return EACCES;
	if (!seen[TAKEN])
		return ENOTSUP;
	return add_all(c, req, out);
}
