/*
 * dialog_req_test.c - requests within a dialog (RFC 3261 §12.2.1.1): the
 * strict-router rewrite, CSeq numbering per method, our Contact; responses
 * within a dialog (§12.2.1.2): 481/408 terminate, a 2xx to a re-INVITE
 * refreshes the remote target.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sip/buf.h"
#include "sip/dialog.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "testutil.h"

static const char invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bK74bf9\n"
	"Max-Forwards: 70\n"
	"From: <sip:alice@atlanta.example.com>;tag=a1\n"
	"To: <sip:bob@biloxi.example.com>\n"
	"Call-ID: c1@atlanta.example.com\n"
	"CSeq: 100 INVITE\n"
	"Contact: <sip:alice@192.0.2.1>\n"
	"Content-Length: 0\n"
	"\n";

/* a response within the dialog: status, CSeq, optional Contact host */
static struct sip_msg *resp(const char *status, const char *cseq,
			    const char *contact)
{
	return tu_msgf(
		"SIP/2.0 %s\n"
		"Via: SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bKx\n"
		"Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com>\n"
		"From: <sip:alice@atlanta.example.com>;tag=a1\n"
		"To: <sip:bob@biloxi.example.com>;tag=b1\n"
		"Call-ID: c1@atlanta.example.com\n"
		"CSeq: %s\n"
		"%s%s%s"
		"Content-Length: 0\n"
		"\n", status, cseq, contact ? "Contact: <sip:bob@" : "",
		contact ? contact : "", contact ? ">\n" : "");
}

/* A confirmed UAC dialog whose first route is a strict router. */
static struct sip_dialog *strict_dialog(void)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *r200 = resp("200 OK", "100 INVITE", "192.0.2.4");
	struct sip_dialog *d;

	assert_int_equal(sip_dialog_uac_alloc(&d, req, r200), 0);
	sip_msg_free(req);
	sip_msg_free(r200);
	return d;
}

static char *build(struct sip_dialog *d, enum sip_method m)
{
	struct sip_out *o;
	struct sip_buf b;

	assert_int_equal(sip_dialog_request(&o, d, m), 0);
	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	sip_out_free(o);
	return b.p;
}

static void test_strict_router(void **state)
{
	struct sip_dialog *d = strict_dialog();
	char *s;

	(void)state;
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	assert_int_equal(d->nroutes, 2);
	assert_false(d->routes[0].lr);
	/* §12.2.1.1: Request-URI = first route, the remote target last */
	s = build(d, SIP_BYE);
	assert_string_equal(s,
		"BYE sip:p1.example.com SIP/2.0\r\n"
		"Max-Forwards: 70\r\n"
		"Route: <sip:p2.example.com;lr>\r\n"
		"Route: <sip:bob@192.0.2.4>\r\n"
		"From: <sip:alice@atlanta.example.com>;tag=a1\r\n"
		"To: <sip:bob@biloxi.example.com>;tag=b1\r\n"
		"Call-ID: c1@atlanta.example.com\r\n"
		"CSeq: 101 BYE\r\n"
		"Content-Length: 0\r\n\r\n");
	free(s);
	sip_mem_deref(d);
}

/* §12.2.1.1: parameters not allowed in a Request-URI are stripped */
static void test_strict_ruri_params(void **state)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *r200 = tu_msg(
		"SIP/2.0 200 OK\n"
		"Via: SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bKx\n"
		"Record-Route: <sip:p1.example.com;transport=tcp;method=INVITE;maddr=10.0.0.1?X=1>\n"
		"From: <sip:alice@atlanta.example.com>;tag=a1\n"
		"To: <sip:bob@biloxi.example.com>;tag=b1\n"
		"Call-ID: c1@atlanta.example.com\n"
		"CSeq: 100 INVITE\n"
		"Contact: <sip:bob@192.0.2.4>\n"
		"Content-Length: 0\n\n");
	struct sip_dialog *d;
	char *s;

	(void)state;
	assert_int_equal(sip_dialog_uac_alloc(&d, req, r200), 0);
	s = build(d, SIP_BYE);
	assert_non_null(strstr(s,
		"BYE sip:p1.example.com;transport=tcp;maddr=10.0.0.1 SIP/2.0\r\n"
		"Max-Forwards: 70\r\n"
		"Route: <sip:bob@192.0.2.4>\r\n"));
	free(s);
	sip_mem_deref(d);
	sip_msg_free(req);
	sip_msg_free(r200);
}

static void test_methods_cseq(void **state)
{
	static const struct {
		enum sip_method m;
		const char *cseq;
		bool contact;
	} want[] = {
		{ SIP_UPDATE, "CSeq: 101 UPDATE\r\n", true },
		{ SIP_INFO,   "CSeq: 102 INFO\r\n", false },
		{ SIP_REFER,  "CSeq: 103 REFER\r\n", true },
		{ SIP_NOTIFY, "CSeq: 104 NOTIFY\r\n", true },
		{ SIP_PRACK,  "CSeq: 105 PRACK\r\n", false },
		{ SIP_ACK,    "CSeq: 100 ACK\r\n", false },
		{ SIP_INVITE, "CSeq: 106 INVITE\r\n", true },
		{ SIP_CANCEL, "CSeq: 106 CANCEL\r\n", false },
		{ SIP_ACK,    "CSeq: 106 ACK\r\n", false },
		{ SIP_BYE,    "CSeq: 107 BYE\r\n", false },
	};
	struct sip_dialog *d = strict_dialog();
	struct sip_out *o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *s = build(d, want[i].m);

		assert_non_null(strstr(s, want[i].cseq));
		assert_int_equal(strstr(s, "Contact: <sip:alice@192.0.2.1>\r\n") != NULL,
				 want[i].contact);
		free(s);
	}
	assert_int_equal(d->lcseq, 107);
	assert_int_equal(sip_dialog_request(&o, d, SIP_METHOD_OTHER), EINVAL);
	sip_dialog_terminate(d);
	assert_int_equal(sip_dialog_request(&o, d, SIP_BYE), EPROTO);
	assert_int_equal(d->lcseq, 107);
	sip_mem_deref(d);
}

static void test_refresh_response(void **state)
{
	struct sip_dialog *d = strict_dialog();
	struct sip_msg *r491 = resp("491 Request Pending", "101 INVITE", "nope.example.com");
	struct sip_msg *r200 = resp("200 OK", "102 INVITE", "192.0.2.99");
	struct sip_msg *info200 = resp("200 OK", "103 INFO", "info.example.com");

	(void)state;
	/* §12.2.1.2: only a 2xx to a target refresh changes the target */
	assert_int_equal(sip_dialog_recv_response(d, r491), 0);
	assert_string_equal(d->rtarget, "sip:bob@192.0.2.4");
	assert_int_equal(sip_dialog_recv_response(d, info200), 0);
	assert_string_equal(d->rtarget, "sip:bob@192.0.2.4");
	assert_int_equal(sip_dialog_recv_response(d, r200), 0);
	assert_string_equal(d->rtarget, "sip:bob@192.0.2.99");
	/* the route set stays frozen */
	assert_int_equal(d->nroutes, 2);
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	sip_msg_free(r491);
	sip_msg_free(r200);
	sip_msg_free(info200);
	sip_mem_deref(d);
}

static void test_481_408_terminate(void **state)
{
	struct sip_dialog *d1 = strict_dialog();
	struct sip_dialog *d2 = strict_dialog();
	struct sip_msg *r481 = resp("481 Call/Transaction Does Not Exist", "101 INFO", NULL);
	struct sip_msg *r408 = resp("408 Request Timeout", "101 UPDATE", NULL);
	struct sip_msg *stray = tu_msg(
		"SIP/2.0 481 Call/Transaction Does Not Exist\n"
		"Via: SIP/2.0/UDP client.atlanta.example.com;branch=z9hG4bKx\n"
		"From: <sip:alice@atlanta.example.com>;tag=a1\n"
		"To: <sip:bob@biloxi.example.com>;tag=someone-else\n"
		"Call-ID: c1@atlanta.example.com\n"
		"CSeq: 101 INFO\n"
		"Content-Length: 0\n\n");

	(void)state;
	assert_int_equal(sip_dialog_recv_response(d1, stray), EINVAL);
	assert_int_equal(d1->state, SIP_DIALOG_CONFIRMED);
	assert_int_equal(sip_dialog_recv_response(d1, r481), 0);
	assert_int_equal(d1->state, SIP_DIALOG_TERMINATED);
	assert_int_equal(sip_dialog_recv_response(d2, r408), 0);
	assert_int_equal(d2->state, SIP_DIALOG_TERMINATED);
	sip_msg_free(r481);
	sip_msg_free(r408);
	sip_msg_free(stray);
	sip_mem_deref(d1);
	sip_mem_deref(d2);
}

static void test_uac_first_request(void **state)
{
	struct sip_dialog *d = strict_dialog();
	struct sip_msg *bye = tu_msg(
		"BYE sip:alice@192.0.2.1 SIP/2.0\n"
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKb\n"
		"From: <sip:bob@biloxi.example.com>;tag=b1\n"
		"To: <sip:alice@atlanta.example.com>;tag=a1\n"
		"Call-ID: c1@atlanta.example.com\n"
		"CSeq: 1 BYE\n"
		"Content-Length: 0\n\n");

	(void)state;
	/* §12.2.2: an empty remote CSeq accepts any number */
	assert_false(d->rcseq_set);
	assert_int_equal(sip_dialog_recv_request(d, bye, NULL, NULL), 0);
	assert_true(d->rcseq_set);
	assert_int_equal(d->rcseq, 1);
	assert_int_equal(d->state, SIP_DIALOG_TERMINATED);
	sip_msg_free(bye);
	sip_mem_deref(d);
}

/* Every allocation failure inside the dialog layer returns ENOMEM and
 * leaks nothing; the dialog is left usable. */
static void test_oom(void **state)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *r180 = resp("180 Ringing", "100 INVITE", "192.0.2.3");
	struct sip_msg *r200 = resp("200 OK", "100 INVITE", "192.0.2.4");
	long live = sip_mem_live();
	struct sip_dialog_table *t = NULL;
	struct sip_dialog *d = NULL;
	struct sip_out *o;
	char *before;
	int err;

	(void)state;
	/* parse every header up front: parse caches allocate too */
	assert_int_equal(sip_msg_parse_all(req), 0);
	assert_int_equal(sip_msg_parse_all(r180), 0);
	assert_int_equal(sip_msg_parse_all(r200), 0);
	live = sip_mem_live();
	for (long n = 0;; n++) {
		sip_mem_fail_after(n);
		err = sip_dialog_uac_alloc(&d, req, r180);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_int_equal(sip_mem_live(), live);
		assert_true(n < 100);
	}
	before = build(d, SIP_INFO);
	for (long n = 0;; n++) {
		sip_mem_fail_after(n);
		err = sip_dialog_uac_update(d, r200);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_int_equal(d->state, SIP_DIALOG_EARLY);
		assert_string_equal(d->rtarget, "sip:bob@192.0.2.3");
		assert_true(n < 100);
	}
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	for (long n = 0;; n++) {
		sip_mem_fail_after(n);
		err = sip_dialog_request(&o, d, SIP_BYE);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		assert_int_equal(d->lcseq, 101);
		assert_true(n < 100);
	}
	sip_out_free(o);
	assert_int_equal(d->lcseq, 102);
	free(before);
	sip_mem_deref(d);
	assert_int_equal(sip_mem_live(), live);

	for (long n = 0;; n++) {
		sip_mem_fail_after(n);
		err = sip_dialog_table_alloc(&t, 0);
		if (!err)
			err = sip_dialog_table_uac_response(t, req, r200, &d);
		sip_mem_fail_after(-1);
		if (!err)
			break;
		assert_int_equal(err, ENOMEM);
		t = sip_mem_deref(t);
		assert_int_equal(sip_mem_live(), live);
		assert_true(n < 100);
	}
	assert_int_equal(sip_dialog_table_count(t), 1);
	sip_mem_deref(t);
	assert_int_equal(sip_mem_live(), live);
	sip_msg_free(req);
	sip_msg_free(r180);
	sip_msg_free(r200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_router),
		cmocka_unit_test(test_strict_ruri_params),
		cmocka_unit_test(test_methods_cseq),
		cmocka_unit_test(test_refresh_response),
		cmocka_unit_test(test_481_408_terminate),
		cmocka_unit_test(test_uac_first_request),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
