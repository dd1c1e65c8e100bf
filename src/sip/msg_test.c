/*
 * msg_test.c - message decoding (start line, header index, folding,
 * compact forms, body, limits), the stream framer, the scanner and
 * header parameters, and decoding under allocation failure.
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
#include "sip/param.h"
#include "sip.h"
#include "testutil.h"

static const char invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\n"
	"Max-Forwards: 70\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"i: a84b4c76e66710@pc33.atlanta.example.com\n"
	"CSeq: 314159 INVITE\n"
	"Subject: a long\n"
	"  folded\n"
	"\tsubject\n"
	"X-Custom: yes\n"
	"Content-Type: application/sdp\n"
	"l: 4\n"
	"\n"
	"v=0\n";

static struct sip_msg *decode_text(const char *text, unsigned flags)
{
	struct sip_msg *m = NULL;
	const char *why = NULL;
	size_t len;
	char *wire = tu_crlf(text, &len);

	assert_int_equal(sip_msg_decode(&m, wire, len, NULL, flags, &why), 0);
	free(wire); /* the message copied the bytes */
	return m;
}

static void test_request(void **state)
{
	struct sip_msg *m = decode_text(invite, 0);

	(void)state;
	assert_true(m->req);
	assert_true(sip_pl_eqs(m->method, "INVITE"));
	assert_int_equal(m->mid, SIP_INVITE);
	assert_true(sip_pl_eqs(m->ruri, "sip:bob@biloxi.example.com"));
	assert_true(sip_pl_eqs(m->version, "SIP/2.0"));
	assert_null(m->err);
	assert_int_equal(m->nhdrs, 10);
	/* compact forms map to their ids */
	assert_true(sip_pl_eqs(sip_msg_hdr(m, SIP_HDR_CALL_ID)->value,
			       "a84b4c76e66710@pc33.atlanta.example.com"));
	assert_non_null(sip_msg_hdr(m, SIP_HDR_FROM));
	/* folded value: one header, slice spans the folds */
	assert_true(sip_pl_eqs(sip_msg_hdr(m, SIP_HDR_SUBJECT)->value,
			       "a long\r\n  folded\r\n\tsubject"));
	/* unknown headers are kept and found by name */
	assert_true(sip_pl_eqs(sip_msg_hdr_name(m, "x-custom")->value, "yes"));
	assert_true(sip_pl_eqs(m->body, "v=0\r"));
	assert_int_equal(m->trailing, 1);
	sip_msg_free(m);
}

static void test_response(void **state)
{
	struct sip_msg *m = decode_text("SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP h\n\n", 0);

	(void)state;
	assert_false(m->req);
	assert_int_equal(m->scode, 180);
	assert_true(sip_pl_eqs(m->reason, "Ringing"));
	assert_null(m->err);
	sip_msg_free(m);
	m = decode_text("SIP/2.0 100 \n\n", 0);
	assert_int_equal(m->scode, 100);
	assert_int_equal(m->reason.len, 0);
	assert_null(m->err);
	sip_msg_free(m);
}

static void expect_err(const char *text, const char *reason)
{
	struct sip_msg *m = decode_text(text, 0);

	assert_non_null(m->err);
	assert_string_equal(m->err, reason);
	sip_msg_free(m);
}

static void test_start_line_errors(void **state)
{
	(void)state;
	expect_err("INVITE  sip:a@b SIP/2.0\n\n", "Malformed request line");
	expect_err("INVITE sip:a@b SIP/2.0 \n\n", "Malformed request line");
	expect_err("INVITE sip:a@b; lr SIP/2.0\n\n", "Malformed request line");
	expect_err("INVITE sip:a@b SIP/7.0\n\n", "Version Not Supported");
	expect_err("SIP/2.0 4294967301 Big\n\n", "Bad status code");
	expect_err("SIP/2.0 099 Small\n\n", "Bad status code");
	expect_err("SIP/2.0 20 Short\n\n", "Bad status code");
	expect_err("INV@TE sip:a@b SIP/2.0\n\n", "Bad method");
	expect_err("OPTIONS sip:a@b SIP/2.0\nNoColonHere\n\n", "Malformed header line");
}

static void test_body_length(void **state)
{
	struct sip_msg *m;

	(void)state;
	/* more bytes than Content-Length in a datagram: extra ignored */
	m = decode_text("MESSAGE sip:a@b SIP/2.0\nContent-Length: 2\n\nhello", 0);
	assert_true(sip_pl_eqs(m->body, "he"));
	assert_int_equal(m->trailing, 3);
	assert_null(m->err);
	sip_msg_free(m);
	expect_err("MESSAGE sip:a@b SIP/2.0\nContent-Length: 9\n\nhello",
		   "Content-Length larger than message");
	expect_err("MESSAGE sip:a@b SIP/2.0\nContent-Length: -3\n\nhello",
		   "Bad Content-Length header");
	expect_err("MESSAGE sip:a@b SIP/2.0\nl: 1\nContent-Length: 2\n\nhello",
		   "Bad Content-Length header");
	/* no Content-Length: rest of the datagram; on a stream: an error */
	m = decode_text("MESSAGE sip:a@b SIP/2.0\n\nhello", 0);
	assert_true(sip_pl_eqs(m->body, "hello"));
	sip_msg_free(m);
	m = decode_text("MESSAGE sip:a@b SIP/2.0\n\nhello", SIP_DECODE_STREAM);
	assert_string_equal(m->err, "Missing Content-Length header");
	sip_msg_free(m);
}

static void test_decode_failures(void **state)
{
	struct sip_msg *m = NULL;
	const char *why = NULL;
	char *big;
	size_t n;

	(void)state;
	assert_int_equal(sip_msg_decode(&m, "INVITE sip:a@b SIP/2.0\r\nVia: x\r\n", 32,
					NULL, 0, &why), EBADMSG);
	assert_string_equal(why, "Incomplete header section");
	assert_null(m);
	big = malloc(SIP_MSG_MAX_SIZE + 10);
	memset(big, 'a', SIP_MSG_MAX_SIZE + 10);
	assert_int_equal(sip_msg_decode(&m, big, SIP_MSG_MAX_SIZE + 10, NULL, 0, &why),
			 E2BIG);
	free(big);
	/* too many header lines */
	big = malloc(20 * (SIP_MSG_MAX_HDRS + 2) + 64);
	n = (size_t)sprintf(big, "OPTIONS sip:a@b SIP/2.0\r\n");
	for (int i = 0; i < SIP_MSG_MAX_HDRS + 1; i++)
		n += (size_t)sprintf(big + n, "X-H: %d\r\n", i);
	n += (size_t)sprintf(big + n, "\r\n");
	assert_int_equal(sip_msg_decode(&m, big, n, NULL, 0, &why), E2BIG);
	free(big);
}

static void test_zero_copy_owner(void **state)
{
	size_t len;
	char *wire = tu_crlf(invite, &len);
	char *owned = sip_mem_zalloc(len, NULL);
	struct sip_msg *m;

	(void)state;
	memcpy(owned, wire, len);
	free(wire);
	assert_int_equal(sip_msg_decode(&m, owned, len, owned, 0, NULL), 0);
	assert_int_equal(sip_mem_nrefs(owned), 2);
	/* slices point into the owner's bytes, no copy */
	assert_ptr_equal(m->method.p, owned);
	owned = sip_mem_deref(owned);
	assert_true(sip_pl_eqs(m->method, "INVITE"));
	sip_msg_free(m);
}

static void test_oom(void **state)
{
	size_t len;
	char *wire = tu_crlf(invite, &len);
	long live = sip_mem_live();
	int rc = ENOMEM;

	(void)state;
	/* each allocation in turn fails: a clean ENOMEM, nothing leaked */
	for (long n = 0; rc == ENOMEM && n < 100; n++) {
		struct sip_msg *m = NULL;

		sip_mem_fail_after(n);
		rc = sip_msg_decode(&m, wire, len, NULL, 0, NULL);
		sip_mem_fail_after(-1);
		if (rc == 0)
			sip_msg_free(m);
		assert_int_equal(sip_mem_live(), live);
	}
	assert_int_equal(rc, 0);
	free(wire);
}

static void test_frame(void **state)
{
	const char *msg = "OPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabc";
	char two[256];
	enum sip_frame_kind kind;
	size_t n, mlen = strlen(msg);
	const char *why;

	(void)state;
	/* every prefix needs more bytes */
	for (size_t i = 1; i < mlen; i++)
		assert_int_equal(sip_msg_frame(msg, i, &kind, &n, &why), ENODATA);
	assert_int_equal(sip_msg_frame(msg, mlen, &kind, &n, &why), 0);
	assert_int_equal(kind, SIP_FRAME_MSG);
	assert_int_equal(n, mlen);
	/* two messages in one segment */
	snprintf(two, sizeof(two), "%s%s", msg, msg);
	assert_int_equal(sip_msg_frame(two, 2 * mlen, &kind, &n, &why), 0);
	assert_int_equal(n, mlen);
	assert_int_equal(sip_msg_frame(two + n, 2 * mlen - n, &kind, &n, &why), 0);
	assert_int_equal(n, mlen);
	/* keep-alive */
	assert_int_equal(sip_msg_frame("\r\n\r\nOPT", 7, &kind, &n, &why), 0);
	assert_int_equal(kind, SIP_FRAME_KEEPALIVE);
	assert_int_equal(n, 4);
	/* missing / bad Content-Length on a stream is fatal */
	assert_int_equal(sip_msg_frame("OPTIONS sip:a@b SIP/2.0\r\n\r\n", 27,
				       &kind, &n, &why), EBADMSG);
	assert_string_equal(why, "Missing Content-Length header");
	assert_int_equal(sip_msg_frame("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n",
				       46, &kind, &n, &why), EBADMSG);
}

static void test_frame_huge_line(void **state)
{
	size_t len = SIP_MSG_MAX_HEAD + 100;
	char *p = malloc(len);
	enum sip_frame_kind kind;
	const char *why;
	size_t n;

	(void)state;
	memcpy(p, "OPTIONS sip:a@b SIP/2.0\r\nX: ", 28);
	memset(p + 28, 'x', len - 28);
	assert_int_equal(sip_msg_frame(p, len, &kind, &n, &why), E2BIG);
	free(p);
}

static void test_scan(void **state)
{
	struct sip_pl c = SIP_PL("a, \"x,y\" , <sip:a,b>;p=1,, last,"), item;
	const char *want[] = { "a", "\"x,y\"", "<sip:a,b>;p=1", "", "last", "" };
	struct sip_pl q;
	uint32_t v;

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(sip_scan_list_next(&c, &item), 0);
		assert_true(sip_pl_eqs(item, want[i]));
	}
	assert_int_equal(sip_scan_list_next(&c, &item), ENOENT);
	c = SIP_PL("\"unterminated, x");
	assert_int_equal(sip_scan_list_next(&c, &item), EBADMSG);
	c = SIP_PL("\"a\\\"b\" rest");
	assert_int_equal(sip_scan_quoted(&c, &q), 0);
	assert_true(sip_pl_eqs(q, "a\\\"b"));
	c = SIP_PL("2147483648x");
	assert_int_equal(sip_scan_u32(&c, 0x7fffffff, &v), ERANGE);
	c = SIP_PL("123x");
	assert_int_equal(sip_scan_u32(&c, 0x7fffffff, &v), 0);
	assert_int_equal(v, 123);
	assert_true(sip_pl_eqs(c, "x"));
}

static void test_params(void **state)
{
	struct sip_pl params = SIP_PL(";branch=z9hG4bK1 ; rport;Received=[::1];x=\"a;b\"");
	struct sip_param p;

	(void)state;
	assert_int_equal(sip_param_check(params), 0);
	assert_int_equal(sip_param_get(params, "BRANCH", &p), 0);
	assert_true(sip_pl_eqs(p.value, "z9hG4bK1"));
	assert_int_equal(sip_param_get(params, "rport", &p), 0);
	assert_false(sip_pl_isset(&p.value));
	assert_int_equal(sip_param_get(params, "received", &p), 0);
	assert_true(sip_pl_eqs(p.value, "[::1]"));
	assert_int_equal(sip_param_get(params, "x", &p), 0);
	assert_true(p.quoted);
	assert_true(sip_pl_eqs(p.value, "a;b"));
	assert_int_equal(sip_param_get(params, "nope", &p), ENOENT);
	assert_int_equal(sip_param_check(SIP_PL(";a=b junk")), EBADMSG);
	assert_int_equal(sip_param_check(SIP_PL(";;a")), EBADMSG);
	assert_int_equal(sip_param_check(SIP_PL(";a=\"open")), EBADMSG);
}

static void test_keys(void **state)
{
	struct sip_msg *m = decode_text(
		"ACK sip:bob@b SIP/2.0\n"
		"v: SIP/2.0/UDP h:5060 ;rport; BRANCH=z9hG4bKab, SIP/2.0/UDP x;branch=z9hG4bKzz\n"
		"f: \"A <;tag=no>\" <sip:a@x;tag=uri>;tag=ft1\n"
		"t: sip:bob@b;tag=tt2\n"
		"i: cid@h\n"
		"CSeq: 7  ACK\n\n", 0);
	struct sip_msg_keys k;

	(void)state;
	assert_int_equal(sip_msg_keys(m, &k), 0);
	assert_true(sip_pl_eqs(k.via, "SIP/2.0/UDP h:5060 ;rport; BRANCH=z9hG4bKab"));
	assert_true(sip_pl_eqs(k.branch, "z9hG4bKab"));
	assert_int_equal(k.cseq, 7);
	assert_true(sip_pl_eqs(k.cseq_method, "ACK"));
	assert_true(sip_pl_eqs(k.callid, "cid@h"));
	/* the tag is a header parameter: not inside quotes or the URI */
	assert_true(sip_pl_eqs(k.from_tag, "ft1"));
	assert_true(sip_pl_eqs(k.to_tag, "tt2"));
	sip_msg_free(m);

	m = decode_text("OPTIONS sip:a SIP/2.0\nVia: SIP/2.0/UDP h\nCSeq: 1 OPTIONS\n"
			"Call-ID: c\nFrom: <sip:a@b>\nTo: <sip:c@d>\n\n", 0);
	assert_int_equal(sip_msg_keys(m, &k), 0);
	assert_false(sip_pl_isset(&k.branch));
	assert_false(sip_pl_isset(&k.from_tag));
	assert_false(sip_pl_isset(&k.to_tag));
	sip_msg_free(m);

	m = decode_text("OPTIONS sip:a SIP/2.0\nVia: SIP/2.0/UDP h\nCSeq: x OPTIONS\n\n", 0);
	assert_int_equal(sip_msg_keys(m, &k), EBADMSG);
	assert_string_equal(m->err, "Bad CSeq header");
	sip_msg_free(m);
	m = decode_text("OPTIONS sip:a SIP/2.0\nCSeq: 1 OPTIONS\n\n", 0);
	assert_int_equal(sip_msg_keys(m, &k), EBADMSG);
	assert_string_equal(m->err, "Missing Via header");
	sip_msg_free(m);
	m = decode_text("OPTIONS sip:a SIP/2.0\nVia: SIP/2.0/UDP h\nCSeq: 1 OPTIONS\n"
			"Call-ID: c\nFrom: <sip:a@b;tag=1\nTo: <sip:c@d>\n\n", 0);
	assert_int_equal(sip_msg_keys(m, &k), EBADMSG);
	assert_string_equal(m->err, "Bad From header");
	sip_msg_free(m);
}

static void test_hdr_names(void **state)
{
	(void)state;
	assert_int_equal(sip_hdr_lookup(SIP_PL("v")), SIP_HDR_VIA);
	assert_int_equal(sip_hdr_lookup(SIP_PL("CALL-ID")), SIP_HDR_CALL_ID);
	assert_int_equal(sip_hdr_lookup(SIP_PL("X-Foo")), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_lookup(SIP_PL("Call\rID")), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_lookup(SIP_PL("M")), SIP_HDR_CONTACT);
	assert_int_equal(sip_hdr_lookup(SIP_PL("x")), SIP_HDR_SESSION_EXPIRES);
	assert_int_equal(sip_hdr_lookup(SIP_PL("q")), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_lookup(SIP_PL("\xe9")), SIP_HDR_OTHER);
	assert_string_equal(sip_hdr_name(SIP_HDR_WWW_AUTHENTICATE), "WWW-Authenticate");
	for (int id = 1; id < SIP_HDR__COUNT; id++)
		assert_int_equal(sip_hdr_lookup(sip_pl_str(sip_hdr_name(id))), id);
	for (int mth = 1; mth < SIP_METHOD__COUNT; mth++)
		assert_int_equal(sip_method_lookup(sip_pl_str(sip_method_name(mth))), mth);
	/* methods are case-sensitive (§7.1) */
	assert_int_equal(sip_method_lookup(SIP_PL("invite")), SIP_METHOD_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_start_line_errors),
		cmocka_unit_test(test_body_length),
		cmocka_unit_test(test_decode_failures),
		cmocka_unit_test(test_zero_copy_owner),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_frame_huge_line),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_hdr_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
