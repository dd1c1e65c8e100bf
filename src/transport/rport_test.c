/*
 * rport_test.c - §18.2.1 / RFC 3581 received and rport, §18.2.2 response
 * destinations, the §18.1.1 1300-byte rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/transport.h"
#include "sip/via.h"

static struct sip_tp_addr addr(const char *text)
{
	struct sip_tp_addr a;

	assert_int_equal(sip_tp_addr_decode(&a, sip_pl_str(text)), 0);
	return a;
}

/* The Via text after §18.2.1 processing of @p via from @p src. */
static void received_eq(const char *via, const char *src, const char *want)
{
	struct sip_tp_addr s = addr(src);
	struct sip_via v;
	struct sip_buf b;

	memset(&v, 0, sizeof(v));
	assert_int_equal(sip_via_decode(&v, sip_pl_str(via)), 0);
	sip_buf_init(&b);
	assert_int_equal(sip_tp_via_received(&b, &v, &s), 0);
	sip_buf_putc(&b, '\0');
	assert_string_equal(b.p, want);
	sip_buf_reset(&b);
}

static void test_received_same_ip(void **state)
{
	(void)state;
	/* sent-by is the source IP: nothing to add */
	received_eq("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1",
		    "192.0.2.1:5060",
		    "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1");
	/* different source port alone does not matter without rport */
	received_eq("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1",
		    "192.0.2.1:33000",
		    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1");
}

static void test_received_differs(void **state)
{
	(void)state;
	/* §18.2.1 example: a NAT in between */
	received_eq("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1",
		    "192.0.2.9:5060",
		    "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=192.0.2.9");
	/* a domain name always gets received */
	received_eq("SIP/2.0/TCP pc33.example.com;branch=z9hG4bK2",
		    "192.0.2.4:40000",
		    "SIP/2.0/TCP pc33.example.com;branch=z9hG4bK2;received=192.0.2.4");
	/* a received already there is replaced, other params kept in order */
	received_eq("SIP/2.0/UDP 10.0.0.5;received=6.6.6.6;branch=z9hG4bK1;x=\"q;r\"",
		    "192.0.2.9:5060",
		    "SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1;x=\"q;r\";received=192.0.2.9");
	/* no parameters at all */
	received_eq("SIP/2.0/UDP h.example.com", "192.0.2.9:1",
		    "SIP/2.0/UDP h.example.com;received=192.0.2.9");
}

static void test_rport(void **state)
{
	(void)state;
	/* RFC 3581 §4 example: rport filled, received added even if equal */
	received_eq("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff",
		    "192.0.2.1:9988",
		    "SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff"
		    ";received=192.0.2.1");
	received_eq("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport",
		    "192.0.2.1:5060",
		    "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport=5060"
		    ";received=192.0.2.1");
}

static void test_received_ipv6(void **state)
{
	(void)state;
	/* same address written differently: no received */
	received_eq("SIP/2.0/UDP [2001:db8:0:0::1]:5060;branch=z9hG4bK1",
		    "[2001:db8::1]:5060",
		    "SIP/2.0/UDP [2001:db8:0:0::1]:5060;branch=z9hG4bK1");
	/* RFC 5118 §4.5: received holds the bare IPv6 address */
	received_eq("SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK1;rport",
		    "[2001:db8::1]:40000",
		    "SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK1;rport=40000"
		    ";received=2001:db8::1");
	/* an IPv4 sent-by seen over IPv6 differs */
	received_eq("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", "[::1]:5060",
		    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;received=::1");
}

static void test_received_bad_args(void **state)
{
	struct sip_tp_addr unset;
	struct sip_via v;
	struct sip_buf b;

	(void)state;
	memset(&unset, 0, sizeof(unset));
	memset(&v, 0, sizeof(v));
	assert_int_equal(sip_via_decode(&v, SIP_PL("SIP/2.0/UDP h;branch=z9hG4bK1")), 0);
	sip_buf_init(&b);
	assert_int_equal(sip_tp_via_received(&b, &v, &unset), EINVAL);
	assert_int_equal(sip_tp_via_received(&b, NULL, &unset), EINVAL);
	sip_buf_reset(&b);
}

/* Response destination of @p via received from @p src over @p kind. */
static int dest(const char *via, enum sip_tp_kind kind, const char *src,
		struct sip_tp_peer *dst)
{
	static struct sip_via v;
	struct sip_tp_peer s;

	memset(&v, 0, sizeof(v));
	assert_int_equal(sip_via_decode(&v, sip_pl_str(via)), 0);
	if (!src)
		return sip_tp_response_dest(dst, &v, NULL);
	memset(&s, 0, sizeof(s));
	s.kind = kind;
	s.remote = addr(src);
	s.local = addr("127.0.0.1:5060");
	s.conn = (struct sip_tp_conn *)(uintptr_t)0x1234;   /* never touched */
	return sip_tp_response_dest(dst, &v, &s);
}

static void remote_eq(const struct sip_tp_peer *p, const char *want)
{
	char buf[SIP_TP_ADDRSTRLEN];

	assert_string_equal(sip_tp_addr_fmt(&p->remote, buf), want);
}

static void test_dest_reliable(void **state)
{
	struct sip_tp_peer d;

	(void)state;
	/* same connection, fallback: source IP and sent-by port */
	assert_int_equal(dest("SIP/2.0/TCP 10.0.0.5:5070;branch=z9hG4bK1",
			      SIP_TP_TCP, "192.0.2.9:40000", &d), 0);
	assert_int_equal(d.kind, SIP_TP_TCP);
	assert_ptr_equal(d.conn, (void *)(uintptr_t)0x1234);
	remote_eq(&d, "192.0.2.9:5070");
	/* default port */
	assert_int_equal(dest("SIP/2.0/TCP a.example.com;branch=z9hG4bK1;rport",
			      SIP_TP_TCP, "192.0.2.9:40000", &d), 0);
	remote_eq(&d, "192.0.2.9:5060");
	/* without a source: received and the sent-by port */
	assert_int_equal(dest("SIP/2.0/TCP a.example.com:5080;branch=z9hG4bK1"
			      ";received=192.0.2.7", SIP_TP_TCP, NULL, &d), 0);
	assert_int_equal(d.kind, SIP_TP_TCP);
	assert_null(d.conn);
	remote_eq(&d, "192.0.2.7:5080");
	/* TLS default port */
	assert_int_equal(dest("SIP/2.0/TLS 192.0.2.7;branch=z9hG4bK1",
			      SIP_TP_TCP, NULL, &d), 0);
	assert_int_equal(d.kind, SIP_TP_TLS);
	remote_eq(&d, "192.0.2.7:5061");
}

static void test_dest_maddr(void **state)
{
	struct sip_tp_peer d;

	(void)state;
	assert_int_equal(dest("SIP/2.0/UDP 10.0.0.5:5070;maddr=239.0.0.1;ttl=2"
			      ";branch=z9hG4bK1;rport", SIP_TP_UDP,
			      "192.0.2.9:40000", &d), 0);
	remote_eq(&d, "239.0.0.1:5070");
	assert_int_equal(dest("SIP/2.0/UDP 10.0.0.5;maddr=proxy.example.com"
			      ";branch=z9hG4bK1", SIP_TP_UDP, "192.0.2.9:4", &d),
			 ENOENT);
}

static void test_dest_udp(void **state)
{
	struct sip_tp_peer d;
	char buf[SIP_TP_ADDRSTRLEN];

	(void)state;
	/* rport: source IP and port, from the socket it came in on */
	assert_int_equal(dest("SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1;rport",
			      SIP_TP_UDP, "192.0.2.9:40000", &d), 0);
	assert_int_equal(d.kind, SIP_TP_UDP);
	assert_null(d.conn);
	remote_eq(&d, "192.0.2.9:40000");
	assert_string_equal(sip_tp_addr_fmt(&d.local, buf), "127.0.0.1:5060");
	/* received (source differs): source IP, sent-by port */
	assert_int_equal(dest("SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1",
			      SIP_TP_UDP, "192.0.2.9:40000", &d), 0);
	remote_eq(&d, "192.0.2.9:5070");
	/* sent-by, default port */
	assert_int_equal(dest("SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1",
			      SIP_TP_UDP, "192.0.2.9:40000", &d), 0);
	remote_eq(&d, "192.0.2.9:5060");
	/* IPv6 with rport */
	assert_int_equal(dest("SIP/2.0/UDP [2001:db8::9];branch=z9hG4bK1;rport",
			      SIP_TP_UDP, "[2001:db8::1]:40000", &d), 0);
	remote_eq(&d, "[2001:db8::1]:40000");
}

static void test_dest_no_source(void **state)
{
	struct sip_tp_peer d;

	(void)state;
	/* forwarded response: the Via's own received and rport */
	assert_int_equal(dest("SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1"
			      ";rport=9988;received=192.0.2.1", SIP_TP_UDP,
			      NULL, &d), 0);
	assert_int_equal(d.kind, SIP_TP_UDP);
	remote_eq(&d, "192.0.2.1:9988");
	assert_int_equal(dest("SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1"
			      ";received=192.0.2.1", SIP_TP_UDP, NULL, &d), 0);
	remote_eq(&d, "192.0.2.1:5070");
	assert_int_equal(dest("SIP/2.0/UDP [2001:db8::9]:5072;branch=z9hG4bK1",
			      SIP_TP_UDP, NULL, &d), 0);
	remote_eq(&d, "[2001:db8::9]:5072");
	/* a host name needs RFC 3263 §5 */
	assert_int_equal(dest("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1",
			      SIP_TP_UDP, NULL, &d), ENOENT);
	assert_int_equal(d.kind, SIP_TP_UDP);
	/* a transport we do not have */
	assert_int_equal(dest("SIP/2.0/SCTP 192.0.2.1;branch=z9hG4bK1",
			      SIP_TP_UDP, NULL, &d), ENOTSUP);
}

static void test_pick_kind(void **state)
{
	(void)state;
	/* path MTU unknown: more than 1300 bytes goes over TCP */
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 1300, 0), SIP_TP_UDP);
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 1301, 0), SIP_TP_TCP);
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 200, 0), SIP_TP_UDP);
	/* known MTU: within 200 bytes of it goes over TCP */
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 1299, 1500), SIP_TP_UDP);
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 1300, 1500), SIP_TP_TCP);
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 8000, 9000), SIP_TP_UDP);
	assert_int_equal(sip_tp_pick_kind(SIP_TP_UDP, 8800, 9000), SIP_TP_TCP);
	/* other transports are left alone */
	assert_int_equal(sip_tp_pick_kind(SIP_TP_TCP, 100, 0), SIP_TP_TCP);
	assert_int_equal(sip_tp_pick_kind(SIP_TP_TLS, 5000, 0), SIP_TP_TLS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_received_same_ip),
		cmocka_unit_test(test_received_differs),
		cmocka_unit_test(test_rport),
		cmocka_unit_test(test_received_ipv6),
		cmocka_unit_test(test_received_bad_args),
		cmocka_unit_test(test_dest_reliable),
		cmocka_unit_test(test_dest_maddr),
		cmocka_unit_test(test_dest_udp),
		cmocka_unit_test(test_dest_no_source),
		cmocka_unit_test(test_pick_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
