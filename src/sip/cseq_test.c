/*
 * cseq_test.c - CSeq, Call-ID, Max-Forwards, Expires, Min-Expires and
 * Content-Length (RFC 3261 §20; RFC 4475 scalar02, scalarlg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/cseq.h"
#include "sip/mem.h"
#include "sip/msg.h"
#include "testutil.h"

static struct sip_msg *msg_text(const char *text)
{
	return tu_msg(text);
}

/* A request with @p hdrs and no Content-Length. */
static struct sip_msg *msg_with(const char *hdrs)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "REGISTER sip:example.com SIP/2.0\n"
		 "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n%s\n", hdrs);
	return msg_text(text);
}

static void pl_is(struct sip_pl pl, const char *s)
{
	char buf[512];

	assert_true(pl.len < sizeof(buf));
	sip_pl_strcpy(pl, buf, sizeof(buf));
	assert_string_equal(buf, s);
}

static void test_cseq(void **state)
{
	struct sip_msg *m = msg_with("CSeq: 4711 INVITE\n");
	const struct sip_cseq *c, *c2;

	(void)state;
	assert_int_equal(sip_msg_cseq(m, &c), 0);
	assert_int_equal(c->num, 4711);
	pl_is(c->method, "INVITE");
	assert_int_equal(c->mid, SIP_INVITE);
	assert_int_equal(sip_msg_cseq(m, &c2), 0);
	assert_ptr_equal(c, c2);
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_cseq_forms(void **state)
{
	static const struct {
		const char *hdr;
		uint32_t num;
		const char *method;
		enum sip_method mid;
	} ok[] = {
		{ "CSeq: 0 ACK\n", 0, "ACK", SIP_ACK },
		{ "CSeq:   00012   REGISTER  \n", 12, "REGISTER", SIP_REGISTER },
		{ "CSeq: 2147483647 BYE\n", 2147483647u, "BYE", SIP_BYE },
		{ "CSeq: 8\n  NEWMETHOD\n", 8, "NEWMETHOD", SIP_METHOD_OTHER },
		{ "cseq: 9 invite\n", 9, "invite", SIP_METHOD_OTHER },
		{ "CSeq: 1\t!interesting-Method0123456789_*+`.%'~\n", 1,
		  "!interesting-Method0123456789_*+`.%'~", SIP_METHOD_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct sip_msg *m = msg_with(ok[i].hdr);
		const struct sip_cseq *c;

		if (sip_msg_cseq(m, &c))
			fail_msg("CSeq rejected: %s", ok[i].hdr);
		assert_int_equal(c->num, ok[i].num);
		pl_is(c->method, ok[i].method);
		assert_int_equal(c->mid, ok[i].mid);
		sip_msg_free(m);
	}
}

static void expect_err(const char *hdrs, enum sip_hdr_id id, const char *reason)
{
	struct sip_msg *m = msg_with(hdrs);
	const struct sip_cseq *c = (const void *)&c;
	struct sip_pl pl = { (const char *)&pl, 7 };
	uint32_t v = 12345;
	int err = 0;

	switch (id) {
	case SIP_HDR_CSEQ: err = sip_msg_cseq(m, &c); break;
	case SIP_HDR_CALL_ID: err = sip_msg_callid(m, &pl); break;
	case SIP_HDR_MAX_FORWARDS: err = sip_msg_max_forwards(m, &v); break;
	case SIP_HDR_EXPIRES: err = sip_msg_expires(m, &v); break;
	case SIP_HDR_MIN_EXPIRES: err = sip_msg_min_expires(m, &v); break;
	case SIP_HDR_CONTENT_LENGTH: err = sip_msg_content_length(m, &v); break;
	default: fail();
	}
	if (err != EBADMSG)
		fail_msg("accepted (%d): %s", err, hdrs);
	/* out-params untouched on failure */
	assert_ptr_equal(c, (const void *)&c);
	assert_ptr_equal(pl.p, (const char *)&pl);
	assert_int_equal(v, 12345);
	assert_non_null(m->err);
	assert_string_equal(m->err, reason);
	assert_int_equal(m->err_hdr, id);
	sip_msg_free(m);
}

static void test_cseq_errors(void **state)
{
	static const char *const bad[] = {
		"CSeq: INVITE\n",
		"CSeq: 1\n",
		"CSeq:\n",
		"CSeq: 1INVITE\n",
		"CSeq: -1 INVITE\n",
		"CSeq: 1 INVITE extra\n",
		"CSeq: 1 INV@TE\n",
		"CSeq: 1 INVITE, 2 INVITE\n",
		"CSeq: 1 INVITE\nCSeq: 1 INVITE\n",
		"CSeq: 1 INVITE\nCSeq: 2 BYE\n",
		"CSeq: 1.5 INVITE\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_err(bad[i], SIP_HDR_CSEQ, "Bad CSeq header");
	/* §8.1.1.5: below 2^31; RFC 4475 scalar02 has 2^32 and more */
	expect_err("CSeq: 2147483648 INVITE\n", SIP_HDR_CSEQ,
		   "Bad CSeq header: number too large");
	expect_err("CSeq: 36893488147419103232 REGISTER\n", SIP_HDR_CSEQ,
		   "Bad CSeq header: number too large");
}

static void test_callid(void **state)
{
	static const char *const ok[][2] = {
		{ "Call-ID: a84b4c76e66710@pc33.atlanta.com\n", "a84b4c76e66710@pc33.atlanta.com" },
		{ "i: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com\n",
		  "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com" },
		{ "Call-ID:   simple  \n", "simple" },
		{ "Call-ID: 1@[2001:db8::1]\n", "1@[2001:db8::1]" },
		/* every word character of §25.1 */
		{ "Call-ID: aZ0-.!%*_+`'~()<>:\\\"/[]?{}@x\n",
		  "aZ0-.!%*_+`'~()<>:\\\"/[]?{}@x" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct sip_msg *m = msg_with(ok[i][0]);
		struct sip_pl id;

		if (sip_msg_callid(m, &id))
			fail_msg("Call-ID rejected: %s", ok[i][0]);
		pl_is(id, ok[i][1]);
		sip_msg_free(m);
	}
}

static void test_callid_errors(void **state)
{
	static const char *const bad[] = {
		"Call-ID:\n",
		"Call-ID: a b\n",
		"Call-ID: a@\n",
		"Call-ID: @b\n",
		"Call-ID: a@b@c\n",
		"Call-ID: a;b\n",
		"Call-ID: a,b\n",
		"Call-ID: a=b\n",
		"Call-ID: 1\ni: 1\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_err(bad[i], SIP_HDR_CALL_ID, "Bad Call-ID header");
}

static void test_numbers(void **state)
{
	struct sip_msg *m = msg_with("Max-Forwards: 70\nExpires: 3600\n"
				     "Min-Expires: 60\nl: 0\n");
	uint32_t v = 1;

	(void)state;
	assert_int_equal(sip_msg_max_forwards(m, &v), 0);
	assert_int_equal(v, 70);
	assert_int_equal(sip_msg_expires(m, &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(sip_msg_min_expires(m, &v), 0);
	assert_int_equal(v, 60);
	assert_int_equal(sip_msg_content_length(m, &v), 0);
	assert_int_equal(v, 0);
	assert_null(m->err);
	sip_msg_free(m);

	m = msg_with("Max-Forwards: 255\nExpires: 4294967295\nMin-Expires: 0\n");
	assert_int_equal(sip_msg_max_forwards(m, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(sip_msg_expires(m, &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(sip_msg_min_expires(m, &v), 0);
	assert_int_equal(v, 0);
	sip_msg_free(m);

	/* RFC 4475 zeromf: 0 is a value; leading zeros are digits */
	m = msg_with("Max-Forwards: 0000\n");
	assert_int_equal(sip_msg_max_forwards(m, &v), 0);
	assert_int_equal(v, 0);
	sip_msg_free(m);
}

static void test_absent(void **state)
{
	struct sip_msg *m = msg_with("");
	const struct sip_cseq *c;
	struct sip_pl id;
	uint32_t v = 7;

	(void)state;
	assert_int_equal(sip_msg_cseq(m, &c), ENOENT);
	assert_int_equal(sip_msg_callid(m, &id), ENOENT);
	assert_int_equal(sip_msg_max_forwards(m, &v), ENOENT);
	assert_int_equal(sip_msg_expires(m, &v), ENOENT);
	assert_int_equal(sip_msg_min_expires(m, &v), ENOENT);
	assert_int_equal(sip_msg_content_length(m, &v), ENOENT);
	assert_int_equal(v, 7);
	assert_null(m->err);
	sip_msg_free(m);
}

static void test_number_errors(void **state)
{
	(void)state;
	expect_err("Max-Forwards: 256\n", SIP_HDR_MAX_FORWARDS, "Bad Max-Forwards header");
	expect_err("Max-Forwards: 300\n", SIP_HDR_MAX_FORWARDS, "Bad Max-Forwards header");
	expect_err("Max-Forwards: -1\n", SIP_HDR_MAX_FORWARDS, "Bad Max-Forwards header");
	expect_err("Max-Forwards:\n", SIP_HDR_MAX_FORWARDS, "Bad Max-Forwards header");
	expect_err("Max-Forwards: 7 0\n", SIP_HDR_MAX_FORWARDS, "Bad Max-Forwards header");
	expect_err("Max-Forwards: 70\nMax-Forwards: 70\n", SIP_HDR_MAX_FORWARDS,
		   "Bad Max-Forwards header");
	expect_err("Expires: 4294967296\n", SIP_HDR_EXPIRES,
		   "Bad Expires header: value too large");
	expect_err("Expires: 1; refresher=uac\n", SIP_HDR_EXPIRES, "Bad Expires header");
	expect_err("Expires: Thu, 01 Dec 1994 16:00:00 GMT\n", SIP_HDR_EXPIRES,
		   "Bad Expires header");
	expect_err("Expires: 10\nExpires: 20\n", SIP_HDR_EXPIRES, "Bad Expires header");
	expect_err("Min-Expires: 99999999999\n", SIP_HDR_MIN_EXPIRES,
		   "Bad Min-Expires header: value too large");
	expect_err("Min-Expires: x\n", SIP_HDR_MIN_EXPIRES, "Bad Min-Expires header");
}

/* Content-Length: msg.c frames the body by it and already complains;
 * the getter agrees with it (repeated lines allowed when equal). */
static void test_content_length(void **state)
{
	struct sip_msg *m = msg_text("SIP/2.0 200 OK\nContent-Length: 4\n"
				     "Content-Length: 4\n\nbody");
	uint32_t v;

	(void)state;
	assert_int_equal(sip_msg_content_length(m, &v), 0);
	assert_int_equal(v, 4);
	sip_msg_free(m);

	m = msg_text("SIP/2.0 200 OK\nContent-Length: 4\nl: 3\n\nbody");
	assert_int_equal(sip_msg_content_length(m, &v), EBADMSG);
	assert_string_equal(m->err, "Bad Content-Length header");
	sip_msg_free(m);

	m = msg_text("SIP/2.0 200 OK\nContent-Length: x\n\n");
	assert_int_equal(sip_msg_content_length(m, &v), EBADMSG);
	assert_string_equal(m->err, "Bad Content-Length header");
	assert_int_equal(m->err_hdr, SIP_HDR_CONTENT_LENGTH);
	sip_msg_free(m);
}

/* RFC 4475 scalar02: CSeq, Max-Forwards and Expires all overflow. */
static void test_scalar02(void **state)
{
	struct sip_msg *m = msg_text(
		"REGISTER sip:example.com SIP/2.0\n"
		"Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\n"
		"To: <sip:user@example.com>\n"
		"From: <sip:other@example.net>;tag=3412345\n"
		"Max-Forwards: 300\n"
		"Expires: 1298916798987987987987\n"
		"Contact: <sip:user@host129.example.com>;expires=280297596632815\n"
		"Call-ID: 90232e9a2a5bd0e6ac86\n"
		"CSeq: 2938475102 REGISTER\n"
		"Content-Length: 0\n\n");
	const struct sip_cseq *c;
	uint32_t v;

	(void)state;
	assert_int_equal(sip_msg_cseq(m, &c), EBADMSG);
	assert_string_equal(m->err, "Bad CSeq header: number too large");
	assert_int_equal(sip_msg_max_forwards(m, &v), EBADMSG);
	assert_int_equal(sip_msg_expires(m, &v), EBADMSG);
	/* the first error stays */
	assert_string_equal(m->err, "Bad CSeq header: number too large");
	assert_int_equal(m->err_hdr, SIP_HDR_CSEQ);
	sip_msg_free(m);
}

static void test_print(void **state)
{
	struct sip_msg *m = msg_with("CSeq:  \n 314159\t INVITE \n");
	const struct sip_cseq *c;
	struct sip_cseq c2;
	struct sip_buf b;
	struct sip_msg *m2;
	char hdr[64];

	(void)state;
	assert_int_equal(sip_msg_cseq(m, &c), 0);
	sip_buf_init(&b);
	sip_cseq_print(&b, c);
	assert_int_equal(sip_buf_err(&b), 0);
	assert_string_equal(b.p, "314159 INVITE");
	c2 = *c;
	snprintf(hdr, sizeof(hdr), "CSeq: %s\n", b.p);
	sip_buf_reset(&b);
	m2 = msg_with(hdr);
	assert_int_equal(sip_msg_cseq(m2, &c), 0);
	assert_int_equal(c->num, c2.num);
	assert_true(sip_pl_eq(c->method, c2.method));
	assert_int_equal(c->mid, c2.mid);
	sip_msg_free(m2);
	sip_msg_free(m);
}

/* ENOMEM is not cached: the next call parses again. */
static void test_oom_not_cached(void **state)
{
	struct sip_msg *m = msg_with("CSeq: 1 BYE\nExpires: 5\nCall-ID: x\n");
	const struct sip_cseq *c = NULL;
	struct sip_pl id;
	uint32_t v = 0;

	(void)state;
	sip_mem_fail_after(0);
	while (sip_arena_alloc(sip_msg_arena(m), 1))
		;
	assert_int_equal(sip_msg_cseq(m, &c), ENOMEM);
	assert_int_equal(sip_msg_expires(m, &v), ENOMEM);
	assert_int_equal(sip_msg_callid(m, &id), ENOMEM);
	assert_null(c);
	assert_null(m->err);
	sip_mem_fail_after(-1);
	assert_int_equal(sip_msg_cseq(m, &c), 0);
	assert_int_equal(c->num, 1);
	assert_int_equal(sip_msg_expires(m, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(sip_msg_callid(m, &id), 0);
	pl_is(id, "x");
	sip_msg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cseq),
		cmocka_unit_test(test_cseq_forms),
		cmocka_unit_test(test_cseq_errors),
		cmocka_unit_test(test_callid),
		cmocka_unit_test(test_callid_errors),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_number_errors),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_scalar02),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_oom_not_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
