/*
 * replay.c - nonce-count replay protection (RFC 7616 §3.4 and §5.4,
 * RFC 3261 §22.4): per nonce used successfully, the highest nonce-count
 * seen, so that a request replayed with the same (or a lower) count is
 * refused.
 *
 * Memory is bounded: a hash of buckets with WAYS slots each. An entry
 * lives until its nonce expires; when a bucket is full of live entries
 * the one issued first is evicted, and the bucket remembers that it has
 * forgotten everything issued up to then (forgot_until). A nonce unknown
 * to its bucket but issued before forgot_until may have been used: it is
 * answered "forgotten" (the client gets stale=true and a fresh nonce),
 * so no nonce-count is ever accepted twice. Only successful uses are
 * recorded, so failed guesses cannot fill the table.
 */
#include <errno.h>
#include <stdint.h>

#include "sip/mem.h"
#include "auth.h"

enum { WAYS = 8 };

struct slot {
	uint64_t ts;
	uint64_t id;
	uint32_t nc;
	bool used;
};

struct bucket {
	struct slot s[WAYS];
	uint64_t forgot_until;  /* nonces issued before this may be forgotten */
};

struct auth_replay {
	size_t mask;            /* buckets - 1, a power of two minus one */
	uint64_t ttl_ms;
	uint64_t seed;
	size_t count;
	struct bucket b[];
};

int auth_replay_alloc(struct auth_replay **rp, size_t slots, uint64_t ttl_ms,
		      uint64_t seed)
{
	size_t nb = 1;
	struct auth_replay *r;

	while (nb * WAYS < slots && nb < ((size_t)1 << 28))
		nb <<= 1;
	r = sip_mem_zalloc(sizeof(*r) + nb * sizeof(r->b[0]), NULL);
	if (!r)
		return ENOMEM;
	r->mask = nb - 1;
	r->ttl_ms = ttl_ms;
	r->seed = seed;
	*rp = r;
	return 0;
}

static struct bucket *bucket_of(struct auth_replay *r, const struct auth_nonce *n)
{
	return &r->b[auth_mix(n->id ^ r->seed ^ auth_mix(n->ts)) & r->mask];
}

static bool expired(const struct auth_replay *r, const struct slot *s, uint64_t now)
{
	return s->ts + r->ttl_ms < now;
}

/* A slot for a new entry: free, else expired, else the oldest (evicted). */
static struct slot *victim(struct auth_replay *r, struct bucket *b, uint64_t now,
			   uint64_t *evicted)
{
	struct slot *old = NULL;

	for (int i = 0; i < WAYS; i++) {
		struct slot *s = &b->s[i];

		if (!s->used)
			return s;
		if (expired(r, s, now)) {
			s->used = false;
			r->count--;
			return s;
		}
		if (!old || s->ts < old->ts)
			old = s;
	}
	if (old->ts + 1 > b->forgot_until)
		b->forgot_until = old->ts + 1;
	old->used = false;
	r->count--;
	(*evicted)++;
	return old;
}

enum auth_nc auth_replay_use(struct auth_replay *r, const struct auth_nonce *n,
			     uint32_t nc, uint64_t now, uint64_t *evicted)
{
	struct bucket *b = bucket_of(r, n);
	struct slot *s;

	for (int i = 0; i < WAYS; i++) {
		s = &b->s[i];
		if (!s->used || s->ts != n->ts || s->id != n->id)
			continue;
		if (nc <= s->nc)
			return AUTH_NC_REPLAY;
		s->nc = nc;
		return AUTH_NC_OK;
	}
	if (n->ts < b->forgot_until)
		return AUTH_NC_FORGOTTEN;
	s = victim(r, b, now, evicted);
	*s = (struct slot){ .ts = n->ts, .id = n->id, .nc = nc, .used = true };
	r->count++;
	return AUTH_NC_OK;
}

size_t auth_replay_count(const struct auth_replay *r)
{
	return r->count;
}

size_t auth_replay_size(const struct auth_replay *r)
{
	return (r->mask + 1) * WAYS;
}
