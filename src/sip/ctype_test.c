/*
 * ctype_test.c - Content-Type, Content-Disposition and multipart bodies
 * (RFC 2046 §5.1): values, compact form, folds, errors, a multipart/mixed
 * message with an SDP part (in the spirit of RFC 4475 mpart01),
 * preamble/epilogue, padding, nesting, limits, print round trips, OOM.
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
#include "sip/ctype.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "testutil.h"

static struct sip_msg *decode_text(const char *text)
{
	return tu_msg(text);
}

static struct sip_msg *decode_hdrs(const char *hdrs)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "MESSAGE sip:bob@example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\n"
		 "CSeq: 1 MESSAGE\n"
		 "%s"
		 "Content-Length: 0\n\n", hdrs);
	return decode_text(text);
}

static void test_ctype(void **state)
{
	struct sip_msg *m = decode_hdrs("Content-Type: Application/SDP\n");
	const struct sip_ctype *ct, *again;

	(void)state;
	assert_int_equal(sip_msg_ctype(m, &ct), 0);
	assert_true(sip_pl_eqs(ct->type, "Application"));
	assert_true(sip_pl_eqs(ct->subtype, "SDP"));
	assert_int_equal(ct->params.len, 0);
	assert_false(sip_pl_isset(&ct->boundary));
	assert_false(sip_pl_isset(&ct->charset));
	assert_true(sip_ctype_is(ct, "application", "sdp"));
	assert_true(sip_ctype_is(ct, "APPLICATION", "*"));
	assert_false(sip_ctype_is(ct, "application", "pidf+xml"));
	assert_false(sip_ctype_is(ct, "text", "sdp"));
	assert_false(sip_ctype_is(NULL, "application", "sdp"));
	assert_int_equal(sip_msg_ctype(m, &again), 0);
	assert_ptr_equal(again, ct);
	sip_msg_free(m);

	m = decode_hdrs("c: text / plain ;\n charset=\"UTF-8\";format=flowed\n");
	assert_int_equal(sip_msg_ctype(m, &ct), 0);
	assert_true(sip_ctype_is(ct, "text", "plain"));
	assert_true(sip_pl_eqs(ct->charset, "UTF-8"));
	assert_true(sip_pl_eqs(ct->params, ";\r\n charset=\"UTF-8\";format=flowed"));
	sip_msg_free(m);

	m = decode_hdrs("Content-Type: multipart/mixed;boundary=\"simple boundary\"\n");
	assert_int_equal(sip_msg_ctype(m, &ct), 0);
	assert_true(sip_pl_eqs(ct->boundary, "simple boundary"));
	sip_msg_free(m);

	m = decode_hdrs("");
	assert_int_equal(sip_msg_ctype(m, &ct), ENOENT);
	sip_msg_free(m);
}

static void test_cdisp(void **state)
{
	struct sip_msg *m = decode_hdrs("Content-Disposition: session;handling=optional\n");
	const struct sip_cdisp *cd;

	(void)state;
	assert_int_equal(sip_msg_cdisp(m, &cd), 0);
	assert_true(sip_pl_eqs(cd->type, "session"));
	assert_true(sip_pl_eqs(cd->handling, "optional"));
	assert_int_equal(cd->handling_id, SIP_HANDLING_OPTIONAL);
	sip_msg_free(m);

	m = decode_hdrs("Content-Disposition: render\n");
	assert_int_equal(sip_msg_cdisp(m, &cd), 0);
	assert_true(sip_pl_eqs(cd->type, "render"));
	assert_false(sip_pl_isset(&cd->handling));
	assert_int_equal(cd->handling_id, SIP_HANDLING_REQUIRED);
	sip_msg_free(m);

	m = decode_hdrs("Content-Disposition: icon ; handling=REQUIRED;size=16\n");
	assert_int_equal(sip_msg_cdisp(m, &cd), 0);
	assert_int_equal(cd->handling_id, SIP_HANDLING_REQUIRED);
	sip_msg_free(m);

	m = decode_hdrs("Content-Disposition: alert;handling=later\n");
	assert_int_equal(sip_msg_cdisp(m, &cd), 0);
	assert_int_equal(cd->handling_id, SIP_HANDLING_OTHER);
	assert_true(sip_pl_eqs(cd->handling, "later"));
	sip_msg_free(m);

	m = decode_hdrs("");
	assert_int_equal(sip_msg_cdisp(m, &cd), ENOENT);
	sip_msg_free(m);
}

static void test_header_errors(void **state)
{
	static const char *const ctypes[] = {
		"Content-Type:\n",
		"Content-Type: application\n",
		"Content-Type: application/\n",
		"Content-Type: /sdp\n",
		"Content-Type: application/sdp x\n",
		"Content-Type: text/plain;charset\n",
		"Content-Type: text/plain;charset=\n",
		"Content-Type: text/plain;charset=\"utf-8\n",
		"Content-Type: text/plain;\n",
		"Content-Type: text/plain, text/html\n",
		"c: \"text\"/plain\n",
		"Content-Type: text/plain\nContent-Type: text/html\n",
	};
	static const char *const cdisps[] = {
		"Content-Disposition:\n",
		"Content-Disposition: session;handling=\"optional\"\n",
		"Content-Disposition: session;handling\n",
		"Content-Disposition: session handling\n",
		"Content-Disposition: session;\n",
		"Content-Disposition: session\nContent-Disposition: render\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++) {
		struct sip_msg *m = decode_hdrs(ctypes[i]);
		const struct sip_ctype *ct = NULL;

		assert_int_equal(sip_msg_ctype(m, &ct), EBADMSG);
		assert_null(ct);
		assert_string_equal(m->err, "Bad Content-Type header");
		assert_int_equal(m->err_hdr, SIP_HDR_CONTENT_TYPE);
		assert_int_equal(sip_msg_ctype(m, &ct), EBADMSG);
		sip_msg_free(m);
	}
	for (size_t i = 0; i < sizeof(cdisps) / sizeof(cdisps[0]); i++) {
		struct sip_msg *m = decode_hdrs(cdisps[i]);
		const struct sip_cdisp *cd = NULL;

		assert_int_equal(sip_msg_cdisp(m, &cd), EBADMSG);
		assert_null(cd);
		assert_string_equal(m->err, "Bad Content-Disposition header");
		assert_int_equal(m->err_hdr, SIP_HDR_CONTENT_DISPOSITION);
		sip_msg_free(m);
	}
}

/* RFC 3261 §7.4 / RFC 4475 mpart01 style: an SDP part and a text part,
 * with a preamble and an epilogue. */
static const char mpart[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8\n"
	"Max-Forwards: 70\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\n"
	"CSeq: 314159 INVITE\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed;boundary=7a9cbec02ceef655\n"
	"\n"
	"This is a preamble; it is ignored.\n"
	"--7a9cbec02ceef655\n"
	"Content-Type: application/sdp\n"
	"Content-Disposition: session;handling=required\n"
	"\n"
	"v=0\n"
	"o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\n"
	"s=-\n"
	"c=IN IP4 192.0.2.101\n"
	"t=0 0\n"
	"m=audio 49172 RTP/AVP 0\n"
	"a=rtpmap:0 PCMU/8000\n"
	"\n"
	"--7a9cbec02ceef655\n"
	"Content-Type: text/plain;charset=us-ascii\n"
	"Content-ID: <part2@atlanta.example.com>\n"
	"X-Folded: one\n"
	" two\n"
	"\n"
	"Hello\n"
	"--7a9cbec02ceef655 is not a delimiter here\n"
	"--7a9cbec02ceef655x neither\n"
	"--7a9cbec02ceef655--\n"
	"This is the epilogue.\n";

static const char sdp[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.101\r\n"
	"t=0 0\r\n"
	"m=audio 49172 RTP/AVP 0\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

static void test_multipart_msg(void **state)
{
	struct sip_msg *m = decode_text(mpart);
	const struct sip_ctype *ct;
	struct sip_bodypart *bp;
	struct sip_pl v;

	(void)state;
	assert_int_equal(sip_msg_ctype(m, &ct), 0);
	assert_true(sip_ctype_is(ct, "multipart", "mixed"));
	assert_true(sip_pl_eqs(ct->boundary, "7a9cbec02ceef655"));
	assert_int_equal(sip_body_multipart(sip_msg_arena(m), ct, m->body, &bp), 0);

	assert_true(bp->has_ctype);
	assert_true(sip_ctype_is(&bp->ctype, "application", "sdp"));
	assert_true(bp->has_cdisp);
	assert_true(sip_pl_eqs(bp->cdisp.type, "session"));
	assert_int_equal(bp->cdisp.handling_id, SIP_HANDLING_REQUIRED);
	assert_true(sip_pl_eqs(bp->headers, "Content-Type: application/sdp\r\n"
			       "Content-Disposition: session;handling=required"));
	/* the SDP keeps its last CRLF: the blank line before the delimiter
	 * has the CRLF that belongs to the delimiter */
	assert_true(sip_pl_eqs(bp->body, sdp));
	assert_int_equal(sip_bodypart_hdr(bp, "content-type", &v), 0);
	assert_true(sip_pl_eqs(v, "application/sdp"));
	assert_int_equal(sip_bodypart_hdr(bp, "Content-ID", &v), ENOENT);

	bp = bp->next;
	assert_non_null(bp);
	assert_true(sip_ctype_is(&bp->ctype, "text", "plain"));
	assert_true(sip_pl_eqs(bp->ctype.charset, "us-ascii"));
	assert_false(bp->has_cdisp);
	assert_true(sip_pl_eqs(bp->body,
			       "Hello\r\n"
			       "--7a9cbec02ceef655 is not a delimiter here\r\n"
			       "--7a9cbec02ceef655x neither"));
	assert_int_equal(sip_bodypart_hdr(bp, "CONTENT-ID", &v), 0);
	assert_true(sip_pl_eqs(v, "<part2@atlanta.example.com>"));
	assert_int_equal(sip_bodypart_hdr(bp, "x-folded", &v), 0);
	assert_true(sip_pl_eqs(v, "one\r\n two"));
	assert_null(bp->next);
	sip_msg_free(m);
}

static int split(struct sip_arena *a, const char *ctype, const char *body,
		 struct sip_bodypart **first)
{
	struct sip_ctype ct;

	assert_int_equal(sip_ctype_decode(&ct, sip_pl_str(ctype)), 0);
	return sip_body_multipart(a, &ct, sip_pl_str(body), first);
}

static size_t nparts(const struct sip_bodypart *bp)
{
	size_t n = 0;

	for (; bp; bp = bp->next)
		n++;
	return n;
}

static void test_multipart_shapes(void **state)
{
	struct sip_arena *a = sip_arena_new(256);
	struct sip_bodypart *bp;

	(void)state;
	/* delimiter at the very start, no headers, empty part, padding,
	 * bare LF line ends, close delimiter at the end without CRLF */
	assert_int_equal(split(a, "multipart/alternative; boundary=b",
			       "--b \t\r\n"
			       "\r\n"
			       "no headers\r\n"
			       "--b\r\n"
			       "\r\n"
			       "--b\n"
			       "Content-Type: text/html\n"
			       "\n"
			       "<p>x</p>\n"
			       "--b--", &bp), 0);
	assert_int_equal(nparts(bp), 3);
	assert_false(bp->has_ctype);
	assert_int_equal(bp->headers.len, 0);
	assert_true(sip_pl_eqs(bp->body, "no headers"));
	assert_int_equal(bp->next->body.len, 0);
	assert_int_equal(bp->next->raw.len, 0);
	assert_true(sip_ctype_is(&bp->next->next->ctype, "text", "html"));
	assert_true(sip_pl_eqs(bp->next->next->body, "<p>x</p>"));

	/* a part with headers only */
	assert_int_equal(split(a, "multipart/mixed;boundary=\"a b\"",
			       "--a b\r\nContent-Type: text/plain\r\n--a b--\r\n", &bp), 0);
	assert_int_equal(nparts(bp), 1);
	assert_true(bp->has_ctype);
	assert_int_equal(bp->body.len, 0);

	/* nested: split the inner part again with its own type */
	assert_int_equal(split(a, "multipart/mixed;boundary=outer",
			       "--outer\r\n"
			       "Content-Type: multipart/alternative;boundary=inner\r\n"
			       "\r\n"
			       "--inner\r\n\r\none\r\n--inner\r\n\r\ntwo\r\n--inner--\r\n"
			       "--outer--\r\n", &bp), 0);
	assert_int_equal(nparts(bp), 1);
	{
		struct sip_bodypart *in;

		assert_int_equal(sip_body_multipart(a, &bp->ctype, bp->body, &in), 0);
		assert_int_equal(nparts(in), 2);
		assert_true(sip_pl_eqs(in->body, "one"));
		assert_true(sip_pl_eqs(in->next->body, "two"));
	}
	sip_arena_free(a);
}

static void test_multipart_errors(void **state)
{
	struct sip_arena *a = sip_arena_new(256);
	struct sip_bodypart *bp = (void *)&bp;
	struct sip_ctype ct;
	char big[4096];
	size_t off = 0;

	(void)state;
	/* not multipart */
	assert_int_equal(split(a, "text/plain", "--b\r\n\r\nx\r\n--b--", &bp), EINVAL);
	assert_int_equal(sip_body_multipart(a, NULL, SIP_PL(""), &bp), EINVAL);
	/* missing or bad boundary */
	assert_int_equal(split(a, "multipart/mixed", "--b\r\n\r\nx\r\n--b--", &bp), EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=\"\"", "--\r\n\r\n----", &bp), EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=\"b \"", "--b \r\n\r\nx\r\n--b --", &bp),
			 EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=\"a\\\"b\"", "--a\"b\r\n--a\"b--", &bp),
			 EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary="
			       "a123456789b123456789c123456789d123456789e123456789f123456789g123456789h",
			       "", &bp), EBADMSG);
	/* 70 characters are fine */
	assert_int_equal(split(a, "multipart/mixed;boundary="
			       "a123456789b123456789c123456789d123456789e123456789f123456789g123456789",
			       "--a123456789b123456789c123456789d123456789e123456789f123456789g123456789\r\n"
			       "\r\nx\r\n"
			       "--a123456789b123456789c123456789d123456789e123456789f123456789g123456789--",
			       &bp), 0);
	bp = (void *)&bp;
	/* no delimiter at all, delimiter not at a line start */
	assert_int_equal(split(a, "multipart/mixed;boundary=b", "hello", &bp), EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=b", "x--b\r\n\r\ny\r\n--b--", &bp), EBADMSG);
	/* only a close delimiter: no part */
	assert_int_equal(split(a, "multipart/mixed;boundary=b", "--b--\r\n", &bp), EBADMSG);
	/* no close delimiter */
	assert_int_equal(split(a, "multipart/mixed;boundary=b", "--b\r\n\r\nx\r\n--b\r\n\r\ny", &bp),
			 EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=b", "--b\r\n\r\nx\r\n--bb--", &bp), EBADMSG);
	/* malformed part headers */
	assert_int_equal(split(a, "multipart/mixed;boundary=b", "--b\r\nv=0\r\n--b--", &bp), EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=b",
			       "--b\r\n folded\r\n\r\nx\r\n--b--", &bp), EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=b",
			       "--b\r\nContent-Type: text\r\n\r\nx\r\n--b--", &bp), EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=b",
			       "--b\r\nContent-Type: text/a\r\nc: text/b\r\n\r\nx\r\n--b--", &bp),
			 EBADMSG);
	assert_int_equal(split(a, "multipart/mixed;boundary=b",
			       "--b\r\nContent-Disposition: ;x\r\n\r\nx\r\n--b--", &bp), EBADMSG);
	assert_ptr_equal(bp, (void *)&bp);

	/* too many parts */
	for (int i = 0; i <= SIP_MULTIPART_MAX_PARTS; i++)
		off += (size_t)snprintf(big + off, sizeof(big) - off, "--b\r\n\r\n%d\r\n", i);
	snprintf(big + off, sizeof(big) - off, "--b--\r\n");
	assert_int_equal(sip_ctype_decode(&ct, SIP_PL("multipart/mixed;boundary=b")), 0);
	assert_int_equal(sip_body_multipart(a, &ct, sip_pl_str(big), &bp), E2BIG);
	assert_ptr_equal(bp, (void *)&bp);
	sip_arena_free(a);
}

static void test_print(void **state)
{
	struct sip_msg *m = decode_text(mpart);
	const struct sip_ctype *ct;
	struct sip_bodypart *bp, *bp2;
	struct sip_ctype ct2 = { 0 };
	struct sip_cdisp cd2 = { 0 };
	struct sip_buf b;

	(void)state;
	sip_buf_init(&b);
	assert_int_equal(sip_msg_ctype(m, &ct), 0);
	sip_ctype_print(&b, ct);
	assert_string_equal(b.p, "multipart/mixed;boundary=7a9cbec02ceef655");
	assert_int_equal(sip_body_multipart(sip_msg_arena(m), ct, m->body, &bp), 0);

	/* multipart print -> split gives the same parts */
	sip_buf_reset(&b);
	sip_body_multipart_print(&b, ct->boundary, bp);
	assert_int_equal(sip_buf_err(&b), 0);
	assert_int_equal(sip_body_multipart(sip_msg_arena(m), ct, sip_buf_pl_get(&b), &bp2), 0);
	for (const struct sip_bodypart *x = bp, *y = bp2; x || y; x = x->next, y = y->next) {
		assert_non_null(x);
		assert_non_null(y);
		assert_true(sip_pl_eq(x->headers, y->headers));
		assert_true(sip_pl_eq(x->body, y->body));
		assert_int_equal(x->has_ctype, y->has_ctype);
		assert_true(sip_pl_eq(x->ctype.subtype, y->ctype.subtype));
	}

	/* Content-Type: boundary that needs quotes, extension params kept */
	sip_buf_reset(&b);
	assert_int_equal(sip_ctype_decode(&ct2, SIP_PL("Multipart/Related ;type=\"application/sdp\";"
						       " boundary=\"x y\" ;start=a")), 0);
	sip_ctype_print(&b, &ct2);
	assert_string_equal(b.p, "Multipart/Related;boundary=\"x y\";type=\"application/sdp\";start=a");
	{
		struct sip_ctype ct3;

		assert_int_equal(sip_ctype_decode(&ct3, sip_buf_pl_get(&b)), 0);
		assert_true(sip_pl_eq(ct3.boundary, ct2.boundary));
		assert_true(sip_pl_eq(ct3.type, ct2.type));
		assert_true(sip_pl_eq(ct3.subtype, ct2.subtype));
	}
	/* built by hand */
	sip_buf_reset(&b);
	memset(&ct2, 0, sizeof(ct2));
	ct2.type = SIP_PL("text");
	ct2.subtype = SIP_PL("plain");
	ct2.charset = SIP_PL("utf-8");
	sip_ctype_print(&b, &ct2);
	assert_string_equal(b.p, "text/plain;charset=utf-8");

	sip_buf_reset(&b);
	assert_int_equal(sip_cdisp_decode(&cd2, SIP_PL("session ; x=1;handling=optional")), 0);
	sip_cdisp_print(&b, &cd2);
	assert_string_equal(b.p, "session;handling=optional;x=1");
	{
		struct sip_cdisp cd3;

		assert_int_equal(sip_cdisp_decode(&cd3, sip_buf_pl_get(&b)), 0);
		assert_int_equal(cd3.handling_id, SIP_HANDLING_OPTIONAL);
		assert_true(sip_pl_eq(cd3.type, cd2.type));
	}
	sip_buf_reset(&b);
	memset(&cd2, 0, sizeof(cd2));
	cd2.type = SIP_PL("render");
	cd2.handling_id = SIP_HANDLING_OPTIONAL;
	sip_cdisp_print(&b, &cd2);
	assert_string_equal(b.p, "render;handling=optional");
	sip_buf_reset(&b);
	sip_msg_free(m);
}

/* A small arena grows chunk by chunk: every failure gives ENOMEM. */
static void test_oom(void **state)
{
	long n;
	static const char body[] =
		"--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b\r\n\r\n4\r\n"
		"--b\r\n\r\n5\r\n--b\r\n\r\n6\r\n--b--\r\n";
	struct sip_bodypart *bp = NULL;
	struct sip_ctype ct;
	int err = ENOMEM;

	(void)state;
	assert_int_equal(sip_ctype_decode(&ct, SIP_PL("multipart/mixed;boundary=b")), 0);
	for (n = 0; err == ENOMEM; n++) {
		struct sip_arena *a = sip_arena_new(64);

		assert_non_null(a);
		sip_mem_fail_after(n);
		err = sip_body_multipart(a, &ct, SIP_PL(body), &bp);
		sip_mem_fail_after(-1);
		if (!err)
			assert_int_equal(nparts(bp), 6);
		else
			assert_null(bp);
		sip_arena_free(a);
	}
	assert_true(n > 1);   /* at least one allocation failed */
	assert_int_equal(err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctype),
		cmocka_unit_test(test_cdisp),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_multipart_msg),
		cmocka_unit_test(test_multipart_shapes),
		cmocka_unit_test(test_multipart_errors),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
