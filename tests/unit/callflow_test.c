/*
 * callflow_test.c - a whole basic call through the message layer
 * (RFC 3261 §4 / RFC 3665 §3.1 style): INVITE with an SDP offer, 100,
 * 180, 200 with the SDP answer, ACK, BYE, 200. Every message is parsed
 * lazily and fully, its typed values checked, the SDP bodies negotiated,
 * and each message printed canonically and re-parsed to the same values.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/addr.h"
#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "sip/sdp.h"
#include "sip/tokens.h"
#include "sip/via.h"
#include "testutil.h"

static const char *const files[] = {
	"msg/callflow-1-invite.sip", "msg/callflow-2-trying.sip",
	"msg/callflow-3-ringing.sip", "msg/callflow-4-ok.sip",
	"msg/callflow-5-ack.sip", "msg/callflow-6-bye.sip",
	"msg/callflow-7-ok.sip",
};
enum { N = sizeof(files) / sizeof(files[0]) };

static struct sip_msg *msgs[N];
static char *bytes[N];

static int load_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		size_t len;

		bytes[i] = tu_read_data(files[i], &len);
		if (sip_msg_decode(&msgs[i], bytes[i], len, NULL, 0, NULL))
			return -1;
	}
	return 0;
}

static int free_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		sip_msg_free(msgs[i]);
		free(bytes[i]);
	}
	return 0;
}

static const struct sip_addr *from(struct sip_msg *m)
{
	const struct sip_addr *a = NULL;

	assert_int_equal(sip_msg_from(m, &a), 0);
	return a;
}

static const struct sip_addr *to(struct sip_msg *m)
{
	const struct sip_addr *a = NULL;

	assert_int_equal(sip_msg_to(m, &a), 0);
	return a;
}

static const struct sip_cseq *cseq(struct sip_msg *m)
{
	const struct sip_cseq *c = NULL;

	assert_int_equal(sip_msg_cseq(m, &c), 0);
	return c;
}

static void test_every_message_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(sip_msg_check(msgs[i]), 0);
		assert_int_equal(sip_msg_parse_all(msgs[i]), 0);
		assert_null(msgs[i]->err);
	}
}

static void test_start_lines_and_cseq(void **state)
{
	static const int want_code[N] = { 0, 100, 180, 200, 0, 0, 200 };
	static const enum sip_method want_m[N] = {
		SIP_INVITE, SIP_INVITE, SIP_INVITE, SIP_INVITE, SIP_ACK, SIP_BYE, SIP_BYE
	};

	(void)state;
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(msgs[i]->req, want_code[i] == 0);
		if (!msgs[i]->req)
			assert_int_equal(msgs[i]->scode, want_code[i]);
		assert_int_equal(cseq(msgs[i])->mid, want_m[i]);
		assert_int_equal(cseq(msgs[i])->num, 1);
	}
}

static void test_dialog_identifiers(void **state)
{
	struct sip_pl callid0, callid;
	const struct sip_via *v;
	const struct sip_addr *c;

	(void)state;
	assert_int_equal(sip_msg_callid(msgs[0], &callid0), 0);
	for (size_t i = 1; i < N; i++) {
		assert_int_equal(sip_msg_callid(msgs[i], &callid), 0);
		assert_true(sip_pl_eq(callid, callid0));
	}
	/* the INVITE has no To tag; 100 neither; 180/200 carry the UAS's */
	assert_false(sip_pl_isset(&to(msgs[0])->tag));
	assert_false(sip_pl_isset(&to(msgs[1])->tag));
	assert_true(sip_pl_eqs(to(msgs[2])->tag, "8321234356"));
	assert_true(sip_pl_eqs(to(msgs[3])->tag, "8321234356"));
	/* the ACK for 2xx is in the dialog: same tags as the 200 */
	assert_true(sip_pl_eq(to(msgs[4])->tag, to(msgs[3])->tag));
	assert_true(sip_pl_eq(from(msgs[4])->tag, from(msgs[0])->tag));
	/* the ACK goes to the 200's Contact, with a new branch (§17.1.1.3) */
	assert_int_equal(sip_msg_contact(msgs[3], &c), 0);
	assert_true(sip_pl_eq(msgs[4]->ruri, c->uri_raw));
	assert_int_equal(sip_msg_via(msgs[4], &v), 0);
	assert_true(sip_via_branch_is_rfc3261(v));
	assert_true(sip_pl_eqs(v->branch, "z9hG4bK74bd5"));
	/* the BYE from the callee swaps the roles of the tags */
	assert_true(sip_pl_eq(from(msgs[5])->tag, to(msgs[3])->tag));
	assert_true(sip_pl_eq(to(msgs[5])->tag, from(msgs[0])->tag));
	/* the final 200 carries received= added by the UAS */
	assert_int_equal(sip_msg_via(msgs[6], &v), 0);
	assert_true(sip_pl_eqs(v->received, "192.0.2.201"));
}

static void test_extensions(void **state)
{
	uint32_t mf;

	(void)state;
	assert_true(sip_msg_has_token(msgs[0], SIP_HDR_SUPPORTED, "timer"));
	assert_true(sip_msg_has_token(msgs[0], SIP_HDR_SUPPORTED, "100rel"));
	assert_true(sip_msg_has_token(msgs[0], SIP_HDR_ALLOW, "PRACK"));
	assert_false(sip_msg_has_token(msgs[0], SIP_HDR_ALLOW, "PUBLISH"));
	assert_true(sip_msg_has_token(msgs[3], SIP_HDR_REQUIRE, "timer"));
	assert_int_equal(sip_msg_max_forwards(msgs[0], &mf), 0);
	assert_int_equal(mf, 70);
}

static void test_offer_answer(void **state)
{
	static const struct sip_sdp_codec codecs[] = {
		{ "PCMU", 8000, 1, NULL }, { "telephone-event", 8000, 1, "0-16" },
	};
	static const struct sip_sdp_stream_caps stream = {
		"audio", NULL, 3456, codecs, 2, false, 0, 20,
	};
	static const struct sip_sdp_caps caps = {
		"bob", 2808844564u, 2808844564u, "192.0.2.201", NULL, &stream, 1,
	};
	struct sip_sdp *offer, *answer, *mine;
	const struct sip_sdp_media *m;

	(void)state;
	assert_int_equal(sip_sdp_decode(&offer, msgs[0]->body, NULL, NULL), 0);
	assert_int_equal(offer->nmedia, 1);
	m = &offer->media[0];
	assert_int_equal(m->port, 49172);
	assert_int_equal(m->nfmt, 3);
	assert_true(sip_pl_eqs(sip_sdp_media_conn(offer, m)->addr, "192.0.2.101"));
	assert_int_equal(m->ptime, 20);

	/* the callee's answer in the 200 is what the helper computes */
	assert_int_equal(sip_sdp_decode(&answer, msgs[3]->body, NULL, NULL), 0);
	assert_int_equal(sip_sdp_answer(&mine, offer, &caps), 0);
	assert_int_equal(mine->nmedia, 1);
	assert_int_equal(mine->media[0].port, answer->media[0].port);
	assert_int_equal(mine->media[0].nfmt, answer->media[0].nfmt);
	for (size_t i = 0; i < mine->media[0].nfmt; i++)
		assert_int_equal(mine->media[0].fmt[i].pt, answer->media[0].fmt[i].pt);
	sip_mem_deref(mine);
	sip_mem_deref(answer);
	sip_mem_deref(offer);
}

/* parse -> canonical print -> parse: the same typed values */
static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N; i++) {
		struct sip_msg *a = msgs[i], *b;
		struct sip_pl c1, c2;
		struct sip_out *o;
		struct sip_buf buf;

		assert_int_equal(sip_out_from_msg(&o, a, SIP_OUT_CANON), 0);
		sip_buf_init(&buf);
		assert_int_equal(sip_out_print(o, &buf), 0);
		assert_int_equal(sip_msg_decode(&b, buf.p, buf.len, NULL, 0, NULL), 0);
		assert_int_equal(sip_msg_check(b), 0);
		assert_int_equal(sip_msg_parse_all(b), 0);
		assert_int_equal(a->req, b->req);
		assert_int_equal(a->scode, b->scode);
		assert_true(sip_pl_eq(a->ruri, b->ruri));
		assert_int_equal(cseq(a)->num, cseq(b)->num);
		assert_true(sip_pl_eq(from(a)->tag, from(b)->tag));
		assert_true(sip_pl_eq(to(a)->tag, to(b)->tag));
		assert_true(sip_uri_eq(&to(a)->uri, &to(b)->uri));
		assert_int_equal(sip_msg_callid(a, &c1), 0);
		assert_int_equal(sip_msg_callid(b, &c2), 0);
		assert_true(sip_pl_eq(c1, c2));
		assert_true(sip_pl_eq(a->body, b->body));
		assert_int_equal(a->nhdrs, b->nhdrs);
		sip_msg_free(b);
		sip_buf_reset(&buf);
		sip_out_free(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_message_valid),
		cmocka_unit_test(test_start_lines_and_cseq),
		cmocka_unit_test(test_dialog_identifiers),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_offer_answer),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, load_all, free_all);
}
