/*
 * map.c - the hash table under the memory index: intrusive nodes keyed
 * by byte strings, chained buckets, a power-of-two table that doubles
 * when the load passes 1.
 *
 * The hash is FNV-1a with a per-map random seed and a final avalanche
 * step: keys are AORs and user names that a remote party chooses, so a
 * fixed, public hash would let it aim at one bucket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "store/store.h"

enum { MAP_MIN_SIZE = 64 };

static uint64_t hash_bytes(uint64_t seed, const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	/* splitmix64 finaliser: every input bit reaches the low bits used
	 * as the bucket index */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static uint64_t random_seed(void)
{
	uint64_t s;
	struct timespec ts;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		return s;
	/* no entropy yet (early boot): still differs per process */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
	       (uint64_t)(uintptr_t)&s;
}

int store_map_init(struct store_map *mp)
{
	memset(mp, 0, sizeof(*mp));
	mp->tab = calloc(MAP_MIN_SIZE, sizeof(*mp->tab));
	if (!mp->tab)
		return ENOMEM;
	mp->size = MAP_MIN_SIZE;
	mp->seed = random_seed();
	return 0;
}

void store_map_reset(struct store_map *mp)
{
	free(mp->tab);
	memset(mp, 0, sizeof(*mp));
}

struct store_map_node *store_map_find(const struct store_map *mp,
				      const char *key, size_t klen)
{
	uint64_t h;
	struct store_map_node *n;

	if (!mp->size)
		return NULL;
	h = hash_bytes(mp->seed, key, klen);
	for (n = mp->tab[h & (mp->size - 1)]; n; n = n->next) {
		if (n->hash == h && n->klen == klen && !memcmp(n->key, key, klen))
			return n;
	}
	return NULL;
}

static void grow(struct store_map *mp)
{
	size_t nsize = mp->size * 2;
	struct store_map_node **ntab;

	if (nsize < mp->size || nsize > SIZE_MAX / sizeof(*ntab))
		return;
	ntab = calloc(nsize, sizeof(*ntab));
	if (!ntab)
		return;  /* longer chains, still correct */
	for (size_t i = 0; i < mp->size; i++) {
		struct store_map_node *n = mp->tab[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = ntab[n->hash & (nsize - 1)];
			ntab[n->hash & (nsize - 1)] = n;
		}
	}
	free(mp->tab);
	mp->tab = ntab;
	mp->size = nsize;
}

void store_map_insert(struct store_map *mp, struct store_map_node *n)
{
	struct store_map_node **b;

	n->hash = hash_bytes(mp->seed, n->key, n->klen);
	if (mp->count >= mp->size)
		grow(mp);
	b = &mp->tab[n->hash & (mp->size - 1)];
	n->next = *b;
	*b = n;
	mp->count++;
}

void store_map_remove(struct store_map *mp, struct store_map_node *n)
{
	struct store_map_node **pp = &mp->tab[n->hash & (mp->size - 1)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			mp->count--;
			return;
		}
	}
}

void store_map_foreach(const struct store_map *mp,
		       void (*fn)(struct store_map_node *n, void *arg), void *arg)
{
	for (size_t i = 0; i < mp->size; i++) {
		struct store_map_node *n, *next;

		for (n = mp->tab[i]; n; n = next) {
			next = n->next;
			fn(n, arg);
		}
	}
}
