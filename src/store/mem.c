/*
 * mem.c - the memory index: bindings by AOR (RFC 3261 §10.3 "list of
 * bindings" per address-of-record) and users by (username, domain).
 *
 * Every read of the "memory" and "sqlite" backends is answered from
 * here. An AOR holds its few bindings in a list (RFC practice: a handful
 * of devices; the registrar caps it). Each binding carries a timer armed
 * at its expiry on a timer set driven by the store's wall clock, so a
 * sweep costs O(log n) per expired binding instead of a scan of all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/timer.h"

#include "store/store.h"

struct mem_aor {
	struct store_map_node node;    /* key: aor */
	struct mem_bind *binds;
	size_t n;
	char aor[];
};

struct mem_bind {
	struct sip_timer expiry;       /* due at b.expires */
	struct mem_bind *next;
	struct mem_aor *owner;
	struct store_mem *m;
	struct sip_binding b;          /* b.aor is owner->aor */
	char strs[];
};

struct mem_user {
	struct store_map_node node;    /* key: "username\0domain" */
	struct sip_user u;
	char strs[];
};

struct store_mem {
	struct store_map aors;
	struct store_map users;
	struct sip_timers *ts;         /* clock: ms since the Epoch */
	size_t nbinds;
	size_t swept;                  /* during one store_mem_sweep() */
};

static void free_aor_node(struct store_map_node *n, void *arg)
{
	struct mem_aor *a = (struct mem_aor *)n;
	struct mem_bind *b, *next;

	for (b = a->binds; b; b = next) {
		next = b->next;
		sip_mem_deref(b);
	}
	sip_mem_deref(a);
}

static void free_user_node(struct store_map_node *n, void *arg)
{
	sip_mem_deref(n);
}

static void mem_destroy(void *arg)
{
	struct store_mem *m = arg;

	/* first: disarms every binding timer while the bindings exist */
	m->ts = sip_mem_deref(m->ts);
	store_map_foreach(&m->aors, free_aor_node, NULL);
	store_map_reset(&m->aors);
	store_map_foreach(&m->users, free_user_node, NULL);
	store_map_reset(&m->users);
}

int store_mem_alloc(struct store_mem **mp, uint64_t now)
{
	struct store_mem *m = sip_mem_zalloc(sizeof(*m), mem_destroy);

	if (!m)
		return ENOMEM;
	if (store_map_init(&m->aors) || store_map_init(&m->users) ||
	    sip_timers_alloc(&m->ts, now)) {
		sip_mem_deref(m);
		return ENOMEM;
	}
	*mp = m;
	return 0;
}

static struct mem_aor *aor_find(const struct store_mem *m, const char *aor)
{
	return (struct mem_aor *)store_map_find(&m->aors, aor, strlen(aor));
}

static struct mem_aor *aor_new(struct store_mem *m, const char *aor)
{
	size_t len = strlen(aor);
	struct mem_aor *a = sip_mem_zalloc(sizeof(*a) + len + 1, NULL);

	if (!a)
		return NULL;
	memcpy(a->aor, aor, len + 1);
	a->node.key = a->aor;
	a->node.klen = len;
	return a;
}

static void bind_unlink(struct mem_bind *b)
{
	struct mem_aor *a = b->owner;
	struct mem_bind **pp;

	for (pp = &a->binds; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	a->n--;
	b->m->nbinds--;
	sip_timer_cancel(&b->expiry);
	sip_mem_deref(b);
}

static void aor_drop_if_empty(struct store_mem *m, struct mem_aor *a)
{
	if (a->binds)
		return;
	store_map_remove(&m->aors, &a->node);
	sip_mem_deref(a);
}

static void on_expired(void *arg)
{
	struct mem_bind *b = arg;
	struct store_mem *m = b->m;
	struct mem_aor *a = b->owner;

	bind_unlink(b);
	aor_drop_if_empty(m, a);
	m->swept++;
}

static struct mem_bind *bind_new(struct store_mem *m, const struct sip_binding *src)
{
	struct sip_binding tmp = *src;
	struct mem_bind *b;
	char *pool;

	tmp.aor = NULL;  /* shared with the AOR node */
	b = sip_mem_zalloc(sizeof(*b) + store_binding_strsize(&tmp), NULL);
	if (!b)
		return NULL;
	pool = b->strs;
	store_binding_copy(&b->b, &tmp, &pool);
	b->m = m;
	return b;
}

static void bind_link(struct store_mem *m, struct mem_aor *a, struct mem_bind *b)
{
	uint64_t now = sip_timers_now(m->ts);

	b->owner = a;
	b->b.aor = a->aor;
	b->next = a->binds;
	a->binds = b;
	a->n++;
	m->nbinds++;
	sip_timer_start(m->ts, &b->expiry,
			b->b.expires > now ? b->b.expires - now : 0, on_expired, b);
}

static struct mem_bind *bind_find(const struct mem_aor *a, const char *key)
{
	struct mem_bind *b;

	for (b = a ? a->binds : NULL; b; b = b->next) {
		if (!strcmp(b->b.key, key))
			return b;
	}
	return NULL;
}

int store_mem_apply(struct store_mem *m, const char *aor,
		    const struct sip_binding_change *c, size_t n)
{
	struct mem_aor *a = aor_find(m, aor);
	struct mem_bind *fresh = NULL, *b;
	bool created = false;

	/* allocate everything first: nothing may fail once we change */
	for (size_t i = n; i-- > 0;) {
		if (c[i].op != SIP_BINDING_PUT)
			continue;
		b = bind_new(m, &c[i].b);
		if (!b)
			goto nomem;
		b->next = fresh;
		fresh = b;
	}
	if (!fresh && !a)
		return 0;  /* deletes only, of nothing */
	if (!a) {
		a = aor_new(m, aor);
		if (!a)
			goto nomem;
		created = true;
	}
	if (created)
		store_map_insert(&m->aors, &a->node);
	for (size_t i = 0; i < n; i++) {
		struct mem_bind *old = bind_find(a, c[i].b.key);

		if (old)
			bind_unlink(old);
		if (c[i].op == SIP_BINDING_PUT) {
			b = fresh;
			fresh = b->next;
			bind_link(m, a, b);
		}
	}
	aor_drop_if_empty(m, a);
	return 0;

nomem:
	while (fresh) {
		b = fresh->next;
		sip_mem_deref(fresh);
		fresh = b;
	}
	return ENOMEM;
}

int store_mem_get(struct store_mem *m, const char *aor, uint64_t now,
		  struct sip_bindings **out)
{
	const struct sip_binding *stackv[16], **v = stackv;
	struct mem_aor *a = aor_find(m, aor);
	struct sip_bindings *bs;
	size_t n = 0;

	if (a && a->n > sizeof(stackv) / sizeof(stackv[0])) {
		v = malloc(a->n * sizeof(*v));
		if (!v)
			return ENOMEM;
	}
	for (struct mem_bind *b = a ? a->binds : NULL; b; b = b->next) {
		if (b->b.expires > now)
			v[n++] = &b->b;
	}
	bs = store_bindings_new(v, n);
	if (v != stackv)
		free(v);
	if (!bs)
		return ENOMEM;
	*out = bs;
	return 0;
}

struct all_binds {
	const struct sip_binding **v;
	size_t n;
	uint64_t now;
};

static void collect_aor(struct store_map_node *n, void *arg)
{
	struct all_binds *c = arg;

	for (struct mem_bind *b = ((struct mem_aor *)n)->binds; b; b = b->next)
		if (b->b.expires > c->now)
			c->v[c->n++] = &b->b;
}

static int by_aor(const void *a, const void *b)
{
	const struct sip_binding *x = *(const struct sip_binding *const *)a;
	const struct sip_binding *y = *(const struct sip_binding *const *)b;
	int d = strcmp(x->aor, y->aor);

	return d ? d : strcmp(x->key, y->key);
}

int store_mem_list(struct store_mem *m, uint64_t now, struct sip_bindings **out)
{
	struct all_binds c = { NULL, 0, now };
	struct sip_bindings *bs;

	c.v = malloc((m->nbinds ? m->nbinds : 1) * sizeof(*c.v));
	if (!c.v)
		return ENOMEM;
	store_map_foreach(&m->aors, collect_aor, &c);
	qsort(c.v, c.n, sizeof(*c.v), by_aor);
	bs = store_bindings_new(c.v, c.n);
	free(c.v);
	if (!bs)
		return ENOMEM;
	*out = bs;
	return 0;
}

size_t store_mem_sweep(struct store_mem *m, uint64_t now)
{
	m->swept = 0;
	/* a binding expiring exactly now is gone: lookups want expires > now */
	sip_timers_run(m->ts, now);
	return m->swept;
}

size_t store_mem_count(const struct store_mem *m)
{
	return m->nbinds;
}

size_t store_mem_aors(const struct store_mem *m)
{
	return m->aors.count;
}

/* ---- users ---- */

static struct mem_user *user_find(const struct store_mem *m,
				  const char *username, const char *domain)
{
	size_t ul = strlen(username), dl = strlen(domain);
	char stackkey[128], *key = stackkey;
	struct store_map_node *n;

	if (ul + dl + 1 > sizeof(stackkey)) {
		key = malloc(ul + dl + 1);
		if (!key)
			return NULL;
	}
	memcpy(key, username, ul + 1);
	memcpy(key + ul + 1, domain, dl);
	n = store_map_find(&m->users, key, ul + 1 + dl);
	if (key != stackkey)
		free(key);
	return (struct mem_user *)n;
}

int store_mem_user_put(struct store_mem *m, const struct sip_user *u)
{
	struct mem_user *nu, *old;
	char *pool;

	nu = sip_mem_zalloc(sizeof(*nu) + store_user_strsize(u), NULL);
	if (!nu)
		return ENOMEM;
	pool = nu->strs;
	/* username and domain first and adjacent: "username\0domain" is
	 * the map key */
	store_user_copy(&nu->u, u, &pool);
	nu->node.key = nu->u.username;
	nu->node.klen = strlen(u->username) + 1 + strlen(u->domain);
	old = (struct mem_user *)store_map_find(&m->users, nu->node.key,
						nu->node.klen);
	if (old) {
		store_map_remove(&m->users, &old->node);
		sip_mem_deref(old);
	}
	store_map_insert(&m->users, &nu->node);
	return 0;
}

bool store_mem_user_del(struct store_mem *m, const char *username,
			const char *domain)
{
	struct mem_user *old = user_find(m, username, domain);

	if (!old)
		return false;
	store_map_remove(&m->users, &old->node);
	sip_mem_deref(old);
	return true;
}

int store_mem_user_get(struct store_mem *m, const char *username,
		       const char *domain, struct sip_users **out)
{
	struct mem_user *mu = user_find(m, username, domain);
	const struct sip_user *v[1];
	struct sip_users *us;

	if (!mu)
		return ENOENT;
	v[0] = &mu->u;
	us = store_users_new(v, 1);
	if (!us)
		return ENOMEM;
	*out = us;
	return 0;
}

struct collect {
	const struct sip_user **v;
	size_t n;
};

static void collect_user(struct store_map_node *n, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = &((struct mem_user *)n)->u;
}

int store_mem_user_list(struct store_mem *m, struct sip_users **out)
{
	struct collect c = { NULL, 0 };
	struct sip_users *us;

	c.v = malloc((m->users.count ? m->users.count : 1) * sizeof(*c.v));
	if (!c.v)
		return ENOMEM;
	store_map_foreach(&m->users, collect_user, &c);
	us = store_users_new(c.v, c.n);
	free(c.v);
	if (!us)
		return ENOMEM;
	*out = us;
	return 0;
}

size_t store_mem_users(const struct store_mem *m)
{
	return m->users.count;
}
