/*
 * mgmt_access_test.c - the HTTP API's access decision (sip_http_access)
 * and the Prometheus writer's escaping, without sockets: loopback
 * networks (127/8, ::1, IPv4-mapped), addresses outside them (documentation
 * ranges 192.0.2.0/24, 2001:db8::/32), configured networks, bearer tokens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/http.h"
#include "sip/prom.h"

static struct sip_tp_addr addr(const char *ip)
{
	struct sip_tp_addr a;

	assert_int_equal(sip_tp_addr_ip(&a, sip_pl_str(ip), 1234), 0);
	return a;
}

static void test_loopback(void **state)
{
	const char *yes[] = { "127.0.0.1", "127.0.0.2", "127.255.255.254", "::1",
			      "::ffff:127.0.0.1" };
	const char *no[] = { "192.0.2.1", "10.0.0.1", "128.0.0.1", "::2",
			     "2001:db8::1", "::ffff:192.0.2.1", "0.0.0.0", "::" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct sip_tp_addr a = addr(yes[i]);

		assert_true(sip_http_is_loopback(&a));
		assert_int_equal(sip_http_access(NULL, NULL, &a, NULL, 0), 0);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct sip_tp_addr a = addr(no[i]);

		assert_false(sip_http_is_loopback(&a));
		assert_int_equal(sip_http_access(NULL, NULL, &a, NULL, 0), 403);
		assert_int_equal(sip_http_access("", NULL, &a, NULL, 0), 403);
	}
}

static void test_networks(void **state)
{
	struct sip_http_net n[2];
	struct sip_tp_addr a;

	assert_int_equal(sip_http_net_parse(&n[0], "127.0.0.1"), 0);
	assert_int_equal(n[0].prefix, 32);
	assert_int_equal(sip_http_net_parse(&n[1], "2001:db8::/32"), 0);
	assert_int_equal(sip_http_net_parse(&n[1], "10.0.0.0/33"), EINVAL);
	assert_int_equal(sip_http_net_parse(&n[1], "10.0.0.0/"), EINVAL);
	assert_int_equal(sip_http_net_parse(&n[1], "example.com"), EINVAL);
	assert_int_equal(sip_http_net_parse(&n[1], "192.0.2.0/24"), 0);
	a = addr("127.0.0.1");
	assert_int_equal(sip_http_access(NULL, NULL, &a, n, 2), 0);
	a = addr("127.0.0.2");   /* loopback, but not in the list */
	assert_int_equal(sip_http_access(NULL, NULL, &a, n, 2), 403);
	a = addr("192.0.2.200");
	assert_int_equal(sip_http_access(NULL, NULL, &a, n, 2), 0);
	a = addr("::ffff:192.0.2.9");
	assert_int_equal(sip_http_access(NULL, NULL, &a, n, 2), 0);
	a = addr("192.0.3.1");
	assert_int_equal(sip_http_access(NULL, NULL, &a, n, 2), 403);
}

static void test_token(void **state)
{
	struct sip_tp_addr far = addr("192.0.2.1"), lo = addr("127.0.0.1");

	/* with a token the network does not matter, the token does */
	assert_int_equal(sip_http_access("s3cret", "Bearer s3cret", &far, NULL, 0), 0);
	assert_int_equal(sip_http_access("s3cret", "bearer s3cret", &lo, NULL, 0), 0);
	assert_int_equal(sip_http_access("s3cret", NULL, &lo, NULL, 0), 401);
	assert_int_equal(sip_http_access("s3cret", "Bearer s3cre", &lo, NULL, 0), 401);
	assert_int_equal(sip_http_access("s3cret", "Bearer s3cret2", &lo, NULL, 0), 401);
	assert_int_equal(sip_http_access("s3cret", "Basic s3cret", &lo, NULL, 0), 401);
	assert_int_equal(sip_http_access("s3cret", "Bearer ", &lo, NULL, 0), 401);
}

static void test_prom_escaping(void **state)
{
	const char *kv[] = { "method", "a\"b\\c\nd", "code", "200", NULL };
	struct sip_buf b;

	sip_buf_init(&b);
	sip_prom_family(&b, "x_total", "counter", "help \\ with\nnewline");
	sip_prom_u64(&b, "x_total", kv, 42);
	sip_prom_f64(&b, "y", NULL, 0.25);
	sip_buf_putc(&b, '\0');
	assert_string_equal(b.p,
		"# HELP x_total help \\\\ with\\nnewline\n"
		"# TYPE x_total counter\n"
		"x_total{method=\"a\\\"b\\\\c\\nd\",code=\"200\"} 42\n"
		"y 0.25\n");
	sip_buf_reset(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_prom_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
