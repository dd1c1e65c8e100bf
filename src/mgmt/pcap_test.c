/*
 * pcap_test.c - the pcap writer: file header, IPv4/UDP with a valid
 * header checksum, IPv6/UDP with a valid UDP checksum, TCP sequence
 * numbers that continue per direction, mixed families refused.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/pcap.h"

static struct sip_tp_addr addr(const char *ip, uint16_t port)
{
	struct sip_tp_addr a;

	assert_int_equal(sip_tp_addr_ip(&a, sip_pl_str(ip), port), 0);
	return a;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

/* One's complement sum of @p len bytes, folded: 0xffff when valid. */
static uint16_t sum(const uint8_t *p, size_t len, uint32_t s)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		s += be16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void test_udp4(void **state)
{
	struct sip_tp_addr a = addr("127.0.0.1", 5060), b = addr("10.1.2.3", 40312);
	static const char msg[] = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	struct sip_buf out;
	struct sip_pcap w;
	struct sip_pcap_pkt p = { .time = { 1700000000, 123456789 },
				  .src = &a, .dst = &b, .payload = msg,
				  .len = sizeof(msg) - 1 };
	const uint8_t *r, *ip;

	sip_buf_init(&out);
	sip_pcap_init(&w, &out);
	assert_int_equal(out.len, 24);
	r = (const uint8_t *)out.p;
	assert_int_equal(rd32(r), 0xa1b2c3d4);
	assert_int_equal(rd32(r + 20), SIP_PCAP_LINKTYPE_RAW);
	assert_int_equal(sip_pcap_add(&w, &p), 0);
	r = (const uint8_t *)out.p + 24;
	assert_int_equal(rd32(r), 1700000000);
	assert_int_equal(rd32(r + 4), 123456);
	assert_int_equal(rd32(r + 8), 20 + 8 + p.len);
	assert_int_equal(rd32(r + 12), 20 + 8 + p.len);
	ip = r + 16;
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[9], 17);
	assert_int_equal(be16(ip + 2), 20 + 8 + p.len);
	assert_int_equal(sum(ip, 20, 0), 0xffff);   /* header checksum */
	assert_int_equal(be32(ip + 12), 0x7f000001);
	assert_int_equal(be16(ip + 20), 5060);
	assert_int_equal(be16(ip + 22), 40312);
	assert_int_equal(be16(ip + 24), 8 + p.len);
	assert_memory_equal(ip + 28, msg, p.len);
	assert_int_equal(out.len, 24 + 16 + 28 + p.len);
	sip_buf_reset(&out);
}

static void test_udp6_checksum(void **state)
{
	struct sip_tp_addr a = addr("::1", 5060), b = addr("2001:db8::7", 5070);
	static const char msg[] = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n!";
	struct sip_buf out;
	struct sip_pcap w;
	struct sip_pcap_pkt p = { .src = &a, .dst = &b, .payload = msg,
				  .len = sizeof(msg) - 1 };
	const uint8_t *ip;
	uint8_t pseudo[8] = { 0 };
	uint32_t s;

	sip_buf_init(&out);
	sip_pcap_init(&w, &out);
	assert_int_equal(sip_pcap_add(&w, &p), 0);
	ip = (const uint8_t *)out.p + 24 + 16;
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(ip[6], 17);
	assert_int_equal(be16(ip + 4), 8 + p.len);
	/* pseudo-header + UDP header + data sums to 0xffff (odd length) */
	pseudo[3] = (uint8_t)(8 + p.len);
	pseudo[7] = 17;
	s = sum(ip + 8, 32, 0);
	s = sum(pseudo, 8, s);
	assert_int_equal(sum(ip + 40, 8 + p.len, s), 0xffff);
	sip_buf_reset(&out);
}

static uint32_t seq_of(const struct sip_buf *out, size_t rec_off)
{
	return be32((const uint8_t *)out->p + rec_off + 16 + 20 + 4);
}

static void test_tcp_seq(void **state)
{
	struct sip_tp_addr a = addr("127.0.0.1", 5060), b = addr("127.0.0.1", 41000);
	struct sip_buf out;
	struct sip_pcap w;
	struct sip_pcap_pkt p = { .tcp = true, .src = &a, .dst = &b,
				  .payload = "0123456789", .len = 10 };
	struct sip_pcap_pkt q = { .tcp = true, .src = &b, .dst = &a,
				  .payload = "abc", .len = 3 };
	size_t r1, r2, r3;

	sip_buf_init(&out);
	sip_pcap_init(&w, &out);
	r1 = out.len;
	assert_int_equal(sip_pcap_add(&w, &p), 0);
	r2 = out.len;
	assert_int_equal(sip_pcap_add(&w, &q), 0);
	r3 = out.len;
	assert_int_equal(sip_pcap_add(&w, &p), 0);
	assert_int_equal(((const uint8_t *)out.p)[r1 + 16 + 9], 6);
	assert_int_equal(seq_of(&out, r1), 1);
	assert_int_equal(seq_of(&out, r2), 1);       /* other direction */
	assert_int_equal(seq_of(&out, r3), 11);      /* continues */
	assert_int_equal(w.packets, 3);
	sip_buf_reset(&out);
}

static void test_mixed_families(void **state)
{
	struct sip_tp_addr a = addr("127.0.0.1", 5060), b = addr("::1", 5060);
	struct sip_buf out;
	struct sip_pcap w;
	struct sip_pcap_pkt p = { .src = &a, .dst = &b, .payload = "x", .len = 1 };

	sip_buf_init(&out);
	sip_pcap_init(&w, &out);
	assert_int_equal(sip_pcap_add(&w, &p), EAFNOSUPPORT);
	assert_int_equal(out.len, 24);
	sip_buf_reset(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4),
		cmocka_unit_test(test_udp6_checksum),
		cmocka_unit_test(test_tcp_seq),
		cmocka_unit_test(test_mixed_families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
