/*
 * route_match_test.c - dial plan matching (prefix, regex, From, source
 * CIDR v4/v6, rule order), permissions (403, fallthrough), validation
 * errors and the refcounted swap of a reload.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sip/mem.h"
#include "sip/route.h"

static const char *const c_intl[] = { "intl" };
static const char *const c_national[] = { "local", "intl" };
static const char *const c_premium[] = { "premium" };
static const char *const c_mobile[] = { "mobile" };

static const struct sip_route_gw_desc carriers[] = {
	{ "sip:gw1.example.net", 1, 1 },
};

static const struct sip_route_group_desc groups[] = {
	{ "carriers", carriers, 1 },
};

#define RURI(n, pfx) .name = n, .match = SIP_ROUTE_PREFIX, .pattern = pfx
static const struct sip_route_rule_desc rules[] = {
	{ RURI("emergency", "112"), .dest = SIP_ROUTE_DEST_URI,
	  .target = "sip:${user}@psap.example.net" },
	{ RURI("short", "1"), .dest = SIP_ROUTE_DEST_URI,
	  .target = "sip:${user}@ivr.example.net" },
	{ .name = "from-ops", .field = SIP_ROUTE_FROM_USER,
	  .match = SIP_ROUTE_REGEX, .pattern = "^ops-",
	  .dest = SIP_ROUTE_DEST_USER, .target = "operator" },
	{ .name = "lan-v4", .field = SIP_ROUTE_SOURCE,
	  .match = SIP_ROUTE_CIDR, .pattern = "192.168.10.0/24",
	  .dest = SIP_ROUTE_DEST_URI, .target = "sip:lan4@pbx.example.net" },
	{ .name = "lan-v6", .field = SIP_ROUTE_SOURCE,
	  .match = SIP_ROUTE_CIDR, .pattern = "2001:db8:1::/48",
	  .dest = SIP_ROUTE_DEST_URI, .target = "sip:lan6@pbx.example.net" },
	{ .name = "odd", .field = SIP_ROUTE_SOURCE,
	  .match = SIP_ROUTE_CIDR, .pattern = "10.1.2.128/25",
	  .dest = SIP_ROUTE_DEST_URI, .target = "sip:odd@pbx.example.net" },
	{ .name = "host", .field = SIP_ROUTE_SOURCE,
	  .match = SIP_ROUTE_CIDR, .pattern = "2001:db8::7",
	  .dest = SIP_ROUTE_DEST_URI, .target = "sip:host@pbx.example.net" },
	{ .name = "intl", .match = SIP_ROUTE_REGEX,
	  .pattern = "^00[1-9][0-9]+$", .dest = SIP_ROUTE_DEST_GROUP,
	  .target = "carriers", .classes = c_intl, .nclasses = 1 },
	{ RURI("premium", "0900"), .dest = SIP_ROUTE_DEST_GROUP,
	  .target = "carriers", .classes = c_premium, .nclasses = 1 },
	{ RURI("mobile", "07"), .dest = SIP_ROUTE_DEST_GROUP,
	  .target = "carriers", .classes = c_mobile, .nclasses = 1,
	  .fallthrough = true },
	{ RURI("national", "0"), .dest = SIP_ROUTE_DEST_GROUP,
	  .target = "carriers", .classes = c_national, .nclasses = 2 },
	{ .name = "ext", .match = SIP_ROUTE_REGEX, .pattern = "^[2-4]\\d{2}$",
	  .dest = SIP_ROUTE_DEST_USER },
	{ .name = "moved", .match = SIP_ROUTE_REGEX, .pattern = "^5\\d{2}$",
	  .dest = SIP_ROUTE_DEST_REDIRECT, .target = "user:",
	  .redirect_code = 301 },
};

static const struct sip_route_plan_desc plan_desc = {
	rules, sizeof rules / sizeof rules[0], groups, 1, { 0 },
};

struct row {
	const char *ruri, *from, *source, *cls;
	uint16_t status;
	const char *rule;	/* NULL when none */
	const char *target;	/* for non-group destinations */
};

static const struct row rows[] = {
	/* order: "112" is caught by "emergency" before "short" */
	{ "112", NULL, NULL, NULL, 0, "emergency", "sip:112@psap.example.net" },
	{ "1234", NULL, NULL, NULL, 0, "short", "sip:1234@ivr.example.net" },
	{ "999", "ops-anna", NULL, NULL, 0, "from-ops", "operator" },
	{ "999", "anna-ops", NULL, NULL, 404, NULL, NULL },
	{ "999", "bob", "192.168.10.77", NULL, 0, "lan-v4", "sip:lan4@pbx.example.net" },
	{ "999", "bob", "192.168.11.77", NULL, 404, NULL, NULL },
	{ "999", NULL, "::ffff:192.168.10.5", NULL, 0, "lan-v4", "sip:lan4@pbx.example.net" },
	{ "999", NULL, "2001:db8:1:ff::1", NULL, 0, "lan-v6", "sip:lan6@pbx.example.net" },
	{ "999", NULL, "2001:db8:2::1", NULL, 404, NULL, NULL },
	{ "999", NULL, "10.1.2.200", NULL, 0, "odd", "sip:odd@pbx.example.net" },
	{ "999", NULL, "10.1.2.100", NULL, 404, NULL, NULL },
	{ "999", NULL, "2001:db8::7", NULL, 0, "host", "sip:host@pbx.example.net" },
	{ "999", NULL, "2001:db8::8", NULL, 404, NULL, NULL },
	{ "999", NULL, "not-an-ip", NULL, 404, NULL, NULL },
	/* permissions */
	{ "0044201234", NULL, NULL, "intl", 0, "intl", NULL },
	{ "0044201234", NULL, NULL, "local", 403, "intl", NULL },
	{ "0044201234", NULL, NULL, NULL, 403, "intl", NULL },
	{ "0201234", NULL, NULL, "local", 0, "national", NULL },
	{ "0900123", NULL, NULL, "local", 403, "premium", NULL },
	{ "0900123", NULL, NULL, "premium", 0, "premium", NULL },
	{ "07123", NULL, NULL, "local", 0, "national", NULL },
	{ "07123", NULL, NULL, "mobile", 0, "mobile", NULL },
	{ "07123", NULL, NULL, "guest", 403, "national", NULL },
	/* regex anchoring */
	{ "234", NULL, NULL, NULL, 0, "ext", "234" },
	{ "2345", NULL, NULL, NULL, 404, NULL, NULL },
	{ "", NULL, NULL, NULL, 404, NULL, NULL },
	{ "555", NULL, NULL, NULL, 0, "moved", "555" },
};

static void test_match_table(void **state)
{
	struct sip_route_plan *plan = NULL;
	struct sip_route_result res;
	char err[SIP_ROUTE_ERR_MAX] = "";
	long live = sip_mem_live();

	(void)state;
	assert_int_equal(sip_route_plan_build(&plan, &plan_desc, err,
					      sizeof err), 0);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct sip_route_req req = { r->ruri, r->from, r->source,
					     r->cls };

		print_message("row %zu: %s\n", i, r->ruri);
		assert_int_equal(sip_route_lookup(plan, &req, &res), 0);
		assert_int_equal(res.status, r->status);
		if (r->rule)
			assert_string_equal(sip_route_rule_name(res.rule),
					    r->rule);
		else
			assert_null(res.rule);
		if (r->target)
			assert_string_equal(res.target, r->target);
		if (r->status == 0 && res.dest == SIP_ROUTE_DEST_GROUP)
			assert_string_equal(sip_route_group_name(res.group),
					    "carriers");
	}
	sip_mem_deref(plan);
	assert_int_equal(sip_mem_live(), live);
}

static void test_redirect_fields(void **state)
{
	struct sip_route_plan *plan = NULL;
	struct sip_route_result res;
	struct sip_route_req req = { "555", NULL, NULL, NULL };

	(void)state;
	assert_int_equal(sip_route_plan_build(&plan, &plan_desc, NULL, 0), 0);
	assert_int_equal(sip_route_lookup(plan, &req, &res), 0);
	assert_int_equal(res.dest, SIP_ROUTE_DEST_REDIRECT);
	assert_int_equal(res.redirect_code, 301);
	assert_true(res.target_is_user);
	sip_mem_deref(plan);
}

/* ---- validation ---- */

static const struct sip_route_rule_desc r_dup[] = {
	{ RURI("a", "1"), .dest = SIP_ROUTE_DEST_USER },
	{ RURI("a", "2"), .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_regex[] = {
	{ RURI("ok", "1"), .dest = SIP_ROUTE_DEST_USER },
	{ .name = "bad", .match = SIP_ROUTE_REGEX, .pattern = "^(12",
	  .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_group[] = {
	{ RURI("out", "0"), .dest = SIP_ROUTE_DEST_GROUP, .target = "nope" },
};
static const struct sip_route_rule_desc r_cidr[] = {
	{ .name = "net", .field = SIP_ROUTE_SOURCE, .match = SIP_ROUTE_CIDR,
	  .pattern = "10.0.0.0/33", .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_cidr_field[] = {
	{ .name = "net", .match = SIP_ROUTE_CIDR, .pattern = "10.0.0.0/8",
	  .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_group_ref[] = {
	{ .name = "tmpl", .match = SIP_ROUTE_REGEX, .pattern = "^0(\\d+)",
	  .replace = "+49$2", .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_dollar[] = {
	{ .name = "tmpl", .match = SIP_ROUTE_REGEX, .pattern = "^0(\\d+)",
	  .replace = "+49$x", .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_replace_prefix[] = {
	{ RURI("tmpl", "0"), .replace = "$1", .dest = SIP_ROUTE_DEST_USER },
};
static const struct sip_route_rule_desc r_code[] = {
	{ RURI("redir", "0"), .dest = SIP_ROUTE_DEST_REDIRECT,
	  .target = "sip:x@example.net", .redirect_code = 303 },
};
static const struct sip_route_rule_desc r_noname[] = {
	{ .match = SIP_ROUTE_PREFIX, .pattern = "1" },
};
static const struct sip_route_rule_desc r_ok[] = {
	{ RURI("out", "0"), .dest = SIP_ROUTE_DEST_GROUP, .target = "g" },
};
static const struct sip_route_group_desc g_empty[] = { { "g", NULL, 0 } };
static const struct sip_route_group_desc g_dup[] = {
	{ "g", carriers, 1 }, { "g", carriers, 1 },
};

#define N(a) a, sizeof a / sizeof a[0]
static const struct {
	struct sip_route_plan_desc d;
	const char *msg;
} bad[] = {
	{ { NULL, 0, NULL, 0, { 0 } }, "the dial plan has no rules" },
	{ { N(r_dup), NULL, 0, { 0 } }, "duplicate rule name \"a\"" },
	{ { N(r_regex), NULL, 0, { 0 } },
	  "rule \"bad\": bad regex \"^(12\": missing closing parenthesis "
	  "at offset 4" },
	{ { N(r_group), N(groups), { 0 } },
	  "rule \"out\": unknown gateway group \"nope\"" },
	{ { N(r_cidr), NULL, 0, { 0 } },
	  "rule \"net\": bad address or CIDR \"10.0.0.0/33\"" },
	{ { N(r_cidr_field), NULL, 0, { 0 } },
	  "rule \"net\": the source address is matched by CIDR, and only it" },
	{ { N(r_group_ref), NULL, 0, { 0 } },
	  "rule \"tmpl\": replacement \"+49$2\": refers to a group the "
	  "regex does not have" },
	{ { N(r_dollar), NULL, 0, { 0 } },
	  "rule \"tmpl\": replacement \"+49$x\": '$' must be followed by a "
	  "digit, {N} or '$'" },
	{ { N(r_replace_prefix), NULL, 0, { 0 } },
	  "rule \"tmpl\": replacement needs a regex on the Request-URI user" },
	{ { N(r_code), NULL, 0, { 0 } },
	  "rule \"redir\": redirect code 303 is not 301 or 302" },
	{ { N(r_noname), NULL, 0, { 0 } }, "rule 1 has no name" },
	{ { N(r_ok), N(g_empty), { 0 } },
	  "gateway group \"g\": 0 gateways (1 to 32 allowed)" },
	{ { N(r_ok), N(g_dup), { 0 } }, "duplicate gateway group \"g\"" },
};

static void test_validation(void **state)
{
	long live = sip_mem_live();

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sip_route_plan *plan = NULL;
		char err[SIP_ROUTE_ERR_MAX] = "";

		print_message("case %zu\n", i);
		assert_int_equal(sip_route_plan_build(&plan, &bad[i].d, err,
						      sizeof err), EINVAL);
		assert_null(plan);
		assert_string_equal(err, bad[i].msg);
	}
	assert_int_equal(sip_mem_live(), live);
}

/* A reload swaps the holder's pointer; a call in flight keeps the old. */
static void test_reload_swap(void **state)
{
	struct sip_route_plan *cur = NULL, *next = NULL, *call, *old;
	struct sip_route_result res;
	struct sip_route_req req = { "0201234", NULL, NULL, "local" };
	long live = sip_mem_live();

	(void)state;
	assert_int_equal(sip_route_plan_build(&cur, &plan_desc, NULL, 0), 0);
	call = sip_mem_ref(cur);
	sip_route_health_feed(sip_route_gw_health(sip_route_group_gw(
		sip_route_plan_group(cur, "carriers"), 0)), false, 5);
	assert_int_equal(sip_route_plan_build(&next, &plan_desc, NULL, 0), 0);
	sip_route_plan_copy_health(next, cur);
	old = cur;
	cur = next;
	sip_mem_deref(old);
	assert_int_equal(sip_mem_nrefs(call), 1);
	assert_int_equal(sip_route_lookup(call, &req, &res), 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(sip_route_gw_health(sip_route_group_gw(
		sip_route_plan_group(cur, "carriers"), 0))->consec_fail, 1);
	sip_mem_deref(call);
	sip_mem_deref(cur);
	assert_int_equal(sip_mem_live(), live);
}

/* Every allocation failure gives ENOMEM and leaks nothing. */
static void test_oom(void **state)
{
	long live = sip_mem_live();
	int e = ENOMEM;

	(void)state;
	for (long n = 0; e == ENOMEM; n++) {
		struct sip_route_plan *plan = NULL;
		char err[SIP_ROUTE_ERR_MAX] = "";

		sip_mem_fail_after(n);
		e = sip_route_plan_build(&plan, &plan_desc, err, sizeof err);
		sip_mem_fail_after(-1);
		if (e == ENOMEM) {
			assert_null(plan);
			assert_string_equal(err, "out of memory");
		}
		assert_true(e == 0 || e == ENOMEM);
		sip_mem_deref(plan);
		assert_int_equal(sip_mem_live(), live);
	}
}

static void test_group_walk(void **state)
{
	struct sip_route_plan *plan = NULL;

	(void)state;
	assert_int_equal(sip_route_plan_build(&plan, &plan_desc, NULL, 0), 0);
	assert_int_equal(sip_route_plan_ngroups(plan), 1);
	assert_string_equal(sip_route_group_name(
		sip_route_plan_group_at(plan, 0)), "carriers");
	assert_null(sip_route_plan_group_at(plan, 1));
	assert_null(sip_route_plan_group(plan, "nope"));
	sip_mem_deref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_redirect_fields),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_reload_swap),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_group_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
