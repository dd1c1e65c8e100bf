/*
 * mem.c - the memory index: bindings by AOR (RFC 3261 §10.3 "list of
 * bindings" per address-of-record) and users by (username, domain).
 *
 * Every read of the "memory" and "sqlite" backends is answered from
 * here. An AOR holds its few bindings in a list (RFC practice: a handful
 * of devices; the registrar caps it). Expiry is a wheel of one-second
 * slots: each binding is linked into the slot of its expiry second, and a
 * sweep walks the slots of the seconds since the last sweep, removing
 * what has expired (a binding more than a lap ahead stays where it is
 * until its lap comes). Two pointers per binding instead of a timer.
 *
 * Size matters here (one node per registered device, hundreds of
 * thousands of them): a binding is one allocation holding its numbers
 * and its strings, reached by 16-bit offsets rather than pointers; the
 * contact is not stored again when it ends the key (the usual case: the
 * registrar keys a binding without +sip.instance "c:" + its contact),
 * and the few distinct transport, socket and User-Agent values are
 * interned per index. A struct sip_binding is assembled on the way out.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"

#include "store/store.h"

struct mem_aor {
	struct store_map_node node;    /* key: aor */
	struct mem_bind *binds;
	size_t n;
	char aor[];
};

/* The strings of a binding, in the order of its offsets. */
enum bstr {
	BS_KEY, BS_CONTACT, BS_CALLID, BS_INSTANCE, BS_PATH, BS_RECEIVED,
	BS_TRANSPORT, BS_SOCKET, BS_USER_AGENT, BS_COUNT
};

enum {
	WHEEL_SLOTS = 4096,            /* seconds per lap, a power of two */
	OFF_NULL = 0xffff,             /* the string is NULL */
	OFF_INTERN = 0x8000,           /* | index into store_mem.intern */
	INTERN_MAX = 32,               /* distinct interned values */
	STRS_MAX = 0x7fff,             /* strings of one binding, bytes */
};

struct mem_bind {
	struct mem_bind *next;
	struct mem_bind *wnext, **wpprev;  /* wheel slot of expires */
	struct mem_aor *owner;
	struct store_mem *m;
	uint64_t expires, updated;
	uint32_t cseq, reg_id;
	int32_t q;
	uint16_t off[BS_COUNT];        /* into strs, OFF_INTERN | i, OFF_NULL */
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
	char *intern[INTERN_MAX];      /* owned (malloc) */
	size_t nintern;
	struct mem_bind **wheel;       /* WHEEL_SLOTS list heads (malloc) */
	uint64_t next_sec;             /* the first second whose slot is not
	                                  swept yet (all earlier ones are) */
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

	store_map_foreach(&m->aors, free_aor_node, NULL);
	store_map_reset(&m->aors);
	free(m->wheel);
	store_map_foreach(&m->users, free_user_node, NULL);
	store_map_reset(&m->users);
	for (size_t i = 0; i < m->nintern; i++)
		free(m->intern[i]);
}

int store_mem_alloc(struct store_mem **mp, uint64_t now)
{
	struct store_mem *m = sip_mem_zalloc(sizeof(*m), mem_destroy);

	if (!m)
		return ENOMEM;
	if (store_map_init(&m->aors) || store_map_init(&m->users) ||
	    !(m->wheel = calloc(WHEEL_SLOTS, sizeof(*m->wheel)))) {
		sip_mem_deref(m);
		return ENOMEM;
	}
	m->next_sec = now / 1000;
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
	*b->wpprev = b->wnext;
	if (b->wnext)
		b->wnext->wpprev = b->wpprev;
	sip_mem_deref(b);
}

static void aor_drop_if_empty(struct store_mem *m, struct mem_aor *a)
{
	if (a->binds)
		return;
	store_map_remove(&m->aors, &a->node);
	sip_mem_deref(a);
}

static void expire(struct mem_bind *b)
{
	struct store_mem *m = b->m;
	struct mem_aor *a = b->owner;

	bind_unlink(b);
	aor_drop_if_empty(m, a);
	m->swept++;
}

/* Link @p b into the slot of its expiry second; one already swept past
 * goes into the next slot a sweep will walk. */
static void wheel_link(struct store_mem *m, struct mem_bind *b)
{
	uint64_t sec = b->expires / 1000;
	struct mem_bind **head;

	if (sec < m->next_sec)
		sec = m->next_sec;
	head = &m->wheel[sec & (WHEEL_SLOTS - 1)];
	b->wnext = *head;
	if (*head)
		(*head)->wpprev = &b->wnext;
	*head = b;
	b->wpprev = head;
}

/* ---- compact bindings ---- */

static const char *bind_str(const struct mem_bind *b, enum bstr i)
{
	uint16_t o = b->off[i];

	if (o == OFF_NULL)
		return NULL;
	if (o & OFF_INTERN)
		return b->m->intern[o & ~OFF_INTERN];
	return b->strs + o;
}

/* The interned copy of @p s: its index, or -1 (the table is full, or out
 * of memory: the caller stores the string inline). */
static int intern(struct store_mem *m, const char *s)
{
	for (size_t i = 0; i < m->nintern; i++)
		if (!strcmp(m->intern[i], s))
			return (int)i;
	if (m->nintern == INTERN_MAX || !(m->intern[m->nintern] = strdup(s)))
		return -1;
	return (int)m->nintern++;
}

/* The strings of @p src in enum bstr order. */
static void src_strs(const struct sip_binding *src, const char *v[BS_COUNT])
{
	v[BS_KEY] = src->key;
	v[BS_CONTACT] = src->contact;
	v[BS_CALLID] = src->callid;
	v[BS_INSTANCE] = src->instance;
	v[BS_PATH] = src->path;
	v[BS_RECEIVED] = src->received;
	v[BS_TRANSPORT] = src->transport;
	v[BS_SOCKET] = src->socket;
	v[BS_USER_AGENT] = src->user_agent;
}

static bool internable(enum bstr i)
{
	return i == BS_TRANSPORT || i == BS_SOCKET || i == BS_USER_AGENT;
}

/* Where @p s ends @p key: the offset in @p key, or -1. The registrar's
 * key for a binding without +sip.instance is "c:" + its contact. */
static int suffix_at(const char *key, const char *s)
{
	size_t kl, sl;

	if (!key)
		return -1;
	kl = strlen(key);
	sl = strlen(s);
	return sl <= kl && !memcmp(key + kl - sl, s, sl) ? (int)(kl - sl) : -1;
}

/* Lay out the strings: off[] and the bytes needed inline. Interning is
 * tried here (a failure only means inline). 0 or EOVERFLOW. */
static int bind_layout(struct store_mem *m, const char *v[BS_COUNT],
		       uint16_t off[BS_COUNT], size_t *size)
{
	size_t n = 0;
	int k;

	for (int i = 0; i < BS_COUNT; i++) {
		if (!v[i]) {
			off[i] = OFF_NULL;
		} else if (i == BS_CONTACT && (k = suffix_at(v[BS_KEY], v[i])) >= 0) {
			off[i] = (uint16_t)(off[BS_KEY] + k);
		} else if (internable(i) && (k = intern(m, v[i])) >= 0) {
			off[i] = (uint16_t)(OFF_INTERN | k);
		} else {
			off[i] = (uint16_t)n;
			n += strlen(v[i]) + 1;
			if (n > STRS_MAX)
				return EOVERFLOW;
		}
	}
	*size = n;
	return 0;
}

static struct mem_bind *bind_new(struct store_mem *m, const struct sip_binding *src)
{
	const char *v[BS_COUNT];
	uint16_t off[BS_COUNT];
	struct mem_bind *b;
	size_t size;

	src_strs(src, v);
	if (bind_layout(m, v, off, &size))
		return NULL;
	b = sip_mem_zalloc(sizeof(*b) + size, NULL);
	if (!b)
		return NULL;
	memcpy(b->off, off, sizeof(off));
	for (int i = 0; i < BS_COUNT; i++)
		if (off[i] != OFF_NULL && !(off[i] & OFF_INTERN))
			strcpy(b->strs + off[i], v[i]);
	b->m = m;
	b->cseq = src->cseq;
	b->expires = src->expires;
	b->q = src->q;
	b->reg_id = src->reg_id;
	b->updated = src->updated;
	return b;
}

/* The struct sip_binding @p b stands for; its strings are borrowed. */
static void bind_view(const struct mem_bind *b, struct sip_binding *out)
{
	*out = (struct sip_binding){
		.aor = b->owner->aor,
		.key = bind_str(b, BS_KEY),
		.contact = bind_str(b, BS_CONTACT),
		.callid = bind_str(b, BS_CALLID),
		.cseq = b->cseq,
		.expires = b->expires,
		.q = b->q,
		.instance = bind_str(b, BS_INSTANCE),
		.reg_id = b->reg_id,
		.path = bind_str(b, BS_PATH),
		.received = bind_str(b, BS_RECEIVED),
		.transport = bind_str(b, BS_TRANSPORT),
		.socket = bind_str(b, BS_SOCKET),
		.user_agent = bind_str(b, BS_USER_AGENT),
		.updated = b->updated,
	};
}

static void bind_link(struct store_mem *m, struct mem_aor *a, struct mem_bind *b)
{
	b->owner = a;
	b->next = a->binds;
	a->binds = b;
	a->n++;
	m->nbinds++;
	wheel_link(m, b);
}

static struct mem_bind *bind_find(const struct mem_aor *a, const char *key)
{
	struct mem_bind *b;

	for (b = a ? a->binds : NULL; b; b = b->next) {
		if (!strcmp(bind_str(b, BS_KEY), key))
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
	enum { STACK_N = 16 };
	const struct sip_binding *stackv[STACK_N], **v = stackv;
	struct sip_binding stackb[STACK_N], *views = stackb;
	struct mem_aor *a = aor_find(m, aor);
	struct sip_bindings *bs;
	size_t n = 0;

	if (a && a->n > STACK_N) {
		v = malloc(a->n * sizeof(*v));
		views = malloc(a->n * sizeof(*views));
		if (!v || !views) {
			free(v);
			free(views);
			return ENOMEM;
		}
	}
	for (struct mem_bind *b = a ? a->binds : NULL; b; b = b->next) {
		if (b->expires > now) {
			bind_view(b, &views[n]);
			v[n] = &views[n];
			n++;
		}
	}
	bs = store_bindings_new(v, n);
	if (v != stackv) {
		free(v);
		free(views);
	}
	if (!bs)
		return ENOMEM;
	*out = bs;
	return 0;
}

struct all_binds {
	const struct sip_binding **v;
	struct sip_binding *views;     /* the compact nodes seen as bindings */
	size_t n;
	uint64_t now;
};

static void collect_aor(struct store_map_node *n, void *arg)
{
	struct all_binds *c = arg;

	for (struct mem_bind *b = ((struct mem_aor *)n)->binds; b; b = b->next)
		if (b->expires > c->now) {
			bind_view(b, &c->views[c->n]);
			c->v[c->n] = &c->views[c->n];
			c->n++;
		}
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
	struct all_binds c = { NULL, NULL, 0, now };
	size_t cap = m->nbinds ? m->nbinds : 1;
	struct sip_bindings *bs;

	c.v = malloc(cap * sizeof(*c.v));
	c.views = malloc(cap * sizeof(*c.views));
	if (!c.v || !c.views) {
		free(c.v);
		free(c.views);
		return ENOMEM;
	}
	store_map_foreach(&m->aors, collect_aor, &c);
	qsort(c.v, c.n, sizeof(*c.v), by_aor);
	bs = store_bindings_new(c.v, c.n);
	free(c.v);
	free(c.views);
	if (!bs)
		return ENOMEM;
	*out = bs;
	return 0;
}

size_t store_mem_sweep(struct store_mem *m, uint64_t now)
{
	uint64_t sec = now / 1000, first = m->next_sec, n;

	m->swept = 0;
	if (sec < first)
		return 0;
	n = sec - first + 1;
	if (n > WHEEL_SLOTS)
		n = WHEEL_SLOTS;
	for (uint64_t i = 0; i < n; i++) {
		struct mem_bind *b = m->wheel[(first + i) & (WHEEL_SLOTS - 1)], *next;

		for (; b; b = next) {
			next = b->wnext;
			/* a binding expiring exactly now is gone: lookups
			 * want expires > now */
			if (b->expires <= now)
				expire(b);
		}
	}
	/* this second's slot may still hold bindings due later in it */
	m->next_sec = sec;
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
