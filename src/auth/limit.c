/*
 * limit.c - failed authentication attempts counted per source address;
 * a source with max_failures failures within window_ms is blocked for
 * block_ms (the server answers it 403, DESIGN.md "secure by default").
 *
 * A source is an IPv4 address, or an IPv6 /64 (one host can use a whole
 * /64 at no cost). IPv4-mapped IPv6 addresses count as IPv4.
 *
 * Memory is bounded: a hash of buckets with WAYS slots, keyed with a
 * random seed so that a peer cannot aim at one bucket. A full bucket
 * reuses, in order: a free slot, an idle one (window over, not blocked),
 * the least recently failed counting one, and last the blocked one whose
 * block ends first.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "sip/mem.h"
#include "auth.h"

enum { WAYS = 8 };

struct slot {
	uint8_t key[16];
	bool used;
	uint32_t fails;
	uint64_t window_start;
	uint64_t blocked_until;  /* 0: not blocked */
	uint64_t last;           /* last failure */
};

struct auth_limit {
	struct auth_limit_config cfg;
	size_t mask;
	struct slot s[];        /* (mask + 1) * WAYS */
};

int auth_limit_alloc(struct auth_limit **lp, const struct auth_limit_config *cfg)
{
	size_t nb = 1;
	struct auth_limit *l;

	while (nb * WAYS < cfg->slots && nb < ((size_t)1 << 24))
		nb <<= 1;
	l = sip_mem_zalloc(sizeof(*l) + nb * WAYS * sizeof(l->s[0]), NULL);
	if (!l)
		return ENOMEM;
	l->cfg = *cfg;
	l->mask = nb - 1;
	*lp = l;
	return 0;
}

/* 16-byte key of a source; false for other families. */
static bool key_of(const struct sockaddr *sa, uint8_t key[16])
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(key, 0, 16);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		memcpy(key, v4mapped, 12);
		memcpy(key + 12, &in->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		memcpy(key, &in6->sin6_addr, 16);
		if (memcmp(key, v4mapped, 12) != 0)
			memset(key + 8, 0, 8);
		return true;
	}
	return false;
}

static struct slot *bucket_of(struct auth_limit *l, const uint8_t key[16])
{
	uint64_t a, b, h;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	h = auth_mix(a ^ l->cfg.seed) ^ auth_mix(b + l->cfg.seed);
	return &l->s[(size_t)(h & l->mask) * WAYS];
}

static bool blocked(const struct slot *s, uint64_t now)
{
	return s->blocked_until > now;
}

static bool idle(const struct auth_limit *l, const struct slot *s, uint64_t now)
{
	return !s->used || (!blocked(s, now) && now - s->window_start >= l->cfg.window_ms);
}

static struct slot *find(struct auth_limit *l, const uint8_t key[16])
{
	struct slot *b = bucket_of(l, key);

	for (int i = 0; i < WAYS; i++)
		if (b[i].used && memcmp(b[i].key, key, 16) == 0)
			return &b[i];
	return NULL;
}

/* Rank of a slot as a victim: lower goes first. */
static int rank(const struct auth_limit *l, const struct slot *s, uint64_t now)
{
	if (!s->used)
		return 0;
	if (idle(l, s, now))
		return 1;
	return blocked(s, now) ? 3 : 2;
}

static bool older(const struct slot *a, const struct slot *b, int r)
{
	if (r == 3)
		return a->blocked_until < b->blocked_until;
	return a->last < b->last;
}

static struct slot *victim(struct auth_limit *l, const uint8_t key[16], uint64_t now,
			   uint64_t *evicted)
{
	struct slot *b = bucket_of(l, key), *best = NULL;
	int best_rank = 4;

	for (int i = 0; i < WAYS; i++) {
		int r = rank(l, &b[i], now);

		if (r < best_rank || (r == best_rank && older(&b[i], best, r))) {
			best = &b[i];
			best_rank = r;
		}
	}
	if (best_rank >= 2)
		(*evicted)++;
	memset(best, 0, sizeof(*best));
	memcpy(best->key, key, 16);
	best->used = true;
	best->window_start = now;
	return best;
}

bool auth_limit_blocked(struct auth_limit *l, const struct sockaddr *src, uint64_t now)
{
	uint8_t key[16];
	struct slot *s;

	if (!key_of(src, key))
		return false;
	s = find(l, key);
	return s && blocked(s, now);
}

bool auth_limit_fail(struct auth_limit *l, const struct sockaddr *src, uint64_t now,
		     uint32_t *failures, uint64_t *evicted)
{
	uint8_t key[16];
	struct slot *s;

	if (!key_of(src, key))
		return false;
	s = find(l, key);
	if (!s)
		s = victim(l, key, now, evicted);
	if (blocked(s, now))
		return false;
	if (s->blocked_until || now - s->window_start >= l->cfg.window_ms) {
		/* a block just over, or a new window */
		s->blocked_until = 0;
		s->fails = 0;
		s->window_start = now;
	}
	s->last = now;
	if (++s->fails < l->cfg.max_failures)
		return false;
	*failures = s->fails;
	s->fails = 0;
	s->blocked_until = now + l->cfg.block_ms;
	return true;
}

size_t auth_limit_count(const struct auth_limit *l, uint64_t now)
{
	size_t n = 0;

	for (size_t i = 0; i < (l->mask + 1) * WAYS; i++)
		if (!idle(l, &l->s[i], now))
			n++;
	return n;
}

size_t auth_limit_size(const struct auth_limit *l)
{
	return (l->mask + 1) * WAYS;
}
