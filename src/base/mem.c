/*
 * mem.c - reference-counted allocations with destructors, and arenas.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"

struct mem_hdr {
	unsigned nrefs;
	sip_mem_destroy_h *dh;
	max_align_t align[]; /* payload follows, suitably aligned */
};

/* Test hooks (see sip_mem_fail_after): process-wide by nature, since they
 * model the allocator itself running out. */
static long fail_after = -1;
static long live_blocks;

static bool alloc_allowed(void)
{
	if (fail_after < 0)
		return true;
	if (fail_after == 0)
		return false;
	fail_after--;
	return true;
}

static void *raw_malloc(size_t size)
{
	void *p;

	if (!alloc_allowed())
		return NULL;
	p = malloc(size);
	if (p)
		live_blocks++;
	return p;
}

static void raw_free(void *p)
{
	if (!p)
		return;
	live_blocks--;
	free(p);
}

void sip_mem_fail_after(long n)
{
	fail_after = n;
}

long sip_mem_live(void)
{
	return live_blocks;
}

void *sip_mem_zalloc(size_t size, sip_mem_destroy_h *dh)
{
	struct mem_hdr *h;

	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = raw_malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	memset(h, 0, sizeof(*h) + size);
	h->nrefs = 1;
	h->dh = dh;
	return h + 1;
}

static struct mem_hdr *hdr_of(const void *obj)
{
	return (struct mem_hdr *)obj - 1;
}

void *sip_mem_ref(void *obj)
{
	if (obj)
		hdr_of(obj)->nrefs++;
	return obj;
}

void *sip_mem_deref(void *obj)
{
	struct mem_hdr *h;

	if (!obj)
		return NULL;
	h = hdr_of(obj);
	assert(h->nrefs > 0);
	if (--h->nrefs > 0)
		return NULL;
	if (h->dh)
		h->dh(obj);
	raw_free(h);
	return NULL;
}

unsigned sip_mem_nrefs(const void *obj)
{
	return obj ? hdr_of(obj)->nrefs : 0;
}

/* ---- arena ---- */

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct sip_arena {
	struct chunk *cur;
};

enum { ALIGN = sizeof(max_align_t) < 16 ? sizeof(max_align_t) : 16,
       MIN_CHUNK = 1024 };

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = raw_malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct sip_arena *sip_arena_new(size_t first_size)
{
	struct sip_arena *a = raw_malloc(sizeof(*a));

	if (!a)
		return NULL;
	a->cur = chunk_new(first_size < MIN_CHUNK ? MIN_CHUNK : first_size);
	if (!a->cur) {
		raw_free(a);
		return NULL;
	}
	return a;
}

void sip_arena_free(struct sip_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->cur; c; c = next) {
		next = c->next;
		raw_free(c);
	}
	raw_free(a);
}

void *sip_arena_alloc(struct sip_arena *a, size_t size)
{
	struct chunk *c = a->cur;
	size_t off = (c->used + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (off > c->size || size > c->size - off) {
		size_t want = c->size * 2;

		if (want < size)
			want = size;
		c = chunk_new(want);
		if (!c)
			return NULL;
		c->next = a->cur;
		a->cur = c;
		off = 0;
	}
	c->used = off + size;
	return (char *)c->data + off;
}

void *sip_arena_zalloc(struct sip_arena *a, size_t size)
{
	void *p = sip_arena_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

char *sip_arena_strndup(struct sip_arena *a, const char *p, size_t len)
{
	char *s = sip_arena_alloc(a, len + 1);

	if (!s)
		return NULL;
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}
