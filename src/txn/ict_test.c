/*
 * ict_test.c - the INVITE client transaction (RFC 3261 §17.1.1, RFC 6026
 * §7.2) on a virtual clock: Timer A/B schedule over UDP, none of it over
 * TCP, provisional and final responses, the ACK for non-2xx (§17.1.1.3)
 * and its retransmission, Timer D, the Accepted state with Timer M,
 * transport errors, CANCEL (§9.1).
 */
#include "test_harness.h"

static const char invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\n"
	"Max-Forwards: 70\n"
	"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n"
	"Route: <sip:p3.example.com;lr>\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710\n"
	"CSeq: 314159 INVITE\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\n"
	"Content-Length: 0\n"
	"\n";

/* A response to the INVITE above with status line @p sl and To tag @p tag. */
static char *response(const char *sl, const char *tag, const char *method)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "SIP/2.0 %s\n"
		 "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1\n"
		 "To: Bob <sip:bob@biloxi.example.com>%s%s\n"
		 "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
		 "Call-ID: a84b4c76e66710\n"
		 "CSeq: 314159 %s\n"
		 "Content-Length: 0\n"
		 "\n",
		 sl, tag ? ";tag=" : "", tag ? tag : "", method);
	return buf;
}

static void test_udp_timer_a_b(void **state)
{
	static const uint64_t want[] = { 0, 500, 1500, 3500, 7500, 15500, 31500 };
	struct harness h;
	struct sip_txn *ct;
	struct sip_txn_stats st;
	uint64_t got[16];
	const struct h_event *e;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_CALLING);
	assert_int_equal(sip_txn_kind(ct), SIP_TXN_ICT);
	h_run(&h, 31999);
	assert_int_equal(h.nev, 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_CALLING);
	h_run(&h, 32000);
	h_assert_times(got, h_times(&h, "INVITE ", got, 16), want, 7);
	/* Timer B = 64*T1: timeout, then terminated, both at 32 s */
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 32000);
	assert_ptr_equal(h.ev[0].t, ct);
	e = &h.ev[1];
	assert_int_equal(e->kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(e->at, 32000);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 32000);
	/* every send was the same request to the same place */
	for (int i = 1; i < h.nsent; i++) {
		assert_string_equal(h.sent[i].text, h.sent[0].text);
		assert_int_equal(h.sent[i].dst.transport, SIP_TXN_UDP);
	}
	sip_txn_stack_stats(h.s, &st);
	assert_int_equal(st.retransmissions, 6);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.created[SIP_TXN_ICT], 1);
	assert_int_equal(st.active[SIP_TXN_ICT], 0);
	h_run(&h, 100000);
	assert_int_equal(h.nsent, 7);
	assert_int_equal(sip_timers_count(h.ts), 0);
	/* a late response finds no transaction */
	assert_int_equal(h_recv(&h, response("200 OK", "x", "INVITE"), SIP_TXN_UDP),
			 SIP_TXN_DECLINED);
	h_free(&h);
}

static void test_custom_t1(void **state)
{
	static const uint64_t want[] = { 0, 100, 300, 700, 1500, 3100, 6300 };
	struct harness h;
	uint64_t got[16];

	(void)state;
	h_init_timers(&h, 100, 400, 1000);
	assert_int_equal(h_request(&h, NULL, invite, SIP_TXN_UDP), 0);
	h_run(&h, 6399);
	assert_int_equal(h.nev, 0);
	h_run(&h, 6400);    /* B = 64*T1 */
	h_assert_times(got, h_times(&h, "INVITE ", got, 16), want, 7);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 6400);
	h_free(&h);
}

static void test_tcp_no_retransmissions(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_TCP), 0);
	h_run(&h, 31999);
	assert_int_equal(h.nsent, 1);
	assert_ptr_equal(h.sent[0].dst.conn, h_dest(SIP_TXN_TCP).conn);
	h_run(&h, 32000);   /* Timer B runs on any transport */
	assert_int_equal(h.nsent, 1);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TIMEOUT);
	assert_int_equal(h.ev[0].at, 32000);
	h_free(&h);
}

static void test_provisional_stops_a_and_b(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	uint64_t got[8];
	static const uint64_t want[] = { 0, 500 };

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	h_run(&h, 700);
	assert_int_equal(h_recv(&h, response("100 Trying", NULL, "INVITE"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_PROCEEDING);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_PROCEEDING), 700);
	assert_int_equal(h_recv(&h, response("180 Ringing", "b1", "INVITE"), SIP_TXN_UDP), 0);
	/* no more retransmissions, no Timer B: Proceeding waits for the TU */
	h_run(&h, 200000);
	h_assert_times(got, h_times(&h, "INVITE ", got, 8), want, 2);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_RESPONSE);
	assert_int_equal(h.ev[0].scode, 100);
	assert_int_equal(h.ev[1].scode, 180);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_PROCEEDING);
	/* a final response still ends it */
	assert_int_equal(h_recv(&h, response("486 Busy Here", "b1", "INVITE"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	assert_int_equal(h_count_sent(&h, "ACK "), 1);
	h_free(&h);
}

static void test_ack_for_non_2xx(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	uint64_t got[8];
	static const uint64_t acks[] = { 2000, 3000, 9000 };

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	h_run(&h, 2000);
	assert_int_equal(h_recv(&h, response("486 Busy Here", "8321234356", "INVITE"),
				SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	/* §17.1.1.3: Request-URI, single top Via, Route of the original,
	 * From, To of the response, Call-ID, CSeq number with ACK */
	assert_string_equal(h_last_sent(&h),
		"ACK sip:bob@biloxi.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
		"Route: <sip:p3.example.com;lr>\r\n"
		"Max-Forwards: 70\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 ACK\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_RESPONSE);
	assert_int_equal(h.ev[0].scode, 486);
	/* retransmitted finals: the ACK again, the TU sees nothing */
	h_run(&h, 3000);
	assert_int_equal(h_recv(&h, response("486 Busy Here", "8321234356", "INVITE"),
				SIP_TXN_UDP), 0);
	h_run(&h, 9000);
	assert_int_equal(h_recv(&h, response("486 Busy Here", "8321234356", "INVITE"),
				SIP_TXN_UDP), 0);
	h_assert_times(got, h_times(&h, "ACK ", got, 8), acks, 3);
	for (int i = 0; i < h.nsent; i++)
		if (!strncmp(h.sent[i].text, "ACK ", 4))
			assert_string_equal(h.sent[i].text, h_last_sent(&h));
	assert_int_equal(h.nev, 1);
	/* no INVITE retransmission after the response */
	assert_int_equal(h_count_sent(&h, "INVITE "), 3); /* 0, 500, 1500 */
	/* Timer D: 32 s after entering Completed */
	h_run(&h, 33999);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	h_run(&h, 34000);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 34000);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	h_free(&h);
}

static void test_ack_tcp_timer_d_zero(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_TCP), 0);
	h_run(&h, 1000);
	assert_int_equal(h_recv(&h, response("603 Decline", "t", "INVITE"), SIP_TXN_TCP), 0);
	assert_int_equal(h_count_sent(&h, "ACK "), 1);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	h_run(&h, 1000);    /* Timer D = 0: due at once */
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 1000);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h.ev[1].at, 1000);
	h_free(&h);
}

static void test_2xx_accepted(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	h_run(&h, 100);
	assert_int_equal(h_recv(&h, response("180 Ringing", "a", "INVITE"), SIP_TXN_UDP), 0);
	h_run(&h, 1000);
	assert_int_equal(h_recv(&h, response("200 OK", "a", "INVITE"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_ACCEPTED);
	/* RFC 6026 §7.2: retransmitted and forked 2xx all reach the TU */
	h_run(&h, 1500);
	assert_int_equal(h_recv(&h, response("200 OK", "a", "INVITE"), SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, response("200 OK", "other-fork", "INVITE"), SIP_TXN_UDP), 0);
	/* non-2xx in Accepted: absorbed */
	assert_int_equal(h_recv(&h, response("486 Busy Here", "b", "INVITE"), SIP_TXN_UDP), 0);
	assert_int_equal(h.nev, 4);
	for (int i = 1; i < 4; i++) {
		assert_int_equal(h.ev[i].kind, SIP_TXN_EV_RESPONSE);
		assert_int_equal(h.ev[i].scode, 200);
	}
	/* the transaction never ACKs a 2xx, nor retransmits */
	assert_int_equal(h_count_sent(&h, "ACK "), 0);
	assert_int_equal(h.nsent, 1);
	/* Timer M = 64*T1 from entering Accepted */
	h_run(&h, 32999);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_ACCEPTED);
	h_run(&h, 33000);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 33000);
	assert_int_equal(h.ev[4].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_count_ev(&h, SIP_TXN_EV_TIMEOUT), 0);
	/* from now on a 2xx is stray: the core gets it */
	assert_int_equal(h_recv(&h, response("200 OK", "a", "INVITE"), SIP_TXN_UDP),
			 SIP_TXN_DECLINED);
	h_free(&h);
}

static void keep_response(struct sip_txn *t, struct sip_txn_event *ev, void *arg)
{
	struct sip_msg **kept = arg;

	(void)t;
	if (ev->kind == SIP_TXN_EV_RESPONSE && !*kept)
		*kept = sip_txn_event_take(ev);
}

static void test_tu_keeps_response(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	struct sip_msg *kept = NULL;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	sip_txn_set_handler(ct, keep_response, &kept);
	assert_int_equal(h_recv(&h, response("180 Ringing", "a", "INVITE"), SIP_TXN_UDP), 0);
	assert_non_null(kept);
	assert_int_equal(kept->scode, 180);
	sip_msg_free(kept);
	h_free(&h);
}

static void test_transport_error_first_send(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	struct sip_txn_stats st;

	(void)state;
	h_init(&h);
	h.fail_from = 0;
	h.fail_err = ENETUNREACH;
	/* the call succeeds; the failure arrives as events, not from inside it */
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h.nev, 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_TERMINATED);
	h_run(&h, 0);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[0].err, ENETUNREACH);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	sip_txn_stack_stats(h.s, &st);
	assert_int_equal(st.transport_errors, 1);
	assert_int_equal(sip_timers_count(h.ts), 0);
	h_free(&h);
}

static void test_transport_error_retransmission(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	h.fail_from = 2;   /* the one at 1500 fails */
	h_run(&h, 10000);
	assert_int_equal(h.nsent, 2);
	assert_int_equal(h.nev, 2);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[0].at, 1500);
	assert_int_equal(h.ev[0].err, ECONNRESET);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(h_entered(&h, ct, SIP_TXN_TERMINATED), 1500);
	h_free(&h);
}

static void test_transport_error_on_ack(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	h_run(&h, 100);
	h.fail_from = 1;
	assert_int_equal(h_recv(&h, response("404 Not Found", "t", "INVITE"), SIP_TXN_UDP), 0);
	/* the response reaches the TU, then the error, then the end */
	h_run(&h, 100);
	assert_int_equal(h.nev, 3);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_RESPONSE);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[2].kind, SIP_TXN_EV_TERMINATED);
	h_free(&h);
}

static void test_connection_failure(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	struct sip_txn_dest d = h_dest(SIP_TXN_TCP);

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_TCP), 0);
	h_run(&h, 300);
	assert_int_equal(h_recv(&h, response("180 Ringing", "a", "INVITE"), SIP_TXN_TCP), 0);
	/* an unrelated connection fails: nothing happens */
	d.conn = (void *)(uintptr_t)0x2000;
	sip_txn_stack_transport_error(h.s, &d, ECONNRESET);
	h_run(&h, 400);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_PROCEEDING);
	d = h_dest(SIP_TXN_TCP);
	sip_txn_stack_transport_error(h.s, &d, ECONNRESET);
	assert_int_equal(h.nev, 1);   /* reported from the timer set */
	h_run(&h, 500);
	assert_int_equal(h.nev, 3);
	assert_int_equal(h.ev[1].kind, SIP_TXN_EV_TRANSPORT_ERROR);
	assert_int_equal(h.ev[1].at, 400);
	assert_int_equal(h.ev[2].kind, SIP_TXN_EV_TERMINATED);
	h_free(&h);
}

static void test_cancel(void **state)
{
	struct harness h;
	struct sip_txn *ct, *cc;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	/* §9.1: no CANCEL before a provisional response */
	assert_int_equal(sip_txn_cancel(&cc, ct, h_event_h, &h), EAGAIN);
	h_run(&h, 100);
	assert_int_equal(h_recv(&h, response("180 Ringing", "a", "INVITE"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_cancel(&cc, ct, h_event_h, &h), 0);
	assert_int_equal(sip_txn_kind(cc), SIP_TXN_NICT);
	assert_string_equal(h_last_sent(&h),
		"CANCEL sip:bob@biloxi.example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\r\n"
		"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
		"Route: <sip:p3.example.com;lr>\r\n"
		"Max-Forwards: 70\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"To: Bob <sip:bob@biloxi.example.com>\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 CANCEL\r\n"
		"Content-Length: 0\r\n\r\n");
	/* a second CANCEL for the same INVITE would be the same transaction */
	assert_int_equal(sip_txn_cancel(NULL, ct, h_event_h, &h), EEXIST);
	/* the 200 for the CANCEL goes to the CANCEL's transaction, by CSeq method */
	assert_int_equal(h_recv(&h, response("200 OK", "a", "CANCEL"), SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(cc), SIP_TXN_COMPLETED);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_PROCEEDING);
	assert_int_equal(h_recv(&h, response("487 Request Terminated", "a", "INVITE"),
				SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_COMPLETED);
	assert_int_equal(sip_txn_cancel(NULL, ct, h_event_h, &h), EALREADY);
	assert_int_equal(h_count_sent(&h, "ACK "), 1);
	h_free(&h);
}

static void test_request_checks(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	struct sip_out *o;
	struct sip_txn_dest d = h_dest(SIP_TXN_UDP);
	char branch[SIP_TXN_BRANCH_SIZE];

	(void)state;
	h_init(&h);
	/* no magic cookie */
	assert_int_equal(h_request(&h, NULL,
		"OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=1234\n"
		"From: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCall-ID: c\nCSeq: 1 OPTIONS\n\n",
		SIP_TXN_UDP), EINVAL);
	/* ACK is never a client transaction */
	assert_int_equal(h_request(&h, NULL,
		"ACK sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
		"From: <sip:x@y>;tag=1\nTo: <sip:a@b>\nCall-ID: c\nCSeq: 1 ACK\n\n",
		SIP_TXN_UDP), EINVAL);
	/* a response is not a request */
	assert_int_equal(h_request(&h, NULL, response("200 OK", "a", "INVITE"), SIP_TXN_UDP),
			 EINVAL);
	/* the same branch and method twice */
	assert_int_equal(h_request(&h, &ct, invite, SIP_TXN_UDP), 0);
	assert_int_equal(h_request(&h, NULL, invite, SIP_TXN_UDP), EEXIST);
	assert_int_equal(h.nsent, 1);
	/* built with out.h and a branch from the stack */
	assert_int_equal(sip_txn_branch_new(h.s, branch, sizeof(branch)), 0);
	assert_int_equal(sip_out_request(&o, SIP_PL("INVITE"), SIP_PL("sip:carol@chicago.example.com")), 0);
	assert_int_equal(sip_out_addf(o, SIP_HDR_VIA, "SIP/2.0/UDP 192.0.2.9;branch=%s", branch), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_FROM, NULL, SIP_PL("<sip:a@b>;tag=9")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_TO, NULL, SIP_PL("<sip:carol@chicago.example.com>")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_CALL_ID, NULL, SIP_PL("xyz")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_CSEQ, NULL, SIP_PL("1 INVITE")), 0);
	assert_int_equal(sip_txn_request(&ct, h.s, o, &d, h_event_h, &h), 0);
	sip_out_free(o);
	assert_true(sip_pl_eqs(sip_txn_branch(ct), branch));
	assert_int_equal(sip_txn_msg(ct)->mid, SIP_INVITE);
	assert_int_equal(h.nsent, 2);
	assert_non_null(strstr(h_last_sent(&h), branch));
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_timer_a_b),
		cmocka_unit_test(test_custom_t1),
		cmocka_unit_test(test_tcp_no_retransmissions),
		cmocka_unit_test(test_provisional_stops_a_and_b),
		cmocka_unit_test(test_ack_for_non_2xx),
		cmocka_unit_test(test_ack_tcp_timer_d_zero),
		cmocka_unit_test(test_2xx_accepted),
		cmocka_unit_test(test_tu_keeps_response),
		cmocka_unit_test(test_transport_error_first_send),
		cmocka_unit_test(test_transport_error_retransmission),
		cmocka_unit_test(test_transport_error_on_ack),
		cmocka_unit_test(test_connection_failure),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_request_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
