/*
 * via_test.c - Via parsing and printing (RFC 3261 §20.42, RFC 3581,
 * RFC 4475 wsinv and transports, RFC 5118 IPv6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/via.h"
#include "testutil.h"

static struct sip_msg *msg_with(const char *hdrs)
{
	return tu_msgf(
		 "OPTIONS sip:bob@example.com SIP/2.0\n%s"
		 "Max-Forwards: 70\nContent-Length: 0\n\n", hdrs);
}

static void pl_is(struct sip_pl pl, const char *s)
{
	char buf[512];

	assert_true(pl.len < sizeof(buf));
	sip_pl_strcpy(pl, buf, sizeof(buf));
	assert_string_equal(buf, s);
}

static size_t count(const struct sip_via *v)
{
	size_t n = 0;

	for (; v; v = v->next)
		n++;
	return n;
}

static void test_basic(void **state)
{
	struct sip_msg *m = msg_with(
		"Via: SIP/2.0/UDP pc33.atlanta.com:5060;branch=z9hG4bK776asdhds\n");
	const struct sip_via *v, *v2;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	pl_is(v->raw, "SIP/2.0/UDP pc33.atlanta.com:5060;branch=z9hG4bK776asdhds");
	pl_is(v->proto, "SIP");
	pl_is(v->version, "2.0");
	pl_is(v->transport, "UDP");
	pl_is(v->host, "pc33.atlanta.com");
	assert_int_equal(v->host_type, SIP_HOST_NAME);
	assert_true(v->has_port);
	assert_int_equal(v->port, 5060);
	pl_is(v->params, ";branch=z9hG4bK776asdhds");
	pl_is(v->branch, "z9hG4bK776asdhds");
	assert_true(sip_via_branch_is_rfc3261(v));
	assert_false(sip_pl_isset(&v->received));
	assert_false(sip_pl_isset(&v->maddr));
	assert_false(v->has_ttl);
	assert_false(v->rport);
	assert_null(v->next);
	/* cached: the same object */
	assert_int_equal(sip_msg_via(m, &v2), 0);
	assert_ptr_equal(v, v2);
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_no_port_no_params(void **state)
{
	struct sip_msg *m = msg_with("Via: SIP/2.0/TCP 192.0.2.4\n");
	const struct sip_via *v;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	pl_is(v->transport, "TCP");
	pl_is(v->host, "192.0.2.4");
	assert_int_equal(v->host_type, SIP_HOST_IPV4);
	assert_false(v->has_port);
	assert_int_equal(v->port, 0);
	assert_int_equal(v->params.len, 0);
	assert_false(sip_pl_isset(&v->branch));
	assert_false(sip_via_branch_is_rfc3261(v));
	sip_msg_free(m);
}

static void test_absent(void **state)
{
	struct sip_msg *m = msg_with("");
	const struct sip_via *v = (const void *)&v;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), ENOENT);
	assert_ptr_equal(v, (const void *)&v);
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_list_order(void **state)
{
	struct sip_msg *m = msg_with(
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2\n"
		"From: <sip:a@example.com>;tag=1\n"
		"v: SIP/2.0/TLS c.example.com;branch=z9hG4bK3\n"
		"V: SIP/2.0/SCTP d.example.com;branch=z9hG4bK4 ,SIP/2.0/WS e.example.com\n");
	const struct sip_via *v;
	static const char *const hosts[] = { "a.example.com", "b.example.com",
		"c.example.com", "d.example.com", "e.example.com" };
	static const char *const tps[] = { "UDP", "TCP", "TLS", "SCTP", "WS" };
	size_t i = 0;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	assert_int_equal(count(v), 5);
	for (; v; v = v->next, i++) {
		pl_is(v->host, hosts[i]);
		pl_is(v->transport, tps[i]);
	}
	sip_msg_free(m);
}

/* RFC 4475 wsinv: LWS and folds around '/', ':' ';' and '='. */
static void test_whitespace(void **state)
{
	struct sip_msg *m = msg_with(
		"Via  : SIP  /   2.0\n  /UDP\n    192.0.2.2;branch=390skdjuw\n"
		"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n"
		"  branch  =   z9hG4bK9ikj8  ,\n"
		" SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n"
		" z9hG4bK30239\n"
		"Via: SIP/2.0/UDP host.example.com : 5061 ;received = 192.0.2.9\n");
	const struct sip_via *v;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	assert_int_equal(count(v), 4);
	pl_is(v->transport, "UDP");
	pl_is(v->host, "192.0.2.2");
	pl_is(v->branch, "390skdjuw");
	assert_false(sip_via_branch_is_rfc3261(v));
	v = v->next;
	pl_is(v->transport, "TCP");
	pl_is(v->host, "spindle.example.com");
	pl_is(v->branch, "z9hG4bK9ikj8");
	v = v->next;
	pl_is(v->host, "192.168.255.111");
	pl_is(v->branch, "z9hG4bK30239");
	v = v->next;
	pl_is(v->host, "host.example.com");
	assert_int_equal(v->port, 5061);
	pl_is(v->received, "192.0.2.9");
	sip_msg_free(m);
}

/* RFC 5118 §4.1, §4.5: IPv6 sent-by, received with and without brackets. */
static void test_ipv6(void **state)
{
	struct sip_msg *m = msg_with(
		"Via: SIP/2.0/UDP [2001:db8::9:1]:5062;branch=z9hG4bKas3-111;received=2001:db8::9:255\n"
		"Via: SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3\n"
		"Via: SIP/2.0/UDP [::ffff:192.0.2.1];maddr=[2001:db8::1]\n");
	const struct sip_via *v;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	pl_is(v->host, "2001:db8::9:1");
	assert_int_equal(v->host_type, SIP_HOST_IPV6);
	assert_int_equal(v->port, 5062);
	pl_is(v->received, "2001:db8::9:255");
	v = v->next;
	pl_is(v->host, "2001:db8::9:1");
	assert_false(v->has_port);
	pl_is(v->received, "2001:db8::9:255");
	v = v->next;
	pl_is(v->host, "::ffff:192.0.2.1");
	pl_is(v->maddr, "2001:db8::1");
	sip_msg_free(m);
}

/* RFC 3581 rport, ttl, maddr, generic params. */
static void test_params(void **state)
{
	struct sip_msg *m = msg_with(
		"Via: SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKa\n"
		"Via: SIP/2.0/UDP 10.0.0.2;received=192.0.2.1;rport=5070;branch=z9hG4bKb\n"
		"Via: SIP/2.0/UDP 10.0.0.3;ttl=16;maddr=224.2.0.1;x-foo=\"a b\";lr\n"
		"Via: SIP/2.0/UDP 10.0.0.4;TTL=0;MADDR=sip.example.com;Branch=z9hG4bKc\n");
	const struct sip_via *v;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	assert_true(v->rport);
	assert_int_equal(v->rport_val, 0);
	pl_is(v->branch, "z9hG4bKa");
	v = v->next;
	assert_true(v->rport);
	assert_int_equal(v->rport_val, 5070);
	pl_is(v->received, "192.0.2.1");
	v = v->next;
	assert_false(v->rport);
	assert_true(v->has_ttl);
	assert_int_equal(v->ttl, 16);
	pl_is(v->maddr, "224.2.0.1");
	pl_is(v->params, ";ttl=16;maddr=224.2.0.1;x-foo=\"a b\";lr");
	v = v->next;
	assert_true(v->has_ttl);
	assert_int_equal(v->ttl, 0);
	pl_is(v->maddr, "sip.example.com");
	pl_is(v->branch, "z9hG4bKc");
	sip_msg_free(m);
}

/* RFC 4475 transports: unknown transport tokens are valid. */
static void test_transports(void **state)
{
	struct sip_msg *m = msg_with(
		"Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\n"
		"Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\n"
		"Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\n"
		"Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\n"
		"Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\n"
		"Via: sip/2.0/tls-sctp t6.example.com.\n");
	const struct sip_via *v;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	assert_int_equal(count(v), 6);
	pl_is(v->next->next->next->transport, "UNKNOWN");
	v = v->next->next->next->next->next;
	pl_is(v->proto, "sip");
	pl_is(v->transport, "tls-sctp");
	pl_is(v->host, "t6.example.com.");
	sip_msg_free(m);
}

static void expect_bad(const char *hdrs)
{
	struct sip_msg *m = msg_with(hdrs);
	const struct sip_via *v = (const void *)&v;
	int err = sip_msg_via(m, &v);

	if (err != EBADMSG)
		fail_msg("Via accepted (%d): %s", err, hdrs);
	assert_ptr_equal(v, (const void *)&v);
	assert_non_null(m->err);
	assert_string_equal(m->err, "Bad Via header");
	assert_int_equal(m->err_hdr, SIP_HDR_VIA);
	/* the error is cached */
	assert_int_equal(sip_msg_via(m, &v), EBADMSG);
	sip_msg_free(m);
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"Via: ,,\n",
		"Via:\n",
		"Via: SIP/2.0/UDP a.example.com,\n",
		"Via: SIP/2.0/UDP a.example.com,,SIP/2.0/UDP b.example.com\n",
		"Via: SIP/2.0/UDP\n",
		"Via: SIP/2.0/UDPa.example.com\n",
		"Via: SIP/2.0 a.example.com\n",
		"Via: SIP/3.0/UDP a.example.com\n",
		"Via: HTTP/2.0/UDP a.example.com\n",
		"Via: SIP//UDP a.example.com\n",
		"Via: SIP/2.0/UDP a.example.com:\n",
		"Via: SIP/2.0/UDP a.example.com:70000\n",
		"Via: SIP/2.0/UDP a.example.com:50x\n",
		"Via: SIP/2.0/UDP a.example.com extra\n",
		"Via: SIP/2.0/UDP a..example.com\n",
		"Via: SIP/2.0/UDP -a.example.com\n",
		"Via: SIP/2.0/UDP a.example.123\n",
		"Via: SIP/2.0/UDP 192.0.2.256\n",
		"Via: SIP/2.0/UDP a_b.example.com\n",
		"Via: SIP/2.0/UDP [2001:db8::1\n",
		"Via: SIP/2.0/UDP [2001:db8:::1]\n",
		"Via: SIP/2.0/UDP [192.0.2.1]\n",
		"Via: SIP/2.0/UDP a.example.com;\n",
		"Via: SIP/2.0/UDP a.example.com;branch\n",
		"Via: SIP/2.0/UDP a.example.com;branch=\n",
		"Via: SIP/2.0/UDP a.example.com;branch=\"z9hG4bK\"\n",
		"Via: SIP/2.0/UDP a.example.com;ttl=256\n",
		"Via: SIP/2.0/UDP a.example.com;ttl=0016\n",
		"Via: SIP/2.0/UDP a.example.com;ttl\n",
		"Via: SIP/2.0/UDP a.example.com;maddr=a..b\n",
		"Via: SIP/2.0/UDP a.example.com;received=host.example.com\n",
		"Via: SIP/2.0/UDP a.example.com;received=192.0.2.300\n",
		"Via: SIP/2.0/UDP a.example.com;rport=x\n",
		"Via: SIP/2.0/UDP a.example.com;rport=65536\n",
		"Via: SIP/2.0/UDP a.example.com;x=\"open\n",
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n"
		"Via: SIP/2.0/UDP b.example.com;branch=z9hG4bK2 , garbage\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(bad[i]);
}

/* The first error met wins: a Via error after another one keeps it. */
static void test_first_error_kept(void **state)
{
	struct sip_msg *m = msg_with("Via: ,\n");
	const struct sip_via *v;

	(void)state;
	sip_msg_set_err(m, SIP_HDR_CSEQ, "Bad CSeq header");
	assert_int_equal(sip_msg_via(m, &v), EBADMSG);
	assert_string_equal(m->err, "Bad CSeq header");
	sip_msg_free(m);
}

static void test_decode_direct(void **state)
{
	struct sip_via v;

	(void)state;
	memset(&v, 0xa5, sizeof(v));
	assert_int_equal(sip_via_decode(&v, SIP_PL(" SIP/2.0/WSS ws.example.com:443 ;branch=z9hG4bKw ")), 0);
	pl_is(v.raw, "SIP/2.0/WSS ws.example.com:443 ;branch=z9hG4bKw");
	pl_is(v.transport, "WSS");
	assert_int_equal(v.port, 443);
	pl_is(v.params, ";branch=z9hG4bKw");
	assert_null(v.next);

	/* failure leaves the output untouched */
	memset(&v, 0x5a, sizeof(v));
	assert_int_equal(sip_via_decode(&v, SIP_PL("SIP/2.0/UDP a.example.com, SIP/2.0/UDP b")), EBADMSG);
	assert_int_equal(((unsigned char *)&v)[0], 0x5a);
	assert_int_equal(sip_via_decode(&v, SIP_PL("")), EBADMSG);
}

static void expect_same(const struct sip_via *a, const struct sip_via *b)
{
	assert_true(sip_pl_eq(a->transport, b->transport));
	assert_true(sip_pl_eq(a->host, b->host));
	assert_int_equal(a->host_type, b->host_type);
	assert_int_equal(a->has_port, b->has_port);
	assert_int_equal(a->port, b->port);
	assert_true(sip_pl_eq(a->branch, b->branch));
	assert_int_equal(sip_pl_isset(&a->branch), sip_pl_isset(&b->branch));
	assert_true(sip_pl_eq(a->received, b->received));
	assert_true(sip_pl_eq(a->maddr, b->maddr));
	assert_int_equal(a->has_ttl, b->has_ttl);
	assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->rport, b->rport);
	assert_int_equal(a->rport_val, b->rport_val);
}

static void test_print_roundtrip(void **state)
{
	struct sip_msg *m = msg_with(
		"Via: SIP/2.0/UDP pc33.atlanta.com:5060 ; branch = z9hG4bK776\n"
		"v: SIP / 2.0 / TCP\n [2001:db8::1]:5061;received=[2001:db8::2];rport=1234;ttl=3\n"
		"Via: SIP/2.0/TLS 192.0.2.1;rport;maddr=[::1];x=\"q \\\" s\";flag\n"
		"Via: SIP/2.0/UDP host.example.com\n");
	static const char *const want[] = {
		"SIP/2.0/UDP pc33.atlanta.com:5060;branch=z9hG4bK776",
		"SIP/2.0/TCP [2001:db8::1]:5061;received=[2001:db8::2];rport=1234;ttl=3",
		"SIP/2.0/TLS 192.0.2.1;rport;maddr=[::1];x=\"q \\\" s\";flag",
		"SIP/2.0/UDP host.example.com",
	};
	const struct sip_via *v;
	size_t i = 0;

	(void)state;
	assert_int_equal(sip_msg_via(m, &v), 0);
	for (; v; v = v->next, i++) {
		struct sip_buf b;
		struct sip_via v2;

		sip_buf_init(&b);
		sip_via_print(&b, v);
		assert_int_equal(sip_buf_err(&b), 0);
		assert_string_equal(b.p, want[i]);
		assert_int_equal(sip_via_decode(&v2, sip_buf_pl_get(&b)), 0);
		expect_same(v, &v2);
		sip_buf_reset(&b);
	}
	assert_int_equal(i, 4);
	sip_msg_free(m);
}

/* ENOMEM is not cached: the next call parses again. */
static void test_oom_not_cached(void **state)
{
	struct sip_msg *m = msg_with("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n");
	const struct sip_via *v = NULL;

	(void)state;
	sip_mem_fail_after(0);
	while (sip_arena_alloc(sip_msg_arena(m), 1))
		;
	assert_int_equal(sip_msg_via(m, &v), ENOMEM);
	assert_null(v);
	assert_null(m->err);
	sip_mem_fail_after(-1);
	assert_int_equal(sip_msg_via(m, &v), 0);
	pl_is(v->host, "a.example.com");
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_no_port_no_params),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_list_order),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_transports),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_first_error_kept),
		cmocka_unit_test(test_decode_direct),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_oom_not_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
