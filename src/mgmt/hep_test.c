/*
 * hep_test.c - HEP3 encoding: header, total length, every chunk's type
 * and length, IPv4 and IPv6 addresses, the payload unchanged, refusals.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/hep.h"

static struct sip_tp_addr addr(const char *ip, uint16_t port)
{
	struct sip_tp_addr a;

	assert_int_equal(sip_tp_addr_ip(&a, sip_pl_str(ip), port), 0);
	return a;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The value of chunk @p type in packet @p p, its length in @p len. */
static const uint8_t *find(const uint8_t *p, size_t n, uint16_t type,
			   size_t *len)
{
	size_t off = 6;

	while (off + 6 <= n) {
		uint16_t t = be16(p + off + 2), l = be16(p + off + 4);

		assert_int_equal(be16(p + off), 0);   /* generic vendor */
		assert_true(l >= 6 && off + l <= n);
		if (t == type) {
			*len = l - 6u;
			return p + off + 6;
		}
		off += l;
	}
	assert_int_equal(off, n);   /* chunks fill the packet exactly */
	return NULL;
}

static void test_ipv4(void **state)
{
	struct sip_tp_addr s = addr("127.0.0.1", 40312), d = addr("127.0.0.2", 5060);
	static const char sip[] = "INVITE sip:bob@x SIP/2.0\r\nCall-ID: c1\r\n\r\n";
	struct sip_hep_msg m = { .time = { 1700000001, 5000 }, .src = &s,
				 .dst = &d, .agent_id = 2001,
				 .correlation = "c1", .correlation_len = 2,
				 .payload = sip, .len = sizeof(sip) - 1 };
	struct sip_buf b;
	const uint8_t *p, *v;
	size_t len;

	sip_buf_init(&b);
	assert_int_equal(sip_hep_encode(&b, &m), 0);
	p = (const uint8_t *)b.p;
	assert_memory_equal(p, "HEP3", 4);
	assert_int_equal(be16(p + 4), b.len);
	v = find(p, b.len, SIP_HEP_FAMILY, &len);
	assert_non_null(v);
	assert_int_equal(len, 1);
	assert_int_equal(v[0], 2);
	v = find(p, b.len, SIP_HEP_PROTO, &len);
	assert_int_equal(v[0], 17);
	v = find(p, b.len, SIP_HEP_SRC4, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(v, "\x7f\0\0\x01", 4);
	v = find(p, b.len, SIP_HEP_DST4, &len);
	assert_memory_equal(v, "\x7f\0\0\x02", 4);
	v = find(p, b.len, SIP_HEP_SPORT, &len);
	assert_int_equal(be16(v), 40312);
	v = find(p, b.len, SIP_HEP_DPORT, &len);
	assert_int_equal(be16(v), 5060);
	v = find(p, b.len, SIP_HEP_TUSEC, &len);
	assert_int_equal(len, 4);
	assert_int_equal(be16(v + 2), 5);
	v = find(p, b.len, SIP_HEP_AGENT, &len);
	assert_int_equal(be16(v + 2), 2001);
	v = find(p, b.len, SIP_HEP_CORR, &len);
	assert_int_equal(len, 2);
	v = find(p, b.len, SIP_HEP_PAYLOAD, &len);
	assert_int_equal(len, sizeof(sip) - 1);
	assert_memory_equal(v, sip, len);
	sip_buf_reset(&b);
}

static void test_ipv6_tcp(void **state)
{
	struct sip_tp_addr s = addr("::1", 5060), d = addr("2001:db8::1", 5070);
	struct sip_hep_msg m = { .tcp = true, .src = &s, .dst = &d,
				 .payload = "x", .len = 1 };
	struct sip_buf b;
	const uint8_t *v;
	size_t len;

	sip_buf_init(&b);
	assert_int_equal(sip_hep_encode(&b, &m), 0);
	v = find((const uint8_t *)b.p, b.len, SIP_HEP_FAMILY, &len);
	assert_int_equal(v[0], 10);
	v = find((const uint8_t *)b.p, b.len, SIP_HEP_PROTO, &len);
	assert_int_equal(v[0], 6);
	v = find((const uint8_t *)b.p, b.len, SIP_HEP_DST6, &len);
	assert_int_equal(len, 16);
	assert_int_equal(v[0], 0x20);
	assert_null(find((const uint8_t *)b.p, b.len, SIP_HEP_CORR, &len));
	sip_buf_reset(&b);
}

static void test_refusals(void **state)
{
	static char big[65536];
	struct sip_tp_addr s = addr("127.0.0.1", 1), d = addr("::1", 2);
	struct sip_hep_msg m = { .src = &s, .dst = &d, .payload = "x", .len = 1 };
	struct sip_buf b;

	sip_buf_init(&b);
	assert_int_equal(sip_hep_encode(&b, &m), EAFNOSUPPORT);
	m.dst = &s;
	m.payload = big;
	m.len = sizeof(big);
	assert_int_equal(sip_hep_encode(&b, &m), EMSGSIZE);
	assert_int_equal(b.len, 0);
	sip_buf_reset(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6_tcp),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
