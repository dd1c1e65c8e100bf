/*
 * record.c - deep copies of bindings and users into single allocations:
 * the index nodes, the results handed to callers and the journal entries
 * all keep a record and its strings in one block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"

#include "store/store.h"

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *str_copy(const char *s, char **pool)
{
	size_t n;
	char *d;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	d = *pool;
	memcpy(d, s, n);
	*pool += n;
	return d;
}

size_t store_binding_strsize(const struct sip_binding *b)
{
	return str_size(b->aor) + str_size(b->key) + str_size(b->contact) +
	       str_size(b->callid) + str_size(b->instance) + str_size(b->path) +
	       str_size(b->received) + str_size(b->transport) +
	       str_size(b->socket) + str_size(b->user_agent);
}

void store_binding_copy(struct sip_binding *dst, const struct sip_binding *src,
			char **pool)
{
	*dst = *src;
	dst->aor = str_copy(src->aor, pool);
	dst->key = str_copy(src->key, pool);
	dst->contact = str_copy(src->contact, pool);
	dst->callid = str_copy(src->callid, pool);
	dst->instance = str_copy(src->instance, pool);
	dst->path = str_copy(src->path, pool);
	dst->received = str_copy(src->received, pool);
	dst->transport = str_copy(src->transport, pool);
	dst->socket = str_copy(src->socket, pool);
	dst->user_agent = str_copy(src->user_agent, pool);
}

size_t store_user_strsize(const struct sip_user *u)
{
	return str_size(u->username) + str_size(u->domain) +
	       str_size(u->ha1_md5) + str_size(u->ha1_sha256) + str_size(u->perm);
}

void store_user_copy(struct sip_user *dst, const struct sip_user *src,
		     char **pool)
{
	dst->username = str_copy(src->username, pool);
	dst->domain = str_copy(src->domain, pool);
	dst->ha1_md5 = str_copy(src->ha1_md5, pool);
	dst->ha1_sha256 = str_copy(src->ha1_sha256, pool);
	dst->perm = str_copy(src->perm, pool);
}

struct sip_bindings *store_bindings_new(const struct sip_binding *const *v,
					size_t n)
{
	struct sip_bindings *bs;
	size_t size = sizeof(*bs), strs = 0;
	char *pool;

	if (n > (SIZE_MAX - size) / (2 * sizeof(struct sip_binding)))
		return NULL;
	size += n * sizeof(struct sip_binding);
	for (size_t i = 0; i < n; i++)
		strs += store_binding_strsize(v[i]);
	if (strs > SIZE_MAX - size)
		return NULL;
	bs = sip_mem_zalloc(size + strs, NULL);
	if (!bs)
		return NULL;
	bs->n = n;
	bs->v = (struct sip_binding *)(bs + 1);
	pool = (char *)(bs->v + n);
	for (size_t i = 0; i < n; i++)
		store_binding_copy(&bs->v[i], v[i], &pool);
	return bs;
}

static int user_cmp(const void *a, const void *b)
{
	const struct sip_user *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);

	return c ? c : strcmp(x->username, y->username);
}

struct sip_users *store_users_new(const struct sip_user *const *v, size_t n)
{
	struct sip_users *us;
	size_t size = sizeof(*us), strs = 0;
	char *pool;

	if (n > (SIZE_MAX - size) / (2 * sizeof(struct sip_user)))
		return NULL;
	size += n * sizeof(struct sip_user);
	for (size_t i = 0; i < n; i++)
		strs += store_user_strsize(v[i]);
	if (strs > SIZE_MAX - size)
		return NULL;
	us = sip_mem_zalloc(size + strs, NULL);
	if (!us)
		return NULL;
	us->n = n;
	us->v = (struct sip_user *)(us + 1);
	pool = (char *)(us->v + n);
	for (size_t i = 0; i < n; i++)
		store_user_copy(&us->v[i], v[i], &pool);
	if (n > 1)
		qsort(us->v, n, sizeof(*us->v), user_cmp);
	return us;
}

int store_changes_check(const char *aor, const struct sip_binding_change *c,
			size_t n)
{
	if (!aor || !*aor || !c || !n)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		const struct sip_binding *b = &c[i].b;

		if (!b->key || !*b->key)
			return EINVAL;
		if (b->aor && strcmp(b->aor, aor))
			return EINVAL;
		if (c[i].op == SIP_BINDING_PUT && (!b->contact || !b->callid))
			return EINVAL;
		if (c[i].op != SIP_BINDING_PUT && c[i].op != SIP_BINDING_DEL)
			return EINVAL;
	}
	return 0;
}

uint32_t sip_binding_remaining(const struct sip_binding *b, uint64_t now)
{
	uint64_t left;

	if (b->expires <= now)
		return 0;
	left = (b->expires - now + 999) / 1000;
	return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}
