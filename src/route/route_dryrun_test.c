/*
 * route_dryrun_test.c - the text of `sipd route test NUMBER --from USER`
 * for a gateway group (down gateway marked), a fixed URI, a registered
 * user, a redirect, a refused caller and an unmatched number.
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

/* Always the first candidate: the order is the configuration order. */
static uint32_t zero(void *arg)
{
	(void)arg;
	return 0;
}

static const char *const c_intl[] = { "intl", "vip" };

static const struct sip_route_rule_desc rules[] = {
	{ .name = "intl", .match = SIP_ROUTE_REGEX, .pattern = "^00(\\d+)$",
	  .replace = "+$1", .dest = SIP_ROUTE_DEST_GROUP,
	  .target = "carriers", .classes = c_intl, .nclasses = 2 },
	{ .name = "helpdesk", .match = SIP_ROUTE_PREFIX, .pattern = "800",
	  .strip = 3, .prefix = "hd-", .dest = SIP_ROUTE_DEST_URI,
	  .target = "sip:${user}@helpdesk.example.net" },
	{ .name = "ext", .match = SIP_ROUTE_REGEX, .pattern = "^[2-4]\\d{2}$",
	  .dest = SIP_ROUTE_DEST_USER },
	{ .name = "old-office", .match = SIP_ROUTE_PREFIX, .pattern = "5",
	  .dest = SIP_ROUTE_DEST_REDIRECT,
	  .target = "sip:${user}@new.example.net", .redirect_code = 301 },
};
static const struct sip_route_gw_desc gws[] = {
	{ "sip:gw-a.example.net", 1, 2 },
	{ "sip:gw-b.example.net", 1, 1 },
	{ "sip:gw-c.example.net", 2, 1 },
};
static const struct sip_route_group_desc groups[] = {
	{ "carriers", gws, 3 },
};
static const struct sip_route_plan_desc desc = {
	rules, 4, groups, 1, { .fail_down = 2 },
};

static const struct {
	struct sip_route_req req;
	const char *text;
} cases[] = {
	{ { "0044207946", "alice", NULL, "intl" },
	  "number 0044207946 from alice (class intl)\n"
	  "rule \"intl\" matched (number regex \"^00(\\d+)$\")\n"
	  "rewritten: 0044207946 -> +44207946\n"
	  "destination: gateway group \"carriers\", tried in this order:\n"
	  "   1. sip:gw-a.example.net (priority 1, weight 2)\n"
	  "   -. sip:gw-b.example.net (priority 1, weight 1) DOWN, skipped\n"
	  "   2. sip:gw-c.example.net (priority 2, weight 1)\n" },
	{ { "0044207946", "bob", NULL, "local" },
	  "number 0044207946 from bob (class local)\n"
	  "rule \"intl\" matched (number regex \"^00(\\d+)$\")\n"
	  "refused: class local is not allowed (rule allows: intl, vip): "
	  "the caller gets 403 Forbidden\n" },
	{ { "800123", "bob", NULL, NULL },
	  "number 800123 from bob (class none)\n"
	  "rule \"helpdesk\" matched (number prefix \"800\")\n"
	  "rewritten: 800123 -> hd-123\n"
	  "destination: sip:hd-123@helpdesk.example.net\n" },
	{ { "301", "bob", "192.0.2.1", NULL },
	  "number 301 from bob source 192.0.2.1 (class none)\n"
	  "rule \"ext\" matched (number regex \"^[2-4]\\d{2}$\")\n"
	  "number unchanged: 301\n"
	  "destination: registered user \"301\" (location service)\n" },
	{ { "5000", NULL, NULL, NULL },
	  "number 5000 (class none)\n"
	  "rule \"old-office\" matched (number prefix \"5\")\n"
	  "number unchanged: 5000\n"
	  "destination: redirect 301 to sip:5000@new.example.net\n" },
	{ { "999", "bob", NULL, "intl" },
	  "number 999 from bob (class intl)\n"
	  "no rule matched: the caller gets 404 Not Found\n" },
};

static void test_dryrun_table(void **state)
{
	struct sip_route_plan *plan = NULL;
	struct sip_route_gw *b;
	char buf[1024];
	long live = sip_mem_live();

	(void)state;
	assert_int_equal(sip_route_plan_build(&plan, &desc, NULL, 0), 0);
	b = sip_route_group_gw(sip_route_plan_group(plan, "carriers"), 1);
	sip_route_health_feed(sip_route_gw_health(b), false, 0);
	sip_route_health_feed(sip_route_gw_health(b), false, 0);
	assert_false(sip_route_gw_is_up(b));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("case %zu\n", i);
		assert_int_equal(sip_route_dryrun(plan, &cases[i].req, zero,
						  NULL, buf, sizeof buf), 0);
		assert_string_equal(buf, cases[i].text);
	}
	sip_mem_deref(plan);
	assert_int_equal(sip_mem_live(), live);
}

static void test_all_down_and_truncation(void **state)
{
	struct sip_route_plan *plan = NULL;
	struct sip_route_group *g;
	struct sip_route_req req = { "0049301", NULL, NULL, "vip" };
	char buf[1024], small[40];

	(void)state;
	assert_int_equal(sip_route_plan_build(&plan, &desc, NULL, 0), 0);
	g = sip_route_plan_group(plan, "carriers");
	for (size_t i = 0; i < sip_route_group_count(g); i++) {
		struct sip_route_health *h =
			sip_route_gw_health(sip_route_group_gw(g, i));

		sip_route_health_feed(h, false, 0);
		sip_route_health_feed(h, false, 0);
	}
	assert_int_equal(sip_route_dryrun(plan, &req, zero, NULL, buf,
					  sizeof buf), 0);
	assert_non_null(strstr(buf, "every gateway is down: the caller gets "
				    "503\n"));
	assert_int_equal(sip_route_dryrun(plan, &req, zero, NULL, small,
					  sizeof small), ENOSPC);
	assert_int_equal(strlen(small), sizeof small - 1);
	sip_mem_deref(plan);
}

static void test_debug_dump(void **state)
{
	struct sip_route_plan *plan = NULL;
	char buf[2048];

	(void)state;
	assert_int_equal(sip_route_plan_build(&plan, &desc, NULL, 0), 0);
	assert_int_equal(sip_route_plan_debug(plan, buf, sizeof buf), 0);
	assert_string_equal(buf,
		"dial plan: 4 rules, 1 gateway groups\n"
		"  1 intl: number regex \"^00(\\d+)$\" replace \"+$1\" -> "
		"group carriers classes intl,vip\n"
		"  2 helpdesk: number prefix \"800\" strip 3 prefix \"hd-\" -> "
		"uri sip:${user}@helpdesk.example.net\n"
		"  3 ext: number regex \"^[2-4]\\d{2}$\" -> user (number)\n"
		"  4 old-office: number prefix \"5\" -> redirect 301 "
		"sip:${user}@new.example.net\n"
		"group carriers:\n"
		"  sip:gw-a.example.net priority 1 weight 2 up probes 0 "
		"failures 0 next 0\n"
		"  sip:gw-b.example.net priority 1 weight 1 up probes 0 "
		"failures 0 next 0\n"
		"  sip:gw-c.example.net priority 2 weight 1 up probes 0 "
		"failures 0 next 0\n");
	sip_mem_deref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dryrun_table),
		cmocka_unit_test(test_all_down_and_truncation),
		cmocka_unit_test(test_debug_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
