/*
 * tp_addr_test.c - transport addresses: parse, print, compare, v4-mapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "sip/mem.h"
#include "sip/transport.h"

static void print_eq(const struct sip_tp_addr *a, bool port, const char *want)
{
	struct sip_buf b;

	sip_buf_init(&b);
	sip_tp_addr_print(&b, a, port);
	assert_int_equal(sip_buf_err(&b), 0);
	sip_buf_putc(&b, '\0');
	assert_string_equal(b.p, want);
	sip_buf_reset(&b);
}

static void test_decode_v4(void **state)
{
	struct sip_tp_addr a;

	(void)state;
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("1.2.3.4:5060")), 0);
	assert_int_equal(sip_tp_addr_af(&a), AF_INET);
	assert_int_equal(sip_tp_addr_port(&a), 5060);
	print_eq(&a, true, "1.2.3.4:5060");
	print_eq(&a, false, "1.2.3.4");
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("10.0.0.1")), 0);
	assert_int_equal(sip_tp_addr_port(&a), 0);
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("0.0.0.0:65535")), 0);
	assert_true(sip_tp_addr_is_any(&a));
	assert_int_equal(sip_tp_addr_port(&a), 65535);
}

static void test_decode_v6(void **state)
{
	struct sip_tp_addr a;
	char buf[SIP_TP_ADDRSTRLEN];

	(void)state;
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("[::1]:5060")), 0);
	assert_int_equal(sip_tp_addr_af(&a), AF_INET6);
	assert_int_equal(sip_tp_addr_port(&a), 5060);
	print_eq(&a, true, "[::1]:5060");
	print_eq(&a, false, "::1");
	assert_string_equal(sip_tp_addr_fmt(&a, buf), "[::1]:5060");
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("[2001:db8::5]")), 0);
	assert_int_equal(sip_tp_addr_port(&a), 0);
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("2001:db8::5")), 0);
	print_eq(&a, false, "2001:db8::5");
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("[::]:1")), 0);
	assert_true(sip_tp_addr_is_any(&a));
	/* canonical form on output */
	assert_int_equal(sip_tp_addr_decode(&a, SIP_PL("[2001:DB8:0:0::1]:7")), 0);
	print_eq(&a, true, "[2001:db8::1]:7");
}

static void test_decode_bad(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:5x", "1.2.3:5060",
		"host.example.com:5060", "[::1", "[::1]5060", "[1.2.3.4]:5060",
		"::1:", "1.2.3.4:5060:1", "[::1]:-1", "256.1.1.1",
	};
	struct sip_tp_addr a;

	(void)state;
	memset(&a, 0x5a, sizeof(a));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sip_tp_addr_decode(&a, sip_pl_str(bad[i])), EINVAL);
		assert_int_equal(a.u.ss.ss_family, 0x5a5a);   /* untouched */
	}
}

static void test_compare(void **state)
{
	struct sip_tp_addr a, b, c, d;

	(void)state;
	sip_tp_addr_decode(&a, SIP_PL("1.2.3.4:5060"));
	sip_tp_addr_decode(&b, SIP_PL("1.2.3.4:5061"));
	sip_tp_addr_decode(&c, SIP_PL("1.2.3.5:5060"));
	sip_tp_addr_decode(&d, SIP_PL("[::1]:5060"));
	assert_true(sip_tp_addr_eq(&a, &a));
	assert_false(sip_tp_addr_eq(&a, &b));
	assert_true(sip_tp_addr_ip_eq(&a, &b));
	assert_false(sip_tp_addr_ip_eq(&a, &c));
	assert_true(sip_tp_addr_cmp(&a, &b, true) < 0);
	assert_true(sip_tp_addr_cmp(&c, &a, true) > 0);
	assert_int_equal(sip_tp_addr_cmp(&a, &b, false), 0);
	assert_false(sip_tp_addr_eq(&a, &d));
	assert_true(sip_tp_addr_cmp(&a, &d, true) != 0);
	sip_tp_addr_set_port(&a, 5061);
	assert_true(sip_tp_addr_eq(&a, &b));
}

static void test_set_sockaddr(void **state)
{
	struct sockaddr_in6 in6;
	struct sockaddr_in in;
	struct sip_tp_addr a, b;
	struct sockaddr sa;

	(void)state;
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(5070);
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &in6.sin6_addr);
	assert_int_equal(sip_tp_addr_set(&a, (struct sockaddr *)&in6), 0);
	assert_int_equal(sip_tp_addr_af(&a), AF_INET);   /* v4-mapped unwrapped */
	sip_tp_addr_decode(&b, SIP_PL("192.0.2.7:5070"));
	assert_true(sip_tp_addr_eq(&a, &b));

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_port = htons(1);
	in.sin_addr.s_addr = htonl(0x7f000001);
	assert_int_equal(sip_tp_addr_set(&a, (struct sockaddr *)&in), 0);
	print_eq(&a, true, "127.0.0.1:1");

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	assert_int_equal(sip_tp_addr_set(&a, &sa), EAFNOSUPPORT);
}

static void test_unset(void **state)
{
	struct sip_tp_addr a;
	char buf[SIP_TP_ADDRSTRLEN];

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(sip_tp_addr_af(&a), AF_UNSPEC);
	assert_int_equal(sip_tp_addr_port(&a), 0);
	assert_false(sip_tp_addr_is_any(&a));
	print_eq(&a, true, "");
	assert_string_equal(sip_tp_addr_fmt(&a, buf), "-");
}

static void test_ip(void **state)
{
	struct sip_tp_addr a;

	(void)state;
	assert_int_equal(sip_tp_addr_ip(&a, SIP_PL("192.0.2.1"), 5060), 0);
	print_eq(&a, true, "192.0.2.1:5060");
	assert_int_equal(sip_tp_addr_ip(&a, SIP_PL("fe80::1"), 1), 0);
	print_eq(&a, true, "[fe80::1]:1");
	assert_int_equal(sip_tp_addr_ip(&a, SIP_PL("[::1]"), 1), EINVAL);
	assert_int_equal(sip_tp_addr_ip(&a, SIP_PL("example.com"), 1), EINVAL);
}

static void test_kinds(void **state)
{
	enum sip_tp_kind k;

	(void)state;
	assert_string_equal(sip_tp_kind_name(SIP_TP_UDP), "UDP");
	assert_string_equal(sip_tp_kind_name(SIP_TP_TCP), "TCP");
	assert_int_equal(sip_tp_kind_decode(SIP_PL("tcp"), &k), 0);
	assert_int_equal(k, SIP_TP_TCP);
	assert_int_equal(sip_tp_kind_decode(SIP_PL("Udp"), &k), 0);
	assert_int_equal(k, SIP_TP_UDP);
	assert_int_equal(sip_tp_kind_decode(SIP_PL("SCTP"), &k), ENOTSUP);
	assert_true(sip_tp_kind_reliable(SIP_TP_TCP));
	assert_true(sip_tp_kind_reliable(SIP_TP_TLS));
	assert_false(sip_tp_kind_reliable(SIP_TP_UDP));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_v4),
		cmocka_unit_test(test_decode_v6),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_set_sockaddr),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
