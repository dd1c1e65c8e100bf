/*
 * nict_test.c - the non-INVITE client transaction (RFC 3261 §17.1.2.2)
 * on a virtual clock: Timer E doubling capped at T2 in Trying, E = T2 in
 * Proceeding, Timer F, Timer K (T4 over UDP, 0 over TCP), absorbed
 * retransmitted responses, transport errors.
 */
#include "test_harness.h"

static const char bye[] =
	"BYE sip:alice@pc33.atlanta.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\n"
	"Max-Forwards: 70\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\n"
	"To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710\n"
	"CSeq: 231 BYE\n"
	"Content-Length: 0\n"
	"\n";

static char *response(const char *sl)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %s\n"
		 "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\n"
		 "From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\n"
		 "To: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		 "Call-ID: a84b4c76e66710\n"
		 "CSeq: 231 BYE\n"
		 "Content-Length: 0\n"
		 "\n", sl);
	return buf;
}

static void test_udp_timer_e_f(void **state)
{
	/* E: 500, 1000, 2000, 4000, then 4000 (T2) until F at 64*T1 */
	static const uint64_t want[] = {
		0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
	};
	struct harness h;
	struct sip_txn *ct;
	struct sip_txn_stats st;
	uint64_t got[32];

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, bye, SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_kind(ct), SIP_TXN_NICT);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_TRYING);
	h_run(&h, 31999);
	assert_int_equal(h.nev, 0);
	h_run(&h, 32000);
	h_assert_times(got, h_times(&h, "BYE ", got, 32), want, 11);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 32000);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 32000);
	sip_txn_stack_stats(h.s, &st);
	assert_int_equal(st.retransmissions, 10);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.active[SIP_TXN_NICT], 0);
	h_run(&h, 100000);
	assert_int_equal(h.nsent, 11);
	h_free(&h);
}

static void test_t2_cap_custom(void **state)
{
	/* T1 = 200, T2 = 1000: 200, 400, 800, 1000, 1000, ... F at 12.8 s */
	static const uint64_t want[] = {
		0, 200, 600, 1400, 2400, 3400, 4400, 5400, 6400, 7400, 8400,
		9400, 10400, 11400, 12400,
	};
	struct harness h;
	uint64_t got[32];

	(void)state;
	h_init_timers(&h, 200, 1000, 2000);
	assert_int_equal(h_request(&h, NULL, bye, SIP_TXN_UDP), 0);
	h_run(&h, 12800);
	h_assert_times(got, h_times(&h, "BYE ", got, 32), want, 15);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 12800);
	h_free(&h);
}

static void test_proceeding_resends_every_t2(void **state)
{
	/* 1xx at 1200: the E due at 1500 fires, then every T2 */
	static const uint64_t want[] = {
		0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500,
	};
	struct harness h;
	struct sip_txn *ct;
	uint64_t got[32];

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, bye, SIP_TXN_UDP), 0);
	h_run(&h, 1200);
	assert_int_equal(h_recv(&h, response("100 Trying"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_PROCEEDING);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_PROCEEDING), 1200);
	h_run(&h, 32000);
	h_assert_times(got, h_times(&h, "BYE ", got, 32), want, 10);
	/* Timer F still ends it */
	assert_int_equal(h.nev, 3);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_RESPONSE);
	assert_int_equal(h.ev[0].scode, 100);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[1].at, 32000);
	h_free(&h);
}

static void test_final_then_timer_k(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	struct sip_txn_stats st;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, bye, SIP_TXN_UDP), 0);
	h_run(&h, 600);
	assert_int_equal(h_recv(&h, response("180 Ringing"), SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, response("200 OK"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	/* retransmitted finals are absorbed; E and F are gone */
	h_run(&h, 2000);
	assert_int_equal(h_recv(&h, response("200 OK"), SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, response("500 Server Error"), SIP_TXN_UDP), 0);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[1].scode, 200);
	assert_int_equal(h.nsent, 2);
	/* Timer K = T4 */
	h_run(&h, 5599);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	h_run(&h, 5600);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 5600);
	assert_int_equal(h.nev, 3);
	assert_int_equal(h.ev[2].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_count_ev(&h, SIP_TXN_EV_TIMEOUT), 0);
	h_run(&h, 100000);
	assert_int_equal(h.nsent, 2);
	sip_txn_stack_stats(h.s, &st);
	assert_int_equal(st.absorbed, 2);
	assert_int_equal(h_recv(&h, response("200 OK"), SIP_TXN_UDP), SIP_TXN_DECLINED);
	h_free(&h);
}

static void test_tcp(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, bye, SIP_TXN_TCP), 0);
	h_run(&h, 31999);
	assert_int_equal(h.nsent, 1);     /* no Timer E on a reliable transport */
	h_run(&h, 32000);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 32000);
	h_free(&h);

	h_init(&h);
	assert_int_equal(h_request(&h, &ct, bye, SIP_TXN_TCP), 0);
	h_run(&h, 700);
	assert_int_equal(h_recv(&h, response("200 OK"), SIP_TXN_TCP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	h_run(&h, 700);     /* Timer K = 0 */
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 700);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h.ev[1].at, 700);
	h_free(&h);
}

static void test_transport_error(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, bye, SIP_TXN_UDP), 0);
	h_run(&h, 1000);
	assert_int_equal(h_recv(&h, response("100 Trying"), SIP_TXN_UDP), 0);
	h.fail_from = h.nsent;
	h.fail_err = EHOSTUNREACH;
	h_run(&h, 20000);   /* the E retransmission at 1500 fails */
	assert_int_equal(h.nev, 3);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[1].err, EHOSTUNREACH);
	assert_int_equal(h.ev[1].at, 1500);
	assert_int_equal(h.ev[2].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 1500);
	/* in Completed a transport error changes nothing */
	h.fail_from = -1;
	assert_int_equal(h_request(&h, &ct,
		"OPTIONS sip:x@y SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bKo\n"
		"From: <sip:a@b>;tag=1\nTo: <sip:x@y>\nCall-ID: o\nCSeq: 1 OPTIONS\n\n",
		SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h,
		"SIP/2.0 200 OK\nVia: SIP/2.0/TCP h;branch=z9hG4bKo\n"
		"From: <sip:a@b>;tag=1\nTo: <sip:x@y>;tag=2\nCall-ID: o\nCSeq: 1 OPTIONS\n\n",
		SIP_TXN_UDP), 0);
	{
		struct sip_txn_dest d = h_dest(SIP_TXN_UDP);

		sip_txn_stack_transport_error(h.s, &d, ECONNREFUSED);
	}
	h_run(&h, 20000);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	assert_int_equal(h_count_ev(&h, SIP_TXN_EV_TRANSPORT_ERROR), 1);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_timer_e_f),
		cmocka_unit_test(test_t2_cap_custom),
		cmocka_unit_test(test_proceeding_resends_every_t2),
		cmocka_unit_test(test_final_then_timer_k),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_transport_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
