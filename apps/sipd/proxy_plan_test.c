/*
 * proxy_plan_test.c - the proxy's use of a dial plan (proxy_plan.c) on
 * plans built with sip_route_plan_build(): no rule (default routing), a
 * refused caller (403), a user (location service), a URI, a redirect to
 * a URI or to a user's contacts, a gateway group in failover order with
 * the number in each Request-URI, gateways that are down left out, all
 * down (503), and the failover verdicts (408/5xx/timeout try the next,
 * other codes end it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/route.h"

#include "proxy_plan.h"

static const char *const intl[] = { "international" };

static const struct sip_route_rule_desc rules[] = {
	{ .name = "pstn", .match = SIP_ROUTE_PREFIX, .pattern = "9", .strip = 1,
	  .dest = SIP_ROUTE_DEST_GROUP, .target = "carriers" },
	{ .name = "intl", .match = SIP_ROUTE_PREFIX, .pattern = "00",
	  .dest = SIP_ROUTE_DEST_URI, .target = "sip:${user}@192.0.2.99",
	  .classes = intl, .nclasses = 1 },
	{ .name = "helpdesk", .match = SIP_ROUTE_PREFIX, .pattern = "800",
	  .dest = SIP_ROUTE_DEST_URI, .target = "sip:${user}@192.0.2.50;transport=tcp" },
	{ .name = "moved", .match = SIP_ROUTE_PREFIX, .pattern = "5",
	  .dest = SIP_ROUTE_DEST_REDIRECT, .target = "sip:${user}@new.test",
	  .redirect_code = 301 },
	{ .name = "lab", .match = SIP_ROUTE_PREFIX, .pattern = "6",
	  .dest = SIP_ROUTE_DEST_REDIRECT, .target = "user:lab" },
	{ .name = "ext", .match = SIP_ROUTE_REGEX, .pattern = "^[2-4]\\d\\d$",
	  .dest = SIP_ROUTE_DEST_USER },
};

static const struct sip_route_gw_desc gws[] = {
	{ .uri = "sip:192.0.2.1:5060", .priority = 1 },
	{ .uri = "sip:192.0.2.2;transport=tcp", .priority = 2 },
	{ .uri = "sip:[2001:db8::3]:5070", .priority = 3 },
};

static const struct sip_route_group_desc groups[] = {
	{ .name = "carriers", .gws = gws, .ngws = 3 },
};

static struct sip_route_plan *build(void)
{
	struct sip_route_plan_desc d = {
		.rules = rules, .nrules = sizeof(rules) / sizeof(rules[0]),
		.groups = groups, .ngroups = 1,
	};
	struct sip_route_plan *p;
	char err[SIP_ROUTE_ERR_MAX];

	assert_int_equal(sip_route_plan_build(&p, &d, err, sizeof(err)), 0);
	return p;
}

static struct sipd_plan_route r;

static void route(struct sip_route_plan *p, const char *num, const char *cls)
{
	struct sip_route_req req = { .ruri_user = num, .from_user = "alice",
				     .source = "192.0.2.200", .caller_class = cls };

	assert_int_equal(sipd_plan_route(p, &req, NULL, NULL, &r), 0);
}

static void test_kinds(void **state)
{
	struct sip_route_plan *p = build();

	(void)state;
	route(p, "7777", NULL);
	assert_int_equal(r.action, SIPD_PLAN_DEFAULT);
	route(p, "0044123", NULL);
	assert_int_equal(r.action, SIPD_PLAN_REFUSE);
	route(p, "0044123", "international");
	assert_int_equal(r.action, SIPD_PLAN_URI);
	assert_string_equal(r.target, "sip:0044123@192.0.2.99");
	route(p, "800123", NULL);
	assert_int_equal(r.action, SIPD_PLAN_URI);
	assert_string_equal(r.target, "sip:800123@192.0.2.50;transport=tcp");
	route(p, "5123", NULL);
	assert_int_equal(r.action, SIPD_PLAN_REDIRECT);
	assert_int_equal(r.code, 301);
	assert_false(r.target_is_user);
	assert_string_equal(r.target, "sip:5123@new.test");
	route(p, "6000", NULL);
	assert_int_equal(r.action, SIPD_PLAN_REDIRECT);
	assert_int_equal(r.code, 302);
	assert_true(r.target_is_user);
	assert_string_equal(r.target, "lab");
	route(p, "234", NULL);
	assert_int_equal(r.action, SIPD_PLAN_USER);
	assert_true(r.target_is_user);
	assert_string_equal(r.target, "234");
	sip_mem_deref(p);
}

static void test_group_failover(void **state)
{
	struct sip_route_plan *p = build();

	(void)state;
	route(p, "9555123", NULL);
	assert_int_equal(r.action, SIPD_PLAN_GROUP);
	assert_string_equal(r.number, "555123");
	assert_int_equal(r.nuris, 3);
	assert_string_equal(r.uris[0], "sip:555123@192.0.2.1:5060");
	assert_string_equal(r.uris[1], "sip:555123@192.0.2.2;transport=tcp");
	assert_string_equal(r.uris[2], "sip:555123@[2001:db8::3]:5070");
	/* 503 and a timeout try the next; a 486 is the caller's answer */
	assert_true(sipd_plan_next(&r, 503));
	assert_true(sipd_plan_next(&r, 0));
	route(p, "9555123", NULL);
	assert_true(sipd_plan_next(&r, 408));
	assert_false(sipd_plan_next(&r, 486));
	/* no gateway after the last */
	route(p, "9555123", NULL);
	assert_true(sipd_plan_next(&r, 500));
	assert_true(sipd_plan_next(&r, 500));
	assert_false(sipd_plan_next(&r, 500));
	sip_mem_deref(p);
}

static void test_gateways_down(void **state)
{
	struct sip_route_plan *p = build();
	struct sip_route_group *g = sip_route_plan_group(p, "carriers");

	(void)state;
	/* the first gateway down: left out of the order */
	for (int i = 0; i < 3; i++)
		sip_route_health_feed(sip_route_gw_health(sip_route_group_gw(g, 0)),
				      false, 1000 * (uint64_t)i);
	assert_false(sip_route_gw_is_up(sip_route_group_gw(g, 0)));
	route(p, "9555123", NULL);
	assert_int_equal(r.action, SIPD_PLAN_GROUP);
	assert_int_equal(r.nuris, 2);
	assert_string_equal(r.uris[0], "sip:555123@192.0.2.2;transport=tcp");
	/* all down: 503 */
	for (size_t k = 1; k < 3; k++)
		for (int i = 0; i < 3; i++)
			sip_route_health_feed(sip_route_gw_health(sip_route_group_gw(g, k)),
					      false, 1000 * (uint64_t)i);
	route(p, "9555123", NULL);
	assert_int_equal(r.action, SIPD_PLAN_DOWN);
	sip_mem_deref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_group_failover),
		cmocka_unit_test(test_gateways_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
