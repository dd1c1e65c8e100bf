/*
 * mem_test.c - refcounts, destructors, arenas, the allocation cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"

static int destroyed;

static void obj_destroy(void *obj)
{
	(void)obj;
	destroyed++;
}

static void test_refcount(void **state)
{
	long live = sip_mem_live();
	int *p = sip_mem_zalloc(sizeof(int) * 4, obj_destroy);

	(void)state;
	destroyed = 0;
	assert_non_null(p);
	assert_int_equal(p[3], 0);
	assert_int_equal(sip_mem_nrefs(p), 1);
	assert_ptr_equal(sip_mem_ref(p), p);
	assert_int_equal(sip_mem_nrefs(p), 2);
	assert_null(sip_mem_deref(p));
	assert_int_equal(destroyed, 0);
	assert_null(sip_mem_deref(p));
	assert_int_equal(destroyed, 1);
	assert_int_equal(sip_mem_live(), live);
	assert_null(sip_mem_deref(NULL));
	assert_null(sip_mem_ref(NULL));
}

static void test_arena(void **state)
{
	long live = sip_mem_live();
	struct sip_arena *a = sip_arena_new(16);
	char *s;

	(void)state;
	assert_non_null(a);
	for (int i = 0; i < 1000; i++) {
		uint64_t *q = sip_arena_alloc(a, 24);

		assert_non_null(q);
		assert_int_equal((uintptr_t)q % 8, 0);
		*q = (uint64_t)i;
	}
	/* a block bigger than any chunk so far */
	assert_non_null(sip_arena_zalloc(a, 100000));
	s = sip_arena_strndup(a, "hello world", 5);
	assert_string_equal(s, "hello");
	sip_arena_free(a);
	assert_int_equal(sip_mem_live(), live);
}

static void test_fail_after(void **state)
{
	struct sip_arena *a;

	(void)state;
	sip_mem_fail_after(0);
	assert_null(sip_mem_zalloc(8, NULL));
	assert_null(sip_arena_new(64));
	sip_mem_fail_after(1);
	a = sip_arena_new(64); /* needs two allocations: fails cleanly */
	assert_null(a);
	sip_mem_fail_after(-1);
	a = sip_arena_new(64);
	assert_non_null(a);
	sip_mem_fail_after(0);
	assert_null(sip_arena_alloc(a, 100000));
	sip_mem_fail_after(-1);
	assert_non_null(sip_arena_alloc(a, 100000));
	sip_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_fail_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
