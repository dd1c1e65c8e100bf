/*
 * hash.c - the Digest hash functions (RFC 7616 §3.4.1-§3.4.3, RFC 8760
 * §2 for SIP): MD5, SHA-256 and SHA-512-256 on OpenSSL's EVP interface,
 * HA1, the -sess derivation, A2 for auth and auth-int, the
 * request-digest.
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "sip/auth.h"
#include "auth.h"

static const EVP_MD *md_of(enum sip_auth_algo algo)
{
	switch (algo) {
	case SIP_AUTH_ALGO_NONE:
	case SIP_AUTH_ALGO_MD5:
	case SIP_AUTH_ALGO_MD5_SESS:
		return EVP_md5();
	case SIP_AUTH_ALGO_SHA256:
	case SIP_AUTH_ALGO_SHA256_SESS:
		return EVP_sha256();
	case SIP_AUTH_ALGO_SHA512_256:
	case SIP_AUTH_ALGO_SHA512_256_SESS:
		return EVP_sha512_256();
	default:
		return NULL;
	}
}

static bool is_sess(enum sip_auth_algo algo)
{
	return algo == SIP_AUTH_ALGO_MD5_SESS || algo == SIP_AUTH_ALGO_SHA256_SESS ||
	       algo == SIP_AUTH_ALGO_SHA512_256_SESS;
}

bool sip_auth_algo_supported(enum sip_auth_algo algo)
{
	return algo >= SIP_AUTH_ALGO_NONE && algo < SIP_AUTH_ALGO_OTHER;
}

enum sip_auth_algo sip_auth_algo_base(enum sip_auth_algo algo)
{
	switch (algo) {
	case SIP_AUTH_ALGO_NONE:
	case SIP_AUTH_ALGO_MD5:
	case SIP_AUTH_ALGO_MD5_SESS:
		return SIP_AUTH_ALGO_MD5;
	case SIP_AUTH_ALGO_SHA256:
	case SIP_AUTH_ALGO_SHA256_SESS:
		return SIP_AUTH_ALGO_SHA256;
	case SIP_AUTH_ALGO_SHA512_256:
	case SIP_AUTH_ALGO_SHA512_256_SESS:
		return SIP_AUTH_ALGO_SHA512_256;
	default:
		return SIP_AUTH_ALGO_OTHER;
	}
}

size_t sip_auth_hex_len(enum sip_auth_algo algo)
{
	switch (sip_auth_algo_base(algo)) {
	case SIP_AUTH_ALGO_MD5:
		return 32;
	case SIP_AUTH_ALGO_SHA256:
	case SIP_AUTH_ALGO_SHA512_256:
		return 64;
	default:
		return 0;
	}
}

void auth_hex(const uint8_t *p, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[2 * n] = '\0';
}

static int hash_md(const EVP_MD *md, const struct sip_pl *parts, size_t n,
		   char hex[SIP_AUTH_HEX_SIZE])
{
	uint8_t raw[EVP_MAX_MD_SIZE];
	unsigned rlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (!md)
		return ENOTSUP;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (size_t i = 0; ok && i < n; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok && parts[i].len)
			ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, raw, &rlen);
	EVP_MD_CTX_free(ctx);
	/* EVP fails only on allocation or a provider without the digest */
	if (!ok || 2 * (size_t)rlen >= SIP_AUTH_HEX_SIZE)
		return ENOMEM;
	auth_hex(raw, rlen, hex);
	return 0;
}

int sip_auth_hash(enum sip_auth_algo algo, const struct sip_pl *parts, size_t n,
		  char hex[SIP_AUTH_HEX_SIZE])
{
	return hash_md(md_of(algo), parts, n, hex);
}

/* H() of digest @p d: its prefetched EVP_MD when given. */
static int hash_d(const struct sip_auth_digest *d, const struct sip_pl *parts,
		  size_t n, char hex[SIP_AUTH_HEX_SIZE])
{
	return hash_md(d->md ? d->md : md_of(d->algo), parts, n, hex);
}

const void *auth_md_fetch(enum sip_auth_algo algo)
{
	const EVP_MD *md = md_of(algo);

	return md ? EVP_MD_fetch(NULL, EVP_MD_get0_name(md), NULL) : NULL;
}

void auth_md_free(const void *md)
{
	EVP_MD_free((EVP_MD *)md);
}

int sip_auth_ha1(enum sip_auth_algo algo, struct sip_pl user, struct sip_pl realm,
		 struct sip_pl password, char ha1[SIP_AUTH_HEX_SIZE])
{
	const struct sip_pl parts[] = { user, realm, password };

	return sip_auth_hash(sip_auth_algo_base(algo), parts, 3, ha1);
}

/* Lowercase copy of hex @p in of exactly @p len digits. */
static int norm_hex(struct sip_pl in, size_t len, char out[SIP_AUTH_HEX_SIZE])
{
	if (in.len != len || len >= SIP_AUTH_HEX_SIZE)
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = in.p[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c + 32);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return EINVAL;
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}

/* HA2 = H(method ":" uri) or, for auth-int, H(method ":" uri ":" H(body)). */
static int ha2(const struct sip_auth_digest *d, char out[SIP_AUTH_HEX_SIZE])
{
	char hbody[SIP_AUTH_HEX_SIZE];
	struct sip_pl parts[3] = { d->method, d->uri };
	int err;

	if (d->qop != SIP_QOP_AUTH_INT)
		return hash_d(d, parts, 2, out);
	err = hash_d(d, &d->body, 1, hbody);
	if (err)
		return err;
	parts[2] = sip_pl_str(hbody);
	return hash_d(d, parts, 3, out);
}

/*
 * request-digest = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2), or
 * without qop H(HA1 ":" nonce ":" HA2) (RFC 2069 compatibility, RFC 3261
 * §22.4 item 8).
 */
static int request_digest(const struct sip_auth_digest *d, const char *a1,
			  const char *a2, char out[SIP_AUTH_HEX_SIZE])
{
	struct sip_pl parts[6];
	size_t n = 0;

	parts[n++] = sip_pl_str(a1);
	parts[n++] = d->nonce;
	if (d->qop) {
		parts[n++] = d->nc;
		parts[n++] = d->cnonce;
		parts[n++] = sip_pl_str(d->qop == SIP_QOP_AUTH ? "auth" : "auth-int");
	}
	parts[n++] = sip_pl_str(a2);
	return hash_d(d, parts, n, out);
}

int sip_auth_digest_response(const struct sip_auth_digest *d,
			     char out[SIP_AUTH_HEX_SIZE])
{
	char ha1[SIP_AUTH_HEX_SIZE], a1[SIP_AUTH_HEX_SIZE], a2[SIP_AUTH_HEX_SIZE];
	size_t hlen = sip_auth_hex_len(d->algo);
	int err;

	if (!hlen)
		return ENOTSUP;
	if (d->qop != 0 && d->qop != SIP_QOP_AUTH && d->qop != SIP_QOP_AUTH_INT)
		return ENOTSUP;
	err = norm_hex(d->ha1, hlen, ha1);
	if (err)
		return err;
	if (is_sess(d->algo)) {
		/* RFC 7616 §3.4.2: A1 = H(user:realm:pw) ":" nonce ":" cnonce */
		const struct sip_pl parts[] = { sip_pl_str(ha1), d->nonce, d->cnonce };

		err = hash_d(d, parts, 3, a1);
		if (err)
			return err;
	} else {
		memcpy(a1, ha1, sizeof(a1));
	}
	err = ha2(d, a2);
	if (err)
		return err;
	return request_digest(d, a1, a2, out);
}
