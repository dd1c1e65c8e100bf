/*
 * tcp_test.c - SIP over TCP on loopback: stream framing across and within
 * segments, zero-copy buffers held by messages, CRLF ping/pong, bad input
 * closing one connection only, connection limits, idle timeout, reuse of
 * accepted connections, RFC 5923 aliases, outgoing connects with queued
 * writes, asynchronous connect errors, IPv6.
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
	struct sip_tp_addr bound;     /* the TCP listener */
	long live;
};

/* (Re)create the fixture's tp with @p conf and a TCP listener on @p at. */
static void start(struct fix *f, const struct sip_tp_conf *conf, const char *at)
{
	struct sip_tp_addr la;

	if (f->tp) {
		tu_rx_clear(&f->rx);
		assert_int_equal(tu_teardown(&f->loop, f->tp), 0);
		uv_loop_init(&f->loop);
	}
	assert_int_equal(sip_tp_alloc(&f->tp, &f->loop, conf, tu_recv, &f->rx), 0);
	f->rx.tp = f->tp;
	assert_int_equal(sip_tp_listen(f->tp, SIP_TP_TCP, tu_sa(&la, at), &f->bound), 0);
	assert_int_not_equal(sip_tp_addr_port(&f->bound), 0);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	f->live = sip_mem_live();
	uv_loop_init(&f->loop);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tu_rx_clear(&f->rx);
	assert_int_equal(tu_teardown(&f->loop, f->tp), 0);
	assert_int_equal(sip_mem_live(), f->live);
	free(f);
	return 0;
}

static const struct sip_tp_stats *stats(struct fix *f)
{
	return sip_tp_stats(f->tp);
}

/* Wait until the server closes @p fd: true on EOF or reset. */
static bool closed_by_peer(struct fix *f, int fd, unsigned ms)
{
	char buf[256];
	ssize_t r;

	do
		r = tu_cli_recv(&f->loop, fd, buf, sizeof(buf), ms);
	while (r > 0);
	return r == 0 || r == -ECONNRESET;
}

/* Still open: nothing arrives and no EOF within @p ms. */
static bool still_open(struct fix *f, int fd, unsigned ms)
{
	char buf[16];

	return tu_cli_recv(&f->loop, fd, buf, sizeof(buf), ms) == -ETIMEDOUT;
}

static void callid_eq(struct fix *f, int i, const char *want)
{
	char id[64];

	assert_string_equal(tu_callid(f->rx.m[i], id, sizeof(id)), want);
}

static void test_split_segments(void **state)
{
	struct fix *f = *state;
	char msg[2048];
	size_t len, a, b;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	assert_true(fd >= 0);
	len = tu_msg(msg, sizeof(msg), "TCP", "split", 300);
	a = 40;            /* inside the start line */
	b = len - 100;     /* inside the body */
	assert_true(tu_cli_send(fd, msg, a));
	tu_spin(&f->loop, 30);
	assert_true(tu_cli_send(fd, msg + a, b - a));
	tu_spin(&f->loop, 30);
	assert_int_equal(f->rx.n, 0);
	assert_true(tu_cli_send(fd, msg + b, len - b));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	callid_eq(f, 0, "split");
	assert_int_equal(f->rx.m[0]->body.len, 300);
	assert_int_equal(f->rx.src[0].kind, SIP_TP_TCP);
	assert_non_null(f->rx.src[0].conn);
	assert_true(sip_tp_conn_accepted(f->rx.src[0].conn));
	assert_true(sip_tp_addr_eq(&f->rx.src[0].local, &f->bound));
	assert_int_equal(stats(f)->kind[SIP_TP_TCP].bytes_in, len);
	assert_int_equal(stats(f)->conns_open, 1);
	close(fd);
}

static void test_two_in_one_write(void **state)
{
	struct fix *f = *state;
	char two[4096];
	size_t n1, n2;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	n1 = tu_msg(two, sizeof(two), "TCP", "first", 5);
	n2 = tu_msg(two + n1, sizeof(two) - n1, "TCP", "second", 0);
	assert_true(tu_cli_send(fd, two, n1 + n2));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 2, 2000));
	callid_eq(f, 0, "first");
	callid_eq(f, 1, "second");
	assert_int_equal(f->rx.m[0]->body.len, 5);
	assert_ptr_equal(f->rx.conn[0], f->rx.conn[1]);
	close(fd);
}

/*
 * Messages held by the handler keep their bytes while later reads go on:
 * the unread tail moves to a fresh buffer instead of being compacted
 * under them.
 */
static void test_held_messages_keep_bytes(void **state)
{
	struct fix *f = *state;
	char m1[1024], m2[1024], m3[8192];
	size_t n1, n2, n3;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	n1 = tu_msg(m1, sizeof(m1), "TCP", "held-1", 10);
	n2 = tu_msg(m2, sizeof(m2), "TCP", "held-2", 20);
	n3 = tu_msg(m3, sizeof(m3), "TCP", "held-3", 6000);  /* grows the buffer */
	assert_true(tu_cli_send(fd, m1, n1));
	assert_true(tu_cli_send(fd, m2, n2 / 2));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	tu_spin(&f->loop, 20);
	assert_true(tu_cli_send(fd, m2 + n2 / 2, n2 - n2 / 2));
	assert_true(tu_cli_send(fd, m3, n3));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 3, 2000));
	assert_int_equal(f->rx.m[0]->raw.len, n1);
	assert_memory_equal(f->rx.m[0]->raw.p, m1, n1);
	assert_int_equal(f->rx.m[1]->raw.len, n2);
	assert_memory_equal(f->rx.m[1]->raw.p, m2, n2);
	assert_int_equal(f->rx.m[2]->raw.len, n3);
	assert_memory_equal(f->rx.m[2]->raw.p, m3, n3);
	close(fd);
}

static void test_keepalive_pong(void **state)
{
	struct fix *f = *state;
	char buf[16], msg[1024];
	size_t len;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	/* RFC 5626 §4.4.1: ping CRLFCRLF, pong CRLF */
	assert_true(tu_cli_send(fd, "\r\n\r\n", 4));
	assert_int_equal(tu_cli_recv(&f->loop, fd, buf, sizeof(buf), 2000), 2);
	assert_memory_equal(buf, "\r\n", 2);
	/* a lone CRLF is not a ping */
	assert_true(tu_cli_send(fd, "\r\n", 2));
	len = tu_msg(msg, sizeof(msg), "TCP", "after-ping", 0);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_true(still_open(f, fd, 50));
	assert_int_equal(stats(f)->pongs_out, 1);
	assert_int_equal(stats(f)->keepalives_in, 2);
	assert_int_equal(stats(f)->kind[SIP_TP_TCP].msgs_out, 0);
	close(fd);
}

static void test_garbage_closes_one(void **state)
{
	struct fix *f = *state;
	char msg[1024];
	size_t len;
	int bad, good;

	start(f, NULL, "127.0.0.1:0");
	good = tu_cli_tcp(&f->bound);
	bad = tu_cli_tcp(&f->bound);
	tu_spin(&f->loop, 20);
	assert_int_equal(stats(f)->conns_open, 2);
	assert_true(tu_cli_send(bad, "this is not SIP\r\nat all\r\n\r\n", 27));
	assert_true(closed_by_peer(f, bad, 2000));
	assert_int_equal(stats(f)->conns_bad, 1);
	assert_int_equal(stats(f)->parse_errors, 1);
	len = tu_msg(msg, sizeof(msg), "TCP", "still-good", 0);
	assert_true(tu_cli_send(good, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	callid_eq(f, 0, "still-good");
	assert_int_equal(stats(f)->conns_open, 1);
	close(bad);
	close(good);
}

/* A 10 MB header line: the connection goes once the head limit is
 * passed, long before the 10 MB are through; the others stay. */
static void test_huge_line_closes_one(void **state)
{
	struct fix *f = *state;
	const size_t total = 10 * 1024 * 1024;
	char chunk[16384], msg[1024];
	size_t sent = 0, len;
	bool refused = false;
	int bad, good;

	start(f, NULL, "127.0.0.1:0");
	good = tu_cli_tcp(&f->bound);
	bad = tu_cli_tcp(&f->bound);
	assert_true(tu_cli_send(bad, "INVITE sip:x@y SIP/2.0\r\nSubject: ", 33));
	memset(chunk, 'a', sizeof(chunk));
	while (sent < total && !refused) {
		ssize_t r = send(bad, chunk, sizeof(chunk), MSG_NOSIGNAL);

		if (r > 0)
			sent += (size_t)r;
		else if (errno == EAGAIN)
			tu_spin(&f->loop, 5);
		else
			refused = true;   /* EPIPE / ECONNRESET */
		uv_run(&f->loop, UV_RUN_NOWAIT);
	}
	assert_true(refused || closed_by_peer(f, bad, 2000));
	assert_true(sent < total);
	assert_int_equal(stats(f)->conns_bad, 1);
	len = tu_msg(msg, sizeof(msg), "TCP", "survivor", 0);
	assert_true(tu_cli_send(good, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	callid_eq(f, 0, "survivor");
	close(bad);
	close(good);
}

static void test_max_msg(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .max_msg = 1000 };
	char msg[4096];
	size_t len;
	int fd, fd2;

	start(f, &conf, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	fd2 = tu_cli_tcp(&f->bound);
	len = tu_msg(msg, sizeof(msg), "TCP", "small", 100);
	assert_true(tu_cli_send(fd2, msg, len));
	len = tu_msg(msg, sizeof(msg), "TCP", "too-big", 1500);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(closed_by_peer(f, fd, 2000));
	assert_int_equal(f->rx.n, 1);
	callid_eq(f, 0, "small");
	assert_int_equal(stats(f)->conns_bad, 1);
	close(fd);
	close(fd2);
}

static void test_per_ip_limit(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .tcp_max_per_ip = 2 };
	char msg[1024];
	size_t len;
	int fd[3];

	start(f, &conf, "127.0.0.1:0");
	for (int i = 0; i < 3; i++) {
		fd[i] = tu_cli_tcp(&f->bound);
		assert_true(fd[i] >= 0);
		tu_spin(&f->loop, 10);
	}
	assert_true(closed_by_peer(f, fd[2], 2000));
	assert_int_equal(stats(f)->conns_rejected, 1);
	assert_int_equal(stats(f)->conns_open, 2);
	for (int i = 0; i < 2; i++) {
		char id[8] = { 'c', (char)('0' + i), 0 };

		len = tu_msg(msg, sizeof(msg), "TCP", id, 0);
		assert_true(tu_cli_send(fd[i], msg, len));
	}
	assert_true(tu_run_until(&f->loop, &f->rx.n, 2, 2000));
	/* a slot frees up when one goes */
	close(fd[0]);
	tu_spin(&f->loop, 30);
	assert_int_equal(stats(f)->conns_open, 1);
	close(fd[2]);
	fd[2] = tu_cli_tcp(&f->bound);
	assert_true(still_open(f, fd[2], 50));
	assert_int_equal(stats(f)->conns_open, 2);
	close(fd[1]);
	close(fd[2]);
}

static void test_total_limit(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .tcp_max_conns = 1 };
	int a, b;

	start(f, &conf, "127.0.0.1:0");
	a = tu_cli_tcp(&f->bound);
	tu_spin(&f->loop, 10);
	b = tu_cli_tcp(&f->bound);
	assert_true(closed_by_peer(f, b, 2000));
	assert_true(still_open(f, a, 30));
	assert_int_equal(stats(f)->conns_rejected, 1);
	close(a);
	close(b);
}

static void test_idle_timeout(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .tcp_idle_ms = 150 };
	char msg[1024];
	size_t len;
	int fd;

	start(f, &conf, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	tu_spin(&f->loop, 100);
	/* traffic pushes the deadline back */
	len = tu_msg(msg, sizeof(msg), "TCP", "alive", 0);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_true(still_open(f, fd, 100));
	assert_true(closed_by_peer(f, fd, 2000));
	assert_int_equal(stats(f)->conns_idle, 1);
	assert_int_equal(stats(f)->conns_open, 0);
	/* the message handed to us keeps its connection object alive */
	assert_false(sip_tp_conn_isopen(f->rx.conn[0]));
	close(fd);
}

/* Answer on the request's own connection (§18.2.2). */
static void answer_on_conn(struct tu_rx *rx, int i)
{
	assert_int_equal(sip_tp_send(rx->tp, &rx->src[i], "reply-1\n", 8), 0);
}

static void test_reuse_accepted(void **state)
{
	struct fix *f = *state;
	struct sip_tp_peer dst;
	struct sip_tp_addr ca;
	char msg[1024], buf[64];
	size_t len, got = 0;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	f->rx.then = answer_on_conn;
	fd = tu_cli_tcp(&f->bound);
	tu_cli_addr(fd, &ca);
	len = tu_msg(msg, sizeof(msg), "TCP", "reuse", 0);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_true(sip_tp_addr_eq(&f->rx.src[0].remote, &ca));
	/* by address only: the table finds the accepted connection */
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	dst.remote = ca;
	assert_int_equal(sip_tp_send(f->tp, &dst, "reply-2\n", 8), 0);
	while (got < 16) {
		ssize_t r = tu_cli_recv(&f->loop, fd, buf + got, sizeof(buf) - got, 2000);

		assert_true(r > 0);
		got += (size_t)r;
	}
	assert_memory_equal(buf, "reply-1\nreply-2\n", 16);
	assert_int_equal(stats(f)->conns_open, 1);
	assert_int_equal(stats(f)->conns_connected, 0);
	assert_int_equal(stats(f)->kind[SIP_TP_TCP].msgs_out, 2);
	close(fd);
}

/* A request whose conn closed: the send falls back to the address. */
static void test_closed_conn_falls_back(void **state)
{
	struct fix *f = *state;
	struct sip_tp_peer dst;
	char msg[1024];
	size_t len;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	fd = tu_cli_tcp(&f->bound);
	len = tu_msg(msg, sizeof(msg), "TCP", "fb", 0);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	sip_tp_conn_close(f->rx.conn[0]);
	assert_false(sip_tp_conn_isopen(f->rx.conn[0]));
	sip_tp_conn_close(f->rx.conn[0]);   /* twice is fine */
	assert_true(closed_by_peer(f, fd, 2000));
	/* §18.2.2 fallback: a new connection to our own listener */
	dst = f->rx.src[0];
	dst.remote = f->bound;
	assert_int_equal(sip_tp_send(f->tp, &dst, msg, len), 0);
	assert_true(tu_run_until(&f->loop, &f->rx.n, 2, 2000));
	assert_int_equal(stats(f)->conns_connected, 1);
	/* no conn, no address */
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	assert_int_equal(sip_tp_send(f->tp, &dst, msg, len), ENOTCONN);
	close(fd);
}

struct errs {
	int n;
	int err;
	struct sip_tp_peer dst;
};

static void on_send_err(void *arg, int err)
{
	struct errs *e = arg;

	e->n++;
	e->err = err;
}

static void on_tp_err(void *arg, int err, const struct sip_tp_peer *dst)
{
	struct errs *e = arg;

	e->n++;
	e->err = err;
	e->dst = *dst;
}

/* A loopback port with nothing listening on it. */
static void closed_port(struct sip_tp_addr *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sip_tp_addr any;

	tu_sa(&any, "127.0.0.1:0");
	assert_int_equal(bind(fd, &any.u.sa, any.len), 0);
	tu_cli_addr(fd, a);
	close(fd);
}

static void test_connect_refused(void **state)
{
	struct fix *f = *state;
	struct errs own = { 0 }, glob = { 0 }, cancelled = { 0 };
	struct sip_tp_peer dst;
	char buf[SIP_TP_ADDRSTRLEN], b2[SIP_TP_ADDRSTRLEN];

	start(f, NULL, "127.0.0.1:0");
	sip_tp_set_err_handler(f->tp, on_tp_err, &glob);
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	closed_port(&dst.remote);
	/* accepted now, refused later (§17.1.4 needs to hear of it) */
	assert_int_equal(sip_tp_sendh(f->tp, &dst, SIP_PL("one"), on_send_err, &own), 0);
	assert_int_equal(sip_tp_send(f->tp, &dst, "two", 3), 0);
	assert_int_equal(sip_tp_sendh(f->tp, &dst, SIP_PL("three"), on_send_err,
				      &cancelled), 0);
	sip_tp_send_cancel(f->tp, &cancelled);
	assert_true(tu_run_until(&f->loop, &glob.n, 1, 2000));
	tu_run_until(&f->loop, &own.n, 1, 500);
	assert_int_equal(own.n, 1);
	assert_int_equal(own.err, ECONNREFUSED);
	assert_int_equal(glob.n, 1);
	assert_int_equal(glob.err, ECONNREFUSED);
	assert_int_equal(glob.dst.kind, SIP_TP_TCP);
	assert_string_equal(sip_tp_addr_fmt(&glob.dst.remote, buf),
			    sip_tp_addr_fmt(&dst.remote, b2));
	assert_int_equal(cancelled.n, 0);
	assert_int_equal(stats(f)->conns_failed, 1);
	assert_int_equal(stats(f)->conns_open, 0);
	assert_int_equal(stats(f)->send_errors, 3);
}

/*
 * A connect that never completes: a listener whose accept queue is full
 * drops further SYNs, so the connect hangs until conf.tcp_connect_ms.
 */
static void test_connect_timeout(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .tcp_connect_ms = 100 };
	struct errs own = { 0 };
	struct sip_tp_addr any, at;
	struct sip_tp_peer dst;
	int lfd, cli[4];

	start(f, &conf, "127.0.0.1:0");
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	tu_sa(&any, "127.0.0.1:0");
	assert_int_equal(bind(lfd, &any.u.sa, any.len), 0);
	assert_int_equal(listen(lfd, 0), 0);
	tu_cli_addr(lfd, &at);
	for (int i = 0; i < 4; i++) {
		cli[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		(void)connect(cli[i], &at.u.sa, at.len);
	}
	tu_spin(&f->loop, 20);
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	dst.remote = at;
	assert_int_equal(sip_tp_sendh(f->tp, &dst, SIP_PL("x"), on_send_err, &own), 0);
	assert_true(tu_run_until(&f->loop, &own.n, 1, 3000));
	assert_int_equal(own.err, ETIMEDOUT);
	assert_int_equal(stats(f)->conns_failed, 1);
	assert_int_equal(stats(f)->conns_open, 0);
	for (int i = 0; i < 4; i++)
		close(cli[i]);
	close(lfd);
}

/* Two transport sets in one loop: a connects to b, queues while
 * connecting, b answers on the accepted connection, a reuses its own. */
static void answer_all(struct tu_rx *rx, int i)
{
	char id[64], out[1024];
	size_t n;

	tu_callid(rx->m[i], id, sizeof(id));
	n = tu_msg(out, sizeof(out), "TCP", id, 1);
	assert_int_equal(sip_tp_send(rx->tp, &rx->src[i], out, n), 0);
}

static void test_tp_to_tp(void **state)
{
	struct fix *f = *state;
	struct sip_tp *a;
	struct tu_rx arx = { 0 };
	struct sip_tp_peer dst;
	char msg[1024], id[8];
	size_t len;

	start(f, NULL, "127.0.0.1:0");
	f->rx.then = answer_all;
	assert_int_equal(sip_tp_alloc(&a, &f->loop, NULL, tu_recv, &arx), 0);
	arx.tp = a;
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	dst.remote = f->bound;
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "q%d", i);
		len = tu_msg(msg, sizeof(msg), "TCP", id, (size_t)i);
		assert_int_equal(sip_tp_send(a, &dst, msg, len), 0);
	}
	assert_int_equal(sip_tp_stats(a)->conns_open, 1);   /* one, queued */
	assert_true(tu_run_until(&f->loop, &arx.n, 3, 2000));
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "q%d", i);
		callid_eq(f, i, id);
		assert_string_equal(tu_callid(arx.m[i], msg, sizeof(msg)), id);
		assert_false(sip_tp_conn_accepted(arx.src[i].conn));
		assert_true(sip_tp_addr_eq(&arx.src[i].remote, &f->bound));
		assert_true(sip_tp_addr_eq(sip_tp_conn_remote(arx.src[i].conn),
					   &f->bound));
	}
	assert_true(sip_tp_addr_eq(sip_tp_conn_local(arx.src[0].conn),
				   &f->rx.src[0].remote));
	/* one more: same connection */
	len = tu_msg(msg, sizeof(msg), "TCP", "q3", 0);
	assert_int_equal(sip_tp_send(a, &dst, msg, len), 0);
	assert_true(tu_run_until(&f->loop, &arx.n, 4, 2000));
	assert_int_equal(sip_tp_stats(a)->conns_connected, 1);
	assert_int_equal(sip_tp_stats(a)->conns_open, 1);
	assert_int_equal(stats(f)->conns_accepted, 1);
	assert_int_equal(sip_tp_stats(a)->kind[SIP_TP_TCP].msgs_out, 4);
	assert_int_equal(sip_tp_stats(a)->kind[SIP_TP_TCP].msgs_in, 4);
	tu_rx_clear(&arx);
	sip_mem_deref(a);
}

static void test_ipv6(void **state)
{
	struct fix *f = *state;
	struct sip_tp_addr ca;
	char msg[1024];
	size_t len;
	int fd;

	start(f, NULL, "[::1]:0");
	assert_int_equal(sip_tp_addr_af(&f->bound), AF_INET6);
	fd = tu_cli_tcp(&f->bound);
	assert_true(fd >= 0);
	tu_cli_addr(fd, &ca);
	f->rx.then = answer_on_conn;
	len = tu_msg(msg, sizeof(msg), "TCP", "v6", 0);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_true(sip_tp_addr_eq(&f->rx.src[0].remote, &ca));
	assert_int_equal(tu_cli_recv(&f->loop, fd, msg, sizeof(msg), 2000), 8);
	close(fd);
}

/* The handler closes the connection: the rest of the segment is dropped. */
static void close_it(struct tu_rx *rx, int i)
{
	sip_tp_conn_close(rx->src[i].conn);
}

static void test_handler_closes(void **state)
{
	struct fix *f = *state;
	char two[4096];
	size_t n1, n2;
	int fd;

	start(f, NULL, "127.0.0.1:0");
	f->rx.then = close_it;
	fd = tu_cli_tcp(&f->bound);
	n1 = tu_msg(two, sizeof(two), "TCP", "m1", 0);
	n2 = tu_msg(two + n1, sizeof(two) - n1, "TCP", "m2", 0);
	assert_true(tu_cli_send(fd, two, n1 + n2));
	assert_true(closed_by_peer(f, fd, 2000));
	assert_int_equal(f->rx.n, 1);
	assert_int_equal(stats(f)->conns_open, 0);
	close(fd);
}

/* sip_tp_debug() output contains @p s. */
static void debug_has(struct fix *f, const char *s)
{
	struct sip_buf b;

	sip_buf_init(&b);
	sip_tp_debug(&b, f->tp);
	sip_buf_putc(&b, '\0');
	assert_int_equal(sip_buf_err(&b), 0);
	if (!strstr(b.p, s))
		fail_msg("no \"%s\" in:\n%s", s, b.p);
	sip_buf_reset(&b);
}

/* RFC 5923 alias (conf.tcp_alias): requests to the advertised sent-by
 * reuse the connection the peer opened. */
static void test_alias(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .tcp_alias = true };
	struct sip_tp_peer dst;
	struct sip_tp_addr port;
	char msg[1024], via[64], buf[16];
	size_t len;
	int fd;

	start(f, &conf, "127.0.0.1:0");
	closed_port(&port);
	fd = tu_cli_tcp(&f->bound);
	snprintf(via, sizeof(via), "SIP/2.0/TCP 127.0.0.1:%u;alias",
		 (unsigned)sip_tp_addr_port(&port));
	len = tu_msg_via(msg, sizeof(msg), via, "alias", 0);
	assert_true(tu_cli_send(fd, msg, len));
	assert_true(tu_run_until(&f->loop, &f->rx.n, 1, 2000));
	assert_int_equal(sip_tp_conn_alias(f->rx.conn[0], &port), EEXIST);
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	dst.remote = port;
	assert_int_equal(sip_tp_send(f->tp, &dst, "aliased", 7), 0);
	assert_int_equal(tu_cli_recv(&f->loop, fd, buf, sizeof(buf), 2000), 7);
	assert_memory_equal(buf, "aliased", 7);
	assert_int_equal(stats(f)->conns_connected, 0);
	debug_has(f, ", alias 127.0.0.1:");
	debug_has(f, "connections: 1 open");
	/* closed: no more aliases */
	close(fd);
	tu_spin(&f->loop, 20);
	assert_int_equal(sip_tp_conn_alias(f->rx.conn[0], &port), ENOTCONN);
}

static void test_write_queue_limit(void **state)
{
	struct fix *f = *state;
	struct sip_tp_conf conf = { .tcp_max_queue = 100 };
	struct sip_tp_peer dst;
	struct sip_tp_addr port;
	char big[200];

	start(f, &conf, "127.0.0.1:0");
	closed_port(&port);
	memset(&dst, 0, sizeof(dst));
	dst.kind = SIP_TP_TCP;
	dst.remote = port;
	memset(big, 'z', sizeof(big));
	/* while connecting everything queues; over the limit is refused */
	assert_int_equal(sip_tp_send(f->tp, &dst, big, 60), 0);
	assert_int_equal(sip_tp_send(f->tp, &dst, big, 60), ENOBUFS);
	tu_spin(&f->loop, 50);
}

/*
 * Allocation n fails, for n = 0, 1, 2, ... until a listen, a connect, a
 * send and a receive all go through: every failure comes back as ENOMEM
 * or a lost message, and nothing leaks.
 */
static void test_oom(void **state)
{
	char msg[1024];
	size_t len = tu_msg(msg, sizeof(msg), "TCP", "oom", 10);
	bool done = false;

	(void)state;
	for (long n = 0; !done; n++) {
		struct sip_tp_addr la, bound;
		struct tu_rx rx = { 0 };
		struct sip_tp_peer dst;
		struct sip_tp *tp = NULL;
		long live = sip_mem_live();
		uv_loop_t loop;
		int err;

		assert_true(n < 1000);
		uv_loop_init(&loop);
		sip_mem_fail_after(n);
		err = sip_tp_alloc(&tp, &loop, NULL, tu_recv, &rx);
		if (!err)
			err = sip_tp_listen(tp, SIP_TP_TCP,
					    tu_sa(&la, "127.0.0.1:0"), &bound);
		if (!err) {
			memset(&dst, 0, sizeof(dst));
			dst.kind = SIP_TP_TCP;
			dst.remote = bound;
			err = sip_tp_send(tp, &dst, msg, len);
		}
		assert_true(err == 0 || err == ENOMEM);
		if (!err)
			tu_run_until(&loop, &rx.n, 1, 300);
		done = !err && rx.n == 1;
		sip_mem_fail_after(-1);
		tu_rx_clear(&rx);
		assert_int_equal(tu_teardown(&loop, tp), 0);
		assert_int_equal(sip_mem_live(), live);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_split_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_in_one_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_messages_keep_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_pong, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_closes_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_line_closes_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_msg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_ip_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_total_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_conn_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tp_to_tp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handler_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_queue_limit, setup, teardown),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
