/*
 * store_list_test.c - sip_store_list(): every unexpired binding of every
 * AOR, ordered by AOR then key, answered after the call returns (memory
 * and sqlite backends share the index); expired bindings left out.
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

static uint64_t vclock;

static uint64_t virtual_now(void *arg)
{
	return vclock;
}

struct listing {
	int calls;
	int err;
	char text[1024];   /* "aor key contact;" per binding */
};

static void on_list(void *arg, int err, struct sip_bindings *bs)
{
	struct listing *l = arg;
	size_t used = 0;

	l->calls++;
	l->err = err;
	for (size_t i = 0; bs && i < bs->n; i++)
		used += (size_t)snprintf(l->text + used, sizeof(l->text) - used,
					 "%s %s %s;", bs->v[i].aor, bs->v[i].key,
					 bs->v[i].contact);
}

static void put(struct sip_store *st, const char *aor, const char *key,
		const char *contact, uint64_t ttl_ms)
{
	struct sip_binding b = {
		.aor = aor, .key = key, .contact = contact, .callid = "c",
		.cseq = 1, .expires = vclock + ttl_ms, .q = -1,
	};

	assert_int_equal(sip_store_put(st, &b, NULL, NULL), 0);
}

static void test_list(void **state)
{
	long live = sip_mem_live();
	struct sip_store_conf conf = {
		.backend = "memory", .clock = virtual_now, .sweep_ms = 100000,
	};
	struct listing l = { 0 };
	struct sip_store *st;
	uv_loop_t loop;

	vclock = 1700000000000ULL;
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(sip_store_open(&st, &loop, &conf), 0);
	assert_int_equal(sip_store_list(st, on_list, &l), 0);
	assert_int_equal(l.calls, 0);   /* never inside the call */
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(l.calls, 1);
	assert_string_equal(l.text, "");

	put(st, "sip:bob@example.com", "k2", "sip:bob@192.0.2.2", 60000);
	put(st, "sip:alice@example.com", "k9", "sip:alice@192.0.2.9", 60000);
	put(st, "sip:alice@example.com", "k1", "sip:alice@192.0.2.1", 60000);
	put(st, "sip:carol@example.com", "k3", "sip:carol@192.0.2.3", 1000);
	vclock += 2000;   /* carol's binding has expired (not swept yet) */
	memset(&l, 0, sizeof(l));
	assert_int_equal(sip_store_list(st, on_list, &l), 0);
	for (int i = 0; i < 100 && !l.calls; i++)
		uv_run(&loop, UV_RUN_ONCE);
	assert_int_equal(l.err, 0);
	assert_string_equal(l.text,
		"sip:alice@example.com k1 sip:alice@192.0.2.1;"
		"sip:alice@example.com k9 sip:alice@192.0.2.9;"
		"sip:bob@example.com k2 sip:bob@192.0.2.2;");
	assert_int_equal(sip_store_list(st, NULL, NULL), EINVAL);
	sip_mem_deref(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(sip_mem_live(), live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
