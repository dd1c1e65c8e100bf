/*
 * route_gw_test.c - gateway groups: weighted selection with a seeded
 * random source, failover (503 -> next, 486 -> stop, 408/timeout ->
 * next, all fail -> best response), RFC 3261 §16.7 best response.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/route.h"

/* xorshift32: a reproducible random source for the tests. */
static uint32_t seeded(void *arg)
{
	uint32_t *s = arg;

	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const struct sip_route_rule_desc rules[] = {
	{ .name = "out", .match = SIP_ROUTE_PREFIX, .pattern = "0",
	  .dest = SIP_ROUTE_DEST_GROUP, .target = "seq" },
};
static const struct sip_route_gw_desc seq_gws[] = {
	{ "sip:c.example.net", 3, 1 },
	{ "sip:a.example.net", 1, 1 },
	{ "sip:b.example.net", 2, 1 },
};
static const struct sip_route_gw_desc w_gws[] = {
	{ "sip:light.example.net", 1, 1 },
	{ "sip:heavy.example.net", 1, 3 },
	{ "sip:backup.example.net", 5, 0 },
};
static const struct sip_route_group_desc groups[] = {
	{ "seq", seq_gws, 3 },
	{ "weighted", w_gws, 3 },
};
static const struct sip_route_plan_desc desc = {
	rules, 1, groups, 2, { .fail_down = 1 },
};

static struct sip_route_plan *build(void)
{
	struct sip_route_plan *p = NULL;

	assert_int_equal(sip_route_plan_build(&p, &desc, NULL, 0), 0);
	return p;
}

static void test_weighted(void **state)
{
	struct sip_route_plan *p = build();
	struct sip_route_group *g = sip_route_plan_group(p, "weighted");
	struct sip_route_gw *order[SIP_ROUTE_GW_MAX];
	uint32_t seed = 12345;
	unsigned heavy_first = 0, runs = 40000;

	(void)state;
	for (unsigned i = 0; i < runs; i++) {
		assert_int_equal(sip_route_group_order(g, seeded, &seed,
						       order), 3);
		if (!strcmp(sip_route_gw_uri(order[0]), "sip:heavy.example.net"))
			heavy_first++;
		/* priority 5 always comes after priority 1 */
		assert_string_equal(sip_route_gw_uri(order[2]),
				    "sip:backup.example.net");
		assert_ptr_not_equal(order[0], order[1]);
	}
	/* weight 3 of 4: 75 % first, within 1.5 points */
	assert_in_range(heavy_first * 1000 / runs, 735, 765);
	/* weight 0 is read as 1 */
	assert_int_equal(sip_route_gw_weight(sip_route_group_gw(g, 2)), 1);
	/* a down gateway is left out */
	sip_route_health_feed(sip_route_gw_health(sip_route_group_gw(g, 1)),
			      false, 0);
	assert_int_equal(sip_route_group_order(g, seeded, &seed, order), 2);
	assert_string_equal(sip_route_gw_uri(order[0]), "sip:light.example.net");
	sip_mem_deref(p);
}

struct step {
	uint16_t status;		/* response of the current attempt */
	enum sip_route_next next;
	const char *gw;			/* TRY: host tried next */
	uint16_t best;			/* EXHAUSTED: answer */
};

struct scenario {
	const char *what;
	const char *down;		/* gateway going down after start */
	struct step steps[4];
	size_t nsteps;
};

static const struct scenario scen[] = {
	{ "503 then the second answers", NULL, {
		{ 503, SIP_ROUTE_TRY, "sip:b.example.net", 0 },
		{ 200, SIP_ROUTE_RELAY, NULL, 0 } }, 2 },
	{ "486 stops", NULL, {
		{ 486, SIP_ROUTE_RELAY, NULL, 0 } }, 1 },
	{ "408 and timeout go on, 404 stops", NULL, {
		{ 408, SIP_ROUTE_TRY, "sip:b.example.net", 0 },
		{ 0, SIP_ROUTE_TRY, "sip:c.example.net", 0 },
		{ 404, SIP_ROUTE_RELAY, NULL, 0 } }, 3 },
	{ "603 stops", NULL, {
		{ 603, SIP_ROUTE_RELAY, NULL, 0 } }, 1 },
	{ "all 5xx: 503 becomes 500", NULL, {
		{ 503, SIP_ROUTE_TRY, "sip:b.example.net", 0 },
		{ 503, SIP_ROUTE_TRY, "sip:c.example.net", 0 },
		{ 503, SIP_ROUTE_EXHAUSTED, NULL, 500 } }, 3 },
	{ "all fail: the timeout's 408 beats 5xx", NULL, {
		{ 502, SIP_ROUTE_TRY, "sip:b.example.net", 0 },
		{ 0, SIP_ROUTE_TRY, "sip:c.example.net", 0 },
		{ 500, SIP_ROUTE_EXHAUSTED, NULL, 408 } }, 3 },
	{ "a gateway down meanwhile is skipped", "sip:b.example.net", {
		{ 503, SIP_ROUTE_TRY, "sip:c.example.net", 0 },
		{ 504, SIP_ROUTE_EXHAUSTED, NULL, 500 } }, 2 },
};

static void run_scenario(struct sip_route_group *g, const struct scenario *s)
{
	struct sip_route_failover f;
	struct sip_route_gw *gw = NULL;
	uint32_t seed = 7;

	print_message("%s\n", s->what);
	assert_int_equal(sip_route_failover_start(&f, g, seeded, &seed, &gw),
			 0);
	assert_string_equal(sip_route_gw_uri(gw), "sip:a.example.net");
	for (size_t i = 0; s->down && i < sip_route_group_count(g); i++) {
		struct sip_route_gw *x = sip_route_group_gw(g, i);

		if (!strcmp(sip_route_gw_uri(x), s->down))
			sip_route_health_feed(sip_route_gw_health(x), false, 0);
	}
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct step *st = &s->steps[i];
		uint16_t best = 0;

		assert_int_equal(sip_route_failover_next(&f, st->status, &gw,
							 &best), st->next);
		if (st->next == SIP_ROUTE_TRY)
			assert_string_equal(sip_route_gw_uri(gw), st->gw);
		if (st->next == SIP_ROUTE_EXHAUSTED)
			assert_int_equal(best, st->best);
	}
}

static void test_failover(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scen / sizeof scen[0]; i++) {
		struct sip_route_plan *p = build();

		run_scenario(sip_route_plan_group(p, "seq"), &scen[i]);
		sip_mem_deref(p);
	}
}

static void test_all_down(void **state)
{
	struct sip_route_plan *p = build();
	struct sip_route_group *g = sip_route_plan_group(p, "seq");
	struct sip_route_failover f;
	struct sip_route_gw *gw = NULL;

	(void)state;
	for (size_t i = 0; i < sip_route_group_count(g); i++)
		sip_route_health_feed(sip_route_gw_health(
			sip_route_group_gw(g, i)), false, 0);
	assert_int_equal(sip_route_failover_start(&f, g, NULL, NULL, &gw),
			 ENOENT);
	assert_null(gw);
	sip_mem_deref(p);
}

static void test_best_response(void **state)
{
	static const struct {
		uint16_t codes[4];
		size_t n;
		uint16_t best;
	} t[] = {
		{ { 0 }, 0, 408 },
		{ { 486 }, 1, 486 },
		{ { 503 }, 1, 500 },
		{ { 404, 401 }, 2, 401 },
		{ { 407, 401 }, 2, 407 },
		{ { 484, 486 }, 2, 484 },
		{ { 500, 486 }, 2, 486 },
		{ { 302, 486 }, 2, 302 },
		{ { 200, 486, 500 }, 3, 200 },
		{ { 200, 603 }, 2, 603 },
		{ { 486, 600, 404 }, 3, 600 },
		{ { 0, 503 }, 2, 408 },
		{ { 180 }, 1, 408 },
		{ { 503, 502 }, 2, 500 },
		{ { 502, 503 }, 2, 502 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		print_message("case %zu\n", i);
		assert_int_equal(sip_route_best_response(t[i].codes, t[i].n),
				 t[i].best);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_all_down),
		cmocka_unit_test(test_best_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
