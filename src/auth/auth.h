/*
 * auth.h - private to src/auth/: the server context, stateless nonces,
 * the nonce-count table, the per-source failure table, quoting helpers.
 */
#ifndef SRC_AUTH_AUTH_H
#define SRC_AUTH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/auth.h"
#include "sip/buf.h"
#include "sip/pl.h"

struct sip_arena;

/* ---- quoting (quote.c) ---- */

/**
 * Value of quoted-string contents @p in with quoted-pairs undone: @p in
 * itself when it has none, else a copy in @p arena. 0 or ENOMEM.
 */
int auth_unquote(struct sip_arena *arena, struct sip_pl in, struct sip_pl *out);

/** Malloc'd, NUL-terminated unquoted copy of @p in, or NULL (ENOMEM). */
char *auth_unquote_dup(struct sip_pl in);

/** True when quoted-string contents @p quoted unquote to @p plain. */
bool auth_quoted_eq(struct sip_pl quoted, struct sip_pl plain);

/** Append `name="value"`, escaping '"' and '\' in @p v. */
void auth_put_quoted(struct sip_buf *b, const char *name, struct sip_pl v);

/** Fill @p buf with @p n random bytes (OpenSSL's CSPRNG). 0 or EIO. */
int auth_random(void *buf, size_t n);

/** Lowercase hex of @p n bytes into @p hex (2n+1 bytes). */
void auth_hex(const uint8_t *p, size_t n, char *hex);

/* ---- stateless nonces (nonce.c) ---- */

/*
 * A nonce is base64 of 30 bytes: issue time (ms, 48 bits), a 64-bit
 * issue number, and 16 bytes of HMAC-SHA256 over both and the realm.
 */
enum {
	AUTH_NONCE_LEN = 40,
};

struct auth_nonce {
	uint64_t ts;    /* issue time, ms */
	uint64_t id;    /* issue number */
};

/** Key and issue counter; lives in struct sip_auth. */
struct auth_nonces {
	uint8_t key[32];
	uint64_t next_id;
	void *hmac;     /* EVP_MAC_CTX keyed with key, or NULL (then the
	                   one-shot HMAC(), which fetches SHA-256 each call) */
};

/**
 * Key the reusable HMAC context with ns->key (set before). On failure
 * (allocation, provider) the nonces still work, only slower.
 */
void auth_nonces_init(struct auth_nonces *ns);

/** Free the HMAC context. */
void auth_nonces_reset(struct auth_nonces *ns);

/** Issue a nonce for @p realm at @p now into @p out (NUL-terminated). */
int auth_nonce_make(struct auth_nonces *ns, struct sip_pl realm, uint64_t now,
		    char out[AUTH_NONCE_LEN + 1]);

/**
 * Check that @p text is a nonce issued with this key for @p realm.
 * Returns 0 and fills @p n; EBADMSG when not (malformed, forged, other
 * realm, other key).
 */
int auth_nonce_check(const struct auth_nonces *ns, struct sip_pl text,
		     struct sip_pl realm, struct auth_nonce *n);

/* ---- nonce-count table (replay.c) ---- */

struct auth_replay;

enum auth_nc {
	AUTH_NC_OK,          /* nc above any seen with this nonce: recorded */
	AUTH_NC_REPLAY,      /* nc not above the highest seen */
	AUTH_NC_FORGOTTEN,   /* the nonce may have been used and forgotten */
};

/**
 * Table of @p slots entries (rounded to whole buckets) remembering, per
 * nonce used successfully, the highest nonce-count seen, until the nonce
 * expires (@p ttl_ms after issue). Free with sip_mem_deref(). 0 or ENOMEM.
 */
int auth_replay_alloc(struct auth_replay **rp, size_t slots, uint64_t ttl_ms,
		      uint64_t seed);

/**
 * Record the use of nonce @p n with count @p nc at @p now. When the table
 * is full the oldest nonce of the bucket is forgotten and the bucket
 * remembers its issue time: an unknown nonce issued no later is then
 * FORGOTTEN (the client gets stale=true), never accepted twice.
 * @p evicted is incremented per live nonce forgotten.
 */
enum auth_nc auth_replay_use(struct auth_replay *r, const struct auth_nonce *n,
			     uint32_t nc, uint64_t now, uint64_t *evicted);

/** Entries in use (expired ones included until reused). */
size_t auth_replay_count(const struct auth_replay *r);

/** Capacity in entries. */
size_t auth_replay_size(const struct auth_replay *r);

/* ---- per-source failure counting (limit.c) ---- */

struct auth_limit;

struct auth_limit_config {
	size_t slots;
	uint32_t max_failures;
	uint64_t window_ms;
	uint64_t block_ms;
	uint64_t seed;
};

/** New table; free with sip_mem_deref(). 0 or ENOMEM. */
int auth_limit_alloc(struct auth_limit **lp, const struct auth_limit_config *cfg);

/** True while @p src is blocked. */
bool auth_limit_blocked(struct auth_limit *l, const struct sockaddr *src, uint64_t now);

/**
 * Count a failed attempt from @p src. Returns true when it blocks the
 * source (then @p failures gets the count that did). @p evicted is
 * incremented when a remembered source had to be forgotten.
 */
bool auth_limit_fail(struct auth_limit *l, const struct sockaddr *src, uint64_t now,
		     uint32_t *failures, uint64_t *evicted);

/** Sources remembered (counting or blocked). */
size_t auth_limit_count(const struct auth_limit *l, uint64_t now);

/** Capacity in entries. */
size_t auth_limit_size(const struct auth_limit *l);

/** 64-bit mix (splitmix64 finaliser) for bucket hashing. */
static inline uint64_t auth_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* ---- client credentials (cred.c) ---- */

enum { AUTH_CRED_NHA1 = 3 };

struct auth_cred {
	char *realm;                   /* NULL: the default */
	char *user;
	char *password;                /* may be NULL */
	char *ha1[AUTH_CRED_NHA1];     /* hex, for MD5, SHA-256, SHA-512-256 */
	struct auth_cred *next;
};

/** Copy of @p in. 0, EINVAL (no user; no password nor HA1), ENOMEM. */
int auth_cred_new(struct auth_cred **out, const struct sip_auth_cred *in);

/** Free @p cr (NULL allowed), wiping the password. */
void auth_cred_free(struct auth_cred *cr);

/** Add @p cr to @p list, replacing (and freeing) the one for its realm. */
void auth_cred_put(struct auth_cred **list, struct auth_cred *cr);

/** The entry for @p realm (unquoted), else the default, else NULL. */
const struct auth_cred *auth_cred_find(const struct auth_cred *list, struct sip_pl realm);

/** True when @p cr can answer @p algo (a password, or its HA1). */
bool auth_cred_can(const struct auth_cred *cr, enum sip_auth_algo algo);

/**
 * HA1 of @p cr for @p algo in @p realm: the stored one, else computed
 * from the password. 0, ENOENT (neither), ENOTSUP, EINVAL, ENOMEM.
 */
int auth_cred_ha1(const struct auth_cred *cr, struct sip_pl realm, enum sip_auth_algo algo,
		  char ha1[SIP_AUTH_HEX_SIZE]);

/* ---- the server context (server.c) ---- */

struct sip_auth {
	struct sip_auth_config cfg;     /* defaults filled in */
	size_t nalgos;
	struct auth_nonces nonces;
	char opaque[17];                /* hex, when cfg.opaque */
	uint8_t dummy_key[16];          /* HA1 of unknown users: H(user:realm:key) */
	struct auth_replay *replay;
	struct auth_limit *limit;
	struct sip_auth_stats stats;
	const void *md[3];              /* EVP_MD of MD5, SHA-256, SHA-512/256
	                                   fetched at alloc (NULL: looked up
	                                   per hash) */
};

/** An explicitly fetched EVP_MD for @p algo's hash, or NULL (hash.c). */
const void *auth_md_fetch(enum sip_auth_algo algo);

/** Free what auth_md_fetch() returned (NULL is fine). */
void auth_md_free(const void *md);

#endif
