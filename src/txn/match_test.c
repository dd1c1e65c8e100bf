/*
 * match_test.c - matching messages to transactions: requests to server
 * transactions by branch + sent-by + method (RFC 3261 §17.2.3; ACK to the
 * INVITE, CANCEL to its own), the RFC 2543 fallback (Request-URI, tags,
 * Call-ID, CSeq, top Via; the ACK's To tag against the response's),
 * responses to client transactions by branch + CSeq method (§17.1.3),
 * stray messages declined; plus the identifiers, table growth, the debug
 * dump and tearing down a stack with live transactions.
 */
#include "test_harness.h"

#include "txn.h"

static char *req(const char *method, const char *branch, const char *host,
		 const char *fromtag, const char *totag, unsigned cseq, const char *cseqm)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "%s sip:bob@biloxi.example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP %s%s%s\n"
		 "Max-Forwards: 70\n"
		 "To: Bob <sip:bob@biloxi.example.com>%s%s\n"
		 "From: Alice <sip:alice@atlanta.example.com>;tag=%s\n"
		 "Call-ID: a84b4c76e66710\n"
		 "CSeq: %u %s\n"
		 "\n",
		 method, host, branch ? ";branch=" : "", branch ? branch : "",
		 totag ? ";tag=" : "", totag ? totag : "", fromtag, cseq,
		 cseqm ? cseqm : method);
	return buf;
}

static void test_siphash_vectors(void **state)
{
	/* SipHash-2-4 paper, Appendix A: key 00..0f, messages 00..(n-1) */
	uint64_t key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	unsigned char in[16];

	(void)state;
	for (int i = 0; i < 16; i++)
		in[i] = (unsigned char)i;
	assert_true(txn_siphash(key, in, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(txn_siphash(key, in, 1) == 0x74f839c593dc67fdULL);
	assert_true(txn_siphash(key, in, 8) == 0x93f5f5799a932462ULL);
	assert_true(txn_siphash(key, in, 15) == 0xa129ca6149be45e5ULL);
}

static void test_identifiers(void **state)
{
	struct harness h;
	char a[SIP_TXN_BRANCH_SIZE], b[SIP_TXN_BRANCH_SIZE], t[SIP_TXN_TAG_SIZE];
	char small[16];

	(void)state;
	h_init(&h);
	assert_int_equal(sip_txn_branch_new(h.s, a, sizeof(a)), 0);
	assert_int_equal(sip_txn_branch_new(h.s, b, sizeof(b)), 0);
	assert_int_equal(strncmp(a, "z9hG4bK", 7), 0);
	assert_int_equal(strlen(a), 7 + 32);
	assert_string_not_equal(a, b);
	assert_int_equal(sip_txn_tag_new(h.s, t, sizeof(t)), 0);
	assert_int_equal(strlen(t), 16);
	assert_int_equal(sip_txn_branch_new(h.s, small, sizeof(small)), ENOSPC);
	assert_int_equal(sip_txn_tag_new(h.s, small, 8), ENOSPC);
	h_free(&h);
}

static void test_branch_sent_by_method(void **state)
{
	struct harness h;
	struct sip_txn_stats st;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, req("INVITE", "z9hG4bK1", "a.example.com", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	/* same branch, sent-by differing only in case and a default port */
	assert_int_equal(h_recv(&h, req("INVITE", "z9hG4bK1", "A.Example.COM:5060", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	/* same branch from another sent-by: another transaction */
	assert_int_equal(h_recv(&h, req("INVITE", "z9hG4bK1", "b.example.com", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	/* same branch, other port */
	assert_int_equal(h_recv(&h, req("INVITE", "z9hG4bK1", "a.example.com:5070", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 3);
	/* branches compare case-sensitively */
	assert_int_equal(h_recv(&h, req("INVITE", "z9hG4bk1", "a.example.com", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 4);
	/* the CANCEL with the INVITE's branch is its own transaction */
	assert_int_equal(h_recv(&h, req("CANCEL", "z9hG4bK1", "a.example.com", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 5);
	assert_int_equal(sip_txn_kind(h.st[4]), SIP_TXN_NIST);
	/* the ACK with the INVITE's branch matches the INVITE */
	assert_int_equal(sip_txn_reply_code(h.st[0], 486, NULL), 0);
	assert_int_equal(h_recv(&h, req("ACK", "z9hG4bK1", "a.example.com", "f", "x", 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(h.st[0]), SIP_TXN_CONFIRMED);
	assert_int_equal(h.nst, 5);
	/* an ACK matching nothing is declined, never a transaction */
	assert_int_equal(h_recv(&h, req("ACK", "z9hG4bK9", "a.example.com", "f", "x", 1, NULL),
				SIP_TXN_UDP), SIP_TXN_DECLINED);
	/* a non-INVITE with the INVITE's branch but another method */
	assert_int_equal(h_recv(&h, req("OPTIONS", "z9hG4bK1", "a.example.com", "f", NULL, 2, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 6);
	sip_txn_stack_stats(h.s, &st);
	assert_int_equal(st.created[SIP_TXN_IST], 4);
	assert_int_equal(st.created[SIP_TXN_NIST], 2);
	assert_int_equal(st.active[SIP_TXN_IST] + st.active[SIP_TXN_NIST], 6);
	h_free(&h);
}

static void test_rfc2543_fallback(void **state)
{
	struct harness h;
	struct sip_txn *ist, *found;
	char tag[SIP_TXN_TAG_SIZE];
	struct sip_msg *m;

	(void)state;
	h_init(&h);
	/* no magic cookie: no branch at all */
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "old.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	ist = h.st[0];
	assert_int_equal(h.nst, 1);
	/* the retransmission matches on every field */
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "old.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 1);
	/* another From tag, CSeq, top Via or To tag: a new transaction */
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "old.example.com", "f2", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 2);
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "old.example.com", "f1", NULL, 8, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 3);
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "new.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 4);
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "old.example.com", "f1", "t", 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 5);
	/* a branch without the cookie is just another Via parameter */
	assert_int_equal(h_recv(&h, req("INVITE", "1234", "old.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 6);
	assert_int_equal(h_recv(&h, req("INVITE", "1234", "old.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 6);
	/* CANCEL: its own transaction, and it finds the INVITE */
	assert_int_equal(h_recv(&h, req("CANCEL", NULL, "old.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 7);
	assert_int_equal(sip_txn_stack_match_cancel(h.s, sip_txn_msg(h.st[6]), &found), 0);
	assert_ptr_equal(found, ist);
	/* the ACK: To tag of the response the transaction sent */
	snprintf(tag, sizeof(tag), "%s", sip_txn_totag(ist));
	assert_int_equal(sip_txn_reply_code(ist, 486, NULL), 0);
	assert_int_equal(h_recv(&h, req("ACK", NULL, "old.example.com", "f1", "wrong", 7, NULL),
				SIP_TXN_UDP), SIP_TXN_DECLINED);
	assert_int_equal(sip_txn_state(ist), SIP_TXN_COMPLETED);
	assert_int_equal(h_recv(&h, req("ACK", NULL, "old.example.com", "f1", tag, 7, "ACK"),
				SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ist), SIP_TXN_CONFIRMED);
	/* a Request-URI equivalent by §19.1.4 still matches */
	assert_int_equal(h_recv(&h, req("OPTIONS", NULL, "old.example.com", "f9", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nst, 8);
	m = h_decode("OPTIONS sip:bob@BILOXI.example.com SIP/2.0\n"
		     "Via: SIP/2.0/UDP old.example.com\n"
		     "To: Bob <sip:bob@biloxi.example.com>\n"
		     "From: Alice <sip:alice@atlanta.example.com>;tag=f9\n"
		     "Call-ID: a84b4c76e66710\nCSeq: 1 OPTIONS\n\n");
	{
		struct sip_txn_dest src = h_dest(SIP_TXN_UDP);

		assert_int_equal(sip_txn_stack_recv(h.s, m, &src), 0);
	}
	assert_int_equal(h.nst, 8);
	h_free(&h);
}

static void test_accepted_2543_ack_to_tu(void **state)
{
	struct harness h;
	struct sip_txn *ist;
	char tag[SIP_TXN_TAG_SIZE];

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "old.example.com", "f1", NULL, 7, NULL),
				SIP_TXN_UDP), 0);
	ist = h.st[0];
	snprintf(tag, sizeof(tag), "%s", sip_txn_totag(ist));
	assert_int_equal(sip_txn_reply_code(ist, 200, NULL), 0);
	assert_int_equal(sip_txn_state(ist), SIP_TXN_ACCEPTED);
	/* an RFC 2543 ACK for the 2xx matches the Accepted transaction and
	 * is passed to the TU (RFC 6026 §7.1) */
	assert_int_equal(h_recv(&h, req("ACK", NULL, "old.example.com", "f1", tag, 7, "ACK"),
				SIP_TXN_UDP), 0);
	assert_int_equal(h.nev, 1);
	assert_int_equal(h.ev[0].kind, SIP_TXN_EV_ACK);
	h_free(&h);
}

static void test_responses(void **state)
{
	struct harness h;
	struct sip_txn *ct;

	(void)state;
	h_init(&h);
	assert_int_equal(h_request(&h, &ct, req("INVITE", "z9hG4bKc1", "me.example.com", "f", NULL, 1, NULL),
				   SIP_TXN_UDP), 0);
	/* stray: unknown branch */
	assert_int_equal(h_recv(&h,
		"SIP/2.0 200 OK\nVia: SIP/2.0/UDP me.example.com;branch=z9hG4bKc2\n"
		"To: <sip:bob@biloxi.example.com>;tag=1\nFrom: <sip:a@b>;tag=f\n"
		"Call-ID: a84b4c76e66710\nCSeq: 1 INVITE\n\n", SIP_TXN_UDP), SIP_TXN_DECLINED);
	/* right branch, other CSeq method */
	assert_int_equal(h_recv(&h,
		"SIP/2.0 200 OK\nVia: SIP/2.0/UDP me.example.com;branch=z9hG4bKc1\n"
		"To: <sip:bob@biloxi.example.com>;tag=1\nFrom: <sip:a@b>;tag=f\n"
		"Call-ID: a84b4c76e66710\nCSeq: 1 BYE\n\n", SIP_TXN_UDP), SIP_TXN_DECLINED);
	/* no branch at all */
	assert_int_equal(h_recv(&h,
		"SIP/2.0 200 OK\nVia: SIP/2.0/UDP me.example.com\n"
		"To: <sip:bob@biloxi.example.com>;tag=1\nFrom: <sip:a@b>;tag=f\n"
		"Call-ID: a84b4c76e66710\nCSeq: 1 INVITE\n\n", SIP_TXN_UDP), SIP_TXN_DECLINED);
	/* the match; sent-by is not compared for responses (§17.1.3) */
	assert_int_equal(h_recv(&h,
		"SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP elsewhere;branch=z9hG4bKc1\n"
		"To: <sip:bob@biloxi.example.com>;tag=1\nFrom: <sip:a@b>;tag=f\n"
		"Call-ID: a84b4c76e66710\nCSeq: 1 INVITE\n\n", SIP_TXN_UDP), 0);
	assert_int_equal(sip_txn_state(ct), SIP_TXN_PROCEEDING);
	assert_int_equal(h.nev, 1);
	h_free(&h);
}

static void test_bad_messages(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h);
	/* no Via */
	assert_int_equal(h_recv(&h,
		"OPTIONS sip:a@b SIP/2.0\nTo: <sip:a@b>\nFrom: <sip:c@d>;tag=1\n"
		"Call-ID: x\nCSeq: 1 OPTIONS\n\n", SIP_TXN_UDP), EBADMSG);
	/* no CSeq */
	assert_int_equal(h_recv(&h,
		"OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\n"
		"To: <sip:a@b>\nFrom: <sip:c@d>;tag=1\nCall-ID: x\n\n", SIP_TXN_UDP), EBADMSG);
	/* no From: no transaction can answer it */
	assert_int_equal(h_recv(&h,
		"OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\n"
		"To: <sip:a@b>\nCall-ID: x\nCSeq: 1 OPTIONS\n\n", SIP_TXN_UDP), EBADMSG);
	assert_int_equal(h.nst, 0);
	h_free(&h);
}

static void test_many_transactions(void **state)
{
	struct harness h;
	char branch[64];

	(void)state;
	h_init(&h);
	/* grow the table well past its first size; all still match */
	for (unsigned i = 0; i < 60; i++) {
		snprintf(branch, sizeof(branch), "z9hG4bKmany%u", i);
		assert_int_equal(h_recv(&h, req("MESSAGE", branch, "h", "f", NULL, i + 1, NULL),
					SIP_TXN_UDP), 0);
	}
	for (unsigned i = 0; i < 300; i++) {
		snprintf(branch, sizeof(branch), "z9hG4bKmore%u", i);
		assert_int_equal(h_recv(&h, req("MESSAGE", branch, "h", "f", NULL, i + 1, NULL),
					SIP_TXN_UDP), 0);
	}
	assert_int_equal(h.nst, 360);
	for (unsigned i = 0; i < 60; i++) {
		snprintf(branch, sizeof(branch), "z9hG4bKmany%u", i);
		assert_int_equal(h_recv(&h, req("MESSAGE", branch, "h", "f", NULL, i + 1, NULL),
					SIP_TXN_UDP), 0);
	}
	{
		struct sip_txn_stats st;

		sip_txn_stack_stats(h.s, &st);
		assert_int_equal(st.created[SIP_TXN_NIST], 360);
		assert_int_equal(st.absorbed, 60);
	}
	h_free(&h);
}

static void test_debug_and_teardown(void **state)
{
	struct harness h;
	struct sip_txn *ct;
	char *dump = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	h_init(&h);
	assert_int_equal(h_recv(&h, req("INVITE", "z9hG4bKd1", "h", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h_recv(&h, req("INVITE", NULL, "h", "f", NULL, 1, NULL),
				SIP_TXN_UDP), 0);
	assert_int_equal(h_request(&h, &ct, req("BYE", "z9hG4bKd2", "h", "f", "t", 2, NULL),
				   SIP_TXN_UDP), 0);
	h_run(&h, 700);
	f = open_memstream(&dump, &len);
	assert_non_null(f);
	sip_txn_debug(f, h.s);
	fclose(f);
	assert_non_null(strstr(dump, "txn stack: T1=500 T2=4000 T4=5000"));
	assert_non_null(strstr(dump, "IST  Proceeding INVITE branch=z9hG4bKd1"));
	assert_non_null(strstr(dump, "(rfc2543)"));
	assert_non_null(strstr(dump, "NICT Trying     BYE branch=z9hG4bKd2"));
	assert_non_null(strstr(dump, " E=800ms F=31300ms"));
	free(dump);
	/* tearing down with live transactions: no events, nothing leaks */
	{
		int nev = h.nev;

		h.s = sip_mem_deref(h.s);
		assert_int_equal(h.nev, nev);
		assert_int_equal(sip_timers_count(h.ts), 0);
	}
	h_free(&h);
}

/*
 * Out of memory: every allocation of the receive, reply and request paths
 * fails in turn; the call reports ENOMEM, the caller keeps its message,
 * the transaction is unchanged, nothing leaks.
 */
static int oom_recv(struct harness *h, int n)
{
	struct sip_txn_dest src = h_dest(SIP_TXN_UDP);
	struct sip_msg *m = h_decode(req("INVITE", "z9hG4bKoom", "h", "f", NULL, 1, NULL));
	int rc;

	sip_mem_fail_after(n);
	rc = sip_txn_stack_recv(h->s, m, &src);
	sip_mem_fail_after(-1);
	if (rc) {
		assert_int_equal(rc, ENOMEM);
		assert_int_equal(h->nst, 0);
		sip_msg_free(m);
	}
	return rc;
}

static int oom_reply(struct harness *h, int n)
{
	int rc;

	assert_int_equal(oom_recv(h, -1), 0);
	sip_mem_fail_after(n);
	rc = sip_txn_reply_code(h->st[0], 486, NULL);
	sip_mem_fail_after(-1);
	if (rc) {
		assert_int_equal(rc, ENOMEM);
		assert_int_equal(sip_txn_state(h->st[0]), SIP_TXN_PROCEEDING);
	}
	return rc;
}

static int oom_request(struct harness *h, int n)
{
	struct sip_txn *ct = NULL;
	int rc;

	sip_mem_fail_after(n);
	rc = h_request(h, &ct, req("INVITE", "z9hG4bKc", "h", "f", NULL, 1, NULL), SIP_TXN_UDP);
	sip_mem_fail_after(-1);
	if (rc) {
		assert_int_equal(rc, ENOMEM);
		assert_int_equal(h->nsent, 0);
	} else {
		assert_non_null(ct);
	}
	return rc;
}

/* Let allocation n fail for n = 0, 1, ... until @p step succeeds; every
 * failure must be a clean ENOMEM that leaks nothing (h_free checks). */
static void oom_sweep(int (*step)(struct harness *, int))
{
	struct harness h;
	int n, rc;

	for (n = 0, rc = -1; rc && n < 200; n++) {
		h_init(&h);
		rc = step(&h, n);
		h_run(&h, 100000);
		h_free(&h);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 1);   /* some allocation did fail */
}

static void test_out_of_memory(void **state)
{
	(void)state;
	oom_sweep(oom_recv);
	oom_sweep(oom_reply);
	oom_sweep(oom_request);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_branch_sent_by_method),
		cmocka_unit_test(test_rfc2543_fallback),
		cmocka_unit_test(test_accepted_2543_ack_to_tu),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_bad_messages),
		cmocka_unit_test(test_many_transactions),
		cmocka_unit_test(test_debug_and_teardown),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
