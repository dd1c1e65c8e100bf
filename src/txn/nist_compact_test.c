/*
 * nist_compact_test.c - Completed non-INVITE server transactions held as
 * compact records (done.c, cfg.compact_completed) on a virtual clock:
 * RFC 3261 §17.2.2's behaviour on the wire is unchanged (a retransmission
 * gets the same final response, byte for byte, until Timer J = 64*T1;
 * after it the request is new), the transaction object ends at once, the
 * §17.2.3 key (branch, sent-by, method) is matched in full, records expire
 * in order, and what does not qualify (reliable transports, RFC 2543
 * branches, allocation failure) keeps the full machine.
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

/* reg with its top Via replaced by @p via (static buffer). */
static const char *reg_via(const char *via)
{
	static char buf[1024];
	const char *v = strstr(reg, "Via: ");
	const char *e = strchr(v, '\n');

	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(v - reg), reg, via, e);
	return buf;
}

static uint64_t compact_now(struct harness *h)
{
	struct sip_txn_stats s;

	sip_txn_stack_stats(h->s, &s);
	return s.compact;
}

static void test_lifecycle(void **state)
{
	struct harness h;
	struct sip_txn *st;
	struct sip_txn_stats s;
	char *first;

	(void)state;
	h_init_opts(&h, 0, 0, 0, true);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	st = h.st[0];
	h_run(&h, 2000);
	assert_int_equal(sip_txn_reply_code(st, 200, NULL), 0);
	assert_int_equal(sip_txn_state(st), SIP_TXN_COMPLETED);
	first = strdup(h_last_sent(&h));
	/* once the TU's call has returned, the record takes over: the
	 * transaction ends and the TU hears of it now, not after Timer J */
	h_run(&h, 2000);
	assert_int_equal(h_entered(&h, st, SIP_TXN_TERMINATED), 2000);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_TERMINATED);
	assert_int_equal(compact_now(&h), 1);
	sip_txn_stack_stats(h.s, &s);
	assert_int_equal(s.active[SIP_TXN_NIST], 0);
	/* §17.2.2: retransmissions get the final, byte for byte, and reach
	 * no TU; nothing is sent unprompted */
	h_run(&h, 3500);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	h_run(&h, 33999);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	assert_int_equal(h.nsent, 3);
	assert_string_equal(h.sent[1].text, first);
	assert_string_equal(h.sent[2].text, first);
	assert_int_equal(h.sent[2].at, 33999);
	assert_memory_equal(&h.sent[2].dst.addr, &h.sent[0].dst.addr, h.sent[0].dst.addrlen);
	assert_int_equal(h.sent[2].dst.addrlen, h.sent[0].dst.addrlen);
	assert_int_equal(h.sent[2].dst.transport, SIP_TXN_UDP);
	sip_txn_stack_stats(h.s, &s);
	assert_int_equal(s.absorbed, 2);
	assert_int_equal(s.retransmissions, 2);
	/* Timer J = 64*T1 after the final: the request is new again */
	h_run(&h, 34000);
	assert_int_equal(compact_now(&h), 0);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	assert_int_equal(h.nsent, 3);
	free(first);
	h_free(&h);
}

static void test_key(void **state)
{
	struct harness h;

	(void)state;
	h_init_opts(&h, 0, 0, 0, true);
	h.auto_reply = 200;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	h_run(&h, 1);
	assert_int_equal(compact_now(&h), 1);
	/* sent-by host compares without regard to case, the default port
	 * equals 5060: both are the same transaction (§17.2.3) */
	assert_int_equal(h_recv(&h, reg_via("Via: SIP/2.0/UDP BOBSPC.biloxi.example.com"
					    ";branch=z9hG4bKnashds7"), SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	assert_int_equal(h.nsent, 2);
	/* another branch, another sent-by port or host: new transactions */
	assert_int_equal(h_recv(&h, reg_via("Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060"
					    ";branch=z9hG4bKnashds8"), SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	assert_int_equal(h_recv(&h, reg_via("Via: SIP/2.0/UDP bobspc.biloxi.example.com:5062"
					    ";branch=z9hG4bKnashds7"), SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 3);
	assert_int_equal(h_recv(&h, reg_via("Via: SIP/2.0/UDP other.biloxi.example.com:5060"
					    ";branch=z9hG4bKnashds7"), SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 4);
	/* the same branch with another method is another transaction */
	assert_int_equal(h_recv(&h,
		"OPTIONS sip:registrar.biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\n"
		"To: <sip:registrar.biloxi.example.com>\n"
		"From: <sip:bob@biloxi.example.com>;tag=1\n"
		"Call-ID: opt1\nCSeq: 1 OPTIONS\n\n", SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 5);
	/* an ACK never matches a non-INVITE transaction */
	assert_int_equal(h_recv(&h,
		"ACK sip:registrar.biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\n"
		"To: <sip:registrar.biloxi.example.com>\n"
		"From: <sip:bob@biloxi.example.com>;tag=1\n"
		"Call-ID: opt1\nCSeq: 1 ACK\n\n", SIP_TXN_UDP), SIP_TXN_DECLINED);
	h_free(&h);
}

static void test_not_compacted(void **state)
{
	static const char reg2543[] =
		"REGISTER sip:registrar.biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=old2543\n"
		"To: Bob <sip:bob@biloxi.example.com>\n"
		"From: Bob <sip:bob@biloxi.example.com>;tag=456248\n"
		"Call-ID: 2543@998sdasdh09\n"
		"CSeq: 1 REGISTER\n"
		"\n";
	struct harness h;

	(void)state;
	h_init_opts(&h, 0, 0, 0, true);
	h.auto_reply = 200;
	/* RFC 2543 matching reads the whole request: the machine stays */
	assert_int_equal(h_recv(&h, reg2543, SIP_TXN_UDP), 0);
	/* TCP: Timer J is 0, nothing to keep */
	assert_int_equal(h_recv(&h, reg, SIP_TXN_TCP), 0);
	h_run(&h, 100);
	assert_int_equal(compact_now(&h), 0);
	assert_int_equal(sip_txn_state(h.st[0]), SIP_TXN_COMPLETED);
	assert_int_equal(h_entered(&h, h.st[1], SIP_TXN_TERMINATED), 0);
	assert_int_equal(h_recv(&h, reg2543, SIP_TXN_UDP), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 200 "), 3);
	h_run(&h, 32000);
	assert_int_equal(h_entered(&h, h.st[0], SIP_TXN_TERMINATED), 32000);
	h_free(&h);

	/* off by default: the full machine stays Completed */
	h_init(&h);
	h.auto_reply = 200;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	h_run(&h, 100);
	assert_int_equal(compact_now(&h), 0);
	assert_int_equal(sip_txn_state(h.st[0]), SIP_TXN_COMPLETED);
	h_free(&h);
}

static void test_many_expire_in_order(void **state)
{
	enum { N = 300 };
	struct harness h;
	char via[128];

	(void)state;
	h_init_opts(&h, 100, 0, 0, true);   /* Timer J = 6400 */
	h.auto_reply = 202;
	for (int i = 0; i < N; i++) {
		h_run(&h, (uint64_t)i * 10);
		snprintf(via, sizeof(via),
			 "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-%d", i);
		assert_int_equal(h_recv(&h, reg_via(via), SIP_TXN_UDP), 0);
	}
	h_run(&h, N * 10);
	assert_int_equal(compact_now(&h), N);
	assert_int_equal(h.nst, N);
	/* each one answers its own retransmission with its own final, byte
	 * for byte: from sealed (compressed) groups of SEG_MAX and from the
	 * open one (the table grew past its first 64 buckets) */
	assert_int_equal(h.nsent, N);
	for (int i = 0; i < N; i += 13) {
		int before = h.nsent;

		snprintf(via, sizeof(via),
			 "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-%d", i);
		assert_int_equal(h_recv(&h, reg_via(via), SIP_TXN_UDP), 0);
		assert_int_equal(h.nsent, before + 1);
		assert_string_equal(h_last_sent(&h), h.sent[i].text);
	}
	assert_int_equal(h_recv(&h, reg_via("Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-299"),
				SIP_TXN_UDP), 0);
	assert_string_equal(h_last_sent(&h), h.sent[299].text);
	assert_int_equal(h.nst, N);
	/* record i leaves at i*10 + 6400, no earlier and no later */
	h_run(&h, 6400 + 1000 - 1);
	assert_int_equal(compact_now(&h), N - 100);
	h_run(&h, 6400 + 1000);
	assert_int_equal(compact_now(&h), N - 101);
	snprintf(via, sizeof(via), "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-%d", 100);
	assert_int_equal(h_recv(&h, reg_via(via), SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, N + 1);
	snprintf(via, sizeof(via), "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-%d", 101);
	assert_int_equal(h_recv(&h, reg_via(via), SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, N + 1);
	/* the stack goes with records left: nothing leaks (h_free checks) */
	h_free(&h);
}

static void test_alloc_failure_keeps_machine(void **state)
{
	struct harness h;

	(void)state;
	h_init_opts(&h, 0, 0, 0, true);
	h.auto_reply = 200;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	sip_mem_fail_after(0);
	h_run(&h, 1);
	sip_mem_fail_after(-1);
	/* no record: the full transaction keeps Completed, and answers */
	assert_int_equal(compact_now(&h), 0);
	assert_int_equal(sip_txn_state(h.st[0]), SIP_TXN_COMPLETED);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h_count_sent(&h, "SIP/2.0 200 "), 2);
	assert_int_equal(h.nst, 1);
	h_run(&h, 32000);    /* Timer J of the machine itself */
	assert_int_equal(h_entered(&h, h.st[0], SIP_TXN_TERMINATED), 32000);
	h_free(&h);
}

static void test_transport_error(void **state)
{
	struct harness h;
	struct sip_txn_stats s;

	(void)state;
	h_init_opts(&h, 0, 0, 0, true);
	h.auto_reply = 200;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	h_run(&h, 1);
	assert_int_equal(compact_now(&h), 1);
	/* §17.2.4: the resend fails; the record is Terminated */
	h.fail_from = h.nsent;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	sip_txn_stack_stats(h.s, &s);
	assert_int_equal(s.transport_errors, 1);
	h.fail_from = -1;
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_not_compacted),
		cmocka_unit_test(test_many_expire_in_order),
		cmocka_unit_test(test_alloc_failure_keeps_machine),
		cmocka_unit_test(test_transport_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
