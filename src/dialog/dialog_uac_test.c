/*
 * dialog_uac_test.c - UAC dialogs (RFC 3261 §12.1.2): 180 then 200 with
 * two record-routing proxies, the ACK and BYE built from the dialog;
 * forked 18x creating two early dialogs, a 2xx confirming one.
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
	"Via: SIP/2.0/TCP client.atlanta.example.com;branch=z9hG4bK74bf9\n"
	"Max-Forwards: 70\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\n"
	"Content-Length: 0\n"
	"\n";

/* a response to the INVITE: status line, To tag, Contact host */
static struct sip_msg *resp(const char *status, const char *totag,
			    const char *contact)
{
	return tu_msgf(
		"SIP/2.0 %s\n"
		"Via: SIP/2.0/TCP client.atlanta.example.com;branch=z9hG4bK74bf9\n"
		"Record-Route: <sip:p2.biloxi.example.com;lr>, <sip:p1.atlanta.example.com;lr>\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=%s\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\n"
		"CSeq: 1 INVITE\n"
		"Contact: <sip:bob@%s>\n"
		"Content-Length: 0\n"
		"\n", status, totag, contact);
}

static char *print(struct sip_out *o)
{
	struct sip_buf b;

	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	sip_out_free(o);
	return b.p;
}

static void test_uac_flow(void **state)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *r180 = resp("180 Ringing", "8321234356", "ringing.biloxi.example.com");
	struct sip_msg *r200 = resp("200 OK", "8321234356", "192.0.2.4");
	struct sip_dialog *d;
	struct sip_out *o;
	char *s;

	(void)state;
	assert_int_equal(sip_dialog_uac_alloc(&d, req, r180), 0);
	assert_int_equal(d->state, SIP_DIALOG_EARLY);
	assert_true(d->uac);
	assert_string_equal(d->callid, "3848276298220188511@atlanta.example.com");
	assert_string_equal(d->ltag, "9fxced76sl");
	assert_string_equal(d->rtag, "8321234356");
	assert_string_equal(d->luri, "sip:alice@atlanta.example.com");
	assert_string_equal(d->ruri, "sip:bob@biloxi.example.com");
	assert_string_equal(d->rtarget, "sip:bob@ringing.biloxi.example.com");
	assert_false(d->rcseq_set);
	assert_int_equal(d->lcseq, 1);
	assert_false(d->secure);
	/* §12.1.2: the route set is the Record-Route list reversed */
	assert_int_equal(d->nroutes, 2);
	assert_string_equal(d->routes[0].uri, "sip:p1.atlanta.example.com;lr");
	assert_string_equal(d->routes[1].uri, "sip:p2.biloxi.example.com;lr");
	assert_true(d->routes[0].lr);

	assert_int_equal(sip_dialog_uac_update(d, r200), 0);
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	assert_string_equal(d->rtarget, "sip:bob@192.0.2.4");
	assert_string_equal(sip_dialog_state_name(d->state), "confirmed");

	assert_int_equal(sip_dialog_request(&o, d, SIP_ACK), 0);
	s = print(o);
	assert_string_equal(s,
		"ACK sip:bob@192.0.2.4 SIP/2.0\r\n"
		"Max-Forwards: 70\r\n"
		"Route: <sip:p1.atlanta.example.com;lr>\r\n"
		"Route: <sip:p2.biloxi.example.com;lr>\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\r\n"
		"CSeq: 1 ACK\r\n"
		"Content-Length: 0\r\n\r\n");
	free(s);
	assert_int_equal(d->lcseq, 1);

	assert_int_equal(sip_dialog_request(&o, d, SIP_BYE), 0);
	s = print(o);
	assert_string_equal(s,
		"BYE sip:bob@192.0.2.4 SIP/2.0\r\n"
		"Max-Forwards: 70\r\n"
		"Route: <sip:p1.atlanta.example.com;lr>\r\n"
		"Route: <sip:p2.biloxi.example.com;lr>\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\r\n"
		"CSeq: 2 BYE\r\n"
		"Content-Length: 0\r\n\r\n");
	free(s);
	assert_int_equal(d->lcseq, 2);

	/* a re-INVITE carries our Contact and becomes the ACK's CSeq */
	assert_int_equal(sip_dialog_request(&o, d, SIP_INVITE), 0);
	s = print(o);
	assert_non_null(strstr(s, "CSeq: 3 INVITE\r\n"));
	assert_non_null(strstr(s,
		"Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n"));
	free(s);
	assert_int_equal(sip_dialog_request(&o, d, SIP_ACK), 0);
	s = print(o);
	assert_non_null(strstr(s, "CSeq: 3 ACK\r\n"));
	assert_null(strstr(s, "Contact:"));
	free(s);

	sip_mem_deref(d);
	sip_msg_free(req);
	sip_msg_free(r180);
	sip_msg_free(r200);
}

static void test_uac_refused(void **state)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *r100 = tu_msg(
		"SIP/2.0 100 Trying\n"
		"Via: SIP/2.0/TCP client.atlanta.example.com;branch=z9hG4bK74bf9\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"To: Bob <sip:bob@biloxi.example.com>\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\n"
		"CSeq: 1 INVITE\n"
		"Content-Length: 0\n\n");
	struct sip_msg *r486 = resp("486 Busy Here", "x1", "h");
	struct sip_dialog *d = NULL;

	(void)state;
	assert_int_equal(sip_dialog_uac_alloc(&d, req, r100), EINVAL);
	assert_int_equal(sip_dialog_uac_alloc(&d, req, r486), EINVAL);
	assert_null(d);
	sip_msg_free(req);
	sip_msg_free(r100);
	sip_msg_free(r486);
}

static void test_forked(void **state)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *a183 = resp("183 Session Progress", "forkA", "a.example.com");
	struct sip_msg *b180 = resp("180 Ringing", "forkB", "b.example.com");
	struct sip_msg *b200 = resp("200 OK", "forkB", "b2.example.com");
	struct sip_dialog_table *t;
	struct sip_dialog *da, *db, *d;

	(void)state;
	assert_int_equal(sip_dialog_table_alloc(&t, 0), 0);
	assert_int_equal(sip_dialog_table_uac_response(t, req, a183, &da), 0);
	assert_int_equal(sip_dialog_table_uac_response(t, req, b180, &db), 0);
	assert_non_null(da);
	assert_non_null(db);
	assert_ptr_not_equal(da, db);
	assert_int_equal(sip_dialog_table_count(t), 2);
	assert_int_equal(da->state, SIP_DIALOG_EARLY);
	assert_int_equal(db->state, SIP_DIALOG_EARLY);
	/* a retransmitted 18x finds the same early dialog */
	assert_int_equal(sip_dialog_table_uac_response(t, req, a183, &d), 0);
	assert_ptr_equal(d, da);
	assert_int_equal(sip_dialog_table_count(t), 2);

	sip_mem_ref(da);   /* keep fork A to see it terminate */
	assert_int_equal(sip_dialog_table_uac_response(t, req, b200, &d), 0);
	assert_ptr_equal(d, db);
	assert_int_equal(db->state, SIP_DIALOG_CONFIRMED);
	assert_string_equal(db->rtarget, "sip:bob@b2.example.com");
	assert_int_equal(da->state, SIP_DIALOG_TERMINATED);
	assert_int_equal(sip_dialog_table_count(t), 1);
	assert_ptr_equal(sip_dialog_table_find_resp(t, b200), db);
	assert_null(sip_dialog_table_find_resp(t, a183));
	sip_mem_deref(da);

	sip_mem_deref(t);
	sip_msg_free(req);
	sip_msg_free(a183);
	sip_msg_free(b180);
	sip_msg_free(b200);
}

static void test_forked_rejected(void **state)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_msg *a180 = resp("180 Ringing", "forkA", "a.example.com");
	struct sip_msg *b180 = resp("180 Ringing", "forkB", "b.example.com");
	struct sip_msg *r603 = resp("603 Decline", "forkC", "c.example.com");
	struct sip_dialog_table *t;
	struct sip_dialog *d = (struct sip_dialog *)1;

	(void)state;
	assert_int_equal(sip_dialog_table_alloc(&t, 4), 0);
	assert_int_equal(sip_dialog_table_uac_response(t, req, a180, NULL), 0);
	assert_int_equal(sip_dialog_table_uac_response(t, req, b180, NULL), 0);
	assert_int_equal(sip_dialog_table_count(t), 2);
	assert_int_equal(sip_dialog_table_uac_response(t, req, r603, &d), 0);
	assert_null(d);
	assert_int_equal(sip_dialog_table_count(t), 0);
	sip_mem_deref(t);
	sip_msg_free(req);
	sip_msg_free(a180);
	sip_msg_free(b180);
	sip_msg_free(r603);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uac_flow),
		cmocka_unit_test(test_uac_refused),
		cmocka_unit_test(test_forked),
		cmocka_unit_test(test_forked_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
