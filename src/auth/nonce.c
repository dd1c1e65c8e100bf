/*
 * nonce.c - stateless server nonces (RFC 7616 §3.3 and §5.4, RFC 3261
 * §22.4): nothing is stored when a nonce is issued; its issue time and
 * number travel inside it, authenticated by an HMAC-SHA256 under a key
 * drawn at start-up, so the server can tell its own nonces, for the
 * realm they were issued for, and their age.
 *
 *   nonce = base64( ts(6) | id(8) | HMAC-SHA256(key, ts | id | realm)[0..16) )
 *
 * 30 bytes give 40 base64 characters without padding. The issue number
 * makes every nonce unique (the nonce-count table is keyed by it); it
 * starts at a random value so that nodes sharing a key rarely collide.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "auth.h"

enum {
	TS_LEN = 6,
	ID_LEN = 8,
	MAC_LEN = 16,
	BODY_LEN = TS_LEN + ID_LEN,
	RAW_LEN = BODY_LEN + MAC_LEN,   /* 30: a multiple of 3, no padding */
};

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void auth_nonces_init(struct auth_nonces *ns)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	EVP_MAC_free(m);   /* the context holds its own reference */
	if (c && !EVP_MAC_init(c, ns->key, sizeof(ns->key), params)) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	ns->hmac = c;
}

void auth_nonces_reset(struct auth_nonces *ns)
{
	EVP_MAC_CTX_free(ns->hmac);
	ns->hmac = NULL;
}

/* HMAC-SHA256 of @p len bytes under ns->key: the keyed context restarted
 * (no algorithm fetch, no key schedule: the one-shot HMAC() spent ~20,000
 * instructions per nonce on those), else the one-shot. */
static bool hmac_sha256(const struct auth_nonces *ns, const uint8_t *msg,
			size_t len, uint8_t full[EVP_MAX_MD_SIZE], size_t *flen)
{
	unsigned ulen = 0;

	if (ns->hmac && EVP_MAC_init(ns->hmac, NULL, 0, NULL) &&
	    EVP_MAC_update(ns->hmac, msg, len) &&
	    EVP_MAC_final(ns->hmac, full, flen, EVP_MAX_MD_SIZE))
		return true;
	if (!HMAC(EVP_sha256(), ns->key, sizeof(ns->key), msg, len, full, &ulen))
		return false;
	*flen = ulen;
	return true;
}

static int mac(const struct auth_nonces *ns, const uint8_t body[BODY_LEN],
	       struct sip_pl realm, uint8_t out[MAC_LEN])
{
	uint8_t msg[BODY_LEN + SIP_AUTH_REALM_MAX], full[EVP_MAX_MD_SIZE];
	size_t len = 0;

	if (realm.len > SIP_AUTH_REALM_MAX)
		return EINVAL;
	memcpy(msg, body, BODY_LEN);
	if (realm.len)
		memcpy(msg + BODY_LEN, realm.p, realm.len);
	if (!hmac_sha256(ns, msg, BODY_LEN + realm.len, full, &len) || len < MAC_LEN)
		return ENOMEM;
	memcpy(out, full, MAC_LEN);
	return 0;
}

int auth_nonce_make(struct auth_nonces *ns, struct sip_pl realm, uint64_t now,
		    char out[AUTH_NONCE_LEN + 1])
{
	uint8_t raw[RAW_LEN];
	int err;

	put_be(raw, now, TS_LEN);
	put_be(raw + TS_LEN, ns->next_id++, ID_LEN);
	err = mac(ns, raw, realm, raw + BODY_LEN);
	if (err)
		return err;
	EVP_EncodeBlock((unsigned char *)out, raw, RAW_LEN);
	out[AUTH_NONCE_LEN] = '\0';
	return 0;
}

int auth_nonce_check(const struct auth_nonces *ns, struct sip_pl text,
		     struct sip_pl realm, struct auth_nonce *n)
{
	char in[AUTH_NONCE_LEN + 1];
	uint8_t raw[RAW_LEN + 3], want[MAC_LEN];

	if (text.len != AUTH_NONCE_LEN)
		return EBADMSG;
	memcpy(in, text.p, AUTH_NONCE_LEN);
	in[AUTH_NONCE_LEN] = '\0';
	if (EVP_DecodeBlock(raw, (const unsigned char *)in, AUTH_NONCE_LEN) != RAW_LEN)
		return EBADMSG;
	if (mac(ns, raw, realm, want))
		return EBADMSG;
	if (CRYPTO_memcmp(want, raw + BODY_LEN, MAC_LEN) != 0)
		return EBADMSG;
	n->ts = get_be(raw, TS_LEN);
	n->id = get_be(raw + TS_LEN, ID_LEN);
	return 0;
}
