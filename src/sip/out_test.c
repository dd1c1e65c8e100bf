/*
 * out_test.c - building requests and responses, editing a received
 * request for forwarding (§16.6), responses per §8.2.6.
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

#include "sip/mem.h"
#include "sip/msg.h"
#include "sip/out.h"
#include "testutil.h"

static const char req_text[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds, SIP/2.0/TCP p1.example.com;branch=z9hG4bKp1\n"
	"Max-Forwards: 70\n"
	"Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n"
	"Route: <sip:p3.example.com;lr>\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710\n"
	"CSeq: 314159 INVITE\n"
	"Timestamp: 54\n"
	"Content-Length: 0\n"
	"\n";

static struct sip_msg *decode(const char *text)
{
	struct sip_msg *m;
	size_t len;
	char *w = tu_crlf(text, &len);

	assert_int_equal(sip_msg_decode(&m, w, len, NULL, 0, NULL), 0);
	free(w);
	return m;
}

/* Printed by sip_out_print(); sip_out_write() must give the same bytes
 * in exactly sip_out_size() of them (checked for every message here). */
static char *print(struct sip_out *o)
{
	struct sip_buf b;
	size_t n = sip_out_size(o);
	char *w = malloc(n + 2);

	sip_buf_init(&b);
	assert_int_equal(sip_out_print(o, &b), 0);
	assert_non_null(w);
	w[n] = '#';
	w[n + 1] = '\0';
	sip_out_write(o, w);
	assert_int_equal(n, b.len);
	assert_memory_equal(w, b.p, n);
	assert_int_equal(w[n], '#');
	free(w);
	return b.p;
}

static void test_build_request(void **state)
{
	struct sip_out *o;
	char *s;

	(void)state;
	assert_int_equal(sip_out_request(&o, SIP_PL("OPTIONS"), SIP_PL("sip:a@b")), 0);
	assert_int_equal(sip_out_addf(o, SIP_HDR_VIA, "SIP/2.0/UDP h;branch=z9hG4bK%d", 1), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_OTHER, "X-Test", SIP_PL("1")), 0);
	assert_int_equal(sip_out_maxfwd_dec(o), 0); /* absent: 70 added */
	assert_int_equal(sip_out_body(o, "text/plain", SIP_PL("hi")), 0);
	s = print(o);
	assert_string_equal(s,
		"OPTIONS sip:a@b SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"X-Test: 1\r\n"
		"Max-Forwards: 70\r\n"
		"Content-Type: text/plain\r\n"
		"Content-Length: 2\r\n\r\nhi");
	free(s);
	sip_out_free(o);
	/* an unknown header needs a name */
	assert_int_equal(sip_out_request(&o, SIP_PL("BYE"), SIP_PL("sip:x")), 0);
	assert_int_equal(sip_out_add(o, SIP_HDR_OTHER, NULL, SIP_PL("1")), EINVAL);
	sip_out_free(o);
}

static void test_forward_edits(void **state)
{
	struct sip_msg *m = decode(req_text), *m2;
	struct sip_out *o;
	char *s;

	(void)state;
	assert_int_equal(sip_out_from_msg(&o, m, 0), 0);
	assert_int_equal(sip_out_via_push(o, SIP_PL("SIP/2.0/UDP proxy;branch=z9hG4bKnew")), 0);
	assert_int_equal(sip_out_route_pop(o), 0);
	assert_int_equal(sip_out_rr_add(o, SIP_PL("<sip:proxy;lr>")), 0);
	assert_int_equal(sip_out_maxfwd_dec(o), 0);
	assert_int_equal(sip_out_set_ruri(o, SIP_PL("sip:bob@192.0.2.4")), 0);
	s = print(o);
	assert_non_null(strstr(s, "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n"));
	assert_non_null(strstr(s, "Record-Route: <sip:proxy;lr>\r\nVia: SIP/2.0/UDP proxy;branch=z9hG4bKnew\r\n"));
	assert_non_null(strstr(s, "Route: <sip:p2.example.com;lr>\r\nRoute: <sip:p3.example.com;lr>\r\n"));
	assert_null(strstr(s, "p1.example.com;lr"));
	assert_non_null(strstr(s, "Max-Forwards: 69\r\n"));
	/* the received buffer is not modified */
	assert_non_null(memmem(m->raw.p, m->raw.len, "Max-Forwards: 70", 16));
	/* and what we print decodes again */
	assert_int_equal(sip_msg_decode(&m2, s, strlen(s), NULL, 0, NULL), 0);
	assert_null(m2->err);
	assert_int_equal(sip_msg_hdr_count(m2, SIP_HDR_VIA), 2);
	sip_msg_free(m2);
	free(s);
	/* popping Via for response forwarding, value by value */
	assert_int_equal(sip_out_via_pop(o), 0);
	assert_int_equal(sip_out_via_pop(o), 0);
	s = print(o);
	assert_non_null(strstr(s, "Via: SIP/2.0/TCP p1.example.com;branch=z9hG4bKp1\r\n"));
	free(s);
	assert_int_equal(sip_out_via_pop(o), 0);
	assert_int_equal(sip_out_via_pop(o), ENOENT);
	sip_out_free(o);
	sip_msg_free(m);
}

static void test_maxfwd_zero(void **state)
{
	struct sip_msg *m = decode("OPTIONS sip:a@b SIP/2.0\nMax-Forwards: 0\n\n");
	struct sip_out *o;

	(void)state;
	assert_int_equal(sip_out_from_msg(&o, m, 0), 0);
	assert_int_equal(sip_out_maxfwd_dec(o), EINVAL);
	sip_out_free(o);
	sip_msg_free(m);
}

static void test_reply(void **state)
{
	struct sip_msg *m = decode(req_text);
	struct sip_out *o;
	char *s;

	(void)state;
	assert_int_equal(sip_out_reply(&o, m, 486, NULL, "xyz"), 0);
	s = print(o);
	assert_string_equal(s,
		"SIP/2.0 486 Busy Here\r\n"
		"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds, SIP/2.0/TCP p1.example.com;branch=z9hG4bKp1\r\n"
		"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		"To: Bob <sip:bob@biloxi.example.com>;tag=xyz\r\n"
		"Call-ID: a84b4c76e66710\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Content-Length: 0\r\n\r\n");
	free(s);
	sip_out_free(o);
	/* 100 Trying: no To tag, Timestamp copied (§8.2.6.1) */
	assert_int_equal(sip_out_reply(&o, m, 100, NULL, "xyz"), 0);
	s = print(o);
	assert_non_null(strstr(s, "To: Bob <sip:bob@biloxi.example.com>\r\n"));
	assert_non_null(strstr(s, "Timestamp: 54\r\n"));
	free(s);
	sip_out_free(o);
	/* custom reason phrase naming the problem */
	assert_int_equal(sip_out_reply(&o, m, 400, "Bad CSeq header", NULL), 0);
	s = print(o);
	assert_non_null(strstr(s, "SIP/2.0 400 Bad CSeq header\r\n"));
	free(s);
	sip_out_free(o);
	sip_msg_free(m);
}

static void test_reason_phrases(void **state)
{
	(void)state;
	assert_string_equal(sip_reason_phrase(200), "OK");
	assert_string_equal(sip_reason_phrase(482), "Loop Detected");
	assert_string_equal(sip_reason_phrase(505), "Version Not Supported");
	assert_string_equal(sip_reason_phrase(299), "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_request),
		cmocka_unit_test(test_forward_edits),
		cmocka_unit_test(test_maxfwd_zero),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reason_phrases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
