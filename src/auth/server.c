/*
 * server.c - the Digest server context (RFC 3261 §22, RFC 7616, RFC 8760):
 * configuration and its defaults, the per-start secrets, the nonce-count
 * and per-source tables, counters and the debug dump. Checking
 * credentials is in check.c, building challenges in challenge.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "sip/auth.h"
#include "sip/mem.h"
#include "auth.h"

static uint64_t realtime_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void destroy(void *obj)
{
	struct sip_auth *a = obj;

	a->replay = sip_mem_deref(a->replay);
	a->limit = sip_mem_deref(a->limit);
	auth_nonces_reset(&a->nonces);
	for (size_t i = 0; i < sizeof(a->md) / sizeof(a->md[0]); i++)
		auth_md_free(a->md[i]);
	OPENSSL_cleanse(a->nonces.key, sizeof(a->nonces.key));
	OPENSSL_cleanse(a->cfg.secret, sizeof(a->cfg.secret));
	OPENSSL_cleanse(a->dummy_key, sizeof(a->dummy_key));
}

/* Offered algorithms: supported, named, not repeated; none: the default. */
static int set_algos(struct sip_auth *a)
{
	enum sip_auth_algo *al = a->cfg.algos;
	size_t n = 0;

	for (size_t i = 0; i < SIP_AUTH_ALGOS_MAX; i++) {
		if (al[i] == SIP_AUTH_ALGO_NONE)
			continue;
		if (!sip_auth_algo_supported(al[i]))
			return EINVAL;
		for (size_t j = 0; j < n; j++)
			if (al[j] == al[i])
				return EINVAL;
		al[n++] = al[i];
	}
	if (!n) {
		/* RFC 8760 §2.4: the preferred algorithm first */
		al[n++] = SIP_AUTH_ALGO_SHA256;
		al[n++] = SIP_AUTH_ALGO_MD5;
	}
	for (size_t i = n; i < SIP_AUTH_ALGOS_MAX; i++)
		al[i] = SIP_AUTH_ALGO_NONE;
	a->nalgos = n;
	return 0;
}

static void set_defaults(struct sip_auth_config *c)
{
	if (!c->clock)
		c->clock = realtime_ms;
	if (!c->nonce_ttl)
		c->nonce_ttl = SIP_AUTH_NONCE_TTL;
	if (!c->max_failures)
		c->max_failures = SIP_AUTH_MAX_FAILURES;
	if (!c->fail_window)
		c->fail_window = SIP_AUTH_FAIL_WINDOW;
	if (!c->block_time)
		c->block_time = SIP_AUTH_BLOCK_TIME;
	if (!c->nc_slots)
		c->nc_slots = SIP_AUTH_NC_SLOTS;
	if (!c->src_slots)
		c->src_slots = SIP_AUTH_SRC_SLOTS;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Key, first issue number, dummy-HA1 key, opaque. */
static int set_secrets(struct sip_auth *a, uint64_t seeds[2])
{
	uint8_t op[8];
	int err = 0;

	if (all_zero(a->cfg.secret, sizeof(a->cfg.secret)))
		err = auth_random(a->nonces.key, sizeof(a->nonces.key));
	else
		memcpy(a->nonces.key, a->cfg.secret, sizeof(a->nonces.key));
	if (!err)
		err = auth_random(&a->nonces.next_id, sizeof(a->nonces.next_id));
	if (!err)
		err = auth_random(a->dummy_key, sizeof(a->dummy_key));
	if (!err)
		err = auth_random(op, sizeof(op));
	if (!err)
		err = auth_random(seeds, 2 * sizeof(seeds[0]));
	if (err)
		return err;
	/* room to count up without wrapping */
	a->nonces.next_id >>= 2;
	auth_nonces_init(&a->nonces);
	/* fetched once: OpenSSL 3 fetches per hash otherwise */
	a->md[0] = auth_md_fetch(SIP_AUTH_ALGO_MD5);
	a->md[1] = auth_md_fetch(SIP_AUTH_ALGO_SHA256);
	a->md[2] = auth_md_fetch(SIP_AUTH_ALGO_SHA512_256);
	auth_hex(op, sizeof(op), a->opaque);
	return 0;
}

static int alloc_tables(struct sip_auth *a, const uint64_t seeds[2])
{
	const struct sip_auth_config *c = &a->cfg;
	struct auth_limit_config lc = {
		.slots = c->src_slots,
		.max_failures = c->max_failures,
		.window_ms = (uint64_t)c->fail_window * 1000,
		.block_ms = (uint64_t)c->block_time * 1000,
		.seed = seeds[1],
	};
	int err;

	err = auth_replay_alloc(&a->replay, c->nc_slots, (uint64_t)c->nonce_ttl * 1000,
				seeds[0]);
	if (!err)
		err = auth_limit_alloc(&a->limit, &lc);
	return err;
}

int sip_auth_alloc(struct sip_auth **ap, const struct sip_auth_config *cfg)
{
	struct sip_auth *a;
	uint64_t seeds[2];
	int err;

	if (!ap || !cfg || !cfg->lookup)
		return EINVAL;
	a = sip_mem_zalloc(sizeof(*a), destroy);
	if (!a)
		return ENOMEM;
	a->cfg = *cfg;
	set_defaults(&a->cfg);
	err = set_algos(a);
	if (!err)
		err = set_secrets(a, seeds);
	if (!err)
		err = alloc_tables(a, seeds);
	if (err) {
		sip_mem_deref(a);
		return err;
	}
	*ap = a;
	return 0;
}

const struct sip_auth_stats *sip_auth_stats(const struct sip_auth *a)
{
	return &a->stats;
}

void sip_auth_debug(struct sip_buf *b, const struct sip_auth *a)
{
	const struct sip_auth_config *c = &a->cfg;
	const struct sip_auth_stats *s = &a->stats;
	uint64_t now = c->clock(c->clock_arg);

	sip_buf_puts(b, "auth: algorithms");
	for (size_t i = 0; i < a->nalgos; i++)
		sip_buf_printf(b, " %s", sip_auth_algo_name(c->algos[i]));
	sip_buf_printf(b, "; nonce ttl %" PRIu32 " s%s; block after %" PRIu32
		       " failures in %" PRIu32 " s for %" PRIu32 " s\n",
		       c->nonce_ttl, c->opaque ? ", opaque" : "", c->max_failures,
		       c->fail_window, c->block_time);
	sip_buf_printf(b, "  challenges %" PRIu64 " successes %" PRIu64
		       " failures %" PRIu64 " stale %" PRIu64 " replays %" PRIu64
		       " blocked %" PRIu64 " forbidden %" PRIu64 "\n",
		       s->challenges, s->successes, s->failures, s->stale,
		       s->replays, s->blocked, s->forbidden);
	sip_buf_printf(b, "  nonces %zu/%zu (evicted %" PRIu64 "), sources %zu/%zu"
		       " (evicted %" PRIu64 ")\n",
		       auth_replay_count(a->replay), auth_replay_size(a->replay),
		       s->nc_evicted, auth_limit_count(a->limit, now),
		       auth_limit_size(a->limit), s->src_evicted);
}
