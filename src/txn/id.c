/*
 * id.c - identifiers the transaction layer draws: Via branches with the
 * RFC 3261 magic cookie (§8.1.1.7) and From/To tags (§19.3), both unique
 * and unguessable, and the keyed hash behind them and behind the tables.
 *
 * Every identifier is SipHash-2-4 (Aumasson and Bernstein 2012) of a
 * per-stack counter under a per-stack secret key: unique as long as the
 * 64-bit outputs do not collide, unpredictable without the key, and no
 * global state. The same keyed hash spreads the match tables, so a peer
 * cannot pick branches that all land in one bucket.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sip/txn.h"
#include "txn.h"

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static uint64_t load_le64(const unsigned char *p, size_t n)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)p[i] << (8 * i);
	return x;
}

uint64_t txn_siphash(const uint64_t key[2], const void *p, size_t len)
{
	const unsigned char *in = p;
	uint64_t v[4] = {
		key[0] ^ 0x736f6d6570736575ULL, key[1] ^ 0x646f72616e646f6dULL,
		key[0] ^ 0x6c7967656e657261ULL, key[1] ^ 0x7465646279746573ULL,
	};
	size_t i;
	uint64_t m;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(in + i, 8);
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	m = load_le64(in + i, len - i) | ((uint64_t)len << 56);
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* The n-th output of the stack's generator, in domain @p dom. */
static uint64_t draw(struct sip_txn_stack *s, uint64_t n, uint64_t dom)
{
	unsigned char in[16];

	for (int i = 0; i < 8; i++) {
		in[i] = (unsigned char)(n >> (8 * i));
		in[8 + i] = (unsigned char)(dom >> (8 * i));
	}
	return txn_siphash(s->key, in, sizeof(in));
}

int sip_txn_branch_new(struct sip_txn_stack *s, char *buf, size_t size)
{
	uint64_t n;

	if (size < sizeof("z9hG4bK") + 32)
		return ENOSPC;
	n = s->counter++;
	snprintf(buf, size, "z9hG4bK%016llx%016llx",
		 (unsigned long long)draw(s, n, 1), (unsigned long long)draw(s, n, 2));
	return 0;
}

int sip_txn_tag_new(struct sip_txn_stack *s, char *buf, size_t size)
{
	uint64_t n;

	if (size < 17)
		return ENOSPC;
	n = s->counter++;
	snprintf(buf, size, "%016llx", (unsigned long long)draw(s, n, 3));
	return 0;
}
