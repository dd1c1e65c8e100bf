/*
 * proxy_test.c - the proxy core (RFC 3261 §16) over the transaction
 * layer's in-memory harness: §16.7 best response, §16.4 Route
 * pre-processing, §16.3 loop detection, parallel and sequential forking,
 * CANCEL (§16.10), 6xx, 401/407 merging, Timer C (§16.8), Record-Route
 * (RFC 5658 double), stateless forwarding (§16.11).
 */
#include "txn/test_harness.h"

#include "sip/proxy.h"
#include "sip/uri.h"

static const char invite[] =
	"INVITE sip:bob@b.test SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKcaller1\n"
	"Max-Forwards: 70\n"
	"To: <sip:bob@b.test>\n"
	"From: <sip:alice@a.test>;tag=f1\n"
	"Call-ID: call-1\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@192.0.2.1>\n"
	"Content-Length: 0\n"
	"\n";

struct fx {
	struct harness h;
	struct sip_proxy *p;
	int events[8];
	uint16_t last_scode;
	int next_calls;
	bool next_answer;
};

static int local_h(void *arg, const struct sip_txn_dest *dst, struct sip_buf *b)
{
	(void)arg;
	sip_buf_printf(b, "198.51.100.%u:5060", dst->iface ? dst->iface : 9);
	return 0;
}

static void call_h(void *arg, struct sip_proxy_call *c, enum sip_proxy_event ev,
		   uint16_t scode)
{
	struct fx *f = arg;

	assert_non_null(sip_proxy_call_msg(c));
	f->events[ev]++;
	if (scode)
		f->last_scode = scode;
}

static void fx_init(struct fx *f, uint32_t timer_c)
{
	struct sip_proxy_conf c = { 0 };

	memset(f, 0, sizeof(*f));
	h_init_timers(&f->h, 100, 400, 500);
	c.stack = f->h.s;
	c.timers = f->h.ts;
	c.timer_c = timer_c;
	c.local = local_h;
	c.call_h = call_h;
	c.arg = f;
	memcpy(c.secret, "proxy-secret-123", 16);
	assert_int_equal(sip_proxy_alloc(&f->p, &c), 0);
}

static void fx_free(struct fx *f)
{
	f->p = sip_mem_deref(f->p);
	h_free(&f->h);
}

static struct sip_proxy_target target(const char *uri, uint8_t last, int q,
				      enum sip_txn_transport tp)
{
	struct sip_proxy_target t = { .uri = uri, .q = q };
	struct sockaddr_in *sin = (struct sockaddr_in *)&t.dst.addr;

	t.dst.transport = tp;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5060);
	sin->sin_addr.s_addr = htonl(0xc0000200u | last);
	t.dst.addrlen = sizeof(*sin);
	t.dst.iface = tp == SIP_TXN_TCP ? 2 : 0;
	if (tp != SIP_TXN_UDP)
		t.dst.conn = NULL;
	return t;
}

/* The caller's INVITE arrives; its server transaction. */
static struct sip_txn *recv_invite(struct fx *f, const char *text)
{
	int n = f->h.nst;

	assert_int_equal(h_recv(&f->h, text, SIP_TXN_UDP), 0);
	assert_int_equal(f->h.nst, n + 1);
	return f->h.st[n];
}

/* Index of the @p nth sent message starting with @p prefix, or -1. */
static int sent_idx(struct fx *f, const char *prefix, int nth)
{
	for (int i = 0; i < f->h.nsent; i++)
		if (!strncmp(f->h.sent[i].text, prefix, strlen(prefix)) && nth-- == 0)
			return i;
	return -1;
}

/* The branch of the first Via of sent message @p i. */
static void sent_branch(struct fx *f, int i, char *out, size_t n)
{
	const char *b, *e;

	assert_true(i >= 0);
	b = strstr(f->h.sent[i].text, "branch=");
	assert_non_null(b);
	b += 7;
	e = b + strcspn(b, ";\r\n");
	assert_true((size_t)(e - b) < n);
	memcpy(out, b, (size_t)(e - b));
	out[e - b] = '\0';
}

/* A response to the forwarded request whose branch is @p br. */
static void respond(struct fx *f, const char *br, int code, const char *method,
		    const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "SIP/2.0 %d Whatever\n"
		 "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=%s\n"
		 "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKcaller1\n"
		 "To: <sip:bob@b.test>%s\n"
		 "From: <sip:alice@a.test>;tag=f1\n"
		 "Call-ID: call-1\n"
		 "CSeq: 1 %s\n"
		 "%s"
		 "Content-Length: 0\n"
		 "\n", code, br, code > 100 ? ";tag=t-" : "", method,
		 extra ? extra : "");
	assert_int_equal(h_recv(&f->h, text, SIP_TXN_UDP), 0);
}

/* Responses the caller got: sent to 192.0.2.1, starting "SIP/2.0 <code>". */
static int to_caller(struct fx *f, int code)
{
	char p[32];

	snprintf(p, sizeof(p), "SIP/2.0 %d", code);
	return h_count_sent(&f->h, p);
}

/* ---- §16.7 step 6 ---- */

static void test_best(void **state)
{
	(void)state;
	assert_int_equal(sip_proxy_best((uint16_t[]){ 486, 603, 200 }, 3), 1);
	assert_int_equal(sip_proxy_best((uint16_t[]){ 486, 302, 500 }, 3), 1);
	assert_int_equal(sip_proxy_best((uint16_t[]){ 486, 407, 404 }, 3), 1);
	assert_int_equal(sip_proxy_best((uint16_t[]){ 0, 486 }, 2), 0); /* 408 */
	assert_int_equal(sip_proxy_best((uint16_t[]){ 503, 500 }, 2), 1);
	assert_int_equal(sip_proxy_best(NULL, 0), -1);
}

/* ---- §16.4 ---- */

static bool self_h(void *arg, const struct sip_uri *u)
{
	(void)arg;
	return sip_pl_eqs(u->host, "proxy.test");
}

static void test_route_pre(void **state)
{
	struct sip_proxy_route r;
	struct sip_msg *m;

	(void)state;
	/* loose: our two Record-Route values come back as Routes */
	m = tu_msg("BYE sip:bob@192.0.2.9 SIP/2.0\n"
		   "Route: <sip:proxy.test;transport=tcp;lr;r2=on>, <sip:proxy.test;lr;r2=on>\n"
		   "Route: <sip:next.test;lr>\n"
		   "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\n"
		   "From: <sip:a@a.test>;tag=1\nTo: <sip:b@b.test>;tag=2\n"
		   "Call-ID: x\nCSeq: 2 BYE\n\n");
	assert_int_equal(sip_proxy_route_pre(m, self_h, NULL, &r), 0);
	assert_int_equal(r.pop, 2);
	assert_false(r.strict);
	assert_true(r.has_route);
	assert_true(sip_pl_eqs(r.next_uri, "sip:next.test;lr"));
	sip_msg_free(m);

	/* no Route left: the Request-URI */
	m = tu_msg("BYE sip:bob@192.0.2.9 SIP/2.0\n"
		   "Route: <sip:proxy.test;lr>\n"
		   "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\n"
		   "From: <sip:a@a.test>;tag=1\nTo: <sip:b@b.test>;tag=2\n"
		   "Call-ID: x\nCSeq: 2 BYE\n\n");
	assert_int_equal(sip_proxy_route_pre(m, self_h, NULL, &r), 0);
	assert_int_equal(r.pop, 1);
	assert_false(r.has_route);
	assert_true(sip_pl_eqs(r.next_uri, "sip:bob@192.0.2.9"));
	sip_msg_free(m);

	/* strict router before us: the last Route is the real target */
	m = tu_msg("BYE sip:proxy.test SIP/2.0\n"
		   "Route: <sip:next.test>, <sip:bob@192.0.2.9>\n"
		   "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\n"
		   "From: <sip:a@a.test>;tag=1\nTo: <sip:b@b.test>;tag=2\n"
		   "Call-ID: x\nCSeq: 2 BYE\n\n");
	assert_int_equal(sip_proxy_route_pre(m, self_h, NULL, &r), 0);
	assert_true(r.strict);
	assert_int_equal(r.pop, 0);
	assert_true(r.has_route);
	assert_true(sip_pl_eqs(r.next_uri, "sip:next.test"));
	sip_msg_free(m);
}

/* Strict fix applied to the forwarded request. */
static void test_strict_forward(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_route r;
	struct sip_proxy_opts o = { 0 };
	struct sip_proxy_target t = target(NULL, 7, -1, SIP_TXN_UDP);
	const char *s;

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f,
		"OPTIONS sip:proxy.test SIP/2.0\n"
		"Route: <sip:next.test;lr>, <sip:bob@192.0.2.9>\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKs1\n"
		"From: <sip:a@a.test>;tag=1\nTo: <sip:b@b.test>;tag=2\n"
		"Call-ID: x\nCSeq: 2 OPTIONS\nMax-Forwards: 5\n\n");
	assert_int_equal(sip_proxy_route_pre(sip_txn_msg(st), self_h, NULL, &r), 0);
	o.route = r;
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	s = f.h.sent[sent_idx(&f, "OPTIONS", 0)].text;
	assert_non_null(strstr(s, "OPTIONS sip:bob@192.0.2.9 SIP/2.0\r\n"));
	assert_non_null(strstr(s, "Route: <sip:next.test;lr>\r\n"));
	assert_null(strstr(s, "<sip:bob@192.0.2.9>"));
	assert_non_null(strstr(s, "Max-Forwards: 4\r\n"));
	assert_null(strstr(s, "Record-Route"));   /* not asked for */
	fx_free(&f);
}

/* §16.6 step 6: the next hop is a strict router (no lr). */
static void test_strict_next_hop(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_route r;
	struct sip_proxy_opts o = { 0 };
	struct sip_proxy_target t = target(NULL, 7, -1, SIP_TXN_UDP);
	const char *s;

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f,
		"BYE sip:bob@192.0.2.9 SIP/2.0\n"
		"Route: <sip:proxy.test;lr>, <sip:old.test>, <sip:next.test;lr>\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKs2\n"
		"From: <sip:a@a.test>;tag=1\nTo: <sip:b@b.test>;tag=2\n"
		"Call-ID: y\nCSeq: 2 BYE\nMax-Forwards: 5\n\n");
	assert_int_equal(sip_proxy_route_pre(sip_txn_msg(st), self_h, NULL, &r), 0);
	assert_int_equal(r.pop, 1);
	o.route = r;
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	s = f.h.sent[sent_idx(&f, "BYE", 0)].text;
	assert_non_null(strstr(s, "BYE sip:old.test SIP/2.0\r\n"));
	assert_non_null(strstr(s, "Route: <sip:next.test;lr>\r\n"));
	assert_non_null(strstr(s, "Route: <sip:bob@192.0.2.9>\r\n"));
	assert_true(strstr(s, "<sip:next.test;lr>") < strstr(s, "<sip:bob@192.0.2.9>"));
	assert_null(strstr(s, "proxy.test"));
	fx_free(&f);
}

/* RFC 3327: a contact registered through edge proxies is reached by
 * its Path, pushed as Route values on top of any left. */
static void test_path(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .record_route = true };
	struct sip_proxy_target t = target("sip:bob@10.0.0.5:5070", 7, -1, SIP_TXN_UDP);
	const char *s;

	(void)state;
	t.route = "<sip:edge1.test;lr>, <sip:edge2.test;lr>";
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	s = f.h.sent[sent_idx(&f, "INVITE", 0)].text;
	assert_non_null(strstr(s, "INVITE sip:bob@10.0.0.5:5070 SIP/2.0\r\n"));
	assert_non_null(strstr(s, "Route: <sip:edge1.test;lr>, <sip:edge2.test;lr>\r\n"));
	fx_free(&f);
}

/* ---- §16.3 step 4 ---- */

static void test_loop(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .record_route = true };
	struct sip_proxy_target t = target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP);
	struct sip_msg *m;
	char fwd[4096];
	int i;

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_false(sip_proxy_loop(f.p, sip_txn_msg(st)));
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	i = sent_idx(&f, "INVITE", 0);
	assert_true(i >= 0);
	/* the same request coming back with the same Request-URI: a loop */
	snprintf(fwd, sizeof(fwd), "%s", f.h.sent[i].text);
	memcpy(fwd, "INVITE sip:bob@b.test     ", 26);   /* as received */
	m = tu_msg(fwd);
	assert_true(sip_proxy_loop(f.p, m));
	sip_msg_free(m);
	/* forwarded as is (a changed Request-URI): a spiral, no loop */
	m = tu_msg(f.h.sent[i].text);
	assert_false(sip_proxy_loop(f.p, m));
	sip_msg_free(m);
	fx_free(&f);
}

/* ---- forking ---- */

static void test_parallel_486_200(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_PARALLEL, .record_route = true };
	struct sip_proxy_target t[2] = {
		target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP),
		target("sip:bob@192.0.2.8", 8, -1, SIP_TXN_UDP),
	};
	char b1[64], b2[64];
	const char *s;

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 2, &o, NULL), 0);
	assert_int_equal(f.events[SIP_PROXY_EV_START], 1);
	assert_int_equal(to_caller(&f, 100), 1);
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.7"), 1);
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.8"), 1);
	s = f.h.sent[sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0)].text;
	assert_non_null(strstr(s, "Record-Route: <sip:198.51.100.9:5060;lr>\r\n"));
	assert_non_null(strstr(s, "Via: SIP/2.0/UDP 198.51.100.9:5060;branch=z9hG4bKsp"));
	assert_non_null(strstr(s, "Max-Forwards: 69\r\n"));
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0), b1, sizeof(b1));
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b2, sizeof(b2));
	assert_string_not_equal(b1, b2);

	respond(&f, b1, 180, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 180), 1);
	assert_int_equal(f.events[SIP_PROXY_EV_RINGING], 1);
	/* the forwarded 180 lost our Via */
	s = f.h.sent[sent_idx(&f, "SIP/2.0 180", 0)].text;
	assert_null(strstr(s, "198.51.100."));
	respond(&f, b2, 486, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 486), 0);   /* not yet: b1 rings */
	respond(&f, b1, 200, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 200), 1);
	assert_int_equal(to_caller(&f, 486), 0);
	assert_int_equal(f.events[SIP_PROXY_EV_ANSWERED], 1);
	/* a 2xx retransmission is forwarded too (§16.7 step 5) */
	respond(&f, b1, 200, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 200), 2);
	h_run(&f.h, 40000);
	assert_int_equal(sip_proxy_count(f.p), 0);
	assert_int_equal(f.events[SIP_PROXY_EV_END], 1);
	fx_free(&f);
}

static void test_parallel_cancel_ringing(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_PARALLEL };
	struct sip_proxy_target t[2] = {
		target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP),
		target("sip:bob@192.0.2.8", 8, -1, SIP_TXN_UDP),
	};
	char b1[64], b2[64];

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 2, &o, NULL), 0);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0), b1, sizeof(b1));
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b2, sizeof(b2));
	respond(&f, b1, 180, "INVITE", NULL);
	respond(&f, b2, 180, "INVITE", NULL);
	respond(&f, b1, 200, "INVITE", NULL);
	h_run(&f.h, 1);
	/* the other ringing branch is CANCELled */
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.8"), 1);
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.7"), 0);
	respond(&f, b2, 487, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 487), 0);
	assert_int_equal(to_caller(&f, 200), 1);
	h_run(&f.h, 40000);
	assert_int_equal(sip_proxy_count(f.p), 0);
	fx_free(&f);
}

static void test_sequential_q(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_SEQUENTIAL,
				    .branch_timeout = 2000 };
	struct sip_proxy_target t[3] = {
		target("sip:bob@192.0.2.8", 8, 500, SIP_TXN_UDP),
		target("sip:bob@192.0.2.7", 7, 1000, SIP_TXN_UDP),
		target("sip:bob@192.0.2.9", 9, 100, SIP_TXN_UDP),
	};
	char b[64];

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 3, &o, NULL), 0);
	/* highest q first, alone */
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.7"), 1);
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.8"), 0);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0), b, sizeof(b));
	respond(&f, b, 408, "INVITE", NULL);
	/* the next q-value */
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.8"), 1);
	assert_int_equal(to_caller(&f, 408), 0);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b, sizeof(b));
	respond(&f, b, 180, "INVITE", NULL);
	/* rings past its time: CANCELled, the third is tried */
	h_run(&f.h, 2001);
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.8"), 1);
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.9"), 1);
	respond(&f, b, 487, "INVITE", NULL);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.9", 0), b, sizeof(b));
	respond(&f, b, 200, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 200), 1);
	assert_int_equal(to_caller(&f, 487), 0);
	h_run(&f.h, 45000);
	assert_int_equal(sip_proxy_count(f.p), 0);
	fx_free(&f);
}

/* Sequential, first target silent: Timer B (64*T1) ends it, then the
 * second answers. */
static void test_sequential_timeout(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_SEQUENTIAL };
	struct sip_proxy_target t[2] = {
		target("sip:bob@192.0.2.7", 7, 900, SIP_TXN_UDP),
		target("sip:bob@192.0.2.8", 8, 100, SIP_TXN_UDP),
	};
	char b[64];

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 2, &o, NULL), 0);
	h_run(&f.h, 64 * 100);
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:bob@192.0.2.8"), 1);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b, sizeof(b));
	respond(&f, b, 200, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 200), 1);
	fx_free(&f);
}

/* A failover hook that stops on 4xx (the dial plan's gateway rule); its
 * argument is a sip_mem object pointing at the fixture. */
static bool next_h(void *arg, uint16_t sc)
{
	struct fx *f = *(struct fx **)arg;

	f->next_calls++;
	return sc == 0 || sc == 408 || sc >= 500;
}

static void test_sequential_failover_hook(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_SEQUENTIAL, .next = next_h };
	struct sip_proxy_target t[3] = {
		target("sip:gw@192.0.2.7", 7, 1000, SIP_TXN_UDP),
		target("sip:gw@192.0.2.8", 8, 900, SIP_TXN_UDP),
		target("sip:gw@192.0.2.9", 9, 800, SIP_TXN_UDP),
	};
	char b[64];

	(void)state;
	fx_init(&f, 0);
	o.next_arg = sip_mem_zalloc(sizeof(struct fx *), NULL);
	*(struct fx **)o.next_arg = &f;
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 3, &o, NULL), 0);
	o.next_arg = sip_mem_deref(o.next_arg);   /* the call keeps its own */
	sent_branch(&f, sent_idx(&f, "INVITE sip:gw@192.0.2.7", 0), b, sizeof(b));
	respond(&f, b, 503, "INVITE", NULL);
	sent_branch(&f, sent_idx(&f, "INVITE sip:gw@192.0.2.8", 0), b, sizeof(b));
	respond(&f, b, 404, "INVITE", NULL);
	/* 404 is relayed: the third gateway is not tried */
	assert_int_equal(h_count_sent(&f.h, "INVITE sip:gw@192.0.2.9"), 0);
	assert_int_equal(to_caller(&f, 404), 1);
	assert_int_equal(f.next_calls, 2);
	fx_free(&f);
}

/* §16.10: the caller CANCELs; every branch gets a CANCEL, the caller 487. */
static void test_caller_cancel(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_PARALLEL };
	struct sip_proxy_target t[2] = {
		target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP),
		target("sip:bob@192.0.2.8", 8, -1, SIP_TXN_UDP),
	};
	char b1[64], b2[64];

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 2, &o, NULL), 0);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0), b1, sizeof(b1));
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b2, sizeof(b2));
	respond(&f, b1, 180, "INVITE", NULL);
	assert_int_equal(sip_proxy_cancel(f.p, st), 0);
	/* the branch with no provisional: CANCEL when its 1xx comes */
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.7"), 1);
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.8"), 0);
	respond(&f, b2, 180, "INVITE", NULL);
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.8"), 1);
	assert_int_equal(to_caller(&f, 180), 1);   /* the second 180 not passed */
	respond(&f, b1, 487, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 487), 1);
	assert_int_equal(f.events[SIP_PROXY_EV_FAILED], 1);
	assert_int_equal(sip_proxy_cancel(f.p, f.h.st[0]), 0);  /* again: no-op */
	respond(&f, b2, 487, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 487), 1);
	h_run(&f.h, 40000);
	assert_int_equal(sip_proxy_count(f.p), 0);
	fx_free(&f);
}

/* 6xx: every other branch is CANCELled, the 6xx is the answer. */
static void test_6xx(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_PARALLEL };
	struct sip_proxy_target t[2] = {
		target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP),
		target("sip:bob@192.0.2.8", 8, -1, SIP_TXN_UDP),
	};
	char b1[64], b2[64];

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 2, &o, NULL), 0);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0), b1, sizeof(b1));
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b2, sizeof(b2));
	respond(&f, b2, 180, "INVITE", NULL);
	respond(&f, b1, 603, "INVITE", NULL);
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.8"), 1);
	assert_int_equal(to_caller(&f, 603), 1);
	respond(&f, b2, 487, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 487), 0);
	fx_free(&f);
}

/* §16.7 step 7: the challenges of every 401/407 in the answer. */
static void test_challenges_merged(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .fork = SIP_PROXY_PARALLEL };
	struct sip_proxy_target t[3] = {
		target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP),
		target("sip:bob@192.0.2.8", 8, -1, SIP_TXN_UDP),
		target("sip:bob@192.0.2.9", 9, -1, SIP_TXN_UDP),
	};
	char b[3][64];
	const char *s;

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, t, 3, &o, NULL), 0);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.7", 0), b[0], 64);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.8", 0), b[1], 64);
	sent_branch(&f, sent_idx(&f, "INVITE sip:bob@192.0.2.9", 0), b[2], 64);
	respond(&f, b[0], 407, "INVITE",
		"Proxy-Authenticate: Digest realm=\"one\", nonce=\"n1\"\n");
	respond(&f, b[1], 486, "INVITE", NULL);
	respond(&f, b[2], 401, "INVITE",
		"WWW-Authenticate: Digest realm=\"two\", nonce=\"n2\"\n");
	assert_int_equal(to_caller(&f, 407) + to_caller(&f, 401), 1);
	s = h_last_sent(&f.h);
	assert_non_null(strstr(s, "realm=\"one\""));
	assert_non_null(strstr(s, "realm=\"two\""));
	fx_free(&f);
}

/* §16.7 step 6: a 503 goes up as 500. */
static void test_503_becomes_500(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { 0 };
	struct sip_proxy_target t = target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP);
	char b[64];

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	sent_branch(&f, sent_idx(&f, "INVITE", 0), b, sizeof(b));
	respond(&f, b, 503, "INVITE", NULL);
	assert_int_equal(to_caller(&f, 500), 1);
	assert_int_equal(to_caller(&f, 503), 0);
	fx_free(&f);
}

/* §16.8: a branch ringing past Timer C is CANCELled; the caller gets 408. */
static void test_timer_c(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { 0 };
	struct sip_proxy_target t = target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP);
	char b[64];

	(void)state;
	fx_init(&f, 5000);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	sent_branch(&f, sent_idx(&f, "INVITE", 0), b, sizeof(b));
	h_run(&f.h, 1000);
	respond(&f, b, 180, "INVITE", NULL);   /* Timer C restarts: 6000 */
	h_run(&f.h, 5999);
	assert_int_equal(h_count_sent(&f.h, "CANCEL"), 0);
	h_run(&f.h, 6000);
	assert_int_equal(h_count_sent(&f.h, "CANCEL sip:bob@192.0.2.7"), 1);
	assert_int_equal(to_caller(&f, 408), 1);
	fx_free(&f);
}

/* RFC 5658: UDP in, TCP out: two Record-Route values. */
static void test_double_rr(void **state)
{
	struct fx f;
	struct sip_txn *st;
	struct sip_proxy_opts o = { .record_route = true };
	struct sip_proxy_target t = target("sip:bob@192.0.2.7;transport=tcp", 7, -1,
					   SIP_TXN_TCP);
	const char *s;

	(void)state;
	fx_init(&f, 0);
	st = recv_invite(&f, invite);
	assert_int_equal(sip_proxy_forward(f.p, st, &t, 1, &o, NULL), 0);
	s = f.h.sent[sent_idx(&f, "INVITE", 0)].text;
	/* h_dest() gives the caller's side iface 0 (printed as .9 here) */
	assert_non_null(strstr(s,
		"Record-Route: <sip:198.51.100.2:5060;transport=tcp;lr;r2=on>\r\n"
		"Record-Route: <sip:198.51.100.9:5060;lr;r2=on>\r\n"));
	assert_non_null(strstr(s, "Via: SIP/2.0/TCP 198.51.100.2:5060;branch="));
	fx_free(&f);
}

/* §16.11: stateless forwarding gives a retransmission the same branch;
 * a response with our Via on top is passed on without it. */
static void test_stateless(void **state)
{
	struct fx f;
	struct sip_proxy_target t = target("sip:bob@192.0.2.7", 7, -1, SIP_TXN_UDP);
	struct sip_msg *m;
	struct sip_buf b;
	char b1[64], b2[64], resp[1024];

	(void)state;
	fx_init(&f, 0);
	m = tu_msg(invite);
	assert_int_equal(sip_proxy_stateless(f.p, m, &t, NULL, (struct sip_pl){ NULL, 0 }), 0);
	assert_int_equal(sip_proxy_stateless(f.p, m, &t, NULL, (struct sip_pl){ NULL, 0 }), 0);
	sip_msg_free(m);
	assert_int_equal(f.h.nsent, 2);
	sent_branch(&f, 0, b1, sizeof(b1));
	sent_branch(&f, 1, b2, sizeof(b2));
	assert_string_equal(b1, b2);
	assert_non_null(strstr(f.h.sent[0].text, "INVITE sip:bob@192.0.2.7 SIP/2.0"));

	snprintf(resp, sizeof(resp),
		 "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 198.51.100.1:5060;branch=%s\n"
		 "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKcaller1\n"
		 "To: <sip:bob@b.test>;tag=2\nFrom: <sip:alice@a.test>;tag=f1\n"
		 "Call-ID: call-1\nCSeq: 1 INVITE\nContent-Length: 0\n\n", b1);
	m = tu_msg(resp);
	sip_buf_init(&b);
	assert_int_equal(sip_proxy_response_out(f.p, m, &b), 0);
	assert_null(strstr(b.p, "198.51.100.1"));
	assert_non_null(strstr(b.p, "z9hG4bKcaller1"));
	sip_buf_reset(&b);
	sip_msg_free(m);
	/* not ours: left alone */
	m = tu_msg(invite);
	assert_int_equal(sip_proxy_response_out(f.p, m, &b), ENOENT);
	sip_msg_free(m);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_best),
		cmocka_unit_test(test_route_pre),
		cmocka_unit_test(test_strict_forward),
		cmocka_unit_test(test_strict_next_hop),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_parallel_486_200),
		cmocka_unit_test(test_parallel_cancel_ringing),
		cmocka_unit_test(test_sequential_q),
		cmocka_unit_test(test_sequential_timeout),
		cmocka_unit_test(test_sequential_failover_hook),
		cmocka_unit_test(test_caller_cancel),
		cmocka_unit_test(test_6xx),
		cmocka_unit_test(test_challenges_merged),
		cmocka_unit_test(test_503_becomes_500),
		cmocka_unit_test(test_timer_c),
		cmocka_unit_test(test_double_rr),
		cmocka_unit_test(test_stateless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
