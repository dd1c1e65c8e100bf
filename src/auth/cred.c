/*
 * cred.c - a client's credentials (RFC 3261 §22.2, RFC 7616 §3.4.2): per
 * realm, or by default, a user name with a password or with HA1 hashes
 * per algorithm (a trunk configured without the plaintext).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sip/auth.h"
#include "auth.h"

/* Slot of the HA1 for @p algo in struct auth_cred, or -1. */
static int ha1_index(enum sip_auth_algo algo)
{
	switch (sip_auth_algo_base(algo)) {
	case SIP_AUTH_ALGO_MD5: return 0;
	case SIP_AUTH_ALGO_SHA256: return 1;
	case SIP_AUTH_ALGO_SHA512_256: return 2;
	default: return -1;
	}
}

void auth_cred_free(struct auth_cred *cr)
{
	if (!cr)
		return;
	free(cr->realm);
	free(cr->user);
	if (cr->password)
		OPENSSL_cleanse(cr->password, strlen(cr->password));
	free(cr->password);
	for (int i = 0; i < AUTH_CRED_NHA1; i++)
		free(cr->ha1[i]);
	free(cr);
}

/* strdup that keeps NULL; false when out of memory. */
static bool dup_opt(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return true;
	*out = strdup(s);
	return *out != NULL;
}

int auth_cred_new(struct auth_cred **out, const struct sip_auth_cred *in)
{
	struct auth_cred *cr;
	bool ok;

	if (!in->user ||
	    (!in->password && !in->ha1_md5 && !in->ha1_sha256 && !in->ha1_sha512_256))
		return EINVAL;
	cr = calloc(1, sizeof(*cr));
	if (!cr)
		return ENOMEM;
	ok = dup_opt(in->realm, &cr->realm) && dup_opt(in->user, &cr->user) &&
	     dup_opt(in->password, &cr->password) &&
	     dup_opt(in->ha1_md5, &cr->ha1[0]) &&
	     dup_opt(in->ha1_sha256, &cr->ha1[1]) &&
	     dup_opt(in->ha1_sha512_256, &cr->ha1[2]);
	if (!ok) {
		auth_cred_free(cr);
		return ENOMEM;
	}
	*out = cr;
	return 0;
}

static bool same_realm(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

void auth_cred_put(struct auth_cred **list, struct auth_cred *cr)
{
	struct auth_cred **pp;

	for (pp = list; *pp; pp = &(*pp)->next) {
		if (same_realm((*pp)->realm, cr->realm)) {
			cr->next = (*pp)->next;
			auth_cred_free(*pp);
			break;
		}
	}
	*pp = cr;
}

const struct auth_cred *auth_cred_find(const struct auth_cred *list, struct sip_pl realm)
{
	const struct auth_cred *dflt = NULL;

	for (const struct auth_cred *cr = list; cr; cr = cr->next) {
		if (!cr->realm)
			dflt = cr;
		else if (sip_pl_eqs(realm, cr->realm))
			return cr;
	}
	return dflt;
}

bool auth_cred_can(const struct auth_cred *cr, enum sip_auth_algo algo)
{
	int i = ha1_index(algo);

	return i >= 0 && (cr->password || cr->ha1[i]);
}

int auth_cred_ha1(const struct auth_cred *cr, struct sip_pl realm, enum sip_auth_algo algo,
		  char ha1[SIP_AUTH_HEX_SIZE])
{
	int i = ha1_index(algo);

	if (i < 0)
		return ENOTSUP;
	if (cr->ha1[i]) {
		size_t n = strlen(cr->ha1[i]);

		if (n >= SIP_AUTH_HEX_SIZE)
			return EINVAL;
		memcpy(ha1, cr->ha1[i], n + 1);
		return 0;
	}
	if (!cr->password)
		return ENOENT;
	return sip_auth_ha1(algo, sip_pl_str(cr->user), realm, sip_pl_str(cr->password), ha1);
}
