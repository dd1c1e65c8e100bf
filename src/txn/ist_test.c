/*
 * ist_test.c - the INVITE server transaction (RFC 3261 §17.2.1, RFC 6026
 * §7.1) on a virtual clock: the automatic 100 (Trying) at 200 ms and its
 * absence when the TU is quick, absorbed INVITE retransmissions, Timer G
 * doubling capped at T2 until Timer H, ACK to Confirmed and Timer I, the
 * Accepted state with Timer L, reliable transports, transport errors.
 */
#include "test_harness.h"

#include "sip/addr.h"

static const char invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\n"
	"Max-Forwards: 70\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710\n"
	"CSeq: 314159 INVITE\n"
	"Timestamp: 54\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\n"
	"Content-Length: 0\n"
	"\n";

/* ACK with branch @p branch and To tag @p tag */
static char *ack(const char *branch, const char *tag)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "ACK sip:bob@biloxi.example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=%s\n"
		 "Max-Forwards: 70\n"
		 "To: Bob <sip:bob@biloxi.example.com>;tag=%s\n"
		 "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		 "Call-ID: a84b4c76e66710\n"
		 "CSeq: 314159 ACK\n"
		 "Content-Length: 0\n"
		 "\n", branch, tag);
	return buf;
}

static void test_auto_100_trying(void **state)
{
	struct harness h;
	struct sip_txn *st;
	uint64_t got[4];
	static const uint64_t want[] = { 200 };

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	st = h.st[0];
	assert_int_equal(sip_txn_kind(st), SIP_TXN_IST);
	assert_int_equal(sip_txn_state(st), SIP_TXN_PROCEEDING);
	assert_int_equal(sip_txn_msg(st)->mid, SIP_INVITE);
	h_run(&h, 199);
	assert_int_equal(h.nsent, 0);
	h_run(&h, 1000);
	h_assert_times(got, h_times(&h, "SIP/2.0 100 ", got, 4), want, 1);
	/* §8.2.6 with no To tag (§17.2.1), Timestamp copied */
	assert_string_equal(h.sent[0].text,
		"SIP/2.0 100 Trying\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"To: Bob <sip:bob@biloxi.example.com>\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Timestamp: 54\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(h.sent[0].dst.transport, SIP_TXN_UDP);
	/* a retransmitted INVITE gets the 100 again; the TU is not called */
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	assert_int_equal(h.nsent, 2);
	assert_string_equal(h.sent[1].text, h.sent[0].text);
	assert_int_equal(sip_txn_state(st), SIP_TXN_PROCEEDING);
	h_free(&h);
}

static void test_no_100_when_tu_answers(void **state)
{
	struct harness h;

	(void)state;
	/* a provisional within 200 ms */
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	h_run(&h, 150);
	assert_int_equal(sip_txn_reply_code(h.st[0], 180, NULL), 0);
	h_run(&h, 5000);
	assert_int_equal(h.nsent, 1);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 100 "), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 180 "), 1);
	assert_non_null(strstr(h.sent[0].text, sip_txn_totag(h.st[0])));
	/* a retransmitted INVITE gets the latest provisional */
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 180 "), 2);
	assert_int_equal(h.nst, 1);
	h_free(&h);

	/* a final response from inside the request handler */
	h_init(&h);
	h.auto_reply = 404;
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	h_run(&h, 1000);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 100 "), 0);
	assert_int_equal(h.sent[0].at, 0);
	assert_int_equal(sip_txn_state(h.st[0]), SIP_TXN_COMPLETED);
	h_free(&h);
}

static void test_retransmission_before_100(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	h_run(&h, 120);
	/* the client is retransmitting already: answer it now */
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h.nsent, 1);
	assert_int_equal(h.sent[0].at, 120);
	h_run(&h, 5000);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 100 "), 1);
	assert_int_equal(h.nst, 1);
	h_free(&h);
}

static void test_timer_g_h(void **state)
{
	/* final at 1000: G 500, 1000, 2000, 4000, 4000, ... H at 1000 + 32 s */
	static const uint64_t want[] = {
		1000, 1500, 2500, 4500, 8500, 12500, 16500, 20500, 24500, 28500, 32500,
	};
	struct harness h;
	struct sip_txn *st;
	struct sip_txn_stats s;
	uint64_t got[32];

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	st = h.st[0];
	h_run(&h, 1000);
	assert_int_equal(sip_txn_reply_code(st, 486, NULL), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_COMPLETED);
	/* a second final is refused */
	assert_int_equal(sip_txn_reply_code(st, 500, NULL), EALREADY);
	/* an INVITE retransmission is answered with the final response */
	h_run(&h, 1200);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	h_run(&h, 32999);
	assert_int_equal(h.nev, 0);
	h_run(&h, 33000);
	{
		/* drop the one answering the retransmitted INVITE at 1200 */
		uint64_t all[32];
		int n = h_times(&h, "SIP/2.0 486 ", all, 32), k = 0;

		for (int i = 0; i < n; i++)
			if (all[i] != 1200)
				got[k++] = all[i];
		assert_int_equal(n, k + 1);
		h_assert_times(got, k, want, 11);
	}
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 33000);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 33000);
	sip_txn_stack_stats(h.s, &s);
	assert_int_equal(s.retransmissions, 11);  /* 10 by G, 1 answering */
	assert_int_equal(s.timeouts, 1);
	/* the TU was slower than 200 ms: the 100 went out at 200 */
	assert_int_equal(h_count_sent(&h, "SIP/2.0 100 "), 1);
	assert_int_equal(h.sent[0].at, 200);
	h_free(&h);
}

static void test_ack_confirmed_timer_i(void **state)
{
	static const uint64_t want[] = { 1000, 1500, 2500 };
	struct harness h;
	struct sip_txn *st;
	struct sip_txn_stats s;
	uint64_t got[32];
	char tag[64];

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	st = h.st[0];
	snprintf(tag, sizeof(tag), "%s", sip_txn_totag(st));
	h_run(&h, 1000);
	assert_int_equal(sip_txn_reply_code(st, 486, NULL), 0);
	h_run(&h, 3000);
	/* the ACK for the non-2xx matches by branch and ends there */
	assert_int_equal(h_recv(&h, ack("z9hG4bKnashds8", tag), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_CONFIRMED);
	assert_int_equal(h.nev, 0);
	/* Confirmed absorbs further ACKs and INVITEs */
	h_run(&h, 4000);
	assert_int_equal(h_recv(&h, ack("z9hG4bKnashds8", tag), SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h.nev, 0);
	assert_int_equal(h.nst, 1);
	/* Timer I = T4 after the ACK; no more G */
	h_run(&h, 7999);
	assert_int_equal(sip_txn_state(st), SIP_TXN_CONFIRMED);
	h_run(&h, 8000);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 8000);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TERMINATED);
	h_run(&h, 60000);
	h_assert_times(got, h_times(&h, "SIP/2.0 486 ", got, 32), want, 3);
	sip_txn_stack_stats(h.s, &s);
	assert_int_equal(s.absorbed, 2);
	assert_int_equal(s.timeouts, 0);
	h_free(&h);
}

static void test_tcp(void **state)
{
	struct harness h;
	struct sip_txn *st;

	(void)state;
	/* no G over TCP; H still bounds the wait for the ACK */
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_TCP), 0);
	st = h.st[0];
	h_run(&h, 200);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 100 "), 1);  /* on any transport */
	assert_ptr_equal(h.sent[0].dst.conn, h_dest(SIP_TXN_TCP).conn);
	assert_int_equal(sip_txn_reply_code(st, 480, NULL), 0);
	h_run(&h, 32199);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 480 "), 1);
	assert_int_equal(h.nev, 0);
	h_run(&h, 32200);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 32200);
	h_free(&h);

	/* the ACK: Timer I = 0 */
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_TCP), 0);
	st = h.st[0];
	assert_int_equal(sip_txn_reply_code(st, 480, NULL), 0);
	h_run(&h, 50);
	assert_int_equal(h_recv(&h, ack("z9hG4bKnashds8", sip_txn_totag(st)), SIP_TXN_TCP), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_CONFIRMED);
	h_run(&h, 50);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 50);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TERMINATED);
	h_free(&h);
}

static int reply_200(struct sip_txn *st)
{
	struct sip_out *o;
	int err;

	assert_int_equal(sip_out_reply(&o, sip_txn_msg(st), 200, NULL, sip_txn_totag(st)), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_CONTACT, NULL,
				     SIP_PL("<sip:bob@192.0.2.4>")), 0);
	err = sip_txn_reply(st, o);
	sip_out_free(o);
	return err;
}

static void test_accepted_6026(void **state)
{
	struct harness h;
	struct sip_txn *st;
	char tag[64];
	const struct h_event *e;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	st = h.st[0];
	snprintf(tag, sizeof(tag), "%s", sip_txn_totag(st));
	h_run(&h, 100);
	assert_int_equal(reply_200(st), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_ACCEPTED);
	assert_int_equal(h_entered(&h, st, SIP_TXN_ACCEPTED), 100);
	assert_int_equal(h.nsent, 1);
	assert_non_null(strstr(h.sent[0].text, "Contact: <sip:bob@192.0.2.4>\r\n"));
	/* no retransmission by the transaction: that is the TU's job */
	h_run(&h, 600);
	assert_int_equal(h.nsent, 1);
	/* a retransmitted INVITE is absorbed: no new transaction, no send */
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	assert_int_equal(h.nsent, 1);
	/* the TU's own 2xx retransmissions pass through */
	assert_int_equal(reply_200(st), 0);
	h_run(&h, 1600);
	assert_int_equal(reply_200(st), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 200 "), 3);
	/* only 2xx may follow a 2xx */
	assert_int_equal(sip_txn_reply_code(st, 500, NULL), EALREADY);
	assert_int_equal(sip_txn_reply_code(st, 180, NULL), EALREADY);
	/* an ACK that matches the transaction goes to the TU */
	assert_int_equal(h_recv(&h, ack("z9hG4bKnashds8", tag), SIP_TXN_UDP), 0);
	assert_int_equal(h.nev, 1);
	e = &h.ev[0];
	assert_int_equal(e->kind, SIP_TXN_EV_ACK);
	assert_int_equal(e->mid, SIP_ACK);
	assert_ptr_equal(e->t, st);
	assert_int_equal(sip_txn_state(st), SIP_TXN_ACCEPTED);
	/* the usual ACK for a 2xx has its own branch: the core's */
	assert_int_equal(h_recv(&h, ack("z9hG4bKnew", tag), SIP_TXN_UDP), SIP_TXN_DECLINED);
	/* Timer L = 64*T1 after entering Accepted */
	h_run(&h, 32099);
	assert_int_equal(sip_txn_state(st), SIP_TXN_ACCEPTED);
	h_run(&h, 32100);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 32100);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_count_ev(&h, SIP_TXN_EV_TIMEOUT), 0);
	h_free(&h);
}

static void test_transport_errors(void **state)
{
	struct harness h;
	struct sip_txn *st;

	(void)state;
	/* the final response cannot be sent */
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	st = h.st[0];
	h_run(&h, 300);     /* the 100 went out */
	h.fail_from = 1;
	assert_int_equal(sip_txn_reply_code(st, 503, NULL), 0);
	assert_int_equal(h.nev, 0);   /* never from inside the TU's call */
	h_run(&h, 300);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[0].err, ECONNRESET);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 300);
	h_free(&h);

	/* a Timer G retransmission fails */
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	st = h.st[0];
	assert_int_equal(sip_txn_reply_code(st, 486, NULL), 0);
	h.fail_from = 2;    /* 486 at 0, G at 500, the one at 1500 fails */
	h_run(&h, 5000);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[0].at, 1500);
	h_free(&h);

	/* Accepted: the TU is told, the transaction waits for Timer L */
	h_init(&h);
	assert_int_equal(h_recv(&h, invite, SIP_TXN_UDP), 0);
	st = h.st[0];
	assert_int_equal(reply_200(st), 0);
	h.fail_from = 1;
	assert_int_equal(reply_200(st), 0);
	h_run(&h, 10);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(sip_txn_state(st), SIP_TXN_ACCEPTED);
	h_run(&h, 32000);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h.ev[1].at, 32000);
	/* replies after the end are refused */
	h_free(&h);
}

static void keep_ref(struct sip_txn *st, struct sip_msg *req, void *arg)
{
	struct sip_txn **kept = arg;

	(void)req;
	*kept = sip_mem_ref(st);
}

static void test_reply_after_terminated(void **state)
{
	struct harness h;
	struct sip_txn_config cfg = { 0 };
	struct sip_txn_stack *s;
	struct sip_txn *st = NULL;
	struct sip_txn_dest src = h_dest(SIP_TXN_UDP);
	struct sip_msg *m;

	(void)state;
	h_init(&h);
	cfg.timers = h.ts;
	cfg.send = h_send;
	cfg.send_arg = &h;
	cfg.request_h = keep_ref;
	cfg.arg = &st;
	assert_int_equal(sip_txn_stack_alloc(&s, &cfg), 0);
	m = h_decode(invite);
	assert_int_equal(sip_txn_stack_recv(s, m, &src), 0);
	assert_non_null(st);
	assert_int_equal(sip_txn_reply_code(st, 486, NULL), 0);
	h_run(&h, 40000);   /* H fires */
	assert_int_equal(sip_txn_state(st), SIP_TXN_TERMINATED);
	assert_int_equal(sip_txn_reply_code(st, 486, NULL), ESRCH);
	assert_int_equal(sip_txn_msg(st)->mid, SIP_INVITE);
	sip_mem_deref(st);
	sip_mem_deref(s);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_100_trying),
		cmocka_unit_test(test_no_100_when_tu_answers),
		cmocka_unit_test(test_retransmission_before_100),
		cmocka_unit_test(test_timer_g_h),
		cmocka_unit_test(test_ack_confirmed_timer_i),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_accepted_6026),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_reply_after_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
