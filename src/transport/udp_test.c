/*
 * udp_test.c - SIP over UDP on loopback: receive and answer, IPv6 ::1,
 * keep-alives, bad and oversized datagrams, listener selection, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tp_testutil.h"

struct fix {
	uv_loop_t loop;
	struct sip_tp *tp;
	struct tu_rx rx;
	long live;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->live = sip_mem_live();
	uv_loop_init(&f->loop);
	if (sip_tp_alloc(&f->tp, &f->loop, NULL, tu_recv, &f->rx))
		return -1;
	f->rx.tp = f->tp;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	int r;

	tu_rx_clear(&f->rx);
	r = tu_teardown(&f->loop, f->tp);
	assert_int_equal(r, 0);
	assert_int_equal(sip_mem_live(), f->live);
	free(f);
	return 0;
}

/* Answer each request with "pong <Call-ID>" to where it came from. */
static void answer(struct tu_rx *rx, int i)
{
	char id[64], out[128];
	int n;

	tu_callid(rx->m[i], id, sizeof(id));
	n = snprintf(out, sizeof(out), "pong %s", id);
	assert_int_equal(sip_tp_send(rx->tp, &rx->src[i], out, (size_t)n), 0);
}

static void roundtrip(struct fix *f, const char *lsn, const char *cli)
{
	struct sip_tp_addr la, bound, ca;
	char msg[1024], buf[256], id[64];
	size_t len;
	ssize_t r;
	int fd;

	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, lsn), &bound), 0);
	assert_int_not_equal(sip_tp_addr_port(&bound), 0);
	fd = tu_cli_udp_at(cli);
	assert_true(fd >= 0);
	tu_cli_addr(fd, &ca);
	f->rx.then = answer;
	len = tu_msg(msg, sizeof(msg), "UDP", "udp-1", 0);
	assert_int_equal(sendto(fd, msg, len, 0, &bound.u.sa, bound.len), (ssize_t)len);
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_string_equal(tu_callid(f->rx.m[0], id, sizeof(id)), "udp-1");
	assert_true(f->rx.m[0]->req);
	assert_int_equal(f->rx.src[0].kind, SIP_TP_UDP);
	assert_null(f->rx.src[0].conn);
	assert_true(sip_tp_addr_eq(&f->rx.src[0].remote, &ca));
	assert_true(sip_tp_addr_eq(&f->rx.src[0].local, &bound));
	r = tu_cli_recv(&f->loop, fd, buf, sizeof(buf) - 1, 2000);
	assert_int_equal(r, (ssize_t)strlen("pong udp-1"));
	buf[r] = '\0';
	assert_string_equal(buf, "pong udp-1");
	assert_int_equal(sip_tp_stats(f->tp)->kind[SIP_TP_UDP].msgs_in, 1);
	assert_int_equal(sip_tp_stats(f->tp)->kind[SIP_TP_UDP].bytes_in, len);
	assert_int_equal(sip_tp_stats(f->tp)->kind[SIP_TP_UDP].msgs_out, 1);
	close(fd);
}

static void test_v4_roundtrip(void **state)
{
	roundtrip(*state, "127.0.0.1:0", "127.0.0.1:0");
}

static void test_v6_roundtrip(void **state)
{
	roundtrip(*state, "[::1]:0", "[::1]:0");
}

/* A v6 wildcard listener is V6ONLY: a v4 listener may share its port. */
static void test_v4_v6_same_port(void **state)
{
	struct fix *f = *state;
	struct sip_tp_addr la, b6, b4, got;
	char text[64];

	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "[::]:0"), &b6), 0);
	snprintf(text, sizeof(text), "0.0.0.0:%u", (unsigned)sip_tp_addr_port(&b6));
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, text), &b4), 0);
	assert_int_equal(sip_tp_addr_port(&b4), sip_tp_addr_port(&b6));
	assert_int_equal(sip_tp_laddr(f->tp, SIP_TP_UDP, AF_INET, &got), 0);
	assert_true(sip_tp_addr_eq(&got, &b4));
	assert_int_equal(sip_tp_laddr(f->tp, SIP_TP_UDP, AF_INET6, &got), 0);
	assert_true(sip_tp_addr_eq(&got, &b6));
	assert_int_equal(sip_tp_laddr(f->tp, SIP_TP_TCP, AF_UNSPEC, &got), ENOENT);
}

static void test_keepalive_and_garbage(void **state)
{
	struct fix *f = *state;
	struct sip_tp_addr la, bound;
	const struct sip_tp_stats *st = sip_tp_stats(f->tp);
	char msg[1024];
	size_t len;
	int fd;

	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "127.0.0.1:0"), &bound), 0);
	fd = tu_cli_udp_at("127.0.0.1:0");
	assert_true(fd >= 0);
	sendto(fd, "\r\n\r\n", 4, 0, &bound.u.sa, bound.len);
	sendto(fd, "\r\n", 2, 0, &bound.u.sa, bound.len);
	sendto(fd, "garbage, not SIP", 16, 0, &bound.u.sa, bound.len);
	len = tu_msg(msg, sizeof(msg), "UDP", "after", 0);
	sendto(fd, msg, len, 0, &bound.u.sa, bound.len);
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_int_equal(f->rx.n, 1);
	assert_int_equal(st->keepalives_in, 2);
	assert_int_equal(st->parse_errors, 1);
	assert_int_equal(st->kind[SIP_TP_UDP].msgs_in, 1);
	close(fd);
}

static void test_oversized_dropped(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .max_msg = 1000 };
	struct sip_tp_addr la, bound;
	char msg[4096];
	size_t len;
	int fd;

	/* a tp of its own with a small limit */
	tu_teardown(&f->loop, f->tp);
	uv_loop_init(&f->loop);
	assert_int_equal(sip_tp_alloc(&f->tp, &f->loop, &conf, tu_recv, &f->rx), 0);
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "127.0.0.1:0"), &bound), 0);
	fd = tu_cli_udp_at("127.0.0.1:0");
	len = tu_msg(msg, sizeof(msg), "UDP", "big", 1500);
	sendto(fd, msg, len, 0, &bound.u.sa, bound.len);
	len = tu_msg(msg, sizeof(msg), "UDP", "small", 10);
	sendto(fd, msg, len, 0, &bound.u.sa, bound.len);
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_int_equal(sip_tp_stats(f->tp)->dropped, 1);
	close(fd);
}

/* Many datagrams at once: the recvmmsg batch path. */
static void test_burst(void **state)
{
	struct fix *f = *state;
	struct sip_tp_addr la, bound;
	char msg[1024], id[32];
	size_t len;
	int fd;

	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "127.0.0.1:0"), &bound), 0);
	fd = tu_cli_udp_at("127.0.0.1:0");
	for (int i = 0; i < TU_MAX_MSGS; i++) {
		snprintf(id, sizeof(id), "b%d", i);
		len = tu_msg(msg, sizeof(msg), "UDP", id, (size_t)i * 10);
		sendto(fd, msg, len, 0, &bound.u.sa, bound.len);
	}
	assert_true(tu_run_until(&f->loop, &f->rx.n, TU_MAX_MSGS, 2000));
	for (int i = 0; i < TU_MAX_MSGS; i++) {
		snprintf(id, sizeof(id), "b%d", i);
		assert_string_equal(tu_callid(f->rx.m[i], msg, sizeof(msg)), id);
		assert_int_equal(f->rx.m[i]->body.len, (size_t)i * 10);
	}
	close(fd);
}

/* The response leaves from the listener the request came in on. */
static void test_local_pick(void **state)
{
	struct fix *f = *state;
	struct sip_tp_addr la, b1, b2, ca, from;
	struct sip_tp_peer dst;
	char buf[64];
	int fd;

	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "127.0.0.1:0"), &b1), 0);
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "127.0.0.1:0"), &b2), 0);
	fd = tu_cli_udp_at("127.0.0.1:0");
	tu_cli_addr(fd, &ca);
	for (int k = 0; k < 2; k++) {
		memset(&dst, 0, sizeof(dst));
		dst.kind = SIP_TP_UDP;
		dst.remote = ca;
		dst.local = k ? b2 : b1;
		assert_int_equal(sip_tp_send(f->tp, &dst, "hi", 2), 0);
		assert_int_equal(tu_cli_recvfrom(&f->loop, fd, buf, sizeof(buf),
						 &from, 2000), 2);
		assert_true(sip_tp_addr_eq(&from, k ? &b2 : &b1));
	}
	close(fd);
}

static void test_send_errors(void **state)
{
	struct fix *f = *state;
	struct sip_tp_addr la, bound;
	struct sip_tp_peer dst;

	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_UDP;
	tu_sa(&dst.remote, "127.0.0.1:5060");
	/* no UDP listener yet */
	assert_int_equal(sip_tp_send(f->tp, &dst, "x", 1), EAFNOSUPPORT);
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, tu_sa(&la, "127.0.0.1:0"), &bound), 0);
	/* an IPv6 destination and only an IPv4 listener */
	tu_sa(&dst.remote, "[::1]:5060");
	assert_int_equal(sip_tp_send(f->tp, &dst, "x", 1), EAFNOSUPPORT);
	assert_int_equal(sip_tp_send(f->tp, &dst, NULL, 0), EINVAL);
	dst.kind = SIP_TP_TLS;
	assert_int_equal(sip_tp_send(f->tp, &dst, "x", 1), ENOTSUP);
	assert_int_equal(sip_tp_stats(f->tp)->send_errors, 3);
	/* listening twice on one address */
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_UDP, &bound.u.sa, NULL), EADDRINUSE);
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_TLS, tu_sa(&la, "127.0.0.1:0"), NULL), ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v4_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_v6_same_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_pick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
