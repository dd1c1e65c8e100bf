/*
 * store_mem_test.c - the memory index (bindings by AOR, users, expiry on
 * the timer set, all-or-nothing changes under allocation failure) and the
 * "memory" backend through the public interface: handlers never run
 * inside the call, a lookup sees the index as it is when it answers,
 * sweeping on a virtual clock, release with operations pending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/store.h"

#include "store/store.h"

static struct sip_binding mkb(const char *aor, const char *key,
			      const char *contact, uint64_t expires)
{
	struct sip_binding b = {
		.aor = aor, .key = key, .contact = contact, .callid = "cid-1",
		.cseq = 1, .expires = expires, .q = -1, .updated = 1000,
	};

	return b;
}

static const struct sip_binding *find_key(const struct sip_bindings *bs,
					  const char *key)
{
	for (size_t i = 0; i < bs->n; i++) {
		if (!strcmp(bs->v[i].key, key))
			return &bs->v[i];
	}
	return NULL;
}

/* ---- the index ---- */

static void test_index_put_get_del(void **state)
{
	long live = sip_mem_live();
	struct store_mem *m;
	struct sip_bindings *bs;
	struct sip_binding_change c[2];

	assert_int_equal(store_mem_alloc(&m, 1000), 0);
	c[0] = (struct sip_binding_change){ SIP_BINDING_PUT,
		mkb("sip:alice@example.com", "k1", "sip:alice@192.0.2.1", 5000) };
	c[1] = (struct sip_binding_change){ SIP_BINDING_PUT,
		mkb("sip:alice@example.com", "k2", "sip:alice@192.0.2.2", 9000) };
	c[1].b.instance = "<urn:uuid:1>";
	c[1].b.path = "<sip:edge.example.com;lr>";
	c[1].b.user_agent = "test UA";
	c[1].b.q = 500;
	assert_int_equal(store_mem_apply(m, "sip:alice@example.com", c, 2), 0);
	assert_int_equal(store_mem_count(m), 2);
	assert_int_equal(store_mem_aors(m), 1);

	assert_int_equal(store_mem_get(m, "sip:alice@example.com", 1000, &bs), 0);
	assert_int_equal(bs->n, 2);
	assert_non_null(find_key(bs, "k1"));
	assert_string_equal(find_key(bs, "k2")->instance, "<urn:uuid:1>");
	assert_string_equal(find_key(bs, "k2")->path, "<sip:edge.example.com;lr>");
	assert_string_equal(find_key(bs, "k2")->user_agent, "test UA");
	assert_string_equal(find_key(bs, "k2")->aor, "sip:alice@example.com");
	assert_int_equal(find_key(bs, "k2")->q, 500);
	assert_null(find_key(bs, "k1")->instance);
	sip_mem_deref(bs);

	/* other AOR: empty result, not an error */
	assert_int_equal(store_mem_get(m, "sip:bob@example.com", 1000, &bs), 0);
	assert_int_equal(bs->n, 0);
	sip_mem_deref(bs);

	/* expired at the time of the read: filtered */
	assert_int_equal(store_mem_get(m, "sip:alice@example.com", 5000, &bs), 0);
	assert_int_equal(bs->n, 1);
	assert_string_equal(bs->v[0].key, "k2");
	sip_mem_deref(bs);

	/* replace k1 (same key), delete k2 */
	c[0].b.contact = "sip:alice@198.51.100.7";
	c[0].b.cseq = 2;
	c[1] = (struct sip_binding_change){ .op = SIP_BINDING_DEL };
	c[1].b.key = "k2";
	assert_int_equal(store_mem_apply(m, "sip:alice@example.com", c, 2), 0);
	assert_int_equal(store_mem_count(m), 1);
	assert_int_equal(store_mem_get(m, "sip:alice@example.com", 1000, &bs), 0);
	assert_int_equal(bs->n, 1);
	assert_string_equal(bs->v[0].contact, "sip:alice@198.51.100.7");
	assert_int_equal(bs->v[0].cseq, 2);
	sip_mem_deref(bs);

	/* deleting the last binding drops the AOR */
	c[0] = (struct sip_binding_change){ .op = SIP_BINDING_DEL };
	c[0].b.key = "k1";
	assert_int_equal(store_mem_apply(m, "sip:alice@example.com", c, 1), 0);
	assert_int_equal(store_mem_count(m), 0);
	assert_int_equal(store_mem_aors(m), 0);
	/* deleting from an unknown AOR is harmless */
	assert_int_equal(store_mem_apply(m, "sip:nobody@example.com", c, 1), 0);
	assert_int_equal(store_mem_aors(m), 0);

	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

/* Every field comes back as stored from the compact node: a contact that
 * ends the key or equals it (kept once), interned transport/socket/User-Agent, more
 * distinct User-Agents than the intern table holds (the rest inline),
 * NULL strings, and more bindings in one AOR than the lookup's stack
 * array. */
static void test_index_compact_fields(void **state)
{
	enum { N = 40 };
	long live = sip_mem_live();
	struct store_mem *m;
	struct sip_bindings *bs;
	struct sip_binding_change c[N];
	char keys[N][48], uas[N][32];

	assert_int_equal(store_mem_alloc(&m, 1000), 0);
	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "c:sip:carol@192.0.2.%d:5060", i + 1);
		snprintf(uas[i], sizeof(uas[i]), "phone/%d", i);
		c[i] = (struct sip_binding_change){ SIP_BINDING_PUT,
			mkb("sip:carol@example.com", keys[i], keys[i] + (i % 3 ? 2 : 0),
			    5000 + i) };
		c[i].b.cseq = 100 + (uint32_t)i;
		c[i].b.q = i % 2 ? -1 : 10 * i;
		c[i].b.reg_id = (uint32_t)i;
		c[i].b.received = keys[i] + 10;
		c[i].b.transport = i % 2 ? "UDP" : "TCP";
		c[i].b.socket = "192.0.2.200:5060";
		c[i].b.user_agent = uas[i];
		c[i].b.updated = 7000 + (uint64_t)i;
	}
	c[3].b.key = "<urn:uuid:3>";       /* a key of its own */
	c[3].b.instance = "<urn:uuid:3>";
	c[5].b.transport = NULL;
	c[5].b.user_agent = NULL;
	assert_int_equal(store_mem_apply(m, "sip:carol@example.com", c, N), 0);
	assert_int_equal(store_mem_get(m, "sip:carol@example.com", 1000, &bs), 0);
	assert_int_equal(bs->n, N);
	for (int i = 0; i < N; i++) {
		const struct sip_binding *b = find_key(bs, c[i].b.key);

		assert_non_null(b);
		assert_string_equal(b->aor, "sip:carol@example.com");
		assert_string_equal(b->contact, keys[i] + (i % 3 ? 2 : 0));
		assert_string_equal(b->callid, "cid-1");
		assert_int_equal(b->cseq, 100 + i);
		assert_int_equal(b->expires, 5000 + i);
		assert_int_equal(b->q, i % 2 ? -1 : 10 * i);
		assert_int_equal(b->reg_id, i);
		assert_int_equal(b->updated, 7000 + i);
		assert_string_equal(b->received, keys[i] + 10);
		assert_string_equal(b->socket, "192.0.2.200:5060");
		assert_null(b->path);
		if (i == 5) {
			assert_null(b->transport);
			assert_null(b->user_agent);
		} else {
			assert_string_equal(b->transport, i % 2 ? "UDP" : "TCP");
			assert_string_equal(b->user_agent, uas[i]);
		}
		if (i == 3)
			assert_string_equal(b->instance, "<urn:uuid:3>");
		else
			assert_null(b->instance);
	}
	sip_mem_deref(bs);
	/* replace by key: the contact-keyed one and the instance-keyed one */
	c[0].b.cseq = 999;
	c[1] = c[3];
	c[1].b.contact = "sip:carol@198.51.100.9";
	assert_int_equal(store_mem_apply(m, "sip:carol@example.com", c, 2), 0);
	assert_int_equal(store_mem_count(m), N);
	assert_int_equal(store_mem_get(m, "sip:carol@example.com", 1000, &bs), 0);
	assert_int_equal(find_key(bs, keys[0])->cseq, 999);
	assert_string_equal(find_key(bs, "<urn:uuid:3>")->contact, "sip:carol@198.51.100.9");
	sip_mem_deref(bs);
	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

static void test_index_sweep(void **state)
{
	long live = sip_mem_live();
	struct store_mem *m;
	char aor[64], key[16];

	assert_int_equal(store_mem_alloc(&m, 0), 0);
	for (int i = 0; i < 300; i++) {
		struct sip_binding_change c = { SIP_BINDING_PUT,
			mkb(aor, key, "sip:x@192.0.2.1", 1000 + (uint64_t)(i % 3) * 1000) };

		snprintf(aor, sizeof(aor), "sip:u%d@example.com", i / 2);
		snprintf(key, sizeof(key), "k%d", i % 2);
		c.b.aor = aor;
		assert_int_equal(store_mem_apply(m, aor, &c, 1), 0);
	}
	assert_int_equal(store_mem_count(m), 300);
	assert_int_equal(store_mem_aors(m), 150);
	assert_int_equal(store_mem_sweep(m, 999), 0);
	assert_int_equal(store_mem_sweep(m, 1000), 100);  /* expires <= now */
	assert_int_equal(store_mem_count(m), 200);
	assert_int_equal(store_mem_sweep(m, 2500), 100);
	assert_int_equal(store_mem_sweep(m, 10000), 100);
	assert_int_equal(store_mem_count(m), 0);
	assert_int_equal(store_mem_aors(m), 0);
	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

static void put1(struct store_mem *m, const char *aor, const char *key,
		 uint64_t expires)
{
	struct sip_binding_change c = { SIP_BINDING_PUT,
		mkb(aor, key, "sip:x@192.0.2.1", expires) };

	assert_int_equal(store_mem_apply(m, aor, &c, 1), 0);
}

/* The expiry wheel (one-second slots, 4096 per lap): within a second,
 * across laps, after a long gap without sweeps, and a binding already
 * expired when put. */
static void test_index_sweep_wheel(void **state)
{
	long live = sip_mem_live();
	struct store_mem *m;

	assert_int_equal(store_mem_alloc(&m, 1000000), 0);
	put1(m, "sip:a@example.com", "k", 1005500);          /* in 5.5 s */
	put1(m, "sip:b@example.com", "k", 1000000 + 4096000 + 5200); /* a lap on */
	put1(m, "sip:c@example.com", "k", 1000000 + 3 * 4096000);     /* 3 laps */
	put1(m, "sip:d@example.com", "k", 999000);            /* already over */
	assert_int_equal(store_mem_sweep(m, 1000000), 1);    /* d */
	assert_int_equal(store_mem_sweep(m, 1005200), 0);    /* a: same second, later */
	assert_int_equal(store_mem_sweep(m, 1005499), 0);
	assert_int_equal(store_mem_sweep(m, 1005500), 1);    /* a */
	/* b shares a's slot one lap later: it stayed */
	assert_int_equal(store_mem_count(m), 2);
	/* no sweep for over a lap: every slot is walked once */
	assert_int_equal(store_mem_sweep(m, 1000000 + 4096000 + 5199), 0);
	assert_int_equal(store_mem_sweep(m, 1000000 + 4096000 + 9000), 1);    /* b */
	assert_int_equal(store_mem_count(m), 1);
	assert_int_equal(store_mem_sweep(m, 1000000 + 3 * 4096000 - 1), 0);
	assert_int_equal(store_mem_sweep(m, 1000000 + 3 * 4096000), 1);      /* c */
	assert_int_equal(store_mem_count(m), 0);
	assert_int_equal(store_mem_aors(m), 0);
	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

static void test_index_refresh_rearms_expiry(void **state)
{
	struct store_mem *m;
	struct sip_binding_change c = { SIP_BINDING_PUT,
		mkb("sip:a@example.com", "k", "sip:a@192.0.2.1", 2000) };

	assert_int_equal(store_mem_alloc(&m, 0), 0);
	assert_int_equal(store_mem_apply(m, "sip:a@example.com", &c, 1), 0);
	assert_int_equal(store_mem_sweep(m, 1500), 0);
	c.b.expires = 5000;  /* refresh before expiry */
	assert_int_equal(store_mem_apply(m, "sip:a@example.com", &c, 1), 0);
	assert_int_equal(store_mem_sweep(m, 2500), 0);
	assert_int_equal(store_mem_count(m), 1);
	assert_int_equal(store_mem_sweep(m, 5000), 1);
	sip_mem_deref(m);
}

static void test_index_many_aors(void **state)
{
	long live = sip_mem_live();
	struct store_mem *m;
	struct sip_bindings *bs;
	char aor[64];

	assert_int_equal(store_mem_alloc(&m, 0), 0);
	for (int i = 0; i < 5000; i++) {
		struct sip_binding_change c = { SIP_BINDING_PUT,
			mkb(aor, "k", "sip:x@192.0.2.1", 100000) };

		snprintf(aor, sizeof(aor), "sip:user%d@example.com", i);
		c.b.cseq = (uint32_t)i;
		assert_int_equal(store_mem_apply(m, aor, &c, 1), 0);
	}
	assert_int_equal(store_mem_aors(m), 5000);
	for (int i = 0; i < 5000; i += 499) {
		snprintf(aor, sizeof(aor), "sip:user%d@example.com", i);
		assert_int_equal(store_mem_get(m, aor, 0, &bs), 0);
		assert_int_equal(bs->n, 1);
		assert_int_equal(bs->v[0].cseq, i);
		assert_string_equal(bs->v[0].aor, aor);
		sip_mem_deref(bs);
	}
	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

/* ENOMEM at any allocation leaves the index as it was, leaking nothing. */
static void test_index_apply_oom(void **state)
{
	long live = sip_mem_live();
	struct store_mem *m;
	struct sip_bindings *bs;
	struct sip_binding_change c[3];
	int err = ENOMEM;

	assert_int_equal(store_mem_alloc(&m, 0), 0);
	c[0] = (struct sip_binding_change){ SIP_BINDING_PUT,
		mkb("sip:o@example.com", "old", "sip:o@192.0.2.9", 9000) };
	assert_int_equal(store_mem_apply(m, "sip:o@example.com", c, 1), 0);
	c[0] = (struct sip_binding_change){ SIP_BINDING_PUT,
		mkb("sip:o@example.com", "a", "sip:o@192.0.2.1", 9000) };
	c[1] = (struct sip_binding_change){ SIP_BINDING_PUT,
		mkb("sip:o@example.com", "b", "sip:o@192.0.2.2", 9000) };
	c[2] = (struct sip_binding_change){ .op = SIP_BINDING_DEL };
	c[2].b.key = "old";
	for (long n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = store_mem_apply(m, "sip:o@example.com", c, 3);
		sip_mem_fail_after(-1);
		if (err == ENOMEM) {
			assert_int_equal(store_mem_count(m), 1);
			assert_int_equal(store_mem_get(m, "sip:o@example.com", 0, &bs), 0);
			assert_string_equal(bs->v[0].key, "old");
			sip_mem_deref(bs);
		}
	}
	assert_int_equal(err, 0);
	assert_int_equal(store_mem_count(m), 2);
	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

static void test_index_users(void **state)
{
	long live = sip_mem_live();
	struct store_mem *m;
	struct sip_users *us;
	struct sip_user u = { "alice", "example.com", "0123", "abcd", "default" };

	assert_int_equal(store_mem_alloc(&m, 0), 0);
	assert_int_equal(store_mem_user_put(m, &u), 0);
	u.username = "bob";
	u.ha1_sha256 = NULL;
	assert_int_equal(store_mem_user_put(m, &u), 0);
	u.domain = "a.example.org";
	u.username = "zed";
	assert_int_equal(store_mem_user_put(m, &u), 0);
	/* same name in another domain is another user; replace keeps one */
	u.username = "alice";
	u.perm = "admin";
	assert_int_equal(store_mem_user_put(m, &u), 0);
	assert_int_equal(store_mem_user_put(m, &u), 0);
	assert_int_equal(store_mem_users(m), 4);

	assert_int_equal(store_mem_user_get(m, "alice", "example.com", &us), 0);
	assert_string_equal(us->v[0].ha1_md5, "0123");
	assert_string_equal(us->v[0].ha1_sha256, "abcd");
	assert_string_equal(us->v[0].perm, "default");
	sip_mem_deref(us);
	assert_int_equal(store_mem_user_get(m, "alice", "a.example.org", &us), 0);
	assert_string_equal(us->v[0].perm, "admin");
	assert_null(us->v[0].ha1_sha256);
	sip_mem_deref(us);
	assert_int_equal(store_mem_user_get(m, "carol", "example.com", &us), ENOENT);
	/* the key keeps username and domain apart */
	assert_int_equal(store_mem_user_get(m, "alice@example", "com", &us), ENOENT);
	assert_int_equal(store_mem_user_get(m, "alice", "example.co", &us), ENOENT);

	assert_int_equal(store_mem_user_list(m, &us), 0);
	assert_int_equal(us->n, 4);
	/* sorted by domain, then username */
	assert_string_equal(us->v[0].domain, "a.example.org");
	assert_string_equal(us->v[0].username, "alice");
	assert_string_equal(us->v[1].username, "zed");
	assert_string_equal(us->v[2].username, "alice");
	assert_string_equal(us->v[3].username, "bob");
	sip_mem_deref(us);

	assert_true(store_mem_user_del(m, "bob", "example.com"));
	assert_false(store_mem_user_del(m, "bob", "example.com"));
	assert_int_equal(store_mem_users(m), 3);
	sip_mem_deref(m);
	assert_int_equal(sip_mem_live(), live);
}

/* ---- the "memory" backend through the public interface ---- */

static uint64_t vclock;

static uint64_t virtual_now(void *arg)
{
	return vclock;
}

struct result {
	int calls;
	int err;
	size_t n;
	char contact[128];
	char username[64];
	bool inside;            /* set while the starting call runs */
	bool ran_inside;
};

static bool inside_call;

static void on_bindings(void *arg, int err, struct sip_bindings *bs)
{
	struct result *r = arg;

	r->calls++;
	r->err = err;
	r->ran_inside |= inside_call;
	r->n = bs ? bs->n : 0;
	if (bs && bs->n)
		snprintf(r->contact, sizeof(r->contact), "%s", bs->v[0].contact);
}

static void on_done(void *arg, int err)
{
	struct result *r = arg;

	r->calls++;
	r->err = err;
	r->ran_inside |= inside_call;
}

static void on_user(void *arg, int err, const struct sip_user *u)
{
	struct result *r = arg;

	r->calls++;
	r->err = err;
	if (u)
		snprintf(r->username, sizeof(r->username), "%s", u->username);
}

static void on_users(void *arg, int err, struct sip_users *us)
{
	struct result *r = arg;

	r->calls++;
	r->err = err;
	r->n = us ? us->n : 0;
}

static void run_until(uv_loop_t *loop, const int *calls, int want)
{
	for (int i = 0; i < 1000 && *calls < want; i++)
		uv_run(loop, UV_RUN_ONCE);
	assert_int_equal(*calls, want);
}

static struct sip_store *open_memory(uv_loop_t *loop)
{
	struct sip_store_conf conf = {
		.backend = "memory", .clock = virtual_now, .sweep_ms = 50,
	};
	struct sip_store *st;

	vclock = 1700000000000ULL;
	assert_int_equal(uv_loop_init(loop), 0);
	assert_int_equal(sip_store_open(&st, loop, &conf), 0);
	assert_string_equal(sip_store_backend(st), "memory");
	return st;
}

static void close_store(struct sip_store *st, uv_loop_t *loop)
{
	sip_mem_deref(st);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
}

static void test_backend_roundtrip(void **state)
{
	long live = sip_mem_live();
	uv_loop_t loop;
	struct sip_store *st = open_memory(&loop);
	struct sip_binding b = mkb("sip:alice@example.com", "k",
				   "sip:alice@192.0.2.1", vclock + 60000);
	struct result put = { 0 }, get = { 0 };

	inside_call = true;
	assert_int_equal(sip_store_put(st, &b, on_done, &put), 0);
	assert_int_equal(sip_store_lookup(st, "sip:alice@example.com",
					  on_bindings, &get), 0);
	inside_call = false;
	assert_int_equal(put.calls + get.calls, 0);
	run_until(&loop, &get.calls, 1);
	assert_int_equal(put.calls, 1);
	assert_false(put.ran_inside || get.ran_inside);
	assert_int_equal(get.err, 0);
	assert_int_equal(get.n, 1);
	assert_string_equal(get.contact, "sip:alice@192.0.2.1");
	assert_int_equal(sip_store_stats(st)->bindings, 1);
	assert_int_equal(sip_store_stats(st)->lookups, 1);

	/* a lookup answers with the index as it is when it answers */
	memset(&get, 0, sizeof(get));
	assert_int_equal(sip_store_lookup(st, "sip:alice@example.com",
					  on_bindings, &get), 0);
	assert_int_equal(sip_store_del(st, "sip:alice@example.com", "k", NULL, NULL), 0);
	run_until(&loop, &get.calls, 1);
	assert_int_equal(get.n, 0);

	/* invalid changes */
	b.key = NULL;
	assert_int_equal(sip_store_put(st, &b, NULL, NULL), EINVAL);
	b.key = "k";
	b.callid = NULL;
	assert_int_equal(sip_store_put(st, &b, NULL, NULL), EINVAL);
	b.callid = "x";
	b.aor = "sip:other@example.com";
	assert_int_equal(sip_store_apply(st, "sip:alice@example.com",
					 &(struct sip_binding_change){ SIP_BINDING_PUT, b },
					 1, NULL, NULL), EINVAL);
	close_store(st, &loop);
	assert_int_equal(sip_mem_live(), live);
}

static void on_keep(uv_timer_t *t)
{
}

static void test_backend_expiry(void **state)
{
	uv_loop_t loop;
	struct sip_store *st = open_memory(&loop);
	struct sip_binding b = mkb("sip:bob@example.com", "k",
				   "sip:bob@192.0.2.1", vclock + 30000);
	struct result get = { 0 };

	assert_int_equal(sip_store_put(st, &b, NULL, NULL), 0);
	assert_int_equal(sip_binding_remaining(&b, vclock), 30);
	assert_int_equal(sip_binding_remaining(&b, vclock + 1), 30);  /* rounded up */
	assert_int_equal(sip_binding_remaining(&b, vclock + 29001), 1);
	assert_int_equal(sip_binding_remaining(&b, vclock + 30000), 0);

	/* expired on the clock: invisible at once, swept later */
	vclock += 30000;
	assert_int_equal(sip_store_lookup(st, "sip:bob@example.com", on_bindings, &get), 0);
	run_until(&loop, &get.calls, 1);
	assert_int_equal(get.n, 0);
	assert_int_equal(sip_store_stats(st)->bindings, 1);
	assert_int_equal(sip_store_sweep(st), 1);
	assert_int_equal(sip_store_stats(st)->bindings, 0);
	assert_int_equal(sip_store_stats(st)->swept, 1);

	/* the sweep timer does it by itself; it does not keep the loop
	 * alive, so the test holds it open with a timer of its own, as the
	 * daemon's sockets do */
	b.expires = vclock + 1000;
	assert_int_equal(sip_store_put(st, &b, NULL, NULL), 0);
	vclock += 1000;
	uv_timer_t keep;
	uv_timer_init(&loop, &keep);
	uv_timer_start(&keep, on_keep, 5, 5);
	for (int i = 0; i < 200 && sip_store_stats(st)->swept < 2; i++)
		uv_run(&loop, UV_RUN_ONCE);
	assert_int_equal(sip_store_stats(st)->swept, 2);
	uv_close((uv_handle_t *)&keep, NULL);
	close_store(st, &loop);
}

static void test_backend_users(void **state)
{
	uv_loop_t loop;
	struct sip_store *st = open_memory(&loop);
	struct sip_user u = { "carol", "example.com", "md5", "sha", NULL };
	struct result r = { 0 };

	assert_int_equal(sip_store_user_put(st, &u, on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_get(st, "carol", "example.com", on_user, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, 0);
	assert_string_equal(r.username, "carol");
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_get(st, "carol", "example.org", on_user, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.err, ENOENT);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_list(st, on_users, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(r.n, 1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(sip_store_user_del(st, "carol", "example.com", on_done, &r), 0);
	run_until(&loop, &r.calls, 1);
	assert_int_equal(sip_store_stats(st)->users, 0);
	u.username = NULL;
	assert_int_equal(sip_store_user_put(st, &u, NULL, NULL), EINVAL);
	close_store(st, &loop);
}

/* Released with operations pending: each handler runs once, ECANCELED. */
static void test_backend_release_pending(void **state)
{
	long live = sip_mem_live();
	uv_loop_t loop;
	struct sip_store *st = open_memory(&loop);
	struct sip_binding b = mkb("sip:d@example.com", "k", "sip:d@192.0.2.1",
				   vclock + 1000);
	struct result r1 = { 0 }, r2 = { 0 }, r3 = { 0 };

	assert_int_equal(sip_store_put(st, &b, on_done, &r1), 0);
	assert_int_equal(sip_store_lookup(st, "sip:d@example.com", on_bindings, &r2), 0);
	assert_int_equal(sip_store_defer(st, on_done, &r3), 0);
	close_store(st, &loop);
	assert_int_equal(r1.calls, 1);
	assert_int_equal(r1.err, ECANCELED);
	assert_int_equal(r2.calls, 1);
	assert_int_equal(r2.err, ECANCELED);
	assert_int_equal(r3.calls, 1);
	assert_int_equal(r3.err, ECANCELED);
	assert_int_equal(sip_mem_live(), live);
}

/* Every allocation of an operation may fail: no handler, no leak. */
static void test_backend_oom(void **state)
{
	long live = sip_mem_live();
	uv_loop_t loop;
	struct sip_store *st = open_memory(&loop);
	struct sip_binding b = mkb("sip:e@example.com", "k", "sip:e@192.0.2.1",
				   vclock + 1000);
	struct result r = { 0 };
	int err = ENOMEM;

	for (long n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = sip_store_put(st, &b, on_done, &r);
		sip_mem_fail_after(-1);
	}
	assert_int_equal(err, 0);
	run_until(&loop, &r.calls, 1);
	err = ENOMEM;
	for (long n = 0; err == ENOMEM; n++) {
		sip_mem_fail_after(n);
		err = sip_store_lookup(st, "sip:e@example.com", on_bindings, &r);
		sip_mem_fail_after(-1);
	}
	run_until(&loop, &r.calls, 2);
	close_store(st, &loop);
	assert_int_equal(sip_mem_live(), live);
}

static void test_backend_unknown(void **state)
{
	uv_loop_t loop;
	struct sip_store *st;
	struct sip_store_conf conf = { .backend = "mongo" };

	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(sip_store_open(&st, &loop, &conf), EINVAL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_put_get_del),
		cmocka_unit_test(test_index_compact_fields),
		cmocka_unit_test(test_index_sweep),
		cmocka_unit_test(test_index_sweep_wheel),
		cmocka_unit_test(test_index_refresh_rearms_expiry),
		cmocka_unit_test(test_index_many_aors),
		cmocka_unit_test(test_index_apply_oom),
		cmocka_unit_test(test_index_users),
		cmocka_unit_test(test_backend_roundtrip),
		cmocka_unit_test(test_backend_expiry),
		cmocka_unit_test(test_backend_users),
		cmocka_unit_test(test_backend_release_pending),
		cmocka_unit_test(test_backend_oom),
		cmocka_unit_test(test_backend_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
