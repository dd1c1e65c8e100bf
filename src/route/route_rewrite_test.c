/*
 * route_rewrite_test.c - digit rewriting: strip, prefix, replacement by
 * capture groups ($1, ${12}, $$), "${user}" in URIs and the edge cases
 * (strip past the end, unset groups, overflow).
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

struct row {
	const char *what;
	enum sip_route_match match;
	const char *pattern;
	const char *replace;
	unsigned strip;
	const char *prefix;
	const char *target;	/* URI template, NULL: registered user */
	const char *number;
	int err;
	const char *want_number;
	const char *want_target;
};

#define R SIP_ROUTE_REGEX
#define P SIP_ROUTE_PREFIX
static const struct row rows[] = {
	{ "unchanged", P, "0", NULL, 0, NULL, NULL, "0301234", 0,
	  "0301234", "0301234" },
	{ "strip 1", P, "0", NULL, 1, NULL, NULL, "0301234", 0,
	  "301234", "301234" },
	{ "strip and prefix", P, "0", NULL, 1, "+49", NULL, "0301234", 0,
	  "+49301234", "+49301234" },
	{ "prefix only", P, "", NULL, 0, "9", NULL, "1234", 0, "91234",
	  "91234" },
	{ "strip all", P, "12", NULL, 3, NULL, NULL, "123", 0, "", "" },
	{ "strip past end", P, "12", NULL, 9, "x", NULL, "123", 0, "x",
	  "x" },
	{ "international 00 -> +", R, "^00(\\d+)$", "+$1", 0, NULL,
	  "sip:${user}@gw.example.net;user=phone", "004930123", 0,
	  "+4930123", "sip:+4930123@gw.example.net;user=phone" },
	{ "swap groups", R, "^(\\d{3})(\\d{4})$", "$2-$1", 0, NULL, NULL,
	  "5551234", 0, "1234-555", "1234-555" },
	{ "braced group", R, "^(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)"
	  "(\\d)(\\d)(\\d)$", "${12}${1}0", 0, NULL, NULL, "123456789abc",
	  0, NULL, NULL },
	{ "braced group, digits", R, "^(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)(\\d)"
	  "(\\d)(\\d)(\\d)(\\d)(\\d)$", "${12}${1}0", 0, NULL, NULL,
	  "123456789012", 0, "210", "210" },
	{ "whole match $0", R, "\\d{3}$", "<$0>", 0, NULL, NULL, "99123", 0,
	  "<123>", "<123>" },
	{ "dollar escape", R, "^(\\d+)$", "$$$1", 0, NULL, NULL, "42", 0,
	  "$42", "$42" },
	{ "unset group is empty", R, "^(?:(9)|8)(\\d+)$", "[$1]$2", 0, NULL,
	  NULL, "8123", 0, "[]123", "[]123" },
	{ "replace then strip then prefix", R, "^0(\\d+)$", "49$1", 2, "+",
	  NULL, "030123", 0, "+30123", "+30123" },
	{ "uri with user twice", P, "", NULL, 0, NULL,
	  "sip:${user}@a.example.net;x=${user}", "7", 0, "7",
	  "sip:7@a.example.net;x=7" },
};

static void test_rewrite_table(void **state)
{
	long live = sip_mem_live();

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct sip_route_rule_desc rd = {
			.name = r->what, .match = r->match,
			.pattern = r->pattern, .replace = r->replace,
			.strip = r->strip, .prefix = r->prefix,
			.dest = r->target ? SIP_ROUTE_DEST_URI
					  : SIP_ROUTE_DEST_USER,
			.target = r->target,
		};
		struct sip_route_plan_desc d = { &rd, 1, NULL, 0, { 0 } };
		struct sip_route_plan *plan = NULL;
		struct sip_route_req req = { r->number, NULL, NULL, NULL };
		struct sip_route_result res;
		char err[SIP_ROUTE_ERR_MAX] = "";

		print_message("%s\n", r->what);
		assert_int_equal(sip_route_plan_build(&plan, &d, err,
						      sizeof err), 0);
		assert_int_equal(sip_route_lookup(plan, &req, &res), r->err);
		if (!r->want_number) {
			/* the pattern does not match: no rule */
			assert_int_equal(res.status, 404);
		} else if (!r->err) {
			assert_int_equal(res.status, 0);
			assert_string_equal(res.number, r->want_number);
			assert_string_equal(res.target, r->want_target);
		}
		sip_mem_deref(plan);
	}
	assert_int_equal(sip_mem_live(), live);
}

static void test_overflow(void **state)
{
	char longnum[SIP_ROUTE_NUMBER_MAX + 8];
	struct sip_route_rule_desc rd = {
		.name = "long", .match = SIP_ROUTE_REGEX, .pattern = "^(\\d+)$",
		.replace = "$1$1", .dest = SIP_ROUTE_DEST_USER,
	};
	struct sip_route_plan_desc d = { &rd, 1, NULL, 0, { 0 } };
	struct sip_route_plan *plan = NULL;
	struct sip_route_req req = { longnum, NULL, NULL, NULL };
	struct sip_route_result res;

	(void)state;
	memset(longnum, '5', 70);
	longnum[70] = '\0';
	assert_int_equal(sip_route_plan_build(&plan, &d, NULL, 0), 0);
	/* 140 digits do not fit a 127-digit number */
	assert_int_equal(sip_route_lookup(plan, &req, &res), ENAMETOOLONG);
	longnum[60] = '\0';
	assert_int_equal(sip_route_lookup(plan, &req, &res), 0);
	assert_int_equal(strlen(res.number), 120);
	sip_mem_deref(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_table),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
