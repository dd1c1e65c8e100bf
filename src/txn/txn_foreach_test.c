/*
 * txn_foreach_test.c - sip_txn_stack_foreach(): every live transaction
 * with kind, state, method, branch and Call-ID (also once a completed
 * non-INVITE server transaction has shed its request), newest first,
 * early stop, and nothing once they have terminated; with
 * compact_completed, a Completed REGISTER kept as a record (done.c) is
 * still listed, with its status but no Call-ID, until Timer J.
 */
#include "test_harness.h"

static const char reg[] =
	"REGISTER sip:example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKreg1\n"
	"Max-Forwards: 70\n"
	"To: <sip:bob@example.com>\n"
	"From: <sip:bob@example.com>;tag=456248\n"
	"Call-ID: reg-call-1\n"
	"CSeq: 1 REGISTER\n"
	"Content-Length: 0\n"
	"\n";

static const char inv[] =
	"INVITE sip:bob@example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bKinv1\n"
	"Max-Forwards: 70\n"
	"To: <sip:bob@example.com>\n"
	"From: <sip:alice@example.com>;tag=99\n"
	"Call-ID: inv-call-1\n"
	"CSeq: 1 INVITE\n"
	"Content-Length: 0\n"
	"\n";

struct seen {
	struct sip_txn_info v[8];
	char callid[8][64];
	char branch[8][64];
	char method[8][16];
	size_t n;
	size_t stop_after;   /* 0: never */
};

static bool visit(void *arg, const struct sip_txn_info *ti)
{
	struct seen *s = arg;

	assert_true(s->n < 8);
	s->v[s->n] = *ti;
	sip_pl_strcpy(ti->callid, s->callid[s->n], sizeof(s->callid[0]));
	sip_pl_strcpy(ti->branch, s->branch[s->n], sizeof(s->branch[0]));
	sip_pl_strcpy(ti->method, s->method[s->n], sizeof(s->method[0]));
	s->n++;
	return !s->stop_after || s->n < s->stop_after;
}

static void test_walk(void **state)
{
	struct harness h;
	struct seen s = { .n = 0 };

	(void)state;
	h_init(&h);
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 0);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	h_run(&h, 10);
	assert_int_equal(h_recv(&h, inv, SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 2);
	/* newest first */
	assert_int_equal(s.v[0].kind, SIP_TXN_IST);
	assert_int_equal(s.v[0].state, SIP_TXN_PROCEEDING);
	assert_string_equal(s.method[0], "INVITE");
	assert_string_equal(s.branch[0], "z9hG4bKinv1");
	assert_string_equal(s.callid[0], "inv-call-1");
	assert_int_equal(s.v[1].kind, SIP_TXN_NIST);
	assert_int_equal(s.v[1].state, SIP_TXN_TRYING);
	assert_string_equal(s.method[1], "REGISTER");
	assert_string_equal(s.callid[1], "reg-call-1");
	assert_int_equal(s.v[1].age_ms, 10);

	/* the REGISTER answered: Completed, its request shed, the Call-ID kept */
	assert_int_equal(sip_txn_reply_code(h.st[0], 200, NULL), 0);
	h_run(&h, 1000);
	assert_null(sip_txn_msg(h.st[0]));
	s.n = 0;
	s.stop_after = 2;
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 2);
	assert_int_equal(s.v[1].state, SIP_TXN_COMPLETED);
	assert_int_equal(s.v[1].last_code, 200);
	assert_string_equal(s.callid[1], "reg-call-1");
	assert_string_equal(s.branch[1], "z9hG4bKreg1");
	assert_int_equal(s.v[1].age_ms, 1000);

	/* early stop */
	s.n = 0;
	s.stop_after = 1;
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 1);

	/* all terminated: nothing left (Timer J, then Timer H after a 486) */
	assert_int_equal(sip_txn_reply_code(h.st[1], 486, NULL), 0);
	h_run(&h, 200000);
	s.n = 0;
	s.stop_after = 0;
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 0);
	h_free(&h);
}

/* A record shows as a NIST in Completed after the live transactions. */
static void test_compact_records(void **state)
{
	struct harness h;
	struct seen s = { .n = 0 };

	(void)state;
	h_init_opts(&h, 0, 0, 0, true);
	assert_int_equal(h_recv(&h, reg, SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, inv, SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_reply_code(h.st[0], 200, NULL), 0);
	h_run(&h, 1000);
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 2);
	assert_int_equal(s.v[0].kind, SIP_TXN_IST);
	assert_int_equal(s.v[1].kind, SIP_TXN_NIST);
	assert_int_equal(s.v[1].state, SIP_TXN_COMPLETED);
	assert_int_equal(s.v[1].last_code, 200);
	assert_string_equal(s.method[1], "REGISTER");
	assert_string_equal(s.branch[1], "z9hG4bKreg1");
	assert_null(s.v[1].callid.p);
	assert_int_equal(s.v[1].age_ms, 1000);

	/* early stop among the live ones skips the records */
	s.n = 0;
	s.stop_after = 1;
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 1);

	/* Timer J (64*T1 = 32 s) ends the record */
	assert_int_equal(sip_txn_reply_code(h.st[1], 486, NULL), 0);
	h_run(&h, 200000);
	s.n = 0;
	s.stop_after = 0;
	assert_int_equal(sip_txn_stack_foreach(h.s, visit, &s), 0);
	h_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_compact_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
