/*
 * nist_test.c - the non-INVITE server transaction (RFC 3261 §17.2.2) on a
 * virtual clock: retransmissions absorbed in Trying, answered with the
 * last provisional in Proceeding and the final in Completed, later TU
 * responses discarded, Timer J (64*T1 over UDP, 0 over TCP), transport
 * errors, CANCEL as its own transaction.
 */
#include "test_harness.h"

static const char reg[] =
	"REGISTER sip:registrar.biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\n"
	"Max-Forwards: 70\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=456248\n"
	"Call-ID: 843817637684230@998sdasdh09\n"
	"CSeq: 1826 REGISTER\n"
	"Contact: <sip:bob@192.0.2.4>\n"
	"Expires: 7200\n"
	"Content-Length: 0\n"
	"\n";

static void test_udp_lifecycle(void **state)
{
	struct harness h;
	struct sip_txn *st;
	struct sip_txn_stats s;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	st = h.st[0];
	assert_int_equal(sip_txn_kind(st), SIP_TXN_NIST);
	assert_int_equal(sip_txn_state(st), SIP_TXN_TRYING);
	/* Trying: no automatic 100 for non-INVITE; retransmissions absorbed */
	h_run(&h, 500);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nsent, 0);
	assert_int_equal(h.nst, 1);
	/* 1xx from the TU: Proceeding; a retransmission gets it again */
	assert_int_equal(sip_txn_reply_code(st, 100, NULL), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_PROCEEDING);
	h_run(&h, 1500);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 100 "), 2);
	/* the final: Completed, Timer J = 64*T1 */
	h_run(&h, 2000);
	assert_int_equal(sip_txn_reply_code(st, 200, NULL), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_COMPLETED);
	assert_int_equal(h_entered(&h, st, SIP_TXN_COMPLETED), 2000);
	assert_non_null(strstr(h_last_sent(&h), ";tag="));
	/* later responses from the TU are discarded */
	assert_int_equal(sip_txn_reply_code(st, 500, NULL), EALREADY);
	/* the request stays readable until the TU's call has returned, then
	 * it is shed: Completed only needs the key and the response */
	assert_non_null(sip_txn_msg(st));
	h_run(&h, 2000);
	assert_null(sip_txn_msg(st));
	/* a retransmission gets the final; nothing unprompted */
	h_run(&h, 3500);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	h_run(&h, 33999);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 200 "), 2);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 500 "), 0);
	for (int i = 0; i < h.nsent; i++)
		if (!strncmp(h.sent[i].text, "SIP/2.0 200 ", 12))
			assert_string_equal(h.sent[i].text, h_last_sent(&h));
	assert_int_equal(sip_txn_state(st), SIP_TXN_COMPLETED);
	h_run(&h, 34000);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 34000);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h.ev[0].at, 34000);
	sip_txn_stack_stats(h.s, &s);
	assert_int_equal(s.absorbed, 3);
	assert_int_equal(s.retransmissions, 2);
	assert_int_equal(s.created[SIP_TXN_NIST], 1);
	assert_int_equal(s.active[SIP_TXN_NIST], 0);
	/* the request after Timer J is new again */
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	h_free(&h);
}

static void test_custom_t1(void **state)
{
	struct harness h;

	(void)state;
	h_init_timers(&h, 250, 0, 0);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_reply_code(h.st[0], 200, NULL), 0);
	h_run(&h, 15999);
	assert_int_equal(h.nev, 0);
	h_run(&h, 16000);    /* J = 64 * 250 */
	assert_int_equal(h_entered(&h, h.st[0], SIP_TXN_TERMINATED), 16000);
	h_free(&h);
}

static void test_tcp_timer_j_zero(void **state)
{
	struct harness h;
	struct sip_txn *st;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_TCP), 0);
	st = h.st[0];
	h_run(&h, 40);
	assert_int_equal(sip_txn_reply_code(st, 200, NULL), 0);
	assert_ptr_equal(h.sent[0].dst.conn, h_dest(SIP_TXN_TCP).conn);
	assert_int_equal(sip_txn_state(st), SIP_TXN_COMPLETED);
	h_run(&h, 40);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 40);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].at, 40);
	h_free(&h);
}

static void test_immediate_final(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h);
	h.auto_reply = 403;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(h.st[0]), SIP_TXN_COMPLETED);
	assert_int_equal(h.nsent, 1);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nsent, 2);
	assert_int_equal(h.nst, 1);
	h_free(&h);
}

static void test_transport_error(void **state)
{
	struct harness h;
	struct sip_txn *st;
	struct sip_txn_dest d = h_dest(SIP_TXN_TCP);

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	st = h.st[0];
	h.fail_from = 0;
	assert_int_equal(sip_txn_reply_code(st, 200, NULL), 0);
	assert_int_equal(h.nev, 0);
	h_run(&h, 0);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	h_free(&h);

	/* the connection of a Proceeding transaction is lost */
	h_init(&h);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_TCP), 0);
	st = h.st[0];
	assert_int_equal(sip_txn_reply_code(st, 100, NULL), 0);
	sip_txn_stack_transport_error(h.s, &d, EPIPE);
	h_run(&h, 1);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[0].err, EPIPE);
	h_free(&h);
}

static void test_cancel_own_transaction(void **state)
{
	static const char inv[] =
		"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\n"
		"To: Bob <sip:bob@biloxi.example.com>\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		"Call-ID: a84b4c76e66710\n"
		"CSeq: 314159 INVITE\n"
		"\n";
	static const char cancel[] =
		"CANCEL sip:bob@biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\n"
		"To: Bob <sip:bob@biloxi.example.com>\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		"Call-ID: a84b4c76e66710\n"
		"CSeq: 314159 CANCEL\n"
		"\n";
	struct harness h;
	struct sip_txn *ist, *cst, *found = NULL;
	struct sip_msg *m;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, inv, SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, cancel, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	ist = h.st[0];
	cst = h.st[1];
	assert_int_equal(sip_txn_kind(cst), SIP_TXN_NIST);
	/* §9.2: the TU finds the INVITE the CANCEL is for */
	assert_int_equal(sip_txn_stack_match_cancel(h.s, sip_txn_msg(cst), &found), 0);
	assert_ptr_equal(found, ist);
	assert_int_equal(sip_txn_reply_code(cst, 200, NULL), 0);
	assert_int_equal(sip_txn_reply_code(ist, 487, NULL), 0);
	/* a CANCEL for something else finds nothing */
	m = h_decode("CANCEL sip:bob@biloxi.example.com SIP/2.0\n"
		     "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKother\n"
		     "To: <sip:bob@biloxi.example.com>\nFrom: <sip:a@b>;tag=1\n"
		     "Call-ID: zz\nCSeq: 1 CANCEL\n\n");
	assert_int_equal(sip_txn_stack_match_cancel(h.s, m, &found), ENOENT);
	sip_msg_free(m);
	/* the CANCEL's retransmission goes to its own transaction */
	assert_int_equal(h_recv(&h, cancel, SIP_TXN_UDP), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 200 "), 2);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 487 "), 1);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_lifecycle),
		cmocka_unit_test(test_custom_t1),
		cmocka_unit_test(test_tcp_timer_j_zero),
		cmocka_unit_test(test_immediate_final),
		cmocka_unit_test(test_transport_error),
		cmocka_unit_test(test_cancel_own_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
