/*
 * dialog_uas_test.c - UAS dialogs (RFC 3261 §12.1.1): route set in
 * Record-Route order, our BYE with From/To swapped, received requests
 * (§12.2.2: CSeq order, target refresh, BYE) and table lookup.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	"INVITE sips:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/TLS p2.biloxi.example.com;branch=z9hG4bKp2\n"
	"Via: SIP/2.0/TLS p1.atlanta.example.com;branch=z9hG4bKp1\n"
	"Via: SIP/2.0/TLS client.atlanta.example.com;branch=z9hG4bK74bf9\n"
	"Max-Forwards: 68\n"
	"Record-Route: <sips:p2.biloxi.example.com;lr>\n"
	"Record-Route: <sips:p1.atlanta.example.com;lr>\n"
	"From: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sips:bob@biloxi.example.com>\n"
	"Call-ID: 3848276298220188511@atlanta.example.com\n"
	"CSeq: 7 INVITE\n"
	"Contact: <sips:alice@client.atlanta.example.com>\n"
	"Content-Length: 0\n"
	"\n";

/* an in-dialog request from Alice */
static struct sip_msg *from_alice(const char *method, unsigned cseq,
				  const char *contact_host)
{
	char contact[128] = "";

	if (contact_host)
		snprintf(contact, sizeof contact,
			 "Contact: <sips:alice@%s>\n", contact_host);
	return tu_msgf(
		"%s sips:bob@bobpc.biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/TLS p2.biloxi.example.com;branch=z9hG4bKq%u\n"
		"Max-Forwards: 68\n"
		"From: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"To: Bob <sips:bob@biloxi.example.com>;tag=b0b\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\n"
		"CSeq: %u %s\n"
		"%s"
		"Content-Length: 0\n"
		"\n", method, cseq, cseq, method, contact);
}

static struct sip_dialog *uas_dialog(uint16_t scode)
{
	struct sip_msg *req = tu_msg(invite);
	struct sip_dialog *d;

	assert_int_equal(sip_dialog_uas_alloc(&d, req, scode, SIP_PL("b0b"),
		SIP_PL("sips:bob@bobpc.biloxi.example.com")), 0);
	sip_msg_free(req);   /* the dialog keeps copies */
	return d;
}

static void test_uas_create(void **state)
{
	struct sip_dialog *d = uas_dialog(200);
	struct sip_out *o;
	struct sip_buf b;

	(void)state;
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	assert_false(d->uac);
	assert_string_equal(d->ltag, "b0b");
	assert_string_equal(d->rtag, "9fxced76sl");
	assert_string_equal(d->luri, "sips:bob@biloxi.example.com");
	assert_string_equal(d->ruri, "sips:alice@atlanta.example.com");
	assert_string_equal(d->rtarget, "sips:alice@client.atlanta.example.com");
	assert_true(d->rcseq_set);
	assert_int_equal(d->rcseq, 7);
	assert_int_equal(d->lcseq, 0);
	assert_true(d->secure);
	/* §12.1.1: the route set is the Record-Route list in order */
	assert_int_equal(d->nroutes, 2);
	assert_string_equal(d->routes[0].addr, "<sips:p2.biloxi.example.com;lr>");
	assert_string_equal(d->routes[1].addr, "<sips:p1.atlanta.example.com;lr>");
	sip_buf_init(&b);
	sip_dialog_debug(&b, d);
	assert_int_equal(sip_buf_err(&b), 0);
	assert_string_equal(b.p,
		"state: confirmed (uas) secure\n"
		"call-id: 3848276298220188511@atlanta.example.com\n"
		"local-tag: b0b\nremote-tag: 9fxced76sl\n"
		"local: Bob <sips:bob@biloxi.example.com>;tag=b0b\n"
		"remote: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"local-cseq: 0\nremote-cseq: 7\n"
		"remote-target: sips:alice@client.atlanta.example.com\n"
		"contact: sips:bob@bobpc.biloxi.example.com\n"
		"route: <sips:p2.biloxi.example.com;lr>\n"
		"route: <sips:p1.atlanta.example.com;lr>\n");
	sip_buf_reset(&b);

	/* our BYE: From is us with our tag, To is Alice with hers */
	assert_int_equal(sip_dialog_request(&o, d, SIP_BYE), 0);
	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	assert_string_equal(b.p,
		"BYE sips:alice@client.atlanta.example.com SIP/2.0\r\n"
		"Max-Forwards: 70\r\n"
		"Route: <sips:p2.biloxi.example.com;lr>\r\n"
		"Route: <sips:p1.atlanta.example.com;lr>\r\n"
		"From: Bob <sips:bob@biloxi.example.com>;tag=b0b\r\n"
		"To: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\r\n"
		"CSeq: 1 BYE\r\n"
		"Content-Length: 0\r\n\r\n");
	sip_buf_reset(&b);
	sip_out_free(o);
	/* no INVITE of ours yet: nothing to ACK */
	assert_int_equal(sip_dialog_request(&o, d, SIP_ACK), EINVAL);
	sip_mem_deref(d);
}

static void test_uas_early_confirm(void **state)
{
	struct sip_dialog *d = uas_dialog(180);

	(void)state;
	assert_int_equal(d->state, SIP_DIALOG_EARLY);
	assert_int_equal(sip_dialog_confirm(d), 0);
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	assert_int_equal(sip_dialog_confirm(d), EPROTO);
	sip_dialog_terminate(d);
	sip_dialog_terminate(d);
	assert_int_equal(d->state, SIP_DIALOG_TERMINATED);
	sip_mem_deref(d);
}

static void test_cseq_order(void **state)
{
	struct sip_dialog *d = uas_dialog(200);
	struct sip_msg *info9 = from_alice("INFO", 9, NULL);
	struct sip_msg *info8 = from_alice("INFO", 8, NULL);
	const char *reason = NULL;
	uint16_t scode = 0;

	(void)state;
	assert_int_equal(sip_dialog_recv_request(d, info9, &scode, &reason), 0);
	assert_int_equal(d->rcseq, 9);
	assert_int_equal(sip_dialog_recv_request(d, info8, &scode, &reason), ERANGE);
	assert_int_equal(scode, 500);
	assert_string_equal(reason, "CSeq out of order");
	assert_int_equal(d->rcseq, 9);
	assert_int_equal(d->state, SIP_DIALOG_CONFIRMED);
	sip_msg_free(info9);
	sip_msg_free(info8);
	sip_mem_deref(d);
}

static void test_target_refresh(void **state)
{
	struct sip_dialog *d = uas_dialog(200);
	struct sip_msg *info = from_alice("INFO", 8, "elsewhere.example.com");
	struct sip_msg *reinv = from_alice("INVITE", 9, "newpc.atlanta.example.com");
	struct sip_msg *bye = from_alice("BYE", 10, NULL);
	const char *reason = NULL;
	uint16_t scode = 0;

	(void)state;
	/* INFO is no target refresh: its Contact is ignored */
	assert_int_equal(sip_dialog_recv_request(d, info, NULL, NULL), 0);
	assert_string_equal(d->rtarget, "sips:alice@client.atlanta.example.com");
	assert_int_equal(sip_dialog_recv_request(d, reinv, NULL, NULL), 0);
	assert_string_equal(d->rtarget, "sips:alice@newpc.atlanta.example.com");
	assert_int_equal(sip_dialog_recv_request(d, bye, NULL, NULL), 0);
	assert_int_equal(d->state, SIP_DIALOG_TERMINATED);
	/* after BYE the dialog is gone: 481 */
	assert_int_equal(sip_dialog_recv_request(d, bye, &scode, &reason), EPROTO);
	assert_int_equal(scode, 481);
	assert_string_equal(reason, "Call/Transaction Does Not Exist");
	sip_msg_free(info);
	sip_msg_free(reinv);
	sip_msg_free(bye);
	sip_mem_deref(d);
}

static void test_table_lookup(void **state)
{
	struct sip_dialog *d = uas_dialog(200);
	struct sip_msg *bye = from_alice("BYE", 10, NULL);
	struct sip_msg *other = tu_msg(
		"BYE sips:bob@bobpc.biloxi.example.com SIP/2.0\n"
		"Via: SIP/2.0/TLS p2.biloxi.example.com;branch=z9hG4bKz\n"
		"From: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\n"
		"To: Bob <sips:bob@biloxi.example.com>;tag=notours\n"
		"Call-ID: 3848276298220188511@atlanta.example.com\n"
		"CSeq: 10 BYE\n"
		"Content-Length: 0\n\n");
	struct sip_dialog_table *t;
	struct sip_dialog *found;

	(void)state;
	assert_int_equal(sip_dialog_table_alloc(&t, 1), 0);
	assert_int_equal(sip_dialog_table_add(t, d), 0);
	assert_int_equal(sip_dialog_table_add(t, d), EBUSY);
	assert_int_equal(sip_dialog_table_count(t), 1);
	assert_ptr_equal(sip_dialog_table_find_req(t, bye), d);
	assert_null(sip_dialog_table_find_req(t, other));
	assert_false(sip_dialog_match_req(d, other));
	assert_int_equal(sip_dialog_recv_request(d, other, NULL, NULL), EINVAL);
	assert_ptr_equal(sip_dialog_table_find(t,
		SIP_PL("3848276298220188511@atlanta.example.com"), SIP_PL("b0b"),
		SIP_PL("9fxced76sl")), d);

	found = sip_dialog_table_find_req(t, bye);
	assert_int_equal(sip_dialog_recv_request(found, bye, NULL, NULL), 0);
	assert_int_equal(found->state, SIP_DIALOG_TERMINATED);
	assert_int_equal(sip_dialog_table_remove(t, found), 0);
	assert_int_equal(sip_dialog_table_count(t), 0);
	assert_null(sip_dialog_table_find_req(t, bye));
	/* our own reference keeps it */
	assert_int_equal(sip_dialog_table_remove(t, d), ENOENT);
	assert_int_equal(d->state, SIP_DIALOG_TERMINATED);
	/* the table drops what it still holds */
	assert_int_equal(sip_dialog_table_add(t, d), 0);
	sip_mem_deref(d);
	sip_mem_deref(t);
	sip_msg_free(bye);
	sip_msg_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uas_create),
		cmocka_unit_test(test_uas_early_confirm),
		cmocka_unit_test(test_cseq_order),
		cmocka_unit_test(test_target_refresh),
		cmocka_unit_test(test_table_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
