/*
 * route_health_test.c - gateway health: down after N consecutive OPTIONS
 * failures, up after M consecutive successes, probe schedule, counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sip/route.h"

struct step {
	bool ok;
	enum sip_route_health_state state;
	bool changed;
};

static void test_thresholds(void **state)
{
	static const struct step steps[] = {
		{ false, SIP_ROUTE_GW_UP, false },
		{ false, SIP_ROUTE_GW_UP, false },
		{ true, SIP_ROUTE_GW_UP, false },	/* resets the count */
		{ false, SIP_ROUTE_GW_UP, false },
		{ false, SIP_ROUTE_GW_UP, false },
		{ false, SIP_ROUTE_GW_DOWN, true },	/* 3rd in a row */
		{ false, SIP_ROUTE_GW_DOWN, false },
		{ true, SIP_ROUTE_GW_DOWN, false },
		{ false, SIP_ROUTE_GW_DOWN, false },	/* resets the count */
		{ true, SIP_ROUTE_GW_DOWN, false },
		{ true, SIP_ROUTE_GW_UP, true },	/* 2nd in a row */
		{ true, SIP_ROUTE_GW_UP, false },
	};
	struct sip_route_health_conf conf = { .fail_down = 3, .ok_up = 2 };
	struct sip_route_health h;

	(void)state;
	sip_route_health_init(&h, &conf, 1000);
	assert_int_equal(h.state, SIP_ROUTE_GW_UP);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		print_message("step %zu\n", i);
		assert_int_equal(sip_route_health_feed(&h, steps[i].ok,
						       1000 + i),
				 steps[i].changed);
		assert_int_equal(h.state, steps[i].state);
		assert_false(h.consec_ok && h.consec_fail);
	}
	assert_int_equal(h.probes, 12);
	assert_int_equal(h.failures, 7);
	assert_int_equal(h.successes, 5);
	assert_int_equal(h.transitions, 2);
	assert_string_equal(sip_route_health_name(h.state), "up");
	assert_string_equal(sip_route_health_name(SIP_ROUTE_GW_DOWN), "down");
}

static void test_schedule(void **state)
{
	struct sip_route_health_conf conf = {
		.fail_down = 1, .ok_up = 1, .interval_ms = 30000,
		.down_interval_ms = 5000,
	};
	struct sip_route_health h;

	(void)state;
	sip_route_health_init(&h, &conf, 100);
	assert_int_equal(sip_route_health_next_probe(&h), 100);
	sip_route_health_feed(&h, true, 200);
	assert_int_equal(sip_route_health_next_probe(&h), 30200);
	/* down: probe more often to notice the recovery */
	assert_true(sip_route_health_feed(&h, false, 30200));
	assert_int_equal(sip_route_health_next_probe(&h), 35200);
	assert_true(sip_route_health_feed(&h, true, 35200));
	assert_int_equal(sip_route_health_next_probe(&h), 65200);
}

static void test_defaults(void **state)
{
	struct sip_route_health h;

	(void)state;
	sip_route_health_init(&h, NULL, 0);
	assert_int_equal(h.conf.fail_down, 3);
	assert_int_equal(h.conf.ok_up, 2);
	assert_int_equal(h.conf.interval_ms, 30000);
	assert_int_equal(h.conf.down_interval_ms, 30000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
